use contrail_contracts::model::Correlation;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};
use contrail_contracts::payload::{self, Found};

declare_rule! {
    /// ## What it does
    /// Checks that every event declares where its correlation id travels — `correlation:` on
    /// the event or `defaults.correlation` in `contrail.yaml` — and that it points at something
    /// real: a payload correlation (`correlation: { payload: /metadata/correlationId }`) must
    /// name a field the payload schema has, and a header correlation (`correlation: { header:
    /// correlation-id }`, or an AsyncAPI `$message.header#/correlation-id`) must name one of the
    /// event's declared `headers` when the event declares any.
    ///
    /// ## Why is this bad?
    /// One user action fans out into many events across many services. Without a correlation
    /// id carried from event to event, logs and traces of one order cannot be put back
    /// together, and an incident review stops at the first service boundary. A correlation
    /// pointer to a field that does not exist means producers silently drop it.
    ///
    /// ## Example
    /// ```yaml
    /// event: OrderPlaced
    /// correlation: { payload: /meta/correlationId }   # the schema has /metadata/correlationId
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # contrail.yaml
    /// defaults:
    ///   correlation: { header: correlation-id }
    /// ```
    ///
    /// ## Fix
    /// Declare a catalog-wide default (a header is least intrusive), or fix the payload
    /// pointer.
    ///
    /// ## References
    /// - Gregor Hohpe, Bobby Woolf, *Enterprise Integration Patterns*: Correlation Identifier
    /// - W3C Trace Context
    pub struct CorrelationIdDeclared {
        code: CORRELATION_ID_DECLARED,
        category: Envelope,
        group: Group::Stable,
    }
}

impl Rule for CorrelationIdDeclared {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for event in &ctx.catalog.events {
            let subject = Subject::Event(event.name.value.clone());
            let Some(correlation) =
                event
                    .correlation
                    .as_ref()
                    .or(ctx.catalog.config.defaults.correlation.as_ref())
            else {
                out.report(
                    subject,
                    format!("`{}` does not declare where its correlation id travels", event.name.value),
                    event.name.location.clone(),
                )
                .pointer(event.name.pointer.clone())
                .help("add `correlation: { header: correlation-id }` to the event, or `defaults.correlation` to contrail.yaml");
                continue;
            };
            if let Correlation::Header(header) = &correlation.value {
                if let Some(headers) = event.headers.as_ref().filter(|h| !h.declared.is_empty())
                    && headers.get(header).is_none()
                {
                    let declared = headers
                        .declared
                        .iter()
                        .map(|h| format!("`{}`", h.name.value))
                        .collect::<Vec<_>>()
                        .join(", ");
                    // A catalog default is reported at the event's headers: that is the
                    // file to change, and the default is right for the other events.
                    let (at, related) = if event.correlation.is_some() {
                        (
                            (correlation.location.clone(), correlation.pointer.clone()),
                            (headers.location.clone(), "the declared headers"),
                        )
                    } else {
                        (
                            (headers.location.clone(), headers.pointer.clone()),
                            (
                                correlation.location.clone(),
                                "the catalog's default correlation",
                            ),
                        )
                    };
                    out.report(
                        subject,
                        format!(
                            "the correlation id of `{}` travels in header `{header}`, but the event declares only the headers {declared}",
                            event.name.value
                        ),
                        at.0,
                    )
                    .pointer(at.1)
                    .related(related.0, related.1)
                    .help("declare the header under `headers`, or point the correlation at a declared one");
                }
                continue;
            }
            let Correlation::Payload(path) = &correlation.value else {
                continue;
            };
            let Some(version) = ctx.payload_schema(event) else {
                continue;
            };
            let found = version.resolve(&payload::segments(path));
            if let Found::Missing(segment, _) = found {
                let report = out
                    .report(
                        subject,
                        format!(
                            "the correlation id of `{}` is declared at `{path}`, but its payload has no field `{segment}`",
                            event.name.value
                        ),
                        correlation.location.clone(),
                    )
                    .pointer(correlation.pointer.clone())
                    .help("point `correlation.payload` at a field of the payload schema, or add the field");
                if let Some(at) = ctx.schema_location(event, "") {
                    report.related(at, "the payload schema");
                }
            }
        }
    }
}
