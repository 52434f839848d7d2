//! `contrail check`: the one command CI runs — contracts valid, lint clean, every changed
//! schema compatible with its baseline, and (`--observed`) what a trace saw drifting from the
//! declarations.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use contrail_contracts::compat::evolution::{self, BaselineVersion, Baselines};
use contrail_contracts::observe::{ProblemKind, TraceReport, drift};
use contrail_contracts::{Catalog, LoadOptions, Sources, load_paths};
use contrail_lint::context::BreakingChange;

use super::check_impact;
use crate::baseline::Baseline;
use crate::render::{self, Format, ReportContext};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog directory (default: the nearest directory at or above the working
    /// directory that holds contrail.yaml).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// What to check schema compatibility against: `git:REF` (the catalog as committed at
    /// REF, read from the repository without a checkout), `registry` (the catalog's
    /// `registry:` URL) or a registry URL (every version of each event's subject), or a
    /// directory holding an earlier copy of the catalog. Without it, validation and lint run.
    #[arg(long, value_name = "BASELINE")]
    pub against: Option<String>,

    #[command(flatten)]
    pub tls: super::registry::RegistryTlsArgs,

    /// A report of `contrail trace --format json`: turn its drift from the catalog into
    /// findings — edges seen that no service declares (CO001), declared edges never seen
    /// (CO002), broken chains by service (CO003) and problem records by kind (CO010–CO014).
    /// With or without `--against`.
    #[arg(long, value_name = "TRACE.json")]
    pub observed: Option<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub(crate) fn run(args: Args, color: bool) -> anyhow::Result<ExitCode> {
    let path = crate::catalog::resolve(args.path.as_deref())?;
    let loaded = load_paths(std::slice::from_ref(&path), LoadOptions::default())?;
    // Read before anything slow, so a report that is not one fails at once.
    let observed = match &args.observed {
        Some(path) => Some((path, super::observed::read_trace(path)?)),
        None => None,
    };
    let mut sources = loaded.sources.clone();
    let mut diagnostics = loaded.diagnostics.clone();
    let mut summary = None;
    let mut breaking = Vec::new();
    let mut baseline_messages = Vec::new();
    if let Some(against) = &args.against {
        let (label, baselines, baseline_catalog) = match registry_url(against, &loaded.catalog)? {
            Some(url) => {
                let (versions, messages) =
                    registry_versions(&url, &args.tls, &loaded.catalog, &mut sources)?;
                baseline_messages = messages;
                (url.clone(), versions, None)
            }
            None => {
                let baseline = Baseline::open("--against", against, &loaded.catalog.root)?;
                let versions = baseline.versions(&loaded.catalog, &mut sources);
                (baseline.label.clone(), versions, Some(baseline.catalog))
            }
        };
        let (evolution, found) = evolution::check_catalog(&loaded.catalog, &baselines);
        diagnostics.extend(found);
        breaking = breaking_changes(
            &label,
            &evolution,
            &baselines,
            &loaded.catalog,
            baseline_catalog.as_ref(),
        );
        // A registry baseline's messages come with its versions.
        if let Some(baseline) = &baseline_catalog {
            baseline_messages = contrail_lint::protobuf::baseline_messages(&label, baseline);
        }
        summary = Some((label, evolution));
    }
    // Lint runs after the comparison so that the rules judging changes see its verdicts.
    diagnostics.extend(contrail_lint::lint_against(
        &loaded.catalog,
        &breaking,
        &baseline_messages,
    ));
    if let Some((path, report)) = &observed {
        diagnostics.extend(drift::findings(&loaded.catalog, report, path));
    }
    contrail_contracts::diagnostic::normalize(&mut diagnostics);
    let impacts = summary.as_ref().map_or_else(Vec::new, |(_, evolution)| {
        check_impact::impacts(&loaded.catalog, evolution)
    });
    let mut stdout = std::io::stdout().lock();
    let mut extra = summary.as_ref().map(|(label, evolution)| {
        let mut extra = serde_json::json!({
            "baseline": label,
            "compatibility": {
                "checked": evolution.checked.iter().map(|c| serde_json::json!({
                    "event": c.event,
                    "mode": c.mode,
                    "versions": c.versions,
                    "compatible": c.incompatibilities == 0,
                    "incompatibilities": c.incompatibilities,
                })).collect::<Vec<_>>(),
                "unchanged": evolution.unchanged,
                "new": evolution.new,
            },
        });
        // Only when a schema changed, so that reports without a change stay as they were.
        if !impacts.is_empty()
            && let (Some(extra), Ok(impact)) =
                (extra.as_object_mut(), serde_json::to_value(&impacts))
        {
            extra.insert("impact".to_owned(), impact);
        }
        extra
    });
    if let Some((path, report)) = &observed {
        let facts = observed_facts(path, report);
        match extra.as_mut().and_then(serde_json::Value::as_object_mut) {
            Some(object) => {
                object.insert("observed".to_owned(), facts);
            }
            None => extra = Some(serde_json::json!({ "observed": facts })),
        }
    }
    let context = ReportContext {
        command: "check",
        // The trace report is a file read too.
        files: loaded.sources.len() + usize::from(observed.is_some()),
        color,
        extra: extra.as_ref(),
    };
    render::render(&mut stdout, args.format, &diagnostics, &sources, context)?;
    if let (Format::Github, Some((label, _))) = (args.format, &summary)
        && !impacts.is_empty()
        && let Some(file) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|f| !f.is_empty())
    {
        let markdown = check_impact::github_summary(&loaded.catalog, label, &impacts);
        check_impact::append_step_summary(Path::new(&file), &markdown);
    }
    if let (Format::Human, Some((label, evolution))) = (args.format, summary) {
        for checked in &evolution.checked {
            let verdict = match checked.incompatibilities {
                0 => "compatible".to_owned(),
                1 => "1 incompatible change".to_owned(),
                n => format!("{n} incompatible changes"),
            };
            writeln!(
                stdout,
                "  {} {}: {verdict} ({} against {} version{} from {label})",
                if checked.incompatibilities == 0 {
                    "ok "
                } else {
                    "ERR"
                },
                checked.event,
                checked.mode,
                checked.versions,
                if checked.versions == 1 { "" } else { "s" },
            )?;
        }
        check_impact::write_human(&mut stdout, &impacts)?;
        writeln!(
            stdout,
            "check: compared with {label}: {} changed schema{} checked, {} unchanged, {} new",
            evolution.checked.len(),
            if evolution.checked.len() == 1 {
                ""
            } else {
                "s"
            },
            evolution.unchanged,
            evolution.new.len()
        )?;
    }
    if let (Format::Human, Some((path, report))) = (args.format, &observed) {
        writeln!(stdout, "{}", observed_line(path, report))?;
    }
    stdout.flush()?;
    Ok(super::exit_code(&diagnostics))
}

