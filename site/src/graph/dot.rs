//! The graph in Graphviz's DOT language, for `dot -Tsvg` and every tool that reads DOT.

use std::fmt::Write as _;

use contrail_contracts::graph::{EdgeKind, NodeKind};

use super::View;
use super::observed::{edge_label, undeclared_label};
use super::style::{UNDECLARED_PAINT, edge_paint, observed_paint, paint};

/// The view as a DOT digraph: services as rounded boxes, events as ellipses, topics as
/// cylinders, events no contract declares dashed, and one cluster per owner when grouping.
pub fn to_dot(view: &View<'_>) -> String {
    let mut out = String::from(
        "digraph contrail {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11, style=filled];\n  edge [fontname=\"Helvetica\", fontsize=9, color=\"#6c757d\"];\n",
    );
    let mut clusters: Vec<(&str, Vec<String>)> = Vec::new();
    for (index, node) in view.nodes() {
        let p = paint(node, view.mark(index));
        let shape = match node.kind {
            NodeKind::Service => "box",
            NodeKind::Event => "ellipse",
            NodeKind::Topic => "cylinder",
        };
        let mut style = vec!["filled"];
        if node.kind == NodeKind::Service {
            style.push("rounded");
        }
        if p.dashed {
            style.push("dashed");
        }
        let mut line = format!(
            "{} [label={}, shape={shape}, style={}, fillcolor=\"{}\", color=\"{}\", fontcolor=\"{}\"",
            quote(&node.id()),
            quote(&node.name),
            quote(&style.join(",")),
            p.fill,
            p.stroke,
            p.text,
        );
        if p.thick {
            line.push_str(", penwidth=2.5");
        }
        line.push_str("];");
        match view.cluster(index) {
            Some(owner) => match clusters.iter_mut().find(|(o, _)| *o == owner) {
                Some((_, lines)) => lines.push(line),
                None => clusters.push((owner, vec![line])),
            },
            None => {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    for (i, (owner, lines)) in clusters.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{i} {{\n    label={};\n    style=\"rounded,dashed\";\n    color=\"#adb5bd\";",
            quote(owner)
        );
        for line in lines {
            let _ = writeln!(out, "    {line}");
        }
        out.push_str("  }\n");
    }
    for (from, to, edge) in view.edges() {
        let mut attributes = Vec::new();
        if let Some(label) = edge_label(view, from, to, edge) {
            attributes.push(format!("label={}", quote(&label)));
        }
        if edge.kind == EdgeKind::PublishedOn {
            attributes.push("arrowhead=none".to_owned());
        }
        let seen = view.observation(from, to, edge).map(|c| c.count());
        let look = edge_paint(view.edge_mark(from, to, edge)).or(observed_paint(seen));
        // One `style`: a removed edge is dashed whatever its kind, a topic edge dotted.
        match (look, edge.kind) {
            (Some(look), _) if look.dashed => attributes.push("style=dashed".to_owned()),
            (_, EdgeKind::PublishedOn) => attributes.insert(0, "style=dotted".to_owned()),
            _ => {}
        }
        if let Some(look) = look {
            attributes.push(format!("color=\"{}\"", look.stroke));
            attributes.push(format!("fontcolor=\"{}\"", look.stroke));
            if look.thick {
                attributes.push("penwidth=2.5".to_owned());
            }
        }
        let _ = write!(
            out,
            "  {} -> {}",
            quote(&view.graph.node(from).id()),
            quote(&view.graph.node(to).id())
        );
        if !attributes.is_empty() {
            let _ = write!(out, " [{}]", attributes.join(", "));
        }
        out.push_str(";\n");
    }
    // Undeclared edges a trace saw: no constraint, so they do not change the layering the
    // declarations give.
    for edge in view.undeclared_edges() {
        let look = UNDECLARED_PAINT;
        let _ = writeln!(
            out,
            "  {} -> {} [label={}, style=dashed, color=\"{}\", fontcolor=\"{}\", penwidth=2.5, constraint=false];",
            quote(&view.graph.node(edge.from).id()),
            quote(&view.graph.node(edge.to).id()),
            quote(&undeclared_label(&edge.observation)),
            look.stroke,
            look.stroke,
        );
    }
    out.push_str("}\n");
    out
}

/// A DOT quoted string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoting_survives_any_name() {
        assert_eq!(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }
}
