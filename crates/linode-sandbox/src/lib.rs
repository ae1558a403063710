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
//!
//! A seed file ([`Seed`], [`SandboxBuilder::seed`], `--seed-file`) creates objects at start
//! through the API's own create requests, and again on `POST /sandbox/reset`; see [`seed`].
//! `GET /` serves a dashboard (HTML, no token): the objects of each family, the latest events
//! and requests.
#![warn(missing_docs)]

pub mod account;
mod auth;
pub mod catalog;
pub mod compute;
pub mod error;
pub mod faults;
mod inproc;
pub mod lifecycle;
pub mod pagination;
pub mod persist;
pub mod ratelimit;
pub mod realism;
mod record;
mod routes;
pub mod seed;
pub mod store;
pub mod stored;
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
pub use routes::{ROUTE_HEADER, SPEC_VERSION};
pub use seed::{Seed, SeedError};
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
    speed: f64,
    record_limit: Option<usize>,
    seed_instances: usize,
    seed: Option<Seed>,
    data: Option<std::path::PathBuf>,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            token: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            speed: 0.0,
            record_limit: None,
            seed_instances: 0,
            seed: None,
            data: None,
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

    /// How fast actions (create, boot, resize, ...) run: their realistic durations are
    /// multiplied by `speed`. The default, 0, finishes every action at once; 1 is real time.
    /// Tests that watch states change use a speed above 0 with [`Sandbox::advance`].
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = speed;
        self
    }

    /// Keeps only the last `limit` requests in the log that [`Sandbox::requests`] and
    /// [`Sandbox::count`] read (all of them by default, as tests want; a long-running server
    /// should set a limit).
    pub fn record_limit(mut self, limit: usize) -> Self {
        self.record_limit = Some(limit);
        self
    }

    /// Creates `n` realistic sample instances at start (see [`Sandbox::seed_instances`]);
    /// `POST /sandbox/reset` creates them again.
    pub fn seed_instances(mut self, n: usize) -> Self {
        self.seed_instances = n;
        self
    }

    /// Creates the objects of a seed file at start (see [`seed`]), through the API's own
    /// create requests; `POST /sandbox/reset` creates them again. An entry the API refuses
    /// makes [`start`](SandboxBuilder::start) fail with an error of kind `InvalidData` whose
    /// message names the entry's line and field.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let seed = linode_sandbox::Seed::from_path("seed.yaml")?;
    /// let sandbox = linode_sandbox::Sandbox::builder().seed(seed).start().await?;
    /// # let _ = sandbox;
    /// # Ok(()) }
    /// ```
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Keeps the state in a database at `path` (see [`persist`]): a sandbox started again on
    /// the same path serves the same objects, and every change is stored before its answer
    /// is sent. When the database already holds a state, the seeds are not applied again.
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// let sandbox = linode_sandbox::Sandbox::builder()
    ///     .token("my-token")
    ///     .data("sandbox.redb")
    ///     .start()
    ///     .await?;
    /// # let _ = sandbox;
    /// # Ok(()) }
    /// ```
    pub fn data(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.data = Some(path.into());
        self
    }

    /// Binds the address and starts serving on the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let token = self.token.unwrap_or_else(random_token);
        let clock = lifecycle::Clock::with_speed(self.speed);
        let mut persist = self
            .data
            .as_deref()
            .map(persist::Persist::open)
            .transpose()?;
        let stored = match &mut persist {
            Some(p) => p.load(clock.clone())?,
            None => None,
        };
        let fresh = stored.is_none();
        let mut store = stored.unwrap_or_else(|| Store::with_clock(clock));
        if fresh || !store.lists_token(&token) {
            let wall = store.clock.wall();
            store.list_main_token(&token, wall);
        }
        let state: AppState = Arc::new(Shared {
            store: Mutex::new(store),
            persist: persist.map(Mutex::new),
            token,
            requests: Mutex::new(record::RequestLog::with_limit(self.record_limit)),
            faults: Mutex::default(),
            rate_limits: Mutex::default(),
            start: routes::StartState {
                speed: self.speed,
                seed_instances: self.seed_instances,
                seed: self.seed.map(Arc::new),
            },
        });
        if fresh && self.seed_instances > 0 {
            state.store().seed_instances(self.seed_instances);
        }
        if let (true, Some(seed)) = (fresh, state.start.seed.clone()) {
            seed.apply(&state).await?;
        }
        state.save()?;
        let app = routes::service(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(
                listener,
                axum::ServiceExt::<axum::extract::Request>::into_make_service(app),
            )
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
        self.state.requests().iter().cloned().collect()
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

    /// Stores `object` under `id` in the named collection `table` (see `Store::table`), as
    /// its family's create would: for tests of a family that refers to objects of another
    /// the sandbox does not create yet (such as the VPC subnets a NodeBalancer joins).
    pub fn insert_object(&self, table: &'static str, id: u64, object: serde_json::Value) {
        self.state.store().table_mut(table).insert(id, object);
    }

    /// The verification code the sandbox last "sent" by SMS to the profile's phone number
    /// (`POST /profile/phone-number`), while it is still valid.
    pub fn sent_phone_code(&self) -> Option<String> {
        routes::sent_phone_code(&self.state.store())
    }

    /// Makes the profile a restricted user with `grants` (shaped as the API's grants), as
    /// `GET /profile/grants` shows them.
    pub fn restrict_profile(&self, grants: serde_json::Value) {
        let mut store = self.state.store();
        store.profile_mut()["restricted"] = serde_json::Value::Bool(true);
        store.table_mut("profile_grants").insert(1, grants);
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

    /// Puts an instance on type `type_id` directly, retired types included (such as
    /// `g5-standard-1`, which the API no longer creates and a mutate upgrades); `false` when
    /// the instance or the type is unknown.
    pub fn set_instance_type(&self, id: u64, type_id: &str) -> bool {
        self.state.store().retype_instance(id, type_id)
    }

    /// The stored JSON of an instance.
    pub fn instance(&self, id: u64) -> Option<serde_json::Value> {
        let mut store = self.state.store();
        store.tick();
        store.instances().get(id).cloned()
    }

    /// Moves the sandbox's clock forward, finishing the actions that are due by then.
    pub fn advance(&self, step: std::time::Duration) {
        let mut store = self.state.store();
        store.clock.advance(step);
        store.tick();
    }

    /// Sets the realism switches: how long a new object answers 404 by id, and how long an
    /// action's event stays out of `/account/events` (both zero by default).
    pub fn set_lags(&self, create_lag: std::time::Duration, event_lag: std::time::Duration) {
        let mut store = self.state.store();
        store.realism.create_lag = create_lag;
        store.realism.event_lag = event_lag;
    }

    /// Sets the disk-ready lag: how long a disk still answers `not ready` after its
    /// `disk_create` event finished (zero by default; see [`realism`]).
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// let sandbox = linode_sandbox::Sandbox::start().await?;
    /// sandbox.set_disk_ready_lag(std::time::Duration::from_secs(2));
    /// # Ok(()) }
    /// ```
    pub fn set_disk_ready_lag(&self, lag: std::time::Duration) {
        self.state.store().realism.disk_ready_lag = lag;
    }

    /// The whole state as one JSON document (as `GET /sandbox/state`).
    pub fn export_state(&self) -> serde_json::Value {
        self.state.store().export()
    }

    /// Replaces the whole state with a document from [`Sandbox::export_state`] (as
    /// `PUT /sandbox/state`); a document that is not one changes nothing and says why.
    pub fn import_state(&self, document: &serde_json::Value) -> Result<(), String> {
        self.state.store().import(document)
    }

    /// Finishes every action in progress now (as `POST /sandbox/settle`); returns how many.
    pub fn settle(&self) -> usize {
        self.state.store().settle()
    }

    /// Makes the next `count` actions named `action` (such as `linode_boot`) fail: their event
    /// ends `failed` and the entity falls back to its earlier state.
    pub fn fail_next(&self, action: &str, count: usize) {
        self.state.store().lifecycle.fail_next(action, count);
    }

    /// The event log, oldest first.
    pub fn events(&self) -> Vec<serde_json::Value> {
        let mut store = self.state.store();
        store.tick();
        store.events().values().cloned().collect()
    }

    /// Reads the account-level state (profile, users, billing, OAuth clients and their
    /// secrets, tokens, apps, SSH keys, Longview clients, tickets) under the store's lock.
    ///
    /// ```no_run
    /// # async fn demo(sandbox: linode_sandbox::Sandbox) {
    /// let tickets = sandbox.with_account(|a| a.tickets.len());
    /// # }
    /// ```
    pub fn with_account<R>(&self, read: impl FnOnce(&account::AccountView) -> R) -> R {
        let mut store = self.state.store();
        store.tick();
        read(&account::AccountView::of(&store))
    }

    /// Registers an OAuth client directly (as `POST /account/oauth-clients` would) and
    /// returns its id and secret.
    pub fn register_oauth_client(&self, label: &str, redirect_uri: &str) -> (String, String) {
        let mut store = self.state.store();
        let id = account::random_hex(10);
        let secret = account::random_hex(32);
        store.put_oauth_client(serde_json::json!({
            "id": id, "redirect_uri": redirect_uri, "label": label, "status": "active",
            "secret": "<REDACTED>", "thumbnail_url": null, "public": false
        }));
        store.set_client_secret(&id, &secret);
        (id, secret)
    }

    /// The stored JSON of every instance, in id order.
    pub fn instances(&self) -> Vec<serde_json::Value> {
        self.state.store().instances().values().cloned().collect()
    }

    /// How many instances exist.
    pub fn instance_count(&self) -> usize {
        self.state.store().instances().len()
    }

    /// The disks of a Linode, in id order (empty when it does not exist).
    pub fn disks(&self, linode_id: u64) -> Vec<serde_json::Value> {
        let mut store = self.state.store();
        store.tick();
        store.ensure_parts(linode_id);
        store.children(compute::Child::Disks, linode_id)
    }

    /// The configuration profiles of a Linode, in id order.
    pub fn configs(&self, linode_id: u64) -> Vec<serde_json::Value> {
        let mut store = self.state.store();
        store.tick();
        store.ensure_parts(linode_id);
        store.children(compute::Child::Configs, linode_id)
    }

    /// The backups (automatic ones and snapshots) of a Linode, in id order.
    pub fn backups(&self, linode_id: u64) -> Vec<serde_json::Value> {
        let mut store = self.state.store();
        store.tick();
        store.children(compute::Child::Backups, linode_id)
    }

    /// Takes an automatic backup of a Linode with the backup service on, as the daily job
    /// would; returns the backup's id (`None` when the Linode is gone or not enrolled).
    pub fn take_automatic_backup(&self, linode_id: u64) -> Option<u64> {
        self.state.store().automatic_backup(linode_id)
    }

    /// The stored JSON of a StackScript (public or the account's own).
    pub fn stackscript(&self, id: u64) -> Option<serde_json::Value> {
        self.state.store().stackscripts().get(id).cloned()
    }

    /// The stored JSON of a private image (`private/123`).
    pub fn private_image(&self, id: &str) -> Option<serde_json::Value> {
        let mut store = self.state.store();
        store.tick();
        store.private_image(id).cloned()
    }

    /// Image sharing as stored: `sharegroups`, `shares` (`shared/<n>` as producers see them),
    /// `members` (`{"sharegroup_id", "member"}`) and `tokens` (`{"secret", "token"}`).
    pub fn image_sharing(&self) -> serde_json::Value {
        let mut store = self.state.store();
        store.tick();
        routes::image_sharing_snapshot(&store)
    }

    /// The IPv6 ranges, each with the id of the Linode it routes to.
    pub fn ipv6_ranges(&self) -> Vec<(u64, serde_json::Value)> {
        let store = self.state.store();
        store
            .ipv6_ranges()
            .into_iter()
            .map(|(owner, range)| (owner, range.clone()))
            .collect()
    }

    /// The stored JSON of a volume.
    pub fn volume(&self, id: u64) -> Option<serde_json::Value> {
        let mut store = self.state.store();
        store.tick();
        store.volumes().get(id).cloned()
    }

    /// The stored JSON of a domain.
    pub fn domain(&self, id: u64) -> Option<serde_json::Value> {
        self.state.store().domains().get(id).cloned()
    }

    /// The stored records of a domain, in id order.
    pub fn domain_records(&self, domain_id: u64) -> Vec<serde_json::Value> {
        let store = self.state.store();
        store
            .domain_records()
            .values()
            .filter(|w| w["domain_id"].as_u64() == Some(domain_id))
            .map(|w| w["record"].clone())
            .collect()
    }

    /// The stored JSON of a NodeBalancer.
    pub fn nodebalancer(&self, id: u64) -> Option<serde_json::Value> {
        self.state.store().nodebalancers().get(id).cloned()
    }

    /// The stored JSON of a NodeBalancer config (by its own id).
    pub fn nodebalancer_config(&self, id: u64) -> Option<serde_json::Value> {
        self.state.store().nodebalancer_configs().get(id).cloned()
    }

    /// The stored objects of the named collection (`"locks"`, `"tags"`,
    /// `"marketplace_contacts"`, ...), in id order; empty when it was never written.
    pub fn table(&self, name: &str) -> Vec<serde_json::Value> {
        self.state.store().table(name).values().cloned().collect()
    }

    /// The stored JSON of a NodeBalancer node (by its own id).
    pub fn nodebalancer_node(&self, id: u64) -> Option<serde_json::Value> {
        self.state.store().nodebalancer_nodes().get(id).cloned()
    }

    /// The stored JSON of a firewall.
    pub fn firewall(&self, id: u64) -> Option<serde_json::Value> {
        self.state.store().table("firewalls").get(id).cloned()
    }

    /// The stored firewall devices, each with its `firewall_id`, in id order.
    pub fn firewall_devices(&self) -> Vec<serde_json::Value> {
        let store = self.state.store();
        store.table("firewall_devices").values().cloned().collect()
    }

    /// The stored JSON of a VPC (with its subnets).
    pub fn vpc(&self, id: u64) -> Option<serde_json::Value> {
        self.state.store().table("vpcs").get(id).cloned()
    }

    /// The stored JSON of a placement group.
    pub fn placement_group(&self, id: u64) -> Option<serde_json::Value> {
        self.state
            .store()
            .table("placement_groups")
            .get(id)
            .cloned()
    }

    /// Puts a Linode in a VPC subnet through a new VPC interface, as a configuration profile
    /// interface of purpose `vpc` would:
    /// `ipv4` picks the address (the first free one otherwise), `nat_1_1` maps the Linode's
    /// public address to it. Answers the VPC address, or the API's refusal.
    pub fn attach_linode_to_subnet(
        &self,
        vpc_id: u64,
        subnet_id: u64,
        linode_id: u64,
        ipv4: Option<&str>,
        nat_1_1: bool,
    ) -> Result<serde_json::Value, error::ApiError> {
        let mut store = self.state.store();
        routes::vpcs::attach_linode_to_subnet(
            &mut store, vpc_id, subnet_id, linode_id, ipv4, nat_1_1,
        )
    }

    /// Replaces the `interfaces` of a Linode's configuration profile (its first one when
    /// `config_id` is `None`) with raw `Interface` objects, as a profile update would; `vlan`
    /// ones make the VLANs of `/networking/vlans`. Answers whether the profile exists.
    pub fn set_config_interfaces(
        &self,
        linode_id: u64,
        config_id: Option<u64>,
        interfaces: serde_json::Value,
    ) -> bool {
        let mut store = self.state.store();
        store.ensure_parts(linode_id);
        let first = store
            .children(compute::Child::Configs, linode_id)
            .first()
            .and_then(|c| c["id"].as_u64());
        let id = config_id.or(first);
        match id.and_then(|id| store.child_mut(compute::Child::Configs, linode_id, id)) {
            Some(config) => {
                config["interfaces"] = interfaces;
                true
            }
            None => false,
        }
    }

    /// Moves a Linode to the host `host_uuid`, as a host migration would: two Linodes on one
    /// host break the anti-affinity of a placement group.
    pub fn move_to_host(&self, linode_id: u64, host_uuid: &str) {
        if let Some(linode) = self.state.store().instances_mut().get_mut(linode_id) {
            linode["host_uuid"] = serde_json::Value::from(host_uuid);
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
