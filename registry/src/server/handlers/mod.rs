//! The endpoints, one module per resource of Confluent's API reference. The route table that
//! maps paths to these functions is [`super::router`]; what several resources share (reading a
//! client's schema, naming versions, writing schemas as Confluent does) is in [`shared`].

pub mod compatibility;
pub mod config;
pub mod health;
pub mod metadata;
pub mod mode;
pub mod schemas;
mod shared;
pub mod subjects;

use super::error::ApiError;
use crate::codes;

/// The answer to a path that matches no route.
pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// The answer to a method the path's route does not have.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(codes::METHOD_NOT_ALLOWED, "HTTP 405 Method Not Allowed")
}
