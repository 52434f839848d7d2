//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

use std::io::Write;

use contrail_contracts::{Diagnostic, Severity};

use super::display_path;

pub(super) fn render(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = vec![format!(
            "title={}",
            escape_property(&format!("{} {}", d.code.code, d.code.name))
        )];
        if let Some(l) = &d.location {
            properties.insert(
                0,
                format!("file={}", escape_property(&display_path(&l.file))),
            );
            properties.insert(1, format!("line={}", l.start.line));
            properties.insert(2, format!("col={}", l.start.column));
            if l.end.line >= l.start.line && l.end > l.start {
                properties.insert(3, format!("endLine={}", l.end.line));
            }
        }
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// Escaping as the Actions runner expects for message data.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for `key=value` properties, which also reserve `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50%\nx"), "50%25%0Ax");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
