use contrail_contracts::model::Origin;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every event and every service has an owner: its own `owner:`, or
    /// `defaults.owner` in `contrail.yaml`. An event without one is also owned when its only
    /// producing service has an owner. Events declared in an AsyncAPI document belong to the
    /// document's service (`info.x-owner` or `info.contact.name`), which is checked instead.
    ///
    /// ## Why is this bad?
    /// When a contract breaks at 3 a.m., or a consumer needs a new field, someone has to be
    /// asked. Contracts without owners are the ones nobody dares to change or retire.
    ///
    /// ## Example
    /// ```yaml
    /// event: OrderPlaced
    /// topic: shop.orders
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// event: OrderPlaced
    /// topic: shop.orders
    /// owner: team-orders
    /// ```
    ///
    /// ## Fix
    /// Add `owner:` to the file, or `defaults: { owner: ... }` to `contrail.yaml` when one team
    /// owns the whole catalog.
    ///
    /// ## References
    /// - Backstage documentation: ownership of software catalog entities
    pub struct OwnerDeclared {
        code: OWNER_DECLARED,
        category: CrossCheck,
        group: Group::Stable,
    }
}

impl Rule for OwnerDeclared {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        if ctx.catalog.config.defaults.owner.is_some() {
            return;
        }
        for service in ctx.catalog.services.iter().filter(|s| s.owner.is_none()) {
            out.report(
                Subject::Service(service.name.value.clone()),
                format!("service `{}` has no owner", service.name.value),
                service.name.location.clone(),
            )
            .pointer(service.name.pointer.clone())
            .help(match service.origin {
                Origin::Native => "add `owner: <team>` (or `defaults.owner` in contrail.yaml)",
                Origin::AsyncApi => {
                    "add `info.x-owner: <team>` or `info.contact.name` (or `defaults.owner` in contrail.yaml)"
                }
            });
        }
        for event in ctx
            .catalog
            .events
            .iter()
            .filter(|e| e.owner.is_none() && e.origin == Origin::Native)
        {
            let name = &event.name.value;
            let mut producers = ctx.catalog.producers_of(name);
            if let (Some(producer), None) = (producers.next(), producers.next())
                && producer.owner.is_some()
            {
                continue;
            }
            out.report(
                Subject::Event(name.clone()),
                format!("event `{name}` has no owner"),
                event.name.location.clone(),
            )
            .pointer(event.name.pointer.clone())
            .help("add `owner: <team>` (or `defaults.owner` in contrail.yaml)");
        }
    }
}
