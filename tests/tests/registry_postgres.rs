//! `contrail registry serve --store postgres://…` end to end: the binary against a throwaway
//! PostgreSQL server (one per test process, a fresh database per test), including two
//! registry processes sharing one database as replicas behind a load balancer would.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use contrail_e2e::RegistryProcess;
use contrail_e2e::http::{self, MEDIA_TYPE};
use contrail_e2e::postgres::PostgresServer;
use serde_json::{Value, json};

/// Sends a request (GET and DELETE ask for the registry's media type, POST and PUT send it);
/// returns the status and the body as JSON (or as a JSON string when it is not JSON).
fn call(method: &str, url: &str, body: Option<&Value>) -> (u16, Value) {
    let header = match method {
        "GET" | "DELETE" => ("Accept", MEDIA_TYPE),
        _ => ("Content-Type", MEDIA_TYPE),
    };
    let body = body.map(Value::to_string).unwrap_or_default();
    let reply = http::request(method, url, &[header], &body, Duration::from_secs(30));
    let value = serde_json::from_str(&reply.body).unwrap_or(Value::String(reply.body));
    (reply.status, value)
}

/// Like [`call`], asserting 200.
#[track_caller]
fn ok(method: &str, url: &str, body: Option<&Value>) -> Value {
    let (status, value) = call(method, url, body);
    assert_eq!(status, 200, "{method} {url}: {value}");
    value
}

fn avro(schema: &Value) -> Value {
    json!({ "schema": schema.to_string() })
}

#[test]
fn register_look_up_and_delete_on_postgres() {
    let url = PostgresServer::shared().fresh_url("e2e_basics");
    let registry = contrail_e2e::start_registry_at(&url, &[]);
    let base = &registry.base;
    let v1 =
        json!({"type": "record", "name": "Order", "fields": [{"name": "id", "type": "string"}]});
    let v2 = json!({"type": "record", "name": "Order", "fields": [
        {"name": "id", "type": "string"},
        {"name": "note", "type": "string", "default": ""}
    ]});
    let id1 = ok(
        "POST",
        &format!("{base}/subjects/orders-value/versions"),
        Some(&avro(&v1)),
    )["id"]
        .as_i64()
        .expect("an id");
    // Repeats and the same schema under another subject share the id.
    for subject in ["orders-value", "copy-value"] {
        let again = ok(
            "POST",
            &format!("{base}/subjects/{subject}/versions"),
            Some(&avro(&v1)),
        );
        assert_eq!(again["id"], json!(id1));
    }
    let id2 = ok(
        "POST",
        &format!("{base}/subjects/orders-value/versions"),
        Some(&avro(&v2)),
    )["id"]
        .as_i64()
        .expect("an id");
    assert!(id2 > id1);
    let found = ok(
        "POST",
        &format!("{base}/subjects/orders-value"),
        Some(&avro(&v1)),
    );
    assert_eq!(
        (found["id"].as_i64(), found["version"].as_i64()),
        (Some(id1), Some(1))
    );
    let stored = ok("GET", &format!("{base}/schemas/ids/{id2}"), None);
    assert_eq!(
        serde_json::from_str::<Value>(stored["schema"].as_str().unwrap_or_default()).ok(),
        Some(v2)
    );
    assert_eq!(
        ok("GET", &format!("{base}/subjects"), None),
        json!(["copy-value", "orders-value"])
    );
    assert_eq!(
        ok(
            "GET",
            &format!("{base}/subjects/orders-value/versions"),
            None
        ),
        json!([1, 2])
    );
    // An incompatible schema is refused with Confluent's 409.
    let breaking =
        json!({"type": "record", "name": "Order", "fields": [{"name": "id", "type": "int"}]});
    let (status, body) = call(
        "POST",
        &format!("{base}/subjects/orders-value/versions"),
        Some(&avro(&breaking)),
    );
    assert_eq!(
        (status, body["error_code"].as_i64()),
        (409, Some(409)),
        "{body}"
    );
    // Soft delete, then permanent delete; the id is gone only once nothing uses it.
    assert_eq!(
        ok("DELETE", &format!("{base}/subjects/copy-value"), None),
        json!([1])
    );
    assert_eq!(
        ok(
            "DELETE",
            &format!("{base}/subjects/copy-value?permanent=true"),
            None
        ),
        json!([1])
    );
    ok("GET", &format!("{base}/schemas/ids/{id1}"), None);
    ok("DELETE", &format!("{base}/subjects/orders-value"), None);
    ok(
        "DELETE",
        &format!("{base}/subjects/orders-value?permanent=true"),
        None,
    );
    let (status, body) = call("GET", &format!("{base}/schemas/ids/{id1}"), None);
    assert_eq!(
        (status, body["error_code"].as_i64()),
        (404, Some(40403)),
        "{body}"
    );
    // Ids are never handed out again.
    let id3 = ok(
        "POST",
        &format!("{base}/subjects/orders-value/versions"),
        Some(&avro(&v1)),
    )["id"]
        .as_i64()
        .expect("an id");
    assert!(id3 > id2, "{id3} after {id2}");
    // The cluster id survives a restart.
    let cluster = ok("GET", &format!("{base}/v1/metadata/id"), None);
    drop(registry);
    let registry = contrail_e2e::start_registry_at(&url, &[]);
    assert_eq!(
        ok("GET", &format!("{}/v1/metadata/id", registry.base), None),
        cluster
    );
}

