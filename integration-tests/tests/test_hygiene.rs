//! The tests' own hygiene: no test asserts that something did not happen (no delivery, no
//! second event, a count unchanged) after merely waiting a fixed time. A fixed wait proves
//! nothing — on a slow machine the thing may simply not have happened *yet* — so absence is
//! asserted after a positive signal that the stack has handled what could have produced it: a
//! later message on the same path processed after it (`Stack::mark_read`), a watermark, a
//! counter (`Stack::wait_for_metric`), a row saying it was handled.
//!
//! The check reads every `.rs` file under `integration-tests/tests` and `integration-tests/src`
//! and fails on a fixed wait — a `sleep(` call, or a live stream read until its time is up
//! (`read_stream(…, |_| false)`) — followed, within the next [`WINDOW`] lines of code of the
//! same block, by an assertion of absence. A wait that must stay there says why on its own
//! line: `// absence: <reason>`.
//!
//! What it sees, and what it does not: comments and the insides of string literals are not
//! code; a sleep inside a loop, a closure or an `async` block is looked at up to the end of
//! that block only (pacing a poll, timing a probe); a deadline guard (`elapsed()`, `PATIENCE`)
//! is not an assertion of absence; a sleep hidden in a helper function is not seen.

use std::path::{Path, PathBuf};

/// How many lines of code after a sleep are looked at.
const WINDOW: usize = 12;

/// What a sleep that must stay before an absence check carries on its line, with the reason.
const MARKER: &str = "// absence:";

/// Words of an assertion's message that say it is about something not happening.
const ABSENCE_WORDS: [&str; 9] = [
    "nothing",
    "never",
    "twice",
    "once",
    "no more",
    "no new",
    "duplicate",
    "more than",
    "too often",
];

/// One line of a source file, split for the scanner.
#[derive(Debug, Default, Clone)]
struct Line {
    /// The code: comments removed, the insides of string and character literals blanked.
    code: String,
    /// The insides of the string literals that end or lie on this line.
    literals: String,
    /// The line as written.
    raw: String,
}

/// Splits `source` into lines of code, comments and string literals apart.
fn lex(source: &str) -> Vec<Line> {
    let chars: Vec<char> = source.chars().collect();
    let mut lines = vec![Line::default()];
    let mut i = 0;
    let push_code = |lines: &mut Vec<Line>, c: char| {
        if c == '\n' {
            lines.push(Line::default());
        } else {
            lines.last_mut().unwrap().code.push(c);
        }
    };
    // A string literal's contents: blanked in the code, kept as literal text; newlines kept.
    let take_string = |lines: &mut Vec<Line>, i: &mut usize, end: &str, escapes: bool| {
        let end: Vec<char> = end.chars().collect();
        let mut text = String::new();
        while *i < chars.len() {
            if escapes && chars[*i] == '\\' && *i + 1 < chars.len() {
                text.push(chars[*i + 1]);
                if chars[*i + 1] == '\n' {
                    lines.last_mut().unwrap().literals.push_str(&text);
                    text.clear();
                    lines.push(Line::default());
                }
                *i += 2;
                continue;
            }
            if chars[*i..].starts_with(&end) {
                *i += end.len();
                break;
            }
            if chars[*i] == '\n' {
                lines.last_mut().unwrap().literals.push_str(&text);
                text.clear();
                lines.push(Line::default());
            } else {
                text.push(chars[*i]);
            }
            *i += 1;
        }
        let line = lines.last_mut().unwrap();
        line.literals.push(' ');
        line.literals.push_str(&text);
        line.code.push_str("\"\"");
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let after_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i..].starts_with(&['/', '*']) {
                    depth += 1;
                    i += 2;
                } else if chars[i..].starts_with(&['*', '/']) {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        lines.push(Line::default());
                    }
                    i += 1;
                }
            }
        } else if c == '"' {
            i += 1;
            take_string(&mut lines, &mut i, "\"", true);
        } else if let Some((contents, end)) = raw_string_at(&chars, i).filter(|_| !after_ident) {
            i = contents;
            take_string(&mut lines, &mut i, &end, false);
        } else if c == 'b' && next == Some('"') && !after_ident {
            i += 2;
            take_string(&mut lines, &mut i, "\"", true);
        } else if c == '\'' {
            // A character literal ('x', '\n', '{'), or a lifetime or label ('a, 'outer).
            if next == Some('\\') {
                i += 3; // the quote, the backslash and the escaped character
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                lines.last_mut().unwrap().code.push_str("' '");
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                lines.last_mut().unwrap().code.push_str("' '");
            } else {
                push_code(&mut lines, c);
                i += 1;
            }
        } else {
            push_code(&mut lines, c);
            i += 1;
        }
    }
    for (line, raw) in lines.iter_mut().zip(source.split('\n')) {
        line.raw = raw.to_owned();
    }
    lines
}

