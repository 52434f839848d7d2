//! The rules, one file each, grouped by category.

pub mod consumer {
    pub mod consumer_dead_letter;
    pub mod consumer_idempotent;
}
pub mod evolution {
    pub mod replayable_needs_transitive;
}
pub mod naming {
    pub mod event_name_past_tense;
}
pub mod ordering {
    pub mod ordered_event_has_key;
}
