use contrail_contracts::compat::{self, SchemaVersion, avro};
use std::collections::HashMap;

use contrail_contracts::model::Event;
use contrail_contracts::schema::SchemaId;
use serde_json::Value;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every field a consumer lists under `reads` exists in the payload schema of
    /// the event and is always there: in Avro every field is written (nullable fields may be
    /// null); in JSON Schema the property must be `required` or have a `default`. Paths into
    /// nested records and objects are written dotted (`total.amountMinor`) or as JSON pointers
    /// (`/total/amountMinor`); arrays are stepped through (`items.sku`). Paths through a JSON
    /// Schema `$ref` or composition (`allOf`, ...) are not followed.
    ///
    /// ## Why is this bad?
    /// `reads` is the consumer's side of the contract: the fields its code depends on. A field
    /// the producer does not write — renamed, never there, or optional — makes the consumer
    /// fail or silently compute with a missing value at runtime, and the producer's
    /// compatibility checks cannot protect a field they do not know is read.
    ///
    /// ## Example
    /// ```yaml
    /// consumes:
    ///   - event: OrderPlaced
    ///     reads: [orderId, totalAmount]   # the schema has `total`, not `totalAmount`
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// consumes:
    ///   - event: OrderPlaced
    ///     reads: [orderId, total.amountMinor]
    /// ```
    ///
    /// ## Fix
    /// Correct the field name, or ask the producer to add the field (required, or with a
    /// default) before deploying the consumer.
    ///
    /// ## References
    /// - Ian Robinson, "Consumer-Driven Contracts: A Service Evolution Pattern"
    /// - Pact documentation: consumer-driven contract testing
    pub struct ConsumerReadsExistingFields {
        code: CONSUMER_READS_EXISTING_FIELDS,
        category: CrossCheck,
        group: Group::Stable,
    }
}

/// What a path resolves to.
#[derive(Debug, PartialEq)]
pub(crate) enum Found {
    /// Present in every message.
    Always,
    /// Declared but possibly absent (JSON Schema: not required and no default); the segment.
    Optional(String),
    /// A segment that does not exist, with the names available where it was looked up.
    Missing(String, Vec<String>),
    /// The schema cannot be followed there (a `$ref`, a composition, an unparsed schema).
    Unknown,
}

impl Rule for ConsumerReadsExistingFields {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        // Many consumers read the same event: build each payload's comparable form once.
        // The form depends only on the event's schema.
        let mut payloads: HashMap<Option<SchemaId>, Option<SchemaVersion>> = HashMap::new();
        for service in &ctx.catalog.services {
            for consume in service.consumes.iter().filter(|c| !c.reads.is_empty()) {
                let Some(event) = ctx.catalog.event(&consume.event.value) else {
                    continue;
                };
                let key = event.schema.as_ref().and_then(|s| s.id);
                let Some(version) = payloads
                    .entry(key)
                    .or_insert_with(|| payload(ctx, event))
                    .as_ref()
                else {
                    continue;
                };
                for read in &consume.reads {
                    let path = segments(&read.value);
                    if path.is_empty() {
                        continue;
                    }
                    let found = match version {
                        SchemaVersion::Avro(schema) => resolve_avro(schema, &path),
                        SchemaVersion::Json(json) => resolve_json(json, &path),
                    };
                    let subject = Subject::Service(service.name.value.clone());
                    let schema_at = ctx.schema_location(event, "");
                    let report = match found {
                        Found::Always | Found::Unknown => continue,
                        Found::Missing(segment, names) => {
                            let help = match contrail_contracts::suggest::did_you_mean(
                                &segment,
                                names.iter().map(String::as_str),
                            ) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => format!(
                                    "the producer's schema has no `{segment}`; fix the path or ask `{}`'s owner to add the field",
                                    event.name.value
                                ),
                            };
                            out.report(
                                subject,
                                format!(
                                    "`{}` reads `{}` from `{}`, but its payload has no field `{segment}`",
                                    service.name.value, read.value, event.name.value
                                ),
                                read.location.clone(),
                            )
                            .pointer(read.pointer.clone())
                            .help(help)
                        }
                        Found::Optional(segment) => out
                            .report(
                                subject,
                                format!(
                                    "`{}` reads `{}` from `{}`, but `{segment}` is optional there and has no default",
                                    service.name.value, read.value, event.name.value
                                ),
                                read.location.clone(),
                            )
                            .pointer(read.pointer.clone())
                            .help("make the field required (or give it a default) in the producer's schema, or stop relying on it"),
                    };
                    if let Some(at) = schema_at {
                        report.related(at, format!("the payload schema of `{}`", event.name.value));
                    }
                }
            }
        }
    }
}

