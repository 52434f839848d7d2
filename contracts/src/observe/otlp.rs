//! `contrail trace --format otlp`: flows as OTLP/JSON `ExportTraceServiceRequest`s, so flows
//! through services nobody instrumented show up in Jaeger or Tempo.
//!
//! The encoding follows the OTLP specification's JSON rules: lowerCamelCase field names, trace
//! and span ids as hex strings (not the base64 of protobuf's generic JSON mapping), enums as
//! integers, 64-bit integers as decimal strings.
//!
//! - One trace per flow. Its id is the correlation id when that is a W3C trace id (32 hex
//!   digits, not all zero: the id a `traceparent` carried, so the spans join the services' own
//!   traces), else the first 16 bytes of the SHA-256 of the correlation id.
//! - One span per record; its id is the first 8 bytes of the SHA-256 of the record's position
//!   (topic, partition, offset), so the same record always gets the same span. Its parent, and
//!   its one link, is its predecessor's span (the link says whether the edge is declared).
//! - A record reached over a declared edge is the work of the service that consumed the
//!   predecessor: a CONSUMER span from the predecessor's timestamp to the record's, with the
//!   consumer group of that consumption when the catalog declares one. Any other record (a
//!   flow's first, or one over an undeclared edge) is a PRODUCER span at its timestamp.
//! - Attributes follow the OpenTelemetry messaging conventions and describe the span's own
//!   record: `messaging.system`, `messaging.operation.type`, `messaging.destination.name`,
//!   `messaging.destination.partition.id`, `messaging.kafka.offset`,
//!   `messaging.kafka.message.key`, `messaging.consumer.group.name`,
//!   `messaging.message.conversation_id` (the correlation id), and `contrail.event`.
//! - A record a chain broke after has status ERROR naming the services that did not follow.
//! - The resource's `service.name` is the event's producer when exactly one service produces
//!   it, else the caller's fallback (`contrail`).

use std::sync::Arc;

use ring::digest;
use rustc_hash::FxHashMap;
use serde_json::{Value, json};

use super::flows::FlowAssembler;
use super::report::{Timeline, TimelineStep};

/// `Span.SpanKind.SPAN_KIND_PRODUCER`.
const SPAN_KIND_PRODUCER: u8 = 4;
/// `Span.SpanKind.SPAN_KIND_CONSUMER`.
const SPAN_KIND_CONSUMER: u8 = 5;
/// `Status.StatusCode.STATUS_CODE_ERROR`.
const STATUS_CODE_ERROR: u8 = 2;

/// Every flow the assembler's report keeps as one OTLP/JSON `ExportTraceServiceRequest`.
/// `fallback_service` names the resource of records whose event has no single producer.
pub fn to_otlp(assembler: &FlowAssembler, fallback_service: &str) -> Value {
    request(assembler.timelines(), fallback_service)
}

/// The same spans as [`to_otlp`], as a sequence of requests of at most `max_spans` spans each
/// (more only when one flow alone has more: a flow is never split). Written one per line,
/// this is the OTLP file exporter's JSON Lines format, and memory stays bounded by one batch.
pub fn to_otlp_batches<'a>(
    assembler: &'a FlowAssembler,
    fallback_service: &'a str,
    max_spans: usize,
) -> impl Iterator<Item = Value> + 'a {
    let mut timelines = assembler.timelines().peekable();
    std::iter::from_fn(move || {
        let first = timelines.next()?;
        let mut spans = first.records.len();
        let mut batch = vec![first];
        while let Some(next) = timelines.next_if(|t| spans + t.records.len() <= max_spans) {
            spans += next.records.len();
            batch.push(next);
        }
        Some(request(batch, fallback_service))
    })
}

/// One request: a resource per service name (in order of first appearance), one scope each.
fn request(timelines: impl IntoIterator<Item = Timeline>, fallback_service: &str) -> Value {
    let mut resources: Vec<(Arc<str>, Vec<Value>)> = Vec::new();
    let mut by_service: FxHashMap<Arc<str>, usize> = FxHashMap::default();
    let fallback: Arc<str> = Arc::from(fallback_service);
    for timeline in timelines {
        let trace = trace_id(&timeline.correlation_id);
        let span_ids: Vec<String> = timeline
            .records
            .iter()
            .map(|s| span_id(&s.record.topic, s.record.partition, s.record.offset))
            .collect();
        for (step, id) in timeline.records.iter().zip(&span_ids) {
            let service = step.producer.as_ref().unwrap_or(&fallback);
            let i = *by_service.entry(Arc::clone(service)).or_insert_with(|| {
                resources.push((Arc::clone(service), Vec::new()));
                resources.len() - 1
            });
            let parent = step
                .predecessor
                .as_ref()
                .and_then(|hop| span_ids.get(hop.index));
            let span = span(&timeline, step, &trace, id, parent);
            if let Some((_, spans)) = resources.get_mut(i) {
                spans.push(span);
            }
        }
    }
    let resource_spans: Vec<Value> = resources
        .into_iter()
        .map(|(service, spans)| {
            json!({
                "resource": {"attributes": [string("service.name", &service)]},
                "scopeSpans": [{
                    "scope": {"name": "contrail", "version": env!("CARGO_PKG_VERSION")},
                    "spans": spans,
                }],
            })
        })
        .collect();
    json!({ "resourceSpans": resource_spans })
}

