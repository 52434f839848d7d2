//! A YAML (and therefore JSON) document tree where every node keeps its source position.
//!
//! Contract files, AsyncAPI documents and schema files are all read through [`parse`]. It builds
//! the tree from saphyr-parser's event stream itself rather than through a generic loader so that
//! it can bound what a hostile or broken file costs: nesting depth, the number of nodes, and how
//! much alias expansion may add (the "billion laughs" alias bomb). It also reports duplicate keys,
//! which YAML forbids but most loaders silently accept.
//!
//! Plain scalars are resolved with the YAML 1.2 core schema, so `on`, `yes` and `no` stay
//! strings (no "Norway problem"). Merge keys (`<<`) from YAML 1.1 are honoured because real
//! AsyncAPI documents use them.

use std::collections::{HashMap, HashSet};
use std::fmt;

mod json;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, SpannedEventReceiver};

use crate::diagnostic::Position;

/// Safety limits for one document. The defaults are far above any real contract or AsyncAPI
/// document we have seen and far below what would exhaust memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Maximum nesting of sequences and mappings.
    pub max_depth: usize,
    /// Maximum number of nodes, counting those that alias expansion creates.
    pub max_nodes: usize,
    /// Maximum number of nodes that alias expansion may add in total.
    pub max_alias_nodes: usize,
    /// Maximum size of the source text in bytes.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 200,
            max_nodes: 2_000_000,
            max_alias_nodes: 100_000,
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A position range in the source. `end` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

impl Span {
    fn from_parser(span: saphyr_parser::Span) -> Span {
        Span {
            start: position(span.start),
            end: position(span.end),
        }
    }
}

fn position(marker: saphyr_parser::Marker) -> Position {
    // saphyr's lines are 1-based and its columns 0-based; contrail reports both 1-based.
    Position {
        line: u32::try_from(marker.line()).unwrap_or(u32::MAX).max(1),
        column: u32::try_from(marker.col()).unwrap_or(u32::MAX - 1) + 1,
    }
}

/// One node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry. Keys are scalars; their source text is kept as the key.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// What went wrong reading a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub message: String,
    pub position: Position,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Not well-formed YAML.
    Syntax,
    /// Well-formed but over one of the [`Limits`].
    Limit,
    /// No document at all (empty or only comments).
    Empty,
    /// More than one document in the stream.
    MultipleDocuments,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.position.line, self.position.column
        )
    }
}

/// A problem in a document that still parsed: a duplicate key. The later value wins, as in
/// most YAML loaders, but the user is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub span: Span,
    pub first: Span,
}

/// A parsed document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub root: Node,
    pub duplicate_keys: Vec<DuplicateKey>,
}

/// Parses one YAML or JSON document with the default [`Limits`].
pub fn parse(text: &str) -> Result<Document, YamlError> {
    parse_with_limits(text, Limits::default())
}

/// Parses one YAML or JSON document.
pub fn parse_with_limits(text: &str, limits: Limits) -> Result<Document, YamlError> {
    if text.len() > limits.max_bytes {
        return Err(YamlError {
            kind: YamlErrorKind::Limit,
            message: format!(
                "the document is {} bytes; contrail reads documents of at most {} bytes",
                text.len(),
                limits.max_bytes
            ),
            position: Position::START,
        });
    }
    // JSON is YAML, but a JSON reader is several times faster than saphyr's flow scanner, and
    // every `.avsc` is JSON. It takes only what it reads exactly as the YAML reader would.
    if let Some(document) = json::parse(text, limits) {
        return Ok(document);
    }
    parse_yaml(text, limits)
}

