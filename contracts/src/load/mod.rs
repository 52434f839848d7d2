//! Loading a catalog: walking its directory, reading and parsing each file once, and turning
//! native contract files and AsyncAPI documents into the [`Catalog`] model.
//!
//! Loading never fails because a contract is wrong: every problem becomes a [`Diagnostic`] and
//! the rest of the catalog still loads. [`LoadError`] is for paths that cannot be read at all.

mod asyncapi;
mod brokers;
mod fields;
mod native;
mod prefetch;
mod schemas;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::codes;
use crate::diagnostic::{Diagnostic, Location, Position};
use crate::model::Catalog;
use crate::paths;
use crate::schema::LoadedSchema;
use crate::yaml::{self, Document, Limits, Span, YamlErrorKind};

pub use asyncapi::Perspective;

/// The name of the file that marks a catalog root.
pub const CATALOG_FILE: &str = "contrail.yaml";

/// Why contrail could not load at all (as opposed to findings about what it loaded).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: no such file or directory", .0.display())]
    NotFound(PathBuf),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The source texts of every file read, for rendering snippets.
pub type Sources = BTreeMap<PathBuf, Arc<str>>;

/// A loaded catalog, the findings about it, and the texts findings point into.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub catalog: Catalog,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
}

/// Options for loading.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    pub limits: Limits,
}

/// Loads the catalog rooted at `dir` (which must hold `contrail.yaml`).
pub fn load_catalog(dir: &Path, options: LoadOptions) -> Result<Loaded, LoadError> {
    load_paths(&[dir.to_path_buf()], options)
}

/// Loads what the user named: catalog directories and single files (contract files, AsyncAPI
/// documents, schema files). A file or directory inside a catalog is checked in the context of
/// its catalog, and only its own findings are kept.
///
/// However a path is spelled, a file gets one name in the load: its catalog root as the user
/// spelled it (see [`locate`]) joined with its path inside the catalog.
pub fn load_paths(paths: &[PathBuf], options: LoadOptions) -> Result<Loaded, LoadError> {
    let mut ctx = LoadCtx::new(options);
    let mut keep_only: Option<Vec<PathBuf>> = None;
    let mut roots = Vec::new();
    for path in paths {
        let Located { path, root } = locate(path);
        let path = &path;
        let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound(path.clone()),
            _ => LoadError::Io {
                path: path.clone(),
                source,
            },
        })?;
        match root {
            Some(root) if root == *path => {
                roots.push(root);
                ctx.walk(path);
            }
            Some(root) => {
                // A file or directory inside a catalog is checked in its catalog's context (the
                // events it names, the Avro types it uses), and only its own findings are kept.
                keep_only.get_or_insert_with(Vec::new).push(path.clone());
                if !roots.contains(&root) {
                    ctx.walk(&root);
                    roots.push(root);
                }
                if !meta.is_dir() {
                    ctx.standalone.push(path.clone());
                    ctx.add_file(path);
                }
            }
            None if meta.is_dir() => {
                ctx.push(
                    Diagnostic::new(codes::NOT_A_CATALOG, format!("{} has no {CATALOG_FILE}", path.display()))
                        .at(Location::file_start(path))
                        .help(format!(
                            "create {} with at least `catalog: <name>`, or name the contract files themselves",
                            paths::join(path, CATALOG_FILE).display()
                        )),
                );
                roots.push(path.clone());
                ctx.walk(path);
            }
            None => {
                ctx.standalone.push(path.clone());
                ctx.add_file(path);
            }
        }
    }
    let root = roots.first().cloned().unwrap_or_else(|| {
        paths
            .first()
            .and_then(|p| p.parent())
            .map(paths::normalize)
            .unwrap_or_else(|| PathBuf::from("."))
    });
    let mut loaded = ctx.finish(root);
    if let Some(keep) = keep_only {
        loaded.diagnostics.retain(|d| {
            d.location
                .as_ref()
                .is_none_or(|l| keep.iter().any(|k| paths::is_within(&l.file, k)))
        });
    }
    Ok(loaded)
}

