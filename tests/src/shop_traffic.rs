//! The shop example's traffic on a real broker: the fixture of the end-to-end tests of
//! `contrail sample` and `contrail trace`.
//!
//! [`shop_traffic`] starts tansu and contrail's registry, pushes examples/shop with `contrail
//! registry push`, creates the shop's four topics, and runs `examples/shop/produce.py` (the
//! script users run; its header documents what it writes and when) with confluent-kafka's
//! serializers under `CONTRAIL_PYTHON`. What the script produced comes back as a typed
//! [`Manifest`], so a test can compare a reader's output with it exactly:
//!
//! ```no_run
//! use contrail_e2e::shop_traffic::{ShopTrafficOptions, shop_traffic};
//!
//! let options = ShopTrafficOptions {
//!     broken_every: Some(4),
//!     malformed: true,
//!     ..ShopTrafficOptions::default()
//! };
//! let Some(traffic) = shop_traffic(&options) else {
//!     return; // tansu is not installed and not required
//! };
//! // contrail sample examples/shop --brokers <traffic.bootstrap()> --registry <traffic.registry_url()>
//! assert_eq!(traffic.manifest.flows().len(), 10);
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

use crate::{RegistryProcess, TansuProcess, contrail, repo_root, start_registry, start_tansu};

/// The shop's topics, in flow order.
pub const TOPICS: [&str; 4] = [
    "shop.orders",
    "shop.payments",
    "shop.inventory",
    "shop.shipments",
];

/// The shop's topics no order writes to (its Protobuf event's), created empty beside
/// [`TOPICS`] so that readers of the catalog's topics find every one.
pub const QUIET_TOPICS: [&str; 1] = ["shop.stock"];

/// What to produce: `produce.py`'s flags (see its header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopTrafficOptions {
    /// Orders 1..=N, correlation ids `c-1`…, order ids (and keys) `o-1`….
    pub orders: u32,
    /// Partitions of each of the four topics.
    pub partitions: u32,
    /// Payload seed: the same options give the same bytes.
    pub seed: u64,
    /// Order i starts at `start_ms + (i - 1) * step_ms`.
    pub start_ms: i64,
    pub step_ms: i64,
    /// Each hop takes up to this many milliseconds longer than its fixed offset.
    pub jitter_ms: i64,
    /// Every K-th order stops after PaymentProcessed.
    pub broken_every: Option<u32>,
    /// Every K-th order also gets an OrderShipped 50 ms after its OrderPlaced.
    pub undeclared_every: Option<u32>,
    /// The five malformed records on shop.orders, after the last order.
    pub malformed: bool,
    /// Values framed by schema GUID in a `__value_schema_id` header (Confluent 8) instead of
    /// the schema id before the payload (the malformed records keep the prefix).
    pub schema_id_header: bool,
}

impl Default for ShopTrafficOptions {
    /// Ten complete orders on two partitions per topic, from 2026-01-01T00:00:00Z a second
    /// apart, with the fixed hop offsets.
    fn default() -> ShopTrafficOptions {
        ShopTrafficOptions {
            orders: 10,
            partitions: 2,
            seed: 1,
            start_ms: 1_767_225_600_000,
            step_ms: 1000,
            jitter_ms: 0,
            broken_every: None,
            undeclared_every: None,
            malformed: false,
            schema_id_header: false,
        }
    }
}

/// What a record is, as `produce.py` meant it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A record of a complete order.
    Flow,
    /// A record of an order that stops after PaymentProcessed.
    Broken,
    /// The OrderShipped right after OrderPlaced, an edge no contract declares.
    Undeclared,
    /// An OrderPlaced whose magic byte is 7.
    WrongMagic,
    /// An OrderPlaced cut off halfway through its Avro body.
    Truncated,
    /// An OrderPlaced framed with schema id 99999.
    UnknownSchemaId,
    /// A valid OrderPlaced without its correlation-id header.
    NoCorrelationId,
    /// A valid PaymentProcessed on shop.orders.
    NotDeclared,
}

