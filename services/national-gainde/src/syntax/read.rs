//! Bytes → interchange. The text is split once, in place: every component is a slice of the
//! input unless it holds a release character (then it is unescaped into its own string).

use std::borrow::Cow;

use transit_national::{
    ErrorClass, TranslateError, MAX_COMPONENTS, MAX_NAME_BYTES, MAX_NATIONAL_BYTES, MAX_SEGMENTS,
    MAX_TEXT_BYTES,
};

use super::{Delimiters, Interchange, Segment};

fn syntax_error(
    class: ErrorClass,
    place: impl Into<String>,
    reason: impl Into<String>,
) -> TranslateError {
    TranslateError::new(class, place, reason)
}

/// The bytes as text, in the character set the UNB syntax identifier names: borrowed when they
/// already are UTF-8 (UNOW/UNOY, ASCII, Latin-1 without accents), converted otherwise.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, TranslateError> {
    let unb = memchr::memmem::find(bytes, b"UNB").ok_or_else(|| {
        syntax_error(
            ErrorClass::Truncated,
            "interchange",
            "no UNB segment: the interchange is empty or cut short",
        )
    })?;
    // The identifier follows the element separator, whatever its width.
    let after = bytes.get(unb + 3..).unwrap_or_default();
    let id = &after[after
        .iter()
        .position(u8::is_ascii_alphanumeric)
        .unwrap_or(after.len())..];
    let id = &id[..id
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(id.len())];
    let syntax = String::from_utf8_lossy(id);
    match syntax.as_ref() {
        "UNOW" | "UNOY" => std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
            syntax_error(
                ErrorClass::Encoding,
                format!("byte {}", e.valid_up_to() + 1),
                format!("UNB declares {syntax} (UTF-8) but the bytes are not UTF-8"),
            )
        }),
        "UNOC" => Ok(match std::str::from_utf8(bytes) {
            Ok(text) if bytes.is_ascii() => Cow::Borrowed(text),
            _ => Cow::Owned(bytes.iter().map(|b| char::from(*b)).collect()),
        }),
        "UNOA" | "UNOB" => match bytes.iter().position(|b| !b.is_ascii()) {
            Some(at) => Err(syntax_error(
                ErrorClass::Encoding,
                format!("byte {}", at + 1),
                format!("UNB declares {syntax} (ASCII) but byte {:#04x} is not ASCII; declare UNOW for UTF-8 or UNOC for Latin-1", bytes[at]),
            )),
            None => std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|_| {
                syntax_error(ErrorClass::Encoding, "interchange", "ASCII bytes that are not UTF-8")
            }),
        },
        other => Err(syntax_error(
            ErrorClass::Encoding,
            "segment UNB, element 1",
            format!("syntax identifier {other:?} is not supported; use UNOW (UTF-8), UNOC (Latin-1) or UNOA/UNOB"),
        )),
    }
}

/// `raw` without its release characters (each makes the character after it literal).
fn unescape(raw: &str, release: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(ch) = chars.next() {
        if ch == release {
            out.extend(chars.next());
        } else {
            out.push(ch);
        }
    }
    out
}

/// The segment being split: its tag (the first element), then its components.
struct Open<'a> {
    tag: Option<Cow<'a, str>>,
    /// Whether the tag's element is still being read.
    in_tag: bool,
    components: Vec<Cow<'a, str>>,
    element_ends: Vec<u32>,
    /// Byte where the current component starts.
    start: usize,
    /// Whether the current component holds a release character.
    escaped: bool,
}

impl<'a> Open<'a> {
    fn new(start: usize) -> Self {
        Self {
            tag: None,
            in_tag: true,
            components: Vec::new(),
            element_ends: Vec::new(),
            start,
            escaped: false,
        }
    }

