use contrail_contracts::schema::SchemaFormat;
use serde_json::Value;

use crate::context::{Context, walk};
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that JSON Schema payloads do not close their content model:
    /// `additionalProperties: false` (or `unevaluatedProperties: false`) at any level.
    ///
    /// ## Why is this bad?
    /// A closed object rejects every property it does not list. When the producer adds an
    /// optional field — the most common, supposedly safe change — every consumer validating
    /// with the old schema rejects the new messages. Under Confluent's JSON Schema rules,
    /// adding a property to a closed model is not forward compatible, so evolution stalls.
    ///
    /// ## Example
    /// ```json
    /// { "type": "object", "properties": { "orderId": { "type": "string" } },
    ///   "additionalProperties": false }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "type": "object", "properties": { "orderId": { "type": "string" } } }
    /// ```
    ///
    /// ## Fix
    /// Remove `additionalProperties: false` (an open content model); to catch typos in
    /// producers, validate in the producer's tests instead.
    ///
    /// ## References
    /// - Confluent documentation: JSON Schema compatibility rules (open and closed content models)
    /// - Robert Yokota, "Understanding JSON Schema Compatibility"
    pub struct NoClosedContentModel {
        code: NO_CLOSED_CONTENT_MODEL,
        category: Schema,
        group: Group::Stable,
    }
}

impl Rule for NoClosedContentModel {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for payload in ctx.payload_schemas_in(SchemaFormat::JsonSchema) {
            let mut found = Vec::new();
            walk(payload.json, "", &mut |node, pointer| {
                if in_data(pointer) {
                    return;
                }
                for keyword in ["additionalProperties", "unevaluatedProperties"] {
                    if node.get(keyword) == Some(&Value::Bool(false)) {
                        found.push((keyword, format!("{pointer}/{keyword}")));
                    }
                }
            });
            for (keyword, relative) in found {
                let (location, pointer) = ctx.at(&payload, &relative);
                out.report(
                    Subject::Event(payload.event.name.value.clone()),
                    format!(
                        "the payload schema of `{}` closes its content model with `{keyword}: false`",
                        payload.event.name.value
                    ),
                    location,
                )
                .pointer(pointer)
                .help("remove it: consumers validating with a closed model reject messages once the producer adds a field");
            }
        }
    }
}

/// Whether a pointer is inside a map of property names (`properties`) or inside data
/// (`examples`, `default`, `const`, `enum`) rather than at a schema.
fn in_data(pointer: &str) -> bool {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    if tokens.last() == Some(&"properties") {
        return true;
    }
    tokens.iter().enumerate().any(|(i, t)| {
        ["examples", "example", "default", "const", "enum"].contains(t)
            && (i == 0 || tokens[i - 1] != "properties")
    })
}

#[cfg(test)]
mod tests {
    use super::in_data;

    #[test]
    fn data_is_not_schema() {
        assert!(in_data("/properties"));
        assert!(in_data("/examples/0"));
        assert!(in_data("/properties/a/default"));
        assert!(!in_data("/properties/examples"));
        assert!(!in_data("/properties/address"));
        assert!(!in_data(""));
    }
}
