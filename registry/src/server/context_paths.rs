//! Context URL prefixes: `/contexts/{context}/…` is the request without the prefix, its
//! subjects qualified with the context, as Confluent's `ContextFilter` (8.x) rewrites it
//! before routing:
//!
//! - `/contexts/.ctx/subjects/s/versions` → `/subjects/:.ctx:s/versions` (a subject already
//!   qualified stays as it is);
//! - `/contexts/.ctx/config` and `/mode` → `/config/:.ctx:`, `/mode/:.ctx:` (the context's
//!   own setting); `/contexts/.ctx/config/s` → `/config/:.ctx:s`;
//! - `/contexts/.ctx/schemas/ids/1` → `/schemas/ids/1?subject=:.ctx:` (unless the request
//!   names a qualified subject);
//! - `/contexts/.ctx/subjects` and `/schemas` → `subjectPrefix=:.ctx:…`;
//! - `/contexts/.ctx` → `/contexts/:.ctx:` (to delete it).
//!
//! The same pass spells subjects the way they are stored: `:.:name` (the default context
//! written out) is `name` in a path, as Confluent's resources normalise it. One rewrite before
//! routing, like the trailing slash, rather than a rule in every handler.

use std::borrow::Cow;

use contrail_contracts::uri::percent_decode;

use crate::context;

/// A rewritten request target, or `None` when it stays as it is.
pub(super) fn rewrite(path: &str, query: Option<&str>) -> Result<Option<String>, String> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let segments: Vec<&str> = trimmed.split('/').collect();
    let mut context = context::DEFAULT_CONTEXT.to_owned();
    let mut out: Vec<Cow<'_, str>> = Vec::with_capacity(segments.len() + 1);
    let mut rest = &segments[..];
    let prefixed = segments.first() == Some(&"contexts") && segments.len() >= 2;
    if prefixed {
        context = context::parse_context_name(&percent_decode(segments[1]))?;
        rest = &segments[2..];
    }
    let mut subject_next = false;
    let mut config_or_mode = false;
    // A segment left out (`/config/:.:`), which changes the path as a rewritten one does.
    let mut dropped = false;
    for (index, segment) in rest.iter().enumerate() {
        if subject_next {
            subject_next = false;
            let decoded = percent_decode(segment);
            let qualified = if decoded.starts_with(":.") || decoded.starts_with(":*:") {
                context::normalize(&decoded).into_owned()
            } else {
                context::qualify(&context, &decoded)
            };
            if qualified.is_empty() {
                // `/config/:.:` is the default context's own setting: `/config`.
                if out
                    .last()
                    .is_some_and(|s| matches!(s.as_ref(), "config" | "mode"))
                {
                    dropped = true;
                    continue;
                }
            }
            out.push(if qualified == decoded {
                Cow::Borrowed(*segment)
            } else {
                Cow::Owned(percent_encode(&qualified))
            });
            continue;
        }
        let root_setting = index == 0 && matches!(*segment, "config" | "mode");
        if *segment == "subjects" || root_setting {
            subject_next = true;
            config_or_mode |= root_setting;
        }
        out.push(Cow::Borrowed(*segment));
    }
    if !prefixed {
        let changed = dropped || out.iter().any(|s| matches!(s, Cow::Owned(_)));
        return Ok(changed.then(|| with_query(&format!("/{}", out.join("/")), query)));
    }
    let scope = context::qualify(&context, "");
    if rest.is_empty() || rest == [""] {
        // `/contexts/{context}` itself.
        let name = if context == context::DEFAULT_CONTEXT {
            String::new()
        } else {
            percent_encode(&scope)
        };
        return Ok(Some(with_query(&format!("/contexts/{name}"), query)));
    }
    if config_or_mode && subject_next && context != context::DEFAULT_CONTEXT {
        out.push(Cow::Owned(percent_encode(&scope)));
    }
    let new_path = format!("/{}", out.join("/"));
    let route = new_path.trim_end_matches('/');
    let query = if route.starts_with("/schemas/ids") {
        qualify_subject_parameter(query, &scope)
    } else if route == "/schemas" || route == "/subjects" {
        qualify_prefix_parameter(query, &scope)
    } else {
        query.map(str::to_owned)
    };
    Ok(Some(with_query(&new_path, query.as_deref())))
}

fn with_query(path: &str, query: Option<&str>) -> String {
    match query {
        Some(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_owned(),
    }
}

fn starts_with_context(value: &str) -> bool {
    let decoded = percent_decode(value);
    decoded.starts_with(":.") || decoded.starts_with(":*:")
}

/// `subject` qualified with the context's scope, added if missing.
fn qualify_subject_parameter(query: Option<&str>, scope: &str) -> Option<String> {
    let mut pairs = pairs(query);
    match pairs.iter_mut().find(|(name, _)| name == "subject") {
        Some((_, value)) if starts_with_context(value) => {}
        Some((_, value)) => *value = percent_encode(&format!("{scope}{}", percent_decode(value))),
        None => pairs.push(("subject".to_owned(), percent_encode(scope))),
    }
    Some(join(&pairs))
}

/// Every `subjectPrefix` qualified with the context's scope; one added if there is none.
fn qualify_prefix_parameter(query: Option<&str>, scope: &str) -> Option<String> {
    let mut pairs = pairs(query);
    let mut found = false;
    for (name, value) in &mut pairs {
        if name == "subjectPrefix" {
            found = true;
            if !starts_with_context(value) {
                *value = percent_encode(&format!("{scope}{}", percent_decode(value)));
            }
        }
    }
    if !found {
        pairs.push(("subjectPrefix".to_owned(), percent_encode(scope)));
    }
    Some(join(&pairs))
}

/// The raw `name=value` pairs of a query (values left encoded).
fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => (pair.to_owned(), String::new()),
        })
        .collect()
}

