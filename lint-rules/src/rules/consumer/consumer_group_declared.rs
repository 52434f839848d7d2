use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every consumer names its consumer group (`group:` in a service file, the
    /// Kafka binding's `groupId` in AsyncAPI).
    ///
    /// ## Why is this bad?
    /// The consumer group is the unit Kafka tracks offsets and balances partitions for. Two
    /// deployments that pick their group at random each process every message; a group shared
    /// by accident splits the messages between unrelated services. Operators also need the
    /// group to find a consumer's lag and to reset its offsets.
    ///
    /// ## Example
    /// ```yaml
    /// consumes:
    ///   - event: OrderPlaced
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// consumes:
    ///   - event: OrderPlaced
    ///     group: payments
    /// ```
    ///
    /// ## Fix
    /// Declare a stable group id, usually the service's name.
    ///
    /// ## References
    /// - Apache Kafka documentation: consumer groups and `group.id`
    pub struct ConsumerGroupDeclared {
        code: CONSUMER_GROUP_DECLARED,
        category: Consumer,
        group: Group::Stable,
    }
}

impl Rule for ConsumerGroupDeclared {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for service in &ctx.catalog.services {
            for consume in service.consumes.iter().filter(|c| c.group.is_none()) {
                out.report(
                    Subject::Service(service.name.value.clone()),
                    format!(
                        "`{}` consumes `{}` without naming its consumer group",
                        service.name.value, consume.event.value
                    ),
                    consume.event.location.clone(),
                )
                .pointer(consume.event.pointer.clone())
                .help(format!(
                    "add `group: {}` (a stable id Kafka tracks offsets under)",
                    service.name.value
                ));
            }
        }
    }
}
