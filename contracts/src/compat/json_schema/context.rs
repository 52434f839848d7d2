//! The walk over a pair of documents: Confluent's `Context` (the differences of one pair of
//! schemas, a memo of the pairs compared, recursive cycles assumed compatible) and where each
//! difference is.

use std::collections::HashMap;
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;

use super::loader::{Docs, Loader};
use super::model::{Node, Side};
use super::rules::JsonSchemaRule;
use super::{MAX_ROUNDS, MAX_STEPS};

/// A difference with paths relative to the pair of schemas it was found in.
#[derive(Debug, Clone)]
pub(super) struct Diff {
    pub(super) rule: JsonSchemaRule,
    /// Confluent's path segments (`properties`, `foo`, `items/0`, ...).
    pub(super) logical: Vec<String>,
    /// Instance path segments, for messages (`foo`, `*`, `0`, ...).
    pub(super) data: Vec<String>,
    /// The original and the update schema, and the keyword concerned in each (pointers are
    /// worked out only for the differences reported).
    pub(super) o: Node,
    pub(super) u: Node,
    pub(super) o_attr: Vec<String>,
    pub(super) u_attr: Vec<String>,
    pub(super) detail: String,
}

/// Differences found comparing one pair of schemas (Confluent's `Context`).
#[derive(Debug, Default)]
pub(super) struct Ctx {
    pub(super) diffs: Vec<Diff>,
    /// Set when the comparison met a recursive cycle already known to be incompatible.
    tainted: bool,
}

impl Ctx {
    pub(super) fn compatible(&self) -> bool {
        !self.tainted && self.diffs.iter().all(|d| d.rule.is_compatible())
    }

    pub(super) fn merge(&mut self, sub: &Ctx, logical: &[String], data: &[String]) {
        self.tainted |= sub.tainted;
        for d in &sub.diffs {
            let mut d = d.clone();
            if !logical.is_empty() {
                d.logical.splice(0..0, logical.iter().cloned());
            }
            if !data.is_empty() {
                d.data.splice(0..0, data.iter().cloned());
            }
            self.diffs.push(d);
        }
    }
}

/// Where a difference is: the two schemas, the keyword concerned on each side, Confluent's path
/// and the instance path (both relative to the pair being compared).
pub(super) struct Pos<'n> {
    o: &'n Node,
    u: &'n Node,
    o_attr: Vec<String>,
    u_attr: Vec<String>,
    logical: Vec<String>,
    data: Vec<String>,
}

impl<'n> Pos<'n> {
    pub(super) fn new(o: &'n Node, u: &'n Node) -> Self {
        Pos {
            o,
            u,
            o_attr: Vec::new(),
            u_attr: Vec::new(),
            logical: Vec::new(),
            data: Vec::new(),
        }
    }

    /// The same keyword path on both sides, also used as Confluent's path.
    pub(super) fn attr(mut self, segs: &[&str]) -> Self {
        self.o_attr = strings(segs);
        self.u_attr = strings(segs);
        self.logical = strings(segs);
        self
    }

    /// Keyword paths that differ between the sides (draft-specific keyword names).
    pub(super) fn attrs(mut self, o_attr: &[&str], u_attr: &[&str]) -> Self {
        self.o_attr = strings(o_attr);
        self.u_attr = strings(u_attr);
        self
    }

    pub(super) fn path(mut self, logical: &[&str], data: &[&str]) -> Self {
        self.logical = strings(logical);
        self.data = strings(data);
        self
    }
}

fn strings(segs: &[&str]) -> Vec<String> {
    segs.iter().map(|s| (*s).to_string()).collect()
}

type Pair = (Node, Node);

/// The state of one comparison: the two documents, the memo of compared pairs, the recursion
/// guards and the bounds.
pub(super) struct Engine<'a> {
    pub(super) loader: Loader<'a>,
    memo: FxHashMap<Pair, Rc<Ctx>>,
    in_progress: FxHashSet<Pair>,
    /// Pairs met again while in progress and assumed compatible in this round.
    assumed: FxHashSet<Pair>,
    /// Pairs found incompatible in an earlier round (no longer assumed compatible).
    known_bad: FxHashSet<Pair>,
    steps: usize,
    depth: usize,
    max_depth: usize,
    pub(super) limit_hit: bool,
    /// Compiled `patternProperties` patterns (`None`: invalid).
    patterns: HashMap<String, Option<jsonschema::Validator>>,
}

