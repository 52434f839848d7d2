//! `contrail registry ls`, `show`, `diff` and `delete` end to end: the shop example pushed to
//! the real registry binary on an ephemeral port with SQLite in a temporary directory, then
//! inspected and changed from the command line as a user would.

use std::process::{Output, Stdio};
use std::time::Duration;

use contrail_e2e::http::{MEDIA_TYPE, request};
use contrail_e2e::{RegistryProcess, contrail, repo_root, stdout_json};
use contrail_registry::client::{Client, SchemaRequest};
use contrail_registry::model::{SchemaType, VersionSelector};
use serde_json::{Value, json};

/// A registry holding the pushed shop plus a second version of two subjects:
/// - `shop.orders-value` 2 adds an optional field (BACKWARD compatible; references Money);
/// - `shop.shipments-value` 2 adds a field without a default, registered under the subject's
///   own level NONE (BACKWARD incompatible, FORWARD compatible).
struct Shop {
    process: RegistryProcess,
    _dir: tempfile::TempDir,
}

impl Shop {
    /// A registry with nothing in it.
    fn empty() -> Shop {
        let dir = tempfile::tempdir().expect("tempdir");
        let process = contrail_e2e::start_registry(&dir.path().join("registry.db"), &[]);
        Shop { process, _dir: dir }
    }

    fn start() -> Shop {
        let shop = Shop::empty();
        let pushed = contrail()
            .args(["registry", "push"])
            .arg(repo_root().join("examples/shop"))
            .args(["--registry", shop.base()])
            .output()
            .expect("runs");
        assert_eq!(pushed.status.code(), Some(0), "{pushed:?}");

        let client = Client::new(shop.base());
        let orders = client
            .version("shop.orders-value", VersionSelector::Latest)
            .expect("orders");
        let orders_v2 = SchemaRequest {
            schema: with_field(
                &orders.schema,
                json!({"name": "giftNote", "type": ["null", "string"], "default": null}),
            ),
            schema_type: SchemaType::Avro,
            references: orders.references.clone(),
        };
        client
            .register("shop.orders-value", &orders_v2)
            .expect("orders v2");

        let reply = request(
            "PUT",
            &format!("{}/config/shop.shipments-value", shop.base()),
            &[("Content-Type", MEDIA_TYPE)],
            r#"{"compatibility":"NONE"}"#,
            Duration::from_secs(10),
        );
        reply.ok();
        let shipments = client
            .version("shop.shipments-value", VersionSelector::Latest)
            .expect("shipments");
        client
            .register(
                "shop.shipments-value",
                &SchemaRequest::avro(with_field(
                    &shipments.schema,
                    json!({"name": "signedBy", "type": "string"}),
                )),
            )
            .expect("shipments v2");
        shop
    }

    fn base(&self) -> &str {
        &self.process.base
    }

    /// `contrail registry ARGS --registry URL`, stdin not a terminal.
    fn run(&self, args: &[&str]) -> Output {
        contrail()
            .arg("registry")
            .args(args)
            .args(["--registry", self.base()])
            .stdin(Stdio::null())
            .env_remove("CONTRAIL_REGISTRY_USER_INFO")
            .env_remove("CONTRAIL_REGISTRY_TOKEN")
            .output()
            .expect("runs")
    }

    /// Stdout with the registry's address replaced, for snapshots.
    fn text(&self, output: &Output) -> String {
        String::from_utf8_lossy(&output.stdout).replace(self.base(), "[REGISTRY]")
    }
}

