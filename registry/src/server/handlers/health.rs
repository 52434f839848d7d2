//! `/health`, `/health/live` and `/health/ready`: probes for orchestrators, open without
//! credentials.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::shared::ok;
use crate::codes;
use crate::server::{AppState, respond};

pub(crate) async fn health(State(state): State<AppState>) -> Response {
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

pub(crate) async fn live() -> Response {
    ok(&json!({"status": "UP", "live": true}))
}

pub(crate) async fn ready(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => ok(&json!({"status": "UP", "ready": true})),
        Err(error) => respond(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({"status": "DOWN", "ready": false, "error_code": codes::STORE_ERROR, "message": error.to_string()}),
        ),
    }
}
