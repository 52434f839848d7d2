use contrail_contracts::model::{Event, Spanned};
use contrail_contracts::payload::{Found, Payload};

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every event on a topic declares a partition `key`, and that the key names a
    /// field its payload schema has and always carries (required, not nullable).
    ///
    /// ## Why is this bad?
    /// Kafka orders records only within a partition. Without a key, records of one entity —
    /// `OrderPlaced` then `OrderCancelled` for the same order — are spread over partitions and
    /// consumers see them in any order. A key that is missing from the payload, or may be null,
    /// sends those records to one arbitrary partition or fails the producer.
    ///
    /// ## Example
    /// ```yaml
    /// event: OrderPlaced
    /// topic: shop.orders
    /// key: order_id        # the schema calls it orderId
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// event: OrderPlaced
    /// topic: shop.orders
    /// key: orderId
    /// ```
    ///
    /// ## Fix
    /// Key every event by the entity whose order matters (usually its id), and make that field
    /// required in the schema.
    ///
    /// ## References
    /// - Apache Kafka documentation: partitioning and ordering guarantees
    /// - Martin Kleppmann, *Designing Data-Intensive Applications*, ch. 11
    pub struct OrderedEventHasKey {
        code: ORDERED_EVENT_HAS_KEY,
        category: Ordering,
        group: Group::Stable,
    }
}

impl Rule for OrderedEventHasKey {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for event in &ctx.catalog.events {
            if event.topic.is_none() {
                continue;
            }
            let subject = Subject::Event(event.name.value.clone());
            let Some(key) = &event.key else {
                out.report(subject, format!("event `{}` has no partition key", event.name.value), event.name.location.clone())
                    .help("add `key: <field>` naming the entity whose events must stay in order (e.g. `orderId`)");
                continue;
            };
            let Some(fields) = ctx.payload_field_facts(event) else {
                // A Protobuf payload has no field facts (its fields are always present: an
                // unset one reads as its default), but its key must still name a field.
                if let Some(payload @ Payload::Protobuf(_)) = ctx.payload_schema(event)
                    && let Found::Missing(_, names) =
                        payload.resolve(std::slice::from_ref(&key.value))
                {
                    not_a_field(out, subject, event, key, names.iter().map(String::as_str));
                }
                continue;
            };
            match fields.iter().find(|f| f.name == key.value) {
                None => not_a_field(out, subject, event, key, fields.iter().map(|f| f.name)),
                Some(field) if field.nullable || !field.required => {
                    out.report(
                        subject,
                        format!("the partition key `{}` of `{}` may be absent or null", key.value, event.name.value),
                        key.location.clone(),
                    )
                    .help("make the key field required and not nullable so every record is partitioned by it");
                }
                Some(_) => {}
            }
        }
    }
}

/// Reports a key that names no top-level field of the payload, with the closest field.
fn not_a_field<'a>(
    out: &mut Findings,
    subject: Subject,
    event: &Event,
    key: &Spanned<String>,
    names: impl IntoIterator<Item = &'a str>,
) {
    let help = match contrail_contracts::suggest::did_you_mean(&key.value, names) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "name a top-level field of the payload schema".to_owned(),
    };
    out.report(
        subject,
        format!(
            "the partition key `{}` of `{}` is not a field of its payload",
            key.value, event.name.value
        ),
        key.location.clone(),
    )
    .help(help);
}
