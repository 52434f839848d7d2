//! The native contract format: `contrail.yaml`, event files and service files.
//! The format is specified in docs/contracts.md; keep the two in step.

use std::path::Path;

use super::fields::{Fields, location};
use super::{LoadCtx, schemas};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::{
    Backoff, CompatibilityMode, Consumes, Correlation, Envelope, Event, EventKind, Example, Header,
    Headers, Idempotency, Origin, Produces, Retention, Retry, SchemaRef, Service, Spanned,
    SubjectNaming, Suppression,
};
use crate::pointer::pointer_join;
use crate::suggest::did_you_mean;
use crate::yaml::{Document, Node, Value};

const CONFIG_KEYS: &[&str] = &[
    "catalog", "registry", "defaults", "lint", "asyncapi", "brokers",
];
const DEFAULTS_KEYS: &[&str] = &[
    "compatibility",
    "correlation",
    "subject-naming",
    "owner",
    "envelope",
];
const ASYNCAPI_KEYS: &[&str] = &["client-perspective"];
const EVENT_KEYS: &[&str] = &[
    "event",
    "kind",
    "description",
    "version",
    "topic",
    "key",
    "schema",
    "message",
    "subject",
    "owner",
    "compatibility",
    "correlation",
    "retention",
    "headers",
    "envelope",
    "public",
    "examples",
];
const SERVICE_KEYS: &[&str] = &["service", "owner", "description", "produces", "consumes"];
const PRODUCES_KEYS: &[&str] = &["event", "topic"];
const CONSUMES_KEYS: &[&str] = &[
    "event",
    "topic",
    "group",
    "reads",
    "idempotency",
    "retry",
    "dead-letter",
    "schema",
    "message",
];
const CORRELATION_KEYS: &[&str] = &["header", "payload", "traceparent"];
const HEADER_KEYS: &[&str] = &["description", "required", "schema"];

/// Reads `contrail.yaml`.
pub(super) fn load_config(ctx: &mut LoadCtx, path: &Path) {
    ctx.catalog.config.file = Some(path.to_path_buf());
    let Some(document) = ctx.yaml(path) else {
        return;
    };
    let mut diagnostics = Vec::new();
    let Some(mut f) = Fields::new(
        path,
        &document.root,
        "",
        "contrail.yaml",
        CONFIG_KEYS,
        &mut diagnostics,
    ) else {
        ctx.diagnostics.extend(diagnostics);
        return;
    };
    let config = &mut ctx.catalog.config;
    config.name = f.required_string(
        "catalog",
        "contrail.yaml",
        "name the catalog: `catalog: shop`",
    );
    config.registry = f.string("registry");
    config.lint = f.get("lint").cloned();
    if let Some(mut d) = f.nested("defaults", "`defaults`", DEFAULTS_KEYS) {
        config.defaults.compatibility = d.keyword::<CompatibilityMode>("compatibility");
        config.defaults.subject_naming = d.keyword::<SubjectNaming>("subject-naming");
        config.defaults.owner = d.string("owner");
        config.defaults.correlation = correlation(&mut d, "correlation");
        config.defaults.envelope = d.keyword::<Envelope>("envelope");
    }
    if let Some(mut a) = f.nested("asyncapi", "`asyncapi`", ASYNCAPI_KEYS) {
        config.asyncapi_client_perspective = a.string_list("client-perspective");
    }
    if let Some(node) = f.get("brokers") {
        let pointer = f.pointer_of("brokers");
        config.brokers = super::brokers::brokers(path, node, &pointer, f.diagnostics);
    }
    ctx.diagnostics.extend(diagnostics);
}

