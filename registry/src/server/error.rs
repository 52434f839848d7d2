//! Confluent's error body, `{"error_code": N, "message": "..."}`, for every failure.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::respond;
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
        ApiError::new(404, "HTTP 404 Not Found")
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        let code = match &refusal {
            Refusal::SubjectNotFound(_) => 40401,
            Refusal::VersionNotFound { .. } => 40402,
            Refusal::SchemaNotFound(_) => 40403,
            Refusal::SubjectSoftDeleted(_) => 40404,
            Refusal::SubjectNotSoftDeleted(_) => 40405,
            Refusal::VersionSoftDeleted { .. } => 40406,
            Refusal::VersionNotSoftDeleted { .. } => 40407,
            Refusal::SubjectCompatibilityNotConfigured(_) => 40408,
            Refusal::SubjectModeNotConfigured(_) => 40409,
            // The classic code; Confluent moved to 40901 in late 2025 and clients accept both.
            Refusal::Incompatible { .. } => 409,
            Refusal::InvalidSchema(_) => 42201,
            Refusal::InvalidVersion(_) => 42202,
            Refusal::NotPermitted(_) => 42205,
            Refusal::Referenced { .. } => 42206,
            Refusal::IdConflict(_) => 42207,
        };
        ApiError::new(code, refusal.to_string())
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        match error {
            Error::Refused(refusal) => refusal.into(),
            Error::Unsupported(message) => ApiError::new(50001, message),
            Error::Store(message) => {
                ApiError::new(50001, format!("Error in the backend data store: {message}"))
            }
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

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_the_first_three_digits() {
        assert_eq!(ApiError::new(40401, "x").status, StatusCode::NOT_FOUND);
        assert_eq!(ApiError::new(42201, "x").status.as_u16(), 422);
        assert_eq!(ApiError::new(409, "x").status, StatusCode::CONFLICT);
        assert_eq!(ApiError::new(50001, "x").status.as_u16(), 500);
        assert_eq!(ApiError::new(405, "x").status.as_u16(), 405);
    }
}
