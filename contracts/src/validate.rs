//! Checks across the files of a catalog: names that must exist or be unique, registry
//! subjects, and example payloads against their schemas.

use std::collections::{BTreeMap, HashMap};

use std::sync::Arc;

use crate::avro;
use crate::codes;
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{Catalog, Event, Origin, SubjectNaming};
use crate::payload::Payload;
use crate::schema::{LoadedSchema, SchemaFormat, SchemaId};
use crate::suggest::did_you_mean;

/// JSON documents that JSON Schema `$ref`s may point into, keyed by `file://` URI.
pub type Resources = HashMap<String, serde_json::Value>;

/// Runs every cross-file check on a loaded catalog.
pub fn check(catalog: &Catalog, resources: Resources) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    duplicate_events(catalog, &mut out);
    duplicate_services(catalog, &mut out);
    unknown_events(catalog, &mut out);
    duplicate_subjects(catalog, &mut out);
    let resources = Arc::new(resources);
    let validators = compile_json_schemas(catalog, &resources, &mut out);
    protobuf_messages(catalog, &mut out);
    for event in &catalog.events {
        check_examples(catalog, event, &validators, &mut out);
    }
    out
}

/// The Protobuf message each event and reader schema names exists in its file (and `message:`
/// is only given where it means something).
fn protobuf_messages(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let events = catalog.events.iter().map(|e| (&e.name.value, &e.schema));
    let readers = catalog
        .services
        .iter()
        .flat_map(|s| s.consumes.iter().map(move |c| (&s.name.value, &c.schema)));
    for (owner, schema_ref) in events.chain(readers) {
        let Some(schema_ref) = schema_ref else {
            continue;
        };
        let Some(id) = schema_ref.id else { continue };
        let schema = catalog.schemas.get(id);
        let named = schema_ref.message.as_ref();
        let Some(compiled) = schema.protobuf.as_ref() else {
            if let Some(message) = named.filter(|_| schema.format != SchemaFormat::Protobuf) {
                out.push(
                    Diagnostic::new(
                        codes::UNKNOWN_MESSAGE,
                        format!(
                            "`{owner}` names message `{}`, but its schema is {}, not Protobuf",
                            message.value, schema.format
                        ),
                    )
                    .at(message.location.clone())
                    .pointer(message.pointer.clone())
                    .help("remove `message:`; it names the message of a .proto schema"),
                );
            }
            continue;
        };
        if compiled.message(named.map(|m| m.value.as_str())).is_some() {
            continue;
        }
        let diagnostic = match named {
            Some(message) => Diagnostic::new(
                codes::UNKNOWN_MESSAGE,
                format!(
                    "`{owner}` names message `{}`, which {} does not define",
                    message.value,
                    schema.display_name()
                ),
            )
            .at(message.location.clone())
            .pointer(message.pointer.clone())
            .help(crate::protobuf::unknown_message_help(
                compiled,
                &message.value,
            )),
            None => Diagnostic::new(
                codes::UNKNOWN_MESSAGE,
                format!(
                    "the schema of `{owner}`, {}, defines no message to be its payload",
                    schema.display_name()
                ),
            )
            .at(schema_ref.written.location.clone())
            .pointer(schema_ref.written.pointer.clone())
            .help(
                "define the payload message in the file, or point `schema` at the file that does",
            ),
        };
        out.push(diagnostic);
    }
}

