//! The messages of the differences reported: the place (a property, a dependency's schema,
//! the root), what changed in words (a detail from the comparison or the rule's default text)
//! and the rule's Confluent name; and contrail's own two findings.

use super::Change;
use super::context::Diff;
use super::loader::Loader;
use super::model::Side;
use super::rules::{JsonSchemaRule, JsonSchemaRule as R};

impl Diff {
    /// The difference as reported: pointers into both documents and a message naming the
    /// place, what changed and the rule.
    pub(super) fn to_change(&self, loader: &Loader<'_>) -> Change {
        let o_ptr = loader.display(self.o.side, &loader.locate(&self.o, &self.o_attr));
        let u_ptr = loader.display(self.u.side, &loader.locate(&self.u, &self.u_attr));
        let (writer_ptr, reader_ptr) = if self.o.side == Side::Writer {
            (o_ptr, u_ptr)
        } else {
            (u_ptr, o_ptr)
        };
        let subject = if self.data.is_empty() {
            match self.logical.as_slice() {
                [first, key, _, ..] if first == "dependencies" => {
                    format!("the schema that applies when `{key}` is present")
                }
                [first, key] if first == "dependencies" && !is_dependency_rule(self.rule) => {
                    format!("the schema that applies when `{key}` is present")
                }
                _ => "the root schema".to_string(),
            }
        } else {
            format!("property `/{}`", self.data.join("/"))
        };
        let text = if self.detail.is_empty() {
            default_text(self.rule).to_string()
        } else {
            self.detail.clone()
        };
        Change {
            rule: self.rule,
            compatible: self.rule.is_compatible(),
            path: format!("#/{}", self.logical.join("/")),
            reader_path: reader_ptr,
            writer_path: writer_ptr,
            message: format!("{subject} {text} ({})", self.rule),
        }
    }
}

/// Whether a rule concerns a dependency itself rather than the schema a dependency applies.
fn is_dependency_rule(rule: JsonSchemaRule) -> bool {
    matches!(
        rule,
        R::DependencyArrayAdded
            | R::DependencyArrayRemoved
            | R::DependencyArrayExtended
            | R::DependencyArrayNarrowed
            | R::DependencyArrayChanged
            | R::DependencySchemaAdded
            | R::DependencySchemaRemoved
    )
}

/// A `$ref` at `ptr` (a pointer into the root, or `name#/pointer` into a referenced
/// document) that resolves neither inside its document nor to one of the side's references.
pub(super) fn unresolved_reference(side: Side, ptr: String, reference: &str) -> Change {
    let rule = R::UnresolvedReference;
    let message = format!(
        "the {} schema's $ref `{reference}` at `{}` cannot be resolved within the document or its references ({rule})",
        side.name(),
        display_pointer(&ptr)
    );
    let (writer_path, reader_path) = match side {
        Side::Writer => (ptr.clone(), String::new()),
        Side::Reader => (String::new(), ptr.clone()),
    };
    Change {
        rule,
        compatible: false,
        path: if ptr.contains('#') {
            ptr.clone()
        } else {
            format!("#{ptr}")
        },
        reader_path,
        writer_path,
        message,
    }
}

/// The comparison stopped at contrail's depth or work bounds.
pub(super) fn limit_change() -> Change {
    let rule = R::ComparisonLimitExceeded;
    Change {
        rule,
        compatible: false,
        path: "#/".to_string(),
        reader_path: String::new(),
        writer_path: String::new(),
        message: format!("the schemas are too deep or too large to compare completely ({rule})"),
    }
}

/// A keyword's number as written in messages: `10`, not `10.0`.
pub(super) fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn display_pointer(ptr: &str) -> &str {
    if ptr.is_empty() { "/" } else { ptr }
}

