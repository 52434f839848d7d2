use crate::context::{Context, normalized};
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that events produced in reaction to other events carry a causation id: when a
    /// service that consumes events produces this one, its payload should have a field named
    /// like `causationId`, `causedBy` or `triggeredBy` (any casing) holding the id of the
    /// event that caused it. Events whose payload fields cannot be read are skipped.
    ///
    /// ## Why is this bad?
    /// A correlation id groups everything one request caused; a causation id says which event
    /// directly caused which, so the chain `OrderPlaced → PaymentProcessed →
    /// InventoryReserved` can be rebuilt, loops detected and a bad reaction traced to its
    /// trigger.
    ///
    /// ## Example
    /// ```yaml
    /// service: payments
    /// consumes: [{ event: OrderPlaced }]
    /// produces: [PaymentProcessed]     # its payload has no causation id
    /// ```
    ///
    /// Use instead: add `causationId` (the `eventId` of the `OrderPlaced` that was handled) to
    /// the `PaymentProcessed` schema.
    ///
    /// ## Fix
    /// Add a `causationId` field and set it from the id of the consumed event.
    ///
    /// ## References
    /// - Greg Young, "Correlation and causation ids" (event sourcing)
    /// - Gregor Hohpe, Bobby Woolf, *Enterprise Integration Patterns*: Correlation Identifier
    pub struct CausationIdDeclared {
        code: CAUSATION_ID_DECLARED,
        category: Envelope,
        group: Group::Preview,
    }
}

fn is_causation(name: &str) -> bool {
    let n = normalized(name);
    n.contains("causation")
        || ["causedby", "triggeredby", "parenteventid", "causeid"].contains(&n.as_str())
}

impl Rule for CausationIdDeclared {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for event in &ctx.catalog.events {
            let name = &event.name.value;
            let Some(reactor) = ctx
                .catalog
                .producers_of(name)
                .find(|s| !s.consumes.is_empty())
            else {
                continue;
            };
            if ctx.has_field(event, is_causation) != Some(false) {
                continue;
            }
            let Some(location) = ctx.payload_location(event) else {
                continue;
            };
            out.report(
                Subject::Event(name.clone()),
                format!(
                    "`{name}` is produced by `{}`, which reacts to `{}`, but its payload has no causation id",
                    reactor.name.value, reactor.consumes[0].event.value
                ),
                location,
            )
            .related(event.name.location.clone(), "the event is declared here")
            .help("add a `causationId` field holding the id of the event that caused this one");
        }
    }
}
