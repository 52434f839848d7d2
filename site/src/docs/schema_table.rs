//! An event's payload schema as rows of a table: one row per field, nested fields with dotted
//! paths (`total.amountMinor`, `items[].sku`). Avro and JSON Schema; Protobuf is shown as text.
//!
//! Avro named types from other files of the catalog (`com.shop.Money`) are followed; recursion
//! is bounded by depth and by not entering a named type already on the path.

use std::collections::BTreeMap;

use contrail_contracts::schema::{LoadedSchema, SchemaFormat, SchemaSet};
use serde_json::Value;

/// The deepest nesting a table shows.
const MAX_DEPTH: usize = 16;

/// One field of a payload schema.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldRow {
    pub(crate) path: String,
    pub(crate) ty: String,
    pub(crate) default: Option<String>,
    pub(crate) doc: Option<String>,
    pub(crate) required: bool,
}

/// Avro named types of the whole catalog, by full name.
#[derive(Debug, Default)]
pub(crate) struct AvroNames {
    types: BTreeMap<String, Value>,
}

impl AvroNames {
    pub(crate) fn of(schemas: &SchemaSet) -> AvroNames {
        let mut names = AvroNames::default();
        for (_, schema) in schemas.iter() {
            if schema.format == SchemaFormat::Avro
                && let Some(json) = &schema.json
            {
                names.collect(json, "", 0);
            }
        }
        names
    }

