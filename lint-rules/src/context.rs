//! What rules see: the catalog, and helpers that answer the questions rules keep asking
//! (which fields does this event's payload have, where is that field written).

use contrail_contracts::diagnostic::Location;
use contrail_contracts::model::{Catalog, Event};
use contrail_contracts::payload::Payload;
use contrail_contracts::schema::{LoadedSchema, SchemaFormat};
use serde_json::Value;

pub use crate::protobuf::BaselineMessage;

/// One top-level field of an event's payload schema.
#[derive(Debug, Clone, PartialEq)]
pub struct PayloadField {
    pub name: String,
    /// A producer must always write it (Avro: no default and not nullable; JSON Schema: listed
    /// in `required`).
    pub required: bool,
    pub has_default: bool,
    /// `null` is among its types.
    pub nullable: bool,
    pub documented: bool,
    /// The field's schema (Avro field object or JSON Schema property), for rule-specific checks.
    pub schema: Value,
    /// JSON pointer of the field in its schema document.
    pub pointer: String,
}

/// An event whose schema `contrail check --against BASELINE` found incompatible with its
/// baseline, with what the baseline said about the event.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakingChange {
    pub event: String,
    /// The baseline compared with, for messages (`git:main`, a registry URL).
    pub baseline: String,
    pub incompatibilities: usize,
    /// The event's topic in the baseline.
    pub topic: Option<String>,
    /// The event's declared `version` in the baseline; `None` when it declared none or the
    /// baseline cannot say (a registry knows schemas, not event versions).
    pub version: Option<String>,
    /// The latest baseline schema, as JSON.
    pub schema: Option<Value>,
}

/// The context a rule runs in.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    /// Incompatible schema changes against a baseline. Only `contrail check --against` knows
    /// them; under plain `contrail lint` this is empty.
    pub breaking: &'a [BreakingChange],
    /// Each event's Protobuf payload message as the baseline of `contrail check --against`
    /// declared it; empty under plain `contrail lint`.
    pub baseline_messages: &'a [BaselineMessage],
}

impl<'a> Context<'a> {
    pub fn new(catalog: &'a Catalog) -> Context<'a> {
        Context {
            catalog,
            breaking: &[],
            baseline_messages: &[],
        }
    }

    /// A context that also knows the breaking changes found against a baseline.
    pub fn with_breaking(catalog: &'a Catalog, breaking: &'a [BreakingChange]) -> Context<'a> {
        Context {
            catalog,
            breaking,
            baseline_messages: &[],
        }
    }

    /// A context that knows what `contrail check --against` found: the breaking changes, and
    /// the Protobuf payload messages the baseline declared.
    pub fn against(
        catalog: &'a Catalog,
        breaking: &'a [BreakingChange],
        baseline_messages: &'a [BaselineMessage],
    ) -> Context<'a> {
        Context {
            catalog,
            breaking,
            baseline_messages,
        }
    }

    /// The loaded, valid schema of an event.
    pub fn schema(&self, event: &Event) -> Option<&'a LoadedSchema> {
        let id = event.schema.as_ref()?.id?;
        let schema = self.catalog.schemas.get(id);
        schema.valid.then_some(schema)
    }

    /// An event's valid payload (references resolved; for Protobuf, the message it names), for
    /// following field paths into it.
    pub fn payload_schema(&self, event: &Event) -> Option<Payload> {
        self.schema(event)?;
        Payload::of(self.catalog, event.schema.as_ref()?)
    }

    /// The top-level fields of an event's payload: an Avro record's fields or a JSON Schema
    /// object's properties. `None` when the payload is not a record/object or cannot be read
    /// without resolving references.
    pub fn payload_fields(&self, event: &Event) -> Option<Vec<PayloadField>> {
        Some(
            self.payload_field_facts(event)?
                .into_iter()
                .map(FieldFacts::to_payload_field)
                .collect(),
        )
    }

    /// [`Context::payload_fields`] as borrowed facts, for rules that only look at names and
    /// flags: nothing is copied, and pointers are built only for the fields reported.
    pub fn payload_field_facts(&self, event: &Event) -> Option<Vec<FieldFacts<'a>>> {
        let schema = self.schema(event)?;
        let json = schema.json.as_ref()?;
        match schema.format {
            SchemaFormat::Avro => avro_fields(json),
            SchemaFormat::JsonSchema => json_fields(json, &schema.pointer),
            SchemaFormat::Protobuf => None,
        }
    }

    /// Events whose payload has no top-level field `matches` accepts, with where their payload
    /// is written ([`Context::payload_location`]). Events without a readable payload are left
    /// out: nothing can be said of them.
    pub fn events_without_field(
        &self,
        matches: impl Fn(&str) -> bool,
    ) -> Vec<(&'a Event, Location)> {
        self.catalog
            .events
            .iter()
            .filter_map(|event| match self.has_field(event, &matches)? {
                true => None,
                false => Some((event, self.payload_location(event)?)),
            })
            .collect()
    }

    /// Whether an event's payload has a top-level field `matches` accepts: a field of an Avro
    /// record, a property of a JSON Schema object, a field of a Protobuf message (by its
    /// `.proto` name). `None` when its fields cannot be read.
    pub fn has_field(&self, event: &Event, matches: impl Fn(&str) -> bool) -> Option<bool> {
        match self.payload_field_facts(event) {
            Some(fields) => Some(fields.iter().any(|f| matches(f.name))),
            None => match self.payload_schema(event)? {
                Payload::Protobuf(message) => Some(message.fields().any(|f| matches(f.name()))),
                Payload::Schema(_) => None,
            },
        }
    }

    /// Where an event's payload is written: its schema's root, or for Protobuf the name of its
    /// message.
    pub fn payload_location(&self, event: &Event) -> Option<Location> {
        match self.payload_schema(event) {
            Some(Payload::Protobuf(message)) => {
                let schema = self.schema(event)?;
                Some(contrail_contracts::protobuf::source_location(
                    &schema.file,
                    message.parent_file_descriptor_proto(),
                    &crate::protobuf::name_path(message.path()),
                ))
            }
            _ => self.schema_location(event, ""),
        }
    }

    /// Where a JSON pointer of an event's schema is written; the schema file when the pointer
    /// does not resolve.
    pub fn schema_location(&self, event: &Event, pointer: &str) -> Option<Location> {
        let schema = self.schema(event)?;
        // A `.proto` file has no JSON tree to point into: its start stands for it.
        let Some(node) = schema.node.as_ref() else {
            return Some(Location::file_start(&schema.file));
        };
        let at = node
            .pointer(
                pointer
                    .strip_prefix(schema.pointer.as_str())
                    .unwrap_or(pointer),
            )
            .unwrap_or(node);
        Some(Location {
            file: schema.file.clone(),
            start: at.span.start,
            end: at.span.end,
        })
    }
}

