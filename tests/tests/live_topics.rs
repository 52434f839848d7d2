//! `contrail sample` and `contrail trace` against the shop's traffic on a real broker (tansu),
//! produced by confluent-kafka's serializers against contrail's registry
//! (`contrail_e2e::shop_traffic`): every output is compared with what the producer wrote.
//!
//! Skipped with a message when tansu is not installed and not required.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::{Output, Stdio};

use contrail_e2e::shop_traffic::{Kind, Manifest, ShopTraffic, ShopTrafficOptions, shop_traffic};
use contrail_e2e::{contrail, repo_root, start_tansu};
use serde_json::{Value, json};

use super::kafka_reader::support::{commit, committed};

/// Ten orders: c-4 and c-8 stop after PaymentProcessed, c-5 and c-10 also get an OrderShipped
/// no contract predicts, and five malformed records follow.
fn traffic() -> Option<ShopTraffic> {
    shop_traffic(&ShopTrafficOptions {
        broken_every: Some(4),
        undeclared_every: Some(5),
        malformed: true,
        ..ShopTrafficOptions::default()
    })
}

pub(crate) fn run(traffic: &ShopTraffic, command: &str, args: &[&str]) -> Output {
    contrail()
        .current_dir(repo_root())
        .args([
            command,
            "examples/shop",
            "--brokers",
            traffic.bootstrap(),
            "--registry",
            traffic.registry_url(),
        ])
        .args(args)
        .output()
        .expect("contrail runs")
}

pub(crate) fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

/// NDJSON: the records, then the summary line.
pub(crate) fn ndjson(text: &str) -> (Vec<Value>, Value) {
    let mut lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let summary = lines.pop().expect("a summary line");
    assert!(summary.get("summary").is_some(), "{summary}");
    (lines, summary["summary"].clone())
}

pub(crate) fn position(record: &Value) -> (String, i64, i64) {
    (
        record["topic"].as_str().expect("topic").to_owned(),
        record["partition"].as_i64().expect("partition"),
        record["offset"].as_i64().expect("offset"),
    )
}

#[test]
fn sample_and_trace_read_the_shop_traffic_as_it_was_produced() {
    let Some(traffic) = traffic() else { return };
    let manifest = &traffic.manifest;
    sample_decodes_and_checks_every_record(&traffic, manifest);
    sample_filters(&traffic, manifest);
    trace_json_matches_the_definitions(&traffic, manifest);
    trace_otlp_parses_with_opentelemetry_proto(&traffic, manifest);
    trace_timeline_of_one_flow(&traffic);
}

