//! The catalog as one graph: services, events and topics, and who produces and consumes what.
//!
//! Built once per load ([`crate::load`] stores it in the catalog), from the model alone — no
//! I/O. Every question about the shape of the system is a walk over it: lookups of producers
//! and consumers, cycles in the event flow ([`CatalogGraph::cycles`]), events without
//! producers or consumers, what lies up- or downstream of a node, and the impact of changing
//! an event or one of its fields ([`impact`]).
//!
//! Nodes are added in catalog order — services, then events (declared ones, then events named
//! by a service but declared nowhere, in the order they are first named), then topics in the
//! order events name them — and edges in the order the contracts declare them, so everything
//! derived from the graph is deterministic.

pub mod diff;
pub mod impact;
mod query;

use std::collections::HashMap;

use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::model::Catalog;

pub use query::{Cycle, CycleStep, Orphans};

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    Service,
    Event,
    Topic,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Service => "service",
            NodeKind::Event => "event",
            NodeKind::Topic => "topic",
        }
    }
}

/// A service, event or topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    pub name: String,
    /// The owning team: a service's `owner`, an event's (or the catalog's default owner).
    pub owner: Option<String>,
    /// An event's topic.
    pub topic: Option<String>,
    /// Where the node is declared: its index in `Catalog::services` or `Catalog::events`.
    /// `None` for topics, and for events a service names that no contract declares (a
    /// dangling reference, drawn in a style of its own).
    pub declared: Option<usize>,
}

impl Node {
    /// The node's stable id: `service:NAME`, `event:NAME`, `topic:NAME`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.name)
    }

    /// An event that services name but no contract declares.
    pub fn is_dangling(&self) -> bool {
        self.kind == NodeKind::Event && self.declared.is_none()
    }
}

/// What an edge says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// service → event
    Produces,
    /// event → service
    Consumes,
    /// event → topic
    PublishedOn,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Produces => "produces",
            EdgeKind::Consumes => "consumes",
            EdgeKind::PublishedOn => "published-on",
        }
    }
}

/// An edge, with where it is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub kind: EdgeKind,
    /// For `produces` and `consumes`: the declaring service's index in `Catalog::services`.
    /// A service declared twice is one node, but each declaration keeps its own edges.
    pub service: Option<usize>,
    /// For `consumes`: the index of the entry in the consuming service's `consumes` (its group,
    /// the fields it reads, its reader schema).
    pub consumes: Option<usize>,
    /// Only in a graph [`diff::merged`] builds: the edge exists in the baseline alone, so
    /// `service` and `consumes` index the baseline catalog, not the current one.
    pub baseline: bool,
}

/// Why a name names no node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("no service, event or topic is named `{name}`{}", did_you_mean.as_ref().map_or_else(String::new, |s| format!("; did you mean `{s}`?")))]
    NotFound {
        name: String,
        did_you_mean: Option<String>,
    },
    #[error("`{name}` names several nodes; say which: {}", ids.join(", "))]
    Ambiguous { name: String, ids: Vec<String> },
}

/// The catalog's graph. See the module documentation.
#[derive(Debug, Clone, Default)]
pub struct CatalogGraph {
    graph: DiGraph<Node, Edge>,
    /// Nodes by name, one map per [`NodeKind`] (in its order).
    by_name: [HashMap<String, NodeIndex>; 3],
    /// How many events and services the catalog had when the graph was built, so a catalog
    /// changed afterwards can tell that its graph is stale.
    built_from: (usize, usize),
}

