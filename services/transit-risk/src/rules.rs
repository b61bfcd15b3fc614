//! Risk rules as the administrations write them (`schemas/risk/rules.json`, published with the
//! reference data as its file `risk/rules.json`), and the same rules compiled ([`RuleBook`]).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use transit_model::CountryCode;

use crate::facts::{Facts, NetworkFacts};
use crate::RiskError;

/// The path of the rules in a reference document.
pub const RULES_FILE: &str = "risk/rules.json";

/// A movement's lane at an office: what its officers do with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lane {
    /// Nothing to check beyond the routine: confirm as usual.
    Green,
    /// Check the documents.
    Yellow,
    /// Physical control: the control results must say what was checked.
    Red,
}

impl Lane {
    /// `green`, `yellow` or `red`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Green => "green",
            Self::Yellow => "yellow",
            Self::Red => "red",
        }
    }
}

/// Who owns a rule: the region (every office on every corridor) or one country (its offices).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Owner {
    /// The regional body: the rule applies at every office.
    Region,
    /// One administration: the rule applies at its offices only.
    Country(CountryCode),
}

impl Owner {
    /// Whether the rule counts at an office of `country` (`None`: the hub's view, where every
    /// rule counts).
    pub fn applies_at(self, country: Option<CountryCode>) -> bool {
        match (self, country) {
            (Self::Region, _) | (_, None) => true,
            (Self::Country(owner), Some(country)) => owner == country,
        }
    }
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Region => f.write_str("region"),
            Self::Country(c) => f.write_str(c.as_str()),
        }
    }
}

impl Serialize for Owner {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Owner {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == "region" {
            return Ok(Self::Region);
        }
        CountryCode::parse(&text).map(Self::Country).map_err(|_| {
            serde::de::Error::custom(format!(
                "owner {text:?} is neither \"region\" nor a country code (CI, BF…)"
            ))
        })
    }
}

/// A text in English and French (the officer reads it in their language).
pub use transit_model::Bilingual;

/// One rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// Its name: lower-case letters, digits and dashes (`seals-broken`), unique in the set.
    pub id: String,
    /// Who owns it, and so where it applies.
    pub owner: Owner,
    /// A country's rule whose reasons only that country reads; others see only that a rule of
    /// that country raised the lane. Regional rules are never private.
    #[serde(default)]
    pub private: bool,
    /// The condition, in CEL over `m` (the movement and its history) and `network` (what the
    /// hub sees across movements); docs/risk.md lists every field.
    pub when: String,
    /// Points added to the score when it fires (0 to 100).
    #[serde(default)]
    pub weight: u32,
    /// The lowest lane the movement takes when it fires, whatever the score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lane: Option<Lane>,
    /// Why, as the officer reads it.
    pub reason: Bilingual,
    /// What to check first.
    pub check: Bilingual,
    /// The first day it applies.
    pub valid_from: NaiveDate,
    /// The last day it applies (none: until withdrawn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
}

impl Rule {
    /// Whether it applies on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }
}

/// Scores from which a movement goes yellow and red.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Thresholds {
    /// The score from which the lane is yellow.
    pub yellow_from: u32,
    /// The score from which the lane is red.
    pub red_from: u32,
}

impl Thresholds {
    /// The lane of `score`.
    pub fn lane_of(self, score: u32) -> Lane {
        if score >= self.red_from {
            Lane::Red
        } else if score >= self.yellow_from {
            Lane::Yellow
        } else {
            Lane::Green
        }
    }
}

/// The rules of a network, as imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleSet {
    /// What this set is (free text for the history).
    #[serde(default)]
    pub note: String,
    /// Where yellow and red start.
    pub lanes: Thresholds,
    /// The rules, in the order their reasons are shown.
    pub rules: Vec<Rule>,
    /// Rules a country's operators silenced at its offices, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub silences: Vec<Silence>,
}