/// [`parse_with_limits`] through saphyr-parser, for any YAML.
fn parse_yaml(text: &str, limits: Limits) -> Result<Document, YamlError> {
    let mut builder = Builder::new(limits, text);
    let mut parser = Parser::new_from_str(text);
    // saphyr-parser asserts on a few states it believes unreachable. A file must never crash
    // contrail, so a panic inside the parser becomes a syntax error at the last known position.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        parser.load(&mut builder, true)
    }));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(scan)) => {
            // A limit hit before the syntax error is the more useful report (and is first).
            if let Some(error) = builder.error.take() {
                return Err(error);
            }
            return Err(syntax_error(&scan));
        }
        Err(_) => {
            return Err(builder.error.take().unwrap_or(YamlError {
                kind: YamlErrorKind::Syntax,
                message: "the YAML parser could not read this document".to_owned(),
                position: builder.last_position,
            }));
        }
    }
    if let Some(error) = builder.error {
        return Err(error);
    }
    let mut documents = builder.documents.into_iter();
    let root = documents.next().ok_or(YamlError {
        kind: YamlErrorKind::Empty,
        message: "the file holds no YAML document".to_owned(),
        position: Position::START,
    })?;
    if let Some(second) = documents.next() {
        return Err(YamlError {
            kind: YamlErrorKind::MultipleDocuments,
            message:
                "the file holds more than one YAML document; contrail reads one document per file"
                    .to_owned(),
            position: second.span.start,
        });
    }
    Ok(Document {
        root,
        duplicate_keys: builder.duplicate_keys,
    })
}

fn syntax_error(scan: &ScanError) -> YamlError {
    // The scanner counts flow nesting (`[[[...`) in a u8 and stops at 255.
    if scan.info() == "recursion limit exceeded" {
        return YamlError {
            kind: YamlErrorKind::Limit,
            message: "the document nests more than 255 flow collections deep".to_owned(),
            position: position(*scan.marker()),
        };
    }
    YamlError {
        kind: YamlErrorKind::Syntax,
        message: scan.info().to_owned(),
        position: position(*scan.marker()),
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Span,
        anchor: usize,
    },
    Map(MapFrame),
}

struct MapFrame {
    entries: Vec<Entry>,
    start: Span,
    anchor: usize,
    pending_key: Option<(String, Span, bool)>,
    /// Key → index in `entries`, built only once a mapping grows past
    /// [`MapFrame::SCAN_LIMIT`] keys; smaller mappings (nearly all) are scanned.
    index: Option<HashMap<String, usize>>,
    merges: Vec<Node>,
}

impl MapFrame {
    const SCAN_LIMIT: usize = 16;

    /// The entry already holding `key`, if any. `entries` holds one entry per key (a repeated
    /// key replaces the earlier entry), so this is also where the key was last written.
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|e| e.key == key),
        }
    }

    fn push(&mut self, entry: Entry) {
        if let Some(index) = &mut self.index {
            index.insert(entry.key.clone(), self.entries.len());
        } else if self.entries.len() >= Self::SCAN_LIMIT {
            let mut index: HashMap<String, usize> = self
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.clone(), i))
                .collect();
            index.insert(entry.key.clone(), self.entries.len());
            self.index = Some(index);
        }
        self.entries.push(entry);
    }

    fn remove(&mut self, at: usize) {
        self.entries.remove(at);
        if let Some(index) = &mut self.index {
            index.clear();
            index.extend(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.key.clone(), i)),
            );
        }
    }
}

struct Anchored {
    node: Node,
    nodes: usize,
    depth: usize,
}

struct Builder<'t> {
    limits: Limits,
    text: &'t str,
    /// A (char index, byte index) pair into `text`, advanced as scalars arrive in order.
    cursor: (usize, usize),
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    documents: Vec<Node>,
    duplicate_keys: Vec<DuplicateKey>,
    node_count: usize,
    alias_nodes: usize,
    error: Option<YamlError>,
    last_position: Position,
}

