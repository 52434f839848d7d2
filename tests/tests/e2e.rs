//! End-to-end tests: the `contrail` binary run as a user runs it.

mod check;
mod clients;
mod corpus;
mod docs_site;
mod graph;
mod graph_diff;
mod kafka_reader;
mod live_topics;
mod mermaid;
mod observed;
mod path_spellings;
mod protobuf_compat;
mod registry;
mod registry_catalog;
mod registry_conformance;
mod registry_inspect;
mod registry_json_references;
mod registry_ops;
mod registry_postgres;
mod registry_push;
mod registry_tls;
mod sarif;
mod schemathesis;
mod shell;
mod shop_traffic;
mod validate;
