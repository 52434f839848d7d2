//! Which part of the graph a drawing shows, and what it marks.

use std::collections::{BTreeMap, BTreeSet};

use contrail_contracts::graph::diff::{DiffEdge, GraphDiff};
use contrail_contracts::graph::impact::Impact;
use contrail_contracts::graph::{CatalogGraph, Edge, Node, NodeKind};
use contrail_contracts::model::Catalog;
use contrail_contracts::observe::drift::{ObservedConsumption, ObservedGraph, UndeclaredEdge};
use petgraph::graph::NodeIndex;

/// How nodes are clustered in a drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupBy {
    #[default]
    None,
    /// One box per owning team; nodes without an owner stay outside.
    Owner,
}

/// What a node is in the question the drawing answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// The node a focused drawing is about.
    Focus,
    /// The event whose change is being weighed.
    Changed,
    /// A consumer that reads what changes.
    Direct,
    /// A service downstream of a direct consumer.
    Transitive,
    /// A consumer that may read what changes; nobody can tell.
    Unknown,
    /// A node or edge the current catalog has and the baseline had not.
    Added,
    /// A node or edge the baseline had and the current catalog has not.
    Removed,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Focus => "focus",
            Mark::Changed => "changed",
            Mark::Direct => "direct",
            Mark::Transitive => "transitive",
            Mark::Unknown => "unknown",
            Mark::Added => "added",
            Mark::Removed => "removed",
        }
    }
}

/// A drawable part of the catalog graph.
#[derive(Debug, Clone)]
pub struct View<'a> {
    pub catalog: &'a Catalog,
    pub graph: &'a CatalogGraph,
    nodes: Vec<NodeIndex>,
    marks: BTreeMap<NodeIndex, Mark>,
    pub group_by: GroupBy,
    /// For a diff: the baseline catalog, which edges from the baseline
    /// ([`Edge::baseline`]) index, and the diff that marks edges.
    baseline: Option<(&'a Catalog, &'a GraphDiff)>,
    /// A trace report laid onto the graph (`--observed`): counts and latencies on the
    /// `consumes` edges, and the undeclared edges seen.
    observed: Option<&'a ObservedGraph>,
}

