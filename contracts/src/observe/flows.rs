//! The flow assembler of `contrail trace`: decoded records in, flows, hops, broken chains and
//! edge latencies out. Pure — the caller reads and decodes; this only counts and orders.
//!
//! The definitions are issue 12's, and the JSON they produce is an interface:
//!
//! - A **flow** is every record sharing a correlation id, ordered by timestamp, then topic,
//!   partition and offset. Records may arrive in any order; a flow is ordered before anything is
//!   computed on it.
//! - The **predecessor** of record B is the latest earlier record A of its flow whose event is
//!   consumed by a service that produces B's event (a declared edge A → B). When there is none
//!   and B is not the flow's first record, it is the latest earlier record of the flow, and the
//!   edge is undeclared.
//! - The **hop latency** of an edge A → B is B's timestamp − A's, over all predecessor pairs.
//! - A chain is **broken** at record A of event E by service S when S consumes E and produces
//!   at least one event, no later record of the flow is of an event S produces, and A is older
//!   than `broken_after` (strictly) relative to the newest record read — overall, not per flow.
//! - **Problem records** are counted once, in one kind, and placed in no flow; `read` counts
//!   every record.
//!
//! Follow mode (a window): a flow whose newest record is older than the window is closed — its
//! hops and broken chains go into running totals and the flow is dropped — so memory is bounded
//! by the records within the window. A flow closes only once it is also older than
//! `broken_after`, so every verdict it carries is final; a record arriving for a closed
//! correlation id starts a new flow.
//!
//! Memory: a record in a flow costs 48 bytes (indices for its event and topic names, its
//! position, and its key shared with the flow's other records when equal); a flow its
//! correlation id once, plus its map entry.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::declared::{Declared, Names};
use super::latency::LatencySketch;
use super::problem::{PerProblem, ProblemKind};
use super::report::RecordPosition;
use crate::graph::CatalogGraph;
use crate::model::Catalog;

/// How many positions of each problem kind the report keeps as examples.
pub const PROBLEM_EXAMPLES: usize = 5;

/// A decoded record with a correlation id: what the decoder hands the assembler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowRecord {
    /// The catalog event it decoded to.
    pub event: String,
    pub correlation_id: String,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    /// Milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    /// The record's key as text, for OTLP's `messaging.kafka.message.key`.
    pub key: Option<String>,
}

/// Which flows the report lists (`--flows`). Counts and edges always cover every flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeepFlows {
    #[default]
    All,
    /// Only flows with a broken chain.
    Broken,
    /// No flows: counts and edges only.
    None,
}

/// The knobs of `contrail trace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceOptions {
    /// `--broken-after`: how old a record must be before a missing follow-up counts as a
    /// broken chain. Negative counts as 0.
    pub broken_after_ms: i64,
    /// `--follow --window`: close flows whose newest record is older than this. `None` keeps
    /// every flow open until the report.
    pub window_ms: Option<i64>,
    pub keep: KeepFlows,
}

impl Default for TraceOptions {
    fn default() -> TraceOptions {
        TraceOptions {
            broken_after_ms: 60_000,
            window_ms: None,
            keep: KeepFlows::All,
        }
    }
}

/// Assembles records into flows and measures them. See the module documentation.
#[derive(Debug, Clone)]
pub struct FlowAssembler {
    declared: Declared,
    /// Every event name seen: the declared ones first (same indices as `declared`).
    events: Names,
    topics: Names,
    options: TraceOptions,
    /// Open flows; `None` marks a slot freed by a closed flow, reused by the next new one.
    slots: Vec<Option<Flow>>,
    free: Vec<u32>,
    by_id: FxHashMap<Arc<str>, u32>,
    /// Follow mode only: (a flow's newest timestamp, its slot), oldest first. An entry is
    /// stale when the flow has since seen a newer record (it has a newer entry too) or the
    /// slot was freed; stale entries are skipped when they come up.
    expiry: BinaryHeap<Reverse<(i64, u32)>>,
    /// The newest record timestamp read: the clock of `broken_after` and of the window.
    newest: Option<i64>,
    in_flows: u64,
    /// Records neither in a flow nor a problem (see [`FlowAssembler::skip`]).
    skipped: u64,
    problems: PerProblem<u64>,
    problem_examples: PerProblem<Vec<RecordPosition>>,
    closed: Totals,
    /// Buffers for analysing the flows follow mode closes.
    work: (Analysis, Scratch),
}

