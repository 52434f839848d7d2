use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that each event is produced by one service.
    ///
    /// ## Why is this bad?
    /// An event is a fact owned by the service that knows it. Two producers of `OrderPlaced`
    /// mean two sources of truth: their schemas drift apart, ordering across them is undefined
    /// (two producers do not share a partitioner's view of the key), and no one team can change
    /// the contract.
    ///
    /// ## Example
    /// ```yaml
    /// service: web-shop
    /// produces: [OrderPlaced]
    /// ---
    /// service: phone-orders
    /// produces: [OrderPlaced]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: orders
    /// produces: [OrderPlaced]      # web-shop and phone-orders send PlaceOrder commands to it
    /// ```
    ///
    /// ## Fix
    /// Make one service the owner of the fact; other services send it a command, or publish
    /// their own, differently named events.
    ///
    /// ## References
    /// - Vaughn Vernon, *Implementing Domain-Driven Design*, ch. 8 (domain events)
    /// - Ben Stopford, *Designing Event-Driven Systems*: the single writer principle
    pub struct SingleProducerPerEvent {
        code: SINGLE_PRODUCER_PER_EVENT,
        category: CrossCheck,
        group: Group::Stable,
    }
}

impl Rule for SingleProducerPerEvent {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for event in &ctx.catalog.events {
            let name = &event.name.value;
            let mut producers = Vec::new();
            for service in ctx.catalog.producers_of(name) {
                if producers
                    .iter()
                    .any(|(s, _): &(&str, _)| *s == service.name.value)
                {
                    continue;
                }
                if let Some(p) = service.produces.iter().find(|p| p.event.value == *name) {
                    producers.push((service.name.value.as_str(), p));
                }
            }
            let Some(((first, first_at), rest)) = producers.split_first() else {
                continue;
            };
            for (service, produce) in rest {
                out.report(
                    Subject::Event(name.clone()),
                    format!("`{name}` is produced by `{service}` and also by `{first}`"),
                    produce.event.location.clone(),
                )
                .pointer(produce.event.pointer.clone())
                .related(first_at.event.location.clone(), format!("`{first}` produces it here"))
                .help("let one service own the fact; others send it a command or publish their own event");
            }
        }
    }
}