/// A path the user named, as a load names it, and the catalog it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The path, spelled as the files of its catalog are: `root` joined with the path inside
    /// the catalog. Outside any catalog, the user's path normalized.
    pub path: PathBuf,
    /// The nearest directory at or above the path that holds `contrail.yaml`, spelled from the
    /// user's path (`order-placed.yaml` in `shop/events` has the root `..`), so messages stay
    /// as short as what the user typed.
    pub root: Option<PathBuf>,
}

/// Where a path the user named lies: see [`Located`].
pub fn locate(path: &Path) -> Located {
    let path = paths::resolve_user_path(path);
    if path.join(CATALOG_FILE).is_file() {
        return Located {
            root: Some(path.clone()),
            path,
        };
    }
    let Ok(absolute) = std::path::absolute(&path) else {
        return Located { path, root: None };
    };
    let absolute = paths::normalize(&absolute);
    let mut spelled = path.clone();
    for dir in absolute.ancestors().skip(1) {
        // Climbing lexically, one component at a time, names the directory that holds the
        // last one: no symlink can make `a/b`'s parent anything but `a`.
        spelled = paths::join(&spelled, "..");
        if dir.join(CATALOG_FILE).is_file() {
            let inside = absolute.strip_prefix(dir).unwrap_or(&absolute);
            return Located {
                path: paths::join(&spelled, inside),
                root: Some(spelled),
            };
        }
    }
    Located { path, root: None }
}

/// The nearest directory at or above `path` that holds `contrail.yaml`, spelled from `path`.
pub fn find_catalog_root(path: &Path) -> Option<PathBuf> {
    locate(path).root
}

/// Directories never walked: VCS metadata, build output, dependencies.
fn skipped_dir(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "target" | "node_modules")
}

/// State shared by all loaders during one load.
#[derive(Debug)]
pub(crate) struct LoadCtx {
    pub options: LoadOptions,
    pub diagnostics: Vec<Diagnostic>,
    /// The text of every file read. Hashed, not the ordered [`Sources`] the load returns: the
    /// loaders ask for texts many times over, and a `BTreeMap<PathBuf, _>` compares paths
    /// component by component on every lookup and insert. [`LoadCtx::finish`] orders them once.
    texts: HashMap<PathBuf, Arc<str>>,
    /// Every file read, with its document when it parsed.
    files: HashMap<PathBuf, Option<Arc<Document>>>,
    /// Files found by walking or named by the user, in order, deduplicated.
    found: Vec<PathBuf>,
    found_set: HashSet<PathBuf>,
    /// Files the user named outside any catalog.
    standalone: Vec<PathBuf>,
    pub catalog: Catalog,
    pub avro_pool: schemas::AvroPool,
    /// Events read from AsyncAPI documents, merged into the catalog after all files are read
    /// (see [`asyncapi::merge_events`]).
    asyncapi_events: Vec<asyncapi::EventCopy>,
    /// Files read and parsed ahead, in parallel, and not asked for yet (see [`prefetch`]).
    prefetched: HashMap<PathBuf, prefetch::Prefetched>,
    /// What the Avro files read ahead turn into, taken by the schema loader.
    pub avro_prepared: HashMap<PathBuf, prefetch::AvroPrepared>,
}

impl LoadCtx {
    fn new(options: LoadOptions) -> LoadCtx {
        crate::avro::names::install();
        LoadCtx {
            options,
            diagnostics: Vec::new(),
            texts: HashMap::new(),
            files: HashMap::new(),
            found: Vec::new(),
            found_set: HashSet::new(),
            standalone: Vec::new(),
            catalog: Catalog::default(),
            avro_pool: schemas::AvroPool::default(),
            asyncapi_events: Vec::new(),
            prefetched: HashMap::new(),
            avro_prepared: HashMap::new(),
        }
    }

    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The location of a span in a file.
    pub(crate) fn loc(&self, file: &Path, span: Span) -> Location {
        Location {
            file: file.to_path_buf(),
            start: span.start,
            end: span.end,
        }
    }

