//! The one finding type every check returns and every output format renders.
//!
//! A [`Diagnostic`] says what is wrong with a user's contract, where, and what to do about it.
//! Checks return `(T, Vec<Diagnostic>)`; an `Err` is reserved for contrail being unable to do
//! its job. Renderers (human, JSON, SARIF, ...) live in the CLI and never invent fields of their
//! own: everything they print comes from here.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a finding is. Ordered so that `Error > Warning > Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable identity for a kind of finding: a short code (`CV004`) and a SCREAMING_SNAKE name
/// (`UNKNOWN_KEY`). Both are part of contrail's public interface: suppressions, SARIF rule ids
/// and documentation pages use them, so they never change meaning once released. Every code is
/// declared once, in [`crate::codes`]; two codes are the same code when their `code` is.
#[derive(Debug, Clone, Copy)]
pub struct Code {
    pub code: &'static str,
    pub name: &'static str,
    pub default_severity: Severity,
    /// One sentence for rule listings and SARIF `shortDescription`.
    pub summary: &'static str,
    pub family: Family,
    /// The documentation page, as Markdown (the doc comment of its line in [`crate::codes`]);
    /// empty for lint rules, whose page is their rule's doc comment.
    pub doc: &'static str,
}

impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        self.code == other.code
    }
}

impl Eq for Code {}

impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.code.hash(state);
    }
}

impl Code {
    /// Where the code's page lives, relative to `docs/`: `codes/CV004.md`, or
    /// `rules/EVENT_NAME_PAST_TENSE.md` for a lint rule.
    pub fn doc_page(&self) -> String {
        match self.family {
            Family::Lint => format!("rules/{}.md", self.name),
            _ => format!("codes/{}.md", self.code),
        }
    }
}

/// The families of codes: which check reports them, and the prefix their codes share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// `CVnnn`: contracts that are not well-formed (`contrail validate`).
    Validation,
    /// `CCnnn`: schema changes and what they break (`contrail compat`, `contrail check`).
    Compatibility,
    /// `CL00n`: the lint configuration itself.
    LintConfig,
    /// `CLnnn`: lint rules (`contrail lint`).
    Lint,
    /// `COnnn`: drift between what a trace observed and what the catalog declares
    /// (`contrail check --observed`).
    Observed,
}

impl Family {
    /// The prefix every code of the family starts with.
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Validation => "CV",
            Family::Compatibility => "CC",
            Family::LintConfig => "CL00",
            Family::Lint => "CL",
            Family::Observed => "CO",
        }
    }

    /// How the family is named in listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Validation => "validation",
            Family::Compatibility => "compatibility",
            Family::LintConfig => "lint configuration",
            Family::Lint => "lint rule",
            Family::Observed => "observed drift",
        }
    }
}

/// A position in a source file. Lines and columns are 1-based; columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl Position {
    pub const START: Position = Position { line: 1, column: 1 };

    /// The position of a byte offset in `text` (clamped to the text, and to a char boundary).
    pub fn of_byte_offset(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Position;

    #[test]
    fn byte_offsets_to_positions() {
        let text = "ab\ncé d\n";
        // (byte offset, line, column): columns count characters, `é` is two bytes.
        for (offset, line, column) in [(0, 1, 1), (3, 2, 1), (5, 2, 2), (7, 2, 4), (99, 3, 1)] {
            assert_eq!(
                Position::of_byte_offset(text, offset),
                Position { line, column },
                "offset {offset}"
            );
        }
    }
}

/// Where a finding points: a file and a range in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: PathBuf,
    pub start: Position,
    pub end: Position,
}

impl Location {
    /// The whole-file location used when a finding has no better place to point at
    /// (for example a file that is not UTF-8).
    pub fn file_start(file: impl Into<PathBuf>) -> Location {
        Location {
            file: file.into(),
            start: Position::START,
            end: Position::START,
        }
    }

    pub fn path(&self) -> &Path {
        &self.file
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.file.display(),
            self.start.line,
            self.start.column
        )
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    /// JSON pointer (RFC 6901) to the offending value inside its document, when it has one.
    pub pointer: Option<String>,
    /// What the user can do about it.
    pub help: Option<String>,
    /// Further places that explain the finding (the first declaration of a duplicate, ...).
    pub related: Vec<Related>,
}

/// A secondary location attached to a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

impl Diagnostic {
    /// A finding of `code` at its default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.default_severity,
            message: message.into(),
            location: None,
            pointer: None,
            help: None,
            related: Vec::new(),
        }
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    pub fn at_opt(mut self, location: Option<Location>) -> Diagnostic {
        self.location = location;
        self
    }

    pub fn pointer(mut self, pointer: impl Into<String>) -> Diagnostic {
        let pointer = pointer.into();
        self.pointer = (!pointer.is_empty()).then_some(pointer);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn related(mut self, location: Location, message: impl Into<String>) -> Diagnostic {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The order findings are reported in: by file, then position, then code. Findings without
    /// a location come first.
    pub fn sort_key(&self) -> (Option<&Location>, &'static str, &str) {
        (self.location.as_ref(), self.code.code, &self.message)
    }
}

/// Sorts findings into report order and drops exact duplicates (the same finding reached twice,
/// for example through a file that two documents `$ref`).
pub fn normalize(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

/// Counts by severity, for summaries and exit codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic]) -> Summary {
        let mut summary = Summary::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}
