//! The native contract format: `contrail.yaml`, event files and service files.
//! The format is specified in docs/contracts.md; keep the two in step.

use std::path::Path;

use super::fields::{Fields, did_you_mean, location};
use super::{LoadCtx, schemas};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::{
    Backoff, CompatibilityMode, Consumes, Correlation, Event, EventKind, Example, Idempotency,
    Origin, Produces, Retention, Retry, SchemaRef, Service, Spanned, SubjectNaming, Suppression,
};
use crate::yaml::{Document, Node, Value, pointer_join};

const CONFIG_KEYS: &[&str] = &["catalog", "registry", "defaults", "lint", "asyncapi"];
const DEFAULTS_KEYS: &[&str] = &["compatibility", "correlation", "subject-naming", "owner"];
const ASYNCAPI_KEYS: &[&str] = &["client-perspective"];
const EVENT_KEYS: &[&str] = &[
    "event",
    "kind",
    "description",
    "version",
    "topic",
    "key",
    "schema",
    "subject",
    "owner",
    "compatibility",
    "correlation",
    "retention",
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
];
const CORRELATION_KEYS: &[&str] = &["header", "payload", "traceparent"];

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
    }
    if let Some(mut a) = f.nested("asyncapi", "`asyncapi`", ASYNCAPI_KEYS) {
        config.asyncapi_client_perspective = a.string_list("client-perspective");
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

fn schema_ref(
    ctx: &mut LoadCtx,
    path: &Path,
    written: Option<Spanned<String>>,
) -> Option<SchemaRef> {
    let written = written?;
    let id = schemas::schema_for_contract(ctx, path, &written);
    Some(SchemaRef { id, written })
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
    let subject = f.string("subject");
    let owner = f.string("owner");
    let compatibility = f.keyword::<CompatibilityMode>("compatibility");
    let correlation = correlation(&mut f, "correlation");
    let retention = f.keyword::<Retention>("retention");
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
    let schema = schema_ref(ctx, path, schema_written);
    ctx.catalog.events.push(Event {
        name,
        kind,
        description,
        version,
        topic,
        key,
        schema,
        subject,
        owner,
        compatibility,
        correlation,
        retention,
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
            produces.push(Produces { event, topic });
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
            reader_schemas.push((consumes.len(), c.string("schema")));
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
    for (index, written) in reader_schemas {
        consumes[index].schema = schema_ref(ctx, path, written);
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
