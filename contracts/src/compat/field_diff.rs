//! Which fields of a payload a schema change touches: a field-level diff of two versions of an
//! event's schema, and the fields a compatibility finding's JSON pointer lands in.
//!
//! A *field path* is the list of field names from the payload's root (`total.amountMinor` is
//! `["total", "amountMinor"]`), stepping through arrays, maps and unions the way consumers'
//! `reads` do ([`crate::payload`]). The empty path stands for the payload as a whole.
//!
//! What counts as a change of a field:
//! - it was added or removed (a field renamed through an alias counts under both names);
//! - its type changed: another kind or logical type, another named type, enum symbols or
//!   default, fixed size, union branches added, removed or reordered; in JSON Schema any
//!   validation keyword (`type`, `enum`, `const`, `format`, bounds, `pattern`, ...);
//! - its default changed, appeared or went away; its aliases changed (Avro);
//! - it became required or optional (JSON Schema);
//! - a change of the record or object that holds it is a change of that record's path
//!   (renaming a record, `additionalProperties`), and a change at the root is a change of the
//!   whole payload. JSON Schema's local `$ref`s are followed, so a change inside a `$defs`
//!   entry counts at every field that uses it.
//!
//! Documentation (`doc`, `title`, `description`, `$comment`, `examples`) and an Avro field's
//! `order` do not change what consumers read and do not count.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use super::SchemaVersion;
use super::avro::{AvroSchema, Kind, TypeId, same_shape};
use super::protobuf::ProtoSchema;
use super::protobuf::loader::FieldType;

/// Field names from the payload's root; empty for the payload itself.
pub type FieldPath = Vec<String>;

/// How many type pairs a diff compares before it gives up and reports the whole payload
/// changed (a schema that shares named types many times over could otherwise cost
/// exponentially many steps).
const MAX_STEPS: usize = 20_000;

/// The fields that differ between `new` and `old`, sorted. Schemas in different languages
/// differ as a whole.
pub fn changed_fields(new: &SchemaVersion, old: &SchemaVersion) -> BTreeSet<FieldPath> {
    let mut out = BTreeSet::new();
    match (new, old) {
        (SchemaVersion::Avro(new), SchemaVersion::Avro(old)) => {
            let mut diff = AvroDiff {
                new,
                old,
                stack: HashSet::new(),
                steps: 0,
                out: &mut out,
            };
            diff.compare(new.root(), old.root(), &mut Vec::new());
            if diff.steps > MAX_STEPS {
                out.insert(Vec::new());
            }
        }
        (SchemaVersion::Json(new), SchemaVersion::Json(old)) => {
            let mut diff = JsonDiff {
                new_root: new,
                old_root: old,
                refs: HashSet::new(),
                same_definitions: ["$defs", "definitions"]
                    .iter()
                    .all(|k| new.get(k) == old.get(k)),
                steps: 0,
                out: &mut out,
            };
            diff.compare(new, old, &mut Vec::new());
            if diff.steps > MAX_STEPS {
                out.insert(Vec::new());
            }
        }
        _ => {
            out.insert(Vec::new());
        }
    }
    out
}

/// The fields of one Protobuf message that differ between two versions: `message` is its full
/// name (`shop.inventory.v1.StockLevelChanged`), or the new root file's first message when
/// `None`. Fields are matched by number and named as in the `.proto` (consumers' `reads` in
/// JSON names are matched to them by [`crate::payload::Payload::proto_path`]).
///
/// A field counts as changed when it was added or removed, renamed, or changed its label,
/// oneof or type (another scalar, enum or message; an enum's values; a map's key or value).
/// A message-typed field present on both sides is followed into its message; a map whose
/// message values changed counts as a whole. A message missing on either side changes the
/// whole payload.
pub fn changed_protobuf_fields(
    new: &ProtoSchema,
    old: &ProtoSchema,
    message: Option<&str>,
) -> BTreeSet<FieldPath> {
    let mut out = BTreeSet::new();
    let root = |schema: &ProtoSchema| match message {
        Some(name) => schema.message_named(name.trim_start_matches('.')),
        None => schema.top_messages.first().copied(),
    };
    let (Some(n), Some(o)) = (root(new), root(old)) else {
        out.insert(Vec::new());
        return out;
    };
    let mut diff = ProtobufDiff {
        new,
        old,
        stack: HashSet::new(),
        steps: 0,
        out: &mut out,
    };
    diff.compare(n, o, &mut Vec::new());
    if diff.steps > MAX_STEPS {
        out.insert(Vec::new());
    }
    out
}

