//! What the tracker and the API read alike of trains (migration 0023): the declarations on
//! the road that name a train, and the wagons set aside on it.

use transit_lifecycle::MovementState;

/// The states of a movement on the road ([`MovementState::is_en_route`]), as stored.
pub(crate) fn en_route() -> Vec<&'static str> {
    MovementState::ALL
        .into_iter()
        .filter(|s| s.is_en_route())
        .map(MovementState::as_str)
        .collect()
}

/// The movements on the road whose border transport means is `$1` (the caller keeps those by
/// rail); `$2` is [`en_route`].
pub(crate) const TRAIN_MOVEMENTS: &str = "SELECT document FROM movement_documents
     WHERE vehicle = $1 AND state = ANY($2) ORDER BY created_at, mrn";

/// The (MRN, wagon) pairs set aside on train `$1`.
pub(crate) const SET_ASIDE: &str = "SELECT mrn, wagon FROM rail_set_aside WHERE train = $1";
