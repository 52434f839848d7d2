//! `contrail docs`: the catalog as a static documentation site — one page per event, service,
//! owner and topic, the whole system, the findings, and a search that works offline.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, bail};
use contrail_contracts::compat::{self, SchemaVersion};
use contrail_contracts::model::{Catalog, CompatibilityMode};
use contrail_contracts::schema::SchemaFormat;
use contrail_contracts::{LoadOptions, load_paths};
use contrail_site::docs::{SchemaRevision, SiteOptions, render_site_into};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  contrail docs examples/shop --out /tmp/shop-site
  contrail docs examples/shop --out site --markdown
  contrail docs examples/shop --out /tmp/shop-site --observed tests/fixtures/observed/shop-trace.json")]
pub struct Args {
    /// The catalog directory (default: the nearest directory at or above the working
    /// directory that holds contrail.yaml).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// The directory to write the site into (created; files inside it are overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Also write a Markdown file beside each page, for git forges.
    #[arg(long)]
    pub markdown: bool,

    /// Show up to N committed versions of each event's schema file (from `git log --follow`)
    /// with the compatibility verdict between consecutive ones; 0 shows none. Nothing is shown
    /// when the catalog is not in a git repository.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub history: usize,

    /// Show a trace on the pages: TRACE.json is what `contrail trace --format json` wrote.
    /// Event and service pages gain a "Traffic" section (each hop seen, its count and
    /// latencies, the hops nobody declared) and the drift findings (CO codes) of
    /// `contrail check --observed`.
    #[arg(long, value_name = "TRACE.json")]
    pub observed: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = crate::catalog::resolve(args.path.as_deref())?;
    let loaded = load_paths(std::slice::from_ref(&path), LoadOptions::default())?;
    // As `contrail lint` does: the load's findings, then the rules' (a catalog with findings
    // still renders; its pages show them).
    let mut findings = loaded.diagnostics.clone();
    findings.extend(contrail_lint::lint(&loaded.catalog));
    let observed = match &args.observed {
        Some(path) => {
            let report = super::observed::read_trace(path)?;
            findings.extend(contrail_contracts::observe::drift::findings(
                &loaded.catalog,
                &report,
                path,
            ));
            Some(report)
        }
        None => None,
    };
    contrail_contracts::diagnostic::normalize(&mut findings);
    let graph = loaded.catalog.graph();
    let options = SiteOptions {
        title: None,
        markdown: args.markdown,
        history: schema_history(&loaded.catalog, args.history),
        observed,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    // Each page is written as soon as it is rendered: a large catalog's site never has to be
    // held in memory whole.
    let written = render_site_into(&loaded.catalog, &graph, &findings, &options, |page| {
        let target = inside(&args.out, &page.path)?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&target, &page.bytes)
            .with_context(|| format!("writing {}", target.display()))
    })?;
    let summary = contrail_contracts::Summary::of(&findings);
    println!(
        "wrote {} files to {} ({} errors, {} warnings, {} infos shown on the pages)",
        written,
        args.out.display(),
        summary.errors,
        summary.warnings,
        summary.infos
    );
    println!("open {}", args.out.join("index.html").display());
    Ok(ExitCode::SUCCESS)
}

/// Up to `depth` committed versions of each event's schema file, newest first, each with its
/// verdict against the one before (a `.proto` version compiled with the files it imports as
/// they are today). Events whose schema is inline (AsyncAPI) or not in a git repository get
/// none; git being absent is not an error.
fn schema_history(catalog: &Catalog, depth: usize) -> BTreeMap<String, Vec<SchemaRevision>> {
    let mut out = BTreeMap::new();
    if depth == 0 {
        return out;
    }
    let defaults = catalog.config.defaults.compatibility.as_ref();
    for event in &catalog.events {
        let Some(id) = event.schema.as_ref().and_then(|s| s.id) else {
            continue;
        };
        let schema = catalog.schemas.get(id);
        if !schema.pointer.is_empty() {
            continue;
        }
        // One more than shown, so the oldest shown has a verdict too.
        let Some(commits) = file_log(&schema.file, depth + 1) else {
            continue;
        };
        let references: Vec<serde_json::Value> = schema
            .references
            .iter()
            .filter_map(|(_, file)| {
                catalog
                    .schemas
                    .find(file, "")
                    .and_then(|r| catalog.schemas.get(r).json.clone())
            })
            .collect();
        let references: Vec<&serde_json::Value> = references.iter().collect();
        let versions: Vec<Option<SchemaVersion>> = commits
            .iter()
            .map(|c| {
                let text = git_show(&schema.file, &c.hash, &c.path)?;
                if schema.format == SchemaFormat::Protobuf {
                    return compat::protobuf_version_of_text(catalog, schema, &text).ok();
                }
                let json: serde_json::Value = serde_json::from_str(&text).ok()?;
                match schema.format {
                    SchemaFormat::Avro => compat::avro::AvroSchema::parse(&json, &references)
                        .ok()
                        .map(SchemaVersion::Avro),
                    SchemaFormat::JsonSchema => Some(SchemaVersion::json(json)),
                    SchemaFormat::Protobuf => None,
                }
            })
            .collect();
        let mode = event
            .compatibility
            .as_ref()
            .or(defaults)
            .map_or(CompatibilityMode::Backward, |m| m.value);
        let revisions = commits
            .iter()
            .enumerate()
            .take(depth)
            .map(|(i, c)| SchemaRevision {
                commit: c.short.clone(),
                date: c.date.clone(),
                subject: c.subject.clone(),
                verdict: (i + 1 < commits.len())
                    .then(|| verdict(mode, versions[i].as_ref(), versions[i + 1].as_ref())),
            })
            .collect();
        out.insert(event.name.value.clone(), revisions);
    }
    out
}

