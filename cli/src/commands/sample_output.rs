//! What `contrail sample` writes: each record (human, JSON or NDJSON) as it is read, then a
//! summary per topic. Records are streamed, never collected, so a long sample runs in constant
//! memory in every format.
//!
//! The JSON shapes of a record and of the summary are an interface (docs/sample.md): fields
//! may be added, never renamed or removed.

use std::io::Write;

use contrail_contracts::observe::json_text as text;
use contrail_contracts::observe::{
    Decoded, DecodedRecord, DecodedValue, FindingKind, ObservedRecord, RecordCheck, SchemaPointer,
};
use contrail_contracts::schema::SchemaFormat;
use serde_json::{Map, Value, json};

use super::sample::{failure_name, framing_name, pointer_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SampleFormat {
    /// Each record on a few lines, then the summary.
    Human,
    /// One JSON document: `{"records": [...], "summary": {...}}`.
    Json,
    /// One JSON record per line, then `{"summary": {...}}` as the last line.
    Ndjson,
}

/// Why reading stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stopped {
    /// Every partition read to its end.
    End,
    /// `--limit` records were shown.
    Limit,
    /// Ctrl-C.
    Interrupted,
    /// An error, reported after the summary.
    Error,
}

impl Stopped {
    fn as_str(self) -> &'static str {
        match self {
            Stopped::End => "end",
            Stopped::Limit => "limit",
            Stopped::Interrupted => "interrupted",
            Stopped::Error => "error",
        }
    }
}

/// The kinds a summary counts, in the order they are listed: the five problem kinds of
/// `contrail trace` (a record has at most one), the contract findings, then what contrail
/// could not read.
pub(crate) const SUMMARY_KINDS: [&str; 9] = [
    "wrong_magic",
    "unknown_schema_id",
    "truncated",
    "not_declared",
    "no_correlation_id",
    "payload_mismatch",
    "missing_header",
    "unsupported_format",
    "unreadable_schema",
];

/// How many positions of each kind the summary keeps.
const FIRST_POSITIONS: usize = 5;

/// Counts per topic, in the order the topics were asked for.
#[derive(Debug)]
pub(crate) struct Summary {
    topics: Vec<TopicSummary>,
}

#[derive(Debug)]
struct TopicSummary {
    topic: String,
    read: u64,
    matched: u64,
    decoded: u64,
    conforming: u64,
    tombstones: u64,
    /// Per [`SUMMARY_KINDS`]: how many records, and the first positions `(partition, offset)`.
    kinds: Vec<(u64, Vec<(i32, i64)>)>,
}

impl Summary {
    pub(crate) fn new(topics: &[String]) -> Summary {
        let mut summary = Summary { topics: Vec::new() };
        for topic in topics {
            summary.topic(topic);
        }
        summary
    }

    fn topic(&mut self, topic: &str) -> &mut TopicSummary {
        let i = match self.topics.iter().position(|t| t.topic == topic) {
            Some(i) => i,
            None => {
                self.topics.push(TopicSummary {
                    topic: topic.to_owned(),
                    read: 0,
                    matched: 0,
                    decoded: 0,
                    conforming: 0,
                    tombstones: 0,
                    kinds: vec![(0, Vec::new()); SUMMARY_KINDS.len()],
                });
                self.topics.len() - 1
            }
        };
        &mut self.topics[i]
    }

    /// A record was read (whether or not the filters keep it).
    pub(crate) fn read(&mut self, topic: &str) {
        self.topic(topic).read += 1;
    }

    /// Every record read, over all topics.
    pub(crate) fn total_read(&self) -> u64 {
        self.topics.iter().map(|t| t.read).sum()
    }

    /// A record the filters kept, decoded and checked.
    pub(crate) fn add(
        &mut self,
        record: &ObservedRecord,
        decoded: &DecodedRecord,
        check: &RecordCheck,
    ) {
        let topic = self.topic(&record.topic);
        topic.matched += 1;
        if decoded.value.value.is_decoded() {
            topic.decoded += 1;
        }
        if check.tombstone {
            topic.tombstones += 1;
        }
        if conforms(decoded, check) {
            topic.conforming += 1;
        }
        for kind in kinds(decoded, check) {
            if let Some(i) = SUMMARY_KINDS.iter().position(|k| *k == kind) {
                let (count, first) = &mut topic.kinds[i];
                *count += 1;
                if first.len() < FIRST_POSITIONS {
                    first.push((record.partition, record.offset));
                }
            }
        }
    }

