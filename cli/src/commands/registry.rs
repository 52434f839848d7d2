//! `contrail registry`: the Confluent-compatible schema registry.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use contrail_registry::server::{self, DEFAULT_MAX_BODY_BYTES, ServerConfig};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: RegistryCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum RegistryCommand {
    /// Serve the Confluent Schema Registry REST API (SQLite storage). Stops on Ctrl-C or
    /// SIGTERM after finishing the requests in flight.
    Serve(ServeArgs),
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

    /// Where schemas are stored: sqlite://PATH (created if missing) or sqlite://:memory:.
    /// Default: sqlite://$XDG_DATA_HOME/contrail/registry.db (~/.local/share/contrail/...).
    #[arg(long, value_name = "URL", env = "CONTRAIL_REGISTRY_STORE")]
    pub store: Option<String>,

    /// Largest request body accepted, in bytes (larger ones get error 42209).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_size: usize,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        RegistryCommand::Serve(args) => serve(args),
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let store = contrail_registry::store::open(&store_url)
            .await
            .with_context(|| format!("opening the store {store_url}"))?;
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let address = listener
            .local_addr()
            .context("reading the listening address")?;
        // Tests and scripts read the port from this line: keep its shape.
        eprintln!("contrail registry listening on http://{address} (store: {store_url})");
        let router = server::router(
            store,
            ServerConfig {
                max_body_bytes: args.max_body_size,
            },
        );
        server::serve(listener, router, server::shutdown_signal())
            .await
            .context("serving HTTP")?;
        Ok(ExitCode::SUCCESS)
    })
}
