//! The room accepted records take while they wait for the broker's acknowledgement: a
//! submission's admission permit bounds the memory of bodies being read and translated, and
//! is let go once its record has room here, so the next submission can be read while this one
//! waits on the broker; every record in memory is counted by one or the other.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use transit_http::ApiError;
use transit_kafka::OutgoingRecord;

/// Kibibytes of records that may wait for the broker at once (`[limits]
/// publishing_memory_mib`).
#[derive(Debug, Clone)]
pub(crate) struct PublishingRoom {
    kib: Arc<Semaphore>,
    of: u32,
}

impl PublishingRoom {
    /// A room of `kib` KiB (at least one).
    pub(crate) fn new(kib: u32) -> Self {
        let of = kib.max(1);
        Self {
            kib: Arc::new(Semaphore::new(of as usize)),
            of,
        }
    }

    /// Waits until `records` fit, and holds their room until the returned permit is dropped.
    pub(crate) async fn take(
        &self,
        records: &[OutgoingRecord],
    ) -> Result<OwnedSemaphorePermit, ApiError> {
        let bytes = records.iter().map(|r| r.payload.len()).sum();
        self.kib
            .clone()
            .acquire_many_owned(weight(bytes, self.of))
            .await
            .map_err(|_| ApiError::unavailable("the adapter is stopping"))
    }
}

/// The room `bytes` of records take, in KiB of `of` at most: twice their size (ours and the
/// broker client's copy), at least one. A record larger than the whole room waits for all of
/// it, not for ever.
fn weight(bytes: usize, of: u32) -> u32 {
    let kib = u32::try_from(bytes.saturating_mul(2).div_ceil(1024)).unwrap_or(u32::MAX);
    kib.clamp(1, of.max(1))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn record(bytes: usize) -> OutgoingRecord {
        OutgoingRecord {
            topic: "sigmat.ci.to-hub".into(),
            key: "k".into(),
            headers: Vec::new(),
            payload: vec![b'x'; bytes],
        }
    }

    #[test]
    fn a_record_takes_twice_its_size_within_the_room() {
        assert_eq!(weight(0, 32_768), 1);
        assert_eq!(weight(3_000, 32_768), 6);
        assert_eq!(weight(4 << 20, 32_768), 8_192);
        assert_eq!(weight(64 << 20, 32_768), 32_768);
        assert_eq!(weight(10, 0), 1);
    }

    #[tokio::test]
    async fn a_record_waits_while_the_room_is_held_and_gets_it_when_it_is_freed() {
        let room = PublishingRoom::new(8);
        // 3 KiB takes 6 of the 8: a second one does not fit until the first leaves.
        let first = room.take(&[record(3 * 1024)]).await.unwrap();
        let same = [record(3 * 1024)];
        let waiting = tokio::time::timeout(Duration::from_millis(50), room.take(&same)).await;
        assert!(
            waiting.is_err(),
            "the second record got room the first holds"
        );
        // A small one still fits beside the first.
        let small = room.take(&[record(100)]).await.unwrap();
        drop(first);
        let second = tokio::time::timeout(Duration::from_secs(10), room.take(&[record(3 * 1024)]))
            .await
            .expect("room freed")
            .unwrap();
        drop((small, second));
        // Larger than the room: it waits for all of it, and gets it.
        let huge = room.take(&[record(1 << 20)]).await.unwrap();
        assert_eq!(huge.num_permits(), 8);
    }
}
