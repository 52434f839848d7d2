//! Payload schemas: the message's `schemaFormat` and `payload` (2.x) or multi-format schema
//! (3.x) loaded into the catalog's schema set — Avro with the catalog's named types, JSON Schema
//! with the files its `$ref`s name, Protobuf as text.

use std::path::{Path, PathBuf};

use super::Loader;
use super::references::{At, uri_scheme};
use crate::avro;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::load::schemas;
use crate::model::{SchemaRef, Spanned};
use crate::paths;
use crate::pointer::pointer_join;
use crate::schema::{LoadedSchema, SchemaFormat, SchemaId};
use crate::yaml::{Node, Span, Value};

/// How many schema nodes one document's `$ref` check visits at most.
pub(super) const SCHEMA_WALK_BUDGET: usize = 2_000_000;
/// The AsyncAPI schema object is a superset of JSON Schema draft-07.
const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

impl Loader<'_> {
    /// The message's payload schema, loaded; `None` when it has none contrail reads.
    pub(super) fn payload(&mut self, message: &At, sources: &[At]) -> Option<SchemaRef> {
        if message.node().get("payload").is_none_or(Node::is_null) {
            return None;
        }
        let payload = message.at("payload");
        let mut media: Option<Spanned<String>> = None;
        // AsyncAPI has no field naming the Protobuf message a payload is: contrail reads
        // `x-message` (on the 3.x multi-format schema object, or on the message), and takes
        // the file's first message without it, as for native events.
        let mut proto_message: Option<Spanned<String>> = None;
        let mut schema = payload.clone();
        if self.v3 {
            // A multi-format schema object, or a schema.
            let Some(target) = self.deref(payload.clone()) else {
                return Some(SchemaRef {
                    id: None,
                    written: self.written(&payload),
                    message: None,
                });
            };
            if target
                .node()
                .get("schemaFormat")
                .is_some_and(|f| !f.is_null())
            {
                // A `schemaFormat` that is not a string was reported; the schema is unreadable.
                media = Some(self.string(&target, "schemaFormat")?);
                if target.node().get("schema").is_none_or(Node::is_null) {
                    self.report(
                        codes::MISSING_KEY,
                        (&target.file, target.node().span),
                        &target.pointer,
                        "a payload with `schemaFormat` needs `schema`".to_owned(),
                        "put the schema itself under `schema:`",
                    );
                    return None;
                }
                proto_message = self.string(&target, "x-message");
                schema = target.at("schema");
            }
        } else {
            media = self.lookup_string(sources, "schemaFormat");
        }
        let format = match &media {
            None => SchemaFormat::JsonSchema,
            Some(m) => match SchemaFormat::from_media_type(&m.value) {
                Some(format) => format,
                None => {
                    let d = Diagnostic::new(
                        codes::ASYNCAPI_UNMAPPED,
                        format!(
                            "contrail does not read `{}` schemas; this message's payload is not checked",
                            m.value
                        ),
                    )
                    .at(m.location.clone())
                    .pointer(m.pointer.clone())
                    .help("contrail reads Avro, JSON Schema (and AsyncAPI/OpenAPI schema objects) and Protobuf payloads");
                    self.ctx.push(d);
                    return None;
                }
            },
        };
        let written = self.written(&schema);
        let draft = media.as_ref().and_then(|m| json_schema_draft(&m.value));
        let id = self.load_schema(&schema, format, draft);
        let message = match format {
            SchemaFormat::Protobuf => {
                proto_message.or_else(|| self.lookup_string(sources, "x-message"))
            }
            _ => None,
        };
        Some(SchemaRef {
            id,
            written,
            message,
        })
    }

    /// How a schema is written: its `$ref`, or `#<pointer>` for an inline schema.
    fn written(&self, schema: &At) -> Spanned<String> {
        let node = schema.node();
        match node.get("$ref") {
            Some(r) if r.as_str().is_some() => Spanned::new(
                r.as_str().unwrap_or_default().to_owned(),
                self.ctx.loc(&schema.file, r.span),
                schema.ptr("$ref"),
            ),
            _ => self.spanned(schema, format!("#{}", schema.pointer)),
        }
    }

    fn load_schema(
        &mut self,
        written: &At,
        format: SchemaFormat,
        draft: Option<&'static str>,
    ) -> Option<SchemaId> {
        // A `$ref` to a whole schema file is loaded as the catalog loads schema files.
        if let Some(text) = written.node().get("$ref").and_then(Node::as_str) {
            let (path_part, fragment) = text.trim().split_once('#').unwrap_or((text.trim(), ""));
            if !path_part.is_empty() && fragment.is_empty() && uri_scheme(path_part).is_none() {
                let base = written.file.parent().unwrap_or(Path::new(""));
                let path = paths::join(base, path_part);
                let by_name = SchemaFormat::from_path(&path);
                if path.is_file() && (by_name == Some(format) || format == SchemaFormat::Protobuf) {
                    if by_name == Some(format) {
                        return schemas::load_schema_file(self.ctx, &path);
                    }
                    let text = self.ctx.text(&path)?;
                    return Some(self.insert_protobuf(&path, "", text.to_string()));
                }
            }
        }
        let at = self.deref(written.clone())?;
        if let Some(id) = self.ctx.catalog.schemas.find(&at.file, &at.pointer) {
            return Some(id);
        }
        match format {
            SchemaFormat::Protobuf => match at.node().as_str() {
                Some(text) => {
                    let text = text.to_owned();
                    Some(self.insert_protobuf(&at.file, &at.pointer, text))
                }
                None => {
                    let message = format!(
                        "a Protobuf payload must be the .proto text or a `$ref` to a .proto file, found {}",
                        at.node().kind_name()
                    );
                    self.invalid(
                        &at,
                        message,
                        "write the schema as a string, or `$ref: 'order.proto'`",
                    );
                    None
                }
            },
            SchemaFormat::Avro => Some(self.avro_schema(&at)),
            SchemaFormat::JsonSchema => Some(self.json_schema(&at, draft.unwrap_or(DRAFT_07))),
        }
    }

    fn insert_protobuf(&mut self, file: &Path, pointer: &str, text: String) -> SchemaId {
        let protobuf = schemas::compile_protobuf(self.ctx, file, pointer, &text);
        let valid = protobuf.is_some();
        self.ctx.catalog.schemas.insert(LoadedSchema {
            format: SchemaFormat::Protobuf,
            file: file.to_path_buf(),
            pointer: pointer.to_owned(),
            node: None,
            json: None,
            text: Some(text),
            avro: None,
            protobuf,
            references: Vec::new(),
            valid,
        })
    }

    fn avro_schema(&mut self, at: &At) -> SchemaId {
        let node = at.node();
        let json = node.to_json();
        let mut references: Vec<(String, PathBuf)> = Vec::new();
        let mut dependencies: Vec<PathBuf> = Vec::new();
        let mut pending = vec![(true, avro::scan(&json))];
        let mut unresolved = false;
        while let Some((own, scan)) = pending.pop() {
            for used in scan.external_uses() {
                let found = used.candidates.iter().find_map(|c| {
                    self.ctx
                        .avro_pool
                        .defined
                        .get(c)
                        .map(|d| (c.clone(), d.0.clone()))
                });
                match found {
                    Some((fullname, file)) => {
                        if !dependencies.contains(&file) {
                            dependencies.push(file.clone());
                            references.push((fullname, file.clone()));
                            if let Some((_, scan)) = self.ctx.avro_pool.files.get(&file) {
                                pending.push((false, scan.clone()));
                            }
                        }
                    }
                    None => {
                        unresolved = true;
                        if own {
                            let pointer = format!("{}{}", at.pointer, used.pointer);
                            let span = at.doc.root.pointer(&pointer).map_or(node.span, |n| n.span);
                            self.report(
                                codes::UNRESOLVED_REFERENCE,
                                (&at.file, span),
                                &pointer,
                                format!("Avro type `{}` is not defined", used.written),
                                "define the type in the schema or in an .avsc file of the catalog, or use its full name",
                            );
                        }
                    }
                }
            }
        }
        let mut schema = LoadedSchema {
            format: SchemaFormat::Avro,
            file: at.file.to_path_buf(),
            pointer: at.pointer.clone(),
            node: Some(node.clone()),
            json: Some(json.clone()),
            text: None,
            avro: None,
            protobuf: None,
            references,
            valid: false,
        };
        if !unresolved {
            let dependency_texts: Vec<String> = dependencies
                .iter()
                .filter_map(|d| {
                    self.ctx
                        .avro_pool
                        .json(&self.ctx.catalog, d)
                        .map(|j| j.to_string())
                })
                .collect();
            match apache_avro::Schema::parse_str_with_list(&json.to_string(), &dependency_texts) {
                Ok((parsed, _)) => {
                    schema.avro = Some(parsed);
                    schema.valid = true;
                }
                Err(e) => {
                    let text = e.to_string();
                    let first = text.lines().next().unwrap_or(&text).to_owned();
                    self.report(
                        codes::SCHEMA_INVALID,
                        (&at.file, node.span),
                        &at.pointer,
                        format!("invalid Avro schema: {first}"),
                        "see https://avro.apache.org/docs/current/specification/ for the schema syntax",
                    );
                }
            }
        }
        self.ctx.catalog.schemas.insert(schema)
    }

    fn json_schema(&mut self, at: &At, draft: &'static str) -> SchemaId {
        let node = at.node();
        let json = node.to_json();
        let checked = match &json {
            serde_json::Value::Object(map) if !map.contains_key("$schema") => {
                let mut map = map.clone();
                map.insert("$schema".to_owned(), serde_json::Value::from(draft));
                serde_json::Value::Object(map)
            }
            _ => json.clone(),
        };
        let meta_valid =
            schemas::check_json_schema(self.ctx, &at.file, &at.doc.root, &at.pointer, &checked);
        let refs_resolve = self.check_schema_refs(at);
        self.ctx.catalog.schemas.insert(LoadedSchema {
            format: SchemaFormat::JsonSchema,
            file: at.file.to_path_buf(),
            pointer: at.pointer.clone(),
            node: Some(node.clone()),
            json: Some(json),
            text: None,
            avro: None,
            protobuf: None,
            references: Vec::new(),
            valid: meta_valid && refs_resolve,
        })
    }

    /// Checks the `$ref`s inside a JSON Schema (and inside what they point at), reading the
    /// files they name so that examples can be validated against them. False when one does not
    /// resolve.
    fn check_schema_refs(&mut self, start: &At) -> bool {
        let mut ok = true;
        let mut roots = vec![start.clone()];
        while let Some(root) = roots.pop() {
            if !self
                .walked
                .insert((root.file.clone(), root.pointer.clone()))
            {
                continue;
            }
            let mut stack: Vec<(String, &Node)> = vec![(root.pointer.clone(), root.node())];
            let mut found: Vec<(String, String, Span)> = Vec::new();
            while let Some((pointer, node)) = stack.pop() {
                if self.schema_budget == 0 {
                    break;
                }
                self.schema_budget -= 1;
                match &node.value {
                    Value::Map(entries) => {
                        // A schema with its own `$id` resolves against it; contrail does not follow.
                        if node
                            .get("$id")
                            .and_then(Node::as_str)
                            .is_some_and(|id| id.contains(':'))
                        {
                            continue;
                        }
                        for entry in entries {
                            match (entry.key.as_str(), &entry.value.value) {
                                ("$ref", Value::String(text)) => {
                                    found.push((pointer.clone(), text.clone(), entry.value.span));
                                }
                                // Values, not schemas.
                                ("enum" | "const" | "default" | "examples" | "example", _) => {}
                                (key, _) if key.starts_with("x-") => {}
                                (key, _) => {
                                    stack.push((pointer_join(&pointer, key), &entry.value));
                                }
                            }
                        }
                    }
                    Value::Seq(items) => {
                        for (i, item) in items.iter().enumerate() {
                            stack.push((pointer_join(&pointer, &i.to_string()), item));
                        }
                    }
                    _ => {}
                }
            }
            for (pointer, text, span) in found {
                let fragment = text.split_once('#').map_or("", |(_, f)| f);
                if !fragment.is_empty() && !fragment.starts_with('/') {
                    // An anchor (`#name`): resolved by the JSON Schema validator.
                    continue;
                }
                let from = At {
                    file: root.file.clone(),
                    doc: root.doc.clone(),
                    pointer,
                    via: Vec::new(),
                };
                // A remote or unresolved part leaves the schema incomplete: the finding says why.
                match self.resolve_ref(&from, &text, span) {
                    Some(target) => roots.push(target),
                    None => ok = false,
                }
            }
        }
        ok
    }
}

