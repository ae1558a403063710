//! Linode Kubernetes Engine: `/lke`, clusters with their node pools and nodes, the Kubernetes
//! versions offered and what a control plane costs.
//!
//! A cluster's control plane is managed by Linode; its nodes are Linodes (their
//! `lke_cluster_id` names the cluster), grouped in pools of one type. A new cluster is
//! `not_ready` and its kubeconfig unavailable (503) until the control plane is up: wait with
//! [`LkeGroup::wait_for_cluster_ready`], [`LkeGroup::wait_for_pool_ready`] and
//! [`LkeGroup::wait_for_kubeconfig`]. The `enterprise` tier exists only under `/v4beta`: a
//! create that asks for a tier is sent there whatever the client's version.

use std::collections::BTreeMap;
use std::net::IpAddr;

use base64::Engine as _;
use ipnet::IpNet;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::api::linode::Instance;
use crate::api::pricing::PricedType;
use crate::api::regions::Region;
use crate::client::{ApiVersion, Client, Path};
use crate::error::{Error, Result};
use crate::events::{Probe, Wait};
use crate::filter::filterable;
use crate::lazy::Lazy;
use crate::model::{
    ChildId, Encryption, LockType, Ref, Resource, api_enum, null_default, setters, timestamp,
};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_CLUSTERS = GET "/lke/clusters";
    CREATE_CLUSTER = POST "/lke/clusters";
    GET_CLUSTER = GET "/lke/clusters/{clusterId}";
    UPDATE_CLUSTER = PUT "/lke/clusters/{clusterId}";
    DELETE_CLUSTER = DELETE "/lke/clusters/{clusterId}";
    LIST_API_ENDPOINTS = GET "/lke/clusters/{clusterId}/api-endpoints";
    GET_ACL = GET "/lke/clusters/{clusterId}/control_plane_acl";
    UPDATE_ACL = PUT "/lke/clusters/{clusterId}/control_plane_acl";
    DELETE_ACL = DELETE "/lke/clusters/{clusterId}/control_plane_acl";
    GET_DASHBOARD = GET "/lke/clusters/{clusterId}/dashboard";
    GET_KUBECONFIG = GET "/lke/clusters/{clusterId}/kubeconfig";
    DELETE_KUBECONFIG = DELETE "/lke/clusters/{clusterId}/kubeconfig";
    GET_NODE = GET "/lke/clusters/{clusterId}/nodes/{nodeId}";
    DELETE_NODE = DELETE "/lke/clusters/{clusterId}/nodes/{nodeId}";
    RECYCLE_NODE = POST "/lke/clusters/{clusterId}/nodes/{nodeId}/recycle";
    LIST_POOLS = GET "/lke/clusters/{clusterId}/pools";
    CREATE_POOL = POST "/lke/clusters/{clusterId}/pools";
    GET_POOL = GET "/lke/clusters/{clusterId}/pools/{poolId}";
    UPDATE_POOL = PUT "/lke/clusters/{clusterId}/pools/{poolId}";
    DELETE_POOL = DELETE "/lke/clusters/{clusterId}/pools/{poolId}";
    RECYCLE_POOL = POST "/lke/clusters/{clusterId}/pools/{poolId}/recycle";
    RECYCLE_CLUSTER = POST "/lke/clusters/{clusterId}/recycle";
    REGENERATE_CLUSTER = POST "/lke/clusters/{clusterId}/regenerate";
    DELETE_SERVICE_TOKEN = DELETE "/lke/clusters/{clusterId}/servicetoken";
    LIST_TIER_VERSIONS = GET "/lke/tiers/{tier}/versions";
    GET_TIER_VERSION = GET "/lke/tiers/{tier}/versions/{version}";
    LIST_LKE_TYPES = GET "/lke/types";
    LIST_VERSIONS = GET "/lke/versions";
    GET_VERSION = GET "/lke/versions/{version}";
}

/// Longest cluster label, in characters.
pub const MAX_LABEL_LENGTH: usize = 32;
/// Most nodes in one pool (and the autoscaler's bounds).
pub const MAX_NODES: u32 = 100;

api_enum! {
    /// Whether a cluster's control plane is up.
    pub enum ClusterStatus {
        /// Up: the kubeconfig is available.
        Ready = "ready",
        /// Being provisioned.
        NotReady = "not_ready",
    }
}

api_enum! {
    /// A cluster's service tier.
    pub enum LkeTier {
        /// The shared control plane.
        Standard = "standard",
        /// A dedicated, always highly available control plane (only under `/v4beta`).
        Enterprise = "enterprise",
    }
}

api_enum! {
    /// Whether a node has joined its cluster.
    pub enum NodeStatus {
        /// Its Linode runs and the node is in the cluster.
        Ready = "ready",
        /// Its Linode is being created or booted.
        NotReady = "not_ready",
    }
}

api_enum! {
    /// What a taint does to pods that do not tolerate it.
    pub enum TaintEffect {
        /// They are not scheduled on the node.
        NoSchedule = "NoSchedule",
        /// They are scheduled there only when nowhere else fits.
        PreferNoSchedule = "PreferNoSchedule",
        /// They are not scheduled there and those running are evicted.
        NoExecute = "NoExecute",
    }
}