/// Compiles every JSON Schema of the catalog, which resolves its `$ref`s (and so reports those
/// that do not resolve), and keeps the validators for checking examples.
fn compile_json_schemas(
    catalog: &Catalog,
    resources: &Arc<Resources>,
    out: &mut Vec<Diagnostic>,
) -> HashMap<SchemaId, jsonschema::Validator> {
    let mut validators = HashMap::new();
    for (id, schema) in catalog.schemas.iter() {
        if schema.format != SchemaFormat::JsonSchema || !schema.valid {
            continue;
        }
        match compile_json_schema(schema, resources) {
            Ok(validator) => {
                validators.insert(id, validator);
            }
            Err(message) => {
                let location = schema.node.as_ref().map_or_else(
                    || Location::file_start(&schema.file),
                    |n| n.location(&schema.file),
                );
                let remote = message.contains("is remote");
                let code = if remote {
                    codes::REMOTE_REFERENCE
                } else {
                    codes::UNRESOLVED_REFERENCE
                };
                let help = if remote {
                    "vendor the referenced schema into the catalog and refer to it by relative path"
                } else {
                    "make every `$ref` of the schema resolve to a definition in it or to a file of the catalog"
                };
                out.push(
                    Diagnostic::new(
                        code,
                        format!("JSON Schema {}: {message}", schema.display_name()),
                    )
                    .at(location)
                    .pointer(schema.pointer.clone())
                    .help(help),
                );
            }
        }
    }
    validators
}

fn duplicate_events(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &Event> = HashMap::new();
    for event in &catalog.events {
        match first.get(event.name.value.as_str()) {
            Some(earlier) => out.push(
                Diagnostic::new(
                    codes::DUPLICATE_EVENT,
                    format!("event `{}` is declared twice", event.name.value),
                )
                .at(event.name.location.clone())
                .pointer(event.name.pointer.clone())
                .related(earlier.name.location.clone(), "first declared here")
                .help("give each event one contract; rename one if they are different events"),
            ),
            None => {
                first.insert(&event.name.value, event);
            }
        }
    }
}

fn duplicate_services(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &Location> = HashMap::new();
    for service in &catalog.services {
        match first.get(service.name.value.as_str()) {
            Some(earlier) => out.push(
                Diagnostic::new(
                    codes::DUPLICATE_SERVICE,
                    format!("service `{}` is declared twice", service.name.value),
                )
                .at(service.name.location.clone())
                .pointer(service.name.pointer.clone())
                .related((*earlier).clone(), "first declared here")
                .help("describe each service in one file"),
            ),
            None => {
                first.insert(&service.name.value, &service.name.location);
            }
        }
    }
}

fn unknown_events(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let names: Vec<&str> = catalog
        .events
        .iter()
        .map(|e| e.name.value.as_str())
        .collect();
    let declared: std::collections::HashSet<&str> = names.iter().copied().collect();
    for service in &catalog.services {
        let named = service
            .produces
            .iter()
            .map(|p| ("produces", &p.event))
            .chain(service.consumes.iter().map(|c| ("consumes", &c.event)));
        for (verb, event) in named {
            if declared.contains(event.value.as_str()) {
                continue;
            }
            let help = match did_you_mean(&event.value, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "declare the event in an event file, or fix the name".to_owned(),
            };
            out.push(
                Diagnostic::new(
                    codes::UNKNOWN_EVENT,
                    format!(
                        "service `{}` {verb} `{}`, which no contract declares",
                        service.name.value, event.value
                    ),
                )
                .at(event.location.clone())
                .pointer(event.pointer.clone())
                .help(help),
            );
        }
    }
}

/// The registry subject an event's schema is registered under: the declared one, or the one
/// the naming strategy derives (Confluent's TopicNameStrategy by default).
pub fn subject_of(catalog: &Catalog, event: &Event) -> Option<String> {
    if let Some(subject) = &event.subject {
        return Some(subject.value.clone());
    }
    let strategy = catalog
        .config
        .defaults
        .subject_naming
        .as_ref()
        .map_or(SubjectNaming::Topic, |s| s.value);
    let record = || {
        let schema_ref = event.schema.as_ref()?;
        let schema = catalog.schemas.get(schema_ref.id?);
        if schema.format == SchemaFormat::Protobuf {
            // Confluent's record name strategies name a Protobuf subject by the message.
            return match Payload::of(catalog, schema_ref)? {
                Payload::Protobuf(message) => Some(message.full_name().to_owned()),
                Payload::Schema(_) => None,
            };
        }
        record_name(schema)
    };
    match strategy {
        SubjectNaming::Topic => event.topic.as_ref().map(|t| format!("{}-value", t.value)),
        SubjectNaming::Record => record(),
        SubjectNaming::TopicRecord => {
            Some(format!("{}-{}", event.topic.as_ref()?.value, record()?))
        }
    }
}

