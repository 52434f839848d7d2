//! `/mode`: whether the registry (or a subject) accepts registrations, refuses them, or
//! imports schemas with their ids.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::shared::{check_scope, ok};
use crate::codes;
use crate::error::Refusal;
use crate::model::{Mode, effective_mode};
use crate::server::AppState;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{Body, Params, PathParams};
use crate::store::mode_chain;

#[derive(Debug, Deserialize)]
pub(crate) struct ModeBody {
    mode: Option<String>,
}

/// Confluent's text, word for word (RestInvalidModeException, Confluent 7.9.0). It leaves out
/// READONLY_OVERRIDE, which both registries accept all the same.
const INVALID_MODE_TEXT: &str = "Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.";

fn mode_update(body: ModeBody) -> ApiResult<Mode> {
    let text = body.mode.unwrap_or_default();
    text.parse()
        .map_err(|_: String| ApiError::new(codes::INVALID_MODE, INVALID_MODE_TEXT))
}

pub(crate) async fn get_global(State(state): State<AppState>) -> ApiResult<Response> {
    let mode = state.store.mode(None).await?.unwrap_or(Mode::ReadWrite);
    Ok(ok(&json!({"mode": mode.as_str()})))
}

pub(crate) async fn put_global(
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

pub(crate) async fn delete_global(State(state): State<AppState>) -> ApiResult<Response> {
    let old = state
        .store
        .delete_mode(None)
        .await?
        .unwrap_or(Mode::ReadWrite);
    Ok(ok(&json!({"mode": old.as_str()})))
}

pub(crate) async fn get_subject(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    match state.store.mode(Some(&subject)).await? {
        Some(mode) => Ok(ok(&json!({"mode": mode.as_str()}))),
        None if params.flag("defaultToGlobal") => {
            let chain = mode_chain(state.store.as_ref(), Some(&subject)).await?;
            Ok(ok(&json!({"mode": effective_mode(&chain).as_str()})))
        }
        None => Err(Refusal::SubjectModeNotConfigured(subject).into()),
    }
}

pub(crate) async fn put_subject(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
    Body(body): Body<ModeBody>,
) -> ApiResult<Response> {
    check_scope(&subject)?;
    let mode = mode_update(body)?;
    state
        .store
        .set_mode(Some(&subject), mode, params.flag("force"))
        .await?;
    Ok(ok(&json!({"mode": mode.as_str()})))
}

pub(crate) async fn delete_subject(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
) -> ApiResult<Response> {
    // As for configuration, deleting a mode that is not set is 40401.
    match state.store.delete_mode(Some(&subject)).await? {
        Some(old) => Ok(ok(&json!({"mode": old.as_str()}))),
        None => Err(ApiError::subject_not_found(&subject)),
    }
}
