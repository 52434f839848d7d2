//! The rules, one file each, grouped by category.

pub mod consumer {
    pub mod consumer_dead_letter;
    pub mod consumer_group_declared;
    pub mod consumer_idempotent;
    pub mod consumer_retry_backoff;
}
pub mod crosscheck {
    pub mod consumed_event_has_producer;
    pub mod consumer_reads_existing_fields;
    pub mod consumer_schema_can_read_producer;
    pub mod owner_declared;
    pub mod produced_event_has_consumer;
    pub mod single_producer_per_event;
}
pub mod envelope {
    pub mod causation_id_declared;
    pub mod cloudevents_attributes;
    pub mod correlation_id_declared;
    pub mod event_id_present;
    pub mod event_time_present;
    pub mod traceparent_allowed;
}
pub mod evolution {
    pub mod breaking_change_needs_new_topic_or_major;
    pub mod compatibility_declared;
    pub mod proto_removed_field_reserved;
    pub mod replayable_needs_transitive;
}
pub mod naming {
    pub mod command_name_imperative;
    pub mod event_name_past_tense;
    pub mod field_naming_consistent;
    pub mod proto_field_lower_snake_case;
    pub mod proto_package_versioned;
    pub mod topic_naming;
}
pub mod ordering {
    pub mod ordered_event_has_key;
}
pub mod schema {
    pub mod enum_has_default;
    pub mod no_closed_content_model;
    pub mod optional_field_has_default;
    pub mod payload_size_budget;
    pub mod pii_classified;
    pub mod proto_enum_zero_value_unspecified;
    pub mod proto_no_required_fields;
    pub mod record_doc_present;
    pub mod union_null_first_with_default;
}
pub mod topology {
    pub mod event_cycle;
    pub mod fan_out_budget;
}
