//! `sigmat rules`: the network's risk rules from a terminal — show the rules in force and each
//! rule's figures, compare a rules file with them, import it, and try a file on the corridor's
//! typical cases before importing it. Through the hub API as the operator who logs in: a
//! country's operator changes only its country's rules; every import is checked and audited
//! there, and the trackers score every next event under it without a restart.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use clap::{Args, Subcommand};
use transit_http::risk::RulesImport;
use transit_lifecycle::{decide, Movement};
use transit_model::{CountryCode, OfficeRef, StandardMessage};
use transit_risk::facts::LegTimes;
use transit_risk::{assess, diff, NetworkFacts, RuleBook, RuleSet};
use transit_scenario::{Corridor, Movement as Trip};

use crate::dlq::{client, Login};

/// `sigmat rules …`
#[derive(Args, Debug)]
pub struct RulesArgs {
    #[command(subcommand)]
    command: RulesCommand,
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// Shows the rules in force (as you may read them: other countries' private rules are
    /// only counted) and each rule's figures: fired, controlled, found, hit rate.
    Show {
        #[command(flatten)]
        login: Login,
        /// Print the rules as a rules file (JSON) instead, to edit and import.
        #[arg(long)]
        json: bool,
    },
    /// Lists what importing the file would change, one line each (+ added, - removed,
    /// ~ changed, with what it was). Changes nothing.
    Diff {
        #[command(flatten)]
        login: Login,
        /// A rules file (schemas/risk/rules.json's format; start from `sigmat rules show --json`
        /// or from that file).
        file: PathBuf,
    },
    /// Imports the file as the next version of the rules: checked, compared, kept, audited,
    /// and scored under by every tracker from its next batch. Nothing is kept if nothing
    /// changed, if a rule is wrong, if you change another owner's rule, or if someone imported
    /// since this command read the rules in force.
    Import {
        #[command(flatten)]
        login: Login,
        /// The rules file.
        file: PathBuf,
        /// Why, for the history and the audit log (a ticket, a circular).
        #[arg(long)]
        note: String,
    },
    /// Tries a rules file on the corridor's typical cases — a clean trip, broken seals at the
    /// border, a diversion, an undeclared border post, a leg three times too long, a truck on
    /// two open movements — and prints each case's lane at each country and the rules that
    /// fired. Needs no stack. Exits 1 if the file cannot be used.
    Test {
        /// The rules file.
        #[arg(default_value = "schemas/risk/rules.json")]
        file: PathBuf,
    },
}

/// Reads and checks a rules file.
fn read_rules(file: &Path) -> anyhow::Result<RuleSet> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    let set = RuleSet::from_json(&json)
        .map_err(|e| anyhow::anyhow!("{} cannot be used: {e}", file.display()))?;
    RuleBook::compile(set.clone(), 0)
        .map_err(|e| anyhow::anyhow!("{} cannot be used: {e}", file.display()))?;
    Ok(set)
}

fn rule_line(rule: &transit_risk::Rule) -> String {
    let effect = match (rule.weight, rule.lane) {
        (w, Some(lane)) if w > 0 => format!("+{w}, at least {}", lane.as_str()),
        (_, Some(lane)) => format!("at least {}", lane.as_str()),
        (w, None) => format!("+{w}"),
    };
    let validity = match rule.valid_to {
        Some(to) => format!("{} to {to}", rule.valid_from),
        None => format!("from {}", rule.valid_from),
    };
    format!(
        "  {:<24} {:<6}{} {:<22} {validity}\n      when {}\n      {}",
        rule.id,
        rule.owner.to_string(),
        if rule.private { " (private)" } else { "" },
        effect,
        rule.when,
        rule.reason.en
    )
}

async fn show(login: &Login) -> anyhow::Result<()> {
    let api = client(login).await?;
    let view = api.risk_rules().await?;
    let figures = api.risk_figures().await?;
    let set = &view.rules;
    println!(
        "risk rules of reference data version {}: {} rules; yellow from {}, red from {}",
        view.version,
        set.rules.len(),
        set.lanes.yellow_from,
        set.lanes.red_from
    );
    for rule in &set.rules {
        println!("{}", rule_line(rule));
        if let Some(f) = figures
            .iter()
            .find(|f| f.rule == rule.id && f.owner == rule.owner.to_string())
        {
            let rate = f.hit_rate.map_or("no control yet".to_owned(), |r| {
                format!("hit rate {:.0}%", r * 100.0)
            });
            println!(
                "      fired on {} movements, {} controlled, {} found: {rate}",
                f.fired, f.controlled, f.found
            );
        }
    }
    for hidden in &view.hidden {
        println!(
            "  + {} private rule(s) of {} (their reasons are {}'s)",
            hidden.count, hidden.owner, hidden.owner
        );
    }
    Ok(())
}

