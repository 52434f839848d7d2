//! [`to_proto_text`]: Confluent's layout, and the round trip print → compile → same
//! descriptor over the repository's `.proto` files and Confluent's test files.

use std::collections::HashMap;

use prost_types::FileDescriptorProto;

use super::print::{Style, to_proto_text};
use crate::compat::protobuf::ProtoSchema;

/// A trimmed copy of Confluent's `confluent/meta.proto` (same package, messages and extension
/// numbers), which Confluent's test schemas import.
const CONFLUENT_META: &str = r#"syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
"#;

/// `root` compiled among `files` (import name → text): the root's text printed in `style`.
fn print(root: &str, files: &[(&str, &str)], style: Style) -> String {
    let files: HashMap<String, String> = files
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    let text = files.get(root).cloned().unwrap_or_default();
    let (_, pool) = ProtoSchema::compile_with_pool(root, &text, |name| files.get(name).cloned())
        .unwrap_or_else(|e| panic!("{root} compiles: {e}"));
    let file = pool.get_file_by_name(root).expect("the root is compiled");
    to_proto_text(&file, style)
}

/// The root file's descriptor, without what printing cannot keep (source info, the derived
/// JSON names, the place of a oneof's fields among the others: Confluent writes oneofs after
/// the other fields) so that two compilations compare.
fn descriptor(root: &str, text: &str, files: &[(&str, &str)]) -> FileDescriptorProto {
    let files: HashMap<String, String> = files
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    let (_, pool) = ProtoSchema::compile_with_pool(root, text, |name| files.get(name).cloned())
        .unwrap_or_else(|e| panic!("{root} compiles:\n{text}\n{e}"));
    let mut file = pool
        .get_file_by_name(root)
        .expect("the root is compiled")
        .file_descriptor_proto()
        .clone();
    file.source_code_info = None;
    fn clear(messages: &mut [prost_types::DescriptorProto]) {
        for message in messages {
            for field in message.field.iter_mut().chain(message.extension.iter_mut()) {
                field.json_name = None;
            }
            message.field.sort_by_key(|f| f.number());
            clear(&mut message.nested_type);
        }
    }
    clear(&mut file.message_type);
    for field in &mut file.extension {
        field.json_name = None;
    }
    file
}

/// Printing compiles back to the same descriptor, and printing that gives the same text.
fn assert_round_trip(root: &str, files: &[(&str, &str)]) {
    let source = files
        .iter()
        .find(|(n, _)| *n == root)
        .map(|(_, t)| *t)
        .unwrap_or_default();
    for style in [Style::Canonical, Style::Normalized] {
        let printed = print(root, files, style);
        let again = descriptor(root, &printed, files);
        if style == Style::Canonical {
            assert_eq!(
                descriptor(root, source, files),
                again,
                "{root} printed as\n{printed}"
            );
        }
        let mut with_printed: Vec<(&str, &str)> =
            files.iter().filter(|(n, _)| *n != root).copied().collect();
        with_printed.push((root, &printed));
        assert_eq!(
            print(root, &with_printed, style),
            printed,
            "{root} ({style:?}) is not a fixed point"
        );
    }
}

const SHOP: &str = include_str!("../../../examples/shop/schemas/stock-level-changed.proto");
const PROTO2: &str = include_str!("../../../fuzz/seeds/proto_compile/proto2.proto");
const ORDER_V2: &str = include_str!("../../../tests/fixtures/compat/protobuf/v2/order.proto");
const MONEY_V2: &str = include_str!("../../../tests/fixtures/compat/protobuf/v2/shop/money.proto");

/// Everything the printer writes: options of every kind, reserved ranges, maps, oneofs,
/// proto3 `optional`, nested types, services.
const RICH: &str = r#"syntax = "proto3";
package shop.rich.v1;

import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";

option java_package = "com.shop.rich";
option go_package = "shop/rich";
option java_multiple_files = true;
option (confluent.file_meta) = { doc: "file \"meta\"", tags: ["PII", "PRIVATE"] };

// Comments are not kept.
message Order {
  option deprecated = true;
  reserved 4, 8 to 10, 100 to max;
  reserved "legacy";
  string id = 1 [json_name = "orderId", (confluent.field_meta) = { tags: "PII" }];
  google.protobuf.Timestamp placed_at = 2;
  map<string, Line> lines = 3;
  oneof payment {
    string card = 5;
    int64 voucher = 6 [deprecated = true, jstype = JS_STRING];
  }
  optional string note = 7;
  repeated Status history = 11 [packed = false];
  message Line {
    string sku = 1;
    uint32 quantity = 2;
  }
  enum Status {
    option allow_alias = true;
    reserved 5 to 6;
    STATUS_UNSPECIFIED = 0;
    STATUS_OPEN = 1;
    STATUS_STARTED = 1 [deprecated = true];
  }
}

enum Channel {
  CHANNEL_UNSPECIFIED = 0;
  CHANNEL_WEB = 1;
}

service Orders {
  rpc Place (Order) returns (stream Order);
  rpc Watch (stream Order) returns (Order) {
    option deprecated = true;
  }
}
"#;

