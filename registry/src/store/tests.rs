//! Store behaviour tests, run against every backend: each `async fn NAME(backend)` below runs
//! once on a SQLite file in a temporary directory and once on a fresh database of a throwaway
//! PostgreSQL server, as the tests `NAME::sqlite` and `NAME::postgres`. The PostgreSQL server
//! and `on_both_stores!` are the end-to-end crate's, included by path so both crates run on
//! both stores the same way without depending on each other.

use std::sync::Arc;

use contrail_contracts::compat::CompatibilityMode;

use super::*;
use crate::model::SchemaType;

// The fixtures are the e2e crate's public API, included here by path.
#[allow(
    dead_code,
    unreachable_pub,
    reason = "shared with the e2e crate, which uses every helper and exports them"
)]
#[path = "../../../tests/src/postgres.rs"]
mod pg_fixture;
#[macro_use]
#[expect(
    unreachable_pub,
    reason = "shared with the e2e crate, which exports the Backend enum"
)]
#[path = "../../../tests/src/stores.rs"]
mod stores;

pub(super) use stores::Backend;

/// One empty store of a backend, which tests may open several times.
pub(super) struct Fixture {
    pub(super) url: String,
    /// Keeps the SQLite file's directory alive.
    _dir: Option<tempfile::TempDir>,
}

impl Fixture {
    pub(super) fn new(backend: Backend) -> Fixture {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("tempdir");
                Fixture {
                    url: format!("sqlite://{}", dir.path().join("registry.db").display()),
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => Fixture {
                url: pg_fixture::PostgresServer::shared().fresh_url("store"),
                _dir: None,
            },
        }
    }

    pub(super) async fn open(&self) -> Arc<dyn Store> {
        open(&self.url).await.expect("the store opens")
    }

    /// Writes the database an earlier contrail would have: the first `migrations` of the
    /// backend applied and recorded, then `statements`.
    pub(super) async fn write_old_database(
        &self,
        backend: Backend,
        migrations: usize,
        statements: &[&str],
    ) {
        match backend {
            Backend::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                let connection = rusqlite::Connection::open(path).expect("creates");
                connection
                    .execute(sqlite::statement_for_test("create_migrations_table"), [])
                    .expect("migrations table");
                for (version, name, text) in &sqlite::MIGRATIONS[..migrations] {
                    connection.execute_batch(text).expect("migrates");
                    connection
                        .execute(
                            sqlite::statement_for_test("record_migration"),
                            rusqlite::params![version, name],
                        )
                        .expect("recorded");
                }
                for statement in statements {
                    connection.execute_batch(statement).expect("an old row");
                }
            }
            Backend::Postgres => {
                let (client, connection) =
                    tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
                        .await
                        .expect("connects");
                tokio::spawn(connection);
                let queries = Queries::parse(include_str!("../../sql/postgres/queries.sql"));
                client
                    .batch_execute(queries.get("create_migrations_table").expect("named"))
                    .await
                    .expect("migrations table");
                for (version, name, text) in &postgres::MIGRATIONS[..migrations] {
                    client.batch_execute(text).await.expect("migrates");
                    client
                        .execute(
                            queries.get("record_migration").expect("named"),
                            &[version, name],
                        )
                        .await
                        .expect("recorded");
                }
                for statement in statements {
                    client.batch_execute(statement).await.expect("an old row");
                }
            }
        }
    }
}

on_both_stores!(async
    every_statement_prepares,
    same_schema_same_id_across_subjects_and_repeats,
    data_survives_reopening,
    ids_are_never_reused,
    a_refusal_writes_nothing,
    the_checker_sees_mode_level_and_history,
    concurrent_registrations_see_each_other,
    one_id_for_a_schema_registered_concurrently_under_many_subjects,
    concurrent_stores_share_one_database,
    delete_rules,
    references_block_deletes_and_list_referrers,
    config_and_mode,
    import_keeps_ids_and_refuses_conflicts,
    large_schemas_are_stored_and_found,
    schemas_are_found_by_guid,
    schemas_stored_before_guids_get_theirs,
    protobuf_stored_by_earlier_builds_keeps_its_id,
    avro_normalized_by_earlier_builds_keeps_its_id,
);

