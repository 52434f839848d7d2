use contrail_contracts::model::Headers;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that trace context can travel with every event whose headers are a closed set:
    /// when an event declares its Kafka headers as a closed schema (`additionalProperties:
    /// false`, natively or in an AsyncAPI message `headers`), the schema must allow the W3C
    /// Trace Context headers `traceparent` and `tracestate`. Events that declare no headers,
    /// or list them without closing the set, are not reported: nothing in them forbids the
    /// headers a tracing library adds.
    ///
    /// ## Why is this bad?
    /// OpenTelemetry's Kafka instrumentation (and every W3C Trace Context propagator) carries
    /// the trace of the producing request to the consumers in the record headers `traceparent`
    /// and `tracestate`. A contract that forbids other headers says producers must strip them,
    /// or that consumers and gateways validating headers reject the record: either way the
    /// trace breaks at this topic, and the consumer's work shows up as a new, unrelated trace.
    /// `tracestate` carries vendor data that W3C Trace Context requires participants to pass on
    /// unchanged, so allowing `traceparent` alone still loses it.
    ///
    /// ## Example
    /// ```yaml
    /// event: OrderPlaced
    /// headers:
    ///   type: object
    ///   additionalProperties: false
    ///   properties:
    ///     correlation-id: { type: string }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// event: OrderPlaced
    /// headers:
    ///   type: object
    ///   additionalProperties: false
    ///   properties:
    ///     correlation-id: { type: string }
    ///     traceparent: { type: string, description: W3C Trace Context }
    ///     tracestate: { type: string }
    /// ```
    ///
    /// ## Fix
    /// Add `traceparent` and `tracestate` to the headers schema, or leave the set open.
    ///
    /// ## References
    /// - W3C Recommendation, *Trace Context* (the `traceparent` and `tracestate` fields)
    /// - OpenTelemetry semantic conventions for Kafka (context propagation through record headers)
    pub struct TraceparentAllowed {
        code: TRACEPARENT_ALLOWED,
        category: Envelope,
        group: Group::Stable,
    }
}

/// The W3C Trace Context headers. Header names are compared without case: HTTP treats them so,
/// and a propagator writing `traceparent` would not care about a contract's `TraceParent`.
const TRACE_HEADERS: [&str; 2] = ["traceparent", "tracestate"];

fn allows(headers: &Headers, name: &str) -> bool {
    headers
        .declared
        .iter()
        .any(|h| h.name.value.eq_ignore_ascii_case(name))
}

impl Rule for TraceparentAllowed {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for event in &ctx.catalog.events {
            let Some(headers) = event.headers.as_ref().filter(|h| h.closed) else {
                continue;
            };
            let missing: Vec<&str> = TRACE_HEADERS
                .into_iter()
                .filter(|name| !allows(headers, name))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            out.report(
                Subject::Event(event.name.value.clone()),
                format!(
                    "the headers of `{}` are a closed set without {list}: trace context cannot travel with it",
                    event.name.value
                ),
                headers.location.clone(),
            )
            .pointer(headers.pointer.clone())
            .help(format!(
                "add {list} to the headers schema (W3C Trace Context), or drop `additionalProperties: false`"
            ));
        }
    }
}