/// Runs a `sigmat rules` command.
pub async fn run(args: RulesArgs) -> anyhow::Result<()> {
    match args.command {
        RulesCommand::Show { login, json: false } => show(&login).await,
        RulesCommand::Show { login, json: true } => {
            let view = client(&login).await?.risk_rules().await?;
            println!("{}", serde_json::to_string_pretty(&view.rules)?);
            Ok(())
        }
        RulesCommand::Diff { login, file } => {
            let new = read_rules(&file)?;
            let api = client(&login).await?;
            let latest = api.risk_rules().await?;
            let lines = diff::changes(&latest.rules, &new);
            if lines.is_empty() {
                println!("no changes from version {}", latest.version);
            } else {
                println!("{} change(s) from version {}:", lines.len(), latest.version);
            }
            for line in &lines {
                println!("{line}");
            }
            Ok(())
        }
        RulesCommand::Import { login, file, note } => {
            let rules = read_rules(&file)?;
            let api = client(&login).await?;
            let latest = api.risk_rules().await?;
            let outcome = api
                .import_risk_rules(&RulesImport {
                    based_on: latest.version,
                    note,
                    rules,
                })
                .await?;
            for line in &outcome.changes {
                println!("{line}");
            }
            if outcome.imported {
                println!(
                    "imported as reference data version {}: every tracker scores under these rules from its next batch (its log says \"risk rules of reference data version {} in force\")",
                    outcome.version, outcome.version
                );
            } else {
                println!(
                    "no changes from version {}; nothing imported",
                    outcome.version
                );
            }
            Ok(())
        }
        RulesCommand::Test { file } => {
            let set = read_rules(&file)?;
            let book = RuleBook::compile(set, 0).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "{} compiles: {} rules",
                file.display(),
                book.set.rules.len()
            );
            for line in try_cases(&book) {
                println!("{line}");
            }
            Ok(())
        }
    }
}

/// One typical case: its name, the movement after its messages, the network around it.
struct Case {
    name: &'static str,
    movement: Movement,
    network: NetworkFacts,
    at: DateTime<Utc>,
}

fn office(code: &str) -> OfficeRef {
    OfficeRef::parse(code).unwrap_or_else(|_| unreachable!("a literal office"))
}

/// The corridor's typical cases, played through the state machine on Abidjan–Ouagadougou.
fn cases() -> Vec<Case> {
    let start = Utc::now() - Duration::hours(48);
    let play = |trip: &Trip, messages: Vec<(StandardMessage, i64)>| -> Movement {
        let mut movement = decide(None, &trip.release(), start)
            .unwrap_or_else(|e| unreachable!("the scenario's release is accepted: {e:?}"))
            .movement;
        for (message, hours) in messages {
            movement = decide(Some(&movement), &message, start + Duration::hours(hours))
                .map(|t| t.movement)
                .unwrap_or(movement);
        }
        movement
    };
    let trip = || Trip::new(Corridor::abidjan_ouagadougou(), start);
    let t = |hours: i64| start + Duration::hours(hours);
    let (border, yendere, bobo) = (office("BFNGK001"), office("BFYEN001"), office("BFBBD001"));
    let clean = trip();
    let seals = trip();
    let diverted = trip();
    let undeclared = trip();
    let slow = trip();
    let twice = trip();
    let usual = NetworkFacts::default();
    vec![
        Case {
            name: "a clean trip",
            movement: play(
                &clean,
                vec![
                    (clean.passage(&border, t(6)), 6),
                    (clean.arrival(t(12)), 12),
                ],
            ),
            network: usual.clone(),
            at: t(12),
        },
        Case {
            name: "seals broken at the border",
            movement: play(
                &seals,
                vec![
                    (seals.incident(&border, t(6)), 6),
                    (seals.passage(&border, t(7)), 7),
                ],
            ),
            network: usual.clone(),
            at: t(7),
        },
        Case {
            name: "diverted to Bobo-Dioulasso",
            movement: play(
                &diverted,
                vec![
                    (diverted.arrival_record_request(&bobo, t(10)), 10),
                    (diverted.arrival_at(&bobo, t(11)), 11),
                ],
            ),
            network: usual.clone(),
            at: t(11),
        },
        Case {
            name: "an undeclared border post",
            movement: play(
                &undeclared,
                vec![
                    (undeclared.transit_record_request(&yendere, t(6)), 6),
                    (undeclared.passage(&yendere, t(7)), 7),
                ],
            ),
            network: usual.clone(),
            at: t(7),
        },
        Case {
            name: "a leg three times too long",
            movement: play(&slow, vec![(slow.passage(&border, t(24)), 24)]),
            network: usual.clone(),
            at: t(24),
        },
        Case {
            name: "a truck on two open movements",
            movement: play(&twice, vec![(twice.passage(&border, t(6)), 6)]),
            network: NetworkFacts {
                vehicle_open_elsewhere: 1,
                ..usual
            },
            at: t(6),
        },
    ]
}

