//! The assembler on the shop example: orders → OrderPlaced → payments → PaymentProcessed →
//! inventory → InventoryReserved → shipping → OrderShipped → orders (and notifications, which
//! consumes OrderPlaced and OrderShipped and produces nothing).

use std::sync::LazyLock;

use super::*;
use crate::observe::{EdgeReport, FlowReport, Percentiles, TraceReport, to_otlp};
use crate::{LoadOptions, load_catalog};

static SHOP: LazyLock<Catalog> = LazyLock::new(|| {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
    match load_catalog(&dir, LoadOptions::default()) {
        Ok(loaded) => loaded.catalog,
        Err(e) => panic!("the shop example loads: {e}"),
    }
});

fn assembler(options: TraceOptions) -> FlowAssembler {
    FlowAssembler::new(&SHOP, &SHOP.graph(), options)
}

/// An assembler with the default options, fed `records` in order.
fn fed(records: impl IntoIterator<Item = FlowRecord>) -> FlowAssembler {
    let mut a = assembler(TraceOptions::default());
    for r in records {
        a.push(r);
    }
    a
}

fn topic_of(event: &str) -> &'static str {
    match event {
        "OrderPlaced" => "shop.orders",
        "PaymentProcessed" => "shop.payments",
        "InventoryReserved" => "shop.inventory",
        "OrderShipped" => "shop.shipments",
        _ => "shop.other",
    }
}

/// A record of `event` in flow `id` at `ts`, on partition 0 at offset `offset`.
fn rec(id: &str, event: &str, ts: i64, offset: i64) -> FlowRecord {
    FlowRecord {
        event: event.to_owned(),
        correlation_id: id.to_owned(),
        topic: topic_of(event).to_owned(),
        partition: 0,
        offset,
        timestamp_ms: ts,
        key: Some(format!("order-{id}")),
    }
}

/// The whole declared chain for `id`, starting at `t0`, with hops of 100, 150 and 1000 ms.
fn chain(id: &str, t0: i64, offset: i64) -> Vec<FlowRecord> {
    vec![
        rec(id, "OrderPlaced", t0, offset),
        rec(id, "PaymentProcessed", t0 + 100, offset),
        rec(id, "InventoryReserved", t0 + 250, offset),
        rec(id, "OrderShipped", t0 + 1250, offset),
    ]
}

fn edge<'r>(report: &'r TraceReport, from: &str, to: &str) -> &'r EdgeReport {
    match report
        .edges
        .iter()
        .find(|e| &*e.from == from && &*e.to == to)
    {
        Some(edge) => edge,
        None => panic!("no edge {from} → {to} in {:?}", report.edges),
    }
}

fn events_of(flow: &FlowReport) -> Vec<&str> {
    flow.records.iter().map(|r| &*r.event).collect()
}

#[test]
fn a_declared_chain_is_one_flow_of_declared_hops() {
    let a = fed(chain("c-1", 1_000, 12));
    let report = a.report();
    assert_eq!(report.records.read, 4);
    assert_eq!(report.records.in_flows, 4);
    assert_eq!(report.flows.len(), 1);
    let flow = &report.flows[0];
    assert_eq!(&*flow.correlation_id, "c-1");
    assert_eq!(
        events_of(flow),
        [
            "OrderPlaced",
            "PaymentProcessed",
            "InventoryReserved",
            "OrderShipped"
        ]
    );
    // Nothing is older than a minute yet: no verdicts.
    assert!(flow.broken.is_empty());
    for (from, to, latency) in [
        ("OrderPlaced", "PaymentProcessed", 100),
        ("PaymentProcessed", "InventoryReserved", 150),
        ("InventoryReserved", "OrderShipped", 1000),
    ] {
        let e = edge(&report, from, to);
        assert!(e.declared && e.exact);
        assert_eq!(e.count, 1, "{from} → {to}");
        assert_eq!(e.latency_ms.p50, latency);
        assert_eq!(e.latency_ms.max, latency);
    }
    // Declared but not followed here: listed with count 0.
    let back = edge(&report, "OrderShipped", "OrderPlaced");
    assert!(back.declared);
    assert_eq!(back.count, 0);
    assert_eq!(back.latency_ms, Percentiles::default());
    assert!(report.edges.iter().all(|e| e.declared));

    let timeline = a.timeline("c-1").expect("the flow is open");
    let hops: Vec<_> = timeline
        .records
        .iter()
        .map(|s| {
            s.predecessor
                .as_ref()
                .map(|h| (h.index, h.declared, h.latency_ms, h.group.as_deref()))
        })
        .collect();
    assert_eq!(
        hops,
        [
            None,
            Some((0, true, 100, Some("payments"))),
            Some((1, true, 150, Some("inventory"))),
            Some((2, true, 1000, Some("shipping"))),
        ]
    );
    assert_eq!(timeline.records[0].producer.as_deref(), Some("orders"));
    assert!(a.timeline("c-2").is_none());
}

