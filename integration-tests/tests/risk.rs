//! Risk rules customs can steer, through the real services: Burkina Faso's operator imports a
//! private rule of its own while the stack runs — refused a change to a regional rule — and the
//! next movements score red at Burkina Faso's offices, with the reason for Burkina Faso, the
//! effect only for the hub, nothing for Côte d'Ivoire's offices; a movement scored before is
//! rescored at its next event; the destination's control feeds the rule's hit rate; and
//! replaying the event log reproduces every assessment.

use std::time::{Duration, Instant};

use chrono::Utc;
use integration_tests::risk_replay::replay_lanes;
use integration_tests::{password_of, Stack, PATIENCE};
use transit_http::client::HubClient;
use transit_http::risk::{LaneOverride, RulesImport};
use transit_http::views::MovementView;
use transit_model::OfficeRef;
use transit_risk::{Bilingual, Lane, Owner, Rule};
use transit_scenario::{Corridor, Movement};
use transit_store::reference::ReferenceStore;

async fn login(
    stack: &Stack,
    username: &str,
    role: &str,
    office: Option<&str>,
    country: Option<&str>,
) -> HubClient {
    stack.add_user(username, role, office, country);
    HubClient::new(stack.api_url())
        .login(username, &password_of(username))
        .await
        .expect("logged in")
}

