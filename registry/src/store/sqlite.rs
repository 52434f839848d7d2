//! The embedded store: SQLite through rusqlite (bundled), one file, WAL.
//!
//! Durability: `synchronous=FULL` in WAL mode syncs the log on every commit, so a
//! registration is acknowledged only once it survives a crash or power loss.
//!
//! Concurrency: one writer connection behind a mutex (SQLite has one writer anyway), every
//! write in a `BEGIN IMMEDIATE` transaction; reads use a small pool of read-only connections,
//! which WAL lets run beside the writer. All database work runs on tokio's blocking pool.
//!
//! The SQL lives in `registry/sql/`: numbered migrations (`NNN-name.sql`, applied at open and
//! recorded in `schema_migrations`) and the named statements of `queries.sql`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use contrail_contracts::compat::CompatibilityMode;
use contrail_contracts::model::Keyword;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params};

use super::{
    Checker, HistoryEntry, Migration, Queries, RegisterContext, RegisterRequest, Registered,
    SchemaIdChoice, Store, guid_of_row, live_versions_scope, pending_migrations,
    refuse_delete_when_read_only, refuse_delete_when_referenced, refuse_import_over_live_versions,
    repeated_registration, resolve_references_with, same_schema, schema_id_to_register,
    version_to_delete, version_to_register, versions_to_compare,
};
use crate::context::{self, context_of};
use crate::error::{Error, Refusal, Result};
use crate::model::{
    Config, ContextId, Mode, NewSchema, Reference, Referrer, ResolvedReference, StoredSchema,
    SubjectSummary, SubjectVersion, Usage, VersionEntry, VersionSelector, effective_compatibility,
    effective_mode,
};

/// The migrations, in order: (version, name, SQL).
pub(crate) const MIGRATIONS: &[Migration] = &[
    (1, "001-init", include_str!("../../sql/001-init.sql")),
    (
        2,
        "002-schema-guids",
        include_str!("../../sql/002-schema-guids.sql"),
    ),
    (
        3,
        "003-contexts",
        include_str!("../../sql/003-contexts.sql"),
    ),
];

/// The named statements.
const QUERIES: &str = include_str!("../../sql/queries.sql");

/// Read connections kept open for reuse.
const MAX_IDLE_READERS: usize = 8;

/// How long a connection waits for a lock held by another process before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The statement called `name` in `queries.sql`.
fn sql(name: &str) -> Result<&'static str> {
    static STATEMENTS: OnceLock<Queries> = OnceLock::new();
    STATEMENTS.get_or_init(|| Queries::parse(QUERIES)).get(name)
}

/// A statement by name, for the test that prepares them all.
#[cfg(test)]
pub(crate) fn statement_for_test(name: &str) -> &'static str {
    sql(name).unwrap_or_default()
}

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    url: String,
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// The database file; `None` in memory, where the writer serves reads too.
    path: Option<PathBuf>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves the connection usable: SQLite rolls back the
    // transaction that was open when the `Transaction` guard was dropped.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `path` (`:memory:` for memory) and applies
    /// pending migrations. `url` is what the store reports as its URL.
    pub async fn open(url: &str, path: &str) -> Result<SqliteStore> {
        let url = url.to_owned();
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || Self::open_blocking(url, &path)).await?
    }

    fn open_blocking(url: String, path: &str) -> Result<SqliteStore> {
        let (writer, path) = if path == ":memory:" {
            (Connection::open_in_memory()?, None)
        } else {
            let file = PathBuf::from(path);
            if let Some(parent) = file.parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|e| {
                    Error::Store(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
            let connection = Connection::open(&file)
                .map_err(|e| Error::Store(format!("cannot open {}: {e}", file.display())))?;
            (connection, Some(file))
        };
        configure(&writer, path.is_some())?;
        let mut writer = writer;
        migrate(&mut writer)?;
        Ok(SqliteStore {
            url,
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
                path,
            }),
        })
    }

    /// Runs `f` on a read connection on the blocking pool.
    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let Some(path) = &inner.path else {
                return f(&lock(&inner.writer));
            };
            let pooled = lock(&inner.readers).pop();
            let connection = match pooled {
                Some(connection) => connection,
                None => open_reader(path)?,
            };
            let result = f(&connection);
            let mut idle = lock(&inner.readers);
            if idle.len() < MAX_IDLE_READERS {
                idle.push(connection);
            }
            result
        })
        .await?
    }

    /// Runs `f` on the writer connection on the blocking pool.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || f(&mut lock(&inner.writer))).await?
    }
}

