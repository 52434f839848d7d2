//! AsyncAPI 2.x and 3.x documents as services of the catalog.
//!
//! One AsyncAPI document describes one application. [`load`] turns it into one [`Service`] and
//! turns every message its operations send or receive into an [`Event`]. The events go to
//! `LoadCtx::asyncapi_events`; `load/mod.rs` merges them by name with the rest of the catalog
//! (the same name is the same event).
//!
//! # Versions
//!
//! `asyncapi:` must be a version string `2.0.0`–`2.6.x`, `3.0.x` or `3.1.x` (a pre-release
//! suffix is accepted). Anything else — `1.2.0`, `3.2.0`, an unquoted number — is reported as
//! `UNSUPPORTED_ASYNCAPI` at that value and nothing else of the document is read.
//!
//! # The service
//!
//! - name: `info.x-contrail-service`, else `info.title`, else the file stem (a missing `info` or
//!   `info.title` is also reported, since the spec requires both). The service and its name are
//!   located at the node the name came from (the `asyncapi` key for the file stem).
//! - owner: `info.x-owner`, else `info.contact.name`. description: `info.description`.
//! - A document with no channel and no operation (a file of shared `components`) is not a
//!   service: its messages become events only when a service document references them.
//!
//! # Direction
//!
//! - 3.x: `operations.*.action` `send` → produces, `receive` → consumes, on the operation's
//!   `channel` (a `$ref`). The messages are the operation's `messages` (a list of `$ref`s) or, when
//!   absent, every message of the channel. An operation's `reply` goes the other way: the
//!   messages of a `send` operation's reply are consumed, those of a `receive` operation's reply
//!   produced, on the reply's channel (no reply channel: no topic).
//! - 2.x, per the spec ([`Perspective::Application`]): `subscribe` = the application sends
//!   (produces), `publish` = it receives (consumes). Many documents are written from the client's
//!   view; [`Perspective::Client`] swaps the two. It is chosen by the document extension
//!   `x-contrail-perspective: client|application` (at the root or in `info`), else by listing the
//!   document in `contrail.yaml` under `asyncapi.client-perspective` (paths relative to the
//!   catalog root). The extension wins when both are present; on a 3.x document it is ignored
//!   (with an `ASYNCAPI_UNMAPPED` note), since send/receive are unambiguous.
//! - An operation's `message` may be a message, a `$ref` or `oneOf: [...]` (nested `oneOf`s are
//!   followed too).
//!
//! # Events
//!
//! The event name is the first of:
//! 1. `x-contrail-event`;
//! 2. `messageId` (2.x only);
//! 3. `name`;
//! 4. the key the message is defined under. `$ref`s are followed to the definition and its key
//!    is used: `components/messages/<key>`, a channel's `messages/<key>`, or the key in a
//!    referenced file (`common/messages.yaml#/<key>`); a `$ref` to a whole file gives the file
//!    stem. When the definition has no key (an inline 2.x `message:`), the keys of the positions
//!    the `$ref` chain went through are tried, from the definition back to where it was written.
//!    The definition comes first so that every document that references one shared message
//!    names it the same;
//! 5. `title`;
//! 6. `<operation>-message`, with the 2.x `operationId` or 3.x operation key, else the channel.
//!
//! With this order the social-media example of the spec gives the same names in its 2.6 and 3.1
//! versions: its messages have no `messageId`, `name` or `title` and are all `$ref`s to
//! `common/messages.yaml#/<key>` (2.6 from the operation, 3.1 from the channel's `messages`).
//!
//! Message fields are also read from the message's `traits`: in 2.x a trait overrides the
//! message (JSON Merge Patch in order: later traits win), in 3.x the message wins over its traits.
//! Operation bindings are read the same way from operation traits.
//!
//! Within one document events are deduplicated by name: the first message of a name is the
//! event; a different message of the same name, or the same message on a second topic, is
//! noted (`ASYNCAPI_UNMAPPED`) since the event records one definition and one topic (each
//! produces/consumes entry keeps its own channel's topic).
//!
//! - topic (event, produces and consumes): the channel's Kafka binding `bindings.kafka.topic`,
//!   else the 3.x channel `address` (a null or absent address: the channel key), else the 2.x
//!   channel key. The event keeps the topic of the first operation that uses it.
//! - consumer group (consumes only): the operation's Kafka binding `bindings.kafka.groupId`, a
//!   schema whose `const`, single `enum` value, `default` or first `examples` value is the group.
//! - correlation: `correlationId` (or a `$ref` to `components/correlationIds`) with `location`
//!   `$message.header#/<name>` (a header) or `$message.payload#/<json pointer>` (a payload field).
//!   A valid runtime expression that does not fit the model — a path inside a header such as
//!   the spec examples' `$message.header#/MQMD/CorrelId`, or the whole payload — is noted
//!   (`ASYNCAPI_UNMAPPED`); anything else is `INVALID_VALUE`.
//! - payload schema: 2.x `schemaFormat` + `payload`; 3.x `payload` as a multi-format schema
//!   (`{schemaFormat, schema}`) or a plain schema. The default format is the AsyncAPI schema
//!   object, read as JSON Schema draft-07 (meta-schema checked as draft-07 unless it declares
//!   `$schema`). Avro payloads are parsed with the catalog's `.avsc` named types; a `$ref` to a
//!   whole `.avsc`/`.json`/`.proto` file loads that schema file as the catalog does. A format
//!   contrail does not read is noted (`ASYNCAPI_UNMAPPED`) and the event has no schema. The
//!   loaded schema is located where the schema node really is (following `$ref`s, possibly into
//!   another file), so examples are checked against it in its own file. `$ref`s inside a JSON
//!   Schema payload are followed too, reading the files they name; one that is remote or does
//!   not resolve is reported and the schema is marked not valid (examples are not checked
//!   against a schema contrail cannot see whole).
//! - headers: the message `headers` schema (3.x: also a multi-format schema in JSON Schema):
//!   its `properties` and those of its `allOf` branches are the declared headers, `required`
//!   says which are required, `additionalProperties: false` closes the set.
//! - envelope: `x-contrail-envelope` (`cloudevents`/`none`), else CloudEvents when
//!   `contentType` is `application/cloudevents+json` (or another `application/cloudevents` type).
//! - a 3.x topic taken from the channel key (null or absent `address`) is marked
//!   `topic_is_channel_key`: the address is only known at runtime.
//! - examples: the message `examples` with a `payload`; they are checked against the payload
//!   schema by `validate.rs`.
//! - description: `description`, else `summary`. Extensions on the message: `x-contrail-key`
//!   (partition key field), `x-contrail-subject` (registry subject), `x-contrail-kind`,
//!   `x-contrail-compatibility`, `x-contrail-retention` (the native keywords), `x-owner`.
//!
//! # References
//!
//! `$ref` is `#/json/pointer` (same file), `other.yaml#/pointer` or `other.yaml` (relative to the
//! file the `$ref` is written in, so references inside a referenced file resolve against that
//! file). Percent-encoded pointers are accepted. `http(s)://` and other remote URIs are reported
//! (`REMOTE_REFERENCE`, a warning) and never fetched; that part of the document is skipped. A
//! reference that does not resolve is `UNRESOLVED_REFERENCE` at the `$ref` value; when it only
//! fails because a `/` inside a key was not escaped as `~1`, the finding says so and loading
//! continues with what was meant. Chains are followed up to 64 hops; loops are reported.
//!
//! # Not mapped
//!
//! Servers, security, channel parameters, Kafka message bindings (the key schema) and every
//! protocol other than Kafka's bindings are read past without findings.
//! Messages no operation uses do not become events. Malformed shapes (a channel that is a
//! string, `operations` written as a list, ...) are `INVALID_VALUE` findings, never a crash.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{LoadCtx, schemas};
use crate::avro;
use crate::codes;
use crate::diagnostic::{Code, Diagnostic, Location, Position};
use crate::model::{
    CompatibilityMode, Consumes, Correlation, Envelope, Event, EventKind, Example, Header, Headers,
    Keyword, Origin, Produces, Retention, SchemaRef, Service, Spanned,
};
use crate::paths;
use crate::pointer::{escape_pointer_token, pointer_join, unescape_pointer_token};
use crate::schema::{LoadedSchema, SchemaFormat, SchemaId};
use crate::uri::percent_decode;
use crate::yaml::{Document, Node, Span, Value};

/// Whose view a 2.x document's `publish`/`subscribe` are written from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Perspective {
    /// The spec's reading: `publish` = the application receives, `subscribe` = it sends.
    Application,
    /// Written the other way round (common in practice): `publish` = the application sends.
    Client,
}

/// The longest `$ref` chain followed.
const MAX_HOPS: usize = 64;
/// How deep `oneOf`s inside `oneOf`s are followed.
const MAX_ONE_OF_DEPTH: usize = 16;
/// How many schema nodes one document's `$ref` check visits at most.
const SCHEMA_WALK_BUDGET: usize = 2_000_000;
/// The AsyncAPI schema object is a superset of JSON Schema draft-07.
const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

static NULL: Node = Node {
    value: Value::Null,
    span: Span {
        start: Position::START,
        end: Position::START,
    },
};

/// A place in a document: the file, its parsed tree and a JSON pointer into it.
#[derive(Debug, Clone)]
struct At {
    file: Arc<PathBuf>,
    doc: Arc<Document>,
    pointer: String,
    /// The positions holding the `$ref`s followed to get here; the first is where the value
    /// was written. Empty when the value was written in place.
    via: Vec<Hop>,
}

