//! Questions about the shape of the system: cycles in the event flow, events missing a
//! producer or a consumer, and what lies up- or downstream of a node.

use std::collections::{BTreeMap, HashSet, VecDeque};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::{CatalogGraph, EdgeKind, NodeKind};

/// A cycle in the event flow: a strongly connected set of events, each consumed by a service
/// that produces the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// Every event of the cycle (the strongly connected component), in graph order.
    pub members: Vec<NodeIndex>,
    /// The first member in graph order: where the loop below starts and ends.
    pub start: NodeIndex,
    /// One shortest loop from `start` back to it.
    pub steps: Vec<CycleStep>,
}

/// One hop of a loop: the service (its index in `Catalog::services`) that consumes the
/// previous event and produces `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CycleStep {
    pub via: usize,
    pub to: NodeIndex,
}

/// Events with producers but no consumer, and events consumed but produced by no service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Orphans {
    pub produced_not_consumed: Vec<NodeIndex>,
    pub consumed_not_produced: Vec<NodeIndex>,
}

impl CatalogGraph {
    /// The event flow: for every service declaration, an edge from each event it consumes to
    /// each event it produces, labelled with the service — a service may produce any of its
    /// events in reaction to any event it consumes. Edges keep the order of the declarations;
    /// a second edge between the same two events is left out. Indexed by event node.
    fn event_flow(&self) -> BTreeMap<NodeIndex, Vec<(NodeIndex, usize)>> {
        // The graph's produce and consume edges were added declaration by declaration.
        let mut per_service: BTreeMap<usize, (Vec<NodeIndex>, Vec<NodeIndex>)> = BTreeMap::new();
        for edge in self.graph.edge_references() {
            let Some(service) = edge.weight().service else {
                continue;
            };
            let (consumed, produced) = per_service.entry(service).or_default();
            match edge.weight().kind {
                EdgeKind::Consumes => consumed.push(edge.source()),
                EdgeKind::Produces => produced.push(edge.target()),
                EdgeKind::PublishedOn => {}
            }
        }
        let mut flow: BTreeMap<NodeIndex, Vec<(NodeIndex, usize)>> = BTreeMap::new();
        for (service, (consumed, produced)) in per_service {
            for &from in &consumed {
                for &to in &produced {
                    let out = flow.entry(from).or_default();
                    if !out.iter().any(|&(t, _)| t == to) {
                        out.push((to, service));
                    }
                }
            }
        }
        flow
    }

    /// Every cycle of the event flow (event → event through the services between them), each strongly
    /// connected component once, ordered by their first member; a service consuming and
    /// producing the same event is a cycle of one.
    pub fn cycles(&self) -> Vec<Cycle> {
        let flow = self.event_flow();
        let events: Vec<NodeIndex> = self
            .nodes()
            .filter(|(_, n)| n.kind == NodeKind::Event)
            .map(|(i, _)| i)
            .collect();
        let position: BTreeMap<NodeIndex, usize> =
            events.iter().enumerate().map(|(p, &e)| (e, p)).collect();
        let mut condensed: DiGraph<(), ()> = DiGraph::with_capacity(events.len(), 0);
        for _ in &events {
            condensed.add_node(());
        }
        for (from, out) in &flow {
            for (to, _) in out {
                condensed.add_edge(
                    NodeIndex::new(position[from]),
                    NodeIndex::new(position[to]),
                    (),
                );
            }
        }
        // Kosaraju's algorithm as petgraph writes it is iterative; its Tarjan recurses once
        // per node of a path, which a long generated chain of events would overflow.
        let mut components: Vec<Vec<NodeIndex>> = petgraph::algo::kosaraju_scc(&condensed)
            .into_iter()
            .map(|c| {
                let mut members: Vec<NodeIndex> = c.iter().map(|p| events[p.index()]).collect();
                members.sort_unstable();
                members
            })
            .collect();
        components.sort_unstable_by_key(|c| c.first().copied());
        components
            .into_iter()
            .filter_map(|members| {
                let start = *members.first()?;
                let cyclic = members.len() > 1
                    || flow
                        .get(&start)
                        .is_some_and(|out| out.iter().any(|&(t, _)| t == start));
                if !cyclic {
                    return None;
                }
                let steps = loop_through(&flow, &members, start);
                Some(Cycle {
                    members,
                    start,
                    steps,
                })
            })
            .collect()
    }

