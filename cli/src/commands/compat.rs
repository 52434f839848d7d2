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

    /// Avro files defining named types the schemas use, or `.proto` files they import
    /// (Confluent schema references). Types defined in the catalog around a schema, and
    /// `.proto` imports next to the file, are found without this.
    #[arg(long = "reference", short = 'r', value_name = "FILE")]
    pub references: Vec<PathBuf>,

    /// The proposed schema.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Earlier versions, oldest first. Transitive modes check all of them, the others the last.
    #[arg(value_name = "OLD", required = true)]
    pub old: Vec<PathBuf>,
}

pub(crate) fn parse_mode(text: &str) -> Result<CompatibilityMode, String> {
    CompatibilityMode::parse_keyword(text).ok_or_else(|| {
        format!(
            "expected one of {}",
            CompatibilityMode::keywords().join(", ")
        )
    })
}

/// A loaded version: its comparable form, its tree (for locating paths) and its file.
pub(crate) struct Version {
    file: PathBuf,
    schema: SchemaVersion,
    node: Option<Node>,
}

impl Version {
    /// A version whose text is in the report's `Sources` under `file` (a name such as
    /// `registry:SUBJECT/versions/N` for a schema that is not a file).
    pub(crate) fn new(file: PathBuf, schema: SchemaVersion) -> Version {
        Version {
            file,
            schema,
            node: None,
        }
    }

    /// The schema's tree with positions, parsed on demand: only versions that a finding points
    /// into need it.
    fn node(&mut self, sources: &Sources) -> Option<&Node> {
        // `.proto` text has no JSON-pointer tree; findings point at the file.
        let is_proto = contrail_contracts::schema::SchemaFormat::from_path(&self.file)
            == Some(contrail_contracts::schema::SchemaFormat::Protobuf);
        if self.node.is_none() && !is_proto {
            let text = sources.get(&self.file)?;
            self.node = contrail_contracts::yaml::parse(text).ok().map(|d| d.root);
        }
        self.node.as_ref()
    }
}

/// What loading one file gave: a version, or the findings that keep it from being one.
type Loaded = Result<Version, Vec<Diagnostic>>;

/// Loads one schema file. Files outside a catalog without extra references take a fast path
/// (JSON parse, then resolution); everything else, and anything the fast path cannot read,
/// goes through the catalog loader, which reports problems with positions. `validate` runs
/// apache-avro's full parser too, which the proposed schema gets; earlier versions were
/// accepted when they were registered or committed.
fn load_version(
    file: &Path,
    references: &[PathBuf],
    validate: bool,
) -> anyhow::Result<(Loaded, Sources)> {
    if contrail_contracts::schema::SchemaFormat::from_path(file)
        == Some(contrail_contracts::schema::SchemaFormat::Protobuf)
    {
        return proto_load(file, references);
    }
    if references.is_empty()
        && contrail_contracts::load::find_catalog_root(file).is_none()
        && let Some(fast) = fast_load(file, validate)
    {
        return Ok(fast);
    }
    let mut paths = vec![file.to_path_buf()];
    paths.extend(references.iter().cloned());
    let loaded = load_paths(&paths, LoadOptions::default())?;
    let errors: Vec<Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    if !errors.is_empty() {
        return Ok((Err(errors), loaded.sources));
    }
    // Inside a catalog the load names the file from the catalog's root.
    let normalized = contrail_contracts::load::locate(file).path;
    let Some(id) = loaded.catalog.schemas.find(&normalized, "") else {
        bail!(
            "{}: not a schema file (expected .avsc or .json)",
            file.display()
        );
    };
    let schema = compat::version_of(&loaded.catalog, id).map_err(anyhow::Error::msg)?;
    let node = loaded.catalog.schemas.get(id).node.clone();
    Ok((
        Ok(Version {
            file: normalized,
            schema,
            node,
        }),
        loaded.sources,
    ))
}

