//! Parsing and canonical forms: what makes two schema texts the same schema.
//!
//! - Avro: apache-avro's re-serialisation of the parsed schema, so whitespace, key order and
//!   `{"type":"string"}` versus `"string"` never mint a new id. It keeps `doc`, `default`,
//!   `aliases`, `order` and custom attributes (two schemas that differ only in a default are
//!   different schemas). `normalize` additionally writes every named type with its full name.
//! - JSON Schema: compact JSON with object keys sorted.
//! - Protobuf: the text with normalised whitespace (line endings, indentation, trailing
//!   blanks, runs of blanks outside string literals, blank lines), comments kept.

use contrail_contracts::compat::SchemaVersion;
use contrail_contracts::compat::avro::AvroSchema;
use serde_json::{Map, Value};

use crate::error::Refusal;
use crate::model::{NewSchema, Reference, ResolvedReference, SchemaType, StoredSchema};

/// A schema ready to store and, for Avro and JSON Schema, to compare.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub schema: NewSchema,
    /// `None` for Protobuf (stored, not yet compared).
    pub comparable: Option<SchemaVersion>,
}

/// Parses a schema as a client sent it, with its references already resolved (dependency
/// order), into its canonical form. Errors are [`Refusal::InvalidSchema`] (42201) with the
/// parser's message.
pub fn parse(
    schema_type: SchemaType,
    text: &str,
    references: Vec<Reference>,
    resolved: &[ResolvedReference],
    normalize: bool,
) -> Result<Parsed, Refusal> {
    let invalid = |message: String| Refusal::InvalidSchema(format!("Invalid schema: {message}"));
    let (canonical, comparable) = match schema_type {
        SchemaType::Avro => {
            let (canonical, json) = avro_canonical(text, resolved, normalize).map_err(invalid)?;
            let comparable = avro_comparable(&json, resolved).map_err(invalid)?;
            (canonical, Some(comparable))
        }
        SchemaType::Json => {
            let json: Value = serde_json::from_str(text)
                .map_err(|e| invalid(format!("JSON Schema is not JSON: {e}")))?;
            jsonschema::meta::validate(&json)
                .map_err(|e| invalid(format!("not a valid JSON Schema: {e}")))?;
            let sorted = sort_keys(json);
            (sorted.to_string(), Some(SchemaVersion::Json(sorted)))
        }
        SchemaType::Protobuf => match protox_parse::parse("schema.proto", text) {
            Ok(_) => (normalize_protobuf(text), None),
            // Confluent's clients (Python's ProtobufSerializer among them) send the compiled
            // file as a base64 FileDescriptorProto, which Confluent's registry accepts too.
            Err(error) => match protobuf_descriptor(text) {
                Some(base64) => (base64.to_owned(), None),
                None => return Err(invalid(format!("Protobuf: {error}"))),
            },
        },
    };
    Ok(Parsed {
        schema: NewSchema {
            schema_type,
            canonical,
            references,
        },
        comparable,
    })
}

/// The comparable form of a stored schema (whose text is canonical already).
pub fn comparable(
    stored: &StoredSchema,
    resolved: &[ResolvedReference],
) -> Result<Option<SchemaVersion>, String> {
    match stored.schema_type {
        SchemaType::Avro => {
            let json: Value = serde_json::from_str(&stored.schema).map_err(|e| e.to_string())?;
            avro_comparable(&json, resolved).map(Some)
        }
        SchemaType::Json => serde_json::from_str(&stored.schema)
            .map(|v| Some(SchemaVersion::Json(v)))
            .map_err(|e| e.to_string()),
        SchemaType::Protobuf => Ok(None),
    }
}

fn avro_reference_texts(resolved: &[ResolvedReference]) -> Vec<&str> {
    resolved
        .iter()
        .filter(|r| r.schema.schema_type == SchemaType::Avro)
        .map(|r| r.schema.schema.as_str())
        .collect()
}

/// apache-avro's messages, without its Debug noise.
fn avro_error_text(error: &apache_avro::Error) -> String {
    let text = error.to_string();
    text.lines().next().unwrap_or(&text).to_owned()
}

