//! One fixture catalog per rule under `tests/fixtures/<RULE_NAME>/`: each holds files where the
//! rule must fire and files where it must stay quiet. Each rule has its own test, named after
//! it (`cargo test -p contrail-lint --test rules TOPIC_NAMING`), and its findings are pinned
//! with an insta snapshot (`snapshots/rules__<RULE_NAME>.snap`).

use std::path::{Path, PathBuf};

use contrail_contracts::diagnostic::{Diagnostic, Severity};
use contrail_contracts::{LoadOptions, load_catalog};
use contrail_lint::registry::RULES;

/// One `#[test]` per rule, named after the rule so that a failing test says which rule broke
/// and one broken rule does not hide the others. Each entry lists the files (relative to the
/// rule's fixture) the rule must report in (`fires`) and must not report in (`quiet`).
macro_rules! rule_tests {
    ($($rule:ident {
        fires: [$($fires:literal),* $(,)?],
        quiet: [$($quiet:literal),* $(,)?] $(,)?
    })*) => {
        $(
            #[test]
            #[expect(non_snake_case, reason = "the test is named exactly as the rule it checks")]
            fn $rule() {
                check(stringify!($rule), &[$($fires),*], &[$($quiet),*]);
            }
        )*

        /// The rules with a test above, for `every_rule_has_a_test`.
        const TESTED: &[&str] = &[$(stringify!($rule)),*];
    };
}

