//! Loading schema files: Avro (with named types shared across files), JSON Schema, Protobuf.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::LoadCtx;
use crate::avro;
use crate::codes;
use crate::diagnostic::{Diagnostic, Location};
use crate::model::Spanned;
use crate::protobuf;
use crate::schema::{LoadedSchema, SchemaFormat, SchemaId};

/// What the Avro files of a catalog define, so a schema can use a type from another file
/// (Confluent's schema references).
#[derive(Debug, Default)]
pub(crate) struct AvroPool {
    /// Full name → (file, pointer) of its first definition.
    pub defined: HashMap<String, (PathBuf, String)>,
    /// File → its schema JSON and what it defines and uses. Once the file's schema is loaded
    /// the JSON moves to the catalog (one copy instead of two) and `null` is left here: read
    /// it with [`AvroPool::json`].
    pub files: HashMap<PathBuf, (serde_json::Value, avro::Scan)>,
}

impl AvroPool {
    /// The schema JSON of a file of the pool.
    pub(crate) fn json<'a>(
        &'a self,
        catalog: &'a crate::model::Catalog,
        path: &Path,
    ) -> Option<&'a serde_json::Value> {
        let (json, _) = self.files.get(path)?;
        if !json.is_null() {
            return Some(json);
        }
        let moved = catalog
            .schemas
            .find(path, "")
            .and_then(|id| catalog.schemas.get(id).json.as_ref());
        Some(moved.unwrap_or(json))
    }
}

/// Reads every `.avsc` file found, records the named types each defines, then loads each.
pub(super) fn load_avro_pool(ctx: &mut LoadCtx, found: &[PathBuf]) {
    let avro_files: Vec<&PathBuf> = found
        .iter()
        .filter(|p| SchemaFormat::from_path(p) == Some(SchemaFormat::Avro))
        .collect();
    for path in &avro_files {
        let Some(document) = ctx.yaml(path) else {
            continue;
        };
        let (json, mut scan) = match ctx.avro_prepared.get_mut(*path) {
            Some(prepared) => (
                std::mem::take(&mut prepared.json),
                std::mem::take(&mut prepared.scan),
            ),
            None => {
                let json = document.root.to_json();
                let scan = avro::scan(&json);
                (json, scan)
            }
        };
        for named in &scan.defined {
            match ctx.avro_pool.defined.get(&named.fullname).cloned() {
                Some((first_file, first_pointer)) if first_file != **path => {
                    let differs = ctx
                        .avro_pool
                        .files
                        .get(&first_file)
                        .and_then(|(json, _)| json.pointer(&first_pointer))
                        .is_some_and(|first| *first != named.definition);
                    if differs {
                        let at = node_location(ctx, path, &named.pointer);
                        let first = node_location(ctx, &first_file, &first_pointer);
                        ctx.push(
                            Diagnostic::new(
                                codes::SCHEMA_INVALID,
                                format!("Avro type {} is defined differently in two files", named.fullname),
                            )
                            .at(at)
                            .pointer(named.pointer.clone())
                            .related(first, "also defined here")
                            .help("define each named type in one file and reference it from the others"),
                        );
                    }
                }
                Some(_) => {}
                None => {
                    ctx.avro_pool.defined.insert(
                        named.fullname.clone(),
                        ((*path).clone(), named.pointer.clone()),
                    );
                }
            }
        }
        // The pool answers which names a file defines and uses; the copies of the definitions
        // were needed only for the comparison above (the pool keeps the whole document).
        for named in &mut scan.defined {
            named.definition = serde_json::Value::Null;
        }
        ctx.avro_pool.files.insert((*path).clone(), (json, scan));
    }
    for path in avro_files {
        load_schema_file(ctx, path);
    }
}

fn node_location(ctx: &mut LoadCtx, file: &Path, pointer: &str) -> Location {
    ctx.yaml(file)
        .and_then(|d| d.root.pointer(pointer).map(|n| n.span))
        .map_or_else(|| Location::file_start(file), |span| ctx.loc(file, span))
}

