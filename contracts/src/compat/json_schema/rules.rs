//! The rules: Confluent's `Difference.Type` names and which of them `SchemaDiff` accepts.
//!
//! A rule is a [`JsonSchemaRule`] everywhere in the checker, so a misspelt rule is a compile
//! error; its Confluent name ([`JsonSchemaRule::as_str`]) is what reports print and what
//! suppressions and SARIF name.

use std::fmt;

use JsonSchemaRule as R;

/// Declares [`JsonSchemaRule`] from one `Variant = "CONFLUENT_NAME"` row per rule, so that a
/// variant and its name are written once, side by side.
macro_rules! rules {
    ($( $variant:ident = $name:literal, )*) => {
        /// A kind of difference between two JSON Schemas: Confluent's `Difference.Type`
        /// (8.x, which no longer reports the deprecated `PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`),
        /// plus contrail's `UNRESOLVED_REFERENCE` and `COMPARISON_LIMIT_EXCEEDED`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum JsonSchemaRule {
            $( $variant, )*
        }

        impl JsonSchemaRule {
            /// Every rule, in declaration order.
            #[cfg(test)]
            const ALL: &[JsonSchemaRule] = &[$(Self::$variant),*];

            /// Confluent's name of the rule (`TYPE_CHANGED`), as reports print it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }
        }
    };
}

