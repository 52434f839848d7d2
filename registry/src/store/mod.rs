//! Storage: one trait, [`Store`], behind which every backend sits, chosen by URL ([`open`]).
//!
//! - `sqlite://PATH` ([`sqlite::SqliteStore`]): one file, WAL, fsync before a registration is
//!   acknowledged. `sqlite://:memory:` keeps everything in memory (tests).
//! - `postgres://…` or `postgresql://…` ([`postgres::PostgresStore`]): one PostgreSQL
//!   database that several registry processes may share.
//!
//! What every backend guarantees:
//! - ids are per context ([`crate::context`]): a schema is identified by (context, id), and
//!   the default context `.` holds every subject not qualified as `:.ctx:name`;
//! - ids are never reused in a context, even after a permanent delete (or a deleted context);
//! - one id per distinct (schema type, canonical text, references) in a context;
//! - [`Store::register`] evaluates the caller's [`Checker`] (mode and compatibility) and inserts
//!   the new version in one write transaction, so two concurrent registrations can never land
//!   two mutually incompatible versions, and a mode change cannot slip in between;
//! - deletes check the soft-delete state, the mode and the references in the transaction that
//!   deletes.
//!
//! SQLite gets the serialisation from `BEGIN IMMEDIATE` (one writer). PostgreSQL gets it from
//! transaction-scoped advisory locks taken before anything is read: a shared lock on the
//! global scope (exclusive for global configuration and mode changes, and for imports with
//! explicit ids) and an exclusive lock per subject touched, always in the same order; ids
//! come from an identity sequence and a unique constraint on the schema's identity.
//!
//! Both backends keep their SQL in files, numbered migrations and a `queries.sql` of
//! `-- name: NAME` blocks read by [`Queries`]: SQLite's in `registry/sql/`, PostgreSQL's in
//! `registry/sql/postgres/`.

pub mod postgres;
pub mod sqlite;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use contrail_contracts::compat::CompatibilityMode;

use crate::context;
use crate::error::{Error, Refusal, Result};
use crate::model::{
    Config, ContextId, Mode, NewSchema, Reference, Referrer, ResolvedReference, StoredSchema,
    SubjectSummary, SubjectVersion, Usage, VersionEntry, VersionSelector,
};

/// What a registration asks the store to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRequest {
    pub subject: String,
    pub schema: NewSchema,
    /// The id to register under (IMPORT mode).
    pub id: Option<i64>,
    /// The version to register as (IMPORT mode).
    pub version: Option<i64>,
}

/// What the store knows, inside the write transaction, when it asks the [`Checker`] whether
/// a registration may go ahead.
#[derive(Debug)]
pub struct RegisterContext<'a> {
    pub subject: &'a str,
    /// The mode in force for the subject.
    pub mode: Mode,
    /// The compatibility level in force for the subject.
    pub compatibility: CompatibilityMode,
    /// The id the request asks for (IMPORT mode).
    pub requested_id: Option<i64>,
    /// The live version that already holds this schema: the registration is a repeat and
    /// returns it without a new version.
    pub existing: Option<VersionEntry>,
    /// The live versions the compatibility level compares against, oldest first (the latest
    /// only for non-transitive levels; none for NONE or a repeat).
    pub history: Vec<HistoryEntry>,
}

/// An earlier version with the schemas its references resolve to.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub version: SubjectVersion,
    pub references: Vec<ResolvedReference>,
}

/// Decides, inside the write transaction, whether a registration may go ahead.
pub type Checker = Box<dyn FnOnce(&RegisterContext<'_>) -> Result<(), Refusal> + Send>;

/// The outcome of a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    pub id: i64,
    pub version: i64,
    /// False when the subject already had the schema as a live version.
    pub created: bool,
}

/// A schema registry's storage.
#[async_trait]
pub trait Store: Send + Sync + fmt::Debug {
    /// The store's URL, for messages (no credentials).
    fn url(&self) -> &str;

    /// Whether the store answers (readiness).
    async fn ping(&self) -> Result<()>;

    /// The identifier of this registry (stable for the life of the database).
    async fn cluster_id(&self) -> Result<String>;

