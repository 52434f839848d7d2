use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

/// More consuming services than this is reported.
pub const BUDGET: usize = 10;

declare_rule! {
    /// ## What it does
    /// Checks that no event is consumed by more than 10 services of the catalog (distinct
    /// services; several consumptions by one service count once).
    ///
    /// ## Why is this bad?
    /// Every consumer is a party to the event's contract. Past a handful, no schema change
    /// can be coordinated, every producer incident becomes everyone's incident, and the event
    /// has usually become a shared database in disguise — consumers depend on its internals
    /// rather than on one fact.
    ///
    /// ## Example
    /// `CustomerUpdated` consumed by 14 services, each reading different fields.
    ///
    /// Use instead: split it into smaller facts (`CustomerAddressChanged`,
    /// `CustomerEmailVerified`), or publish a public integration event and keep the rich one
    /// inside its context.
    ///
    /// ## Fix
    /// Look at what each consumer `reads`; group consumers by the fields they need and give
    /// each group an event of its own.
    ///
    /// ## References
    /// - Ben Stopford, *Designing Event-Driven Systems*, ch. 8 (sharing data and services)
    /// - Vaughn Vernon, *Implementing Domain-Driven Design*: integration events
    pub struct FanOutBudget {
        code: FAN_OUT_BUDGET,
        category: Topology,
        group: Group::Preview,
    }
}

impl Rule for FanOutBudget {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for event in &ctx.catalog.events {
            let name = &event.name.value;
            let mut consumers: Vec<&str> = ctx
                .catalog
                .consumers_of(name)
                .map(|(s, _)| s.name.value.as_str())
                .collect();
            consumers.sort_unstable();
            consumers.dedup();
            if consumers.len() <= BUDGET {
                continue;
            }
            out.report(
                Subject::Event(name.clone()),
                format!(
                    "`{name}` is consumed by {} services (budget {BUDGET}): {}",
                    consumers.len(),
                    consumers.join(", ")
                ),
                event.name.location.clone(),
            )
            .pointer(event.name.pointer.clone())
            .help("split the event into smaller facts, grouped by what each consumer reads");
        }
    }
}
