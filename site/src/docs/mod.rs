//! The generated documentation site: a static set of pages from a loaded catalog, its graph and
//! its findings (`contrail docs`).
//!
//! Pure like the rest of the crate: [`render_site`] returns the pages as relative paths and
//! bytes ([`render_site_into`] hands them over one at a time); the CLI writes them. Pages:
//! `index.html`, `system.html`, `findings.html`, `search.html`, and one page per event,
//! service, owner and topic under `events/`, `services/`, `owners/` and `topics/`, plus
//! `style.css`, `search.js` and `search-index.js`.
//! With [`SiteOptions::markdown`] every page also comes as `.md` beside it.
//!
//! File names come from [`slug`]: only `[a-z0-9._-]`, never starting with a dot, so no name
//! in a catalog can make a path leave the site; names that slug alike are told apart with
//! `-2`, `-3` in name order. Output is deterministic: everything is listed in catalog or name
//! order.

mod doc;
mod pages;
mod schema_table;
mod search;
mod traffic;

use std::collections::{BTreeMap, BTreeSet};

use contrail_contracts::Diagnostic;
use contrail_contracts::graph::{CatalogGraph, NodeKind};
use contrail_contracts::model::Catalog;
use doc::Doc;
use petgraph::graph::NodeIndex;

/// What [`render_site`] is asked for.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// The site's name in headers and titles; the catalog's `catalog:` name when `None`.
    pub title: Option<String>,
    /// Also emit a `.md` beside each page, for git forges.
    pub markdown: bool,
    /// Earlier versions of each event's schema file, by event name, newest first. The CLI
    /// reads them from git; the site only shows them.
    pub history: BTreeMap<String, Vec<SchemaRevision>>,
    /// A `contrail trace` report to show on the pages (`contrail docs --observed`): each
    /// event's and service's hops as the trace saw them.
    pub observed: Option<contrail_contracts::observe::TraceReport>,
}

/// One committed version of an event's schema file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaRevision {
    /// The abbreviated commit id.
    pub commit: String,
    /// The commit's date, `YYYY-MM-DD`.
    pub date: String,
    /// The commit message's first line.
    pub subject: String,
    /// The compatibility verdict against the version before it (`compatible (BACKWARD)`,
    /// `incompatible (BACKWARD): ...`), or `None` for the oldest version shown.
    pub verdict: Option<String>,
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Relative to the site's root, `/`-separated, never absolute and never with `..`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Why a site could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("building the search index: {0}")]
    SearchIndex(#[from] serde_json::Error),
}