    /// The schema with this id in a context, including schemas only soft-deleted versions use.
    async fn schema(&self, context: &str, id: i64) -> Result<Option<StoredSchema>>;

    /// The ids a GUID ([`crate::guid`], lowercase) has, one per context that stores the
    /// schema (the lowest if two schema types store the same text): the default context
    /// first, then by context name.
    async fn ids_by_guid(&self, guid: &str) -> Result<Vec<ContextId>>;

    /// The id of a schema in a context, if it is stored there.
    async fn find_schema(&self, context: &str, schema: &NewSchema) -> Result<Option<i64>>;

    /// The subject versions that use a schema id of a context, by subject then version.
    async fn usages(&self, context: &str, id: i64) -> Result<Vec<Usage>>;

    /// Every subject that has versions (live or soft-deleted), by name, in every context.
    async fn subjects(&self) -> Result<Vec<SubjectSummary>>;

    /// The contexts: the default one, then every other that has had a registration and was
    /// not deleted since, by name.
    async fn contexts(&self) -> Result<Vec<String>>;

    /// Deletes a context that has no versions (live or soft-deleted); its ids stay used.
    /// [`Refusal::ContextNotEmpty`] otherwise. Deleting the default context, or one that
    /// does not exist, does nothing.
    async fn delete_context(&self, context: &str) -> Result<()>;

    /// A subject's versions, live and soft-deleted, oldest first.
    async fn versions(&self, subject: &str) -> Result<Vec<VersionEntry>>;

    /// One version of a subject (live or soft-deleted).
    async fn version(&self, subject: &str, version: i64) -> Result<Option<SubjectVersion>>;

    /// A subject's versions with their schemas, oldest first; `None` subject = all subjects.
    async fn versions_with_schemas(&self, subject: Option<&str>) -> Result<Vec<SubjectVersion>>;

    /// The schemas that reference a subject version and still have a version somewhere.
    async fn referenced_by(&self, subject: &str, version: i64) -> Result<Vec<Referrer>>;

    /// Resolves the references of a schema of `context`, and the references of those, in
    /// dependency order; an unqualified reference names a subject of the referrer's context
    /// ([`context::qualify_reference`]). A reference to a version that does not exist is
    /// [`Refusal::InvalidSchema`].
    async fn resolve_references(
        &self,
        context: &str,
        references: &[Reference],
    ) -> Result<Vec<ResolvedReference>>;

    /// Registers a schema under a subject; see [`Checker`] and the module documentation.
    async fn register(&self, request: RegisterRequest, check: Checker) -> Result<Registered>;

    /// Deletes one version (soft, or permanent after a soft delete); returns its number.
    async fn delete_version(
        &self,
        subject: &str,
        version: VersionSelector,
        permanent: bool,
    ) -> Result<i64>;

    /// Deletes a subject (soft, or permanent after a soft delete); returns the versions
    /// deleted. A permanent delete also drops the subject's configuration and mode.
    async fn delete_subject(&self, subject: &str, permanent: bool) -> Result<Vec<i64>>;

    /// The configuration of a scope (a subject, a context as `:.ctx:`, or the registry-wide
    /// one, `None`), if set. [`context::scope_chain`] says which scopes apply to a subject.
    async fn config(&self, subject: Option<&str>) -> Result<Option<Config>>;

    /// Sets (replaces) a configuration.
    async fn set_config(&self, subject: Option<&str>, config: Config) -> Result<()>;

    /// Removes a configuration; returns what it was.
    async fn delete_config(&self, subject: Option<&str>) -> Result<Option<Config>>;

    /// The mode of a subject, or the global one (`None`), if set.
    async fn mode(&self, subject: Option<&str>) -> Result<Option<Mode>>;

    /// Sets a mode. Switching to IMPORT where live versions exist (in the subject, the
    /// context `:.ctx:`, or the registry for `None`) needs `force` ([`Refusal::NotPermitted`]
    /// otherwise).
    async fn set_mode(&self, subject: Option<&str>, mode: Mode, force: bool) -> Result<()>;

