//! Sessions: logging in (throttled, passwords verified off the async workers, audited),
//! out, the session behind a token, and one-use tickets for the live-update stream (redeemed
//! in [`crate::live`]).

use chrono::{Duration, Utc};
use transit_http::api_views::{LoginRequest, Principal, SessionView, TicketView};
use transit_http::ApiError;
use transit_http::SessionPort;

use crate::answers::unavailable;
use crate::auth;
use crate::service::ApiService;
use crate::throttle::Key;

/// How long a live-update ticket may wait before it opens its stream.
const STREAM_TICKET_SECONDS: i64 = 30;

impl ApiService {
    /// Verifies a password on a blocking thread, a few at a time.
    pub(crate) async fn verify(&self, password: String, hash: String) -> Result<bool, ApiError> {
        let _permit = self
            .verifiers
            .acquire()
            .await
            .map_err(|_| ApiError::unavailable("the API is stopping"))?;
        tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
            .await
            .map_err(|_| ApiError::unavailable("password verification failed; try again"))
    }
}

impl ApiService {
    /// The account `request` names, if any, and whether its password matches (an unknown or
    /// impossible name is verified against the dummy hash, so it takes as long).
    async fn check_password(
        &self,
        request: &LoginRequest,
    ) -> Result<(Option<transit_store::api::UserRow>, bool), ApiError> {
        // A name no account can have (a NUL the database would refuse, a megabyte) is an
        // unknown user: verified against the dummy hash and counted like any other failure.
        let user = if could_be_a_username(&request.username) {
            self.store
                .user(&request.username)
                .await
                .map_err(unavailable)?
        } else {
            None
        };
        let hash = user
            .as_ref()
            .map_or_else(|| self.dummy_hash.clone(), |u| u.password_hash.clone());
        let matches = self.verify(request.password.clone(), hash).await?;
        Ok((user, matches))
    }
}

impl SessionPort for ApiService {
    async fn login(&self, request: LoginRequest, remote: String) -> Result<SessionView, ApiError> {
        let keys = [
            Key::AccountFrom(request.username.to_lowercase(), remote.clone()),
            Key::Address(remote.clone()),
        ];
        // Counted as a failure now, before the verification: guesses sent at once are
        // throttled as they come.
        let attempt = self
            .throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .attempt(&keys, Utc::now());
        if let Err(wait) = attempt {
            let seconds = wait.as_secs().max(1);
            self.audit(
                Some(&request.username),
                "login",
                None,
                "throttled",
                &remote,
                None,
            )
            .await
            .ok(); // refused either way
            return Err(ApiError::too_many_attempts(
                format!("too many failed logins for this account or from this address; wait {seconds} s"),
                seconds,
            ));
        }
        let judged = self.check_password(&request).await;
        let (user, matches) = judged.inspect_err(|_| {
            self.throttle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .withdraw(&keys);
        })?;
        let Some(user) = user.filter(|_| matches) else {
            self.throttle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .failed(&keys, Utc::now());
            self.audit(
                Some(&request.username),
                "login",
                None,
                "refused",
                &remote,
                None,
            )
            .await
            .ok(); // refused either way
            return Err(ApiError::unauthorized("wrong user name or password"));
        };
        self.throttle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .succeeded(&keys);
        let token = auth::new_token();
        let now = Utc::now();
        let expires_at = now + Duration::hours(self.session_hours);
        self.store
            .open_session(&auth::token_hash(&token), user.id, now, expires_at)
            .await
            .map_err(unavailable)?;
        // No session is handed out that the audit log does not show.
        self.audit(Some(&user.username), "login", None, "ok", &remote, None)
            .await?;
        Ok(SessionView {
            token,
            expires_at,
            user: auth::principal(&user),
        })
    }

    async fn logout(&self, token: String) -> Result<(), ApiError> {
        self.store
            .close_session(&auth::token_hash(&token))
            .await
            .map_err(unavailable)
    }

    async fn authenticate(&self, token: String) -> Result<Principal, ApiError> {
        self.store
            .session_user(&auth::token_hash(&token), Utc::now())
            .await
            .map_err(unavailable)?
            .map(|u| auth::principal(&u))
            .ok_or_else(|| ApiError::unauthorized("the session is unknown or has expired"))
    }

    async fn stream_ticket(&self, token: String) -> Result<TicketView, ApiError> {
        let session_hash = auth::token_hash(&token);
        let now = Utc::now();
        // The session must be open; its user is not needed here.
        self.authenticate(token).await?;
        let ticket = auth::new_token();
        let expires_at = now + Duration::seconds(STREAM_TICKET_SECONDS);
        self.store
            .issue_ticket(&auth::token_hash(&ticket), &session_hash, now, expires_at)
            .await
            .map_err(unavailable)?;
        Ok(TicketView { ticket, expires_at })
    }
}

/// Whether `name` could name an account: 1 to 100 characters, no control characters.
fn could_be_a_username(name: &str) -> bool {
    (1..=100).contains(&name.chars().count()) && !name.chars().any(char::is_control)
}
