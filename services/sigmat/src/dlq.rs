//! `sigmat dlq`: the operators' dead letters from a terminal — list them, show one, replay
//! some after a fix. Every call goes through the hub API as the operator who logs in, so the
//! same rights apply and every replay is audited, exactly as from the dashboard.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use transit_http::client::HubClient;
use transit_model::dead_letters::DeadLetter;

/// Where the API is and who is calling.
#[derive(Args, Debug)]
pub struct Login {
    /// The hub API.
    #[arg(long, env = "SIGMAT_API", default_value = "http://127.0.0.1:18080")]
    pub api: String,
    /// An operator account.
    #[arg(long, env = "SIGMAT_USER")]
    pub user: String,
    /// A file holding its password (else the SIGMAT_PASSWORD environment variable; never a
    /// flag, which would stay in the shell's history).
    #[arg(long)]
    pub password_file: Option<PathBuf>,
}

/// `sigmat dlq …`
#[derive(Args, Debug)]
pub struct DlqArgs {
    #[command(flatten)]
    login: Login,
    #[command(subcommand)]
    command: DlqCommand,
}

#[derive(Subcommand, Debug)]
enum DlqCommand {
    /// Lists dead letters, newest first: id, when, kind, sender, MRN, type, reason, replay.
    List {
        /// Only `refused` (the hub refused the message and answered its sender), `poison`
        /// (its database refused the record), `undecodable` (not a standardized message) or
        /// `unpublished` (a copy the broker refused for good).
        #[arg(long)]
        kind: Option<String>,
        /// Only this movement's.
        #[arg(long)]
        mrn: Option<String>,
        /// Only those not replayed yet.
        #[arg(long)]
        pending: bool,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Shows one dead letter and the record as the hub received it.
    Show {
        /// Its id, as listed (`refused-12`).
        id: String,
    },
    /// Replays dead letters after a fix: each is published again to its country's to-hub
    /// topic and decided as new. At most once each: a second replay does nothing and says
    /// when the first was.
    Replay {
        /// Their ids, as listed.
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

pub(crate) async fn client(login: &Login) -> anyhow::Result<HubClient> {
    let password = match &login.password_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading the password file {}", path.display()))?
            .trim_end()
            .to_owned(),
        None => std::env::var("SIGMAT_PASSWORD").context(
            "no password: set SIGMAT_PASSWORD or give --password-file (the local stack's operator is demo-operator / sigmat-demo)",
        )?,
    };
    Ok(HubClient::new(&login.api)
        .login(&login.user, &password)
        .await?)
}

fn line(d: &DeadLetter) -> String {
    let replay = match &d.replay {
        Some(r) if r.published_at.is_some() => format!("replayed by {}", r.requested_by),
        Some(r) => format!("replay by {} not finished", r.requested_by),
        None => "-".into(),
    };
    format!(
        "{:<18} {} {:<11} {:<9} {:<18} {:<5} {} [{}]",
        d.id,
        d.received_at.format("%Y-%m-%d %H:%M:%S"),
        d.kind,
        d.sender.as_deref().unwrap_or("-"),
        d.mrn.as_deref().unwrap_or("-"),
        d.message_type.as_deref().unwrap_or("-"),
        d.reason,
        replay
    )
}

/// Runs a `sigmat dlq` command.
pub async fn run(args: DlqArgs) -> anyhow::Result<()> {
    let api = client(&args.login).await?;
    match args.command {
        DlqCommand::List {
            kind,
            mrn,
            pending,
            limit,
        } => {
            let mut query = vec![("limit", limit.to_string())];
            query.extend(kind.map(|k| ("kind", k)));
            query.extend(mrn.map(|m| ("mrn", m)));
            if pending {
                query.push(("pending", "true".into()));
            }
            let all = api.dead_letters(&query).await?;
            if all.is_empty() {
                println!("no dead letters");
            }
            for d in &all {
                println!("{}", line(d));
            }
        }
        DlqCommand::Show { id } => {
            let d = api.dead_letter(&id).await?;
            println!("{}", line(&d.dead_letter));
            if let Some(topic) = &d.dead_letter.topic {
                println!("read from {topic}");
            }
            println!("\n{}", d.payload);
        }
        DlqCommand::Replay { ids } => {
            let mut failed = 0;
            for id in &ids {
                match api.replay(id).await {
                    Ok(outcome) => println!("{id}: {} — {}", outcome.outcome, outcome.note),
                    Err(err) => {
                        failed += 1;
                        eprintln!("{id}: not replayed: {err}");
                    }
                }
            }
            anyhow::ensure!(failed == 0, "{failed} of {} not replayed", ids.len());
        }
    }
    Ok(())
}