pub(crate) fn payload(ctx: &Context<'_>, event: &Event) -> Option<SchemaVersion> {
    ctx.schema(event)?;
    compat::version_of(ctx.catalog, event.schema.as_ref()?.id?).ok()
}

/// `a.b.c` or `/a/b/c` as segments.
pub(crate) fn segments(path: &str) -> Vec<String> {
    let path = path.trim();
    if let Some(pointer) = path.strip_prefix('/') {
        pointer
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    } else {
        path.split('.')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

pub(crate) fn resolve_avro(schema: &avro::AvroSchema, path: &[String]) -> Found {
    let mut ty = schema.root();
    for segment in path {
        let Some(record) = record_of(schema, ty) else {
            return Found::Unknown;
        };
        let avro::Kind::Record {
            fields, by_name, ..
        } = &schema.get(record).kind
        else {
            return Found::Unknown;
        };
        match by_name.get(segment) {
            Some(&i) => ty = fields[i].ty,
            None => {
                return Found::Missing(
                    segment.clone(),
                    fields.iter().map(|f| f.name.clone()).collect(),
                );
            }
        }
    }
    Found::Always
}

/// The record a path steps into from `ty`: the type itself, the items of an array or the
/// values of a map, the one non-null branch of a union.
fn record_of(schema: &avro::AvroSchema, ty: avro::TypeId) -> Option<avro::TypeId> {
    match &schema.get(ty).kind {
        avro::Kind::Record { .. } => Some(ty),
        avro::Kind::Array(inner) | avro::Kind::Map(inner) => record_of(schema, *inner),
        avro::Kind::Union(branches) => {
            let mut records = branches
                .iter()
                .filter(|b| !matches!(schema.get(**b).kind, avro::Kind::Null));
            match (records.next(), records.next()) {
                (Some(only), None) => record_of(schema, *only),
                _ => None,
            }
        }
        _ => None,
    }
}

pub(crate) fn resolve_json(schema: &Value, path: &[String]) -> Found {
    let mut node = schema;
    for segment in path {
        while let Some(items) = node.get("items").filter(|i| i.is_object()) {
            node = items;
        }
        if node.get("$ref").is_some()
            || node.get("allOf").is_some()
            || node.get("oneOf").is_some()
            || node.get("anyOf").is_some()
        {
            return Found::Unknown;
        }
        let Some(properties) = node.get("properties").and_then(Value::as_object) else {
            return Found::Unknown;
        };
        let Some(property) = properties.get(segment) else {
            // A schema open to any property may still carry it.
            if node.get("additionalProperties").is_some_and(|a| a != false)
                || node.get("patternProperties").is_some()
            {
                return Found::Unknown;
            }
            return Found::Missing(segment.clone(), properties.keys().cloned().collect());
        };
        let required = node
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n == segment.as_str()));
        if !required && property.get("default").is_none() {
            return Found::Optional(segment.clone());
        }
        node = property;
    }
    Found::Always
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_paths() {
        let schema = json!({
            "type": "object",
            "required": ["a", "list"],
            "properties": {
                "a": { "type": "object", "required": ["b"], "properties": { "b": {}, "c": {} } },
                "list": { "type": "array", "items": { "type": "object", "required": ["x"], "properties": { "x": {} } } },
                "opt": { "type": "string" },
                "dflt": { "type": "string", "default": "" }
            }
        });
        let r = |p: &str| resolve_json(&schema, &segments(p));
        assert_eq!(r("a.b"), Found::Always);
        assert_eq!(r("/a/b"), Found::Always);
        assert_eq!(r("list.x"), Found::Always);
        assert_eq!(r("dflt"), Found::Always);
        assert_eq!(r("a.c"), Found::Optional("c".into()));
        assert_eq!(r("opt"), Found::Optional("opt".into()));
        assert!(matches!(r("a.z"), Found::Missing(s, _) if s == "z"));
    }

    #[test]
    fn avro_paths() {
        let schema = json!({
            "type": "record", "name": "R", "fields": [
                { "name": "total", "type": { "type": "record", "name": "Money", "fields": [ { "name": "amount", "type": "long" } ] } },
                { "name": "items", "type": { "type": "array", "items": { "type": "record", "name": "Item", "fields": [ { "name": "sku", "type": "string" } ] } } },
                { "name": "maybe", "type": ["null", "Money"], "default": null }
            ]
        });
        let parsed = avro::AvroSchema::parse(&schema, &[]).expect("valid schema");
        let r = |p: &str| resolve_avro(&parsed, &segments(p));
        assert_eq!(r("total.amount"), Found::Always);
        assert_eq!(r("items.sku"), Found::Always);
        assert_eq!(r("maybe.amount"), Found::Always);
        assert!(matches!(r("total.cents"), Found::Missing(s, _) if s == "cents"));
        assert_eq!(r("total.amount.x"), Found::Unknown);
    }
}
