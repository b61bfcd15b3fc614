//! Layered, typed configuration: file, then environment.

use std::path::Path;

use serde::de::DeserializeOwned;

/// Why configuration could not be loaded. Always permanent: fix the file or the variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}. Pass an existing file with --config")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file or the overrides do not fit the settings.
    #[error("invalid configuration: {0}. See the example files in deploy/local/config/")]
    Invalid(String),
}

/// Loads settings from `file` (if given) and the environment. Variables named
/// `{prefix}__SECTION__KEY` override `section.key`; values that parse as integers or booleans
/// are taken as such.
pub fn load<T: DeserializeOwned>(file: Option<&Path>, prefix: &str) -> Result<T, ConfigError> {
    let text = match file {
        Some(path) => std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?,
        None => String::new(),
    };
    from_layers(&text, prefix, std::env::vars())
}

/// The pure core of [`load`]: TOML text plus `(name, value)` overrides.
pub fn from_layers<T: DeserializeOwned>(
    toml_text: &str,
    prefix: &str,
    vars: impl Iterator<Item = (String, String)>,
) -> Result<T, ConfigError> {
    let mut root: toml::Table = toml_text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::Invalid(e.to_string()))?;
    let marker = format!("{prefix}__");
    for (name, value) in vars {
        let Some(path) = name.strip_prefix(&marker) else {
            continue;
        };
        let keys: Vec<String> = path.split("__").map(str::to_ascii_lowercase).collect();
        set_path(&mut root, &keys, typed_value(&value))
            .map_err(|why| ConfigError::Invalid(format!("{name}: {why}")))?;
    }
    T::deserialize(toml::Value::Table(root)).map_err(|e| ConfigError::Invalid(e.to_string()))
}

fn typed_value(raw: &str) -> toml::Value {
    if let Ok(i) = raw.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Ok(b) = raw.parse::<bool>() {
        toml::Value::Boolean(b)
    } else if raw.starts_with('[') {
        // Lists, e.g. SIGMAT_TRACKER__COUNTRIES='["CI","BF"]'.
        toml::from_str::<toml::Table>(&format!("v = {raw}"))
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(raw.to_owned()))
    } else {
        toml::Value::String(raw.to_owned())
    }
}

fn set_path(table: &mut toml::Table, keys: &[String], value: toml::Value) -> Result<(), String> {
    match keys {
        [] => Err("empty key".into()),
        [last] => {
            table.insert(last.clone(), value);
            Ok(())
        }
        [first, rest @ ..] => {
            let entry = table
                .entry(first.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(inner) => set_path(inner, rest, value),
                _ => Err(format!("{first} is not a section")),
            }
        }
    }
}

/// A secret (a password, a connection string with a password): usable, never printed.
#[derive(Clone, serde::Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Kafka {
        brokers: String,
        partitions: i32,
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Settings {
        kafka: Kafka,
        countries: Vec<String>,
    }

    #[test]
    fn environment_overrides_the_file() {
        let file = "countries = [\"CI\"]\n[kafka]\nbrokers = \"a:1\"\npartitions = 1\n";
        let vars = vec![
            ("APP__KAFKA__BROKERS".to_owned(), "b:2".to_owned()),
            ("APP__KAFKA__PARTITIONS".to_owned(), "6".to_owned()),
            ("APP__COUNTRIES".to_owned(), "[\"CI\", \"BF\"]".to_owned()),
            ("OTHER__KAFKA__BROKERS".to_owned(), "ignored".to_owned()),
        ];
        let s: Settings = from_layers(file, "APP", vars.into_iter()).unwrap();
        assert_eq!(
            s.kafka,
            Kafka {
                brokers: "b:2".into(),
                partitions: 6
            }
        );
        assert_eq!(s.countries, vec!["CI", "BF"]);
    }

    #[test]
    fn unknown_keys_are_refused_with_their_name() {
        let err = from_layers::<Settings>(
            "countries = []\n[kafka]\nbrokers = \"a\"\npartitions = 1\nbrokres = \"typo\"\n",
            "APP",
            std::iter::empty(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("brokres"), "{err}");
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("postgres://u:hunter2@h/db");
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