    /// Events a service produces that none consumes, and events a service consumes that none
    /// produces, in graph order.
    pub fn orphans(&self) -> Orphans {
        let mut orphans = Orphans::default();
        for (event, node) in self.nodes() {
            if node.kind != NodeKind::Event {
                continue;
            }
            let produced = !self.producers(event).is_empty();
            let consumed = !self.consumers(event).is_empty();
            if produced && !consumed {
                orphans.produced_not_consumed.push(event);
            }
            if consumed && !produced {
                orphans.consumed_not_produced.push(event);
            }
        }
        orphans
    }

    /// How many services consume `event`.
    pub fn fan_out(&self, event: NodeIndex) -> usize {
        let mut consumers = self.consumers(event);
        consumers.dedup();
        consumers.len()
    }

    /// The nodes within `depth` hops of `node` along produces and consumes edges in their
    /// direction (downstream) or against it (upstream), `node` first, then by distance and
    /// graph order. Topics are not hops: they are where events travel, not who reacts.
    pub fn reachable(&self, node: NodeIndex, direction: Direction, depth: usize) -> Vec<NodeIndex> {
        self.breadth_first(node, depth, |graph, at| {
            graph
                .graph
                .edges_directed(at, direction)
                .filter(|e| e.weight().kind != EdgeKind::PublishedOn)
                .map(|e| match direction {
                    Direction::Outgoing => e.target(),
                    Direction::Incoming => e.source(),
                })
                .collect()
        })
    }

    /// The nodes within `depth` hops of `node` in either direction, topics included: what a
    /// focused drawing of `node` shows.
    pub fn neighbourhood(&self, node: NodeIndex, depth: usize) -> Vec<NodeIndex> {
        self.breadth_first(node, depth, |graph, at| {
            graph.graph.neighbors_undirected(at).collect()
        })
    }

    fn breadth_first(
        &self,
        start: NodeIndex,
        depth: usize,
        next: impl Fn(&CatalogGraph, NodeIndex) -> Vec<NodeIndex>,
    ) -> Vec<NodeIndex> {
        let mut seen = HashSet::from([start]);
        let mut order = vec![start];
        let mut frontier = vec![start];
        for _ in 0..depth {
            let mut reached: Vec<NodeIndex> = frontier
                .iter()
                .flat_map(|&at| next(self, at))
                .filter(|n| seen.insert(*n))
                .collect();
            if reached.is_empty() {
                break;
            }
            reached.sort_unstable();
            order.extend(&reached);
            frontier = reached;
        }
        order
    }
}

/// A shortest loop from `start` back to itself inside `members`.
fn loop_through(
    flow: &BTreeMap<NodeIndex, Vec<(NodeIndex, usize)>>,
    members: &[NodeIndex],
    start: NodeIndex,
) -> Vec<CycleStep> {
    let mut previous: BTreeMap<NodeIndex, (NodeIndex, usize)> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        for &(to, via) in flow.get(&at).map_or(&[][..], Vec::as_slice) {
            if members.binary_search(&to).is_err() {
                continue;
            }
            if to == start {
                let mut steps = vec![CycleStep { via, to: start }];
                let mut back = at;
                while back != start {
                    let (from, through) = previous[&back];
                    steps.push(CycleStep {
                        via: through,
                        to: back,
                    });
                    back = from;
                }
                steps.reverse();
                return steps;
            }
            if let std::collections::btree_map::Entry::Vacant(e) = previous.entry(to) {
                e.insert((at, via));
                queue.push_back(to);
            }
        }
    }
    Vec::new()
}