/// A rule silenced at one country's offices: it still fires and is counted (its figures go
/// on), but no longer raises the lane there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Silence {
    /// The rule.
    pub rule: String,
    /// Where it is silenced.
    pub country: CountryCode,
    /// Why, as the operator said (kept in the history and the audit log).
    pub reason: String,
    /// Who silenced it.
    pub by: String,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
}

impl RuleSet {
    /// What the officers read of `rule`: its reason and what to check first (a rule no longer
    /// in this set says so).
    pub fn texts_of(&self, rule: &str) -> (Bilingual, Bilingual) {
        match self.rules.iter().find(|r| r.id == rule) {
            Some(r) => (r.reason.clone(), r.check.clone()),
            None => (
                Bilingual {
                    en: format!("Rule {rule} (no longer in the rules)."),
                    fr: format!("Règle {rule} (retirée des règles)."),
                },
                Bilingual {
                    en: "Ask the rule's owner.".into(),
                    fr: "Demander au propriétaire de la règle.".into(),
                },
            ),
        }
    }

    /// The countries where `rule` is silenced.
    pub fn silenced_in(&self, rule: &str) -> Vec<CountryCode> {
        self.silences
            .iter()
            .filter(|s| s.rule == rule)
            .map(|s| s.country)
            .collect()
    }

    /// The starter set published with sigmat (`schemas/risk/rules.json`).
    pub fn starter() -> Self {
        serde_json::from_str(include_str!("../../../schemas/risk/rules.json"))
            .unwrap_or_else(|e| panic!("schemas/risk/rules.json is not a rule set: {e}"))
    }

    /// The set as a reader of `viewer` (`None`: the hub) sees it: every rule but other
    /// countries' private ones, and how many of those each country has.
    pub fn readable_by(&self, viewer: Option<CountryCode>) -> (RuleSet, Vec<(Owner, usize)>) {
        let readable = |r: &Rule| !r.private || Some(r.owner) == viewer.map(Owner::Country);
        let mut hidden: Vec<(Owner, usize)> = Vec::new();
        for rule in self.rules.iter().filter(|r| !readable(r)) {
            match hidden.iter_mut().find(|(o, _)| *o == rule.owner) {
                Some((_, n)) => *n += 1,
                None => hidden.push((rule.owner, 1)),
            }
        }
        let set = RuleSet {
            rules: self.rules.iter().filter(|r| readable(r)).cloned().collect(),
            ..self.clone()
        };
        (set, hidden)
    }

    /// `submitted`, as a reader of `viewer` sent it, with the rules they could not read put
    /// back from this set — but for those it names by id, which it replaces (whether the
    /// reader may replace them is [`crate::diff::foreign_change`]'s to say): what importing it
    /// means.
    pub fn with_unreadable_of(&self, submitted: RuleSet, viewer: Option<CountryCode>) -> RuleSet {
        let readable = |r: &Rule| !r.private || Some(r.owner) == viewer.map(Owner::Country);
        let mut merged = submitted;
        let kept: Vec<Rule> = self
            .rules
            .iter()
            .filter(|r| !readable(r) && !merged.rules.iter().any(|m| m.id == r.id))
            .cloned()
            .collect();
        merged.rules.extend(kept);
        merged
    }

    /// No rules, with the usual thresholds: a network that has imported none.
    pub fn empty() -> Self {
        RuleSet {
            note: "no rules".into(),
            lanes: Thresholds {
                yellow_from: 30,
                red_from: 60,
            },
            rules: Vec::new(),
            silences: Vec::new(),
        }
    }

    /// Reads a rule set from its JSON.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, RiskError> {
        serde_json::from_value(value.clone()).map_err(|e| {
            RiskError::new(
                "the rule set",
                e.to_string(),
                "see schemas/risk/rules.schema.json and docs/risk.md",
            )
        })
    }
}