    fn to_json(&self, stopped: Stopped) -> Value {
        let topics: Vec<Value> = self
            .topics
            .iter()
            .map(|t| {
                let problems: Map<String, Value> = SUMMARY_KINDS
                    .iter()
                    .zip(&t.kinds)
                    .map(|(kind, (count, first))| {
                        let first: Vec<Value> = first
                            .iter()
                            .map(|(p, o)| json!({"partition": p, "offset": o}))
                            .collect();
                        ((*kind).to_owned(), json!({"count": count, "first": first}))
                    })
                    .collect();
                json!({
                    "topic": t.topic,
                    "read": t.read,
                    "matched": t.matched,
                    "decoded": t.decoded,
                    "conforming": t.conforming,
                    "tombstones": t.tombstones,
                    "problems": problems,
                })
            })
            .collect();
        json!({"topics": topics, "stopped": stopped.as_str()})
    }
}

/// Decoded, of a known event, no problem and no finding.
pub(crate) fn conforms(decoded: &DecodedRecord, check: &RecordCheck) -> bool {
    decoded.value.value.is_decoded()
        && check.event.is_some()
        && check.problem.is_none()
        && check.findings.is_empty()
}

/// The summary kinds a record counts under: its problem, or why it was not read; and each kind
/// of finding once.
fn kinds(decoded: &DecodedRecord, check: &RecordCheck) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    if let Some(problem) = check.problem {
        kinds.push(problem.as_str());
    } else if let DecodedValue::Undecodable { failure, .. } = &decoded.value.value {
        kinds.push(failure_name(*failure));
    }
    for finding in &check.findings {
        let kind = match finding.kind {
            FindingKind::PayloadMismatch => "payload_mismatch",
            FindingKind::MissingHeader => "missing_header",
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
}

/// Writes records and the closing summary in one format.
pub(crate) struct Output<W: Write> {
    out: W,
    format: SampleFormat,
    /// Records written so far (for JSON's commas).
    written: u64,
    filtered: bool,
}

/// The longest decoded value human output prints on one line; JSON prints everything.
const HUMAN_VALUE_CHARS: usize = 2_000;

impl<W: Write> Output<W> {
    pub(crate) fn new(out: W, format: SampleFormat, filtered: bool) -> Output<W> {
        Output {
            out,
            format,
            written: 0,
            filtered,
        }
    }

    pub(crate) fn begin(&mut self) -> std::io::Result<()> {
        if self.format == SampleFormat::Json {
            self.out.write_all(b"{\"records\":[")?;
        }
        Ok(())
    }

    pub(crate) fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// Writes one record rendered by [`render`].
    pub(crate) fn write_rendered(&mut self, rendered: &[u8]) -> std::io::Result<()> {
        if self.format == SampleFormat::Json && self.written > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(rendered)?;
        self.written += 1;
        Ok(())
    }

    pub(crate) fn finish(&mut self, summary: &Summary, stopped: Stopped) -> std::io::Result<()> {
        match self.format {
            SampleFormat::Json => {
                self.out.write_all(b"],\"summary\":")?;
                serde_json::to_writer(&mut self.out, &summary.to_json(stopped))?;
                self.out.write_all(b"}\n")?;
            }
            SampleFormat::Ndjson => {
                serde_json::to_writer(
                    &mut self.out,
                    &json!({"summary": summary.to_json(stopped)}),
                )?;
                self.out.write_all(b"\n")?;
            }
            SampleFormat::Human => human_summary(&mut self.out, summary, stopped, self.filtered)?,
        }
        self.out.flush()
    }
}

/// One record in `format`, appended to `buf` (JSON without the separating comma, which
/// [`Output::write_rendered`] adds): done on the worker threads, in parallel.
pub(crate) fn render(
    format: SampleFormat,
    buf: &mut Vec<u8>,
    record: &ObservedRecord,
    decoded: &DecodedRecord,
    check: &RecordCheck,
) -> std::io::Result<()> {
    match format {
        SampleFormat::Json => write_record_json(buf, record, decoded, check),
        SampleFormat::Ndjson => {
            write_record_json(buf, record, decoded, check);
            buf.push(b'\n');
        }
        SampleFormat::Human => human_record(buf, record, decoded, check)?,
    }
    Ok(())
}

/// One record as JSON (docs/sample.md, the field order is the documented one), written by
/// hand: byte for byte what serializing `RecordOut` with serde_json writes (a test holds them
/// equal), but an Avro value is copied as the text its decoding wrote, and no string pays
/// serde's way through — `sample` writes every record it reads.
pub(crate) fn write_record_json(
    out: &mut Vec<u8>,
    record: &ObservedRecord,
    decoded: &DecodedRecord,
    check: &RecordCheck,
) {
    out.extend_from_slice(b"{\"topic\":");
    text::string(out, &record.topic);
    out.extend_from_slice(b",\"partition\":");
    text::integer(out, record.partition);
    out.extend_from_slice(b",\"offset\":");
    text::integer(out, record.offset);
    out.extend_from_slice(b",\"timestamp_ms\":");
    match record.timestamp_ms {
        Some(ms) => {
            text::integer(out, ms);
            out.extend_from_slice(b",\"timestamp\":");
            text::string(out, &contrail_kafka::format_timestamp_ms(ms));
        }
        None => out.extend_from_slice(b"null,\"timestamp\":null"),
    }
    out.extend_from_slice(b",\"headers\":[");
    for (i, header) in record.headers.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"key\":");
        text::string(out, &header.key);
        match &header.value {
            None => out.extend_from_slice(b",\"value\":null"),
            Some(bytes) => match std::str::from_utf8(bytes) {
                Ok(value) => {
                    out.extend_from_slice(b",\"value\":");
                    text::string(out, value);
                }
                Err(_) => {
                    out.extend_from_slice(b",\"value_base64\":");
                    text::string(out, &base64(bytes));
                }
            },
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"key\":");
    write_part_json(out, &decoded.key);
    out.extend_from_slice(b",\"value\":");
    write_part_json(out, &decoded.value);
    let optional = |out: &mut Vec<u8>, name: &[u8], value: Option<&str>| {
        out.extend_from_slice(name);
        match value {
            Some(value) => text::string(out, value),
            None => out.extend_from_slice(b"null"),
        }
    };
    optional(out, b",\"event\":", check.event.as_deref());
    optional(
        out,
        b",\"correlation_id\":",
        check.correlation_id.as_deref(),
    );
    out.extend_from_slice(if conforms(decoded, check) {
        b",\"conforms\":true"
    } else {
        b",\"conforms\":false"
    });
    optional(out, b",\"problem\":", check.problem.map(|p| p.as_str()));
    optional(out, b",\"detail\":", check.detail.as_deref());
    out.extend_from_slice(if check.tombstone {
        b",\"tombstone\":true"
    } else {
        b",\"tombstone\":false"
    });
    out.extend_from_slice(b",\"findings\":");
    if check.findings.is_empty() {
        out.extend_from_slice(b"[]");
    } else {
        text::value(out, &check.findings);
    }
    out.push(b'}');
}

