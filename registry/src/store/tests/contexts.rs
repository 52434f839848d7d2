//! Contexts on every backend: each context numbers its schemas, a context's settings apply to
//! its subjects, references are read in the referrer's context, and databases written before
//! contexts keep their ids.

use super::*;

on_both_stores!(async
    each_context_numbers_its_schemas,
    deleted_contexts_keep_their_ids_used,
    references_are_read_in_the_referrer_context,
    settings_come_from_the_subject_its_context_then_the_global_context,
    import_mode_for_a_context_counts_that_context,
    databases_from_before_contexts_keep_their_ids,
);

async fn each_context_numbers_its_schemas(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let plain = store
        .register(request("orders", "\"string\""), allow())
        .await
        .expect("registers");
    let linked = store
        .register(request(":.eu:orders", "\"string\""), allow())
        .await
        .expect("registers in .eu");
    let second = store
        .register(request(":.eu:orders", "\"int\""), allow())
        .await
        .expect("registers in .eu");
    assert_eq!((plain.id, linked.id, second.id), (1, 1, 2));
    // The same text in one context is one id, across subjects.
    let other = store
        .register(request(":.eu:payments", "\"int\""), allow())
        .await
        .expect("registers");
    assert_eq!(other.id, 2);
    assert_eq!(
        store.contexts().await.expect("lists"),
        vec![".".to_owned(), ".eu".to_owned()]
    );
    assert_eq!(
        store
            .find_schema(".eu", &schema("\"int\""))
            .await
            .expect("reads"),
        Some(2)
    );
    assert_eq!(
        store
            .find_schema(".", &schema("\"int\""))
            .await
            .expect("reads"),
        None
    );
    assert_eq!(
        store.schema(".", 2).await.expect("reads"),
        None,
        "id 2 is only in .eu"
    );
    let usages: Vec<String> = store
        .usages(".eu", 2)
        .await
        .expect("usages")
        .into_iter()
        .map(|u| u.subject)
        .collect();
    assert_eq!(usages, [":.eu:orders", ":.eu:payments"]);
    assert_eq!(
        store
            .ids_by_guid(&schema("\"string\"").guid())
            .await
            .expect("reads"),
        vec![
            ContextId {
                context: ".".to_owned(),
                id: 1
            },
            ContextId {
                context: ".eu".to_owned(),
                id: 1
            }
        ]
    );
}

async fn deleted_contexts_keep_their_ids_used(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    for text in ["\"string\"", "\"int\""] {
        store
            .register(request(":.eu:orders", text), allow())
            .await
            .expect("registers");
    }
    assert_eq!(
        refusal(store.delete_context(".eu").await),
        Refusal::ContextNotEmpty(":.eu:".to_owned())
    );
    store
        .delete_subject(":.eu:orders", false)
        .await
        .expect("soft delete");
    assert!(
        matches!(
            refusal(store.delete_context(".eu").await),
            Refusal::ContextNotEmpty(_)
        ),
        "soft-deleted versions still count"
    );
    store
        .delete_subject(":.eu:orders", true)
        .await
        .expect("permanent delete");
    store.delete_context(".eu").await.expect("an empty context");
    store
        .delete_context(".nowhere")
        .await
        .expect("nothing to delete");
    assert_eq!(store.contexts().await.expect("lists"), vec![".".to_owned()]);
    let again = store
        .register(request(":.eu:orders", "\"string\""), allow())
        .await
        .expect("registers");
    assert_eq!(again.id, 3, "ids 1 and 2 may still be in topics");
    assert_eq!(
        store.contexts().await.expect("lists"),
        vec![".".to_owned(), ".eu".to_owned()]
    );
}

