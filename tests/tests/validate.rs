//! `contrail validate` end to end: one fixture per finding code, rendered as people and
//! machines read it.

use std::path::Path;
use std::process::Output;

use contrail_contracts::codes;
use contrail_contracts::diagnostic::Family;
use contrail_e2e::{contrail, repo_root};

fn fixtures() -> std::path::PathBuf {
    repo_root().join("tests/fixtures/validate")
}

fn validate(dir: &Path, args: &[&str]) -> Output {
    contrail()
        .current_dir(dir)
        .arg("validate")
        .args(args)
        .output()
        .expect("contrail runs")
}

fn cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures exist")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_code_has_a_fixture() {
    let cases = cases();
    for code in codes::of(Family::Validation) {
        assert!(
            cases.iter().any(|c| c.starts_with(code.code)),
            "no fixture under tests/fixtures/validate/ for {} {}",
            code.code,
            code.name
        );
    }
}

/// Each fixture `CVnnn-*` reports its code, renders stably in human and JSON form, and
/// exits 1 when the code is an error.
#[test]
fn fixtures_render_each_code() {
    for case in cases() {
        let code = codes::find(&case[..5])
            .unwrap_or_else(|| panic!("{case} does not start with a known code"));
        let human = validate(&fixtures(), &["--color", "never", &case]);
        let json = validate(&fixtures(), &["--format", "json", &case]);
        let human_text = String::from_utf8_lossy(&human.stdout).into_owned();
        let json_text = String::from_utf8_lossy(&json.stdout).into_owned();
        let report: serde_json::Value = serde_json::from_str(&json_text)
            .unwrap_or_else(|e| panic!("{case}: JSON output does not parse: {e}\n{json_text}"));
        let found: Vec<&str> = report["diagnostics"]
            .as_array()
            .expect("diagnostics array")
            .iter()
            .filter_map(|d| d["code"].as_str())
            .collect();
        assert!(
            found.contains(&code.code),
            "{case}: expected {} among {found:?}",
            code.code
        );
        let has_error = report["summary"]["errors"].as_u64().unwrap_or(0) > 0;
        assert_eq!(
            human.status.code(),
            Some(if has_error { 1 } else { 0 }),
            "{case}: {human_text}"
        );
        assert_eq!(
            human.status.code(),
            json.status.code(),
            "{case}: exit codes of human and JSON runs differ"
        );
        insta::assert_snapshot!(format!("{case}.human"), human_text);
        insta::assert_snapshot!(format!("{case}.json"), json_text);
    }
}

#[test]
fn example_shop_reports_its_deliberate_mistake() {
    let output = validate(&repo_root(), &["--format", "json", "examples/shop"]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let codes: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [("CV030", "examples/shop/events/order-shipped.yaml")]
    );
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let output = validate(&fixtures(), &["--format", "sarif", "CV004-unknown-key"]);
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "contrail");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    for result in results {
        assert_eq!(result["ruleId"], "CV004");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "CV004");
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().is_some_and(|l| l >= 1));
    }
    let rule = &run["tool"]["driver"]["rules"][0];
    let page = std::fs::read_to_string(repo_root().join("docs/codes/CV004.md")).expect("page");
    assert_eq!(
        rule["help"]["markdown"],
        page.as_str(),
        "the rule carries its page"
    );
    assert!(
        rule["helpUri"]
            .as_str()
            .is_some_and(|uri| uri.ends_with("/docs/codes/CV004.md")),
        "{rule}"
    );
}

