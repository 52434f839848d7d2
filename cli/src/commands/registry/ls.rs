//! `contrail registry ls`: the subjects of a registry, each with its latest version.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use contrail_registry::client::Client;
use contrail_registry::model::VersionSelector;
use serde::Serialize;

use super::{ConnectArgs, OutputFormat};

#[derive(Debug, clap::Args)]
pub struct LsArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Only subjects whose names start with PREFIX.
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,

    /// Include soft-deleted subjects and versions.
    #[arg(long)]
    pub deleted: bool,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// One subject of the listing (the JSON shape of docs/registry.md).
#[derive(Debug, Serialize)]
struct Listed {
    subject: String,
    /// The latest live version (with --deleted and no live version: the latest of all).
    version: i64,
    id: i64,
    schema_type: &'static str,
    /// The live versions.
    versions: Vec<i64>,
    /// With --deleted: the soft-deleted versions.
    #[serde(skip_serializing_if = "Option::is_none")]
    deleted_versions: Option<Vec<i64>>,
    /// Whether every version is soft-deleted.
    deleted: bool,
    /// The subject's own compatibility level; `None` when it follows the registry's.
    compatibility: Option<String>,
}

pub(super) fn run(args: &LsArgs) -> anyhow::Result<ExitCode> {
    let (url, client) = args.connect.connect()?;
    let subjects = client
        .subjects_matching(args.prefix.as_deref(), args.deleted)
        .context("listing subjects")?;
    let mut listed = Vec::with_capacity(subjects.len());
    for subject in subjects {
        if let Some(entry) = list_one(&client, &subject, args.deleted)? {
            listed.push(entry);
        }
    }
    let global = client
        .compatibility_level(None)
        .context("reading the registry's compatibility level")?;
    let mut stdout = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &listed)?;
            writeln!(stdout)?;
        }
        OutputFormat::Human => {
            write_table(&mut stdout, &listed, args.deleted)?;
            writeln!(
                stdout,
                "ls: {} subject{}{} ({url}; registry compatibility {})",
                listed.len(),
                if listed.len() == 1 { "" } else { "s" },
                match &args.prefix {
                    Some(prefix) => format!(" starting with `{prefix}`"),
                    None => String::new(),
                },
                global.as_deref().unwrap_or("unknown"),
            )?;
        }
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One subject's line; `None` when it went away since it was listed.
fn list_one(client: &Client, subject: &str, deleted: bool) -> anyhow::Result<Option<Listed>> {
    let reading = || format!("reading subject {subject}");
    let versions = match client.versions(subject) {
        Ok(versions) => versions,
        // Listed with --deleted: every version is soft-deleted.
        Err(e) if e.is_subject_not_found() => Vec::new(),
        Err(e) => return Err(e).with_context(reading),
    };
    let all = if deleted {
        match client.versions_including(subject, true) {
            Ok(all) => all,
            Err(e) if e.is_subject_not_found() => return Ok(None),
            Err(e) => return Err(e).with_context(reading),
        }
    } else {
        versions.clone()
    };
    if all.is_empty() {
        return Ok(None);
    }
    let latest = if versions.is_empty() {
        client.version_including_deleted(subject, VersionSelector::Latest)
    } else {
        client.version(subject, VersionSelector::Latest)
    };
    let latest = match latest {
        Ok(latest) => latest,
        Err(e) if e.is_subject_not_found() => return Ok(None),
        Err(e) => return Err(e).with_context(reading),
    };
    let compatibility = client
        .compatibility_level(Some(subject))
        .with_context(|| format!("reading the compatibility level of {subject}"))?;
    Ok(Some(Listed {
        subject: subject.to_owned(),
        version: latest.version,
        id: latest.id,
        schema_type: latest.schema_type.as_str(),
        deleted_versions: deleted.then(|| {
            all.iter()
                .copied()
                .filter(|v| !versions.contains(v))
                .collect()
        }),
        deleted: versions.is_empty(),
        versions,
        compatibility,
    }))
}

/// The listing as aligned columns.
fn write_table(out: &mut dyn Write, listed: &[Listed], deleted: bool) -> std::io::Result<()> {
    let mut rows: Vec<Vec<String>> = vec![
        [
            "SUBJECT",
            "VERSION",
            "ID",
            "TYPE",
            "VERSIONS",
            "COMPATIBILITY",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect(),
    ];
    if deleted {
        rows[0].push("DELETED".to_owned());
    }
    for entry in listed {
        let mut row = vec![
            entry.subject.clone(),
            entry.version.to_string(),
            entry.id.to_string(),
            entry.schema_type.to_owned(),
            entry.versions.len().to_string(),
            entry
                .compatibility
                .clone()
                .unwrap_or_else(|| "-".to_owned()),
        ];
        if let Some(gone) = &entry.deleted_versions {
            row.push(match (entry.deleted, gone.is_empty()) {
                (true, _) => "subject".to_owned(),
                (false, true) => "-".to_owned(),
                (false, false) => super::target::join(gone),
            });
        }
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == columns {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  ", width = widths[c]));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