    fn add_file(&mut self, path: &Path) {
        if self.found_set.insert(path.to_path_buf()) {
            self.found.push(path.to_path_buf());
        }
    }

    /// Walks a directory in sorted order, following symlinks but never into a loop.
    fn walk(&mut self, dir: &Path) {
        let mut visited = HashSet::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let canonical = match std::fs::canonicalize(&dir) {
                Ok(c) => c,
                Err(e) => {
                    self.unreadable(&dir, &e.to_string());
                    continue;
                }
            };
            if !visited.insert(canonical.clone()) {
                self.push(
                    Diagnostic::new(
                        codes::UNREADABLE_FILE,
                        format!(
                            "{} leads back to {} (a symlink loop); skipped",
                            dir.display(),
                            canonical.display()
                        ),
                    )
                    .at(Location::file_start(&dir))
                    .help("remove the symlink or point it outside the catalog"),
                );
                continue;
            }
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) => {
                    self.unreadable(&dir, &e.to_string());
                    continue;
                }
            };
            // All entries share `dir`, so ordering them by name orders them as paths, without
            // comparing every path component by component.
            let mut entries: Vec<(std::ffi::OsString, PathBuf, Option<std::fs::FileType>)> =
                entries
                    .filter_map(Result::ok)
                    .map(|e| {
                        (
                            e.file_name(),
                            paths::join(&dir, e.file_name()),
                            e.file_type().ok(),
                        )
                    })
                    .collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            let mut subdirs = Vec::new();
            for (_, path, file_type) in entries {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                // The directory listing tells files and directories apart without a `stat` per
                // entry; only symlinks need one, to see what they lead to.
                let is_dir = match file_type {
                    Some(t) if !t.is_symlink() => Ok(t.is_dir()),
                    _ => std::fs::metadata(&path).map(|meta| meta.is_dir()),
                };
                match is_dir {
                    Ok(true) => {
                        if !skipped_dir(name) {
                            subdirs.push(path);
                        }
                    }
                    Ok(false) => {
                        if is_catalog_file(&path) {
                            self.add_file(&path);
                        }
                    }
                    Err(e) => {
                        if is_catalog_file(&path) || std::fs::symlink_metadata(&path).is_ok() {
                            self.unreadable(&path, &e.to_string());
                        }
                    }
                }
            }
            // Depth-first in sorted order: push in reverse so the first subdirectory comes next.
            stack.extend(subdirs.into_iter().rev());
        }
    }

    fn unreadable(&mut self, path: &Path, why: &str) {
        self.push(
            Diagnostic::new(
                codes::UNREADABLE_FILE,
                format!("cannot read {}: {why}", path.display()),
            )
            .at(Location::file_start(path))
            .help("check the path and its permissions"),
        );
    }

    /// Reads a file as UTF-8 text, once. Reports unreadable and non-UTF-8 files.
    pub(crate) fn text(&mut self, path: &Path) -> Option<Arc<str>> {
        if let Some(text) = self.texts.get(path) {
            return Some(text.clone());
        }
        if self.files.contains_key(path) {
            return None;
        }
        if let Some(ahead) = self.prefetched.get(path) {
            let text = ahead.text.clone();
            self.texts.insert(path.to_path_buf(), text.clone());
            return Some(text);
        }
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.files.insert(path.to_path_buf(), None);
                self.unreadable(path, &e.to_string());
                return None;
            }
        };
        match String::from_utf8(bytes) {
            Ok(text) => {
                let text: Arc<str> = Arc::from(text.strip_prefix('\u{feff}').unwrap_or(&text));
                self.texts.insert(path.to_path_buf(), text.clone());
                Some(text)
            }
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
                let at = Position {
                    line: line as u32,
                    column: column as u32,
                };
                self.files.insert(path.to_path_buf(), None);
                self.push(
                    Diagnostic::new(
                        codes::UNREADABLE_FILE,
                        format!(
                            "{} is not UTF-8 (invalid byte at line {line}, column {column})",
                            path.display()
                        ),
                    )
                    .at(Location {
                        file: path.to_path_buf(),
                        start: at,
                        end: at,
                    })
                    .help("save the file as UTF-8"),
                );
                None
            }
        }
    }

    /// Reads and parses a YAML or JSON file, once. Syntax errors, limits, empty files and
    /// duplicate keys are reported the first time; later calls return the same result.
    pub(crate) fn yaml(&mut self, path: &Path) -> Option<Arc<Document>> {
        if let Some(read) = self.files.get(path) {
            return read.clone();
        }
        let text = self.text(path)?;
        let parsed = match self.prefetched.remove(path).and_then(|ahead| ahead.parsed) {
            Some(parsed) => parsed,
            None => yaml::parse_with_limits(&text, self.options.limits),
        };
        let document = match parsed {
            Ok(document) => {
                for dup in &document.duplicate_keys {
                    let d = Diagnostic::new(
                        codes::DUPLICATE_KEY,
                        format!("key `{}` appears twice", dup.key),
                    )
                    .at(self.loc(path, dup.span))
                    .related(self.loc(path, dup.first), "first written here")
                    .help("remove one of them; the later value is the one contrail used");
                    self.push(d);
                }
                Some(Arc::new(document))
            }
            Err(error) => {
                let (code, help) = match error.kind {
                    YamlErrorKind::Syntax => {
                        (codes::YAML_SYNTAX, "fix the syntax at this position")
                    }
                    YamlErrorKind::Limit => (
                        codes::YAML_LIMIT,
                        "contrail bounds nesting depth and alias expansion; split or simplify the document",
                    ),
                    YamlErrorKind::Empty => (
                        codes::UNREADABLE_FILE,
                        "add the contract, or delete the empty file",
                    ),
                    YamlErrorKind::MultipleDocuments => (
                        codes::UNREADABLE_FILE,
                        "put each document in a file of its own",
                    ),
                };
                let message = match error.kind {
                    YamlErrorKind::Empty => format!("{} is empty", path.display()),
                    _ => error.message.clone(),
                };
                let d = Diagnostic::new(code, message)
                    .at(Location {
                        file: path.to_path_buf(),
                        start: error.position,
                        end: error.position,
                    })
                    .help(help);
                self.push(d);
                None
            }
        };
        self.files.insert(path.to_path_buf(), document.clone());
        document
    }

    /// Turns everything found into the catalog, then runs the cross-file checks.
    fn finish(mut self, root: PathBuf) -> Loaded {
        let config = paths::join(&root, CATALOG_FILE);
        self.catalog.root = root;
        if self.found_set.contains(&config) {
            native::load_config(&mut self, &config);
        }
        let found = std::mem::take(&mut self.found);
        // Reading and parsing are most of the work and independent per file: do them on every
        // core first. What the files say is still taken in the order below, so findings and
        // the model come out exactly as from a sequential load.
        let ahead: Vec<&PathBuf> = found
            .iter()
            .filter(|p| !self.files.contains_key(*p) && !self.texts.contains_key(*p))
            .collect();
        let (prefetched, avro_prepared) = prefetch::read_all(&ahead, self.options.limits);
        self.prefetched = prefetched;
        self.avro_prepared = avro_prepared;
        // Avro files first: events and AsyncAPI payloads may name their types.
        schemas::load_avro_pool(&mut self, &found);
        for path in &found {
            if *path == config {
                continue;
            }
            match path.extension().and_then(|e| e.to_str()) {
                Some("yaml" | "yml" | "json") => self.load_document(path),
                Some("proto") if self.standalone.contains(path) => {
                    schemas::load_schema_file(&mut self, path);
                }
                _ => {}
            }
        }
        asyncapi::merge_events(&mut self);
        // Files read ahead but never asked for (a JSON file that is neither AsyncAPI nor a
        // referenced schema) are dropped; they were never part of the load.
        self.prefetched = HashMap::new();
        self.avro_prepared = HashMap::new();
        self.catalog.build_graph();
        // Only JSON Schemas resolve `$ref`s through these; a catalog without any need not
        // convert every document it read.
        let needs_resources = self
            .catalog
            .schemas
            .iter()
            .any(|(_, s)| s.format == crate::schema::SchemaFormat::JsonSchema);
        let resources = if needs_resources {
            self.json_resources()
        } else {
            Default::default()
        };
        let found = crate::validate::check(&self.catalog, resources);
        self.diagnostics.extend(found);
        crate::diagnostic::normalize(&mut self.diagnostics);
        let loaded = Loaded {
            catalog: std::mem::take(&mut self.catalog),
            diagnostics: std::mem::take(&mut self.diagnostics),
            sources: std::mem::take(&mut self.texts).into_iter().collect(),
        };
        drop_in_background(self);
        loaded
    }

    /// Every parsed document as JSON, keyed by `file://` URI, for resolving JSON Schema `$ref`s.
    fn json_resources(&self) -> crate::validate::Resources {
        self.files
            .iter()
            .filter_map(|(path, doc)| {
                Some((crate::uri::file_uri(path), doc.as_ref()?.root.to_json()))
            })
            .collect()
    }

    /// Loads one YAML/JSON file by what its top-level key says it is.
    fn load_document(&mut self, path: &Path) {
        let standalone = self.standalone.contains(&path.to_path_buf());
        let is_json = path.extension().is_some_and(|e| e == "json");
        // A JSON file alone on the command line that is not AsyncAPI is a JSON Schema to check.
        if is_json && !standalone {
            // In a catalog, JSON files are schemas loaded when an event names them, or AsyncAPI.
            let Some(document) = self.peek_json_asyncapi(path) else {
                return;
            };
            asyncapi::load(self, path, &document);
            return;
        }
        let Some(document) = self.yaml(path) else {
            return;
        };
        let root = &document.root;
        if root.get("asyncapi").is_some() {
            asyncapi::load(self, path, &document);
        } else if root.get("event").is_some() {
            native::load_event(self, path, &document);
        } else if root.get("service").is_some() {
            native::load_service(self, path, &document);
        } else if is_json && standalone {
            schemas::load_schema_file(self, path);
        } else {
            native::report_unrecognised(self, path, &document, standalone);
        }
    }

    /// JSON files in a catalog are read only when they are AsyncAPI documents; others are
    /// schemas (read when referenced) or unrelated (package.json, ...).
    fn peek_json_asyncapi(&mut self, path: &Path) -> Option<Arc<Document>> {
        let text = self.text(path)?;
        let head: String = text.chars().take(4096).collect();
        if !head.contains("\"asyncapi\"") {
            return None;
        }
        let document = self.yaml(path)?;
        document.root.get("asyncapi").is_some().then_some(document)
    }
}

