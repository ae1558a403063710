//! NodeBalancers, their configs (one per port) and the configs' nodes (backends):
//! `/nodebalancers`, `/nodebalancers/{id}/configs`, `/nodebalancers/{id}/configs/{id}/nodes`.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

use crate::api::pricing::PricedType;
use crate::api::regions::Region;
use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{ChildId, LockType, Ref, Resource, api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_NODEBALANCERS = GET "/nodebalancers";
    CREATE_NODEBALANCER = POST "/nodebalancers";
    LIST_NODEBALANCER_TYPES = GET "/nodebalancers/types";
    GET_NODEBALANCER_STATS = GET "/nodebalancers/{nodeBalancerId}/stats";
    LIST_VPC_CONFIGS = GET "/nodebalancers/{nodeBalancerId}/vpcs";
    GET_VPC_CONFIG = GET "/nodebalancers/{nodeBalancerId}/vpcs/{nodeBalancerVpcConfigId}";
    REBUILD_CONFIG = POST "/nodebalancers/{nodeBalancerId}/configs/{configId}/rebuild";
    GET_NODEBALANCER = GET "/nodebalancers/{nodeBalancerId}";
    UPDATE_NODEBALANCER = PUT "/nodebalancers/{nodeBalancerId}";
    DELETE_NODEBALANCER = DELETE "/nodebalancers/{nodeBalancerId}";
    LIST_CONFIGS = GET "/nodebalancers/{nodeBalancerId}/configs";
    CREATE_CONFIG = POST "/nodebalancers/{nodeBalancerId}/configs";
    GET_CONFIG = GET "/nodebalancers/{nodeBalancerId}/configs/{configId}";
    UPDATE_CONFIG = PUT "/nodebalancers/{nodeBalancerId}/configs/{configId}";
    DELETE_CONFIG = DELETE "/nodebalancers/{nodeBalancerId}/configs/{configId}";
    LIST_NODES = GET "/nodebalancers/{nodeBalancerId}/configs/{configId}/nodes";
    CREATE_NODE = POST "/nodebalancers/{nodeBalancerId}/configs/{configId}/nodes";
    GET_NODE = GET "/nodebalancers/{nodeBalancerId}/configs/{configId}/nodes/{nodeId}";
    UPDATE_NODE = PUT "/nodebalancers/{nodeBalancerId}/configs/{configId}/nodes/{nodeId}";
    DELETE_NODE = DELETE "/nodebalancers/{nodeBalancerId}/configs/{configId}/nodes/{nodeId}";
}

/// A load balancer in one region, spreading traffic over Linodes of that region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeBalancer {
    /// The NodeBalancer's id.
    pub id: u64,
    /// Its label, unique on the account (mutable).
    pub label: String,
    /// Where it is; its nodes must be Linodes of this region.
    pub region: Ref<Region>,
    /// Its host name.
    #[serde(default, deserialize_with = "null_default")]
    pub hostname: String,
    /// Its public IPv4 address.
    pub ipv4: String,
    /// Its public IPv6 address, if any.
    #[serde(default)]
    pub ipv6: Option<String>,
    /// New connections per second allowed from one client; 0 means no limit (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub client_conn_throttle: u32,
    /// This month's transfer.
    #[serde(default, deserialize_with = "null_default")]
    pub transfer: NodeBalancerTransfer,
    /// Its tags (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// When it was created.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When it was last changed.
    #[serde(with = "timestamp")]
    pub updated: timestamp::Timestamp,
    /// UDP sessions per second allowed from one client; 0 means no limit.
    #[serde(default, deserialize_with = "null_default")]
    pub client_udp_sess_throttle: u32,
    /// Whether its front end faces the internet or a VPC.
    #[serde(default)]
    pub frontend_address_type: Option<FrontendAddressType>,
    /// The VPC subnet of its front end, when it faces a VPC.
    #[serde(default)]
    pub frontend_vpc_subnet_id: Option<u64>,
    /// Locks that refuse some operations on it.
    #[serde(default, deserialize_with = "null_default")]
    pub locks: Vec<LockType>,
    /// Its tier.
    #[serde(default, rename = "type")]
    pub kind: Option<NodeBalancerType>,
    /// The Kubernetes cluster that made it, if any.
    #[serde(default)]
    pub lke_cluster: Option<crate::events::EventEntity>,
}

api_enum! {
    /// The tier of a NodeBalancer.
    pub enum NodeBalancerType {
        /// Shared infrastructure.
        Common = "common",
        /// Dedicated resources.
        Premium = "premium",
    }
}

