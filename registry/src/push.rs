//! Planning `contrail registry push`: which subjects a catalog registers, in which order, with
//! which references, and which events are skipped and why.
//!
//! Planning is pure: it reads the loaded catalog and nothing else, never the registry, so what
//! a push will attempt can be tested without a server. The CLI carries a plan out with the
//! [`client`](crate::client), one step after the other, and interprets the registry's answers.
//!
//! Avro types that a schema takes from another file of the catalog are registered as subjects
//! of their own, named by the type's full name (Confluent's RecordNameStrategy), and referenced
//! from the schemas that use them. Such a file can use types of further files, so these files
//! are registered in topological order, each after the files it uses, and all of them before
//! the events. A `.proto` file's imports of other catalog files are registered the same way,
//! each under its import name (the subject Confluent's serializers use), and referenced by that
//! name. So are the catalog files a JSON Schema's `$ref`s name, each under the name the `$ref`
//! writes (the reference name is what the registry resolves the `$ref` by).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use contrail_contracts::model::{Event, Origin};
use contrail_contracts::schema::LoadedSchema;
use contrail_contracts::{Catalog, avro, validate};

use crate::model::SchemaType;

/// What pushing a catalog will do, step by step in the order the steps are taken: first the
/// events that are not pushed, then the referenced types, then the events' schemas.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PushPlan {
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An event whose schema is not pushed.
    Skip(Skip),
    /// A subject to register a schema under.
    Push(SubjectPush),
}

/// An event whose schema is not pushed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub event: String,
    /// The event's subject, when it has one.
    pub subject: Option<String>,
    pub reason: SkipReason,
}

/// Why an event's schema is not pushed. Some reasons are the catalog's choice (no schema, no
/// subject); the others are failures: the event should be pushed and cannot be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    NoSchema,
    /// AsyncAPI documents describe many protocols, so their events are pushed only when they
    /// name their subject.
    AsyncApiWithoutSubject,
    /// No `subject:`, and the naming strategy cannot derive one.
    NoSubject,
    /// The schema file the event names was not loaded (as written in the event).
    SchemaNotLoaded {
        written: String,
    },
    /// The schema did not parse (its display name).
    InvalidSchema {
        schema: String,
    },
    /// The schema has no text to register (its display name).
    NoSchemaText {
        schema: String,
    },
    /// A file the schema takes Avro types from was not loaded with the catalog.
    ReferenceNotLoaded {
        file: PathBuf,
    },
    /// The schema names (`$ref`s, imports) a file that other schemas name another way: the
    /// registry resolves a name by its reference name, and the file has one subject.
    ReferenceNamedTwoWays {
        file: PathBuf,
        names: [String; 2],
    },
}

impl SkipReason {
    /// Whether the event should have been pushed: a failure of the push, not a choice of the
    /// catalog.
    pub fn is_failure(&self) -> bool {
        !matches!(
            self,
            SkipReason::NoSchema | SkipReason::AsyncApiWithoutSubject | SkipReason::NoSubject
        )
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NoSchema => f.write_str("the event declares no schema"),
            SkipReason::AsyncApiWithoutSubject => f.write_str(
                "AsyncAPI event without `subject:` (AsyncAPI documents describe many protocols; declare the subject to push it)",
            ),
            SkipReason::NoSubject => f.write_str(
                "no subject: the event has no `subject:` and the naming strategy cannot derive one (no topic or record name)",
            ),
            SkipReason::SchemaNotLoaded { written } => {
                write!(f, "schema `{written}` was not loaded")
            }
            SkipReason::InvalidSchema { schema } => {
                write!(f, "{schema} is not a valid schema (run `contrail validate`)")
            }
            SkipReason::NoSchemaText { schema } => write!(f, "no schema text for {schema}"),
            SkipReason::ReferenceNotLoaded { file } => {
                write!(f, "the referenced {} was not loaded", file.display())
            }
            SkipReason::ReferenceNamedTwoWays { file, names } => write!(
                f,
                "{} is named `{}` here and `{}` elsewhere (by a `$ref` or an `import`); write one name (the registry resolves each by its reference name)",
                file.display(),
                names[0],
                names[1]
            ),
        }
    }
}

/// One subject to register a schema under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectPush {
    pub subject: String,
    pub source: Source,
    pub schema_type: SchemaType,
    /// The text to register.
    pub schema: String,
    /// The subjects of the referenced types the schema uses directly, each pushed by an
    /// earlier step: the schema's references, to the versions those steps leave live.
    pub references: Vec<String>,
    /// The subjects of every referenced type the schema needs, directly or through other
    /// types, in the order they are pushed: what the registry resolves the references to.
    pub resolves: Vec<String>,
}

