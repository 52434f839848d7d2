//! Details where contrail's registry answers as Confluent Schema Registry 7.9.0 does, end to end
//! on both stores: trailing slashes, error texts clients show to their users, an empty
//! `schemaType`, `POST /`, and the text stored for `normalize=true`. docs/registry.md
//! ("Confluent conformance") names the Confluent source of each.

use contrail_e2e::on_both_stores;
use contrail_e2e::stores::Backend;
use serde_json::{Value, json};

use crate::registry::Registry;

const INVALID_COMPATIBILITY: &str = "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive";
const INVALID_MODE: &str = "Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.";

fn string_schema() -> Value {
    json!({"schema": "\"string\""})
}

fn trailing_slashes_are_ignored(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    let id = registry.register("a", &string_schema());
    // PUTs through the slashed paths change what the plain paths read.
    for (path, body) in [
        ("/config/", json!({"compatibility": "FULL"})),
        ("/config/a/", json!({"compatibility": "NONE"})),
        ("/mode/a/", json!({"mode": "READONLY"})),
        ("/mode/", json!({"mode": "READONLY"})),
    ] {
        assert_eq!(registry.put(path, &body).ok(), body, "PUT {path}");
    }
    assert_eq!(registry.get("/config").ok()["compatibilityLevel"], "FULL");
    assert_eq!(registry.get("/config/a").ok()["compatibilityLevel"], "NONE");
    assert_eq!(registry.get("/mode/a").ok()["mode"], "READONLY");
    assert_eq!(registry.get("/mode").ok()["mode"], "READONLY");

    let ids = format!("/schemas/ids/{id}/");
    for slashed in [
        "/config/",
        "/config/a/",
        "/mode/",
        "/mode/a/",
        "/subjects/",
        "/subjects/?deleted=true",
        "/subjects/a/versions/1/",
        &ids,
    ] {
        let plain = slashed.replacen("/?", "?", 1);
        let plain = plain.strip_suffix('/').unwrap_or(&plain);
        assert_eq!(
            registry.get(slashed).ok(),
            registry.get(plain).ok(),
            "GET {slashed}"
        );
    }
    assert_eq!(registry.get("/subjects/").ok(), json!(["a"]));
    assert_eq!(
        registry.get(&ids).ok(),
        json!({"schema": "\"string\"", "guid": crate::registry::STRING_GUID})
    );
    // Only one slash goes: the path after that is still unknown.
    registry.get("/subjects//").assert_error(404, 404);
}

on_both_stores!(trailing_slashes_are_ignored);

fn lookup_of_an_unregistered_schema_says_schema_not_found(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    let id = registry.register("a", &string_schema());
    let message = registry
        .post("/subjects/a", &json!({"schema": "\"long\""}))
        .assert_error(404, 40403);
    assert_eq!(message, "Schema not found");
    // An unknown id is still named.
    let unknown = id + 1000;
    let message = registry
        .get(&format!("/schemas/ids/{unknown}"))
        .assert_error(404, 40403);
    assert_eq!(message, format!("Schema {unknown} not found"));
}

on_both_stores!(lookup_of_an_unregistered_schema_says_schema_not_found);

fn invalid_compatibility_and_mode_have_confluents_texts(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    registry.register("a", &string_schema());
    for path in ["/config", "/config/a"] {
        let message = registry
            .put(path, &json!({"compatibility": "SIDEWAYS"}))
            .assert_error(422, 42203);
        assert_eq!(message, INVALID_COMPATIBILITY, "PUT {path}");
    }
    for path in ["/mode", "/mode/a"] {
        let message = registry
            .put(path, &json!({"mode": "SIDEWAYS"}))
            .assert_error(422, 42204);
        assert_eq!(message, INVALID_MODE, "PUT {path}");
    }
}

on_both_stores!(invalid_compatibility_and_mode_have_confluents_texts);

/// `PUT /config` with a body that sets nothing changes nothing and echoes `{}` (Confluent
/// merges an update into the stored configuration, field by field).
fn a_config_update_that_sets_nothing_changes_nothing(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    registry.register("a", &string_schema());
    registry
        .put("/config", &json!({"compatibility": "FULL"}))
        .ok();
    registry
        .put(
            "/config/a",
            &json!({"compatibility": "NONE", "normalize": true}),
        )
        .ok();
    for path in ["/config", "/config/a"] {
        assert_eq!(registry.put(path, &json!({})).ok(), json!({}), "PUT {path}");
    }
    assert_eq!(
        registry.get("/config").ok(),
        json!({"compatibilityLevel": "FULL"})
    );
    assert_eq!(
        registry.get("/config/a").ok(),
        json!({"compatibilityLevel": "NONE", "normalize": true})
    );
    // Setting one field keeps the other.
    registry.put("/config/a", &json!({"normalize": false})).ok();
    assert_eq!(
        registry.get("/config/a").ok(),
        json!({"compatibilityLevel": "NONE", "normalize": false})
    );
}

