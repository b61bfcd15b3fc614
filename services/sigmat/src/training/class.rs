//! A class on the training ground: its trainees' practice accounts (`sigmat training class`),
//! kept as `<classes>/<class>/class.json` beside its runs, and its reset (`sigmat training
//! reset`), which erases what the class left on the training ground — the movements it played
//! (in the training hub's schema and its adapters'), its accounts, its files.
//!
//! A trainee's login name is the class's name, a dot and theirs (`class-a.ada`), so a reset
//! removes exactly the class's accounts. Officers get an account at their office; a
//! forwarder gets a trader's account that follows the declarations the ground prepares for
//! them (declarant [`transit_scenario::DECLARANT_TIN`]) and sends their releases with their
//! national simulator.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use serde::{Deserialize, Serialize};
use transit_model::{CountryCode, OfficeRef, Role};
use transit_national::Family;
use transit_runtime::config::Secret;
use transit_store::{AuditSettings, Component};

use super::{class_dir, runs_so_far, GroundDatabase};

/// What a trainee practises.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Practice {
    /// An officer at an office (border or destination).
    Officer {
        /// The office, e.g. BFNGK001.
        office: String,
    },
    /// A forwarder, sending releases from their country's national system.
    Forwarder {
        /// The country they declare in.
        country: String,
        /// Their national system's family.
        family: Family,
    },
}

/// One trainee of a class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trainee {
    /// The name the trainer gave (ada).
    pub name: String,
    /// Their login name on the training ground (class-a.ada).
    pub username: String,
    /// What they practise.
    #[serde(flatten)]
    pub practice: Practice,
}

/// A class, as kept in `<classes>/<class>/class.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Class {
    /// Its trainees, in the order they were added.
    pub trainees: Vec<Trainee>,
}

impl Class {
    /// The class's file, or an empty class if it has none (a class that only played).
    pub fn read(classes: &Path, class: &str) -> anyhow::Result<Self> {
        let file = class_dir(classes, class)?.join("class.json");
        match std::fs::read(&file) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("reading the class file {}", file.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", file.display())),
        }
    }

    fn write(&self, classes: &Path, class: &str) -> anyhow::Result<()> {
        let dir = class_dir(classes, class)?;
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let file = dir.join("class.json");
        std::fs::write(&file, serde_json::to_vec_pretty(self)?)
            .with_context(|| format!("writing {}", file.display()))
    }

    /// The trainees who hold `office` as officers, or who send releases from it as
    /// forwarders (their country's), by name.
    pub fn at(&self, office: &OfficeRef, departure: bool) -> Vec<&str> {
        self.trainees
            .iter()
            .filter(|t| match &t.practice {
                Practice::Officer { office: o } => o == office.as_str(),
                Practice::Forwarder { country, .. } => {
                    departure && country == office.country().as_str()
                }
            })
            .map(|t| t.name.as_str())
            .collect()
    }
}

/// `sigmat training class`.
#[derive(Args, Debug)]
pub struct ClassArgs {
    /// The class (letters, digits and dashes).
    #[arg(long)]
    class: String,
    /// An officer trainee, as NAME=OFFICE (ada=BFNGK001); repeat for each.
    #[arg(long = "officer", value_parser = name_and_office)]
    officers: Vec<(String, OfficeRef)>,
    /// A forwarder trainee, as NAME=COUNTRY:FAMILY (cy=CI:sydam); repeat for each.
    #[arg(long = "forwarder", value_parser = name_and_system)]
    forwarders: Vec<(String, CountryCode, Family)>,
    /// The trainees' language in the apps (en or fr).
    #[arg(long, default_value = "en")]
    language: String,
    /// Where classes are kept.
    #[arg(long, default_value = ".data/training")]
    classes: PathBuf,
    /// The training ground's database.
    #[command(flatten)]
    database: GroundDatabase,
    /// The audit log's writer (accounts are created as the API's `users add` does).
    #[arg(
        long,
        env = "SIGMAT_AUDIT_DATABASE_URL",
        default_value = "postgres://sigmat_audit@127.0.0.1:15532/sigmat"
    )]
    audit_database_url: String,
    /// The training adapters' addresses, for the forwarders' sheet, as COUNTRY=URL.
    #[arg(long = "adapter", value_parser = super::country_and_url)]
    adapters: Vec<(String, String)>,
}

fn name_and_office(text: &str) -> Result<(String, OfficeRef), String> {
    let (name, office) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: expected NAME=OFFICE, e.g. ada=BFNGK001"))?;
    Ok((
        trainee_name(name)?,
        OfficeRef::parse(office).map_err(|e| e.to_string())?,
    ))
}