api_enum! {
    /// Where a NodeBalancer's front end listens.
    pub enum FrontendAddressType {
        /// On a public address.
        Public = "public",
        /// In a VPC subnet.
        Vpc = "vpc",
    }
}

/// A NodeBalancer's transfer this month, in MB.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeBalancerTransfer {
    /// In and out.
    #[serde(default)]
    pub total: Option<f64>,
    /// Outbound.
    #[serde(default)]
    pub out: Option<f64>,
    /// Inbound.
    #[serde(default, rename = "in")]
    pub inbound: Option<f64>,
}

filterable!(NodeBalancer {
    IPV4: Text = "ipv4",
    LABEL: Text = "label",
    LOCKS: Text = "locks",
    REGION: Text = "region",
    TAGS: Text = "tags",
});

impl Resource for NodeBalancer {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_NODEBALANCER.path(&[id])
    }
}

impl NodeBalancer {
    /// The fields the API lets you change, as they are now: what [`save`](Self::save) sends.
    pub fn changes(&self) -> NodeBalancerUpdate {
        NodeBalancerUpdate {
            label: Some(self.label.clone()),
            client_conn_throttle: Some(self.client_conn_throttle),
            tags: Some(self.tags.clone()),
        }
    }

    /// Sends the mutable fields and replaces `self` with the API's answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client
            .nodebalancers()
            .update(self.id, &self.changes())
            .await?;
        Ok(())
    }

    /// Deletes the NodeBalancer with its configs and nodes.
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.nodebalancers().delete(self.id).await
    }

    /// This NodeBalancer's configs.
    pub fn configs(&self, client: &Client) -> ListRequest<NodeBalancerConfig> {
        client.nodebalancers().configs(self.id)
    }
}

/// What to create: a NodeBalancer [in a region](CreateNodeBalancer::in_region), optionally
/// with its configs and their nodes.
///
/// ```
/// use linode::api::nodebalancers::{ConfigSettings, CreateNode, CreateNodeBalancer};
/// let request = CreateNodeBalancer::in_region("us-east")
///     .label("front")
///     .client_conn_throttle(5)
///     .config(ConfigSettings::new(80), [CreateNode::new("192.168.128.1:80", "web-1")]);
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CreateNodeBalancer {
    region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_conn_throttle: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    configs: Vec<NewConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vpcs: Vec<NewVpc>,
}

/// A VPC subnet a new NodeBalancer joins.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct NewVpc {
    subnet_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    ipv4_range: Option<String>,
}

/// A config created with its NodeBalancer, and its nodes.
#[derive(Debug, Clone, Serialize)]
struct NewConfig {
    #[serde(flatten)]
    settings: ConfigSettings,
    nodes: Vec<CreateNode>,
}

impl CreateNodeBalancer {
    /// A NodeBalancer in `region`, labelled by the API unless [`label`](Self::label) is set.
    pub fn in_region(region: impl Into<String>) -> Self {
        CreateNodeBalancer {
            region: region.into(),
            label: None,
            client_conn_throttle: None,
            tags: Vec::new(),
            configs: Vec::new(),
            vpcs: Vec::new(),
        }
    }

    /// Joins the VPC subnet `subnet_id` (of a VPC in the NodeBalancer's region), taking its
    /// addresses from `ipv4_range` (CIDR, such as `10.100.5.0/30`) or from a range the API
    /// picks.
    pub fn vpc(mut self, subnet_id: u64, ipv4_range: Option<&str>) -> Self {
        self.vpcs.push(NewVpc {
            subnet_id,
            ipv4_range: ipv4_range.map(str::to_owned),
        });
        self
    }

    /// Adds a config (a port) with its nodes; the API wants at least one node per config.
    pub fn config(
        mut self,
        settings: ConfigSettings,
        nodes: impl IntoIterator<Item = CreateNode>,
    ) -> Self {
        self.configs.push(NewConfig {
            settings,
            nodes: nodes.into_iter().collect(),
        });
        self
    }

    /// Sets the tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    fn validate(&self) -> Result<()> {
        if self.region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        if self
            .vpcs
            .iter()
            .any(|v| v.ipv4_range.as_deref().is_some_and(|r| !r.contains('/')))
        {
            return Err(Error::invalid(
                "vpcs.ipv4_range",
                "must be a range in CIDR notation, such as 10.100.5.0/30",
            ));
        }
        for config in &self.configs {
            config.settings.validate()?;
            for node in &config.nodes {
                node.validate()?;
            }
        }
        check_throttle(self.client_conn_throttle)
    }
}

setters! {
    CreateNodeBalancer {
        /// Sets the label.
        label: into String,
        /// Sets the connection throttle (0 to 20 per second; 0 turns it off).
        client_conn_throttle: value u32,
    }
}

