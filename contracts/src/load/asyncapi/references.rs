//! `$ref`s: positions in a document ([`At`]), following references within a file and across
//! files, and the findings when one is remote, does not resolve or loops.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Loader;
use crate::codes;
use crate::diagnostic::Position;
use crate::paths;
use crate::pointer::{escape_pointer_token, pointer_join, unescape_pointer_token};
use crate::uri::percent_decode;
use crate::yaml::{Document, Node, Span, Value};

/// The longest `$ref` chain followed.
const MAX_HOPS: usize = 64;

static NULL: Node = Node {
    value: Value::Null,
    span: Span {
        start: Position::START,
        end: Position::START,
    },
};

/// A place in a document: the file, its parsed tree and a JSON pointer into it.
#[derive(Debug, Clone)]
pub(super) struct At {
    pub(super) file: Arc<PathBuf>,
    pub(super) doc: Arc<Document>,
    pub(super) pointer: String,
    /// The positions holding the `$ref`s followed to get here; the first is where the value
    /// was written. Empty when the value was written in place.
    pub(super) via: Vec<Hop>,
}

/// A position a `$ref` chain went through.
#[derive(Debug, Clone)]
pub(super) struct Hop {
    pub(super) file: Arc<PathBuf>,
    pub(super) doc: Arc<Document>,
    pub(super) pointer: String,
}

impl At {
    /// The node. Positions are only built for pointers that resolve.
    pub(super) fn node(&self) -> &Node {
        self.doc.root.pointer(&self.pointer).unwrap_or(&NULL)
    }

    /// A child position, without following a `$ref`.
    pub(super) fn at(&self, token: &str) -> At {
        At {
            file: self.file.clone(),
            doc: self.doc.clone(),
            pointer: pointer_join(&self.pointer, token),
            via: Vec::new(),
        }
    }

    pub(super) fn ptr(&self, token: &str) -> String {
        pointer_join(&self.pointer, token)
    }

    pub(super) fn hop(&self) -> Hop {
        Hop {
            file: self.file.clone(),
            doc: self.doc.clone(),
            pointer: self.pointer.clone(),
        }
    }
}

impl Loader<'_> {
    /// Follows `$ref`s from `at` to the value they lead to. `None` (after a finding) when a
    /// reference is remote, unresolved or loops.
    pub(super) fn deref(&mut self, mut at: At) -> Option<At> {
        let mut seen: HashSet<(Arc<PathBuf>, String)> = HashSet::new();
        for _ in 0..=MAX_HOPS {
            let ref_node = match at.node().get("$ref") {
                Some(r) => r.clone(),
                None => return Some(at),
            };
            let Some(text) = ref_node.as_str() else {
                let message = format!("`$ref` must be a string, found {}", ref_node.kind_name());
                self.report(
                    codes::INVALID_VALUE,
                    (&at.file, ref_node.span),
                    &at.ptr("$ref"),
                    message,
                    "write the reference as a string: `$ref: '#/components/messages/Name'`",
                );
                return None;
            };
            if !seen.insert((at.file.clone(), at.pointer.clone())) {
                self.report(
                    codes::UNRESOLVED_REFERENCE,
                    (&at.file, ref_node.span),
                    &at.ptr("$ref"),
                    format!("`$ref: {text}` leads back to itself"),
                    "break the loop: one of the references must point at the definition itself",
                );
                return None;
            }
            let target = self.resolve_ref(&at, text, ref_node.span)?;
            let mut via = std::mem::take(&mut at.via);
            via.push(at.hop());
            at = At { via, ..target };
        }
        let span = at.node().get("$ref").map_or(at.node().span, |r| r.span);
        self.report(
            codes::UNRESOLVED_REFERENCE,
            (&at.file, span),
            &at.ptr("$ref"),
            format!("more than {MAX_HOPS} `$ref`s in a row"),
            "point the reference at the definition instead of at another reference",
        );
        None
    }

    /// Resolves one `$ref` written at `from` (the mapping holding it).
    pub(super) fn resolve_ref(&mut self, from: &At, text: &str, span: Span) -> Option<At> {
        let ref_pointer = from.ptr("$ref");
        let site = (from.file.as_path(), span);
        let text = text.trim();
        let (mut path_part, fragment) = text.split_once('#').unwrap_or((text, ""));
        let mut absolute = None;
        if let Some(scheme) = uri_scheme(path_part) {
            match path_part.strip_prefix("file://") {
                Some(rest) if scheme.eq_ignore_ascii_case("file") => {
                    absolute = Some(PathBuf::from(percent_decode(rest)));
                    path_part = "";
                }
                _ => {
                    self.report(
                        codes::REMOTE_REFERENCE,
                        site,
                        &ref_pointer,
                        format!("`$ref: {text}` is remote; contrail does not fetch it"),
                        "copy the referenced definition into the catalog and reference the local file; this part is skipped",
                    );
                    return None;
                }
            }
        }
        let (file, doc) = match absolute {
            None if path_part.is_empty() => (from.file.clone(), from.doc.clone()),
            _ => {
                let base = from.file.parent().unwrap_or(Path::new(""));
                let target = absolute.unwrap_or_else(|| {
                    let raw = paths::join(base, path_part);
                    if raw.is_file() {
                        raw
                    } else {
                        paths::join(base, percent_decode(path_part))
                    }
                });
                if !target.is_file() {
                    self.report(
                        codes::UNRESOLVED_REFERENCE,
                        site,
                        &ref_pointer,
                        format!("`$ref: {text}` names a file that does not exist"),
                        &format!(
                            "a `$ref` path is relative to the file it is written in; looked for {}",
                            target.display()
                        ),
                    );
                    return None;
                }
                // Syntax errors in the referenced file are reported by `yaml` itself.
                let doc = self.ctx.yaml(&target)?;
                (Arc::new(target), doc)
            }
        };
        let found = |pointer: &str| doc.root.pointer(pointer).is_some();
        let pointer = if fragment.is_empty() || found(fragment) {
            fragment.to_owned()
        } else if !fragment.starts_with('/') {
            self.report(
                codes::UNRESOLVED_REFERENCE,
                site,
                &ref_pointer,
                format!("`$ref: {text}` does not use a JSON pointer after `#`"),
                "write the fragment as a JSON pointer: `#/components/messages/Name`",
            );
            return None;
        } else if found(&percent_decode(fragment)) {
            percent_decode(fragment)
        } else if let Some(meant) = lenient_pointer(&doc.root, fragment) {
            self.report(
                codes::UNRESOLVED_REFERENCE,
                site,
                &ref_pointer,
                format!("`$ref: {text}` does not resolve: a `/` inside a key must be written `~1`"),
                &format!("write `#{meant}`; contrail read it as that to go on"),
            );
            meant
        } else {
            let help = missing_pointer_help(&doc.root, fragment, &file);
            self.report(
                codes::UNRESOLVED_REFERENCE,
                site,
                &ref_pointer,
                format!("`$ref: {text}` does not resolve"),
                &help,
            );
            return None;
        };
        Some(At {
            file,
            doc,
            pointer,
            via: Vec::new(),
        })
    }
}

