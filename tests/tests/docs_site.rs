//! `contrail docs` end to end: every page of the shop's site pinned, names that try to leave
//! the output directory, and the site opened in headless Chromium (links, anchors, search,
//! no console errors) when it is installed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use contrail_e2e::{contrail, repo_root};

fn docs(args: &[&str], dir: &Path) -> Output {
    contrail()
        .current_dir(dir)
        .arg("docs")
        .args(args)
        .output()
        .expect("runs")
}

fn assert_ok(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file under `dir`, as `/`-separated paths relative to it, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).expect("under root");
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The shop's site with Markdown, generated from the repository root (without schema
/// history: this repository's own commits would change the pages with every commit).
fn shop_site() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().to_string_lossy().into_owned();
    let output = docs(
        &[
            "examples/shop",
            "--out",
            &dir,
            "--markdown",
            "--history",
            "0",
        ],
        &repo_root(),
    );
    assert_ok(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("open {}", out.path().join("index.html").display())),
        "{stdout}"
    );
    out
}

#[test]
fn every_page_of_the_shop() {
    let site = shop_site();
    let all = files(site.path());
    insta::assert_snapshot!("docs_shop_files", all.join("\n"));
    for file in &all {
        // The stylesheet and the search script are copied as they are in site/src/docs/assets.
        if file == "style.css" || file == "search.js" {
            continue;
        }
        let text = std::fs::read_to_string(site.path().join(file)).expect("UTF-8");
        insta::assert_snapshot!(format!("docs_shop__{}", file.replace('/', "__")), text);
    }
}

#[test]
fn generating_twice_gives_the_same_bytes() {
    let (a, b) = (shop_site(), shop_site());
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa, fb);
    for file in &fa {
        let read = |dir: &Path| std::fs::read(dir.join(file)).expect("readable");
        assert_eq!(read(a.path()), read(b.path()), "{file}");
    }
}

#[test]
fn event_pages_show_the_schema_history_from_git() {
    let repo = crate::check::shop_history();
    assert_ok(&docs(&["shop", "--out", "out"], repo.path()));
    let page =
        std::fs::read_to_string(repo.path().join("out/events/ordershipped.html")).expect("page");
    let history = page
        .split("id=\"schema-history\"")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap_or_else(|| panic!("no schema history: {page}"));
    let rows: Vec<&str> = history
        .lines()
        .filter(|l| l.starts_with("<tr><td>"))
        .collect();
    assert_eq!(rows.len(), 2, "{history}");
    assert!(rows[0].contains("shop v2"), "{history}");
    assert!(
        rows[0].contains("incompatible (BACKWARD_TRANSITIVE)") && rows[0].contains("warehouse"),
        "{history}"
    );
    assert!(rows[1].contains("shop v1") && rows[1].contains("oldest version shown"));
    // A compatible change says so.
    let page = std::fs::read_to_string(repo.path().join("out/events/paymentprocessed.html"))
        .expect("page");
    assert!(page.contains("compatible (BACKWARD_TRANSITIVE)"), "{page}");

    // --history 0 shows none. (A catalog outside any repository shows none either and is no
    // error: names_cannot_leave_the_output_directory runs in one.)
    assert_ok(&docs(
        &["shop", "--out", "none", "--history", "0"],
        repo.path(),
    ));
    let page =
        std::fs::read_to_string(repo.path().join("none/events/ordershipped.html")).expect("page");
    assert!(!page.contains("schema-history"));
}

#[test]
fn protobuf_event_pages_show_the_schema_history_from_git() {
    let repo = crate::check::shop_history();
    let proto = repo.path().join("shop/schemas/stock-level-changed.proto");
    let text = std::fs::read_to_string(&proto).expect("proto");
    std::fs::write(
        &proto,
        text.replace("int32 available = 5;", "string available = 5;"),
    )
    .expect("write");
    contrail_e2e::git(
        repo.path(),
        &["commit", "--quiet", "-am", "available as text"],
    );
    assert_ok(&docs(&["shop", "--out", "out"], repo.path()));
    let page = std::fs::read_to_string(repo.path().join("out/events/stocklevelchanged.html"))
        .expect("page");
    let history = page
        .split("id=\"schema-history\"")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap_or_else(|| panic!("no schema history: {page}"));
    let rows: Vec<&str> = history
        .lines()
        .filter(|l| l.starts_with("<tr><td>"))
        .collect();
    assert_eq!(rows.len(), 2, "{history}");
    assert!(
        rows[0].contains("available as text")
            && rows[0].contains("incompatible (BACKWARD_TRANSITIVE)")
            && rows[0].contains("available"),
        "{history}"
    );
    assert!(rows[1].contains("shop v1") && rows[1].contains("oldest version shown"));
}

