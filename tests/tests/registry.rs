//! `contrail registry serve` end to end: the binary on an ephemeral port, spoken to over HTTP as
//! Kafka clients speak to Confluent's registry. The API tests run twice, on SQLite on disk in a
//! temporary directory and on a fresh PostgreSQL database; restart and crash tests use SQLite
//! (tests/tests/registry_postgres.rs has PostgreSQL's).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use contrail_e2e::RegistryProcess;
use contrail_e2e::http::{self, MEDIA_TYPE, Reply};
use contrail_e2e::on_both_stores;
use contrail_e2e::stores::Backend;
use serde_json::{Value, json};

/// The GUID of the schema `"string"`: the MD5 of its stored text as a UUID, as Confluent 8
/// derives it (computed independently with Python's `hashlib` and `uuid`).
pub(crate) const STRING_GUID: &str = "095d71cf-1255-6b9d-5e33-0ad575b3df5d";

/// A running registry, killed when dropped (also used by registry_conformance.rs).
pub(crate) struct Registry {
    process: RegistryProcess,
    /// Keeps a SQLite store's temporary directory alive.
    _store: Option<tempfile::TempDir>,
}

impl Registry {
    fn start(db: &Path) -> Registry {
        Registry::start_with(db, &[])
    }

    fn start_with(db: &Path, extra: &[&str]) -> Registry {
        Registry {
            process: contrail_e2e::start_registry(db, extra),
            _store: None,
        }
    }

    /// A registry on a fresh, empty store of `backend`.
    pub(crate) fn on(backend: Backend, extra: &[&str]) -> Registry {
        let (dir, url) = fresh_store(backend);
        Registry {
            process: contrail_e2e::start_registry_at(&url, extra),
            _store: dir,
        }
    }

    /// A registry on the store at `url`, which the caller keeps (to start another on it).
    fn at(url: &str) -> Registry {
        Registry {
            process: contrail_e2e::start_registry_at(url, &[]),
            _store: None,
        }
    }

    /// GET and DELETE ask for the registry's media type; POST and PUT send `content_type`.
    fn request(&self, method: &str, path: &str, content_type: &str, body: &str) -> Reply {
        let header = match method {
            "GET" | "DELETE" => ("Accept", MEDIA_TYPE),
            _ => ("Content-Type", content_type),
        };
        http::request(
            method,
            &format!("{}{path}", self.process.base),
            &[header],
            body,
            Duration::from_secs(30),
        )
    }

    /// The registry's base URL (`http://127.0.0.1:PORT`).
    pub(crate) fn base(&self) -> &str {
        &self.process.base
    }

    pub(crate) fn get(&self, path: &str) -> Reply {
        self.request("GET", path, MEDIA_TYPE, "")
    }

    pub(crate) fn delete(&self, path: &str) -> Reply {
        self.request("DELETE", path, MEDIA_TYPE, "")
    }

    pub(crate) fn post(&self, path: &str, body: &Value) -> Reply {
        self.request("POST", path, MEDIA_TYPE, &body.to_string())
    }

    pub(crate) fn put(&self, path: &str, body: &Value) -> Reply {
        self.request("PUT", path, MEDIA_TYPE, &body.to_string())
    }

    /// Registers and returns the id.
    #[track_caller]
    pub(crate) fn register(&self, subject: &str, body: &Value) -> i64 {
        let reply = self.post(&format!("/subjects/{subject}/versions"), body);
        reply.ok()["id"].as_i64().expect("an id")
    }

