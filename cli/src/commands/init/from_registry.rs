//! `contrail init DIR --from-registry URL`: a catalog built from the latest version of every
//! (matching) subject of a live registry.
//!
//! What init can read from a registry it writes and keeps up to date on every run: the schema
//! files (owned whole), and in each event file the keys in [`OWNED_KEYS`]. Everything else in
//! an event file (owner, kind, examples, …) and `contrail.yaml` after the first run belong to
//! the team: re-running never changes them. What the registry cannot say (who produces and
//! consumes an event, who owns it) is listed in the report for the team to fill in.
//!
//! Nothing is half-written: the whole result is first loaded as a catalog in a scratch
//! directory; subjects whose files do not load without errors are left out and reported, and
//! only then are the files moved into place by [`super::install`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context;
use contrail_contracts::model::{Keyword, SubjectNaming};
use contrail_registry::client::{Client, RegisteredSchema};
use contrail_registry::model::{SchemaType, VersionSelector};
use serde::Serialize;

use super::merge;
use crate::commands::registry::pull::file_stem;
use crate::commands::registry::target::pretty_schema;

/// The keys of an event file that init derives from the registry and rewrites on every run.
pub(super) const OWNED_KEYS: &[&str] = &[
    "topic",
    "schema",
    "x-key-schema",
    "subject",
    "compatibility",
];

/// The catalog's default naming strategy when `contrail.yaml` names none.
const CATALOG_DEFAULT_NAMING: SubjectNaming = SubjectNaming::Topic;

/// A subject's latest version and its own compatibility level.
#[derive(Debug, Clone)]
pub(super) struct Fetched {
    pub schema: RegisteredSchema,
    /// The subject's own level; `None` when it follows the registry's.
    pub compatibility: Option<String>,
}

/// Everything init read from the registry.
#[derive(Debug, Clone, Default)]
pub(super) struct Registry {
    pub url: String,
    /// The registry-wide compatibility level.
    pub global_compatibility: Option<String>,
    /// The subjects asked for, by name.
    pub subjects: BTreeMap<String, Fetched>,
    /// Subjects outside the prefix that the asked-for ones reference, at the version referenced.
    pub referenced: BTreeMap<String, RegisteredSchema>,
}

/// Reads every subject starting with `prefix`, and every schema they reference.
pub(super) fn fetch(client: &Client, url: &str, prefix: Option<&str>) -> anyhow::Result<Registry> {
    let unreachable = || {
        format!(
            "reading the subjects of the registry at {url}: nothing written (is the URL right \
             and the registry running?)"
        )
    };
    let names = client
        .subjects_matching(prefix, false)
        .with_context(unreachable)?;
    let global_compatibility = client
        .compatibility_level(None)
        .with_context(|| format!("reading the compatibility level of {url}"))?;
    let mut registry = Registry {
        url: url.to_owned(),
        global_compatibility,
        ..Registry::default()
    };
    for subject in names {
        let schema = match client.version(&subject, VersionSelector::Latest) {
            Ok(schema) => schema,
            // Deleted since it was listed.
            Err(e) if e.is_subject_not_found() => continue,
            Err(e) => return Err(e).with_context(|| format!("reading subject {subject}")),
        };
        let compatibility = client
            .compatibility_level(Some(&subject))
            .with_context(|| format!("reading the compatibility level of {subject}"))?;
        registry.subjects.insert(
            subject,
            Fetched {
                schema,
                compatibility,
            },
        );
    }
    let mut pending: Vec<contrail_registry::model::Reference> = registry
        .subjects
        .values()
        .flat_map(|f| f.schema.references.clone())
        .collect();
    let mut depth = 0;
    while !pending.is_empty() {
        depth += 1;
        if depth > 32 {
            anyhow::bail!("schema references nest more than 32 deep");
        }
        let mut next = Vec::new();
        for reference in pending {
            if registry.subjects.contains_key(&reference.subject)
                || registry.referenced.contains_key(&reference.subject)
            {
                continue;
            }
            let schema = client
                .version(
                    &reference.subject,
                    VersionSelector::Number(reference.version),
                )
                .with_context(|| {
                    format!(
                        "reading referenced {} version {}",
                        reference.subject, reference.version
                    )
                })?;
            next.extend(schema.references.clone());
            registry
                .referenced
                .insert(reference.subject.clone(), schema);
        }
        pending = next;
    }
    Ok(registry)
}

