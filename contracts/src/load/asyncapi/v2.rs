//! AsyncAPI 2.x: each channel's `publish` and `subscribe` operations, read from the
//! document's [`Perspective`].

use super::operation::Operation;
use super::references::At;
use super::{Loader, Perspective};
use crate::model::Spanned;
use crate::yaml::{Node, Span};

impl Loader<'_> {
    /// The operations of channel `key` (written at `key_span` under `channels`).
    pub(super) fn channel_v2(&mut self, channels: &At, key: &str, key_span: Span) {
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
}
