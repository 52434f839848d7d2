//! The AsyncAPI loader: small documents written for each rule, the public corpus of real
//! documents, and the social-media example of the spec read in its 2.6 and 3.1 versions.
//!
//! The small documents are fixtures, `tests/fixtures/asyncapi/<case>/`. A snapshot pins what
//! the loader makes of each case (its services, events and findings, see [`render`]); the tests
//! assert the facts each case is there for.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use contrail_contracts::model::{Correlation, Service};
use contrail_contracts::schema::SchemaFormat;
use contrail_contracts::{Diagnostic, LoadOptions, Loaded, Location, Severity, load_paths};
use proptest::prelude::*;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create dir");
    }
    std::fs::write(&path, text).expect("write file");
    path
}

fn load(paths: &[PathBuf]) -> Loaded {
    load_paths(paths, LoadOptions::default()).expect("loads")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/asyncapi")
}

/// Loads a fixture: one document, or a catalog directory.
fn load_case(case: &str) -> Loaded {
    load(&[fixtures().join(case)])
}

/// Loads every document of a fixture directory on its own, by file name.
fn load_each(dir: &str) -> Vec<(String, Loaded)> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures().join(dir))
        .expect("fixture directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let loaded = load_case(&format!("{dir}/{name}"));
            (name, loaded)
        })
        .collect()
}

/// What the loader made of a fixture, compactly: each service with what it produces and
/// consumes, each event with its topic, key, correlation, schema and examples, and the findings.
/// Paths are relative to the fixtures directory; positions are `line:column`.
fn render(loaded: &Loaded) -> String {
    let root = fixtures();
    let prefix = format!("{}/", root.display());
    let at = |l: &Location| {
        let file = l.file.strip_prefix(&root).unwrap_or(&l.file);
        format!("{}:{}:{}", file.display(), l.start.line, l.start.column)
    };
    let on = |topic: Option<&String>, channel_key: bool| match topic {
        Some(t) if channel_key => format!(" on {t} (the channel key)"),
        Some(t) => format!(" on {t}"),
        None => String::new(),
    };
    let mut lines = Vec::new();
    for s in &loaded.catalog.services {
        lines.push(format!("service {} @ {}", s.name.value, at(&s.location)));
        if let Some(owner) = &s.owner {
            lines.push(format!("  owner {}", owner.value));
        }
        for p in &s.produces {
            let topic = on(p.topic.as_ref().map(|t| &t.value), p.topic_is_channel_key);
            let place = at(&p.event.location);
            lines.push(format!("  produces {}{topic} @ {place}", p.event.value));
        }
        for c in &s.consumes {
            let topic = on(c.topic.as_ref().map(|t| &t.value), c.topic_is_channel_key);
            let group = c
                .group
                .as_ref()
                .map_or_else(String::new, |g| format!(" as {}", g.value));
            let place = at(&c.event.location);
            lines.push(format!(
                "  consumes {}{topic}{group} @ {place}",
                c.event.value
            ));
        }
    }
    for e in &loaded.catalog.events {
        lines.push(format!("event {} @ {}", e.name.value, at(&e.location)));
        if let Some(topic) = &e.topic {
            let key = if e.topic_is_channel_key {
                " (the channel key)"
            } else {
                ""
            };
            lines.push(format!(
                "  topic {}{key} @ {}",
                topic.value,
                at(&topic.location)
            ));
        }
        if let Some(key) = &e.key {
            lines.push(format!("  key {}", key.value));
        }
        if let Some(correlation) = &e.correlation {
            lines.push(format!("  correlation {:?}", correlation.value));
        }
        if let Some(schema) = &e.schema {
            lines.push(match schema.id {
                Some(id) => {
                    let s = loaded.catalog.schemas.get(id);
                    let file = s.file.strip_prefix(&root).unwrap_or(&s.file);
                    let valid = if s.valid { "valid" } else { "not valid" };
                    format!(
                        "  schema {:?} at {}#{} ({valid})",
                        s.format,
                        file.display(),
                        s.pointer
                    )
                }
                None => format!("  schema not loaded: {}", schema.written.value),
            });
        }
        if !e.examples.is_empty() {
            lines.push(format!("  examples {}", e.examples.len()));
        }
    }
    for d in &loaded.diagnostics {
        let place = d.location.as_ref().map_or_else(|| "-".to_owned(), at);
        let pointer = d
            .pointer
            .as_deref()
            .map_or_else(String::new, |p| format!(" {p}"));
        lines.push(format!(
            "{} {} {} @ {place}{pointer}",
            d.code.code, d.code.name, d.severity
        ));
        lines.push(format!("  {}", d.message.replace(&prefix, "")));
        for r in &d.related {
            lines.push(format!("  related {}: {}", at(&r.location), r.message));
        }
    }
    lines.join("\n") + "\n"
}

/// Loads a fixture and pins what the loader made of it.
fn snapshot_case(name: &str, case: &str) -> Loaded {
    let loaded = load_case(case);
    insta::assert_snapshot!(name, render(&loaded));
    loaded
}

/// Loads every document of a fixture directory on its own and pins what the loader made of
/// each.
fn snapshot_each(dir: &str) -> Vec<(String, Loaded)> {
    let all = load_each(dir);
    let text: String = all
        .iter()
        .map(|(file, loaded)| format!("== {file}\n{}", render(loaded)))
        .collect();
    insta::assert_snapshot!(dir, text);
    all
}

