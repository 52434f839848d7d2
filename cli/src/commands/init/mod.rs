//! `contrail init`: a new catalog that validates and lints clean, to edit from.
//!
//! The files are written to a staging directory beside their destination and moved into place
//! once all of them are written, so a failure leaves nothing half-written. Other sources of a
//! catalog (a live registry) plug in as another way to build the [`Scaffold`]; writing it is
//! [`install`]'s job either way: [`from_registry`] builds one from a live schema registry.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use contrail_contracts::model::{Keyword, SubjectNaming};

use crate::commands::registry::{OutputFormat, RegistryTlsArgs};

mod from_registry;
mod merge;
mod registry_run;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory to create the catalog in (created with its parents if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// The catalog's name (default: DIR's name). It also prefixes the example event's topic.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Write into DIR even when it is not empty (files of the same name are replaced, others
    /// are left alone) or lies inside another catalog.
    #[arg(long)]
    pub force: bool,

    /// Build the catalog from the latest schema of every subject of this Confluent-compatible
    /// registry: one event and schema file per subject. Run it again on the catalog it built
    /// to take new subjects and schema changes; keys you added to event files are kept.
    #[arg(long, value_name = "URL")]
    pub from_registry: Option<String>,

    /// Only subjects whose names start with PREFIX (with --from-registry).
    #[arg(long, value_name = "PREFIX", requires = "from_registry")]
    pub subject_prefix: Option<String>,

    /// Read every subject name by this naming strategy instead of detecting each one's:
    /// topic (`<topic>-value`, `<topic>-key`), record (`<record full name>`) or topic-record
    /// (`<topic>-<record full name>`); subjects that do not follow it are left out.
    #[arg(
        long,
        value_name = "STRATEGY",
        value_parser = parse_naming,
        requires = "from_registry"
    )]
    pub subject_naming: Option<SubjectNaming>,

    #[command(flatten)]
    pub tls: RegistryTlsArgs,

    /// Output format of the --from-registry report.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// `--subject-naming`, spelled as `defaults.subject-naming` in contrail.yaml.
fn parse_naming(text: &str) -> Result<SubjectNaming, String> {
    SubjectNaming::parse_keyword(text).ok_or_else(|| {
        format!(
            "`{text}` is not a naming strategy; expected one of {}",
            SubjectNaming::keywords().join(", ")
        )
    })
}

/// Files to write, by path inside the catalog (`/`-separated), in the order they are listed.
#[derive(Debug)]
struct Scaffold {
    name: String,
    files: Vec<(String, String)>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let name = catalog_name(&args)?;
    if let Some(url) = &args.from_registry {
        return registry_run::run(&args, url, &name);
    }
    let scaffold = starter(&name);
    install(&args.dir, &scaffold, args.force)?;
    println!(
        "created catalog `{}` in {}:",
        scaffold.name,
        args.dir.display()
    );
    for (path, _) in &scaffold.files {
        println!("  {path}");
    }
    let here = args.dir.as_os_str() == OsStr::new(".");
    let path = if here {
        String::new()
    } else {
        format!(" {}", args.dir.display())
    };
    println!(
        "next: describe your events and services, then run `contrail validate{path}` and \
         `contrail lint{path}`"
    );
    Ok(ExitCode::SUCCESS)
}

/// The catalog's name: `--name` if it is one, else DIR's name made into one.
fn catalog_name(args: &Args) -> anyhow::Result<String> {
    Ok(match &args.name {
        Some(name) => {
            let slug = slug(name);
            if slug != *name {
                bail!(
                    "`{name}` cannot name a catalog: use lowercase letters, digits and `-` \
                     (for example `{slug}`)"
                );
            }
            slug
        }
        None => slug(&dir_name(&args.dir)?),
    })
}

/// The name of the directory `dir` names, `.` and `..` resolved.
fn dir_name(dir: &Path) -> anyhow::Result<String> {
    let absolute =
        std::path::absolute(dir).with_context(|| format!("finding where {} is", dir.display()))?;
    let normalized = contrail_contracts::paths::normalize(&absolute);
    Ok(normalized
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default())
}

/// `text` as a catalog name that is also a valid part of a Kafka topic and an Avro namespace:
/// lowercase ASCII letters and digits, words joined by single `-`, starting with a letter.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    match out.chars().next() {
        None => "catalog".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("catalog-{out}"),
        Some(_) => out.to_owned(),
    }
}

