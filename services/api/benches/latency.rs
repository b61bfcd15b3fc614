//! API latency with 1,000,000 movements stored: the p50 and p99 of the by-MRN and search
//! endpoints, each beside the direct SQL query of the same rows measured in the same run.
//!
//! ```sh
//! deploy/local/infra-up                              # PostgreSQL (and the broker)
//! cargo bench -p api --bench latency                 # 1,000,000 movements, ~10 minutes
//! SIGMAT_BENCH_MOVEMENTS=100000 cargo bench -p api --bench latency
//! ```
//!
//! It loads the movements into a schema of its own (dropped at the end unless
//! SIGMAT_BENCH_KEEP=1), starts the API in-process on a free port, and sends requests one at
//! a time over HTTP with an operator's session — so the API figure includes HTTP, JSON and
//! the rights checks. Ratios, not absolute times, are what compare across machines.

use std::time::{Duration, Instant};

use chrono::Utc;
use transit_model::reference::ReferenceData;
use transit_model::{CountryCode, Mrn, ProcedureLetter};
use transit_scenario::{Corridor, Movement};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// A movement as the tracker stores it after release, one per corridor.
fn templates() -> Vec<(serde_json::Value, String, String)> {
    let data = ReferenceData::builtin();
    ["abidjan-ouagadougou", "lome-ouagadougou", "dakar-bamako"]
        .iter()
        .map(|id| {
            let corridor = Corridor::from_reference(&data, id).unwrap();
            let release = Movement::new(corridor.clone(), Utc::now()).release();
            let movement = transit_lifecycle::decide(None, &release, Utc::now())
                .unwrap()
                .movement;
            (
                serde_json::to_value(&movement).unwrap(),
                corridor.departure.to_string(),
                corridor.destination.to_string(),
            )
        })
        .collect()
}

