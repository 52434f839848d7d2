//! Confluent's wire framings: where a record says which registered schema wrote it.
//!
//! Three framings travel on real topics, all read the way Confluent's own deserializer reads
//! them (`DualSchemaIdDeserializer` and `SchemaId.fromBytes` in confluentinc/schema-registry,
//! `schema-serializer/src/main/java/io/confluent/kafka/serializers/schema/id/`):
//!
//! - a schema pointer in the record header `__value_schema_id` (`__key_schema_id` for the key),
//!   the body unframed. Confluent 8's `HeaderSchemaIdSerializer` writes it as magic byte 1 and
//!   the 16-byte schema GUID (`SchemaId.guidToBytes`: the UUID's most significant long, then
//!   its least significant one, both big-endian); its reader also accepts magic byte 0 and a
//!   4-byte id there. When the header is present with a value it wins, and the body is not
//!   looked at for a prefix;
//! - the classic prefix: magic byte 0, the schema id as a 4-byte big-endian integer, the body;
//! - the GUID prefix: magic byte 1, the 16-byte GUID, the body.
//!
//! Anything else is plain bytes (JSON, a string key, or garbage; the decoder tells which).
//!
//! Protobuf's message indexes follow the schema pointer: at the start of the body for a prefix,
//! after the pointer in the header value for a header. This module does not read them
//! ([`super::protobuf_body`] does); [`Framed::header_rest`] keeps the header's, and a Protobuf
//! body still starts with its.

use std::fmt;

use super::record::ObservedHeader;

/// The header Confluent's serializers put a record value's schema pointer in.
pub const VALUE_SCHEMA_ID_HEADER: &str = "__value_schema_id";
/// The header Confluent's serializers put a record key's schema pointer in.
pub const KEY_SCHEMA_ID_HEADER: &str = "__key_schema_id";

const MAGIC_ID: u8 = 0;
const MAGIC_GUID: u8 = 1;
const ID_LEN: usize = 4;
const GUID_LEN: usize = 16;

/// Which registered schema wrote a key or value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaPointer {
    /// A registry's global schema id (`GET /schemas/ids/{id}`).
    Id(u32),
    /// A schema GUID (`GET /schemas/guids/{guid}`), in the UUID's byte order.
    Guid([u8; GUID_LEN]),
}

impl fmt::Display for SchemaPointer {
    /// `id 7`, or `GUID` and the UUID as registries spell it (`8-4-4-4-12` lowercase hex).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaPointer::Id(id) => write!(f, "id {id}"),
            SchemaPointer::Guid(guid) => {
                f.write_str("GUID ")?;
                write_uuid(f, guid)
            }
        }
    }
}

/// Writes 16 bytes as a UUID: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
pub fn write_uuid(f: &mut impl fmt::Write, bytes: &[u8; GUID_LEN]) -> fmt::Result {
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            f.write_char('-')?;
        }
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

/// The key or the value of a record: each has its own header and its own schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Key,
    Value,
}

impl Part {
    /// The header Confluent's serializers carry this part's schema pointer in.
    pub fn schema_header(self) -> &'static str {
        match self {
            Part::Key => KEY_SCHEMA_ID_HEADER,
            Part::Value => VALUE_SCHEMA_ID_HEADER,
        }
    }

    /// `key` or `value`, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Key => "key",
            Part::Value => "value",
        }
    }
}

/// Where the schema pointer of a key or value was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Framing {
    /// None: the bytes are the payload as written (JSON, a plain string, anything).
    Plain,
    /// A magic byte and the pointer before the body.
    Prefix,
    /// The `__value_schema_id` / `__key_schema_id` header; the bytes are the body.
    Header,
}

/// A key or value with its framing taken off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framed<'a> {
    /// The schema that wrote the body; `None` for plain bytes.
    pub schema: Option<SchemaPointer>,
    pub framing: Framing,
    /// What the schema's serializer wrote (for Protobuf: its message indexes, then the message).
    pub body: &'a [u8],
    /// What follows the pointer in the schema header's value: Protobuf's message indexes
    /// ([`super::protobuf_body`]), empty for every other format and for the other framings.
    pub header_rest: &'a [u8],
}

