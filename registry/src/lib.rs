//! contrail-registry: a schema registry that speaks Confluent Schema Registry's REST API, so
//! Kafka serializers and tools work with it unchanged.
//!
//! - [`store`]: storage behind one trait, chosen by URL (`sqlite://PATH`, or `postgres://`
//!   for several processes sharing one database); the compatibility check and the insert of a version are one transaction.
//! - [`canonical`]: what makes two schema texts the same schema (one global id each).
//! - [`server`]: the HTTP API (axum), with Confluent's error codes and content types.
//! - [`client`]: a small blocking client the CLI uses.
//! - [`push`]: what pushing a catalog registers, planned without the registry.
//! - [`tls`]: certificates and keys from PEM files, for the server, the client and PostgreSQL.
//! - [`context`]: Confluent's contexts, subjects qualified as `:.ctx:name`.
//! - [`guid`]: schema GUIDs (Confluent 8), derived from the stored schema.
//! - [`codes`]: Confluent's error codes, which the server sends and the client reads.
//!
//! Architecture invariant: only this crate and the CLI know HTTP. Compatibility verdicts come
//! from `contrail_contracts::compat`, the same engine `contrail compat` uses.

pub mod canonical;
pub mod client;
pub mod codes;
pub mod context;
pub mod error;
pub mod guid;
pub mod model;
pub mod push;
pub mod server;
pub mod store;
pub mod tls;

pub use error::{Error, Refusal, Result};