/// The longest condition a rule may have.
const MAX_CONDITION_BYTES: usize = 2_000;
/// How deep a condition's brackets and operators may nest.
const MAX_CONDITION_NESTING: usize = 32;
/// The most rules a set may hold.
const MAX_RULES: usize = 500;

/// How deep `text`'s brackets nest, and how many unary operators follow one another (both make
/// the parser recurse).
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest, mut unary) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        unary = if matches!(c, '!' | '-') {
            unary + 1
        } else if c.is_whitespace() {
            unary
        } else {
            0
        };
        deepest = deepest.max(depth).max(unary);
    }
    deepest
}

/// A rule set checked and compiled, ready to score under: the reference data version it came
/// with, and each rule's program.
pub struct RuleBook {
    /// The reference data version the rules were imported with (0: none imported).
    pub version: i64,
    /// The rules as written.
    pub set: RuleSet,
    programs: Vec<cel::Program>,
    /// CEL's standard functions, built once (each evaluation adds its variables in a scope of
    /// its own over it).
    root: cel::Context<'static, 'static>,
}

impl std::fmt::Debug for RuleBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleBook")
            .field("version", &self.version)
            .field("rules", &self.set.rules.len())
            .finish()
    }
}

impl RuleBook {
    /// No rules, as reference data `version` (0: none imported): every movement green.
    pub fn none(version: i64) -> Self {
        Self {
            version,
            set: RuleSet::empty(),
            programs: Vec::new(),
            root: cel::Context::default(),
        }
    }

