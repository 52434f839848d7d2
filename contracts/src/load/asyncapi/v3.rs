//! AsyncAPI 3.x: `operations` with their `send`/`receive` action, channel, messages and
//! reply, and the topic a channel's `address` gives.

use super::Loader;
use super::operation::Operation;
use super::references::{At, Hop, keyed, parent_token};
use crate::codes;
use crate::model::Spanned;
use crate::yaml::{Node, Value};

impl Loader<'_> {
    /// The operation `key` of `operations`, and its reply.
    pub(super) fn operation_v3(&mut self, operations: &At, key: &str) {
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
}
