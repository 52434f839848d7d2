use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every event a service produces is consumed by some service of the catalog,
    /// unless the event is declared `public: true` (consumed outside the catalog). Runs on
    /// catalogs (a directory with `contrail.yaml`) only.
    ///
    /// ## Why is this bad?
    /// An event nobody reads costs storage, schema upkeep and compatibility checks, and every
    /// change to it is reviewed for consumers that do not exist. More often the consumer exists
    /// but its contract is missing, so impact analysis misses it.
    ///
    /// ## Example
    /// ```yaml
    /// event: OrderArchived
    /// topic: shop.orders.archive
    /// # produced by `orders`, consumed by no service
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// event: OrderArchived
    /// topic: shop.orders.archive
    /// public: true        # read by the data warehouse, outside this catalog
    /// ```
    ///
    /// ## Fix
    /// Add the consuming service's contract, mark the event `public: true` when its readers
    /// live outside the catalog, or stop producing it.
    ///
    /// ## References
    /// - Ben Stopford, *Designing Event-Driven Systems*, ch. 4
    pub struct ProducedEventHasConsumer {
        code: PRODUCED_EVENT_HAS_CONSUMER,
        category: CrossCheck,
        group: Group::Stable,
    }
}

impl Rule for ProducedEventHasConsumer {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        if ctx.catalog.config.file.is_none() {
            return;
        }
        for event in &ctx.catalog.events {
            let name = &event.name.value;
            if event.public || ctx.catalog.consumers_of(name).next().is_some() {
                continue;
            }
            let Some(producer) = ctx.catalog.producers_of(name).next() else {
                continue;
            };
            let report = out
                .report(
                    Subject::Event(name.clone()),
                    format!("`{name}` is produced but no service of the catalog consumes it"),
                    event.name.location.clone(),
                )
                .pointer(event.name.pointer.clone())
                .help("add the consumer's contract, or declare `public: true` when it is read outside the catalog");
            if let Some(p) = producer.produces.iter().find(|p| p.event.value == *name) {
                report.related(
                    p.event.location.clone(),
                    format!("produced by `{}`", producer.name.value),
                );
            }
        }
    }
}
