//! Compatibility verdicts through contrail's engine, with Confluent's verbose messages, and the
//! checker a registration runs inside the store's write transaction.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use contrail_contracts::compat::{
    self, CompatibilityMode, Direction, Incompatibility, SchemaVersion,
};

use crate::canonical;
use crate::error::Refusal;
use crate::model::{Mode, SchemaType, SubjectVersion};
use crate::store::{Checker, HistoryEntry, RegisterContext};

/// How many parsed schemas the cache keeps before it starts over.
const CACHE_CAPACITY: usize = 4096;

/// Parsed (comparable) forms of stored schemas by id, so a long history is not re-parsed on
/// every registration. An entry is used only when the stored text still matches (an id can
/// come back with other content after a permanent delete and an import).
#[derive(Debug, Default)]
pub struct ParsedCache {
    entries: Mutex<HashMap<i64, CachedSchema>>,
}

/// The text a parsed schema was made from (with its references), and the parsed schema.
type CachedSchema = (Arc<str>, Arc<SchemaVersion>);

impl ParsedCache {
    fn get_or_parse(&self, entry: &HistoryEntry) -> Result<Option<Arc<SchemaVersion>>, String> {
        let stored = &entry.version.schema;
        let key = format!("{}\u{0}{:?}", stored.schema, entry.references);
        {
            let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((text, parsed)) = entries.get(&stored.id)
                && **text == *key
            {
                return Ok(Some(Arc::clone(parsed)));
            }
        }
        let Some(parsed) = canonical::comparable(stored, &entry.references)? else {
            return Ok(None);
        };
        let parsed = Arc::new(parsed);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CACHE_CAPACITY {
            entries.clear();
        }
        entries.insert(stored.id, (Arc::from(key), Arc::clone(&parsed)));
        Ok(Some(parsed))
    }
}

/// A compatibility verdict with Confluent-style messages (non-empty when incompatible).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub compatible: bool,
    pub messages: Vec<String>,
}

impl Verdict {
    fn compatible() -> Verdict {
        Verdict {
            compatible: true,
            messages: Vec::new(),
        }
    }
}

/// Judges a new schema against `history` (the versions the level compares, oldest first).
pub(super) fn evaluate(
    cache: &ParsedCache,
    level: CompatibilityMode,
    new_type: SchemaType,
    new: Option<&SchemaVersion>,
    history: &[HistoryEntry],
) -> Verdict {
    if level == CompatibilityMode::None || history.is_empty() {
        return Verdict::compatible();
    }
    let mut messages = Vec::new();
    for entry in history {
        let old_type = entry.version.schema.schema_type;
        if old_type != new_type {
            messages.push(format!(
                "{{errorType:'SCHEMA_TYPE_MISMATCH', description:'The new schema is {new_type} but version {} of the subject is {old_type}; a subject keeps one schema type', additionalInfo:'{old_type}'}}",
                entry.version.version
            ));
            messages.extend(old_lines(&entry.version));
        }
    }
    if !messages.is_empty() {
        messages.push(format!("{{compatibility: '{level}'}}"));
        return Verdict {
            compatible: false,
            messages,
        };
    }
    let Some(new) = new else {
        return Verdict::compatible();
    };
    let mut olds: Vec<Arc<SchemaVersion>> = Vec::with_capacity(history.len());
    for entry in history {
        match cache.get_or_parse(entry) {
            Ok(Some(parsed)) => olds.push(parsed),
            Ok(None) => return Verdict::compatible(),
            Err(error) => {
                messages.push(format!(
                    "{{errorType:'OLD_SCHEMA_UNREADABLE', description:'Version {} of the subject could not be parsed for comparison: {}', additionalInfo:''}}",
                    entry.version.version, error
                ));
                messages.extend(old_lines(&entry.version));
            }
        }
    }
    if !messages.is_empty() {
        messages.push(format!("{{compatibility: '{level}'}}"));
        return Verdict {
            compatible: false,
            messages,
        };
    }
    let olds: Vec<&SchemaVersion> = olds.iter().map(|a| a.as_ref()).collect();
    let report = compat::check_with(level, &new, &olds, |reader, writer| {
        match (*reader, *writer) {
            (SchemaVersion::Avro(r), SchemaVersion::Avro(w)) => compat::avro::can_read(r, w),
            (SchemaVersion::Json(r), SchemaVersion::Json(w)) => {
                compat::json_schema::can_read_with(r, w)
            }
            (SchemaVersion::Protobuf(r), SchemaVersion::Protobuf(w)) => {
                compat::protobuf::can_read(r, w)
            }
            _ => vec![Incompatibility {
                rule: "SCHEMA_TYPE_MISMATCH",
                reader_path: String::new(),
                writer_path: String::new(),
                message: "the schemas are in different languages".to_owned(),
            }],
        }
    });
    if report.compatible {
        return Verdict::compatible();
    }
    // Group by old version (FULL compares each twice), in history order.
    let mut by_old: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for comparison in &report.comparisons {
        for incompatibility in &comparison.incompatibilities {
            by_old
                .entry(comparison.old_index)
                .or_default()
                .push(message(incompatibility, comparison.direction));
        }
    }
    for (old_index, lines) in by_old {
        messages.extend(lines);
        messages.extend(old_lines(&history[old_index].version));
    }
    messages.push(format!("{{compatibility: '{level}'}}"));
    Verdict {
        compatible: false,
        messages,
    }
}

