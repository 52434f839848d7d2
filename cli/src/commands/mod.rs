//! One module per subcommand.

pub(crate) mod check;
pub(crate) mod check_impact;
pub(crate) mod compat;
pub(crate) mod docs;
pub(crate) mod explain;
pub(crate) mod graph;
pub(crate) mod lint;
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
use contrail_contracts::{Diagnostic, Sources};

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