/// Each case's lane at Côte d'Ivoire's and Burkina Faso's offices and in the hub's view, and
/// the rules that fired.
fn try_cases(book: &RuleBook) -> Vec<String> {
    let country = |c: &str| CountryCode::parse(c).ok();
    let mut lines = vec![format!(
        "  {:<32} {:<7} {:<7} {:<7} rules fired",
        "case", "at CI", "at BF", "hub"
    )];
    // Every leg of the corridor's offices takes nine trucks in ten at most 8 hours (40 trips).
    let offices = [
        "CIABJ001", "CIOUG001", "BFNGK001", "BFYEN001", "BFBBD001", "BFOUA001",
    ];
    let legs = LegTimes::new(offices.iter().flat_map(|from| {
        offices
            .iter()
            .filter(move |to| to != &from)
            .map(move |to| (((*from).to_owned(), (*to).to_owned()), (8.0, 40)))
    }));
    for case in cases() {
        let network = legs.complete(&case.movement, &case.network);
        let assessment = assess(book, &case.movement, network, case.at);
        let lane = |c: Option<CountryCode>| assessment.verdict(c).lane;
        let fired: Vec<&str> = assessment.fired.iter().map(|f| f.rule.as_str()).collect();
        lines.push(format!(
            "  {:<32} {:<7} {:<7} {:<7} {}",
            case.name,
            lane(country("CI")).as_str(),
            lane(country("BF")).as_str(),
            lane(None).as_str(),
            if fired.is_empty() {
                "-".to_owned()
            } else {
                fired.join(", ")
            }
        ));
        for failed in &assessment.failed {
            lines.push(format!("      could not evaluate {failed}"));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use transit_risk::Lane;

    #[test]
    fn the_starter_rules_put_each_typical_case_in_its_lane() {
        let book = RuleBook::compile(RuleSet::starter(), 1).unwrap();
        let lanes: Vec<(&str, Lane, Vec<String>)> = cases()
            .into_iter()
            .map(|case| {
                let legs =
                    LegTimes::new([(("CIABJ001".to_owned(), "BFNGK001".to_owned()), (8.0, 40))]);
                let network = legs.complete(&case.movement, &case.network);
                let a = assess(&book, &case.movement, network, case.at);
                let fired = a.fired.iter().map(|f| f.rule.clone()).collect();
                (case.name, a.verdict(None).lane, fired)
            })
            .collect();
        let expected = [
            ("a clean trip", Lane::Green),
            ("seals broken at the border", Lane::Red),
            ("diverted to Bobo-Dioulasso", Lane::Yellow),
            ("an undeclared border post", Lane::Yellow),
            ("a leg three times too long", Lane::Yellow),
            ("a truck on two open movements", Lane::Yellow),
        ];
        for ((name, lane, fired), (want_name, want_lane)) in lanes.iter().zip(expected) {
            assert_eq!((*name, *lane), (want_name, want_lane), "fired: {fired:?}");
        }
        let table = try_cases(&book);
        assert_eq!(table.len(), 7, "{table:#?}");
    }
}
