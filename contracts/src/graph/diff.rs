//! What a change does to the system's shape: the services, events, topics and edges one
//! catalog has that another has not (`contrail graph --diff`).
//!
//! Nodes are compared by id (`service:NAME`, `event:NAME`, `topic:NAME`), edges by their ends,
//! their kind and, for `consumes`, the consumer group: a consumer that moves to another group
//! is one edge removed and one added, because to the broker that is a new consumer that starts
//! reading from wherever its new group's offsets say. An owner or topic that changes is not a
//! change of shape here (a topic change shows as its `published-on` edge moving).
//!
//! [`merged`] builds the graph a drawing of the difference needs: the current graph plus what
//! only the baseline has, so removed services and edges can be drawn (struck out) too.

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;

use super::{CatalogGraph, Edge, EdgeKind};
use crate::model::Catalog;

/// An edge as a diff sees it: its ends by id, its kind, and its consumer group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DiffEdge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// A `consumes` edge's consumer group, when declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// Names (and edges) one side has and the other has not. Every list is sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Shape {
    pub services: Vec<String>,
    pub events: Vec<String>,
    pub topics: Vec<String>,
    pub edges: Vec<DiffEdge>,
}

impl Shape {
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
            && self.events.is_empty()
            && self.topics.is_empty()
            && self.edges.is_empty()
    }

    /// Whether the node with this id is listed.
    pub fn has_node(&self, id: &str) -> bool {
        let Some((kind, name)) = id.split_once(':') else {
            return false;
        };
        let names = match kind {
            "service" => &self.services,
            "event" => &self.events,
            "topic" => &self.topics,
            _ => return false,
        };
        names.binary_search_by(|n| n.as_str().cmp(name)).is_ok()
    }

    pub fn has_edge(&self, edge: &DiffEdge) -> bool {
        self.edges.binary_search(edge).is_ok()
    }
}

/// What changed between a baseline and the current catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GraphDiff {
    /// In the current catalog, not in the baseline.
    pub added: Shape,
    /// In the baseline, no longer in the current catalog.
    pub removed: Shape,
}

impl GraphDiff {
    /// Whether the shape did not change.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }

    /// The changes that touch the nodes `ids` (`graph --diff --focus`): those nodes, and the
    /// edges with an end among them.
    pub fn within(&self, ids: &BTreeSet<String>) -> GraphDiff {
        GraphDiff {
            added: self.added.within(ids),
            removed: self.removed.within(ids),
        }
    }
}

impl Shape {
    fn within(&self, ids: &BTreeSet<String>) -> Shape {
        let names = |kind: &str, names: &[String]| -> Vec<String> {
            names
                .iter()
                .filter(|name| ids.contains(&format!("{kind}:{name}")))
                .cloned()
                .collect()
        };
        Shape {
            services: names("service", &self.services),
            events: names("event", &self.events),
            topics: names("topic", &self.topics),
            edges: self
                .edges
                .iter()
                .filter(|edge| ids.contains(&edge.from) || ids.contains(&edge.to))
                .cloned()
                .collect(),
        }
    }
}

/// The difference between `baseline` and `current`, each a catalog with its graph.
pub fn diff(baseline: (&Catalog, &CatalogGraph), current: (&Catalog, &CatalogGraph)) -> GraphDiff {
    let (then_nodes, now_nodes) = (node_ids(baseline.1), node_ids(current.1));
    let (then_edges, now_edges) = (edge_set(baseline), edge_set(current));
    let shape = |nodes: &BTreeSet<String>,
                 without: &BTreeSet<String>,
                 edges: &BTreeSet<DiffEdge>,
                 without_edges: &BTreeSet<DiffEdge>| {
        let mut shape = Shape::default();
        for id in nodes.difference(without) {
            let Some((kind, name)) = id.split_once(':') else {
                continue;
            };
            let list = match kind {
                "service" => &mut shape.services,
                "event" => &mut shape.events,
                _ => &mut shape.topics,
            };
            list.push(name.to_owned());
        }
        shape.edges = edges.difference(without_edges).cloned().collect();
        shape
    };
    GraphDiff {
        added: shape(&now_nodes, &then_nodes, &now_edges, &then_edges),
        removed: shape(&then_nodes, &now_nodes, &then_edges, &now_edges),
    }
}

fn node_ids(graph: &CatalogGraph) -> BTreeSet<String> {
    graph.nodes().map(|(_, node)| node.id()).collect()
}

fn edge_set((catalog, graph): (&Catalog, &CatalogGraph)) -> BTreeSet<DiffEdge> {
    graph
        .edges()
        .map(|(from, to, edge)| diff_edge(catalog, graph, from, to, edge))
        .collect()
}

/// The diff's view of one edge of `graph`, whose declarations index into `catalog`.
pub fn diff_edge(
    catalog: &Catalog,
    graph: &CatalogGraph,
    from: petgraph::graph::NodeIndex,
    to: petgraph::graph::NodeIndex,
    edge: &Edge,
) -> DiffEdge {
    DiffEdge {
        from: graph.node(from).id(),
        to: graph.node(to).id(),
        kind: edge.kind,
        group: group(catalog, edge).map(str::to_owned),
    }
}

/// The consumer group a `consumes` edge declares, looked up in the catalog it came from.
pub fn group<'c>(catalog: &'c Catalog, edge: &Edge) -> Option<&'c str> {
    if edge.kind != EdgeKind::Consumes {
        return None;
    }
    let consumes = catalog
        .services
        .get(edge.service?)?
        .consumes
        .get(edge.consumes?)?;
    consumes.group.as_ref().map(|g| g.value.as_str())
}

/// The current graph with what only the baseline has added after it: the nodes the baseline
/// has and the current graph has not (in the baseline's order), and the baseline's edges the
/// current graph lacks, flagged [`Edge::baseline`] since their declarations index into the
/// baseline catalog. A node taken from the baseline keeps its baseline `declared` index too;
/// only drawings use this graph, and they tell such nodes by the diff's `removed` lists.
pub fn merged(
    baseline: (&Catalog, &CatalogGraph),
    current: (&Catalog, &CatalogGraph),
) -> CatalogGraph {
    let mut merged = current.1.clone();
    let (then_catalog, then) = baseline;
    for (_, node) in then.nodes() {
        merged.add(node.clone());
    }
    let now_edges: HashSet<DiffEdge> = edge_set(current).into_iter().collect();
    let mut seen = HashSet::new();
    for (from, to, edge) in then.edges() {
        let key = diff_edge(then_catalog, then, from, to, edge);
        if now_edges.contains(&key) || !seen.insert(key) {
            continue;
        }
        let (Some(from), Some(to)) = (
            merged.find(then.node(from).kind, &then.node(from).name),
            merged.find(then.node(to).kind, &then.node(to).name),
        ) else {
            continue;
        };
        merged.graph.add_edge(
            from,
            to,
            Edge {
                baseline: true,
                ..*edge
            },
        );
    }
    merged
}
