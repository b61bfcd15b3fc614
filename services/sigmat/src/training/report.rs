//! `sigmat training report`: the trainer's report of a class, each role named with the
//! trainees who hold it (from the class's file), once or followed live (`--follow`: each line
//! printed again, with the time, when a trainee's action changes it).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use clap::Args;
use transit_model::reference::ReferenceData;
use transit_scenario::Corridor;
use transit_training::{performed_from, report, Exercise, Line, Report};

use super::class::Class;
use super::{catalogue, runs_of, runs_so_far, GroundDatabase, Run};

/// `sigmat training report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The class.
    #[arg(long)]
    class: String,
    /// Where classes' runs are kept.
    #[arg(long, default_value = ".data/training")]
    classes: PathBuf,
    /// The catalogue's folder (the runs name their exercises by id).
    #[arg(long, default_value = "training/exercises")]
    exercises: PathBuf,
    /// The training ground's database.
    #[command(flatten)]
    database: GroundDatabase,
    /// en or fr.
    #[arg(long, default_value = "en")]
    language: String,
    /// Keep following the class: print each line again, with the time, when it changes (an
    /// action taken, a deadline passed, a new exercise started), until Ctrl-C.
    #[arg(long)]
    follow: bool,
    /// With --follow, how often to look, in seconds.
    #[arg(long, default_value_t = 2.0)]
    every: f64,
}

/// Names each role's trainees in its lines: `border-officer (ada)`.
fn name_trainees(
    report: &mut Report,
    exercise: &Exercise,
    class: &Class,
    reference: &ReferenceData,
) {
    let departure = Corridor::from_reference(reference, &exercise.corridor).map(|c| c.departure);
    let names: HashMap<&str, String> = exercise
        .roles
        .iter()
        .filter_map(|(role, place)| {
            let office = exercise.office_at(place, reference)?;
            let names = class.at(&office, departure.as_ref() == Some(&office));
            (!names.is_empty()).then(|| (role.as_str(), names.join(", ")))
        })
        .collect();
    for line in &mut report.lines {
        let (Line::Expected { role, .. } | Line::Mistake { role, .. }) = line;
        if let Some(names) = names.get(role.as_str()) {
            *role = format!("{role} ({names})");
        }
    }
}

/// What the reports are read against: the reference data and the catalogue, read once.
struct Ground {
    reference: ReferenceData,
    exercises: Vec<Exercise>,
}

impl Ground {
    fn read(args: &ReportArgs) -> anyhow::Result<Self> {
        let reference = ReferenceData::builtin();
        let exercises = catalogue(&args.exercises, &reference)?;
        Ok(Self {
            reference,
            exercises,
        })
    }
}

/// The class's reports as of `now`, one per exercise played, in the order played.
async fn reports(
    args: &ReportArgs,
    ground: &Ground,
    runs: &[Run],
    queries: &transit_store::queries::MovementQueries,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Report>> {
    let Ground {
        reference,
        exercises,
    } = ground;
    // Read each time: trainees may be added to a class while it is followed.
    let class = Class::read(&args.classes, &args.class)?;
    let mut out = Vec::new();
    for run in runs {
        let exercise = exercises
            .iter()
            .find(|e| e.id == run.exercise)
            .with_context(|| format!("exercise {} is not in the catalogue", run.exercise))?;
        let messages = queries
            .accepted_log(run.mrn.as_str())
            .await?
            .into_iter()
            .filter_map(|(_, message, received)| {
                let bytes = serde_json::to_vec(&message).ok()?;
                transit_codec::json::decode(&bytes)
                    .ok()
                    .map(|m| (m, received))
            })
            .collect::<Vec<_>>();
        let performed = performed_from(exercise, reference, &messages);
        let mut r = report(
            exercise,
            run.started_at,
            Duration::milliseconds(run.minute_ms),
            &performed,
            &args.language,
            now,
        );
        name_trainees(&mut r, exercise, &class, reference);
        out.push(r);
    }
    Ok(out)
}

/// The trainer's report of `args.class`, as text.
pub async fn report_text(args: &ReportArgs) -> anyhow::Result<String> {
    let queries = transit_store::queries::MovementQueries::new(args.database.tracker_pool().await?);
    let runs = runs_of(&args.classes, &args.class)?;
    let mut out = format!("class {}\n", args.class);
    for r in reports(args, &Ground::read(args)?, &runs, &queries, Utc::now()).await? {
        out.push_str(&r.to_text(&args.language));
    }
    Ok(out)
}

/// What `--follow` prints next: the lines of `text` that differ from those printed before
/// under the same key (an exercise and a line's place in its report), remembered in
/// `printed`.
pub fn changed_lines(
    printed: &mut HashMap<(usize, usize), String>,
    reports: &[String],
) -> Vec<String> {
    let mut out = Vec::new();
    for (i, text) in reports.iter().enumerate() {
        let title = text.lines().next().unwrap_or_default();
        for (j, line) in text.lines().enumerate() {
            if printed.get(&(i, j)).map(String::as_str) != Some(line) {
                printed.insert((i, j), line.to_owned());
                out.push(if j == 0 {
                    line.to_owned()
                } else {
                    format!("{title} |{line}")
                });
            }
        }
    }
    out
}

/// Prints the report once, or follows it.
pub async fn run(args: &ReportArgs) -> anyhow::Result<()> {
    if !args.follow {
        print!("{}", report_text(args).await?);
        return Ok(());
    }
    let queries = transit_store::queries::MovementQueries::new(args.database.tracker_pool().await?);
    let ground = Ground::read(args)?;
    let every = StdDuration::from_secs_f64(args.every.max(0.2));
    let mut printed = HashMap::new();
    println!(
        "following class {} (Ctrl-C to stop): each line again when it changes",
        args.class
    );
    loop {
        // A class that has not played yet is followed until it does.
        let runs = runs_so_far(&args.classes, &args.class)?;
        let now = Utc::now();
        let texts: Vec<String> = reports(args, &ground, &runs, &queries, now)
            .await?
            .iter()
            .map(|r| r.to_text(&args.language))
            .collect();
        for line in changed_lines(&mut printed, &texts) {
            println!("{} {line}", now.format("%H:%M:%S"));
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn following_prints_a_line_again_only_when_it_changes() {
        let mut printed = HashMap::new();
        let first = ["Broken seals: 0/2 on time\n  border-officer (ada) incident   waiting\n  dest (ben) arrival   waiting\n".to_owned()];
        let shown = changed_lines(&mut printed, &first);
        assert_eq!(shown.len(), 3);
        assert!(changed_lines(&mut printed, &first).is_empty());
        let second = ["Broken seals: 1/2 on time\n  border-officer (ada) incident   done at minute 3\n  dest (ben) arrival   waiting\n".to_owned()];
        let shown = changed_lines(&mut printed, &second);
        assert_eq!(
            shown,
            [
                "Broken seals: 1/2 on time",
                "Broken seals: 1/2 on time |  border-officer (ada) incident   done at minute 3"
            ]
        );
    }
}
