//! The catalog served beside the registry (`contrail registry serve --catalog PATH`): its graph
//! (`GET /contrail/v1/graph`), change impact (`GET /contrail/v1/impact/{event}`), the docs site
//! (`GET /ui/`) and a reload (`POST /contrail/v1/catalog/reload`).
//!
//! Everything a request reads comes from one `Snapshot`: the loaded catalog, its graph, its
//! findings and the rendered site. A reload builds a whole new snapshot off the async threads
//! and swaps it in at once, so a request sees the old catalog or the new one, never a mix; a
//! reload that fails keeps the old snapshot serving. [`ServedCatalog::watch`] reloads when the
//! catalog's files change, found by polling their sizes and modification times (portable, and
//! cheap for a directory of contracts).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use contrail_contracts::graph::CatalogGraph;
use contrail_contracts::graph::LookupError;
use contrail_contracts::graph::impact;
use contrail_contracts::{Catalog, LoadOptions, Summary, load_paths};
use contrail_site::docs::{SiteOptions, render_site};
use contrail_site::graph::{self as draw, View};
use serde_json::{Value, json};

use super::error::{ApiError, ApiResult};
use super::extract::{Params, PathParams};
use crate::codes;

/// How often [`ServedCatalog::watch`] looks at the catalog's files.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Why a catalog could not be (re)loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("loading the catalog {path}: {source}")]
    Load {
        path: PathBuf,
        source: contrail_contracts::LoadError,
    },
    #[error("rendering the docs site of {path}: {source}")]
    Site {
        path: PathBuf,
        source: contrail_site::docs::SiteError,
    },
    #[error("the catalog load stopped unexpectedly: {0}")]
    Task(String),
}

/// One loaded catalog and everything served from it.
struct Snapshot {
    catalog: Catalog,
    graph: Arc<CatalogGraph>,
    summary: Summary,
    /// The docs site: page path (as in the site, `events/OrderPlaced.html`) → bytes. Only these
    /// keys are ever served under `/ui/`, so no request path can reach another file.
    pages: HashMap<String, Vec<u8>>,
}

impl Snapshot {
    /// Reads and lints the catalog at `path` and renders its site: blocking file I/O and CPU
    /// work, run on a blocking thread.
    fn load(path: &Path) -> Result<Snapshot, CatalogError> {
        let loaded =
            load_paths(&[path.to_path_buf()], LoadOptions::default()).map_err(|source| {
                CatalogError::Load {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        // The same findings `contrail docs` shows: the load's, then the lint rules'. A catalog
        // with findings still loads, as it still renders in the CLI.
        let mut findings = loaded.diagnostics;
        findings.extend(contrail_lint::lint(&loaded.catalog));
        contrail_contracts::diagnostic::normalize(&mut findings);
        let catalog = loaded.catalog;
        let graph = catalog.graph();
        // No schema history: it comes from git, which a server does not run.
        let pages = render_site(&catalog, &graph, &findings, &SiteOptions::default())
            .map_err(|source| CatalogError::Site {
                path: path.to_path_buf(),
                source,
            })?
            .into_iter()
            .map(|page| (page.path, page.bytes))
            .collect();
        Ok(Snapshot {
            summary: Summary::of(&findings),
            catalog,
            graph,
            pages,
        })
    }

    fn summary(&self) -> Value {
        json!({
            "events": self.catalog.events.len(),
            "services": self.catalog.services.len(),
            "findings": {
                "errors": self.summary.errors,
                "warnings": self.summary.warnings,
                "infos": self.summary.infos,
            },
        })
    }
}

/// What the files of a catalog look like: relative path → (size, modification time).
type Fingerprint = BTreeMap<PathBuf, (u64, Option<SystemTime>)>;

/// The files under `root`, but hidden ones (`.git`, editors' swap files), which are not part
/// of the catalog and change often. Unreadable entries are left out: the load reports them.
fn fingerprint(root: &Path) -> Fingerprint {
    let mut files = Fingerprint::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            // A single file (or a missing path) is its own fingerprint.
            if let Ok(meta) = std::fs::metadata(&dir) {
                files.insert(dir, (meta.len(), meta.modified().ok()));
            }
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                files.insert(entry.path(), (meta.len(), meta.modified().ok()));
            }
        }
    }
    files
}

