//! `contrail docs --observed`: what a trace saw, on the pages of the events and services it
//! concerns — each declared hop with how often it was seen and how long it took, and the hops
//! nobody declared. The drift findings (CO codes) reach the pages' "Findings" sections the way
//! every finding does.

use contrail_contracts::graph::NodeKind;
use contrail_contracts::observe::drift::{Observation, ObservedGraph};
use petgraph::graph::NodeIndex;

use super::doc::{Block, Inline, Line};
use super::pages::Site;

const HEAD: [&str; 7] = [
    "Consumed",
    "By",
    "Then produced",
    "Seen",
    "p50 ms",
    "p90 ms",
    "p99 ms",
];

impl Site<'_> {
    /// The "Traffic" section of an event's or a service's page, when the site shows a trace.
    pub(crate) fn traffic_section(&self, index: NodeIndex, blocks: &mut Vec<Block>) {
        let Some(observed) = self.observed() else {
            return;
        };
        let kind = self.graph().node(index).kind;
        blocks.push(Block::Heading {
            level: 2,
            text: "Traffic".to_owned(),
            id: "traffic".to_owned(),
        });
        let mut rows: Vec<Vec<Line>> = Vec::new();
        for consumption in observed.consumptions() {
            let concerns = match kind {
                NodeKind::Event => {
                    consumption.event == index
                        || consumption.produced.iter().any(|(p, _)| *p == index)
                }
                NodeKind::Service => consumption.service == index,
                NodeKind::Topic => false,
            };
            if !concerns {
                continue;
            }
            for (produced, observation) in &consumption.produced {
                if kind == NodeKind::Event && consumption.event != index && *produced != index {
                    continue;
                }
                rows.push(self.row(
                    consumption.event,
                    Some(consumption.service),
                    *produced,
                    observation,
                ));
            }
        }
        let undeclared: Vec<Vec<Line>> = observed
            .undeclared
            .iter()
            .filter(|e| kind == NodeKind::Event && (e.from == index || e.to == index))
            .map(|e| self.row(e.from, None, e.to, &e.observation))
            .collect();
        if rows.is_empty() && undeclared.is_empty() {
            blocks.push(Block::Para(vec![Inline::text(
                "The trace saw nothing here: no hop it measured starts or ends at this page.",
            )]));
            return;
        }
        blocks.push(Block::Para(vec![Inline::text(
            "Each hop as the trace saw it: a record of the consumed event, then one of the event the service produced, in the same flow. A declared hop seen 0 times is a declaration the traffic did not follow.",
        )]));
        rows.extend(undeclared);
        blocks.push(Block::Table {
            head: HEAD.iter().map(|h| (*h).to_owned()).collect(),
            rows,
        });
    }

    fn row(
        &self,
        from: NodeIndex,
        by: Option<NodeIndex>,
        to: NodeIndex,
        observation: &Observation,
    ) -> Vec<Line> {
        let by = match by {
            Some(service) => vec![self.node_link(service)],
            None => vec![Inline::text(
                "undeclared: no service consumes the one and produces the other",
            )],
        };
        let number = |n: i64| vec![Inline::text(n.to_string())];
        let latency = &observation.latency_ms;
        let seen = observation.count;
        let mut row = vec![
            vec![self.node_link(from)],
            by,
            vec![self.node_link(to)],
            vec![Inline::text(seen.to_string())],
        ];
        if seen == 0 {
            row.extend([vec![], vec![], vec![]]);
        } else {
            row.extend([
                number(latency.p50),
                number(latency.p90),
                number(latency.p99),
            ]);
        }
        row
    }
}

/// The observation laid onto the graph, built once per site.
pub(crate) fn build(
    graph: &contrail_contracts::graph::CatalogGraph,
    report: Option<&contrail_contracts::observe::TraceReport>,
) -> Option<ObservedGraph> {
    report.map(|r| ObservedGraph::build(graph, r))
}