fn check_throttle(throttle: Option<u32>) -> Result<()> {
    if throttle.is_some_and(|t| t > 20) {
        return Err(Error::invalid(
            "client_conn_throttle",
            "must be from 0 to 20",
        ));
    }
    Ok(())
}

/// A partial update of a NodeBalancer: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NodeBalancerUpdate {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New connection throttle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_conn_throttle: Option<u32>,
    /// New tags (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl NodeBalancerUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    NodeBalancerUpdate {
        /// Sets the label.
        label: into String,
        /// Sets the connection throttle.
        client_conn_throttle: value u32,
        /// Replaces the tags.
        tags: list String,
    }
}

api_enum! {
    /// What a config's port serves.
    pub enum Protocol {
        /// Plain HTTP.
        Http = "http",
        /// HTTPS, terminated by the NodeBalancer (needs a certificate and key).
        Https = "https",
        /// Any TCP traffic.
        Tcp = "tcp",
    }
}

api_enum! {
    /// How backends are chosen.
    pub enum Algorithm {
        /// In turn.
        RoundRobin = "roundrobin",
        /// The one with the fewest connections.
        LeastConn = "leastconn",
        /// By the client's address.
        Source = "source",
    }
}

api_enum! {
    /// How a client's session sticks to one backend.
    pub enum Stickiness {
        /// It does not.
        None = "none",
        /// By the client's address.
        Table = "table",
        /// By a cookie (HTTP and HTTPS).
        HttpCookie = "http_cookie",
    }
}

api_enum! {
    /// How backends are checked.
    pub enum HealthCheck {
        /// Not checked.
        None = "none",
        /// A connection must succeed.
        Connection = "connection",
        /// An HTTP request to `check_path` must succeed.
        Http = "http",
        /// The answer to `check_path` must contain `check_body`.
        HttpBody = "http_body",
    }
}

api_enum! {
    /// Whether connection details are passed to backends (TCP only).
    pub enum ProxyProtocol {
        /// Not passed.
        None = "none",
        /// Text header.
        V1 = "v1",
        /// Binary header.
        V2 = "v2",
    }
}

api_enum! {
    /// Which TLS ciphers an HTTPS port offers.
    pub enum CipherSuite {
        /// Current, secure ciphers.
        Recommended = "recommended",
        /// Old ciphers as well (insecure).
        Legacy = "legacy",
    }
}

/// How many of a config's nodes are up and down.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodesStatus {
    /// Backends in rotation.
    #[serde(default)]
    pub up: u32,
    /// Backends out of rotation.
    #[serde(default)]
    pub down: u32,
}

/// How a NodeBalancer serves one port. Its id is a [`ChildId`] (NodeBalancer, config).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeBalancerConfig {
    /// The config's id.
    pub id: u64,
    /// The NodeBalancer it belongs to.
    pub nodebalancer_id: u64,
    /// The port, unique on its NodeBalancer (mutable).
    pub port: u16,
    /// What it serves (mutable).
    pub protocol: Protocol,
    /// How backends are chosen (mutable).
    pub algorithm: Algorithm,
    /// Session stickiness (mutable).
    pub stickiness: Stickiness,
    /// How backends are checked (mutable).
    pub check: HealthCheck,
    /// Seconds between checks (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub check_interval: u32,
    /// Seconds a check may take (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub check_timeout: u32,
    /// Failed checks before a backend is down (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub check_attempts: u32,
    /// The path HTTP checks request (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub check_path: String,
    /// Text the answer of an `http_body` check must contain (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub check_body: String,
    /// Whether 5xx answers take a backend out of rotation (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub check_passive: bool,
    /// Proxy protocol (mutable).
    #[serde(default)]
    pub proxy_protocol: Option<ProxyProtocol>,
    /// TLS ciphers (mutable).
    #[serde(default)]
    pub cipher_suite: Option<CipherSuite>,
    /// The common name of the certificate, for HTTPS.
    #[serde(default, deserialize_with = "null_default")]
    pub ssl_commonname: String,
    /// The certificate's fingerprint, for HTTPS.
    #[serde(default, deserialize_with = "null_default")]
    pub ssl_fingerprint: String,
    /// `<REDACTED>` when a certificate is set (the API never shows it).
    #[serde(default)]
    pub ssl_cert: Option<String>,
    /// `<REDACTED>` when a key is set (the API never shows it).
    #[serde(default)]
    pub ssl_key: Option<String>,
    /// How many nodes are up and down.
    #[serde(default, deserialize_with = "null_default")]
    pub nodes_status: NodesStatus,
    /// The port UDP health checks use.
    #[serde(default)]
    pub udp_check_port: Option<u16>,
    /// Seconds an idle UDP session is kept.
    #[serde(default)]
    pub udp_session_timeout: Option<u32>,
}