    /// Stops with SIGTERM and returns whether it exited cleanly within 20 s.
    fn terminate(mut self) -> bool {
        let pid = self.process.child().id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM works");
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.process.child().try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// SIGKILL: no chance to flush or finish anything.
    fn kill_9(self) {
        self.process.kill_9();
    }
}

/// The URL of a fresh, empty store of `backend` (PostgreSQL: a new database on the suite's
/// shared server), with the temporary directory that holds a SQLite one.
fn fresh_store(backend: Backend) -> (Option<tempfile::TempDir>, String) {
    match backend {
        Backend::Sqlite => {
            let (dir, db) = temp_db();
            (Some(dir), format!("sqlite://{}", db.display()))
        }
        Backend::Postgres => (
            None,
            contrail_e2e::postgres::PostgresServer::shared().fresh_url("registry_api"),
        ),
    }
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("data").join("registry.db");
    (dir, db)
}

fn avro(schema: &Value) -> Value {
    json!({"schema": schema.to_string()})
}

fn order(fields: &[Value]) -> Value {
    json!({"type": "record", "name": "Order", "namespace": "shop", "fields": fields})
}

fn id_field() -> Value {
    json!({"name": "id", "type": "string"})
}

fn registration_lookup_and_canonical_ids(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    assert_eq!(registry.get("/").ok(), json!({}));
    assert_eq!(
        registry.get("/schemas/types").ok(),
        json!(["JSON", "PROTOBUF", "AVRO"])
    );
    assert_eq!(registry.get("/contexts").ok(), json!(["."]));
    assert!(
        registry.get("/v1/metadata/id").ok()["scope"]["clusters"]["schema-registry-cluster"]
            .is_string()
    );
    assert_eq!(registry.get("/health").ok()["ready"], json!(true));

    // {"type":"string"} is stored and returned as "string"; the bare form gets the same id.
    // The answer is Confluent 8's: the registered schema with its version and GUID.
    let registered = registry
        .post(
            "/subjects/a-value/versions",
            &json!({"schema": "{\"type\":\"string\"}"}),
        )
        .ok();
    let string_id = registered["id"].as_i64().expect("an id");
    assert_eq!(
        registered,
        json!({"id": string_id, "version": 1, "schema": "\"string\"", "guid": STRING_GUID})
    );
    assert_eq!(
        registry.get(&format!("/schemas/ids/{string_id}")).ok(),
        json!({"schema": "\"string\"", "guid": STRING_GUID})
    );
    assert_eq!(
        registry.get(&format!("/schemas/guids/{STRING_GUID}")).ok(),
        json!({"schema": "\"string\"", "guid": STRING_GUID})
    );
    // Java's UUID.fromString reads upper case too; anything else names no schema.
    assert_eq!(
        registry
            .get(&format!("/schemas/guids/{}", STRING_GUID.to_uppercase()))
            .ok()["schema"],
        json!("\"string\"")
    );
    registry
        .get("/schemas/guids/00000000-0000-0000-0000-000000000000")
        .assert_error(404, 40403);
    registry.get("/schemas/guids/7").assert_error(404, 40403);
    assert_eq!(
        registry
            .get(&format!("/schemas/guids/{STRING_GUID}/ids"))
            .ok(),
        json!([{"context": ".", "id": string_id}])
    );
    assert_eq!(registry.get("/schemas/guids/7/ids").ok(), json!([]));
    assert_eq!(
        registry
            .get(&format!("/schemas/ids/{string_id}/schema"))
            .body,
        "\"string\""
    );
    // Idempotent: same subject, same schema → same id, no new version.
    assert_eq!(
        registry.register("a-value", &avro(&json!("string"))),
        string_id
    );
    assert_eq!(registry.get("/subjects/a-value/versions").ok(), json!([1]));
    // The same schema under another subject gets the same id.
    assert_eq!(
        registry.register("b-value", &avro(&json!("string"))),
        string_id
    );
    assert_eq!(
        registry
            .get(&format!("/schemas/ids/{string_id}/subjects"))
            .ok(),
        json!(["a-value", "b-value"])
    );
    assert_eq!(
        registry
            .get(&format!("/schemas/ids/{string_id}/versions"))
            .ok(),
        json!([{"subject": "a-value", "version": 1}, {"subject": "b-value", "version": 1}])
    );

    // Whitespace and key order never mint a new id.
    let compact = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"}]}"#;
    let spaced = "{\n  \"namespace\" : \"shop\",\n  \"fields\": [ { \"type\": \"string\", \"name\": \"id\" } ],\n  \"name\": \"Order\", \"type\": \"record\"\n}";
    let order_id = registry.register("orders-value", &json!({"schema": compact}));
    assert_eq!(
        registry.register("orders-value", &json!({"schema": spaced})),
        order_id
    );
    assert_eq!(
        registry.get("/subjects/orders-value/versions").ok(),
        json!([1])
    );

    // Lookup finds the version whatever the formatting.
    let found = registry
        .post("/subjects/orders-value", &json!({"schema": spaced}))
        .ok();
    assert_eq!(found["subject"], json!("orders-value"));
    assert_eq!(found["version"], json!(1));
    assert_eq!(found["id"], json!(order_id));
    assert!(
        found.get("schemaType").is_none(),
        "AVRO is implied: {found}"
    );
    registry
        .post("/subjects/orders-value", &avro(&json!("long")))
        .assert_error(404, 40403);
    registry
        .post("/subjects/nobody", &avro(&json!("long")))
        .assert_error(404, 40401);

    // JSON Schema and Protobuf.
    let json_schema = json!({"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "integer"}}});
    let json_id = registry.register(
        "json-value",
        &json!({"schemaType": "JSON", "schema": json_schema.to_string()}),
    );
    let stored = registry.get("/subjects/json-value/versions/latest").ok();
    assert_eq!(stored["schemaType"], json!("JSON"));
    assert_eq!(stored["id"], json!(json_id));
    assert_eq!(
        stored["schema"],
        json!(r#"{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}"#)
    );
    let proto = "syntax = \"proto3\";\nmessage Ping {\n  string id = 1;\n}\n";
    let proto_id = registry.register(
        "proto-value",
        &json!({"schemaType": "PROTOBUF", "schema": proto}),
    );
    let stored = registry.get(&format!("/schemas/ids/{proto_id}")).ok();
    assert_eq!(stored["schemaType"], json!("PROTOBUF"));

    // /schemas lists subject versions, filtered.
    let all = registry.get("/schemas").ok();
    assert_eq!(all.as_array().map(Vec::len), Some(5), "{all}");
    let prefixed = registry.get("/schemas?subjectPrefix=orders").ok();
    assert_eq!(prefixed[0]["subject"], json!("orders-value"));
    assert_eq!(prefixed.as_array().map(Vec::len), Some(1));
    assert_eq!(
        registry.get("/subjects").ok(),
        json!([
            "a-value",
            "b-value",
            "json-value",
            "orders-value",
            "proto-value"
        ])
    );
    assert_eq!(
        registry.get("/subjects?subjectPrefix=a-").ok(),
        json!(["a-value"])
    );
}
on_both_stores!(registration_lookup_and_canonical_ids);

fn versions_latest_and_invalid_versions(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    let v1 = registry.register("s", &avro(&order(&[id_field()])));
    let v2 = registry.register(
        "s",
        &avro(&order(&[
            id_field(),
            json!({"name": "note", "type": "string", "default": ""}),
        ])),
    );
    assert_ne!(v1, v2);
    assert_eq!(registry.get("/subjects/s/versions").ok(), json!([1, 2]));
    for latest in ["latest", "LATEST", "-1"] {
        let version = registry.get(&format!("/subjects/s/versions/{latest}")).ok();
        assert_eq!(version["version"], json!(2));
        assert_eq!(version["id"], json!(v2));
        assert_eq!(version["subject"], json!("s"));
    }
    let first = registry.get("/subjects/s/versions/1").ok();
    assert_eq!(first["id"], json!(v1));
    let text = registry.get("/subjects/s/versions/1/schema");
    assert_eq!(text.status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&text.body).ok(),
        Some(order(&[id_field()]))
    );
    for bad in ["0", "-2", "abc", "2147483648"] {
        registry
            .get(&format!("/subjects/s/versions/{bad}"))
            .assert_error(422, 42202);
    }
    registry
        .get("/subjects/s/versions/3")
        .assert_error(404, 40402);
    registry
        .get("/subjects/none/versions/1")
        .assert_error(404, 40401);
    registry
        .get("/subjects/none/versions")
        .assert_error(404, 40401);
    registry.get("/schemas/ids/9999").assert_error(404, 40403);
    registry
        .get("/schemas/ids/9999/subjects")
        .assert_error(404, 40403);
}
on_both_stores!(versions_latest_and_invalid_versions);

fn delete_error_codes(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    let v1 = registry.register("s", &avro(&json!("string")));
    registry.register("s", &avro(&json!("bytes")));
    registry.delete("/subjects/none").assert_error(404, 40401);
    registry
        .delete("/subjects/none/versions/1")
        .assert_error(404, 40401);
    registry
        .delete("/subjects/s/versions/7")
        .assert_error(404, 40402);
    registry
        .delete("/subjects/s/versions/zero")
        .assert_error(422, 42202);
    // Permanent before soft: 40407.
    registry
        .delete("/subjects/s/versions/1?permanent=true")
        .assert_error(404, 40407);
    assert_eq!(registry.delete("/subjects/s/versions/1").ok(), json!(1));
    // Soft twice: 40406.
    registry
        .delete("/subjects/s/versions/1")
        .assert_error(404, 40406);
    // A soft-deleted version is hidden but its id stays readable.
    assert_eq!(registry.get("/subjects/s/versions").ok(), json!([2]));
    assert_eq!(
        registry.get("/subjects/s/versions?deleted=true").ok(),
        json!([1, 2])
    );
    assert_eq!(
        registry.get("/subjects/s/versions?deletedOnly=true").ok(),
        json!([1])
    );
    registry
        .get("/subjects/s/versions/1")
        .assert_error(404, 40402);
    assert_eq!(
        registry.get("/subjects/s/versions/1?deleted=true").ok()["id"],
        json!(v1)
    );
    assert_eq!(
        registry.get(&format!("/schemas/ids/{v1}")).ok()["schema"],
        json!("\"string\"")
    );
    // Subject: permanent before soft is 40405; soft twice is 40404.
    registry
        .delete("/subjects/s?permanent=true")
        .assert_error(404, 40405);
    assert_eq!(registry.delete("/subjects/s").ok(), json!([2]));
    registry.delete("/subjects/s").assert_error(404, 40404);
    assert_eq!(registry.get("/subjects").ok(), json!([]));
    assert_eq!(registry.get("/subjects?deleted=true").ok(), json!(["s"]));
    assert_eq!(
        registry.get("/subjects?deletedOnly=true").ok(),
        json!(["s"])
    );
    registry
        .get("/subjects/s/versions")
        .assert_error(404, 40401);
    // Permanent delete returns every version, earlier soft-deleted ones included.
    assert_eq!(
        registry.delete("/subjects/s?permanent=true").ok(),
        json!([1, 2])
    );
    registry
        .get(&format!("/schemas/ids/{v1}"))
        .assert_error(404, 40403);
    assert_eq!(registry.get("/subjects?deleted=true").ok(), json!([]));
    // Ids are never reused.
    let again = registry.register("s", &avro(&json!("string")));
    assert!(again > v1, "{again} after {v1}");
}
on_both_stores!(delete_error_codes);

fn compatibility_with_verbose_messages(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    registry.register("orders", &avro(&order(&[id_field()])));
    let with_default = order(&[
        id_field(),
        json!({"name": "total", "type": "double", "default": 0.0}),
    ]);
    let without_default = order(&[id_field(), json!({"name": "currency", "type": "string"})]);

    // BACKWARD (the default): a new field needs a default.
    let verdict = registry
        .post(
            "/compatibility/subjects/orders/versions/latest?verbose=true",
            &avro(&with_default),
        )
        .ok();
    assert_eq!(verdict, json!({"is_compatible": true, "messages": []}));
    let verdict = registry
        .post(
            "/compatibility/subjects/orders/versions?verbose=true",
            &avro(&without_default),
        )
        .ok();
    assert_eq!(verdict["is_compatible"], json!(false));
    let messages = verdict["messages"].as_array().cloned().unwrap_or_default();
    assert!(!messages.is_empty());
    let text = verdict["messages"].to_string();
    assert!(
        text.contains("READER_FIELD_MISSING_DEFAULT_VALUE"),
        "{text}"
    );
    assert!(text.contains("The field 'currency' at path '/fields/1' in the new schema has no default value and is missing in the old schema"), "{text}");
    assert!(text.contains("{oldSchemaVersion: 1}"), "{text}");
    assert!(text.contains("{compatibility: 'BACKWARD'}"), "{text}");
    // Not verbose: the verdict only.
    assert_eq!(
        registry
            .post(
                "/compatibility/subjects/orders/versions/1",
                &avro(&without_default)
            )
            .ok(),
        json!({"is_compatible": false})
    );
    // Registering it is refused with 409 and the reasons.
    let message = registry
        .post("/subjects/orders/versions", &avro(&without_default))
        .assert_error(409, 409);
    assert!(
        message.contains("incompatible") && message.contains("currency"),
        "{message}"
    );
    registry.register("orders", &avro(&with_default));
    assert_eq!(
        registry.get("/subjects/orders/versions").ok(),
        json!([1, 2])
    );
    // Against a missing version or subject.
    registry
        .post(
            "/compatibility/subjects/orders/versions/9",
            &avro(&with_default),
        )
        .assert_error(404, 40402);
    registry
        .post(
            "/compatibility/subjects/none/versions/1",
            &avro(&with_default),
        )
        .assert_error(404, 40401);
    assert_eq!(
        registry
            .post(
                "/compatibility/subjects/none/versions/latest",
                &avro(&with_default)
            )
            .ok(),
        json!({"is_compatible": true})
    );
    registry
        .post(
            "/compatibility/subjects/orders/versions/x",
            &avro(&with_default),
        )
        .assert_error(422, 42202);
    registry
        .post(
            "/compatibility/subjects/orders/versions",
            &json!({"schema": "{\"type\":\"nope\"}"}),
        )
        .assert_error(422, 42201);

    // FULL_TRANSITIVE: checked both ways against every live version.
    registry
        .put(
            "/config/orders",
            &json!({"compatibility": "FULL_TRANSITIVE"}),
        )
        .ok();
    let flagged = order(&[
        id_field(),
        json!({"name": "total", "type": "double", "default": 0.0}),
        json!({"name": "flag", "type": "boolean"}),
    ]);
    let verdict = registry
        .post(
            "/compatibility/subjects/orders/versions?verbose=true",
            &avro(&flagged),
        )
        .ok();
    assert_eq!(verdict["is_compatible"], json!(false));
    let text = verdict["messages"].to_string();
    assert!(text.contains("{oldSchemaVersion: 1}"), "{text}");
    assert!(text.contains("{oldSchemaVersion: 2}"), "{text}");
    assert!(
        text.contains("{compatibility: 'FULL_TRANSITIVE'}"),
        "{text}"
    );
    // The forward direction: dropping `id` leaves old readers without a value.
    let dropped = order(&[json!({"name": "total", "type": "double", "default": 0.0})]);
    let verdict = registry
        .post(
            "/compatibility/subjects/orders/versions?verbose=true",
            &avro(&dropped),
        )
        .ok();
    let text = verdict["messages"].to_string();
    assert_eq!(verdict["is_compatible"], json!(false));
    assert!(text.contains("The field 'id' at path '/fields/0' in the old schema has no default value and is missing in the new schema"), "{text}");
    // Soft-deleted versions are not compared with.
    registry.delete("/subjects/orders/versions/1").ok();
    let verdict = registry
        .post(
            "/compatibility/subjects/orders/versions?verbose=true",
            &avro(&flagged),
        )
        .ok();
    let text = verdict["messages"].to_string();
    assert!(!text.contains("{oldSchemaVersion: 1}"), "{text}");
    // NONE accepts anything.
    registry
        .put("/config/orders", &json!({"compatibility": "NONE"}))
        .ok();
    registry.register("orders", &avro(&json!("int")));
}
on_both_stores!(compatibility_with_verbose_messages);

fn config_and_mode(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    assert_eq!(
        registry.get("/config").ok(),
        json!({"compatibilityLevel": "BACKWARD"})
    );
    assert_eq!(
        registry
            .put("/config", &json!({"compatibility": "full"}))
            .ok(),
        json!({"compatibility": "FULL"})
    );
    assert_eq!(
        registry.get("/config").ok(),
        json!({"compatibilityLevel": "FULL"})
    );
    registry
        .put("/config", &json!({"compatibility": "SIDEWAYS"}))
        .assert_error(422, 42203);
    registry.get("/config/s").assert_error(404, 40408);
    assert_eq!(
        registry.get("/config/s?defaultToGlobal=true").ok(),
        json!({"compatibilityLevel": "FULL"})
    );
    registry
        .put("/config/s", &json!({"compatibility": "NONE"}))
        .ok();
    assert_eq!(
        registry.get("/config/s").ok(),
        json!({"compatibilityLevel": "NONE"})
    );
    assert_eq!(
        registry.delete("/config/s").ok(),
        json!({"compatibilityLevel": "NONE"})
    );
    registry.delete("/config/s").assert_error(404, 40401);
    assert_eq!(
        registry.delete("/config").ok(),
        json!({"compatibilityLevel": "FULL"})
    );
    assert_eq!(
        registry.get("/config").ok(),
        json!({"compatibilityLevel": "BACKWARD"})
    );

    assert_eq!(registry.get("/mode").ok(), json!({"mode": "READWRITE"}));
    registry
        .put("/mode", &json!({"mode": "SIDEWAYS"}))
        .assert_error(422, 42204);
    registry.get("/mode/s").assert_error(404, 40409);
    assert_eq!(
        registry.get("/mode/s?defaultToGlobal=true").ok(),
        json!({"mode": "READWRITE"})
    );
    registry.register("s", &avro(&json!("string")));
    assert_eq!(
        registry.put("/mode/s", &json!({"mode": "READONLY"})).ok(),
        json!({"mode": "READONLY"})
    );
    registry
        .post("/subjects/s/versions", &avro(&json!("string")))
        .assert_error(422, 42205);
    registry
        .delete("/subjects/s/versions/1")
        .assert_error(422, 42205);
    registry.register("t", &avro(&json!("string")));
    assert_eq!(registry.delete("/mode/s").ok(), json!({"mode": "READONLY"}));
    registry.delete("/mode/s").assert_error(404, 40401);
    // READONLY_OVERRIDE wins over a subject's own READWRITE.
    registry.put("/mode/t", &json!({"mode": "READWRITE"})).ok();
    registry
        .put("/mode", &json!({"mode": "READONLY_OVERRIDE"}))
        .ok();
    registry
        .post("/subjects/t/versions", &avro(&json!("long")))
        .assert_error(422, 42205);
    assert_eq!(
        registry.delete("/mode").ok(),
        json!({"mode": "READONLY_OVERRIDE"})
    );
    assert_eq!(registry.get("/mode").ok(), json!({"mode": "READWRITE"}));
    // IMPORT over existing schemas needs force.
    registry
        .put("/mode", &json!({"mode": "IMPORT"}))
        .assert_error(422, 42205);
    registry
        .put("/mode/s", &json!({"mode": "IMPORT"}))
        .assert_error(422, 42205);
    assert_eq!(
        registry
            .put("/mode/s?force=true", &json!({"mode": "IMPORT"}))
            .ok(),
        json!({"mode": "IMPORT"})
    );
}
on_both_stores!(config_and_mode);

fn import_mode_keeps_ids(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    // An explicit id outside IMPORT mode is refused.
    registry
        .post(
            "/subjects/imp/versions",
            &json!({"schema": "\"string\"", "id": 500}),
        )
        .assert_error(422, 42205);
    registry.put("/mode", &json!({"mode": "IMPORT"})).ok();
    assert_eq!(
        registry.register("imp", &json!({"schema": "\"string\"", "id": 500})),
        500
    );
    assert_eq!(
        registry.register("imp", &json!({"schema": "\"long\"", "id": 42})),
        42
    );
    assert_eq!(
        registry.get("/schemas/ids/500").ok(),
        json!({"schema": "\"string\"", "guid": STRING_GUID})
    );
    assert_eq!(registry.get("/subjects/imp/versions").ok(), json!([1, 2]));
    // Without an id in IMPORT mode: 42205. The id of another schema: 42207.
    registry
        .post("/subjects/imp/versions", &avro(&json!("int")))
        .assert_error(422, 42205);
    registry
        .post(
            "/subjects/other/versions",
            &json!({"schema": "\"int\"", "id": 500}),
        )
        .assert_error(422, 42207);
    registry.put("/mode", &json!({"mode": "READWRITE"})).ok();
    // New ids continue above the imported ones.
    let next = registry.register("fresh", &avro(&json!("int")));
    assert!(next > 500, "{next}");
}
on_both_stores!(import_mode_keeps_ids);

fn references_and_referencedby(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    let money = json!({"type": "record", "name": "Money", "namespace": "shop", "fields": [
        {"name": "amount", "type": "long"}, {"name": "currency", "type": "string"}
    ]});
    let money_id = registry.register("money", &avro(&money));
    let with_money = order(&[id_field(), json!({"name": "total", "type": "shop.Money"})]);
    let reference = json!([{"name": "shop.Money", "subject": "money", "version": 1}]);
    // Without the reference the type is unknown; with a missing version it does not resolve.
    registry
        .post("/subjects/orders/versions", &avro(&with_money))
        .assert_error(422, 42201);
    registry
        .post(
            "/subjects/orders/versions",
            &json!({"schema": with_money.to_string(), "references": [{"name": "shop.Money", "subject": "money", "version": 9}]}),
        )
        .assert_error(422, 42201);
    let order_id = registry.register(
        "orders",
        &json!({"schema": with_money.to_string(), "references": reference}),
    );
    let stored = registry.get("/subjects/orders/versions/1").ok();
    assert_eq!(stored["references"], reference);
    assert_eq!(
        registry.get(&format!("/schemas/ids/{order_id}")).ok()["references"],
        reference
    );
    assert_eq!(
        registry.get("/subjects/money/versions/1/referencedby").ok(),
        json!([order_id])
    );
    // A referenced version cannot be deleted.
    registry
        .delete("/subjects/money/versions/1")
        .assert_error(422, 42206);
    registry.delete("/subjects/money").assert_error(422, 42206);
    // Compatibility runs with references resolved: a new field with a default is fine...
    let next = order(&[
        id_field(),
        json!({"name": "total", "type": "shop.Money"}),
        json!({"name": "note", "type": "string", "default": ""}),
    ]);
    let verdict = registry
        .post(
            "/compatibility/subjects/orders/versions/latest?verbose=true",
            &json!({"schema": next.to_string(), "references": reference}),
        )
        .ok();
    assert_eq!(verdict["is_compatible"], json!(true), "{verdict}");
    // ...and a referenced type that changes incompatibly is caught.
    let money2 = json!({"type": "record", "name": "Money", "namespace": "shop", "fields": [
        {"name": "amount", "type": "long"}, {"name": "currency", "type": "string"},
        {"name": "scale", "type": "int"}
    ]});
    registry
        .put("/config/money", &json!({"compatibility": "NONE"}))
        .ok();
    registry.register("money", &avro(&money2));
    let verdict = registry
        .post(
            "/compatibility/subjects/orders/versions/latest?verbose=true",
            &json!({"schema": with_money.to_string(), "references": [{"name": "shop.Money", "subject": "money", "version": 2}]}),
        )
        .ok();
    assert_eq!(verdict["is_compatible"], json!(false), "{verdict}");
    assert!(
        verdict["messages"].to_string().contains("scale"),
        "{verdict}"
    );
    // Once the referencing subject is gone for good, the referenced one can go.
    registry.delete("/subjects/orders").ok();
    registry.delete("/subjects/orders?permanent=true").ok();
    assert_eq!(
        registry.get("/subjects/money/versions/1/referencedby").ok(),
        json!([])
    );
    assert_eq!(registry.delete("/subjects/money/versions/1").ok(), json!(1));
    assert!(money_id > 0);
}
on_both_stores!(references_and_referencedby);

fn every_error_is_confluent_shaped(backend: Backend) {
    let registry = Registry::on(backend, &["--max-body-size", "2048"]);
    let malformed = registry.request("POST", "/subjects/s/versions", MEDIA_TYPE, "{not json");
    malformed.assert_error(400, 400);
    registry
        .request("POST", "/subjects/s/versions", MEDIA_TYPE, "")
        .assert_error(400, 400);
    registry
        .request(
            "POST",
            "/subjects/s/versions",
            MEDIA_TYPE,
            r#"{"schema": 12}"#,
        )
        .assert_error(422, 422);
    registry.get("/no/such/path").assert_error(404, 404);
    registry.get("/schemas/ids/abc").assert_error(404, 404);
    registry
        .request("PUT", "/schemas/types", MEDIA_TYPE, "{}")
        .assert_error(405, 405);
    registry.delete("/subjects").assert_error(405, 405);
    registry
        .request(
            "POST",
            "/subjects/s/versions",
            "text/plain",
            r#"{"schema":"\"int\""}"#,
        )
        .assert_error(415, 415);
    registry
        .post(
            "/subjects/s/versions",
            &json!({"schema": "{\"type\":\"record\"}"}),
        )
        .assert_error(422, 42201);
    registry
        .post(
            "/subjects/s/versions",
            &json!({"schemaType": "XML", "schema": "<a/>"}),
        )
        .assert_error(422, 42201);
    registry
        .post("/subjects/s/versions", &json!({}))
        .assert_error(422, 42201);
    // Every accepted media type works.
    for media_type in [
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json",
        "application/octet-stream",
    ] {
        let reply = registry.request(
            "POST",
            "/subjects/s/versions",
            media_type,
            r#"{"schema":"\"int\""}"#,
        );
        assert_eq!(reply.status, 200, "{media_type}: {}", reply.body);
    }
    // Too large a body: 42209 with a message naming the limit.
    let big = json!({"schema": format!("\"{}\"", "x".repeat(4096))});
    let message = registry
        .post("/subjects/s/versions", &big)
        .assert_error(422, 42209);
    assert!(message.contains("2048"), "{message}");
}
on_both_stores!(every_error_is_confluent_shaped);

#[test]
fn restart_keeps_everything() {
    let (_dir, db) = temp_db();
    let registry = Registry::start(&db);
    let v1 = registry.register("s", &avro(&order(&[id_field()])));
    let v2 = registry.register(
        "s",
        &avro(&order(&[
            id_field(),
            json!({"name": "n", "type": "int", "default": 0}),
        ])),
    );
    let other = registry.register("t", &avro(&json!("string")));
    registry.delete("/subjects/t").ok();
    registry
        .put("/config/s", &json!({"compatibility": "FULL"}))
        .ok();
    registry.put("/mode/s", &json!({"mode": "READONLY"})).ok();
    let cluster = registry.get("/v1/metadata/id").ok();
    assert!(registry.terminate(), "SIGTERM stops the registry cleanly");

    let registry = Registry::start(&db);
    assert_eq!(registry.get("/subjects").ok(), json!(["s"]));
    assert_eq!(
        registry.get("/subjects?deleted=true").ok(),
        json!(["s", "t"])
    );
    assert_eq!(registry.get("/subjects/s/versions/1").ok()["id"], json!(v1));
    assert_eq!(registry.get("/subjects/s/versions/2").ok()["id"], json!(v2));
    assert_eq!(
        registry.get(&format!("/schemas/ids/{other}")).ok()["schema"],
        json!("\"string\"")
    );
    assert_eq!(
        registry.get("/config/s").ok(),
        json!({"compatibilityLevel": "FULL"})
    );
    assert_eq!(registry.get("/mode/s").ok(), json!({"mode": "READONLY"}));
    assert_eq!(registry.get("/v1/metadata/id").ok(), cluster);
}

fn kill_9_during_a_burst_loses_no_acknowledged_registration(backend: Backend) {
    let (_dir, url) = fresh_store(backend);
    let registry = Registry::at(&url);
    registry
        .put("/config", &json!({"compatibility": "NONE"}))
        .ok();
    let base = registry.process.base.clone();
    let acknowledged: Arc<Mutex<Vec<(String, String, i64)>>> = Arc::default();
    let mut writers = Vec::new();
    for writer in 0..4 {
        let base = base.clone();
        let acknowledged = Arc::clone(&acknowledged);
        writers.push(std::thread::spawn(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(10)))
                .build()
                .into();
            let deadline = Instant::now() + Duration::from_secs(30);
            // Bounded in count and time; stops at the first failure (the kill).
            for n in 0..400 {
                if Instant::now() > deadline {
                    break;
                }
                let subject = format!("burst-{writer}");
                let schema = json!({"type": "record", "name": "R", "fields": [
                    {"name": format!("f{n}"), "type": "int", "default": n}
                ]})
                .to_string();
                let body = json!({"schema": schema}).to_string();
                let Ok(mut response) = agent
                    .post(format!("{base}/subjects/{subject}/versions"))
                    .header("Content-Type", MEDIA_TYPE)
                    .send(body)
                else {
                    break;
                };
                if response.status().as_u16() != 200 {
                    break;
                }
                let Ok(text) = response.body_mut().read_to_string() else {
                    break;
                };
                let Some(id) = serde_json::from_str::<Value>(&text)
                    .ok()
                    .and_then(|v| v["id"].as_i64())
                else {
                    break;
                };
                acknowledged
                    .lock()
                    .expect("lock")
                    .push((subject, schema, id));
            }
        }));
    }
    // Let the burst run, then kill the server mid-flight.
    let started = Instant::now();
    while acknowledged.lock().expect("lock").len() < 60
        && started.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    registry.kill_9();
    for writer in writers {
        writer.join().expect("writer thread");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() >= 60,
        "only {} registrations before the kill",
        acknowledged.len()
    );