/// The one finding of `code`; fails when there is none or more than one.
fn only<'a>(loaded: &'a Loaded, code: &str) -> &'a Diagnostic {
    let found = with_code(loaded, code);
    assert_eq!(found.len(), 1, "one {code} expected:\n{}", dump(loaded));
    found[0]
}

fn with_code<'a>(loaded: &'a Loaded, code: &str) -> Vec<&'a Diagnostic> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.code.code == code || d.code.name == code)
        .collect()
}

fn dump(loaded: &Loaded) -> String {
    loaded
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {} {} at {} ({}) help: {}",
                d.severity,
                d.code.name,
                d.message,
                d.location
                    .as_ref()
                    .map_or_else(String::new, ToString::to_string),
                d.pointer.as_deref().unwrap_or(""),
                d.help.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_clean(loaded: &Loaded) {
    assert!(loaded.diagnostics.is_empty(), "{}", dump(loaded));
}

/// (service, produces|consumes, topic, event) of every service.
fn flows(loaded: &Loaded) -> BTreeSet<(String, &'static str, String, String)> {
    let mut out = BTreeSet::new();
    for s in &loaded.catalog.services {
        for p in &s.produces {
            let topic = p.topic.as_ref().map_or("", |t| &t.value);
            out.insert((
                s.name.value.clone(),
                "produces",
                topic.to_owned(),
                p.event.value.clone(),
            ));
        }
        for c in &s.consumes {
            let topic = c.topic.as_ref().map_or("", |t| &t.value);
            out.insert((
                s.name.value.clone(),
                "consumes",
                topic.to_owned(),
                c.event.value.clone(),
            ));
        }
    }
    out
}

fn service<'a>(loaded: &'a Loaded, name: &str) -> &'a Service {
    loaded
        .catalog
        .service(name)
        .unwrap_or_else(|| panic!("no service {name}: {}", dump(loaded)))
}

fn directions(s: &Service) -> (Vec<String>, Vec<String>) {
    (
        s.produces.iter().map(|p| p.event.value.clone()).collect(),
        s.consumes.iter().map(|c| c.event.value.clone()).collect(),
    )
}

/// The schema an event's payload was loaded as.
fn schema_of<'a>(loaded: &'a Loaded, event: &str) -> &'a contrail_contracts::schema::LoadedSchema {
    let event = loaded.catalog.event(event).expect("event");
    let id = event.schema.as_ref().and_then(|s| s.id).expect("schema");
    loaded.catalog.schemas.get(id)
}

// ----- perspective --------------------------------------------------------------------------

#[test]
fn v2_perspective() {
    snapshot_each("v2-perspective");
}

#[test]
fn v2_spec_perspective_subscribe_is_produce() {
    let loaded = load_case("v2-perspective/spec.yaml");
    assert_clean(&loaded);
    let s = service(&loaded, "Orders");
    assert_eq!(
        s.owner.as_ref().map(|o| o.value.as_str()),
        Some("team-orders")
    );
    assert_eq!(s.description.as_deref(), Some("Takes orders."));
    assert_eq!(
        directions(s),
        (
            vec!["OrderPlaced".to_owned()],
            vec!["onPayment-message".to_owned()]
        )
    );
    assert_eq!(
        s.produces[0].topic.as_ref().map(|t| t.value.as_str()),
        Some("orders.placed")
    );
    let event = loaded.catalog.event("OrderPlaced").expect("event");
    assert_eq!(
        event.topic.as_ref().map(|t| t.value.as_str()),
        Some("orders.placed")
    );
    // The service is located at its title.
    assert_eq!(s.name.pointer, "/info/title");
}

#[test]
fn v2_client_perspective_by_extension() {
    for place in ["client-at-root", "client-in-info"] {
        let loaded = load_case(&format!("v2-perspective/{place}.yaml"));
        assert_clean(&loaded);
        assert_eq!(
            directions(service(&loaded, "Orders")),
            (
                vec!["onPayment-message".to_owned()],
                vec!["OrderPlaced".to_owned()]
            ),
            "{place}"
        );
    }
    let loaded = load_case("v2-perspective/invalid.yaml");
    let bad = only(&loaded, "CV005");
    assert_eq!(bad.pointer.as_deref(), Some("/x-contrail-perspective"));
    assert!(bad.help.is_some());
}

#[test]
fn v2_client_perspective_by_catalog_config() {
    let loaded = snapshot_case("v2-perspective-config", "v2-perspective-config");
    assert_clean(&loaded);
    assert_eq!(
        directions(service(&loaded, "Orders")),
        (
            vec!["onPayment-message".to_owned()],
            vec!["OrderPlaced".to_owned()]
        )
    );
    // Documents not listed keep the spec's reading.
    assert_eq!(
        directions(service(&loaded, "Other")),
        (
            vec!["OrderPlaced".to_owned()],
            vec!["onPayment-message".to_owned()]
        )
    );
}

// ----- operations ---------------------------------------------------------------------------

#[test]
fn v3_send_receive_and_reply() {
    let loaded = snapshot_case(
        "v3-send-receive-reply",
        "v3-operations/send-receive-reply.yaml",
    );
    assert_clean(&loaded);
    let want: BTreeSet<_> = [
        ("produces", "pricing.requests", "PriceRequested"),
        ("consumes", "replies", "PriceQuoted"),
        ("consumes", "pricing.requests", "PriceRequested"),
        ("produces", "replies", "PriceQuoted"),
        ("consumes", "pricing.ticks", "tock"),
    ]
    .into_iter()
    .map(|(d, t, e)| ("Pricing".to_owned(), d, t.to_owned(), e.to_owned()))
    .collect();
    assert_eq!(flows(&loaded), want);
    // `tick` is on the channel but no operation names it; `tock` is named by its key, not title.
    assert!(loaded.catalog.event("tick").is_none());
    assert!(loaded.catalog.event("Tock").is_none());
}

