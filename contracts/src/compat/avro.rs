//! Avro schema compatibility, following Java Avro's `SchemaCompatibility` (the checker
//! Confluent Schema Registry calls), over our own resolved form of the schema so that every
//! incompatibility is reported with the JSON pointer of the place it concerns.
//!
//! apache-avro's own checker is not used for verdicts: it compares references by name only,
//! ignores aliases on named types, and passes removed enum symbols (see `../shared/CRATES.md`
//! §1.2). It is kept as an oracle in differential tests.
//!
//! The rules, with Java's error types:
//! - same primitive types are compatible; the promotions int→long→float→double and
//!   string↔bytes are allowed (`TYPE_MISMATCH` otherwise);
//! - named types (record, enum, fixed) match by unqualified name or when a reader alias equals
//!   the writer's full name (`NAME_MISMATCH`);
//! - a reader record field absent from the writer (by name or reader field alias) needs a
//!   default (`READER_FIELD_MISSING_DEFAULT_VALUE`);
//! - every writer enum symbol must be a reader symbol unless the reader enum has a default
//!   (`MISSING_ENUM_SYMBOLS`);
//! - fixed sizes must be equal (`FIXED_SIZE_MISMATCH`);
//! - a writer union needs every branch readable; a reader union needs one branch that reads the
//!   writer (`MISSING_UNION_BRANCH`);
//! - logical types are ignored, as in Java (a separate warning class reports risky changes).

use std::collections::{HashMap, HashSet};

use rustc_hash::{FxHashMap, FxHashSet};

use serde_json::Value;

use super::Incompatibility;
use crate::avro::{PRIMITIVES, full_name};
use crate::pointer::pointer_join;

/// Index of a type in an [`AvroSchema`].
pub type TypeId = usize;

/// A schema resolved into an arena of types: named types are defined once and referred to by
/// index, so recursive schemas are finite graphs.
#[derive(Debug, Clone, PartialEq)]
pub struct AvroSchema {
    types: Vec<Type>,
    root: TypeId,
}

/// One type and where it is written (a JSON pointer into its document).
#[derive(Debug, Clone, PartialEq)]
pub struct Type {
    pub kind: Kind,
    pub logical_type: Option<String>,
    /// The `doc` of a named type.
    pub doc: Option<String>,
    pub pointer: String,
    /// 0 for the schema's own document, `n` for the `n`-th reference.
    pub document: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Array(TypeId),
    Map(TypeId),
    Union(Vec<TypeId>),
    Record {
        name: Name,
        fields: Vec<Field>,
        /// Field name → index in `fields`, for matching reader and writer fields.
        by_name: FxHashMap<String, usize>,
    },
    Enum {
        name: Name,
        symbols: Vec<String>,
        default: Option<String>,
    },
    Fixed {
        name: Name,
        size: u64,
    },
    /// A named type used before its definition finished (only while building).
    Pending(String),
}

/// A named type's name, with its aliases resolved to full names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub fullname: String,
    pub aliases: Vec<String>,
}

impl Name {
    pub fn unqualified(&self) -> &str {
        self.fullname.rsplit('.').next().unwrap_or(&self.fullname)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub aliases: Vec<String>,
    pub ty: TypeId,
    pub default: Option<Value>,
    pub doc: Option<String>,
    pub pointer: String,
}

/// Why a schema could not be resolved (it should have been rejected by the parser already).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at {pointer}")]
pub struct ResolveError {
    pub message: String,
    pub pointer: String,
}

impl AvroSchema {
    /// Resolves a schema document; `references` are documents defining named types it uses
    /// (Confluent schema references), in any order.
    pub fn parse(schema: &Value, references: &[&Value]) -> Result<AvroSchema, ResolveError> {
        let mut builder = Builder::default();
        for (i, reference) in references.iter().enumerate() {
            builder.document = i + 1;
            builder.build(reference, "", "", 0)?;
        }
        builder.document = 0;
        let root = builder.build(schema, "", "", 0)?;
        builder.finish(root)
    }

    pub fn root(&self) -> TypeId {
        self.root
    }

    pub fn get(&self, id: TypeId) -> &Type {
        &self.types[id]
    }

