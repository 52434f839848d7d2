//! Keys and values decoded through a schema registry, without knowing HTTP.
//!
//! The registry is behind [`SchemaSource`], which the CLI implements with its HTTP client;
//! [`Decoder`] asks it once per schema id (or GUID), keeps the answer — a missing schema too —
//! and compiles each Avro and Protobuf schema once (a Protobuf schema with the files its
//! references name), so decoding a record costs a map lookup and a walk over its bytes.

use std::borrow::Cow;
use std::sync::Arc;

use base64::Engine;
use rustc_hash::FxHashMap;
use serde_json::Value;

use super::avro_datum::{AvroValue, Plan};
use super::protobuf_body::{protobuf_file, protobuf_value};
use super::record::{ObservedHeader, ObservedRecord};
use super::wire::{Framing, Part, SchemaPointer, WireError, unframe, write_uuid};
use crate::schema::SchemaFormat;

/// A schema as a registry serves it, with what decoding and classification need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredSchema {
    /// The registry's global id.
    pub id: u32,
    pub format: SchemaFormat,
    /// The schema text.
    pub schema: String,
    /// The texts of the schemas it references, transitively, as `(name, text)` (for Avro the
    /// name is the full name of the type the text defines, for Protobuf the file name its
    /// `import` uses), so that named types from other
    /// subjects resolve: dependencies before the references that use them, as a depth-first
    /// walk of Confluent's `references` lists them.
    pub references: Vec<(String, String)>,
    /// The subjects and versions it is registered under (`GET /schemas/ids/{id}/versions`),
    /// which tell which catalog event it is.
    pub subjects: Vec<(String, u32)>,
}

/// Where the decoder gets schemas from: a registry, or plain values in tests.
pub trait SchemaSource {
    /// The schema with a global id; `Ok(None)` when the registry does not know it.
    fn by_id(&mut self, id: u32) -> Result<Option<Arc<RegisteredSchema>>, SourceError>;
    /// The schema with a GUID (Confluent 8); `Ok(None)` when the registry does not know it.
    fn by_guid(&mut self, guid: [u8; 16]) -> Result<Option<Arc<RegisteredSchema>>, SourceError>;
}

impl<S: SchemaSource + ?Sized> SchemaSource for &mut S {
    fn by_id(&mut self, id: u32) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
        (**self).by_id(id)
    }
    fn by_guid(&mut self, guid: [u8; 16]) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
        (**self).by_guid(guid)
    }
}

impl<S: SchemaSource + ?Sized> SchemaSource for Box<S> {
    fn by_id(&mut self, id: u32) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
        (**self).by_id(id)
    }
    fn by_guid(&mut self, guid: [u8; 16]) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
        (**self).by_guid(guid)
    }
}

/// The registry could not answer: the whole command fails, since every later record with a
/// schema pointer would fail the same way. (A schema the registry does not know is an answer:
/// `Ok(None)`.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// Connection refused, timed out, TLS or authentication failed.
    #[error("the schema registry is unreachable: {0}")]
    Unreachable(String),
    /// It answered, but not as its API promises (a server error, a body that is not a schema).
    #[error("the schema registry answered unexpectedly: {0}")]
    Unexpected(String),
}

/// A decoded key or value.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodedValue {
    /// A null key, or a null value (a tombstone).
    Null,
    /// Decoded: a JSON Schema body as JSON, a Protobuf message in its JSON form (the protobuf
    /// JSON mapping, fields at their defaults included), or plain JSON (a plain UTF-8 key that
    /// is not JSON is its text as a string).
    Json(Value),
    /// Decoded: an Avro body that decodes with its schema, kept as bytes until it is written
    /// or searched (see [`DecodedValue::to_json`] and [`DecodedValue::pointer`]).
    Avro(AvroValue),
    /// Not decoded, with why.
    Undecodable {
        failure: Failure,
        /// What is wrong, for people: `at byte 6 (/total): the body ends after 6 bytes, ...`.
        reason: String,
        /// The bytes as they were on the topic, framing included.
        bytes_base64: String,
    },
}

impl DecodedValue {
    /// Whether the bytes were decoded (Avro, Protobuf or JSON).
    pub fn is_decoded(&self) -> bool {
        matches!(self, DecodedValue::Json(_) | DecodedValue::Avro(_))
    }