    let registry = Registry::at(&url);
    for (subject, schema, id) in &acknowledged {
        let found = registry
            .post(&format!("/subjects/{subject}"), &json!({"schema": schema}))
            .ok();
        assert_eq!(found["id"], json!(id), "{subject}: {schema}");
        let stored = registry.get(&format!("/schemas/ids/{id}")).ok();
        assert_eq!(
            serde_json::from_str::<Value>(stored["schema"].as_str().unwrap_or_default()).ok(),
            serde_json::from_str::<Value>(schema).ok()
        );
    }
    // The registry takes registrations again after the crash.
    registry.register("after-crash", &avro(&json!("string")));
}
on_both_stores!(kill_9_during_a_burst_loses_no_acknowledged_registration);

#[test]
fn the_typed_client_speaks_to_the_registry() {
    use contrail_registry::client::{Client, SchemaRequest};
    use contrail_registry::model::{SchemaType, VersionSelector};

    let (_dir, db) = temp_db();
    let registry = Registry::start(&db);
    let client = Client::new(&registry.process.base);
    let v1 = order(&[id_field()]).to_string();
    let id = client
        .register("orders/value", &SchemaRequest::avro(v1.clone()))
        .expect("registers");
    assert_eq!(client.subjects().expect("subjects"), vec!["orders/value"]);
    assert_eq!(client.versions("orders/value").expect("versions"), vec![1]);
    let latest = client
        .version("orders/value", VersionSelector::Latest)
        .expect("latest");
    assert_eq!((latest.id, latest.version), (id, 1));
    assert_eq!(latest.schema_type, SchemaType::Avro);
    let bad = order(&[id_field(), json!({"name": "x", "type": "int"})]).to_string();
    let verdict = client
        .check_compatibility("orders/value", None, &SchemaRequest::avro(bad.clone()))
        .expect("checks");
    assert!(!verdict.is_compatible);
    assert!(!verdict.messages.is_empty());
    let error = client
        .register("orders/value", &SchemaRequest::avro(bad))
        .expect_err("incompatible");
    assert_eq!(error.error_code(), Some(409));
    let missing = client
        .version("orders/value", VersionSelector::Number(5))
        .expect_err("missing");
    assert_eq!(missing.error_code(), Some(40402));
    let json_schema = SchemaRequest {
        schema: r#"{"type":"object"}"#.to_owned(),
        schema_type: SchemaType::Json,
        references: Vec::new(),
    };
    let json_id = client.register("json", &json_schema).expect("JSON Schema");
    // What `contrail sample` asks for a record's schema id.
    let by_id = client
        .schema_by_id(json_id)
        .expect("looks up")
        .expect("known id");
    assert_eq!(by_id.schema_type, SchemaType::Json);
    assert_eq!(by_id.subjects, vec![("json".to_owned(), 1)]);
    let avro = client
        .schema_by_id(id)
        .expect("looks up")
        .expect("known id");
    assert_eq!(
        (avro.schema_type, avro.subjects),
        (SchemaType::Avro, vec![("orders/value".to_owned(), 1)])
    );
    assert_eq!(client.schema_by_id(9_999).expect("answers"), None);
    assert_eq!(
        client
            .version("json", VersionSelector::Number(1))
            .expect("reads")
            .schema_type,
        SchemaType::Json
    );
    let unreachable = Client::with_timeout("http://127.0.0.1:9", Duration::from_secs(2));
    assert!(unreachable.subjects().is_err());
}