fn sample_decodes_and_checks_every_record(traffic: &ShopTraffic, manifest: &Manifest) {
    let (records, summary) = ndjson(&stdout(&run(
        traffic,
        "sample",
        &["--limit", "all", "--format", "ndjson"],
    )));
    let by_position: BTreeMap<_, _> = records.iter().map(|r| (position(r), r)).collect();
    assert_eq!(by_position.len(), records.len(), "no record twice");
    assert_eq!(records.len(), manifest.records.len());
    for produced in &manifest.records {
        let key = (
            produced.topic.clone(),
            i64::from(produced.partition),
            produced.offset,
        );
        let record = by_position
            .get(&key)
            .unwrap_or_else(|| panic!("{} was not sampled", produced.position()));
        let at = produced.position();
        assert_eq!(record["timestamp_ms"], json!(produced.timestamp_ms), "{at}");
        assert_eq!(record["key"]["json"], json!(produced.key), "{at}");
        assert_eq!(record["key"]["framing"], "plain", "{at}");
        assert_eq!(record["event"], json!(produced.event), "{at}");
        assert_eq!(record["problem"], json!(produced.kind.problem()), "{at}");
        if produced.kind.problem().is_none() {
            assert_eq!(
                record["correlation_id"],
                json!(produced.correlation_id),
                "{at}"
            );
        }
        match &produced.value {
            Some(value) => {
                assert_eq!(&record["value"]["json"], value, "{at}");
                assert_eq!(record["value"]["framing"], "prefix", "{at}");
                assert_eq!(
                    record["value"]["schema_id"],
                    json!(produced.schema_id),
                    "{at}"
                );
            }
            None => {
                let failure = &record["value"]["undecodable"]["failure"];
                assert_eq!(failure, &json!(produced.kind.problem()), "{at}");
            }
        }
        let conforms = matches!(produced.kind, Kind::Flow | Kind::Broken | Kind::Undeclared);
        assert_eq!(record["conforms"], json!(conforms), "{at}: {record}");
        if produced.kind == Kind::NoCorrelationId {
            assert_eq!(record["findings"][0]["kind"], "missing_header", "{record}");
        }
    }
    // The summary counts what the producer wrote, per topic.
    assert_eq!(summary["stopped"], "end");
    for topic in summary["topics"].as_array().expect("topics") {
        let name = topic["topic"].as_str().expect("name");
        let produced: Vec<_> = manifest
            .records
            .iter()
            .filter(|r| r.topic == name)
            .collect();
        assert_eq!(topic["read"], json!(produced.len()), "{name}");
        assert_eq!(topic["matched"], json!(produced.len()), "{name}");
        let conforming = produced
            .iter()
            .filter(|r| matches!(r.kind, Kind::Flow | Kind::Broken | Kind::Undeclared))
            .count();
        assert_eq!(topic["conforming"], json!(conforming), "{name}");
        for kind in [
            Kind::WrongMagic,
            Kind::Truncated,
            Kind::UnknownSchemaId,
            Kind::NoCorrelationId,
            Kind::NotDeclared,
        ] {
            let expected: Vec<Value> = produced
                .iter()
                .filter(|r| r.kind == kind)
                .map(|r| json!({"partition": r.partition, "offset": r.offset}))
                .collect();
            let problem = kind.problem().expect("a problem kind");
            assert_eq!(
                topic["problems"][problem]["count"],
                json!(expected.len()),
                "{name} {problem}"
            );
            let mut first = topic["problems"][problem]["first"]
                .as_array()
                .expect("first")
                .clone();
            first.sort_by_key(|p| (p["partition"].as_i64(), p["offset"].as_i64()));
            let mut expected = expected;
            expected.sort_by_key(|p| (p["partition"].as_i64(), p["offset"].as_i64()));
            assert_eq!(first, expected, "{name} {problem}");
        }
    }

    // Human output: every record's position, and the summary.
    let human = stdout(&run(traffic, "sample", &["--limit", "all"]));
    for produced in &manifest.records {
        assert!(
            human.contains(&produced.position()),
            "{}",
            produced.position()
        );
    }
    assert!(
        human.contains("summary, read to the end of every partition:"),
        "{human}"
    );

    // --limit stops after that many records and says so.
    let (limited, summary) = ndjson(&stdout(&run(
        traffic,
        "sample",
        &["--limit", "3", "--format", "ndjson"],
    )));
    assert_eq!(limited.len(), 3);
    assert_eq!(summary["stopped"], "limit");

    // --format json is one document with the same records.
    let document: Value = serde_json::from_str(&stdout(&run(
        traffic,
        "sample",
        &["--limit", "all", "--format", "json"],
    )))
    .expect("one JSON document");
    assert_eq!(
        document["records"].as_array().map(Vec::len),
        Some(records.len())
    );
    assert_eq!(document["summary"]["stopped"], "end");
}

fn sample_filters(traffic: &ShopTraffic, manifest: &Manifest) {
    let positions = |args: &[&str]| -> BTreeSet<String> {
        let mut all = vec!["--limit", "all", "--format", "ndjson"];
        all.extend_from_slice(args);
        let (records, _) = ndjson(&stdout(&run(traffic, "sample", &all)));
        records
            .iter()
            .map(|r| {
                let (t, p, o) = position(r);
                format!("{t}/{p}@{o}")
            })
            .collect()
    };
    let expected = |keep: &dyn Fn(&contrail_e2e::shop_traffic::ProducedRecord) -> bool| {
        manifest
            .records
            .iter()
            .filter(|r| keep(r))
            .map(contrail_e2e::shop_traffic::ProducedRecord::position)
            .collect::<BTreeSet<_>>()
    };
    let by_key = positions(&["--key", "o-3"]);
    assert_eq!(by_key, expected(&|r| r.key == "o-3"));
    assert_eq!(by_key.len(), 4, "o-3 is a complete order: {by_key:?}");
    assert_eq!(
        positions(&["--header", "correlation-id=c-4"]),
        expected(&|r| r.correlation_id.as_deref() == Some("c-4"))
    );
    let headerless = positions(&["--topic", "shop.orders", "--header", "correlation-id"]);
    assert_eq!(
        headerless,
        expected(&|r| r.topic == "shop.orders" && r.correlation_id.is_some())
    );
    assert_eq!(
        positions(&["--where", "/orderId=o-5"]),
        expected(&|r| r
            .value
            .as_ref()
            .is_some_and(|v| v["orderId"] == json!("o-5")))
    );
    assert_eq!(
        positions(&["--topic", "shop.payments", "--partition", "0"]),
        expected(&|r| r.topic == "shop.payments" && r.partition == 0)
    );
}

