//! From `.proto` text to the form the diff compares: protox compiles the root file with its
//! imports into descriptors, and this module flattens them into messages, enums and fields with
//! every type name resolved.
//!
//! Confluent diffs parsed source; descriptors differ from source in three places this module
//! undoes: proto3 `optional` fields sit in synthetic oneofs (dropped here, the field keeps the
//! `optional` label), `map<K, V>` fields are repeated `…Entry` messages (turned back into maps,
//! and the entry messages hidden), and labels are explicit everywhere (a proto3 field written
//! without a label, and a oneof member, get none, as in source).

use std::collections::HashMap;

use prost_types::field_descriptor_proto::{Label as DescriptorLabel, Type};
use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto, FileDescriptorSet};

/// A `.proto` file that could not be compiled (syntax error, unresolved import or type).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CompileError(pub String);

/// A file to compile, named as imported.
fn source(name: &str, text: String) -> crate::protobuf::ProtoSource {
    crate::protobuf::ProtoSource {
        path: std::path::PathBuf::from(name),
        text,
    }
}

/// The compiler's errors as one.
fn joined(errors: Vec<crate::protobuf::CompileError>) -> CompileError {
    CompileError(
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// The label a field carries in source; `None` for a proto3 field written without one, a
/// oneof member and a map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Optional,
    Required,
    Repeated,
}

/// A field's type with named types resolved to their full names (no leading dot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    /// `int32`, `string`, ... as spelled in source.
    Scalar(&'static str),
    Enum(String),
    Message(String),
    Map(Box<FieldType>, Box<FieldType>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub number: i32,
    pub label: Option<Label>,
    pub ty: FieldType,
    /// The real oneof (not a proto3 `optional`'s synthetic one) the field belongs to.
    pub oneof: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub name: String,
    /// Fields in source order.
    pub fields: Vec<Field>,
    /// Real oneofs in source order.
    pub oneofs: Vec<String>,
    /// Nested messages (map entries excluded) and enums, in source order: indexes into
    /// [`ProtoSchema::messages`] and [`ProtoSchema::enums`].
    pub messages: Vec<usize>,
    pub enums: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enum {
    pub name: String,
    /// (name, number) in source order.
    pub values: Vec<(String, i32)>,
}

/// Where a named type is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeInfo {
    /// Index into [`ProtoSchema::files`].
    pub file: usize,
    /// The declaring file's package (empty when it has none).
    pub package: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    Message(usize),
    Enum(usize),
}

/// A compiled Protobuf schema: the root file, compared as a whole, and the files it imports,
/// which only resolve named types.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtoSchema {
    /// Every file, imports first (descriptors without source info).
    pub files: Vec<FileDescriptorProto>,
    /// Index of the root file in `files`.
    pub root: usize,
    /// The root file's package, `None` when it declares none.
    pub package: Option<String>,
    /// The root file's top-level messages and enums, in source order.
    pub top_messages: Vec<usize>,
    pub top_enums: Vec<usize>,
    pub messages: Vec<Message>,
    pub enums: Vec<Enum>,
    /// Every named type of every file by full name (no leading dot).
    pub types: HashMap<String, TypeInfo>,
}

impl ProtoSchema {
    /// The index of the message with full name `name` (no leading dot), in any file.
    pub fn message_named(&self, name: &str) -> Option<usize> {
        match self.types.get(name)?.kind {
            TypeKind::Message(index) => Some(index),
            TypeKind::Enum(_) => None,
        }
    }

    /// The index of the enum with full name `name` (no leading dot), in any file.
    pub fn enum_named(&self, name: &str) -> Option<usize> {
        match self.types.get(name)?.kind {
            TypeKind::Enum(index) => Some(index),
            TypeKind::Message(_) => None,
        }
    }

    /// Whether two compiled versions define the same things: the same root file (its name
    /// aside, so a copy of the file elsewhere is the same schema) and the same types, imports
    /// included. Comments and layout are not compared: descriptors carry no source info here.
    pub fn same_definitions(&self, other: &ProtoSchema) -> bool {
        let unnamed = |schema: &ProtoSchema| {
            schema
                .files
                .get(schema.root)
                .map(|root| FileDescriptorProto {
                    name: None,
                    ..root.clone()
                })
        };
        self.package == other.package
            && self.top_messages == other.top_messages
            && self.top_enums == other.top_enums
            && self.messages == other.messages
            && self.enums == other.enums
            && unnamed(self) == unnamed(other)
    }

    /// Compiles `root` and what it imports: `sources` maps import names (`shop/money.proto`)
    /// to their text; `google/protobuf/*.proto` resolve without being given.
    pub fn compile(
        root: &str,
        root_source: &str,
        sources: &HashMap<String, String>,
    ) -> Result<ProtoSchema, CompileError> {
        let sources = sources.clone();
        ProtoSchema::compile_with(root, root_source, move |name| sources.get(name).cloned())
    }

    /// Compiles `root`, asking `open` for the text of each file it imports by import name
    /// (a directory, a git tree, a registry's references); the well-known
    /// `google/protobuf/*.proto` files are built in. A text may also be a base64
    /// `FileDescriptorProto` (what Confluent's serializers register).
    pub fn compile_with(
        root: &str,
        root_source: &str,
        open: impl Fn(&str) -> Option<String>,
    ) -> Result<ProtoSchema, CompileError> {
        let set = crate::protobuf::compile_descriptors(
            root,
            source(root, root_source.to_owned()),
            |import, _| open(import).map(|text| source(import, text)),
        )
        .map_err(joined)?;
        ProtoSchema::from_descriptors(set, root)
    }

    /// As [`ProtoSchema::compile_with`], also returning the compiled files as a descriptor
    /// pool (with extension options), to print or serialize the root file. The compiling is
    /// [`crate::protobuf::compile`]'s, the one the catalog loader uses.
    pub fn compile_with_pool(
        root: &str,
        root_source: &str,
        open: impl Fn(&str) -> Option<String>,
    ) -> Result<(ProtoSchema, prost_reflect::DescriptorPool), CompileError> {
        let compiled =
            crate::protobuf::compile(root, source(root, root_source.to_owned()), |import, _| {
                open(import).map(|text| source(import, text))
            })
            .map_err(joined)?;
        let schema = ProtoSchema::from_descriptors(compiled.file_descriptor_set(), root)?;
        Ok((schema, compiled.pool().clone()))
    }

    /// Builds the comparable form from compiled descriptors (dependencies included) whose file
    /// `root` is the schema.
    pub fn from_descriptors(
        set: FileDescriptorSet,
        root: &str,
    ) -> Result<ProtoSchema, CompileError> {
        let root_index = set
            .file
            .iter()
            .position(|f| f.name() == root)
            .ok_or_else(|| CompileError(format!("{root} is not among the compiled files")))?;
        let mut schema = ProtoSchema {
            files: Vec::new(),
            root: root_index,
            package: set.file[root_index]
                .package
                .clone()
                .filter(|p| !p.is_empty()),
            top_messages: Vec::new(),
            top_enums: Vec::new(),
            messages: Vec::new(),
            enums: Vec::new(),
            types: HashMap::new(),
        };
        // Map entries first: a field's type is a map only if its message is one.
        let mut map_entries: HashMap<String, (FieldType, FieldType)> = HashMap::new();
        for file in &set.file {
            collect_map_entries(&mut map_entries, file.package(), &file.message_type);
        }
        for (index, file) in set.file.iter().enumerate() {
            let mut builder = Builder {
                schema: &mut schema,
                file: index,
                package: file.package(),
                proto3: file.syntax() == "proto3" || file.syntax() == "editions",
                map_entries: &map_entries,
            };
            let (messages, enums) =
                builder.types(&prefix(file.package()), &file.message_type, &file.enum_type);
            if index == root_index {
                schema.top_messages = messages;
                schema.top_enums = enums;
            }
        }
        schema.files = set.file;
        for file in &mut schema.files {
            file.source_code_info = None;
        }
        Ok(schema)
    }

    /// The local name of a type: its full name without its file's package (`outer.Home` for
    /// `io.demo.outer.Home`).
    pub(super) fn local_name<'a>(&self, full_name: &'a str) -> &'a str {
        match self.types.get(full_name) {
            Some(info) if !info.package.is_empty() => full_name
                .strip_prefix(info.package.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .unwrap_or(full_name),
            _ => full_name,
        }
    }
}