    /// Removes a mode; returns what it was.
    async fn delete_mode(&self, subject: Option<&str>) -> Result<Option<Mode>>;
}

/// The GUID of a schema row as both stores keep it (canonical text, references as JSON), for
/// the rows stored before GUIDs existed: the GUID is computed in Rust, so no SQL migration can
/// fill the column, and each store fills it when it opens.
pub(crate) fn guid_of_row(id: i64, canonical: &str, references_json: &str) -> Result<String> {
    let references: Vec<Reference> = serde_json::from_str(references_json).map_err(|e| {
        Error::Store(format!(
            "stored references of schema {id} do not parse: {e}"
        ))
    })?;
    Ok(crate::guid::schema_guid_text(canonical, &references))
}

/// Takes the form earlier builds stored a schema in (`earlier`, see
/// [`crate::canonical::Parsed::legacy`]) when the store has the schema in that form and not in
/// its canonical form, so that a schema keeps its id across the change of stored form. No
/// migration rewrites the old rows instead: their text is what their GUIDs were computed
/// from, and records framed with those GUIDs must keep resolving.
pub async fn adopt_earlier_form(
    store: &dyn Store,
    context: &str,
    schema: &mut NewSchema,
    earlier: Option<String>,
) -> Result<()> {
    let Some(earlier) = earlier.filter(|e| *e != schema.canonical) else {
        return Ok(());
    };
    if store.find_schema(context, schema).await?.is_some() {
        return Ok(());
    }
    let mut old = schema.clone();
    old.canonical = earlier;
    if store.find_schema(context, &old).await?.is_some() {
        *schema = old;
    }
    Ok(())
}

/// The configurations of a subject's scope chain (`None`: the registry's), nearest first, for
/// [`crate::model::effective_compatibility`] and [`crate::model::effective_normalize`].
pub async fn config_chain(store: &dyn Store, subject: Option<&str>) -> Result<Vec<Option<Config>>> {
    let mut chain = Vec::new();
    for scope in context::scope_chain(subject) {
        chain.push(store.config(scope.as_deref()).await?);
    }
    Ok(chain)
}

/// The modes of a subject's scope chain, nearest first, for [`crate::model::effective_mode`].
pub async fn mode_chain(store: &dyn Store, subject: Option<&str>) -> Result<Vec<Option<Mode>>> {
    let mut chain = Vec::new();
    for scope in context::scope_chain(subject) {
        chain.push(store.mode(scope.as_deref()).await?);
    }
    Ok(chain)
}

/// What `count_live_versions` counts for a mode change of `scope`: (subject, context) — a
/// subject, every subject of a context (`:.ctx:`), or (`None`) the whole registry.
pub fn live_versions_scope(scope: Option<&str>) -> (Option<String>, Option<String>) {
    match scope {
        None => (None, None),
        Some(scope) => {
            let parts = context::split(scope);
            if parts.name.is_empty() {
                (None, Some(parts.context.to_owned()))
            } else {
                (Some(scope.to_owned()), None)
            }
        }
    }
}

/// Opens the store a URL names: `sqlite://PATH` (relative or absolute, created if missing),
/// `sqlite://:memory:`, or `postgres://…`/`postgresql://…` (a libpq-style URL of an existing
/// database; the tables are created on first use).
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if path.is_empty() {
            return Err(Error::Unsupported(
                "sqlite:// needs a path: sqlite://PATH or sqlite://:memory:".to_owned(),
            ));
        }
        let store = sqlite::SqliteStore::open(url, path).await?;
        return Ok(Arc::new(store));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = postgres::PostgresStore::open(url).await?;
        return Ok(Arc::new(store));
    }
    Err(Error::Unsupported(format!(
        "unknown store URL `{}`: expected sqlite://PATH (or sqlite://:memory:) or postgres://USER@HOST/DATABASE",
        redact(url)
    )))
}

