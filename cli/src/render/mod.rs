//! Output formats. Every format renders the same [`Diagnostic`]s; none adds facts of its own.

mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;

use std::io::Write;

use clap::ValueEnum;
use contrail_contracts::{Diagnostic, Sources};

pub(crate) use json::diagnostic as json_diagnostic;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with source snippets, for people.
    Human,
    /// One JSON document, for scripts.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
    /// GitHub Actions workflow annotations.
    Github,
    /// GitLab Code Quality report (JSON), for merge request widgets.
    Gitlab,
}

/// What a report is about, for headers and summaries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReportContext<'a> {
    /// The command that produced the findings (`validate`, `check`, ...).
    pub command: &'a str,
    /// How many files were read.
    pub files: usize,
    pub color: bool,
    /// Command-specific facts added to the JSON report (for `check`: what was compared).
    pub extra: Option<&'a serde_json::Value>,
}

/// Writes `diagnostics` in `format`.
pub(crate) fn render(
    out: &mut dyn Write,
    format: Format,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    context: ReportContext<'_>,
) -> std::io::Result<()> {
    // Renderers write many small pieces; unbuffered, each line of a large report would be its
    // own write system call (stdout is line-buffered).
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    match format {
        Format::Human => human::render(&mut out, diagnostics, sources, context),
        Format::Json => json::render(&mut out, diagnostics, context),
        Format::Sarif => sarif::render(&mut out, diagnostics, context),
        Format::Junit => junit::render(&mut out, diagnostics, context),
        Format::Github => github::render(&mut out, diagnostics),
        Format::Gitlab => gitlab::render(&mut out, diagnostics),
    }?;
    out.flush()
}

/// The path of a finding's file as users should see it: relative, with `/` separators.
pub(crate) fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}
