//! The registry's data: schemas, subject versions, references, configuration and modes.

use std::fmt;
use std::str::FromStr;

use contrail_contracts::compat::CompatibilityMode;
use contrail_contracts::schema::SchemaFormat;
use serde::{Deserialize, Serialize};

use crate::guid;

/// The compatibility level of a registry without any configuration (Confluent's default).
pub const DEFAULT_COMPATIBILITY: CompatibilityMode = CompatibilityMode::Backward;

/// The schema languages the registry stores (`schemaType`; absent means AVRO).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaType {
    Avro,
    Json,
    Protobuf,
}

impl SchemaType {
    pub const ALL: [SchemaType; 3] = [SchemaType::Json, SchemaType::Protobuf, SchemaType::Avro];

    /// The name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaType::Avro => "AVRO",
            SchemaType::Json => "JSON",
            SchemaType::Protobuf => "PROTOBUF",
        }
    }
}

/// The registry's name for each language the catalog reads: the one mapping between the two.
impl From<SchemaFormat> for SchemaType {
    fn from(format: SchemaFormat) -> SchemaType {
        match format {
            SchemaFormat::Avro => SchemaType::Avro,
            SchemaFormat::JsonSchema => SchemaType::Json,
            SchemaFormat::Protobuf => SchemaType::Protobuf,
        }
    }
}

impl fmt::Display for SchemaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SchemaType {
    type Err = String;

    /// Case-insensitive, as Confluent's providers are looked up.
    fn from_str(s: &str) -> Result<Self, String> {
        SchemaType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("Invalid schema type {s}"))
    }
}

/// A Confluent schema reference: the named type `name` is defined by `subject` at `version`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reference {
    pub name: String,
    pub subject: String,
    pub version: i64,
}

/// A schema as it is stored: canonical text, language and references. Two requests that give
/// the same `NewSchema` get the same global id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSchema {
    pub schema_type: SchemaType,
    pub canonical: String,
    pub references: Vec<Reference>,
}

impl NewSchema {
    /// The references as the JSON array stored next to the text (part of the identity).
    pub fn references_json(&self) -> String {
        references_json(&self.references)
    }

    /// The schema's GUID ([`crate::guid`]), as stored next to it.
    pub fn guid(&self) -> String {
        guid::schema_guid_text(&self.canonical, &self.references)
    }
}

/// The stored form of a list of references.
pub fn references_json(references: &[Reference]) -> String {
    serde_json::to_string(references).unwrap_or_else(|_| "[]".to_owned())
}

/// A schema known by its global id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchema {
    pub id: i64,
    pub schema_type: SchemaType,
    /// The canonical text.
    pub schema: String,
    pub references: Vec<Reference>,
}

impl StoredSchema {
    /// The schema's GUID ([`crate::guid`]): a function of its text and references.
    pub fn guid(&self) -> String {
        guid::schema_guid_text(&self.schema, &self.references)
    }
}

/// One version of a subject with its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectVersion {
    pub subject: String,
    pub version: i64,
    pub deleted: bool,
    pub schema: StoredSchema,
}

/// One version of a subject, without the schema text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionEntry {
    pub version: i64,
    pub id: i64,
    pub deleted: bool,
}

/// How many live and soft-deleted versions a subject has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectSummary {
    pub subject: String,
    pub live: u64,
    pub deleted: u64,
}

/// Where a schema id is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub subject: String,
    pub version: i64,
    pub deleted: bool,
}

/// A schema id in a context (`/schemas/guids/{guid}/ids`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextId {
    pub context: String,
    pub id: i64,
}

/// A schema that references a subject version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Referrer {
    pub id: i64,
    /// Whether some subject still has a live (not soft-deleted) version with this schema.
    pub live: bool,
}

/// A reference resolved to the schema it names. Lists of these are in dependency order:
/// a schema comes after every schema it references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedReference {
    pub reference: Reference,
    /// The version the reference resolved to (`-1` in a request means the latest).
    pub version: i64,
    pub schema: StoredSchema,
}

/// Compatibility configuration of the registry or of one subject. `None` fields are unset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Config {
    pub compatibility: Option<CompatibilityMode>,
    pub normalize: Option<bool>,
}

impl Config {
    /// `self` with the fields `update` sets replaced.
    pub fn merged(self, update: Config) -> Config {
        Config {
            compatibility: update.compatibility.or(self.compatibility),
            normalize: update.normalize.or(self.normalize),
        }
    }
}

/// The compatibility level a subject's registrations are checked under, from the settings of
/// its scope chain ([`crate::context::scope_chain`]), nearest first: the first that sets one.
pub fn effective_compatibility(chain: &[Option<Config>]) -> CompatibilityMode {
    chain
        .iter()
        .flatten()
        .find_map(|c| c.compatibility)
        .unwrap_or(DEFAULT_COMPATIBILITY)
}