/// What a rule means, for messages that have no more specific detail.
fn default_text(rule: JsonSchemaRule) -> &'static str {
    match rule {
        R::IdChanged => "changed its $id",
        R::TitleChanged => "changed its title",
        R::DescriptionChanged => "changed its description",
        R::DefaultChanged => "changed its default value",
        R::SchemaAdded => {
            "gained an items schema, so items the writer left unconstrained may be rejected"
        }
        R::SchemaRemoved => "lost its items schema (any item is accepted)",
        R::SumTypeExtended => "accepts more alternatives (oneOf/anyOf/type) than before",
        R::SumTypeNarrowed => "accepts fewer alternatives (oneOf/anyOf/type) than before",
        R::ProductTypeExtended => "must satisfy more allOf subschemas than before",
        R::ProductTypeNarrowed => "must satisfy fewer allOf subschemas than before",
        R::NotTypeNarrowed => "has a `not` that rejects no more than before",
        R::NotTypeExtended => "has a `not` that rejects values the writer allowed",
        R::RequiredAttributeAdded => "became required",
        R::RequiredAttributeWithDefaultAdded => "became required (it has a default)",
        R::RequiredAttributeRemoved => "is no longer required",
        R::AdditionalPropertiesAdded => "now allows additional properties",
        R::AdditionalPropertiesRemoved => {
            "no longer allows additional properties (additionalProperties: false)"
        }
        R::AdditionalPropertiesExtended => {
            "no longer constrains additional properties with a schema"
        }
        R::AdditionalPropertiesNarrowed => "now constrains additional properties with a schema",
        R::AdditionalItemsAdded => "now allows additional items",
        R::AdditionalItemsRemoved => "no longer allows additional items",
        R::AdditionalItemsExtended => "no longer constrains additional items with a schema",
        R::AdditionalItemsNarrowed => "now constrains additional items with a schema",
        R::UnevaluatedPropertiesAdded | R::UnevaluatedItemsAdded => "now allows unevaluated values",
        R::UnevaluatedPropertiesRemoved | R::UnevaluatedItemsRemoved => {
            "no longer allows unevaluated values"
        }
        R::UnevaluatedPropertiesExtended | R::UnevaluatedItemsExtended => {
            "no longer constrains unevaluated values with a schema"
        }
        R::UnevaluatedPropertiesNarrowed | R::UnevaluatedItemsNarrowed => {
            "now constrains unevaluated values with a schema"
        }
        R::DependencyArrayAdded => "gained a property dependency",
        R::DependencyArrayRemoved => "lost a property dependency",
        R::DependencyArrayExtended => "requires more properties through its dependency",
        R::DependencyArrayNarrowed => "requires fewer properties through its dependency",
        R::DependencyArrayChanged => "requires other properties through its dependency",
        R::DependencySchemaAdded => "gained a schema dependency",
        R::DependencySchemaRemoved => "lost a schema dependency",
        R::OptionalPropertyAddedToOpenContentModel => {
            "was added to an open content model, where the writer may already have written it with another type"
        }
        R::RequiredPropertyAddedToOpenContentModel => {
            "was added as a required property to an open content model"
        }
        R::RequiredPropertyWithDefaultAddedToOpenContentModel => {
            "was added as a required property (with a default) to an open content model"
        }
        R::PropertyWithEmptySchemaAddedToOpenContentModel => {
            "was added with an empty schema to an open content model"
        }
        R::RequiredPropertyAddedToUnopenContentModel => {
            "was added as a required property without a default to a closed content model"
        }
        R::RequiredPropertyWithDefaultAddedToUnopenContentModel => {
            "was added as a required property with a default to a closed content model"
        }
        R::OptionalPropertyAddedToUnopenContentModel => {
            "was added as an optional property to a closed content model"
        }
        R::PropertyRemovedFromOpenContentModel => "was removed from an open content model",
        R::PropertyWithFalseRemovedFromClosedContentModel => {
            "(declared `false`) was removed from a closed content model"
        }
        R::PropertyRemovedFromClosedContentModel => {
            "was removed from a closed content model, so data that has it is rejected"
        }
        R::PropertyRemovedIsCoveredByPartiallyOpenContentModel => {
            "was removed but is still accepted by the patternProperties/additionalProperties schema"
        }
        R::PropertyRemovedNotCoveredByPartiallyOpenContentModel => {
            "was removed and is not accepted by the patternProperties/additionalProperties schema"
        }
        R::PropertyAddedIsCoveredByPartiallyOpenContentModel => {
            "was added and accepts what the writer's patternProperties/additionalProperties schema allowed"
        }
        R::PropertyAddedNotCoveredByPartiallyOpenContentModel => {
            "was added with a schema that rejects values the writer's patternProperties/additionalProperties schema allowed"
        }
        R::ItemAddedToOpenContentModel => "was added as a tuple item to an open content model",
        R::ItemWithEmptySchemaAddedToOpenContentModel => {
            "was added as an empty tuple item to an open content model"
        }
        R::ItemAddedToClosedContentModel => "was added as a tuple item to a closed content model",
        R::ItemRemovedFromOpenContentModel => {
            "was removed as a tuple item from an open content model"
        }
        R::ItemWithFalseRemovedFromClosedContentModel => {
            "(declared `false`) was removed as a tuple item from a closed content model"
        }
        R::ItemRemovedFromClosedContentModel => {
            "was removed as a tuple item from a closed content model, so data that has it is rejected"
        }
        R::ItemRemovedIsCoveredByPartiallyOpenContentModel => {
            "was removed as a tuple item but is still accepted by the additional items schema"
        }
        R::ItemRemovedNotCoveredByPartiallyOpenContentModel => {
            "was removed as a tuple item and is not accepted by the additional items schema"
        }
        R::ItemAddedIsCoveredByPartiallyOpenContentModel => {
            "was added as a tuple item accepting what the writer's additional items schema allowed"
        }
        R::ItemAddedNotCoveredByPartiallyOpenContentModel => {
            "was added as a tuple item rejecting values the writer's additional items schema allowed"
        }
        R::UniqueItemsAdded => "now requires unique items",
        R::UniqueItemsRemoved => "no longer requires unique items",
        // The rules reported with a detail of their own (`changed type from string to integer`).
        _ => "changed",
    }
}
