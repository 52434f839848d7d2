//! Findings as a person reads them: rustc-style snippets with a caret under the problem.

use std::io::Write;

use annotate_snippets::{Annotation, AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use contrail_contracts::{Diagnostic, Location, Severity, Sources, Summary};

use super::{ReportContext, display_path};

pub(super) fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    context: ReportContext<'_>,
) -> std::io::Result<()> {
    let renderer = if context.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for diagnostic in diagnostics {
        let report = report(diagnostic, sources);
        writeln!(out, "{}\n", renderer.render(&report))?;
    }
    writeln!(out, "{}", summary_line(diagnostics, context))
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

fn report<'a>(diagnostic: &'a Diagnostic, sources: &'a Sources) -> Vec<Group<'a>> {
    let title = || {
        level(diagnostic.severity)
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.code.code)
    };
    let mut group = match &diagnostic.location {
        Some(location) => match snippet(location, sources, None) {
            Some(mut snippet) => {
                // Related places in the same file go into the same snippet.
                for related in diagnostic
                    .related
                    .iter()
                    .filter(|r| r.location.file == location.file)
                {
                    if let Some(range) = byte_range(sources, &related.location) {
                        snippet = snippet.annotation(
                            AnnotationKind::Context
                                .span(range)
                                .label(related.message.as_str()),
                        );
                    }
                }
                title().element(snippet)
            }
            None => title().element(
                Origin::path(display_path(&location.file))
                    .line(location.start.line as usize)
                    .char_column(location.start.column as usize),
            ),
        },
        None => Group::with_title(title()),
    };
    if let Some(pointer) = &diagnostic.pointer {
        group = group.element(Level::NOTE.message(format!("at {pointer}")));
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let mut groups = vec![group];
    for related in diagnostic.related.iter() {
        let same_file = diagnostic
            .location
            .as_ref()
            .is_some_and(|l| l.file == related.location.file);
        if same_file {
            continue;
        }
        let related_title = Level::NOTE.secondary_title(related.message.as_str());
        match snippet(&related.location, sources, Some(related.message.as_str())) {
            Some(snippet) => groups.push(Group::with_title(related_title).element(snippet)),
            None => groups.push(Group::with_title(
                Level::NOTE.secondary_title(format!("{}: {}", related.message, related.location)),
            )),
        }
    }
    groups
}

fn snippet<'a>(
    location: &'a Location,
    sources: &'a Sources,
    label: Option<&'a str>,
) -> Option<Snippet<'a, Annotation<'a>>> {
    let text = sources.get(&location.file)?;
    let range = byte_range(sources, location)?;
    let mut annotation = AnnotationKind::Primary.span(range);
    if let Some(label) = label {
        annotation = annotation.label(label);
    }
    Some(
        Snippet::source(text.as_ref())
            .path(display_path(&location.file))
            .fold(true)
            .annotation(annotation),
    )
}

/// The byte range of a location in its source. An empty range is widened to one character so
/// the caret has something to point at.
fn byte_range(sources: &Sources, location: &Location) -> Option<std::ops::Range<usize>> {
    let text = sources.get(&location.file)?;
    let start = byte_offset(text, location.start.line, location.start.column)?;
    let end = byte_offset(text, location.end.line, location.end.column)
        .unwrap_or(start)
        .max(start);
    if end > start {
        // Multi-line spans (a whole mapping) are shortened to their first line.
        let first_line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        return Some(start..end.min(first_line_end).max(start + 1).min(text.len()));
    }
    let next = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    Some(start..next)
}

fn byte_offset(text: &str, line: u32, column: u32) -> Option<usize> {
    let mut offset = 0;
    for (index, line_text) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line as usize {
            let col = column.saturating_sub(1) as usize;
            let within = line_text
                .char_indices()
                .nth(col)
                .map_or(line_text.trim_end_matches('\n').len(), |(i, _)| i);
            return Some(offset + within);
        }
        offset += line_text.len();
    }
    (line as usize == text.split_inclusive('\n').count() + 1).then_some(text.len())
}

fn summary_line(diagnostics: &[Diagnostic], context: ReportContext<'_>) -> String {
    let summary = Summary::of(diagnostics);
    let files = match context.files {
        1 => "1 file".to_owned(),
        n => format!("{n} files"),
    };
    if diagnostics.is_empty() {
        return format!("{}: no problems found in {files}", context.command);
    }
    let mut parts = Vec::new();
    let mut count = |n: usize, word: &str| {
        if n > 0 {
            parts.push(format!("{n} {word}{}", if n == 1 { "" } else { "s" }));
        }
    };
    count(summary.errors, "error");
    count(summary.warnings, "warning");
    count(summary.infos, "info");
    format!("{}: {} in {files}", context.command, parts.join(", "))
}
