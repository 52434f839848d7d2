//! Avro schema support that apache-avro does not give: where named types are defined and used
//! (with JSON pointers, so findings point at the exact `"type"`), and checking a JSON example
//! payload against a schema with a path to every mismatch.
//!
//! Parsing proper (and later canonical forms and fingerprints) is apache-avro's job; this module
//! works on the schema JSON so that it can say *where* something is.

pub mod names;

use std::collections::HashMap;

use serde_json::Value;

use crate::pointer::pointer_join;

/// Avro's primitive type names.
pub const PRIMITIVES: &[&str] = &[
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

/// A named type (record, enum, fixed) found in a schema document.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedType {
    pub fullname: String,
    /// JSON pointer of the definition inside its document.
    pub pointer: String,
    pub definition: Value,
    /// The namespace names inside the definition resolve against.
    pub namespace: String,
}

/// A use of a named type by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameUse {
    /// The name as written.
    pub written: String,
    /// The full names it may mean, most specific first.
    pub candidates: Vec<String>,
    /// JSON pointer of the string that names it.
    pub pointer: String,
}

/// What a schema document defines and which names it uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scan {
    pub defined: Vec<NamedType>,
    pub used: Vec<NameUse>,
}

impl Scan {
    /// Names used but not defined in this document.
    pub fn external_uses(&self) -> impl Iterator<Item = &NameUse> {
        self.used.iter().filter(|u| {
            !u.candidates
                .iter()
                .any(|c| self.defined.iter().any(|d| &d.fullname == c))
        })
    }
}

/// Finds the named types a schema document defines and the names it uses.
pub fn scan(schema: &Value) -> Scan {
    let mut scan = Scan::default();
    walk(schema, "", "", &mut scan, 0);
    scan
}

/// Splits `name` (possibly dotted) against an enclosing namespace into (fullname, namespace).
pub fn full_name(name: &str, namespace: Option<&str>, enclosing: &str) -> (String, String) {
    if let Some((ns, _)) = name.rsplit_once('.') {
        return (name.to_owned(), ns.to_owned());
    }
    let ns = namespace.unwrap_or(enclosing);
    if ns.is_empty() {
        (name.to_owned(), String::new())
    } else {
        (format!("{ns}.{name}"), ns.to_owned())
    }
}

fn candidates(name: &str, enclosing: &str) -> Vec<String> {
    if name.contains('.') || enclosing.is_empty() {
        vec![name.to_owned()]
    } else {
        vec![format!("{enclosing}.{name}"), name.to_owned()]
    }
}

// Recursion is bounded by the YAML depth limit the document was read with.
fn walk(value: &Value, namespace: &str, pointer: &str, scan: &mut Scan, depth: usize) {
    if depth > 512 {
        return;
    }
    match value {
        Value::String(name) if !PRIMITIVES.contains(&name.as_str()) => {
            scan.used.push(NameUse {
                written: name.clone(),
                candidates: candidates(name, namespace),
                pointer: pointer.to_owned(),
            });
        }
        Value::Array(branches) => {
            for (i, branch) in branches.iter().enumerate() {
                walk(
                    branch,
                    namespace,
                    &pointer_join(pointer, &i.to_string()),
                    scan,
                    depth + 1,
                );
            }
        }
        Value::Object(object) => {
            let Some(ty) = object.get("type") else { return };
            match ty.as_str() {
                Some(kind @ ("record" | "error" | "enum" | "fixed")) => {
                    let Some(name) = object.get("name").and_then(Value::as_str) else {
                        return;
                    };
                    let declared_ns = object.get("namespace").and_then(Value::as_str);
                    let (fullname, inner_ns) = full_name(name, declared_ns, namespace);
                    scan.defined.push(NamedType {
                        fullname,
                        pointer: pointer.to_owned(),
                        definition: value.clone(),
                        namespace: inner_ns.clone(),
                    });
                    if matches!(kind, "record" | "error") {
                        let fields = object.get("fields").and_then(Value::as_array);
                        for (i, field) in fields.into_iter().flatten().enumerate() {
                            if let Some(field_type) = field.get("type") {
                                let at = format!("{pointer}/fields/{i}/type");
                                walk(field_type, &inner_ns, &at, scan, depth + 1);
                            }
                        }
                    }
                }
                Some("array") => {
                    if let Some(items) = object.get("items") {
                        walk(
                            items,
                            namespace,
                            &format!("{pointer}/items"),
                            scan,
                            depth + 1,
                        );
                    }
                }
                Some("map") => {
                    if let Some(values) = object.get("values") {
                        walk(
                            values,
                            namespace,
                            &format!("{pointer}/values"),
                            scan,
                            depth + 1,
                        );
                    }
                }
                _ => walk(ty, namespace, &format!("{pointer}/type"), scan, depth + 1),
            }
        }
        _ => {}
    }
}

