//! ASYCUDA XML as a small element tree: parsing with exact errors, and writing.
//!
//! `<Field/>` and `<Field><null/></Field>` both mean "absent".

use std::borrow::Cow;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use transit_national::{
    CharacterEncoding, ErrorClass, TranslateError, MAX_ELEMENTS, MAX_NAME_BYTES,
    MAX_NATIONAL_BYTES, MAX_NESTING_DEPTH, MAX_PATH_BYTES, MAX_TEXT_BYTES,
};

use crate::position::at;

/// One element, with its path from the root (`ASYCUDA/Transit/Seals`). A read tree's texts
/// borrow the document (copied only when they hold an entity such as `&amp;`); its name is
/// the tail of its path, so an element costs one string, not three.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node<'a> {
    /// Its path from the root; only its name in trees built for writing.
    path: String,
    /// Where the name starts in `path`.
    name_at: usize,
    /// Its text (trimmed).
    pub text: Cow<'a, str>,
    /// Its child elements.
    pub children: Vec<Node<'a>>,
}

impl Node<'static> {
    /// A leaf with a value.
    pub fn leaf(name: &str, value: impl Into<String>) -> Self {
        Self {
            path: name.to_owned(),
            name_at: 0,
            text: Cow::Owned(value.into()),
            children: Vec::new(),
        }
    }

    /// A leaf holding `<null/>`, or the value.
    pub fn optional(name: &str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(value) => Self::leaf(name, value),
            None => Self::group(name, vec![Self::leaf("null", "")]),
        }
    }

    /// An element with children.
    pub fn group(name: &str, children: Vec<Node<'static>>) -> Self {
        Self {
            path: name.to_owned(),
            name_at: 0,
            text: Cow::Borrowed(""),
            children,
        }
    }
}

impl<'a> Node<'a> {
    /// The same tree, owning its texts.
    pub fn into_owned(self) -> Node<'static> {
        Node {
            path: self.path,
            name_at: self.name_at,
            text: Cow::Owned(self.text.into_owned()),
            children: self.children.into_iter().map(Node::into_owned).collect(),
        }
    }

    /// The element name.
    pub fn name(&self) -> &str {
        &self.path[self.name_at..]
    }

    /// Its path from the root (`ASYCUDA/Transit/Seals`); only its name in a tree built for
    /// writing.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Every leaf that carries a value, as (path, text), in document order.
    pub fn leaves(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.children.is_empty() {
            if !self.is_absent() {
                out.push((self.path.clone(), self.text.to_string()));
            }
        } else {
            for child in &self.children {
                out.extend(child.leaves());
            }
        }
        out
    }

    /// Whether the element carries no value: empty, or only `<null/>`.
    fn is_absent(&self) -> bool {
        self.text.trim().is_empty()
            && self
                .children
                .iter()
                .all(|c| c.name() == "null" && c.children.is_empty())
    }

    fn child_path(&self, name: &str) -> String {
        format!("{}/{name}", self.path)
    }

    /// The one child called `name`, if present and not absent; two are a duplicate.
    pub fn child(&self, name: &str) -> Result<Option<&Node<'a>>, TranslateError> {
        let mut found = self.children.iter().filter(|c| c.name() == name);
        let first = found.next();
        if let Some(second) = found.next() {
            return Err(TranslateError::new(
                ErrorClass::Duplicate,
                second.path.clone(),
                format!(
                    "<{name}> appears more than once in <{}>; it may appear once",
                    self.name()
                ),
            ));
        }
        Ok(first.filter(|c| !c.is_absent()))
    }

    /// The mandatory child `name`.
    pub fn need(&self, name: &str) -> Result<&Node<'a>, TranslateError> {
        self.child(name)?
            .ok_or_else(|| TranslateError::missing(self.child_path(name)))
    }

    /// The text of the optional child `name`.
    pub fn value(&self, name: &str) -> Result<Option<(&str, &str)>, TranslateError> {
        Ok(self
            .child(name)?
            .map(|c| (c.text.as_ref(), c.path.as_str())))
    }

    /// The text of the mandatory child `name`, with its path.
    pub fn text_of(&self, name: &str) -> Result<(&str, &str), TranslateError> {
        self.value(name)?
            .ok_or_else(|| TranslateError::missing(self.child_path(name)))
    }

    /// Every child called `name` that carries a value.
    pub fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Node<'a>> + 's {
        self.children
            .iter()
            .filter(move |c| c.name() == name && !c.is_absent())
    }
}