/// One top-level payload field, borrowed from its schema (see [`PayloadField`]).
#[derive(Debug, Clone, Copy)]
pub struct FieldFacts<'v> {
    pub name: &'v str,
    pub required: bool,
    pub has_default: bool,
    pub nullable: bool,
    pub documented: bool,
    /// The field's schema (Avro field object or JSON Schema property).
    pub schema: &'v Value,
    at: FieldAt<'v>,
}

/// Where a field is written, to build its pointer on demand.
#[derive(Debug, Clone, Copy)]
enum FieldAt<'v> {
    /// The index in an Avro record's `fields`.
    Avro(usize),
    /// A JSON Schema property under the object at this pointer.
    Json(&'v str),
}

impl FieldFacts<'_> {
    /// JSON pointer of the field in its schema document.
    pub fn pointer(&self) -> String {
        match self.at {
            FieldAt::Avro(i) => format!("/fields/{i}"),
            FieldAt::Json(base) => format!(
                "{base}/properties/{}",
                contrail_contracts::pointer::escape_pointer_token(self.name)
            ),
        }
    }

    pub fn to_payload_field(self) -> PayloadField {
        PayloadField {
            name: self.name.to_owned(),
            required: self.required,
            has_default: self.has_default,
            nullable: self.nullable,
            documented: self.documented,
            schema: self.schema.clone(),
            pointer: self.pointer(),
        }
    }
}

/// `value.get(key)` for an object, by a scan of its entries when it has few: Avro field and
/// type objects have a handful of keys, and hashing the key costs more than comparing them.
pub fn small_get<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) if map.len() <= 8 => {
            map.iter().find_map(|(k, v)| (k == key).then_some(v))
        }
        _ => value.get(key),
    }
}

fn avro_fields(json: &Value) -> Option<Vec<FieldFacts<'_>>> {
    if json.get("type").and_then(Value::as_str) != Some("record") {
        return None;
    }
    let fields = json.get("fields")?.as_array()?;
    Some(
        fields
            .iter()
            .enumerate()
            .filter_map(|(i, field)| {
                let name = small_get(field, "name")?.as_str()?;
                let ty = small_get(field, "type")?;
                let nullable = match ty {
                    Value::String(s) => s == "null",
                    Value::Array(branches) => branches.iter().any(|b| b == "null"),
                    _ => false,
                };
                let has_default = small_get(field, "default").is_some();
                Some(FieldFacts {
                    name,
                    required: !has_default,
                    has_default,
                    nullable,
                    documented: small_get(field, "doc")
                        .and_then(Value::as_str)
                        .is_some_and(|d| !d.trim().is_empty()),
                    schema: field,
                    at: FieldAt::Avro(i),
                })
            })
            .collect(),
    )
}

