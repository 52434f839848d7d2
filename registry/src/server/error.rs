//! Confluent's error body, `{"error_code": N, "message": "..."}`, for every failure.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::respond;
use crate::codes;
use crate::error::{Error, Refusal};

/// An HTTP error with Confluent's code. The HTTP status is the code's first three digits
/// (`409` is both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
}

impl ApiError {
    pub fn new(code: u32, message: impl Into<String>) -> ApiError {
        let status_digits = if code >= 1000 { code / 100 } else { code };
        let status = u16::try_from(status_digits)
            .ok()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn subject_not_found(subject: &str) -> ApiError {
        ApiError::from(Refusal::SubjectNotFound(subject.to_owned()))
    }

    pub fn version_not_found(subject: &str, version: impl ToString) -> ApiError {
        ApiError::from(Refusal::VersionNotFound {
            subject: subject.to_owned(),
            version: version.to_string(),
        })
    }

    pub fn schema_not_found(what: impl ToString) -> ApiError {
        ApiError::from(Refusal::SchemaNotFound(what.to_string()))
    }

    /// Jersey's answer to a path that matches no resource.
    pub fn not_found() -> ApiError {
        ApiError::new(codes::NOT_FOUND, "HTTP 404 Not Found")
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        let code = match &refusal {
            Refusal::SubjectNotFound(_) => codes::SUBJECT_NOT_FOUND,
            Refusal::VersionNotFound { .. } => codes::VERSION_NOT_FOUND,
            Refusal::SchemaNotFound(_) | Refusal::SchemaNotUnderSubject => codes::SCHEMA_NOT_FOUND,
            Refusal::SubjectSoftDeleted(_) => codes::SUBJECT_SOFT_DELETED,
            Refusal::SubjectNotSoftDeleted(_) => codes::SUBJECT_NOT_SOFT_DELETED,
            Refusal::VersionSoftDeleted { .. } => codes::VERSION_SOFT_DELETED,
            Refusal::VersionNotSoftDeleted { .. } => codes::VERSION_NOT_SOFT_DELETED,
            Refusal::SubjectCompatibilityNotConfigured(_) => {
                codes::SUBJECT_COMPATIBILITY_NOT_CONFIGURED
            }
            Refusal::SubjectModeNotConfigured(_) => codes::SUBJECT_MODE_NOT_CONFIGURED,
            // The classic code; clients accept it and the late-2025 one alike.
            Refusal::Incompatible { .. } => codes::INCOMPATIBLE_SCHEMA,
            Refusal::InvalidSchema(_) => codes::INVALID_SCHEMA,
            Refusal::InvalidVersion(_) => codes::INVALID_VERSION,
            Refusal::NotPermitted(_) => codes::OPERATION_NOT_PERMITTED,
            Refusal::Referenced { .. } => codes::REFERENCE_EXISTS,
            Refusal::IdConflict(_) => codes::ID_CONFLICT,
            Refusal::ContextNotEmpty(_) => codes::CONTEXT_NOT_EMPTY,
        };
        ApiError::new(code, refusal.to_string())
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        match error {
            Error::Refused(refusal) => refusal.into(),
            Error::Unsupported(message) => ApiError::new(codes::STORE_ERROR, message),
            Error::Store(message) => ApiError::new(
                codes::STORE_ERROR,
                format!("Error in the backend data store: {message}"),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        respond(
            self.status,
            &json!({"error_code": self.code, "message": self.message}),
        )
    }
}

pub(super) type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_the_first_three_digits() {
        assert_eq!(
            ApiError::new(codes::SUBJECT_NOT_FOUND, "x").status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            ApiError::new(codes::INVALID_SCHEMA, "x").status.as_u16(),
            422
        );
        assert_eq!(
            ApiError::new(codes::INCOMPATIBLE_SCHEMA, "x").status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            ApiError::new(codes::INCOMPATIBLE_SCHEMA_40901, "x").status,
            StatusCode::CONFLICT
        );
        assert_eq!(ApiError::new(codes::STORE_ERROR, "x").status.as_u16(), 500);
        assert_eq!(
            ApiError::new(codes::METHOD_NOT_ALLOWED, "x")
                .status
                .as_u16(),
            405
        );
    }
}