api_enum! {
    /// The network stack of an `enterprise` cluster.
    pub enum StackType {
        /// IPv4 only (the default).
        Ipv4 = "ipv4",
        /// IPv4 and IPv6 (dual stack).
        DualStack = "ipv4-ipv6",
    }
}

api_enum! {
    /// The file system of a pool's custom disk.
    pub enum PoolDiskType {
        /// No file system.
        Raw = "raw",
        /// ext4.
        Ext4 = "ext4",
    }
}

/// A custom disk of each node of a pool, besides its boot disk (chosen at creation).
///
/// ```
/// use linode::api::lke::{PoolDisk, PoolDiskType};
/// let disk = PoolDisk::new(1024, PoolDiskType::Ext4);
/// assert_eq!(disk.size, 1024);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PoolDisk {
    /// Its size, in MB.
    pub size: u64,
    /// Its file system.
    #[serde(rename = "type")]
    pub disk_type: PoolDiskType,
}

impl PoolDisk {
    /// A disk of `size` MB with file system `disk_type`.
    pub fn new(size: u64, disk_type: PoolDiskType) -> PoolDisk {
        PoolDisk { size, disk_type }
    }
}

/// Most custom disks of a pool's nodes.
pub const MAX_POOL_DISKS: usize = 7;

api_enum! {
    /// How an `enterprise` pool's nodes take a new Kubernetes version.
    pub enum UpdateStrategy {
        /// Node by node, at once.
        RollingUpdate = "rolling_update",
        /// When each node is next recycled.
        OnRecycle = "on_recycle",
    }
}

/// A Kubernetes cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LkeCluster {
    /// The cluster's id.
    pub id: u64,
    /// Its label, unique among your clusters (mutable).
    pub label: String,
    /// Where it runs.
    pub region: Ref<Region>,
    /// Its Kubernetes version (upgraded one minor version at a time).
    pub k8s_version: String,
    /// Whether its control plane is up. API 4.229.1 documents this field as unused, always
    /// `ready`: to wait for a new cluster, [`LkeGroup::wait_for_kubeconfig`] is the sure way.
    pub status: ClusterStatus,
    /// Its tier (`None` when the API did not say: `standard`).
    #[serde(default)]
    pub tier: Option<LkeTier>,
    /// Its tags (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// Its control plane's settings.
    #[serde(default, deserialize_with = "null_default")]
    pub control_plane: ControlPlane,
    /// Whether the Akamai App Platform is installed.
    #[serde(default, deserialize_with = "null_default")]
    pub apl_enabled: bool,
    /// Its locks (`cannot_delete`), shown under `/v4beta`.
    #[serde(default, deserialize_with = "null_default")]
    pub locks: Vec<LockType>,
    /// Its network stack (`enterprise` tier).
    #[serde(default)]
    pub stack_type: Option<StackType>,
    /// Its VPC (`enterprise` tier).
    #[serde(default)]
    pub vpc_id: Option<u64>,
    /// Its VPC subnet (`enterprise` tier).
    #[serde(default)]
    pub subnet_id: Option<u64>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
}

filterable!(LkeCluster {
    K8S_VERSION: Text = "k8s_version",
    LABEL: Text = "label",
    REGION: Text = "region",
    TAGS: Text = "tags",
    TIER: Text = "tier",
});

impl Resource for LkeCluster {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_CLUSTER.path(&[id])
    }
}

impl LkeCluster {
    /// Whether the control plane is up.
    pub fn is_ready(&self) -> bool {
        self.status == ClusterStatus::Ready
    }
}

/// A cluster's control plane, as the cluster shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ControlPlane {
    /// Whether it is replicated (can be turned on, never off).
    #[serde(default, deserialize_with = "null_default")]
    pub high_availability: bool,
    /// Whether its audit logs are kept (`enterprise` tier).
    #[serde(default, deserialize_with = "null_default")]
    pub audit_logs_enabled: bool,
}

/// A pool of nodes of one Linode type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodePool {
    /// The pool's id.
    pub id: u64,
    /// The Linode type of its nodes.
    #[serde(rename = "type")]
    pub type_id: String,
    /// How many nodes it keeps.
    pub count: u32,
    /// Its nodes.
    #[serde(default, deserialize_with = "null_default")]
    pub nodes: Vec<LkeNode>,
    /// Its autoscaler.
    #[serde(default, deserialize_with = "null_default")]
    pub autoscaler: Autoscaler,
    /// Its tags, given to its Linodes.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// Kubernetes labels of its nodes.
    #[serde(default, deserialize_with = "null_default")]
    pub labels: BTreeMap<String, String>,
    /// Kubernetes taints of its nodes.
    #[serde(default, deserialize_with = "null_default")]
    pub taints: Vec<Taint>,
    /// Its label, if it was given one.
    #[serde(default)]
    pub label: Option<String>,
    /// Whether its nodes' disks are encrypted.
    #[serde(default)]
    pub disk_encryption: Option<Encryption>,
    /// Its nodes' custom disks, besides their boot disk.
    #[serde(default, deserialize_with = "null_default")]
    pub disks: Vec<PoolDisk>,
    /// Its locks (`cannot_delete`), shown under `/v4beta`.
    #[serde(default, deserialize_with = "null_default")]
    pub locks: Vec<LockType>,
    /// Its Kubernetes version (`enterprise` tier only).
    #[serde(default)]
    pub k8s_version: Option<String>,
    /// How its nodes take a new version (`enterprise` tier only).
    #[serde(default)]
    pub update_strategy: Option<UpdateStrategy>,
    /// The firewall of its nodes, if any.
    #[serde(default)]
    pub firewall_id: Option<u64>,
}