/// What a subject is in the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    /// An event's payload schema.
    Event {
        topic: Option<String>,
        /// The strategy its name follows; `None` when it follows none init knows.
        naming: Option<SubjectNaming>,
    },
    /// The key schema of the events of a topic (`<topic>-key`).
    Key { topic: String },
    /// A schema other schemas reference: a file of types, no event of its own.
    Type,
}

/// The full name of the record a schema describes: an Avro schema's top-level named type, a
/// JSON Schema's `title`, a Protobuf file's package and first message.
fn record_name(schema_type: SchemaType, text: &str) -> Option<String> {
    match schema_type {
        SchemaType::Avro => {
            let json: serde_json::Value = serde_json::from_str(text).ok()?;
            contrail_contracts::avro::scan(&json)
                .defined
                .into_iter()
                .find(|d| d.pointer.is_empty())
                .map(|d| d.fullname)
        }
        SchemaType::Json => serde_json::from_str::<serde_json::Value>(text)
            .ok()?
            .get("title")?
            .as_str()
            .map(str::to_owned),
        SchemaType::Protobuf => contrail_contracts::protobuf::first_message_name(text),
    }
}

/// What `subject` is under `forced` (the `--subject-naming` flag), else under the strategy
/// its name follows. `None`: it does not follow the forced strategy.
fn role(subject: &str, record: Option<&str>, forced: Option<SubjectNaming>) -> Option<Role> {
    let topic_of = |suffix: &str| subject.strip_suffix(suffix).filter(|t| !t.is_empty());
    let topic_record = || match record {
        Some(record) => topic_of(&format!("-{record}")),
        None => subject
            .rsplit_once('-')
            .map(|(t, _)| t)
            .filter(|t| !t.is_empty()),
    };
    let event = |topic: Option<&str>, naming| Role::Event {
        topic: topic.map(str::to_owned),
        naming: Some(naming),
    };
    let by_topic = || {
        if let Some(topic) = topic_of("-value") {
            Some(event(Some(topic), SubjectNaming::Topic))
        } else {
            topic_of("-key").map(|topic| Role::Key {
                topic: topic.to_owned(),
            })
        }
    };
    match forced {
        Some(SubjectNaming::Topic) => by_topic(),
        Some(SubjectNaming::Record) => Some(event(None, SubjectNaming::Record)),
        Some(SubjectNaming::TopicRecord) => {
            topic_record().map(|topic| event(Some(topic), SubjectNaming::TopicRecord))
        }
        None => {
            if record == Some(subject) {
                return Some(event(None, SubjectNaming::Record));
            }
            if let Some(topic) = record.and_then(|r| topic_of(&format!("-{r}"))) {
                return Some(event(Some(topic), SubjectNaming::TopicRecord));
            }
            Some(by_topic().unwrap_or(Role::Event {
                topic: None,
                naming: None,
            }))
        }
    }
}

/// `text` as an event name: its words, each capitalised, joined.
fn pascal(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.chars().next().is_none_or(|c| c.is_ascii_digit()) {
        out.insert_str(0, "Event");
    }
    out
}

/// One event init writes.
#[derive(Debug, Clone, Serialize)]
pub(super) struct EventEntry {
    pub event: String,
    pub subject: String,
    pub version: i64,
    pub id: i64,
    pub schema_type: &'static str,
    /// The naming strategy its subject follows (`topic`, `record`, `topic-record`), if any.
    pub naming: Option<&'static str>,
    pub topic: Option<String>,
    pub file: String,
    pub schema: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_subject: Option<String>,
    /// What the registry cannot tell and the team should fill in.
    pub missing: Vec<&'static str>,
}

/// A schema written for other schemas to reference.
#[derive(Debug, Clone, Serialize)]
pub(super) struct TypeEntry {
    pub subject: String,
    pub version: i64,
    pub schema: String,
}

/// A subject left out, and why.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Skipped {
    pub subject: String,
    pub reason: String,
}

/// The files of the catalog and what they hold.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// Path inside the catalog (`/`-separated) → its whole new text.
    pub files: BTreeMap<String, String>,
    /// Path → the subjects whose files it is, to blame load errors on.
    pub blame: BTreeMap<String, BTreeSet<String>>,
    pub events: Vec<EventEntry>,
    pub types: Vec<TypeEntry>,
    pub skipped: Vec<Skipped>,
    /// `contrail.yaml`, when the catalog has none yet.
    pub config: Option<String>,
}

