//! `contrail lint`: check producers and consumers against event-driven practice.

use std::path::PathBuf;
use std::process::ExitCode;

use contrail_contracts::{LoadOptions, load_paths};

use crate::render::{Format, ReportContext};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog directory, or files inside one (default: the nearest directory at or above
    /// the working directory that holds contrail.yaml).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub(crate) fn run(args: Args, color: bool) -> anyhow::Result<ExitCode> {
    let paths = crate::catalog::resolve_all(args.paths)?;
    let loaded = load_paths(&paths, LoadOptions::default())?;
    // A catalog that does not load cleanly is linted anyway, but its errors come first: a
    // rule's verdict on a half-read contract is only as good as what was read.
    let mut diagnostics = loaded.diagnostics.clone();
    diagnostics.extend(contrail_lint::lint(&loaded.catalog));
    contrail_contracts::diagnostic::normalize(&mut diagnostics);
    let context = ReportContext {
        command: "lint",
        files: loaded.sources.len(),
        color,
        extra: None,
    };
    let code = super::report(args.format, &diagnostics, &loaded.sources, context);
    // The process ends right after; freeing a large catalog piece by piece would only delay
    // the exit (the operating system takes the memory back at once).
    std::mem::forget(loaded);
    std::mem::forget(diagnostics);
    code
}