    /// Ends the component before `end`; refused past the caps (`segment` is its number, for
    /// the place), before anything is built from it.
    fn end_component(
        &mut self,
        text: &'a str,
        end: usize,
        d: Delimiters,
        segment: usize,
    ) -> Result<(), TranslateError> {
        let raw = &text[self.start..end];
        let place = || format!("segment {segment}");
        if raw.len() > MAX_TEXT_BYTES {
            return Err(syntax_error(
                ErrorClass::Oversize,
                place(),
                format!("a component is longer than {MAX_TEXT_BYTES} bytes; no GAINDE data element holds more than 512 characters"),
            ));
        }
        if self.in_tag && self.tag.as_ref().map_or(0, |t| t.len()) + raw.len() > MAX_NAME_BYTES {
            return Err(syntax_error(
                ErrorClass::Syntax,
                place(),
                format!("the segment tag is longer than {MAX_NAME_BYTES} bytes; tags are three letters (UNH, LOC, …)"),
            ));
        }
        let component = if self.escaped {
            Cow::Owned(unescape(raw, d.release))
        } else {
            Cow::Borrowed(raw)
        };
        self.escaped = false;
        if self.in_tag {
            // A tag split by a component separator is read joined.
            self.tag = Some(match self.tag.take() {
                None => component,
                Some(head) => Cow::Owned(head.into_owned() + &component),
            });
        } else {
            self.components.push(component);
        }
        Ok(())
    }

    fn end_element(&mut self) {
        if self.in_tag {
            self.in_tag = false;
        } else {
            self.element_ends.push(self.components.len() as u32);
        }
    }

    fn finish(mut self, position: usize) -> Segment<'a> {
        self.end_element();
        Segment::read(
            self.tag.unwrap_or_default(),
            self.components,
            self.element_ends,
            position,
        )
    }
}

/// Which bytes can start a service character: the ASCII delimiters themselves, and every
/// non-ASCII byte when a delimiter is not ASCII. Other bytes are skipped without decoding.
fn special_bytes(d: Delimiters) -> [bool; 256] {
    let mut special = [false; 256];
    for ch in [d.release, d.element, d.component, d.terminator] {
        if ch.is_ascii() {
            special[ch as usize] = true;
        } else {
            special[0x80..].fill(true);
        }
    }
    special
}

/// Splits text into segments, honouring the release character.
fn segments(text: &str, d: Delimiters) -> Result<Vec<Segment<'_>>, TranslateError> {
    let special = special_bytes(d);
    let bytes = text.as_bytes();
    // Not sized from the input: a large interchange must not reserve memory for segments it
    // may not have.
    let mut out = Vec::new();
    let mut open: Option<Open<'_>> = None;
    let mut at = 0;
    // Components of the segments already split, counted against MAX_COMPONENTS.
    let mut components = 0usize;
    while at < bytes.len() {
        let segment = match open.as_mut() {
            Some(segment) => segment,
            None if matches!(bytes[at], b'\r' | b'\n' | b' ') => {
                at += 1;
                continue;
            }
            None => open.insert(Open::new(at)),
        };
        match bytes[at..].iter().position(|b| special[usize::from(*b)]) {
            Some(skip) => at += skip,
            None => break,
        }
        let Some(ch) = text[at..].chars().next() else {
            break;
        };
        let here = at;
        let next = at + ch.len_utf8();
        at = next;
        if ch == d.release {
            let Some(released) = text[next..].chars().next() else {
                return Err(syntax_error(
                    ErrorClass::Truncated,
                    format!("segment {}", out.len() + 1),
                    "the interchange ends after a release character",
                ));
            };
            at += released.len_utf8();
            segment.escaped = true;
        } else if ch == d.element || ch == d.component || ch == d.terminator {
            let number = out.len() + 1;
            segment.end_component(text, here, d, number)?;
            within_caps(number, components + segment.components.len())?;
            if ch == d.element {
                segment.end_element();
            }
            segment.start = next;
            if ch == d.terminator {
                if let Some(segment) = open.take() {
                    components += segment.components.len();
                    out.push(segment.finish(number));
                }
            }
        }
    }
    if open.is_some() {
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

/// Refuses the interchange once segment `segment` would exceed [`MAX_SEGMENTS`], or the
/// components split so far exceed [`MAX_COMPONENTS`]: a hostile interchange is refused while
/// it is split, not after millions of segments were built.
fn within_caps(segment: usize, components: usize) -> Result<(), TranslateError> {
    if segment > MAX_SEGMENTS {
        return Err(syntax_error(
            ErrorClass::Oversize,
            format!("segment {segment}"),
            format!("the interchange has more than {MAX_SEGMENTS} segments"),
        ));
    }
    if components > MAX_COMPONENTS {
        return Err(syntax_error(
            ErrorClass::Oversize,
            format!("segment {segment}"),
            format!("the interchange has more than {MAX_COMPONENTS} data elements and components"),
        ));
    }
    Ok(())
}

/// Parses an interchange holding one message; its segments borrow `bytes` where they can.
pub fn parse(bytes: &[u8]) -> Result<Interchange<'_>, TranslateError> {
    if bytes.len() > MAX_NATIONAL_BYTES {
        return Err(TranslateError::oversize(bytes.len()));
    }
    match decode(bytes)? {
        Cow::Borrowed(text) => parse_text(text),
        Cow::Owned(text) => parse_text(&text).map(Interchange::into_owned),
    }
}

