//! `GET /openapi.json`: the OpenAPI 3.0 document of the whole API.
//!
//! The document is the hand-maintained `registry/openapi.json`, compiled into the binary. A
//! unit test below keeps it and [`super::router`] in step (every route documented, nothing
//! documented that is not routed), and the end-to-end schemathesis test checks the answers of
//! the real server against it.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The document's text.
pub(super) const DOCUMENT: &str = include_str!("../../openapi.json");

/// Serves [`DOCUMENT`] as `application/json`, the media type OpenAPI tools expect (it is not a
/// registry entity, so not `application/vnd.schemaregistry.v1+json`).
pub(super) async fn document() -> Response {
    let mut response = (StatusCode::OK, DOCUMENT).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::DOCUMENT;

    const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

    fn document() -> Value {
        serde_json::from_str(DOCUMENT).expect("registry/openapi.json is JSON")
    }

    /// `(method, path)` of every `.route(...)` in `router()`, read from the source of
    /// server/mod.rs: axum cannot list a router's routes, and reading the source keeps the
    /// check honest about the real router rather than a copy of its paths.
    fn routed() -> BTreeSet<(String, String)> {
        let source = include_str!("mod.rs");
        let mut routes = BTreeSet::new();
        let mut rest = source;
        while let Some(start) = rest.find(".route(") {
            let call = &rest[start + ".route(".len()..];
            // The call's arguments end at the parenthesis that closes `.route(`.
            let mut depth = 1usize;
            let mut end = call.len();
            for (i, c) in call.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let args = &call[..end];
            // axum spells a catch-all `{*path}`; OpenAPI has only `{path}`.
            let path = args
                .split('"')
                .nth(1)
                .expect("a .route( call starts with its path literal")
                .replace("{*", "{");
            let handlers = &args[args.find(',').expect("a route has handlers")..];
            let mut found = false;
            for method in METHODS {
                // `get(` at the start of the method router or `.get(` after another method.
                let bare = handlers.trim_start_matches([',', ' ', '\n']);
                if bare.starts_with(&format!("{method}("))
                    || handlers.contains(&format!(".{method}("))
                {
                    routes.insert((method.to_owned(), path.clone()));
                    found = true;
                }
            }
            assert!(found, "no HTTP method found for route {path}: {args}");
            rest = &call[end..];
        }
        routes
    }

    fn documented() -> BTreeSet<(String, String)> {
        let document = document();
        let paths = document["paths"]
            .as_object()
            .expect("the document has paths");
        let mut operations = BTreeSet::new();
        for (path, item) in paths {
            let item = item.as_object().expect("a path item is an object");
            for method in item.keys() {
                if METHODS.contains(&method.as_str()) {
                    operations.insert((method.clone(), path.clone()));
                }
            }
        }
        operations
    }

    #[test]
    fn every_route_is_documented_and_nothing_else() {
        let routed = routed();
        let documented = documented();
        // The parser above must really have found the router's routes.
        assert!(routed.contains(&("post".to_owned(), "/subjects/{subject}/versions".to_owned())));
        assert!(routed.len() > 30, "{routed:?}");
        let undocumented: Vec<_> = routed.difference(&documented).collect();
        let unrouted: Vec<_> = documented.difference(&routed).collect();
        assert!(
            undocumented.is_empty() && unrouted.is_empty(),
            "registry/openapi.json and router() disagree.\nrouted but not documented: \
             {undocumented:?}\ndocumented but not routed: {unrouted:?}"
        );
    }

    #[test]
    fn the_document_names_the_crate_version_and_resolves_its_references() {
        let document = document();
        assert_eq!(document["openapi"], "3.0.3");
        assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));
        // Every local `$ref` points at something that exists.
        let mut pending = vec![&document];
        let mut references = 0;
        while let Some(value) = pending.pop() {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(target)) = map.get("$ref") {
                        let pointer = target.strip_prefix('#').expect("only local references");
                        assert!(
                            document.pointer(pointer).is_some(),
                            "dangling $ref {target}"
                        );
                        references += 1;
                    }
                    pending.extend(map.values());
                }
                Value::Array(items) => pending.extend(items),
                _ => {}
            }
        }
        assert!(references > 50, "{references}");
    }

    #[test]
    fn every_operation_documents_its_success_and_error_bodies() {
        let document = document();
        let paths = document["paths"].as_object().expect("paths");
        for (path, item) in paths {
            for (method, operation) in item.as_object().expect("path item") {
                let responses = operation["responses"].as_object().expect("responses");
                // Success is a 200, a 204 for a delete with nothing to answer (a context), or
                // for a redirect (`/ui` → `/ui/`) its 308.
                let no_content = responses.contains_key("204");
                assert!(
                    responses.contains_key("200") || no_content || responses.contains_key("308"),
                    "{method} {path}: no 200"
                );
                // An operation with a path parameter can miss (404), unless deleting what is
                // not there succeeds (204); one with a body can be malformed (400, 415, 422).
                if path.contains('{') && !no_content {
                    assert!(responses.contains_key("404"), "{method} {path}: no 404");
                }
                if operation.get("requestBody").is_some() {
                    for status in ["400", "415", "422"] {
                        assert!(
                            responses.contains_key(status),
                            "{method} {path}: no {status}"
                        );
                    }
                }
            }
        }
    }
}
