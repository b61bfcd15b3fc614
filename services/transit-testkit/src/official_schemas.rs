//! Official schemas: NCTS messages against the official phase 5 XSDs (51.8.6), with libxml2's `xmllint`, when
//! `SIGMAT_NCTS_XSD_DIR` names their folder (the one holding `cd/CD050C.xsd`; the test command
//! sets it from `../shared/ncts-p5`).

use std::path::PathBuf;
use std::process::Command;

/// The folder of the official XSDs, if the environment names one (checked to hold them).
pub fn official_schemas_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("SIGMAT_NCTS_XSD_DIR")?);
    assert!(
        dir.join("cd").join("CD050C.xsd").is_file(),
        "SIGMAT_NCTS_XSD_DIR={} does not hold cd/CD050C.xsd: point it at the folder of the official XSDs (schemas/national/ncts/README.md)",
        dir.display()
    );
    Some(dir)
}

/// Validates the NCTS `document` called `name` against its root's official schema: `None`
/// when no XSD folder is given, else what `xmllint` said when it refused.
pub fn check_against_official_schemas(name: &str, document: &[u8]) -> Option<Result<(), String>> {
    let dir = official_schemas_dir()?;
    let Some(root) = transit_national::document::xml_root(document) else {
        return Some(Err(format!("{name}: not XML")));
    };
    let file = std::env::temp_dir().join(format!(
        "sigmat-ncts-{}-{}.xml",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::write(&file, document).expect("writing a temporary file");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(dir.join("cd").join(format!("{root}.xsd")))
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint (Debian package libxml2-utils) checks NCTS messages against the official XSDs: {e}")
        });
    let _ = std::fs::remove_file(&file);
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{name} ({root}): {}",
            String::from_utf8_lossy(&out.stderr).replace(&file.display().to_string(), name)
        ))
    })
}

/// What a test prints when the XSDs were not at hand: the check was skipped, not passed.
pub const OFFICIAL_SCHEMAS_SKIPPED: &str = "SKIPPED: NCTS messages not checked against the official XSDs 51.8.6 (set SIGMAT_NCTS_XSD_DIR to their folder; schemas/national/ncts/README.md says where to get them)";
