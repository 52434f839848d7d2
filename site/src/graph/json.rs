//! The graph as JSON: an interface the registry's catalog API and other tools read. Keys are
//! only ever added, never renamed or removed.
//!
//! ```json
//! {"nodes": [{"id": "service:payments", "kind": "service", "name": "payments", "owner": "team-payments"},
//!            {"id": "event:OrderPlaced", "kind": "event", "name": "OrderPlaced", "topic": "shop.orders"},
//!            {"id": "topic:shop.orders", "kind": "topic", "name": "shop.orders"}],
//!  "edges": [{"from": "service:orders", "to": "event:OrderPlaced", "kind": "produces"},
//!            {"from": "event:OrderPlaced", "to": "service:payments", "kind": "consumes", "group": "payments"},
//!            {"from": "event:OrderPlaced", "to": "topic:shop.orders", "kind": "published-on"}]}
//! ```
//!
//! Nodes may also carry `"dangling": true` (an event services name but no contract declares)
//! and `"mark"` (`focus`, `changed`, `direct`, `transitive`, `unknown`, `added`, `removed`); consumes edges carry
//! `"reads"` (the fields the consumer relies on) and `"reader_schema"` when declared.
//!
//! With `--observed TRACE.json` (a `contrail trace --format json` report laid onto the graph,
//! see `contrail_contracts::observe::drift`), a `consumes` edge of a service that produces
//! something carries `"observed"`: `count` (how often the trace saw the service follow the
//! event, over everything it produces), `p50_ms` (when it produces one event and was seen)
//! and `produced` (per event it produces: `to`, `count`, and `latency_ms` — `p50`, `p90`,
//! `p99`, `max` — when seen). Edges the trace saw that no service declares follow the graph's
//! edges as edges of kind `"observed"` between two events, with `"observed": {"count",
//! "p50_ms", "latency_ms"}`.
//!
//! A diff (`contrail graph --diff`) is a document of its own: `{"baseline", "added",
//! "removed"}`, each side `{"services", "events", "topics", "edges"}` — names, sorted, and
//! edges in the shape above (`from`, `to`, `kind`, and `group` for consumes edges).

use contrail_contracts::graph::EdgeKind;
use contrail_contracts::graph::diff::GraphDiff;
use contrail_contracts::graph::impact::Impact;
use contrail_contracts::observe::drift::{Observation, ObservedConsumption};
use serde_json::{Map, Value, json};

use super::View;

/// The view as the JSON document above.
pub fn to_json(view: &View<'_>) -> Value {
    let nodes: Vec<Value> = view
        .nodes()
        .map(|(index, node)| {
            let mut object = Map::new();
            object.insert("id".into(), json!(node.id()));
            object.insert("kind".into(), json!(node.kind));
            object.insert("name".into(), json!(node.name));
            if let Some(owner) = &node.owner {
                object.insert("owner".into(), json!(owner));
            }
            if let Some(topic) = &node.topic {
                object.insert("topic".into(), json!(topic));
            }
            if node.is_dangling() {
                object.insert("dangling".into(), json!(true));
            }
            if let Some(mark) = view.mark(index) {
                object.insert("mark".into(), json!(mark.as_str()));
            }
            Value::Object(object)
        })
        .collect();
    let edges: Vec<Value> = view
        .edges()
        .map(|(from, to, edge)| {
            let mut object = Map::new();
            object.insert("from".into(), json!(view.graph.node(from).id()));
            object.insert("to".into(), json!(view.graph.node(to).id()));
            object.insert("kind".into(), json!(edge.kind));
            if edge.kind == EdgeKind::Consumes
                && let Some(consumes) = view.consumes(edge)
            {
                if let Some(group) = &consumes.group {
                    object.insert("group".into(), json!(group.value));
                }
                if !consumes.reads.is_empty() {
                    let reads: Vec<&str> =
                        consumes.reads.iter().map(|r| r.value.as_str()).collect();
                    object.insert("reads".into(), json!(reads));
                }
                if let Some(schema) = &consumes.schema {
                    object.insert("reader_schema".into(), json!(schema.written.value));
                }
            }
            if let Some(consumption) = view.observation(from, to, edge) {
                object.insert("observed".into(), consumption_json(view, consumption));
            }
            Value::Object(object)
        })
        .chain(view.undeclared_edges().into_iter().map(|edge| {
            json!({
                "from": view.graph.node(edge.from).id(),
                "to": view.graph.node(edge.to).id(),
                "kind": "observed",
                "observed": observation_json(&edge.observation),
            })
        }))
        .collect();
    json!({ "nodes": nodes, "edges": edges })
}

/// `{"count", "p50_ms", "latency_ms"}` of one edge event → event; the latencies only when
/// the edge was seen.
fn observation_json(observation: &Observation) -> Value {
    let mut object = Map::new();
    object.insert("count".into(), json!(observation.count));
    if observation.count > 0 {
        object.insert("p50_ms".into(), json!(observation.latency_ms.p50));
        object.insert("latency_ms".into(), json!(observation.latency_ms));
    }
    Value::Object(object)
}

/// The `observed` of a `consumes` edge: see the module documentation.
fn consumption_json(view: &View<'_>, consumption: &ObservedConsumption) -> Value {
    let count = consumption.count();
    let mut object = Map::new();
    object.insert("count".into(), json!(count));
    if let [(_, only)] = consumption.produced.as_slice()
        && count > 0
    {
        object.insert("p50_ms".into(), json!(only.latency_ms.p50));
    }
    let produced: Vec<Value> = consumption
        .produced
        .iter()
        .map(|(event, observation)| {
            let mut entry = Map::new();
            entry.insert("to".into(), json!(view.graph.node(*event).id()));
            entry.insert("count".into(), json!(observation.count));
            if observation.count > 0 {
                entry.insert("latency_ms".into(), json!(observation.latency_ms));
            }
            Value::Object(entry)
        })
        .collect();
    object.insert("produced".into(), json!(produced));
    Value::Object(object)
}

/// An impact answer as JSON: `{"event", "field", "direct", "transitive", "events", "unknown"}`.
pub fn impact_to_json(impact: &Impact) -> Value {
    json!({
        "event": impact.event,
        "field": impact.field,
        "direct": impact.direct,
        "transitive": impact.transitive,
        "events": impact.events,
        "unknown": impact.unknown,
    })
}

/// A diff as JSON: `{"baseline": LABEL, "added": {...}, "removed": {...}}`.
pub fn diff_to_json(baseline: &str, diff: &GraphDiff) -> Value {
    json!({
        "baseline": baseline,
        "added": diff.added,
        "removed": diff.removed,
    })
}
