//! What of a movement another country's account may read, and the disclosure register.
//!
//! A movement read through the API by an account of another country than the movement's
//! departure (an officer at a border or destination office, that country's operator or
//! adapter identity) shows the declaration as the agreement in force between the two countries
//! shares it with that office's role ([`as_read_by`]) — with no agreement in force, the
//! identification and route only — and each such read is appended to the register beside the
//! copies the tracker sent. `GET /api/v1/disclosures` reads the register for a country's
//! data-protection officer: its own country's outgoing data only.

use chrono::{Duration, NaiveDate, Utc};
use transit_http::api_views::Principal;
use transit_http::disclosures::{
    DisclosurePort, DisclosureQuery, DisclosureReport, DisclosureView,
};
use transit_http::ApiError;
use transit_lifecycle::{Disclosure, DisclosureChannel, Movement};
use transit_model::reference::agreements::{leave_out, share, Agreements, Basis};
use transit_model::{
    CountryCode, DataGroup, OfficeRef, ReceivingRole, Role, Text35, TransitDeclaration, Withheld,
};
use transit_store::disclosures::{DisclosureFilter, DisclosureRow};

use crate::answers::unavailable;
use crate::auth::require_operator;
use crate::service::ApiService;

/// The most entries one answer holds.
const MAX_ENTRIES: i64 = 10_000;

/// The marker's agreement when none is in force: the reader gets the identification only.
pub const NO_AGREEMENT: &str = "NONE";

/// The office `who` reads `movement` as, with its role, when `who` belongs to another country
/// than the movement's departure; none for the departure's own accounts, the hub's operators,
/// traders (their own declarations) and guarantors (their own country's).
fn reader_office(who: &Principal, movement: &Movement) -> Option<(OfficeRef, ReceivingRole)> {
    let departure = movement.departure_office.country();
    let role_of = |office: &OfficeRef| {
        if *office == movement.destination_office && movement.diverted_from.is_some() {
            ReceivingRole::DivertedDestination
        } else if *office == movement.destination_office
            || movement.diverted_from.as_ref() == Some(office)
        {
            ReceivingRole::Destination
        } else {
            ReceivingRole::Transit
        }
    };
    let office = match who.role {
        Role::Officer => OfficeRef::parse(who.office.as_deref()?).ok()?,
        Role::Operator | Role::Adapter => {
            let country = CountryCode::parse(who.country.as_deref()?).ok()?;
            std::iter::once(&movement.destination_office)
                .chain(movement.diverted_from.iter())
                .chain(movement.route.iter().map(|p| &p.office))
                .find(|o| o.country() == country)?
                .clone()
        }
        Role::Trader | Role::Guarantor => return None,
    };
    (office.country() != departure).then(|| {
        let role = role_of(&office);
        (office, role)
    })
}

/// The declaration of `movement` as `who` may read it on `day`, and the register's entry for
/// the read (none when `who` reads its own country's data).
pub fn as_read_by(
    agreements: &Agreements,
    who: &Principal,
    movement: &Movement,
    now: chrono::DateTime<Utc>,
) -> (TransitDeclaration, Option<Disclosure>) {
    let Some((office, role)) = reader_office(who, movement) else {
        return (movement.declaration.clone(), None);
    };
    let day: NaiveDate = now.date_naive();
    let declaration =
        match agreements.basis(movement.departure_office.country(), office.country(), day) {
            Basis::SameCountry => movement.declaration.clone(),
            Basis::Agreement(agreement) => share(&movement.declaration, agreement, role),
            Basis::None => identification_only(&movement.declaration),
        };
    let entry = Disclosure::of_declaration(
        &movement.mrn,
        &declaration,
        &office,
        role,
        DisclosureChannel::Read,
        Some(&who.username),
        None,
        now,
    );
    (declaration, entry)
}

