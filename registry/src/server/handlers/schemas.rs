//! `/schemas`: schemas by their id, and which subject versions use them.
//!
//! Ids are per context; the `subject` parameter says which context an id is read in
//! ([`locate`]).

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::shared::{
    SubjectCandidates, formatted, ok, prefix_of, put_schema, put_schema_as, schema_text,
    version_json,
};
use crate::context;
use crate::guid;
use crate::model::{ContextId, SchemaType, StoredSchema, SubjectVersion, Usage};
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{Params, PathParams};
use crate::server::{AppState, MEDIA_TYPE};

/// An id in a path; one that is not a number names no schema.
fn parse_id(text: &str) -> ApiResult<i64> {
    text.parse().map_err(|_| ApiError::not_found())
}

pub(crate) async fn types() -> Response {
    ok(&SchemaType::ALL.map(SchemaType::as_str))
}

/// The context and schema an id names, read as Confluent reads it
/// (`getSchemaKeyUsingContexts`): with a `subject` that is a context alone (or none, the
/// default context), the id in that context; with a qualified subject, the id if that
/// subject uses it; with an unqualified one, the id if the subject uses it in the default
/// context, else the first other context whose subject of that name uses it, else the id in
/// the default context.
async fn locate(
    state: &AppState,
    id: i64,
    subject: Option<&str>,
) -> ApiResult<Option<(String, StoredSchema)>> {
    let subject = subject.unwrap_or("");
    let parts = context::split(subject);
    if parts.name.is_empty() {
        return in_context(state, parts.context, id).await;
    }
    if parts.context != context::DEFAULT_CONTEXT {
        if uses(state, parts.context, id, subject).await? {
            return in_context(state, parts.context, id).await;
        }
        return Ok(None);
    }
    let mut candidates = SubjectCandidates::new(subject);
    while let Some(candidate) = candidates.next(state).await? {
        let candidate_context = context::context_of(&candidate);
        if uses(state, candidate_context, id, &candidate).await? {
            return in_context(state, candidate_context, id).await;
        }
    }
    in_context(state, context::DEFAULT_CONTEXT, id).await
}

async fn in_context(
    state: &AppState,
    context: &str,
    id: i64,
) -> ApiResult<Option<(String, StoredSchema)>> {
    Ok(state
        .store
        .schema(context, id)
        .await?
        .map(|schema| (context.to_owned(), schema)))
}

/// Whether `subject` has a version (live or soft-deleted) with the id `id` of `context`.
async fn uses(state: &AppState, context: &str, id: i64, subject: &str) -> ApiResult<bool> {
    Ok(state
        .store
        .usages(context, id)
        .await?
        .iter()
        .any(|u| u.subject == subject))
}

pub(crate) async fn list(State(state): State<AppState>, params: Params) -> ApiResult<Response> {
    let prefix = prefix_of(&params, "");
    let deleted = params.flag("deleted");
    let mut versions: Vec<SubjectVersion> = state
        .store
        .versions_with_schemas(None)
        .await?
        .into_iter()
        .filter(|v| prefix.matches(&v.subject) && (deleted || !v.deleted))
        .collect();
    // By subject then version, whatever the database's collation.
    versions.sort_by(|a, b| (&a.subject, a.version).cmp(&(&b.subject, b.version)));
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

pub(crate) async fn by_id(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    let subject = params.get("subject");
    // The cache holds the stored form; another format is built each time.
    let format = params.get("format").is_some();
    if !format && let Some(body) = state.schema_bodies.get(subject, id) {
        return Ok(bytes_response(body));
    }
    let (context, schema) = locate(&state, id, subject)
        .await?
        .ok_or_else(|| ApiError::schema_not_found(id))?;
    let mut map = Map::new();
    let text = formatted(&state, &params, &context, &schema).await?;
    if text.is_some() {
        put_schema_as(&mut map, &schema, text);
        return Ok(ok(&Value::Object(map)));
    }
    put_schema(&mut map, &schema);
    let body = Bytes::from(Value::Object(map).to_string());
    state.schema_bodies.insert(subject, id, body.clone());
    Ok(bytes_response(body))
}

/// A 200 answer whose JSON body is ready.
fn bytes_response(body: Bytes) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    response
}

/// `GET /schemas/guids/{guid}`: the schema a GUID names, in the body `/schemas/ids/{id}`
/// gives (Confluent's carries no id either; `/schemas/guids/{guid}/ids` has it).
pub(crate) async fn by_guid(
    State(state): State<AppState>,
    PathParams(guid): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    // The default context first, then the others by name (Confluent's `getIdUsingContexts`).
    let first = ids_of_guid(&state, &guid).await?.into_iter().next();
    let found = match first {
        Some(ContextId { context, id }) => in_context(&state, &context, id).await?,
        None => None,
    };
    let (context, schema) = found.ok_or_else(|| ApiError::schema_not_found(&guid))?;
    let mut map = Map::new();
    let text = formatted(&state, &params, &context, &schema).await?;
    put_schema_as(&mut map, &schema, text);
    Ok(ok(&Value::Object(map)))
}

/// `GET /schemas/guids/{guid}/ids`: the ids a GUID has, one per context that stores the
/// schema, or an empty list (as Confluent answers for a GUID no context knows).
pub(crate) async fn ids_by_guid(
    State(state): State<AppState>,
    PathParams(guid): PathParams<String>,
) -> ApiResult<Response> {
    let ids: Vec<Value> = ids_of_guid(&state, &guid)
        .await?
        .into_iter()
        .map(|found| json!({"context": found.context, "id": found.id}))
        .collect();
    Ok(ok(&ids))
}

/// The ids of the GUID in a path; text that is not a UUID has none.
async fn ids_of_guid(state: &AppState, text: &str) -> ApiResult<Vec<ContextId>> {
    let Some(guid) = guid::parse(text) else {
        return Ok(Vec::new());
    };
    Ok(state.store.ids_by_guid(&guid::format(&guid)).await?)
}

pub(crate) async fn text_by_id(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    let (context, schema) = locate(&state, id, params.get("subject"))
        .await?
        .ok_or_else(|| ApiError::schema_not_found(id))?;
    let text = formatted(&state, &params, &context, &schema).await?;
    Ok(schema_text(schema, text))
}

/// Where the schema `id` is used in the context the `subject` parameter chooses ([`locate`]),
/// soft-deleted versions only with `deleted`.
async fn usages(state: &AppState, id: &str, params: &Params) -> ApiResult<Vec<Usage>> {
    let id = parse_id(id)?;
    let Some((context, _)) = locate(state, id, params.get("subject")).await? else {
        return Err(ApiError::schema_not_found(id));
    };
    let usages = state.store.usages(&context, id).await?;
    if usages.is_empty() {
        return Err(ApiError::schema_not_found(id));
    }
    let deleted = params.flag("deleted");
    Ok(usages
        .into_iter()
        .filter(|u| deleted || !u.deleted)
        .collect())
}

pub(crate) async fn subjects(
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

pub(crate) async fn versions(
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
