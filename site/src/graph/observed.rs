//! How `--observed` reads on a drawing: the labels of observed `consumes` edges and of
//! undeclared edges, shared by DOT, Mermaid, SVG and the text listing.

use contrail_contracts::graph::{CatalogGraph, Edge, EdgeKind};
use contrail_contracts::observe::drift::{Observation, ObservedConsumption};
use petgraph::graph::NodeIndex;

use super::View;

/// One edge's traffic: `8× p50 100 ms`, or `not seen`.
pub fn observation_label(observation: &Observation) -> String {
    if observation.count == 0 {
        "not seen".to_owned()
    } else {
        format!(
            "{}× p50 {} ms",
            observation.count, observation.latency_ms.p50
        )
    }
}

/// What the trace saw after a `consumes` edge A → S: the traffic of A → B when S produces one
/// event B (the drawing shows B next), else each produced event with its own
/// (`PaymentProcessed 9× p50 100 ms, PaymentFailed not seen`).
pub fn consumption_label(graph: &CatalogGraph, consumption: &ObservedConsumption) -> String {
    match consumption.produced.as_slice() {
        [(_, only)] => observation_label(only),
        several => several
            .iter()
            .map(|(event, o)| format!("{} {}", graph.node(*event).name, observation_label(o)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// An undeclared edge's label: its traffic, and that nobody declares it.
pub(super) fn undeclared_label(observation: &Observation) -> String {
    format!("{}, undeclared", observation_label(observation))
}

/// The label of a graph edge in a drawing: a `consumes` edge's group and, with `--observed`,
/// its traffic (`payments · 8× p50 100 ms`).
pub(super) fn edge_label(
    view: &View<'_>,
    from: NodeIndex,
    to: NodeIndex,
    edge: &Edge,
) -> Option<String> {
    if edge.kind != EdgeKind::Consumes {
        return None;
    }
    let group = view.group(edge);
    let traffic = view
        .observation(from, to, edge)
        .map(|c| consumption_label(view.graph, c));
    match (group, traffic) {
        (Some(group), Some(traffic)) => Some(format!("{group} · {traffic}")),
        (Some(group), None) => Some(group.to_owned()),
        (None, traffic) => traffic,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use contrail_contracts::graph::NodeKind;
    use contrail_contracts::model::Catalog;
    use contrail_contracts::observe::TraceReport;
    use contrail_contracts::observe::drift::{Observation, ObservedConsumption, ObservedGraph};
    use contrail_contracts::observe::latency::Percentiles;
    use contrail_contracts::{LoadOptions, load_catalog};

    use super::{View, consumption_label};
    use crate::graph::{to_dot, to_json, to_mermaid, to_svg};

    fn repo() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
    }

    fn shop() -> Catalog {
        match load_catalog(&repo().join("examples/shop"), LoadOptions::default()) {
            Ok(loaded) => loaded.catalog,
            Err(e) => panic!("the shop loads: {e}"),
        }
    }

    fn trace() -> TraceReport {
        let path = repo().join("tests/fixtures/observed/shop-trace.json");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("the fixture parses: {e}"))
    }

    #[test]
    fn a_service_producing_several_events_names_each() {
        let catalog = shop();
        let graph = catalog.graph();
        let event = |name| graph.find(NodeKind::Event, name).expect("event");
        let seen = Observation {
            count: 9,
            latency_ms: Percentiles {
                p50: 100,
                ..Percentiles::default()
            },
        };
        let consumption = ObservedConsumption {
            event: event("OrderPlaced"),
            service: graph.find(NodeKind::Service, "payments").expect("payments"),
            declaration: None,
            produced: vec![
                (event("PaymentProcessed"), seen),
                (event("OrderShipped"), Observation::default()),
            ],
        };
        assert_eq!(
            consumption_label(&graph, &consumption),
            "PaymentProcessed 9× p50 100 ms, OrderShipped not seen"
        );
    }

    #[test]
    fn every_format_draws_traffic_and_the_undeclared_edge() {
        let catalog = shop();
        let graph = catalog.graph();
        let observed = ObservedGraph::build(&graph, &trace());
        let view = View::whole(&catalog, &graph).with_observed(&observed);

        let dot = to_dot(&view);
        assert!(dot.contains(
            "\"event:OrderPlaced\" -> \"service:payments\" [label=\"payments · 8× p50 100 ms\"];"
        ));
        assert!(dot.contains(
            "\"event:OrderShipped\" -> \"service:orders\" [label=\"orders · not seen\", color=\"#e8590c\", fontcolor=\"#e8590c\"];"
        ));
        assert!(dot.contains(
            "\"event:PaymentProcessed\" -> \"event:OrderShipped\" [label=\"2× p50 300 ms, undeclared\", style=dashed, color=\"#7048e8\""
        ));

        let mermaid = to_mermaid(&view);
        assert!(
            mermaid.contains("-.->|\"2× p50 300 ms, undeclared\"|"),
            "{mermaid}"
        );
        assert!(
            mermaid.contains("stroke:#7048e8,color:#7048e8,stroke-width:3px,stroke-dasharray:5 3")
        );

        let svg = to_svg(&view).expect("draws");
        assert!(svg.contains(
            "<g class=\"edge observed undeclared\"><title>event:PaymentProcessed observed event:OrderShipped as 2× p50 300 ms, undeclared</title>"
        ));
        assert!(svg.contains("<g class=\"edge consumes not-seen\">"));

        let json = to_json(&view);
        let edges = json["edges"].as_array().expect("edges");
        let observed_edge = edges.last().expect("an edge");
        assert_eq!(observed_edge["kind"], "observed");
        assert_eq!(observed_edge["observed"]["count"], 2);
        assert_eq!(observed_edge["observed"]["p50_ms"], 300);
        let payments = edges
            .iter()
            .find(|e| e["to"] == "service:payments")
            .expect("payments consumes");
        assert_eq!(
            payments["observed"],
            serde_json::json!({"count": 8, "p50_ms": 100, "produced": [
                {"to": "event:PaymentProcessed", "count": 8,
                 "latency_ms": {"p50": 100, "p90": 160, "p99": 160, "max": 160}}]})
        );
        // Consumers that produce nothing carry no observation: a trace cannot see them.
        let notifications = edges
            .iter()
            .find(|e| e["to"] == "service:notifications")
            .expect("notifications consumes");
        assert!(notifications.get("observed").is_none());
    }

    #[test]
    fn without_observed_nothing_changes_and_a_focus_keeps_only_its_undeclared_edges() {
        let catalog = shop();
        let graph = catalog.graph();
        let observed = ObservedGraph::build(&graph, &trace());
        let plain = View::whole(&catalog, &graph);
        assert!(!to_dot(&plain).contains('×'));
        let payments = graph.find(NodeKind::Service, "payments").expect("payments");
        let focused = View::focus(&catalog, &graph, payments, 1).with_observed(&observed);
        // PaymentProcessed is within one hop of payments, OrderShipped is not.
        assert!(focused.undeclared_edges().is_empty());
        assert!(to_dot(&focused).contains("payments · 8× p50 100 ms"));
    }
}
