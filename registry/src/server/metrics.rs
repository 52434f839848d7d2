//! Prometheus metrics (`GET /metrics`) and the per-request access log.
//!
//! Every request is counted and timed by its route *template* (`/subjects/{subject}/versions`),
//! never by its raw path: subject names are unbounded and would make every subject a new time
//! series. Requests that match no route share the label [`UNMATCHED`], and unusual methods share
//! `OTHER`, so the number of series is bounded by the API, not by what clients send.
//!
//! Store latency is measured by [`MeteredStore`], a [`Store`] that wraps the real one and times
//! each call, so every backend is measured the same way without knowing about metrics.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use async_trait::async_trait;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};
use tracing::Instrument;

use super::auth::AuthenticatedUser;
use crate::error::{Error, Refusal, Result};
use crate::model::{
    Config, ContextId, Mode, NewSchema, Reference, Referrer, ResolvedReference, StoredSchema,
    SubjectSummary, SubjectVersion, Usage, VersionEntry, VersionSelector,
};
use crate::store::{Checker, RegisterRequest, Registered, Store};

/// The content type of the exposition. prometheus-client writes the OpenMetrics text format,
/// which Prometheus asks for first in its default `Accept` header (and parses since 2.5);
/// Prometheus 3 refuses a scrape whose content type does not match its body.
pub const CONTENT_TYPE_OPENMETRICS: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The route label of requests that match no route.
pub const UNMATCHED: &str = "unmatched";

/// The header that carries a request's id, taken from the client when it sends a sane one.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// 0.25 ms to about 8 s, doubling: a cached read answers in well under a millisecond, a
/// registration fsyncs (milliseconds), and a long transitive compatibility check can take
/// seconds.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

/// The registry's metrics. One per router, so servers in one process (tests) do not mix.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_duration: HistogramFamily<RouteLabels>,
    in_flight: Gauge,
    store_duration: HistogramFamily<OperationLabels>,
    store_errors: Family<OperationLabels, Counter>,
    registrations: Family<OutcomeLabels, Counter>,
    /// A random prefix for generated request ids, so ids from two processes (or two runs)
    /// do not collide.
    id_prefix: u32,
    next_id: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("contrail_registry");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, route template and status",
            requests.clone(),
        );
        let request_duration: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "http_request_duration",
            "Time from receiving a request to its response, by method and route template",
            Unit::Seconds,
            request_duration.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "http_requests_in_flight",
            "Requests being served",
            in_flight.clone(),
        );
        let store_duration: HistogramFamily<OperationLabels> =
            Family::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "store_operation_duration",
            "Time of each store call, by operation",
            Unit::Seconds,
            store_duration.clone(),
        );
        let store_errors = Family::<OperationLabels, Counter>::default();
        registry.register(
            "store_errors",
            "Store calls that failed (not refusals such as 'subject not found'), by operation",
            store_errors.clone(),
        );
        let registrations = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "registrations",
            "Registrations that reached the store, by outcome: created, existing, incompatible, refused, error",
            registrations.clone(),
        );
        registry.register(
            "build",
            "The contrail version serving",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        Metrics {
            registry,
            requests,
            request_duration,
            in_flight,
            store_duration,
            store_errors,
            registrations,
            id_prefix: random_u32(),
            next_id: AtomicU64::new(1),
        }
    }

    /// The OpenMetrics text exposition.
    pub fn encode(&self) -> std::result::Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }

    fn request_id(&self) -> String {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}-{n}", self.id_prefix)
    }
}

fn random_u32() -> u32 {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 4];
    // Without randomness ids are still unique within the process, which is what logs need most.
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    u32::from_le_bytes(bytes)
}

/// `GET /metrics`.
pub(crate) async fn exposition(State(metrics): State<Arc<Metrics>>) -> Response {
    match metrics.encode() {
        Ok(text) => {
            let mut response = (StatusCode::OK, text).into_response();
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static(CONTENT_TYPE_OPENMETRICS),
            );
            response
        }
        Err(_) => super::ApiError::new(crate::codes::STORE_ERROR, "encoding the metrics failed")
            .into_response(),
    }
}

/// The method label: the standard methods by name, anything else as `OTHER` (HTTP allows any
/// token as a method, and each would be a new series).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// The route template of a request, or [`UNMATCHED`].
pub(crate) fn route_of(request: &Request) -> String {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_owned(), |path| path.as_str().to_owned())
}

