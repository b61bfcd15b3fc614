//! Traders' and guarantors' webhook subscriptions and their notifications (migration 0015):
//! the subscriptions themselves, the movement events the notifier has not matched yet, and
//! the notifications due to be sent.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, Row};
use transit_model::Role;
use uuid::Uuid;

use super::event_log::LoggedEvent;
use super::ApiStore;
use crate::StoreError;
use transit_lifecycle::MovementState;
use transit_model::Mrn;

/// A subscription as stored.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SubscriptionRow {
    /// Its id.
    pub id: Uuid,
    /// The account that made it.
    pub owner: String,
    /// Whose it is: a trader's or a guarantor's.
    #[sqlx(try_from = "String")]
    pub party_kind: Role,
    /// A TIN, or a guarantee reference.
    pub party: String,
    /// A guarantor's country: departures from there only.
    pub country: Option<String>,
    /// Where notifications are posted.
    pub url: String,
    /// The signing secret.
    pub secret: String,
    /// The kinds of event wanted (None: all).
    pub events: Option<Vec<String>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// A notification as stored.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct NotificationRow {
    /// Its id (the receiver deduplicates by it).
    pub id: Uuid,
    /// Its subscription.
    pub subscription_id: Uuid,
    /// The movement.
    #[sqlx(try_from = "String")]
    pub mrn: Mrn,
    /// What is posted.
    pub payload: serde_json::Value,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Posts tried.
    pub attempts: i32,
    /// Of which refused (4xx) in a row.
    pub refusals: i32,
    /// When it is tried next.
    pub next_attempt_at: DateTime<Utc>,
    /// The last failure.
    pub last_error: Option<String>,
    /// When the receiver took it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When it was parked after repeated refusals.
    pub parked_at: Option<DateTime<Utc>>,
}

/// An accepted movement event the notifier has not matched yet, with what subscriptions match
/// on.
#[derive(Clone, Debug, PartialEq)]
pub struct EventToMatch {
    /// The entry of the event log.
    pub event: LoggedEvent,
    /// The movement's state before (None for the release).
    pub state_before: Option<MovementState>,
    /// And after.
    pub state_after: Option<MovementState>,
    /// The declarant's TIN.
    pub holder: Option<String>,
    /// The guarantee (`{referenceId, amountAmount, currencyCode}`).
    pub guarantee: Option<serde_json::Value>,
    /// The office of departure.
    pub departure_office: String,
}

/// A notification to make.
#[derive(Clone, Debug, PartialEq)]
pub struct NewNotification {
    /// Its id.
    pub id: Uuid,
    /// Its subscription.
    pub subscription_id: Uuid,
    /// The event.
    pub event_seq: i64,
    /// The movement.
    pub mrn: Mrn,
    /// What is posted.
    pub payload: serde_json::Value,
}

/// Events are matched again this far back, so that one committed late (after a later seq was
/// already matched) is not missed; matching twice is a no-op.
const REMATCH: i64 = 500;

fn db(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    StoreError::db(what)
}