/// Named types visible to a schema: its own and those of the files it references.
#[derive(Debug, Clone, Default)]
pub struct Names {
    types: HashMap<String, NamedType>,
}

impl Names {
    pub fn add(&mut self, named: NamedType) {
        self.types.entry(named.fullname.clone()).or_insert(named);
    }

    pub fn resolve(&self, name: &str, enclosing: &str) -> Option<&NamedType> {
        candidates(name, enclosing)
            .iter()
            .find_map(|c| self.types.get(c))
    }
}

/// One way an example payload does not fit its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// JSON pointer into the payload.
    pub pointer: String,
    pub message: String,
}

/// Checks a JSON payload against an Avro schema. Accepts plain JSON (a union value written as
/// the value itself) as well as Avro's JSON encoding (`{"string": "x"}` for a union branch).
pub fn validate_json(schema: &Value, names: &Names, payload: &Value) -> Vec<Mismatch> {
    let mut out = Vec::new();
    check(schema, "", names, payload, "", &mut out, 0);
    out
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A short name of a schema for messages: `int`, `com.shop.Money`, `array`, `union`.
fn type_label(schema: &Value, namespace: &str) -> String {
    match schema {
        Value::String(s) => {
            if PRIMITIVES.contains(&s.as_str()) {
                s.clone()
            } else {
                candidates(s, namespace)[0].clone()
            }
        }
        Value::Array(_) => "union".to_owned(),
        Value::Object(o) => match (
            o.get("type").and_then(Value::as_str),
            o.get("name").and_then(Value::as_str),
        ) {
            (Some("record" | "enum" | "fixed" | "error"), Some(name)) => {
                full_name(name, o.get("namespace").and_then(Value::as_str), namespace).0
            }
            (Some(t), _) => t.to_owned(),
            (None, _) => "schema".to_owned(),
        },
        _ => "schema".to_owned(),
    }
}

fn check(
    schema: &Value,
    namespace: &str,
    names: &Names,
    value: &Value,
    at: &str,
    out: &mut Vec<Mismatch>,
    depth: usize,
) {
    let mismatch = |out: &mut Vec<Mismatch>, message: String| {
        out.push(Mismatch {
            pointer: at.to_owned(),
            message,
        })
    };
    if depth > 512 {
        mismatch(out, "the payload nests too deeply to check".to_owned());
        return;
    }
    match schema {
        Value::String(name) => check_named(name, namespace, names, value, at, out, depth),
        Value::Array(branches) => check_union(branches, namespace, names, value, at, out, depth),
        Value::Object(object) => {
            let ty = object.get("type");
            match ty.and_then(Value::as_str) {
                Some("record" | "error") => {
                    let name = object.get("name").and_then(Value::as_str).unwrap_or("");
                    let (fullname, inner_ns) = full_name(
                        name,
                        object.get("namespace").and_then(Value::as_str),
                        namespace,
                    );
                    let Value::Object(fields_in) = value else {
                        mismatch(
                            out,
                            format!("expected record {fullname}, found {}", describe(value)),
                        );
                        return;
                    };
                    let fields = object.get("fields").and_then(Value::as_array);
                    let fields: Vec<&Value> = fields.into_iter().flatten().collect();
                    for field in &fields {
                        let Some(field_name) = field.get("name").and_then(Value::as_str) else {
                            continue;
                        };
                        let Some(field_type) = field.get("type") else {
                            continue;
                        };
                        match fields_in.get(field_name) {
                            Some(v) => check(
                                field_type,
                                &inner_ns,
                                names,
                                v,
                                &pointer_join(at, field_name),
                                out,
                                depth + 1,
                            ),
                            None if field.get("default").is_some() => {}
                            None => mismatch(
                                out,
                                format!("required field `{field_name}` of {fullname} is missing"),
                            ),
                        }
                    }
                    for key in fields_in.keys() {
                        if !fields
                            .iter()
                            .any(|f| f.get("name").and_then(Value::as_str) == Some(key))
                        {
                            out.push(Mismatch {
                                pointer: pointer_join(at, key),
                                message: format!(
                                    "field `{key}` is not declared in record {fullname}"
                                ),
                            });
                        }
                    }
                }
                Some("enum") => {
                    let symbols: Vec<&str> = object
                        .get("symbols")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    match value.as_str() {
                        Some(s) if symbols.contains(&s) => {}
                        Some(s) => mismatch(
                            out,
                            format!("`{s}` is not a symbol of the enum ({})", symbols.join(", ")),
                        ),
                        None => mismatch(
                            out,
                            format!("expected an enum symbol, found {}", describe(value)),
                        ),
                    }
                }
                Some("fixed") => {
                    if !value.is_string() {
                        mismatch(
                            out,
                            format!(
                                "expected fixed bytes as a string, found {}",
                                describe(value)
                            ),
                        );
                    }
                }
                Some("array") => {
                    let Some(items) = object.get("items") else {
                        return;
                    };
                    match value {
                        Value::Array(elements) => {
                            for (i, element) in elements.iter().enumerate() {
                                let at = pointer_join(at, &i.to_string());
                                check(items, namespace, names, element, &at, out, depth + 1);
                            }
                        }
                        _ => mismatch(out, format!("expected an array, found {}", describe(value))),
                    }
                }
                Some("map") => {
                    let Some(values) = object.get("values") else {
                        return;
                    };
                    match value {
                        Value::Object(entries) => {
                            for (key, element) in entries {
                                let at = pointer_join(at, key);
                                check(values, namespace, names, element, &at, out, depth + 1);
                            }
                        }
                        _ => mismatch(
                            out,
                            format!("expected a map (JSON object), found {}", describe(value)),
                        ),
                    }
                }
                // A primitive with attributes (logical types) or a nested type definition.
                _ => {
                    if let Some(ty) = ty {
                        check(ty, namespace, names, value, at, out, depth + 1);
                    }
                }
            }
        }
        _ => {}
    }
}

fn check_named(
    name: &str,
    namespace: &str,
    names: &Names,
    value: &Value,
    at: &str,
    out: &mut Vec<Mismatch>,
    depth: usize,
) {
    let ok = match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "int" => value.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
        "long" => {
            value.is_i64()
                || value.is_u64() && value.as_u64().is_some_and(|u| i64::try_from(u).is_ok())
        }
        "float" | "double" => value.is_number(),
        "bytes" | "string" => value.is_string(),
        _ => {
            match names.resolve(name, namespace) {
                Some(named) => check(
                    &named.definition,
                    &parent_namespace(named),
                    names,
                    value,
                    at,
                    out,
                    depth + 1,
                ),
                None => out.push(Mismatch {
                    pointer: at.to_owned(),
                    message: format!("the schema names type `{name}`, which is not defined"),
                }),
            }
            return;
        }
    };
    if !ok {
        let detail = if name == "int" && value.is_i64() {
            " (out of the 32-bit range)"
        } else {
            ""
        };
        out.push(Mismatch {
            pointer: at.to_owned(),
            message: format!("expected {name}, found {}{detail}", describe(value)),
        });
    }
}

