//! `--observed TRACE.json` of `check` and `graph`: a saved `contrail trace --format json`
//! report, read and parsed. What it means against the catalog is
//! `contrail_contracts::observe::drift`.

use std::path::Path;

use anyhow::Context;
use contrail_contracts::observe::TraceReport;

/// Reads the report at `path`. A file that is not one is an error naming the file, the JSON
/// path of the value that does not fit and its line and column.
pub(crate) fn read_trace(path: &Path) -> anyhow::Result<TraceReport> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--observed: cannot read {}", path.display()))?;
    parse_trace(&text).map_err(|e| anyhow::anyhow!("--observed: {}: {e}", path.display()))
}

/// Parses a report; the error says where in the document it went wrong.
fn parse_trace(text: &str) -> Result<TraceReport, String> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let report: TraceReport = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let at = if path == "." {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        format!(
            "not a `contrail trace --format json` report:{at} (line {}, column {}): {}",
            inner.line(),
            inner.column(),
            strip_position(&inner.to_string())
        )
    })?;
    deserializer
        .end()
        .map_err(|e| format!("not a `contrail trace --format json` report: {e}"))?;
    Ok(report)
}

/// serde_json's message without its trailing ` at line L column C`, which the caller states.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |i| &message[..i])
}

#[cfg(test)]
mod tests {
    use super::parse_trace;

    #[test]
    fn a_report_that_does_not_fit_names_the_path_line_and_column() {
        let text = "{\"records\": {\"read\": 1, \"in_flows\": 1,\n \"problems\": {}}}";
        let error = parse_trace(text).err().unwrap_or_default();
        assert_eq!(
            error,
            "not a `contrail trace --format json` report: at `records.problems` (line 2, column 15): missing field `wrong_magic`"
        );
        let error = parse_trace("{\"records\": 7}").err().unwrap_or_default();
        assert_eq!(
            error,
            "not a `contrail trace --format json` report: at `records` (line 1, column 13): invalid type: integer `7`, expected struct RecordCounts"
        );
        let error = parse_trace("[]").err().unwrap_or_default();
        assert_eq!(
            error,
            "not a `contrail trace --format json` report: (line 1, column 2): invalid length 0, expected struct TraceReport with 5 elements"
        );
    }

    #[test]
    fn the_shop_fixture_parses() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/observed/shop-trace.json");
        let report = super::read_trace(&path).expect("the fixture is a report");
        assert_eq!(report.records.read, 30);
    }
}
