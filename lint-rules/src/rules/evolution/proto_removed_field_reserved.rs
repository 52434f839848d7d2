use contrail_contracts::payload::Payload;
use contrail_contracts::protobuf::{file_messages, source_location};

use crate::context::Context;
use crate::declare_rule;
use crate::protobuf::name_path;
use crate::rule::{Findings, Group, Rule, RuleInfo, Subject};
use crate::rules::schema::proto_enum_zero_value_unspecified::short_name;

declare_rule! {
    /// ## What it does
    /// Under `contrail check --against BASELINE`: checks that a field the baseline's version of
    /// a Protobuf message had, and the current version no longer has (no field with its
    /// number), is reserved in the current message — its number **and** its name. Every
    /// message of the event's `.proto` file that the baseline also defined (by full name) is
    /// compared, nested ones included.
    ///
    /// Without a baseline — plain `contrail lint`, or `check` without `--against` — the rule
    /// says nothing: only the baseline knows which fields existed. Against a registry
    /// (`--against registry` or a URL), the latest version of the event's subject is the
    /// baseline.
    ///
    /// ## Why is this bad?
    /// Removing a field is compatible: readers skip what they do not know. But the next
    /// developer to add a field may take the free number, and then records written before
    /// the removal — still on the topic, replayed, or from a producer not yet upgraded — decode
    /// the old field's bytes as the new field: silently wrong data, or a parse failure when
    /// the types differ. Reusing the name breaks the JSON form the same way. `reserved` makes
    /// the compiler refuse both.
    ///
    /// ## Example
    /// The baseline had
    /// ```proto
    /// message Adjustment {
    ///   int32 delta = 1;
    ///   string note = 2;
    /// }
    /// ```
    /// and the change drops `note`:
    /// ```proto
    /// message Adjustment {
    ///   int32 delta = 1;
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```proto
    /// message Adjustment {
    ///   reserved 2;
    ///   reserved "note";
    ///   int32 delta = 1;
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add `reserved N;` and `reserved "name";` for the removed field to the message, and keep
    /// them for good.
    ///
    /// ```sh
    /// contrail check --against git:main
    /// ```
    ///
    /// ## References
    /// - Protocol Buffers, "Language Guide (proto3)": deleting fields, reserved fields
    /// - Buf breaking rules FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED and
    ///   FIELD_NO_DELETE_UNLESS_NAME_RESERVED
    pub struct ProtoRemovedFieldReserved {
        code: PROTO_REMOVED_FIELD_RESERVED,
        category: Evolution,
        group: Group::Stable,
    }
}

impl Rule for ProtoRemovedFieldReserved {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        if ctx.baseline_messages.is_empty() {
            return;
        }
        // Events sharing a file with the same baseline file are compared once.
        let mut seen = std::collections::HashSet::new();
        for event in &ctx.catalog.events {
            let Some(baseline) = ctx
                .baseline_messages
                .iter()
                .find(|b| b.event == event.name.value)
            else {
                continue;
            };
            let (Some(schema), Some(Payload::Protobuf(current))) =
                (ctx.schema(event), ctx.payload_schema(event))
            else {
                continue;
            };
            let before = baseline.message.parent_file();
            let after = current.parent_file();
            if !seen.insert((
                schema.file.as_path(),
                before.name().to_owned(),
                &baseline.baseline,
            )) {
                continue;
            }
            // Only the event's own file: an imported one is linted as its own event's.
            let messages = file_messages(&after);
            for old in file_messages(&before) {
                let Some(now) = messages.iter().find(|m| m.full_name() == old.full_name()) else {
                    continue;
                };
                for field in old.fields() {
                    if now.get_field(field.number()).is_some() {
                        continue;
                    }
                    let number_free = !now.reserved_ranges().any(|r| r.contains(&field.number()));
                    let name_free = !now.reserved_names().any(|n| n == field.name());
                    let (missing, add) = match (number_free, name_free) {
                        (true, true) => (
                            "neither its number nor its name is reserved",
                            format!(
                                "`reserved {};` and `reserved \"{}\";`",
                                field.number(),
                                field.name()
                            ),
                        ),
                        (true, false) => (
                            "its number is not reserved",
                            format!("`reserved {};`", field.number()),
                        ),
                        (false, true) => (
                            "its name is not reserved",
                            format!("`reserved \"{}\";`", field.name()),
                        ),
                        (false, false) => continue,
                    };
                    out.report(
                        Subject::Event(event.name.value.clone()),
                        format!(
                            "field `{} = {}` of `{}` was removed since {}, but {missing}",
                            field.name(),
                            field.number(),
                            short_name(now.full_name(), now.package_name()),
                            baseline.baseline
                        ),
                        source_location(
                            &schema.file,
                            after.file_descriptor_proto(),
                            &name_path(now.path()),
                        ),
                    )
                    .help(format!(
                        "add {add} to the message so no later field reuses it"
                    ));
                }
            }
        }
    }
}