impl<'a> View<'a> {
    /// The whole graph.
    pub fn whole(catalog: &'a Catalog, graph: &'a CatalogGraph) -> View<'a> {
        View {
            catalog,
            graph,
            nodes: graph.nodes().map(|(n, _)| n).collect(),
            marks: BTreeMap::new(),
            group_by: GroupBy::None,
            baseline: None,
            observed: None,
        }
    }

    /// `node` and everything within `depth` hops of it, either way.
    pub fn focus(
        catalog: &'a Catalog,
        graph: &'a CatalogGraph,
        node: NodeIndex,
        depth: usize,
    ) -> View<'a> {
        let mut nodes = graph.neighbourhood(node, depth);
        nodes.sort_unstable();
        View {
            catalog,
            graph,
            nodes,
            marks: BTreeMap::from([(node, Mark::Focus)]),
            group_by: GroupBy::None,
            baseline: None,
            observed: None,
        }
    }

    /// The changed event, the services the change reaches and the events between them.
    pub fn impact(catalog: &'a Catalog, graph: &'a CatalogGraph, impact: &Impact) -> View<'a> {
        let mut marks = BTreeMap::new();
        let mut mark = |kind, names: &[String], as_mark| {
            for name in names {
                if let Some(node) = graph.find(kind, name) {
                    marks.entry(node).or_insert(as_mark);
                }
            }
        };
        mark(
            NodeKind::Event,
            std::slice::from_ref(&impact.event),
            Mark::Changed,
        );
        mark(NodeKind::Service, &impact.direct, Mark::Direct);
        mark(NodeKind::Service, &impact.transitive, Mark::Transitive);
        mark(NodeKind::Service, &impact.unknown, Mark::Unknown);
        let mut nodes: BTreeSet<NodeIndex> = marks.keys().copied().collect();
        for event in &impact.events {
            if let Some(node) = graph.find(NodeKind::Event, event) {
                nodes.insert(node);
            }
        }
        View {
            catalog,
            graph,
            nodes: nodes.into_iter().collect(),
            marks,
            group_by: GroupBy::None,
            baseline: None,
            observed: None,
        }
    }

    /// What a change did to the system's shape, drawn on `merged` (the graph
    /// [`contrail_contracts::graph::diff::merged`] builds from `baseline` and `catalog`): the
    /// added and removed nodes, the ends of added and removed edges, and the direct neighbours
    /// of added and removed nodes, so a reviewer sees each change in its place.
    pub fn diff(
        catalog: &'a Catalog,
        baseline: &'a Catalog,
        merged: &'a CatalogGraph,
        diff: &'a GraphDiff,
    ) -> View<'a> {
        let mut marks = BTreeMap::new();
        let mut nodes = BTreeSet::new();
        for (index, node) in merged.nodes() {
            let id = node.id();
            let mark = if diff.added.has_node(&id) {
                Mark::Added
            } else if diff.removed.has_node(&id) {
                Mark::Removed
            } else {
                continue;
            };
            marks.insert(index, mark);
            nodes.extend(merged.neighbourhood(index, 1));
        }
        for edge in diff.added.edges.iter().chain(&diff.removed.edges) {
            nodes.extend(merged.find_id(&edge.from));
            nodes.extend(merged.find_id(&edge.to));
        }
        View {
            catalog,
            graph: merged,
            nodes: nodes.into_iter().collect(),
            marks,
            group_by: GroupBy::None,
            baseline: Some((baseline, diff)),
            observed: None,
        }
    }

    pub fn with_group_by(mut self, group_by: GroupBy) -> View<'a> {
        self.group_by = group_by;
        self
    }

    /// Draws what a trace observed on the view: see [`ObservedGraph`] for how edges event →
    /// event map onto the graph.
    pub fn with_observed(mut self, observed: &'a ObservedGraph) -> View<'a> {
        self.observed = Some(observed);
        self
    }

    /// The trace report laid onto the graph, with `--observed`.
    pub fn observed(&self) -> Option<&'a ObservedGraph> {
        self.observed
    }

    /// What the trace saw after a `consumes` edge; `None` for other edges, without
    /// `--observed`, and for consumers that produce nothing (which a trace cannot see).
    pub fn observation(
        &self,
        from: NodeIndex,
        to: NodeIndex,
        edge: &Edge,
    ) -> Option<&'a ObservedConsumption> {
        if edge.kind != contrail_contracts::graph::EdgeKind::Consumes || edge.baseline {
            return None;
        }
        self.observed?.consumption(from, to)
    }

    /// The undeclared edges event → event the trace saw between drawn events, in report
    /// order. Drawn after the graph's own edges, in a style of their own.
    pub fn undeclared_edges(&self) -> Vec<&'a UndeclaredEdge> {
        self.observed.map_or_else(Vec::new, |observed| {
            observed
                .undeclared
                .iter()
                .filter(|e| self.contains(e.from) && self.contains(e.to))
                .collect()
        })
    }

    /// The nodes drawn, in graph order.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, &'a Node)> + '_ {
        self.nodes.iter().map(|&n| (n, self.graph.node(n)))
    }

    /// The edges between drawn nodes, in graph order.
    pub fn edges(&self) -> impl Iterator<Item = (NodeIndex, NodeIndex, &'a Edge)> + '_ {
        let graph: &'a CatalogGraph = self.graph;
        graph.edges_within(&self.nodes).into_iter()
    }

    pub fn contains(&self, node: NodeIndex) -> bool {
        self.position(node).is_some()
    }

    /// Where `node` is among the drawn nodes.
    pub fn position(&self, node: NodeIndex) -> Option<usize> {
        self.nodes.binary_search(&node).ok()
    }

    /// How many nodes are drawn.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn mark(&self, node: NodeIndex) -> Option<Mark> {
        self.marks.get(&node).copied()
    }

    /// The cluster a node is drawn in, if any: its owner when grouping by owner.
    pub fn cluster(&self, node: NodeIndex) -> Option<&'a str> {
        match self.group_by {
            GroupBy::None => None,
            GroupBy::Owner => self.graph.node(node).owner.as_deref(),
        }
    }

    /// The consumer group of a consumes edge, if declared.
    pub fn group(&self, edge: &Edge) -> Option<&'a str> {
        let consumes = self.consumes(edge)?;
        consumes.group.as_ref().map(|g| g.value.as_str())
    }

    /// Whether a diff added or removed an edge; `None` for unchanged edges and other views.
    pub fn edge_mark(&self, from: NodeIndex, to: NodeIndex, edge: &Edge) -> Option<Mark> {
        let (_, diff) = self.baseline?;
        let key = DiffEdge {
            from: self.graph.node(from).id(),
            to: self.graph.node(to).id(),
            kind: edge.kind,
            group: self.group(edge).map(str::to_owned),
        };
        if edge.baseline {
            diff.removed.has_edge(&key).then_some(Mark::Removed)
        } else {
            diff.added.has_edge(&key).then_some(Mark::Added)
        }
    }

    /// The `consumes` entry an edge stands for.
    pub fn consumes(&self, edge: &Edge) -> Option<&'a contrail_contracts::model::Consumes> {
        let catalog: &'a Catalog = match self.baseline {
            Some((baseline, _)) if edge.baseline => baseline,
            _ => self.catalog,
        };
        catalog
            .services
            .get(edge.service?)?
            .consumes
            .get(edge.consumes?)
    }
}