const PROTO2_EXTENDS: &str = r#"syntax = "proto2";
package legacy;
message Base {
  optional string name = 1 [default = "a \"b\"\n"];
  optional int32 n = 2 [default = -5];
  optional bool on = 3 [default = true];
  optional Kind kind = 4 [default = KIND_B];
  optional bytes raw = 5 [default = "\001x"];
  optional double ratio = 6 [default = inf];
  required int64 at = 7;
  extensions 100 to 199, 300;
  enum Kind { KIND_A = 1; KIND_B = 2; }
  extend Base { optional int32 inner = 150; }
}
extend Base {
  optional string tag = 100;
  repeated int32 marks = 101;
}
"#;

#[test]
fn round_trips_over_the_repository_and_confluent_files() {
    assert_round_trip("shop.proto", &[("shop.proto", SHOP)]);
    assert_round_trip("proto2.proto", &[("proto2.proto", PROTO2)]);
    assert_round_trip(
        "order.proto",
        &[("order.proto", ORDER_V2), ("shop/money.proto", MONEY_V2)],
    );
    assert_round_trip(
        "rich.proto",
        &[
            ("rich.proto", RICH),
            ("confluent/meta.proto", CONFLUENT_META),
        ],
    );
    assert_round_trip("legacy.proto", &[("legacy.proto", PROTO2_EXTENDS)]);
    // Confluent's ProtobufSchemaTest.testComplexCustomOptions, its options as a message.
    assert_round_trip(
        "user.proto",
        &[
            ("user.proto", CONFLUENT_USER),
            ("confluent/meta.proto", CONFLUENT_META),
        ],
    );
}

/// Confluent's `testComplexCustomOptions` schema (the `com.custom.map` option left out: its
/// file is not among Confluent's test resources; the meta option in one message literal, as
/// protox does not take a list after `=`).
const CONFLUENT_USER: &str = r#"syntax = "proto3";

import "confluent/meta.proto";

package com.custom.example.v0;

option go_package = "example/v0;example";
option java_multiple_files = true;
option (.confluent.file_meta) = {
  doc: "file meta"
  params: [{ value: "my_value", key: "my_key" }]
  tags: ["PII", "PRIVATE"]
};
message User {
  string first_name = 1;
  string last_name = 2;
}"#;

#[test]
fn writes_a_descriptor_as_confluent_does() {
    // Confluent's expectation for this schema rebuilt from its descriptor
    // (ProtobufSchemaTest.testComplexCustomOptions, `expectedSchemaString`).
    let printed = print(
        "user.proto",
        &[
            ("user.proto", CONFLUENT_USER),
            ("confluent/meta.proto", CONFLUENT_META),
        ],
        Style::Canonical,
    );
    assert_eq!(
        printed,
        "syntax = \"proto3\";\n\
         package com.custom.example.v0;\n\
         \n\
         import \"confluent/meta.proto\";\n\
         \n\
         option java_multiple_files = true;\n\
         option go_package = \"example/v0;example\";\n\
         option (confluent.file_meta) = {\n  \
           doc: \"file meta\",\n  \
           params: [\n    \
             {\n      \
               key: \"my_key\",\n      \
               value: \"my_value\"\n    \
             }\n  \
           ],\n  \
           tags: [\n    \
             \"PII\",\n    \
             \"PRIVATE\"\n  \
           ]\n\
         };\n\
         \n\
         message User {\n  \
           string first_name = 1;\n  \
           string last_name = 2;\n\
         }\n"
    );
}

#[test]
fn layout_of_every_element() {
    let files = [
        ("rich.proto", RICH),
        ("confluent/meta.proto", CONFLUENT_META),
    ];
    insta::assert_snapshot!(
        "rich_canonical",
        print("rich.proto", &files, Style::Canonical)
    );
    insta::assert_snapshot!(
        "rich_normalized",
        print("rich.proto", &files, Style::Normalized)
    );
    insta::assert_snapshot!(
        "proto2_canonical",
        print(
            "legacy.proto",
            &[("legacy.proto", PROTO2_EXTENDS)],
            Style::Canonical
        )
    );
}

#[test]
fn normalized_text_does_not_depend_on_declaration_order() {
    let a = "syntax = \"proto3\";\nimport \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/duration.proto\";\nmessage M {\n  reserved 9, 3;\n  int32 b = 2;\n  repeated int32 a = 1 [deprecated = true, packed = true];\n}\nenum E { A = 0; Z = 2; B = 1; }\n";
    let b = "syntax = \"proto3\";\nimport \"google/protobuf/duration.proto\";\nimport \"google/protobuf/timestamp.proto\";\nmessage M {\n  repeated int32 a = 1 [packed = true, deprecated = true];\n  reserved 3;\n  reserved 9;\n  int32 b = 2;\n}\nenum E { A = 0; B = 1; Z = 2; }\n";
    assert_eq!(
        print("m.proto", &[("m.proto", a)], Style::Normalized),
        print("m.proto", &[("m.proto", b)], Style::Normalized)
    );
    assert_ne!(
        print("m.proto", &[("m.proto", a)], Style::Canonical),
        print("m.proto", &[("m.proto", b)], Style::Canonical)
    );
}
