//! Protobuf compatibility (`contrail_contracts::compat::protobuf`) against Confluent Schema
//! Registry's verdicts.
//!
//! `fixtures/confluent/protobuf-diff-schema-examples.json` is Confluent's own test data for its
//! Protobuf diff (54 cases; provenance and licence in `fixtures/confluent/README.md`). Like
//! Confluent's `SchemaDiffTest`, the harness checks the whole list of differences (compatible
//! ones included, as `"TYPE #/path"`) and the verdict. One deliberate difference in how the
//! list is compared: Confluent walks the messages and enums of a scope in `HashMap` order, so
//! its lists are in an order no specification gives; contrail walks them in source order, and
//! the lists are compared sorted. All 54 cases agree otherwise.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on a broken fixture"
)]

use std::collections::HashMap;

use contrail_contracts::compat::protobuf::{ProtoSchema, Rule, can_read, changes};
use contrail_contracts::compat::{self, CompatibilityMode, SchemaVersion};
use proptest::prelude::*;
use serde_json::Value;

const CONFLUENT_CASES: &str = include_str!("fixtures/confluent/protobuf-diff-schema-examples.json");

fn compile(source: &str, dependencies: Option<&Value>) -> ProtoSchema {
    let imports: HashMap<String, String> = dependencies
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_owned(),
                d["dependency"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    ProtoSchema::compile("schema.proto", source, &imports).unwrap()
}

fn proto(source: &str) -> ProtoSchema {
    compile(source, None)
}

fn listed(original: &ProtoSchema, update: &ProtoSchema) -> Vec<String> {
    let mut all: Vec<String> = changes(original, update)
        .iter()
        .map(|d| format!("{} {}", d.rule, d.path))
        .collect();
    all.sort();
    all
}

#[test]
fn confluent_protobuf_diff_cases_agree() {
    let cases: Vec<Value> = serde_json::from_str(CONFLUENT_CASES).unwrap();
    assert_eq!(cases.len(), 54, "the count docs/compatibility.md states");
    let mut failures = Vec::new();
    for case in &cases {
        let description = case["description"].as_str().unwrap();
        let original = compile(
            case["original_schema"].as_str().unwrap(),
            case.get("original_dependencies"),
        );
        let update = compile(
            case["update_schema"].as_str().unwrap(),
            case.get("update_dependencies"),
        );
        let mut expected: Vec<String> = case["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        expected.sort();
        let found = listed(&original, &update);
        let compatible = can_read(&update, &original).is_empty();
        if found != expected || compatible != case["compatible"].as_bool().unwrap() {
            failures.push(format!(
                "{description}: expected {expected:?} (compatible: {}), found {found:?} (compatible: {compatible})",
                case["compatible"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The difference types each case exercises, so the cases added below are the ones
/// Confluent's data leaves out.
#[test]
fn confluent_cases_cover_all_but_two_rules() {
    let cases: Vec<Value> = serde_json::from_str(CONFLUENT_CASES).unwrap();
    let covered: std::collections::BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c["changes"].as_array().unwrap())
        .filter_map(|c| c.as_str()?.split(' ').next())
        .collect();
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .map(|r| r.name())
        .filter(|r| !covered.contains(r))
        .collect();
    assert_eq!(missing, ["ENUM_CONST_ADDED", "ENUM_CONST_REMOVED"]);
}

fn rules(original: &str, update: &str) -> Vec<String> {
    listed(&proto(original), &proto(update))
}

const ORDER: &str = r#"syntax = "proto3";
package shop.v1;
message OrderPlaced {
  string order_id = 1;
  repeated Item items = 2;
  Status status = 3;
  message Item {
    string sku = 1;
    int32 quantity = 2;
  }
}
enum Status {
  STATUS_UNSPECIFIED = 0;
  STATUS_PLACED = 1;
}
"#;

/// The two difference types Confluent's data leaves out; both compatible.
#[test]
fn enum_values_added_and_removed() {
    let added = ORDER.replace(
        "STATUS_PLACED = 1;",
        "STATUS_PLACED = 1;\n  STATUS_PAID = 2;",
    );
    assert_eq!(rules(ORDER, &added), ["ENUM_CONST_ADDED #/Status/2"]);
    assert_eq!(rules(&added, ORDER), ["ENUM_CONST_REMOVED #/Status/2"]);
    assert!(can_read(&proto(&added), &proto(ORDER)).is_empty());
    assert!(can_read(&proto(ORDER), &proto(&added)).is_empty());
}

/// FORWARD is the diff with the roles swapped: a new top-level message is compatible
/// BACKWARD and, seen from the old schema, a removal that breaks FORWARD.
#[test]
fn adding_a_message_breaks_forward_only() {
    let v2 = format!("{ORDER}message OrderCancelled {{ string order_id = 1; }}\n");
    let old = SchemaVersion::Protobuf(Box::new(proto(ORDER)));
    let new = SchemaVersion::Protobuf(Box::new(proto(&v2)));
    let verdict = |mode| compat::check(mode, &new, std::slice::from_ref(&old)).unwrap();
    assert!(verdict(CompatibilityMode::Backward).compatible);
    let forward = verdict(CompatibilityMode::Forward);
    assert!(!forward.compatible);
    let broken = &forward.comparisons[0].incompatibilities;
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].rule, "MESSAGE_REMOVED");
    // The reader (the old schema) lacks it; the writer (the new one) has it.
    assert_eq!(broken[0].reader_path, "/");
    assert_eq!(broken[0].writer_path, "/OrderCancelled");
    assert!(!verdict(CompatibilityMode::Full).compatible);
}

/// Descriptors put a proto3 `optional` field in a synthetic oneof and a map in a nested
/// `…Entry` message; neither shows up as a oneof or a message of its own.
#[test]
fn synthetic_oneofs_and_map_entries_are_not_types() {
    let v1 = "syntax = \"proto3\";\nmessage M {\n  optional string note = 1;\n  map<string, int32> counts = 2;\n}\n";
    let plain = v1.replace("optional string", "string");
    assert_eq!(rules(v1, &plain), Vec::<String>::new());
    assert_eq!(rules(&plain, v1), Vec::<String>::new());
    let longs = v1.replace("map<string, int32>", "map<string, int64>");
    assert_eq!(rules(v1, &longs), Vec::<String>::new());
    let strings = v1.replace("map<string, int32>", "map<string, string>");
    assert_eq!(rules(v1, &strings), ["FIELD_SCALAR_KIND_CHANGED #/M/2"]);
    let keyed = v1.replace("map<string, int32>", "map<int64, int32>");
    assert_eq!(rules(v1, &keyed), ["FIELD_SCALAR_KIND_CHANGED #/M/2"]);
    let entries = v1.replace(
        "map<string, int32> counts = 2;",
        "repeated Entry counts = 2;\n  message Entry { string key = 1; int32 value = 2; }",
    );
    assert_eq!(
        rules(v1, &entries),
        ["FIELD_KIND_CHANGED #/M/2", "MESSAGE_ADDED #/M/Entry"]
    );
}

/// proto2 labels: `required` added or removed breaks; `optional` → `repeated` breaks for
/// numbers (packed encoding) and not for strings.
#[test]
fn proto2_labels() {
    let v1 = "syntax = \"proto2\";\nmessage M {\n  optional int32 qty = 1;\n  optional string tag = 2;\n}\n";
    let required = v1.replace("}", "  required string id = 3;\n}");
    assert_eq!(rules(v1, &required), ["REQUIRED_FIELD_ADDED #/M/3"]);
    assert_eq!(rules(&required, v1), ["REQUIRED_FIELD_REMOVED #/M/3"]);
    let repeated = v1.replace("optional", "repeated");
    assert_eq!(
        rules(v1, &repeated),
        [
            "FIELD_NUMERIC_LABEL_CHANGED #/M/1",
            "FIELD_STRING_OR_BYTES_LABEL_CHANGED #/M/2"
        ]
    );
}

/// A type from an import: compared field by field when the import changed, and reported both
/// inside the imported type and at the field using it.
#[test]
fn imported_types_are_compared_when_the_import_changed() {
    let root = "syntax = \"proto3\";\nimport \"shop/money.proto\";\nmessage Order {\n  shop.Money total = 1;\n}\n";
    let money = |cents: &str| {
        format!("syntax = \"proto3\";\npackage shop;\nmessage Money {{\n  {cents} cents = 1;\n}}\n")
    };
    let with = |cents: &str| {
        let imports = HashMap::from([("shop/money.proto".to_owned(), money(cents))]);
        ProtoSchema::compile("order.proto", root, &imports).unwrap()
    };
    assert_eq!(listed(&with("int64"), &with("int64")), Vec::<String>::new());
    assert_eq!(
        listed(&with("int64"), &with("string")),
        [
            "FIELD_NAMED_TYPE_CHANGED #/Order/1",
            "FIELD_SCALAR_KIND_CHANGED #/Money/1"
        ]
    );
    let missing = ProtoSchema::compile("order.proto", root, &HashMap::new());
    assert!(
        missing
            .unwrap_err()
            .to_string()
            .contains("shop/money.proto")
    );
}

/// The findings as `contrail compat` and the registry report them: rule, the place in the
/// reader and in the writer by names, and a message naming the field and its number.
#[test]
fn findings_name_the_place_and_the_field_number() {
    let v2 = ORDER
        .replace("package shop.v1;", "package shop.v2;")
        .replace("string sku = 1;", "int64 sku = 1;")
        .replace("int32 quantity = 2;", "repeated int32 quantity = 2;")
        .replace(
            "  string order_id = 1;\n  repeated Item items = 2;",
            "  oneof key {\n    string order_id = 1;\n    Item items = 2;\n  }",
        );
    let rendered: Vec<String> = can_read(&proto(&v2), &proto(ORDER))
        .iter()
        .map(|i| {
            format!(
                "{} reader {} writer {}: {}",
                i.rule, i.reader_path, i.writer_path, i.message
            )
        })
        .collect();
    insta::assert_snapshot!(rendered.join("\n"));
}

/// A small space of schemas, so that generated versions share field numbers and types.
#[derive(Debug, Clone)]
struct FieldSpec {
    ty: &'static str,
    label: &'static str,
    oneof: Option<u8>,
    renamed: bool,
}

#[derive(Debug, Clone)]
struct SchemaSpec {
    fields: std::collections::BTreeMap<i32, FieldSpec>,
    extra_message: bool,
    colors: u8,
}

fn field_spec() -> impl Strategy<Value = FieldSpec> {
    (
        prop::sample::select(vec![
            "int32",
            "int64",
            "sint32",
            "string",
            "bytes",
            "double",
            "Inner",
            "Color",
            "map<string, int32>",
        ]),
        prop::sample::select(vec!["", "optional ", "repeated "]),
        prop::option::of(0u8..2),
        any::<bool>(),
    )
        .prop_map(|(ty, label, oneof, renamed)| FieldSpec {
            ty,
            label,
            oneof: oneof.filter(|_| !ty.starts_with("map")),
            renamed,
        })
}

fn schema_spec() -> impl Strategy<Value = SchemaSpec> {
    (
        prop::collection::btree_map(1i32..8, field_spec(), 0..6),
        any::<bool>(),
        1u8..4,
    )
        .prop_map(|(fields, extra_message, colors)| SchemaSpec {
            fields,
            extra_message,
            colors,
        })
}

fn render(spec: &SchemaSpec) -> String {
    let field = |number: &i32, f: &FieldSpec, in_oneof: bool| {
        let label = if in_oneof || f.ty.starts_with("map") {
            ""
        } else {
            f.label
        };
        let name = if f.renamed { "g" } else { "f" };
        format!("{label}{} {name}{number} = {number};\n", f.ty)
    };
    let mut out = String::from("syntax = \"proto3\";\npackage gen;\nmessage Event {\n");
    for (number, f) in spec.fields.iter().filter(|(_, f)| f.oneof.is_none()) {
        out.push_str(&field(number, f, false));
    }
    for group in 0..2u8 {
        let members: Vec<String> = spec
            .fields
            .iter()
            .filter(|(_, f)| f.oneof == Some(group))
            .map(|(n, f)| field(n, f, true))
            .collect();
        if !members.is_empty() {
            out.push_str(&format!("oneof o{group} {{\n{}}}\n", members.concat()));
        }
    }
    out.push_str("}\nmessage Inner {\nstring s = 1;\n}\nenum Color {\n");
    for value in 0..spec.colors {
        out.push_str(&format!("C{value} = {value};\n"));
    }
    out.push_str("}\n");
    if spec.extra_message {
        out.push_str("message Extra {\nint32 n = 1;\n}\n");
    }
    out
}

fn version(spec: &SchemaSpec) -> SchemaVersion {
    SchemaVersion::Protobuf(Box::new(proto(&render(spec))))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The identities every mode keeps, over generated evolutions (field types, labels,
    /// oneof membership, renames, removals, an added message, enum values).
    #[test]
    fn modes_keep_their_identities(specs in prop::collection::vec(schema_spec(), 2..5)) {
        use CompatibilityMode as M;
        let versions: Vec<SchemaVersion> = specs.iter().map(version).collect();
        let (new, history) = versions.split_last().unwrap();
        let ok = |mode, new: &SchemaVersion, history: &[SchemaVersion]| {
            compat::check(mode, new, history).unwrap().compatible
        };
        for v in &versions {
            let SchemaVersion::Protobuf(p) = v else { unreachable!() };
            prop_assert!(changes(p, p).is_empty(), "a schema differs from itself");
        }
        let last = std::slice::from_ref(history.last().unwrap());
        prop_assert_eq!(
            ok(M::Full, new, history),
            ok(M::Backward, new, history) && ok(M::Forward, new, history)
        );
        prop_assert_eq!(ok(M::Forward, new, last), ok(M::Backward, &last[0], std::slice::from_ref(new)));
        for (mode, plain) in [
            (M::BackwardTransitive, M::Backward),
            (M::ForwardTransitive, M::Forward),
            (M::FullTransitive, M::Full),
        ] {
            let each = history.iter().all(|old| ok(plain, new, std::slice::from_ref(old)));
            prop_assert_eq!(ok(mode, new, history), each);
        }
    }
}
