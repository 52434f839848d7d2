//! Contexts end to end, on both stores: subjects qualified as `:.ctx:name`, ids per context,
//! `/contexts`, the `/contexts/{context}/…` prefixes, `subjectPrefix`, look-ups that find a
//! subject's schemas in other contexts, settings a context's subjects inherit, and deleting an
//! empty context. docs/registry.md ("Contexts") describes each; Confluent 8.x behaves so, and
//! the `confluent_*` tests are Confluent's own `RestApiContextTest` cases, ported.

use contrail_e2e::on_both_stores;
use contrail_e2e::stores::Backend;
use serde_json::{Value, json};

use crate::registry::{Registry, STRING_GUID};

fn text(schema: &str) -> Value {
    json!({ "schema": schema })
}

fn record(name: &str, fields: &str) -> Value {
    text(&format!(
        "{{\"type\":\"record\",\"name\":\"{name}\",\"fields\":[{fields}]}}"
    ))
}

fn contexts_are_separate_namespaces(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    // .eu's subjects change type freely: its own level, which the default context does not see.
    registry
        .put("/config/:.eu:", &json!({"compatibility": "NONE"}))
        .ok();
    assert_eq!(registry.register("orders", &text("\"string\"")), 1);
    assert_eq!(registry.register(":.eu:orders", &text("\"string\"")), 1);
    assert_eq!(registry.register(":.eu:orders", &text("\"int\"")), 2);
    // The same schema under another subject of the context keeps its id there.
    assert_eq!(registry.register(":.eu:returns", &text("\"int\"")), 2);

    assert_eq!(registry.get("/contexts").ok(), json!([".", ".eu"]));
    assert_eq!(
        registry.get("/contexts?contextPrefix=.e").ok(),
        json!([".eu"])
    );
    assert_eq!(
        registry.get("/subjects").ok(),
        json!([":.eu:orders", ":.eu:returns", "orders"])
    );
    for (query, expected) in [
        (
            "subjectPrefix=:.eu:",
            json!([":.eu:orders", ":.eu:returns"]),
        ),
        ("subjectPrefix=:.eu:ord", json!([":.eu:orders"])),
        ("subjectPrefix=ord", json!(["orders"])),
        ("subjectPrefix=:*:ord", json!([":.eu:orders", "orders"])),
    ] {
        assert_eq!(
            registry.get(&format!("/subjects?{query}")).ok(),
            expected,
            "{query}"
        );
    }
    assert_eq!(
        registry.get("/contexts/.eu/subjects").ok(),
        json!([":.eu:orders", ":.eu:returns"])
    );
    assert_eq!(
        registry.get("/contexts/.eu/subjects/orders/versions").ok(),
        json!([1, 2])
    );
    let latest = registry.get("/subjects/:.eu:orders/versions/latest").ok();
    assert_eq!(
        (latest["subject"].clone(), latest["id"].clone()),
        (json!(":.eu:orders"), json!(2))
    );
    // `:.:name` is the default context written out.
    assert_eq!(
        registry.get("/subjects/:.:orders/versions").ok(),
        json!([1])
    );

    // Ids are read in the context the `subject` parameter (or the path prefix) names.
    registry.get("/schemas/ids/2").assert_error(404, 40403);
    for path in [
        "/schemas/ids/2?subject=:.eu:orders",
        "/schemas/ids/2?subject=:.eu:",
        "/contexts/.eu/schemas/ids/2",
        // An unqualified subject that does not use the id is looked for in other contexts.
        "/schemas/ids/2?subject=orders",
    ] {
        assert_eq!(
            registry.get(path).ok()["schema"],
            json!("\"int\""),
            "{path}"
        );
    }
    assert_eq!(
        registry.get("/schemas/ids/1?subject=orders").ok()["schema"],
        json!("\"string\"")
    );
    registry
        .get("/schemas/ids/2?subject=:.eu:nothing")
        .assert_error(404, 40403);
    assert_eq!(
        registry.get("/schemas/ids/2/versions?subject=:.eu:").ok(),
        json!([
            {"subject": ":.eu:orders", "version": 2},
            {"subject": ":.eu:returns", "version": 1}
        ])
    );
    assert_eq!(
        registry.get("/contexts/.eu/schemas/ids/1/subjects").ok(),
        json!([":.eu:orders"])
    );
    assert_eq!(
        registry
            .get(&format!("/schemas/guids/{STRING_GUID}/ids"))
            .ok(),
        json!([{"context": ".", "id": 1}, {"context": ".eu", "id": 1}])
    );

    // Look-ups: a qualified subject in its context; an unqualified one in the others too.
    let found = registry
        .post("/subjects/:.eu:orders", &text("\"int\""))
        .ok();
    assert_eq!(
        (found["id"].clone(), found["version"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(registry.register(":.eu:payments", &text("\"long\"")), 3);
    let found = registry.post("/subjects/payments", &text("\"long\"")).ok();
    assert_eq!(found["subject"], json!(":.eu:payments"));
    assert_eq!(
        registry.get("/subjects/payments/versions/latest").ok()["subject"],
        json!(":.eu:payments")
    );
    registry
        .get("/subjects/nowhere/versions/latest")
        .assert_error(404, 40401);

    let message = registry
        .get("/contexts/a:b/subjects")
        .assert_error(400, 400);
    assert_eq!(message, "Context name 'a:b' cannot contain a colon");
    let message = registry
        .post("/subjects/:.eu:/versions", &text("\"int\""))
        .assert_error(422, 42208);
    assert!(message.contains("':.eu:'"), "{message}");
}

on_both_stores!(contexts_are_separate_namespaces);

fn context_settings_are_inherited(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    let v1 = record("R", "{\"name\":\"a\",\"type\":\"int\"}");
    // A new field without a default: backward compatible, not forward.
    let v2 = record(
        "R",
        "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}",
    );
    let v3 = record(
        "R",
        "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0},{\"name\":\"c\",\"type\":\"int\"}",
    );
    registry
        .put("/config", &json!({"compatibility": "NONE"}))
        .ok();
    registry
        .put(
            "/contexts/.eu/config",
            &json!({"compatibility": "BACKWARD"}),
        )
        .ok();
    assert_eq!(
        registry.get("/config/:.eu:").ok()["compatibilityLevel"],
        json!("BACKWARD")
    );
    assert_eq!(
        registry.get("/config/:.eu:x?defaultToGlobal=true").ok()["compatibilityLevel"],
        json!("BACKWARD")
    );
    registry.get("/config/:.eu:x").assert_error(404, 40408);
    for subject in [":.eu:x", "x"] {
        registry.register(subject, &v1);
        registry.register(subject, &v2);
    }
    // `c` has no default: refused under the context's BACKWARD, not under the registry's NONE.
    registry
        .post("/subjects/:.eu:x/versions", &v3)
        .assert_error(409, 409);
    registry.register("x", &v3);
    let verdict = registry
        .post("/compatibility/subjects/:.eu:x/versions/latest", &v3)
        .ok();
    assert_eq!(verdict["is_compatible"], json!(false));

    registry
        .put("/contexts/.eu/mode", &json!({"mode": "READONLY"}))
        .ok();
    assert_eq!(registry.get("/mode/:.eu:").ok()["mode"], json!("READONLY"));
    registry
        .post("/subjects/:.eu:y/versions", &v1)
        .assert_error(422, 42205);
    registry.register("y", &v1);
    registry.delete("/mode/:.eu:").ok();
    registry.register(":.eu:y", &v1);
}

on_both_stores!(context_settings_are_inherited);

fn references_and_deletes_stay_in_their_context(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    let address = registry.register(
        ":.eu:address",
        &record("Address", "{\"name\":\"city\",\"type\":\"string\"}"),
    );
    let mut user = record("User", "{\"name\":\"home\",\"type\":\"Address\"}");
    user["references"] = json!([{"name": "Address", "subject": "address", "version": 1}]);
    // `address` is read in the referrer's context: .eu has it, the default context does not.
    registry
        .post("/subjects/user/versions", &user)
        .assert_error(422, 42201);
    let user_id = registry.register(":.eu:user", &user);
    assert_eq!(
        registry
            .get("/subjects/:.eu:address/versions/1/referencedby")
            .ok(),
        json!([user_id])
    );
    assert_eq!(
        registry
            .get("/schemas?subjectPrefix=:.eu:")
            .ok()
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        registry.get("/schemas").ok(),
        json!([]),
        "the default context is empty"
    );

    let message = registry.delete("/contexts/.eu").assert_error(422, 42211);
    assert_eq!(message, "The specified context ':.eu:' is not empty.");
    for subject in [":.eu:user", ":.eu:address"] {
        registry.delete(&format!("/subjects/{subject}")).ok();
        registry
            .delete(&format!("/subjects/{subject}?permanent=true"))
            .ok();
    }
    let reply = registry.delete("/contexts/.eu");
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(registry.get("/contexts").ok(), json!(["."]));
    // The context's ids stay used: a record may still carry them.
    let again = registry.register(":.eu:address", &text("\"string\""));
    assert!(again > user_id.max(address), "{again}");
}

on_both_stores!(references_and_deletes_stay_in_their_context);

/// contrail's own registry commands work inside a context when their URL names it, as
/// Confluent's clients do: `ls` lists the context's subjects with the level in force there
/// (the context sets none), `show --id` reads the context's id.
fn contrail_commands_work_inside_a_context(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    registry.register("orders-value", &text("\"string\""));
    registry.register(":.eu:orders-value", &text("\"int\""));
    let base = format!("{}/contexts/.eu", registry.base());
    let run = |args: &[&str]| {
        let output = contrail_e2e::contrail()
            .args(args)
            .args(["--registry", &base])
            .output()
            .expect("contrail runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{args:?}: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    };
    let listed = run(&["registry", "ls"]);
    assert!(listed.contains(":.eu:orders-value"), "{listed}");
    assert!(!listed.contains("\norders-value"), "{listed}");
    let shown = run(&["registry", "show", "--id", "1"]);
    assert!(
        shown.contains("\"int\"") || shown.contains("int"),
        "{shown}"
    );
    assert!(shown.contains(":.eu:orders-value version 1"), "{shown}");
}

on_both_stores!(contrail_commands_work_inside_a_context);

/// A registry on `backend` whose every context checks nothing (Confluent's test registry runs
/// with NONE): set once for the global context, which every context inherits.
fn registry_without_checks(backend: Backend) -> Registry {
    let registry = Registry::on(backend, &[]);
    registry
        .put("/config/:.__GLOBAL:", &json!({"compatibility": "NONE"}))
        .ok();
    registry
}

/// `count` distinct Avro records, numbered from `from`, as canonical text.
fn records(from: usize, count: usize) -> Vec<String> {
    (from..from + count)
        .map(|n| {
            format!(
                r#"{{"type":"record","name":"r{n}","fields":[{{"name":"f{n}","type":"string"}}]}}"#
            )
        })
        .collect()
}

/// Registers `schema` under `subject` through the path prefix `at` (`""`, or a context's
/// `/contexts/.ctx`), expecting `id`, and reads it back by id with the subject, as Confluent's
/// `registerAndVerifySchema` does.
#[track_caller]
fn register_and_verify(registry: &Registry, at: &str, schema: &str, id: i64, subject: &str) {
    let registered = registry
        .post(&format!("{at}/subjects/{subject}/versions"), &text(schema))
        .ok();
    assert_eq!(registered["id"], json!(id), "{subject}: {registered}");
    let read = registry
        .get(&format!("{at}/schemas/ids/{id}?subject={subject}"))
        .ok();
    assert_eq!(read["schema"], json!(schema), "{subject}");
}

/// Confluent's `RestApiContextTest.testQualifiedSubjects` (8.x): qualified subjects number
/// their ids per context, list by context, and are found without their context.
fn confluent_qualified_subjects(backend: Backend) {
    let registry = registry_without_checks(backend);
    let (s1, s2, s3, s4) = (
        ":.ctx1:testTopic1",
        ":.ctx2:testTopic2",
        ":.ctx3:testTopic1",
        "testTopic1",
    );
    registry
        .get(&format!("/subjects/{s1}/versions"))
        .assert_error(404, 40401);
    assert_eq!(registry.get("/contexts").ok(), json!(["."]));
    assert_eq!(registry.get("/subjects").ok(), json!([]));
    let sets = [
        (s1, records(0, 10)),
        (s2, records(10, 5)),
        (s3, records(20, 2)),
        (s4, records(30, 1)),
    ];
    for (subject, schemas) in &sets {
        for (i, schema) in schemas.iter().enumerate() {
            register_and_verify(&registry, "", schema, i as i64 + 1, subject);
        }
    }
    // Registering again returns the existing ids.
    for (i, schema) in sets[0].1.iter().enumerate() {
        let again = registry
            .post(&format!("/subjects/{s1}/versions"), &text(schema))
            .ok();
        assert_eq!(again["id"], json!(i + 1));
    }
    assert_eq!(
        registry.get(&format!("/subjects/{s1}/versions")).ok(),
        json!((1..=10).collect::<Vec<_>>())
    );
    assert_eq!(
        registry.get("/contexts").ok(),
        json!([".", ".ctx1", ".ctx2", ".ctx3"])
    );
    assert_eq!(
        registry.get("/subjects?subjectPrefix=:.ctx1:").ok(),
        json!([s1])
    );
    assert_eq!(
        registry.get("/subjects?subjectPrefix=:.ctx2:").ok(),
        json!([s2])
    );
    assert_eq!(registry.get("/subjects?subjectPrefix=").ok(), json!([s4]));
    assert_eq!(
        registry.get("/subjects?subjectPrefix=:*:").ok(),
        json!([s1, s2, s3, s4])
    );
    let count = |query: &str| {
        registry
            .get(&format!("/schemas?{query}"))
            .ok()
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(count("subjectPrefix=:*:"), 18);
    assert_eq!(count("subjectPrefix=:*:testTopic1"), 13);
    assert_eq!(count("subjectPrefix=:*:testTopic2"), 5);
    let version = registry.get("/subjects/testTopic2/versions/1").ok();
    assert_eq!(version["version"], json!(1));
    let found = registry
        .post("/subjects/testTopic2", &text(&sets[1].1[0]))
        .ok();
    assert_eq!(found["version"], json!(1));
}

on_both_stores!(confluent_qualified_subjects);

/// Confluent's `RestApiContextTest.testContextPaths` (8.x): clients whose URL names a
/// context (`/contexts/.ctx1`, or `/contexts/:.:` for the default one).
fn confluent_context_paths(backend: Backend) {
    let registry = registry_without_checks(backend);
    let (c1, c2, c3) = ("/contexts/.ctx1", "/contexts/.ctx2", "/contexts/:.:");
    registry
        .get(&format!("{c1}/subjects/testTopic1/versions"))
        .assert_error(404, 40401);
    let (s1, s3) = (records(0, 10), records(20, 2));
    let s2 = records(10, 5);
    for (i, schema) in s1.iter().enumerate() {
        register_and_verify(&registry, c1, schema, i as i64 + 1, "testTopic1");
    }
    for (i, schema) in s2.iter().enumerate() {
        for subject in ["testTopic2A", "testTopic2B", "testTopic2C"] {
            register_and_verify(&registry, c2, schema, i as i64 + 1, subject);
        }
    }
    registry
        .get(&format!("{c3}/schemas/ids/1"))
        .assert_error(404, 40403);
    for (i, schema) in s3.iter().enumerate() {
        register_and_verify(&registry, c3, schema, i as i64 + 1, "testTopic3");
    }
    assert_eq!(
        registry
            .get(&format!("{c1}/subjects/testTopic1/versions"))
            .ok(),
        json!((1..=10).collect::<Vec<_>>())
    );
    assert_eq!(
        registry
            .get(&format!("{c2}/subjects/testTopic2A/versions"))
            .ok(),
        json!([1, 2, 3, 4, 5])
    );
    for path in [
        format!("{c3}/subjects/testTopic3/versions"),
        "/subjects/testTopic3/versions".to_owned(),
        "/subjects/:.:testTopic3/versions".to_owned(),
    ] {
        assert_eq!(registry.get(&path).ok(), json!([1, 2]), "{path}");
    }
    assert_eq!(
        registry.get(&format!("{c1}/contexts")).ok(),
        json!([".", ".ctx1", ".ctx2"])
    );
    assert_eq!(
        registry.get(&format!("{c1}/subjects")).ok(),
        json!([":.ctx1:testTopic1"])
    );
    assert_eq!(
        registry.get(&format!("{c2}/subjects")).ok(),
        json!([
            ":.ctx2:testTopic2A",
            ":.ctx2:testTopic2B",
            ":.ctx2:testTopic2C"
        ])
    );
    assert_eq!(
        registry.get(&format!("{c3}/subjects")).ok(),
        json!(["testTopic3"])
    );
    assert_eq!(
        registry.get("/subjects?subjectPrefix=").ok(),
        json!(["testTopic3"])
    );
    assert_eq!(
        registry.get("/schemas/ids/1?subject=testTopic3").ok()["schema"],
        json!(s3[0])
    );
    assert_eq!(
        registry.get("/schemas/ids/1?subject=testTopic2A").ok()["schema"],
        json!(s2[0])
    );
    registry.delete(&format!("{c1}/subjects/testTopic1")).ok();
    registry
        .delete(&format!("{c1}/subjects/testTopic1?permanent=true"))
        .ok();
    registry
        .get(&format!("{c1}/subjects/testTopic1/versions"))
        .assert_error(404, 40401);
    registry.delete("/contexts/.ctx2").assert_error(422, 42211);
    let deleted = registry.delete("/contexts/.ctx1");
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert_eq!(
        registry.get(&format!("{c1}/contexts")).ok(),
        json!([".", ".ctx2"])
    );
}

on_both_stores!(confluent_context_paths);

/// Confluent's `RestApiContextTest.testContextPrefixFilter…` (8.x): `contextPrefix`, with
/// `offset` and `limit`, case-sensitive.
fn confluent_context_prefix_filter(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    let schemas = records(0, 5);
    for (subject, schema) in [
        ":.prod:s1",
        ":.prod-eu:s2",
        ":.staging:s3",
        ":.dev:s4",
        "s5",
    ]
    .iter()
    .zip(&schemas)
    {
        registry.register(subject, &text(schema));
    }
    let all = json!([".", ".dev", ".prod", ".prod-eu", ".staging"]);
    for (query, expected) in [
        ("", all.clone()),
        ("?contextPrefix=.prod", json!([".prod", ".prod-eu"])),
        ("?contextPrefix=.prod-eu", json!([".prod-eu"])),
        ("?contextPrefix=.", all.clone()),
        ("?contextPrefix=.s", json!([".staging"])),
        ("?contextPrefix=.nonexistent", json!([])),
        ("?contextPrefix=", all.clone()),
        ("?contextPrefix=.PROD", json!([])),
        ("?offset=0&limit=2&contextPrefix=.", json!([".", ".dev"])),
        (
            "?offset=2&limit=2&contextPrefix=.",
            json!([".prod", ".prod-eu"]),
        ),
        ("?offset=4&limit=2&contextPrefix=.", json!([".staging"])),
        ("?offset=0&limit=-1", all),
    ] {
        assert_eq!(
            registry.get(&format!("/contexts{query}")).ok(),
            expected,
            "{query}"
        );
    }
}

on_both_stores!(confluent_context_prefix_filter);
