//! Confluent's contexts: separate namespaces of subjects and schema ids in one registry.
//!
//! A subject `:.ctx:name` is the subject `name` of the context `.ctx`; a subject without that
//! prefix is in the default context `.` (and `:.:name` is `name`). Each context numbers its
//! schemas from 1, so a schema is identified by (context, id). Schema linking, migrations
//! between registries and multi-tenant setups copy subjects into a context of their own and
//! keep the ids the records carry.
//!
//! Everything here is the text rules, after Confluent's `QualifiedSubject` (8.x, with the
//! default tenant): how a subject splits, what a `subjectPrefix` matches, where a subject's
//! configuration and mode come from, and how a reference's subject is read.

use std::borrow::Cow;

/// The default context.
pub const DEFAULT_CONTEXT: &str = ".";

/// The context whose configuration and mode apply to every context that sets none
/// (Confluent's `.__GLOBAL`); it holds no subjects.
pub const GLOBAL_CONTEXT: &str = ".__GLOBAL";

/// A `subjectPrefix` starting with this matches subjects of every context.
const CONTEXT_WILDCARD: &str = ":*:";

/// Subject names Confluent reserves (for the global scope and the empty subject).
const RESERVED_NAMES: [&str; 2] = ["__GLOBAL", "__EMPTY"];

/// A subject split into its context and its name within the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualifiedSubject<'a> {
    /// `.` for the default context, else `.name`.
    pub context: &'a str,
    /// The subject within the context; empty when the text names a context only (`:.ctx:`).
    pub name: &'a str,
}

/// Splits a subject as Confluent does: `:.ctx:name` is `name` in `.ctx`, `:.ctx` (no second
/// colon) the context alone, anything else a subject of the default context.
pub fn split(subject: &str) -> QualifiedSubject<'_> {
    let Some(rest) = subject.strip_prefix(":.") else {
        return QualifiedSubject {
            context: DEFAULT_CONTEXT,
            name: subject,
        };
    };
    match rest.find(':') {
        // `subject[1..]` starts at the context's dot; the context ends before the colon.
        Some(colon) => QualifiedSubject {
            context: &subject[1..2 + colon],
            name: &rest[colon + 1..],
        },
        None => QualifiedSubject {
            context: &subject[1..],
            name: "",
        },
    }
}

/// The context a subject is in.
pub fn context_of(subject: &str) -> &str {
    split(subject).context
}

/// A subject in the form it is stored and answered in: `:.:name` (the default context
/// spelled out) is `name`; every other subject is unchanged.
pub fn normalize(subject: &str) -> Cow<'_, str> {
    let parts = split(subject);
    if parts.context == DEFAULT_CONTEXT && subject.starts_with(":.:") {
        Cow::Borrowed(parts.name)
    } else {
        Cow::Borrowed(subject)
    }
}

/// The subject `name` of `context`.
pub fn qualify(context: &str, name: &str) -> String {
    if context == DEFAULT_CONTEXT {
        name.to_owned()
    } else {
        format!(":{context}:{name}")
    }
}

/// The scope a context's own configuration and mode are stored under: `:.ctx:`, or the
/// registry-wide scope (`None`) for the default context.
pub fn context_scope(context: &str) -> Option<String> {
    (context != DEFAULT_CONTEXT).then(|| qualify(context, ""))
}

/// Whether `subject` may hold versions: not empty, no control characters, not a context alone
/// (`:.ctx:`), not a reserved name, not in the global context.
pub fn is_valid_subject(subject: &str) -> bool {
    let parts = split(subject);
    !parts.name.is_empty()
        && !subject.chars().any(char::is_control)
        && !RESERVED_NAMES.contains(&parts.name)
        && parts.context != GLOBAL_CONTEXT
}

/// Whether `scope` may carry a configuration or mode: a valid subject, or a context alone
/// (`:.ctx:`, including the global context).
pub fn is_valid_scope(scope: &str) -> bool {
    let parts = split(scope);
    !scope.is_empty()
        && !scope.chars().any(char::is_control)
        && !RESERVED_NAMES.contains(&parts.name)
        && (parts.name.is_empty() || parts.context != GLOBAL_CONTEXT)
}

