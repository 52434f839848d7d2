//! Drift on the shop example, from the report of a scripted trace: the one checked in as
//! tests/fixtures/observed/shop-trace.json for the docs and the end-to-end tests.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use super::*;
use crate::diagnostic::Severity;
use crate::observe::{FlowAssembler, FlowRecord, TraceOptions};
use crate::{LoadOptions, load_catalog};

static SHOP: LazyLock<Catalog> =
    LazyLock::new(
        || match load_catalog(&repo().join("examples/shop"), LoadOptions::default()) {
            Ok(loaded) => loaded.catalog,
            Err(e) => panic!("the shop example loads: {e}"),
        },
    );

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const FIXTURE: &str = "tests/fixtures/observed/shop-trace.json";

/// 2026-12-01T09:00:00Z.
const T0: i64 = 1_764_579_600_000;

/// The shop's flows as the fixture has them: four complete orders (so `orders` breaks each
/// after `OrderShipped`, as the catalog declares), two that stop after the payment (broken
/// by `inventory`), two shipped straight after the payment (an undeclared edge
/// `PaymentProcessed` → `OrderShipped`), one still in flight, and three problem records.
/// `OrderShipped` → `OrderPlaced` (declared through `orders`) is never seen.
fn shop_trace() -> FlowAssembler {
    let mut assembler = FlowAssembler::new(&SHOP, &SHOP.graph(), TraceOptions::default());
    let mut offsets: Vec<(&str, i64)> = Vec::new();
    let mut push = |assembler: &mut FlowAssembler, id: &str, event: &str, ts: i64| {
        let topic = match event {
            "OrderPlaced" => "shop.orders",
            "PaymentProcessed" => "shop.payments",
            "InventoryReserved" => "shop.inventory",
            _ => "shop.shipments",
        };
        let offset = match offsets.iter_mut().find(|(t, _)| *t == topic) {
            Some((_, next)) => {
                *next += 1;
                *next
            }
            None => {
                offsets.push((topic, 0));
                0
            }
        };
        assembler.push(FlowRecord {
            event: event.to_owned(),
            correlation_id: id.to_owned(),
            topic: topic.to_owned(),
            partition: 0,
            offset,
            timestamp_ms: ts,
            key: Some(format!("o-{}", id.trim_start_matches("c-"))),
        });
    };
    let payment_hops = [80, 100, 120, 140, 100, 160, 90, 110];
    for (i, hop) in payment_hops.iter().enumerate() {
        let id = format!("c-{}", i + 1);
        let t = T0 + 1000 * i as i64;
        push(&mut assembler, &id, "OrderPlaced", t);
        push(&mut assembler, &id, "PaymentProcessed", t + hop);
        match i {
            0..4 => {
                let reserved = t + hop + 150 + 10 * i as i64;
                push(&mut assembler, &id, "InventoryReserved", reserved);
                push(&mut assembler, &id, "OrderShipped", reserved + 1000);
            }
            4 | 5 => {}
            _ => push(&mut assembler, &id, "OrderShipped", t + hop + 300),
        }
    }
    push(&mut assembler, "c-9", "OrderPlaced", T0 + 120_000);
    assembler.problem(ProblemKind::WrongMagic, "shop.orders", 0, 9);
    assembler.problem(ProblemKind::NoCorrelationId, "shop.payments", 0, 8);
    assembler.problem(ProblemKind::NoCorrelationId, "shop.payments", 0, 9);
    assembler
}

fn fixture() -> TraceReport {
    let text = std::fs::read_to_string(repo().join(FIXTURE)).unwrap_or_default();
    match serde_json::from_str(&text) {
        Ok(report) => report,
        Err(e) => panic!("{FIXTURE} does not parse: {e}"),
    }
}

/// The fixture is what `contrail trace --format json` writes for the scripted flows
/// (pretty-printed). `CONTRAIL_WRITE_FIXTURES=1` rewrites it after a change of the report.
#[test]
fn the_fixture_is_the_report_of_the_scripted_trace() {
    let report = shop_trace().report();
    if std::env::var_os("CONTRAIL_WRITE_FIXTURES").is_some() {
        let text = serde_json::to_string_pretty(&report).unwrap_or_default() + "\n";
        let path = repo().join(FIXTURE);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).ok();
        }
        std::fs::write(&path, text).ok();
    }
    assert_eq!(
        fixture(),
        report,
        "{FIXTURE} is stale: rerun with CONTRAIL_WRITE_FIXTURES=1"
    );
}

