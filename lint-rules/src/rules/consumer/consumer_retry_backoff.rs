use contrail_contracts::model::Backoff;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every consumer declares how it retries a message it failed to process:
    /// `retry:` with a bounded `max` number of attempts and `backoff: exponential`.
    ///
    /// ## Why is this bad?
    /// Without a retry policy a transient failure (a database restart, a rate limit) either
    /// drops the message or retries it in a tight loop. Unbounded retries block the partition
    /// forever behind one poison message; fixed or linear backoff hammers a dependency that is
    /// already struggling and makes every consumer retry in lock-step.
    ///
    /// ## Example
    /// ```yaml
    /// consumes:
    ///   - event: OrderPlaced
    ///     retry: { backoff: fixed }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// consumes:
    ///   - event: OrderPlaced
    ///     retry: { max: 8, backoff: exponential }
    ///     dead-letter: shop.orders.payments.dlq
    /// ```
    ///
    /// ## Fix
    /// Retry a bounded number of times with exponential backoff (plus jitter in the client),
    /// then hand the message to the dead-letter topic.
    ///
    /// ## References
    /// - AWS Architecture Blog, "Exponential Backoff And Jitter"
    /// - Confluent, "Error handling patterns for Apache Kafka applications"
    pub struct ConsumerRetryBackoff {
        code: CONSUMER_RETRY_BACKOFF,
        category: Consumer,
        group: Group::Stable,
    }
}

impl Rule for ConsumerRetryBackoff {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for service in &ctx.catalog.services {
            let name = &service.name.value;
            for consume in &service.consumes {
                let subject = Subject::Service(name.clone());
                let event = &consume.event.value;
                let Some(retry) = &consume.retry else {
                    out.report(
                        subject,
                        format!("`{name}` consumes `{event}` without a retry policy"),
                        consume.event.location.clone(),
                    )
                    .help("add `retry: { max: 5, backoff: exponential }`");
                    continue;
                };
                if retry.max_attempts.is_none() {
                    out.report(
                        subject.clone(),
                        format!("`{name}` retries `{event}` without a bound on attempts"),
                        retry.location.clone(),
                    )
                    .pointer(retry.pointer.clone())
                    .help("add `max: <attempts>` so a poison message ends in the dead-letter topic instead of blocking the partition");
                }
                match &retry.backoff {
                    Some(backoff) if backoff.value == Backoff::Exponential => {}
                    Some(backoff) => {
                        out.report(
                            subject,
                            format!(
                                "`{name}` retries `{event}` with {} backoff",
                                backoff.value
                            ),
                            backoff.location.clone(),
                        )
                        .pointer(backoff.pointer.clone())
                        .help("use `backoff: exponential` so retries back off from a struggling dependency");
                    }
                    None => {
                        out.report(
                            subject,
                            format!("`{name}` retries `{event}` without declaring a backoff"),
                            retry.location.clone(),
                        )
                        .pointer(retry.pointer.clone())
                        .help("add `backoff: exponential`");
                    }
                }
            }
        }
    }
}
