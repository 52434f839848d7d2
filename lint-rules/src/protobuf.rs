//! What the Protobuf rules see: each event's `.proto` file as compiled, its definitions, where
//! each is written, and — under `contrail check --against` — the message a baseline declared
//! for each event.
//!
//! Only the definitions of the file the event names are linted: an imported file that is an
//! event's schema is linted as that event's, and the well-known types are not ours to judge.

use contrail_contracts::diagnostic::Location;
use contrail_contracts::model::{Catalog, Event};
use contrail_contracts::payload::Payload;
use contrail_contracts::protobuf::{Compiled, source_location};
use contrail_contracts::schema::{LoadedSchema, SchemaFormat};
use prost_reflect::{EnumDescriptor, FileDescriptor, MessageDescriptor};

use crate::context::Context;
use crate::rule::Subject;

/// A valid `.proto` payload schema of the catalog, with the first event that uses it.
#[derive(Debug, Clone, Copy)]
pub struct ProtoFile<'a> {
    pub event: &'a Event,
    pub schema: &'a LoadedSchema,
    pub compiled: &'a Compiled,
}

impl ProtoFile<'_> {
    /// The file the event names.
    pub fn root(&self) -> Option<FileDescriptor> {
        self.compiled.root()
    }

    /// The messages the file defines, nested ones after their parent (map entries left out).
    pub fn messages(&self) -> Vec<MessageDescriptor> {
        self.compiled.messages()
    }

    /// The enums the file defines: top-level ones, then those nested in each message.
    pub fn enums(&self) -> Vec<EnumDescriptor> {
        let mut out: Vec<EnumDescriptor> =
            self.root().map(|r| r.enums().collect()).unwrap_or_default();
        for message in self.messages() {
            out.extend(message.child_enums());
        }
        out
    }

    /// Where the definition at source-info `path` of the file is written.
    pub fn location(&self, path: &[i32]) -> Location {
        match self.root() {
            Some(root) => source_location(&self.schema.file, root.file_descriptor_proto(), path),
            None => Location::file_start(&self.schema.file),
        }
    }

    /// The finding's subject: the event that uses the file.
    pub fn subject(&self) -> Subject {
        Subject::Event(self.event.name.value.clone())
    }
}

/// Source-info path of a definition's name: its path, then field 1 (`name`) of its descriptor.
pub fn name_path(path: &[i32]) -> Vec<i32> {
    let mut out = path.to_vec();
    out.push(1);
    out
}

impl<'a> Context<'a> {
    /// Every valid Protobuf payload schema of the catalog's events, once each (events sharing a
    /// file yield it for the first of them).
    pub fn protobuf_files(&self) -> Vec<ProtoFile<'a>> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for event in &self.catalog.events {
            let Some(id) = event.schema.as_ref().and_then(|s| s.id) else {
                continue;
            };
            let Some(schema) = self.schema(event) else {
                continue;
            };
            if schema.format != SchemaFormat::Protobuf || !seen.insert(id) {
                continue;
            }
            if let Some(compiled) = schema.protobuf.as_ref() {
                out.push(ProtoFile {
                    event,
                    schema,
                    compiled,
                });
            }
        }
        out
    }
}

/// The Protobuf message a baseline declared as an event's payload, for rules that compare a
/// message with its earlier form (PROTO_REMOVED_FIELD_RESERVED). `contrail check --against`
/// fills these; plain `contrail lint` has none.
#[derive(Debug, Clone)]
pub struct BaselineMessage {
    /// The event, by name.
    pub event: String,
    /// The baseline, for messages (`git:main`, a directory, a registry URL).
    pub baseline: String,
    /// The event's payload message in the baseline, with the file that defines it.
    pub message: MessageDescriptor,
}

/// The Protobuf payload message of every event of a baseline catalog (a git ref or directory
/// loaded as a catalog), named `label` in messages. Events whose baseline schema is not
/// Protobuf, or did not compile, have none.
pub fn baseline_messages(label: &str, baseline: &Catalog) -> Vec<BaselineMessage> {
    baseline
        .events
        .iter()
        .filter_map(|event| {
            let Payload::Protobuf(message) = Payload::of(baseline, event.schema.as_ref()?)? else {
                return None;
            };
            Some(BaselineMessage {
                event: event.name.value.clone(),
                baseline: label.to_owned(),
                message,
            })
        })
        .collect()
}