#[test]
fn v3_invalid_action_and_missing_channel() {
    let loaded = snapshot_case("v3-invalid-action", "v3-operations/invalid-action.yaml");
    let invalid = only(&loaded, "CV005");
    assert_eq!(
        invalid.pointer.as_deref(),
        Some("/operations/askForPrice/action")
    );
    let missing = only(&loaded, "CV006");
    assert!(missing.message.contains("channel"), "{}", missing.message);
}

#[test]
fn kafka_topic_and_group_bindings() {
    let loaded = snapshot_case("kafka-bindings", "kafka-bindings/asyncapi.yaml");
    assert_clean(&loaded);
    let s = service(&loaded, "Billing");
    let consumed: BTreeMap<&str, (Option<&str>, Option<&str>)> = s
        .consumes
        .iter()
        .map(|c| {
            (
                c.event.value.as_str(),
                (
                    c.topic.as_ref().map(|t| t.value.as_str()),
                    c.group.as_ref().map(|g| g.value.as_str()),
                ),
            )
        })
        .collect();
    assert_eq!(
        consumed["OrderPlaced"],
        (Some("shop.orders.v1"), Some("billing"))
    );
    assert_eq!(
        consumed["RefundIssued"],
        (Some("refunds"), Some("billing-refunds"))
    );
    assert_eq!(consumed["Audited"], (Some("audit"), None));
    assert_eq!(consumed["FeeCharged"], (Some("fees"), Some("fee-reader")));
    let event = loaded.catalog.event("OrderPlaced").expect("event");
    let topic = event.topic.as_ref().expect("topic");
    assert_eq!(topic.pointer, "/channels/orders/bindings/kafka/topic");
}

#[test]
fn consumer_extension_fills_what_native_consumes_entries_say() {
    let loaded = snapshot_case("consumer-extension", "consumer-extension/asyncapi.yaml");
    let service = loaded.catalog.service("billing").expect("service");
    let consume = &service.consumes[0];
    assert_eq!(
        consume.group.as_ref().map(|g| g.value.as_str()),
        Some("billing")
    );
    assert_eq!(
        consume
            .reads
            .iter()
            .map(|r| r.value.as_str())
            .collect::<Vec<_>>(),
        ["orderId", "total"]
    );
    assert_eq!(
        consume
            .idempotency
            .as_ref()
            .map(|i| i.value.key.value.as_str()),
        Some("eventId")
    );
    assert_eq!(
        consume
            .retry
            .as_ref()
            .and_then(|r| r.value.max_attempts.as_ref())
            .map(|m| m.value),
        Some(4)
    );
    assert_eq!(
        consume.dead_letter.as_ref().map(|d| d.value.as_str()),
        Some("shop.orders.billing.dlq")
    );
    assert_eq!(
        only(&loaded, "CV004").pointer.as_deref(),
        Some("/channels/shop.orders/publish/x-contrail-consumer/colour")
    );
}

// ----- references ---------------------------------------------------------------------------

#[test]
fn ref_to_a_sibling_file_resolves_against_that_file() {
    let loaded = snapshot_case("ref-sibling-file", "ref-sibling-file/svc/asyncapi.yaml");
    let messages = fixtures().join("ref-sibling-file/common/messages.yaml");
    let event = loaded
        .catalog
        .event("orderPlaced")
        .expect("event named by its key");
    let schema_ref = event.schema.as_ref().expect("schema");
    assert_eq!(schema_ref.written.value, "./schemas.yaml#/order");
    assert_eq!(schema_ref.written.location.file, messages);
    let schema = schema_of(&loaded, "orderPlaced");
    assert_eq!(schema.format, SchemaFormat::JsonSchema);
    assert_eq!(
        schema.file,
        fixtures().join("ref-sibling-file/common/schemas.yaml")
    );
    assert_eq!(schema.pointer, "/order");
    assert!(schema.valid);
    // The example (id: 7) is checked against the schema in its file, through its local $ref.
    let mismatch = only(&loaded, "CV030");
    let location = mismatch.location.as_ref().expect("location");
    assert_eq!(location.file, messages);
    assert_eq!(
        mismatch.pointer.as_deref(),
        Some("/orderPlaced/examples/0/payload/id")
    );
}

#[test]
fn remote_ref_is_a_warning_and_is_skipped() {
    let loaded = snapshot_case("ref-remote", "ref-remote/asyncapi.yaml");
    let remote = only(&loaded, "CV012");
    assert_eq!(remote.severity, Severity::Warning);
    assert_eq!(
        remote.pointer.as_deref(),
        Some("/channels/requests/messages/CostingRequest/payload/schema/$ref")
    );
    assert!(remote.help.is_some());
    assert_eq!(loaded.diagnostics.len(), 1, "{}", dump(&loaded));
    let event = loaded.catalog.event("CostingRequest").expect("event");
    let schema = event.schema.as_ref().expect("schema ref");
    assert_eq!(schema.id, None);
    assert_eq!(
        schema.written.value,
        "https://example.com/schemas/CostingRequest.avsc"
    );
}

