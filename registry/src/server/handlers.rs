//! The endpoints, in the order of Confluent's API reference.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use contrail_contracts::compat::CompatibilityMode;
use contrail_contracts::model::Keyword;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::compat::{self, evaluate};
use super::error::{ApiError, ApiResult};
use super::extract::{Body, Params, PathParams};
use super::{AppState, respond, text_response};
use crate::canonical::{self, Parsed};
use crate::error::Refusal;
use crate::model::{
    Config, Mode, Reference, SchemaType, StoredSchema, SubjectVersion, VersionSelector,
    effective_compatibility, effective_normalize,
};
use crate::store::{HistoryEntry, RegisterRequest, versions_to_compare};

fn ok(body: &impl serde::Serialize) -> Response {
    respond(StatusCode::OK, body)
}

/// A schema as clients send it (register, lookup, compatibility). Unknown fields
/// (`metadata`, `ruleSet`) are accepted and ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaBody {
    schema: Option<String>,
    schema_type: Option<String>,
    references: Option<Vec<Reference>>,
    id: Option<i64>,
    version: Option<i64>,
}

/// Subject names Confluent refuses (42208): empty, or with control characters.
fn check_subject(subject: &str) -> ApiResult<()> {
    if subject.is_empty() || subject.chars().any(char::is_control) {
        return Err(ApiError::new(
            42208,
            format!(
                "The specified subject '{}' is not valid.",
                subject.escape_debug()
            ),
        ));
    }
    Ok(())
}

fn parse_version(text: &str) -> ApiResult<VersionSelector> {
    text.parse()
        .map_err(|message| ApiError::from(Refusal::InvalidVersion(message)))
}

fn parse_id(text: &str) -> ApiResult<i64> {
    text.parse().map_err(|_| ApiError::not_found())
}

/// `schemaType`, `references` and `schema` of a stored schema into `map`, as Confluent
/// writes them: `schemaType` only when not AVRO, `references` only when there are some.
fn put_schema(map: &mut Map<String, Value>, schema: &StoredSchema) {
    if schema.schema_type != SchemaType::Avro {
        map.insert("schemaType".into(), json!(schema.schema_type.as_str()));
    }
    if !schema.references.is_empty() {
        map.insert("references".into(), json!(schema.references));
    }
    map.insert("schema".into(), json!(schema.schema));
}

fn version_json(version: &SubjectVersion) -> Value {
    let mut map = Map::new();
    map.insert("subject".into(), json!(version.subject));
    map.insert("version".into(), json!(version.version));
    map.insert("id".into(), json!(version.schema.id));
    put_schema(&mut map, &version.schema);
    Value::Object(map)
}

