//! One fixture catalog per rule under `tests/fixtures/<RULE_NAME>/`: each holds files where the
//! rule must fire and files where it must stay quiet. The rule's findings are pinned with
//! insta snapshots (`snapshots/rules__<RULE_NAME>.snap`).

use std::path::{Path, PathBuf};

use contrail_contracts::diagnostic::{Diagnostic, Severity};
use contrail_contracts::{LoadOptions, load_catalog};
use contrail_lint::registry::RULES;

struct Case {
    rule: &'static str,
    /// Files (relative to the fixture) the rule must report in.
    fires: &'static [&'static str],
    /// Files it must not report in.
    quiet: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        rule: "EVENT_NAME_PAST_TENSE",
        fires: &["events/fires.yaml"],
        quiet: &["events/quiet.yaml", "events/command.yaml"],
    },
    Case {
        rule: "COMMAND_NAME_IMPERATIVE",
        fires: &["events/fires.yaml"],
        quiet: &["events/quiet.yaml"],
    },
    Case {
        rule: "TOPIC_NAMING",
        fires: &["events/fires.yaml", "events/unversioned.yaml"],
        quiet: &[
            "events/quiet.yaml",
            "events/versioned-1.yaml",
            "events/versioned-2.yaml",
            "asyncapi/quiet.yaml",
            "asyncapi/channel-key.yaml",
        ],
    },
    Case {
        rule: "FIELD_NAMING_CONSISTENT",
        fires: &["schemas/fires.avsc"],
        quiet: &["schemas/quiet.avsc"],
    },
    Case {
        rule: "EVENT_ID_PRESENT",
        fires: &["schemas/fires.avsc", "asyncapi/fires.yaml"],
        quiet: &["schemas/quiet.avsc"],
    },
    Case {
        rule: "EVENT_TIME_PRESENT",
        fires: &["schemas/fires.avsc"],
        quiet: &["schemas/quiet.avsc"],
    },
    Case {
        rule: "CORRELATION_ID_DECLARED",
        fires: &[
            "events/fires.yaml",
            "events/fires-pointer.yaml",
            "events/fires-header.yaml",
        ],
        quiet: &[
            "events/quiet.yaml",
            "events/quiet-pointer.yaml",
            "events/quiet-header.yaml",
        ],
    },
    Case {
        rule: "CAUSATION_ID_DECLARED",
        fires: &["schemas/fires.avsc"],
        quiet: &["schemas/quiet.avsc", "schemas/started.avsc"],
    },
    Case {
        rule: "TRACEPARENT_ALLOWED",
        fires: &[
            "events/fires.yaml",
            "events/fires-tracestate.yaml",
            "asyncapi/fires.yaml",
        ],
        quiet: &[
            "events/quiet.yaml",
            "events/quiet-open.yaml",
            "asyncapi/quiet.yaml",
        ],
    },
    Case {
        rule: "CLOUDEVENTS_ATTRIBUTES",
        fires: &[
            "events/fires.yaml",
            "events/fires-spelling.yaml",
            "asyncapi/fires.yaml",
        ],
        quiet: &[
            "events/quiet.yaml",
            "events/quiet-structured.yaml",
            "events/quiet-opted-out.yaml",
            "asyncapi/quiet.yaml",
        ],
    },
    Case {
        rule: "RECORD_DOC_PRESENT",
        fires: &["schemas/fires.avsc", "schemas/fires.json"],
        quiet: &["schemas/quiet.avsc", "schemas/quiet.json"],
    },
    Case {
        rule: "OPTIONAL_FIELD_HAS_DEFAULT",
        fires: &["schemas/fires.avsc"],
        quiet: &["schemas/quiet.avsc"],
    },
    Case {
        rule: "UNION_NULL_FIRST_WITH_DEFAULT",
        fires: &["schemas/fires.avsc"],
        quiet: &["schemas/quiet.avsc"],
    },
    Case {
        rule: "ENUM_HAS_DEFAULT",
        fires: &["schemas/fires.avsc"],
        quiet: &["schemas/quiet.avsc"],
    },
    Case {
        rule: "NO_CLOSED_CONTENT_MODEL",
        fires: &["schemas/fires.json", "asyncapi/fires.yaml"],
        quiet: &["schemas/quiet.json"],
    },
    Case {
        rule: "PAYLOAD_SIZE_BUDGET",
        fires: &["schemas/fires.avsc", "schemas/fires.json"],
        quiet: &["schemas/quiet.avsc", "schemas/quiet.json"],
    },
    Case {
        rule: "PII_CLASSIFIED",
        fires: &["schemas/fires.avsc", "schemas/fires.json"],
        quiet: &["schemas/quiet.avsc", "schemas/quiet.json"],
    },
    Case {
        rule: "COMPATIBILITY_DECLARED",
        fires: &["events/fires.yaml"],
        quiet: &["events/quiet.yaml"],
    },
    Case {
        rule: "REPLAYABLE_NEEDS_TRANSITIVE",
        fires: &["events/fires.yaml"],
        quiet: &["events/quiet.yaml", "events/ephemeral.yaml"],
    },
    // Plain `contrail lint` has no baseline: the rule stays silent. With one, see
    // `breaking_changes_need_a_new_topic_or_major` below.
    Case {
        rule: "BREAKING_CHANGE_NEEDS_NEW_TOPIC_OR_MAJOR",
        fires: &[],
        quiet: &[
            "events/fires.yaml",
            "events/fires-version.yaml",
            "events/quiet-topic.yaml",
            "events/quiet-version.yaml",
            "events/quiet-schema.yaml",
        ],
    },
    Case {
        rule: "CONSUMER_IDEMPOTENT",
        fires: &["services/fires.yaml"],
        quiet: &["services/quiet.yaml"],
    },
    Case {
        rule: "CONSUMER_DEAD_LETTER",
        fires: &["services/fires.yaml"],
        quiet: &["services/quiet.yaml"],
    },
    Case {
        rule: "CONSUMER_RETRY_BACKOFF",
        fires: &["services/fires.yaml", "services/fires-none.yaml"],
        quiet: &["services/quiet.yaml"],
    },
    Case {
        rule: "CONSUMER_GROUP_DECLARED",
        fires: &["services/fires.yaml", "asyncapi/fires.yaml"],
        quiet: &["services/quiet.yaml", "asyncapi/quiet.yaml"],
    },
    Case {
        rule: "ORDERED_EVENT_HAS_KEY",
        fires: &["events/fires.yaml", "events/fires-nullable.yaml"],
        quiet: &["events/quiet.yaml"],
    },
    Case {
        rule: "CONSUMED_EVENT_HAS_PRODUCER",
        fires: &["services/fires.yaml"],
        quiet: &["services/quiet.yaml"],
    },
    Case {
        rule: "PRODUCED_EVENT_HAS_CONSUMER",
        fires: &["events/fires.yaml"],
        quiet: &["events/quiet.yaml", "events/public.yaml"],
    },
    Case {
        rule: "CONSUMER_READS_EXISTING_FIELDS",
        fires: &["services/fires.yaml"],
        quiet: &["services/quiet.yaml"],
    },
    Case {
        rule: "SINGLE_PRODUCER_PER_EVENT",
        fires: &["services/fires.yaml"],
        quiet: &["services/quiet.yaml", "services/earlier.yaml"],
    },
    Case {
        rule: "OWNER_DECLARED",
        fires: &[
            "events/fires.yaml",
            "services/fires.yaml",
            "asyncapi/fires.yaml",
        ],
        quiet: &[
            "events/quiet.yaml",
            "events/inherited.yaml",
            "services/quiet.yaml",
            "asyncapi/quiet.yaml",
        ],
    },
    Case {
        rule: "CONSUMER_SCHEMA_CAN_READ_PRODUCER",
        fires: &["services/fires.yaml"],
        quiet: &["services/quiet.yaml"],
    },
    Case {
        rule: "EVENT_CYCLE",
        fires: &["events/fires.yaml"],
        quiet: &["events/quiet.yaml"],
    },
    Case {
        rule: "FAN_OUT_BUDGET",
        fires: &["events/fires.yaml"],
        quiet: &["events/quiet.yaml"],
    },
];

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

