//! What the registry says about itself: `/`, `/contexts` and `/v1/metadata/*`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::shared::ok;
use crate::codes;
use crate::context;
use crate::server::AppState;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{Params, PathParams};

pub(crate) async fn root() -> Response {
    ok(&json!({}))
}

/// `GET /contexts`: the default context `.`, then every other that has had a registration and
/// was not deleted, by name; `contextPrefix`, `offset` and `limit` as Confluent has them.
pub(crate) async fn contexts(State(state): State<AppState>, params: Params) -> ApiResult<Response> {
    let prefix = params.get("contextPrefix").unwrap_or_default();
    let contexts: Vec<String> = state
        .store
        .contexts()
        .await?
        .into_iter()
        .filter(|c| c.starts_with(prefix))
        .collect();
    Ok(ok(&params.page(contexts)?))
}

/// `DELETE /contexts/{context}`: 204 once the context is gone (or was not there), 42211 while
/// it has versions, live or soft-deleted. Its ids stay used.
pub(crate) async fn delete_context(
    State(state): State<AppState>,
    PathParams(name): PathParams<String>,
) -> ApiResult<Response> {
    let context = context::parse_context_name(&name)
        .map_err(|message| ApiError::new(codes::BAD_REQUEST, message))?;
    state.store.delete_context(&context).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn id(State(state): State<AppState>) -> ApiResult<Response> {
    let cluster = state.store.cluster_id().await?;
    Ok(ok(&json!({
        "id": cluster,
        "scope": {"path": [], "clusters": {"kafka-cluster": "", "schema-registry-cluster": cluster}},
    })))
}

pub(crate) async fn version() -> Response {
    ok(&json!({"version": env!("CARGO_PKG_VERSION"), "commitId": ""}))
}
