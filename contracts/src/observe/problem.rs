//! Why a record read from a topic could not join a flow.
//!
//! Shared by the decoder (which finds the problem) and the flow assembler (which counts it), so
//! both name the kinds the same way in every output.

use serde::{Deserialize, Serialize};

/// Why a record is a problem record: counted once, in exactly one kind, and placed in no flow.
///
/// The kinds are listed in the order a record is checked; the first that applies is its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Neither Confluent wire format nor plain JSON, where the event needs a registry.
    WrongMagic,
    /// The registry does not know the record's schema id.
    UnknownSchemaId,
    /// The body does not decode with its schema.
    Truncated,
    /// The record decodes, but to no event declared on its topic.
    NotDeclared,
    /// The record decodes to a declared event, but carries no correlation id where the
    /// event's contract says it does.
    NoCorrelationId,
}

impl ProblemKind {
    /// Every kind, in the order of the enum (and of the JSON report).
    pub const ALL: [ProblemKind; 5] = [
        ProblemKind::WrongMagic,
        ProblemKind::UnknownSchemaId,
        ProblemKind::Truncated,
        ProblemKind::NotDeclared,
        ProblemKind::NoCorrelationId,
    ];

    /// The kind as it is spelled in JSON output: `wrong_magic`, `unknown_schema_id`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::WrongMagic => "wrong_magic",
            ProblemKind::UnknownSchemaId => "unknown_schema_id",
            ProblemKind::Truncated => "truncated",
            ProblemKind::NotDeclared => "not_declared",
            ProblemKind::NoCorrelationId => "no_correlation_id",
        }
    }
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value per [`ProblemKind`], serialized as an object with one key per kind — always all
/// five, so readers of the JSON never meet a missing key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerProblem<T> {
    pub wrong_magic: T,
    pub unknown_schema_id: T,
    pub truncated: T,
    pub not_declared: T,
    pub no_correlation_id: T,
}

impl<T> PerProblem<T> {
    /// The value of `kind`.
    pub fn get(&self, kind: ProblemKind) -> &T {
        match kind {
            ProblemKind::WrongMagic => &self.wrong_magic,
            ProblemKind::UnknownSchemaId => &self.unknown_schema_id,
            ProblemKind::Truncated => &self.truncated,
            ProblemKind::NotDeclared => &self.not_declared,
            ProblemKind::NoCorrelationId => &self.no_correlation_id,
        }
    }

    /// The value of `kind`, to change.
    pub fn get_mut(&mut self, kind: ProblemKind) -> &mut T {
        match kind {
            ProblemKind::WrongMagic => &mut self.wrong_magic,
            ProblemKind::UnknownSchemaId => &mut self.unknown_schema_id,
            ProblemKind::Truncated => &mut self.truncated,
            ProblemKind::NotDeclared => &mut self.not_declared,
            ProblemKind::NoCorrelationId => &mut self.no_correlation_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_as_the_report_spells_them() {
        for kind in ProblemKind::ALL {
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::from(kind.as_str()))
            );
        }
        let mut counts = PerProblem::<u64>::default();
        *counts.get_mut(ProblemKind::Truncated) += 2;
        assert_eq!(*counts.get(ProblemKind::Truncated), 2);
        let keys: Vec<String> = serde_json::to_value(&counts)
            .ok()
            .and_then(|v| v.as_object().map(|o| o.keys().cloned().collect()))
            .unwrap_or_default();
        let names: Vec<&str> = ProblemKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(keys, names);
    }
}
