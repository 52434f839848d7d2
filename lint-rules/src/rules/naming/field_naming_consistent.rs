use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that the top-level payload fields of all events in the catalog use one casing,
    /// camelCase (`orderId`) or snake_case (`order_id`). The casing most fields use is the
    /// convention (on a tie, the casing of the first such field); fields in the other casing,
    /// or in neither (`OrderId`, `order-id`), are reported. One-word lowercase names (`id`,
    /// `total`) fit both; names starting with `$` or `_` are left alone. Protobuf fields are
    /// left to PROTO_FIELD_LOWER_SNAKE_CASE: Protobuf's convention is lower_snake_case
    /// whatever the other payloads use, and its JSON form is camelCase.
    ///
    /// ## Why is this bad?
    /// Consumers join, map and copy fields across events. `customerId` in one event and
    /// `customer_id` in the next means per-event mapping code, generated classes with mixed
    /// conventions, and queries over the data lake that need to know which event spelled what.
    ///
    /// ## Example
    /// ```json
    /// { "type": "record", "name": "OrderShipped",
    ///   "fields": [ { "name": "order_id", "type": "string" } ] }
    /// ```
    /// while every other event writes `orderId`.
    ///
    /// Use instead:
    /// ```json
    /// { "type": "record", "name": "OrderShipped",
    ///   "fields": [ { "name": "orderId", "type": "string" } ] }
    /// ```
    ///
    /// ## Fix
    /// Rename the field in a compatible way: add the new name (Avro: with the old one as an
    /// alias), migrate consumers, then drop the old name.
    ///
    /// ## References
    /// - Google JSON Style Guide: property names
    /// - Confluent, "Best practices for schema design"
    pub struct FieldNamingConsistent {
        code: FIELD_NAMING_CONSISTENT,
        category: Naming,
        group: Group::Stable,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Casing {
    /// One lowercase word: fits either convention.
    Either,
    Camel,
    Snake,
    Other,
}

impl Casing {
    fn of(name: &str) -> Casing {
        let lowercase_start = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let upper = name.chars().any(|c| c.is_ascii_uppercase());
        let underscore = name.contains('_');
        let plain = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        match (lowercase_start && plain, upper, underscore) {
            (true, false, false) => Casing::Either,
            (true, true, false) => Casing::Camel,
            (true, false, true) => Casing::Snake,
            _ => Casing::Other,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Casing::Camel => "camelCase",
            Casing::Snake => "snake_case",
            Casing::Either | Casing::Other => "another casing",
        }
    }
}

impl Rule for FieldNamingConsistent {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        let mut fields = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for event in &ctx.catalog.events {
            let Some(id) = event.schema.as_ref().and_then(|s| s.id) else {
                continue;
            };
            if !seen.insert(id) {
                continue;
            }
            for field in ctx.payload_field_facts(event).unwrap_or_default() {
                if field.name.starts_with(['$', '_']) {
                    continue;
                }
                fields.push((event, Casing::of(field.name), field));
            }
        }
        let camel = fields.iter().filter(|f| f.1 == Casing::Camel).count();
        let snake = fields.iter().filter(|f| f.1 == Casing::Snake).count();
        let first = fields
            .iter()
            .map(|f| f.1)
            .find(|c| matches!(c, Casing::Camel | Casing::Snake));
        let convention = match camel.cmp(&snake) {
            std::cmp::Ordering::Greater => Casing::Camel,
            std::cmp::Ordering::Less => Casing::Snake,
            std::cmp::Ordering::Equal => match first {
                Some(c) => c,
                None => return,
            },
        };
        let majority = camel.max(snake);
        for (event, casing, field) in &fields {
            if *casing == convention || *casing == Casing::Either {
                continue;
            }
            let pointer = field.pointer();
            let Some(location) = ctx.schema_location(event, &pointer) else {
                continue;
            };
            out.report(
                Subject::Event(event.name.value.clone()),
                format!(
                    "payload field `{}` of `{}` is {}, but {majority} fields in the catalog are {}",
                    field.name,
                    event.name.value,
                    casing.name(),
                    convention.name()
                ),
                location,
            )
            .pointer(pointer)
            .help(format!(
                "rename it to `{}` (keep the old name as an alias while consumers migrate)",
                convert(field.name, convention)
            ));
        }
    }
}

/// `name` in `casing`.
fn convert(name: &str, casing: Casing) -> String {
    let words = crate::context::words(name);
    match casing {
        Casing::Snake => words.join("_"),
        _ => words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == 0 {
                    w.clone()
                } else {
                    let mut chars = w.chars();
                    chars
                        .next()
                        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casings() {
        assert_eq!(Casing::of("orderId"), Casing::Camel);
        assert_eq!(Casing::of("order_id"), Casing::Snake);
        assert_eq!(Casing::of("id"), Casing::Either);
        assert_eq!(Casing::of("OrderId"), Casing::Other);
        assert_eq!(Casing::of("order-id"), Casing::Other);
        assert_eq!(convert("order_id", Casing::Camel), "orderId");
        assert_eq!(convert("orderId", Casing::Snake), "order_id");
        assert_eq!(convert("OrderId", Casing::Camel), "orderId");
    }
}
