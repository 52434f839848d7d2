//! `contrail registry push` and `contrail registry pull` end to end: the shop example pushed to
//! the real registry binary on an ephemeral port with SQLite in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::Output;

use contrail_e2e::{RegistryProcess, contrail, copy_dir, repo_root};
use contrail_registry::client::Client;
use contrail_registry::model::{Reference, ResolvedReference, SchemaType, VersionSelector};
use serde_json::Value;

/// A running registry, killed when dropped.
struct Registry {
    process: RegistryProcess,
    _dir: tempfile::TempDir,
}

impl Registry {
    fn start() -> Registry {
        let dir = tempfile::tempdir().expect("tempdir");
        let process = contrail_e2e::start_registry(&dir.path().join("registry.db"), &[]);
        Registry { process, _dir: dir }
    }

    fn base(&self) -> &str {
        &self.process.base
    }

    fn client(&self) -> Client {
        Client::new(self.base())
    }

    /// Every subject with its live versions.
    fn versions(&self) -> Vec<(String, Vec<i64>)> {
        let client = self.client();
        client
            .subjects()
            .expect("subjects")
            .into_iter()
            .map(|s| {
                let versions = client.versions(&s).expect("versions");
                (s, versions)
            })
            .collect()
    }
}

fn shop() -> PathBuf {
    repo_root().join("examples/shop")
}

fn push(catalog: &Path, registry: &Registry, extra: &[&str]) -> Output {
    contrail()
        .args(["registry", "push"])
        .arg(catalog)
        .args(["--registry", registry.base(), "--format", "json"])
        .args(extra)
        .output()
        .expect("runs")
}

