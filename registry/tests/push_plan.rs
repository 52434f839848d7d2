//! The plans of `contrail registry push`, pinned as snapshots: which subjects, in which order,
//! with which references, and which events are skipped and why.

use std::fmt::Write;
use std::path::Path;

use contrail_contracts::{Catalog, LoadOptions, load_catalog};
use contrail_registry::push::{PushPlan, Source, Step, SubjectPush, plan};

/// Loads a catalog by a path relative to the crate, so that the paths in messages are stable.
fn catalog(path: &str) -> Catalog {
    load_catalog(Path::new(path), LoadOptions::default())
        .expect("the catalog loads")
        .catalog
}

/// One line per step, with the references and the schema text of each push below it.
fn render(plan: &PushPlan) -> String {
    let mut out = String::new();
    for step in &plan.steps {
        match step {
            Step::Skip(skip) => {
                let verb = if skip.reason.is_failure() {
                    "fail"
                } else {
                    "skip"
                };
                let subject = skip.subject.as_deref().unwrap_or("-");
                let _ = writeln!(out, "{verb} {subject} ({}): {}", skip.event, skip.reason);
            }
            Step::Push(push) => {
                let source = match &push.source {
                    Source::Event(event) => format!("event {event}"),
                    Source::ReferencedType { referenced_by } => {
                        format!("type referenced by {}", referenced_by.join(", "))
                    }
                };
                let _ = writeln!(
                    out,
                    "push {} ({}, {source})",
                    push.subject, push.schema_type
                );
                if !push.references.is_empty() {
                    let _ = writeln!(out, "  references: {}", push.references.join(", "));
                }
                if !push.resolves.is_empty() {
                    let _ = writeln!(out, "  resolves: {}", push.resolves.join(", "));
                }
                for line in push.schema.lines() {
                    let _ = writeln!(out, "  | {line}");
                }
            }
        }
    }
    out
}

fn pushed<'p>(plan: &'p PushPlan, subject: &str) -> &'p SubjectPush {
    plan.steps
        .iter()
        .find_map(|step| match step {
            Step::Push(push) if push.subject == subject => Some(push),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no push of {subject}"))
}

#[test]
fn the_shop_pushes_its_shared_type_first() {
    insta::assert_snapshot!(render(&plan(&catalog("../examples/shop"))));
}

#[test]
fn chained_types_are_pushed_after_the_types_they_use() {
    let plan = plan(&catalog("tests/fixtures/push/chain"));
    insta::assert_snapshot!(render(&plan));
    // The texts a push resolves to come in the order they are pushed.
    let texts = plan.resolved_schemas(pushed(&plan, "t.shipped-value"));
    assert_eq!(texts.len(), 2);
    assert!(texts[0].2.contains("\"Country\"") && texts[1].2.contains("\"Address\""));
}

#[test]
fn imported_proto_files_are_pushed_under_their_import_names_first() {
    let plan = plan(&catalog("tests/fixtures/push/proto"));
    insta::assert_snapshot!(render(&plan));
    let stock = pushed(&plan, "t.stock-value");
    // Only the direct import is referenced; the registry resolves currency through money.
    assert_eq!(stock.references, ["common/money.proto"]);
    let resolved: Vec<(&str, String)> = plan
        .resolved_schemas(stock)
        .into_iter()
        .map(|(subject, schema_type, _)| (subject, schema_type.to_string()))
        .collect();
    assert_eq!(
        resolved,
        [
            ("common/currency.proto", "PROTOBUF".to_owned()),
            ("common/money.proto", "PROTOBUF".to_owned())
        ]
    );
    assert_eq!(
        pushed(&plan, "t.refund-value").references,
        ["common/currency.proto"]
    );
}

#[test]
fn json_schema_refs_are_pushed_under_the_names_they_are_written_with() {
    let plan = plan(&catalog("tests/fixtures/push/json"));
    insta::assert_snapshot!(render(&plan));
    assert_eq!(
        pushed(&plan, "t.customer-value").references,
        ["address.json"]
    );
    // order.json `$ref`s both files itself.
    assert_eq!(
        pushed(&plan, "t.order-value").references,
        ["address.json", "country.json"]
    );
    assert_eq!(pushed(&plan, "address.json").references, ["country.json"]);
    let resolved: Vec<&str> = plan
        .resolved_schemas(pushed(&plan, "t.customer-value"))
        .into_iter()
        .map(|(subject, _, _)| subject)
        .collect();
    assert_eq!(resolved, ["country.json", "address.json"]);
}

#[test]
fn events_that_cannot_be_pushed_say_why() {
    insta::assert_snapshot!(render(&plan(&catalog("tests/fixtures/push/skips"))));
}
