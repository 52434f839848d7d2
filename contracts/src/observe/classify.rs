//! Each decoded record against its contract: which event it is, its correlation id, the one
//! problem that keeps it out of a flow, and where it departs from its contract.
//!
//! The event is found by evidence first — a subject the registry lists for the record's
//! schema that names an event (with the catalog's subject naming, as `registry push` derives
//! it), then a CloudEvents `ce_type` header naming one — preferring an event declared on the
//! record's topic; without evidence, the topic's only declared event. Evidence that names an
//! event declared on another topic makes the record `not_declared` on this one.

use std::fmt;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::decode::{DecodedRecord, DecodedValue, Failure, RegisteredSchema};
use super::record::ObservedRecord;
use crate::avro;
use crate::model::{Catalog, Correlation, Event};
use crate::schema::{LoadedSchema, SchemaFormat};
use crate::validate;

/// Why a record is in no flow: the kind the flow assembler counts, under the same names.
pub use super::problem::ProblemKind as Problem;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The payload does not validate against the catalog's schema of its event.
    PayloadMismatch,
    /// A header the event declares as required is absent.
    MissingHeader,
}

/// Where a record departs from its contract without being a problem: it still joins its flow.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// JSON pointer into the payload, for a payload mismatch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    pub message: String,
}

/// One record checked against the catalog.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordCheck {
    /// The catalog event it is, when anything tells (also for most problem records).
    pub event: Option<String>,
    /// Its correlation id, read where its event's contract says.
    pub correlation_id: Option<String>,
    pub problem: Option<Problem>,
    /// Why it has its problem; or, without a problem, why it has no event or no correlation
    /// id (a tombstone, a contract that declares no correlation).
    pub detail: Option<String>,
    /// A null value: it deletes its key on a compacted topic and is no event.
    pub tombstone: bool,
    pub findings: Vec<Finding>,
}

/// Checks records against a catalog; built once per run (it indexes the catalog by topic,
/// subject and name, and compiles each event's payload schema).
#[derive(Debug)]
pub struct Classifier<'c> {
    catalog: &'c Catalog,
    /// The events declared on each topic, in catalog order.
    on_topic: FxHashMap<&'c str, Vec<usize>>,
    /// The events whose schema is registered under each subject.
    by_subject: FxHashMap<String, Vec<usize>>,
    by_name: FxHashMap<&'c str, usize>,
    /// Each event's payload schema, ready to check payloads against.
    payload: Vec<Option<PayloadSchema<'c>>>,
    /// Whether a registered Avro schema (by id) is the event's catalog schema, in which case
    /// every payload it decodes conforms and is not checked again.
    same_schema: FxHashMap<(u32, usize), bool>,
}

enum PayloadSchema<'c> {
    Avro {
        schema: &'c LoadedSchema,
        json: &'c Value,
        names: avro::Names,
    },
    Json(jsonschema::Validator),
    /// The message the event names; payloads are read as it per the protobuf JSON mapping.
    Protobuf(prost_reflect::MessageDescriptor),
}

impl fmt::Debug for PayloadSchema<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadSchema::Avro { schema, .. } => write!(f, "Avro({})", schema.display_name()),
            PayloadSchema::Json(_) => f.write_str("JsonSchema"),
            PayloadSchema::Protobuf(message) => write!(f, "Protobuf({})", message.full_name()),
        }
    }
}

/// What tells which event a record is.
enum Identified {
    /// An event declared on the record's topic.
    Event(usize),
    /// Evidence names an event, but it is declared on another topic.
    Elsewhere(usize),
    /// Nothing does; why.
    Unknown(String),
}

