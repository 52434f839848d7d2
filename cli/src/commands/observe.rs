//! What `contrail sample` and `contrail trace` share: where the brokers are, the registry as the
//! decoder's schema source, which topics to read, a progress line, and stopping on Ctrl-C.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use contrail_contracts::Catalog;
use contrail_contracts::observe::{RegisteredSchema, SchemaSource, SourceError};
use contrail_contracts::schema::SchemaFormat;
use contrail_kafka::{BrokerProfile, PartitionProgress};
use contrail_registry::client::{Client, ClientError, SchemaById};
use contrail_registry::guid;
use contrail_registry::model::{Reference, SchemaType, VersionSelector};

/// The flags that say where to read from and where schemas are.
#[derive(Debug, Clone, clap::Args)]
pub struct ConnectArgs {
    /// The brokers: a profile of `contrail.yaml`'s `brokers:` section, or `HOST:PORT[,…]`.
    /// Default: the catalog's only profile.
    #[arg(long, value_name = "PROFILE|HOST:PORT")]
    pub brokers: Option<String>,

    /// The schema registry that decodes framed records. Default: the catalog's `registry:`.
    /// Credentials come from CONTRAIL_REGISTRY_USER_INFO or CONTRAIL_REGISTRY_TOKEN.
    #[arg(long, value_name = "URL")]
    pub registry: Option<String>,

    #[command(flatten)]
    pub registry_tls: super::registry::RegistryTlsArgs,

    /// How long a broker or the registry may take to answer before contrail gives up.
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = duration)]
    pub timeout: Duration,
}

/// Parses `10s`, `5m`, `1h30m` for clap.
pub(crate) fn duration(text: &str) -> Result<Duration, String> {
    contrail_kafka::parse_duration(text).map_err(|e| e.to_string())
}

impl ConnectArgs {
    /// The broker profile to connect with: `--brokers` (a profile name, else an address), or
    /// the catalog's only profile. `${VAR}` references are expanded here.
    pub(crate) fn profile(&self, catalog: &Catalog) -> anyhow::Result<BrokerProfile> {
        let profiles = &catalog.config.brokers;
        let names = || {
            profiles
                .iter()
                .map(|p| p.name.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let declared = match &self.brokers {
            Some(wanted) => match catalog.config.broker(wanted) {
                Some(profile) => profile,
                None if wanted.contains(':') => {
                    if let Some(problem) = contrail_contracts::brokers::bootstrap_problem(wanted) {
                        bail!("--brokers {wanted}: {problem}");
                    }
                    return Ok(BrokerProfile::new(wanted.clone()));
                }
                None if profiles.is_empty() => bail!(
                    "--brokers {wanted}: the catalog declares no broker profiles; write HOST:PORT, or declare `{wanted}` under `brokers:` in contrail.yaml (docs/brokers.md)"
                ),
                None => bail!(
                    "--brokers {wanted}: no broker profile has that name (profiles: {}); write a profile name or HOST:PORT",
                    names()
                ),
            },
            None => match profiles.as_slice() {
                [only] => only,
                [] => bail!(
                    "no brokers: pass --brokers HOST:PORT, or declare a profile under `brokers:` in contrail.yaml (docs/brokers.md)"
                ),
                _ => bail!(
                    "the catalog declares several broker profiles ({}); choose one with --brokers NAME",
                    names()
                ),
            },
        };
        let expand = |what: &str, value: &str| {
            contrail_contracts::brokers::expand(value, |name| std::env::var(name).ok())
                .with_context(|| format!("broker profile `{}`, {what}", declared.name.value))
        };
        let mut profile = BrokerProfile::new(expand("bootstrap", &declared.bootstrap.value)?);
        for (key, value) in &declared.settings {
            let value = expand(&format!("setting `{}`", key.value), &value.value)?;
            profile = profile.with(key.value.clone(), value);
        }
        Ok(profile)
    }

    /// The registry to decode with: `--registry`, else the catalog's `registry:`, else none.
    pub(crate) fn registry_source(&self, catalog: &Catalog) -> anyhow::Result<RegistrySource> {
        let url = self
            .registry
            .clone()
            .or_else(|| catalog.config.registry.as_ref().map(|r| r.value.clone()));
        let client = match &url {
            Some(url) => Some(super::registry::client_with_timeout(
                url,
                self.timeout,
                &self.registry_tls,
            )?),
            None => None,
        };
        Ok(RegistrySource::new(client))
    }
}

/// The topics a catalog declares, in catalog order: each event's, then those services write
/// to on channels of their own. Channel keys standing in for unknown addresses are no topics.
pub(crate) fn catalog_topics(catalog: &Catalog) -> Vec<String> {
    let events = catalog
        .events
        .iter()
        .filter(|e| !e.topic_is_channel_key)
        .filter_map(|e| e.topic.as_ref());
    let produced = catalog
        .services
        .iter()
        .flat_map(|s| &s.produces)
        .filter(|p| !p.topic_is_channel_key)
        .filter_map(|p| p.topic.as_ref());
    let mut topics: Vec<String> = Vec::new();
    for topic in events.chain(produced) {
        if !topics.contains(&topic.value) {
            topics.push(topic.value.clone());
        }
    }
    topics
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Raises `stop` on the first Ctrl-C, so the command prints what it read so far; a second
/// Ctrl-C exits at once (130), for a reader stuck on a broker.
pub(crate) fn stop_on_ctrl_c(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.store(true, Ordering::Relaxed);
            }
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        });
    });
}