/// The scheme of a URI reference (`https` in `https://...`), if it has one. Single letters are
/// Windows drive letters, not schemes.
pub(super) fn uri_scheme(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (scheme.len() >= 2
        && first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// The token before the last one of a JSON pointer (`messages` in `/components/messages/A`).
pub(super) fn parent_token(pointer: &str) -> Option<String> {
    let mut tokens = pointer.strip_prefix('/')?.rsplit('/');
    tokens.next()?;
    tokens.next().map(unescape_pointer_token)
}

/// The last token of a hop's pointer and the span of that key in its mapping, when the parent
/// is a mapping.
pub(super) fn keyed(hop: &Hop) -> Option<(String, Span)> {
    let (parent, last) = hop.pointer.rsplit_once('/')?;
    let key = unescape_pointer_token(last);
    let entry = hop.doc.root.pointer(parent)?.entry(&key)?;
    Some((key, entry.key_span))
}

/// When a pointer only fails because keys containing `/` were not escaped, the pointer that was
/// meant.
fn lenient_pointer(root: &Node, fragment: &str) -> Option<String> {
    let tokens: Vec<String> = fragment
        .strip_prefix('/')?
        .split('/')
        .map(unescape_pointer_token)
        .collect();
    let mut budget = 10_000usize;
    let mut out = Vec::new();
    search(root, &tokens, &mut out, &mut budget).then(|| {
        out.iter()
            .map(|t: &String| format!("/{}", escape_pointer_token(t)))
            .collect()
    })
}

fn search(node: &Node, tokens: &[String], out: &mut Vec<String>, budget: &mut usize) -> bool {
    if tokens.is_empty() {
        return true;
    }
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match &node.value {
        Value::Map(_) => {
            for end in (1..=tokens.len()).rev() {
                let key = tokens[..end].join("/");
                if let Some(child) = node.get(&key) {
                    out.push(key);
                    if search(child, &tokens[end..], out, budget) {
                        return true;
                    }
                    out.pop();
                }
            }
            false
        }
        Value::Seq(items) => {
            let Some(child) = tokens[0].parse::<usize>().ok().and_then(|i| items.get(i)) else {
                return false;
            };
            out.push(tokens[0].clone());
            if search(child, &tokens[1..], out, budget) {
                return true;
            }
            out.pop();
            false
        }
        _ => false,
    }
}

/// Says how far a pointer resolves and what was there instead.
fn missing_pointer_help(root: &Node, fragment: &str, file: &Path) -> String {
    let mut node = root;
    let mut prefix = String::new();
    for token in fragment.trim_start_matches('/').split('/') {
        let key = unescape_pointer_token(token);
        let next = match &node.value {
            Value::Map(_) => node.get(&key),
            Value::Seq(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => {
                node = n;
                prefix = pointer_join(&prefix, &key);
            }
            None => {
                let at = if prefix.is_empty() {
                    format!("the top of {}", file.display())
                } else {
                    format!("`{prefix}` in {}", file.display())
                };
                let keys: Vec<&str> = node
                    .as_map()
                    .map(|m| m.iter().map(|e| e.key.as_str()).collect())
                    .unwrap_or_default();
                return match crate::suggest::did_you_mean(&key, keys.iter().copied()) {
                    Some(s) => format!("{at} has no `{key}`; did you mean `{s}`?"),
                    None if keys.is_empty() => format!("{at} has no `{key}`"),
                    None => format!(
                        "{at} has no `{key}`; it has {}",
                        keys.iter()
                            .take(8)
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
            }
        }
    }
    "fix the reference".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_decoding() {
        assert_eq!(uri_scheme("https://x/y.avsc"), Some("https"));
        assert_eq!(uri_scheme("C:/x.yaml"), None);
        assert_eq!(uri_scheme("messages.yaml"), None);
    }

    #[test]
    fn unescaped_slash_in_key_is_found() {
        let doc = crate::yaml::parse("components:\n  messages:\n    a/b.c:\n      name: X\n")
            .expect("parses");
        assert_eq!(
            lenient_pointer(&doc.root, "/components/messages/a/b.c").as_deref(),
            Some("/components/messages/a~1b.c")
        );
        assert_eq!(lenient_pointer(&doc.root, "/components/messages/zz"), None);
    }
}
