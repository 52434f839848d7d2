use contrail_contracts::payload::Payload;
use contrail_contracts::protobuf::leading_comment;
use contrail_contracts::schema::SchemaFormat;
use serde_json::Value;

use crate::context::Context;
use crate::declare_rule;
use crate::protobuf::name_path;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};

declare_rule! {
    /// ## What it does
    /// Checks that every payload schema documents itself at the root: an Avro record's `doc`,
    /// a JSON Schema object's `description`, a comment right before the Protobuf message the
    /// event names (the comment code generators copy into the generated class).
    ///
    /// ## Why is this bad?
    /// The schema is what travels: the registry stores it, code generators turn it into
    /// classes, data catalogs show it to analysts who never see the YAML contract. A schema
    /// without a description leaves them guessing what one record means — an order, or one
    /// change to an order?
    ///
    /// ## Example
    /// ```json
    /// { "type": "record", "name": "OrderPlaced", "fields": [] }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// { "type": "record", "name": "OrderPlaced",
    ///   "doc": "A customer placed an order; it now waits for payment.", "fields": [] }
    /// ```
    ///
    /// ## Fix
    /// Add one sentence saying what fact one record states.
    ///
    /// ## References
    /// - Apache Avro specification: the `doc` attribute
    /// - JSON Schema Validation: the `description` keyword
    /// - Protocol Buffers, "Style Guide": comments on messages
    pub struct RecordDocPresent {
        code: RECORD_DOC_PRESENT,
        category: Schema,
        group: Group::Stable,
    }
}

impl Rule for RecordDocPresent {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for payload in ctx.payload_schemas() {
            let (is_record, key) = match payload.schema.format {
                SchemaFormat::Avro => (
                    payload.json.get("type").and_then(Value::as_str) == Some("record"),
                    "doc",
                ),
                _ => (
                    payload.json.get("properties").is_some()
                        || payload.json.get("type").and_then(Value::as_str) == Some("object"),
                    "description",
                ),
            };
            let documented = payload
                .json
                .get(key)
                .and_then(Value::as_str)
                .is_some_and(|d| !d.trim().is_empty());
            if !is_record || documented {
                continue;
            }
            let (location, pointer) = ctx.at(&payload, "");
            out.report(
                Subject::Event(payload.event.name.value.clone()),
                format!(
                    "the payload schema of `{}` has no `{key}`",
                    payload.event.name.value
                ),
                location,
            )
            .pointer(pointer)
            .help(format!(
                "add `\"{key}\"`: one sentence saying what fact a record states"
            ));
        }
        for file in ctx.protobuf_files() {
            let Some(Payload::Protobuf(message)) = ctx.payload_schema(file.event) else {
                continue;
            };
            if leading_comment(message.parent_file_descriptor_proto(), message.path()).is_some() {
                continue;
            }
            out.report(
                file.subject(),
                format!(
                    "the payload message `{}` of `{}` has no comment",
                    message.name(),
                    file.event.name.value
                ),
                file.location(&name_path(message.path())),
            )
            .help("write a `//` comment right above the message: one sentence saying what fact a record states");
        }
    }
}
