//! Running `init --from-registry`: read the registry, plan the files, load the result as a
//! catalog in a scratch directory until it loads without errors (leaving out the subjects
//! whose files do not), move the changed files into place, and report.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use contrail_contracts::diagnostic::Severity;
use contrail_contracts::load::CATALOG_FILE;
use contrail_contracts::{Catalog, LoadOptions, load_catalog};
use serde::Serialize;

use super::from_registry::{self, EventEntry, Plan, PlanInput, Skipped, TypeEntry};
use super::{Args, Scaffold};
use crate::commands::registry::OutputFormat;

/// How long one request to the registry may take: an unreachable registry is an error in
/// seconds, not a hang.
const REGISTRY_TIMEOUT: Duration = Duration::from_secs(10);

/// Each try leaves out the subjects whose files failed to load; those that use them fail on
/// the next. Four tries cover a referenced type that fails and the events that use it.
const MAX_TRIES: usize = 4;

#[derive(Debug, Serialize)]
struct FileAction {
    path: String,
    action: &'static str,
}

#[derive(Debug, Serialize)]
struct Report {
    catalog: String,
    registry: String,
    dir: String,
    /// Whether DIR held a catalog already (a re-run).
    updated_catalog: bool,
    files: Vec<FileAction>,
    events: Vec<EventEntry>,
    types: Vec<TypeEntry>,
    skipped: Vec<Skipped>,
    /// Load errors in files init did not write (a person's edits), which init leaves alone.
    other_errors: Vec<String>,
}

pub(super) fn run(args: &Args, url: &str, name: &str) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    let config_path = dir.join(CATALOG_FILE);
    let existing_config = match std::fs::read_to_string(&config_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", config_path.display())),
    };
    let defaults = match &existing_config {
        Some(text) => Some(from_registry::read_defaults(text).with_context(|| {
            format!(
                "{} is not valid YAML: fix it before running init again",
                config_path.display()
            )
        })?),
        None => None,
    };
    // Checked before the registry is asked, so a wrong DIR fails at once.
    if defaults.is_none() && !args.force && dir.is_dir() && super::has_content(dir)? {
        bail!(
            "{} is not empty and holds no catalog (contrail.yaml): nothing written. Name a new \
             or empty directory, run init again on a catalog it built earlier, or pass --force \
             to add the files to this directory",
            dir.display()
        );
    }
    let client = crate::commands::registry::client_with_timeout(url, REGISTRY_TIMEOUT, &args.tls)?;
    let registry = from_registry::fetch(&client, url, args.subject_prefix.as_deref())?;

    let existing = |path: &str| std::fs::read_to_string(dir.join(path)).ok();
    let mut excluded: BTreeMap<String, String> = BTreeMap::new();
    let mut tries = 0;
    let (plan, catalog, other_errors) = loop {
        tries += 1;
        let plan = from_registry::plan(
            &registry,
            &PlanInput {
                name,
                forced: args.subject_naming,
                defaults: defaults.clone(),
                excluded: &excluded,
                existing: &existing,
            },
        );
        let Checked {
            catalog,
            failures,
            others,
        } = load_planned(dir, &plan)?;
        if failures.is_empty() {
            break (plan, catalog, others);
        }
        if tries == MAX_TRIES {
            let listed: Vec<String> = failures
                .iter()
                .map(|(subject, why)| format!("{subject}: {why}"))
                .collect();
            bail!(
                "the catalog built from {url} does not load without errors: nothing written\n{}",
                listed.join("\n")
            );
        }
        excluded.extend(failures);
    };

    let mut files: Vec<(String, String)> = plan
        .config
        .iter()
        .map(|c| (CATALOG_FILE.to_owned(), c.clone()))
        .collect();
    files.extend(plan.files.iter().map(|(p, t)| (p.clone(), t.clone())));
    let mut actions = Vec::new();
    let mut changed = Vec::new();
    for (path, text) in files {
        let action = if from_registry::unchanged(dir, &path, &text) {
            "unchanged"
        } else if dir.join(&path).exists() {
            "updated"
        } else {
            "created"
        };
        if action != "unchanged" {
            changed.push((path.clone(), text));
        }
        actions.push(FileAction { path, action });
    }
    if !changed.is_empty() {
        let scaffold = Scaffold {
            name: name.to_owned(),
            files: changed,
        };
        super::install(dir, &scaffold, args.force || defaults.is_some())?;
    }

    let mut events = plan.events;
    for event in &mut events {
        event.missing = missing(&catalog, &event.event);
    }
    let report = Report {
        catalog: name.to_owned(),
        registry: url.to_owned(),
        dir: dir.display().to_string(),
        updated_catalog: defaults.is_some(),
        files: actions,
        events,
        types: plan.types,
        skipped: plan.skipped,
        other_errors,
    };
    let mut stdout = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &report)?;
            writeln!(stdout)?;
        }
        OutputFormat::Human => write_human(&mut stdout, &report)?,
    }
    stdout.flush()?;
    Ok(if report.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The catalog a plan makes, loaded.
struct Checked {
    catalog: Catalog,
    /// The subjects whose files have errors, with the first error.
    failures: BTreeMap<String, String>,
    /// The errors in files init does not write.
    others: Vec<String>,
}

/// Loads the catalog `plan` makes of `dir` in a scratch copy.
fn load_planned(dir: &Path, plan: &Plan) -> anyhow::Result<Checked> {
    let scratch = tempfile::Builder::new()
        .prefix("contrail-init-check-")
        .tempdir()
        .context("creating a scratch directory to check the new catalog in")?;
    let root = scratch.path();
    if dir.is_dir() {
        copy_catalog(dir, root)?;
    }
    let config = plan.config.iter().map(|c| (CATALOG_FILE, c));
    for (path, text) in config.chain(plan.files.iter().map(|(p, t)| (p.as_str(), t))) {
        let file = root.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
    }
    let loaded = load_catalog(root, LoadOptions::default())
        .with_context(|| "loading the new catalog".to_owned())?;
    let root_abs = contrail_contracts::paths::normalize(&std::path::absolute(root)?);
    let mut failures: BTreeMap<String, String> = BTreeMap::new();
    let mut others = Vec::new();
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        let (path, at) = match &d.location {
            Some(location) => {
                let file =
                    contrail_contracts::paths::normalize(&std::path::absolute(&location.file)?);
                let relative = file
                    .strip_prefix(&root_abs)
                    .map(slash_path)
                    .unwrap_or_else(|_| location.file.display().to_string());
                let at = format!(
                    "{relative}:{}:{}",
                    location.start.line, location.start.column
                );
                (relative, at)
            }
            None => (String::new(), CATALOG_FILE.to_owned()),
        };
        let text = format!("{at}: {} [{}]", d.message, d.code.code);
        match plan.blame.get(&path) {
            Some(subjects) => {
                for subject in subjects {
                    failures
                        .entry(subject.clone())
                        .or_insert_with(|| format!("the catalog would not load: {text}"));
                }
            }
            None => others.push(text),
        }
    }
    Ok(Checked {
        catalog: loaded.catalog,
        failures,
        others,
    })
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Copies the catalog at `from` into `to`, without version control metadata and init's own
/// staging directories.
fn copy_catalog(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry.with_context(|| format!("reading {}", from.display()))?;
        let name = entry.file_name();
        let skip = name == ".git" || name.to_string_lossy().starts_with(".contrail-init-");
        if skip {
            continue;
        }
        let source: PathBuf = entry.path();
        let target = to.join(&name);
        let kind = entry.file_type()?;
        if kind.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_catalog(&source, &target)?;
        } else if kind.is_file() {
            std::fs::copy(&source, &target)
                .with_context(|| format!("copying {}", source.display()))?;
        }
    }
    Ok(())
}