filterable!(NodePool {
    ID: Number = "id",
    TAGS: Text = "tags",
});

impl Resource for NodePool {
    type Id = ChildId;
    fn path(id: &ChildId) -> Path {
        GET_POOL.path(&[&id.parent, &id.id])
    }
}

impl NodePool {
    /// Whether it has all its nodes and every one is ready.
    pub fn is_ready(&self) -> bool {
        self.nodes.len() == self.count as usize
            && self.nodes.iter().all(|n| n.status == NodeStatus::Ready)
    }
}

/// A node of a pool: a Linode in the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LkeNode {
    /// The node's id, such as `12345-6aa78d1e0000`.
    pub id: String,
    /// Its Linode (`None` while the API has not made it).
    #[serde(default)]
    pub instance_id: Option<u64>,
    /// Its pool (sent for `enterprise` clusters).
    #[serde(default)]
    pub pool_id: Option<u64>,
    /// Whether it has joined the cluster.
    pub status: NodeStatus,
}

impl LkeNode {
    /// Its Linode, as a lazy handle (no request).
    pub fn linode(&self, client: &Client) -> Option<Lazy<Instance>> {
        self.instance_id.map(|id| Lazy::new(client, id))
    }
}

/// A pool's autoscaler: the node count it keeps between `min` and `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Autoscaler {
    /// Whether it is on.
    #[serde(default)]
    pub enabled: bool,
    /// Fewest nodes.
    #[serde(default)]
    pub min: u32,
    /// Most nodes.
    #[serde(default)]
    pub max: u32,
}

impl Default for Autoscaler {
    fn default() -> Self {
        Autoscaler::off()
    }
}

impl Autoscaler {
    /// An autoscaler keeping between `min` and `max` nodes.
    pub fn between(min: u32, max: u32) -> Autoscaler {
        Autoscaler {
            enabled: true,
            min,
            max,
        }
    }

    /// No autoscaling.
    pub fn off() -> Autoscaler {
        Autoscaler {
            enabled: false,
            min: 1,
            max: 1,
        }
    }

    fn validate(&self, field: &str) -> Result<()> {
        let range = 1..=MAX_NODES;
        if self.enabled && !(range.contains(&self.min) && range.contains(&self.max)) {
            return Err(Error::invalid(
                format!("{field}autoscaler"),
                format!("min and max must be 1 to {MAX_NODES}"),
            ));
        }
        if self.enabled && self.min > self.max {
            return Err(Error::invalid(
                format!("{field}autoscaler.max"),
                "must be at least min",
            ));
        }
        Ok(())
    }
}

/// A Kubernetes taint of a pool's nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Taint {
    /// Its key.
    pub key: String,
    /// Its value.
    #[serde(default, deserialize_with = "null_default")]
    pub value: String,
    /// What it does.
    pub effect: TaintEffect,
}

impl Taint {
    /// A taint `key=value:effect`.
    pub fn new(key: impl Into<String>, value: impl Into<String>, effect: TaintEffect) -> Taint {
        Taint {
            key: key.into(),
            value: value.into(),
            effect,
        }
    }
}

/// Who may reach a cluster's control plane.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ControlPlaneAcl {
    /// Whether the list applies (off: anyone may connect).
    #[serde(default)]
    pub enabled: bool,
    /// The addresses allowed.
    #[serde(default, deserialize_with = "null_default")]
    pub addresses: AclAddresses,
    /// The revision of the list, changed by each update (absent in requests).
    #[serde(
        default,
        rename = "revision-id",
        skip_serializing_if = "Option::is_none"
    )]
    pub revision_id: Option<String>,
}

impl ControlPlaneAcl {
    /// An enabled list allowing exactly these addresses or ranges (`203.0.113.0/24`,
    /// `2001:db8::/32`), each put with its family.
    pub fn allowing(addresses: impl IntoIterator<Item = impl Into<String>>) -> ControlPlaneAcl {
        let mut acl = ControlPlaneAcl {
            enabled: true,
            ..ControlPlaneAcl::default()
        };
        for address in addresses {
            let address = address.into();
            if address.contains(':') {
                acl.addresses.ipv6.push(address);
            } else {
                acl.addresses.ipv4.push(address);
            }
        }
        acl
    }

