use prost_reflect::Cardinality;

use crate::context::Context;
use crate::declare_rule;
use crate::rule::{Findings, Group, Rule, RuleInfo};
use crate::rules::schema::proto_enum_zero_value_unspecified::short_name;

declare_rule! {
    /// ## What it does
    /// Checks that no field of a Protobuf payload is declared `required` (proto2, or editions'
    /// `features.field_presence = LEGACY_REQUIRED`). Messages defined in the event's own
    /// `.proto` file are checked, nested ones included.
    ///
    /// ## Why is this bad?
    /// A reader refuses a message without its required fields. So a required field can never
    /// be removed, nor made optional, while any consumer still has the old definition: the
    /// first producer that stops writing it breaks them all. Every other field of an event
    /// payload can evolve; a required one freezes the contract. proto3 dropped `required`
    /// for this reason.
    ///
    /// ## Example
    /// ```proto
    /// syntax = "proto2";
    /// message OrderPlaced {
    ///   required string order_id = 1;
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```proto
    /// syntax = "proto2";
    /// message OrderPlaced {
    ///   optional string order_id = 1;
    /// }
    /// ```
    ///
    /// ## Fix
    /// Declare the field `optional` and check that it is set where the producer builds the
    /// event (and, if it matters, where the consumer reads it). Change it while the field is
    /// still written by every producer, so that old readers never see it missing.
    ///
    /// ## References
    /// - Protocol Buffers, "Language Guide (proto2)": required is strongly deprecated
    /// - Protocol Buffers, "Proto Best Practices": don't add a required field
    pub struct ProtoNoRequiredFields {
        code: PROTO_NO_REQUIRED_FIELDS,
        category: Schema,
        group: Group::Stable,
    }
}

impl Rule for ProtoNoRequiredFields {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for file in ctx.protobuf_files() {
            for message in file.messages() {
                for field in message.fields() {
                    if field.cardinality() != Cardinality::Required {
                        continue;
                    }
                    out.report(
                        file.subject(),
                        format!(
                            "field `{}` of `{}` is required",
                            field.name(),
                            short_name(message.full_name(), message.package_name())
                        ),
                        file.location(field.path()),
                    )
                    .help("declare it `optional` and check it is set in the producer: a required field can never be removed");
                }
            }
        }
    }
}
