//! Guarantee checks: the hub's answer to an office of departure's question about a
//! declaration's guarantees ([`transit_model::guarantee_check`]), from what the hub holds —
//! the guarantees in use on other movements still open, and where the regional guarantee is
//! honoured. [`judge`] is pure: the caller reads the uses and passes the time.

use chrono::{DateTime, Utc};
use transit_model::guarantee_check::{
    GuaranteeCheck, GuaranteeCheckKind, GuaranteeCheckResult, GuaranteeReason, GuaranteeRefusal,
    GuaranteeVerdict,
};
use transit_model::reference::GuaranteeCover;
use transit_model::Mrn;

/// The guarantee types (NCTS code list CL251) that cover one movement each: `2` an undertaking
/// by a guarantor, `3` cash, `4` vouchers — the ECOWAS ISRT guarantee is of this kind, one per
/// operation. A comprehensive guarantee (`1`) and the waivers cover many movements: the hub
/// checks them for cover only (its risk rule `guarantee-exposure` watches what they add up to).
pub const INDIVIDUAL_GUARANTEE_TYPES: [&str; 3] = ["2", "3", "4"];

/// How long a registered use counts while its movement has not reached the hub, in hours. An
/// NCTS departure registers the use (CD203C) as it releases, and the release follows within
/// minutes; a use whose movement never comes (released elsewhere, or not at all) stops
/// engaging the guarantee after this. NCTS's cancellation (CD204C) is not taken.
pub const UNRELEASED_USE_HOURS: i64 = 24;

/// A guarantee reference the hub holds as engaged by a movement: named by a movement still
/// open, or registered by a guarantee use for a movement not yet closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuaranteeInUse {
    /// The reference.
    pub grn: String,
    /// The movement it covers.
    pub mrn: Mrn,
}

