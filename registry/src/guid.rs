//! Schema GUIDs: the second way Confluent 8 names a schema, besides its global id.
//!
//! Serializers configured with a header schema-id serializer write a schema's GUID (16 bytes
//! after magic byte 1, in a `__key_schema_id`/`__value_schema_id` header) instead of the
//! 4-byte id; deserializers then fetch `GET /schemas/guids/{guid}`.
//!
//! Confluent does not store a random GUID: it is the MD5 of the schema as stored, read as a
//! UUID (`Schema.getGuid`, `MD5.ofSchema`). The digest covers the schema text (UTF-8), then
//! each reference's name, subject and version (a 4-byte big-endian integer), then metadata and
//! rule set, which contrail's registry does not store. Computing it the same way keeps the GUID
//! a pure function of what a version holds: the same schema gets the same GUID in every
//! registry that stores the same text, and records framed by GUID survive an export and
//! import between registries.

use md5::{Digest, Md5};

use crate::model::Reference;

/// A GUID's 16 bytes, in the order the UUID's text spells them (and the wire carries them).
pub type GuidBytes = [u8; 16];

/// The GUID of a stored schema: the MD5 of its text and references, as Confluent computes it.
pub fn schema_guid(text: &str, references: &[Reference]) -> GuidBytes {
    let mut md5 = Md5::new();
    md5.update(text.as_bytes());
    for reference in references {
        md5.update(reference.name.as_bytes());
        md5.update(reference.subject.as_bytes());
        // Versions are positive 32-bit integers in Confluent; a stored version always fits.
        let version = i32::try_from(reference.version).unwrap_or(i32::MAX);
        md5.update(version.to_be_bytes());
    }
    md5.finalize().into()
}

/// [`schema_guid`] spelled as registries spell it ([`format()`]): what the stores keep and the
/// API answers.
pub fn schema_guid_text(text: &str, references: &[Reference]) -> String {
    format(&schema_guid(text, references))
}

/// A GUID as registries spell it: 8-4-4-4-12 lowercase hex digits.
pub fn format(guid: &GuidBytes) -> String {
    let mut text = String::with_capacity(36);
    // Writing into a String cannot fail.
    let _ = contrail_contracts::observe::write_uuid(&mut text, guid);
    text
}

/// Reads a GUID the way Java's `UUID.fromString` does, which is what Confluent accepts in
/// `/schemas/guids/{guid}`: five `-`-separated groups of 1–8, 1–4, 1–4, 1–4 and 1–12 hex
/// digits, in either case. `None` for anything else (which names no schema).
pub fn parse(text: &str) -> Option<GuidBytes> {
    const WIDTHS: [usize; 5] = [8, 4, 4, 4, 12];
    let groups: Vec<&str> = text.split('-').collect();
    if groups.len() != WIDTHS.len() {
        return None;
    }
    let mut hex = String::with_capacity(32);
    for (group, width) in groups.iter().zip(WIDTHS) {
        if group.is_empty() || group.len() > width || !group.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return None;
        }
        // Short groups are numbers: zero-padded on the left, as Java parses them.
        hex.extend(std::iter::repeat_n('0', width - group.len()));
        hex.push_str(group);
    }
    let mut bytes = [0u8; 16];
    for (index, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * index..2 * index + 2)?, 16).ok()?;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(name: &str, subject: &str, version: i64) -> Reference {
        Reference {
            name: name.to_owned(),
            subject: subject.to_owned(),
            version,
        }
    }

    #[test]
    fn a_schema_without_references_is_the_md5_of_its_text() {
        // RFC 1321's test vectors, read as UUIDs.
        assert_eq!(
            format(&schema_guid("", &[])),
            "d41d8cd9-8f00-b204-e980-0998ecf8427e"
        );
        assert_eq!(
            format(&schema_guid("abc", &[])),
            "90015098-3cd2-4fb0-d696-3f7d28e17f72"
        );
    }

    #[test]
    fn references_add_name_subject_and_a_big_endian_version() {
        // MD5("abc" + "x" + "y" + 00 00 00 01) and the same with the version 2: the digest
        // covers the bytes in that order, so a reference is not the same as its text appended.
        let one = schema_guid("abc", &[reference("x", "y", 1)]);
        let two = schema_guid("abc", &[reference("x", "y", 2)]);
        let mut md5 = Md5::new();
        md5.update(b"abcxy\x00\x00\x00\x01");
        let expected: GuidBytes = md5.finalize().into();
        assert_eq!(one, expected);
        assert_ne!(one, two);
        assert_ne!(one, schema_guid("abcxy", &[]));
    }

    #[test]
    fn guids_read_back_as_they_are_written_and_as_java_reads_them() {
        let guid = schema_guid("\"string\"", &[]);
        assert_eq!(parse(&format(&guid)), Some(guid));
        assert_eq!(
            parse("D41D8CD9-8F00-B204-E980-0998ECF8427E"),
            parse("d41d8cd9-8f00-b204-e980-0998ecf8427e")
        );
        assert_eq!(
            parse("d41d8cd9-8f00-b204-e980-0998ecf8427").map(|g| format(&g)),
            Some("d41d8cd9-8f00-b204-e980-00998ecf8427".to_owned())
        );
        assert_eq!(
            parse("1-2-3-4-5").map(|g| format(&g)),
            Some("00000001-0002-0003-0004-000000000005".to_owned())
        );
        for bad in [
            "",
            "7",
            "d41d8cd98f00b204e9800998ecf8427e",
            "d41d8cd9-8f00-b204-e980-0998ecf8427e-1",
            "d41d8cd9-8f00-b204-e980-0998ecf8427ef",
            "g41d8cd9-8f00-b204-e980-0998ecf8427e",
            "d41d8cd9--b204-e980-0998ecf8427e",
            "+41d8cd9-8f00-b204-e980-0998ecf8427e",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
