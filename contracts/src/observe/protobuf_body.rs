//! Confluent's Protobuf body: which message of the schema's file it is, then the message.
//!
//! After the schema pointer, Confluent's Protobuf serializers write the *message indexes*: the
//! path to the message within its `.proto` file, so that one registered file serves every
//! message it defines. As `MessageIndexes` in confluentinc/schema-registry
//! (`protobuf-provider/.../MessageIndexes.java`) and confluent-kafka for Python
//! (`_encode_varints`, `_read_index_array`) write and read them, they are zig-zag varints
//! (Kafka's `ByteUtils.writeVarint`): the number of indexes, then each index; the first is the
//! message's position among the file's top-level messages, each next one its position among
//! the previous message's nested messages, in declaration order (enums are not counted). The
//! most common path, `[0]` (the file's first message), is written as the single byte `0` (a
//! count of zero), so `[0]` is `00`, `[1]` is `02 02` and `[1, 0]` is `04 02 00`.
//!
//! The message is then read with prost-reflect and written as JSON per the protobuf JSON
//! mapping, fields with default values included (as Confluent's `ProtobufSchemaUtils.toJson`
//! prints them), so every declared scalar, repeated and map field shows, and a consumer's
//! field is found even when the producer left it at its default; a message field that is not
//! set is left out.

use std::fmt;

use prost_reflect::{DynamicMessage, FileDescriptor, MessageDescriptor, SerializeOptions};
use serde_json::Value;

use super::decode::RegisteredSchema;
use super::wire::{Framed, Framing, SchemaPointer};

/// How many bytes a zig-zag varint of 32 bits takes at most, as Kafka's `ByteUtils.readVarint`
/// reads it.
const MAX_VARINT_LEN: usize = 5;

/// Why the message indexes cannot be read; offsets count from the first byte of the indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexError {
    /// Where the varint that is wrong starts.
    pub offset: usize,
    pub kind: IndexErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexErrorKind {
    /// The bytes end before the indexes do (or before they start).
    Truncated,
    /// A varint runs past 5 bytes: not a 32-bit varint.
    TooLong,
    /// The count is negative, or larger than the bytes left could hold.
    BadCount(i32),
    /// An index is negative.
    Negative(i32),
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.kind)
    }
}

impl fmt::Display for IndexErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexErrorKind::Truncated => {
                f.write_str("the message indexes end inside a varint (or are missing)")
            }
            IndexErrorKind::TooLong => write!(
                f,
                "a varint of the message indexes runs past {MAX_VARINT_LEN} bytes"
            ),
            IndexErrorKind::BadCount(count) => write!(
                f,
                "the message indexes say {count} indexes follow, which the bytes cannot hold"
            ),
            IndexErrorKind::Negative(index) => write!(f, "message index {index} is negative"),
        }
    }
}

/// Reads the message indexes at the start of `bytes`; returns them and the bytes after.
pub fn read_message_indexes(bytes: &[u8]) -> Result<(Vec<i32>, &[u8]), IndexError> {
    let (count, mut at) = read_zigzag(bytes, 0)?;
    if count == 0 {
        return Ok((vec![0], &bytes[at..]));
    }
    // Each index takes at least one byte: a count the bytes cannot hold is garbage, refused
    // before anything is allocated for it.
    let left = bytes.len() - at;
    if count < 0 || usize::try_from(count).is_ok_and(|c| c > left) {
        return Err(IndexError {
            offset: 0,
            kind: IndexErrorKind::BadCount(count),
        });
    }
    let mut indexes = Vec::with_capacity(usize::try_from(count).unwrap_or_default());
    for _ in 0..count {
        let start = at;
        let (index, next) = read_zigzag(bytes, at)?;
        if index < 0 {
            return Err(IndexError {
                offset: start,
                kind: IndexErrorKind::Negative(index),
            });
        }
        indexes.push(index);
        at = next;
    }
    Ok((indexes, &bytes[at..]))
}

/// The message indexes as Confluent's serializers write them (`[0]` as the single byte 0).
pub fn write_message_indexes(indexes: &[i32]) -> Vec<u8> {
    let mut out = Vec::new();
    if indexes == [0] {
        out.push(0);
        return out;
    }
    let count = i32::try_from(indexes.len()).unwrap_or(i32::MAX);
    for value in std::iter::once(count).chain(indexes.iter().copied()) {
        // Zig-zag: 0, -1, 1, -2 … become 0, 1, 2, 3 …
        let mut rest = ((value << 1) ^ (value >> 31)) as u32;
        while rest >= 0x80 {
            out.push((rest as u8 & 0x7f) | 0x80);
            rest >>= 7;
        }
        out.push(rest as u8);
    }
    out
}