/// What the catalog does not say about `event` that a team should: who owns it, produces it,
/// consumes it, and on which topic.
fn missing(catalog: &Catalog, event: &str) -> Vec<&'static str> {
    let Some(declared) = catalog.events.iter().find(|e| e.name.value == event) else {
        return Vec::new();
    };
    let mut missing = Vec::new();
    if declared.topic.is_none() {
        missing.push("topic");
    }
    if declared.owner.is_none() && catalog.config.defaults.owner.is_none() {
        missing.push("owner");
    }
    let services = &catalog.services;
    if !services
        .iter()
        .any(|s| s.produces.iter().any(|p| p.event.value == event))
    {
        missing.push("producers");
    }
    if !declared.public
        && !services
            .iter()
            .any(|s| s.consumes.iter().any(|c| c.event.value == event))
    {
        missing.push("consumers");
    }
    missing
}

fn write_human(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    writeln!(
        out,
        "init: catalog `{}` from {} into {}: {}, {}, {} left out",
        report.catalog,
        report.registry,
        report.dir,
        plural(report.events.len(), "event", "events"),
        plural(
            report.types.len(),
            "referenced schema",
            "referenced schemas"
        ),
        plural(report.skipped.len(), "subject", "subjects"),
    )?;
    let unchanged = report
        .files
        .iter()
        .filter(|f| f.action == "unchanged")
        .count();
    for file in report.files.iter().filter(|f| f.action != "unchanged") {
        writeln!(out, "  {:<9} {}", file.action, file.path)?;
    }
    if unchanged > 0 {
        writeln!(
            out,
            "  {}",
            plural(unchanged, "file unchanged", "files unchanged")
        )?;
    }
    if !report.events.is_empty() {
        writeln!(out, "events:")?;
    }
    for event in &report.events {
        let key = event
            .key_subject
            .as_ref()
            .map(|k| format!(", key {k}"))
            .unwrap_or_default();
        let naming = event
            .naming
            .map_or_else(|| "no known naming".to_owned(), |n| format!("{n} naming"));
        writeln!(
            out,
            "  {:<20} {} version {} ({naming}{key}) -> {}",
            event.event, event.subject, event.version, event.file
        )?;
    }
    if !report.types.is_empty() {
        writeln!(out, "referenced schemas:")?;
    }
    for schema in &report.types {
        writeln!(
            out,
            "  {} version {} -> {}",
            schema.subject, schema.version, schema.schema
        )?;
    }
    if !report.skipped.is_empty() {
        writeln!(out, "left out (nothing written for them):")?;
    }
    for skipped in &report.skipped {
        writeln!(out, "  {}: {}", skipped.subject, skipped.reason)?;
    }
    if !report.other_errors.is_empty() {
        writeln!(
            out,
            "errors in files init does not write (left as they are):"
        )?;
    }
    for error in &report.other_errors {
        writeln!(out, "  {error}")?;
    }
    let to_fill: Vec<&EventEntry> = report
        .events
        .iter()
        .filter(|e| !e.missing.is_empty())
        .collect();
    if !to_fill.is_empty() {
        writeln!(out, "to fill in (a registry does not know these):")?;
    }
    for event in &to_fill {
        writeln!(out, "  {:<20} {}", event.event, event.missing.join(", "))?;
    }
    writeln!(
        out,
        "next: declare owners in the event files and producers and consumers in services/, \
         then run `contrail validate {0}` and `contrail check {0}`",
        report.dir
    )?;
    Ok(())
}
