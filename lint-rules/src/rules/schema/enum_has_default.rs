use contrail_contracts::schema::SchemaFormat;
use serde_json::Value;

use crate::context::{Context, small_get, walk};
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every Avro enum in a payload schema declares a `default` symbol.
    ///
    /// ## Why is this bad?
    /// A reader that meets a symbol it does not know — the producer added `REFUNDED` to
    /// `PaymentStatus` — fails to decode the record unless its enum has a default to fall back
    /// to. Without one, adding a symbol is never forward compatible, so every consumer must
    /// upgrade before the producer.
    ///
    /// ## Example
    /// ```json
    /// { "type": "enum", "name": "PaymentStatus", "symbols": ["CAPTURED", "DECLINED"] }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "type": "enum", "name": "PaymentStatus",
    ///   "symbols": ["UNKNOWN", "CAPTURED", "DECLINED"], "default": "UNKNOWN" }
    /// ```
    ///
    /// ## Fix
    /// Add a catch-all symbol (`UNKNOWN`) and make it the enum's `default`.
    ///
    /// ## References
    /// - Apache Avro specification: enums (`default`, since 1.9) and schema resolution
    pub struct EnumHasDefault {
        code: ENUM_HAS_DEFAULT,
        category: Schema,
        group: Group::Stable,
    }
}

impl Rule for EnumHasDefault {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for payload in ctx.payload_schemas_in(SchemaFormat::Avro) {
            let mut found = Vec::new();
            walk(payload.json, "", &mut |node, pointer| {
                if small_get(node, "type").and_then(Value::as_str) == Some("enum")
                    && small_get(node, "symbols").is_some()
                    && small_get(node, "default").is_none()
                {
                    let name = small_get(node, "name")
                        .and_then(Value::as_str)
                        .unwrap_or("?");
                    found.push((name.to_owned(), pointer.to_owned()));
                }
            });
            for (name, relative) in found {
                let (location, pointer) = ctx.at(&payload, &relative);
                out.report(
                    Subject::Event(payload.event.name.value.clone()),
                    format!(
                        "enum `{name}` in the payload of `{}` has no default symbol",
                        payload.event.name.value
                    ),
                    location,
                )
                .pointer(pointer)
                .help("add a catch-all symbol (e.g. `UNKNOWN`) and `\"default\": \"UNKNOWN\"` so readers survive new symbols");
            }
        }
    }
}