    fn label(&self, id: TypeId) -> String {
        match &self.types[id].kind {
            Kind::Null => "null".into(),
            Kind::Boolean => "boolean".into(),
            Kind::Int => "int".into(),
            Kind::Long => "long".into(),
            Kind::Float => "float".into(),
            Kind::Double => "double".into(),
            Kind::Bytes => "bytes".into(),
            Kind::String => "string".into(),
            Kind::Array(_) => "array".into(),
            Kind::Map(_) => "map".into(),
            Kind::Union(_) => "union".into(),
            Kind::Record { name, .. } => format!("record {}", name.fullname),
            Kind::Enum { name, .. } => format!("enum {}", name.fullname),
            Kind::Fixed { name, .. } => format!("fixed {}", name.fullname),
            Kind::Pending(name) => name.clone(),
        }
    }
}

#[derive(Default)]
struct Builder {
    types: Vec<Type>,
    named: HashMap<String, TypeId>,
    document: usize,
}

const MAX_DEPTH: usize = 256;

impl Builder {
    fn push(&mut self, kind: Kind, logical_type: Option<String>, pointer: &str) -> TypeId {
        self.types.push(Type {
            kind,
            logical_type,
            doc: None,
            pointer: pointer.to_owned(),
            document: self.document,
        });
        self.types.len() - 1
    }

    fn error(message: impl Into<String>, pointer: &str) -> ResolveError {
        ResolveError {
            message: message.into(),
            pointer: pointer.to_owned(),
        }
    }

    fn build(
        &mut self,
        value: &Value,
        namespace: &str,
        pointer: &str,
        depth: usize,
    ) -> Result<TypeId, ResolveError> {
        if depth > MAX_DEPTH {
            return Err(Self::error("the schema nests too deeply", pointer));
        }
        match value {
            Value::String(name) => self.named_or_primitive(name, namespace, None, pointer),
            Value::Array(branches) => {
                let mut ids = Vec::with_capacity(branches.len());
                for (i, branch) in branches.iter().enumerate() {
                    ids.push(self.build(
                        branch,
                        namespace,
                        &pointer_join(pointer, &i.to_string()),
                        depth + 1,
                    )?);
                }
                Ok(self.push(Kind::Union(ids), None, pointer))
            }
            Value::Object(object) => {
                let logical = object
                    .get("logicalType")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let Some(ty) = object.get("type") else {
                    return Err(Self::error("a schema object needs `type`", pointer));
                };
                match ty.as_str() {
                    Some("record" | "error") => self.record(object, namespace, pointer, depth),
                    Some("enum") => {
                        let name = self.name(object, namespace, pointer)?;
                        let symbols = object
                            .get("symbols")
                            .and_then(Value::as_array)
                            .map(|s| {
                                s.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_owned)
                                    .collect()
                            })
                            .unwrap_or_default();
                        let default = object
                            .get("default")
                            .and_then(Value::as_str)
                            .map(str::to_owned);
                        let fullname = name.fullname.clone();
                        let id = self.push(
                            Kind::Enum {
                                name,
                                symbols,
                                default,
                            },
                            logical,
                            pointer,
                        );
                        self.named.insert(fullname, id);
                        Ok(id)
                    }
                    Some("fixed") => {
                        let name = self.name(object, namespace, pointer)?;
                        let size = object.get("size").and_then(Value::as_u64).unwrap_or(0);
                        let fullname = name.fullname.clone();
                        let id = self.push(Kind::Fixed { name, size }, logical, pointer);
                        self.named.insert(fullname, id);
                        Ok(id)
                    }
                    Some("array") => {
                        let items = object
                            .get("items")
                            .ok_or_else(|| Self::error("an array needs `items`", pointer))?;
                        let item =
                            self.build(items, namespace, &format!("{pointer}/items"), depth + 1)?;
                        Ok(self.push(Kind::Array(item), logical, pointer))
                    }
                    Some("map") => {
                        let values = object
                            .get("values")
                            .ok_or_else(|| Self::error("a map needs `values`", pointer))?;
                        let value =
                            self.build(values, namespace, &format!("{pointer}/values"), depth + 1)?;
                        Ok(self.push(Kind::Map(value), logical, pointer))
                    }
                    Some(name) => self.named_or_primitive(name, namespace, logical, pointer),
                    // `{"type": {...}}` or `{"type": [...]}`: the inner schema, as Java reads it.
                    None => self.build(ty, namespace, &format!("{pointer}/type"), depth + 1),
                }
            }
            _ => Err(Self::error(
                "a schema must be a name, an object or a union",
                pointer,
            )),
        }
    }