impl Kind {
    /// The problem kind `trace` counts the record under (the same spelling), or `None` for a
    /// record that belongs in its flow.
    pub fn problem(self) -> Option<&'static str> {
        match self {
            Kind::Flow | Kind::Broken | Kind::Undeclared => None,
            Kind::WrongMagic => Some("wrong_magic"),
            Kind::Truncated => Some("truncated"),
            Kind::UnknownSchemaId => Some("unknown_schema_id"),
            Kind::NoCorrelationId => Some("no_correlation_id"),
            Kind::NotDeclared => Some("not_declared"),
        }
    }
}

/// One record `produce.py` produced, where the broker put it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ProducedRecord {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    /// The CreateTime the script set.
    pub timestamp_ms: i64,
    /// The key, a plain UTF-8 string: the order id (`o-wrong-magic`, … for malformed records).
    pub key: String,
    /// The `correlation-id` header; `None` without it.
    pub correlation_id: Option<String>,
    /// The event it was written as (for a malformed record, before it was damaged).
    pub event: Option<String>,
    pub kind: Kind,
    /// The schema id before the payload; `None` without one (a wrong magic byte, or a GUID
    /// in the header instead).
    pub schema_id: Option<u32>,
    /// The schema GUID in the `__value_schema_id` header; `None` without one.
    pub schema_guid: Option<String>,
    /// The payload a decoder recovers; `None` where the bytes do not decode.
    pub value: Option<Value>,
}

impl ProducedRecord {
    /// `topic/partition@offset`, as contrail prints a record's position.
    pub fn position(&self) -> String {
        format!("{}/{}@{}", self.topic, self.partition, self.offset)
    }
}

/// `produce.py --manifest`: every record produced, in the order it was produced.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Manifest {
    /// Milliseconds from an order's start to each event's record, and to the undeclared
    /// OrderShipped (`undeclared`), before jitter.
    pub offsets_ms: BTreeMap<String, i64>,
    /// Partitions per topic.
    pub topics: BTreeMap<String, u32>,
    /// The id of each subject's latest version (`shop.orders-value`, …): what the
    /// serializers wrote before the payload.
    pub schema_ids: BTreeMap<String, u32>,
    /// The GUID of each subject's latest version: what they wrote in the header instead.
    pub schema_guids: BTreeMap<String, String>,
    pub records: Vec<ProducedRecord>,
}

impl Manifest {
    /// The records that belong in flows, by correlation id, each flow in `trace`'s order:
    /// timestamp, then topic, partition, offset.
    pub fn flows(&self) -> BTreeMap<&str, Vec<&ProducedRecord>> {
        let mut flows: BTreeMap<&str, Vec<&ProducedRecord>> = BTreeMap::new();
        for record in self.records.iter().filter(|r| r.kind.problem().is_none()) {
            let id = record.correlation_id.as_deref().unwrap_or_default();
            flows.entry(id).or_default().push(record);
        }
        for records in flows.values_mut() {
            records.sort_by(|a, b| {
                (a.timestamp_ms, &a.topic, a.partition, a.offset).cmp(&(
                    b.timestamp_ms,
                    &b.topic,
                    b.partition,
                    b.offset,
                ))
            });
        }
        flows
    }

    /// The records of one kind, in the order they were produced.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &ProducedRecord> {
        self.records.iter().filter(move |r| r.kind == kind)
    }
}

/// The shop's traffic on a running broker, with the registry holding its schemas. The
/// processes stop when it is dropped.
#[derive(Debug)]
pub struct ShopTraffic {
    pub tansu: TansuProcess,
    pub registry: RegistryProcess,
    /// Holds the registry's database and the manifest.
    pub dir: tempfile::TempDir,
    pub manifest: Manifest,
}

