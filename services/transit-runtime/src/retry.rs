//! How a service tries a post again: the time one attempt may take, the wait after each failure
//! (doubling up to a longest), and after how many refusals in a row an item is parked so that
//! the others go on. One [`RetryPolicy`] serves the adapter's pushes to its national system and
//! the API's notifications to subscribers.

use std::time::Duration;

/// How a post is tried again, read from four keys of the section that holds it (with
/// `#[serde(flatten)]`): `timeout_ms`, `initial_backoff_ms`, `max_backoff_ms` and
/// `park_after_refusals`. `FIRST_MS` and `MAX_MS` are the defaults of the first and the longest
/// wait, in milliseconds, which each use chooses.
///
/// ```
/// use std::time::Duration;
/// use transit_runtime::retry::RetryPolicy;
///
/// let policy = RetryPolicy::<200, 1_000>::default();
/// assert_eq!(policy.delay(0), Duration::from_millis(200));
/// assert_eq!(policy.delay(2), Duration::from_millis(800));
/// assert_eq!(policy.delay(3), Duration::from_millis(1_000));
/// assert!(!policy.parks_after(4) && policy.parks_after(5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(from = "RetryKeys<FIRST_MS, MAX_MS>")]
pub struct RetryPolicy<const FIRST_MS: u64, const MAX_MS: u64> {
    /// Time allowed for one attempt.
    pub timeout: Duration,
    /// The wait after the first failure, doubled after each further one.
    pub first_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
    /// Refusals in a row after which an item is parked; 0 never parks.
    pub park_after_refusals: u32,
}

impl<const FIRST_MS: u64, const MAX_MS: u64> Default for RetryPolicy<FIRST_MS, MAX_MS> {
    fn default() -> Self {
        RetryKeys::default().into()
    }
}

impl<const FIRST_MS: u64, const MAX_MS: u64> RetryPolicy<FIRST_MS, MAX_MS> {
    /// The wait after `failures` failures before this one in a row: the first wait doubled
    /// that many times, at most the longest.
    pub fn delay(&self, failures: u32) -> Duration {
        let factor = 1u32.checked_shl(failures).unwrap_or(u32::MAX);
        self.first_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// Whether an item refused `refusals` times in a row is parked now.
    pub fn parks_after(&self, refusals: u32) -> bool {
        self.park_after_refusals > 0 && refusals >= self.park_after_refusals
    }
}

/// The keys as they are written (whole milliseconds), each with its default: what the
/// configuration reference shows.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct RetryKeys<const FIRST_MS: u64, const MAX_MS: u64> {
    /// Time allowed for one attempt, in milliseconds (default 10,000).
    #[serde(default = "given::<TIMEOUT_MS>")]
    timeout_ms: u64,
    /// First wait after a failed attempt, in milliseconds, doubled after each further failure.
    #[serde(default = "given::<FIRST_MS>")]
    initial_backoff_ms: u64,
    /// Longest wait between two attempts, in milliseconds.
    #[serde(default = "given::<MAX_MS>")]
    max_backoff_ms: u64,
    /// After this many refusals in a row (4xx but 408 and 429) of one item, it is parked (set
    /// aside until it is put back in line) so that the others go on; 0 never parks (default 5).
    #[serde(default = "park_after_refusals")]
    park_after_refusals: u32,
}

const TIMEOUT_MS: u64 = 10_000;
const PARK_AFTER_REFUSALS: u32 = 5;

/// `VALUE`: a key's default.
fn given<const VALUE: u64>() -> u64 {
    VALUE
}

fn park_after_refusals() -> u32 {
    PARK_AFTER_REFUSALS
}

impl<const FIRST_MS: u64, const MAX_MS: u64> Default for RetryKeys<FIRST_MS, MAX_MS> {
    fn default() -> Self {
        Self {
            timeout_ms: TIMEOUT_MS,
            initial_backoff_ms: FIRST_MS,
            max_backoff_ms: MAX_MS,
            park_after_refusals: PARK_AFTER_REFUSALS,
        }
    }
}

impl<const FIRST_MS: u64, const MAX_MS: u64> From<RetryKeys<FIRST_MS, MAX_MS>>
    for RetryPolicy<FIRST_MS, MAX_MS>
{
    fn from(keys: RetryKeys<FIRST_MS, MAX_MS>) -> Self {
        Self {
            timeout: Duration::from_millis(keys.timeout_ms),
            first_delay: Duration::from_millis(keys.initial_backoff_ms),
            max_delay: Duration::from_millis(keys.max_backoff_ms),
            park_after_refusals: keys.park_after_refusals,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Section {
        url: String,
        #[serde(flatten)]
        retry: RetryPolicy<1_000, 300_000>,
    }

    fn read(toml_text: &str) -> Result<Section, crate::config::ConfigError> {
        crate::config::from_layers(toml_text, "TEST", std::iter::empty())
    }

    #[test]
    fn absent_keys_take_the_chosen_defaults() {
        let section = read("url = \"u\"").unwrap();
        assert_eq!(section.url, "u");
        assert_eq!(section.retry, RetryPolicy::default());
        assert_eq!(section.retry.timeout, Duration::from_secs(10));
        assert_eq!(section.retry.first_delay, Duration::from_secs(1));
        assert_eq!(section.retry.max_delay, Duration::from_secs(300));
        assert_eq!(section.retry.park_after_refusals, 5);
    }

    #[test]
    fn the_keys_are_read_in_milliseconds_beside_the_section_s_own() {
        let section = read(
            "url = \"u\"\ntimeout_ms = 50\ninitial_backoff_ms = 10\nmax_backoff_ms = 70\npark_after_refusals = 0",
        )
        .unwrap();
        let retry = section.retry;
        assert_eq!(retry.timeout, Duration::from_millis(50));
        assert_eq!(
            [0, 1, 2, 3].map(|n| retry.delay(n).as_millis()),
            [10, 20, 40, 70]
        );
        assert!(!retry.parks_after(1_000), "0 never parks");
    }

    #[test]
    fn an_unknown_key_beside_them_is_refused() {
        let err = read("url = \"u\"\ninitial_backof_ms = 10").unwrap_err();
        assert!(err.to_string().contains("initial_backof_ms"), "{err}");
    }

    #[test]
    fn the_wait_never_overflows() {
        let retry = RetryPolicy::<{ u64::MAX }, { u64::MAX }>::default();
        assert_eq!(retry.delay(40), Duration::from_millis(u64::MAX));
    }
}
