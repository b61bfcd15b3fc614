//! The disclosure register (migration 0027): every copy of a declaration the tracker sent across
//! a border, in the batch's transaction, and every read of a movement by an account of another
//! country, from the API; read back for a country's data-protection officer — its own outgoing
//! data, to one country or all, between two dates.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgExecutor, Row};
use transit_lifecycle::Disclosure;
use transit_model::{MessageType, Mrn};
use uuid::Uuid;

use crate::StoreError;

/// One row of the register, as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisclosureRow {
    /// Its place in the register.
    pub id: i64,
    /// The movement.
    pub mrn: Mrn,
    /// Whose data (the departure country).
    pub from_country: String,
    /// Who received it.
    pub to_country: String,
    /// The receiving office (or the reader's).
    pub office: String,
    /// `transit`, `destination`, `divertedDestination`.
    pub role: String,
    /// `copy` or `read`.
    pub channel: String,
    /// The copy's message id.
    pub message_id: Option<Uuid>,
    /// The copy's type.
    pub message_type: Option<MessageType>,
    /// Who read it.
    pub reader: Option<String>,
    /// The agreement it went under.
    pub agreement: Option<String>,
    /// The groups that went.
    pub shared: Vec<String>,
    /// The groups left out.
    pub withheld: Vec<String>,
    /// When.
    pub disclosed_at: DateTime<Utc>,
}

/// Read by column name; the copy's type, when there is one, decoded as a [`MessageType`].
impl<'r> sqlx::FromRow<'r, PgRow> for DisclosureRow {
    fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.try_get("id")?,
            mrn: crate::columns::required(row, "mrn")?,
            from_country: row.try_get("from_country")?,
            to_country: row.try_get("to_country")?,
            office: row.try_get("office")?,
            role: row.try_get("role")?,
            channel: row.try_get("channel")?,
            message_id: row.try_get("message_id")?,
            message_type: crate::columns::optional(row, "message_type")?,
            reader: row.try_get("reader")?,
            agreement: row.try_get("agreement")?,
            shared: row.try_get("shared")?,
            withheld: row.try_get("withheld")?,
            disclosed_at: row.try_get("disclosed_at")?,
        })
    }
}

/// Which rows to read: one sending country's, to one country or all, in `[since, until)`.
#[derive(Clone, Debug)]
pub struct DisclosureFilter {
    /// Whose data.
    pub from: String,
    /// To which country (none: all).
    pub to: Option<String>,
    /// From this instant.
    pub since: DateTime<Utc>,
    /// Before this one.
    pub until: DateTime<Utc>,
    /// At most this many rows, oldest first.
    pub limit: i64,
}

fn groups(list: &[transit_model::DataGroup]) -> String {
    let names: Vec<&str> = list.iter().map(|g| g.as_str()).collect();
    names.join(",")
}

/// Appends `entries` to the register (a copy already recorded is left as it is: a batch
/// processed again after a crash writes the same copies).
pub async fn record<'e>(
    executor: impl PgExecutor<'e>,
    entries: &[Disclosure],
) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&Disclosure) -> Option<String>| -> Vec<Option<String>> {
        entries.iter().map(f).collect()
    };
    let mrns = column(|d| Some(d.mrn.to_string()));
    let from = column(|d| Some(d.from.to_string()));
    let to = column(|d| Some(d.to.to_string()));
    let offices = column(|d| Some(d.office.to_string()));
    let roles = column(|d| Some(d.role.as_str().to_owned()));
    let channels = column(|d| Some(d.channel.as_str().to_owned()));
    let types = column(|d| d.message_type.map(|t| t.code().to_owned()));
    let readers = column(|d| d.reader.clone());
    let agreements = column(|d| d.agreement.clone());
    let shared = column(|d| Some(groups(&d.shared)));
    let withheld = column(|d| Some(groups(&d.withheld)));
    let ids: Vec<Option<Uuid>> = entries
        .iter()
        .map(|d| d.message_id.map(|id| id.as_uuid()))
        .collect();
    let at: Vec<DateTime<Utc>> = entries.iter().map(|d| d.at).collect();
    sqlx::query(
        "INSERT INTO disclosures (mrn, from_country, to_country, office, role, channel, message_id,
                                  message_type, reader, agreement, shared, withheld, disclosed_at)
         SELECT m, f, t, o, r, c, i, y, d, a,
                coalesce(string_to_array(NULLIF(s, ''), ','), '{}'), coalesce(string_to_array(NULLIF(w, ''), ','), '{}'), at
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::uuid[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                     $13::timestamptz[])
             WITH ORDINALITY AS u(m, f, t, o, r, c, i, y, d, a, s, w, at, n)
         ORDER BY n
         ON CONFLICT (message_id) WHERE channel = 'copy' DO NOTHING",
    )
    .bind(&mrns)
    .bind(&from)
    .bind(&to)
    .bind(&offices)
    .bind(&roles)
    .bind(&channels)
    .bind(&ids)
    .bind(&types)
    .bind(&readers)
    .bind(&agreements)
    .bind(&shared)
    .bind(&withheld)
    .bind(&at)
    .execute(executor)
    .await
    .map_err(StoreError::db("appending to the disclosure register"))?;
    Ok(())
}

/// The rows `filter` selects, oldest first.
pub async fn list<'e>(
    executor: impl PgExecutor<'e>,
    filter: &DisclosureFilter,
) -> Result<Vec<DisclosureRow>, StoreError> {
    sqlx::query_as(
        "SELECT id, mrn, from_country, to_country, office, role, channel, message_id, message_type,
                reader, agreement, shared, withheld, disclosed_at
         FROM disclosures
         WHERE from_country = $1 AND ($2::text IS NULL OR to_country = $2)
           AND disclosed_at >= $3 AND disclosed_at < $4
         ORDER BY disclosed_at, id
         LIMIT $5",
    )
    .bind(&filter.from)
    .bind(&filter.to)
    .bind(filter.since)
    .bind(filter.until)
    .bind(filter.limit)
    .fetch_all(executor)
    .await
    .map_err(StoreError::db("reading the disclosure register"))
}