/// Resolves the schema path an event or consumer names and loads it.
pub(super) fn schema_for_contract(
    ctx: &mut LoadCtx,
    from: &Path,
    written: &Spanned<String>,
) -> Option<SchemaId> {
    let path = super::resolve_relative(from, &written.value, &ctx.catalog.root.clone());
    if !path.is_file() {
        ctx.push(
            Diagnostic::new(codes::UNRESOLVED_REFERENCE, format!("schema file `{}` not found", written.value))
                .at(written.location.clone())
                .pointer(written.pointer.clone())
                .help(format!(
                    "paths are relative to the file that names them, then to the catalog root; looked for {}",
                    path.display()
                )),
        );
        return None;
    }
    if SchemaFormat::from_path(&path).is_none() {
        ctx.push(
            Diagnostic::new(
                codes::UNKNOWN_SCHEMA_FORMAT,
                format!("cannot tell the schema format of `{}`", written.value),
            )
            .at(written.location.clone())
            .pointer(written.pointer.clone())
            .help("name Avro schemas *.avsc, JSON Schemas *.json and Protobuf files *.proto"),
        );
        return None;
    }
    load_schema_file(ctx, &path)
}

/// Loads a whole-file schema, once, reporting anything that keeps it from parsing.
pub(super) fn load_schema_file(ctx: &mut LoadCtx, path: &Path) -> Option<SchemaId> {
    if let Some(id) = ctx.catalog.schemas.find(path, "") {
        return Some(id);
    }
    let format = SchemaFormat::from_path(path)?;
    let text = ctx.text(path)?;
    let mut schema = LoadedSchema {
        format,
        file: path.to_path_buf(),
        pointer: String::new(),
        node: None,
        json: None,
        text: Some(text.to_string()),
        avro: None,
        protobuf: None,
        references: Vec::new(),
        valid: false,
    };
    match format {
        SchemaFormat::Protobuf => {
            schema.protobuf = compile_protobuf(ctx, path, "", &text);
            schema.valid = schema.protobuf.is_some();
            // The catalog files it imports are schemas of their own: `registry push` registers
            // them as references, and compatibility finds them among the catalog's schemas.
            let root = ctx.catalog.root.clone();
            let imports: Vec<PathBuf> = schema
                .protobuf
                .as_ref()
                .and_then(|c| c.root())
                .map(|f| f.file_descriptor_proto().dependency.clone())
                .unwrap_or_default()
                .iter()
                .map(|import| super::resolve_relative(path, import, &root))
                .filter(|import| import.is_file())
                .collect();
            for import in imports {
                load_schema_file(ctx, &import);
            }
        }
        SchemaFormat::Avro => {
            if let Some(document) = ctx.yaml(path) {
                let prepared = ctx.avro_prepared.remove(path);
                // The pool holds the file's JSON and scan when the file is in the catalog; the
                // JSON moves to the schema (see `AvroPool::json`).
                let (json, scan) = match ctx.avro_pool.files.get_mut(path) {
                    Some((json, scan)) => (std::mem::take(json), scan.clone()),
                    None => {
                        let json = document.root.to_json();
                        let scan = avro::scan(&json);
                        (json, scan)
                    }
                };
                schema.json = Some(json);
                let (node, ahead) = match prepared {
                    Some(p) => (p.node, Some((p.json_syntax, p.parsed))),
                    None => (document.root.clone(), None),
                };
                schema.node = Some(node);
                parse_avro(ctx, path, &text, &mut schema, scan, ahead);
            }
        }
        SchemaFormat::JsonSchema => {
            if let Some(document) = ctx.yaml(path) {
                let json = document.root.to_json();
                schema.valid = check_json_schema(ctx, path, &document.root, "", &json);
                schema.json = Some(json);
                schema.node = Some(document.root.clone());
            }
        }
    }
    // The files a JSON Schema's `$ref`s name are schemas of their own, loaded after this one
    // (so that files referring to each other are each loaded once): compatibility checks
    // resolve `$ref`s through them.
    let root = ctx.catalog.root.clone();
    let referenced: Vec<PathBuf> = match (&schema.format, &schema.json) {
        (SchemaFormat::JsonSchema, Some(json)) => super::json_file_refs(json)
            .iter()
            .map(|name| super::resolve_relative(path, name, &root))
            .filter(|file| file.is_file() && SchemaFormat::from_path(file).is_some())
            .collect(),
        _ => Vec::new(),
    };
    let id = ctx.catalog.schemas.insert(schema);
    for file in referenced {
        if SchemaFormat::from_path(&file) == Some(SchemaFormat::JsonSchema) {
            load_schema_file(ctx, &file);
        }
    }
    Some(id)
}

/// What was found out about an Avro file ahead of loading: whether it is JSON, and its parse
/// on its own (see [`super::prefetch::AvroPrepared`]).
type Ahead = (
    Result<(), serde_json::Error>,
    Option<Result<apache_avro::Schema, apache_avro::Error>>,
);

