//! contrail-kafka: the only crate of contrail that knows Kafka.
//!
//! It reads topics with librdkafka (through rdkafka, built from source) and hands out plain
//! [`ObservedRecord`]s, which `contrail-contracts` decodes and checks without knowing where
//! they came from.
//!
//! **Invariant:** reading never changes what a consumer group sees. Partitions are assigned
//! directly, never subscribed; the `group.id` librdkafka requires is a throwaway one with auto
//! commit and offset store off, and nothing calls commit. A broker profile cannot change that
//! ([`contrail_contracts::brokers::RESERVED_SETTINGS`]).
//!
//! **Invariant:** a broker that does not answer is an error within the timeout given to
//! [`Reader::connect`], never a hang; no record, however malformed, panics.
//!
//! - [`BrokerProfile`]: where the brokers are and librdkafka's settings for them.
//! - [`Reader`]: connect, [`Reader::assign`] at a [`Start`] up to an [`Until`], then
//!   [`Reader::poll`] or [`Reader::records`]; [`Reader::progress`] for the lag.
//! - [`Start::parse`]: the `--from` spellings (`earliest`, `latest`, an offset, an RFC 3339
//!   time, `-10m`).

mod error;
mod profile;
mod reader;
mod record;
mod start;

pub use contrail_contracts::observe::{ObservedHeader, ObservedRecord};
pub use error::KafkaError;
pub use profile::BrokerProfile;
pub use reader::{PartitionProgress, Polled, Reader, Records, Selection};
pub use record::UNREADABLE_HEADER_KEY;
pub use start::{DurationError, Start, StartError, Until, format_timestamp_ms, parse_duration};