/// The answer to `check`, given the guarantees `in_use` on movements (those of `check`'s own
/// movement are ignored) and the regional `cover` on the day of `now`. A use is registered
/// when nothing is found against any of its guarantees; a country not covered limits where the
/// movement may go but does not make the guarantee invalid (the hub refuses a release routed
/// through it anyway).
pub fn judge(
    check: &GuaranteeCheck,
    in_use: &[GuaranteeInUse],
    cover: &GuaranteeCover,
    now: DateTime<Utc>,
) -> GuaranteeCheckResult {
    let day = now.date_naive();
    let mut not_valid_in: Vec<_> = check
        .countries
        .iter()
        .filter(|c| !cover.covers(**c, day))
        .cloned()
        .collect();
    not_valid_in.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
    not_valid_in.dedup();
    let guarantees: Vec<GuaranteeVerdict> = check
        .guarantees
        .iter()
        .map(|asked| {
            let individual = INDIVIDUAL_GUARANTEE_TYPES.contains(&asked.guarantee_type.as_str());
            let mut others: Vec<&Mrn> = in_use
                .iter()
                .filter(|u| individual && u.grn == asked.grn && u.mrn != check.mrn)
                .map(|u| &u.mrn)
                .collect();
            others.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
            others.dedup();
            let reasons = others
                .iter()
                .map(|other| GuaranteeReason {
                    reason: GuaranteeRefusal::InUse,
                    text: format!(
                        "guarantee {} already covers movement {other}, still open: an individual guarantee covers one operation",
                        asked.grn
                    ),
                })
                .collect();
            GuaranteeVerdict {
                grn: asked.grn.clone(),
                guarantee_type: asked.guarantee_type.clone(),
                not_valid_in: not_valid_in.clone(),
                reasons,
            }
        })
        .collect();
    let valid = guarantees.iter().all(|g| g.reasons.is_empty());
    GuaranteeCheckResult {
        result_id: check.check_id.derive("guarantee-check-result"),
        check_id: check.check_id,
        kind: check.kind,
        mrn: check.mrn.clone(),
        office_of_departure: check.office_of_departure.clone(),
        holder: check.holder.clone(),
        guarantees,
        use_registered: check.kind == GuaranteeCheckKind::Use && valid,
        answered_at: now,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use transit_model::guarantee_check::GuaranteeAsked;
    use transit_model::{CountryCode, Decimal, MessageId, OfficeRef};

    use super::*;

    fn mrn(text: &str) -> Mrn {
        Mrn::parse(text).unwrap()
    }

    fn check(kind: GuaranteeCheckKind, guarantee_type: &str) -> GuaranteeCheck {
        GuaranteeCheck {
            check_id: MessageId::parse("6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b").unwrap(),
            kind,
            mrn: mrn("26GHUJZDE8GXD6NCJ9"),
            office_of_departure: OfficeRef::parse("GHTEM001").unwrap(),
            holder: "GH0123456789".into(),
            countries: ["GH", "BF", "CI"]
                .iter()
                .map(|c| CountryCode::parse(c).unwrap())
                .collect(),
            guarantees: vec![GuaranteeAsked {
                grn: "26GH0000000001234".into(),
                guarantee_type: guarantee_type.into(),
                amount: Decimal::parse("1250000.00").unwrap(),
                currency: "XOF".into(),
            }],
            asked_at: now(),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()
    }

    fn used_by(other: &str) -> GuaranteeInUse {
        GuaranteeInUse {
            grn: "26GH0000000001234".into(),
            mrn: mrn(other),
        }
    }

    #[test]
    fn a_free_individual_guarantee_is_valid_and_its_use_registered() {
        let cover = GuaranteeCover::builtin();
        let result = judge(&check(GuaranteeCheckKind::Use, "2"), &[], &cover, now());
        assert!(result.valid());
        assert!(result.use_registered);
        assert!(result.guarantees[0].not_valid_in.is_empty());
        let checked = judge(&check(GuaranteeCheckKind::Check, "2"), &[], &cover, now());
        assert!(
            checked.valid() && !checked.use_registered,
            "a check registers nothing"
        );
        assert_eq!(
            checked.result_id,
            check(GuaranteeCheckKind::Check, "2")
                .check_id
                .derive("guarantee-check-result")
        );
    }

    #[test]
    fn an_individual_guarantee_covering_another_open_movement_is_not_valid() {
        let other = "26GHEF1O9CVGJMH6J8";
        let result = judge(
            &check(GuaranteeCheckKind::Use, "2"),
            &[
                used_by(other),
                used_by(other),
                used_by("26GHUJZDE8GXD6NCJ9"),
            ],
            &GuaranteeCover::builtin(),
            now(),
        );
        assert!(!result.valid());
        assert!(!result.use_registered);
        let reasons = &result.guarantees[0].reasons;
        assert_eq!(reasons.len(), 1, "the other movement once; its own ignored");
        assert_eq!(reasons[0].reason, GuaranteeRefusal::InUse);
        assert!(reasons[0].text.contains(other), "{}", reasons[0].text);
    }

    #[test]
    fn a_comprehensive_guarantee_may_cover_many_movements() {
        let result = judge(
            &check(GuaranteeCheckKind::Use, "1"),
            &[used_by("26GHEF1O9CVGJMH6J8")],
            &GuaranteeCover::builtin(),
            now(),
        );
        assert!(result.valid() && result.use_registered);
    }

    #[test]
    fn a_country_not_covered_limits_the_guarantee_without_refusing_it() {
        let cover = GuaranteeCover::from_json(
            r#"{"version": "t", "note": "", "countries": [
                {"country": "GH", "validFrom": "2000-01-01"},
                {"country": "CI", "validFrom": "2000-01-01"},
                {"country": "BF", "validFrom": "2000-01-01", "validTo": "2026-11-30"}]}"#,
        )
        .unwrap();
        let result = judge(&check(GuaranteeCheckKind::Check, "2"), &[], &cover, now());
        assert!(result.valid());
        assert_eq!(
            result.guarantees[0].not_valid_in,
            [CountryCode::parse("BF").unwrap()]
        );
    }
}
