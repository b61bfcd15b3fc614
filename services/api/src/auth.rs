//! Passwords (argon2id), bearer tokens (random, stored as SHA-256), and who may do what.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use transit_http::api_views::Principal;
use transit_http::ApiError;
use transit_model::{CountryCode, Role};
use transit_store::api::UserRow;

/// Hashes a password with argon2id and a random salt (a PHC string).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt_bytes = uuid::Uuid::new_v4();
    let salt = SaltString::encode_b64(salt_bytes.as_bytes())
        .map_err(|e| anyhow::anyhow!("making a salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

/// Whether `password` matches `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new bearer token: 256 random bits, hex.
pub fn new_token() -> String {
    let a = uuid::Uuid::new_v4();
    let b = uuid::Uuid::new_v4();
    let c = uuid::Uuid::new_v4();
    format!(
        "{}{}{}",
        a.simple(),
        b.simple(),
        &c.simple().to_string()[..8]
    )
}

/// What is stored for a token: its SHA-256.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The principal of a user row.
pub fn principal(user: &UserRow) -> Principal {
    Principal {
        user_id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        office: user.office.clone(),
        country: user.country.clone(),
        party: user.party.clone(),
        language: user.language.clone(),
    }
}

/// Operators (and adapter identities, for their country) read figures; officers do not.
pub fn require_operator(who: &Principal) -> Result<(), ApiError> {
    if who.role == Role::Operator {
        Ok(())
    } else {
        Err(ApiError::denied(
            format!(
                "{} is an {}; corridor figures are for operators",
                who.username, who.role
            ),
            "ask for an operator account",
        ))
    }
}

/// Whether `who` may see `movement`: a trader the movements it declared, a guarantor those
/// leaving its country, the others by [`may_read`].
pub fn may_see(who: &Principal, movement: &transit_lifecycle::Movement) -> bool {
    let route: Vec<String> = movement
        .route
        .iter()
        .map(|p| p.office.to_string())
        .collect();
    match who.role {
        Role::Trader => {
            let declarant = movement.declaration.declarant.as_ref();
            declarant.is_some_and(|d| who.party.as_deref() == Some(d.id.as_str()))
        }
        Role::Guarantor => who
            .country
            .as_deref()
            .is_some_and(|cc| movement.departure_office.as_str().starts_with(cc)),
        Role::Officer | Role::Operator | Role::Adapter => may_read(
            who,
            movement.departure_office.as_str(),
            movement.destination_office.as_str(),
            &route,
        ),
    }
}

/// Whose offices' lane `who` reads (`None`: the hub's view, every rule), and whether they
/// read risk at all: traders and guarantors never learn a movement's lane, which would tell a
/// fraudster which trucks are controlled.
pub fn risk_view_of(who: &Principal) -> Option<Option<transit_model::CountryCode>> {
    let country = |code: &str| transit_model::CountryCode::parse(code).ok();
    match who.role {
        Role::Trader | Role::Guarantor => None,
        Role::Officer => Some(
            who.office
                .as_deref()
                .and_then(|o| o.get(..2))
                .and_then(country),
        ),
        Role::Operator | Role::Adapter => Some(who.country.as_deref().and_then(country)),
    }
}

/// Whether `who` may read a movement between `departure` and `destination` (offices).
pub fn may_read(who: &Principal, departure: &str, destination: &str, route: &[String]) -> bool {
    match who.role {
        Role::Operator => who
            .country
            .as_deref()
            .is_none_or(|cc| departure.starts_with(cc) || destination.starts_with(cc)),
        Role::Adapter => who.country.as_deref().is_some_and(|cc| {
            departure.starts_with(cc)
                || destination.starts_with(cc)
                || route.iter().any(|o| o.starts_with(cc))
        }),
        // An officer reads the movements that involve their office: its departure, its
        // destination, or an office on its route (as declared or added by a diversion).
        Role::Officer => who.office.as_deref().is_some_and(|office| {
            departure == office || destination == office || route.iter().any(|o| o == office)
        }),
        Role::Trader | Role::Guarantor => false,
    }
}

/// The office `who` acts for: an officer's own office (an `X-Sigmat-Office` naming another is
/// refused); an adapter identity names an office of its own country.
pub fn acting_office(who: &Principal, requested: Option<&str>) -> Result<String, ApiError> {
    match who.role {
        Role::Officer => {
            let own = who.office.clone().unwrap_or_default();
            match requested {
                Some(other) if other != own => Err(ApiError::denied(
                    format!(
                        "{} belongs to office {own} and may act only there, not at {other}",
                        who.username
                    ),
                    "an officer confirms passages and arrivals at their own office",
                )),
                _ => Ok(own),
            }
        }
        Role::Adapter => {
            let cc = who.country.clone().unwrap_or_default();
            match requested {
                Some(office) if office.starts_with(&cc) => Ok(office.to_owned()),
                Some(office) => Err(ApiError::denied(
                    format!("the adapter identity of {cc} may act only for {cc} offices, not {office}"),
                    "send actions of another country through that country's adapter",
                )),
                None => Err(ApiError::invalid(
                    "/X-Sigmat-Office",
                    "an adapter identity names the office it acts for in the X-Sigmat-Office header",
                )),
            }
        }
        Role::Operator | Role::Trader | Role::Guarantor => Err(ApiError::denied(
            format!(
                "{} is an {}; only officers and adapter identities act on movements",
                who.username, who.role
            ),
            "log in with an officer account",
        )),
    }
}

/// An operator's country (`None`: a hub operator).
pub(crate) fn operator_scope(who: &Principal) -> Result<Option<CountryCode>, ApiError> {
    require_operator(who)?;
    who.country
        .as_deref()
        .map(CountryCode::parse)
        .transpose()
        .map_err(|e| {
            ApiError::unavailable(format!("{}'s country does not parse: {e}", who.username))
        })
}
