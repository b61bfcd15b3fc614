//! The moonshot target in the bench's report: `sigmat bench` does not replay 100 million
//! messages itself; it reads the figure `sigmat simulate --summary-json` wrote into
//! `moonshot.json` beside the reports (committed with them), and says which run it came from.

use std::path::Path;

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

/// Reads `moonshot.json` in `dir`.
pub fn read(dir: &Path) -> MoonshotFigure {
    let path = dir.join("moonshot.json");
    let file = path.display().to_string();
    let summary: serde_json::Value = match std::fs::read(&path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
    {
        Ok(summary) => summary,
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
    let m = &summary["moonshot"];
    let hours = m["hours_for_100_million"].as_f64();
    let number = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
    let database = match (m["before"]["movements"].as_i64(), m["bytes_per_message"].as_f64()) {
        (Some(movements), Some(growth)) => format!(
            "on a database already holding {movements} movements ({:.1} GB), growing {growth:.0} B per message",
            number(&m["before"]["database_bytes"]) / 1e9
        ),
        _ => "the database not read".to_owned(),
    };
    let note = match hours {
        Some(_) => format!(
            "from {file}: {:.0} messages carried per second ({} taken in, {} delivered) over a {:.0}-minute `sigmat simulate` run, {database}",
            number(&m["carried_per_s"]),
            m["messages_in"],
            m["deliveries_out"],
            number(&m["seconds"]) / 60.0,
        ),
        None => format!(
            "{file} gives no figure: {}",
            m["why_not"]
                .as_array()
                .map(|w| w.iter().filter_map(|s| s.as_str()).collect::<Vec<_>>().join("; "))
                .unwrap_or_else(|| "it was written before simulate gave one".into())
        ),
    };
    MoonshotFigure { file, hours, note }
}
