//! The shared store: PostgreSQL through tokio-postgres, with a deadpool connection pool.
//!
//! Several registry processes may use one database at once (replicas behind a load balancer),
//! so nothing correctness-relevant is kept in process memory: every request reads the
//! database.
//!
//! Serialisation: every write runs in a READ COMMITTED transaction that first takes
//! transaction-scoped advisory locks, always in the same order so two transactions never wait
//! on each other in a cycle:
//! 1. the global scope: shared by writes to one subject, exclusive for global configuration
//!    and mode changes (so a mode change cannot slip in between a registration's check and its
//!    insert), for imports with explicit ids, and for deleting a context;
//! 2. one exclusive lock per subject touched, in ascending key order: the subject written and,
//!    for a registration, the subjects its references name (so a referenced version cannot be
//!    deleted while a schema that references it is being registered).
//!
//! Each statement after the locks sees everything committed before them (READ COMMITTED takes
//! a snapshot per statement, and PostgreSQL releases locks only after the commit is visible),
//! so the checker judges the latest history. The same schema registered under two subjects at
//! once gets one id: the insert is `ON CONFLICT DO NOTHING` on the schema's identity and the
//! loser reads the winner's id. Ids come from the context's row in `contexts`, whose row lock
//! orders the registrations of new schemas in one context. A schema row that a registration is about to use is held with
//! `FOR KEY SHARE`, and a permanent delete locks the row `FOR UPDATE` before checking whether
//! anything still uses it, so one never deletes a schema the other has just started to use.
//!
//! Durability: a registration is acknowledged after `COMMIT` returns, under the server's
//! `synchronous_commit` (on by default: the commit record is flushed to disk first).
//!
//! The SQL lives in `registry/sql/postgres/`: numbered migrations (applied at open under an
//! advisory lock, so two processes starting at once apply each exactly once, and recorded in
//! `schema_migrations`) and the named statements of `queries.sql`.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use async_trait::async_trait;
use contrail_contracts::compat::CompatibilityMode;
use contrail_contracts::model::Keyword;
use deadpool_postgres::{
    GenericClient, Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime,
};
use tokio_postgres::Row;
use tokio_postgres::types::{FromSql, ToSql};

mod tls;

use super::{
    Checker, HistoryEntry, Migration, Queries, RegisterContext, RegisterRequest, Registered,
    SchemaIdChoice, Store, guid_of_row, live_versions_scope, pending_migrations, redact,
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
    (
        1,
        "001-init",
        include_str!("../../sql/postgres/001-init.sql"),
    ),
    (
        2,
        "002-schema-guids",
        include_str!("../../sql/postgres/002-schema-guids.sql"),
    ),
    (
        3,
        "003-contexts",
        include_str!("../../sql/postgres/003-contexts.sql"),
    ),
];

/// The named statements.
const QUERIES: &str = include_str!("../../sql/postgres/queries.sql");

/// Advisory-lock namespaces: the first key of PostgreSQL's two-key advisory locks, chosen so
/// contrail's locks do not collide with other applications' in a shared database ("ctr" and a
/// number).
const LOCK_MIGRATIONS: i32 = 0x6374_7200;
const LOCK_GLOBAL: i32 = 0x6374_7201;
const LOCK_SUBJECT: i32 = 0x6374_7202;

/// Connections the pool keeps at most per process.
const POOL_SIZE: usize = 16;

/// How long a request waits for a free connection, and a new connection for the server.
const POOL_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The statement called `name` in `queries.sql`.
fn sql(name: &str) -> Result<&'static str> {
    static STATEMENTS: OnceLock<Queries> = OnceLock::new();
    STATEMENTS.get_or_init(|| Queries::parse(QUERIES)).get(name)
}

/// Every named statement, for the test that prepares them all.
pub fn statement_names() -> Vec<&'static str> {
    Queries::parse(QUERIES).names()
}