/// The registry as the decoder's [`SchemaSource`]: a schema by id with the subjects it is
/// registered under, its references' texts resolved depth-first.
#[derive(Debug, Clone)]
pub(crate) struct RegistrySource {
    client: Option<Client>,
    /// Referenced subject versions already fetched: `(subject, version)` → text and references.
    versions: HashMap<(String, i64), (String, Vec<Reference>)>,
}

/// How deep references may nest before the registry's answer is taken for a cycle.
const MAX_REFERENCE_DEPTH: usize = 32;

impl RegistrySource {
    pub(crate) fn new(client: Option<Client>) -> RegistrySource {
        RegistrySource {
            client,
            versions: HashMap::new(),
        }
    }

    fn client(&self) -> Result<&Client, SourceError> {
        self.client.as_ref().ok_or_else(|| {
            SourceError::Unreachable(
                "no registry is configured, and records carry schema ids: pass --registry URL or add `registry:` to contrail.yaml".to_owned(),
            )
        })
    }

    /// Appends the texts of `references` (and theirs, first) to `out`, each once.
    fn resolve(
        &mut self,
        references: &[Reference],
        out: &mut Vec<(String, String)>,
        depth: usize,
    ) -> Result<(), SourceError> {
        if depth > MAX_REFERENCE_DEPTH {
            return Err(SourceError::Unexpected(format!(
                "schema references nest deeper than {MAX_REFERENCE_DEPTH} levels (a cycle?)"
            )));
        }
        for reference in references {
            let key = (reference.subject.clone(), reference.version);
            if !self.versions.contains_key(&key) {
                let found = self
                    .client()?
                    .version(
                        &reference.subject,
                        VersionSelector::Number(reference.version),
                    )
                    .map_err(source_error)?;
                self.versions
                    .insert(key.clone(), (found.schema, found.references));
            }
            let (text, nested) = self.versions[&key].clone();
            self.resolve(&nested, out, depth + 1)?;
            if !out.iter().any(|(_, t)| *t == text) {
                out.push((reference.name.clone(), text));
            }
        }
        Ok(())
    }
}

impl RegistrySource {
    /// A schema the registry answered with, its references resolved, as the decoder takes it.
    fn registered(&mut self, found: SchemaById) -> Result<Arc<RegisteredSchema>, SourceError> {
        let id = u32::try_from(found.id).map_err(|_| {
            SourceError::Unexpected(format!(
                "the registry answered with schema id {}, which is not a 32-bit id",
                found.id
            ))
        })?;
        let mut references = Vec::new();
        self.resolve(&found.references, &mut references, 0)?;
        Ok(Arc::new(RegisteredSchema {
            id,
            format: match found.schema_type {
                SchemaType::Avro => SchemaFormat::Avro,
                SchemaType::Json => SchemaFormat::JsonSchema,
                SchemaType::Protobuf => SchemaFormat::Protobuf,
            },
            schema: found.schema,
            references,
            subjects: found
                .subjects
                .into_iter()
                .filter_map(|(subject, version)| Some((subject, u32::try_from(version).ok()?)))
                .collect(),
        }))
    }
}

impl SchemaSource for RegistrySource {
    fn by_id(&mut self, id: u32) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
        let found = self
            .client()?
            .schema_by_id(i64::from(id))
            .map_err(source_error)?;
        found.map(|found| self.registered(found)).transpose()
    }

    fn by_guid(&mut self, guid: [u8; 16]) -> Result<Option<Arc<RegisteredSchema>>, SourceError> {
        let found = self
            .client()?
            .schema_by_guid(&guid::format(&guid))
            .map_err(source_error)?;
        found.map(|found| self.registered(found)).transpose()
    }
}

fn source_error(error: ClientError) -> SourceError {
    match error {
        ClientError::Transport { .. } => SourceError::Unreachable(error.to_string()),
        ClientError::Api { .. } | ClientError::Decode { .. } => {
            SourceError::Unexpected(error.to_string())
        }
    }
}

/// A one-line progress report on stderr, redrawn at most four times a second: records read,
/// records per second, and the lag of each partition. Silent unless stderr is a terminal.
#[derive(Debug)]
pub(crate) struct Progress {
    enabled: bool,
    started: Instant,
    last: Instant,
    drawn: bool,
    width: usize,
}

const REDRAW: Duration = Duration::from_millis(250);

impl Progress {
    pub(crate) fn new() -> Progress {
        use std::io::IsTerminal;
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100usize);
        Progress {
            enabled: std::io::stderr().is_terminal(),
            started: Instant::now(),
            last: Instant::now(),
            drawn: false,
            width: width.clamp(40, 400),
        }
    }

    /// Redraws the line when it is due.
    pub(crate) fn tick(&mut self, read: u64, partitions: &[PartitionProgress]) {
        if !self.enabled || self.last.elapsed() < REDRAW {
            return;
        }
        self.last = Instant::now();
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let lag: i64 = partitions.iter().map(PartitionProgress::lag).sum();
        let mut line = format!("{read} records, {:.0}/s, lag {lag}", read as f64 / seconds);
        let mut behind: Vec<&PartitionProgress> =
            partitions.iter().filter(|p| p.lag() > 0).collect();
        behind.sort_by_key(|p| std::cmp::Reverse(p.lag()));
        for p in behind {
            let part = format!(" {}/{} {}", p.topic, p.partition, p.lag());
            if line.len() + part.len() + 2 > self.width {
                line.push_str(" …");
                break;
            }
            line.push_str(&part);
        }
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K{line}");
        let _ = stderr.flush();
        self.drawn = true;
    }

    /// Clears the line, before anything else is written to the terminal.
    pub(crate) fn clear(&mut self) {
        if self.drawn {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
            self.drawn = false;
        }
    }
}