impl Resource for NodeBalancerConfig {
    type Id = ChildId;
    fn path(id: &ChildId) -> Path {
        GET_CONFIG.path(&[&id.parent, &id.id])
    }
}

impl NodeBalancerConfig {
    /// Its id as a child of its NodeBalancer.
    pub fn child_id(&self) -> ChildId {
        ChildId::new(self.nodebalancer_id, self.id)
    }

    /// The fields the API lets you change, as they are now: what [`save`](Self::save) sends.
    /// The certificate and key are not included (the API only shows them redacted, and keeps
    /// them when they are not sent).
    pub fn changes(&self) -> ConfigSettings {
        ConfigSettings {
            port: Some(self.port),
            protocol: Some(self.protocol.clone()),
            algorithm: Some(self.algorithm.clone()),
            stickiness: Some(self.stickiness.clone()),
            check: Some(self.check.clone()),
            check_interval: Some(self.check_interval),
            check_timeout: Some(self.check_timeout),
            check_attempts: Some(self.check_attempts),
            check_path: Some(self.check_path.clone()),
            check_body: Some(self.check_body.clone()),
            check_passive: Some(self.check_passive),
            proxy_protocol: self.proxy_protocol.clone(),
            cipher_suite: self.cipher_suite.clone(),
            ssl_cert: None,
            ssl_key: None,
        }
    }

    /// Sends the mutable fields and replaces `self` with the API's answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client
            .nodebalancers()
            .update_config(self.nodebalancer_id, self.id, &self.changes())
            .await?;
        Ok(())
    }

    /// Deletes the config and its nodes.
    pub async fn delete(self, client: &Client) -> Result<()> {
        client
            .nodebalancers()
            .delete_config(self.nodebalancer_id, self.id)
            .await
    }

    /// This config's nodes.
    pub fn nodes(&self, client: &Client) -> ListRequest<NodeBalancerNode> {
        client.nodebalancers().nodes(self.nodebalancer_id, self.id)
    }
}

fn expose<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

/// The settings of a config, for creating one ([`ConfigSettings::new`] with a port) or
/// changing one (only the fields set are sent). The private key is a secret: `Debug` never
/// shows it.
///
/// ```
/// use linode::api::nodebalancers::{Algorithm, ConfigSettings, HealthCheck};
/// let web = ConfigSettings::new(80)
///     .algorithm(Algorithm::LeastConn)
///     .check(HealthCheck::Http)
///     .check_path("/health");
/// ```
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct ConfigSettings {
    /// The port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// What it serves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// How backends are chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<Algorithm>,
    /// Session stickiness.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stickiness: Option<Stickiness>,
    /// How backends are checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<HealthCheck>,
    /// Seconds between checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_interval: Option<u32>,
    /// Seconds a check may take.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_timeout: Option<u32>,
    /// Failed checks before a backend is down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_attempts: Option<u32>,
    /// The path HTTP checks request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_path: Option<String>,
    /// Text the answer of an `http_body` check must contain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_body: Option<String>,
    /// Whether 5xx answers take a backend out of rotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_passive: Option<bool>,
    /// Proxy protocol (TCP only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_protocol: Option<ProxyProtocol>,
    /// TLS ciphers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher_suite: Option<CipherSuite>,
    /// PEM certificate (chain) for HTTPS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_cert: Option<String>,
    /// PEM private key for HTTPS.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose")]
    pub ssl_key: Option<SecretString>,
}

impl ConfigSettings {
    /// A config for `port`, with the API's defaults for everything else (HTTP, round robin).
    pub fn new(port: u16) -> Self {
        ConfigSettings {
            port: Some(port),
            ..Self::default()
        }
    }

    /// Settings that change nothing yet (for updates).
    pub fn unchanged() -> Self {
        Self::default()
    }

    /// Serves HTTPS with this PEM certificate and private key.
    pub fn https(mut self, cert: impl Into<String>, key: impl Into<String>) -> Self {
        self.protocol = Some(Protocol::Https);
        self.ssl_cert = Some(cert.into());
        self.ssl_key = Some(SecretString::from(key.into()));
        self
    }

    /// Sets the health check's interval, timeout and attempts.
    pub fn check_timing(mut self, interval: u32, timeout: u32, attempts: u32) -> Self {
        self.check_interval = Some(interval);
        self.check_timeout = Some(timeout);
        self.check_attempts = Some(attempts);
        self
    }