impl ApiStore {
    /// Stores a new subscription.
    pub async fn create_subscription(&self, s: &SubscriptionRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO subscriptions (id, owner, party_kind, party, country, url, secret, events, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(s.id)
        .bind(&s.owner)
        .bind(s.party_kind.as_str())
        .bind(&s.party)
        .bind(&s.country)
        .bind(&s.url)
        .bind(&s.secret)
        .bind(&s.events)
        .bind(s.created_at)
        .execute(&self.pool)
        .await
        .map_err(db("creating a subscription"))?;
        Ok(())
    }

    /// `owner`'s subscriptions (every one with `None`), newest first.
    pub async fn subscriptions(
        &self,
        owner: Option<&str>,
    ) -> Result<Vec<SubscriptionRow>, StoreError> {
        sqlx::query_as(
            "SELECT * FROM subscriptions WHERE ($1::text IS NULL OR owner = $1)
              ORDER BY created_at DESC",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await
        .map_err(db("listing subscriptions"))
    }

    /// One subscription.
    pub async fn subscription(&self, id: Uuid) -> Result<Option<SubscriptionRow>, StoreError> {
        sqlx::query_as("SELECT * FROM subscriptions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db("reading a subscription"))
    }

    /// Cancels a subscription: nothing more is sent for it.
    pub async fn cancel_subscription(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE subscriptions SET cancelled_at = $2 WHERE id = $1 AND cancelled_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db("cancelling a subscription"))?;
        Ok(())
    }

    /// A subscription's notifications, newest first.
    pub async fn notifications(
        &self,
        subscription_id: Uuid,
        limit: i64,
    ) -> Result<Vec<NotificationRow>, StoreError> {
        sqlx::query_as(
            "SELECT id, subscription_id, mrn, payload, created_at, attempts, refusals,
                    next_attempt_at, last_error, delivered_at, parked_at
               FROM notifications WHERE subscription_id = $1
              ORDER BY event_seq DESC LIMIT $2",
        )
        .bind(subscription_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db("listing notifications"))
    }

    /// One notification and its subscription's owner.
    pub async fn notification(
        &self,
        id: Uuid,
    ) -> Result<Option<(NotificationRow, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT n.id, n.subscription_id, n.mrn, n.payload, n.created_at, n.attempts,
                    n.refusals, n.next_attempt_at, n.last_error, n.delivered_at, n.parked_at,
                    s.owner
               FROM notifications n JOIN subscriptions s ON s.id = n.subscription_id
              WHERE n.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db("reading a notification"))?;
        row.map(|row| {
            let owner: String = row.try_get("owner")?;
            Ok((
                <NotificationRow as sqlx::FromRow<'_, _>>::from_row(&row)?,
                owner,
            ))
        })
        .transpose()
        .map_err(db("reading a notification"))
    }

    /// Puts a notification back in line, at once (after a fix on the receiver's side).
    pub async fn resend_notification(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE notifications SET next_attempt_at = $2, delivered_at = NULL, parked_at = NULL,
                    refusals = 0
              WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db("resending a notification"))?;
        Ok(())
    }