/// The scopes a subject's configuration or mode is looked up in, first match wins, as
/// Confluent's `LookupCache` does: the subject, then its context's own setting (the
/// registry-wide one, `None`, for the default context), then the global context's. `None`
/// asks for the registry-wide chain.
pub fn scope_chain(subject: Option<&str>) -> Vec<Option<String>> {
    let global = Some(qualify(GLOBAL_CONTEXT, ""));
    let Some(subject) = subject else {
        return vec![None, global];
    };
    let context_level = context_scope(context_of(subject));
    let mut chain = vec![Some(subject.to_owned())];
    if !chain.contains(&context_level) {
        chain.push(context_level);
    }
    if !chain.contains(&global) {
        chain.push(global);
    }
    chain
}

/// The subject a reference names, read from the subject of the schema that holds it: an
/// unqualified reference is in the referrer's context (Confluent's `qualifySubjectWithParent`;
/// `:.:name` counts as unqualified there too).
pub fn qualify_reference(referrer_context: &str, reference_subject: &str) -> String {
    let parts = split(reference_subject);
    if parts.context == DEFAULT_CONTEXT {
        qualify(referrer_context, parts.name)
    } else {
        reference_subject.to_owned()
    }
}

/// A context as a path names it (`/contexts/{context}/…`): `ctx`, `.ctx` and `:.ctx:` are
/// all `.ctx`; `.` and `:.:` the default context. A colon inside is refused, with
/// Confluent's text.
pub fn parse_context_name(text: &str) -> Result<String, String> {
    let inner = text.strip_prefix(':').unwrap_or(text);
    let inner = inner.strip_suffix(':').unwrap_or(inner);
    if inner.contains(':') {
        return Err(format!("Context name '{inner}' cannot contain a colon"));
    }
    Ok(if inner.starts_with('.') {
        inner.to_owned()
    } else {
        format!(".{inner}")
    })
}

/// What a `subjectPrefix` parameter matches, Confluent's way: `:*:rest` the subjects of
/// every context whose name starts with `rest`; `:.ctx:rest` those of `.ctx`; any other
/// prefix those of the default context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectPrefix {
    AllContexts {
        name_prefix: String,
    },
    Context {
        context: String,
        name_prefix: String,
    },
}

impl SubjectPrefix {
    pub fn parse(prefix: &str) -> SubjectPrefix {
        if let Some(at) = prefix.find(CONTEXT_WILDCARD) {
            return SubjectPrefix::AllContexts {
                name_prefix: prefix[at + CONTEXT_WILDCARD.len()..].to_owned(),
            };
        }
        let parts = split(prefix);
        SubjectPrefix::Context {
            context: parts.context.to_owned(),
            name_prefix: parts.name.to_owned(),
        }
    }

