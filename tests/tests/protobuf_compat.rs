//! Protobuf compatibility end to end: `contrail compat` on `.proto` files with an import, and
//! the registry checking Protobuf registrations whose imports are schema references.

use std::time::Duration;

use contrail_e2e::contrail;
use contrail_e2e::http::{MEDIA_TYPE, Reply, request};
use serde_json::{Value, json};

const MONEY: &str = "syntax = \"proto3\";\npackage shop;\nmessage Money {\n  string currency = 1;\n  int64 cents = 2;\n}\n";

const ORDER: &str = "syntax = \"proto3\";\npackage shop.orders.v1;\nimport \"shop/money.proto\";\nmessage OrderPlaced {\n  string order_id = 1;\n  repeated Item items = 2;\n  shop.Money total = 3;\n  message Item {\n    string sku = 1;\n    int32 quantity = 2;\n  }\n}\n";

fn write(dir: &std::path::Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn compat_compares_proto_files_with_their_imports() {
    // The example of docs/compatibility.md: each version imports its own shop/money.proto.
    let root = contrail_e2e::repo_root();
    let fixture = "tests/fixtures/compat/protobuf";
    let v1 = format!("{fixture}/v1/order.proto");
    let v2 = format!("{fixture}/v2/order.proto");
    let run = |mode: &str, format: &str| {
        contrail()
            .current_dir(&root)
            .args(["compat", "--mode", mode, "--format", format, &v2, &v1])
            .output()
            .expect("runs")
    };
    let json_run = run("BACKWARD", "json");
    assert_eq!(
        json_run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&json_run.stderr)
    );
    let report: Value = serde_json::from_slice(&json_run.stdout).expect("JSON");
    let mut found: Vec<(String, String, String)> = report["comparisons"][0]["incompatibilities"]
        .as_array()
        .expect("incompatibilities")
        .iter()
        .map(|i| {
            (
                i["rule"].as_str().unwrap_or_default().to_owned(),
                i["reader_path"].as_str().unwrap_or_default().to_owned(),
                i["writer_path"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("FIELD_SCALAR_KIND_CHANGED", "/Money/cents", "/Money/cents"),
        (
            "FIELD_NAMED_TYPE_CHANGED",
            "/OrderPlaced/total",
            "/OrderPlaced/total",
        ),
        (
            "FIELD_SCALAR_KIND_CHANGED",
            "/OrderPlaced/Item/sku",
            "/OrderPlaced/Item/sku",
        ),
    ];
    found.sort();
    let mut wanted: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    wanted.sort();
    assert_eq!(found, wanted);

    let human = run("BACKWARD", "human");
    assert_eq!(human.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&human.stdout).into_owned());

    // Only an added field: compatible BACKWARD and FORWARD.
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "v1/shop/money.proto", MONEY);
    write(dir.path(), "v1/order.proto", ORDER);
    write(dir.path(), "v3/shop/money.proto", MONEY);
    write(
        dir.path(),
        "v3/order.proto",
        &ORDER.replace(
            "  string order_id = 1;\n",
            "  string order_id = 1;\n  string note = 4;\n",
        ),
    );
    let full = contrail()
        .current_dir(dir.path())
        .args([
            "compat",
            "--mode",
            "FULL",
            "v3/order.proto",
            "v1/order.proto",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        full.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&full.stdout)
    );

    // An import that is not there: contrail cannot compare, exit 2 with the reason.
    std::fs::remove_file(dir.path().join("v3/shop/money.proto")).expect("rm");
    let missing = contrail()
        .current_dir(dir.path())
        .args(["compat", "v3/order.proto", "v1/order.proto"])
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stdout).contains("shop/money.proto"));
}

fn post(base: &str, path: &str, body: &Value) -> Reply {
    request(
        "POST",
        &format!("{base}{path}"),
        &[("Content-Type", MEDIA_TYPE)],
        &body.to_string(),
        Duration::from_secs(30),
    )
}

fn register(base: &str, subject: &str, schema: &str, references: Value) -> Reply {
    post(
        base,
        &format!("/subjects/{}/versions", subject.replace('/', "%2F")),
        &json!({"schemaType": "PROTOBUF", "schema": schema, "references": references}),
    )
}

#[test]
fn registry_checks_protobuf_registrations_with_their_references() {
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = contrail_e2e::start_registry(&dir.path().join("registry.db"), &[]);
    let base = registry.base.as_str();
    let money_ref = |version: i64| json!([{"name": "shop/money.proto", "subject": "shop/money.proto", "version": version}]);

    register(base, "shop/money.proto", MONEY, json!([])).ok();
    register(base, "orders-value", ORDER, money_ref(1)).ok();

    // The import must resolve: without the reference the schema is invalid, as in Confluent.
    register(base, "orders-value", ORDER, json!([])).assert_error(422, 42201);

    // A field's scalar group changes: refused under BACKWARD, naming the rule.
    let changed = ORDER.replace("string sku = 1;", "int64 sku = 1;");
    let message = register(base, "orders-value", &changed, money_ref(1)).assert_error(409, 409);
    assert!(message.contains("FIELD_SCALAR_KIND_CHANGED"), "{message}");
    assert!(message.contains("/OrderPlaced/Item/sku"), "{message}");

    // The same check through the compatibility endpoint.
    let verdict = post(
        base,
        "/compatibility/subjects/orders-value/versions/latest",
        &json!({"schemaType": "PROTOBUF", "schema": changed, "references": money_ref(1)}),
    )
    .ok();
    assert_eq!(verdict["is_compatible"], json!(false));

    // The imported type changes in a new version of its own subject (allowed there with
    // NONE): an order that takes it from that version is compared through it.
    request(
        "PUT",
        &format!("{base}/config/shop%2Fmoney.proto"),
        &[("Content-Type", MEDIA_TYPE)],
        &json!({"compatibility": "NONE"}).to_string(),
        Duration::from_secs(30),
    )
    .ok();
    register(
        base,
        "shop/money.proto",
        &MONEY.replace("int64 cents", "string cents"),
        json!([]),
    )
    .ok();
    let message = register(base, "orders-value", ORDER, money_ref(2)).assert_error(409, 409);
    assert!(message.contains("FIELD_NAMED_TYPE_CHANGED"), "{message}");

    // A compatible evolution (a new field) is registered as version 2.
    let added = ORDER.replace(
        "  string order_id = 1;\n",
        "  string order_id = 1;\n  string note = 4;\n",
    );
    register(base, "orders-value", &added, money_ref(1)).ok();
    let latest = request(
        "GET",
        &format!("{base}/subjects/orders-value/versions/latest"),
        &[],
        "",
        Duration::from_secs(30),
    )
    .ok();
    assert_eq!(latest["version"], json!(2));
}
