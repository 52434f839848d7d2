use crate::context::{Context, normalized};
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every event's payload carries a unique id: a top-level field named like
    /// `eventId`, `event_id`, `id`, `messageId`, `uuid` (any casing); for a Protobuf payload, a
    /// field of its message. Events whose payload fields cannot be read (`$ref`-only JSON
    /// Schemas) are skipped.
    ///
    /// ## Why is this bad?
    /// Delivery is at least once: consumers see duplicates and need a stable id to recognise
    /// them. The id is also what support engineers search logs for and what a dead-letter
    /// replay uses to check whether a message was already handled. The Kafka offset is not an
    /// id: a producer retry writes the same event at two offsets.
    ///
    /// ## Example
    /// ```json
    /// { "type": "record", "name": "OrderPlaced",
    ///   "fields": [ { "name": "orderId", "type": "string" } ] }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "type": "record", "name": "OrderPlaced",
    ///   "fields": [ { "name": "eventId", "type": { "type": "string", "logicalType": "uuid" } },
    ///               { "name": "orderId", "type": "string" } ] }
    /// ```
    ///
    /// ## Fix
    /// Add an `eventId` the producer sets once per event (a UUID) and never changes on retry.
    ///
    /// ## References
    /// - CloudEvents specification: the `id` attribute
    /// - Chris Richardson, *Microservices Patterns*: Idempotent Consumer
    pub struct EventIdPresent {
        code: EVENT_ID_PRESENT,
        category: Envelope,
        group: Group::Stable,
    }
}

const ID_NAMES: &[&str] = &[
    "id",
    "eventid",
    "messageid",
    "msgid",
    "uuid",
    "eventuuid",
    "messageuuid",
    "notificationid",
    "commandid",
];

/// Whether a field name is a conventional event id.
pub(crate) fn is_event_id(name: &str) -> bool {
    let n = normalized(name);
    ID_NAMES.contains(&n.as_str()) || n.ends_with("eventid") || n.ends_with("messageid")
}

impl Rule for EventIdPresent {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for (event, location) in ctx.events_without_field(is_event_id) {
            out.report(
                Subject::Event(event.name.value.clone()),
                format!(
                    "the payload of `{}` has no event id field",
                    event.name.value
                ),
                location,
            )
            .related(event.name.location.clone(), "the event is declared here")
            .help(
                "add an `eventId` field (a UUID set once per event) so consumers can deduplicate",
            );
        }
    }
}
