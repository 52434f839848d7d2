//! JUnit XML: one test case per file read that has findings, failed by its errors, so CI test
//! report views list contract problems beside test failures.

use std::collections::BTreeMap;
use std::io::Write;

use contrail_contracts::{Diagnostic, Severity};

use super::{ReportContext, display_path};

pub(super) fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    context: ReportContext<'_>,
) -> std::io::Result<()> {
    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diagnostics {
        let file = d
            .location
            .as_ref()
            .map_or_else(|| "(catalog)".to_owned(), |l| display_path(&l.file));
        by_file.entry(file).or_default().push(d);
    }
    let failures = by_file
        .values()
        .filter(|ds| ds.iter().any(|d| d.severity == Severity::Error))
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="contrail {}" tests="{}" failures="{failures}">"#,
        xml(context.command),
        by_file.len().max(1)
    )?;
    writeln!(
        out,
        r#"  <testsuite name="contrail {}" tests="{}" failures="{failures}">"#,
        xml(context.command),
        by_file.len().max(1)
    )?;
    if by_file.is_empty() {
        writeln!(
            out,
            r#"    <testcase name="all contracts" classname="contrail.{}"/>"#,
            xml(context.command)
        )?;
    }
    for (file, findings) in &by_file {
        writeln!(
            out,
            r#"    <testcase name="{}" classname="contrail.{}">"#,
            xml(file),
            xml(context.command)
        )?;
        for d in findings {
            let position = d.location.as_ref().map_or(String::new(), |l| {
                format!("{file}:{}:{}: ", l.start.line, l.start.column)
            });
            let help = d
                .help
                .as_deref()
                .map_or(String::new(), |h| format!("\nhelp: {h}"));
            let body = format!("{position}{}{help}", d.message);
            let tag = if d.severity == Severity::Error {
                "failure"
            } else {
                "system-out"
            };
            if tag == "failure" {
                writeln!(
                    out,
                    r#"      <failure type="{}" message="{}">{}</failure>"#,
                    d.code.code,
                    xml(&d.message),
                    xml(&body)
                )?;
            } else {
                writeln!(
                    out,
                    r#"      <system-out>{} {}: {}</system-out>"#,
                    d.severity,
                    d.code.code,
                    xml(&body)
                )?;
            }
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
