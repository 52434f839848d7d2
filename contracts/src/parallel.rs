//! Work spread over every core, with results in a fixed order.
//!
//! Loading and linting must produce the same findings in the same order however many cores
//! run them, so the one primitive here maps a slice and returns the results in the slice's
//! order. Workers take the next item not yet taken from a shared counter, so one slow item
//! does not hold up a fixed share of the list.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `items.iter().map(f).collect()`, run on up to `available_parallelism` threads (fewer when
/// there are fewer than `min_per_thread` items per thread: starting a thread costs more than
/// a handful of small items). A panic in `f` is resumed on the caller's thread, as it would
/// have happened in a sequential loop.
pub fn map_in_order<T, R, F>(items: &[T], min_per_thread: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().div_ceil(min_per_thread.max(1)));
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                break done;
            };
            done.push((i, f(item)));
        }
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn results_come_back_in_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work, so workers finish out of order.
        let squares = map_in_order(&items, 1, |&i| {
            if i % 7 == 0 {
                std::thread::yield_now();
            }
            i * i
        });
        assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
        assert!(map_in_order(&[] as &[u64], 1, |&i| i).is_empty());
    }

    #[test]
    fn a_panic_reaches_the_caller() {
        let items: Vec<u32> = (0..100).collect();
        let outcome = std::panic::catch_unwind(|| {
            map_in_order(&items, 1, |&i| {
                assert!(i != 57, "item 57");
                i
            })
        });
        assert!(outcome.is_err());
    }
}
