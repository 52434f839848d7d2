use contrail_contracts::model::Retention;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that events on replayable or compacted topics use a transitive compatibility
    /// mode (`BACKWARD_TRANSITIVE`, `FORWARD_TRANSITIVE` or `FULL_TRANSITIVE`).
    ///
    /// ## Why is this bad?
    /// A non-transitive mode only compares a new schema with the latest version. Consumers of a
    /// replayable topic (event sourcing, a new consumer reading from the beginning, a compacted
    /// topic holding the latest record per key forever) read data written with *every* earlier
    /// version. Versions 1→2 and 2→3 can each be compatible while 3 cannot read 1.
    ///
    /// ## Example
    /// ```yaml
    /// event: OrderPlaced
    /// retention: replayable
    /// compatibility: BACKWARD
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// event: OrderPlaced
    /// retention: replayable
    /// compatibility: BACKWARD_TRANSITIVE
    /// ```
    ///
    /// ## Fix
    /// Use the transitive variant of the mode (and keep the registry's subject config in step).
    ///
    /// ## References
    /// - Confluent documentation: schema evolution and compatibility types
    pub struct ReplayableNeedsTransitive {
        code: REPLAYABLE_NEEDS_TRANSITIVE,
        category: Evolution,
        group: Group::Stable,
    }
}

impl Rule for ReplayableNeedsTransitive {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for event in &ctx.catalog.events {
            let Some(retention) = &event.retention else {
                continue;
            };
            if retention.value == Retention::Ephemeral {
                continue;
            }
            let mode = contrail_contracts::compat::evolution::mode_of(ctx.catalog, event);
            if mode.is_transitive()
                || mode == contrail_contracts::model::CompatibilityMode::None
                    && event.compatibility.is_some()
            {
                continue;
            }
            let location = event
                .compatibility
                .as_ref()
                .map_or_else(|| retention.location.clone(), |c| c.location.clone());
            out.report(
                Subject::Event(event.name.value.clone()),
                format!(
                    "`{}` is {} but checked with {mode}, which compares only with the latest version",
                    event.name.value, retention.value
                ),
                location,
            )
            .help(format!("use `compatibility: {mode}_TRANSITIVE` so every version ever written stays readable"));
        }
    }
}
