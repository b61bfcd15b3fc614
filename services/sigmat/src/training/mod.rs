//! `sigmat training`: the training ground from a trainer's terminal — make a class, list the
//! exercises of the catalogue, play one for a class on time (the parties no trainee plays are
//! played through the training ground's adapters; the trainer reads out each cue), write the
//! trainer's report: each trainee's actions against the ones the exercise expects, once or
//! followed live, and reset the class. The
//! training ground is its own hub (its own topic prefix, database schema and accounts:
//! `deploy/local/up --training`), so nothing of a class reaches live data. docs/training.md.
//!
//! - this file: the commands, `list` and `play`;
//! - [`class`]: a class's practice accounts (`class`) and its reset (`reset`);
//! - [`report`]: the trainer's report (`report`, `report --follow`).

pub mod class;
pub mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, Utc};
use clap::{Args, Subcommand};
use serde::{Deserialize, Serialize};
use transit_http::client::HubClient;
use transit_model::reference::ReferenceData;
use transit_model::Mrn;
use transit_model::{OfficeRef, StandardMessage};
use transit_national::Family;
use transit_runtime::config::Secret;
use transit_scenario::{Corridor, Movement};
use transit_store::{Component, DatabaseSettings};
use transit_training::{Act, Exercise};

/// `sigmat training …`
#[derive(Args, Debug)]
pub struct TrainingArgs {
    #[command(subcommand)]
    command: TrainingCommand,
}

#[derive(Subcommand, Debug)]
enum TrainingCommand {
    /// Lists the exercises of the catalogue: each one's title, roles and length.
    List {
        /// The catalogue's folder.
        #[arg(long, default_value = "training/exercises")]
        exercises: PathBuf,
        /// en or fr.
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Plays an exercise for a class, on time: prints the briefing and each cue when its minute
    /// comes, and sends what the parties no trainee plays send, through the training ground's
    /// adapters. When a forwarder takes part, writes the release they send with their national
    /// simulator. Records the run for the report.
    Play(PlayArgs),
    /// Creates a class's practice accounts on the training ground: officers at chosen offices,
    /// forwarders with their national system. Prints each trainee's login and password (once).
    Class(class::ClassArgs),
    /// The trainer's report of a class: for each exercise it played, each trainee's actions
    /// against the expected ones — on time, late, wrong or missing — and their mistakes.
    /// --follow keeps it on screen, printing each action as the trainees take it.
    Report(report::ReportArgs),
    /// Erases a class from the training ground: the movements it played (hub and adapters),
    /// its accounts and its files. Says what it would erase unless --yes.
    Reset(class::ResetArgs),
}

/// The training ground's database, as the commands that read or erase it take it.
#[derive(Args, Debug, Clone)]
pub struct GroundDatabase {
    /// The PostgreSQL holding the training ground's schemas.
    #[arg(
        long,
        env = "SIGMAT_DATABASE_URL",
        default_value = "postgres://sigmat@127.0.0.1:15532/sigmat"
    )]
    pub database_url: String,
    /// The training ground tracker's schema.
    #[arg(long, default_value = "training")]
    pub schema: String,
}

impl GroundDatabase {
    /// Settings for one of the ground's schemas.
    pub fn settings(&self, schema: &str) -> DatabaseSettings {
        DatabaseSettings {
            url: Secret::new(self.database_url.clone()),
            schema: schema.to_owned(),
            max_connections: 2,
        }
    }

    /// A pool on the training hub's schema.
    pub async fn tracker_pool(&self) -> anyhow::Result<transit_store::PgPool> {
        transit_store::connect(&self.settings(&self.schema), Component::Tracker)
            .await
            .with_context(|| format!("connecting to the training ground's schema {}", self.schema))
    }
}

