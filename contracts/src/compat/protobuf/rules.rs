//! The 26 difference types of Confluent's Protobuf schema diff
//! (`io.confluent.kafka.schemaregistry.protobuf.diff.Difference.Type`) and which of them
//! Confluent accepts (`SchemaDiff.COMPATIBLE_CHANGES`).

use std::fmt;

macro_rules! rules {
    ($($name:ident = $compatible:literal,)*) => {
        /// One kind of difference between two Protobuf schemas, named as Confluent names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[expect(non_camel_case_types, reason = "Confluent's names, spelled as its API reports them")]
        pub enum Rule {
            $($name,)*
        }

        impl Rule {
            /// Every rule, in Confluent's declaration order.
            pub const ALL: &'static [Rule] = &[$(Rule::$name,)*];

            /// Confluent's name (`FIELD_KIND_CHANGED`), the `rule` of an incompatibility.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Rule::$name => stringify!($name),)*
                }
            }

            /// Whether Confluent accepts a schema with this difference (in the direction
            /// compared: original = writer, update = reader).
            pub const fn is_compatible(self) -> bool {
                match self {
                    $(Rule::$name => $compatible,)*
                }
            }
        }
    };
}

rules! {
    PACKAGE_CHANGED = false,
    MESSAGE_ADDED = true,
    MESSAGE_REMOVED = false,
    MESSAGE_MOVED = true,
    ENUM_ADDED = true,
    ENUM_REMOVED = true,
    ENUM_CONST_ADDED = true,
    ENUM_CONST_CHANGED = true,
    ENUM_CONST_REMOVED = true,
    FIELD_ADDED = true,
    FIELD_REMOVED = true,
    FIELD_NAME_CHANGED = true,
    FIELD_KIND_CHANGED = false,
    FIELD_SCALAR_KIND_CHANGED = false,
    FIELD_NAMED_TYPE_CHANGED = false,
    FIELD_NUMERIC_LABEL_CHANGED = false,
    FIELD_STRING_OR_BYTES_LABEL_CHANGED = true,
    REQUIRED_FIELD_ADDED = false,
    REQUIRED_FIELD_REMOVED = false,
    ONEOF_ADDED = true,
    ONEOF_REMOVED = true,
    ONEOF_FIELD_ADDED = true,
    ONEOF_FIELD_REMOVED = false,
    ONEOF_FIELD_MOVED_TO_TOP_LEVEL = true,
    MULTIPLE_FIELDS_MOVED_TO_ONEOF = false,
    FIELD_MOVED_TO_EXISTING_ONEOF = false,
}

impl Rule {
    /// The rule with Confluent's name, if there is one.
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.name() == name)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_six_rules_fifteen_compatible() {
        assert_eq!(Rule::ALL.len(), 26);
        assert_eq!(Rule::ALL.iter().filter(|r| r.is_compatible()).count(), 15);
        assert_eq!(Rule::from_name("ONEOF_ADDED"), Some(Rule::ONEOF_ADDED));
        assert_eq!(Rule::from_name("TYPE_CHANGED"), None);
    }
}
