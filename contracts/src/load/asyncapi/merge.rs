//! The events of every AsyncAPI document merged into the catalog by name: the same name is the
//! same event, however many documents declare it (the producer's document and each consumer's
//! copy of the message).
//!
//! # The event's home
//!
//! One declaration becomes the catalog's event: its home. Findings about the event itself (its
//! payload, its id, its correlation id, its examples) point there. The home is the first of:
//! 1. the native contract of that name (`events/*.yaml`);
//! 2. the copy in the document of a service that produces the event (the first such in
//!    catalog order, when several do);
//! 3. the first copy in catalog order.
//!
//! Catalog order is the order the load reads documents in (the walk's sorted order). The home
//! is the producer's because the producer owns the message: a consumer's copy may be older or
//! trimmed, and which copy a walk meets first depends only on file names. What a service does
//! with the event (its `produces`/`consumes` entry) stays in that service's document whatever
//! the home. The event keeps the place of its first copy in the catalog's list of events.
//!
//! A copy on another topic than its home's is `CONFLICTING_EVENT`, at the copy.

use std::collections::HashMap;

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::load::LoadCtx;
use crate::model::Event;

/// An event as one AsyncAPI document declares it.
#[derive(Debug)]
pub(in crate::load) struct EventCopy {
    pub(super) event: Event,
    /// The document's service produces the event.
    pub(super) produced: bool,
}

/// Adds the events of `ctx.asyncapi_events` to the catalog, each from its home.
pub(in crate::load) fn merge_events(ctx: &mut LoadCtx) {
    let copies = std::mem::take(&mut ctx.asyncapi_events);
    let native: HashMap<String, usize> = ctx
        .catalog
        .events
        .iter()
        .enumerate()
        .rev()
        .map(|(i, e)| (e.name.value.clone(), i))
        .collect();
    // The copies of each name in catalog order, names in the order they first appear.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for (i, copy) in copies.iter().enumerate() {
        let group = *group_of
            .entry(copy.event.name.value.as_str())
            .or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
        groups[group].push(i);
    }
    let mut homes = Vec::new();
    for group in groups {
        let name = &copies[group[0]].event.name.value;
        if let Some(&home) = native.get(name) {
            for &i in &group {
                let d = conflict(&ctx.catalog.events[home], &copies[i].event, Declared::First);
                ctx.diagnostics.extend(d);
            }
            continue;
        }
        let home = group.iter().position(|&i| copies[i].produced).unwrap_or(0);
        for (k, &i) in group.iter().enumerate() {
            if k == home {
                continue;
            }
            // A copy before the home was read first; the home is there as the producer's.
            let declared = if k > home {
                Declared::First
            } else {
                Declared::ByProducer
            };
            let d = conflict(&copies[group[home]].event, &copies[i].event, declared);
            ctx.diagnostics.extend(d);
        }
        homes.push(group[home]);
    }
    let mut copies: Vec<Option<EventCopy>> = copies.into_iter().map(Some).collect();
    for home in homes {
        if let Some(copy) = copies[home].take() {
            ctx.catalog.events.push(copy.event);
        }
    }
}

/// Why the home is the home, as a conflict finding says it.
#[derive(Debug, Clone, Copy)]
enum Declared {
    /// The native contract, or a copy read before the one reported.
    First,
    /// The producer's copy, read after the one reported.
    ByProducer,
}

/// `CONFLICTING_EVENT` at `copy` when it is on another topic than `home`.
fn conflict(home: &Event, copy: &Event, declared: Declared) -> Option<Diagnostic> {
    let (Some(first), Some(second)) = (&home.topic, &copy.topic) else {
        return None;
    };
    if first.value == second.value {
        return None;
    }
    let (where_, related) = match declared {
        Declared::First => ("where it was first declared", "first declared here"),
        Declared::ByProducer => (
            "where its producer declares it",
            "declared here by its producer",
        ),
    };
    Some(
        Diagnostic::new(
            codes::CONFLICTING_EVENT,
            format!(
                "event `{}` is on topic `{}` here but on `{}` {where_}",
                copy.name.value, second.value, first.value
            ),
        )
        .at(second.location.clone())
        .pointer(second.pointer.clone())
        .related(first.location.clone(), related)
        .help("an event has one topic; give the messages different names if they are different events"),
    )
}
