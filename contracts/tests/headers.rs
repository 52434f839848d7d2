//! Declared Kafka headers, envelopes and stand-in topics, from native event files and AsyncAPI
//! messages.

use std::path::Path;

use contrail_contracts::model::{Envelope, Event, Headers};
use contrail_contracts::{LoadOptions, Loaded, load_catalog};

fn catalog(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut all = vec![("contrail.yaml", "catalog: headers\n")];
    all.extend_from_slice(files);
    for (name, text) in all {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let loaded = load_catalog(dir.path(), LoadOptions::default()).expect("loads");
    (dir, loaded)
}

fn event<'a>(loaded: &'a Loaded, name: &str) -> &'a Event {
    loaded
        .catalog
        .events
        .iter()
        .find(|e| e.name.value == name)
        .unwrap_or_else(|| panic!("no event {name}: {:#?}", loaded.diagnostics))
}

fn headers<'a>(loaded: &'a Loaded, name: &str) -> &'a Headers {
    &event(loaded, name)
        .headers
        .as_ref()
        .unwrap_or_else(|| panic!("{name} declares no headers"))
        .value
}

/// (name, required) of each declared header.
fn summary(headers: &Headers) -> Vec<(&str, bool)> {
    headers
        .declared
        .iter()
        .map(|h| (h.name.value.as_str(), h.required))
        .collect()
}

