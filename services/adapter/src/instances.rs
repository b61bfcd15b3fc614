//! Several instances of one country's adapter behind one address (`[http] reuse_port` on one
//! machine, a Kubernetes Service, any load balancer), on one database schema and one consumer
//! group: each takes national systems' calls and its share of the from-hub partitions, and
//! stores deliveries in one order (`transit_store::adapter_instances`). Pushing deliveries and
//! reporting the link are done by one of them at a time, the **leader**: the instance holding
//! the schema's leader lock. The others stand by and take over within [`LOOK_EVERY`] of the
//! leader's end (its process or its database connection gone).

use std::time::Duration;

use tokio::sync::watch;
use transit_store::adapter::AdapterStore;
use transit_store::adapter_instances::Leadership;

/// How often a standing-by instance asks for the lock, and the leader checks it holds it.
pub const LOOK_EVERY: Duration = Duration::from_secs(2);

/// This instance's name among its country's (in the link activity it writes).
pub fn instance_name() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

/// Takes the lock now if it is free: the first instance leads from its start.
pub async fn first_look(store: &AdapterStore) -> Option<Leadership> {
    match store.try_lead().await {
        Ok(held) => held,
        Err(err) => {
            tracing::warn!(error = %err, "cannot ask for the leader lock; asking again shortly");
            None
        }
    }
}

/// Keeps `leading` saying whether this instance leads, until `stop` turns true.
pub async fn lead(
    store: AdapterStore,
    mut held: Option<Leadership>,
    leading: watch::Sender<bool>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    while !*stop.borrow() {
        held = match held {
            Some(mut lock) => {
                if lock.holds().await {
                    Some(lock)
                } else {
                    tracing::warn!("lost the leader lock (database connection gone): another instance pushes and reports from now");
                    None
                }
            }
            None => first_look(&store).await,
        };
        if leading.send_replace(held.is_some()) != held.is_some() && held.is_some() {
            tracing::info!("this instance now leads: it pushes deliveries and reports the link");
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK_EVERY) => {}
            _ = stop.changed() => {}
        }
    }
    Ok(())
}

/// Waits until `leading` is true; `false` if `stop` turned true first.
pub async fn until_leading(
    leading: &mut watch::Receiver<bool>,
    stop: &mut watch::Receiver<bool>,
) -> bool {
    while !*leading.borrow_and_update() {
        tokio::select! {
            changed = leading.changed() => if changed.is_err() { return false },
            _ = stop.changed() => return false,
        }
        if *stop.borrow() {
            return false;
        }
    }
    !*stop.borrow()
}
