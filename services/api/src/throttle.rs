//! Login throttling: after a few failed logins for one account from one address, or from one
//! address on any accounts, the next attempts from there are refused (429) for a wait that
//! doubles with every further failure, up to a quarter of an hour. An attempt is counted as a
//! failure before its password is verified ([`Throttle::attempt`]), so guesses sent at once
//! cannot slip past the count while the verifications run; a success takes it back. An
//! account is counted per address: an attacker's failures make the attacker wait, not the
//! account's owner logging in from elsewhere. Pure: time is passed in.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// What is counted: an account tried from one address, or an address on any accounts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// A user name, as typed (lower case), and the address it was tried from.
    AccountFrom(String, String),
    /// A remote address (without its port).
    Address(String),
}

/// Failures allowed before the first wait, and the waits.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Failures of one account from one address allowed without waiting.
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

    /// An attempt for `keys`: refused with the wait if any of them must wait; otherwise
    /// counted as a failure at once, before the password is verified — [`Throttle::succeeded`]
    /// takes it back — so that concurrent guesses are counted as they come, not as their
    /// verifications end.
    pub fn attempt(&mut self, keys: &[Key], now: DateTime<Utc>) -> Result<(), Duration> {
        if let Some(wait) = self.wait(keys, now) {
            return Err(wait);
        }
        self.forget(now);
        for key in keys {
            let record = self.records.entry(key.clone()).or_insert(Record {
                failures: 0,
                last: now,
                until: now,
            });
            record.failures += 1;
        }
        self.failed(keys, now);
        Ok(())
    }

    /// The attempt on `keys` failed (its verification ended at `now`): the wait its count
    /// calls for runs from now.
    pub fn failed(&mut self, keys: &[Key], now: DateTime<Utc>) {
        for key in keys {
            let free = match key {
                Key::AccountFrom(..) => self.policy.account_free,
                Key::Address(_) => self.policy.address_free,
            };
            let Some(record) = self.records.get_mut(key) else {
                continue;
            };
            record.last = now;
            if record.failures > free {
                let doublings = (record.failures - free - 1).min(20);
                let wait = self
                    .policy
                    .first_wait
                    .saturating_mul(1 << doublings)
                    .min(self.policy.longest_wait);
                let until = now + chrono::Duration::from_std(wait).unwrap_or_default();
                record.until = record.until.max(until);
            }
        }
    }

    /// The attempt on `keys` succeeded: the account starts afresh from that address, and the
    /// address's count loses the failure [`Throttle::attempt`] counted in advance.
    pub fn succeeded(&mut self, keys: &[Key]) {
        self.withdraw(keys);
        for key in keys {
            if let Key::AccountFrom(..) = key {
                self.records.remove(key);
            }
        }
    }

    /// The attempt on `keys` could not be judged (the database did not answer): the failure
    /// [`Throttle::attempt`] counted in advance is taken back.
    pub fn withdraw(&mut self, keys: &[Key]) {
        for key in keys {
            if let Some(record) = self.records.get_mut(key) {
                record.failures = record.failures.saturating_sub(1);
            }
        }
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
        Key::AccountFrom(name.into(), "203.0.113.9".into())
    }

    /// An attempt that fails after its verification, at `now`.
    fn fail(throttle: &mut Throttle, keys: &[Key], now: DateTime<Utc>) {
        throttle.attempt(keys, now).expect("not waiting");
        throttle.failed(keys, now);
    }

    #[test]
    fn an_account_waits_after_five_failures_and_the_wait_doubles() {
        let mut throttle = Throttle::new(Policy::default());
        let keys = [account("kone")];
        for n in 0..5 {
            fail(&mut throttle, &keys, at(n));
            assert_eq!(throttle.wait(&keys, at(n)), None, "failure {}", n + 1);
        }
        fail(&mut throttle, &keys, at(10));
        assert_eq!(throttle.wait(&keys, at(10)), Some(Duration::from_secs(1)));
        fail(&mut throttle, &keys, at(20));
        assert_eq!(throttle.wait(&keys, at(20)), Some(Duration::from_secs(2)));
        fail(&mut throttle, &keys, at(30));
        assert_eq!(throttle.wait(&keys, at(30)), Some(Duration::from_secs(4)));
        assert_eq!(throttle.wait(&keys, at(34)), None);
        // Another account is not affected.
        assert_eq!(throttle.wait(&[account("traore")], at(30)), None);
    }

    #[test]
    fn the_wait_stops_growing_at_a_quarter_of_an_hour() {
        let mut throttle = Throttle::new(Policy::default());
        let keys = [account("kone")];
        // Each failure after the last wait has run out.
        for n in 0..60 {
            fail(&mut throttle, &keys, at(n * 1000));
        }
        assert_eq!(
            throttle.wait(&keys, at(59_000)),
            Some(Duration::from_secs(15 * 60))
        );
    }

    #[test]
    fn an_address_trying_many_accounts_waits_too() {
        let mut throttle = Throttle::new(Policy::default());
        let address = Key::Address("203.0.113.9".into());
        for n in 0..21 {
            fail(
                &mut throttle,
                &[account(&format!("user{n}")), address.clone()],
                at(n),
            );
        }
        assert!(throttle
            .wait(&[account("fresh"), address], at(20))
            .is_some());
    }

    #[test]
    fn concurrent_guesses_are_counted_before_any_verification_ends() {
        let mut throttle = Throttle::new(Policy::default());
        let keys = [account("kone"), Key::Address("203.0.113.9".into())];
        // 256 guesses arrive together; none has been verified yet.
        let let_through = (0..256)
            .filter(|_| throttle.attempt(&keys, at(0)).is_ok())
            .count();
        assert_eq!(let_through, 6, "five free, the sixth starts the wait");
    }

    #[test]
    fn an_attackers_failures_do_not_lock_the_owner_out_from_elsewhere() {
        let mut throttle = Throttle::new(Policy::default());
        let attacker = [
            Key::AccountFrom("kone".into(), "203.0.113.9".into()),
            Key::Address("203.0.113.9".into()),
        ];
        for n in 0..30 {
            let _ = throttle.attempt(&attacker, at(n));
        }
        assert!(throttle.wait(&attacker, at(30)).is_some());
        let owner = [
            Key::AccountFrom("kone".into(), "198.51.100.4".into()),
            Key::Address("198.51.100.4".into()),
        ];
        assert_eq!(throttle.attempt(&owner, at(30)), Ok(()));
        throttle.succeeded(&owner);
        assert!(
            throttle.wait(&attacker, at(30)).is_some(),
            "the attacker still waits"
        );
    }

    #[test]
    fn success_clears_the_account_and_old_counts_are_forgotten() {
        let mut throttle = Throttle::new(Policy::default());
        let address = Key::Address("203.0.113.9".into());
        let keys = [account("kone"), address.clone()];
        for n in 0..4 {
            fail(&mut throttle, &keys, at(n));
        }
        throttle.attempt(&keys, at(5)).unwrap();
        throttle.succeeded(&keys);
        assert_eq!(
            throttle.records[&address].failures, 4,
            "the success is not a failure"
        );
        for n in 0..5 {
            fail(&mut throttle, &keys, at(10 + n));
        }
        assert_eq!(throttle.wait(&keys[..1], at(15)), None);
        // An hour later, the count starts again.
        fail(&mut throttle, &keys, at(10 + 3600 + 60));
        assert_eq!(throttle.wait(&keys, at(10 + 3600 + 60)), None);
    }
}
