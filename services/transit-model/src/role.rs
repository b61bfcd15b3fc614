//! Who uses the network through the hub's API: the role of an account.

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// The role of an API account; what it may read and do follows from it (and from the office,
/// country or party the account is bound to).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A customs officer: reads the movements of their office and acts there (passage,
    /// arrival, control results, incident).
    Officer,
    /// A corridor operator: reads the network's figures and movements (all countries, or one).
    Operator,
    /// A country adapter's identity: acts for its country's offices.
    Adapter,
    /// A trader: follows the movements it declared (by its identification number).
    Trader,
    /// A guarantor: follows the guarantees of movements leaving its country.
    Guarantor,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Self::Officer,
        Self::Operator,
        Self::Adapter,
        Self::Trader,
        Self::Guarantor,
    ];

    /// The name stored in the database, shown, and given to `api users add --role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Officer => "officer",
            Self::Operator => "operator",
            Self::Adapter => "adapter",
            Self::Trader => "trader",
            Self::Guarantor => "guarantor",
        }
    }

    /// The role named `name`.
    pub fn parse(name: &str) -> Result<Self, ModelError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == name)
            .ok_or_else(|| {
                ModelError::new(
                    "role",
                    name,
                    "expected officer, operator, adapter, trader or guarantor",
                )
            })
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Role {
    type Error = ModelError;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        Self::parse(&name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_are_what_serde_writes() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
            assert_eq!(
                serde_json::to_value(role).unwrap(),
                serde_json::json!(role.as_str())
            );
        }
        let refused = Role::parse("admin").unwrap_err();
        assert!(
            refused.to_string().contains("officer, operator"),
            "{refused}"
        );
    }
}