async fn references_are_read_in_the_referrer_context(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let address = "{\"type\":\"record\",\"name\":\"Address\",\"fields\":[]}";
    let base = store
        .register(request(":.eu:address", address), allow())
        .await
        .expect("registers");
    let mut user = request(
        ":.eu:user",
        "{\"type\":\"record\",\"name\":\"U\",\"fields\":[{\"name\":\"a\",\"type\":\"Address\"}]}",
    );
    user.schema.references = vec![reference("Address", "address", 1)];
    let resolved = store
        .resolve_references(".eu", &user.schema.references)
        .await
        .expect("`address` is :.eu:address");
    assert_eq!(resolved[0].schema.id, base.id);
    assert!(
        matches!(
            refusal(store.resolve_references(".", &user.schema.references).await),
            Refusal::InvalidSchema(_)
        ),
        "the default context has no `address`"
    );
    let registered = store.register(user, allow()).await.expect("registers");
    let referrers = store
        .referenced_by(":.eu:address", 1)
        .await
        .expect("referrers");
    assert_eq!(
        referrers.iter().map(|r| r.id).collect::<Vec<_>>(),
        [registered.id]
    );
    assert!(matches!(
        refusal(
            store
                .delete_version(":.eu:address", VersionSelector::Number(1), false)
                .await
        ),
        Refusal::Referenced { .. }
    ));
}

async fn settings_come_from_the_subject_its_context_then_the_global_context(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    let level = |compatibility| Config {
        compatibility: Some(compatibility),
        normalize: None,
    };
    let seen = |store: Arc<dyn Store>, subject: &'static str| async move {
        let sink = Arc::new(std::sync::Mutex::new(None));
        let out = Arc::clone(&sink);
        store
            .register(
                request(subject, "\"string\""),
                Box::new(move |context| {
                    *out.lock().expect("lock") = Some((context.mode, context.compatibility));
                    Ok(())
                }),
            )
            .await
            .expect("registers");
        sink.lock().expect("lock").take().expect("the checker ran")
    };
    store
        .set_config(None, level(CompatibilityMode::None))
        .await
        .expect("registry level");
    // The registry's own setting is the default context's: .eu falls through to the global
    // context, then the default level.
    assert_eq!(
        seen(store.clone(), "orders").await,
        (Mode::ReadWrite, CompatibilityMode::None)
    );
    assert_eq!(
        seen(store.clone(), ":.eu:orders").await,
        (Mode::ReadWrite, CompatibilityMode::Backward)
    );
    store
        .set_config(Some(":.__GLOBAL:"), level(CompatibilityMode::Forward))
        .await
        .expect("global context level");
    assert_eq!(
        seen(store.clone(), ":.eu:a").await.1,
        CompatibilityMode::Forward
    );
    store
        .set_config(Some(":.eu:"), level(CompatibilityMode::Full))
        .await
        .expect("context level");
    assert_eq!(
        seen(store.clone(), ":.eu:b").await.1,
        CompatibilityMode::Full
    );
    store
        .set_config(Some(":.eu:c"), level(CompatibilityMode::FullTransitive))
        .await
        .expect("subject level");
    assert_eq!(
        seen(store.clone(), ":.eu:c").await.1,
        CompatibilityMode::FullTransitive
    );
    assert_eq!(
        seen(store.clone(), "d").await.1,
        CompatibilityMode::None,
        "other contexts' settings do not reach the default one"
    );
    store
        .set_mode(Some(":.eu:"), Mode::ReadOnly, false)
        .await
        .expect("context mode");
    assert!(matches!(
        refusal(store.delete_subject(":.eu:a", false).await),
        Refusal::NotPermitted(_)
    ));
    store
        .delete_subject("orders", false)
        .await
        .expect("the default context is read-write");
}