rule_tests! {
    EVENT_NAME_PAST_TENSE {
        fires: ["events/fires.yaml"],
        quiet: ["events/quiet.yaml", "events/command.yaml"],
    }
    COMMAND_NAME_IMPERATIVE {
        fires: ["events/fires.yaml"],
        quiet: ["events/quiet.yaml"],
    }
    TOPIC_NAMING {
        fires: ["events/fires.yaml", "events/unversioned.yaml"],
        quiet: [
            "events/quiet.yaml",
            "events/versioned-1.yaml",
            "events/versioned-2.yaml",
            "asyncapi/quiet.yaml",
            "asyncapi/channel-key.yaml",
        ],
    }
    FIELD_NAMING_CONSISTENT {
        fires: ["schemas/fires.avsc"],
        quiet: ["schemas/quiet.avsc"],
    }
    PROTO_PACKAGE_VERSIONED {
        fires: ["schemas/fires.proto", "schemas/fires-no-package.proto"],
        quiet: ["schemas/quiet.proto", "schemas/quiet-beta.proto"],
    }
    PROTO_FIELD_LOWER_SNAKE_CASE {
        fires: ["schemas/fires.proto"],
        quiet: ["schemas/quiet.proto"],
    }
    EVENT_ID_PRESENT {
        fires: ["schemas/fires.avsc", "schemas/fires.proto", "asyncapi/fires.yaml"],
        quiet: ["schemas/quiet.avsc", "schemas/quiet.proto"],
    }
    EVENT_TIME_PRESENT {
        fires: ["schemas/fires.avsc", "schemas/fires.proto"],
        quiet: ["schemas/quiet.avsc", "schemas/quiet.proto"],
    }
    CORRELATION_ID_DECLARED {
        fires: [
            "events/fires.yaml",
            "events/fires-pointer.yaml",
            "events/fires-header.yaml",
        ],
        quiet: [
            "events/quiet.yaml",
            "events/quiet-pointer.yaml",
            "events/quiet-header.yaml",
        ],
    }
    CAUSATION_ID_DECLARED {
        fires: ["schemas/fires.avsc", "schemas/fires.proto"],
        quiet: ["schemas/quiet.avsc", "schemas/started.avsc", "schemas/quiet.proto"],
    }
    TRACEPARENT_ALLOWED {
        fires: [
            "events/fires.yaml",
            "events/fires-tracestate.yaml",
            "asyncapi/fires.yaml",
        ],
        quiet: [
            "events/quiet.yaml",
            "events/quiet-open.yaml",
            "asyncapi/quiet.yaml",
        ],
    }
    CLOUDEVENTS_ATTRIBUTES {
        fires: [
            "events/fires.yaml",
            "events/fires-spelling.yaml",
            "asyncapi/fires.yaml",
        ],
        quiet: [
            "events/quiet.yaml",
            "events/quiet-structured.yaml",
            "events/quiet-opted-out.yaml",
            "asyncapi/quiet.yaml",
        ],
    }
    RECORD_DOC_PRESENT {
        fires: ["schemas/fires.avsc", "schemas/fires.json", "schemas/fires.proto"],
        quiet: ["schemas/quiet.avsc", "schemas/quiet.json", "schemas/quiet.proto"],
    }
    OPTIONAL_FIELD_HAS_DEFAULT {
        fires: ["schemas/fires.avsc"],
        quiet: ["schemas/quiet.avsc"],
    }
    UNION_NULL_FIRST_WITH_DEFAULT {
        fires: ["schemas/fires.avsc"],
        quiet: ["schemas/quiet.avsc"],
    }
    ENUM_HAS_DEFAULT {
        fires: ["schemas/fires.avsc"],
        quiet: ["schemas/quiet.avsc"],
    }
    NO_CLOSED_CONTENT_MODEL {
        fires: ["schemas/fires.json", "asyncapi/fires.yaml"],
        quiet: ["schemas/quiet.json"],
    }
    PAYLOAD_SIZE_BUDGET {
        fires: ["schemas/fires.avsc", "schemas/fires.json"],
        quiet: ["schemas/quiet.avsc", "schemas/quiet.json"],
    }
    PII_CLASSIFIED {
        fires: ["schemas/fires.avsc", "schemas/fires.json"],
        quiet: ["schemas/quiet.avsc", "schemas/quiet.json"],
    }
    COMPATIBILITY_DECLARED {
        fires: ["events/fires.yaml"],
        quiet: ["events/quiet.yaml"],
    }
    REPLAYABLE_NEEDS_TRANSITIVE {
        fires: ["events/fires.yaml"],
        quiet: ["events/quiet.yaml", "events/ephemeral.yaml"],
    }
    // Plain `contrail lint` has no baseline: the rule stays silent. With one, see
    // `breaking_changes_need_a_new_topic_or_major` below.
    BREAKING_CHANGE_NEEDS_NEW_TOPIC_OR_MAJOR {
        fires: [],
        quiet: [
            "events/fires.yaml",
            "events/fires-version.yaml",
            "events/quiet-topic.yaml",
            "events/quiet-version.yaml",
            "events/quiet-schema.yaml",
        ],
    }
    CONSUMER_IDEMPOTENT {
        fires: ["services/fires.yaml"],
        quiet: ["services/quiet.yaml"],
    }
    CONSUMER_DEAD_LETTER {
        fires: ["services/fires.yaml"],
        quiet: ["services/quiet.yaml"],
    }
    CONSUMER_RETRY_BACKOFF {
        fires: ["services/fires.yaml", "services/fires-none.yaml"],
        quiet: ["services/quiet.yaml"],
    }
    CONSUMER_GROUP_DECLARED {
        fires: ["services/fires.yaml", "asyncapi/fires.yaml"],
        quiet: ["services/quiet.yaml", "asyncapi/quiet.yaml"],
    }
    ORDERED_EVENT_HAS_KEY {
        fires: ["events/fires.yaml", "events/fires-nullable.yaml", "events/fires-protobuf.yaml"],
        quiet: ["events/quiet.yaml", "events/quiet-protobuf.yaml"],
    }
    CONSUMED_EVENT_HAS_PRODUCER {
        fires: ["services/fires.yaml"],
        quiet: ["services/quiet.yaml"],
    }
    PRODUCED_EVENT_HAS_CONSUMER {
        fires: ["events/fires.yaml"],
        quiet: ["events/quiet.yaml", "events/public.yaml"],
    }
    CONSUMER_READS_EXISTING_FIELDS {
        fires: ["services/fires.yaml", "services/fires-protobuf.yaml"],
        quiet: ["services/quiet.yaml", "services/quiet-protobuf.yaml"],
    }
    SINGLE_PRODUCER_PER_EVENT {
        fires: ["services/fires.yaml"],
        quiet: ["services/quiet.yaml", "services/earlier.yaml"],
    }
    OWNER_DECLARED {
        fires: [
            "events/fires.yaml",
            "services/fires.yaml",
            "asyncapi/fires.yaml",
        ],
        quiet: [
            "events/quiet.yaml",
            "events/inherited.yaml",
            "services/quiet.yaml",
            "asyncapi/quiet.yaml",
        ],
    }
    CONSUMER_SCHEMA_CAN_READ_PRODUCER {
        fires: ["services/fires.yaml"],
        quiet: ["services/quiet.yaml"],
    }
    EVENT_CYCLE {
        fires: ["events/fires.yaml"],
        quiet: ["events/quiet.yaml"],
    }
    PROTO_ENUM_ZERO_VALUE_UNSPECIFIED {
        fires: ["schemas/fires.proto", "schemas/fires-proto2.proto"],
        quiet: ["schemas/quiet.proto"],
    }
    PROTO_NO_REQUIRED_FIELDS {
        fires: ["schemas/fires.proto"],
        quiet: ["schemas/quiet.proto", "schemas/quiet-proto3.proto"],
    }
    // Plain `contrail lint` has no baseline: the rule is silent. The test below gives it one.
    PROTO_REMOVED_FIELD_RESERVED {
        fires: [],
        quiet: ["schemas/stock.proto", "schemas/shipment.proto"],
    }
    FAN_OUT_BUDGET {
        fires: ["events/fires.yaml"],
        quiet: ["events/quiet.yaml"],
    }
}