fn json_fields<'v>(json: &'v Value, base: &'v str) -> Option<Vec<FieldFacts<'v>>> {
    let properties = json.get("properties")?.as_object()?;
    let required: Vec<&str> = json
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    Some(
        properties
            .iter()
            .map(|(name, property)| {
                let types: Vec<&str> = match property.get("type") {
                    Some(Value::String(t)) => vec![t.as_str()],
                    Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                FieldFacts {
                    name,
                    required: required.contains(&name.as_str()),
                    has_default: property.get("default").is_some(),
                    nullable: types.contains(&"null"),
                    documented: property
                        .get("description")
                        .and_then(Value::as_str)
                        .is_some_and(|d| !d.trim().is_empty()),
                    schema: property,
                    at: FieldAt::Json(base),
                }
            })
            .collect(),
    )
}

/// A payload schema to lint, with the first event that uses it.
#[derive(Debug, Clone, Copy)]
pub struct PayloadSchema<'a> {
    pub event: &'a Event,
    pub schema: &'a LoadedSchema,
    pub json: &'a Value,
}

impl<'a> Context<'a> {
    /// Every valid Avro or JSON Schema payload schema of the catalog's events, once each
    /// (events sharing a schema yield it for the first of them).
    pub fn payload_schemas(&self) -> Vec<PayloadSchema<'a>> {
        let mut seen = vec![false; self.catalog.schemas.len()];
        let mut out = Vec::new();
        for event in &self.catalog.events {
            let Some(id) = event.schema.as_ref().and_then(|s| s.id) else {
                continue;
            };
            match seen.get_mut(id.0) {
                Some(true) => continue,
                Some(first) => *first = true,
                // Not an id of this catalog's schema set; `schema()` below finds nothing.
                None => {}
            }
            let Some(schema) = self.schema(event) else {
                continue;
            };
            let Some(json) = schema.json.as_ref() else {
                continue;
            };
            if schema.format == SchemaFormat::Protobuf {
                continue;
            }
            out.push(PayloadSchema {
                event,
                schema,
                json,
            });
        }
        out
    }

    /// [`Context::payload_schemas`] written in `format`, for rules about one schema language.
    pub fn payload_schemas_in(
        &self,
        format: SchemaFormat,
    ) -> impl Iterator<Item = PayloadSchema<'a>> + use<'a> {
        self.payload_schemas()
            .into_iter()
            .filter(move |payload| payload.schema.format == format)
    }

    /// Where a pointer relative to a payload schema's root is written, with the pointer
    /// inside its document.
    pub fn at(&self, payload: &PayloadSchema<'_>, relative: &str) -> (Location, String) {
        let pointer = format!("{}{relative}", payload.schema.pointer);
        let location = self
            .schema_location(payload.event, &pointer)
            .unwrap_or_else(|| Location::file_start(payload.schema.file.clone()));
        (location, pointer)
    }
}

/// Visits every JSON object of a schema document (`pointer` relative to `value`), depth first.
pub fn walk<'v>(value: &'v Value, pointer: &str, visit: &mut dyn FnMut(&'v Value, &str)) {
    // One buffer for every pointer of the walk: each step appends a token and truncates it
    // again, instead of formatting a new string per node.
    let mut buffer = pointer.to_owned();
    walk_in(value, &mut buffer, visit);
}

fn walk_in<'v>(value: &'v Value, pointer: &mut String, visit: &mut dyn FnMut(&'v Value, &str)) {
    use std::fmt::Write;
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            visit(value, pointer);
            for (key, child) in map {
                pointer.push('/');
                if key.contains(['~', '/']) {
                    pointer.push_str(&contrail_contracts::pointer::escape_pointer_token(key));
                } else {
                    pointer.push_str(key);
                }
                walk_in(child, pointer, visit);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                // Writing to a String cannot fail.
                let _ = write!(pointer, "/{i}");
                walk_in(child, pointer, visit);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// Visits every Avro record field (`field object`, pointer) of a schema document, including
/// fields of records nested inline in arrays, maps and unions.
pub fn avro_record_fields<'v>(value: &'v Value, visit: &mut dyn FnMut(&'v Value, &str)) {
    walk(value, "", &mut |node, pointer| {
        if small_get(node, "type").and_then(Value::as_str) == Some("record")
            && let Some(fields) = small_get(node, "fields").and_then(Value::as_array)
        {
            for (i, field) in fields.iter().enumerate() {
                if field.is_object() {
                    visit(field, &format!("{pointer}/fields/{i}"));
                }
            }
        }
    });
}

/// A field name lowercased with `_`, `-` and `.` removed, for matching conventional names
/// (`eventId`, `event_id`, `EventID`).
pub fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of an identifier, lowercased: split at `_`, `-` and spaces, where a lowercase
/// letter or digit meets an uppercase one (`orderId`), and before the last capital of an
/// acronym that starts a word (`HTTPStatus`: `http`, `status`).
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '_' | '-' | ' ') {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn words_split_at_separators_case_changes_and_acronyms() {
        assert_eq!(words("orderId"), ["order", "id"]);
        assert_eq!(words("order_id"), ["order", "id"]);
        assert_eq!(words("HTTPStatus"), ["http", "status"]);
        assert_eq!(words("userID"), ["user", "id"]);
        assert_eq!(words("line2Total"), ["line2", "total"]);
        assert_eq!(words("PaymentStatus"), ["payment", "status"]);
        assert_eq!(words("order-id"), ["order", "id"]);
    }
}
