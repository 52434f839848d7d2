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
        self.root()
            .map(|root| file_messages(&root))
            .unwrap_or_default()
    }

    /// Where in the root file (shown as `file`) the element a names path leads to: messages,
    /// then nested messages, enums, fields, oneofs or enum values by name
    /// (`/OrderPlaced/Item/sku`, as compatibility findings name places). The name of the
    /// deepest element found, or `None` when not even the first name is in the file.
    pub fn locate(&self, names: &str, file: &Path) -> Option<Location> {
        locate_in_descriptor(self.root()?.file_descriptor_proto(), names, file)
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

/// The messages `file` defines, nested ones after their parent (map entries left out), in
/// source order.
pub fn file_messages(file: &FileDescriptor) -> Vec<MessageDescriptor> {
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
    for message in file.messages() {
        walk(message, &mut out);
    }
    out
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
    open: impl FnMut(&str, &Path) -> Option<ProtoSource>,
) -> Result<Compiled, Vec<CompileError>> {
    let compiler = compiler(root_name, root, open, true)?;
    Ok(Compiled {
        pool: compiler.descriptor_pool(),
        root: root_name.to_owned(),
    })
}

/// As [`compile`], only the descriptors (the root's imports first), without source info:
/// what a comparison of many versions needs, at less cost.
pub fn compile_descriptors(
    root_name: &str,
    root: ProtoSource,
    open: impl FnMut(&str, &Path) -> Option<ProtoSource>,
) -> Result<prost_types::FileDescriptorSet, Vec<CompileError>> {
    Ok(compiler(root_name, root, open, false)?.file_descriptor_set())
}

/// The protox compiler that has compiled `root` with its imports ([`compile`]).
fn compiler(
    root_name: &str,
    root: ProtoSource,
    mut open: impl FnMut(&str, &Path) -> Option<ProtoSource>,
    source_info: bool,
) -> Result<protox::Compiler, Vec<CompileError>> {
    let google = GoogleFileResolver::new();
    let mut files: BTreeMap<String, (ProtoSource, prost_types::FileDescriptorProto)> =
        BTreeMap::new();
    let mut errors = Vec::new();
    // The files given as compiled descriptors rather than text, serialized, so that what the
    // descriptor types do not model (custom options) reaches protox too.
    let mut descriptors: HashMap<String, Vec<u8>> = HashMap::new();
    let mut pending = vec![(root_name.to_owned(), root)];
    while let Some((name, source)) = pending.pop() {
        if files.contains_key(&name) {
            continue;
        }
        let parsed: Result<_, protox_parse::ParseError> = protox_parse::parse(&name, &source.text)
            .or_else(|error| {
                let Some((bytes, mut descriptor)) = serialized_descriptor_bytes(&source.text)
                else {
                    return Err(error);
                };
                // Imports name the file by the name it is given here, whatever it was
                // compiled as.
                descriptor.name = Some(name.clone());
                descriptors.insert(name.clone(), renamed(bytes, &name));
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
    let mut sources: HashMap<String, ProtoSource> = HashMap::new();
    let mut parsed: HashMap<String, prost_types::FileDescriptorProto> = HashMap::new();
    for (name, (source, descriptor)) in files {
        if !descriptors.contains_key(&name) {
            parsed.insert(name.clone(), descriptor);
        }
        sources.insert(name, source);
    }
    // Building the well-known types' resolver decodes all of them: once per compile.
    let resolve = |parsed: Option<HashMap<String, prost_types::FileDescriptorProto>>,
                   google: GoogleFileResolver| {
        let mut resolver = ChainFileResolver::new();
        resolver.add(Parsed {
            root: root_name.to_owned(),
            sources: sources.clone(),
            parsed,
            descriptors: descriptors.clone(),
        });
        resolver.add(google);
        let mut compiler = protox::Compiler::with_file_resolver(resolver);
        compiler
            .include_imports(true)
            .include_source_info(source_info);
        compiler.open_file(root_name)?;
        Ok::<_, protox::Error>(compiler)
    };
    // The files as parsed above: compiling them again from their text would parse each a
    // second time, which a long history of schemas pays for on every version.
    match resolve(Some(parsed), google) {
        Ok(compiler) => Ok(compiler),
        // Only protox's own parse of the text gives its errors spans in the text: the
        // files are compiled once more, from their text, to say where.
        Err(error) => {
            let error = resolve(None, GoogleFileResolver::new())
                .err()
                .unwrap_or(error);
            Err(vec![resolution_error(&error, &sources, root_name)])
        }
    }
}

/// The files [`compile`] read, handed to protox by import name.
struct Parsed {
    /// The root's name, which may be any path (an absolute one, a temporary directory's):
    /// protox takes only relative paths as file names unless a resolver claims them.
    root: String,
    sources: HashMap<String, ProtoSource>,
    /// The text files as [`compile`] parsed them, by import name; `None` to have protox parse
    /// the text again (for errors with spans in it).
    parsed: Option<HashMap<String, prost_types::FileDescriptorProto>>,
    /// Those given as compiled descriptors (serialized, named as imported), by import name.
    descriptors: HashMap<String, Vec<u8>>,
}

impl FileResolver for Parsed {
    fn resolve_path(&self, path: &Path) -> Option<String> {
        (path.to_str() == Some(self.root.as_str())).then(|| self.root.clone())
    }

    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        if let Some(bytes) = self.descriptors.get(name) {
            return File::decode_file_descriptor_proto(bytes.as_slice()).map_err(|e| {
                protox::Error::new(std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            });
        }
        if let Some(descriptor) = self.parsed.as_ref().and_then(|p| p.get(name)) {
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

/// A serialized `FileDescriptorProto` named `name`: a second `name` field (1,
/// length-delimited) after the first replaces it when decoded, and the rest of the bytes,
/// unknown fields included, stay as they were.
fn renamed(mut bytes: Vec<u8>, name: &str) -> Vec<u8> {
    bytes.push(0x0a);
    let mut length = name.len();
    while length >= 0x80 {
        bytes.push(u8::try_from(length & 0x7f).unwrap_or(0) | 0x80);
        length >>= 7;
    }
    bytes.push(u8::try_from(length).unwrap_or(0));
    bytes.extend_from_slice(name.as_bytes());
    bytes
}

/// The `FileDescriptorProto` a text holds when it is one serialized in standard base64 (blanks
/// around it allowed) and names its file: how Confluent's serializers register a Protobuf
/// schema. `None` for anything else, `.proto` source included.
pub fn serialized_descriptor(text: &str) -> Option<prost_types::FileDescriptorProto> {
    serialized_descriptor_bytes(text).map(|(_, descriptor)| descriptor)
}

/// [`serialized_descriptor`] with the decoded bytes, for callers that keep what the descriptor
/// types do not model (custom options' unknown fields). The name must be set: every compiler
/// sets it, and it keeps a stray base64-looking word from passing as a schema (decoding skips
/// unknown fields, so many byte strings decode).
pub fn serialized_descriptor_bytes(
    text: &str,
) -> Option<(Vec<u8>, prost_types::FileDescriptorProto)> {
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
        .then_some((bytes, descriptor))
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
    let index = i32::try_from(index).unwrap_or(i32::MAX);
    source_location(&source.path, descriptor, &[3, index])
}

/// The comment written right before the definition at `path` of a file's descriptor (its
/// source info's leading comment, `//` and `/* */` markers removed), when there is one.
pub fn leading_comment<'d>(
    descriptor: &'d prost_types::FileDescriptorProto,
    path: &[i32],
) -> Option<&'d str> {
    descriptor
        .source_code_info
        .as_ref()?
        .location
        .iter()
        .find(|l| l.path == path)?
        .leading_comments
        .as_deref()
        .filter(|c| !c.trim().is_empty())
}

/// Where the definition at `path` of a file's descriptor is written in `file`, from the
/// descriptor's source info: `path` is as in `SourceCodeInfo` (`[4, 0]` the first message,
/// `[4, 0, 2, 1, 1]` the name of its second field), as `prost_reflect` descriptors' `path()`
/// give it. The file's start when the descriptor carries no source info for it (one built
/// without, or from a registry's descriptor set).
pub fn source_location(
    file: &Path,
    descriptor: &prost_types::FileDescriptorProto,
    path: &[i32],
) -> Location {
    descriptor
        .source_code_info
        .as_ref()
        .and_then(|info| info.location.iter().find(|l| l.path == path))
        .and_then(|l| span_of_source_info(&l.span, file))
        .unwrap_or_else(|| Location::file_start(file))
}

/// [`Compiled::locate`] for a `.proto` text that need not compile (its imports may be
/// elsewhere): parsing alone gives the positions. `None` when it does not parse.
pub fn locate_in_text(text: &str, names: &str, file: &Path) -> Option<Location> {
    let descriptor = protox_parse::parse("located.proto", text).ok()?;
    locate_in_descriptor(&descriptor, names, file)
}

/// Where a names path leads in a parsed file with source info; see [`Compiled::locate`].
fn locate_in_descriptor(
    descriptor: &prost_types::FileDescriptorProto,
    names: &str,
    file: &Path,
) -> Option<Location> {
    let path = source_info_path(descriptor, names);
    if path.is_empty() {
        return None;
    }
    let locations = &descriptor.source_code_info.as_ref()?.location;
    let span_of = |wanted: &[i32]| {
        locations
            .iter()
            .find(|l| l.path == wanted)
            .map(|l| l.span.clone())
    };
    // The element's name (field 1 of every descriptor named here), else the whole element.
    let mut name_path = path.clone();
    name_path.push(1);
    let span = span_of(&name_path).or_else(|| span_of(&path))?;
    span_of_source_info(&span, file)
}

/// A source info span, 0-based `[line, column, end column]` or `[line, column, end line, end
/// column]`, as a location in `file`.
fn span_of_source_info(span: &[i32], file: &Path) -> Option<Location> {
    let position = |line: i32, column: i32| Position {
        line: u32::try_from(line).unwrap_or(0) + 1,
        column: u32::try_from(column).unwrap_or(0) + 1,
    };
    let (start, end) = match *span {
        [line, column, end_column] => (position(line, column), position(line, end_column)),
        [line, column, end_line, end_column] => {
            (position(line, column), position(end_line, end_column))
        }
        _ => return None,
    };
    Some(Location {
        file: file.to_path_buf(),
        start,
        end,
    })
}

/// The source info path of the element a names path (`/OrderPlaced/Item/sku`: messages, then a
/// nested message, enum, field, oneof or enum value) leads to in `file`, as far as the names
/// match: a name the file lacks stops the walk at the element that holds it.
fn source_info_path(file: &prost_types::FileDescriptorProto, names: &str) -> Vec<i32> {
    // Field numbers of the descriptor messages: FileDescriptorProto.message_type = 4,
    // .enum_type = 5; DescriptorProto.field = 2, .nested_type = 3, .enum_type = 4,
    // .oneof_decl = 8; EnumDescriptorProto.value = 2.
    #[derive(Clone, Copy)]
    enum Scope<'a> {
        File,
        Message(&'a prost_types::DescriptorProto),
        /// A oneof of the message whose path is `message_path`: its members are that
        /// message's fields.
        Oneof(&'a prost_types::DescriptorProto, usize),
        Enum(&'a prost_types::EnumDescriptorProto),
        Leaf,
    }
    fn index(position: usize) -> i32 {
        i32::try_from(position).unwrap_or(i32::MAX)
    }
    let mut path: Vec<i32> = Vec::new();
    let mut scope = Scope::File;
    for name in names.split('/').filter(|n| !n.is_empty()) {
        let (base, step) = match scope {
            Scope::File => (
                path.len(),
                file.message_type
                    .iter()
                    .position(|m| m.name() == name)
                    .map(|i| ([4, index(i)], Scope::Message(&file.message_type[i])))
                    .or_else(|| {
                        file.enum_type
                            .iter()
                            .position(|e| e.name() == name)
                            .map(|i| ([5, index(i)], Scope::Enum(&file.enum_type[i])))
                    }),
            ),
            Scope::Message(message) => {
                let base = path.len();
                let nested = message.nested_type.iter().position(|m| m.name() == name);
                let enumeration = message.enum_type.iter().position(|e| e.name() == name);
                let field = message.field.iter().position(|f| f.name() == name);
                let oneof = message.oneof_decl.iter().position(|o| o.name() == name);
                let step = if let Some(i) = nested {
                    Some(([3, index(i)], Scope::Message(&message.nested_type[i])))
                } else if let Some(i) = enumeration {
                    Some(([4, index(i)], Scope::Enum(&message.enum_type[i])))
                } else if let Some(i) = field {
                    Some(([2, index(i)], Scope::Leaf))
                } else {
                    oneof.map(|i| ([8, index(i)], Scope::Oneof(message, base)))
                };
                (base, step)
            }
            Scope::Oneof(message, message_path) => (
                message_path,
                message
                    .field
                    .iter()
                    .position(|f| f.name() == name)
                    .map(|i| ([2, index(i)], Scope::Leaf)),
            ),
            Scope::Enum(e) => (
                path.len(),
                e.value
                    .iter()
                    .position(|v| v.name() == name)
                    .map(|i| ([2, index(i)], Scope::Leaf)),
            ),
            Scope::Leaf => (path.len(), None),
        };
        let Some((segment, next)) = step else {
            break;
        };
        path.truncate(base);
        path.extend(segment);
        scope = next;
    }
    path
}
