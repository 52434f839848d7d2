//! The compatibility codes (`CCnnn`, declared with every other code in [`crate::codes`]) and
//! which one an incompatibility's rule is reported under. Rule names are Confluent's; the codes
//! are contrail's.

use crate::diagnostic::{Code, Family};

pub use crate::codes::{
    BASELINE_UNREADABLE, DEFAULT_CHANGED, DOC_CHANGED, FIXED_SIZE_MISMATCH,
    JSON_SCHEMA_INCOMPATIBLE, LOGICAL_TYPE_CHANGED, MISSING_ENUM_SYMBOLS, MISSING_UNION_BRANCH,
    NAME_MISMATCH, NAMESPACE_CHANGED, PROTOBUF_INCOMPATIBLE, READER_FIELD_MISSING_DEFAULT_VALUE,
    SCHEMA_FORMAT_CHANGED, TYPE_MISMATCH,
};

/// The code for a rule name; JSON Schema rules share one code, Protobuf rules another, and
/// both keep their name in the message.
pub fn for_rule(rule: &str) -> Code {
    if super::protobuf::Rule::from_name(rule).is_some() {
        return PROTOBUF_INCOMPATIBLE;
    }
    crate::codes::of(Family::Compatibility)
        .find(|c| c.name == rule)
        .unwrap_or(JSON_SCHEMA_INCOMPATIBLE)
}