#[test]
fn the_declared_predecessor_is_the_latest_record_of_a_source_event() {
    // Two payments for one order, the inventory reservation follows the later one — even
    // though an OrderPlaced retry came in between.
    let a = fed([
        rec("c", "OrderPlaced", 0, 1),
        rec("c", "PaymentProcessed", 10, 1),
        rec("c", "PaymentProcessed", 20, 2),
        rec("c", "OrderPlaced", 25, 2),
        rec("c", "InventoryReserved", 30, 1),
    ]);
    let t = a.timeline("c").expect("open");
    let reserved = t.records[4].predecessor.as_ref().expect("has one");
    assert_eq!(
        (reserved.index, reserved.declared, reserved.latency_ms),
        (2, true, 10)
    );
    // The second OrderPlaced has no declared source in the flow (OrderShipped): the latest
    // earlier record is its predecessor, undeclared.
    let retry = t.records[3].predecessor.as_ref().expect("has one");
    assert_eq!((retry.index, retry.declared), (2, false));
    let report = a.report();
    let undeclared = edge(&report, "PaymentProcessed", "OrderPlaced");
    assert!(!undeclared.declared);
    assert_eq!(undeclared.count, 1);
    assert_eq!(edge(&report, "OrderPlaced", "PaymentProcessed").count, 2);
}

#[test]
fn a_skipped_service_makes_an_undeclared_edge() {
    let a = fed([
        rec("c", "OrderPlaced", 0, 1),
        rec("c", "InventoryReserved", 40, 1),
    ]);
    let report = a.report();
    let e = edge(&report, "OrderPlaced", "InventoryReserved");
    assert!(!e.declared);
    assert_eq!((e.count, e.latency_ms.p50), (1, 40));
    // Undeclared edges come after every declared one, by name.
    let last = report.edges.last().expect("edges");
    assert_eq!(
        (&*last.from, &*last.to),
        ("OrderPlaced", "InventoryReserved")
    );
    let hop = a
        .timeline("c")
        .and_then(|t| t.records[1].predecessor.clone());
    assert_eq!(hop.map(|h| (h.declared, h.service)), Some((false, None)));
}

#[test]
fn undeclared_edges_are_sorted_by_name_after_the_declared_ones() {
    let a = fed([
        rec("a", "OrderShipped", 0, 1),
        rec("a", "PaymentProcessed", 5, 1),
        rec("b", "OrderPlaced", 0, 2),
        rec("b", "InventoryReserved", 5, 2),
    ]);
    let report = a.report();
    let declared = report.edges.iter().take_while(|e| e.declared).count();
    assert_eq!(declared, 4);
    let undeclared: Vec<(&str, &str)> = report.edges[declared..]
        .iter()
        .map(|e| (&*e.from, &*e.to))
        .collect();
    assert_eq!(
        undeclared,
        [
            ("OrderPlaced", "InventoryReserved"),
            ("OrderShipped", "PaymentProcessed")
        ]
    );
}