    fn validate(&self, field: &str) -> Result<()> {
        for (family, list, v6) in [
            ("ipv4", &self.addresses.ipv4, false),
            ("ipv6", &self.addresses.ipv6, true),
        ] {
            for (i, address) in list.iter().enumerate() {
                let ok = match (address.parse::<IpNet>(), address.parse::<IpAddr>()) {
                    (Ok(net), _) => matches!(net, IpNet::V6(_)) == v6,
                    (_, Ok(ip)) => ip.is_ipv6() == v6,
                    _ => false,
                };
                if !ok {
                    return Err(Error::invalid(
                        format!("{field}addresses.{family}[{i}]"),
                        format!("{address:?} is not an {family} address or range"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The addresses of a [`ControlPlaneAcl`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AclAddresses {
    /// IPv4 addresses and ranges.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv4: Vec<String>,
    /// IPv6 addresses and ranges.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv6: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct AclEnvelope {
    acl: ControlPlaneAcl,
}

/// An address of a cluster's Kubernetes API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiEndpoint {
    /// Its URL, such as `https://<id>.us-east-1.linodelke.net:443`.
    pub endpoint: String,
}

/// A Kubernetes version offered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LkeVersion {
    /// The version, such as `1.33` (`v1.32.4+lke6` for the `enterprise` tier).
    pub id: String,
    /// The tier offering it (in tier lists only).
    #[serde(default)]
    pub tier: Option<LkeTier>,
}

#[derive(Deserialize)]
struct Dashboard {
    url: String,
}

#[derive(Deserialize)]
struct EncodedKubeconfig {
    /// Base64 text, decoded at once into a secret (never shown: no `Debug`).
    kubeconfig: String,
}

/// What to create: a cluster with at least one pool.
///
/// ```
/// use linode::api::lke::{CreateCluster, NewPool};
/// let request = CreateCluster::new("my-cluster", "us-east", "1.33")
///     .pool(NewPool::new("g6-standard-2", 3))
///     .high_availability(true);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateCluster {
    label: String,
    region: String,
    k8s_version: String,
    node_pools: Vec<NewPool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    control_plane: Option<ControlPlaneRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tier: Option<LkeTier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    apl_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stack_type: Option<StackType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vpc_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subnet_id: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct ControlPlaneRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    high_availability: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acl: Option<ControlPlaneAcl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    audit_logs_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metrics_enabled: Option<bool>,
}

/// The control-plane part of a request, made when a first setting of it is given.
fn plane(plane: &mut Option<ControlPlaneRequest>) -> &mut ControlPlaneRequest {
    plane.get_or_insert_with(ControlPlaneRequest::default)
}

impl CreateCluster {
    /// A cluster `label` in `region` running Kubernetes `k8s_version`; add its pools with
    /// [`pool`](Self::pool).
    pub fn new(
        label: impl Into<String>,
        region: impl Into<String>,
        k8s_version: impl Into<String>,
    ) -> CreateCluster {
        CreateCluster {
            label: label.into(),
            region: region.into(),
            k8s_version: k8s_version.into(),
            node_pools: Vec::new(),
            tags: Vec::new(),
            control_plane: None,
            tier: None,
            apl_enabled: None,
            stack_type: None,
            vpc_id: None,
            subnet_id: None,
        }
    }

    /// Adds a node pool.
    pub fn pool(mut self, pool: NewPool) -> Self {
        self.node_pools.push(pool);
        self
    }

    /// Tags the cluster.
    pub fn tags(mut self, tags: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Replicates the control plane (or not).
    pub fn high_availability(mut self, on: bool) -> Self {
        plane(&mut self.control_plane).high_availability = Some(on);
        self
    }

    /// Restricts who may reach the control plane.
    pub fn acl(mut self, acl: ControlPlaneAcl) -> Self {
        plane(&mut self.control_plane).acl = Some(acl);
        self
    }

    /// Keeps the control plane's audit logs (`enterprise` tier).
    pub fn audit_logs(mut self, on: bool) -> Self {
        plane(&mut self.control_plane).audit_logs_enabled = Some(on);
        self
    }

    /// Turns the control plane's metrics on (`enterprise` tier; write-only: the cluster does not
    /// show it).
    pub fn metrics(mut self, on: bool) -> Self {
        plane(&mut self.control_plane).metrics_enabled = Some(on);
        self
    }

    fn validate(&self) -> Result<()> {
        check_label(&self.label)?;
        if self.apl_enabled == Some(true)
            && self
                .control_plane
                .as_ref()
                .and_then(|c| c.high_availability)
                != Some(true)
            && self.tier != Some(LkeTier::Enterprise)
        {
            return Err(Error::invalid(
                "apl_enabled",
                "the App Platform needs control_plane.high_availability",
            ));
        }
        if self.region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        if self.k8s_version.trim().is_empty() {
            return Err(Error::invalid("k8s_version", "is empty"));
        }
        if self.node_pools.is_empty() {
            return Err(Error::invalid("node_pools", "at least one pool is needed"));
        }
        for (i, pool) in self.node_pools.iter().enumerate() {
            pool.validate(&format!("node_pools[{i}]."))?;
        }
        if let Some(acl) = self.control_plane.as_ref().and_then(|c| c.acl.as_ref()) {
            acl.validate("control_plane.acl.")?;
        }
        Ok(())
    }
}

setters! {
    CreateCluster {
        /// Chooses the tier: the request then goes to `/v4beta`, the only version knowing tiers.
        tier: value LkeTier,
        /// Installs the Akamai App Platform (needs high availability; only at creation).
        apl_enabled: value bool,
        /// Chooses the network stack (`enterprise` tier).
        stack_type: value StackType,
        /// Puts the cluster in this VPC, a subnet allocated (`enterprise` tier).
        vpc_id: value u64,
        /// Puts the cluster in this VPC subnet (`enterprise` tier).
        subnet_id: value u64,
    }
}

fn check_label(label: &str) -> Result<()> {
    let len = label.chars().count();
    if len == 0 || len > MAX_LABEL_LENGTH {
        return Err(Error::invalid(
            "label",
            format!("must be 1 to {MAX_LABEL_LENGTH} characters"),
        ));
    }
    if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::invalid(
            "label",
            "may only contain ASCII letters, digits and dashes",
        ));
    }
    Ok(())
}

fn check_count(field: &str, count: u32) -> Result<()> {
    if !(1..=MAX_NODES).contains(&count) {
        return Err(Error::invalid(
            format!("{field}count"),
            format!("must be 1 to {MAX_NODES}"),
        ));
    }
    Ok(())
}

fn check_taints(field: &str, taints: &[Taint]) -> Result<()> {
    for (i, taint) in taints.iter().enumerate() {
        if taint.key.is_empty() {
            return Err(Error::invalid(
                format!("{field}taints[{i}].key"),
                "is empty",
            ));
        }
    }
    Ok(())
}

/// A pool to create, in a new cluster or an existing one.
///
/// ```
/// use linode::api::lke::{Autoscaler, NewPool, Taint, TaintEffect};
/// let pool = NewPool::new("g6-standard-4", 3)
///     .autoscaler(Autoscaler::between(3, 6))
///     .label("app", "web")
///     .taint(Taint::new("dedicated", "web", TaintEffect::NoSchedule));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NewPool {
    #[serde(rename = "type")]
    type_id: String,
    count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    autoscaler: Option<Autoscaler>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    taints: Vec<Taint>,
    #[serde(rename = "label", skip_serializing_if = "Option::is_none")]
    pool_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disk_encryption: Option<Encryption>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    disks: Vec<PoolDisk>,
    #[serde(skip_serializing_if = "Option::is_none")]
    firewall_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    k8s_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    update_strategy: Option<UpdateStrategy>,
}

impl NewPool {
    /// `count` nodes of Linode type `type_id`.
    pub fn new(type_id: impl Into<String>, count: u32) -> NewPool {
        NewPool {
            type_id: type_id.into(),
            count,
            autoscaler: None,
            tags: Vec::new(),
            labels: BTreeMap::new(),
            taints: Vec::new(),
            pool_label: None,
            disk_encryption: None,
            disks: Vec::new(),
            firewall_id: None,
            k8s_version: None,
            update_strategy: None,
        }
    }

    /// Adds a custom disk to each node (at most [`MAX_POOL_DISKS`]).
    pub fn disk(mut self, disk: PoolDisk) -> Self {
        self.disks.push(disk);
        self
    }

    /// Tags the pool's Linodes.
    pub fn tags(mut self, tags: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a Kubernetes label to the pool's nodes.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// Adds a Kubernetes taint to the pool's nodes.
    pub fn taint(mut self, taint: Taint) -> Self {
        self.taints.push(taint);
        self
    }

    fn validate(&self, field: &str) -> Result<()> {
        if self.type_id.trim().is_empty() {
            return Err(Error::invalid(format!("{field}type"), "is empty"));
        }
        check_count(field, self.count)?;
        if let Some(autoscaler) = &self.autoscaler {
            autoscaler.validate(field)?;
        }
        if self.disks.len() > MAX_POOL_DISKS {
            return Err(Error::invalid(
                format!("{field}disks"),
                format!("at most {MAX_POOL_DISKS} disks"),
            ));
        }
        if let Some(label) = &self.pool_label {
            check_pool_label(&format!("{field}label"), label)?;
        }
        check_taints(field, &self.taints)
    }
}

setters! {
    NewPool {
        /// Sets the autoscaler.
        autoscaler: value Autoscaler,
        /// Names the pool (1-32 lowercase letters, digits, dashes); its nodes' Linodes are
        /// named after it.
        pool_label: into String,
        /// Encrypts the nodes' disks (or not; the API's default is `disabled`).
        disk_encryption: value Encryption,
        /// Puts the nodes behind this Cloud Firewall (`enterprise` tier).
        firewall_id: value u64,
        /// Runs the nodes on this version (`enterprise` tier, where it is required).
        k8s_version: into String,
        /// How the nodes take a new version (`enterprise` tier, where it is required).
        update_strategy: value UpdateStrategy,
    }
}

/// A pool label: 1-32 lowercase letters, digits and dashes, starting and ending with a letter
/// or a digit.
fn check_pool_label(field: &str, label: &str) -> Result<()> {
    let ok = (1..=MAX_LABEL_LENGTH).contains(&label.len())
        && label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            "must be 1 to 32 lowercase letters, digits and dashes, not starting or ending with a dash",
        ))
    }
}

/// A partial update of a cluster: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ClusterUpdate {
    /// A new label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New tags (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// A newer Kubernetes version (the next minor one); recycle the nodes to run it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k8s_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    control_plane: Option<ControlPlaneRequest>,
}

impl ClusterUpdate {
    /// Replaces the tags.
    pub fn tags(mut self, tags: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }

