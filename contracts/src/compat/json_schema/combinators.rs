//! Confluent's `CombinedSchemaDiff` (`allOf`, `anyOf`, `oneOf`) and `NotSchemaDiff`.

use std::collections::VecDeque;
use std::rc::Rc;

use serde_json::Value;

use super::context::{Ctx, Engine, Pos};
use super::model::{Crit, Node};
use super::rules::JsonSchemaRule as R;

/// A combinator: criterion, subschemas, their JSON as written.
type Combined<'s, 'a> = (Crit, &'s [Node], &'s [Option<&'a Value>]);

/// Subschemas with duplicates collapsed: Confluent collects them into a set of schemas that are
/// equal when their JSON as written is (a `$ref` is compared as written, not resolved).
fn distinct(subs: &[Node], raw: &[Option<&Value>]) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    let mut seen: Vec<&Value> = Vec::new();
    for (i, s) in subs.iter().enumerate() {
        match raw.get(i) {
            Some(Some(value)) => {
                if seen.contains(value) {
                    continue;
                }
                seen.push(value);
            }
            _ => {
                if out.contains(s) {
                    continue;
                }
            }
        }
        out.push(s.clone());
    }
    out
}

impl<'a> Engine<'a> {
    /// `CombinedSchemaDiff.compare`.
    pub(super) fn compare_combined(
        &mut self,
        ctx: &mut Ctx,
        o: &Node,
        u: &Node,
        a: Combined<'_, 'a>,
        b: Combined<'_, 'a>,
    ) {
        let (ca, sa, ra) = a;
        let (cb, sb, rb) = b;
        let criterion = if ca == cb {
            None
        } else {
            match cb {
                Crit::Any => Some(R::CombinedTypeExtended),
                Crit::One if sa.len() == 1 => Some(R::CombinedTypeExtended),
                Crit::All if sa.len() == 1 && sb.len() == 1 => Some(R::CombinedTypeExtended),
                _ => Some(R::CombinedTypeChanged),
            }
        };
        if let Some(rule) = criterion {
            let detail = format!("changed from {} to {}", ca.name(), cb.name());
            self.add(
                ctx,
                rule,
                Pos::new(o, u).attrs(&[ca.name()], &[cb.name()]),
                detail,
            );
            if rule == R::CombinedTypeChanged {
                return;
            }
        }
        let sa = distinct(sa, ra);
        let sb = distinct(sb, rb);
        let size_rule = match sa.len().cmp(&sb.len()) {
            std::cmp::Ordering::Less if cb == Crit::All => Some(R::ProductTypeExtended),
            std::cmp::Ordering::Less => Some(R::SumTypeExtended),
            std::cmp::Ordering::Greater if cb == Crit::All => Some(R::ProductTypeNarrowed),
            std::cmp::Ordering::Greater => Some(R::SumTypeNarrowed),
            std::cmp::Ordering::Equal => None,
        };
        if let Some(rule) = size_rule {
            let detail = format!(
                "went from {} to {} {} subschemas",
                sa.len(),
                sb.len(),
                cb.name()
            );
            self.add(
                ctx,
                rule,
                Pos::new(o, u).attrs(&[ca.name()], &[cb.name()]),
                detail,
            );
        }
        let mut edges: Vec<Vec<(usize, Rc<Ctx>)>> = Vec::with_capacity(sa.len());
        for x in &sa {
            let mut row = Vec::new();
            for (j, y) in sb.iter().enumerate() {
                if self.limit_hit {
                    break;
                }
                let sub = self.compare(x, y);
                if sub.compatible() {
                    row.push((j, sub));
                }
            }
            // Prefer matching subschemas that differ the least.
            row.sort_by_key(|(_, sub)| sub.diffs.len());
            edges.push(row);
        }
        let adjacency: Vec<Vec<usize>> = edges
            .iter()
            .map(|row| row.iter().map(|(j, _)| *j).collect())
            .collect();
        let matching = max_matching(sa.len(), sb.len(), &adjacency);
        let mut matched = 0;
        for (i, j) in matching.iter().enumerate() {
            let Some(j) = j else { continue };
            matched += 1;
            if let Some((_, sub)) = edges[i].iter().find(|(k, _)| k == j) {
                ctx.merge(sub, &[format!("{}/{i}", ca.name())], &[]);
            }
        }
        if matched < sa.len().min(sb.len()) {
            self.add(
                ctx,
                R::CombinedTypeSubschemasChanged,
                Pos::new(o, u).attrs(&[ca.name()], &[cb.name()]),
                format!(
                    "has {} subschemas that no longer match any of the writer's",
                    cb.name()
                ),
            );
        }
    }

    /// `NotSchemaDiff.compare`.
    pub(super) fn compare_nots(&mut self, ctx: &mut Ctx, o: &Node, u: &Node, a: &Node, b: &Node) {
        // Reversed: the update's `not` must reject at most what the original's rejects.
        let sub = self.compare(b, a);
        let rule = if sub.compatible() {
            R::NotTypeNarrowed
        } else {
            R::NotTypeExtended
        };
        self.add(ctx, rule, Pos::new(o, u).attr(&["not"]), String::new());
    }
}

/// Maximum cardinality bipartite matching (augmenting paths, breadth first): for each left
/// vertex, the right vertex it is matched to.
fn max_matching(left: usize, right: usize, adjacency: &[Vec<usize>]) -> Vec<Option<usize>> {
    let mut match_l: Vec<Option<usize>> = vec![None; left];
    let mut match_r: Vec<Option<usize>> = vec![None; right];
    for start in 0..left {
        let mut reached_from: Vec<Option<usize>> = vec![None; right];
        let mut seen_l = vec![false; left];
        let mut queue = VecDeque::from([start]);
        seen_l[start] = true;
        let mut free = None;
        'search: while let Some(l) = queue.pop_front() {
            for &r in adjacency.get(l).map_or(&[][..], Vec::as_slice) {
                if r >= right || reached_from[r].is_some() {
                    continue;
                }
                reached_from[r] = Some(l);
                match match_r[r] {
                    None => {
                        free = Some(r);
                        break 'search;
                    }
                    Some(next) => {
                        if !seen_l[next] {
                            seen_l[next] = true;
                            queue.push_back(next);
                        }
                    }
                }
            }
        }
        let mut r = match free {
            Some(r) => r,
            None => continue,
        };
        // Flip the augmenting path back to `start`.
        for _ in 0..=left {
            let Some(l) = reached_from[r] else { break };
            let previous = match_l[l];
            match_l[l] = Some(r);
            match_r[r] = Some(l);
            match previous {
                Some(p) if l != start => r = p,
                _ => break,
            }
        }
    }
    match_l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_is_maximum() {
        // 0 -> {0, 1}, 1 -> {0}: greedy 0->0 must be undone.
        let m = max_matching(2, 2, &[vec![0, 1], vec![0]]);
        assert_eq!(m, [Some(1), Some(0)]);
        let m = max_matching(3, 2, &[vec![0], vec![0], vec![1]]);
        assert_eq!(m.iter().flatten().count(), 2);
    }
}
