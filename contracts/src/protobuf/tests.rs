use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::*;

/// Compiles `root` among `files` (import name → text); imports resolve by name only.
fn compile_in(files: &[(&str, &str)], root: &str) -> Result<Compiled, Vec<CompileError>> {
    let by_name: HashMap<&str, &str> = files.iter().copied().collect();
    let source = |name: &str| {
        by_name.get(name).map(|text| ProtoSource {
            path: PathBuf::from(format!("schemas/{name}")),
            text: (*text).to_owned(),
        })
    };
    let Some(root_source) = source(root) else {
        panic!("{root} is not among the files")
    };
    compile(root, root_source, |import, _: &Path| source(import))
}

fn one_error(result: Result<Compiled, Vec<CompileError>>) -> CompileError {
    match result {
        Ok(_) => panic!("expected a compile error"),
        Err(mut errors) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            errors.remove(0)
        }
    }
}

const ORDER: &str = r#"syntax = "proto3";
package shop.orders.v1;

import "common/money.proto";
import "google/protobuf/timestamp.proto";

message OrderPlaced {
  string order_id = 1;
  shop.common.v1.Money total = 2;
  google.protobuf.Timestamp placed_at = 3;
  repeated Item items = 4;
  map<string, string> attributes = 5;
  oneof payment {
    string card_token = 6;
    string voucher_code = 7;
  }
  message Item {
    string sku = 1;
    int32 quantity = 2;
  }
}

message OrderCancelled {
  string order_id = 1;
}
"#;

const MONEY: &str = r#"syntax = "proto3";
package shop.common.v1;

message Money {
  int64 amount_minor = 1;
  string currency = 2;
}
"#;

fn order() -> Compiled {
    compile_in(
        &[("order.proto", ORDER), ("common/money.proto", MONEY)],
        "order.proto",
    )
    .expect("the order file compiles")
}

#[test]
fn imports_across_files_and_well_known_types_resolve() {
    let compiled = order();
    let names: Vec<String> = compiled
        .pool()
        .files()
        .map(|f| f.name().to_owned())
        .collect();
    assert!(names.iter().any(|n| n == "common/money.proto"), "{names:?}");
    assert!(
        names.iter().any(|n| n == "google/protobuf/timestamp.proto"),
        "{names:?}"
    );
    let set = compiled.file_descriptor_set();
    let root_at = set.file.iter().position(|f| f.name() == "order.proto");
    let money_at = set
        .file
        .iter()
        .position(|f| f.name() == "common/money.proto");
    assert!(
        money_at < root_at,
        "imports come before the files importing them"
    );
    let placed = compiled
        .message(Some("shop.orders.v1.OrderPlaced"))
        .expect("defined");
    let total = placed.get_field_by_name("total").expect("field");
    assert_eq!(
        total.kind().as_message().map(|m| m.full_name().to_owned()),
        Some("shop.common.v1.Money".to_owned())
    );
}

#[test]
fn the_first_top_level_message_is_the_default() {
    let compiled = order();
    assert_eq!(
        compiled.message(None).map(|m| m.full_name().to_owned()),
        Some("shop.orders.v1.OrderPlaced".to_owned())
    );
    assert_eq!(
        compiled
            .message(Some(".shop.orders.v1.OrderCancelled"))
            .map(|m| m.name().to_owned()),
        Some("OrderCancelled".to_owned())
    );
    // Nested messages are named by their full name; map entries are not messages of the file.
    assert!(
        compiled
            .message(Some("shop.orders.v1.OrderPlaced.Item"))
            .is_some()
    );
    let names = message_names(&compiled);
    assert_eq!(
        names,
        [
            "shop.orders.v1.OrderPlaced",
            "shop.orders.v1.OrderPlaced.Item",
            "shop.orders.v1.OrderCancelled"
        ]
    );
}

