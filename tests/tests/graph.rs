//! `contrail graph` end to end: every format on the shop, focus and impact, errors, and the
//! DOT accepted by Graphviz when it is installed.

use std::process::{Command, Output, Stdio};

use contrail_e2e::{contrail, corpus_dir, repo_root};

fn graph(args: &[&str]) -> Output {
    contrail()
        .current_dir(repo_root())
        .arg("graph")
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

#[test]
fn the_shop_in_every_format() {
    for format in ["human", "json", "dot", "mermaid"] {
        let text = stdout(&graph(&["examples/shop", "--format", format]));
        insta::assert_snapshot!(format!("graph_shop_{format}"), text);
    }
    let grouped = stdout(&graph(&[
        "examples/shop",
        "--format",
        "mermaid",
        "--group-by",
        "owner",
    ]));
    insta::assert_snapshot!("graph_shop_mermaid_by_owner", grouped);
}

#[test]
fn the_json_form_is_the_documented_interface() {
    let text = stdout(&graph(&["examples/shop", "--format", "json"]));
    let document: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let nodes = document["nodes"].as_array().expect("nodes");
    let edges = document["edges"].as_array().expect("edges");
    assert!(nodes.contains(&serde_json::json!({
        "id": "service:payments", "kind": "service", "name": "payments", "owner": "team-payments"
    })));
    assert!(nodes.iter().any(|n| n["id"] == "event:OrderPlaced"
        && n["kind"] == "event"
        && n["topic"] == "shop.orders"));
    assert!(nodes.contains(&serde_json::json!({
        "id": "topic:shop.orders", "kind": "topic", "name": "shop.orders"
    })));
    for (from, to, kind) in [
        ("service:orders", "event:OrderPlaced", "produces"),
        ("event:OrderPlaced", "service:payments", "consumes"),
        ("event:OrderPlaced", "topic:shop.orders", "published-on"),
    ] {
        assert!(
            edges
                .iter()
                .any(|e| e["from"] == from && e["to"] == to && e["kind"] == kind),
            "{from} -{kind}-> {to}"
        );
    }
    let consumes = edges
        .iter()
        .find(|e| e["to"] == "service:payments")
        .expect("payments consumes");
    assert_eq!(consumes["group"], "payments");
    assert_eq!(consumes["reads"], serde_json::json!(["orderId", "total"]));
}

#[test]
fn focus_draws_the_neighbourhood_of_one_node() {
    let text = stdout(&graph(&[
        "examples/shop",
        "--focus",
        "payments",
        "--depth",
        "2",
        "--format",
        "json",
    ]));
    insta::assert_snapshot!("graph_shop_focus_payments", text);
    let by_id = stdout(&graph(&[
        "examples/shop",
        "--focus",
        "service:payments",
        "--depth",
        "2",
        "--format",
        "json",
    ]));
    assert_eq!(text, by_id);
}

#[test]
fn impact_of_a_field() {
    for format in ["human", "json", "mermaid"] {
        let text = stdout(&graph(&[
            "examples/shop",
            "--impact",
            "OrderPlaced.total.amountMinor",
            "--format",
            format,
        ]));
        insta::assert_snapshot!(format!("graph_shop_impact_{format}"), text);
    }
}

#[test]
fn names_that_do_not_exist_are_errors_with_a_suggestion() {
    for (args, expected) in [
        (
            vec!["--focus", "paymnts"],
            "no service, event or topic is named `paymnts`; did you mean `payments`?",
        ),
        (
            vec!["--impact", "OrderPlacd"],
            "no event is named `OrderPlacd`; did you mean `OrderPlaced`?",
        ),
        (
            vec!["--impact", "OrderPlaced.total.amountMinr"],
            "its payload has no `amountMinr` there; did you mean `amountMinor`?",
        ),
    ] {
        let mut all = vec!["examples/shop"];
        all.extend(args);
        let output = graph(&all);
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[test]
fn asyncapi_2_and_3_versions_of_one_system_draw_the_same_graph() {
    let draw = |dir: &str| {
        let path = corpus_dir().join(dir);
        stdout(
            &contrail()
                .args(["graph", "--format", "json"])
                .arg(&path)
                .output()
                .expect("runs"),
        )
    };
    let v3 = draw("asyncapi__spec/examples/social-media");
    let v2 = draw("asyncapi__spec@v2.6.0/examples/social-media");
    assert_eq!(v2, v3);
    let document: serde_json::Value = serde_json::from_str(&v3).expect("JSON");
    assert!(document["edges"].as_array().is_some_and(|e| e.len() > 5));
}

#[test]
fn graphviz_accepts_the_dot() {
    if Command::new("dot").arg("-V").output().is_err() {
        // scripts/test.sh installs Graphviz and sets this, so CI never skips the check.
        assert!(
            std::env::var_os("CONTRAIL_REQUIRE_GRAPHVIZ").is_none(),
            "Graphviz's dot is not on PATH (apt-get install graphviz)"
        );
        eprintln!("graphviz is not installed; scripts/test.sh installs it");
        return;
    }
    for args in [
        vec!["examples/shop", "--format", "dot"],
        vec!["examples/shop", "--format", "dot", "--group-by", "owner"],
        vec![
            "examples/shop",
            "--format",
            "dot",
            "--impact",
            "OrderPlaced",
        ],
    ] {
        let dot = stdout(&graph(&args));
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
        assert!(String::from_utf8_lossy(&output.stdout).contains("<svg"));
    }
}

#[test]
fn the_shop_as_svg() {
    let svg = stdout(&graph(&["examples/shop", "--format", "svg"]));
    insta::assert_snapshot!("graph_shop_svg", svg);
    let grouped = stdout(&graph(&[
        "examples/shop",
        "--format",
        "svg",
        "--group-by",
        "owner",
    ]));
    insta::assert_snapshot!("graph_shop_svg_by_owner", grouped);
    for id in [
        "id=\"service:payments\"",
        "id=\"event:OrderPlaced\"",
        "id=\"topic:shop.orders\"",
        "id=\"cluster:team-payments\"",
    ] {
        assert!(grouped.contains(id), "{id}");
    }
    let impact = stdout(&graph(&[
        "examples/shop",
        "--format",
        "svg",
        "--impact",
        "OrderPlaced.total.amountMinor",
    ]));
    assert!(impact.contains("mark-changed") && impact.contains("mark-direct"));
}

#[test]
fn the_checked_in_shop_drawing_is_current() {
    let svg = stdout(&graph(&[
        "examples/shop",
        "--format",
        "svg",
        "--group-by",
        "owner",
    ]));
    let checked_in =
        std::fs::read_to_string(repo_root().join("docs/graph-shop.svg")).unwrap_or_default();
    assert!(
        svg == checked_in,
        "docs/graph-shop.svg is stale; regenerate it with\n  cargo run -p contrail -- graph examples/shop --format svg --group-by owner > docs/graph-shop.svg"
    );
}

#[test]
fn the_html_page_is_self_contained() {
    let html = stdout(&graph(&["examples/shop", "--format", "html"]));
    let svg = stdout(&graph(&["examples/shop", "--format", "svg"]));
    assert!(html.starts_with("<!DOCTYPE html>"));
    // The SVG inline, without the namespace declaration HTML does not need.
    let inline = svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    assert!(html.contains(&inline));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page must not load anything"
    );
    let start = html
        .find("<script type=\"application/json\" id=\"contrail-facts\">")
        .expect("facts");
    let facts = &html[start..];
    let facts = &facts[facts.find('>').expect("tag") + 1..facts.find("</script>").expect("end")];
    let facts: serde_json::Value = serde_json::from_str(facts).expect("JSON facts");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&graph(&["examples/shop", "--format", "json"])))
            .expect("JSON");
    assert_eq!(facts, json);
}