/// Parses an Avro schema with the files that define the types it uses. `scan` is the scan of
/// the schema's JSON.
fn parse_avro(
    ctx: &mut LoadCtx,
    path: &Path,
    text: &str,
    schema: &mut LoadedSchema,
    scan: avro::Scan,
    ahead: Option<Ahead>,
) {
    if schema.json.is_none() {
        return;
    }
    // The dependency closure: files defining names this file uses, then theirs, and so on.
    let mut dependencies: BTreeSet<PathBuf> = BTreeSet::new();
    let mut pending = vec![(path.to_path_buf(), scan)];
    let mut unresolved = false;
    while let Some((file, scan)) = pending.pop() {
        for used in scan.external_uses() {
            let found = used
                .candidates
                .iter()
                .find_map(|c| ctx.avro_pool.defined.get(c).map(|d| (c, d)));
            match found {
                Some((fullname, (def_file, _))) => {
                    if def_file != path && dependencies.insert(def_file.clone()) {
                        schema.references.push((fullname.clone(), def_file.clone()));
                        if let Some((_, dep_scan)) = ctx.avro_pool.files.get(def_file) {
                            pending.push((def_file.clone(), dep_scan.clone()));
                        }
                    }
                }
                None if file == path => {
                    unresolved = true;
                    let at = node_location(ctx, path, &used.pointer);
                    ctx.push(
                        Diagnostic::new(
                            codes::UNRESOLVED_REFERENCE,
                            format!("Avro type `{}` is not defined", used.written),
                        )
                        .at(at)
                        .pointer(used.pointer.clone())
                        .help(unresolved_help(ctx, &used.written)),
                    );
                }
                // Reported when the dependency itself is loaded.
                None => unresolved = true,
            }
        }
    }
    if unresolved {
        return;
    }
    let (json_syntax, parsed_alone) = match ahead {
        Some((syntax, parsed)) => (syntax, parsed),
        None => (
            serde_json::from_str::<serde_json::Value>(text).map(|_| ()),
            None,
        ),
    };
    if let Err(e) = json_syntax {
        let at = crate::diagnostic::Position {
            line: e.line() as u32,
            column: e.column() as u32,
        };
        ctx.push(
            Diagnostic::new(
                codes::SCHEMA_INVALID,
                format!("Avro schemas must be JSON: {e}"),
            )
            .at(Location {
                file: path.to_path_buf(),
                start: at,
                end: at,
            })
            .help("write the schema as JSON (YAML syntax is not accepted by registries)"),
        );
        return;
    }
    let dependency_texts: Vec<String> = dependencies
        .iter()
        .filter_map(|d| {
            ctx.avro_pool
                .json(&ctx.catalog, d)
                .map(|json| json.to_string())
        })
        .collect();
    let parsed = match parsed_alone {
        Some(parsed) if dependency_texts.is_empty() => parsed,
        _ => apache_avro::Schema::parse_str_with_list(text, &dependency_texts)
            .map(|(parsed, _)| parsed),
    };
    match parsed {
        Ok(parsed) => {
            schema.avro = Some(parsed);
            schema.valid = true;
        }
        Err(e) => {
            ctx.push(
                Diagnostic::new(
                    codes::SCHEMA_INVALID,
                    format!("invalid Avro schema: {}", avro_error_text(&e)),
                )
                .at(Location::file_start(path))
                .help(
                    "see https://avro.apache.org/docs/current/specification/ for the schema syntax",
                ),
            );
        }
    }
}

fn unresolved_help(ctx: &LoadCtx, written: &str) -> String {
    let short = |name: &str| name.rsplit('.').next().unwrap_or(name).to_owned();
    let wanted = short(written);
    let mut defined: Vec<&String> = ctx.avro_pool.defined.keys().collect();
    defined.sort();
    let suggestion = defined.iter().find(|k| short(k) == wanted).or_else(|| {
        defined
            .iter()
            .find(|k| crate::suggest::did_you_mean(&wanted, [short(k).as_str()]).is_some())
    });
    match suggestion {
        Some(candidate) => format!(
            "did you mean `{candidate}`? a name without a namespace resolves against the enclosing one"
        ),
        None => "define the type in an .avsc file of the catalog, or use its full name".to_owned(),
    }
}

