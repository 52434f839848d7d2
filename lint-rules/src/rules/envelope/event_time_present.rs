use crate::context::{Context, normalized};
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every event's payload says when the event happened: a top-level field named
    /// like `occurredAt`, `timestamp`, `eventTime`, `time`, `createdAt` (any casing, or any
    /// name ending in `timestamp` or `time`); for a Protobuf payload, a field of its message.
    /// Events whose payload fields cannot be read are skipped.
    ///
    /// ## Why is this bad?
    /// The record timestamp Kafka stores is when the broker or producer saw the record, which
    /// differs from when the fact happened after retries, outbox relays and replays. Consumers
    /// that window, order or expire events by time need the business time in the payload.
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
    ///   "fields": [ { "name": "occurredAt", "type": { "type": "long", "logicalType": "timestamp-millis" } },
    ///               { "name": "orderId", "type": "string" } ] }
    /// ```
    ///
    /// ## Fix
    /// Add an `occurredAt` field set when the fact happened (an Avro `timestamp-millis`, a JSON
    /// Schema `date-time` string).
    ///
    /// ## References
    /// - CloudEvents specification: the `time` attribute
    /// - Martin Kleppmann, *Designing Data-Intensive Applications*, ch. 11 (event time vs processing time)
    pub struct EventTimePresent {
        code: EVENT_TIME_PRESENT,
        category: Envelope,
        group: Group::Stable,
    }
}

const TIME_NAMES: &[&str] = &[
    "occurredat",
    "occurredon",
    "timestamp",
    "ts",
    "time",
    "eventtime",
    "createdat",
    "happenedat",
    "recordedat",
    "publishedat",
    "emittedat",
    "sentat",
    "datetime",
    "date",
];

fn is_event_time(name: &str) -> bool {
    let n = normalized(name);
    TIME_NAMES.contains(&n.as_str()) || n.ends_with("timestamp") || n.ends_with("time")
}

impl Rule for EventTimePresent {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for (event, location) in ctx.events_without_field(is_event_time) {
            out.report(
                Subject::Event(event.name.value.clone()),
                format!(
                    "the payload of `{}` does not say when the event happened",
                    event.name.value
                ),
                location,
            )
            .related(event.name.location.clone(), "the event is declared here")
            .help("add an `occurredAt` timestamp set when the fact happened");
        }
    }
}