struct ProtobufDiff<'a> {
    new: &'a ProtoSchema,
    old: &'a ProtoSchema,
    /// Message pairs being compared, so a recursive message is walked once per path.
    stack: HashSet<(usize, usize)>,
    steps: usize,
    out: &'a mut BTreeSet<FieldPath>,
}

impl ProtobufDiff<'_> {
    fn changed(&mut self, path: &[String]) {
        self.out.insert(path.to_vec());
    }

    fn compare(&mut self, n: usize, o: usize, path: &mut Vec<String>) {
        self.steps += 1;
        if self.steps > MAX_STEPS || !self.stack.insert((n, o)) {
            return;
        }
        let (new_message, old_message) = (&self.new.messages[n], &self.old.messages[o]);
        for old_field in &old_message.fields {
            path.push(old_field.name.clone());
            match new_message
                .fields
                .iter()
                .find(|f| f.number == old_field.number)
            {
                None => self.changed(path),
                Some(new_field) if new_field.name != old_field.name => {
                    self.changed(path);
                    path.pop();
                    path.push(new_field.name.clone());
                    self.changed(path);
                }
                Some(new_field)
                    if new_field.label != old_field.label || new_field.oneof != old_field.oneof =>
                {
                    self.changed(path)
                }
                Some(new_field) => self.compare_types(&new_field.ty, &old_field.ty, path),
            }
            path.pop();
        }
        for new_field in &new_message.fields {
            if !old_message
                .fields
                .iter()
                .any(|f| f.number == new_field.number)
            {
                path.push(new_field.name.clone());
                self.changed(path);
                path.pop();
            }
        }
        self.stack.remove(&(n, o));
    }

    fn compare_types(&mut self, new: &FieldType, old: &FieldType, path: &mut Vec<String>) {
        match (new, old) {
            (FieldType::Scalar(n), FieldType::Scalar(o)) if n == o => {}
            (FieldType::Enum(n), FieldType::Enum(o)) if n == o => {
                let values = |schema: &ProtoSchema| {
                    schema.enum_named(n).map(|e| schema.enums[e].values.clone())
                };
                if values(self.new) != values(self.old) {
                    self.changed(path);
                }
            }
            (FieldType::Message(n), FieldType::Message(o)) if n == o => {
                match (self.new.message_named(n), self.old.message_named(o)) {
                    (Some(ni), Some(oi)) => self.compare(ni, oi, path),
                    _ => self.changed(path),
                }
            }
            (FieldType::Map(nk, nv), FieldType::Map(ok, ov)) if nk == ok => {
                // A map's values are not addressed by name: any change inside is the map's.
                let before = self.out.len();
                let mut inner = path.clone();
                self.compare_types(nv, ov, &mut inner);
                if self.out.len() != before {
                    self.out
                        .retain(|p| !p.starts_with(path.as_slice()) || p == path);
                    self.changed(path);
                }
            }
            _ => self.changed(path),
        }
    }
}

/// A field path as users write it: `total.amountMinor`; a JSON pointer (`/a.b/c`) when a
/// name holds a dot or starts with a slash, so that [`crate::payload::segments`] reads it back.
pub fn display_path(path: &[String]) -> String {
    if path
        .iter()
        .any(|s| s.contains('.') || s.starts_with('/') || s.is_empty())
    {
        path.iter()
            .map(|s| format!("/{}", crate::pointer::escape_pointer_token(s)))
            .collect()
    } else {
        path.join(".")
    }
}

struct AvroDiff<'a, 'o> {
    new: &'a AvroSchema,
    old: &'a AvroSchema,
    /// The pairs being compared on the way here: a recursive type is compared once per path.
    stack: HashSet<(TypeId, TypeId)>,
    steps: usize,
    out: &'o mut BTreeSet<FieldPath>,
}