/// What closed flows leave behind.
#[derive(Debug, Clone, Default)]
struct Totals {
    edges: FxHashMap<(u32, u32), LatencySketch>,
    /// By service index.
    broken_by_service: Vec<u64>,
    flows: u64,
    broken_flows: u64,
    broken_chains: u64,
}

#[derive(Debug, Clone)]
struct Flow {
    id: Arc<str>,
    records: Vec<Rec>,
    /// The newest timestamp of the flow.
    newest: i64,
    /// Records arrived in flow order (checked on each push), so no sort is needed.
    sorted: bool,
}

/// A record in a flow: names as indices, the key shared with equal keys of the flow.
#[derive(Debug, Clone)]
struct Rec {
    timestamp_ms: i64,
    offset: i64,
    partition: i32,
    event: u32,
    topic: u32,
    key: Option<Arc<str>>,
}

/// How far back a new record looks for an equal key to share (records of one flow usually
/// carry one key; a bounded look keeps a flow of many keys linear).
const KEY_LOOKBACK: usize = 8;

impl FlowAssembler {
    /// An assembler for the flows `catalog` declares (`graph` is its graph).
    pub fn new(catalog: &Catalog, graph: &CatalogGraph, options: TraceOptions) -> FlowAssembler {
        let declared = Declared::build(catalog, graph);
        let closed = Totals {
            broken_by_service: vec![0; declared.services.len()],
            ..Totals::default()
        };
        FlowAssembler {
            events: declared.events.clone(),
            declared,
            topics: Names::default(),
            options,
            slots: Vec::new(),
            free: Vec::new(),
            by_id: FxHashMap::default(),
            expiry: BinaryHeap::new(),
            newest: None,
            in_flows: 0,
            skipped: 0,
            problems: PerProblem::default(),
            problem_examples: PerProblem::default(),
            closed,
            work: Default::default(),
        }
    }

    /// The options the assembler runs with.
    pub fn options(&self) -> &TraceOptions {
        &self.options
    }

    /// How many flows are open (in follow mode, bounded by the window).
    pub fn open_flows(&self) -> usize {
        self.by_id.len()
    }

    /// The newest record timestamp read, the clock of `broken_after` and of the window.
    pub fn newest_timestamp_ms(&self) -> Option<i64> {
        self.newest
    }

    /// Adds a record to its flow. In follow mode, also closes the flows the record's timestamp
    /// moves out of the window.
    pub fn push(&mut self, record: FlowRecord) {
        self.in_flows += 1;
        let ts = record.timestamp_ms;
        self.newest = Some(self.newest.map_or(ts, |n| n.max(ts)));
        let rec = Rec {
            timestamp_ms: ts,
            offset: record.offset,
            partition: record.partition,
            event: self.events.intern(&record.event),
            topic: self.topics.intern(&record.topic),
            key: None,
        };
        let slot = match self.by_id.get(record.correlation_id.as_str()) {
            Some(&slot) => slot,
            None => self.open(record.correlation_id.as_str(), ts),
        };
        let Some(flow) = self.slots.get_mut(slot as usize).and_then(Option::as_mut) else {
            return;
        };
        let key = record.key.map(|key| {
            flow.records
                .iter()
                .rev()
                .take(KEY_LOOKBACK)
                .find_map(|r| r.key.as_ref().filter(|k| ***k == *key))
                .map_or_else(|| Arc::from(key.as_str()), Arc::clone)
        });
        let rec = Rec { key, ..rec };
        if let Some(last) = flow.records.last()
            && flow_order(&self.topics, last, &rec) == Ordering::Greater
        {
            flow.sorted = false;
        }
        flow.records.push(rec);
        if ts > flow.newest {
            flow.newest = ts;
            if self.options.window_ms.is_some() {
                self.expiry.push(Reverse((ts, slot)));
            }
        }
        self.expire();
    }

    /// Moves the clock of `broken_after` (and of the window) for a record read but not
    /// assembled: one of another flow, when only one flow is traced. Verdicts stay those of a
    /// full read.
    pub fn saw(&mut self, timestamp_ms: i64) {
        self.newest = Some(self.newest.map_or(timestamp_ms, |n| n.max(timestamp_ms)));
    }

    /// Counts a record that is neither in a flow nor a problem: a tombstone, a value whose
    /// registered schema contrail cannot read, an event whose contract declares no correlation
    /// id. It is read, so it is counted, but it carries nothing to assemble.
    pub fn skip(&mut self) {
        self.skipped += 1;
    }