fn fixture(rule: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rule)
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// `code severity file:line:col message`, then `  help: ...` and `  related: ...` lines.
fn render(diagnostics: &[&Diagnostic], root: &Path) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let at = d.location.as_ref().map_or_else(String::new, |l| {
            format!(
                "{}:{}:{}",
                relative(&l.file, root),
                l.start.line,
                l.start.column
            )
        });
        out.push_str(&format!(
            "{} {} {at} {}\n",
            d.code.code,
            d.severity.as_str(),
            d.message
        ));
        if let Some(pointer) = &d.pointer {
            out.push_str(&format!("  pointer: {pointer}\n"));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("  help: {help}\n"));
        }
        for related in &d.related {
            out.push_str(&format!(
                "  related: {}:{}:{} {}\n",
                relative(&related.location.file, root),
                related.location.start.line,
                related.location.start.column,
                related.message
            ));
        }
    }
    out
}

/// Lints the rule's fixture and checks that the rule reports in every file of `fires`, in no
/// file of `quiet`, and exactly what its snapshot says.
fn check(rule: &str, fires: &[&str], quiet: &[&str]) {
    let root = fixture(rule);
    let loaded = load_catalog(&root, LoadOptions::default())
        .unwrap_or_else(|e| panic!("{rule}: cannot load: {e}"));
    let broken: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}", d.code.code, d.message))
        .collect();
    assert!(
        broken.is_empty(),
        "{rule}: the fixture does not load cleanly: {broken:#?}"
    );
    let all = contrail_lint::lint(&loaded.catalog);
    let found: Vec<&Diagnostic> = all.iter().filter(|d| d.code.name == rule).collect();
    let files: Vec<String> = found
        .iter()
        .filter_map(|d| d.location.as_ref())
        .map(|l| relative(&l.file, &root))
        .collect();
    for file in fires {
        assert!(
            files.iter().any(|f| f == file),
            "{rule}: expected a finding in {file}, found in {files:?}"
        );
    }
    for file in quiet {
        assert!(
            !files.iter().any(|f| f == file),
            "{rule}: expected no finding in {file}:\n{}",
            render(&found, &root)
        );
    }
    insta::assert_snapshot!(rule, render(&found, &root));
}

