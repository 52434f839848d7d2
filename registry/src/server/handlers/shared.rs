//! What the handlers of several resources share: reading a client's schema, naming subjects
//! and versions, and writing schemas the way Confluent does.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::canonical::{self, Parsed};
use crate::codes;
use crate::context::{self, SubjectPrefix};
use crate::error::Refusal;
use crate::model::{
    Reference, SchemaType, StoredSchema, SubjectVersion, VersionSelector, effective_normalize,
};
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::Params;
use crate::server::{AppState, respond, text_response};
use crate::store::config_chain;

/// A 200 answer with a JSON body.
pub(super) fn ok(body: &impl serde::Serialize) -> Response {
    respond(StatusCode::OK, body)
}

/// A schema as clients send it (register, lookup, compatibility). Unknown fields
/// (`metadata`, `ruleSet`) are accepted and ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SchemaBody {
    pub schema: Option<String>,
    schema_type: Option<String>,
    references: Option<Vec<Reference>>,
    pub id: Option<i64>,
    pub version: Option<i64>,
}

/// Subject names Confluent refuses (42208): empty, with control characters, reserved, a
/// context alone, or in the global context ([`context::is_valid_subject`]).
pub(super) fn check_subject(subject: &str) -> ApiResult<()> {
    check_name(subject, context::is_valid_subject(subject))
}

/// As [`check_subject`] for a configuration or mode, which a context (`:.ctx:`) may have too.
pub(super) fn check_scope(scope: &str) -> ApiResult<()> {
    check_name(scope, context::is_valid_scope(scope))
}

fn check_name(subject: &str, valid: bool) -> ApiResult<()> {
    if !valid {
        return Err(ApiError::new(
            codes::INVALID_SUBJECT,
            format!(
                "The specified subject '{}' is not valid.",
                subject.escape_debug()
            ),
        ));
    }
    Ok(())
}

pub(super) fn parse_version(text: &str) -> ApiResult<VersionSelector> {
    text.parse()
        .map_err(|message| ApiError::from(Refusal::InvalidVersion(message)))
}

/// The subjects a `subjectPrefix` parameter matches ([`SubjectPrefix`]); `default` when the
/// request has none (Confluent: `:*:`, every context, for `/subjects`; the default context
/// for `/schemas`).
pub(super) fn prefix_of(params: &Params, default: &str) -> SubjectPrefix {
    SubjectPrefix::parse(params.get("subjectPrefix").unwrap_or(default))
}

/// The subjects a request for an unqualified subject may be answered from, in order: the
/// subject itself, then the subject of that name in each other context (Confluent's
/// `...UsingContexts` look-ups, which let a client that knows only `name` find the schemas
/// a schema link or migration put under `:.ctx:name`). A qualified subject is only itself.
/// The contexts are read only when the subject itself did not answer, so the usual request
/// costs nothing extra.
pub(super) struct SubjectCandidates {
    subject: String,
    /// The other contexts' subjects, once read.
    others: Option<std::vec::IntoIter<String>>,
    started: bool,
}

impl SubjectCandidates {
    pub(super) fn new(subject: &str) -> SubjectCandidates {
        SubjectCandidates {
            subject: subject.to_owned(),
            others: None,
            started: false,
        }
    }

    pub(super) async fn next(&mut self, state: &AppState) -> ApiResult<Option<String>> {
        if !self.started {
            self.started = true;
            return Ok(Some(self.subject.clone()));
        }
        if self.others.is_none() {
            let parts = context::split(&self.subject);
            let mut others = Vec::new();
            if parts.context == context::DEFAULT_CONTEXT && !parts.name.is_empty() {
                for other in state.store.contexts().await? {
                    if other != context::DEFAULT_CONTEXT {
                        others.push(context::qualify(&other, parts.name));
                    }
                }
            }
            self.others = Some(others.into_iter());
        }
        Ok(self.others.as_mut().and_then(Iterator::next))
    }
}

/// `schemaType`, `references` and `schema` of a stored schema into `map`, as Confluent
/// writes them: `schemaType` only when not AVRO, `references` only when there are some.
pub(super) fn put_schema(map: &mut Map<String, Value>, schema: &StoredSchema) {
    put_schema_as(map, schema, None);
}

