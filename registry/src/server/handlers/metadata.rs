//! What the registry says about itself: `/`, `/contexts` and `/v1/metadata/*`.

use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::shared::ok;
use crate::server::AppState;
use crate::server::error::ApiResult;

pub(crate) async fn root() -> Response {
    ok(&json!({}))
}

/// The default context `.` is the only one contrail has.
pub(crate) async fn contexts() -> Response {
    ok(&json!(["."]))
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