pub(super) fn schema(text: &str) -> NewSchema {
    NewSchema {
        schema_type: SchemaType::Avro,
        canonical: text.to_owned(),
        references: Vec::new(),
    }
}

pub(super) fn request(subject: &str, text: &str) -> RegisterRequest {
    RegisterRequest {
        subject: subject.to_owned(),
        schema: schema(text),
        id: None,
        version: None,
    }
}

pub(super) fn reference(name: &str, subject: &str, version: i64) -> Reference {
    Reference {
        name: name.to_owned(),
        subject: subject.to_owned(),
        version,
    }
}

/// The schema a GUID names in the first context that has it.
pub(super) async fn schema_by_guid(store: &dyn Store, guid: &str) -> Result<Option<StoredSchema>> {
    match store.ids_by_guid(guid).await?.into_iter().next() {
        Some(found) => store.schema(&found.context, found.id).await,
        None => Ok(None),
    }
}

pub(super) fn allow() -> Checker {
    Box::new(|_| Ok(()))
}

pub(super) fn refusal(result: Result<impl fmt::Debug>) -> Refusal {
    match result {
        Err(Error::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Every named statement of the backend prepares against a freshly migrated database.
async fn every_statement_prepares(backend: Backend) {
    let fixture = Fixture::new(backend);
    fixture.open().await;
    match backend {
        Backend::Sqlite => {
            let path = fixture.url.trim_start_matches("sqlite://");
            let connection = rusqlite::Connection::open(path).expect("reopens");
            let names = Queries::parse(include_str!("../../sql/queries.sql")).names();
            assert!(names.len() > 20, "{names:?}");
            for name in names {
                let statement = sqlite::statement_for_test(name);
                connection
                    .prepare(statement)
                    .unwrap_or_else(|e| panic!("statement {name} does not prepare: {e}"));
            }
        }
        Backend::Postgres => {
            let (client, connection) = tokio_postgres::connect(&fixture.url, tokio_postgres::NoTls)
                .await
                .expect("connects");
            tokio::spawn(connection);
            let names = postgres::statement_names();
            assert!(names.len() > 20, "{names:?}");
            for name in names {
                let statement = Queries::parse(include_str!("../../sql/postgres/queries.sql"))
                    .get(name)
                    .expect("named");
                client
                    .prepare(statement)
                    .await
                    .unwrap_or_else(|e| panic!("statement {name} does not prepare: {e}"));
            }
        }
    }
}

async fn same_schema_same_id_across_subjects_and_repeats(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let a = store.register(request("a", "\"string\""), allow()).await;
    let a = a.expect("registers");
    assert_eq!((a.version, a.created), (1, true));
    let again = store
        .register(request("a", "\"string\""), allow())
        .await
        .expect("repeat");
    assert_eq!((again.id, again.version, again.created), (a.id, 1, false));
    let b = store
        .register(request("b", "\"string\""), allow())
        .await
        .expect("other subject");
    assert_eq!((b.id, b.version), (a.id, 1));
    let a2 = store
        .register(request("a", "\"long\""), allow())
        .await
        .expect("second version");
    assert_eq!(a2.version, 2);
    assert_ne!(a2.id, a.id);
    let usages = store.usages(".", a.id).await.expect("usages");
    assert_eq!(usages.len(), 2);
}

async fn data_survives_reopening(backend: Backend) {
    let fixture = Fixture::new(backend);
    let id = {
        let store = fixture.open().await;
        store
            .set_config(
                None,
                Config {
                    compatibility: Some(CompatibilityMode::Full),
                    normalize: None,
                },
            )
            .await
            .expect("config");
        store
            .register(request("a", "\"string\""), allow())
            .await
            .expect("registers")
            .id
    };
    let store = fixture.open().await;
    let stored = store
        .schema(".", id)
        .await
        .expect("reads")
        .expect("is there");
    assert_eq!(stored.schema, "\"string\"");
    let config = store.config(None).await.expect("config").expect("set");
    assert_eq!(config.compatibility, Some(CompatibilityMode::Full));
}

async fn ids_are_never_reused(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let first = store
        .register(request("a", "\"string\""), allow())
        .await
        .expect("registers");
    store.delete_subject("a", false).await.expect("soft");
    store.delete_subject("a", true).await.expect("permanent");
    assert_eq!(store.schema(".", first.id).await.expect("reads"), None);
    let next = store
        .register(request("a", "\"long\""), allow())
        .await
        .expect("registers");
    assert!(next.id > first.id, "{} after {}", next.id, first.id);
    assert_eq!(next.version, 1, "versions restart after a permanent delete");
}

async fn a_refusal_writes_nothing(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let refused = store
        .register(
            request("a", "\"string\""),
            Box::new(|_| Err(Refusal::NotPermitted("no".to_owned()))),
        )
        .await;
    assert_eq!(refusal(refused), Refusal::NotPermitted("no".to_owned()));
    assert!(store.versions("a").await.expect("reads").is_empty());
    assert_eq!(
        store
            .find_schema(".", &schema("\"string\""))
            .await
            .expect("reads"),
        None
    );
}

async fn the_checker_sees_mode_level_and_history(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    for text in ["\"int\"", "\"long\"", "\"float\""] {
        store
            .register(request("s", text), allow())
            .await
            .expect("registers");
    }
    store
        .set_config(
            Some("s"),
            Config {
                compatibility: Some(CompatibilityMode::BackwardTransitive),
                normalize: None,
            },
        )
        .await
        .expect("config");
    store
        .delete_version("s", VersionSelector::Number(2), false)
        .await
        .expect("soft delete");
    let seen = Arc::new(std::sync::Mutex::new(None));
    let sink = Arc::clone(&seen);
    store
        .register(
            request("s", "\"double\""),
            Box::new(move |context| {
                let versions: Vec<i64> =
                    context.history.iter().map(|h| h.version.version).collect();
                *sink.lock().expect("lock") = Some((context.mode, context.compatibility, versions));
                Ok(())
            }),
        )
        .await
        .expect("registers");
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(
        seen,
        Some((
            Mode::ReadWrite,
            CompatibilityMode::BackwardTransitive,
            vec![1, 3]
        )),
        "soft-deleted versions are skipped"
    );
}

async fn concurrent_registrations_see_each_other(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    // A checker that accepts only a first version: if the check and the insert were not one
    // transaction, two registrations could both see an empty history.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            store
                .register(
                    request(
                        "race",
                        &format!("{{\"type\":\"fixed\",\"name\":\"F{i}\",\"size\":1}}"),
                    ),
                    Box::new(|context| {
                        if context.history.is_empty() {
                            Ok(())
                        } else {
                            Err(Refusal::Incompatible {
                                subject: "race".to_owned(),
                                messages: vec!["taken".to_owned()],
                            })
                        }
                    }),
                )
                .await
        }));
    }
    let mut landed = 0;
    for task in tasks {
        if task.await.expect("task").is_ok() {
            landed += 1;
        }
    }
    assert_eq!(landed, 1);
    assert_eq!(store.versions("race").await.expect("reads").len(), 1);
}

