//! Login throttling: after a few failed logins for one account, or from one address, the next
//! attempts are refused (429) for a wait that doubles with every further failure, up to a
//! quarter of an hour. A success clears the account's count. Pure: time is passed in.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// What is counted: an account, or an address attempts come from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// A user name, as typed.
    Account(String),
    /// A remote address (without its port).
    Address(String),
}

/// Failures allowed before the first wait, and the waits.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Failures of one account allowed without waiting.
    pub account_free: u32,
    /// Failures from one address allowed without waiting (several people may share one).
    pub address_free: u32,
    /// The first wait.
    pub first_wait: Duration,
    /// The longest wait.
    pub longest_wait: Duration,
    /// How long a count is remembered after its last failure.
    pub memory: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            account_free: 5,
            address_free: 20,
            first_wait: Duration::from_secs(1),
            longest_wait: Duration::from_secs(15 * 60),
            memory: Duration::from_secs(60 * 60),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Record {
    failures: u32,
    last: DateTime<Utc>,
    until: DateTime<Utc>,
}

/// The counts. Old entries are forgotten, so the map cannot grow without bound.
#[derive(Debug, Default)]
pub struct Throttle {
    policy: Policy,
    records: HashMap<Key, Record>,
}

/// The most entries kept; past it, the oldest are forgotten first.
const MAX_ENTRIES: usize = 100_000;

impl Throttle {
    /// A throttle with `policy`.
    pub fn new(policy: Policy) -> Self {
        Self {
            policy,
            records: HashMap::new(),
        }
    }

    /// How long to wait before `keys` may try again, if any of them must.
    pub fn wait(&self, keys: &[Key], now: DateTime<Utc>) -> Option<Duration> {
        keys.iter()
            .filter_map(|key| self.records.get(key))
            .filter(|r| r.until > now)
            .filter_map(|r| (r.until - now).to_std().ok())
            .max()
    }

    /// Counts a failed attempt for each of `keys`.
    pub fn failed(&mut self, keys: &[Key], now: DateTime<Utc>) {
        self.forget(now);
        for key in keys {
            let free = match key {
                Key::Account(_) => self.policy.account_free,
                Key::Address(_) => self.policy.address_free,
            };
            let record = self.records.entry(key.clone()).or_insert(Record {
                failures: 0,
                last: now,
                until: now,
            });
            record.failures += 1;
            record.last = now;
            if record.failures > free {
                let doublings = (record.failures - free - 1).min(20);
                let wait = self
                    .policy
                    .first_wait
                    .saturating_mul(1 << doublings)
                    .min(self.policy.longest_wait);
                record.until = now + chrono::Duration::from_std(wait).unwrap_or_default();
            }
        }
    }

    /// A successful login: the account starts afresh (the address keeps its count).
    pub fn succeeded(&mut self, account: &str) {
        self.records.remove(&Key::Account(account.to_owned()));
    }

    fn forget(&mut self, now: DateTime<Utc>) {
        let memory = chrono::Duration::from_std(self.policy.memory).unwrap_or_default();
        self.records
            .retain(|_, r| now - r.last < memory || r.until > now);
        if self.records.len() >= MAX_ENTRIES {
            let mut lasts: Vec<DateTime<Utc>> = self.records.values().map(|r| r.last).collect();
            lasts.sort_unstable();
            let cut = lasts[lasts.len() / 2];
            self.records.retain(|_, r| r.last > cut);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_764_500_000 + seconds, 0).unwrap()
    }

    fn account(name: &str) -> Key {
        Key::Account(name.into())
    }

    #[test]
    fn an_account_waits_after_five_failures_and_the_wait_doubles() {
        let mut throttle = Throttle::new(Policy::default());
        let keys = [account("kone")];
        for n in 0..5 {
            throttle.failed(&keys, at(n));
            assert_eq!(throttle.wait(&keys, at(n)), None, "failure {}", n + 1);
        }
        throttle.failed(&keys, at(10));
        assert_eq!(throttle.wait(&keys, at(10)), Some(Duration::from_secs(1)));
        throttle.failed(&keys, at(20));
        assert_eq!(throttle.wait(&keys, at(20)), Some(Duration::from_secs(2)));
        throttle.failed(&keys, at(30));
        assert_eq!(throttle.wait(&keys, at(30)), Some(Duration::from_secs(4)));
        assert_eq!(throttle.wait(&keys, at(34)), None);
        // Another account is not affected.
        assert_eq!(throttle.wait(&[account("traore")], at(30)), None);
    }

    #[test]
    fn the_wait_stops_growing_at_a_quarter_of_an_hour() {
        let mut throttle = Throttle::new(Policy::default());
        let keys = [account("kone")];
        for n in 0..60 {
            throttle.failed(&keys, at(n));
        }
        assert_eq!(
            throttle.wait(&keys, at(60)),
            Some(Duration::from_secs(15 * 60 - 1))
        );
    }

    #[test]
    fn an_address_trying_many_accounts_waits_too() {
        let mut throttle = Throttle::new(Policy::default());
        let address = Key::Address("203.0.113.9".into());
        for n in 0..21 {
            throttle.failed(&[account(&format!("user{n}")), address.clone()], at(n));
        }
        assert!(throttle
            .wait(&[account("fresh"), address], at(20))
            .is_some());
    }

    #[test]
    fn success_clears_the_account_and_old_counts_are_forgotten() {
        let mut throttle = Throttle::new(Policy::default());
        let keys = [account("kone")];
        for n in 0..4 {
            throttle.failed(&keys, at(n));
        }
        throttle.succeeded("kone");
        for n in 0..5 {
            throttle.failed(&keys, at(10 + n));
        }
        assert_eq!(throttle.wait(&keys, at(15)), None);
        // An hour later, the count starts again.
        throttle.failed(&keys, at(10 + 3600 + 60));
        assert_eq!(throttle.wait(&keys, at(10 + 3600 + 60)), None);
    }
}