fn join(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encoding for a path segment or query value: unreserved characters and `:` as they
/// are, every other byte escaped (`/` too, unlike `uri::percent_encode_path`: a subject's `/`
/// must stay inside its segment).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(path: &str) -> String {
        rewrite(path, None)
            .expect("a valid path")
            .unwrap_or_else(|| path.to_owned())
    }

    /// The cases of Confluent's `ContextFilterTest` (8.x), without their trailing slashes,
    /// which the router drops anyway.
    #[test]
    fn confluent_context_filter_cases() {
        assert_eq!(path("/contexts/"), "/contexts/");
        assert_eq!(path("/contexts/.foo/"), "/contexts/:.foo:");
        assert_eq!(
            path("/contexts/.test-ctx/subjects/test-subject/versions"),
            "/subjects/:.test-ctx:test-subject/versions"
        );
        assert_eq!(
            path("/contexts/:.:/subjects/test-subject/versions"),
            "/subjects/test-subject/versions"
        );
        assert_eq!(
            path("/contexts/test-ctx/subjects/test-subject/versions"),
            "/subjects/:.test-ctx:test-subject/versions"
        );
        assert_eq!(
            path("/contexts/.test-ctx/subjects/:.test-ctx:test-subject/versions"),
            "/subjects/:.test-ctx:test-subject/versions"
        );
        assert_eq!(
            path("/contexts/.test-ctx/subjects/%3A.test-ctx%3Atest-subject/versions"),
            "/subjects/%3A.test-ctx%3Atest-subject/versions"
        );
        assert_eq!(
            path("/contexts/.test-ctx/subjects/slash%2Fin%2Fmiddle/"),
            "/subjects/:.test-ctx:slash%2Fin%2Fmiddle/"
        );
        assert_eq!(
            path("/contexts/.test-ctx/config/test-subject"),
            "/config/:.test-ctx:test-subject"
        );
        assert_eq!(path("/contexts/.test-ctx/config"), "/config/:.test-ctx:");
        assert_eq!(path("/contexts/.test-ctx/mode"), "/mode/:.test-ctx:");
        assert_eq!(path("/contexts/:.:/mode"), "/mode");
        assert_eq!(path("/other/config/test"), "/other/config/test");
        assert_eq!(path("/subjects/foo/versions"), "/subjects/foo/versions");
        assert_eq!(
            rewrite("/contexts/foo:bar/subjects", None),
            Err("Context name 'foo:bar' cannot contain a colon".to_owned())
        );
    }

    #[test]
    fn ids_and_listings_take_the_context_as_a_parameter() {
        assert_eq!(
            rewrite("/contexts/.test-ctx/schemas/ids/1/", None),
            Ok(Some("/schemas/ids/1/?subject=:.test-ctx:".to_owned()))
        );
        assert_eq!(
            rewrite("/contexts/.c/schemas/ids/1", Some("subject=s&format=x")),
            Ok(Some("/schemas/ids/1?subject=:.c:s&format=x".to_owned()))
        );
        assert_eq!(
            rewrite("/contexts/:.:/schemas/", Some("subjectPrefix=:*:")),
            Ok(Some("/schemas/?subjectPrefix=:*:".to_owned()))
        );
        assert_eq!(
            rewrite("/contexts/.c/subjects", Some("deleted=true")),
            Ok(Some("/subjects?deleted=true&subjectPrefix=:.c:".to_owned()))
        );
        assert_eq!(
            rewrite("/contexts/.c/subjects", Some("subjectPrefix=ord")),
            Ok(Some("/subjects?subjectPrefix=:.c:ord".to_owned()))
        );
    }

    #[test]
    fn the_default_context_written_out_is_dropped_from_subjects() {
        assert_eq!(
            path("/subjects/:.:orders/versions"),
            "/subjects/orders/versions"
        );
        assert_eq!(path("/config/%3A.%3Aorders"), "/config/orders");
        assert_eq!(
            path("/compatibility/subjects/:.:o/versions/1"),
            "/compatibility/subjects/o/versions/1"
        );
        assert_eq!(path("/subjects/:.ctx:o"), "/subjects/:.ctx:o");
        assert_eq!(path("/config/:.:"), "/config");
        assert_eq!(path("/mode/%3A.%3A"), "/mode");
        assert_eq!(rewrite("/subjects/orders", None), Ok(None));
    }

    #[test]
    fn escapes_round_trip() {
        assert_eq!(percent_decode("a%2Fb%3A"), "a/b:");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_encode("a/b :c"), "a%2Fb%20:c");
    }
}