/// Confluent's lines naming the version compared with.
fn old_lines(old: &SubjectVersion) -> [String; 2] {
    [
        format!("{{oldSchemaVersion: {}}}", old.version),
        format!("{{oldSchema: '{}'}}", old.schema.schema),
    ]
}

fn between(text: &str, open: char, close: char) -> Option<&str> {
    let start = text.find(open)? + open.len_utf8();
    let end = start + text[start..].find(close)?;
    Some(&text[start..end])
}

/// One incompatibility as Confluent writes it (`Difference.error()` for Avro):
/// `{errorType:'…', description:'…', additionalInfo:'…'}`. The description follows Confluent's
/// wording; additionalInfo carries contrail's own message, with reader and writer paths.
pub(super) fn message(incompatibility: &Incompatibility, direction: Direction) -> String {
    let (reader, writer) = match direction {
        Direction::NewReadsOld => ("new", "old"),
        Direction::OldReadsNew => ("old", "new"),
    };
    let path = if incompatibility.reader_path.is_empty() {
        "/"
    } else {
        incompatibility.reader_path.as_str()
    };
    let text = &incompatibility.message;
    let description = match incompatibility.rule {
        "FIXED_SIZE_MISMATCH" => format!(
            "The size of FIXED type field at path '{path}' in the {reader} schema does not match with the {writer} schema"
        ),
        "TYPE_MISMATCH" => format!(
            "The type (path '{path}') of a field in the {reader} schema does not match with the {writer} schema"
        ),
        "NAME_MISMATCH" => format!("The name of the schema has changed (path '{path}')"),
        "MISSING_ENUM_SYMBOLS" => format!(
            "The {reader} schema is missing enum symbols '[{}]' at path '{path}' in the {writer} schema",
            between(text, '[', ']').unwrap_or(text)
        ),
        "MISSING_UNION_BRANCH" => format!(
            "The {reader} schema is missing a type inside a union field at path '{path}' in the {writer} schema"
        ),
        "READER_FIELD_MISSING_DEFAULT_VALUE" => format!(
            "The field '{}' at path '{path}' in the {reader} schema has no default value and is missing in the {writer} schema",
            between(text, '`', '`').unwrap_or(text)
        ),
        rule => format!(
            "{rule} at path '{path}' in the {reader} schema (reading data written with the {writer} schema)"
        ),
    };
    format!(
        "{{errorType:'{}', description:'{}', additionalInfo:'{} (reader path {path}, writer path {})'}}",
        incompatibility.rule,
        description,
        text,
        if incompatibility.writer_path.is_empty() {
            "/"
        } else {
            incompatibility.writer_path.as_str()
        }
    )
}

/// The checker a registration runs inside the write transaction: the mode rules, then the
/// compatibility level against the history the store loaded.
pub(super) fn register_checker(
    cache: Arc<ParsedCache>,
    new_type: SchemaType,
    new: Option<SchemaVersion>,
) -> Checker {
    Box::new(move |context: &RegisterContext<'_>| {
        let subject = context.subject;
        match (context.mode, context.requested_id) {
            (mode, _) if mode.is_read_only() => {
                return Err(Refusal::NotPermitted(format!(
                    "Subject {subject} is in read-only mode ({mode})"
                )));
            }
            (Mode::Import, None) => {
                return Err(Refusal::NotPermitted(format!(
                    "Subject {subject} is in IMPORT mode: a registration must give the schema's id (or set the mode to READWRITE)"
                )));
            }
            (Mode::ReadWrite, Some(_)) => {
                return Err(Refusal::NotPermitted(format!(
                    "Subject {subject} is not in import mode: an id can be given only in IMPORT mode"
                )));
            }
            _ => {}
        }
        if context.existing.is_some() || context.mode == Mode::Import {
            return Ok(());
        }
        let verdict = evaluate(
            &cache,
            context.compatibility,
            new_type,
            new.as_ref(),
            &context.history,
        );
        if verdict.compatible {
            Ok(())
        } else {
            Err(Refusal::Incompatible {
                subject: subject.to_owned(),
                messages: verdict.messages,
            })
        }
    })
}
