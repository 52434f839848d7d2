//! Hop latencies of one edge, and their percentiles.
//!
//! **Percentiles are nearest-rank**: the p-th percentile of n samples is the smallest sample x
//! such that at least p % of the samples are ≤ x — the sample at 1-based rank ⌈p·n/100⌉ of the
//! sorted samples. It is always a latency that was observed (no interpolation), p100 is the
//! maximum, and one sample is every percentile of itself.
//!
//! While an edge has at most [`EXACT_LIMIT`] samples they are kept as they are and the
//! percentiles are exact. Beyond that (a long `--follow` run) they move into a sketch of
//! logarithmic buckets whose size does not grow with the number of samples: latencies up to
//! [`LINEAR_LIMIT`] ms keep a bucket each (still exact), larger ones share buckets whose bounds
//! grow by a factor γ = (1 + α)/(1 − α). A bucket is reported as its midpoint in the relative
//! sense, which is within α of every latency in it; rounding to whole milliseconds can at most
//! double that, so with α = 0.5 % a reported percentile is within 1 % of the exact one. The
//! maximum is always exact. A sketch of latencies up to an hour has ~1,600 buckets; the
//! largest possible, ~4,000 (32 KB).

use serde::{Deserialize, Serialize};

/// How many samples an edge keeps exactly before it moves them into the bucket sketch.
pub const EXACT_LIMIT: usize = 65_536;

/// Latencies up to this many milliseconds keep one bucket each in the sketch, so short hops
/// stay exact however many there are (a relative bound means little at a few milliseconds).
pub const LINEAR_LIMIT: i64 = 128;

/// Relative accuracy of a log bucket before rounding to whole milliseconds (see the module
/// documentation for why it is half the promised 1 %).
const ALPHA: f64 = 0.005;

/// The percentiles the trace report shows for an edge, in milliseconds (all 0 when the edge
/// was never seen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Percentiles {
    pub p50: i64,
    pub p90: i64,
    pub p99: i64,
    pub max: i64,
}

/// The latency samples of one edge: exact up to [`EXACT_LIMIT`] samples, a bounded sketch
/// after. See the module documentation.
#[derive(Debug, Clone, Default)]
pub struct LatencySketch {
    count: u64,
    min: i64,
    max: i64,
    samples: Samples,
}

#[derive(Debug, Clone)]
enum Samples {
    Exact(Vec<i64>),
    /// Counts by bucket id (see [`bucket_of`]), as long as the largest id seen.
    Buckets(Vec<u64>),
}

impl Default for Samples {
    fn default() -> Samples {
        Samples::Exact(Vec::new())
    }
}

impl LatencySketch {
    /// An empty sketch.
    pub fn new() -> LatencySketch {
        LatencySketch::default()
    }

    /// Adds one latency. Negative values (which ordered flows never produce) count as 0, so
    /// a bad timestamp cannot index outside the sketch.
    pub fn add(&mut self, ms: i64) {
        let ms = ms.max(0);
        if self.count == 0 {
            (self.min, self.max) = (ms, ms);
        } else {
            self.min = self.min.min(ms);
            self.max = self.max.max(ms);
        }
        self.count += 1;
        match &mut self.samples {
            Samples::Exact(values) if values.len() < EXACT_LIMIT => values.push(ms),
            Samples::Exact(values) => {
                let mut buckets = Vec::new();
                for &v in values.iter() {
                    count_into(&mut buckets, v);
                }
                count_into(&mut buckets, ms);
                self.samples = Samples::Buckets(buckets);
            }
            Samples::Buckets(buckets) => count_into(buckets, ms),
        }
    }

    /// How many latencies were added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether the percentiles are exact (at most [`EXACT_LIMIT`] samples so far).
    pub fn is_exact(&self) -> bool {
        matches!(self.samples, Samples::Exact(_))
    }

    /// The nearest-rank `p`-th percentile (`p` in 1..=100; larger is taken as 100), or `None`
    /// without samples.
    pub fn percentile(&self, p: u32) -> Option<i64> {
        self.percentiles_of(&[p]).first().copied().flatten()
    }

    /// p50, p90, p99 and the maximum; all 0 without samples.
    pub fn percentiles(&self) -> Percentiles {
        match self.percentiles_of(&[50, 90, 99]).as_slice() {
            [Some(p50), Some(p90), Some(p99)] => Percentiles {
                p50: *p50,
                p90: *p90,
                p99: *p99,
                max: self.max,
            },
            _ => Percentiles::default(),
        }
    }

    fn percentiles_of(&self, ps: &[u32]) -> Vec<Option<i64>> {
        if self.count == 0 {
            return vec![None; ps.len()];
        }
        let ranks = ps.iter().map(|&p| nearest_rank(p, self.count));
        match &self.samples {
            Samples::Exact(values) => {
                let mut sorted = values.clone();
                sorted.sort_unstable();
                ranks
                    .map(|rank| usize::try_from(rank - 1).ok().and_then(|i| sorted.get(i)))
                    .map(|v| v.copied())
                    .collect()
            }
            Samples::Buckets(buckets) => ranks
                .map(|rank| {
                    // The extremes are kept exactly; only ranks between them are estimated.
                    if rank == self.count {
                        return Some(self.max);
                    }
                    if rank == 1 {
                        return Some(self.min);
                    }
                    let mut seen = 0;
                    let id = buckets.iter().position(|&n| {
                        seen += n;
                        seen >= rank
                    })?;
                    Some(value_of(id).clamp(self.min, self.max))
                })
                .collect(),
        }
    }
}

