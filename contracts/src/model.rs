//! The contract model: what a catalog declares, independent of the file format it came from.
//!
//! Native YAML files and AsyncAPI documents both load into these types; every later stage
//! (validation, lint, compatibility, graphs, the registry push) works on the model only.
//! Every value a finding may point at is [`Spanned`], so findings carry `file:line:col`.

use std::fmt;
use std::path::PathBuf;

use crate::graph::{CatalogGraph, NodeKind};
use std::str::FromStr;

use crate::diagnostic::Location;
use crate::schema::SchemaId;

/// A value and the place in a source file it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub location: Location,
    /// JSON pointer of the value inside its document.
    pub pointer: String,
}

impl<T> Spanned<T> {
    pub fn new(value: T, location: Location, pointer: impl Into<String>) -> Spanned<T> {
        Spanned {
            value,
            location,
            pointer: pointer.into(),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned {
            value: f(self.value),
            location: self.location,
            pointer: self.pointer,
        }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A loaded catalog.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// The directory holding `contrail.yaml`, or the directory of a single file given alone.
    pub root: PathBuf,
    pub config: CatalogConfig,
    pub events: Vec<Event>,
    pub services: Vec<Service>,
    pub schemas: crate::schema::SchemaSet,
    /// The graph of services, events and topics, built once loading is complete
    /// ([`Catalog::build_graph`]); name lookups go through it.
    pub graph: Option<std::sync::Arc<CatalogGraph>>,
}

impl Catalog {
    pub fn event(&self, name: &str) -> Option<&Event> {
        match self.fresh_graph() {
            Some(graph) => graph
                .find(NodeKind::Event, name)
                .and_then(|n| graph.node(n).declared)
                .map(|i| &self.events[i]),
            None => self.events.iter().find(|e| e.name.value == name),
        }
    }

    pub fn service(&self, name: &str) -> Option<&Service> {
        match self.fresh_graph() {
            Some(graph) => graph
                .find(NodeKind::Service, name)
                .and_then(|n| graph.node(n).declared)
                .map(|i| &self.services[i]),
            None => self.services.iter().find(|s| s.name.value == name),
        }
    }

    /// The services that produce `event`.
    pub fn producers_of<'a>(&'a self, event: &'a str) -> impl Iterator<Item = &'a Service> + 'a {
        let found: Vec<&Service> = match self.fresh_graph() {
            Some(graph) => graph
                .find(NodeKind::Event, event)
                .map(|n| graph.producing_declarations(n))
                .unwrap_or_default()
                .into_iter()
                .map(|i| &self.services[i])
                .collect(),
            None => self
                .services
                .iter()
                .filter(|s| s.produces.iter().any(|p| p.event.value == event))
                .collect(),
        };
        found.into_iter()
    }

    /// The services that consume `event`, with the consumption that names it.
    pub fn consumers_of<'a>(
        &'a self,
        event: &'a str,
    ) -> impl Iterator<Item = (&'a Service, &'a Consumes)> + 'a {
        let found: Vec<(&Service, &Consumes)> = match self.fresh_graph() {
            Some(graph) => graph
                .find(NodeKind::Event, event)
                .map(|n| graph.consuming_declarations(n))
                .unwrap_or_default()
                .into_iter()
                .map(|(s, c)| (&self.services[s], &self.services[s].consumes[c]))
                .collect(),
            None => self
                .services
                .iter()
                .flat_map(|s| {
                    s.consumes
                        .iter()
                        .filter(|c| c.event.value == event)
                        .map(move |c| (s, c))
                })
                .collect(),
        };
        found.into_iter()
    }

    /// Builds the catalog's graph, which the lookups above use. The loader calls it once the
    /// catalog is complete; a catalog changed afterwards falls back to scanning until it is
    /// rebuilt.
    pub fn build_graph(&mut self) {
        self.graph = Some(std::sync::Arc::new(CatalogGraph::build(self)));
    }

    /// The catalog's graph: the one built by the load, or a new one when the catalog changed
    /// since (or was assembled by hand).
    pub fn graph(&self) -> std::sync::Arc<CatalogGraph> {
        match &self.graph {
            Some(graph) if graph.built_from(self.events.len(), self.services.len()) => {
                std::sync::Arc::clone(graph)
            }
            _ => std::sync::Arc::new(CatalogGraph::build(self)),
        }
    }

    fn fresh_graph(&self) -> Option<&CatalogGraph> {
        self.graph
            .as_deref()
            .filter(|g| g.built_from(self.events.len(), self.services.len()))
    }
}

/// `contrail.yaml`.
#[derive(Debug, Clone, Default)]
pub struct CatalogConfig {
    /// The file it was read from; `None` when contrail runs on files outside any catalog.
    pub file: Option<PathBuf>,
    pub name: Option<Spanned<String>>,
    /// Registry used as baseline and push target.
    pub registry: Option<Spanned<String>>,
    pub defaults: Defaults,
    /// The `lint:` section, kept as written; `contrail-lint` interprets it.
    pub lint: Option<crate::yaml::Node>,
    /// AsyncAPI documents whose 2.x `publish`/`subscribe` are written from the client's view.
    pub asyncapi_client_perspective: Vec<Spanned<String>>,
    /// The `brokers:` section: named broker profiles, in file order.
    pub brokers: Vec<Broker>,
}