    fn named_or_primitive(
        &mut self,
        name: &str,
        namespace: &str,
        logical: Option<String>,
        pointer: &str,
    ) -> Result<TypeId, ResolveError> {
        let kind = match name {
            "null" => Kind::Null,
            "boolean" => Kind::Boolean,
            "int" => Kind::Int,
            "long" => Kind::Long,
            "float" => Kind::Float,
            "double" => Kind::Double,
            "bytes" => Kind::Bytes,
            "string" => Kind::String,
            _ => {
                debug_assert!(!PRIMITIVES.contains(&name));
                let candidates = if name.contains('.') || namespace.is_empty() {
                    vec![name.to_owned()]
                } else {
                    vec![format!("{namespace}.{name}"), name.to_owned()]
                };
                return candidates
                    .iter()
                    .find_map(|c| self.named.get(c).copied())
                    .ok_or_else(|| Self::error(format!("unknown type `{name}`"), pointer));
            }
        };
        Ok(self.push(kind, logical, pointer))
    }

    fn name(
        &self,
        object: &serde_json::Map<String, Value>,
        namespace: &str,
        pointer: &str,
    ) -> Result<Name, ResolveError> {
        let name = object
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| Self::error("a named type needs `name`", pointer))?;
        let (fullname, inner_namespace) = full_name(
            name,
            object.get("namespace").and_then(Value::as_str),
            namespace,
        );
        let aliases = aliases(object, &inner_namespace);
        Ok(Name { fullname, aliases })
    }

    fn record(
        &mut self,
        object: &serde_json::Map<String, Value>,
        namespace: &str,
        pointer: &str,
        depth: usize,
    ) -> Result<TypeId, ResolveError> {
        let name = self.name(object, namespace, pointer)?;
        let inner_namespace = name
            .fullname
            .rsplit_once('.')
            .map_or(String::new(), |(ns, _)| ns.to_owned());
        // Registered before its fields are built, so fields may refer to the record itself.
        let id = self.push(Kind::Pending(name.fullname.clone()), None, pointer);
        self.named.insert(name.fullname.clone(), id);
        let mut fields = Vec::new();
        let declared = object
            .get("fields")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (i, field) in declared.iter().enumerate() {
            let field_pointer = format!("{pointer}/fields/{i}");
            let field_name = field
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| Self::error("a field needs `name`", &field_pointer))?;
            let field_type = field.get("type").ok_or_else(|| {
                Self::error(format!("field `{field_name}` needs `type`"), &field_pointer)
            })?;
            let ty = self.build(
                field_type,
                &inner_namespace,
                &format!("{field_pointer}/type"),
                depth + 1,
            )?;
            let field_aliases = field
                .get("aliases")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            fields.push(Field {
                name: field_name.to_owned(),
                aliases: field_aliases,
                ty,
                default: field.get("default").cloned(),
                doc: field.get("doc").and_then(Value::as_str).map(str::to_owned),
                pointer: field_pointer,
            });
        }
        let logical = object
            .get("logicalType")
            .and_then(Value::as_str)
            .map(str::to_owned);
        self.types[id] = Type {
            kind: Kind::Record {
                by_name: fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (f.name.clone(), i))
                    .collect(),
                name,
                fields,
            },
            logical_type: logical,
            doc: object.get("doc").and_then(Value::as_str).map(str::to_owned),
            pointer: pointer.to_owned(),
            document: self.document,
        };
        Ok(id)
    }

    fn finish(self, root: TypeId) -> Result<AvroSchema, ResolveError> {
        if let Some(t) = self
            .types
            .iter()
            .find(|t| matches!(t.kind, Kind::Pending(_)))
        {
            return Err(Self::error("a record was never completed", &t.pointer));
        }
        Ok(AvroSchema {
            types: self.types,
            root,
        })
    }
}