/// What a pushed subject holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The schema of this event.
    Event(String),
    /// Avro types of a file that the schemas of these events use (sorted).
    ReferencedType { referenced_by: Vec<String> },
}

impl PushPlan {
    /// The referenced types `push` resolves to, in the order they are pushed: each one's
    /// subject (also its reference name), schema type and text.
    pub fn resolved_schemas(&self, push: &SubjectPush) -> Vec<(&str, SchemaType, &str)> {
        let pushed: BTreeMap<&str, &SubjectPush> = self
            .steps
            .iter()
            .filter_map(|step| match step {
                Step::Push(
                    referenced @ SubjectPush {
                        source: Source::ReferencedType { .. },
                        ..
                    },
                ) => Some((referenced.subject.as_str(), referenced)),
                _ => None,
            })
            .collect();
        push.resolves
            .iter()
            .filter_map(|subject| pushed.get(subject.as_str()))
            .map(|p| (p.subject.as_str(), p.schema_type, p.schema.as_str()))
            .collect()
    }
}

/// A file other schemas of the catalog take types from: an Avro file whose named types they
/// use, or a `.proto` file they import.
struct TypeFile<'c> {
    /// Its subject: for Avro the full name of the type the catalog uses (RecordNameStrategy),
    /// for Protobuf the import name (what Confluent's serializers register imports under).
    subject: String,
    schema_type: SchemaType,
    text: &'c str,
    /// Files whose types it uses directly.
    deps: Vec<PathBuf>,
    referenced_by: BTreeSet<String>,
}

/// An event to push: its name, subject and schema.
struct EventPush<'c> {
    event: String,
    subject: String,
    schema: &'c LoadedSchema,
}

/// Plans pushing `catalog`.
pub fn plan(catalog: &Catalog) -> PushPlan {
    let mut steps = Vec::new();
    let mut events = Vec::new();
    let mut files: BTreeMap<PathBuf, TypeFile<'_>> = BTreeMap::new();
    for event in &catalog.events {
        match pushable(catalog, event).and_then(|push| take_type_files(catalog, push, &mut files)) {
            Ok(push) => events.push(push),
            Err(skip) => steps.push(Step::Skip(skip)),
        }
    }

    // Which file defines each named type, to find each file's direct dependencies.
    let mut defined: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (file, node) in files
        .iter()
        .filter(|(_, n)| n.schema_type == SchemaType::Avro)
    {
        if let Ok(json) = serde_json::from_str(node.text) {
            for named in avro::scan(&json).defined {
                defined
                    .entry(named.fullname)
                    .or_insert_with(|| file.clone());
            }
        }
    }
    // A `.proto` file's imports and a JSON Schema's `$ref`ed files were recorded as its
    // dependencies when it was taken.
    let deps: Vec<(PathBuf, Vec<PathBuf>)> = files
        .iter()
        .filter(|(_, node)| node.schema_type == SchemaType::Avro)
        .map(|(file, node)| (file.clone(), direct_deps(node.text, file, &defined)))
        .collect();
    for (file, file_deps) in deps {
        if let Some(node) = files.get_mut(&file) {
            node.deps = file_deps;
        }
    }
    let order = topological(&files);
    let subjects_of = |wanted: &BTreeSet<&PathBuf>| -> Vec<String> {
        order
            .iter()
            .filter(|file| wanted.contains(file))
            .filter_map(|file| files.get(file).map(|node| node.subject.clone()))
            .collect()
    };

    // Referenced types first, then the events.
    for file in &order {
        let Some(node) = files.get(file) else {
            continue;
        };
        steps.push(Step::Push(SubjectPush {
            subject: node.subject.clone(),
            source: Source::ReferencedType {
                referenced_by: node.referenced_by.iter().cloned().collect(),
            },
            schema_type: node.schema_type,
            schema: node.text.to_owned(),
            references: subjects(&node.deps, &files),
            resolves: subjects_of(&transitive_deps(file, &files)),
        }));
    }
    for EventPush {
        event,
        subject,
        schema,
    } in events
    {
        let Some((schema_type, text)) = schema_text(schema) else {
            steps.push(Step::Skip(Skip {
                event,
                subject: Some(subject),
                reason: SkipReason::NoSchemaText {
                    schema: schema.display_name(),
                },
            }));
            continue;
        };
        let (references, resolves) = match schema_type {
            SchemaType::Avro => {
                let used: BTreeSet<&PathBuf> = schema.references.iter().map(|(_, f)| f).collect();
                (
                    subjects(&direct_deps(&text, &schema.file, &defined), &files),
                    subjects_of(&used),
                )
            }
            SchemaType::Protobuf | SchemaType::Json => {
                let direct: Vec<PathBuf> = named_files(schema_type)(catalog, schema)
                    .into_iter()
                    .map(|(_, file)| file)
                    .collect();
                let mut used: BTreeSet<&PathBuf> = BTreeSet::new();
                for file in &direct {
                    if let Some((file, _)) = files.get_key_value(file) {
                        used.insert(file);
                        used.extend(transitive_deps(file, &files));
                    }
                }
                (subjects(&direct, &files), subjects_of(&used))
            }
        };
        steps.push(Step::Push(SubjectPush {
            subject,
            source: Source::Event(event),
            schema_type,
            schema: text,
            references,
            resolves,
        }));
    }
    PushPlan { steps }
}