    /// The decoded value as JSON; for Avro this builds the tree, so writing (serde) and
    /// [`DecodedValue::pointer`] are cheaper where they do.
    pub fn to_json(&self) -> Option<Cow<'_, Value>> {
        match self {
            DecodedValue::Json(json) => Some(Cow::Borrowed(json)),
            DecodedValue::Avro(avro) => Some(Cow::Owned(avro.to_json())),
            DecodedValue::Null | DecodedValue::Undecodable { .. } => None,
        }
    }

    /// The decoded value at a JSON pointer (RFC 6901), as `serde_json::Value::pointer` finds
    /// it in [`DecodedValue::to_json`].
    pub fn pointer(&self, pointer: &str) -> Option<Cow<'_, Value>> {
        match self {
            DecodedValue::Json(json) => json.pointer(pointer).map(Cow::Borrowed),
            DecodedValue::Avro(avro) => avro.pointer(pointer).map(Cow::Owned),
            DecodedValue::Null | DecodedValue::Undecodable { .. } => None,
        }
    }
}

/// Why a key or value is not decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Failure {
    /// Neither a Confluent framing nor JSON (or a schema header with a wrong magic byte).
    WrongMagic,
    /// The registry does not know the schema id or GUID.
    UnknownSchema,
    /// Framed, but cut off before the schema pointer ends, or the body does not decode with
    /// its schema (for Protobuf also: message indexes that are garbage or name no message).
    Truncated,
    /// The schema's format is one contrail does not decode. Every registry format decodes
    /// today; kept so that a format added to the registry first has a name for its records.
    Unsupported,
    /// The registry's schema text does not parse (a reference missing, say).
    UnreadableSchema,
}

/// A key or value, decoded, with where its schema came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub framing: Framing,
    /// The schema pointer as the record carries it.
    pub pointer: Option<SchemaPointer>,
    /// The registered schema it pointed at, when the registry knows it (its `id` is the one
    /// that decoded the value).
    pub schema: Option<Arc<RegisteredSchema>>,
    /// For a Protobuf body, the full name of the message its indexes name (`shop.v1.Order`),
    /// also when the message itself does not decode.
    pub message: Option<String>,
    pub value: DecodedValue,
}

/// A record's key and value, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedRecord {
    pub key: Decoded,
    pub value: Decoded,
}

/// Decodes records through a [`SchemaSource`], asking it once per schema.
#[derive(Debug)]
pub struct Decoder<S> {
    source: S,
    /// Every pointer asked about, with the answer: `None` for a schema the registry does not
    /// know, so that it is not asked again for every record.
    known: FxHashMap<SchemaPointer, Option<Arc<Known>>>,
}

/// A registered schema made ready to decode with.
#[derive(Debug)]
struct Known {
    registered: Arc<RegisteredSchema>,
    reader: Reader,
}

#[derive(Debug)]
enum Reader {
    Avro(Arc<Plan>),
    Json,
    /// The registered file, compiled with the files it imports.
    Protobuf(prost_reflect::FileDescriptor),
    /// Why the schema cannot be read.
    Unreadable(String),
}

impl<S: SchemaSource> Decoder<S> {
    pub fn new(source: S) -> Decoder<S> {
        Decoder {
            source,
            known: FxHashMap::default(),
        }
    }

    /// The source the decoder asks.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// Gives the source back.
    pub fn into_source(self) -> S {
        self.source
    }

    /// Decodes a record's key and value. `Err` only when the registry cannot answer.
    pub fn decode(&mut self, record: &ObservedRecord) -> Result<DecodedRecord, SourceError> {
        Ok(DecodedRecord {
            key: self.decode_part(record.key.as_deref(), &record.headers, Part::Key)?,
            value: self.decode_part(record.value.as_deref(), &record.headers, Part::Value)?,
        })
    }