/// The 1-based rank of the nearest-rank `p`-th percentile of `n` samples: ⌈p·n/100⌉, at
/// least 1.
fn nearest_rank(p: u32, n: u64) -> u64 {
    let p = u64::from(p.clamp(1, 100));
    (p.saturating_mul(n).div_ceil(100)).clamp(1, n)
}

fn count_into(buckets: &mut Vec<u64>, ms: i64) {
    let id = bucket_of(ms);
    if buckets.len() <= id {
        buckets.resize(id + 1, 0);
    }
    buckets[id] += 1;
}

/// γ of the module documentation.
fn gamma() -> f64 {
    (1.0 + ALPHA) / (1.0 - ALPHA)
}

/// The log bucket k holding `v`: γ^(k−1) < v ≤ γ^k.
fn log_index(v: f64) -> i64 {
    // Saturating float-to-int cast: finite for every positive i64 value.
    (v.ln() / gamma().ln()).ceil() as i64
}

/// The bucket id of a latency: the latency itself up to [`LINEAR_LIMIT`], then one id per log
/// bucket.
fn bucket_of(ms: i64) -> usize {
    let ms = ms.max(0);
    let id = if ms <= LINEAR_LIMIT {
        ms
    } else {
        LINEAR_LIMIT + 1 + log_index(ms as f64) - log_index((LINEAR_LIMIT + 1) as f64)
    };
    usize::try_from(id).unwrap_or(0)
}

/// The latency a bucket id stands for: its own value in the linear range, else the point of
/// the log bucket within α of all its values, 2γ^k/(γ+1), rounded.
fn value_of(id: usize) -> i64 {
    let id = i64::try_from(id).unwrap_or(i64::MAX);
    if id <= LINEAR_LIMIT {
        return id;
    }
    let k = id - LINEAR_LIMIT - 1 + log_index((LINEAR_LIMIT + 1) as f64);
    let g = gamma();
    // Saturating cast, as above.
    (2.0 * g.powf(k as f64) / (g + 1.0)).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch(values: impl IntoIterator<Item = i64>) -> LatencySketch {
        let mut s = LatencySketch::new();
        for v in values {
            s.add(v);
        }
        s
    }

    /// The definition, computed the slow way.
    fn exact(values: &[i64], p: u32) -> i64 {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let n = sorted.len();
        let rank = (p as usize * n).div_ceil(100).max(1);
        sorted[rank - 1]
    }

    #[test]
    fn nearest_rank_on_small_samples() {
        // 1..=10: p50 is the 5th value, p90 the 9th, p99 rounds up to the 10th.
        let s = sketch(1..=10);
        assert_eq!(
            s.percentiles(),
            Percentiles {
                p50: 5,
                p90: 9,
                p99: 10,
                max: 10
            }
        );
        // One sample is every percentile of itself.
        let one = sketch([42]);
        assert_eq!(
            one.percentiles(),
            Percentiles {
                p50: 42,
                p90: 42,
                p99: 42,
                max: 42
            }
        );
        // Order of arrival does not matter.
        assert_eq!(sketch([30, 10, 20]).percentile(50), Some(20));
        assert_eq!(sketch([]).percentile(50), None);
        assert_eq!(sketch([]).percentiles(), Percentiles::default());
        assert_eq!(sketch([-5]).percentile(100), Some(0));
    }

    #[test]
    fn exact_up_to_the_limit() {
        // Many equal small values and a few large ones: p99 must see the large ones exactly.
        let values: Vec<i64> = (0..EXACT_LIMIT as i64)
            .map(|i| (i * 7919) % 100_003)
            .collect();
        let s = sketch(values.iter().copied());
        assert!(s.is_exact());
        for p in [1, 50, 90, 99, 100] {
            assert_eq!(s.percentile(p), Some(exact(&values, p)), "p{p}");
        }
    }

    #[test]
    fn sketch_beyond_the_limit_is_within_one_percent_and_bounded() {
        // 300,000 latencies spread over six orders of magnitude (a deterministic LCG).
        let mut x: u64 = 1;
        let values: Vec<i64> = (0..300_000)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let exp = (x >> 40) % 6_000;
                10f64.powf(exp as f64 / 1000.0) as i64
            })
            .collect();
        let s = sketch(values.iter().copied());
        assert!(!s.is_exact());
        assert_eq!(s.count(), 300_000);
        for p in [1, 10, 50, 90, 99, 100] {
            let want = exact(&values, p);
            let got = s.percentile(p).unwrap_or(-1);
            let error = (got - want).abs() as f64;
            assert!(error <= 0.01 * want as f64, "p{p}: {got} vs exact {want}");
        }
        assert_eq!(s.percentiles().max, *values.iter().max().unwrap_or(&0));
        match &s.samples {
            Samples::Buckets(b) => assert!(b.len() < 2_000, "{} buckets", b.len()),
            Samples::Exact(_) => unreachable!("checked above"),
        }
    }

    #[test]
    fn short_hops_stay_exact_in_the_sketch_and_extremes_do_not_overflow() {
        let mut values: Vec<i64> = (0..EXACT_LIMIT as i64 + 10).map(|i| i % 100).collect();
        values.push(i64::MAX);
        let s = sketch(values.iter().copied());
        assert!(!s.is_exact());
        for p in [1, 50, 90, 99] {
            assert_eq!(s.percentile(p), Some(exact(&values, p)), "p{p}");
        }
        assert_eq!(s.percentile(100), Some(i64::MAX));
        assert!(bucket_of(i64::MAX) < 4_100);
        for v in [129, 130, 1_000, 65_432, 3_600_000, i64::MAX / 3] {
            let got = value_of(bucket_of(v)) as f64;
            assert!((got - v as f64).abs() <= 0.01 * v as f64, "{v} -> {got}");
        }
    }
}
