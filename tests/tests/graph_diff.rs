//! `contrail graph --diff`: what a change does to the system's shape, against a directory and
//! a git ref, in every format; drawings read by Graphviz.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use contrail_e2e::{changed_shop, contrail, copy_dir, git, repo_root};

fn graph(catalog: &Path, args: &[&str]) -> Output {
    contrail()
        .arg("graph")
        .arg(catalog)
        .args(args)
        .output()
        .expect("runs")
}

fn stdout(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The shop, and a changed copy of it, in one temporary directory.
fn shop_and_change() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let changed = dir.path().join("changed");
    changed_shop(&changed);
    (dir, changed)
}

fn shop() -> std::path::PathBuf {
    repo_root().join("examples/shop")
}

#[test]
fn the_json_lists_what_was_added_and_removed() {
    let (_dir, changed) = shop_and_change();
    let baseline = shop().display().to_string();
    let text = stdout(&graph(&changed, &["--diff", &baseline, "--format", "json"]));
    let document: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        document,
        serde_json::json!({
            "baseline": baseline,
            "added": {
                "services": [],
                "events": ["RefundRequested"],
                "topics": ["shop.refunds"],
                "edges": [
                    {"from": "event:RefundRequested", "to": "service:payments", "kind": "consumes", "group": "payments"},
                    {"from": "event:RefundRequested", "to": "topic:shop.refunds", "kind": "published-on"},
                    {"from": "service:orders", "to": "event:RefundRequested", "kind": "produces"},
                ],
            },
            "removed": {
                "services": ["inventory"],
                "events": [],
                "topics": [],
                "edges": [
                    {"from": "event:PaymentProcessed", "to": "service:inventory", "kind": "consumes", "group": "inventory"},
                    {"from": "service:inventory", "to": "event:InventoryReserved", "kind": "produces"},
                ],
            },
        })
    );
}

#[test]
fn the_diff_in_human_dot_and_mermaid() {
    let (_dir, changed) = shop_and_change();
    let baseline = shop().display().to_string();
    for format in ["human", "dot", "mermaid"] {
        let text = stdout(&graph(&changed, &["--diff", &baseline, "--format", format]));
        // The baseline's path differs from machine to machine; the snapshot names it BASELINE.
        let text = text.replace(&baseline, "BASELINE");
        insta::assert_snapshot!(format!("graph_diff_{format}"), text);
    }
}

#[test]
fn no_change_says_so_and_is_no_failure() {
    let baseline = shop().display().to_string();
    let text = stdout(&graph(&shop(), &["--diff", &baseline]));
    assert_eq!(
        text,
        format!("no change to the system's shape since {baseline}\n")
    );
    let json = stdout(&graph(&shop(), &["--diff", &baseline, "--format", "json"]));
    let document: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let empty = serde_json::json!({"services": [], "events": [], "topics": [], "edges": []});
    assert_eq!(document["added"], empty);
    assert_eq!(document["removed"], empty);
}

#[test]
fn against_a_git_ref() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    copy_dir(&shop(), &repo.join("shop"));
    git(repo, &["init", "-q"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "shop"]);
    std::fs::remove_dir_all(repo.join("shop")).expect("remove");
    changed_shop(&repo.join("shop"));
    let text = stdout(&graph(&repo.join("shop"), &["--diff", "git:HEAD"]));
    assert!(
        text.starts_with("changes to the system's shape since git:HEAD:\n"),
        "{text}"
    );
    for line in [
        "+ event RefundRequested",
        "+ payments consumes RefundRequested (group payments)",
        "- service inventory",
        "- inventory produces InventoryReserved",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    let svg = stdout(&graph(
        &repo.join("shop"),
        &["--diff", "git:HEAD", "--format", "svg"],
    ));
    assert!(
        svg.contains("class=\"node service mark-removed\" id=\"service:inventory\""),
        "{svg}"
    );
    assert!(svg.contains("class=\"edge consumes mark-added\""), "{svg}");
}

#[test]
fn a_bad_baseline_is_a_clear_error() {
    let (_dir, changed) = shop_and_change();
    let output = graph(&changed, &["--diff", "no/such/dir"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--diff no/such/dir: expected git:REF or a directory"),
        "{stderr}"
    );
    let output = graph(&changed, &["--diff", "x", "--impact", "OrderPlaced"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn graphviz_accepts_the_diff() {
    if Command::new("dot").arg("-V").output().is_err() {
        // scripts/test.sh installs Graphviz and sets this, so CI never skips the check.
        assert!(
            std::env::var_os("CONTRAIL_REQUIRE_GRAPHVIZ").is_none(),
            "Graphviz's dot is not on PATH (apt-get install graphviz)"
        );
        return;
    }
    let (_dir, changed) = shop_and_change();
    let baseline = shop().display().to_string();
    for extra in [&[][..], &["--group-by", "owner"][..]] {
        let mut args = vec!["--diff", baseline.as_str(), "--format", "dot"];
        args.extend_from_slice(extra);
        let dot = stdout(&graph(&changed, &args));
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dot runs");
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(dot.as_bytes())
            .expect("write");
        let output = child.wait_with_output().expect("dot finishes");
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn focus_keeps_the_changes_near_one_node() {
    let (_dir, changed) = shop_and_change();
    let baseline = shop().display().to_string();
    // inventory exists only in the baseline: the focus finds it in either version.
    let text = stdout(&graph(
        &changed,
        &["--diff", &baseline, "--focus", "inventory"],
    ));
    assert_eq!(
        text,
        format!(
            "changes to the system's shape since {baseline} within 1 hop of service:inventory:\n\
             - service inventory\n\
             - inventory consumes PaymentProcessed (group inventory)\n\
             - inventory produces InventoryReserved\n"
        )
    );
    let text = stdout(&graph(
        &changed,
        &[
            "--diff",
            &baseline,
            "--focus",
            "RefundRequested",
            "--format",
            "json",
        ],
    ));
    let document: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        document["focus"],
        serde_json::json!({"node": "event:RefundRequested", "depth": 1})
    );
    assert_eq!(
        document["added"]["events"],
        serde_json::json!(["RefundRequested"])
    );
    assert_eq!(document["removed"]["services"], serde_json::json!([]));
    // A focus far from every change: no change there.
    let text = stdout(&graph(
        &changed,
        &[
            "--diff",
            &baseline,
            "--focus",
            "shop.shipments",
            "--depth",
            "0",
        ],
    ));
    assert!(
        text.starts_with("no change to the system's shape since"),
        "{text}"
    );
    let unknown = graph(&changed, &["--diff", &baseline, "--focus", "nosuch"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("`nosuch`"));
}