/// An Avro record schema's text with one more field.
fn with_field(schema: &str, field: Value) -> String {
    let mut json: Value = serde_json::from_str(schema).expect("JSON");
    json["fields"].as_array_mut().expect("fields").push(field);
    json.to_string()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The keys of a JSON object, sorted.
fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[test]
fn ls_lists_every_subject_with_its_latest_version() {
    let shop = Shop::start();
    let output = shop.run(&["ls"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    insta::assert_snapshot!("registry_ls_human", shop.text(&output));

    let output = shop.run(&["ls", "--prefix", "shop.sh", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let listed = stdout_json(&output);
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), 1, "{listed:?}");
    let shipments = &listed[0];
    assert_eq!(
        keys(shipments),
        [
            "compatibility",
            "deleted",
            "id",
            "schema_type",
            "subject",
            "version",
            "versions"
        ]
    );
    assert_eq!(shipments["subject"], "shop.shipments-value");
    assert_eq!(shipments["version"], 2);
    assert_eq!(shipments["versions"], json!([1, 2]));
    assert_eq!(shipments["schema_type"], "AVRO");
    assert_eq!(shipments["compatibility"], "NONE");
    assert_eq!(shipments["deleted"], false);
    assert!(shipments["id"].as_i64().is_some());
}

#[test]
fn show_prints_the_schema_references_level_and_mode() {
    let shop = Shop::start();
    let output = shop.run(&["show", "shop.payments-value"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    insta::assert_snapshot!("registry_show_human", shop.text(&output));

    let output = shop.run(&["show", "shop.orders-value@1", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let shown = stdout_json(&output);
    assert_eq!(
        keys(&shown),
        [
            "compatibility",
            "id",
            "mode",
            "referenced_by",
            "references",
            "schema",
            "schema_type",
            "subject",
            "version",
            "versions"
        ]
    );
    assert_eq!(shown["referenced_by"], json!([]));
    assert_eq!(shown["version"], 1);
    assert_eq!(shown["versions"], json!([1, 2]));
    assert_eq!(
        shown["compatibility"],
        json!({"value": "BACKWARD", "source": "global"})
    );
    assert_eq!(
        shown["mode"],
        json!({"value": "READWRITE", "source": "global"})
    );
    assert_eq!(
        shown["references"],
        json!([{"name": "com.shop.Money", "subject": "com.shop.Money", "version": 1}])
    );
    // The schema is the parsed document, not a string of JSON.
    assert_eq!(shown["schema"]["name"], "OrderPlaced");

    let latest = stdout_json(&shop.run(&["show", "shop.shipments-value@latest", "-f", "json"]));
    assert_eq!(latest["version"], 2);
    assert_eq!(
        latest["compatibility"],
        json!({"value": "NONE", "source": "subject"})
    );

    // By id: where the schema is registered.
    let id = shown["id"].as_i64().expect("id").to_string();
    let output = shop.run(&["show", "--id", &id, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let by_id = stdout_json(&output);
    assert_eq!(
        keys(&by_id),
        ["id", "references", "registered_as", "schema", "schema_type",]
    );
    assert_eq!(
        by_id["registered_as"],
        json!([{"subject": "shop.orders-value", "version": 1}])
    );
    let output = shop.run(&["show", "--id", &id]);
    assert!(
        shop.text(&output)
            .contains("registered as  shop.orders-value version 1\n"),
        "{output:?}"
    );
}

#[test]
fn show_lists_the_schemas_that_reference_a_version() {
    let shop = Shop::start();
    let client = Client::new(shop.base());
    // Money version 1 is referenced by the orders (versions 1 and 2) and the payments.
    let id_of = |subject: &str, version: i64| {
        client
            .version(subject, VersionSelector::Number(version))
            .expect("version")
            .id
    };
    let output = shop.run(&["show", "com.shop.Money@1", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let shown = stdout_json(&output);
    let mut referrers: Vec<(i64, Vec<(String, i64)>)> = shown["referenced_by"]
        .as_array()
        .expect("referenced_by")
        .iter()
        .map(|r| {
            let places = r["registered_as"]
                .as_array()
                .expect("registered_as")
                .iter()
                .map(|p| {
                    (
                        p["subject"].as_str().unwrap_or("").to_owned(),
                        p["version"].as_i64().unwrap_or(0),
                    )
                })
                .collect();
            (r["id"].as_i64().expect("id"), places)
        })
        .collect();
    referrers.sort();
    let mut expected = vec![
        (
            id_of("shop.orders-value", 1),
            vec![("shop.orders-value".to_owned(), 1)],
        ),
        (
            id_of("shop.orders-value", 2),
            vec![("shop.orders-value".to_owned(), 2)],
        ),
        (
            id_of("shop.payments-value", 1),
            vec![("shop.payments-value".to_owned(), 1)],
        ),
    ];
    expected.sort();
    assert_eq!(referrers, expected);

    let output = shop.run(&["show", "com.shop.Money"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = shop.text(&output);
    assert!(text.contains("\nreferenced by  id "), "{text}");
    for (subject, version) in [("shop.orders-value", 1), ("shop.payments-value", 1)] {
        let line = format!(
            "id {} = {subject} version {version}\n",
            id_of(subject, version)
        );
        assert!(text.contains(&line), "{line} in {text}");
    }
}

#[test]
fn diff_reports_the_engines_findings_and_a_line_diff() {
    let shop = Shop::start();
    // Under the subject's own level (NONE) the change is allowed.
    let output = shop.run(&["diff", "shop.shipments-value", "1", "2"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(
        shop.text(&output).contains(
            "diff: shop.shipments-value version 2 is compatible with version 1 under NONE"
        ),
        "{output:?}"
    );

    // Under BACKWARD the new field without a default breaks readers of old data.
    let output = shop.run(&[
        "diff",
        "shop.shipments-value",
        "1",
        "latest",
        "--level",
        "BACKWARD",
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    insta::assert_snapshot!("registry_diff_incompatible_human", shop.text(&output));

    let output = shop.run(&[
        "diff",
        "shop.shipments-value",
        "1",
        "2",
        "--level",
        "FORWARD",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = stdout_json(&output);
    assert_eq!(
        keys(&report),
        [
            "comparisons",
            "compatible",
            "diagnostics",
            "diff",
            "level_source",
            "messages",
            "mode",
            "new",
            "old",
            "subject",
        ]
    );
    assert_eq!(report["compatible"], true);
    assert_eq!(report["mode"], "FORWARD");
    assert_eq!(report["level_source"], "flag");
    assert_eq!(
        report["old"],
        json!({"version": 1, "id": report["old"]["id"], "schema_type": "AVRO"})
    );
    assert_eq!(report["new"]["version"], 2);
    let diff = report["diff"].as_str().expect("diff text");
    assert!(
        diff.starts_with(
            "--- shop.shipments-value version 1\n+++ shop.shipments-value version 2\n"
        ),
        "{diff}"
    );
    assert!(diff.contains("+      \"name\": \"signedBy\",\n"), "{diff}");

    let output = shop.run(&[
        "diff",
        "shop.shipments-value",
        "1",
        "2",
        "--level",
        "BACKWARD",
        "-f",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report = stdout_json(&output);
    assert_eq!(report["compatible"], false);
    assert_eq!(report["diagnostics"][0]["code"], "CC001");
    assert_eq!(
        report["comparisons"][0]["incompatibilities"][0]["rule"],
        "READER_FIELD_MISSING_DEFAULT_VALUE"
    );

    // References are resolved from the registry: orders uses com.shop.Money. The subject
    // follows the registry's level (BACKWARD) and the optional field is compatible.
    let output = shop.run(&["diff", "shop.orders-value", "1", "2", "-f", "json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = stdout_json(&output);
    assert_eq!(report["mode"], "BACKWARD");
    assert_eq!(report["level_source"], "global");
    assert_eq!(report["compatible"], true);
}

#[test]
fn delete_asks_and_refuses_without_a_terminal() {
    let shop = Shop::start();
    let client = Client::new(shop.base());
    let output = shop.run(&["delete", "shop.orders-value@1"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = stderr(&output);
    assert!(message.contains("stdin is not a terminal"), "{message}");
    assert!(message.contains("--yes"), "{message}");
    assert_eq!(
        client.versions("shop.orders-value").expect("versions"),
        [1, 2],
        "nothing is deleted without confirmation"
    );

    // Soft: hidden from the live versions, still listed with --deleted.
    let output = shop.run(&[
        "delete",
        "shop.shipments-value@latest",
        "--yes",
        "-f",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        stdout_json(&output),
        json!({"subject": "shop.shipments-value", "version": 2, "permanent": false, "deleted_versions": [2]})
    );
    assert_eq!(
        client.versions("shop.shipments-value").expect("versions"),
        [1]
    );
    let listed = stdout_json(&shop.run(&[
        "ls",
        "--prefix",
        "shop.shipments",
        "--deleted",
        "-f",
        "json",
    ]));
    assert_eq!(listed[0]["deleted_versions"], json!([2]));
    assert_eq!(listed[0]["versions"], json!([1]));

    // A second soft delete is refused with what to do instead.
    let output = shop.run(&["delete", "shop.shipments-value@2", "--yes"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr(&output).contains("--permanent"), "{output:?}");

    // Permanent on the whole subject: the soft delete first, then the hard one, every version.
    let output = shop.run(&["delete", "shop.shipments-value", "--permanent", "--yes"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        shop.text(&output),
        "permanently deleted shop.shipments-value versions 1, 2\n"
    );
    let all = client.versions_including("shop.shipments-value", true);
    assert_eq!(
        all.expect_err("gone").error_code(),
        Some(40401),
        "the subject is gone for good"
    );

    // A referenced schema cannot be deleted: the registry's reason and a hint.
    let output = shop.run(&["delete", "com.shop.Money", "--yes"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = stderr(&output);
    assert!(message.contains("42206"), "{message}");
    assert!(
        message.contains("hint: another schema references it"),
        "{message}"
    );
}

#[test]
fn unknown_names_bad_syntax_and_unreachable_registries_are_clear_errors() {
    let shop = Shop::start();
    let output = shop.run(&["show", "shop.nope-value"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = stderr(&output);
    assert!(message.contains("40401"), "{message}");
    assert!(
        message.contains("Subject 'shop.nope-value' not found"),
        "{message}"
    );
    assert!(
        message.contains("hint: `contrail registry ls`"),
        "{message}"
    );

    let output = shop.run(&["diff", "shop.orders-value", "1", "9"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = stderr(&output);
    assert!(message.contains("40402"), "{message}");
    assert!(
        message.contains("hint: shop.orders-value has versions 1, 2"),
        "{message}"
    );

    let output = shop.run(&["delete", "shop.orders-value@9", "--yes"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr(&output).contains("has no version 9"), "{output:?}");

    for bad in ["shop.orders-value@two", "shop.orders-value@0", "@1"] {
        let output = shop.run(&["show", bad]);
        assert_eq!(output.status.code(), Some(2), "{bad}: {output:?}");
        let message = stderr(&output);
        assert!(message.contains("SUBJECT@VERSION"), "{bad}: {message}");
        assert!(!message.contains("panicked"), "{bad}: {message}");
    }

    let output = shop.run(&["show", "--id", "999"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains("no schema with id 999"),
        "{output:?}"
    );

    // Nothing listens on port 1: an error at once, not a hang.
    let started = std::time::Instant::now();
    let output = contrail()
        .args(["registry", "ls", "--registry", "http://127.0.0.1:1"])
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains("cannot reach the registry at http://127.0.0.1:1"),
        "{output:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));

    // Without --registry and outside a catalog: what to pass.
    let empty = tempfile::tempdir().expect("tempdir");
    let output = contrail()
        .current_dir(empty.path())
        .args(["registry", "ls"])
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains("pass --registry URL"),
        "{output:?}"
    );
}

#[test]
fn delete_on_a_terminal_asks_and_takes_no_for_an_answer() {
    let shop = Shop::start();
    let client = Client::new(shop.base());
    // `script` gives the command a terminal; the answer is typed into it.
    let on_a_terminal = |answer: &str, target: &str| -> Output {
        let command = format!(
            "{} registry delete {target} --registry {}",
            contrail_e2e::contrail_bin().display(),
            shop.base()
        );
        let mut child = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("script (util-linux) runs");
        let mut stdin = child.stdin.take().expect("stdin");
        std::io::Write::write_all(&mut stdin, answer.as_bytes()).expect("answer");
        let output = child.wait_with_output().expect("finishes");
        drop(stdin);
        output
    };
    let output = on_a_terminal("n\n", "shop.orders-value@1");
    let text = String::from_utf8_lossy(&output.stdout).replace(shop.base(), "[REGISTRY]");
    assert!(
        text.contains("soft-delete shop.orders-value version 1 in [REGISTRY]? [y/N]"),
        "{text}"
    );
    assert!(text.contains("nothing deleted"), "{text}");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        client.versions("shop.orders-value").expect("versions"),
        [1, 2]
    );

    let output = on_a_terminal("y\n", "shop.orders-value@1");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("soft-deleted shop.orders-value version 1"),
        "{output:?}"
    );
    assert_eq!(client.versions("shop.orders-value").expect("versions"), [2]);
}

#[test]
fn protobuf_versions_are_shown_as_text_and_diffed_with_a_verdict() {
    let shop = Shop::empty();
    let client = Client::new(shop.base());
    let proto = |fields: &str| SchemaRequest {
        schema: format!("syntax = \"proto3\";\npackage shop;\n\nmessage Refund {{\n{fields}}}\n"),
        schema_type: SchemaType::Protobuf,
        references: Vec::new(),
    };
    client
        .register("shop.refunds-value", &proto("  string order_id = 1;\n"))
        .expect("v1");
    client
        .register(
            "shop.refunds-value",
            &proto("  string order_id = 1;\n  int64 amount = 2;\n"),
        )
        .expect("v2");

    let output = shop.run(&["show", "shop.refunds-value@1"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = shop.text(&output);
    assert!(text.contains("type           PROTOBUF\n"), "{text}");
    assert!(text.contains("message Refund {"), "{text}");
    let shown = stdout_json(&shop.run(&["show", "shop.refunds-value", "-f", "json"]));
    assert!(
        shown["schema"]
            .as_str()
            .expect("the text")
            .contains("int64 amount = 2;"),
        "{shown}"
    );

    // The registry stores Confluent's text of the schema: indented, type names qualified.
    let output = shop.run(&["diff", "shop.refunds-value", "1", "2"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = shop.text(&output);
    assert!(text.contains("+  int64 amount = 2;\n"), "{text}");
    assert!(
        text.contains("diff: shop.refunds-value version 2 is compatible with version 1"),
        "{text}"
    );

    // An incompatible change, registered under NONE, is found by the same rules the
    // registry applies.
    request(
        "PUT",
        &format!("{}/config/shop.refunds-value", shop.base()),
        &[("Content-Type", MEDIA_TYPE)],
        r#"{"compatibility":"NONE"}"#,
        Duration::from_secs(10),
    )
    .ok();
    client
        .register(
            "shop.refunds-value",
            &proto("  int64 order_id = 1;\n  int64 amount = 2;\n"),
        )
        .expect("v3");
    let output = shop.run(&[
        "diff",
        "shop.refunds-value",
        "2",
        "3",
        "--level",
        "BACKWARD",
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = shop.text(&output);
    assert!(text.contains("FIELD_SCALAR_KIND_CHANGED"), "{text}");
    assert!(text.contains("NOT compatible"), "{text}");
}