    /// Counts a problem record: one kind, no flow.
    pub fn problem(&mut self, kind: ProblemKind, topic: &str, partition: i32, offset: i64) {
        *self.problems.get_mut(kind) += 1;
        let examples = self.problem_examples.get_mut(kind);
        if examples.len() < PROBLEM_EXAMPLES {
            let topic = self.topics.intern(topic);
            examples.push(RecordPosition {
                topic: Arc::clone(self.topics.name(topic)),
                partition,
                offset,
            });
        }
    }

    /// A new open flow for `id` whose first record has timestamp `ts`.
    fn open(&mut self, id: &str, ts: i64) -> u32 {
        let flow = Flow {
            id: Arc::from(id),
            records: Vec::new(),
            newest: ts,
            sorted: true,
        };
        let id = Arc::clone(&flow.id);
        let slot = match self.free.pop() {
            Some(slot) => {
                if let Some(free) = self.slots.get_mut(slot as usize) {
                    *free = Some(flow);
                }
                slot
            }
            None => {
                self.slots.push(Some(flow));
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.by_id.insert(id, slot);
        if self.options.window_ms.is_some() {
            self.expiry.push(Reverse((ts, slot)));
        }
        slot
    }

    /// Closes every flow that left the window (follow mode only).
    fn expire(&mut self) {
        let (Some(window), Some(newest)) = (self.options.window_ms, self.newest) else {
            return;
        };
        let horizon = window.max(self.options.broken_after_ms).max(0);
        // A flow closes when newest − its newest > horizon.
        let cutoff = newest.saturating_sub(horizon);
        while let Some(&Reverse((ts, slot))) = self.expiry.peek() {
            if ts >= cutoff {
                break;
            }
            self.expiry.pop();
            let live = self
                .slots
                .get(slot as usize)
                .and_then(Option::as_ref)
                .is_some_and(|flow| flow.newest == ts);
            if live {
                self.close(slot);
            }
        }
    }

    /// Folds one flow into the running totals and frees its slot.
    fn close(&mut self, slot: u32) {
        let Some(flow) = self.slots.get_mut(slot as usize).and_then(Option::take) else {
            return;
        };
        // Taken out for the call, which reads the rest of the assembler, and put back so
        // follow mode reuses their buffers from one closed flow to the next.
        let (mut analysis, mut scratch) = std::mem::take(&mut self.work);
        self.analyze(&flow, &mut analysis, &mut scratch);
        let mut totals = std::mem::take(&mut self.closed);
        self.count_into(&flow, &analysis, &mut totals);
        totals.flows += 1;
        self.closed = totals;
        self.work = (analysis, scratch);
        self.by_id.remove(&flow.id);
        self.free.push(slot);
    }

    /// Adds a flow's hops and broken chains to `totals` (not its flow count).
    fn count_into(&self, flow: &Flow, analysis: &Analysis, totals: &mut Totals) {
        for (pos, hop) in analysis.hops.iter().enumerate() {
            let Some(hop) = hop else { continue };
            let (a, b) = (analysis.rec(flow, hop.from), analysis.rec(flow, pos));
            let (Some(a), Some(b)) = (a, b) else { continue };
            totals
                .edges
                .entry((a.event, b.event))
                .or_default()
                .add(b.timestamp_ms.saturating_sub(a.timestamp_ms));
        }
        for &(_, service) in &analysis.broken {
            if let Some(n) = totals.broken_by_service.get_mut(service as usize) {
                *n += 1;
            }
        }
        totals.broken_chains += analysis.broken.len() as u64;
        totals.broken_flows += u64::from(!analysis.broken.is_empty());
    }

    /// Orders a flow and finds each record's predecessor and the chains broken after it.
    fn analyze(&self, flow: &Flow, out: &mut Analysis, scratch: &mut Scratch) {
        out.order.clear();
        out.hops.clear();
        out.broken.clear();
        let n = u32::try_from(flow.records.len()).unwrap_or(u32::MAX);
        out.order.extend(0..n);
        if !flow.sorted {
            out.order.sort_by(|&a, &b| {
                match (flow.records.get(a as usize), flow.records.get(b as usize)) {
                    (Some(a), Some(b)) => flow_order(&self.topics, a, b),
                    _ => Ordering::Equal,
                }
            });
        }
        scratch.reset(self.events.len());
        let event_at = |pos: usize| analysis_rec(flow, &out.order, pos).map(|r| r.event);

        // Forwards: the latest earlier record of each event gives the declared predecessor.
        for pos in 0..out.order.len() {
            let Some(event) = event_at(pos) else {
                out.hops.push(None);
                continue;
            };
            let declared = self
                .declared
                .sources(event)
                .iter()
                .filter_map(|&source| scratch.last(source))
                .max();
            out.hops.push(match declared {
                Some(from) => Some(HopAt {
                    from,
                    declared: true,
                }),
                None if pos > 0 => Some(HopAt {
                    from: pos - 1,
                    declared: false,
                }),
                None => None,
            });
            scratch.set_last(event, pos);
        }

        // Backwards: which events occur later than each record.
        let Some(now) = self.newest else { return };
        let broken_after = self.options.broken_after_ms.max(0);
        for pos in (0..out.order.len()).rev() {
            let Some(rec) = analysis_rec(flow, &out.order, pos) else {
                continue;
            };
            let old = now.saturating_sub(rec.timestamp_ms) > broken_after;
            if old {
                // Collected backwards, reversed below; services reversed here to stay in
                // catalog order after that.
                for &service in self.declared.followers(rec.event).iter().rev() {
                    let followed = self
                        .declared
                        .produces(service)
                        .iter()
                        .any(|&e| scratch.seen_later(e));
                    if !followed {
                        out.broken.push((pos, service));
                    }
                }
            }
            scratch.mark_seen(rec.event);
        }
        out.broken.reverse();
    }
}

/// Flow order: timestamp, then topic name, partition, offset.
fn flow_order(topics: &Names, a: &Rec, b: &Rec) -> Ordering {
    a.timestamp_ms
        .cmp(&b.timestamp_ms)
        .then_with(|| {
            if a.topic == b.topic {
                Ordering::Equal
            } else {
                topics.name(a.topic).cmp(topics.name(b.topic))
            }
        })
        .then(a.partition.cmp(&b.partition))
        .then(a.offset.cmp(&b.offset))
}

/// A record's predecessor, by position in flow order.
#[derive(Debug, Clone, Copy)]
struct HopAt {
    from: usize,
    declared: bool,
}

/// One flow, ordered and analysed. Positions are indices into `order`.
#[derive(Debug, Clone, Default)]
struct Analysis {
    /// Indices into the flow's records, in flow order.
    order: Vec<u32>,
    /// By position: the predecessor.
    hops: Vec<Option<HopAt>>,
    /// (position, service index) of every broken chain, in flow order, then catalog order.
    broken: Vec<(usize, u32)>,
}

impl Analysis {
    fn rec<'f>(&self, flow: &'f Flow, pos: usize) -> Option<&'f Rec> {
        analysis_rec(flow, &self.order, pos)
    }

