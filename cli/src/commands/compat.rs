//! `contrail compat`: is a new schema compatible with its earlier versions?

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use contrail_contracts::compat::{self, CompatibilityMode, Direction, Report, SchemaVersion};
use contrail_contracts::model::Keyword;
use contrail_contracts::yaml::Node;
use contrail_contracts::{Diagnostic, LoadOptions, Location, Sources, load_paths};
use serde_json::json;

use crate::render::{self, Format, ReportContext};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Compatibility mode, as in Confluent Schema Registry.
    #[arg(long, short = 'm', default_value = "BACKWARD", value_parser = parse_mode)]
    pub mode: CompatibilityMode,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Avro files defining named types the schemas use (Confluent schema references). Types
    /// defined in the catalog around a schema are found without this.
    #[arg(long = "reference", short = 'r', value_name = "FILE")]
    pub references: Vec<PathBuf>,

    /// The proposed schema.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Earlier versions, oldest first. Transitive modes check all of them, the others the last.
    #[arg(value_name = "OLD", required = true)]
    pub old: Vec<PathBuf>,
}

fn parse_mode(text: &str) -> Result<CompatibilityMode, String> {
    CompatibilityMode::parse_keyword(text)
        .ok_or_else(|| format!("expected one of {}", CompatibilityMode::keywords().join(", ")))
}

/// A loaded version: its comparable form, its tree (for locating paths) and its file.
struct Version {
    file: PathBuf,
    schema: SchemaVersion,
    node: Option<Node>,
}

fn load_version(file: &Path, references: &[PathBuf], sources: &mut Sources) -> anyhow::Result<Result<Version, Vec<Diagnostic>>> {
    let mut paths = vec![file.to_path_buf()];
    paths.extend(references.iter().cloned());
    let loaded = load_paths(&paths, LoadOptions::default())?;
    sources.extend(loaded.sources.clone());
    let errors: Vec<Diagnostic> = loaded.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let normalized = contrail_contracts::load::normalize(file);
    let Some(id) = loaded.catalog.schemas.find(&normalized, "") else {
        bail!("{}: not a schema file (expected .avsc or .json)", file.display());
    };
    let schema = compat::version_of(&loaded.catalog, id).map_err(anyhow::Error::msg)?;
    let node = loaded.catalog.schemas.get(id).node.clone();
    Ok(Ok(Version { file: normalized, schema, node }))
}

pub fn run(args: Args, color: bool) -> anyhow::Result<ExitCode> {
    let mut sources = Sources::new();
    let mut versions = Vec::new();
    let mut problems = Vec::new();
    for file in std::iter::once(&args.new).chain(&args.old) {
        match load_version(file, &args.references, &mut sources)? {
            Ok(version) => versions.push(version),
            Err(found) => problems.extend(found),
        }
    }
    let mut stdout = std::io::stdout().lock();
    if !problems.is_empty() {
        let context = ReportContext { command: "compat", files: sources.len(), color };
        render::render(&mut stdout, args.format, &problems, &sources, context)?;
        eprintln!("error: the schemas must be valid before they can be compared");
        return Ok(ExitCode::from(2));
    }
    let (new, history) = versions.split_first().context("at least two schemas")?;
    let history_schemas: Vec<SchemaVersion> = history.iter().map(|v| v.schema.clone()).collect();
    let report = compat::check(args.mode, &new.schema, &history_schemas)?;
    let diagnostics = diagnostics(&report, new, history);
    let context = ReportContext { command: "compat", files: versions.len(), color };
    match args.format {
        Format::Json => {
            let document = json!({
                "compatible": report.compatible,
                "mode": report.mode,
                "messages": messages(&report, history),
                "comparisons": report.comparisons.iter().map(|c| json!({
                    "old": display(&history[c.old_index].file),
                    "old_index": c.old_index,
                    "direction": c.direction,
                    "compatible": c.incompatibilities.is_empty(),
                    "incompatibilities": c.incompatibilities,
                })).collect::<Vec<_>>(),
                "diagnostics": diagnostics.iter().map(render::json_diagnostic).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut stdout, &document)?;
            writeln!(stdout)?;
        }
        Format::Human => {
            render::render(&mut stdout, Format::Human, &diagnostics, &sources, ReportContext { files: versions.len(), ..context })?;
            let compared = report.comparisons.iter().map(|c| c.old_index).collect::<std::collections::BTreeSet<_>>().len();
            writeln!(
                stdout,
                "{}: {} is {} with {compared} earlier version{} under {}",
                "compat",
                display(&new.file),
                if report.compatible { "compatible" } else { "NOT compatible" },
                if compared == 1 { "" } else { "s" },
                report.mode
            )?;
        }
        other => render::render(&mut stdout, other, &diagnostics, &sources, context)?,
    }
    stdout.flush()?;
    Ok(if report.compatible { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn display(path: &Path) -> String {
    render::display_path(path)
}

/// Confluent-style messages (`verbose=true`), one per incompatibility.
fn messages(report: &Report, history: &[Version]) -> Vec<String> {
    report
        .comparisons
        .iter()
        .flat_map(|c| {
            c.incompatibilities.iter().map(move |i| {
                format!(
                    "{{errorType:'{}', description:'{}', readerPath:'{}', writerPath:'{}', oldSchema:'{}', direction:'{}'}}",
                    i.rule,
                    i.message,
                    or_root(&i.reader_path),
                    or_root(&i.writer_path),
                    display(&history[c.old_index].file),
                    match c.direction {
                        Direction::NewReadsOld => "backward",
                        Direction::OldReadsNew => "forward",
                    }
                )
            })
        })
        .collect()
}

fn or_root(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

fn locate(version: &Version, pointer: &str) -> Location {
    version
        .node
        .as_ref()
        .and_then(|n| n.pointer(pointer))
        .map_or_else(|| Location::file_start(&version.file), |n| Location {
            file: version.file.clone(),
            start: n.span.start,
            end: n.span.end,
        })
}

/// One diagnostic per incompatibility, pointing into the new schema (where the change is),
/// with the place in the old schema as related information.
fn diagnostics(report: &Report, new: &Version, history: &[Version]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for comparison in &report.comparisons {
        let old = &history[comparison.old_index];
        for i in &comparison.incompatibilities {
            let (new_path, old_path, why) = match comparison.direction {
                Direction::NewReadsOld => (&i.reader_path, &i.writer_path, "consumers using the new schema cannot read data written with"),
                Direction::OldReadsNew => (&i.writer_path, &i.reader_path, "consumers still using"),
            };
            let help = match comparison.direction {
                Direction::NewReadsOld => format!("{why} {} (the {} check)", display(&old.file), report.mode),
                Direction::OldReadsNew => {
                    format!("{why} {} cannot read data written with the new schema (the {} check)", display(&old.file), report.mode)
                }
            };
            out.push(
                Diagnostic::new(compat::codes::for_rule(i.rule), format!("{}: {}", i.rule, i.message))
                    .at(locate(new, new_path))
                    .pointer(new_path.clone())
                    .related(locate(old, old_path), format!("{} in {}", or_root(old_path), display(&old.file)))
                    .help(help),
            );
        }
    }
    out
}
