//! `contrail check --against` on a Protobuf event: the shop's StockLevelChanged against a git
//! commit and against a registry the shop was pushed to. Findings point into the `.proto` files
//! on both sides, and the impact names the consumers that read the changed fields.

use std::path::Path;

use contrail_e2e::{committed_shop, contrail, copy_dir, repo_root};
use serde_json::{Value, json};

const PROTO: &str = "shop/schemas/stock-level-changed.proto";

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} has `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

fn check_json(dir: &Path, catalog: &str, against: &str) -> (Option<i32>, Value) {
    let output = contrail()
        .current_dir(dir)
        .args(["check", catalog, "--against", against, "--format", "json"])
        .output()
        .expect("runs");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), report)
}

/// The line of the first line of `text` that contains `needle` (1-based).
fn line_of(text: &str, needle: &str) -> u64 {
    let index = text
        .lines()
        .position(|l| l.contains(needle))
        .expect("the needle is in the text");
    u64::try_from(index).expect("small") + 1
}

#[test]
fn a_retyped_proto_field_breaks_backward_and_reaches_the_consumer_that_reads_it() {
    let repo = committed_shop();
    let proto = repo.path().join(PROTO);
    let before = std::fs::read_to_string(&proto).expect("read");
    edit(&proto, "int32 available = 5;", "string available = 5;");
    let (code, report) = check_json(repo.path(), "shop", "git:HEAD");
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(
        contrail_e2e::compatibility_verdicts(&report),
        [("StockLevelChanged", false)]
    );
    let breaks: Vec<&Value> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"] == PROTO)
        .collect();
    assert_eq!(breaks.len(), 1, "{report:#}");
    let finding = breaks[0];
    assert!(
        finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("available")),
        "{finding:#}"
    );
    // Located at the field's name in the new file, and in the committed one.
    let line = line_of(&before, "available = 5");
    assert_eq!(finding["line"], line, "{finding:#}");
    assert_eq!(finding["column"], 10, "{finding:#}");
    let related = &finding["related"][0];
    assert_eq!(related["file"], format!("HEAD:{PROTO}"), "{finding:#}");
    assert_eq!(related["line"], line, "{finding:#}");

    // purchasing reads `available`; nobody else consumes the event.
    let impact = &report["impact"][0];
    assert_eq!(impact["event"], "StockLevelChanged");
    assert_eq!(impact["fields"], json!(["available"]));
    assert_eq!(impact["direct"], json!(["purchasing"]));
}

#[test]
fn a_proto_field_nobody_reads_leaves_its_consumer_unaffected() {
    let repo = committed_shop();
    let proto = repo.path().join(PROTO);
    // A new field (compatible) and a changed field inside the nested Adjustment message.
    edit(
        &proto,
        "repeated Adjustment adjustments = 7;",
        "repeated Adjustment adjustments = 7;\n  string batch = 8;",
    );
    edit(
        &proto,
        "string note = 2;",
        "string note = 2;\n    string author = 3;",
    );
    // The shop's OrderShipped example is an error of its own (the shop shows one), so the
    // exit code is 1 either way: the verdicts tell.
    let (_, report) = check_json(repo.path(), "shop", "git:HEAD");
    assert_eq!(
        contrail_e2e::compatibility_verdicts(&report),
        [("StockLevelChanged", true)]
    );
    let impact = &report["impact"][0];
    assert_eq!(impact["fields"], json!(["adjustments.author", "batch"]));
    assert_eq!(impact["direct"], json!([]));
    assert_eq!(impact["unaffected"], json!(["purchasing"]));
}

#[test]
fn comments_and_layout_of_a_proto_file_are_not_a_schema_change() {
    let repo = committed_shop();
    let proto = repo.path().join(PROTO);
    edit(
        &proto,
        "  string sku = 3;",
        "  // The product, as the catalogue names it.\n  string   sku   =   3 ;",
    );
    // The shop's OrderShipped example is an error of its own (the shop shows one), so the
    // exit code is 1 either way: the verdicts tell.
    let (_, report) = check_json(repo.path(), "shop", "git:HEAD");
    assert_eq!(report["compatibility"]["checked"], json!([]));
    assert_eq!(report["compatibility"]["unchanged"], 5);
}

#[test]
fn check_against_a_registry_compares_the_registered_proto_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = contrail_e2e::start_registry(&dir.path().join("registry.db"), &[]);
    let base = registry.base.clone();
    crate::check::push_shop(&base);
    let work = tempfile::tempdir().expect("tempdir");
    copy_dir(
        &repo_root().join("examples/shop"),
        &work.path().join("shop"),
    );
    // Field 4 renamed and retyped: Confluent's FIELD_KIND_CHANGED is not a rename.
    edit(
        &work.path().join(PROTO),
        "string warehouse = 4;",
        "Location warehouse = 4;\n  message Location { string code = 1; }",
    );
    let (code, report) = check_json(work.path(), "shop", &base);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(
        contrail_e2e::compatibility_verdicts(&report),
        [("StockLevelChanged", false)]
    );
    let finding = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["file"] == PROTO)
        .expect("a finding in the proto file");
    assert_eq!(
        finding["related"][0]["file"], "registry:shop.stock-value/versions/1",
        "{finding:#}"
    );
    assert_eq!(report["impact"][0]["direct"], json!(["purchasing"]));
}

#[test]
fn a_field_removed_since_the_registered_version_must_be_reserved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = contrail_e2e::start_registry(&dir.path().join("registry.db"), &[]);
    let base = registry.base.clone();
    crate::check::push_shop(&base);
    let work = tempfile::tempdir().expect("tempdir");
    copy_dir(
        &repo_root().join("examples/shop"),
        &work.path().join("shop"),
    );
    edit(&work.path().join(PROTO), "    string note = 2;\n", "");
    let (_, report) = check_json(work.path(), "shop", &base);
    let finding = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "CL404")
        .unwrap_or_else(|| panic!("no CL404: {report:#}"));
    assert_eq!(finding["file"], PROTO);
    assert!(
        finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("`note = 2`") && m.contains(&base)),
        "{finding:#}"
    );
}