impl CatalogConfig {
    /// The broker profile named `name`.
    pub fn broker(&self, name: &str) -> Option<&Broker> {
        self.brokers.iter().find(|b| b.name.value == name)
    }
}

/// A broker profile as declared in `contrail.yaml`: `brokers: { NAME: { bootstrap: HOST:PORT,
/// <librdkafka setting>: value } }`. Values are kept as written: `${VAR}` references are
/// expanded by the caller ([`crate::brokers::expand`]), never here.
#[derive(Debug, Clone, PartialEq)]
pub struct Broker {
    pub name: Spanned<String>,
    /// `HOST:PORT[,HOST:PORT…]`.
    pub bootstrap: Spanned<String>,
    /// librdkafka settings (`security.protocol`, `sasl.username`, `ssl.ca.location`, …) in
    /// file order; numbers and booleans are kept as their text.
    pub settings: Vec<(Spanned<String>, Spanned<String>)>,
}

/// Catalog-wide defaults an event may override.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    pub compatibility: Option<Spanned<CompatibilityMode>>,
    pub correlation: Option<Spanned<Correlation>>,
    pub subject_naming: Option<Spanned<SubjectNaming>>,
    pub owner: Option<Spanned<String>>,
    /// The envelope events use unless they say otherwise (`cloudevents`).
    pub envelope: Option<Spanned<Envelope>>,
}

/// A declared event.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: Spanned<String>,
    pub kind: Option<Spanned<EventKind>>,
    pub description: Option<String>,
    pub version: Option<Spanned<String>>,
    pub topic: Option<Spanned<String>>,
    /// The topic is an AsyncAPI 3 channel key standing in for an address that is null or
    /// absent (known only at runtime), not a name anyone chose for a topic.
    pub topic_is_channel_key: bool,
    /// Payload field used as the partition key.
    pub key: Option<Spanned<String>>,
    pub schema: Option<SchemaRef>,
    /// Registry subject, when declared explicitly.
    pub subject: Option<Spanned<String>>,
    pub owner: Option<Spanned<String>>,
    pub compatibility: Option<Spanned<CompatibilityMode>>,
    pub correlation: Option<Spanned<Correlation>>,
    pub retention: Option<Spanned<Retention>>,
    /// The Kafka record headers it declares, when it declares them.
    pub headers: Option<Spanned<Headers>>,
    /// The envelope it is wrapped in, when declared on the event (or implied by an AsyncAPI
    /// `contentType: application/cloudevents+json`); see also `Defaults::envelope`.
    pub envelope: Option<Spanned<Envelope>>,
    /// Produced for consumers outside the catalog: no consumer inside is expected.
    pub public: bool,
    pub examples: Vec<Example>,
    /// `x-contrail-ignore`: lint rules silenced for this event, each with its reason.
    pub suppressions: Vec<Suppression>,
    /// Where the declaration is (the `event:` key or the AsyncAPI message).
    pub location: Location,
    pub origin: Origin,
}

/// Which format a declaration came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Native,
    AsyncApi,
}

/// A lint rule silenced on one declaration: `x-contrail-ignore: { RULE_NAME: "why" }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    /// The rule's name or code, as written.
    pub rule: Spanned<String>,
    /// Why; a suppression without one is itself a lint finding.
    pub reason: Option<String>,
}

/// How an event's payload schema is found.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaRef {
    /// The loaded schema, when it was found and read.
    pub id: Option<SchemaId>,
    /// As written in the contract (a path, or a `$ref`).
    pub written: Spanned<String>,
    /// The Protobuf message the payload is (`message:`, AsyncAPI `x-message`); without it, the
    /// first message of the `.proto` file.
    pub message: Option<Spanned<String>>,
}

/// An example payload and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub name: Option<String>,
    pub payload: serde_json::Value,
    pub location: Location,
    pub pointer: String,
    /// The node as written, so mismatches can point inside the example.
    pub node: crate::yaml::Node,
}

/// A declared service.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: Spanned<String>,
    pub owner: Option<Spanned<String>>,
    pub description: Option<String>,
    pub produces: Vec<Produces>,
    pub consumes: Vec<Consumes>,
    /// `x-contrail-ignore`: lint rules silenced for this service, each with its reason.
    pub suppressions: Vec<Suppression>,
    pub location: Location,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Produces {
    pub event: Spanned<String>,
    /// Topic the service writes to, when it differs from the event's (AsyncAPI channels).
    pub topic: Option<Spanned<String>>,
    /// See [`Event::topic_is_channel_key`].
    pub topic_is_channel_key: bool,
}

