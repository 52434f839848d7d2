use contrail_contracts::schema::SchemaFormat;

use crate::context::{Context, avro_record_fields, small_get};
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};
use crate::rules::schema::union_null_first_with_default::is_null_branch;

declare_rule! {
    /// ## What it does
    /// Checks that every optional Avro field — one whose type is a union with `null` — has a
    /// `default`, in payload records and the records nested in them.
    ///
    /// ## Why is this bad?
    /// Avro resolves a field the writer did not write from the reader's default. A nullable
    /// field without a default is optional in name only: adding it is not backward compatible,
    /// removing it is not forward compatible, and every producer must still set it explicitly.
    ///
    /// ## Example
    /// ```json
    /// { "name": "couponCode", "type": ["null", "string"] }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "name": "couponCode", "type": ["null", "string"], "default": null }
    /// ```
    ///
    /// ## Fix
    /// Add `"default": null` (and put `"null"` first in the union).
    ///
    /// ## References
    /// - Apache Avro specification: schema resolution, default values
    /// - Confluent documentation: schema evolution and compatibility
    pub struct OptionalFieldHasDefault {
        code: OPTIONAL_FIELD_HAS_DEFAULT,
        category: Schema,
        group: Group::Stable,
    }
}

impl Rule for OptionalFieldHasDefault {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for payload in ctx.payload_schemas_in(SchemaFormat::Avro) {
            let mut found = Vec::new();
            avro_record_fields(payload.json, &mut |field, pointer| {
                let nullable = field
                    .get("type")
                    .and_then(|t| t.as_array())
                    .is_some_and(|branches| branches.iter().any(is_null_branch));
                if nullable && small_get(field, "default").is_none() {
                    let name = small_get(field, "name")
                        .and_then(|n| n.as_str())
                        .unwrap_or("?");
                    found.push((name.to_owned(), pointer.to_owned()));
                }
            });
            for (name, relative) in found {
                let (location, pointer) = ctx.at(&payload, &relative);
                out.report(
                    Subject::Event(payload.event.name.value.clone()),
                    format!(
                        "nullable field `{name}` of `{}` has no default",
                        payload.event.name.value
                    ),
                    location,
                )
                .pointer(pointer)
                .help("add `\"default\": null` so the field can be added and removed compatibly");
            }
        }
    }
}