impl<'t> Builder<'t> {
    fn new(limits: Limits, text: &'t str) -> Builder<'t> {
        Builder {
            limits,
            text,
            cursor: (0, 0),
            stack: Vec::new(),
            anchors: HashMap::new(),
            documents: Vec::new(),
            duplicate_keys: Vec::new(),
            node_count: 0,
            alias_nodes: 0,
            error: None,
            last_position: Position::START,
        }
    }

    fn fail(&mut self, kind: YamlErrorKind, message: String, position: Position) {
        if self.error.is_none() {
            self.error = Some(YamlError {
                kind,
                message,
                position,
            });
        }
    }

    fn count_nodes(&mut self, n: usize, at: Position) -> bool {
        self.node_count = self.node_count.saturating_add(n);
        if self.node_count > self.limits.max_nodes {
            self.fail(
                YamlErrorKind::Limit,
                format!("the document has more than {} nodes", self.limits.max_nodes),
                at,
            );
            return false;
        }
        true
    }

    /// Adds a finished node to the enclosing collection (or finishes the document).
    fn push_node(&mut self, node: Node, anchor: usize, key_style_plain: bool) {
        if anchor != 0 {
            let (nodes, depth) = measure(&node);
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    nodes,
                    depth,
                },
            );
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map(map)) => match map.pending_key.take() {
                None => {
                    let key = match &node.value {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        Value::Bool(b) => b.to_string(),
                        Value::Int(i) => i.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Seq(_) | Value::Map(_) => {
                            let at = node.span.start;
                            self.fail(
                                YamlErrorKind::Syntax,
                                "complex mapping keys (a sequence or mapping used as a key) are not supported"
                                    .to_owned(),
                                at,
                            );
                            return;
                        }
                    };
                    map.pending_key = Some((key, node.span, key_style_plain));
                }
                Some((key, key_span, plain)) => {
                    if plain && key == "<<" {
                        map.merges.push(node);
                        return;
                    }
                    if let Some(at) = map.position(&key) {
                        self.duplicate_keys.push(DuplicateKey {
                            key: key.clone(),
                            span: key_span,
                            first: map.entries[at].key_span,
                        });
                        map.remove(at);
                    }
                    map.push(Entry {
                        key,
                        key_span,
                        value: node,
                    });
                }
            },
        }
    }

    /// The byte offset of a char index in the source.
    fn byte_at(&mut self, char_index: usize) -> usize {
        if char_index < self.cursor.0 {
            self.cursor = (0, 0);
        }
        let (mut chars, mut bytes) = self.cursor;
        for c in self.text[bytes..].chars() {
            if chars == char_index {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
        }
        self.cursor = (chars, bytes);
        bytes
    }

    /// saphyr ends a quoted scalar's span after the blanks that follow it; trim them so a
    /// caret underlines the scalar only.
    fn trim_quoted_end(&mut self, span: saphyr_parser::Span) -> Span {
        let mut out = Span::from_parser(span);
        if span.start.line() != span.end.line() {
            return out;
        }
        let start = self.byte_at(span.start.index());
        let end = self.byte_at(span.end.index());
        let Some(token) = self.text.get(start..end) else {
            return out;
        };
        let trimmed = token.trim_end_matches([' ', '\t']);
        let removed = token[trimmed.len()..].chars().count() as u32;
        out.end.column = out.end.column.saturating_sub(removed).max(out.start.column);
        out
    }

    fn depth_ok(&mut self, at: Position) -> bool {
        if self.stack.len() >= self.limits.max_depth {
            self.fail(
                YamlErrorKind::Limit,
                format!(
                    "the document nests deeper than {} levels",
                    self.limits.max_depth
                ),
                at,
            );
            return false;
        }
        true
    }
}

