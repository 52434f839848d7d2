use contrail_contracts::model::{Envelope, Event, Header};
use serde_json::Value;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// For events that travel as CloudEvents, checks that the required context attributes
    /// `id`, `source`, `specversion` and `type` are declared, and that the CloudEvents headers
    /// declared are well formed.
    ///
    /// An event travels as CloudEvents when it says `envelope: cloudevents` (natively, or
    /// `x-contrail-envelope: cloudevents` on an AsyncAPI message), when `contrail.yaml` sets
    /// `defaults.envelope: cloudevents` and the event does not say `envelope: none`, when its
    /// AsyncAPI message has `contentType: application/cloudevents+json`, or when it declares any
    /// `ce_` header. The attributes may be declared in either content mode of the Kafka protocol
    /// binding:
    ///
    /// - binary: the headers `ce_id`, `ce_source`, `ce_specversion`, `ce_type` (the payload is
    ///   the event data, its media type in the `content-type` header);
    /// - structured: payload fields `id`, `source`, `specversion`, `type` (the record value is
    ///   the whole event in the JSON event format).
    ///
    /// Declared `ce_` headers must name attributes the way CloudEvents does (lowercase letters
    /// and digits after `ce_`, not the HTTP binding's `ce-`), must not carry
    /// `ce_datacontenttype` (Kafka binary mode uses `content-type`), `ce_time` must be a string
    /// (RFC 3339 `date-time` when a format is given), and a `ce_specversion` pinned by `const`
    /// or `enum` must allow `1.0`.
    ///
    /// ## Why is this bad?
    /// CloudEvents-aware consumers, routers and SDKs (Knative, Dapr, the CloudEvents SDKs'
    /// Kafka decoders) reject or misroute a record without the required attributes, and read
    /// attribute headers only under the names the Kafka binding defines. A contract that says
    /// CloudEvents but leaves `ce_type` out lets producers ship records those consumers drop.
    ///
    /// ## Example
    /// ```yaml
    /// event: OrderPlaced
    /// envelope: cloudevents
    /// headers:
    ///   ce_id: { required: true }
    ///   ce-source: { required: true }     # HTTP spelling; no ce_specversion, no ce_type
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// event: OrderPlaced
    /// envelope: cloudevents
    /// headers:
    ///   ce_id: { required: true }
    ///   ce_source: { required: true }
    ///   ce_specversion: { required: true, schema: { const: "1.0" } }
    ///   ce_type: { required: true }
    ///   ce_time: { schema: { type: string, format: date-time } }
    /// ```
    ///
    /// ## Fix
    /// Declare the four required attributes as `ce_` headers (binary mode) or payload fields
    /// (structured mode), and spell optional ones as the Kafka binding does.
    ///
    /// ## References
    /// - CloudEvents specification 1.0.2: context attributes
    /// - CloudEvents Kafka protocol binding 1.0.2: binary and structured content modes
    pub struct CloudeventsAttributes {
        code: CLOUDEVENTS_ATTRIBUTES,
        category: Envelope,
        group: Group::Stable,
    }
}

const REQUIRED: [&str; 4] = ["id", "source", "specversion", "type"];

/// The attribute a header carries under the Kafka binding (`ce_type` → `type`), or under the
/// HTTP binding's spelling (`ce-type`), which Kafka consumers do not read.
fn attribute(header: &str) -> Option<(&str, bool)> {
    let lower = header.get(..3)?.to_ascii_lowercase();
    let rest = header.get(3..)?;
    match lower.as_str() {
        "ce_" => Some((rest, true)),
        "ce-" => Some((rest, false)),
        _ => None,
    }
}

/// Whether the event travels as CloudEvents (see the rule's documentation).
fn is_cloudevent(ctx: &Context<'_>, event: &Event) -> bool {
    match event
        .envelope
        .as_ref()
        .or(ctx.catalog.config.defaults.envelope.as_ref())
        .map(|e| e.value)
    {
        Some(Envelope::CloudEvents) => true,
        Some(Envelope::None) if event.envelope.is_some() => false,
        _ => event.headers.as_ref().is_some_and(|h| {
            h.declared
                .iter()
                .any(|d| attribute(&d.name.value).is_some_and(|(_, kafka)| kafka))
        }),
    }
}

