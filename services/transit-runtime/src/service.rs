//! The start-up every service binary shares, so that its `main` names only what is its own: the
//! command line (`--config FILE` or `SIGMAT_<SERVICE>_CONFIG`, `check-config`, the service's own
//! commands), the settings read from the file and the `SIGMAT_<SERVICE>__…` variables, telemetry
//! started, then the command — or, without one, the service built and run until Ctrl-C or
//! SIGTERM.
//!
//! ```no_run
//! use clap::Subcommand;
//! use transit_runtime::service::{OnDemand, Service, ServiceSettings, Stop};
//! use transit_runtime::telemetry::TelemetrySettings;
//!
//! /// A service that waits to be stopped.
//! #[derive(Subcommand, Debug)]
//! #[command(version)]
//! enum Command {
//!     /// Prints the settings.
//!     Show,
//! }
//!
//! #[derive(Debug, serde::Deserialize)]
//! #[serde(deny_unknown_fields)]
//! struct Settings {
//!     #[serde(default)]
//!     telemetry: TelemetrySettings,
//! }
//!
//! impl ServiceSettings for Settings {
//!     fn telemetry(&self) -> &TelemetrySettings {
//!         &self.telemetry
//!     }
//! }
//!
//! async fn command(command: Command, config: &mut OnDemand<Settings>) -> anyhow::Result<()> {
//!     match command {
//!         Command::Show => println!("{:?}", config.settings()?),
//!     }
//!     Ok(())
//! }
//!
//! /// The running service.
//! struct Waiter;
//!
//! impl Waiter {
//!     async fn build(_: Settings) -> anyhow::Result<Self> {
//!         Ok(Self)
//!     }
//!
//!     async fn run_until_stopped(self, stop: Stop) -> anyhow::Result<()> {
//!         stop.await;
//!         Ok(())
//!     }
//! }
//!
//! fn main() -> anyhow::Result<()> {
//!     Service::new("waiter").start(command, Waiter::build, Waiter::run_until_stopped)
//! }
//! ```

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use clap::{Args, FromArgMatches, Subcommand};

use crate::telemetry::{Telemetry, TelemetrySettings};

/// A service's settings, as the start reads them.
pub trait ServiceSettings: serde::de::DeserializeOwned {
    /// Where its traces go (`[telemetry]`).
    fn telemetry(&self) -> &TelemetrySettings;

    /// What describes its spans besides its name (an adapter's `country`).
    fn attributes(&self) -> Vec<(&'static str, &str)> {
        Vec::new()
    }

    /// What `check-config` checks beyond every key being known and well typed.
    fn check(&self) -> anyhow::Result<()> {
        Ok(())
    }
}

/// What resolves when the service is asked to stop ([`crate::shutdown::signal`]).
pub type Stop = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A service binary, as its `main` describes it: its name (the binary's), then, to
/// [`Service::start`], its own commands — a `#[derive(Subcommand)] #[command(version)]` enum
/// whose doc comment is the binary's description in `--help` — to which the start adds what
/// every service has.
#[derive(Debug)]
pub struct Service {
    name: &'static str,
    on_kubernetes: bool,
}

// The options and commands every service has, and its own (`C`). (No doc comment: clap would
// make it the binary's description, which is the doc comment of `C`.)
#[derive(Debug, Args)]
struct ServiceArgs<C: Subcommand> {
    /// Configuration file (TOML).
    #[arg(long)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<ServiceCommand<C>>,
}

#[derive(Debug, Subcommand)]
enum ServiceCommand<C: Subcommand> {
    /// Reads the configuration and says whether every key is known and well typed, without
    /// connecting to anything (the text is the service's: see `Service::command_line`).
    CheckConfig,
    #[command(flatten)]
    Own(C),
}

impl Service {
    /// The service `name` (its binary's): its variables start `SIGMAT_<NAME>`.
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            on_kubernetes: false,
        }
    }

    /// Its `check-config` is what deploy/k8s/check runs on the Kubernetes manifests (its help
    /// says so).
    pub fn checked_on_kubernetes(mut self) -> Self {
        self.on_kubernetes = true;
        self
    }

    /// Starts the service ([`crate::start::run`]): reads its command line, then runs `command`
    /// for one of its own commands — which reads the settings when it asks for them — or answers
    /// `check-config`, or, with no command, reads its settings, starts telemetry, `build`s the
    /// service and runs it until Ctrl-C or SIGTERM (`run_until_stopped`, given the stop
    /// signal); telemetry then sends what it still holds. An error ends the process with status
    /// 1, its chain printed.
    pub fn start<S, C, A>(
        self,
        command: impl AsyncFnOnce(C, &mut OnDemand<S>) -> anyhow::Result<()>,
        build: impl AsyncFnOnce(S) -> anyhow::Result<A>,
        run_until_stopped: impl AsyncFnOnce(A, Stop) -> anyhow::Result<()>,
    ) -> anyhow::Result<()>
    where
        S: ServiceSettings,
        C: Subcommand,
    {
        crate::start::run(move || async move {
            let name = self.name;
            let args = self.parse::<C>();
            let mut config = OnDemand {
                name,
                file: args.config,
                loaded: None,
            };
            match args.command {
                Some(ServiceCommand::Own(own)) => command(own, &mut config).await,
                Some(ServiceCommand::CheckConfig) => {
                    config.settings()?.check()?;
                    println!("{}: the configuration is valid", config.name);
                    Ok(())
                }
                None => {
                    let (settings, telemetry) = config.load()?;
                    let service = build(settings).await?;
                    let stop = Box::pin(crate::shutdown::signal());
                    let ran = run_until_stopped(service, stop).await;
                    telemetry.shutdown().await;
                    ran
                }
            }
        })
    }

    /// The command line, read: `--help`, `--version` and mistakes end the process as clap
    /// does (status 0 or 2).
    fn parse<C: Subcommand>(self) -> ServiceArgs<C> {
        let mut cli = self.command_line::<C>();
        let matches = cli.get_matches_mut();
        ServiceArgs::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut cli).exit())
    }

    /// The binary's command line: what every service has — `--config` (also from
    /// `SIGMAT_<SERVICE>_CONFIG`) and `check-config` — and then its own commands, with their
    /// description and version.
    fn command_line<C: Subcommand>(self) -> clap::Command {
        let prefix = prefix(self.name);
        let note = if self.on_kubernetes {
            " (deploy/k8s/check runs it on the Kubernetes manifests)"
        } else {
            ""
        };
        ServiceArgs::<C>::augment_args(clap::Command::new(self.name))
            .mut_arg("config", |arg| arg.env(format!("{prefix}_CONFIG")))
            .mut_subcommand("check-config", |check| {
                check.about(format!(
                    "Reads the configuration (the file and the {prefix}__ variables) and says \
                     whether every key is known and well typed, without connecting to anything\
                     {note}"
                ))
            })
    }
}