#[test]
fn a_chain_breaks_once_its_record_is_older_than_broken_after() {
    let options = TraceOptions {
        broken_after_ms: 60_000,
        ..TraceOptions::default()
    };
    let mut a = assembler(options);
    a.push(rec("stuck", "OrderPlaced", 0, 1));
    a.push(rec("other", "OrderPlaced", 60_000, 2));
    // Exactly 60 s old is not older than 60 s.
    assert_eq!(a.report().totals.broken_chains, 0);
    a.push(rec("other", "PaymentProcessed", 60_001, 2));
    let report = a.report();
    let stuck = report
        .flows
        .iter()
        .find(|f| &*f.correlation_id == "stuck")
        .expect("listed");
    // payments consumes OrderPlaced and produces PaymentProcessed; notifications consumes it
    // too but produces nothing, so it cannot break a chain.
    assert_eq!(stuck.broken.len(), 1);
    assert_eq!(
        (&*stuck.broken[0].after, &*stuck.broken[0].service),
        ("OrderPlaced", "payments")
    );
    assert_eq!(
        (&*stuck.broken[0].topic, stuck.broken[0].offset),
        ("shop.orders", 1)
    );
    // The newest record read is the clock, not the flow's own newest record: "other" is
    // recent, so it is not broken.
    let other = report
        .flows
        .iter()
        .find(|f| &*f.correlation_id == "other")
        .expect("listed");
    assert!(other.broken.is_empty());
    assert_eq!(report.broken_by_service.get("payments"), Some(&1));
    assert_eq!(report.totals.broken_flows, 1);
}

#[test]
fn a_complete_shop_flow_is_broken_by_orders_under_the_definition() {
    // The shop's graph is a cycle: orders consumes OrderShipped and produces OrderPlaced. By
    // the definition (no *later* record of an event the service produces), the end of every
    // complete flow is a chain orders broke, once older than broken_after.
    let mut a = fed(chain("c", 0, 1));
    a.push(rec("later", "OrderPlaced", 200_000, 2));
    a.push(rec("later", "PaymentProcessed", 200_010, 2));
    let report = a.report();
    let flow = &report.flows[0];
    let broken: Vec<(&str, &str)> = flow
        .broken
        .iter()
        .map(|b| (&*b.after, &*b.service))
        .collect();
    assert_eq!(broken, [("OrderShipped", "orders")]);
}

#[test]
fn records_arriving_out_of_order_are_ordered_before_anything_is_computed() {
    let mut in_order = assembler(TraceOptions::default());
    let mut shuffled = assembler(TraceOptions::default());
    let mut records = chain("c-1", 1_000, 12);
    records.extend(chain("c-2", 900, 13));
    for r in records.iter().cloned() {
        in_order.push(r);
    }
    // Partitions read at different speeds: the later topics arrive first.
    for i in [7, 3, 6, 2, 5, 1, 4, 0] {
        shuffled.push(records[i].clone());
    }
    let (a, b) = (in_order.report(), shuffled.report());
    assert_eq!(a, b);
    // c-2 starts earlier, so it is listed first.
    let ids: Vec<&str> = a.flows.iter().map(|f| &*f.correlation_id).collect();
    assert_eq!(ids, ["c-2", "c-1"]);
    assert_eq!(edge(&a, "InventoryReserved", "OrderShipped").count, 2);
    assert!(a.edges.iter().all(|e| e.declared));
}

#[test]
fn equal_timestamps_are_ordered_by_topic_partition_and_offset() {
    let mut a = assembler(TraceOptions::default());
    let r = |event: &str, topic: &str, partition: i32, offset: i64| FlowRecord {
        topic: topic.to_owned(),
        partition,
        ..rec("c", event, 5, offset)
    };
    let records = [
        r("PaymentProcessed", "shop.payments", 1, 3),
        r("PaymentProcessed", "shop.payments", 0, 9),
        r("OrderPlaced", "shop.orders", 0, 4),
        r("PaymentProcessed", "shop.payments", 0, 2),
    ];
    for record in records {
        a.push(record);
    }
    let report = a.report();
    let positions: Vec<(&str, i32, i64)> = report.flows[0]
        .records
        .iter()
        .map(|r| (&*r.topic, r.partition, r.offset))
        .collect();
    assert_eq!(
        positions,
        [
            ("shop.orders", 0, 4),
            ("shop.payments", 0, 2),
            ("shop.payments", 0, 9),
            ("shop.payments", 1, 3)
        ]
    );
}

