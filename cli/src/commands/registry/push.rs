//! `contrail registry push`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use contrail_contracts::schema::LoadedSchema;
use contrail_contracts::{LoadOptions, load_catalog};
use contrail_registry::client::{Client, ClientError, RegisteredSchema, SchemaRequest};
use contrail_registry::codes;
use contrail_registry::model::{
    Reference, ResolvedReference, SchemaType, StoredSchema, VersionSelector,
};
use serde::Serialize;

use super::{OutputFormat, PushArgs};

/// What push did (or would do) with one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    NewSubject,
    NewVersion,
    Unchanged,
    Incompatible,
    Failed,
    Skipped,
}

impl Action {
    fn is_failure(self) -> bool {
        matches!(self, Action::Incompatible | Action::Failed)
    }

    fn label(self, dry_run: bool) -> &'static str {
        match (self, dry_run) {
            (Action::NewSubject, false) => "new subject",
            (Action::NewSubject, true) => "would create subject",
            (Action::NewVersion, false) => "new version",
            (Action::NewVersion, true) => "would add version",
            (Action::Unchanged, _) => "unchanged",
            (Action::Incompatible, _) => "incompatible",
            (Action::Failed, _) => "failed",
            (Action::Skipped, _) => "skipped",
        }
    }
}

/// One line of push's report.
#[derive(Debug, Clone, Serialize)]
struct Entry {
    /// The event; `None` for a referenced Avro type.
    event: Option<String>,
    subject: Option<String>,
    action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    messages: Vec<String>,
    /// For a referenced type: the events whose schemas use it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    referenced_by: Vec<String>,
}

/// An Avro file whose named types other schemas of the catalog use.
struct RefFile {
    /// Its subject: the full name of the type the catalog uses (RecordNameStrategy).
    subject: String,
    text: String,
    /// Files whose types it uses.
    deps: Vec<PathBuf>,
    referenced_by: BTreeSet<String>,
}

/// The outcome of pushing one subject: the entry, and the version to reference.
struct Pushed {
    entry: Entry,
    /// The version now (or, with --dry-run, already) live; `None` when unknown.
    version: Option<i64>,
}

