//! Official schemas: a published national format's XSDs (NCTS phase 5's, version 51.8.6),
//! checked with libxml2's `xmllint` before a message is translated, when the operator names
//! their folder (`official_schemas`). The translator's own checks (lengths, patterns, code
//! lists of what it reads) run either way; this one adds everything the schema says — order,
//! unknown elements, cardinalities — and names the element that breaks it, in the family's
//! own rejection (NCTS: CD917C-shaped). No well-kept Rust XSD validator handles the NCTS
//! schemas' size (the pure-Rust ones are 0.0.x); `xmllint` is Debian's `libxml2-utils`, in
//! the adapter's image.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context as _;
use transit_http::ApiError;
use transit_national::Family;

/// The error class of a message the official schemas refuse.
pub(crate) const SCHEMA_ERROR: &str = "schema";

/// The folder of a family's official XSDs.
#[derive(Clone, Debug)]
pub(crate) struct OfficialSchemas {
    /// The folder of the message schemas (`<official_schemas>/cd` for NCTS).
    messages: PathBuf,
}

impl OfficialSchemas {
    /// Checks at start that `dir` holds the family's schemas and that `xmllint` runs.
    pub(crate) fn open(dir: &Path, family: Family) -> anyhow::Result<Self> {
        anyhow::ensure!(
            family == Family::Ncts,
            "official_schemas is set, but the {family} family has no published schemas to check against (only ncts has): remove the setting"
        );
        let messages = dir.join("cd");
        anyhow::ensure!(
            messages.join("CD050C.xsd").is_file(),
            "official_schemas = {}: no cd/CD050C.xsd there; point it at the folder of NCTS's XSDs 51.8.6 (schemas/national/ncts/README.md says where to get them)",
            dir.display()
        );
        let version = Command::new("xmllint").arg("--version").output().context(
            "official_schemas is set but xmllint does not run: install Debian's libxml2-utils",
        )?;
        anyhow::ensure!(version.status.success(), "xmllint --version failed");
        Ok(Self { messages })
    }

    /// Checks `body` against the schema of its root element. A body whose root has no schema
    /// here (not XML, an unknown message) is left to the translator, which says what is wrong.
    pub(crate) fn check(&self, body: &[u8]) -> Result<(), ApiError> {
        let Some(root) = root_element(body) else {
            return Ok(());
        };
        let schema = self.messages.join(format!("{root}.xsd"));
        if !root.bytes().all(|b| b.is_ascii_alphanumeric()) || !schema.is_file() {
            return Ok(());
        }
        let outcome = Command::new("xmllint")
            .arg("--noout")
            .arg("--nonet")
            .arg("--schema")
            .arg(&schema)
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                if let Some(mut stdin) = child.stdin.take() {
                    stdin.write_all(body)?;
                }
                child.wait_with_output()
            });
        let output = match outcome {
            Ok(output) => output,
            Err(err) => {
                tracing::error!(error = %err, "xmllint could not run; submission not accepted");
                return Err(ApiError::unavailable(
                    "the adapter could not check the message against the official schemas; send again later or tell the hub's operators",
                ));
            }
        };
        if output.status.success() {
            return Ok(());
        }
        let (place, reason) = first_violation(&String::from_utf8_lossy(&output.stderr), &root);
        let mut error = ApiError::invalid(&place, reason);
        error.error = SCHEMA_ERROR.to_owned();
        error.hint = format!(
            "correct the element as NCTS's {root}.xsd (51.8.6) defines it — the reason quotes the schema — and send the message again"
        );
        Err(error)
    }
}

/// The root element's local name (`CD118C` of `<ncts:CD118C …>`).
fn root_element(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let start = text
        .match_indices('<')
        .map(|(i, _)| i)
        .find(|i| !text[i + 1..].starts_with('?') && !text[i + 1..].starts_with('!'))?;
    let name: String = text[start + 1..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    Some(name.rsplit(':').next().unwrap_or(&name).to_owned())
}

/// xmllint's first complaint (`-:12: element foo: Schemas validity error : Element 'foo':
/// This element is not expected. Expected is ( passageDate ).`) as (place, reason).
fn first_violation(stderr: &str, root: &str) -> (String, String) {
    let Some(line) = stderr.lines().find(|l| l.contains("error")) else {
        return (
            root.to_owned(),
            format!("the message does not validate against {root}.xsd"),
        );
    };
    let mut parts = line.splitn(3, ':');
    let (_, number, rest) = (parts.next(), parts.next(), parts.next().unwrap_or(line));
    let element = rest
        .trim()
        .strip_prefix("element ")
        .and_then(|r| r.split(':').next())
        .unwrap_or(root);
    let reason = rest.rsplit(" : ").next().unwrap_or(rest).trim().to_owned();
    let place = match number
        .map(str::trim)
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
    {
        Some(n) => format!("line {n}, element {element}"),
        None => element.to_owned(),
    };
    (place, format!("{root}.xsd: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmllints_complaint_names_the_line_and_element() {
        let (place, reason) = first_violation(
            "-:9: element foo: Schemas validity error : Element 'foo': This element is not expected. Expected is ( passageDate ).\n- fails to validate\n",
            "CD118C",
        );
        assert_eq!(place, "line 9, element foo");
        assert_eq!(
            reason,
            "CD118C.xsd: Element 'foo': This element is not expected. Expected is ( passageDate )."
        );
    }

    #[test]
    fn the_root_is_read_without_its_prefix() {
        assert_eq!(
            root_element(b"<?xml version=\"1.0\"?>\n<ncts:CD118C xmlns:ncts=\"x\">").as_deref(),
            Some("CD118C")
        );
        assert_eq!(root_element(b"{\"json\": 1}"), None);
    }
}
