//! `contrail init DIR --from-registry URL` end to end: the shop pushed to the real registry
//! binary on an ephemeral port, rebuilt as a catalog from it, compared with the original, run
//! again, edited by hand, and fed the bad inputs a team meets.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use contrail_contracts::model::{CompatibilityMode, Event};
use contrail_contracts::{Catalog, LoadOptions, load_catalog, validate};
use contrail_e2e::http::{MEDIA_TYPE, request};
use contrail_e2e::{RegistryProcess, contrail, repo_root, stdout_json};
use contrail_registry::client::{Client, SchemaRequest};
use contrail_registry::model::{SchemaType, VersionSelector};
use contrail_registry::push::{self, Step};
use serde_json::{Value, json};

/// A registry holding the pushed shop, with the compatibility levels its catalog declares set
/// as a team would have them: the catalog's default as the registry's, InventoryReserved's own
/// on its subject.
struct Shop {
    process: RegistryProcess,
    _dir: tempfile::TempDir,
}

impl Shop {
    fn start() -> Shop {
        let dir = tempfile::tempdir().expect("tempdir");
        let process = contrail_e2e::start_registry(&dir.path().join("registry.db"), &[]);
        let shop = Shop { process, _dir: dir };
        let pushed = contrail()
            .args(["registry", "push"])
            .arg(shop_dir())
            .args(["--registry", shop.base()])
            .output()
            .expect("runs");
        assert_eq!(pushed.status.code(), Some(0), "{pushed:?}");
        shop.set_compatibility(None, "BACKWARD_TRANSITIVE");
        shop.set_compatibility(Some("shop.inventory-value"), "FULL_TRANSITIVE");
        shop
    }

    fn base(&self) -> &str {
        &self.process.base
    }

    fn client(&self) -> Client {
        Client::new(self.base())
    }

    fn set_compatibility(&self, subject: Option<&str>, level: &str) {
        let path = subject.map_or_else(|| "/config".to_owned(), |s| format!("/config/{s}"));
        request(
            "PUT",
            &format!("{}{path}", self.base()),
            &[("Content-Type", MEDIA_TYPE)],
            &json!({ "compatibility": level }).to_string(),
            Duration::from_secs(10),
        )
        .ok();
    }

    /// `contrail init DIR --from-registry URL ARGS`.
    fn init(&self, dir: &Path, args: &[&str]) -> Output {
        init(dir, self.base(), args)
    }
}

fn shop_dir() -> PathBuf {
    repo_root().join("examples/shop")
}

fn init(dir: &Path, url: &str, args: &[&str]) -> Output {
    contrail()
        .arg("init")
        .arg(dir)
        .args(["--from-registry", url])
        .args(args)
        .stdin(Stdio::null())
        .env_remove("CONTRAIL_REGISTRY_USER_INFO")
        .env_remove("CONTRAIL_REGISTRY_TOKEN")
        .output()
        .expect("runs")
}

/// The entry of `event` in init's JSON report.
fn reported_event<'r>(report: &'r Value, event: &str) -> &'r Value {
    report["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["event"] == event)
        .unwrap_or_else(|| panic!("{event} in {report}"))
}

/// The subjects of the events an init report lists.
fn event_subjects(report: &Value) -> Vec<&str> {
    report["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["subject"].as_str())
        .collect()
}

/// An Avro record `namespace.name` with one string field.
fn record(namespace: &str, name: &str, field: &str) -> SchemaRequest {
    SchemaRequest::avro(
        json!({"type": "record", "name": name, "namespace": namespace,
               "fields": [{"name": field, "type": "string"}]})
        .to_string(),
    )
}

fn load(dir: &Path) -> Catalog {
    let loaded = load_catalog(dir, LoadOptions::default()).expect("loads");
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == contrail_contracts::diagnostic::Severity::Error)
        .map(|d| format!("{:?}: {}", d.location, d.message))
        .collect();
    assert_eq!(
        errors,
        Vec::<String>::new(),
        "{} loads without errors",
        dir.display()
    );
    loaded.catalog
}

/// Every file under `dir` and its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).expect("reads") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("reads");
                out.insert(path.strip_prefix(dir).expect("inside").to_path_buf(), bytes);
            }
        }
    }
    out
}

