//! Contexts end to end, on both stores: subjects qualified as `:.ctx:name`, ids per context,
//! `/contexts`, the `/contexts/{context}/…` prefixes, `subjectPrefix`, look-ups that find a
//! subject's schemas in other contexts, settings a context's subjects inherit, and deleting an
//! empty context. docs/registry.md ("Contexts") describes each; Confluent 8.x behaves so.

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
