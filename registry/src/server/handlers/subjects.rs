//! `/subjects`: subjects and their versions, registering, looking up, listing what references
//! a version, and deleting.

use axum::extract::State;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::shared::{
    SchemaBody, SubjectCandidates, check_subject, formatted, ok, parse_version, prefix_of, prepare,
    put_schema_as, schema_text, version_json_as,
};
use crate::canonical;
use crate::context;
use crate::error::Refusal;
use crate::model::{SchemaType, StoredSchema, SubjectVersion, VersionSelector};
use crate::server::AppState;
use crate::server::compat;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{Body, Params, PathParams};
use crate::store::RegisterRequest;

/// The version a GET names: `latest` is the latest live one (or of all with `deleted`). An
/// unqualified subject without it is looked for in the other contexts
/// ([`SubjectCandidates`], Confluent's `getUsingContexts`).
async fn find_version(
    state: &AppState,
    subject: &str,
    version: &str,
    include_deleted: bool,
) -> ApiResult<SubjectVersion> {
    let selector = parse_version(version)?;
    let mut subject_exists = false;
    let mut candidates = SubjectCandidates::new(subject);
    while let Some(candidate) = candidates.next(state).await? {
        let all = state.store.versions(&candidate).await?;
        let eligible: Vec<_> = all
            .iter()
            .filter(|v| include_deleted || !v.deleted)
            .collect();
        if candidate == subject {
            subject_exists = !eligible.is_empty();
        }
        let entry = match selector {
            VersionSelector::Latest => eligible.last().copied(),
            VersionSelector::Number(n) => eligible.iter().find(|v| v.version == n).copied(),
        };
        if let Some(entry) = entry
            && let Some(found) = state.store.version(&candidate, entry.version).await?
        {
            return Ok(found);
        }
    }
    if subject_exists {
        Err(ApiError::version_not_found(subject, version))
    } else {
        Err(ApiError::subject_not_found(subject))
    }
}

pub(crate) async fn list(State(state): State<AppState>, params: Params) -> ApiResult<Response> {
    let prefix = prefix_of(&params, ":*:");
    let deleted = params.flag("deleted");
    let deleted_only = params.flag("deletedOnly");
    let subjects: Vec<String> = state
        .store
        .subjects()
        .await?
        .into_iter()
        .filter(|s| prefix.matches(&s.subject))
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
    // By name as Java orders strings, whatever the database's collation.
    let mut subjects = subjects;
    subjects.sort();
    Ok(ok(&params.page(subjects)?))
}

pub(crate) async fn lookup(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
    Body(body): Body<SchemaBody>,
) -> ApiResult<Response> {
    let include_deleted = params.flag("deleted");
    let normalize = params.flag("normalize");
    let mut subject_exists = false;
    // An unqualified subject is looked for in the other contexts too (Confluent's
    // `lookUpSchemaUnderSubjectUsingContexts`); each context reads the schema's references in
    // its own context.
    let mut candidates = SubjectCandidates::new(&subject);
    while let Some(candidate) = candidates.next(&state).await? {
        let versions = state.store.versions(&candidate).await?;
        let exists = versions.iter().any(|v| include_deleted || !v.deleted);
        if candidate == subject {
            subject_exists = exists;
        }
        if !exists {
            continue;
        }
        let body = body.clone();
        let parsed = match prepare(&state, &candidate, body, normalize).await {
            Ok(parsed) => parsed,
            // The subject asked for must parse; another context's may not (its references).
            Err(_) if candidate != subject => continue,
            Err(e) => return Err(e),
        };
        let context = context::context_of(&candidate);
        let Some(id) = state.store.find_schema(context, &parsed.schema).await? else {
            continue;
        };
        let Some(entry) = versions
            .iter()
            .rev()
            .find(|v| v.id == id && (include_deleted || !v.deleted))
        else {
            continue;
        };
        if let Some(version) = state.store.version(&candidate, entry.version).await? {
            let text = formatted(&state, &params, context, &version.schema).await?;
            return Ok(ok(&version_json_as(&version, text)));
        }
    }
    if subject_exists {
        Err(Refusal::SchemaNotUnderSubject.into())
    } else {
        Err(ApiError::subject_not_found(&subject))
    }
}

pub(crate) async fn delete(
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

pub(crate) async fn list_versions(
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

pub(crate) async fn register(
    State(state): State<AppState>,
    PathParams(subject): PathParams<String>,
    params: Params,
    Body(body): Body<SchemaBody>,
) -> ApiResult<Response> {
    check_subject(&subject)?;
    // Clients that send no id may send 0 or -1.
    let id = body.id.filter(|&id| id > 0);
    let version = body.version.filter(|&v| v > 0);
    let sent = body.schema.clone();
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
                subject: subject.clone(),
                schema: parsed.schema.clone(),
                id,
                version,
            },
            checker,
        )
        .await?;
    // Confluent 8 answers with the registered schema, not only its id: serializers that frame
    // records by GUID take the GUID from here. What is stored is what was asked for (the
    // identity is the type, canonical text and references), so the answer is built from it.
    let stored = StoredSchema {
        id: registered.id,
        schema_type: parsed.schema.schema_type,
        schema: parsed.schema.canonical,
        references: parsed.schema.references,
    };
    let mut map = Map::new();
    map.insert("id".into(), json!(registered.id));
    map.insert("version".into(), json!(registered.version));
    let mut text = formatted(&state, &params, context::context_of(&subject), &stored).await?;
    // A client that sent a base64 descriptor gets it back (unless it asked for a format):
    // confluent-kafka for Python caches this answer by id and later takes it for the
    // `format=serialized` text its ProtobufDeserializer asks for.
    if text.is_none()
        && stored.schema_type == SchemaType::Protobuf
        && let Some(sent) = sent.filter(|s| canonical::is_serialized_protobuf(s))
    {
        text = Some(sent.trim().to_owned());
    }
    put_schema_as(&mut map, &stored, text);
    Ok(ok(&Value::Object(map)))
}

pub(crate) async fn get_version(
    State(state): State<AppState>,
    PathParams((subject, version)): PathParams<(String, String)>,
    params: Params,
) -> ApiResult<Response> {
    let found = find_version(&state, &subject, &version, params.flag("deleted")).await?;
    let context = context::context_of(&found.subject);
    let text = formatted(&state, &params, context, &found.schema).await?;
    Ok(ok(&version_json_as(&found, text)))
}

pub(crate) async fn get_version_schema(
    State(state): State<AppState>,
    PathParams((subject, version)): PathParams<(String, String)>,
    params: Params,
) -> ApiResult<Response> {
    let found = find_version(&state, &subject, &version, params.flag("deleted")).await?;
    let context = context::context_of(&found.subject);
    let text = formatted(&state, &params, context, &found.schema).await?;
    Ok(schema_text(found.schema, text))
}

pub(crate) async fn referenced_by(
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

pub(crate) async fn delete_version(
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