rules! {
    // Annotations and the schema as a whole (`SchemaDiff`).
    IdChanged = "ID_CHANGED",
    DescriptionChanged = "DESCRIPTION_CHANGED",
    TitleChanged = "TITLE_CHANGED",
    DefaultChanged = "DEFAULT_CHANGED",
    SchemaAdded = "SCHEMA_ADDED",
    SchemaRemoved = "SCHEMA_REMOVED",
    TypeExtended = "TYPE_EXTENDED",
    TypeNarrowed = "TYPE_NARROWED",
    TypeChanged = "TYPE_CHANGED",
    // Strings (`StringSchemaDiff`).
    MaxLengthAdded = "MAX_LENGTH_ADDED",
    MaxLengthRemoved = "MAX_LENGTH_REMOVED",
    MaxLengthIncreased = "MAX_LENGTH_INCREASED",
    MaxLengthDecreased = "MAX_LENGTH_DECREASED",
    MinLengthAdded = "MIN_LENGTH_ADDED",
    MinLengthRemoved = "MIN_LENGTH_REMOVED",
    MinLengthIncreased = "MIN_LENGTH_INCREASED",
    MinLengthDecreased = "MIN_LENGTH_DECREASED",
    PatternAdded = "PATTERN_ADDED",
    PatternRemoved = "PATTERN_REMOVED",
    PatternChanged = "PATTERN_CHANGED",
    // Numbers (`NumberSchemaDiff`).
    MaximumAdded = "MAXIMUM_ADDED",
    MaximumRemoved = "MAXIMUM_REMOVED",
    MaximumIncreased = "MAXIMUM_INCREASED",
    MaximumDecreased = "MAXIMUM_DECREASED",
    MinimumAdded = "MINIMUM_ADDED",
    MinimumRemoved = "MINIMUM_REMOVED",
    MinimumIncreased = "MINIMUM_INCREASED",
    MinimumDecreased = "MINIMUM_DECREASED",
    ExclusiveMaximumAdded = "EXCLUSIVE_MAXIMUM_ADDED",
    ExclusiveMaximumRemoved = "EXCLUSIVE_MAXIMUM_REMOVED",
    ExclusiveMaximumIncreased = "EXCLUSIVE_MAXIMUM_INCREASED",
    ExclusiveMaximumDecreased = "EXCLUSIVE_MAXIMUM_DECREASED",
    ExclusiveMinimumAdded = "EXCLUSIVE_MINIMUM_ADDED",
    ExclusiveMinimumRemoved = "EXCLUSIVE_MINIMUM_REMOVED",
    ExclusiveMinimumIncreased = "EXCLUSIVE_MINIMUM_INCREASED",
    ExclusiveMinimumDecreased = "EXCLUSIVE_MINIMUM_DECREASED",
    MultipleOfAdded = "MULTIPLE_OF_ADDED",
    MultipleOfRemoved = "MULTIPLE_OF_REMOVED",
    MultipleOfExpanded = "MULTIPLE_OF_EXPANDED",
    MultipleOfReduced = "MULTIPLE_OF_REDUCED",
    MultipleOfChanged = "MULTIPLE_OF_CHANGED",
    // Enums and consts (`EnumSchemaDiff`, `ConstSchemaDiff`).
    EnumArrayExtended = "ENUM_ARRAY_EXTENDED",
    EnumArrayNarrowed = "ENUM_ARRAY_NARROWED",
    EnumArrayChanged = "ENUM_ARRAY_CHANGED",
    // Combinators (`CombinedSchemaDiff`, `NotSchemaDiff`).
    CombinedTypeExtended = "COMBINED_TYPE_EXTENDED",
    CombinedTypeChanged = "COMBINED_TYPE_CHANGED",
    ProductTypeExtended = "PRODUCT_TYPE_EXTENDED",
    ProductTypeNarrowed = "PRODUCT_TYPE_NARROWED",
    SumTypeExtended = "SUM_TYPE_EXTENDED",
    SumTypeNarrowed = "SUM_TYPE_NARROWED",
    CombinedTypeSubschemasChanged = "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
    NotTypeExtended = "NOT_TYPE_EXTENDED",
    NotTypeNarrowed = "NOT_TYPE_NARROWED",
    // Objects (`ObjectSchemaDiff`).
    RequiredAttributeAdded = "REQUIRED_ATTRIBUTE_ADDED",
    RequiredAttributeWithDefaultAdded = "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
    RequiredAttributeRemoved = "REQUIRED_ATTRIBUTE_REMOVED",
    DependencyArrayAdded = "DEPENDENCY_ARRAY_ADDED",
    DependencyArrayRemoved = "DEPENDENCY_ARRAY_REMOVED",
    DependencyArrayExtended = "DEPENDENCY_ARRAY_EXTENDED",
    DependencyArrayNarrowed = "DEPENDENCY_ARRAY_NARROWED",
    DependencyArrayChanged = "DEPENDENCY_ARRAY_CHANGED",
    DependencySchemaAdded = "DEPENDENCY_SCHEMA_ADDED",
    DependencySchemaRemoved = "DEPENDENCY_SCHEMA_REMOVED",
    MaxPropertiesAdded = "MAX_PROPERTIES_ADDED",
    MaxPropertiesRemoved = "MAX_PROPERTIES_REMOVED",
    MaxPropertiesIncreased = "MAX_PROPERTIES_INCREASED",
    MaxPropertiesDecreased = "MAX_PROPERTIES_DECREASED",
    MinPropertiesAdded = "MIN_PROPERTIES_ADDED",
    MinPropertiesRemoved = "MIN_PROPERTIES_REMOVED",
    MinPropertiesIncreased = "MIN_PROPERTIES_INCREASED",
    MinPropertiesDecreased = "MIN_PROPERTIES_DECREASED",
    AdditionalPropertiesAdded = "ADDITIONAL_PROPERTIES_ADDED",
    AdditionalPropertiesRemoved = "ADDITIONAL_PROPERTIES_REMOVED",
    AdditionalPropertiesExtended = "ADDITIONAL_PROPERTIES_EXTENDED",
    AdditionalPropertiesNarrowed = "ADDITIONAL_PROPERTIES_NARROWED",
    UnevaluatedPropertiesAdded = "UNEVALUATED_PROPERTIES_ADDED",
    UnevaluatedPropertiesRemoved = "UNEVALUATED_PROPERTIES_REMOVED",
    UnevaluatedPropertiesExtended = "UNEVALUATED_PROPERTIES_EXTENDED",
    UnevaluatedPropertiesNarrowed = "UNEVALUATED_PROPERTIES_NARROWED",
    OptionalPropertyAddedToOpenContentModel = "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    RequiredPropertyAddedToOpenContentModel = "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    RequiredPropertyWithDefaultAddedToOpenContentModel = "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
    PropertyWithEmptySchemaAddedToOpenContentModel = "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    RequiredPropertyAddedToUnopenContentModel = "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    RequiredPropertyWithDefaultAddedToUnopenContentModel = "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
    OptionalPropertyAddedToUnopenContentModel = "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    PropertyRemovedFromOpenContentModel = "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    PropertyWithFalseRemovedFromClosedContentModel = "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    PropertyRemovedFromClosedContentModel = "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    PropertyAddedIsCoveredByPartiallyOpenContentModel = "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    PropertyAddedNotCoveredByPartiallyOpenContentModel = "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    PropertyRemovedIsCoveredByPartiallyOpenContentModel = "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    PropertyRemovedNotCoveredByPartiallyOpenContentModel = "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    // Arrays (`ArraySchemaDiff`).
    MaxItemsAdded = "MAX_ITEMS_ADDED",
    MaxItemsRemoved = "MAX_ITEMS_REMOVED",
    MaxItemsIncreased = "MAX_ITEMS_INCREASED",
    MaxItemsDecreased = "MAX_ITEMS_DECREASED",
    MinItemsAdded = "MIN_ITEMS_ADDED",
    MinItemsRemoved = "MIN_ITEMS_REMOVED",
    MinItemsIncreased = "MIN_ITEMS_INCREASED",
    MinItemsDecreased = "MIN_ITEMS_DECREASED",
    UniqueItemsAdded = "UNIQUE_ITEMS_ADDED",
    UniqueItemsRemoved = "UNIQUE_ITEMS_REMOVED",
    AdditionalItemsAdded = "ADDITIONAL_ITEMS_ADDED",
    AdditionalItemsRemoved = "ADDITIONAL_ITEMS_REMOVED",
    AdditionalItemsExtended = "ADDITIONAL_ITEMS_EXTENDED",
    AdditionalItemsNarrowed = "ADDITIONAL_ITEMS_NARROWED",
    UnevaluatedItemsAdded = "UNEVALUATED_ITEMS_ADDED",
    UnevaluatedItemsRemoved = "UNEVALUATED_ITEMS_REMOVED",
    UnevaluatedItemsExtended = "UNEVALUATED_ITEMS_EXTENDED",
    UnevaluatedItemsNarrowed = "UNEVALUATED_ITEMS_NARROWED",
    ItemAddedToOpenContentModel = "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
    ItemWithEmptySchemaAddedToOpenContentModel = "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
    ItemAddedToClosedContentModel = "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
    ItemRemovedFromOpenContentModel = "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
    ItemWithFalseRemovedFromClosedContentModel = "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    ItemRemovedFromClosedContentModel = "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    ItemAddedIsCoveredByPartiallyOpenContentModel = "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ItemAddedNotCoveredByPartiallyOpenContentModel = "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ItemRemovedIsCoveredByPartiallyOpenContentModel = "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ItemRemovedNotCoveredByPartiallyOpenContentModel = "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    MaxContainsAdded = "MAX_CONTAINS_ADDED",
    MaxContainsRemoved = "MAX_CONTAINS_REMOVED",
    MaxContainsIncreased = "MAX_CONTAINS_INCREASED",
    MaxContainsDecreased = "MAX_CONTAINS_DECREASED",
    MinContainsAdded = "MIN_CONTAINS_ADDED",
    MinContainsRemoved = "MIN_CONTAINS_REMOVED",
    MinContainsIncreased = "MIN_CONTAINS_INCREASED",
    MinContainsDecreased = "MIN_CONTAINS_DECREASED",
    // contrail's own: a schema it could not compare completely.
    UnresolvedReference = "UNRESOLVED_REFERENCE",
    ComparisonLimitExceeded = "COMPARISON_LIMIT_EXCEEDED",
}

