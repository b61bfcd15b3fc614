//! The stack's people: API accounts made with the real `api users add`, their sessions,
//! clients and live-update streams.

use std::process::Command;

use transit_http::client::HubClient;

use crate::{password_of, Stack};

impl Stack {
    /// Creates an API account with `api users add` (the real binary); an existing name is
    /// left as it is.
    pub fn add_user(
        &self,
        username: &str,
        role: &str,
        office: Option<&str>,
        country: Option<&str>,
    ) {
        self.add_account(username, role, office, country, None);
    }

    /// Creates a trader's account: it follows the movements it declares, by `tin`.
    pub fn add_trader(&self, username: &str, tin: &str) {
        self.add_account(username, "trader", None, None, Some(tin));
    }

    pub(crate) fn add_account(
        &self,
        username: &str,
        role: &str,
        office: Option<&str>,
        country: Option<&str>,
        party: Option<&str>,
    ) {
        let mut command = Command::new(self.bin_dir.join("api"));
        command
            .envs(self.api_vars.clone())
            .env("SIGMAT_NEW_PASSWORD", password_of(username))
            .args([
                "users",
                "add",
                "--username",
                username,
                "--name",
                username,
                "--role",
                role,
            ]);
        if let Some(office) = office {
            command.args(["--office", office]);
        }
        if let Some(country) = country {
            command.args(["--country", country]);
        }
        if let Some(party) = party {
            command.args(["--party", party]);
        }
        let output = command.output().expect("running api users add");
        assert!(
            output.status.success() || output.status.code() == Some(3),
            "api users add {username}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// An API client logged in as `username` (created with [`Stack::add_user`]).
    pub async fn api_as(&self, username: &str) -> HubClient {
        self.api()
            .login(username, &password_of(username))
            .await
            .unwrap_or_else(|e| panic!("logging in as {username}: {e}"))
    }

    /// The live-update stream (`GET /api/v1/events`) as seen by `username` (made with
    /// [`Stack::add_user`]).
    pub async fn live_updates(&self, username: &str) -> reqwest::Response {
        let ticket = self.stream_ticket(username).await;
        let response = self.open_stream(&ticket).await;
        assert_eq!(response.status().as_u16(), 200, "opening the live updates");
        response
    }

    /// A one-use ticket for the live-update stream, as `username`.
    pub async fn stream_ticket(&self, username: &str) -> String {
        let token = self
            .api_as(username)
            .await
            .token()
            .unwrap_or_default()
            .to_owned();
        let answer: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/api/v1/events/tickets", self.api_url()))
            .bearer_auth(token)
            .send()
            .await
            .expect("the API answers")
            .json()
            .await
            .expect("a ticket");
        answer["ticket"].as_str().expect("a ticket").to_owned()
    }

    /// `GET /api/v1/events?ticket=…`, whatever it answers.
    pub async fn open_stream(&self, ticket: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}/api/v1/events?ticket={ticket}", self.api_url()))
            .send()
            .await
            .expect("the API answers")
    }

    /// An API client logged in as an operator of every country.
    pub async fn operator(&self) -> HubClient {
        self.add_user("operator", "operator", None, None);
        self.api_as("operator").await
    }

    /// `POST path` on the API with `token` and a JSON `body`: the status and the JSON answer
    /// (null if none).
    pub async fn api_post(
        &self,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.api_url()))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// The bearer token of a session opened as `username` (an account made with
    /// [`Stack::add_user`] or [`Stack::add_trader`]).
    pub async fn session_token(&self, username: &str) -> String {
        self.api_as(username)
            .await
            .token()
            .expect("a session token")
            .to_owned()
    }

    /// `GET path` on the API with `token`, which must answer 200; its JSON.
    pub async fn api_get(&self, path: &str, token: &str) -> serde_json::Value {
        let response = reqwest::Client::new()
            .get(format!("{}{path}", self.api_url()))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        response.json().await.expect("a JSON answer")
    }
}

impl Stack {
    /// Runs `sigmat <args…>` as the hub operator (`operator`, made by [`Stack::operator`]),
    /// logged in as the runbook says; its standard output ([`Stack::sigmat_as`]).
    pub fn sigmat_as_operator(&self, args: &[&str]) -> String {
        self.sigmat_as("operator", args)
    }

    /// Runs `sigmat <args…>` as `user`, logged in as the runbook says: `--api`, `--user` and the
    /// password in `SIGMAT_PASSWORD`. Its standard output; a failure panics with both outputs.
    pub fn sigmat_as(&self, user: &str, args: &[&str]) -> String {
        let out = self.sigmat_output(user, args);
        let printed = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "sigmat {args:?}: {printed}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        printed
    }

    /// As [`Stack::sigmat_as`], whatever the outcome.
    pub fn sigmat_output(&self, user: &str, args: &[&str]) -> std::process::Output {
        let (command, rest) = args.split_first().expect("a sigmat command");
        let api = self.api_url();
        Command::new(self.binary("sigmat"))
            .args([*command, "--api", api.as_str(), "--user", user])
            .args(rest)
            .env("SIGMAT_PASSWORD", password_of(user))
            .output()
            .expect("sigmat runs")
    }
}