fn node(kind: NodeKind, name: &str) -> NodeIndex {
    match SHOP.graph().find(kind, name) {
        Some(node) => node,
        None => panic!("no {name}"),
    }
}

fn event(name: &str) -> NodeIndex {
    node(NodeKind::Event, name)
}

fn service(name: &str) -> NodeIndex {
    node(NodeKind::Service, name)
}

#[test]
fn declared_edges_land_on_the_consumes_edge_of_the_service_between() {
    let graph = SHOP.graph();
    let observed = ObservedGraph::build(&graph, &fixture());
    let payments = observed
        .consumption(event("OrderPlaced"), service("payments"))
        .expect("payments consumes OrderPlaced and produces");
    assert_eq!(payments.produced.len(), 1);
    let (to, seen) = payments.produced[0];
    assert_eq!(to, event("PaymentProcessed"));
    assert_eq!(seen.count, 8);
    assert_eq!(seen.latency_ms.p50, 100);
    assert_eq!(payments.count(), 8);
    // The declaration behind it: payments' first `consumes` entry.
    let (s, c) = payments.declaration.expect("declared");
    assert_eq!(SHOP.services[s].name.value, "payments");
    assert_eq!(c, 0);

    let orders = observed
        .consumption(event("OrderShipped"), service("orders"))
        .expect("orders consumes OrderShipped and produces OrderPlaced");
    assert_eq!(
        orders.produced,
        [(event("OrderPlaced"), Observation::default())]
    );

    // notifications produces nothing: the trace cannot see what it does.
    assert!(
        observed
            .consumption(event("OrderPlaced"), service("notifications"))
            .is_none()
    );
    assert_eq!(observed.consumptions().len(), 4);

    assert_eq!(
        observed.undeclared,
        [UndeclaredEdge {
            from: event("PaymentProcessed"),
            to: event("OrderShipped"),
            observation: Observation {
                count: 2,
                latency_ms: Percentiles {
                    p50: 300,
                    p90: 300,
                    p99: 300,
                    max: 300
                }
            },
            index: 4,
        }]
    );
    assert!(observed.unplaced.is_empty());
}

fn trace() -> &'static Path {
    Path::new(FIXTURE)
}

/// (code, severity, file the finding points at relative to the repository, pointer).
fn summary(findings: &[Diagnostic]) -> Vec<(&'static str, Severity, String, Option<String>)> {
    let root = repo()
        .join("examples/shop")
        .canonicalize()
        .unwrap_or_default();
    findings
        .iter()
        .map(|d| {
            let file = d.location.as_ref().map_or_else(String::new, |l| {
                l.file
                    .strip_prefix(&root)
                    .unwrap_or(&l.file)
                    .display()
                    .to_string()
            });
            (d.code.code, d.severity, file, d.pointer.clone())
        })
        .collect()
}

#[test]
fn the_shop_trace_gives_one_finding_per_kind_of_drift() {
    let found = findings(&SHOP, &fixture(), trace());
    let s = |x: &str| x.to_owned();
    assert_eq!(
        summary(&found),
        [
            (
                "CO001",
                Severity::Error,
                s("asyncapi/shipping.yaml"),
                Some(s("/operations/reportShipment/channel/$ref"))
            ),
            (
                "CO002",
                Severity::Warning,
                s("services/orders.yaml"),
                Some(s("/consumes/0/event"))
            ),
            (
                "CO003",
                Severity::Warning,
                s("services/inventory.yaml"),
                Some(s("/consumes/0/event"))
            ),
            (
                "CO003",
                Severity::Warning,
                s("services/orders.yaml"),
                Some(s("/consumes/0/event"))
            ),
            (
                "CO010",
                Severity::Error,
                s("events/order-placed.yaml"),
                Some(s("/topic"))
            ),
            (
                "CO014",
                Severity::Error,
                s("contrail.yaml"),
                Some(s("/defaults/correlation"))
            ),
        ]
    );
    let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`PaymentProcessed` → `OrderShipped` was seen 2 times (p50 300 ms), but no service declares consuming `PaymentProcessed` and producing `OrderShipped`",
            "`orders` consumes `OrderShipped` and produces `OrderPlaced`, but the trace never saw `OrderPlaced` follow `OrderShipped`",
            "`inventory` broke 4 chains: it consumes `PaymentProcessed` but produced nothing after it (flows c-5, c-6, c-7, …)",
            "`orders` broke 6 chains: it consumes `OrderShipped` but produced nothing after it (flows c-1, c-2, c-3, …)",
            "1 record in neither Confluent wire format nor JSON, where the event needs a registry (`wrong_magic`), e.g. shop.orders/0@9",
            "2 records without a correlation id where the contract says (`no_correlation_id`), e.g. shop.payments/0@8, shop.payments/0@9",
        ]
    );
    // Every finding at a declaration names the trace's evidence.
    let evidence: Vec<&str> = found
        .iter()
        .map(|d| d.related.last().map_or("", |r| r.message.as_str()))
        .collect();
    assert_eq!(
        evidence,
        [
            "seen in the trace at /edges/4",
            "seen in the trace at /edges/2",
            "seen in the trace at /broken_by_service/inventory",
            "seen in the trace at /broken_by_service/orders",
            "seen in the trace at /records/problems/wrong_magic",
            "seen in the trace at /records/problems/no_correlation_id",
        ]
    );
    assert!(
        found
            .iter()
            .flat_map(|d| &d.related)
            .all(|r| r.location == Location::file_start(trace()))
    );
    assert!(found.iter().all(|d| d.help.is_some()));
}

