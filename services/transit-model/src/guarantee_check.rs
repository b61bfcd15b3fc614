//! Guarantee checks: before it releases a declaration, an office of departure asks the hub about
//! the guarantees it names (NCTS's CD200C, *guarantee check*), or registers their use as it
//! releases it (CD203C, *guarantee use*); the hub answers from its records (CD201C, CD205C).
//! Both travel as event records: the question on the asking country's `to-hub` topic
//! (`sigmat-event-type: guarantee-check`, keyed by the MRN), the answer on its `from-hub` topic
//! (`guarantee-check-result`). Published forms:
//! `schemas/events/v1/guarantee-check.schema.json` and `guarantee-check-result.schema.json`.
//!
//! The hub's part of the check is what only the hub can see across the network: whether an
//! individual guarantee already covers another movement still open (ECOWAS ISRT: one guarantee
//! per operation), and in which of the countries involved the regional guarantee is not
//! honoured. Whether the guarantee exists, its access code and its amount stay with the
//! guarantor that issued it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{CountryCode, Decimal, MessageId, Mrn, OfficeRef};

/// The value of the `sigmat-event-type` header on a guarantee check.
pub const GUARANTEE_CHECK_EVENT: &str = "guarantee-check";

/// The value of the `sigmat-event-type` header on the hub's answer to one.
pub const GUARANTEE_CHECK_RESULT_EVENT: &str = "guarantee-check-result";

/// The most guarantee references one check may name (NCTS: 9 guarantees of 99 references; the
/// hub takes 99 in all, far more than a declaration carries).
pub const MAX_GUARANTEES: usize = 99;

/// The most countries one check may name (NCTS's `CountryInvolved`, 99).
pub const MAX_COUNTRIES: usize = 99;

/// What the office of departure asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GuaranteeCheckKind {
    /// Is the guarantee good for this movement (CD200C → CD201C)? Nothing is registered.
    Check,
    /// The guarantee is used for this movement (CD203C → CD205C): if the hub finds nothing
    /// against it, the use is registered, and a later check of the same individual guarantee
    /// for another movement finds it in use (until the movement is closed, or for a day if it
    /// never reaches the hub).
    Use,
}

impl GuaranteeCheckKind {
    /// Its name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Check => "check",
            Self::Use => "use",
        }
    }
}

/// One guarantee reference the office asks about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GuaranteeAsked {
    /// The guarantee reference number (NCTS's GRN; any reference of 1 to 35 capital letters
    /// and digits).
    pub grn: String,
    /// The guarantee type (NCTS code list CL251: `1` comprehensive, `2`, `3`, `4` individual…).
    pub guarantee_type: String,
    /// The amount the movement engages.
    pub amount: Decimal,
    /// Its currency (ISO 4217).
    pub currency: String,
}

/// A question about a movement's guarantees.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GuaranteeCheck {
    /// Unique per question (derived from the national reference); the answer's id derives
    /// from it.
    pub check_id: MessageId,
    /// A check, or a use to register.
    pub kind: GuaranteeCheckKind,
    /// The movement.
    pub mrn: Mrn,
    /// The office asking: the office of departure, in the topic's country.
    pub office_of_departure: OfficeRef,
    /// The holder of the transit procedure (the principal), by identification number.
    pub holder: String,
    /// Every country whose duties the guarantee must cover.
    pub countries: Vec<CountryCode>,
    /// The guarantees named (at least one).
    pub guarantees: Vec<GuaranteeAsked>,
    /// When the office asked.
    pub asked_at: DateTime<Utc>,
}

/// Why the hub finds a guarantee not valid for the movement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GuaranteeRefusal {
    /// An individual guarantee that already covers another movement still open.
    InUse,
}

impl GuaranteeRefusal {
    /// Every reason.
    pub const ALL: [Self; 1] = [Self::InUse];

    /// Its name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InUse => "in-use",
        }
    }
}

/// One reason a guarantee is not valid, with what the hub saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GuaranteeReason {
    /// Which reason.
    pub reason: GuaranteeRefusal,
    /// What the hub saw, for the officer (the other movement's MRN).
    pub text: String,
}

