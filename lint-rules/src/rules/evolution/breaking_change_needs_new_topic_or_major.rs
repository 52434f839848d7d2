use serde_json::Value;

use crate::context::{BreakingChange, Context};
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Under `contrail check --against BASELINE`: when an event's schema is incompatible with
    /// its baseline (the CC findings of the compatibility check), checks that the change comes
    /// with a new topic or a new major version. Any of these counts:
    ///
    /// - the event's `topic` differs from the baseline's (`shop.shipments` → `shop.shipments.v2`);
    /// - the event's `version` has a higher major number than in the baseline (`1.4` → `2`; an
    ///   event that declared no version was at 1);
    /// - the schema's own major is higher: a `vN` segment in the Avro namespace or name
    ///   (`com.shop.v2.OrderShipped`) or in a JSON Schema `$id` (`…/order-shipped/v2.json`).
    ///
    /// Plain `contrail lint` does not compare with a baseline, so there the rule is silent.
    /// Against a registry, which keeps schemas but not event versions, a baseline version is
    /// unknown and a declared `version` of 2 or more counts as a new major.
    ///
    /// ## Why is this bad?
    /// An incompatible schema on the same topic means consumers meet records they cannot
    /// decode — old consumers reading new records, or new consumers replaying old ones — and
    /// the registry refuses the schema under the subject's compatibility mode. The safe path
    /// for a breaking change is a new major: a new topic (and so a new subject) that consumers
    /// move to at their own pace while the old one drains, or at least a version number that
    /// tells every consumer a migration is due.
    ///
    /// ## Example
    /// ```yaml
    /// # OrderShipped v2 adds a required field and stays on shop.shipments
    /// event: OrderShipped
    /// topic: shop.shipments
    /// schema: ../schemas/order-shipped.avsc
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// event: OrderShipped
    /// version: 2
    /// topic: shop.shipments.v2
    /// schema: ../schemas/order-shipped.avsc
    /// ```
    ///
    /// ## Fix
    /// Make the change compatible (a default for the new field), or publish the new schema
    /// on a new topic (`<topic>.v2`) with a new major version and migrate consumers.
    ///
    /// ## References
    /// - Confluent documentation: schema evolution and compatibility
    /// - Gwen Shapira et al., *Kafka: The Definitive Guide*: schema evolution
    /// - Greg Young, *Versioning in an Event Sourced System*: new event versions
    pub struct BreakingChangeNeedsNewTopicOrMajor {
        code: BREAKING_CHANGE_NEEDS_NEW_TOPIC_OR_MAJOR,
        category: Evolution,
        group: Group::Stable,
    }
}

/// The major number of a version: `2`, `v2`, `2.1.0` → 2.
pub fn major(version: &str) -> Option<u32> {
    let digits: String = version
        .trim()
        .trim_start_matches(['v', 'V'])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The highest `vN` segment in a schema's full name (Avro `namespace` and `name`) or its JSON
/// Schema `$id`.
pub fn schema_major(schema: &Value) -> Option<u32> {
    let texts = ["namespace", "name", "$id"]
        .into_iter()
        .filter_map(|k| schema.get(k).and_then(Value::as_str));
    texts
        .flat_map(|t| t.split(['.', '/', ':', '-', '_', '#']))
        .filter_map(|segment| {
            let segment = segment.strip_suffix(".json").unwrap_or(segment);
            segment
                .strip_prefix(['v', 'V'])
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse().ok())
        })
        .max()
}

/// Why the change is acceptable, if it is.
fn new_major(ctx: &Context<'_>, change: &BreakingChange) -> bool {
    let Some(event) = ctx.catalog.event(&change.event) else {
        return true;
    };
    let topic = event.topic.as_ref().map(|t| t.value.as_str());
    if change.topic.is_some() && topic != change.topic.as_deref() {
        return true;
    }
    let version_now = event.version.as_ref().and_then(|v| major(&v.value));
    let version_then = change.version.as_deref().and_then(major).unwrap_or(1);
    if version_now.is_some_and(|now| now > version_then) {
        return true;
    }
    let schema_now = ctx
        .schema(event)
        .and_then(|s| s.json.as_ref())
        .and_then(schema_major)
        .unwrap_or(1);
    let schema_then = change.schema.as_ref().and_then(schema_major).unwrap_or(1);
    schema_now > schema_then
}

impl Rule for BreakingChangeNeedsNewTopicOrMajor {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for change in ctx.breaking {
            if new_major(ctx, change) {
                continue;
            }
            let Some(event) = ctx.catalog.event(&change.event) else {
                continue;
            };
            let name = &event.name.value;
            let (location, pointer) = match &event.topic {
                Some(t) => (t.location.clone(), t.pointer.clone()),
                None => (event.name.location.clone(), event.name.pointer.clone()),
            };
            let changes = match change.incompatibilities {
                1 => "an incompatible change".to_owned(),
                n => format!("{n} incompatible changes"),
            };
            let topic = event.topic.as_ref().map_or_else(
                || "its topic".to_owned(),
                |t| format!("topic `{}`", t.value),
            );
            let suggestion = event.topic.as_ref().map_or_else(
                || "a new topic".to_owned(),
                |t| format!("`{}`", next_topic(&t.value)),
            );
            let report = out
                .report(
                    Subject::Event(name.clone()),
                    format!(
                        "`{name}` has {changes} against {} but stays on {topic} with the same major version",
                        change.baseline
                    ),
                    location,
                )
                .pointer(pointer)
                .help(format!(
                    "make the change compatible, or publish it on {suggestion} with a new major `version` and migrate consumers"
                ));
            if let Some(schema) = ctx.schema_location(event, "") {
                report.related(schema, "the incompatible schema");
            }
        }
    }
}

/// The topic a new major would go to: `shop.shipments` → `shop.shipments.v2`,
/// `shop.shipments.v2` → `shop.shipments.v3`.
fn next_topic(topic: &str) -> String {
    if let Some((stem, last)) = topic.rsplit_once('.')
        && let Some(n) = last.strip_prefix('v').and_then(|n| n.parse::<u32>().ok())
    {
        return format!("{stem}.v{}", n + 1);
    }
    format!("{topic}.v2")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors() {
        assert_eq!(major("2"), Some(2));
        assert_eq!(major("v3"), Some(3));
        assert_eq!(major("1.4.0"), Some(1));
        assert_eq!(major("beta"), None);
        let avro = serde_json::json!({"type": "record", "name": "OrderShipped", "namespace": "com.shop.v2"});
        assert_eq!(schema_major(&avro), Some(2));
        let json = serde_json::json!({"$id": "https://shop.example/schemas/order-shipped/v3.json"});
        assert_eq!(schema_major(&json), Some(3));
        assert_eq!(schema_major(&serde_json::json!({"name": "Event"})), None);
        assert_eq!(next_topic("shop.shipments"), "shop.shipments.v2");
        assert_eq!(next_topic("shop.shipments.v2"), "shop.shipments.v3");
    }
}
