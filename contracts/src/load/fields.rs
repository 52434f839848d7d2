//! Reading typed values out of a mapping node, with a finding for every unknown key (with a
//! did-you-mean), wrong type, bad keyword or missing required key. All findings are collected:
//! one bad key never hides the next.

use std::path::{Path, PathBuf};

use crate::codes;
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{Keyword, Spanned};
use crate::pointer::pointer_join;
use crate::suggest::did_you_mean;
use crate::yaml::{Entry, Node, Value};

/// A mapping being read. Findings go to `diagnostics`.
pub(crate) struct Fields<'a> {
    pub file: &'a Path,
    pub node: &'a Node,
    pub pointer: String,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    /// Starts reading `node` as a mapping with the given keys. Reports (and returns `None` for)
    /// a node that is not a mapping; reports every key not in `allowed`. Keys starting with `x-`
    /// are extensions and always allowed.
    pub(super) fn new(
        file: &'a Path,
        node: &'a Node,
        pointer: impl Into<String>,
        what: &str,
        allowed: &[&str],
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Option<Fields<'a>> {
        let pointer = pointer.into();
        let Some(entries) = node.as_map() else {
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_VALUE,
                    format!("{what} must be a mapping, found {}", node.kind_name()),
                )
                .at(location(file, node))
                .pointer(pointer),
            );
            return None;
        };
        for entry in entries {
            if allowed.contains(&entry.key.as_str()) || entry.key.starts_with("x-") {
                continue;
            }
            let mut d = Diagnostic::new(
                codes::UNKNOWN_KEY,
                format!("unknown key `{}` in {what}", entry.key),
            )
            .at(key_location(file, entry))
            .pointer(pointer_join(&pointer, &entry.key));
            d = match did_you_mean(&entry.key, allowed.iter().copied()) {
                Some(suggestion) => d.help(format!("did you mean `{suggestion}`?")),
                None => d.help(format!("{what} takes: {}", allowed.join(", "))),
            };
            diagnostics.push(d);
        }
        Some(Fields {
            file,
            node,
            pointer,
            diagnostics,
        })
    }

    pub(super) fn location(&self) -> Location {
        location(self.file, self.node)
    }

    pub(super) fn key_location(&self, key: &str) -> Location {
        self.node
            .entry(key)
            .map_or_else(|| self.location(), |e| key_location(self.file, e))
    }

    pub(super) fn pointer_of(&self, key: &str) -> String {
        pointer_join(&self.pointer, key)
    }

    pub(super) fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key).filter(|n| !n.is_null())
    }

    pub(super) fn spanned<T>(&self, key: &str, node: &Node, value: T) -> Spanned<T> {
        Spanned::new(value, location(self.file, node), self.pointer_of(key))
    }

    pub(super) fn invalid(
        &mut self,
        key: &str,
        node: &Node,
        message: String,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(codes::INVALID_VALUE, message)
            .at(location(self.file, node))
            .pointer(self.pointer_of(key));
        if let Some(help) = help {
            d = d.help(help);
        }
        self.diagnostics.push(d);
    }

    pub(super) fn missing(&mut self, key: &str, what: &str, help: &str) {
        let d = Diagnostic::new(codes::MISSING_KEY, format!("{what} needs `{key}`"))
            .at(self.location())
            .pointer(self.pointer.clone())
            .help(help.to_owned());
        self.diagnostics.push(d);
    }

    /// A string value. Numbers and booleans are refused rather than silently converted, except
    /// where `lenient` (versions written as `1`).
    pub(super) fn string(&mut self, key: &str) -> Option<Spanned<String>> {
        let node = self.get(key)?;
        match &node.value {
            Value::String(s) => Some(self.spanned(key, node, s.clone())),
            _ => {
                let message = format!("`{key}` must be a string, found {}", node.kind_name());
                self.invalid(key, node, message, Some("quote the value".to_owned()));
                None
            }
        }
    }

    /// A string, also accepting a number written without quotes (for versions).
    pub(super) fn string_or_number(&mut self, key: &str) -> Option<Spanned<String>> {
        let node = self.get(key)?;
        match &node.value {
            Value::Int(i) => Some(self.spanned(key, node, i.to_string())),
            Value::Float(f) => Some(self.spanned(key, node, f.to_string())),
            _ => self.string(key),
        }
    }

    pub(super) fn required_string(
        &mut self,
        key: &str,
        what: &str,
        help: &str,
    ) -> Option<Spanned<String>> {
        if self.get(key).is_none() {
            self.missing(key, what, help);
            return None;
        }
        let value = self.string(key)?;
        if value.value.trim().is_empty() {
            let node = self.get(key)?;
            self.invalid(key, node, format!("`{key}` must not be empty"), None);
            return None;
        }
        Some(value)
    }

    pub(super) fn bool(&mut self, key: &str) -> Option<bool> {
        let node = self.get(key)?;
        match node.as_bool() {
            Some(b) => Some(b),
            None => {
                let message = format!("`{key}` must be true or false, found {}", node.kind_name());
                self.invalid(key, node, message, None);
                None
            }
        }
    }

    pub(super) fn u32(&mut self, key: &str) -> Option<Spanned<u32>> {
        let node = self.get(key)?;
        match node.as_i64().and_then(|i| u32::try_from(i).ok()) {
            Some(n) => Some(self.spanned(key, node, n)),
            None => {
                let message = format!(
                    "`{key}` must be a whole number of at least 0, found {}",
                    node.kind_name()
                );
                self.invalid(key, node, message, None);
                None
            }
        }
    }

    /// One of a closed set of words. Suggests the closest when the word is misspelled.
    pub(super) fn keyword<K: Keyword + PartialEq>(&mut self, key: &str) -> Option<Spanned<K>> {
        let node = self.get(key)?;
        let Some(text) = node.as_str() else {
            let message = format!(
                "`{key}` must be one of {}, found {}",
                K::keywords().join(", "),
                node.kind_name()
            );
            self.invalid(key, node, message, None);
            return None;
        };
        match K::parse_keyword(text) {
            Some(k) => Some(self.spanned(key, node, k)),
            None => {
                let keywords = K::keywords();
                let help = match did_you_mean(text, keywords.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("use one of {}", keywords.join(", ")),
                };
                let message = format!("`{text}` is not a valid `{key}`");
                self.invalid(key, node, message, Some(help));
                None
            }
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    pub(super) fn string_list(&mut self, key: &str) -> Vec<Spanned<String>> {
        let Some(node) = self.get(key) else {
            return Vec::new();
        };
        let pointer = self.pointer_of(key);
        match &node.value {
            Value::String(s) => vec![Spanned::new(s.clone(), location(self.file, node), pointer)],
            Value::Seq(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let item_pointer = pointer_join(&pointer, &i.to_string());
                    match item.as_str() {
                        Some(s) => out.push(Spanned::new(
                            s.to_owned(),
                            location(self.file, item),
                            item_pointer,
                        )),
                        None => self.diagnostics.push(
                            Diagnostic::new(
                                codes::INVALID_VALUE,
                                format!(
                                    "items of `{key}` must be strings, found {}",
                                    item.kind_name()
                                ),
                            )
                            .at(location(self.file, item))
                            .pointer(item_pointer),
                        ),
                    }
                }
                out
            }
            _ => {
                let message = format!(
                    "`{key}` must be a list of strings, found {}",
                    node.kind_name()
                );
                self.invalid(key, node, message, None);
                Vec::new()
            }
        }
    }

    /// The items of a sequence, each with its pointer.
    pub(super) fn seq(&mut self, key: &str) -> Vec<(String, &'a Node)> {
        let Some(node) = self.get(key) else {
            return Vec::new();
        };
        match node.as_seq() {
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| (pointer_join(&self.pointer_of(key), &i.to_string()), n))
                .collect(),
            None => {
                let message = format!("`{key}` must be a list, found {}", node.kind_name());
                self.invalid(key, node, message, None);
                Vec::new()
            }
        }
    }

    /// Reads a nested mapping with its own allowed keys.
    pub(super) fn nested<'b>(
        &'b mut self,
        key: &str,
        what: &str,
        allowed: &[&str],
    ) -> Option<Fields<'b>>
    where
        'a: 'b,
    {
        let node = self.get(key)?;
        let pointer = self.pointer_of(key);
        Fields::new(self.file, node, pointer, what, allowed, self.diagnostics)
    }
}

pub(crate) fn location(file: &Path, node: &Node) -> Location {
    node.location(file)
}

pub(crate) fn key_location(file: &Path, entry: &Entry) -> Location {
    Location {
        file: PathBuf::from(file),
        start: entry.key_span.start,
        end: entry.key_span.end,
    }
}
