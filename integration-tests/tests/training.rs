//! The training ground: a class of two officers (Niangoloko, Ouagadougou) and one forwarder
//! (Abidjan, with their national simulator) plays three exercises of the catalogue — broken
//! seals, a red-lane control, a fallback day — on a hub of its own (its own topic prefix,
//! schema and accounts) while the live corridor flows on the live hub beside it, on the same
//! broker and database. Nothing of the class reaches live data, nothing live reaches the
//! class, and the trainer's report lists each trainee's actions against the expected ones —
//! including the one done wrongly — by name, once and followed live. The class's accounts come
//! from `sigmat training class`; resetting the class erases its movements (training hub and
//! adapters) and its accounts, and leaves the live corridor as it was.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use integration_tests::{AdapterSpec, Stack};
use serde_json::json;
use transit_national::Family;

/// Seconds per exercise minute: the class plays in accelerated time, with deadlines wide
/// enough for a loaded machine (broken seals: incident within 5 minutes = 15 s).
const MINUTE_SECONDS: &str = "3";

fn exercise_file(id: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../training/exercises")
        .join(format!("{id}.toml"))
}

/// `sigmat training play` for `id`, in the background.
fn play(training: &Stack, classes: &Path, id: &str) -> Child {
    Command::new(training.binary("sigmat"))
        .args(["training", "play"])
        .arg(exercise_file(id))
        .args(["--class", "class-a", "--minute-seconds", MINUTE_SECONDS])
        .arg("--classes")
        .arg(classes)
        .args(["--adapter", &format!("CI={}", training.adapter_url("CI"))])
        .args(["--adapter", &format!("BF={}", training.adapter_url("BF"))])
        .args(["--family", "CI=sydam"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sigmat runs")
}

/// The MRN `sigmat training play` recorded for exercise `id`.
async fn mrn_of(classes: &Path, id: &str) -> String {
    let started = Instant::now();
    loop {
        let runs = sigmat::training::runs_of(classes, "class-a");
        if let Some(run) = runs.iter().flatten().find(|r| r.exercise == id) {
            return run.mrn.to_string();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{id} never started; the class's runs: {:#}",
            runs.map_or_else(|e| format!("{e:#}"), |r| format!("{} recorded", r.len()))
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What `sigmat training report --follow` printed so far, read as it comes.
#[derive(Clone, Default)]
struct Followed(Arc<Mutex<String>>);

impl Followed {
    fn read(child: &mut Child) -> Self {
        let followed = Self::default();
        let out = child.stdout.take().expect("piped");
        let text = followed.0.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let mut text = text.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        followed
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }

    /// Until a line names `who` and says `what`.
    async fn wait_for(&self, who: &str, what: &str) {
        let started = Instant::now();
        while !self
            .text()
            .lines()
            .any(|l| l.contains(who) && l.contains(what))
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the follow never said {who} {what}: {}",
                self.text()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn finished(child: Child, id: &str) {
    let out = child.wait_with_output().expect("sigmat play ends");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{id}: {printed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(printed.contains(&format!("{id}: over")), "{printed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_plays_three_exercises_beside_the_live_corridor_and_gets_its_report() {
    let mut live = Stack::start(&["CI", "BF"]).await;
    // Côte d'Ivoire's training adapter speaks SYDAM, as the forwarder's national system does;
    // Burkina Faso's the standardized format.
    let specs: Vec<AdapterSpec> = [("CI", "sydam"), ("BF", "standard")]
        .iter()
        .map(|(cc, family)| {
            let mut spec = AdapterSpec::national(cc, family);
            spec.token = format!("sigmat-training-{}", cc.to_lowercase());
            spec
        })
        .collect();
    let mut training = Stack::new().with_adapters(&specs).start().await;
    let classes = integration_tests::data_dir().join(format!("training-{}", training.id()));
    let (url, schema) = training.tracker_database();
    let sigmat = training.binary("sigmat");
    let ground = |command: &str| {
        let mut c = Command::new(&sigmat);
        c.args([
            "training", command, "--class", "class-a", "--schema", &schema,
        ])
        .args(["--database-url", &url])
        .arg("--classes")
        .arg(&classes);
        c
    };
    // The trainer makes the class: two officers and a forwarder, each with a password.
    let out = ground("class")
        .args(["--officer", "ada=BFNGK001", "--officer", "ben=BFOUA001"])
        .args(["--forwarder", "cy=CI:sydam"])
        .args([
            "--audit-database-url",
            &integration_tests::audit_database_url(),
        ])
        .output()
        .expect("sigmat runs");
    let sheet = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{sheet}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let password_of = |user: &str| {
        let line = sheet
            .lines()
            .find(|l| l.starts_with(&format!("{user} ")))
            .unwrap_or_else(|| panic!("{user} in {sheet}"));
        line.split_whitespace().nth(2).unwrap().to_owned()
    };
    let hub = training.api();
    let login = |user: &'static str| {
        let password = password_of(user);
        let hub = &hub;
        async move { hub.login(user, &password).await }
    };
    let ada = login("class-a.ada").await.expect("ada logs in");
    let ben = login("class-a.ben").await.expect("ben logs in");
    login("class-a.cy").await.expect("the forwarder logs in");
    assert!(
        sheet.contains("national-sim --family sydam --country CI"),
        "{sheet}"
    );
    // The trainer follows the class live from the start.
    let mut follow = ground("report")
        .args(["--follow", "--every", "0.5", "--exercises"])
        .arg(exercise_file("broken-seals").parent().unwrap())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sigmat runs");
    let followed = Followed::read(&mut follow);
    // The forwarder's national simulator, in front of the training ground's Abidjan adapter.
    let forwarder = national_sim::Simulator::new(
        Family::Sydam,
        transit_model::CountryCode::parse("CI").unwrap(),
        &training.adapter_url("CI"),
    )
    .unwrap()
    .with_token("sigmat-training-ci".to_owned());

    let seals = play(&training, &classes, "broken-seals");
    let red = play(&training, &classes, "red-lane");
    let fallback = play(&training, &classes, "fallback-day");
    let (seals_mrn, red_mrn, fallback_mrn) = (
        mrn_of(&classes, "broken-seals").await,
        mrn_of(&classes, "red-lane").await,
        mrn_of(&classes, "fallback-day").await,
    );
    // Fallback day: the forwarder sends the release the ground prepared for them.
    let file = classes
        .join("class-a")
        .join(format!("{fallback_mrn}-release.json"));
    let release = transit_codec::json::decode(&std::fs::read(&file).unwrap()).unwrap();
    let sent = forwarder.send(&release).await.unwrap();
    assert_eq!(
        sent.status,
        202,
        "{}",
        String::from_utf8_lossy(&sent.answer)
    );

    // The live corridor flows meanwhile.
    let mut live_mrns = Vec::new();
    for _ in 0..3 {
        live_mrns.push(live.release_to_ouagadougou().await.mrn.to_string());
    }

    // Ada, at Niangoloko: the broken seal is an incident; the fallback day's truck passes.
    training
        .wait_for_state(&seals_mrn, "Released", "broken seals released")
        .await;
    // The trainer sees the incident awaited before Ada acts, and done after.
    followed
        .wait_for("border-officer (ada)", "incident   waiting")
        .await;
    ada.act(
        &seals_mrn,
        &json!({"action": "incident", "code": 2, "place": "Niangoloko parking",
                "description": "seal CI-S-0002 hanging open"}),
        "ada-1",
    )
    .await
    .expect("the incident is taken");
    training
        .wait_for_state(&fallback_mrn, "Released", "the forwarder's release")
        .await;
    ada.act(&fallback_mrn, &json!({"action": "passage"}), "ada-2")
        .await
        .expect("the passage is taken");

    // Ben, at Ouagadougou: arrivals and controls — the red lane's seals reported broken by
    // mistake (they were intact).
    for (mrn, intact, key) in [(&seals_mrn, false, "ben-1"), (&red_mrn, false, "ben-3")] {
        training
            .wait_for_state(mrn, "Released", "released at Abidjan")
            .await;
        ben.act(
            mrn,
            &json!({"action": "arrival"}),
            &format!("{key}-arrival"),
        )
        .await
        .expect("the arrival is taken");
        training
            .wait_for_state(mrn, "Arrived", "the arrival, before the control")
            .await;
        ben.act(
            mrn,
            &json!({"action": "control", "sealsIntact": intact,
                    "checked": "seals checked, packages counted"}),
            key,
        )
        .await
        .expect("the control is taken");
    }
    for (child, id) in [
        (seals, "broken-seals"),
        (red, "red-lane"),
        (fallback, "fallback-day"),
    ] {
        finished(child, id);
    }

    // Nothing of the class in live data, nothing live in the class.
    let class_mrns = [&seals_mrn, &red_mrn, &fallback_mrn];
    let live_queries = live.tracker_queries().await;
    let training_queries = training.tracker_queries().await;
    for mrn in class_mrns {
        assert!(
            live_queries.movement(mrn).await.unwrap().is_none(),
            "{mrn} in live data"
        );
        assert!(training_queries.movement(mrn).await.unwrap().is_some());
    }
    for mrn in &live_mrns {
        assert!(
            training_queries.movement(mrn).await.unwrap().is_none(),
            "{mrn} in the class"
        );
        assert!(live_queries.movement(mrn).await.unwrap().is_some());
    }

    // The trainer's report.
    let out = ground("report")
        .arg("--exercises")
        .arg(exercise_file("broken-seals").parent().unwrap())
        .output()
        .expect("sigmat runs");
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = |role: &str, act: &str| {
        report
            .lines()
            .filter(|l| l.trim_start().starts_with(role) && l.contains(&format!(" {act} ")))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    // Broken seals: the incident and the destination's work, done in time.
    assert!(
        report.contains("A truck with broken seals at the border: 3/3 on time"),
        "{report}"
    );
    assert!(
        line("border-officer", "incident")[0].contains("done at minute"),
        "{report}"
    );
    // Red lane: the arrival in time, the control done wrongly.
    assert!(
        report.contains("A red-lane control at destination: 1/2 on time"),
        "{report}"
    );
    assert!(
        line("destination-officer", "control")
            .iter()
            .any(|l| l.contains("WRONG: seals reported not intact, expected intact")),
        "{report}"
    );
    // Fallback day: the forwarder's release and the passage from the officer app.
    assert!(
        report.contains("A fallback day: the national system is down: 2/2 on time"),
        "{report}"
    );
    assert!(
        line("forwarder (cy)", "release")[0].contains("done at minute"),
        "{report}"
    );
    assert!(
        line("border-officer (ada)", "incident")[0].contains("done at minute"),
        "{report}"
    );

    // Followed live, the same actions came as they were taken; then the trainer's Ctrl-C
    // (SIGINT) ends the follow cleanly.
    followed
        .wait_for("destination-officer (ben)", "control    WRONG")
        .await;
    followed
        .wait_for("border-officer (ada)", "incident   done at minute")
        .await;
    let stopped = Command::new("kill")
        .args(["-INT", &follow.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(follow.wait().unwrap().success());
    let followed = followed.text();
    let said = |who: &str, what: &str| {
        followed
            .lines()
            .filter(|l| l.contains(who) && l.contains(what))
            .count()
    };
    assert!(
        said("border-officer (ada)", "incident   waiting") == 1
            && said("border-officer (ada)", "incident   done at minute") == 1
            && said("destination-officer (ben)", "control    WRONG") == 1,
        "{followed}"
    );

    // The trainer resets the class: its movements (hub and adapters), accounts and files go.
    let out = ground("reset")
        .args([
            "--yes",
            "--adapter-schema",
            &format!("{}_ci", training.id()),
        ])
        .args(["--adapter-schema", &format!("{}_bf", training.id())])
        .output()
        .expect("sigmat runs");
    let erased = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{erased}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        erased.contains("class-a.ada, class-a.ben, class-a.cy"),
        "{erased}"
    );
    assert!(login("class-a.ada").await.is_err(), "{erased}");
    assert!(!classes.join("class-a").exists());
    for mrn in class_mrns {
        assert!(
            training_queries.movement(mrn).await.unwrap().is_none(),
            "{mrn} kept after the reset: {erased}"
        );
        assert!(live_queries.movement(mrn).await.unwrap().is_none());
    }
    for cc in ["CI", "BF"] {
        let pool = training.adapter_pool(cc).await;
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM deliveries WHERE mrn = ANY($1)")
            .bind(class_mrns.map(|m| m.to_string()).to_vec())
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(left, 0, "{cc}'s training adapter kept deliveries: {erased}");
    }
    for mrn in &live_mrns {
        assert!(live_queries.movement(mrn).await.unwrap().is_some());
    }
}
