//! `/compatibility`: would a schema be accepted under a subject, without registering it.

use axum::extract::State;
use axum::response::Response;
use contrail_contracts::compat::CompatibilityMode;
use serde_json::json;

use super::shared::{SchemaBody, ok, parse_version, prepare};
use crate::canonical::Parsed;
use crate::codes;
use crate::context;
use crate::model::{SubjectVersion, VersionSelector, effective_compatibility};
use crate::server::AppState;
use crate::server::compat::evaluate;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{Body, Params, PathParams};
use crate::store::{HistoryEntry, config_chain, versions_to_compare};

async fn compatibility_level(state: &AppState, subject: &str) -> ApiResult<CompatibilityMode> {
    Ok(effective_compatibility(
        &config_chain(state.store.as_ref(), Some(subject)).await?,
    ))
}

/// Loads versions with their references resolved, for a compatibility check.
async fn history(state: &AppState, versions: Vec<SubjectVersion>) -> ApiResult<Vec<HistoryEntry>> {
    let mut out = Vec::with_capacity(versions.len());
    for version in versions {
        let references = state
            .store
            .resolve_references(
                context::context_of(&version.subject),
                &version.schema.references,
            )
            .await?;
        out.push(HistoryEntry {
            version,
            references,
        });
    }
    Ok(out)
}

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
    .map_err(|e| {
        ApiError::new(
            codes::STORE_ERROR,
            format!("the compatibility check failed: {e}"),
        )
    })?;
    Ok(if verbose {
        ok(&json!({"is_compatible": verdict.compatible, "messages": verdict.messages}))
    } else {
        ok(&json!({"is_compatible": verdict.compatible}))
    })
}

/// Against the versions the subject's compatibility level names.
pub(crate) async fn check_all(
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

/// Against one version.
pub(crate) async fn check_version(
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