impl<'c> Classifier<'c> {
    pub fn new(catalog: &'c Catalog) -> Classifier<'c> {
        let mut by_name: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, event) in catalog.events.iter().enumerate() {
            // A name declared twice is its first declaration, as everywhere in contrail.
            by_name.entry(event.name.value.as_str()).or_insert(i);
        }
        let mut on_topic: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        let mut add = |topic: &'c str, event: usize| {
            let events = on_topic.entry(topic).or_default();
            if !events.contains(&event) {
                events.push(event);
            }
        };
        for (i, event) in catalog.events.iter().enumerate() {
            // A channel key standing in for an unknown address is no topic name.
            if let Some(topic) = &event.topic
                && !event.topic_is_channel_key
                && by_name.get(event.name.value.as_str()) == Some(&i)
            {
                add(&topic.value, i);
            }
        }
        // AsyncAPI services may send an event to a channel of their own.
        for produce in catalog.services.iter().flat_map(|s| &s.produces) {
            if let (Some(topic), Some(&event)) =
                (&produce.topic, by_name.get(produce.event.as_str()))
                && !produce.topic_is_channel_key
            {
                add(&topic.value, event);
            }
        }
        let mut by_subject: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, event) in catalog.events.iter().enumerate() {
            if event.schema.is_some()
                && let Some(subject) = validate::subject_of(catalog, event)
            {
                by_subject.entry(subject).or_default().push(i);
            }
        }
        let resources = json_resources(catalog);
        let payload = catalog
            .events
            .iter()
            .map(|event| payload_schema(catalog, event, &resources))
            .collect();
        Classifier {
            catalog,
            on_topic,
            by_subject,
            by_name,
            payload,
            same_schema: FxHashMap::default(),
        }
    }

    /// Checks one record, decoded by a [`super::Decoder`].
    pub fn classify(&mut self, record: &ObservedRecord, decoded: &DecodedRecord) -> RecordCheck {
        let value = &decoded.value;
        let mut check = RecordCheck {
            event: None,
            correlation_id: None,
            problem: None,
            detail: None,
            tombstone: false,
            findings: Vec::new(),
        };
        let payload = match &value.value {
            DecodedValue::Null => {
                check.tombstone = true;
                check.detail = Some(
                    "a tombstone: a null value deletes its key on a compacted topic".to_owned(),
                );
                return check;
            }
            decoded @ (DecodedValue::Json(_) | DecodedValue::Avro(_)) => Some(decoded),
            DecodedValue::Undecodable {
                failure, reason, ..
            } => {
                check.problem = match failure {
                    Failure::WrongMagic => Some(Problem::WrongMagic),
                    Failure::UnknownSchema => Some(Problem::UnknownSchemaId),
                    Failure::Truncated => Some(Problem::Truncated),
                    // Not the record's fault: contrail cannot read it (yet).
                    Failure::Unsupported | Failure::UnreadableSchema => None,
                };
                check.detail = Some(reason.clone());
                None
            }
        };
        let event = match self.identify(record, value.schema.as_deref()) {
            Identified::Event(event) => event,
            Identified::Elsewhere(event) => {
                let declared = &self.catalog.events[event];
                check.event = Some(declared.name.value.clone());
                if check.problem.is_none() {
                    check.problem = Some(Problem::NotDeclared);
                    check.detail = Some(format!(
                        "`{}` is declared on topic `{}`, not `{}`",
                        declared.name.value,
                        declared.topic.as_ref().map_or("", |t| t.value.as_str()),
                        record.topic
                    ));
                }
                return check;
            }
            Identified::Unknown(why) => {
                if check.problem.is_none() {
                    check.problem = Some(Problem::NotDeclared);
                    check.detail = Some(why);
                }
                return check;
            }
        };
        let declared = &self.catalog.events[event];
        check.event = Some(declared.name.value.clone());
        match self.correlation(declared) {
            None => {
                if check.detail.is_none() {
                    check.detail = Some(format!(
                        "`{}` declares no correlation id, nor do the catalog's defaults",
                        declared.name.value
                    ));
                }
            }
            Some(location) => match correlation_id(location, record, payload) {
                Ok(id) => check.correlation_id = Some(id),
                // Only a decoded record lacks its id; an undecoded one has its reason already.
                Err(why) if payload.is_some() => {
                    check.problem = Some(Problem::NoCorrelationId);
                    check.detail = Some(why);
                }
                Err(_) => {}
            },
        }
        if let Some(headers) = &declared.headers {
            for header in headers.declared.iter().filter(|h| h.required) {
                if !record.headers.iter().any(|h| h.key == header.name.value) {
                    check.findings.push(Finding {
                        kind: FindingKind::MissingHeader,
                        pointer: None,
                        message: format!(
                            "required header `{}` of `{}` is missing",
                            header.name.value, declared.name.value
                        ),
                    });
                }
            }
        }
        if let Some(payload) = payload {
            self.check_payload(
                event,
                value.schema.as_ref(),
                value.message.as_deref(),
                payload,
                &mut check.findings,
            );
        }
        check
    }

    fn identify(&self, record: &ObservedRecord, schema: Option<&RegisteredSchema>) -> Identified {
        let mut elsewhere = None;
        let subjects = schema.into_iter().flat_map(|s| &s.subjects);
        for (subject, _) in subjects {
            for &event in self.by_subject.get(subject).into_iter().flatten() {
                if self.is_on(event, &record.topic) {
                    return Identified::Event(event);
                }
                elsewhere.get_or_insert(event);
            }
        }
        // CloudEvents binary mode: the type travels in a header.
        let ce_type = record
            .header("ce_type")
            .and_then(|v| std::str::from_utf8(v).ok());
        if let Some(&event) = ce_type.and_then(|t| self.by_name.get(t)) {
            if self.is_on(event, &record.topic) {
                return Identified::Event(event);
            }
            elsewhere.get_or_insert(event);
        }
        if let Some(event) = elsewhere {
            return Identified::Elsewhere(event);
        }
        let events = self
            .on_topic
            .get(record.topic.as_str())
            .map_or(&[][..], Vec::as_slice);
        match events {
            [only] => Identified::Event(*only),
            [] => Identified::Unknown(format!("no event is declared on topic `{}`", record.topic)),
            several => {
                let names: Vec<String> = several
                    .iter()
                    .map(|&e| format!("`{}`", self.catalog.events[e].name.value))
                    .collect();
                let schema = schema.map_or_else(
                    || "the record has no registered schema".to_owned(),
                    |s| format!("no subject of schema {} names one of them", s.id),
                );
                Identified::Unknown(format!(
                    "topic `{}` carries {} and nothing tells which this record is ({schema}, no `ce_type` header names one)",
                    record.topic,
                    names.join(", ")
                ))
            }
        }
    }

    fn is_on(&self, event: usize, topic: &str) -> bool {
        self.on_topic.get(topic).is_some_and(|e| e.contains(&event))
    }

    fn correlation(&self, event: &'c Event) -> Option<&'c Correlation> {
        event
            .correlation
            .as_ref()
            .or(self.catalog.config.defaults.correlation.as_ref())
            .map(|c| &c.value)
    }

    fn check_payload(
        &mut self,
        event: usize,
        registered: Option<&Arc<RegisteredSchema>>,
        message: Option<&str>,
        payload: &DecodedValue,
        findings: &mut Vec<Finding>,
    ) {
        let Some(schema) = &self.payload[event] else {
            return;
        };
        let mismatches: Vec<avro::Mismatch> = match schema {
            PayloadSchema::Avro {
                schema: loaded,
                json,
                names,
            } => {
                // A body decoded with the catalog's own schema fits it by construction; only
                // another schema (another version, another event's) needs the check.
                if let Some(registered) = registered.filter(|r| r.format == SchemaFormat::Avro) {
                    let same = *self
                        .same_schema
                        .entry((registered.id, event))
                        .or_insert_with(|| same_avro(self.catalog, loaded, registered));
                    if same {
                        return;
                    }
                }
                let Some(payload) = payload.to_json() else {
                    return;
                };
                avro::validate_json(json, names, &payload)
            }
            PayloadSchema::Json(validator) => {
                let Some(payload) = payload.to_json() else {
                    return;
                };
                if validator.is_valid(&payload) {
                    return;
                }
                validate::json_schema_mismatches(validator, &payload).collect()
            }
            PayloadSchema::Protobuf(declared) => match message {
                // Another message of the registered file (its indexes name it): its fields
                // are not the declared message's, so comparing them says nothing more.
                Some(observed) if observed != declared.full_name() => vec![avro::Mismatch {
                    pointer: String::new(),
                    message: format!(
                        "the record is message `{observed}`, the event's is `{}`",
                        declared.full_name()
                    ),
                }],
                _ => {
                    let Some(payload) = payload.to_json() else {
                        return;
                    };
                    crate::protobuf::json_mismatch(declared, &payload)
                        .into_iter()
                        .collect()
                }
            },
        };
        let name = &self.catalog.events[event].name.value;
        findings.extend(mismatches.into_iter().map(|m| {
            let at = if m.pointer.is_empty() {
                String::new()
            } else {
                format!(" at {}", m.pointer)
            };
            Finding {
                kind: FindingKind::PayloadMismatch,
                message: format!(
                    "the payload does not match the schema of `{name}`{at}: {}",
                    m.message
                ),
                pointer: Some(m.pointer),
            }
        }));
    }
}