fn prefix(package: &str) -> String {
    if package.is_empty() {
        String::new()
    } else {
        format!("{package}.")
    }
}

fn collect_map_entries(
    into: &mut HashMap<String, (FieldType, FieldType)>,
    scope: &str,
    messages: &[DescriptorProto],
) {
    for message in messages {
        let full = if scope.is_empty() {
            message.name().to_owned()
        } else {
            format!("{scope}.{}", message.name())
        };
        let is_entry = message.options.as_ref().is_some_and(|o| o.map_entry());
        if is_entry {
            let by_number = |n: i32| {
                message
                    .field
                    .iter()
                    .find(|f| f.number() == n)
                    .map(plain_type)
            };
            if let (Some(key), Some(value)) = (by_number(1), by_number(2)) {
                into.insert(full.clone(), (key, value));
            }
        }
        collect_map_entries(into, &full, &message.nested_type);
    }
}

/// A field's type, without looking at map entries.
fn plain_type(field: &prost_types::FieldDescriptorProto) -> FieldType {
    let name = field.type_name().trim_start_matches('.').to_owned();
    match field.r#type() {
        Type::Double => FieldType::Scalar("double"),
        Type::Float => FieldType::Scalar("float"),
        Type::Int64 => FieldType::Scalar("int64"),
        Type::Uint64 => FieldType::Scalar("uint64"),
        Type::Int32 => FieldType::Scalar("int32"),
        Type::Fixed64 => FieldType::Scalar("fixed64"),
        Type::Fixed32 => FieldType::Scalar("fixed32"),
        Type::Bool => FieldType::Scalar("bool"),
        Type::String => FieldType::Scalar("string"),
        Type::Bytes => FieldType::Scalar("bytes"),
        Type::Uint32 => FieldType::Scalar("uint32"),
        Type::Sfixed32 => FieldType::Scalar("sfixed32"),
        Type::Sfixed64 => FieldType::Scalar("sfixed64"),
        Type::Sint32 => FieldType::Scalar("sint32"),
        Type::Sint64 => FieldType::Scalar("sint64"),
        Type::Enum => FieldType::Enum(name),
        Type::Message | Type::Group => FieldType::Message(name),
    }
}