#[test]
fn unresolved_refs_point_at_the_ref() {
    let loaded = snapshot_case("ref-unresolved", "ref-unresolved/asyncapi.yaml");
    let unresolved = with_code(&loaded, "CV011");
    let pointers: Vec<&str> = unresolved
        .iter()
        .filter_map(|d| d.pointer.as_deref())
        .collect();
    assert_eq!(
        pointers,
        [
            "/channels/a/subscribe/message/$ref",
            "/channels/b/subscribe/message/$ref",
            "/channels/d/subscribe/message/$ref",
            "/components/messages/loop/$ref",
        ],
        "{}",
        dump(&loaded)
    );
    assert!(unresolved.iter().all(|d| d.help.is_some()));
    // A near miss is named; an unescaped `/` in a key is explained.
    let help = |i: usize| unresolved[i].help.as_deref().unwrap_or("");
    assert!(help(0).contains("`Nop`"), "{}", dump(&loaded));
    assert!(help(2).contains("~1"), "{}", dump(&loaded));
    // The unescaped `/` is reported and read as meant.
    assert!(loaded.catalog.event("Slashed").is_some());
    assert_eq!(service(&loaded, "Broken").produces.len(), 1);
}

#[test]
fn json_documents_and_shared_components_documents() {
    let loaded = snapshot_case("json-and-shared-components", "json-and-shared-components");
    assert_clean(&loaded);
    assert_eq!(loaded.catalog.services.len(), 1);
    assert_eq!(directions(service(&loaded, "Json")).0, ["M"]);
}

// ----- messages -----------------------------------------------------------------------------

#[test]
fn naming_order() {
    let loaded = snapshot_case("naming-order", "naming-order/asyncapi.yaml");
    assert_clean(&loaded);
    let (produced, consumed) = directions(service(&loaded, "Names"));
    assert_eq!(
        produced,
        [
            "FromExtension",
            "FromMessageId",
            "FromName",
            "FromKey",
            "FromTitle",
            "c1-message"
        ]
    );
    assert_eq!(consumed, ["readIt-message", "FromTrait"]);
}

#[test]
fn correlation_ids_map_to_headers_and_payload_fields() {
    let loaded = snapshot_case("correlation-ids", "correlation-ids/asyncapi.yaml");
    let correlation = |name: &str| {
        loaded
            .catalog
            .event(name)
            .and_then(|e| e.correlation.as_ref())
            .map(|c| c.value.clone())
    };
    assert_eq!(
        correlation("ByHeader"),
        Some(Correlation::Header("correlation-id".to_owned()))
    );
    assert_eq!(
        correlation("ByPayload"),
        Some(Correlation::Payload("/meta/correlationId".to_owned()))
    );
    assert_eq!(correlation("Wrong"), None);
    // Located where the `$ref` leads.
    let header = loaded
        .catalog
        .event("ByHeader")
        .and_then(|e| e.correlation.as_ref())
        .expect("set");
    assert_eq!(header.pointer, "/components/correlationIds/header/location");
    let invalid = only(&loaded, "CV005");
    assert_eq!(
        invalid.pointer.as_deref(),
        Some("/channels/c/messages/Wrong/correlationId/location")
    );
    only(&loaded, "CV006");
}

// ----- payloads -----------------------------------------------------------------------------

#[test]
fn avro_payloads_with_catalog_types() {
    let loaded = snapshot_case("avro-catalog", "avro-catalog");
    assert_clean(&loaded);
    let schema = schema_of(&loaded, "Placed");
    assert_eq!(schema.format, SchemaFormat::Avro);
    assert!(schema.valid && schema.avro.is_some());
    assert_eq!(schema.pointer, "/channels/t/subscribe/message/payload");
    assert_eq!(schema.references.len(), 1);
    let event = loaded.catalog.event("Placed").expect("event");
    assert_eq!(
        event.schema.as_ref().map(|s| s.written.value.as_str()),
        Some("#/channels/t/subscribe/message/payload")
    );
}

#[test]
fn avro_payloads() {
    snapshot_each("avro-payloads");
}

#[test]
fn invalid_avro_payload() {
    let loaded = load_case("avro-payloads/invalid.yaml");
    let invalid = only(&loaded, "CV010");
    assert_eq!(
        invalid.pointer.as_deref(),
        Some("/channels/t/subscribe/message/payload")
    );
    assert!(!schema_of(&loaded, "Placed").valid);
    // Alone, the named type is not defined.
    let loaded = load_case("avro-payloads/alone.yaml");
    assert_eq!(
        only(&loaded, "CV011").pointer.as_deref(),
        Some("/channels/t/subscribe/message/payload/fields/1/type")
    );
}

#[test]
fn unknown_schema_format_is_noted() {
    let loaded = load_case("avro-payloads/unknown-format.yaml");
    let noted = only(&loaded, "CV041");
    assert_eq!(noted.severity, Severity::Info);
    assert_eq!(
        noted.pointer.as_deref(),
        Some("/channels/t/subscribe/message/schemaFormat")
    );
    let event = loaded.catalog.event("Placed").expect("event");
    assert!(event.schema.is_none());
}

