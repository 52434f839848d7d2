//! A compiled `.proto` file written back as `.proto` text, laid out as Confluent Schema
//! Registry writes a Protobuf schema (`ProtobufSchemaUtils.toString` over the element
//! `ProtobufSchema.toProtoFile(FileDescriptorProto)` builds, Confluent 8.5): the text its
//! registry stores and returns for a schema registered as a base64 `FileDescriptorProto`.
//!
//! Layout: `syntax` (proto3 only when the descriptor names it), `package`, imports then public
//! imports, file options, every message then every enum, `extend` blocks, services. Inside a
//! message: reserved ranges and names, options, fields outside a oneof (proto3 `optional`
//! included), oneofs, extension ranges, `extend` blocks, nested messages then nested enums;
//! a blank line between those groups, none between two messages. Type names are the
//! descriptor's, fully qualified with a leading dot (`.shop.Money`). No comments (a
//! descriptor has none, and Confluent drops them from text too).
//!
//! Where Confluent's text would not compile back, this printer differs, so that what the
//! registry stores always compiles: a `map<K, V>` field is written as a map (Confluent writes
//! the entry message with `option map_entry = true`, which compilers refuse), a `bytes`
//! default is quoted, and `json_name` is written only when it differs from the name the
//! compiler derives (compilers disagree on whether to record the derived one). Not written:
//! the options of extension ranges (`declaration`, `verification`; the descriptor types in
//! use do not carry them), and a group is written as the message field it compiles to, as
//! Confluent writes it.
//!
//! [`Style::Normalized`] follows Confluent's `ProtobufSchemaUtils.toNormalizedString`
//! (`normalize=true`): fields, enum values, reserved and extension ranges, oneofs and imports
//! sorted, options sorted by name, option message keys sorted, single-element lists unwrapped,
//! numbers in options written without exponent (at most three decimals), and `syntax` written
//! for proto3 only.

use prost_reflect::{
    DynamicMessage, EnumDescriptor, ExtensionDescriptor, FieldDescriptor, FileDescriptor, Kind,
    MapKey, MessageDescriptor, ReflectMessage, ServiceDescriptor, Value,
};
use prost_types::field_descriptor_proto::{Label, Type};

/// Which of Confluent's two renderings to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The canonical string (`ProtobufSchema.canonicalString`).
    Canonical,
    /// The normalized string (`ProtobufSchema.normalize`).
    Normalized,
}

/// The `.proto` text of `file`, as Confluent's registry renders it.
pub fn to_proto_text(file: &FileDescriptor, style: Style) -> String {
    let printer = Printer {
        normalize: style == Style::Normalized,
    };
    printer.file(file)
}

/// The largest field number; a range ending there is written `to max`.
const MAX_TAG: i32 = 536_870_911;

struct Printer {
    normalize: bool,
}

/// One option as Confluent's `OptionElement`: a name (parenthesized for an extension) and
/// a value.
struct OptionEntry {
    name: String,
    parenthesized: bool,
    value: OptionValue,
}

enum OptionValue {
    /// A string (quoted and escaped when written).
    Text(String),
    /// A number, boolean or enum value name, written bare.
    Bare(String),
    /// A number that normalization reformats.
    Number(String),
    /// A message literal: keys (field names, `[extension]`) and values.
    Map(Vec<(String, OptionValue)>),
    List(Vec<OptionValue>),
}