    /// Turns high availability on (it cannot be turned off).
    pub fn high_availability(mut self, on: bool) -> Self {
        plane(&mut self.control_plane).high_availability = Some(on);
        self
    }

    /// Replaces the control plane's ACL.
    pub fn acl(mut self, acl: ControlPlaneAcl) -> Self {
        plane(&mut self.control_plane).acl = Some(acl);
        self
    }

    /// Turns the control plane's audit logs on or off (`enterprise` tier).
    pub fn audit_logs(mut self, on: bool) -> Self {
        plane(&mut self.control_plane).audit_logs_enabled = Some(on);
        self
    }

    fn validate(&self) -> Result<()> {
        if let Some(label) = &self.label {
            check_label(label)?;
        }
        if let Some(acl) = self.control_plane.as_ref().and_then(|c| c.acl.as_ref()) {
            acl.validate("control_plane.acl.")?;
        }
        Ok(())
    }
}

setters! {
    ClusterUpdate {
        /// Sets a new label.
        label: into String,
        /// Upgrades Kubernetes to `version` (the next minor one).
        k8s_version: into String,
    }
}

/// A partial update of a pool: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PoolUpdate {
    /// A new node count (nodes are added or removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// A new autoscaler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autoscaler: Option<Autoscaler>,
    /// New Kubernetes labels (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// New taints (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taints: Option<Vec<Taint>>,
    /// New tags (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// A new pool label.
    #[serde(rename = "label", skip_serializing_if = "Option::is_none")]
    pub pool_label: Option<String>,
    /// A new Kubernetes version of the nodes (`enterprise` tier).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k8s_version: Option<String>,
    /// A new update strategy (`enterprise` tier).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_strategy: Option<UpdateStrategy>,
    /// Another Cloud Firewall for the nodes (`enterprise` tier).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firewall_id: Option<u64>,
}

