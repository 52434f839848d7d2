//! GitLab's Code Quality report (`artifacts: reports: codequality:`): a JSON array of issues,
//! each with `description`, `check_name`, `fingerprint`, `severity` and `location` (a path and
//! the lines), which GitLab shows in the merge request widget and the diff.

use std::collections::HashMap;
use std::io::Write;

use contrail_contracts::{Diagnostic, Severity};
use serde_json::json;

use super::display_path;

/// Where a finding without a file is reported: it is about the catalog as a whole.
const CATALOG_FILE: &str = "contrail.yaml";

pub(super) fn render(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> std::io::Result<()> {
    // GitLab shows only the first issue of a fingerprint; two findings that agree in code,
    // file, pointer and message (the same mistake twice in one file) are told apart by their
    // order.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let path = d
                .location
                .as_ref()
                .map_or_else(|| CATALOG_FILE.to_owned(), |l| display_path(&l.file));
            let identity = format!(
                "{}\0{path}\0{}\0{}",
                d.code.code,
                d.pointer.as_deref().unwrap_or(""),
                d.message
            );
            let occurrence = seen.entry(identity.clone()).or_insert(0);
            *occurrence += 1;
            let fingerprint = fingerprint(&format!("{identity}\0{occurrence}"));
            let mut lines =
                json!({"begin": d.location.as_ref().map_or(1, |l| l.start.line.max(1))});
            if let Some(l) = &d.location
                && l.end.line > l.start.line
            {
                lines["end"] = json!(l.end.line);
            }
            let mut description = d.message.clone();
            if let Some(help) = &d.help {
                description.push_str(" (help: ");
                description.push_str(help);
                description.push(')');
            }
            json!({
                "description": description,
                "check_name": d.code.code,
                "fingerprint": fingerprint,
                "severity": severity(d.severity),
                "location": {"path": path, "lines": lines},
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// GitLab's scale is info, minor, major, critical, blocker: an error fails the check, so it
/// ranks above a warning, and blocker is left for what stops the pipeline outright.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// The first 32 hex digits of the identity's SHA-256: stable across runs and line moves, so
/// GitLab can tell a finding fixed from one still there.
fn fingerprint(identity: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, identity.as_bytes());
    digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_hex_and_severities_rank_errors_highest() {
        assert_eq!(fingerprint("a"), fingerprint("a"));
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert_eq!(fingerprint("a").len(), 32);
        assert!(fingerprint("a").chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(severity(Severity::Error), "major");
        assert_eq!(severity(Severity::Warning), "minor");
        assert_eq!(severity(Severity::Info), "info");
    }
}