/// Counts the nodes in a subtree and its depth, without recursion (the tree may be as deep as
/// the depth limit allows).
fn measure(node: &Node) -> (usize, usize) {
    let mut count = 0;
    let mut max_depth = 0;
    let mut stack = vec![(node, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        count += 1;
        max_depth = max_depth.max(depth);
        match &n.value {
            Value::Seq(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Map(entries) => stack.extend(entries.iter().map(|e| (&e.value, depth + 1))),
            _ => {}
        }
    }
    (count, max_depth)
}

impl<'input> SpannedEventReceiver<'input> for Builder<'_> {
    fn on_event(&mut self, event: Event<'input>, parser_span: saphyr_parser::Span) {
        let mut span = Span::from_parser(parser_span);
        self.last_position = span.start;
        if self.error.is_some() {
            return;
        }
        match event {
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => {}
            Event::Alias(id) => {
                let Some(anchored) = self.anchors.get(&id) else {
                    self.fail(
                        YamlErrorKind::Syntax,
                        "alias to an unknown anchor".to_owned(),
                        span.start,
                    );
                    return;
                };
                let (nodes, depth) = (anchored.nodes, anchored.depth);
                self.alias_nodes = self.alias_nodes.saturating_add(nodes);
                if self.alias_nodes > self.limits.max_alias_nodes {
                    let max = self.limits.max_alias_nodes;
                    self.fail(
                        YamlErrorKind::Limit,
                        format!(
                            "aliases expand to more than {max} nodes; this looks like a YAML alias bomb"
                        ),
                        span.start,
                    );
                    return;
                }
                if self.stack.len() + depth >= self.limits.max_depth {
                    let max = self.limits.max_depth;
                    self.fail(
                        YamlErrorKind::Limit,
                        format!(
                            "the document nests deeper than {max} levels once aliases are expanded"
                        ),
                        span.start,
                    );
                    return;
                }
                if !self.count_nodes(nodes, span.start) {
                    return;
                }
                // Cloned only once the budget allows it.
                let Some(anchored) = self.anchors.get(&id) else {
                    return;
                };
                let mut node = anchored.node.clone();
                node.span = span;
                self.push_node(node, 0, false);
            }
            Event::Scalar(text, style, anchor, tag) => {
                if !self.count_nodes(1, span.start) {
                    return;
                }
                let plain = style == ScalarStyle::Plain;
                if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
                    span = self.trim_quoted_end(parser_span);
                }
                let value = match tag.as_deref() {
                    Some(tag) if tag.is_yaml_core_schema() => resolve_tagged(&text, &tag.suffix),
                    _ if plain => resolve_plain(&text),
                    _ => Value::String(text.into_owned()),
                };
                self.push_node(Node { value, span }, anchor, plain);
            }
            Event::SequenceStart(anchor, _) => {
                if !self.depth_ok(span.start) || !self.count_nodes(1, span.start) {
                    return;
                }
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    start: span,
                    anchor,
                });
            }
            Event::MappingStart(anchor, _) => {
                if !self.depth_ok(span.start) || !self.count_nodes(1, span.start) {
                    return;
                }
                self.stack.push(Frame::Map(MapFrame {
                    entries: Vec::new(),
                    start: span,
                    anchor,
                    pending_key: None,
                    index: None,
                    merges: Vec::new(),
                }));
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    items,
                    start,
                    anchor,
                }) = self.stack.pop()
                {
                    let span = Span {
                        start: start.start,
                        end: span.end.max(start.end),
                    };
                    self.push_node(
                        Node {
                            value: Value::Seq(items),
                            span,
                        },
                        anchor,
                        false,
                    );
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(map)) = self.stack.pop() {
                    let span = Span {
                        start: map.start.start,
                        end: span.end.max(map.start.end),
                    };
                    let entries = apply_merges(map.entries, map.merges);
                    self.push_node(
                        Node {
                            value: Value::Map(entries),
                            span,
                        },
                        map.anchor,
                        false,
                    );
                }
            }
        }
    }
}

/// Applies YAML merge keys: entries of the merged mappings are added unless the mapping
/// already has the key. Earlier merge sources win over later ones, as in YAML 1.1.
fn apply_merges(mut entries: Vec<Entry>, merges: Vec<Node>) -> Vec<Entry> {
    if merges.is_empty() {
        return entries;
    }
    let mut present: HashSet<String> = entries.iter().map(|e| e.key.clone()).collect();
    let mut sources = Vec::new();
    for merge in merges {
        match merge.value {
            Value::Map(m) => sources.push(m),
            Value::Seq(items) => sources.extend(items.into_iter().filter_map(|i| match i.value {
                Value::Map(m) => Some(m),
                _ => None,
            })),
            _ => {}
        }
    }
    for source in sources {
        for entry in source {
            if present.insert(entry.key.clone()) {
                entries.push(entry);
            }
        }
    }
    entries
}