/// The service string advice, if any, and the text after it.
fn service_string(text: &str) -> Result<(Delimiters, &str), TranslateError> {
    let trimmed = text.trim_start();
    let Some(rest) = trimmed.strip_prefix("UNA") else {
        return Ok((Delimiters::default(), trimmed));
    };
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
    Ok((d, &rest[skip..]))
}

fn parse_text(text: &str) -> Result<Interchange<'_>, TranslateError> {
    let (delimiters, body) = service_string(text)?;
    let mut all = segments(body, delimiters)?;
    // Positions count from UNB = 1, whether or not a UNA precedes it.
    let unb = all.first().filter(|s| s.tag == "UNB").ok_or_else(|| {
        syntax_error(
            ErrorClass::Syntax,
            "segment 1",
            "an interchange starts with UNB (after an optional UNA)",
        )
    })?;
    let unz = all.last().filter(|s| s.tag == "UNZ").ok_or_else(|| {
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
    // UNB and UNZ are distinct: a lone UNB is not a UNZ.
    let inner = &all[1..all.len() - 1];
    if let Some(second) = inner.iter().filter(|s| s.tag == "UNH").nth(1) {
        return Err(syntax_error(
            ErrorClass::Duplicate,
            format!("segment {} (UNH)", second.position),
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
    let (reference, _) = unh.need(0, 0)?;
    let (unt_reference, unt_reference_at) = unt.need(1, 0)?;
    if unt_reference != reference {
        return Err(syntax_error(
            ErrorClass::Syntax,
            unt_reference_at,
            format!(
                "UNT closes message {unt_reference:?} but UNH opened {reference:?}: the message reference must be the same in both"
            ),
        ));
    }
    let (messages, messages_at) = unz.need(0, 0)?;
    if messages.parse::<usize>().ok() != Some(1) {
        return Err(syntax_error(
            ErrorClass::Syntax,
            messages_at,
            format!(
                "UNZ counts {messages:?} messages but the interchange holds 1 (UNH to UNT): the interchange control count must be 1"
            ),
        ));
    }
    let owned = |s: &str| s.to_owned();
    let syntax = owned(unb.need(0, 0)?.0);
    let sender = owned(unb.need(1, 0)?.0);
    let recipient = owned(unb.need(2, 0)?.0);
    let message_type = owned(unh.need(1, 0)?.0);
    let control = owned(control);
    // Keep what lies between UNH and UNT.
    all.truncate(all.len() - 2);
    all.drain(..2);
    Ok(Interchange {
        syntax,
        sender,
        recipient,
        control,
        message_type,
        segments: all,
    })
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
    fn components_borrow_the_input_unless_they_hold_a_release_character() {
        let text = "UNB+UNOW:4+A+B+20261126:0800+R1'UNH+1+CUSDEC:D:96B:UN'FTX+AAA+++plain:it?'s'UNT+3+1'UNZ+1+R1'";
        let i = parse(text.as_bytes()).unwrap();
        let ftx = i.segments[0].element(3).unwrap();
        assert!(matches!(ftx[0], Cow::Borrowed("plain")));
        assert!(matches!(&ftx[1], Cow::Owned(s) if s == "it's"));
    }

    #[test]
    fn latin1_with_accents_is_converted_and_reads_the_same() {
        let mut bytes =
            b"UNB+UNOC:4+A+B+20261126:0800+R1'UNH+1+CUSDEC:D:96B:UN'FTX+AAA+++Ouagadougou "
                .to_vec();
        bytes.push(0xE9); // é in Latin-1
        bytes.extend_from_slice(b"'UNT+3+1'UNZ+1+R1'");
        let i = parse(&bytes).unwrap();
        assert_eq!(i.segments[0].component(3, 0), Some("Ouagadougou é"));
    }

    #[test]
    fn a_tag_split_by_a_component_separator_is_joined() {
        let text =
            "UNB+UNOW:4+A+B+20261126:0800+R1'UNH+1+CUSDEC:D:96B:UN'FT:X+AAA'UNT+3+1'UNZ+1+R1'";
        let i = parse(text.as_bytes()).unwrap();
        assert_eq!(i.segments[0].tag, "FTX");
    }

    #[test]
    fn non_ascii_delimiters_are_honoured() {
        let text = "UNA§±.¿ ¤UNB±UNOW§4±A±B±20261126§0800±R1¤UNH±1±CUSDEC§D§96B§UN¤FTX±AAA±±±été§a¿±b¤UNT±3±1¤UNZ±1±R1¤";
        let i = parse(text.as_bytes()).unwrap();
        assert_eq!(i.segments[0].component(3, 0), Some("été"));
        assert_eq!(i.segments[0].component(3, 1), Some("a±b"));
        assert_eq!(i.message_type, "CUSDEC");
    }

    #[test]
    fn every_control_count_and_reference_is_checked_with_its_place() {
        let good =
            "UNB+UNOW:4+A+B+20261126:0800+R1'UNH+M7+CUSDEC:D:96B:UN'FTX+AAA'UNT+3+M7'UNZ+1+R1'";
        assert!(parse(good.as_bytes()).is_ok());
        for (spoilt, class, place, says) in [
            (
                good.replace("UNT+3", "UNT+4"),
                ErrorClass::Truncated,
                "segment 4 (UNT+4), element 1, component 1",
                "UNT counts 4 segments but the message has 3",
            ),
            (
                good.replace("UNT+3+M7", "UNT+3+M8"),
                ErrorClass::Syntax,
                "segment 4 (UNT+3), element 2, component 1",
                "UNT closes message \"M8\" but UNH opened \"M7\"",
            ),
            (
                good.replace("UNZ+1", "UNZ+2"),
                ErrorClass::Syntax,
                "segment 5 (UNZ+2), element 1, component 1",
                "UNZ counts \"2\" messages but the interchange holds 1",
            ),
            (
                good.replace("UNZ+1+R1", "UNZ+1+R2"),
                ErrorClass::Syntax,
                "segment 5 (UNZ+1), element 2, component 1",
                "UNZ closes interchange \"R2\" but UNB opened \"R1\"",
            ),
        ] {
            let err = parse(spoilt.as_bytes()).unwrap_err();
            assert_eq!((err.class, err.place.as_str()), (class, place), "{err}");
            assert!(err.reason.starts_with(says), "{err}");
        }
    }
}