    /// Matches events with subscriptions: `make` turns the events (after the notifier's cursor,
    /// and some before it again) and the active subscriptions into notifications, stored at
    /// most once each, and the cursor moves on. Returns how many were new.
    pub async fn match_events(
        &self,
        limit: i64,
        now: DateTime<Utc>,
        make: impl FnOnce(&[EventToMatch], &[SubscriptionRow]) -> Vec<NewNotification>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db("matching events"))?;
        // The first run starts at the end of the log: subscriptions look forward.
        sqlx::query(
            "INSERT INTO notifier_cursor (last_seq)
             SELECT coalesce(max(seq), 0) FROM movement_events ON CONFLICT DO NOTHING",
        )
        .execute(&mut *tx)
        .await
        .map_err(db("starting the notifier"))?;
        let cursor: i64 = sqlx::query_scalar("SELECT last_seq FROM notifier_cursor FOR UPDATE")
            .fetch_one(&mut *tx)
            .await
            .map_err(db("reading the notifier's place"))?;
        let subscriptions: Vec<SubscriptionRow> =
            sqlx::query_as("SELECT * FROM subscriptions WHERE cancelled_at IS NULL")
                .fetch_all(&mut *tx)
                .await
                .map_err(db("reading subscriptions"))?;
        if subscriptions.is_empty() {
            // Nobody listens: move on without reading the events.
            sqlx::query(
                "UPDATE notifier_cursor SET last_seq = greatest(last_seq,
                        (SELECT coalesce(max(seq), 0) FROM movement_events))",
            )
            .execute(&mut *tx)
            .await
            .map_err(db("moving the notifier on"))?;
            tx.commit().await.map_err(db("matching events"))?;
            return Ok(0);
        }
        let rows = sqlx::query(
            "SELECT e.seq, e.mrn, e.message_type, e.sender, e.event_time, e.received_at,
                    e.state_after,
                    (SELECT p.state_after FROM movement_events p
                      WHERE p.mrn = e.mrn AND p.seq < e.seq AND p.outcome = 'accepted'
                      ORDER BY p.seq DESC LIMIT 1) AS state_before,
                    d.declaration->'declarant'->>'id' AS holder,
                    d.declaration->'obligationGuarantee' AS guarantee,
                    m.departure_office
               FROM movement_events e JOIN movements m ON m.mrn = e.mrn
               JOIN movement_declarations d ON d.mrn = e.mrn
              WHERE e.seq > $1 AND e.outcome = 'accepted'
              ORDER BY e.seq LIMIT $2",
        )
        .bind(cursor - REMATCH)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(db("reading events to match"))?;
        let events = rows
            .iter()
            .map(|r| {
                Ok(EventToMatch {
                    event: LoggedEvent::from_row(r)?,
                    state_before: crate::columns::optional(r, "state_before")?,
                    state_after: crate::columns::optional(r, "state_after")?,
                    holder: r.try_get("holder")?,
                    guarantee: r.try_get("guarantee")?,
                    departure_office: r.try_get("departure_office")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(db("reading events to match"))?;
        let mut made = 0;
        for n in make(&events, &subscriptions) {
            made += sqlx::query(
                "INSERT INTO notifications (id, subscription_id, event_seq, mrn, payload, created_at, next_attempt_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING",
            )
            .bind(n.id)
            .bind(n.subscription_id)
            .bind(n.event_seq)
            .bind(n.mrn.as_str())
            .bind(&n.payload)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db("storing a notification"))?
            .rows_affected();
        }
        if let Some(last) = events.last() {
            sqlx::query("UPDATE notifier_cursor SET last_seq = greatest(last_seq, $1)")
                .bind(last.event.seq)
                .execute(&mut *tx)
                .await
                .map_err(db("moving the notifier on"))?;
        }
        tx.commit().await.map_err(db("matching events"))?;
        Ok(made)
    }

    /// Takes the next notification due at `now` — each subscription's in the order of its
    /// events — (locked: another API instance skips it) and hands it with its subscription to
    /// `send`, which says how it went; records that.
    /// `false` when none is due.
    pub async fn send_next_notification<F, Fut>(
        &self,
        now: DateTime<Utc>,
        send: F,
    ) -> Result<bool, StoreError>
    where
        F: FnOnce(NotificationRow, SubscriptionRow) -> Fut,
        Fut: std::future::Future<Output = SendOutcome>,
    {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(db("sending a notification"))?;
        let row = sqlx::query(
            "SELECT n.id FROM notifications n JOIN subscriptions s ON s.id = n.subscription_id
              WHERE n.delivered_at IS NULL AND n.parked_at IS NULL AND n.next_attempt_at <= $1
                AND s.cancelled_at IS NULL
                -- In order: a subscription's next notification waits for the one before it
                -- (unless that one is parked).
                AND NOT EXISTS (
                    SELECT 1 FROM notifications o
                     WHERE o.subscription_id = n.subscription_id AND o.event_seq < n.event_seq
                       AND o.delivered_at IS NULL AND o.parked_at IS NULL)
              ORDER BY n.next_attempt_at LIMIT 1 FOR UPDATE OF n SKIP LOCKED",
        )
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db("finding a notification due"))?;
        let Some(row) = row else {
            return Ok(false);
        };
        let id: Uuid = row
            .try_get("id")
            .map_err(db("finding a notification due"))?;
        let notification: NotificationRow = sqlx::query_as(
            "SELECT id, subscription_id, mrn, payload, created_at, attempts, refusals,
                    next_attempt_at, last_error, delivered_at, parked_at
               FROM notifications WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db("reading a notification"))?;
        let subscription: SubscriptionRow =
            sqlx::query_as("SELECT * FROM subscriptions WHERE id = $1")
                .bind(notification.subscription_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(db("reading a subscription"))?;
        let outcome = send(notification, subscription).await;
        let query = match &outcome {
            SendOutcome::Delivered { at } => sqlx::query(
                "UPDATE notifications SET attempts = attempts + 1, delivered_at = $2, last_error = NULL
                  WHERE id = $1",
            )
            .bind(id)
            .bind(at),
            SendOutcome::Failed { error, retry_at, refused, park } => sqlx::query(
                "UPDATE notifications SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3,
                        refusals = CASE WHEN $4 THEN refusals + 1 ELSE 0 END,
                        parked_at = CASE WHEN $5 THEN $6 ELSE NULL END
                  WHERE id = $1",
            )
            .bind(id)
            .bind(error)
            .bind(retry_at)
            .bind(refused)
            .bind(park)
            .bind(now),
        };
        query
            .execute(&mut *tx)
            .await
            .map_err(db("recording a notification's outcome"))?;
        tx.commit().await.map_err(db("sending a notification"))?;
        Ok(true)
    }
}

/// How one post of a notification went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// The receiver answered 2xx.
    Delivered {
        /// When.
        at: DateTime<Utc>,
    },
    /// It did not.
    Failed {
        /// Why.
        error: String,
        /// When to try again.
        retry_at: DateTime<Utc>,
        /// Whether the receiver refused it (4xx but 408 and 429).
        refused: bool,
        /// Whether to park it now (refused too often).
        park: bool,
    },
}
