//! Reading values out of a document: findings at a position, typed fields that report a value
//! of the wrong type, and lookups over an object and its traits (with `$ref`s followed).

use std::path::Path;

use super::Loader;
use super::references::At;
use crate::codes;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::model::Spanned;
use crate::yaml::{Node, Span, Value};

impl Loader<'_> {
    pub(super) fn report(
        &mut self,
        code: Code,
        at: (&Path, Span),
        pointer: &str,
        message: String,
        help: &str,
    ) {
        let d = Diagnostic::new(code, message)
            .at(self.ctx.loc(at.0, at.1))
            .pointer(pointer)
            .help(help);
        self.ctx.push(d);
    }

    pub(super) fn invalid(&mut self, at: &At, message: String, help: &str) {
        let span = at.node().span;
        self.report(
            codes::INVALID_VALUE,
            (&at.file, span),
            &at.pointer,
            message,
            help,
        );
    }

    pub(super) fn loc(&self, at: &At) -> Location {
        self.ctx.loc(&at.file, at.node().span)
    }

    pub(super) fn spanned(&self, at: &At, value: String) -> Spanned<String> {
        Spanned::new(value, self.loc(at), at.pointer.clone())
    }

    /// The value under `key`, with `$ref`s followed. `None` when absent or null.
    pub(super) fn child(&mut self, at: &At, key: &str) -> Option<At> {
        let child = at.node().get(key)?;
        if child.is_null() {
            return None;
        }
        self.deref(at.at(key))
    }

    /// The entries of a mapping value, or a finding when it is something else (null is
    /// treated as absent).
    pub(super) fn entries(&mut self, at: &At, what: &str) -> Vec<(String, Span)> {
        match &at.node().value {
            Value::Map(entries) => entries
                .iter()
                .map(|e| (e.key.clone(), e.key_span))
                .collect(),
            Value::Null => Vec::new(),
            _ => {
                let message = format!("{what} must be a mapping, found {}", at.node().kind_name());
                self.invalid(at, message, "see the AsyncAPI specification for its shape");
                Vec::new()
            }
        }
    }

    pub(super) fn is_map(&mut self, at: &At, what: &str) -> bool {
        if at.node().as_map().is_some() {
            return true;
        }
        let message = format!("{what} must be a mapping, found {}", at.node().kind_name());
        self.invalid(at, message, "see the AsyncAPI specification for its shape");
        false
    }

    /// A string field; a value of another type is reported.
    pub(super) fn string(&mut self, at: &At, key: &str) -> Option<Spanned<String>> {
        let node = at.node().get(key)?;
        match &node.value {
            Value::String(s) => Some(Spanned::new(
                s.clone(),
                self.ctx.loc(&at.file, node.span),
                at.ptr(key),
            )),
            Value::Null => None,
            _ => {
                let message = format!("`{key}` must be a string, found {}", node.kind_name());
                let span = node.span;
                self.report(
                    codes::INVALID_VALUE,
                    (&at.file, span),
                    &at.ptr(key),
                    message,
                    "quote the value",
                );
                None
            }
        }
    }

    /// The first of `sources` that has `key` (with `$ref`s followed).
    pub(super) fn lookup(&mut self, sources: &[At], key: &str) -> Option<At> {
        for source in sources {
            if source.node().get(key).is_some_and(|n| !n.is_null()) {
                return self.child(source, key);
            }
        }
        None
    }

    /// The first of `sources` that has `path`, following `$ref`s at every step.
    pub(super) fn lookup_path(&mut self, sources: &[At], path: &[&str]) -> Option<At> {
        'sources: for source in sources {
            let mut at = source.clone();
            for key in path {
                if at.node().get(key).is_none_or(Node::is_null) {
                    continue 'sources;
                }
                match self.child(&at, key) {
                    Some(next) => at = next,
                    None => continue 'sources,
                }
            }
            return Some(at);
        }
        None
    }

    pub(super) fn lookup_string(&mut self, sources: &[At], key: &str) -> Option<Spanned<String>> {
        for source in sources {
            if source.node().get(key).is_some_and(|n| !n.is_null()) {
                return self.string(source, key);
            }
        }
        None
    }

    /// An object followed by its traits, in the order fields are looked up: in 2.x traits
    /// override the object (later traits win), in 3.x the object wins.
    pub(super) fn with_traits(&mut self, at: &At) -> Vec<At> {
        let mut traits = Vec::new();
        if let Some(list) = at.node().get("traits") {
            match list.as_seq() {
                Some(items) => {
                    for i in 0..items.len() {
                        let Some(t) = self.deref(at.at("traits").at(&i.to_string())) else {
                            continue;
                        };
                        if self.is_map(&t, "a trait") {
                            traits.push(t);
                        }
                    }
                }
                None if list.is_null() => {}
                None => {
                    let message = format!("`traits` must be a list, found {}", list.kind_name());
                    self.invalid(&at.at("traits"), message, "write the traits as a list");
                }
            }
        }
        traits.reverse();
        if self.v3 {
            traits.insert(0, at.clone());
        } else {
            traits.push(at.clone());
        }
        traits
    }
}