/// A new rule without a test would go unchecked; a test named after no rule would check
/// nothing (its rule was renamed or removed).
#[test]
fn every_rule_has_a_test() {
    let names: Vec<&str> = RULES.iter().map(|r| r.info().name()).collect();
    for name in &names {
        assert!(
            TESTED.contains(name),
            "{name} has no test: add it to `rule_tests!` in tests/rules.rs with a fixture under tests/fixtures/{name}/"
        );
    }
    for name in TESTED {
        assert!(
            names.contains(name),
            "tests/rules.rs tests {name}, which is not in contrail_lint::registry::RULES"
        );
    }
}

/// BREAKING_CHANGE_NEEDS_NEW_TOPIC_OR_MAJOR with the verdicts `contrail check --against` would
/// hand it: every event of the fixture broke against a baseline that said what each change
/// says. (tests/tests/check.rs runs the real comparison end to end.)
#[test]
fn breaking_changes_need_a_new_topic_or_major() {
    use contrail_lint::context::BreakingChange;
    const RULE: &str = "BREAKING_CHANGE_NEEDS_NEW_TOPIC_OR_MAJOR";
    let root = fixture(RULE);
    let loaded = load_catalog(&root, LoadOptions::default()).expect("fixture loads");
    let change =
        |event: &str, topic: &str, version: Option<&str>, namespace: &str| BreakingChange {
            event: event.to_owned(),
            baseline: "git:main".to_owned(),
            incompatibilities: 1,
            topic: Some(topic.to_owned()),
            version: version.map(str::to_owned),
            schema: Some(
                serde_json::json!({"type": "record", "name": event, "namespace": namespace}),
            ),
        };
    let breaking = [
        change("OrderShipped", "shop.shipments", None, "com.shop.shipping"),
        change(
            "OrderCancelled",
            "shop.cancellations",
            Some("3"),
            "com.shop.orders",
        ),
        change(
            "PaymentProcessed",
            "shop.payments",
            None,
            "com.shop.payments",
        ),
        change(
            "InventoryReserved",
            "shop.inventory",
            Some("1.3"),
            "com.shop.inventory",
        ),
        change("OrderPlaced", "shop.orders", None, "com.shop.orders"),
    ];
    let all = contrail_lint::lint_with(&loaded.catalog, &breaking);
    let found: Vec<&Diagnostic> = all.iter().filter(|d| d.code.name == RULE).collect();
    let files: Vec<String> = found
        .iter()
        .filter_map(|d| d.location.as_ref())
        .map(|l| relative(&l.file, &root))
        .collect();
    assert_eq!(files, ["events/fires.yaml", "events/fires-version.yaml"]);
    insta::assert_snapshot!(
        "BREAKING_CHANGE_NEEDS_NEW_TOPIC_OR_MAJOR_against_a_baseline",
        render(&found, &root)
    );
}

/// PROTO_REMOVED_FIELD_RESERVED against the baseline `contrail check --against` would load:
/// an earlier copy of the fixture catalog (tests/fixtures/baselines/), whose messages had the
/// fields the current ones removed.
#[test]
fn removed_protobuf_fields_are_reserved_against_a_baseline() {
    const RULE: &str = "PROTO_REMOVED_FIELD_RESERVED";
    let root = fixture(RULE);
    let loaded = load_catalog(&root, LoadOptions::default()).expect("fixture loads");
    let baseline = load_catalog(&fixture("baselines").join(RULE), LoadOptions::default())
        .expect("baseline loads");
    let messages = contrail_lint::protobuf::baseline_messages("git:main", &baseline.catalog);
    assert_eq!(messages.len(), 2, "both baseline events are Protobuf");
    let all = contrail_lint::lint_against(&loaded.catalog, &[], &messages);
    let found: Vec<&Diagnostic> = all.iter().filter(|d| d.code.name == RULE).collect();
    let files: Vec<String> = found
        .iter()
        .filter_map(|d| d.location.as_ref())
        .map(|l| relative(&l.file, &root))
        .collect();
    assert_eq!(files, ["schemas/stock.proto"; 4]);
    insta::assert_snapshot!(
        "PROTO_REMOVED_FIELD_RESERVED_against_a_baseline",
        render(&found, &root)
    );
}
