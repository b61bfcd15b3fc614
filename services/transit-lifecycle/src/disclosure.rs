//! What the hub disclosed of a country's data to another country: one entry per copy of a
//! declaration sent across a border (and, from the API, per read of one), naming the country
//! whose data it is (the movement's departure), the receiving country and office, the office's
//! role, the agreement and the groups of data that went and that were withheld. The tracker and
//! the API append them to the disclosure register (`disclosures`), which a country's
//! data-protection officer reads: "what of our data did country X receive, and under which
//! agreement".

use chrono::{DateTime, Utc};
use transit_model::{
    Body, CountryCode, DataGroup, MessageId, MessageType, Mrn, OfficeRef, ReceivingRole,
    StandardMessage, TransitDeclaration,
};

/// How the data went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisclosureChannel {
    /// A copy sent to the office's national system (IE001, IE050, IE003, IE115).
    Copy,
    /// An account of the receiving country read the movement through the hub's API.
    Read,
}

impl DisclosureChannel {
    /// Its name in the register (`copy`, `read`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Copy => "copy",
            Self::Read => "read",
        }
    }
}

/// One entry of the disclosure register.
#[derive(Clone, Debug, PartialEq)]
pub struct Disclosure {
    /// The movement.
    pub mrn: Mrn,
    /// The country whose data it is: the movement's departure.
    pub from: CountryCode,
    /// The country that received it.
    pub to: CountryCode,
    /// The office that received it (for a read, the reader's office, or the office of the
    /// reader's country on the movement).
    pub office: OfficeRef,
    /// That office's role on the movement.
    pub role: ReceivingRole,
    /// A copy or a read.
    pub channel: DisclosureChannel,
    /// The copy's message id (none for a read).
    pub message_id: Option<MessageId>,
    /// The copy's type (none for a read).
    pub message_type: Option<MessageType>,
    /// Who read it (none for a copy).
    pub reader: Option<String>,
    /// The agreement it went under (none: the copy carried no marker — a record the departure
    /// itself sent, passed on as it was).
    pub agreement: Option<String>,
    /// The groups that went.
    pub shared: Vec<DataGroup>,
    /// The groups left out.
    pub withheld: Vec<DataGroup>,
    /// When.
    pub at: DateTime<Utc>,
}

impl Disclosure {
    /// The entry for `declaration` as it went to `office` (its country, its role) from a
    /// movement that left `mrn`'s country; none when the office is in that country.
    #[allow(clippy::too_many_arguments)]
    pub fn of_declaration(
        mrn: &Mrn,
        declaration: &TransitDeclaration,
        office: &OfficeRef,
        role: ReceivingRole,
        channel: DisclosureChannel,
        reader: Option<&str>,
        message: Option<(MessageId, MessageType)>,
        at: DateTime<Utc>,
    ) -> Option<Self> {
        let from = mrn.country();
        let to = office.country();
        if from == to {
            return None;
        }
        let withheld = declaration
            .withheld
            .as_ref()
            .map(|w| w.groups.clone())
            .unwrap_or_default();
        Some(Self {
            mrn: mrn.clone(),
            from,
            to,
            office: office.clone(),
            role,
            channel,
            message_id: message.map(|(id, _)| id),
            message_type: message.map(|(_, t)| t),
            reader: reader.map(str::to_owned),
            agreement: declaration
                .withheld
                .as_ref()
                .map(|w| w.agreement.as_str().to_owned()),
            shared: DataGroup::ALL
                .into_iter()
                .filter(|g| !withheld.contains(g))
                .collect(),
            withheld,
            at,
        })
    }

    /// The entry for a message the hub sends, if it carries a declaration to an office in
    /// another country than the movement's departure.
    pub fn of_copy(message: &StandardMessage, at: DateTime<Utc>) -> Option<Self> {
        let office = message.header().recipient.office()?;
        let (declaration, role) = match message.body() {
            Body::AnticipatedTransitRecord(d) => (d, ReceivingRole::Transit),
            Body::AnticipatedArrivalRecord(d) => (d, ReceivingRole::Destination),
            Body::TransitRecordResponse(r) => (r.declaration.as_ref()?, ReceivingRole::Transit),
            Body::ArrivalRecordResponse(r) => {
                (r.declaration.as_ref()?, ReceivingRole::DivertedDestination)
            }
            _ => return None,
        };
        Self::of_declaration(
            message.mrn(),
            declaration,
            office,
            role,
            DisclosureChannel::Copy,
            None,
            Some((message.id(), message.message_type())),
            at,
        )
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn example(name: &str) -> StandardMessage {
        let path = format!(
            "{}/../../schemas/transit/v1/examples/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        transit_codec::json::decode(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn each_copy_across_a_border_is_one_entry_with_its_agreement_and_groups() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        let t = crate::decide(None, &example("IE029"), now).unwrap();
        let entries: Vec<Disclosure> = t
            .outgoing
            .iter()
            .filter_map(|m| Disclosure::of_copy(m, now))
            .collect();
        assert_eq!(entries.len(), 2);
        let border = &entries[0];
        assert_eq!((border.from.as_str(), border.to.as_str()), ("CI", "BF"));
        assert_eq!(border.office.as_str(), "BFNGK001");
        assert_eq!(border.role, ReceivingRole::Transit);
        assert_eq!(border.agreement.as_deref(), Some("ECOWAS-MAA"));
        assert_eq!(border.shared.len(), 8);
        assert!(border.withheld.is_empty());
        assert_eq!(border.message_id, Some(t.outgoing[0].id()));
        assert_eq!(entries[1].role, ReceivingRole::Destination);
        // A message without a declaration, or to the departure's own country, is no entry.
        assert_eq!(Disclosure::of_copy(&example("IE118"), now), None);
    }
}
