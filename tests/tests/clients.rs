//! Real registry clients, unchanged, against `contrail registry serve`: Confluent's Python client
//! (confluent-kafka, run as a script), the community python-schema-registry-client (sync and
//! async, run as a script), the JavaScript client @kafkajs/confluent-schema-registry (run by
//! node) and the Rust crate schema_registry_converter. Each test
//! starts its own registry on an ephemeral port with SQLite on disk.

use std::path::Path;
use std::process::Command;

use contrail_e2e::RegistryProcess;

use apache_avro::types::Value as Avro;
use schema_registry_converter::blocking::avro::{AvroDecoder, AvroEncoder};
use schema_registry_converter::blocking::schema_registry::{SrSettings, is_compatible_schema};
use schema_registry_converter::schema_registry_common::{
    RawError, SchemaType, SubjectNameStrategy, SuppliedSchema,
};
use serde_json::Value;

/// A running registry in a temporary directory, killed when dropped.
struct Registry {
    process: RegistryProcess,
    _dir: tempfile::TempDir,
}

impl Registry {
    fn start() -> Registry {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let process = contrail_e2e::start_registry(&dir.path().join("registry.db"), &[]);
        Registry { process, _dir: dir }
    }

    fn base(&self) -> &str {
        &self.process.base
    }

    /// GET a JSON document, asserting success.
    fn get(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.base());
        let body = ureq::get(&url)
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"))
            .body_mut()
            .read_to_string()
            .expect("a readable body");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {url}: not JSON ({e}): {body}"))
    }

    fn settings(&self) -> SrSettings {
        contrail_e2e::install_crypto_provider();
        SrSettings::new_builder(self.base().to_owned())
            .no_proxy()
            .build()
            .expect("schema_registry_converter accepts the registry URL")
    }
}

/// Runs `INTERPRETER tests/clients/SCRIPT REGISTRY_URL` against a fresh registry and asserts
/// it passed every scenario (its last line says how many).
fn run_client_script(mut interpreter: Command, script: &str, passed: &str) {
    let registry = Registry::start();
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("clients")
        .join(script);
    let output = interpreter
        .arg(&script)
        .arg(registry.base())
        .output()
        .unwrap_or_else(|e| panic!("running {} with {interpreter:?}: {e}", script.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{} failed ({}):\n{stdout}\n{stderr}",
        script.display(),
        output.status
    );
    assert!(
        stdout.contains(passed),
        "{} did not run every scenario:\n{stdout}\n{stderr}",
        script.display()
    );
}

/// `CONTRAIL_PYTHON`, with the packages of scripts/requirements-test.txt.
fn python() -> Command {
    Command::new(contrail_e2e::shop_traffic::python())
}

#[test]
fn confluent_kafka_python_client_works_unchanged() {
    run_client_script(
        python(),
        "confluent_kafka_client.py",
        "all 7 client scenarios passed",
    );
}

#[test]
fn python_schema_registry_client_works_unchanged() {
    run_client_script(
        python(),
        "python_schema_registry_client.py",
        "all 2 client scenarios passed",
    );
}

/// @kafkajs/confluent-schema-registry, the JavaScript client, run by node from
/// `CONTRAIL_KAFKAJS_DIR` (scripts/test.sh installs it there and sets
/// `CONTRAIL_REQUIRE_KAFKAJS`, so CI cannot skip it).
#[test]
fn kafkajs_confluent_schema_registry_works_unchanged() {
    let Some(dir) = std::env::var_os("CONTRAIL_KAFKAJS_DIR") else {
        assert!(
            std::env::var_os("CONTRAIL_REQUIRE_KAFKAJS").is_none(),
            "CONTRAIL_KAFKAJS_DIR is not set: run scripts/test.sh, which installs \
             @kafkajs/confluent-schema-registry"
        );
        eprintln!("CONTRAIL_KAFKAJS_DIR is not set; scripts/test.sh installs the kafkajs client");
        return;
    };
    let mut node = Command::new("node");
    node.env("NODE_PATH", Path::new(&dir).join("node_modules"));
    run_client_script(node, "kafkajs/client.js", "all 3 client scenarios passed");
}

const ORDER_V1: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
    {"name":"id","type":"string"},
    {"name":"amount_cents","type":"long"},
    {"name":"note","type":["null","string"],"default":null}]}"#;

/// Drops `amount_cents` and adds a field without a default: not BACKWARD compatible with v1.
const ORDER_INCOMPATIBLE: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
    {"name":"id","type":"string"},
    {"name":"customer","type":"string"}]}"#;

fn avro_schema(text: &str) -> SuppliedSchema {
    SuppliedSchema::new(
        Some("shop.Order".to_owned()),
        SchemaType::Avro,
        text.to_owned(),
    )
}

/// The value-subject strategy with the schema to auto-register, as a producer configures it.
fn value_strategy(topic: &str, schema: &str) -> SubjectNameStrategy {
    SubjectNameStrategy::TopicNameStrategyWithSchema(topic.to_owned(), false, avro_schema(schema))
}

/// The schema id of Confluent's wire format: magic byte 0, then the id as 4 big-endian bytes.
fn wire_id(bytes: &[u8]) -> u32 {
    assert!(
        bytes.len() > 5 && bytes[0] == 0,
        "not Confluent's wire format: {bytes:?}"
    );
    u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]])
}