/// Compiles a `.proto` schema with the files it imports and reports whatever keeps it from
/// compiling, each at its file:line:col. An `import` is looked up next to the importing file,
/// then from the catalog root, as `protoc -I<its directory> -I<catalog root>` would; the
/// well-known types (`google/protobuf/*.proto`) are built in. `file` is where the text is: a
/// `.proto` file, or the AsyncAPI document holding it inline at `pointer` (whose errors are
/// reported at the payload, since the text's lines are not the document's).
pub(crate) fn compile_protobuf(
    ctx: &mut LoadCtx,
    file: &Path,
    pointer: &str,
    text: &str,
) -> Option<protobuf::Compiled> {
    let root = ctx.catalog.root.clone();
    let root_name = if pointer.is_empty() {
        proto_name(file, &root)
    } else {
        "inline.proto".to_owned()
    };
    let source = protobuf::ProtoSource {
        path: file.to_path_buf(),
        text: text.to_owned(),
    };
    let compiled = protobuf::compile(&root_name, source, |import, importer| {
        let path = super::resolve_relative(importer, import, &root);
        if !path.is_file() {
            return None;
        }
        let text = ctx.text(&path)?;
        Some(protobuf::ProtoSource {
            path,
            text: text.to_string(),
        })
    });
    let errors = match compiled {
        Ok(compiled) => return Some(compiled),
        Err(errors) => errors,
    };
    let inline_at = (!pointer.is_empty()).then(|| node_location(ctx, file, pointer));
    for error in errors {
        let code = match error.kind {
            protobuf::ErrorKind::ImportNotFound => codes::UNRESOLVED_REFERENCE,
            protobuf::ErrorKind::Syntax | protobuf::ErrorKind::Invalid => codes::SCHEMA_INVALID,
        };
        let help = match error.kind {
            protobuf::ErrorKind::Syntax => {
                "see https://protobuf.dev/reference/protobuf/proto3-spec/ for the syntax"
            }
            protobuf::ErrorKind::ImportNotFound => {
                "imports are looked up next to the importing file, then from the catalog root; google/protobuf/*.proto are built in"
            }
            protobuf::ErrorKind::Invalid => {
                "fix the definition: every type used must be defined in the file or a file it imports, by its full name or relative to the package"
            }
        };
        let in_inline_text = inline_at.is_some() && error.location.file == file;
        let (location, message) = match &inline_at {
            Some(at) if in_inline_text => (
                at.clone(),
                format!(
                    "invalid Protobuf schema (line {}, column {} of the payload text): {}",
                    error.location.start.line, error.location.start.column, error.message
                ),
            ),
            _ => (
                error.location,
                format!("invalid Protobuf schema: {}", error.message),
            ),
        };
        let mut diagnostic = Diagnostic::new(code, message).at(location).help(help);
        if in_inline_text {
            diagnostic = diagnostic.pointer(pointer.to_owned());
        }
        // A broken file imported by several schemas is reported once.
        if !ctx.diagnostics.contains(&diagnostic) {
            ctx.push(diagnostic);
        }
    }
    None
}

/// The name a `.proto` file compiles under: its path from the catalog root, as an import from
/// the root would spell it (its file name when it is outside the catalog).
fn proto_name(path: &Path, root: &Path) -> String {
    let relative = path
        .strip_prefix(root)
        .ok()
        .filter(|r| !r.as_os_str().is_empty());
    let name = relative
        .map(|r| {
            r.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .or_else(|| path.file_name().map(|n| n.to_string_lossy().into_owned()));
    name.unwrap_or_else(|| "schema.proto".to_owned())
}

/// apache-avro's messages, without its Debug noise.
fn avro_error_text(error: &apache_avro::Error) -> String {
    let text = error.to_string();
    text.lines().next().unwrap_or(&text).to_owned()
}

/// Checks a JSON Schema against its meta-schema and compiles it (which catches bad regexes
/// and unresolvable local `$ref`s). Remote references are reported, never fetched.
pub(crate) fn check_json_schema(
    ctx: &mut LoadCtx,
    file: &Path,
    document_root: &crate::yaml::Node,
    pointer: &str,
    json: &serde_json::Value,
) -> bool {
    if let Err(error) = jsonschema::meta::validate(json) {
        let at_pointer = format!("{pointer}{}", error.instance_path().as_str());
        let location = document_root
            .pointer(&at_pointer)
            .map_or_else(|| Location::file_start(file), |n| ctx.loc(file, n.span));
        ctx.push(
            Diagnostic::new(
                codes::SCHEMA_INVALID,
                format!("invalid JSON Schema: {error}"),
            )
            .at(location)
            .pointer(at_pointer)
            .help("the schema must validate against its draft's meta-schema"),
        );
        return false;
    }
    true
}