/// A candidate v2 for the conflict subjects: v1 plus a field `x` of `kind`. Each is
/// BACKWARD-compatible with v1 (the new field has a default) and incompatible with every other
/// kind (no Avro promotion between them, in either direction).
fn candidate(round: usize, kind: &str) -> Value {
    let (schema, default) = match kind {
        "boolean" => (json!("boolean"), json!(false)),
        "string" => (json!("string"), json!("")),
        "int" => (json!("int"), json!(0)),
        _ => (json!({"type": "array", "items": "boolean"}), json!([])),
    };
    json!({"type": "record", "name": format!("C{round}"), "fields": [
        {"name": "id", "type": "string"},
        {"name": "x", "type": schema, "default": default}
    ]})
}

const KINDS: [&str; 4] = ["boolean", "string", "int", "array"];

/// An accepted candidate registration: round, kind, id, version.
type Accepted = (usize, &'static str, i64, i64);

#[test]
fn two_registry_processes_share_one_database() {
    let url = PostgresServer::shared().fresh_url("e2e_two");
    // Both start at once on an empty database: the migrations run exactly once.
    let starting: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || contrail_e2e::start_registry_at(&url, &[]))
        })
        .collect();
    let registries: Vec<RegistryProcess> = starting
        .into_iter()
        .map(|t| t.join().expect("a registry starts"))
        .collect();
    let bases: Vec<String> = registries.iter().map(|r| r.base.clone()).collect();
    ok(
        "PUT",
        &format!("{}/config", bases[0]),
        Some(&json!({"compatibility": "BACKWARD"})),
    );
    // A configuration written through one process governs the other.
    assert_eq!(
        ok("GET", &format!("{}/config", bases[1]), None)["compatibilityLevel"],
        json!("BACKWARD")
    );

    const ROUNDS: usize = 8;
    const THREADS: usize = 8;
    for round in 0..ROUNDS {
        // Named per round, so each round's schemas are distinct from every other round's.
        let v1 = json!({"type": "record", "name": format!("C{round}"), "fields": [{"name": "id", "type": "string"}]});
        ok(
            "POST",
            &format!("{}/subjects/conflict-{round}/versions", bases[round % 2]),
            Some(&avro(&v1)),
        );
    }

    // Per round: every thread, through process (thread % 2), registers the round's shared
    // schema under a subject of its own, and one of the conflicting candidates under the
    // round's conflict subject, all released together by a barrier.
    let barrier = Arc::new(Barrier::new(THREADS));
    let accepted: Arc<Mutex<Vec<Accepted>>> = Arc::default();
    // round → the ids the shared schema got.
    let shared_ids: Arc<Mutex<BTreeMap<usize, BTreeSet<i64>>>> = Arc::default();
    let threads: Vec<_> = (0..THREADS)
        .map(|thread| {
            let barrier = Arc::clone(&barrier);
            let accepted = Arc::clone(&accepted);
            let shared_ids = Arc::clone(&shared_ids);
            let mine = bases[thread % 2].clone();
            let other = bases[(thread + 1) % 2].clone();
            std::thread::spawn(move || {
                for round in 0..ROUNDS {
                    barrier.wait();
                    let shared =
                        json!({"type": "fixed", "name": format!("Shared{round}"), "size": 8});
                    let subject = format!("same-{round}-{thread}");
                    let id = ok(
                        "POST",
                        &format!("{mine}/subjects/{subject}/versions"),
                        Some(&avro(&shared)),
                    )["id"]
                        .as_i64()
                        .expect("an id");
                    // Visible through the other process at once, by id and by subject.
                    ok("GET", &format!("{other}/schemas/ids/{id}"), None);
                    assert_eq!(
                        ok("GET", &format!("{other}/subjects/{subject}/versions"), None),
                        json!([1])
                    );
                    shared_ids
                        .lock()
                        .expect("lock")
                        .entry(round)
                        .or_default()
                        .insert(id);

                    let kind = KINDS[(thread + round) % KINDS.len()];
                    let (status, body) = call(
                        "POST",
                        &format!("{mine}/subjects/conflict-{round}/versions"),
                        Some(&avro(&candidate(round, kind))),
                    );
                    match status {
                        200 => {
                            let id = body["id"].as_i64().expect("an id");
                            let found = ok(
                                "POST",
                                &format!("{other}/subjects/conflict-{round}"),
                                Some(&avro(&candidate(round, kind))),
                            );
                            assert_eq!(found["id"], json!(id), "visible through the other process");
                            let version = found["version"].as_i64().expect("a version");
                            accepted
                                .lock()
                                .expect("lock")
                                .push((round, kind, id, version));
                        }
                        409 => assert_eq!(body["error_code"], json!(409), "{body}"),
                        _ => panic!("unexpected answer {status}: {body}"),
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("thread");
    }

    let shared_ids = shared_ids.lock().expect("lock").clone();
    let accepted = accepted.lock().expect("lock").clone();
    let mut every_id: BTreeMap<i64, String> = BTreeMap::new();
    for round in 0..ROUNDS {
        // One id per schema, whichever process registered it.
        let ids = &shared_ids[&round];
        assert_eq!(
            ids.len(),
            1,
            "round {round}: the shared schema got ids {ids:?}"
        );
        // Never two incompatible candidates: one kind won, as version 2, and every accepted
        // registration of the round is that one.
        let winners: BTreeSet<(&str, i64, i64)> = accepted
            .iter()
            .filter(|(r, ..)| *r == round)
            .map(|(_, kind, id, version)| (*kind, *id, *version))
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
        let versions = ok(
            "GET",
            &format!("{}/subjects/conflict-{round}/versions", bases[round % 2]),
            None,
        );
        assert_eq!(versions, json!([1, 2]), "round {round}");
        for (kind, id, version) in &winners {
            assert_eq!(*version, 2);
            // Distinct schemas never share an id.
            let previous = every_id.insert(*id, format!("candidate {kind}"));
            assert!(
                previous.is_none(),
                "id {id} given to {previous:?} and {kind}"
            );
        }
        let shared_id = *ids.iter().next().expect("one id");
        let previous = every_id.insert(shared_id, format!("Shared{round}"));
        assert!(
            previous.is_none(),
            "id {shared_id} given to {previous:?} and Shared{round}"
        );
    }

    // Ids are never reused: after permanent deletes through one process, a registration
    // through the other gets an id above every id ever handed out.
    let highest = *every_id.keys().next_back().expect("ids");
    for thread in 0..THREADS {
        let subject = format!("same-{}-{thread}", ROUNDS - 1);
        ok("DELETE", &format!("{}/subjects/{subject}", bases[0]), None);
        ok(
            "DELETE",
            &format!("{}/subjects/{subject}?permanent=true", bases[0]),
            None,
        );
    }
    let fresh = ok(
        "POST",
        &format!("{}/subjects/fresh/versions", bases[1]),
        Some(&avro(&json!({"type": "fixed", "name": "Fresh", "size": 3}))),
    )["id"]
        .as_i64()
        .expect("an id");
    assert!(fresh > highest, "{fresh} after {highest}");
}
