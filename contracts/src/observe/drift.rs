//! Drift: a saved trace report (what flowed) against the catalog (what is declared).
//!
//! Pure, like the rest of the crate: the caller reads and parses the report
//! (`contrail trace --format json`, a [`TraceReport`]); this lays it onto the catalog's graph
//! ([`ObservedGraph`], which `contrail graph --observed` draws) and turns it into findings
//! ([`findings`], which `contrail check --observed` reports).
//!
//! Declared or not is decided against the catalog as it is now, not the report's
//! `"declared"` flag: a trace taken before a declaration was added must not keep reporting the
//! edge the declaration fixed. An edge A → B is declared when some service consumes A and
//! produces B — the trace's own definition.
//!
//! **Mapping event → event onto the graph.** The trace measures edges between events; the
//! graph's edges are `consumes` (event → service) and `produces` (service → event). An edge
//! A → B lies on every path A → S → B where S consumes A and produces B, and its observation
//! goes on the `consumes` edge A → S, with one entry per event S produces: the hop latency is
//! S's reaction time to A (its consumer lag and processing), the `consumes` entry is the
//! declaration drift findings point at, and the `produces` edge S → B is shared by everything
//! S consumes, so it could only show a mix. When several services consume A and produce B the
//! trace cannot tell which one followed; each of their `consumes` edges shows the edge's
//! observation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;

use super::latency::Percentiles;
use super::problem::ProblemKind;
use super::report::{EdgeReport, RecordPosition, TraceReport};
use crate::codes;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::graph::{CatalogGraph, EdgeKind, NodeKind};
use crate::model::{Catalog, Service, Spanned};
use crate::pointer::pointer_join;

/// How many example correlation ids or record positions a finding names.
const EXAMPLES: usize = 3;

/// What the trace saw along one edge event → event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Observation {
    /// Predecessor pairs seen along the edge; 0 for a declared edge never seen.
    pub count: u64,
    /// Hop latencies; all 0 when `count` is.
    pub latency_ms: Percentiles,
}

impl Observation {
    fn of(edge: &EdgeReport) -> Observation {
        Observation {
            count: edge.count,
            latency_ms: edge.latency_ms,
        }
    }
}

/// One `consumes` edge A → S of the graph with what the trace saw after it: for each event S
/// produces, the observation of the edge A → that event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedConsumption {
    /// The consumed event A.
    pub event: NodeIndex,
    /// The consuming service S.
    pub service: NodeIndex,
    /// The first `consumes` entry declaring it: (index into `Catalog::services`, index into
    /// its `consumes`).
    pub declaration: Option<(usize, usize)>,
    /// Every event S produces, in the order S declares them, with the observation of A → it
    /// (count 0 when never seen).
    pub produced: Vec<(NodeIndex, Observation)>,
}

impl ObservedConsumption {
    /// How often S was seen following A, over every event it produces.
    pub fn count(&self) -> u64 {
        self.produced.iter().map(|(_, o)| o.count).sum()
    }
}

/// An edge the trace saw that no service declares, between two events of the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndeclaredEdge {
    pub from: NodeIndex,
    pub to: NodeIndex,
    pub observation: Observation,
    /// Its index in the report's `edges`.
    pub index: usize,
}

/// A trace report laid onto the catalog's graph. See the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservedGraph {
    /// The `consumes` edges of services that produce something, in graph order.
    consumptions: Vec<ObservedConsumption>,
    by_edge: FxHashMap<(NodeIndex, NodeIndex), usize>,
    /// Edges seen that no service declares, in report order.
    pub undeclared: Vec<UndeclaredEdge>,
    /// Edges seen that name an event the catalog does not have (the trace was taken against
    /// another version of it): they cannot be placed on the graph.
    pub unplaced: Vec<UnplacedEdge>,
}

/// An edge seen between events of which the catalog lacks one or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnplacedEdge {
    pub from: String,
    pub to: String,
    pub observation: Observation,
    /// Its index in the report's `edges`.
    pub index: usize,
}