/// A raw string starting at `chars[at]` (`r"…"`, `r#"…"#`, `br"…"`): where its contents start,
/// and what ends it.
fn raw_string_at(chars: &[char], at: usize) -> Option<(usize, String)> {
    let mut j = match (chars.get(at), chars.get(at + 1)) {
        (Some('r'), _) => at + 1,
        (Some('b'), Some('r')) => at + 2,
        _ => return None,
    };
    let mut end = String::from("\"");
    while chars.get(j) == Some(&'#') {
        end.push('#');
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some((j + 1, end))
}

/// A sleep followed by an assertion of absence: (the sleep's line, the assertion's line,
/// the assertion's first line as written), lines counted from 1.
type Finding = (usize, usize, String);

/// Whether an assertion macro call (its code and its message) asserts that something did not
/// happen.
fn asserts_absence(code: &str, literals: &str) -> bool {
    let squeezed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    // A deadline guard of a poll, not a claim about the stack.
    if [
        "elapsed()",
        "Instant::now()",
        "PATIENCE",
        "patience",
        "deadline",
    ]
    .iter()
    .any(|g| squeezed.contains(g))
    {
        return false;
    }
    let literals = literals.to_lowercase();
    let negated = squeezed.starts_with("assert!(!") || squeezed.starts_with("debug_assert!(!");
    let nothing_there = [".is_none()", ".is_empty()", ".is_null()"]
        .iter()
        .any(|p| squeezed.contains(p));
    // An exact count or an exact list: nothing more than that.
    let exact = (squeezed.starts_with("assert_eq!") || squeezed.starts_with("assert_ne!"))
        && ([".len()", "count", "vec![", "([", ",["]
            .iter()
            .any(|p| squeezed.contains(p))
            || squeezed
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '.')
                .any(|token| token.parse::<u32>().is_ok_and(|n| n < 100)));
    let said = ABSENCE_WORDS.iter().any(|w| literals.contains(w));
    negated || nothing_there || exact || said
}

/// The assertion macro starting on `lines[at]`, if one does: its code up to its closing
/// parenthesis, and its message.
fn assertion_at(lines: &[Line], at: usize) -> Option<(String, String)> {
    let code = &lines[at].code;
    let start = ["assert!(", "assert_eq!(", "assert_ne!(", "debug_assert"]
        .iter()
        .filter_map(|m| code.find(m))
        .min()?;
    let (mut text, mut literals, mut depth) = (String::new(), String::new(), 0i32);
    for (n, line) in lines[at..].iter().enumerate() {
        let part = if n == 0 {
            &line.code[start..]
        } else {
            &line.code
        };
        literals.push_str(&line.literals);
        for c in part.chars() {
            text.push(c);
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((text, literals));
                    }
                }
                _ => {}
            }
        }
        text.push('\n');
    }
    Some((text, literals))
}

/// Where a fixed wait starts on a line of code, if one does: a sleep, or a read of a live
/// stream that stops only when its time is up (`read_stream(…, |_| false)`).
fn fixed_wait(code: &str) -> Option<usize> {
    let sleep = ["sleep(", "sleep_until("]
        .iter()
        .filter_map(|s| code.find(s))
        .min();
    let squeezed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let read_out = code
        .find("read_stream(")
        .filter(|_| squeezed.contains("|_|false"));
    sleep.into_iter().chain(read_out).min()
}