impl AvroDiff<'_, '_> {
    fn changed(&mut self, path: &[String]) {
        self.out.insert(path.to_vec());
    }

    fn compare(&mut self, n: TypeId, o: TypeId, path: &mut Vec<String>) {
        self.steps += 1;
        if self.steps > MAX_STEPS || !self.stack.insert((n, o)) {
            return;
        }
        let (new, old) = (self.new, self.old);
        let (nt, ot) = (new.get(n), old.get(o));
        if nt.logical_type != ot.logical_type {
            self.changed(path);
        }
        match (&nt.kind, &ot.kind) {
            (
                Kind::Record {
                    name: nn,
                    fields: nf,
                    by_name: new_index,
                },
                Kind::Record {
                    name: on,
                    fields: of,
                    by_name: old_index,
                },
            ) => {
                if nn != on {
                    self.changed(path);
                }
                for field in nf {
                    let old_field = old_index
                        .get(&field.name)
                        .or_else(|| field.aliases.iter().find_map(|a| old_index.get(a)))
                        .map(|&i| &of[i]);
                    path.push(field.name.clone());
                    match old_field {
                        None => self.changed(path),
                        Some(old_field) => {
                            if old_field.name != field.name {
                                self.changed(path);
                                let mut renamed = path[..path.len() - 1].to_vec();
                                renamed.push(old_field.name.clone());
                                self.changed(&renamed);
                            }
                            if old_field.default != field.default
                                || old_field.aliases != field.aliases
                            {
                                self.changed(path);
                            }
                            self.compare(field.ty, old_field.ty, path);
                        }
                    }
                    path.pop();
                }
                for old_field in of {
                    let kept = new_index.contains_key(&old_field.name)
                        || nf.iter().any(|f| f.aliases.contains(&old_field.name));
                    if !kept {
                        path.push(old_field.name.clone());
                        self.changed(path);
                        path.pop();
                    }
                }
            }
            (
                Kind::Enum {
                    name: nn,
                    symbols: ns,
                    default: nd,
                },
                Kind::Enum {
                    name: on,
                    symbols: os,
                    default: od,
                },
            ) => {
                if nn != on || ns != os || nd != od {
                    self.changed(path);
                }
            }
            (Kind::Fixed { name: nn, size: ns }, Kind::Fixed { name: on, size: os }) => {
                if nn != on || ns != os {
                    self.changed(path);
                }
            }
            (Kind::Array(ni), Kind::Array(oi)) | (Kind::Map(ni), Kind::Map(oi)) => {
                self.compare(*ni, *oi, path);
            }
            (Kind::Union(nb), Kind::Union(ob)) => {
                let reordered = nb.len() != ob.len()
                    || nb
                        .iter()
                        .zip(ob)
                        .any(|(&b, &c)| !same_shape(new, b, old, c));
                if reordered {
                    self.changed(path);
                }
                for &branch in nb {
                    match ob.iter().find(|&&b| same_shape(new, branch, old, b)) {
                        Some(&same) => self.compare(branch, same, path),
                        None => self.changed(path),
                    }
                }
            }
            (a, b) if std::mem::discriminant(a) == std::mem::discriminant(b) => {}
            _ => self.changed(path),
        }
        self.stack.remove(&(n, o));
    }
}

/// Keywords that document a JSON schema without constraining data.
const JSON_ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "$comment",
    "examples",
    "$schema",
    "$id",
];

/// A JSON Schema diff. Local `$ref`s (`#/$defs/Money`) are followed on both sides, so a change
/// inside a definition counts at the fields that use it; `$defs` themselves are not compared.
struct JsonDiff<'a, 'o> {
    new_root: &'a Value,
    old_root: &'a Value,
    /// The pairs of references being followed on the way here, against recursion.
    refs: HashSet<(&'a str, &'a str)>,
    /// Whether both documents have the same `$defs` and `definitions`.
    same_definitions: bool,
    steps: usize,
    out: &'o mut BTreeSet<FieldPath>,
}

/// Where a local `$ref` leads in its document.
fn local_ref<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    root.pointer(reference.strip_prefix('#')?)
}