pub fn run(args: PushArgs) -> anyhow::Result<ExitCode> {
    let loaded = load_catalog(&args.path, LoadOptions::default())?;
    let catalog = &loaded.catalog;
    let url = match (&args.registry, &catalog.config.registry) {
        (Some(url), _) => url.clone(),
        (None, Some(url)) => url.value.clone(),
        (None, None) => bail!(
            "no registry: pass --registry URL or add `registry:` to {}",
            contrail_contracts::paths::join(&catalog.root, contrail_contracts::load::CATALOG_FILE)
                .display()
        ),
    };
    let client = super::client(&url)?;
    let mut entries = Vec::new();

    // The events to push, and the referenced files they need.
    let mut events: Vec<(String, String, &LoadedSchema)> = Vec::new();
    let mut ref_files: BTreeMap<PathBuf, RefFile> = BTreeMap::new();
    for event in &catalog.events {
        let name = event.name.value.clone();
        let skip = |reason: &str, subject: Option<String>| Entry {
            event: Some(name.clone()),
            subject,
            action: Action::Skipped,
            id: None,
            version: None,
            messages: vec![reason.to_owned()],
            referenced_by: Vec::new(),
        };
        let Some(schema_ref) = &event.schema else {
            entries.push(skip("the event declares no schema", None));
            continue;
        };
        if event.origin == contrail_contracts::model::Origin::AsyncApi && event.subject.is_none() {
            entries.push(skip(
                "AsyncAPI event without `subject:` (AsyncAPI documents describe many protocols; declare the subject to push it)",
                None,
            ));
            continue;
        }
        let Some(subject) = contrail_contracts::validate::subject_of(catalog, event) else {
            entries.push(skip(
                "no subject: the event has no `subject:` and the naming strategy cannot derive one (no topic or record name)",
                None,
            ));
            continue;
        };
        let Some(id) = schema_ref.id else {
            entries.push(Entry {
                action: Action::Failed,
                ..skip(
                    &format!("schema `{}` was not loaded", schema_ref.written.value),
                    Some(subject),
                )
            });
            continue;
        };
        let schema = catalog.schemas.get(id);
        if !schema.valid {
            entries.push(Entry {
                action: Action::Failed,
                ..skip(
                    &format!(
                        "{} is not a valid schema (run `contrail validate`)",
                        schema.display_name()
                    ),
                    Some(subject),
                )
            });
            continue;
        }
        for (fullname, file) in &schema.references {
            if !ref_files.contains_key(file) {
                let text = std::fs::read_to_string(file)
                    .with_context(|| format!("reading {}", file.display()))?;
                ref_files.insert(
                    file.clone(),
                    RefFile {
                        subject: fullname.clone(),
                        text,
                        deps: Vec::new(),
                        referenced_by: BTreeSet::new(),
                    },
                );
            }
            if let Some(node) = ref_files.get_mut(file) {
                node.referenced_by.insert(name.clone());
            }
        }
        events.push((name, subject, schema));
    }

    // Which file defines each named type, to find each file's direct dependencies.
    let mut defined: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (file, node) in &ref_files {
        if let Ok(json) = serde_json::from_str(&node.text) {
            for named in contrail_contracts::avro::scan(&json).defined {
                defined
                    .entry(named.fullname)
                    .or_insert_with(|| file.clone());
            }
        }
    }
    let files: Vec<PathBuf> = ref_files.keys().cloned().collect();
    for file in &files {
        let deps = match ref_files.get(file) {
            Some(node) => direct_deps(&node.text, file, &defined),
            None => Vec::new(),
        };
        if let Some(node) = ref_files.get_mut(file) {
            node.deps = deps;
        }
    }
    let order = topological(&ref_files);

    // Referenced types first, then the events.
    let mut ref_versions: BTreeMap<PathBuf, Option<i64>> = BTreeMap::new();
    for file in &order {
        let Some(node) = ref_files.get(file) else {
            continue;
        };
        let (entry_refs, blocked) = references_to(&node.deps, &ref_versions, &ref_files);
        let request = SchemaRequest {
            schema: node.text.clone(),
            schema_type: SchemaType::Avro,
            references: entry_refs,
        };
        let closure = closure_texts(file, &ref_files, &order);
        let mut pushed = push_subject(
            &client,
            &node.subject,
            &request,
            &closure,
            &blocked,
            args.dry_run,
        )?;
        pushed.entry.referenced_by = node.referenced_by.iter().cloned().collect();
        ref_versions.insert(file.clone(), pushed.version);
        entries.push(pushed.entry);
    }
    for (name, subject, schema) in events {
        let (schema_type, text) = match schema_text(schema) {
            Ok(found) => found,
            Err(reason) => {
                entries.push(Entry {
                    event: Some(name),
                    subject: Some(subject),
                    action: Action::Failed,
                    id: None,
                    version: None,
                    messages: vec![reason],
                    referenced_by: Vec::new(),
                });
                continue;
            }
        };
        let mut references = Vec::new();
        let mut blocked = Vec::new();
        let mut closure = Vec::new();
        if schema_type == SchemaType::Avro {
            let deps = direct_deps(&text, &schema.file, &defined);
            (references, blocked) = references_to(&deps, &ref_versions, &ref_files);
            let used: BTreeSet<&PathBuf> = schema.references.iter().map(|(_, f)| f).collect();
            closure = order
                .iter()
                .filter(|f| used.contains(f))
                .filter_map(|f| ref_files.get(f).map(|n| n.text.clone()))
                .collect();
        }
        let request = SchemaRequest {
            schema: text,
            schema_type,
            references,
        };
        let mut pushed = push_subject(
            &client,
            &subject,
            &request,
            &closure,
            &blocked,
            args.dry_run,
        )?;
        pushed.entry.event = Some(name);
        entries.push(pushed.entry);
    }

    let mut stdout = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &entries)?;
            writeln!(stdout)?;
        }
        OutputFormat::Human => {
            for entry in &entries {
                writeln!(stdout, "{}", human_line(entry, args.dry_run))?;
                for message in &entry.messages {
                    writeln!(stdout, "    {message}")?;
                }
            }
            let failed = entries.iter().filter(|e| e.action.is_failure()).count();
            let changed = entries
                .iter()
                .filter(|e| matches!(e.action, Action::NewSubject | Action::NewVersion))
                .count();
            writeln!(
                stdout,
                "push{}: {} subject{} {}, {} unchanged, {} failed, {} skipped ({url})",
                if args.dry_run { " (dry run)" } else { "" },
                changed,
                if changed == 1 { "" } else { "s" },
                if args.dry_run {
                    "would change"
                } else {
                    "changed"
                },
                entries
                    .iter()
                    .filter(|e| e.action == Action::Unchanged)
                    .count(),
                failed,
                entries
                    .iter()
                    .filter(|e| e.action == Action::Skipped)
                    .count(),
            )?;
        }
    }
    stdout.flush()?;
    Ok(if entries.iter().any(|e| e.action.is_failure()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn human_line(entry: &Entry, dry_run: bool) -> String {
    let mut line = format!(
        "{:<22} {}",
        entry.action.label(dry_run),
        entry.subject.as_deref().unwrap_or("-")
    );
    match (&entry.event, entry.referenced_by.is_empty()) {
        (Some(event), _) => line.push_str(&format!(" ({event})")),
        (None, false) => line.push_str(&format!(
            " (type referenced by {})",
            entry.referenced_by.join(", ")
        )),
        (None, true) => {}
    }
    match (entry.id, entry.version) {
        (Some(id), Some(version)) => line.push_str(&format!(": id {id}, version {version}")),
        (None, Some(version)) => line.push_str(&format!(": version {version}")),
        (Some(id), None) => line.push_str(&format!(": id {id}")),
        (None, None) => {}
    }
    line
}

/// The schema type and the text to register.
fn schema_text(schema: &LoadedSchema) -> Result<(SchemaType, String), String> {
    let schema_type = SchemaType::from(schema.format);
    if let Some(text) = &schema.text {
        return Ok((schema_type, text.clone()));
    }
    match &schema.json {
        // An inline AsyncAPI payload: its JSON is the schema.
        Some(json) if schema_type != SchemaType::Protobuf => Ok((schema_type, json.to_string())),
        _ => Err(format!("no schema text for {}", schema.display_name())),
    }
}

/// References to the files `deps`, each pushed earlier as its own subject, and the names of
/// those that have no version to reference (not pushed, or their push failed).
fn references_to(
    deps: &[PathBuf],
    ref_versions: &BTreeMap<PathBuf, Option<i64>>,
    ref_files: &BTreeMap<PathBuf, RefFile>,
) -> (Vec<Reference>, Vec<String>) {
    let mut references = Vec::new();
    let mut blocked = Vec::new();
    for dep in deps {
        match (ref_versions.get(dep).copied().flatten(), ref_files.get(dep)) {
            (Some(version), Some(node)) => references.push(Reference {
                name: node.subject.clone(),
                subject: node.subject.clone(),
                version,
            }),
            (_, node) => {
                blocked.push(node.map_or_else(|| dep.display().to_string(), |n| n.subject.clone()))
            }
        }
    }
    (references, blocked)
}

/// The files defining the types an Avro schema uses directly (in the order first used).
fn direct_deps(text: &str, own: &Path, defined: &BTreeMap<String, PathBuf>) -> Vec<PathBuf> {
    let Ok(json) = serde_json::from_str(text) else {
        return Vec::new();
    };
    let mut deps: Vec<PathBuf> = Vec::new();
    for used in contrail_contracts::avro::scan(&json).external_uses() {
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

/// The referenced files, each after the files it depends on.
fn topological(files: &BTreeMap<PathBuf, RefFile>) -> Vec<PathBuf> {
    fn visit(
        file: &PathBuf,
        files: &BTreeMap<PathBuf, RefFile>,
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

/// The texts of every file `file` depends on, transitively, in dependency order.
fn closure_texts(
    file: &PathBuf,
    files: &BTreeMap<PathBuf, RefFile>,
    order: &[PathBuf],
) -> Vec<String> {
    let mut needed = BTreeSet::new();
    let mut pending: Vec<&PathBuf> = files
        .get(file)
        .map(|n| n.deps.iter().collect())
        .unwrap_or_default();
    while let Some(dep) = pending.pop() {
        if needed.insert(dep.clone())
            && let Some(node) = files.get(dep)
        {
            pending.extend(node.deps.iter());
        }
    }
    order
        .iter()
        .filter(|f| needed.contains(*f))
        .filter_map(|f| files.get(f).map(|n| n.text.clone()))
        .collect()
}

/// Whether `latest` holds the schema of `request`, as the registry would store it.
fn same_schema(request: &SchemaRequest, closure: &[String], latest: &RegisteredSchema) -> bool {
    if request.schema_type != latest.schema_type || request.references != latest.references {
        return false;
    }
    let resolved: Vec<ResolvedReference> = closure
        .iter()
        .enumerate()
        .map(|(i, text)| ResolvedReference {
            reference: Reference {
                name: format!("reference{i}"),
                subject: format!("reference{i}"),
                version: 1,
            },
            version: 1,
            schema: StoredSchema {
                id: 0,
                schema_type: SchemaType::Avro,
                schema: text.clone(),
                references: Vec::new(),
            },
        })
        .collect();
    match contrail_registry::canonical::parse(
        request.schema_type,
        &request.schema,
        request.references.clone(),
        &resolved,
        false,
    ) {
        Ok(parsed) => parsed.schema.canonical == latest.schema,
        Err(_) => false,
    }
}

/// Pushes (or, with `dry_run`, inspects) one subject. `blocked` names referenced types
/// whose version is not known (they failed, or --dry-run has not registered them).
fn push_subject(
    client: &Client,
    subject: &str,
    request: &SchemaRequest,
    closure: &[String],
    blocked: &[String],
    dry_run: bool,
) -> anyhow::Result<Pushed> {
    let entry = |action: Action, id: Option<i64>, version: Option<i64>, messages| Entry {
        event: None,
        subject: Some(subject.to_owned()),
        action,
        id,
        version,
        messages,
        referenced_by: Vec::new(),
    };
    let latest = match client.version(subject, VersionSelector::Latest) {
        Ok(latest) => Some(latest),
        Err(e) if e.is_subject_not_found() => None,
        Err(e) => return Err(e).with_context(|| format!("reading subject {subject}")),
    };
    let fresh = if latest.is_some() {
        Action::NewVersion
    } else {
        Action::NewSubject
    };
    if !blocked.is_empty() {
        let pending = blocked.join(", ");
        return Ok(Pushed {
            entry: if dry_run {
                entry(
                    fresh,
                    None,
                    None,
                    vec![format!(
                        "compatibility not checked: the referenced {pending} would change first"
                    )],
                )
            } else {
                entry(
                    Action::Failed,
                    None,
                    None,
                    vec![format!("not pushed: the referenced {pending} failed")],
                )
            },
            version: None,
        });
    }
    if let Some(latest) = &latest
        && same_schema(request, closure, latest)
    {
        return Ok(Pushed {
            entry: entry(
                Action::Unchanged,
                Some(latest.id),
                Some(latest.version),
                Vec::new(),
            ),
            version: Some(latest.version),
        });
    }
    if latest.is_some() {
        match client.check_compatibility(subject, None, request) {
            Ok(result) if !result.is_compatible => {
                return Ok(Pushed {
                    entry: entry(Action::Incompatible, None, None, result.messages),
                    version: None,
                });
            }
            Ok(_) => {}
            Err(ClientError::Api { message, .. }) => {
                return Ok(Pushed {
                    entry: entry(Action::Failed, None, None, vec![message]),
                    version: None,
                });
            }
            Err(e) => return Err(e).with_context(|| format!("checking {subject}")),
        }
    }
    if dry_run {
        // The version dependents would reference does not exist yet.
        return Ok(Pushed {
            entry: entry(fresh, None, None, Vec::new()),
            version: None,
        });
    }
    let id = match client.register(subject, request) {
        Ok(id) => id,
        Err(ClientError::Api {
            error_code,
            message,
            ..
        }) => {
            let action = if codes::is_incompatible_schema(error_code) {
                Action::Incompatible
            } else {
                Action::Failed
            };
            return Ok(Pushed {
                entry: entry(action, None, None, vec![message]),
                version: None,
            });
        }
        Err(e) => return Err(e).with_context(|| format!("registering {subject}")),
    };
    let now = client
        .version(subject, VersionSelector::Latest)
        .with_context(|| format!("reading subject {subject}"))?;
    // The registry may hold the schema already (another canonical form, an older version).
    let action = match &latest {
        Some(latest) if latest.version == now.version => Action::Unchanged,
        _ => fresh,
    };
    Ok(Pushed {
        entry: entry(action, Some(id), Some(now.version), Vec::new()),
        version: Some(now.version),
    })
}
