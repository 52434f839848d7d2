//! Parsing and canonical forms: what makes two schema texts the same schema.
//!
//! - Avro: apache-avro's re-serialisation of the parsed schema, so whitespace, key order and
//!   `{"type":"string"}` versus `"string"` never mint a new id. It keeps `doc`, `default`,
//!   `aliases`, `order` and custom attributes (two schemas that differ only in a default are
//!   different schemas). `normalize` additionally writes names and named types' keys as Java
//!   Avro's `Schema.toString` does (the text Confluent stores for a normalized schema).
//! - JSON Schema: compact JSON with object keys sorted.
//! - Protobuf: the file compiled with its references (text, or a base64 `FileDescriptorProto`
//!   as Confluent's serializers send it) and written back as Confluent's registry writes a
//!   schema ([`contrail_contracts::protobuf::to_proto_text`]); `normalize` writes Confluent's
//!   normalized text. Both inputs of one file give one text, so they share an id; comments are
//!   not kept (Confluent drops them too). The text is written from the *compiled* file, where
//!   Confluent writes text input as parsed: type names come out fully qualified
//!   (`.shop.Money`) where Confluent keeps them as written. That is what makes a text and a
//!   base64 registration of one file the same schema (in Confluent they are not unless
//!   normalized). Schemas stored by earlier builds (whitespace-normalised text, or base64 as
//!   sent) keep their rows and ids: [`Parsed::legacy`] finds them.

use contrail_contracts::compat::SchemaVersion;
use contrail_contracts::compat::avro::AvroSchema;
use contrail_contracts::compat::json_schema::Document;
use contrail_contracts::compat::protobuf::ProtoSchema;
use contrail_contracts::protobuf::{Style, to_proto_text};
use prost_reflect::DescriptorPool;
use serde_json::{Map, Value};

use crate::error::Refusal;
use crate::model::{NewSchema, Reference, ResolvedReference, SchemaType, StoredSchema};

/// A schema ready to store and, for Avro and JSON Schema, to compare.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub schema: NewSchema,
    /// The form compatibility checks compare.
    pub comparable: Option<SchemaVersion>,
    /// The text earlier builds stored for this schema, where it differs: for Protobuf the text
    /// with normalised whitespace (or the base64 as sent), for Avro with `normalize` the full
    /// names of the first normalized form. A registration that finds no schema by its
    /// canonical text takes the id of a schema stored in that form, so ids registered before
    /// the stored form changed stay the ids of their schemas.
    pub legacy: Option<String>,
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
    let mut legacy = None;
    let (canonical, comparable) = match schema_type {
        SchemaType::Avro => {
            let (canonical, json) = avro_canonical(text, resolved, normalize).map_err(invalid)?;
            let comparable = avro_comparable(&json, resolved).map_err(invalid)?;
            if normalize {
                legacy = earlier_normalized_avro(text, resolved);
            }
            (canonical, Some(comparable))
        }
        SchemaType::Json => {
            let json: Value = serde_json::from_str(text)
                .map_err(|e| invalid(format!("JSON Schema is not JSON: {e}")))?;
            jsonschema::meta::validate(&json)
                .map_err(|e| invalid(format!("not a valid JSON Schema: {e}")))?;
            let sorted = sort_keys(json);
            let document = json_document(sorted.clone(), resolved).map_err(invalid)?;
            (sorted.to_string(), Some(SchemaVersion::Json(document)))
        }
        SchemaType::Protobuf => {
            let source = match protox_parse::parse("schema.proto", text) {
                Ok(_) => RegisteredProto::Text(text),
                // Confluent's clients (Python's ProtobufSerializer among them) send the compiled
                // file as a base64 FileDescriptorProto, which Confluent's registry accepts too.
                Err(error) => match protobuf_descriptor(text) {
                    Some(encoded) => encoded,
                    None => return Err(invalid(format!("Protobuf: {error}"))),
                },
            };
            legacy = Some(source.legacy_form());
            // Imports must resolve (through the references, or to a well-known type), as in
            // Confluent, or the schema could not be compared later.
            let (schema, pool, root) = protobuf_compile(&source, resolved)
                .map_err(|e| invalid(format!("Protobuf: {e}")))?;
            let file = pool
                .get_file_by_name(&root)
                .ok_or_else(|| invalid(format!("Protobuf: {root} was not compiled")))?;
            let style = if normalize {
                Style::Normalized
            } else {
                Style::Canonical
            };
            (
                to_proto_text(&file, style),
                Some(SchemaVersion::Protobuf(Box::new(schema))),
            )
        }
    };
    Ok(Parsed {
        schema: NewSchema {
            schema_type,
            canonical,
            references,
        },
        comparable,
        legacy,
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
        SchemaType::Json => {
            let root: Value = serde_json::from_str(&stored.schema).map_err(|e| e.to_string())?;
            json_document(root, resolved).map(|d| Some(SchemaVersion::Json(d)))
        }
        SchemaType::Protobuf => protobuf_comparable(&stored.schema, resolved).map(Some),
    }
}

