//! The HTTP server: Confluent Schema Registry's REST API over a [`Store`].
//!
//! Every API response is `application/vnd.schemaregistry.v1+json` (the exceptions: Protobuf
//! schema text is `text/plain`, `/metrics` is OpenMetrics text, `/openapi.json` is
//! `application/json`); every error, including a
//! malformed body, an unknown path or a wrong method, is `{"error_code": N, "message": "…"}`
//! with the HTTP status of the code's first three digits. An incompatible schema is HTTP 409
//! with `error_code` 409 (Confluent's classic code; newer Confluent releases send 40901, and
//! clients accept both).

pub mod auth;
mod cache;
pub mod catalog;
mod compat;
mod context_paths;
mod error;
mod extract;
mod handlers;
pub mod metrics;
mod openapi;
pub mod tls;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Extension};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::Serialize;

pub use compat::{ParsedCache, Verdict};
pub use error::ApiError;

use crate::store::Store;

/// The media type of every response.
pub const MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// The default request body limit: 16 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Request bodies larger than this are refused (42209).
    pub max_body_bytes: usize,
    /// Who may do what; `None`: every client may do everything.
    pub auth: Option<Arc<auth::Auth>>,
    /// The catalog whose graph, impact answers and docs site are served under `/contrail/v1/`
    /// and `/ui/`; `None`: those paths do not exist.
    pub catalog: Option<Arc<catalog::ServedCatalog>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            auth: None,
            catalog: None,
        }
    }
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub parsed: Arc<ParsedCache>,
    /// Ready answers of `GET /schemas/ids/{id}`.
    pub(crate) schema_bodies: Arc<cache::SchemaBodies>,
}

/// A JSON response with the registry's media type.
pub(crate) fn respond(status: StatusCode, body: &impl Serialize) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "null".to_owned());
    text_response(status, text)
}

/// A response whose body is already text (the bare schema endpoints).
pub(crate) fn text_response(status: StatusCode, text: String) -> Response {
    let mut response = (status, text).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    response
}

/// The router with every endpoint: the one route table of the API.
pub fn router(store: Arc<dyn Store>, config: ServerConfig) -> Router {
    use handlers::{
        compatibility, config, health, metadata, method_not_allowed, mode, not_found, schemas,
        subjects,
    };
    let metrics = Arc::new(metrics::Metrics::new());
    // Every store call the handlers make is timed.
    let store: Arc<dyn Store> = Arc::new(metrics::MeteredStore::new(store, metrics.clone()));
    let state = AppState {
        store,
        parsed: Arc::new(ParsedCache::default()),
        schema_bodies: Arc::new(cache::SchemaBodies::default()),
    };
    let router = Router::new()
        .route("/", get(metadata::root).post(metadata::root))
        .route("/health", get(health::health))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route(
            "/metrics",
            get(metrics::exposition).with_state(metrics.clone()),
        )
        .route("/schemas", get(schemas::list))
        .route("/schemas/types", get(schemas::types))
        .route("/schemas/ids/{id}", get(schemas::by_id))
        .route("/schemas/ids/{id}/schema", get(schemas::text_by_id))
        .route("/schemas/ids/{id}/subjects", get(schemas::subjects))
        .route("/schemas/ids/{id}/versions", get(schemas::versions))
        .route("/schemas/guids/{guid}", get(schemas::by_guid))
        .route("/schemas/guids/{guid}/ids", get(schemas::ids_by_guid))
        .route("/subjects", get(subjects::list))
        .route(
            "/subjects/{subject}",
            post(subjects::lookup).delete(subjects::delete),
        )
        .route(
            "/subjects/{subject}/versions",
            get(subjects::list_versions).post(subjects::register),
        )
        .route(
            "/subjects/{subject}/versions/{version}",
            get(subjects::get_version).delete(subjects::delete_version),
        )
        .route(
            "/subjects/{subject}/versions/{version}/schema",
            get(subjects::get_version_schema),
        )
        .route(
            "/subjects/{subject}/versions/{version}/referencedby",
            get(subjects::referenced_by),
        )
        .route(
            "/compatibility/subjects/{subject}/versions",
            post(compatibility::check_all),
        )
        .route(
            "/compatibility/subjects/{subject}/versions/{version}",
            post(compatibility::check_version),
        )
        .route(
            "/config",
            get(config::get_global)
                .put(config::put_global)
                .delete(config::delete_global),
        )
        .route(
            "/config/{subject}",
            get(config::get_subject)
                .put(config::put_subject)
                .delete(config::delete_subject),
        )
        .route(
            "/mode",
            get(mode::get_global)
                .put(mode::put_global)
                .delete(mode::delete_global),
        )
        .route(
            "/mode/{subject}",
            get(mode::get_subject)
                .put(mode::put_subject)
                .delete(mode::delete_subject),
        )
        .route("/contexts", get(metadata::contexts))
        .route("/contexts/{context}", delete(metadata::delete_context))
        .route("/v1/metadata/id", get(metadata::id))
        .route("/v1/metadata/version", get(metadata::version))
        .route("/openapi.json", get(openapi::document));
    // contrail's own endpoints, beside (never instead of) Confluent's.
    let router = match config.catalog {
        Some(served) => router
            .route(
                "/contrail/v1/graph",
                get(catalog::graph).with_state(served.clone()),
            )
            .route(
                "/contrail/v1/impact/{event}",
                get(catalog::impact).with_state(served.clone()),
            )
            .route(
                "/contrail/v1/catalog/reload",
                post(catalog::reload).with_state(served.clone()),
            )
            // Relative links of the site resolve against `/ui/`, so `/ui` sends the browser there.
            .route(
                "/ui",
                get(|| async { axum::response::Redirect::permanent("/ui/") }),
            )
            .route("/ui/", get(catalog::ui_index).with_state(served.clone()))
            .route("/ui/{*path}", get(catalog::ui_page).with_state(served)),
        None => router,
    };
    let router = router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(Extension(extract::BodyLimit(config.max_body_bytes)));
    // `Router::layer` wraps each route after matching, so both middlewares see `MatchedPath`.
    // The last layer is the outermost: metrics and the access log also see what auth refuses.
    let router = match config.auth {
        Some(auth) => router.layer(axum::middleware::from_fn_with_state(auth, auth::require)),
        None => router,
    };
    let router = router
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ))
        .with_state(state);
    // One rule for every route: `/config/` is `/config`, as Confluent's JAX-RS stack has it.
    // Clients build such paths (python-schema-registry-client asks `config/{subject}` with an
    // empty subject for the global setting), so the slash is dropped before routing, which is
    // why this wraps the finished router instead of being one of its layers.
    // Context prefixes (`/contexts/.ctx/subjects/…`) are rewritten the same way, after the
    // slash (the last layer runs first).
    Router::new()
        .fallback_service(router)
        .layer(axum::middleware::map_request(route_contexts))
        .layer(axum::middleware::map_request(trim_trailing_slash))
}

