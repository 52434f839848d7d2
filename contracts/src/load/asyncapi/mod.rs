//! AsyncAPI 2.x and 3.x documents as services of the catalog.
//!
//! One AsyncAPI document describes one application. [`load`] turns it into one
//! [`Service`](crate::model::Service) and turns every message its operations send or receive
//! into an [`Event`]. The events go to `LoadCtx::asyncapi_events`; once every file is read,
//! [`merge_events`] merges them by name with the rest of the catalog: the same name is the same
//! event, and its home (where findings about it point) is its native contract, else the
//! producer's document (see `merge.rs`).
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
//!
//! # Code
//!
//! One [`Loader`] reads one document; its methods are grouped by what they read:
//! `service` (the document, `info`, the perspective), `v2` (channels with `publish`/
//! `subscribe`), `v3` (`operations`, replies, channel addresses), `operation` (bindings and
//! `x-contrail-consumer`), `messages` (naming and produces/consumes), `event` (the event's
//! fields), `payloads` (schemas), `references` (`$ref`s), `read` (typed values, traits) and
//! `merge` (the events of all documents into the catalog).

mod event;
mod merge;
mod messages;
mod operation;
mod payloads;
mod read;
mod references;
mod service;
mod v2;
mod v3;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::LoadCtx;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Consumes, Event, Produces};
use crate::yaml::{Document, Node, Value};
pub(super) use merge::{EventCopy, merge_events};
use messages::Known;
use payloads::SCHEMA_WALK_BUDGET;
use references::At;
pub use service::Perspective;

/// The state of reading one document.
struct Loader<'c> {
    ctx: &'c mut LoadCtx,
    /// An AsyncAPI 3.x document (else 2.x).
    v3: bool,
    perspective: Perspective,
    /// The events of this document, in the order their messages are first used.
    events: Vec<Event>,
    /// The events above by name.
    known: HashMap<String, Known>,
    produces: Vec<Produces>,
    consumes: Vec<Consumes>,
    /// (sends, event, topic) already recorded in `produces`/`consumes`.
    io_seen: HashSet<(bool, String, Option<String>)>,
    /// The schemas whose `$ref`s were checked (see `payloads.rs`).
    walked: HashSet<(Arc<PathBuf>, String)>,
    /// How many more schema nodes the `$ref` check may visit.
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
}