/// Reads a correlation location: `traceparent`, `{header: NAME}` or `{payload: /json/pointer}`.
fn correlation(f: &mut Fields<'_>, key: &str) -> Option<Spanned<Correlation>> {
    let node = f.get(key)?;
    if let Some(text) = node.as_str() {
        if text == "traceparent" {
            return Some(f.spanned(key, node, Correlation::Traceparent));
        }
        let message = format!("`{text}` is not a correlation location");
        f.invalid(
            key,
            node,
            message,
            Some("write `traceparent`, `{ header: correlation-id }` or `{ payload: /metadata/correlationId }`".to_owned()),
        );
        return None;
    }
    let pointer = f.pointer_of(key);
    let mut c = Fields::new(
        f.file,
        node,
        pointer,
        "`correlation`",
        CORRELATION_KEYS,
        f.diagnostics,
    )?;
    let header = c.string("header");
    let payload = c.string("payload");
    let traceparent = c.bool("traceparent").unwrap_or(false);
    let value = match (header, payload, traceparent) {
        (Some(h), None, false) => Correlation::Header(h.value),
        (None, Some(p), false) => {
            let pointer = if p.value.starts_with('/') {
                p.value
            } else {
                format!("/{}", p.value.replace('.', "/"))
            };
            Correlation::Payload(pointer)
        }
        (None, None, true) => Correlation::Traceparent,
        _ => {
            c.invalid(
                key,
                node,
                "`correlation` takes exactly one of `header`, `payload` or `traceparent: true`"
                    .to_owned(),
                None,
            );
            return None;
        }
    };
    Some(f.spanned(key, node, value))
}

/// Reads an event's `headers`: a mapping of header names to `{description, required, schema}`
/// (or to a description alone, or null), or a JSON Schema object whose `properties` are the
/// headers (`additionalProperties: false` makes the set closed). A mapping with a string `type`
/// or a mapping `properties` is the schema form.
fn headers(f: &mut Fields<'_>) -> Option<Spanned<Headers>> {
    let node = f.get("headers")?;
    let pointer = f.pointer_of("headers");
    let Some(entries) = node.as_map() else {
        let message = format!(
            "`headers` must map header names to their description, found {}",
            node.kind_name()
        );
        f.invalid(
            "headers",
            node,
            message,
            Some("write `headers: { correlation-id: { required: true } }`".to_owned()),
        );
        return None;
    };
    let schema_form = node.get("type").is_some_and(|t| t.as_str().is_some())
        || node.get("properties").is_some_and(|p| p.as_map().is_some());
    let mut headers = Headers::default();
    if schema_form {
        if let Some(t) = node.get("type").and_then(Node::as_str)
            && t != "object"
        {
            let message = format!("a headers schema must have `type: object`, found `{t}`");
            f.invalid("headers", node, message, None);
            return None;
        }
        let required: Vec<&str> = match node.get("required") {
            None => Vec::new(),
            Some(r) => match r.as_seq() {
                Some(items) if items.iter().all(|i| i.as_str().is_some()) => {
                    items.iter().filter_map(Node::as_str).collect()
                }
                _ => {
                    f.diagnostics.push(
                        Diagnostic::new(
                            codes::INVALID_VALUE,
                            "`required` of a headers schema must be a list of header names",
                        )
                        .at(location(f.file, r))
                        .pointer(pointer_join(&pointer, "required")),
                    );
                    Vec::new()
                }
            },
        };
        headers.closed = node.get("additionalProperties").and_then(Node::as_bool) == Some(false);
        let properties_pointer = pointer_join(&pointer, "properties");
        for entry in node.get("properties").and_then(Node::as_map).unwrap_or(&[]) {
            let value = &entry.value;
            headers.declared.push(Header {
                name: Spanned::new(
                    entry.key.clone(),
                    super::fields::key_location(f.file, entry),
                    pointer_join(&properties_pointer, &entry.key),
                ),
                required: required.contains(&entry.key.as_str()),
                description: value
                    .get("description")
                    .and_then(Node::as_str)
                    .map(str::to_owned),
                schema: Some(value.to_json()),
            });
        }
        for name in required {
            if headers.get(name).is_none()
                && let Some(r) = node.get("required")
            {
                f.diagnostics.push(
                    Diagnostic::new(
                        codes::INVALID_VALUE,
                        format!("required header `{name}` is not among the schema's `properties`"),
                    )
                    .at(location(f.file, r))
                    .pointer(pointer_join(&pointer, "required"))
                    .help("list it under `properties`, or remove it from `required`"),
                );
            }
        }
        return Some(f.spanned("headers", node, headers));
    }
    for entry in entries {
        let header_pointer = pointer_join(&pointer, &entry.key);
        let name = Spanned::new(
            entry.key.clone(),
            super::fields::key_location(f.file, entry),
            header_pointer.clone(),
        );
        if entry.key.trim().is_empty() {
            f.diagnostics.push(
                Diagnostic::new(codes::INVALID_VALUE, "a header name must not be empty")
                    .at(name.location.clone())
                    .pointer(header_pointer),
            );
            continue;
        }
        let value = &entry.value;
        let mut header = Header {
            name,
            required: false,
            description: None,
            schema: None,
        };
        match &value.value {
            Value::Null => {}
            Value::String(description) => header.description = Some(description.clone()),
            _ => {
                let what = format!("header `{}`", entry.key);
                let Some(mut h) = Fields::new(
                    f.file,
                    value,
                    header_pointer,
                    &what,
                    HEADER_KEYS,
                    f.diagnostics,
                ) else {
                    continue;
                };
                header.required = h.bool("required").unwrap_or(false);
                header.description = h.string("description").map(|s| s.value);
                if let Some(schema) = h.get("schema") {
                    if schema.as_map().is_some() {
                        header.schema = Some(schema.to_json());
                    } else {
                        let message = format!(
                            "`schema` of a header must be a JSON Schema object, found {}",
                            schema.kind_name()
                        );
                        h.invalid(
                            "schema",
                            schema,
                            message,
                            Some("write `schema: { type: string, format: date-time }`".to_owned()),
                        );
                    }
                }
            }
        }
        headers.declared.push(header);
    }
    Some(f.spanned("headers", node, headers))
}

