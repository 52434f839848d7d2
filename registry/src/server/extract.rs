//! Request extractors whose rejections are Confluent errors instead of axum's plain text.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::codes;

/// The media types a request body may have; a missing Content-Type is read as JSON too.
const ACCEPTED_MEDIA_TYPES: &[&str] = &[
    "application/vnd.schemaregistry.v1+json",
    "application/vnd.schemaregistry+json",
    "application/json",
    "application/octet-stream",
];

/// A JSON request body.
#[derive(Debug)]
pub(super) struct Body<T>(pub T);

impl<T, S> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if let Some(value) = request.headers().get(CONTENT_TYPE) {
            let media_type = value
                .to_str()
                .unwrap_or("")
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if !ACCEPTED_MEDIA_TYPES.contains(&media_type.as_str()) {
                return Err(ApiError::new(
                    codes::UNSUPPORTED_MEDIA_TYPE,
                    format!(
                        "HTTP 415 Unsupported Media Type: expected one of {}",
                        ACCEPTED_MEDIA_TYPES.join(", ")
                    ),
                ));
            }
        }
        let limit = request.extensions().get::<BodyLimit>().map_or(0, |l| l.0);
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status().as_u16() == 413 {
                ApiError::new(
                    codes::SCHEMA_TOO_LARGE,
                    format!(
                        "Request body is larger than the registry's limit of {limit} bytes (set with --max-body-size)"
                    ),
                )
            } else {
                ApiError::new(
                    codes::BAD_REQUEST,
                    format!("Could not read the request body: {rejection}"),
                )
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::new(
                codes::BAD_REQUEST,
                "The request body is empty; expected JSON",
            ));
        }
        serde_json::from_slice(&bytes).map(Body).map_err(|e| {
            use serde_json::error::Category;
            match e.classify() {
                Category::Data => ApiError::new(
                    codes::UNPROCESSABLE_ENTITY,
                    format!("Unprocessable request body: {e}"),
                ),
                _ => ApiError::new(
                    codes::BAD_REQUEST,
                    format!("Malformed JSON in the request body: {e}"),
                ),
            }
        })
    }
}

/// The body size limit in force, put into request extensions by the router.
#[derive(Debug, Clone, Copy)]
pub(super) struct BodyLimit(pub usize);

/// Query parameters.
#[derive(Debug, Default)]
pub(super) struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|e| {
                ApiError::new(codes::BAD_REQUEST, format!("Malformed query string: {e}"))
            })?;
        Ok(Params(pairs.into_iter().collect()))
    }
}

impl Params {
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A boolean parameter as Java reads one: `true` in any case, anything else false.
    pub(super) fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// A non-negative integer parameter (`offset`, `limit`).
    pub(super) fn number(&self, name: &str) -> Result<Option<usize>, ApiError> {
        match self.get(name) {
            None | Some("") => Ok(None),
            Some(text) => text
                .parse::<i64>()
                .map(|n| Some(n.max(0) as usize))
                .map_err(|_| {
                    ApiError::new(
                        codes::BAD_REQUEST,
                        format!("Query parameter {name} must be an integer, found '{text}'"),
                    )
                }),
        }
    }

    /// Applies `offset` and `limit` (a limit below 1 means no limit).
    pub(super) fn page<T>(&self, items: Vec<T>) -> Result<Vec<T>, ApiError> {
        let offset = self.number("offset")?.unwrap_or(0);
        let limit = self
            .number("limit")?
            .filter(|&l| l > 0)
            .unwrap_or(usize::MAX);
        Ok(items.into_iter().skip(offset).take(limit).collect())
    }
}

/// Path parameters (percent-decoded).
#[derive(Debug)]
pub(super) struct PathParams<T>(pub T);

impl<T, S> FromRequestParts<S> for PathParams<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| PathParams(t))
            .map_err(|_| ApiError::not_found())
    }
}