#[test]
fn example_mismatch_points_inside_the_example() {
    let loaded = snapshot_case("example-mismatch", "example-mismatch/asyncapi.yaml");
    let mismatch = only(&loaded, "CV030");
    assert_eq!(
        mismatch.pointer.as_deref(),
        Some("/components/messages/Placed/examples/1/payload/count")
    );
    assert!(mismatch.message.contains("`bad`"), "{}", mismatch.message);
    assert_eq!(loaded.diagnostics.len(), 1, "{}", dump(&loaded));
    assert_eq!(
        schema_of(&loaded, "Placed").pointer,
        "/components/schemas/Placed"
    );
}

/// AsyncAPI payload schemas live at a pointer inside a document. `validate.rs` compiles them as
/// `{"$ref": "file://<doc>#<pointer>"}`; that wrapper must not be given the document's own URI
/// as its base URI (it would shadow the document, so every pointer "does not exist"), and the
/// pointer must be percent-encoded in the URI (channel names hold `{` and `}`).
#[test]
fn payload_schemas_at_a_pointer_compile() {
    let loaded = snapshot_case("payload-at-pointer", "payload-at-pointer/asyncapi.yaml");
    assert!(
        loaded.diagnostics.is_empty(),
        "validate.rs compile_json_schema must build the `{{\"$ref\": uri#pointer}}` wrapper without `with_base_uri(uri)` and with the pointer percent-encoded:\n{}",
        dump(&loaded)
    );
}

// ----- documents contrail does not read -----------------------------------------------------

#[test]
fn unsupported_versions_stop_loading() {
    let all = snapshot_each("unsupported-versions");
    assert_eq!(all.len(), 4);
    for (file, loaded) in &all {
        let found = only(loaded, "CV040");
        assert_eq!(loaded.diagnostics.len(), 1, "{file}: {}", dump(loaded));
        // At the version itself.
        let location = found.location.as_ref().expect("location");
        assert_eq!((location.start.line, location.start.column), (1, 11));
        assert_eq!(found.pointer.as_deref(), Some("/asyncapi"));
        assert!(found.help.is_some());
        assert!(loaded.catalog.services.is_empty());
        assert!(loaded.catalog.events.is_empty());
    }
}

#[test]
fn malformed_shapes_never_panic() {
    let all = snapshot_each("malformed-shapes");
    assert_eq!(all.len(), 19);
    for (file, loaded) in &all {
        for d in &loaded.diagnostics {
            assert!(d.location.is_some(), "{file}\n{}", dump(loaded));
            assert!(d.help.is_some(), "no help: {file}\n{}", dump(loaded));
        }
    }
    // Shapes that are wrong are reported, not skipped silently.
    for file in [
        "channels-list.yaml",
        "channel-string.yaml",
        "operations-list.yaml",
    ] {
        let loaded = load_case(&format!("malformed-shapes/{file}"));
        only(&loaded, "CV005");
    }
}

// ----- an event declared in several documents ----------------------------------------------

/// The same message in three documents: its producer's (`orders`) and two consumers' copies
/// (`billing`, `shipping`). Whatever order the walk reads them in, the event's home is the
/// producer's document: findings about the event point there, findings about a consumer's use
/// of it at that consumer's document.
#[test]
fn an_event_in_several_documents_lives_in_its_producers_document() {
    let fixture = fixtures().join("event-home");
    let documents = ["orders.yaml", "billing.yaml", "shipping.yaml"];
    for order in [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ] {
        // The prefixes make the walk read the documents in `order`.
        let dir = tempfile::tempdir().expect("tempdir");
        let copy = |from: &str, to: &str| {
            std::fs::copy(fixture.join(from), dir.path().join(to)).expect("copy fixture");
            dir.path().join(to)
        };
        copy("contrail.yaml", "contrail.yaml");
        let mut file: BTreeMap<&str, PathBuf> = BTreeMap::new();
        for (prefix, &i) in ["a", "m", "z"].iter().zip(&order) {
            let path = copy(documents[i], &format!("{prefix}-{}", documents[i]));
            file.insert(documents[i].trim_end_matches(".yaml"), path);
        }
        let loaded = load(&[dir.path().to_path_buf()]);
        let context = format!("documents read in the order {order:?}:\n{}", dump(&loaded));
        // The event, its topic, payload schema and examples: the producer's copy.
        let event = loaded.catalog.event("OrderPlaced").expect("event");
        assert_eq!(event.location.file, file["orders"], "{context}");
        let topic = event.topic.as_ref().expect("topic");
        assert_eq!(
            (topic.value.as_str(), &topic.location.file),
            ("shop.orders", &file["orders"]),
            "{context}"
        );
        let schema = event.schema.as_ref().and_then(|s| s.id).expect("schema");
        assert_eq!(loaded.catalog.schemas.get(schema).file, file["orders"]);
        assert_eq!(event.examples[0].location.file, file["orders"]);
        // Each service's use of the event: its own document.
        for (name, produces) in [("orders", true), ("billing", false), ("shipping", false)] {
            let s = service(&loaded, name);
            let entry = if produces {
                &s.produces[0].event
            } else {
                &s.consumes[0].event
            };
            assert_eq!(entry.location.file, file[name], "{context}");
        }
        // Findings: the event's example in the producer's copy, the consumer's unknown key in
        // its document, the topic conflict at the consumer's copy against the producer's.
        let file_of = |code: &str| -> Vec<PathBuf> {
            with_code(&loaded, code)
                .iter()
                .filter_map(|d| d.location.as_ref().map(|l| l.file.clone()))
                .collect()
        };
        assert_eq!(
            file_of("EXAMPLE_MISMATCH"),
            [file["orders"].clone()],
            "{context}"
        );
        assert_eq!(
            file_of("UNKNOWN_KEY"),
            [file["billing"].clone()],
            "{context}"
        );
        assert_eq!(
            file_of("CONFLICTING_EVENT"),
            [file["shipping"].clone()],
            "{context}"
        );
        let conflict = only(&loaded, "CONFLICTING_EVENT");
        assert_eq!(
            conflict.related[0].location.file, file["orders"],
            "{context}"
        );
        assert_eq!(loaded.diagnostics.len(), 3, "{context}");
    }
}