/// The shop's declarations, written out independently of contrail: who consumes each event and
/// what that service produces (notifications consumes, produces nothing).
fn consumers_producing(event: &str) -> Vec<(&'static str, Vec<&'static str>)> {
    match event {
        "OrderPlaced" => vec![("payments", vec!["PaymentProcessed"])],
        "PaymentProcessed" => vec![("inventory", vec!["InventoryReserved"])],
        "InventoryReserved" => vec![("shipping", vec!["OrderShipped"])],
        "OrderShipped" => vec![("orders", vec!["OrderPlaced"])],
        _ => vec![],
    }
}

fn trace_json_matches_the_definitions(traffic: &ShopTraffic, manifest: &Manifest) {
    let broken_after_ms = 2_000;
    let report: Value = serde_json::from_str(&stdout(&run(
        traffic,
        "trace",
        &["--format", "json", "--broken-after", "2s"],
    )))
    .expect("JSON");
    let flows = manifest.flows();
    let in_flows: usize = flows.values().map(Vec::len).sum();
    assert_eq!(report["records"]["read"], json!(manifest.records.len()));
    assert_eq!(report["records"]["in_flows"], json!(in_flows));
    assert_eq!(report["records"]["skipped"], json!(0));
    for problem in [
        "wrong_magic",
        "unknown_schema_id",
        "truncated",
        "not_declared",
        "no_correlation_id",
    ] {
        assert_eq!(
            report["records"]["problems"][problem],
            json!(1),
            "{problem}"
        );
    }

    // Flows: every record of each correlation id, in timestamp order.
    let reported: BTreeMap<&str, &Value> = report["flows"]
        .as_array()
        .expect("flows")
        .iter()
        .map(|f| (f["correlation_id"].as_str().expect("id"), f))
        .collect();
    assert_eq!(
        reported.keys().collect::<Vec<_>>(),
        flows.keys().collect::<Vec<_>>()
    );
    let newest = manifest
        .records
        .iter()
        .filter(|r| r.kind.problem().is_none())
        .map(|r| r.timestamp_ms)
        .max()
        .expect("records");
    let mut broken_by_service: BTreeMap<&str, u64> = BTreeMap::new();
    for (id, records) in &flows {
        let flow = reported[id];
        let got: Vec<(String, i64)> = flow["records"]
            .as_array()
            .expect("records")
            .iter()
            .map(|r| {
                (
                    format!(
                        "{}/{}@{}",
                        r["topic"].as_str().expect("topic"),
                        r["partition"],
                        r["offset"]
                    ),
                    r["timestamp_ms"].as_i64().expect("ts"),
                )
            })
            .collect();
        let want: Vec<(String, i64)> = records
            .iter()
            .map(|r| (r.position(), r.timestamp_ms))
            .collect();
        assert_eq!(got, want, "flow {id}");
        // Broken, by the definition: A of E, S consumes E and produces, nothing S produces
        // later in the flow, A older than --broken-after relative to the newest record.
        let mut expected_broken = Vec::new();
        for (i, a) in records.iter().enumerate() {
            let event = a.event.as_deref().expect("flow records have events");
            for (service, produces) in consumers_producing(event) {
                let followed = records[i + 1..]
                    .iter()
                    .any(|b| produces.contains(&b.event.as_deref().unwrap_or_default()));
                if !followed && a.timestamp_ms < newest - broken_after_ms {
                    expected_broken.push(json!({
                        "after": event, "service": service, "topic": a.topic,
                        "partition": a.partition, "offset": a.offset}));
                    *broken_by_service.entry(service).or_default() += 1;
                }
            }
        }
        assert_eq!(flow["broken"], json!(expected_broken), "flow {id}");
    }
    assert!(
        broken_by_service.get("inventory") == Some(&2),
        "c-4 and c-8 stop after PaymentProcessed: {broken_by_service:?}"
    );
    assert_eq!(report["broken_by_service"], json!(broken_by_service));

    // Edges: the declared ones with their fixed hop latencies, the undeclared one seen.
    let edges: BTreeMap<(String, String), &Value> = report["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                (
                    e["from"].as_str().expect("from").to_owned(),
                    e["to"].as_str().expect("to").to_owned(),
                ),
                e,
            )
        })
        .collect();
    let edge = |from: &str, to: &str| edges[&(from.to_owned(), to.to_owned())];
    let offsets = &manifest.offsets_ms;
    let hop = |from: &str, to: &str| offsets[to] - offsets[from];
    let latency = |ms: i64| json!({"p50": ms, "p90": ms, "p99": ms, "max": ms});
    let complete = flows
        .values()
        .filter(|r| {
            r.iter()
                .any(|r| r.event.as_deref() == Some("InventoryReserved"))
        })
        .count();
    assert_eq!(complete, 8);
    let cases = [
        (
            "OrderPlaced",
            "PaymentProcessed",
            true,
            10,
            hop("OrderPlaced", "PaymentProcessed"),
        ),
        (
            "PaymentProcessed",
            "InventoryReserved",
            true,
            complete,
            hop("PaymentProcessed", "InventoryReserved"),
        ),
        (
            "InventoryReserved",
            "OrderShipped",
            true,
            complete,
            hop("InventoryReserved", "OrderShipped"),
        ),
        (
            "OrderPlaced",
            "OrderShipped",
            false,
            2,
            offsets["undeclared"] - offsets["OrderPlaced"],
        ),
    ];
    for (from, to, declared, count, ms) in cases {
        let e = edge(from, to);
        assert_eq!(e["declared"], json!(declared), "{from} → {to}");
        assert_eq!(e["count"], json!(count), "{from} → {to}");
        assert_eq!(e["latency_ms"], latency(ms), "{from} → {to}");
    }
    // A declaration reality never follows: listed, with count 0.
    assert_eq!(edge("OrderShipped", "OrderPlaced")["count"], json!(0));
    assert_eq!(edges.len(), 5, "{edges:?}");
}