impl PoolUpdate {
    /// Scales the pool to `count` nodes.
    pub fn count(count: u32) -> PoolUpdate {
        PoolUpdate {
            count: Some(count),
            ..PoolUpdate::default()
        }
    }

    /// Adds a Kubernetes label to the new set (the labels are replaced as a whole).
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into());
        self
    }

    /// Adds a taint to the new set (the taints are replaced as a whole).
    pub fn taint(mut self, taint: Taint) -> Self {
        self.taints.get_or_insert_with(Vec::new).push(taint);
        self
    }

    /// Replaces the tags.
    pub fn tags(mut self, tags: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }

    fn validate(&self) -> Result<()> {
        if let Some(count) = self.count {
            check_count("", count)?;
        }
        if let Some(autoscaler) = &self.autoscaler {
            autoscaler.validate("")?;
        }
        if let Some(label) = &self.pool_label {
            check_pool_label("label", label)?;
        }
        check_taints("", self.taints.as_deref().unwrap_or_default())
    }
}

setters! {
    PoolUpdate {
        /// Sets the autoscaler.
        autoscaler: value Autoscaler,
        /// Renames the pool.
        pool_label: into String,
        /// Moves the nodes to this version (`enterprise` tier).
        k8s_version: into String,
        /// Changes how the nodes take a new version (`enterprise` tier).
        update_strategy: value UpdateStrategy,
        /// Puts the nodes behind another Cloud Firewall (`enterprise` tier).
        firewall_id: value u64,
    }
}

#[derive(Serialize)]
struct Regenerate {
    kubeconfig: bool,
    servicetoken: bool,
}

/// Calls under `/lke`.
#[derive(Debug, Clone, Copy)]
pub struct LkeGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Kubernetes clusters (`/lke`).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use std::time::Duration;
    /// use linode::api::lke::{CreateCluster, NewPool};
    /// let cluster = client
    ///     .lke()
    ///     .create(CreateCluster::new("web", "us-east", "1.33").pool(NewPool::new("g6-standard-2", 3)))
    ///     .await?;
    /// let kubeconfig = client.lke().wait_for_kubeconfig(cluster.id, Duration::from_secs(900)).await?;
    /// # Ok(()) }
    /// ```
    pub fn lke(&self) -> LkeGroup<'_> {
        LkeGroup { client: self }
    }
}

