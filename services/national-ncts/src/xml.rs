//! NCTS XML as a small element tree: parsing with exact errors and the shared limits, and
//! writing. The root is qualified in the namespace `http://ncts.dgtaxud.ec` (written
//! `ncts:CD050C`, with `PhaseID="NCTS5.1"`); every other element is unqualified, as the
//! schemas' `elementFormDefault="unqualified"` says. NCTS documents are UTF-8.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use transit_national::{
    ErrorClass, TranslateError, MAX_ELEMENTS, MAX_NAME_BYTES, MAX_NATIONAL_BYTES,
    MAX_NESTING_DEPTH, MAX_PATH_BYTES, MAX_TEXT_BYTES,
};

/// The namespace of every NCTS phase 5 message.
pub const NAMESPACE: &str = "http://ncts.dgtaxud.ec";

/// The phase written on every root (`PhaseID`).
pub const PHASE: &str = "NCTS5.1";

/// One element, with its path from the root (`CD050C/Consignment/grossMass`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    /// Its local name (the root's without its prefix).
    pub name: String,
    /// Its path from the root; only its name in trees built for writing.
    pub path: String,
    /// Its text (trimmed).
    pub text: String,
    /// Its child elements, in document order.
    pub children: Vec<Element>,
}

impl Element {
    /// A leaf with a value.
    pub fn leaf(name: &str, value: impl Into<String>) -> Self {
        Self {
            name: name.to_owned(),
            path: name.to_owned(),
            text: value.into(),
            children: Vec::new(),
        }
    }

    /// A leaf when there is a value, nothing otherwise (for `.extend`).
    pub fn optional(name: &str, value: Option<impl Into<String>>) -> Option<Self> {
        value.map(|v| Self::leaf(name, v))
    }

    /// An element with children.
    pub fn group(name: &str, children: Vec<Element>) -> Self {
        Self {
            name: name.to_owned(),
            path: name.to_owned(),
            text: String::new(),
            children,
        }
    }

    /// Every leaf, as (path, text), in document order.
    pub fn leaves(&self) -> Vec<(String, String)> {
        if self.children.is_empty() {
            return vec![(self.path.clone(), self.text.clone())];
        }
        self.children.iter().flat_map(Element::leaves).collect()
    }

    /// The one child called `name`, if present; two are a duplicate.
    pub fn child(&self, name: &str) -> Result<Option<&Element>, TranslateError> {
        let mut found = self.children.iter().filter(|c| c.name == name);
        let first = found.next();
        if let Some(second) = found.next() {
            return Err(TranslateError::new(
                ErrorClass::Duplicate,
                second.path.clone(),
                format!(
                    "<{name}> appears more than once in <{}>; the schema allows it once",
                    self.name
                ),
            ));
        }
        Ok(first)
    }

    /// The mandatory child `name`.
    pub fn need(&self, name: &str) -> Result<&Element, TranslateError> {
        self.child(name)?
            .ok_or_else(|| TranslateError::missing(format!("{}/{name}", self.path)))
    }

    /// The text of the mandatory child `name`, and its path.
    pub fn text_of(&self, name: &str) -> Result<(&str, &str), TranslateError> {
        let child = self.need(name)?;
        if child.text.is_empty() {
            return Err(TranslateError::missing(child.path.clone()));
        }
        Ok((&child.text, &child.path))
    }

    /// The text of the optional child `name`, and its path.
    pub fn value(&self, name: &str) -> Result<Option<(&str, &str)>, TranslateError> {
        Ok(self
            .child(name)?
            .filter(|c| !c.text.is_empty())
            .map(|c| (c.text.as_str(), c.path.as_str())))
    }

    /// Every child called `name`.
    pub fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }
}

fn position(bytes: &[u8], offset: usize) -> String {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = before.len()
        - before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    format!("line {line}, column {column}")
}

fn local(name: &[u8]) -> &[u8] {
    name.iter()
        .position(|b| *b == b':')
        .map_or(name, |colon| &name[colon + 1..])
}