#[derive(Debug, Clone)]
pub struct Consumes {
    pub event: Spanned<String>,
    pub topic: Option<Spanned<String>>,
    /// See [`Event::topic_is_channel_key`].
    pub topic_is_channel_key: bool,
    pub group: Option<Spanned<String>>,
    /// Payload fields this consumer relies on (JSON pointers or dotted names).
    pub reads: Vec<Spanned<String>>,
    pub idempotency: Option<Spanned<Idempotency>>,
    pub retry: Option<Spanned<Retry>>,
    pub dead_letter: Option<Spanned<String>>,
    /// A reader schema the consumer was built against.
    pub schema: Option<SchemaRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Idempotency {
    /// Payload field or header used to deduplicate.
    pub key: Spanned<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Retry {
    pub max_attempts: Option<Spanned<u32>>,
    pub backoff: Option<Spanned<Backoff>>,
}

/// The Kafka record headers an event declares.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Headers {
    pub declared: Vec<Header>,
    /// No other header may travel: a headers schema with `additionalProperties: false`.
    /// A plain list of headers documents the known ones and leaves the set open.
    pub closed: bool,
}

impl Headers {
    /// A declared header by name. Kafka header keys are case-sensitive; so is this.
    pub fn get(&self, name: &str) -> Option<&Header> {
        self.declared.iter().find(|h| h.name.value == name)
    }
}

/// One declared Kafka record header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: Spanned<String>,
    /// Producers must always set it.
    pub required: bool,
    pub description: Option<String>,
    /// The JSON Schema of its value, when one is declared.
    pub schema: Option<serde_json::Value>,
}

/// Where the correlation id of an event travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correlation {
    /// A Kafka record header of this name.
    Header(String),
    /// A payload field, as a JSON pointer.
    Payload(String),
    /// The W3C `traceparent` header's trace id.
    Traceparent,
}

impl fmt::Display for Correlation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Correlation::Header(h) => write!(f, "header {h}"),
            Correlation::Payload(p) => write!(f, "payload {p}"),
            Correlation::Traceparent => f.write_str("traceparent"),
        }
    }
}

/// Names for the closed sets of the contract format. Each parses from its YAML spelling and
/// lists the spellings for did-you-mean help.
pub trait Keyword: Sized + Copy + 'static {
    const ALL: &'static [(&'static str, Self)];

    fn parse_keyword(s: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|(_, v)| *v)
    }

    fn keyword(self) -> &'static str
    where
        Self: PartialEq,
    {
        Self::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("", |(name, _)| name)
    }

    fn keywords() -> Vec<&'static str> {
        Self::ALL.iter().map(|(name, _)| *name).collect()
    }
}

macro_rules! keyword_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vdoc])* $variant,)* }

        impl Keyword for $name {
            const ALL: &'static [(&'static str, Self)] = &[$(($text, $name::$variant)),*];
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.keyword())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.keyword())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse_keyword(s).ok_or_else(|| {
                    format!("expected one of {}, found `{s}`", Self::keywords().join(", "))
                })
            }
        }
    };
}

keyword_enum! {
    /// What an event is for (Hohpe/Fowler's distinctions).
    EventKind {
        /// A fact inside one bounded context.
        Domain = "domain",
        /// A fact published for other contexts.
        Integration = "integration",
        /// A thin "something changed" signal; consumers fetch details.
        Notification = "notification",
        /// A request for one specific receiver to act.
        Command = "command",
    }
}

keyword_enum! {
    /// Confluent Schema Registry compatibility modes.
    CompatibilityMode {
        None = "NONE",
        Backward = "BACKWARD",
        BackwardTransitive = "BACKWARD_TRANSITIVE",
        Forward = "FORWARD",
        ForwardTransitive = "FORWARD_TRANSITIVE",
        Full = "FULL",
        FullTransitive = "FULL_TRANSITIVE",
    }
}

impl CompatibilityMode {
    pub fn is_transitive(self) -> bool {
        matches!(
            self,
            CompatibilityMode::BackwardTransitive
                | CompatibilityMode::ForwardTransitive
                | CompatibilityMode::FullTransitive
        )
    }
}

keyword_enum! {
    /// How long consumers can go back in a topic.
    Retention {
        /// Consumers read only new records; history is not re-read.
        Ephemeral = "ephemeral",
        /// Consumers may re-read the whole history (event sourcing, replays, new consumers).
        Replayable = "replayable",
        /// A compacted topic: the latest record per key is kept forever.
        Compacted = "compacted",
    }
}

keyword_enum! {
    /// Confluent subject naming strategies.
    SubjectNaming {
        /// `<topic>-value` (TopicNameStrategy, Confluent's default).
        Topic = "topic",
        /// `<record full name>` (RecordNameStrategy).
        Record = "record",
        /// `<topic>-<record full name>` (TopicRecordNameStrategy).
        TopicRecord = "topic-record",
    }
}

keyword_enum! {
    /// The envelope an event travels in.
    Envelope {
        /// No standard envelope: the payload is the event.
        None = "none",
        /// CloudEvents 1.0 (binary content mode: `ce_` headers; structured: attributes in the
        /// payload).
        CloudEvents = "cloudevents",
    }
}

keyword_enum! {
    /// Retry backoff shapes.
    Backoff {
        Fixed = "fixed",
        Linear = "linear",
        Exponential = "exponential",
    }
}
