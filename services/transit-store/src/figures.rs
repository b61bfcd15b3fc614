//! The database side of the metrics: how busy each connection pool is.

use sqlx::PgPool;

/// Records `pool`'s connections in use, idle, and its limit, labelled `pool` (`main`,
/// `audit`). Cheap: read from the pool, no query.
pub(crate) fn record_pool(name: &'static str, pool: &PgPool) {
    let size = pool.size();
    let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX).min(size);
    metrics::gauge!("sigmat_db_pool_connections", "pool" => name, "state" => "in_use")
        .set(f64::from(size - idle));
    metrics::gauge!("sigmat_db_pool_connections", "pool" => name, "state" => "idle")
        .set(f64::from(idle));
    metrics::gauge!("sigmat_db_pool_max_connections", "pool" => name)
        .set(f64::from(pool.options().get_max_connections()));
}
