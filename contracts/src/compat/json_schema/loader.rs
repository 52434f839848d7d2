//! The two documents as everit's `SchemaLoader` reads them: `$id`s and anchors indexed, `$ref`s
//! resolved within the document, schema pointers interned as [`Node`]s, and a node loaded into
//! the [`Kind`] of schema it stands for.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

use super::model::{
    Additional, Crit, Draft, Extra, Kind, Loaded, Node, Side, Ty, View, detect_draft,
    has_ref_siblings, parts_of, ref_of,
};
use super::scalars::{NumK, StrK};
use super::{MAX_REF_HOPS, MAX_SCAN_DEPTH, MAX_SCAN_NODES};
use crate::pointer::pointer_join_all;
use crate::uri::percent_decode;

/// One side's schema: the root document and the documents its references name (Confluent's
/// `resolvedReferences`: every schema it refers to, directly or through another reference).
#[derive(Clone, Copy)]
pub(super) struct Docs<'a> {
    pub(super) root: &'a Value,
    pub(super) references: &'a [(String, Value)],
}

/// The writer's and the reader's documents, indexed, and the nodes met in each.
///
/// A pointer names its document: the root's pointers are plain JSON pointers (`""`,
/// `/properties/a`); the `i`-th referenced document's (from 1) are prefixed `@i` (`@1`,
/// `@1/properties/a`), which no JSON pointer starts with.
pub(super) struct Loader<'a> {
    /// Root (index 0) and referenced documents, per side.
    docs: [Vec<&'a Value>; 2],
    /// Reference names (index 0, the root, has none), per side.
    names: [Vec<&'a str>; 2],
    drafts: [Draft; 2],
    /// The root's `$id` (without fragment), the base reference names resolve against.
    bases: [Option<String>; 2],
    /// `$id` (without fragment) -> pointer, over all of a side's documents (the root first).
    ids: [HashMap<String, String>; 2],
    /// Anchor name -> pointer, per document, per side.
    anchors: [Vec<HashMap<String, String>>; 2],
    /// (pointer of the object holding `$ref`, the reference), per side.
    refs: [Vec<(String, String)>; 2],
    /// Node id -> value, per side.
    values: [RefCell<Vec<Option<&'a Value>>>; 2],
    /// Pointer -> id, per side.
    ids_of: [RefCell<FxHashMap<Rc<str>, u32>>; 2],
}

/// A side's documents indexed: (documents, names, ids, anchors per document, refs).
type SideIndex<'a> = (
    Vec<&'a Value>,
    Vec<&'a str>,
    HashMap<String, String>,
    Vec<HashMap<String, String>>,
    Vec<(String, String)>,
);

fn index_side(docs: Docs<'_>, draft: Draft) -> SideIndex<'_> {
    let mut values = vec![docs.root];
    let mut names = vec![""];
    let mut ids = HashMap::new();
    let mut anchors = Vec::new();
    let mut refs = Vec::new();
    for (name, value) in docs.references {
        values.push(value);
        names.push(name.as_str());
    }
    for (i, value) in values.iter().enumerate() {
        let (doc_ids, doc_anchors, doc_refs) = index_document(value, draft, &doc_prefix(i));
        for (id, ptr) in doc_ids {
            ids.entry(id).or_insert(ptr);
        }
        anchors.push(doc_anchors);
        refs.extend(doc_refs);
    }
    (values, names, ids, anchors, refs)
}

/// The prefix of the pointers into a side's `i`-th document.
fn doc_prefix(i: usize) -> String {
    if i == 0 {
        String::new()
    } else {
        format!("@{i}")
    }
}

/// The document a pointer is in, and the JSON pointer within it.
fn split_doc(ptr: &str) -> (usize, &str) {
    let Some(rest) = ptr.strip_prefix('@') else {
        return (0, ptr);
    };
    let end = rest.find('/').unwrap_or(rest.len());
    match rest[..end].parse::<usize>() {
        Ok(i) => (i, &rest[end..]),
        Err(_) => (usize::MAX, ""),
    }
}

/// The `$id` of a root document, without fragment.
fn root_base(doc: &Value, draft: Draft) -> Option<String> {
    let keyword = if draft == Draft::D4 { "id" } else { "$id" };
    let id = doc.get(keyword)?.as_str()?;
    let base = id.split('#').next().unwrap_or(id);
    (!base.is_empty()).then(|| base.to_string())
}

/// A URI reference resolved against a base URI, as far as schema references need: an
/// absolute reference (with a scheme) stands alone, `/path` replaces the base's path, anything
/// else replaces the base's last path segment. `./` segments are dropped.
fn resolve_uri(base: &str, reference: &str) -> String {
    let reference = reference.trim_start_matches("./");
    let has_scheme = |s: &str| {
        s.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
    };
    if has_scheme(reference) {
        return reference.to_string();
    }
    if let Some(path) = reference.strip_prefix('/') {
        let authority_end = base
            .find("://")
            .map(|i| i + 3)
            .and_then(|start| base[start..].find('/').map(|j| start + j))
            .unwrap_or(base.len());
        return format!("{}/{path}", &base[..authority_end]);
    }
    match base.rfind('/') {
        Some(i) => format!("{}{reference}", &base[..=i]),
        None => reference.to_string(),
    }
}

impl<'a> Loader<'a> {
    pub(super) fn new(writer: Docs<'a>, reader: Docs<'a>) -> Self {
        let drafts = [detect_draft(writer.root), detect_draft(reader.root)];
        let bases = [
            root_base(writer.root, drafts[0]),
            root_base(reader.root, drafts[1]),
        ];
        let (wd, wn, wi, wa, wr) = index_side(writer, drafts[0]);
        let (rd, rn, ri, ra, rr) = index_side(reader, drafts[1]);
        Loader {
            docs: [wd, rd],
            names: [wn, rn],
            drafts,
            bases,
            ids: [wi, ri],
            anchors: [wa, ra],
            refs: [wr, rr],
            values: [RefCell::new(Vec::new()), RefCell::new(Vec::new())],
            ids_of: [
                RefCell::new(FxHashMap::default()),
                RefCell::new(FxHashMap::default()),
            ],
        }
    }

    /// The `$ref`s of a side's documents that do not resolve to a schema in them.
    pub(super) fn unresolved_refs(&self, side: Side) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (ptr, reference) in &self.refs[side.idx()] {
            let broken = match self.resolve(side, ptr, reference) {
                None => true,
                Some(target) => self.canon(side, target).view == View::Broken,
            };
            if broken {
                out.push((
                    self.display(side, &pointer_join_all(ptr, &["$ref"])),
                    reference.clone(),
                ));
            }
        }
        out
    }

    /// A pointer as reported: a JSON pointer into the root document, or
    /// `name#/pointer` into the referenced document `name`.
    pub(super) fn display(&self, side: Side, ptr: &str) -> String {
        match split_doc(ptr) {
            (0, _) => ptr.to_string(),
            (i, within) => {
                let name = self.names[side.idx()].get(i).copied().unwrap_or("");
                format!("{name}#{within}")
            }
        }
    }

    /// The value at a pointer in one of the documents.
    fn value(&self, side: Side, ptr: &str) -> Option<&'a Value> {
        let (doc, within) = split_doc(ptr);
        self.docs[side.idx()].get(doc)?.pointer(within)
    }

    /// The value of a node's schema, remembered by node id.
    fn value_of(&self, node: &Node) -> Option<&'a Value> {
        let known = self.values[node.side.idx()]
            .borrow()
            .get(node.id as usize)
            .copied()
            .flatten();
        known.or_else(|| self.value(node.side, &node.ptr))
    }

    pub(super) fn draft(&self, side: Side) -> Draft {
        self.drafts[side.idx()]
    }

    /// Interns a pointer (and remembers the value there).
    fn node(&self, side: Side, ptr: String, view: View, value: Option<&'a Value>) -> Node {
        let mut ids = self.ids_of[side.idx()].borrow_mut();
        if let Some((ptr, id)) = ids.get_key_value(ptr.as_str()) {
            return Node {
                side,
                id: *id,
                ptr: ptr.clone(),
                view,
            };
        }
        let index = ids.len();
        let id = u32::try_from(index).unwrap_or(u32::MAX);
        let ptr: Rc<str> = ptr.into();
        ids.insert(ptr.clone(), id);
        let mut values = self.values[side.idx()].borrow_mut();
        if values.len() == index {
            values.push(value);
        }
        Node {
            side,
            id,
            ptr,
            view,
        }
    }

    /// The node for the schema at `ptr`, with `$ref` chains followed.
    pub(super) fn canon(&self, side: Side, ptr: String) -> Node {
        let value = self.value(side, &ptr);
        self.canon_at(side, ptr, value)
    }

    /// `canon` for a pointer whose value is already known.
    fn canon_at(&self, side: Side, ptr: String, value: Option<&'a Value>) -> Node {
        let mut ptr = ptr;
        let mut value = value;
        let mut seen: HashSet<String> = HashSet::new();
        for _ in 0..MAX_REF_HOPS {
            let Some(found) = value else {
                return self.node(side, ptr, View::Broken, None);
            };
            let Value::Object(obj) = found else {
                return self.node(side, ptr, View::Whole, value);
            };
            let Some(reference) = ref_of(obj, self.draft(side)) else {
                return self.node(side, ptr, View::Whole, value);
            };
            if self.draft(side) >= Draft::D2019 && has_ref_siblings(obj) {
                return self.node(side, ptr, View::Whole, value);
            }
            if !seen.insert(ptr.clone()) {
                return self.node(side, ptr, View::Broken, value);
            }
            match self.resolve(side, &ptr, reference) {
                Some(target) => {
                    value = self.value(side, &target);
                    ptr = target;
                }
                None => return self.node(side, ptr, View::Broken, value),
            }
        }
        self.node(side, ptr, View::Broken, None)
    }

    pub(super) fn child(&self, parent: &Node, segs: &[&str]) -> Node {
        let ptr = pointer_join_all(&parent.ptr, segs);
        let mut value = self.value_of(parent);
        for seg in segs {
            value = match value {
                Some(Value::Object(map)) => map.get(*seg),
                Some(Value::Array(items)) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
        }
        self.canon_at(parent.side, ptr, value)
    }

    /// Resolves a reference made at `from`: `#`, `#/json/pointer` or `#anchor` within the
    /// referring document, or a base URI followed by one of those. The base is a `$id` in one
    /// of the side's documents or the name of a reference (as written, or both resolved against
    /// the root's `$id`, as Confluent registers references by their name resolved against it).
    fn resolve(&self, side: Side, from: &str, reference: &str) -> Option<String> {
        let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let base_ptr = if base.is_empty() {
            doc_prefix(split_doc(from).0)
        } else {
            self.lookup_base(side, base)?
        };
        let fragment = percent_decode(fragment);
        let target = if fragment.is_empty() {
            base_ptr
        } else if fragment.starts_with('/') {
            format!("{base_ptr}{fragment}")
        } else {
            let doc = split_doc(&base_ptr).0;
            self.anchors[side.idx()].get(doc)?.get(&fragment)?.clone()
        };
        match self.value(side, &target)? {
            Value::Object(_) | Value::Bool(_) => Some(target),
            _ => None,
        }
    }

    /// The pointer a base URI names: a `$id` in one of the side's documents, or a reference.
    fn lookup_base(&self, side: Side, base: &str) -> Option<String> {
        let ids = &self.ids[side.idx()];
        if let Some(ptr) = ids.get(base) {
            return Some(ptr.clone());
        }
        let names = &self.names[side.idx()];
        let plain = |s: &str| s.trim_start_matches("./").to_string();
        if let Some(i) = (1..names.len()).find(|&i| plain(names[i]) == plain(base)) {
            return Some(doc_prefix(i));
        }
        let root = self.bases[side.idx()].as_deref()?;
        let resolved = resolve_uri(root, base);
        if let Some(ptr) = ids.get(&resolved) {
            return Some(ptr.clone());
        }
        (1..names.len())
            .find(|&i| resolve_uri(root, names[i]) == resolved)
            .map(doc_prefix)
    }

    /// Loads the schema a node stands for.
    pub(super) fn load(&self, node: &Node) -> Loaded<'a> {
        let broken = Loaded {
            obj: None,
            common: false,
            kind: Kind::Broken,
        };
        if node.view == View::Broken {
            return broken;
        }
        let Some(value) = self.value_of(node) else {
            return broken;
        };
        let obj = match value {
            Value::Bool(true) => {
                return Loaded {
                    obj: None,
                    common: false,
                    kind: Kind::Empty,
                };
            }
            Value::Bool(false) => {
                return Loaded {
                    obj: None,
                    common: false,
                    kind: Kind::False,
                };
            }
            Value::Object(obj) => obj,
            _ => {
                return Loaded {
                    obj: None,
                    common: false,
                    kind: Kind::Empty,
                };
            }
        };
        let draft = self.draft(node.side);
        match node.view {
            View::Whole | View::NoRef => {
                if node.view == View::Whole
                    && let Some(reference) = ref_of(obj, draft)
                {
                    // Only 2019-09+ `$ref` with siblings reaches here: everything else was
                    // followed by `canon`.
                    let target = match self.resolve(node.side, &node.ptr, reference) {
                        Some(target) => self.canon(node.side, target),
                        None => Node {
                            view: View::Broken,
                            ..node.clone()
                        },
                    };
                    let rest = Node {
                        view: View::NoRef,
                        ..node.clone()
                    };
                    return Loaded {
                        obj: Some(obj),
                        common: true,
                        kind: Kind::Comb(Crit::All, vec![target, rest], vec![None, None]),
                    };
                }
                let parts = parts_of(obj, draft);
                let kind = match parts.as_slice() {
                    [] => Kind::Empty,
                    [part] => self.load_part(node, obj, *part),
                    _ => Kind::Comb(
                        Crit::All,
                        parts
                            .iter()
                            .map(|v| Node {
                                view: *v,
                                ..node.clone()
                            })
                            .collect(),
                        vec![None; parts.len()],
                    ),
                };
                Loaded {
                    obj: Some(obj),
                    common: node.view == View::Whole,
                    kind,
                }
            }
            view => Loaded {
                obj: Some(obj),
                common: false,
                kind: self.load_part(node, obj, view),
            },
        }
    }

    fn load_part(&self, node: &Node, obj: &'a Map<String, Value>, view: View) -> Kind<'a> {
        let draft = self.draft(node.side);
        match view {
            View::Enum => match obj.get("enum") {
                Some(Value::Array(values)) => Kind::Enum(values),
                _ => Kind::Empty,
            },
            View::Const => obj.get("const").map_or(Kind::Empty, Kind::Const),
            View::Not => Kind::Not(self.child(node, &["not"])),
            View::Comb(crit) => {
                let raw: Vec<Option<&'a Value>> = obj
                    .get(crit.name())
                    .and_then(Value::as_array)
                    .map_or(Vec::new(), |a| a.iter().map(Some).collect());
                let subs = (0..raw.len())
                    .map(|i| self.child(node, &[crit.name(), &i.to_string()]))
                    .collect();
                Kind::Comb(crit, subs, raw)
            }
            View::TypeArray => {
                let subs: Vec<Node> = obj
                    .get("type")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str().and_then(Ty::parse))
                    .map(|t| Node {
                        view: View::Type(t),
                        ..node.clone()
                    })
                    .collect();
                let raw = vec![None; subs.len()];
                Kind::Comb(Crit::Any, subs, raw)
            }
            View::Type(ty) | View::Sniff(ty) => match ty {
                Ty::Str => Kind::Str(StrK::read(obj)),
                Ty::Num | Ty::Int => Kind::Num(NumK::read(obj, view == View::Type(Ty::Int))),
                Ty::Obj => Kind::Obj(Box::new(self.load_object(node, obj, draft))),
                Ty::Arr => Kind::Arr(Box::new(self.load_array(node, obj, draft))),
                Ty::Bool => Kind::Boolean,
                Ty::Null => Kind::Null,
            },
            View::Cond => Kind::Cond,
            View::Whole | View::NoRef | View::Broken => Kind::Empty,
        }
    }

    /// `additionalProperties` / `additionalItems` as everit reads them: a boolean is a flag, an
    /// object is a schema.
    pub(super) fn extra(&self, node: &Node, obj: &Map<String, Value>, keyword: &str) -> Extra {
        match obj.get(keyword) {
            Some(Value::Bool(false)) => Extra::Flag(Additional::Closed),
            Some(Value::Object(_)) => Extra::Schema(self.child(node, &[keyword])),
            _ => Extra::Flag(Additional::Open),
        }
    }

    /// A keyword whose value is a schema (an object or a boolean), if present.
    pub(super) fn schema_child(
        &self,
        node: &Node,
        obj: &Map<String, Value>,
        keyword: &str,
    ) -> Option<Node> {
        match obj.get(keyword) {
            Some(Value::Object(_) | Value::Bool(_)) => Some(self.child(node, &[keyword])),
            _ => None,
        }
    }

    pub(super) fn is_empty_schema(&self, node: &Node) -> bool {
        matches!(self.load(node).kind, Kind::Empty)
    }

    pub(super) fn is_false_schema(&self, node: &Node) -> bool {
        matches!(self.load(node).kind, Kind::False)
    }

    /// Whether the schema at a node (or the schema its `$ref` points to) has a `default`.
    pub(super) fn has_default(&self, node: &Node, raw_ptr: &str) -> bool {
        let has = |ptr: &str| {
            self.value(node.side, ptr)
                .and_then(Value::as_object)
                .is_some_and(|o| o.contains_key("default"))
        };
        has(raw_ptr) || has(&node.ptr)
    }

    /// The deepest existing pointer along `segs` from a node (a `required` name is found by
    /// value in its array).
    pub(super) fn locate(&self, node: &Node, segs: &[String]) -> String {
        let mut ptr = node.ptr.to_string();
        let Some(mut value) = self.value_of(node) else {
            return ptr;
        };
        for seg in segs {
            let next = match value {
                Value::Object(map) => map.get(seg).map(|v| (seg.clone(), v)),
                Value::Array(items) => match seg.parse::<usize>() {
                    Ok(i) => items.get(i).map(|v| (seg.clone(), v)),
                    Err(_) => items
                        .iter()
                        .position(|v| v.as_str() == Some(seg.as_str()))
                        .map(|i| (i.to_string(), &items[i])),
                },
                _ => None,
            };
            let Some((seg, v)) = next else { break };
            ptr = pointer_join_all(&ptr, &[&seg]);
            value = v;
        }
        ptr
    }
}

