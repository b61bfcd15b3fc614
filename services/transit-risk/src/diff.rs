//! What importing a rule set would change, one line per rule: `+` added, `-` removed, `~`
//! changed (with what it was). The lines `sigmat rules diff` prints and the audit log keeps.

use crate::rules::{Rule, RuleSet};

/// The changes from `old` to `new`, in `new`'s order (removals last).
pub fn changes(old: &RuleSet, new: &RuleSet) -> Vec<String> {
    let mut lines = Vec::new();
    if old.lanes != new.lanes {
        lines.push(format!(
            "~ lanes: yellow from {}, red from {} (was {}, {})",
            new.lanes.yellow_from, new.lanes.red_from, old.lanes.yellow_from, old.lanes.red_from
        ));
    }
    for rule in &new.rules {
        match old.rules.iter().find(|r| r.id == rule.id) {
            None => lines.push(format!(
                "+ rule {} ({}): {}",
                rule.id, rule.owner, rule.reason.en
            )),
            Some(before) if before != rule => {
                lines.push(format!(
                    "~ rule {} ({}): {}",
                    rule.id,
                    rule.owner,
                    what_changed(before, rule).join("; ")
                ));
            }
            Some(_) => {}
        }
    }
    for rule in &old.rules {
        if !new.rules.iter().any(|r| r.id == rule.id) {
            lines.push(format!("- rule {} ({})", rule.id, rule.owner));
        }
    }
    let same = |a: &crate::Silence, b: &crate::Silence| a.rule == b.rule && a.country == b.country;
    for silence in &new.silences {
        if !old.silences.iter().any(|o| same(o, silence)) {
            lines.push(format!(
                "+ silence of {} at {}'s offices: {}",
                silence.rule, silence.country, silence.reason
            ));
        }
    }
    for silence in &old.silences {
        if !new.silences.iter().any(|n| same(n, silence)) {
            lines.push(format!(
                "- silence of {} at {}'s offices",
                silence.rule, silence.country
            ));
        }
    }
    lines
}

fn what_changed(old: &Rule, new: &Rule) -> Vec<String> {
    let mut what = Vec::new();
    let mut field = |name: &str, before: String, after: String| {
        if before != after {
            what.push(format!("{name} {after} (was {before})"));
        }
    };
    field("owner", old.owner.to_string(), new.owner.to_string());
    field("private", old.private.to_string(), new.private.to_string());
    field("when", format!("{:?}", old.when), format!("{:?}", new.when));
    field("weight", old.weight.to_string(), new.weight.to_string());
    let lane = |r: &Rule| r.lane.map_or("none", |l| l.as_str()).to_owned();
    field("lane", lane(old), lane(new));
    field(
        "validFrom",
        old.valid_from.to_string(),
        new.valid_from.to_string(),
    );
    let to = |r: &Rule| r.valid_to.map_or("open".to_owned(), |d| d.to_string());
    field("validTo", to(old), to(new));
    if old.reason != new.reason || old.check != new.check {
        what.push("reason or check reworded".into());
    }
    what
}

/// The first change from `old` to `new` that an operator of `country` may not make — to a
/// rule another owner's, or to the lanes — described for the refusal; `None` if every change
/// is to `country`'s own rules.
pub fn foreign_change(
    old: &RuleSet,
    new: &RuleSet,
    country: transit_model::CountryCode,
) -> Option<String> {
    let own = crate::Owner::Country(country);
    if old.lanes != new.lanes {
        return Some("the lanes' thresholds are the region's".into());
    }
    for rule in &new.rules {
        match old.rules.iter().find(|r| r.id == rule.id) {
            Some(before) if before == rule => {}
            Some(before) if before.owner != own => {
                return Some(format!("rule {} is owned by {}", rule.id, before.owner));
            }
            _ if rule.owner != own => {
                return Some(format!("rule {} would be owned by {}", rule.id, rule.owner));
            }
            _ => {}
        }
    }
    if let Some(r) = old
        .rules
        .iter()
        .find(|r| r.owner != own && !new.rules.iter().any(|n| n.id == r.id))
    {
        return Some(format!("rule {} is owned by {}", r.id, r.owner));
    }
    let others = |set: &RuleSet| -> Vec<crate::Silence> {
        set.silences
            .iter()
            .filter(|s| s.country != country)
            .cloned()
            .collect()
    };
    (others(old) != others(new)).then(|| "another country's silences are that country's".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_is_one_line_saying_what_it_was() {
        let old = RuleSet::starter();
        assert!(changes(&old, &old).is_empty());
        let mut new = old.clone();
        new.rules[0].weight = 55;
        new.rules.remove(1);
        let mut added = new.rules[0].clone();
        added.id = "night-crossing".into();
        new.rules.push(added);
        new.lanes.red_from = 70;
        let lines = changes(&old, &new);
        assert_eq!(lines.len(), 4, "{lines:#?}");
        assert_eq!(
            lines[0],
            "~ lanes: yellow from 30, red from 70 (was 30, 60)"
        );
        assert_eq!(lines[1], "~ rule seals-broken (region): weight 55 (was 40)");
        assert!(
            lines[2].starts_with("+ rule night-crossing (region): "),
            "{}",
            lines[2]
        );
        assert_eq!(lines[3], "- rule unloading (region)");
    }

    #[test]
    fn a_country_changes_only_its_own_rules() {
        let bf = transit_model::CountryCode::parse("BF").unwrap();
        let old = RuleSet::starter();
        let mut own = old.clone();
        own.rules.last_mut().unwrap().weight = 50;
        assert_eq!(
            foreign_change(&old, &own, bf),
            None,
            "bf-sensitive-chapters is BF's"
        );
        let mut regional = old.clone();
        regional.rules[0].weight = 10;
        assert_eq!(
            foreign_change(&old, &regional, bf).as_deref(),
            Some("rule seals-broken is owned by region")
        );
        let mut removed = old.clone();
        removed.rules.remove(0);
        assert!(foreign_change(&old, &removed, bf).is_some());
        let mut lanes = old.clone();
        lanes.lanes.red_from = 90;
        assert!(foreign_change(&old, &lanes, bf).is_some());
    }
}