/// The catalog a registry serves; shared by the handlers and the file watcher.
pub struct ServedCatalog {
    path: PathBuf,
    current: RwLock<Arc<Snapshot>>,
    /// The files as they were before the load that made `current` began.
    seen: Mutex<Fingerprint>,
    /// One reload at a time, so the snapshot swapped in last is from the latest files.
    reloading: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ServedCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServedCatalog")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Runs `work` on a blocking thread: catalog loads read files and render pages.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CatalogError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| CatalogError::Task(e.to_string()))
}

impl ServedCatalog {
    /// Loads the catalog at `path` (a directory with `contrail.yaml`).
    pub async fn load(path: PathBuf) -> Result<Arc<ServedCatalog>, CatalogError> {
        let (seen, snapshot) = {
            let path = path.clone();
            blocking(move || (fingerprint(&path), Snapshot::load(&path))).await?
        };
        Ok(Arc::new(ServedCatalog {
            path,
            current: RwLock::new(Arc::new(snapshot?)),
            seen: Mutex::new(seen),
            reloading: tokio::sync::Mutex::new(()),
        }))
    }

    /// The catalog's path as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The summary of the served catalog: `{"events", "services", "findings"}`.
    pub fn summary(&self) -> Value {
        self.snapshot().summary()
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        // A poisoned lock only means a writer panicked between two whole snapshots; the
        // snapshot inside is still one of them.
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Loads the catalog again and serves it; on failure the previous one keeps serving.
    /// Returns the new summary.
    pub async fn reload(&self) -> Result<Value, CatalogError> {
        let _one_at_a_time = self.reloading.lock().await;
        let path = self.path.clone();
        let (seen, loaded) = blocking(move || (fingerprint(&path), Snapshot::load(&path))).await?;
        // Remembered even when the load fails: the watcher retries when the files change
        // again, not on every tick.
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) = seen;
        let snapshot = Arc::new(loaded?);
        let summary = snapshot.summary();
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = snapshot;
        Ok(summary)
    }

    /// Reloads whenever the catalog's files change (checked every `interval`), for as long as
    /// the runtime runs.
    pub fn watch(self: Arc<Self>, interval: Duration) {
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let path = self.path.clone();
                let Ok(now) = blocking(move || fingerprint(&path)).await else {
                    continue;
                };
                let changed = *self.seen.lock().unwrap_or_else(PoisonError::into_inner) != now;
                if !changed {
                    continue;
                }
                match self.reload().await {
                    Ok(summary) => tracing::info!(
                        catalog = %self.path.display(),
                        %summary,
                        "catalog files changed; reloaded"
                    ),
                    Err(error) => tracing::warn!(
                        catalog = %self.path.display(),
                        %error,
                        "catalog files changed but do not load; still serving the previous catalog"
                    ),
                }
            }
        });
    }
}

