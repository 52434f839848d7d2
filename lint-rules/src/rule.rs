//! What a rule is: a stable code and name, a category, a default severity, a group, its
//! documentation (taken from the rule's doc comment, which generates `docs/rules/<NAME>.md`),
//! and a check over the loaded catalog.

use contrail_contracts::diagnostic::{Code, Diagnostic, Location, Severity};

use crate::context::Context;

/// The families rules belong to, as listed in the docs and `contrail rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Naming,
    Envelope,
    Schema,
    Evolution,
    Consumer,
    Ordering,
    CrossCheck,
    Topology,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Naming => "naming",
            Category::Envelope => "envelope and observability",
            Category::Schema => "schema hygiene",
            Category::Evolution => "evolution",
            Category::Consumer => "consumer reliability",
            Category::Ordering => "ordering",
            Category::CrossCheck => "producer/consumer cross-checks",
            Category::Topology => "topology",
        }
    }
}

/// How settled a rule is. `recommended` turns on stable rules; `strict` adds preview rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Stable,
    Preview,
    /// Kept so configurations naming it still load; points at its replacement.
    Deprecated {
        replaced_by: &'static str,
    },
}

/// Everything about a rule except its check.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub code: Code,
    pub category: Category,
    pub group: Group,
    /// The rule's doc comment: `## What it does`, `## Why`, `## Example`, `## Fix`,
    /// `## References`.
    pub doc: &'static str,
}

impl RuleInfo {
    pub fn name(&self) -> &'static str {
        self.code.name
    }

    /// The documentation with the one leading space of each doc-comment line removed.
    pub fn documentation(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned()
    }

    /// The first paragraph under `## What it does`, for listings.
    pub fn summary(&self) -> &'static str {
        self.code.summary
    }
}

/// A lint rule.
pub trait Rule: Sync {
    fn info(&self) -> &'static RuleInfo;
    fn check(&self, ctx: &Context<'_>, out: &mut Findings);
}

/// What a finding is about, so `ignore:` entries for an event or service can match it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Event(String),
    Service(String),
    Catalog,
}

/// Collects a rule's findings, at the severity the configuration gives the rule.
#[derive(Debug)]
pub struct Findings {
    info: &'static RuleInfo,
    severity: Severity,
    pub(crate) found: Vec<(Subject, Diagnostic)>,
}

impl Findings {
    pub(crate) fn new(info: &'static RuleInfo, severity: Severity) -> Findings {
        Findings {
            info,
            severity,
            found: Vec::new(),
        }
    }

    /// The rule these findings are from.
    pub(crate) fn info(&self) -> &'static RuleInfo {
        self.info
    }

    /// Reports a finding about `subject`; the returned handle adds a pointer, help or related
    /// places.
    pub fn report(
        &mut self,
        subject: Subject,
        message: impl Into<String>,
        location: Location,
    ) -> Report<'_> {
        let diagnostic = Diagnostic::new(self.info.code, message)
            .at(location)
            .severity(self.severity);
        self.found.push((subject, diagnostic));
        let last = self.found.len() - 1;
        Report(&mut self.found[last].1)
    }
}

/// A finding just reported, to be completed.
#[derive(Debug)]
pub struct Report<'a>(&'a mut Diagnostic);

impl Report<'_> {
    pub fn help(self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    pub fn pointer(self, pointer: impl Into<String>) -> Self {
        let pointer = pointer.into();
        self.0.pointer = (!pointer.is_empty()).then_some(pointer);
        self
    }

    pub fn related(self, location: Location, message: impl Into<String>) -> Self {
        self.0
            .related
            .push(contrail_contracts::diagnostic::Related {
                location,
                message: message.into(),
            });
        self
    }
}

/// Declares a rule: its unit struct, doc comment (the generated page) and metadata. Its code,
/// name, default severity and summary are its line in `contrail_contracts::codes`, the one
/// table of every finding code.
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct EventNamePastTense {
///         code: EVENT_NAME_PAST_TENSE, category: Naming, group: Group::Stable,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $rule:ident {
            code: $code:ident,
            category: $category:ident,
            group: $group:expr $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $rule;

        impl $rule {
            pub const INFO: $crate::rule::RuleInfo = $crate::rule::RuleInfo {
                code: contrail_contracts::codes::$code,
                category: $crate::rule::Category::$category,
                group: $group,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
