//! UN/EDIFACT syntax: service string advice (UNA), release character, segment terminators,
//! the interchange (UNB … UNZ) and its one message (UNH … UNT), read and written exactly.

use transit_national::{ErrorClass, TranslateError, MAX_NATIONAL_BYTES};

/// The six service characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delimiters {
    /// Separates components of a composite element (default `:`).
    pub component: char,
    /// Separates data elements (default `+`).
    pub element: char,
    /// Decimal mark (default `.`).
    pub decimal: char,
    /// Makes the next character literal (default `?`).
    pub release: char,
    /// Ends a segment (default `'`).
    pub terminator: char,
}

impl Default for Delimiters {
    fn default() -> Self {
        Self {
            component: ':',
            element: '+',
            decimal: '.',
            release: '?',
            terminator: '\'',
        }
    }
}

/// One segment: its tag, its data elements (each a list of components) and its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The tag (`LOC`, `DTM`…).
    pub tag: String,
    /// Data elements after the tag; each is a list of components.
    pub elements: Vec<Vec<String>>,
    /// 1-based position in the interchange (0 for segments built for writing).
    pub position: usize,
}

impl Segment {
    /// A segment built for writing.
    pub fn new(tag: &str, elements: Vec<Vec<String>>) -> Self {
        Self {
            tag: tag.to_owned(),
            elements,
            position: 0,
        }
    }

    /// The first component of the first element (the qualifier, for most segments).
    pub fn qualifier(&self) -> &str {
        self.component(0, 0).unwrap_or("")
    }

    /// Component `c` of element `e` (0-based), if present and non-empty.
    pub fn component(&self, e: usize, c: usize) -> Option<&str> {
        self.elements
            .get(e)
            .and_then(|el| el.get(c))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Where a component is, for errors: `segment 7 (LOC+118), element 2, component 1`.
    pub fn place(&self, e: usize, c: usize) -> String {
        format!(
            "segment {} ({}+{}), element {}, component {}",
            self.position,
            self.tag,
            self.qualifier(),
            e + 1,
            c + 1
        )
    }

    /// Component `c` of element `e`, mandatory; the place is formatted only if used.
    pub fn need(&self, e: usize, c: usize) -> Result<(&str, Place<'_>), TranslateError> {
        match self.component(e, c) {
            Some(v) => Ok((
                v,
                Place {
                    segment: self,
                    e,
                    c,
                },
            )),
            None => Err(TranslateError::missing(self.place(e, c))),
        }
    }
}

/// Where a component is; formatted only when an error needs it.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    segment: &'a Segment,
    e: usize,
    c: usize,
}

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.segment.place(self.e, self.c))
    }
}

/// A whole interchange holding one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interchange {
    /// The syntax identifier (`UNOC`, `UNOW`…).
    pub syntax: String,
    /// Interchange sender.
    pub sender: String,
    /// Interchange recipient.
    pub recipient: String,
    /// Interchange control reference.
    pub control: String,
    /// The message type identifier (`CUSDEC`, `APERAK`…).
    pub message_type: String,
    /// The message's segments between UNH and UNT.
    pub segments: Vec<Segment>,
}

fn syntax_error(
    class: ErrorClass,
    place: impl Into<String>,
    reason: impl Into<String>,
) -> TranslateError {
    TranslateError::new(class, place, reason)
}

