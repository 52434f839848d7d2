//! The graph as one self-contained HTML page: the SVG inline, pan and zoom, and a side panel
//! with the facts of the node clicked. No external resources, so it works offline and from
//! `file://`.

use super::View;
use super::json::to_json;
use super::svg::escape;

/// A page showing `svg` (contrail's own drawing of `view`, or Graphviz's) with the facts of
/// `view` embedded as JSON (the document [`super::to_json`] writes).
pub fn to_html(view: &View<'_>, svg: &str) -> String {
    let facts = to_json(view).to_string();
    // `<` is escaped so the JSON can never close its script element.
    let facts = facts.replace('<', "\\u003c");
    let title = match &view.catalog.config.name {
        Some(name) => format!("{} — contrail graph", name.value),
        None => "contrail graph".to_owned(),
    };
    let mut out = String::with_capacity(svg.len() + facts.len() + PAGE_STYLE.len() + SCRIPT.len());
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape(&title)));
    out.push_str(PAGE_STYLE);
    out.push_str("</head>\n<body>\n<main>\n<div id=\"canvas\" tabindex=\"0\" aria-label=\"graph: drag to pan, wheel to zoom\">\n");
    out.push_str(&inline_svg(svg));
    out.push_str("</div>\n<div id=\"controls\"><button id=\"zoom-in\" title=\"zoom in\">+</button><button id=\"zoom-out\" title=\"zoom out\">&#8722;</button><button id=\"zoom-reset\" title=\"fit\">reset</button></div>\n");
    out.push_str("<aside id=\"panel\"><p class=\"hint\">Click a service, event or topic to see its facts.</p></aside>\n</main>\n");
    out.push_str("<script type=\"application/json\" id=\"contrail-facts\">");
    out.push_str(&facts);
    out.push_str("</script>\n");
    out.push_str(SCRIPT);
    out.push_str("</body>\n</html>\n");
    out
}

/// The `<svg>` element of an SVG document, without the XML prolog, doctype and namespace
/// declarations an inline SVG in HTML does not need.
fn inline_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let svg = &svg[start..];
    let Some(end) = svg.find('>') else {
        return svg.to_owned();
    };
    let (tag, rest) = svg.split_at(end);
    let mut kept = String::with_capacity(tag.len());
    let mut in_quotes = false;
    let mut attribute = String::new();
    // Split the start tag into attributes and drop `xmlns` and `xmlns:*`.
    for c in tag.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        if c.is_whitespace() && !in_quotes {
            if !attribute.starts_with("xmlns") && !attribute.is_empty() {
                if !kept.is_empty() {
                    kept.push(' ');
                }
                kept.push_str(&attribute);
            }
            attribute.clear();
        } else {
            attribute.push(c);
        }
    }
    if !attribute.starts_with("xmlns") && !attribute.is_empty() {
        kept.push(' ');
        kept.push_str(&attribute);
    }
    let mut out = kept;
    out.push_str(rest);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

