use crate::context::{Context, words};
use crate::declare_rule;
use crate::protobuf::name_path;
use crate::rule::{Findings, Group, Rule, RuleInfo};
use crate::rules::schema::proto_enum_zero_value_unspecified::short_name;

declare_rule! {
    /// ## What it does
    /// Checks that every field of a Protobuf payload is named in lower_snake_case
    /// (`order_id`, `line2_total`): lowercase letters, digits and single underscores between
    /// words, starting with a letter. Messages defined in the event's own `.proto` file are
    /// checked, nested ones included.
    ///
    /// Protobuf has its own convention, whatever the catalog's Avro and JSON Schema payloads
    /// use: the code generators turn `order_id` into each language's casing, and the JSON
    /// form of the message uses `orderId`. FIELD_NAMING_CONSISTENT therefore leaves Protobuf
    /// fields to this rule.
    ///
    /// ## Why is this bad?
    /// Every Protobuf tool assumes lower_snake_case: generators map `order_id` to each
    /// language's casing (`getOrderId()` in Java, `order_id` in Python, `OrderId` in Go), and
    /// the JSON form derives `orderId` from it. A camelCase field comes out differently per
    /// generator (Python keeps `orderId`, C++ lowercases it to `orderid()`), so consumers in
    /// different languages see different names for the same field, next to the conventional
    /// names of every well-known and shared message they also use.
    ///
    /// ## Example
    /// ```proto
    /// message OrderPlaced {
    ///   string orderId = 1;
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```proto
    /// message OrderPlaced {
    ///   string order_id = 1;
    /// }
    /// ```
    ///
    /// ## Fix
    /// Rename the field. The binary encoding knows only its number, and protobuf's JSON form
    /// names `order_id` `orderId` as it named `orderId`, so readers of either form are
    /// unaffected; code using the generated accessors follows the new name when regenerated.
    ///
    /// ## References
    /// - Protocol Buffers, "Style Guide": field names
    /// - Buf lint rule FIELD_LOWER_SNAKE_CASE
    pub struct ProtoFieldLowerSnakeCase {
        code: PROTO_FIELD_LOWER_SNAKE_CASE,
        category: Naming,
        group: Group::Stable,
    }
}

impl Rule for ProtoFieldLowerSnakeCase {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for file in ctx.protobuf_files() {
            for message in file.messages() {
                for field in message.fields() {
                    if is_lower_snake_case(field.name()) {
                        continue;
                    }
                    out.report(
                        file.subject(),
                        format!(
                            "field `{}` of `{}` is not lower_snake_case",
                            field.name(),
                            short_name(message.full_name(), message.package_name())
                        ),
                        file.location(&name_path(field.path())),
                    )
                    .help(format!(
                        "rename it to `{}`; the binary encoding keeps only its number",
                        words(field.name()).join("_")
                    ));
                }
            }
        }
    }
}

/// A lowercase letter, then lowercase letters and digits in words joined by single
/// underscores.
fn is_lower_snake_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.split('_').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::is_lower_snake_case;

    #[test]
    fn lower_snake_case_names() {
        for ok in ["order_id", "id", "line2_total", "address_line_1"] {
            assert!(is_lower_snake_case(ok), "{ok}");
        }
        for bad in [
            "orderId",
            "OrderId",
            "order__id",
            "_order",
            "order_",
            "1st",
            "ORDER_ID",
        ] {
            assert!(!is_lower_snake_case(bad), "{bad}");
        }
    }
}
