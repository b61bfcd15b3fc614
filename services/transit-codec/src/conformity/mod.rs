//! The WCO Conformity Framework check: how far does a message conform to the WCO Data Model?
//!
//! Four graded levels, each including the ones below:
//! 1. every data element uses a WCO name and format representation;
//! 2. the structure follows the WCO DM class diagram;
//! 3. WCO-recommended code lists are used;
//! 4. the message is in a syntax the WCO DM supports (JSON, XML).
//!
//! [`check`] walks the document along the published JSON Schema of its message type
//! (`schemas/transit/v1/json`, compiled in), and reports every element that keeps it from the
//! next level. Elements the WCO DM 3.6 declaration package has no ID for are this project's
//! extensions (`x-wco-id: project-assigned`): they are listed, not counted against a level.
//!
//! ```
//! let bytes = include_bytes!("../../../../schemas/transit/v1/examples/IE118.json");
//! let report = transit_codec::conformity::check(bytes);
//! assert_eq!(report.level, 4);
//! ```

mod walk;

use serde::Serialize;
use transit_model::MessageType;

/// The syntax a document was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Syntax {
    /// JSON.
    Json,
    /// XML.
    Xml,
    /// Neither: not a WCO-supported syntax as far as this checker can read.
    Unknown,
}

/// One element keeping the message from a level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// The level this breaks (1 names and formats, 2 structure, 3 code lists, 4 syntax).
    pub level: u8,
    /// Where, as a JSON pointer.
    pub pointer: String,
    /// The element's WCO ID, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wco_id: Option<String>,
    /// What is wrong.
    pub reason: String,
}

/// The result of a check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The highest level reached (0 to 4).
    pub level: u8,
    /// The syntax the document was read in.
    pub syntax: Syntax,
    /// The message type, when it could be told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_type: Option<String>, // raw text: as the checked document names it
    /// Every element keeping the message from a level, lowest level first.
    pub findings: Vec<Finding>,
    /// Elements present in the message that are project-assigned (no WCO ID).
    pub project_assigned: Vec<String>,
}

/// The names of the levels, for people.
pub const LEVEL_NAMES: [&str; 5] = [
    "none",
    "WCO names and formats",
    "WCO structure",
    "WCO-recommended code lists",
    "WCO-supported syntax",
];

/// Checks a standardized message given as JSON or XML bytes.
pub fn check(bytes: &[u8]) -> Report {
    let trimmed = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &bytes[i..])
        .unwrap_or_default();
    match trimmed.first() {
        Some(b'{') => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(value) => check_value(&value, Syntax::Json),
            Err(e) => syntax_failure(Syntax::Unknown, format!("not valid JSON: {e}")),
        },
        Some(b'<') => match crate::xml::decode(bytes) {
            Ok(message) => check_value(
                &serde_json::to_value(&message).unwrap_or_default(),
                Syntax::Xml,
            ),
            Err(e) => {
                // The XML could not be read into the standardized structure: the element the
                // decoder names is the first obstacle; nothing above level 0 can be claimed.
                let mut report = syntax_failure(Syntax::Xml, String::new());
                report.findings = vec![Finding {
                    level: 1,
                    pointer: e.pointer.clone(),
                    wco_id: None,
                    reason: format!("{} (the XML could not be read further)", e.reason),
                }];
                report
            }
        },
        _ => syntax_failure(
            Syntax::Unknown,
            "neither JSON nor XML: not a WCO-supported syntax".into(),
        ),
    }
}

fn syntax_failure(syntax: Syntax, reason: String) -> Report {
    Report {
        level: 0,
        syntax,
        message_type: None,
        findings: if reason.is_empty() {
            Vec::new()
        } else {
            vec![Finding {
                level: 4,
                pointer: "/".into(),
                wco_id: None,
                reason,
            }]
        },
        project_assigned: Vec::new(),
    }
}

fn check_value(value: &serde_json::Value, syntax: Syntax) -> Report {
    let code = value
        .pointer("/header/messageType")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let Some(message_type) = code.as_deref().and_then(|c| MessageType::from_code(c).ok()) else {
        return Report {
            level: 0,
            syntax,
            message_type: code,
            findings: vec![Finding {
                level: 1,
                pointer: "/header/messageType".into(),
                wco_id: None,
                reason:
                    "missing or not a message type of the catalogue, so no element can be judged"
                        .into(),
            }],
            project_assigned: Vec::new(),
        };
    };
    let mut walker = walk::Walker::new();
    walker.message(message_type, value);
    let mut findings = walker.findings;
    findings.sort_by(|a, b| {
        a.level
            .cmp(&b.level)
            .then_with(|| a.pointer.cmp(&b.pointer))
    });
    let level = findings.iter().map(|f| f.level - 1).min().unwrap_or(4);
    Report {
        level,
        syntax,
        message_type: Some(message_type.code().to_owned()),
        findings,
        project_assigned: walker.project_assigned,
    }
}

impl Report {
    /// The report as a person reads it.
    pub fn to_text(&self, name: &str) -> String {
        let mut out = format!(
            "{name}: WCO Conformity Framework level {} of 4 ({})\n",
            self.level,
            LEVEL_NAMES[usize::from(self.level)]
        );
        if self.level < 4 {
            out.push_str(&format!(
                "  to reach level {} ({}), fix:\n",
                self.level + 1,
                LEVEL_NAMES[usize::from(self.level) + 1]
            ));
        }
        for f in &self.findings {
            let wco = f
                .wco_id
                .as_deref()
                .map(|id| format!(" [WCO {id}]"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  level {}  {}{wco}: {}\n",
                f.level, f.pointer, f.reason
            ));
        }
        if !self.project_assigned.is_empty() {
            out.push_str(&format!(
                "  {} project-assigned elements (no WCO DM 3.6 ID; regional extensions): {}\n",
                self.project_assigned.len(),
                self.project_assigned.join(", ")
            ));
        }
        out
    }
}

/// The WCO ID the published JSON Schema gives the element at `pointer` of a message of type
/// `message_type` (e.g. `IE029`, `/body/obligationGuarantee/amountAmount` → `D028`-style id;
/// `project-assigned` where the WCO DM has none; `None` when there is no such element).
/// List items are addressed with `*` or an index.
pub fn wco_id(message_type: &str, pointer: &str) -> Option<String> {
    walk::wco_id(message_type, pointer)
}
