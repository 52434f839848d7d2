//! `contrail registry diff`: two versions of a subject compared, the way `contrail compat`
//! compares files (the same engine, findings and rendering), plus a line diff of the schemas.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use contrail_contracts::Sources;
use contrail_contracts::compat::{self, CompatibilityMode, SchemaVersion};
use contrail_contracts::model::Keyword;
use contrail_registry::client::{Client, RegisteredSchema};
use contrail_registry::model::VersionSelector;
use serde_json::json;

use super::target;
use super::{ConnectArgs, OutputFormat};
use crate::commands::compat::{self as compat_command, Version};
use crate::render::{self, Format, ReportContext};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 compatible, 1 incompatible, 2 could not compare (unknown subject or version,
unreachable registry, a schema that does not parse)."
)]
pub struct DiffArgs {
    /// The subject.
    #[arg(value_name = "SUBJECT")]
    pub subject: String,

    /// The earlier version: a number or `latest`.
    #[arg(value_name = "OLD", value_parser = target::parse_version)]
    pub old: VersionSelector,

    /// The later version, checked against OLD: a number or `latest`.
    #[arg(value_name = "NEW", value_parser = target::parse_version)]
    pub new: VersionSelector,

    /// Check under this compatibility level instead of the subject's (else the registry's).
    #[arg(long, short = 'l', value_name = "LEVEL", value_parser = compat_command::parse_mode)]
    pub level: Option<CompatibilityMode>,

    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// One side of the diff: the registered version, its pretty text and its name in `Sources`.
struct Side {
    found: RegisteredSchema,
    pretty: String,
    file: PathBuf,
}

impl Side {
    fn label(&self) -> String {
        format!("{} version {}", self.found.subject, self.found.version)
    }
}

pub(super) fn run(args: &DiffArgs, color: bool) -> anyhow::Result<ExitCode> {
    let (_, client) = args.connect.connect()?;
    let subject = args.subject.as_str();
    let read = |version: VersionSelector| -> anyhow::Result<Side> {
        let found = client.version(subject, version).map_err(|e| {
            target::explain(&client, subject, &target::reading(subject, version), e)
        })?;
        let pretty = target::pretty_schema(found.schema_type, &found.schema);
        let file = PathBuf::from(format!("registry:{subject}/versions/{}", found.version));
        Ok(Side {
            found,
            pretty,
            file,
        })
    };
    let old = read(args.old)?;
    let new = read(args.new)?;
    let (level, level_source) = match args.level {
        Some(level) => (level, "flag"),
        None => subject_level(&client, subject)?,
    };
    let text_diff = similar::TextDiff::from_lines(&old.pretty, &new.pretty)
        .unified_diff()
        .context_radius(3)
        .header(&old.label(), &new.label())
        .to_string();

    let mut stdout = std::io::stdout().lock();
    let old_schema = comparable(&client, &old)?;
    let new_schema = comparable(&client, &new)?;
    let report = compat::check(level, &new_schema, std::slice::from_ref(&old_schema))
        .map_err(|e| anyhow::anyhow!("{subject}: {} and {}: {e}", old.label(), new.label()))?;
    let sources = Sources::from([
        (old.file.clone(), Arc::from(old.pretty.as_str())),
        (new.file.clone(), Arc::from(new.pretty.as_str())),
    ]);
    let mut history = [Version::new(old.file.clone(), old_schema)];
    let mut new_version = Version::new(new.file.clone(), new_schema);
    let diagnostics =
        compat_command::diagnostics(&report, &mut new_version, &mut history, &sources);
    match args.format {
        OutputFormat::Json => {
            let mut document = compat_command::json_report(&report, &history, &diagnostics);
            if let Some(map) = document.as_object_mut() {
                let mut head = serde_json::Map::new();
                head.insert("subject".into(), json!(subject));
                head.insert("old".into(), side_json(&old));
                head.insert("new".into(), side_json(&new));
                head.insert("level_source".into(), json!(level_source));
                head.append(map);
                head.insert("diff".into(), json!(text_diff));
                *map = head;
            }
            serde_json::to_writer_pretty(&mut stdout, &document)?;
            writeln!(stdout)?;
        }
        OutputFormat::Human => {
            write_header(&mut stdout, &old, &new, level, level_source)?;
            if text_diff.is_empty() {
                writeln!(stdout, "(the schemas are the same text)")?;
            } else {
                stdout.write_all(text_diff.as_bytes())?;
            }
            writeln!(stdout)?;
            if !diagnostics.is_empty() {
                render::render(
                    &mut stdout,
                    Format::Human,
                    &diagnostics,
                    &sources,
                    ReportContext {
                        command: "registry diff",
                        files: 2,
                        color,
                        extra: None,
                    },
                )?;
            }
            writeln!(
                stdout,
                "diff: {} is {} with version {} under {level}",
                new.label(),
                if report.compatible {
                    "compatible"
                } else {
                    "NOT compatible"
                },
                old.found.version,
            )?;
        }
    }
    stdout.flush()?;
    Ok(if report.compatible {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_header(
    out: &mut dyn Write,
    old: &Side,
    new: &Side,
    level: CompatibilityMode,
    source: &str,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: version {} (id {}) -> version {} (id {}), {level} ({})",
        old.found.subject,
        old.found.version,
        old.found.id,
        new.found.version,
        new.found.id,
        match source {
            "subject" => "the subject's level",
            "global" => "the registry's level",
            _ => "--level",
        }
    )
}

fn side_json(side: &Side) -> serde_json::Value {
    json!({
        "version": side.found.version,
        "id": side.found.id,
        "schema_type": side.found.schema_type.as_str(),
    })
}

/// The level the registry checks the subject under: its own, else the registry's, and which.
fn subject_level(
    client: &Client,
    subject: &str,
) -> anyhow::Result<(CompatibilityMode, &'static str)> {
    let (text, source) = match client
        .compatibility_level(Some(subject))
        .with_context(|| format!("reading the compatibility level of {subject}"))?
    {
        Some(level) => (level, "subject"),
        None => match client
            .compatibility_level(None)
            .context("reading the registry's compatibility level")?
        {
            Some(level) => (level, "global"),
            None => bail!("the registry did not say its compatibility level; pass --level"),
        },
    };
    match CompatibilityMode::parse_keyword(&text) {
        Some(level) => Ok((level, source)),
        None => bail!(
            "the registry's compatibility level of {subject} is `{text}`, which contrail does not know; pass --level ({})",
            CompatibilityMode::keywords().join(", ")
        ),
    }
}

/// The version in the engine's terms, its references fetched from the registry (for
/// Protobuf, the files its imports name), converted as the registry converts stored versions.
fn comparable(client: &Client, side: &Side) -> anyhow::Result<SchemaVersion> {
    super::comparable_version(client, &side.found)
}
