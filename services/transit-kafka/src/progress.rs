//! Is a consumer getting anywhere? A consumer can hold its partitions and look healthy while
//! its work has stopped (a batch retried forever, a task wedged): its committed position stays
//! put while records wait behind it. [`ProgressWatch`] tells that apart from a quiet topic from
//! successive observations (pure: the time is passed in); `watch` runs it on a consumer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One assigned partition: the group's committed position and the partition's extent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionProgress {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// The offset the group will read next, if it has committed one.
    pub committed: Option<i64>,
    /// The first offset still on the broker.
    pub start: i64,
    /// The offset the next record written will get.
    pub end: i64,
}

impl PartitionProgress {
    /// Records waiting to be processed.
    pub fn waiting(&self) -> i64 {
        (self.end - self.committed.unwrap_or(self.start).max(self.start)).max(0)
    }
}

/// A partition whose records wait while the committed position does not move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stall {
    /// The topic.
    pub topic: String,
    /// The partition.
    pub partition: i32,
    /// Records waiting.
    pub waiting: i64,
    /// How long the position has not moved while records waited.
    pub lasted: Duration,
}

impl std::fmt::Display for Stall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no progress on {}/{} for {} s while {} records wait",
            self.topic,
            self.partition,
            self.lasted.as_secs(),
            self.waiting
        )
    }
}

/// A consumer stopped for good: its work has not moved for twice the limit. Permanent for
/// this process; a fresh one (started by the supervisor) may do better.
#[derive(Debug, thiserror::Error)]
#[error("the consumer is stuck ({0}); exiting so that the service is started afresh")]
pub struct ConsumerStuck(pub Stall);

/// Follows the observations of one consumer.
#[derive(Debug, Default)]
pub struct ProgressWatch {
    /// (topic, partition) → the committed position last seen, and since when it has not moved
    /// while records waited.
    unmoved: HashMap<(String, i32), (Option<i64>, Instant)>,
}

impl ProgressWatch {
    /// Takes in one observation made at `now`; the longest stall among the partitions, if any
    /// has records waiting and a position that has not moved since an earlier observation.
    pub fn observe(&mut self, observed: &[PartitionProgress], now: Instant) -> Option<Stall> {
        let mut unmoved = HashMap::new();
        let mut longest: Option<Stall> = None;
        for p in observed {
            let key = (p.topic.clone(), p.partition);
            let since = match self.unmoved.get(&key) {
                Some((committed, since)) if *committed == p.committed && p.waiting() > 0 => *since,
                _ => now,
            };
            unmoved.insert(key, (p.committed, since));
            let lasted = now.saturating_duration_since(since);
            if p.waiting() > 0
                && lasted > Duration::ZERO
                && longest.as_ref().is_none_or(|l| lasted > l.lasted)
            {
                longest = Some(Stall {
                    topic: p.topic.clone(),
                    partition: p.partition,
                    waiting: p.waiting(),
                    lasted,
                });
            }
        }
        self.unmoved = unmoved;
        longest
    }
}

/// The current stall of a watched consumer, shared with its readiness check.
#[derive(Clone, Debug, Default)]
pub(crate) struct StallReport(Arc<Mutex<Option<Stall>>>);

impl StallReport {
    /// The stall that has lasted longer than the limit, if any.
    pub(crate) fn current(&self) -> Option<Stall> {
        self.0.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub(crate) fn set(&self, stall: Option<Stall>) {
        if let Ok(mut current) = self.0.lock() {
            *current = stall;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(committed: Option<i64>, end: i64) -> Vec<PartitionProgress> {
        vec![PartitionProgress {
            topic: "t".into(),
            partition: 0,
            committed,
            start: 0,
            end,
        }]
    }

    #[test]
    fn a_quiet_partition_is_not_a_stall() {
        let mut watch = ProgressWatch::default();
        let t0 = Instant::now();
        for s in 0..10 {
            let now = t0 + Duration::from_secs(s);
            assert_eq!(watch.observe(&at(Some(5), 5), now), None);
        }
    }

    #[test]
    fn records_waiting_behind_an_unmoved_position_are_a_stall_that_grows() {
        let mut watch = ProgressWatch::default();
        let t0 = Instant::now();
        assert_eq!(watch.observe(&at(Some(5), 9), t0), None);
        let stall = watch
            .observe(&at(Some(5), 12), t0 + Duration::from_secs(30))
            .unwrap();
        assert_eq!((stall.waiting, stall.lasted.as_secs()), (7, 30));
        assert!(stall
            .to_string()
            .contains("t/0 for 30 s while 7 records wait"));
    }

    #[test]
    fn a_moving_position_is_progress_even_with_records_waiting() {
        let mut watch = ProgressWatch::default();
        let t0 = Instant::now();
        for s in 0..10 {
            let now = t0 + Duration::from_secs(s * 10);
            let observed = at(Some(s as i64 * 100), s as i64 * 100 + 500);
            assert_eq!(watch.observe(&observed, now), None);
        }
    }

    #[test]
    fn a_group_that_never_committed_waits_from_the_partition_start() {
        let mut watch = ProgressWatch::default();
        let t0 = Instant::now();
        let observed = vec![PartitionProgress {
            topic: "t".into(),
            partition: 1,
            committed: None,
            start: 40,
            end: 50,
        }];
        assert_eq!(observed[0].waiting(), 10);
        watch.observe(&observed, t0);
        assert!(watch
            .observe(&observed, t0 + Duration::from_secs(1))
            .is_some());
    }

    #[test]
    fn a_partition_taken_away_is_forgotten() {
        let mut watch = ProgressWatch::default();
        let t0 = Instant::now();
        watch.observe(&at(Some(5), 9), t0);
        watch.observe(&[], t0 + Duration::from_secs(10));
        // Given back later: its stall counts from then, not from before.
        watch.observe(&at(Some(5), 9), t0 + Duration::from_secs(20));
        let stall = watch
            .observe(&at(Some(5), 9), t0 + Duration::from_secs(21))
            .unwrap();
        assert_eq!(stall.lasted.as_secs(), 1);
    }
}
