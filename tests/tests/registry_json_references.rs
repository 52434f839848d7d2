//! JSON Schema references end to end on both stores: a schema registered with
//! `references: [{name, subject, version}]` is compared through the schemas its `$ref`s name,
//! as Confluent's registry compares a `JsonSchema` with its `resolvedReferences`: a change
//! inside a referenced schema is judged where the `$ref` uses it, on registration (409) and on
//! `POST /compatibility`.

use contrail_e2e::on_both_stores;
use contrail_e2e::stores::Backend;
use serde_json::{Value, json};

use crate::registry::Registry;

/// An address with a closed content model (`additionalProperties: false`).
fn address(properties: Value) -> Value {
    let schema = json!({"type": "object", "properties": properties, "additionalProperties": false});
    json!({"schemaType": "JSON", "schema": schema.to_string()})
}

/// A customer whose `address` is the schema registered as `address.json`.
fn customer(address_version: i64) -> Value {
    let schema = json!({
        "type": "object",
        "properties": {"name": {"type": "string"}, "address": {"$ref": "address.json"}}
    });
    json!({
        "schemaType": "JSON",
        "schema": schema.to_string(),
        "references": [{"name": "address.json", "subject": "address", "version": address_version}]
    })
}

fn verdict(registry: &Registry, subject: &str, body: &Value) -> Value {
    registry
        .post(
            &format!("/compatibility/subjects/{subject}/versions/latest?verbose=true"),
            body,
        )
        .ok()
}

fn json_schema_references_are_followed_by_the_compatibility_check(backend: Backend) {
    let registry = Registry::on(backend, &[]);
    let street = json!({"street": {"type": "string"}});
    let street_and_zip = json!({"street": {"type": "string"}, "zip": {"type": "string"}});
    let street_number = json!({"street": {"type": "integer"}});

    // address: version 1, then an incompatible change is refused (BACKWARD, the default) and a
    // compatible one (a property added to a closed model) is version 2.
    registry.register("address", &address(street.clone()));
    let message = registry
        .post(
            "/subjects/address/versions",
            &address(street_number.clone()),
        )
        .assert_error(409, 409);
    assert!(message.contains("TYPE_CHANGED"), "{message}");
    registry.register("address", &address(street_and_zip));

    // customer version 1 uses address version 1.
    registry.register("customer", &customer(1));
    assert_eq!(
        registry
            .get("/subjects/address/versions/1/referencedby")
            .ok(),
        json!([registry.get("/subjects/customer/versions/1").ok()["id"]])
    );

    // The same customer text on address version 2: compatible under BACKWARD...
    assert_eq!(
        verdict(&registry, "customer", &customer(2)),
        json!({"is_compatible": true, "messages": []})
    );
    // ...but not under FORWARD: the old customer's closed address cannot read `zip`.
    registry.put("/config/customer", &json!({"compatibility": "FORWARD"}));
    let found = verdict(&registry, "customer", &customer(2));
    assert_eq!(found["is_compatible"], json!(false), "{found}");
    let text = found["messages"].to_string();
    assert!(
        text.contains("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"),
        "{text}"
    );
    let message = registry
        .post("/subjects/customer/versions", &customer(2))
        .assert_error(409, 409);
    assert!(
        message.contains("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"),
        "{message}"
    );
    registry.put("/config/customer", &json!({"compatibility": "BACKWARD"}));

    // address version 3 changes the street's type (allowed on the subject with NONE); a
    // customer moving to it is incompatible with customer version 1, found through the $ref.
    registry.put("/config/address", &json!({"compatibility": "NONE"}));
    registry.register("address", &address(street_number));
    let found = verdict(&registry, "customer", &customer(3));
    assert_eq!(found["is_compatible"], json!(false), "{found}");
    let text = found["messages"].to_string();
    assert!(text.contains("TYPE_CHANGED"), "{text}");
    assert!(
        text.contains("address.json#/properties/street/type"),
        "{text}"
    );
    assert!(text.contains("{oldSchemaVersion: 1}"), "{text}");
    let message = registry
        .post("/subjects/customer/versions", &customer(3))
        .assert_error(409, 409);
    assert!(message.contains("TYPE_CHANGED"), "{message}");
    // The compatible move is registered as version 2.
    registry.register("customer", &customer(2));
    assert_eq!(
        registry.get("/subjects/customer/versions").ok(),
        json!([1, 2])
    );
}

on_both_stores!(json_schema_references_are_followed_by_the_compatibility_check);
