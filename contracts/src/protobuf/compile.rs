//! `.proto` source to descriptors, without protoc: protox parses and checks, the caller says
//! where imported files are (catalog files, registry references), the well-known types
//! (`google/protobuf/*.proto`) come embedded in protox.
//!
//! A file's text may also be a compiled `FileDescriptorProto` in standard base64
//! ([`serialized_descriptor`]): what Confluent's serializers (confluent-kafka for Python among
//! them) register as a Protobuf schema, so a registry may hand back either form.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use prost_reflect::{DescriptorPool, FileDescriptor, MessageDescriptor};
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};

use crate::diagnostic::{Location, Position};

/// One `.proto` file's text (or a base64 `FileDescriptorProto`, see [`serialized_descriptor`])
/// and where it came from (for the locations of errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoSource {
    pub path: PathBuf,
    pub text: String,
}

/// What kind of mistake keeps a `.proto` file from compiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is not Protobuf syntax.
    Syntax,
    /// An `import` names a file that is neither given nor a well-known type.
    ImportNotFound,
    /// The files parse but do not make a valid set of definitions: an unknown type, a
    /// duplicate name or field number, an import cycle.
    Invalid,
}

/// Why a `.proto` file does not compile, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}:{}: {message}", location.file.display(), location.start.line, location.start.column)]
pub struct CompileError {
    pub kind: ErrorKind,
    pub location: Location,
    /// protox's message.
    pub message: String,
}

/// A compiled `.proto` file with everything it imports.
#[derive(Debug, Clone)]
pub struct Compiled {
    pool: DescriptorPool,
    root: String,
}

impl Compiled {
    /// Every file compiled: the root, what it imports, and the well-known types used.
    pub fn pool(&self) -> &DescriptorPool {
        &self.pool
    }

    /// The file compiled, as protox named it.
    pub fn root(&self) -> Option<FileDescriptor> {
        self.pool.get_file_by_name(&self.root)
    }

    /// The root and its imports as descriptors, each file after the files it imports (the
    /// form registries and `protoc --descriptor_set_out --include_imports` use).
    pub fn file_descriptor_set(&self) -> prost_types::FileDescriptorSet {
        prost_types::FileDescriptorSet {
            file: self
                .pool
                .files()
                .map(|f| f.file_descriptor_proto().clone())
                .collect(),
        }
    }

    /// The messages the root file defines, nested ones after their parent, in source order.
    pub fn messages(&self) -> Vec<MessageDescriptor> {
        fn walk(message: MessageDescriptor, out: &mut Vec<MessageDescriptor>) {
            let nested: Vec<MessageDescriptor> = message
                .child_messages()
                .filter(|m| !m.is_map_entry())
                .collect();
            out.push(message);
            for child in nested {
                walk(child, out);
            }
        }
        let mut out = Vec::new();
        if let Some(root) = self.root() {
            for message in root.messages() {
                walk(message, &mut out);
            }
        }
        out
    }

    /// The message an event names (its full name, a leading `.` allowed), or the root file's
    /// first top-level message when it names none. `None` when there is no such message.
    pub fn message(&self, name: Option<&str>) -> Option<MessageDescriptor> {
        match name {
            Some(name) => {
                let name = name.trim().trim_start_matches('.');
                self.messages().into_iter().find(|m| m.full_name() == name)
            }
            None => self.root()?.messages().next(),
        }
    }
}

/// Compiles `root` (named `root_name`, as an `import` of it would be written) with the files
/// it imports. `open(import, importer)` returns the file an `import` statement of the file at
/// `importer` names, or `None` when there is none; `google/protobuf/*.proto` never reaches it.
///
/// Every syntax error and missing import of every file reached is returned; resolution
/// (type names, field numbers) runs only when those are clean and stops at its first error.
pub fn compile(
    root_name: &str,
    root: ProtoSource,
    mut open: impl FnMut(&str, &Path) -> Option<ProtoSource>,
) -> Result<Compiled, Vec<CompileError>> {
    let google = GoogleFileResolver::new();
    let mut files: BTreeMap<String, (ProtoSource, prost_types::FileDescriptorProto)> =
        BTreeMap::new();
    let mut errors = Vec::new();
    // The files given as compiled descriptors rather than text.
    let mut descriptors: HashMap<String, prost_types::FileDescriptorProto> = HashMap::new();
    let mut pending = vec![(root_name.to_owned(), root)];
    while let Some((name, source)) = pending.pop() {
        if files.contains_key(&name) {
            continue;
        }
        let parsed: Result<_, protox_parse::ParseError> = protox_parse::parse(&name, &source.text)
            .or_else(|error| {
                let Some(mut descriptor) = serialized_descriptor(&source.text) else {
                    return Err(error);
                };
                // Imports name the file by the name it is given here, whatever it was
                // compiled as.
                descriptor.name = Some(name.clone());
                descriptors.insert(name.clone(), descriptor.clone());
                Ok(descriptor)
            });
        let descriptor = match parsed {
            Ok(descriptor) => descriptor,
            Err(error) => {
                let span = error.span().unwrap_or(0..0);
                errors.push(CompileError {
                    kind: ErrorKind::Syntax,
                    location: span_location(&source, span.start, span.end),
                    message: error.to_string(),
                });
                continue;
            }
        };
        for (index, import) in descriptor.dependency.iter().enumerate() {
            if files.contains_key(import)
                || pending.iter().any(|(n, _)| n == import)
                || google.open_file(import).is_ok()
            {
                continue;
            }
            match open(import, &source.path) {
                Some(found) => pending.push((import.clone(), found)),
                None => errors.push(CompileError {
                    kind: ErrorKind::ImportNotFound,
                    location: import_location(&source, &descriptor, index),
                    message: format!("import '{import}' not found"),
                }),
            }
        }
        files.insert(name, (source, descriptor));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let sources: HashMap<String, ProtoSource> = files
        .into_iter()
        .map(|(name, (source, _))| (name, source))
        .collect();
    let mut resolver = ChainFileResolver::new();
    resolver.add(Parsed {
        sources: sources.clone(),
        descriptors,
    });
    resolver.add(google);
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true).include_source_info(true);
    match compiler.open_file(root_name) {
        Ok(_) => Ok(Compiled {
            pool: compiler.descriptor_pool(),
            root: root_name.to_owned(),
        }),
        Err(error) => Err(vec![resolution_error(&error, &sources, root_name)]),
    }
}