/// The name a registered Protobuf text is compiled under; references are imported by their
/// names, which never look like this.
const PROTOBUF_ROOT: &str = "<registered schema>.proto";

/// A Protobuf schema as stored or sent: `.proto` text, or a serialized `FileDescriptorProto`
/// (decoded from base64) with the file name it carries.
enum RegisteredProto<'a> {
    Text(&'a str),
    Encoded { base64: &'a str, name: String },
}

impl RegisteredProto<'_> {
    /// A stored or sent text: base64 when it decodes to a named `FileDescriptorProto`.
    fn of(text: &str) -> RegisteredProto<'_> {
        protobuf_descriptor(text).unwrap_or(RegisteredProto::Text(text))
    }

    /// The text to compile: `.proto` source, or the base64 as sent (the compiler reads both,
    /// and keeps a descriptor's custom options).
    fn source(&self) -> &str {
        match self {
            RegisteredProto::Text(text) => text,
            RegisteredProto::Encoded { base64, .. } => base64,
        }
    }

    /// The name the root file is compiled under.
    fn root_name(&self) -> String {
        match self {
            RegisteredProto::Text(_) => PROTOBUF_ROOT.to_owned(),
            RegisteredProto::Encoded { name, .. } => name.clone(),
        }
    }

    /// What builds before Confluent's text form stored for this schema.
    fn legacy_form(&self) -> String {
        match self {
            RegisteredProto::Text(text) => normalize_protobuf(text),
            RegisteredProto::Encoded { base64, .. } => (*base64).to_owned(),
        }
    }
}

/// A Protobuf schema (text or descriptor) compiled with the Protobuf schemas its references
/// resolved to, imported under the references' names: the comparable form, the compiled files
/// and the root file's name among them.
fn protobuf_compile(
    root: &RegisteredProto<'_>,
    resolved: &[ResolvedReference],
) -> Result<(ProtoSchema, DescriptorPool, String), String> {
    let imports = resolved
        .iter()
        .filter(|r| r.schema.schema_type == SchemaType::Protobuf)
        .map(|r| (r.reference.name.as_str(), r.schema.schema.as_str()));
    protobuf_compile_with(root, imports)
}

fn protobuf_compile_with<'a>(
    root: &RegisteredProto<'_>,
    imports: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(ProtoSchema, DescriptorPool, String), String> {
    let imports: std::collections::HashMap<&str, &str> = imports.into_iter().collect();
    let name = root.root_name();
    let (schema, pool) = ProtoSchema::compile_with_pool(&name, root.source(), |import| {
        imports.get(import).map(|text| (*text).to_owned())
    })
    .map_err(|e| e.to_string())?;
    Ok((schema, pool, name))
}

/// Whether `text` is a Protobuf schema sent as a base64 serialized `FileDescriptorProto`.
pub fn is_serialized_protobuf(text: &str) -> bool {
    matches!(RegisteredProto::of(text), RegisteredProto::Encoded { .. })
}