/// `value` indented by two spaces per line, as Confluent's `appendIndented` (Java's
/// `split("\n")`: trailing empty lines dropped, inner empty lines indented too).
fn indented(out: &mut String, value: &str) {
    let mut lines: Vec<&str> = value.split('\n').collect();
    while lines.last() == Some(&"") {
        lines.pop();
    }
    for line in lines {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
}

/// A string literal's content escaped as Confluent's `escapeChars` does.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

/// The JSON name protoc derives from a field name (`ToJsonName`): underscores dropped, the
/// letter after one upper-cased.
fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn scalar_name(ty: Type) -> &'static str {
    match ty {
        Type::Double => "double",
        Type::Float => "float",
        Type::Int64 => "int64",
        Type::Uint64 => "uint64",
        Type::Int32 => "int32",
        Type::Fixed64 => "fixed64",
        Type::Fixed32 => "fixed32",
        Type::Bool => "bool",
        Type::String => "string",
        Type::Group => "group",
        Type::Message => "message",
        Type::Bytes => "bytes",
        Type::Uint32 => "uint32",
        Type::Enum => "enum",
        Type::Sfixed32 => "sfixed32",
        Type::Sfixed64 => "sfixed64",
        Type::Sint32 => "sint32",
        Type::Sint64 => "sint64",
    }
}

