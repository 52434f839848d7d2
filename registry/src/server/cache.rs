//! The answers of `GET /schemas/ids/{id}` (by id and `subject` parameter, which chooses the
//! context), kept ready to send.
//!
//! Every Kafka consumer asks for the schema of each id it meets, so this is the registry's hot
//! path. An id's schema never changes and ids are never reused, so a cached answer can only go
//! stale one way: a permanent delete removes the last version using the schema. Permanent
//! deletes through this process clear the cache at once; a delete through another replica
//! sharing the PostgreSQL store is seen once an entry expires ([`TTL`]), the same kind of
//! lag Confluent's replicas have while they read the `_schemas` topic.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// How long an answer is served from the cache.
pub(super) const TTL: Duration = Duration::from_secs(30);

/// Entries kept at most; when full, the cache starts over (schemas are few and small).
const CAPACITY: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct SchemaBodies {
    entries: RwLock<HashMap<(String, i64), (Bytes, Instant)>>,
}

impl SchemaBodies {
    /// The cached answer for `id` asked with `subject`, if it is fresh.
    pub(crate) fn get(&self, subject: Option<&str>, id: i64) -> Option<Bytes> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries
            .get(&(subject.unwrap_or_default().to_owned(), id))
            .filter(|(_, stored)| stored.elapsed() < TTL)
            .map(|(body, _)| body.clone())
    }

    pub(crate) fn insert(&self, subject: Option<&str>, id: i64, body: Bytes) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        let key = (subject.unwrap_or_default().to_owned(), id);
        entries.insert(key, (body, Instant::now()));
    }

    /// Forgets everything (after a permanent delete).
    pub(crate) fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_kept_until_cleared() {
        let cache = SchemaBodies::default();
        assert_eq!(cache.get(None, 1), None);
        cache.insert(
            None,
            1,
            Bytes::from_static(b"{\"schema\":\"\\\"string\\\"\"}"),
        );
        assert_eq!(cache.get(Some(":.ctx:"), 1), None);
        assert_eq!(
            cache.get(None, 1).as_deref(),
            Some(&b"{\"schema\":\"\\\"string\\\"\"}"[..])
        );
        cache.clear();
        assert_eq!(cache.get(None, 1), None);
    }
}