impl<'a> JsonDiff<'a, '_> {
    fn changed(&mut self, path: &[String]) {
        self.out.insert(path.to_vec());
    }

    fn compare(&mut self, new: &'a Value, old: &'a Value, path: &mut Vec<String>) {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return;
        }
        let (Some(n), Some(o)) = (new.as_object(), old.as_object()) else {
            if new != old {
                self.changed(path);
            }
            return;
        };
        let keys: BTreeSet<&String> = n.keys().chain(o.keys()).collect();
        for key in keys {
            let (nv, ov) = (n.get(key.as_str()), o.get(key.as_str()));
            if JSON_ANNOTATIONS.contains(&key.as_str())
                || matches!(key.as_str(), "$defs" | "definitions")
            {
                continue;
            }
            if key == "$ref" {
                let targets = nv
                    .and_then(Value::as_str)
                    .zip(ov.and_then(Value::as_str))
                    .and_then(|(a, b)| {
                        Some((
                            a,
                            b,
                            local_ref(self.new_root, a)?,
                            local_ref(self.old_root, b)?,
                        ))
                    });
                match targets {
                    Some((a, b, new_target, old_target)) => {
                        if self.refs.insert((a, b)) {
                            self.compare(new_target, old_target, path);
                            self.refs.remove(&(a, b));
                        }
                    }
                    // A remote or broken reference: the same text is taken as the same schema.
                    None if nv == ov => {}
                    None => self.changed(path),
                }
                continue;
            }
            // Equal text is an equal schema unless it refers to definitions that changed.
            if nv == ov && self.same_definitions {
                continue;
            }
            match key.as_str() {
                "properties" => {
                    let np = nv.and_then(Value::as_object);
                    let op = ov.and_then(Value::as_object);
                    let names: BTreeSet<&String> =
                        np.iter().chain(op.iter()).flat_map(|m| m.keys()).collect();
                    for name in names {
                        path.push(name.clone());
                        let property = |m: Option<&'a serde_json::Map<String, Value>>| {
                            m.and_then(|m| m.get(name.as_str()))
                        };
                        match (property(np), property(op)) {
                            (Some(a), Some(b)) => self.compare(a, b, path),
                            _ => self.changed(path),
                        }
                        path.pop();
                    }
                }
                "required" => {
                    let names = |v: Option<&Value>| -> BTreeSet<String> {
                        v.and_then(Value::as_array)
                            .map(|a| {
                                a.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_owned)
                                    .collect()
                            })
                            .unwrap_or_default()
                    };
                    let (nr, or) = (names(nv), names(ov));
                    for name in nr.symmetric_difference(&or) {
                        path.push(name.clone());
                        self.changed(path);
                        path.pop();
                    }
                }
                "items" | "prefixItems" => match (nv, ov) {
                    (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
                        for (a, b) in a.iter().zip(b) {
                            self.compare(a, b, path);
                        }
                    }
                    (Some(a), Some(b)) if !a.is_array() && !b.is_array() => {
                        self.compare(a, b, path);
                    }
                    _ => self.changed(path),
                },
                _ if nv != ov => self.changed(path),
                _ => {}
            }
        }
    }
}

/// The field a compatibility finding's JSON pointer lands in, in a schema document (`json`,
/// the document as written) and its resolved form. Avro pointers may point into a document
/// a named type comes from; every field of the resolved schema written at that pointer is
/// returned, so an ambiguous pointer names more fields rather than fewer.
pub fn fields_at_pointer(schema: &SchemaVersion, pointer: &str) -> BTreeSet<FieldPath> {
    match schema {
        SchemaVersion::Avro(avro) => avro_fields_at(avro, pointer),
        SchemaVersion::Json(json) => BTreeSet::from([json_field_at(json, pointer)]),
        // Protobuf findings name message types, not the payload paths of one event's
        // message; mapping them needs the event's message (catalog integration, issue 14).
        SchemaVersion::Protobuf(_) => BTreeSet::new(),
    }
}

