use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every consumer names a dead-letter topic for messages it cannot process.
    ///
    /// ## Why is this bad?
    /// A message that fails every retry (a poison message: malformed, or hitting a bug) either
    /// blocks its partition forever — everything behind it waits — or is silently skipped and
    /// lost. A dead-letter topic keeps the partition moving and the message available for
    /// inspection and replay.
    ///
    /// ## Example
    /// ```yaml
    /// consumes:
    ///   - event: OrderPlaced
    ///     group: payments
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// consumes:
    ///   - event: OrderPlaced
    ///     group: payments
    ///     dead-letter: shop.orders.payments.dlq
    /// ```
    ///
    /// ## Fix
    /// Route messages that exhaust their retries to a dead-letter topic (one per consumer group
    /// keeps ownership clear) and declare it.
    ///
    /// ## References
    /// - Gregor Hohpe, Bobby Woolf, *Enterprise Integration Patterns*: Dead Letter Channel
    /// - Confluent, "Error handling patterns for Apache Kafka applications"
    pub struct ConsumerDeadLetter {
        code: CONSUMER_DEAD_LETTER,
        category: Consumer,
        group: Group::Stable,
    }
}

impl Rule for ConsumerDeadLetter {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for service in &ctx.catalog.services {
            for consume in service.consumes.iter().filter(|c| c.dead_letter.is_none()) {
                out.report(
                    Subject::Service(service.name.value.clone()),
                    format!(
                        "`{}` consumes `{}` with no dead-letter topic for messages it cannot process",
                        service.name.value, consume.event.value
                    ),
                    consume.event.location.clone(),
                )
                .help("add `dead-letter: <topic>` so poison messages neither block the partition nor get lost");
            }
        }
    }
}
