//! The registry against its own OpenAPI document, with schemathesis (property-based API
//! testing, from PyPI): the real binary on an ephemeral port with a few seeded subjects, every
//! operation of `/openapi.json` called with generated valid and invalid requests. No answer may
//! be a 5xx, and every answer must have a documented status, media type and body shape.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use contrail_e2e::http::{self, MEDIA_TYPE};
use serde_json::{Value, json};

/// Generated requests per operation and phase: enough to reach every documented status of
/// every operation, few enough for well under a minute on two cores.
const MAX_EXAMPLES: &str = "25";

/// The Python of scripts/test.sh's virtualenv, which has schemathesis.
fn python() -> PathBuf {
    match std::env::var_os("CONTRAIL_PYTHON") {
        Some(path) => PathBuf::from(path),
        None => panic!(
            "CONTRAIL_PYTHON is not set: run the tests with scripts/test.sh, which installs \
             schemathesis (scripts/requirements-test.txt) into a virtualenv and exports \
             CONTRAIL_PYTHON as that virtualenv's python"
        ),
    }
}

/// Seeds the registry: POST and PUT with the registry's media type, DELETE bare.
fn send(method: &str, url: &str, body: Option<&Value>) -> (u16, String) {
    let headers: &[(&str, &str)] = match method {
        "DELETE" => &[],
        _ => &[("Content-Type", MEDIA_TYPE)],
    };
    let body = body.map(Value::to_string).unwrap_or_default();
    let reply = http::request(method, url, headers, &body, Duration::from_secs(30));
    (reply.status, reply.body)
}

const PROTO: &str = "syntax = \"proto3\";\nmessage Order {\n  string id = 1;\n}\n";

fn avro(fields: &str) -> Value {
    json!({"schema": format!(
        r#"{{"type":"record","name":"Order","namespace":"shop","fields":[{fields}]}}"#
    )})
}