/// The namespace a named type's own name was resolved in, so that its definition is checked in
/// the same context it was written in.
fn parent_namespace(named: &NamedType) -> String {
    match named.definition.get("name").and_then(Value::as_str) {
        Some(name) if name.contains('.') => String::new(),
        _ => named
            .definition
            .get("namespace")
            .and_then(Value::as_str)
            .map_or_else(
                || {
                    named
                        .fullname
                        .rsplit_once('.')
                        .map_or(String::new(), |(ns, _)| ns.to_owned())
                },
                |_| String::new(),
            ),
    }
}

fn check_union(
    branches: &[Value],
    namespace: &str,
    names: &Names,
    value: &Value,
    at: &str,
    out: &mut Vec<Mismatch>,
    depth: usize,
) {
    let fits = |branch: &Value, value: &Value| {
        let mut scratch = Vec::new();
        check(branch, namespace, names, value, at, &mut scratch, depth + 1);
        scratch.is_empty()
    };
    if branches.iter().any(|b| fits(b, value)) {
        return;
    }
    // Avro's JSON encoding: {"<branch type name>": value}.
    if let Value::Object(o) = value
        && o.len() == 1
        && let Some((key, inner)) = o.iter().next()
    {
        let branch = branches.iter().find(|b| {
            let label = type_label(b, namespace);
            label == *key || label.rsplit('.').next() == Some(key)
        });
        if let Some(branch) = branch {
            check(
                branch,
                namespace,
                names,
                inner,
                &pointer_join(at, key),
                out,
                depth + 1,
            );
            return;
        }
    }
    let labels: Vec<String> = branches.iter().map(|b| type_label(b, namespace)).collect();
    out.push(Mismatch {
        pointer: at.to_owned(),
        message: format!(
            "{} matches none of the union's types ({})",
            describe(value),
            labels.join(", ")
        ),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names_of(schemas: &[&Value]) -> Names {
        let mut names = Names::default();
        for s in schemas {
            for d in scan(s).defined {
                names.add(d);
            }
        }
        names
    }

    #[test]
    fn scan_finds_definitions_and_external_names() {
        let schema = json!({
            "type": "record", "name": "OrderPlaced", "namespace": "com.shop",
            "fields": [
                {"name": "total", "type": "Money"},
                {"name": "items", "type": {"type": "array", "items": {
                    "type": "record", "name": "Item", "fields": [{"name": "sku", "type": "string"}]}}},
                {"name": "again", "type": ["null", "Item"]}
            ]
        });
        let scan = scan(&schema);
        let defined: Vec<_> = scan.defined.iter().map(|d| d.fullname.as_str()).collect();
        assert_eq!(defined, ["com.shop.OrderPlaced", "com.shop.Item"]);
        assert_eq!(scan.defined[1].pointer, "/fields/1/type/items");
        let external: Vec<_> = scan
            .external_uses()
            .map(|u| (u.written.as_str(), u.pointer.as_str()))
            .collect();
        assert_eq!(external, [("Money", "/fields/0/type")]);
    }

    #[test]
    fn example_mismatches_have_paths() {
        let money = json!({"type": "record", "name": "Money", "namespace": "com.shop",
            "fields": [{"name": "amount", "type": "long"}, {"name": "currency", "type": "string", "default": "EUR"}]});
        let order = json!({"type": "record", "name": "Order", "namespace": "com.shop", "fields": [
            {"name": "id", "type": "string"},
            {"name": "total", "type": "Money"},
            {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"]}},
            {"name": "note", "type": ["null", "string"], "default": null},
            {"name": "qty", "type": {"type": "array", "items": "int"}}
        ]});
        let names = names_of(&[&money, &order]);
        let good = json!({"id": "o-1", "total": {"amount": 5}, "status": "NEW", "note": {"string": "hi"}, "qty": [1, 2]});
        assert_eq!(validate_json(&order, &names, &good), []);
        let bad = json!({"total": {"amount": "5"}, "status": "LOST", "note": 3, "qty": [1, 3_000_000_000_i64], "extra": 1});
        let found: Vec<_> = validate_json(&order, &names, &bad)
            .into_iter()
            .map(|m| m.pointer)
            .collect();
        assert_eq!(
            found,
            ["", "/total/amount", "/status", "/note", "/qty/1", "/extra"]
        );
    }
}