/// The files [`compile`] read, handed to protox by import name.
struct Parsed {
    sources: HashMap<String, ProtoSource>,
    /// Those given as compiled descriptors, by import name.
    descriptors: HashMap<String, prost_types::FileDescriptorProto>,
}

impl FileResolver for Parsed {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        if let Some(descriptor) = self.descriptors.get(name) {
            return Ok(File::from_file_descriptor_proto(descriptor.clone()));
        }
        let source = self
            .sources
            .get(name)
            .ok_or_else(|| protox::Error::file_not_found(name))?;
        // From the source rather than the descriptor parsed already, so that protox's errors
        // carry spans into the text.
        File::from_source(name, &source.text)
    }
}

/// The `FileDescriptorProto` a text holds when it is one serialized in standard base64 (blanks
/// around it allowed) and names its file: how Confluent's serializers register a Protobuf
/// schema. `None` for anything else, `.proto` source included.
pub fn serialized_descriptor(text: &str) -> Option<prost_types::FileDescriptorProto> {
    use base64::Engine;
    use prost_reflect::prost::Message;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()?;
    let descriptor = prost_types::FileDescriptorProto::decode(bytes.as_slice()).ok()?;
    descriptor
        .name
        .as_ref()
        .is_some_and(|name| !name.is_empty())
        .then_some(descriptor)
}

/// Where protox's resolution error points: the first labelled span in the file it names, or
/// that file's start.
fn resolution_error(
    error: &protox::Error,
    sources: &HashMap<String, ProtoSource>,
    root_name: &str,
) -> CompileError {
    use miette::Diagnostic as _;
    let name = error.file().unwrap_or(root_name);
    let source = sources.get(name).or_else(|| sources.get(root_name));
    let span = error
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| (label.offset(), label.offset() + label.len()));
    let location = match (source, span) {
        (Some(source), Some((start, end))) => span_location(source, start, end),
        (Some(source), None) => Location::file_start(&source.path),
        (None, _) => Location::file_start(name),
    };
    CompileError {
        kind: ErrorKind::Invalid,
        location,
        message: error.to_string(),
    }
}

fn span_location(source: &ProtoSource, start: usize, end: usize) -> Location {
    Location {
        file: source.path.clone(),
        start: Position::of_byte_offset(&source.text, start),
        end: Position::of_byte_offset(&source.text, end),
    }
}

/// The `import` statement number `index` of a parsed file, from its source info (path
/// `[3, index]`: field 3 of `FileDescriptorProto` is `dependency`).
fn import_location(
    source: &ProtoSource,
    descriptor: &prost_types::FileDescriptorProto,
    index: usize,
) -> Location {
    let span = descriptor.source_code_info.as_ref().and_then(|info| {
        info.location
            .iter()
            .find(|l| l.path.len() == 2 && l.path[0] == 3 && l.path[1] as usize == index)
            .map(|l| l.span.clone())
    });
    // Source info spans are 0-based [line, column, end column] or [line, column, end line,
    // end column].
    let position = |line: i32, column: i32| Position {
        line: u32::try_from(line).unwrap_or(0) + 1,
        column: u32::try_from(column).unwrap_or(0) + 1,
    };
    match span.as_deref() {
        Some(&[line, column, end_column]) => Location {
            file: source.path.clone(),
            start: position(line, column),
            end: position(line, end_column),
        },
        Some(&[line, column, end_line, end_column]) => Location {
            file: source.path.clone(),
            start: position(line, column),
            end: position(end_line, end_column),
        },
        _ => Location::file_start(&source.path),
    }
}