/// Every sleep in `source` followed, within [`WINDOW`] lines of code of its block, by an
/// assertion of absence (unless the sleep's line carries [`MARKER`] and a reason).
fn scan(source: &str) -> Vec<Finding> {
    let lines = lex(source);
    let mut findings = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(call) = fixed_wait(&line.code) else {
            continue;
        };
        if line
            .raw
            .split_once(MARKER)
            .is_some_and(|(_, why)| !why.trim().is_empty())
        {
            continue;
        }
        // Depth relative to the sleep: the block it is in closes when it goes below 0.
        let mut depth: i32 = line.code[call..]
            .chars()
            .map(|c| match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            })
            .sum();
        if depth < 0 {
            continue;
        }
        let mut seen = 0;
        for (n, later) in lines.iter().enumerate().skip(at + 1) {
            if later.code.trim().is_empty() {
                continue;
            }
            seen += 1;
            if seen > WINDOW {
                break;
            }
            // What closes before an assertion on the same line (`}); assert!(…)`) counts first.
            let mut closed = false;
            for c in later.code.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth < 0 {
                    closed = true;
                    break;
                }
            }
            if closed {
                break;
            }
            if let Some((code, literals)) = assertion_at(&lines, n) {
                if asserts_absence(&code, &literals) {
                    findings.push((at + 1, n + 1, later.raw.trim().to_owned()));
                    break; // one is enough to say
                }
            }
        }
    }
    findings
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn no_absence_is_asserted_after_a_fixed_wait() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("tests"), &mut files);
    sources(&root.join("src"), &mut files);
    assert!(files.len() > 20, "found only {files:?}");
    let mut wrong = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        for (sleep, assertion, code) in scan(&source) {
            let name = file.strip_prefix(root).unwrap_or(file).display();
            wrong.push(format!(
                "{name}:{sleep}: a fixed wait, then at line {assertion}: {code}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "absence asserted after a fixed wait — wait for a positive signal instead (a later \
         message on the same path processed: Stack::mark_read; a counter: \
         Stack::wait_for_metric; a row saying it was handled), or say on the sleep's line \
         why it must stay (`{MARKER} <reason>`):\n{}",
        wrong.join("\n")
    );
}

// The scanner itself, on small handmade snippets.

#[test]
fn a_sleep_then_an_absence_check_is_caught() {
    let caught = [
        // Nothing delivered after a while.
        r#"
async fn t(stack: &Stack) {
    publish(&stack).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rows = stack.rows().await;
    assert!(rows.is_empty(), "it arrived");
}
"#,
        // A count unchanged, after a blocking sleep, in an `if` inside a poll.
        r#"
fn t() {
    loop {
        if seen() {
            std::thread::sleep(Duration::from_secs(1));
            assert_eq!(count(), 0);
            break;
        }
    }
}
"#,
        // Negated, over several lines, with a brace in a string on the way.
        r#"
async fn t() {
    sleep(Duration::from_millis(500)).await; // let it settle
    let early = read("{").await;
    assert!(
        !early.iter().any(|d| d.kind == "IE006"),
        "left while offline"
    );
}
"#,
        // A live stream read for a fixed time, then found silent.
        r#"
async fn t() {
    let heard = read_stream(&mut stream, Duration::from_secs(2), |_| false).await;
    assert!(!heard.contains(mrn), "{heard}");
}
"#,
        // An exact list, said to be about duplicates.
        r#"
async fn t() {
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(outcomes, ["rejected", "accepted"], "refused twice");
}
"#,
    ];
    for snippet in caught {
        let found = scan(snippet);
        assert_eq!(found.len(), 1, "not caught:\n{snippet}\n{found:?}");
    }
}

#[test]
fn a_poll_a_pause_a_positive_check_or_a_marked_sleep_passes() {
    let passing = [
        // A poll: the sleep ends its loop's body; what follows the loop follows a signal.
        r#"
async fn t() {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < PATIENCE, "never done");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(others().await.is_empty());
}
"#,
        // A live stream read until what is expected shows.
        r#"
async fn t() {
    let heard = read_stream(&mut stream, Duration::from_secs(30), |s| s.contains(later)).await;
    assert!(!heard.contains(mrn), "{heard}");
}
"#,
        // A pause inside an async block, then a positive check.
        r#"
async fn t() {
    let live = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        probe().await
    };
    let (status, _) = tokio::join!(live, work());
    assert!(others().is_empty());
}
"#,
        // After a fixed wait, only what did happen is checked.
        r#"
async fn t() {
    tokio::time::sleep(Duration::from_secs(2)).await;
    let status = get().await;
    assert_eq!(status, 200);
    assert!(body.contains("ok"));
}
"#,
        // Sleeps in comments and strings are not sleeps.
        r#"
async fn t() {
    // tokio::time::sleep(Duration::from_secs(2)).await;
    let text = "sleep(2)";
    /* std::thread::sleep(d); */
    assert!(text.is_empty());
}
"#,
        // A sleep that must stay says why.
        r#"
async fn t() {
    tokio::time::sleep(Duration::from_secs(2)).await; // absence: the device has no counter to read
    assert_eq!(count(), 0);
}
"#,
        // Beyond the window.
        r#"
async fn t() {
    tokio::time::sleep(Duration::from_secs(2)).await;
    a(); b(); c();
    d();
    e();
    f();
    g();
    h();
    i();
    j();
    k();
    l();
    m();
    n();
    assert_eq!(count(), 0);
}
"#,
    ];
    for snippet in passing {
        let found = scan(snippet);
        assert!(found.is_empty(), "wrongly caught:\n{snippet}\n{found:?}");
    }
}

#[test]
fn a_marker_without_a_reason_does_not_count() {
    let snippet = r#"
async fn t() {
    tokio::time::sleep(Duration::from_secs(2)).await; // absence:
    assert_eq!(count(), 0);
}
"#;
    assert_eq!(scan(snippet).len(), 1);
}