/// The canonical text of an Avro schema and its JSON.
fn avro_canonical(
    text: &str,
    resolved: &[ResolvedReference],
    normalize: bool,
) -> Result<(String, Value), String> {
    // Parse as JSON first: a bare name such as `string` (without quotes) is not a schema.
    let _: Value =
        serde_json::from_str(text).map_err(|e| format!("Avro schema is not JSON: {e}"))?;
    let (schema, _) =
        apache_avro::Schema::parse_str_with_list(text, avro_reference_texts(resolved))
            .map_err(|e| avro_error_text(&e))?;
    let mut json = serde_json::to_value(&schema).map_err(|e| e.to_string())?;
    if normalize {
        qualify_names(&mut json, "", 0);
    }
    Ok((json.to_string(), json))
}

fn avro_comparable(json: &Value, resolved: &[ResolvedReference]) -> Result<SchemaVersion, String> {
    let references: Vec<Value> = avro_reference_texts(resolved)
        .into_iter()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let references: Vec<&Value> = references.iter().collect();
    AvroSchema::parse(json, &references)
        .map(SchemaVersion::Avro)
        .map_err(|e| e.to_string())
}

/// Writes every named type with its full name (`normalize=true`), keeping `"namespace": ""`
/// only where a name in no namespace sits inside a namespaced type.
fn qualify_names(value: &mut Value, enclosing: &str, depth: usize) {
    if depth > 256 {
        return;
    }
    match value {
        Value::Array(branches) => {
            for branch in branches {
                qualify_names(branch, enclosing, depth + 1);
            }
        }
        Value::Object(map) => {
            let named = matches!(
                map.get("type").and_then(Value::as_str),
                Some("record" | "error" | "enum" | "fixed")
            );
            let mut namespace = enclosing.to_owned();
            if named && let Some(name) = map.get("name").and_then(Value::as_str) {
                let declared = map.get("namespace").and_then(Value::as_str);
                let (full, ns) = contrail_contracts::avro::full_name(name, declared, enclosing);
                map.insert("name".to_owned(), Value::String(full.clone()));
                if full.contains('.') || enclosing.is_empty() {
                    map.shift_remove("namespace");
                } else {
                    map.insert("namespace".to_owned(), Value::String(String::new()));
                }
                namespace = ns;
            }
            for key in ["type", "items", "values"] {
                if let Some(inner) = map.get_mut(key)
                    && !inner.is_string()
                {
                    qualify_names(inner, &namespace, depth + 1);
                }
            }
            if let Some(Value::Array(fields)) = map.get_mut("fields") {
                for field in fields {
                    if let Some(ty) = field.get_mut("type") {
                        qualify_names(ty, &namespace, depth + 1);
                    }
                }
            }
        }
        _ => {}
    }
}

/// A JSON value with every object's keys sorted.
pub fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect::<Map<String, Value>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// `text` without surrounding blanks when it is a serialized `FileDescriptorProto` in standard
/// (padded) base64, as Confluent's serializers register Protobuf schemas. The name must be set:
/// every compiler sets it, and it keeps a stray base64-looking word from passing as a schema
/// (decoding skips unknown fields, so many byte strings decode).
fn protobuf_descriptor(text: &str) -> Option<&str> {
    use base64::Engine;
    use prost::Message;
    let text = text.trim();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()?;
    let descriptor = prost_types::FileDescriptorProto::decode(bytes.as_slice()).ok()?;
    descriptor
        .name
        .is_some_and(|name| !name.is_empty())
        .then_some(text)
}