/// A named type's aliases as full names: an alias without a dot takes the type's namespace.
fn aliases(object: &serde_json::Map<String, Value>, namespace: &str) -> Vec<String> {
    object
        .get("aliases")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|alias| {
                    if alias.contains('.') || namespace.is_empty() {
                        alias.to_owned()
                    } else {
                        format!("{namespace}.{alias}")
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every reason `reader` cannot read data written with `writer`.
pub fn can_read(reader: &AvroSchema, writer: &AvroSchema) -> Vec<Incompatibility> {
    let mut checker = Checker {
        reader,
        writer,
        in_progress: FxHashSet::default(),
        verdicts: FxHashMap::default(),
    };
    checker.check(reader.root, writer.root, &Path::ROOT)
}

struct Checker<'a> {
    reader: &'a AvroSchema,
    writer: &'a AvroSchema,
    /// Pairs being compared further up: recursive types are assumed compatible there, as Java does.
    in_progress: FxHashSet<(TypeId, TypeId)>,
    /// Remembered yes/no answers for union branch matching, for pairs involving records.
    verdicts: FxHashMap<(TypeId, TypeId), bool>,
}

impl<'a> Checker<'a> {
    fn incompatible(
        &self,
        rule: &'static str,
        r: TypeId,
        w: TypeId,
        message: String,
    ) -> Incompatibility {
        Incompatibility {
            rule,
            reader_path: self.reader.types[r].pointer.clone(),
            writer_path: self.writer.types[w].pointer.clone(),
            message,
        }
    }

    fn compatible(&mut self, r: TypeId, w: TypeId) -> bool {
        let is_record = |s: &AvroSchema, t: TypeId| matches!(s.types[t].kind, Kind::Record { .. });
        if !is_record(self.reader, r) && !is_record(self.writer, w) {
            return self.check(r, w, &Path::ROOT).is_empty();
        }
        if let Some(verdict) = self.verdicts.get(&(r, w)) {
            return *verdict;
        }
        let verdict = self.check(r, w, &Path::ROOT).is_empty();
        self.verdicts.insert((r, w), verdict);
        verdict
    }

    /// `path` names the place by field names (`/fields/items/items/fields/sku`), for messages.
    fn check(&mut self, r: TypeId, w: TypeId, path: &Path<'_>) -> Vec<Incompatibility> {
        // Only named types can recur, so only they need the guard.
        let guarded = matches!(self.reader.types[r].kind, Kind::Record { .. });
        if guarded && !self.in_progress.insert((r, w)) {
            return Vec::new();
        }
        let found = self.compare(r, w, path);
        if guarded {
            self.in_progress.remove(&(r, w));
        }
        found
    }

    fn compare(&mut self, r: TypeId, w: TypeId, path: &Path<'_>) -> Vec<Incompatibility> {
        // The schemas outlive the checker, so their kinds can be borrowed while it recurses.
        let (reader, writer): (&'a AvroSchema, &'a AvroSchema) = (self.reader, self.writer);
        let at = || path.render();
        use Kind::*;
        match (&reader.types[r].kind, &writer.types[w].kind) {
            (Null, Null)
            | (Boolean, Boolean)
            | (Int, Int)
            | (Long, Long)
            | (Float, Float)
            | (Double, Double)
            | (Bytes, Bytes)
            | (String, String) => Vec::new(),
            (Array(ri), Array(wi)) => self.check(*ri, *wi, &path.child(Segment::Items)),
            (Map(rv), Map(wv)) => self.check(*rv, *wv, &path.child(Segment::Values)),
            (Fixed { name: rn, size: rs }, Fixed { name: wn, size: ws }) => {
                let mut found = self.names(r, w, rn, wn, path);
                if rs != ws {
                    found.push(self.incompatible(
                        "FIXED_SIZE_MISMATCH",
                        r,
                        w,
                        format!(
                            "{}: fixed {} is {rs} bytes in the reader but {ws} in the writer",
                            at(),
                            rn.fullname
                        ),
                    ));
                }
                found
            }
            (
                Enum {
                    name: rn,
                    symbols: rs,
                    default: rd,
                },
                Enum {
                    name: wn,
                    symbols: ws,
                    ..
                },
            ) => {
                let mut found = self.names(r, w, rn, wn, path);
                let missing: Vec<&str> = ws
                    .iter()
                    .filter(|s| !rs.contains(s))
                    .map(std::string::String::as_str)
                    .collect();
                let reader_default_usable = rd.as_ref().is_some_and(|d| rs.contains(d));
                if !missing.is_empty() && !reader_default_usable {
                    found.push(self.incompatible(
                        "MISSING_ENUM_SYMBOLS",
                        r,
                        w,
                        format!(
                            "{}: the reader's enum {} lacks the writer's symbols [{}] and has no default to read them as",
                            at(),
                            rn.fullname,
                            missing.join(", ")
                        ),
                    ));
                }
                found
            }
            (
                Record {
                    name: rn,
                    fields: rf,
                    ..
                },
                Record {
                    name: wn,
                    fields: wf,
                    by_name: writer_index,
                },
            ) => {
                let mut found = self.names(r, w, rn, wn, path);
                for field in rf {
                    let writer_field = writer_index
                        .get(&field.name)
                        .or_else(|| field.aliases.iter().find_map(|a| writer_index.get(a)))
                        .map(|&i| &wf[i]);
                    let field_path = || path.child(Segment::Field(&field.name));
                    match writer_field {
                        Some(wfield) => found.extend(self.check(field.ty, wfield.ty, &field_path())),
                        None if field.default.is_some() => {}
                        None => found.push(Incompatibility {
                            rule: "READER_FIELD_MISSING_DEFAULT_VALUE",
                            reader_path: field.pointer.clone(),
                            writer_path: self.writer.types[w].pointer.clone(),
                            message: format!(
                                "{}: the reader's field `{}` is not in the writer's record {} and has no default",
                                field_path().render(),
                                field.name,
                                wn.fullname
                            ),
                        }),
                    }
                }
                found
            }
            (Union(_), Union(writer_branches)) => {
                let mut found = Vec::new();
                for (i, &branch) in writer_branches.iter().enumerate() {
                    if !self.compatible(r, branch) {
                        found.push(self.incompatible(
                            "MISSING_UNION_BRANCH",
                            r,
                            branch,
                            format!(
                                "{}: the reader's union has no branch that reads the writer's branch {i} ({})",
                                at(),
                                self.writer.label(branch)
                            ),
                        ));
                    }
                }
                found
            }
            // A writer union needs every branch readable by the (non-union) reader.
            (_, Union(writer_branches)) => writer_branches
                .iter()
                .enumerate()
                .flat_map(|(i, &branch)| self.check(r, branch, &path.child(Segment::Branch(i))))
                .collect::<Vec<_>>(),
            // A reader union needs one branch that reads the writer.
            (Union(reader_branches), _) => {
                if reader_branches
                    .iter()
                    .any(|&branch| self.compatible(branch, w))
                {
                    Vec::new()
                } else {
                    vec![self.incompatible(
                        "MISSING_UNION_BRANCH",
                        r,
                        w,
                        format!(
                            "{}: the reader's union has no branch that reads the writer's {}",
                            at(),
                            self.writer.label(w)
                        ),
                    )]
                }
            }
            (Long, Int)
            | (Float, Int | Long)
            | (Double, Int | Long | Float)
            | (Bytes, String)
            | (String, Bytes) => Vec::new(),
            _ => vec![self.incompatible(
                "TYPE_MISMATCH",
                r,
                w,
                format!(
                    "{}: the reader's {} cannot read the writer's {}",
                    at(),
                    self.reader.label(r),
                    self.writer.label(w)
                ),
            )],
        }
    }

    fn names(
        &self,
        r: TypeId,
        w: TypeId,
        reader: &Name,
        writer: &Name,
        path: &Path<'_>,
    ) -> Vec<Incompatibility> {
        if reader.unqualified() == writer.unqualified() || reader.aliases.contains(&writer.fullname)
        {
            return Vec::new();
        }
        vec![self.incompatible(
            "NAME_MISMATCH",
            r,
            w,
            format!(
                "{}: the reader's {} does not match the writer's {} (names differ and no reader alias names it)",
                path.render(),
                reader.fullname,
                writer.fullname
            ),
        )]
    }
}

/// Changes that are compatible by Avro's rules but change what data means or how a schema
/// reads: a logical type changed (`date` → `timestamp-millis` keeps the `int`/`long` but not
/// the meaning), a field default changed (readers fill different values for old data), a
/// namespace changed (generated classes move), documentation changed. Reported as warnings,
/// separately from incompatibilities. `reader_path` points into `new`, `writer_path` into `old`.
pub fn risky_changes(new: &AvroSchema, old: &AvroSchema) -> Vec<Incompatibility> {
    let mut out = Vec::new();
    let mut visited = HashSet::new();
    risky(new, old, new.root, old.root, "", &mut visited, &mut out);
    out
}

fn risky(
    new: &AvroSchema,
    old: &AvroSchema,
    n: TypeId,
    o: TypeId,
    path: &str,
    visited: &mut HashSet<(TypeId, TypeId)>,
    out: &mut Vec<Incompatibility>,
) {
    if !visited.insert((n, o)) {
        return;
    }
    let (nt, ot) = (&new.types[n], &old.types[o]);
    let at = display(path);
    let mut push = |rule: &'static str, message: String| {
        out.push(Incompatibility {
            rule,
            reader_path: nt.pointer.clone(),
            writer_path: ot.pointer.clone(),
            message,
        })
    };
    if nt.logical_type != ot.logical_type {
        let show = |l: &Option<String>| {
            l.as_deref()
                .map_or_else(|| "none".to_owned(), |l| format!("`{l}`"))
        };
        push(
            "LOGICAL_TYPE_CHANGED",
            format!(
                "{at}: logical type changed from {} to {}; the encoding is unchanged, the meaning is not",
                show(&ot.logical_type),
                show(&nt.logical_type)
            ),
        );
    }
    match (&nt.kind, &ot.kind) {
        (
            Kind::Record {
                name: nn,
                fields: nf,
                ..
            },
            Kind::Record {
                name: on,
                fields: of,
                by_name: old_index,
            },
        ) => {
            if nn.unqualified() == on.unqualified() && nn.fullname != on.fullname {
                push(
                    "NAMESPACE_CHANGED",
                    format!(
                        "{at}: record {} moved to {}; generated classes change package",
                        on.fullname, nn.fullname
                    ),
                );
            }
            if nt.doc != ot.doc {
                push(
                    "DOC_CHANGED",
                    format!("{at}: the documentation of record {} changed", nn.fullname),
                );
            }
            for field in nf {
                let Some(old_field) = old_index
                    .get(&field.name)
                    .or_else(|| field.aliases.iter().find_map(|a| old_index.get(a)))
                    .map(|&i| &of[i])
                else {
                    continue;
                };
                let field_path = format!("{path}/fields/{}", field.name);
                if let (Some(new_default), Some(old_default)) = (&field.default, &old_field.default)
                    && new_default != old_default
                {
                    out.push(Incompatibility {
                        rule: "DEFAULT_CHANGED",
                        reader_path: format!("{}/default", field.pointer),
                        writer_path: format!("{}/default", old_field.pointer),
                        message: format!(
                            "{field_path}: default changed from {old_default} to {new_default}; readers fill a different value for data without the field"
                        ),
                    });
                }
                if field.doc != old_field.doc {
                    out.push(Incompatibility {
                        rule: "DOC_CHANGED",
                        reader_path: field.pointer.clone(),
                        writer_path: old_field.pointer.clone(),
                        message: format!(
                            "{field_path}: the documentation of field `{}` changed",
                            field.name
                        ),
                    });
                }
                risky(new, old, field.ty, old_field.ty, &field_path, visited, out);
            }
        }
        (Kind::Enum { name: nn, .. }, Kind::Enum { name: on, .. })
        | (Kind::Fixed { name: nn, .. }, Kind::Fixed { name: on, .. })
            if nn.unqualified() == on.unqualified() && nn.fullname != on.fullname =>
        {
            push(
                "NAMESPACE_CHANGED",
                format!(
                    "{at}: {} moved to {}; generated classes change package",
                    on.fullname, nn.fullname
                ),
            );
        }
        (Kind::Array(ni), Kind::Array(oi)) => {
            risky(new, old, *ni, *oi, &format!("{path}/items"), visited, out)
        }
        (Kind::Map(nv), Kind::Map(ov)) => {
            risky(new, old, *nv, *ov, &format!("{path}/values"), visited, out)
        }
        (Kind::Union(nb), Kind::Union(ob)) => {
            for (i, &branch) in nb.iter().enumerate() {
                // The branch at the same position when it has the same shape (branches rarely
                // move), else the first of the same shape.
                let same = ob
                    .get(i)
                    .filter(|&&b| same_shape(new, branch, old, b))
                    .or_else(|| ob.iter().find(|&&b| same_shape(new, branch, old, b)));
                if let Some(&same) = same {
                    risky(new, old, branch, same, &format!("{path}/{i}"), visited, out);
                }
            }
        }
        _ => {}
    }
}

/// Whether two types are "the same branch" of a union: same kind, and same unqualified name
/// for named types.
pub(crate) fn same_shape(a: &AvroSchema, x: TypeId, b: &AvroSchema, y: TypeId) -> bool {
    match (&a.types[x].kind, &b.types[y].kind) {
        (Kind::Record { name: n1, .. }, Kind::Record { name: n2, .. })
        | (Kind::Enum { name: n1, .. }, Kind::Enum { name: n2, .. })
        | (Kind::Fixed { name: n1, .. }, Kind::Fixed { name: n2, .. }) => {
            n1.unqualified() == n2.unqualified()
        }
        (k1, k2) => std::mem::discriminant(k1) == std::mem::discriminant(k2),
    }
}

/// A place in a schema named by field names (`/fields/items/items/fields/sku`), built as a
/// chain on the stack while checking and rendered only when a message needs it.
#[derive(Debug, Clone, Copy)]
struct Path<'p> {
    parent: Option<&'p Path<'p>>,
    segment: Segment<'p>,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'p> {
    Root,
    Field(&'p str),
    Items,
    Values,
    Branch(usize),
}

impl<'p> Path<'p> {
    const ROOT: Path<'static> = Path {
        parent: None,
        segment: Segment::Root,
    };

    fn child(&'p self, segment: Segment<'p>) -> Path<'p> {
        Path {
            parent: Some(self),
            segment,
        }
    }

    fn render(&self) -> String {
        let mut segments = Vec::new();
        let mut at = Some(self);
        while let Some(path) = at {
            segments.push(path.segment);
            at = path.parent;
        }
        let mut out = String::new();
        for segment in segments.iter().rev() {
            match segment {
                Segment::Root => {}
                Segment::Field(name) => {
                    out.push_str("/fields/");
                    out.push_str(name);
                }
                Segment::Items => out.push_str("/items"),
                Segment::Values => out.push_str("/values"),
                Segment::Branch(i) => {
                    out.push('/');
                    out.push_str(&i.to_string());
                }
            }
        }
        if out.is_empty() { "/".to_owned() } else { out }
    }
}