/// A report trimmed to its edges, as a trace with `--flows none` and nothing else would be.
fn edges_only(edges: Vec<EdgeReport>) -> TraceReport {
    let mut report = fixture();
    report.flows.clear();
    report.broken_by_service.clear();
    report.records.problems = Default::default();
    report.records.problem_examples = Default::default();
    report.edges = edges;
    report
}

fn edge(from: &str, to: &str, declared: bool, count: u64) -> EdgeReport {
    EdgeReport {
        from: Arc::from(from),
        to: Arc::from(to),
        declared,
        count,
        latency_ms: Percentiles {
            p50: 10 * count as i64,
            ..Percentiles::default()
        },
        exact: true,
    }
}

#[test]
fn declared_is_decided_by_the_catalog_as_it_is_not_by_the_report() {
    // The report was taken against a catalog that declared neither edge the way this one does.
    let report = edges_only(vec![
        edge("OrderPlaced", "PaymentProcessed", false, 3),
        edge("PaymentProcessed", "InventoryReserved", false, 3),
        edge("InventoryReserved", "OrderShipped", false, 3),
        edge("OrderShipped", "OrderPlaced", false, 1),
        edge("OrderPlaced", "InventoryReserved", true, 2),
    ]);
    let found = findings(&SHOP, &report, trace());
    let codes: Vec<(&str, &str)> = found
        .iter()
        .map(|d| (d.code.code, d.message.as_str()))
        .collect();
    assert_eq!(
        codes,
        [(
            "CO001",
            "`OrderPlaced` → `InventoryReserved` was seen 2 times (p50 20 ms), but no service declares consuming `OrderPlaced` and producing `InventoryReserved`"
        )]
    );
    assert_eq!(
        summary(&found)[0].2,
        "services/inventory.yaml",
        "at inventory's `produces` entry"
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some(
            "if `inventory` produces `InventoryReserved` in reaction to `OrderPlaced`, add `OrderPlaced` to its `consumes`; if the two are unrelated, find the producer that copies the correlation id onto `InventoryReserved`"
        )
    );
}

#[test]
fn edges_naming_events_the_catalog_lacks_point_at_the_trace() {
    let report = edges_only(vec![
        edge("OrderPlaced", "PaymentProcessed", true, 1),
        edge("PaymentProcessed", "InventoryReserved", true, 1),
        edge("InventoryReserved", "OrderShipped", true, 1),
        edge("OrderShipped", "OrderPlaced", true, 1),
        edge("OrderPlaced", "OrderCancelled", false, 1),
    ]);
    let graph = SHOP.graph();
    let observed = ObservedGraph::build(&graph, &report);
    assert!(observed.undeclared.is_empty());
    assert_eq!(observed.unplaced.len(), 1);
    assert_eq!(observed.unplaced[0].index, 4);
    let found = findings(&SHOP, &report, trace());
    assert_eq!(
        summary(&found),
        [(
            "CO001",
            Severity::Error,
            FIXTURE.to_owned(),
            Some("/edges/4".to_owned())
        )]
    );
    assert_eq!(
        found[0].message,
        "`OrderPlaced` → `OrderCancelled` was seen once (p50 10 ms), but the catalog does not know `OrderCancelled`"
    );
    assert!(found[0].related.is_empty());
}

