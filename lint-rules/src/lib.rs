//! contrail-lint: rules over a loaded catalog, drawn from event-driven practice.
//!
//! One file per rule under `rules/<category>/`, each a unit struct declared with
//! [`declare_rule!`] whose doc comment (What it does / Why is this bad? / Example / Fix /
//! References) is its documentation page; [`registry::RULES`] lists them all.
//!
//! Architecture invariant: like `contrail-contracts`, this crate does no I/O. Rules read the
//! loaded [`Catalog`] and return findings.

pub mod config;
pub mod context;
pub mod protobuf;
pub mod registry;
pub mod rule;
pub mod rules;

use contrail_contracts::diagnostic::{Diagnostic, Severity};
use contrail_contracts::model::Catalog;

pub use config::LintConfig;
pub use rule::{Category, Group, Rule, RuleInfo};

/// Runs every enabled rule on `catalog` under the catalog's `lint:` configuration.
pub fn lint(catalog: &Catalog) -> Vec<Diagnostic> {
    lint_with(catalog, &[])
}

/// [`lint`], with the incompatible changes `contrail check --against` found, for the rules
/// that judge changes against a baseline.
pub fn lint_with(catalog: &Catalog, breaking: &[context::BreakingChange]) -> Vec<Diagnostic> {
    lint_against(catalog, breaking, &[])
}

/// [`lint_with`], with each event's Protobuf payload message as the baseline declared it (see
/// [`protobuf::baseline_messages`]), for the rules that compare a message with its earlier
/// form.
pub fn lint_against(
    catalog: &Catalog,
    breaking: &[context::BreakingChange],
    baseline_messages: &[protobuf::BaselineMessage],
) -> Vec<Diagnostic> {
    let (config, mut out) = LintConfig::from_node(
        catalog.config.lint.as_ref(),
        catalog.config.file.as_deref(),
        &catalog.root,
    );
    out.extend(config::check_suppressions(catalog));
    let ctx = context::Context::against(catalog, breaking, baseline_messages);
    let enabled: Vec<(&dyn Rule, Severity)> = registry::RULES
        .iter()
        .filter_map(|rule| Some((*rule, config.severity(rule.info())?)))
        .collect();
    for findings in run_rules(&ctx, &enabled) {
        let info = findings.info();
        for (subject, diagnostic) in findings.found {
            let (event, service) = match &subject {
                rule::Subject::Event(e) => (Some(e.as_str()), None),
                rule::Subject::Service(s) => (None, Some(s.as_str())),
                rule::Subject::Catalog => (None, None),
            };
            let file = diagnostic.location.as_ref().map(|l| l.file.as_path());
            let suppressed = config::suppressed(catalog, info, event, service);
            if !suppressed && !config.ignored(info.name(), file, event, service) {
                out.push(diagnostic);
            }
        }
    }
    out
}

/// Runs `rules` on every core; their findings come back in the order of `rules`, exactly as
/// one after another. Rules only read the catalog, so they need no coordination.
fn run_rules(ctx: &context::Context<'_>, rules: &[(&dyn Rule, Severity)]) -> Vec<rule::Findings> {
    contrail_contracts::parallel::map_in_order(rules, 1, |(rule, severity)| {
        let mut findings = rule::Findings::new(rule.info(), *severity);
        rule.check(ctx, &mut findings);
        findings
    })
}
