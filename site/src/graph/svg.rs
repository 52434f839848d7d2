//! The graph as SVG, laid out by contrail itself ([`super::layout`]): no Graphviz needed.

use std::fmt::Write as _;

use contrail_contracts::graph::{EdgeKind, Node, NodeKind};

use super::View;
use super::layout::{self, CLUSTER_PAD, Input, Rect};
use super::observed::{edge_label, undeclared_label};
use super::style::{EdgePaint, UNDECLARED_PAINT, edge_paint, observed_paint, paint};

/// The most nodes a drawing shows: beyond this an SVG is no longer readable.
pub const MAX_DRAWN_NODES: usize = 300;

/// Why a view cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error(
        "the graph has {nodes} nodes, too many to draw readably (at most {max}); draw part of it: `--focus NAME --depth N` for the neighbourhood of one service, event or topic, or `--impact EVENT` for what a change reaches (`--format json` or `--format dot` still give the whole graph)"
    )]
    TooLarge { nodes: usize, max: usize },
}

/// Refuses views too large to draw readably.
pub fn check_size(view: &View<'_>) -> Result<(), DrawError> {
    if view.len() > MAX_DRAWN_NODES {
        return Err(DrawError::TooLarge {
            nodes: view.len(),
            max: MAX_DRAWN_NODES,
        });
    }
    Ok(())
}

const FONT_SIZE: f64 = 12.0;
/// A generous width for one character of the monospace font at [`FONT_SIZE`].
const CHAR_WIDTH: f64 = 7.4;
const LABEL_CHAR_WIDTH: f64 = 6.2;
const NODE_HEIGHT: f64 = 32.0;
/// Space between a node's label and its sides.
const PADDING: f64 = 14.0;
const FONT: &str = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";

/// The width of a node: its label plus padding (more for an event's round ends).
fn node_width(node: &Node) -> f64 {
    let text = text_width(&node.name, CHAR_WIDTH);
    let ends = match node.kind {
        NodeKind::Event => NODE_HEIGHT / 2.0,
        NodeKind::Service | NodeKind::Topic => 0.0,
    };
    (text + 2.0 * PADDING + ends).max(64.0)
}

fn text_width(text: &str, char_width: f64) -> f64 {
    text.chars().count() as f64 * char_width
}