async fn delete_rules(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    store
        .register(request("s", "\"int\""), allow())
        .await
        .expect("v1");
    store
        .register(request("s", "\"long\""), allow())
        .await
        .expect("v2");
    let one = VersionSelector::Number(1);
    assert_eq!(
        refusal(store.delete_version("nope", one, false).await),
        Refusal::SubjectNotFound("nope".to_owned())
    );
    assert!(matches!(
        refusal(
            store
                .delete_version("s", VersionSelector::Number(9), false)
                .await
        ),
        Refusal::VersionNotFound { .. }
    ));
    assert!(matches!(
        refusal(store.delete_version("s", one, true).await),
        Refusal::VersionNotSoftDeleted { version: 1, .. }
    ));
    assert_eq!(
        store.delete_version("s", one, false).await.expect("soft"),
        1
    );
    assert!(matches!(
        refusal(store.delete_version("s", one, false).await),
        Refusal::VersionSoftDeleted { version: 1, .. }
    ));
    assert_eq!(store.delete_version("s", one, true).await.expect("hard"), 1);
    assert_eq!(
        refusal(store.delete_subject("s", true).await),
        Refusal::SubjectNotSoftDeleted("s".to_owned())
    );
    assert_eq!(
        store.delete_subject("s", false).await.expect("soft"),
        vec![2]
    );
    assert_eq!(
        refusal(store.delete_subject("s", false).await),
        Refusal::SubjectSoftDeleted("s".to_owned())
    );
    assert_eq!(
        store.delete_subject("s", true).await.expect("hard"),
        vec![2]
    );
    assert_eq!(
        refusal(store.delete_subject("s", true).await),
        Refusal::SubjectNotFound("s".to_owned())
    );
}

