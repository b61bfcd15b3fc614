//! UN/EDIFACT syntax: service string advice (UNA), release character, segment terminators,
//! the interchange (UNB … UNZ) and its one message (UNH … UNT), read and written exactly.
//!
//! - [`parse`] (`read.rs`): bytes → segments whose components borrow the input (a component
//!   is copied only when it holds a release character or the input is Latin-1 with accents);
//! - [`write`](fn@write) (`write.rs`): segments → bytes, escaping what needs it.

mod read;
mod write;

use std::borrow::Cow;

use transit_national::TranslateError;

pub use read::parse;
pub use write::write;

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
/// Read segments borrow the interchange's bytes; segments built for writing own their text.
/// The components of every element are kept in one list (one allocation per segment, not
/// one per element).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The tag (`LOC`, `DTM`…).
    pub tag: Cow<'a, str>,
    /// Every component of every data element after the tag, in order.
    components: Vec<Cow<'a, str>>,
    /// Where each data element's components end in `components`.
    element_ends: Vec<u32>,
    /// 1-based position in the interchange (0 for segments built for writing).
    pub position: usize,
}

impl Segment<'static> {
    /// A segment built for writing.
    pub fn new(tag: &str, elements: Vec<Vec<String>>) -> Self {
        let mut components = Vec::new();
        let mut element_ends = Vec::with_capacity(elements.len());
        for element in elements {
            components.extend(element.into_iter().map(Cow::Owned));
            element_ends.push(components.len() as u32);
        }
        Self {
            tag: Cow::Owned(tag.to_owned()),
            components,
            element_ends,
            position: 0,
        }
    }
}

impl<'a> Segment<'a> {
    /// A segment read at `position`.
    pub(crate) fn read(
        tag: Cow<'a, str>,
        components: Vec<Cow<'a, str>>,
        element_ends: Vec<u32>,
        position: usize,
    ) -> Self {
        Self {
            tag,
            components,
            element_ends,
            position,
        }
    }

    /// The same segment owning its text.
    pub fn into_owned(self) -> Segment<'static> {
        Segment {
            tag: Cow::Owned(self.tag.into_owned()),
            components: self
                .components
                .into_iter()
                .map(|c| Cow::Owned(c.into_owned()))
                .collect(),
            element_ends: self.element_ends,
            position: self.position,
        }
    }

    /// Data element `e` (0-based): its components.
    pub fn element(&self, e: usize) -> Option<&[Cow<'a, str>]> {
        let end = *self.element_ends.get(e)? as usize;
        let start = match e {
            0 => 0,
            _ => self.element_ends[e - 1] as usize,
        };
        self.components.get(start..end)
    }

    /// The data elements after the tag, each a list of components.
    pub fn elements(&self) -> impl Iterator<Item = &[Cow<'a, str>]> + '_ {
        (0..self.element_ends.len()).filter_map(|e| self.element(e))
    }

    /// The first component of the first element (the qualifier, for most segments).
    pub fn qualifier(&self) -> &str {
        self.component(0, 0).unwrap_or("")
    }

    /// Component `c` of element `e` (0-based), if present and non-empty.
    pub fn component(&self, e: usize, c: usize) -> Option<&str> {
        self.element(e)
            .and_then(|el| el.get(c))
            .map(|v| v.as_ref())
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
    segment: &'a Segment<'a>,
    e: usize,
    c: usize,
}

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.segment.place(self.e, self.c))
    }
}

impl From<Place<'_>> for String {
    fn from(place: Place<'_>) -> Self {
        place.to_string()
    }
}

/// A whole interchange holding one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interchange<'a> {
    /// The syntax identifier (`UNOC`, `UNOW`…).
    pub syntax: String,
    /// Interchange sender.
    pub sender: String, // raw text: the EDIFACT interchange sender, a national id
    /// Interchange recipient.
    pub recipient: String,
    /// Interchange control reference.
    pub control: String,
    /// The message type identifier (`CUSDEC`, `APERAK`…).
    pub message_type: String, // raw text: the EDIFACT message type (CUSDEC), not an NCTS one
    /// The message's segments between UNH and UNT.
    pub segments: Vec<Segment<'a>>,
}

impl Interchange<'_> {
    /// The same interchange owning its text.
    pub fn into_owned(self) -> Interchange<'static> {
        Interchange {
            syntax: self.syntax,
            sender: self.sender,
            recipient: self.recipient,
            control: self.control,
            message_type: self.message_type,
            segments: self.segments.into_iter().map(Segment::into_owned).collect(),
        }
    }
}