/// A store URL as it may be shown (startup line, errors, `Store::url`): the password, in the
/// user-info part or a `password=` parameter, replaced by `***`. Any backend's URL may carry
/// one.
pub fn redact(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let (authority_end, _) = rest
        .char_indices()
        .find(|(_, c)| matches!(c, '/' | '?'))
        .unwrap_or((rest.len(), ' '));
    let (authority, tail) = rest.split_at(authority_end);
    // The user info ends at the last '@' of the authority (a password may contain '@').
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_owned(),
    };
    match scheme {
        Some(scheme) => format!("{scheme}://{authority}{tail}"),
        None => format!("{authority}{tail}"),
    }
}

/// Refuses switching a subject (or, without one, the registry) that holds `live_versions`
/// to IMPORT mode without `force`, as Confluent does.
pub fn refuse_import_over_live_versions(live_versions: i64) -> Result<()> {
    if live_versions > 0 {
        return Err(Refusal::NotPermitted(
            "Cannot import since found existing subjects; set force=true to switch to IMPORT anyway"
                .to_owned(),
        )
        .into());
    }
    Ok(())
}

/// A backend's schema migration: version, name, SQL.
pub type Migration = (i64, &'static str, &'static str);

/// The migrations of `known` not in `applied`, in order. A database migrated past the newest
/// migration this build knows was written by a newer contrail and is refused rather than
/// used.
pub fn pending_migrations<'m>(
    known: &'m [Migration],
    applied: &[i64],
) -> Result<Vec<&'m Migration>> {
    if let Some(newest) = applied.iter().max()
        && let Some((latest_known, _, _)) = known.last()
        && newest > latest_known
    {
        return Err(Error::Store(format!(
            "the database was migrated to version {newest} by a newer contrail; this one knows up to {latest_known}"
        )));
    }
    Ok(known
        .iter()
        .filter(|(version, _, _)| !applied.contains(version))
        .collect())
}

/// The named statements of a backend's `queries.sql`: each follows a `-- name: NAME` line and
/// runs up to the next one.
#[derive(Debug)]
pub struct Queries {
    statements: HashMap<&'static str, &'static str>,
}

impl Queries {
    /// Splits `text` into its `-- name: NAME` blocks.
    pub fn parse(text: &'static str) -> Queries {
        let mut statements = HashMap::new();
        let mut rest = text;
        while let Some(start) = rest.find("-- name:") {
            let after = &rest[start + "-- name:".len()..];
            let line_end = after.find('\n').unwrap_or(after.len());
            let name = after[..line_end].trim();
            let body_and_rest = &after[line_end..];
            let body_end = body_and_rest
                .find("-- name:")
                .unwrap_or(body_and_rest.len());
            statements.insert(name, body_and_rest[..body_end].trim());
            rest = &body_and_rest[body_end..];
        }
        Queries { statements }
    }

    /// The statement called `name`.
    pub fn get(&self, name: &str) -> Result<&'static str> {
        self.statements
            .get(name)
            .copied()
            .ok_or_else(|| Error::Store(format!("no SQL statement named `{name}`")))
    }

    /// Every statement's name, sorted (for the tests that prepare them all).
    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.statements.keys().copied().collect();
        names.sort_unstable();
        names
    }
}

/// How deep references may nest before the registry gives up (a cycle, or abuse).
const MAX_REFERENCE_DEPTH: usize = 32;

/// Resolves references with a look-up of subject versions (live and soft-deleted for a
/// number; the latest live one for `-1`), in dependency order and without duplicates. Backends
/// call it with their own look-up so it runs inside their transactions.
pub fn resolve_references_with(
    context: &str,
    references: &[Reference],
    lookup: &mut dyn FnMut(&str, VersionSelector) -> Result<Option<SubjectVersion>>,
) -> Result<Vec<ResolvedReference>> {
    let mut out = Vec::new();
    let mut done = HashSet::new();
    for reference in references {
        resolve_one(context, reference, lookup, &mut out, &mut done, 0)?;
    }
    Ok(out)
}