#[test]
fn gitlab_output_is_a_code_quality_report_for_every_code() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            repo_root().join("tests/fixtures/gitlab/code-quality-report.schema.json"),
        )
        .expect("the schema fixture"),
    )
    .expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    for case in cases() {
        let output = validate(&fixtures(), &["--format", "gitlab", &case]);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{case}: not JSON: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{case}: {errors:?}");
        let issues = report.as_array().expect("an array");
        assert!(!issues.is_empty(), "{case}: no issue");
        let code = case.split('-').next().unwrap_or_default();
        assert!(
            issues.iter().any(|i| i["check_name"] == code),
            "{case}: no {code} issue"
        );
        // GitLab shows one issue per fingerprint: none may be lost to a collision.
        let mut fingerprints: Vec<&str> = issues
            .iter()
            .filter_map(|i| i["fingerprint"].as_str())
            .collect();
        fingerprints.sort_unstable();
        fingerprints.dedup();
        assert_eq!(
            fingerprints.len(),
            issues.len(),
            "{case}: fingerprints collide"
        );
    }
    // The same findings get the same fingerprints on the next run, and errors rank major.
    let first = validate(&fixtures(), &["--format", "gitlab", "CV004-unknown-key"]);
    let again = validate(&fixtures(), &["--format", "gitlab", "CV004-unknown-key"]);
    assert_eq!(first.stdout, again.stdout);
    assert_eq!(first.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).expect("JSON");
    let issues = report.as_array().expect("an array");
    assert_eq!(issues.len(), 2);
    for issue in issues {
        assert_eq!(issue["severity"], "major");
        assert!(
            issue["location"]["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("CV004-unknown-key/") && !p.contains('\\')),
            "{issue}"
        );
        assert!(
            issue["location"]["lines"]["begin"]
                .as_u64()
                .is_some_and(|l| l >= 1)
        );
    }
}

#[test]
fn sarif_help_links_follow_contrail_docs_url() {
    let output = contrail()
        .current_dir(fixtures())
        .env("CONTRAIL_DOCS_URL", "https://docs.example.com/contrail/")
        .args(["validate", "--format", "sarif", "CV004-unknown-key"])
        .output()
        .expect("runs");
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert_eq!(
        driver["informationUri"],
        "https://docs.example.com/contrail"
    );
    assert_eq!(
        driver["rules"][0]["helpUri"],
        "https://docs.example.com/contrail/codes/CV004.md"
    );
}

#[test]
fn a_single_contract_is_checked_within_its_catalog() {
    // payments.yaml names OrderPlaced, declared in another file of the same catalog: checked
    // alone it must not report an unknown event, and findings of other files stay out.
    let dir = fixtures().join("CV004-unknown-key");
    let output = validate(&dir, &["--format", "json", "payments.yaml"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert_eq!(files, ["payments.yaml"]);
}

#[test]
fn a_directory_inside_a_catalog_reports_only_its_own_findings() {
    let events = validate(&repo_root(), &["--format", "json", "examples/shop/events"]);
    assert_eq!(events.status.code(), Some(1));
    let services = validate(
        &repo_root(),
        &["--format", "json", "examples/shop/services"],
    );
    let report: serde_json::Value = serde_json::from_slice(&services.stdout).expect("JSON");
    assert_eq!(
        report["diagnostics"],
        serde_json::json!([]),
        "services resolve their events from the catalog"
    );
    assert_eq!(services.status.code(), Some(0));
}

#[test]
fn exit_code_2_when_contrail_cannot_run() {
    let missing = validate(&fixtures(), &["no/such/path"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/path"));
    let bad_flag = validate(&fixtures(), &["--format", "yaml", "CV004-unknown-key"]);
    assert_eq!(bad_flag.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed_forever() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("contrail.yaml"), "catalog: loop\n").expect("write");
    std::fs::create_dir(dir.path().join("events")).expect("mkdir");
    std::os::unix::fs::symlink("..", dir.path().join("events/up")).expect("symlink");
    let output = validate(dir.path(), &["--format", "json", "."]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("symlink loop")),
        "{messages:?}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn explain_prints_the_page_of_any_code_of_any_family() {
    for (asked, page) in [
        ("CV004", "docs/codes/CV004.md"),
        ("unknown_key", "docs/codes/CV004.md"),
        ("cc002", "docs/codes/CC002.md"),
        ("CL003", "docs/codes/CL003.md"),
        (
            "EVENT_NAME_PAST_TENSE",
            "docs/rules/EVENT_NAME_PAST_TENSE.md",
        ),
    ] {
        let output = contrail().args(["explain", asked]).output().expect("runs");
        assert_eq!(output.status.code(), Some(0), "{asked}");
        let expected = std::fs::read_to_string(repo_root().join(page)).expect("page");
        assert_eq!(String::from_utf8_lossy(&output.stdout), expected, "{asked}");
    }
    let unknown = contrail()
        .args(["explain", "UNKNWON_KEY"])
        .output()
        .expect("runs");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("did you mean `UNKNOWN_KEY`?"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
}
