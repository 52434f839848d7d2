//! What the assembler hands out: the report (whole, or streamed one flow at a time), and
//! flows as timelines. A second `impl` block of the assembler, apart from the state it reads.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use super::{Analysis, Flow, FlowAssembler, KeepFlows, Rec, Scratch};
use crate::observe::latency::LatencySketch;
use crate::observe::problem::ProblemKind;
use crate::observe::report::{
    BrokenChain, EdgeReport, FlowReport, FlowTotals, Hop, RecordCounts, ReportedRecord, Timeline,
    TimelineStep, TraceReport,
};

impl FlowAssembler {
    /// The open flows [`KeepFlows`] keeps would be chosen from, in report order (first record's
    /// timestamp, then correlation id).
    fn flows_in_order(&self) -> Vec<&Flow> {
        let mut flows: Vec<(i64, &Flow)> = self
            .slots
            .iter()
            .flatten()
            .map(|f| {
                let first = f.records.iter().map(|r| r.timestamp_ms).min();
                (first.unwrap_or(f.newest), f)
            })
            .collect();
        flows.sort_by(|(ta, a), (tb, b)| ta.cmp(tb).then_with(|| a.id.cmp(&b.id)));
        flows.into_iter().map(|(_, f)| f).collect()
    }

    fn keeps(&self, analysis: &Analysis) -> bool {
        match self.options.keep {
            KeepFlows::All => true,
            KeepFlows::Broken => !analysis.broken.is_empty(),
            KeepFlows::None => false,
        }
    }

    /// The report of everything read so far: counts, the kept flows, and every edge.
    pub fn report(&self) -> TraceReport {
        self.summarize(true)
    }

