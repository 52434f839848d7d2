//! What the catalog declares about flows, as tables of small indices the assembler reads for
//! every record: which event may follow which, which services should follow an event, and the
//! consumer group and producer of each. Built once from the graph so that the per-record work
//! never walks the graph or compares names.

use std::sync::Arc;

use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;

use crate::graph::{CatalogGraph, EdgeKind, NodeKind};
use crate::model::Catalog;

/// Names turned into dense indices, each name stored once and shared (`Arc`) with every
/// report that shows it.
#[derive(Debug, Clone, Default)]
pub(super) struct Names {
    names: Vec<Arc<str>>,
    index: FxHashMap<Arc<str>, u32>,
}

impl Names {
    /// The index of `name`, adding it when new.
    pub(super) fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        // More than 4 billion distinct names cannot come from a catalog; should it happen,
        // later names share the last index rather than panic.
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let name: Arc<str> = Arc::from(name);
        self.names.push(Arc::clone(&name));
        self.index.insert(name, i);
        i
    }

    /// The name of index `i` (empty for an index never handed out).
    pub(super) fn name(&self, i: u32) -> &Arc<str> {
        static EMPTY: std::sync::OnceLock<Arc<str>> = std::sync::OnceLock::new();
        usize::try_from(i)
            .ok()
            .and_then(|i| self.names.get(i))
            .unwrap_or_else(|| EMPTY.get_or_init(|| Arc::from("")))
    }

    pub(super) fn len(&self) -> usize {
        self.names.len()
    }
}

/// A declared edge event → event: some service consumes `from` and produces `to`.
#[derive(Debug, Clone)]
pub(super) struct DeclaredEdge {
    pub(super) from: u32,
    pub(super) to: u32,
    /// The first declaration's consumer group for `from` (of the first service declaring one).
    pub(super) group: Option<Arc<str>>,
    /// The first service (in catalog order) that makes the edge.
    pub(super) service: u32,
}

/// The declared flow tables. Event indices are those of [`Declared::events`]; events the
/// catalog does not know (interned later by the assembler) index past the tables and have no
/// declarations.
#[derive(Debug, Clone, Default)]
pub(super) struct Declared {
    /// The graph's events, in graph order; the assembler interns further names into a copy.
    pub(super) events: Names,
    pub(super) services: Vec<Arc<str>>,
    /// Every declared edge, in the order the contracts declare the consumptions behind them.
    pub(super) edges: Vec<DeclaredEdge>,
    edge_index: FxHashMap<(u32, u32), u32>,
    /// By event F: the events E with a declared edge E → F (candidates for the predecessor).
    sources: Vec<Vec<u32>>,
    /// By event E: the services that consume E and produce at least one event (who should
    /// follow a record of E).
    followers: Vec<Vec<u32>>,
    /// By service: the events it produces.
    produces: Vec<Vec<u32>>,
    /// By event: its producer when it has exactly one.
    sole_producer: Vec<Option<u32>>,
}

impl Declared {
    pub(super) fn build(catalog: &Catalog, graph: &CatalogGraph) -> Declared {
        let mut declared = Declared::default();
        let mut services: FxHashMap<NodeIndex, u32> = FxHashMap::default();
        let mut events: FxHashMap<NodeIndex, u32> = FxHashMap::default();
        for (node, n) in graph.nodes() {
            match n.kind {
                NodeKind::Service => {
                    let i = u32::try_from(declared.services.len()).unwrap_or(u32::MAX);
                    declared.services.push(Arc::from(n.name.as_str()));
                    services.insert(node, i);
                }
                NodeKind::Event => {
                    events.insert(node, declared.events.intern(&n.name));
                }
                NodeKind::Topic => {}
            }
        }
        let event_count = declared.events.len();
        declared.sources = vec![Vec::new(); event_count];
        declared.followers = vec![Vec::new(); event_count];
        declared.sole_producer = vec![None; event_count];
        declared.produces = vec![Vec::new(); declared.services.len()];
        for (&node, &s) in &services {
            declared.produces[s as usize] = graph
                .produced_by(node)
                .iter()
                .filter_map(|e| events.get(e).copied())
                .collect();
        }
        for (&node, &e) in &events {
            if let [only] = graph.producers(node).as_slice() {
                declared.sole_producer[e as usize] = services.get(only).copied();
            }
        }
        for (from, to, edge) in graph.edges() {
            if edge.kind != EdgeKind::Consumes {
                continue;
            }
            let (Some(&e), Some(&s)) = (events.get(&from), services.get(&to)) else {
                continue;
            };
            let group = edge
                .service
                .and_then(|i| catalog.services.get(i))
                .zip(edge.consumes)
                .and_then(|(service, c)| service.consumes.get(c))
                .and_then(|c| c.group.as_ref())
                .map(|g| Arc::<str>::from(g.value.as_str()));
            let produced = declared.produces[s as usize].clone();
            if !produced.is_empty() && !declared.followers[e as usize].contains(&s) {
                declared.followers[e as usize].push(s);
            }
            for f in produced {
                declared.add_edge(e, f, s, group.clone());
            }
        }
        declared
    }

    fn add_edge(&mut self, from: u32, to: u32, service: u32, group: Option<Arc<str>>) {
        if let Some(&i) = self.edge_index.get(&(from, to)) {
            // A later declaration of the same edge only fills in a group the first lacked.
            let edge = &mut self.edges[i as usize];
            if edge.group.is_none() {
                edge.group = group;
            }
            return;
        }
        let i = u32::try_from(self.edges.len()).unwrap_or(u32::MAX);
        self.edges.push(DeclaredEdge {
            from,
            to,
            group,
            service,
        });
        self.edge_index.insert((from, to), i);
        if let Some(sources) = self.sources.get_mut(to as usize) {
            sources.push(from);
        }
    }

    /// The declared edge `from → to`.
    pub(super) fn edge(&self, from: u32, to: u32) -> Option<&DeclaredEdge> {
        let i = *self.edge_index.get(&(from, to))?;
        self.edges.get(i as usize)
    }

    pub(super) fn sources(&self, event: u32) -> &[u32] {
        self.sources.get(event as usize).map_or(&[], Vec::as_slice)
    }

    pub(super) fn followers(&self, event: u32) -> &[u32] {
        self.followers
            .get(event as usize)
            .map_or(&[], Vec::as_slice)
    }

    pub(super) fn produces(&self, service: u32) -> &[u32] {
        self.produces
            .get(service as usize)
            .map_or(&[], Vec::as_slice)
    }

    pub(super) fn sole_producer(&self, event: u32) -> Option<&Arc<str>> {
        let s = (*self.sole_producer.get(event as usize)?)?;
        self.service(s)
    }

    pub(super) fn service(&self, service: u32) -> Option<&Arc<str>> {
        self.services.get(service as usize)
    }
}
