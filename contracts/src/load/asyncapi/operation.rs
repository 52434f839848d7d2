//! What a 2.x or 3.x operation contributes to the messages it names: the topic of its channel
//! (the Kafka channel binding), the consumer group of its Kafka operation binding, and its
//! `x-contrail-consumer` extension.

use super::Loader;
use super::references::At;
use crate::load::native::{self, ConsumerExtension};
use crate::model::Spanned;
use crate::pointer::pointer_join;
use crate::yaml::{Node, Value};

/// What an operation contributes to the messages it names.
#[derive(Debug, Clone)]
pub(super) struct Operation {
    /// `operationId` / operation key, else the channel key: for fallback event names.
    pub(super) name: String,
    pub(super) topic: Option<Spanned<String>>,
    /// The topic is the channel key standing in for a null or absent 3.x `address`.
    pub(super) topic_is_channel_key: bool,
    pub(super) group: Option<Spanned<String>>,
    /// The operation's `x-contrail-consumer` extension, read like a native `consumes` entry.
    pub(super) consumer: Option<ConsumerExtension>,
}

impl Loader<'_> {
    /// The channel's Kafka binding `topic`, if it has one.
    pub(super) fn kafka_topic(&mut self, channel: &At) -> Option<Spanned<String>> {
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
    pub(super) fn consumer_extension(&mut self, op: &At) -> Option<ConsumerExtension> {
        let node = op.node().get("x-contrail-consumer")?;
        let pointer = pointer_join(&op.pointer, "x-contrail-consumer");
        let mut diagnostics = Vec::new();
        let extension = native::consumer_extension(&op.file, node, &pointer, &mut diagnostics);
        self.ctx.diagnostics.extend(diagnostics);
        extension
    }

    /// The consumer group a Kafka operation binding fixes, if any.
    pub(super) fn kafka_group(&mut self, sources: &[At]) -> Option<Spanned<String>> {
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
}