fn is_catalog_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json" | "avsc" | "proto")
    )
}

/// The files of `catalog` a `.proto` schema imports directly, with their import names, as the
/// loader resolved them (next to the importing file, then from the catalog root; the loader
/// loads every imported file as a schema of its own). Well-known types
/// (`google/protobuf/*.proto`) are not files of the catalog and are left out. Pure: the
/// loaded catalog answers, not the file system.
pub fn protobuf_imports(catalog: &Catalog, schema: &LoadedSchema) -> Vec<(String, PathBuf)> {
    let Some(root) = schema.protobuf.as_ref().and_then(|c| c.root()) else {
        return Vec::new();
    };
    let base = schema.file.parent().unwrap_or(Path::new(""));
    root.file_descriptor_proto()
        .dependency
        .iter()
        .filter_map(|import| {
            [
                paths::join(base, import),
                paths::join(&catalog.root, import),
            ]
            .into_iter()
            .find(|path| catalog.schemas.find(path, "").is_some())
            .map(|path| (import.clone(), path))
        })
        .collect()
}

/// The files a JSON Schema's `$ref`s name (the part before `#`), each once, in the order
/// first written: relative references only, since remote ones are never fetched.
pub(crate) fn json_file_refs(json: &serde_json::Value) -> Vec<String> {
    fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(reference)) = map.get("$ref") {
                    let file = reference.split('#').next().unwrap_or("");
                    let remote = file.contains(':');
                    if !file.is_empty() && !remote && !out.iter().any(|f| f == file) {
                        out.push(file.to_owned());
                    }
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(json, &mut out);
    out
}

