//! contrail-contracts: what a catalog declares.
//!
//! The catalog model ([`model`]), its loaders ([`load`]: native YAML, AsyncAPI 2.x/3.x, Avro,
//! JSON Schema), the spanned YAML reader they share ([`yaml`]), validation ([`validate`]) and
//! the [`Diagnostic`] every check reports.
//!
//! Architecture invariant: this crate does no I/O beyond reading the files it is handed (and
//! the files those reference). No network, no Kafka, no HTTP. Checks return findings, not
//! errors.

pub mod avro;
pub mod brokers;
pub mod codes;
pub mod compat;
pub mod diagnostic;
pub mod graph;
pub mod load;
pub mod model;
pub mod observe;
pub mod parallel;
pub mod paths;
pub mod payload;
pub mod pointer;
pub mod protobuf;
pub mod schema;
pub mod suggest;
pub mod uri;
pub mod validate;
pub mod yaml;

pub use diagnostic::{Code, Diagnostic, Location, Position, Severity, Summary};
pub use load::{LoadError, LoadOptions, Loaded, Sources, load_catalog, load_paths};
pub use model::Catalog;