fn schema_ref(
    ctx: &mut LoadCtx,
    path: &Path,
    written: Option<Spanned<String>>,
    message: Option<Spanned<String>>,
) -> Option<SchemaRef> {
    let written = written?;
    let id = schemas::schema_for_contract(ctx, path, &written);
    Some(SchemaRef {
        id,
        written,
        message,
    })
}

/// Reads an event file.
pub(super) fn load_event(ctx: &mut LoadCtx, path: &Path, document: &Document) {
    let mut diagnostics = Vec::new();
    let Some(mut f) = Fields::new(
        path,
        &document.root,
        "",
        "an event",
        EVENT_KEYS,
        &mut diagnostics,
    ) else {
        ctx.diagnostics.extend(diagnostics);
        return;
    };
    let Some(name) = f.required_string("event", "an event", "name the event: `event: OrderPlaced`")
    else {
        ctx.diagnostics.extend(diagnostics);
        return;
    };
    let kind = f.keyword::<EventKind>("kind");
    let description = f.string("description").map(|s| s.value);
    let version = f.string_or_number("version");
    let topic = f.string("topic");
    let key = f.string("key");
    let schema_written = f.string("schema");
    let message = f.string("message");
    let subject = f.string("subject");
    let owner = f.string("owner");
    let compatibility = f.keyword::<CompatibilityMode>("compatibility");
    let correlation = correlation(&mut f, "correlation");
    let retention = f.keyword::<Retention>("retention");
    let headers = headers(&mut f);
    let envelope = f.keyword::<Envelope>("envelope");
    let public = f.bool("public").unwrap_or(false);
    let mut examples = Vec::new();
    for (pointer, item) in f.seq("examples") {
        if let Some(example) = example(&mut f, &pointer, item) {
            examples.push(example);
        }
    }
    let location = f.key_location("event");
    let suppressions = suppressions(
        path,
        document.root.get("x-contrail-ignore"),
        "/x-contrail-ignore",
        &mut diagnostics,
    );
    ctx.diagnostics.extend(diagnostics);
    let schema = schema_ref(ctx, path, schema_written, message);
    ctx.catalog.events.push(Event {
        name,
        kind,
        description,
        version,
        topic,
        topic_is_channel_key: false,
        key,
        schema,
        subject,
        owner,
        compatibility,
        correlation,
        retention,
        headers,
        envelope,
        public,
        examples,
        suppressions,
        location,
        origin: Origin::Native,
    });
}

