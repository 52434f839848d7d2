//! `contrail registry show`: one schema of a registry, by subject version or by id.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, bail};
use contrail_registry::client::Client;
use contrail_registry::model::{Reference, VersionSelector};
use serde::Serialize;
use serde_json::json;

use super::target::{self, SubjectVersion};
use super::{ConnectArgs, OutputFormat};

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// SUBJECT (its latest version), SUBJECT@VERSION or SUBJECT@latest. The version follows
    /// the last `@`.
    #[arg(
        value_name = "SUBJECT[@VERSION]",
        value_parser = target::parse_subject_version,
        required_unless_present = "id",
        conflicts_with = "id"
    )]
    pub target: Option<SubjectVersion>,

    /// Show the schema with this global id instead (the id in a record's wire format).
    #[arg(long, value_name = "ID")]
    pub id: Option<i64>,

    /// Find soft-deleted versions too.
    #[arg(long)]
    pub deleted: bool,

    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// A setting and where it comes from: the subject's own, or the registry's (`global`).
#[derive(Debug, Serialize)]
struct Effective {
    value: String,
    source: &'static str,
}

pub(super) fn run(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let (_, client) = args.connect.connect()?;
    let mut stdout = std::io::stdout().lock();
    match (&args.target, args.id) {
        (Some(target), _) => show_version(&client, target, args, &mut stdout)?,
        (None, Some(id)) => show_id(&client, id, args.format, &mut stdout)?,
        (None, None) => bail!("name a SUBJECT[@VERSION] or pass --id ID"),
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn show_version(
    client: &Client,
    target: &SubjectVersion,
    args: &ShowArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let subject = target.subject.as_str();
    let version = target.version.unwrap_or(VersionSelector::Latest);
    let found = if args.deleted {
        client.version_including_deleted(subject, version)
    } else {
        client.version(subject, version)
    }
    .map_err(|e| target::explain(client, subject, &target::reading(subject, version), e))?;
    let versions = client
        .versions_including(subject, args.deleted)
        .map_err(|e| target::explain(client, subject, &format!("reading {subject}"), e))?;
    let compatibility = effective(client.compatibility_level(Some(subject)), || {
        client.compatibility_level(None)
    })
    .with_context(|| format!("reading the compatibility level of {subject}"))?;
    let mode = effective(client.mode(Some(subject)), || client.mode(None))
        .with_context(|| format!("reading the mode of {subject}"))?;
    let referrers = referenced_by(client, subject, found.version)?;
    match args.format {
        OutputFormat::Json => {
            let document = json!({
                "subject": found.subject,
                "version": found.version,
                "id": found.id,
                "schema_type": found.schema_type.as_str(),
                "versions": versions,
                "compatibility": compatibility,
                "mode": mode,
                "references": found.references,
                "referenced_by": referrers,
                "schema": target::schema_json(found.schema_type, &found.schema),
            });
            serde_json::to_writer_pretty(&mut *out, &document)?;
            writeln!(out)?;
        }
        OutputFormat::Human => {
            let all = if args.deleted {
                "versions (with deleted)"
            } else {
                "versions"
            };
            let rows = [
                ("subject", found.subject.clone()),
                ("version", found.version.to_string()),
                ("id", found.id.to_string()),
                ("type", found.schema_type.as_str().to_owned()),
                (all, target::join(&versions)),
                ("compatibility", describe(compatibility.as_ref())),
                ("mode", describe(mode.as_ref())),
            ];
            write_fields(out, &rows, &found.references)?;
            write_referrers(out, &rows, &referrers)?;
            writeln!(out)?;
            out.write_all(target::pretty_schema(found.schema_type, &found.schema).as_bytes())?;
        }
    }
    Ok(())
}

/// A schema that references the shown version, and the subject versions it is registered as.
#[derive(Debug, Serialize)]
struct Referrer {
    id: i64,
    registered_as: Vec<SubjectVersionRef>,
}

#[derive(Debug, Serialize)]
struct SubjectVersionRef {
    subject: String,
    version: i64,
}

/// The schemas whose references name `subject` version `version`
/// (`GET /subjects/{s}/versions/{v}/referencedby`), each with where it is registered.
fn referenced_by(client: &Client, subject: &str, version: i64) -> anyhow::Result<Vec<Referrer>> {
    let ids = match client.referenced_by(subject, VersionSelector::Number(version)) {
        Ok(ids) => ids,
        // A soft-deleted version (shown with --deleted) is referenced by nothing live.
        Err(e) if e.error_code() == Some(contrail_registry::codes::VERSION_NOT_FOUND) => Vec::new(),
        Err(e) => {
            return Err(e).with_context(|| {
                format!("reading which schemas reference {subject} version {version}")
            });
        }
    };
    let mut referrers = Vec::new();
    for id in ids {
        let registered_as = client
            .schema_by_id(id)
            .with_context(|| format!("reading the schema with id {id}"))?
            .map(|found| {
                found
                    .subjects
                    .into_iter()
                    .map(|(subject, version)| SubjectVersionRef { subject, version })
                    .collect()
            })
            .unwrap_or_default();
        referrers.push(Referrer { id, registered_as });
    }
    Ok(referrers)
}

/// The `referenced by` lines, aligned with the fields above them.
fn write_referrers(
    out: &mut dyn Write,
    rows: &[(&str, String)],
    referrers: &[Referrer],
) -> std::io::Result<()> {
    let width = field_width(rows);
    let lines: Vec<String> = referrers
        .iter()
        .map(|r| {
            let places: Vec<String> = r
                .registered_as
                .iter()
                .map(|p| format!("{} version {}", p.subject, p.version))
                .collect();
            if places.is_empty() {
                format!("id {}", r.id)
            } else {
                format!("id {} = {}", r.id, places.join(", "))
            }
        })
        .collect();
    if lines.is_empty() {
        writeln!(out, "{:<width$}  (none)", "referenced by")?;
    }
    for (i, line) in lines.iter().enumerate() {
        let name = if i == 0 { "referenced by" } else { "" };
        writeln!(out, "{name:<width$}  {line}")?;
    }
    Ok(())
}

fn show_id(
    client: &Client,
    id: i64,
    format: OutputFormat,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let Some(found) = client
        .schema_by_id(id)
        .with_context(|| format!("reading the schema with id {id}"))?
    else {
        bail!(
            "the registry has no schema with id {id} (error 40403)\nhint: `contrail registry show SUBJECT` shows the id of a subject's version"
        );
    };
    let registered: Vec<serde_json::Value> = found
        .subjects
        .iter()
        .map(|(subject, version)| json!({"subject": subject, "version": version}))
        .collect();
    match format {
        OutputFormat::Json => {
            let document = json!({
                "id": found.id,
                "schema_type": found.schema_type.as_str(),
                "registered_as": registered,
                "references": found.references,
                "schema": target::schema_json(found.schema_type, &found.schema),
            });
            serde_json::to_writer_pretty(&mut *out, &document)?;
            writeln!(out)?;
        }
        OutputFormat::Human => {
            let registered_as = if found.subjects.is_empty() {
                "(no live subject version)".to_owned()
            } else {
                found
                    .subjects
                    .iter()
                    .map(|(subject, version)| format!("{subject} version {version}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let rows = [
                ("id", found.id.to_string()),
                ("type", found.schema_type.as_str().to_owned()),
                ("registered as", registered_as),
            ];
            write_fields(out, &rows, &found.references)?;
            writeln!(out)?;
            out.write_all(target::pretty_schema(found.schema_type, &found.schema).as_bytes())?;
        }
    }
    Ok(())
}

/// The subject's own setting, else the registry's.
fn effective(
    own: Result<Option<String>, contrail_registry::client::ClientError>,
    global: impl FnOnce() -> Result<Option<String>, contrail_registry::client::ClientError>,
) -> Result<Option<Effective>, contrail_registry::client::ClientError> {
    if let Some(value) = own? {
        return Ok(Some(Effective {
            value,
            source: "subject",
        }));
    }
    Ok(global()?.map(|value| Effective {
        value,
        source: "global",
    }))
}

fn describe(setting: Option<&Effective>) -> String {
    match setting {
        Some(Effective {
            value,
            source: "subject",
        }) => format!("{value} (the subject's own)"),
        Some(Effective { value, .. }) => format!("{value} (the registry's default)"),
        None => "unknown".to_owned(),
    }
}

/// The width of the field names, `references` and `referenced by` included.
fn field_width(rows: &[(&str, String)]) -> usize {
    rows.iter()
        .map(|(name, _)| name.len())
        .chain(["references".len(), "referenced by".len()])
        .max()
        .unwrap_or(0)
}

/// `name  value` lines, then the references.
fn write_fields(
    out: &mut dyn Write,
    rows: &[(&str, String)],
    references: &[Reference],
) -> std::io::Result<()> {
    let width = field_width(rows);
    for (name, value) in rows {
        writeln!(out, "{name:<width$}  {value}")?;
    }
    if references.is_empty() {
        writeln!(out, "{:<width$}  (none)", "references")?;
    }
    for (i, reference) in references.iter().enumerate() {
        let name = if i == 0 { "references" } else { "" };
        writeln!(
            out,
            "{name:<width$}  {} = {} version {}",
            reference.name, reference.subject, reference.version
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_name_their_source() {
        let own = Effective {
            value: "FULL".to_owned(),
            source: "subject",
        };
        assert_eq!(describe(Some(&own)), "FULL (the subject's own)");
        let global = Effective {
            value: "BACKWARD".to_owned(),
            source: "global",
        };
        assert_eq!(describe(Some(&global)), "BACKWARD (the registry's default)");
        assert_eq!(describe(None), "unknown");
    }
}
