//! Every rule contrail runs, in code order. A rule's code, name, severity and summary are its
//! line in `contrail_contracts::codes` (the one table of every finding code); adding a rule
//! means adding that line, the rule's file, and the rule here. A test keeps the two lists in
//! step.

use crate::rule::{Rule, RuleInfo};
use crate::rules::{consumer, crosscheck, envelope, evolution, naming, ordering, schema, topology};

pub static RULES: &[&dyn Rule] = &[
    &naming::event_name_past_tense::EventNamePastTense,
    &naming::command_name_imperative::CommandNameImperative,
    &naming::topic_naming::TopicNaming,
    &naming::field_naming_consistent::FieldNamingConsistent,
    &naming::proto_package_versioned::ProtoPackageVersioned,
    &naming::proto_field_lower_snake_case::ProtoFieldLowerSnakeCase,
    &envelope::event_id_present::EventIdPresent,
    &envelope::event_time_present::EventTimePresent,
    &envelope::correlation_id_declared::CorrelationIdDeclared,
    &envelope::causation_id_declared::CausationIdDeclared,
    &envelope::traceparent_allowed::TraceparentAllowed,
    &envelope::cloudevents_attributes::CloudeventsAttributes,
    &schema::record_doc_present::RecordDocPresent,
    &schema::optional_field_has_default::OptionalFieldHasDefault,
    &schema::union_null_first_with_default::UnionNullFirstWithDefault,
    &schema::enum_has_default::EnumHasDefault,
    &schema::no_closed_content_model::NoClosedContentModel,
    &schema::payload_size_budget::PayloadSizeBudget,
    &schema::pii_classified::PiiClassified,
    &schema::proto_enum_zero_value_unspecified::ProtoEnumZeroValueUnspecified,
    &schema::proto_no_required_fields::ProtoNoRequiredFields,
    &evolution::compatibility_declared::CompatibilityDeclared,
    &evolution::replayable_needs_transitive::ReplayableNeedsTransitive,
    &evolution::breaking_change_needs_new_topic_or_major::BreakingChangeNeedsNewTopicOrMajor,
    &evolution::proto_removed_field_reserved::ProtoRemovedFieldReserved,
    &consumer::consumer_idempotent::ConsumerIdempotent,
    &consumer::consumer_dead_letter::ConsumerDeadLetter,
    &consumer::consumer_retry_backoff::ConsumerRetryBackoff,
    &consumer::consumer_group_declared::ConsumerGroupDeclared,
    &ordering::ordered_event_has_key::OrderedEventHasKey,
    &crosscheck::consumed_event_has_producer::ConsumedEventHasProducer,
    &crosscheck::produced_event_has_consumer::ProducedEventHasConsumer,
    &crosscheck::consumer_reads_existing_fields::ConsumerReadsExistingFields,
    &crosscheck::single_producer_per_event::SingleProducerPerEvent,
    &crosscheck::owner_declared::OwnerDeclared,
    &crosscheck::consumer_schema_can_read_producer::ConsumerSchemaCanReadProducer,
    &topology::event_cycle::EventCycle,
    &topology::fan_out_budget::FanOutBudget,
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
    fn every_lint_code_has_exactly_one_rule() {
        use contrail_contracts::diagnostic::Family;
        let rule_codes: Vec<&str> = RULES.iter().map(|r| r.info().code.code).collect();
        let lint_codes: Vec<&str> = contrail_contracts::codes::of(Family::Lint)
            .map(|c| c.code)
            .collect();
        assert_eq!(
            rule_codes, lint_codes,
            "RULES and the Lint family of contrail_contracts::codes list different codes (or in another order)"
        );
    }

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