/// The n-th MRN of the run: valid check digit, departure country of its template.
fn mrn(n: usize, country: CountryCode) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut serial = String::new();
    let mut v = n as u64 + 1_000_003;
    for _ in 0..12 {
        serial.push(ALPHABET[(v % 36) as usize] as char);
        v /= 36;
    }
    Mrn::from_parts(26, country, &serial, ProcedureLetter::J)
        .unwrap()
        .to_string()
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i.min(samples.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let count: usize = env_or("SIGMAT_BENCH_MOVEMENTS", "1000000").parse()?;
    let requests: usize = env_or("SIGMAT_BENCH_REQUESTS", "2000").parse()?;
    let url = env_or(
        "SIGMAT_TEST_DATABASE_URL",
        "postgres://sigmat@127.0.0.1:15532/sigmat",
    );
    let audit_url = env_or(
        "SIGMAT_TEST_AUDIT_DATABASE_URL",
        "postgres://sigmat_audit@127.0.0.1:15532/sigmat",
    );
    let schema = format!(
        "bench_api_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let database: transit_store::DatabaseSettings = serde_json::from_value(serde_json::json!({
        "url": url, "schema": schema, "max_connections": 8
    }))?;
    let pool = transit_store::connect(&database, transit_store::Component::Tracker).await?;

    // 1. Load.
    let templates = templates();
    let countries: Vec<CountryCode> = templates
        .iter()
        .map(|(_, dep, _)| CountryCode::parse(&dep[..2]).unwrap())
        .collect();
    let states = [
        "Released",
        "Released",
        "Released",
        "WrittenOff",
        "WrittenOff",
        "Arrived",
    ];
    let started = Instant::now();
    let batch = 50_000;
    let now = Utc::now();
    for start in (0..count).step_by(batch) {
        let end = (start + batch).min(count);
        let ns: Vec<usize> = (start..end).collect();
        let mrns: Vec<String> = ns.iter().map(|n| mrn(*n, countries[n % 3])).collect();
        let state: Vec<&str> = ns.iter().map(|n| states[(n / 3) % states.len()]).collect();
        let vehicle: Vec<String> = ns.iter().map(|n| format!("TR-{n:07}")).collect();
        let seal: Vec<String> = ns.iter().map(|n| format!("S-{n:08}")).collect();
        let template: Vec<i32> = ns.iter().map(|n| (n % 3) as i32 + 1).collect();
        let created: Vec<chrono::DateTime<Utc>> = ns
            .iter()
            .map(|n| now - chrono::Duration::seconds(((count - n) * 7) as i64))
            .collect();
        let (columns, expressions): (Vec<&str>, Vec<&str>) =
            transit_store::search::EXPRESSIONS.iter().copied().unzip();
        // The movement's hot state in `movements`, its declaration apart (migration 0026).
        let insert = format!(
            "WITH d AS (INNER), moved AS (
               INSERT INTO movements (mrn, state, departure_office, destination_office,
                                      arrival_time_limit, movement, version, created_at, updated_at, {})
               SELECT mrn, state, departure_office, destination_office, arrival_time_limit,
                      document - 'declaration', version, created_at, updated_at, {} FROM d)
             INSERT INTO movement_declarations (mrn, declaration)
             SELECT mrn, document -> 'declaration' FROM d",
            columns.join(", "),
            expressions.join(", ")
        )
        .replace(
            "INNER",
            "
             SELECT t.mrn, t.state, ($8::text[])[t.tpl] AS departure_office,
                    ($9::text[])[t.tpl] AS destination_office, t.created + interval '7 days' AS arrival_time_limit,
                    jsonb_set(jsonb_set(jsonb_set(jsonb_set(($7::jsonb[])[t.tpl],
                        '{mrn}', to_jsonb(t.mrn)), '{state}', to_jsonb(t.state)),
                        '{declaration,borderTransportMeans,id}', to_jsonb(t.vehicle)),
                        '{declaration,goodsShipment,consignment,transportEquipment,0,seal,0,id}', to_jsonb(t.seal))
                        AS document,
                    1 AS version, t.created AS created_at, t.created AS updated_at
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[])
                  AS t(mrn, state, vehicle, seal, tpl, created)",
        );
        sqlx::query(&insert)
            .bind(&mrns)
            .bind(&state)
            .bind(&vehicle)
            .bind(&seal)
            .bind(&template)
            .bind(&created)
            .bind(
                templates
                    .iter()
                    .map(|(m, _, _)| m.clone())
                    .collect::<Vec<_>>(),
            )
            .bind(
                templates
                    .iter()
                    .map(|(_, d, _)| d.clone())
                    .collect::<Vec<_>>(),
            )
            .bind(
                templates
                    .iter()
                    .map(|(_, _, d)| d.clone())
                    .collect::<Vec<_>>(),
            )
            .execute(&pool)
            .await?;
        eprint!(
            "\rloading movements: {end} / {count} ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    }
    // As autovacuum would: statistics, and the GIN indexes' pending lists merged.
    sqlx::query("VACUUM ANALYZE movements")
        .execute(&pool)
        .await?;
    eprintln!(
        "\rloaded {count} movements in {:.0} s                 ",
        started.elapsed().as_secs_f64()
    );

    // 2. The API, in-process, with an operator's session.
    let settings: api::Settings = serde_json::from_value(serde_json::json!({
        "http": {"listen": "127.0.0.1:0"},
        "database": {"url": url, "schema": schema, "max_connections": 8},
        "audit": {"url": audit_url},
        "kafka": {"brokers": env_or("SIGMAT_TEST_BROKERS", "127.0.0.1:19092")},
        "live_interval_ms": 3_600_000
    }))?;
    let audit = api::audit_writer(&settings).await?;
    let app = api::Application::build(settings).await?;
    let base = format!("http://{}", app.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let store = transit_store::api::ApiStore::new(pool.clone(), audit);
    store
        .create_user(
            &transit_store::api::NewUser {
                username: "bench".into(),
                display_name: "bench".into(),
                password_hash: api::auth::hash_password("bench-password")?,
                role: transit_model::Role::Operator,
                office: None,
                country: None,
                party: None,
                language: "en".into(),
            },
            Utc::now(),
        )
        .await?;
    let client = transit_http::client::HubClient::new(&base)
        .login("bench", "bench-password")
        .await?;
    let token = client.token().unwrap_or_default().to_owned();
    let http = reqwest::Client::new();

    // 3. Measure, one request at a time, on rows spread over the whole table.
    let pick = move |i: usize| (i * 7919) % count;
    type Case = (&'static str, Box<dyn Fn(usize) -> (String, String)>);
    let cases: Vec<Case> = vec![
        (
            "by MRN",
            Box::new(move |i| {
                let n = pick(i);
                let m = mrn(n, countries[n % 3]);
                (format!("/api/v1/movements/{m}"), m)
            }),
        ),
        (
            "search by vehicle",
            Box::new(move |i| {
                let v = format!("TR-{:07}", pick(i));
                (format!("/api/v1/movements?vehicle={v}"), v)
            }),
        ),
        (
            "search by seal",
            Box::new(move |i| {
                let s = format!("S-{:08}", pick(i));
                (format!("/api/v1/movements?seal={s}"), s)
            }),
        ),
        (
            "search office + state, first page of 50",
            Box::new(|_| {
                (
                    "/api/v1/movements?office=BFOUA001&state=Released".to_owned(),
                    "BFOUA001".to_owned(),
                )
            }),
        ),
    ];
    println!("sigmat API latency — {count} movements, {requests} requests per case, one at a time");
    println!(
        "{:<42} {:>10} {:>10} {:>12} {:>12} {:>10}",
        "case", "API p50", "API p99", "SQL p50", "SQL p99", "p99 ratio"
    );
    for (name, case) in &cases {
        let mut api_times = Vec::with_capacity(requests);
        let mut sql_times = Vec::with_capacity(requests);
        for i in 0..requests {
            let (path, key) = case(i);
            let t = Instant::now();
            let response = http
                .get(format!("{base}{path}"))
                .bearer_auth(&token)
                .send()
                .await?;
            let status = response.status();
            let body = response.bytes().await?;
            api_times.push(t.elapsed());
            anyhow::ensure!(
                status.is_success(),
                "{path}: {status} {}",
                String::from_utf8_lossy(&body)
            );
            let t = Instant::now();
            match *name {
                "by MRN" => {
                    let row: Option<(serde_json::Value, i64)> = sqlx::query_as(
                        "SELECT document, version FROM movement_documents WHERE mrn = $1",
                    )
                    .bind(&key)
                    .fetch_optional(&pool)
                    .await?;
                    anyhow::ensure!(row.is_some(), "{key} not found by SQL");
                }
                "search by vehicle" => {
                    sqlx::query("SELECT mrn, state FROM movements WHERE vehicle = $1 ORDER BY created_at DESC LIMIT 51")
                        .bind(&key)
                        .fetch_all(&pool)
                        .await?;
                }
                "search by seal" => {
                    sqlx::query("WITH found AS MATERIALIZED (SELECT mrn, state, created_at FROM movements WHERE seals @> $1)
                                 SELECT mrn, state FROM found ORDER BY created_at DESC LIMIT 51")
                        .bind(serde_json::json!([key]))
                        .fetch_all(&pool)
                        .await?;
                }
                _ => {
                    sqlx::query(
                        "SELECT mrn, state FROM movements WHERE state = 'Released'
                           AND (departure_office = $1 OR current_destination = $1 OR route_offices @> $2)
                         ORDER BY created_at DESC LIMIT 51",
                    )
                    .bind(&key)
                    .bind(serde_json::json!([key]))
                    .fetch_all(&pool)
                    .await?;
                }
            }
            sql_times.push(t.elapsed());
        }
        let (a50, a99) = (
            percentile(&mut api_times, 0.5),
            percentile(&mut api_times, 0.99),
        );
        let (s50, s99) = (
            percentile(&mut sql_times, 0.5),
            percentile(&mut sql_times, 0.99),
        );
        println!(
            "{name:<42} {:>8.2}ms {:>8.2}ms {:>10.2}ms {:>10.2}ms {:>10.1}",
            ms(a50),
            ms(a99),
            ms(s50),
            ms(s99),
            ms(a99) / ms(s99).max(0.001)
        );
    }

    let _ = stop.send(());
    let _ = server.await;
    if std::env::var("SIGMAT_BENCH_KEEP").is_err() {
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&pool)
            .await?;
    } else {
        eprintln!("kept schema {schema}");
    }
    Ok(())
}