impl From<tokio_postgres::Error> for Error {
    fn from(error: tokio_postgres::Error) -> Self {
        match error.as_db_error() {
            Some(db) => Error::Store(match db.detail() {
                Some(detail) => format!("{}: {} ({detail})", db.code().code(), db.message()),
                None => format!("{}: {}", db.code().code(), db.message()),
            }),
            // tokio-postgres keeps the reason of a failed connection (a refused TLS
            // certificate, a timeout) in the error's sources.
            None => {
                let mut message = error.to_string();
                let mut source = std::error::Error::source(&error);
                while let Some(cause) = source {
                    message.push_str(": ");
                    message.push_str(&cause.to_string());
                    source = cause.source();
                }
                Error::Store(message)
            }
        }
    }
}

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PostgresStore {
    /// The URL without its password.
    url: String,
    pool: Pool,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("url", &self.url)
            .field("pool", &self.pool.status())
            .finish()
    }
}

impl PostgresStore {
    /// Connects to the database a `postgres://` URL names, checks that it is usable, and
    /// applies pending migrations.
    pub async fn open(url: &str) -> Result<PostgresStore> {
        let shown = redact(url);
        // `sslmode`, `sslrootcert`, `sslcert` and `sslkey` as libpq reads them; tokio-postgres
        // gets the rest of the URL.
        let (url, tls) = tls::split_url(url, &shown)?;
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| Error::Unsupported(format!("invalid PostgreSQL URL {shown}: {e}")))?;
        config.ssl_mode(tls.mode.ssl_mode());
        let connector = tls.connector()?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("contrail-registry");
        }
        let manager = Manager::from_config(
            config,
            connector,
            ManagerConfig {
                // A connection is checked only by its next statement: a dead one fails that
                // request, which is cheaper than a round trip before every request.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_TIMEOUT))
            .create_timeout(Some(POOL_TIMEOUT))
            .build()
            .map_err(|e| Error::Store(format!("cannot set up the pool for {shown}: {e}")))?;
        let store = PostgresStore { url: shown, pool };
        let mut client = store.client().await?;
        let encoding: String = get(&client.query_one(sql("server_encoding")?, &[]).await?, 0)?;
        if encoding != "UTF8" {
            return Err(Error::Store(format!(
                "the database at {} has encoding {encoding}; contrail needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')",
                store.url
            )));
        }
        migrate(&mut client).await?;
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Client> {
        self.pool.get().await.map_err(|e| match e {
            PoolError::Backend(e) => Error::Store(format!(
                "cannot connect to {}: {}",
                self.url,
                Error::from(e)
            )),
            other => Error::Store(format!("cannot connect to {}: {other}", self.url)),
        })
    }
}

/// Reads column `index`, turning a type mismatch into an error instead of a panic.
fn get<'a, T: FromSql<'a>>(row: &'a Row, index: usize) -> Result<T> {
    row.try_get(index)
        .map_err(|e| Error::Store(format!("unexpected column {index}: {e}")))
}

/// Applies the migrations not yet recorded in `schema_migrations`, in one transaction under
/// an advisory lock: a second process starting at the same time waits, then finds them
/// applied.
async fn migrate(client: &mut deadpool_postgres::Client) -> Result<()> {
    let tx = client.transaction().await?;
    tx.batch_execute(sql("quiet_notices")?).await?;
    tx.execute(sql("migration_lock")?, &[&LOCK_MIGRATIONS])
        .await?;
    tx.batch_execute(sql("create_migrations_table")?).await?;
    let applied: Vec<i64> = tx
        .query(sql("applied_migrations")?, &[])
        .await?
        .iter()
        .map(|r| get(r, 0))
        .collect::<Result<_>>()?;
    for (version, name, text) in pending_migrations(MIGRATIONS, &applied)? {
        tx.batch_execute(text)
            .await
            .map_err(|e| Error::Store(format!("migration {name} failed: {}", Error::from(e))))?;
        tx.execute(sql("record_migration")?, &[version, name])
            .await?;
    }
    backfill_guids(&tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives the schemas stored before GUIDs existed theirs (migration 002, [`guid_of_row`]), under
/// the migration lock; runs at every open and finds nothing to do once it has run.
async fn backfill_guids<C: GenericClient>(c: &C) -> Result<()> {
    for row in query(c, "schemas_without_guid", &[]).await? {
        let id: i64 = get(&row, 0)?;
        let canonical: String = get(&row, 1)?;
        let references: String = get(&row, 2)?;
        let guid = guid_of_row(id, &canonical, &references)?;
        execute(c, "set_guid", &[&id, &guid]).await?;
    }
    Ok(())
}

/// The advisory-lock key of a subject: FNV-1a of its name. Two subjects with one key only
/// serialise more than needed.
fn subject_key(subject: &str) -> i32 {
    let hash = subject.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    i32::from_ne_bytes(hash.to_ne_bytes())
}

/// How a write holds the global scope.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Global {
    Shared,
    Exclusive,
}

/// Takes the write locks: the global scope, then the subjects' locks in ascending key order.
async fn lock<C: GenericClient>(c: &C, global: Global, subjects: &[&str]) -> Result<()> {
    let statement = match global {
        Global::Shared => sql("lock_global_shared")?,
        Global::Exclusive => sql("lock_global")?,
    };
    c.execute(statement, &[&LOCK_GLOBAL]).await?;
    let mut keys: Vec<i32> = subjects.iter().map(|s| subject_key(s)).collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        c.execute(sql("lock_subject")?, &[&LOCK_SUBJECT, &key])
            .await?;
    }
    Ok(())
}

/// Takes the locks a configuration or mode change of `subject` (`None`: global) needs.
/// A context's setting (`:.ctx:`) applies to every subject in it, so it is changed under the
/// exclusive global lock, as the registry's own.
async fn lock_scope<C: GenericClient>(c: &C, subject: Option<&str>) -> Result<()> {
    match subject {
        Some(subject) if !context::split(subject).name.is_empty() => {
            lock(c, Global::Shared, &[subject]).await
        }
        _ => lock(c, Global::Exclusive, &[]).await,
    }
}

fn scope(subject: Option<&str>) -> &str {
    subject.unwrap_or("")
}

/// Reads `id, schema_type, canonical, references_json` starting at column `at`.
fn stored_schema(row: &Row, at: usize) -> Result<StoredSchema> {
    let schema_type: String = get(row, at + 1)?;
    let references: String = get(row, at + 3)?;
    Ok(StoredSchema {
        id: get(row, at)?,
        schema_type: schema_type.parse().map_err(Error::Store)?,
        schema: get(row, at + 2)?,
        references: serde_json::from_str::<Vec<Reference>>(&references)
            .map_err(|e| Error::Store(format!("stored references do not parse: {e}")))?,
    })
}

/// Reads `subject, version, deleted, <stored_schema>`.
fn subject_version(row: &Row) -> Result<SubjectVersion> {
    Ok(SubjectVersion {
        subject: get(row, 0)?,
        version: get(row, 1)?,
        deleted: get(row, 2)?,
        schema: stored_schema(row, 3)?,
    })
}

async fn query<C: GenericClient>(
    c: &C,
    name: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Row>> {
    let statement = c.prepare_cached(sql(name)?).await?;
    Ok(c.query(&statement, params).await?)
}

async fn query_one<C: GenericClient>(
    c: &C,
    name: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Row> {
    let statement = c.prepare_cached(sql(name)?).await?;
    Ok(c.query_one(&statement, params).await?)
}

async fn query_opt<C: GenericClient>(
    c: &C,
    name: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Option<Row>> {
    let statement = c.prepare_cached(sql(name)?).await?;
    Ok(c.query_opt(&statement, params).await?)
}

async fn execute<C: GenericClient>(
    c: &C,
    name: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<u64> {
    let statement = c.prepare_cached(sql(name)?).await?;
    Ok(c.execute(&statement, params).await?)
}

async fn schema_by_id<C: GenericClient>(
    c: &C,
    context: &str,
    id: i64,
) -> Result<Option<StoredSchema>> {
    query_opt(c, "schema_by_id", &[&context, &id])
        .await?
        .map(|r| stored_schema(&r, 0))
        .transpose()
}

/// The id of a schema; `statement` is `find_schema` or `find_schema_for_use` (which also
/// keeps the row from being deleted until the transaction ends).
async fn find_schema<C: GenericClient>(
    c: &C,
    statement: &str,
    context: &str,
    schema: &NewSchema,
) -> Result<Option<i64>> {
    let references = schema.references_json();
    query_opt(
        c,
        statement,
        &[
            &context,
            &schema.schema_type.as_str(),
            &schema.canonical,
            &references,
        ],
    )
    .await?
    .map(|r| get(&r, 0))
    .transpose()
}

async fn versions<C: GenericClient>(c: &C, subject: &str) -> Result<Vec<VersionEntry>> {
    query(c, "subject_versions", &[&subject])
        .await?
        .iter()
        .map(|r| {
            Ok(VersionEntry {
                version: get(r, 0)?,
                id: get(r, 1)?,
                deleted: get(r, 2)?,
            })
        })
        .collect()
}

async fn version_with_schema<C: GenericClient>(
    c: &C,
    subject: &str,
    version: i64,
) -> Result<Option<SubjectVersion>> {
    query_opt(c, "subject_version_full", &[&subject, &version])
        .await?
        .map(|r| subject_version(&r))
        .transpose()
}

async fn versions_with_schemas<C: GenericClient>(
    c: &C,
    subject: Option<&str>,
) -> Result<Vec<SubjectVersion>> {
    let rows = match subject {
        Some(subject) => query(c, "subject_versions_full", &[&subject]).await?,
        None => query(c, "all_versions_full", &[]).await?,
    };
    rows.iter().map(subject_version).collect()
}

/// A subject version for reference resolution: a number finds live and soft-deleted
/// versions, `latest` the latest live one.
async fn reference_target<C: GenericClient>(
    c: &C,
    subject: &str,
    selector: VersionSelector,
) -> Result<Option<SubjectVersion>> {
    let version = match selector {
        VersionSelector::Number(n) => n,
        VersionSelector::Latest => {
            match versions(c, subject)
                .await?
                .iter()
                .rev()
                .find(|v| !v.deleted)
            {
                Some(latest) => latest.version,
                None => return Ok(None),
            }
        }
    };
    version_with_schema(c, subject, version).await
}

/// Resolves references with the shared (synchronous) resolver: each round runs it over the
/// versions fetched so far and notes the look-ups it could not answer; the answer counts once
/// a round needed nothing new. Rounds are bounded by the nesting depth of the references.
async fn resolve<C: GenericClient>(
    c: &C,
    context: &str,
    references: &[Reference],
) -> Result<Vec<ResolvedReference>> {
    // Key: subject and version number (None = latest).
    let mut fetched: HashMap<(String, Option<i64>), Option<SubjectVersion>> = HashMap::new();
    loop {
        let mut missing: Vec<(String, VersionSelector)> = Vec::new();
        let result = resolve_references_with(context, references, &mut |subject, selector| {
            let key = (
                subject.to_owned(),
                match selector {
                    VersionSelector::Number(n) => Some(n),
                    VersionSelector::Latest => None,
                },
            );
            match fetched.get(&key) {
                Some(found) => Ok(found.clone()),
                None => {
                    missing.push((subject.to_owned(), selector));
                    Ok(None)
                }
            }
        });
        if missing.is_empty() {
            return result;
        }
        for (subject, selector) in missing {
            let found = reference_target(c, &subject, selector).await?;
            let number = match selector {
                VersionSelector::Number(n) => Some(n),
                VersionSelector::Latest => None,
            };
            fetched.insert((subject, number), found);
        }
    }
}

async fn referrers<C: GenericClient>(c: &C, subject: &str, version: i64) -> Result<Vec<Referrer>> {
    query(c, "referenced_by", &[&subject, &version])
        .await?
        .iter()
        .map(|r| {
            Ok(Referrer {
                id: get(r, 0)?,
                live: get(r, 1)?,
            })
        })
        .collect()
}

async fn get_config<C: GenericClient>(c: &C, subject: Option<&str>) -> Result<Option<Config>> {
    let Some(row) = query_opt(c, "get_config", &[&scope(subject)]).await? else {
        return Ok(None);
    };
    let compatibility: Option<String> = get(&row, 0)?;
    let normalize: Option<bool> = get(&row, 1)?;
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

async fn get_mode<C: GenericClient>(c: &C, subject: Option<&str>) -> Result<Option<Mode>> {
    let Some(row) = query_opt(c, "get_mode", &[&scope(subject)]).await? else {
        return Ok(None);
    };
    let text: String = get(&row, 0)?;
    text.parse().map(Some).map_err(Error::Store)
}

/// The mode in force for a subject ([`context::scope_chain`]).
async fn mode_in_force<C: GenericClient>(c: &C, subject: &str) -> Result<Mode> {
    let mut chain = Vec::new();
    for scope in context::scope_chain(Some(subject)) {
        chain.push(get_mode(c, scope.as_deref()).await?);
    }
    Ok(effective_mode(&chain))
}

/// The compatibility level in force for a subject ([`context::scope_chain`]).
async fn compatibility_in_force<C: GenericClient>(
    c: &C,
    subject: &str,
) -> Result<CompatibilityMode> {
    let mut chain = Vec::new();
    for scope in context::scope_chain(Some(subject)) {
        chain.push(get_config(c, scope.as_deref()).await?);
    }
    Ok(effective_compatibility(&chain))
}

/// Refuses a delete when the mode in force is read-only.
async fn check_delete_mode<C: GenericClient>(c: &C, subject: &str) -> Result<()> {
    refuse_delete_when_read_only(subject, mode_in_force(c, subject).await?)
}

/// Refuses a delete of `version` when a stored schema references it.
async fn check_not_referenced<C: GenericClient>(c: &C, subject: &str, version: i64) -> Result<()> {
    refuse_delete_when_referenced(subject, version, referrers(c, subject, version).await?)
}

/// Removes a version row and its schema when no version uses it any more. The schema row is
/// locked before the check so a registration that has just started to use it (and holds it
/// `FOR KEY SHARE`) finishes first and is seen by the check.
async fn delete_permanently<C: GenericClient>(
    c: &C,
    subject: &str,
    entry: VersionEntry,
) -> Result<()> {
    let context = context_of(subject);
    execute(c, "delete_version", &[&subject, &entry.version]).await?;
    query_opt(c, "lock_schema_for_delete", &[&context, &entry.id]).await?;
    execute(c, "delete_schema_if_unused", &[&context, &entry.id]).await?;
    Ok(())
}

/// Inserts a schema (with `id` in IMPORT mode) and its reference rows; returns its id. Without
/// an id, a concurrent registration of the same schema under another subject may have
/// inserted it first: the insert then waits for that commit, does nothing, and the committed
/// row's id is used.
async fn insert_schema<C: GenericClient>(
    c: &C,
    context: &str,
    schema: &NewSchema,
    id: Option<i64>,
) -> Result<i64> {
    let references = schema.references_json();
    let schema_type = schema.schema_type.as_str();
    let guid = schema.guid();
    let id = match id {
        Some(id) => {
            execute(c, "advance_schema_ids", &[&context, &id]).await?;
            id
        }
        None => get(&query_one(c, "next_schema_id", &[&context]).await?, 0)?,
    };
    let inserted = query_opt(
        c,
        "insert_schema",
        &[
            &context,
            &id,
            &schema_type,
            &schema.canonical,
            &references,
            &guid,
        ],
    )
    .await?;
    let row: i64 = match inserted {
        Some(row) => get(&row, 0)?,
        // Inserted by a concurrent registration (the id drawn above stays unused).
        None => {
            return find_schema(c, "find_schema_for_use", context, schema)
                .await?
                .ok_or_else(|| {
                    Error::Store(
                        "the schema was inserted concurrently but cannot be found".to_owned(),
                    )
                });
        }
    };
    for (position, reference) in schema.references.iter().enumerate() {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        let target = context::qualify_reference(context, &reference.subject);
        execute(
            c,
            "insert_reference",
            &[
                &row,
                &position,
                &reference.name,
                &target,
                &reference.version,
            ],
        )
        .await?;
    }
    Ok(id)
}

/// PostgreSQL text cannot hold NUL characters; such a schema is refused rather than failing
/// in the database.
fn check_storable(schema: &NewSchema) -> Result<()> {
    if schema.canonical.contains('\0') {
        return Err(Refusal::InvalidSchema(
            "Invalid schema: the schema text contains a NUL character".to_owned(),
        )
        .into());
    }
    Ok(())
}

async fn register(
    client: &mut deadpool_postgres::Client,
    request: RegisterRequest,
    check: Checker,
) -> Result<Registered> {
    check_storable(&request.schema)?;
    let tx = client.transaction().await?;
    let subject = request.subject.as_str();
    let context = context_of(subject);
    let targets: Vec<String> = request
        .schema
        .references
        .iter()
        .map(|r| context::qualify_reference(context, &r.subject))
        .collect();
    let mut subjects: Vec<&str> = vec![subject];
    subjects.extend(targets.iter().map(String::as_str));
    let global = if request.id.is_some() {
        Global::Exclusive
    } else {
        Global::Shared
    };
    lock(&tx, global, &subjects).await?;

    let mode = mode_in_force(&tx, subject).await?;
    let compatibility = compatibility_in_force(&tx, subject).await?;
    let existing_id = find_schema(&tx, "find_schema_for_use", context, &request.schema).await?;
    let existing = match existing_id {
        Some(id) => query_opt(&tx, "live_version_of_schema", &[&subject, &context, &id])
            .await?
            .map(|r| get::<i64>(&r, 0))
            .transpose()?
            .map(|version| VersionEntry {
                version,
                id,
                deleted: false,
            }),
        None => None,
    };
    let all_versions = versions(&tx, subject).await?;
    let mut history = Vec::new();
    if existing.is_none() && mode != Mode::Import {
        let live: Vec<VersionEntry> = all_versions
            .iter()
            .filter(|v| !v.deleted)
            .copied()
            .collect();
        for entry in versions_to_compare(compatibility, &live) {
            if let Some(version) = version_with_schema(&tx, subject, entry.version).await? {
                let references = resolve(&tx, context, &version.schema.references).await?;
                history.push(HistoryEntry {
                    version,
                    references,
                });
            }
        }
    }
    // The checker parses and compares schemas, which can take a while for large ones: it runs
    // on the blocking pool while the transaction (and its locks) stay open.
    let owned_subject = subject.to_owned();
    let requested_id = request.id;
    tokio::task::spawn_blocking(move || {
        check(&RegisterContext {
            subject: &owned_subject,
            mode,
            compatibility,
            requested_id,
            existing,
            history,
        })
    })
    .await??;

    if let Some(existing) = existing {
        // Nothing was written; dropping the transaction rolls back the read.
        return repeated_registration(existing, request.id);
    }

    let at_requested = match request.id {
        Some(requested) => schema_by_id(&tx, context, requested)
            .await?
            .map(|stored| same_schema(&stored, &request.schema)),
        None => None,
    };
    execute(&tx, "ensure_context", &[&context]).await?;
    execute(&tx, "revive_context", &[&context]).await?;
    let id = match schema_id_to_register(request.id, at_requested, existing_id)? {
        SchemaIdChoice::Stored(id) => id,
        SchemaIdChoice::Insert(id) => insert_schema(&tx, context, &request.schema, id).await?,
    };

    let version = version_to_register(subject, &all_versions, request.version, mode)?;
    execute(&tx, "insert_version", &[&subject, &version, &context, &id]).await?;
    tx.commit().await?;
    Ok(Registered {
        id,
        version,
        created: true,
    })
}

async fn delete_version(
    client: &mut deadpool_postgres::Client,
    subject: &str,
    selector: VersionSelector,
    permanent: bool,
) -> Result<i64> {
    let tx = client.transaction().await?;
    lock(&tx, Global::Shared, &[subject]).await?;
    check_delete_mode(&tx, subject).await?;
    let all = versions(&tx, subject).await?;
    let entry = version_to_delete(subject, &all, selector, permanent)?;
    check_not_referenced(&tx, subject, entry.version).await?;
    if permanent {
        delete_permanently(&tx, subject, entry).await?;
    } else {
        execute(&tx, "soft_delete_version", &[&subject, &entry.version]).await?;
    }
    tx.commit().await?;
    Ok(entry.version)
}

async fn delete_subject(
    client: &mut deadpool_postgres::Client,
    subject: &str,
    permanent: bool,
) -> Result<Vec<i64>> {
    let tx = client.transaction().await?;
    lock(&tx, Global::Shared, &[subject]).await?;
    check_delete_mode(&tx, subject).await?;
    let all = versions(&tx, subject).await?;
    if all.is_empty() {
        return Err(Refusal::SubjectNotFound(subject.to_owned()).into());
    }
    let live: Vec<VersionEntry> = all.iter().filter(|v| !v.deleted).copied().collect();
    let deleted = if permanent {
        if !live.is_empty() {
            return Err(Refusal::SubjectNotSoftDeleted(subject.to_owned()).into());
        }
        for entry in &all {
            check_not_referenced(&tx, subject, entry.version).await?;
        }
        for entry in &all {
            delete_permanently(&tx, subject, *entry).await?;
        }
        execute(&tx, "delete_config", &[&subject]).await?;
        execute(&tx, "delete_mode", &[&subject]).await?;
        all
    } else {
        if live.is_empty() {
            return Err(Refusal::SubjectSoftDeleted(subject.to_owned()).into());
        }
        for entry in &live {
            check_not_referenced(&tx, subject, entry.version).await?;
        }
        for entry in &live {
            execute(&tx, "soft_delete_version", &[&subject, &entry.version]).await?;
        }
        live
    };
    tx.commit().await?;
    Ok(deleted.iter().map(|v| v.version).collect())
}

async fn set_mode(
    client: &mut deadpool_postgres::Client,
    subject: Option<&str>,
    mode: Mode,
    force: bool,
) -> Result<()> {
    let tx = client.transaction().await?;
    lock_scope(&tx, subject).await?;
    if mode == Mode::Import && !force && get_mode(&tx, subject).await? != Some(Mode::Import) {
        let (in_subject, in_context) = live_versions_scope(subject);
        let row = query(&tx, "count_live_versions", &[&in_subject, &in_context]).await?;
        let live: i64 = match row.first() {
            Some(row) => get(row, 0)?,
            None => 0,
        };
        refuse_import_over_live_versions(live)?;
    }
    execute(&tx, "upsert_mode", &[&scope(subject), &mode.as_str()]).await?;
    tx.commit().await?;
    Ok(())
}

#[async_trait]
impl Store for PostgresStore {
    fn url(&self) -> &str {
        &self.url
    }

    async fn ping(&self) -> Result<()> {
        self.client().await?.simple_query("SELECT 1").await?;
        Ok(())
    }

    async fn cluster_id(&self) -> Result<String> {
        let client = self.client().await?;
        let row = query_opt(&client, "cluster_id", &[])
            .await?
            .ok_or_else(|| Error::Store("the registry_meta table has no cluster_id".to_owned()))?;
        get(&row, 0)
    }

    async fn schema(&self, context: &str, id: i64) -> Result<Option<StoredSchema>> {
        schema_by_id(&self.client().await?, context, id).await
    }

    async fn ids_by_guid(&self, guid: &str) -> Result<Vec<ContextId>> {
        query(&self.client().await?, "ids_by_guid", &[&guid])
            .await?
            .iter()
            .map(|r| {
                Ok(ContextId {
                    context: get(r, 0)?,
                    id: get(r, 1)?,
                })
            })
            .collect()
    }

    async fn find_schema(&self, context: &str, schema: &NewSchema) -> Result<Option<i64>> {
        if schema.canonical.contains('\0') {
            return Ok(None);
        }
        find_schema(&self.client().await?, "find_schema", context, schema).await
    }

    async fn usages(&self, context: &str, id: i64) -> Result<Vec<Usage>> {
        query(&self.client().await?, "schema_usages", &[&context, &id])
            .await?
            .iter()
            .map(|r| {
                Ok(Usage {
                    subject: get(r, 0)?,
                    version: get(r, 1)?,
                    deleted: get(r, 2)?,
                })
            })
            .collect()
    }

    async fn subjects(&self) -> Result<Vec<SubjectSummary>> {
        query(&self.client().await?, "subject_summaries", &[])
            .await?
            .iter()
            .map(|r| {
                Ok(SubjectSummary {
                    subject: get(r, 0)?,
                    live: get::<i64>(r, 1)?.max(0).unsigned_abs(),
                    deleted: get::<i64>(r, 2)?.max(0).unsigned_abs(),
                })
            })
            .collect()
    }

    async fn contexts(&self) -> Result<Vec<String>> {
        query(&self.client().await?, "list_contexts", &[])
            .await?
            .iter()
            .map(|r| get(r, 0))
            .collect()
    }

    async fn delete_context(&self, context: &str) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock(&tx, Global::Exclusive, &[]).await?;
        let used: bool = get(
            &query_one(&tx, "context_has_versions", &[&context]).await?,
            0,
        )?;
        if used {
            return Err(Refusal::ContextNotEmpty(context::qualify(context, "")).into());
        }
        execute(&tx, "delete_context", &[&context]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn versions(&self, subject: &str) -> Result<Vec<VersionEntry>> {
        versions(&self.client().await?, subject).await
    }

    async fn version(&self, subject: &str, version: i64) -> Result<Option<SubjectVersion>> {
        version_with_schema(&self.client().await?, subject, version).await
    }

    async fn versions_with_schemas(&self, subject: Option<&str>) -> Result<Vec<SubjectVersion>> {
        versions_with_schemas(&self.client().await?, subject).await
    }

    async fn referenced_by(&self, subject: &str, version: i64) -> Result<Vec<Referrer>> {
        referrers(&self.client().await?, subject, version).await
    }

    async fn resolve_references(
        &self,
        context: &str,
        references: &[Reference],
    ) -> Result<Vec<ResolvedReference>> {
        resolve(&self.client().await?, context, references).await
    }

    async fn register(&self, request: RegisterRequest, check: Checker) -> Result<Registered> {
        register(&mut self.client().await?, request, check).await
    }

    async fn delete_version(
        &self,
        subject: &str,
        version: VersionSelector,
        permanent: bool,
    ) -> Result<i64> {
        delete_version(&mut self.client().await?, subject, version, permanent).await
    }

    async fn delete_subject(&self, subject: &str, permanent: bool) -> Result<Vec<i64>> {
        delete_subject(&mut self.client().await?, subject, permanent).await
    }

    async fn config(&self, subject: Option<&str>) -> Result<Option<Config>> {
        get_config(&self.client().await?, subject).await
    }

    async fn set_config(&self, subject: Option<&str>, config: Config) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_scope(&tx, subject).await?;
        execute(
            &tx,
            "upsert_config",
            &[
                &scope(subject),
                &config.compatibility.map(|l| l.keyword()),
                &config.normalize,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_config(&self, subject: Option<&str>) -> Result<Option<Config>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_scope(&tx, subject).await?;
        let old = get_config(&tx, subject).await?;
        execute(&tx, "delete_config", &[&scope(subject)]).await?;
        tx.commit().await?;
        Ok(old)
    }

    async fn mode(&self, subject: Option<&str>) -> Result<Option<Mode>> {
        get_mode(&self.client().await?, subject).await
    }

    async fn set_mode(&self, subject: Option<&str>, mode: Mode, force: bool) -> Result<()> {
        set_mode(&mut self.client().await?, subject, mode, force).await
    }

    async fn delete_mode(&self, subject: Option<&str>) -> Result<Option<Mode>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_scope(&tx, subject).await?;
        let old = get_mode(&tx, subject).await?;
        execute(&tx, "delete_mode", &[&scope(subject)]).await?;
        tx.commit().await?;
        Ok(old)
    }
}