/// The event's subject and schema, or why the event is not pushed.
fn pushable<'c>(catalog: &'c Catalog, event: &Event) -> Result<EventPush<'c>, Skip> {
    let name = event.name.value.clone();
    let skip = |reason: SkipReason, subject: Option<String>| Skip {
        event: name.clone(),
        subject,
        reason,
    };
    let Some(schema_ref) = &event.schema else {
        return Err(skip(SkipReason::NoSchema, None));
    };
    if event.origin == Origin::AsyncApi && event.subject.is_none() {
        return Err(skip(SkipReason::AsyncApiWithoutSubject, None));
    }
    let Some(subject) = validate::subject_of(catalog, event) else {
        return Err(skip(SkipReason::NoSubject, None));
    };
    let Some(id) = schema_ref.id else {
        let written = schema_ref.written.value.clone();
        return Err(skip(SkipReason::SchemaNotLoaded { written }, Some(subject)));
    };
    let schema = catalog.schemas.get(id);
    if !schema.valid {
        let reason = SkipReason::InvalidSchema {
            schema: schema.display_name(),
        };
        return Err(skip(reason, Some(subject)));
    }
    Ok(EventPush {
        event: name,
        subject,
        schema,
    })
}

/// Records the files `push` takes Avro types from in `files`, each under the full name of the
/// type first taken from it, and the `.proto` files it imports or the JSON Schema files it
/// `$ref`s (directly or through other files), each under the name it is imported by.
fn take_type_files<'c>(
    catalog: &'c Catalog,
    push: EventPush<'c>,
    files: &mut BTreeMap<PathBuf, TypeFile<'c>>,
) -> Result<EventPush<'c>, Skip> {
    let schema_type = SchemaType::from(push.schema.format);
    if schema_type != SchemaType::Avro {
        return take_named_files(catalog, push, files, schema_type);
    }
    for (fullname, file) in &push.schema.references {
        if !files.contains_key(file) {
            // The loader loads every Avro file whose types it resolves, with its text.
            let Some(text) = catalog
                .schemas
                .find(file, "")
                .and_then(|id| catalog.schemas.get(id).text.as_deref())
            else {
                return Err(Skip {
                    event: push.event,
                    subject: Some(push.subject),
                    reason: SkipReason::ReferenceNotLoaded { file: file.clone() },
                });
            };
            files.insert(
                file.clone(),
                TypeFile {
                    subject: fullname.clone(),
                    schema_type: SchemaType::Avro,
                    text,
                    deps: Vec::new(),
                    referenced_by: BTreeSet::new(),
                },
            );
        }
        if let Some(node) = files.get_mut(file) {
            node.referenced_by.insert(push.event.clone());
        }
    }
    Ok(push)
}

/// The files of the catalog a schema names by an import name, with those names: a `.proto`
/// file's imports, a JSON Schema's `$ref`ed files. Registered under those names, they are
/// what the registry resolves the names through.
fn named_files(schema_type: SchemaType) -> fn(&Catalog, &LoadedSchema) -> Vec<(String, PathBuf)> {
    match schema_type {
        SchemaType::Json => contrail_contracts::load::json_schema_refs,
        _ => contrail_contracts::load::protobuf_imports,
    }
}