/// An event's compatibility: its own, else the catalog's default.
fn compatibility(catalog: &Catalog, event: &Event) -> Option<CompatibilityMode> {
    event
        .compatibility
        .as_ref()
        .or(catalog.config.defaults.compatibility.as_ref())
        .map(|c| c.value)
}

/// What pushing a catalog registers: subject → (schema type, subjects referenced).
fn pushed_subjects(catalog: &Catalog) -> BTreeMap<String, (SchemaType, Vec<String>)> {
    push::plan(catalog)
        .steps
        .into_iter()
        .filter_map(|step| match step {
            Step::Push(p) => Some((p.subject, (p.schema_type, p.references))),
            Step::Skip(_) => None,
        })
        .collect()
}

#[test]
fn the_shop_comes_back_from_its_registry() {
    let shop = Shop::start();
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("shop");
    let output = shop.init(&dir, &["--name", "shop"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = String::from_utf8_lossy(&output.stdout)
        .replace(shop.base(), "[REGISTRY]")
        .replace(&dir.display().to_string(), "[DIR]");
    insta::assert_snapshot!("init_from_registry_shop_report", report);

    // The shop has a deliberate mistake (an example that does not match its schema): loaded
    // as it is, not asserted clean.
    let original = load_catalog(&shop_dir(), LoadOptions::default())
        .expect("loads")
        .catalog;
    let rebuilt = load(&dir);
    // The shop's AsyncAPI documents declare no subject: they are not in the registry.
    let registered: Vec<&Event> = original
        .events
        .iter()
        .filter(|e| validate::subject_of(&original, e).is_some() && e.schema.is_some())
        .filter(|e| e.origin == contrail_contracts::model::Origin::Native)
        .collect();
    assert_eq!(registered.len(), 5);
    for event in registered {
        let name = &event.name.value;
        let again = rebuilt
            .events
            .iter()
            .find(|e| e.name.value == *name)
            .unwrap_or_else(|| panic!("{name} is rebuilt"));
        assert_eq!(
            again.topic.as_ref().map(|t| &t.value),
            event.topic.as_ref().map(|t| &t.value),
            "{name}: topic"
        );
        assert_eq!(
            validate::subject_of(&rebuilt, again),
            validate::subject_of(&original, event),
            "{name}: subject"
        );
        assert_eq!(
            compatibility(&rebuilt, again),
            compatibility(&original, event),
            "{name}: compatibility"
        );
    }
    // The same subjects with the same references...
    assert_eq!(pushed_subjects(&rebuilt), pushed_subjects(&original));
    // ...and the same schemas: pushing the rebuilt catalog registers nothing new (push
    // compares canonical forms).
    let pushed = contrail()
        .args([
            "registry",
            "push",
            "--format",
            "json",
            "--registry",
            shop.base(),
        ])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(pushed.status.code(), Some(0), "{pushed:?}");
    let actions: Vec<(String, String)> = stdout_json(&pushed)
        .as_array()
        .expect("list")
        .iter()
        .map(|e| {
            (
                e["subject"].as_str().unwrap_or("-").to_owned(),
                e["action"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    assert_eq!(actions.len(), 6, "{actions:?}");
    assert!(
        actions.iter().all(|(_, action)| action == "unchanged"),
        "{actions:?}"
    );

    // `contrail validate` agrees: no errors.
    let validated = contrail().arg("validate").arg(&dir).output().expect("runs");
    assert_eq!(validated.status.code(), Some(0), "{validated:?}");

    // A second run against the unchanged registry changes nothing, byte for byte.
    let before = files(&dir);
    let again = shop.init(&dir, &["--format", "json"]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert_eq!(files(&dir), before);
    let report = stdout_json(&again);
    assert_eq!(report["updated_catalog"], json!(true));
    let files_report = report["files"].as_array().expect("files");
    // Every file but contrail.yaml, which init writes only once.
    assert_eq!(files_report.len(), before.len() - 1, "{files_report:?}");
    assert!(
        files_report.iter().all(|f| f["action"] == "unchanged"),
        "{files_report:?}"
    );
    // The report says what the registry could not.
    let order = reported_event(&report, "OrderPlaced");
    assert_eq!(order["missing"], json!(["owner", "producers", "consumers"]));
    assert_eq!(order["subject"], "shop.orders-value");
    assert_eq!(order["naming"], "topic");
}

#[test]
fn hand_edits_stay_and_registry_changes_arrive() {
    let shop = Shop::start();
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("catalog");
    let first = shop.init(&dir, &[]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");

    // A person adds keys and a comment to an event file.
    let event_file = dir.join("events/shop.orders-value.yaml");
    let mut text = std::fs::read_to_string(&event_file).expect("reads");
    text.push_str("owner: team-orders   # who to ask\nkind: domain\n");
    std::fs::write(&event_file, &text).expect("writes");

    // The registry moves on: a new version, a key schema and a new subject.
    let client = shop.client();
    let orders = client
        .version("shop.orders-value", VersionSelector::Latest)
        .expect("orders");
    let mut schema: Value = serde_json::from_str(&orders.schema).expect("JSON");
    schema["fields"]
        .as_array_mut()
        .expect("fields")
        .push(json!({"name": "giftNote", "type": ["null", "string"], "default": null}));
    client
        .register(
            "shop.orders-value",
            &SchemaRequest {
                schema: schema.to_string(),
                schema_type: SchemaType::Avro,
                references: orders.references.clone(),
            },
        )
        .expect("orders v2");
    client
        .register("shop.orders-key", &SchemaRequest::avro("\"string\""))
        .expect("key");
    client
        .register(
            "shop.refunds-value",
            &record("com.shop", "RefundIssued", "orderId"),
        )
        .expect("refunds");

    let second = shop.init(&dir, &["--format", "json"]);
    assert_eq!(second.status.code(), Some(0), "{second:?}");
    let edited = std::fs::read_to_string(&event_file).expect("reads");
    assert!(
        edited.contains("owner: team-orders   # who to ask\nkind: domain\n"),
        "{edited}"
    );
    assert!(
        edited.contains("x-key-schema: ../schemas/shop.orders-key.avsc"),
        "{edited}"
    );
    let schema =
        std::fs::read_to_string(dir.join("schemas/shop.orders-value.avsc")).expect("reads");
    assert!(schema.contains("giftNote"), "{schema}");
    assert!(dir.join("events/shop.refunds-value.yaml").is_file());

    let report = stdout_json(&second);
    let action = |path: &str| {
        report["files"]
            .as_array()
            .expect("files")
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["action"].as_str().unwrap_or("").to_owned())
    };
    let actions: Vec<Option<String>> = [
        "schemas/shop.orders-value.avsc",
        "events/shop.orders-value.yaml",
        "events/shop.refunds-value.yaml",
        "events/shop.payments-value.yaml",
    ]
    .into_iter()
    .map(action)
    .collect();
    let expected = ["updated", "updated", "created", "unchanged"].map(|a| Some(a.to_owned()));
    assert_eq!(actions, expected);
    let order = reported_event(&report, "OrderPlaced");
    assert_eq!(order["version"], json!(2));
    assert_eq!(order["key_subject"], "shop.orders-key");
    // The owner the person declared is no longer asked for.
    assert_eq!(order["missing"], json!(["producers", "consumers"]));
    let rebuilt = load(&dir);
    assert!(
        rebuilt
            .events
            .iter()
            .any(|e| e.name.value == "RefundIssued")
    );
}

#[test]
fn an_unreachable_registry_is_an_error_and_nothing_is_written() {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("catalog");
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let output = init(&dir, &url, &[]);
    assert_ne!(output.status.code(), Some(0), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&url), "{stderr}");
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert!(!dir.exists());

    // One that accepts connections and never answers: an error within the timeout, no hang.
    let silent = TcpListener::bind("127.0.0.1:0").expect("binds");
    let url = format!("http://{}", silent.local_addr().expect("address"));
    let started = Instant::now();
    let output = init(&dir, &url, &[]);
    assert_ne!(output.status.code(), Some(0), "{output:?}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert!(!dir.exists());
    drop(silent);
}

#[test]
fn a_directory_with_other_files_needs_force() {
    let shop = Shop::start();
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("busy");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("notes.txt"), "mine\n").expect("writes");
    let output = shop.init(&dir, &[]);
    assert_ne!(output.status.code(), Some(0), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not empty"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(
        files(&dir).into_keys().collect::<Vec<_>>(),
        vec![PathBuf::from("notes.txt")]
    );

    let forced = shop.init(&dir, &["--force"]);
    assert_eq!(forced.status.code(), Some(0), "{forced:?}");
    assert!(dir.join("contrail.yaml").is_file());
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).expect("reads"),
        "mine\n"
    );
}

#[test]
fn subjects_whose_files_collide_are_left_out_and_reported() {
    let shop = Shop::start();
    let client = shop.client();
    let record = |name: &str| {
        SchemaRequest::avro(
            json!({"type": "record", "name": name, "namespace": "com.other",
                   "fields": [{"name": "id", "type": "string"}]})
            .to_string(),
        )
    };
    // Both subjects become the file name `other_a-value`.
    client
        .register("other/a-value", &record("A"))
        .expect("registers");
    client
        .register("other:a-value", &record("B"))
        .expect("registers");

    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("catalog");
    let output = shop.init(&dir, &["--subject-prefix", "other", "--format", "json"]);
    // Left-out subjects make the exit code 1; the rest is written.
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report = stdout_json(&output);
    let skipped: BTreeMap<&str, &str> = report["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| {
            (
                s["subject"].as_str().unwrap_or(""),
                s["reason"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let collided = skipped.get("other:a-value").expect("collision reported");
    assert!(collided.contains("other/a-value"), "{collided}");
    assert!(dir.join("events/other_a-value.yaml").is_file());
    // Only the prefix's subjects were taken.
    let events = event_subjects(&report);
    assert_eq!(events, vec!["other/a-value"]);
    load(&dir);
}

#[test]
fn a_naming_strategy_can_be_forced() {
    let shop = Shop::start();
    let client = shop.client();
    client
        .register(
            "audit-com.shop.AuditLogged",
            &record("com.shop", "AuditLogged", "id"),
        )
        .expect("registers");
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("catalog");
    let output = shop.init(
        &dir,
        &["--subject-naming", "topic-record", "--format", "json"],
    );
    // The shop's `<topic>-value` subjects do not follow topic-record: left out.
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report = stdout_json(&output);
    let events = report["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["topic"], "audit");
    assert_eq!(events[0]["naming"], "topic-record");
    let config = std::fs::read_to_string(dir.join("contrail.yaml")).expect("reads");
    assert!(config.contains("subject-naming: topic-record"), "{config}");
    let rebuilt = load(&dir);
    let audit = &rebuilt.events[0];
    assert_eq!(
        validate::subject_of(&rebuilt, audit).as_deref(),
        Some("audit-com.shop.AuditLogged")
    );
}

/// Subjects of another context (`:.eu:payments-value`, as schema linking writes them) become
/// events of their topic (`payments`) that name the qualified subject, with the key schema of
/// their own context, and push back unchanged.
#[test]
fn subjects_of_another_context_name_their_qualified_subject() {
    let shop = Shop::start();
    let client = shop.client();
    client
        .register(":.eu:payments-value", &record("eu", "Payment", "id"))
        .expect("registers");
    client
        .register(":.eu:payments-key", &record("eu", "PaymentKey", "id"))
        .expect("registers");

    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("catalog");
    let output = shop.init(&dir, &["--subject-prefix", ":.eu:", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = stdout_json(&output);
    let events = event_subjects(&report);
    assert_eq!(events, vec![":.eu:payments-value"]);
    let event = std::fs::read_to_string(dir.join("events/_.eu_payments-value.yaml"))
        .expect("the event file");
    assert!(event.contains("topic: payments\n"), "{event}");
    assert!(
        event.contains("subject: \":.eu:payments-value\"\n"),
        "{event}"
    );
    assert!(
        event.contains("x-key-schema: ../schemas/_.eu_payments-key.avsc\n"),
        "{event}"
    );
    load(&dir);

    let pushed = contrail()
        .args(["registry", "push"])
        .arg(&dir)
        .args(["--registry", shop.base(), "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(pushed.status.code(), Some(0), "{pushed:?}");
    let report = stdout_json(&pushed);
    let actions: Vec<(&str, &str)> = report
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| {
            (
                s["subject"].as_str().unwrap_or(""),
                s["action"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(actions, vec![(":.eu:payments-value", "unchanged")]);
}
