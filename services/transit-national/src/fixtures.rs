//! The golden national documents published with each family (`schemas/national/<family>/examples`),
//! read from the repository: what `sigmat bench translate` measures and what each family's test
//! suite checks. Reads files, so it is used by the tool and the tests only, never by a service.

use std::path::{Path, PathBuf};

/// The repository's `schemas/national/<family>/examples` directory.
pub fn examples_dir(family: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas/national")
        .join(family)
        .join("examples")
}

/// Every fixture with extension `ext` in `dir`, sorted by name.
pub fn fixtures(dir: &Path, ext: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}
