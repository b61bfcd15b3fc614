//! Who may send: each provider by name (MQTT: the broker checked its password, and its ACL
//! lets it write only under `telematics/<name>/`), and over HTTPS by its token, of which the
//! gateway keeps only the SHA-256.

use sha2::{Digest, Sha256};
use transit_http::ApiError;

use crate::settings::ProviderSettings;

/// The configured providers.
#[derive(Clone, Debug, Default)]
pub struct Providers {
    known: Vec<(String, Option<[u8; 32]>)>,
}

/// Whether `name` is a provider name: 1 to 35 lower-case letters, digits and dashes, not
/// starting with a dash (it is an MQTT topic level and a user name).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 35
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Providers {
    /// Checks the configured providers: valid names, each once, hashes of 64 hex digits.
    pub fn new(settings: &[ProviderSettings]) -> anyhow::Result<Self> {
        let mut known: Vec<(String, Option<[u8; 32]>)> = Vec::new();
        for p in settings {
            anyhow::ensure!(
                valid_name(&p.name),
                "provider {:?}: a name is 1 to 35 lower-case letters, digits and dashes",
                p.name
            );
            anyhow::ensure!(
                !known.iter().any(|(n, _)| n == &p.name),
                "provider {} is configured twice",
                p.name
            );
            let hash = match &p.token_sha256 {
                Some(hex_hash) => {
                    let bytes = hex::decode(hex_hash.trim()).ok().filter(|b| b.len() == 32);
                    let bytes = bytes.ok_or_else(|| {
                        anyhow::anyhow!("provider {}: token_sha256 must be 64 hexadecimal digits (telematics providers new)", p.name)
                    })?;
                    Some(<[u8; 32]>::try_from(bytes.as_slice()).expect("32 bytes"))
                }
                None => None,
            };
            known.push((p.name.clone(), hash));
        }
        Ok(Self { known })
    }

    /// Whether `name` is a configured provider.
    pub fn knows(&self, name: &str) -> bool {
        self.known.iter().any(|(n, _)| n == name)
    }

    /// The provider whose token this is: 401 otherwise.
    pub fn by_token(&self, token: Option<&str>) -> Result<String, ApiError> {
        let token = token.ok_or_else(|| {
            ApiError::unauthorized("no token: send Authorization: Bearer <your provider token>")
        })?;
        let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        self.known
            .iter()
            .find(|(_, h)| h.as_ref() == Some(&hash))
            .map(|(name, _)| name.clone())
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "this token is not a provider's; ask the hub's operators for yours",
                )
            })
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    /// Whether none is configured.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }
}

/// A new token and its SHA-256 (hex): 256 random bits from the operating system.
pub fn new_token() -> (String, String) {
    let token = format!(
        "sigmat_tm_{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    (token, hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_is_known_by_its_token_and_nothing_else() {
        let (token, hash) = new_token();
        let providers = Providers::new(&[
            ProviderSettings {
                name: "sahel-track".into(),
                token_sha256: Some(hash),
            },
            ProviderSettings {
                name: "mqtt-only".into(),
                token_sha256: None,
            },
        ])
        .unwrap();
        assert_eq!(providers.by_token(Some(&token)).unwrap(), "sahel-track");
        assert_eq!(
            providers
                .by_token(Some("sigmat_tm_guess"))
                .unwrap_err()
                .status(),
            401
        );
        assert_eq!(providers.by_token(None).unwrap_err().status(), 401);
        assert!(providers.knows("mqtt-only") && !providers.knows("other"));
        assert!(
            !valid_name("Sahel") && !valid_name("a/b") && !valid_name("+") && !valid_name("-x")
        );
        let twice = ProviderSettings {
            name: "x".into(),
            token_sha256: None,
        };
        assert!(Providers::new(&[twice.clone(), twice]).is_err());
    }
}