fn resolve_one(
    context: &str,
    reference: &Reference,
    lookup: &mut dyn FnMut(&str, VersionSelector) -> Result<Option<SubjectVersion>>,
    out: &mut Vec<ResolvedReference>,
    done: &mut HashSet<(String, i64)>,
    depth: usize,
) -> Result<()> {
    if depth > MAX_REFERENCE_DEPTH {
        return Err(Refusal::InvalidSchema(format!(
            "Invalid schema: references nest deeper than {MAX_REFERENCE_DEPTH} levels (a cycle?) at '{}'",
            reference.name
        ))
        .into());
    }
    let selector = if reference.version == -1 {
        VersionSelector::Latest
    } else if reference.version >= 1 {
        VersionSelector::Number(reference.version)
    } else {
        return Err(Refusal::InvalidSchema(format!(
            "Invalid schema: reference '{}' has version {}; expected a version >= 1 or -1 (latest)",
            reference.name, reference.version
        ))
        .into());
    };
    let target = context::qualify_reference(context, &reference.subject);
    let Some(found) = lookup(&target, selector)? else {
        return Err(Refusal::InvalidSchema(format!(
            "Invalid schema: reference '{}' names subject '{}' version {}, which does not exist",
            reference.name, reference.subject, reference.version
        ))
        .into());
    };
    if !done.insert((found.subject.clone(), found.version)) {
        return Ok(());
    }
    let nested_context = context::context_of(&found.subject).to_owned();
    for nested in &found.schema.references {
        resolve_one(&nested_context, nested, lookup, out, done, depth + 1)?;
    }
    out.push(ResolvedReference {
        reference: reference.clone(),
        version: found.version,
        schema: found.schema,
    });
    Ok(())
}

/// The answer to a registration of a schema the subject already holds as a live version: that
/// version, unless an import asks for another id than the one it has.
pub fn repeated_registration(
    existing: VersionEntry,
    requested_id: Option<i64>,
) -> Result<Registered> {
    if let Some(requested) = requested_id
        && requested != existing.id
    {
        return Err(registered_with_another_id(existing.id, requested));
    }
    Ok(Registered {
        id: existing.id,
        version: existing.version,
        created: false,
    })
}

fn registered_with_another_id(id: i64, requested: i64) -> Error {
    Refusal::IdConflict(format!(
        "Schema already registered with id {id} instead of input id {requested}"
    ))
    .into()
}

/// Whether a stored schema is the one a registration sends (type, canonical text, references).
pub fn same_schema(stored: &StoredSchema, schema: &NewSchema) -> bool {
    stored.schema_type == schema.schema_type
        && stored.schema == schema.canonical
        && stored.references == schema.references
}

/// Where a new version's schema id comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaIdChoice {
    /// The schema is already stored under this id.
    Stored(i64),
    /// The schema is stored now, under the requested id or (`None`) the next free one.
    Insert(Option<i64>),
}

/// The schema id a new version gets. `existing_id` is the id the same schema already has in
/// the registry (under any subject). For an import asking for `requested`, `at_requested`
/// says what that id holds: the same schema (`Some(true)`), another (`Some(false)`, refused as
/// Confluent refuses it), or nothing (`None`). Backends call it inside their registration
/// transactions.
pub fn schema_id_to_register(
    requested: Option<i64>,
    at_requested: Option<bool>,
    existing_id: Option<i64>,
) -> Result<SchemaIdChoice> {
    Ok(match (requested, at_requested, existing_id) {
        (Some(requested), Some(true), _) => SchemaIdChoice::Stored(requested),
        (Some(requested), Some(false), _) => {
            return Err(Refusal::IdConflict(format!(
                "Overwrite new schema with id {requested} is not permitted: the id belongs to another schema"
            ))
            .into());
        }
        (Some(requested), None, Some(other)) => {
            return Err(registered_with_another_id(other, requested));
        }
        (Some(requested), None, None) => SchemaIdChoice::Insert(Some(requested)),
        (None, _, Some(id)) => SchemaIdChoice::Stored(id),
        (None, _, None) => SchemaIdChoice::Insert(None),
    })
}

