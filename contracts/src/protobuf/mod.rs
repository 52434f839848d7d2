//! Protobuf schemas: `.proto` files compiled to descriptors without protoc ([`compile()`]),
//! the message an event's payload is ([`Compiled::message`]), and JSON examples read as that
//! message per the protobuf JSON mapping ([`json_mismatch`]). Field paths into a message are
//! followed by [`crate::payload`], with those of Avro and JSON Schema. A compiled file is
//! written back as `.proto` text the way Confluent's registry writes it by [`to_proto_text`].

mod compile;
pub mod print;
#[cfg(test)]
mod print_tests;
#[cfg(test)]
mod tests;

pub use compile::{
    CompileError, Compiled, ErrorKind, ProtoSource, compile, compile_descriptors, file_messages,
    leading_comment, locate_in_text, serialized_descriptor, serialized_descriptor_bytes,
    source_location,
};
pub use print::{Style, to_proto_text};

use prost_reflect::{DynamicMessage, MessageDescriptor};

use crate::avro::Mismatch;

/// Where a JSON payload does not read as `message` under the protobuf JSON mapping (unknown
/// fields refused, as `JsonFormat.parser()` does by default), or `None` when it reads.
pub fn json_mismatch(message: &MessageDescriptor, payload: &serde_json::Value) -> Option<Mismatch> {
    let mut track = serde_path_to_error::Track::new();
    let deserializer = serde_path_to_error::Deserializer::new(payload, &mut track);
    let error = DynamicMessage::deserialize(message.clone(), deserializer).err()?;
    let mut pointer = String::new();
    for segment in track.path().iter() {
        use serde_path_to_error::Segment;
        let token = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => break,
        };
        pointer = crate::pointer::pointer_join(&pointer, &token);
    }
    Some(Mismatch {
        pointer,
        message: error.to_string(),
    })
}

/// The full name (`package.Message`) of a `.proto` file's first top-level message, read from
/// its syntax alone (imports are not resolved): the message an event names when it names none.
/// `None` when the text does not parse or defines no message.
pub fn first_message_name(text: &str) -> Option<String> {
    let file = protox_parse::parse("schema.proto", text).ok()?;
    let message = file.message_type.first()?.name.clone()?;
    Some(match file.package.as_deref().filter(|p| !p.is_empty()) {
        Some(package) => format!("{package}.{message}"),
        None => message,
    })
}

/// The full names of the messages a file defines, for "did you mean" help.
pub fn message_names(compiled: &Compiled) -> Vec<String> {
    compiled
        .messages()
        .iter()
        .map(|m| m.full_name().to_owned())
        .collect()
}

/// Help for a message name the file does not define: the closest full name (also when only the
/// package was left out), or the names there are.
pub fn unknown_message_help(compiled: &Compiled, written: &str) -> String {
    let names = message_names(compiled);
    let short = |name: &str| name.rsplit('.').next().unwrap_or(name).to_owned();
    let suggestion = names
        .iter()
        .find(|n| n.ends_with(&format!(".{written}")) || short(n) == written)
        .map(String::as_str)
        .or_else(|| crate::suggest::did_you_mean(written, names.iter().map(String::as_str)))
        .or_else(|| {
            names
                .iter()
                .find(|n| {
                    crate::suggest::did_you_mean(&short(written), [short(n).as_str()]).is_some()
                })
                .map(String::as_str)
        });
    match suggestion {
        Some(name) => {
            format!("did you mean `{name}`? name the message by its full name, package included")
        }
        None if names.is_empty() => {
            "the file defines no message; define one, or point `schema` at the file that does"
                .to_owned()
        }
        None => format!(
            "the file defines {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