impl<'a> Engine<'a> {
    pub(super) fn new(writer: Docs<'a>, reader: Docs<'a>, max_depth: usize) -> Self {
        Engine {
            loader: Loader::new(writer, reader),
            memo: FxHashMap::default(),
            in_progress: FxHashSet::default(),
            assumed: FxHashSet::default(),
            known_bad: FxHashSet::default(),
            steps: 0,
            depth: 0,
            max_depth,
            limit_hit: false,
            patterns: HashMap::new(),
        }
    }

    /// Compares the two roots, iterating to the greatest fixed point over recursive cycles.
    pub(super) fn run(&mut self) -> Rc<Ctx> {
        let o = self.loader.canon(Side::Writer, String::new());
        let u = self.loader.canon(Side::Reader, String::new());
        let mut result = Rc::new(Ctx::default());
        for _ in 0..MAX_ROUNDS {
            self.memo.clear();
            self.assumed.clear();
            self.in_progress.clear();
            self.depth = 0;
            result = self.compare(&o, &u);
            let newly_bad: Vec<Pair> = self
                .assumed
                .iter()
                .filter(|pair| !self.known_bad.contains(*pair))
                .filter(|pair| self.memo.get(*pair).is_some_and(|c| !c.compatible()))
                .cloned()
                .collect();
            if newly_bad.is_empty() || self.limit_hit {
                break;
            }
            self.known_bad.extend(newly_bad);
        }
        result
    }

    pub(super) fn add(&self, ctx: &mut Ctx, rule: JsonSchemaRule, pos: Pos<'_>, detail: String) {
        ctx.diffs.push(Diff {
            rule,
            logical: pos.logical,
            data: pos.data,
            o: pos.o.clone(),
            u: pos.u.clone(),
            o_attr: pos.o_attr,
            u_attr: pos.u_attr,
            detail,
        });
    }

    /// `SchemaDiff.compare(ctx, original, update)`, memoised per pair; differences are relative
    /// to the pair.
    pub(super) fn compare(&mut self, o: &Node, u: &Node) -> Rc<Ctx> {
        let key: Pair = (o.clone(), u.clone());
        if let Some(hit) = self.memo.get(&key) {
            return hit.clone();
        }
        if self.in_progress.contains(&key) {
            // A recursive cycle: assume compatible unless an earlier round showed otherwise.
            let tainted = self.known_bad.contains(&key);
            if !tainted {
                self.assumed.insert(key);
            }
            return Rc::new(Ctx {
                diffs: Vec::new(),
                tainted,
            });
        }
        if self.depth >= self.max_depth || self.steps >= MAX_STEPS {
            self.limit_hit = true;
            return Rc::new(Ctx::default());
        }
        self.steps += 1;
        self.depth += 1;
        self.in_progress.insert(key.clone());
        let mut ctx = Ctx::default();
        self.compare_into(&mut ctx, o, u);
        self.in_progress.remove(&key);
        self.depth -= 1;
        let ctx = Rc::new(ctx);
        self.memo.insert(key, ctx.clone());
        ctx
    }

    /// Java's `Pattern.matcher(key).find()`, through the JSON Schema `pattern` keyword (same
    /// unanchored search). An invalid pattern matches nothing.
    pub(super) fn pattern_finds(&mut self, pattern: &str, key: &str) -> bool {
        let validator = self.patterns.entry(pattern.to_string()).or_insert_with(|| {
            let schema = serde_json::json!({ "type": "string", "pattern": pattern });
            jsonschema::validator_for(&schema).ok()
        });
        validator
            .as_ref()
            .is_some_and(|v| v.is_valid(&Value::String(key.to_string())))
    }
}