/// Parses a document whose root must be `root`, in the character encoding it declares
/// ([`crate::charset`]); a tree read from another encoding than UTF-8 owns its texts.
pub fn parse<'a>(bytes: &'a [u8], root: &str) -> Result<Node<'a>, TranslateError> {
    if bytes.len() > MAX_NATIONAL_BYTES {
        return Err(TranslateError::oversize(bytes.len()));
    }
    match crate::charset::decode(bytes)? {
        Cow::Borrowed(text) => parse_text(text, root),
        Cow::Owned(text) => parse_text(&text, root).map(Node::into_owned),
    }
}

fn parse_text<'a>(text: &'a str, root: &str) -> Result<Node<'a>, TranslateError> {
    let bytes = text.as_bytes();
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Node<'a>> = Vec::new();
    let mut done: Option<Node<'a>> = None;
    let mut elements = 0usize;
    loop {
        let offset = usize::try_from(reader.buffer_position()).unwrap_or(0);
        let event = reader.read_event().map_err(|e| {
            let class = match e {
                quick_xml::Error::Syntax(_) if !stack.is_empty() => ErrorClass::Truncated,
                _ => ErrorClass::Syntax,
            };
            TranslateError::new(
                class,
                at(bytes, offset),
                format!("not well-formed XML: {e}"),
            )
        })?;
        match event {
            // The declaration's encoding was read before the text was decoded.
            Event::Decl(_) => {}
            Event::DocType(_) => {
                return Err(TranslateError::new(
                    ErrorClass::Syntax,
                    at(bytes, offset),
                    "a DOCTYPE is not allowed (entities are refused)",
                ))
            }
            Event::Start(start) | Event::Empty(start) if done.is_some() => {
                let _ = start;
                return Err(TranslateError::new(
                    ErrorClass::Syntax,
                    at(bytes, offset),
                    "content after the end of the root element",
                ));
            }
            Event::Start(start) => {
                within_bounds(&stack, &mut elements, bytes, offset)?;
                stack.push(open(&start, &stack, root, bytes, offset)?);
            }
            Event::Empty(start) => {
                within_bounds(&stack, &mut elements, bytes, offset)?;
                let node = open(&start, &stack, root, bytes, offset)?;
                close(node, &mut stack, &mut done);
            }
            Event::End(_) => {
                let node = stack.pop().ok_or_else(|| {
                    TranslateError::new(ErrorClass::Syntax, at(bytes, offset), "unexpected end tag")
                })?;
                close(node, &mut stack, &mut done);
            }
            Event::Text(text) => {
                let value = text.unescape().map_err(|e| {
                    TranslateError::new(ErrorClass::Syntax, at(bytes, offset), e.to_string())
                })?;
                if let Some(top) = stack.last_mut() {
                    append(&mut top.text, value, &top.path)?;
                }
            }
            Event::CData(data) => {
                let value = data.decode().map_err(|e| {
                    TranslateError::new(ErrorClass::Encoding, at(bytes, offset), e.to_string())
                })?;
                if let Some(top) = stack.last_mut() {
                    append(&mut top.text, value, &top.path)?;
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::PI(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(TranslateError::new(
            ErrorClass::Truncated,
            open.path.clone(),
            format!(
                "the document ends inside <{}>: the message is cut short",
                open.name()
            ),
        ));
    }
    done.ok_or_else(|| {
        TranslateError::new(
            ErrorClass::Truncated,
            root,
            format!("no <{root}> element: the message is empty or cut short"),
        )
    })
}

/// Refuses one more element beyond [`MAX_NESTING_DEPTH`] levels or [`MAX_ELEMENTS`] in all,
/// before it is built: a hostile document never reaches the tree.
fn within_bounds(
    stack: &[Node<'_>],
    elements: &mut usize,
    bytes: &[u8],
    offset: usize,
) -> Result<(), TranslateError> {
    *elements += 1;
    let place = || {
        stack.last().map_or_else(
            || at(bytes, offset),
            |parent| format!("{} ({})", parent.path, at(bytes, offset)),
        )
    };
    if stack.len() >= MAX_NESTING_DEPTH {
        return Err(TranslateError::new(
            ErrorClass::Syntax,
            place(),
            format!(
                "elements are nested more than {MAX_NESTING_DEPTH} levels deep; an ASYCUDA message is only a few levels deep"
            ),
        ));
    }
    if *elements > MAX_ELEMENTS {
        return Err(TranslateError::new(
            ErrorClass::Oversize,
            place(),
            format!("the message has more than {MAX_ELEMENTS} elements"),
        ));
    }
    Ok(())
}

/// `value` added to an element's text (an element can hold several text and CDATA parts),
/// within [`MAX_TEXT_BYTES`].
fn append<'a>(
    text: &mut Cow<'a, str>,
    value: Cow<'a, str>,
    path: &str,
) -> Result<(), TranslateError> {
    if text.len() + value.len() > MAX_TEXT_BYTES {
        return Err(TranslateError::new(
            ErrorClass::Oversize,
            path,
            format!(
                "the text is longer than {MAX_TEXT_BYTES} bytes; no ASYCUDA element holds more than 512 characters"
            ),
        ));
    }
    if text.is_empty() {
        *text = value;
    } else {
        text.to_mut().push_str(&value);
    }
    Ok(())
}

fn open<'a>(
    start: &BytesStart<'_>,
    stack: &[Node<'a>],
    root: &str,
    bytes: &[u8],
    offset: usize,
) -> Result<Node<'a>, TranslateError> {
    let local = start.local_name();
    let name = std::str::from_utf8(local.as_ref()).map_err(|_| {
        TranslateError::new(
            ErrorClass::Encoding,
            at(bytes, offset),
            "an element name is not UTF-8",
        )
    })?;
    if name.len() > MAX_NAME_BYTES {
        let shown: String = name.chars().take(40).collect();
        return Err(TranslateError::new(
            ErrorClass::Syntax,
            stack
                .last()
                .map_or_else(|| at(bytes, offset), |parent| parent.path.clone()),
            format!(
                "an element name ({shown}…, {} bytes) is longer than {MAX_NAME_BYTES} bytes; ASYCUDA names are short words",
                name.len()
            ),
        ));
    }
    let (path, name_at) = match stack.last() {
        Some(parent) if parent.path.len() + 1 + name.len() > MAX_PATH_BYTES => {
            return Err(TranslateError::new(
                ErrorClass::Syntax,
                parent.path.clone(),
                format!("the path to <{name}> is longer than {MAX_PATH_BYTES} bytes"),
            ))
        }
        Some(parent) => {
            let mut path = String::with_capacity(parent.path.len() + 1 + name.len());
            path.push_str(&parent.path);
            path.push('/');
            let name_at = path.len();
            path.push_str(name);
            (path, name_at)
        }
        None if name == root => (name.to_owned(), 0),
        None => {
            return Err(TranslateError::new(
                ErrorClass::Syntax,
                at(bytes, offset),
                format!("the root element is <{name}>; an ASYCUDA message starts with <{root}>"),
            ))
        }
    };
    Ok(Node {
        path,
        name_at,
        text: Cow::Borrowed(""),
        children: Vec::new(),
    })
}

fn close<'a>(node: Node<'a>, stack: &mut [Node<'a>], done: &mut Option<Node<'a>>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => *done = Some(node),
    }
}

/// Writes `node` as an indented document in `encoding` (a character the set lacks becomes a
/// character reference).
pub fn write(node: &Node<'_>, encoding: CharacterEncoding) -> Vec<u8> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = writer.write_event(Event::Decl(BytesDecl::new(
        "1.0",
        Some(encoding.label()),
        None,
    )));
    write_node(&mut writer, node);
    let mut out = writer.into_inner();
    out.push(b'\n');
    if encoding == CharacterEncoding::Utf8 {
        return out;
    }
    match String::from_utf8(out) {
        Ok(text) => encoding.encode_xml(&text),
        Err(not_text) => not_text.into_bytes(),
    }
}

fn write_node(writer: &mut Writer<Vec<u8>>, node: &Node<'_>) {
    if node.children.is_empty() && node.text.is_empty() {
        let _ = writer.write_event(Event::Empty(BytesStart::new(node.name())));
        return;
    }
    let _ = writer.write_event(Event::Start(BytesStart::new(node.name())));
    if !node.text.is_empty() {
        let _ = writer.write_event(Event::Text(BytesText::new(&node.text)));
    }
    for child in &node.children {
        write_node(writer, child);
    }
    let _ = writer.write_event(Event::End(BytesEnd::new(node.name())));
}
