//! One JSON document per run: `{"version", "command", "diagnostics": [...], "summary"}`.
//! The shape is documented in docs/output.md and is versioned: fields are only ever added.

use std::io::Write;

use contrail_contracts::{Diagnostic, Summary};
use serde_json::{Value, json};

use super::{ReportContext, display_path};

pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    context: ReportContext<'_>,
) -> std::io::Result<()> {
    let mut document = json!({
        "version": 1,
        "command": context.command,
        "files": context.files,
        "diagnostics": diagnostics.iter().map(diagnostic).collect::<Vec<_>>(),
        "summary": Summary::of(diagnostics),
    });
    if let Some(serde_json::Value::Object(extra)) = context.extra {
        for (key, value) in extra {
            document[key] = value.clone();
        }
    }
    // serde_json writes many small pieces; unbuffered, each line of a large report would be
    // its own write system call.
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut buffered, &document)?;
    writeln!(buffered)?;
    buffered.flush()
}

/// One diagnostic as JSON; also used by other commands that embed findings in their output.
pub fn diagnostic(d: &Diagnostic) -> Value {
    let mut object = json!({
        "code": d.code.code,
        "name": d.code.name,
        "severity": d.severity,
        "message": d.message,
    });
    if let Some(location) = &d.location {
        object["file"] = json!(display_path(&location.file));
        object["line"] = json!(location.start.line);
        object["column"] = json!(location.start.column);
        object["end_line"] = json!(location.end.line);
        object["end_column"] = json!(location.end.column);
    }
    if let Some(pointer) = &d.pointer {
        object["pointer"] = json!(pointer);
    }
    if let Some(help) = &d.help {
        object["help"] = json!(help);
    }
    if !d.related.is_empty() {
        object["related"] = d
            .related
            .iter()
            .map(|r| {
                json!({
                    "file": display_path(&r.location.file),
                    "line": r.location.start.line,
                    "column": r.location.start.column,
                    "message": r.message,
                })
            })
            .collect();
    }
    object
}