/// `sigmat training play`.
#[derive(Args, Debug)]
pub struct PlayArgs {
    /// The exercise file (training/exercises/*.toml).
    exercise: PathBuf,
    /// The class (its runs are kept under --classes/<class>).
    #[arg(long)]
    class: String,
    /// A training adapter, as COUNTRY=URL (one per country the exercise sends from).
    #[arg(long = "adapter", value_parser = country_and_url)]
    adapters: Vec<(String, String)>,
    /// A training adapter's national family, as COUNTRY=FAMILY (sydam, asycuda, gainde, ncts;
    /// default: the standardized format): what the ground sends from that country is written
    /// in it, as that country's national system would.
    #[arg(long = "family", value_parser = country_and_family)]
    families: Vec<(String, Family)>,
    /// The national systems' tokens at the training adapters are this prefix and the country
    /// in lower case (deploy/local/up --training: sigmat-training-ci…).
    #[arg(long, default_value = "sigmat-training-")]
    token_prefix: String,
    /// How long a minute of the exercise lasts, in seconds (60: real time; less to rehearse).
    #[arg(long, default_value_t = 60.0)]
    minute_seconds: f64,
    /// Where classes' runs and forwarders' files are kept.
    #[arg(long, default_value = ".data/training")]
    classes: PathBuf,
    /// en or fr.
    #[arg(long, default_value = "en")]
    language: String,
}

fn country_and_family(text: &str) -> Result<(String, Family), String> {
    let (country, family) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: expected COUNTRY=FAMILY, e.g. CI=sydam"))?;
    let family = Family::parse(family).ok_or_else(|| {
        format!("{family:?}: a family is standard, asycuda, sydam, gainde or ncts")
    })?;
    Ok((country.to_uppercase(), family))
}

/// A training adapter, spoken to as its country's national system would.
enum Sender {
    /// The standardized format.
    Standard(HubClient),
    /// A national family, through a simulator of that system.
    National(Box<national_sim::Simulator>),
}

impl Sender {
    async fn send(&self, message: &StandardMessage) -> anyhow::Result<()> {
        match self {
            Self::Standard(client) => {
                client.submit(message).await?;
            }
            Self::National(sim) => {
                let sent = sim.send(message).await?;
                anyhow::ensure!(
                    sent.status == 202,
                    "the adapter answered {}: {}",
                    sent.status,
                    String::from_utf8_lossy(&sent.answer)
                );
            }
        }
        Ok(())
    }
}

pub(crate) fn country_and_url(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(c, u)| (c.to_uppercase(), u.to_owned()))
        .ok_or_else(|| format!("{text:?}: expected COUNTRY=URL, e.g. CI=http://127.0.0.1:18201"))
}

/// One exercise played for a class, as kept in `<classes>/<class>/runs.jsonl`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// The exercise's id.
    pub exercise: String,
    /// The movement it was played on.
    pub mrn: Mrn,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long its minutes lasted, in milliseconds.
    pub minute_ms: i64,
}

fn read_exercise(file: &Path, reference: &ReferenceData) -> anyhow::Result<Exercise> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file.file_stem().map_or_else(
        || file.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    Ok(Exercise::from_toml(&name, &text, reference)?)
}

pub(crate) fn catalogue(dir: &Path, reference: &ReferenceData) -> anyhow::Result<Vec<Exercise>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading the catalogue {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files.iter().map(|f| read_exercise(f, reference)).collect()
}

/// A class's folder under `classes`: its runs, its file, its forwarders' releases.
pub fn class_dir(classes: &Path, class: &str) -> anyhow::Result<PathBuf> {
    if class.is_empty() || !class.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        bail!("a class name is letters, digits and dashes: {class:?}");
    }
    Ok(classes.join(class))
}

fn runs_file(classes: &Path, class: &str) -> anyhow::Result<PathBuf> {
    Ok(class_dir(classes, class)?.join("runs.jsonl"))
}

/// The runs of a class, in the order they were played.
pub fn runs_of(classes: &Path, class: &str) -> anyhow::Result<Vec<Run>> {
    let file = runs_file(classes, class)?;
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("class {class} has played no exercise ({})", file.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).with_context(|| format!("a line of {}", file.display())))
        .collect()
}

/// The runs of a class so far: none if it has played nothing yet; an error if its runs file
/// cannot be read (a class's movements are never taken for none).
pub fn runs_so_far(classes: &Path, class: &str) -> anyhow::Result<Vec<Run>> {
    if runs_file(classes, class)?.exists() {
        runs_of(classes, class)
    } else {
        Ok(Vec::new())
    }
}

/// Appends `run` to the class's runs file as one line. A trainer plays several exercises at
/// once: each line goes in one write to a file opened for appending, which the system puts
/// whole at the end — `writeln!` wrote the record and its newline separately, and two plays
/// interleaving them made a line no reader could read (the class's report and reset then
/// failed).
fn record_run(classes: &Path, class: &str, run: &Run) -> anyhow::Result<()> {
    use std::io::Write;
    let file = runs_file(classes, class)?;
    std::fs::create_dir_all(file.parent().unwrap_or(classes))?;
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .with_context(|| format!("writing {}", file.display()))?;
    let mut line = serde_json::to_string(run)?;
    line.push('\n');
    out.write_all(line.as_bytes())
        .with_context(|| format!("writing {}", file.display()))?;
    Ok(())
}