/// The meta-schema a `schemaFormat` names, for JSON Schema formats with a version parameter.
fn json_schema_draft(media_type: &str) -> Option<&'static str> {
    let lower = media_type.to_ascii_lowercase();
    let version = lower
        .split(';')
        .skip(1)
        .find_map(|p| p.trim().strip_prefix("version="))?
        .trim_matches('"')
        .to_owned();
    let base = lower.split(';').next().unwrap_or("").trim().to_owned();
    if base.starts_with("application/vnd.oai.openapi") {
        return Some("http://json-schema.org/draft-04/schema#");
    }
    if !base.starts_with("application/schema") {
        return None;
    }
    match version.as_str() {
        "draft-04" => Some("http://json-schema.org/draft-04/schema#"),
        "draft-06" => Some("http://json-schema.org/draft-06/schema#"),
        "draft-07" => Some(DRAFT_07),
        "2019-09" => Some("https://json-schema.org/draft/2019-09/schema"),
        "2020-12" => Some("https://json-schema.org/draft/2020-12/schema"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts() {
        assert_eq!(
            json_schema_draft("application/schema+json;version=draft-04"),
            Some("http://json-schema.org/draft-04/schema#")
        );
        assert_eq!(
            json_schema_draft("application/vnd.aai.asyncapi;version=2.6.0"),
            None
        );
    }
}
