//! librdkafka's message → contracts' [`ObservedRecord`], copied out so it outlives the poll.

use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::sync::Once;

use contrail_contracts::observe::{ObservedHeader, ObservedRecord};
use rdkafka::message::{BorrowedMessage, Headers, Message, Timestamp};

/// What a header key that is not UTF-8 is handed out as (with a null value): rdkafka 0.39
/// panics reading such a key, so contrail catches that and keeps the record.
pub const UNREADABLE_HEADER_KEY: &str = "\u{FFFD}";

/// Copies a consumed message.
pub(crate) fn observed(message: &BorrowedMessage<'_>) -> ObservedRecord {
    ObservedRecord {
        topic: message.topic().to_owned(),
        partition: message.partition(),
        offset: message.offset(),
        timestamp_ms: match message.timestamp() {
            Timestamp::NotAvailable => None,
            Timestamp::CreateTime(ms) | Timestamp::LogAppendTime(ms) => {
                Some(ms).filter(|ms| *ms >= 0)
            }
        },
        key: message.key().map(<[u8]>::to_vec),
        value: message.payload().map(<[u8]>::to_vec),
        headers: headers(message),
    }
}

fn headers(message: &BorrowedMessage<'_>) -> Vec<ObservedHeader> {
    let Some(headers) = message.headers() else {
        return Vec::new();
    };
    (0..headers.count())
        .filter_map(|i| {
            // rdkafka unwraps the key's UTF-8 conversion (message.rs, `try_get`): a producer
            // that wrote a non-UTF-8 key must not bring contrail down.
            quietly(|| {
                headers.try_get(i).map(|h| ObservedHeader {
                    key: h.key.to_owned(),
                    value: h.value.map(<[u8]>::to_vec),
                })
            })
            .unwrap_or_else(|| {
                Some(ObservedHeader {
                    key: UNREADABLE_HEADER_KEY.to_owned(),
                    value: None,
                })
            })
        })
        .collect()
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic inside it into `None` without printing the panic message.
///
/// The first call wraps the process's panic hook once: the wrapper stays silent while this
/// thread is inside `quietly` and hands every other panic to the hook that was there before.
fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|quiet| quiet.set(false));
    result.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_quietly_is_an_answer() {
        assert_eq!(quietly(|| 7), Some(7));
        let bytes = vec![0xff, 0xfe];
        assert_eq!(
            quietly(|| std::str::from_utf8(&bytes)
                .map(str::len)
                .unwrap_or_else(|_| panic!("not UTF-8"))),
            None
        );
        assert!(!QUIET.with(Cell::get));
    }
}