fn name_and_system(text: &str) -> Result<(String, CountryCode, Family), String> {
    let (name, system) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: expected NAME=COUNTRY:FAMILY, e.g. cy=CI:sydam"))?;
    let (country, family) = system.split_once(':').unwrap_or((system, "standard"));
    let family = Family::parse(family).ok_or_else(|| {
        format!("{family:?}: a family is standard, asycuda, sydam, gainde or ncts")
    })?;
    Ok((
        trainee_name(name)?,
        CountryCode::parse(&country.to_uppercase()).map_err(|e| e.to_string())?,
        family,
    ))
}

fn trainee_name(name: &str) -> Result<String, String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!(
            "a trainee's name is letters, digits and dashes: {name:?}"
        ));
    }
    Ok(name.to_lowercase())
}

/// A practice password: twelve letters and digits, none that read alike (0/O, 1/l/I).
fn practice_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes = uuid::Uuid::new_v4();
    bytes.as_bytes()[..12]
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// Creates the class's accounts on the training ground and records them in its file; prints
/// each trainee's sheet (login name, password — shown once, never stored —, where to go).
pub async fn create(args: &ClassArgs) -> anyhow::Result<Class> {
    class_dir(&args.classes, &args.class)?;
    if args.officers.is_empty() && args.forwarders.is_empty() {
        bail!(
            "name at least one trainee: --officer NAME=OFFICE or --forwarder NAME=COUNTRY:FAMILY"
        );
    }
    let pool = args.database.tracker_pool().await?;
    let audit = transit_store::connect_audit_writer(
        &AuditSettings {
            url: Secret::new(args.audit_database_url.clone()),
            max_connections: 1,
        },
        &args.database.schema,
    )
    .await
    .context("connecting as the audit log's writer (--audit-database-url)")?;
    let store = transit_store::api::ApiStore::new(pool, audit);
    let mut class = Class::read(&args.classes, &args.class)?;
    let wanted = args
        .officers
        .iter()
        .map(|(name, office)| {
            (
                name,
                Practice::Officer {
                    office: office.to_string(),
                },
            )
        })
        .chain(args.forwarders.iter().map(|(name, country, family)| {
            (
                name,
                Practice::Forwarder {
                    country: country.to_string(),
                    family: *family,
                },
            )
        }));
    for (name, practice) in wanted {
        let username = format!("{}.{name}", args.class);
        let password = practice_password();
        let (role, office, country, party) = match &practice {
            Practice::Officer { office } => (Role::Officer, Some(office.clone()), None, None),
            Practice::Forwarder { .. } => (
                Role::Trader,
                None,
                None,
                Some(transit_scenario::DECLARANT_TIN.to_owned()),
            ),
        };
        let account = api::users::AddUser {
            username: username.clone(),
            name: format!("{name} ({})", args.class),
            role,
            office,
            country,
            party,
            language: args.language.clone(),
            password_env: String::new(),
        };
        if !api::users::add_with_password(&store, &account, &password)
            .await
            .with_context(|| format!("creating {username}'s account"))?
        {
            bail!("{username} already exists on the training ground: choose another name, or reset the class first (sigmat training reset --class {})", args.class);
        }
        println!("{}", sheet(&username, &password, &practice, &args.adapters));
        class.trainees.push(Trainee {
            name: name.clone(),
            username,
            practice,
        });
        // Written after each account, so a failure half-way leaves a file that names every
        // account made (the reset removes them).
        class.write(&args.classes, &args.class)?;
    }
    Ok(class)
}

/// What a trainee is handed.
fn sheet(
    username: &str,
    password: &str,
    practice: &Practice,
    adapters: &[(String, String)],
) -> String {
    match practice {
        Practice::Officer { office } => format!(
            "{username}  password {password}  officer at {office}: the training ground's officer app (/officer/)"
        ),
        Practice::Forwarder { country, family } => {
            let adapter = adapters
                .iter()
                .find(|(c, _)| c == country)
                .map_or("<the training adapter of your country>", |(_, url)| url.as_str());
            format!(
                "{username}  password {password}  forwarder in {country}: follows their declarations on the training ground; sends releases with national-sim --family {} --country {country} --adapter {adapter} --token sigmat-training-{} <file>",
                family.as_str(),
                country.to_lowercase()
            )
        }
    }
}

