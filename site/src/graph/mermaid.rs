//! The graph as a Mermaid flowchart, which GitHub and GitLab render inline in Markdown (pull
//! request comments, READMEs, job summaries).

use std::fmt::Write as _;

use contrail_contracts::graph::{EdgeKind, NodeKind};
use petgraph::graph::NodeIndex;

use super::View;
use super::observed::{edge_label, undeclared_label};
use super::style::{EdgePaint, Paint, UNDECLARED_PAINT, edge_paint, observed_paint, paint};

/// The view as a `flowchart LR`: services as rounded boxes, events as stadiums, topics as
/// cylinders; one subgraph per owner when grouping; one class per look.
pub fn to_mermaid(view: &View<'_>) -> String {
    let mut out = String::from("flowchart LR\n");
    // Mermaid ids are short and safe (the node's position in the view); labels carry the
    // names.
    let ids: Vec<String> = (0..view.len()).map(|i| format!("n{i}")).collect();
    let id_of = |node: NodeIndex| view.position(node).map_or("", |p| ids[p].as_str());
    let mut looks: Vec<(Paint, Vec<&str>)> = Vec::new();
    let mut clusters: Vec<(&str, Vec<String>)> = Vec::new();
    for ((index, node), id) in view.nodes().zip(&ids) {
        let label = escape(&node.name);
        let shape = match node.kind {
            NodeKind::Service => format!("{id}(\"{label}\")"),
            NodeKind::Event => format!("{id}([\"{label}\"])"),
            NodeKind::Topic => format!("{id}[(\"{label}\")]"),
        };
        match view.cluster(index) {
            Some(owner) => match clusters.iter_mut().find(|(o, _)| *o == owner) {
                Some((_, shapes)) => shapes.push(shape),
                None => clusters.push((owner, vec![shape])),
            },
            None => {
                let _ = writeln!(out, "  {shape}");
            }
        }
        let look = paint(node, view.mark(index));
        match looks.iter_mut().find(|(p, _)| *p == look) {
            Some((_, members)) => members.push(id),
            None => looks.push((look, vec![id])),
        }
    }
    for (i, (owner, shapes)) in clusters.iter().enumerate() {
        let _ = writeln!(out, "  subgraph g{i}[\"{}\"]", escape(owner));
        for shape in shapes {
            let _ = writeln!(out, "    {shape}");
        }
        out.push_str("  end\n");
    }
    // Mermaid styles links by their position among the links drawn.
    let mut link_looks: Vec<(usize, EdgePaint)> = Vec::new();
    let mut links = 0;
    for (from, to, edge) in view.edges() {
        let seen = view.observation(from, to, edge).map(|c| c.count());
        if let Some(look) = edge_paint(view.edge_mark(from, to, edge)).or(observed_paint(seen)) {
            link_looks.push((links, look));
        }
        let label = edge_label(view, from, to, edge);
        let (from, to) = (id_of(from), id_of(to));
        let _ = match (edge.kind, label) {
            (EdgeKind::PublishedOn, _) => writeln!(out, "  {from} -.- {to}"),
            (_, Some(label)) => writeln!(out, "  {from} -->|\"{}\"| {to}", escape(&label)),
            (_, None) => writeln!(out, "  {from} --> {to}"),
        };
        links += 1;
    }
    // Undeclared edges a trace saw: dotted arrows, styled below.
    for edge in view.undeclared_edges() {
        let _ = writeln!(
            out,
            "  {} -.->|\"{}\"| {}",
            id_of(edge.from),
            escape(&undeclared_label(&edge.observation)),
            id_of(edge.to)
        );
        link_looks.push((links, UNDECLARED_PAINT));
        links += 1;
    }
    for (i, (look, members)) in looks.iter().enumerate() {
        let mut style = format!(
            "fill:{},stroke:{},color:{}",
            look.fill, look.stroke, look.text
        );
        if look.dashed {
            style.push_str(",stroke-dasharray:5 3");
        }
        if look.thick {
            style.push_str(",stroke-width:3px");
        }
        let _ = writeln!(out, "  classDef k{i} {style}");
        let _ = writeln!(out, "  class {} k{i}", members.join(","));
    }
    for (i, look) in link_looks {
        let mut style = format!("stroke:{},color:{}", look.stroke, look.stroke);
        style.push_str(if look.thick {
            ",stroke-width:3px"
        } else {
            ",stroke-width:1.5px"
        });
        if look.dashed {
            style.push_str(",stroke-dasharray:5 3");
        }
        let _ = writeln!(out, "  linkStyle {i} {style}");
    }
    out
}

/// A label Mermaid shows as written: quotes and markup characters as entity codes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(escape("a\"<b>#c"), "a#quot;#lt;b#gt;#35;c");
    }
}
