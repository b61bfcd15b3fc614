//! Who may call the adapter: each national system (or tool) has a name, a bearer token — of
//! which the adapter keeps only the SHA-256 — and its rights (`submit`, `read`, `ack`).
//!
//! Tokens are long random strings made by `adapter tokens new`, so a SHA-256 is enough to keep
//! them (a slow password hash protects guessable passwords, not 256-bit secrets) and lets the
//! adapter check every call in microseconds.

use std::collections::{BTreeSet, HashMap};

use sha2::{Digest, Sha256};
use transit_http::{AdapterRight, ApiError};

/// One caller, as configured (`[[auth.clients]]`).
#[derive(Clone, Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientSettings {
    /// A name for logs and refusals, e.g. `asycuda-bf`.
    pub name: String,
    /// The SHA-256 of its token, 64 hexadecimal digits (`adapter tokens new` prints it).
    pub token_sha256: String,
    /// What it may do: any of `submit`, `read`, `ack`.
    pub rights: BTreeSet<AdapterRight>,
}

/// The `[auth]` section.
#[derive(Clone, Debug, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// The callers. None configured: every call is refused.
    #[serde(default)]
    pub clients: Vec<ClientSettings>,
}

/// The callers, by the SHA-256 of their token.
#[derive(Clone, Debug)]
pub struct Clients {
    by_hash: HashMap<[u8; 32], (String, BTreeSet<AdapterRight>)>,
}

/// A configuration mistake in `[auth]`, named.
#[derive(Debug, thiserror::Error)]
pub enum AuthConfigError {
    /// A hash that is not 64 hexadecimal digits.
    #[error("[auth] client {name:?}: token_sha256 must be 64 hexadecimal digits (adapter tokens new prints it)")]
    BadHash {
        /// The client.
        name: String,
    },
    /// Two clients with one token.
    #[error(
        "[auth] clients {first:?} and {second:?} have the same token; give each system its own"
    )]
    SharedToken {
        /// The first client.
        first: String,
        /// The second.
        second: String,
    },
}

impl Clients {
    /// The callers of `settings`, checked.
    pub fn new(settings: &AuthSettings) -> Result<Self, AuthConfigError> {
        let mut by_hash = HashMap::new();
        for client in &settings.clients {
            let hash: [u8; 32] = hex::decode(client.token_sha256.trim())
                .ok()
                .and_then(|bytes| bytes.try_into().ok())
                .ok_or_else(|| AuthConfigError::BadHash {
                    name: client.name.clone(),
                })?;
            if let Some((first, _)) =
                by_hash.insert(hash, (client.name.clone(), client.rights.clone()))
            {
                return Err(AuthConfigError::SharedToken {
                    first,
                    second: client.name.clone(),
                });
            }
        }
        Ok(Self { by_hash })
    }

    /// How many callers are configured.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// The caller's name if `token` is known and carries `right`; otherwise the refusal:
    /// 401 without a known token, 403 without the right.
    pub fn authorize(&self, token: Option<&str>, right: AdapterRight) -> Result<String, ApiError> {
        let Some(token) = token else {
            return Err(ApiError::unauthorized(
                "no credentials: every call to an adapter needs the national system's token",
            )
            .with_hint("send Authorization: Bearer <token>; the hub operator issues tokens with 'adapter tokens new'"));
        };
        let Some((name, rights)) = self.by_hash.get(&sha256(token)) else {
            return Err(ApiError::unauthorized(
                "the token is not one this adapter knows (mistyped, revoked, or for another country's adapter)",
            )
            .with_hint("check the token with the hub operator; a new one comes from 'adapter tokens new'"));
        };
        if rights.contains(&right) {
            Ok(name.clone())
        } else {
            Err(ApiError::denied(
                format!(
                    "{name} may not {} here; its rights are: {}",
                    right.as_str(),
                    rights
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                format!(
                    "ask the hub operator to add '{}' to {name}'s rights in the adapter's [auth] configuration",
                    right.as_str()
                ),
            ))
        }
    }
}

/// The SHA-256 of a token.
pub fn sha256(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A new token: 256 random bits from the operating system, as 64 hexadecimal digits after a
/// `sigmat_` prefix (so a leaked one is easy to recognise in a scan).
pub fn new_token() -> String {
    // Two v4 UUIDs: 244 random bits from the operating system's generator.
    let a = uuid::Uuid::new_v4().simple().to_string();
    let b = uuid::Uuid::new_v4().simple().to_string();
    format!("sigmat_{a}{b}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clients() -> Clients {
        Clients::new(&AuthSettings {
            clients: vec![
                ClientSettings {
                    name: "asycuda-bf".into(),
                    token_sha256: hex::encode(sha256("full")),
                    rights: [AdapterRight::Submit, AdapterRight::Read, AdapterRight::Ack].into(),
                },
                ClientSettings {
                    name: "reader".into(),
                    token_sha256: hex::encode(sha256("read-only")),
                    rights: [AdapterRight::Read].into(),
                },
            ],
        })
        .unwrap()
    }

    #[test]
    fn a_known_token_with_the_right_is_let_through_by_name() {
        assert_eq!(
            clients()
                .authorize(Some("full"), AdapterRight::Submit)
                .unwrap(),
            "asycuda-bf"
        );
        assert_eq!(
            clients()
                .authorize(Some("read-only"), AdapterRight::Read)
                .unwrap(),
            "reader"
        );
    }

    #[test]
    fn no_token_or_an_unknown_one_is_401() {
        for token in [None, Some("guess"), Some("")] {
            let refusal = clients().authorize(token, AdapterRight::Read).unwrap_err();
            assert_eq!(refusal.status(), 401, "{token:?}");
        }
    }

    #[test]
    fn a_known_token_without_the_right_is_403_naming_the_right() {
        let refusal = clients()
            .authorize(Some("read-only"), AdapterRight::Submit)
            .unwrap_err();
        assert_eq!(refusal.status(), 403);
        assert!(
            refusal.reason.contains("reader may not submit"),
            "{refusal}"
        );
    }

    #[test]
    fn bad_hashes_and_shared_tokens_are_configuration_errors() {
        let client = |name: &str, hash: String| ClientSettings {
            name: name.into(),
            token_sha256: hash,
            rights: [AdapterRight::Read].into(),
        };
        let bad = AuthSettings {
            clients: vec![client("x", "abc".into())],
        };
        assert!(matches!(
            Clients::new(&bad),
            Err(AuthConfigError::BadHash { .. })
        ));
        let hash = hex::encode(sha256("same"));
        let shared = AuthSettings {
            clients: vec![client("a", hash.clone()), client("b", hash)],
        };
        assert!(matches!(
            Clients::new(&shared),
            Err(AuthConfigError::SharedToken { .. })
        ));
    }

    #[test]
    fn new_tokens_are_long_and_different() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), "sigmat_".len() + 64);
    }
}