/// A native contract stays the event's home, even when a producer's document declares it too.
#[test]
fn a_native_contract_stays_the_events_home() {
    let loaded = snapshot_case("event-home", "event-home");
    let native = fixtures().join("event-home/events/order-placed.yaml");
    let event = loaded.catalog.event("OrderPlaced").expect("event");
    assert_eq!(event.location.file, native, "{}", dump(&loaded));
    let conflict = only(&loaded, "CONFLICTING_EVENT");
    assert_eq!(conflict.related[0].location.file, native);
}

// ----- corpus -------------------------------------------------------------------------------

fn corpus_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/asyncapi");
    assert!(
        dir.is_dir(),
        "the AsyncAPI corpus is missing: expected it at {}",
        dir.display()
    );
    dir
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read corpus dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
}

/// For an AsyncAPI document (a top-level `asyncapi:` key), how many channels and operations it
/// declares.
fn is_asyncapi(path: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let doc = contrail_contracts::yaml::parse(&text).ok()?;
    doc.root.get("asyncapi")?;
    let count = |key: &str| {
        doc.root
            .get(key)
            .and_then(|n| n.as_map())
            .map_or(0, <[_]>::len)
    };
    Some(count("channels") + count("operations"))
}

/// What each corpus document is expected to report, by code, after review by hand. Documents
/// not listed load without findings.
fn expected_corpus_findings() -> BTreeMap<&'static str, Vec<(&'static str, usize)>> {
    BTreeMap::from([
        // Payload schemas `$ref` the bluesky event-model schemas on GitHub: never fetched.
        (
            "DiamondLightSource__blueapi/docs/reference/asyncapi.yaml",
            vec![("REMOTE_REFERENCE", 8)],
        ),
        // The status message is used on two channels: the event keeps the first topic.
        (
            "Forsakringskassan__rimfrost-operativt-uppgiftslager-asyncapi/asyncapi.yaml",
            vec![("ASYNCAPI_UNMAPPED", 1)],
        ),
        // The Avro payloads are `$ref`s to https://www.asyncapi.com/...avsc.
        (
            "asyncapi__spec/examples/adeo-kafka-request-reply-asyncapi.yml",
            vec![("REMOTE_REFERENCE", 2)],
        ),
        // Correlation id `$message.header#/MQMD/CorrelId`: a path inside an MQ header.
        (
            "asyncapi__spec/examples/application-headers-asyncapi.yml",
            vec![("ASYNCAPI_UNMAPPED", 1)],
        ),
        (
            "asyncapi__spec/examples/correlation-id-asyncapi.yml",
            vec![("ASYNCAPI_UNMAPPED", 1)],
        ),
        (
            "asyncapi__spec@v2.6.0/examples/application-headers.yml",
            vec![("ASYNCAPI_UNMAPPED", 1)],
        ),
        (
            "asyncapi__spec@v2.6.0/examples/correlation-id.yml",
            vec![("ASYNCAPI_UNMAPPED", 1)],
        ),
        // `turnOnOff` travels on the turn.on and the turn.off channels.
        (
            "asyncapi__spec/examples/streetlights-kafka-asyncapi.yml",
            vec![("ASYNCAPI_UNMAPPED", 1)],
        ),
        (
            "asyncapi__spec/examples/streetlights-mqtt-asyncapi.yml",
            vec![("ASYNCAPI_UNMAPPED", 1)],
        ),
        (
            "asyncapi__spec@v2.6.0/examples/streetlights-kafka.yml",
            vec![("ASYNCAPI_UNMAPPED", 1)],
        ),
        (
            "asyncapi__spec@v2.6.0/examples/streetlights-mqtt.yml",
            vec![("ASYNCAPI_UNMAPPED", 1)],
        ),
        // Both subscriptionStatus examples break the schema (`pair` is a string where an
        // array is declared, `status: unsubscribed` and `depth: 42` are outside their enums).
        (
            "asyncapi__spec/examples/kraken-websocket-request-reply-message-filter-in-reply-asyncapi.yml",
            vec![("EXAMPLE_MISMATCH", 2)],
        ),
        (
            "asyncapi__spec/examples/kraken-websocket-request-reply-multiple-channels-asyncapi.yml",
            vec![("EXAMPLE_MISMATCH", 2)],
        ),
        // 65 `$ref`s such as `#/components/messages/subpackage_agent/v1.agent...` name keys that
        // contain `/` without escaping it as `~1` (asyncapi-validate reports the same 65).
        (
            "deepgram__deepgram-api-specs/asyncapi.yml",
            vec![("UNRESOLVED_REFERENCE", 65)],
        ),
    ])
}