/// A key or value: `null` when null, else its framing, schema and either the decoded JSON or
/// why it is not decoded.
fn write_part_json(out: &mut Vec<u8>, part: &Decoded) {
    if matches!(part.value, DecodedValue::Null) {
        out.extend_from_slice(b"null");
        return;
    }
    out.extend_from_slice(b"{\"framing\":");
    text::string(out, framing_name(part.framing));
    match part.pointer {
        Some(SchemaPointer::Id(id)) => {
            out.extend_from_slice(b",\"schema_id\":");
            text::integer(out, id);
        }
        Some(pointer @ SchemaPointer::Guid(_)) => {
            let guid = pointer.to_string();
            out.extend_from_slice(b",\"schema_guid\":");
            text::string(out, guid.strip_prefix("GUID ").unwrap_or(&guid));
        }
        None => {}
    }
    if let Some(schema) = &part.schema {
        out.extend_from_slice(b",\"format\":");
        text::string(out, format_name(schema.format));
        if let Some((subject, version)) = schema.subjects.first() {
            out.extend_from_slice(b",\"subject\":");
            text::string(out, subject);
            out.extend_from_slice(b",\"version\":");
            text::integer(out, *version);
        }
    }
    if let Some(message) = &part.message {
        out.extend_from_slice(b",\"message\":");
        text::string(out, message);
    }
    match &part.value {
        DecodedValue::Null => {}
        DecodedValue::Json(value) => {
            out.extend_from_slice(b",\"json\":");
            text::value(out, value);
        }
        DecodedValue::Avro(value) => {
            out.extend_from_slice(b",\"json\":");
            out.extend_from_slice(value.json_text());
        }
        DecodedValue::Undecodable {
            failure,
            reason,
            bytes_base64,
        } => {
            out.extend_from_slice(b",\"undecodable\":");
            text::value(
                out,
                &json!({"failure": failure_name(*failure), "reason": reason, "base64": bytes_base64}),
            );
        }
    }
    out.push(b'}');
}