/// A field's type as a descriptor spells it: the type name when it has one, else the scalar.
fn data_type(field: &prost_types::FieldDescriptorProto) -> String {
    match &field.type_name {
        Some(name) if !name.is_empty() => name.clone(),
        _ => scalar_name(field.r#type()).to_owned(),
    }
}

/// A field number range `start..end` (`end` exclusive when `exclusive`) as Confluent writes
/// it: one number, or `start to end` (`max` for the largest field number).
fn range_text(start: i32, end: i32, exclusive: bool) -> String {
    let last = if exclusive { end - 1 } else { end };
    if start == last {
        return start.to_string();
    }
    if last < MAX_TAG {
        format!("{start} to {last}")
    } else {
        format!("{start} to max")
    }
}

/// A number written as Java's `DecimalFormat` (no grouping, at most three decimals) writes
/// it, as normalization does; text that is no number (`inf`, `nan`) is kept.
fn decimal_format(text: &str) -> String {
    if let Ok(integer) = text.parse::<i128>() {
        return integer.to_string();
    }
    match text.parse::<f64>() {
        Ok(number) if number.is_finite() => {
            let fixed = format!("{number:.3}");
            let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
            if trimmed == "-0" {
                "0".to_owned()
            } else {
                trimmed.to_owned()
            }
        }
        _ => text.to_owned(),
    }
}

impl Printer {
    fn file(&self, file: &FileDescriptor) -> String {
        let proto = file.file_descriptor_proto();
        let mut out = String::new();
        let syntax = proto.syntax.as_deref().unwrap_or("");
        if syntax == "proto3" || (!self.normalize && syntax == "proto2") {
            out.push_str(&format!("syntax = \"{syntax}\";\n"));
        }
        if let Some(package) = proto.package.as_deref().filter(|p| !p.is_empty()) {
            out.push_str(&format!("package {package};\n"));
        }
        let mut imports = Vec::new();
        let mut public = Vec::new();
        for (index, name) in proto.dependency.iter().enumerate() {
            let index = i32::try_from(index).unwrap_or(i32::MAX);
            if proto.public_dependency.contains(&index) {
                public.push(name.clone());
            } else if !proto.weak_dependency.contains(&index) {
                imports.push(name.clone());
            }
        }
        if !imports.is_empty() || !public.is_empty() {
            out.push('\n');
            if self.normalize {
                imports.sort();
                imports.dedup();
                public.sort();
                public.dedup();
            }
            for name in &imports {
                out.push_str(&format!("import \"{name}\";\n"));
            }
            for name in &public {
                out.push_str(&format!("import public \"{name}\";\n"));
            }
        }
        let options = self.options(&file.options(), FILE_OPTIONS);
        if !options.is_empty() {
            out.push('\n');
            for option in &options {
                out.push_str(&self.option_statement(option));
            }
        }
        let messages: Vec<MessageDescriptor> = file.messages().collect();
        let enums: Vec<EnumDescriptor> = file.enums().collect();
        if !messages.is_empty() || !enums.is_empty() {
            out.push('\n');
            for message in &messages {
                out.push_str(&self.message(message));
            }
            for enumeration in &enums {
                out.push_str(&self.enumeration(enumeration));
            }
        }
        let extends = self.extends(file.extensions().collect());
        if !extends.is_empty() {
            out.push('\n');
            out.push_str(&extends);
        }
        let services: Vec<ServiceDescriptor> = file.services().collect();
        if !services.is_empty() {
            out.push('\n');
            for service in &services {
                out.push_str(&self.service(service));
            }
        }
        out
    }

    fn message(&self, message: &MessageDescriptor) -> String {
        let proto = message.descriptor_proto();
        let mut out = format!("message {} {{", message.name());
        let reserved = self.reserved(
            proto
                .reserved_range
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
            &proto.reserved_name,
            true,
        );
        if !reserved.is_empty() {
            out.push('\n');
            for line in &reserved {
                indented(&mut out, line);
            }
        }
        let options = self.options(&message.options(), MESSAGE_OPTIONS);
        if !options.is_empty() {
            out.push('\n');
            for option in &options {
                indented(&mut out, &self.option_statement(option));
            }
        }
        // In declaration order (the descriptor's), which prost-reflect's `fields()` is not.
        let declared: Vec<FieldDescriptor> = proto
            .field
            .iter()
            .filter_map(|f| message.get_field_by_name(f.name()))
            .collect();
        let mut fields: Vec<FieldDescriptor> = declared
            .iter()
            .filter(|f| {
                f.containing_oneof().is_none() || f.field_descriptor_proto().proto3_optional()
            })
            .cloned()
            .collect();
        if !fields.is_empty() {
            out.push('\n');
            if self.normalize {
                fields.sort_by_key(FieldDescriptor::number);
            }
            for field in &fields {
                indented(&mut out, &self.field(field, false));
            }
        }
        let mut oneofs: Vec<(String, Vec<FieldDescriptor>)> = message
            .oneofs()
            .filter(|o| !o.is_synthetic())
            .map(|o| {
                let members = declared
                    .iter()
                    .filter(|f| f.containing_oneof().as_ref() == Some(&o))
                    .cloned()
                    .collect::<Vec<_>>();
                (o.name().to_owned(), members)
            })
            .filter(|(_, fields)| !fields.is_empty())
            .collect();
        if !oneofs.is_empty() {
            out.push('\n');
            if self.normalize {
                for (_, fields) in &mut oneofs {
                    fields.sort_by_key(FieldDescriptor::number);
                }
                oneofs.sort_by_key(|(_, fields)| fields.first().map(FieldDescriptor::number));
            }
            for (name, fields) in &oneofs {
                let mut block = format!("oneof {name} {{\n");
                for field in fields {
                    indented(&mut block, &self.field(field, true));
                }
                block.push_str("}\n");
                indented(&mut out, &block);
            }
        }
        let mut ranges: Vec<(i32, i32)> = proto
            .extension_range
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect();
        if !ranges.is_empty() {
            out.push('\n');
            if self.normalize {
                ranges.sort_by_key(|(start, _)| *start);
            }
            for (start, end) in &ranges {
                let line = format!("extensions {};\n", range_text(*start, *end, true));
                indented(&mut out, &line);
            }
        }
        let extends = self.extends(message.child_extensions().collect());
        if !extends.is_empty() {
            out.push('\n');
            indented(&mut out, &extends);
        }
        let nested: Vec<MessageDescriptor> = message
            .child_messages()
            .filter(|m| !m.is_map_entry())
            .collect();
        let enums: Vec<EnumDescriptor> = message.child_enums().collect();
        if !nested.is_empty() || !enums.is_empty() {
            out.push('\n');
            for child in &nested {
                indented(&mut out, &self.message(child));
            }
            for child in &enums {
                indented(&mut out, &self.enumeration(child));
            }
        }
        out.push_str("}\n");
        out
    }

    /// `reserved` lines: ranges (`end` exclusive for messages, inclusive for enums), then
    /// names; normalization writes one value a line, sorted by number, names last.
    fn reserved(&self, ranges: Vec<(i32, i32)>, names: &[String], exclusive: bool) -> Vec<String> {
        let mut values: Vec<(i64, String)> = ranges
            .into_iter()
            .map(|(start, end)| (i64::from(start), range_text(start, end, exclusive)))
            .collect();
        values.extend(
            names
                .iter()
                .map(|name| (i64::from(i32::MAX), format!("\"{name}\""))),
        );
        if self.normalize {
            values.sort();
        }
        values
            .into_iter()
            .map(|(_, value)| format!("reserved {value};\n"))
            .collect()
    }

    fn field(&self, field: &FieldDescriptor, in_oneof: bool) -> String {
        let proto = field.field_descriptor_proto();
        let syntax = field
            .parent_file()
            .file_descriptor_proto()
            .syntax()
            .to_owned();
        self.field_line(
            proto,
            &syntax,
            in_oneof,
            field.is_map().then(|| map_type(field)).flatten(),
            &field.options(),
        )
    }

    fn field_line(
        &self,
        proto: &prost_types::FieldDescriptorProto,
        syntax: &str,
        in_oneof: bool,
        map: Option<String>,
        options: &DynamicMessage,
    ) -> String {
        let mut out = String::new();
        let label = if map.is_some() || in_oneof {
            None
        } else if proto.proto3_optional() {
            Some("optional")
        } else {
            match proto.label() {
                Label::Repeated => Some("repeated"),
                Label::Required if syntax != "proto3" => Some("required"),
                Label::Optional if syntax != "proto3" => Some("optional"),
                _ => None,
            }
        };
        if let Some(label) = label {
            out.push_str(label);
            out.push(' ');
        }
        out.push_str(&map.unwrap_or_else(|| data_type(proto)));
        out.push_str(&format!(" {} = {}", proto.name(), proto.number()));
        let mut entries = self.options(options, FIELD_OPTIONS);
        if syntax != "proto3"
            && let Some(default) = &proto.default_value
        {
            let value = match proto.r#type() {
                Type::String => OptionValue::Text(default.clone()),
                // Already escaped in the descriptor: quoted as it is.
                Type::Bytes => OptionValue::Bare(format!("\"{default}\"")),
                Type::Bool | Type::Enum => OptionValue::Bare(default.clone()),
                _ => OptionValue::Number(default.clone()),
            };
            entries.push(OptionEntry {
                name: "default".to_owned(),
                parenthesized: false,
                value,
            });
        }
        if let Some(json_name) = &proto.json_name
            && *json_name != default_json_name(proto.name())
        {
            entries.push(OptionEntry {
                name: "json_name".to_owned(),
                parenthesized: false,
                value: OptionValue::Text(json_name.clone()),
            });
        }
        if self.normalize {
            entries.sort_by(|a, b| a.name.cmp(&b.name));
        }
        if !entries.is_empty() {
            out.push(' ');
            out.push_str(&self.bracketed(&entries));
        }
        out.push_str(";\n");
        out
    }

    /// `extend` blocks for extension fields, grouped by the message they extend (in the order
    /// first extended).
    fn extends(&self, extensions: Vec<ExtensionDescriptor>) -> String {
        let mut groups: Vec<(String, Vec<ExtensionDescriptor>)> = Vec::new();
        for extension in extensions {
            let extendee = extension.field_descriptor_proto().extendee().to_owned();
            match groups.iter_mut().find(|(name, _)| *name == extendee) {
                Some((_, fields)) => fields.push(extension),
                None => groups.push((extendee, vec![extension])),
            }
        }
        let mut out = String::new();
        for (extendee, mut fields) in groups {
            if self.normalize {
                fields.sort_by_key(ExtensionDescriptor::number);
            }
            out.push_str(&format!("extend {extendee} {{\n"));
            for field in &fields {
                let syntax = field
                    .parent_file()
                    .file_descriptor_proto()
                    .syntax()
                    .to_owned();
                indented(
                    &mut out,
                    &self.field_line(
                        field.field_descriptor_proto(),
                        &syntax,
                        false,
                        None,
                        &field.options(),
                    ),
                );
            }
            out.push_str("}\n");
        }
        out
    }

    fn enumeration(&self, enumeration: &EnumDescriptor) -> String {
        let proto = enumeration.enum_descriptor_proto();
        let mut out = format!("enum {} {{", enumeration.name());
        let reserved = self.reserved(
            proto
                .reserved_range
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
            &proto.reserved_name,
            false,
        );
        let options = self.options(&enumeration.options(), ENUM_OPTIONS);
        let mut values: Vec<_> = proto
            .value
            .iter()
            .filter_map(|v| enumeration.values().find(|d| d.name() == v.name()))
            .collect();
        if !reserved.is_empty() {
            out.push('\n');
            for line in &reserved {
                indented(&mut out, line);
            }
        } else if !options.is_empty() || !values.is_empty() {
            out.push('\n');
        }
        for option in &options {
            indented(&mut out, &self.option_statement(option));
        }
        if self.normalize {
            values.sort_by(|a, b| {
                a.number()
                    .cmp(&b.number())
                    .then_with(|| a.name().cmp(b.name()))
            });
        }
        for value in &values {
            let mut line = format!("{} = {}", value.name(), value.number());
            let options = self.options(&value.options(), ENUM_VALUE_OPTIONS);
            if !options.is_empty() {
                line.push(' ');
                line.push_str(&self.bracketed(&options));
            }
            line.push_str(";\n");
            indented(&mut out, &line);
        }
        out.push_str("}\n");
        out
    }

    fn service(&self, service: &ServiceDescriptor) -> String {
        let mut out = format!("service {} {{", service.name());
        let options = self.options(&service.options(), SERVICE_OPTIONS);
        if !options.is_empty() {
            out.push('\n');
            for option in &options {
                indented(&mut out, &self.option_statement(option));
            }
        }
        let methods: Vec<_> = service.methods().collect();
        if !methods.is_empty() {
            out.push('\n');
            for method in &methods {
                let proto = method.method_descriptor_proto();
                let mut line = format!("rpc {} (", method.name());
                if proto.client_streaming() {
                    line.push_str("stream ");
                }
                line.push_str(proto.input_type());
                line.push_str(") returns (");
                if proto.server_streaming() {
                    line.push_str("stream ");
                }
                line.push_str(proto.output_type());
                line.push(')');
                let options = self.options(&method.options(), METHOD_OPTIONS);
                if !options.is_empty() {
                    line.push_str(" {\n");
                    for option in &options {
                        indented(&mut line, &self.option_statement(option));
                    }
                    line.push('}');
                }
                line.push_str(";\n");
                indented(&mut out, &line);
            }
        }
        out.push_str("}\n");
        out
    }

    /// The options set in `options`: the standard ones Confluent writes, in its order, then
    /// extensions (Confluent's own `confluent.*` first); sorted by name when normalizing.
    fn options(&self, options: &DynamicMessage, standard: &[&str]) -> Vec<OptionEntry> {
        let mut out = Vec::new();
        let descriptor = options.descriptor();
        for name in standard {
            let Some(field) = descriptor.get_field_by_name(name) else {
                continue;
            };
            if !options.has_field(&field) {
                continue;
            }
            let value = options.get_field(&field);
            push_option(&mut out, name, false, &field.kind(), &value);
        }
        let mut extensions: Vec<(ExtensionDescriptor, &Value)> = options.extensions().collect();
        extensions.sort_by_key(|(extension, _)| {
            (
                !extension.full_name().starts_with("confluent."),
                extension.number(),
            )
        });
        for (extension, value) in extensions {
            push_option(
                &mut out,
                extension.full_name(),
                true,
                &extension.kind(),
                value,
            );
        }
        if self.normalize {
            out.sort_by(|a, b| a.name.cmp(&b.name));
        }
        out
    }

    fn option_statement(&self, option: &OptionEntry) -> String {
        format!("option {};\n", self.option_text(option))
    }

    fn option_text(&self, option: &OptionEntry) -> String {
        let name = if option.parenthesized {
            format!("({})", option.name)
        } else {
            option.name.clone()
        };
        match &option.value {
            OptionValue::Map(entries) => {
                let mut out = format!("{name} = {{\n");
                self.option_map(&mut out, entries);
                out.push('}');
                out
            }
            value => format!("{name} = {}", self.value_text(value)),
        }
    }

    /// Options in brackets after a field or value: one inline, several one a line.
    fn bracketed(&self, options: &[OptionEntry]) -> String {
        if let [only] = options {
            return format!("[{}]", self.option_text(only));
        }
        let mut out = "[\n".to_owned();
        for (index, option) in options.iter().enumerate() {
            let separator = if index + 1 < options.len() { "," } else { "" };
            indented(
                &mut out,
                &format!("{}{separator}", self.option_text(option)),
            );
        }
        out.push(']');
        out
    }

    fn option_map(&self, out: &mut String, entries: &[(String, OptionValue)]) {
        let mut entries: Vec<&(String, OptionValue)> = entries.iter().collect();
        if self.normalize {
            entries.retain(|(_, v)| !matches!(v, OptionValue::List(items) if items.is_empty()));
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries.dedup_by(|a, b| a.0 == b.0);
        }
        let last = entries.len().saturating_sub(1);
        for (index, (key, value)) in entries.iter().enumerate() {
            let separator = if index != last { "," } else { "" };
            indented(
                out,
                &format!("{key}: {}{separator}", self.value_text(value)),
            );
        }
    }

    fn value_text(&self, value: &OptionValue) -> String {
        match value {
            OptionValue::Text(text) => format!("\"{}\"", escape(text)),
            OptionValue::Bare(text) => text.clone(),
            OptionValue::Number(text) if self.normalize => decimal_format(text),
            OptionValue::Number(text) => text.clone(),
            OptionValue::Map(entries) => {
                let mut out = "{\n".to_owned();
                self.option_map(&mut out, entries);
                out.push('}');
                out
            }
            OptionValue::List(items) if self.normalize && items.len() == 1 => {
                self.value_text(&items[0])
            }
            OptionValue::List(items) => {
                let mut out = "[\n".to_owned();
                let last = items.len().saturating_sub(1);
                for (index, item) in items.iter().enumerate() {
                    let separator = if index != last { "," } else { "" };
                    indented(&mut out, &format!("{}{separator}", self.value_text(item)));
                }
                out.push(']');
                out
            }
        }
    }
}