/// The files of `catalog` a JSON Schema's `$ref`s name directly, with the names as written
/// (the part before `#`), each once, as the loader found them: next to the referring file,
/// then from the catalog root. Sorted by name, so that the references a registry gets do not
/// depend on the order of keys in the file (a registry's copy has its keys sorted). Pure: the
/// loaded catalog answers.
pub fn json_schema_refs(catalog: &Catalog, schema: &LoadedSchema) -> Vec<(String, PathBuf)> {
    let Some(json) = &schema.json else {
        return Vec::new();
    };
    let base = schema.file.parent().unwrap_or(Path::new(""));
    let mut refs: Vec<(String, PathBuf)> = json_file_refs(json)
        .into_iter()
        .filter_map(|name| {
            [paths::join(base, &name), paths::join(&catalog.root, &name)]
                .into_iter()
                .find(|path| catalog.schemas.find(path, "").is_some())
                .map(|path| (name, path))
        })
        .collect();
    refs.sort();
    refs
}

/// The JSON Schema files of `catalog` that `schema`'s `$ref`s name, with the names as written,
/// and theirs in turn (each file once): what a compatibility check resolves `$ref`s through,
/// as a registry resolves a schema's references. Found as the loader found them (next to the
/// referring file, then from the catalog root; the loader loads every referenced file as a
/// schema of its own). Pure: the loaded catalog answers.
pub fn json_schema_references(
    catalog: &Catalog,
    schema: &LoadedSchema,
) -> Vec<(String, serde_json::Value)> {
    let mut out: Vec<(String, serde_json::Value)> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::from([schema.file.clone()]);
    let mut pending: Vec<&LoadedSchema> = vec![schema];
    while let Some(referring) = pending.pop() {
        for (name, path) in json_schema_refs(catalog, referring) {
            let Some(id) = catalog.schemas.find(&path, "") else {
                continue;
            };
            let referenced = catalog.schemas.get(id);
            if let Some(json) = &referenced.json
                && !out.iter().any(|(n, _)| *n == name)
            {
                out.push((name, json.clone()));
            }
            if seen.insert(path) {
                pending.push(referenced);
            }
        }
    }
    out
}

/// Resolves a path written in `from_file` (relative to its directory), falling back to the
/// catalog root.
pub(crate) fn resolve_relative(from_file: &Path, written: &str, root: &Path) -> PathBuf {
    let base = from_file.parent().unwrap_or(Path::new(""));
    let candidate = paths::join(base, written);
    if candidate.exists() {
        return candidate;
    }
    let at_root = paths::join(root, written);
    if at_root.exists() { at_root } else { candidate }
}

/// Drops `value` on a thread of its own. What a load leaves behind (the tree of every file,
/// the Avro pool) is tens of thousands of allocations on a large catalog, a tenth of a second
/// to free that the caller need not wait for. Where no thread can be started, `spawn` drops
/// the closure, and `value` with it, right here.
fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("contrail-drop".into())
        .spawn(move || drop(value));
}
