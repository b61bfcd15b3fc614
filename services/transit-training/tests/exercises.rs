//! The published exercises read and check, and the report judges what trainees did.

use chrono::{DateTime, Duration, TimeZone, Utc};
use transit_model::reference::ReferenceData;
use transit_training::{report, Act, Exercise, Line, Outcome, Performed};

fn published() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../training/exercises");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn exercise(id: &str) -> Exercise {
    let (_, text) = published().into_iter().find(|(n, _)| n == id).unwrap();
    Exercise::from_toml(id, &text, &ReferenceData::builtin()).unwrap()
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap()
}

/// When the trainer reads the report: the exercise is over.
fn later() -> DateTime<Utc> {
    start() + Duration::hours(1)
}

fn did(role: &str, does: Act, minute: i64) -> Performed {
    Performed {
        role: role.to_owned(),
        does,
        code: None,
        seals_intact: None,
        at: start() + Duration::minutes(minute),
    }
}

#[test]
fn the_catalogue_holds_the_six_situations_each_readable_in_both_languages() {
    let reference = ReferenceData::builtin();
    let ids: Vec<String> = published().into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        [
            "broken-seals",
            "diversion",
            "fallback-day",
            "late-passage",
            "missing-wagon",
            "red-lane"
        ]
    );
    for (id, text) in published() {
        let exercise =
            Exercise::from_toml(&id, &text, &reference).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(exercise.id, id, "the id is the file's name");
        assert!(!exercise.title.fr.is_empty() && !exercise.briefing.fr.is_empty());
        for expected in &exercise.expect {
            assert!(!expected.why.fr.is_empty() && !expected.why.en.is_empty());
        }
        for role in exercise.roles.values() {
            assert!(
                exercise.office_at(role, &reference).is_some(),
                "{id}: {role}"
            );
        }
        assert!(exercise.minutes() > 0);
    }
}

#[test]
fn places_are_the_corridors_offices() {
    let reference = ReferenceData::builtin();
    let seals = exercise("broken-seals");
    let at = |place: &str| seals.office_at(place, &reference).unwrap().to_string();
    assert_eq!(at("departure"), "CIABJ001");
    assert_eq!(
        at("border"),
        "BFNGK001",
        "the first office in another country"
    );
    assert_eq!(at("destination"), "BFOUA001");
    let office = transit_model::OfficeRef::parse("BFNGK001").unwrap();
    assert_eq!(seals.role_at(&office, &reference), Some("border-officer"));
}

#[test]
fn a_broken_exercise_is_refused_saying_what_to_fix() {
    let reference = ReferenceData::builtin();
    let (_, text) = published()
        .into_iter()
        .find(|(n, _)| n == "broken-seals")
        .unwrap();
    let refused = |edited: String| {
        Exercise::from_toml("edited", &edited, &reference)
            .unwrap_err()
            .to_string()
    };
    let err = refused(text.replace("abidjan-ouagadougou", "nowhere"));
    assert!(err.contains("corridor \"nowhere\""), "{err}");
    let err = refused(text.replace("role = \"border-officer\"", "role = \"guard\""));
    assert!(err.contains("role \"guard\" is not declared"), "{err}");
    let err = refused(text.replacen("code = 2\n", "", 1));
    assert!(err.contains("needs its code"), "{err}");
    // The ground never plays for an office a trainee holds.
    let err = refused(text.replacen(
        "[[script]]\nminute = 2\n",
        "[[script]]\nminute = 2\nplay = \"passage\"\nat = \"border\"\n",
        1,
    ));
    assert!(
        err.contains("where trainee role border-officer works"),
        "{err}"
    );
    let err = refused(text.replace("fr = \"Un camion aux", "es = \"Un camion aux"));
    assert!(err.contains("es"), "{err}");
}

#[test]
fn the_report_says_what_was_done_on_time_late_wrongly_or_not_at_all() {
    let seals = exercise("broken-seals");
    let mut incident = did("border-officer", Act::Incident, 3);
    incident.code = Some(2);
    let mut control = did("destination-officer", Act::Control, 12);
    control.seals_intact = Some(false);
    let performed = [
        did("border-officer", Act::Passage, 2),
        incident,
        did("destination-officer", Act::Arrival, 7),
        control,
    ];
    let r = report(
        &seals,
        start(),
        Duration::minutes(1),
        &performed,
        "en",
        later(),
    );
    let outcomes: Vec<(String, Act, Outcome)> = r
        .lines
        .iter()
        .filter_map(|l| match l {
            Line::Expected {
                role,
                does,
                outcome,
                ..
            } => Some((role.clone(), *does, outcome.clone())),
            Line::Mistake { .. } => None,
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("border-officer".into(), Act::Incident, Outcome::OnTime(3)),
            (
                "destination-officer".into(),
                Act::Arrival,
                Outcome::OnTime(7)
            ),
            (
                "destination-officer".into(),
                Act::Control,
                Outcome::Late(12)
            ),
        ]
    );
    // Confirming the passage was the mistake the exercise warns about, with its reason.
    let mistakes: Vec<&Line> = r
        .lines
        .iter()
        .filter(|l| matches!(l, Line::Mistake { .. }))
        .collect();
    assert_eq!(mistakes.len(), 1);
    let Line::Mistake {
        does, minute, why, ..
    } = mistakes[0]
    else {
        unreachable!()
    };
    assert_eq!((*does, *minute), (Act::Passage, 2));
    assert!(why.contains("hides the broken seal"), "{why}");
    assert_eq!(r.score(), (2, 3));
    let text = report(
        &seals,
        start(),
        Duration::minutes(1),
        &performed,
        "fr",
        later(),
    )
    .to_text("fr");
    assert!(
        text.contains("2/3 à temps") && text.contains("EN RETARD, à la minute 12"),
        "{text}"
    );
}

#[test]
fn a_wrong_detail_and_a_missing_action_are_named() {
    let seals = exercise("broken-seals");
    let mut incident = did("border-officer", Act::Incident, 1);
    incident.code = Some(1);
    let r = report(
        &seals,
        start(),
        Duration::minutes(1),
        &[incident],
        "en",
        later(),
    );
    let text = r.to_text("en");
    assert!(
        text.contains("WRONG: incident code 1, expected 2"),
        "{text}"
    );
    assert!(text.contains("MISSING"), "{text}");
    assert_eq!(r.score(), (0, 3));
}

#[test]
fn during_the_exercise_an_action_not_yet_due_is_waiting_and_one_past_its_deadline_missing() {
    let seals = exercise("broken-seals");
    // The report with nothing done, read at `m` minutes into the exercise.
    let at_minute = |m| {
        report(
            &seals,
            start(),
            Duration::minutes(1),
            &[],
            "en",
            start() + Duration::minutes(m),
        )
    };
    let text = at_minute(2).to_text("en");
    assert!(text.contains("waiting (due by minute 5)"), "{text}");
    assert!(!text.contains("MISSING"), "{text}");
    let r = at_minute(6);
    let text = r.to_text("en");
    let incident = text.lines().find(|l| l.contains(" incident ")).unwrap();
    assert!(incident.contains("MISSING"), "{text}");
    assert_eq!(r.score(), (0, 3));
}