/// The view as a standalone SVG document.
pub fn to_svg(view: &View<'_>) -> Result<String, DrawError> {
    check_size(view)?;
    let nodes: Vec<_> = view.nodes().collect();
    let mut cluster_names: Vec<&str> = Vec::new();
    let mut clusters = Vec::with_capacity(nodes.len());
    for &(index, _) in &nodes {
        clusters.push(view.cluster(index).map(|name| {
            match cluster_names.iter().position(|c| *c == name) {
                Some(c) => c,
                None => {
                    cluster_names.push(name);
                    cluster_names.len() - 1
                }
            }
        }));
    }
    let edges: Vec<_> = view.edges().collect();
    let undeclared = view.undeclared_edges();
    let labels: Vec<Option<String>> = edges
        .iter()
        .map(|&(from, to, edge)| edge_label(view, from, to, edge))
        .chain(
            undeclared
                .iter()
                .map(|e| Some(undeclared_label(&e.observation))),
        )
        .collect();
    let input = Input {
        sizes: nodes
            .iter()
            .map(|(_, node)| (node_width(node), NODE_HEIGHT))
            .collect(),
        clusters,
        edges: edges
            .iter()
            .map(|(from, to, _)| (*from, *to))
            .chain(undeclared.iter().map(|e| (e.from, e.to)))
            .map(|(from, to)| {
                (
                    view.position(from).unwrap_or(usize::MAX),
                    view.position(to).unwrap_or(usize::MAX),
                )
            })
            .collect(),
        labels: labels
            .iter()
            .map(|l| {
                l.as_deref()
                    .map_or(0.0, |l| text_width(l, LABEL_CHAR_WIDTH) + 12.0)
            })
            .collect(),
    };
    let laid = layout::layout(&input);

    let mut out = String::new();
    let (width, height) = (num(laid.width), num(laid.height));
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"contrail-graph\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"{FONT}\" font-size=\"{}\">",
        num(FONT_SIZE)
    );
    out.push_str(STYLE);
    out.push_str(
        "<defs><marker id=\"contrail-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>\n",
    );
    let _ = writeln!(
        out,
        "<rect class=\"background\" x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\"/>"
    );

    out.push_str("<g class=\"clusters\">\n");
    for (name, rect) in cluster_names.iter().zip(&laid.clusters) {
        let Some(rect) = rect else { continue };
        let _ = writeln!(
            out,
            "<g class=\"cluster\" id=\"cluster:{id}\"><title>owner {id}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/><text x=\"{}\" y=\"{}\">{id}</text></g>",
            num(rect.x),
            num(rect.y),
            num(rect.w),
            num(rect.h),
            num(rect.x + CLUSTER_PAD),
            num(rect.y + CLUSTER_PAD + 4.0),
            id = escape(name),
        );
    }
    out.push_str("</g>\n<g class=\"edges\">\n");
    for (((from, to, edge), route), label) in edges.iter().zip(&laid.routes).zip(&labels) {
        if route.points.is_empty() {
            continue;
        }
        let mark = view.edge_mark(*from, *to, edge);
        let observation = view.observation(*from, *to, edge);
        let look = edge_paint(mark).or(observed_paint(observation.map(|c| c.count())));
        let mut class = format!("edge {}", edge.kind.as_str());
        if let Some(mark) = mark {
            let _ = write!(class, " mark-{}", mark.as_str());
        }
        if let Some(observation) = observation {
            class.push_str(if observation.count() == 0 {
                " not-seen"
            } else {
                " seen"
            });
        }
        let (from, to) = (view.graph.node(*from), view.graph.node(*to));
        let _ = write!(
            out,
            "<g class=\"{class}\"><title>{} {} {}{}</title><path d=\"{}\"{}{}/>",
            escape(&from.id()),
            edge.kind.as_str(),
            escape(&to.id()),
            label
                .as_deref()
                .map_or_else(String::new, |l| format!(" as {}", escape(l))),
            path(&route.points),
            match edge.kind {
                EdgeKind::PublishedOn => "",
                EdgeKind::Produces | EdgeKind::Consumes => " marker-end=\"url(#contrail-arrow)\"",
            },
            inline_look(look),
        );
        edge_text(&mut out, label.as_deref(), &route.points);
        out.push_str("</g>\n");
    }
    for ((edge, route), label) in undeclared
        .iter()
        .zip(&laid.routes[edges.len().min(laid.routes.len())..])
        .zip(&labels[edges.len().min(labels.len())..])
    {
        if route.points.is_empty() {
            continue;
        }
        let (from, to) = (view.graph.node(edge.from), view.graph.node(edge.to));
        let _ = write!(
            out,
            "<g class=\"edge observed undeclared\"><title>{} observed {}{}</title><path d=\"{}\" marker-end=\"url(#contrail-arrow)\"{}/>",
            escape(&from.id()),
            escape(&to.id()),
            label
                .as_deref()
                .map_or_else(String::new, |l| format!(" as {}", escape(l))),
            path(&route.points),
            inline_look(Some(UNDECLARED_PAINT)),
        );
        edge_text(&mut out, label.as_deref(), &route.points);
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (&(index, node), rect) in nodes.iter().zip(&laid.boxes) {
        let mark = view.mark(index);
        let p = paint(node, mark);
        let mut class = format!("node {}", node.kind.as_str());
        if node.is_dangling() {
            class.push_str(" dangling");
        }
        if let Some(mark) = mark {
            let _ = write!(class, " mark-{}", mark.as_str());
        }
        let mut look = format!(
            "fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"",
            p.fill,
            p.stroke,
            if p.thick { "3" } else { "1.4" }
        );
        if p.dashed {
            look.push_str(" stroke-dasharray=\"5 3\"");
        }
        let _ = write!(
            out,
            "<g class=\"{class}\" id=\"{}\"><title>{}</title>",
            escape(&node.id()),
            escape(&title(view, index, node))
        );
        out.push_str(&shape(node.kind, rect, &look));
        let (cx, cy) = rect.centre();
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" dy=\"0.35em\" fill=\"{}\">{}</text></g>",
            num(cx),
            num(cy),
            p.text,
            escape(&node.name)
        );
    }
    out.push_str("</g>\n</svg>\n");
    Ok(out)
}

/// An edge's look as an inline `style`, so it beats the stylesheet's rules for every edge.
fn inline_look(look: Option<EdgePaint>) -> String {
    look.map_or_else(String::new, |look| {
        format!(
            " style=\"stroke:{};stroke-width:{}{}\"",
            look.stroke,
            if look.thick { "3" } else { "1.6" },
            if look.dashed {
                ";stroke-dasharray:5 3"
            } else {
                ""
            }
        )
    })
}

/// An edge's label, on its last segment.
fn edge_text(out: &mut String, label: Option<&str>, points: &[(f64, f64)]) {
    if let Some(label) = label
        && let [.., a, b] = points
    {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" dy=\"-0.3em\">{}</text>",
            num((a.0 + b.0) / 2.0),
            num((a.1 + b.1) / 2.0),
            escape(label)
        );
    }
}