fn example(f: &mut Fields<'_>, pointer: &str, node: &Node) -> Option<Example> {
    let mut e = Fields::new(
        f.file,
        node,
        pointer.to_owned(),
        "an example",
        &["name", "payload"],
        f.diagnostics,
    )?;
    let name = e.string("name").map(|s| s.value);
    let Some(payload) = node.get("payload") else {
        e.missing(
            "payload",
            "an example",
            "write the example message under `payload:`",
        );
        return None;
    };
    Some(Example {
        name,
        payload: payload.to_json(),
        location: location(f.file, payload),
        pointer: pointer_join(pointer, "payload"),
        node: payload.clone(),
    })
}

/// Reads a service file.
pub(super) fn load_service(ctx: &mut LoadCtx, path: &Path, document: &Document) {
    let mut diagnostics = Vec::new();
    let Some(mut f) = Fields::new(
        path,
        &document.root,
        "",
        "a service",
        SERVICE_KEYS,
        &mut diagnostics,
    ) else {
        ctx.diagnostics.extend(diagnostics);
        return;
    };
    let Some(name) = f.required_string(
        "service",
        "a service",
        "name the service: `service: inventory`",
    ) else {
        ctx.diagnostics.extend(diagnostics);
        return;
    };
    let owner = f.string("owner");
    let description = f.string("description").map(|s| s.value);
    let mut produces = Vec::new();
    for (pointer, item) in f.seq("produces") {
        if let Some((event, mut p)) =
            event_item(&mut f, &pointer, item, "a `produces` entry", PRODUCES_KEYS)
        {
            let topic = p.as_mut().and_then(|p| p.string("topic"));
            produces.push(Produces {
                event,
                topic,
                topic_is_channel_key: false,
            });
        }
    }
    let mut consumes = Vec::new();
    let mut reader_schemas = Vec::new();
    for (pointer, item) in f.seq("consumes") {
        let Some((event, c)) =
            event_item(&mut f, &pointer, item, "a `consumes` entry", CONSUMES_KEYS)
        else {
            continue;
        };
        let mut consume = Consumes {
            event,
            topic: None,
            topic_is_channel_key: false,
            group: None,
            reads: Vec::new(),
            idempotency: None,
            retry: None,
            dead_letter: None,
            schema: None,
        };
        if let Some(mut c) = c {
            consume.topic = c.string("topic");
            consume.group = c.string("group");
            consume.reads = c.string_list("reads");
            consume.dead_letter = c.string("dead-letter");
            reader_schemas.push((consumes.len(), c.string("schema"), c.string("message")));
            consume.idempotency = idempotency(&mut c);
            consume.retry = retry(&mut c);
        }
        consumes.push(consume);
    }
    let location = f.key_location("service");
    let suppressions = suppressions(
        path,
        document.root.get("x-contrail-ignore"),
        "/x-contrail-ignore",
        &mut diagnostics,
    );
    ctx.diagnostics.extend(diagnostics);
    for (index, written, message) in reader_schemas {
        consumes[index].schema = schema_ref(ctx, path, written, message);
    }
    ctx.catalog.services.push(Service {
        name,
        owner,
        description,
        produces,
        consumes,
        suppressions,
        location,
        origin: Origin::Native,
    });
}

/// Reads an `x-contrail-ignore` mapping (rule name → reason) found at `pointer`.
pub(super) fn suppressions(
    file: &Path,
    node: Option<&Node>,
    pointer: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    let Some(node) = node.filter(|n| !n.is_null()) else {
        return Vec::new();
    };
    let Some(entries) = node.as_map() else {
        diagnostics.push(
            Diagnostic::new(
                codes::INVALID_VALUE,
                format!("`x-contrail-ignore` must map rule names to reasons, found {}", node.kind_name()),
            )
            .at(location(file, node))
            .pointer(pointer.to_owned())
            .help("write `x-contrail-ignore: { CONSUMER_DEAD_LETTER: \"replays from the source instead\" }`"),
        );
        return Vec::new();
    };
    entries
        .iter()
        .map(|entry| Suppression {
            rule: Spanned::new(
                entry.key.clone(),
                super::fields::key_location(file, entry),
                pointer_join(pointer, &entry.key),
            ),
            reason: entry
                .value
                .as_str()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        })
        .collect()
}