#[test]
fn names_cannot_leave_the_output_directory() {
    let root = tempfile::tempdir().expect("tempdir");
    let catalog = root.path().join("catalog");
    std::fs::create_dir_all(catalog.join("events")).expect("mkdir");
    std::fs::create_dir_all(catalog.join("services")).expect("mkdir");
    std::fs::write(catalog.join("contrail.yaml"), "catalog: \"<b>evil</b>\"\n").expect("write");
    std::fs::write(
        catalog.join("events/etc.yaml"),
        "event: ../../etc\ndescription: \"<script>alert(1)</script>\"\ntopic: ../../topic\nowner: ../../owner\n",
    )
    .expect("write");
    std::fs::write(
        catalog.join("services/s.yaml"),
        "service: \"a/b:c\\\\d\"\nowner: /abs\nproduces:\n  - event: ../../etc\n",
    )
    .expect("write");
    let out = root.path().join("out");
    let output = docs(&["catalog", "--out", "out"], root.path());
    assert_ok(&output);
    let everything = files(root.path());
    let outside: Vec<&String> = everything
        .iter()
        .filter(|f| !f.starts_with("out/") && !f.starts_with("catalog/"))
        .collect();
    assert!(outside.is_empty(), "written outside --out: {outside:?}");
    let site = files(&out);
    for expected in [
        "events/etc.html",
        "services/a-b-c-d.html",
        "topics/topic.html",
        "owners/owner.html",
        "owners/abs.html",
    ] {
        assert!(site.iter().any(|f| f == expected), "{expected} in {site:?}");
    }
    let event = std::fs::read_to_string(out.join("events/etc.html")).expect("page");
    assert!(
        event.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{event}"
    );
    assert!(!event.contains("<script>alert"), "{event}");
    assert!(event.contains("&lt;b&gt;evil&lt;/b&gt;"), "{event}");
}

/// Past the size a drawing is refused at (300 nodes), the system page points at smaller
/// drawings instead of a Mermaid text no renderer draws, and every page is still written.
#[test]
fn a_system_too_large_to_draw_gets_a_pointer_instead_of_mermaid() {
    let root = tempfile::tempdir().expect("tempdir");
    let catalog = root.path().join("catalog");
    std::fs::create_dir_all(catalog.join("events")).expect("mkdir");
    std::fs::create_dir_all(catalog.join("services")).expect("mkdir");
    std::fs::write(catalog.join("contrail.yaml"), "catalog: big\n").expect("write");
    // 110 services each producing one event on its own topic: 330 nodes.
    for i in 0..110 {
        std::fs::write(
            catalog.join(format!("events/e{i}.yaml")),
            format!("event: Event{i}\ntopic: topic.{i}\n"),
        )
        .expect("write");
        std::fs::write(
            catalog.join(format!("services/s{i}.yaml")),
            format!("service: service{i}\nproduces:\n  - event: Event{i}\n"),
        )
        .expect("write");
    }
    let output = docs(&["catalog", "--out", "out", "--markdown"], root.path());
    assert_ok(&output);
    let site = files(&root.path().join("out"));
    // index, system, findings, search (no .md), 330 node pages, the assets, each page's .md.
    assert_eq!(site.len(), 2 * (3 + 330) + 1 + 3, "{site:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("wrote {} files", site.len())),
        "{stdout}"
    );
    let system = std::fs::read_to_string(root.path().join("out/system.md")).expect("page");
    assert!(!system.contains("```mermaid"), "{system}");
    assert!(
        system.contains("The whole system has 330 services, events and topics"),
        "{system}"
    );
    assert!(system.contains("contrail graph --focus NAME"), "{system}");
}

const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
];

