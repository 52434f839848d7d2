//! The endpoints, one module per resource of Confluent's API reference. The route table that
//! maps paths to these functions is [`super::router`]; what several resources share (reading a
//! client's schema, naming versions, writing schemas as Confluent does) is in [`shared`].

pub(super) mod compatibility;
pub(super) mod config;
pub(super) mod health;
pub(super) mod metadata;
pub(super) mod mode;
pub(super) mod schemas;
mod shared;
pub(super) mod subjects;

use super::error::ApiError;
use crate::codes;

/// The answer to a path that matches no route.
pub(super) async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// The answer to a method the path's route does not have.
pub(super) async fn method_not_allowed() -> ApiError {
    ApiError::new(codes::METHOD_NOT_ALLOWED, "HTTP 405 Method Not Allowed")
}
