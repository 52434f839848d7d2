use contrail_contracts::payload::{self, Found, Payload};
use std::collections::HashMap;

use contrail_contracts::schema::SchemaId;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every field a consumer lists under `reads` exists in the payload schema of
    /// the event and is always there: in Avro every field is written (nullable fields may be
    /// null); in JSON Schema the property must be `required` or have a `default`. Paths into
    /// nested records and objects are written dotted (`total.amountMinor`) or as JSON pointers
    /// (`/total/amountMinor`); arrays are stepped through (`items.sku`). Paths through a JSON
    /// Schema `$ref` or composition (`allOf`, ...) are not followed.
    ///
    /// ## Why is this bad?
    /// `reads` is the consumer's side of the contract: the fields its code depends on. A field
    /// the producer does not write — renamed, never there, or optional — makes the consumer
    /// fail or silently compute with a missing value at runtime, and the producer's
    /// compatibility checks cannot protect a field they do not know is read.
    ///
    /// ## Example
    /// ```yaml
    /// consumes:
    ///   - event: OrderPlaced
    ///     reads: [orderId, totalAmount]   # the schema has `total`, not `totalAmount`
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// consumes:
    ///   - event: OrderPlaced
    ///     reads: [orderId, total.amountMinor]
    /// ```
    ///
    /// ## Fix
    /// Correct the field name, or ask the producer to add the field (required, or with a
    /// default) before deploying the consumer.
    ///
    /// ## References
    /// - Ian Robinson, "Consumer-Driven Contracts: A Service Evolution Pattern"
    /// - Pact documentation: consumer-driven contract testing
    pub struct ConsumerReadsExistingFields {
        code: CONSUMER_READS_EXISTING_FIELDS,
        category: CrossCheck,
        group: Group::Stable,
    }
}

impl Rule for ConsumerReadsExistingFields {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        // Many consumers read the same event: build each payload's comparable form once.
        // The form depends only on the event's schema (and, for Protobuf, the message named).
        let mut payloads: HashMap<(Option<SchemaId>, Option<&str>), Option<Payload>> =
            HashMap::new();
        for service in &ctx.catalog.services {
            for consume in service.consumes.iter().filter(|c| !c.reads.is_empty()) {
                let Some(event) = ctx.catalog.event(&consume.event.value) else {
                    continue;
                };
                let key = (
                    event.schema.as_ref().and_then(|s| s.id),
                    event
                        .schema
                        .as_ref()
                        .and_then(|s| s.message.as_ref())
                        .map(|m| m.value.as_str()),
                );
                let Some(version) = payloads
                    .entry(key)
                    .or_insert_with(|| ctx.payload_schema(event))
                    .as_ref()
                else {
                    continue;
                };
                for read in &consume.reads {
                    let path = payload::segments(&read.value);
                    if path.is_empty() {
                        continue;
                    }
                    let found = version.resolve(&path);
                    let subject = Subject::Service(service.name.value.clone());
                    let schema_at = ctx.schema_location(event, "");
                    let report = match found {
                        Found::Always | Found::Unknown => continue,
                        Found::Missing(segment, names) => {
                            let help = match contrail_contracts::suggest::did_you_mean(
                                &segment,
                                names.iter().map(String::as_str),
                            ) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => format!(
                                    "the producer's schema has no `{segment}`; fix the path or ask `{}`'s owner to add the field",
                                    event.name.value
                                ),
                            };
                            out.report(
                                subject,
                                format!(
                                    "`{}` reads `{}` from `{}`, but its payload has no field `{segment}`",
                                    service.name.value, read.value, event.name.value
                                ),
                                read.location.clone(),
                            )
                            .pointer(read.pointer.clone())
                            .help(help)
                        }
                        Found::Optional(segment) => out
                            .report(
                                subject,
                                format!(
                                    "`{}` reads `{}` from `{}`, but `{segment}` is optional there and has no default",
                                    service.name.value, read.value, event.name.value
                                ),
                                read.location.clone(),
                            )
                            .pointer(read.pointer.clone())
                            .help("make the field required (or give it a default) in the producer's schema, or stop relying on it"),
                    };
                    if let Some(at) = schema_at {
                        report.related(at, format!("the payload schema of `{}`", event.name.value));
                    }
                }
            }
        }
    }
}