#[test]
fn latency_percentiles_are_nearest_rank_over_every_hop() {
    let mut a = assembler(TraceOptions::default());
    // Payment latencies 10, 20, …, 100 ms over ten flows.
    for i in 1..=10 {
        let id = format!("c-{i}");
        a.push(rec(&id, "OrderPlaced", i * 1_000, i));
        a.push(rec(&id, "PaymentProcessed", i * 1_000 + i * 10, i));
    }
    let e = a.report();
    let e = edge(&e, "OrderPlaced", "PaymentProcessed");
    assert_eq!(e.count, 10);
    assert_eq!(
        e.latency_ms,
        Percentiles {
            p50: 50,
            p90: 90,
            p99: 100,
            max: 100
        }
    );
}

#[test]
fn a_record_seen_but_not_assembled_still_moves_the_broken_clock() {
    let mut a = fed([rec("c", "OrderPlaced", 0, 1)]);
    assert!(a.report().flows[0].broken.is_empty());
    a.saw(120_000);
    assert_eq!(a.newest_timestamp_ms(), Some(120_000));
    let report = a.report();
    assert_eq!(report.records.read, 1);
    assert_eq!(report.flows[0].broken.len(), 1, "{:?}", report.flows[0]);
}

#[test]
fn skipped_records_are_read_but_in_no_flow_and_no_problem() {
    let mut a = fed([rec("c", "OrderPlaced", 0, 1)]);
    a.skip();
    a.skip();
    let records = a.report().records;
    assert_eq!((records.read, records.in_flows, records.skipped), (3, 1, 2));
    assert_eq!(records.problems, PerProblem::default());
}

#[test]
fn problems_are_counted_once_each_and_join_no_flow() {
    let mut a = fed([rec("c", "OrderPlaced", 0, 1)]);
    for offset in 0..7 {
        a.problem(ProblemKind::WrongMagic, "shop.orders", 3, offset);
    }
    a.problem(ProblemKind::UnknownSchemaId, "shop.payments", 0, 40);
    a.problem(ProblemKind::NoCorrelationId, "shop.inventory", 1, 41);
    let report = a.report();
    let records = &report.records;
    assert_eq!((records.read, records.in_flows), (10, 1));
    assert_eq!(records.problems.wrong_magic, 7);
    assert_eq!(records.problems.unknown_schema_id, 1);
    assert_eq!(records.problems.no_correlation_id, 1);
    assert_eq!(
        records.problems.truncated + records.problems.not_declared,
        0
    );
    let examples: Vec<i64> = records
        .problem_examples
        .wrong_magic
        .iter()
        .map(|p| p.offset)
        .collect();
    assert_eq!(examples, [0, 1, 2, 3, 4]);
    assert_eq!(
        &*records.problem_examples.no_correlation_id[0].topic,
        "shop.inventory"
    );
    assert_eq!(report.flows.len(), 1);
    assert_eq!(report.flows[0].records.len(), 1);
}

#[test]
fn keep_chooses_the_flows_listed_but_not_what_is_counted() {
    let records = || {
        let mut r = chain("done", 0, 1);
        r.push(rec("stuck", "OrderPlaced", 10, 2));
        r.push(rec("fresh", "OrderPlaced", 100_000, 3));
        r
    };
    let report = |keep| {
        let mut a = assembler(TraceOptions {
            keep,
            ..TraceOptions::default()
        });
        for r in records() {
            a.push(r);
        }
        a.report()
    };
    let (all, broken, none) = (
        report(KeepFlows::All),
        report(KeepFlows::Broken),
        report(KeepFlows::None),
    );
    assert_eq!(all.flows.len(), 3);
    let ids: Vec<&str> = broken.flows.iter().map(|f| &*f.correlation_id).collect();
    assert_eq!(ids, ["done", "stuck"]);
    assert!(none.flows.is_empty());
    for r in [&broken, &none] {
        assert_eq!(r.edges, all.edges);
        assert_eq!(r.totals, all.totals);
        assert_eq!(r.broken_by_service, all.broken_by_service);
    }
}

