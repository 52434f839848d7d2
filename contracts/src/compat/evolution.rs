//! Compatibility of a whole catalog against a baseline (a git ref, a registry, a directory):
//! for every event whose schema changed, the check its compatibility mode asks for, plus the
//! risky-but-compatible changes, as diagnostics located in the new schema.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::field_diff::{self, FieldPath};
use super::{CompatibilityMode, Direction, SchemaVersion, codes, version_of};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{Catalog, Event};
use crate::yaml::Node;

/// One earlier version of an event's schema.
#[derive(Debug, Clone)]
pub struct BaselineVersion {
    /// Where it comes from, for messages (`git:main`, `registry version 3`).
    pub label: String,
    pub schema: SchemaVersion,
    /// The schema as JSON, to tell whether anything changed (Avro and JSON Schema; a Protobuf
    /// version is compared by its compiled definitions instead).
    pub json: Option<serde_json::Value>,
    /// Avro only: the schema as apache-avro re-serialises it (the form registries return), so a
    /// schema that differs from the file only in formatting counts as unchanged.
    pub canonical: Option<serde_json::Value>,
    /// A path naming it in reports (`main:examples/shop/schemas/order-placed.avsc`), and its
    /// tree for positions, when it has one.
    pub file: PathBuf,
    pub node: Option<Node>,
    /// Protobuf only: the version compiled with source info, for positions in its file.
    pub protobuf: Option<crate::protobuf::Compiled>,
}

/// Earlier versions per event name, oldest first.
pub type Baselines = BTreeMap<String, Vec<BaselineVersion>>;

/// The mode an event is checked with: its own, the catalog default, or Confluent's default
/// (BACKWARD).
pub fn mode_of(catalog: &Catalog, event: &Event) -> CompatibilityMode {
    event
        .compatibility
        .as_ref()
        .or(catalog.config.defaults.compatibility.as_ref())
        .map_or(CompatibilityMode::Backward, |m| m.value)
}

/// An Avro schema in apache-avro's serialisation: what a registry stores and returns for it.
pub fn canonical_avro(schema: Option<&apache_avro::Schema>) -> Option<serde_json::Value> {
    serde_json::to_value(schema?).ok()
}

/// Summary of what was compared, for reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evolution {
    /// Events whose schema changed and was checked, with the verdict.
    pub checked: Vec<Checked>,
    /// Events with a baseline whose schema did not change.
    pub unchanged: usize,
    /// Events without a baseline (new events).
    pub new: Vec<String>,
}

/// The verdict for one changed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub event: String,
    pub mode: CompatibilityMode,
    /// How many earlier versions it was compared with.
    pub versions: usize,
    pub incompatibilities: usize,
    /// The payload fields the change touches, sorted: those that differ from the latest
    /// version ([`field_diff::changed_fields`]) and those the incompatibilities name, in the
    /// new schema and in the version each was found against (the deeper of the two ends). The
    /// empty path is the whole payload.
    pub fields: Vec<FieldPath>,
}

