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
//! A diff (`contrail graph --diff`) is a document of its own: `{"baseline", "added",
//! "removed"}`, each side `{"services", "events", "topics", "edges"}` — names, sorted, and
//! edges in the shape above (`from`, `to`, `kind`, and `group` for consumes edges).

use contrail_contracts::graph::EdgeKind;
use contrail_contracts::graph::diff::GraphDiff;
use contrail_contracts::graph::impact::Impact;
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
            Value::Object(object)
        })
        .collect();
    json!({ "nodes": nodes, "edges": edges })
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
