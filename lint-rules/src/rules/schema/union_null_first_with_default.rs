use contrail_contracts::schema::SchemaFormat;
use serde_json::Value;

use crate::context::{Context, avro_record_fields, small_get};
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks Avro fields whose `default` is `null`: their union must list `"null"` first
    /// (`["null", "string"]`, not `["string", "null"]`).
    ///
    /// ## Why is this bad?
    /// The Avro specification says a union field's default must match the union's *first*
    /// branch. `["string", "null"]` with `"default": null` is invalid: Java Avro rejects the
    /// schema when it validates defaults, other libraries ignore the default or fail when a
    /// reader needs it — exactly during a schema change, when the field is missing from old
    /// data.
    ///
    /// ## Example
    /// ```json
    /// { "name": "couponCode", "type": ["string", "null"], "default": null }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "name": "couponCode", "type": ["null", "string"], "default": null }
    /// ```
    ///
    /// ## Fix
    /// Move `"null"` to the front of the union. Reordering union branches is a compatible
    /// change for readers resolving by type.
    ///
    /// ## References
    /// - Apache Avro specification: unions ("the default value … must correspond to the first schema in the union")
    pub struct UnionNullFirstWithDefault {
        code: UNION_NULL_FIRST_WITH_DEFAULT,
        category: Schema,
        group: Group::Stable,
    }
}

/// `"null"` or `{"type": "null"}`.
pub(crate) fn is_null_branch(branch: &Value) -> bool {
    branch == "null" || branch.get("type").is_some_and(|t| t == "null")
}

impl Rule for UnionNullFirstWithDefault {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for payload in ctx.payload_schemas_in(SchemaFormat::Avro) {
            let mut found = Vec::new();
            avro_record_fields(payload.json, &mut |field, pointer| {
                let Some(branches) = small_get(field, "type").and_then(Value::as_array) else {
                    return;
                };
                if small_get(field, "default") == Some(&Value::Null)
                    && branches.iter().any(is_null_branch)
                    && !branches.first().is_some_and(is_null_branch)
                {
                    let name = small_get(field, "name")
                        .and_then(Value::as_str)
                        .unwrap_or("?");
                    found.push((name.to_owned(), format!("{pointer}/type")));
                }
            });
            for (name, relative) in found {
                let (location, pointer) = ctx.at(&payload, &relative);
                out.report(
                    Subject::Event(payload.event.name.value.clone()),
                    format!(
                        "field `{name}` of `{}` defaults to null, but `null` is not the first branch of its union",
                        payload.event.name.value
                    ),
                    location,
                )
                .pointer(pointer)
                .help("move \"null\" to the front of the union: a union's default must match its first branch");
            }
        }
    }
}