/// What the trace report held, for the JSON report's `observed`.
fn observed_facts(path: &Path, report: &TraceReport) -> serde_json::Value {
    let seen = report.edges.iter().filter(|e| e.count > 0).count();
    serde_json::json!({
        "trace": render::display_path(path),
        "records": report.records.read,
        "flows": report.totals.flows,
        "edges_seen": seen,
        "broken_chains": report.totals.broken_chains,
    })
}

/// The closing line of the human report with `--observed`.
fn observed_line(path: &Path, report: &TraceReport) -> String {
    let problems: u64 = ProblemKind::ALL
        .iter()
        .map(|&k| *report.records.problems.get(k))
        .sum();
    let seen = report.edges.iter().filter(|e| e.count > 0).count();
    format!(
        "check: observed {}: {} records ({problems} problem records), {} flows, {seen} edges seen, {} broken chains",
        render::display_path(path),
        report.records.read,
        report.totals.flows,
        report.totals.broken_chains,
    )
}

/// The events the comparison found incompatible, with what the baseline said about each, for
/// BREAKING_CHANGE_NEEDS_NEW_TOPIC_OR_MAJOR. A registry baseline has no catalog: the subject
/// was derived from the current topic, so the topic is the current one and the version unknown.
fn breaking_changes(
    label: &str,
    evolution: &evolution::Evolution,
    baselines: &Baselines,
    catalog: &Catalog,
    baseline_catalog: Option<&Catalog>,
) -> Vec<BreakingChange> {
    evolution
        .checked
        .iter()
        .filter(|c| c.incompatibilities > 0)
        .map(|checked| {
            let (topic, version) = match baseline_catalog {
                Some(baseline) => baseline.event(&checked.event).map_or((None, None), |e| {
                    (
                        e.topic.as_ref().map(|t| t.value.clone()),
                        e.version.as_ref().map(|v| v.value.clone()),
                    )
                }),
                None => (
                    catalog
                        .event(&checked.event)
                        .and_then(|e| e.topic.as_ref())
                        .map(|t| t.value.clone()),
                    None,
                ),
            };
            BreakingChange {
                event: checked.event.clone(),
                baseline: label.to_owned(),
                incompatibilities: checked.incompatibilities,
                topic,
                version,
                schema: baselines
                    .get(&checked.event)
                    .and_then(|h| h.last())
                    .and_then(|v| v.json.clone()),
            }
        })
        .collect()
}

/// The registry URL `--against` names, if it names one: `registry` (the catalog's `registry:`)
/// or an `http(s)://` URL.
fn registry_url(against: &str, catalog: &Catalog) -> anyhow::Result<Option<String>> {
    if against == "registry" {
        let Some(url) = &catalog.config.registry else {
            bail!(
                "--against registry: contrail.yaml has no `registry:` URL; add one or pass the URL itself"
            );
        };
        return Ok(Some(url.value.clone()));
    }
    Ok(
        (against.starts_with("http://") || against.starts_with("https://"))
            .then(|| against.to_owned()),
    )
}

