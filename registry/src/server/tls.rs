//! HTTPS: a listener that hands axum connections whose TLS handshake has completed.
//!
//! The TLS configuration is read from a [`watch`] channel at every handshake, so a new one
//! (certificates renewed on disk, reloaded on SIGHUP by [`reload_on_sighup`]) takes effect for
//! the next connection without a restart; connections already open keep theirs.
//!
//! Handshakes run in tasks of their own, bounded by [`HANDSHAKE_TIMEOUT`], so a client that
//! connects and says nothing (or a port scanner) never holds up the next client. A failed
//! handshake (no client certificate under mTLS, an untrusted one, plain HTTP sent to the TLS
//! port) is logged with the peer's address and the connection is closed; axum never sees it.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client has to complete the TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Completed handshakes waiting for axum to pick them up.
const BACKLOG: usize = 128;

/// A TCP listener whose connections are TLS sessions (see the module documentation).
#[derive(Debug)]
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    accepting: JoinHandle<()>,
}

impl TlsListener {
    /// Starts accepting on `listener` with the configuration `config` holds at each handshake;
    /// must run inside a tokio runtime.
    pub fn new(
        listener: TcpListener,
        config: watch::Receiver<Arc<rustls::ServerConfig>>,
    ) -> io::Result<Self> {
        let local = listener.local_addr()?;
        let (sender, ready) = mpsc::channel(BACKLOG);
        let accepting = tokio::spawn(async move {
            while !sender.is_closed() {
                let (tcp, peer) = match listener.accept().await {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!(%error, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                // As axum does for plain TCP: small responses go out at once.
                let _ = tcp.set_nodelay(true);
                let acceptor = TlsAcceptor::from(Arc::clone(&config.borrow()));
                let sender = sender.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => {
                            // A closed channel means the server is shutting down.
                            let _ = sender.send((stream, peer)).await;
                        }
                        Ok(Err(error)) => {
                            tracing::info!(%peer, %error, "TLS handshake failed");
                        }
                        Err(_) => tracing::info!(
                            %peer,
                            timeout_s = HANDSHAKE_TIMEOUT.as_secs(),
                            "TLS handshake timed out"
                        ),
                    }
                });
            }
        });
        Ok(TlsListener {
            ready,
            local,
            accepting,
        })
    }
}

/// The client certificate a connection presented (verified against `--tls-client-ca` during
/// the handshake), for the auth middleware: axum hands it to every request of the connection
/// as `ConnectInfo`. Plain HTTP connections and TLS without mTLS have none.
#[derive(Debug, Clone, Default)]
pub struct ClientCertificate(Option<Arc<[u8]>>);

impl ClientCertificate {
    /// The end-entity certificate, DER.
    pub fn der(&self) -> Option<&[u8]> {
        self.0.as_deref()
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, TlsListener>>
    for ClientCertificate
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, TlsListener>) -> Self {
        let (_, session) = stream.io().get_ref();
        ClientCertificate(
            session
                .peer_certificates()
                .and_then(<[_]>::first)
                .map(|cert| Arc::from(cert.as_ref())),
        )
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, TcpListener>>
    for ClientCertificate
{
    fn connect_info(_: axum::serve::IncomingStream<'_, TcpListener>) -> Self {
        ClientCertificate(None)
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        // The accept loop owns the socket: stopping it closes the port.
        self.accepting.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The accept loop ended (it only does when the listener is dropped): nothing more
            // will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// Reloads the certificate, key and client CA from `settings`' files whenever the process gets
/// SIGHUP (the usual signal for "re-read your files": certbot hooks and `systemctl reload` send
/// it), and publishes the new configuration to `config`. Material that does not load is logged
/// with the file and what is wrong, and the server keeps the configuration it has: a botched
/// renewal never takes HTTPS down. Must run inside a tokio runtime; does nothing off Unix.
pub fn reload_on_sighup(
    settings: crate::tls::ServerTls,
    config: watch::Sender<Arc<rustls::ServerConfig>>,
) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let mut hangups = match signal(SignalKind::hangup()) {
            Ok(hangups) => hangups,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGHUP; TLS files are read at start only");
                return;
            }
        };
        while hangups.recv().await.is_some() {
            match settings.server_config() {
                Ok(new) => {
                    config.send_replace(new);
                    tracing::info!(
                        cert = %settings.cert.display(),
                        "SIGHUP: TLS certificate and key reloaded; new connections use them"
                    );
                }
                Err(error) => tracing::error!(
                    %error,
                    "SIGHUP: the TLS files do not load; still serving the previous certificate"
                ),
            }
        }
    });
    #[cfg(not(unix))]
    drop((settings, config));
}
