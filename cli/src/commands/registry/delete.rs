//! `contrail registry delete`: a subject or one version, soft or for good, after asking.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use contrail_registry::client::Client;
use contrail_registry::model::VersionSelector;
use serde::Serialize;

use super::target::{self, SubjectVersion};
use super::{ConnectArgs, OutputFormat};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Without --yes, delete asks on the terminal; without a terminal it refuses (exit 2)."
)]
pub struct DeleteArgs {
    /// SUBJECT (every version) or SUBJECT@VERSION (`latest` is resolved to its number before
    /// anything is deleted). The version follows the last `@`.
    #[arg(value_name = "SUBJECT[@VERSION]", value_parser = target::parse_subject_version)]
    pub target: SubjectVersion,

    /// Remove for good (a soft delete first when the registry needs one): ids whose schema no
    /// other subject uses stop resolving, so consumers can no longer decode records written
    /// with them.
    #[arg(long)]
    pub permanent: bool,

    /// Do not ask; needed when stdin is not a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,

    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// What delete did (the JSON shape of docs/registry.md).
#[derive(Debug, Serialize)]
struct Deleted {
    subject: String,
    /// The version deleted; `None` when the whole subject was.
    version: Option<i64>,
    permanent: bool,
    /// Every version the registry reported deleted by the last step.
    deleted_versions: Vec<i64>,
}

/// What is there to delete, read before asking.
enum Plan {
    /// The whole subject: its live versions (empty when all are soft-deleted already).
    Subject { live: Vec<i64> },
    /// One version, and whether it is live (else soft-deleted already).
    Version { number: i64, live: bool },
}

pub(super) fn run(args: &DeleteArgs) -> anyhow::Result<ExitCode> {
    let (url, client) = args.connect.connect()?;
    let subject = args.target.subject.as_str();
    let plan = plan(&client, &args.target)?;
    let what = match &plan {
        Plan::Subject { live } if live.is_empty() && !args.permanent => bail!(
            "every version of {subject} is soft-deleted already; --permanent removes them for good"
        ),
        Plan::Version {
            number,
            live: false,
        } if !args.permanent => bail!(
            "{subject} version {number} is soft-deleted already; --permanent removes it for good"
        ),
        Plan::Subject { live } if live.is_empty() => {
            format!("{subject} (every version is soft-deleted)")
        }
        Plan::Subject { live } => format!(
            "{subject} (version{} {})",
            if live.len() == 1 { "" } else { "s" },
            target::join(live)
        ),
        Plan::Version { number, .. } => format!("{subject} version {number}"),
    };
    let verb = if args.permanent {
        "permanently delete"
    } else {
        "soft-delete"
    };
    if !args.yes && !confirm(&format!("{verb} {what} in {url}"))? {
        eprintln!("delete: nothing deleted");
        return Ok(ExitCode::from(1));
    }
    let deleting = format!("deleting {what}");
    let failed = |e| target::explain(&client, subject, &deleting, e);
    let deleted = match plan {
        Plan::Subject { live } => {
            let mut versions = Vec::new();
            if !live.is_empty() {
                versions = client.delete_subject(subject, false).map_err(failed)?;
            }
            if args.permanent {
                versions = client.delete_subject(subject, true).map_err(failed)?;
            }
            Deleted {
                subject: subject.to_owned(),
                version: None,
                permanent: args.permanent,
                deleted_versions: versions,
            }
        }
        Plan::Version { number, live } => {
            if live {
                client
                    .delete_version(subject, number, false)
                    .map_err(failed)?;
            }
            if args.permanent {
                client
                    .delete_version(subject, number, true)
                    .map_err(failed)?;
            }
            Deleted {
                subject: subject.to_owned(),
                version: Some(number),
                permanent: args.permanent,
                deleted_versions: vec![number],
            }
        }
    };
    let mut stdout = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &deleted)?;
            writeln!(stdout)?;
        }
        OutputFormat::Human => {
            let versions = &deleted.deleted_versions;
            writeln!(
                stdout,
                "{} {subject} version{} {}{}",
                if deleted.permanent {
                    "permanently deleted"
                } else {
                    "soft-deleted"
                },
                if versions.len() == 1 { "" } else { "s" },
                target::join(versions),
                if deleted.permanent {
                    ""
                } else {
                    " (ids stay readable; --permanent removes them for good)"
                }
            )?;
        }
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads what the target names, so that an unknown subject or version is an error before any
/// question, and `latest` is a number before anything is deleted (after a soft delete,
/// `latest` would name another version).
fn plan(client: &Client, target: &SubjectVersion) -> anyhow::Result<Plan> {
    let subject = target.subject.as_str();
    let live = match client.versions(subject) {
        Ok(live) => live,
        Err(e) if e.is_subject_not_found() => Vec::new(),
        Err(e) => {
            return Err(target::explain(
                client,
                subject,
                &format!("reading {subject}"),
                e,
            ));
        }
    };
    let all = client
        .versions_including(subject, true)
        .map_err(|e| target::explain(client, subject, &format!("reading {subject}"), e))?;
    match target.version {
        None => Ok(Plan::Subject { live }),
        Some(VersionSelector::Latest) => match live.last() {
            Some(&number) => Ok(Plan::Version { number, live: true }),
            None => bail!(
                "{subject} has no live version, so no latest one; name the version (soft-deleted: {})",
                target::join(&all)
            ),
        },
        Some(VersionSelector::Number(number)) if live.contains(&number) => {
            Ok(Plan::Version { number, live: true })
        }
        Some(VersionSelector::Number(number)) if all.contains(&number) => Ok(Plan::Version {
            number,
            live: false,
        }),
        Some(VersionSelector::Number(number)) => bail!(
            "{subject} has no version {number}\nhint: its versions are {}{}",
            if live.is_empty() {
                "none live".to_owned()
            } else {
                target::join(&live)
            },
            if all.len() > live.len() {
                format!(" (soft-deleted: {})", {
                    let gone: Vec<i64> = all.into_iter().filter(|v| !live.contains(v)).collect();
                    target::join(&gone)
                })
            } else {
                String::new()
            }
        ),
    }
}

/// Asks `question` on the terminal; refuses, rather than waiting on a pipe that may never
/// answer, when stdin is not one.
fn confirm(question: &str) -> anyhow::Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!(
            "refusing to {question} without confirmation: stdin is not a terminal; pass --yes to delete without asking"
        );
    }
    let mut stderr = std::io::stderr().lock();
    write!(stderr, "{question}? [y/N] ")?;
    stderr.flush()?;
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .context("reading the answer")?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}