/// Chromium on `url`: the DOM after load, and the console lines it logged.
fn chromium(profile: &Path, extra: &[&str], url: &str) -> (String, Vec<String>) {
    let output = Command::new("chromium")
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let console = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .map(str::to_owned)
        .collect();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        console,
    )
}

/// The values of `attribute="..."` in `html`.
fn attributes<'h>(html: &'h str, attribute: &str) -> Vec<&'h str> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn chromium_opens_every_page() {
    if Command::new("chromium").arg("--version").output().is_err() {
        // scripts/test.sh installs Chromium and sets this, so CI never skips the check.
        assert!(
            std::env::var_os("CONTRAIL_REQUIRE_CHROMIUM").is_none(),
            "chromium is not on PATH (apt-get install chromium)"
        );
        eprintln!("chromium is not installed; scripts/test.sh installs it");
        return;
    }
    let site = shop_site();
    let root = site.path();
    let profile = tempfile::tempdir().expect("tempdir");
    let pages: Vec<String> = files(root)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    let mut checked = BTreeSet::new();
    for page in &pages {
        let path = root.join(page);
        let (dom, console) = chromium(profile.path(), &["--dump-dom"], &file_url(&path));
        assert!(console.is_empty(), "{page}: console says {console:?}");
        assert!(dom.contains("<main>"), "{page}: {dom}");
        assert!(dom.contains("index.html"), "{page} links back to the index");
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let links = attributes(&dom, "href")
            .into_iter()
            .chain(attributes(&dom, "src"))
            .chain(attributes(&dom, "action"));
        for link in links {
            assert!(
                !link.contains("://") && !link.starts_with("//"),
                "{page}: the site links outside itself: {link}"
            );
            let link = link.split('?').next().unwrap_or_default();
            let (file, anchor) = match link.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (link, None),
            };
            let target: PathBuf = if file.is_empty() {
                path.clone()
            } else {
                dir.join(file)
            };
            let target = target
                .canonicalize()
                .unwrap_or_else(|_| panic!("{page}: broken link {link}"));
            assert!(
                target.starts_with(root.canonicalize().expect("root")),
                "{page}: {link}"
            );
            if let Some(anchor) = anchor {
                let html = std::fs::read_to_string(&target).expect("target readable");
                assert!(
                    html.contains(&format!("id=\"{anchor}\"")),
                    "{page}: no #{anchor} in {}",
                    target.display()
                );
            }
            checked.insert(link.to_owned());
        }
    }
    assert!(checked.len() > 20, "few links checked: {checked:?}");

    // Search renders its results from ?q= on load, from file:// (no fetch).
    let url = format!("{}?q=amountMinor", file_url(&root.join("search.html")));
    let (dom, console) = chromium(profile.path(), &["--dump-dom"], &url);
    assert!(console.is_empty(), "search: console says {console:?}");
    assert!(
        dom.contains("<a href=\"events/orderplaced.html\">OrderPlaced</a>"),
        "{dom}"
    );
    assert!(dom.contains("total.amountMinor"), "{dom}");
    let url = format!(
        "{}?q=no-such-thing-anywhere",
        file_url(&root.join("search.html"))
    );
    let (dom, _) = chromium(profile.path(), &["--dump-dom"], &url);
    assert!(dom.contains("0 results"), "{dom}");

    // The schema table is in the page the browser built.
    let event = root.join("events/orderplaced.html");
    let (dom, _) = chromium(profile.path(), &["--dump-dom"], &file_url(&event));
    assert!(dom.contains("<table>") && dom.contains("<code>total.amountMinor</code>"));

    // Screenshots for a person to look at (not compared): desktop and phone widths.
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docs-site-screenshots");
    std::fs::create_dir_all(&artifacts).expect("mkdir");
    for (name, page, size) in [
        ("index.png", "index.html", "1200,1400"),
        ("event.png", "events/orderplaced.html", "1200,2400"),
        ("event-phone.png", "events/orderplaced.html", "390,1600"),
    ] {
        let shot = artifacts.join(name);
        let screenshot = format!("--screenshot={}", shot.display());
        let window = format!("--window-size={size}");
        chromium(
            profile.path(),
            &[&screenshot, &window, "--hide-scrollbars"],
            &file_url(&root.join(page)),
        );
        assert!(shot.is_file(), "{}", shot.display());
    }
    eprintln!("screenshots in {}", artifacts.display());
}
