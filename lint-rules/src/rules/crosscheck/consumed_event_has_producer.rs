use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every event a service consumes is produced by some service of the catalog.
    /// Runs on catalogs (a directory with `contrail.yaml`) only: a lone AsyncAPI document
    /// describes one side of the conversation.
    ///
    /// ## Why is this bad?
    /// A consumer of an event nobody produces waits forever. Usually the producer was renamed
    /// or retired, or its contract was never added to the catalog — either way the catalog no
    /// longer describes the running system, and graphs and impact analysis built from it miss
    /// an edge.
    ///
    /// ## Example
    /// ```yaml
    /// service: payments
    /// consumes:
    ///   - event: OrderPlaced     # no service lists OrderPlaced under `produces`
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// service: orders
    /// produces:
    ///   - OrderPlaced
    /// ```
    ///
    /// ## Fix
    /// Add the producing service (or its AsyncAPI document) to the catalog, or remove the
    /// stale consumption.
    ///
    /// ## References
    /// - Gregor Hohpe, Bobby Woolf, *Enterprise Integration Patterns*: Message Channel
    pub struct ConsumedEventHasProducer {
        code: CONSUMED_EVENT_HAS_PRODUCER,
        category: CrossCheck,
        group: Group::Stable,
    }
}

impl Rule for ConsumedEventHasProducer {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        if ctx.catalog.config.file.is_none() {
            return;
        }
        for service in &ctx.catalog.services {
            for consume in &service.consumes {
                let event = &consume.event.value;
                // An undeclared event is a validation finding (CV020) already.
                if ctx.catalog.event(event).is_none()
                    || ctx.catalog.producers_of(event).next().is_some()
                {
                    continue;
                }
                out.report(
                    Subject::Service(service.name.value.clone()),
                    format!(
                        "`{}` consumes `{event}`, which no service of the catalog produces",
                        service.name.value
                    ),
                    consume.event.location.clone(),
                )
                .pointer(consume.event.pointer.clone())
                .help(format!("add the service that produces `{event}` to the catalog, or drop the consumption"));
            }
        }
    }
}