/// `mrn` as `who` reads it, once `ready` holds.
async fn read_until(
    who: &HubClient,
    mrn: &str,
    what: &str,
    ready: impl Fn(&MovementView) -> bool,
) -> MovementView {
    let started = Instant::now();
    loop {
        if let Ok(Some(view)) = who.movement(mrn).await {
            if ready(&view) {
                return view;
            }
        }
        assert!(
            started.elapsed() < PATIENCE,
            "waited {PATIENCE:?} for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn lane(view: &MovementView) -> Lane {
    view.risk.as_ref().map_or(Lane::Green, |r| r.lane)
}

fn rules_version(view: &MovementView) -> i64 {
    view.risk.as_ref().map_or(-1, |r| r.rules_version)
}

fn rice_watch() -> Rule {
    Rule {
        id: "bf-rice-watch".into(),
        owner: Owner::Country(transit_model::CountryCode::parse("BF").unwrap()),
        private: true,
        when: "m.hs_chapters.exists(c, c == '10')".into(),
        weight: 60,
        lane: None,
        reason: Bilingual {
            en: "Rice declared for Burkina Faso: undervaluation watch.".into(),
            fr: "Riz déclaré pour le Burkina Faso : surveillance de la sous-évaluation.".into(),
        },
        check: Bilingual {
            en: "Weigh the load and check the invoice.".into(),
            fr: "Peser le chargement et vérifier la facture.".into(),
        },
        valid_from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        valid_to: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_country_steers_its_own_rules_at_runtime_and_every_lane_replays() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let hub = login(&stack, "risk-op-all", "operator", None, None).await;
    let op_bf = login(&stack, "risk-op-bf", "operator", None, Some("BF")).await;
    let op_ci = login(&stack, "risk-op-ci", "operator", None, Some("CI")).await;
    let ouaga = login(&stack, "risk-ouaga", "officer", Some("BFOUA001"), None).await;
    let (ci, bf) = (stack.adapter("CI"), stack.adapter("BF"));
    let release = |now| Movement::new(Corridor::abidjan_ouagadougou(), now).with_own_vehicle();

    let first = release(Utc::now());
    ci.submit(&first.release()).await.expect("released");
    let first_mrn = first.mrn.to_string();
    let before = read_until(&op_bf, &first_mrn, "the first movement scored", |v| {
        v.risk.is_some()
    })
    .await;
    assert_eq!(lane(&before), Lane::Green, "{:?}", before.risk);

    // Burkina Faso's operator adds a private rule of its own, at runtime.
    let read = op_bf.risk_rules().await.expect("BF reads the rules");
    assert!(
        read.rules
            .rules
            .iter()
            .any(|r| r.id == "bf-sensitive-chapters"),
        "BF reads its own private rule"
    );
    let ci_read = op_ci.risk_rules().await.expect("CI reads the rules");
    assert!(!ci_read
        .rules
        .rules
        .iter()
        .any(|r| r.owner.to_string() == "BF" && r.private));
    assert_eq!(
        ci_read.hidden.len(),
        1,
        "CI is told BF has private rules: {:?}",
        ci_read.hidden
    );
    let mut regional = read.rules.clone();
    regional.rules[0].weight = 5;
    let refused = op_bf
        .import_risk_rules(&RulesImport {
            based_on: read.version,
            note: "not ours".into(),
            rules: regional,
        })
        .await
        .expect_err("a regional rule is not BF's to change")
        .to_string();
    assert!(
        refused.contains("rule seals-broken is owned by region"),
        "{refused}"
    );
    let mut ours = read.rules.clone();
    ours.rules.push(rice_watch());
    let imported = op_bf
        .import_risk_rules(&RulesImport {
            based_on: read.version,
            note: "circular 2026-12".into(),
            rules: ours,
        })
        .await
        .expect("BF imports its own rule");
    assert!(imported.imported, "{imported:?}");
    let version = imported.version;
    assert!(
        imported
            .changes
            .iter()
            .any(|c| c.starts_with("+ rule bf-rice-watch (BF)")),
        "{:?}",
        imported.changes
    );

    // The next movements: released until one is scored under the new version (the tracker takes
    // it from the reference topic between two batches, without a restart).
    let started = Instant::now();
    let next = loop {
        let m = release(Utc::now());
        ci.submit(&m.release()).await.expect("released");
        let view = read_until(&op_bf, m.mrn.as_str(), "a movement scored", |v| {
            v.risk.is_some()
        })
        .await;
        if rules_version(&view) == version {
            break (m, view);
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no movement scored under version {version}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let (next, at_bf) = next;
    let next_mrn = next.mrn.to_string();
    let risk = at_bf.risk.as_ref().unwrap();
    assert_eq!(risk.lane, Lane::Red, "{risk:?}");
    assert!(
        risk.reasons.iter().any(|r| r.rule == "bf-rice-watch"),
        "{risk:?}"
    );
    let at_ci = op_ci.movement(&next_mrn).await.unwrap().unwrap();
    assert_eq!(
        lane(&at_ci),
        Lane::Green,
        "a BF rule does not apply at CI's offices: {:?}",
        at_ci.risk
    );
    let at_hub = hub.movement(&next_mrn).await.unwrap().unwrap();
    let hub_risk = at_hub.risk.as_ref().unwrap();
    assert_eq!(hub_risk.lane, Lane::Red);
    assert!(
        hub_risk.reasons.iter().all(|r| r.rule != "bf-rice-watch"),
        "the hub reads the effect, not BF's reasons"
    );
    assert_eq!(hub_risk.raised_by, ["BF"]);

    // The declarant reads its movement, never its lane: that would tell which trucks are
    // controlled.
    stack.add_trader("risk-declarant", "CI0123456X");
    let declarant = HubClient::new(stack.api_url())
        .login("risk-declarant", &password_of("risk-declarant"))
        .await
        .expect("the declarant logs in");
    let own = declarant
        .movement(&next_mrn)
        .await
        .unwrap()
        .expect("its own movement");
    assert!(own.risk.is_none(), "{:?}", own.risk);

    // The movement scored before the import is rescored at its next event.
    bf.submit(&first.passage(&OfficeRef::parse("BFNGK001").unwrap(), Utc::now()))
        .await
        .expect("the passage accepted");
    read_until(&op_bf, &first_mrn, "the first movement rescored red", |v| {
        rules_version(v) == version && lane(v) == Lane::Red
    })
    .await;

    // BF's operator sets the first movement's lane at BF's offices, with a reason the officers
    // read; CI's operator may not set BF's.
    let set = op_bf
        .override_lane(
            &first_mrn,
            &LaneOverride {
                lane: Lane::Yellow,
                reason: "escorted convoy, seals checked at Niangoloko".into(),
                country: None,
            },
        )
        .await
        .expect("BF sets the lane");
    assert_eq!(set.lane, Lane::Yellow, "{set:?}");
    assert_eq!(
        set.overridden.as_ref().map(|o| o.scored_lane),
        Some(Lane::Red),
        "{set:?}"
    );
    let seen = ouaga.movement(&first_mrn).await.unwrap().unwrap();
    let seen = seen.risk.expect("the officer reads the lane");
    assert_eq!(seen.lane, Lane::Yellow);
    assert_eq!(
        seen.overridden.as_ref().map(|o| o.reason.as_str()),
        Some("escorted convoy, seals checked at Niangoloko")
    );
    let refused = op_ci
        .override_lane(
            &first_mrn,
            &LaneOverride {
                lane: Lane::Green,
                reason: "x".into(),
                country: Some("BF".into()),
            },
        )
        .await
        .expect_err("CI does not set BF's lanes")
        .to_string();
    assert!(refused.contains("operates CI, not BF"), "{refused}");

    // The destination controls the red movement and finds what the rule was about.
    bf.submit(&next.arrival(Utc::now())).await.expect("arrived");
    stack
        .wait_for_state(&next_mrn, "Arrived", "the red movement arrived")
        .await;
    ouaga
        .act(
            &next_mrn,
            &serde_json::json!({"action": "control", "sealsIntact": true, "discrepancies": [
                {"element": "item 1 gross mass", "description": "31,200 kg weighed, 25,000 declared", "major": true}]}),
            "risk-control",
        )
        .await
        .expect("control recorded");
    stack
        .wait_for_state(&next_mrn, "UnderDiscrepancy", "the discrepancy recorded")
        .await;
    let started = Instant::now();
    let figures = loop {
        let figures = op_bf.risk_figures().await.expect("BF reads its figures");
        if figures
            .iter()
            .any(|f| f.rule == "bf-rice-watch" && f.controlled >= 1)
        {
            break figures;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no control counted: {figures:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let rice = figures.iter().find(|f| f.rule == "bf-rice-watch").unwrap();
    assert!(rice.fired >= 2, "{rice:?}");
    assert_eq!(
        (rice.controlled, rice.found, rice.hit_rate),
        (1, 1, Some(1.0))
    );
    let ci_figures = op_ci.risk_figures().await.expect("CI reads its figures");
    assert!(
        ci_figures.iter().all(|f| f.rule != "bf-rice-watch"),
        "{ci_figures:?}"
    );

    // The dashboard's anomalies: the red movements, BF's own rule counting at BF only.
    let hub_anomalies = hub.risk_anomalies("").await.expect("anomalies");
    assert!(
        hub_anomalies
            .red
            .iter()
            .any(|r| r.mrn == first_mrn && r.raised_by == ["BF"]),
        "{hub_anomalies:?}"
    );
    let ci_anomalies = op_ci.risk_anomalies("").await.expect("CI's anomalies");
    assert!(
        ci_anomalies.red.iter().all(|r| r.mrn != first_mrn),
        "red at BF's offices only: {ci_anomalies:?}"
    );
    let bursts = op_bf
        .risk_anomalies("silenceMinutes=0&burst=1&withinMinutes=10")
        .await
        .expect("bursts");
    assert!(
        !bursts.bursts.is_empty() && bursts.bursts.iter().all(|b| b.office.starts_with("BF")),
        "with no silence asked, every BF office that spoke twice is a burst: {bursts:?}"
    );

    // BF silences its rule at its offices: it still fires, but no longer raises the lane there.
    let silenced = op_bf
        .silence_rule(&transit_http::risk::SilenceRequest {
            rule: "bf-rice-watch".into(),
            reason: "rice prices checked at the border since the circular of 2026-12-01".into(),
            country: None,
            lift: false,
        })
        .await
        .expect("BF silences its rule");
    assert!(
        silenced.imported && silenced.changes[0].starts_with("+ silence of bf-rice-watch at BF"),
        "{silenced:?}"
    );
    let refused = op_bf
        .silence_rule(&transit_http::risk::SilenceRequest {
            rule: "seals-broken".into(),
            reason: "not ours".into(),
            country: Some("CI".into()),
            lift: false,
        })
        .await
        .expect_err("BF silences nothing at CI's offices")
        .to_string();
    assert!(refused.contains("operates BF, not CI"), "{refused}");
    let started = Instant::now();
    let quiet = loop {
        let m = release(Utc::now());
        ci.submit(&m.release()).await.expect("released");
        let view = read_until(&op_bf, m.mrn.as_str(), "a movement scored", |v| {
            v.risk.is_some()
        })
        .await;
        if rules_version(&view) == silenced.version {
            break m;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no movement scored under version {}",
            silenced.version
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let stored = stack
        .tracker_queries()
        .await
        .movement(quiet.mrn.as_str())
        .await
        .unwrap()
        .unwrap();
    let assessment = stored.risk.expect("scored");
    // Its declarant's last movement was found with discrepancies above: that regional rule
    // fires too, and alone it makes the lane yellow.
    assert_eq!(
        transit_risk::fired_ids(&assessment),
        ["trader-recently-flagged", "bf-rice-watch"],
        "BF's rule still fires"
    );
    let at_bf = assessment.verdict(Some(transit_model::CountryCode::parse("BF").unwrap()));
    assert_eq!(
        (at_bf.lane, at_bf.score),
        (Lane::Yellow, 30),
        "but counts no more at BF's offices"
    );

    // Every assessment of this test replays from the event log.
    let queries = stack.tracker_queries().await;
    let mrns = queries.mrns().await.unwrap();
    let replayed = replay_lanes(
        &queries,
        ReferenceStore::new(stack.tracker_pool().await),
        transit_lifecycle::Rules::default(),
        &mrns,
    )
    .await;
    assert!(
        replayed.differences.is_empty(),
        "{:#?}",
        replayed.differences
    );
    assert!(
        replayed.red >= 2 && replayed.assessments >= mrns.len(),
        "{replayed:?}"
    );
}
