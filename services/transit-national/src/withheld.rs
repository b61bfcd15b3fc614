//! Copies made under a data-sharing agreement, in a national format: the elements the agreement
//! withholds are absent from the standardized copy, and the marker ([`Withheld`]) names the
//! agreement and the groups. A national format that requires an element the agreement withholds
//! gets a neutral placeholder instead (`-` for a text, `0` for a quantity, the departure's
//! country and road for a vehicle) — never the withheld value; every family writes the marker
//! as one text ([`marker_text`]) and its reader gives the withheld groups back as absent
//! ([`restore`]), so a copy reads back as it was written.

use std::borrow::Cow;

use transit_model::reference::agreements::leave_out;
use transit_model::{
    DataGroup, Decimal, Party, Text, TransitDeclaration, TransportMeans, Withheld,
};

use crate::{ErrorClass, TranslateError};

/// The holder of the procedure, or the placeholder (`-`, `-`) in a copy that withholds it.
pub fn declarant(d: &TransitDeclaration) -> Cow<'_, Party> {
    d.declarant.as_ref().map_or_else(
        || {
            Cow::Owned(Party {
                id: Text::normalized("-"),
                name: Text::normalized("-"),
            })
        },
        Cow::Borrowed,
    )
}

/// The vehicle, or the placeholder (`-`, the departure's country, road) in a copy that
/// withholds transport.
pub fn border_transport_means(d: &TransitDeclaration) -> Cow<'_, TransportMeans> {
    d.border_transport_means.as_ref().map_or_else(
        || {
            Cow::Owned(TransportMeans {
                id: Text::normalized("-"),
                registration_nationality_code: d.declaration_office_id.country(),
                mode_code: 3,
            })
        },
        Cow::Borrowed,
    )
}

/// The guarantee with its amount, or placeholders (`-`, `0`, `XOF`) for what the copy
/// withholds.
pub fn guarantee(d: &TransitDeclaration) -> (Text<35>, Decimal, Text<3>) {
    match &d.obligation_guarantee {
        Some(g) => (
            g.reference_id.clone(),
            g.amount_amount.clone().unwrap_or_else(zero),
            g.currency_code.clone(),
        ),
        None => (Text::normalized("-"), zero(), Text::normalized("XOF")),
    }
}

/// A gross mass, or `0` where the copy withholds it.
pub fn mass(mass: &Option<Decimal>) -> Decimal {
    mass.clone().unwrap_or_else(zero)
}

fn zero() -> Decimal {
    Decimal::parse("0").unwrap_or_else(|_| unreachable!("0 is a decimal"))
}

/// The marker as one text: the agreement, then each group withheld, separated by spaces
/// (`CI-BF-2026 traders values`).
pub fn marker_text(withheld: &Withheld) -> String {
    std::iter::once(withheld.agreement.as_str())
        .chain(withheld.groups.iter().map(|g| g.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads a marker written by [`marker_text`], found at `place`.
pub fn parse_marker(text: &str, place: &str) -> Result<Withheld, TranslateError> {
    let mut words = text.split_whitespace();
    let agreement = words
        .next()
        .ok_or_else(|| TranslateError::missing(place.to_owned()))?;
    let groups = words
        .map(|word| {
            DataGroup::parse(word).ok_or_else(|| {
                TranslateError::new(
                    ErrorClass::InvalidValue,
                    place,
                    format!(
                        "\"{word}\" is not a group of data (identification, transport, goods, grossMass, guarantee, traders, values, documents)"
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Withheld {
        agreement: crate::values::text(agreement, place)?,
        groups,
    })
}

/// The declaration as the copy was: the withheld groups absent again (a national reader calls
/// it after reading a copy that carries a marker).
pub fn restore(d: &mut TransitDeclaration) {
    let groups = d
        .withheld
        .as_ref()
        .map(|w| w.groups.clone())
        .unwrap_or_default();
    for group in groups {
        leave_out(d, group);
    }
}