impl LkeGroup<'_> {
    /// Lists your clusters.
    pub fn list(&self) -> ListRequest<LkeCluster> {
        ListRequest::new(self.client, LIST_CLUSTERS.path(&[]))
    }

    /// Loads one cluster.
    pub async fn get(&self, id: u64) -> Result<LkeCluster> {
        self.client.load::<LkeCluster>(id).await
    }

    /// Creates a cluster with its pools (checked before anything is sent). With a
    /// [`tier`](CreateCluster::tier) the request goes to `/v4beta`.
    pub async fn create(&self, request: CreateCluster) -> Result<LkeCluster> {
        request.validate()?;
        let mut sent = CREATE_CLUSTER.with_body(&[], &request)?;
        if request.tier.is_some() {
            sent = sent.api_version(ApiVersion::V4Beta);
        }
        self.client.send(sent).await
    }

    /// Changes the fields set in `update` and returns the cluster as it is now.
    pub async fn update(&self, id: u64, update: &ClusterUpdate) -> Result<LkeCluster> {
        update.validate()?;
        self.client
            .send(UPDATE_CLUSTER.with_body(&[&id], update)?)
            .await
    }

    /// Deletes a cluster and its Linodes.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_CLUSTER.request(&[&id])).await
    }

    /// Replaces every node of the cluster by a new Linode.
    pub async fn recycle(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(RECYCLE_CLUSTER.request(&[&id]))
            .await
    }

    /// Makes a new kubeconfig and/or a new service token.
    pub async fn regenerate(
        &self,
        id: u64,
        kubeconfig: bool,
        servicetoken: bool,
    ) -> Result<LkeCluster> {
        let body = Regenerate {
            kubeconfig,
            servicetoken,
        };
        self.client
            .send(REGENERATE_CLUSTER.with_body(&[&id], &body)?)
            .await
    }

    /// Deletes the cluster's service token: a new one is made (and a new kubeconfig).
    pub async fn delete_service_token(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_SERVICE_TOKEN.request(&[&id]))
            .await
    }

    /// The addresses of the cluster's Kubernetes API.
    pub fn api_endpoints(&self, id: u64) -> ListRequest<ApiEndpoint> {
        ListRequest::new(self.client, LIST_API_ENDPOINTS.path(&[&id]))
    }

    /// The URL of the cluster's Kubernetes dashboard (deprecated by the API).
    pub async fn dashboard_url(&self, id: u64) -> Result<String> {
        let answer: Dashboard = self.client.send(GET_DASHBOARD.request(&[&id])).await?;
        Ok(answer.url)
    }

    /// The cluster's kubeconfig, decoded YAML. The API answers 503 until the cluster is
    /// ready: [`wait_for_kubeconfig`](Self::wait_for_kubeconfig) waits through that.
    pub async fn kubeconfig(&self, id: u64) -> Result<SecretString> {
        let answer: EncodedKubeconfig = self.client.send(GET_KUBECONFIG.request(&[&id])).await?;
        decode_kubeconfig(&answer.kubeconfig)
    }

    /// Deletes the kubeconfig: a new one (with a new token) is made.
    pub async fn delete_kubeconfig(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_KUBECONFIG.request(&[&id]))
            .await
    }

    /// Who may reach the control plane.
    pub async fn acl(&self, id: u64) -> Result<ControlPlaneAcl> {
        let answer: AclEnvelope = self.client.send(GET_ACL.request(&[&id])).await?;
        Ok(answer.acl)
    }

    /// Replaces the control plane's ACL and returns it as it is now.
    pub async fn update_acl(&self, id: u64, acl: &ControlPlaneAcl) -> Result<ControlPlaneAcl> {
        acl.validate("acl.")?;
        let body = AclEnvelope {
            acl: ControlPlaneAcl {
                revision_id: None,
                ..acl.clone()
            },
        };
        let answer: AclEnvelope = self
            .client
            .send(UPDATE_ACL.with_body(&[&id], &body)?)
            .await?;
        Ok(answer.acl)
    }

    /// Removes the control plane's ACL: anyone may connect.
    pub async fn delete_acl(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_ACL.request(&[&id])).await
    }

    /// The cluster's pools.
    pub fn pools(&self, cluster_id: u64) -> ListRequest<NodePool> {
        ListRequest::new(self.client, LIST_POOLS.path(&[&cluster_id]))
    }

    /// Loads one pool (`ChildId::new(cluster_id, pool_id)`).
    pub async fn pool(&self, id: ChildId) -> Result<NodePool> {
        self.client.load::<NodePool>(id).await
    }

    /// Adds a pool to the cluster.
    pub async fn create_pool(&self, cluster_id: u64, pool: &NewPool) -> Result<NodePool> {
        pool.validate("")?;
        self.client
            .send(CREATE_POOL.with_body(&[&cluster_id], pool)?)
            .await
    }

    /// Changes the fields set in `update` (scaling the pool when the count changes).
    pub async fn update_pool(&self, id: ChildId, update: &PoolUpdate) -> Result<NodePool> {
        update.validate()?;
        self.client
            .send(UPDATE_POOL.with_body(&[&id.parent, &id.id], update)?)
            .await
    }

    /// Deletes a pool and its Linodes; the API refuses the cluster's last pool.
    pub async fn delete_pool(&self, id: ChildId) -> Result<()> {
        self.client
            .send_empty(DELETE_POOL.request(&[&id.parent, &id.id]))
            .await
    }

    /// Replaces every node of the pool by a new Linode.
    pub async fn recycle_pool(&self, id: ChildId) -> Result<()> {
        self.client
            .send_empty(RECYCLE_POOL.request(&[&id.parent, &id.id]))
            .await
    }

    /// Loads one node of the cluster.
    pub async fn node(&self, cluster_id: u64, node_id: &str) -> Result<LkeNode> {
        self.client
            .send(GET_NODE.request(&[&cluster_id, &node_id]))
            .await
    }

    /// Deletes a node's Linode; its pool makes a replacement.
    pub async fn delete_node(&self, cluster_id: u64, node_id: &str) -> Result<()> {
        self.client
            .send_empty(DELETE_NODE.request(&[&cluster_id, &node_id]))
            .await
    }

    /// Replaces a node by a new Linode.
    pub async fn recycle_node(&self, cluster_id: u64, node_id: &str) -> Result<()> {
        self.client
            .send_empty(RECYCLE_NODE.request(&[&cluster_id, &node_id]))
            .await
    }

    /// The Kubernetes versions offered.
    pub fn versions(&self) -> ListRequest<LkeVersion> {
        ListRequest::new(self.client, LIST_VERSIONS.path(&[]))
    }

    /// One version, if offered (404 otherwise).
    pub async fn version(&self, version: &str) -> Result<LkeVersion> {
        self.client.send(GET_VERSION.request(&[&version])).await
    }

    /// The versions a tier offers.
    pub fn tier_versions(&self, tier: &LkeTier) -> ListRequest<LkeVersion> {
        ListRequest::new(self.client, LIST_TIER_VERSIONS.path(&[&tier.as_str()]))
    }

    /// One version of a tier, if offered (404 otherwise).
    pub async fn tier_version(&self, tier: &LkeTier, version: &str) -> Result<LkeVersion> {
        self.client
            .send(GET_TIER_VERSION.request(&[&tier.as_str(), &version]))
            .await
    }

    /// What a control plane costs (`lke-sa`, `lke-ha`, ...), by region.
    pub fn types(&self) -> ListRequest<PricedType> {
        ListRequest::new(self.client, LIST_LKE_TYPES.path(&[]))
    }

    /// Waits until the cluster's control plane is up.
    pub async fn wait_for_cluster_ready(
        &self,
        id: u64,
        wait: impl Into<Wait>,
    ) -> Result<LkeCluster> {
        let what = format!("LKE cluster {id} to be ready");
        self.client
            .wait_until(id, wait.into(), &what, LkeCluster::is_ready, |c| {
                format!("status {}", c.status)
            })
            .await
    }

    /// Waits until the pool has all its nodes and every one is ready.
    pub async fn wait_for_pool_ready(
        &self,
        id: ChildId,
        wait: impl Into<Wait>,
    ) -> Result<NodePool> {
        let what = format!("pool {} of LKE cluster {} to be ready", id.id, id.parent);
        self.client
            .wait_until(id, wait.into(), &what, NodePool::is_ready, |p| {
                let ready = p.nodes.iter().filter(|n| n.status == NodeStatus::Ready);
                format!("{} of {} nodes ready", ready.count(), p.count)
            })
            .await
    }

    /// Waits until the cluster's kubeconfig is available (the API answers 503 before), and
    /// returns it decoded.
    pub async fn wait_for_kubeconfig(
        &self,
        id: u64,
        wait: impl Into<Wait>,
    ) -> Result<SecretString> {
        let what = format!("the kubeconfig of LKE cluster {id}");
        wait.into()
            .poll(&what, || async {
                match self.kubeconfig(id).await {
                    Ok(yaml) => Ok(Probe::Ready(yaml)),
                    Err(e) if e.status() == Some(503) => Ok(Probe::Pending(e.to_string())),
                    Err(e) => Err(e),
                }
            })
            .await
    }
}

