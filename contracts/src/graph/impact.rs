//! What breaks if an event, or one field of it, changes.
//!
//! - **direct**: consumers of the event whose declared `reads` include the field, a parent of
//!   it or a child of it, or whose pinned reader schema contains it (every consumer when no
//!   field is named);
//! - **transitive**: services downstream of the direct ones through the events they produce,
//!   not repeating direct ones;
//! - **events**: the events on those downstream paths (produced by a direct or transitive
//!   service and consumed by a transitive one);
//! - **unknown**: consumers that declare neither `reads` nor a reader schema — they may use
//!   the field and nobody can tell.
//!
//! Every list is sorted by name. [`change_impact`] answers the same for a schema change that
//! touches several fields at once (what `contrail check --against` reports), and lists the
//! consumers it does not reach as **unaffected**.

use std::collections::{BTreeSet, VecDeque};

use petgraph::graph::NodeIndex;
use serde::Serialize;

use super::{CatalogGraph, NodeKind};
use crate::compat;
use crate::compat::field_diff::{self, FieldPath};
use crate::model::{Catalog, Consumes};
use crate::payload::{self, Found};

/// The answer to "what breaks if I change this".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Impact {
    pub event: String,
    pub field: Option<String>,
    pub direct: Vec<String>,
    pub transitive: Vec<String>,
    pub events: Vec<String>,
    pub unknown: Vec<String>,
}

/// Why an impact question has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImpactError {
    #[error("no event is named `{name}`{}", hint(.did_you_mean))]
    UnknownEvent {
        name: String,
        did_you_mean: Option<String>,
    },
    #[error(
        "`{event}` has no field `{field}`: its payload has no `{segment}` there{}",
        hint(.did_you_mean)
    )]
    UnknownField {
        event: String,
        field: String,
        segment: String,
        did_you_mean: Option<String>,
    },
}

fn hint(did_you_mean: &Option<String>) -> String {
    did_you_mean
        .as_ref()
        .map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

/// Splits `EVENT[.FIELD.PATH]` into the event and the field. Event names may hold dots
/// themselves (`com.example.OrderPlaced`): the longest prefix that names an event wins.
pub fn parse_target<'a>(graph: &CatalogGraph, target: &'a str) -> (&'a str, Option<&'a str>) {
    let mut split = target.len();
    loop {
        let event = &target[..split];
        if graph.find(NodeKind::Event, event).is_some() {
            let field = target[split..].strip_prefix('.').filter(|f| !f.is_empty());
            return (event, field);
        }
        match event.rfind('.') {
            Some(dot) => split = dot,
            // No prefix names an event: the first segment is the (unknown) event.
            None => {
                return match target.split_once('.') {
                    Some((event, field)) => (event, Some(field).filter(|f| !f.is_empty())),
                    None => (target, None),
                };
            }
        }
    }
}

/// What changing `field` of `event` (the whole event when `None`) breaks.
pub fn impact(
    catalog: &Catalog,
    graph: &CatalogGraph,
    event: &str,
    field: Option<&str>,
) -> Result<Impact, ImpactError> {
    let Some(node) = graph.find(NodeKind::Event, event) else {
        let names = graph
            .nodes()
            .filter(|(_, n)| n.kind == NodeKind::Event)
            .map(|(_, n)| n.name.as_str());
        return Err(ImpactError::UnknownEvent {
            name: event.to_owned(),
            did_you_mean: crate::suggest::did_you_mean(event, names).map(str::to_owned),
        });
    };
    let path = field.map(payload::segments).unwrap_or_default();
    if field.is_some() {
        check_field_exists(catalog, graph, node, field.unwrap_or_default(), &path)?;
    }
    let paths = [path];
    let consumers = classify(catalog, graph, node, field.map(|_| &paths[..]));
    let (transitive, events) = downstream(graph, &consumers.direct);
    Ok(Impact {
        event: event.to_owned(),
        field: field.map(str::to_owned),
        direct: owned(consumers.direct),
        transitive: owned(transitive),
        events: owned(events),
        unknown: owned(consumers.unknown),
    })
}