/// Renders the documentation site of `catalog`. `findings` are shown on the pages of what they
/// point at and summed up on the index; a catalog with errors still renders. The pages come
/// sorted by path; [`render_site_into`] hands them over one at a time instead.
pub fn render_site(
    catalog: &Catalog,
    graph: &CatalogGraph,
    findings: &[Diagnostic],
    options: &SiteOptions,
) -> Result<Vec<Page>, SiteError> {
    let mut out = Vec::new();
    render_site_into(catalog, graph, findings, options, |page| {
        out.push(page);
        Ok::<(), SiteError>(())
    })?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// [`render_site`], handing each page to `sink` as soon as it is rendered, so the site of a
/// large catalog (134 MB for 10,000 events) never has to be in memory at once: what
/// `contrail docs` writes files with. The pages come in a fixed order (the index, system,
/// findings and search pages, then one page per node in catalog order, owners, assets), the
/// same set as [`render_site`]'s. Returns how many pages were handed over; the first error of
/// `sink` stops the rendering.
pub fn render_site_into<E: From<SiteError>>(
    catalog: &Catalog,
    graph: &CatalogGraph,
    findings: &[Diagnostic],
    options: &SiteOptions,
    mut sink: impl FnMut(Page) -> Result<(), E>,
) -> Result<usize, E> {
    let site = pages::Site::new(catalog, graph, findings, options);
    let mut count = 0;
    let mut emit = |page: Page| {
        count += 1;
        sink(page)
    };
    // Each document becomes its HTML page and, on request, its Markdown twin.
    let render = |d: Doc| {
        let html = Page {
            path: format!("{}.html", d.path),
            bytes: site.frame(&d).into_bytes(),
        };
        let markdown = (options.markdown && d.path != "search").then(|| Page {
            path: format!("{}.md", d.path),
            bytes: doc::to_markdown(&d).into_bytes(),
        });
        (html, markdown)
    };
    let entries = site.docs(render, |(html, markdown)| {
        emit(html)?;
        markdown.map_or(Ok(()), &mut emit)
    })?;
    emit(Page {
        path: "style.css".to_owned(),
        bytes: include_str!("assets/style.css").as_bytes().to_vec(),
    })?;
    emit(Page {
        path: "search.js".to_owned(),
        bytes: include_str!("assets/search.js").as_bytes().to_vec(),
    })?;
    let index = search::index_script(&entries)?;
    emit(Page {
        path: "search-index.js".to_owned(),
        bytes: index.into_bytes(),
    })?;
    Ok(count)
}

/// The graph drawn on a page: the focus graph (one hop around `focus`) on service, event and
/// topic pages, the whole system grouped by owner on the system page. `None` when the
/// drawing would be too large to read (the SVG renderer refuses it); the page then shows no
/// figure. The SVG escapes every name itself, so it is inserted as it is. The same view as
/// Mermaid is what the Markdown pages show.
pub(crate) fn graph_svg(
    catalog: &Catalog,
    graph: &CatalogGraph,
    focus: Option<NodeIndex>,
) -> Option<(String, String)> {
    let view = match focus {
        Some(node) => crate::graph::View::focus(catalog, graph, node, 1),
        None => {
            crate::graph::View::whole(catalog, graph).with_group_by(crate::graph::GroupBy::Owner)
        }
    };
    let svg = crate::graph::to_svg(&view).ok()?;
    Some((svg, crate::graph::to_mermaid(&view)))
}

/// A file name for `name`: lowercase ASCII letters, digits, `.`, `_` and `-`; every other run
/// of characters becomes one `-`; no leading or trailing `.` or `-`; at most 64 characters;
/// never empty and never a name Windows reserves. `../../etc` becomes `etc`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out
        .trim_matches(|c| c == '.' || c == '-')
        .chars()
        .take(64)
        .collect();
    while out.ends_with(['.', '-']) {
        out.pop();
    }
    if out.is_empty() {
        out.push('_');
    }
    let stem = out.split('.').next().unwrap_or("");
    const RESERVED: &[&str] = &[
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    if RESERVED.contains(&stem) {
        out.push('_');
    }
    out
}

/// File names for one directory of names: each name's [`slug`], with `-2`, `-3`… on names
/// whose slug an earlier name (in sorted order) took.
pub(crate) fn slugs<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let names: BTreeSet<&str> = names.into_iter().collect();
    let mut taken = BTreeSet::new();
    let mut out = BTreeMap::new();
    for name in names {
        let base = slug(name);
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(candidate.clone());
        out.insert(name.to_owned(), candidate);
    }
    out
}

/// The kinds of node pages.
pub(crate) fn directory(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Service => "services",
        NodeKind::Event => "events",
        NodeKind::Topic => "topics",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_never_leave_the_directory() {
        for (name, want) in [
            ("OrderPlaced", "orderplaced"),
            ("../../etc", "etc"),
            ("..", "_"),
            ("a/b\\c:d", "a-b-c-d"),
            ("shop.orders", "shop.orders"),
            ("...hidden", "hidden"),
            ("Ünïcode name", "n-code-name"),
            ("", "_"),
            ("CON", "con_"),
            ("nul.txt", "nul.txt_"),
        ] {
            assert_eq!(slug(name), want, "{name}");
        }
        for name in ["../../etc/passwd", "/abs", "C:\\x", "a\0b", "\u{202e}x"] {
            let s = slug(name);
            assert!(
                !s.contains(['/', '\\', ':', '\0']) && !s.starts_with('.'),
                "{s}"
            );
        }
    }

    #[test]
    fn colliding_slugs_are_told_apart_in_name_order() {
        let names = slugs(["Order", "order", "ORDER", "a/b", "a:b"]);
        assert_eq!(names["ORDER"], "order");
        assert_eq!(names["Order"], "order-2");
        assert_eq!(names["order"], "order-3");
        assert_eq!(names["a/b"], "a-b");
        assert_eq!(names["a:b"], "a-b-2");
    }
}
