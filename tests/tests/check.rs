//! `contrail check --against git:REF` end to end, on the shop example as two commits: the
//! schemas of tests/fixtures/check/shop-v1 (v1), then examples/shop as it is (v2: one
//! compatible and one breaking change).

use std::path::Path;

use contrail_e2e::{committed_shop, contrail, copy_dir, git, git_init_commit, repo_root};

/// A repository whose HEAD~1 has the v1 schemas and HEAD the shop as in examples/shop.
pub(crate) fn shop_history() -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("tempdir");
    let shop = repo.path().join("shop");
    copy_dir(&repo_root().join("examples/shop"), &shop);
    let v2 = repo.path().join("v2");
    copy_dir(&shop.join("schemas"), &v2);
    copy_dir(
        &repo_root().join("tests/fixtures/check/shop-v1/schemas"),
        &shop.join("schemas"),
    );
    git_init_commit(repo.path(), "shop", "shop v1");
    copy_dir(&v2, &shop.join("schemas"));
    std::fs::remove_dir_all(&v2).expect("cleanup");
    git(repo.path(), &["commit", "--quiet", "-am", "shop v2"]);
    repo
}

#[test]
fn check_against_the_previous_commit_shows_the_compatible_and_the_breaking_change() {
    let repo = shop_history();
    let human = contrail()
        .current_dir(repo.path())
        .args([
            "check",
            "shop",
            "--against",
            "git:HEAD~1",
            "--color",
            "never",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(1), "{text}");
    insta::assert_snapshot!("check_shop_against_head_1", text);

    let json = contrail()
        .current_dir(repo.path())
        .args([
            "check",
            "shop",
            "--against",
            "git:HEAD~1",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(report["baseline"], "git:HEAD~1");
    assert_eq!(
        contrail_e2e::compatibility_verdicts(&report),
        [("OrderShipped", false), ("PaymentProcessed", true)]
    );
    let codes: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        codes.contains(&("CC001", "shop/schemas/order-shipped.avsc")),
        "{codes:?}"
    );
}

/// The lint codes and files of a `contrail check --format json` run.
fn findings(report: &serde_json::Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["file"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn check_json(repo: &Path, against: &str) -> serde_json::Value {
    let output = contrail()
        .current_dir(repo)
        .args(["check", "shop", "--against", against, "--format", "json"])
        .output()
        .expect("runs");
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn a_breaking_change_needs_a_new_topic_or_a_new_major_version() {
    let repo = shop_history();
    let breaking = (
        "CL403".to_owned(),
        "shop/events/order-shipped.yaml".to_owned(),
    );

    // As committed: OrderShipped breaks on the same topic with no version.
    let report = check_json(repo.path(), "git:HEAD~1");
    assert!(findings(&report).contains(&breaking), "{report:#}");

    // Plain lint knows no baseline: the rule is silent.
    let lint = contrail()
        .current_dir(repo.path())
        .args(["lint", "shop", "--format", "json"])
        .output()
        .expect("runs");
    let lint: serde_json::Value = serde_json::from_slice(&lint.stdout).expect("JSON");
    assert!(!findings(&lint).iter().any(|(code, _)| code == "CL403"));

    // A new major version: the rule is satisfied; the schema still breaks its subject (CC001),
    // since the topic and so the subject are the same.
    let event = repo.path().join("shop/events/order-shipped.yaml");
    let original = std::fs::read_to_string(&event).expect("event file");
    std::fs::write(
        &event,
        original.replace("kind: domain\n", "kind: domain\nversion: 2\n"),
    )
    .expect("write");
    let report = check_json(repo.path(), "git:HEAD~1");
    let found = findings(&report);
    assert!(!found.contains(&breaking), "{report:#}");
    assert!(found.iter().any(|(code, _)| code == "CC001"), "{report:#}");
    std::fs::write(&event, &original).expect("restore");

    // A new topic everywhere the event is declared: a new subject, so nothing to compare with.
    for file in [
        "shop/events/order-shipped.yaml",
        "shop/asyncapi/shipping.yaml",
        "shop/asyncapi/notifications.yaml",
    ] {
        let path = repo.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        let moved = text
            .replace("topic: shop.shipments\n", "topic: shop.shipments.v2\n")
            .replace("address: shop.shipments\n", "address: shop.shipments.v2\n")
            .replace("  shop.shipments:\n", "  shop.shipments.v2:\n");
        assert_ne!(moved, text, "{file} names the topic");
        std::fs::write(&path, moved).expect("write");
    }
    let report = check_json(repo.path(), "git:HEAD~1");
    let found = findings(&report);
    assert!(!found.contains(&breaking), "{report:#}");
    assert!(!found.iter().any(|(code, _)| code == "CC001"), "{report:#}");
    assert_eq!(
        report["compatibility"]["new"],
        serde_json::json!(["OrderShipped"])
    );
}

/// PROTO_REMOVED_FIELD_RESERVED gets the baseline's Protobuf messages from `check --against`:
/// a field dropped from the shop's StockLevelChanged since HEAD is reported until its number
/// and name are reserved; plain lint has no baseline and says nothing.
#[test]
fn a_removed_protobuf_field_must_be_reserved() {
    let repo = shop_history();
    let proto = repo.path().join("shop/schemas/stock-level-changed.proto");
    let original = std::fs::read_to_string(&proto).expect("proto");
    let removed = original.replace("    string note = 2;\n", "");
    assert_ne!(removed, original, "the shop's Adjustment has `note = 2`");
    std::fs::write(&proto, &removed).expect("write");
    let unreserved = (
        "CL404".to_owned(),
        "shop/schemas/stock-level-changed.proto".to_owned(),
    );

    let report = check_json(repo.path(), "git:HEAD");
    assert!(findings(&report).contains(&unreserved), "{report:#}");
    let finding = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "CL404")
        .expect("CL404");
    assert_eq!(
        finding["message"],
        "field `note = 2` of `StockLevelChanged.Adjustment` was removed since git:HEAD, but neither its number nor its name is reserved"
    );

    let lint = contrail()
        .current_dir(repo.path())
        .args(["lint", "shop", "--format", "json"])
        .output()
        .expect("runs");
    let lint: serde_json::Value = serde_json::from_slice(&lint.stdout).expect("JSON");
    assert!(!findings(&lint).iter().any(|(code, _)| code == "CL404"));

    let reserved = removed.replace(
        "    int32 delta = 1;\n",
        "    reserved 2;\n    reserved \"note\";\n    int32 delta = 1;\n",
    );
    assert_ne!(reserved, removed);
    std::fs::write(&proto, &reserved).expect("write");
    let report = check_json(repo.path(), "git:HEAD");
    assert!(!findings(&report).contains(&unreserved), "{report:#}");
}

#[test]
fn check_against_head_itself_reports_no_schema_change() {
    let repo = shop_history();
    let output = contrail()
        .current_dir(repo.path())
        .args(["check", "shop", "--against", "git:HEAD", "--format", "json"])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["compatibility"]["checked"], serde_json::json!([]));
    assert_eq!(report["compatibility"]["unchanged"], 5);
}

#[test]
fn unknown_git_refs_are_errors_not_findings() {
    let repo = shop_history();
    let output = contrail()
        .current_dir(repo.path())
        .args(["check", "shop", "--against", "git:no-such-branch"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such-branch"));
}

#[test]
fn compat_reports_every_break_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = dir.path().join("old.avsc");
    let new = dir.path().join("new.avsc");
    std::fs::write(&old, r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X", "Y"]}}]}"#).expect("write");
    std::fs::write(&new, r#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "string"}, {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X"]}}, {"name": "b", "type": "long"}]}"#).expect("write");
    let output = contrail()
        .current_dir(dir.path())
        .args([
            "compat", "--mode", "BACKWARD", "--format", "json", "new.avsc", "old.avsc",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["compatible"], false);
    let rules: Vec<&str> = report["comparisons"][0]["incompatibilities"]
        .as_array()
        .expect("incompatibilities")
        .iter()
        .filter_map(|i| i["rule"].as_str())
        .collect();
    assert_eq!(
        rules,
        [
            "TYPE_MISMATCH",
            "MISSING_ENUM_SYMBOLS",
            "READER_FIELD_MISSING_DEFAULT_VALUE"
        ]
    );
    assert_eq!(report["messages"].as_array().map(Vec::len), Some(3));

    let forward_ok = contrail()
        .current_dir(dir.path())
        .args(["compat", "--mode", "NONE", "new.avsc", "old.avsc"])
        .output()
        .expect("runs");
    assert_eq!(forward_ok.status.code(), Some(0));
}

#[test]
fn compat_refuses_an_invalid_schema_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("old.avsc"),
        r#"{"type": "record", "name": "R", "fields": []}"#,
    )
    .expect("write");
    std::fs::write(
        dir.path().join("new.avsc"),
        r#"{"type": "record", "name": "R", "fields": [{"name": "a"}]}"#,
    )
    .expect("write");
    let output = contrail()
        .current_dir(dir.path())
        .args(["compat", "new.avsc", "old.avsc"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stdout).contains("CV010"));
}

#[test]
fn check_against_a_registry_uses_every_version_of_each_subject() {
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = contrail_e2e::start_registry(&dir.path().join("registry.db"), &[]);
    let base = registry.base.clone();
    let client = contrail_registry::client::Client::new(&base);
    let read = |path: &str| std::fs::read_to_string(repo_root().join(path)).expect("schema file");
    client
        .register(
            "com.shop.Money",
            &contrail_registry::client::SchemaRequest::avro(read(
                "examples/shop/schemas/money.avsc",
            )),
        )
        .expect("register Money");
    let mut payment = contrail_registry::client::SchemaRequest::avro(read(
        "tests/fixtures/check/shop-v1/schemas/payment-processed.avsc",
    ));
    payment.references = vec![contrail_registry::model::Reference {
        name: "com.shop.Money".to_owned(),
        subject: "com.shop.Money".to_owned(),
        version: 1,
    }];
    client
        .register("shop.payments-value", &payment)
        .expect("register PaymentProcessed v1");
    client
        .register(
            "shop.shipments-value",
            &contrail_registry::client::SchemaRequest::avro(read(
                "tests/fixtures/check/shop-v1/schemas/order-shipped.avsc",
            )),
        )
        .expect("register OrderShipped v1");

    let output = contrail()
        .current_dir(repo_root())
        .args([
            "check",
            "examples/shop",
            "--against",
            &base,
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["baseline"], base.as_str());
    assert_eq!(
        contrail_e2e::compatibility_verdicts(&report),
        [("OrderShipped", false), ("PaymentProcessed", true)]
    );
    // OrderPlaced, InventoryReserved and StockLevelChanged have no subject in this registry
    // yet: new events.
    assert_eq!(
        report["compatibility"]["new"],
        serde_json::json!(["InventoryReserved", "OrderPlaced", "StockLevelChanged"])
    );
    let breaks: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "CC001")
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert_eq!(breaks, ["examples/shop/schemas/order-shipped.avsc"]);
}

#[test]
fn check_right_after_a_push_finds_every_schema_unchanged() {
    // The registry returns schemas in canonical form; formatting differences from the files
    // must not count as changes.
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = contrail_e2e::start_registry(&dir.path().join("registry.db"), &[]);
    let base = registry.base.clone();
    push_shop(&base);
    let check = contrail()
        .current_dir(repo_root())
        .args([
            "check",
            "examples/shop",
            "--against",
            &base,
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).expect("JSON");
    assert_eq!(report["compatibility"]["checked"], serde_json::json!([]));
    assert_eq!(report["compatibility"]["unchanged"], 5);
}

/// Pushes examples/shop to the registry at `base`.
pub(crate) fn push_shop(base: &str) {
    let push = contrail()
        .current_dir(repo_root())
        .args(["registry", "push", "examples/shop", "--registry", base])
        .output()
        .expect("runs");
    assert_eq!(
        push.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&push.stdout)
    );
}

/// A repository with the shop committed as it is, and OrderPlaced changed in the working tree:
/// `total` (which payments reads) gets a default, and a field nobody reads is added.
fn order_placed_changed() -> tempfile::TempDir {
    let repo = committed_shop();
    let shop = repo.path().join("shop");
    let schema = shop.join("schemas/order-placed.avsc");
    let text = std::fs::read_to_string(&schema).expect("schema");
    let changed = text
        .replace(
            r#"{ "name": "total", "type": "com.shop.Money" },"#,
            r#"{ "name": "total", "type": "com.shop.Money", "default": { "amountMinor": 0, "currency": "EUR" } },"#,
        )
        .replace(
            r#"{ "name": "couponCode", "type": ["null", "string"], "default": null }"#,
            r#"{ "name": "couponCode", "type": ["null", "string"], "default": null },
    { "name": "giftMessage", "type": ["null", "string"], "default": null }"#,
        );
    assert_ne!(changed, text, "the schema has the fields the test changes");
    std::fs::write(&schema, changed).expect("write");
    repo
}

fn check_output(repo: &Path, format: &str, summary: Option<&Path>) -> std::process::Output {
    let mut command = contrail();
    command
        .current_dir(repo)
        .env_remove("GITHUB_STEP_SUMMARY")
        .args([
            "check",
            "shop",
            "--against",
            "git:HEAD",
            "--format",
            format,
            "--color",
            "never",
        ]);
    if let Some(summary) = summary {
        command.env("GITHUB_STEP_SUMMARY", summary);
    }
    command.output().expect("runs")
}

#[test]
fn check_lists_who_a_schema_change_reaches_narrowed_to_the_changed_fields() {
    let repo = order_placed_changed();

    let human = check_output(repo.path(), "human", None);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("impact of the changed schemas:"), "{text}");
    insta::assert_snapshot!("check_impact_human", text);

    let json = check_output(repo.path(), "json", None);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let impact = &report["impact"];
    assert_eq!(impact[0]["event"], "OrderPlaced");
    assert_eq!(
        impact[0]["fields"],
        serde_json::json!(["giftMessage", "total"])
    );
    // payments reads `total`; notifications reads only `orderId` and `customerId`.
    assert_eq!(impact[0]["direct"], serde_json::json!(["payments"]));
    assert_eq!(
        impact[0]["unaffected"],
        serde_json::json!(["notifications"])
    );
    insta::assert_json_snapshot!("check_impact_json", impact);

    // GitHub: the annotations on stdout are what they are without a summary file; the summary
    // (a table and a Mermaid drawing) is appended to the file.
    let summary_dir = tempfile::tempdir().expect("tempdir");
    let summary = summary_dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").expect("write");
    let with_summary = check_output(repo.path(), "github", Some(&summary));
    let without = check_output(repo.path(), "github", None);
    assert_eq!(with_summary.stdout, without.stdout);
    assert_eq!(with_summary.status.code(), without.status.code());
    let markdown = std::fs::read_to_string(&summary).expect("summary written");
    assert!(markdown.starts_with("earlier step\n"), "{markdown}");
    assert!(
        markdown.contains("```mermaid\nflowchart LR\n"),
        "{markdown}"
    );
    insta::assert_snapshot!("check_impact_github_summary", markdown);
}

#[test]
fn without_a_schema_change_check_reports_no_impact_and_writes_no_summary() {
    let repo = committed_shop();
    let summary = repo.path().join("summary.md");

    let human = check_output(repo.path(), "human", None);
    assert!(!String::from_utf8_lossy(&human.stdout).contains("impact"));
    let json = check_output(repo.path(), "json", None);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert!(report.get("impact").is_none(), "{report:#}");
    let sarif = check_output(repo.path(), "sarif", None);
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF");
    assert!(sarif["runs"][0].get("properties").is_none());
    check_output(repo.path(), "github", Some(&summary));
    assert!(!summary.exists());
}

/// A JSON Schema event whose schema takes a type from another file through `$ref`.
fn json_ref_catalog() -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        let path = repo.path().join("cat").join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("contrail.yaml", "catalog: refs\n");
    write(
        "events/customer.yaml",
        "event: CustomerMoved\ntopic: t.customers\nschema: ../schemas/customer.json\n",
    );
    write(
        "schemas/customer.json",
        r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
  "properties": {"id": {"type": "string"}, "address": {"$ref": "address.json"}},
  "required": ["id"]}
"#,
    );
    write(
        "schemas/address.json",
        r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
  "properties": {"street": {"type": "string"}}}
"#,
    );
    git_init_commit(repo.path(), "cat", "refs");
    repo
}

#[test]
fn json_schema_refs_to_other_files_are_followed_by_check_against() {
    let repo = json_ref_catalog();
    // Unchanged: the reference resolves on both sides, and nothing is reported about it.
    let output = contrail()
        .current_dir(repo.path())
        .args(["check", "cat", "--against", "git:HEAD", "--format", "json"])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
    assert_eq!(report["compatibility"]["unchanged"], 1, "{report:#}");

    // A change inside the referenced file is a change of the event that uses it.
    let address = repo.path().join("cat/schemas/address.json");
    let text = std::fs::read_to_string(&address).expect("read");
    std::fs::write(
        &address,
        text.replace(
            r#""street": {"type": "string"}"#,
            r#""street": {"type": "integer"}"#,
        ),
    )
    .expect("write");
    let output = contrail()
        .current_dir(repo.path())
        .args(["check", "cat", "--against", "git:HEAD", "--format", "json"])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert_eq!(
        contrail_e2e::compatibility_verdicts(&report),
        [("CustomerMoved", false)]
    );
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("street")),
        "{messages:?}"
    );
    assert!(
        !messages
            .iter()
            .any(|m| m.contains("unresolved") || m.contains("UNRESOLVED")),
        "{messages:?}"
    );
}
