//! The event log's months (migration 0028): the log is partitioned by month of receipt, and
//! the month a row is received in must exist before it comes, or the row lands in the default
//! partition (nothing fails, but that month loses what partitioning buys). The tracker makes
//! this month and the next at start and every hour ([`super::TrackerStore::ensure_event_months`]);
//! a benchmark that loads a year of old events makes that year's months first.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use sqlx::PgPool;

use crate::StoreError;

/// One month of the event log: its partition's name and its bounds `[from, to)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Month {
    /// `movement_events_2026_12`.
    pub table: String,
    /// Its first instant (UTC).
    pub from: DateTime<Utc>,
    /// The next month's first instant.
    pub to: DateTime<Utc>,
}

fn first_of(year: i32, month: u32) -> DateTime<Utc> {
    let day = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// The months from the one holding `from` to the one holding `to`, both included.
pub fn months(from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Month> {
    let (mut year, mut month) = (from.year(), from.month());
    let mut out = Vec::new();
    while (year, month) <= (to.year(), to.month()) {
        let (next_year, next_month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        out.push(Month {
            table: format!("movement_events_{year:04}_{month:02}"),
            from: first_of(year, month),
            to: first_of(next_year, next_month),
        });
        (year, month) = (next_year, next_month);
    }
    out
}

/// Makes the event log's months from `from` to `to` that do not exist yet, in the pool's
/// schema: the tables made. A month cannot be made while the default partition holds rows of
/// it (PostgreSQL refuses): the error says so, and the rows stay readable where they are.
pub async fn ensure(
    pool: &PgPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let wanted = months(from, to);
    let names: Vec<&str> = wanted.iter().map(|m| m.table.as_str()).collect();
    let existing: Vec<String> = sqlx::query_scalar(
        "SELECT relname::text FROM pg_class
         WHERE relnamespace = current_schema()::regnamespace AND relname = ANY($1)",
    )
    .bind(&names)
    .fetch_all(pool)
    .await
    .map_err(StoreError::db("listing the event log's months"))?;
    let mut made = Vec::new();
    for month in wanted.iter().filter(|m| !existing.contains(&m.table)) {
        sqlx::query(&format!(
            "CREATE TABLE IF NOT EXISTS {} PARTITION OF movement_events FOR VALUES FROM ('{}') TO ('{}')",
            month.table,
            month.from.to_rfc3339(),
            month.to.to_rfc3339()
        ))
        .execute(pool)
        .await
        .map_err(StoreError::db("making a month of the event log"))?;
        made.push(month.table.clone());
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_run_from_the_first_to_the_last_across_a_new_year() {
        let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 13, 5, 0).unwrap();
        let got = months(at(2026, 11, 30), at(2027, 1, 2));
        let tables: Vec<&str> = got.iter().map(|m| m.table.as_str()).collect();
        assert_eq!(
            tables,
            [
                "movement_events_2026_11",
                "movement_events_2026_12",
                "movement_events_2027_01"
            ]
        );
        assert_eq!(
            got[1].from,
            Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(
            got[1].to,
            Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(got[2].from, got[1].to);
        assert_eq!(months(at(2026, 12, 7), at(2026, 12, 7)).len(), 1);
        assert!(months(at(2027, 1, 1), at(2026, 12, 1)).is_empty());
    }
}
