//! The starter rules on movements played through the state machine, the checks a rule set
//! passes before it is used, and a property of verdicts.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use transit_lifecycle::{decide, Movement};
use transit_model::{CountryCode, OfficeRef, StandardMessage};
use transit_scenario::{Corridor, Movement as Trip};

use crate::*;

fn at(hours: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).unwrap() + Duration::hours(hours)
}

fn play(trip: &Trip, messages: &[StandardMessage]) -> Movement {
    let mut movement = decide(None, &trip.release(), at(0)).unwrap().movement;
    for message in messages {
        movement = decide(Some(&movement), message, at(1)).unwrap().movement;
    }
    movement
}

fn starter() -> RuleBook {
    RuleBook::compile(RuleSet::starter(), 7).unwrap()
}

fn country(code: &str) -> Option<CountryCode> {
    Some(CountryCode::parse(code).unwrap())
}

fn office(code: &str) -> OfficeRef {
    OfficeRef::parse(code).unwrap()
}

#[test]
fn a_plain_movement_is_green_everywhere() {
    let trip = Trip::new(Corridor::abidjan_ouagadougou(), at(0));
    let movement = play(&trip, &[trip.passage(&office("BFNGK001"), at(1))]);
    let assessment = assess(&starter(), &movement, NetworkFacts::default(), at(2));
    assert!(assessment.fired.is_empty(), "{:?}", assessment.fired);
    assert!(assessment.failed.is_empty(), "{:?}", assessment.failed);
    for at_office in [None, country("CI"), country("BF")] {
        assert_eq!(assessment.verdict(at_office).lane, Lane::Green);
    }
    assert_eq!(assessment.rules_version, 7);
}

#[test]
fn broken_seals_at_the_border_make_the_destination_red_with_the_reason() {
    let trip = Trip::new(Corridor::abidjan_ouagadougou(), at(0));
    let movement = play(&trip, &[trip.incident(&office("BFNGK001"), at(1))]);
    let assessment = assess(&starter(), &movement, NetworkFacts::default(), at(2));
    let verdict = assessment.verdict(country("BF"));
    assert_eq!(verdict.lane, Lane::Red);
    assert_eq!(verdict.score, 70, "seals broken (40) and replaced (30)");
    let rules: Vec<&str> = verdict.reasons.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["seals-broken", "seals-replaced"]);
    let (reason, _) = RuleSet::starter().texts_of(&verdict.reasons[0].rule);
    assert!(reason.in_language("fr").contains("scellés"));
    assert!(RuleSet::starter()
        .texts_of("gone")
        .0
        .en
        .contains("no longer in the rules"));
}

#[test]
fn a_countrys_private_rule_counts_at_its_offices_and_shows_only_as_its_effect_elsewhere() {
    let mut set = RuleSet::starter();
    let rice = set
        .rules
        .iter_mut()
        .find(|r| r.id == "bf-sensitive-chapters")
        .unwrap();
    rice.when = "m.hs_chapters.exists(c, c == '10')".into(); // the scenario carries rice
    let book = RuleBook::compile(set, 1).unwrap();
    let trip = Trip::new(Corridor::abidjan_ouagadougou(), at(0));
    let assessment = assess(&book, &play(&trip, &[]), NetworkFacts::default(), at(1));
    let at_bf = assessment.verdict(country("BF"));
    assert_eq!((at_bf.lane, at_bf.score), (Lane::Yellow, 30));
    assert_eq!(at_bf.reasons.len(), 1, "BF reads its own rule");
    assert!(at_bf.raised_by.is_empty());
    let at_ci = assessment.verdict(country("CI"));
    assert_eq!(
        (at_ci.lane, at_ci.score),
        (Lane::Green, 0),
        "a BF rule does not apply at CI's offices"
    );
    let hub = assessment.verdict(None);
    assert_eq!(hub.lane, Lane::Yellow);
    assert!(
        hub.reasons.is_empty(),
        "the hub does not read BF's private reasons"
    );
    assert_eq!(hub.raised_by, [CountryCode::parse("BF").unwrap()]);
}

#[test]
fn network_facts_fire_the_rules_that_read_them() {
    let trip = Trip::new(Corridor::abidjan_ouagadougou(), at(0));
    let movement = play(&trip, &[trip.passage(&office("BFNGK001"), at(30))]);
    let network = NetworkFacts {
        vehicle_open_elsewhere: 1,
        leg_p90_hours: 6.0,
        leg_sample: 25,
        slowest_leg_ratio: 5.0,
        guarantee_open_amount: 600_000_000.0,
        trader_flagged_days: 3.0,
    };
    let assessment = assess(&starter(), &movement, network, at(31));
    let mut fired = fired_ids(&assessment);
    fired.sort_unstable();
    assert_eq!(
        fired,
        [
            "guarantee-exposure",
            "leg-overstay",
            "same-vehicle-twice",
            "trader-recently-flagged"
        ],
        "a leg took five times its 90th percentile"
    );
    assert_eq!(
        assessment.verdict(None).lane,
        Lane::Red,
        "40 + 30 + 30 + 20"
    );
}

