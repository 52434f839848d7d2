//! Did-you-mean suggestions for misspelt keys, keywords, event and type names.

/// The closest of `candidates` to `written`, if it is close enough to be a likely typo.
/// Case, `_` and `-` do not count (`dead_letter` is `dead-letter`).
pub fn did_you_mean<'a>(
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let normalized = |s: &str| s.to_ascii_lowercase().replace(['_', '-'], "");
    let w = normalized(written);
    candidates
        .into_iter()
        .map(|c| {
            let score = if normalized(c) == w {
                1.0
            } else {
                strsim::jaro_winkler(&w, &normalized(c))
            };
            (c, score)
        })
        .filter(|(_, score)| *score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

/// Up to `limit` of `candidates` close to `written`, closest first (ties in the candidates'
/// order): for "no such topic; did you mean …" when several names are likely. Looser than
/// [`did_you_mean`], since the user picks from a list.
pub fn close_matches<'a>(
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let normalized = |s: &str| s.to_ascii_lowercase().replace(['_', '-', '.'], "");
    let w = normalized(written);
    let mut scored: Vec<(&str, f64)> = candidates
        .into_iter()
        .map(|c| (c, strsim::jaro_winkler(&w, &normalized(c))))
        .filter(|(_, score)| *score >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    scored.into_iter().take(limit).map(|(c, _)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_and_distant_ones_are_not() {
        let keys = ["topic", "dead-letter", "compatibility", "correlation"];
        assert_eq!(did_you_mean("dead_letter", keys), Some("dead-letter"));
        assert_eq!(did_you_mean("topci", keys), Some("topic"));
        assert_eq!(did_you_mean("compatability", keys), Some("compatibility"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }

    #[test]
    fn close_matches_are_ranked_and_bounded() {
        let topics = ["shop.orders", "shop.payments", "shop.orders.dlq", "billing"];
        assert_eq!(
            close_matches("shop.order", topics, 5),
            ["shop.orders", "shop.orders.dlq"]
        );
        assert_eq!(close_matches("shop.order", topics, 1), ["shop.orders"]);
        assert!(close_matches("zzz", topics, 5).is_empty());
    }
}