#[test]
fn follow_mode_closes_flows_out_of_the_window_and_keeps_memory_bounded() {
    let options = TraceOptions {
        broken_after_ms: 500,
        window_ms: Some(1_000),
        keep: KeepFlows::All,
    };
    let mut a = assembler(options);
    let mut max_open = 0;
    // 100,000 flows, one every 10 ms; every tenth never gets paid.
    for i in 0..100_000i64 {
        let id = format!("c-{i}");
        a.push(rec(&id, "OrderPlaced", i * 10, i));
        if i % 10 != 0 {
            a.push(rec(&id, "PaymentProcessed", i * 10 + 7, i));
        }
        max_open = max_open.max(a.open_flows());
    }
    // The window holds ~100 flows (1 s at one per 10 ms), plus the one being added.
    assert!(max_open <= 102, "{max_open} flows open at once");
    assert!(
        a.expiry.len() <= 2 * max_open + 2,
        "{} expiry entries",
        a.expiry.len()
    );
    assert!(a.slots.len() <= max_open + 1, "{} slots", a.slots.len());
    let report = a.report();
    assert_eq!(report.totals.flows, 100_000);
    assert_eq!(report.totals.open, a.open_flows() as u64);
    assert_eq!(report.totals.closed + report.totals.open, 100_000);
    assert_eq!(report.flows.len(), a.open_flows());
    let paid = edge(&report, "OrderPlaced", "PaymentProcessed");
    assert_eq!(paid.count, 90_000);
    assert_eq!(paid.latency_ms.max, 7);
    assert!(!paid.exact);
    // Unpaid flows break at payments, paid ones at inventory (no InventoryReserved follows),
    // once older than broken_after: every closed flow, and the open ones older than 500 ms.
    let open_broken = |service: &str| {
        let chains = report.flows.iter().flat_map(|f| &f.broken);
        chains.filter(|b| &*b.service == service).count() as u64
    };
    let by = |service: &str| report.broken_by_service.get(service).copied();
    let closed = report.totals.closed;
    assert_eq!(
        by("payments"),
        Some(closed.div_ceil(10) + open_broken("payments"))
    );
    assert_eq!(
        by("inventory"),
        Some(closed - closed.div_ceil(10) + open_broken("inventory"))
    );
    assert_eq!(report.broken_by_service.len(), 2);
    assert_eq!(report.totals.broken_flows, report.totals.broken_chains);
    assert_eq!(report.records.in_flows, 190_000);
}

#[test]
fn follow_mode_waits_for_broken_after_before_closing() {
    // A window shorter than broken_after: flows stay open until their verdicts are final.
    let mut a = assembler(TraceOptions {
        broken_after_ms: 5_000,
        window_ms: Some(1_000),
        keep: KeepFlows::All,
    });
    a.push(rec("stuck", "OrderPlaced", 0, 1));
    a.push(rec("tick", "OrderPlaced", 3_000, 2));
    assert_eq!(a.open_flows(), 2);
    a.push(rec("tick", "OrderPlaced", 5_001, 3));
    assert_eq!(a.open_flows(), 1);
    let report = a.report();
    assert_eq!(report.totals.closed, 1);
    assert_eq!(report.broken_by_service.get("payments"), Some(&1));
    // A late record for a closed correlation id starts a new flow.
    a.push(rec("stuck", "PaymentProcessed", 5_002, 4));
    assert_eq!(a.open_flows(), 2);
    assert_eq!(a.report().totals.flows, 3);
}

#[test]
fn records_the_catalog_does_not_know_are_kept_without_declarations() {
    let mut a = assembler(TraceOptions::default());
    a.push(rec("c", "OrderPlaced", 0, 1));
    a.push(FlowRecord {
        event: "Mystery".to_owned(),
        key: None,
        ..rec("c", "OrderPlaced", 5, 2)
    });
    a.push(rec("c", "PaymentProcessed", 9, 3));
    let report = a.report();
    assert_eq!(edge(&report, "OrderPlaced", "Mystery").count, 1);
    // The payment still finds its declared predecessor past the unknown record.
    assert_eq!(edge(&report, "OrderPlaced", "PaymentProcessed").count, 1);
    assert_eq!(report.flows[0].records[1].key, None);
}