/// Parses an NCTS document: UTF-8, its root in the NCTS namespace, within the shared limits.
pub fn parse(bytes: &[u8]) -> Result<Element, TranslateError> {
    if bytes.len() > MAX_NATIONAL_BYTES {
        return Err(TranslateError::oversize(bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        TranslateError::new(
            ErrorClass::Encoding,
            format!(
                "byte {} ({})",
                e.valid_up_to() + 1,
                position(bytes, e.valid_up_to())
            ),
            "not UTF-8: NCTS messages are written in UTF-8",
        )
    })?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Element> = Vec::new();
    let mut done: Option<Element> = None;
    let mut elements = 0usize;
    loop {
        let offset = usize::try_from(reader.buffer_position()).unwrap_or(0);
        let at = || position(bytes, offset);
        let event = reader.read_event().map_err(|e| {
            let class = if stack.is_empty() {
                ErrorClass::Syntax
            } else {
                ErrorClass::Truncated
            };
            TranslateError::new(class, at(), format!("not well-formed XML: {e}"))
        })?;
        match event {
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::DocType(_) => {
                return Err(TranslateError::new(
                    ErrorClass::Syntax,
                    at(),
                    "a DOCTYPE is not allowed (entities are refused)",
                ))
            }
            Event::Start(_) | Event::Empty(_) if done.is_some() => {
                return Err(TranslateError::new(
                    ErrorClass::Syntax,
                    at(),
                    "content after the end of the root element",
                ))
            }
            Event::Start(start) => {
                let element = open(&start, &stack, &mut elements, &at)?;
                stack.push(element);
            }
            Event::Empty(start) => {
                let element = open(&start, &stack, &mut elements, &at)?;
                close(element, &mut stack, &mut done);
            }
            Event::End(_) => {
                let element = stack.pop().ok_or_else(|| {
                    TranslateError::new(ErrorClass::Syntax, at(), "unexpected end tag")
                })?;
                close(element, &mut stack, &mut done);
            }
            Event::Text(t) => {
                let value = t
                    .unescape()
                    .map_err(|e| TranslateError::new(ErrorClass::Syntax, at(), e.to_string()))?;
                append(&mut stack, &value)?;
            }
            Event::CData(data) => {
                let value = String::from_utf8_lossy(&data).into_owned();
                append(&mut stack, &value)?;
            }
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.first() {
        return Err(TranslateError::new(
            ErrorClass::Truncated,
            open.name.clone(),
            format!(
                "the document ends inside <{}>: the message is cut short",
                open.name
            ),
        ));
    }
    done.ok_or_else(|| {
        TranslateError::new(
            ErrorClass::Truncated,
            "message",
            "no root element: the message is empty or cut short",
        )
    })
}

fn open(
    start: &BytesStart<'_>,
    stack: &[Element],
    elements: &mut usize,
    at: &dyn Fn() -> String,
) -> Result<Element, TranslateError> {
    *elements += 1;
    if *elements > MAX_ELEMENTS {
        return Err(TranslateError::new(
            ErrorClass::Oversize,
            at(),
            format!("more than {MAX_ELEMENTS} elements"),
        ));
    }
    if stack.len() >= MAX_NESTING_DEPTH {
        return Err(TranslateError::new(
            ErrorClass::Oversize,
            at(),
            format!("elements nested deeper than {MAX_NESTING_DEPTH} levels"),
        ));
    }
    let raw = start.name();
    if raw.as_ref().len() > MAX_NAME_BYTES {
        return Err(TranslateError::new(
            ErrorClass::Oversize,
            at(),
            format!("an element name longer than {MAX_NAME_BYTES} bytes"),
        ));
    }
    let name = String::from_utf8_lossy(local(raw.as_ref())).into_owned();
    let path = match stack.last() {
        Some(parent) => format!("{}/{name}", parent.path),
        None => {
            let declared = start.attributes().flatten().any(|a| {
                (a.key.as_ref() == b"xmlns" || a.key.as_ref().starts_with(b"xmlns:"))
                    && a.value.as_ref() == NAMESPACE.as_bytes()
            });
            if !declared {
                return Err(TranslateError::new(
                    ErrorClass::Syntax,
                    name.clone(),
                    format!("the root <{name}> is not in the NCTS namespace {NAMESPACE}"),
                ));
            }
            name.clone()
        }
    };
    if path.len() > MAX_PATH_BYTES {
        return Err(TranslateError::new(
            ErrorClass::Oversize,
            at(),
            format!("an element path longer than {MAX_PATH_BYTES} bytes"),
        ));
    }
    Ok(Element {
        name,
        path,
        text: String::new(),
        children: Vec::new(),
    })
}

fn append(stack: &mut [Element], value: &str) -> Result<(), TranslateError> {
    if let Some(top) = stack.last_mut() {
        if top.text.len() + value.len() > MAX_TEXT_BYTES {
            return Err(TranslateError::new(
                ErrorClass::Oversize,
                top.path.clone(),
                format!("a text longer than {MAX_TEXT_BYTES} bytes"),
            ));
        }
        top.text.push_str(value.trim());
    }
    Ok(())
}

fn close(element: Element, stack: &mut [Element], done: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *done = Some(element),
    }
}

/// Writes `root` as an indented UTF-8 document, the root qualified in the NCTS namespace.
pub fn write(root: &Element) -> Vec<u8> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let qualified = format!("ncts:{}", root.name);
    let mut start = BytesStart::new(qualified.as_str());
    start.push_attribute(("xmlns:ncts", NAMESPACE));
    start.push_attribute(("PhaseID", PHASE));
    let _ = writer.write_event(Event::Start(start));
    for child in &root.children {
        write_element(&mut writer, child);
    }
    let _ = writer.write_event(Event::End(BytesEnd::new(qualified.as_str())));
    let mut out = writer.into_inner();
    out.push(b'\n');
    out
}

fn write_element(writer: &mut Writer<Vec<u8>>, element: &Element) {
    let _ = writer.write_event(Event::Start(BytesStart::new(element.name.as_str())));
    if !element.text.is_empty() {
        let _ = writer.write_event(Event::Text(BytesText::new(&element.text)));
    }
    for child in &element.children {
        write_element(writer, child);
    }
    let _ = writer.write_event(Event::End(BytesEnd::new(element.name.as_str())));
}
