//! `contrail registry`: the Confluent-compatible schema registry.

mod delete;
mod diff;
mod ls;
pub(crate) mod pull;
mod push;
mod show;
pub(crate) mod target;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use contrail_registry::server::{self, DEFAULT_MAX_BODY_BYTES, ServerConfig, auth};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: RegistryCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum RegistryCommand {
    /// Serve the Confluent Schema Registry REST API (SQLite by default, PostgreSQL for
    /// replicas: see --store). Stops on Ctrl-C or SIGTERM after finishing the requests in
    /// flight.
    Serve(ServeArgs),
    /// Register every event schema of a catalog under its subject (Avro types taken from
    /// other files first, under their full names). Checks compatibility before registering.
    Push(PushArgs),
    /// Write the latest version of every (matching) subject to `DIR/<subject>.<avsc|json|proto>`.
    Pull(PullArgs),
    /// List the subjects: latest version, id, schema type, compatibility level of their own.
    Ls(ls::LsArgs),
    /// Show one schema, pretty-printed, with its references, compatibility level and mode:
    /// SUBJECT (latest version), SUBJECT@VERSION, or --id ID.
    Show(show::ShowArgs),
    /// Compare two versions of a subject: the compatibility check between them (exit 1 when
    /// incompatible) and a line diff of the schemas.
    Diff(diff::DiffArgs),
    /// Delete a subject or one version (soft; --permanent removes it for good). Asks first
    /// unless --yes.
    Delete(delete::DeleteArgs),
    /// Read a password from stdin and print its PBKDF2 hash for the `password-hash` of an
    /// `--auth-config` user.
    HashPassword(HashPasswordArgs),
}

#[derive(Debug, clap::Args)]
pub struct HashPasswordArgs {
    /// PBKDF2-HMAC-SHA256 iterations: more is slower to check and slower to brute-force.
    #[arg(long, value_name = "N", default_value_t = auth::DEFAULT_ITERATIONS)]
    pub iterations: u32,
}

/// `--log-format` of serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// `--format` of push and pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One line per subject.
    Human,
    /// A JSON list, for scripts.
    Json,
}