/// The hub's answer for one guarantee reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GuaranteeVerdict {
    /// The reference asked about.
    pub grn: String,
    /// Its type, as asked.
    pub guarantee_type: String,
    /// The countries involved where the regional guarantee is not honoured on the day (NCTS's
    /// validity limitation): the movement may not be routed through them.
    pub not_valid_in: Vec<CountryCode>,
    /// Why it is not valid; empty when the hub finds nothing against it.
    pub reasons: Vec<GuaranteeReason>,
}

/// The hub's answer to a [`GuaranteeCheck`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GuaranteeCheckResult {
    /// Derived from the question's id: the same question gives the same answer id.
    pub result_id: MessageId,
    /// The question answered.
    pub check_id: MessageId,
    /// A check, or a use.
    pub kind: GuaranteeCheckKind,
    /// The movement.
    pub mrn: Mrn,
    /// The office that asked: the answer's recipient.
    pub office_of_departure: OfficeRef,
    /// The holder, as asked.
    pub holder: String,
    /// One verdict per guarantee asked about, in the question's order.
    pub guarantees: Vec<GuaranteeVerdict>,
    /// Whether the use was registered (always false for a check).
    pub use_registered: bool,
    /// When the hub answered.
    pub answered_at: DateTime<Utc>,
}

impl GuaranteeCheckResult {
    /// Whether the hub found nothing against any guarantee.
    pub fn valid(&self) -> bool {
        self.guarantees.iter().all(|g| g.reasons.is_empty())
    }
}

impl GuaranteeCheck {
    /// Reads one from its JSON, checked (see [`GuaranteeCheck::check`]).
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let check: Self = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        check
            .check()
            .map_err(|(pointer, reason)| format!("{pointer}: {reason}"))?;
        Ok(check)
    }

    /// Checks what the types do not: 1 to [`MAX_GUARANTEES`] guarantees, none named twice,
    /// each reference of 1 to 35 capital letters and digits, a type of one capital letter or
    /// digit, a currency of three capital letters; a holder of 1 to 17 characters; at most
    /// [`MAX_COUNTRIES`] countries. Where (a JSON pointer) and why.
    pub fn check(&self) -> Result<(), (String, String)> {
        let holder = self.holder.chars().count();
        if holder == 0 || holder > 17 || self.holder.trim() != self.holder {
            return Err((
                "/holder".into(),
                format!(
                    "holder {:?}: an identification number has 1 to 17 characters, without surrounding spaces",
                    self.holder
                ),
            ));
        }
        if self.countries.len() > MAX_COUNTRIES {
            return Err((
                "/countries".into(),
                format!(
                    "{} countries; at most {MAX_COUNTRIES}",
                    self.countries.len()
                ),
            ));
        }
        if self.guarantees.is_empty() || self.guarantees.len() > MAX_GUARANTEES {
            return Err((
                "/guarantees".into(),
                format!(
                    "{} guarantees; a check names 1 to {MAX_GUARANTEES}",
                    self.guarantees.len()
                ),
            ));
        }
        for (i, g) in self.guarantees.iter().enumerate() {
            let at = |field: &str| format!("/guarantees/{i}/{field}");
            if !is_code(&g.grn, 1..=35) {
                return Err((
                    at("grn"),
                    format!(
                        "{:?}: a guarantee reference has 1 to 35 capital letters and digits",
                        g.grn
                    ),
                ));
            }
            if self.guarantees[..i].iter().any(|other| other.grn == g.grn) {
                return Err((at("grn"), format!("guarantee {} is named twice", g.grn)));
            }
            if !is_code(&g.guarantee_type, 1..=1) {
                return Err((
                    at("guaranteeType"),
                    format!(
                        "{:?}: a guarantee type is one capital letter or digit (CL251)",
                        g.guarantee_type
                    ),
                ));
            }
            if g.currency.len() != 3 || !g.currency.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err((
                    at("currency"),
                    format!(
                        "{:?}: a currency is three capital letters (ISO 4217)",
                        g.currency
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Whether `value` is made of capital letters and digits, its length in `lengths`.
fn is_code(value: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}