fn span(
    timeline: &Timeline,
    step: &TimelineStep,
    trace: &str,
    id: &str,
    parent: Option<&String>,
) -> Value {
    let record = &step.record;
    let declared = step.predecessor.as_ref().filter(|hop| hop.declared);
    let end = record.timestamp_ms;
    let start = declared.map_or(end, |hop| end.saturating_sub(hop.latency_ms));
    let mut attributes = vec![
        string("messaging.system", "kafka"),
        string(
            "messaging.operation.type",
            if declared.is_some() {
                "process"
            } else {
                "send"
            },
        ),
        string("messaging.destination.name", &record.topic),
        string(
            "messaging.destination.partition.id",
            &record.partition.to_string(),
        ),
        json!({"key": "messaging.kafka.offset", "value": {"intValue": record.offset.to_string()}}),
    ];
    if let Some(key) = &record.key {
        attributes.push(string("messaging.kafka.message.key", key));
    }
    if let Some(group) = declared.and_then(|hop| hop.group.as_ref()) {
        attributes.push(string("messaging.consumer.group.name", group));
    }
    attributes.push(string(
        "messaging.message.conversation_id",
        &timeline.correlation_id,
    ));
    attributes.push(string("contrail.event", &record.event));

    let mut span = json!({
        "traceId": trace,
        "spanId": id,
        "name": &*record.event,
        "kind": if declared.is_some() { SPAN_KIND_CONSUMER } else { SPAN_KIND_PRODUCER },
        "startTimeUnixNano": unix_nanos(start),
        "endTimeUnixNano": unix_nanos(end),
        "attributes": attributes,
    });
    let Some(object) = span.as_object_mut() else {
        return span;
    };
    if let (Some(parent), Some(hop)) = (parent, &step.predecessor) {
        object.insert("parentSpanId".into(), json!(parent));
        object.insert(
            "links".into(),
            json!([{
                "traceId": trace,
                "spanId": parent,
                "attributes": [{"key": "contrail.edge.declared", "value": {"boolValue": hop.declared}}],
            }]),
        );
    }
    if !step.broken_by.is_empty() {
        let services: Vec<&str> = step.broken_by.iter().map(|s| &**s).collect();
        object.insert(
            "status".into(),
            json!({
                "code": STATUS_CODE_ERROR,
                "message": format!("broken chain: no follow-up from {}", services.join(", ")),
            }),
        );
    }
    span
}

/// A string attribute.
fn string(key: &str, value: &str) -> Value {
    json!({"key": key, "value": {"stringValue": value}})
}

/// Milliseconds since the epoch as OTLP's fixed64 nanoseconds, a decimal string; times before
/// the epoch (a record without a timestamp reads as −1) become 0.
fn unix_nanos(ms: i64) -> String {
    u64::try_from(ms)
        .unwrap_or(0)
        .saturating_mul(1_000_000)
        .to_string()
}

/// The trace id of a flow, as hex. See the module documentation.
pub fn trace_id(correlation_id: &str) -> String {
    let is_w3c = correlation_id.len() == 32
        && correlation_id.bytes().all(|b| b.is_ascii_hexdigit())
        && correlation_id.bytes().any(|b| b != b'0');
    if is_w3c {
        return correlation_id.to_ascii_lowercase();
    }
    hashed_id::<16>(correlation_id.as_bytes())
}

/// The span id of the record at `topic`/`partition`@`offset`, as hex.
pub fn span_id(topic: &str, partition: i32, offset: i64) -> String {
    // NUL cannot occur in a Kafka topic name, so the position reads back unambiguously.
    hashed_id::<8>(format!("{topic}\0{partition}\0{offset}").as_bytes())
}

/// The first `N` bytes of the SHA-256 of `input` as hex — never all zero, which OTLP reserves
/// for "no id".
fn hashed_id<const N: usize>(input: &[u8]) -> String {
    let hash = digest::digest(&digest::SHA256, input);
    let mut id = [0u8; N];
    for (to, from) in id.iter_mut().zip(hash.as_ref()) {
        *to = *from;
    }
    if id.iter().all(|&b| b == 0) {
        id[N - 1] = 1;
    }
    hex(&id)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}