/// How the commands that talk to a registry trust an `https://` one and identify themselves
/// to one that requires client certificates; flattened into each such command.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RegistryTlsArgs {
    /// Trust only the CA certificates in this PEM file for an https:// registry (default: the
    /// system's CA certificates).
    #[arg(long, value_name = "FILE", env = "CONTRAIL_REGISTRY_CA")]
    pub registry_ca: Option<PathBuf>,

    /// Present this client certificate (PEM) to a registry that requires one (mTLS); needs
    /// --registry-key.
    #[arg(
        long,
        value_name = "FILE",
        env = "CONTRAIL_REGISTRY_CERT",
        requires = "registry_key"
    )]
    pub registry_cert: Option<PathBuf>,

    /// The private key of --registry-cert (PEM).
    #[arg(
        long,
        value_name = "FILE",
        env = "CONTRAIL_REGISTRY_KEY",
        requires = "registry_cert"
    )]
    pub registry_key: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct PushArgs {
    /// The catalog directory (default: the nearest directory at or above the working
    /// directory that holds contrail.yaml).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// The registry; default: the catalog's `registry:` URL.
    #[arg(long, value_name = "URL")]
    pub registry: Option<String>,

    #[command(flatten)]
    pub tls: RegistryTlsArgs,

    /// Show what would change (new subject, new version, unchanged, incompatible) without
    /// registering anything.
    #[arg(long)]
    pub dry_run: bool,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct PullArgs {
    /// The registry; default: the `registry:` URL of the nearest catalog at or above the working
    /// directory.
    #[arg(long, value_name = "URL")]
    pub registry: Option<String>,

    #[command(flatten)]
    pub tls: RegistryTlsArgs,

    /// Only subjects starting with PREFIX (repeatable; default: every subject).
    #[arg(long, value_name = "PREFIX")]
    pub subject: Vec<String>,

    /// The directory to write to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Overwrite files whose content differs from the registry's.
    #[arg(long)]
    pub force: bool,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the address is printed on stderr).
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:8081",
        env = "CONTRAIL_REGISTRY_LISTEN"
    )]
    pub listen: String,

    /// Where schemas are stored: sqlite://PATH (created if missing), sqlite://:memory:, or
    /// postgres://USER:PASSWORD@HOST:PORT/DATABASE (shared by several registry processes).
    /// Default: sqlite://$XDG_DATA_HOME/contrail/registry.db (~/.local/share/contrail/...).
    #[arg(long, value_name = "URL", env = "CONTRAIL_REGISTRY_STORE")]
    pub store: Option<String>,

    /// Largest request body accepted, in bytes (larger ones get error 42209).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_size: usize,

    /// Require credentials: a YAML file of users (HTTP basic) and bearer tokens with roles
    /// read-only or read-write (docs/registry.md, "Authentication").
    #[arg(long, value_name = "FILE", env = "CONTRAIL_REGISTRY_AUTH_CONFIG")]
    pub auth_config: Option<PathBuf>,

    /// Also serve this catalog: its graph (GET /contrail/v1/graph), change impact
    /// (GET /contrail/v1/impact/EVENT) and docs site (/ui/), reloaded when its files change or on
    /// POST /contrail/v1/catalog/reload (docs/registry.md, "Serving the catalog").
    #[arg(long, value_name = "PATH", env = "CONTRAIL_REGISTRY_CATALOG")]
    pub catalog: Option<PathBuf>,

    /// Serve HTTPS with this certificate chain (PEM, leaf first); needs --tls-key
    /// (docs/registry.md, "TLS").
    #[arg(
        long,
        value_name = "FILE",
        env = "CONTRAIL_REGISTRY_TLS_CERT",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,

    /// The private key of --tls-cert (PEM: PKCS#8, RSA or EC, unencrypted).
    #[arg(
        long,
        value_name = "FILE",
        env = "CONTRAIL_REGISTRY_TLS_KEY",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,

    /// Require a client certificate issued by a CA in this PEM file (mTLS); clients without
    /// one are refused during the TLS handshake. Needs --tls-cert and --tls-key.
    #[arg(
        long,
        value_name = "FILE",
        env = "CONTRAIL_REGISTRY_TLS_CLIENT_CA",
        requires = "tls_cert"
    )]
    pub tls_client_ca: Option<PathBuf>,

    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, env = "CONTRAIL_LOG_FORMAT")]
    pub log_format: LogFormat,

    /// Which events to log, as a tracing filter (`info`, `debug`, `contrail_registry=debug,warn`).
    /// Default: RUST_LOG, else `info`.
    #[arg(long, value_name = "FILTER")]
    pub log_level: Option<String>,
}

pub(crate) fn run(args: Args, color: bool) -> anyhow::Result<ExitCode> {
    match args.command {
        RegistryCommand::Serve(args) => serve(args),
        RegistryCommand::Push(args) => push::run(args),
        RegistryCommand::Pull(args) => pull::run(args),
        RegistryCommand::Ls(args) => ls::run(&args),
        RegistryCommand::Show(args) => show::run(&args),
        RegistryCommand::Diff(args) => diff::run(&args, color),
        RegistryCommand::Delete(args) => delete::run(&args),
        RegistryCommand::HashPassword(args) => hash_password(&args),
    }
}

/// Where a registry is and how to reach it: the flags of the commands that read or change
/// one without a catalog (`ls`, `show`, `diff`, `delete`), as `pull` takes them.
#[derive(Debug, clap::Args)]
pub struct ConnectArgs {
    /// The registry; default: the `registry:` URL of the nearest catalog at or above the working
    /// directory.
    #[arg(long, value_name = "URL")]
    pub registry: Option<String>,

    #[command(flatten)]
    pub tls: RegistryTlsArgs,
}

impl ConnectArgs {
    /// The registry's URL and a client of it.
    fn connect(&self) -> anyhow::Result<(String, contrail_registry::client::Client)> {
        let url = registry_url(self.registry.as_deref())?;
        let client = client(&url, &self.tls)?;
        Ok((url, client))
    }
}