/// What a catalog already says that decides what init writes in event files.
#[derive(Debug, Clone)]
pub(super) struct CatalogDefaults {
    pub compatibility: Option<String>,
    pub naming: SubjectNaming,
}

/// `contrail.yaml`'s defaults; `None` when the text is not YAML.
pub(super) fn read_defaults(config: &str) -> Option<CatalogDefaults> {
    let document = contrail_contracts::yaml::parse(config).ok()?;
    let defaults = document.root.get("defaults");
    let get = |key: &str| {
        defaults
            .and_then(|d| d.get(key))
            .and_then(|n| n.as_str())
            .map(str::to_owned)
    };
    Some(CatalogDefaults {
        compatibility: get("compatibility").map(|c| c.to_ascii_uppercase()),
        naming: get("subject-naming")
            .and_then(|n| SubjectNaming::parse_keyword(&n))
            .unwrap_or(CATALOG_DEFAULT_NAMING),
    })
}

/// The inputs of [`plan`] besides the registry.
pub(super) struct PlanInput<'a> {
    pub name: &'a str,
    pub forced: Option<SubjectNaming>,
    /// The catalog's `contrail.yaml` defaults, when it has one already.
    pub defaults: Option<CatalogDefaults>,
    /// Subjects to leave out (with why), found by an earlier try.
    pub excluded: &'a BTreeMap<String, String>,
    /// Reads a file of the destination catalog, `None` when there is none.
    pub existing: &'a dyn Fn(&str) -> Option<String>,
}

/// A schema file's extension and text.
fn schema_file(schema: &RegisteredSchema) -> Result<(&'static str, String), String> {
    match schema.schema_type {
        SchemaType::Avro | SchemaType::Json => {
            serde_json::from_str::<serde_json::Value>(&schema.schema).map_err(|e| {
                format!(
                    "version {} is not JSON ({e}); fix it in the registry or leave the subject \
                     out with --subject-prefix",
                    schema.version
                )
            })?;
            let ext = if schema.schema_type == SchemaType::Avro {
                "avsc"
            } else {
                "json"
            };
            Ok((ext, pretty_schema(schema.schema_type, &schema.schema)))
        }
        SchemaType::Protobuf => Ok(("proto", pretty_schema(schema.schema_type, &schema.schema))),
    }
}

/// The file a referenced schema goes in: an Avro type file is named by its subject; a JSON
/// Schema or Protobuf file by the name its references use (what `$ref` and `import` name),
/// when that is a plain file name.
fn type_path(subject: &str, schema: &RegisteredSchema, reference_name: Option<&str>) -> String {
    let ext = match schema.schema_type {
        SchemaType::Avro => "avsc",
        SchemaType::Json => "json",
        SchemaType::Protobuf => "proto",
    };
    match (schema.schema_type, reference_name) {
        (SchemaType::Json | SchemaType::Protobuf, Some(name))
            if !name.contains('/') && file_stem(name) == name && name.ends_with(ext) =>
        {
            format!("schemas/{name}")
        }
        _ => format!("schemas/{}.{ext}", file_stem(subject)),
    }
}