/// The number a registration gets among a subject's versions (`all_versions`, live and
/// soft-deleted): the next one, or the one an import asks for, refused as Confluent refuses it
/// when taken, out of sequence outside IMPORT mode, or out of range. Backends call it inside
/// their registration transactions.
pub fn version_to_register(
    subject: &str,
    all_versions: &[VersionEntry],
    requested: Option<i64>,
    mode: Mode,
) -> Result<i64> {
    let latest = all_versions.iter().map(|v| v.version).max().unwrap_or(0);
    Ok(match requested {
        Some(requested) if all_versions.iter().any(|v| v.version == requested) => {
            return Err(Refusal::InvalidSchema(format!(
                "Invalid schema: version {requested} of subject '{subject}' already exists"
            ))
            .into());
        }
        Some(requested) if mode != Mode::Import && requested != latest + 1 => {
            return Err(Refusal::InvalidSchema(format!(
                "Invalid schema: version {requested} is not one more than the previous version {latest}"
            ))
            .into());
        }
        Some(requested) if requested < 1 || requested > i64::from(i32::MAX) => {
            return Err(Refusal::InvalidVersion(format!(
                "The specified version '{requested}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
            ))
            .into());
        }
        Some(requested) => requested,
        None => latest + 1,
    })
}

/// Refuses a delete under a read-only `mode` (the one in force for `subject`).
pub fn refuse_delete_when_read_only(subject: &str, mode: Mode) -> Result<()> {
    if mode.is_read_only() {
        return Err(Refusal::NotPermitted(format!(
            "Subject {subject} is in read-only mode ({mode})"
        ))
        .into());
    }
    Ok(())
}

/// Refuses a delete of `version` while the stored schemas `referrers` (their ids) reference
/// it.
pub fn refuse_delete_when_referenced(
    subject: &str,
    version: i64,
    referrers: Vec<Referrer>,
) -> Result<()> {
    if referrers.is_empty() {
        return Ok(());
    }
    Err(Refusal::Referenced {
        subject: subject.to_owned(),
        version,
        ids: referrers.into_iter().map(|r| r.id).collect(),
    }
    .into())
}

/// The version a delete of `selector` targets among a subject's versions (`all`, oldest
/// first), or the refusal Confluent gives: no such subject or version, a permanent delete of a
/// version not soft-deleted first, a soft delete of one already soft-deleted. Backends call it
/// inside their delete transactions.
pub fn version_to_delete(
    subject: &str,
    all: &[VersionEntry],
    selector: VersionSelector,
    permanent: bool,
) -> Result<VersionEntry> {
    if all.is_empty() {
        return Err(Refusal::SubjectNotFound(subject.to_owned()).into());
    }
    let entry = match selector {
        VersionSelector::Number(n) => all.iter().find(|v| v.version == n).copied(),
        // A soft delete of `latest` means the latest live version; a permanent one the
        // latest of all (normally the one just soft-deleted).
        VersionSelector::Latest if permanent => all.last().copied(),
        VersionSelector::Latest => all.iter().rev().find(|v| !v.deleted).copied(),
    };
    let Some(entry) = entry else {
        return Err(match selector {
            VersionSelector::Latest => Refusal::SubjectNotFound(subject.to_owned()),
            VersionSelector::Number(n) => Refusal::VersionNotFound {
                subject: subject.to_owned(),
                version: n.to_string(),
            },
        }
        .into());
    };
    if permanent && !entry.deleted {
        return Err(Refusal::VersionNotSoftDeleted {
            subject: subject.to_owned(),
            version: entry.version,
        }
        .into());
    }
    if !permanent && entry.deleted {
        return Err(Refusal::VersionSoftDeleted {
            subject: subject.to_owned(),
            version: entry.version,
        }
        .into());
    }
    Ok(entry)
}

/// The versions a compatibility level compares a new schema with: all live versions for
/// transitive levels, the latest live one otherwise, none for NONE. `live` is oldest first.
pub fn versions_to_compare(level: CompatibilityMode, live: &[VersionEntry]) -> Vec<VersionEntry> {
    match level {
        CompatibilityMode::None => Vec::new(),
        level if level.is_transitive() => live.to_vec(),
        _ => live.last().copied().into_iter().collect(),
    }
}

#[cfg(test)]
mod tests;