#[test]
fn keys_equal_within_a_flow_share_one_allocation() {
    let a = fed(chain("c", 0, 1));
    let flow = a.slots[0].as_ref().expect("open");
    let first = flow.records[0].key.as_ref().expect("keyed");
    assert!(
        flow.records
            .iter()
            .all(|r| r.key.as_ref().is_some_and(|k| Arc::ptr_eq(k, first)))
    );
    assert_eq!(std::mem::size_of::<Rec>(), 48);
}

/// A complete flow (broken by orders, see above), one stuck before payment, one that skipped
/// payment, one too recent for a verdict, and a problem record.
fn small_scenario(a: &mut FlowAssembler) {
    for r in chain("c-1", 0, 12) {
        a.push(r);
    }
    a.push(rec("c-0", "OrderPlaced", 500, 11));
    a.push(rec("c-2", "OrderPlaced", 70_000, 13));
    a.push(rec("c-2", "InventoryReserved", 70_040, 14));
    a.push(rec("c-3", "OrderPlaced", 100_000, 15));
    a.problem(ProblemKind::Truncated, "shop.payments", 1, 99);
}

#[test]
fn the_report_serializes_as_the_issue_specifies() {
    let mut a = assembler(TraceOptions::default());
    small_scenario(&mut a);
    insta::assert_json_snapshot!("trace_report", a.report());
}

#[test]
fn otlp_is_one_trace_per_flow_and_one_span_per_record() {
    let mut a = fed(chain("c-1", 1_000, 12));
    a.push(rec(
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "OrderPlaced",
        2_000,
        13,
    ));
    a.push(rec(
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "InventoryReserved",
        2_010,
        14,
    ));
    let otlp = to_otlp(&a, "contrail");
    let resources = otlp["resourceSpans"].as_array().expect("resourceSpans");
    let service =
        |r: &serde_json::Value| r["resource"]["attributes"][0]["value"]["stringValue"].clone();
    let services: Vec<_> = resources.iter().map(service).collect();
    assert_eq!(
        services,
        ["orders", "payments", "inventory", "shipping"].map(serde_json::Value::from)
    );
    let spans: Vec<&serde_json::Value> = resources
        .iter()
        .flat_map(|r| r["scopeSpans"][0]["spans"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(spans.len(), 6);
    let traces: std::collections::BTreeSet<&str> =
        spans.iter().filter_map(|s| s["traceId"].as_str()).collect();
    assert_eq!(traces.len(), 2);
    // A W3C trace id is kept, so the spans join the services' own traces.
    assert!(traces.contains("4bf92f3577b34da6a3ce929d0e0e4736"));
    for s in &spans {
        let (trace, span) = (s["traceId"].as_str(), s["spanId"].as_str());
        assert!(trace.is_some_and(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())));
        assert!(span.is_some_and(|t| t.len() == 16 && t.bytes().all(|b| b.is_ascii_hexdigit())));
    }
    let by_name = |name: &str, trace: &str| {
        spans
            .iter()
            .find(|s| s["name"] == name && s["traceId"] != trace)
            .copied()
            .expect("span")
    };
    let w3c = "4bf92f3577b34da6a3ce929d0e0e4736";
    let placed = by_name("OrderPlaced", w3c);
    let paid = by_name("PaymentProcessed", w3c);
    assert_eq!(placed["kind"], 4);
    assert!(placed.get("parentSpanId").is_none() && placed.get("links").is_none());
    assert_eq!(placed["startTimeUnixNano"], "1000000000");
    assert_eq!(paid["kind"], 5);
    assert_eq!(paid["parentSpanId"], placed["spanId"]);
    assert_eq!(paid["links"][0]["spanId"], placed["spanId"]);
    assert_eq!(paid["links"][0]["traceId"], placed["traceId"]);
    assert_eq!(paid["startTimeUnixNano"], "1000000000");
    assert_eq!(paid["endTimeUnixNano"], "1100000000");
    let attributes: Vec<(String, serde_json::Value)> = paid["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .map(|kv| {
            (
                kv["key"].as_str().unwrap_or("").to_owned(),
                kv["value"].clone(),
            )
        })
        .collect();
    let expected = serde_json::json!([
        ["messaging.system", {"stringValue": "kafka"}],
        ["messaging.operation.type", {"stringValue": "process"}],
        ["messaging.destination.name", {"stringValue": "shop.payments"}],
        ["messaging.destination.partition.id", {"stringValue": "0"}],
        ["messaging.kafka.offset", {"intValue": "12"}],
        ["messaging.kafka.message.key", {"stringValue": "order-c-1"}],
        ["messaging.consumer.group.name", {"stringValue": "payments"}],
        ["messaging.message.conversation_id", {"stringValue": "c-1"}],
        ["contrail.event", {"stringValue": "PaymentProcessed"}],
    ]);
    assert_eq!(serde_json::to_value(&attributes).ok(), Some(expected));
    // The undeclared hop of the second flow: a PRODUCER span linked to its predecessor.
    let skipped = spans
        .iter()
        .find(|s| s["traceId"] == w3c && s["name"] == "InventoryReserved")
        .expect("span");
    assert_eq!(skipped["kind"], 4);
    assert_eq!(
        skipped["links"][0]["attributes"][0]["value"]["boolValue"],
        false
    );
    assert_eq!(skipped["startTimeUnixNano"], skipped["endTimeUnixNano"]);
}

