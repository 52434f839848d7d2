//! Avro name checks without regular expressions.
//!
//! apache-avro checks every type name, namespace, field name and enum symbol against the Avro
//! specification's regular expressions, run by regex-lite's PikeVM: on a catalog of 10,000
//! schemas that was a tenth of every instruction `contrail lint` executed. The checks here
//! scan bytes instead. They only ever say yes: a name they do not accept at once goes to
//! apache-avro's own regular-expression check, so what is refused, and how the error reads,
//! is exactly as before.
//!
//! apache-avro keeps its validators in process-wide cells that are set once, before the first
//! schema is parsed; [`install`] sets them. Where a program already set its own (or parsed a
//! schema first), those stay, and only speed differs.

use apache_avro::AvroResult;
use apache_avro::validator::{
    EnumSymbolNameValidator, RecordFieldNameValidator, SchemaNameValidator,
    SchemaNamespaceValidator, set_enum_symbol_name_validator, set_record_field_name_validator,
    set_schema_name_validator, set_schema_namespace_validator,
};

/// Makes apache-avro use the checks of this module, once per process.
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // `Err` means a validator is already in place; it stays (see the module comment).
        let _ = set_schema_name_validator(Box::new(Scanning));
        let _ = set_schema_namespace_validator(Box::new(Scanning));
        let _ = set_record_field_name_validator(Box::new(Scanning));
        let _ = set_enum_symbol_name_validator(Box::new(Scanning));
    });
}

/// `[A-Za-z_][A-Za-z0-9_]*`, the specification's name.
fn is_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Empty, or names joined by dots.
fn is_namespace(s: &str) -> bool {
    s.is_empty() || s.split('.').all(is_name)
}

/// The byte at which the name part of a full name starts, when the full name is valid.
fn name_start(fullname: &str) -> Option<usize> {
    let start = fullname.rfind('.').map_or(0, |dot| dot + 1);
    let namespace_ok = start == 0 || is_namespace(&fullname[..start - 1]);
    (namespace_ok && is_name(&fullname[start..])).then_some(start)
}

/// The checks of this module.
struct Scanning;

/// apache-avro's checks by regular expression (the traits' default methods), for names the
/// scanning checks do not accept.
struct Specification;

impl SchemaNameValidator for Specification {}
impl SchemaNamespaceValidator for Specification {}
impl RecordFieldNameValidator for Specification {}
impl EnumSymbolNameValidator for Specification {}

impl SchemaNameValidator for Scanning {
    fn validate(&self, schema_name: &str) -> AvroResult<usize> {
        match name_start(schema_name) {
            Some(start) => Ok(start),
            None => SchemaNameValidator::validate(&Specification, schema_name),
        }
    }
}

impl SchemaNamespaceValidator for Scanning {
    fn validate(&self, namespace: &str) -> AvroResult<()> {
        if is_namespace(namespace) {
            return Ok(());
        }
        SchemaNamespaceValidator::validate(&Specification, namespace)
    }
}

impl RecordFieldNameValidator for Scanning {
    fn validate(&self, field_name: &str) -> AvroResult<()> {
        if is_name(field_name) {
            return Ok(());
        }
        RecordFieldNameValidator::validate(&Specification, field_name)
    }
}

impl EnumSymbolNameValidator for Scanning {
    fn validate(&self, symbol: &str) -> AvroResult<()> {
        if is_name(symbol) {
            return Ok(());
        }
        EnumSymbolNameValidator::validate(&Specification, symbol)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The scanning checks must answer exactly as the regular expressions do.
    fn agree(s: &str) {
        let ok = |r: &AvroResult<()>| r.is_ok();
        assert_eq!(
            SchemaNameValidator::validate(&Scanning, s).ok(),
            SchemaNameValidator::validate(&Specification, s).ok(),
            "name {s:?}"
        );
        assert_eq!(
            ok(&SchemaNamespaceValidator::validate(&Scanning, s)),
            ok(&SchemaNamespaceValidator::validate(&Specification, s)),
            "namespace {s:?}"
        );
        assert_eq!(
            ok(&RecordFieldNameValidator::validate(&Scanning, s)),
            ok(&RecordFieldNameValidator::validate(&Specification, s)),
            "field name {s:?}"
        );
        assert_eq!(
            ok(&EnumSymbolNameValidator::validate(&Scanning, s)),
            ok(&EnumSymbolNameValidator::validate(&Specification, s)),
            "enum symbol {s:?}"
        );
    }

    #[test]
    fn agree_with_the_specification_on_edge_cases() {
        for s in [
            "",
            ".",
            "..",
            "a",
            "_",
            "A9_",
            "9a",
            "a.b",
            "a.b.c",
            ".a",
            "a.",
            "a..b",
            "com.acme.Order",
            "com.9acme.Order",
            "com.acme.9Order",
            "é",
            "aé",
            "a-b",
            "a b",
            " a",
            "a\n",
            "_._",
        ] {
            agree(s);
        }
        assert_eq!(name_start("com.acme.Order"), Some(9));
        assert_eq!(name_start(".Order"), Some(1));
        assert_eq!(name_start("a..b"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]
        #[test]
        fn agree_with_the_specification(s in "[aZ_09.\\-é \n]{0,8}") {
            agree(&s);
        }
    }
}