/// Compiles a `.proto` file with its imports, looked up by import name in the file's
/// directory, the root of the catalog around it, and the `--reference` files (by file name).
fn proto_load(file: &Path, references: &[PathBuf]) -> anyhow::Result<(Loaded, Sources)> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut roots: Vec<PathBuf> = vec![file.parent().unwrap_or(Path::new(".")).to_path_buf()];
    roots.extend(contrail_contracts::load::find_catalog_root(file));
    let references = references.to_vec();
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let open = move |import: &str| {
        roots
            .iter()
            .map(|root| root.join(import))
            .chain(references.iter().filter(|r| r.ends_with(import)).cloned())
            .find_map(|path| std::fs::read_to_string(path).ok())
    };
    let file = contrail_contracts::paths::normalize(file);
    let sources = Sources::from([(file.clone(), std::sync::Arc::from(text.as_str()))]);
    let loaded = match compat::protobuf::ProtoSchema::compile_with(&name, &text, open) {
        Ok(schema) => Ok(Version {
            file,
            schema: SchemaVersion::Protobuf(Box::new(schema)),
            node: None,
        }),
        Err(e) => Err(vec![
            Diagnostic::new(
                contrail_contracts::codes::SCHEMA_INVALID,
                format!("invalid Protobuf schema: {e}"),
            )
            .at(Location::file_start(&file)),
        ]),
    };
    Ok((loaded, sources))
}

fn fast_load(file: &Path, validate: bool) -> Option<(Loaded, Sources)> {
    let format = contrail_contracts::schema::SchemaFormat::from_path(file)?;
    let text = std::fs::read_to_string(file).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let schema = match format {
        contrail_contracts::schema::SchemaFormat::Avro => {
            if validate {
                apache_avro::Schema::parse(&json).ok()?;
            }
            SchemaVersion::Avro(compat::avro::AvroSchema::parse(&json, &[]).ok()?)
        }
        // JSON Schemas are checked against their meta-schema by the catalog loader.
        contrail_contracts::schema::SchemaFormat::JsonSchema if !validate => {
            SchemaVersion::json(json)
        }
        _ => return None,
    };
    let file = contrail_contracts::paths::normalize(file);
    let sources = Sources::from([(file.clone(), std::sync::Arc::from(text))]);
    Some((
        Ok(Version {
            file,
            schema,
            node: None,
        }),
        sources,
    ))
}

/// Loads the versions, spreading the files over the machine's cores (a long history is
/// hundreds of files).
fn load_versions(
    files: &[&PathBuf],
    references: &[PathBuf],
) -> anyhow::Result<(Vec<Loaded>, Sources)> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len())
        .max(1);
    let chunk = files.len().div_ceil(workers);
    let results: Vec<anyhow::Result<Vec<(Loaded, Sources)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .enumerate()
            .map(|(n, part)| {
                scope.spawn(move || {
                    part.iter()
                        .enumerate()
                        // The first file is the proposed schema: it gets full validation.
                        .map(|(i, file)| load_version(file, references, n == 0 && i == 0))
                        .collect::<anyhow::Result<Vec<_>>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a loader thread failed")))
            })
            .collect()
    });
    let mut versions = Vec::with_capacity(files.len());
    let mut sources = Sources::new();
    for part in results {
        for (loaded, part_sources) in part? {
            versions.push(loaded);
            sources.extend(part_sources);
        }
    }
    Ok((versions, sources))
}