/// What is wrong with a declared CloudEvents header, if anything.
fn malformed(header: &Header) -> Option<(String, String)> {
    let name = &header.name.value;
    let (attribute, kafka) = attribute(name)?;
    if !kafka {
        return Some((
            format!(
                "header `{name}` uses the HTTP binding's `ce-` prefix; the Kafka binding reads `ce_{attribute}`"
            ),
            format!("rename it to `ce_{}`", attribute.to_ascii_lowercase()),
        ));
    }
    if attribute.is_empty()
        || !attribute
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return Some((
            format!(
                "header `{name}` does not name a CloudEvents attribute: attribute names are lowercase letters and digits"
            ),
            format!(
                "rename it to `ce_{}`",
                attribute
                    .to_ascii_lowercase()
                    .replace(|c: char| !c.is_ascii_alphanumeric(), "")
            ),
        ));
    }
    if attribute == "datacontenttype" {
        return Some((
            format!(
                "header `{name}`: in Kafka binary mode the data's media type travels in the `content-type` header"
            ),
            "declare `content-type` instead".to_owned(),
        ));
    }
    let schema = header.schema.as_ref()?;
    let ty = schema.get("type").and_then(Value::as_str);
    if attribute == "time" {
        let format = schema.get("format").and_then(Value::as_str);
        if ty.is_some_and(|t| t != "string") || format.is_some_and(|f| f != "date-time") {
            return Some((
                format!(
                    "header `{name}` must hold an RFC 3339 timestamp, but its schema says {}",
                    [
                        ty.map(|t| format!("type `{t}`")),
                        format.map(|f| format!("format `{f}`"))
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
                ),
                "write `schema: { type: string, format: date-time }`".to_owned(),
            ));
        }
    }
    if attribute == "specversion" {
        let pinned: Option<Vec<&Value>> = schema.get("const").map(|c| vec![c]).or_else(|| {
            schema
                .get("enum")
                .and_then(Value::as_array)
                .map(|e| e.iter().collect())
        });
        if let Some(values) = pinned
            && !values.iter().any(|v| v.as_str() == Some("1.0"))
        {
            return Some((
                format!("header `{name}` does not allow the specification version `1.0`"),
                "write `schema: { const: \"1.0\" }`".to_owned(),
            ));
        }
    }
    None
}

impl Rule for CloudeventsAttributes {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for event in &ctx.catalog.events {
            if !is_cloudevent(ctx, event) {
                continue;
            }
            let name = &event.name.value;
            let subject = || Subject::Event(name.clone());
            let declared: &[Header] = event.headers.as_ref().map_or(&[], |h| &h.declared);
            for header in declared {
                if let Some((message, help)) = malformed(header) {
                    out.report(subject(), message, header.name.location.clone())
                        .pointer(header.name.pointer.clone())
                        .help(help);
                }
            }
            let in_headers = |attr: &str| {
                declared
                    .iter()
                    .any(|h| attribute(&h.name.value) == Some((attr, true)))
            };
            let fields = ctx.payload_fields(event);
            let in_payload = |attr: &str| {
                fields
                    .as_ref()
                    .is_some_and(|f| f.iter().any(|f| f.name == attr))
            };
            if REQUIRED.iter().all(|a| in_headers(a)) || REQUIRED.iter().all(|a| in_payload(a)) {
                continue;
            }
            // Judge by the mode the contract leans to: any `ce_` header means binary mode.
            let binary = declared.iter().any(|h| attribute(&h.name.value).is_some());
            let structured = !binary && REQUIRED.iter().any(|a| in_payload(a));
            if !binary && fields.is_none() && event.schema.is_some() {
                // A payload contrail cannot read might be a structured-mode event.
                continue;
            }
            let (missing, mode): (Vec<String>, &str) = if structured {
                (
                    REQUIRED
                        .iter()
                        .filter(|a| !in_payload(a))
                        .map(|a| format!("`{a}`"))
                        .collect(),
                    "payload fields (structured mode)",
                )
            } else {
                (
                    REQUIRED
                        .iter()
                        .filter(|a| !in_headers(a))
                        .map(|a| format!("`ce_{a}`"))
                        .collect(),
                    "headers (binary mode)",
                )
            };
            let (location, pointer) = match (&event.headers, &event.envelope) {
                (Some(h), _) => (h.location.clone(), h.pointer.clone()),
                (None, Some(e)) => (e.location.clone(), e.pointer.clone()),
                (None, None) => (event.name.location.clone(), event.name.pointer.clone()),
            };
            let chosen = event
                .envelope
                .as_ref()
                .or(ctx.catalog.config.defaults.envelope.as_ref())
                .map(|e| e.location.clone());
            let help = if structured {
                "add `id`, `source`, `specversion` and `type` to the payload schema"
            } else {
                "declare `ce_id`, `ce_source`, `ce_specversion` and `ce_type` under `headers`, or the four attributes as payload fields (structured mode)"
            };
            let report = out
                .report(
                    subject(),
                    format!(
                        "`{name}` travels as a CloudEvent but does not declare the required {mode} {}",
                        missing.join(", ")
                    ),
                    location,
                )
                .pointer(pointer)
                .help(help);
            if let Some(chosen) = chosen {
                report.related(chosen, "CloudEvents is chosen here");
            }
        }
    }
}