const PAGE_STYLE: &str = "<style>
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --panel: #f6f8fa; --line: #d0d7de; }
@media (prefers-color-scheme: dark) { :root { --bg: #1b1f24; --fg: #e6edf3; --muted: #9198a1; --panel: #24292f; --line: #3d444d; } }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; }
main { display: flex; height: 100vh; position: relative; }
#canvas { flex: 1; overflow: hidden; cursor: grab; touch-action: none; min-width: 0; }
#canvas:active { cursor: grabbing; }
#canvas > svg { width: 100%; height: 100%; display: block; }
#canvas .node { cursor: pointer; }
#canvas .node.selected > :first-of-type { stroke-width: 4; }
#controls { position: absolute; left: 12px; top: 12px; display: flex; gap: 6px; }
#controls button { font: inherit; min-width: 36px; height: 36px; border-radius: 6px; border: 1px solid var(--line); background: var(--panel); color: var(--fg); cursor: pointer; }
#panel { width: 320px; overflow: auto; padding: 12px 16px; border-left: 1px solid var(--line); background: var(--panel); }
#panel h2 { font-size: 16px; margin: 4px 0 8px; word-break: break-all; }
#panel dl { margin: 0; }
#panel dt { color: var(--muted); font-size: 12px; margin-top: 8px; }
#panel dd { margin: 0; word-break: break-word; }
#panel ul { margin: 0; padding-left: 18px; }
#panel .hint { color: var(--muted); }
@media (max-width: 700px) {
  main { flex-direction: column; }
  #canvas { flex: 2; }
  #panel { width: auto; flex: 1; border-left: 0; border-top: 1px solid var(--line); }
}
</style>
";

const SCRIPT: &str = r#"<script>
(function () {
  "use strict";
  var facts = JSON.parse(document.getElementById("contrail-facts").textContent);
  var canvas = document.getElementById("canvas");
  var svg = canvas.querySelector("svg");
  var panel = document.getElementById("panel");
  if (!svg) { return; }
  var byId = {};
  facts.nodes.forEach(function (n) { byId[n.id] = n; });
  var vb = svg.viewBox.baseVal;
  var home = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
  var view = { x: home.x, y: home.y, w: home.w, h: home.h };
  if (!svg.getAttribute("viewBox")) {
    var w = parseFloat(svg.getAttribute("width")) || 800, h = parseFloat(svg.getAttribute("height")) || 600;
    home = { x: 0, y: 0, w: w, h: h };
    view = { x: 0, y: 0, w: w, h: h };
  }
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  function apply() { svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" ")); }
  function scale() {
    var r = svg.getBoundingClientRect();
    return Math.max(view.w / (r.width || 1), view.h / (r.height || 1));
  }
  function zoom(factor, cx, cy) {
    var r = svg.getBoundingClientRect();
    var s = scale();
    var px = cx === undefined ? view.x + view.w / 2 : view.x + (cx - r.left) * s - (r.width * s - view.w) / 2;
    var py = cy === undefined ? view.y + view.h / 2 : view.y + (cy - r.top) * s - (r.height * s - view.h) / 2;
    var nw = Math.min(Math.max(view.w / factor, home.w / 40), home.w * 10);
    var k = nw / view.w;
    view.x = px - (px - view.x) * k;
    view.y = py - (py - view.y) * k;
    view.w = nw;
    view.h = view.h * k;
    apply();
  }
  apply();
  var drag = null;
  canvas.addEventListener("pointerdown", function (e) {
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
  });
  canvas.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; }
    var s = scale();
    view.x = drag.vx - dx * s;
    view.y = drag.vy - dy * s;
    apply();
  });
  function end() { setTimeout(function () { drag = null; }, 0); }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("pointerleave", end);
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX, e.clientY);
  }, { passive: false });
  document.getElementById("zoom-in").addEventListener("click", function () { zoom(1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoom(1 / 1.25); });
  document.getElementById("zoom-reset").addEventListener("click", function () {
    view = { x: home.x, y: home.y, w: home.w, h: home.h };
    apply();
  });
  canvas.addEventListener("keydown", function (e) {
    if (e.key === "+" || e.key === "=") { zoom(1.25); }
    if (e.key === "-") { zoom(1 / 1.25); }
    if (e.key === "0") { view = { x: home.x, y: home.y, w: home.w, h: home.h }; apply(); }
  });
  function nodeId(el) {
    for (; el && el !== svg; el = el.parentNode) {
      if (el.id && byId[el.id]) { return el.id; }
      var t = el.querySelector && el.querySelector(":scope > title");
      if (t && byId[t.textContent]) { return t.textContent; }
    }
    return null;
  }
  function add(parent, tag, text) {
    var el = document.createElement(tag);
    if (text !== undefined) { el.textContent = text; }
    parent.appendChild(el);
    return el;
  }
  function list(dl, label, items) {
    if (!items.length) { return; }
    add(dl, "dt", label);
    var ul = add(add(dl, "dd"), "ul");
    items.forEach(function (i) { add(ul, "li", i); });
  }
  function name(id) { return byId[id] ? byId[id].name : id; }
  function consumption(e, who) {
    var s = who;
    if (e.group) { s += " as " + e.group; }
    if (e.reads) { s += ", reads " + e.reads.join(", "); }
    if (e.reader_schema) { s += " (reader schema " + e.reader_schema + ")"; }
    if (e.observed) { s += "; " + traffic(e.observed); }
    return s;
  }
  function traffic(o) {
    if (!o.count) { return "not seen"; }
    return "seen " + o.count + "\u00d7" + (o.p50_ms !== undefined ? ", p50 " + o.p50_ms + " ms" : "");
  }
  function show(id) {
    var n = byId[id];
    panel.textContent = "";
    add(panel, "h2", n.name);
    var dl = add(panel, "dl");
    add(dl, "dt", "kind");
    add(dl, "dd", n.kind + (n.dangling ? " (named by a service, declared by no contract)" : ""));
    if (n.owner) { add(dl, "dt", "owner"); add(dl, "dd", n.owner); }
    if (n.topic) { add(dl, "dt", "topic"); add(dl, "dd", n.topic); }
    if (n.mark) { add(dl, "dt", "mark"); add(dl, "dd", n.mark); }
    var from = facts.edges.filter(function (e) { return e.from === id; });
    var to = facts.edges.filter(function (e) { return e.to === id; });
    if (n.kind === "event") {
      list(dl, "producers", to.filter(function (e) { return e.kind === "produces"; }).map(function (e) { return name(e.from); }));
      list(dl, "consumers", from.filter(function (e) { return e.kind === "consumes"; }).map(function (e) { return consumption(e, name(e.to)); }));
      list(dl, "undeclared, seen after it", from.filter(function (e) { return e.kind === "observed"; }).map(function (e) { return name(e.to) + ": " + traffic(e.observed); }));
      list(dl, "undeclared, seen before it", to.filter(function (e) { return e.kind === "observed"; }).map(function (e) { return name(e.from) + ": " + traffic(e.observed); }));
    } else if (n.kind === "service") {
      list(dl, "produces", from.filter(function (e) { return e.kind === "produces"; }).map(function (e) { return name(e.to); }));
      list(dl, "consumes", to.filter(function (e) { return e.kind === "consumes"; }).map(function (e) { return consumption(e, name(e.from)); }));
    } else {
      list(dl, "events", to.filter(function (e) { return e.kind === "published-on"; }).map(function (e) { return name(e.from); }));
    }
    add(dl, "dt", "id");
    add(dl, "dd", id);
    var old = svg.querySelectorAll(".selected");
    for (var i = 0; i < old.length; i++) { old[i].classList.remove("selected"); }
    var g = svg.getElementById ? svg.getElementById(id) : null;
    if (g) { g.classList.add("selected"); }
  }
  svg.addEventListener("click", function (e) {
    if (drag && drag.moved) { return; }
    var id = nodeId(e.target);
    if (id) { show(id); }
  });
})();
</script>
"#;

#[cfg(test)]
mod tests {
    use super::inline_svg;

    #[test]
    fn inline_svg_drops_the_prolog_and_namespaces() {
        let svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"\n xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 1 1\"><g/></svg>\n";
        assert_eq!(
            inline_svg(svg),
            "<svg width=\"10\" viewBox=\"0 0 1 1\"><g/></svg>\n"
        );
    }
}