/// Whether a registered Avro schema is the catalog's schema of an event: the same Parsing
/// Canonical Form with every reference inlined.
fn same_avro(catalog: &Catalog, loaded: &LoadedSchema, registered: &RegisteredSchema) -> bool {
    let Some(ours) = &loaded.avro else {
        return false;
    };
    let our_references: Vec<apache_avro::Schema> = loaded
        .references
        .iter()
        .filter_map(|(_, file)| catalog.schemas.find(file, ""))
        .filter_map(|id| catalog.schemas.get(id).avro.clone())
        .collect();
    let Ok((theirs, their_references)) = parse_avro(registered) else {
        return false;
    };
    match (
        ours.independent_canonical_form(&our_references),
        theirs.independent_canonical_form(&their_references),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Parses a registered Avro schema with apache-avro (for its canonical form), with the texts of
/// its references; returns the schema and the parsed references.
fn parse_avro(
    registered: &RegisteredSchema,
) -> Result<(apache_avro::Schema, Vec<apache_avro::Schema>), apache_avro::Error> {
    apache_avro::Schema::parse_str_with_list(
        &registered.schema,
        registered.references.iter().map(|(_, text)| text.as_str()),
    )
}

/// The whole-file JSON documents of the catalog's schemas, by `file://` URI, so that JSON
/// Schema `$ref`s between schema files resolve. Empty when no event has a JSON Schema.
fn json_resources(catalog: &Catalog) -> Arc<validate::Resources> {
    let any_json = catalog
        .schemas
        .iter()
        .any(|(_, s)| s.format == SchemaFormat::JsonSchema);
    if !any_json {
        return Arc::default();
    }
    Arc::new(
        catalog
            .schemas
            .iter()
            .filter(|(_, s)| s.pointer.is_empty())
            .filter_map(|(_, s)| Some((crate::uri::file_uri(&s.file), s.json.clone()?)))
            .collect(),
    )
}

/// An event's payload schema made ready to check payloads; `None` when it has none contrail
/// can check with (no schema, an invalid one, a Protobuf message the file does not define, a
/// JSON Schema that does not compile here — the load reported why).
fn payload_schema<'c>(
    catalog: &'c Catalog,
    event: &Event,
    resources: &Arc<validate::Resources>,
) -> Option<PayloadSchema<'c>> {
    let schema = catalog.schemas.get(event.schema.as_ref()?.id?);
    if !schema.valid {
        return None;
    }
    match schema.format {
        SchemaFormat::Avro => Some(PayloadSchema::Avro {
            schema,
            json: schema.json.as_ref()?,
            names: validate::avro_names(catalog, schema),
        }),
        SchemaFormat::JsonSchema => validate::compile_json_schema(schema, resources)
            .ok()
            .map(PayloadSchema::Json),
        SchemaFormat::Protobuf => {
            match crate::payload::Payload::of(catalog, event.schema.as_ref()?)? {
                crate::payload::Payload::Protobuf(message) => {
                    Some(PayloadSchema::Protobuf(message))
                }
                crate::payload::Payload::Schema(_) => None,
            }
        }
    }
}

