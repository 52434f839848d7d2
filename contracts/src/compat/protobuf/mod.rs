//! Protobuf compatibility with the semantics of Confluent Schema Registry's Protobuf schema
//! diff (`io.confluent.kafka.schemaregistry.protobuf.diff`, followed as of Confluent
//! 8.5.0 — commit 794611bd of confluentinc/schema-registry, which includes the 2026 rewrite
//! of the oneof rules). docs/compatibility.md lists the rules and how they changed across
//! Confluent releases.
//!
//! The whole root file is compared (package, every message and enum); imports only resolve
//! named types, and a type taken from an import is compared field by field when the two sides
//! take it from different files. Fields are matched by number, messages and enums by name.
//!
//! Confluent computes the differences from the *original* (the writer) to the *update* (the
//! reader) and refuses the update if any is outside its compatible set; BACKWARD compares
//! old → new, FORWARD new → old (so adding a top-level message is compatible BACKWARD and
//! breaks FORWARD as a removal).

mod diff;
mod fields;
pub mod loader;
mod rules;

use serde::Serialize;

pub use loader::{CompileError, ProtoSchema};
pub use rules::Rule;

use super::Incompatibility;

/// One difference from the original schema to the update, compatible or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub rule: Rule,
    /// Confluent's path: `#/` then message names, oneof names and field numbers
    /// (`#/TestMessage/new_oneof/3`).
    pub path: String,
    /// Where it is in the original, by names (`/OrderPlaced/Item/sku`); the enclosing
    /// message when the original lacks the element.
    pub original_path: String,
    /// Where it is in the update, by names.
    pub update_path: String,
    /// What changed, naming fields, numbers and types.
    pub detail: String,
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Every difference from `original` to `update`, compatible ones included, in walk order.
pub fn changes(original: &ProtoSchema, update: &ProtoSchema) -> Vec<Difference> {
    let mut ctx = diff::Ctx::new(original, update);
    ctx.files();
    ctx.diffs
}

/// Why `reader` cannot read data written with `writer`: the differences from the writer to
/// the reader that Confluent does not accept.
pub fn can_read(reader: &ProtoSchema, writer: &ProtoSchema) -> Vec<Incompatibility> {
    changes(writer, reader)
        .into_iter()
        .filter(|d| !d.rule.is_compatible())
        .map(|d| Incompatibility {
            rule: d.rule.name(),
            reader_path: d.update_path,
            writer_path: d.original_path,
            message: d.detail,
        })
        .collect()
}