/// One record as JSON through serde: the oracle [`write_record_json`] is tested against.
#[cfg(test)]
pub(crate) fn record_json<'a>(
    record: &'a ObservedRecord,
    decoded: &'a DecodedRecord,
    check: &'a RecordCheck,
) -> RecordOut<'a> {
    RecordOut {
        topic: &record.topic,
        partition: record.partition,
        offset: record.offset,
        timestamp_ms: record.timestamp_ms,
        timestamp: record.timestamp_ms.map(contrail_kafka::format_timestamp_ms),
        headers: HeadersOut(&record.headers),
        key: PartOut(&decoded.key),
        value: PartOut(&decoded.value),
        event: check.event.as_deref(),
        correlation_id: check.correlation_id.as_deref(),
        conforms: conforms(decoded, check),
        problem: check.problem.map(|p| p.as_str()),
        detail: check.detail.as_deref(),
        tombstone: check.tombstone,
        findings: &check.findings,
    }
}

/// A record as `--format json` and `ndjson` write it; the field order is the documented one.
#[cfg(test)]
#[derive(serde::Serialize)]
pub(crate) struct RecordOut<'a> {
    topic: &'a str,
    partition: i32,
    offset: i64,
    timestamp_ms: Option<i64>,
    timestamp: Option<String>,
    headers: HeadersOut<'a>,
    key: PartOut<'a>,
    value: PartOut<'a>,
    event: Option<&'a str>,
    correlation_id: Option<&'a str>,
    conforms: bool,
    problem: Option<&'static str>,
    detail: Option<&'a str>,
    tombstone: bool,
    findings: &'a [contrail_contracts::observe::Finding],
}

/// Headers in record order: `{"key", "value"}`, with `value_base64` instead of `value` for a
/// value that is not UTF-8, and `"value": null` for a null one.
#[cfg(test)]
pub(crate) struct HeadersOut<'a>(&'a [contrail_contracts::observe::ObservedHeader]);

#[cfg(test)]
impl serde::Serialize for HeadersOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct One<'h>(&'h contrail_contracts::observe::ObservedHeader);
        impl serde::Serialize for One<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("key", &self.0.key)?;
                match &self.0.value {
                    None => map.serialize_entry("value", &())?,
                    Some(bytes) => match std::str::from_utf8(bytes) {
                        Ok(text) => map.serialize_entry("value", text)?,
                        Err(_) => map.serialize_entry("value_base64", &base64(bytes))?,
                    },
                }
                map.end()
            }
        }
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for header in self.0 {
            seq.serialize_element(&One(header))?;
        }
        seq.end()
    }
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A key or value: `null` when null, else its framing, schema and either the decoded JSON or
/// why it is not decoded.
#[cfg(test)]
pub(crate) struct PartOut<'a>(&'a Decoded);