/// As [`put_schema`], with the schema written as `text` when given (a format the request asked
/// for); the GUID stays the stored text's.
pub(super) fn put_schema_as(
    map: &mut Map<String, Value>,
    schema: &StoredSchema,
    text: Option<String>,
) {
    if schema.schema_type != SchemaType::Avro {
        map.insert("schemaType".into(), json!(schema.schema_type.as_str()));
    }
    if !schema.references.is_empty() {
        map.insert("references".into(), json!(schema.references));
    }
    map.insert(
        "schema".into(),
        json!(text.as_deref().unwrap_or(&schema.schema)),
    );
    map.insert("guid".into(), json!(schema.guid()));
}

pub(super) fn version_json(version: &SubjectVersion) -> Value {
    version_json_as(version, None)
}

/// As [`version_json`], with the schema written as `text` when given ([`formatted`]).
pub(super) fn version_json_as(version: &SubjectVersion, text: Option<String>) -> Value {
    let mut map = Map::new();
    map.insert("subject".into(), json!(version.subject));
    map.insert("version".into(), json!(version.version));
    map.insert("id".into(), json!(version.schema.id));
    put_schema_as(&mut map, &version.schema, text);
    Value::Object(map)
}

/// The bare schema text of the `*/schema` endpoints. Avro and JSON Schema texts are JSON and go
/// out with the registry's JSON media type; Protobuf text is not JSON, so it goes out as
/// `text/plain` rather than under a JSON type its body would contradict (clients read the body
/// as text either way).
/// `text` replaces the stored text when the request asked for another format ([`formatted`]).
pub(super) fn schema_text(schema: StoredSchema, text: Option<String>) -> Response {
    let body = text.unwrap_or(schema.schema);
    if schema.schema_type != SchemaType::Protobuf {
        return text_response(StatusCode::OK, body);
    }
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Parses a client's schema for `subject`: type, references (resolved), canonical form.
pub(super) async fn prepare(
    state: &AppState,
    subject: &str,
    body: SchemaBody,
    normalize: bool,
) -> ApiResult<Parsed> {
    let Some(text) = body.schema.filter(|s| !s.trim().is_empty()) else {
        return Err(Refusal::InvalidSchema("Empty schema".to_owned()).into());
    };
    let schema_type = match body.schema_type.as_deref() {
        None => SchemaType::Avro,
        Some(name) => name
            .parse()
            .map_err(|message: String| ApiError::from(Refusal::InvalidSchema(message)))?,
    };
    let context = context::context_of(subject);
    let mut references = body.references.unwrap_or_default();
    // `-1` (latest) is stored as the version it names, so the schema's identity is stable.
    for reference in &mut references {
        if reference.version == -1
            && let Some(latest) = state
                .store
                .versions(&context::qualify_reference(context, &reference.subject))
                .await?
                .iter()
                .rev()
                .find(|v| !v.deleted)
        {
            reference.version = latest.version;
        }
    }
    let resolved = state.store.resolve_references(context, &references).await?;
    let normalize =
        normalize || effective_normalize(&config_chain(state.store.as_ref(), Some(subject)).await?);
    let mut parsed = canonical::parse(schema_type, &text, references, &resolved, normalize)?;
    crate::store::adopt_earlier_form(
        state.store.as_ref(),
        context,
        &mut parsed.schema,
        parsed.legacy.take(),
    )
    .await?;
    Ok(parsed)
}

/// Whether a request asks for `format=serialized`: a Protobuf schema as a base64
/// `FileDescriptorProto` (Confluent's `ProtobufSchema.formattedString`). Other formats,
/// and any format for Avro and JSON Schema, answer the stored text, as Confluent does.
fn serialized(params: &Params, schema: &StoredSchema) -> bool {
    schema.schema_type == SchemaType::Protobuf && params.get("format") == Some("serialized")
}

/// The text of a stored schema of `context` in the format a request asks for: base64 for
/// Protobuf with `format=serialized`, else `None` (the text as stored).
pub(super) async fn formatted(
    state: &AppState,
    params: &Params,
    context: &str,
    schema: &StoredSchema,
) -> ApiResult<Option<String>> {
    if !serialized(params, schema) {
        return Ok(None);
    }
    let resolved = state
        .store
        .resolve_references(context, &schema.references)
        .await?;
    canonical::protobuf_serialized(&schema.schema, &resolved)
        .map(Some)
        .map_err(|e| {
            ApiError::from(crate::error::Error::Store(format!(
                "stored Protobuf schema {} does not compile: {e}",
                schema.id
            )))
        })
}
