//! What flows on the topics, as opposed to what is declared: records read from a broker,
//! decoded, matched to the catalog's events and assembled into correlation flows.
//!
//! Sans-io like the rest of the crate: `contrail-kafka` reads the broker and hands over plain
//! [`ObservedRecord`]s; the registry lookups a decoder needs go through a trait the caller
//! implements. Nothing here knows Kafka's protocol or HTTP.

mod avro_datum;
mod classify;
mod declared;
mod decode;
pub mod drift;
mod flows;
pub mod json_text;
pub mod latency;
pub mod otlp;
mod problem;
pub mod protobuf_body;
mod record;
mod report;
mod wire;

pub use avro_datum::AvroValue;
pub use classify::{Classifier, Finding, FindingKind, Problem, RecordCheck};
pub use decode::{
    Decoded, DecodedRecord, DecodedValue, Decoder, Failure, RegisteredSchema, SchemaSource,
    SourceError,
};
pub use flows::{
    FlowAssembler, FlowRecord, KeepFlows, PROBLEM_EXAMPLES, StreamingReport, TraceOptions,
};
pub use latency::{LatencySketch, Percentiles};
pub use otlp::{to_otlp, to_otlp_batches};
pub use problem::{PerProblem, ProblemKind};
pub use record::{ObservedHeader, ObservedRecord};
pub use report::{
    BrokenChain, EdgeReport, FlowReport, FlowTotals, Hop, RecordCounts, RecordPosition,
    ReportedRecord, Timeline, TimelineStep, TraceReport,
};
pub use wire::{
    Framed, Framing, KEY_SCHEMA_ID_HEADER, Part, SchemaPointer, VALUE_SCHEMA_ID_HEADER, WireError,
    unframe, write_uuid,
};