impl ObservedGraph {
    /// Lays `report` onto `graph`.
    pub fn build(graph: &CatalogGraph, report: &TraceReport) -> ObservedGraph {
        let mut seen: FxHashMap<(&str, &str), &EdgeReport> = FxHashMap::default();
        for edge in &report.edges {
            seen.entry((&*edge.from, &*edge.to)).or_insert(edge);
        }
        let mut observed = ObservedGraph::default();
        for (event, service, edge) in graph.edges() {
            if edge.kind != EdgeKind::Consumes || observed.by_edge.contains_key(&(event, service)) {
                continue;
            }
            let produced = graph.produced_by(service);
            if produced.is_empty() {
                // Nothing it produces can follow: the trace cannot see this consumption.
                continue;
            }
            let from = &graph.node(event).name;
            let produced = produced
                .into_iter()
                .map(|to| {
                    let observation = seen
                        .get(&(from.as_str(), graph.node(to).name.as_str()))
                        .map_or_else(Observation::default, |e| Observation::of(e));
                    (to, observation)
                })
                .collect();
            observed
                .by_edge
                .insert((event, service), observed.consumptions.len());
            observed.consumptions.push(ObservedConsumption {
                event,
                service,
                declaration: edge.service.zip(edge.consumes),
                produced,
            });
        }
        for (index, edge) in report.edges.iter().enumerate() {
            if edge.count == 0 {
                continue;
            }
            let (Some(from), Some(to)) = (
                graph.find(NodeKind::Event, &edge.from),
                graph.find(NodeKind::Event, &edge.to),
            ) else {
                observed.unplaced.push(UnplacedEdge {
                    from: edge.from.to_string(),
                    to: edge.to.to_string(),
                    observation: Observation::of(edge),
                    index,
                });
                continue;
            };
            if !is_declared(graph, from, to) {
                observed.undeclared.push(UndeclaredEdge {
                    from,
                    to,
                    observation: Observation::of(edge),
                    index,
                });
            }
        }
        observed
    }

    /// What the trace saw after the `consumes` edge `event` → `service`; `None` when the
    /// service produces nothing (the trace cannot see such a consumption).
    pub fn consumption(
        &self,
        event: NodeIndex,
        service: NodeIndex,
    ) -> Option<&ObservedConsumption> {
        self.consumptions.get(*self.by_edge.get(&(event, service))?)
    }

    /// Every observed consumption, in graph order.
    pub fn consumptions(&self) -> &[ObservedConsumption] {
        &self.consumptions
    }
}

/// Whether some service consumes `from` and produces `to`.
fn is_declared(graph: &CatalogGraph, from: NodeIndex, to: NodeIndex) -> bool {
    graph
        .consumers(from)
        .into_iter()
        .any(|service| graph.produced_by(service).contains(&to))
}

/// The findings of `contrail check --observed`: `report` (read from the file `trace`) against
/// `catalog`. One finding per undeclared edge seen, per declared edge never seen, per service
/// that broke chains and per kind of problem record, each located at the declaration it is
/// about where there is one, else at the trace file with the JSON pointer of the evidence.
pub fn findings(catalog: &Catalog, report: &TraceReport, trace: &Path) -> Vec<Diagnostic> {
    let graph = catalog.graph();
    let observed = ObservedGraph::build(&graph, report);
    let context = Context {
        catalog,
        graph: &graph,
        trace: trace.to_path_buf(),
    };
    let mut out = Vec::new();
    for edge in &observed.undeclared {
        out.push(context.undeclared(edge));
    }
    for edge in &observed.unplaced {
        // Undeclared by definition: the catalog does not know one of its events.
        out.push(context.unplaced(edge));
    }
    out.extend(context.never_seen(&observed, report));
    for (service, &count) in &report.broken_by_service {
        if count > 0 {
            out.push(context.broken(service, count, report));
        }
    }
    for kind in ProblemKind::ALL {
        let count = *report.records.problems.get(kind);
        if count > 0 {
            out.push(context.problem(kind, count, report.records.problem_examples.get(kind)));
        }
    }
    out
}

struct Context<'a> {
    catalog: &'a Catalog,
    graph: &'a CatalogGraph,
    trace: PathBuf,
}

