//! `sigmat` — the command-line tool. See `sigmat --help`.

use clap::{Parser, Subcommand};

/// sigmat: an interconnected customs transit system.
///
/// The stack itself is started with deploy/local/up and stopped with deploy/local/stop; this
/// tool talks to a running stack.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Drive one transit movement across the Abidjan–Ouagadougou corridor, playing the
    /// national systems of Côte d'Ivoire and Burkina Faso, and report each step.
    Demo(sigmat::demo::DemoArgs),
    /// Measure how fast the running stack accepts national declarations as it fills: several
    /// simulated SYDAM systems post releases of new movements to Côte d'Ivoire's adapter at
    /// once; the accepted rate and answer times are printed for every thousand.
    Load(sigmat::load::LoadArgs),
    /// Say which level of the WCO Conformity Framework each message file reaches (1 WCO names
    /// and formats, 2 WCO structure, 3 WCO code lists, 4 WCO-supported syntax) and list every
    /// element that keeps it from the next level. Exits 1 if a file is below --min-level.
    Conformity(sigmat::conformity::ConformityArgs),
    /// Measure each stage of the hub against its own limit in the same run — the tracker
    /// against the same rows written with no logic, translation against a plain parse of the
    /// same bytes, the broker's two hops with no processing — print one table and write
    /// docs/benchmarks.md and docs/benchmarks.json. Needs deploy/local/infra-up.
    Bench(sigmat::bench::BenchArgs),
    /// Run corridor traffic through the running adapters: movements on the five corridors,
    /// each country's national system played in its own family, with late border
    /// confirmations, incidents, malformed national messages and arrivals for unknown
    /// movements; a progress bar, then a summary that accounts for every message sent.
    /// Needs deploy/local/up (all seven adapters).
    Simulate(sigmat::simulate::SimulateArgs),
    /// Dead letters: what the hub refused or set aside, with the reason, sender and MRN —
    /// list them, show one, replay them after a fix (operators; through the hub API, audited).
    Dlq(sigmat::dlq::DlqArgs),
    /// The network's reference data (offices, corridors, code lists, guarantee cover): show
    /// the version in force, diff files against it, import them as the next version — taken
    /// up by every running service without a restart (hub operators; through the API, audited).
    Reference(sigmat::reference::ReferenceArgs),
    /// Risk rules (which movements to control, and why): show the rules in force and each
    /// rule's hit rate, diff a rules file against them, import it — scored under by every
    /// tracker without a restart (operators: a country's own rules; through the API,
    /// audited) — or test a file on the corridor's typical cases (no stack needed).
    Rules(sigmat::rules::RulesArgs),
    /// Data-sharing agreements (which groups of a declaration each country's offices receive
    /// from each other country, under which legal text): show those in force, diff a file
    /// against them, import it — followed by every copy the hub makes from then on (hub
    /// operators; through the API, audited). docs/agreements.md.
    Agreements(sigmat::agreements::AgreementsArgs),
    /// The disclosure register: what of a country's transit data went to which other country
    /// between two dates, and under which agreement — copies sent and reads through the API
    /// (operators: their own country's data; through the API, audited). docs/agreements.md.
    Disclosures(sigmat::disclosures::DisclosuresArgs),
    /// The training ground (its own hub: deploy/local/up --training): make a class's practice
    /// accounts, list the exercises of training/exercises, play one for a class on time, the
    /// trainer's report of each trainee's actions against the expected ones (once, or followed
    /// live), and reset a class. docs/training.md.
    Training(sigmat::training::TrainingArgs),
    /// The archive: written-off and invalidated movements out of the hub's hot tables into
    /// monthly compressed files (with their event logs), and back — list the months, search
    /// and restore by MRN. With the hub running (database operators; docs/runbook.md).
    Archive(sigmat::archive::ArchiveArgs),
    /// Movement Reference Numbers.
    #[command(subcommand)]
    Mrn(MrnCommand),
    /// National formats (ASYCUDA, SYDAM, GAINDE): translate a file, write the mapping report.
    #[command(subcommand)]
    National(sigmat::national::NationalCommand),
}

#[derive(Subcommand, Debug)]
enum MrnCommand {
    /// Print a new MRN for a country of departure (random serial, this year, procedure J).
    New {
        /// ISO 3166-1 alpha-2 country of departure, e.g. CI.
        country: String,
    },
    /// Check an MRN: pattern and check digit. Exits non-zero if invalid.
    Check {
        /// The MRN, 18 characters.
        mrn: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    sigmat::pipe::exit_quietly_when_the_reader_goes();
    match Cli::parse().command {
        Command::Demo(args) => sigmat::demo::run(args).await,
        Command::Load(args) => sigmat::load::run(args).await,
        Command::Bench(args) => sigmat::bench::run(args).await,
        Command::Simulate(args) => sigmat::simulate::run(args).await.map(|_| ()),
        Command::Conformity(args) => {
            if !sigmat::conformity::run(&args)? {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::National(command) => sigmat::national::run(command),
        Command::Dlq(args) => sigmat::dlq::run(args).await,
        Command::Reference(args) => sigmat::reference::run(args).await,
        Command::Rules(args) => sigmat::rules::run(args).await,
        Command::Agreements(args) => sigmat::agreements::run(args).await,
        Command::Disclosures(args) => sigmat::disclosures::run(args).await,
        Command::Training(args) => sigmat::training::run(args).await,
        Command::Archive(args) => sigmat::archive::run(args).await,
        Command::Mrn(MrnCommand::New { country }) => {
            let country = transit_model::CountryCode::parse(&country)?;
            println!("{}", transit_scenario::new_mrn(country, chrono::Utc::now()));
            Ok(())
        }
        Command::Mrn(MrnCommand::Check { mrn }) => match transit_model::Mrn::parse(&mrn) {
            Ok(mrn) => {
                println!("{mrn} is valid (country of departure {})", mrn.country());
                Ok(())
            }
            Err(err) => anyhow::bail!("{err}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every subcommand's options are consistent: no two with one name (clap would take one
    /// for the other, or ask for an option that was given).
    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