/// The bare schema text of the `*/schema` endpoints. Avro and JSON Schema texts are JSON and go
/// out with the registry's JSON media type; Protobuf text is not JSON, so it goes out as
/// `text/plain` rather than under a JSON type its body would contradict (clients read the body
/// as text either way).
fn schema_text(schema: StoredSchema) -> Response {
    if schema.schema_type != SchemaType::Protobuf {
        return text_response(StatusCode::OK, schema.schema);
    }
    let mut response = (StatusCode::OK, schema.schema).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Parses a client's schema for `subject`: type, references (resolved), canonical form.
async fn prepare(
    state: &AppState,
    subject: &str,
    body: SchemaBody,
    normalize: bool,
) -> ApiResult<Parsed> {
    let Some(text) = body.schema.filter(|s| !s.trim().is_empty()) else {
        return Err(Refusal::InvalidSchema("Empty schema".to_owned()).into());
    };
    let schema_type = match body.schema_type.as_deref() {
        None | Some("") => SchemaType::Avro,
        Some(name) => name
            .parse()
            .map_err(|message: String| ApiError::from(Refusal::InvalidSchema(message)))?,
    };
    let mut references = body.references.unwrap_or_default();
    // `-1` (latest) is stored as the version it names, so the schema's identity is stable.
    for reference in &mut references {
        if reference.version == -1
            && let Some(latest) = state
                .store
                .versions(&reference.subject)
                .await?
                .iter()
                .rev()
                .find(|v| !v.deleted)
        {
            reference.version = latest.version;
        }
    }
    let resolved = state.store.resolve_references(&references).await?;
    let normalize = normalize
        || effective_normalize(
            state.store.config(Some(subject)).await?,
            state.store.config(None).await?,
        );
    Ok(canonical::parse(
        schema_type,
        &text,
        references,
        &resolved,
        normalize,
    )?)
}

async fn compatibility_level(state: &AppState, subject: &str) -> ApiResult<CompatibilityMode> {
    Ok(effective_compatibility(
        state.store.config(Some(subject)).await?,
        state.store.config(None).await?,
    ))
}

/// Loads versions with their references resolved, for a compatibility check.
async fn history(state: &AppState, versions: Vec<SubjectVersion>) -> ApiResult<Vec<HistoryEntry>> {
    let mut out = Vec::with_capacity(versions.len());
    for version in versions {
        let references = state
            .store
            .resolve_references(&version.schema.references)
            .await?;
        out.push(HistoryEntry {
            version,
            references,
        });
    }
    Ok(out)
}

/// The version a GET names: `latest` is the latest live one (or of all with `deleted`).
async fn find_version(
    state: &AppState,
    subject: &str,
    version: &str,
    include_deleted: bool,
) -> ApiResult<SubjectVersion> {
    let selector = parse_version(version)?;
    let all = state.store.versions(subject).await?;
    let candidates: Vec<_> = all
        .iter()
        .filter(|v| include_deleted || !v.deleted)
        .collect();
    if candidates.is_empty() {
        return Err(ApiError::subject_not_found(subject));
    }
    let entry = match selector {
        VersionSelector::Latest => candidates.last().copied(),
        VersionSelector::Number(n) => candidates.iter().find(|v| v.version == n).copied(),
    };
    let Some(entry) = entry else {
        return Err(ApiError::version_not_found(subject, version));
    };
    state
        .store
        .version(subject, entry.version)
        .await?
        .ok_or_else(|| ApiError::version_not_found(subject, version))
}

/// `subjectPrefix`: `:*:` (Confluent's default, all contexts) matches everything; `:.:` is
/// the default context, the only one contrail has.
fn prefix_of(params: &Params) -> String {
    match params.get("subjectPrefix") {
        None | Some(":*:") => String::new(),
        Some(prefix) => prefix.strip_prefix(":.:").unwrap_or(prefix).to_owned(),
    }
}

// ---- root, health, metadata ------------------------------------------------------------

pub async fn root() -> Response {
    ok(&json!({}))
}

pub async fn health(State(state): State<AppState>) -> Response {
    let ready = state.store.ping().await.is_ok();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    respond(
        status,
        &json!({
            "status": if ready { "UP" } else { "DOWN" },
            "live": true,
            "ready": ready,
            "store": state.store.url(),
        }),
    )
}

pub async fn live() -> Response {
    ok(&json!({"status": "UP", "live": true}))
}

pub async fn ready(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => ok(&json!({"status": "UP", "ready": true})),
        Err(error) => respond(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({"status": "DOWN", "ready": false, "error_code": 50001, "message": error.to_string()}),
        ),
    }
}

pub async fn metadata_id(State(state): State<AppState>) -> ApiResult<Response> {
    let cluster = state.store.cluster_id().await?;
    Ok(ok(&json!({
        "id": cluster,
        "scope": {"path": [], "clusters": {"kafka-cluster": "", "schema-registry-cluster": cluster}},
    })))
}

pub async fn metadata_version() -> Response {
    ok(&json!({"version": env!("CARGO_PKG_VERSION"), "commitId": ""}))
}

pub async fn contexts() -> Response {
    ok(&json!(["."]))
}

pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(405, "HTTP 405 Method Not Allowed")
}

// ---- schemas ------------------------------------------------------------------------------

pub async fn schema_types() -> Response {
    ok(&SchemaType::ALL.map(SchemaType::as_str))
}