/// The variables' prefix of the service `name`: `SIGMAT_ADAPTER`.
fn prefix(name: &str) -> String {
    format!("SIGMAT_{}", name.to_uppercase().replace('-', "_"))
}

/// A service's settings for one of its own commands, read when the command first asks for them
/// (telemetry starting then), so that a command that needs none runs without any.
#[derive(Debug)]
pub struct OnDemand<S> {
    name: &'static str,
    file: Option<PathBuf>,
    loaded: Option<(S, Telemetry)>,
}

impl<S: ServiceSettings> OnDemand<S> {
    /// The settings, read the first time (from `--config` and the service's variables).
    pub fn settings(&mut self) -> anyhow::Result<&S> {
        let loaded = match self.loaded.take() {
            Some(loaded) => loaded,
            None => self.load()?,
        };
        Ok(&self.loaded.insert(loaded).0)
    }

    fn load(&self) -> anyhow::Result<(S, Telemetry)> {
        let settings: S = crate::config::load(self.file.as_deref(), &prefix(self.name))?;
        let telemetry =
            crate::telemetry::init(self.name, &settings.attributes(), settings.telemetry());
        Ok((settings, telemetry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service for the tests.
    #[derive(Debug, PartialEq, Subcommand)]
    #[command(version)]
    enum Own {
        /// Its own command.
        Own {
            /// How many.
            #[arg(long)]
            count: u32,
        },
    }

    fn parse(service: Service, line: &[&str]) -> Result<ServiceArgs<Own>, clap::Error> {
        let mut cli = service.command_line::<Own>();
        let matches = cli.try_get_matches_from_mut(line)?;
        ServiceArgs::from_arg_matches(&matches)
    }

    #[test]
    fn the_service_s_own_commands_come_after_check_config() {
        let sample = || Service::new("sample");
        let args = parse(
            sample(),
            &["sample", "--config", "a.toml", "own", "--count", "3"],
        )
        .unwrap();
        assert_eq!(args.config.as_deref(), Some(std::path::Path::new("a.toml")));
        assert!(matches!(
            args.command,
            Some(ServiceCommand::Own(Own::Own { count: 3 }))
        ));
        let args = parse(sample(), &["sample", "check-config"]).unwrap();
        assert!(matches!(args.command, Some(ServiceCommand::CheckConfig)));
        assert!(parse(sample(), &["sample"]).unwrap().command.is_none());
        assert!(parse(sample(), &["sample", "other"]).is_err());
        let cli = sample().command_line::<Own>();
        assert_eq!(
            cli.get_about().map(ToString::to_string).as_deref(),
            Some("A service for the tests"),
            "the description is the service's own commands' doc comment"
        );
        assert_eq!(cli.get_version(), Some(env!("CARGO_PKG_VERSION")));
        let help = sample().command_line::<Own>().render_help().to_string();
        let at = |name: &str| help.find(&format!("  {name} ")).unwrap();
        assert!(at("check-config") < at("own"), "{help}");
    }

    #[test]
    fn the_help_names_the_service_s_variables() {
        let about = |service: Service| {
            let cli = service.command_line::<Own>();
            let config = cli
                .get_arguments()
                .find(|a| a.get_id() == "config")
                .unwrap();
            assert_eq!(
                config.get_env(),
                Some(std::ffi::OsStr::new("SIGMAT_SAMPLE_CONFIG"))
            );
            let check = cli.find_subcommand("check-config").unwrap();
            check.get_about().unwrap().to_string()
        };
        assert_eq!(
            about(Service::new("sample")),
            "Reads the configuration (the file and the SIGMAT_SAMPLE__ variables) and says \
             whether every key is known and well typed, without connecting to anything"
        );
        assert!(about(Service::new("sample").checked_on_kubernetes())
            .ends_with("anything (deploy/k8s/check runs it on the Kubernetes manifests)"));
        assert_eq!(prefix("national-sim"), "SIGMAT_NATIONAL_SIM");
    }
}