    /// Checks and compiles `set`, imported with reference data `version`. Every rule is also
    /// tried on a sample movement with a history of every kind, so a misspelt field is refused
    /// here rather than found on the road.
    pub fn compile(set: RuleSet, version: i64) -> Result<Self, RiskError> {
        let Thresholds {
            yellow_from,
            red_from,
        } = set.lanes;
        if yellow_from == 0 || yellow_from >= red_from {
            return Err(RiskError::new(
                "lanes",
                format!("yellowFrom {yellow_from} and redFrom {red_from}"),
                "give 0 < yellowFrom < redFrom (for example 30 and 60)",
            ));
        }
        if set.rules.len() > MAX_RULES {
            return Err(RiskError::new(
                "rules",
                format!("{} rules; at most {MAX_RULES}", set.rules.len()),
                "withdraw rules that no longer fire",
            ));
        }
        let mut ids = BTreeSet::new();
        let mut programs = Vec::with_capacity(set.rules.len());
        for rule in &set.rules {
            let at = format!("rule {}", rule.id);
            if rule.id.is_empty()
                || rule.id.len() > 64
                || !rule
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(RiskError::new(
                    &at,
                    "the id is not 1 to 64 lower-case letters, digits and dashes",
                    "name it like seals-broken",
                ));
            }
            if !ids.insert(rule.id.as_str()) {
                return Err(RiskError::new(
                    &at,
                    "a second rule has this id",
                    "give every rule its own id",
                ));
            }
            if rule.weight > 100 {
                return Err(RiskError::new(
                    &at,
                    format!("weight {} is above 100", rule.weight),
                    "give a weight from 0 to 100",
                ));
            }
            if rule.weight == 0 && rule.lane.is_none() {
                return Err(RiskError::new(
                    &at,
                    "it has neither a weight nor a lane, so it could never change anything",
                    "give it a weight, a lane or both",
                ));
            }
            if rule.private && rule.owner == Owner::Region {
                return Err(RiskError::new(
                    &at,
                    "a regional rule cannot be private",
                    "make it a country's rule, or not private",
                ));
            }
            if rule.valid_to.is_some_and(|to| to < rule.valid_from) {
                return Err(RiskError::new(
                    &at,
                    "validTo is before validFrom",
                    "correct the dates",
                ));
            }
            for (what, text) in [
                ("reason.en", &rule.reason.en),
                ("reason.fr", &rule.reason.fr),
                ("check.en", &rule.check.en),
                ("check.fr", &rule.check.fr),
            ] {
                if text.chars().any(char::is_control) {
                    return Err(RiskError::new(
                        &at,
                        format!("{what} holds a control character"),
                        "write it on one line, in plain text",
                    ));
                }
                if text.trim().is_empty() || text.len() > 300 {
                    return Err(RiskError::new(
                        &at,
                        format!("{what} is empty or over 300 bytes"),
                        "write what the officer reads, in a sentence or two",
                    ));
                }
            }
            // The parser recurses on nesting: bound it (and the length) before it runs, so a
            // hostile or broken rule set is refused rather than overflowing the stack.
            if rule.when.len() > MAX_CONDITION_BYTES || nesting(&rule.when) > MAX_CONDITION_NESTING
            {
                return Err(RiskError::new(
                    &at,
                    format!("its condition is over {MAX_CONDITION_BYTES} bytes or nested over {MAX_CONDITION_NESTING} deep"),
                    "split it into several rules",
                ));
            }
            let program = cel::Program::compile(&rule.when).map_err(|e| {
                RiskError::new(
                    &at,
                    format!("its condition is not CEL: {e}"),
                    "see docs/risk.md for the language and the fields",
                )
            })?;
            programs.push(program);
        }
        if set.note.chars().any(char::is_control) || set.note.len() > 500 {
            return Err(RiskError::new(
                "note",
                "it holds a control character or is over 500 bytes",
                "write it on one line, in plain text",
            ));
        }
        for silence in &set.silences {
            if !ids.contains(silence.rule.as_str()) {
                return Err(RiskError::new(
                    &format!("silence of {} in {}", silence.rule, silence.country),
                    "there is no such rule",
                    "lift the silence, or silence a rule of the set",
                ));
            }
            if silence.reason.trim().is_empty() || silence.reason.chars().any(char::is_control) {
                return Err(RiskError::new(
                    &format!("silence of {} in {}", silence.rule, silence.country),
                    "it has no reason",
                    "say why the rule is silenced (the history and the audit log keep it)",
                ));
            }
        }
        let book = Self {
            version,
            set,
            programs,
            root: cel::Context::default(),
        };
        let (sample, network) = (Facts::sample(), NetworkFacts::sample());
        let scope = book
            .scope(&sample, &network)
            .map_err(|e| RiskError::new("the sample movement", e, "report this as a bug"))?;
        for (rule, program) in book.set.rules.iter().zip(&book.programs) {
            Self::evaluate(program, &scope).map_err(|e| {
                RiskError::new(
                    &format!("rule {}", rule.id),
                    format!("its condition fails on a sample movement: {e}"),
                    "check the field names against docs/risk.md; the condition must give true or false",
                )
            })?;
        }
        Ok(book)
    }

    /// The variables every condition reads, `m` and `network`, converted once for all the
    /// rules of an assessment.
    pub(crate) fn scope(
        &self,
        facts: &Facts,
        network: &NetworkFacts,
    ) -> Result<cel::Context<'_, 'static>, String> {
        let mut scope = self.root.new_inner_scope();
        scope.add_variable("m", facts).map_err(|e| e.to_string())?;
        scope
            .add_variable("network", network)
            .map_err(|e| e.to_string())?;
        Ok(scope)
    }

    /// Whether `program` holds in `scope`; an error says why it could not be evaluated.
    pub(crate) fn evaluate(
        program: &cel::Program,
        scope: &cel::Context<'_, '_>,
    ) -> Result<bool, String> {
        match program.execute(scope) {
            Ok(cel::Value::Bool(b)) => Ok(b),
            Ok(other) => Err(format!("it gives {other:?}, not true or false")),
            Err(e) => Err(e.to_string()),
        }
    }

    /// The rules with their programs.
    pub(crate) fn compiled(&self) -> impl Iterator<Item = (&Rule, &cel::Program)> {
        self.set.rules.iter().zip(&self.programs)
    }
}
