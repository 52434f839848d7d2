//! What `contrail trace` reports: the JSON interface other tools read (issue 12), and one
//! flow's timeline for `--correlation-id`.
//!
//! Field names are an interface: add fields, never rename them. Names are `Arc<str>` shared
//! with the assembler, so a report of a million records does not copy a million names.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::latency::Percentiles;
use super::problem::PerProblem;

/// The report of `contrail trace --format json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceReport {
    pub records: RecordCounts,
    /// The flows [`super::KeepFlows`] keeps, in order of their first record's timestamp, then
    /// correlation id. In follow mode only the open flows: closed ones live on in the counts.
    pub flows: Vec<FlowReport>,
    /// Every declared edge (in catalog order, count 0 when never seen), then every undeclared
    /// edge seen (by name).
    pub edges: Vec<EdgeReport>,
    /// Broken chains by the service that dropped them, over every flow read (closed and open).
    pub broken_by_service: BTreeMap<String, u64>,
    pub totals: FlowTotals,
}

/// What was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCounts {
    /// Every record: those in flows, the problem records and the skipped ones.
    pub read: u64,
    pub in_flows: u64,
    /// Records neither in a flow nor a problem: tombstones, values whose registered schema
    /// contrail cannot read, events whose contract declares no correlation id.
    #[serde(default)]
    pub skipped: u64,
    /// Problem records by kind; each counted once, in one kind.
    pub problems: PerProblem<u64>,
    /// The first few positions of each kind of problem record
    /// ([`super::PROBLEM_EXAMPLES`] at most), to look them up.
    pub problem_examples: PerProblem<Vec<RecordPosition>>,
}

/// Where a record is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordPosition {
    pub topic: Arc<str>,
    pub partition: i32,
    pub offset: i64,
}

/// Counts over every flow read, including flows follow mode has closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowTotals {
    /// Flows read: open plus closed.
    pub flows: u64,
    /// Flows still open (all of them without a window).
    pub open: u64,
    /// Flows follow mode closed and evicted.
    pub closed: u64,
    /// Flows with at least one broken chain.
    pub broken_flows: u64,
    pub broken_chains: u64,
}

/// One flow: every record sharing a correlation id, in flow order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowReport {
    pub correlation_id: Arc<str>,
    pub records: Vec<ReportedRecord>,
    pub broken: Vec<BrokenChain>,
}

/// A record of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedRecord {
    pub event: Arc<str>,
    pub topic: Arc<str>,
    pub partition: i32,
    pub offset: i64,
    pub timestamp_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Arc<str>>,
}

/// A broken chain: `service` consumes `after`'s event and produces events, but produced none
/// later in the flow, though the record is older than `--broken-after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenChain {
    /// The event of the record the chain broke after.
    pub after: Arc<str>,
    /// The service that should have followed it.
    pub service: Arc<str>,
    pub topic: Arc<str>,
    pub partition: i32,
    pub offset: i64,
}

/// An edge event → event, declared or seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeReport {
    pub from: Arc<str>,
    pub to: Arc<str>,
    /// Some service consumes `from` and produces `to`.
    pub declared: bool,
    /// Predecessor pairs seen along the edge.
    pub count: u64,
    /// Hop latencies (nearest-rank percentiles, see [`super::latency`]); all 0 when `count` is.
    pub latency_ms: Percentiles,
    /// Whether the percentiles are exact (false once the edge has more samples than
    /// [`super::latency::EXACT_LIMIT`]: then within 1 %).
    pub exact: bool,
}

/// One flow as a timeline (`--correlation-id`), with each record's predecessor and hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub correlation_id: Arc<str>,
    pub records: Vec<TimelineStep>,
    pub broken: Vec<BrokenChain>,
}

/// A record of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineStep {
    #[serde(flatten)]
    pub record: ReportedRecord,
    /// The service that produces this record's event, when exactly one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<Arc<str>>,
    /// `None` for the flow's first record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predecessor: Option<Hop>,
    /// The services that should have followed this record and did not (see [`BrokenChain`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broken_by: Vec<Arc<str>>,
}

/// The hop from a record's predecessor to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    /// The predecessor's index in the timeline's records.
    pub index: usize,
    /// The predecessor's event.
    pub event: Arc<str>,
    /// Whether the edge predecessor → record is declared.
    pub declared: bool,
    pub latency_ms: i64,
    /// For a declared edge: the first service (in catalog order) consuming the predecessor's
    /// event and producing this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<Arc<str>>,
    /// That consumption's consumer group, when declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Arc<str>>,
}
