use contrail_contracts::model::EventKind;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that an event's name states a fact in the past tense — `OrderPlaced`,
    /// `PaymentCaptured` — rather than a command (`PlaceOrder`) or a noun (`Order`). Events of
    /// `kind: command` are left to `COMMAND_NAME_IMPERATIVE`.
    ///
    /// ## Why is this bad?
    /// An event records something that already happened; any number of consumers react to it
    /// in their own way. A name like `SendInvoice` reads as an instruction to one receiver,
    /// which invites consumers to treat it as a command (and producers to expect a reply), and
    /// hides the fact the system actually knows. Past-tense names keep producers unaware of
    /// their consumers.
    ///
    /// ## Example
    /// ```yaml
    /// event: ShipOrder
    /// kind: domain
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// event: OrderShipped
    /// kind: domain
    /// ```
    ///
    /// ## Fix
    /// Rename the event to the fact it records (subject + past participle). If it really asks
    /// one service to act, declare it `kind: command`.
    ///
    /// ## References
    /// - Martin Fowler, "What do you mean by 'Event-Driven'?"
    /// - Gregor Hohpe, Bobby Woolf, *Enterprise Integration Patterns*: Event Message vs Command Message
    pub struct EventNamePastTense {
        code: EVENT_NAME_PAST_TENSE,
        category: Naming,
        group: Group::Stable,
    }
}

impl Rule for EventNamePastTense {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for event in &ctx.catalog.events {
            if event
                .kind
                .as_ref()
                .is_some_and(|k| k.value == EventKind::Command)
            {
                continue;
            }
            let name = &event.name.value;
            if is_past_tense(name) {
                continue;
            }
            out.report(
                Subject::Event(name.clone()),
                format!("event `{name}` is not named as a past-tense fact"),
                event.name.location.clone(),
            )
            .help("name events after what happened (`OrderPlaced`, `PaymentCaptured`); declare `kind: command` if it asks one service to act");
        }
    }
}

/// Irregular past participles common in event names.
const IRREGULAR: &[&str] = &[
    "arisen",
    "beaten",
    "begun",
    "bent",
    "bought",
    "broken",
    "brought",
    "built",
    "caught",
    "chosen",
    "cut",
    "dealt",
    "done",
    "drawn",
    "driven",
    "eaten",
    "fallen",
    "felt",
    "forbidden",
    "forgotten",
    "found",
    "frozen",
    "given",
    "gone",
    "held",
    "hidden",
    "hit",
    "hung",
    "kept",
    "known",
    "laid",
    "led",
    "left",
    "lent",
    "lost",
    "made",
    "meant",
    "met",
    "overridden",
    "paid",
    "put",
    "quit",
    "read",
    "rebuilt",
    "reset",
    "rewritten",
    "ridden",
    "risen",
    "run",
    "said",
    "seen",
    "sent",
    "set",
    "shown",
    "shut",
    "sold",
    "spent",
    "split",
    "spoken",
    "spun",
    "stolen",
    "struck",
    "swept",
    "taken",
    "taught",
    "thrown",
    "told",
    "torn",
    "understood",
    "undone",
    "upheld",
    "withdrawn",
    "woken",
    "won",
    "written",
    "bound",
    "wound",
    "sat",
    "stood",
    "struck",
    "sunk",
    "slept",
    "fed",
    "fled",
    "forgiven",
    "ground",
    "proven",
    "sworn",
    "shed",
    "upset",
    "withheld",
];

/// Whether the last word of a PascalCase, camelCase, snake_case or dotted name is a past
/// participle (`…ed` or irregular).
pub(crate) fn is_past_tense(name: &str) -> bool {
    let Some(last) = last_word(name) else {
        return false;
    };
    let mut word = last.to_ascii_lowercase();
    // Phrasal verbs: `UserSignedUp`, `DeviceCheckedIn`.
    if PARTICLES.contains(&word.as_str()) {
        let before = &name[..name.len().saturating_sub(last.len())];
        match last_word(before) {
            Some(previous) => word = previous.to_ascii_lowercase(),
            None => return false,
        }
    }
    // `…eed` words are mostly present tense (`Feed`, `Proceed`, `Succeed`), with a few
    // participles of verbs ending in `-ee`.
    if word.ends_with("eed") {
        return [
            "agreed",
            "freed",
            "guaranteed",
            "decreed",
            "refereed",
            "disagreed",
        ]
        .contains(&word.as_str());
    }
    (word.len() > 3 && word.ends_with("ed")) || IRREGULAR.contains(&word.as_str())
}

const PARTICLES: &[&str] = &[
    "up", "in", "out", "off", "on", "over", "back", "down", "away", "through",
];

/// The last word of a name in any common casing.
pub(crate) fn last_word(name: &str) -> Option<String> {
    let tail = name
        .rsplit(['.', '_', '-', ' ', '/', ':'])
        .find(|s| !s.is_empty())?;
    let mut start = 0;
    let chars: Vec<char> = tail.chars().collect();
    for i in 1..chars.len() {
        if chars[i].is_uppercase() && !chars[i - 1].is_uppercase() {
            start = i;
        }
    }
    let word: String = chars[start..].iter().collect();
    // A trailing version suffix (`OrderPlacedV2`) is not the verb.
    let trimmed = word.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed.len() <= 1 && start > 0 {
        return last_word(&chars[..start].iter().collect::<String>());
    }
    Some(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_tense_names() {
        for name in [
            "OrderPlaced",
            "PaymentProcessed",
            "order.shipped",
            "commentLiked",
            "UserSignedUp",
            "InvoicePaid",
            "OrderPlacedV2",
            "lightMeasured",
            "item_sold",
        ] {
            assert!(is_past_tense(name), "{name}");
        }
        for name in [
            "PlaceOrder",
            "Order",
            "ShipOrder",
            "turnOnOff",
            "SendInvoice",
            "OrderStatus",
            "Feed",
        ] {
            assert!(!is_past_tense(name), "{name}");
        }
    }
}