/// Plans the catalog from what was read.
pub(super) fn plan(registry: &Registry, input: &PlanInput<'_>) -> Plan {
    let mut plan = Plan::default();
    let skip = |plan: &mut Plan, subject: &str, reason: String| {
        plan.skipped.push(Skipped {
            subject: subject.to_owned(),
            reason,
        });
    };
    // Subjects other schemas reference, and the name they are referenced by.
    let mut reference_names: BTreeMap<&str, &str> = BTreeMap::new();
    for schema in registry
        .subjects
        .values()
        .map(|f| &f.schema)
        .chain(registry.referenced.values())
    {
        for reference in &schema.references {
            reference_names
                .entry(reference.subject.as_str())
                .or_insert(reference.name.as_str());
        }
    }
    // Roles.
    let mut roles: BTreeMap<&str, Role> = BTreeMap::new();
    for (subject, fetched) in &registry.subjects {
        if let Some(why) = input.excluded.get(subject) {
            skip(&mut plan, subject, why.clone());
            continue;
        }
        let record = record_name(fetched.schema.schema_type, &fetched.schema.schema);
        let plain_topic = subject.ends_with("-value") || subject.ends_with("-key");
        if reference_names.contains_key(subject.as_str()) && !plain_topic {
            roles.insert(subject, Role::Type);
            continue;
        }
        // A subject of another context (`:.eu:orders-value`) follows the naming strategy by
        // its name within the context; its event names the qualified subject (`subject:`).
        let name = contrail_registry::context::split(subject).name;
        match role(name, record.as_deref(), input.forced) {
            Some(role) => {
                roles.insert(subject, role);
            }
            None => skip(
                &mut plan,
                subject,
                format!(
                    "does not follow the {} naming strategy (--subject-naming)",
                    input.forced.map_or("", Keyword::keyword)
                ),
            ),
        }
    }
    // Which path is whose, case-insensitively (a catalog may be checked out on macOS).
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    let mut claim = |plan: &mut Plan, subject: &str, paths: &[&str]| -> bool {
        for path in paths {
            if let Some(other) = taken.get(&path.to_lowercase())
                && other != subject
            {
                plan.skipped.push(Skipped {
                    subject: subject.to_owned(),
                    reason: format!(
                        "its file {path} would be the file of subject `{other}` too (their \
                         names differ only in characters not allowed in file names, or in case)"
                    ),
                });
                return false;
            }
        }
        for path in paths {
            taken.insert(path.to_lowercase(), subject.to_owned());
        }
        true
    };
    let add_file = |plan: &mut Plan, path: String, text: String, subjects: &[&str]| {
        let blame = plan.blame.entry(path.clone()).or_default();
        blame.extend(subjects.iter().map(|s| (*s).to_owned()));
        plan.files.insert(path, text);
    };

    // Types: every referenced schema, asked for or not.
    let types = registry
        .subjects
        .iter()
        .filter(|(s, _)| roles.get(s.as_str()) == Some(&Role::Type))
        .map(|(s, f)| (s, &f.schema))
        .chain(registry.referenced.iter());
    for (subject, schema) in types {
        if let Some(why) = input.excluded.get(subject) {
            if registry.referenced.contains_key(subject) {
                skip(&mut plan, subject, why.clone());
            }
            continue;
        }
        let path = type_path(
            subject,
            schema,
            reference_names.get(subject.as_str()).copied(),
        );
        if !claim(&mut plan, subject, &[&path]) {
            continue;
        }
        match schema_file(schema) {
            Ok((_, text)) => {
                add_file(&mut plan, path.clone(), text, &[subject.as_str()]);
                plan.types.push(TypeEntry {
                    subject: subject.clone(),
                    version: schema.version,
                    schema: path,
                });
            }
            Err(why) => skip(&mut plan, subject, why),
        }
    }

    // Key schemas, by context and topic.
    let context_of = contrail_registry::context::context_of;
    let keys: BTreeMap<(&str, &str), &str> = roles
        .iter()
        .filter_map(|(subject, role)| match role {
            Role::Key { topic } => Some(((context_of(subject), topic.as_str()), *subject)),
            _ => None,
        })
        .collect();

    // Events.
    let found_naming: Vec<SubjectNaming> = roles
        .values()
        .filter_map(|r| match r {
            Role::Event { naming, .. } => *naming,
            _ => None,
        })
        .collect();
    let defaults = input.defaults.clone().unwrap_or_else(|| CatalogDefaults {
        compatibility: registry.global_compatibility.clone(),
        naming: most_common(&found_naming),
    });
    let mut event_names: BTreeMap<String, String> = BTreeMap::new();
    let mut keys_used = BTreeSet::new();
    for (subject, role) in &roles {
        let Role::Event { topic, naming } = role else {
            continue;
        };
        let Some(fetched) = registry.subjects.get(*subject) else {
            continue;
        };
        let schema = &fetched.schema;
        let record = record_name(schema.schema_type, &schema.schema);
        let event = match &record {
            Some(record) => pascal(record.rsplit('.').next().unwrap_or(record)),
            None => pascal(
                topic
                    .as_deref()
                    .unwrap_or(subject)
                    .rsplit('.')
                    .next()
                    .unwrap_or(subject),
            ),
        };
        let key_subject = topic
            .as_deref()
            .and_then(|t| keys.get(&(context_of(subject), t)).copied());
        let stem = file_stem(subject);
        let (ext, schema_text) = match schema_file(schema) {
            Ok(file) => file,
            Err(why) => {
                skip(&mut plan, subject, why);
                continue;
            }
        };
        let event_path = format!("events/{stem}.yaml");
        let schema_path = format!("schemas/{stem}.{ext}");
        let key_file = key_subject.and_then(|k| {
            let fetched = registry.subjects.get(k)?;
            Some((k, schema_file(&fetched.schema)))
        });
        let key_path = match &key_file {
            Some((k, Ok((ext, _)))) => Some(format!("schemas/{}.{ext}", file_stem(k))),
            _ => None,
        };
        let mut paths = vec![event_path.as_str(), schema_path.as_str()];
        paths.extend(key_path.as_deref());
        if !claim(&mut plan, subject, &paths) {
            continue;
        }
        if let Some(other) = event_names.get(&event) {
            skip(
                &mut plan,
                subject,
                format!(
                    "its event name `{event}` is taken by subject `{other}`; rename the event \
                     in {} of the other and run init again",
                    format_args!("events/{}.yaml", file_stem(other))
                ),
            );
            continue;
        }
        event_names.insert(event.clone(), (*subject).to_owned());
        add_file(&mut plan, schema_path.clone(), schema_text, &[*subject]);
        if let (Some((k, file)), Some(path)) = (&key_file, &key_path) {
            if let Ok((_, text)) = file {
                add_file(&mut plan, path.clone(), text.clone(), &[*subject, *k]);
            }
            keys_used.insert(*k);
        }
        // What the catalog would derive; `subject:` is written only when that is not it.
        let derived = match defaults.naming {
            SubjectNaming::Topic => topic.as_ref().map(|t| format!("{t}-value")),
            SubjectNaming::Record => record.clone(),
            SubjectNaming::TopicRecord => topic
                .as_ref()
                .zip(record.as_ref())
                .map(|(t, r)| format!("{t}-{r}")),
        };
        let effective = fetched
            .compatibility
            .clone()
            .or_else(|| registry.global_compatibility.clone());
        let compatibility = effective.filter(|c| Some(c) != defaults.compatibility.as_ref());
        let owned: Vec<(&str, Option<String>)> = vec![
            ("topic", topic.clone()),
            ("schema", Some(format!("../{schema_path}"))),
            ("x-key-schema", key_path.as_ref().map(|p| format!("../{p}"))),
            (
                "subject",
                (derived.as_deref() != Some(subject)).then(|| (*subject).to_owned()),
            ),
            ("compatibility", compatibility),
        ];
        debug_assert!(owned.iter().map(|(k, _)| *k).eq(OWNED_KEYS.iter().copied()));
        let text = match (input.existing)(&event_path) {
            Some(existing) => match merge::merge_owned(&existing, &owned) {
                Ok(text) => text,
                Err(why) => {
                    skip(
                        &mut plan,
                        subject,
                        format!("{event_path} cannot be updated: {why}; fix or remove the file"),
                    );
                    continue;
                }
            },
            None => new_event_file(subject, &event, description(schema).as_deref(), &owned),
        };
        add_file(&mut plan, event_path.clone(), text, &[*subject]);
        plan.events.push(EventEntry {
            event,
            subject: (*subject).to_owned(),
            version: schema.version,
            id: schema.id,
            schema_type: schema.schema_type.as_str(),
            naming: naming.map(Keyword::keyword),
            topic: topic.clone(),
            file: event_path,
            schema: schema_path,
            key_subject: key_subject.map(str::to_owned),
            missing: Vec::new(),
        });
    }
    for ((_, topic), subject) in &keys {
        if !keys_used.contains(subject) && !input.excluded.contains_key(*subject) {
            skip(
                &mut plan,
                subject,
                format!("a key schema, but topic `{topic}` has no value subject `{topic}-value`"),
            );
        }
    }
    if input.defaults.is_none() {
        plan.config = Some(new_config(input.name, &registry.url, &defaults));
    }
    plan.skipped.sort_by(|a, b| a.subject.cmp(&b.subject));
    plan
}

