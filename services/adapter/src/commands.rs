//! The adapter's commands for the country's operators (`adapter deliveries parked|retry`).

use anyhow::Context;
use transit_store::adapter::AdapterStore;
use uuid::Uuid;

use crate::Settings;

async fn store(settings: &Settings) -> anyhow::Result<AdapterStore> {
    let pool = transit_store::connect(&settings.database, transit_store::Component::Adapter)
        .await
        .context("connecting to PostgreSQL (is it running? deploy/local/status)")?;
    Ok(AdapterStore::new(pool))
}

/// Prints the deliveries the national system kept refusing, with its last answer; returns how
/// many.
pub async fn parked(settings: &Settings, limit: i64) -> anyhow::Result<usize> {
    let parked = store(settings).await?.parked(limit).await?;
    if parked.is_empty() {
        println!("no delivery is parked");
        return Ok(0);
    }
    println!(
        "{:<36}  {:<6}  {:<18}  {:<19}  last answer",
        "message id", "type", "MRN", "parked"
    );
    for row in &parked {
        println!(
            "{:<36}  {:<6}  {:<18}  {:<19}  {}",
            row.message_id,
            row.message_type,
            row.mrn,
            row.parked_at
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default(),
            row.parked_reason.as_deref().unwrap_or("-")
        );
    }
    println!(
        "\nafter the national system is fixed, put them back in line with: \
         adapter deliveries retry MESSAGE_ID… (or --all)"
    );
    Ok(parked.len())
}

/// Puts parked deliveries back in line; prints and returns how many.
pub async fn retry(settings: &Settings, ids: Option<&[Uuid]>) -> anyhow::Result<u64> {
    let count = store(settings).await?.unpark(ids).await?;
    println!("{count} delivery(ies) back in line; the running adapter pushes them again");
    Ok(count)
}