/// Decodes the bytes in the character set the UNB syntax identifier names.
fn decode(bytes: &[u8]) -> Result<String, TranslateError> {
    let unb = find(bytes, b"UNB").ok_or_else(|| {
        syntax_error(
            ErrorClass::Truncated,
            "interchange",
            "no UNB segment: the interchange is empty or cut short",
        )
    })?;
    let id: Vec<u8> = bytes
        .get(unb + 4..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .copied()
        .collect();
    let syntax = String::from_utf8_lossy(&id).into_owned();
    match syntax.as_str() {
        "UNOW" | "UNOY" => String::from_utf8(bytes.to_vec()).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            syntax_error(
                ErrorClass::Encoding,
                format!("byte {}", at + 1),
                format!("UNB declares {syntax} (UTF-8) but the bytes are not UTF-8"),
            )
        }),
        "UNOC" => Ok(bytes.iter().map(|b| char::from(*b)).collect()),
        "UNOA" | "UNOB" => match bytes.iter().position(|b| !b.is_ascii()) {
            Some(at) => Err(syntax_error(
                ErrorClass::Encoding,
                format!("byte {}", at + 1),
                format!("UNB declares {syntax} (ASCII) but byte {:#04x} is not ASCII; declare UNOW for UTF-8 or UNOC for Latin-1", bytes[at]),
            )),
            None => Ok(String::from_utf8_lossy(bytes).into_owned()),
        },
        other => Err(syntax_error(
            ErrorClass::Encoding,
            "segment UNB, element 1",
            format!("syntax identifier {other:?} is not supported; use UNOW (UTF-8), UNOC (Latin-1) or UNOA/UNOB"),
        )),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits text into segments, honouring the release character.
fn segments(text: &str, d: Delimiters) -> Result<Vec<Segment>, TranslateError> {
    let mut out = Vec::new();
    let mut elements: Vec<Vec<String>> = vec![vec![String::new()]];
    let mut chars = text.chars().peekable();
    let mut started = false;
    while let Some(ch) = chars.next() {
        if !started && (ch == '\r' || ch == '\n' || ch == ' ') {
            continue;
        }
        started = true;
        let last = elements.last_mut().and_then(|e| e.last_mut());
        if ch == d.release {
            match chars.next() {
                Some(next) => {
                    if let Some(last) = last {
                        last.push(next);
                    }
                }
                None => {
                    return Err(syntax_error(
                        ErrorClass::Truncated,
                        format!("segment {}", out.len() + 1),
                        "the interchange ends after a release character",
                    ))
                }
            }
        } else if ch == d.element {
            elements.push(vec![String::new()]);
        } else if ch == d.component {
            if let Some(e) = elements.last_mut() {
                e.push(String::new());
            }
        } else if ch == d.terminator {
            let mut parts = std::mem::replace(&mut elements, vec![vec![String::new()]]);
            let tag = parts.remove(0).join("");
            out.push(Segment {
                tag,
                elements: parts,
                position: out.len() + 1,
            });
            started = false;
        } else if let Some(last) = last {
            last.push(ch);
        }
    }
    if started {
        return Err(syntax_error(
            ErrorClass::Truncated,
            format!("segment {}", out.len() + 1),
            format!(
                "the interchange ends inside a segment (no {:?} terminator): it is cut short",
                d.terminator
            ),
        ));
    }
    Ok(out)
}

/// Parses an interchange holding one message.
pub fn parse(bytes: &[u8]) -> Result<Interchange, TranslateError> {
    if bytes.len() > MAX_NATIONAL_BYTES {
        return Err(TranslateError::oversize(bytes.len()));
    }
    let text = decode(bytes)?;
    let trimmed = text.trim_start();
    let (delimiters, body) = match trimmed.strip_prefix("UNA") {
        Some(rest) => {
            let chars: Vec<char> = rest.chars().take(6).collect();
            if chars.len() < 6 {
                return Err(syntax_error(
                    ErrorClass::Truncated,
                    "UNA",
                    "the service string advice needs six characters",
                ));
            }
            let d = Delimiters {
                component: chars[0],
                element: chars[1],
                decimal: chars[2],
                release: chars[3],
                terminator: chars[5],
            };
            let skip: usize = chars.iter().map(|c| c.len_utf8()).sum();
            (d, &rest[skip..])
        }
        None => (Delimiters::default(), trimmed),
    };
    let mut all = segments(body, delimiters)?;
    // Positions count the UNA as segment 1 when present, as EDIFACT tools do not: keep them
    // counting from UNB = 1.
    let unb = all
        .first()
        .filter(|s| s.tag == "UNB")
        .cloned()
        .ok_or_else(|| {
            syntax_error(
                ErrorClass::Syntax,
                "segment 1",
                "an interchange starts with UNB (after an optional UNA)",
            )
        })?;
    let unz = all
        .last()
        .cloned()
        .filter(|s| s.tag == "UNZ")
        .ok_or_else(|| {
            syntax_error(
                ErrorClass::Truncated,
                format!("segment {}", all.len() + 1),
                "no UNZ at the end: the interchange is cut short",
            )
        })?;
    let (control, _) = unb.need(4, 0)?;
    let (unz_control, unz_at) = unz.need(1, 0)?;
    if unz_control != control {
        return Err(syntax_error(
            ErrorClass::Syntax,
            unz_at,
            format!("UNZ closes interchange {unz_control:?} but UNB opened {control:?}"),
        ));
    }
    let inner: Vec<Segment> = all.drain(1..all.len() - 1).collect();
    let headers: Vec<&Segment> = inner.iter().filter(|s| s.tag == "UNH").collect();
    if headers.len() > 1 {
        return Err(syntax_error(
            ErrorClass::Duplicate,
            format!("segment {} (UNH)", headers[1].position),
            "one message per interchange; send each message in its own interchange",
        ));
    }
    let unh = inner.first().filter(|s| s.tag == "UNH").ok_or_else(|| {
        syntax_error(
            ErrorClass::Syntax,
            "segment 2",
            "the message starts with UNH after UNB",
        )
    })?;
    let unt = inner.last().filter(|s| s.tag == "UNT").ok_or_else(|| {
        syntax_error(
            ErrorClass::Truncated,
            format!("segment {}", all.len()),
            "no UNT before UNZ: the message is cut short",
        )
    })?;
    let (count, count_at) = unt.need(0, 0)?;
    if count.parse::<usize>().ok() != Some(inner.len()) {
        return Err(syntax_error(
            ErrorClass::Truncated,
            count_at,
            format!(
                "UNT counts {count} segments but the message has {} (UNH to UNT): segments are missing or extra",
                inner.len()
            ),
        ));
    }
    let (syntax, _) = unb.need(0, 0)?;
    let (sender, _) = unb.need(1, 0)?;
    let (recipient, _) = unb.need(2, 0)?;
    let (message_type, _) = unh.need(1, 0)?;
    let (syntax, sender, recipient, control, message_type) = (
        syntax.to_owned(),
        sender.to_owned(),
        recipient.to_owned(),
        control.to_owned(),
        message_type.to_owned(),
    );
    let mut inner = inner;
    inner.pop();
    inner.remove(0);
    Ok(Interchange {
        syntax,
        sender,
        recipient,
        control,
        message_type,
        segments: inner,
    })
}

fn escape(value: &str, d: Delimiters, out: &mut String) {
    for ch in value.chars() {
        if [d.component, d.element, d.release, d.terminator].contains(&ch) {
            out.push(d.release);
        }
        out.push(ch);
    }
}

fn write_segment(segment: &Segment, d: Delimiters, out: &mut String) {
    out.push_str(&segment.tag);
    let mut elements = segment.elements.clone();
    while elements
        .last()
        .is_some_and(|e| e.iter().all(String::is_empty))
    {
        elements.pop();
    }
    for element in &elements {
        out.push(d.element);
        let mut components = element.clone();
        while components.len() > 1 && components.last().is_some_and(String::is_empty) {
            components.pop();
        }
        for (i, component) in components.iter().enumerate() {
            if i > 0 {
                out.push(d.component);
            }
            escape(component, d, out);
        }
    }
    out.push(d.terminator);
    out.push('\n');
}

/// Writes an interchange (UTF-8, UNOW, default delimiters, one segment per line).
pub fn write(interchange: &Interchange, prepared: &str) -> Vec<u8> {
    let d = Delimiters::default();
    let mut out = String::from("UNA:+.? '\n");
    let e = |v: &str| vec![v.to_owned()];
    let (date, time) = prepared.split_at(prepared.len().min(8));
    write_segment(
        &Segment::new(
            "UNB",
            vec![
                vec![interchange.syntax.clone(), "4".into()],
                e(&interchange.sender),
                e(&interchange.recipient),
                vec![date.to_owned(), time.chars().take(4).collect()],
                e(&interchange.control),
            ],
        ),
        d,
        &mut out,
    );
    write_segment(
        &Segment::new(
            "UNH",
            vec![
                e("1"),
                vec![
                    interchange.message_type.clone(),
                    "D".into(),
                    "96B".into(),
                    "UN".into(),
                ],
            ],
        ),
        d,
        &mut out,
    );
    for segment in &interchange.segments {
        write_segment(segment, d, &mut out);
    }
    write_segment(
        &Segment::new(
            "UNT",
            vec![e(&(interchange.segments.len() + 2).to_string()), e("1")],
        ),
        d,
        &mut out,
    );
    write_segment(
        &Segment::new("UNZ", vec![e("1"), e(&interchange.control)]),
        d,
        &mut out,
    );
    out.into_bytes()
}

impl From<Place<'_>> for String {
    fn from(place: Place<'_>) -> Self {
        place.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_character_and_custom_delimiters_are_honoured() {
        let text = "UNA|*.! \"UNB*UNOW|4*A*B*20261126|0800*R1\"UNH*1*CUSDEC|D|96B|UN\"FTX*AAA***50!* off!|!\"ok!!\"UNT*3*1\"UNZ*1*R1\"";
        let i = parse(text.as_bytes()).unwrap();
        assert_eq!(i.segments[0].component(3, 0), Some("50* off|\"ok!"));
    }

    #[test]
    fn an_interchange_ending_right_after_unb_is_refused_not_a_panic() {
        // Found by the gainde_translate fuzz target.
        for input in [&b"UNB"[..], b"UNA:+.? 'UNB", b"xxUNB+"] {
            assert!(parse(input).is_err());
        }
    }

    #[test]
    fn written_text_is_escaped_and_reads_back() {
        let interchange = Interchange {
            syntax: "UNOW".into(),
            sender: "S".into(),
            recipient: "R".into(),
            control: "C1".into(),
            message_type: "CUSDEC".into(),
            segments: vec![Segment::new(
                "FTX",
                vec![
                    vec!["AAA".into()],
                    vec![],
                    vec![],
                    vec!["it's 50% + 2: done?".into()],
                ],
            )],
        };
        let bytes = write(&interchange, "20261126080000");
        let back = parse(&bytes).unwrap();
        assert_eq!(
            back.segments[0].component(3, 0),
            Some("it's 50% + 2: done?")
        );
    }
}