impl ShopTraffic {
    /// The broker's bootstrap address, `127.0.0.1:PORT`.
    pub fn bootstrap(&self) -> &str {
        &self.tansu.bootstrap
    }

    /// The registry's base URL, `http://127.0.0.1:PORT`.
    pub fn registry_url(&self) -> &str {
        &self.registry.base
    }

    /// The manifest as the script wrote it, for tests that hand it to another program.
    pub fn manifest_path(&self) -> PathBuf {
        self.dir.path().join("manifest.json")
    }
}

/// The examples/shop catalog.
pub fn shop_dir() -> PathBuf {
    repo_root().join("examples/shop")
}

/// `CONTRAIL_PYTHON`: a Python with confluent-kafka (scripts/requirements-test.txt).
pub fn python() -> PathBuf {
    std::env::var_os("CONTRAIL_PYTHON").map_or_else(
        || {
            panic!(
                "CONTRAIL_PYTHON is not set: run scripts/test.sh, which installs confluent-kafka \
                 (scripts/requirements-test.txt) into a virtualenv and exports its python"
            )
        },
        PathBuf::from,
    )
}

/// `python examples/shop/produce.py` with `args`, as users run it.
pub fn produce_py(args: &[&str]) -> Command {
    let mut command = Command::new(python());
    command.arg(shop_dir().join("produce.py")).args(args);
    command
}

/// Produces the shop's traffic with `options` onto a fresh tansu (see the module's
/// documentation); `None` when tansu is not installed and not required.
pub fn shop_traffic(options: &ShopTrafficOptions) -> Option<ShopTraffic> {
    let tansu = start_tansu()?;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let registry = start_registry(&dir.path().join("registry.db"), &[]);
    let push = contrail()
        .args(["registry", "push"])
        .arg(shop_dir())
        .args(["--registry", &registry.base])
        .output()
        .expect("contrail runs");
    assert!(
        push.status.success(),
        "contrail registry push examples/shop: {}\n{}",
        String::from_utf8_lossy(&push.stdout),
        String::from_utf8_lossy(&push.stderr)
    );
    for topic in TOPICS.into_iter().chain(QUIET_TOPICS) {
        tansu.create_topic(topic, options.partitions);
    }
    let manifest = produce(
        options,
        &tansu.bootstrap,
        &registry.base,
        &dir.path().join("manifest.json"),
    );
    Some(ShopTraffic {
        tansu,
        registry,
        dir,
        manifest,
    })
}

/// Runs produce.py with `options` against a broker whose topics exist and a registry that holds
/// the shop's schemas, writing the manifest to `manifest`, and returns it.
pub fn produce(
    options: &ShopTrafficOptions,
    bootstrap: &str,
    registry: &str,
    manifest: &Path,
) -> Manifest {
    let mut args: Vec<String> = [
        "--bootstrap",
        bootstrap,
        "--registry",
        registry,
        "--manifest",
        &manifest.display().to_string(),
    ]
    .map(str::to_owned)
    .to_vec();
    let mut flag = |name: &str, value: String| args.extend([name.to_owned(), value]);
    flag("--orders", options.orders.to_string());
    flag("--seed", options.seed.to_string());
    flag("--start-ms", options.start_ms.to_string());
    flag("--step-ms", options.step_ms.to_string());
    flag("--jitter-ms", options.jitter_ms.to_string());
    if let Some(k) = options.broken_every {
        flag("--broken-every", k.to_string());
    }
    if let Some(k) = options.undeclared_every {
        flag("--undeclared-every", k.to_string());
    }
    if options.malformed {
        args.push("--malformed".to_owned());
    }
    if options.schema_id_header {
        args.push("--schema-id-header".to_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = produce_py(&args).output().expect("python runs");
    assert!(
        output.status.success(),
        "examples/shop/produce.py {}: {}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(manifest).expect("produce.py wrote its manifest");
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("the manifest does not parse ({e}): {text}"))
}