on_both_stores!(a_config_update_that_sets_nothing_changes_nothing);

fn empty_schema_type_is_refused(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    registry.register("a", &string_schema());
    let body = json!({"schemaType": "", "schema": "\"string\""});
    for path in [
        "/subjects/a/versions",
        "/subjects/a",
        "/compatibility/subjects/a/versions/latest",
    ] {
        let message = registry.post(path, &body).assert_error(422, 42201);
        assert_eq!(message, "Invalid schema type ", "POST {path}");
    }
    assert_eq!(registry.get("/subjects/a/versions").ok(), json!([1]));
}

on_both_stores!(empty_schema_type_is_refused);

fn post_to_the_root_answers_an_empty_object(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    assert_eq!(registry.post("/", &json!({})).ok(), json!({}));
    assert_eq!(registry.post("/", &json!({"any": "thing"})).ok(), json!({}));
    assert_eq!(registry.get("/").ok(), json!({}));
}

on_both_stores!(post_to_the_root_answers_an_empty_object);

fn normalize_stores_the_text_avro_java_writes(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    let full_name = r#"{"type":"record","name":"com.example.User","fields":[{"name":"id","type":"string"},{"name":"kind","type":{"type":"enum","name":"com.example.Kind","symbols":["A","B"]}},{"name":"previous","type":["null","com.example.Kind"],"default":null}]}"#;
    let split = r#"{"namespace":"com.example","name":"User","type":"record","fields":[{"name":"id","type":"string"},{"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]}},{"name":"previous","type":["null","Kind"],"default":null}]}"#;
    let expected = r#"{"type":"record","name":"User","namespace":"com.example","fields":[{"name":"id","type":"string"},{"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]}},{"name":"previous","type":["null","Kind"],"default":null}]}"#;

    let id = registry
        .post(
            "/subjects/x/versions?normalize=true",
            &json!({"schema": full_name}),
        )
        .ok()["id"]
        .clone();
    let stored = registry.get("/subjects/x/versions/1").ok();
    assert_eq!(stored["schema"], json!(expected));
    assert_eq!(
        registry.get(&format!("/schemas/ids/{id}")).ok()["schema"],
        json!(expected)
    );

    // The other spelling of the same names is the same schema: same id, no new version, and a
    // normalized lookup finds it.
    let again = registry
        .post(
            "/subjects/x/versions?normalize=true",
            &json!({"schema": split}),
        )
        .ok();
    assert_eq!(again["id"], id);
    assert_eq!(registry.get("/subjects/x/versions").ok(), json!([1]));
    let found = registry
        .post("/subjects/x?normalize=true", &json!({"schema": split}))
        .ok();
    assert_eq!(found["version"], json!(1));
    assert_eq!(found["id"], id);

    // `normalize` set in the subject's config works as the query parameter does.
    registry.put("/config/y", &json!({"normalize": true})).ok();
    let by_config = registry
        .post("/subjects/y/versions", &json!({"schema": split}))
        .ok();
    assert_eq!(by_config["id"], id);
    assert_eq!(
        registry.get("/subjects/y/versions/1").ok()["schema"],
        json!(expected)
    );
}

on_both_stores!(normalize_stores_the_text_avro_java_writes);

/// `shop/money.proto` and a file importing it, written as a person would (comments, relative
/// type names, a map, a oneof).
const MONEY: &str = "syntax = \"proto3\";\npackage shop;\n// Minor units.\nmessage Money { string currency = 1; int64 cents = 2; }\n";
const ORDER: &str = "syntax = \"proto3\";\npackage shop;\nimport \"shop/money.proto\";\n\n// An order.\nmessage Order {\n    string id = 1;   // the id\n    Money total = 2;\n    map<string, int32> counts = 3;\n    oneof pay { string card = 4; bool cash = 5; }\n    Status status = 6;\n}\nenum Status { STATUS_UNSPECIFIED = 0; STATUS_OPEN = 1; }\n";
/// What Confluent stores for ORDER: ProtobufSchemaUtils.toString of the compiled file.
const ORDER_STORED: &str = "syntax = \"proto3\";\npackage shop;\n\nimport \"shop/money.proto\";\n\nmessage Order {\n  string id = 1;\n  .shop.Money total = 2;\n  map<string, int32> counts = 3;\n  .shop.Status status = 6;\n\n  oneof pay {\n    string card = 4;\n    bool cash = 5;\n  }\n}\nenum Status {\n  STATUS_UNSPECIFIED = 0;\n  STATUS_OPEN = 1;\n}\n";

/// The base64 `FileDescriptorProto` a client's compiler would send for `text` (what
/// confluent-kafka's Python `ProtobufSerializer` registers).
fn serialized(name: &str, text: &str, imports: &[(&str, &str)]) -> String {
    use base64::Engine;
    use contrail_contracts::compat::protobuf::ProtoSchema;
    let imports: std::collections::HashMap<String, String> = imports
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    let (_, pool) =
        ProtoSchema::compile_with_pool(name, text, |import| imports.get(import).cloned())
            .expect("the test schema compiles");
    let file = pool.get_file_by_name(name).expect("compiled");
    base64::engine::general_purpose::STANDARD.encode(file.encode_to_vec())
}