/// What the ground sends for `play` at `office`.
fn message_for(
    movement: &Movement,
    play: Act,
    office: &OfficeRef,
    code: Option<u8>,
    now: DateTime<Utc>,
) -> anyhow::Result<StandardMessage> {
    Ok(match play {
        Act::Release => movement.release(),
        Act::Passage => movement.passage(office, now),
        Act::Arrival => movement.arrival_at(office, now),
        Act::Control => movement.control_results_at(office, now),
        Act::Diversion if *office == movement.corridor.destination => {
            bail!("a diversion is to an office that is not the declared destination")
        }
        Act::Diversion => movement.arrival_record_request(office, now),
        Act::Incident => {
            let mut value = serde_json::to_value(movement.incident(office, now))?;
            value["body"]["incidentCode"] = code.unwrap_or(2).into();
            transit_codec::json::decode(&serde_json::to_vec(&value)?)?
        }
    })
}

/// Plays `exercise` for `class`: the run it recorded.
pub async fn play(args: &PlayArgs) -> anyhow::Result<Run> {
    let reference = ReferenceData::builtin();
    let exercise = read_exercise(&args.exercise, &reference)?;
    let corridor = Corridor::from_reference(&reference, &exercise.corridor)
        .with_context(|| format!("corridor {}", exercise.corridor))?;
    let started = Utc::now();
    let mut movement = Movement::new(corridor.clone(), started);
    if reference
        .corridor(&exercise.corridor)
        .is_some_and(|c| !c.by_road())
    {
        let serial = movement.mrn.as_str()[8..14].to_owned();
        let wagons = [
            format!("W{serial}1"),
            format!("W{serial}2"),
            format!("W{serial}3"),
        ];
        let wagons: Vec<&str> = wagons.iter().map(String::as_str).collect();
        movement = movement.on_train(&format!("TR{serial}"), &wagons);
    }
    let minute = Duration::milliseconds((args.minute_seconds * 1000.0).round() as i64);
    let run = Run {
        exercise: exercise.id.clone(),
        mrn: movement.mrn.clone(),
        started_at: started,
        minute_ms: minute.num_milliseconds(),
    };
    let mut forwarder_note = None;
    if let Some((role, _)) = exercise.roles.iter().find(|(_, place)| {
        exercise.office_at(place, &reference).as_ref() == Some(&corridor.departure)
    }) {
        let file = args
            .classes
            .join(&args.class)
            .join(format!("{}-release.json", movement.mrn));
        std::fs::create_dir_all(args.classes.join(&args.class))?;
        std::fs::write(&file, transit_codec::json::encode(&movement.release()))?;
        forwarder_note = Some(format!(
            "  {role}: send the release in {} with your national simulator (national-sim … {})",
            file.display(),
            file.display()
        ));
    }
    // Recorded once the forwarder's file is written: whoever reads the run finds it.
    record_run(&args.classes, &args.class, &run)?;
    let mut adapters: BTreeMap<String, Sender> = BTreeMap::new();
    for (country, url) in &args.adapters {
        let token = format!("{}{}", args.token_prefix, country.to_lowercase());
        let family = args
            .families
            .iter()
            .find(|(c, _)| c == country)
            .map_or(Family::Standard, |(_, f)| *f);
        let sender = if family == Family::Standard {
            Sender::Standard(HubClient::new(url).with_token(token))
        } else {
            let code = transit_model::CountryCode::parse(country)?;
            Sender::National(Box::new(
                national_sim::Simulator::new(family, code, url)?.with_token(token),
            ))
        };
        adapters.insert(country.clone(), sender);
    }
    let language = args.language.as_str();
    println!(
        "{} — {} ({})\n{}",
        exercise.id,
        exercise.title.in_language(language),
        movement.mrn,
        exercise.briefing.in_language(language)
    );
    for (role, place) in &exercise.roles {
        let office = exercise.office_at(place, &reference);
        println!(
            "  {role}: {}",
            office.map_or_else(|| place.clone(), |o| o.to_string())
        );
    }
    if let Some(note) = forwarder_note {
        println!("{note}");
    }
    for step in &exercise.script {
        let due = started + minute * i32::try_from(step.minute).unwrap_or(i32::MAX);
        if let Ok(wait) = (due - Utc::now()).to_std() {
            tokio::time::sleep(wait).await;
        }
        if let Some(cue) = &step.cue {
            println!("minute {}: {}", step.minute, cue.in_language(language));
        }
        let (Some(act), Some(place)) = (step.play, step.at.as_deref()) else {
            continue;
        };
        let office = exercise
            .office_at(place, &reference)
            .with_context(|| format!("place {place}"))?;
        let message = message_for(&movement, act, &office, step.code, Utc::now())?;
        let country = message
            .header()
            .sender
            .office()
            .map_or_else(|| office.country().to_string(), |o| o.country().to_string());
        let adapter = adapters.get(&country).with_context(|| {
            format!("no training adapter for {country}: give --adapter {country}=URL")
        })?;
        adapter.send(&message).await.with_context(|| {
            format!(
                "minute {}: sending {} from {country}",
                step.minute,
                act.as_str()
            )
        })?;
        println!(
            "minute {}: the ground played {} at {office}",
            step.minute,
            act.as_str()
        );
    }
    let end = started + minute * i32::try_from(exercise.minutes()).unwrap_or(i32::MAX);
    if let Ok(wait) = (end - Utc::now()).to_std() {
        tokio::time::sleep(wait).await;
    }
    println!(
        "{}: over. The report: sigmat training report --class {}",
        exercise.id, args.class
    );
    Ok(run)
}