pub(crate) fn run(args: Args, color: bool) -> anyhow::Result<ExitCode> {
    let files: Vec<&PathBuf> = std::iter::once(&args.new).chain(&args.old).collect();
    let (loaded, sources) = load_versions(&files, &args.references)?;
    let mut versions = Vec::new();
    let mut problems = Vec::new();
    for version in loaded {
        match version {
            Ok(version) => versions.push(version),
            Err(found) => problems.extend(found),
        }
    }
    let mut stdout = std::io::stdout().lock();
    if !problems.is_empty() {
        let context = ReportContext {
            command: "compat",
            files: sources.len(),
            color,
            extra: None,
        };
        render::render(&mut stdout, args.format, &problems, &sources, context)?;
        eprintln!("error: the schemas must be valid before they can be compared");
        return Ok(ExitCode::from(2));
    }
    let version_count = versions.len();
    let (new, history) = versions.split_first_mut().context("at least two schemas")?;
    let history_schemas: Vec<SchemaVersion> = history
        .iter_mut()
        .map(|v| std::mem::replace(&mut v.schema, SchemaVersion::json(serde_json::Value::Null)))
        .collect();
    let report = compat::check(args.mode, &new.schema, &history_schemas)?;
    // The parsed history is large and the process ends right after the report; freeing it
    // piece by piece would only cost time.
    std::mem::forget(history_schemas);
    let diagnostics = diagnostics(&report, new, history, &sources);
    let history = &*history;
    let new = &*new;
    let context = ReportContext {
        command: "compat",
        files: version_count,
        color,
        extra: None,
    };
    match args.format {
        Format::Json => {
            let document = json_report(&report, history, &diagnostics);
            serde_json::to_writer_pretty(&mut stdout, &document)?;
            writeln!(stdout)?;
        }
        Format::Human => {
            render::render(
                &mut stdout,
                Format::Human,
                &diagnostics,
                &sources,
                ReportContext {
                    files: version_count,
                    ..context
                },
            )?;
            let compared = report
                .comparisons
                .iter()
                .map(|c| c.old_index)
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            writeln!(
                stdout,
                "compat: {} is {} with {compared} earlier version{} under {}",
                display(&new.file),
                if report.compatible {
                    "compatible"
                } else {
                    "NOT compatible"
                },
                if compared == 1 { "" } else { "s" },
                report.mode
            )?;
        }
        other => render::render(&mut stdout, other, &diagnostics, &sources, context)?,
    }
    stdout.flush()?;
    Ok(if report.compatible {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The JSON document of a report (`compat --format json`; `registry diff` adds to it).
pub(crate) fn json_report(
    report: &Report,
    history: &[Version],
    diagnostics: &[Diagnostic],
) -> serde_json::Value {
    json!({
        "compatible": report.compatible,
        "mode": report.mode,
        "messages": messages(report, history),
        "comparisons": report.comparisons.iter().map(|c| json!({
            "old": display(&history[c.old_index].file),
            "old_index": c.old_index,
            "direction": c.direction,
            "compatible": c.incompatibilities.is_empty(),
            "incompatibilities": c.incompatibilities,
        })).collect::<Vec<_>>(),
        "diagnostics": diagnostics.iter().map(render::json_diagnostic).collect::<Vec<_>>(),
    })
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

fn locate(version: &mut Version, pointer: &str, sources: &Sources) -> Location {
    let file = version.file.clone();
    // (The history's schemas have been moved out by the time findings are located; the file
    // says the format then.)
    let is_proto = matches!(version.schema, SchemaVersion::Protobuf(_))
        || contrail_contracts::schema::SchemaFormat::from_path(&file)
            == Some(contrail_contracts::schema::SchemaFormat::Protobuf);
    if is_proto {
        // Protobuf findings name places by message and field names (`/OrderPlaced/total`).
        return sources
            .get(&file)
            .and_then(|text| contrail_contracts::protobuf::locate_in_text(text, pointer, &file))
            .unwrap_or_else(|| Location::file_start(&file));
    }
    version
        .node(sources)
        .and_then(|n| n.pointer(pointer))
        .map_or_else(|| Location::file_start(&file), |n| n.location(&file))
}

/// One diagnostic per incompatibility, pointing into the new schema (where the change is),
/// with the place in the old schema as related information.
pub(crate) fn diagnostics(
    report: &Report,
    new: &mut Version,
    history: &mut [Version],
    sources: &Sources,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for comparison in &report.comparisons {
        let old = &mut history[comparison.old_index];
        for i in &comparison.incompatibilities {
            let (new_path, old_path, why) = match comparison.direction {
                Direction::NewReadsOld => (
                    &i.reader_path,
                    &i.writer_path,
                    "consumers using the new schema cannot read data written with",
                ),
                Direction::OldReadsNew => (&i.writer_path, &i.reader_path, "consumers still using"),
            };
            let help = match comparison.direction {
                Direction::NewReadsOld => {
                    format!("{why} {} (the {} check)", display(&old.file), report.mode)
                }
                Direction::OldReadsNew => {
                    format!(
                        "{why} {} cannot read data written with the new schema (the {} check)",
                        display(&old.file),
                        report.mode
                    )
                }
            };
            out.push(
                Diagnostic::new(
                    compat::codes::for_rule(i.rule),
                    format!("{}: {}", i.rule, i.message),
                )
                .at(locate(new, new_path, sources))
                .pointer(new_path.clone())
                .related(
                    locate(old, old_path, sources),
                    format!("{} in {}", or_root(old_path), display(&old.file)),
                )
                .help(help),
            );
        }
    }
    out
}
