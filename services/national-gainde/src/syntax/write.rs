//! Interchange → bytes: UTF-8 (UNOW), default delimiters, one segment per line, every
//! service character in a value escaped.

use super::{Delimiters, Interchange, Segment};

fn escape(value: &str, d: Delimiters, out: &mut String) {
    for ch in value.chars() {
        if [d.component, d.element, d.release, d.terminator].contains(&ch) {
            out.push(d.release);
        }
        out.push(ch);
    }
}

fn write_segment(segment: &Segment<'_>, d: Delimiters, out: &mut String) {
    out.push_str(&segment.tag);
    // Trailing empty elements, and trailing empty components of an element, are left out.
    let elements: Vec<_> = segment.elements().collect();
    let used = elements
        .iter()
        .rposition(|e| e.iter().any(|c| !c.is_empty()))
        .map_or(0, |last| last + 1);
    for element in &elements[..used] {
        out.push(d.element);
        let components = element
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(element.len().min(1), |last| last + 1);
        for (i, component) in element[..components].iter().enumerate() {
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
pub fn write(interchange: &Interchange<'_>, prepared: &str) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

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