pub async fn list_schemas(State(state): State<AppState>, params: Params) -> ApiResult<Response> {
    let prefix = prefix_of(&params);
    let deleted = params.flag("deleted");
    let mut versions: Vec<SubjectVersion> = state
        .store
        .versions_with_schemas(None)
        .await?
        .into_iter()
        .filter(|v| v.subject.starts_with(&prefix) && (deleted || !v.deleted))
        .collect();
    if params.flag("latestOnly") {
        // Sorted by subject then version: keep the last of each subject.
        let mut latest: Vec<SubjectVersion> = Vec::new();
        for version in versions {
            match latest.last_mut() {
                Some(last) if last.subject == version.subject => *last = version,
                _ => latest.push(version),
            }
        }
        versions = latest;
    }
    let listed: Vec<Value> = versions.iter().map(version_json).collect();
    Ok(ok(&params.page(listed)?))
}

pub async fn schema_by_id(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    if let Some(body) = state.schema_bodies.get(id) {
        return Ok(bytes_response(body));
    }
    let schema = state
        .store
        .schema(id)
        .await?
        .ok_or_else(|| ApiError::schema_not_found(id))?;
    let mut map = Map::new();
    put_schema(&mut map, &schema);
    let body = axum::body::Bytes::from(Value::Object(map).to_string());
    state.schema_bodies.insert(id, body.clone());
    Ok(bytes_response(body))
}

/// A 200 answer whose JSON body is ready.
fn bytes_response(body: axum::body::Bytes) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(super::MEDIA_TYPE));
    response
}

pub async fn schema_text_by_id(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    let schema = state
        .store
        .schema(id)
        .await?
        .ok_or_else(|| ApiError::schema_not_found(id))?;
    Ok(schema_text(schema))
}

async fn usages(
    state: &AppState,
    id: &str,
    params: &Params,
) -> ApiResult<Vec<crate::model::Usage>> {
    let id = parse_id(id)?;
    let usages = state.store.usages(id).await?;
    if usages.is_empty() {
        return Err(ApiError::schema_not_found(id));
    }
    let deleted = params.flag("deleted");
    let subject = params.get("subject");
    Ok(usages
        .into_iter()
        .filter(|u| (deleted || !u.deleted) && subject.is_none_or(|s| s == u.subject))
        .collect())
}

pub async fn schema_subjects(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    let subjects: BTreeSet<String> = usages(&state, &id, &params)
        .await?
        .into_iter()
        .map(|u| u.subject)
        .collect();
    Ok(ok(&params.page(subjects.into_iter().collect())?))
}

pub async fn schema_versions(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    let listed: Vec<Value> = usages(&state, &id, &params)
        .await?
        .into_iter()
        .map(|u| json!({"subject": u.subject, "version": u.version}))
        .collect();
    Ok(ok(&params.page(listed)?))
}

// ---- subjects -----------------------------------------------------------------------------

pub async fn list_subjects(State(state): State<AppState>, params: Params) -> ApiResult<Response> {
    let prefix = prefix_of(&params);
    let deleted = params.flag("deleted");
    let deleted_only = params.flag("deletedOnly");
    let subjects: Vec<String> = state
        .store
        .subjects()
        .await?
        .into_iter()
        .filter(|s| s.subject.starts_with(&prefix))
        .filter(|s| {
            if deleted_only {
                s.live == 0 && s.deleted > 0
            } else if deleted {
                true
            } else {
                s.live > 0
            }
        })
        .map(|s| s.subject)
        .collect();
    Ok(ok(&params.page(subjects)?))
}

pub async fn lookup(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
    Body(body): Body<SchemaBody>,
) -> ApiResult<Response> {
    let include_deleted = params.flag("deleted");
    let versions = state.store.versions(&subject).await?;
    if !versions.iter().any(|v| include_deleted || !v.deleted) {
        return Err(ApiError::subject_not_found(&subject));
    }
    let parsed = prepare(&state, &subject, body, params.flag("normalize")).await?;
    let not_found = || ApiError::schema_not_found("not found");
    let id = state
        .store
        .find_schema(&parsed.schema)
        .await?
        .ok_or_else(not_found)?;
    let entry = versions
        .iter()
        .rev()
        .find(|v| v.id == id && (include_deleted || !v.deleted))
        .ok_or_else(not_found)?;
    let version = state
        .store
        .version(&subject, entry.version)
        .await?
        .ok_or_else(not_found)?;
    Ok(ok(&version_json(&version)))
}