/// A stored Protobuf schema (text, or a base64 `FileDescriptorProto` stored by earlier
/// builds) compiled with its references.
fn protobuf_comparable(
    stored: &str,
    resolved: &[ResolvedReference],
) -> Result<SchemaVersion, String> {
    protobuf_compile(&RegisteredProto::of(stored), resolved)
        .map(|(schema, _, _)| SchemaVersion::Protobuf(Box::new(schema)))
}

/// A stored Protobuf schema as a base64 serialized `FileDescriptorProto` (with its custom
/// options), what Confluent answers for `format=serialized` and confluent-kafka's
/// `ProtobufDeserializer` asks for. Imports are named as the references name them.
pub fn protobuf_serialized(stored: &str, resolved: &[ResolvedReference]) -> Result<String, String> {
    use base64::Engine;
    let (_, pool, name) = protobuf_compile(&RegisteredProto::of(stored), resolved)?;
    let file = pool
        .get_file_by_name(&name)
        .ok_or_else(|| format!("{name} was not compiled"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(file.encode_to_vec()))
}

/// A JSON schema with the JSON schemas its references resolved to, under their reference
/// names: what its `$ref`s name (Confluent's `JsonSchema` with `resolvedReferences`).
fn json_document(root: Value, resolved: &[ResolvedReference]) -> Result<Document, String> {
    let mut document = Document::new(root);
    for reference in resolved
        .iter()
        .filter(|r| r.schema.schema_type == SchemaType::Json)
    {
        let schema: Value = serde_json::from_str(&reference.schema.schema).map_err(|e| {
            format!(
                "reference {} (subject {}, version {}) is not JSON: {e}",
                reference.reference.name, reference.reference.subject, reference.version
            )
        })?;
        document = document.with_reference(reference.reference.name.clone(), schema);
    }
    Ok(document)
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
        java_names(&mut json, "", 0);
    }
    Ok((json.to_string(), json))
}

/// The text builds before Java's names stored for a normalized Avro schema: apache-avro's
/// serialisation with every named type written by its full name.
fn earlier_normalized_avro(text: &str, resolved: &[ResolvedReference]) -> Option<String> {
    let (schema, _) =
        apache_avro::Schema::parse_str_with_list(text, avro_reference_texts(resolved)).ok()?;
    let mut json = serde_json::to_value(&schema).ok()?;
    earlier_normalized_names(&mut json, "", 0);
    Some(json.to_string())
}

/// How builds before Java's names wrote a normalized schema's names (kept to find the rows
/// they stored, see [`Parsed::legacy`]): every named type by its full name, `"namespace": ""`
/// only where a name in no namespace sits inside a namespaced type.
fn earlier_normalized_names(value: &mut Value, enclosing: &str, depth: usize) {
    if depth > 256 {
        return;
    }
    match value {
        Value::Array(branches) => {
            for branch in branches {
                earlier_normalized_names(branch, enclosing, depth + 1);
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
                    earlier_normalized_names(inner, &namespace, depth + 1);
                }
            }
            if let Some(Value::Array(fields)) = map.get_mut("fields") {
                for field in fields {
                    if let Some(ty) = field.get_mut("type") {
                        earlier_normalized_names(ty, &namespace, depth + 1);
                    }
                }
            }
        }
        _ => {}
    }
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

