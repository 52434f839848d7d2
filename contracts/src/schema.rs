//! Loaded payload schemas: Avro, JSON Schema and Protobuf, from files or inline in AsyncAPI.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::yaml::Node;

/// Index of a schema in its [`SchemaSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(pub usize);

/// The schema languages contrail reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaFormat {
    Avro,
    JsonSchema,
    Protobuf,
}

impl SchemaFormat {
    /// Tells the format from a file name: `.avsc`, `.json`, `.proto`.
    pub fn from_path(path: &Path) -> Option<SchemaFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "avsc" => Some(SchemaFormat::Avro),
            "json" => Some(SchemaFormat::JsonSchema),
            "proto" => Some(SchemaFormat::Protobuf),
            _ => None,
        }
    }

    /// Tells the format from an AsyncAPI `schemaFormat` media type. `None` for formats contrail
    /// does not read (RAML, OpenAPI schema objects are read as JSON Schema).
    pub fn from_media_type(media_type: &str) -> Option<SchemaFormat> {
        let base = media_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match base.as_str() {
            "application/vnd.apache.avro"
            | "application/vnd.apache.avro+json"
            | "application/vnd.apache.avro+yaml" => Some(SchemaFormat::Avro),
            "application/vnd.aai.asyncapi"
            | "application/vnd.aai.asyncapi+json"
            | "application/vnd.aai.asyncapi+yaml"
            | "application/schema+json"
            | "application/schema+yaml"
            | "application/vnd.oai.openapi"
            | "application/vnd.oai.openapi+json"
            | "application/vnd.oai.openapi+yaml" => Some(SchemaFormat::JsonSchema),
            "application/vnd.google.protobuf" | "application/x-protobuf" => {
                Some(SchemaFormat::Protobuf)
            }
            _ => None,
        }
    }
}

impl fmt::Display for SchemaFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SchemaFormat::Avro => "Avro",
            SchemaFormat::JsonSchema => "JSON Schema",
            SchemaFormat::Protobuf => "Protobuf",
        })
    }
}

/// One schema as loaded.
#[derive(Debug, Clone)]
pub struct LoadedSchema {
    pub format: SchemaFormat,
    /// The file the schema is in.
    pub file: PathBuf,
    /// Where inside the file (`""` for a whole schema file, a JSON pointer for an AsyncAPI payload).
    pub pointer: String,
    /// The schema as a tree with positions (Avro and JSON Schema).
    pub node: Option<Node>,
    /// The schema as JSON (Avro and JSON Schema).
    pub json: Option<serde_json::Value>,
    /// The source text of a whole-file schema, as registered with a registry.
    pub text: Option<String>,
    /// The parsed Avro schema, when it is Avro and parsed with its references.
    pub avro: Option<apache_avro::Schema>,
    /// The compiled Protobuf file with its imports, when it is Protobuf and compiles.
    pub protobuf: Option<crate::protobuf::Compiled>,
    /// Avro named types this schema takes from other files, with the file each comes from.
    pub references: Vec<(String, PathBuf)>,
    /// False when the schema did not parse; a finding says why.
    pub valid: bool,
}

impl LoadedSchema {
    /// `file` or `file#pointer`, for messages.
    pub fn display_name(&self) -> String {
        if self.pointer.is_empty() {
            self.file.display().to_string()
        } else {
            format!("{}#{}", self.file.display(), self.pointer)
        }
    }
}

/// All schemas of a catalog.
#[derive(Debug, Clone, Default)]
pub struct SchemaSet {
    schemas: Vec<LoadedSchema>,
    index: HashMap<(PathBuf, String), SchemaId>,
}

impl SchemaSet {
    pub fn get(&self, id: SchemaId) -> &LoadedSchema {
        &self.schemas[id.0]
    }

    pub fn find(&self, file: &Path, pointer: &str) -> Option<SchemaId> {
        self.index
            .get(&(file.to_path_buf(), pointer.to_owned()))
            .copied()
    }

    /// Adds a schema, or returns the id of the one already loaded from the same place.
    pub(crate) fn insert(&mut self, schema: LoadedSchema) -> SchemaId {
        let key = (schema.file.clone(), schema.pointer.clone());
        if let Some(id) = self.index.get(&key) {
            return *id;
        }
        let id = SchemaId(self.schemas.len());
        self.schemas.push(schema);
        self.index.insert(key, id);
        id
    }

    pub fn iter(&self) -> impl Iterator<Item = (SchemaId, &LoadedSchema)> {
        self.schemas
            .iter()
            .enumerate()
            .map(|(i, s)| (SchemaId(i), s))
    }

    pub fn len(&self) -> usize {
        self.schemas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.schemas.is_empty()
    }
}