#[test]
fn corpus_documents_load() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    files_under(&dir, &mut files);
    let expected = expected_corpus_findings();
    let mut documents = 0;
    let mut report = String::new();
    let mut failures = Vec::new();
    for path in files {
        let Some(parts) = is_asyncapi(&path) else {
            continue;
        };
        documents += 1;
        let loaded = load(std::slice::from_ref(&path));
        let relative = path
            .strip_prefix(&dir)
            .expect("under corpus")
            .to_string_lossy()
            .into_owned();
        let want_services = usize::from(parts > 0);
        if loaded.catalog.services.len() != want_services {
            failures.push(format!(
                "{relative}: {} services, expected {want_services}",
                loaded.catalog.services.len()
            ));
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &loaded.diagnostics {
            *counts.entry(d.code.name).or_default() += 1;
            assert!(
                d.location.is_some() && d.help.is_some(),
                "{relative}: {}",
                dump(&loaded)
            );
        }
        let got: Vec<(&str, usize)> = counts.into_iter().collect();
        let want = expected.get(relative.as_str()).cloned().unwrap_or_default();
        if got != want {
            failures.push(format!("{relative}: findings {got:?}, expected {want:?}"));
        }
        let services: Vec<String> = loaded
            .catalog
            .services
            .iter()
            .map(|s| {
                format!(
                    "{} (+{} -{})",
                    s.name.value,
                    s.produces.len(),
                    s.consumes.len()
                )
            })
            .collect();
        report.push_str(&format!(
            "== {relative}: {} events, {}\n{}\n",
            loaded.catalog.events.len(),
            services.join(", "),
            dump(&loaded)
        ));
    }
    println!("{report}");
    assert!(
        documents >= 50,
        "only {documents} AsyncAPI documents found in {}",
        dir.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ----- the social-media example in 2.6 and 3.1 ----------------------------------------------

const SOCIAL_MEDIA_SERVICES: [&str; 5] = [
    "backend",
    "comments-service",
    "frontend",
    "notification-service",
    "public-api",
];

fn social_media(version_dir: &str) -> Loaded {
    let base = corpus_dir().join(version_dir).join("examples/social-media");
    let paths: Vec<PathBuf> = SOCIAL_MEDIA_SERVICES
        .iter()
        .map(|s| base.join(s).join("asyncapi.yaml"))
        .collect();
    load(&paths)
}

#[test]
fn social_media_26_and_31_describe_the_same_system() {
    // The 2.6 documents follow the spec's reading (subscribe = the application sends): the
    // backend `subscribe`s to comment/liked where the 3.1 backend has `sendCommentLiked`. No
    // client-perspective override is needed, and none is applied.
    let v26 = social_media("asyncapi__spec@v2.6.0");
    let v31 = social_media("asyncapi__spec");
    for loaded in [&v26, &v31] {
        let findings: Vec<&Diagnostic> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity > contrail_contracts::Severity::Info)
            .collect();
        assert!(findings.is_empty(), "{}", dump(loaded));
        assert_eq!(loaded.catalog.services.len(), 5);
    }
    let flows26 = flows(&v26);
    assert_eq!(flows26, flows(&v31));
    let expected: BTreeSet<(String, &str, String, String)> = [
        (
            "Website Backend",
            "produces",
            "comment/liked",
            "commentLiked",
        ),
        ("Website Backend", "consumes", "like/comment", "likeComment"),
        (
            "Website Backend",
            "consumes",
            "comment/{commentId}/changed",
            "commentChanged",
        ),
        (
            "Website Backend",
            "produces",
            "update/comment/likes",
            "updateCommentLikes",
        ),
        (
            "Comments Service",
            "consumes",
            "comment/liked",
            "commentLiked",
        ),
        (
            "Comments Service",
            "produces",
            "comment/{commentId}/changed",
            "commentChanged",
        ),
        (
            "Website WebSocket Client",
            "produces",
            "like/comment",
            "likeComment",
        ),
        (
            "Website WebSocket Client",
            "consumes",
            "update/comment/likes",
            "updateCommentLikes",
        ),
        (
            "Notifications Service",
            "consumes",
            "comment/liked",
            "commentLiked",
        ),
        ("Public API", "consumes", "comment/liked", "commentLiked"),
    ]
    .into_iter()
    .map(|(s, d, t, e)| (s.to_owned(), d, t.to_owned(), e.to_owned()))
    .collect();
    assert_eq!(flows26, expected);
    // Both versions name the events after their key in common/messages.yaml and locate their
    // payload schemas in common/schemas.yaml.
    for loaded in [&v26, &v31] {
        let event = loaded.catalog.event("likeComment").expect("event");
        let schema = loaded
            .catalog
            .schemas
            .get(event.schema.as_ref().and_then(|s| s.id).expect("schema"));
        assert!(schema.file.ends_with("social-media/common/schemas.yaml"));
        assert_eq!(schema.pointer, "/likeCommentPayload");
        assert!(schema.valid);
    }
}

/// The spec's examples that exist in both 2.6 and 3.1 describe the same flows. The 2.6 RPC
/// examples write their messages inline without a name, so their events fall back to
/// `<operationId>-message`, where 3.1 names them by their channel key.
#[test]
fn spec_examples_26_and_31_agree() {
    let dir = corpus_dir();
    for name in [
        "simple",
        "streetlights-kafka",
        "streetlights-mqtt",
        "correlation-id",
        "application-headers",
        "gitter-streaming",
        "mercure",
        "operation-security",
        "slack-rtm",
        "websocket-gemini",
        "rpc-client",
        "rpc-server",
    ] {
        let v26 = load(&[dir.join(format!("asyncapi__spec@v2.6.0/examples/{name}.yml"))]);
        let v31 = load(&[dir.join(format!("asyncapi__spec/examples/{name}-asyncapi.yml"))]);
        let mut flows26 = flows(&v26);
        if name.starts_with("rpc-") {
            flows26 = flows26
                .into_iter()
                .map(|(s, d, t, e)| (s, d, t, e.trim_end_matches("-message").to_owned()))
                .collect();
        }
        assert!(!flows26.is_empty(), "{name}");
        assert_eq!(flows26, flows(&v31), "{name}");
    }
}

#[test]
fn corpus_mapping_details() {
    let dir = corpus_dir();
    // Adeo: a Kafka request/reply. The request channel's address has parameters; the reply
    // channel's address is null, so its key is the topic.
    let adeo = load(&[dir.join("asyncapi__spec/examples/adeo-kafka-request-reply-asyncapi.yml")]);
    let expected: BTreeSet<(String, &str, String, String)> = [
        (
            "consumes",
            "adeo-{env}-case-study-COSTING-REQUEST-{version}",
            "CostingRequestV1",
        ),
        ("produces", "costingResponseChannel", "CostingResponse"),
    ]
    .into_iter()
    .map(|(d, t, e)| {
        (
            "Adeo AsyncAPI Case Study".to_owned(),
            d,
            t.to_owned(),
            e.to_owned(),
        )
    })
    .collect();
    assert_eq!(flows(&adeo), expected);
    let request = adeo.catalog.event("CostingRequestV1").expect("event");
    assert_eq!(
        request.correlation.as_ref().map(|c| c.value.clone()),
        Some(Correlation::Header("REQUEST_ID".to_owned()))
    );
    // The groupId binding only describes the type: no fixed group.
    let s = service(&adeo, "Adeo AsyncAPI Case Study");
    assert_eq!(
        s.owner.as_ref().map(|o| o.value.as_str()),
        Some("AsyncAPI Community")
    );
    assert!(s.consumes[0].group.is_none());
    // Rimfrost: payloads `$ref` a sibling file; both files are read for the schema.
    let rimfrost = load(&[dir.join("Forsakringskassan__rimfrost-process-asyncapi/asyncapi.yaml")]);
    assert!(rimfrost.catalog.events.iter().all(|e| {
        e.schema
            .as_ref()
            .and_then(|s| s.id)
            .is_some_and(|id| rimfrost.catalog.schemas.get(id).valid)
    }));
    assert!(rimfrost.sources.keys().any(|p| {
        p.ends_with("Forsakringskassan__rimfrost-process-asyncapi/kogito-cloudevent.yaml")
    }));
}

// ----- structure fuzzing --------------------------------------------------------------------

mod shapes {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    const KEYS: &[&str] = &[
        "info",
        "title",
        "channels",
        "operations",
        "components",
        "messages",
        "message",
        "oneOf",
        "payload",
        "action",
        "channel",
        "reply",
        "traits",
        "bindings",
        "kafka",
        "topic",
        "groupId",
        "const",
        "enum",
        "correlationId",
        "location",
        "examples",
        "schemaFormat",
        "schema",
        "subscribe",
        "publish",
        "address",
        "name",
        "messageId",
        "x-contrail-event",
        "x-contrail-kind",
        "operationId",
        "properties",
        "type",
        "items",
        "a",
        "b",
    ];
    const REFS: &[&str] = &[
        "#/channels/a",
        "#/channels/a/messages/a",
        "#/components/messages/a",
        "#/components/messages/b",
        "#/components/schemas/a",
        "#/operations/a",
        "#",
        "#/",
        "#a",
        "other.yaml#/a",
        "other.yaml",
        "missing.yaml#/a",
        "https://example.com/x.yaml",
        "file:///nonexistent/x.yaml",
        "%23/a",
    ];
    const WORDS: &[&str] = &[
        "send",
        "receive",
        "a",
        "$message.header#/a",
        "$message.payload#/a/b",
        "application/vnd.apache.avro;version=1.9.0",
        "application/schema+json;version=draft-07",
        "application/x-unknown",
        "object",
        "string",
        "domain",
    ];

    pub(crate) fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(|i| json!(i)),
            prop::sample::select(REFS).prop_map(|r| json!({ "$ref": r })),
            prop::sample::select(WORDS).prop_map(|w| json!(w)),
        ];
        leaf.prop_recursive(6, 96, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(
                    |entries| Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect()
                    )
                ),
            ]
        })
    }

    pub(crate) fn document() -> impl Strategy<Value = (Value, Value)> {
        (
            prop::sample::select(&["2.0.0", "2.6.0", "3.0.0", "3.1.0"][..]),
            value(),
            value(),
            value(),
            value(),
            value(),
        )
            .prop_map(
                |(version, channels, operations, messages, schemas, other)| {
                    (
                        json!({
                            "asyncapi": version,
                            "info": {"title": "Fuzz", "version": "1"},
                            "channels": {"a": channels},
                            "operations": {"a": operations},
                            "components": {"messages": {"a": messages}, "schemas": {"a": schemas}},
                        }),
                        other,
                    )
                },
            )
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_structure_loads_without_panicking((document, other) in shapes::document()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = write(dir.path(), "asyncapi.yaml", &document.to_string());
        write(dir.path(), "other.yaml", &other.to_string());
        let loaded = load(&[path]);
        for d in &loaded.diagnostics {
            prop_assert!(d.location.is_some(), "{}", dump(&loaded));
            prop_assert!(d.help.is_some(), "{}", dump(&loaded));
        }
    }
}
