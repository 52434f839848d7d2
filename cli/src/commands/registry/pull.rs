//! `contrail registry pull`: the latest version of every (matching) subject into files.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use contrail_registry::client::RegisteredSchema;
use contrail_registry::model::{SchemaType, VersionSelector};
use serde::Serialize;

use super::{OutputFormat, PullArgs};

/// A subject as a file name: characters that are not safe in paths become `_`.
pub(crate) fn file_stem(subject: &str) -> String {
    let stem: String = subject
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.starts_with('.') {
        format!("_{stem}")
    } else {
        stem
    }
}

#[derive(Debug, Serialize)]
struct Pulled {
    subject: String,
    version: i64,
    id: i64,
    file: String,
    action: &'static str,
}

pub(super) fn run(args: PullArgs) -> anyhow::Result<ExitCode> {
    let url = super::registry_url(args.registry.as_deref())?;
    let client = super::client(&url, &args.tls)?;
    let subjects = client.subjects().context("listing subjects")?;
    let mut planned: Vec<(RegisteredSchema, PathBuf, String, bool)> = Vec::new();
    let mut names = BTreeMap::new();
    let mut conflicts = Vec::new();
    for subject in subjects {
        if !args.subject.is_empty() && !args.subject.iter().any(|p| subject.starts_with(p)) {
            continue;
        }
        let latest = match client.version(&subject, VersionSelector::Latest) {
            Ok(latest) => latest,
            // Deleted since it was listed.
            Err(e) if e.is_subject_not_found() => continue,
            Err(e) => return Err(e).with_context(|| format!("reading subject {subject}")),
        };
        let (extension, content) = match latest.schema_type {
            SchemaType::Avro | SchemaType::Json => {
                let json: serde_json::Value = serde_json::from_str(&latest.schema)
                    .with_context(|| format!("{subject}: the registry's schema is not JSON"))?;
                let ext = if latest.schema_type == SchemaType::Avro {
                    "avsc"
                } else {
                    "json"
                };
                (ext, format!("{}\n", serde_json::to_string_pretty(&json)?))
            }
            SchemaType::Protobuf => {
                let mut text = latest.schema.clone();
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                ("proto", text)
            }
        };
        let name = format!("{}.{extension}", file_stem(&subject));
        if let Some(other) = names.insert(name.clone(), subject.clone()) {
            bail!("subjects `{other}` and `{subject}` would both be written to {name}");
        }
        let path = args.out.join(&name);
        let existing = std::fs::read_to_string(&path).ok();
        let same = existing.as_deref() == Some(content.as_str());
        if existing.is_some() && !same && !args.force {
            conflicts.push(path.display().to_string());
        }
        planned.push((latest, path, content, same));
    }
    if !conflicts.is_empty() {
        bail!(
            "not overwriting files that differ from the registry (pass --force): {}",
            conflicts.join(", ")
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut pulled = Vec::new();
    for (latest, path, content, same) in planned {
        if !same {
            std::fs::write(&path, &content)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        pulled.push(Pulled {
            subject: latest.subject,
            version: latest.version,
            id: latest.id,
            file: path.display().to_string(),
            action: if same { "unchanged" } else { "written" },
        });
    }
    let mut stdout = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &pulled)?;
            writeln!(stdout)?;
        }
        OutputFormat::Human => {
            for p in &pulled {
                writeln!(
                    stdout,
                    "{:<9} {} ({} version {}, id {})",
                    p.action, p.file, p.subject, p.version, p.id
                )?;
            }
            writeln!(
                stdout,
                "pull: {} subject{} from {url} into {}",
                pulled.len(),
                if pulled.len() == 1 { "" } else { "s" },
                args.out.display()
            )?;
        }
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}