#[cfg(test)]
impl serde::Serialize for PartOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let part = self.0;
        if matches!(part.value, DecodedValue::Null) {
            return serializer.serialize_unit();
        }
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("framing", framing_name(part.framing))?;
        match part.pointer {
            Some(SchemaPointer::Id(id)) => map.serialize_entry("schema_id", &id)?,
            Some(pointer @ SchemaPointer::Guid(_)) => {
                let text = pointer.to_string();
                let guid = text.strip_prefix("GUID ").unwrap_or(&text);
                map.serialize_entry("schema_guid", guid)?;
            }
            None => {}
        }
        if let Some(schema) = &part.schema {
            map.serialize_entry("format", format_name(schema.format))?;
            if let Some((subject, version)) = schema.subjects.first() {
                map.serialize_entry("subject", subject)?;
                map.serialize_entry("version", version)?;
            }
        }
        if let Some(message) = &part.message {
            map.serialize_entry("message", message)?;
        }
        match &part.value {
            DecodedValue::Null => {}
            DecodedValue::Json(value) => map.serialize_entry("json", value)?,
            DecodedValue::Avro(value) => map.serialize_entry("json", value)?,
            DecodedValue::Undecodable {
                failure,
                reason,
                bytes_base64,
            } => map.serialize_entry(
                "undecodable",
                &json!({"failure": failure_name(*failure), "reason": reason, "base64": bytes_base64}),
            )?,
        }
        map.end()
    }
}

fn format_name(format: SchemaFormat) -> &'static str {
    match format {
        SchemaFormat::Avro => "avro",
        SchemaFormat::JsonSchema => "json",
        SchemaFormat::Protobuf => "protobuf",
    }
}

fn human_record(
    out: &mut impl Write,
    record: &ObservedRecord,
    decoded: &DecodedRecord,
    check: &RecordCheck,
) -> std::io::Result<()> {
    let time = record.timestamp_ms.map_or_else(
        || "no timestamp".to_owned(),
        contrail_kafka::format_timestamp_ms,
    );
    write!(out, "{}  {time}", record.position())?;
    if let Some(event) = &check.event {
        write!(out, "  {event}")?;
    }
    if let Some(id) = &check.correlation_id {
        write!(out, "  correlation {id}")?;
    }
    let verdict = if conforms(decoded, check) {
        "ok".to_owned()
    } else if let Some(problem) = check.problem {
        format!("PROBLEM {problem}")
    } else if check.tombstone {
        "tombstone".to_owned()
    } else if !check.findings.is_empty() {
        "DOES NOT CONFORM".to_owned()
    } else {
        "not checked".to_owned()
    };
    writeln!(out, "  {verdict}")?;
    // An undecoded value says why on its own line below.
    let undecoded = matches!(&decoded.value.value, DecodedValue::Undecodable { reason, .. } if Some(reason) == check.detail.as_ref());
    if let Some(detail) = check.detail.as_ref().filter(|_| !undecoded) {
        writeln!(out, "  why      {detail}")?;
    }
    for finding in &check.findings {
        match &finding.pointer {
            Some(pointer) if !pointer.is_empty() => {
                writeln!(out, "  finding  {pointer}: {}", finding.message)?;
            }
            _ => writeln!(out, "  finding  {}", finding.message)?,
        }
    }
    human_part(out, "key", &decoded.key)?;
    if !record.headers.is_empty() {
        let headers: Vec<String> = record
            .headers
            .iter()
            .map(|h| match &h.value {
                None => format!("{}=null", h.key),
                Some(bytes) => match std::str::from_utf8(bytes) {
                    Ok(text) => format!("{}={text}", h.key),
                    Err(_) => format!("{}=base64:{}", h.key, base64(bytes)),
                },
            })
            .collect();
        writeln!(out, "  headers  {}", headers.join(", "))?;
    }
    human_part(out, "value", &decoded.value)?;
    writeln!(out)
}

fn human_part(out: &mut impl Write, label: &str, part: &Decoded) -> std::io::Result<()> {
    let schema = pointer_text(part).map(|pointer| {
        let subject = part
            .schema
            .as_ref()
            .and_then(|s| s.subjects.first())
            .map(|(subject, version)| format!(", {subject} v{version}"))
            .unwrap_or_default();
        let message = part
            .message
            .as_ref()
            .map(|m| format!(", message {m}"))
            .unwrap_or_default();
        format!("  ({pointer}{subject}{message})")
    });
    let schema = schema.unwrap_or_default();
    match &part.value {
        DecodedValue::Null => writeln!(out, "  {label:<8} null"),
        DecodedValue::Json(_) | DecodedValue::Avro(_) => {
            let text = part
                .value
                .to_json()
                .map(|json| json.to_string())
                .unwrap_or_default();
            if text.chars().count() > HUMAN_VALUE_CHARS {
                let cut: String = text.chars().take(HUMAN_VALUE_CHARS).collect();
                writeln!(
                    out,
                    "  {label:<8} {cut}… ({} characters more; --format json shows all){schema}",
                    text.chars().count() - HUMAN_VALUE_CHARS
                )
            } else {
                writeln!(out, "  {label:<8} {text}{schema}")
            }
        }
        DecodedValue::Undecodable {
            reason,
            bytes_base64,
            ..
        } => {
            writeln!(out, "  {label:<8} not decoded: {reason}{schema}")?;
            let shown: String = bytes_base64.chars().take(HUMAN_VALUE_CHARS).collect();
            let more = if shown.len() < bytes_base64.len() {
                "…"
            } else {
                ""
            };
            writeln!(out, "  {:<8} base64:{shown}{more}", "")
        }
    }
}

