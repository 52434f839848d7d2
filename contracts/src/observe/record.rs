//! One record as read from a topic, owned and independent of the client library.

/// A record header. Kafka allows any bytes and a null value; neither is assumed to be UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedHeader {
    pub key: String,
    pub value: Option<Vec<u8>>,
}

/// One record read from a topic partition, exactly as the broker returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedRecord {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    /// The record's timestamp in milliseconds since the Unix epoch (CreateTime or
    /// LogAppendTime, whichever the topic keeps); `None` when the record has none.
    pub timestamp_ms: Option<i64>,
    /// `None` for a null key.
    pub key: Option<Vec<u8>>,
    /// `None` for a null value (a tombstone).
    pub value: Option<Vec<u8>>,
    /// In the order the record carries them; a key may repeat.
    pub headers: Vec<ObservedHeader>,
}

impl ObservedRecord {
    /// The value of the last header named `key` (Kafka's convention when a key repeats), or
    /// `None` when there is no such header or its value is null.
    pub fn header(&self, key: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .rev()
            .find(|h| h.key == key)
            .and_then(|h| h.value.as_deref())
    }

    /// Where the record is, as people write it: `topic/partition@offset`.
    pub fn position(&self) -> String {
        format!("{}/{}@{}", self.topic, self.partition, self.offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(headers: &[(&str, Option<&[u8]>)]) -> ObservedRecord {
        ObservedRecord {
            topic: "shop.orders".to_owned(),
            partition: 2,
            offset: 41,
            timestamp_ms: Some(1_000),
            key: None,
            value: None,
            headers: headers
                .iter()
                .map(|(k, v)| ObservedHeader {
                    key: (*k).to_owned(),
                    value: v.map(<[u8]>::to_vec),
                })
                .collect(),
        }
    }

    #[test]
    fn the_last_header_of_a_repeated_key_wins() {
        let r = record(&[("a", Some(b"1")), ("b", Some(b"x")), ("a", Some(b"2"))]);
        assert_eq!(r.header("a"), Some(&b"2"[..]));
        assert_eq!(r.header("b"), Some(&b"x"[..]));
        assert_eq!(r.header("c"), None);
        assert_eq!(record(&[("a", None)]).header("a"), None);
        assert_eq!(r.position(), "shop.orders/2@41");
    }
}
