//! `--observed TRACE.json` end to end: `contrail check` turns a saved trace report's drift
//! into findings, `contrail graph` draws it — on the shop and the report checked in as
//! tests/fixtures/observed/shop-trace.json (what the docs run).

use std::process::Output;

use contrail_e2e::{contrail, repo_root};

const TRACE: &str = "tests/fixtures/observed/shop-trace.json";

fn run(args: &[&str]) -> Output {
    contrail()
        .current_dir(repo_root())
        .args(args)
        .output()
        .expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_observed_reports_the_drift_in_human_form() {
    let output = run(&[
        "check",
        "examples/shop",
        "--observed",
        TRACE,
        "--color",
        "never",
    ]);
    let stdout = text(&output.stdout);
    // The undeclared edge and the problem records are errors.
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    insta::assert_snapshot!("check_shop_observed", stdout);
}

#[test]
fn check_observed_json_has_the_findings_and_what_the_trace_held() {
    let output = run(&[
        "check",
        "examples/shop",
        "--observed",
        TRACE,
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        report["observed"],
        serde_json::json!({"trace": TRACE, "records": 30, "flows": 9, "edges_seen": 4, "broken_chains": 10})
    );
    let drift: Vec<(&str, &str, &str)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"].as_str().is_some_and(|c| c.starts_with("CO")))
        .map(|d| {
            (
                d["code"].as_str().unwrap_or(""),
                d["severity"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        drift,
        [
            ("CO001", "error", "examples/shop/asyncapi/shipping.yaml"),
            ("CO014", "error", "examples/shop/contrail.yaml"),
            ("CO010", "error", "examples/shop/events/order-placed.yaml"),
            ("CO003", "warning", "examples/shop/services/inventory.yaml"),
            ("CO002", "warning", "examples/shop/services/orders.yaml"),
            ("CO003", "warning", "examples/shop/services/orders.yaml"),
        ]
    );
}

#[test]
fn check_observed_works_beside_a_baseline() {
    let repo = super::check::shop_history();
    let trace = repo_root().join(TRACE);
    let output = contrail()
        .current_dir(repo.path())
        .args([
            "check",
            "shop",
            "--against",
            "git:HEAD~1",
            "--format",
            "json",
        ])
        .arg("--observed")
        .arg(&trace)
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["baseline"], "git:HEAD~1");
    assert_eq!(report["observed"]["records"], 30);
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"CC001") && codes.contains(&"CO001"),
        "{codes:?}"
    );
}

#[test]
fn a_file_that_is_not_a_trace_report_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("trace.json");
    std::fs::write(
        &bad,
        "{\"records\": {\"read\": 1,\n  \"in_flows\": \"many\"}}",
    )
    .expect("write");
    for command in ["check", "graph"] {
        let output = contrail()
            .current_dir(repo_root())
            .args([command, "examples/shop", "--observed"])
            .arg(&bad)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{command}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains(&format!(
                "error: --observed: {}: not a `contrail trace --format json` report: at `records.in_flows` (line 2, column 20): invalid type: string \"many\", expected u64",
                bad.display()
            )),
            "{command}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{command}: nothing half-written");
    }
}

