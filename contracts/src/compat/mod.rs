//! Schema compatibility: can consumers still read what producers write after a change?
//!
//! The verdicts follow Confluent Schema Registry, so a change that passes here is accepted
//! there: Avro by Java Avro's `SchemaCompatibility` rules ([`avro`]), JSON Schema by
//! Confluent's JSON Schema diff rules ([`json_schema`]), Protobuf by Confluent's Protobuf
//! schema diff ([`protobuf`]). Unlike both, every incompatibility is
//! reported (not only the first), each with the JSON pointer of the offending place in the
//! reader and the writer schema.
//!
//! Terms: the *writer* schema is the one data was written with; the *reader* schema is the one
//! a consumer decodes with. BACKWARD means the new schema can read data written with the old
//! one (new = reader); FORWARD means the old schema can read data written with the new one
//! (old = reader); FULL means both.

pub mod avro;
pub mod codes;
pub mod evolution;
pub mod field_diff;
pub mod json_schema;
pub mod protobuf;

use std::fmt;

use serde::Serialize;

pub use crate::model::CompatibilityMode;

/// One reason a reader schema cannot read data written with a writer schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incompatibility {
    /// The rule broken, in Confluent's vocabulary (`READER_FIELD_MISSING_DEFAULT_VALUE`, ...).
    pub rule: &'static str,
    /// JSON pointer into the reader schema document.
    pub reader_path: String,
    /// JSON pointer into the writer schema document.
    pub writer_path: String,
    /// What is wrong, naming fields and types.
    pub message: String,
}

/// Which way a comparison ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The new schema reads data written with an old one (BACKWARD).
    NewReadsOld,
    /// An old schema reads data written with the new one (FORWARD).
    OldReadsNew,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::NewReadsOld => "the new schema cannot read data written with",
            Direction::OldReadsNew => "readers using",
        })
    }
}

/// The result of comparing the new schema with one earlier version in one direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// Index of the earlier version in the list given, oldest first.
    pub old_index: usize,
    pub direction: Direction,
    pub incompatibilities: Vec<Incompatibility>,
}

/// The verdict for a new schema against its history under a mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub mode: CompatibilityMode,
    pub compatible: bool,
    pub comparisons: Vec<Comparison>,
}

/// A schema version ready to compare.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaVersion {
    Avro(avro::AvroSchema),
    /// A JSON schema with the documents its `$ref`s name.
    Json(json_schema::Document),
    /// A compiled `.proto` file with the files it imports.
    Protobuf(Box<protobuf::ProtoSchema>),
}

impl SchemaVersion {
    /// A JSON schema that refers to no other document.
    pub fn json(root: serde_json::Value) -> Self {
        SchemaVersion::Json(json_schema::Document::new(root))
    }

    pub fn format(&self) -> crate::schema::SchemaFormat {
        match self {
            SchemaVersion::Avro(_) => crate::schema::SchemaFormat::Avro,
            SchemaVersion::Json(_) => crate::schema::SchemaFormat::JsonSchema,
            SchemaVersion::Protobuf(_) => crate::schema::SchemaFormat::Protobuf,
        }
    }
}

/// Builds the comparable form of a schema loaded into a catalog, with the Avro named types it
/// takes from other files.
pub fn version_of(
    catalog: &crate::model::Catalog,
    id: crate::schema::SchemaId,
) -> Result<SchemaVersion, String> {
    let schema = catalog.schemas.get(id);
    if schema.format == crate::schema::SchemaFormat::Protobuf {
        return protobuf_version(catalog, schema);
    }
    let json = schema
        .json
        .as_ref()
        .ok_or_else(|| format!("{} did not load", schema.display_name()))?;
    match schema.format {
        crate::schema::SchemaFormat::Avro => {
            let references: Vec<&serde_json::Value> = schema
                .references
                .iter()
                .filter_map(|(_, file)| {
                    catalog
                        .schemas
                        .find(file, "")
                        .and_then(|r| catalog.schemas.get(r).json.as_ref())
                })
                .collect();
            avro::AvroSchema::parse(json, &references)
                .map(SchemaVersion::Avro)
                .map_err(|e| e.to_string())
        }
        crate::schema::SchemaFormat::JsonSchema => {
            let mut document = json_schema::Document::new(json.clone());
            for (name, referenced) in crate::load::json_schema_references(catalog, schema) {
                document = document.with_reference(name, referenced);
            }
            Ok(SchemaVersion::Json(document))
        }
        crate::schema::SchemaFormat::Protobuf => protobuf_version(catalog, schema),
    }
}

/// A `.proto` file of a catalog compiled with the files it imports, found among the catalog's
/// `.proto` files by import name (a file whose path ends with the name).
fn protobuf_version(
    catalog: &crate::model::Catalog,
    schema: &crate::schema::LoadedSchema,
) -> Result<SchemaVersion, String> {
    let text = schema
        .text
        .as_ref()
        .ok_or_else(|| format!("{} did not load", schema.display_name()))?;
    protobuf_version_of_text(catalog, schema, text)
}

