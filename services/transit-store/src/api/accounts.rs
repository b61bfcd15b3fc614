//! The API's own accounts: users, sessions, live-update stream tickets, and the audit log
//! (written through its insert-only role).

use chrono::{DateTime, Utc};
use transit_model::Role;

use super::{db, ApiStore};
use crate::StoreError;

/// `users` columns as read into [`UserRow`] (table alias `u`).
const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.password_hash, u.role, u.office, u.country, u.party, u.language";

/// Text as PostgreSQL can keep it: NUL replaced, at most 1,000 characters.
fn storable(value: &str) -> String {
    value
        .chars()
        .take(1000)
        .map(|c| if c == '\0' { '\u{FFFD}' } else { c })
        .collect()
}

/// A user of the API.
#[derive(Clone, Debug, sqlx::FromRow, PartialEq, Eq)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// argon2id hash.
    pub password_hash: String,
    /// The role (a stored name that is not one is refused as the row is read).
    #[sqlx(try_from = "String")]
    pub role: Role,
    /// An officer's office.
    pub office: Option<String>,
    /// An adapter's country, an operator's scope, a guarantor's country.
    pub country: Option<String>,
    /// A trader's identification number (TIN).
    pub party: Option<String>,
    /// `en` or `fr`.
    pub language: String,
}

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// argon2id hash (the caller hashes).
    pub password_hash: String,
    /// The role.
    pub role: Role,
    /// An officer's office.
    pub office: Option<String>,
    /// An adapter's country, an operator's scope, a guarantor's country.
    pub country: Option<String>,
    /// A trader's identification number (TIN).
    pub party: Option<String>,
    /// `en` or `fr`.
    pub language: String,
}

/// One audit entry.
#[derive(Clone, Debug, sqlx::FromRow, PartialEq, Eq)]
pub struct AuditRow {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (None before login).
    pub username: Option<String>,
    /// What.
    pub action: String,
    /// On what (an MRN).
    pub target: Option<String>,
    /// `ok`, `refused`, …
    pub outcome: String,
    /// From where.
    pub remote: Option<String>,
    /// More.
    pub detail: Option<String>,
}

impl ApiStore {
    /// Creates a user; `false` if the name is taken.
    pub async fn create_user(
        &self,
        user: &NewUser,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO users (username, display_name, password_hash, role, office, country, language, created_at, party)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (username) DO NOTHING",
        )
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(&user.office)
        .bind(&user.country)
        .bind(&user.language)
        .bind(now)
        .bind(&user.party)
        .execute(&self.pool)
        .await
        .map_err(db("creating a user"))?;
        Ok(done.rows_affected() == 1)
    }

    /// A user by login name.
    pub async fn user(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await
        .map_err(db("reading a user"))
    }

    /// Opens a session.
    pub async fn open_session(
        &self,
        token_hash: &[u8],
        user_id: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now)
            .bind(expires_at)
            .execute(&self.pool)
            .await
            .map_err(db("opening a session"))?;
        Ok(())
    }

    /// The user of a session still open at `now`.
    pub async fn session_user(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<UserRow>, StoreError> {
        sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(db("reading a session"))
    }

    /// Keeps a stream ticket (its hash) for the session `session_hash`, valid until
    /// `expires_at`. Old tickets are swept on the way.
    pub async fn issue_ticket(
        &self,
        ticket_hash: &[u8],
        session_hash: &[u8],
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM stream_tickets WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db("sweeping stream tickets"))?;
        sqlx::query(
            "INSERT INTO stream_tickets (ticket_hash, session_hash, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(ticket_hash)
        .bind(session_hash)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(db("keeping a stream ticket"))?;
        Ok(())
    }

    /// Uses up a stream ticket: the user of its session, if the ticket exists, has not expired
    /// and its session is still open. A ticket opens one stream only.
    pub async fn redeem_ticket(
        &self,
        ticket_hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<(UserRow, Vec<u8>)>, StoreError> {
        let session: Option<(Vec<u8>,)> = sqlx::query_as(
            "DELETE FROM stream_tickets WHERE ticket_hash = $1 AND expires_at > $2
             RETURNING session_hash",
        )
        .bind(ticket_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(db("using a stream ticket"))?;
        let Some((session_hash,)) = session else {
            return Ok(None);
        };
        Ok(self
            .session_user(&session_hash, now)
            .await?
            .map(|user| (user, session_hash)))
    }

    /// Closes a session.
    pub async fn close_session(&self, token_hash: &[u8]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(db("closing a session"))?;
        Ok(())
    }

    /// Appends to the audit log. What a client sent is kept as sent, except that a NUL (which
    /// PostgreSQL text cannot hold) becomes U+FFFD and each field is cut at 1,000 characters:
    /// the entry must be written whatever the request held.
    pub async fn audit(&self, entry: &AuditRow) -> Result<(), StoreError> {
        let keep = |value: &Option<String>| value.as_deref().map(storable);
        sqlx::query(
            "INSERT INTO audit_log (at, username, action, target, outcome, remote, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(entry.at)
        .bind(keep(&entry.username))
        .bind(storable(&entry.action))
        .bind(keep(&entry.target))
        .bind(storable(&entry.outcome))
        .bind(keep(&entry.remote))
        .bind(keep(&entry.detail))
        .execute(&self.audit)
        .await
        .map_err(db("writing the audit log"))?;
        Ok(())
    }

    /// The latest audit entries, newest first.
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditRow>, StoreError> {
        sqlx::query_as(
            "SELECT at, username, action, target, outcome, remote, detail FROM audit_log ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db("reading the audit log"))
    }
}