fn check(case: &Case) -> Result<(), String> {
    let root = fixture(case.rule);
    let loaded = load_catalog(&root, LoadOptions::default())
        .map_err(|e| format!("{}: cannot load: {e}", case.rule))?;
    let broken: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}", d.code.code, d.message))
        .collect();
    if !broken.is_empty() {
        return Err(format!(
            "{}: the fixture does not load cleanly: {broken:#?}",
            case.rule
        ));
    }
    let all = contrail_lint::lint(&loaded.catalog);
    let found: Vec<&Diagnostic> = all.iter().filter(|d| d.code.name == case.rule).collect();
    let files: Vec<String> = found
        .iter()
        .filter_map(|d| d.location.as_ref())
        .map(|l| relative(&l.file, &root))
        .collect();
    for file in case.fires {
        if !files.iter().any(|f| f == file) {
            return Err(format!(
                "{}: expected a finding in {file}, found in {files:?}",
                case.rule
            ));
        }
    }
    for file in case.quiet {
        if files.iter().any(|f| f == file) {
            return Err(format!(
                "{}: expected no finding in {file}:\n{}",
                case.rule,
                render(&found, &root)
            ));
        }
    }
    insta::assert_snapshot!(case.rule, render(&found, &root));
    Ok(())
}

#[test]
fn every_rule_fires_and_stays_quiet_as_its_fixture_says() {
    let failures: Vec<String> = CASES.iter().filter_map(|c| check(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_rule_has_a_case() {
    for rule in RULES {
        let name = rule.info().name();
        assert!(
            CASES.iter().any(|c| c.rule == name),
            "{name} has no fixture case in tests/rules.rs"
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