fn verdict(
    mode: CompatibilityMode,
    new: Option<&SchemaVersion>,
    old: Option<&SchemaVersion>,
) -> String {
    let (Some(new), Some(old)) = (new, old) else {
        return "not compared: a version did not parse".to_owned();
    };
    if mode == CompatibilityMode::None {
        return "not checked (NONE)".to_owned();
    }
    match compat::check(mode, new, std::slice::from_ref(old)) {
        Ok(report) if report.compatible => format!("compatible ({mode})"),
        Ok(report) => {
            let problems: Vec<&str> = report
                .comparisons
                .iter()
                .flat_map(|c| c.incompatibilities.iter().map(|i| i.message.as_str()))
                .collect();
            let mut text = format!("incompatible ({mode})");
            if let Some(first) = problems.first() {
                text.push_str(&format!(": {first}"));
            }
            if problems.len() > 1 {
                text.push_str(&format!(" (and {} more)", problems.len() - 1));
            }
            text
        }
        Err(mismatch) => format!("not compared: {mismatch}"),
    }
}

/// One commit touching a schema file.
struct Commit {
    hash: String,
    short: String,
    date: String,
    subject: String,
    /// The file's path at that commit, from the repository's top (renames followed).
    path: String,
}

fn git_in(file: &Path) -> Command {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut command = Command::new("git");
    command.current_dir(dir);
    command
}

/// `git log --follow` of `file`, newest first; `None` when git or a repository is missing.
fn file_log(file: &Path, limit: usize) -> Option<Vec<Commit>> {
    let name = file.file_name()?;
    let output = git_in(file)
        .args(["log", "--follow", "--name-only"])
        .arg(format!("--max-count={limit}"))
        .arg("--format=%x00%H%x09%h%x09%as%x09%s")
        .arg("--")
        .arg(name)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let commits = text
        .split('\0')
        .filter_map(|chunk| {
            let mut lines = chunk.lines();
            let mut head = lines.next()?.splitn(4, '\t');
            let (hash, short, date, subject) =
                (head.next()?, head.next()?, head.next()?, head.next()?);
            let path = lines.rev().find(|l| !l.trim().is_empty())?;
            Some(Commit {
                hash: hash.to_owned(),
                short: short.to_owned(),
                date: date.to_owned(),
                subject: subject.to_owned(),
                path: path.to_owned(),
            })
        })
        .collect();
    Some(commits)
}

/// The file at `path` (from the repository's top) as committed in `hash`.
fn git_show(file: &Path, hash: &str, path: &str) -> Option<String> {
    let output = git_in(file)
        .arg("show")
        .arg(format!("{hash}:{path}"))
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `relative` under `out`, refusing anything that could leave it (the renderer never makes
/// such a path; this is the second lock on the door).
fn inside(out: &Path, relative: &str) -> anyhow::Result<PathBuf> {
    let path = Path::new(relative);
    if relative.is_empty()
        || relative.contains('\\')
        || !path.components().all(|c| matches!(c, Component::Normal(_)))
    {
        bail!("refusing to write `{relative}`: not a plain path inside the output directory");
    }
    Ok(out.join(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_written() {
        let out = Path::new("site");
        assert!(inside(out, "events/a.html").is_ok());
        for bad in ["", "../x", "/etc/x", "a/../../x", "a\\..\\x", "./x"] {
            assert!(inside(out, bad).is_err(), "{bad}");
        }
    }
}