    fn validate(&self) -> Result<()> {
        if self.port == Some(0) {
            return Err(Error::invalid("port", "must be from 1 to 65535"));
        }
        if self.protocol == Some(Protocol::Https)
            && (self.ssl_cert.is_none() != self.ssl_key.is_none())
        {
            return Err(Error::invalid(
                "ssl_cert",
                "HTTPS takes a certificate and a key together",
            ));
        }
        Ok(())
    }
}

setters! {
    ConfigSettings {
        /// Sets the protocol.
        protocol: value Protocol,
        /// Sets the algorithm.
        algorithm: value Algorithm,
        /// Sets the stickiness.
        stickiness: value Stickiness,
        /// Sets the health check.
        check: value HealthCheck,
        /// Sets the proxy protocol.
        proxy_protocol: value ProxyProtocol,
        /// Sets the text an `http_body` check expects.
        check_body: into String,
        /// Sets the path HTTP checks request.
        check_path: into String,
    }
}

api_enum! {
    /// Whether a backend passes its checks.
    pub enum NodeStatus {
        /// Not checked yet.
        NotChecked = "unknown",
        /// In rotation.
        Up = "UP",
        /// Out of rotation.
        Down = "DOWN",
    }
}

api_enum! {
    /// How a backend takes traffic.
    pub enum NodeMode {
        /// Takes traffic.
        Accept = "accept",
        /// Takes none.
        Reject = "reject",
        /// Keeps its sessions, takes no new ones.
        Drain = "drain",
        /// Takes traffic only when every `accept` node is down.
        Backup = "backup",
    }
}

/// The id of a node: its NodeBalancer, its config and its own.
///
/// ```
/// use linode::api::nodebalancers::NodeId;
/// assert_eq!(NodeId::new(1, 2, 3).to_string(), "1/2/3");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId {
    /// The NodeBalancer.
    pub nodebalancer_id: u64,
    /// The config.
    pub config_id: u64,
    /// The node itself.
    pub id: u64,
}

impl NodeId {
    /// Node `id` of config `config_id` of NodeBalancer `nodebalancer_id`.
    pub fn new(nodebalancer_id: u64, config_id: u64, id: u64) -> NodeId {
        NodeId {
            nodebalancer_id,
            config_id,
            id,
        }
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.nodebalancer_id, self.config_id, self.id)
    }
}

/// A backend of a config: a Linode's private address and port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeBalancerNode {
    /// The node's id.
    pub id: u64,
    /// The NodeBalancer it belongs to.
    pub nodebalancer_id: u64,
    /// The config it belongs to.
    pub config_id: u64,
    /// Private IPv4 address and port, such as `192.168.210.120:80` (mutable).
    pub address: String,
    /// Its label (mutable).
    pub label: String,
    /// Whether it passes its checks.
    pub status: NodeStatus,
    /// Share of traffic, 1 to 255 (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub weight: u32,
    /// How it takes traffic (mutable).
    pub mode: NodeMode,
    /// The VPC configuration of the NodeBalancer the node is reached through, if any.
    #[serde(default)]
    pub vpc_config_id: Option<u64>,
}

impl Resource for NodeBalancerNode {
    type Id = NodeId;
    const VOLATILE: bool = true;
    fn path(id: &NodeId) -> Path {
        GET_NODE.path(&[&id.nodebalancer_id, &id.config_id, &id.id])
    }
}

impl NodeBalancerNode {
    /// Its full id.
    pub fn node_id(&self) -> NodeId {
        NodeId::new(self.nodebalancer_id, self.config_id, self.id)
    }

    /// The fields the API lets you change, as they are now: what [`save`](Self::save) sends.
    pub fn changes(&self) -> NodeUpdate {
        NodeUpdate {
            address: Some(self.address.clone()),
            label: Some(self.label.clone()),
            weight: Some(self.weight),
            mode: Some(self.mode.clone()),
        }
    }

    /// Sends the mutable fields and replaces `self` with the API's answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client
            .nodebalancers()
            .update_node(self.node_id(), &self.changes())
            .await?;
        Ok(())
    }

    /// Deletes the node.
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.nodebalancers().delete_node(self.node_id()).await
    }
}

/// A new node: a Linode's private `address:port` and a label.
///
/// ```
/// use linode::api::nodebalancers::{CreateNode, NodeMode};
/// let node = CreateNode::new("192.168.128.1:80", "web-1").weight(50).mode(NodeMode::Backup);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateNode {
    address: String,
    label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mode: Option<NodeMode>,
}