/// `sigmat training reset`.
#[derive(Args, Debug)]
pub struct ResetArgs {
    /// The class.
    #[arg(long)]
    class: String,
    /// Where classes are kept.
    #[arg(long, default_value = ".data/training")]
    classes: PathBuf,
    /// The training ground's database.
    #[command(flatten)]
    database: GroundDatabase,
    /// A training adapter's schema, whose deliveries of the class's movements are erased too
    /// (repeat; default: the local training ground's two).
    #[arg(
        long = "adapter-schema",
        default_values_t = ["training_adapter_ci".to_owned(), "training_adapter_bf".to_owned()]
    )]
    adapter_schemas: Vec<String>,
    /// Erase: without it, the reset only says what it would erase.
    #[arg(long)]
    yes: bool,
}

/// Erases the class: the movements it played from the training hub and its adapters, its
/// accounts, its folder. Prints what went.
pub async fn reset(args: &ResetArgs) -> anyhow::Result<()> {
    let dir = class_dir(&args.classes, &args.class)?;
    let mrns: Vec<String> = runs_so_far(&args.classes, &args.class)?
        .into_iter()
        .map(|r| r.mrn.to_string())
        .collect();
    let class = Class::read(&args.classes, &args.class)?;
    if !args.yes {
        println!(
            "sigmat training reset --class {} would erase {} movement(s) played, the accounts {}.*, and {}; add --yes to erase",
            args.class,
            mrns.len(),
            args.class,
            dir.display()
        );
        return Ok(());
    }
    let hub = transit_store::training::TrainingStore::new(args.database.tracker_pool().await?);
    let mut lines = vec![format!("class {}: erased", args.class)];
    for (table, n) in hub.erase_movements(&mrns).await? {
        lines.push(format!(
            "  {:<28} {n} row(s) ({})",
            table, args.database.schema
        ));
    }
    for schema in &args.adapter_schemas {
        let settings = args.database.settings(schema);
        let pool = transit_store::connect(&settings, Component::Adapter)
            .await
            .with_context(|| format!("connecting to the training adapter's schema {schema}"))?;
        for (table, n) in transit_store::training::TrainingStore::new(pool)
            .erase_movements(&mrns)
            .await?
        {
            lines.push(format!("  {table:<28} {n} row(s) ({schema})"));
        }
    }
    let accounts = hub.remove_accounts(&format!("{}.", args.class)).await?;
    lines.push(format!(
        "  accounts: {}",
        if accounts.is_empty() {
            "none".to_owned()
        } else {
            accounts.join(", ")
        }
    ));
    let unlisted: Vec<&str> = class
        .trainees
        .iter()
        .map(|t| t.username.as_str())
        .filter(|u| !accounts.iter().any(|a| a == u))
        .collect();
    if !unlisted.is_empty() {
        lines.push(format!("  (already gone: {})", unlisted.join(", ")));
    }
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => lines.push(format!("  {}", dir.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("removing {}", dir.display())),
    }
    println!("{}", lines.join("\n"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trainees_are_named_and_placed_as_the_trainer_wrote() {
        let (name, office) = name_and_office("Ada=BFNGK001").unwrap();
        assert_eq!((name.as_str(), office.as_str()), ("ada", "BFNGK001"));
        let (name, country, family) = name_and_system("cy=ci:sydam").unwrap();
        assert_eq!(
            (name.as_str(), country.as_str(), family),
            ("cy", "CI", Family::Sydam)
        );
        assert!(name_and_office("ada").unwrap_err().contains("NAME=OFFICE"));
        assert!(name_and_office("a.b=BFNGK001")
            .unwrap_err()
            .contains("letters"));
        assert!(name_and_system("cy=CI:edifact")
            .unwrap_err()
            .contains("family"));
    }

    #[test]
    fn practice_passwords_are_long_enough_and_differ() {
        let (a, b) = (practice_password(), practice_password());
        assert_eq!(a.len(), 12);
        assert_ne!(a, b);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() && !"0O1lI".contains(c)));
    }

    #[test]
    fn the_trainees_at_an_office_are_its_officers_and_at_departure_its_forwarders() {
        let class = Class {
            trainees: vec![
                Trainee {
                    name: "ada".into(),
                    username: "c.ada".into(),
                    practice: Practice::Officer {
                        office: "BFNGK001".into(),
                    },
                },
                Trainee {
                    name: "cy".into(),
                    username: "c.cy".into(),
                    practice: Practice::Forwarder {
                        country: "CI".into(),
                        family: Family::Sydam,
                    },
                },
            ],
        };
        let at = |o: &str, d| class.at(&OfficeRef::parse(o).unwrap(), d);
        assert_eq!(at("BFNGK001", false), ["ada"]);
        assert_eq!(at("CIABJ001", true), ["cy"]);
        assert!(at("CIABJ001", false).is_empty());
        let back: Class = serde_json::from_slice(&serde_json::to_vec(&class).unwrap()).unwrap();
        assert_eq!(back, class);
    }
}