/// The registry URL of a command that needs no catalog: `explicit` (`--registry`), else the
/// `registry:` of the nearest catalog at or above the working directory.
fn registry_url(explicit: Option<&str>) -> anyhow::Result<String> {
    if let Some(url) = explicit {
        return Ok(url.to_owned());
    }
    if let Some(root) = crate::catalog::nearest() {
        let loaded =
            contrail_contracts::load_catalog(&root, contrail_contracts::LoadOptions::default())?;
        if let Some(url) = &loaded.catalog.config.registry {
            return Ok(url.value.clone());
        }
    }
    bail!(
        "no registry: pass --registry URL (or run in or below a catalog whose contrail.yaml has `registry:`)"
    )
}

/// The schemas `references` name, each with the schemas it references in turn (flattened,
/// depth first), as the registry's own compatibility check resolves them.
pub(crate) fn resolved_references(
    client: &contrail_registry::client::Client,
    references: &[contrail_registry::model::Reference],
) -> anyhow::Result<Vec<contrail_registry::model::ResolvedReference>> {
    fn walk(
        client: &contrail_registry::client::Client,
        references: &[contrail_registry::model::Reference],
        depth: usize,
        out: &mut Vec<contrail_registry::model::ResolvedReference>,
    ) -> anyhow::Result<()> {
        if depth > 32 {
            bail!("schema references nest more than 32 deep");
        }
        for reference in references {
            if out.iter().any(|r| r.reference == *reference) {
                continue;
            }
            let version = contrail_registry::model::VersionSelector::Number(reference.version);
            let registered = client
                .version(&reference.subject, version)
                .with_context(|| {
                    format!(
                        "reading referenced {} version {}",
                        reference.subject, reference.version
                    )
                })?;
            walk(client, &registered.references, depth + 1, out)?;
            out.push(contrail_registry::model::ResolvedReference {
                reference: reference.clone(),
                version: registered.version,
                schema: contrail_registry::model::StoredSchema {
                    id: registered.id,
                    schema_type: registered.schema_type,
                    schema: registered.schema,
                    references: registered.references,
                },
            });
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(client, references, 0, &mut out)?;
    Ok(out)
}

/// A registered schema in the form the compatibility engine compares, its references
/// resolved through the registry: the same conversion the registry applies to stored
/// versions, so `check --against` and the registry judge a version alike.
pub(crate) fn comparable_version(
    client: &contrail_registry::client::Client,
    registered: &contrail_registry::client::RegisteredSchema,
) -> anyhow::Result<contrail_contracts::compat::SchemaVersion> {
    let resolved = resolved_references(client, &registered.references).with_context(|| {
        format!(
            "resolving the references of {} version {}",
            registered.subject, registered.version
        )
    })?;
    comparable_resolved(registered, &resolved)
}

/// [`comparable_version`] with the references resolved already.
pub(crate) fn comparable_resolved(
    registered: &contrail_registry::client::RegisteredSchema,
    resolved: &[contrail_registry::model::ResolvedReference],
) -> anyhow::Result<contrail_contracts::compat::SchemaVersion> {
    let label = format!("{} version {}", registered.subject, registered.version);
    let stored = contrail_registry::model::StoredSchema {
        id: registered.id,
        schema_type: registered.schema_type,
        schema: registered.schema.clone(),
        references: registered.references.clone(),
    };
    match contrail_registry::canonical::comparable(&stored, resolved) {
        Ok(Some(version)) => Ok(version),
        Ok(None) => bail!("{label} in the registry cannot be compared"),
        Err(e) => bail!("{label} in the registry does not resolve: {e}"),
    }
}

/// A client of the registry at `url`, with the credentials the environment names:
/// `CONTRAIL_REGISTRY_USER_INFO=USER:PASSWORD` (HTTP basic, as Confluent's
/// `basic.auth.user.info`) or `CONTRAIL_REGISTRY_TOKEN` (bearer), or user information in the URL.
/// Secrets come from the environment rather than flags so they stay out of shell history and
/// process listings. An `https://` registry is checked against `tls.registry_ca`, else the
/// system's CA certificates.
pub(crate) fn client(
    url: &str,
    tls: &RegistryTlsArgs,
) -> anyhow::Result<contrail_registry::client::Client> {
    client_with_timeout(url, std::time::Duration::from_secs(30), tls)
}

/// [`client`] with every request bounded by `timeout`.
pub(crate) fn client_with_timeout(
    url: &str,
    timeout: std::time::Duration,
    tls: &RegistryTlsArgs,
) -> anyhow::Result<contrail_registry::client::Client> {
    let settings = contrail_registry::client::ClientTls {
        ca: tls.registry_ca.clone(),
        cert: tls.registry_cert.clone(),
        key: tls.registry_key.clone(),
    };
    let client = contrail_registry::client::Client::with_tls(url, timeout, &settings).context(
        "setting up TLS to the registry (--registry-ca, --registry-cert, --registry-key)",
    )?;
    with_credentials(client)
}

fn with_credentials(
    client: contrail_registry::client::Client,
) -> anyhow::Result<contrail_registry::client::Client> {
    use contrail_registry::client::Credentials;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (
        env("CONTRAIL_REGISTRY_USER_INFO"),
        env("CONTRAIL_REGISTRY_TOKEN"),
    ) {
        (Some(_), Some(_)) => bail!(
            "both CONTRAIL_REGISTRY_USER_INFO and CONTRAIL_REGISTRY_TOKEN are set; set only one"
        ),
        (Some(user_info), None) => {
            let Some((user, password)) = user_info.split_once(':') else {
                bail!("CONTRAIL_REGISTRY_USER_INFO must be USER:PASSWORD");
            };
            Ok(client.with_credentials(&Credentials::Basic {
                user: user.to_owned(),
                password: password.to_owned(),
            }))
        }
        (None, Some(token)) => Ok(client.with_credentials(&Credentials::Bearer(token))),
        (None, None) => Ok(client),
    }
}

/// `sqlite://` under the user's data directory.
fn default_store_url() -> anyhow::Result<String> {
    let data = match std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(home) => PathBuf::from(home).join(".local").join("share"),
            None => bail!(
                "cannot find a data directory (XDG_DATA_HOME and HOME are unset); pass --store sqlite://PATH"
            ),
        },
    };
    Ok(format!(
        "sqlite://{}",
        data.join("contrail").join("registry.db").display()
    ))
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let store_url = match args.store {
        Some(url) => url,
        None => default_store_url()?,
    };
    init_logging(args.log_format, args.log_level.as_deref())?;
    // A broken auth config stops the server before it listens: serving without the protection
    // the operator asked for would be worse than not serving.
    let auth = match &args.auth_config {
        Some(path) => Some(Arc::new(auth::Auth::load(path)?)),
        None => None,
    };
    // Like a broken auth config, TLS material that does not load stops the server before it
    // listens: an operator who asked for HTTPS never gets plain HTTP instead.
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => {
            let settings = contrail_registry::tls::ServerTls {
                cert,
                key,
                client_ca: args.tls_client_ca,
            };
            let config = settings
                .server_config()
                .context("setting up TLS (--tls-cert, --tls-key, --tls-client-ca)")?;
            Some((config, settings))
        }
        _ => None,
    };
    // Certificates in the auth config are only ever presented under mTLS: without a client CA
    // those principals could never sign in, which is a misconfiguration, not a choice.
    if let (Some(auth), Some(path)) = (&auth, &args.auth_config)
        && auth.certificates() > 0
        && tls
            .as_ref()
            .is_none_or(|(_, settings)| settings.client_ca.is_none())
    {
        anyhow::bail!(
            "{}: `certificates:` names client certificates, but the server asks for none: add --tls-client-ca CA.pem (with --tls-cert and --tls-key)",
            path.display()
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let store = contrail_registry::store::open(&store_url)
            .await
            .with_context(|| {
                format!(
                    "opening the store {}",
                    contrail_registry::store::redact(&store_url)
                )
            })?;
        // From here on the store's own URL: the same, with any password replaced by `***`.
        let store_url = store.url().to_owned();
        // Like a broken auth config, a catalog that does not load stops the server before it
        // listens; once serving, a failed reload keeps the last good catalog instead.
        let catalog = match args.catalog {
            Some(path) => {
                let served = server::catalog::ServedCatalog::load(path)
                    .await
                    .context("loading --catalog")?;
                served.clone().watch(server::catalog::POLL_INTERVAL);
                Some(served)
            }
            None => None,
        };
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let address = listener
            .local_addr()
            .context("reading the listening address")?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        // Tests and scripts read the port from this line: keep its shape, and keep it a plain
        // line whatever the log format.
        eprintln!("contrail registry listening on {scheme}://{address} (store: {store_url})");
        match &auth {
            Some(auth) => {
                let (users, tokens) = auth.principals();
                tracing::info!(
                    %address,
                    store = %store_url,
                    auth = "on",
                    tls = tls_mode(tls.as_ref().map(|(_, settings)| settings)),
                    users,
                    tokens,
                    certificates = auth.certificates(),
                    public_metrics = auth.public_metrics(),
                    "registry started"
                );
            }
            None => tracing::info!(
                %address,
                store = %store_url,
                auth = "off",
                tls = tls_mode(tls.as_ref().map(|(_, settings)| settings)),
                "registry started"
            ),
        }
        if let Some(served) = &catalog {
            tracing::info!(
                catalog = %served.path().display(),
                summary = %served.summary(),
                ui = %format!("{scheme}://{address}/ui/"),
                "serving the catalog: docs at /ui/, graph at /contrail/v1/graph"
            );
        }
        let router = server::router(
            store,
            ServerConfig {
                max_body_bytes: args.max_body_size,
                auth,
                catalog,
            },
        );
        let shutdown = async {
            server::shutdown_signal().await;
            tracing::info!("shutdown requested; finishing the requests in flight");
        };
        match tls {
            Some((config, settings)) => {
                let (sender, config) = tokio::sync::watch::channel(config);
                server::tls::reload_on_sighup(settings, sender);
                let listener = server::tls::TlsListener::new(listener, config)
                    .context("reading the listening address")?;
                server::serve(listener, router, shutdown)
                    .await
                    .context("serving HTTPS")?;
            }
            None => server::serve(listener, router, shutdown)
                .await
                .context("serving HTTP")?,
        }
        tracing::info!("registry stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// What the startup log says about TLS: off, on, or on with client certificates required.
fn tls_mode(tls: Option<&contrail_registry::tls::ServerTls>) -> &'static str {
    match tls {
        None => "off",
        Some(settings) if settings.client_ca.is_some() => "mtls",
        Some(_) => "on",
    }
}

/// Logs go to stderr, as text or JSON lines, filtered by `--log-level`, else RUST_LOG, else
/// `info`.
fn init_logging(format: LogFormat, level: Option<&str>) -> anyhow::Result<()> {
    use tracing_subscriber::EnvFilter;
    let filter = match level {
        Some(directives) => EnvFilter::try_new(directives)
            .with_context(|| format!("--log-level `{directives}` is not a valid filter"))?,
        None => match std::env::var("RUST_LOG") {
            Ok(directives) if !directives.is_empty() => EnvFilter::try_new(&directives)
                .with_context(|| format!("RUST_LOG `{directives}` is not a valid filter"))?,
            _ => EnvFilter::new("info"),
        },
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Text => {
            let colour = std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            builder.with_ansi(colour).try_init()
        }
        // One flat object per line: the event's fields at the top level, the request span (its
        // id) under "span", so collectors index `route` and `status` without unnesting.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    installed.map_err(|e| anyhow::anyhow!("setting up logging: {e}"))
}

/// `contrail registry hash-password`: the password is read from stdin, never from the command
/// line, where other users could see it in the process list.
fn hash_password(args: &HashPasswordArgs) -> anyhow::Result<ExitCode> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("reading the password from stdin")?;
    let password = password.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        bail!(
            "no password on stdin; for example: printf %s \"$PASSWORD\" | contrail registry hash-password"
        );
    }
    let hash = auth::hash_password(password, args.iterations).map_err(anyhow::Error::msg)?;
    println!("{hash}");
    Ok(ExitCode::SUCCESS)
}