fn trace_otlp_parses_with_opentelemetry_proto(traffic: &ShopTraffic, manifest: &Manifest) {
    let otlp = stdout(&run(traffic, "trace", &["--format", "otlp"]));
    let mut parser = std::process::Command::new(contrail_e2e::shop_traffic::python())
        .arg(repo_root().join("tests/clients/otlp_parse.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    parser
        .stdin
        .take()
        .expect("stdin")
        .write_all(otlp.as_bytes())
        .expect("write");
    let parsed = parser.wait_with_output().expect("the parser ends");
    assert!(
        parsed.status.success(),
        "opentelemetry-proto refused the OTLP: {}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    let parsed: Value = serde_json::from_slice(&parsed.stdout).expect("JSON");
    assert_eq!(parsed["requests"], json!(1));
    let spans = parsed["spans"].as_array().expect("spans");
    let flows = manifest.flows();
    assert_eq!(spans.len(), flows.values().map(Vec::len).sum::<usize>());
    // One trace per flow; within it one span per record, each but the first with a parent.
    let mut traces: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for span in spans {
        traces
            .entry(span["trace_id"].as_str().expect("trace id"))
            .or_default()
            .push(span);
    }
    assert_eq!(traces.len(), flows.len());
    for spans in traces.values() {
        let ids: BTreeSet<&str> = spans
            .iter()
            .map(|s| {
                s["attributes"]["messaging.message.conversation_id"]
                    .as_str()
                    .expect("id")
            })
            .collect();
        assert_eq!(ids.len(), 1, "one correlation id per trace");
        let roots = spans.iter().filter(|s| s["parent_span_id"] == "").count();
        assert_eq!(roots, 1, "{spans:?}");
        for span in spans {
            assert_eq!(span["attributes"]["messaging.system"], "kafka");
            let parent = span["parent_span_id"].as_str().expect("parent");
            if !parent.is_empty() {
                assert_eq!(span["links"], json!([parent]));
                assert!(spans.iter().any(|s| s["span_id"] == parent));
            }
        }
    }
}

fn trace_timeline_of_one_flow(traffic: &ShopTraffic) {
    let human = stdout(&run(
        traffic,
        "trace",
        &["--correlation-id", "c-4", "--broken-after", "2s"],
    ));
    assert!(human.starts_with("flow c-4\n"), "{human}");
    assert!(
        human.contains("100 ms after OrderPlaced (via payments"),
        "{human}"
    );
    assert!(
        human.contains("BROKEN: inventory consumes PaymentProcessed but produced nothing after it"),
        "{human}"
    );
    let full = stdout(&run(traffic, "trace", &["--broken-after", "2s"]));
    assert!(full.contains("undeclared edges"), "{full}");
    assert!(full.contains("OrderPlaced → OrderShipped"), "{full}");
    assert!(full.contains("never seen"), "{full}");
}

#[test]
fn sampling_commits_nothing_for_any_consumer_group() {
    let Some(tansu) = start_tansu() else { return };
    tansu.create_topic("shop.orders", 2);
    commit(&tansu.bootstrap, "payments", "shop.orders", 0, 0);
    commit(&tansu.bootstrap, "payments", "shop.orders", 1, 0);
    let before = committed(&tansu.bootstrap, "payments", "shop.orders", 2);
    let output = contrail()
        .current_dir(repo_root())
        .args([
            "sample",
            "examples/shop",
            "--brokers",
            &tansu.bootstrap,
            "--topic",
            "shop.orders",
            "--from",
            "earliest",
        ])
        .output()
        .expect("contrail runs");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        committed(&tansu.bootstrap, "payments", "shop.orders", 2),
        before
    );
}

#[test]
fn faults_are_clear_errors_within_the_timeout() {
    // Nothing listens on port 1.
    let output = contrail()
        .current_dir(repo_root())
        .args([
            "sample",
            "examples/shop",
            "--brokers",
            "127.0.0.1:1",
            "--timeout",
            "2s",
        ])
        .output()
        .expect("contrail runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("127.0.0.1:1"), "{stderr}");

    let Some(tansu) = start_tansu() else { return };
    let output = contrail()
        .current_dir(repo_root())
        .args([
            "sample",
            "examples/shop",
            "--brokers",
            &tansu.bootstrap,
            "--topic",
            "shop.nope",
        ])
        .output()
        .expect("contrail runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("shop.nope"), "{stderr}");

    // A framed record and a registry that is down: the summary of what was read, then the
    // error.
    tansu.create_topic("shop.orders", 1);
    produce_raw(&tansu.bootstrap, "shop.orders", &[0, 0, 0, 0, 3, 2, 4]);
    let output = contrail()
        .current_dir(repo_root())
        .args([
            "sample",
            "examples/shop",
            "--brokers",
            &tansu.bootstrap,
            "--registry",
            "http://127.0.0.1:1",
            "--topic",
            "shop.orders",
            "--timeout",
            "2s",
            "--format",
            "ndjson",
        ])
        .output()
        .expect("contrail runs");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("registry is unreachable"), "{stderr}");
    let (records, summary) = ndjson(&String::from_utf8_lossy(&output.stdout));
    assert!(records.is_empty());
    assert_eq!(summary["stopped"], "error");
    assert_eq!(summary["topics"][0]["read"], json!(1));
}

/// Produces one record with `value` and waits until the broker has it.
fn produce_raw(bootstrap: &str, topic: &str, value: &[u8]) {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let producer: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("producer");
    producer
        .send(BaseRecord::<[u8], [u8]>::to(topic).payload(value))
        .map_err(|(e, _)| e)
        .expect("send");
    producer
        .flush(std::time::Duration::from_secs(10))
        .expect("flush");
}

#[test]
fn ctrl_c_stops_following_and_writes_the_summary() {
    let Some(tansu) = start_tansu() else { return };
    tansu.create_topic("shop.orders", 1);
    produce_raw(&tansu.bootstrap, "shop.orders", b"{\"orderId\": \"o-1\"}");
    let mut child = contrail()
        .current_dir(repo_root())
        .args([
            "sample",
            "examples/shop",
            "--brokers",
            &tansu.bootstrap,
            "--topic",
            "shop.orders",
            "--follow",
            "--format",
            "ndjson",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("contrail starts");
    // The record is read once the first line is out; then Ctrl-C (SIGINT).
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).expect("a record line");
    let record: Value = serde_json::from_str(&first).expect("JSON");
    assert_eq!(record["value"]["json"]["orderId"], "o-1");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("the rest");
    let exit = child.wait().expect("contrail ends");
    assert!(exit.success(), "{exit:?}");
    let summary: Value = serde_json::from_str(rest.trim()).expect("the summary line");
    assert_eq!(summary["summary"]["stopped"], "interrupted");
    assert_eq!(summary["summary"]["topics"][0]["read"], json!(1));
}