/// The names of an Avro schema (`normalize=true`) written as Apache Avro's Java
/// `Schema.toString` writes them, which is the text Confluent stores and returns for a
/// normalized schema:
/// - a named type's keys in Java's order: `type`, `name` (short), `namespace` only where it
///   differs from the enclosing one (`""` for no namespace inside a namespaced type), `doc`,
///   then `fields`, `symbols` and `default`, or `size`, then other properties, `aliases` last;
/// - a field's keys as `name`, `type`, `doc`, `default`, `order` (dropped when ascending),
///   `aliases`, then other properties;
/// - a reference to a named type, and an alias, by its short name within its own namespace
///   unless the short name is an Avro type name.
///
/// Any spelling of the same names (`"name": "n.R"` or `"name": "R", "namespace": "n"`) gives
/// the same text, so normalized registrations of one schema share an id. `value` is
/// apache-avro's serialisation, which writes every named type's own namespace (none means the
/// null namespace) and every reference by its full name.
fn java_names(value: &mut Value, enclosing: &str, depth: usize) {
    if depth > 256 {
        return;
    }
    match value {
        Value::String(reference) => shorten(reference, enclosing),
        Value::Array(branches) => {
            for branch in branches {
                java_names(branch, enclosing, depth + 1);
            }
        }
        Value::Object(map) => {
            let kind = map.get("type").and_then(Value::as_str).unwrap_or_default();
            let body: &[&str] = match kind {
                "record" | "error" => &["fields"],
                "enum" => &["symbols", "default"],
                "fixed" => &["size"],
                _ => &[],
            };
            let named = !body.is_empty();
            let mut namespace = enclosing.to_owned();
            if named && let Some(name) = map.get("name").and_then(Value::as_str) {
                let declared = map.get("namespace").and_then(Value::as_str);
                let (full, ns) =
                    contrail_contracts::avro::full_name(name, Some(declared.unwrap_or("")), "");
                let short = full.rsplit_once('.').map_or(full.as_str(), |(_, s)| s);
                map.insert("name".to_owned(), Value::String(short.to_owned()));
                if ns == enclosing {
                    map.shift_remove("namespace");
                } else {
                    map.insert("namespace".to_owned(), Value::String(ns.clone()));
                }
                if let Some(Value::Array(aliases)) = map.get_mut("aliases") {
                    for alias in aliases.iter_mut() {
                        if let Value::String(alias) = alias {
                            shorten(alias, &ns);
                        }
                    }
                }
                let first = [&["type", "name", "namespace", "doc"][..], body].concat();
                java_order(map, &first, &["aliases"]);
                namespace = ns;
            }
            for key in ["type", "items", "values"] {
                // `"type": "record"` names the kind of this schema, not a reference.
                if key == "type" && named {
                    continue;
                }
                if let Some(inner) = map.get_mut(key) {
                    java_names(inner, &namespace, depth + 1);
                }
            }
            if let Some(Value::Array(fields)) = map.get_mut("fields") {
                for field in fields {
                    let Value::Object(field) = field else {
                        continue;
                    };
                    if field.get("order").and_then(Value::as_str) == Some("ascending") {
                        field.shift_remove("order");
                    }
                    java_order(
                        field,
                        &["name", "type", "doc", "default", "order", "aliases"],
                        &[],
                    );
                    if let Some(ty) = field.get_mut("type") {
                        java_names(ty, &namespace, depth + 1);
                    }
                }
            }
        }
        _ => {}
    }
}

/// A full name as Java Avro's `Name.getQualified(space)` writes it: short when it is in
/// `space`, unless the short name is an Avro type name (then only the full name is unambiguous).
fn shorten(name: &mut String, space: &str) {
    const TYPE_NAMES: [&str; 14] = [
        "record", "enum", "array", "map", "union", "fixed", "string", "bytes", "int", "long",
        "float", "double", "boolean", "null",
    ];
    if let Some((namespace, short)) = name.rsplit_once('.')
        && namespace == space
        && !TYPE_NAMES.contains(&short)
    {
        *name = short.to_owned();
    }
}