/// What a schema change of one event reaches, narrowed to the fields it touches: the answer
/// of [`impact`] for all of them at once, with the consumers it does not reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeImpact {
    pub event: String,
    /// The changed fields as users write them (`total.amountMinor`); `""` is the whole payload.
    pub fields: Vec<String>,
    pub direct: Vec<String>,
    pub transitive: Vec<String>,
    pub events: Vec<String>,
    /// Consumers that declare what they read (`reads` or a reader schema) and read none of the
    /// changed fields.
    pub unaffected: Vec<String>,
    pub unknown: Vec<String>,
}

impl ChangeImpact {
    /// The same answer as an [`Impact`] of the whole event, to draw with the graph views.
    pub fn as_impact(&self) -> Impact {
        Impact {
            event: self.event.clone(),
            field: None,
            direct: self.direct.clone(),
            transitive: self.transitive.clone(),
            events: self.events.clone(),
            unknown: self.unknown.clone(),
        }
    }
}

/// What changing `fields` of `event` reaches (the changed fields of a schema change, as
/// [`crate::compat::evolution::Checked::fields`] lists them). A consumer is direct when it
/// reads one of them, a parent or a child of one, or its reader schema holds one; every
/// consumer is direct when the whole payload changed (the empty path). No field changed (only
/// documentation did): every consumer is unaffected.
pub fn change_impact(
    catalog: &Catalog,
    graph: &CatalogGraph,
    event: &str,
    fields: &[FieldPath],
) -> Result<ChangeImpact, ImpactError> {
    let Some(node) = graph.find(NodeKind::Event, event) else {
        return Err(ImpactError::UnknownEvent {
            name: event.to_owned(),
            did_you_mean: None,
        });
    };
    let whole = fields.iter().any(Vec::is_empty);
    let mut consumers = classify(catalog, graph, node, (!whole).then_some(fields));
    if fields.is_empty() {
        consumers.unaffected.append(&mut consumers.unknown);
    }
    let (transitive, events) = downstream(graph, &consumers.direct);
    Ok(ChangeImpact {
        event: event.to_owned(),
        fields: fields.iter().map(|f| field_diff::display_path(f)).collect(),
        direct: owned(consumers.direct),
        transitive: owned(transitive),
        events: owned(events),
        unaffected: owned(consumers.unaffected),
        unknown: owned(consumers.unknown),
    })
}

fn owned(set: BTreeSet<&str>) -> Vec<String> {
    set.into_iter().map(str::to_owned).collect()
}

/// The consumers of an event, by whether a change reaches them.
struct Consumers<'a> {
    direct: BTreeSet<&'a str>,
    unknown: BTreeSet<&'a str>,
    unaffected: BTreeSet<&'a str>,
}

/// Sorts the consumers of `event` by whether changing `paths` reaches them; every consumer is
/// direct when `paths` is `None` (the whole event changes).
fn classify<'a>(
    catalog: &'a Catalog,
    graph: &CatalogGraph,
    event: NodeIndex,
    paths: Option<&[FieldPath]>,
) -> Consumers<'a> {
    let mut direct = BTreeSet::new();
    let mut unknown = BTreeSet::new();
    let mut unaffected = BTreeSet::new();
    for (s, c) in graph.consuming_declarations(event) {
        let service = &catalog.services[s];
        let name = service.name.value.as_str();
        match paths.map(|paths| reads(catalog, &service.consumes[c], paths)) {
            None | Some(Reads::Yes) => direct.insert(name),
            Some(Reads::Unknown) => unknown.insert(name),
            Some(Reads::No) => unaffected.insert(name),
        };
    }
    // A service that consumes the event twice and reads the field in one of its consumptions
    // is affected; one that cannot tell for one of them is unknown.
    unknown.retain(|s| !direct.contains(s));
    unaffected.retain(|s| !direct.contains(s) && !unknown.contains(s));
    Consumers {
        direct,
        unknown,
        unaffected,
    }
}

