//! SARIF output, validated against the OASIS SARIF 2.1.0 JSON schema: what GitHub code
//! scanning and other SARIF consumers ingest from `validate`, `lint` and `check`.
//!
//! The schema is vendored in `tests/fixtures/sarif/` (where it came from is in the README
//! beside it).

use std::path::Path;
use std::sync::OnceLock;

use contrail_e2e::{contrail, corpus_dir, repo_root};
use serde_json::Value;

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        // Vendored so the suite needs no download; see the README beside it.
        let path = repo_root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read the SARIF schema {}: {e}", path.display()));
        // The published schema's `language` pattern has a stray `]`, a literal in ECMA-262
        // regexes but rejected by the Rust regex engine the validator checks patterns with;
        // escaping it keeps the meaning and lets the schema compile.
        let text = text.replace(
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
        );
        let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
        assert_eq!(
            schema["title"], "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema",
            "tests/fixtures/sarif holds the SARIF 2.1.0 schema"
        );
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("the SARIF schema does not compile: {e}"))
    })
}

/// Parses `stdout` as SARIF and fails with every schema violation when it is not valid.
fn valid_sarif(what: &str, stdout: &[u8]) -> Value {
    let document: Value = serde_json::from_slice(stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: SARIF output is not JSON: {e}\n{}",
            String::from_utf8_lossy(stdout)
        )
    });
    let violations: Vec<String> = validator()
        .iter_errors(&document)
        .map(|error| format!("{} at {}", error, error.instance_path().as_str()))
        .collect();
    assert!(
        violations.is_empty(),
        "{what}: SARIF output violates the SARIF 2.1.0 schema:\n{}",
        violations.join("\n")
    );
    document
}

fn results(document: &Value) -> &Vec<Value> {
    document["runs"][0]["results"]
        .as_array()
        .expect("a run with results")
}

fn rule_ids(document: &Value) -> Vec<&str> {
    results(document)
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect()
}

#[test]
fn validate_sarif_is_valid_for_every_diagnostic_code() {
    let fixtures = repo_root().join("tests/fixtures/validate");
    let mut cases: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("fixtures exist")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    for case in &cases {
        let output = contrail()
            .current_dir(&fixtures)
            .args(["validate", "--format", "sarif", case])
            .output()
            .expect("contrail runs");
        let document = valid_sarif(case, &output.stdout);
        assert!(
            rule_ids(&document).contains(&&case[..5]),
            "{case}: the SARIF results carry its code: {:?}",
            rule_ids(&document)
        );
    }
}

#[test]
fn lint_sarif_is_valid_and_links_each_rule_to_its_generated_page() {
    let output = contrail()
        .current_dir(repo_root())
        .args(["lint", "--format", "sarif", "examples/shop"])
        .output()
        .expect("contrail runs");
    let document = valid_sarif("lint examples/shop", &output.stdout);
    assert!(
        rule_ids(&document).contains(&"CL502"),
        "the shop's deliberate missing dead-letter topic is reported"
    );
    let rules = document["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for rule in rules {
        let id = rule["id"].as_str().expect("rule id");
        let help = rule["helpUri"].as_str().expect("every rule has a help URI");
        let page = help
            .split_once("/blob/main/")
            .map(|(_, page)| page)
            .unwrap_or_else(|| panic!("{id}: help URI {help} points into the repository"));
        let page = page.split('#').next().unwrap_or(page);
        assert!(
            repo_root().join(page).is_file(),
            "{id}: help URI {help} names {page}, which does not exist"
        );
    }
}

#[test]
fn lint_sarif_is_valid_on_the_asyncapi_corpus() {
    let corpus = corpus_dir();
    let mut documents = Vec::new();
    collect_documents(&corpus, &mut documents);
    documents.sort();
    assert!(
        documents.len() >= 50,
        "the AsyncAPI corpus is beside the checkout ({})",
        corpus.display()
    );
    let mut with_findings = 0;
    for document in &documents {
        let output = contrail()
            .current_dir(&corpus)
            .args(["lint", "--format", "sarif"])
            .arg(document)
            .output()
            .expect("contrail runs");
        let sarif = valid_sarif(&document.display().to_string(), &output.stdout);
        if !results(&sarif).is_empty() {
            with_findings += 1;
        }
    }
    assert!(with_findings > 10, "most corpus documents have findings");
}

