//! `/schemas`: schemas by their global id, and which subject versions use them.

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::shared::{
    formatted, ok, prefix_of, put_schema, put_schema_as, schema_text, version_json,
};
use crate::guid;
use crate::model::{SchemaType, StoredSchema, SubjectVersion, Usage};
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

pub(crate) async fn list(State(state): State<AppState>, params: Params) -> ApiResult<Response> {
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

pub(crate) async fn by_id(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    // The cache holds the stored form; another format is built each time.
    let format = params.get("format").is_some();
    if !format && let Some(body) = state.schema_bodies.get(id) {
        return Ok(bytes_response(body));
    }
    let schema = state
        .store
        .schema(id)
        .await?
        .ok_or_else(|| ApiError::schema_not_found(id))?;
    let mut map = Map::new();
    let text = formatted(&state, &params, &schema).await?;
    if text.is_some() {
        put_schema_as(&mut map, &schema, text);
        return Ok(ok(&Value::Object(map)));
    }
    put_schema(&mut map, &schema);
    let body = Bytes::from(Value::Object(map).to_string());
    state.schema_bodies.insert(id, body.clone());
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
    let schema = find_by_guid(&state, &guid)
        .await?
        .ok_or_else(|| ApiError::schema_not_found(&guid))?;
    let mut map = Map::new();
    let text = formatted(&state, &params, &schema).await?;
    put_schema_as(&mut map, &schema, text);
    Ok(ok(&Value::Object(map)))
}

/// `GET /schemas/guids/{guid}/ids`: the ids a GUID has, one per context. contrail's registry
/// has the default context only, so the answer is that one id, or an empty list (as Confluent
/// answers for a GUID no context knows).
pub(crate) async fn ids_by_guid(
    State(state): State<AppState>,
    PathParams(guid): PathParams<String>,
) -> ApiResult<Response> {
    let ids: Vec<Value> = find_by_guid(&state, &guid)
        .await?
        .map(|schema| json!({"context": ".", "id": schema.id}))
        .into_iter()
        .collect();
    Ok(ok(&ids))
}

/// The schema a GUID in a path names; text that is not a UUID names none.
async fn find_by_guid(state: &AppState, text: &str) -> ApiResult<Option<StoredSchema>> {
    let Some(guid) = guid::parse(text) else {
        return Ok(None);
    };
    Ok(state.store.schema_by_guid(&guid::format(&guid)).await?)
}

pub(crate) async fn text_by_id(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    let id = parse_id(&id)?;
    let schema = state
        .store
        .schema(id)
        .await?
        .ok_or_else(|| ApiError::schema_not_found(id))?;
    let text = formatted(&state, &params, &schema).await?;
    Ok(schema_text(schema, text))
}

/// Where the schema `id` is used, filtered by the `deleted` and `subject` parameters.
async fn usages(state: &AppState, id: &str, params: &Params) -> ApiResult<Vec<Usage>> {
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