/// The strategy most subjects follow; the catalog's default on a tie.
fn most_common(found: &[SubjectNaming]) -> SubjectNaming {
    let count = |n: SubjectNaming| found.iter().filter(|f| **f == n).count();
    let mut best = CATALOG_DEFAULT_NAMING;
    for naming in [SubjectNaming::Record, SubjectNaming::TopicRecord] {
        if count(naming) > count(best) {
            best = naming;
        }
    }
    best
}

/// An Avro schema's `doc` or a JSON Schema's `description`, on one line.
fn description(schema: &RegisteredSchema) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(&schema.schema).ok()?;
    let key = match schema.schema_type {
        SchemaType::Avro => "doc",
        SchemaType::Json => "description",
        SchemaType::Protobuf => return None,
    };
    let text = json.get(key)?.as_str()?;
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn new_event_file(
    subject: &str,
    event: &str,
    description: Option<&str>,
    owned: &[(&str, Option<String>)],
) -> String {
    let mut text = format!(
        "# From subject `{subject}` of the schema registry (`contrail init --from-registry`).\n\
         # Running that again rewrites {}; other keys are yours.\n\
         event: {}\n",
        OWNED_KEYS.join(", "),
        merge::scalar(event)
    );
    if let Some(description) = description {
        text.push_str(&format!("description: {}\n", merge::scalar(description)));
    }
    for (key, value) in owned {
        if let Some(value) = value {
            text.push_str(&format!("{key}: {}\n", merge::scalar(value)));
        }
    }
    text
}