pub async fn delete_subject(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    let deleted = state
        .store
        .delete_subject(&subject, params.flag("permanent"))
        .await?;
    if params.flag("permanent") {
        state.schema_bodies.clear();
    }
    Ok(ok(&deleted))
}

pub async fn list_versions(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    let all = state.store.versions(&subject).await?;
    let deleted = params.flag("deleted");
    let deleted_only = params.flag("deletedOnly");
    if all.is_empty() || (!deleted && !deleted_only && all.iter().all(|v| v.deleted)) {
        return Err(ApiError::subject_not_found(&subject));
    }
    let negative = params.flag("deletedAsNegative");
    let listed: Vec<i64> = all
        .iter()
        .filter(|v| {
            if deleted_only {
                v.deleted
            } else {
                deleted || !v.deleted
            }
        })
        .map(|v| {
            if negative && v.deleted {
                -v.version
            } else {
                v.version
            }
        })
        .collect();
    Ok(ok(&params.page(listed)?))
}

pub async fn register(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
    Body(body): Body<SchemaBody>,
) -> ApiResult<Response> {
    check_subject(&subject)?;
    // Clients that send no id may send 0 or -1.
    let id = body.id.filter(|&id| id > 0);
    let version = body.version.filter(|&v| v > 0);
    let parsed = prepare(&state, &subject, body, params.flag("normalize")).await?;
    let checker = compat::register_checker(
        state.parsed.clone(),
        parsed.schema.schema_type,
        parsed.comparable,
    );
    let registered = state
        .store
        .register(
            RegisterRequest {
                subject,
                schema: parsed.schema,
                id,
                version,
            },
            checker,
        )
        .await?;
    Ok(ok(&json!({"id": registered.id})))
}

pub async fn get_version(
    State(state): State<AppState>,
    PathParams((subject, version)): PathParams<(String, String)>,
    params: Params,
) -> ApiResult<Response> {
    let found = find_version(&state, &subject, &version, params.flag("deleted")).await?;
    Ok(ok(&version_json(&found)))
}

pub async fn get_version_schema(
    State(state): State<AppState>,
    PathParams((subject, version)): PathParams<(String, String)>,
    params: Params,
) -> ApiResult<Response> {
    let found = find_version(&state, &subject, &version, params.flag("deleted")).await?;
    Ok(schema_text(found.schema))
}

pub async fn referenced_by(
    State(state): State<AppState>,
    PathParams((subject, version)): PathParams<(String, String)>,
    params: Params,
) -> ApiResult<Response> {
    let deleted = params.flag("deleted");
    let found = find_version(&state, &subject, &version, deleted).await?;
    let ids: Vec<i64> = state
        .store
        .referenced_by(&subject, found.version)
        .await?
        .into_iter()
        .filter(|r| deleted || r.live)
        .map(|r| r.id)
        .collect();
    Ok(ok(&params.page(ids)?))
}

pub async fn delete_version(
    State(state): State<AppState>,
    PathParams((subject, version)): PathParams<(String, String)>,
    params: Params,
) -> ApiResult<Response> {
    let selector = parse_version(&version)?;
    let deleted = state
        .store
        .delete_version(&subject, selector, params.flag("permanent"))
        .await?;
    if params.flag("permanent") {
        state.schema_bodies.clear();
    }
    Ok(ok(&deleted))
}

// ---- compatibility -----------------------------------------------------------------------

async fn verdict_response(
    state: &AppState,
    level: CompatibilityMode,
    parsed: Parsed,
    history: Vec<HistoryEntry>,
    verbose: bool,
) -> ApiResult<Response> {
    let cache = state.parsed.clone();
    let verdict = tokio::task::spawn_blocking(move || {
        evaluate(
            &cache,
            level,
            parsed.schema.schema_type,
            parsed.comparable.as_ref(),
            &history,
        )
    })
    .await
    .map_err(|e| ApiError::new(50001, format!("the compatibility check failed: {e}")))?;
    Ok(if verbose {
        ok(&json!({"is_compatible": verdict.compatible, "messages": verdict.messages}))
    } else {
        ok(&json!({"is_compatible": verdict.compatible}))
    })
}

