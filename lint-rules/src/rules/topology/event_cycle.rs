use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Finds cycles in the event flow: service A consumes `X` and produces `Y`, service B
    /// consumes `Y` and produces `X`, and so on round (a service consuming and producing the
    /// same event is a cycle of one). Each cycle — each strongly connected component of the
    /// graph whose nodes are events and whose edges run from what a service consumes to what
    /// it produces — is reported once, with one loop through it spelled out.
    ///
    /// The graph assumes a service may produce any of its events in reaction to any event it
    /// consumes; a service that starts a flow and also consumes its outcome (orders produces
    /// `OrderPlaced` and consumes `OrderShipped`) closes a loop the code may not have. That is
    /// why the rule is in preview.
    ///
    /// ## Why is this bad?
    /// A cycle in the event flow can turn one message into an endless storm: each service
    /// reacts to the other's output, and a bug or a replay on either side loops forever,
    /// filling topics and downstream stores. Even when a condition breaks the loop, the
    /// services are coupled both ways and can no longer be deployed or reasoned about alone.
    ///
    /// ## Example
    /// ```yaml
    /// service: pricing
    /// consumes: [{ event: StockChanged }]
    /// produces: [PriceChanged]
    /// ---
    /// service: inventory
    /// consumes: [{ event: PriceChanged }]
    /// produces: [StockChanged]
    /// ```
    ///
    /// Use instead: break the loop — one side reads the other's state by query, or the two
    /// reactions merge into one service.
    ///
    /// ## Fix
    /// Check that the loop terminates (a condition no replay can violate); otherwise break it.
    /// If the services do not really produce in reaction to the consumed event, silence the
    /// finding with an `ignore:` entry.
    ///
    /// ## References
    /// - Robert Tarjan, "Depth-first search and linear graph algorithms" (1972)
    /// - Ben Stopford, *Designing Event-Driven Systems*, ch. 5 (event collaboration)
    pub struct EventCycle {
        code: EVENT_CYCLE,
        category: Topology,
        group: Group::Preview,
    }
}

impl Rule for EventCycle {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        let catalog = ctx.catalog;
        let graph = catalog.graph();
        let name = |event| graph.node(event).name.as_str();
        for cycle in graph.cycles() {
            let start = name(cycle.start);
            let mut chain = start.to_owned();
            for step in &cycle.steps {
                chain.push_str(&format!(
                    " → ({}) → {}",
                    catalog.services[step.via].name.value,
                    name(step.to)
                ));
            }
            let mut members: Vec<&str> = cycle.members.iter().map(|&e| name(e)).collect();
            members.sort_unstable();
            let location = catalog
                .event(start)
                .map(|e| e.name.location.clone())
                .or_else(|| {
                    cycle.steps.first().and_then(|step| {
                        catalog.services[step.via]
                            .consumes
                            .iter()
                            .find(|c| c.event.value == start)
                            .map(|c| c.event.location.clone())
                    })
                });
            let Some(location) = location else {
                continue;
            };
            let mut report = out
                .report(
                    Subject::Event(start.to_owned()),
                    format!("the event flow has a cycle: {chain}"),
                    location,
                )
                .help(format!(
                    "make sure the loop through {} terminates, or break it",
                    members
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            for step in &cycle.steps {
                let service = &catalog.services[step.via];
                let to = name(step.to);
                if let Some(p) = service.produces.iter().find(|p| p.event.value == to) {
                    report = report.related(
                        p.event.location.clone(),
                        format!("`{}` produces `{to}`", service.name.value),
                    );
                }
            }
        }
    }
}
