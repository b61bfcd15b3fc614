//! Refused calls: how many an address may have kept, and for how long they are kept.
//!
//! Every call the adapter refuses is answered and kept (what was asked, and the first 64 KiB of
//! a submission's body), so that the national system's operators can see what went wrong. An
//! address that keeps being refused — a misconfigured client, or someone without a token
//! probing — would otherwise grow the `refusals` table without bound: past
//! [`RefusalThrottle::PER_MINUTE`] refused calls in a minute, its further calls are answered
//! 429 (with `Retry-After`), counted, and not kept. Kept refusals are deleted after
//! `[refusals] keep_days` ([`retain`], which also deletes the deliveries acknowledged more than
//! `[deliveries] keep_acknowledged_days` ago).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use transit_store::adapter::AdapterStore;

/// Refused calls kept per address and minute.
#[derive(Debug, Default)]
pub struct RefusalThrottle {
    /// Each address's current minute and the refusals kept in it.
    windows: HashMap<IpAddr, (DateTime<Utc>, u32)>,
}

/// The most addresses remembered; past it, the windows already over are forgotten first, then
/// all (a flood from many addresses is then kept at the per-address rate again).
const MAX_ADDRESSES: usize = 100_000;

impl RefusalThrottle {
    /// Refused calls one address may have kept in a minute.
    pub const PER_MINUTE: u32 = 30;

    /// Whether a refused call from `address` at `now` is kept; when not, how many seconds until
    /// it would be.
    pub fn admit(&mut self, address: IpAddr, now: DateTime<Utc>) -> Result<(), u64> {
        if self.windows.len() >= MAX_ADDRESSES {
            self.windows
                .retain(|_, (start, _)| now - *start < chrono::Duration::minutes(1));
            if self.windows.len() >= MAX_ADDRESSES {
                self.windows.clear();
            }
        }
        let (start, kept) = self.windows.entry(address).or_insert((now, 0));
        if now - *start >= chrono::Duration::minutes(1) {
            *start = now;
            *kept = 0;
        }
        if *kept >= Self::PER_MINUTE {
            let left = (*start + chrono::Duration::minutes(1) - now).num_seconds();
            return Err(u64::try_from(left.max(1)).unwrap_or(60));
        }
        *kept += 1;
        Ok(())
    }
}

/// Deletes, once an hour (and at start) until `stop`, the refusals older than `keep_days`
/// and the deliveries acknowledged more than `keep_acknowledged_days` ago (10,000 at a time).
pub async fn retain(
    store: AdapterStore,
    keep_days: u32,
    keep_acknowledged_days: u32,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    while !*stop.borrow() {
        let now = Utc::now();
        let cutoff = now - chrono::Duration::days(i64::from(keep_days));
        match store.forget_refusals_before(cutoff).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, keep_days, "old refusals deleted"),
            Err(err) => {
                tracing::warn!(error = %err, "old refusals not deleted; trying again in an hour")
            }
        }
        let acknowledged = now - chrono::Duration::days(i64::from(keep_acknowledged_days));
        let mut deleted = 0;
        loop {
            match store.forget_acknowledged_before(acknowledged, 10_000).await {
                Ok(n) => {
                    deleted += n;
                    if n < 10_000 {
                        break;
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "acknowledged deliveries not deleted; trying again in an hour");
                    break;
                }
            }
        }
        if deleted > 0 {
            tracing::info!(
                deleted,
                keep_acknowledged_days,
                "acknowledged deliveries deleted"
            );
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
            _ = stop.changed() => break,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_764_500_000 + seconds, 0).unwrap()
    }

    #[test]
    fn an_address_has_thirty_refusals_kept_a_minute_and_others_are_not_held_back() {
        let mut throttle = RefusalThrottle::default();
        let prober: IpAddr = "203.0.113.9".parse().unwrap();
        for n in 0..30 {
            assert_eq!(throttle.admit(prober, at(n)), Ok(()), "refusal {}", n + 1);
        }
        assert_eq!(throttle.admit(prober, at(30)), Err(30));
        let other: IpAddr = "198.51.100.4".parse().unwrap();
        assert_eq!(throttle.admit(other, at(30)), Ok(()));
        // The next minute, the prober's refusals are kept again.
        assert_eq!(throttle.admit(prober, at(60)), Ok(()));
    }
}