fn avro_fields_at(schema: &AvroSchema, pointer: &str) -> BTreeSet<FieldPath> {
    let pointer = pointer.trim_end_matches('/');
    // Every place in the schema, with its pointer, reached from the root.
    let mut places: Vec<(String, FieldPath)> = Vec::new();
    let mut stack = HashSet::new();
    let mut steps = 0;
    avro_places(
        schema,
        schema.root(),
        &mut Vec::new(),
        &mut stack,
        &mut steps,
        &mut places,
    );
    let within = |at: &str| {
        pointer == at
            || at.is_empty()
            || pointer
                .strip_prefix(at)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    let longest = places
        .iter()
        .filter(|(at, _)| within(at))
        .map(|(at, _)| at.len())
        .max();
    match longest {
        Some(len) => places
            .into_iter()
            .filter(|(at, _)| at.len() == len && within(at))
            .map(|(_, path)| path)
            .collect(),
        None => BTreeSet::from([Vec::new()]),
    }
}

fn avro_places(
    schema: &AvroSchema,
    ty: TypeId,
    path: &mut Vec<String>,
    stack: &mut HashSet<TypeId>,
    steps: &mut usize,
    places: &mut Vec<(String, FieldPath)>,
) {
    *steps += 1;
    if *steps > MAX_STEPS || !stack.insert(ty) {
        return;
    }
    let t = schema.get(ty);
    places.push((t.pointer.trim_end_matches('/').to_owned(), path.clone()));
    match &t.kind {
        Kind::Record { fields, .. } => {
            for field in fields {
                path.push(field.name.clone());
                places.push((field.pointer.clone(), path.clone()));
                avro_places(schema, field.ty, path, stack, steps, places);
                path.pop();
            }
        }
        Kind::Array(inner) | Kind::Map(inner) => {
            avro_places(schema, *inner, path, stack, steps, places)
        }
        Kind::Union(branches) => {
            for &branch in branches {
                avro_places(schema, branch, path, stack, steps, places);
            }
        }
        _ => {}
    }
    stack.remove(&ty);
}

fn json_field_at(schema: &Value, pointer: &str) -> FieldPath {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(crate::pointer::unescape_pointer_token)
        .collect();
    let mut path = Vec::new();
    let mut node = schema;
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i].as_str();
        let next = tokens.get(i + 1);
        match token {
            "properties" => {
                let Some((name, child)) =
                    next.and_then(|n| Some((n, node.get("properties")?.get(n.as_str())?)))
                else {
                    break;
                };
                path.push(name.clone());
                node = child;
                i += 2;
            }
            "required" => {
                if let Some(name) = next
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| node.get("required")?.get(n)?.as_str())
                {
                    path.push(name.to_owned());
                }
                break;
            }
            "items" | "prefixItems" => {
                let Some(items) = node.get(token) else {
                    break;
                };
                match (items, next.and_then(|n| n.parse::<usize>().ok())) {
                    (Value::Array(tuple), Some(n)) => {
                        let Some(child) = tuple.get(n) else {
                            break;
                        };
                        node = child;
                        i += 2;
                    }
                    _ => {
                        node = items;
                        i += 1;
                    }
                }
            }
            _ => break,
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn avro(schema: Value) -> SchemaVersion {
        SchemaVersion::Avro(AvroSchema::parse(&schema, &[]).expect("valid schema"))
    }

    fn shown(paths: &BTreeSet<FieldPath>) -> Vec<String> {
        paths.iter().map(|p| display_path(p)).collect()
    }

    fn order(fields: Value) -> Value {
        json!({ "type": "record", "name": "Order", "fields": fields })
    }

    #[test]
    fn avro_fields_added_removed_retyped_and_defaulted() {
        let money = json!({ "type": "record", "name": "Money", "fields": [
            { "name": "amount", "type": "long" }, { "name": "currency", "type": "string" } ] });
        let money_v2 = json!({ "type": "record", "name": "Money", "fields": [
            { "name": "amount", "type": "long", "doc": "in cents" },
            { "name": "currency", "type": "string", "default": "EUR" } ] });
        let old = avro(order(json!([
            { "name": "id", "type": "string" },
            { "name": "total", "type": money },
            { "name": "items", "type": { "type": "array", "items": { "type": "record", "name": "Item",
                "fields": [ { "name": "sku", "type": "string" }, { "name": "qty", "type": "int" } ] } } },
            { "name": "coupon", "type": ["null", "string"], "default": null },
            { "name": "gone", "type": "int" }
        ])));
        let new = avro(order(json!([
            { "name": "id", "type": "string", "doc": "docs do not count" },
            { "name": "total", "type": money_v2 },
            { "name": "items", "type": { "type": "array", "items": { "type": "record", "name": "Item",
                "fields": [ { "name": "sku", "type": "string" }, { "name": "qty", "type": "long" } ] } } },
            { "name": "coupon", "type": ["null", "string", "int"], "default": null },
            { "name": "added", "type": "int", "default": 0 }
        ])));
        assert_eq!(
            shown(&changed_fields(&new, &old)),
            ["added", "coupon", "gone", "items.qty", "total.currency"]
        );
        assert!(changed_fields(&new, &new).is_empty());
    }

    #[test]
    fn avro_renames_count_under_both_names_and_a_renamed_record_is_its_field() {
        let old = avro(order(json!([
            { "name": "total", "type": { "type": "record", "name": "Money", "fields": [ { "name": "cents", "type": "long" } ] } }
        ])));
        let new = avro(order(json!([
            { "name": "total", "type": { "type": "record", "name": "Amount", "fields": [
                { "name": "amountMinor", "type": "long", "aliases": ["cents"] } ] } }
        ])));
        assert_eq!(
            shown(&changed_fields(&new, &old)),
            ["total", "total.amountMinor", "total.cents"]
        );
    }

    #[test]
    fn avro_recursive_schemas_terminate() {
        let list = |ty: &str| {
            avro(json!({ "type": "record", "name": "Node", "fields": [
                { "name": "value", "type": ty },
                { "name": "next", "type": ["null", "Node"], "default": null } ] }))
        };
        assert_eq!(
            shown(&changed_fields(&list("long"), &list("int"))),
            ["value"]
        );
    }

    #[test]
    fn json_schema_properties_required_and_items() {
        let old = SchemaVersion::json(json!({
            "type": "object", "required": ["id"],
            "properties": {
                "id": { "type": "string" },
                "total": { "type": "object", "properties": { "amount": { "type": "integer" } } },
                "lines": { "type": "array", "items": { "type": "object", "properties": { "sku": { "type": "string" } } } },
                "note": { "type": "string", "description": "old words" }
            }
        }));
        let new = SchemaVersion::json(json!({
            "type": "object", "required": ["id", "total"],
            "properties": {
                "id": { "type": "string" },
                "total": { "type": "object", "properties": { "amount": { "type": "integer", "minimum": 0 } } },
                "lines": { "type": "array", "items": { "type": "object", "properties": { "sku": { "type": "string" }, "qty": {} } } },
                "note": { "type": "string", "description": "new words" }
            }
        }));
        assert_eq!(
            shown(&changed_fields(&new, &old)),
            ["lines.qty", "total", "total.amount"]
        );
        let open = SchemaVersion::json(json!({ "type": "object", "additionalProperties": false }));
        let closed = SchemaVersion::json(json!({ "type": "object" }));
        assert_eq!(shown(&changed_fields(&open, &closed)), [""]);
    }

    #[test]
    fn json_schema_references_are_followed_into_definitions() {
        let schema = |amount: Value| {
            SchemaVersion::json(json!({
                "type": "object",
                "$defs": { "Money": { "type": "object", "properties": { "amount": amount } },
                           "Node": { "type": "object", "properties": { "next": { "$ref": "#/$defs/Node" } } } },
                "properties": { "total": { "$ref": "#/$defs/Money" }, "id": { "type": "string" },
                                "list": { "$ref": "#/$defs/Node" } }
            }))
        };
        let old = schema(json!({ "type": "integer" }));
        let new = schema(json!({ "type": "number" }));
        assert_eq!(shown(&changed_fields(&new, &old)), ["total.amount"]);
        assert!(changed_fields(&old, &old).is_empty());
    }

    #[test]
    fn pointers_land_in_fields() {
        let json = SchemaVersion::json(json!({
            "type": "object", "required": ["a"],
            "properties": { "a": { "type": "object", "properties": { "b": { "type": "array", "items": { "properties": { "c": {} } } } } } }
        }));
        let at = |p: &str| shown(&fields_at_pointer(&json, p));
        assert_eq!(
            at("/properties/a/properties/b/items/properties/c/type"),
            ["a.b.c"]
        );
        assert_eq!(at("/required/0"), ["a"]);
        assert_eq!(at(""), [""]);
        let avro = avro(order(json!([
            { "name": "id", "type": "string" },
            { "name": "items", "type": { "type": "array", "items": { "type": "record", "name": "Item",
                "fields": [ { "name": "sku", "type": "string" } ] } } }
        ])));
        let at = |p: &str| shown(&fields_at_pointer(&avro, p));
        assert_eq!(at("/fields/1/type/items/fields/0/type"), ["items.sku"]);
        assert_eq!(at("/fields/0/default"), ["id"]);
        assert_eq!(at("/"), [""]);
    }

    #[test]
    fn odd_names_are_shown_as_pointers() {
        assert_eq!(display_path(&["a.b".into(), "c".into()]), "/a.b/c");
        assert_eq!(display_path(&["a".into(), "c".into()]), "a.c");
        assert_eq!(display_path(&[]), "");
    }

    fn proto(text: &str) -> ProtoSchema {
        ProtoSchema::compile("root.proto", text, &std::collections::HashMap::new())
            .expect("compiles")
    }

    const STOCK: &str = "syntax = \"proto3\";\npackage s.v1;\nmessage Stock {\n  string sku = 1;\n  int32 available = 2;\n  repeated Line lines = 3;\n  map<string, Line> by_site = 4;\n  Reason reason = 5;\n  message Line { int32 delta = 1; }\n  enum Reason { REASON_UNSPECIFIED = 0; }\n}\nmessage Other { string x = 1; }\n";

    #[test]
    fn protobuf_fields_are_matched_by_number_and_followed_into_messages() {
        let old = proto(STOCK);
        let changed = |from: &str, to: &str| {
            assert!(STOCK.contains(from), "{from}");
            let new = proto(&STOCK.replace(from, to));
            shown(&changed_protobuf_fields(&new, &old, None))
        };
        assert_eq!(
            changed("int32 available = 2;", "string available = 2;"),
            ["available"]
        );
        assert_eq!(
            changed("int32 available = 2;", "int32 stock = 2;"),
            ["available", "stock"]
        );
        assert_eq!(changed("int32 available = 2;", ""), ["available"]);
        assert_eq!(
            changed("string sku = 1;", "string sku = 1;\n  string note = 9;"),
            ["note"]
        );
        assert_eq!(
            changed("int32 delta = 1;", "int64 delta = 1;"),
            ["by_site", "lines.delta"]
        );
        assert_eq!(
            changed(
                "REASON_UNSPECIFIED = 0;",
                "REASON_UNSPECIFIED = 0; REASON_LOST = 1;"
            ),
            ["reason"]
        );
        assert_eq!(changed("repeated Line lines", "Line lines"), ["lines"]);
        // Another message of the file is not the payload; the named message is.
        assert_eq!(
            changed("string x = 1;", "int32 x = 1;"),
            Vec::<String>::new()
        );
        let new = proto(&STOCK.replace("string x = 1;", "int32 x = 1;"));
        assert_eq!(
            shown(&changed_protobuf_fields(&new, &old, Some(".s.v1.Other"))),
            ["x"]
        );
        // A message that is not there on one side is the whole payload.
        assert_eq!(
            shown(&changed_protobuf_fields(&new, &old, Some("s.v1.Gone"))),
            [""]
        );
    }

    #[test]
    fn protobuf_layout_and_comments_are_the_same_definitions() {
        let old = proto(STOCK);
        let relaid = proto(&STOCK.replace("string sku = 1;", "// the product\n  string   sku=1 ;"));
        assert!(relaid.same_definitions(&old));
        let renamed = ProtoSchema::compile("elsewhere/other.proto", STOCK, &Default::default())
            .expect("compiles");
        assert!(renamed.same_definitions(&old));
        assert!(!proto(&STOCK.replace("sku = 1", "sku = 7")).same_definitions(&old));
        assert!(!proto(&STOCK.replace("package s.v1;", "package s.v2;")).same_definitions(&old));
    }
}