/// The services downstream of `direct` through the events they produce (not repeating direct
/// ones), and the events on those paths.
fn downstream<'g>(
    graph: &'g CatalogGraph,
    direct: &BTreeSet<&str>,
) -> (BTreeSet<&'g str>, BTreeSet<&'g str>) {
    let mut transitive = BTreeSet::new();
    let mut events = BTreeSet::new();
    let mut queue: VecDeque<NodeIndex> = direct
        .iter()
        .filter_map(|s| graph.find(NodeKind::Service, s))
        .collect();
    let mut visited: BTreeSet<NodeIndex> = queue.iter().copied().collect();
    while let Some(service) = queue.pop_front() {
        for produced in graph.produced_by(service) {
            for consumer in graph.consumers(produced) {
                let consumer_name = graph.node(consumer).name.as_str();
                if direct.contains(consumer_name) {
                    continue;
                }
                events.insert(graph.node(produced).name.as_str());
                if visited.insert(consumer) {
                    transitive.insert(consumer_name);
                    queue.push_back(consumer);
                }
            }
        }
    }
    (transitive, events)
}

/// Whether one consumption reads a field.
enum Reads {
    Yes,
    No,
    /// It declares neither `reads` nor a reader schema.
    Unknown,
}

/// Whether one consumption reads any of `paths`.
fn reads(catalog: &Catalog, consume: &Consumes, paths: &[FieldPath]) -> Reads {
    // Protobuf fields may be read under their JSON names; changes name them as in the `.proto`.
    let payload = catalog
        .event(&consume.event.value)
        .and_then(|e| e.schema.as_ref())
        .and_then(|s| payload::Payload::of(catalog, s));
    let proto_path = |path: &[String]| match &payload {
        Some(payload) => payload.proto_path(path),
        None => path.to_vec(),
    };
    let paths: Vec<FieldPath> = paths.iter().map(|p| proto_path(p)).collect();
    let paths = paths.as_slice();
    let declared_reads = consume
        .reads
        .iter()
        .map(|r| proto_path(&payload::segments(&r.value)))
        .any(|read| paths.iter().any(|path| related(&read, path)));
    if declared_reads {
        return Reads::Yes;
    }
    let reader = consume
        .schema
        .as_ref()
        .and_then(|s| s.id)
        .and_then(|id| compat::version_of(catalog, id).ok());
    match reader {
        // A reader schema that cannot be followed to the field may still read it.
        Some(reader) => {
            let holds =
                |path: &FieldPath| !matches!(payload::resolve(&reader, path), Found::Missing(..));
            if paths.iter().any(holds) {
                Reads::Yes
            } else {
                Reads::No
            }
        }
        None if consume.reads.is_empty() && consume.schema.is_none() => Reads::Unknown,
        None => Reads::No,
    }
}

/// Whether one path is the other, a parent of it or a child of it.
fn related(a: &[String], b: &[String]) -> bool {
    let shorter = a.len().min(b.len());
    shorter > 0 && a[..shorter] == b[..shorter]
}

/// A field the event's payload schema does not have is an error; one the schema cannot be
/// followed to (a `$ref`, a composition) or an event without a readable schema is taken as
/// named.
fn check_field_exists(
    catalog: &Catalog,
    graph: &CatalogGraph,
    event: NodeIndex,
    field: &str,
    path: &[String],
) -> Result<(), ImpactError> {
    let Some(declared) = graph.node(event).declared else {
        return Ok(());
    };
    let Some(id) = catalog.events[declared].schema.as_ref().and_then(|s| s.id) else {
        return Ok(());
    };
    if !catalog.schemas.get(id).valid {
        return Ok(());
    }
    let Ok(schema) = compat::version_of(catalog, id) else {
        return Ok(());
    };
    match payload::resolve(&schema, path) {
        Found::Missing(segment, names) => Err(ImpactError::UnknownField {
            event: graph.node(event).name.clone(),
            field: field.to_owned(),
            did_you_mean: crate::suggest::did_you_mean(&segment, names.iter().map(String::as_str))
                .map(str::to_owned),
            segment,
        }),
        _ => Ok(()),
    }
}
