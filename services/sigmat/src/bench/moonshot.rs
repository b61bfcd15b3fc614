//! The moonshot target in the bench's report: `sigmat bench` does not replay 100 million
//! messages itself; it reads the figure `sigmat simulate --summary-json` wrote into
//! `moonshot.json` beside the reports (committed with them), and says which run it came from.

use std::path::Path;

use crate::simulate::moonshot::Moonshot;

/// The moonshot figure as `sigmat simulate` wrote it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MoonshotFigure {
    /// Where it was read.
    pub file: String,
    /// 100 million messages carried at the run's rate, hours (none: the run was too short or
    /// the file has no figure; `note` says why).
    pub hours: Option<f64>,
    /// What the run was and what it was measured on, or why there is no figure.
    pub note: String,
}

/// What the bench reads of `sigmat simulate`'s summary.
#[derive(serde::Deserialize)]
struct Summary {
    moonshot: Moonshot,
}

/// Reads `moonshot.json` in `dir`.
pub fn read(dir: &Path) -> MoonshotFigure {
    let path = dir.join("moonshot.json");
    let file = path.display().to_string();
    let m = match std::fs::read(&path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice::<Summary>(&bytes).map_err(|e| e.to_string()))
    {
        Ok(summary) => summary.moonshot,
        Err(err) => {
            return MoonshotFigure {
                file: file.clone(),
                hours: None,
                note: format!(
                    "no moonshot figure: {file} cannot be read ({err}); write it with `sigmat simulate --as-fast-as-possible --summary-json {file}` over at least 30 minutes"
                ),
            }
        }
    };
    let database = match (m.before, m.bytes_per_message) {
        (Some(before), Some(growth)) => format!(
            "on a database already holding {} movements ({:.1} GB), growing {growth:.0} B per message",
            before.movements,
            before.database_bytes as f64 / 1e9
        ),
        _ => "the database not read".to_owned(),
    };
    let note = match m.hours_for_100_million {
        Some(_) => format!(
            "from {file}: {:.0} messages carried per second ({} taken in, {} delivered) over a {:.0}-minute `sigmat simulate` run, {database}",
            m.carried_per_s,
            m.messages_in,
            m.deliveries_out,
            m.seconds / 60.0,
        ),
        None => format!("{file} gives no figure: {}", m.why_not.join("; ")),
    };
    MoonshotFigure {
        file,
        hours: m.hours_for_100_million,
        note,
    }
}
