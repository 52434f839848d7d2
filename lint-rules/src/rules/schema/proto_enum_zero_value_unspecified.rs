use crate::context::{Context, words};
use crate::declare_rule;
use crate::protobuf::name_path;
use crate::rule::{Findings, Group, Rule, RuleInfo};

declare_rule! {
    /// ## What it does
    /// Checks that every enum of a Protobuf payload starts with a zero value named after the
    /// enum, `<ENUM_NAME>_UNSPECIFIED` (`PaymentStatus` → `PAYMENT_STATUS_UNSPECIFIED`): the
    /// first value must be `0`, and its name must be the enum's name in UPPER_SNAKE_CASE with
    /// `_UNSPECIFIED` after it. Enums defined in the event's own `.proto` file are checked,
    /// top-level and nested.
    ///
    /// ## Why is this bad?
    /// An enum field that was never set, or set by a producer to a value the reader does not
    /// know yet, reads as the enum's first value — in proto3 always `0`. When that value is a
    /// real state (`CAPTURED = 0`), every unset or unknown status looks captured to the
    /// consumer. A zero value that means "not set" makes the absence visible, and naming it
    /// after the enum keeps it unique in the package (C++ enum values share their scope).
    ///
    /// ## Example
    /// ```proto
    /// enum PaymentStatus {
    ///   CAPTURED = 0;
    ///   DECLINED = 1;
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```proto
    /// enum PaymentStatus {
    ///   PAYMENT_STATUS_UNSPECIFIED = 0;
    ///   PAYMENT_STATUS_CAPTURED = 1;
    ///   PAYMENT_STATUS_DECLINED = 2;
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add `<ENUM_NAME>_UNSPECIFIED = 0;` as the first value. Renumbering existing values
    /// changes what records already written mean: for an enum already in use, add the
    /// unspecified value only when `0` is free, and otherwise keep the numbers and rename the
    /// zero value (a rename keeps the binary encoding but changes the JSON form).
    ///
    /// ## References
    /// - Protocol Buffers, "Proto Best Practices": the first enum value is unspecified
    /// - Google API Improvement Proposals, AIP-126: enumerations
    /// - Buf lint rule ENUM_ZERO_VALUE_SUFFIX
    pub struct ProtoEnumZeroValueUnspecified {
        code: PROTO_ENUM_ZERO_VALUE_UNSPECIFIED,
        category: Schema,
        group: Group::Stable,
    }
}

impl Rule for ProtoEnumZeroValueUnspecified {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Findings) {
        for file in ctx.protobuf_files() {
            for enumeration in file.enums() {
                let expected = format!(
                    "{}_UNSPECIFIED",
                    words(enumeration.name()).join("_").to_uppercase()
                );
                let name = short_name(enumeration.full_name(), enumeration.package_name());
                // The first value declared is the default in both proto2 and proto3
                // (`values()` is in number order; `default_value()` is the first declared).
                let first = enumeration.default_value();
                if first.number() != 0 {
                    out.report(
                        file.subject(),
                        format!(
                            "the first value of enum `{name}` is `{} = {}`, not a zero value",
                            first.name(),
                            first.number()
                        ),
                        file.location(&name_path(first.path())),
                    )
                    .help(format!(
                        "declare `{expected} = 0;` first: an unset field reads as the first value"
                    ));
                } else if first.name() != expected {
                    out.report(
                        file.subject(),
                        format!(
                            "the zero value of enum `{name}` is `{}`, not `{expected}`",
                            first.name()
                        ),
                        file.location(&name_path(first.path())),
                    )
                    .help(format!(
                        "make the zero value `{expected}`, meaning \"not set\": an unset or unknown value reads as it"
                    ));
                }
            }
        }
    }
}

/// A definition's full name without its package (`StockLevelChanged.Reason`).
pub(crate) fn short_name<'n>(full_name: &'n str, package: &str) -> &'n str {
    if package.is_empty() {
        return full_name;
    }
    full_name
        .strip_prefix(package)
        .and_then(|rest| rest.strip_prefix('.'))
        .unwrap_or(full_name)
}
