//! Where the brokers are and how to talk to them.

use std::collections::BTreeMap;

use rdkafka::config::ClientConfig;

use crate::error::KafkaError;

/// A broker to read from: its bootstrap addresses and librdkafka settings.
///
/// `settings` are handed to librdkafka as they are (see its CONFIGURATION.md):
/// `security.protocol`, `sasl.mechanism`, `sasl.username`, `sasl.password`,
/// `ssl.ca.location`, `client.id`, `fetch.wait.max.ms`, `isolation.level`, … Values here are
/// final: `${VAR}` references of a `contrail.yaml` profile are expanded by the caller
/// (`contrail_contracts::brokers::expand`). The settings contrail controls
/// ([`contrail_contracts::brokers::RESERVED_SETTINGS`]: `group.id`, auto commit, …) are refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrokerProfile {
    /// `HOST:PORT[,HOST:PORT…]`.
    pub bootstrap: String,
    pub settings: BTreeMap<String, String>,
}

impl BrokerProfile {
    /// A profile with no settings beyond the address: plaintext, no authentication.
    pub fn new(bootstrap: impl Into<String>) -> BrokerProfile {
        BrokerProfile {
            bootstrap: bootstrap.into(),
            settings: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) one librdkafka setting.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> BrokerProfile {
        self.settings.insert(key.into(), value.into());
        self
    }

    /// The librdkafka configuration of a reader: the profile's settings, then contrail's own,
    /// which no profile may set.
    pub(crate) fn client_config(&self) -> Result<ClientConfig, KafkaError> {
        let mut config = ClientConfig::new();
        // Defaults a profile may change.
        config
            .set("client.id", "contrail")
            // read_committed is librdkafka's default and what consumers of transactional
            // topics use: a sample shows what those consumers see, not aborted records.
            .set("isolation.level", "read_committed")
            // librdkafka stops fetching for this long whenever its local queue is full
            // (`queued.min.messages`, default 1 s). A consumer that processes as it reads
            // drains the queue in a fraction of that and then waits out the rest: reading a
            // large topic took three times longer with the default. A reader that only reads
            // wants the next fetch as soon as there is room.
            .set("fetch.queue.backoff.ms", "10");
        for (key, value) in &self.settings {
            if let Some(reason) = contrail_contracts::brokers::reserved_setting(key) {
                return Err(KafkaError::ReservedSetting {
                    key: key.clone(),
                    reason,
                });
            }
            config.set(key, value);
        }
        config
            .set("bootstrap.servers", &self.bootstrap)
            // A group id unique to this process: librdkafka needs one to assign partitions,
            // but nothing is ever committed under it and no group is ever joined.
            .set("group.id", throwaway_group_id())
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("enable.partition.eof", "true")
            .set("allow.auto.create.topics", "false")
            // Start positions are always explicit; this only applies when an offset vanishes
            // under retention while it is being read.
            .set("auto.offset.reset", "earliest");
        Ok(config)
    }
}

/// `contrail-sample-<pid>-<nanos>`: no two readers share one, and none is a real group's.
fn throwaway_group_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("contrail-sample-{}-{nanos}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrail_settings_win_and_reserved_ones_are_refused() {
        let profile = BrokerProfile::new("b:9092")
            .with("security.protocol", "SASL_SSL")
            .with("isolation.level", "read_uncommitted");
        let config = profile.client_config().expect("valid");
        assert_eq!(config.get("bootstrap.servers"), Some("b:9092"));
        assert_eq!(config.get("security.protocol"), Some("SASL_SSL"));
        assert_eq!(config.get("isolation.level"), Some("read_uncommitted"));
        assert_eq!(config.get("enable.auto.commit"), Some("false"));
        assert!(
            config
                .get("group.id")
                .is_some_and(|g| g.starts_with("contrail-sample-"))
        );
        for key in ["group.id", "enable.auto.commit", "bootstrap.servers"] {
            let err = BrokerProfile::new("b:9092")
                .with(key, "x")
                .client_config()
                .expect_err(key);
            assert!(
                matches!(err, KafkaError::ReservedSetting { key: ref k, .. } if k == key),
                "{err}"
            );
        }
    }
}
