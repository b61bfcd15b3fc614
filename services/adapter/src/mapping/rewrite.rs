//! The deliveries still in line, written again with each new national mapping: a copy that
//! named an office the old table had no code for (so the national system refused it, and it was
//! parked) is written with the new table's code and put back in line; the ones behind it were
//! never held up (parking sets a refused delivery aside).

use std::time::Duration;

use tokio::sync::watch;
use transit_national::Translator;
use transit_store::adapter::AdapterStore;

use super::MappingInForce;

/// Deliveries read at a time.
const PAGE: i64 = 500;

/// The national form `translator` writes of `message` now, when it differs from `written`
/// (none: the same, or the message is not one it writes — a guarantee check result, a type
/// without a national form).
pub fn written_again(
    translator: &dyn Translator,
    message: &serde_json::Value,
    written: Option<&[u8]>,
) -> Option<Vec<u8>> {
    let bytes = serde_json::to_vec(message).ok()?;
    let decoded = transit_codec::json::decode(&bytes).ok()?;
    let national = translator.to_national(&decoded).ok()?;
    (written != Some(national.as_slice())).then_some(national)
}

/// Each time a new mapping is in force, writes every delivery still in line again with it.
/// A database error is logged and the pass started again a second later.
pub async fn rewrite_in_line(
    store: AdapterStore,
    mut in_force: MappingInForce,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    loop {
        tokio::select! {
            changed = in_force.changed() => if !changed { return Ok(()) },
            _ = stop.changed() => return Ok(()),
        }
        let Some(translator) = in_force.translator() else {
            continue;
        };
        loop {
            match pass(&store, translator.as_ref()).await {
                Ok((rewritten, unparked)) => {
                    tracing::info!(
                        rewritten,
                        unparked,
                        "{rewritten} deliveries in line written again with the national mapping in force ({unparked} of them had been parked and are back in line)"
                    );
                    break;
                }
                Err(err) => {
                    tracing::warn!(error = %err, "cannot write the deliveries in line again; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = stop.changed() => return Ok(()),
                    }
                }
            }
        }
    }
}

/// One pass over the line: (written again, of which parked).
async fn pass(
    store: &AdapterStore,
    translator: &dyn Translator,
) -> Result<(u64, u64), transit_store::StoreError> {
    let (mut after, mut rewritten, mut unparked) = (0, 0, 0);
    loop {
        let rows = store.in_line(after, PAGE).await?;
        let Some(last) = rows.last() else {
            return Ok((rewritten, unparked));
        };
        after = last.seq;
        for row in &rows {
            if let Some(national) = written_again(translator, &row.message, row.national.as_deref())
            {
                store.rewrite_national(row.message_id, &national).await?;
                rewritten += 1;
                unparked += u64::from(row.parked);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use transit_model::reference::ReferenceDocument;
    use transit_model::{CountryCode, OfficeRef};
    use transit_national::{Family, Mapping};
    use transit_scenario::{Corridor, Movement};

    use super::*;

    #[test]
    fn a_copy_is_written_again_only_when_the_new_table_changes_it() {
        let ml = CountryCode::parse("ML").unwrap();
        let old =
            national_families::translator_with(Family::Asycuda, Mapping::builtin(ml).unwrap())
                .unwrap();
        let mut table = ReferenceDocument::builtin().mapping(ml).unwrap().clone();
        table["offices"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"national": "KOUR", "reference": "MLKRM001"}));
        let new = national_families::translator_with(
            Family::Asycuda,
            Mapping::from_value(&table).unwrap(),
        )
        .unwrap();
        let office = |c: &str| OfficeRef::parse(c).unwrap();
        let corridor = Corridor {
            departure: office("GNCKY001"),
            transit: vec![office("MLKRM001")],
            destination: office("MLBKO001"),
        };
        let movement = Movement::new(corridor, Utc::now());
        // The declaration names the new post as an office of transit.
        let record = movement.release();
        let message = serde_json::to_value(&record).unwrap();
        let written = old.to_national(&record).unwrap();
        assert!(String::from_utf8_lossy(&written).contains("MLKRM001"));
        let again = written_again(new.as_ref(), &message, Some(&written)).expect("changed");
        assert!(String::from_utf8_lossy(&again).contains(">KOUR<"));
        assert_eq!(written_again(new.as_ref(), &message, Some(&again)), None);
        assert_eq!(
            written_again(new.as_ref(), &serde_json::json!({"not": "a message"}), None),
            None
        );
    }
}
