//! One module per subcommand.

pub(crate) mod check;
pub(crate) mod check_impact;
pub(crate) mod compat;
pub(crate) mod completions;
pub(crate) mod docs;
pub(crate) mod explain;
pub(crate) mod graph;
pub(crate) mod init;
pub(crate) mod lint;
pub(crate) mod man;
#[cfg(feature = "kafka")]
pub(crate) mod observe;
pub(crate) mod observed;
pub(crate) mod registry;
pub(crate) mod rules;
#[cfg(feature = "kafka")]
pub(crate) mod sample;
#[cfg(feature = "kafka")]
pub(crate) mod sample_output;
#[cfg(feature = "kafka")]
pub(crate) mod trace;
#[cfg(feature = "kafka")]
pub(crate) mod trace_output;
pub(crate) mod validate;

use std::process::ExitCode;

use anyhow::Context;
use contrail_contracts::{Diagnostic, LoadOptions, Loaded, Sources, load_paths};

use crate::render::{self, Format, ReportContext};

/// 1 when any finding is an error, else 0.
pub(crate) fn exit_code(diagnostics: &[Diagnostic]) -> ExitCode {
    if diagnostics.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Renders a command's findings to stdout and gives the exit code they call for.
pub(crate) fn report(
    format: Format,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    context: ReportContext<'_>,
) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    render::render(&mut stdout, format, diagnostics, sources, context)
        .and_then(|()| stdout.flush())
        .context("writing the report")?;
    Ok(exit_code(diagnostics))
}

/// Loads the catalog at `path` for a command that goes on despite its mistakes (`graph`,
/// `sample`, `trace`): a catalog with errors is still worth drawing or reading traffic
/// against, so its errors are only counted in a note on stderr that points at `validate`.
pub(crate) fn load_noting_errors(path: &std::path::Path) -> anyhow::Result<Loaded> {
    let loaded = load_paths(
        std::slice::from_ref(&path.to_path_buf()),
        LoadOptions::default(),
    )?;
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        eprintln!(
            "note: the catalog has {errors} error{}; `contrail validate {}` shows {}",
            if errors == 1 { "" } else { "s" },
            path.display(),
            if errors == 1 { "it" } else { "them" }
        );
    }
    Ok(loaded)
}