/// Reads a correlation id where `location` says; `Err` says why there is none.
fn correlation_id(
    location: &Correlation,
    record: &ObservedRecord,
    payload: Option<&DecodedValue>,
) -> Result<String, String> {
    match location {
        Correlation::Header(name) => header_text(record, name),
        Correlation::Payload(pointer) => {
            let Some(payload) = payload else {
                return Err("the payload is not decoded".to_owned());
            };
            match payload.pointer(pointer).as_deref() {
                Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
                Some(Value::String(_)) => Err(format!("the payload's `{pointer}` is empty")),
                Some(Value::Number(n)) => Ok(n.to_string()),
                Some(Value::Null) => Err(format!("the payload's `{pointer}` is null")),
                Some(_) => Err(format!(
                    "the payload's `{pointer}` is neither a string nor a number"
                )),
                None => Err(format!("the payload has no `{pointer}`")),
            }
        }
        Correlation::Traceparent => {
            let value = header_text(record, "traceparent")?;
            trace_id(&value)
                .map(str::to_owned)
                .map_err(|why| format!("header `traceparent` is not a W3C traceparent: {why}"))
        }
    }
}

/// A header's value as text: present, not null, UTF-8 and not empty.
fn header_text(record: &ObservedRecord, name: &str) -> Result<String, String> {
    let Some(header) = record.headers.iter().rev().find(|h| h.key == name) else {
        return Err(format!("no header `{name}`"));
    };
    let Some(bytes) = &header.value else {
        return Err(format!("header `{name}` is null"));
    };
    match std::str::from_utf8(bytes) {
        Ok("") => Err(format!("header `{name}` is empty")),
        Ok(text) => Ok(text.to_owned()),
        Err(_) => Err(format!("header `{name}` is not UTF-8")),
    }
}