impl CatalogGraph {
    /// Builds the graph of `catalog`. A name declared twice is one node (the first
    /// declaration), as everywhere else in contrail.
    pub fn build(catalog: &Catalog) -> CatalogGraph {
        let mut graph = CatalogGraph {
            built_from: (catalog.events.len(), catalog.services.len()),
            ..CatalogGraph::default()
        };
        let default_owner = catalog
            .config
            .defaults
            .owner
            .as_ref()
            .map(|o| o.value.clone());
        for (i, service) in catalog.services.iter().enumerate() {
            graph.add(Node {
                kind: NodeKind::Service,
                name: service.name.value.clone(),
                owner: service.owner.as_ref().map(|o| o.value.clone()),
                topic: None,
                declared: Some(i),
            });
        }
        for (i, event) in catalog.events.iter().enumerate() {
            graph.add(Node {
                kind: NodeKind::Event,
                name: event.name.value.clone(),
                owner: event
                    .owner
                    .as_ref()
                    .map(|o| o.value.clone())
                    .or_else(|| default_owner.clone()),
                topic: event.topic.as_ref().map(|t| t.value.clone()),
                declared: Some(i),
            });
        }
        // Events services name without a contract, and the topic a service's entry names
        // for them (an AsyncAPI channel), in the order the services name them.
        for service in &catalog.services {
            let named = service
                .consumes
                .iter()
                .map(|c| (&c.event.value, &c.topic))
                .chain(service.produces.iter().map(|p| (&p.event.value, &p.topic)));
            for (event, topic) in named {
                if graph.find(NodeKind::Event, event).is_none() {
                    graph.add(Node {
                        kind: NodeKind::Event,
                        name: event.clone(),
                        owner: None,
                        topic: topic.as_ref().map(|t| t.value.clone()),
                        declared: None,
                    });
                }
            }
        }
        let topics: Vec<(NodeIndex, String)> = graph
            .graph
            .node_indices()
            .filter_map(|n| Some((n, graph.graph[n].topic.clone()?)))
            .collect();
        for (event, topic) in topics {
            let topic = graph.find(NodeKind::Topic, &topic).unwrap_or_else(|| {
                graph.add(Node {
                    kind: NodeKind::Topic,
                    name: topic,
                    owner: None,
                    topic: None,
                    declared: None,
                })
            });
            graph.graph.add_edge(
                event,
                topic,
                Edge {
                    kind: EdgeKind::PublishedOn,
                    service: None,
                    consumes: None,
                    baseline: false,
                },
            );
        }
        for (s, service) in catalog.services.iter().enumerate() {
            let Some(from) = graph.find(NodeKind::Service, &service.name.value) else {
                continue;
            };
            let mut produced = Vec::new();
            for produce in &service.produces {
                if let Some(event) = graph.find(NodeKind::Event, &produce.event.value)
                    && !produced.contains(&event)
                {
                    produced.push(event);
                    let edge = Edge {
                        kind: EdgeKind::Produces,
                        service: Some(s),
                        consumes: None,
                        baseline: false,
                    };
                    graph.graph.add_edge(from, event, edge);
                }
            }
            for (c, consume) in service.consumes.iter().enumerate() {
                if let Some(event) = graph.find(NodeKind::Event, &consume.event.value) {
                    let edge = Edge {
                        kind: EdgeKind::Consumes,
                        service: Some(s),
                        consumes: Some(c),
                        baseline: false,
                    };
                    graph.graph.add_edge(event, from, edge);
                }
            }
        }
        graph
    }

    fn add(&mut self, node: Node) -> NodeIndex {
        if let Some(existing) = self.find(node.kind, &node.name) {
            return existing;
        }
        let (kind, name) = (node.kind, node.name.clone());
        let index = self.graph.add_node(node);
        self.by_name[kind as usize].insert(name, index);
        index
    }

    /// The node of kind `kind` named `name`.
    pub fn find(&self, kind: NodeKind, name: &str) -> Option<NodeIndex> {
        self.by_name[kind as usize].get(name).copied()
    }

    /// Whether the graph was built from a catalog with these many events and services.
    pub fn built_from(&self, events: usize, services: usize) -> bool {
        self.built_from == (events, services)
    }