fn codes(loaded: &Loaded) -> Vec<(&str, String)> {
    loaded
        .diagnostics
        .iter()
        .map(|d| (d.code.code, d.pointer.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn native_headers_as_a_mapping_of_names_are_open() {
    let (_dir, loaded) = catalog(&[(
        "events/a.yaml",
        "event: OrderPlaced\nheaders:\n  correlation-id: { required: true, description: Groups events. }\n  traceparent: W3C Trace Context\n  tracestate:\n  ce_time: { schema: { type: string, format: date-time } }\nenvelope: cloudevents\n",
    )]);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let h = headers(&loaded, "OrderPlaced");
    assert!(!h.closed);
    assert_eq!(
        summary(h),
        [
            ("correlation-id", true),
            ("traceparent", false),
            ("tracestate", false),
            ("ce_time", false)
        ]
    );
    assert_eq!(h.declared[0].description.as_deref(), Some("Groups events."));
    assert_eq!(
        h.declared[1].description.as_deref(),
        Some("W3C Trace Context")
    );
    assert_eq!(
        h.declared[3].schema,
        Some(serde_json::json!({"type": "string", "format": "date-time"}))
    );
    let correlation = &h.declared[0].name;
    assert_eq!(correlation.pointer, "/headers/correlation-id");
    assert_eq!(
        (
            correlation.location.start.line,
            correlation.location.start.column
        ),
        (3, 3)
    );
    let e = event(&loaded, "OrderPlaced");
    assert_eq!(
        e.envelope.as_ref().map(|e| e.value),
        Some(Envelope::CloudEvents)
    );
}

#[test]
fn native_headers_as_a_schema_can_be_closed() {
    let (_dir, loaded) = catalog(&[(
        "events/a.yaml",
        "event: OrderPlaced\nheaders:\n  type: object\n  additionalProperties: false\n  required: [correlation-id]\n  properties:\n    correlation-id: { type: string }\n    traceparent: { type: string }\n",
    )]);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let h = headers(&loaded, "OrderPlaced");
    assert!(h.closed);
    assert_eq!(
        summary(h),
        [("correlation-id", true), ("traceparent", false)]
    );
    assert_eq!(
        h.declared[1].name.pointer,
        "/headers/properties/traceparent"
    );
}

#[test]
fn bad_header_shapes_are_findings() {
    let (_dir, loaded) = catalog(&[
        ("events/a.yaml", "event: A\nheaders: [correlation-id]\n"),
        (
            "events/b.yaml",
            "event: B\nheaders:\n  correlation-id: 3\n  traceparent: { required: maybe, colour: red }\n  ce_time: { schema: date-time }\n",
        ),
        ("events/c.yaml", "event: C\nheaders:\n  type: array\n"),
        (
            "events/d.yaml",
            "event: D\nheaders:\n  type: object\n  required: [trace-id]\n  properties: { traceparent: {} }\n",
        ),
        ("events/e.yaml", "event: E\nenvelope: cloud-events\n"),
    ]);
    let found = codes(&loaded);
    for expected in [
        ("CV005", "/headers"),
        ("CV005", "/headers/correlation-id"),
        ("CV005", "/headers/traceparent/required"),
        ("CV004", "/headers/traceparent/colour"),
        ("CV005", "/headers/ce_time/schema"),
        ("CV005", "/headers/required"),
        ("CV005", "/envelope"),
    ] {
        assert!(
            found
                .iter()
                .any(|(c, p)| *c == expected.0 && p == expected.1),
            "missing {expected:?} in {found:#?}"
        );
    }
    // The good parts of a half-broken declaration are still read.
    assert_eq!(
        summary(headers(&loaded, "B")),
        [("traceparent", false), ("ce_time", false)]
    );
    assert!(event(&loaded, "A").headers.is_none());
}

const ASYNCAPI: &str = r##"asyncapi: 3.0.0
info: { title: billing, version: 1.0.0 }
channels:
  invoices:
    address: billing.invoices
    messages:
      InvoiceIssued: { $ref: '#/components/messages/InvoiceIssued' }
  reminders:
    address: null
    messages:
      ReminderSent: { $ref: '#/components/messages/ReminderSent' }
operations:
  issueInvoice:
    action: send
    channel: { $ref: '#/channels/invoices' }
  remind:
    action: receive
    channel: { $ref: '#/channels/reminders' }
components:
  schemas:
    Traceparent: { type: string, description: W3C Trace Context }
  messages:
    InvoiceIssued:
      headers:
        type: object
        additionalProperties: false
        required: [ce_id]
        properties:
          ce_id: { type: string }
          traceparent: { $ref: '#/components/schemas/Traceparent' }
        allOf:
          - properties: { tracestate: { type: string } }
      payload: { type: object }
    ReminderSent:
      contentType: application/cloudevents+json
      headers:
        schemaFormat: application/schema+json;version=draft-07
        schema:
          type: object
          properties: { correlation-id: { type: string } }
      payload: { type: object }
"##;

#[test]
fn asyncapi_message_headers_envelopes_and_channel_keys() {
    let (_dir, loaded) = catalog(&[("asyncapi.yaml", ASYNCAPI)]);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let issued = headers(&loaded, "InvoiceIssued");
    assert!(issued.closed);
    assert_eq!(
        summary(issued),
        [
            ("ce_id", true),
            ("traceparent", false),
            ("tracestate", false)
        ]
    );
    assert_eq!(
        issued.declared[1].description.as_deref(),
        Some("W3C Trace Context")
    );
    let reminder = headers(&loaded, "ReminderSent");
    assert!(!reminder.closed);
    assert_eq!(summary(reminder), [("correlation-id", false)]);

    let sent = event(&loaded, "ReminderSent");
    assert_eq!(
        sent.envelope.as_ref().map(|e| e.value),
        Some(Envelope::CloudEvents)
    );
    assert!(event(&loaded, "InvoiceIssued").envelope.is_none());

    // `address: null`: the channel key stands in for the topic, and says so.
    assert_eq!(
        sent.topic.as_ref().map(|t| t.value.as_str()),
        Some("reminders")
    );
    assert!(sent.topic_is_channel_key);
    assert!(!event(&loaded, "InvoiceIssued").topic_is_channel_key);
    let service = &loaded.catalog.services[0];
    assert!(service.consumes.iter().all(|c| c.topic_is_channel_key));
    assert!(service.produces.iter().all(|p| !p.topic_is_channel_key));
}
