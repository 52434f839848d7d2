use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every consumer declares how it recognises a message it has already
    /// processed: `idempotency: { key: ... }` naming a payload field or header.
    ///
    /// ## Why is this bad?
    /// Kafka and most brokers deliver at least once: a consumer that crashes after acting but
    /// before committing its offset sees the same messages again, and producers retrying a
    /// timed-out send write duplicates. A consumer that is not idempotent charges twice, ships
    /// twice, emails twice. Declaring the key documents the contract and lets contrail check
    /// that the key exists in the payload.
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
    ///     idempotency: { key: eventId }
    /// ```
    ///
    /// ## Fix
    /// Deduplicate on a stable id the producer sets once per event (`eventId`), or make the
    /// handler's effect idempotent, and declare the key.
    ///
    /// ## References
    /// - Chris Richardson, *Microservices Patterns*: Idempotent Consumer
    /// - Apache Kafka documentation: message delivery semantics
    pub struct ConsumerIdempotent {
        code: CONSUMER_IDEMPOTENT,
        category: Consumer,
        group: Group::Stable,
    }
}

impl Rule for ConsumerIdempotent {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for service in &ctx.catalog.services {
            for consume in service.consumes.iter().filter(|c| c.idempotency.is_none()) {
                out.report(
                    Subject::Service(service.name.value.clone()),
                    format!(
                        "`{}` consumes `{}` without declaring how it deduplicates redelivered messages",
                        service.name.value, consume.event.value
                    ),
                    consume.event.location.clone(),
                )
                .help("add `idempotency: { key: eventId }` (the field or header it deduplicates on)");
            }
        }
    }
}