    /// Decodes a key or value (`None` for a null one) with the record's headers.
    pub fn decode_part(
        &mut self,
        bytes: Option<&[u8]>,
        headers: &[ObservedHeader],
        part: Part,
    ) -> Result<Decoded, SourceError> {
        let Some(bytes) = bytes else {
            return Ok(Decoded {
                framing: Framing::Plain,
                pointer: None,
                schema: None,
                message: None,
                value: DecodedValue::Null,
            });
        };
        let framed = match unframe(bytes, headers, part) {
            Ok(framed) => framed,
            Err(error) => {
                let (failure, header) = match error {
                    WireError::TooShort { header, .. } => (Failure::Truncated, header),
                    WireError::WrongMagic { header, .. } => (Failure::WrongMagic, header),
                };
                let framing = if header.is_some() {
                    Framing::Header
                } else {
                    Framing::Prefix
                };
                return Ok(Decoded {
                    framing,
                    pointer: None,
                    schema: None,
                    message: None,
                    value: undecodable(failure, error.to_string(), bytes),
                });
            }
        };
        let Some(pointer) = framed.schema else {
            return Ok(Decoded {
                framing: framed.framing,
                pointer: None,
                schema: None,
                message: None,
                value: plain(bytes, part),
            });
        };
        let Some(known) = self.known(pointer)? else {
            let reason = match pointer {
                SchemaPointer::Id(id) => format!("the registry knows no schema with id {id}"),
                SchemaPointer::Guid(guid) => {
                    let mut text = String::from("the registry knows no schema with GUID ");
                    // Writing to a String cannot fail.
                    let _ = write_uuid(&mut text, &guid);
                    text
                }
            };
            return Ok(Decoded {
                framing: framed.framing,
                pointer: Some(pointer),
                schema: None,
                message: None,
                value: undecodable(Failure::UnknownSchema, reason, bytes),
            });
        };
        let id = known.registered.id;
        let mut message = None;
        let value = match &known.reader {
            Reader::Avro(plan) => match AvroValue::decode(plan, framed.body) {
                Ok(value) => DecodedValue::Avro(value),
                Err(e) => undecodable(
                    Failure::Truncated,
                    format!("the body does not decode with Avro schema {id}: {e}"),
                    bytes,
                ),
            },
            Reader::Json => match serde_json::from_slice(framed.body) {
                Ok(json) => DecodedValue::Json(json),
                Err(e) => undecodable(
                    Failure::Truncated,
                    format!("the body is not the JSON that JSON Schema {id} describes: {e}"),
                    bytes,
                ),
            },
            Reader::Protobuf(file) => match protobuf_value(file, &framed, pointer, bytes.len()) {
                Ok((name, json)) => {
                    message = Some(name);
                    DecodedValue::Json(json)
                }
                Err((name, why)) => {
                    message = name;
                    undecodable(
                        Failure::Truncated,
                        format!("the body does not decode with Protobuf schema {id}: {why}"),
                        bytes,
                    )
                }
            },
            Reader::Unreadable(why) => undecodable(
                Failure::UnreadableSchema,
                format!("schema {id} from the registry cannot be read: {why}"),
                bytes,
            ),
        };
        Ok(Decoded {
            framing: framed.framing,
            pointer: Some(pointer),
            schema: Some(Arc::clone(&known.registered)),
            message,
            value,
        })
    }

    /// The schema a pointer names, asking the source the first time only.
    fn known(&mut self, pointer: SchemaPointer) -> Result<Option<Arc<Known>>, SourceError> {
        if let Some(known) = self.known.get(&pointer) {
            return Ok(known.clone());
        }
        let registered = match pointer {
            SchemaPointer::Id(id) => self.source.by_id(id)?,
            SchemaPointer::Guid(guid) => self.source.by_guid(guid)?,
        };
        let known = registered.map(|r| self.prepare(r));
        self.known.insert(pointer, known.clone());
        Ok(known)
    }

    /// Compiles a registered schema, or finds it compiled under its id already (a GUID and
    /// an id can name the same schema).
    fn prepare(&mut self, registered: Arc<RegisteredSchema>) -> Arc<Known> {
        if let Some(Some(known)) = self.known.get(&SchemaPointer::Id(registered.id)) {
            return Arc::clone(known);
        }
        let reader = match registered.format {
            SchemaFormat::Avro => match avro_plan(&registered) {
                Ok(plan) => Reader::Avro(Arc::new(plan)),
                Err(why) => Reader::Unreadable(why),
            },
            SchemaFormat::JsonSchema => Reader::Json,
            SchemaFormat::Protobuf => match protobuf_file(&registered) {
                Ok(file) => Reader::Protobuf(file),
                Err(why) => Reader::Unreadable(why),
            },
        };
        let known = Arc::new(Known { registered, reader });
        self.known.insert(
            SchemaPointer::Id(known.registered.id),
            Some(Arc::clone(&known)),
        );
        known
    }
}