/// Runs a `sigmat training` command.
pub async fn run(args: TrainingArgs) -> anyhow::Result<()> {
    match args.command {
        TrainingCommand::List {
            exercises,
            language,
        } => {
            for exercise in catalogue(&exercises, &ReferenceData::builtin())? {
                let roles: Vec<&str> = exercise.roles.keys().map(String::as_str).collect();
                println!(
                    "{:<16} {} — {} min, roles: {}",
                    exercise.id,
                    exercise.title.in_language(&language),
                    exercise.minutes(),
                    roles.join(", ")
                );
            }
            Ok(())
        }
        TrainingCommand::Play(args) => play(&args).await.map(|_| ()),
        TrainingCommand::Class(args) => class::create(&args).await.map(|_| ()),
        TrainingCommand::Report(args) => report::run(&args).await,
        TrainingCommand::Reset(args) => class::reset(&args).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_that_played_nothing_has_no_runs_and_a_damaged_runs_file_is_an_error() {
        let classes = std::env::temp_dir().join(format!("sigmat-runs-{}", uuid::Uuid::new_v4()));
        assert!(runs_so_far(&classes, "class-a").unwrap().is_empty());
        let run = Run {
            exercise: "broken-seals".into(),
            mrn: "25CIUJZDE8GXD6NCJ0".parse().unwrap(),
            started_at: Utc::now(),
            minute_ms: 60_000,
        };
        record_run(&classes, "class-a", &run).unwrap();
        assert_eq!(runs_so_far(&classes, "class-a").unwrap()[0].mrn, run.mrn);
        // A reset must not take a damaged file for a class with no movements.
        std::fs::write(classes.join("class-a/runs.jsonl"), "{not json\n").unwrap();
        let err = runs_so_far(&classes, "class-a").unwrap_err();
        assert!(format!("{err:#}").contains("runs.jsonl"), "{err:#}");
        std::fs::remove_dir_all(&classes).unwrap();
    }

    #[test]
    fn exercises_played_at_once_each_record_a_whole_line() {
        let classes = std::env::temp_dir().join(format!("sigmat-runs-{}", uuid::Uuid::new_v4()));
        let plays: Vec<_> = (0..8)
            .map(|player| {
                let classes = classes.clone();
                std::thread::spawn(move || {
                    for n in 0..100 {
                        let run = Run {
                            exercise: format!("exercise-{player}-{n}"),
                            mrn: "25CIUJZDE8GXD6NCJ0".parse().unwrap(),
                            started_at: Utc::now(),
                            minute_ms: 60_000,
                        };
                        record_run(&classes, "class-a", &run).unwrap();
                    }
                })
            })
            .collect();
        for play in plays {
            play.join().unwrap();
        }
        let runs = runs_of(&classes, "class-a").expect("every line reads");
        assert_eq!(runs.len(), 800);
        std::fs::remove_dir_all(&classes).unwrap();
    }
}
