//! `/config`: the compatibility level (and `normalize`) of the registry and of each subject.

use axum::extract::State;
use axum::response::Response;
use contrail_contracts::compat::CompatibilityMode;
use contrail_contracts::model::Keyword;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::shared::{check_scope, ok};
use crate::codes;
use crate::error::Refusal;
use crate::model::{Config, DEFAULT_COMPATIBILITY};
use crate::server::AppState;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{Body, Params, PathParams};
use crate::store::config_chain;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConfigBody {
    #[serde(alias = "compatibilityLevel")]
    compatibility: Option<String>,
    normalize: Option<bool>,
}

/// Confluent's text, word for word (RestInvalidCompatibilityException, Confluent 7.9.0):
/// clients such as kafkajs show the server's message to their users, and tests compare it.
const INVALID_COMPATIBILITY_TEXT: &str = "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive";

fn invalid_compatibility() -> ApiError {
    ApiError::new(
        codes::INVALID_COMPATIBILITY_LEVEL,
        INVALID_COMPATIBILITY_TEXT,
    )
}

fn config_update(body: ConfigBody) -> ApiResult<Config> {
    let compatibility = match body.compatibility.as_deref() {
        Some(text) => {
            Some(CompatibilityMode::parse_keyword(text).ok_or_else(invalid_compatibility)?)
        }
        None => None,
    };
    // A body that sets nothing (`{}`) changes nothing and is echoed, as Confluent does: its
    // update keeps every field the request leaves out (`ConfigValue.update`).
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
                .unwrap_or(DEFAULT_COMPATIBILITY)
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

pub(crate) async fn get_global(State(state): State<AppState>) -> ApiResult<Response> {
    let config = state.store.config(None).await?.unwrap_or_default();
    Ok(ok(&config_json(config)))
}

pub(crate) async fn put_global(
    State(state): State<AppState>,
    Body(body): Body<ConfigBody>,
) -> ApiResult<Response> {
    let update = config_update(body)?;
    let current = state.store.config(None).await?.unwrap_or_default();
    state.store.set_config(None, current.merged(update)).await?;
    Ok(ok(&config_echo(update)))
}

pub(crate) async fn delete_global(State(state): State<AppState>) -> ApiResult<Response> {
    let old = state.store.delete_config(None).await?.unwrap_or_default();
    Ok(ok(&config_json(old)))
}

pub(crate) async fn get_subject(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
) -> ApiResult<Response> {
    match state.store.config(Some(&subject)).await? {
        Some(config) if config.compatibility.is_some() || config.normalize.is_some() => {
            Ok(ok(&config_json(config)))
        }
        // The settings the subject inherits: its context's, then the registry's (the
        // default context) or the global context's.
        _ if params.flag("defaultToGlobal") => {
            let chain = config_chain(state.store.as_ref(), Some(&subject)).await?;
            let inherited = Config {
                compatibility: chain.iter().flatten().find_map(|c| c.compatibility),
                normalize: chain.iter().flatten().find_map(|c| c.normalize),
            };
            Ok(ok(&config_json(inherited)))
        }
        _ => Err(Refusal::SubjectCompatibilityNotConfigured(subject).into()),
    }
}

pub(crate) async fn put_subject(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    Body(body): Body<ConfigBody>,
) -> ApiResult<Response> {
    check_scope(&subject)?;
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

pub(crate) async fn delete_subject(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
) -> ApiResult<Response> {
    // Confluent answers 40401 when the subject has no configuration to delete.
    match state.store.delete_config(Some(&subject)).await? {
        Some(old) => Ok(ok(&config_json(old))),
        None => Err(ApiError::subject_not_found(&subject)),
    }
}
