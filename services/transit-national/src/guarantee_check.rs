//! Guarantee checks (`transit_model::guarantee_check`) in a family's own form: what a family
//! that carries them (NCTS: CD200C, CD203C) hands the adapter, and the rule that checks what it
//! read.

use transit_model::guarantee_check::GuaranteeCheck;

use crate::message_id::national_message_id;
use crate::{ErrorClass, Mapping, TranslateError};

/// A national guarantee check, translated, with the national system's own reference.
#[derive(Clone, Debug, PartialEq)]
pub struct TranslatedGuaranteeCheck {
    /// The standardized check (its id derives from the national reference).
    pub check: GuaranteeCheck,
    /// The national reference (what the acknowledgement quotes back).
    pub reference: String,
}

impl TranslatedGuaranteeCheck {
    /// `check` (its id derived from `mapping`'s country and `reference`, whatever it held),
    /// checked; `at` names the national element a failure is reported at.
    pub fn new(
        mut check: GuaranteeCheck,
        reference: &str,
        mapping: &Mapping,
        at: &str,
    ) -> Result<Self, TranslateError> {
        let reference = reference.trim();
        if reference.is_empty() || reference.chars().count() > 70 {
            return Err(TranslateError::new(
                ErrorClass::InvalidValue,
                at,
                "the message's own reference is missing or longer than 70 characters: the hub tells one check from another by it",
            ));
        }
        check.check_id = national_message_id(mapping.country(), reference);
        check.check().map_err(|(pointer, reason)| {
            TranslateError::new(
                ErrorClass::InvalidValue,
                format!("{at} ({pointer})"),
                reason,
            )
        })?;
        Ok(Self {
            check,
            reference: reference.to_owned(),
        })
    }
}