impl CreateNode {
    /// A backend at `address` (`192.168.x.x:port` of a Linode in the NodeBalancer's region).
    pub fn new(address: impl Into<String>, label: impl Into<String>) -> Self {
        CreateNode {
            address: address.into(),
            label: label.into(),
            weight: None,
            mode: None,
        }
    }

    fn validate(&self) -> Result<()> {
        check_address(&self.address)?;
        check_weight(self.weight)
    }
}

setters! {
    CreateNode {
        /// Sets the weight (1 to 255).
        weight: value u32,
        /// Sets the mode.
        mode: value NodeMode,
    }
}

fn check_address(address: &str) -> Result<()> {
    if address.parse::<std::net::SocketAddrV4>().is_err() {
        return Err(Error::invalid(
            "address",
            "must be an IPv4 address and a port, such as 192.168.1.2:80",
        ));
    }
    Ok(())
}

fn check_weight(weight: Option<u32>) -> Result<()> {
    if weight.is_some_and(|w| !(1..=255).contains(&w)) {
        return Err(Error::invalid("weight", "must be from 1 to 255"));
    }
    Ok(())
}

/// A partial update of a node: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NodeUpdate {
    /// New address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// New mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<NodeMode>,
}

impl NodeUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    NodeUpdate {
        /// Sets the weight.
        weight: value u32,
        /// Sets the mode.
        mode: value NodeMode,
    }
}

/// A NodeBalancer's statistics over the last day, in 5-minute points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeBalancerStats {
    /// What the statistics cover, such as `linode.com - balancer12345 (12345) - day (5 min avg)`.
    #[serde(default, deserialize_with = "null_default")]
    pub title: String,
    /// The series.
    #[serde(default, deserialize_with = "null_default")]
    pub data: NodeBalancerStatsData,
}

/// The series of a NodeBalancer's statistics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeBalancerStatsData {
    /// Connections.
    #[serde(default, deserialize_with = "null_default")]
    pub connections: Vec<StatPoint>,
    /// Traffic.
    #[serde(default, deserialize_with = "null_default")]
    pub traffic: NodeBalancerTraffic,
}

/// A NodeBalancer's traffic series, in bits per second.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeBalancerTraffic {
    /// Inbound.
    #[serde(default, rename = "in", deserialize_with = "null_default")]
    pub inbound: Vec<StatPoint>,
    /// Outbound.
    #[serde(default, deserialize_with = "null_default")]
    pub out: Vec<StatPoint>,
}

/// One point of a statistics series, as the API sends it: `[unix time in ms, reading]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StatPoint(pub f64, pub f64);

impl StatPoint {
    /// When, in milliseconds since the Unix epoch.
    pub fn time_ms(&self) -> f64 {
        self.0
    }

    /// The reading.
    pub fn value(&self) -> f64 {
        self.1
    }
}

/// A NodeBalancer's place in a VPC subnet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeBalancerVpcConfig {
    /// The VPC config's id.
    pub id: u64,
    /// The NodeBalancer.
    pub nodebalancer_id: u64,
    /// The VPC.
    #[serde(default)]
    pub vpc_id: Option<u64>,
    /// The subnet.
    #[serde(default)]
    pub subnet_id: Option<u64>,
    /// The IPv4 range the NodeBalancer uses in the subnet.
    #[serde(default)]
    pub ipv4_range: Option<String>,
    /// The IPv6 range it uses, if any.
    #[serde(default)]
    pub ipv6_range: Option<String>,
}

/// A config rebuilt in one request: its new settings and the complete list of its nodes.
/// Listed nodes that [keep](RebuildNode::keep) or [update](RebuildNode::update) an id stay;
/// [new](RebuildNode::new) ones are created; the config's other nodes are deleted.
///
/// ```
/// use linode::api::nodebalancers::{ConfigSettings, CreateNode, NodeUpdate, RebuildConfig, RebuildNode};
/// let rebuild = RebuildConfig::new(ConfigSettings::new(80))
///     .node(RebuildNode::keep(30_001))
///     .node(RebuildNode::update(30_002, NodeUpdate::new().weight(10)))
///     .node(RebuildNode::new(CreateNode::new("192.168.128.3:80", "web-3")));
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RebuildConfig {
    #[serde(flatten)]
    settings: ConfigSettings,
    nodes: Vec<RebuildNode>,
}

impl RebuildConfig {
    /// A rebuild to `settings`, with no nodes yet (sent as is, it deletes them all).
    pub fn new(settings: ConfigSettings) -> Self {
        RebuildConfig {
            settings,
            nodes: Vec::new(),
        }
    }

    /// Adds a node to the list.
    pub fn node(mut self, node: RebuildNode) -> Self {
        self.nodes.push(node);
        self
    }