#[derive(Debug, Clone)]
struct Hop {
    file: Arc<PathBuf>,
    doc: Arc<Document>,
    pointer: String,
}

impl At {
    /// The node. Positions are only built for pointers that resolve.
    fn node(&self) -> &Node {
        self.doc.root.pointer(&self.pointer).unwrap_or(&NULL)
    }

    /// A child position, without following a `$ref`.
    fn at(&self, token: &str) -> At {
        At {
            file: self.file.clone(),
            doc: self.doc.clone(),
            pointer: pointer_join(&self.pointer, token),
            via: Vec::new(),
        }
    }

    fn ptr(&self, token: &str) -> String {
        pointer_join(&self.pointer, token)
    }

    fn hop(&self) -> Hop {
        Hop {
            file: self.file.clone(),
            doc: self.doc.clone(),
            pointer: self.pointer.clone(),
        }
    }
}

/// What an operation contributes to the messages it names.
#[derive(Debug, Clone)]
struct Operation {
    /// `operationId` / operation key, else the channel key: for fallback event names.
    name: String,
    topic: Option<Spanned<String>>,
    /// The topic is the channel key standing in for a null or absent 3.x `address`.
    topic_is_channel_key: bool,
    group: Option<Spanned<String>>,
    /// The operation's `x-contrail-consumer` extension, read like a native `consumes` entry.
    consumer: Option<super::native::ConsumerExtension>,
}

/// What is known about an event already created from this document.
#[derive(Debug)]
struct Known {
    index: usize,
    definition: (Arc<PathBuf>, String),
    noted_definition: bool,
    noted_topic: bool,
}

struct Loader<'c> {
    ctx: &'c mut LoadCtx,
    v3: bool,
    perspective: Perspective,
    events: Vec<Event>,
    known: HashMap<String, Known>,
    produces: Vec<Produces>,
    consumes: Vec<Consumes>,
    io_seen: HashSet<(bool, String, Option<String>)>,
    walked: HashSet<(Arc<PathBuf>, String)>,
    schema_budget: usize,
    /// The `oneOf`s expanded for the message an operation names, so that shared or looping
    /// `oneOf`s are expanded once.
    expanded: HashSet<(Arc<PathBuf>, String)>,
}

/// Reads one AsyncAPI document into a service and its events.
pub(super) fn load(ctx: &mut LoadCtx, path: &Path, document: &Document) {
    let doc = ctx.yaml(path).unwrap_or_else(|| Arc::new(document.clone()));
    let root = At {
        file: Arc::new(path.to_path_buf()),
        doc,
        pointer: String::new(),
        via: Vec::new(),
    };
    let Some(version) = root.node().get("asyncapi") else {
        return;
    };
    let v3 = match supported_version(version) {
        Some(v3) => v3,
        None => {
            let written = match &version.value {
                Value::String(s) => format!("`{s}`"),
                Value::Int(i) => format!("the number {i}"),
                Value::Float(f) => format!("the number {f}"),
                _ => version.kind_name().to_owned(),
            };
            let help = if matches!(version.value, Value::Int(_) | Value::Float(_)) {
                "write the version as a quoted string, e.g. `asyncapi: '2.6.0'`"
            } else {
                "contrail reads AsyncAPI 2.0.0–2.6.x, 3.0.x and 3.1.x; convert the document (the AsyncAPI CLI `asyncapi convert` does this)"
            };
            let d = Diagnostic::new(
                codes::UNSUPPORTED_ASYNCAPI,
                format!("AsyncAPI version {written} is not one contrail reads"),
            )
            .at(ctx.loc(path, version.span))
            .pointer("/asyncapi")
            .help(help);
            ctx.push(d);
            return;
        }
    };
    let mut loader = Loader {
        ctx,
        v3,
        perspective: Perspective::Application,
        events: Vec::new(),
        known: HashMap::new(),
        produces: Vec::new(),
        consumes: Vec::new(),
        io_seen: HashSet::new(),
        walked: HashSet::new(),
        schema_budget: SCHEMA_WALK_BUDGET,
        expanded: HashSet::new(),
    };
    loader.document(&root);
}

/// `Some(is_3x)` for the versions contrail reads.
fn supported_version(node: &Node) -> Option<bool> {
    let text = node.as_str()?.trim();
    let core = text.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let major: u32 = parts[0].parse().ok()?;
    let minor: u32 = parts[1].parse().ok()?;
    match (major, minor) {
        (2, 0..=6) => Some(false),
        (3, 0 | 1) => Some(true),
        _ => None,
    }
}

