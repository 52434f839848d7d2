//! `contrail validate`: are the contracts well-formed?

use std::path::PathBuf;
use std::process::ExitCode;

use contrail_contracts::{LoadOptions, load_paths};

use crate::render::{Format, ReportContext};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Catalog directories (holding contrail.yaml) or single files: contracts, AsyncAPI
    /// documents, schemas (default: the nearest directory at or above the working directory
    /// that holds contrail.yaml).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub(crate) fn run(args: Args, color: bool) -> anyhow::Result<ExitCode> {
    let paths = crate::catalog::resolve_all(args.paths)?;
    let loaded = load_paths(&paths, LoadOptions::default())?;
    let context = ReportContext {
        command: "validate",
        files: loaded.sources.len(),
        color,
        extra: None,
    };
    super::report(args.format, &loaded.diagnostics, &loaded.sources, context)
}