/// Puts the `first` keys of `map` first and the `last` keys last, in the order given; the
/// other keys keep their order in between.
fn java_order(map: &mut Map<String, Value>, first: &[&str], last: &[&str]) {
    let mut take = |keys: &[&str]| -> Vec<(String, Value)> {
        keys.iter()
            .filter_map(|key| map.shift_remove(*key).map(|v| ((*key).to_owned(), v)))
            .collect()
    };
    let head = take(first);
    let tail = take(last);
    let middle = std::mem::take(map);
    map.extend(head);
    map.extend(middle);
    map.extend(tail);
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

/// `text` (surrounding blanks aside) as a serialized `FileDescriptorProto` when it is one, as
/// Confluent's serializers register Protobuf schemas (recognised as everywhere else in
/// contrail: [`contrail_contracts::protobuf::serialized_descriptor`]).
fn protobuf_descriptor(text: &str) -> Option<RegisteredProto<'_>> {
    let descriptor = contrail_contracts::protobuf::serialized_descriptor(text)?;
    Some(RegisteredProto::Encoded {
        base64: text.trim(),
        name: descriptor.name?,
    })
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
    fn avro_normalize_writes_names_as_avro_java_does() {
        let full = r#"{"type":"record","name":"n.R","fields":[{"name":"e","type":{"type":"enum","name":"n.E","symbols":["A"]}},{"name":"f","type":"n.E"},{"name":"g","type":{"type":"fixed","name":"G","namespace":"","size":2}}]}"#;
        let split = r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"f","type":"E"},{"name":"g","type":{"type":"fixed","name":"G","namespace":"","size":2}}]}"#;
        let canonical = |text: &str| {
            parse(SchemaType::Avro, text, Vec::new(), &[], true)
                .map(|p| p.schema.canonical)
                .unwrap_or_else(|e| e.to_string())
        };
        assert_eq!(
            canonical(full),
            r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"f","type":"E"},{"name":"g","type":{"type":"fixed","name":"G","namespace":"","size":2}}]}"#
        );
        assert_eq!(canonical(full), canonical(split));
    }

    #[test]
    fn avro_normalize_orders_keys_as_avro_java_does() {
        let text = r#"{"fields":[{"default":"","doc":"d","order":"ascending","type":"string","name":"a"},{"name":"b","type":{"symbols":["X"],"default":"X","doc":"e","aliases":["n.Old"],"name":"E","type":"enum"}},{"name":"c","type":"n.E"}],"aliases":["m.Before"],"doc":"r","namespace":"n","name":"R","type":"record"}"#;
        let canonical = parse(SchemaType::Avro, text, Vec::new(), &[], true)
            .map(|p| p.schema.canonical)
            .unwrap_or_else(|e| e.to_string());
        assert_eq!(
            canonical,
            r#"{"type":"record","name":"R","namespace":"n","doc":"r","fields":[{"name":"a","type":"string","doc":"d","default":""},{"name":"b","type":{"type":"enum","name":"E","doc":"e","symbols":["X"],"default":"X","aliases":["Old"]}},{"name":"c","type":"E"}],"aliases":["m.Before"]}"#
        );
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
    fn protobuf_base64_descriptors_are_stored_as_the_text_of_the_same_file() {
        use base64::Engine;
        let text = "syntax = \"proto3\"; package shop; message Order { string id = 1; map<string, int64> n = 2; }";
        let (_, pool) = ProtoSchema::compile_with_pool("shop/order.proto", text, |_| None)
            .expect("valid Protobuf");
        let file = pool.get_file_by_name("shop/order.proto").expect("compiled");
        let base64 = base64::engine::general_purpose::STANDARD.encode(file.encode_to_vec());
        let canonical = |text: &str| {
            parse(SchemaType::Protobuf, text, Vec::new(), &[], false)
                .map(|p| p.schema.canonical)
                .unwrap_or_else(|e| format!("error: {e}"))
        };
        let expected = "syntax = \"proto3\";\npackage shop;\n\nmessage Order {\n  string id = 1;\n  map<string, int64> n = 2;\n}\n";
        assert_eq!(canonical(&format!(" {base64}\n")), expected);
        assert_eq!(canonical(text), expected);
        // What `format=serialized` answers is the same schema again.
        let served = protobuf_serialized(expected, &[]).expect("compiles");
        assert_eq!(canonical(&served), expected);

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
