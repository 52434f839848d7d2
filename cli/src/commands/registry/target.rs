//! What the inspection commands (`ls`, `show`, `diff`, `delete`) share: the `SUBJECT@VERSION`
//! syntax, schemas pretty-printed, and registry errors explained with what to do next.

use contrail_registry::client::{Client, ClientError};
use contrail_registry::codes;
use contrail_registry::model::{SchemaType, VersionSelector};

/// `SUBJECT`, `SUBJECT@VERSION` or `SUBJECT@latest` as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectVersion {
    pub subject: String,
    /// `None` when no `@VERSION` was given.
    pub version: Option<VersionSelector>,
}

/// Parses `SUBJECT[@VERSION]`. The version follows the last `@`, so a subject whose name holds
/// an `@` is written with its version: `a@b@latest`.
pub(super) fn parse_subject_version(text: &str) -> Result<SubjectVersion, String> {
    let (subject, version) = match text.rsplit_once('@') {
        Some((subject, version)) => (subject, Some(version)),
        None => (text, None),
    };
    if subject.is_empty() {
        return Err(format!(
            "`{text}` names no subject; expected SUBJECT or SUBJECT@VERSION (a number or `latest`)"
        ));
    }
    let version = match version {
        None => None,
        Some(version) => Some(parse_version(version).map_err(|why| {
            format!(
                "`{text}`: {why}; expected SUBJECT@VERSION (a subject whose name contains `@` is written with its version, as `NAME@latest`)"
            )
        })?),
    };
    Ok(SubjectVersion {
        subject: subject.to_owned(),
        version,
    })
}

/// A version as Confluent spells it: `latest` (any case), `-1`, or a number in [1, 2^31-1].
pub(super) fn parse_version(text: &str) -> Result<VersionSelector, String> {
    text.parse::<VersionSelector>()
        .map_err(|_| format!("`{text}` is not a version (a number from 1, or `latest`)"))
}

/// `reading version 3 of SUBJECT` or `reading the latest version of SUBJECT`, for errors.
pub(super) fn reading(subject: &str, version: VersionSelector) -> String {
    match version {
        VersionSelector::Latest => format!("reading the latest version of {subject}"),
        VersionSelector::Number(n) => format!("reading version {n} of {subject}"),
    }
}

/// A registry's schema text for people: Avro and JSON Schema as indented JSON, Protobuf as the
/// registry stores it; always ending in a newline.
pub(crate) fn pretty_schema(schema_type: SchemaType, text: &str) -> String {
    let mut pretty = match schema_type {
        SchemaType::Avro | SchemaType::Json => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|json| serde_json::to_string_pretty(&json).ok())
            .unwrap_or_else(|| text.to_owned()),
        SchemaType::Protobuf => text.to_owned(),
    };
    if !pretty.ends_with('\n') {
        pretty.push('\n');
    }
    pretty
}

/// A schema text as a JSON value for `--format json`: the parsed document for Avro and JSON
/// Schema, the text itself for Protobuf (or anything that is not JSON).
pub(super) fn schema_json(schema_type: SchemaType, text: &str) -> serde_json::Value {
    match schema_type {
        SchemaType::Avro | SchemaType::Json => serde_json::from_str(text)
            .unwrap_or_else(|_| serde_json::Value::String(text.to_owned())),
        SchemaType::Protobuf => serde_json::Value::String(text.to_owned()),
    }
}

/// `error` from `doing` something to `subject` (`reading version 2 of S`), with the registry's
/// own words and a hint: for the not-found cases, which subjects or versions there are.
pub(super) fn explain(
    client: &Client,
    subject: &str,
    doing: &str,
    error: ClientError,
) -> anyhow::Error {
    let hint = match error.error_code() {
        Some(codes::SUBJECT_NOT_FOUND) => Some(format!(
            "`contrail registry ls` lists the subjects (`ls --deleted` includes soft-deleted ones); subject names are case-sensitive: `{subject}`"
        )),
        Some(codes::VERSION_NOT_FOUND) => Some(match client.versions(subject) {
            Ok(versions) if !versions.is_empty() => format!(
                "{subject} has version{} {} (soft-deleted versions are not shown)",
                if versions.len() == 1 { "" } else { "s" },
                join(&versions)
            ),
            _ => format!("`contrail registry show {subject}` shows the latest version"),
        }),
        Some(codes::SCHEMA_NOT_FOUND) => {
            Some("no schema has this id; `contrail registry show SUBJECT` shows a subject's ids".to_owned())
        }
        Some(codes::REFERENCE_EXISTS) => Some(
            "another schema references it: delete (or re-register without the reference) the versions that use it first".to_owned(),
        ),
        Some(codes::OPERATION_NOT_PERMITTED) => Some(
            "the registry's or the subject's mode forbids this (READONLY or IMPORT); `contrail registry show SUBJECT` shows the mode".to_owned(),
        ),
        _ => None,
    };
    match hint {
        Some(hint) => anyhow::anyhow!("{doing}: {error}\nhint: {hint}"),
        None => anyhow::Error::new(error).context(doing.to_owned()),
    }
}

/// `1, 2, 3`.
pub(super) fn join(numbers: &[i64]) -> String {
    numbers
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_and_version_split_at_the_last_at() {
        let parsed = |text: &str| parse_subject_version(text);
        assert_eq!(
            parsed("shop.orders-value"),
            Ok(SubjectVersion {
                subject: "shop.orders-value".to_owned(),
                version: None
            })
        );
        assert_eq!(
            parsed("shop.orders-value@2").map(|s| s.version),
            Ok(Some(VersionSelector::Number(2)))
        );
        assert_eq!(
            parsed("shop.orders-value@LATEST").map(|s| s.version),
            Ok(Some(VersionSelector::Latest))
        );
        assert_eq!(
            parsed("a@b@latest").map(|s| s.subject),
            Ok("a@b".to_owned())
        );
    }

    #[test]
    fn bad_versions_and_empty_subjects_are_refused_with_the_syntax() {
        for text in ["x@", "x@0", "x@-2", "x@two", "x@99999999999", "@3", "", "@"] {
            let error = parse_subject_version(text).expect_err(text);
            assert!(error.contains("SUBJECT"), "{text}: {error}");
        }
        assert!(
            parse_subject_version("x@two")
                .expect_err("not a version")
                .contains("`two` is not a version")
        );
    }

    #[test]
    fn schemas_are_indented_json_or_protobuf_text() {
        assert_eq!(
            pretty_schema(SchemaType::Avro, r#"{"type":"string"}"#),
            "{\n  \"type\": \"string\"\n}\n"
        );
        assert_eq!(
            pretty_schema(SchemaType::Protobuf, "syntax = \"proto3\";"),
            "syntax = \"proto3\";\n"
        );
        assert_eq!(
            schema_json(SchemaType::Protobuf, "message A {}"),
            serde_json::json!("message A {}")
        );
    }
}