#[test]
fn drawings_too_large_to_read_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let status = Command::new("python3")
        .arg(repo_root().join("bench/lint/generate_catalog.py"))
        .arg(dir.path())
        // 30 services, 150 events on 150 topics: 330 nodes.
        .args(["30", "150"])
        .status()
        .expect("python3 runs");
    assert!(status.success());
    for format in ["svg", "html"] {
        let output = contrail()
            .arg("graph")
            .arg(dir.path())
            .args(["--format", format])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("too many to draw readably")
                && stderr.contains("--focus NAME --depth N"),
            "{stderr}"
        );
        assert!(output.stdout.is_empty());
    }
    // A focused part of the same catalog draws.
    let output = contrail()
        .arg("graph")
        .arg(dir.path())
        .args([
            "--format",
            "svg",
            "--focus",
            "Entity00000Placed",
            "--depth",
            "2",
        ])
        .output()
        .expect("runs");
    assert!(stdout(&output).contains("id=\"event:Entity00000Placed\""));
}

#[test]
fn layout_is_only_for_drawings() {
    let output = graph(&["examples/shop", "--format", "dot", "--layout", "dot"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`--layout` applies to"));
}

#[test]
fn layout_dot_without_graphviz_says_what_to_do() {
    let empty = tempfile::tempdir().expect("tempdir");
    let output = contrail()
        .current_dir(repo_root())
        .env("PATH", empty.path())
        .args([
            "graph",
            "examples/shop",
            "--format",
            "svg",
            "--layout",
            "dot",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("install Graphviz") && stderr.contains("builtin layout"),
        "{stderr}"
    );
}

#[test]
fn layout_dot_draws_with_graphviz() {
    if Command::new("dot").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CONTRAIL_REQUIRE_GRAPHVIZ").is_none(),
            "Graphviz's dot is not on PATH (apt-get install graphviz)"
        );
        eprintln!("graphviz is not installed; scripts/test.sh installs it");
        return;
    }
    let svg = stdout(&graph(&[
        "examples/shop",
        "--format",
        "svg",
        "--layout",
        "dot",
    ]));
    assert!(svg.contains("<svg") && svg.contains("service:payments"));
    let html = stdout(&graph(&[
        "examples/shop",
        "--format",
        "html",
        "--layout",
        "dot",
    ]));
    assert!(html.contains("<svg") && html.contains("contrail-facts"));
}