struct Builder<'a> {
    schema: &'a mut ProtoSchema,
    file: usize,
    package: &'a str,
    proto3: bool,
    map_entries: &'a HashMap<String, (FieldType, FieldType)>,
}

impl Builder<'_> {
    /// Adds the messages and enums declared in one scope (`prefix` ends with a dot or is
    /// empty) and returns their indexes, map entries left out.
    fn types(
        &mut self,
        prefix: &str,
        messages: &[DescriptorProto],
        enums: &[EnumDescriptorProto],
    ) -> (Vec<usize>, Vec<usize>) {
        let mut message_ids = Vec::new();
        for message in messages {
            if message.options.as_ref().is_some_and(|o| o.map_entry()) {
                continue;
            }
            message_ids.push(self.message(prefix, message));
        }
        let enum_ids = enums.iter().map(|e| self.enumeration(prefix, e)).collect();
        (message_ids, enum_ids)
    }

    fn message(&mut self, prefix: &str, message: &DescriptorProto) -> usize {
        let full = format!("{prefix}{}", message.name());
        let id = self.schema.messages.len();
        self.schema.messages.push(Message {
            name: message.name().to_owned(),
            fields: Vec::new(),
            oneofs: Vec::new(),
            messages: Vec::new(),
            enums: Vec::new(),
        });
        self.schema.types.insert(
            full.clone(),
            TypeInfo {
                file: self.file,
                package: self.package.to_owned(),
                kind: TypeKind::Message(id),
            },
        );
        // A oneof is synthetic when its members are proto3 `optional` fields.
        let synthetic = |index: i32| {
            message
                .field
                .iter()
                .any(|f| f.oneof_index == Some(index) && f.proto3_optional())
        };
        let oneofs: Vec<Option<String>> = message
            .oneof_decl
            .iter()
            .zip(0..)
            .map(|(o, i)| (!synthetic(i)).then(|| o.name().to_owned()))
            .collect();
        let fields = message
            .field
            .iter()
            .map(|f| {
                let oneof = f
                    .oneof_index
                    .filter(|_| !f.proto3_optional())
                    .and_then(|i| usize::try_from(i).ok())
                    .and_then(|i| oneofs.get(i).cloned().flatten());
                let ty = match plain_type(f) {
                    FieldType::Message(name) => match self.map_entries.get(&name) {
                        Some((k, v)) => FieldType::Map(Box::new(k.clone()), Box::new(v.clone())),
                        None => FieldType::Message(name),
                    },
                    other => other,
                };
                let label = if oneof.is_some() || matches!(ty, FieldType::Map(..)) {
                    None
                } else {
                    match f.label() {
                        DescriptorLabel::Repeated => Some(Label::Repeated),
                        DescriptorLabel::Required => Some(Label::Required),
                        DescriptorLabel::Optional if self.proto3 && !f.proto3_optional() => None,
                        DescriptorLabel::Optional => Some(Label::Optional),
                    }
                };
                Field {
                    name: f.name().to_owned(),
                    number: f.number(),
                    label,
                    ty,
                    oneof,
                }
            })
            .collect();
        let (messages, enums) = self.types(
            &format!("{full}."),
            &message.nested_type,
            &message.enum_type,
        );
        let entry = &mut self.schema.messages[id];
        entry.fields = fields;
        entry.oneofs = oneofs.into_iter().flatten().collect();
        entry.messages = messages;
        entry.enums = enums;
        id
    }

    fn enumeration(&mut self, prefix: &str, e: &EnumDescriptorProto) -> usize {
        let id = self.schema.enums.len();
        self.schema.enums.push(Enum {
            name: e.name().to_owned(),
            values: e
                .value
                .iter()
                .map(|v| (v.name().to_owned(), v.number()))
                .collect(),
        });
        self.schema.types.insert(
            format!("{prefix}{}", e.name()),
            TypeInfo {
                file: self.file,
                package: self.package.to_owned(),
                kind: TypeKind::Enum(id),
            },
        );
        id
    }
}