/// One zig-zag varint of 32 bits at `at`; returns it and where the next starts.
fn read_zigzag(bytes: &[u8], at: usize) -> Result<(i32, usize), IndexError> {
    let mut value: u32 = 0;
    for i in 0..MAX_VARINT_LEN {
        let Some(&byte) = bytes.get(at + i) else {
            return Err(IndexError {
                offset: at,
                kind: IndexErrorKind::Truncated,
            });
        };
        value |= u32::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            // The fifth byte may carry only the top 4 bits; more is not a 32-bit varint.
            if i == MAX_VARINT_LEN - 1 && byte > 0x0f {
                break;
            }
            let decoded = ((value >> 1) as i32) ^ -((value & 1) as i32);
            return Ok((decoded, at + i + 1));
        }
    }
    Err(IndexError {
        offset: at,
        kind: IndexErrorKind::TooLong,
    })
}

/// The message at an index path in `file`: the top-level message at the first index, then
/// the nested message at each next one (map entries, which protoc generates, not counted:
/// Confluent's `toMessageName` walks the parsed source, where they do not exist).
pub fn message_at(file: &FileDescriptor, indexes: &[i32]) -> Result<MessageDescriptor, String> {
    let position = |index: i32| usize::try_from(index).unwrap_or(usize::MAX);
    let Some((&first, rest)) = indexes.split_first() else {
        return Err("the message index path is empty".to_owned());
    };
    let top: Vec<MessageDescriptor> = file.messages().collect();
    let mut message = top.get(position(first)).cloned().ok_or_else(|| {
        format!(
            "message index path {indexes:?}: the file defines {} top-level message{}, so index {first} names none",
            top.len(),
            plural(top.len())
        )
    })?;
    for &index in rest {
        let nested: Vec<MessageDescriptor> = message
            .child_messages()
            .filter(|m| !m.is_map_entry())
            .collect();
        message = nested.get(position(index)).cloned().ok_or_else(|| {
            format!(
                "message index path {indexes:?}: `{}` has {} nested message{}, so index {index} names none",
                message.full_name(),
                nested.len(),
                plural(nested.len())
            )
        })?;
    }
    Ok(message)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The message `bytes` hold, as JSON per the protobuf JSON mapping (defaults included).
pub fn message_json(message: &MessageDescriptor, bytes: &[u8]) -> Result<Value, String> {
    let decoded = DynamicMessage::decode(message.clone(), bytes).map_err(|e| e.to_string())?;
    let options = SerializeOptions::new().skip_default_fields(false);
    decoded
        .serialize_with_options(serde_json::value::Serializer, &options)
        .map_err(|e| e.to_string())
}

/// What a registered Protobuf schema is called while it compiles: no `import` names it.
const REGISTERED_PROTO: &str = "<registered schema>.proto";

/// Compiles a registered Protobuf schema (`.proto` text or a base64 `FileDescriptorProto`)
/// with its references, each the file an `import` names by the reference's name.
pub(super) fn protobuf_file(registered: &RegisteredSchema) -> Result<FileDescriptor, String> {
    use crate::protobuf::{ProtoSource, compile};
    let source = |name: &str, text: &str| ProtoSource {
        path: name.into(),
        text: text.to_owned(),
    };
    let root = source(&format!("schema {}", registered.id), &registered.schema);
    let compiled = compile(REGISTERED_PROTO, root, |import, _| {
        registered
            .references
            .iter()
            .find(|(name, _)| name == import)
            .map(|(name, text)| source(name, text))
    })
    .map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    compiled
        .root()
        .ok_or_else(|| "the compiled schema has no root file".to_owned())
}

/// A Protobuf body: its message indexes (after the pointer in the schema header, at the start
/// of the body for a prefix), then the message as JSON, with the message's full name. An error
/// names the byte (of the record, or of the header) where reading stopped, and the message
/// when the indexes named one.
pub(super) fn protobuf_value(
    file: &FileDescriptor,
    framed: &Framed<'_>,
    pointer: SchemaPointer,
    record_len: usize,
) -> Result<(String, Value), (Option<String>, String)> {
    let (indexes_from, base, place) = match framed.framing {
        // The header value: a magic byte and the pointer, then the indexes.
        Framing::Header => {
            let pointer_len = match pointer {
                SchemaPointer::Id(_) => 4,
                SchemaPointer::Guid(_) => 16,
            };
            (
                framed.header_rest,
                1 + pointer_len,
                "the schema header's message indexes",
            )
        }
        _ => (
            framed.body,
            record_len - framed.body.len(),
            "the message indexes",
        ),
    };
    let (indexes, rest) = read_message_indexes(indexes_from).map_err(|e| {
        (
            None,
            format!("{place}, at byte {}: {}", base + e.offset, e.kind),
        )
    })?;
    let (body, body_at) = match framed.framing {
        Framing::Header => (framed.body, 0),
        _ => (rest, record_len - rest.len()),
    };
    let message = message_at(file, &indexes).map_err(|e| (None, e))?;
    let name = message.full_name().to_owned();
    match message_json(&message, body) {
        Ok(json) => Ok((name, json)),
        Err(e) => Err((
            Some(name.clone()),
            format!("message `{name}` (from byte {body_at}) does not decode: {e}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<(Vec<i32>, Vec<u8>), String> {
        read_message_indexes(bytes)
            .map(|(indexes, rest)| (indexes, rest.to_vec()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn confluent_examples_encode_and_decode() {
        // [0] is the single byte 0; otherwise the count, then each index, zig-zag encoded.
        let cases: [(&[i32], &[u8]); 6] = [
            (&[0], &[0x00]),
            (&[1], &[0x02, 0x02]),
            (&[1, 0], &[0x04, 0x02, 0x00]),
            (&[0, 0], &[0x04, 0x00, 0x00]),
            (&[2, 1, 3], &[0x06, 0x04, 0x02, 0x06]),
            // 64 zig-zags to 128, a two-byte varint.
            (&[64], &[0x02, 0x80, 0x01]),
        ];
        for (indexes, bytes) in cases {
            assert_eq!(write_message_indexes(indexes), bytes, "{indexes:?}");
            let mut framed = bytes.to_vec();
            framed.extend_from_slice(b"msg");
            assert_eq!(
                read(&framed),
                Ok((indexes.to_vec(), b"msg".to_vec())),
                "{bytes:02x?}"
            );
        }
    }

    #[test]
    fn a_count_of_one_with_index_zero_reads_as_the_default_path() {
        // Java writes [0] as 00, but a writer that spells it out (02 00) means the same.
        assert_eq!(read(&[0x02, 0x00, 0x08]), Ok((vec![0], vec![0x08])));
    }

    #[test]
    fn garbage_indexes_are_errors_naming_the_offset() {
        assert_eq!(
            read(&[]).expect_err("an error"),
            "at byte 0: the message indexes end inside a varint (or are missing)"
        );
        assert_eq!(
            read(&[0x04, 0x02, 0x80]).expect_err("an error"),
            "at byte 2: the message indexes end inside a varint (or are missing)"
        );
        assert_eq!(
            read(&[0x02, 0x80]).expect_err("an error"),
            "at byte 1: the message indexes end inside a varint (or are missing)"
        );
        assert_eq!(
            read(&[0x02, 0xff, 0xff, 0xff, 0xff, 0x7f]).expect_err("an error"),
            "at byte 1: a varint of the message indexes runs past 5 bytes"
        );
        // A count of -1 (zig-zag 1), and a count of 100 with two bytes left.
        assert_eq!(
            read(&[0x01, 0x00]).expect_err("an error"),
            "at byte 0: the message indexes say -1 indexes follow, which the bytes cannot hold"
        );
        assert_eq!(
            read(&[0xc8, 0x01, 0x00, 0x00]).expect_err("an error"),
            "at byte 0: the message indexes say 100 indexes follow, which the bytes cannot hold"
        );
        assert_eq!(
            read(&[0x04, 0x00, 0x03]).expect_err("an error"),
            "at byte 2: message index -2 is negative"
        );
    }

    #[test]
    fn the_largest_varints_round_trip() {
        for value in [i32::MAX, 1 << 20, 300] {
            let bytes = write_message_indexes(&[value]);
            assert_eq!(read(&bytes), Ok((vec![value], Vec::new())), "{value}");
        }
    }

    proptest::proptest! {
        /// Whatever the bytes, reading answers without panicking, and what is written reads
        /// back.
        #[test]
        fn indexes_round_trip_and_garbage_never_panics(
            indexes in proptest::collection::vec(0..i32::MAX, 1..6),
            garbage in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
        ) {
            let bytes = write_message_indexes(&indexes);
            proptest::prop_assert_eq!(read(&bytes), Ok((indexes, Vec::new())));
            let _ = read_message_indexes(&garbage);
        }
    }

    const SHOP: &str = r#"syntax = "proto3";
package shop.v1;
import "google/protobuf/timestamp.proto";
message First { string id = 1; }
enum Colour { COLOUR_UNSPECIFIED = 0; }
message Second {
  string id = 1;
  map<string, int32> counts = 2;
  google.protobuf.Timestamp at = 3;
  Inner inner = 4;
  int64 big = 5;
  enum Kind { KIND_UNSPECIFIED = 0; KIND_BIG = 1; }
  Kind kind = 6;
  message Inner { int32 n = 1; message Deep { bool ok = 1; } }
  message Other { string note = 1; }
}
"#;

    fn shop() -> FileDescriptor {
        let source = crate::protobuf::ProtoSource {
            path: "shop.proto".into(),
            text: SHOP.to_owned(),
        };
        crate::protobuf::compile("shop.proto", source, |_, _| None)
            .expect("compiles")
            .root()
            .expect("the root file")
    }

    #[test]
    fn index_paths_name_messages_in_declaration_order() {
        let file = shop();
        let name = |indexes: &[i32]| message_at(&file, indexes).map(|m| m.full_name().to_owned());
        assert_eq!(name(&[0]).as_deref(), Ok("shop.v1.First"));
        // The enum between them is not counted.
        assert_eq!(name(&[1]).as_deref(), Ok("shop.v1.Second"));
        // Nor is the map entry protoc generates for `counts`.
        assert_eq!(name(&[1, 0]).as_deref(), Ok("shop.v1.Second.Inner"));
        assert_eq!(name(&[1, 1]).as_deref(), Ok("shop.v1.Second.Other"));
        assert_eq!(name(&[1, 0, 0]).as_deref(), Ok("shop.v1.Second.Inner.Deep"));
        assert_eq!(
            name(&[2]).expect_err("an error"),
            "message index path [2]: the file defines 2 top-level messages, so index 2 names none"
        );
        assert_eq!(
            name(&[0, 0]).expect_err("an error"),
            "message index path [0, 0]: `shop.v1.First` has 0 nested messages, so index 0 names none"
        );
        assert_eq!(
            name(&[]).expect_err("an error"),
            "the message index path is empty"
        );
    }

    #[test]
    fn messages_decode_to_the_protobuf_json_mapping_with_defaults() {
        use prost_reflect::prost::Message;
        let file = shop();
        let second = message_at(&file, &[1]).expect("Second");
        let json = serde_json::json!({
            "id": "s-1",
            "counts": {"a": 2},
            "at": "2026-01-01T00:00:00Z",
            "inner": {"n": 7},
            "big": "9007199254740993",
            "kind": "KIND_BIG"
        });
        let message = DynamicMessage::deserialize(second.clone(), &json).expect("valid JSON");
        let bytes = message.encode_to_vec();
        assert_eq!(message_json(&second, &bytes), Ok(json));
        // Nothing set: every field at its default, but message fields, which are absent
        // (as protobuf's own printers leave them out).
        assert_eq!(
            message_json(&second, &[]),
            Ok(serde_json::json!({
                "id": "", "counts": {}, "big": "0", "kind": "KIND_UNSPECIFIED"
            }))
        );
        // Field 1 (a string) says 5 bytes follow, and 2 do.
        let error = message_json(&second, &[0x0a, 0x05, b'a', b'b']).expect_err("an error");
        assert!(error.contains("buffer underflow"), "{error}");
    }

    mod through_the_decoder {
        use std::sync::Arc;

        use base64::Engine;
        use prost_reflect::prost::Message;
        use serde_json::json;

        use crate::observe::decode::tests::{Schemas, framed};
        use crate::observe::{
            Decoded, DecodedValue, Decoder, Failure, ObservedHeader, Part, RegisteredSchema,
        };
        use crate::schema::SchemaFormat;

        const MONEY: &str = r#"syntax = "proto3";
package shop.common.v1;
message Money { int64 amount_minor = 1; string currency = 2; }
"#;

        const ORDER: &str = r#"syntax = "proto3";
package shop.orders.v1;
import "shop/common/money.proto";
message OrderPlaced {
  string order_id = 1;
  shop.common.v1.Money total = 2;
  message Line { string sku = 1; int32 quantity = 2; }
}
message OrderCancelled { string order_id = 1; }
"#;

        /// Schema 5: ORDER, importing MONEY as a reference named `shop/common/money.proto`.
        fn source(order: &str, money: &str) -> Schemas {
            let mut source = Schemas::default().with(5, SchemaFormat::Protobuf, order);
            if let Some(last) = source.by_id.last_mut() {
                Arc::make_mut(last)
                    .references
                    .push(("shop/common/money.proto".to_owned(), money.to_owned()));
            }
            source
        }

        /// The bytes of a message of schema 5 given as JSON.
        fn encode(message: &str, json: serde_json::Value) -> Vec<u8> {
            let file = super::super::protobuf_file(&RegisteredSchema {
                id: 5,
                format: SchemaFormat::Protobuf,
                schema: ORDER.to_owned(),
                references: vec![("shop/common/money.proto".to_owned(), MONEY.to_owned())],
                subjects: Vec::new(),
            })
            .expect("compiles");
            let descriptor = file
                .parent_pool()
                .get_message_by_name(message)
                .expect("defined");
            prost_reflect::DynamicMessage::deserialize(descriptor, json)
                .expect("valid")
                .encode_to_vec()
        }

        fn decode(decoder: &mut Decoder<Schemas>, bytes: &[u8]) -> Decoded {
            decoder
                .decode_part(Some(bytes), &[], Part::Value)
                .expect("registry up")
        }

        fn reason(decoded: &Decoded) -> (Failure, &str) {
            match &decoded.value {
                DecodedValue::Undecodable {
                    failure, reason, ..
                } => (*failure, reason.as_str()),
                other => panic!("decoded: {other:?}"),
            }
        }

        /// Magic byte 0, id 5, the message indexes, the message.
        fn record(indexes: &[i32], message: &[u8]) -> Vec<u8> {
            let mut body = super::super::write_message_indexes(indexes);
            body.extend_from_slice(message);
            framed(5, &body)
        }

        #[test]
        fn messages_with_references_and_nested_paths_decode() {
            let mut decoder = Decoder::new(source(ORDER, MONEY));
            let order =
                json!({"orderId": "o-1", "total": {"amountMinor": "1250", "currency": "EUR"}});
            let decoded = decode(
                &mut decoder,
                &record(&[0], &encode("shop.orders.v1.OrderPlaced", order.clone())),
            );
            assert_eq!(decoded.value, DecodedValue::Json(order));
            assert_eq!(
                decoded.message.as_deref(),
                Some("shop.orders.v1.OrderPlaced")
            );
            let line = json!({"sku": "BOOK-1", "quantity": 2});
            let decoded = decode(
                &mut decoder,
                &record(
                    &[0, 0],
                    &encode("shop.orders.v1.OrderPlaced.Line", line.clone()),
                ),
            );
            assert_eq!(decoded.value, DecodedValue::Json(line));
            assert_eq!(
                decoded.message.as_deref(),
                Some("shop.orders.v1.OrderPlaced.Line")
            );
            let cancelled = json!({"orderId": "o-2"});
            let decoded = decode(
                &mut decoder,
                &record(
                    &[1],
                    &encode("shop.orders.v1.OrderCancelled", cancelled.clone()),
                ),
            );
            assert_eq!(decoded.value, DecodedValue::Json(cancelled));
            // One compile for all three.
            assert_eq!(decoder.source().asked, 1);
        }

        #[test]
        fn base64_descriptors_decode_as_text_does() {
            // What confluent-kafka for Python registers: each file compiled and base64-encoded.
            let base64 = |name: &str, text: &str| {
                let source = crate::protobuf::ProtoSource {
                    path: name.into(),
                    text: text.to_owned(),
                };
                let money = crate::protobuf::ProtoSource {
                    path: "money".into(),
                    text: MONEY.to_owned(),
                };
                let compiled = crate::protobuf::compile(name, source, |_, _| Some(money.clone()))
                    .expect("compiles");
                let descriptor = compiled
                    .root()
                    .expect("root")
                    .file_descriptor_proto()
                    .clone();
                base64::engine::general_purpose::STANDARD.encode(descriptor.encode_to_vec())
            };
            let mut decoder = Decoder::new(source(
                &base64("order.proto", ORDER),
                &base64("shop/common/money.proto", MONEY),
            ));
            let order = json!({"orderId": "o-1", "total": {"amountMinor": "5", "currency": ""}});
            let decoded = decode(
                &mut decoder,
                &record(&[0], &encode("shop.orders.v1.OrderPlaced", order.clone())),
            );
            assert_eq!(decoded.value, DecodedValue::Json(order));
        }

        #[test]
        fn a_guid_header_carries_the_message_indexes() {
            let guid = [3; 16];
            let mut source = source(ORDER, MONEY);
            source.guids.push((guid, 5));
            let mut decoder = Decoder::new(source);
            let mut header = vec![1];
            header.extend_from_slice(&guid);
            header.extend_from_slice(&super::super::write_message_indexes(&[1]));
            let headers = [ObservedHeader {
                key: "__value_schema_id".to_owned(),
                value: Some(header.clone()),
            }];
            let body = encode("shop.orders.v1.OrderCancelled", json!({"orderId": "o-3"}));
            let decoded = decoder
                .decode_part(Some(&body), &headers, Part::Value)
                .expect("registry up");
            assert_eq!(decoded.value, DecodedValue::Json(json!({"orderId": "o-3"})));
            // Without the indexes, the header says nothing about the message.
            let headers = [ObservedHeader {
                key: "__value_schema_id".to_owned(),
                value: Some(header[..17].to_vec()),
            }];
            let decoded = decoder
                .decode_part(Some(&body), &headers, Part::Value)
                .expect("registry up");
            assert_eq!(
                reason(&decoded),
                (
                    Failure::Truncated,
                    "the body does not decode with Protobuf schema 5: the schema header's message indexes, at byte 17: the message indexes end inside a varint (or are missing)"
                )
            );
        }

        #[test]
        fn garbage_is_a_problem_of_the_record_naming_where() {
            let mut decoder = Decoder::new(source(ORDER, MONEY));
            let cases: [(Vec<u8>, &str); 5] = [
                (
                    framed(5, &[0x04, 0x02, 0x80]),
                    "the message indexes, at byte 7: the message indexes end inside a varint (or are missing)",
                ),
                (
                    framed(5, &[0x04, 0x02]),
                    "the message indexes, at byte 5: the message indexes say 2 indexes follow, which the bytes cannot hold",
                ),
                (
                    record(&[2], b""),
                    "message index path [2]: the file defines 2 top-level messages, so index 2 names none",
                ),
                (
                    record(&[0, 1], b""),
                    "message index path [0, 1]: `shop.orders.v1.OrderPlaced` has 1 nested message, so index 1 names none",
                ),
                (
                    // Field 1 (order_id) says 9 bytes follow; 1 does.
                    record(&[0], &[0x0a, 0x09, b'o']),
                    "message `shop.orders.v1.OrderPlaced` (from byte 6) does not decode: failed to decode Protobuf message: buffer underflow",
                ),
            ];
            for (bytes, why) in cases {
                let decoded = decode(&mut decoder, &bytes);
                assert_eq!(
                    reason(&decoded),
                    (
                        Failure::Truncated,
                        format!("the body does not decode with Protobuf schema 5: {why}").as_str()
                    )
                );
            }
        }

        #[test]
        fn a_missing_reference_makes_the_schema_unreadable() {
            let mut decoder =
                Decoder::new(Schemas::default().with(5, SchemaFormat::Protobuf, ORDER));
            let decoded = decode(&mut decoder, &record(&[0], b""));
            let (failure, why) = reason(&decoded);
            assert_eq!(failure, Failure::UnreadableSchema);
            assert_eq!(
                why,
                "schema 5 from the registry cannot be read: schema 5:3:1: import 'shop/common/money.proto' not found"
            );
        }

        proptest::proptest! {
            /// Whatever bytes follow a Protobuf schema's id, decoding answers and never panics.
            #[test]
            fn arbitrary_bodies_never_panic(
                body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
            ) {
                let mut decoder = Decoder::new(source(ORDER, MONEY));
                let decoded = decoder.decode_part(Some(&framed(5, &body)), &[], Part::Value);
                proptest::prop_assert!(decoded.is_ok());
            }
        }
    }
}