const FILE_OPTIONS: &[&str] = &[
    "java_package",
    "java_outer_classname",
    "java_multiple_files",
    "java_generate_equals_and_hash",
    "java_string_check_utf8",
    "optimize_for",
    "go_package",
    "cc_generic_services",
    "java_generic_services",
    "py_generic_services",
    "deprecated",
    "cc_enable_arenas",
    "objc_class_prefix",
    "csharp_namespace",
    "swift_prefix",
    "php_class_prefix",
    "php_namespace",
    "php_metadata_namespace",
    "ruby_package",
    "features",
];
const MESSAGE_OPTIONS: &[&str] = &["no_standard_descriptor_accessor", "deprecated", "features"];
const FIELD_OPTIONS: &[&str] = &[
    "ctype",
    "packed",
    "jstype",
    "deprecated",
    "debug_redact",
    "retention",
    "targets",
    "edition_defaults",
    "features",
    "feature_support",
];
const ENUM_OPTIONS: &[&str] = &["allow_alias", "deprecated", "features"];
const ENUM_VALUE_OPTIONS: &[&str] = &["deprecated", "debug_redact", "features", "feature_support"];
const SERVICE_OPTIONS: &[&str] = &["deprecated", "features"];
const METHOD_OPTIONS: &[&str] = &["deprecated", "idempotency_level", "features"];