/// [`take_type_files`] for a `.proto` schema or a JSON Schema: every catalog file it names
/// ([`named_files`]), transitively, each under the name it is named by. A file named two ways
/// can have one subject only, so the second name fails the event.
fn take_named_files<'c>(
    catalog: &'c Catalog,
    push: EventPush<'c>,
    files: &mut BTreeMap<PathBuf, TypeFile<'c>>,
    schema_type: SchemaType,
) -> Result<EventPush<'c>, Skip> {
    let named = named_files(schema_type);
    let skip = |push: EventPush<'c>, reason: SkipReason| Skip {
        event: push.event,
        subject: Some(push.subject),
        reason,
    };
    let mut pending = named(catalog, push.schema);
    while let Some((name, file)) = pending.pop() {
        if let Some(node) = files.get_mut(&file) {
            if node.subject != name {
                let names = [name, node.subject.clone()];
                return Err(skip(
                    push,
                    SkipReason::ReferenceNamedTwoWays { file, names },
                ));
            }
            node.referenced_by.insert(push.event.clone());
            continue;
        }
        let Some(referenced) = catalog
            .schemas
            .find(&file, "")
            .map(|id| catalog.schemas.get(id))
        else {
            return Err(skip(push, SkipReason::ReferenceNotLoaded { file }));
        };
        let (Some(text), true) = (referenced.text.as_deref(), referenced.valid) else {
            let schema = referenced.display_name();
            return Err(skip(push, SkipReason::InvalidSchema { schema }));
        };
        let deps = named(catalog, referenced);
        files.insert(
            file,
            TypeFile {
                subject: name,
                schema_type,
                text,
                deps: deps.iter().map(|(_, f)| f.clone()).collect(),
                referenced_by: BTreeSet::from([push.event.clone()]),
            },
        );
        pending.extend(deps);
    }
    Ok(push)
}

/// The schema type and the text to register; `None` when there is no text.
fn schema_text(schema: &LoadedSchema) -> Option<(SchemaType, String)> {
    let schema_type = SchemaType::from(schema.format);
    if let Some(text) = &schema.text {
        return Some((schema_type, text.clone()));
    }
    match &schema.json {
        // An inline AsyncAPI payload: its JSON is the schema.
        Some(json) if schema_type != SchemaType::Protobuf => Some((schema_type, json.to_string())),
        _ => None,
    }
}

/// The subjects of `deps`.
fn subjects(deps: &[PathBuf], files: &BTreeMap<PathBuf, TypeFile<'_>>) -> Vec<String> {
    deps.iter()
        .filter_map(|dep| files.get(dep).map(|node| node.subject.clone()))
        .collect()
}

/// The files defining the types an Avro schema uses directly (in the order first used).
fn direct_deps(text: &str, own: &Path, defined: &BTreeMap<String, PathBuf>) -> Vec<PathBuf> {
    let Ok(json) = serde_json::from_str(text) else {
        return Vec::new();
    };
    let mut deps: Vec<PathBuf> = Vec::new();
    for used in avro::scan(&json).external_uses() {
        let file = used.candidates.iter().find_map(|c| defined.get(c));
        if let Some(file) = file
            && file != own
            && !deps.contains(file)
        {
            deps.push(file.clone());
        }
    }
    deps
}

/// The files, each after the files it depends on.
fn topological(files: &BTreeMap<PathBuf, TypeFile<'_>>) -> Vec<PathBuf> {
    fn visit(
        file: &PathBuf,
        files: &BTreeMap<PathBuf, TypeFile<'_>>,
        seen: &mut BTreeSet<PathBuf>,
        out: &mut Vec<PathBuf>,
    ) {
        if !seen.insert(file.clone()) {
            return;
        }
        if let Some(node) = files.get(file) {
            for dep in &node.deps {
                visit(dep, files, seen, out);
            }
        }
        out.push(file.clone());
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for file in files.keys() {
        visit(file, files, &mut seen, &mut out);
    }
    out
}

/// Every file `file` depends on, directly or through other files.
fn transitive_deps<'f>(
    file: &PathBuf,
    files: &'f BTreeMap<PathBuf, TypeFile<'_>>,
) -> BTreeSet<&'f PathBuf> {
    let mut needed = BTreeSet::new();
    let mut pending: Vec<&PathBuf> = files
        .get(file)
        .map(|n| n.deps.iter().collect())
        .unwrap_or_default();
    while let Some(dep) = pending.pop() {
        if needed.insert(dep)
            && let Some(node) = files.get(dep)
        {
            pending.extend(node.deps.iter());
        }
    }
    needed
}
