//! A country onboarded after this build — Guinea, for which no mapping is shipped — played with
//! its own mapping file: the library reads and writes Guinea's national office codes with it,
//! and the `national-sim` command takes it with `--mapping`. Burkina Faso's file given for
//! Guinea, or no file at all, is refused saying what to give. No adapter needed.

use std::path::PathBuf;
use std::process::Command;

use national_sim::Simulator;
use transit_model::{CountryCode, OfficeRef};
use transit_national::Family;

const SCHEMAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas");

/// Burkina Faso's ASYCUDA mapping, copied for Guinea: its country and its own offices.
fn guinea_json() -> String {
    let bf = std::fs::read_to_string(format!("{SCHEMAS}/national/mapping/bf.json")).unwrap();
    let mut table: serde_json::Value = serde_json::from_str(&bf).unwrap();
    table["country"] = "GN".into();
    table["system"] = "ASYCUDA World (Guinea), test".into();
    table["offices"] = serde_json::json!([
        {"national": "CKRY", "reference": "GNCKY001", "name": "Conakry"},
        {"national": "KNKN", "reference": "GNKNK001", "name": "Kankan"},
        {"national": "BOKE", "reference": "GNBKE001", "name": "Boké"}
    ]);
    serde_json::to_string_pretty(&table).unwrap()
}

/// A file of this test run, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "national-sim-{}-{}-{name}",
            std::process::id(),
            sequence()
        ));
        std::fs::write(&path, text).unwrap();
        Self(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Tests of this binary run at once: each file gets its own name.
fn sequence() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn guinea() -> CountryCode {
    CountryCode::parse("GN").unwrap()
}

#[test]
fn guinea_is_played_with_its_own_mapping_file() {
    let file = TempFile::new("gn.json", &guinea_json());
    let mapping = national_sim::mapping::read_file(&file.0).unwrap();
    // Nothing listens on port 1: the simulator only translates here.
    let sim = Simulator::with_mapping(
        Family::Asycuda,
        guinea(),
        Some(mapping),
        "http://127.0.0.1:1",
    )
    .unwrap();
    assert_eq!(sim.country(), guinea());
    assert_eq!(sim.translator().mapping().country(), guinea());

    // A border passage as Conakry's ASYCUDA writes it: Burkina Faso's example, at CKRY.
    let passage = std::fs::read_to_string(format!("{SCHEMAS}/national/asycuda/examples/IE118.xml"))
        .unwrap()
        .replace("NIAN", "CKRY");
    let message = sim.translator().to_standard(passage.as_bytes()).unwrap();
    let conakry = OfficeRef::parse("GNCKY001").unwrap();
    assert_eq!(
        message.header().sender.office(),
        Some(&conakry),
        "{message:?}"
    );
    let written = String::from_utf8(sim.translator().to_national(&message).unwrap()).unwrap();
    assert!(written.contains("<Office>CKRY</Office>"), "{written}");
    assert!(!written.contains("GNCKY001"), "{written}");
}

fn national_sim(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_national-sim"))
        .args(args)
        .output()
        .expect("running national-sim");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn the_command_takes_a_mapping_file_for_a_new_country_and_refuses_another_countrys() {
    let gn = TempFile::new("gn.json", &guinea_json());
    let play = [
        "--family",
        "asycuda",
        "--country",
        "GN",
        "--adapter",
        "http://127.0.0.1:1",
    ];

    // Nothing to send and nothing to receive: it builds the system and stops.
    let (code, text) = national_sim(&[&play[..], &["--mapping", gn.path()]].concat());
    assert_eq!(code, Some(0), "{text}");

    let (code, text) = national_sim(&play);
    assert_ne!(code, Some(0), "{text}");
    assert!(
        text.contains("no mapping is shipped for GN: give its national system's code tables with --mapping FILE"),
        "{text}"
    );

    let bf = format!("{SCHEMAS}/national/mapping/bf.json");
    let (code, text) = national_sim(&[&play[..], &["--mapping", &bf]].concat());
    assert_ne!(code, Some(0), "{text}");
    assert!(
        text.contains("the mapping given is for BF, not GN"),
        "{text}"
    );

    let (code, text) = national_sim(&["--help"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("--mapping <FILE>"), "{text}");
}