#[test]
fn graph_observed_in_mermaid_and_dot() {
    for format in ["human", "mermaid", "dot"] {
        let output = run(&[
            "graph",
            "examples/shop",
            "--observed",
            TRACE,
            "--format",
            format,
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        insta::assert_snapshot!(
            format!("graph_shop_observed_{format}"),
            text(&output.stdout)
        );
    }
}

/// The graph JSON is an interface: `--observed` only adds fields and edges of a new kind.
#[test]
fn graph_observed_json_only_adds_to_the_documented_shape() {
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["graph", "examples/shop", "--format", "json"];
        args.extend_from_slice(extra);
        serde_json::from_slice(&run(&args).stdout).expect("JSON")
    };
    let plain = json(&[]);
    let observed = json(&["--observed", TRACE]);
    assert_eq!(plain["nodes"], observed["nodes"]);
    let plain_edges = plain["edges"].as_array().expect("edges");
    let observed_edges = observed["edges"].as_array().expect("edges");
    for (before, after) in plain_edges.iter().zip(observed_edges) {
        let mut after = after.clone();
        if let Some(object) = after.as_object_mut() {
            object.remove("observed");
        }
        assert_eq!(before, &after);
    }
    let added: Vec<&serde_json::Value> = observed_edges[plain_edges.len()..].iter().collect();
    assert_eq!(
        added,
        [&serde_json::json!({
            "from": "event:PaymentProcessed", "to": "event:OrderShipped", "kind": "observed",
            "observed": {"count": 2, "p50_ms": 300,
                         "latency_ms": {"p50": 300, "p90": 300, "p99": 300, "max": 300}}
        })]
    );
}

#[test]
fn graph_observed_svg_and_html_draw_the_undeclared_edge() {
    let svg = text(
        &run(&[
            "graph",
            "examples/shop",
            "--observed",
            TRACE,
            "--format",
            "svg",
        ])
        .stdout,
    );
    assert!(svg.contains("class=\"edge observed undeclared\""));
    assert!(svg.contains("stroke:#7048e8;stroke-width:3;stroke-dasharray:5 3"));
    let html = text(
        &run(&[
            "graph",
            "examples/shop",
            "--observed",
            TRACE,
            "--format",
            "html",
        ])
        .stdout,
    );
    assert!(html.contains("class=\"edge observed undeclared\""));
    assert!(html.contains("\"kind\":\"observed\""));
}

#[test]
fn graph_observed_does_not_combine_with_impact_or_diff() {
    for other in [["--impact", "OrderPlaced"], ["--diff", "git:HEAD"]] {
        let output = run(&[
            "graph",
            "examples/shop",
            "--observed",
            TRACE,
            other[0],
            other[1],
        ]);
        assert_eq!(output.status.code(), Some(2), "{other:?}");
        assert!(
            text(&output.stderr).contains("cannot be used with"),
            "{other:?}"
        );
    }
}

#[test]
fn docs_observed_shows_each_hop_and_the_drift_on_the_pages() {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    let output = run(&[
        "docs",
        "examples/shop",
        "--out",
        site.to_str().expect("UTF-8 path"),
        "--markdown",
        "--observed",
        TRACE,
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let page = |path: &str| std::fs::read_to_string(site.join(path)).expect(path);
    let traffic = |page: &str| -> String {
        let start = page.find("## Traffic").expect("a Traffic section");
        let end = page[start..].find("## Findings").expect("then Findings") + start;
        page[start..end].to_owned()
    };
    // PaymentProcessed: payments produced it after OrderPlaced 8 times; something nobody
    // declares produced OrderShipped after it twice.
    let payment = traffic(&page("events/paymentprocessed.md"));
    assert!(
        payment.contains("| [OrderPlaced](../events/orderplaced.md) | [payments](../services/payments.md) | [PaymentProcessed](../events/paymentprocessed.md) | 8 | 100 | 160 | 160 |"),
        "{payment}"
    );
    assert!(
        payment.contains("| [PaymentProcessed](../events/paymentprocessed.md) | undeclared: no service consumes the one and produces the other | [OrderShipped](../events/ordershipped.md) | 2 | 300 | 300 | 300 |"),
        "{payment}"
    );
    // A declaration the traffic never followed: seen 0 times, no latencies.
    let orders = traffic(&page("services/orders.md"));
    assert!(
        orders.contains("| [orders](../services/orders.md) | [OrderPlaced](../events/orderplaced.md) | 0 |  |  |  |"),
        "{orders}"
    );
    // The drift findings are on the pages they point into.
    assert!(page("services/orders.md").contains("CO002"));
    assert!(page("services/inventory.md").contains("CO003"));
    // The HTML page has the section too; without --observed there is none.
    assert!(page("events/paymentprocessed.html").contains("id=\"traffic\""));
    let plain = out.path().join("plain");
    let output = run(&[
        "docs",
        "examples/shop",
        "--out",
        plain.to_str().expect("UTF-8"),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let html = std::fs::read_to_string(plain.join("events/paymentprocessed.html")).expect("page");
    assert!(!html.contains("id=\"traffic\""));
}