pub async fn check_compatibility_all(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
    Body(body): Body<SchemaBody>,
) -> ApiResult<Response> {
    let parsed = prepare(&state, &subject, body, params.flag("normalize")).await?;
    let level = compatibility_level(&state, &subject).await?;
    let live: Vec<_> = state
        .store
        .versions(&subject)
        .await?
        .into_iter()
        .filter(|v| !v.deleted)
        .collect();
    let mut versions = Vec::new();
    for entry in versions_to_compare(level, &live) {
        if let Some(version) = state.store.version(&subject, entry.version).await? {
            versions.push(version);
        }
    }
    let history = history(&state, versions).await?;
    verdict_response(&state, level, parsed, history, params.flag("verbose")).await
}

pub async fn check_compatibility_version(
    State(state): State<AppState>,
    PathParams((subject, version)): PathParams<(String, String)>,
    params: Params,
    Body(body): Body<SchemaBody>,
) -> ApiResult<Response> {
    let selector = parse_version(&version)?;
    let parsed = prepare(&state, &subject, body, params.flag("normalize")).await?;
    let level = compatibility_level(&state, &subject).await?;
    let all = state.store.versions(&subject).await?;
    let live: Vec<_> = all.iter().filter(|v| !v.deleted).collect();
    let target = match selector {
        // Against `latest` of a subject without live versions everything is compatible.
        VersionSelector::Latest => match live.last() {
            Some(latest) => latest.version,
            None => {
                return verdict_response(&state, level, parsed, Vec::new(), params.flag("verbose"))
                    .await;
            }
        },
        VersionSelector::Number(n) => {
            if all.is_empty() {
                return Err(ApiError::subject_not_found(&subject));
            }
            if !live.iter().any(|v| v.version == n) {
                return Err(ApiError::version_not_found(&subject, n));
            }
            n
        }
    };
    let Some(old) = state.store.version(&subject, target).await? else {
        return Err(ApiError::version_not_found(&subject, target));
    };
    let history = history(&state, vec![old]).await?;
    verdict_response(&state, level, parsed, history, params.flag("verbose")).await
}

// ---- config -------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigBody {
    #[serde(alias = "compatibilityLevel")]
    compatibility: Option<String>,
    normalize: Option<bool>,
}

fn invalid_compatibility(found: &str) -> ApiError {
    ApiError::new(
        42203,
        format!(
            "Invalid compatibility level '{found}'. Valid values are {}",
            CompatibilityMode::keywords().join(", ")
        ),
    )
}

fn config_update(body: ConfigBody) -> ApiResult<Config> {
    let compatibility = match body.compatibility.as_deref() {
        Some(text) => Some(
            CompatibilityMode::parse_keyword(text).ok_or_else(|| invalid_compatibility(text))?,
        ),
        None => None,
    };
    if compatibility.is_none() && body.normalize.is_none() {
        return Err(invalid_compatibility(""));
    }
    Ok(Config {
        compatibility,
        normalize: body.normalize,
    })
}

/// GET's shape: `{"compatibilityLevel": L, "normalize": b?}`.
fn config_json(config: Config) -> Value {
    let mut map = Map::new();
    map.insert(
        "compatibilityLevel".into(),
        json!(
            config
                .compatibility
                .unwrap_or(crate::model::DEFAULT_COMPATIBILITY)
                .keyword()
        ),
    );
    if let Some(normalize) = config.normalize {
        map.insert("normalize".into(), json!(normalize));
    }
    Value::Object(map)
}

/// PUT's echo: `{"compatibility": L?, "normalize": b?}` as given.
fn config_echo(update: Config) -> Value {
    let mut map = Map::new();
    if let Some(level) = update.compatibility {
        map.insert("compatibility".into(), json!(level.keyword()));
    }
    if let Some(normalize) = update.normalize {
        map.insert("normalize".into(), json!(normalize));
    }
    Value::Object(map)
}

pub async fn get_global_config(State(state): State<AppState>) -> ApiResult<Response> {
    let config = state.store.config(None).await?.unwrap_or_default();
    Ok(ok(&config_json(config)))
}