fn collect_documents(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("corpus directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_documents(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) && std::fs::read_to_string(&path).is_ok_and(|t| t.contains("asyncapi"))
        {
            out.push(path);
        }
    }
}

#[test]
fn check_sarif_is_valid_with_compatibility_breaks() {
    let repo = super::check::shop_history();
    let output = contrail()
        .current_dir(repo.path())
        .args([
            "check",
            "shop",
            "--against",
            "git:HEAD~1",
            "--format",
            "sarif",
        ])
        .output()
        .expect("contrail runs");
    let document = valid_sarif("check --against git:HEAD~1", &output.stdout);
    assert!(
        rule_ids(&document).iter().any(|id| id.starts_with("CC")),
        "the breaking OrderShipped change is a result: {:?}",
        rule_ids(&document)
    );
    // Who the changes reach, in the run's property bag.
    let impacted: Vec<&str> = document["runs"][0]["properties"]["impact"]
        .as_array()
        .expect("run.properties.impact")
        .iter()
        .filter_map(|i| i["event"].as_str())
        .collect();
    assert_eq!(impacted, ["OrderShipped", "PaymentProcessed"]);
}

#[test]
fn file_names_that_are_not_uri_safe_are_percent_encoded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = dir.path().join("my catalog");
    let events = catalog.join("évènements");
    std::fs::create_dir_all(&events).expect("mkdir");
    std::fs::write(catalog.join("contrail.yaml"), "catalog: spaces\n").expect("write");
    std::fs::write(
        events.join("order placed#1.yaml"),
        "event: OrderPlaced\nversion: 1\nunknown_key: true\n",
    )
    .expect("write");
    let output = contrail()
        .current_dir(dir.path())
        .args(["validate", "--format", "sarif", "my catalog"])
        .output()
        .expect("contrail runs");
    let document = valid_sarif("a path with spaces", &output.stdout);
    let uris: Vec<&str> = results(&document)
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(
        uris.contains(&"my%20catalog/%C3%A9v%C3%A8nements/order%20placed%231.yaml"),
        "{uris:?}"
    );
}

#[test]
fn check_sarif_is_valid_with_observed_drift() {
    let output = contrail()
        .current_dir(repo_root())
        .args([
            "check",
            "examples/shop",
            "--observed",
            "tests/fixtures/observed/shop-trace.json",
            "--format",
            "sarif",
        ])
        .output()
        .expect("contrail runs");
    assert_eq!(output.status.code(), Some(1));
    let document = valid_sarif("check --observed", &output.stdout);
    let mut drift: Vec<&str> = rule_ids(&document)
        .into_iter()
        .filter(|id| id.starts_with("CO"))
        .collect();
    drift.sort_unstable();
    assert_eq!(
        drift,
        ["CO001", "CO002", "CO003", "CO003", "CO010", "CO014"]
    );
    let undeclared = results(&document)
        .iter()
        .find(|r| r["ruleId"] == "CO001")
        .expect("the undeclared edge is a result");
    assert_eq!(undeclared["level"], "error");
    assert_eq!(
        undeclared["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "examples/shop/asyncapi/shipping.yaml"
    );
    assert_eq!(
        undeclared["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/fixtures/observed/shop-trace.json"
    );
    // Each drift code's rule links to its generated page.
    let rules = document["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for rule in rules
        .iter()
        .filter(|r| r["id"].as_str().is_some_and(|id| id.starts_with("CO")))
    {
        let help = rule["helpUri"].as_str().expect("help URI");
        let page = help.split_once("/blob/main/").map_or("", |(_, p)| p);
        assert!(repo_root().join(page).is_file(), "{help}");
    }
}