#[test]
fn a_declared_edge_of_an_event_never_seen_says_so() {
    // Only the payment hop was read: InventoryReserved and OrderShipped never appear.
    let report = edges_only(vec![edge("OrderPlaced", "PaymentProcessed", true, 5)]);
    let found = findings(&SHOP, &report, trace());
    let never: Vec<(&str, Option<&str>)> = found
        .iter()
        .map(|d| (d.message.as_str(), d.help.as_deref()))
        .collect();
    assert_eq!(never.len(), 3, "{never:#?}");
    assert!(
        found
            .iter()
            .all(|d| d.code == codes::DECLARED_EDGE_NOT_OBSERVED)
    );
    assert!(
        never[0].1.is_some_and(|h| h.ends_with(
            "(the trace saw no edge into or out of `InventoryReserved` at all: was its topic read?)"
        )),
        "{never:#?}"
    );
    // An edge the report does not list at all points at the edges as a whole.
    assert_eq!(found[0].related[0].message, "seen in the trace at /edges");
}

#[test]
fn broken_chains_without_flows_point_at_the_only_consumption() {
    let mut report = edges_only(vec![]);
    report.broken_by_service.insert("payments".to_owned(), 1);
    report.broken_by_service.insert("billing".to_owned(), 2);
    let found: Vec<Diagnostic> = findings(&SHOP, &report, trace())
        .into_iter()
        .filter(|d| d.code == codes::BROKEN_CHAIN_OBSERVED)
        .collect();
    assert_eq!(
        summary(&found),
        [
            (
                "CO003",
                Severity::Warning,
                FIXTURE.to_owned(),
                Some("/broken_by_service/billing".to_owned())
            ),
            (
                "CO003",
                Severity::Warning,
                "services/payments.yaml".to_owned(),
                Some("/consumes/0/event".to_owned())
            ),
        ]
    );
    assert_eq!(
        found[1].message,
        "`payments` broke 1 chain: it consumed an event and produced nothing after it"
    );
}

#[test]
fn problem_records_on_an_unknown_topic_point_at_the_trace() {
    let mut report = edges_only(vec![]);
    report.records.problems.not_declared = 7;
    report.records.problem_examples.not_declared = vec![RecordPosition {
        topic: Arc::from("shop.legacy"),
        partition: 2,
        offset: 40,
    }];
    report.records.problems.truncated = 1;
    let found: Vec<Diagnostic> = findings(&SHOP, &report, trace())
        .into_iter()
        .filter(|d| d.code.family == crate::diagnostic::Family::Observed && d.code.code >= "CO010")
        .collect();
    assert_eq!(
        summary(&found),
        [
            (
                "CO012",
                Severity::Error,
                FIXTURE.to_owned(),
                Some("/records/problems/truncated".to_owned())
            ),
            (
                "CO013",
                Severity::Error,
                FIXTURE.to_owned(),
                Some("/records/problems/not_declared".to_owned())
            ),
        ]
    );
    assert_eq!(
        found[1].message,
        "7 records that decode to no event declared on their topic (`not_declared`), e.g. shop.legacy/2@40, …"
    );
}

#[test]
fn chains_broken_after_several_events_name_each_and_point_at_the_most_frequent() {
    let mut report = fixture();
    let first = &mut report.flows[0].broken;
    let orders = first
        .iter_mut()
        .find(|b| &*b.service == "orders")
        .expect("c-1 is broken by orders");
    orders.after = Arc::from("PaymentProcessed");
    let found: Vec<Diagnostic> = findings(&SHOP, &report, trace())
        .into_iter()
        .filter(|d| d.code == codes::BROKEN_CHAIN_OBSERVED && d.message.starts_with("`orders`"))
        .collect();
    assert_eq!(
        found[0].message,
        "`orders` broke 6 chains: it consumed an event and produced nothing after it (flows c-1 after PaymentProcessed, c-2 after OrderShipped, c-3 after OrderShipped, …)"
    );
    assert_eq!(found[0].pointer.as_deref(), Some("/consumes/0/event"));
}
