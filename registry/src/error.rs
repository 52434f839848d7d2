//! The registry's error type.

/// Why the registry refused an operation: the request was understood, but the data or the
/// mode do not allow it. The server maps each to Confluent's `error_code`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// 40401.
    #[error("Subject '{0}' not found.")]
    SubjectNotFound(String),
    /// 40402.
    #[error("Version {version} not found.")]
    VersionNotFound { subject: String, version: String },
    /// 40403: no schema has this id.
    #[error("Schema {0} not found")]
    SchemaNotFound(String),
    /// 40403: the subject exists but never registered this schema (a lookup). Confluent's
    /// text names no id here, and clients such as kafkajs show it to their users.
    #[error("Schema not found")]
    SchemaNotUnderSubject,
    /// 40404: the subject was soft-deleted already.
    #[error("Subject '{0}' was soft deleted. Set permanent=true to delete permanently")]
    SubjectSoftDeleted(String),
    /// 40405: a permanent delete needs a soft delete first.
    #[error("Subject '{0}' was not deleted first before being permanently deleted")]
    SubjectNotSoftDeleted(String),
    /// 40406: the version was soft-deleted already.
    #[error(
        "Subject '{subject}' Version {version} was soft deleted. Set permanent=true to delete permanently"
    )]
    VersionSoftDeleted { subject: String, version: i64 },
    /// 40407: a permanent delete needs a soft delete first.
    #[error(
        "Subject '{subject}' Version {version} was not deleted first before being permanently deleted"
    )]
    VersionNotSoftDeleted { subject: String, version: i64 },
    /// 40408.
    #[error("Subject '{0}' does not have subject-level compatibility configured")]
    SubjectCompatibilityNotConfigured(String),
    /// 40409.
    #[error("Subject '{0}' does not have subject-level mode configured")]
    SubjectModeNotConfigured(String),
    /// 409: the schema breaks the subject's compatibility rule. The messages are Confluent's
    /// verbose strings.
    #[error("Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]", messages.join(", "))]
    Incompatible {
        subject: String,
        messages: Vec<String>,
    },
    /// 42201: the schema does not parse, a reference does not resolve, or the type is unknown.
    #[error("{0}")]
    InvalidSchema(String),
    /// 42202.
    #[error("{0}")]
    InvalidVersion(String),
    /// 42205: the mode forbids the operation.
    #[error("{0}")]
    NotPermitted(String),
    /// 42206: a schema references the version (or a version of the subject).
    #[error(
        "One or more references exist to the schema {{subject={subject}, version={version}}}: referenced by schema ids {ids:?}"
    )]
    Referenced {
        subject: String,
        version: i64,
        ids: Vec<i64>,
    },
    /// 42207: an imported id is taken by another schema, or the schema has another id.
    #[error("{0}")]
    IdConflict(String),
    /// 42211: a context still has versions (Confluent's text; the context as `:.ctx:`).
    #[error("The specified context '{0}' is not empty.")]
    ContextNotEmpty(String),
}

/// Why the registry could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is refused (mapped to a 4xx Confluent error).
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The store URL names a backend that does not exist or is not built yet.
    #[error("{0}")]
    Unsupported(String),
    /// The database failed (50001).
    #[error("error in the backend data store: {0}")]
    Store(String),
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        Error::Store(error.to_string())
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(error: tokio::task::JoinError) -> Self {
        Error::Store(format!("a database task failed: {error}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
