//! `api users add`, the real binary, against a schema of this test only: an officer's office is
//! checked against the reference data in force. Before any version is stored it is the data
//! published with sigmat (and the command says so); once a version is stored, that version —
//! an office imported at runtime is taken, one that does not exist is refused with its
//! country's offices and the command to import it. A trader's TIN and a guarantor's country
//! likewise. Needs the local stack's PostgreSQL (`deploy/local/infra-up`); no broker.

use std::process::{Command, Output};

use chrono::Utc;
use transit_model::reference::ReferenceDocument;
use transit_testkit::Isolated;

/// Runs `api users add` with the local configuration, in the test's schema.
fn users_add(test: &Isolated, username: &str, options: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_api"))
        .args([
            "--config",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../deploy/local/config/api.toml"
            ),
            "users",
            "add",
            "--username",
            username,
            "--name",
            username,
        ])
        .args(options)
        .env("SIGMAT_NEW_PASSWORD", "a long test password")
        .env("SIGMAT_API__DATABASE__URL", Isolated::database_url())
        .env("SIGMAT_API__DATABASE__SCHEMA", test.schema("tracker"))
        .env("SIGMAT_API__AUDIT__URL", Isolated::audit_database_url())
        .output()
        .expect("running api users add")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[track_caller]
fn created(output: &Output) {
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        stderr(output)
    );
}

#[track_caller]
fn refused(output: &Output, saying: &[&str]) -> String {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    for words in saying {
        assert!(text.contains(words), "{words:?} not in: {text}");
    }
    text
}

/// The published document with Guinea's port of Conakry added: a country onboarded at runtime.
fn with_conakry() -> ReferenceDocument {
    let mut document = ReferenceDocument::builtin();
    document.0.get_mut("reference/offices.json").unwrap()["offices"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "code": "GNCKY001", "name": "Conakry Port", "country": "GN",
            "roles": ["departure"], "latitude": 9.509, "longitude": -13.712,
            "utcOffset": "+00:00"
        }));
    document
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_are_checked_against_the_reference_data_in_force() {
    let test = Isolated::new("ua");

    // No version stored yet: the published data, and the command says so.
    let nowhere = users_add(
        &test,
        "nowhere",
        &["--role", "officer", "--office", "BFZZZ001"],
    );
    refused(
        &nowhere,
        &[
            "--office \"BFZZZ001\": no such office in the reference data in force",
            "The offices of Burkina Faso (BF) in force are ",
            "BFNGK001 (Niangoloko)",
            "import it first with `sigmat reference import`",
            "no reference data is stored yet",
        ],
    );
    created(&users_add(
        &test,
        "kone",
        &["--role", "officer", "--office", "BFNGK001"],
    ));
    // The refused name was not taken.
    created(&users_add(
        &test,
        "nowhere",
        &["--role", "officer", "--office", "BFOUA001"],
    ));
    refused(
        &users_add(
            &test,
            "conakry",
            &["--role", "officer", "--office", "GNCKY001"],
        ),
        &["which has no office of Guinea (GN) in force; import GN's offices first"],
    );
    refused(
        &users_add(
            &test,
            "gn-trader",
            &["--role", "trader", "--party", "GN0012345A"],
        ),
        &["--party \"GN0012345A\": Guinea (GN) has no customs office"],
    );

    // Guinea onboarded: the stored version is the one judged by.
    let pool = transit_store::connect(
        &serde_json::from_value(test.database("tracker")).unwrap(),
        transit_store::Component::Tracker,
    )
    .await
    .expect("the local stack's PostgreSQL (deploy/local/infra-up)");
    let seeded = transit_store::reference::ReferenceStore::new(pool.clone())
        .seed(
            &with_conakry(),
            &format!("{}.reference", test.id()),
            Utc::now(),
        )
        .await
        .unwrap();
    assert!(seeded);
    created(&users_add(
        &test,
        "conakry",
        &["--role", "officer", "--office", "GNCKY001"],
    ));
    created(&users_add(
        &test,
        "gn-trader",
        &["--role", "trader", "--party", "GN0012345A"],
    ));
    let text = refused(
        &users_add(
            &test,
            "still-nowhere",
            &["--role", "officer", "--office", "BFZZZ001"],
        ),
        &[
            "no such office",
            "(checked against reference data version 1)",
        ],
    );
    assert!(!text.contains("no reference data is stored yet"), "{text}");
    // Guinea has offices now, but the guarantee is not honoured there.
    refused(
        &users_add(
            &test,
            "gn-guarantor",
            &["--role", "guarantor", "--country", "GN"],
        ),
        &["--country GN: the guarantee is not honoured in Guinea (GN) today"],
    );
    created(&users_add(
        &test,
        "ci-guarantor",
        &["--role", "guarantor", "--country", "CI"],
    ));

    transit_store::drop_schema(&pool, &test.schema("tracker"))
        .await
        .unwrap();
}