/// Protobuf text with normalised whitespace: `\n` line endings, no indentation or trailing
/// blanks, no blank lines, and single spaces between tokens outside string literals.
pub fn normalize_protobuf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut quote: Option<char> = None;
        let mut escaped = false;
        let mut pending_space = false;
        for c in line.chars() {
            if let Some(q) = quote {
                out.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            if c.is_whitespace() {
                pending_space = true;
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            if c == '"' || c == '\'' {
                quote = Some(c);
            }
            out.push(c);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn avro(text: &str) -> String {
        parse(SchemaType::Avro, text, Vec::new(), &[], false)
            .map(|p| p.schema.canonical)
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn avro_primitives_in_object_form_become_names() {
        assert_eq!(avro(r#"{"type":"string"}"#), r#""string""#);
        assert_eq!(avro(r#" "long" "#), r#""long""#);
    }

    #[test]
    fn avro_whitespace_and_key_order_do_not_matter() {
        let a = r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":"int","default":1}]}"#;
        let b = r#"{
            "fields": [ {"default": 1, "type": "int", "name": "a"} ],
            "name": "R", "type": "record", "namespace": "n"
        }"#;
        assert_eq!(avro(a), avro(b));
        assert!(avro(a).contains("\"default\":1"), "{}", avro(a));
    }

    #[test]
    fn avro_errors_carry_the_parser_message() {
        let text = avro(r#"{"type":"record","name":"R"}"#);
        assert!(text.starts_with("error: Invalid schema:"), "{text}");
        assert!(avro("string").starts_with("error: Invalid schema: Avro schema is not JSON"));
    }

    #[test]
    fn avro_normalize_qualifies_names() {
        let text = r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}]}"#;
        let parsed =
            parse(SchemaType::Avro, text, Vec::new(), &[], true).map(|p| p.schema.canonical);
        let canonical = parsed.unwrap_or_default();
        assert!(canonical.contains(r#""name":"n.R""#), "{canonical}");
        assert!(canonical.contains(r#""name":"n.E""#), "{canonical}");
        assert!(!canonical.contains("namespace"), "{canonical}");
    }

    #[test]
    fn json_schema_keys_are_sorted() {
        let a = parse(
            SchemaType::Json,
            r#"{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}}}"#,
            Vec::new(),
            &[],
            false,
        )
        .map(|p| p.schema.canonical);
        assert_eq!(
            a.as_deref(),
            Ok(r#"{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}"#)
        );
        let bad = parse(SchemaType::Json, r#"{"type": 12}"#, Vec::new(), &[], false);
        assert!(matches!(bad, Err(Refusal::InvalidSchema(_))));
    }

    #[test]
    fn protobuf_whitespace_is_normalised() {
        let text = "syntax = \"proto3\";\r\n\r\nmessage  A {\n    string  s = 1; // a  comment\n  string t = 2 [json_name = \"x  y\"];\n}\n";
        assert_eq!(
            normalize_protobuf(text),
            "syntax = \"proto3\";\nmessage A {\nstring s = 1; // a comment\nstring t = 2 [json_name = \"x  y\"];\n}\n"
        );
        assert!(parse(SchemaType::Protobuf, text, Vec::new(), &[], false).is_ok());
        assert!(parse(SchemaType::Protobuf, "message {", Vec::new(), &[], false).is_err());
    }

    #[test]
    fn protobuf_base64_descriptors_are_accepted_as_sent() {
        use base64::Engine;
        use prost::Message;
        let mut descriptor = protox_parse::parse(
            "shop/order.proto",
            "syntax = \"proto3\"; package shop; message Order { string id = 1; }",
        )
        .expect("valid Protobuf");
        descriptor.name = Some("shop/order.proto".to_owned());
        let base64 = base64::engine::general_purpose::STANDARD.encode(descriptor.encode_to_vec());
        let parsed = parse(
            SchemaType::Protobuf,
            &format!(" {base64}\n"),
            Vec::new(),
            &[],
            false,
        )
        .map(|p| p.schema.canonical);
        assert_eq!(parsed.as_deref(), Ok(base64.as_str()));

        // Valid base64 that is no descriptor (or one without a file name) stays refused, with
        // the text parser's message.
        for text in ["aGVsbG8gd29ybGQ=", "EgRzaG9w", "not base64!"] {
            let refused = parse(SchemaType::Protobuf, text, Vec::new(), &[], false);
            assert!(
                matches!(&refused, Err(Refusal::InvalidSchema(m)) if m.contains("Protobuf")),
                "{text}: {refused:?}"
            );
        }
    }
}
