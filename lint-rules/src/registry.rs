//! The central list of rules (ruff's `codes.rs`): every rule contrail knows, in code order.
//! Adding a rule means adding it here; a test keeps codes and names unique.

use crate::rule::{Rule, RuleInfo};
use crate::rules::{consumer, evolution, naming, ordering};

pub static RULES: &[&dyn Rule] = &[
    &naming::event_name_past_tense::EventNamePastTense,
    &evolution::replayable_needs_transitive::ReplayableNeedsTransitive,
    &consumer::consumer_idempotent::ConsumerIdempotent,
    &consumer::consumer_dead_letter::ConsumerDeadLetter,
    &ordering::ordered_event_has_key::OrderedEventHasKey,
];

/// A rule by code or name, case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static RuleInfo> {
    RULES.iter().map(|r| r.info()).find(|i| {
        i.code.code.eq_ignore_ascii_case(code_or_name)
            || i.name().eq_ignore_ascii_case(code_or_name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_documented() {
        let codes: HashSet<_> = RULES.iter().map(|r| r.info().code.code).collect();
        let names: HashSet<_> = RULES.iter().map(|r| r.info().name()).collect();
        assert_eq!(codes.len(), RULES.len());
        assert_eq!(names.len(), RULES.len());
        for rule in RULES {
            let doc = rule.info().documentation();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix",
                "## References",
            ] {
                assert!(
                    doc.contains(section),
                    "{} lacks `{section}`",
                    rule.info().name()
                );
            }
        }
    }
}
