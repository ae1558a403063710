//! A local, stateful emulator of the Linode API v4, for development and tests.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = linode_sandbox::Sandbox::start().await?;
//! let url = format!("{}/v4/linode/instances", sandbox.base_url());
//! let token = sandbox.token();
//! # let _ = (url, token);
//! # Ok(()) }
//! ```
//!
//! Every route is served under both `/v4` and `/v4beta`. Requests need
//! `Authorization: Bearer <token>`, except reads of the public catalog (regions, types,
//! kernels, images). Errors use the API's envelope `{"errors":[{"reason","field"}]}`.
//!
//! For reliability tests the sandbox fails on demand ([`Sandbox::inject`], see [`faults`]),
//! applies rate limits when asked ([`Sandbox::set_rate_limit`], see [`ratelimit`]; off by
//! default) and counts what it received ([`Sandbox::count`]).
#![warn(missing_docs)]

mod auth;
pub mod catalog;
pub mod error;
pub mod faults;
pub mod pagination;
pub mod ratelimit;
mod record;
mod routes;
pub mod store;
pub mod xfilter;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use axum::http::Method;
pub use faults::{Fault, FaultRule};
pub use ratelimit::RateLimit;
pub use record::RecordedRequest;
use routes::{AppState, Shared};
use store::Store;

/// A running sandbox server. It shuts down when dropped.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
}

/// Configures a [`Sandbox`] before starting it.
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    token: Option<String>,
    listen: SocketAddr,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            token: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }
}

/// A fresh random token: 64 hexadecimal characters.
fn random_token() -> String {
    rand::random::<[u8; 32]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl SandboxBuilder {
    /// Accepts this bearer token instead of a random one.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Listens on this address (default `127.0.0.1:0`, a free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Binds the address and starts serving on the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let state: AppState = Arc::new(Shared {
            store: Mutex::new(Store::default()),
            token: self.token.unwrap_or_else(random_token),
            requests: Mutex::new(Vec::new()),
            faults: Mutex::default(),
            rate_limits: Mutex::default(),
        });
        let app = routes::router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(err) = served {
                tracing::warn!("linode-sandbox server stopped: {err}");
            }
        });
        Ok(Sandbox {
            addr,
            state,
            shutdown: Some(tx),
        })
    }
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1` with a free port and a random token.
    pub async fn start() -> std::io::Result<Sandbox> {
        Self::builder().start().await
    }

    /// A builder for a token or listen address of your choice.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// `http://127.0.0.1:PORT`, without the `/v4` or `/v4beta` prefix.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bearer token the server accepts.
    pub fn token(&self) -> &str {
        &self.state.token
    }

    /// Every request received so far, in arrival order (including rejected ones).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests().clone()
    }

    /// How many requests of `method` to paths matching `path` were received so far (rejected,
    /// faulted and rate-limited ones included). The path is given without `/v4` or `/v4beta`
    /// and may be a pattern (see [`faults::path_matches`]).
    ///
    /// ```no_run
    /// # async fn demo(sandbox: linode_sandbox::Sandbox) {
    /// use linode_sandbox::Method;
    /// assert_eq!(sandbox.count(Method::POST, "/linode/instances"), 1);
    /// # }
    /// ```
    pub fn count(&self, method: Method, path: &str) -> usize {
        self.state
            .requests()
            .iter()
            .filter(|r| r.method == method.as_str())
            .filter(|r| auth::strip_version(&r.path).is_some_and(|p| faults::path_matches(path, p)))
            .count()
    }

    /// Adds a fault rule after the existing ones (see [`faults`]).
    pub fn inject(&self, rule: FaultRule) {
        self.state.faults().add(rule);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.state.faults().clear();
    }

    /// Adds a rate limit (replacing one on the same method and path); see [`ratelimit`].
    pub fn set_rate_limit(&self, limit: RateLimit) {
        self.state.rate_limits().set(limit);
    }

    /// Turns on the limits the API publishes ([`RateLimit::published`]).
    pub fn enable_published_rate_limits(&self) {
        let mut limiter = self.state.rate_limits();
        for limit in RateLimit::published() {
            limiter.set(limit);
        }
    }

    /// Removes every rate limit.
    pub fn clear_rate_limits(&self) {
        self.state.rate_limits().clear();
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.state.requests().clear();
    }

    /// Inserts `n` realistic instances directly (labels `seed-00001`, ...), returning
    /// their ids.
    pub fn seed_instances(&self, n: usize) -> Vec<u64> {
        self.state.store().seed_instances(n)
    }

    /// The stored JSON of an instance.
    pub fn instance(&self, id: u64) -> Option<serde_json::Value> {
        self.state.store().instances.get(id).cloned()
    }

    /// The stored JSON of every instance, in id order.
    pub fn instances(&self) -> Vec<serde_json::Value> {
        self.state.store().instances.values().cloned().collect()
    }

    /// How many instances exist.
    pub fn instance_count(&self) -> usize {
        self.state.store().instances.len()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