    fn validate(&self) -> Result<()> {
        self.settings.validate()?;
        for node in &self.nodes {
            if node.id.is_none() && (node.fields.address.is_none() || node.fields.label.is_none()) {
                return Err(Error::invalid(
                    "nodes",
                    "a new node needs an address and a label",
                ));
            }
            if let Some(address) = &node.fields.address {
                check_address(address)?;
            }
            check_weight(node.fields.weight)?;
        }
        Ok(())
    }
}

/// One node of a [`RebuildConfig`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RebuildNode {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    #[serde(flatten)]
    fields: NodeUpdate,
}

impl RebuildNode {
    /// Keeps node `id` as it is.
    pub fn keep(id: u64) -> Self {
        Self::update(id, NodeUpdate::new())
    }

    /// Keeps node `id`, changing the fields set in `update`.
    pub fn update(id: u64, update: NodeUpdate) -> Self {
        RebuildNode {
            id: Some(id),
            fields: update,
        }
    }

    /// A node to create.
    pub fn new(node: CreateNode) -> Self {
        RebuildNode {
            id: None,
            fields: NodeUpdate {
                address: Some(node.address),
                label: Some(node.label),
                weight: node.weight,
                mode: node.mode,
            },
        }
    }
}

/// Calls under `/nodebalancers`.
#[derive(Debug, Clone, Copy)]
pub struct NodeBalancersGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// NodeBalancers, their configs and nodes (`/nodebalancers`).
    pub fn nodebalancers(&self) -> NodeBalancersGroup<'_> {
        NodeBalancersGroup { client: self }
    }
}

