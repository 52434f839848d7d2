//! The event a message describes: its fields read from the message and its traits —
//! correlation id, headers, envelope, examples, the `x-contrail-*` keywords — and its payload
//! (see `payloads.rs`).

use super::Loader;
use super::operation::Operation;
use super::references::At;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::load::native;
use crate::model::{
    CompatibilityMode, Correlation, Envelope, Event, EventKind, Example, Header, Headers, Keyword,
    Origin, Retention, Spanned,
};
use crate::pointer::{pointer_join, unescape_pointer_token};
use crate::schema::SchemaFormat;
use crate::yaml::Node;

impl Loader<'_> {
    /// The event `message` describes, named `name`.
    pub(super) fn build_event(
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
                let found =
                    native::suppressions(&message.file, Some(node), &pointer, &mut diagnostics);
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