#[test]
fn a_rule_silenced_in_a_country_fires_but_does_not_count_there() {
    let mut set = RuleSet::starter();
    set.silences.push(rules::Silence {
        rule: "seals-replaced".into(),
        country: CountryCode::parse("BF").unwrap(),
        reason: "every seal at Niangoloko is replaced by the escort since November".into(),
        by: "op-bf".into(),
        at: at(0),
    });
    let book = RuleBook::compile(set, 3).unwrap();
    let trip = Trip::new(Corridor::abidjan_ouagadougou(), at(0));
    let movement = play(&trip, &[trip.incident(&office("BFNGK001"), at(1))]);
    let assessment = assess(&book, &movement, NetworkFacts::default(), at(2));
    assert_eq!(
        fired_ids(&assessment),
        ["seals-broken", "seals-replaced"],
        "it still fires (and is counted)"
    );
    assert_eq!(
        assessment.verdict(country("BF")).score,
        40,
        "not at BF's offices"
    );
    assert_eq!(assessment.verdict(country("CI")).score, 70, "still at CI's");
    assert_eq!(assessment.verdict(None).score, 70, "and in the hub's view");
    let mut unknown = RuleSet::starter();
    unknown.silences.push(rules::Silence {
        rule: "nope".into(),
        ..book.set.silences[0].clone()
    });
    assert!(RuleBook::compile(unknown, 4)
        .unwrap_err()
        .problem
        .contains("no such rule"));
}

#[test]
fn a_slow_leg_stays_against_the_trip_once_the_truck_moves_on() {
    let trip = Trip::new(Corridor::abidjan_ouagadougou(), at(0));
    let border = office("BFNGK001");
    let mut movement = decide(None, &trip.release(), at(0)).unwrap().movement;
    for (message, hours) in [
        (trip.passage(&border, at(30)), 30),
        (trip.arrival(at(36)), 36),
    ] {
        movement = decide(Some(&movement), &message, at(hours))
            .unwrap()
            .movement;
    }
    let leg = |from: &str, to: &str| ((from.to_owned(), to.to_owned()), (6.0, 25));
    let legs = facts::LegTimes::new([leg("CIABJ001", "BFNGK001"), leg("BFNGK001", "BFOUA001")]);
    let network = legs.complete(&movement, &NetworkFacts::default());
    assert_eq!(network.slowest_leg_ratio, 5.0, "30 h on a 6-hour leg");
    assert_eq!(
        (network.leg_p90_hours, network.leg_sample),
        (6.0, 25),
        "the last leg's"
    );
    let assessment = assess(&starter(), &movement, network, at(37));
    assert_eq!(
        fired_ids(&assessment),
        ["leg-overstay"],
        "at arrival, after a 6-hour last leg"
    );
    let few = facts::LegTimes::new([(("CIABJ001".into(), "BFNGK001".into()), (6.0, 19))]);
    assert_eq!(
        few.complete(&movement, &NetworkFacts::default())
            .slowest_leg_ratio,
        0.0,
        "19 trips say nothing"
    );
}

#[test]
fn an_import_keeps_the_rules_its_reader_could_not_read_unless_it_names_them() {
    let network = RuleSet::starter();
    let (read, hidden) = network.readable_by(None);
    assert_eq!(
        hidden,
        [(Owner::Country(CountryCode::parse("BF").unwrap()), 1)]
    );
    let merged = network.with_unreadable_of(read, None);
    assert_eq!(merged, network, "BF's private rule is put back as it was");
    let mut corrected = RuleSet::starter();
    corrected.rules.last_mut().unwrap().weight = 10;
    let merged = network.with_unreadable_of(corrected.clone(), None);
    assert_eq!(
        merged, corrected,
        "a rule named by id replaces the hidden one, once"
    );
}

#[test]
fn a_rule_out_of_its_validity_does_not_fire() {
    let mut set = RuleSet::starter();
    for rule in &mut set.rules {
        rule.valid_to = Some(at(0).date_naive() - Duration::days(1));
    }
    let book = RuleBook::compile(set, 1).unwrap();
    let trip = Trip::new(Corridor::abidjan_ouagadougou(), at(0));
    let movement = play(&trip, &[trip.incident(&office("BFNGK001"), at(1))]);
    let assessment = assess(&book, &movement, NetworkFacts::default(), at(2));
    assert!(
        assessment.fired.is_empty() && assessment.failed.is_empty(),
        "{assessment:?}"
    );
}