/// The consumer settings of an AsyncAPI operation's `x-contrail-consumer` extension: the keys
/// of a native `consumes` entry other than `event`, `topic` and `schema`.
#[derive(Debug, Clone, Default)]
pub(super) struct ConsumerExtension {
    pub group: Option<Spanned<String>>,
    pub reads: Vec<Spanned<String>>,
    pub idempotency: Option<Spanned<Idempotency>>,
    pub retry: Option<Spanned<Retry>>,
    pub dead_letter: Option<Spanned<String>>,
}

pub(super) fn consumer_extension(
    file: &Path,
    node: &Node,
    pointer: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ConsumerExtension> {
    const KEYS: &[&str] = &["group", "reads", "idempotency", "retry", "dead-letter"];
    let mut c = Fields::new(
        file,
        node,
        pointer.to_owned(),
        "`x-contrail-consumer`",
        KEYS,
        diagnostics,
    )?;
    Some(ConsumerExtension {
        group: c.string("group"),
        reads: c.string_list("reads"),
        dead_letter: c.string("dead-letter"),
        idempotency: idempotency(&mut c),
        retry: retry(&mut c),
    })
}

/// A `produces`/`consumes` item: either the event name alone or a mapping with `event:`.
fn event_item<'a>(
    f: &'a mut Fields<'_>,
    pointer: &str,
    node: &'a Node,
    what: &str,
    allowed: &[&str],
) -> Option<(Spanned<String>, Option<Fields<'a>>)> {
    if let Some(name) = node.as_str() {
        return Some((
            Spanned::new(name.to_owned(), location(f.file, node), pointer),
            None,
        ));
    }
    let mut item = Fields::new(
        f.file,
        node,
        pointer.to_owned(),
        what,
        allowed,
        f.diagnostics,
    )?;
    let event = item.required_string("event", what, "name the event: `event: OrderPlaced`")?;
    Some((event, Some(item)))
}

fn idempotency(c: &mut Fields<'_>) -> Option<Spanned<Idempotency>> {
    let node = c.get("idempotency")?;
    let location = location(c.file, node);
    let pointer = c.pointer_of("idempotency");
    let mut i = c.nested("idempotency", "`idempotency`", &["key"])?;
    let key = i.required_string(
        "key",
        "`idempotency`",
        "name the field or header used to deduplicate: `key: eventId`",
    )?;
    Some(Spanned::new(Idempotency { key }, location, pointer))
}

fn retry(c: &mut Fields<'_>) -> Option<Spanned<Retry>> {
    let node = c.get("retry")?;
    let location = location(c.file, node);
    let pointer = c.pointer_of("retry");
    let mut r = c.nested("retry", "`retry`", &["max", "backoff"])?;
    let max_attempts = r.u32("max");
    let backoff = r.keyword::<Backoff>("backoff");
    Some(Spanned::new(
        Retry {
            max_attempts,
            backoff,
        },
        location,
        pointer,
    ))
}

/// A YAML file that is neither a contract nor an AsyncAPI document. Inside a catalog such
/// files are usually `$ref` fragments and are left alone, unless a top-level key looks like a
/// misspelt `event`, `service` or `asyncapi`. Named on the command line, it is a finding.
pub(super) fn report_unrecognised(
    ctx: &mut LoadCtx,
    path: &Path,
    document: &Document,
    named: bool,
) {
    let kinds = ["event", "service", "asyncapi"];
    if let Value::Map(entries) = &document.root.value {
        for entry in entries {
            if let Some(suggestion) = did_you_mean(&entry.key, kinds) {
                ctx.push(
                    Diagnostic::new(codes::UNKNOWN_KEY, format!("unknown key `{}`", entry.key))
                        .at(super::fields::key_location(path, entry))
                        .pointer(pointer_join("", &entry.key))
                        .help(format!("did you mean `{suggestion}`? contract files start with `event:` or `service:`")),
                );
                return;
            }
        }
    }
    if named {
        ctx.push(
            Diagnostic::new(
                codes::UNKNOWN_SCHEMA_FORMAT,
                format!("{} is not an event, a service or an AsyncAPI document", path.display()),
            )
            .at(location(path, &document.root))
            .help("contract files start with `event:` or `service:`; AsyncAPI documents with `asyncapi:`"),
        );
    }
}