fn resolve_tagged(text: &str, suffix: &str) -> Value {
    match suffix {
        "str" => Value::String(text.to_owned()),
        "null" => Value::Null,
        "bool" | "int" | "float" => match resolve_plain(text) {
            Value::String(s) => Value::String(s),
            v => v,
        },
        _ => resolve_plain(text),
    }
}

/// Resolves a plain scalar with the YAML 1.2 core schema.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::Int(i);
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Value::Int(i);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => text
                .parse::<f64>()
                .map_or_else(|_| Value::String(text.to_owned()), Value::Float),
        };
    }
    if looks_like_float(digits)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::String(text.to_owned())
}

/// `[0-9]*(\.[0-9]*)?([eE][-+]?[0-9]+)?` with at least one digit before the exponent.
fn looks_like_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int)
        && frac.is_none_or(digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()))
        && (frac.is_some() || exponent.is_some());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

impl Node {
    /// The entries of a mapping, or `None` for any other node.
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry under `key` in a mapping, with the key's own span.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    /// Follows a JSON pointer (RFC 6901) from this node. `""` is the node itself.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut node = self;
        for token in rest.split('/') {
            let token = unescape_pointer_token(token);
            node = match &node.value {
                Value::Map(_) => node.get(&token)?,
                Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Where this node is written in `file`.
    pub fn location(&self, file: &std::path::Path) -> crate::diagnostic::Location {
        crate::diagnostic::Location {
            file: file.to_path_buf(),
            start: self.span.start,
            end: self.span.end,
        }
    }

    /// What kind of value this is, in words for messages ("a mapping", "a string").
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }

    /// Converts the subtree to JSON. Non-finite floats, which JSON cannot hold, become `null`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::String(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

pub use crate::pointer::{escape_pointer_token, pointer_join, unescape_pointer_token};

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        match parse(text) {
            Ok(doc) => doc.root,
            Err(e) => panic!("{text:?} did not parse: {e}"),
        }
    }

    #[test]
    fn spans_are_one_based() {
        let doc = root("event: OrderPlaced\ntopic: shop.orders\n");
        let topic = doc.entry("topic").expect("topic");
        assert_eq!(topic.key_span.start, Position { line: 2, column: 1 });
        assert_eq!(topic.value.span.start, Position { line: 2, column: 8 });
    }

    #[test]
    fn quoted_scalar_spans_end_at_the_quote() {
        let doc = root("{\"a\": \"xé\"  , \"b\": 'y' }");
        let a = doc.get("a").expect("a").span;
        assert_eq!((a.start.column, a.end.column), (7, 11));
        let b = doc.get("b").expect("b").span;
        assert_eq!((b.start.column, b.end.column), (20, 23));
    }

    #[test]
    fn core_schema_scalars() {
        let doc = root(
            "a: on\nb: 12\nc: 1.5\nd: ~\ne: 'true'\nf: 0x1F\ng: 1e3\nh: -7\ni: .5\nj: 1.2.3\n",
        );
        assert_eq!(doc.get("a").and_then(Node::as_str), Some("on"));
        assert_eq!(doc.get("b").and_then(Node::as_i64), Some(12));
        assert_eq!(
            doc.get("c").map(|n| n.value.clone()),
            Some(Value::Float(1.5))
        );
        assert!(doc.get("d").is_some_and(Node::is_null));
        assert_eq!(doc.get("e").and_then(Node::as_str), Some("true"));
        assert_eq!(doc.get("f").and_then(Node::as_i64), Some(31));
        assert_eq!(
            doc.get("g").map(|n| n.value.clone()),
            Some(Value::Float(1000.0))
        );
        assert_eq!(doc.get("h").and_then(Node::as_i64), Some(-7));
        assert_eq!(
            doc.get("i").map(|n| n.value.clone()),
            Some(Value::Float(0.5))
        );
        assert_eq!(doc.get("j").and_then(Node::as_str), Some("1.2.3"));
    }