#[test]
fn an_unknown_message_gets_the_closest_name() {
    let compiled = order();
    assert!(
        compiled
            .message(Some("shop.orders.v1.OrderPlacd"))
            .is_none()
    );
    let help = unknown_message_help(&compiled, "shop.orders.v1.OrderPlacd");
    assert!(help.contains("`shop.orders.v1.OrderPlaced`"), "{help}");
    let help = unknown_message_help(&compiled, "OrderCancelled");
    assert!(help.contains("`shop.orders.v1.OrderCancelled`"), "{help}");
    let help = unknown_message_help(&compiled, "Shipment");
    assert!(
        help.contains("the file defines `shop.orders.v1.OrderPlaced`"),
        "{help}"
    );
}

#[test]
fn a_syntax_error_has_its_line_and_column() {
    let text = "syntax = \"proto3\";\n\nmessage A {\n  string id = ;\n}\n";
    let error = one_error(compile_in(&[("a.proto", text)], "a.proto"));
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert_eq!(error.location.file, PathBuf::from("schemas/a.proto"));
    assert_eq!(
        (error.location.start.line, error.location.start.column),
        (4, 15)
    );
    assert!(error.message.contains("expected"), "{}", error.message);
}

#[test]
fn a_syntax_error_in_an_imported_file_points_into_that_file() {
    let broken = "syntax = \"proto3\";\nmessage Money {\n  int64 amount = 1\n}\n";
    let error = one_error(compile_in(
        &[("order.proto", ORDER), ("common/money.proto", broken)],
        "order.proto",
    ));
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert_eq!(
        error.location.file,
        PathBuf::from("schemas/common/money.proto")
    );
    assert_eq!(error.location.start.line, 4);
}

#[test]
fn an_unresolved_import_points_at_the_import() {
    let error = one_error(compile_in(&[("order.proto", ORDER)], "order.proto"));
    assert_eq!(error.kind, ErrorKind::ImportNotFound);
    assert_eq!(error.message, "import 'common/money.proto' not found");
    assert_eq!(
        (error.location.start.line, error.location.start.column),
        (4, 1)
    );
    assert_eq!(error.location.end.line, 4);
}

#[test]
fn an_unknown_type_is_a_resolution_error_at_its_use() {
    let text = "syntax = \"proto3\";\npackage p;\nmessage A {\n  Missing thing = 1;\n}\n";
    let error = one_error(compile_in(&[("a.proto", text)], "a.proto"));
    assert_eq!(error.kind, ErrorKind::Invalid);
    assert!(error.message.contains("Missing"), "{}", error.message);
    assert_eq!(error.location.start.line, 4);
    assert_eq!(error.location.file, PathBuf::from("schemas/a.proto"));
}

#[test]
fn an_import_cycle_is_an_error_not_a_hang() {
    let a = "syntax = \"proto3\";\nimport \"b.proto\";\nmessage A {}\n";
    let b = "syntax = \"proto3\";\nimport \"a.proto\";\nmessage B {}\n";
    let error = one_error(compile_in(&[("a.proto", a), ("b.proto", b)], "a.proto"));
    assert_eq!(error.kind, ErrorKind::Invalid);
    assert!(error.message.contains("cycle"), "{}", error.message);
}

#[test]
fn proto2_compiles_with_required_and_defaults() {
    let text = r#"syntax = "proto2";
package legacy;
message Reading {
  required string sensor = 1;
  optional int32 value = 2 [default = 7];
  repeated string tags = 3;
}
"#;
    let compiled = compile_in(&[("r.proto", text)], "r.proto").expect("proto2 compiles");
    let message = compiled.message(None).expect("a message");
    assert_eq!(
        message.get_field_by_name("sensor").map(|f| f.cardinality()),
        Some(prost_reflect::Cardinality::Required)
    );
    assert!(json_mismatch(&message, &json!({ "sensor": "t1", "value": 3 })).is_none());
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 200;
    let mut text = String::from("syntax = \"proto3\";\n");
    for i in 0..depth {
        text.push_str(&format!("message M{i} {{\n"));
    }
    text.push_str(&"}\n".repeat(depth));
    let error = one_error(compile_in(&[("deep.proto", &text)], "deep.proto"));
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert!(
        error.message.contains("recursion limit"),
        "{}",
        error.message
    );
}

