//! The codes of the findings `contrail validate` reports.
//!
//! Codes are stable: once released, a code keeps its meaning forever. New checks get new codes.
//! `docs/diagnostics.md` documents each one; a test keeps that page and this list in step.

use crate::diagnostic::{Code, Severity};

macro_rules! codes {
    ($( $(#[$doc:meta])* $ident:ident = ($code:literal, $name:literal, $sev:ident, $summary:literal); )*) => {
        $( $(#[$doc])* pub const $ident: Code = Code {
            code: $code, name: $name, default_severity: Severity::$sev, summary: $summary,
        }; )*
        /// Every validation code, in code order.
        pub const ALL: &[Code] = &[$($ident),*];
    };
}

codes! {
    /// The file is not valid YAML or JSON.
    YAML_SYNTAX = ("CV001", "YAML_SYNTAX", Error, "the file is not valid YAML or JSON");
    /// The document exceeds a safety limit: nesting depth, alias expansion, size, or node count.
    YAML_LIMIT = ("CV002", "YAML_LIMIT", Error, "the document exceeds a safety limit (depth, alias expansion, size)");
    /// The file cannot be read as a contract: not UTF-8, empty, or more than one YAML document.
    UNREADABLE_FILE = ("CV003", "UNREADABLE_FILE", Error, "the file is not UTF-8, is empty, or holds several documents");
    /// A mapping key that the format does not define.
    UNKNOWN_KEY = ("CV004", "UNKNOWN_KEY", Error, "a key the contract format does not define");
    /// A value of the wrong type or outside the allowed set.
    INVALID_VALUE = ("CV005", "INVALID_VALUE", Error, "a value of the wrong type or outside the allowed set");
    /// A key the format requires is absent.
    MISSING_KEY = ("CV006", "MISSING_KEY", Error, "a required key is absent");
    /// The same key appears twice in one mapping.
    DUPLICATE_KEY = ("CV007", "DUPLICATE_KEY", Error, "the same key appears twice in one mapping");
    /// A schema that does not parse as its format (Avro, JSON Schema, Protobuf).
    SCHEMA_INVALID = ("CV010", "SCHEMA_INVALID", Error, "a schema does not parse as its format");
    /// A reference that does not resolve: a schema file, a `$ref`, an Avro named type.
    UNRESOLVED_REFERENCE = ("CV011", "UNRESOLVED_REFERENCE", Error, "a schema file, $ref or named type that does not resolve");
    /// A `$ref` to a remote URL, which contrail does not fetch.
    REMOTE_REFERENCE = ("CV012", "REMOTE_REFERENCE", Warning, "a $ref to a remote URL, which contrail does not fetch");
    /// A schema file whose format contrail cannot tell from its name or content.
    UNKNOWN_SCHEMA_FORMAT = ("CV013", "UNKNOWN_SCHEMA_FORMAT", Error, "a schema whose format cannot be told from its name or content");
    /// A service produces or consumes an event no contract declares.
    UNKNOWN_EVENT = ("CV020", "UNKNOWN_EVENT", Error, "a service names an event no contract declares");
    /// Two contracts declare the same event name.
    DUPLICATE_EVENT = ("CV021", "DUPLICATE_EVENT", Error, "two contracts declare the same event");
    /// Two events register their schemas under the same registry subject.
    DUPLICATE_SUBJECT = ("CV022", "DUPLICATE_SUBJECT", Error, "two events share one registry subject");
    /// Two contracts declare the same service name.
    DUPLICATE_SERVICE = ("CV023", "DUPLICATE_SERVICE", Error, "two contracts declare the same service");
    /// The same event is described differently in two documents (different topic or key).
    CONFLICTING_EVENT = ("CV024", "CONFLICTING_EVENT", Warning, "the same event is described differently in two documents");
    /// An example payload does not match its event's schema.
    EXAMPLE_MISMATCH = ("CV030", "EXAMPLE_MISMATCH", Error, "an example payload does not match its schema");
    /// An AsyncAPI version contrail does not read.
    UNSUPPORTED_ASYNCAPI = ("CV040", "UNSUPPORTED_ASYNCAPI", Error, "an AsyncAPI version contrail does not read");
    /// A part of an AsyncAPI document contrail reads but cannot map onto the contract model.
    ASYNCAPI_UNMAPPED = ("CV041", "ASYNCAPI_UNMAPPED", Info, "a part of an AsyncAPI document that does not map onto the contract model");
    /// A directory given to contrail has no `contrail.yaml`, or a catalog file lies outside it.
    NOT_A_CATALOG = ("CV050", "NOT_A_CATALOG", Error, "a directory without contrail.yaml");
}

/// Looks a code up by its code or its name, case-insensitively.
pub fn find(code_or_name: &str) -> Option<Code> {
    ALL.iter().copied().find(|c| {
        c.code.eq_ignore_ascii_case(code_or_name) || c.name.eq_ignore_ascii_case(code_or_name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique() {
        let codes: HashSet<_> = ALL.iter().map(|c| c.code).collect();
        let names: HashSet<_> = ALL.iter().map(|c| c.name).collect();
        assert_eq!(codes.len(), ALL.len());
        assert_eq!(names.len(), ALL.len());
    }

    #[test]
    fn find_accepts_code_and_name() {
        assert_eq!(find("cv004"), Some(UNKNOWN_KEY));
        assert_eq!(find("unknown_key"), Some(UNKNOWN_KEY));
        assert_eq!(find("nope"), None);
    }
}