type Index = (
    HashMap<String, String>,
    HashMap<String, String>,
    Vec<(String, String)>,
);

/// Walks the subschemas of a document (iteratively, bounded): `$id`s, anchors and `$ref`s.
/// Pointers start with `prefix` (the document's, see [`Loader`]).
fn index_document(doc: &Value, draft: Draft, prefix: &str) -> Index {
    const SCHEMA_MAPS: &[&str] = &[
        "properties",
        "patternProperties",
        "definitions",
        "$defs",
        "dependentSchemas",
        "dependencies",
    ];
    const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];
    const SCHEMA_ONES: &[&str] = &[
        "items",
        "additionalItems",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    ];
    let mut ids = HashMap::new();
    let mut anchors = HashMap::new();
    let mut refs = Vec::new();
    let mut stack: Vec<(&Value, String, usize)> = vec![(doc, prefix.to_string(), 0)];
    let mut visited = 0usize;
    while let Some((value, ptr, depth)) = stack.pop() {
        visited += 1;
        if visited > MAX_SCAN_NODES {
            break;
        }
        let Value::Object(obj) = value else { continue };
        let id_keyword = if draft == Draft::D4 { "id" } else { "$id" };
        if let Some(id) = obj.get(id_keyword).and_then(Value::as_str) {
            if let Some(anchor) = id.strip_prefix('#') {
                if !anchor.is_empty() {
                    anchors
                        .entry(anchor.to_string())
                        .or_insert_with(|| ptr.clone());
                }
            } else {
                let base = id.split('#').next().unwrap_or(id);
                if !base.is_empty() {
                    ids.entry(base.to_string()).or_insert_with(|| ptr.clone());
                }
            }
        }
        for keyword in ["$anchor", "$dynamicAnchor"] {
            if let Some(anchor) = obj.get(keyword).and_then(Value::as_str) {
                anchors
                    .entry(anchor.to_string())
                    .or_insert_with(|| ptr.clone());
            }
        }
        if let Some(reference) = ref_of(obj, draft) {
            refs.push((ptr.clone(), reference.to_string()));
        }
        if depth >= MAX_SCAN_DEPTH {
            continue;
        }
        for (key, child) in obj {
            let key = key.as_str();
            if SCHEMA_MAPS.contains(&key) {
                if let Value::Object(map) = child {
                    for (name, schema) in map {
                        if schema.is_object() {
                            stack.push((schema, pointer_join_all(&ptr, &[key, name]), depth + 1));
                        }
                    }
                }
            } else if SCHEMA_LISTS.contains(&key)
                && let Value::Array(list) = child
            {
                for (i, schema) in list.iter().enumerate() {
                    stack.push((
                        schema,
                        pointer_join_all(&ptr, &[key, &i.to_string()]),
                        depth + 1,
                    ));
                }
            } else if SCHEMA_ONES.contains(&key) && child.is_object() {
                stack.push((child, pointer_join_all(&ptr, &[key]), depth + 1));
            }
        }
    }
    refs.sort();
    (ids, anchors, refs)
}
