//! Finding codes for incompatible schema changes (`CCnnn`), one per rule so that SARIF and
//! suppressions can name them. Rule names are Confluent's; the codes are contrail's.

use crate::diagnostic::{Code, Severity};

macro_rules! rules {
    ($( $ident:ident = ($code:literal, $name:literal, $severity:ident, $summary:literal); )*) => {
        $( pub const $ident: Code = Code { code: $code, name: $name, default_severity: Severity::$severity, summary: $summary }; )*
        /// Every compatibility code.
        pub const ALL: &[Code] = &[$($ident),*];
    };
}

rules! {
    READER_FIELD_MISSING_DEFAULT_VALUE = ("CC001", "READER_FIELD_MISSING_DEFAULT_VALUE", Error, "a reader field the writer lacks has no default");
    TYPE_MISMATCH = ("CC002", "TYPE_MISMATCH", Error, "the reader's type cannot read the writer's type");
    NAME_MISMATCH = ("CC003", "NAME_MISMATCH", Error, "a named type was renamed without a reader alias");
    MISSING_ENUM_SYMBOLS = ("CC004", "MISSING_ENUM_SYMBOLS", Error, "the reader enum lacks writer symbols and has no default");
    FIXED_SIZE_MISMATCH = ("CC005", "FIXED_SIZE_MISMATCH", Error, "a fixed type changed size");
    MISSING_UNION_BRANCH = ("CC006", "MISSING_UNION_BRANCH", Error, "the reader union has no branch for a writer type");
    JSON_SCHEMA_INCOMPATIBLE = ("CC100", "JSON_SCHEMA_INCOMPATIBLE", Error, "a JSON Schema change rejects data the old schema accepted");
    LOGICAL_TYPE_CHANGED = ("CC200", "LOGICAL_TYPE_CHANGED", Warning, "a logical type changed: same encoding, different meaning");
    DEFAULT_CHANGED = ("CC201", "DEFAULT_CHANGED", Warning, "a field default changed: old data reads with a different value");
    NAMESPACE_CHANGED = ("CC202", "NAMESPACE_CHANGED", Warning, "a named type moved to another namespace");
    DOC_CHANGED = ("CC203", "DOC_CHANGED", Info, "documentation changed");
    SCHEMA_FORMAT_CHANGED = ("CC300", "SCHEMA_FORMAT_CHANGED", Error, "an event's schema changed language (Avro, JSON Schema, Protobuf)");
    BASELINE_UNREADABLE = ("CC301", "BASELINE_UNREADABLE", Warning, "the baseline version of a schema could not be read");
}

/// The code for a rule name; JSON Schema rules share one code and keep their name in the message.
pub fn for_rule(rule: &str) -> Code {
    ALL.iter()
        .copied()
        .find(|c| c.name == rule)
        .unwrap_or(JSON_SCHEMA_INCOMPATIBLE)
}