const STYLE: &str = "<style>
.contrail-graph .background { fill: #ffffff; }
.contrail-graph .edge path { fill: none; stroke: #6c757d; stroke-width: 1.4; }
.contrail-graph .edge.published-on path { stroke-dasharray: 2 3; }
.contrail-graph .edge text { font-size: 10px; fill: #495057; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
.contrail-graph .cluster rect { fill: #f6f8fa; stroke: #adb5bd; stroke-dasharray: 5 3; }
.contrail-graph .cluster text { font-size: 11px; font-weight: bold; fill: #495057; }
.contrail-graph #contrail-arrow path { fill: #6c757d; }
@media (prefers-color-scheme: dark) {
  .contrail-graph .background { fill: #1b1f24; }
  .contrail-graph .edge path { stroke: #adb5bd; }
  .contrail-graph .edge text { fill: #dee2e6; stroke: #1b1f24; }
  .contrail-graph .cluster rect { fill: #24292f; stroke: #6c757d; }
  .contrail-graph .cluster text { fill: #ced4da; }
  .contrail-graph #contrail-arrow path { fill: #adb5bd; }
}
</style>
";

/// A node's outline: a rounded box for a service, a stadium for an event, a cylinder for a
/// topic (as in the DOT and Mermaid drawings).
fn shape(kind: NodeKind, r: &Rect, look: &str) -> String {
    let (x, y, w, h) = (num(r.x), num(r.y), num(r.w), num(r.h));
    match kind {
        NodeKind::Service => {
            format!("<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"6\" {look}/>")
        }
        NodeKind::Event => format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"{}\" {look}/>",
            num(r.h / 2.0)
        ),
        NodeKind::Topic => {
            let e = 5.0;
            let rx = num(r.w / 2.0);
            let (top, bottom, right) = (num(r.y + e), num(r.bottom() - e), num(r.right()));
            // The rim is the outline without the fill.
            let rim = look.split_once(' ').map_or(look, |(_, stroke)| stroke);
            format!(
                "<path d=\"M{x},{top} A{rx},{e} 0 0 1 {right},{top} V{bottom} A{rx},{e} 0 0 1 {x},{bottom} Z\" {look}/><path d=\"M{x},{top} A{rx},{e} 0 0 0 {right},{top}\" fill=\"none\" {rim}/>"
            )
        }
    }
}

/// What hovering over a node shows.
fn title(view: &View<'_>, index: petgraph::graph::NodeIndex, node: &Node) -> String {
    let mut title = format!("{} {}", node.kind.as_str(), node.name);
    if let Some(owner) = &node.owner {
        let _ = write!(title, "\nowner: {owner}");
    }
    if let Some(topic) = &node.topic {
        let _ = write!(title, "\ntopic: {topic}");
    }
    if node.is_dangling() {
        title.push_str("\nnamed by a service, declared by no contract");
    }
    if let Some(mark) = view.mark(index) {
        let _ = write!(title, "\n{}", mark.as_str());
    }
    title
}

/// An SVG path through `points`: smooth curves between layers, straight runs through them.
fn path(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let Some(&(x0, y0)) = points.first() else {
        return d;
    };
    let _ = write!(d, "M{},{}", num(x0), num(y0));
    for pair in points.windows(2) {
        let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
        if (bx - ax).abs() > 1.0 && (by - ay).abs() > 0.05 {
            let mx = num((ax + bx) / 2.0);
            let _ = write!(
                d,
                " C{mx},{} {mx},{} {},{}",
                num(ay),
                num(by),
                num(bx),
                num(by)
            );
        } else {
            let _ = write!(d, " L{},{}", num(bx), num(by));
        }
    }
    d
}

/// A coordinate rounded to one decimal, without a trailing `.0`.
pub(crate) fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if !rounded.is_finite() {
        return "0".to_owned();
    }
    let tenths = (rounded * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!(
            "{}{}.{}",
            if tenths < 0 { "-" } else { "" },
            (tenths / 10).abs(),
            (tenths % 10).abs()
        )
    }
}

/// Text safe in XML content and attribute values. Characters XML forbids become U+FFFD.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use contrail_contracts::graph::{Node, NodeKind};

    use super::{CHAR_WIDTH, NODE_HEIGHT, PADDING, escape, node_width, num, text_width};

    #[test]
    fn labels_fit_inside_their_boxes() {
        for kind in [NodeKind::Service, NodeKind::Event, NodeKind::Topic] {
            for name in [
                "a",
                "payments",
                "Entity00042ReservedAndThenSomeMore",
                "ünïcødé-名前",
            ] {
                let node = Node {
                    kind,
                    name: name.to_owned(),
                    owner: None,
                    topic: None,
                    declared: Some(0),
                };
                let inner = match kind {
                    // The stadium's round ends take half the height.
                    NodeKind::Event => node_width(&node) - NODE_HEIGHT / 2.0,
                    NodeKind::Service | NodeKind::Topic => node_width(&node),
                };
                assert!(
                    inner >= text_width(name, CHAR_WIDTH) + 2.0 * PADDING,
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn numbers_have_at_most_one_decimal() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(12.05), "12.1");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(-3.25), "-3.3");
        assert_eq!(num(-0.5), "-0.5");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn names_cannot_break_out_of_xml() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&#39;\u{fffd}&#10;"
        );
    }
}