/// A response with `content_type` that browsers must not second-guess, and that is not cached
/// beyond the next reload.
fn typed(body: impl IntoResponse, content_type: &'static str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Pretty JSON ending in a newline: byte for byte what `contrail graph --format json` prints.
fn json_text(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    format!("{text}\n")
}

fn lookup_error(error: LookupError) -> ApiError {
    match error {
        LookupError::NotFound { .. } => ApiError::new(codes::NOT_FOUND, error.to_string()),
        LookupError::Ambiguous { .. } => ApiError::new(codes::BAD_REQUEST, error.to_string()),
    }
}

/// `GET /contrail/v1/graph?format=json|dot|mermaid|svg&focus=NAME&depth=N`: what
/// `contrail graph --format F [--focus NAME --depth N]` prints.
pub(super) async fn graph(
    State(served): State<Arc<ServedCatalog>>,
    params: Params,
) -> ApiResult<Response> {
    let format = params.get("format").unwrap_or("json").to_owned();
    let content_type = match format.as_str() {
        "json" => "application/json",
        "dot" => "text/vnd.graphviz; charset=utf-8",
        "mermaid" => "text/vnd.mermaid; charset=utf-8",
        "svg" => "image/svg+xml",
        other => {
            return Err(ApiError::new(
                codes::BAD_REQUEST,
                format!(
                    "Query parameter format must be json, dot, mermaid or svg, found '{other}'"
                ),
            ));
        }
    };
    let depth = params.number("depth")?.unwrap_or(1);
    let focus = params.get("focus").map(str::to_owned);
    let snapshot = served.snapshot();
    // Drawing a large graph is CPU work: off the async threads.
    let text = blocking(move || -> ApiResult<String> {
        let (catalog, graph) = (&snapshot.catalog, &snapshot.graph);
        let view = match &focus {
            Some(name) => View::focus(
                catalog,
                graph,
                graph.lookup(name).map_err(lookup_error)?,
                depth,
            ),
            None => View::whole(catalog, graph),
        };
        Ok(match format.as_str() {
            "dot" => draw::to_dot(&view),
            "mermaid" => draw::to_mermaid(&view),
            "svg" => draw::to_svg(&view)
                .map_err(|e| ApiError::new(codes::UNPROCESSABLE_ENTITY, e.to_string()))?,
            _ => json_text(&draw::to_json(&view)),
        })
    })
    .await
    .map_err(|e| ApiError::new(codes::CATALOG_ERROR, e.to_string()))??;
    Ok(typed(text, content_type))
}

/// `GET /contrail/v1/impact/{event}?field=PATH`: what `contrail graph --impact EVENT[.PATH]
/// --format json` prints.
pub(super) async fn impact(
    State(served): State<Arc<ServedCatalog>>,
    PathParams(event): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    let field = params.get("field").filter(|f| !f.is_empty());
    let snapshot = served.snapshot();
    let answer = impact::impact(&snapshot.catalog, &snapshot.graph, &event, field)
        .map_err(|e| ApiError::new(codes::NOT_FOUND, e.to_string()))?;
    Ok(typed(
        json_text(&draw::impact_to_json(&answer)),
        "application/json",
    ))
}

/// `POST /contrail/v1/catalog/reload`: the new summary, or the load error (the previous
/// catalog still serving).
pub(super) async fn reload(State(served): State<Arc<ServedCatalog>>) -> ApiResult<Response> {
    match served.reload().await {
        Ok(summary) => {
            tracing::info!(catalog = %served.path.display(), %summary, "catalog reloaded");
            Ok(typed(json_text(&summary), "application/json"))
        }
        Err(error) => {
            tracing::warn!(catalog = %served.path.display(), %error, "catalog reload failed");
            Err(ApiError::new(
                codes::CATALOG_ERROR,
                format!("{error}; still serving the previous catalog"),
            ))
        }
    }
}

/// The media type of a site file, by extension.
fn media_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("md") => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn page(served: &ServedCatalog, path: &str) -> ApiResult<Response> {
    let snapshot = served.snapshot();
    match snapshot.pages.get(path) {
        Some(bytes) => Ok(typed(bytes.clone(), media_type(path))),
        None => Err(ApiError::new(
            codes::NOT_FOUND,
            format!("HTTP 404 Not Found: the docs site has no page `{path}`"),
        )),
    }
}

/// `GET /ui/`: the site's index.
pub(super) async fn ui_index(State(served): State<Arc<ServedCatalog>>) -> ApiResult<Response> {
    page(&served, "index.html")
}

/// `GET /ui/{*path}`: a page of the site. The (percent-decoded) path is only ever a key of the
/// rendered pages, never joined to a directory, so `..` finds nothing.
pub(super) async fn ui_page(
    State(served): State<Arc<ServedCatalog>>,
    PathParams(path): PathParams<String>,
) -> ApiResult<Response> {
    // `/ui/events/` is the directory's index, as a static file server would answer.
    if path.ends_with('/') {
        return page(&served, &format!("{path}index.html"));
    }
    page(&served, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_follow_the_extension() {
        assert_eq!(media_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(media_type("assets/site.css"), "text/css; charset=utf-8");
        assert_eq!(media_type("search.json"), "application/json");
        assert_eq!(media_type("graph.svg"), "image/svg+xml");
        assert_eq!(media_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn the_fingerprint_sees_edits_and_ignores_hidden_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.yaml"), "a: 1\n").expect("write");
        let before = fingerprint(dir.path());
        std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
        std::fs::write(dir.path().join(".git").join("HEAD"), "x").expect("write");
        assert_eq!(fingerprint(dir.path()), before);
        std::fs::write(dir.path().join("a.yaml"), "a: 12\n").expect("write");
        assert_ne!(fingerprint(dir.path()), before);
    }
}