pub async fn put_global_config(
    State(state): State<AppState>,
    Body(body): Body<ConfigBody>,
) -> ApiResult<Response> {
    let update = config_update(body)?;
    let current = state.store.config(None).await?.unwrap_or_default();
    state.store.set_config(None, current.merged(update)).await?;
    Ok(ok(&config_echo(update)))
}

pub async fn delete_global_config(State(state): State<AppState>) -> ApiResult<Response> {
    let old = state.store.delete_config(None).await?.unwrap_or_default();
    Ok(ok(&config_json(old)))
}

pub async fn get_subject_config(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    match state.store.config(Some(&subject)).await? {
        Some(config) if config.compatibility.is_some() || config.normalize.is_some() => {
            Ok(ok(&config_json(config)))
        }
        _ if params.flag("defaultToGlobal") => {
            let global = state.store.config(None).await?.unwrap_or_default();
            Ok(ok(&config_json(global)))
        }
        _ => Err(Refusal::SubjectCompatibilityNotConfigured(subject).into()),
    }
}

pub async fn put_subject_config(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    Body(body): Body<ConfigBody>,
) -> ApiResult<Response> {
    check_subject(&subject)?;
    let update = config_update(body)?;
    let current = state
        .store
        .config(Some(&subject))
        .await?
        .unwrap_or_default();
    state
        .store
        .set_config(Some(&subject), current.merged(update))
        .await?;
    Ok(ok(&config_echo(update)))
}

pub async fn delete_subject_config(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
) -> ApiResult<Response> {
    // Confluent answers 40401 when the subject has no configuration to delete.
    match state.store.delete_config(Some(&subject)).await? {
        Some(old) => Ok(ok(&config_json(old))),
        None => Err(ApiError::subject_not_found(&subject)),
    }
}

// ---- mode ---------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct ModeBody {
    mode: Option<String>,
}

fn mode_update(body: ModeBody) -> ApiResult<Mode> {
    let text = body.mode.unwrap_or_default();
    text.parse().map_err(|_: String| {
        ApiError::new(
            42204,
            format!(
                "Invalid mode '{text}'. Valid values are {}",
                Mode::ALL.map(Mode::as_str).join(", ")
            ),
        )
    })
}

pub async fn get_global_mode(State(state): State<AppState>) -> ApiResult<Response> {
    let mode = state.store.mode(None).await?.unwrap_or(Mode::ReadWrite);
    Ok(ok(&json!({"mode": mode.as_str()})))
}

pub async fn put_global_mode(
    State(state): State<AppState>,
    params: Params,
    Body(body): Body<ModeBody>,
) -> ApiResult<Response> {
    let mode = mode_update(body)?;
    state
        .store
        .set_mode(None, mode, params.flag("force"))
        .await?;
    Ok(ok(&json!({"mode": mode.as_str()})))
}

pub async fn delete_global_mode(State(state): State<AppState>) -> ApiResult<Response> {
    let old = state
        .store
        .delete_mode(None)
        .await?
        .unwrap_or(Mode::ReadWrite);
    Ok(ok(&json!({"mode": old.as_str()})))
}

pub async fn get_subject_mode(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    match state.store.mode(Some(&subject)).await? {
        Some(mode) => Ok(ok(&json!({"mode": mode.as_str()}))),
        None if params.flag("defaultToGlobal") => {
            let global = state.store.mode(None).await?.unwrap_or(Mode::ReadWrite);
            Ok(ok(&json!({"mode": global.as_str()})))
        }
        None => Err(Refusal::SubjectModeNotConfigured(subject).into()),
    }
}

pub async fn put_subject_mode(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
    Body(body): Body<ModeBody>,
) -> ApiResult<Response> {
    check_subject(&subject)?;
    let mode = mode_update(body)?;
    state
        .store
        .set_mode(Some(&subject), mode, params.flag("force"))
        .await?;
    Ok(ok(&json!({"mode": mode.as_str()})))
}

pub async fn delete_subject_mode(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
) -> ApiResult<Response> {
    // As for configuration, deleting a mode that is not set is 40401.
    match state.store.delete_mode(Some(&subject)).await? {
        Some(old) => Ok(ok(&json!({"mode": old.as_str()}))),
        None => Err(ApiError::subject_not_found(&subject)),
    }
}
