//! The API in process, on its own: [`api::Application::build`] on port 0 with a schema and
//! topic prefix of this test only (no binary started, no free port guessed). It serves the
//! reference data before any tracker has seeded the network (the published data, version 0),
//! refuses a wrong password and audits it, opens a session for an account made with
//! `api users add`'s own code and says who it belongs to, answers ready, and stops cleanly.
//! Needs the local stack's broker and PostgreSQL (`deploy/local/infra-up`).

use std::time::Duration;

use transit_testkit::Isolated;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_and_audits_on_its_own() {
    let test = Isolated::new("ap");
    let settings: api::Settings = serde_json::from_value(serde_json::json!({
        "http": {"listen": "127.0.0.1:0"},
        "database": test.database("tracker"),
        "audit": {"url": Isolated::audit_database_url()},
        "kafka": test.kafka()
    }))
    .expect("the test's settings");
    let app = api::Application::build(settings.clone())
        .await
        .expect("the API builds against the local stack (deploy/local/infra-up)");
    let base = format!("http://{}", app.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();

    // The published reference data, before any tracker seeded the network's.
    let reference: serde_json::Value = http
        .get(format!("{base}/api/v1/reference"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let offices = reference["offices"].as_array().unwrap();
    assert!(
        offices.iter().any(|o| o["code"] == "BFNGK001"),
        "{reference}"
    );

    // An account made as `api users add` makes it.
    let pool = transit_store::connect(&settings.database, transit_store::Component::Tracker)
        .await
        .unwrap();
    let audit = api::audit_writer(&settings).await.unwrap();
    let store = transit_store::api::ApiStore::new(pool.clone(), audit);
    std::env::set_var("SIGMAT_IN_PROCESS_PASSWORD", "a long test password");
    let added = api::users::add(
        &store,
        &api::users::AddUser {
            username: "kone".into(),
            name: "Awa Koné".into(),
            role: transit_model::Role::Officer,
            office: Some("BFNGK001".into()),
            country: None,
            party: None,
            language: "fr".into(),
            password_env: "SIGMAT_IN_PROCESS_PASSWORD".into(),
        },
    )
    .await
    .unwrap();
    assert!(added);

    let login = |password: &'static str| {
        http.post(format!("{base}/api/v1/sessions"))
            .json(&serde_json::json!({"username": "kone", "password": password}))
            .send()
    };
    let wrong = login("not the password").await.unwrap();
    assert_eq!(wrong.status(), 401);
    let session: serde_json::Value = login("a long test password")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().expect("a session token");
    let me: serde_json::Value = http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["username"].as_str(), me["office"].as_str()),
        (Some("kone"), Some("BFNGK001"))
    );
    let logins: Vec<(String, String)> = sqlx::query_as(
        "SELECT outcome, written_by FROM audit_log WHERE action = 'login' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        logins,
        [
            ("refused".to_owned(), "sigmat_audit".to_owned()),
            ("ok".to_owned(), "sigmat_audit".to_owned())
        ]
    );
    let ready = http
        .get(format!("{base}/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(30), running)
        .await
        .expect("the API stops within 30 s")
        .unwrap()
        .expect("and cleanly");
    transit_store::drop_schema(&pool, &settings.database.schema)
        .await
        .unwrap();
}