/// The request with its context prefix resolved ([`context_paths`]); a context name with a
/// colon inside is a 400, as Confluent answers it.
async fn route_contexts(
    mut request: axum::extract::Request,
) -> Result<axum::extract::Request, Response> {
    let uri = request.uri();
    if uri.path().starts_with("/ui/") || uri.path().starts_with("/contrail/") {
        return Ok(request);
    }
    match context_paths::rewrite(uri.path(), uri.query()) {
        Ok(None) => Ok(request),
        Ok(Some(target)) => {
            let mut parts = uri.clone().into_parts();
            if let Ok(path_and_query) = target.parse() {
                parts.path_and_query = Some(path_and_query);
                if let Ok(rewritten) = axum::http::Uri::from_parts(parts) {
                    *request.uri_mut() = rewritten;
                }
            }
            Ok(request)
        }
        Err(message) => {
            Err(error::ApiError::new(crate::codes::BAD_REQUEST, message).into_response())
        }
    }
}

/// The request with one trailing `/` removed from its path (the root `/` stays as it is).
/// Pages of the docs site under `/ui/` keep theirs: there a trailing `/` names a directory's
/// index, and the browser resolves the pages' relative links against it.
async fn trim_trailing_slash(mut request: axum::extract::Request) -> axum::extract::Request {
    let uri = request.uri();
    let path = uri.path();
    if path.len() > 1
        && !path.starts_with("/ui/")
        && let Some(trimmed) = path.strip_suffix('/')
    {
        let path_and_query = match uri.query() {
            Some(query) => format!("{trimmed}?{query}"),
            None => trimmed.to_owned(),
        };
        let mut parts = uri.clone().into_parts();
        // A path that was valid stays valid without its last `/`; if not, route it unchanged.
        if let Ok(path_and_query) = path_and_query.parse() {
            parts.path_and_query = Some(path_and_query);
            if let Ok(trimmed_uri) = axum::http::Uri::from_parts(parts) {
                *request.uri_mut() = trimmed_uri;
            }
        }
    }
    request
}

/// Serves `router` on `listener` (a `TcpListener` for HTTP, a [`tls::TlsListener`] for
/// HTTPS) until `shutdown` completes, then finishes the requests in flight. Each request
/// carries the connection's [`tls::ClientCertificate`] for the auth middleware.
pub async fn serve<L>(
    listener: L,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
    tls::ClientCertificate:
        for<'a> axum::extract::connect_info::Connected<axum::serve::IncomingStream<'a, L>>,
{
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<tls::ClientCertificate>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        // If the handler cannot be installed, only SIGTERM stops the server.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
