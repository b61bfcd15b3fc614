//! Every refusal a national system can get reads cleanly: no sentence said twice (in the reason,
//! or again in the advice that follows it), no path segment repeated (`ASYCUDA/ASYCUDA/…`,
//! `/a/a`), never empty. The inputs are each family's golden examples spoiled line by line:
//! a line removed, doubled, its values replaced by wrong ones, the file cut short.

use std::collections::BTreeSet;
use std::path::Path;

use transit_model::CountryCode;
use transit_national::{Family, TranslateError, Translator};

fn translator(family: Family, country: &str) -> std::sync::Arc<dyn Translator> {
    national_families::translator(family, CountryCode::parse(country).unwrap(), None)
        .unwrap()
        .unwrap()
}

fn examples(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas/national")
        .join(dir);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|entry| entry.as_ref().is_ok_and(|e| e.path().is_file()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The spoiled versions of `text`.
fn spoiled(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let join = |lines: Vec<&str>| lines.join("\n");
    let mut out = Vec::new();
    for at in 0..lines.len() {
        let mut removed = lines.clone();
        removed.remove(at);
        out.push(join(removed));
        // A doubled line that opens a JSON object or list nests a real path in itself.
        if !lines[at].trim_end().ends_with(['{', '[']) {
            let mut doubled = lines.clone();
            doubled.insert(at, lines[at]);
            out.push(join(doubled));
        }
        for wrong in ["ZZZZ", "-1", "2026-13-45", "x"] {
            let mut changed = lines.clone();
            let line = replace_values(lines[at], wrong);
            changed[at] = &line;
            out.push(join(changed.iter().map(|l| &**l).collect()));
        }
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for step in 1..20 {
        let (cut, _) = chars[chars.len() * step / 20];
        out.push(text[..cut].to_owned());
    }
    out
}

/// `line` with each run of letters and digits after its first replaced by `wrong` (the first
/// is usually the element, field or segment name).
fn replace_values(line: &str, wrong: &str) -> String {
    let mut out = String::new();
    let mut runs = 0;
    let mut in_run = false;
    for c in line.chars() {
        if c.is_alphanumeric() {
            if !in_run {
                runs += 1;
                in_run = true;
                if runs > 1 {
                    out.push_str(wrong);
                }
            }
            if runs == 1 {
                out.push(c);
            }
        } else {
            in_run = false;
            out.push(c);
        }
    }
    out
}

fn sentences(text: &str) -> Vec<String> {
    text.split(['.', ';', ':'])
        .map(|s| s.trim().to_lowercase())
        .filter(|s| s.split_whitespace().count() >= 3)
        .collect()
}

/// What is wrong with how `err` reads, if anything.
fn flaw(err: &TranslateError) -> Option<String> {
    if err.place.trim().is_empty() || err.reason.trim().is_empty() {
        return Some("empty place or reason".into());
    }
    let said = sentences(&err.reason);
    let mut seen = BTreeSet::new();
    for sentence in &said {
        if !seen.insert(sentence) {
            return Some(format!("the reason says {sentence:?} twice"));
        }
    }
    for sentence in sentences(err.hint()) {
        if said
            .iter()
            .any(|s| s.contains(&sentence) || sentence.contains(s.as_str()))
        {
            return Some(format!("the advice repeats the reason: {sentence:?}"));
        }
    }
    for separator in ['/', '.'] {
        let segments: Vec<&str> = err
            .place
            .split(separator)
            .filter(|s| !s.is_empty())
            .collect();
        if let Some(pair) = segments.windows(2).find(|pair| pair[0] == pair[1]) {
            return Some(format!("the place repeats {:?}", pair[0]));
        }
    }
    None
}

#[test]
fn refusals_read_cleanly_in_every_family() {
    let families = [
        (Family::Asycuda, "BF", "asycuda/examples"),
        (Family::Sydam, "CI", "sydam/examples"),
        (Family::Gainde, "SN", "gainde/examples"),
        (Family::Ncts, "GH", "ncts/examples"),
        // Rail: a declaration with its wagons, and a confirmation for a whole train.
        (Family::Asycuda, "BF", "asycuda/examples/rail"),
        (Family::Sydam, "CI", "sydam/examples/rail"),
        (Family::Gainde, "SN", "gainde/examples/rail"),
        (Family::Ncts, "GH", "ncts/examples/rail"),
    ];
    let mut flaws = BTreeSet::new();
    let mut refusals = 0;
    for (family, country, dir) in families {
        let t = translator(family, country);
        for (name, text) in examples(dir) {
            let mut inputs: Vec<Vec<u8>> =
                spoiled(&text).into_iter().map(String::into_bytes).collect();
            // Too large, and not in the character set it declares (a Latin-1 é).
            inputs.push(
                text.repeat(transit_national::MAX_NATIONAL_BYTES / text.len() + 1)
                    .into_bytes(),
            );
            inputs.push(
                text.replacen('e', "\u{FFFD}", 1)
                    .replace('\u{FFFD}', "\u{1}")
                    .into_bytes()
                    .into_iter()
                    .map(|b| if b == 1 { 0xE9 } else { b })
                    .collect(),
            );
            for input in inputs {
                // A train confirmation is read as one; anything else as a message.
                let read = t
                    .train_to_standard(&input)
                    .map(|r| r.map(|_| ()))
                    .unwrap_or_else(|| t.translate(&input).map(|_| ()));
                let Err(err) = read else {
                    continue;
                };
                refusals += 1;
                if let Some(flaw) = flaw(&err) {
                    flaws.insert(format!(
                        "{family} {name}: {flaw}\n    {} — {}. {}",
                        err.place,
                        err.reason,
                        err.hint()
                    ));
                }
            }
        }
    }
    assert!(
        refusals > 1000,
        "only {refusals} refusals: the inputs are not spoiled enough"
    );
    assert!(
        flaws.is_empty(),
        "{} refusals read badly:\n{}",
        flaws.len(),
        flaws.into_iter().collect::<Vec<_>>().join("\n")
    );
}