/// The trace id of a W3C Trace Context `traceparent`
/// (<https://www.w3.org/TR/trace-context/#traceparent-header>):
/// `version-traceid-parentid-flags`, lowercase hex of 2, 32, 16 and 2 digits. Version `ff` is
/// invalid, and so are all-zero ids; a version after `00` may append fields after another
/// `-`, which are ignored as the specification asks.
pub(crate) fn trace_id(value: &str) -> Result<&str, &'static str> {
    let bytes = value.as_bytes();
    if bytes.len() < 55 {
        return Err("shorter than the 55 characters of version 00");
    }
    let hex = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    };
    if bytes[2] != b'-' || bytes[35] != b'-' || bytes[52] != b'-' {
        return Err("the fields are not separated by `-` at 2, 35 and 52");
    }
    if !hex(0..2) || !hex(3..35) || !hex(36..52) || !hex(53..55) {
        return Err("a field is not lowercase hexadecimal");
    }
    match &value[..2] {
        "ff" => return Err("version ff is invalid"),
        "00" if bytes.len() != 55 => return Err("version 00 has exactly 55 characters"),
        _ if bytes.len() > 55 && bytes[55] != b'-' => {
            return Err("fields after the flags must follow a `-`");
        }
        _ => {}
    }
    let trace = &value[3..35];
    if trace.bytes().all(|b| b == b'0') {
        return Err("the trace id is all zeros");
    }
    if bytes[36..52].iter().all(|&b| b == b'0') {
        return Err("the parent id is all zeros");
    }
    Ok(trace)
}

#[cfg(test)]
mod tests;