fn order(id: &str, amount_cents: i64, note: Option<&str>) -> Vec<(&'static str, Avro)> {
    let note = match note {
        Some(text) => Avro::Union(1, Box::new(Avro::String(text.to_owned()))),
        None => Avro::Union(0, Box::new(Avro::Null)),
    };
    vec![
        ("id", Avro::String(id.to_owned())),
        ("amount_cents", Avro::Long(amount_cents)),
        ("note", note),
    ]
}

#[test]
fn schema_registry_converter_round_trips_avro() {
    let registry = Registry::start();
    let encoder = AvroEncoder::new(registry.settings());
    let decoder = AvroDecoder::new(registry.settings());
    let orders = value_strategy("rs-orders", ORDER_V1);

    let records = [
        order("o-1", 1999, None),
        order("o-2", 0, Some("gift wrap")),
        order("ö-ünïcode", i64::MIN, Some("")),
    ];
    let mut ids = Vec::new();
    for record in &records {
        let bytes = encoder
            .encode(record.clone(), &orders)
            .unwrap_or_else(|e| panic!("encoding {record:?}: {e}"));
        ids.push(wire_id(&bytes));
        let decoded = decoder
            .decode(Some(&bytes))
            .unwrap_or_else(|e| panic!("decoding {bytes:?}: {e}"));
        let fields = record
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect();
        assert_eq!(decoded.value, Avro::Record(fields));
        let name = decoded.name.expect("a record decodes with its name");
        assert_eq!(name.fullname(None), "shop.Order");
    }

    // The encoder registered the schema (it was not there before); the bytes carry its id.
    let latest = registry.get("/subjects/rs-orders-value/versions/latest");
    assert_eq!(latest["version"], 1, "{latest}");
    let id = latest["id"].as_u64().expect("an id");
    assert!(ids.iter().all(|&i| u64::from(i) == id), "{ids:?} != {id}");

    // Another topic with the same schema: a second subject, the same global id.
    let audit = value_strategy("rs-audit", ORDER_V1);
    let bytes = encoder
        .encode(order("o-4", 1, None), &audit)
        .expect("encoding for a second subject");
    assert_eq!(u64::from(wire_id(&bytes)), id);
    let subjects = registry.get(&format!("/schemas/ids/{id}/subjects"));
    assert_eq!(
        subjects,
        serde_json::json!(["rs-audit-value", "rs-orders-value"])
    );
}

/// A record framed by GUID in a `__value_schema_id` header (Confluent 8): the decoder looks the
/// schema up with `GET /schemas/guids/{guid}`, which must answer as Confluent's does.
#[test]
fn schema_registry_converter_decodes_a_record_framed_by_guid() {
    let registry = Registry::start();
    let record = order("o-guid", 42, Some("by header"));
    let prefixed = AvroEncoder::new(registry.settings())
        .encode(record.clone(), &value_strategy("rs-guid", ORDER_V1))
        .expect("encoding registers the schema");
    let latest = registry.get("/subjects/rs-guid-value/versions/latest");
    let guid = latest["guid"].as_str().expect("the version has a GUID");
    // The header: magic byte 1, then the GUID's 16 bytes in the order its text spells them.
    let mut header = vec![1u8];
    let hex: String = guid.chars().filter(|c| *c != '-').collect();
    assert_eq!(hex.len(), 32, "{guid}");
    for pair in hex.as_bytes().chunks(2) {
        let text = std::str::from_utf8(pair).expect("hex");
        header.push(u8::from_str_radix(text, 16).expect("hex digits"));
    }
    let body = &prefixed[5..];
    let decoded = AvroDecoder::new(registry.settings())
        .decode_with_header_id(Some(&header), Some(body))
        .unwrap_or_else(|e| panic!("decoding by GUID {guid}: {e}"));
    let fields = record
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    assert_eq!(decoded.value, Avro::Record(fields));
}

#[test]
fn schema_registry_converter_sees_incompatible_schemas_refused() {
    let registry = Registry::start();
    let settings = registry.settings();
    AvroEncoder::new(registry.settings())
        .encode(
            order("o-1", 1, None),
            &value_strategy("rs-orders", ORDER_V1),
        )
        .expect("registering v1 through the encoder");

    let compatible = is_compatible_schema(
        &settings,
        "rs-orders-value".to_owned(),
        avro_schema(ORDER_INCOMPATIBLE),
    )
    .expect("the compatibility endpoint answers");
    assert!(
        !compatible,
        "dropping a field and adding one without a default passed"
    );

    // A fresh encoder (the first one caches the subject's v1) tries to auto-register it.
    let refused = AvroEncoder::new(registry.settings())
        .encode(
            vec![
                ("id", Avro::String("o-2".to_owned())),
                ("customer", Avro::String("c-1".to_owned())),
            ],
            &value_strategy("rs-orders", ORDER_INCOMPATIBLE),
        )
        .expect_err("an incompatible schema is refused");
    assert!(!refused.retriable, "{refused}");
    assert!(refused.error.contains("409"), "{refused}");
    let raw = std::error::Error::source(&refused)
        .and_then(|source| source.downcast_ref::<RawError>())
        .unwrap_or_else(|| panic!("the registry's error body reaches the caller: {refused}"));
    assert!(
        matches!(raw.error_code, 409 | 40901),
        "error_code {}",
        raw.error_code
    );
    for needle in [
        "incompatible",
        "rs-orders-value",
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        "customer",
    ] {
        assert!(raw.message.contains(needle), "{needle}: {}", raw.message);
    }

    let versions = registry.get("/subjects/rs-orders-value/versions");
    assert_eq!(versions, serde_json::json!([1]));
}