fn configure(connection: &Connection, on_disk: bool) -> Result<()> {
    connection.busy_timeout(BUSY_TIMEOUT)?;
    if on_disk {
        let mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Store(format!(
                "SQLite refused WAL mode (journal_mode is {mode})"
            )));
        }
    }
    connection.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    Ok(())
}

fn open_reader(path: &Path) -> Result<Connection> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    Ok(connection)
}

/// Applies the migrations not yet recorded in `schema_migrations`, each in its transaction.
///
/// Foreign keys are not enforced while they run: a migration that rebuilds a table (SQLite's
/// way to change its constraints) drops the old one while other tables still point at it.
/// Each migration's result is checked with `foreign_key_check` before it commits instead.
fn migrate(connection: &mut Connection) -> Result<()> {
    connection.execute(sql("create_migrations_table")?, [])?;
    let applied: Vec<i64> = {
        let mut statement = connection.prepare(sql("applied_migrations")?)?;
        statement
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let pending = pending_migrations(MIGRATIONS, &applied)?;
    if !pending.is_empty() {
        connection.execute_batch("PRAGMA foreign_keys = OFF;")?;
        let result = apply_migrations(connection, &pending);
        connection.execute_batch("PRAGMA foreign_keys = ON;")?;
        result?;
    }
    backfill_guids(connection)
}

fn apply_migrations(connection: &mut Connection, pending: &[&Migration]) -> Result<()> {
    for (version, name, text) in pending {
        let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(text)
            .map_err(|e| Error::Store(format!("migration {name} failed: {e}")))?;
        let broken: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = broken {
            return Err(Error::Store(format!(
                "migration {name} left rows of `{table}` pointing at nothing; nothing was changed"
            )));
        }
        tx.execute(sql("record_migration")?, params![version, name])?;
        tx.commit()?;
    }
    Ok(())
}

/// Gives the schemas stored before GUIDs existed theirs (migration 002, [`guid_of_row`]); runs
/// at every open and finds nothing to do once it has run.
fn backfill_guids(connection: &mut Connection) -> Result<()> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut select = tx.prepare(sql("schemas_without_guid")?)?;
        let mut update = tx.prepare(sql("set_guid")?)?;
        let rows = select.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, canonical, references) = row?;
            update.execute(params![id, guid_of_row(id, &canonical, &references)?])?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn scope(subject: Option<&str>) -> &str {
    subject.unwrap_or("")
}

fn conversion_error(column: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        Box::new(std::io::Error::other(message)),
    )
}

/// Reads `id, schema_type, canonical, references_json` starting at column `at`.
fn stored_schema(row: &Row<'_>, at: usize) -> rusqlite::Result<StoredSchema> {
    let schema_type: String = row.get(at + 1)?;
    let references: String = row.get(at + 3)?;
    Ok(StoredSchema {
        id: row.get(at)?,
        schema_type: schema_type
            .parse()
            .map_err(|e| conversion_error(at + 1, e))?,
        schema: row.get(at + 2)?,
        references: serde_json::from_str::<Vec<Reference>>(&references)
            .map_err(|e| conversion_error(at + 3, e.to_string()))?,
    })
}

/// Reads `subject, version, deleted, <stored_schema>`.
fn subject_version(row: &Row<'_>) -> rusqlite::Result<SubjectVersion> {
    Ok(SubjectVersion {
        subject: row.get(0)?,
        version: row.get(1)?,
        deleted: row.get(2)?,
        schema: stored_schema(row, 3)?,
    })
}

fn schema_by_id(connection: &Connection, context: &str, id: i64) -> Result<Option<StoredSchema>> {
    Ok(connection
        .prepare_cached(sql("schema_by_id")?)?
        .query_row(params![context, id], |r| stored_schema(r, 0))
        .optional()?)
}