async fn references_block_deletes_and_list_referrers(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let base = store
        .register(
            request("base", r#"{"type":"fixed","name":"F","size":2}"#),
            allow(),
        )
        .await
        .expect("base");
    let reference = Reference {
        name: "F".to_owned(),
        subject: "base".to_owned(),
        version: 1,
    };
    let resolved = store
        .resolve_references(".", std::slice::from_ref(&reference))
        .await
        .expect("resolves");
    assert_eq!(resolved.len(), 1);
    assert_eq!(resolved[0].schema.id, base.id);
    let user = store
        .register(
            RegisterRequest {
                subject: "user".to_owned(),
                schema: NewSchema {
                    schema_type: SchemaType::Avro,
                    canonical: r#"{"type":"array","items":"F"}"#.to_owned(),
                    references: vec![reference.clone()],
                },
                id: None,
                version: None,
            },
            allow(),
        )
        .await
        .expect("user");
    let referrers = store.referenced_by("base", 1).await.expect("reads");
    assert_eq!(
        referrers,
        vec![Referrer {
            id: user.id,
            live: true
        }]
    );
    assert!(matches!(
        refusal(store.delete_version("base", VersionSelector::Number(1), false).await),
        Refusal::Referenced { ref ids, .. } if ids == &vec![user.id]
    ));
    let missing = Reference {
        version: 7,
        ..reference
    };
    assert!(matches!(
        refusal(store.resolve_references(".", &[missing]).await),
        Refusal::InvalidSchema(_)
    ));
    // Once the referrer is gone for good, the referenced version can go.
    store.delete_subject("user", false).await.expect("soft");
    assert_eq!(
        store.referenced_by("base", 1).await.expect("reads"),
        vec![Referrer {
            id: user.id,
            live: false
        }]
    );
    store.delete_subject("user", true).await.expect("hard");
    store
        .delete_version("base", VersionSelector::Number(1), false)
        .await
        .expect("now deletable");
}

async fn config_and_mode(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    assert_eq!(store.config(Some("s")).await.expect("reads"), None);
    let full = Config {
        compatibility: Some(CompatibilityMode::Full),
        normalize: Some(true),
    };
    store.set_config(Some("s"), full).await.expect("sets");
    assert_eq!(store.config(Some("s")).await.expect("reads"), Some(full));
    assert_eq!(
        store.delete_config(Some("s")).await.expect("deletes"),
        Some(full)
    );
    assert_eq!(store.delete_config(Some("s")).await.expect("deletes"), None);

    store
        .register(request("s", "\"int\""), allow())
        .await
        .expect("v1");
    assert!(matches!(
        refusal(store.set_mode(Some("s"), Mode::Import, false).await),
        Refusal::NotPermitted(_)
    ));
    // Another subject without versions can switch; the whole registry cannot.
    store
        .set_mode(Some("t"), Mode::Import, false)
        .await
        .expect("empty subject");
    assert!(store.set_mode(None, Mode::Import, false).await.is_err());
    store
        .set_mode(Some("s"), Mode::Import, true)
        .await
        .expect("forced");
    assert_eq!(
        store.mode(Some("s")).await.expect("reads"),
        Some(Mode::Import)
    );
    store
        .set_mode(None, Mode::ReadOnly, false)
        .await
        .expect("global");
    assert!(matches!(
        refusal(store.delete_subject("other", false).await),
        Refusal::NotPermitted(_)
    ));
    assert_eq!(
        store.delete_mode(None).await.expect("deletes"),
        Some(Mode::ReadOnly)
    );
    assert_eq!(store.mode(None).await.expect("reads"), None);
}

async fn import_keeps_ids_and_refuses_conflicts(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let imported = store
        .register(
            RegisterRequest {
                id: Some(100),
                ..request("s", "\"int\"")
            },
            allow(),
        )
        .await
        .expect("imports");
    assert_eq!((imported.id, imported.version), (100, 1));
    let conflict = store
        .register(
            RegisterRequest {
                id: Some(100),
                ..request("t", "\"long\"")
            },
            allow(),
        )
        .await;
    assert!(matches!(refusal(conflict), Refusal::IdConflict(_)));
    // New ids continue above the imported one.
    let next = store
        .register(request("u", "\"float\""), allow())
        .await
        .expect("registers");
    assert!(next.id > 100);
}

/// The same schema registered at once under many subjects (through two stores, as two
/// registry processes would) gets one id.
async fn one_id_for_a_schema_registered_concurrently_under_many_subjects(backend: Backend) {
    let fixture = Fixture::new(backend);
    let stores = [fixture.open().await, fixture.open().await];
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = Arc::clone(&stores[i % 2]);
        tasks.push(tokio::spawn(async move {
            store
                .register(
                    request(
                        &format!("s{i}"),
                        r#"{"type":"fixed","name":"Same","size":4}"#,
                    ),
                    allow(),
                )
                .await
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        let registered = task.await.expect("task").expect("registers");
        assert_eq!((registered.version, registered.created), (1, true));
        ids.push(registered.id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(
        stores[0].usages(".", ids[0]).await.expect("usages").len(),
        16
    );
}

/// Two stores on one database (two registry processes) serialise registrations of one subject
/// and see each other's writes at once.
async fn concurrent_stores_share_one_database(backend: Backend) {
    let fixture = Fixture::new(backend);
    let stores = [fixture.open().await, fixture.open().await];
    let mut tasks = Vec::new();
    for i in 0..12 {
        let store = Arc::clone(&stores[i % 2]);
        tasks.push(tokio::spawn(async move {
            let text = format!(r#"{{"type":"enum","name":"E","symbols":["S{i}"]}}"#);
            store.register(request("shared", &text), allow()).await
        }));
    }
    // Were two registrations to read the same latest version, both would claim the next
    // number and one would fail.
    let mut versions = Vec::new();
    let mut ids = Vec::new();
    for task in tasks {
        let registered = task.await.expect("task").expect("registers");
        versions.push(registered.version);
        ids.push(registered.id);
    }
    versions.sort_unstable();
    assert_eq!(versions, (1..=12).collect::<Vec<i64>>());
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 12, "distinct schemas get distinct ids");
    // A write through one store is visible through the other at once.
    let next = stores[0]
        .register(request("other", "\"bytes\""), allow())
        .await
        .expect("registers");
    assert_eq!(
        stores[1]
            .schema(".", next.id)
            .await
            .expect("reads")
            .map(|s| s.schema),
        Some("\"bytes\"".to_owned())
    );
}

/// Schemas far larger than a database index entry may be are stored, deduplicated and found.
async fn large_schemas_are_stored_and_found(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let fields: Vec<String> = (0..2000)
        .map(|i| format!("{{\"name\":\"field_{i}\",\"type\":\"string\"}}"))
        .collect();
    let text = format!(
        "{{\"type\":\"record\",\"name\":\"Big\",\"fields\":[{}]}}",
        fields.join(",")
    );
    assert!(text.len() > 50_000);
    let a = store
        .register(request("a", &text), allow())
        .await
        .expect("registers");
    let b = store
        .register(request("b", &text), allow())
        .await
        .expect("registers");
    assert_eq!(a.id, b.id);
    assert_eq!(
        store.find_schema(".", &schema(&text)).await.expect("reads"),
        Some(a.id)
    );
    let mut longer = text.clone();
    longer.push(' ');
    assert_eq!(
        store
            .find_schema(".", &schema(&longer))
            .await
            .expect("reads"),
        None
    );
}

#[tokio::test]
async fn urls_choose_the_backend() {
    assert!(open("sqlite://:memory:").await.is_ok());
    assert!(matches!(
        open("mysql://x").await,
        Err(Error::Unsupported(_))
    ));
    assert!(matches!(
        open("sqlite://").await,
        Err(Error::Unsupported(_))
    ));
    // Nothing listens on port 1: the PostgreSQL backend is chosen, fails to connect, and says
    // where without the password.
    let postgres = open("postgres://registry:s3cret@127.0.0.1:1/registry").await;
    let message = format!("{postgres:?}");
    assert!(
        matches!(&postgres, Err(Error::Store(m)) if m.contains("cannot connect to postgres://registry:***@127.0.0.1:1/registry")),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");
    let invalid = open("postgresql://registry:s3cret@127.0.0.1:notaport/registry").await;
    let message = format!("{invalid:?}");
    assert!(matches!(invalid, Err(Error::Unsupported(_))), "{message}");
    assert!(!message.contains("s3cret"), "{message}");
}

#[test]
fn urls_are_shown_without_passwords() {
    for (url, shown) in [
        (
            "postgres://user:pa@ss:word@db.example:5432/registry?sslmode=disable",
            "postgres://user:***@db.example:5432/registry?sslmode=disable",
        ),
        (
            "postgresql://user@db/registry?password=hunter2&application_name=x",
            "postgresql://user@db/registry?password=***&application_name=x",
        ),
        ("postgres://db/registry", "postgres://db/registry"),
        ("postgres://u:p@db", "postgres://u:***@db"),
    ] {
        assert_eq!(super::redact(url), shown);
    }
}

#[test]
fn query_files_split_into_named_statements() {
    let queries =
        Queries::parse("-- header\n\n-- name: one\nSELECT 1\n\n-- name: two\nSELECT\n  2\n");
    assert_eq!(queries.names(), vec!["one", "two"]);
    assert_eq!(queries.get("two").expect("named"), "SELECT\n  2");
    assert!(matches!(queries.get("three"), Err(Error::Store(_))));
}

#[test]
fn schema_ids_for_registrations_and_imports() {
    use SchemaIdChoice::{Insert, Stored};
    let refused = |result: Result<SchemaIdChoice>| match result {
        Err(Error::Refused(Refusal::IdConflict(message))) => message,
        other => panic!("expected an id conflict, got {other:?}"),
    };
    // Plain registrations: the schema's id where it is stored, otherwise a new one.
    assert_eq!(
        schema_id_to_register(None, None, Some(7)).ok(),
        Some(Stored(7))
    );
    assert_eq!(
        schema_id_to_register(None, None, None).ok(),
        Some(Insert(None))
    );
    // Imports: the requested id when it holds the same schema or is free.
    assert_eq!(
        schema_id_to_register(Some(9), Some(true), Some(9)).ok(),
        Some(Stored(9))
    );
    assert_eq!(
        schema_id_to_register(Some(9), None, None).ok(),
        Some(Insert(Some(9)))
    );
    assert_eq!(
        refused(schema_id_to_register(Some(9), Some(false), None)),
        "Overwrite new schema with id 9 is not permitted: the id belongs to another schema"
    );
    assert_eq!(
        refused(schema_id_to_register(Some(9), None, Some(7))),
        "Schema already registered with id 7 instead of input id 9"
    );
}

#[test]
fn migrations_pending_and_a_database_from_a_newer_contrail() {
    const KNOWN: &[Migration] = &[(1, "001-init", "a"), (2, "002-more", "b")];
    let names = |applied: &[i64]| -> Vec<&str> {
        pending_migrations(KNOWN, applied)
            .expect("pending")
            .iter()
            .map(|(_, name, _)| *name)
            .collect()
    };
    assert_eq!(names(&[]), ["001-init", "002-more"]);
    assert_eq!(names(&[1]), ["002-more"]);
    assert!(names(&[1, 2]).is_empty());
    match pending_migrations(KNOWN, &[1, 2, 3]) {
        Err(Error::Store(message)) => assert_eq!(
            message,
            "the database was migrated to version 3 by a newer contrail; this one knows up to 2"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn schemas_are_found_by_guid(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let base = store
        .register(request("base", "\"string\""), allow())
        .await
        .expect("registers");
    let mut with_reference = request("user", "{\"type\":\"record\",\"name\":\"U\",\"fields\":[]}");
    with_reference.schema.references = vec![reference("Base", "base", 1)];
    let user = store
        .register(with_reference.clone(), allow())
        .await
        .expect("registers");
    for (id, schema) in [
        (base.id, schema("\"string\"")),
        (user.id, with_reference.schema),
    ] {
        let guid = schema.guid();
        let found = schema_by_guid(store.as_ref(), &guid).await.expect("reads");
        let found = found.expect("the GUID names the schema");
        assert_eq!(found.id, id);
        assert_eq!(
            found.guid(),
            guid,
            "the stored schema gives the GUID it was found by"
        );
    }
    // The same text with other references is another schema with another GUID.
    assert_ne!(
        schema("{\"type\":\"record\",\"name\":\"U\",\"fields\":[]}").guid(),
        store
            .schema(".", user.id)
            .await
            .expect("reads")
            .expect("stored")
            .guid()
    );
    assert_eq!(
        schema_by_guid(store.as_ref(), "00000000-0000-0000-0000-000000000000")
            .await
            .expect("reads"),
        None
    );
    // A soft-deleted version's schema keeps its GUID, as it keeps its id.
    store
        .delete_subject("user", false)
        .await
        .expect("soft delete");
    let user_guid = store
        .schema(".", user.id)
        .await
        .expect("reads")
        .expect("kept")
        .guid();
    assert!(
        schema_by_guid(store.as_ref(), &user_guid)
            .await
            .expect("reads")
            .is_some()
    );
}

/// A database written by a contrail from before GUIDs (migration 1 only) gets the GUIDs of its
/// schemas when a newer registry opens it.
async fn schemas_stored_before_guids_get_theirs(backend: Backend) {
    let fixture = Fixture::new(backend);
    let text = "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}";
    let row =
        format!("INSERT INTO schemas (id, schema_type, canonical) VALUES (7, 'AVRO', '{text}')");
    fixture.write_old_database(backend, 1, &[&row]).await;
    let store = fixture.open().await;
    let found = schema_by_guid(store.as_ref(), &schema(text).guid())
        .await
        .expect("reads")
        .expect("the old schema has its GUID");
    assert_eq!(found.id, 7);
    // Opening again finds nothing left to fill and changes nothing.
    drop(store);
    let store = fixture.open().await;
    assert_eq!(
        schema_by_guid(store.as_ref(), &schema(text).guid())
            .await
            .expect("reads")
            .map(|s| s.id),
        Some(7)
    );
}

/// A Protobuf schema stored by a build before Confluent's text form (whitespace-normalised
/// text, or base64 as sent) is found by that form when registered again, so it keeps its id;
/// a schema not stored in the earlier form gets the canonical text.
async fn protobuf_stored_by_earlier_builds_keeps_its_id(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let text = "syntax = \"proto3\";\nmessage A {\n  string s = 1; // kept\n}\n";
    let parsed = |text: &str| {
        crate::canonical::parse(SchemaType::Protobuf, text, Vec::new(), &[], false).expect("parses")
    };
    let first = parsed(text);
    let earlier = first.legacy.clone().expect("an earlier form");
    assert_eq!(earlier, crate::canonical::normalize_protobuf(text));
    let old = NewSchema {
        canonical: earlier.clone(),
        ..first.schema.clone()
    };
    let stored = store
        .register(
            RegisterRequest {
                subject: "a".to_owned(),
                schema: old,
                id: None,
                version: None,
            },
            allow(),
        )
        .await
        .expect("the earlier form registers");

    let mut again = parsed(text);
    assert_ne!(again.schema.canonical, earlier);
    adopt_earlier_form(store.as_ref(), ".", &mut again.schema, again.legacy.take())
        .await
        .expect("reads");
    assert_eq!(again.schema.canonical, earlier);
    assert_eq!(
        store.find_schema(".", &again.schema).await.expect("reads"),
        Some(stored.id)
    );

    // Another schema has no earlier row: it keeps its canonical text.
    let mut other = parsed("syntax = \"proto3\";\nmessage B { int32 n = 1; }\n");
    let canonical = other.schema.canonical.clone();
    adopt_earlier_form(store.as_ref(), ".", &mut other.schema, other.legacy.take())
        .await
        .expect("reads");
    assert_eq!(other.schema.canonical, canonical);
    assert_eq!(
        canonical,
        "syntax = \"proto3\";\n\nmessage B {\n  int32 n = 1;\n}\n"
    );
}

/// An Avro schema registered with `normalize=true` by a build that wrote full names keeps its
/// id when registered or looked up with `normalize=true` again.
async fn avro_normalized_by_earlier_builds_keeps_its_id(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let text = r#"{"type":"record","name":"User","namespace":"com.example","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["X"]}}]}"#;
    let parsed =
        || crate::canonical::parse(SchemaType::Avro, text, Vec::new(), &[], true).expect("parses");
    let first = parsed();
    let earlier = first.legacy.clone().expect("an earlier form");
    assert!(
        earlier.contains(r#""name":"com.example.User""#) && earlier.contains(r#""com.example.E""#),
        "{earlier}"
    );
    let stored = store
        .register(
            RegisterRequest {
                subject: "a".to_owned(),
                schema: NewSchema {
                    canonical: earlier.clone(),
                    ..first.schema.clone()
                },
                id: None,
                version: None,
            },
            allow(),
        )
        .await
        .expect("the earlier form registers");
    let mut again = parsed();
    assert_ne!(again.schema.canonical, earlier);
    adopt_earlier_form(store.as_ref(), ".", &mut again.schema, again.legacy.take())
        .await
        .expect("reads");
    assert_eq!(
        store.find_schema(".", &again.schema).await.expect("reads"),
        Some(stored.id)
    );
    // Without normalize there is no earlier form to look for.
    let plain =
        crate::canonical::parse(SchemaType::Avro, text, Vec::new(), &[], false).expect("parses");
    assert_eq!(plain.legacy, None);
}

/// Contexts: ids per context, settings inherited through the context, the migration.
mod contexts;
