//! What `contrail graph --format mermaid` writes, read by Mermaid's own parser (the npm
//! package GitHub's and GitLab's renderers use), so a diagram pasted into a pull request
//! renders instead of showing a syntax error.
//!
//! scripts/test.sh installs the parser (tests/mermaid/package.json) and sets
//! `CONTRAIL_MERMAID_DIR` (and `CONTRAIL_REQUIRE_MERMAID`, so CI cannot skip it); without them
//! the test says how to get the parser and checks nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use contrail_e2e::{changed_shop, contrail, corpus_dir, repo_root};

fn mermaid_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CONTRAIL_MERMAID_DIR").map(PathBuf::from);
    if dir.is_none() {
        // scripts/test.sh sets both, so CI never skips the check.
        assert!(
            std::env::var_os("CONTRAIL_REQUIRE_MERMAID").is_none(),
            "CONTRAIL_MERMAID_DIR is not set: run scripts/test.sh, which installs Mermaid's parser"
        );
        eprintln!("CONTRAIL_MERMAID_DIR is not set; scripts/test.sh installs Mermaid's parser");
    }
    dir
}

/// Writes `contrail graph CATALOG ARGS --format mermaid` to `out/NAME.mmd`.
fn draw(catalog: &Path, args: &[&str], out: &Path, name: &str) -> PathBuf {
    let output = contrail()
        .arg("graph")
        .arg(catalog)
        .args(args)
        .args(["--format", "mermaid"])
        .output()
        .expect("contrail runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let file = out.join(format!("{name}.mmd"));
    std::fs::write(&file, &output.stdout).expect("write the diagram");
    file
}

/// Names that are Mermaid syntax (quotes, brackets, pipes, `end`, `subgraph`, `click`,
/// entities) in every place a name is written: node labels, group boxes, edge labels.
fn hostile_catalog(dir: &Path) {
    std::fs::create_dir_all(dir.join("services")).expect("mkdir");
    std::fs::write(dir.join("contrail.yaml"), "catalog: hostile\n").expect("write");
    std::fs::write(
        dir.join("services/a.yaml"),
        r#"service: 'billing "core" [beta] | <x> #1; end'
owner: 'team "a" & b'
produces:
  - event: 'Order"Placed]'
consumes:
  - event: 'subgraph end'
    group: 'grp "1" |x|'
    reads: [orderId]
"#,
    )
    .expect("write");
    std::fs::write(
        dir.join("services/b.yaml"),
        r#"service: 'end'
owner: 'click'
produces:
  - event: 'subgraph end'
consumes:
  - event: 'Order"Placed]'
    group: 'style'
"#,
    )
    .expect("write");
}

#[test]
fn mermaids_parser_reads_every_diagram() {
    let Some(mermaid) = mermaid_dir() else {
        return;
    };
    let out = tempfile::tempdir().expect("tempdir");
    let shop = repo_root().join("examples/shop");
    let corpus = corpus_dir();
    let hostile = out.path().join("hostile");
    hostile_catalog(&hostile);
    let changed = out.path().join("changed-shop");
    changed_shop(&changed);
    let shop_dir = shop.display().to_string();
    let trace = repo_root()
        .join("tests/fixtures/observed/shop-trace.json")
        .display()
        .to_string();
    let files = [
        draw(&shop, &[], out.path(), "shop"),
        draw(&shop, &["--group-by", "owner"], out.path(), "shop-by-owner"),
        draw(
            &shop,
            &["--focus", "payments", "--depth", "2"],
            out.path(),
            "shop-focus",
        ),
        draw(
            &shop,
            &["--impact", "OrderPlaced.total.amountMinor"],
            out.path(),
            "shop-impact",
        ),
        draw(&corpus, &[], out.path(), "corpus"),
        draw(
            &corpus,
            &["--group-by", "owner"],
            out.path(),
            "corpus-by-owner",
        ),
        draw(&hostile, &["--group-by", "owner"], out.path(), "hostile"),
        draw(&changed, &["--diff", &shop_dir], out.path(), "shop-diff"),
        draw(
            &shop,
            &["--observed", &trace, "--group-by", "owner"],
            out.path(),
            "shop-observed",
        ),
    ];
    let output = Command::new("node")
        .arg(repo_root().join("tests/mermaid/parse.mjs"))
        .args(&files)
        .env("CONTRAIL_MERMAID_DIR", &mermaid)
        .output()
        .expect("node runs (apt-get install nodejs)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "Mermaid rejects a diagram:\n{}{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.ends_with(": flowchart-v2"))
            .count(),
        files.len(),
        "{stdout}"
    );
}

#[test]
fn the_parser_rejects_a_broken_diagram() {
    // The check above is only worth something if the parser says no to bad input.
    let Some(mermaid) = mermaid_dir() else {
        return;
    };
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("broken.mmd");
    std::fs::write(
        &file,
        "flowchart LR\n  a -->|\"unclosed| b\n  n0(\"x\"\") --> (((\n",
    )
    .expect("write");
    let output = Command::new("node")
        .arg(repo_root().join("tests/mermaid/parse.mjs"))
        .arg(&file)
        .env("CONTRAIL_MERMAID_DIR", &mermaid)
        .output()
        .expect("node runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Parse error"));
}