/// The starter catalog: one event with its Avro schema and an example, one service that
/// produces it, and a README.
fn starter(name: &str) -> Scaffold {
    let namespace = format!("com.example.{}", name.replace('-', "_"));
    let contrail_yaml = format!(
        "\
# The catalog `{name}`: events (events/), their payload schemas (schemas/) and the services
# that produce and consume them (services/). contrail's docs/contracts.md describes every key.
catalog: {name}
# registry: http://localhost:8081    # a schema registry: baseline for `check`, target of `registry push`
defaults:
  compatibility: BACKWARD_TRANSITIVE  # every version must be readable by every later schema
  correlation: {{ header: correlation-id }}
"
    );
    let event = format!(
        "\
event: ItemCreated
kind: domain
description: An item was created.
topic: {name}.items
key: itemId                 # all events of one item land on one partition, in order
schema: ../schemas/item-created.avsc
owner: team-items
public: true                # read outside the catalog; drop this once a consumer's contract is here
headers:
  correlation-id: {{ required: true, description: Groups every event one request caused. }}
examples:
  - name: a first item
    payload:
      eventId: 0b7e3f7c-1d2a-4f5e-9c8b-2a6d4e1f3b50
      occurredAt: 1764806400000
      itemId: item-1
      name: A first item
"
    );
    let schema = format!(
        r#"{{
  "type": "record",
  "name": "ItemCreated",
  "namespace": "{namespace}",
  "doc": "An item was created.",
  "fields": [
    {{ "name": "eventId", "type": {{ "type": "string", "logicalType": "uuid" }}, "doc": "Unique per event: consumers deduplicate on it." }},
    {{ "name": "occurredAt", "type": {{ "type": "long", "logicalType": "timestamp-millis" }}, "doc": "When the item was created." }},
    {{ "name": "itemId", "type": "string", "doc": "The item; also the partition key." }},
    {{ "name": "name", "type": "string", "doc": "What the item is called." }}
  ]
}}
"#
    );
    let service = "\
service: items
owner: team-items
description: Keeps the items and announces new ones.
produces:
  - event: ItemCreated
"
    .to_owned();
    let readme = format!(
        "\
# {name}

The event catalog of `{name}`: check it with `contrail validate` and `contrail lint`.
"
    );
    Scaffold {
        name: name.to_owned(),
        files: vec![
            ("contrail.yaml".to_owned(), contrail_yaml),
            ("events/item-created.yaml".to_owned(), event),
            ("schemas/item-created.avsc".to_owned(), schema),
            ("services/items.yaml".to_owned(), service),
            ("README.md".to_owned(), readme),
        ],
    }
}

/// The catalog `dir` would be nested in: the nearest directory strictly above it that holds
/// `contrail.yaml`.
fn enclosing_catalog(dir: &Path) -> Option<PathBuf> {
    let absolute = contrail_contracts::paths::normalize(&std::path::absolute(dir).ok()?);
    let parent = absolute.parent()?;
    contrail_contracts::load::find_catalog_root(parent)
}

/// Whether `dir` holds anything but version control metadata (`git init` comes first).
fn has_content(dir: &Path) -> anyhow::Result<bool> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if entry.file_name() != ".git" {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Writes `scaffold` into `dir`: staged in full beside (or, for an existing directory, inside)
/// the destination first, then moved into place, so an error leaves nothing half-written.
fn install(dir: &Path, scaffold: &Scaffold, force: bool) -> anyhow::Result<()> {
    let exists = match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => bail!("{} exists and is not a directory", dir.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    if !force && let Some(outer) = enclosing_catalog(dir) {
        bail!(
            "{} is inside the catalog at {}: nothing written. A catalog inside another is read \
             as part of it (its events and services would be declared twice); create it \
             elsewhere, or pass --force",
            dir.display(),
            outer.display()
        );
    }
    if exists && !force && has_content(dir)? {
        bail!(
            "{} is not empty: nothing written. Name a new or empty directory (`contrail init \
             DIR`), or pass --force to add the starter files to it (replacing files of the same \
             name)",
            dir.display()
        );
    }
    if !exists {
        // A new directory appears whole: staged beside it, renamed in one step.
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let staging = stage(parent, scaffold)?;
        std::fs::rename(staging.path(), dir)
            .with_context(|| format!("moving the new catalog to {}", dir.display()))?;
        // The staging directory is now `dir`: nothing left to clean up.
        let _ = staging.keep();
        return Ok(());
    }
    // An existing directory (possibly the working directory, which cannot be replaced): staged
    // inside it, then each file renamed into place, after checking that every one can be.
    for (path, _) in &scaffold.files {
        check_placeable(dir, path)?;
    }
    let staging = stage(dir, scaffold)?;
    for (path, _) in &scaffold.files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::rename(staging.path().join(path), &target)
            .with_context(|| format!("writing {}", target.display()))?;
    }
    Ok(())
}

/// Fails when the file `path` (inside `dir`) cannot be put in place: it is an existing
/// directory, or one of the directories it goes in is an existing file.
fn check_placeable(dir: &Path, path: &str) -> anyhow::Result<()> {
    let mut at = dir.to_path_buf();
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let last = i + 1 == parts.len();
        let Ok(meta) = std::fs::symlink_metadata(&at) else {
            return Ok(());
        };
        let in_the_way = if last {
            meta.is_dir()
        } else {
            !std::fs::metadata(&at).is_ok_and(|m| m.is_dir())
        };
        if in_the_way {
            bail!(
                "{} is in the way of the catalog's {path}: nothing written; move it away first",
                at.display()
            );
        }
    }
    Ok(())
}

/// Writes every file of `scaffold` into a new hidden directory under `parent`, removed again
/// if anything fails.
fn stage(parent: &Path, scaffold: &Scaffold) -> anyhow::Result<tempfile::TempDir> {
    let staging = tempfile::Builder::new()
        .prefix(".contrail-init-")
        .tempdir_in(parent)
        .with_context(|| format!("creating a staging directory in {}", parent.display()))?;
    for (path, text) in &scaffold.files {
        let file = staging.path().join(path);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
    }
    Ok(staging)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_catalog_names() {
        assert_eq!(slug("shop"), "shop");
        assert_eq!(slug("My Shop_2"), "my-shop-2");
        assert_eq!(slug("--x--"), "x");
        assert_eq!(slug("2024"), "catalog-2024");
        assert_eq!(slug("ü"), "catalog");
    }
}