    /// The same report as [`FlowAssembler::report`], for writing: its flows are built one at
    /// a time as they are serialized, so a report of every flow costs no more memory than the
    /// assembler already holds.
    pub fn report_streaming(&self) -> StreamingReport<'_> {
        StreamingReport {
            assembler: self,
            summary: self.summarize(false),
        }
    }

    /// The report, with its flows only when `with_flows` (the counts always cover them).
    fn summarize(&self, with_flows: bool) -> TraceReport {
        let mut totals = self.closed.clone();
        let mut flows = Vec::new();
        let mut analysis = Analysis::default();
        let mut scratch = Scratch::default();
        let open = self.flows_in_order();
        for flow in &open {
            self.analyze(flow, &mut analysis, &mut scratch);
            self.count_into(flow, &analysis, &mut totals);
            if with_flows && self.keeps(&analysis) {
                flows.push(self.flow_report(flow, &analysis));
            }
        }
        let problems: u64 = ProblemKind::ALL
            .iter()
            .map(|&k| *self.problems.get(k))
            .sum();
        TraceReport {
            records: RecordCounts {
                read: self.in_flows + problems + self.skipped,
                in_flows: self.in_flows,
                skipped: self.skipped,
                problems: self.problems.clone(),
                problem_examples: self.problem_examples.clone(),
            },
            flows,
            edges: self.edge_reports(&totals.edges),
            broken_by_service: totals
                .broken_by_service
                .iter()
                .enumerate()
                .filter(|&(_, &n)| n > 0)
                .filter_map(|(s, &n)| {
                    let name = self.declared.service(u32::try_from(s).ok()?)?;
                    Some((name.to_string(), n))
                })
                .collect::<BTreeMap<_, _>>(),
            totals: FlowTotals {
                flows: totals.flows + open.len() as u64,
                open: open.len() as u64,
                closed: totals.flows,
                broken_flows: totals.broken_flows,
                broken_chains: totals.broken_chains,
            },
        }
    }

    /// `make` of every open flow [`KeepFlows`] keeps, in report order, one flow at a time.
    fn kept<'a, T: 'a>(
        &'a self,
        mut make: impl FnMut(&Flow, &Analysis) -> T + 'a,
    ) -> impl Iterator<Item = T> + 'a {
        let mut analysis = Analysis::default();
        let mut scratch = Scratch::default();
        self.flows_in_order().into_iter().filter_map(move |flow| {
            self.analyze(flow, &mut analysis, &mut scratch);
            self.keeps(&analysis).then(|| make(flow, &analysis))
        })
    }

    /// Declared edges in catalog order, then undeclared ones seen, by name.
    fn edge_reports(&self, edges: &FxHashMap<(u32, u32), LatencySketch>) -> Vec<EdgeReport> {
        let report = |from: u32, to: u32, declared: bool| {
            let sketch = edges.get(&(from, to));
            EdgeReport {
                from: Arc::clone(self.events.name(from)),
                to: Arc::clone(self.events.name(to)),
                declared,
                count: sketch.map_or(0, LatencySketch::count),
                latency_ms: sketch.map(LatencySketch::percentiles).unwrap_or_default(),
                exact: sketch.is_none_or(LatencySketch::is_exact),
            }
        };
        let mut out: Vec<EdgeReport> = self
            .declared
            .edges
            .iter()
            .map(|e| report(e.from, e.to, true))
            .collect();
        let mut undeclared: Vec<EdgeReport> = edges
            .keys()
            .filter(|&&(from, to)| self.declared.edge(from, to).is_none())
            .map(|&(from, to)| report(from, to, false))
            .collect();
        undeclared.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
        out.extend(undeclared);
        out
    }

    fn reported(&self, rec: &Rec) -> ReportedRecord {
        ReportedRecord {
            event: Arc::clone(self.events.name(rec.event)),
            topic: Arc::clone(self.topics.name(rec.topic)),
            partition: rec.partition,
            offset: rec.offset,
            timestamp_ms: rec.timestamp_ms,
            key: rec.key.clone(),
        }
    }

    // The vectors of a report are sized up front: a report lists every flow, and growing a
    // vector from empty would reserve room for four of what is usually one or two.
    fn broken_chains(&self, flow: &Flow, analysis: &Analysis) -> Vec<BrokenChain> {
        let mut chains = Vec::with_capacity(analysis.broken.len());
        chains.extend(analysis.broken.iter().filter_map(|&(pos, service)| {
            let rec = analysis.rec(flow, pos)?;
            Some(BrokenChain {
                after: Arc::clone(self.events.name(rec.event)),
                service: Arc::clone(self.declared.service(service)?),
                topic: Arc::clone(self.topics.name(rec.topic)),
                partition: rec.partition,
                offset: rec.offset,
            })
        }));
        chains
    }

    fn flow_report(&self, flow: &Flow, analysis: &Analysis) -> FlowReport {
        let mut records = Vec::with_capacity(analysis.order.len());
        records.extend(analysis.recs(flow).map(|rec| self.reported(rec)));
        FlowReport {
            correlation_id: Arc::clone(&flow.id),
            records,
            broken: self.broken_chains(flow, analysis),
        }
    }

    /// One open flow as a timeline: its records in order, each with its predecessor and hop
    /// latency (`--correlation-id`). `None` when no open flow has this correlation id (never
    /// read, or closed by follow mode).
    pub fn timeline(&self, correlation_id: &str) -> Option<Timeline> {
        let slot = *self.by_id.get(correlation_id)?;
        let flow = self.slots.get(slot as usize)?.as_ref()?;
        let mut analysis = Analysis::default();
        self.analyze(flow, &mut analysis, &mut Scratch::default());
        Some(self.timeline_of(flow, &analysis))
    }

    /// The timelines of the flows the report keeps, in report order; computed one at a time,
    /// so writing them (OTLP) needs memory for one flow only.
    pub fn timelines(&self) -> impl Iterator<Item = Timeline> + '_ {
        self.kept(|flow, analysis| self.timeline_of(flow, analysis))
    }

    fn timeline_of(&self, flow: &Flow, analysis: &Analysis) -> Timeline {
        let mut records = Vec::with_capacity(analysis.order.len());
        for pos in 0..analysis.order.len() {
            let Some(rec) = analysis.rec(flow, pos) else {
                continue;
            };
            let hop = analysis.hops.get(pos).copied().flatten();
            let predecessor = hop.and_then(|hop| {
                let from = analysis.rec(flow, hop.from)?;
                let edge = hop
                    .declared
                    .then(|| self.declared.edge(from.event, rec.event))
                    .flatten();
                Some(Hop {
                    index: hop.from,
                    event: Arc::clone(self.events.name(from.event)),
                    declared: hop.declared,
                    latency_ms: rec.timestamp_ms.saturating_sub(from.timestamp_ms),
                    service: edge.and_then(|e| self.declared.service(e.service)).cloned(),
                    group: edge.and_then(|e| e.group.clone()),
                })
            });
            records.push(TimelineStep {
                record: self.reported(rec),
                producer: self.declared.sole_producer(rec.event).cloned(),
                predecessor,
                broken_by: analysis
                    .broken
                    .iter()
                    .filter(|&&(p, _)| p == pos)
                    .filter_map(|&(_, s)| self.declared.service(s).cloned())
                    .collect(),
            });
        }
        Timeline {
            correlation_id: Arc::clone(&flow.id),
            records,
            broken: self.broken_chains(flow, analysis),
        }
    }
}

/// A [`TraceReport`] whose flows are built while it is serialized
/// ([`FlowAssembler::report_streaming`]). Serializes exactly as the report does.
#[derive(Debug)]
pub struct StreamingReport<'a> {
    assembler: &'a FlowAssembler,
    summary: TraceReport,
}

impl StreamingReport<'_> {
    /// The report without its flows: counts, edges, broken chains by service, totals.
    pub fn summary(&self) -> &TraceReport {
        &self.summary
    }
}

impl Serialize for StreamingReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The fields of `TraceReport`, in its order (a test compares the two).
        let report = &self.summary;
        let mut out = serializer.serialize_struct("TraceReport", 5)?;
        out.serialize_field("records", &report.records)?;
        out.serialize_field("flows", &KeptFlows(self.assembler))?;
        out.serialize_field("edges", &report.edges)?;
        out.serialize_field("broken_by_service", &report.broken_by_service)?;
        out.serialize_field("totals", &report.totals)?;
        out.end()
    }
}

/// The kept flows, serialized as a sequence built one flow at a time.
struct KeptFlows<'a>(&'a FlowAssembler);

impl Serialize for KeptFlows<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let assembler = self.0;
        serializer
            .collect_seq(assembler.kept(|flow, analysis| assembler.flow_report(flow, analysis)))
    }
}
