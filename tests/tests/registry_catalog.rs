//! `contrail registry serve --catalog PATH`: the real binary on an ephemeral port serving a
//! copy of examples/shop beside the Confluent API — graph, impact, docs site, reloads.

use std::path::Path;
use std::time::{Duration, Instant};

use contrail_e2e::http::{self, MEDIA_TYPE, Reply};
use contrail_e2e::{RegistryProcess, contrail, copy_dir, repo_root, start_registry};
use serde_json::json;

/// A registry on SQLite in `dir`, serving the catalog at `catalog` (none: `None`).
fn serve(dir: &Path, catalog: Option<&Path>) -> RegistryProcess {
    let db = dir.join("registry.db");
    match catalog {
        Some(catalog) => {
            let catalog = catalog.to_str().expect("a UTF-8 temporary path");
            start_registry(&db, &["--catalog", catalog])
        }
        None => start_registry(&db, &[]),
    }
}

fn call(registry: &RegistryProcess, method: &str, path: &str) -> Reply {
    http::request(
        method,
        &format!("{}{path}", registry.base),
        &[],
        "",
        Duration::from_secs(30),
    )
}

fn get(registry: &RegistryProcess, path: &str) -> Reply {
    call(registry, "GET", path)
}

/// What `contrail ARGS` prints on stdout (it must succeed).
fn cli(args: &[&str]) -> String {
    let output = contrail()
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("contrail runs");
    assert!(
        output.status.success(),
        "contrail {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// A temporary directory holding a copy of examples/shop at `shop/`.
fn shop_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo_root().join("examples/shop"), &dir.path().join("shop"));
    dir
}

#[track_caller]
fn assert_ok(reply: &Reply, content_type: &str) {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.content_type, content_type, "{}", reply.body);
}

#[test]
fn the_graph_is_what_contrail_graph_prints() {
    let dir = shop_copy();
    let registry = serve(dir.path(), Some(&dir.path().join("shop")));

    // The same interface, byte for byte, as the CLI's JSON (the default format).
    let served = get(&registry, "/contrail/v1/graph");
    assert_ok(&served, "application/json");
    assert_eq!(
        served.body,
        cli(&["graph", "examples/shop", "--format", "json"])
    );
    assert_eq!(
        get(&registry, "/contrail/v1/graph?format=json").body,
        served.body
    );
    let focused = get(&registry, "/contrail/v1/graph?focus=payments&depth=2");
    assert_ok(&focused, "application/json");
    assert_eq!(
        focused.body,
        cli(&[
            "graph",
            "examples/shop",
            "--format",
            "json",
            "--focus",
            "payments",
            "--depth",
            "2"
        ])
    );
    assert_ne!(
        focused.body, served.body,
        "a focus draws less than the whole"
    );

    for (format, content_type, start) in [
        (
            "dot",
            "text/vnd.graphviz; charset=utf-8",
            "digraph contrail {",
        ),
        ("mermaid", "text/vnd.mermaid; charset=utf-8", "flowchart LR"),
        ("svg", "image/svg+xml", "<svg"),
    ] {
        let reply = get(&registry, &format!("/contrail/v1/graph?format={format}"));
        assert_ok(&reply, content_type);
        assert!(reply.body.starts_with(start), "{format}: {}", reply.body);
        assert_eq!(
            reply.body,
            cli(&["graph", "examples/shop", "--format", format]),
            "{format}"
        );
    }

    let message = get(&registry, "/contrail/v1/graph?focus=paymnts").assert_error(404, 404);
    assert!(message.contains("did you mean `payments`?"), "{message}");
    let message = get(&registry, "/contrail/v1/graph?format=png").assert_error(400, 400);
    assert!(message.contains("json, dot, mermaid or svg"), "{message}");
    get(&registry, "/contrail/v1/graph?depth=two").assert_error(400, 400);

    // The Confluent API is still there, unchanged.
    assert_eq!(get(&registry, "/subjects").ok(), json!([]));
}

#[test]
fn impact_is_what_contrail_graph_impact_prints() {
    let dir = shop_copy();
    let registry = serve(dir.path(), Some(&dir.path().join("shop")));

    let whole = get(&registry, "/contrail/v1/impact/OrderPlaced");
    assert_ok(&whole, "application/json");
    assert_eq!(
        whole.body,
        cli(&[
            "graph",
            "examples/shop",
            "--impact",
            "OrderPlaced",
            "--format",
            "json"
        ])
    );
    let field = get(
        &registry,
        "/contrail/v1/impact/OrderPlaced?field=total.amountMinor",
    );
    assert_ok(&field, "application/json");
    assert_eq!(
        field.body,
        cli(&[
            "graph",
            "examples/shop",
            "--impact",
            "OrderPlaced.total.amountMinor",
            "--format",
            "json"
        ])
    );
    assert_eq!(field.json()["field"], json!("total.amountMinor"));
    assert_eq!(field.json()["direct"], json!(["payments"]));

    let message = get(&registry, "/contrail/v1/impact/OrderPlace").assert_error(404, 404);
    assert!(message.contains("did you mean `OrderPlaced`?"), "{message}");
    let message =
        get(&registry, "/contrail/v1/impact/OrderPlaced?field=totl").assert_error(404, 404);
    assert!(message.contains("has no field `totl`"), "{message}");
}

