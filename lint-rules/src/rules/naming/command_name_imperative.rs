use contrail_contracts::model::EventKind;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};
use crate::rules::naming::event_name_past_tense::is_past_tense;

declare_rule! {
    /// ## What it does
    /// Checks that events of `kind: command` are named as an instruction — verb first,
    /// `ShipOrder`, `CapturePayment` — and not as a past-tense fact (`OrderShipped`).
    ///
    /// ## Why is this bad?
    /// A command asks one receiver to act and may be refused; an event states what already
    /// happened. A command named like a fact (`PaymentCaptured` with `kind: command`) tells
    /// readers the payment is captured when it has only been requested, and invites other
    /// services to subscribe to it as if it were a fact.
    ///
    /// ## Example
    /// ```yaml
    /// event: OrderShipped
    /// kind: command
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// event: ShipOrder
    /// kind: command
    /// ```
    ///
    /// ## Fix
    /// Rename the command to the action it requests (verb + object). If it records something
    /// that happened, it is an event: change its `kind`.
    ///
    /// ## References
    /// - Gregor Hohpe, Bobby Woolf, *Enterprise Integration Patterns*: Command Message
    /// - Martin Fowler, "What do you mean by 'Event-Driven'?"
    pub struct CommandNameImperative {
        code: COMMAND_NAME_IMPERATIVE,
        category: Naming,
        group: Group::Stable,
    }
}

impl Rule for CommandNameImperative {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for event in &ctx.catalog.events {
            if event
                .kind
                .as_ref()
                .is_none_or(|k| k.value != EventKind::Command)
            {
                continue;
            }
            let name = &event.name.value;
            if !is_past_tense(name) {
                continue;
            }
            out.report(
                Subject::Event(name.clone()),
                format!("command `{name}` is named as a past-tense fact"),
                event.name.location.clone(),
            )
            .pointer(event.name.pointer.clone())
            .help("name commands after the action they request (`ShipOrder`); if it records what happened, it is not `kind: command`");
        }
    }
}