    #[test]
    fn json_is_yaml() {
        let doc =
            root(r#"{"type": "record", "name": "A", "fields": [{"name": "x", "type": "int"}]}"#);
        assert_eq!(
            doc.to_json(),
            serde_json::json!({"type": "record", "name": "A", "fields": [{"name": "x", "type": "int"}]})
        );
        assert_eq!(
            doc.pointer("/fields/0/name").and_then(Node::as_str),
            Some("x")
        );
    }

    #[test]
    fn duplicate_keys_are_reported_and_last_wins() {
        let doc = parse("a: 1\nb: 2\na: 3\n").expect("parses");
        assert_eq!(doc.duplicate_keys.len(), 1);
        assert_eq!(doc.duplicate_keys[0].key, "a");
        assert_eq!(doc.duplicate_keys[0].span.start.line, 3);
        assert_eq!(doc.duplicate_keys[0].first.start.line, 1);
        assert_eq!(doc.root.get("a").and_then(Node::as_i64), Some(3));
        assert_eq!(doc.root.as_map().map(<[Entry]>::len), Some(2));
    }

    #[test]
    fn duplicate_keys_in_large_mappings() {
        // Past `MapFrame::SCAN_LIMIT` keys, duplicates are found through an index; the result
        // must be the same as for small mappings: last value wins, the earlier key is named.
        let mut text: String = (0..20).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k3: again\nk19: x\nk3: third\n");
        let doc = parse(&text).expect("parses");
        let dups: Vec<(&str, u32, u32)> = doc
            .duplicate_keys
            .iter()
            .map(|d| (d.key.as_str(), d.span.start.line, d.first.start.line))
            .collect();
        assert_eq!(dups, vec![("k3", 21, 4), ("k19", 22, 20), ("k3", 23, 21)]);
        assert_eq!(doc.root.get("k3").and_then(Node::as_str), Some("third"));
        assert_eq!(doc.root.get("k19").and_then(Node::as_str), Some("x"));
        assert_eq!(doc.root.get("k18").and_then(Node::as_i64), Some(18));
        assert_eq!(doc.root.as_map().map(<[Entry]>::len), Some(20));
    }

    #[test]
    fn aliases_and_merge_keys() {
        let doc = root("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 5\ncopy: *b\n");
        assert_eq!(doc.pointer("/other/x").and_then(Node::as_i64), Some(1));
        assert_eq!(doc.pointer("/other/y").and_then(Node::as_i64), Some(5));
        assert_eq!(doc.pointer("/copy/y").and_then(Node::as_i64), Some(2));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 9].join(", ")));
        }
        let err = parse(&text).expect_err("alias bomb must be refused");
        assert_eq!(err.kind, YamlErrorKind::Limit);
        assert!(err.message.contains("alias bomb"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse(&text).expect_err("too deep");
        assert_eq!(err.kind, YamlErrorKind::Limit);
        let mut block = String::new();
        for depth in 0..300 {
            block.push_str(&format!("{}k{depth}:\n", " ".repeat(depth)));
        }
        let err = parse(&block).expect_err("too deep");
        assert_eq!(err.kind, YamlErrorKind::Limit);
        assert!(err.message.contains("200"), "{}", err.message);
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse("a: 1\nb: [1, 2\nc: 3\n").expect_err("unclosed flow sequence");
        assert_eq!(err.kind, YamlErrorKind::Syntax);
        assert!(err.position.line >= 2, "{err:?}");
    }

    #[test]
    fn empty_and_multi_document_files() {
        assert_eq!(parse("").expect_err("empty").kind, YamlErrorKind::Empty);
        assert_eq!(
            parse("# only a comment\n").expect_err("empty").kind,
            YamlErrorKind::Empty
        );
        let err = parse("a: 1\n---\nb: 2\n").expect_err("two documents");
        assert_eq!(err.kind, YamlErrorKind::MultipleDocuments);
        assert_eq!(err.position.line, 3);
    }

    #[test]
    fn pointer_escapes() {
        let doc = root("\"a/b\": {\"c~d\": 1}\n");
        assert_eq!(doc.pointer("/a~1b/c~0d").and_then(Node::as_i64), Some(1));
        assert_eq!(pointer_join("", "a/b"), "/a~1b");
    }
}
