//! The `sigmat` command as a person runs it.

use std::process::Command;

fn sigmat(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sigmat"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn conformity_reports_level_4_for_the_examples() {
    let (code, text) = sigmat(&[
        "conformity",
        "schemas/transit/v1/examples/IE029.json",
        "schemas/transit/v1/examples/IE118.json",
    ]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("IE029.json: WCO Conformity Framework level 4 of 4"),
        "{text}"
    );
    assert!(
        text.contains("IE118.json: WCO Conformity Framework level 4 of 4"),
        "{text}"
    );
}

#[test]
fn conformity_names_what_a_degraded_message_lacks() {
    let mut value: serde_json::Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../schemas/transit/v1/examples/IE029.json"
        ))
        .unwrap(),
    )
    .unwrap();
    value["body"]["obligationGuarantee"]["currencyCode"] = "XYZ".into();
    let path = std::env::temp_dir().join(format!("sigmat-degraded-{}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
    let path = path.to_str().unwrap();

    let (code, text) = sigmat(&["conformity", path]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("level 2 of 4"), "{text}");
    assert!(
        text.contains("level 3  /body/obligationGuarantee/currencyCode [WCO 135]"),
        "{text}"
    );

    let (code, text) = sigmat(&["conformity", "--json", "--min-level", "2", path]);
    assert_eq!(code, 0, "{text}");
    let reports: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(reports[0]["level"], 2);
    assert_eq!(
        reports[0]["findings"][0]["pointer"],
        "/body/obligationGuarantee/currencyCode"
    );
    assert_eq!(reports[0]["findings"][0]["wcoId"], "135");
}

#[test]
fn mrn_commands() {
    let (code, text) = sigmat(&["mrn", "check", "25CIUJZDE8GXD6NCJ0"]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = sigmat(&["mrn", "check", "25CIUJZDE8GXD6NCJ1"]);
    assert_ne!(code, 0);
    assert!(text.contains("check digit"), "{text}");
    let (code, text) = sigmat(&["mrn", "new", "BF"]);
    assert_eq!(code, 0, "{text}");
    let (code, _) = sigmat(&["mrn", "check", text.trim()]);
    assert_eq!(code, 0);
}

#[test]
fn a_listing_whose_reader_goes_away_ends_quietly() {
    // 1,000 report lines (about 80 KB) are more than a pipe holds, so the command must write
    // after its reader has gone, as with `sigmat … | head -1`.
    let file = "schemas/transit/v1/examples/IE029.json";
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigmat"))
        .arg("conformity")
        .args(std::iter::repeat_n(file, 1000))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(141), "{stderr}");
}
