//! The API in process, on its own: [`api::Application::build`] on port 0 with a schema and
//! topic prefix of this test only (no binary started, no free port guessed). It serves the
//! reference data before any tracker has seeded the network (the published data, version 0),
//! refuses a wrong password and audits it, opens a session for an account made with
//! `api users add`'s own code and says who it belongs to, answers ready, and stops cleanly.
//! Needs the local stack's broker and PostgreSQL (`deploy/local/infra-up`).

use std::time::Duration;

use transit_testkit::Isolated;

/// The API running in process on port 0, under a schema and prefix of its own.
struct Running {
    base: String,
    settings: api::Settings,
    stop: tokio::sync::oneshot::Sender<()>,
    running: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    async fn start(test: &Isolated) -> Self {
        Self::start_with(test, |_| {}).await
    }

    /// Starts the API with the test's settings, changed by `change` first.
    async fn start_with(test: &Isolated, change: impl FnOnce(&mut api::Settings)) -> Self {
        let mut settings: api::Settings = serde_json::from_value(serde_json::json!({
            "http": {"listen": "127.0.0.1:0"},
            "database": test.database("tracker"),
            "audit": {"url": Isolated::audit_database_url()},
            "kafka": test.kafka()
        }))
        .expect("the test's settings");
        change(&mut settings);
        let app = api::Application::build(settings.clone())
            .await
            .expect("the API builds against the local stack (deploy/local/infra-up)");
        let base = format!("http://{}", app.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(app.run_until_stopped(async {
            let _ = stopped.await;
        }));
        Self {
            base,
            settings,
            stop,
            running,
        }
    }

    /// The store, as `api users add` opens it.
    async fn store(&self) -> (sqlx::PgPool, transit_store::api::ApiStore) {
        let pool =
            transit_store::connect(&self.settings.database, transit_store::Component::Tracker)
                .await
                .unwrap();
        let audit = api::audit_writer(&self.settings).await.unwrap();
        (pool.clone(), transit_store::api::ApiStore::new(pool, audit))
    }

    /// The pool, with the officer `kone` of Niangoloko added as `api users add` adds them.
    async fn with_kone(&self) -> sqlx::PgPool {
        let (pool, store) = self.store().await;
        add(
            &store,
            "kone",
            transit_model::Role::Officer,
            Some("BFNGK001"),
            None,
        )
        .await;
        pool
    }

    /// A session of `username` (whose password is the test's): its bearer token.
    async fn session(&self, username: &str) -> String {
        let opened: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/v1/sessions", self.base))
            .json(&serde_json::json!({"username": username, "password": "a long test password"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        opened["token"]
            .as_str()
            .expect("a session token")
            .to_owned()
    }

    /// Stops the API (within 30 s, cleanly) and drops the test's schema.
    async fn stop(self, pool: &sqlx::PgPool) {
        self.stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(30), self.running)
            .await
            .expect("the API stops within 30 s")
            .unwrap()
            .expect("and cleanly");
        transit_store::drop_schema(pool, &self.settings.database.schema)
            .await
            .unwrap();
    }
}

/// Adds an account as `api users add` does, with `SIGMAT_IN_PROCESS_PASSWORD`.
async fn add(
    store: &transit_store::api::ApiStore,
    username: &str,
    role: transit_model::Role,
    office: Option<&str>,
    party: Option<&str>,
) {
    std::env::set_var("SIGMAT_IN_PROCESS_PASSWORD", "a long test password");
    let added = api::users::add(
        store,
        &api::users::AddUser {
            username: username.into(),
            name: "Awa Koné".into(),
            role,
            office: office.map(str::to_owned),
            country: None,
            party: party.map(str::to_owned),
            language: "fr".into(),
            password_env: "SIGMAT_IN_PROCESS_PASSWORD".into(),
        },
    )
    .await
    .unwrap();
    assert!(added);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_and_audits_on_its_own() {
    let test = Isolated::new("ap");
    let api = Running::start(&test).await;
    let base = api.base.clone();
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
    let pool = api.with_kone().await;

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

    api.stop(&pool).await;
}

/// A subscription aimed at this machine is refused when it is made, whatever the address's
/// spelling (the API's default: loopback not allowed); a public name is taken, to be checked
/// again at each post.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_aimed_at_this_machine_is_refused() {
    let test = Isolated::new("sb");
    let api = Running::start(&test).await;
    let (pool, store) = api.store().await;
    add(
        &store,
        "sit",
        transit_model::Role::Trader,
        None,
        Some("CI0123456X"),
    )
    .await;
    let http = reqwest::Client::new();
    let token = api.session("sit").await;
    let subscribe = |url: &str| {
        http.post(format!("{}/api/v1/subscriptions", api.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({"url": url}))
            .send()
    };
    for url in [
        "https://127.0.0.1:18443/hook",
        "https://localhost:18443/hook",
        "https://[::1]:18443/hook",
        "https://0x7f000001/",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.5/hook",
    ] {
        let answer = subscribe(url).await.unwrap();
        let status = answer.status();
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(status, 400, "{url}: {body}");
        assert_eq!(body["pointer"], "/url", "{url}: {body}");
    }
    let taken = subscribe("https://receiver.example.org/hook")
        .await
        .unwrap();
    assert_eq!(taken.status(), 201, "{}", taken.text().await.unwrap());
    api.stop(&pool).await;
}

/// Behind a trusted proxy (this machine, here), logins are throttled per account and address
/// as `X-Forwarded-For` says: guesses sent at once are counted before their verifications end
/// (at most six reach a verification), and the attacker's failures do not keep the account's
/// owner out from another address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_at_once_are_counted_and_the_owner_logs_in_from_elsewhere() {
    let test = Isolated::new("th");
    let api = Running::start_with(&test, |settings| {
        settings.http.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    let pool = api.with_kone().await;
    let http = reqwest::Client::new();
    let base = api.base.clone();
    let login = move |password: &str, from: &str| {
        http.post(format!("{base}/api/v1/sessions"))
            .header("X-Forwarded-For", format!("6.6.6.6, {from}"))
            .json(&serde_json::json!({"username": "kone", "password": password}))
            .send()
    };
    // Forty guesses from one address, all at once.
    let mut guesses = tokio::task::JoinSet::new();
    for _ in 0..40 {
        guesses.spawn(login("a wrong guess", "203.0.113.9"));
    }
    let mut statuses = Vec::new();
    while let Some(answer) = guesses.join_next().await {
        statuses.push(answer.unwrap().unwrap().status().as_u16());
    }
    let verified = statuses.iter().filter(|s| **s == 401).count();
    assert!(
        verified <= 6 && statuses.iter().all(|s| *s == 401 || *s == 429),
        "{statuses:?}"
    );
    // The attacker waits, even with the right password; the owner, elsewhere, does not.
    let attacker = login("a long test password", "203.0.113.9").await.unwrap();
    assert_eq!(attacker.status(), 429);
    let owner = login("a long test password", "198.51.100.4").await.unwrap();
    assert_eq!(owner.status(), 201, "{}", owner.text().await.unwrap());
    api.stop(&pool).await;
}

/// A live-update stream lasts as long as its session: logging out ends it within seconds, and
/// a listener carries at most `live_streams_max` streams (one here: a second is refused 503,
/// and taken once the first has ended).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_stream_ends_with_its_session_and_streams_are_bounded() {
    let test = Isolated::new("ls");
    let api = Running::start_with(&test, |settings| settings.live_streams_max = 1).await;
    let pool = api.with_kone().await;
    let http = reqwest::Client::new();
    let base = api.base.clone();
    let stream = |token: String| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let ticket: serde_json::Value = http
                .post(format!("{base}/api/v1/events/tickets"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            http.get(format!(
                "{base}/api/v1/events?ticket={}",
                ticket["ticket"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap()
        }
    };
    let first_session = api.session("kone").await;
    let mut first = stream(first_session.clone()).await;
    assert_eq!(first.status(), 200);
    let second_session = api.session("kone").await;
    assert_eq!(stream(second_session.clone()).await.status(), 503);

    // Logged out: the stream ends (the server closes it), and its place is free again.
    let out = http
        .delete(format!("{base}/api/v1/sessions"))
        .bearer_auth(&first_session)
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success(), "{}", out.status());
    let ended = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(_)) = first.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "the stream outlived its session");
    let mut third = None;
    for _ in 0..50 {
        let answer = stream(second_session.clone()).await;
        if answer.status() == 200 {
            third = Some(answer);
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        third.is_some(),
        "the ended stream's place was not given back"
    );
    drop(third);
    api.stop(&pool).await;
}