impl Context<'_> {
    /// The trace file as a location (a machine-written report has no lines worth pointing at;
    /// the JSON pointer says where).
    fn trace_location(&self) -> Location {
        Location::file_start(&self.trace)
    }

    /// A finding at `declaration` with the trace's evidence related, or at the trace itself.
    fn located(
        &self,
        finding: Diagnostic,
        declaration: Option<Place>,
        evidence: &str,
    ) -> Diagnostic {
        match declaration {
            Some(place) => finding.at(place.location).pointer(place.pointer).related(
                self.trace_location(),
                format!("seen in the trace at {evidence}"),
            ),
            None => finding.at(self.trace_location()).pointer(evidence),
        }
    }

    fn service(&self, node: NodeIndex) -> Option<&Service> {
        self.graph
            .node(node)
            .declared
            .and_then(|i| self.catalog.services.get(i))
    }

    fn name(&self, node: NodeIndex) -> &str {
        &self.graph.node(node).name
    }

    fn undeclared(&self, edge: &UndeclaredEdge) -> Diagnostic {
        let (from, to) = (self.name(edge.from), self.name(edge.to));
        let message = format!(
            "`{from}` → `{to}` was seen {} (p50 {} ms), but no service declares consuming `{from}` and producing `{to}`",
            times(edge.observation.count),
            edge.observation.latency_ms.p50
        );
        let producers: Vec<&Service> = self
            .graph
            .producing_declarations(edge.to)
            .into_iter()
            .filter_map(|i| self.catalog.services.get(i))
            .collect();
        let produces = |service: &&Service| {
            service
                .produces
                .iter()
                .find(|p| p.event.value == to)
                .map(|p| Place::of(&p.event))
        };
        let evidence = pointer_join("/edges", &edge.index.to_string());
        let (declaration, help) = match producers.as_slice() {
            [] => (
                self.catalog.event(to).map(|e| Place::of(&e.name)),
                format!(
                    "no service declares producing `{to}`: declare the one that does, with `{from}` among what it consumes"
                ),
            ),
            [only] => (
                produces(only),
                format!(
                    "if `{}` produces `{to}` in reaction to `{from}`, add `{from}` to its `consumes`; if the two are unrelated, find the producer that copies the correlation id onto `{to}`",
                    only.name.value
                ),
            ),
            several => (
                produces(&several[0]),
                format!(
                    "add `{from}` to the `consumes` of whichever of {} produces `{to}` in reaction to it",
                    names(several.iter().map(|s| s.name.value.as_str()))
                ),
            ),
        };
        let mut finding = self
            .located(
                Diagnostic::new(codes::UNDECLARED_EDGE_OBSERVED, message),
                declaration,
                &evidence,
            )
            .help(help);
        for other in producers.iter().skip(1) {
            if let Some(p) = produces(other) {
                finding = finding.related(
                    p.location,
                    format!("`{}` produces `{to}` too", other.name.value),
                );
            }
        }
        finding
    }

    /// An edge seen between events of which the catalog declares one or neither.
    fn unplaced(&self, edge: &UnplacedEdge) -> Diagnostic {
        let message = format!(
            "`{}` → `{}` was seen {} (p50 {} ms), but the catalog does not know `{}`",
            edge.from,
            edge.to,
            times(edge.observation.count),
            edge.observation.latency_ms.p50,
            if self.graph.find(NodeKind::Event, &edge.from).is_none() {
                &edge.from
            } else {
                &edge.to
            }
        );
        let declaration = self.catalog.event(&edge.to).map(|e| Place::of(&e.name));
        self.located(
            Diagnostic::new(codes::UNDECLARED_EDGE_OBSERVED, message),
            declaration,
            &pointer_join("/edges", &edge.index.to_string()),
        )
        .help("the trace was taken against another version of the catalog, or an event was renamed: declare the event, or trace again")
    }

    /// Declared edges A → B never seen, one finding per pair, at the first `consumes` entry
    /// that makes the edge.
    fn never_seen(&self, observed: &ObservedGraph, report: &TraceReport) -> Vec<Diagnostic> {
        // (A, B) → the consumptions making the edge, in graph order.
        let mut pairs: Vec<((NodeIndex, NodeIndex), Vec<&ObservedConsumption>)> = Vec::new();
        for consumption in observed.consumptions() {
            for &(to, observation) in &consumption.produced {
                if observation.count > 0 {
                    continue;
                }
                let key = (consumption.event, to);
                match pairs.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, list)) => list.push(consumption),
                    None => pairs.push((key, vec![consumption])),
                }
            }
        }
        // Events some edge touches with a count: the rest were perhaps never read at all.
        let mut active: Vec<&str> = Vec::new();
        for edge in report.edges.iter().filter(|e| e.count > 0) {
            active.push(&edge.from);
            active.push(&edge.to);
        }
        for flow in &report.flows {
            active.extend(flow.records.iter().map(|r| &*r.event));
        }
        pairs
            .into_iter()
            .map(|((from, to), consumptions)| {
                let (from, to) = (self.name(from), self.name(to));
                let services: Vec<&str> =
                    consumptions.iter().map(|c| self.name(c.service)).collect();
                let message = format!(
                    "{} {} `{from}` and {} `{to}`, but the trace never saw `{to}` follow `{from}`",
                    names(services.iter().copied()),
                    if services.len() == 1 { "consumes" } else { "consume" },
                    if services.len() == 1 { "produces" } else { "produce" },
                );
                let declaration = |c: &ObservedConsumption| {
                    let (s, i) = c.declaration?;
                    self.catalog
                        .services
                        .get(s)?
                        .consumes
                        .get(i)
                        .map(|c| Place::of(&c.event))
                };
                let evidence = report
                    .edges
                    .iter()
                    .position(|e| *e.from == *from && *e.to == *to)
                    .map_or_else(|| "/edges".to_owned(), |i| format!("/edges/{i}"));
                let mut help = format!(
                    "drop the declaration if `{to}` no longer follows `{from}`; a rare path may just not be in the window traced"
                );
                if !active.contains(&from) || !active.contains(&to) {
                    let silent = if active.contains(&from) { to } else { from };
                    help.push_str(&format!(
                        " (the trace saw no edge into or out of `{silent}` at all: was its topic read?)"
                    ));
                }
                let mut finding = self
                    .located(
                        Diagnostic::new(codes::DECLARED_EDGE_NOT_OBSERVED, message),
                        consumptions.first().and_then(|c| declaration(c)),
                        &evidence,
                    )
                    .help(help);
                for other in consumptions.iter().skip(1) {
                    if let Some(place) = declaration(other) {
                        finding = finding.related(
                            place.location,
                            format!("`{}` consumes `{from}` too", self.name(other.service)),
                        );
                    }
                }
                finding
            })
            .collect()
    }

    fn broken(&self, service: &str, count: u64, report: &TraceReport) -> Diagnostic {
        // The events the listed flows broke after, most frequent first, and example flows.
        let mut after: BTreeMap<&str, usize> = BTreeMap::new();
        let mut examples: Vec<(&str, &str)> = Vec::new();
        for flow in &report.flows {
            for broken in flow.broken.iter().filter(|b| &*b.service == service) {
                *after.entry(&broken.after).or_default() += 1;
                if examples.len() < EXAMPLES {
                    examples.push((&flow.correlation_id, &broken.after));
                }
            }
        }
        // With one event named in the message, the examples need only their ids.
        let examples: Vec<String> = examples
            .iter()
            .map(|(id, event)| match after.len() {
                1 => (*id).to_owned(),
                _ => format!("{id} after {event}"),
            })
            .collect();
        let mut after: Vec<(&str, usize)> = after.into_iter().collect();
        after.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let chains = if count == 1 { "chain" } else { "chains" };
        let mut message = match after.as_slice() {
            [(event, _)] => format!(
                "`{service}` broke {count} {chains}: it consumes `{event}` but produced nothing after it"
            ),
            _ => format!(
                "`{service}` broke {count} {chains}: it consumed an event and produced nothing after it"
            ),
        };
        if !examples.is_empty() {
            let more = if (count as usize) > examples.len() {
                ", …"
            } else {
                ""
            };
            message.push_str(&format!(" (flows {}{more})", examples.join(", ")));
        }
        let node = self.graph.find(NodeKind::Service, service);
        let declared = node.and_then(|n| self.service(n));
        let declaration = declared.map(|s| {
            after
                .iter()
                .find_map(|(event, _)| s.consumes.iter().find(|c| c.event.value == *event))
                .or(match s.consumes.as_slice() {
                    [only] => Some(only),
                    _ => None,
                })
                .map_or_else(|| Place::of(&s.name), |c| Place::of(&c.event))
        });
        let help = match examples.first() {
            Some(example) => format!(
                "see one flow with `contrail trace --correlation-id {}`; check `{service}`'s consumer lag and dead-letter topic",
                example.split(' ').next().unwrap_or_default()
            ),
            None => format!(
                "trace with `--flows broken` to see example flows; check `{service}`'s consumer lag and dead-letter topic"
            ),
        };
        self.located(
            Diagnostic::new(codes::BROKEN_CHAIN_OBSERVED, message),
            declaration,
            &pointer_join("/broken_by_service", service),
        )
        .help(help)
    }

    fn problem(&self, kind: ProblemKind, count: u64, examples: &[RecordPosition]) -> Diagnostic {
        let (code, what, help): (Code, &str, &str) = match kind {
            ProblemKind::WrongMagic => (
                codes::OBSERVED_WRONG_MAGIC,
                "in neither Confluent wire format nor JSON, where the event needs a registry",
                "find the producer at an example position (`contrail sample --topic T --partition P --from OFFSET --limit 1`) and make it use the registry serializer",
            ),
            ProblemKind::UnknownSchemaId => (
                codes::OBSERVED_UNKNOWN_SCHEMA_ID,
                "framed with a schema id the registry does not know",
                "check which registry the producer writes to; restore the schema if it was deleted",
            ),
            ProblemKind::Truncated => (
                codes::OBSERVED_TRUNCATED,
                "whose body does not decode with its schema",
                "inspect an example with `contrail sample`; fix the producer's serializer",
            ),
            ProblemKind::NotDeclared => (
                codes::OBSERVED_NOT_DECLARED,
                "that decode to no event declared on their topic",
                "declare the event on the topic, or move its producer to the topic its contract names",
            ),
            ProblemKind::NoCorrelationId => (
                codes::OBSERVED_NO_CORRELATION_ID,
                "without a correlation id where the contract says",
                "make the producer set the correlation id, or fix the declaration if it names the wrong place",
            ),
        };
        let records = if count == 1 { "record" } else { "records" };
        let mut message = format!("{count} {records} {what} (`{kind}`)");
        if !examples.is_empty() {
            let shown: Vec<String> = examples
                .iter()
                .take(EXAMPLES)
                .map(|p| format!("{}/{}@{}", p.topic, p.partition, p.offset))
                .collect();
            let more = if (count as usize) > shown.len() {
                ", …"
            } else {
                ""
            };
            message.push_str(&format!(", e.g. {}{more}", shown.join(", ")));
        }
        // The events declared on the examples' topics, first topic first.
        let mut topics: Vec<&str> = Vec::new();
        for example in examples {
            if !topics.contains(&&*example.topic) {
                topics.push(&example.topic);
            }
        }
        let events: Vec<&crate::model::Event> = topics
            .iter()
            .flat_map(|topic| {
                self.catalog
                    .events
                    .iter()
                    .filter(move |e| e.topic.as_ref().is_some_and(|t| t.value == *topic))
            })
            .collect();
        let place = |event: &crate::model::Event| -> Option<Place> {
            if kind == ProblemKind::NoCorrelationId {
                let correlation = event.correlation.as_ref().or(self
                    .catalog
                    .config
                    .defaults
                    .correlation
                    .as_ref());
                if let Some(c) = correlation {
                    return Some(Place::of(c));
                }
            }
            event.topic.as_ref().map(Place::of)
        };
        let declaration = events.first().and_then(|e| place(e));
        let mut finding = self
            .located(
                Diagnostic::new(code, message),
                declaration,
                &format!("/records/problems/{kind}"),
            )
            .help(help);
        for event in events.iter().skip(1) {
            if let Some(topic) = &event.topic {
                finding = finding.related(
                    topic.location.clone(),
                    format!("`{}` is declared on `{}`", event.name.value, topic.value),
                );
            }
        }
        finding
    }
}

/// Where a finding points: a declaration's location and its JSON pointer.
struct Place {
    location: Location,
    pointer: String,
}

impl Place {
    fn of<T>(spanned: &Spanned<T>) -> Place {
        Place {
            location: spanned.location.clone(),
            pointer: spanned.pointer.clone(),
        }
    }
}

/// `once`, `2 times`.
fn times(count: u64) -> String {
    if count == 1 {
        "once".to_owned()
    } else {
        format!("{count} times")
    }
}

/// `a`, `a and b`, `a, b and c`, each in backticks.
fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests;
