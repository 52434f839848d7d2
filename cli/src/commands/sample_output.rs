//! What `contrail sample` writes: each record (human, JSON or NDJSON) as it is read, then a
//! summary per topic. Records are streamed, never collected, so a long sample runs in constant
//! memory in every format.
//!
//! The JSON shapes of a record and of the summary are an interface (docs/sample.md): fields
//! may be added, never renamed or removed.

use std::io::Write;

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
        SampleFormat::Json => {
            serde_json::to_writer(&mut *buf, &record_json(record, decoded, check))?
        }
        SampleFormat::Ndjson => {
            serde_json::to_writer(&mut *buf, &record_json(record, decoded, check))?;
            buf.push(b'\n');
        }
        SampleFormat::Human => human_record(buf, record, decoded, check)?,
    }
    Ok(())
}

/// One record as JSON (docs/sample.md), serialized straight from the decoded record: no
/// intermediate `Value`, so a decoded payload is never copied.
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
pub(crate) struct HeadersOut<'a>(&'a [contrail_contracts::observe::ObservedHeader]);

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
pub(crate) struct PartOut<'a>(&'a Decoded);

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
        format!("  ({pointer}{subject})")
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
