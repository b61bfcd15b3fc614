//! What changes from one version of the reference data to another, one line per change, as an
//! operator reviews it before an import (`sigmat reference diff`) and as the audit log keeps it:
//! `+` added, `-` removed, `~` changed (with what it was).

use std::collections::BTreeMap;

use super::agreements::{Agreement, AgreementKind};
use super::document::Checked;
use super::{CodeList, DataGroup, Office, ReceivingRole};

/// The changes from `old` to `new`, offices first, then corridors, code lists and the guarantee
/// cover; empty when they hold the same data.
pub fn changes(old: &Checked, new: &Checked) -> Vec<String> {
    let mut lines = Vec::new();
    let offices = |c: &Checked| -> BTreeMap<String, Office> {
        c.data
            .offices()
            .map(|o| (o.code.to_string(), o.clone()))
            .collect()
    };
    compare(
        &mut lines,
        "office",
        &offices(old),
        &offices(new),
        describe_office,
    );
    let corridors = |c: &Checked| -> BTreeMap<String, String> {
        c.data
            .corridors()
            .iter()
            .map(|k| {
                let route: Vec<String> = k.offices.iter().map(ToString::to_string).collect();
                let mode = if k.by_road() { "" } else { ", by rail" };
                (
                    k.id.clone(),
                    format!("{} ({}{mode})", k.name, route.join(" → ")),
                )
            })
            .collect()
    };
    compare(
        &mut lines,
        "corridor",
        &corridors(old),
        &corridors(new),
        Clone::clone,
    );
    let lists = |c: &Checked| -> [CodeList; 5] {
        [
            c.data.countries.clone(),
            c.data.currencies.clone(),
            c.data.transport_modes.clone(),
            c.data.package_types.clone(),
            c.data.hs_chapters.clone(),
        ]
    };
    for (before, after) in lists(old).iter().zip(lists(new).iter()) {
        let codes = |l: &CodeList| -> BTreeMap<String, String> {
            l.codes
                .iter()
                .map(|c| (c.code.clone(), c.name.clone()))
                .collect()
        };
        let what = format!("{} code", after.code_list);
        compare(
            &mut lines,
            &what,
            &codes(before),
            &codes(after),
            Clone::clone,
        );
    }
    let cover = |c: &Checked| -> BTreeMap<String, String> {
        c.cover
            .countries()
            .iter()
            .map(|e| {
                let until = e.valid_to.map(|to| format!(" to {to}")).unwrap_or_default();
                (
                    e.country.to_string(),
                    format!("from {}{until}", e.valid_from),
                )
            })
            .collect()
    };
    compare(
        &mut lines,
        "guarantee cover in",
        &cover(old),
        &cover(new),
        Clone::clone,
    );
    let agreements = |c: &Checked| -> BTreeMap<String, String> {
        c.agreements
            .agreements
            .iter()
            .map(|a| (a.id.to_string(), describe_agreement(a)))
            .collect()
    };
    compare(
        &mut lines,
        "agreement",
        &agreements(old),
        &agreements(new),
        Clone::clone,
    );
    lines
}

/// An agreement in one line: its countries, days, what each role gets and its legal text.
pub fn describe_agreement(agreement: &Agreement) -> String {
    let countries: Vec<&str> = agreement.countries.iter().map(|c| c.as_str()).collect();
    let roles: Vec<String> = [
        ReceivingRole::Transit,
        ReceivingRole::Destination,
        ReceivingRole::DivertedDestination,
    ]
    .into_iter()
    .map(|role| {
        let withheld: Vec<&str> = agreement
            .withholds(role)
            .into_iter()
            .map(DataGroup::as_str)
            .collect();
        if withheld.is_empty() {
            format!("{} everything", role.as_str())
        } else {
            format!("{} all but {}", role.as_str(), withheld.join(", "))
        }
    })
    .collect();
    let kind = match agreement.kind {
        AgreementKind::Regional => "regional",
        AgreementKind::Bilateral => "bilateral",
    };
    format!(
        "{kind} {}; {}; {}; {}, {}",
        countries.join(" "),
        agreement.validity(),
        roles.join("; "),
        agreement.legal_reference.title,
        agreement.legal_reference.article
    )
}

fn describe_office(office: &Office) -> String {
    let roles: Vec<String> = office
        .roles
        .iter()
        .map(|r| format!("{r:?}").to_lowercase())
        .collect();
    format!(
        "{} ({}; {}; {}, {}; UTC{}; {})",
        office.name,
        office.country,
        roles.join(", "),
        office.latitude,
        office.longitude,
        office.utc_offset,
        office.validity()
    )
}

pub(super) fn compare<T: PartialEq>(
    lines: &mut Vec<String>,
    what: &str,
    old: &BTreeMap<String, T>,
    new: &BTreeMap<String, T>,
    describe: impl Fn(&T) -> String,
) {
    for (key, after) in new {
        match old.get(key) {
            None => lines.push(format!("+ {what} {key}: {}", describe(after))),
            Some(before) if before != after => lines.push(format!(
                "~ {what} {key}: {} (was {})",
                describe(after),
                describe(before)
            )),
            Some(_) => {}
        }
    }
    for (key, before) in old {
        if !new.contains_key(key) {
            lines.push(format!("- {what} {key}: {}", describe(before)));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::reference::ReferenceDocument;

    #[test]
    fn the_same_data_has_no_changes() {
        let data = ReferenceDocument::builtin().check().unwrap();
        assert!(changes(&data, &data).is_empty());
    }

    #[test]
    fn each_change_is_one_line_saying_what_it_was() {
        let old = ReferenceDocument::builtin();
        let mut new = old.clone();
        let offices = new.0.get_mut("reference/offices.json").unwrap();
        offices["offices"].as_array_mut().unwrap().push(json!({
            "code": "GNCKY001", "name": "Conakry Port", "country": "GN", "roles": ["departure"],
            "latitude": 9.509, "longitude": -13.712, "utcOffset": "+00:00", "validFrom": "2026-12-01"
        }));
        offices["offices"][0]["name"] = json!("Abidjan Port (Vridi)");
        let corridors = new.0.get_mut("reference/corridors.json").unwrap();
        corridors["corridors"].as_array_mut().unwrap().remove(0);
        let lines = changes(&old.check().unwrap(), &new.check().unwrap());
        assert_eq!(lines.len(), 3, "{lines:#?}");
        // In order of reference within each kind.
        assert!(
            lines[0].starts_with("~ office CIABJ001: Abidjan Port (Vridi)"),
            "{}",
            lines[0]
        );
        assert!(lines[0].contains("(was Abidjan Port (CI;"), "{}", lines[0]);
        assert!(
            lines[1].starts_with("+ office GNCKY001: Conakry Port (GN; departure;"),
            "{}",
            lines[1]
        );
        assert!(lines[1].ends_with("from 2026-12-01)"), "{}", lines[1]);
        assert!(
            lines[2].starts_with("- corridor abidjan-ouagadougou: "),
            "{}",
            lines[2]
        );
    }
}
