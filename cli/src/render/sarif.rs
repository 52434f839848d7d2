//! SARIF 2.1.0, the format GitHub code scanning and most CI dashboards ingest.

use std::collections::BTreeMap;
use std::io::Write;

use contrail_contracts::{Diagnostic, Location, Severity};
use serde_json::{Value, json};

use super::display_path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const DOCS: &str = "https://github.com/contrail-dev/contrail/blob/main/docs";

pub fn render(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
    // Rules: every code that appears, in code order, so `ruleIndex` is stable.
    let rules: BTreeMap<&str, &Diagnostic> = diagnostics.iter().map(|d| (d.code.code, d)).collect();
    let rule_index: BTreeMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(i, code)| (*code, i))
        .collect();
    let rules_json: Vec<Value> = rules
        .values()
        .map(|d| {
            json!({
                "id": d.code.code,
                "name": d.code.name,
                "shortDescription": { "text": d.code.summary },
                "helpUri": help_uri(d),
                "defaultConfiguration": { "level": level(d.code.default_severity) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = json!({
                "ruleId": d.code.code,
                "ruleIndex": rule_index[d.code.code],
                "level": level(d.severity),
                "message": { "text": text },
            });
            if let Some(location) = &d.location {
                result["locations"] = json!([physical(location)]);
            }
            if !d.related.is_empty() {
                result["relatedLocations"] = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let mut l = physical(&r.location);
                        l["id"] = json!(i);
                        l["message"] = json!({ "text": r.message });
                        l
                    })
                    .collect();
            }
            if let Some(pointer) = &d.pointer {
                result["properties"] = json!({ "jsonPointer": pointer });
            }
            result
        })
        .collect();
    let document = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "contrail",
                "informationUri": DOCS,
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules_json,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn help_uri(d: &Diagnostic) -> String {
    if d.code.code.starts_with("CV") {
        format!("{DOCS}/diagnostics.md#{}", d.code.code.to_ascii_lowercase())
    } else if d.code.code.starts_with("CC") {
        format!("{DOCS}/compatibility.md")
    } else {
        format!("{DOCS}/rules/{}.md", d.code.name)
    }
}

fn physical(location: &Location) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": artifact_uri(&location.file) },
            "region": {
                "startLine": location.start.line,
                "startColumn": location.start.column,
                "endLine": location.end.line.max(location.start.line),
                "endColumn": if location.end > location.start { location.end.column } else { location.start.column + 1 },
            },
        }
    })
}

/// The file as a URI reference, as SARIF requires: relative paths stay relative (code scanning
/// resolves them against the repository root), absolute ones become `file://` URIs, and every
/// byte outside RFC 3986's path characters is percent-encoded (spaces, `#`, `?`, non-ASCII).
fn artifact_uri(file: &std::path::Path) -> String {
    let path = display_path(file);
    let mut uri = String::with_capacity(path.len());
    if path.starts_with('/') {
        uri.push_str("file://");
    }
    for byte in path.bytes() {
        // ':' is encoded too, so a first segment like `c:x` never reads as a scheme.
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::artifact_uri;
    use std::path::Path;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(artifact_uri(Path::new("./a/b.yaml")), "a/b.yaml");
        assert_eq!(
            artifact_uri(Path::new("my catalog/é#1?.yaml")),
            "my%20catalog/%C3%A9%231%3F.yaml"
        );
        assert_eq!(
            artifact_uri(Path::new("/srv/c:x.yaml")),
            "file:///srv/c%3Ax.yaml"
        );
        assert_eq!(artifact_uri(Path::new("50%.yaml")), "50%25.yaml");
    }
}