#[test]
fn a_rule_set_that_cannot_be_used_is_refused_saying_which_rule_and_why() {
    let refused = |edit: &dyn Fn(&mut RuleSet)| {
        let mut set = RuleSet::starter();
        edit(&mut set);
        RuleBook::compile(set, 1).unwrap_err()
    };
    let err = refused(&|s| s.rules[0].when = "m.incidents.exists(i, i.code == ".into());
    assert_eq!(err.at, "rule seals-broken");
    assert!(err.problem.contains("not CEL"), "{err}");
    let err = refused(&|s| s.rules[1].when = "m.seals_brokn".into());
    assert_eq!(err.at, "rule unloading");
    assert!(err.problem.contains("sample movement"), "{err}");
    let err = refused(&|s| s.rules[1].when = "m.seal_count + 1".into());
    assert!(err.problem.contains("not true or false"), "{err}");
    let deep = format!("{}true{}", "(".repeat(100_000), ")".repeat(100_000));
    let err = refused(&|s| s.rules[0].when = deep.clone());
    assert!(err.problem.contains("nested over 32"), "{err}");
    let err = refused(&|s| s.rules[0].when = format!("{}true", "!".repeat(1_000)));
    assert!(err.problem.contains("nested over 32"), "{err}");
    let err = refused(&|s| s.rules[2].id = "seals-broken".into());
    assert!(err.problem.contains("second rule"), "{err}");
    let err = refused(&|s| s.lanes.yellow_from = 80);
    assert_eq!(err.at, "lanes");
    let err = refused(&|s| s.rules[0].private = true);
    assert!(
        err.problem.contains("regional rule cannot be private"),
        "{err}"
    );
    let err = refused(&|s| {
        s.rules[0].weight = 0;
        s.rules[0].lane = None;
    });
    assert!(err.problem.contains("neither a weight nor a lane"), "{err}");
    let err = refused(&|s| s.rules[0].check.en = "open\u{0}it".into());
    assert!(err.problem.contains("control character"), "{err}");
    let err = refused(&|s| s.rules[0].reason.fr = " ".into());
    assert!(err.problem.contains("reason.fr"), "{err}");
    let bad_owner = serde_json::json!({"lanes": {"yellowFrom": 30, "redFrom": 60}, "rules": [{
        "id": "x", "owner": "Ivory Coast", "when": "true", "weight": 1,
        "reason": {"en": "a", "fr": "a"}, "check": {"en": "a", "fr": "a"}, "validFrom": "2026-01-01"}]});
    let err = RuleSet::from_json(&bad_owner).unwrap_err();
    assert!(
        err.problem
            .contains("neither \"region\" nor a country code"),
        "{err}"
    );
}

#[test]
fn the_starter_set_agrees_with_its_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../schemas/risk/rules.schema.json")).unwrap();
    let rules: serde_json::Value =
        serde_json::from_str(include_str!("../../../schemas/risk/rules.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&rules)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut broken = rules.clone();
    broken["rules"][0]["lane"] = "purple".into();
    assert!(
        !validator.is_valid(&broken),
        "the schema refuses a lane it does not know"
    );
    assert!(RuleSet::from_json(&broken).is_err(), "and so does the code");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Any subset of the starter rules fired: the lane at an office never exceeds the hub's
    /// view, a fired lane is always honoured, and only the owner reads a private reason.
    #[test]
    fn verdicts_hold_their_invariants(mask in any::<u16>(), viewer in 0usize..4) {
        let set = RuleSet::starter();
        let fired: Vec<Fired> = set.rules.iter().enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, r)| Fired {
                rule: r.id.clone(), owner: r.owner, private: r.private, weight: r.weight,
                lane: r.lane, silenced_in: Vec::new(),
            })
            .collect();
        let assessment = Assessment {
            rules_version: 1, lanes: set.lanes, network: NetworkFacts::default(),
            fired: fired.clone(), failed: Vec::new(),
        };
        let country = [None, country("CI"), country("BF"), country("NE")][viewer];
        let verdict = assessment.verdict(country);
        prop_assert!(verdict.lane <= assessment.verdict(None).lane);
        for f in fired.iter().filter(|f| f.counts_at(country)) {
            if let Some(lane) = f.lane { prop_assert!(verdict.lane >= lane); }
        }
        for reason in &verdict.reasons {
            prop_assert!(!reason.private || Some(reason.owner) == country.map(Owner::Country));
        }
        prop_assert_eq!(verdict.score, fired.iter().filter(|f| f.counts_at(country)).map(|f| f.weight).sum::<u32>());
    }
}
