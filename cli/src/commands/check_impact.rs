//! The impact section of `contrail check --against`: for every event whose schema changed,
//! who the changed fields reach. Computed in `contrail_contracts::graph::impact`; here it is
//! only rendered — a section of the human report, and for `--format github` a job summary
//! with a Mermaid drawing of the reached part of the graph.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use contrail_contracts::Catalog;
use contrail_contracts::compat::evolution::Evolution;
use contrail_contracts::graph::impact::{ChangeImpact, change_impact};
use contrail_site::graph::{View, to_mermaid};

/// The impact of every changed (and checked) schema, in the order the comparison lists them.
pub(crate) fn impacts(catalog: &Catalog, evolution: &Evolution) -> Vec<ChangeImpact> {
    let graph = catalog.graph();
    evolution
        .checked
        .iter()
        .filter_map(|checked| change_impact(catalog, &graph, &checked.event, &checked.fields).ok())
        .collect()
}

/// The changed fields as a phrase.
fn fields_phrase(impact: &ChangeImpact, code: bool) -> String {
    if impact.fields.is_empty() {
        return "no field (documentation only)".to_owned();
    }
    impact
        .fields
        .iter()
        .map(|f| match (f.is_empty(), code) {
            (true, _) => "the whole payload".to_owned(),
            (false, true) => format!("`{f}`"),
            (false, false) => f.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "-".to_owned()
    } else {
        names.join(", ")
    }
}

/// The "impact" section of the human report.
pub(crate) fn write_human(out: &mut dyn Write, impacts: &[ChangeImpact]) -> std::io::Result<()> {
    if impacts.is_empty() {
        return Ok(());
    }
    writeln!(out, "impact of the changed schemas:")?;
    for impact in impacts {
        writeln!(
            out,
            "  {}: changed {}",
            impact.event,
            fields_phrase(impact, false)
        )?;
        writeln!(out, "    direct      {}", list(&impact.direct))?;
        let through = if impact.events.is_empty() {
            String::new()
        } else {
            format!(" (through {})", impact.events.join(", "))
        };
        writeln!(out, "    transitive  {}{through}", list(&impact.transitive))?;
        writeln!(out, "    unaffected  {}", list(&impact.unaffected))?;
        writeln!(out, "    unknown     {}", list(&impact.unknown))?;
    }
    Ok(())
}

/// A Markdown table cell: pipes and line breaks would end it.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// The job summary: a table of every changed schema and, for each that reaches a consumer, a
/// Mermaid drawing of the changed event, the services it reaches and the events between them.
pub(crate) fn github_summary(
    catalog: &Catalog,
    baseline: &str,
    impacts: &[ChangeImpact],
) -> String {
    let graph = catalog.graph();
    let mut out = String::from("### contrail check: impact of the changed schemas\n\n");
    let _ = writeln!(out, "Compared with `{}`.\n", cell(baseline));
    out.push_str("| Event | Changed fields | Direct | Transitive | Unaffected | Unknown |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for impact in impacts {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&impact.event),
            cell(&fields_phrase(impact, true)),
            cell(&list(&impact.direct)),
            cell(&list(&impact.transitive)),
            cell(&list(&impact.unaffected)),
            cell(&list(&impact.unknown)),
        );
    }
    for impact in impacts {
        if impact.direct.is_empty() && impact.unknown.is_empty() {
            continue;
        }
        let view = View::impact(catalog, &graph, &impact.as_impact());
        let _ = write!(
            out,
            "\n#### {}\n\n```mermaid\n{}```\n",
            cell(&impact.event),
            to_mermaid(&view)
        );
    }
    out
}

/// Appends `markdown` to the job summary file GitHub Actions names in `GITHUB_STEP_SUMMARY`.
/// A summary that cannot be written is a warning, not a failed check.
pub(crate) fn append_step_summary(file: &Path, markdown: &str) {
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .and_then(|mut f| f.write_all(markdown.as_bytes()));
    if let Err(e) = written {
        eprintln!(
            "warning: could not write the job summary to {}: {e}",
            file.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(fields: &[&str]) -> ChangeImpact {
        ChangeImpact {
            event: "E".into(),
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            direct: vec!["a".into()],
            transitive: Vec::new(),
            events: Vec::new(),
            unaffected: Vec::new(),
            unknown: Vec::new(),
        }
    }

    #[test]
    fn fields_read_as_a_phrase() {
        assert_eq!(fields_phrase(&answer(&["a.b", "c"]), true), "`a.b`, `c`");
        assert_eq!(fields_phrase(&answer(&[""]), false), "the whole payload");
        assert_eq!(
            fields_phrase(&answer(&[]), false),
            "no field (documentation only)"
        );
    }

    #[test]
    fn table_cells_keep_their_row() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }

    #[test]
    fn the_human_section_lists_every_kind_of_consumer() {
        let mut out = Vec::new();
        write_human(&mut out, &[answer(&["x"])]).expect("written");
        let text = String::from_utf8_lossy(&out);
        assert_eq!(
            text,
            "impact of the changed schemas:\n  E: changed x\n    direct      a\n    transitive  -\n    unaffected  -\n    unknown     -\n"
        );
        let mut none = Vec::new();
        write_human(&mut none, &[]).expect("written");
        assert!(none.is_empty());
    }
}