    /// Whether a stored subject matches.
    pub fn matches(&self, subject: &str) -> bool {
        let parts = split(subject);
        match self {
            SubjectPrefix::AllContexts { name_prefix } => parts.name.starts_with(name_prefix),
            SubjectPrefix::Context {
                context,
                name_prefix,
            } => parts.context == context && parts.name.starts_with(name_prefix),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(subject: &str) -> (&str, &str) {
        let q = split(subject);
        (q.context, q.name)
    }

    /// The cases of Confluent's `QualifiedSubjectTest` that apply without tenants.
    #[test]
    fn subjects_split_into_context_and_name() {
        assert_eq!(parts("foo"), (".", "foo"));
        assert_eq!(parts(":.ctx:foo"), (".ctx", "foo"));
        assert_eq!(parts(":.:foo"), (".", "foo"));
        assert_eq!(parts(":.ctx:"), (".ctx", ""));
        assert_eq!(parts(":.ctx"), (".ctx", ""));
        assert_eq!(parts(":.a:b:c"), (".a", "b:c"));
        assert_eq!(parts(":x:foo"), (".", ":x:foo"));
        assert_eq!(parts(""), (".", ""));
    }

    #[test]
    fn the_default_context_spelled_out_is_dropped() {
        assert_eq!(normalize(":.:foo"), "foo");
        assert_eq!(normalize(":.ctx:foo"), ":.ctx:foo");
        assert_eq!(normalize("foo"), "foo");
        assert_eq!(qualify(".", "foo"), "foo");
        assert_eq!(qualify(".ctx", "foo"), ":.ctx:foo");
    }

    #[test]
    fn valid_subjects_and_scopes() {
        assert!(is_valid_subject("foo"));
        assert!(is_valid_subject(":.ctx:foo"));
        assert!(!is_valid_subject(""));
        assert!(!is_valid_subject(":.ctx:"));
        assert!(!is_valid_subject("__GLOBAL"));
        assert!(!is_valid_subject(":.__GLOBAL:foo"));
        assert!(!is_valid_subject("a\u{7}"));
        assert!(is_valid_scope(":.ctx:"));
        assert!(is_valid_scope(":.__GLOBAL:"));
        assert!(!is_valid_scope(":.__GLOBAL:foo"));
        assert!(!is_valid_scope("__EMPTY"));
    }

    #[test]
    fn settings_come_from_subject_then_context_then_global_context() {
        let s = |t: &str| Some(t.to_owned());
        assert_eq!(
            scope_chain(Some("foo")),
            vec![s("foo"), None, s(":.__GLOBAL:")]
        );
        assert_eq!(
            scope_chain(Some(":.ctx:foo")),
            vec![s(":.ctx:foo"), s(":.ctx:"), s(":.__GLOBAL:")]
        );
        assert_eq!(
            scope_chain(Some(":.ctx:")),
            vec![s(":.ctx:"), s(":.__GLOBAL:")]
        );
        assert_eq!(scope_chain(None), vec![None, s(":.__GLOBAL:")]);
    }

    #[test]
    fn references_are_read_in_the_referrer_context() {
        assert_eq!(qualify_reference(".ctx", "dep"), ":.ctx:dep");
        assert_eq!(qualify_reference(".ctx", ":.:dep"), ":.ctx:dep");
        assert_eq!(qualify_reference(".ctx", ":.other:dep"), ":.other:dep");
        assert_eq!(qualify_reference(".", "dep"), "dep");
    }

    /// Confluent's `ContextFilterTest` names contexts these ways.
    #[test]
    fn context_names_in_paths() {
        assert_eq!(parse_context_name(".ctx").as_deref(), Ok(".ctx"));
        assert_eq!(parse_context_name("ctx").as_deref(), Ok(".ctx"));
        assert_eq!(parse_context_name(":.ctx:").as_deref(), Ok(".ctx"));
        assert_eq!(parse_context_name(":.:").as_deref(), Ok("."));
        assert_eq!(parse_context_name(".").as_deref(), Ok("."));
        assert_eq!(
            parse_context_name("foo:bar"),
            Err("Context name 'foo:bar' cannot contain a colon".to_owned())
        );
    }

    #[test]
    fn subject_prefixes_choose_contexts() {
        let all = SubjectPrefix::parse(":*:");
        assert!(all.matches("foo") && all.matches(":.ctx:foo"));
        let named = SubjectPrefix::parse(":*:fo");
        assert!(named.matches(":.ctx:foo") && !named.matches(":.ctx:bar"));
        let default = SubjectPrefix::parse("");
        assert!(default.matches("foo") && !default.matches(":.ctx:foo"));
        let ctx = SubjectPrefix::parse(":.ctx:");
        assert!(ctx.matches(":.ctx:foo") && !ctx.matches("foo") && !ctx.matches(":.ctx2:foo"));
        let dot = SubjectPrefix::parse(":.:b");
        assert!(dot.matches("bar") && !dot.matches(":.ctx:bar"));
    }
}