fn ids_by_guid(connection: &Connection, guid: &str) -> Result<Vec<ContextId>> {
    let mut statement = connection.prepare_cached(sql("ids_by_guid")?)?;
    let rows = statement.query_map([guid], |r| {
        Ok(ContextId {
            context: r.get(0)?,
            id: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn find_schema(connection: &Connection, context: &str, schema: &NewSchema) -> Result<Option<i64>> {
    Ok(connection
        .prepare_cached(sql("find_schema")?)?
        .query_row(
            params![
                context,
                schema.schema_type.as_str(),
                schema.canonical,
                schema.references_json()
            ],
            |r| r.get(0),
        )
        .optional()?)
}

fn versions(connection: &Connection, subject: &str) -> Result<Vec<VersionEntry>> {
    let mut statement = connection.prepare_cached(sql("subject_versions")?)?;
    let rows = statement.query_map([subject], |r| {
        Ok(VersionEntry {
            version: r.get(0)?,
            id: r.get(1)?,
            deleted: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn version_with_schema(
    connection: &Connection,
    subject: &str,
    version: i64,
) -> Result<Option<SubjectVersion>> {
    Ok(connection
        .prepare_cached(sql("subject_version_full")?)?
        .query_row(params![subject, version], subject_version)
        .optional()?)
}

fn versions_with_schemas(
    connection: &Connection,
    subject: Option<&str>,
) -> Result<Vec<SubjectVersion>> {
    let rows = match subject {
        Some(subject) => connection
            .prepare_cached(sql("subject_versions_full")?)?
            .query_map([subject], subject_version)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        None => connection
            .prepare_cached(sql("all_versions_full")?)?
            .query_map([], subject_version)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    };
    Ok(rows)
}

/// A subject version for reference resolution: a number finds live and soft-deleted
/// versions, `latest` the latest live one.
fn reference_target(
    connection: &Connection,
    subject: &str,
    selector: VersionSelector,
) -> Result<Option<SubjectVersion>> {
    let version = match selector {
        VersionSelector::Number(n) => n,
        VersionSelector::Latest => {
            match versions(connection, subject)?
                .iter()
                .rev()
                .find(|v| !v.deleted)
            {
                Some(latest) => latest.version,
                None => return Ok(None),
            }
        }
    };
    version_with_schema(connection, subject, version)
}

fn resolve(
    connection: &Connection,
    context: &str,
    references: &[Reference],
) -> Result<Vec<ResolvedReference>> {
    resolve_references_with(context, references, &mut |subject, selector| {
        reference_target(connection, subject, selector)
    })
}

fn referrers(connection: &Connection, subject: &str, version: i64) -> Result<Vec<Referrer>> {
    let mut statement = connection.prepare_cached(sql("referenced_by")?)?;
    let rows = statement.query_map(params![subject, version], |r| {
        Ok(Referrer {
            id: r.get(0)?,
            live: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn get_config(connection: &Connection, subject: Option<&str>) -> Result<Option<Config>> {
    let row: Option<(Option<String>, Option<bool>)> = connection
        .prepare_cached(sql("get_config")?)?
        .query_row([scope(subject)], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((compatibility, normalize)) = row else {
        return Ok(None);
    };
    let compatibility = match compatibility {
        Some(text) => Some(CompatibilityMode::parse_keyword(&text).ok_or_else(|| {
            Error::Store(format!("stored compatibility level `{text}` is unknown"))
        })?),
        None => None,
    };
    Ok(Some(Config {
        compatibility,
        normalize,
    }))
}

fn get_mode(connection: &Connection, subject: Option<&str>) -> Result<Option<Mode>> {
    let text: Option<String> = connection
        .prepare_cached(sql("get_mode")?)?
        .query_row([scope(subject)], |r| r.get(0))
        .optional()?;
    text.map(|t| t.parse().map_err(Error::Store)).transpose()
}

/// The mode in force for a subject ([`context::scope_chain`]).
fn mode_in_force(connection: &Connection, subject: &str) -> Result<Mode> {
    let chain = context::scope_chain(Some(subject))
        .iter()
        .map(|scope| get_mode(connection, scope.as_deref()))
        .collect::<Result<Vec<_>>>()?;
    Ok(effective_mode(&chain))
}

/// The compatibility level in force for a subject ([`context::scope_chain`]).
fn compatibility_in_force(connection: &Connection, subject: &str) -> Result<CompatibilityMode> {
    let chain = context::scope_chain(Some(subject))
        .iter()
        .map(|scope| get_config(connection, scope.as_deref()))
        .collect::<Result<Vec<_>>>()?;
    Ok(effective_compatibility(&chain))
}

/// Refuses a delete when the mode in force is read-only.
fn check_delete_mode(connection: &Connection, subject: &str) -> Result<()> {
    refuse_delete_when_read_only(subject, mode_in_force(connection, subject)?)
}

/// Refuses a delete of `version` when a stored schema references it.
fn check_not_referenced(connection: &Connection, subject: &str, version: i64) -> Result<()> {
    refuse_delete_when_referenced(subject, version, referrers(connection, subject, version)?)
}

/// Removes a version row and its schema when no version uses it any more.
fn delete_permanently(connection: &Connection, subject: &str, entry: VersionEntry) -> Result<()> {
    connection
        .prepare_cached(sql("delete_version")?)?
        .execute(params![subject, entry.version])?;
    connection
        .prepare_cached(sql("delete_schema_if_unused")?)?
        .execute(params![context_of(subject), entry.id])?;
    Ok(())
}

/// Inserts a schema into `context` under `id` (IMPORT mode) or the context's next id, with
/// its reference rows; returns the id.
fn insert_schema(
    connection: &Connection,
    context: &str,
    schema: &NewSchema,
    id: Option<i64>,
) -> Result<i64> {
    let id = match id {
        Some(id) => {
            connection
                .prepare_cached(sql("advance_schema_ids")?)?
                .execute(params![context, id])?;
            id
        }
        None => connection
            .prepare_cached(sql("next_schema_id")?)?
            .query_row([context], |r| r.get(0))?,
    };
    let row: i64 = connection
        .prepare_cached(sql("insert_schema")?)?
        .query_row(
            params![
                context,
                id,
                schema.schema_type.as_str(),
                schema.canonical,
                schema.references_json(),
                schema.guid()
            ],
            |r| r.get(0),
        )?;
    let mut statement = connection.prepare_cached(sql("insert_reference")?)?;
    for (position, reference) in schema.references.iter().enumerate() {
        statement.execute(params![
            row,
            position as i64,
            reference.name,
            context::qualify_reference(context, &reference.subject),
            reference.version
        ])?;
    }
    Ok(id)
}

fn register(
    connection: &mut Connection,
    request: RegisterRequest,
    check: Checker,
) -> Result<Registered> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let subject = request.subject.as_str();
    let context = context_of(subject);
    let mode = mode_in_force(&tx, subject)?;
    let compatibility = compatibility_in_force(&tx, subject)?;
    let existing_id = find_schema(&tx, context, &request.schema)?;
    let existing = match existing_id {
        Some(id) => tx
            .prepare_cached(sql("live_version_of_schema")?)?
            .query_row(params![subject, context, id], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|version| VersionEntry {
                version,
                id,
                deleted: false,
            }),
        None => None,
    };
    let all_versions = versions(&tx, subject)?;
    let history = if existing.is_some() || mode == Mode::Import {
        Vec::new()
    } else {
        let live: Vec<VersionEntry> = all_versions
            .iter()
            .filter(|v| !v.deleted)
            .copied()
            .collect();
        versions_to_compare(compatibility, &live)
            .into_iter()
            .filter_map(|entry| {
                version_with_schema(&tx, subject, entry.version)
                    .transpose()
                    .map(|version| {
                        let version = version?;
                        let references = resolve(&tx, context, &version.schema.references)?;
                        Ok(HistoryEntry {
                            version,
                            references,
                        })
                    })
            })
            .collect::<Result<Vec<_>>>()?
    };
    check(&RegisterContext {
        subject,
        mode,
        compatibility,
        requested_id: request.id,
        existing,
        history,
    })?;

    if let Some(existing) = existing {
        // Nothing was written; dropping the transaction rolls back the read.
        return repeated_registration(existing, request.id);
    }

    let at_requested = match request.id {
        Some(requested) => schema_by_id(&tx, context, requested)?
            .map(|stored| same_schema(&stored, &request.schema)),
        None => None,
    };
    tx.prepare_cached(sql("ensure_context")?)?
        .execute([context])?;
    let id = match schema_id_to_register(request.id, at_requested, existing_id)? {
        SchemaIdChoice::Stored(id) => id,
        SchemaIdChoice::Insert(id) => insert_schema(&tx, context, &request.schema, id)?,
    };

    let version = version_to_register(subject, &all_versions, request.version, mode)?;
    tx.prepare_cached(sql("insert_version")?)?
        .execute(params![subject, version, context, id])?;
    tx.commit()?;
    Ok(Registered {
        id,
        version,
        created: true,
    })
}

fn delete_version(
    connection: &mut Connection,
    subject: &str,
    selector: VersionSelector,
    permanent: bool,
) -> Result<i64> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    check_delete_mode(&tx, subject)?;
    let all = versions(&tx, subject)?;
    let entry = version_to_delete(subject, &all, selector, permanent)?;
    check_not_referenced(&tx, subject, entry.version)?;
    if permanent {
        delete_permanently(&tx, subject, entry)?;
    } else {
        tx.prepare_cached(sql("soft_delete_version")?)?
            .execute(params![subject, entry.version])?;
    }
    tx.commit()?;
    Ok(entry.version)
}

fn delete_subject(connection: &mut Connection, subject: &str, permanent: bool) -> Result<Vec<i64>> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    check_delete_mode(&tx, subject)?;
    let all = versions(&tx, subject)?;
    if all.is_empty() {
        return Err(Refusal::SubjectNotFound(subject.to_owned()).into());
    }
    let live: Vec<VersionEntry> = all.iter().filter(|v| !v.deleted).copied().collect();
    let deleted = if permanent {
        if !live.is_empty() {
            return Err(Refusal::SubjectNotSoftDeleted(subject.to_owned()).into());
        }
        for entry in &all {
            check_not_referenced(&tx, subject, entry.version)?;
        }
        for entry in &all {
            delete_permanently(&tx, subject, *entry)?;
        }
        tx.prepare_cached(sql("delete_config")?)?
            .execute([subject])?;
        tx.prepare_cached(sql("delete_mode")?)?.execute([subject])?;
        all
    } else {
        if live.is_empty() {
            return Err(Refusal::SubjectSoftDeleted(subject.to_owned()).into());
        }
        for entry in &live {
            check_not_referenced(&tx, subject, entry.version)?;
        }
        let mut statement = tx.prepare_cached(sql("soft_delete_version")?)?;
        for entry in &live {
            statement.execute(params![subject, entry.version])?;
        }
        drop(statement);
        live
    };
    tx.commit()?;
    Ok(deleted.iter().map(|v| v.version).collect())
}

fn set_mode(
    connection: &mut Connection,
    subject: Option<&str>,
    mode: Mode,
    force: bool,
) -> Result<()> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if mode == Mode::Import && !force && get_mode(&tx, subject)? != Some(Mode::Import) {
        let (in_subject, in_context) = live_versions_scope(subject);
        let live: i64 = tx
            .prepare_cached(sql("count_live_versions")?)?
            .query_row(params![in_subject, in_context], |r| r.get(0))?;
        refuse_import_over_live_versions(live)?;
    }
    tx.prepare_cached(sql("upsert_mode")?)?
        .execute(params![scope(subject), mode.as_str()])?;
    tx.commit()?;
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    fn url(&self) -> &str {
        &self.url
    }

    async fn ping(&self) -> Result<()> {
        self.read(|c| {
            c.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok(())
        })
        .await
    }

    async fn cluster_id(&self) -> Result<String> {
        self.read(|c| Ok(c.query_row(sql("cluster_id")?, [], |r| r.get(0))?))
            .await
    }

    async fn schema(&self, context: &str, id: i64) -> Result<Option<StoredSchema>> {
        let context = context.to_owned();
        self.read(move |c| schema_by_id(c, &context, id)).await
    }

    async fn ids_by_guid(&self, guid: &str) -> Result<Vec<ContextId>> {
        let guid = guid.to_owned();
        self.read(move |c| ids_by_guid(c, &guid)).await
    }

    async fn find_schema(&self, context: &str, schema: &NewSchema) -> Result<Option<i64>> {
        let context = context.to_owned();
        let schema = schema.clone();
        self.read(move |c| find_schema(c, &context, &schema)).await
    }

    async fn usages(&self, context: &str, id: i64) -> Result<Vec<Usage>> {
        let context = context.to_owned();
        self.read(move |c| {
            let mut statement = c.prepare_cached(sql("schema_usages")?)?;
            let rows = statement.query_map(params![context, id], |r| {
                Ok(Usage {
                    subject: r.get(0)?,
                    version: r.get(1)?,
                    deleted: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn subjects(&self) -> Result<Vec<SubjectSummary>> {
        self.read(|c| {
            let mut statement = c.prepare_cached(sql("subject_summaries")?)?;
            let rows = statement.query_map([], |r| {
                Ok(SubjectSummary {
                    subject: r.get(0)?,
                    live: r.get::<_, i64>(1)?.max(0) as u64,
                    deleted: r.get::<_, i64>(2)?.max(0) as u64,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn contexts(&self) -> Result<Vec<String>> {
        self.read(|c| {
            let mut statement = c.prepare_cached(sql("list_contexts")?)?;
            let rows = statement.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn delete_context(&self, context: &str) -> Result<()> {
        let context = context.to_owned();
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let used: bool = tx
                .prepare_cached(sql("context_has_versions")?)?
                .query_row([&context], |r| r.get(0))?;
            if used {
                return Err(Refusal::ContextNotEmpty(context::qualify(&context, "")).into());
            }
            tx.prepare_cached(sql("delete_context")?)?
                .execute([&context])?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn versions(&self, subject: &str) -> Result<Vec<VersionEntry>> {
        let subject = subject.to_owned();
        self.read(move |c| versions(c, &subject)).await
    }

    async fn version(&self, subject: &str, version: i64) -> Result<Option<SubjectVersion>> {
        let subject = subject.to_owned();
        self.read(move |c| version_with_schema(c, &subject, version))
            .await
    }

    async fn versions_with_schemas(&self, subject: Option<&str>) -> Result<Vec<SubjectVersion>> {
        let subject = subject.map(str::to_owned);
        self.read(move |c| versions_with_schemas(c, subject.as_deref()))
            .await
    }

    async fn referenced_by(&self, subject: &str, version: i64) -> Result<Vec<Referrer>> {
        let subject = subject.to_owned();
        self.read(move |c| referrers(c, &subject, version)).await
    }

    async fn resolve_references(
        &self,
        context: &str,
        references: &[Reference],
    ) -> Result<Vec<ResolvedReference>> {
        let context = context.to_owned();
        let references = references.to_vec();
        self.read(move |c| resolve(c, &context, &references)).await
    }

    async fn register(&self, request: RegisterRequest, check: Checker) -> Result<Registered> {
        self.write(move |c| register(c, request, check)).await
    }

    async fn delete_version(
        &self,
        subject: &str,
        version: VersionSelector,
        permanent: bool,
    ) -> Result<i64> {
        let subject = subject.to_owned();
        self.write(move |c| delete_version(c, &subject, version, permanent))
            .await
    }

    async fn delete_subject(&self, subject: &str, permanent: bool) -> Result<Vec<i64>> {
        let subject = subject.to_owned();
        self.write(move |c| delete_subject(c, &subject, permanent))
            .await
    }

    async fn config(&self, subject: Option<&str>) -> Result<Option<Config>> {
        let subject = subject.map(str::to_owned);
        self.read(move |c| get_config(c, subject.as_deref())).await
    }

    async fn set_config(&self, subject: Option<&str>, config: Config) -> Result<()> {
        let subject = subject.map(str::to_owned);
        self.write(move |c| {
            c.prepare_cached(sql("upsert_config")?)?.execute(params![
                scope(subject.as_deref()),
                config.compatibility.map(|l| l.keyword()),
                config.normalize
            ])?;
            Ok(())
        })
        .await
    }

    async fn delete_config(&self, subject: Option<&str>) -> Result<Option<Config>> {
        let subject = subject.map(str::to_owned);
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let old = get_config(&tx, subject.as_deref())?;
            tx.prepare_cached(sql("delete_config")?)?
                .execute([scope(subject.as_deref())])?;
            tx.commit()?;
            Ok(old)
        })
        .await
    }

    async fn mode(&self, subject: Option<&str>) -> Result<Option<Mode>> {
        let subject = subject.map(str::to_owned);
        self.read(move |c| get_mode(c, subject.as_deref())).await
    }

    async fn set_mode(&self, subject: Option<&str>, mode: Mode, force: bool) -> Result<()> {
        let subject = subject.map(str::to_owned);
        self.write(move |c| set_mode(c, subject.as_deref(), mode, force))
            .await
    }

    async fn delete_mode(&self, subject: Option<&str>) -> Result<Option<Mode>> {
        let subject = subject.map(str::to_owned);
        self.write(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let old = get_mode(&tx, subject.as_deref())?;
            tx.prepare_cached(sql("delete_mode")?)?
                .execute([scope(subject.as_deref())])?;
            tx.commit()?;
            Ok(old)
        })
        .await
    }
}