/// Why a key or value that says it is framed cannot be unframed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The bytes stop before the schema pointer the magic byte announces.
    #[error("{}{needed} bytes needed for magic byte {magic} and a schema {}, got {got}", header_prefix(*.header), pointer_name(*.magic))]
    TooShort {
        /// The schema header when the pointer was read from one; `None` for a prefix.
        header: Option<&'static str>,
        magic: u8,
        needed: usize,
        got: usize,
    },
    /// The schema header's value starts with neither magic byte. (A key or value without the
    /// header that does is plain bytes, not an error.)
    #[error("{} starts with byte {found}, not magic byte 0 (schema id) or 1 (schema GUID)", place(*.header))]
    WrongMagic {
        header: Option<&'static str>,
        found: u8,
    },
}

fn header_prefix(header: Option<&str>) -> String {
    header.map_or_else(String::new, |h| format!("header `{h}`: "))
}

fn place(header: Option<&str>) -> String {
    header.map_or_else(|| "the bytes".to_owned(), |h| format!("header `{h}`"))
}

fn pointer_name(magic: u8) -> &'static str {
    if magic == MAGIC_GUID { "GUID" } else { "id" }
}

/// Takes the framing off a key or value (`bytes`), reading its schema header from `headers`
/// as Confluent's `DualSchemaIdDeserializer` does: the last header of the part's name with a
/// value wins over a prefix; a null-valued header is ignored.
pub fn unframe<'a>(
    bytes: &'a [u8],
    headers: &'a [ObservedHeader],
    part: Part,
) -> Result<Framed<'a>, WireError> {
    let name = part.schema_header();
    // Kafka's `Headers.lastHeader`: a repeated key means its last occurrence.
    let header = headers
        .iter()
        .rev()
        .find(|h| h.key == name)
        .and_then(|h| h.value.as_deref());
    if let Some(value) = header {
        let (schema, rest) = pointer(value, Some(name))?;
        return Ok(Framed {
            schema: Some(schema),
            framing: Framing::Header,
            body: bytes,
            header_rest: rest,
        });
    }
    match bytes.first() {
        Some(&(MAGIC_ID | MAGIC_GUID)) => {
            let (schema, body) = pointer(bytes, None)?;
            Ok(Framed {
                schema: Some(schema),
                framing: Framing::Prefix,
                body,
                header_rest: &[],
            })
        }
        // Plain JSON or text never starts with byte 0 or 1, so the magic byte cannot be a
        // plain payload's first byte.
        _ => Ok(Framed {
            schema: None,
            framing: Framing::Plain,
            body: bytes,
            header_rest: &[],
        }),
    }
}