    /// The flow's records in flow order.
    fn recs<'f>(&self, flow: &'f Flow) -> impl Iterator<Item = &'f Rec> + use<'_, 'f> {
        self.order
            .iter()
            .filter_map(|&i| flow.records.get(i as usize))
    }
}

fn analysis_rec<'f>(flow: &'f Flow, order: &[u32], pos: usize) -> Option<&'f Rec> {
    flow.records.get(*order.get(pos)? as usize)
}

/// Per-event state of one analysis, reused across flows: only the entries a flow touched are
/// reset, so a small flow costs little however many events the catalog has.
#[derive(Debug, Clone, Default)]
struct Scratch {
    /// By event: the latest position seen so far (forward pass).
    last: Vec<Option<usize>>,
    /// By event: seen later than the current position (backward pass).
    seen: Vec<bool>,
    touched: Vec<u32>,
}

impl Scratch {
    fn reset(&mut self, events: usize) {
        for &e in &self.touched {
            if let Some(last) = self.last.get_mut(e as usize) {
                *last = None;
            }
            if let Some(seen) = self.seen.get_mut(e as usize) {
                *seen = false;
            }
        }
        self.touched.clear();
        if self.last.len() < events {
            self.last.resize(events, None);
            self.seen.resize(events, false);
        }
    }

    fn last(&self, event: u32) -> Option<usize> {
        self.last.get(event as usize).copied().flatten()
    }

    fn set_last(&mut self, event: u32, pos: usize) {
        if let Some(last) = self.last.get_mut(event as usize) {
            *last = Some(pos);
            self.touched.push(event);
        }
    }

    fn seen_later(&self, event: u32) -> bool {
        self.seen.get(event as usize).copied().unwrap_or(false)
    }

    fn mark_seen(&mut self, event: u32) {
        if let Some(seen) = self.seen.get_mut(event as usize) {
            *seen = true;
            self.touched.push(event);
        }
    }
}

mod output;
#[cfg(test)]
mod tests;

pub use output::StreamingReport;
