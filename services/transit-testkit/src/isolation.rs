//! One test's own corner of the local stack's broker and database.

/// One in-process test's names: a fresh id (`<tag>` and ten hex digits, a valid topic prefix
/// and PostgreSQL identifier) from which its schemas, topic prefix and consumer groups derive,
/// so that tests running at the same time never see each other's data.
#[derive(Clone, Debug)]
pub struct Isolated {
    id: String,
}

impl Isolated {
    /// A fresh id starting with `tag` (two lowercase letters say which test made it, for
    /// whoever looks at the broker's topics or the database's schemas afterwards).
    pub fn new(tag: &str) -> Self {
        let hex = uuid::Uuid::new_v4().simple().to_string();
        Self {
            id: format!("{tag}{}", &hex[..10]),
        }
    }

    /// The id itself; also the topic prefix.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The PostgreSQL schema `<id>_<role>` (one per component: `tracker`, `ci`, …).
    pub fn schema(&self, role: &str) -> String {
        format!("{}_{role}", self.id)
    }

    /// The consumer group `<id>-<role>`.
    pub fn group(&self, role: &str) -> String {
        format!("{}-{role}", self.id)
    }

    /// The broker's bootstrap address (`SIGMAT_TEST_BROKERS`, default the local stack's).
    pub fn brokers() -> String {
        env_or("SIGMAT_TEST_BROKERS", "127.0.0.1:19092")
    }

    /// The services' database (`SIGMAT_TEST_DATABASE_URL`, default the local stack's).
    pub fn database_url() -> String {
        env_or(
            "SIGMAT_TEST_DATABASE_URL",
            "postgres://sigmat@127.0.0.1:15532/sigmat",
        )
    }

    /// The audit log's insert-only role (`SIGMAT_TEST_AUDIT_DATABASE_URL`).
    pub fn audit_database_url() -> String {
        env_or(
            "SIGMAT_TEST_AUDIT_DATABASE_URL",
            "postgres://sigmat_audit@127.0.0.1:15532/sigmat",
        )
    }

    /// A `[kafka]` section for this test: its own topic prefix, one partition.
    pub fn kafka(&self) -> serde_json::Value {
        serde_json::json!({
            "brokers": Self::brokers(),
            "topic_prefix": self.id,
            "partitions": 1
        })
    }

    /// A `[database]` section for this test's schema `<id>_<role>`.
    pub fn database(&self, role: &str) -> serde_json::Value {
        serde_json::json!({
            "url": Self::database_url(),
            "schema": self.schema(role),
            "max_connections": 4
        })
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}