impl NodeBalancersGroup<'_> {
    /// Lists your NodeBalancers.
    pub fn list(&self) -> ListRequest<NodeBalancer> {
        ListRequest::new(self.client, LIST_NODEBALANCERS.path(&[]))
    }

    /// Loads one NodeBalancer.
    pub async fn get(&self, id: u64) -> Result<NodeBalancer> {
        self.client.load::<NodeBalancer>(id).await
    }

    /// The NodeBalancer price list.
    pub fn types(&self) -> ListRequest<PricedType> {
        ListRequest::new(self.client, LIST_NODEBALANCER_TYPES.path(&[]))
    }

    /// The statistics of NodeBalancer `id` over the last day.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let stats = client.nodebalancers().stats(123).await?;
    /// let peak = stats.data.connections.iter().map(|p| p.value()).fold(0.0, f64::max);
    /// # Ok(()) }
    /// ```
    pub async fn stats(&self, id: u64) -> Result<NodeBalancerStats> {
        self.client
            .send(GET_NODEBALANCER_STATS.request(&[&id]))
            .await
    }

    /// The VPC configs of NodeBalancer `nodebalancer_id` (none unless it was created in a VPC).
    pub fn vpc_configs(&self, nodebalancer_id: u64) -> ListRequest<NodeBalancerVpcConfig> {
        ListRequest::new(self.client, LIST_VPC_CONFIGS.path(&[&nodebalancer_id]))
    }

    /// Loads VPC config `id` of NodeBalancer `nodebalancer_id`.
    pub async fn vpc_config(&self, nodebalancer_id: u64, id: u64) -> Result<NodeBalancerVpcConfig> {
        self.client
            .send(GET_VPC_CONFIG.request(&[&nodebalancer_id, &id]))
            .await
    }

    /// Creates a NodeBalancer.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::nodebalancers::{ConfigSettings, CreateNode, CreateNodeBalancer};
    /// let nb = client.nodebalancers().create(CreateNodeBalancer::in_region("us-east")).await?;
    /// let config = client.nodebalancers().create_config(nb.id, &ConfigSettings::new(80)).await?;
    /// client
    ///     .nodebalancers()
    ///     .create_node(nb.id, config.id, &CreateNode::new("192.168.128.1:80", "web-1"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, request: CreateNodeBalancer) -> Result<NodeBalancer> {
        request.validate()?;
        self.client
            .send(CREATE_NODEBALANCER.with_body(&[], &request)?)
            .await
    }

    /// Changes the fields set in `update` and returns the NodeBalancer as it is now.
    pub async fn update(&self, id: u64, update: &NodeBalancerUpdate) -> Result<NodeBalancer> {
        check_throttle(update.client_conn_throttle)?;
        self.client
            .send(UPDATE_NODEBALANCER.with_body(&[&id], update)?)
            .await
    }

    /// Deletes a NodeBalancer with its configs and nodes.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_NODEBALANCER.request(&[&id]))
            .await
    }

    /// Lists the configs of NodeBalancer `nodebalancer_id`.
    pub fn configs(&self, nodebalancer_id: u64) -> ListRequest<NodeBalancerConfig> {
        ListRequest::new(self.client, LIST_CONFIGS.path(&[&nodebalancer_id]))
    }

    /// Loads config `id` of NodeBalancer `nodebalancer_id`.
    pub async fn config(&self, nodebalancer_id: u64, id: u64) -> Result<NodeBalancerConfig> {
        self.client
            .load::<NodeBalancerConfig>(ChildId::new(nodebalancer_id, id))
            .await
    }

    /// Adds a config (a port) to NodeBalancer `nodebalancer_id`.
    pub async fn create_config(
        &self,
        nodebalancer_id: u64,
        settings: &ConfigSettings,
    ) -> Result<NodeBalancerConfig> {
        settings.validate()?;
        self.client
            .send(CREATE_CONFIG.with_body(&[&nodebalancer_id], settings)?)
            .await
    }

    /// Changes the settings set in `settings` of config `id`.
    pub async fn update_config(
        &self,
        nodebalancer_id: u64,
        id: u64,
        settings: &ConfigSettings,
    ) -> Result<NodeBalancerConfig> {
        settings.validate()?;
        self.client
            .send(UPDATE_CONFIG.with_body(&[&nodebalancer_id, &id], settings)?)
            .await
    }

    /// Replaces config `id` and its nodes in one request (see [`RebuildConfig`]).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::nodebalancers::{ConfigSettings, CreateNode, RebuildConfig, RebuildNode};
    /// let rebuild = RebuildConfig::new(ConfigSettings::new(80))
    ///     .node(RebuildNode::new(CreateNode::new("192.168.128.1:80", "web-1")));
    /// let config = client.nodebalancers().rebuild_config(123, 456, &rebuild).await?;
    /// # Ok(()) }
    /// ```
    pub async fn rebuild_config(
        &self,
        nodebalancer_id: u64,
        id: u64,
        rebuild: &RebuildConfig,
    ) -> Result<NodeBalancerConfig> {
        rebuild.validate()?;
        self.client
            .send(REBUILD_CONFIG.with_body(&[&nodebalancer_id, &id], rebuild)?)
            .await
    }

    /// Deletes config `id` and its nodes.
    pub async fn delete_config(&self, nodebalancer_id: u64, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_CONFIG.request(&[&nodebalancer_id, &id]))
            .await
    }

    /// Lists the nodes of a config.
    pub fn nodes(&self, nodebalancer_id: u64, config_id: u64) -> ListRequest<NodeBalancerNode> {
        ListRequest::new(
            self.client,
            LIST_NODES.path(&[&nodebalancer_id, &config_id]),
        )
    }

    /// Loads one node.
    pub async fn node(&self, id: NodeId) -> Result<NodeBalancerNode> {
        self.client.load::<NodeBalancerNode>(id).await
    }

    /// Adds a node (a backend) to a config.
    pub async fn create_node(
        &self,
        nodebalancer_id: u64,
        config_id: u64,
        node: &CreateNode,
    ) -> Result<NodeBalancerNode> {
        node.validate()?;
        self.client
            .send(CREATE_NODE.with_body(&[&nodebalancer_id, &config_id], node)?)
            .await
    }

    /// Changes the fields set in `update` of a node.
    pub async fn update_node(&self, id: NodeId, update: &NodeUpdate) -> Result<NodeBalancerNode> {
        check_weight(update.weight)?;
        self.client
            .send(UPDATE_NODE.with_body(&[&id.nodebalancer_id, &id.config_id, &id.id], update)?)
            .await
    }

    /// Deletes a node.
    pub async fn delete_node(&self, id: NodeId) -> Result<()> {
        self.client
            .send_empty(DELETE_NODE.request(&[&id.nodebalancer_id, &id.config_id, &id.id]))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_children() {
        assert_eq!(
            NodeBalancerConfig::path(&ChildId::new(1, 2)).as_str(),
            "/nodebalancers/1/configs/2"
        );
        assert_eq!(
            NodeBalancerNode::path(&NodeId::new(1, 2, 3)).as_str(),
            "/nodebalancers/1/configs/2/nodes/3"
        );
    }

    #[test]
    fn the_private_key_is_sent_but_never_shown() {
        let settings = ConfigSettings::new(443).https("CERT", "KEY-SECRET-123");
        assert!(!format!("{settings:?}").contains("KEY-SECRET-123"));
        let json = serde_json::to_value(&settings).unwrap();
        assert_eq!(json["ssl_key"], "KEY-SECRET-123");
        assert_eq!(json["protocol"], "https");
        assert_eq!(json["port"], 443);
    }
}