#[test]
fn the_docs_site_is_served_under_ui_and_nothing_else_is() {
    let dir = shop_copy();
    let registry = serve(dir.path(), Some(&dir.path().join("shop")));

    let index = get(&registry, "/ui/");
    assert_ok(&index, "text/html; charset=utf-8");
    // `/ui` redirects to `/ui/` (the client follows), against which the links resolve.
    assert_eq!(get(&registry, "/ui").body, index.body);
    assert!(index.body.contains("OrderPlaced"), "{}", index.body);
    // The index links the event's page, and that link resolves under /ui/.
    assert!(
        index.body.contains("href=\"events/orderplaced.html\""),
        "{}",
        index.body
    );
    let event = get(&registry, "/ui/events/orderplaced.html");
    assert_ok(&event, "text/html; charset=utf-8");
    assert!(event.body.contains("OrderPlaced"));
    assert!(index.body.contains("href=\"style.css\""));
    assert_ok(&get(&registry, "/ui/style.css"), "text/css; charset=utf-8");
    assert_eq!(get(&registry, "/ui/index.html").body, index.body);

    for path in [
        "/ui/../Cargo.toml",
        "/ui/%2e%2e/Cargo.toml",
        "/ui/%2e%2e%2fCargo.toml",
        "/ui/events/../../Cargo.toml",
        "/ui//etc/passwd",
        "/ui/events/NoSuchEvent.html",
    ] {
        let reply = get(&registry, path);
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
        assert_eq!(reply.content_type, MEDIA_TYPE, "{path}");
        assert!(!reply.body.contains("[workspace]"), "{path}");
    }
}

/// Asks for the graph until `check` holds on its JSON, for up to 10 s.
#[track_caller]
fn wait_for_graph(registry: &RegistryProcess, what: &str, check: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let body = get(registry, "/contrail/v1/graph").body;
        if check(&body) {
            return;
        }
        assert!(Instant::now() < deadline, "{what} within 10 s: {body}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn set_owner(catalog: &Path, from: &str, to: &str) {
    let file = catalog.join("services/inventory.yaml");
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.contains(from), "{text}");
    std::fs::write(&file, text.replace(from, to)).expect("write");
}

#[test]
fn edits_are_served_after_a_reload_or_by_themselves() {
    let dir = shop_copy();
    let catalog = dir.path().join("shop");
    let registry = serve(dir.path(), Some(&catalog));
    assert!(
        !get(&registry, "/contrail/v1/graph")
            .body
            .contains("team-stock")
    );

    // Explicitly: the reload answers with what it loaded and the change is served at once.
    set_owner(&catalog, "owner: team-warehouse", "owner: team-stock");
    let reload = call(&registry, "POST", "/contrail/v1/catalog/reload");
    assert_ok(&reload, "application/json");
    let summary = reload.json();
    assert_eq!(summary["events"], json!(5), "{summary}");
    assert_eq!(summary["services"], json!(7), "{summary}");
    assert!(summary["findings"]["errors"].is_u64(), "{summary}");
    assert!(
        get(&registry, "/contrail/v1/graph")
            .body
            .contains("team-stock")
    );
    let page = get(&registry, "/ui/services/inventory.html").body;
    assert!(page.contains("team-stock"), "the site is rendered again");

    // By itself: the watcher sees the file change.
    set_owner(&catalog, "owner: team-stock", "owner: team-depot");
    wait_for_graph(&registry, "the watcher's reload", |body| {
        body.contains("team-depot")
    });

    // A reload that cannot load keeps serving the last good catalog.
    let moved = dir.path().join("elsewhere");
    std::fs::rename(&catalog, &moved).expect("rename");
    let failed = call(&registry, "POST", "/contrail/v1/catalog/reload");
    let message = failed.assert_error(500, 500);
    assert!(
        message.contains("still serving the previous catalog"),
        "{message}"
    );
    let body = get(&registry, "/contrail/v1/graph").body;
    assert!(body.contains("team-depot"), "{body}");
    std::fs::rename(&moved, &catalog).expect("rename back");
    assert_ok(
        &call(&registry, "POST", "/contrail/v1/catalog/reload"),
        "application/json",
    );
}

#[test]
fn without_a_catalog_the_routes_do_not_exist() {
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = serve(dir.path(), None);
    for (method, path) in [
        ("GET", "/contrail/v1/graph"),
        ("GET", "/contrail/v1/impact/OrderPlaced"),
        ("POST", "/contrail/v1/catalog/reload"),
        ("GET", "/ui/"),
        ("GET", "/ui/index.html"),
    ] {
        let message = call(&registry, method, path).assert_error(404, 404);
        assert_eq!(message, "HTTP 404 Not Found", "{method} {path}");
    }
    assert_eq!(get(&registry, "/subjects").ok(), json!([]));
}

#[test]
fn a_catalog_that_does_not_load_stops_the_server_before_it_listens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = contrail()
        .args(["registry", "serve", "--listen", "127.0.0.1:0", "--store"])
        .arg(format!("sqlite://{}", dir.path().join("r.db").display()))
        .arg("--catalog")
        .arg(dir.path().join("missing"))
        .output()
        .expect("contrail runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("loading --catalog"), "{stderr}");
    assert!(!stderr.contains("listening on"), "{stderr}");
}