/// Reads a magic byte and the pointer it announces; returns the pointer and the bytes after.
fn pointer<'a>(
    bytes: &'a [u8],
    header: Option<&'static str>,
) -> Result<(SchemaPointer, &'a [u8]), WireError> {
    let Some((&magic, rest)) = bytes.split_first() else {
        return Err(WireError::TooShort {
            header,
            magic: MAGIC_ID,
            needed: 1 + ID_LEN,
            got: 0,
        });
    };
    let len = match magic {
        MAGIC_ID => ID_LEN,
        MAGIC_GUID => GUID_LEN,
        found => return Err(WireError::WrongMagic { header, found }),
    };
    let Some((id, rest)) = rest.split_at_checked(len) else {
        return Err(WireError::TooShort {
            header,
            magic,
            needed: 1 + len,
            got: bytes.len(),
        });
    };
    let schema = if magic == MAGIC_ID {
        let mut bytes = [0; ID_LEN];
        bytes.copy_from_slice(id);
        SchemaPointer::Id(u32::from_be_bytes(bytes))
    } else {
        let mut guid = [0; GUID_LEN];
        guid.copy_from_slice(id);
        SchemaPointer::Guid(guid)
    };
    Ok((schema, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(key: &str, value: Option<&[u8]>) -> ObservedHeader {
        ObservedHeader {
            key: key.to_owned(),
            value: value.map(<[u8]>::to_vec),
        }
    }

    const GUID: [u8; 16] = [
        0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x4d, 0xef, 0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
        0x07,
    ];

    #[test]
    fn classic_prefix_is_magic_zero_and_a_big_endian_id() {
        let bytes = [0, 0, 0, 1, 2, 0xAA, 0xBB];
        let framed = unframe(&bytes, &[], Part::Value).expect("framed");
        assert_eq!(framed.schema, Some(SchemaPointer::Id(258)));
        assert_eq!(framed.framing, Framing::Prefix);
        assert_eq!(framed.body, [0xAA, 0xBB]);
        // An empty body after the id is a valid frame (an Avro record with no fields).
        let framed = unframe(&bytes[..5], &[], Part::Value).expect("framed");
        assert_eq!(framed.body, [0u8; 0]);
    }

    #[test]
    fn guid_prefix_is_magic_one_and_sixteen_bytes() {
        let mut bytes = vec![1];
        bytes.extend_from_slice(&GUID);
        bytes.push(7);
        let framed = unframe(&bytes, &[], Part::Value).expect("framed");
        assert_eq!(framed.schema, Some(SchemaPointer::Guid(GUID)));
        assert_eq!(framed.body, [7]);
        assert_eq!(
            framed.schema.map(|s| s.to_string()).as_deref(),
            Some("GUID 12345678-9abc-4def-8001-020304050607")
        );
    }

    #[test]
    fn too_short_frames_say_what_was_needed() {
        let err = unframe(&[0, 0, 1], &[], Part::Value).expect_err("too short");
        assert_eq!(
            err.to_string(),
            "5 bytes needed for magic byte 0 and a schema id, got 3"
        );
        let err = unframe(&[1, 2, 3], &[], Part::Key).expect_err("too short");
        assert_eq!(
            err.to_string(),
            "17 bytes needed for magic byte 1 and a schema GUID, got 3"
        );
    }

    #[test]
    fn other_first_bytes_are_plain() {
        for bytes in [&b"{\"a\":1}"[..], b"order-1", b"", &[2, 0, 0, 0, 1]] {
            let framed = unframe(bytes, &[], Part::Value).expect("plain");
            assert_eq!(framed.schema, None);
            assert_eq!(framed.framing, Framing::Plain);
            assert_eq!(framed.body, bytes);
        }
    }

    #[test]
    fn a_guid_header_wins_and_leaves_the_body_unframed() {
        let mut value = vec![1];
        value.extend_from_slice(&GUID);
        value.extend_from_slice(&[2, 4, 6]);
        let headers = [
            header(VALUE_SCHEMA_ID_HEADER, Some(&[1; 17])),
            header(VALUE_SCHEMA_ID_HEADER, Some(&value)),
        ];
        // The body starts with magic byte 0, but the header says where the schema is.
        let body = [0, 1, 2];
        let framed = unframe(&body, &headers, Part::Value).expect("framed");
        assert_eq!(framed.schema, Some(SchemaPointer::Guid(GUID)));
        assert_eq!(framed.framing, Framing::Header);
        assert_eq!(framed.body, body);
        assert_eq!(framed.header_rest, [2, 4, 6]);
        // The key has its own header, and there is none here.
        let key = unframe(b"k", &headers, Part::Key).expect("plain");
        assert_eq!(key.framing, Framing::Plain);
    }

    #[test]
    fn an_id_header_is_read_too_and_a_null_header_is_ignored() {
        let headers = [header(KEY_SCHEMA_ID_HEADER, Some(&[0, 0, 0, 0, 9]))];
        let framed = unframe(b"{}", &headers, Part::Key).expect("framed");
        assert_eq!(framed.schema, Some(SchemaPointer::Id(9)));
        let headers = [header(VALUE_SCHEMA_ID_HEADER, None)];
        let framed = unframe(&[0, 0, 0, 0, 3], &headers, Part::Value).expect("framed");
        assert_eq!(
            (framed.schema, framed.framing),
            (Some(SchemaPointer::Id(3)), Framing::Prefix)
        );
    }

    #[test]
    fn bad_headers_are_errors_naming_the_header() {
        let headers = [header(VALUE_SCHEMA_ID_HEADER, Some(&[7, 1, 2]))];
        let err = unframe(b"x", &headers, Part::Value).expect_err("bad magic");
        assert_eq!(
            err.to_string(),
            "header `__value_schema_id` starts with byte 7, not magic byte 0 (schema id) or 1 (schema GUID)"
        );
        let headers = [header(VALUE_SCHEMA_ID_HEADER, Some(&[1, 1, 2]))];
        let err = unframe(b"x", &headers, Part::Value).expect_err("short");
        assert_eq!(
            err.to_string(),
            "header `__value_schema_id`: 17 bytes needed for magic byte 1 and a schema GUID, got 3"
        );
        let headers = [header(KEY_SCHEMA_ID_HEADER, Some(&[]))];
        let err = unframe(b"x", &headers, Part::Key).expect_err("empty");
        assert_eq!(
            err.to_string(),
            "header `__key_schema_id`: 5 bytes needed for magic byte 0 and a schema id, got 0"
        );
    }
}
