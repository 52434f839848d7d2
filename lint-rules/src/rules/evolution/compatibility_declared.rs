use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every event with a payload schema has a compatibility mode: its own
    /// `compatibility:` or `defaults.compatibility` in `contrail.yaml`.
    ///
    /// ## Why is this bad?
    /// Without a declared mode, `contrail check` and the registry fall back to Confluent's
    /// default (`BACKWARD`), which nobody chose: it lets producers remove fields consumers
    /// still read, and it is not transitive. The mode is the promise producers make to
    /// consumers about change; it should be written down.
    ///
    /// ## Example
    /// ```yaml
    /// event: OrderPlaced
    /// schema: ../schemas/order-placed.avsc
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # contrail.yaml
    /// defaults:
    ///   compatibility: BACKWARD_TRANSITIVE
    /// ```
    ///
    /// ## Fix
    /// Set `defaults.compatibility` for the catalog and override it on events that need
    /// another mode.
    ///
    /// ## References
    /// - Confluent documentation: schema evolution and compatibility types
    pub struct CompatibilityDeclared {
        code: COMPATIBILITY_DECLARED,
        category: Evolution,
        group: Group::Stable,
    }
}

impl Rule for CompatibilityDeclared {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        if ctx.catalog.config.defaults.compatibility.is_some() {
            return;
        }
        for event in ctx
            .catalog
            .events
            .iter()
            .filter(|e| e.compatibility.is_none() && e.schema.is_some())
        {
            out.report(
                Subject::Event(event.name.value.clone()),
                format!(
                    "`{}` declares no compatibility mode; BACKWARD applies by default",
                    event.name.value
                ),
                event.name.location.clone(),
            )
            .pointer(event.name.pointer.clone())
            .help("add `compatibility: BACKWARD_TRANSITIVE` (or set `defaults.compatibility` in contrail.yaml)");
        }
    }
}
