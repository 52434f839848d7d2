//! What can go wrong while reading a broker. Every variant says what to check; none of them
//! means that a record was malformed (records are handed out as they are, bytes and all).

use std::time::Duration;

/// Reading a broker failed: contrail could not do its job.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KafkaError {
    /// librdkafka refused a setting of the broker profile (an unknown name, a bad value).
    #[error("the broker setting `{key}` was refused: {message}")]
    Setting { key: String, message: String },

    /// The profile sets something contrail controls itself (`group.id`, auto commit, …).
    #[error("the broker setting `{key}` cannot be set: {reason}")]
    ReservedSetting { key: String, reason: &'static str },

    /// No broker answered a metadata request within the timeout.
    #[error(
        "no Kafka broker at {bootstrap} answered within {}{}; check that the address and port are right, that a broker is running and reachable from here, and that the profile's security settings (security.protocol, sasl.*, ssl.*) match the broker's listener",
        humane(*timeout),
        cause.as_deref().map(|c| format!(" (last error: {c})")).unwrap_or_default()
    )]
    Unreachable {
        bootstrap: String,
        timeout: Duration,
        /// The last error librdkafka reported while trying, when it reported one.
        cause: Option<String>,
    },

    /// The broker stopped answering while records were being read, for longer than the
    /// timeout.
    #[error(
        "the Kafka brokers at {bootstrap} stopped answering for {} while reading{}",
        humane(*timeout),
        cause.as_deref().map(|c| format!(" (last error: {c})")).unwrap_or_default()
    )]
    Lost {
        bootstrap: String,
        timeout: Duration,
        cause: Option<String>,
    },

    /// The topic does not exist (or this client may not see it).
    #[error(
        "topic `{topic}` does not exist on {bootstrap}{}",
        similar_names(similar)
    )]
    UnknownTopic {
        topic: String,
        bootstrap: String,
        /// Existing topics whose names are close to `topic`, closest first.
        similar: Vec<String>,
    },

    /// A partition filter names a partition the topic does not have.
    #[error(
        "topic `{topic}` has no partition {partition}; its partitions are {}",
        list(partitions)
    )]
    UnknownPartition {
        topic: String,
        partition: i32,
        partitions: Vec<i32>,
    },

    /// A request the broker answered with an error (authorization, a partition without a
    /// leader, …), or a record that could not be fetched.
    #[error("{what}: {source}")]
    Broker {
        /// What contrail was doing, e.g. "reading the watermarks of shop.orders/0".
        what: String,
        #[source]
        source: rdkafka::error::KafkaError,
    },
}

impl KafkaError {
    pub(crate) fn broker(what: impl Into<String>, source: rdkafka::error::KafkaError) -> Self {
        KafkaError::Broker {
            what: what.into(),
            source,
        }
    }
}

fn similar_names(similar: &[String]) -> String {
    if similar.is_empty() {
        return String::new();
    }
    let names: Vec<String> = similar.iter().map(|n| format!("`{n}`")).collect();
    format!("; did you mean {}?", names.join(", "))
}

fn list(partitions: &[i32]) -> String {
    let items: Vec<String> = partitions.iter().map(i32::to_string).collect();
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// `10s`, `1.5s`, `250ms`: how a timeout reads in a message.
pub(crate) fn humane(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_check() {
        let e = KafkaError::Unreachable {
            bootstrap: "127.0.0.1:1".to_owned(),
            timeout: Duration::from_secs(10),
            cause: Some("Connection refused".to_owned()),
        };
        let text = e.to_string();
        assert!(text.starts_with("no Kafka broker at 127.0.0.1:1 answered within 10s (last error: Connection refused); check"), "{text}");
        let e = KafkaError::UnknownTopic {
            topic: "shop.order".to_owned(),
            bootstrap: "b:9092".to_owned(),
            similar: vec!["shop.orders".to_owned(), "shop.orders.dlq".to_owned()],
        };
        assert_eq!(
            e.to_string(),
            "topic `shop.order` does not exist on b:9092; did you mean `shop.orders`, `shop.orders.dlq`?"
        );
        let e = KafkaError::UnknownPartition {
            topic: "t".to_owned(),
            partition: 7,
            partitions: vec![0, 1],
        };
        assert_eq!(
            e.to_string(),
            "topic `t` has no partition 7; its partitions are 0, 1"
        );
        assert_eq!(humane(Duration::from_millis(1500)), "1.5s");
        assert_eq!(humane(Duration::from_millis(250)), "250ms");
    }
}
