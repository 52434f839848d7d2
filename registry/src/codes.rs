//! Confluent's `error_code`s, the one list of them: the server answers with these and the
//! client reads them. The HTTP status of a code is its first three digits (a three-digit code is
//! its own status). Meanings follow Confluent's `Errors.java`.

/// A request the server cannot read: malformed JSON, an empty body, a bad query parameter.
pub const BAD_REQUEST: u32 = 400;
/// No credentials, or credentials the registry does not accept.
pub const UNAUTHORIZED: u32 = 40101;
/// The principal's role does not allow the request.
pub const FORBIDDEN: u32 = 40301;
/// A path that matches no resource (Jersey's answer).
pub const NOT_FOUND: u32 = 404;
pub const SUBJECT_NOT_FOUND: u32 = 40401;
pub const VERSION_NOT_FOUND: u32 = 40402;
pub const SCHEMA_NOT_FOUND: u32 = 40403;
/// A second soft delete of a subject.
pub const SUBJECT_SOFT_DELETED: u32 = 40404;
/// A permanent delete of a subject that was not soft-deleted first.
pub const SUBJECT_NOT_SOFT_DELETED: u32 = 40405;
/// A second soft delete of a version.
pub const VERSION_SOFT_DELETED: u32 = 40406;
/// A permanent delete of a version that was not soft-deleted first.
pub const VERSION_NOT_SOFT_DELETED: u32 = 40407;
/// The subject has no compatibility level of its own.
pub const SUBJECT_COMPATIBILITY_NOT_CONFIGURED: u32 = 40408;
/// The subject has no mode of its own.
pub const SUBJECT_MODE_NOT_CONFIGURED: u32 = 40409;
/// A method the path does not have.
pub const METHOD_NOT_ALLOWED: u32 = 405;
/// The schema breaks the subject's compatibility rule: Confluent's classic code, the one
/// contrail sends.
pub const INCOMPATIBLE_SCHEMA: u32 = 409;
/// The same since Confluent's late-2025 releases (the HTTP status stays 409); clients accept
/// both, see [`is_incompatible_schema`].
pub const INCOMPATIBLE_SCHEMA_40901: u32 = 40901;
/// A request body of a media type the API does not read.
pub const UNSUPPORTED_MEDIA_TYPE: u32 = 415;
/// JSON of the wrong shape in a request body.
pub const UNPROCESSABLE_ENTITY: u32 = 422;
/// The schema does not parse, a reference does not resolve, or the type is unknown.
pub const INVALID_SCHEMA: u32 = 42201;
pub const INVALID_VERSION: u32 = 42202;
pub const INVALID_COMPATIBILITY_LEVEL: u32 = 42203;
pub const INVALID_MODE: u32 = 42204;
/// The mode forbids the operation.
pub const OPERATION_NOT_PERMITTED: u32 = 42205;
/// A schema references the version (or a version of the subject).
pub const REFERENCE_EXISTS: u32 = 42206;
/// An imported id is taken by another schema, or the schema has another id.
pub const ID_CONFLICT: u32 = 42207;
pub const INVALID_SUBJECT: u32 = 42208;
/// The request body is larger than the registry's limit.
pub const SCHEMA_TOO_LARGE: u32 = 42209;
/// A context cannot be deleted while it has versions.
pub const CONTEXT_NOT_EMPTY: u32 = 42211;
/// The store failed.
pub const STORE_ERROR: u32 = 50001;
/// The catalog served with `--catalog` could not be (re)loaded or drawn (not a Confluent code:
/// only contrail's own `/contrail/v1/` endpoints answer with it).
pub const CATALOG_ERROR: u32 = 500;

/// Whether `code` says a schema is incompatible, in the classic or the late-2025 spelling.
pub fn is_incompatible_schema(code: u32) -> bool {
    code == INCOMPATIBLE_SCHEMA || code == INCOMPATIBLE_SCHEMA_40901
}