async fn import_mode_for_a_context_counts_that_context(backend: Backend) {
    let fixture = Fixture::new(backend);
    let store = fixture.open().await;
    store
        .register(request("orders", "\"string\""), allow())
        .await
        .expect("registers");
    store
        .set_mode(Some(":.eu:"), Mode::Import, false)
        .await
        .expect("an empty context imports without force");
    let imported = store
        .register(
            RegisterRequest {
                id: Some(40),
                version: Some(3),
                ..request(":.eu:orders", "\"int\"")
            },
            allow(),
        )
        .await
        .expect("imports");
    assert_eq!((imported.id, imported.version), (40, 3));
    store
        .set_mode(Some(":.eu:"), Mode::ReadWrite, false)
        .await
        .expect("back");
    assert!(matches!(
        refusal(store.set_mode(Some(":.eu:"), Mode::Import, false).await),
        Refusal::NotPermitted(_)
    ));
    let next = store
        .register(request(":.eu:orders", "\"long\""), allow())
        .await
        .expect("registers");
    assert_eq!(next.id, 41, "ids continue above the imported one");
    let default = store
        .register(request("orders", "\"long\""), allow())
        .await
        .expect("registers");
    assert_eq!(default.id, 2, "the default context has its own numbers");
}

/// A database from before contexts: a subject named `:.eu:a` was stored in the default
/// context, sharing schema 5 with `b`; schema 6 only `:.eu:c` used.
async fn databases_from_before_contexts_keep_their_ids(backend: Backend) {
    let fixture = Fixture::new(backend);
    let rows = [
        "INSERT INTO schemas (id, schema_type, canonical) VALUES (5, 'AVRO', '\"string\"')",
        "INSERT INTO schemas (id, schema_type, canonical) VALUES (6, 'AVRO', '\"int\"')",
        "INSERT INTO subject_versions (subject, version, schema_id) VALUES ('b', 1, 5)",
        "INSERT INTO subject_versions (subject, version, schema_id) VALUES (':.eu:a', 1, 5)",
        "INSERT INTO subject_versions (subject, version, schema_id) VALUES (':.eu:c', 1, 6)",
        "INSERT INTO subject_versions (subject, version, schema_id) VALUES (':.:d', 1, 6)",
        "INSERT INTO config (scope, compatibility) VALUES (':.eu:', 'FULL')",
    ];
    // PostgreSQL's identity sequence had handed out 6 (the rows gave explicit ids); SQLite's
    // AUTOINCREMENT counter follows explicit ids by itself.
    let sequence = match backend {
        Backend::Sqlite => "SELECT 1",
        Backend::Postgres => "SELECT setval('schemas_id_seq', 6)",
    };
    let statements: Vec<&str> = rows.iter().copied().chain([sequence]).collect();
    fixture.write_old_database(backend, 2, &statements).await;
    let store = fixture.open().await;
    let subjects =
        |usages: Vec<Usage>| -> Vec<String> { usages.into_iter().map(|u| u.subject).collect() };
    assert_eq!(subjects(store.usages(".", 5).await.expect("usages")), ["b"]);
    assert_eq!(
        subjects(store.usages(".eu", 5).await.expect("usages")),
        [":.eu:a"]
    );
    assert_eq!(
        subjects(store.usages(".eu", 6).await.expect("usages")),
        [":.eu:c"]
    );
    assert_eq!(
        subjects(store.usages(".", 6).await.expect("usages")),
        ["d"],
        "`:.:d` is `d`"
    );
    assert_eq!(
        store.contexts().await.expect("lists"),
        vec![".".to_owned(), ".eu".to_owned()]
    );
    assert_eq!(
        store.config(Some(":.eu:")).await.expect("reads"),
        Some(Config {
            compatibility: Some(CompatibilityMode::Full),
            normalize: None
        }),
        "the context's setting was already stored under its scope"
    );
    let eu = store
        .register(request(":.eu:x", "\"long\""), allow())
        .await
        .expect("registers");
    let default = store
        .register(request("x", "\"long\""), allow())
        .await
        .expect("registers");
    assert_eq!(
        (eu.id, default.id),
        (7, 7),
        "each context continues above 6"
    );
    assert!(
        schema_by_guid(store.as_ref(), &schema("\"int\"").guid())
            .await
            .expect("reads")
            .is_some(),
        "moved schemas keep their GUIDs"
    );
}
