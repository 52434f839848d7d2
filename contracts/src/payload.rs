//! Paths into an event's payload (`total.amountMinor`, `/items/0/sku`): the fields consumers
//! declare they read, checked against the producer's schema, and the fields impact analysis
//! follows. Arrays and maps are stepped through (`items.sku` is the `sku` of every item), as is
//! the one non-null branch of an Avro union. A Protobuf payload is one message of its file
//! ([`Payload::Protobuf`]); its fields are named as in the `.proto` or by their JSON names.

use prost_reflect::{Kind, MessageDescriptor};
use serde_json::Value;

use crate::compat::{SchemaVersion, avro};
use crate::model::{Catalog, SchemaRef};
use crate::schema::SchemaFormat;

/// An event's payload as field paths see it.
#[derive(Debug, Clone)]
pub enum Payload {
    /// Avro or JSON Schema, in the form compatibility compares.
    Schema(SchemaVersion),
    /// The Protobuf message the event names (or its file's first), with the file's imports.
    Protobuf(MessageDescriptor),
}

impl Payload {
    /// The payload a schema reference describes, when its schema loaded and, for Protobuf,
    /// the message it names exists (validation reports it otherwise).
    pub fn of(catalog: &Catalog, schema: &SchemaRef) -> Option<Payload> {
        let id = schema.id?;
        let loaded = catalog.schemas.get(id);
        if !loaded.valid {
            return None;
        }
        if loaded.format == SchemaFormat::Protobuf {
            let message = schema.message.as_ref().map(|m| m.value.as_str());
            return loaded
                .protobuf
                .as_ref()?
                .message(message)
                .map(Payload::Protobuf);
        }
        crate::compat::version_of(catalog, id)
            .ok()
            .map(Payload::Schema)
    }

    /// `path` with each Protobuf field named as in the `.proto` (`occurredAt` becomes
    /// `occurred_at`), as far as the path leads through the message; other payloads' paths
    /// are returned as they are. Paths compare equal in this form whichever name a user wrote.
    pub fn proto_path(&self, path: &[String]) -> Vec<String> {
        let Payload::Protobuf(message) = self else {
            return path.to_vec();
        };
        let mut current = Some(message.clone());
        path.iter()
            .map(|segment| {
                let field = current.take().and_then(|m| {
                    m.get_field_by_name(segment)
                        .or_else(|| m.get_field_by_json_name(segment))
                });
                match field {
                    Some(field) => {
                        current = field_message(&field);
                        field.name().to_owned()
                    }
                    None => segment.clone(),
                }
            })
            .collect()
    }

    /// Where `path` leads in this payload.
    pub fn resolve(&self, path: &[String]) -> Found {
        match self {
            Payload::Schema(schema) => resolve(schema, path),
            Payload::Protobuf(message) => resolve_protobuf(message, path),
        }
    }
}

/// What a path resolves to.
#[derive(Debug, PartialEq)]
pub enum Found {
    /// Present in every message.
    Always,
    /// Declared but possibly absent (JSON Schema: not required and no default); the segment.
    Optional(String),
    /// A segment that does not exist, with the names available where it was looked up.
    Missing(String, Vec<String>),
    /// The schema cannot be followed there (a `$ref`, a composition, an unparsed schema).
    Unknown,
}

/// Where `path` leads in a payload schema.
pub fn resolve(schema: &SchemaVersion, path: &[String]) -> Found {
    match schema {
        SchemaVersion::Avro(schema) => resolve_avro(schema, path),
        SchemaVersion::Json(json) => resolve_json(json, path),
        // A file compared whole names no payload message; the event's message comes with the
        // catalog integration (issue 14).
        SchemaVersion::Protobuf(_) => Found::Unknown,
    }
}

/// `a.b.c` or `/a/b/c` as segments.
pub fn segments(path: &str) -> Vec<String> {
    let path = path.trim();
    if let Some(pointer) = path.strip_prefix('/') {
        pointer
            .split('/')
            .map(crate::pointer::unescape_pointer_token)
            .collect()
    } else {
        path.split('.')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

fn resolve_avro(schema: &avro::AvroSchema, path: &[String]) -> Found {
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

/// Protobuf fields always have a value (an unset one reads as its type's default), so a field
/// that exists is [`Found::Always`]. Repeated fields and map values are stepped through; the
/// JSON-shaped well-known types (`Struct`, `Value`, `Any`) hold any field.
fn resolve_protobuf(message: &MessageDescriptor, path: &[String]) -> Found {
    let mut current = Some(message.clone());
    for segment in path {
        let Some(message) = current.take() else {
            return Found::Unknown;
        };
        if matches!(
            message.full_name(),
            "google.protobuf.Struct" | "google.protobuf.Value" | "google.protobuf.Any"
        ) {
            return Found::Unknown;
        }
        let field = message
            .get_field_by_name(segment)
            .or_else(|| message.get_field_by_json_name(segment));
        let Some(field) = field else {
            return Found::Missing(
                segment.clone(),
                message.fields().map(|f| f.name().to_owned()).collect(),
            );
        };
        current = field_message(&field);
    }
    Found::Always
}

/// The message a path steps into through `field`: its type, or a map's value type.
fn field_message(field: &prost_reflect::FieldDescriptor) -> Option<MessageDescriptor> {
    let kind = if field.is_map() {
        match field.kind() {
            Kind::Message(entry) => entry.map_entry_value_field().kind(),
            other => other,
        }
    } else {
        field.kind()
    };
    kind.as_message().cloned()
}

fn resolve_json(schema: &Value, path: &[String]) -> Found {
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

    #[test]
    fn protobuf_paths() {
        let text = r#"syntax = "proto3";
package p;
import "google/protobuf/struct.proto";
message Order {
  string order_id = 1;
  Money total = 2;
  repeated Item items = 3;
  map<string, Item> by_sku = 4;
  google.protobuf.Struct extra = 5;
  oneof paid_with { string card_token = 6; }
  message Item { string sku = 1; }
}
message Money { int64 amount_minor = 1; }
"#;
        let source = crate::protobuf::ProtoSource {
            path: "order.proto".into(),
            text: text.to_owned(),
        };
        let compiled =
            crate::protobuf::compile("order.proto", source, |_, _| None).expect("compiles");
        let payload = Payload::Protobuf(compiled.message(None).expect("a message"));
        let r = |p: &str| payload.resolve(&segments(p));
        assert_eq!(r("order_id"), Found::Always);
        assert_eq!(r("orderId"), Found::Always);
        assert_eq!(r("total.amountMinor"), Found::Always);
        assert_eq!(r("/items/sku"), Found::Always);
        assert_eq!(r("by_sku.sku"), Found::Always);
        assert_eq!(r("cardToken"), Found::Always);
        assert_eq!(r("extra.anything"), Found::Unknown);
        assert_eq!(r("order_id.x"), Found::Unknown);
        match r("items.skew") {
            Found::Missing(segment, names) => {
                assert_eq!(segment, "skew");
                assert_eq!(names, ["sku"]);
            }
            other => panic!("expected a missing field, got {other:?}"),
        }
        // JSON names read back as the `.proto`'s, as far as the path leads.
        let proto = |p: &str| payload.proto_path(&segments(p)).join(".");
        assert_eq!(proto("total.amountMinor"), "total.amount_minor");
        assert_eq!(proto("bySku.sku"), "by_sku.sku");
        assert_eq!(proto("cardToken"), "card_token");
        assert_eq!(proto("orderId.nothing"), "order_id.nothing");
        assert_eq!(proto("unknownField.x"), "unknownField.x");
    }
}