/// Subjects for the generated requests to find: `orders-value` (the example subject of the
/// document) with two versions, a referenced `money` subject, a JSON Schema and a Protobuf
/// subject, a soft-deleted subject, a subject-level config and mode.
fn seed(base: &str) {
    let steps: Vec<(&str, String, Option<Value>)> = vec![
        (
            "POST",
            "/subjects/orders-value/versions".into(),
            Some(avro(r#"{"name":"id","type":"string"}"#)),
        ),
        (
            "POST",
            "/subjects/orders-value/versions".into(),
            Some(avro(
                r#"{"name":"id","type":"string"},{"name":"note","type":"string","default":""}"#,
            )),
        ),
        (
            "POST",
            "/subjects/money/versions".into(),
            Some(
                json!({"schema": r#"{"type":"fixed","name":"Money","namespace":"shop","size":8}"#}),
            ),
        ),
        (
            "POST",
            "/subjects/payments-value/versions".into(),
            Some(json!({
                "schema": r#"{"type":"record","name":"Payment","namespace":"shop","fields":[{"name":"amount","type":"shop.Money"}]}"#,
                "references": [{"name": "shop.Money", "subject": "money", "version": 1}],
            })),
        ),
        (
            "POST",
            "/subjects/orders-json/versions".into(),
            Some(json!({"schemaType": "JSON", "schema": r#"{"type":"object"}"#})),
        ),
        (
            "POST",
            "/subjects/retired-value/versions".into(),
            Some(json!({"schema": "\"string\""})),
        ),
        ("DELETE", "/subjects/retired-value".into(), None),
        (
            "POST",
            "/subjects/orders-proto/versions".into(),
            Some(json!({"schemaType": "PROTOBUF", "schema": PROTO})),
        ),
        (
            "PUT",
            "/config/orders-value".into(),
            Some(json!({"compatibility": "FULL"})),
        ),
        (
            "PUT",
            "/mode/orders-json".into(),
            Some(json!({"mode": "READWRITE"})),
        ),
    ];
    for (method, path, body) in steps {
        let (status, text) = send(method, &format!("{base}{path}"), body.as_ref());
        assert_eq!(status, 200, "seeding {method} {path}: {text}");
    }
}

/// How many operations (method and path) the served document has.
fn operation_count(base: &str) -> usize {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut response = agent
        .get(&format!("{base}/openapi.json"))
        .call()
        .expect("GET /openapi.json answers 200");
    let content_type = response.headers().get("content-type").cloned();
    assert_eq!(
        content_type.as_ref().and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let text = response.body_mut().read_to_string().expect("a text body");
    let document: Value = serde_json::from_str(&text).expect("/openapi.json is JSON");
    let paths = document["paths"]
        .as_object()
        .expect("the document has paths");
    let count = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.keys())
        .filter(|key| ["get", "post", "put", "delete", "patch"].contains(&key.as_str()))
        .count();
    assert!(count > 30, "{count} operations in {text}");
    count
}

#[test]
fn the_api_answers_as_its_openapi_document_says() {
    let python = python();
    let dir = tempfile::tempdir().expect("a temporary directory");
    // With a catalog, so contrail's own endpoints answer for real rather than 404.
    let shop = contrail_e2e::repo_root().join("examples/shop");
    let shop = shop.to_str().expect("a UTF-8 repository path");
    let registry =
        contrail_e2e::start_registry(&dir.path().join("registry.db"), &["--catalog", shop]);
    let base = registry.base.clone();
    seed(&base);
    let operations = operation_count(&base);

    let output = Command::new(&python)
        .args(["-m", "schemathesis.cli", "run"])
        .arg(format!("{base}/openapi.json"))
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,\
             response_schema_conformance",
            // Valid and invalid requests from the examples, the boundaries of every schema
            // (coverage) and random generation; not stateful sequences (the document has no
            // links).
            "--phases",
            "examples,coverage,fuzzing",
            "--mode",
            "all",
            "--max-examples",
            MAX_EXAMPLES,
            // The same requests on every run, in the same order (one worker). Deterministic
            // generation needs no seed and keeps no example database.
            "--generation-deterministic",
            "--workers",
            "1",
            "--no-color",
            "--request-timeout",
            "30",
        ])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{} runs: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "schemathesis found answers that do not match registry/openapi.json ({}):\n{stdout}\n{stderr}",
        output.status
    );
    // A run that tested nothing also exits 0: make sure every operation was exercised, but
    // for GET /openapi.json, which schemathesis leaves out when it loads the document from it.
    let tested = operations - 1;
    assert!(
        stdout.contains(&format!("Tested: {tested}\n")),
        "schemathesis did not test {tested} operations of the document:\n{stdout}\n{stderr}"
    );
}

/// The bare text of a Protobuf schema is not JSON, so it is served as `text/plain` (the
/// document says so), while Avro's bare text keeps the registry's JSON media type. Found by
/// schemathesis: the JSON type with a `.proto` body did not conform.
#[test]
fn bare_schema_texts_have_the_media_type_the_document_gives() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let registry = contrail_e2e::start_registry(&dir.path().join("registry.db"), &[]);
    let base = registry.base.clone();
    seed(&base);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let get = |path: &str| {
        let mut response = agent
            .get(&format!("{base}{path}"))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.body_mut().read_to_string().expect("a text body");
        (content_type, body)
    };
    let id = get("/subjects/orders-proto/versions/1").1;
    let id = serde_json::from_str::<Value>(&id).expect("JSON")["id"].clone();
    for path in [
        "/subjects/orders-proto/versions/1/schema".to_owned(),
        format!("/schemas/ids/{id}/schema"),
    ] {
        let (content_type, body) = get(&path);
        assert_eq!(content_type, "text/plain; charset=utf-8", "{path}");
        assert!(body.starts_with("syntax = \"proto3\";"), "{path}: {body}");
    }
    let (content_type, body) = get("/subjects/orders-value/versions/1/schema");
    assert_eq!(content_type, MEDIA_TYPE);
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("Avro text is JSON")["name"],
        json!("Order")
    );
}