#[test]
fn otlp_ids_are_deterministic() {
    use crate::observe::otlp::{span_id, trace_id};
    assert_eq!(trace_id("c-1"), trace_id("c-1"));
    assert_ne!(trace_id("c-1"), trace_id("c-2"));
    assert_eq!(
        trace_id("4BF92F3577B34DA6A3CE929D0E0E4736"),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    // All zeros is no trace id: hashed like any other string.
    assert_ne!(trace_id(&"0".repeat(32)), "0".repeat(32));
    assert_ne!(span_id("t", 0, 1), span_id("t", 1, 0));
    assert_eq!(span_id("t", 0, 1).len(), 16);
}

#[test]
fn otlp_batches_hold_whole_flows() {
    let a = fed((0..5).flat_map(|i| chain(&format!("c-{i}"), i * 10, i)));
    let batches: Vec<serde_json::Value> =
        crate::observe::to_otlp_batches(&a, "contrail", 9).collect();
    let count = |v: &serde_json::Value| {
        v["resourceSpans"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["scopeSpans"][0]["spans"].as_array().map_or(0, Vec::len))
            .sum::<usize>()
    };
    let counts: Vec<usize> = batches.iter().map(count).collect();
    assert_eq!(counts, [8, 8, 4]);
    assert_eq!(count(&to_otlp(&a, "contrail")), 20);
}

#[test]
fn a_broken_record_has_an_error_status_in_otlp() {
    let a = fed([
        rec("stuck", "OrderPlaced", 0, 1),
        rec("now", "OrderPlaced", 90_000, 2),
    ]);
    let otlp = to_otlp(&a, "contrail");
    let span = &otlp["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    assert_eq!(span["status"]["code"], 2);
    assert_eq!(
        span["status"]["message"],
        "broken chain: no follow-up from payments"
    );
}

#[test]
fn the_streamed_report_serializes_as_the_report() {
    for keep in [KeepFlows::All, KeepFlows::Broken, KeepFlows::None] {
        let mut a = assembler(TraceOptions {
            keep,
            ..TraceOptions::default()
        });
        small_scenario(&mut a);
        let whole = serde_json::to_string(&a.report()).ok();
        let streamed = serde_json::to_string(&a.report_streaming()).ok();
        assert!(whole.is_some());
        assert_eq!(whole, streamed, "{keep:?}");
        assert!(a.report_streaming().summary().flows.is_empty());
    }
}
