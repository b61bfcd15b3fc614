//! Guarantee checks against the real PostgreSQL (`deploy/local/infra-up`;
//! `SIGMAT_TEST_DATABASE_URL`): which guarantees the hub holds as in use for another movement —
//! named by a movement still open, or registered by a use for a movement still open or not yet
//! on the hub (for a day) — and which not: a closed movement's, a check's, the asking
//! movement's own, a stale use's.

use chrono::{Duration, Utc};
use transit_lifecycle::judge;
use transit_model::guarantee_check::{GuaranteeAsked, GuaranteeCheck, GuaranteeCheckKind};
use transit_model::reference::GuaranteeCover;
use transit_model::{CountryCode, Decimal, MessageId, Mrn, OfficeRef};
use transit_store::tracker::TrackerStore;
use transit_store::{Component, DatabaseSettings};
use transit_testkit::Isolated;

fn asking(kind: GuaranteeCheckKind, mrn: &Mrn, grn: &str) -> GuaranteeCheck {
    GuaranteeCheck {
        check_id: MessageId::from_uuid(uuid::Uuid::new_v4()),
        kind,
        mrn: mrn.clone(),
        office_of_departure: OfficeRef::parse("CIABJ001").unwrap(),
        holder: "CI0123456789".into(),
        countries: vec![CountryCode::parse("CI").unwrap()],
        guarantees: vec![GuaranteeAsked {
            grn: grn.into(),
            guarantee_type: "2".into(),
            amount: Decimal::parse("1000").unwrap(),
            currency: "XOF".into(),
        }],
        asked_at: Utc::now(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guarantees_in_use_are_those_of_open_movements_and_of_recent_uses() {
    let test = Isolated::new("sg");
    let settings: DatabaseSettings = serde_json::from_value(test.database("tracker")).unwrap();
    let pool = transit_store::connect(&settings, Component::Tracker)
        .await
        .expect("the local stack's PostgreSQL (deploy/local/infra-up)");
    let store = TrackerStore::new(pool.clone());
    let now = Utc::now();
    let corridor = transit_scenario::Corridor::abidjan_ouagadougou();
    let fresh = || transit_scenario::Movement::new(corridor.clone(), now);
    let released = transit_lifecycle::decide(None, &fresh().release(), now)
        .expect("a release is accepted")
        .movement;
    let (asker, unreleased) = (fresh().mrn, fresh().mrn);
    let mut tx = store.begin().await.unwrap();
    tx.save_movements(&[(&released, 1, None)], now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sqlx::query("UPDATE movements SET guarantee_reference = 'G1' WHERE mrn = $1")
        .bind(released.mrn.as_str())
        .execute(&pool)
        .await
        .unwrap();

    // A use registered for a movement not on the hub yet, one for the released movement, and
    // a mere check: kept with their answers.
    let cover = GuaranteeCover::builtin();
    let mut tx = store.begin().await.unwrap();
    for check in [
        asking(GuaranteeCheckKind::Use, &unreleased, "G2"),
        asking(GuaranteeCheckKind::Use, &released.mrn, "G3"),
        asking(GuaranteeCheckKind::Check, &unreleased, "G4"),
    ] {
        let result = judge(&check, &[], &cover, now);
        tx.keep_guarantee_check(&check, &result, now).await.unwrap();
        assert!(tx
            .guarantee_check_answered(check.check_id.as_uuid())
            .await
            .unwrap());
    }
    let recent = now - Duration::hours(1);
    let grns = ["G1", "G2", "G3", "G4"];
    let mut in_use = tx.guarantees_in_use(&grns, &asker, recent).await.unwrap();
    in_use.sort_by(|a, b| a.grn.cmp(&b.grn));
    let seen: Vec<(&str, &str)> = in_use
        .iter()
        .map(|u| (u.grn.as_str(), u.mrn.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("G1", released.mrn.as_str()),
            ("G2", unreleased.as_str()),
            ("G3", released.mrn.as_str())
        ],
        "the open movement's reference, both uses; not the check"
    );
    let own = tx
        .guarantees_in_use(&grns, &unreleased, recent)
        .await
        .unwrap();
    assert!(own.iter().all(|u| u.grn != "G2"), "its own use: {own:?}");
    let stale = tx
        .guarantees_in_use(&["G2"], &asker, now + Duration::hours(1))
        .await
        .unwrap();
    assert!(
        stale.is_empty(),
        "a use whose movement never came: {stale:?}"
    );
    tx.commit().await.unwrap();

    // Once the movement is closed, neither its reference nor its use is in use.
    sqlx::query("UPDATE movements SET state = 'WrittenOff' WHERE mrn = $1")
        .bind(released.mrn.as_str())
        .execute(&pool)
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    let left = tx
        .guarantees_in_use(&["G1", "G3"], &asker, recent)
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    drop(tx);
    transit_store::drop_schema(&pool, &test.schema("tracker"))
        .await
        .unwrap();
}