/// Resolves a registered Avro schema with the texts of its references.
fn avro_plan(registered: &RegisteredSchema) -> Result<Plan, String> {
    let json = |text: &str| serde_json::from_str::<Value>(text);
    let schema = json(&registered.schema).map_err(|e| format!("the schema is not JSON: {e}"))?;
    let references = registered
        .references
        .iter()
        .map(|(name, text)| json(text).map_err(|e| format!("reference `{name}` is not JSON: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Plan::resolve(&schema, &references.iter().collect::<Vec<_>>())
}

/// Plain bytes: JSON, or for a key also plain text (what Kafka's `StringSerializer` writes).
fn plain(bytes: &[u8], part: Part) -> DecodedValue {
    // Most plain keys are text that cannot start a JSON document (`order-1`); they need not
    // go through the parser's error path, which allocates.
    if part == Part::Key
        && !bytes.first().is_some_and(|b| could_start_json(*b))
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        return DecodedValue::Json(Value::String(text.to_owned()));
    }
    match serde_json::from_slice(bytes) {
        Ok(json) => DecodedValue::Json(json),
        Err(e) => match (part, std::str::from_utf8(bytes)) {
            (Part::Key, Ok(text)) => DecodedValue::Json(Value::String(text.to_owned())),
            _ if bytes.is_empty() => undecodable(
                Failure::WrongMagic,
                format!(
                    "the {} is empty: neither a Confluent framing nor JSON",
                    part.as_str()
                ),
                bytes,
            ),
            _ => undecodable(
                Failure::WrongMagic,
                format!(
                    "byte {:#04x} is not a Confluent magic byte (0 or 1), and the {} is not JSON: {e}",
                    bytes[0],
                    part.as_str()
                ),
                bytes,
            ),
        },
    }
}

/// Whether a byte may begin a JSON text (RFC 8259: whitespace, a value's first character).
fn could_start_json(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
    )
}

fn undecodable(failure: Failure, reason: String, bytes: &[u8]) -> DecodedValue {
    DecodedValue::Undecodable {
        failure,
        reason,
        bytes_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::observe::avro_datum::encode_with;
    use apache_avro::types::Value as Avro;
    use serde_json::json;

    /// A registry in memory that counts what it is asked.
    #[derive(Debug, Default)]
    pub(crate) struct Schemas {
        pub(crate) by_id: Vec<Arc<RegisteredSchema>>,
        pub(crate) guids: Vec<([u8; 16], u32)>,
        pub(crate) asked: usize,
        pub(crate) down: bool,
    }

    impl Schemas {
        pub(crate) fn with(mut self, id: u32, format: SchemaFormat, schema: &str) -> Schemas {
            self.by_id.push(Arc::new(RegisteredSchema {
                id,
                format,
                schema: schema.to_owned(),
                references: Vec::new(),
                subjects: Vec::new(),
            }));
            self
        }

        pub(crate) fn subject(mut self, subject: &str) -> Schemas {
            if let Some(last) = self.by_id.last_mut() {
                Arc::make_mut(last).subjects.push((subject.to_owned(), 1));
            }
            self
        }
    }

    impl SchemaSource for Schemas {
        fn by_id(&mut self, id: u32) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
            self.asked += 1;
            if self.down {
                return Err(SourceError::Unreachable("connection refused".to_owned()));
            }
            Ok(self.by_id.iter().find(|s| s.id == id).cloned())
        }

        fn by_guid(
            &mut self,
            guid: [u8; 16],
        ) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
            let id = self
                .guids
                .iter()
                .find(|(g, _)| *g == guid)
                .map(|(_, id)| *id);
            match id {
                Some(id) => self.by_id(id),
                None => {
                    self.asked += 1;
                    Ok(None)
                }
            }
        }
    }

    pub(crate) const ORDER: &str = r#"{"type": "record", "name": "OrderPlaced", "namespace": "shop",
        "fields": [{"name": "orderId", "type": "string"}, {"name": "amount", "type": "long"},
        {"name": "meta", "type": {"type": "record", "name": "Meta", "fields": [
            {"name": "correlationId", "type": ["null", "string"], "default": null}]}}]}"#;

    /// An `OrderPlaced` body, unframed.
    pub(crate) fn order_body(order: &str, correlation: Option<&str>) -> Vec<u8> {
        let schema = apache_avro::Schema::parse_str(ORDER).expect("valid");
        let correlation = match correlation {
            Some(c) => Avro::Union(1, Box::new(Avro::String(c.to_owned()))),
            None => Avro::Union(0, Box::new(Avro::Null)),
        };
        let value = Avro::Record(vec![
            ("orderId".into(), Avro::String(order.to_owned())),
            ("amount".into(), Avro::Long(1250)),
            (
                "meta".into(),
                Avro::Record(vec![("correlationId".into(), correlation)]),
            ),
        ]);
        encode_with(&schema, &[], value)
    }

    /// Magic byte 0, the id, the body.
    pub(crate) fn framed(id: u32, body: &[u8]) -> Vec<u8> {
        let mut out = vec![0];
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    fn header(key: &str, value: &[u8]) -> ObservedHeader {
        ObservedHeader {
            key: key.to_owned(),
            value: Some(value.to_vec()),
        }
    }

    fn value_of(decoded: &Decoded) -> Value {
        match decoded.value.to_json() {
            Some(json) => json.into_owned(),
            None => panic!("not decoded: {:?}", decoded.value),
        }
    }

    fn failure_of(decoded: &Decoded) -> (Failure, &str) {
        match &decoded.value {
            DecodedValue::Undecodable {
                failure, reason, ..
            } => (*failure, reason.as_str()),
            other => panic!("decoded: {other:?}"),
        }
    }

    #[test]
    fn avro_decodes_through_the_registry_asking_once_per_id() {
        let source = Schemas::default().with(7, SchemaFormat::Avro, ORDER);
        let mut decoder = Decoder::new(source);
        let bytes = framed(7, &order_body("o-1", Some("c-1")));
        for _ in 0..3 {
            let decoded = decoder
                .decode_part(Some(&bytes), &[], Part::Value)
                .expect("registry up");
            assert_eq!(
                value_of(&decoded),
                json!({"orderId": "o-1", "amount": 1250, "meta": {"correlationId": "c-1"}})
            );
            assert_eq!(decoded.framing, Framing::Prefix);
            assert_eq!(decoded.pointer, Some(SchemaPointer::Id(7)));
            assert_eq!(decoded.schema.as_ref().map(|s| s.id), Some(7));
        }
        assert_eq!(decoder.source().asked, 1);
    }

    #[test]
    fn a_guid_header_decodes_an_unframed_body_and_shares_the_id_cache() {
        let guid = [9; 16];
        let mut source = Schemas::default().with(7, SchemaFormat::Avro, ORDER);
        source.guids.push((guid, 7));
        let mut decoder = Decoder::new(source);
        let mut header_value = vec![1];
        header_value.extend_from_slice(&guid);
        let headers = [header("__value_schema_id", &header_value)];
        let body = order_body("o-2", None);
        let decoded = decoder
            .decode_part(Some(&body), &headers, Part::Value)
            .expect("registry up");
        assert_eq!(decoded.framing, Framing::Header);
        assert_eq!(decoded.pointer, Some(SchemaPointer::Guid(guid)));
        assert_eq!(value_of(&decoded)["orderId"], "o-2");
        // The same schema by id is compiled already: the source is not asked again.
        let by_id = decoder
            .decode_part(Some(&framed(7, &body)), &[], Part::Value)
            .expect("registry up");
        assert_eq!(value_of(&by_id)["orderId"], "o-2");
        assert_eq!(decoder.source().asked, 1);
    }

    #[test]
    fn unknown_ids_are_remembered_and_reported() {
        let mut decoder = Decoder::new(Schemas::default());
        for _ in 0..2 {
            let decoded = decoder
                .decode_part(Some(&framed(42, b"x")), &[], Part::Value)
                .expect("registry up");
            assert_eq!(
                failure_of(&decoded),
                (
                    Failure::UnknownSchema,
                    "the registry knows no schema with id 42"
                )
            );
        }
        assert_eq!(decoder.source().asked, 1);
        let mut header_value = vec![1];
        header_value.extend_from_slice(&[0xab; 16]);
        let headers = [header("__value_schema_id", &header_value)];
        let decoded = decoder
            .decode_part(Some(b"{}"), &headers, Part::Value)
            .expect("registry up");
        assert_eq!(
            failure_of(&decoded).1,
            "the registry knows no schema with GUID abababab-abab-abab-abab-abababababab"
        );
    }

    #[test]
    fn a_registry_that_is_down_is_an_error_for_the_command() {
        let source = Schemas {
            down: true,
            ..Schemas::default()
        };
        let mut decoder = Decoder::new(source);
        let err = decoder
            .decode_part(Some(&framed(1, b"")), &[], Part::Value)
            .expect_err("down");
        assert_eq!(
            err.to_string(),
            "the schema registry is unreachable: connection refused"
        );
        // Plain JSON needs no registry.
        let decoded = decoder
            .decode_part(Some(br#"{"a": 1}"#), &[], Part::Value)
            .expect("no registry needed");
        assert_eq!(value_of(&decoded), json!({"a": 1}));
    }

    #[test]
    fn truncated_and_short_bodies_are_undecodable_with_their_bytes() {
        let source = Schemas::default().with(7, SchemaFormat::Avro, ORDER);
        let mut decoder = Decoder::new(source);
        let body = order_body("o-1", Some("c-1"));
        let bytes = framed(7, &body[..4]);
        let decoded = decoder
            .decode_part(Some(&bytes), &[], Part::Value)
            .expect("registry up");
        let (failure, reason) = failure_of(&decoded);
        assert_eq!(failure, Failure::Truncated);
        assert_eq!(
            reason,
            "the body does not decode with Avro schema 7: at byte 4 (/amount): the body ends after 4 bytes, 1 more needed"
        );
        let DecodedValue::Undecodable { bytes_base64, .. } = &decoded.value else {
            panic!("undecodable")
        };
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(bytes_base64)
                .ok(),
            Some(bytes)
        );
        let short = decoder
            .decode_part(Some(&[0, 0, 1]), &[], Part::Value)
            .expect("no registry needed");
        assert_eq!(
            failure_of(&short),
            (
                Failure::Truncated,
                "5 bytes needed for magic byte 0 and a schema id, got 3"
            )
        );
        assert_eq!(short.framing, Framing::Prefix);
    }

    #[test]
    fn plain_bytes_are_json_or_wrong_magic() {
        let mut decoder = Decoder::new(Schemas::default());
        let decode = |d: &mut Decoder<Schemas>, bytes: &[u8], part| {
            d.decode_part(Some(bytes), &[], part).expect("no registry")
        };
        let json = decode(&mut decoder, br#"{"orderId": "o-1"}"#, Part::Value);
        assert_eq!(json.framing, Framing::Plain);
        assert_eq!(value_of(&json), json!({"orderId": "o-1"}));
        let text = decode(&mut decoder, b"hello", Part::Value);
        assert_eq!(
            failure_of(&text),
            (
                Failure::WrongMagic,
                "byte 0x68 is not a Confluent magic byte (0 or 1), and the value is not JSON: expected value at line 1 column 1"
            )
        );
        let empty = decode(&mut decoder, b"", Part::Value);
        assert_eq!(failure_of(&empty).0, Failure::WrongMagic);
        // A plain string key is its text.
        let key = decode(&mut decoder, b"order-1", Part::Key);
        assert_eq!(value_of(&key), json!("order-1"));
        let binary_key = decode(&mut decoder, &[0xff, 0xfe], Part::Key);
        assert_eq!(failure_of(&binary_key).0, Failure::WrongMagic);
        // Nulls: a tombstone value, a null key.
        let record = ObservedRecord {
            topic: "t".into(),
            partition: 0,
            offset: 0,
            timestamp_ms: None,
            key: None,
            value: None,
            headers: Vec::new(),
        };
        let decoded = decoder.decode(&record).expect("no registry");
        assert_eq!(decoded.key.value, DecodedValue::Null);
        assert_eq!(decoded.value.value, DecodedValue::Null);
        assert_eq!(decoder.source().asked, 0);
    }

    #[test]
    fn json_schema_bodies_protobuf_and_unreadable_schemas() {
        let source = Schemas::default()
            .with(1, SchemaFormat::JsonSchema, r#"{"type": "object"}"#)
            .with(
                2,
                SchemaFormat::Protobuf,
                "syntax = \"proto3\"; message M {}",
            )
            .with(
                3,
                SchemaFormat::Avro,
                r#"{"type": "record", "name": "R", "fields": [{"name": "m", "type": "Money"}]}"#,
            );
        let mut decoder = Decoder::new(source);
        let mut decode = |bytes: Vec<u8>| {
            decoder
                .decode_part(Some(&bytes), &[], Part::Value)
                .expect("registry up")
        };
        assert_eq!(value_of(&decode(framed(1, br#"{"a":1}"#))), json!({"a": 1}));
        assert_eq!(failure_of(&decode(framed(1, b"{"))).0, Failure::Truncated);
        // Message indexes [0], then field 1 = 1, which `M` does not declare (kept unknown).
        let protobuf = decode(framed(2, &[0, 8, 1]));
        assert_eq!(value_of(&protobuf), json!({}));
        assert_eq!(protobuf.message.as_deref(), Some("M"));
        let unreadable = decode(framed(3, &[0]));
        let (failure, reason) = failure_of(&unreadable);
        assert_eq!(failure, Failure::UnreadableSchema);
        assert!(reason.starts_with("schema 3 from the registry cannot be read: "));
    }

    #[test]
    fn a_bad_schema_header_is_undecodable() {
        let mut decoder = Decoder::new(Schemas::default());
        let headers = [header("__key_schema_id", &[5])];
        let decoded = decoder
            .decode_part(Some(b"k"), &headers, Part::Key)
            .expect("no registry");
        assert_eq!(decoded.framing, Framing::Header);
        assert_eq!(failure_of(&decoded).0, Failure::WrongMagic);
    }

    proptest::proptest! {
        /// Whatever bytes a topic holds, decoding answers and never panics.
        #[test]
        fn arbitrary_bytes_never_panic(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..96),
            header in proptest::option::of(
                proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
            ),
        ) {
            let list = r#"{"type": "record", "name": "Node", "fields": [
                {"name": "v", "type": {"type": "map", "values": ["null", "float", "bytes"]}},
                {"name": "next", "type": ["null", "Node"]}]}"#;
            let source = Schemas::default()
                .with(7, SchemaFormat::Avro, ORDER)
                .with(11, SchemaFormat::Avro, list)
                .with(12, SchemaFormat::JsonSchema, "{}");
            let mut decoder = Decoder::new(source);
            let headers: Vec<ObservedHeader> = header
                .into_iter()
                .map(|h| ObservedHeader { key: "__value_schema_id".to_owned(), value: Some(h) })
                .collect();
            for bytes in [body.clone(), framed(7, &body), framed(11, &body), framed(12, &body)] {
                for part in [Part::Key, Part::Value] {
                    let decoded = decoder.decode_part(Some(&bytes), &headers, part);
                    proptest::prop_assert!(decoded.is_ok());
                }
            }
        }
    }

    #[test]
    fn references_resolve_named_types_from_other_subjects() {
        let money = r#"{"type": "record", "name": "Money", "namespace": "shop", "fields": [
            {"name": "amount", "type": "long"}]}"#;
        let order = r#"{"type": "record", "name": "Order", "namespace": "shop", "fields": [
            {"name": "total", "type": "Money"}]}"#;
        let mut source = Schemas::default().with(5, SchemaFormat::Avro, order);
        if let Some(last) = source.by_id.last_mut() {
            Arc::make_mut(last)
                .references
                .push(("shop.Money".to_owned(), money.to_owned()));
        }
        let (root, schemata) =
            apache_avro::Schema::parse_str_with_list(order, [money]).expect("parses");
        let value = Avro::Record(vec![(
            "total".into(),
            Avro::Record(vec![("amount".into(), Avro::Long(3))]),
        )]);
        let body = encode_with(&root, &schemata, value);
        let mut decoder = Decoder::new(source);
        let decoded = decoder
            .decode_part(Some(&framed(5, &body)), &[], Part::Value)
            .expect("registry up");
        assert_eq!(value_of(&decoded), json!({"total": {"amount": 3}}));
    }
}
