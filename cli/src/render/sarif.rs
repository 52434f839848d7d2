//! SARIF 2.1.0, the format GitHub code scanning and most CI dashboards ingest.

use std::collections::BTreeMap;
use std::io::Write;

use contrail_contracts::{Diagnostic, Location, Severity};
use serde::Serialize;

use super::display_path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

// Help links are absolute URIs only when the crate names its repository.
const _: () = assert!(
    !env!("CARGO_PKG_REPOSITORY").is_empty(),
    "set `repository.workspace = true` in cli/Cargo.toml"
);

/// Where help links lead: `CONTRAIL_DOCS_URL` (a mirror of docs/, say an internal one), else
/// the docs/ directory of the workspace's `repository` in Cargo.toml, the one place the
/// project's address is configured.
fn docs_base_url() -> String {
    match std::env::var("CONTRAIL_DOCS_URL") {
        Ok(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
        _ => concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs").to_owned(),
    }
}

// The document is serialized straight from these borrowing structs; their fields are in the
// order they are written.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    /// Facts about the run as a whole (SARIF's property bag): for `check --against`, the
    /// `impact` of each changed schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties<'a>>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    impact: &'a serde_json::Value,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    information_uri: String,
    version: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    help_uri: String,
    /// The code's whole page, so viewers show it without following the link.
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text<'a> {
    text: std::borrow::Cow<'a, str>,
}

impl<'a> Text<'a> {
    fn new(text: impl Into<std::borrow::Cow<'a, str>>) -> Text<'a> {
        Text { text: text.into() }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locations: Option<[SarifLocation<'a>; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Properties<'a> {
    json_pointer: &'a str,
}

pub(super) fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    context: super::ReportContext<'_>,
) -> std::io::Result<()> {
    // Rules: every code that appears, in code order, so `ruleIndex` is stable.
    let rules: BTreeMap<&str, &Diagnostic> = diagnostics.iter().map(|d| (d.code.code, d)).collect();
    let rule_index: BTreeMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(i, code)| (*code, i))
        .collect();
    let docs = docs_base_url();
    let rules = rules
        .values()
        .map(|d| Rule {
            id: d.code.code,
            name: d.code.name,
            short_description: Text::new(d.code.summary),
            help_uri: format!("{docs}/{}", d.code.doc_page()),
            help: {
                let page = crate::pages::code_page(&d.code);
                Help {
                    text: page.clone(),
                    markdown: page,
                }
            },
            default_configuration: Configuration {
                level: level(d.code.default_severity),
            },
        })
        .collect();
    let results = diagnostics
        .iter()
        .map(|d| {
            let text = match &d.help {
                Some(help) => Text::new(format!("{}\nhelp: {help}", d.message)),
                None => Text::new(d.message.as_str()),
            };
            SarifResult {
                rule_id: d.code.code,
                rule_index: rule_index[d.code.code],
                level: level(d.severity),
                message: text,
                locations: d.location.as_ref().map(|l| {
                    [SarifLocation {
                        physical_location: physical(l),
                        id: None,
                        message: None,
                    }]
                }),
                related_locations: d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| SarifLocation {
                        physical_location: physical(&r.location),
                        id: Some(i),
                        message: Some(Text::new(r.message.as_str())),
                    })
                    .collect(),
                properties: d
                    .pointer
                    .as_deref()
                    .map(|json_pointer| Properties { json_pointer }),
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "contrail",
                    information_uri: docs,
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
            properties: context
                .extra
                .and_then(|extra| extra.get("impact"))
                .map(|impact| RunProperties { impact }),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn physical(location: &Location) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: artifact_uri(&location.file),
        },
        region: Region {
            start_line: location.start.line,
            start_column: location.start.column,
            end_line: location.end.line.max(location.start.line),
            end_column: if location.end > location.start {
                location.end.column
            } else {
                location.start.column + 1
            },
        },
    }
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
