use contrail_contracts::schema::SchemaFormat;
use serde_json::Value;

use crate::context::{Context, small_get, walk};
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Looks for what makes a payload's size unbounded: a collection of records with no upper
    /// bound. In JSON Schema, an `array` of objects without `maxItems`; in Avro, an `array` or
    /// `map` of records without a `maxItems` custom attribute documenting the bound the
    /// producer enforces. Collections of scalars and strings are not reported: they grow
    /// slowly, and records are what blows up a message.
    ///
    /// ## Why is this bad?
    /// Kafka rejects records above `max.message.bytes` (1 MB by default). An order with 10
    /// lines works for years, then a wholesale customer places one with 20,000 lines: the
    /// producer fails (or the outbox relay stalls) in production, on the biggest customer.
    ///
    /// ## Example
    /// ```json
    /// { "type": "array", "items": { "type": "object", "properties": { "sku": { "type": "string" } } } }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "type": "array", "maxItems": 500,
    ///   "items": { "type": "object", "properties": { "sku": { "type": "string" } } } }
    /// ```
    ///
    /// ## Fix
    /// Bound the collection (and enforce the bound in the producer), split the event into one
    /// event per item, or send a reference (claim check) instead of the items.
    ///
    /// ## References
    /// - Apache Kafka documentation: `max.message.bytes`, `max.request.size`
    /// - Gregor Hohpe, Bobby Woolf, *Enterprise Integration Patterns*: Claim Check
    pub struct PayloadSizeBudget {
        code: PAYLOAD_SIZE_BUDGET,
        category: Schema,
        group: Group::Preview,
    }
}

fn is_record(value: &Value, format: SchemaFormat) -> bool {
    match format {
        SchemaFormat::Avro => value.get("type").and_then(Value::as_str) == Some("record"),
        _ => {
            value.get("type").and_then(Value::as_str) == Some("object")
                || value.get("properties").is_some()
        }
    }
}

impl Rule for PayloadSizeBudget {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for payload in ctx.payload_schemas() {
            let format = payload.schema.format;
            let mut found = Vec::new();
            walk(payload.json, "", &mut |node, pointer| {
                if pointer.ends_with("/properties") {
                    return;
                }
                let ty = small_get(node, "type").and_then(Value::as_str);
                let items = match (format, ty) {
                    (SchemaFormat::Avro, Some("array")) => small_get(node, "items"),
                    (SchemaFormat::Avro, Some("map")) => small_get(node, "values"),
                    (SchemaFormat::JsonSchema, Some("array")) => small_get(node, "items"),
                    _ => None,
                };
                let Some(items) = items else {
                    return;
                };
                if is_record(items, format) && small_get(node, "maxItems").is_none() {
                    found.push((ty.unwrap_or("array"), pointer.to_owned()));
                }
            });
            for (ty, relative) in found {
                let (location, pointer) = ctx.at(&payload, &relative);
                out.report(
                    Subject::Event(payload.event.name.value.clone()),
                    format!(
                        "the payload of `{}` has an unbounded {ty} of records, so its size has no upper bound",
                        payload.event.name.value
                    ),
                    location,
                )
                .pointer(pointer)
                .help("declare `maxItems` (and enforce it in the producer), or split the event per item");
            }
        }
    }
}
