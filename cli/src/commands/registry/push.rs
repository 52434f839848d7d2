//! `contrail registry push`: carries out the plan of [`contrail_registry::push`] with the
//! registry client, and reports what happened to each subject.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, bail};
use contrail_contracts::{LoadOptions, load_catalog};
use contrail_registry::client::{Client, ClientError, RegisteredSchema, SchemaRequest};
use contrail_registry::codes;
use contrail_registry::model::{
    Reference, ResolvedReference, SchemaType, StoredSchema, VersionSelector,
};
use contrail_registry::push::{self, Source, Step};
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

/// The outcome of pushing one subject: the entry, and the version to reference.
struct Pushed {
    entry: Entry,
    /// The version now (or, with --dry-run, already) live; `None` when unknown.
    version: Option<i64>,
}

pub(super) fn run(args: PushArgs) -> anyhow::Result<ExitCode> {
    let path = crate::catalog::resolve(args.path.as_deref())?;
    let loaded = load_catalog(&path, LoadOptions::default())?;
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
    let client = super::client(&url, &args.tls)?;
    let plan = push::plan(catalog);
    let mut entries = Vec::new();
    // The version each referenced type's push left live (`None`: unknown), for the schemas
    // that reference it.
    let mut type_versions: BTreeMap<&str, Option<i64>> = BTreeMap::new();
    for step in &plan.steps {
        let planned = match step {
            Step::Skip(skip) => {
                entries.push(Entry {
                    event: Some(skip.event.clone()),
                    subject: skip.subject.clone(),
                    action: if skip.reason.is_failure() {
                        Action::Failed
                    } else {
                        Action::Skipped
                    },
                    id: None,
                    version: None,
                    messages: vec![skip.reason.to_string()],
                    referenced_by: Vec::new(),
                });
                continue;
            }
            Step::Push(planned) => planned,
        };
        let (references, blocked) = references_to(&planned.references, &type_versions);
        let request = SchemaRequest {
            schema: planned.schema.clone(),
            schema_type: planned.schema_type,
            references,
        };
        let mut pushed = push_subject(
            &client,
            &planned.subject,
            &request,
            &plan.resolved_schemas(planned),
            &blocked,
            args.dry_run,
        )?;
        match &planned.source {
            Source::Event(event) => pushed.entry.event = Some(event.clone()),
            Source::ReferencedType { referenced_by } => {
                pushed.entry.referenced_by = referenced_by.clone();
                type_versions.insert(&planned.subject, pushed.version);
            }
        }
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

/// References to the referenced types `subjects`, each pushed earlier as its own subject, and
/// those that have no version to reference (their push failed, or --dry-run did not register
/// them).
fn references_to(
    subjects: &[String],
    versions: &BTreeMap<&str, Option<i64>>,
) -> (Vec<Reference>, Vec<String>) {
    let mut references = Vec::new();
    let mut blocked = Vec::new();
    for subject in subjects {
        match versions.get(subject.as_str()).copied().flatten() {
            Some(version) => references.push(Reference {
                name: subject.clone(),
                subject: subject.clone(),
                version,
            }),
            None => blocked.push(subject.clone()),
        }
    }
    (references, blocked)
}

/// Whether `latest` holds the schema of `request`, as the registry would store it.
fn same_schema(
    request: &SchemaRequest,
    closure: &[(&str, SchemaType, &str)],
    latest: &RegisteredSchema,
) -> bool {
    if request.schema_type != latest.schema_type || request.references != latest.references {
        return false;
    }
    // Named as referenced: a `.proto` file's imports resolve by reference name.
    let resolved: Vec<ResolvedReference> = closure
        .iter()
        .map(|&(subject, schema_type, text)| ResolvedReference {
            reference: Reference {
                name: subject.to_owned(),
                subject: subject.to_owned(),
                version: 1,
            },
            version: 1,
            schema: StoredSchema {
                id: 0,
                schema_type,
                schema: text.to_owned(),
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
        // A Protobuf schema stored by an earlier build is in its earlier form.
        Ok(parsed) => {
            parsed.schema.canonical == latest.schema
                || parsed.legacy.as_deref() == Some(latest.schema.as_str())
        }
        Err(_) => false,
    }
}

/// Pushes (or, with `dry_run`, inspects) one subject. `blocked` names referenced types
/// whose version is not known (they failed, or --dry-run has not registered them).
fn push_subject(
    client: &Client,
    subject: &str,
    request: &SchemaRequest,
    closure: &[(&str, SchemaType, &str)],
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