    fn collect(&mut self, value: &Value, namespace: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match value {
            Value::Array(branches) => {
                for branch in branches {
                    self.collect(branch, namespace, depth + 1);
                }
            }
            Value::Object(map) => {
                let namespace = map
                    .get("namespace")
                    .and_then(Value::as_str)
                    .unwrap_or(namespace);
                if let Some(name) = map.get("name").and_then(Value::as_str)
                    && map
                        .get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| matches!(t, "record" | "error" | "enum" | "fixed"))
                {
                    let full = full_name(name, namespace);
                    let inner_namespace = full.rsplit_once('.').map_or("", |(ns, _)| ns);
                    self.types
                        .entry(full.clone())
                        .or_insert_with(|| value.clone());
                    if let Some(fields) = map.get("fields").and_then(Value::as_array) {
                        let inner_namespace = inner_namespace.to_owned();
                        for field in fields {
                            if let Some(ty) = field.get("type") {
                                self.collect(ty, &inner_namespace, depth + 1);
                            }
                        }
                    }
                    return;
                }
                for key in ["items", "values", "type"] {
                    if let Some(inner) = map.get(key) {
                        self.collect(inner, namespace, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    fn get(&self, name: &str, namespace: &str) -> Option<(&str, &Value)> {
        let full = full_name(name, namespace);
        self.types
            .get_key_value(&full)
            .or_else(|| self.types.get_key_value(name))
            .map(|(k, v)| (k.as_str(), v))
    }
}

fn full_name(name: &str, namespace: &str) -> String {
    if name.contains('.') || namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}.{name}")
    }
}

/// The rows of `schema`'s table; `None` when it has no tabular form (Protobuf, unparsed).
pub(crate) fn rows(schema: &LoadedSchema, names: &AvroNames) -> Option<Vec<FieldRow>> {
    let json = schema.json.as_ref()?;
    let mut rows = Vec::new();
    match schema.format {
        SchemaFormat::Avro => {
            let mut path = Vec::new();
            avro_fields(json, "", names, "", &mut path, &mut rows, 0);
        }
        SchemaFormat::JsonSchema => json_fields(json, json, "", &mut rows, 0),
        SchemaFormat::Protobuf => return None,
    }
    Some(rows)
}

/// The fields under an Avro type: a record's fields, or those of the record an array, map or
/// nullable union holds.
fn avro_fields(
    ty: &Value,
    namespace: &str,
    names: &AvroNames,
    prefix: &str,
    entered: &mut Vec<String>,
    rows: &mut Vec<FieldRow>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match ty {
        Value::String(name) => {
            if let Some((full, named)) = names.get(name, namespace)
                && !entered.iter().any(|e| e == full)
            {
                let full = full.to_owned();
                let namespace = full.rsplit_once('.').map_or("", |(ns, _)| ns).to_owned();
                entered.push(full);
                avro_fields(named, &namespace, names, prefix, entered, rows, depth + 1);
                entered.pop();
            }
        }
        Value::Array(branches) => {
            let non_null: Vec<&Value> = branches.iter().filter(|b| *b != "null").collect();
            if let [one] = non_null.as_slice() {
                avro_fields(one, namespace, names, prefix, entered, rows, depth + 1);
            }
        }
        Value::Object(map) => {
            let namespace = map
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or(namespace);
            match map.get("type") {
                Some(Value::String(t)) if t == "record" || t == "error" => {
                    let own = map
                        .get("name")
                        .and_then(Value::as_str)
                        .map(|n| full_name(n, namespace));
                    let inner_namespace = own
                        .as_deref()
                        .and_then(|f| f.rsplit_once('.'))
                        .map_or(namespace, |(ns, _)| ns)
                        .to_owned();
                    let pushed = own.is_some_and(|own| {
                        let fresh = !entered.contains(&own);
                        if fresh {
                            entered.push(own);
                        }
                        fresh
                    });
                    for field in map
                        .get("fields")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let Some(name) = field.get("name").and_then(Value::as_str) else {
                            continue;
                        };
                        let path = join(prefix, name);
                        let field_ty = field.get("type").unwrap_or(&Value::Null);
                        let default = field.get("default");
                        rows.push(FieldRow {
                            path: path.clone(),
                            ty: avro_type_name(field_ty),
                            default: default.map(compact),
                            doc: field.get("doc").and_then(Value::as_str).map(str::to_owned),
                            required: default.is_none(),
                        });
                        avro_fields(
                            field_ty,
                            &inner_namespace,
                            names,
                            &path,
                            entered,
                            rows,
                            depth + 1,
                        );
                    }
                    if pushed {
                        entered.pop();
                    }
                }
                Some(Value::String(t)) if t == "array" => {
                    if let Some(items) = map.get("items") {
                        let prefix = format!("{prefix}[]");
                        avro_fields(items, namespace, names, &prefix, entered, rows, depth + 1);
                    }
                }
                Some(Value::String(t)) if t == "map" => {
                    if let Some(values) = map.get("values") {
                        let prefix = format!("{prefix}{{}}");
                        avro_fields(values, namespace, names, &prefix, entered, rows, depth + 1);
                    }
                }
                Some(inner @ (Value::Object(_) | Value::Array(_))) => {
                    avro_fields(inner, namespace, names, prefix, entered, rows, depth + 1);
                }
                _ => {}
            }
        }
        _ => {}
    }
}

/// How an Avro type reads in a table: `string (uuid)`, `array<LineItem>`, `null | string`.
fn avro_type_name(ty: &Value) -> String {
    match ty {
        Value::String(name) => name.clone(),
        Value::Array(branches) => branches
            .iter()
            .map(avro_type_name)
            .collect::<Vec<_>>()
            .join(" | "),
        Value::Object(map) => {
            let base = match map.get("type") {
                Some(Value::String(t)) if t == "array" => {
                    format!(
                        "array<{}>",
                        map.get("items").map_or_else(String::new, avro_type_name)
                    )
                }
                Some(Value::String(t)) if t == "map" => {
                    format!(
                        "map<{}>",
                        map.get("values").map_or_else(String::new, avro_type_name)
                    )
                }
                Some(Value::String(t)) if matches!(t.as_str(), "record" | "enum" | "fixed") => {
                    let name = map.get("name").and_then(Value::as_str).unwrap_or("");
                    format!("{t} {name}")
                }
                Some(Value::String(t)) => t.clone(),
                Some(other) => avro_type_name(other),
                None => String::new(),
            };
            match map.get("logicalType").and_then(Value::as_str) {
                Some(logical) => format!("{base} ({logical})"),
                None => base,
            }
        }
        other => compact(other),
    }
}

/// The properties under a JSON Schema: an object's properties, or those of an array's items;
/// local `$ref`s are followed.
fn json_fields(root: &Value, schema: &Value, prefix: &str, rows: &mut Vec<FieldRow>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve_local(root, schema);
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut names: Vec<&String> = properties.keys().collect();
        // serde_json keeps a sorted map here; the order is stable either way.
        names.sort();
        for name in names {
            let property = &properties[name.as_str()];
            let path = join(prefix, name);
            let resolved = resolve_local(root, property);
            rows.push(FieldRow {
                path: path.clone(),
                ty: json_type_name(property, resolved),
                default: resolved.get("default").map(compact),
                doc: resolved
                    .get("description")
                    .or_else(|| resolved.get("title"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                required: required.contains(&name.as_str()),
            });
            json_fields(root, property, &path, rows, depth + 1);
        }
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
        json_fields(root, items, &format!("{prefix}[]"), rows, depth + 1);
    }
}

/// Follows a `$ref` inside the same document (`#/definitions/Money`); anything else as is.
fn resolve_local<'v>(root: &'v Value, schema: &'v Value) -> &'v Value {
    let mut current = schema;
    for _ in 0..MAX_DEPTH {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            break;
        };
        match root.pointer(pointer) {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

fn json_type_name(written: &Value, resolved: &Value) -> String {
    let mut ty = match resolved.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .map(|t| t.as_str().map_or_else(|| compact(t), str::to_owned))
            .collect::<Vec<_>>()
            .join(" | "),
        _ if resolved.get("enum").is_some() => "enum".to_owned(),
        _ if resolved.get("const").is_some() => "const".to_owned(),
        _ => ["oneOf", "anyOf", "allOf"]
            .into_iter()
            .find(|k| resolved.get(*k).is_some())
            .unwrap_or("any")
            .to_owned(),
    };
    if ty == "array"
        && let Some(items) = resolved.get("items").and_then(|i| i.get("type"))
        && let Some(items) = items.as_str()
    {
        ty = format!("array<{items}>");
    }
    if let Some(format) = resolved.get("format").and_then(Value::as_str) {
        ty = format!("{ty} ({format})");
    }
    if let Some(reference) = written.get("$ref").and_then(Value::as_str) {
        ty = format!("{ty} → {reference}");
    }
    ty
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(rows: &[FieldRow]) -> Vec<&str> {
        rows.iter().map(|r| r.path.as_str()).collect()
    }

    #[test]
    fn avro_records_arrays_and_named_types_nest() {
        let mut names = AvroNames::default();
        names.collect(
            &json!({"type": "record", "name": "Money", "namespace": "x",
                    "fields": [{"name": "amountMinor", "type": "long"}]}),
            "",
            0,
        );
        let schema = json!({"type": "record", "name": "A", "namespace": "x", "fields": [
            {"name": "total", "type": "Money", "doc": "sum"},
            {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "I",
                "fields": [{"name": "sku", "type": "string"}]}}},
            {"name": "coupon", "type": ["null", "string"], "default": null},
            {"name": "self", "type": ["null", "A"], "default": null}
        ]});
        let mut rows = Vec::new();
        avro_fields(&schema, "", &names, "", &mut Vec::new(), &mut rows, 0);
        assert_eq!(
            paths(&rows),
            [
                "total",
                "total.amountMinor",
                "items",
                "items[].sku",
                "coupon",
                "self"
            ]
        );
        assert_eq!(rows[2].ty, "array<record I>");
        assert_eq!(rows[4].ty, "null | string");
        assert_eq!(rows[4].default.as_deref(), Some("null"));
        assert!(rows[0].required && !rows[4].required);
    }

    #[test]
    fn json_schema_properties_refs_and_cycles() {
        let schema = json!({"type": "object", "required": ["a"],
            "definitions": {"N": {"type": "object", "properties": {"next": {"$ref": "#/definitions/N"}}}},
            "properties": {"a": {"type": "string", "format": "uuid", "description": "id"},
                           "n": {"$ref": "#/definitions/N"}}});
        let mut rows = Vec::new();
        json_fields(&schema, &schema, "", &mut rows, 0);
        assert_eq!(rows[0].path, "a");
        assert_eq!(rows[0].ty, "string (uuid)");
        assert!(rows[0].required);
        assert!(rows.len() > 2 && rows.len() < 40, "bounded: {}", rows.len());
    }
}
