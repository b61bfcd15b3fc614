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

    /// Checks `body` — a message the translator has already read within the parsers'
    /// limits, so `xmllint` never builds more than they allow — against the schema of its
    /// root element.
    pub(crate) fn check(&self, body: &[u8]) -> Result<(), ApiError> {
        let Some(root) = transit_national::document::xml_root(body) else {
            return Ok(());
        };
        let schema = self.messages.join(format!("{root}.xsd"));
        if !root.bytes().all(|b| b.is_ascii_alphanumeric()) || !schema.is_file() {
            tracing::error!(%root, folder = %self.messages.display(), "no official schema for a message the translator read");
            return Err(ApiError::unavailable(format!(
                "the adapter has no official schema for {root}; tell the hub's operators (official_schemas is incomplete)"
            )));
        }
        let output = match run_xmllint(&schema, body) {
            Ok(output) => output,
            Err(err) => {
                tracing::error!(error = %err, "xmllint could not run; submission not accepted");
                return Err(ApiError::unavailable(
                    "the adapter could not check the message against the official schemas; send again later or tell the hub's operators",
                ));
            }
        };
        // xmllint's exit status: 0 valid; 1 not well-formed; 3 and 4 invalid; anything else
        // (5: the schema does not compile) is the adapter's fault, not the sender's.
        match output.status.code() {
            Some(0) => Ok(()),
            Some(1 | 3 | 4) => {
                let (place, reason) =
                    first_violation(&String::from_utf8_lossy(&output.stderr), &root);
                let mut error = ApiError::invalid(&place, reason);
                error.kind = transit_http::ErrorKind::Translation(SCHEMA_ERROR.into());
                error.hint = format!(
                    "correct the element as NCTS's {root}.xsd (51.8.6) defines it — the reason quotes the schema — and send the message again"
                );
                Err(error)
            }
            other => {
                tracing::error!(status = ?other, stderr = %String::from_utf8_lossy(&output.stderr), "xmllint failed on the official schemas");
                Err(ApiError::unavailable(
                    "the adapter could not check the message against the official schemas; send again later or tell the hub's operators",
                ))
            }
        }
    }
}

/// Runs `xmllint` on `body` against `schema`. The body is written from a thread of its own
/// while the complaints are read, so a document that makes xmllint complain as it parses
/// cannot fill its error pipe and leave both waiting.
fn run_xmllint(schema: &Path, body: &[u8]) -> std::io::Result<std::process::Output> {
    let mut child = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(schema)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdin = child.stdin.take();
    let body = body.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // xmllint may stop reading early (a broken pipe): its verdict says why.
            let _ = stdin.write_all(&body);
        }
    });
    let output = child.wait_with_output();
    let _ = writer.join();
    output
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
    let rest = rest.trim();
    let element = rest
        .strip_prefix("element ")
        .and_then(|r| r.split_once(": "))
        .map_or(root, |(element, _)| element);
    let reason = rest.split_once("error : ").map_or(rest, |(_, r)| r).trim();
    let place = match number
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
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
    fn a_value_holding_the_separator_is_quoted_whole() {
        let (place, reason) = first_violation(
            "-:12: element referenceNumber: Schemas validity error : Element 'referenceNumber': [facet 'pattern'] The value 'BF : K01' is not accepted by the pattern '[A-Z]{2}[A-Z0-9]{6}'.\n",
            "CD118C",
        );
        assert_eq!(place, "line 12, element referenceNumber");
        assert!(reason.contains("'BF : K01' is not accepted"), "{reason}");
        let (place, _) = first_violation(
            "-:2: element ncts:CD118C: Schemas validity error : Element '{http://ncts.dgtaxud.ec}CD118C': Missing child element(s).\n",
            "CD118C",
        );
        assert_eq!(place, "line 2, element ncts:CD118C");
    }

    #[test]
    fn a_document_that_makes_xmllint_complain_at_length_does_not_hang_the_check() {
        if Command::new("xmllint").arg("--version").output().is_err() {
            eprintln!("SKIPPED: no xmllint on this machine");
            return;
        }
        let dir = std::env::temp_dir().join(format!("sigmat-official-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("cd")).unwrap();
        std::fs::write(
            dir.join("cd").join("CD050C.xsd"),
            r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="CD050C"><xs:complexType/></xs:element></xs:schema>"#,
        )
        .unwrap();
        let schemas = OfficialSchemas::open(&dir, Family::Ncts).unwrap();
        // Every element's undeclared prefix is a complaint written while xmllint still reads:
        // far more than a pipe holds.
        let body = format!("<CD050C>{}</CD050C>", "<a:x/>\n".repeat(40_000));
        let (done, verdict) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(schemas.check(body.as_bytes()));
        });
        let verdict = verdict
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the check returned");
        let _ = std::fs::remove_dir_all(&dir);
        let err = verdict.unwrap_err();
        assert_eq!(err.status(), 400, "{err}");
    }
}