impl Loader<'_> {
    // ----- findings -----------------------------------------------------------------------

    fn report(
        &mut self,
        code: Code,
        at: (&Path, Span),
        pointer: &str,
        message: String,
        help: &str,
    ) {
        let d = Diagnostic::new(code, message)
            .at(self.ctx.loc(at.0, at.1))
            .pointer(pointer)
            .help(help);
        self.ctx.push(d);
    }

    fn invalid(&mut self, at: &At, message: String, help: &str) {
        let span = at.node().span;
        self.report(
            codes::INVALID_VALUE,
            (&at.file, span),
            &at.pointer,
            message,
            help,
        );
    }

    fn loc(&self, at: &At) -> Location {
        self.ctx.loc(&at.file, at.node().span)
    }

    fn spanned(&self, at: &At, value: String) -> Spanned<String> {
        Spanned::new(value, self.loc(at), at.pointer.clone())
    }

    // ----- references ---------------------------------------------------------------------

    /// Follows `$ref`s from `at` to the value they lead to. `None` (after a finding) when a
    /// reference is remote, unresolved or loops.
    fn deref(&mut self, mut at: At) -> Option<At> {
        let mut seen: HashSet<(Arc<PathBuf>, String)> = HashSet::new();
        for _ in 0..=MAX_HOPS {
            let ref_node = match at.node().get("$ref") {
                Some(r) => r.clone(),
                None => return Some(at),
            };
            let Some(text) = ref_node.as_str() else {
                let message = format!("`$ref` must be a string, found {}", ref_node.kind_name());
                self.report(
                    codes::INVALID_VALUE,
                    (&at.file, ref_node.span),
                    &at.ptr("$ref"),
                    message,
                    "write the reference as a string: `$ref: '#/components/messages/Name'`",
                );
                return None;
            };
            if !seen.insert((at.file.clone(), at.pointer.clone())) {
                self.report(
                    codes::UNRESOLVED_REFERENCE,
                    (&at.file, ref_node.span),
                    &at.ptr("$ref"),
                    format!("`$ref: {text}` leads back to itself"),
                    "break the loop: one of the references must point at the definition itself",
                );
                return None;
            }
            let target = self.resolve_ref(&at, text, ref_node.span)?;
            let mut via = std::mem::take(&mut at.via);
            via.push(at.hop());
            at = At { via, ..target };
        }
        let span = at.node().get("$ref").map_or(at.node().span, |r| r.span);
        self.report(
            codes::UNRESOLVED_REFERENCE,
            (&at.file, span),
            &at.ptr("$ref"),
            format!("more than {MAX_HOPS} `$ref`s in a row"),
            "point the reference at the definition instead of at another reference",
        );
        None
    }

    /// Resolves one `$ref` written at `from` (the mapping holding it).
    fn resolve_ref(&mut self, from: &At, text: &str, span: Span) -> Option<At> {
        let ref_pointer = from.ptr("$ref");
        let site = (from.file.as_path(), span);
        let text = text.trim();
        let (mut path_part, fragment) = text.split_once('#').unwrap_or((text, ""));
        let mut absolute = None;
        if let Some(scheme) = uri_scheme(path_part) {
            match path_part.strip_prefix("file://") {
                Some(rest) if scheme.eq_ignore_ascii_case("file") => {
                    absolute = Some(PathBuf::from(percent_decode(rest)));
                    path_part = "";
                }
                _ => {
                    self.report(
                        codes::REMOTE_REFERENCE,
                        site,
                        &ref_pointer,
                        format!("`$ref: {text}` is remote; contrail does not fetch it"),
                        "copy the referenced definition into the catalog and reference the local file; this part is skipped",
                    );
                    return None;
                }
            }
        }
        let (file, doc) = match absolute {
            None if path_part.is_empty() => (from.file.clone(), from.doc.clone()),
            _ => {
                let base = from.file.parent().unwrap_or(Path::new(""));
                let target = absolute.unwrap_or_else(|| {
                    let raw = paths::join(base, path_part);
                    if raw.is_file() {
                        raw
                    } else {
                        paths::join(base, percent_decode(path_part))
                    }
                });
                if !target.is_file() {
                    self.report(
                        codes::UNRESOLVED_REFERENCE,
                        site,
                        &ref_pointer,
                        format!("`$ref: {text}` names a file that does not exist"),
                        &format!(
                            "a `$ref` path is relative to the file it is written in; looked for {}",
                            target.display()
                        ),
                    );
                    return None;
                }
                // Syntax errors in the referenced file are reported by `yaml` itself.
                let doc = self.ctx.yaml(&target)?;
                (Arc::new(target), doc)
            }
        };
        let found = |pointer: &str| doc.root.pointer(pointer).is_some();
        let pointer = if fragment.is_empty() || found(fragment) {
            fragment.to_owned()
        } else if !fragment.starts_with('/') {
            self.report(
                codes::UNRESOLVED_REFERENCE,
                site,
                &ref_pointer,
                format!("`$ref: {text}` does not use a JSON pointer after `#`"),
                "write the fragment as a JSON pointer: `#/components/messages/Name`",
            );
            return None;
        } else if found(&percent_decode(fragment)) {
            percent_decode(fragment)
        } else if let Some(meant) = lenient_pointer(&doc.root, fragment) {
            self.report(
                codes::UNRESOLVED_REFERENCE,
                site,
                &ref_pointer,
                format!("`$ref: {text}` does not resolve: a `/` inside a key must be written `~1`"),
                &format!("write `#{meant}`; contrail read it as that to go on"),
            );
            meant
        } else {
            let help = missing_pointer_help(&doc.root, fragment, &file);
            self.report(
                codes::UNRESOLVED_REFERENCE,
                site,
                &ref_pointer,
                format!("`$ref: {text}` does not resolve"),
                &help,
            );
            return None;
        };
        Some(At {
            file,
            doc,
            pointer,
            via: Vec::new(),
        })
    }

    /// The value under `key`, with `$ref`s followed. `None` when absent or null.
    fn child(&mut self, at: &At, key: &str) -> Option<At> {
        let child = at.node().get(key)?;
        if child.is_null() {
            return None;
        }
        self.deref(at.at(key))
    }

    /// The entries of a mapping value, or a finding when it is something else (null is
    /// treated as absent).
    fn entries(&mut self, at: &At, what: &str) -> Vec<(String, Span)> {
        match &at.node().value {
            Value::Map(entries) => entries
                .iter()
                .map(|e| (e.key.clone(), e.key_span))
                .collect(),
            Value::Null => Vec::new(),
            _ => {
                let message = format!("{what} must be a mapping, found {}", at.node().kind_name());
                self.invalid(at, message, "see the AsyncAPI specification for its shape");
                Vec::new()
            }
        }
    }

    fn is_map(&mut self, at: &At, what: &str) -> bool {
        if at.node().as_map().is_some() {
            return true;
        }
        let message = format!("{what} must be a mapping, found {}", at.node().kind_name());
        self.invalid(at, message, "see the AsyncAPI specification for its shape");
        false
    }

    /// A string field; a value of another type is reported.
    fn string(&mut self, at: &At, key: &str) -> Option<Spanned<String>> {
        let node = at.node().get(key)?;
        match &node.value {
            Value::String(s) => Some(Spanned::new(
                s.clone(),
                self.ctx.loc(&at.file, node.span),
                at.ptr(key),
            )),
            Value::Null => None,
            _ => {
                let message = format!("`{key}` must be a string, found {}", node.kind_name());
                let span = node.span;
                self.report(
                    codes::INVALID_VALUE,
                    (&at.file, span),
                    &at.ptr(key),
                    message,
                    "quote the value",
                );
                None
            }
        }
    }

    /// The first of `sources` that has `key` (with `$ref`s followed).
    fn lookup(&mut self, sources: &[At], key: &str) -> Option<At> {
        for source in sources {
            if source.node().get(key).is_some_and(|n| !n.is_null()) {
                return self.child(source, key);
            }
        }
        None
    }

    /// The first of `sources` that has `path`, following `$ref`s at every step.
    fn lookup_path(&mut self, sources: &[At], path: &[&str]) -> Option<At> {
        'sources: for source in sources {
            let mut at = source.clone();
            for key in path {
                if at.node().get(key).is_none_or(Node::is_null) {
                    continue 'sources;
                }
                match self.child(&at, key) {
                    Some(next) => at = next,
                    None => continue 'sources,
                }
            }
            return Some(at);
        }
        None
    }

    fn lookup_string(&mut self, sources: &[At], key: &str) -> Option<Spanned<String>> {
        for source in sources {
            if source.node().get(key).is_some_and(|n| !n.is_null()) {
                return self.string(source, key);
            }
        }
        None
    }

    /// An object followed by its traits, in the order fields are looked up: in 2.x traits
    /// override the object (later traits win), in 3.x the object wins.
    fn with_traits(&mut self, at: &At) -> Vec<At> {
        let mut traits = Vec::new();
        if let Some(list) = at.node().get("traits") {
            match list.as_seq() {
                Some(items) => {
                    for i in 0..items.len() {
                        let Some(t) = self.deref(at.at("traits").at(&i.to_string())) else {
                            continue;
                        };
                        if self.is_map(&t, "a trait") {
                            traits.push(t);
                        }
                    }
                }
                None if list.is_null() => {}
                None => {
                    let message = format!("`traits` must be a list, found {}", list.kind_name());
                    self.invalid(&at.at("traits"), message, "write the traits as a list");
                }
            }
        }
        traits.reverse();
        if self.v3 {
            traits.insert(0, at.clone());
        } else {
            traits.push(at.clone());
        }
        traits
    }

    // ----- the document -------------------------------------------------------------------

    fn document(&mut self, root: &At) {
        let info = match root.node().get("info") {
            Some(_) => self
                .child(root, "info")
                .filter(|i| self.is_map(i, "`info`")),
            None => {
                let span = root
                    .node()
                    .entry("asyncapi")
                    .map_or(root.node().span, |e| e.key_span);
                self.report(
                    codes::MISSING_KEY,
                    (&root.file, span),
                    "",
                    "an AsyncAPI document needs `info`".to_owned(),
                    "add `info:` with at least `title:` and `version:`",
                );
                None
            }
        };
        self.perspective = self.perspective(root, info.as_ref());
        let channels = root.node().get("channels").map(|_| root.at("channels"));
        let operations = root.node().get("operations").map(|_| root.at("operations"));
        let channel_keys = match &channels {
            Some(c) => self.entries(c, "`channels`"),
            None => Vec::new(),
        };
        let operation_keys = match &operations {
            Some(o) if self.v3 => self.entries(o, "`operations`"),
            Some(o) => {
                self.report(
                    codes::ASYNCAPI_UNMAPPED,
                    (&o.file, o.node().span),
                    &o.pointer,
                    "top-level `operations` are an AsyncAPI 3 field; this 2.x document's operations are read from its channels".to_owned(),
                    "put the operations under `channels.<name>.publish/subscribe`, or declare `asyncapi: 3.0.0`",
                );
                Vec::new()
            }
            None => Vec::new(),
        };
        if channel_keys.is_empty() && operation_keys.is_empty() {
            // Shared components, not an application.
            return;
        }
        let (name, location) = self.service_name(root, info.as_ref());
        let owner = match &info {
            Some(info) => match self.string(info, "x-owner") {
                Some(owner) => Some(owner),
                None => match self.child(info, "contact") {
                    Some(contact) if contact.node().as_map().is_some() => {
                        self.string(&contact, "name")
                    }
                    _ => None,
                },
            },
            None => None,
        };
        let description = info
            .as_ref()
            .and_then(|i| self.string(i, "description"))
            .map(|d| d.value);
        if let (true, Some(operations)) = (self.v3, &operations) {
            for (key, _) in &operation_keys {
                self.operation_v3(operations, key);
            }
        } else if let (false, Some(channels)) = (self.v3, &channels) {
            for (key, span) in &channel_keys {
                self.channel_v2(channels, key, *span);
            }
        }
        // `x-contrail-ignore` on the document (or its `info`) silences rules for the service.
        let ignore_at = match root.node().get("x-contrail-ignore") {
            Some(_) => Some(root.at("x-contrail-ignore")),
            None => info
                .as_ref()
                .filter(|i| i.node().get("x-contrail-ignore").is_some())
                .map(|i| i.at("x-contrail-ignore")),
        };
        let suppressions = match ignore_at {
            Some(at) => {
                let mut diagnostics = Vec::new();
                let found = super::native::suppressions(
                    &at.file,
                    Some(at.node()),
                    &at.pointer,
                    &mut diagnostics,
                );
                self.ctx.diagnostics.extend(diagnostics);
                found
            }
            None => Vec::new(),
        };
        let service = Service {
            name,
            owner,
            description,
            suppressions,
            produces: std::mem::take(&mut self.produces),
            consumes: std::mem::take(&mut self.consumes),
            location,
            origin: Origin::AsyncApi,
        };
        self.ctx.catalog.services.push(service);
        let events = std::mem::take(&mut self.events);
        self.ctx.asyncapi_events.extend(events);
    }

    fn service_name(&mut self, root: &At, info: Option<&At>) -> (Spanned<String>, Location) {
        if let Some(info) = info {
            if let Some(name) = self.string(info, "x-contrail-service") {
                let location = name.location.clone();
                return (name, location);
            }
            if let Some(title) = self.string(info, "title") {
                let location = title.location.clone();
                return (title, location);
            }
            self.report(
                codes::MISSING_KEY,
                (&info.file, info.node().span),
                &info.pointer,
                "`info` needs `title`".to_owned(),
                "add `title:`; contrail names the service after it (or after `x-contrail-service`)",
            );
        }
        let stem = root.file.file_stem().map_or_else(
            || "asyncapi".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        );
        let span = root
            .node()
            .entry("asyncapi")
            .map_or(root.node().span, |e| e.key_span);
        let location = self.ctx.loc(&root.file, span);
        (Spanned::new(stem, location.clone(), "/asyncapi"), location)
    }

    fn perspective(&mut self, root: &At, info: Option<&At>) -> Perspective {
        let mut written = None;
        for at in std::iter::once(root).chain(info) {
            if let Some(value) = self.string(at, "x-contrail-perspective") {
                written = Some(value);
                break;
            }
        }
        if let Some(value) = written {
            if self.v3 {
                let d = Diagnostic::new(
                    codes::ASYNCAPI_UNMAPPED,
                    "`x-contrail-perspective` is ignored in AsyncAPI 3 documents".to_owned(),
                )
                .at(value.location.clone())
                .pointer(value.pointer.clone())
                .help("3.x `send`/`receive` always describe the application itself; remove the extension");
                self.ctx.push(d);
                return Perspective::Application;
            }
            match value.value.trim().to_ascii_lowercase().as_str() {
                "client" => return Perspective::Client,
                "application" => return Perspective::Application,
                _ => {
                    let d = Diagnostic::new(
                        codes::INVALID_VALUE,
                        format!("`{}` is not a valid `x-contrail-perspective`", value.value),
                    )
                    .at(value.location.clone())
                    .pointer(value.pointer.clone())
                    .help("write `client` (publish = the application sends) or `application` (the spec's reading)");
                    self.ctx.push(d);
                }
            }
        }
        if !self.v3 && self.listed_as_client(&root.file) {
            return Perspective::Client;
        }
        Perspective::Application
    }

    /// Whether `contrail.yaml` lists this document under `asyncapi.client-perspective`.
    fn listed_as_client(&self, file: &Path) -> bool {
        let listed = &self.ctx.catalog.config.asyncapi_client_perspective;
        if listed.is_empty() {
            return false;
        }
        let root = &self.ctx.catalog.root;
        let this = paths::normalize(file);
        let this_canonical = std::fs::canonicalize(file).ok();
        listed.iter().any(|entry| {
            let candidate = paths::join(root, &entry.value);
            candidate == this
                || (this_canonical.is_some()
                    && std::fs::canonicalize(&candidate).ok() == this_canonical)
        })
    }

    // ----- 2.x ----------------------------------------------------------------------------

    fn channel_v2(&mut self, channels: &At, key: &str, key_span: Span) {
        let written = channels.at(key);
        if written.node().is_null() {
            return;
        }
        let Some(channel) = self.deref(written.clone()) else {
            return;
        };
        if !self.is_map(&channel, &format!("channel `{key}`")) {
            return;
        }
        let topic = match self.kafka_topic(&channel) {
            Some(topic) => topic,
            None => Spanned::new(
                key.to_owned(),
                self.ctx.loc(&written.file, key_span),
                written.pointer.clone(),
            ),
        };
        for verb in ["subscribe", "publish"] {
            if channel.node().get(verb).is_none_or(Node::is_null) {
                continue;
            }
            let Some(op) = self.child(&channel, verb) else {
                continue;
            };
            if !self.is_map(&op, &format!("`{verb}`")) {
                continue;
            }
            let sends = match self.perspective {
                Perspective::Application => verb == "subscribe",
                Perspective::Client => verb == "publish",
            };
            let name = self
                .string(&op, "operationId")
                .map_or_else(|| key.to_owned(), |s| s.value);
            let sources = self.with_traits(&op);
            let group = self.kafka_group(&sources);
            let consumer = self.consumer_extension(&op);
            let operation = Operation {
                name,
                topic: Some(topic.clone()),
                topic_is_channel_key: false,
                group,
                consumer,
            };
            if op.node().get("message").is_some_and(|m| !m.is_null()) {
                self.message_use(op.at("message"), &operation, sends, 0);
            }
        }
    }

    // ----- 3.x ----------------------------------------------------------------------------

    fn operation_v3(&mut self, operations: &At, key: &str) {
        let written = operations.at(key);
        if written.node().is_null() {
            return;
        }
        let Some(op) = self.deref(written) else {
            return;
        };
        if !self.is_map(&op, &format!("operation `{key}`")) {
            return;
        }
        let sends = match op.node().get("action") {
            None => {
                self.report(
                    codes::MISSING_KEY,
                    (&op.file, op.node().span),
                    &op.pointer,
                    format!("operation `{key}` needs `action`"),
                    "add `action: send` or `action: receive`",
                );
                return;
            }
            Some(action) => {
                match action.as_str() {
                    Some("send") => true,
                    Some("receive") => false,
                    _ => {
                        let shown = action
                            .as_str()
                            .map_or_else(|| action.kind_name().to_owned(), |s| format!("`{s}`"));
                        let span = action.span;
                        self.report(
                        codes::INVALID_VALUE,
                        (&op.file, span),
                        &op.ptr("action"),
                        format!("operation `{key}` has action {shown}; it must be `send` or `receive`"),
                        "write `action: send` (the application sends) or `action: receive`",
                    );
                        return;
                    }
                }
            }
        };
        if op.node().get("channel").is_none_or(Node::is_null) {
            self.report(
                codes::MISSING_KEY,
                (&op.file, op.node().span),
                &op.pointer,
                format!("operation `{key}` needs `channel`"),
                "add `channel: {$ref: '#/channels/<name>'}`",
            );
            return;
        }
        let channel_site = op.at("channel");
        let Some(channel) = self.deref(channel_site.clone()) else {
            return;
        };
        if !self.is_map(&channel, "the operation's channel") {
            return;
        }
        let sources = self.with_traits(&op);
        let group = self.kafka_group(&sources);
        let consumer = self.consumer_extension(&op);
        let (topic, topic_is_channel_key) = self.channel_topic_v3(&channel);
        let operation = Operation {
            name: key.to_owned(),
            topic: Some(topic),
            topic_is_channel_key,
            group: group.clone(),
            consumer: consumer.clone(),
        };
        self.operation_messages(&op, &channel, &channel_site, &operation, sends);
        if op.node().get("reply").is_none_or(Node::is_null) {
            return;
        }
        let Some(reply) = self.child(&op, "reply") else {
            return;
        };
        if !self.is_map(&reply, "`reply`") {
            return;
        }
        let reply_channel = match reply.node().get("channel") {
            Some(c) if !c.is_null() => {
                match self.child(&reply, "channel") {
                    Some(c) if self.is_map(&c, "the reply's channel") => Some(c),
                    // The reply's messages cannot be placed without it.
                    _ => return,
                }
            }
            _ => None,
        };
        let reply_topic = reply_channel.as_ref().map(|c| self.channel_topic_v3(c));
        let reply_operation = Operation {
            name: key.to_owned(),
            topic_is_channel_key: reply_topic.as_ref().is_some_and(|t| t.1),
            topic: reply_topic.map(|t| t.0),
            group,
            consumer,
        };
        match &reply_channel {
            Some(channel) => {
                let site = reply.at("channel");
                self.operation_messages(&reply, channel, &site, &reply_operation, !sends);
            }
            None => {
                if let Some(list) = self.message_list(&reply) {
                    for item in list {
                        self.message_use(item, &reply_operation, !sends, 0);
                    }
                }
            }
        }
    }

    /// The messages of an operation (or reply): its `messages`, else all of its channel's.
    fn operation_messages(
        &mut self,
        op: &At,
        channel: &At,
        channel_site: &At,
        operation: &Operation,
        sends: bool,
    ) {
        if let Some(list) = self.message_list(op) {
            for item in list {
                self.message_use(item, operation, sends, 0);
            }
            return;
        }
        if channel.node().get("messages").is_none_or(Node::is_null) {
            return;
        }
        let Some(messages) = self.child(channel, "messages") else {
            return;
        };
        for (key, _) in self.entries(&messages, "the channel's `messages`") {
            let written = messages.at(&key);
            if written.node().is_null() {
                continue;
            }
            let Some(message) = self.deref(written) else {
                continue;
            };
            // The operation names these messages through its channel.
            self.message_at(message, channel_site, operation, sends, 0);
        }
    }

    /// The items of `messages` when present (`None` when absent).
    fn message_list(&mut self, at: &At) -> Option<Vec<At>> {
        let list = at.node().get("messages")?;
        if list.is_null() {
            return None;
        }
        match list.as_seq() {
            Some(items) => Some(
                (0..items.len())
                    .map(|i| at.at("messages").at(&i.to_string()))
                    .collect(),
            ),
            None => {
                let message = format!(
                    "`messages` must be a list of `$ref`s, found {}",
                    list.kind_name()
                );
                self.invalid(
                    &at.at("messages"),
                    message,
                    "write `messages: [{$ref: '#/channels/<channel>/messages/<message>'}]`",
                );
                Some(Vec::new())
            }
        }
    }

    /// The topic of a 3.x channel, and whether it is only the channel key standing in for a
    /// null or absent `address`.
    fn channel_topic_v3(&mut self, channel: &At) -> (Spanned<String>, bool) {
        if let Some(topic) = self.kafka_topic(channel) {
            return (topic, false);
        }
        if let Some(address) = channel.node().get("address") {
            match &address.value {
                Value::String(s) => {
                    let topic = Spanned::new(
                        s.clone(),
                        self.ctx.loc(&channel.file, address.span),
                        channel.ptr("address"),
                    );
                    return (topic, false);
                }
                Value::Null => {}
                _ => {
                    let message = format!(
                        "`address` must be a string or null, found {}",
                        address.kind_name()
                    );
                    self.invalid(
                        &channel.at("address"),
                        message,
                        "write the topic name, or `null` when it is only known at runtime",
                    );
                }
            }
        }
        // No address: the channel key, preferably as written under `channels`.
        let hops: Vec<Hop> = channel.via.iter().cloned().chain([channel.hop()]).collect();
        let chosen = hops
            .iter()
            .find(|h| parent_token(&h.pointer).as_deref() == Some("channels"))
            .or(hops.last());
        let topic = match chosen.and_then(keyed) {
            Some((key, span)) => Spanned::new(
                key,
                self.ctx.loc(
                    &chosen.map_or(channel.file.clone(), |h| h.file.clone()),
                    span,
                ),
                chosen.map_or_else(String::new, |h| h.pointer.clone()),
            ),
            None => self.spanned(channel, String::new()),
        };
        (topic, true)
    }

    // ----- bindings -----------------------------------------------------------------------

    fn kafka_topic(&mut self, channel: &At) -> Option<Spanned<String>> {
        let topic = self.lookup_path(
            std::slice::from_ref(channel),
            &["bindings", "kafka", "topic"],
        )?;
        match topic.node().as_str() {
            Some(s) => Some(self.spanned(&topic, s.to_owned())),
            None => {
                let message = format!(
                    "the Kafka binding `topic` must be a string, found {}",
                    topic.node().kind_name()
                );
                self.invalid(&topic, message, "write the topic name");
                None
            }
        }
    }

    /// An operation's `x-contrail-consumer` extension: what the native format says in a
    /// `consumes` entry (group, reads, idempotency, retry, dead-letter), for AsyncAPI services.
    fn consumer_extension(&mut self, op: &At) -> Option<super::native::ConsumerExtension> {
        let node = op.node().get("x-contrail-consumer")?;
        let pointer = pointer_join(&op.pointer, "x-contrail-consumer");
        let mut diagnostics = Vec::new();
        let extension =
            super::native::consumer_extension(&op.file, node, &pointer, &mut diagnostics);
        self.ctx.diagnostics.extend(diagnostics);
        extension
    }

    /// The consumer group a Kafka operation binding fixes, if any.
    fn kafka_group(&mut self, sources: &[At]) -> Option<Spanned<String>> {
        let group = self.lookup_path(sources, &["bindings", "kafka", "groupId"])?;
        let node = group.node();
        let value = if node.get("const").is_some() {
            Some(group.at("const"))
        } else if let Some(values) = node.get("enum").and_then(Node::as_seq)
            && values.len() == 1
        {
            Some(group.at("enum").at("0"))
        } else if node.get("default").is_some() {
            Some(group.at("default"))
        } else if node
            .get("examples")
            .and_then(Node::as_seq)
            .is_some_and(|e| !e.is_empty())
        {
            Some(group.at("examples").at("0"))
        } else if node.as_map().is_none() && !node.is_null() {
            let message = format!(
                "the Kafka binding `groupId` must be a schema, found {}",
                node.kind_name()
            );
            self.invalid(
                &group,
                message,
                "write `groupId: {type: string, const: my-group}`",
            );
            None
        } else {
            None
        }?;
        let text = match &value.node().value {
            Value::String(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            _ => {
                let message = format!(
                    "a Kafka consumer group must be a string, found {}",
                    value.node().kind_name()
                );
                self.invalid(&value, message, "write the group id as a string");
                return None;
            }
        };
        Some(self.spanned(&value, text))
    }

    // ----- messages -----------------------------------------------------------------------

    /// A message named by an operation (`written` is where the operation names it: a message, a
    /// `$ref` or a `oneOf`).
    fn message_use(&mut self, written: At, operation: &Operation, sends: bool, depth: usize) {
        if depth == 0 {
            self.expanded.clear();
        }
        let Some(message) = self.deref(written.clone()) else {
            return;
        };
        self.message_at(message, &written, operation, sends, depth);
    }

    fn message_at(
        &mut self,
        message: At,
        site: &At,
        operation: &Operation,
        sends: bool,
        depth: usize,
    ) {
        if let Some(one_of) = message.node().get("oneOf") {
            let Some(items) = one_of.as_seq() else {
                let text = format!(
                    "`oneOf` must be a list of messages, found {}",
                    one_of.kind_name()
                );
                self.invalid(
                    &message.at("oneOf"),
                    text,
                    "write `oneOf: [{$ref: ...}, ...]`",
                );
                return;
            };
            if !self
                .expanded
                .insert((message.file.clone(), message.pointer.clone()))
            {
                return;
            }
            if depth >= MAX_ONE_OF_DEPTH {
                self.invalid(
                    &message.at("oneOf"),
                    format!("`oneOf` nested more than {MAX_ONE_OF_DEPTH} levels deep"),
                    "list the messages in one `oneOf`",
                );
                return;
            }
            for i in 0..items.len() {
                let item = message.at("oneOf").at(&i.to_string());
                self.message_use(item, operation, sends, depth + 1);
            }
            return;
        }
        if !self.is_map(&message, "a message") {
            return;
        }
        let Some(name) = self.event_for(&message, operation) else {
            return;
        };
        // Where the operation names the message: the `$ref` when there is one.
        let site_node = site.node();
        let (span, pointer) = match site_node.get("$ref") {
            Some(r) => (r.span, site.ptr("$ref")),
            None => (site_node.span, site.pointer.clone()),
        };
        let event = Spanned::new(name.clone(), self.ctx.loc(&site.file, span), pointer);
        let topic_value = operation.topic.as_ref().map(|t| t.value.clone());
        if !self.io_seen.insert((sends, name, topic_value)) {
            return;
        }
        if sends {
            self.produces.push(Produces {
                event,
                topic: operation.topic.clone(),
                topic_is_channel_key: operation.topic_is_channel_key,
            });
        } else {
            let extension = operation.consumer.clone().unwrap_or_default();
            self.consumes.push(Consumes {
                event,
                topic: operation.topic.clone(),
                topic_is_channel_key: operation.topic_is_channel_key,
                group: extension.group.or_else(|| operation.group.clone()),
                reads: extension.reads,
                idempotency: extension.idempotency,
                retry: extension.retry,
                dead_letter: extension.dead_letter,
                schema: None,
            });
        }
    }

    /// The name of the event `message` describes, creating the event the first time.
    fn event_for(&mut self, message: &At, operation: &Operation) -> Option<String> {
        let sources = self.with_traits(message);
        let mut name = self.lookup_string(&sources, "x-contrail-event");
        if name.is_none() && !self.v3 {
            name = self.lookup_string(&sources, "messageId");
        }
        if name.is_none() {
            name = self.lookup_string(&sources, "name");
        }
        if name.is_none() {
            name = self.message_key(message);
        }
        if name.is_none() {
            name = self.lookup_string(&sources, "title");
        }
        let name = match name {
            Some(n) if !n.value.trim().is_empty() => n,
            _ => self.spanned(message, format!("{}-message", operation.name)),
        };
        if let Some(known) = self.known.get_mut(&name.value) {
            let same =
                *known.definition.0 == *message.file && known.definition.1 == message.pointer;
            let index = known.index;
            if !same {
                if !known.noted_definition {
                    known.noted_definition = true;
                    let first = self.events[index].location.clone();
                    let d = Diagnostic::new(
                        codes::ASYNCAPI_UNMAPPED,
                        format!(
                            "two different messages are both named `{}`; contrail keeps the first as the event",
                            name.value
                        ),
                    )
                    .at(name.location.clone())
                    .pointer(name.pointer.clone())
                    .related(first, "the event is this message")
                    .help("give different messages different names (`name` or `x-contrail-event`), or reference one definition");
                    self.ctx.push(d);
                }
            } else if let (Some(first), Some(topic)) = (&self.events[index].topic, &operation.topic)
                && first.value != topic.value
                && !known.noted_topic
            {
                known.noted_topic = true;
                let d = Diagnostic::new(
                    codes::ASYNCAPI_UNMAPPED,
                    format!(
                        "message `{}` is used on topic `{}` and on `{}`; the event records the first, each produces/consumes entry keeps its own",
                        name.value, first.value, topic.value
                    ),
                )
                .at(topic.location.clone())
                .pointer(topic.pointer.clone())
                .related(first.location.clone(), "the event's topic")
                .help("nothing to do if one event type travels on several topics; give the messages different names if they are different events");
                self.ctx.push(d);
            }
            return Some(name.value);
        }
        let event = self.build_event(message, &sources, name.clone(), operation);
        self.known.insert(
            name.value.clone(),
            Known {
                index: self.events.len(),
                definition: (message.file.clone(), message.pointer.clone()),
                noted_definition: false,
                noted_topic: false,
            },
        );
        self.events.push(event);
        Some(name.value)
    }

    /// The key a message is defined under (see the module documentation).
    fn message_key(&mut self, message: &At) -> Option<Spanned<String>> {
        let hops: Vec<Hop> = message.via.iter().cloned().chain([message.hop()]).collect();
        for (i, hop) in hops.iter().enumerate().rev() {
            // Everything after the first position was reached through a `$ref`.
            let target = i > 0;
            let pointer = &hop.pointer;
            if pointer.is_empty() {
                if target {
                    let stem = hop.file.file_stem()?.to_string_lossy().into_owned();
                    let span = hop.doc.root.span;
                    return Some(Spanned::new(stem, self.ctx.loc(&hop.file, span), ""));
                }
                continue;
            }
            let parent = parent_token(pointer);
            let Some((key, span)) = keyed(hop) else {
                continue;
            };
            let by_parent = parent.as_deref() == Some("messages");
            let by_target = target
                && !key.bytes().all(|b| b.is_ascii_digit())
                && !matches!(key.as_str(), "message" | "payload")
                && parent.as_deref() != Some("oneOf");
            if by_parent || by_target {
                return Some(Spanned::new(
                    key,
                    self.ctx.loc(&hop.file, span),
                    hop.pointer.clone(),
                ));
            }
        }
        None
    }

    fn build_event(
        &mut self,
        message: &At,
        sources: &[At],
        name: Spanned<String>,
        operation: &Operation,
    ) -> Event {
        let description = self
            .lookup_string(sources, "description")
            .or_else(|| self.lookup_string(sources, "summary"))
            .map(|d| d.value);
        let kind = self.keyword::<EventKind>(sources, "x-contrail-kind");
        let compatibility = self.keyword::<CompatibilityMode>(sources, "x-contrail-compatibility");
        let retention = self.keyword::<Retention>(sources, "x-contrail-retention");
        let key = self.lookup_string(sources, "x-contrail-key");
        let subject = self.lookup_string(sources, "x-contrail-subject");
        let owner = self.lookup_string(sources, "x-owner");
        let correlation = self.correlation(sources);
        let headers = self.headers(sources);
        let envelope = self.envelope(sources);
        let examples = self.examples(sources);
        let schema = self.payload(message, sources);
        let suppressions = match message.node().get("x-contrail-ignore") {
            Some(node) => {
                let mut diagnostics = Vec::new();
                let pointer = pointer_join(&message.pointer, "x-contrail-ignore");
                let found = super::native::suppressions(
                    &message.file,
                    Some(node),
                    &pointer,
                    &mut diagnostics,
                );
                self.ctx.diagnostics.extend(diagnostics);
                found
            }
            None => Vec::new(),
        };
        Event {
            suppressions,
            location: name.location.clone(),
            name,
            kind,
            description,
            version: None,
            topic: operation.topic.clone(),
            topic_is_channel_key: operation.topic_is_channel_key,
            key,
            schema,
            subject,
            owner,
            compatibility,
            correlation,
            retention,
            headers,
            envelope,
            public: false,
            examples,
            origin: Origin::AsyncApi,
        }
    }

    fn keyword<K: Keyword + PartialEq>(&mut self, sources: &[At], key: &str) -> Option<Spanned<K>> {
        let value = self.lookup_string(sources, key)?;
        match K::parse_keyword(value.value.trim()) {
            Some(k) => Some(Spanned::new(k, value.location, value.pointer)),
            None => {
                let keywords = K::keywords();
                let help =
                    match crate::suggest::did_you_mean(&value.value, keywords.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("use one of {}", keywords.join(", ")),
                    };
                let d = Diagnostic::new(
                    codes::INVALID_VALUE,
                    format!("`{}` is not a valid `{key}`", value.value),
                )
                .at(value.location)
                .pointer(value.pointer)
                .help(help);
                self.ctx.push(d);
                None
            }
        }
    }

    fn correlation(&mut self, sources: &[At]) -> Option<Spanned<Correlation>> {
        let id = self.lookup(sources, "correlationId")?;
        if !self.is_map(&id, "`correlationId`") {
            return None;
        }
        let Some(location) = self.string(&id, "location") else {
            if id.node().get("location").is_none_or(Node::is_null) {
                self.report(
                    codes::MISSING_KEY,
                    (&id.file, id.node().span),
                    &id.pointer,
                    "`correlationId` needs `location`".to_owned(),
                    "add `location: '$message.header#/correlation-id'` or `location: '$message.payload#/path/to/id'`",
                );
            }
            return None;
        };
        let d = match parse_correlation(&location.value) {
            Ok(value) => return Some(Spanned::new(value, location.location, location.pointer)),
            Err(Unmapped::Nested) => Diagnostic::new(
                codes::ASYNCAPI_UNMAPPED,
                format!(
                    "correlation location `{}` is a path inside a header; contrail reads a correlation id from one header or a payload field",
                    location.value
                ),
            )
            .help("name the header itself (`$message.header#/<header-name>`), or declare the correlation in a native event file"),
            Err(Unmapped::WholePayload) => Diagnostic::new(
                codes::ASYNCAPI_UNMAPPED,
                format!(
                    "correlation location `{}` is the whole payload; contrail reads a correlation id from a header or one payload field",
                    location.value
                ),
            )
            .help("point at the field: `$message.payload#/<json/pointer>`"),
            Err(Unmapped::Invalid) => Diagnostic::new(
                codes::INVALID_VALUE,
                format!(
                    "correlation location `{}` is not a header or a payload field",
                    location.value
                ),
            )
            .help("write `$message.header#/<header-name>` or `$message.payload#/<json/pointer>`"),
        };
        self.ctx
            .push(d.at(location.location).pointer(location.pointer));
        None
    }

    /// The message `headers` schema as declared headers: its `properties` (and those of its
    /// `allOf` branches), `required`, and `additionalProperties: false` as a closed set. A 3.x
    /// multi-format schema in a format other than JSON Schema is not read.
    fn headers(&mut self, sources: &[At]) -> Option<Spanned<Headers>> {
        let mut schema = self.lookup(sources, "headers")?;
        if !self.is_map(&schema, "`headers`") {
            return None;
        }
        if self.v3
            && schema
                .node()
                .get("schemaFormat")
                .is_some_and(|f| !f.is_null())
        {
            let format = self.string(&schema, "schemaFormat")?;
            if SchemaFormat::from_media_type(&format.value) != Some(SchemaFormat::JsonSchema) {
                return None;
            }
            schema = self.child(&schema, "schema")?;
            if !self.is_map(&schema, "the headers schema") {
                return None;
            }
        }
        let mut headers = Headers {
            declared: Vec::new(),
            closed: schema
                .node()
                .get("additionalProperties")
                .and_then(Node::as_bool)
                == Some(false),
        };
        let mut parts = vec![schema.clone()];
        if let Some(all_of) = schema.node().get("allOf").and_then(Node::as_seq) {
            for i in 0..all_of.len() {
                if let Some(part) = self.deref(schema.at("allOf").at(&i.to_string())) {
                    parts.push(part);
                }
            }
        }
        for part in &parts {
            let required: Vec<String> = part
                .node()
                .get("required")
                .and_then(Node::as_seq)
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect();
            let Some(properties) = self.child(part, "properties") else {
                continue;
            };
            for (name, span) in self.entries(&properties, "`properties` of the headers schema") {
                if headers.get(&name).is_some() {
                    continue;
                }
                let value = self.deref(properties.at(&name));
                let description = value
                    .as_ref()
                    .and_then(|v| v.node().get("description"))
                    .and_then(Node::as_str)
                    .map(str::to_owned);
                headers.declared.push(Header {
                    required: required.contains(&name),
                    description,
                    schema: value.map(|v| v.node().to_json()),
                    name: Spanned::new(
                        name.clone(),
                        self.ctx.loc(&properties.file, span),
                        properties.ptr(&name),
                    ),
                });
            }
        }
        Some(Spanned::new(
            headers,
            self.loc(&schema),
            schema.pointer.clone(),
        ))
    }

    /// `x-contrail-envelope`, else CloudEvents when the message `contentType` is a CloudEvents
    /// media type (structured content mode).
    fn envelope(&mut self, sources: &[At]) -> Option<Spanned<Envelope>> {
        if let Some(envelope) = self.keyword::<Envelope>(sources, "x-contrail-envelope") {
            return Some(envelope);
        }
        let content_type = self.lookup_string(sources, "contentType")?;
        content_type
            .value
            .trim()
            .to_ascii_lowercase()
            .starts_with("application/cloudevents")
            .then(|| content_type.map(|_| Envelope::CloudEvents))
    }

    fn examples(&mut self, sources: &[At]) -> Vec<Example> {
        let Some(list) = self.lookup(sources, "examples") else {
            return Vec::new();
        };
        let Some(items) = list.node().as_seq() else {
            let message = format!(
                "`examples` must be a list, found {}",
                list.node().kind_name()
            );
            self.invalid(
                &list,
                message,
                "write `examples: [{name: ..., payload: ...}]`",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for i in 0..items.len() {
            let Some(example) = self.deref(list.at(&i.to_string())) else {
                continue;
            };
            if !self.is_map(&example, "an example") {
                continue;
            }
            // An example of the headers only has nothing to check against the payload.
            if example.node().get("payload").is_none() {
                continue;
            }
            let name = self.string(&example, "name").map(|n| n.value);
            let payload = example.at("payload");
            let node = payload.node();
            out.push(Example {
                name,
                payload: node.to_json(),
                location: self.ctx.loc(&payload.file, node.span),
                pointer: payload.pointer.clone(),
                node: node.clone(),
            });
        }
        out
    }

    // ----- payload schemas ----------------------------------------------------------------

    fn payload(&mut self, message: &At, sources: &[At]) -> Option<SchemaRef> {
        if message.node().get("payload").is_none_or(Node::is_null) {
            return None;
        }
        let payload = message.at("payload");
        let mut media: Option<Spanned<String>> = None;
        let mut schema = payload.clone();
        if self.v3 {
            // A multi-format schema object, or a schema.
            let Some(target) = self.deref(payload.clone()) else {
                return Some(SchemaRef {
                    id: None,
                    written: self.written(&payload),
                });
            };
            if target
                .node()
                .get("schemaFormat")
                .is_some_and(|f| !f.is_null())
            {
                // A `schemaFormat` that is not a string was reported; the schema is unreadable.
                media = Some(self.string(&target, "schemaFormat")?);
                if target.node().get("schema").is_none_or(Node::is_null) {
                    self.report(
                        codes::MISSING_KEY,
                        (&target.file, target.node().span),
                        &target.pointer,
                        "a payload with `schemaFormat` needs `schema`".to_owned(),
                        "put the schema itself under `schema:`",
                    );
                    return None;
                }
                schema = target.at("schema");
            }
        } else {
            media = self.lookup_string(sources, "schemaFormat");
        }
        let format = match &media {
            None => SchemaFormat::JsonSchema,
            Some(m) => match SchemaFormat::from_media_type(&m.value) {
                Some(format) => format,
                None => {
                    let d = Diagnostic::new(
                        codes::ASYNCAPI_UNMAPPED,
                        format!(
                            "contrail does not read `{}` schemas; this message's payload is not checked",
                            m.value
                        ),
                    )
                    .at(m.location.clone())
                    .pointer(m.pointer.clone())
                    .help("contrail reads Avro, JSON Schema (and AsyncAPI/OpenAPI schema objects) and Protobuf payloads");
                    self.ctx.push(d);
                    return None;
                }
            },
        };
        let written = self.written(&schema);
        let draft = media.as_ref().and_then(|m| json_schema_draft(&m.value));
        let id = self.load_schema(&schema, format, draft);
        Some(SchemaRef { id, written })
    }

    /// How a schema is written: its `$ref`, or `#<pointer>` for an inline schema.
    fn written(&self, schema: &At) -> Spanned<String> {
        let node = schema.node();
        match node.get("$ref") {
            Some(r) if r.as_str().is_some() => Spanned::new(
                r.as_str().unwrap_or_default().to_owned(),
                self.ctx.loc(&schema.file, r.span),
                schema.ptr("$ref"),
            ),
            _ => self.spanned(schema, format!("#{}", schema.pointer)),
        }
    }

    fn load_schema(
        &mut self,
        written: &At,
        format: SchemaFormat,
        draft: Option<&'static str>,
    ) -> Option<SchemaId> {
        // A `$ref` to a whole schema file is loaded as the catalog loads schema files.
        if let Some(text) = written.node().get("$ref").and_then(Node::as_str) {
            let (path_part, fragment) = text.trim().split_once('#').unwrap_or((text.trim(), ""));
            if !path_part.is_empty() && fragment.is_empty() && uri_scheme(path_part).is_none() {
                let base = written.file.parent().unwrap_or(Path::new(""));
                let path = paths::join(base, path_part);
                let by_name = SchemaFormat::from_path(&path);
                if path.is_file() && (by_name == Some(format) || format == SchemaFormat::Protobuf) {
                    if by_name == Some(format) {
                        return schemas::load_schema_file(self.ctx, &path);
                    }
                    let text = self.ctx.text(&path)?;
                    return Some(self.insert_protobuf(&path, "", text.to_string()));
                }
            }
        }
        let at = self.deref(written.clone())?;
        if let Some(id) = self.ctx.catalog.schemas.find(&at.file, &at.pointer) {
            return Some(id);
        }
        match format {
            SchemaFormat::Protobuf => match at.node().as_str() {
                Some(text) => {
                    let text = text.to_owned();
                    Some(self.insert_protobuf(&at.file, &at.pointer, text))
                }
                None => {
                    let message = format!(
                        "a Protobuf payload must be the .proto text or a `$ref` to a .proto file, found {}",
                        at.node().kind_name()
                    );
                    self.invalid(
                        &at,
                        message,
                        "write the schema as a string, or `$ref: 'order.proto'`",
                    );
                    None
                }
            },
            SchemaFormat::Avro => Some(self.avro_schema(&at)),
            SchemaFormat::JsonSchema => Some(self.json_schema(&at, draft.unwrap_or(DRAFT_07))),
        }
    }

    fn insert_protobuf(&mut self, file: &Path, pointer: &str, text: String) -> SchemaId {
        let valid = !text.trim().is_empty();
        self.ctx.catalog.schemas.insert(LoadedSchema {
            format: SchemaFormat::Protobuf,
            file: file.to_path_buf(),
            pointer: pointer.to_owned(),
            node: None,
            json: None,
            text: Some(text),
            avro: None,
            references: Vec::new(),
            valid,
        })
    }

    fn avro_schema(&mut self, at: &At) -> SchemaId {
        let node = at.node();
        let json = node.to_json();
        let mut references: Vec<(String, PathBuf)> = Vec::new();
        let mut dependencies: Vec<PathBuf> = Vec::new();
        let mut pending = vec![(true, avro::scan(&json))];
        let mut unresolved = false;
        while let Some((own, scan)) = pending.pop() {
            for used in scan.external_uses() {
                let found = used.candidates.iter().find_map(|c| {
                    self.ctx
                        .avro_pool
                        .defined
                        .get(c)
                        .map(|d| (c.clone(), d.0.clone()))
                });
                match found {
                    Some((fullname, file)) => {
                        if !dependencies.contains(&file) {
                            dependencies.push(file.clone());
                            references.push((fullname, file.clone()));
                            if let Some((_, scan)) = self.ctx.avro_pool.files.get(&file) {
                                pending.push((false, scan.clone()));
                            }
                        }
                    }
                    None => {
                        unresolved = true;
                        if own {
                            let pointer = format!("{}{}", at.pointer, used.pointer);
                            let span = at.doc.root.pointer(&pointer).map_or(node.span, |n| n.span);
                            self.report(
                                codes::UNRESOLVED_REFERENCE,
                                (&at.file, span),
                                &pointer,
                                format!("Avro type `{}` is not defined", used.written),
                                "define the type in the schema or in an .avsc file of the catalog, or use its full name",
                            );
                        }
                    }
                }
            }
        }
        let mut schema = LoadedSchema {
            format: SchemaFormat::Avro,
            file: at.file.to_path_buf(),
            pointer: at.pointer.clone(),
            node: Some(node.clone()),
            json: Some(json.clone()),
            text: None,
            avro: None,
            references,
            valid: false,
        };
        if !unresolved {
            let dependency_texts: Vec<String> = dependencies
                .iter()
                .filter_map(|d| {
                    self.ctx
                        .avro_pool
                        .json(&self.ctx.catalog, d)
                        .map(|j| j.to_string())
                })
                .collect();
            match apache_avro::Schema::parse_str_with_list(&json.to_string(), &dependency_texts) {
                Ok((parsed, _)) => {
                    schema.avro = Some(parsed);
                    schema.valid = true;
                }
                Err(e) => {
                    let text = e.to_string();
                    let first = text.lines().next().unwrap_or(&text).to_owned();
                    self.report(
                        codes::SCHEMA_INVALID,
                        (&at.file, node.span),
                        &at.pointer,
                        format!("invalid Avro schema: {first}"),
                        "see https://avro.apache.org/docs/current/specification/ for the schema syntax",
                    );
                }
            }
        }
        self.ctx.catalog.schemas.insert(schema)
    }

    fn json_schema(&mut self, at: &At, draft: &'static str) -> SchemaId {
        let node = at.node();
        let json = node.to_json();
        let checked = match &json {
            serde_json::Value::Object(map) if !map.contains_key("$schema") => {
                let mut map = map.clone();
                map.insert("$schema".to_owned(), serde_json::Value::from(draft));
                serde_json::Value::Object(map)
            }
            _ => json.clone(),
        };
        let meta_valid =
            schemas::check_json_schema(self.ctx, &at.file, &at.doc.root, &at.pointer, &checked);
        let refs_resolve = self.check_schema_refs(at);
        self.ctx.catalog.schemas.insert(LoadedSchema {
            format: SchemaFormat::JsonSchema,
            file: at.file.to_path_buf(),
            pointer: at.pointer.clone(),
            node: Some(node.clone()),
            json: Some(json),
            text: None,
            avro: None,
            references: Vec::new(),
            valid: meta_valid && refs_resolve,
        })
    }

    /// Checks the `$ref`s inside a JSON Schema (and inside what they point at), reading the
    /// files they name so that examples can be validated against them. False when one does not
    /// resolve.
    fn check_schema_refs(&mut self, start: &At) -> bool {
        let mut ok = true;
        let mut roots = vec![start.clone()];
        while let Some(root) = roots.pop() {
            if !self
                .walked
                .insert((root.file.clone(), root.pointer.clone()))
            {
                continue;
            }
            let mut stack: Vec<(String, &Node)> = vec![(root.pointer.clone(), root.node())];
            let mut found: Vec<(String, String, Span)> = Vec::new();
            while let Some((pointer, node)) = stack.pop() {
                if self.schema_budget == 0 {
                    break;
                }
                self.schema_budget -= 1;
                match &node.value {
                    Value::Map(entries) => {
                        // A schema with its own `$id` resolves against it; contrail does not follow.
                        if node
                            .get("$id")
                            .and_then(Node::as_str)
                            .is_some_and(|id| id.contains(':'))
                        {
                            continue;
                        }
                        for entry in entries {
                            match (entry.key.as_str(), &entry.value.value) {
                                ("$ref", Value::String(text)) => {
                                    found.push((pointer.clone(), text.clone(), entry.value.span));
                                }
                                // Values, not schemas.
                                ("enum" | "const" | "default" | "examples" | "example", _) => {}
                                (key, _) if key.starts_with("x-") => {}
                                (key, _) => {
                                    stack.push((pointer_join(&pointer, key), &entry.value));
                                }
                            }
                        }
                    }
                    Value::Seq(items) => {
                        for (i, item) in items.iter().enumerate() {
                            stack.push((pointer_join(&pointer, &i.to_string()), item));
                        }
                    }
                    _ => {}
                }
            }
            for (pointer, text, span) in found {
                let fragment = text.split_once('#').map_or("", |(_, f)| f);
                if !fragment.is_empty() && !fragment.starts_with('/') {
                    // An anchor (`#name`): resolved by the JSON Schema validator.
                    continue;
                }
                let from = At {
                    file: root.file.clone(),
                    doc: root.doc.clone(),
                    pointer,
                    via: Vec::new(),
                };
                // A remote or unresolved part leaves the schema incomplete: the finding says why.
                match self.resolve_ref(&from, &text, span) {
                    Some(target) => roots.push(target),
                    None => ok = false,
                }
            }
        }
        ok
    }
}

/// The scheme of a URI reference (`https` in `https://...`), if it has one. Single letters are
/// Windows drive letters, not schemes.
fn uri_scheme(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (scheme.len() >= 2
        && first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// The token before the last one of a JSON pointer (`messages` in `/components/messages/A`).
fn parent_token(pointer: &str) -> Option<String> {
    let mut tokens = pointer.strip_prefix('/')?.rsplit('/');
    tokens.next()?;
    tokens.next().map(unescape_pointer_token)
}

/// The last token of a hop's pointer and the span of that key in its mapping, when the parent
/// is a mapping.
fn keyed(hop: &Hop) -> Option<(String, Span)> {
    let (parent, last) = hop.pointer.rsplit_once('/')?;
    let key = unescape_pointer_token(last);
    let entry = hop.doc.root.pointer(parent)?.entry(&key)?;
    Some((key, entry.key_span))
}

/// When a pointer only fails because keys containing `/` were not escaped, the pointer that was
/// meant.
fn lenient_pointer(root: &Node, fragment: &str) -> Option<String> {
    let tokens: Vec<String> = fragment
        .strip_prefix('/')?
        .split('/')
        .map(unescape_pointer_token)
        .collect();
    let mut budget = 10_000usize;
    let mut out = Vec::new();
    search(root, &tokens, &mut out, &mut budget).then(|| {
        out.iter()
            .map(|t: &String| format!("/{}", escape_pointer_token(t)))
            .collect()
    })
}

fn search(node: &Node, tokens: &[String], out: &mut Vec<String>, budget: &mut usize) -> bool {
    if tokens.is_empty() {
        return true;
    }
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match &node.value {
        Value::Map(_) => {
            for end in (1..=tokens.len()).rev() {
                let key = tokens[..end].join("/");
                if let Some(child) = node.get(&key) {
                    out.push(key);
                    if search(child, &tokens[end..], out, budget) {
                        return true;
                    }
                    out.pop();
                }
            }
            false
        }
        Value::Seq(items) => {
            let Some(child) = tokens[0].parse::<usize>().ok().and_then(|i| items.get(i)) else {
                return false;
            };
            out.push(tokens[0].clone());
            if search(child, &tokens[1..], out, budget) {
                return true;
            }
            out.pop();
            false
        }
        _ => false,
    }
}

/// Says how far a pointer resolves and what was there instead.
fn missing_pointer_help(root: &Node, fragment: &str, file: &Path) -> String {
    let mut node = root;
    let mut prefix = String::new();
    for token in fragment.trim_start_matches('/').split('/') {
        let key = unescape_pointer_token(token);
        let next = match &node.value {
            Value::Map(_) => node.get(&key),
            Value::Seq(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => {
                node = n;
                prefix = pointer_join(&prefix, &key);
            }
            None => {
                let at = if prefix.is_empty() {
                    format!("the top of {}", file.display())
                } else {
                    format!("`{prefix}` in {}", file.display())
                };
                let keys: Vec<&str> = node
                    .as_map()
                    .map(|m| m.iter().map(|e| e.key.as_str()).collect())
                    .unwrap_or_default();
                return match crate::suggest::did_you_mean(&key, keys.iter().copied()) {
                    Some(s) => format!("{at} has no `{key}`; did you mean `{s}`?"),
                    None if keys.is_empty() => format!("{at} has no `{key}`"),
                    None => format!(
                        "{at} has no `{key}`; it has {}",
                        keys.iter()
                            .take(8)
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
            }
        }
    }
    "fix the reference".to_owned()
}

/// Why a correlation location does not map onto [`Correlation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unmapped {
    /// A valid runtime expression for a path inside a header (`$message.header#/MQMD/CorrelId`).
    Nested,
    /// A valid runtime expression for the whole payload or the whole headers.
    WholePayload,
    /// Not a `$message.header#...` / `$message.payload#...` runtime expression.
    Invalid,
}

/// `$message.header#/name` or `$message.payload#/json/pointer`.
fn parse_correlation(location: &str) -> Result<Correlation, Unmapped> {
    let (source, fragment) = location.trim().split_once('#').ok_or(Unmapped::Invalid)?;
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return Err(Unmapped::Invalid);
    }
    match source.trim() {
        "$message.header" => match fragment.strip_prefix('/') {
            None | Some("") => Err(Unmapped::WholePayload),
            Some(name) if name.contains('/') => Err(Unmapped::Nested),
            Some(name) => Ok(Correlation::Header(unescape_pointer_token(name))),
        },
        "$message.payload" if fragment.len() > 1 => Ok(Correlation::Payload(fragment.to_owned())),
        "$message.payload" => Err(Unmapped::WholePayload),
        _ => Err(Unmapped::Invalid),
    }
}

/// The meta-schema a `schemaFormat` names, for JSON Schema formats with a version parameter.
fn json_schema_draft(media_type: &str) -> Option<&'static str> {
    let lower = media_type.to_ascii_lowercase();
    let version = lower
        .split(';')
        .skip(1)
        .find_map(|p| p.trim().strip_prefix("version="))?
        .trim_matches('"')
        .to_owned();
    let base = lower.split(';').next().unwrap_or("").trim().to_owned();
    if base.starts_with("application/vnd.oai.openapi") {
        return Some("http://json-schema.org/draft-04/schema#");
    }
    if !base.starts_with("application/schema") {
        return None;
    }
    match version.as_str() {
        "draft-04" => Some("http://json-schema.org/draft-04/schema#"),
        "draft-06" => Some("http://json-schema.org/draft-06/schema#"),
        "draft-07" => Some(DRAFT_07),
        "2019-09" => Some("https://json-schema.org/draft/2019-09/schema"),
        "2020-12" => Some("https://json-schema.org/draft/2020-12/schema"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        let v = |s: &str| supported_version(&crate::yaml::parse(s).expect("parses").root);
        assert_eq!(v("'2.0.0'"), Some(false));
        assert_eq!(v("'2.6.0'"), Some(false));
        assert_eq!(v("'3.0.0'"), Some(true));
        assert_eq!(v("'3.1.0'"), Some(true));
        assert_eq!(v("'3.0.0-rc1'"), Some(true));
        assert_eq!(v("'2.7.0'"), None);
        assert_eq!(v("'3.2.0'"), None);
        assert_eq!(v("'1.2.0'"), None);
        assert_eq!(v("2.6"), None);
        assert_eq!(v("'2.6'"), None);
        assert_eq!(v("latest"), None);
    }

    #[test]
    fn correlation_locations() {
        assert_eq!(
            parse_correlation("$message.header#/correlation-id"),
            Ok(Correlation::Header("correlation-id".to_owned()))
        );
        assert_eq!(
            parse_correlation("$message.payload#/meta/id"),
            Ok(Correlation::Payload("/meta/id".to_owned()))
        );
        assert_eq!(
            parse_correlation("$message.header#/MQMD/CorrelId"),
            Err(Unmapped::Nested)
        );
        assert_eq!(
            parse_correlation("$message.payload#"),
            Err(Unmapped::WholePayload)
        );
        assert_eq!(
            parse_correlation("$message.body#/a"),
            Err(Unmapped::Invalid)
        );
        assert_eq!(
            parse_correlation("$message.payload#a"),
            Err(Unmapped::Invalid)
        );
        assert_eq!(parse_correlation("header"), Err(Unmapped::Invalid));
    }

    #[test]
    fn schemes_and_decoding() {
        assert_eq!(uri_scheme("https://x/y.avsc"), Some("https"));
        assert_eq!(uri_scheme("C:/x.yaml"), None);
        assert_eq!(uri_scheme("messages.yaml"), None);
    }

    #[test]
    fn unescaped_slash_in_key_is_found() {
        let doc = crate::yaml::parse("components:\n  messages:\n    a/b.c:\n      name: X\n")
            .expect("parses");
        assert_eq!(
            lenient_pointer(&doc.root, "/components/messages/a/b.c").as_deref(),
            Some("/components/messages/a~1b.c")
        );
        assert_eq!(lenient_pointer(&doc.root, "/components/messages/zz"), None);
    }

    #[test]
    fn drafts() {
        assert_eq!(
            json_schema_draft("application/schema+json;version=draft-04"),
            Some("http://json-schema.org/draft-04/schema#")
        );
        assert_eq!(
            json_schema_draft("application/vnd.aai.asyncapi;version=2.6.0"),
            None
        );
    }
}