/// A search result as `who` may read it: the vehicle, the guarantee's amount and currency left
/// out where the agreement between the movement's departure country and `who`'s withholds
/// transport, values or the guarantee from that country's office on the movement (every one
/// of them when no agreement is in force). The search itself is audited; the rows are not each
/// entered in the register (the movement's page is, when it is opened).
pub fn summary_as_read_by(
    agreements: &Agreements,
    who: &Principal,
    summary: &mut transit_lifecycle::MovementSummary,
    now: chrono::DateTime<Utc>,
) {
    let reader = match who.role {
        Role::Officer => who
            .office
            .as_deref()
            .and_then(|o| OfficeRef::parse(o).ok())
            .map(|o| o.country()),
        Role::Operator | Role::Adapter => who
            .country
            .as_deref()
            .and_then(|c| CountryCode::parse(c).ok()),
        Role::Trader | Role::Guarantor => None,
    };
    let Some(reader) = reader else { return };
    let role = if summary.destination_office.country() == reader {
        ReceivingRole::Destination
    } else {
        ReceivingRole::Transit
    };
    let withheld =
        match agreements.basis(summary.departure_office.country(), reader, now.date_naive()) {
            Basis::SameCountry => return,
            Basis::Agreement(agreement) => agreement.withholds(role),
            Basis::None => DataGroup::ALL.to_vec(),
        };
    if withheld.contains(&DataGroup::Transport) {
        summary.vehicle = None;
    }
    if withheld.contains(&DataGroup::Values) || withheld.contains(&DataGroup::Guarantee) {
        summary.guarantee_amount = None;
    }
    if withheld.contains(&DataGroup::Guarantee) {
        summary.guarantee_currency = None;
    }
}

/// The declaration with every group but the identification left out, marked [`NO_AGREEMENT`].
fn identification_only(declaration: &TransitDeclaration) -> TransitDeclaration {
    let mut copy = declaration.clone();
    let groups: Vec<DataGroup> = DataGroup::ALL
        .into_iter()
        .filter(|g| *g != DataGroup::Identification)
        .collect();
    for group in &groups {
        leave_out(&mut copy, *group);
    }
    copy.withheld = Some(Withheld {
        agreement: Text35::normalized(NO_AGREEMENT),
        groups,
    });
    copy
}

fn view(row: DisclosureRow) -> DisclosureView {
    DisclosureView {
        mrn: row.mrn,
        from: row.from_country,
        to: row.to_country,
        office: row.office,
        role: row.role,
        channel: row.channel,
        message_id: row.message_id.map(|id| id.to_string()),
        message_type: row.message_type,
        reader: row.reader,
        agreement: row.agreement,
        shared: row.shared,
        withheld: row.withheld,
        at: row.disclosed_at,
    }
}

fn country(value: &str, pointer: &str) -> Result<CountryCode, ApiError> {
    CountryCode::parse(value).map_err(|e| ApiError::bad_request(pointer, e.to_string()))
}

impl ApiService {
    /// Appends a read by another country's account to the register; if it cannot be written,
    /// the movement is not shown (503).
    pub(crate) async fn record_read(&self, entry: Option<Disclosure>) -> Result<(), ApiError> {
        let Some(entry) = entry else {
            return Ok(());
        };
        self.store
            .record_disclosures(&[entry])
            .await
            .map_err(unavailable)
    }
}

impl DisclosurePort for ApiService {
    async fn disclosures(
        &self,
        who: Principal,
        query: DisclosureQuery,
        remote: String,
    ) -> Result<DisclosureReport, ApiError> {
        require_operator(&who)?;
        let from = match (who.country.as_deref(), query.from.as_deref()) {
            (Some(own), Some(asked)) if own != asked => {
                return Err(ApiError::forbidden(
                    "/query/from",
                    format!(
                        "{} is an operator of {own}: it reads {own}'s data only",
                        who.username
                    ),
                    "leave out from, or ask an operator of that country",
                ))
            }
            (Some(own), _) => country(own, "/query/from")?,
            (None, Some(asked)) => country(asked, "/query/from")?,
            (None, None) => {
                return Err(ApiError::bad_request(
                    "/query/from",
                    "a hub operator names whose data to read: from=CI",
                ))
            }
        };
        let to = query
            .to
            .as_deref()
            .map(|c| country(c, "/query/to"))
            .transpose()?;
        let until = query.until.unwrap_or_else(Utc::now);
        let since = query.since.unwrap_or(until - Duration::days(30));
        if since > until {
            return Err(ApiError::bad_request(
                "/query/since",
                "since is after until: give the earlier instant as since",
            ));
        }
        let filter = DisclosureFilter {
            from: from.to_string(),
            to: to.map(|c| c.to_string()),
            since,
            until,
            limit: MAX_ENTRIES + 1,
        };
        let mut rows = self.store.disclosures(&filter).await.map_err(unavailable)?;
        let truncated = rows.len() as i64 > MAX_ENTRIES;
        rows.truncate(MAX_ENTRIES as usize);
        self.audit(
            Some(&who.username),
            "read disclosures",
            Some(&format!("{from}→{}", filter.to.as_deref().unwrap_or("*"))),
            "ok",
            &remote,
            Some(format!("{since} to {until}: {} entries", rows.len())),
        )
        .await?;
        Ok(DisclosureReport {
            from: filter.from,
            to: filter.to,
            since,
            until,
            entries: rows.into_iter().map(view).collect(),
            truncated,
        })
    }
}