/// Checks every event of `catalog` that has a schema against its baseline versions.
pub fn check_catalog(catalog: &Catalog, baselines: &Baselines) -> (Evolution, Vec<Diagnostic>) {
    let mut evolution = Evolution::default();
    let mut out = Vec::new();
    for event in &catalog.events {
        let Some(id) = event.schema.as_ref().and_then(|s| s.id) else {
            continue;
        };
        let loaded = catalog.schemas.get(id);
        if !loaded.valid {
            continue;
        }
        let Some(history) = baselines.get(&event.name.value).filter(|h| !h.is_empty()) else {
            evolution.new.push(event.name.value.clone());
            continue;
        };
        let Some(latest) = history.last() else {
            continue;
        };
        let same_canonical =
            latest.canonical.is_some() && canonical_avro(loaded.avro.as_ref()) == latest.canonical;
        let same_json = loaded.json.is_some() && loaded.json == latest.json;
        // A JSON Schema is the same only with the same files behind its `$ref`s.
        let same_references = || match (version_of(catalog, id), &latest.schema) {
            (Ok(SchemaVersion::Json(new)), SchemaVersion::Json(old)) => new.same_references(old),
            _ => true,
        };
        if same_json && same_references() || same_canonical {
            evolution.unchanged += 1;
            continue;
        }
        let Ok(current) = version_of(catalog, id) else {
            continue;
        };
        if let (SchemaVersion::Protobuf(new), SchemaVersion::Protobuf(old)) =
            (&current, &latest.schema)
        {
            // Comments, layout and the file's own path do not make a new version.
            if new.same_definitions(old) {
                evolution.unchanged += 1;
                continue;
            }
        }
        let locate = |node: Option<&Node>, file: &PathBuf, pointer: &str| {
            node.and_then(|n| n.pointer(pointer))
                .map_or_else(|| Location::file_start(file), |n| n.location(file))
        };
        // Protobuf findings name places by message and field names (`/OrderPlaced/Item/sku`),
        // which the compiled file's source info turns into positions.
        let new_location = |pointer: &str| match &loaded.protobuf {
            Some(compiled) => compiled
                .locate(pointer, &loaded.file)
                .unwrap_or_else(|| Location::file_start(&loaded.file)),
            None => locate(loaded.node.as_ref(), &loaded.file, pointer),
        };
        let old_location = |old: &BaselineVersion, pointer: &str| match &old.protobuf {
            Some(compiled) => compiled
                .locate(pointer, &old.file)
                .unwrap_or_else(|| Location::file_start(&old.file)),
            None => locate(old.node.as_ref(), &old.file, pointer),
        };
        if current.format() != latest.schema.format() {
            out.push(
                Diagnostic::new(
                    codes::SCHEMA_FORMAT_CHANGED,
                    format!(
                        "the schema of `{}` changed from {} to {}",
                        event.name.value,
                        latest.schema.format(),
                        current.format()
                    ),
                )
                .at(new_location(""))
                .help("a subject keeps one schema language; publish the new format as a new event on a new topic"),
            );
            continue;
        }
        let mode = mode_of(catalog, event);
        let schemas: Vec<SchemaVersion> = history.iter().map(|v| v.schema.clone()).collect();
        let Ok(report) = super::check(mode, &current, &schemas) else {
            continue;
        };
        let compared: std::collections::BTreeSet<usize> =
            report.comparisons.iter().map(|c| c.old_index).collect();
        let mut fields = match (&current, &latest.schema) {
            (SchemaVersion::Protobuf(new), SchemaVersion::Protobuf(old)) => {
                let message = event
                    .schema
                    .as_ref()
                    .and_then(|s| s.message.as_ref())
                    .map(|m| m.value.as_str());
                field_diff::changed_protobuf_fields(new, old, message)
            }
            _ => field_diff::changed_fields(&current, &latest.schema),
        };
        for comparison in &report.comparisons {
            let old = &history[comparison.old_index].schema;
            for i in &comparison.incompatibilities {
                let (new_pointer, old_pointer) = match comparison.direction {
                    Direction::NewReadsOld => (&i.reader_path, &i.writer_path),
                    Direction::OldReadsNew => (&i.writer_path, &i.reader_path),
                };
                // One end of a finding is often the record holding the field the other end
                // names (a field missing on one side): the field is what changed.
                let mut named = field_diff::fields_at_pointer(&current, new_pointer);
                named.extend(field_diff::fields_at_pointer(old, old_pointer));
                if named.iter().any(|p| !p.is_empty()) {
                    named.remove(&Vec::new());
                }
                fields.extend(named);
            }
        }
        evolution.checked.push(Checked {
            event: event.name.value.clone(),
            mode,
            versions: compared.len(),
            incompatibilities: report
                .comparisons
                .iter()
                .map(|c| c.incompatibilities.len())
                .sum(),
            fields: fields.into_iter().collect(),
        });
        for comparison in &report.comparisons {
            let old = &history[comparison.old_index];
            for i in &comparison.incompatibilities {
                let (new_pointer, old_pointer) = match comparison.direction {
                    Direction::NewReadsOld => (&i.reader_path, &i.writer_path),
                    Direction::OldReadsNew => (&i.writer_path, &i.reader_path),
                };
                let why = match comparison.direction {
                    Direction::NewReadsOld => format!(
                        "consumers on the new schema cannot read data written with {}",
                        old.label
                    ),
                    Direction::OldReadsNew => format!(
                        "consumers still on {} cannot read data written with the new schema",
                        old.label
                    ),
                };
                out.push(
                    Diagnostic::new(codes::for_rule(i.rule), format!("`{}` is not {mode}: {}", event.name.value, i.message))
                        .at(new_location(new_pointer))
                        .pointer(new_pointer.clone())
                        .related(old_location(old, old_pointer), format!("as it was in {}", old.label))
                        .help(format!(
                            "{why}; make the change compatible (add defaults, keep fields, use aliases) or publish a new major version on a new topic"
                        )),
                );
            }
        }
        if let (SchemaVersion::Avro(new), SchemaVersion::Avro(old)) = (&current, &latest.schema) {
            for risk in super::avro::risky_changes(new, old) {
                let code = codes::for_rule(risk.rule);
                out.push(
                    Diagnostic::new(code, format!("`{}`: {}", event.name.value, risk.message))
                        .at(new_location(&risk.reader_path))
                        .pointer(risk.reader_path.clone())
                        .related(old_location(latest, &risk.writer_path), format!("as it was in {}", latest.label))
                        .help("compatible by Avro's rules, but consumers may now misread data; announce the change or add a new field instead"),
                );
            }
        }
    }
    (evolution, out)
}