/// Every live version of each event's subject, oldest first, with the schemas they reference;
/// and the payload message of each Protobuf event's latest version, for the rules that
/// compare a message with its earlier form.
fn registry_versions(
    url: &str,
    tls: &super::registry::RegistryTlsArgs,
    catalog: &Catalog,
    sources: &mut Sources,
) -> anyhow::Result<(Baselines, Vec<contrail_lint::protobuf::BaselineMessage>)> {
    use contrail_registry::model::{SchemaType, VersionSelector};

    let client = super::registry::client(url, tls)?;
    let mut baselines = Baselines::new();
    let mut messages = Vec::new();
    for event in &catalog.events {
        if event.schema.is_none() {
            continue;
        }
        let Some(subject) = contrail_contracts::validate::subject_of(catalog, event) else {
            continue;
        };
        let versions = match client.versions(&subject) {
            Ok(versions) => versions,
            // A subject the registry does not have yet: the event is new.
            Err(e) if e.is_subject_not_found() => continue,
            Err(e) => return Err(e).with_context(|| format!("reading subject {subject}")),
        };
        let latest = versions.last().copied();
        for number in versions {
            let registered = client
                .version(&subject, VersionSelector::Number(number))
                .with_context(|| format!("reading {subject} version {number}"))?;
            let file = PathBuf::from(format!("registry:{subject}/versions/{number}"));
            let label = format!("{subject} version {number} in the registry");
            // Resolved once: for the comparison (the registry's own conversion, references
            // included), Avro's canonical form, and the Protobuf rules that compare messages.
            let resolved = super::registry::resolved_references(&client, &registered.references)?;
            let schema = super::registry::comparable_resolved(&registered, &resolved)?;
            if registered.schema_type == SchemaType::Protobuf {
                if Some(number) == latest {
                    messages.extend(registered_message(
                        &registered,
                        &resolved,
                        event,
                        &file,
                        url,
                    ));
                }
                sources.insert(file.clone(), Arc::from(registered.schema.as_str()));
                baselines
                    .entry(event.name.value.clone())
                    .or_default()
                    .push(BaselineVersion {
                        label,
                        schema,
                        json: None,
                        canonical: None,
                        file,
                        node: None,
                        protobuf: None,
                    });
                continue;
            }
            let json: serde_json::Value = serde_json::from_str(&registered.schema)
                .with_context(|| format!("{subject} version {number} is not JSON"))?;
            // Avro only: the form registries return, to tell a reformatted file from a change.
            let canonical = if registered.schema_type == SchemaType::Avro {
                let texts: Vec<&str> = resolved
                    .iter()
                    .filter(|r| r.schema.schema_type == SchemaType::Avro)
                    .map(|r| r.schema.schema.as_str())
                    .collect();
                apache_avro::Schema::parse_str_with_list(&registered.schema, texts)
                    .ok()
                    .and_then(|(parsed, _)| evolution::canonical_avro(Some(&parsed)))
            } else {
                None
            };
            let text =
                serde_json::to_string_pretty(&json).unwrap_or_else(|_| registered.schema.clone());
            let node = contrail_contracts::yaml::parse(&text).ok().map(|d| d.root);
            sources.insert(file.clone(), Arc::from(text));
            baselines
                .entry(event.name.value.clone())
                .or_default()
                .push(BaselineVersion {
                    label,
                    schema,
                    json: Some(json),
                    canonical,
                    file,
                    node,
                    protobuf: None,
                });
        }
    }
    Ok((baselines, messages))
}

/// The payload message of `event` in a registered Protobuf version (the message the event
/// names, else the file's first), compiled with the files its references name; `None` when
/// it does not compile or has no such message.
fn registered_message(
    registered: &contrail_registry::client::RegisteredSchema,
    resolved: &[contrail_registry::model::ResolvedReference],
    event: &contrail_contracts::model::Event,
    file: &std::path::Path,
    baseline: &str,
) -> Option<contrail_lint::protobuf::BaselineMessage> {
    use contrail_contracts::protobuf::{ProtoSource, compile};
    let source = |path: &std::path::Path, text: &str| ProtoSource {
        path: path.to_path_buf(),
        text: text.to_owned(),
    };
    let compiled = compile(
        "registered.proto",
        source(file, &registered.schema),
        |import, _| {
            resolved
                .iter()
                .find(|r| r.reference.name == import)
                .map(|r| source(std::path::Path::new(import), &r.schema.schema))
        },
    );
    let written = event
        .schema
        .as_ref()
        .and_then(|s| s.message.as_ref())
        .map(|m| m.value.as_str());
    compiled
        .ok()
        .and_then(|c| c.message(written))
        .map(|message| contrail_lint::protobuf::BaselineMessage {
            event: event.name.value.clone(),
            baseline: baseline.to_owned(),
            message,
        })
}
