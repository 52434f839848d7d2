//! The messages operations name: `oneOf`s expanded, each message named (see the module
//! documentation for the order), turned into an event once per name, and recorded as what the
//! service produces or consumes.

use std::path::PathBuf;
use std::sync::Arc;

use super::Loader;
use super::operation::Operation;
use super::references::{At, Hop, keyed, parent_token};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Consumes, Produces, Spanned};

/// How deep `oneOf`s inside `oneOf`s are followed.
const MAX_ONE_OF_DEPTH: usize = 16;

/// What is known about an event already created from this document.
#[derive(Debug)]
pub(super) struct Known {
    index: usize,
    definition: (Arc<PathBuf>, String),
    noted_definition: bool,
    noted_topic: bool,
}

impl Loader<'_> {
    /// A message named by an operation (`written` is where the operation names it: a message, a
    /// `$ref` or a `oneOf`).
    pub(super) fn message_use(
        &mut self,
        written: At,
        operation: &Operation,
        sends: bool,
        depth: usize,
    ) {
        if depth == 0 {
            self.expanded.clear();
        }
        let Some(message) = self.deref(written.clone()) else {
            return;
        };
        self.message_at(message, &written, operation, sends, depth);
    }

    pub(super) fn message_at(
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
}
