//! Human output of `contrail trace`, and the rolling summary of `--follow`: one screen that
//! says how flows move, where they break, how long each hop takes, and what nobody declared.

use std::io::{self, Write};

use contrail_contracts::observe::{EdgeReport, FlowAssembler, ProblemKind, Timeline, TraceReport};

use super::trace::TraceFormat;

/// How many example flows a broken-chain line names.
const BROKEN_EXAMPLES: usize = 3;

/// The whole report for people; with a correlation id, that flow's timeline first.
pub(crate) fn human(
    out: &mut impl Write,
    assembler: &FlowAssembler,
    correlation_id: Option<&str>,
) -> io::Result<()> {
    if let Some(id) = correlation_id {
        match assembler.timeline(id) {
            Some(timeline) => write_timeline(out, &timeline)?,
            None => writeln!(
                out,
                "no record with correlation id `{id}` was read (check --from, and where the events' contracts say the id is)\n"
            )?,
        }
    }
    let report = assembler.report();
    write_report(out, &report)
}

/// One flow, record by record, with each hop's latency and who should have followed.
fn write_timeline(out: &mut impl Write, timeline: &Timeline) -> io::Result<()> {
    writeln!(out, "flow {}", timeline.correlation_id)?;
    let first = timeline
        .records
        .first()
        .map_or(0, |s| s.record.timestamp_ms);
    for step in &timeline.records {
        let r = &step.record;
        let at = contrail_kafka::format_timestamp_ms(r.timestamp_ms);
        let since = r.timestamp_ms - first;
        write!(
            out,
            "  {at}  +{since:>6} ms  {:<24} {}/{}@{}",
            r.event, r.topic, r.partition, r.offset
        )?;
        if let Some(producer) = &step.producer {
            write!(out, "  by {producer}")?;
        }
        writeln!(out)?;
        if let Some(hop) = &step.predecessor {
            let how = if hop.declared {
                match (&hop.service, &hop.group) {
                    (Some(service), Some(group)) => format!("via {service} (group {group})"),
                    (Some(service), None) => format!("via {service}"),
                    _ => "declared".to_owned(),
                }
            } else {
                "UNDECLARED edge".to_owned()
            };
            writeln!(
                out,
                "      {} ms after {} ({how})",
                hop.latency_ms, hop.event
            )?;
        }
        for service in &step.broken_by {
            writeln!(
                out,
                "      BROKEN: {service} consumes {} but produced nothing after it",
                r.event
            )?;
        }
    }
    writeln!(out)
}

fn write_report(out: &mut impl Write, report: &TraceReport) -> io::Result<()> {
    let records = &report.records;
    let problems: u64 = ProblemKind::ALL
        .iter()
        .map(|&k| *records.problems.get(k))
        .sum();
    write!(
        out,
        "{} read: {} in {}, {}",
        plural(records.read, "record"),
        records.in_flows,
        plural(report.totals.flows, "flow"),
        plural(problems, "problem record")
    )?;
    if records.skipped > 0 {
        write!(
            out,
            ", {} skipped (tombstones, undecodable formats, no correlation declared)",
            records.skipped
        )?;
    }
    writeln!(out)?;
    if report.totals.closed > 0 {
        writeln!(
            out,
            "{} flows open, {} closed by the window",
            report.totals.open, report.totals.closed
        )?;
    }

    let (declared, undeclared): (Vec<&EdgeReport>, Vec<&EdgeReport>) =
        report.edges.iter().partition(|e| e.declared);
    writeln!(out, "\ndeclared edges")?;
    edge_table(out, &declared)?;
    if !undeclared.is_empty() {
        writeln!(
            out,
            "\nundeclared edges (seen, but no service consumes the first and produces the second)"
        )?;
        edge_table(out, &undeclared)?;
    }

    writeln!(out)?;
    if report.broken_by_service.is_empty() {
        writeln!(
            out,
            "broken chains: none ({})",
            plural(report.totals.flows, "flow")
        )?;
    } else {
        writeln!(
            out,
            "broken chains: {} in {} of {} flows, by the service that did not follow",
            report.totals.broken_chains, report.totals.broken_flows, report.totals.flows
        )?;
        for (service, count) in &report.broken_by_service {
            let examples: Vec<String> = report
                .flows
                .iter()
                .flat_map(|f| {
                    f.broken
                        .iter()
                        .filter(|b| &*b.service == service.as_str())
                        .map(|b| format!("{} after {}", f.correlation_id, b.after))
                })
                .take(BROKEN_EXAMPLES)
                .collect();
            let examples = if examples.is_empty() {
                String::new()
            } else {
                format!("  e.g. {}", examples.join(", "))
            };
            writeln!(out, "  {service:<20} {count:>8}{examples}")?;
        }
    }

    if problems > 0 {
        writeln!(out, "\nproblem records (in no flow)")?;
        for kind in ProblemKind::ALL {
            let count = *records.problems.get(kind);
            if count == 0 {
                continue;
            }
            let examples: Vec<String> = records
                .problem_examples
                .get(kind)
                .iter()
                .map(|p| format!("{}/{}@{}", p.topic, p.partition, p.offset))
                .collect();
            writeln!(
                out,
                "  {:<19} {count:>8}  e.g. {}",
                kind.as_str(),
                examples.join(", ")
            )?;
        }
    }
    Ok(())
}

fn edge_table(out: &mut impl Write, edges: &[&EdgeReport]) -> io::Result<()> {
    let width = edges
        .iter()
        .map(|e| e.from.chars().count() + e.to.chars().count() + 3)
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(
        out,
        "  {:<width$} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "edge", "count", "p50 ms", "p90 ms", "p99 ms", "max ms"
    )?;
    for e in edges {
        let name = format!("{} → {}", e.from, e.to);
        if e.count == 0 {
            writeln!(out, "  {name:<width$} {:>8}  never seen", 0)?;
            continue;
        }
        let l = &e.latency_ms;
        let approx = if e.exact { "" } else { "  (±1%)" };
        writeln!(
            out,
            "  {name:<width$} {:>8} {:>8} {:>8} {:>8} {:>8}{approx}",
            e.count, l.p50, l.p90, l.p99, l.max
        )?;
    }
    Ok(())
}

/// `--follow`'s periodic summary: counts and edges, never the flows (JSON: one line).
pub(crate) fn rolling(
    out: &mut impl Write,
    assembler: &FlowAssembler,
    format: TraceFormat,
) -> io::Result<()> {
    let streaming = assembler.report_streaming();
    let summary = streaming.summary();
    match format {
        TraceFormat::Json => {
            serde_json::to_writer(&mut *out, summary)?;
            writeln!(out)
        }
        // OTLP is written when reading ends; the rolling summary is for people.
        TraceFormat::Human | TraceFormat::Otlp => {
            let at = assembler.newest_timestamp_ms().map_or_else(
                || "nothing yet".to_owned(),
                contrail_kafka::format_timestamp_ms,
            );
            let mut text = Vec::new();
            writeln!(text, "── {at}")?;
            write_report(&mut text, summary)?;
            if format == TraceFormat::Otlp {
                io::stderr().write_all(&text)
            } else {
                out.write_all(&text)
            }
        }
    }
}

/// `1 flow`, `3 flows`.
fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