/// The record full name of an Avro schema, or the `title` of a JSON Schema.
fn record_name(schema: &LoadedSchema) -> Option<String> {
    let json = schema.json.as_ref()?;
    match schema.format {
        SchemaFormat::Avro => avro::scan(json)
            .defined
            .first()
            .filter(|d| d.pointer.is_empty())
            .map(|d| d.fullname.clone()),
        SchemaFormat::JsonSchema => json
            .get("title")
            .and_then(|t| t.as_str())
            .map(str::to_owned),
        SchemaFormat::Protobuf => None,
    }
}

fn duplicate_subjects(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let mut by_subject: BTreeMap<String, Vec<&Event>> = BTreeMap::new();
    for event in &catalog.events {
        // AsyncAPI documents describe many protocols; only a declared subject is a registry
        // subject there.
        if event.schema.is_none() || (event.origin == Origin::AsyncApi && event.subject.is_none()) {
            continue;
        }
        if let Some(subject) = subject_of(catalog, event) {
            by_subject.entry(subject).or_default().push(event);
        }
    }
    for (subject, events) in by_subject {
        let Some((first, rest)) = events.split_first() else {
            continue;
        };
        for event in rest {
            let (location, pointer) = match &event.subject {
                Some(s) => (s.location.clone(), s.pointer.clone()),
                None => event
                    .topic
                    .as_ref()
                    .map_or((event.location.clone(), String::new()), |t| {
                        (t.location.clone(), t.pointer.clone())
                    }),
            };
            out.push(
                Diagnostic::new(
                    codes::DUPLICATE_SUBJECT,
                    format!(
                        "events `{}` and `{}` both register their schema under subject `{subject}`",
                        first.name.value, event.name.value
                    ),
                )
                .at(location)
                .pointer(pointer)
                .related(first.location.clone(), format!("`{}` is declared here", first.name.value))
                .help(
                    "several event types on one topic need distinct subjects: set `defaults.subject-naming: topic-record` or a `subject:` per event",
                ),
            );
        }
    }
}

fn check_examples(
    catalog: &Catalog,
    event: &Event,
    validators: &HashMap<SchemaId, jsonschema::Validator>,
    out: &mut Vec<Diagnostic>,
) {
    if event.examples.is_empty() {
        return;
    }
    let Some(id) = event.schema.as_ref().and_then(|s| s.id) else {
        return;
    };
    let schema = catalog.schemas.get(id);
    if !schema.valid {
        return;
    }
    let mismatches: Vec<(usize, avro::Mismatch)> = match schema.format {
        SchemaFormat::Avro => {
            let Some(json) = &schema.json else { return };
            let names = avro_names(catalog, schema);
            event
                .examples
                .iter()
                .enumerate()
                .flat_map(|(i, ex)| {
                    avro::validate_json(json, &names, &ex.payload)
                        .into_iter()
                        .map(move |m| (i, m))
                })
                .collect()
        }
        SchemaFormat::JsonSchema => {
            // A schema that did not compile was reported by compile_json_schemas.
            let Some(validator) = validators.get(&id) else {
                return;
            };
            event
                .examples
                .iter()
                .enumerate()
                .flat_map(|(i, example)| {
                    json_schema_mismatches(validator, &example.payload).map(move |m| (i, m))
                })
                .collect()
        }
        SchemaFormat::Protobuf => {
            // A message that does not exist was reported by protobuf_messages.
            let Some(Payload::Protobuf(message)) =
                event.schema.as_ref().and_then(|s| Payload::of(catalog, s))
            else {
                return;
            };
            event
                .examples
                .iter()
                .enumerate()
                .filter_map(|(i, example)| {
                    crate::protobuf::json_mismatch(&message, &example.payload).map(|m| (i, m))
                })
                .collect()
        }
    };
    for (index, mismatch) in mismatches {
        let example = &event.examples[index];
        let location = example.node.pointer(&mismatch.pointer).map_or_else(
            || example.location.clone(),
            |n| n.location(&example.location.file),
        );
        let name = example.name.as_deref().map_or_else(
            || format!("example {}", index + 1),
            |n| format!("example `{n}`"),
        );
        let at = if mismatch.pointer.is_empty() {
            String::new()
        } else {
            format!(" at {}", mismatch.pointer)
        };
        out.push(
            Diagnostic::new(
                codes::EXAMPLE_MISMATCH,
                format!(
                    "{name} of `{}` does not match its schema{at}: {}",
                    event.name.value, mismatch.message
                ),
            )
            .at(location)
            .pointer(format!("{}{}", example.pointer, mismatch.pointer))
            .help(format!(
                "fix the example or the schema ({})",
                schema.display_name()
            )),
        );
    }
}