/// push's JSON report as (subject, action) pairs, and the whole list.
fn report(output: &Output) -> (Vec<(String, String)>, Vec<Value>) {
    let entries: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let actions = entries
        .iter()
        .map(|e| {
            (
                e["subject"].as_str().unwrap_or("").to_owned(),
                e["action"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    (actions, entries)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

const SUBJECTS: [&str; 6] = [
    "com.shop.Money",
    "shop.inventory-value",
    "shop.orders-value",
    "shop.payments-value",
    "shop.shipments-value",
    "shop.stock-value",
];

#[test]
fn push_registers_every_event_schema_with_its_references() {
    let registry = Registry::start();
    let output = push(&shop(), &registry, &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let (actions, entries) = report(&output);
    assert_eq!(
        actions,
        pairs(&[
            ("com.shop.Money", "new_subject"),
            ("shop.inventory-value", "new_subject"),
            ("shop.orders-value", "new_subject"),
            ("shop.shipments-value", "new_subject"),
            ("shop.payments-value", "new_subject"),
            ("shop.stock-value", "new_subject"),
        ])
    );
    assert_eq!(entries[2]["event"], "OrderPlaced");
    assert_eq!(entries[2]["version"], 1);
    assert!(entries[2]["id"].as_i64().is_some());
    assert_eq!(entries[0]["event"], Value::Null);

    let client = registry.client();
    let mut subjects = client.subjects().expect("subjects");
    subjects.sort();
    assert_eq!(subjects, SUBJECTS);
    let latest = |s: &str| client.version(s, VersionSelector::Latest).expect(s);
    assert_eq!(latest("shop.inventory-value").schema_type, SchemaType::Json);
    for subject in [
        "com.shop.Money",
        "shop.orders-value",
        "shop.payments-value",
        "shop.shipments-value",
    ] {
        assert_eq!(latest(subject).schema_type, SchemaType::Avro, "{subject}");
    }
    let money = Reference {
        name: "com.shop.Money".to_owned(),
        subject: "com.shop.Money".to_owned(),
        version: 1,
    };
    let expected = vec![money];
    assert_eq!(latest("shop.orders-value").references, expected);
    assert_eq!(latest("shop.payments-value").references, expected);
    assert!(latest("shop.shipments-value").references.is_empty());
    assert!(latest("com.shop.Money").references.is_empty());

    // The human report: one line per subject with the action, id and version.
    let registry2 = Registry::start();
    let human = contrail()
        .args(["registry", "push"])
        .arg(shop())
        .args(["--registry", registry2.base()])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(0), "{text}");
    assert!(
        text.contains("new subject            shop.orders-value (OrderPlaced): id 3, version 1"),
        "{text}"
    );
    assert!(
        text.contains("com.shop.Money (type referenced by OrderPlaced, PaymentProcessed)"),
        "{text}"
    );
}

#[test]
fn pushing_again_changes_nothing() {
    let registry = Registry::start();
    assert_eq!(push(&shop(), &registry, &[]).status.code(), Some(0));
    let before = registry.versions();
    for extra in [&[][..], &["--dry-run"][..]] {
        let output = push(&shop(), &registry, extra);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let (actions, _) = report(&output);
        assert_eq!(actions.len(), SUBJECTS.len());
        assert!(
            actions.iter().all(|(_, action)| action == "unchanged"),
            "{actions:?}"
        );
    }
    assert_eq!(registry.versions(), before);
    assert!(
        before.iter().all(|(_, versions)| versions == &[1]),
        "{before:?}"
    );
}

#[test]
fn dry_run_against_an_empty_registry_registers_nothing() {
    let registry = Registry::start();
    let output = push(&shop(), &registry, &["--dry-run"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let (actions, _) = report(&output);
    assert_eq!(actions.len(), SUBJECTS.len());
    assert!(
        actions.iter().all(|(_, action)| action == "new_subject"),
        "{actions:?}"
    );
    assert!(registry.client().subjects().expect("subjects").is_empty());
}

#[test]
fn a_breaking_change_is_reported_and_not_registered() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("shop");
    copy_dir(&shop(), &catalog);
    std::fs::copy(
        repo_root().join("tests/fixtures/check/shop-v1/schemas/order-shipped.avsc"),
        catalog.join("schemas/order-shipped.avsc"),
    )
    .expect("copy v1");
    assert_eq!(push(&catalog, &registry, &[]).status.code(), Some(0));

    copy_dir(&shop().join("schemas"), &catalog.join("schemas"));
    for extra in [&["--dry-run"][..], &[][..]] {
        let output = push(&catalog, &registry, extra);
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let (actions, entries) = report(&output);
        let shipped = entries
            .iter()
            .find(|e| e["subject"] == "shop.shipments-value")
            .expect("shipments entry");
        assert_eq!(shipped["action"], "incompatible", "{shipped}");
        let messages = shipped["messages"].to_string();
        assert!(
            messages.contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                && messages.contains("warehouse"),
            "{messages}"
        );
        assert_eq!(
            actions
                .iter()
                .filter(|(_, action)| action != "unchanged")
                .count(),
            1,
            "{actions:?}"
        );
    }
    assert_eq!(
        registry
            .client()
            .versions("shop.shipments-value")
            .expect("versions"),
        [1]
    );

    let human = contrail()
        .args(["registry", "push"])
        .arg(&catalog)
        .args(["--registry", registry.base()])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(1), "{text}");
    assert!(
        text.contains("incompatible           shop.shipments-value (OrderShipped)"),
        "{text}"
    );
    assert!(text.contains("warehouse"), "{text}");
}

#[test]
fn push_without_a_registry_cannot_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("shop");
    copy_dir(&shop(), &catalog);
    let config = catalog.join("contrail.yaml");
    let text = std::fs::read_to_string(&config).expect("config");
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("registry:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&config, without).expect("write");
    let output = contrail()
        .args(["registry", "push"])
        .arg(&catalog)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("--registry"));
}

#[test]
fn push_uses_the_catalogs_registry_url() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("shop");
    copy_dir(&shop(), &catalog);
    let config = catalog.join("contrail.yaml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        text.replace("http://localhost:8081", registry.base()),
    )
    .expect("write");
    let output = contrail()
        .args(["registry", "push"])
        .arg(&catalog)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        registry.client().subjects().expect("subjects").len(),
        SUBJECTS.len()
    );
}

/// The canonical form the registry gives `text` (with Avro references resolved from `refs`).
fn canonical(schema_type: SchemaType, text: &str, refs: &[&str]) -> String {
    let resolved: Vec<ResolvedReference> = refs
        .iter()
        .map(|text| ResolvedReference {
            reference: Reference {
                name: "r".to_owned(),
                subject: "r".to_owned(),
                version: 1,
            },
            version: 1,
            schema: contrail_registry::model::StoredSchema {
                id: 0,
                schema_type: SchemaType::Avro,
                schema: (*text).to_owned(),
                references: Vec::new(),
            },
        })
        .collect();
    contrail_registry::canonical::parse(schema_type, text, Vec::new(), &resolved, false)
        .unwrap_or_else(|e| panic!("{e:?}: {text}"))
        .schema
        .canonical
}

#[test]
fn pull_writes_one_file_per_subject_equal_to_what_was_pushed() {
    let registry = Registry::start();
    assert_eq!(push(&shop(), &registry, &[]).status.code(), Some(0));
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("pulled");
    let pull = |extra: &[&str]| {
        contrail()
            .args(["registry", "pull", "--registry", registry.base(), "--out"])
            .arg(&dir)
            .args(extra)
            .output()
            .expect("runs")
    };
    let output = pull(&[]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("out dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "com.shop.Money.avsc",
            "shop.inventory-value.json",
            "shop.orders-value.avsc",
            "shop.payments-value.avsc",
            "shop.shipments-value.avsc",
            "shop.stock-value.proto",
        ]
    );
    assert!(
        text.contains("shop.orders-value.avsc (shop.orders-value version 1"),
        "{text}"
    );

    let schemas = shop().join("schemas");
    let read = |path: PathBuf| std::fs::read_to_string(&path).expect("readable");
    let money = read(schemas.join("money.avsc"));
    for (file, local, schema_type, refs) in [
        (
            "com.shop.Money.avsc",
            "money.avsc",
            SchemaType::Avro,
            vec![],
        ),
        (
            "shop.inventory-value.json",
            "inventory-reserved.json",
            SchemaType::Json,
            vec![],
        ),
        (
            "shop.orders-value.avsc",
            "order-placed.avsc",
            SchemaType::Avro,
            vec![money.as_str()],
        ),
        (
            "shop.payments-value.avsc",
            "payment-processed.avsc",
            SchemaType::Avro,
            vec![money.as_str()],
        ),
        (
            "shop.shipments-value.avsc",
            "order-shipped.avsc",
            SchemaType::Avro,
            vec![],
        ),
    ] {
        let pulled = read(dir.join(file));
        let _: Value = serde_json::from_str(&pulled).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(pulled.contains("\n  "), "{file} is pretty-printed");
        assert_eq!(
            canonical(schema_type, &pulled, &refs),
            canonical(schema_type, &read(schemas.join(local)), &refs),
            "{file}"
        );
    }

    // Pulling again writes nothing; a changed file is not overwritten without --force.
    assert_eq!(pull(&[]).status.code(), Some(0));
    std::fs::write(dir.join("com.shop.Money.avsc"), "{}").expect("write");
    let refused = pull(&[]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(read(dir.join("com.shop.Money.avsc")), "{}");
    assert_eq!(pull(&["--force"]).status.code(), Some(0));
    assert_ne!(read(dir.join("com.shop.Money.avsc")), "{}");

    // --subject keeps the subjects with a prefix.
    let only = out.path().join("only");
    let output = contrail()
        .args([
            "registry",
            "pull",
            "--registry",
            registry.base(),
            "--subject",
            "com.",
            "--out",
        ])
        .arg(&only)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(std::fs::read_dir(&only).expect("dir").count(), 1);
}

#[test]
fn a_changed_referenced_type_gives_its_users_new_versions() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("shop");
    copy_dir(&shop(), &catalog);
    assert_eq!(push(&catalog, &registry, &[]).status.code(), Some(0));

    let money = catalog.join("schemas/money.avsc");
    let text = std::fs::read_to_string(&money).expect("money");
    let changed = text.replace(
        r#"{ "name": "currency", "type": "string", "doc": "ISO 4217 code, e.g. EUR." }"#,
        r#"{ "name": "currency", "type": "string", "doc": "ISO 4217 code, e.g. EUR." },
    { "name": "rounded", "type": "boolean", "default": false }"#,
    );
    assert_ne!(changed, text);
    std::fs::write(&money, changed).expect("write");

    let dry = push(&catalog, &registry, &["--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{dry:?}");
    let (actions, _) = report(&dry);
    let expected = pairs(&[
        ("com.shop.Money", "new_version"),
        ("shop.inventory-value", "unchanged"),
        ("shop.orders-value", "new_version"),
        ("shop.shipments-value", "unchanged"),
        ("shop.payments-value", "new_version"),
        ("shop.stock-value", "unchanged"),
    ]);
    assert_eq!(actions, expected);
    assert_eq!(
        registry
            .client()
            .versions("com.shop.Money")
            .expect("versions"),
        [1]
    );

    let output = push(&catalog, &registry, &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(report(&output).0, expected);
    let client = registry.client();
    let orders = client
        .version("shop.orders-value", VersionSelector::Latest)
        .expect("orders");
    assert_eq!(orders.version, 2);
    assert_eq!(
        orders.references,
        [Reference {
            name: "com.shop.Money".to_owned(),
            subject: "com.shop.Money".to_owned(),
            version: 2,
        }]
    );
}

#[test]
fn proto_imports_are_registered_as_references_and_a_second_push_changes_nothing() {
    // The plan's fixture: stock.proto imports common/money.proto, which imports
    // common/currency.proto; refund.proto imports currency only.
    let catalog = repo_root().join("registry/tests/fixtures/push/proto");
    let registry = Registry::start();
    let first = push(&catalog, &registry, &[]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let (actions, _) = report(&first);
    assert_eq!(
        actions,
        pairs(&[
            ("common/currency.proto", "new_subject"),
            ("common/money.proto", "new_subject"),
            ("t.refund-value", "new_subject"),
            ("t.stock-value", "new_subject"),
        ])
    );
    let stock = registry
        .client()
        .version("t.stock-value", VersionSelector::Latest)
        .expect("t.stock-value is registered");
    assert_eq!(stock.schema_type, SchemaType::Protobuf);
    assert_eq!(
        stock.references,
        [Reference {
            name: "common/money.proto".to_owned(),
            subject: "common/money.proto".to_owned(),
            version: 1,
        }]
    );
    let again = push(&catalog, &registry, &[]);
    let (actions, _) = report(&again);
    assert!(
        actions.iter().all(|(_, action)| action == "unchanged"),
        "{actions:?}"
    );
}

/// JSON Schema events whose `$ref`s name other catalog files: the files are registered under
/// the names the `$ref`s write and referenced by them, a second push changes nothing,
/// `check --against` the registry sees no change, and a catalog `init --from-registry` builds
/// from it pushes back unchanged.
#[test]
fn json_schema_refs_are_registered_as_references_and_round_trip() {
    // The plan's fixture, without the event that `$ref`s a file by a second name.
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("json");
    copy_dir(
        &repo_root().join("registry/tests/fixtures/push/json"),
        &catalog,
    );
    std::fs::remove_file(catalog.join("events/legacy.yaml")).expect("removes legacy");
    let registry = Registry::start();
    let first = push(&catalog, &registry, &[]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    assert_eq!(
        report(&first).0,
        pairs(&[
            ("country.json", "new_subject"),
            ("address.json", "new_subject"),
            ("t.customer-value", "new_subject"),
            ("t.order-value", "new_subject"),
        ])
    );
    let reference = |name: &str| Reference {
        name: name.to_owned(),
        subject: name.to_owned(),
        version: 1,
    };
    let order = registry
        .client()
        .version("t.order-value", VersionSelector::Latest)
        .expect("t.order-value is registered");
    assert_eq!(order.schema_type, SchemaType::Json);
    assert_eq!(
        order.references,
        [reference("address.json"), reference("country.json")]
    );

    let unchanged = |catalog: &Path| {
        let again = push(catalog, &registry, &[]);
        let (actions, _) = report(&again);
        assert!(
            actions.iter().all(|(_, action)| action == "unchanged"),
            "{actions:?}"
        );
    };
    unchanged(&catalog);
    let check = contrail()
        .arg("check")
        .arg(&catalog)
        .args(["--against", registry.base()])
        .output()
        .expect("runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(
        said.contains("0 changed schemas checked, 2 unchanged"),
        "{said}"
    );

    let rebuilt = dir.path().join("rebuilt");
    let init = contrail()
        .arg("init")
        .arg(&rebuilt)
        .args(["--from-registry", registry.base()])
        .output()
        .expect("runs");
    assert!(init.status.success(), "{init:?}");
    unchanged(&rebuilt);
}
