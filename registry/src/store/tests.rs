//! Store tests against SQLite files in a temporary directory.

use std::sync::Arc;

use contrail_contracts::compat::CompatibilityMode;

use super::*;
use crate::model::SchemaType;

fn schema(text: &str) -> NewSchema {
    NewSchema {
        schema_type: SchemaType::Avro,
        canonical: text.to_owned(),
        references: Vec::new(),
    }
}

fn request(subject: &str, text: &str) -> RegisterRequest {
    RegisterRequest {
        subject: subject.to_owned(),
        schema: schema(text),
        id: None,
        version: None,
    }
}

fn allow() -> Checker {
    Box::new(|_| Ok(()))
}

async fn open_in(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    let url = format!("sqlite://{}", dir.path().join("registry.db").display());
    open(&url).await.expect("the store opens")
}

fn refusal(result: Result<impl fmt::Debug>) -> Refusal {
    match result {
        Err(Error::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn every_statement_prepares() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("prepare.db");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        open(&format!("sqlite://{}", path.display()))
            .await
            .expect("opens");
    });
    let connection = rusqlite::Connection::open(&path).expect("reopens");
    let text = include_str!("../../sql/queries.sql");
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("-- name:"))
        .map(str::trim)
        .collect();
    assert!(names.len() > 20, "{names:?}");
    for name in names {
        let statement = sqlite::statement_for_test(name);
        connection
            .prepare(statement)
            .unwrap_or_else(|e| panic!("statement {name} does not prepare: {e}"));
    }
}

#[tokio::test]
async fn urls_choose_the_backend() {
    assert!(open("sqlite://:memory:").await.is_ok());
    let postgres = open("postgres://localhost/registry").await;
    assert!(
        matches!(&postgres, Err(Error::Unsupported(m)) if m.contains("not built yet")),
        "{postgres:?}"
    );
    assert!(matches!(
        open("mysql://x").await,
        Err(Error::Unsupported(_))
    ));
    assert!(matches!(
        open("sqlite://").await,
        Err(Error::Unsupported(_))
    ));
}

#[tokio::test]
async fn same_schema_same_id_across_subjects_and_repeats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_in(&dir).await;
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
    let usages = store.usages(a.id).await.expect("usages");
    assert_eq!(usages.len(), 2);
}

#[tokio::test]
async fn data_survives_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let id = {
        let store = open_in(&dir).await;
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
    let store = open_in(&dir).await;
    let stored = store.schema(id).await.expect("reads").expect("is there");
    assert_eq!(stored.schema, "\"string\"");
    let config = store.config(None).await.expect("config").expect("set");
    assert_eq!(config.compatibility, Some(CompatibilityMode::Full));
}

#[tokio::test]
async fn ids_are_never_reused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_in(&dir).await;
    let first = store
        .register(request("a", "\"string\""), allow())
        .await
        .expect("registers");
    store.delete_subject("a", false).await.expect("soft");
    store.delete_subject("a", true).await.expect("permanent");
    assert_eq!(store.schema(first.id).await.expect("reads"), None);
    let next = store
        .register(request("a", "\"long\""), allow())
        .await
        .expect("registers");
    assert!(next.id > first.id, "{} after {}", next.id, first.id);
    assert_eq!(next.version, 1, "versions restart after a permanent delete");
}

#[tokio::test]
async fn a_refusal_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_in(&dir).await;
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
            .find_schema(&schema("\"string\""))
            .await
            .expect("reads"),
        None
    );
}

#[tokio::test]
async fn the_checker_sees_mode_level_and_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_in(&dir).await;
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

#[tokio::test]
async fn concurrent_registrations_see_each_other() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_in(&dir).await;
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

#[tokio::test]
async fn delete_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_in(&dir).await;
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

#[tokio::test]
async fn references_block_deletes_and_list_referrers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_in(&dir).await;
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
        .resolve_references(std::slice::from_ref(&reference))
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
        refusal(store.resolve_references(&[missing]).await),
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

#[tokio::test]
async fn config_and_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_in(&dir).await;
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

#[tokio::test]
async fn import_keeps_ids_and_refuses_conflicts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_in(&dir).await;
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
