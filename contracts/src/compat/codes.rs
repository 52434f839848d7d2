//! Finding codes for incompatible schema changes (`CCnnn`), one per rule so that SARIF and
//! suppressions can name them. Rule names are Confluent's; the codes are contrail's.

use crate::diagnostic::{Code, Severity};

macro_rules! rules {
    ($( $ident:ident = ($code:literal, $name:literal, $summary:literal); )*) => {
        $( pub const $ident: Code = Code { code: $code, name: $name, default_severity: Severity::Error, summary: $summary }; )*
        /// Every compatibility code.
        pub const ALL: &[Code] = &[$($ident),*];
    };
}

rules! {
    READER_FIELD_MISSING_DEFAULT_VALUE = ("CC001", "READER_FIELD_MISSING_DEFAULT_VALUE", "a reader field the writer lacks has no default");
    TYPE_MISMATCH = ("CC002", "TYPE_MISMATCH", "the reader's type cannot read the writer's type");
    NAME_MISMATCH = ("CC003", "NAME_MISMATCH", "a named type was renamed without a reader alias");
    MISSING_ENUM_SYMBOLS = ("CC004", "MISSING_ENUM_SYMBOLS", "the reader enum lacks writer symbols and has no default");
    FIXED_SIZE_MISMATCH = ("CC005", "FIXED_SIZE_MISMATCH", "a fixed type changed size");
    MISSING_UNION_BRANCH = ("CC006", "MISSING_UNION_BRANCH", "the reader union has no branch for a writer type");
    JSON_SCHEMA_INCOMPATIBLE = ("CC100", "JSON_SCHEMA_INCOMPATIBLE", "a JSON Schema change rejects data the old schema accepted");
}

/// The code for a rule name; JSON Schema rules share one code and keep their name in the message.
pub fn for_rule(rule: &str) -> Code {
    ALL.iter().copied().find(|c| c.name == rule).unwrap_or(JSON_SCHEMA_INCOMPATIBLE)
}