fn protobuf_is_stored_as_confluents_text_and_served_serialized(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    let money_id = registry.register(
        "shop.money",
        &json!({"schemaType": "PROTOBUF", "schema": MONEY}),
    );
    let references = json!([{"name": "shop/money.proto", "subject": "shop.money", "version": 1}]);
    let text = json!({"schemaType": "PROTOBUF", "schema": ORDER, "references": references});
    let id = registry.register("orders-value", &text);
    let version = registry.get("/subjects/orders-value/versions/1").ok();
    assert_eq!(version["schema"], json!(ORDER_STORED));
    let guid = version["guid"].as_str().expect("a GUID").to_owned();

    // The same file as a client's base64 descriptor: the same schema, the same id.
    let base64 = serialized("shop/order.proto", ORDER, &[("shop/money.proto", MONEY)]);
    let sent = json!({"schemaType": "PROTOBUF", "schema": base64, "references": references});
    assert_eq!(registry.register("orders-value", &sent), id);
    assert_eq!(registry.register("other-value", &sent), id);
    assert_eq!(
        registry.get("/subjects/orders-value/versions").ok(),
        json!([1])
    );
    let found = registry.post("/subjects/orders-value", &sent).ok();
    assert_eq!(found["id"], json!(id));

    // `format=serialized` answers base64 on every route that takes `format`, with the GUID of
    // the stored text; what it answers registers as the same schema again.
    let by_id = registry
        .get(&format!("/schemas/ids/{id}?format=serialized"))
        .ok();
    let answered = by_id["schema"].as_str().expect("a schema").to_owned();
    assert!(!answered.starts_with("syntax"), "{answered}");
    assert_eq!(by_id["guid"], json!(guid));
    assert_eq!(
        registry
            .get("/subjects/orders-value/versions/1?format=serialized")
            .ok()["schema"],
        json!(answered)
    );
    assert_eq!(
        registry
            .get(&format!("/schemas/guids/{guid}?format=serialized"))
            .ok()["schema"],
        json!(answered)
    );
    assert_eq!(
        registry
            .get(&format!("/schemas/ids/{id}/schema?format=serialized"))
            .body,
        answered
    );
    assert_eq!(
        registry
            .get("/subjects/orders-value/versions/latest/schema?format=serialized")
            .body,
        answered
    );
    let back = json!({"schemaType": "PROTOBUF", "schema": answered, "references": references});
    assert_eq!(registry.register("orders-value", &back), id);
    // Without `format` (or with one Confluent does not know), the stored text.
    assert_eq!(
        registry.get(&format!("/schemas/ids/{id}")).ok()["schema"],
        json!(ORDER_STORED)
    );
    assert_eq!(
        registry
            .get(&format!("/schemas/ids/{id}?format=unknown"))
            .ok()["schema"],
        json!(ORDER_STORED)
    );
    let money = registry
        .get(&format!("/schemas/ids/{money_id}?format=serialized"))
        .ok();
    assert!(
        money["schema"].as_str().is_some_and(|s| !s.contains(' ')),
        "{money}"
    );

    // normalize=true: Confluent's normalized text, the same for any declaration order.
    let shuffled = "syntax = \"proto3\";\npackage shop;\nimport \"shop/money.proto\";\nenum Status { STATUS_UNSPECIFIED = 0; STATUS_OPEN = 1; }\nmessage Order {\n  oneof pay { bool cash = 5; string card = 4; }\n  Status status = 6;\n  map<string, int32> counts = 3;\n  Money total = 2;\n  string id = 1;\n}\n";
    let normalized = |schema: &str| {
        registry
            .post(
                "/subjects/normalized-value/versions?normalize=true",
                &json!({"schemaType": "PROTOBUF", "schema": schema, "references": references}),
            )
            .ok()["id"]
            .clone()
    };
    let first = normalized(ORDER);
    assert_eq!(normalized(shuffled), first);
    // A file already in order normalizes to its canonical text: the same schema.
    assert_eq!(first, json!(id));
    assert_eq!(
        registry.get("/subjects/normalized-value/versions/1").ok()["schema"],
        json!(
            "syntax = \"proto3\";\npackage shop;\n\nimport \"shop/money.proto\";\n\nmessage Order {\n  string id = 1;\n  .shop.Money total = 2;\n  map<string, int32> counts = 3;\n  .shop.Status status = 6;\n\n  oneof pay {\n    string card = 4;\n    bool cash = 5;\n  }\n}\nenum Status {\n  STATUS_UNSPECIFIED = 0;\n  STATUS_OPEN = 1;\n}\n"
        )
    );
}

on_both_stores!(protobuf_is_stored_as_confluents_text_and_served_serialized);