    /// The node a user named: an id (`service:NAME`, `event:NAME`, `topic:NAME`) or a bare
    /// name, which must then name exactly one service, event or topic.
    pub fn lookup(&self, name: &str) -> Result<NodeIndex, LookupError> {
        if let Some(node) = self.find_id(name) {
            return Ok(node);
        }
        let found: Vec<NodeIndex> = [NodeKind::Service, NodeKind::Event, NodeKind::Topic]
            .into_iter()
            .filter_map(|kind| self.find(kind, name))
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => {
                let names = self.nodes().map(|(_, n)| n.name.as_str());
                Err(LookupError::NotFound {
                    name: name.to_owned(),
                    did_you_mean: crate::suggest::did_you_mean(name, names).map(str::to_owned),
                })
            }
            many => Err(LookupError::Ambiguous {
                name: name.to_owned(),
                ids: many.iter().map(|&n| self.node(n).id()).collect(),
            }),
        }
    }

    /// The node with id `service:NAME`, `event:NAME` or `topic:NAME`.
    pub fn find_id(&self, id: &str) -> Option<NodeIndex> {
        let (kind, name) = id.split_once(':')?;
        let kind = match kind {
            "service" => NodeKind::Service,
            "event" => NodeKind::Event,
            "topic" => NodeKind::Topic,
            _ => return None,
        };
        self.find(kind, name)
    }

    pub fn node(&self, index: NodeIndex) -> &Node {
        &self.graph[index]
    }

    /// Every node, in the order described in the module documentation.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeIndex, &Node)> + '_ {
        self.graph.node_indices().map(|n| (n, &self.graph[n]))
    }

    /// Every edge, in the order the contracts declare them (topics first).
    pub fn edges(&self) -> impl Iterator<Item = (NodeIndex, NodeIndex, &Edge)> + '_ {
        self.graph
            .edge_references()
            .map(|e| (e.source(), e.target(), e.weight()))
    }

    /// The edges between `nodes` (sorted ascending), in the order
    /// [`CatalogGraph::edges`] lists them. Walks only the nodes' own edges, so a small part of
    /// a large graph costs what the part has, not what the graph has.
    pub fn edges_within(&self, nodes: &[NodeIndex]) -> Vec<(NodeIndex, NodeIndex, &Edge)> {
        let mut found: Vec<(EdgeIndex, NodeIndex, NodeIndex, &Edge)> = nodes
            .iter()
            .flat_map(|&node| self.graph.edges_directed(node, Direction::Outgoing))
            .filter(|e| nodes.binary_search(&e.target()).is_ok())
            .map(|e| (e.id(), e.source(), e.target(), e.weight()))
            .collect();
        found.sort_unstable_by_key(|(id, ..)| *id);
        found
            .into_iter()
            .map(|(_, from, to, edge)| (from, to, edge))
            .collect()
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// The services producing `event`, in catalog order.
    pub fn producers(&self, event: NodeIndex) -> Vec<NodeIndex> {
        let mut services = self.neighbours(event, Direction::Incoming, EdgeKind::Produces);
        dedup_in_order(&mut services);
        services
    }

    /// The consumers of `event`, in catalog order (a service consuming it twice, twice).
    pub fn consumers(&self, event: NodeIndex) -> Vec<NodeIndex> {
        self.neighbours(event, Direction::Outgoing, EdgeKind::Consumes)
    }

    /// The declarations producing `event`: indices into `Catalog::services`, in catalog order.
    pub fn producing_declarations(&self, event: NodeIndex) -> Vec<usize> {
        self.edges_of(event, Direction::Incoming, EdgeKind::Produces)
            .filter_map(|(_, edge)| edge.service)
            .collect()
    }

    /// The declarations consuming `event`: (index into `Catalog::services`, index into its
    /// `consumes`), in catalog order.
    pub fn consuming_declarations(&self, event: NodeIndex) -> Vec<(usize, usize)> {
        self.edges_of(event, Direction::Outgoing, EdgeKind::Consumes)
            .filter_map(|(_, edge)| Some((edge.service?, edge.consumes?)))
            .collect()
    }

    /// The events `service` produces, in the order it declares them.
    pub fn produced_by(&self, service: NodeIndex) -> Vec<NodeIndex> {
        let mut events = self.neighbours(service, Direction::Outgoing, EdgeKind::Produces);
        dedup_in_order(&mut events);
        events
    }

    /// The events `service` consumes, in the order it declares them (once each).
    pub fn consumed_by(&self, service: NodeIndex) -> Vec<NodeIndex> {
        let mut events = self.neighbours(service, Direction::Incoming, EdgeKind::Consumes);
        dedup_in_order(&mut events);
        events
    }

    /// Neighbours across edges of one kind, in the order the edges were added.
    fn neighbours(&self, node: NodeIndex, direction: Direction, kind: EdgeKind) -> Vec<NodeIndex> {
        self.edges_of(node, direction, kind)
            .map(|(other, _)| other)
            .collect()
    }

    /// The edges of one kind at `node`, oldest first, with the node at their other end.
    fn edges_of(
        &self,
        node: NodeIndex,
        direction: Direction,
        kind: EdgeKind,
    ) -> impl Iterator<Item = (NodeIndex, &Edge)> + '_ {
        let mut found: Vec<(EdgeIndex, NodeIndex, &Edge)> = self
            .graph
            .edges_directed(node, direction)
            .filter(|e| e.weight().kind == kind)
            .map(|e| {
                let other = match direction {
                    Direction::Outgoing => e.target(),
                    Direction::Incoming => e.source(),
                };
                (e.id(), other, e.weight())
            })
            .collect();
        // petgraph lists a node's edges newest first; the contracts' order is the oldest first.
        found.sort_unstable_by_key(|(edge, ..)| *edge);
        found.into_iter().map(|(_, other, edge)| (other, edge))
    }
}

/// Removes repeated entries, keeping the first of each.
fn dedup_in_order(items: &mut Vec<NodeIndex>) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|n| seen.insert(*n));
}