fn decode_kubeconfig(encoded: &str) -> Result<SecretString> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| Error::invalid("kubeconfig", "the API sent text that is not base64"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::invalid("kubeconfig", "the API sent a kubeconfig that is not UTF-8"))?;
    Ok(SecretString::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(result: Result<()>) -> String {
        match result {
            Err(Error::InvalidArgument { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn create_requests_carry_pools_and_control_plane() {
        let json = serde_json::to_value(
            CreateCluster::new("web", "us-east", "1.33")
                .pool(
                    NewPool::new("g6-standard-2", 3)
                        .autoscaler(Autoscaler::between(3, 5))
                        .label("app", "web")
                        .taint(Taint::new("k", "v", TaintEffect::NoExecute)),
                )
                .high_availability(true)
                .acl(ControlPlaneAcl::allowing([
                    "203.0.113.0/24",
                    "2001:db8::/32",
                ])),
        )
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "label": "web", "region": "us-east", "k8s_version": "1.33",
                "node_pools": [{
                    "type": "g6-standard-2", "count": 3,
                    "autoscaler": {"enabled": true, "min": 3, "max": 5},
                    "labels": {"app": "web"},
                    "taints": [{"key": "k", "value": "v", "effect": "NoExecute"}],
                }],
                "control_plane": {"high_availability": true, "acl": {
                    "enabled": true,
                    "addresses": {"ipv4": ["203.0.113.0/24"], "ipv6": ["2001:db8::/32"]},
                }},
            })
        );
    }

    #[test]
    fn bad_requests_are_refused_naming_the_field() {
        let ok =
            || CreateCluster::new("web", "us-east", "1.33").pool(NewPool::new("g6-standard-2", 1));
        assert_eq!(
            refused(CreateCluster::new("web", "us-east", "1.33").validate()),
            "node_pools"
        );
        assert_eq!(
            refused(CreateCluster::new("a_b", "us-east", "1.33").validate()),
            "label"
        );
        assert_eq!(
            refused(CreateCluster::new("x".repeat(33), "r", "1").validate()),
            "label"
        );
        assert_eq!(
            refused(ok().pool(NewPool::new("g6-standard-2", 0)).validate()),
            "node_pools[1].count"
        );
        assert_eq!(
            refused(
                ok().pool(NewPool::new("t", 1).autoscaler(Autoscaler::between(4, 2)))
                    .validate()
            ),
            "node_pools[1].autoscaler.max"
        );
        assert_eq!(
            refused(
                ok().acl(ControlPlaneAcl::allowing(["10.0.0.300"]))
                    .validate()
            ),
            "control_plane.acl.addresses.ipv4[0]"
        );
        assert_eq!(refused(PoolUpdate::count(101).validate()), "count");
        assert!(ok().validate().is_ok());
    }
}