fn human_summary(
    out: &mut impl Write,
    summary: &Summary,
    stopped: Stopped,
    filtered: bool,
) -> std::io::Result<()> {
    let why = match stopped {
        Stopped::End => "read to the end of every partition",
        Stopped::Limit => "stopped at --limit; `--limit all` reads to the end",
        Stopped::Interrupted => "stopped by Ctrl-C",
        Stopped::Error => "stopped by the error below",
    };
    writeln!(out, "summary, {why}:")?;
    for t in &summary.topics {
        let matched = if filtered || t.matched != t.read {
            format!(", {} matched the filters", t.matched)
        } else {
            String::new()
        };
        write!(
            out,
            "  {}: {} read{matched}, {} decoded, {} conforming",
            t.topic, t.read, t.decoded, t.conforming
        )?;
        if t.tombstones > 0 {
            write!(out, ", {} tombstones", t.tombstones)?;
        }
        writeln!(out)?;
        for (kind, (count, first)) in SUMMARY_KINDS.iter().zip(&t.kinds) {
            if *count == 0 {
                continue;
            }
            let positions: Vec<String> = first.iter().map(|(p, o)| format!("{p}@{o}")).collect();
            writeln!(
                out,
                "    {kind:<19} {count:>6}  first at {}",
                positions.join(", ")
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use contrail_contracts::observe::{
        Decoder, Finding, ObservedHeader, Part, Problem, RegisteredSchema, SchemaSource,
        SourceError,
    };

    use super::*;

    const ORDER: &str = r#"{"type": "record", "name": "Order", "fields": [
        {"name": "id", "type": "string"}, {"name": "note", "type": ["null", "string"]},
        {"name": "rate", "type": "double"}, {"name": "tags", "type": {"type": "array", "items": "string"}}]}"#;

    /// Schema 7 (and GUID 9…9) is ORDER.
    struct Registry;

    impl SchemaSource for Registry {
        fn by_id(&mut self, id: u32) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
            if id == 11 {
                return Ok(Some(Arc::new(RegisteredSchema {
                    id: 11,
                    format: SchemaFormat::Protobuf,
                    schema: "syntax = \"proto3\"; package t; message M { string s = 1; }"
                        .to_owned(),
                    references: Vec::new(),
                    subjects: vec![("stock-value".to_owned(), 1)],
                })));
            }
            Ok((id == 7).then(|| {
                Arc::new(RegisteredSchema {
                    id: 7,
                    format: SchemaFormat::Avro,
                    schema: ORDER.to_owned(),
                    references: Vec::new(),
                    subjects: vec![("orders-value".to_owned(), 2)],
                })
            }))
        }
        fn by_guid(
            &mut self,
            guid: [u8; 16],
        ) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
            if guid == [9; 16] {
                self.by_id(7)
            } else {
                Ok(None)
            }
        }
    }

    fn order_body(id: &str, note: Option<&str>) -> Vec<u8> {
        use apache_avro::types::Value as Avro;
        let schema = apache_avro::Schema::parse_str(ORDER).expect("valid");
        let note = match note {
            Some(n) => Avro::Union(1, Box::new(Avro::String(n.to_owned()))),
            None => Avro::Union(0, Box::new(Avro::Null)),
        };
        let value = Avro::Record(vec![
            ("id".into(), Avro::String(id.to_owned())),
            ("note".into(), note),
            ("rate".into(), Avro::Double(f64::NAN)),
            (
                "tags".into(),
                Avro::Array(vec![Avro::String("a\"b\\c\n".into())]),
            ),
        ]);
        apache_avro::writer::datum::GenericDatumWriter::builder(&schema)
            .build()
            .and_then(|w| w.write_value_to_vec(value))
            .expect("encodes")
    }

    fn record(
        key: Option<&[u8]>,
        value: Option<Vec<u8>>,
        headers: Vec<ObservedHeader>,
    ) -> ObservedRecord {
        ObservedRecord {
            topic: "shop.orders \"quoted\"".to_owned(),
            partition: 3,
            offset: 42,
            timestamp_ms: Some(1_796_395_239_406),
            key: key.map(<[u8]>::to_vec),
            value,
            headers,
        }
    }

    #[test]
    fn the_hand_written_record_is_what_serde_writes() {
        let mut decoder = Decoder::new(Registry);
        let mut framed = vec![0, 0, 0, 0, 7];
        framed.extend(order_body("o-1", Some("leave at the door ☺")));
        let mut guid_header = vec![1];
        guid_header.extend([9; 16]);
        let records = [
            record(
                Some(b"o-1"),
                Some(framed.clone()),
                vec![
                    ObservedHeader {
                        key: "correlation-id".into(),
                        value: Some(b"c-1".to_vec()),
                    },
                    ObservedHeader {
                        key: "binary".into(),
                        value: Some(vec![0xff, 0xfe]),
                    },
                    ObservedHeader {
                        key: "null".into(),
                        value: None,
                    },
                ],
            ),
            record(
                Some(br#"{"k": [1, 2.5]}"#),
                Some(order_body("o-2", None)),
                vec![ObservedHeader {
                    key: "__value_schema_id".into(),
                    value: Some(guid_header),
                }],
            ),
            record(None, None, Vec::new()),
            record(Some(b"k"), Some(b"\x05not framed".to_vec()), Vec::new()),
            record(
                Some(b"k"),
                Some(br#"{"plain": "json"}"#.to_vec()),
                Vec::new(),
            ),
            ObservedRecord {
                timestamp_ms: None,
                ..record(None, Some(vec![0, 0, 0, 0, 8, 1]), Vec::new())
            },
            // Protobuf: message indexes [0], then field 1 = "hi".
            record(
                None,
                Some(vec![0, 0, 0, 0, 11, 0, 0x0a, 2, b'h', b'i']),
                Vec::new(),
            ),
        ];
        let checks = [
            RecordCheck {
                event: Some("OrderPlaced".into()),
                correlation_id: Some("c-1".into()),
                problem: None,
                detail: None,
                tombstone: false,
                findings: Vec::new(),
            },
            RecordCheck {
                event: Some("OrderPlaced".into()),
                correlation_id: None,
                problem: Some(Problem::NoCorrelationId),
                detail: Some("no header `correlation-id`".into()),
                tombstone: false,
                findings: vec![Finding {
                    kind: FindingKind::PayloadMismatch,
                    pointer: Some("/id".into()),
                    message: "the payload does not match".into(),
                }],
            },
            RecordCheck {
                event: None,
                correlation_id: None,
                problem: None,
                detail: Some("a tombstone".into()),
                tombstone: true,
                findings: Vec::new(),
            },
        ];
        let mut avro = 0;
        let mut protobuf = Vec::new();
        for (i, observed) in records.iter().enumerate() {
            let decoded = DecodedRecord {
                key: decoder
                    .decode_part(observed.key.as_deref(), &observed.headers, Part::Key)
                    .expect("no registry error"),
                value: decoder
                    .decode_part(observed.value.as_deref(), &observed.headers, Part::Value)
                    .expect("no registry error"),
            };
            avro += usize::from(matches!(decoded.value.value, DecodedValue::Avro(_)));
            protobuf.extend(decoded.value.message.clone());
            let check = &checks[i % checks.len()];
            let mut ours = Vec::new();
            write_record_json(&mut ours, observed, &decoded, check);
            let serde =
                serde_json::to_vec(&record_json(observed, &decoded, check)).expect("writes");
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&serde),
                "record {i}"
            );
        }
        assert_eq!(
            avro, 2,
            "the prefix- and the GUID-framed values decode as Avro"
        );
        assert_eq!(protobuf, ["t.M"], "the Protobuf value names its message");
    }
}