/// `text`, another version of the `.proto` file `schema` (an earlier commit's), compiled with
/// the files it imports as the catalog holds them today.
pub fn protobuf_version_of_text(
    catalog: &crate::model::Catalog,
    schema: &crate::schema::LoadedSchema,
    text: &str,
) -> Result<SchemaVersion, String> {
    let files: Vec<(std::path::PathBuf, String)> = catalog
        .schemas
        .iter()
        .filter(|(_, s)| s.format == crate::schema::SchemaFormat::Protobuf && s.pointer.is_empty())
        .filter_map(|(_, s)| Some((s.file.clone(), s.text.clone()?)))
        .collect();
    let root = schema.file.to_string_lossy().replace('\\', "/");
    protobuf::ProtoSchema::compile_with(&root, text, move |name| {
        files
            .iter()
            .find(|(file, _)| file.ends_with(name))
            .map(|(_, text)| text.clone())
    })
    .map(|p| SchemaVersion::Protobuf(Box::new(p)))
    .map_err(|e| format!("{}: {e}", schema.display_name()))
}

/// Two versions in different schema languages cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "version {index} is {found}, but the new schema is {expected}; a subject keeps one schema language"
)]
pub struct FormatMismatch {
    pub index: usize,
    pub expected: crate::schema::SchemaFormat,
    pub found: crate::schema::SchemaFormat,
}

/// Checks `new` against `history` (oldest first) under `mode`.
pub fn check(
    mode: CompatibilityMode,
    new: &SchemaVersion,
    history: &[SchemaVersion],
) -> Result<Report, FormatMismatch> {
    if let Some((index, old)) = history
        .iter()
        .enumerate()
        .find(|(_, old)| old.format() != new.format())
    {
        return Err(FormatMismatch {
            index,
            expected: new.format(),
            found: old.format(),
        });
    }
    Ok(check_with(mode, new, history, |reader, writer| {
        match (reader, writer) {
            (SchemaVersion::Avro(r), SchemaVersion::Avro(w)) => avro::can_read(r, w),
            (SchemaVersion::Json(r), SchemaVersion::Json(w)) => json_schema::can_read_with(r, w),
            (SchemaVersion::Protobuf(r), SchemaVersion::Protobuf(w)) => protobuf::can_read(r, w),
            _ => Vec::new(),
        }
    }))
}

/// The pairs a mode compares: (index of the old version, direction). `history` is oldest first.
/// Non-transitive modes compare with the latest version only.
pub fn pairs(mode: CompatibilityMode, history_len: usize) -> Vec<(usize, Direction)> {
    use CompatibilityMode as M;
    if history_len == 0 {
        return Vec::new();
    }
    let olds: Vec<usize> = if mode.is_transitive() {
        (0..history_len).collect()
    } else {
        vec![history_len - 1]
    };
    let directions: &[Direction] = match mode {
        M::None => &[],
        M::Backward | M::BackwardTransitive => &[Direction::NewReadsOld],
        M::Forward | M::ForwardTransitive => &[Direction::OldReadsNew],
        M::Full | M::FullTransitive => &[Direction::NewReadsOld, Direction::OldReadsNew],
    };
    olds.iter()
        .flat_map(|&old| directions.iter().map(move |&d| (old, d)))
        .collect()
}

/// Checks `new` against `history` (oldest first) under `mode` with a format's reader/writer
/// check `can_read(reader, writer)`.
pub fn check_with<S>(
    mode: CompatibilityMode,
    new: &S,
    history: &[S],
    can_read: impl Fn(&S, &S) -> Vec<Incompatibility>,
) -> Report {
    let comparisons: Vec<Comparison> = pairs(mode, history.len())
        .into_iter()
        .map(|(old_index, direction)| {
            let old = &history[old_index];
            let incompatibilities = match direction {
                Direction::NewReadsOld => can_read(new, old),
                Direction::OldReadsNew => can_read(old, new),
            };
            Comparison {
                old_index,
                direction,
                incompatibilities,
            }
        })
        .collect();
    let compatible = comparisons.iter().all(|c| c.incompatibilities.is_empty());
    Report {
        mode,
        compatible,
        comparisons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_compare_the_right_pairs() {
        use CompatibilityMode as M;
        use Direction::*;
        assert_eq!(pairs(M::None, 3), []);
        assert_eq!(pairs(M::Backward, 3), [(2, NewReadsOld)]);
        assert_eq!(pairs(M::Forward, 3), [(2, OldReadsNew)]);
        assert_eq!(pairs(M::Full, 1), [(0, NewReadsOld), (0, OldReadsNew)]);
        assert_eq!(
            pairs(M::BackwardTransitive, 3),
            [(0, NewReadsOld), (1, NewReadsOld), (2, NewReadsOld)]
        );
        assert_eq!(pairs(M::FullTransitive, 2).len(), 4);
        assert_eq!(pairs(M::FullTransitive, 0), []);
    }
}