/// A client's request id is kept when it is short and made of characters that cannot forge a
/// log line; otherwise the server makes one.
fn client_request_id(request: &Request) -> Option<String> {
    let value = request.headers().get(REQUEST_ID)?.to_str().ok()?;
    let sane = !value.is_empty()
        && value.len() <= 128
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    sane.then(|| value.to_owned())
}

/// Decrements the in-flight gauge even when the client goes away and the request's future is
/// dropped.
struct InFlight<'a>(&'a Gauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// The outermost middleware: counts and times the request, logs it, and answers with its id.
pub(crate) async fn track(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let method = method_label(request.method());
    let route = route_of(&request);
    let path = request.uri().path().to_owned();
    let request_id = client_request_id(&request).unwrap_or_else(|| metrics.request_id());
    metrics.in_flight.inc();
    let guard = InFlight(&metrics.in_flight);
    // A DEBUG span: at INFO, building it (its fields formatted for every request) cost about 15%
    // of the read throughput; the access event carries the request id itself.
    let span = tracing::debug_span!("request", id = %request_id);
    let mut response = next.run(request).instrument(span.clone()).await;
    drop(guard);
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route: route.clone(),
            status,
        })
        .inc();
    metrics
        .request_duration
        .get_or_create(&RouteLabels {
            method,
            route: route.clone(),
        })
        .observe(elapsed.as_secs_f64());
    let user = response
        .extensions()
        .get::<AuthenticatedUser>()
        .map(|user| user.0.clone());
    let latency_ms = elapsed.as_secs_f64() * 1000.0;
    let _entered = span.enter();
    // Probes and scrapes arrive every few seconds, and successful reads are the hot path every
    // consumer hits (one log line each costs a quarter of the throughput); at INFO they would
    // drown the requests that matter: writes, refusals and errors. DEBUG shows them all.
    let quiet = route.starts_with("/health")
        || route == "/metrics"
        || (matches!(method, "GET" | "HEAD") && status < 400);
    macro_rules! access {
        ($level:ident) => {
            tracing::$level!(
                target: "contrail_registry::access",
                request_id = %request_id,
                method,
                route = %route,
                path = %path,
                status,
                latency_ms,
                user = user.as_deref(),
                "request"
            )
        };
    }
    if status >= 500 {
        access!(warn);
    } else if quiet {
        access!(debug);
    } else {
        access!(info);
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// A [`Store`] that times every call of the store it wraps.
#[derive(Debug)]
pub struct MeteredStore {
    inner: Arc<dyn Store>,
    metrics: Arc<Metrics>,
}

impl MeteredStore {
    pub fn new(inner: Arc<dyn Store>, metrics: Arc<Metrics>) -> MeteredStore {
        MeteredStore { inner, metrics }
    }

    async fn time<T>(
        &self,
        operation: &'static str,
        call: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let start = Instant::now();
        let result = call.await;
        let labels = OperationLabels { operation };
        self.metrics
            .store_duration
            .get_or_create(&labels)
            .observe(start.elapsed().as_secs_f64());
        // A refusal (not found, incompatible, …) is the store doing its job; only failures of
        // the store itself count as errors.
        if let Err(Error::Store(_) | Error::Unsupported(_)) = &result {
            self.metrics.store_errors.get_or_create(&labels).inc();
        }
        result
    }
}

#[async_trait]
impl Store for MeteredStore {
    fn url(&self) -> &str {
        self.inner.url()
    }

    async fn ping(&self) -> Result<()> {
        self.time("ping", self.inner.ping()).await
    }

    async fn cluster_id(&self) -> Result<String> {
        self.time("cluster_id", self.inner.cluster_id()).await
    }

    async fn schema(&self, context: &str, id: i64) -> Result<Option<StoredSchema>> {
        self.time("schema", self.inner.schema(context, id)).await
    }

    async fn ids_by_guid(&self, guid: &str) -> Result<Vec<ContextId>> {
        self.time("ids_by_guid", self.inner.ids_by_guid(guid)).await
    }

    async fn find_schema(&self, context: &str, schema: &NewSchema) -> Result<Option<i64>> {
        self.time("find_schema", self.inner.find_schema(context, schema))
            .await
    }

    async fn usages(&self, context: &str, id: i64) -> Result<Vec<Usage>> {
        self.time("usages", self.inner.usages(context, id)).await
    }

    async fn subjects(&self) -> Result<Vec<SubjectSummary>> {
        self.time("subjects", self.inner.subjects()).await
    }

    async fn contexts(&self) -> Result<Vec<String>> {
        self.time("contexts", self.inner.contexts()).await
    }

    async fn delete_context(&self, context: &str) -> Result<()> {
        self.time("delete_context", self.inner.delete_context(context))
            .await
    }

    async fn versions(&self, subject: &str) -> Result<Vec<VersionEntry>> {
        self.time("versions", self.inner.versions(subject)).await
    }

    async fn version(&self, subject: &str, version: i64) -> Result<Option<SubjectVersion>> {
        self.time("version", self.inner.version(subject, version))
            .await
    }

    async fn versions_with_schemas(&self, subject: Option<&str>) -> Result<Vec<SubjectVersion>> {
        self.time(
            "versions_with_schemas",
            self.inner.versions_with_schemas(subject),
        )
        .await
    }

    async fn referenced_by(&self, subject: &str, version: i64) -> Result<Vec<Referrer>> {
        self.time("referenced_by", self.inner.referenced_by(subject, version))
            .await
    }

    async fn resolve_references(
        &self,
        context: &str,
        references: &[Reference],
    ) -> Result<Vec<ResolvedReference>> {
        self.time(
            "resolve_references",
            self.inner.resolve_references(context, references),
        )
        .await
    }

    async fn register(&self, request: RegisterRequest, check: Checker) -> Result<Registered> {
        let result = self
            .time("register", self.inner.register(request, check))
            .await;
        let outcome = match &result {
            Ok(registered) if registered.created => "created",
            Ok(_) => "existing",
            Err(Error::Refused(Refusal::Incompatible { .. })) => "incompatible",
            Err(Error::Refused(_)) => "refused",
            Err(_) => "error",
        };
        self.metrics
            .registrations
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
        result
    }

    async fn delete_version(
        &self,
        subject: &str,
        version: VersionSelector,
        permanent: bool,
    ) -> Result<i64> {
        self.time(
            "delete_version",
            self.inner.delete_version(subject, version, permanent),
        )
        .await
    }

    async fn delete_subject(&self, subject: &str, permanent: bool) -> Result<Vec<i64>> {
        self.time(
            "delete_subject",
            self.inner.delete_subject(subject, permanent),
        )
        .await
    }

    async fn config(&self, subject: Option<&str>) -> Result<Option<Config>> {
        self.time("config", self.inner.config(subject)).await
    }

    async fn set_config(&self, subject: Option<&str>, config: Config) -> Result<()> {
        self.time("set_config", self.inner.set_config(subject, config))
            .await
    }

    async fn delete_config(&self, subject: Option<&str>) -> Result<Option<Config>> {
        self.time("delete_config", self.inner.delete_config(subject))
            .await
    }

    async fn mode(&self, subject: Option<&str>) -> Result<Option<Mode>> {
        self.time("mode", self.inner.mode(subject)).await
    }

    async fn set_mode(&self, subject: Option<&str>, mode: Mode, force: bool) -> Result<()> {
        self.time("set_mode", self.inner.set_mode(subject, mode, force))
            .await
    }

    async fn delete_mode(&self, subject: Option<&str>) -> Result<Option<Mode>> {
        self.time("delete_mode", self.inner.delete_mode(subject))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn store_calls_are_timed_by_operation() {
        let metrics = Arc::new(Metrics::new());
        let inner = crate::store::open("sqlite://:memory:")
            .await
            .expect("an in-memory store opens");
        let store = MeteredStore::new(inner, metrics.clone());
        store.ping().await.expect("ping");
        store.subjects().await.expect("subjects");
        let text = metrics.encode().expect("encodes");
        assert!(
            text.contains(
                "contrail_registry_store_operation_duration_seconds_count{operation=\"ping\"} 1"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "contrail_registry_store_operation_duration_seconds_count{operation=\"subjects\"} 1"
            ),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn odd_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        let custom = Method::from_bytes(b"BREW").expect("a valid token");
        assert_eq!(method_label(&custom), "OTHER");
    }
}