/// Where a payload does not fit a compiled JSON Schema, in the form Avro mismatches take.
pub(crate) fn json_schema_mismatches<'v>(
    validator: &'v jsonschema::Validator,
    payload: &'v serde_json::Value,
) -> impl Iterator<Item = avro::Mismatch> + 'v {
    validator.iter_errors(payload).map(|error| avro::Mismatch {
        pointer: error.instance_path().as_str().to_owned(),
        message: shorten_instance(&error.to_string()),
    })
}

/// jsonschema's messages start with the offending value as JSON; a whole object makes an
/// unreadable message, and the location already shows it, so long values become "the value".
fn shorten_instance(message: &str) -> String {
    if message.starts_with(['{', '[']) {
        for separator in ["} is ", "] is ", "} has ", "] has "] {
            if let Some(at) = message.find(separator)
                && at > 40
            {
                return format!("the value{}", &message[at + 1..]);
            }
        }
    }
    message.to_owned()
}

/// The named types an Avro schema can see: its own and those of the files it references.
pub(crate) fn avro_names(catalog: &Catalog, schema: &LoadedSchema) -> avro::Names {
    let mut names = avro::Names::default();
    let own = schema.json.iter();
    let referenced = schema.references.iter().filter_map(|(_, file)| {
        catalog
            .schemas
            .find(file, "")
            .and_then(|id| catalog.schemas.get(id).json.as_ref())
    });
    for json in own.chain(referenced) {
        for named in avro::scan(json).defined {
            names.add(named);
        }
    }
    names
}

struct LocalResources(Arc<Resources>);

impl jsonschema::Retrieve for LocalResources {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let key = uri.as_str().split('#').next().unwrap_or("");
        match self.0.get(key) {
            Some(json) => Ok(json.clone()),
            None if key.starts_with("file:") => {
                Err(format!("{key} is not a file of the catalog").into())
            }
            None => {
                Err(format!("{key} is remote; contrail does not fetch remote references").into())
            }
        }
    }
}

/// A validator for a JSON Schema, whole-file or embedded in an AsyncAPI document. Embedded
/// schemas are compiled as a `$ref` into their document so that their own `$ref`s resolve as
/// they would in place.
pub(crate) fn compile_json_schema(
    schema: &LoadedSchema,
    resources: &Arc<Resources>,
) -> Result<jsonschema::Validator, String> {
    let uri = crate::uri::file_uri(&schema.file);
    let options = jsonschema::options().with_retriever(LocalResources(Arc::clone(resources)));
    let built = if schema.pointer.is_empty() {
        let root = schema.json.clone().ok_or("the schema did not load")?;
        options.with_base_uri(uri).build(&root)
    } else {
        // An AsyncAPI payload: a `$ref` into its document, with no base URI of its own (the
        // wrapper must not shadow the document it points into). AsyncAPI schema objects are
        // draft-07 unless they say otherwise.
        let declares_draft = schema
            .json
            .as_ref()
            .is_some_and(|j| j.get("$schema").is_some());
        let options = if declares_draft {
            options
        } else {
            options.with_draft(jsonschema::Draft::Draft7)
        };
        let wrapper = serde_json::json!({ "$ref": format!("{uri}#{}", crate::uri::percent_encode_path(&schema.pointer)) });
        options.build(&wrapper)
    };
    built.map_err(|e| e.to_string())
}