impl JsonSchemaRule {
    /// Whether Confluent accepts a difference of this kind ([`COMPATIBLE_CHANGES`]).
    pub fn is_compatible(self) -> bool {
        COMPATIBLE_CHANGES.contains(&self)
    }
}

impl fmt::Display for JsonSchemaRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The differences Confluent treats as compatible (`SchemaDiff.COMPATIBLE_CHANGES_STRICT`),
/// plus the `*_CONTAINS_*` and `UNEVALUATED_*` ones inferred by analogy (see the module docs of
/// [`json_schema`](super)).
pub const COMPATIBLE_CHANGES: &[JsonSchemaRule] = &[
    R::IdChanged,
    R::DescriptionChanged,
    R::TitleChanged,
    R::DefaultChanged,
    R::SchemaRemoved,
    R::TypeExtended,
    R::MaxLengthIncreased,
    R::MaxLengthRemoved,
    R::MinLengthDecreased,
    R::MinLengthRemoved,
    R::PatternRemoved,
    R::MaximumIncreased,
    R::MaximumRemoved,
    R::MinimumDecreased,
    R::MinimumRemoved,
    R::ExclusiveMaximumIncreased,
    R::ExclusiveMaximumRemoved,
    R::ExclusiveMinimumDecreased,
    R::ExclusiveMinimumRemoved,
    R::MultipleOfReduced,
    R::MultipleOfRemoved,
    R::RequiredAttributeWithDefaultAdded,
    R::RequiredAttributeRemoved,
    R::DependencyArrayNarrowed,
    R::DependencyArrayRemoved,
    R::DependencySchemaRemoved,
    R::MaxPropertiesIncreased,
    R::MaxPropertiesRemoved,
    R::MinPropertiesDecreased,
    R::MinPropertiesRemoved,
    R::AdditionalPropertiesAdded,
    R::AdditionalPropertiesExtended,
    R::PropertyWithEmptySchemaAddedToOpenContentModel,
    R::RequiredPropertyWithDefaultAddedToUnopenContentModel,
    R::OptionalPropertyAddedToUnopenContentModel,
    R::PropertyWithFalseRemovedFromClosedContentModel,
    R::PropertyRemovedFromOpenContentModel,
    R::PropertyAddedIsCoveredByPartiallyOpenContentModel,
    R::PropertyRemovedIsCoveredByPartiallyOpenContentModel,
    R::MaxItemsIncreased,
    R::MaxItemsRemoved,
    R::MinItemsDecreased,
    R::MinItemsRemoved,
    R::UniqueItemsRemoved,
    R::AdditionalItemsAdded,
    R::AdditionalItemsExtended,
    R::ItemWithEmptySchemaAddedToOpenContentModel,
    R::ItemAddedToClosedContentModel,
    R::ItemWithFalseRemovedFromClosedContentModel,
    R::ItemRemovedFromOpenContentModel,
    R::ItemAddedIsCoveredByPartiallyOpenContentModel,
    R::ItemRemovedIsCoveredByPartiallyOpenContentModel,
    R::EnumArrayExtended,
    R::CombinedTypeExtended,
    R::ProductTypeNarrowed,
    R::SumTypeExtended,
    R::NotTypeNarrowed,
    // Inferred by analogy (not in the Confluent sources followed).
    R::MaxContainsIncreased,
    R::MaxContainsRemoved,
    R::MinContainsDecreased,
    R::MinContainsRemoved,
    R::UnevaluatedPropertiesAdded,
    R::UnevaluatedPropertiesExtended,
    R::UnevaluatedItemsAdded,
    R::UnevaluatedItemsExtended,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The variant names are the Confluent names in Rust's case, so neither can drift from the
    /// other.
    #[test]
    fn names_spell_the_variants() {
        for rule in JsonSchemaRule::ALL {
            let variant = format!("{rule:?}");
            let mut expected = String::new();
            for (i, c) in variant.chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    expected.push('_');
                }
                expected.push(c.to_ascii_uppercase());
            }
            assert_eq!(rule.as_str(), expected);
        }
    }

    #[test]
    fn compatible_changes_are_listed_once() {
        for (i, rule) in COMPATIBLE_CHANGES.iter().enumerate() {
            assert!(!COMPATIBLE_CHANGES[..i].contains(rule), "{rule} twice");
        }
    }
}