/// An option's value; a repeated option becomes one option per value, as Confluent writes it.
fn push_option(
    out: &mut Vec<OptionEntry>,
    name: &str,
    parenthesized: bool,
    kind: &Kind,
    value: &Value,
) {
    match value {
        Value::List(items) => {
            for item in items {
                push_option(out, name, parenthesized, kind, item);
            }
        }
        value => out.push(OptionEntry {
            name: name.to_owned(),
            parenthesized,
            value: option_value(kind, value),
        }),
    }
}

fn option_value(kind: &Kind, value: &Value) -> OptionValue {
    match value {
        Value::Bool(b) => OptionValue::Bare(b.to_string()),
        Value::I32(n) => OptionValue::Number(n.to_string()),
        Value::I64(n) => OptionValue::Number(n.to_string()),
        Value::U32(n) => OptionValue::Number(n.to_string()),
        Value::U64(n) => OptionValue::Number(n.to_string()),
        Value::F32(n) => OptionValue::Number(float_text(f64::from(*n))),
        Value::F64(n) => OptionValue::Number(float_text(*n)),
        Value::String(s) => OptionValue::Text(s.clone()),
        Value::Bytes(bytes) => OptionValue::Bare(format!("\"{}\"", escape_bytes(bytes))),
        Value::EnumNumber(number) => OptionValue::Bare(
            kind.as_enum()
                .and_then(|e| e.get_value(*number))
                .map_or_else(|| number.to_string(), |v| v.name().to_owned()),
        ),
        Value::Message(message) => OptionValue::Map(message_entries(message)),
        Value::List(items) => {
            OptionValue::List(items.iter().map(|item| option_value(kind, item)).collect())
        }
        Value::Map(map) => {
            // A map field in an option message: its entries, as a list of key/value messages.
            let value_kind = match kind.as_message() {
                Some(entry) => entry.map_entry_value_field().kind(),
                None => Kind::String,
            };
            let mut entries: Vec<(&MapKey, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            OptionValue::List(
                entries
                    .into_iter()
                    .map(|(key, value)| {
                        let key = match key {
                            MapKey::Bool(b) => OptionValue::Bare(b.to_string()),
                            MapKey::I32(n) => OptionValue::Number(n.to_string()),
                            MapKey::I64(n) => OptionValue::Number(n.to_string()),
                            MapKey::U32(n) => OptionValue::Number(n.to_string()),
                            MapKey::U64(n) => OptionValue::Number(n.to_string()),
                            MapKey::String(s) => OptionValue::Text(s.clone()),
                        };
                        OptionValue::Map(vec![
                            ("key".to_owned(), key),
                            ("value".to_owned(), option_value(&value_kind, value)),
                        ])
                    })
                    .collect(),
            )
        }
    }
}

/// The fields and extensions set in an option message, by field number then extensions.
fn message_entries(message: &DynamicMessage) -> Vec<(String, OptionValue)> {
    let mut entries: Vec<(String, OptionValue)> = message
        .fields()
        .map(|(field, value)| (field.name().to_owned(), option_value(&field.kind(), value)))
        .collect();
    entries.extend(message.extensions().map(|(extension, value)| {
        (
            format!("[{}]", extension.full_name()),
            option_value(&extension.kind(), value),
        )
    }));
    entries
}

fn float_text(value: f64) -> String {
    if value.is_nan() {
        "nan".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else {
        value.to_string()
    }
}

fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &byte in bytes {
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(byte)),
            _ => out.push_str(&format!("\\{byte:03o}")),
        }
    }
    out
}

/// `map<K, V>` for a map field: the entry message's key and value types.
fn map_type(field: &FieldDescriptor) -> Option<String> {
    let entry = field.kind().as_message()?.clone();
    let key = data_type(entry.map_entry_key_field().field_descriptor_proto());
    let value = data_type(entry.map_entry_value_field().field_descriptor_proto());
    Some(format!("map<{key}, {value}>"))
}