fn new_config(name: &str, url: &str, defaults: &CatalogDefaults) -> String {
    let mut text = format!(
        "# The catalog `{name}`, built from the schema registry at {url} by `contrail init \
         --from-registry`.\n\
         # Run that again to take new subjects and schema changes: this file and the keys you add\n\
         # to event files are kept. docs/contracts.md describes every key.\n\
         catalog: {name}\n\
         registry: {}\n\
         defaults:\n",
        merge::scalar(url)
    );
    if let Some(compatibility) = &defaults.compatibility {
        text.push_str(&format!(
            "  compatibility: {compatibility}  # the registry's default level\n"
        ));
    }
    text.push_str(&format!(
        "  subject-naming: {}\n",
        defaults.naming.keyword()
    ));
    text
}

/// Whether `path` (a file of `dir`) holds `text` already.
pub(super) fn unchanged(dir: &Path, path: &str, text: &str) -> bool {
    std::fs::read_to_string(dir.join(path)).is_ok_and(|existing| existing == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_names_are_read_by_their_strategy() {
        let event = |topic: Option<&str>, naming| {
            Some(Role::Event {
                topic: topic.map(str::to_owned),
                naming,
            })
        };
        let order = Some("com.shop.Order");
        assert_eq!(
            role("shop.orders-value", order, None),
            event(Some("shop.orders"), Some(SubjectNaming::Topic))
        );
        assert_eq!(
            role("shop.orders-key", None, None),
            Some(Role::Key {
                topic: "shop.orders".to_owned()
            })
        );
        assert_eq!(
            role("com.shop.Order", order, None),
            event(None, Some(SubjectNaming::Record))
        );
        assert_eq!(
            role("shop.orders-com.shop.Order", order, None),
            event(Some("shop.orders"), Some(SubjectNaming::TopicRecord))
        );
        assert_eq!(role("whatever", order, None), event(None, None));
        // Forced: the flag decides, and subjects that do not fit are left out.
        assert_eq!(
            role("a-b-c.D", None, Some(SubjectNaming::TopicRecord)),
            event(Some("a-b"), Some(SubjectNaming::TopicRecord))
        );
        assert_eq!(role("whatever", order, Some(SubjectNaming::Topic)), None);
    }

    #[test]
    fn record_names_come_from_each_format() {
        assert_eq!(
            record_name(
                SchemaType::Avro,
                r#"{"type":"record","name":"A","namespace":"x.y","fields":[]}"#
            ),
            Some("x.y.A".to_owned())
        );
        assert_eq!(
            record_name(SchemaType::Json, r#"{"title":"Thing"}"#),
            Some("Thing".to_owned())
        );
        assert_eq!(
            record_name(
                SchemaType::Protobuf,
                "syntax = \"proto3\";\npackage shop.v1;\nmessage Order{ string id = 1; }"
            ),
            Some("shop.v1.Order".to_owned())
        );
        // Words in comments are not declarations.
        assert_eq!(
            record_name(
                SchemaType::Protobuf,
                "// names its message (`message: x`)\nsyntax = \"proto3\";\npackage p;\n\
                 message Stock { int32 n = 1; }"
            ),
            Some("p.Stock".to_owned())
        );
        assert_eq!(record_name(SchemaType::Avro, "\"string\""), None);
    }

    #[test]
    fn event_names_are_pascal_case() {
        assert_eq!(pascal("order-placed"), "OrderPlaced");
        assert_eq!(pascal("OrderPlaced"), "OrderPlaced");
        assert_eq!(pascal("2fa"), "Event2fa");
        assert_eq!(pascal(""), "Event");
    }
}
