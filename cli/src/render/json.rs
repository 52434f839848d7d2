//! One JSON document per run: `{"version", "command", "diagnostics": [...], "summary"}`.
//! The shape is documented in docs/output.md and is versioned: fields are only ever added.

use std::io::Write;

use contrail_contracts::diagnostic::Severity;
use contrail_contracts::{Diagnostic, Summary};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{ReportContext, display_path};

/// The report, serialized straight from the findings: building a `serde_json::Value` of a
/// large report first cost more than writing it.
#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    command: &'a str,
    files: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
    /// Command-specific facts, after the common ones.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    extra: Option<&'a Map<String, Value>>,
}

/// One finding; the fields and their order are the documented shape (docs/output.md).
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: String,
    line: u32,
    column: u32,
    message: &'a str,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(d: &'a Diagnostic) -> JsonDiagnostic<'a> {
        let location = d.location.as_ref();
        JsonDiagnostic {
            code: d.code.code,
            name: d.code.name,
            severity: d.severity,
            message: &d.message,
            file: location.map(|l| display_path(&l.file)),
            line: location.map(|l| l.start.line),
            column: location.map(|l| l.start.column),
            end_line: location.map(|l| l.end.line),
            end_column: location.map(|l| l.end.column),
            pointer: d.pointer.as_deref(),
            help: d.help.as_deref(),
            related: d
                .related
                .iter()
                .map(|r| JsonRelated {
                    file: display_path(&r.location.file),
                    line: r.location.start.line,
                    column: r.location.start.column,
                    message: &r.message,
                })
                .collect(),
        }
    }
}

pub(super) fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    context: ReportContext<'_>,
) -> std::io::Result<()> {
    let report = Report {
        version: 1,
        command: context.command,
        files: context.files,
        diagnostics: diagnostics.iter().map(JsonDiagnostic::new).collect(),
        summary: Summary::of(diagnostics),
        extra: context.extra.and_then(Value::as_object),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

/// One diagnostic as JSON, for commands that embed findings in their own output.
pub(crate) fn diagnostic(d: &Diagnostic) -> Value {
    // Plain strings and numbers always serialize.
    serde_json::to_value(JsonDiagnostic::new(d)).unwrap_or(Value::Null)
}