/// Whether schemas of a subject are normalized before they are stored or looked up (the
/// scope chain as for [`effective_compatibility`]).
pub fn effective_normalize(chain: &[Option<Config>]) -> bool {
    chain
        .iter()
        .flatten()
        .find_map(|c| c.normalize)
        .unwrap_or(false)
}

/// What a registry (or one subject) lets clients do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Registrations and deletes allowed (the default).
    ReadWrite,
    /// Registrations and deletes refused.
    ReadOnly,
    /// Like READONLY; set globally it also overrides every subject's own mode.
    ReadOnlyOverride,
    /// Registrations must bring their ids (migrations between registries keep ids).
    Import,
}

impl Mode {
    pub const ALL: [Mode; 4] = [
        Mode::ReadWrite,
        Mode::ReadOnly,
        Mode::ReadOnlyOverride,
        Mode::Import,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadWrite => "READWRITE",
            Mode::ReadOnly => "READONLY",
            Mode::ReadOnlyOverride => "READONLY_OVERRIDE",
            Mode::Import => "IMPORT",
        }
    }

    pub fn is_read_only(self) -> bool {
        matches!(self, Mode::ReadOnly | Mode::ReadOnlyOverride)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Mode::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "Invalid mode {s}: expected one of {}",
                    Mode::ALL.map(Mode::as_str).join(", ")
                )
            })
    }
}

/// The mode in force for a subject, from the modes of its scope chain
/// ([`crate::context::scope_chain`]), nearest first: a READONLY_OVERRIDE further up (its
/// context's, the registry's) wins, then the nearest mode set, then READWRITE.
pub fn effective_mode(chain: &[Option<Mode>]) -> Mode {
    if chain
        .iter()
        .skip(1)
        .any(|m| *m == Some(Mode::ReadOnlyOverride))
    {
        return Mode::ReadOnlyOverride;
    }
    chain
        .iter()
        .flatten()
        .copied()
        .next()
        .unwrap_or(Mode::ReadWrite)
}

/// Which version a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSelector {
    /// `latest` or `-1`.
    Latest,
    Number(i64),
}

impl FromStr for VersionSelector {
    type Err = String;

    /// Confluent's `VersionId`: `latest` (any case) or `-1`, or an integer in [1, 2^31-1].
    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("latest") || s == "-1" {
            return Ok(VersionSelector::Latest);
        }
        match s.parse::<i64>() {
            Ok(n) if (1..=i64::from(i32::MAX)).contains(&n) => Ok(VersionSelector::Number(n)),
            _ => Err(format!(
                "The specified version '{s}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_like_confluent() {
        assert_eq!("latest".parse(), Ok(VersionSelector::Latest));
        assert_eq!("LATEST".parse(), Ok(VersionSelector::Latest));
        assert_eq!("-1".parse(), Ok(VersionSelector::Latest));
        assert_eq!("7".parse(), Ok(VersionSelector::Number(7)));
        for bad in ["0", "-2", "abc", "2147483648", ""] {
            assert!(bad.parse::<VersionSelector>().is_err(), "{bad}");
        }
    }

    #[test]
    fn catalog_formats_have_their_confluent_names() {
        let names = [
            SchemaFormat::Avro,
            SchemaFormat::JsonSchema,
            SchemaFormat::Protobuf,
        ]
        .map(|format| SchemaType::from(format).as_str());
        assert_eq!(names, ["AVRO", "JSON", "PROTOBUF"]);
    }

    #[test]
    fn modes_resolve_with_override() {
        use Mode::*;
        assert_eq!(effective_mode(&[None, None]), ReadWrite);
        assert_eq!(effective_mode(&[Some(Import), Some(ReadOnly)]), Import);
        assert_eq!(effective_mode(&[None, Some(ReadOnly)]), ReadOnly);
        assert_eq!(effective_mode(&[None, None, Some(Import)]), Import);
        assert_eq!(
            effective_mode(&[Some(ReadWrite), None, Some(ReadOnlyOverride)]),
            ReadOnlyOverride
        );
        assert_eq!("readonly".parse(), Ok(ReadOnly));
        assert!("FORWARD".parse::<Mode>().is_err());
    }

    #[test]
    fn config_falls_back_to_global_then_default() {
        let full = Config {
            compatibility: Some(CompatibilityMode::Full),
            normalize: None,
        };
        assert_eq!(
            effective_compatibility(&[None, None]),
            CompatibilityMode::Backward
        );
        assert_eq!(
            effective_compatibility(&[None, None, Some(full)]),
            CompatibilityMode::Full
        );
        assert_eq!(
            effective_compatibility(&[Some(Config::default()), Some(full)]),
            CompatibilityMode::Full
        );
        assert!(!effective_normalize(&[Some(full), None]));
    }
}
