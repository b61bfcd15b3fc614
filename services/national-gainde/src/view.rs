//! Finding segments by tag and qualifier, with duplicates and absences named.

use transit_national::{ErrorClass, TranslateError};

use crate::syntax::Segment;

/// A run of segments (a message body, or one group of it).
#[derive(Clone, Copy, Debug)]
pub(crate) struct View<'a> {
    pub(crate) segments: &'a [Segment<'a>],
}

impl<'a> View<'a> {
    fn matches(s: &Segment<'_>, tag: &str, qualifier: Option<&str>) -> bool {
        same(&s.tag, tag) && qualifier.is_none_or(|q| same(s.qualifier(), q))
    }

    /// Every segment `tag` (with `qualifier`, when given), in order.
    pub(crate) fn all(
        &self,
        tag: &'a str,
        qualifier: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Segment<'a>> + 'a {
        self.segments
            .iter()
            .filter(move |s| Self::matches(s, tag, qualifier))
    }

    /// The one segment `tag`/`qualifier`, if present; two are a duplicate.
    pub(crate) fn one(
        &self,
        tag: &'a str,
        qualifier: Option<&'a str>,
    ) -> Result<Option<&'a Segment<'a>>, TranslateError> {
        let mut found = self.all(tag, qualifier);
        let first = found.next();
        if let Some(second) = found.next() {
            return Err(TranslateError::new(
                ErrorClass::Duplicate,
                format!("segment {} ({})", second.position, label(tag, qualifier)),
                format!(
                    "{} appears more than once (first at segment {}); it may appear once",
                    label(tag, qualifier),
                    first.map(|s| s.position).unwrap_or_default()
                ),
            ));
        }
        Ok(first)
    }

    /// The mandatory segment `tag`/`qualifier`; `what` says what it carries.
    pub(crate) fn need(
        &self,
        tag: &'a str,
        qualifier: Option<&'a str>,
        what: &str,
    ) -> Result<&'a Segment<'a>, TranslateError> {
        self.one(tag, qualifier)?.ok_or_else(|| {
            TranslateError::new(
                ErrorClass::MissingElement,
                format!("segment {} ({what})", label(tag, qualifier)),
                "this segment is mandatory and is absent",
            )
        })
    }
}

/// `a == b`, compared in line: tags and qualifiers are a few bytes, and a call to `memcmp`
/// for each of them was a twentieth of the translation's time.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

fn label(tag: &str, qualifier: Option<&str>) -> String {
    match qualifier {
        Some(q) => format!("{tag}+{q}"),
        None => tag.to_owned(),
    }
}