#[test]
fn json_examples_read_per_the_json_mapping() {
    let compiled = order();
    let placed = compiled.message(None).expect("a message");
    let good = json!({
        "orderId": "o-1",
        "total": { "amountMinor": "1999", "currency": "EUR" },
        "placedAt": "2026-01-02T03:04:05Z",
        "items": [ { "sku": "A-1", "quantity": 2 } ],
        "attributes": { "channel": "web" },
        "cardToken": "tok"
    });
    assert_eq!(json_mismatch(&placed, &good), None);
    // Proto field names are accepted too, as JsonFormat's parser does.
    assert_eq!(json_mismatch(&placed, &json!({ "order_id": "o-1" })), None);

    let unknown = json!({ "orderId": "o-1", "items": [ { "sku": "A-1", "qty": 2 } ] });
    let mismatch = json_mismatch(&placed, &unknown).expect("qty is not a field");
    assert_eq!(mismatch.pointer, "/items/0");
    assert!(mismatch.message.contains("qty"), "{}", mismatch.message);

    let wrong_type = json!({ "total": { "amountMinor": "many" } });
    let mismatch = json_mismatch(&placed, &wrong_type).expect("not an integer");
    assert_eq!(mismatch.pointer, "/total/amountMinor");

    let two_of_a_oneof = json!({ "cardToken": "tok", "voucherCode": "v" });
    assert!(
        json_mismatch(&placed, &two_of_a_oneof).is_some(),
        "one member of a oneof at most"
    );

    let bad_map = json!({ "attributes": { "channel": 3 } });
    assert_eq!(
        json_mismatch(&placed, &bad_map).map(|m| m.pointer),
        Some("/attributes/channel".to_owned())
    );
}

#[test]
fn names_paths_locate_messages_fields_oneofs_and_enum_values() {
    let text = "syntax = \"proto3\";\npackage p.v1;\nmessage Order {\n  string id = 1;\n  oneof payment {\n    string card = 2;\n  }\n  message Item {\n    string sku = 1;\n  }\n  enum State {\n    STATE_UNSPECIFIED = 0;\n  }\n}\nenum Top {\n  TOP_UNSPECIFIED = 0;\n}\n";
    let compiled = compile_in(&[("order.proto", text)], "order.proto").expect("compiles");
    let file = Path::new("schemas/order.proto");
    let at = |names: &str| {
        compiled
            .locate(names, file)
            .map(|l| (l.start.line, l.start.column, l.end.column))
    };
    assert_eq!(at("/Order"), Some((3, 9, 14)));
    assert_eq!(at("/Order/id"), Some((4, 10, 12)));
    assert_eq!(at("/Order/payment"), Some((5, 9, 16)));
    // A oneof's member is named after the oneof in Confluent's paths.
    assert_eq!(at("/Order/payment/card"), Some((6, 12, 16)));
    assert_eq!(at("/Order/Item/sku"), Some((9, 12, 15)));
    assert_eq!(at("/Order/State/STATE_UNSPECIFIED"), Some((12, 5, 22)));
    assert_eq!(at("/Top/TOP_UNSPECIFIED"), Some((16, 3, 18)));
    // A name the file lacks (a removed field) stops at what holds it.
    assert_eq!(at("/Order/gone"), Some((3, 9, 14)));
    assert_eq!(at("/Missing"), None);
    assert_eq!(at("/"), None);
    assert_eq!(
        compiled.locate("/Order", file).map(|l| l.file),
        Some(file.to_path_buf())
    );
}