fn display(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(value: Value) -> AvroSchema {
        AvroSchema::parse(&value, &[]).expect("valid schema")
    }

    fn rules(reader: Value, writer: Value) -> Vec<(&'static str, String)> {
        can_read(&schema(reader), &schema(writer))
            .into_iter()
            .map(|i| (i.rule, i.reader_path))
            .collect()
    }

    fn record(fields: Value) -> Value {
        json!({"type": "record", "name": "R", "namespace": "n", "fields": fields})
    }

    #[test]
    fn promotions() {
        for (reader, writer) in [
            ("long", "int"),
            ("float", "long"),
            ("double", "float"),
            ("bytes", "string"),
            ("string", "bytes"),
        ] {
            assert_eq!(
                rules(json!(reader), json!(writer)),
                [],
                "{reader} reads {writer}"
            );
        }
        assert_eq!(
            rules(json!("int"), json!("long")),
            [("TYPE_MISMATCH", String::new())]
        );
    }

    #[test]
    fn added_field_needs_default_and_every_break_is_reported() {
        let old = record(json!([{"name": "a", "type": "int"}]));
        let new = record(json!([
            {"name": "a", "type": "string"},
            {"name": "b", "type": "int"},
            {"name": "c", "type": "int", "default": 0}
        ]));
        assert_eq!(
            rules(new, old),
            [
                ("TYPE_MISMATCH", "/fields/0/type".to_owned()),
                ("READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1".to_owned())
            ]
        );
    }

    #[test]
    fn field_aliases_and_named_type_aliases() {
        let old = record(json!([{"name": "old_name", "type": "int"}]));
        let new = record(json!([{"name": "new_name", "aliases": ["old_name"], "type": "int"}]));
        assert_eq!(rules(new, old), []);
        let writer = json!({"type": "record", "name": "Old", "namespace": "n", "fields": []});
        let reader = json!({"type": "record", "name": "New", "namespace": "n", "aliases": ["Old"], "fields": []});
        assert_eq!(rules(reader.clone(), writer.clone()), []);
        assert_eq!(rules(writer, reader), [("NAME_MISMATCH", String::new())]);
    }

    #[test]
    fn namespace_change_alone_is_compatible() {
        let a = json!({"type": "record", "name": "R", "namespace": "a", "fields": []});
        let b = json!({"type": "record", "name": "R", "namespace": "b", "fields": []});
        assert_eq!(rules(a, b), []);
    }

    #[test]
    fn enums() {
        let writer = json!({"type": "enum", "name": "E", "symbols": ["A", "B", "C"]});
        let reader = json!({"type": "enum", "name": "E", "symbols": ["A", "B"]});
        assert_eq!(
            rules(reader, writer.clone()),
            [("MISSING_ENUM_SYMBOLS", String::new())]
        );
        let with_default =
            json!({"type": "enum", "name": "E", "symbols": ["A", "B"], "default": "A"});
        assert_eq!(rules(with_default, writer), []);
    }

    #[test]
    fn fixed_sizes() {
        let a = json!({"type": "fixed", "name": "F", "size": 4});
        let b = json!({"type": "fixed", "name": "F", "size": 8});
        assert_eq!(rules(a, b), [("FIXED_SIZE_MISMATCH", String::new())]);
    }

    #[test]
    fn unions() {
        assert_eq!(rules(json!(["null", "string"]), json!("string")), []);
        assert_eq!(rules(json!(["null", "long"]), json!("int")), []);
        assert_eq!(
            rules(json!("string"), json!(["null", "string"])),
            [("TYPE_MISMATCH", String::new())]
        );
        assert_eq!(
            rules(json!(["null", "int"]), json!(["null", "string"])),
            [("MISSING_UNION_BRANCH", String::new())]
        );
        assert_eq!(
            rules(json!(["int"]), json!("string")),
            [("MISSING_UNION_BRANCH", String::new())]
        );
    }

    #[test]
    fn recursive_types_terminate() {
        let list = |value: &str| {
            json!({"type": "record", "name": "Node", "fields": [
                {"name": "value", "type": value},
                {"name": "next", "type": ["null", "Node"], "default": null}
            ]})
        };
        assert_eq!(rules(list("long"), list("int")), []);
        let found = rules(list("int"), list("long"));
        assert_eq!(found, [("TYPE_MISMATCH", "/fields/0/type".to_owned())]);
    }

    #[test]
    fn risky_but_compatible_changes_are_reported_separately() {
        let old = json!({"type": "record", "name": "R", "namespace": "a", "doc": "v1", "fields": [
            {"name": "day", "type": {"type": "int", "logicalType": "date"}},
            {"name": "n", "type": "int", "default": 1},
            {"name": "m", "type": ["null", {"type": "record", "name": "M", "fields": [{"name": "x", "type": "long", "doc": "old"}]}], "default": null}
        ]});
        let new = json!({"type": "record", "name": "R", "namespace": "b", "doc": "v2", "fields": [
            {"name": "day", "type": {"type": "int", "logicalType": "time-millis"}},
            {"name": "n", "type": "int", "default": 2},
            {"name": "m", "type": ["null", {"type": "record", "name": "M", "fields": [{"name": "x", "type": "long", "doc": "new"}]}], "default": null}
        ]});
        let (new, old) = (schema(new), schema(old));
        assert_eq!(can_read(&new, &old), []);
        let found: Vec<(&str, String)> = risky_changes(&new, &old)
            .into_iter()
            .map(|r| (r.rule, r.reader_path))
            .collect();
        assert_eq!(
            found,
            [
                ("NAMESPACE_CHANGED", String::new()),
                ("DOC_CHANGED", String::new()),
                ("LOGICAL_TYPE_CHANGED", "/fields/0/type".to_owned()),
                ("DEFAULT_CHANGED", "/fields/1/default".to_owned()),
                ("NAMESPACE_CHANGED", "/fields/2/type/1".to_owned()),
                ("DOC_CHANGED", "/fields/2/type/1/fields/0".to_owned()),
            ]
        );
        assert_eq!(risky_changes(&old, &old), []);
    }

    #[test]
    fn references_are_resolved_before_comparing() {
        let money_v1 = json!({"type": "record", "name": "Money", "namespace": "s", "fields": [{"name": "amount", "type": "int"}]});
        let money_v2 = json!({"type": "record", "name": "Money", "namespace": "s", "fields": [{"name": "amount", "type": "string"}]});
        let order = json!({"type": "record", "name": "Order", "namespace": "s", "fields": [{"name": "total", "type": "Money"}]});
        let old = AvroSchema::parse(&order, &[&money_v1]).expect("old");
        let new = AvroSchema::parse(&order, &[&money_v2]).expect("new");
        let found = can_read(&new, &old);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "TYPE_MISMATCH");
        assert_eq!(found[0].reader_path, "/fields/0/type");
        assert_eq!(new.get(new.root()).document, 0);
    }
}
