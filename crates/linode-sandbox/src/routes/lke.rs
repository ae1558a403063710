//! `/lke`: Kubernetes clusters, their node pools and nodes, versions and types.
//!
//! State rules kept like the API:
//! - a cluster has a unique label (1-32 letters, digits, `-`), a region offering `Kubernetes`
//!   (`Kubernetes Enterprise` for the `enterprise` tier), a `k8s_version` of its tier, and at
//!   least one node pool; `tier` is read only under `/v4beta` (under `/v4` every cluster is
//!   `standard`);
//! - its control plane is provisioned by `lke_cluster_create` ([`durations::LKE_CONTROL_PLANE`]):
//!   the cluster is `not_ready` and its kubeconfig answers 503 until then;
//! - every node is a real Linode (`lke_cluster_id` set, label `lke<cluster>-<pool>-<n>`),
//!   `not_ready` until that Linode is running (its own `linode_create`, `linode_boot`);
//! - a pool has 1-100 nodes; its autoscaler's `min` ≤ `max`, both 1-100; taints have a key, a
//!   value and an effect `NoSchedule`, `PreferNoSchedule` or `NoExecute`; a cluster's last
//!   pool cannot be deleted; its optional `label` is 1-32 lowercase letters, digits and dashes;
//!   its custom `disks` (at most 7, `raw` or `ext4`) and `disk_encryption` (default
//!   `disabled`, given to its nodes' Linodes) are chosen at creation; each node names its
//!   `pool_id`;
//! - `firewall_id`, a pool's own `k8s_version` and `update_strategy`, the control plane's
//!   `audit_logs_enabled` and `metrics_enabled` (write-only), `stack_type`, `vpc_id` and
//!   `subnet_id` are `enterprise` fields; `apl_enabled` needs high availability;
//! - the `status` of a cluster: 4.229.1 says the API always answers `ready`; the sandbox
//!   answers `not_ready` until the control plane is up, the time the kubeconfig answers 503;
//! - recycling (a node, a pool, the cluster) replaces each Linode by a new one; deleting a node,
//!   or its Linode through `/linode/instances`, makes the pool create a replacement;
//! - `k8s_version` only moves up, one minor version at a time; high availability can be turned
//!   on, never off (an `enterprise` cluster always has it);
//! - a new kubeconfig (DELETE, regenerate, service token deletion) changes its token;
//! - deleting the cluster deletes its Linodes.
//!
//! Error wording: 4.229.1 publishes no reason texts for these refusals, so the reasons are ours
//! (the fields they name follow the API): enterprise-only fields, labels, disks, VPCs,
//! firewalls, version steps, the kubeconfig's 503.

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::Json;
use axum::routing::{get, post};
use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::price_lists::PriceList;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response, list_table};
use crate::catalog::catalog;
use crate::error::ApiError;
use crate::lifecycle::{Action, Effect, Entity, durations};
use crate::store::{NewInstance, Store, now};

/// Fields `GET /lke/clusters` may filter and order on.
const CLUSTER_FILTERABLE: &[&str] = &["k8s_version", "label", "region", "tags", "tier"];
/// Fields a cluster's pools may be filtered and ordered on.
const POOL_FILTERABLE: &[&str] = &["id", "tags"];

/// The clusters, as served.
const CLUSTERS: &str = "lke_clusters";
/// The pools, as served, each with its cluster's id under [`CLUSTER_KEY`].
const POOLS: &str = "lke_pools";
/// Per cluster: its control-plane ACL and kubeconfig revision.
const EXTRAS: &str = "lke_cluster_extras";
/// The key of a stored pool naming its cluster (removed before serving).
const CLUSTER_KEY: &str = "_cluster_id";

/// First id handed out to a cluster.
pub const FIRST_CLUSTER_ID: u64 = 10_000;
/// First id handed out to a pool.
pub const FIRST_POOL_ID: u64 = 20_000;

/// The Kubernetes versions of the `standard` tier, newest first.
const STANDARD_VERSIONS: &[&str] = &["1.33", "1.32", "1.31"];
/// The versions of the `enterprise` tier, newest first.
const ENTERPRISE_VERSIONS: &[&str] = &["v1.32.4+lke6", "v1.31.8+lke5"];
const TIERS: &[&str] = &["standard", "enterprise"];
const TAINT_EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];
const UPDATE_STRATEGIES: &[&str] = &["rolling_update", "on_recycle"];
const STACK_TYPES: &[&str] = &["ipv4", "ipv4-ipv6"];
const DISK_TYPES: &[&str] = &["raw", "ext4"];
/// Most custom disks a pool's nodes may have.
const MAX_POOL_DISKS: usize = 7;
/// The refusal of a field only `enterprise` clusters take (our wording).
const ENTERPRISE_ONLY: &str = "Only available for LKE Enterprise clusters";
const MAX_NODES: u64 = 100;

/// `GET /lke/types`: what a control plane costs.
static TYPES: PriceList = PriceList::new(&[
    ("lke-sa", "LKE Standard Availability", 0.0, 0.0, 0),
    ("lke-ha", "LKE High Availability", 0.09, 60.0, 0),
    ("lke-e", "LKE Enterprise", 0.45, 300.0, 0),
]);

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/lke/clusters",
            list_table(CLUSTERS, CLUSTER_FILTERABLE).post(create_cluster),
        )
        .route(
            "/lke/clusters/{id}",
            get(get_cluster).put(update_cluster).delete(delete_cluster),
        )
        .route("/lke/clusters/{id}/api-endpoints", get(api_endpoints))
        .route("/lke/clusters/{id}/dashboard", get(dashboard))
        .route(
            "/lke/clusters/{id}/kubeconfig",
            get(get_kubeconfig).merge(renewal("lke_kubeconfig_regenerate")),
        )
        .route(
            "/lke/clusters/{id}/control_plane_acl",
            get(get_acl).put(put_acl).delete(delete_acl),
        )
        .route("/lke/clusters/{id}/recycle", post(recycle_cluster))
        .route("/lke/clusters/{id}/regenerate", post(regenerate))
        .route(
            "/lke/clusters/{id}/servicetoken",
            renewal("lke_token_rotate"),
        )
        .route(
            "/lke/clusters/{id}/pools",
            get(list_pools).post(create_pool),
        )
        .route(
            "/lke/clusters/{id}/pools/{pool}",
            get(get_pool).put(update_pool).delete(delete_pool),
        )
        .route(
            "/lke/clusters/{id}/pools/{pool}/recycle",
            post(recycle_pool),
        )
        .route(
            "/lke/clusters/{id}/nodes/{node}",
            get(get_node).delete(delete_node),
        )
        .route(
            "/lke/clusters/{id}/nodes/{node}/recycle",
            post(recycle_node),
        )
        .route("/lke/versions", get(list_versions))
        .route("/lke/versions/{version}", get(get_version))
        .route("/lke/tiers/{tier}/versions", get(list_tier_versions))
        .route(
            "/lke/tiers/{tier}/versions/{version}",
            get(get_tier_version),
        )
        .route(
            "/lke/types",
            get(|req: ListRequest| async move { TYPES.list(&req) }),
        )
}

fn cluster_entity(id: u64, label: &str) -> Entity {
    Entity::new("lkecluster", id, label, format!("/v4/lke/clusters/{id}"))
}

fn cluster(store: &Store, id: u64) -> Result<&Value, ApiError> {
    store
        .table(CLUSTERS)
        .get(id)
        .ok_or_else(ApiError::not_found)
}

fn entity_of(store: &Store, id: u64) -> Entity {
    let label = store
        .table(CLUSTERS)
        .get(id)
        .map_or("", |c| c["label"].as_str().unwrap_or(""));
    cluster_entity(id, label)
}

/// The cluster's pools, in id order, as stored.
fn pools_of(store: &Store, cluster_id: u64) -> Vec<u64> {
    store
        .table(POOLS)
        .values()
        .filter(|p| p[CLUSTER_KEY].as_u64() == Some(cluster_id))
        .filter_map(|p| p["id"].as_u64())
        .collect()
}

fn served_pool(pool: &Value) -> Value {
    let mut pool = pool.clone();
    if let Some(map) = pool.as_object_mut() {
        map.remove(CLUSTER_KEY);
    }
    pool
}

/// A pool of the cluster, or 404.
fn pool(store: &Store, cluster_id: u64, pool_id: u64) -> Result<&Value, ApiError> {
    cluster(store, cluster_id)?;
    store
        .table(POOLS)
        .get(pool_id)
        .filter(|p| p[CLUSTER_KEY].as_u64() == Some(cluster_id))
        .ok_or_else(ApiError::not_found)
}

fn nodes(pool: &Value) -> &[Value] {
    pool["nodes"].as_array().map_or(&[], Vec::as_slice)
}

/// The pool holding node `node_id` of the cluster, or 404.
fn pool_of_node(store: &Store, cluster_id: u64, node_id: &str) -> Result<u64, ApiError> {
    cluster(store, cluster_id)?;
    store
        .table(POOLS)
        .values()
        .find(|p| {
            p[CLUSTER_KEY].as_u64() == Some(cluster_id)
                && nodes(p).iter().any(|n| n["id"] == node_id)
        })
        .and_then(|p| p["id"].as_u64())
        .ok_or_else(ApiError::not_found)
}

fn is_v4beta(uri: &OriginalUri) -> bool {
    uri.0.path().starts_with("/v4beta/")
}

// ---- bodies ----------------------------------------------------------------------------

fn check_cluster_label(label: &str) -> Result<(), &'static str> {
    if !(1..=32).contains(&label.chars().count()) {
        return Err("Length must be 1-32 characters");
    }
    if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err("Must only use ASCII letters, numbers, and dashes");
    }
    Ok(())
}

fn versions(tier: &str) -> &'static [&'static str] {
    if tier == "enterprise" {
        ENTERPRISE_VERSIONS
    } else {
        STANDARD_VERSIONS
    }
}

/// `(major, minor)` of `1.32` or `v1.32.4+lke6`.
fn minor(version: &str) -> Option<(u64, u64)> {
    let mut parts = version.trim_start_matches('v').split(['.', '+']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// A pool's settings as a create (or, with `update`, an update) body gives them; `prefix` is
/// the field prefix (`node_pools[0].`).
struct PoolBody {
    type_id: Option<String>,
    count: Option<u64>,
    autoscaler: Option<Value>,
    tags: Option<Vec<String>>,
    labels: Option<Value>,
    taints: Option<Value>,
    label: Option<String>,
    disks: Option<Value>,
    disk_encryption: Option<String>,
    firewall_id: Option<u64>,
    k8s_version: Option<String>,
    update_strategy: Option<String>,
}

impl PoolBody {
    /// Refuses what only `enterprise` clusters take, or checks it against the tier's versions
    /// and the firewalls; `prefix` as in [`check_pool`].
    fn check_tier(&self, checks: &mut Checks, store: &Store, enterprise: bool, prefix: &str) {
        let given = [
            ("firewall_id", self.firewall_id.is_some()),
            ("k8s_version", self.k8s_version.is_some()),
            ("update_strategy", self.update_strategy.is_some()),
        ];
        if !enterprise {
            for (field, _) in given.iter().filter(|(_, given)| *given) {
                checks.add(&format!("{prefix}{field}"), ENTERPRISE_ONLY);
            }
            return;
        }
        if let Some(v) = &self.k8s_version
            && !ENTERPRISE_VERSIONS.contains(&v.as_str())
        {
            checks.add(
                &format!("{prefix}k8s_version"),
                format!("No enterprise version {v} is available"),
            );
        }
        if let Some(id) = self.firewall_id
            && store.table("firewalls").get(id).is_none()
        {
            checks.add(&format!("{prefix}firewall_id"), "Firewall not found");
        }
    }
}

fn check_pool(
    checks: &mut Checks,
    body: &Map<String, Value>,
    prefix: &str,
    create: bool,
) -> PoolBody {
    let mut local = Checks::default();
    let type_id = if create {
        local.required(body, "type")
    } else {
        None
    };
    if let Some(t) = &type_id
        && catalog().linode_type(t).is_none()
    {
        local.add("type", "Linode type not found");
    }
    let count = local.integer(body, "count", 1, MAX_NODES);
    if create && !body.contains_key("count") {
        local.require(body, "count");
    }
    let autoscaler = local.object(body, "autoscaler").map(|a| {
        let mut sub = Checks::default();
        let enabled = sub.boolean(a, "enabled").unwrap_or(false);
        let min = sub.integer(a, "min", 1, MAX_NODES).unwrap_or(1);
        let max = sub.integer(a, "max", 1, MAX_NODES).unwrap_or(min.max(1));
        if min > max {
            sub.add("max", "max must be greater than or equal to min");
        }
        for (field, reason) in sub.into_errors() {
            local.add(&format!("autoscaler.{field}"), reason);
        }
        json!({"enabled": enabled, "min": min, "max": max})
    });
    let tags = local.tags(body);
    let labels = local.object(body, "labels").map(|labels| {
        for (key, value) in labels {
            if key.is_empty() || key.len() > 253 {
                local.add(
                    &format!("labels.{key}"),
                    "Label keys must be 1-253 characters",
                );
            }
            if !value.is_string() {
                local.add(&format!("labels.{key}"), "Label values must be strings");
            }
        }
        Value::Object(labels.clone())
    });
    local.array(body, "taints");
    let taints = body.get("taints").and_then(Value::as_array).map(|taints| {
        for (i, taint) in taints.iter().enumerate() {
            let key = taint["key"].as_str().unwrap_or_default();
            if key.is_empty() {
                local.add(&format!("taints[{i}].key"), "key is required");
            }
            if !taint["value"].is_string() {
                local.add(&format!("taints[{i}].value"), "value must be a string");
            }
            if !TAINT_EFFECTS.iter().any(|e| taint["effect"] == *e) {
                local.add(
                    &format!("taints[{i}].effect"),
                    "Must be one of NoSchedule, PreferNoSchedule, NoExecute",
                );
            }
        }
        Value::Array(taints.clone())
    });
    let label = local.string(body, "label");
    if let Some(l) = &label
        && (!(1..=32).contains(&l.len())
            || !l
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || l.starts_with('-')
            || l.ends_with('-'))
    {
        local.add(
            "label",
            "Must be 1-32 lowercase letters, digits and dashes, starting and ending with a letter or digit",
        );
    }
    // The disk layout and the encryption are chosen once, at creation.
    let (disks, disk_encryption) = if create {
        local.array(body, "disks");
        let disks = body.get("disks").and_then(Value::as_array).map(|disks| {
            if disks.len() > MAX_POOL_DISKS {
                local.add("disks", format!("At most {MAX_POOL_DISKS} disks"));
            }
            for (i, disk) in disks.iter().enumerate() {
                if disk["size"].as_u64().is_none_or(|n| n == 0) {
                    local.add(
                        &format!("disks[{i}].size"),
                        "size must be a positive integer",
                    );
                }
                if !DISK_TYPES.iter().any(|t| disk["type"] == *t) {
                    local.add(&format!("disks[{i}].type"), "Must be one of raw, ext4");
                }
            }
            Value::Array(disks.clone())
        });
        (
            disks,
            local.one_of(body, "disk_encryption", &["enabled", "disabled"]),
        )
    } else {
        (None, None)
    };
    let firewall_id = local.unsigned(body, "firewall_id");
    let k8s_version = local.string(body, "k8s_version");
    let update_strategy = local.one_of(body, "update_strategy", UPDATE_STRATEGIES);
    for (field, reason) in local.into_errors() {
        checks.add(&format!("{prefix}{field}"), reason);
    }
    PoolBody {
        type_id,
        count,
        autoscaler,
        tags,
        labels,
        taints,
        label,
        disks,
        disk_encryption,
        firewall_id,
        k8s_version,
        update_strategy,
    }
}

/// A control-plane ACL as a body gives it (`acl` object), checked under `prefix`.
fn check_acl(checks: &mut Checks, acl: &Map<String, Value>, prefix: &str) -> Value {
    let enabled = acl.get("enabled").and_then(Value::as_bool).unwrap_or(true);
    if acl
        .get("enabled")
        .is_some_and(|e| !e.is_boolean() && !e.is_null())
    {
        checks.add(&format!("{prefix}enabled"), "enabled must be a boolean");
    }
    let mut addresses = json!({"ipv4": [], "ipv6": []});
    if let Some(given) = acl.get("addresses").and_then(Value::as_object) {
        for (family, v6) in [("ipv4", false), ("ipv6", true)] {
            let Some(list) = given.get(family).and_then(Value::as_array) else {
                continue;
            };
            for (i, address) in list.iter().enumerate() {
                let text = address.as_str().unwrap_or_default();
                // An address or a range, of the list's family.
                let ok = match (
                    text.parse::<ipnet::IpNet>(),
                    text.parse::<std::net::IpAddr>(),
                ) {
                    (Ok(net), _) => matches!(net, ipnet::IpNet::V6(_)) == v6,
                    (_, Ok(ip)) => ip.is_ipv6() == v6,
                    _ => false,
                };
                if !ok {
                    checks.add(
                        &format!("{prefix}addresses.{family}[{i}]"),
                        format!(
                            "Must be an {} address or range",
                            if v6 { "IPv6" } else { "IPv4" }
                        ),
                    );
                }
            }
            addresses[family] = Value::Array(list.clone());
        }
    }
    json!({"enabled": enabled, "addresses": addresses})
}

// ---- nodes -----------------------------------------------------------------------------

/// Creates one node of the pool: a Linode booting into the cluster, `not_ready` until it runs.
fn new_node(store: &mut Store, cluster_id: u64, pool_id: u64) -> Value {
    let region = store
        .table(CLUSTERS)
        .get(cluster_id)
        .map_or(String::new(), |c| {
            c["region"].as_str().unwrap_or_default().to_owned()
        });
    let Some(pool) = store.table(POOLS).get(pool_id) else {
        return Value::Null;
    };
    let type_id = pool["type"].as_str().unwrap_or_default().to_owned();
    let disk_encryption = pool["disk_encryption"]
        .as_str()
        .unwrap_or("disabled")
        .to_owned();
    let tags: Vec<String> = pool["tags"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let serial = store.next_id("lke_node", 1);
    let instance_id = store.create_instance(NewInstance {
        label: Some(format!("lke{cluster_id}-{pool_id}-{serial:08x}")),
        region,
        type_id,
        image: Some("linode/debian12".to_owned()),
        tags,
        booted: true,
        private_ip: true,
        disk_encryption,
        ..NewInstance::default()
    });
    store.ensure_parts(instance_id);
    if let Some(linode) = store.instances_mut().get_mut(instance_id) {
        linode["lke_cluster_id"] = Value::from(cluster_id);
        linode["status"] = Value::from("provisioning");
    }
    let node_id = format!("{cluster_id}-{pool_id:x}{serial:08x}");
    let label = store
        .entity_label("linode", instance_id)
        .unwrap_or_default();
    let entity = Entity::linode(instance_id, &label);
    let boot = Action::new("linode_boot", entity.clone())
        .lasting(durations::BOOT)
        .on_finish(Effect::instance_status(instance_id, "running"))
        .on_finish(Effect::rule(
            "lke.node_status",
            json!({"instance_id": instance_id, "status": "ready"}),
        ))
        .on_fail(Effect::instance_status(instance_id, "offline"));
    store.record(
        Action::new("linode_create", entity.clone())
            .lasting(durations::CREATE)
            .on_finish(Effect::IfExists {
                table: crate::store::names::INSTANCES.to_owned(),
                id: instance_id,
                then: vec![
                    Effect::instance_status(instance_id, "booting"),
                    Effect::Start(Box::new(boot)),
                ],
            })
            .on_fail(Effect::instance_status(instance_id, "offline")),
    );
    let cluster = entity_of(store, cluster_id);
    store.record(Action::new("lke_node_create", cluster).secondary(entity));
    // At speed 0 the Linode already runs (before the node was listed for its boot to mark).
    let running = store
        .instances()
        .get(instance_id)
        .is_some_and(|l| l["status"] == "running");
    let status = if running { "ready" } else { "not_ready" };
    json!({"id": node_id, "instance_id": instance_id, "pool_id": pool_id, "status": status})
}

/// The rule `lke.node_status`: the status of the node that Linode `instance_id` is.
pub(super) fn node_status_rule(store: &mut Store, args: &Value) {
    if let (Some(id), Some(status)) = (args["instance_id"].as_u64(), args["status"].as_str()) {
        set_node_status(store, id, status);
    }
}

fn set_node_status(store: &mut Store, instance_id: u64, status: &str) {
    for (_, pool) in store.table_mut(POOLS).iter_mut() {
        if let Some(nodes) = pool["nodes"].as_array_mut() {
            for node in nodes.iter_mut().filter(|n| n["instance_id"] == instance_id) {
                node["status"] = Value::from(status);
            }
        }
    }
}

/// Deletes a node's Linode, as deleting it through `/linode/instances` would.
fn remove_linode(store: &mut Store, instance_id: u64) {
    if let Some(deleted) = super::linode::remove_instance(store, instance_id) {
        let label = deleted["label"].as_str().unwrap_or_default();
        store.record(Action::new(
            "linode_delete",
            Entity::linode(instance_id, label),
        ));
    }
}

/// Makes the pool's node count `count`: new nodes at the end, removed ones from the end.
fn resize_pool(store: &mut Store, cluster_id: u64, pool_id: u64, count: u64) {
    let have = store
        .table(POOLS)
        .get(pool_id)
        .map_or(0, |p| nodes(p).len()) as u64;
    let mut added = Vec::new();
    for _ in have..count {
        added.push(new_node(store, cluster_id, pool_id));
    }
    let mut removed = Vec::new();
    if let Some(pool) = store.table_mut(POOLS).get_mut(pool_id) {
        if let Some(list) = pool["nodes"].as_array_mut() {
            list.extend(added);
            while list.len() as u64 > count {
                removed.extend(list.pop().and_then(|n| n["instance_id"].as_u64()));
            }
        }
        pool["count"] = Value::from(count);
    }
    for instance_id in removed {
        remove_linode(store, instance_id);
    }
}

/// Replaces node `node_id` of the pool by a new one (its Linode deleted, `deleted` when it
/// already is).
fn replace_node(store: &mut Store, cluster_id: u64, pool_id: u64, node_id: &str, deleted: bool) {
    let fresh = new_node(store, cluster_id, pool_id);
    let mut old = None;
    if let Some(list) = store
        .table_mut(POOLS)
        .get_mut(pool_id)
        .and_then(|p| p["nodes"].as_array_mut())
        && let Some(node) = list.iter_mut().find(|n| n["id"] == node_id)
    {
        old = node["instance_id"].as_u64();
        *node = fresh;
    }
    if let Some(instance_id) = old.filter(|_| !deleted) {
        remove_linode(store, instance_id);
    }
}

fn recycle_nodes(store: &mut Store, cluster_id: u64, pool_id: u64) {
    let ids: Vec<String> = store.table(POOLS).get(pool_id).map_or(Vec::new(), |p| {
        nodes(p)
            .iter()
            .filter_map(|n| n["id"].as_str().map(str::to_owned))
            .collect()
    });
    for node in ids {
        replace_node(store, cluster_id, pool_id, &node, false);
    }
}

/// Called when Linode `instance_id` was deleted through `/linode/instances`: when it was a
/// node, its pool makes a replacement.
pub(super) fn forget_linode(store: &mut Store, instance_id: u64) {
    let found = store.table(POOLS).values().find_map(|p| {
        let node = nodes(p).iter().find(|n| n["instance_id"] == instance_id)?;
        Some((
            p[CLUSTER_KEY].as_u64()?,
            p["id"].as_u64()?,
            node["id"].as_str()?.to_owned(),
        ))
    });
    if let Some((cluster_id, pool_id, node_id)) = found {
        replace_node(store, cluster_id, pool_id, &node_id, true);
    }
}

/// Creates a pool of the cluster with its nodes; returns its id.
fn add_pool(
    store: &mut Store,
    cluster_id: u64,
    body: PoolBody,
    enterprise: bool,
    version: &str,
) -> u64 {
    let id = store.next_id("lke_pool", FIRST_POOL_ID);
    let count = body.count.unwrap_or(1);
    let pool = json!({
        "id": id,
        CLUSTER_KEY: cluster_id,
        "type": body.type_id,
        "count": 0,
        "nodes": [],
        "disks": body.disks.unwrap_or(json!([])),
        "autoscaler": body.autoscaler.unwrap_or(json!({"enabled": false, "min": count, "max": count})),
        "tags": body.tags.unwrap_or_default(),
        "labels": body.labels.unwrap_or(json!({})),
        "taints": body.taints.unwrap_or(json!([])),
        "label": body.label,
        "disk_encryption": body.disk_encryption.unwrap_or_else(|| "disabled".to_owned()),
        "firewall_id": body.firewall_id,
        "k8s_version": if enterprise {
            Value::from(body.k8s_version.unwrap_or_else(|| version.to_owned()))
        } else {
            Value::Null
        },
        "update_strategy": if enterprise {
            Value::from(body.update_strategy.unwrap_or_else(|| "on_recycle".to_owned()))
        } else {
            Value::Null
        },
        "locks": [],
    });
    store.table_mut(POOLS).insert(id, pool);
    resize_pool(store, cluster_id, id, count);
    id
}

// ---- clusters --------------------------------------------------------------------------

/// The VPC of an `enterprise` cluster: the subnet given (its VPC found from it), the VPC given,
/// or none (the API then allocates one; the sandbox leaves both `null`).
fn cluster_network(
    checks: &mut Checks,
    store: &Store,
    body: &Map<String, Value>,
    vpc_id: Option<u64>,
    subnet_id: Option<u64>,
) -> (Option<u64>, Option<u64>) {
    let region = body.get("region").and_then(Value::as_str);
    let vpcs = store.table("vpcs");
    if let Some(subnet) = subnet_id {
        let owner = vpcs.values().find(|v| {
            v["subnets"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["id"] == subnet))
        });
        match owner {
            None => checks.add("subnet_id", "Subnet not found"),
            Some(vpc) if vpc_id.is_some_and(|id| vpc["id"] != id) => {
                checks.add("subnet_id", "The subnet is not in this VPC");
            }
            Some(vpc) => return (vpc["id"].as_u64(), Some(subnet)),
        }
    } else if let Some(id) = vpc_id {
        match vpcs.get(id) {
            None => checks.add("vpc_id", "VPC not found"),
            Some(vpc) if region.is_some_and(|r| vpc["region"] != r) => {
                checks.add("vpc_id", "The VPC must be in the cluster's region");
            }
            Some(_) => return (Some(id), None),
        }
    }
    (None, None)
}

async fn create_cluster(
    State(state): State<AppState>,
    uri: OriginalUri,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut checks = Checks::default();
    let tier = if is_v4beta(&uri) {
        checks.one_of(&body, "tier", TIERS)
    } else {
        None
    }
    .unwrap_or_else(|| "standard".to_owned());
    let enterprise = tier == "enterprise";
    if checks.require(&body, "label") {
        checks.unique_label(
            &body,
            store.table(CLUSTERS),
            None,
            check_cluster_label,
            "Label must be unique among your LKE clusters",
        );
    }
    let capability = if enterprise {
        "Kubernetes Enterprise"
    } else {
        "Kubernetes"
    };
    let region = checks.region_offering(
        &body,
        capability,
        "Kubernetes is not available in this region",
    );
    let version = checks.required(&body, "k8s_version");
    if let Some(v) = &version
        && !versions(&tier).contains(&v.as_str())
    {
        checks.add("k8s_version", format!("No {tier} version {v} is available"));
    }
    let tags = checks.tags(&body);
    let mut pools = Vec::new();
    match body.get("node_pools") {
        Some(Value::Array(list)) if !list.is_empty() => {
            for (i, p) in list.iter().enumerate() {
                match p.as_object() {
                    Some(p) => pools.push(check_pool(
                        &mut checks,
                        p,
                        &format!("node_pools[{i}]."),
                        true,
                    )),
                    None => checks.add(&format!("node_pools[{i}]"), "Must be an object"),
                }
            }
        }
        _ => checks.add("node_pools", "At least one node pool is required"),
    }
    for (i, pool) in pools.iter().enumerate() {
        pool.check_tier(
            &mut checks,
            &store,
            enterprise,
            &format!("node_pools[{i}]."),
        );
    }
    let mut high_availability = enterprise;
    let mut audit_logs = false;
    let mut acl = json!({"enabled": false, "addresses": {"ipv4": [], "ipv6": []}});
    if let Some(plane) = checks.object(&body, "control_plane") {
        let mut sub = Checks::default();
        high_availability |= sub.boolean(plane, "high_availability").unwrap_or(false);
        // Write-only: checked, never shown.
        let metrics = sub.boolean(plane, "metrics_enabled");
        audit_logs = sub.boolean(plane, "audit_logs_enabled").unwrap_or(false);
        if !enterprise {
            if metrics.is_some() {
                sub.add("metrics_enabled", ENTERPRISE_ONLY);
            }
            if plane
                .get("audit_logs_enabled")
                .is_some_and(|v| !v.is_null())
            {
                sub.add("audit_logs_enabled", ENTERPRISE_ONLY);
            }
        }
        if let Some(given) = sub.object(plane, "acl") {
            acl = check_acl(&mut sub, given, "acl.");
        }
        for (field, reason) in sub.into_errors() {
            checks.add(&format!("control_plane.{field}"), reason);
        }
    }
    let apl_enabled = checks.boolean(&body, "apl_enabled").unwrap_or(false);
    if apl_enabled && !high_availability {
        checks.add(
            "apl_enabled",
            "The App Platform needs control_plane.high_availability",
        );
    }
    let stack_type = checks.one_of(&body, "stack_type", STACK_TYPES);
    let vpc_id = checks.unsigned(&body, "vpc_id");
    let subnet_id = checks.unsigned(&body, "subnet_id");
    for (field, given) in [
        ("stack_type", stack_type.is_some()),
        ("vpc_id", vpc_id.is_some()),
        ("subnet_id", subnet_id.is_some()),
    ] {
        if given && !enterprise {
            checks.add(field, ENTERPRISE_ONLY);
        }
    }
    let (vpc_id, subnet_id) = cluster_network(&mut checks, &store, &body, vpc_id, subnet_id);
    let (region, version) =
        checks.finish((region.unwrap_or_default(), version.unwrap_or_default()))?;
    let label = body["label"].as_str().unwrap_or_default().to_owned();
    let id = store.next_id("lke_cluster", FIRST_CLUSTER_ID);
    let ts = now();
    store.table_mut(CLUSTERS).insert(
        id,
        json!({
            "id": id,
            "label": label,
            "region": region,
            "k8s_version": version,
            "tier": tier,
            "status": "not_ready",
            "tags": tags.unwrap_or_default(),
            "control_plane": {"high_availability": high_availability, "audit_logs_enabled": audit_logs},
            "apl_enabled": apl_enabled,
            "locks": [],
            "stack_type": stack_type.unwrap_or_else(|| "ipv4".to_owned()),
            "vpc_id": vpc_id,
            "subnet_id": subnet_id,
            "created": ts,
            "updated": ts,
        }),
    );
    store
        .table_mut(EXTRAS)
        .insert(id, json!({"acl": acl, "revision": 1}));
    store.record(
        Action::new("lke_cluster_create", cluster_entity(id, &label))
            .lasting(durations::LKE_CONTROL_PLANE)
            .on_finish(Effect::set(CLUSTERS, id, [("/status", json!("ready"))])),
    );
    for pool in pools {
        add_pool(&mut store, id, pool, enterprise, &version);
        let entity = entity_of(&store, id);
        store.record(Action::new("lke_pool_create", entity));
    }
    get_response(store.table(CLUSTERS).get(id))
}

async fn get_cluster(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().table(CLUSTERS).get(id))
}

async fn update_cluster(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let current = cluster(&store, id)?.clone();
    let mut checks = Checks::default();
    let label = checks.unique_label(
        &body,
        store.table(CLUSTERS),
        Some(id),
        check_cluster_label,
        "Label must be unique among your LKE clusters",
    );
    let tags = checks.tags(&body);
    let tier = current["tier"].as_str().unwrap_or("standard");
    let version = checks.string(&body, "k8s_version");
    if let Some(v) = &version {
        let from = minor(current["k8s_version"].as_str().unwrap_or_default());
        let to = minor(v);
        if !versions(tier).contains(&v.as_str()) {
            checks.add("k8s_version", format!("No {tier} version {v} is available"));
        } else if let (Some(from), Some(to)) = (from, to)
            && to != from
            && to != (from.0, from.1 + 1)
        {
            checks.add(
                "k8s_version",
                "Clusters can only be upgraded to the next minor version",
            );
        }
    }
    let mut high_availability = None;
    let mut audit_logs = None;
    let mut acl = None;
    if let Some(plane) = checks.object(&body, "control_plane") {
        let mut sub = Checks::default();
        high_availability = sub.boolean(plane, "high_availability");
        audit_logs = sub.boolean(plane, "audit_logs_enabled");
        let metrics = sub.boolean(plane, "metrics_enabled");
        if tier != "enterprise" {
            for (field, given) in [
                ("audit_logs_enabled", audit_logs.is_some()),
                ("metrics_enabled", metrics.is_some()),
            ] {
                if given {
                    sub.add(field, ENTERPRISE_ONLY);
                }
            }
        }
        if high_availability == Some(false) && current["control_plane"]["high_availability"] == true
        {
            sub.add("high_availability", "High availability cannot be disabled");
        }
        if let Some(given) = sub.object(plane, "acl") {
            acl = Some(check_acl(&mut sub, given, "acl."));
        }
        for (field, reason) in sub.into_errors() {
            checks.add(&format!("control_plane.{field}"), reason);
        }
    }
    checks.finish(())?;
    if let Some(acl) = acl {
        set_acl(&mut store, id, acl);
    }
    let item = store
        .table_mut(CLUSTERS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(label) = label {
        item["label"] = Value::from(label);
    }
    if let Some(tags) = tags {
        item["tags"] = Value::from(tags);
    }
    if let Some(version) = version {
        item["k8s_version"] = Value::from(version);
    }
    if let Some(ha) = high_availability {
        item["control_plane"]["high_availability"] = Value::from(ha);
    }
    if let Some(on) = audit_logs {
        item["control_plane"]["audit_logs_enabled"] = Value::from(on);
    }
    item["updated"] = Value::from(now());
    let answer = item.clone();
    let entity = entity_of(&store, id);
    store.record(Action::new("lke_cluster_update", entity));
    Ok(Json(answer))
}

async fn delete_cluster(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let entity = entity_of(&store, id);
    cluster(&store, id)?;
    for pool_id in pools_of(&store, id) {
        if let Some(pool) = store.table_mut(POOLS).remove(pool_id) {
            for node in nodes(&pool) {
                if let Some(instance_id) = node["instance_id"].as_u64() {
                    remove_linode(&mut store, instance_id);
                }
            }
        }
    }
    store.table_mut(CLUSTERS).remove(id);
    store.table_mut(EXTRAS).remove(id);
    store.record(Action::new("lke_cluster_delete", entity));
    Ok(Json(json!({})))
}

async fn api_endpoints(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let c = cluster(&store, id)?;
    let host = host_of(c);
    let endpoints: Vec<Value> = [
        format!("https://{host}:443"),
        format!("https://{host}:6443"),
    ]
    .into_iter()
    .map(|e| json!({"endpoint": e}))
    .collect();
    list_response(&endpoints, &[], &req)
}

/// The host name of the cluster's control plane.
fn host_of(cluster: &Value) -> String {
    let id = cluster["id"].as_u64().unwrap_or_default();
    let region = cluster["region"].as_str().unwrap_or_default();
    format!("{:016x}.{region}-1.linodelke.net", crate::store::mix(id))
}

async fn dashboard(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let host = host_of(cluster(&store, id)?);
    Ok(Json(json!({"url": format!("https://dashboard.{host}")})))
}

fn kubeconfig_yaml(cluster: &Value, revision: u64) -> String {
    let id = cluster["id"].as_u64().unwrap_or_default();
    let host = host_of(cluster);
    let token = format!(
        "{:016x}{:016x}",
        crate::store::mix(id ^ revision),
        crate::store::mix(revision)
    );
    format!(
        "apiVersion: v1\nkind: Config\npreferences: {{}}\nclusters:\n- cluster:\n    server: https://{host}:443\n  name: lke{id}\nusers:\n- name: lke{id}-admin\n  user:\n    token: {token}\ncontexts:\n- context:\n    cluster: lke{id}\n    namespace: default\n    user: lke{id}-admin\n  name: lke{id}-ctx\ncurrent-context: lke{id}-ctx\n"
    )
}

async fn get_kubeconfig(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let c = cluster(&store, id)?;
    if c["status"] != "ready" {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Cluster kubeconfig is not yet available. Please try again later.",
        ));
    }
    let revision = store
        .table(EXTRAS)
        .get(id)
        .and_then(|e| e["revision"].as_u64())
        .unwrap_or(1);
    let yaml = kubeconfig_yaml(c, revision);
    let encoded = base64::engine::general_purpose::STANDARD.encode(yaml);
    Ok(Json(json!({"kubeconfig": encoded})))
}

/// A new kubeconfig (and so a new token) for the cluster, with its event.
fn new_kubeconfig(store: &mut Store, id: u64, action: &str) {
    if let Some(extra) = store.table_mut(EXTRAS).get_mut(id) {
        extra["revision"] = Value::from(extra["revision"].as_u64().unwrap_or(1) + 1);
    }
    let entity = entity_of(store, id);
    store.record(Action::new(action, entity));
}

/// `DELETE` of the kubeconfig or of the service token: either way a new kubeconfig (with a
/// new token) is made, and an event named `action` written.
fn renewal(action: &'static str) -> axum::routing::MethodRouter<AppState> {
    axum::routing::delete(
        move |State(state): State<AppState>, ApiPath(id): ApiPath<u64>| async move {
            let mut store = state.store();
            cluster(&store, id)?;
            new_kubeconfig(&mut store, id, action);
            Ok::<_, ApiError>(Json(json!({})))
        },
    )
}

async fn regenerate(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    cluster(&store, id)?;
    let mut checks = Checks::default();
    let kubeconfig = checks.boolean(&body, "kubeconfig").unwrap_or(false);
    let token = checks.boolean(&body, "servicetoken").unwrap_or(false);
    checks.finish(())?;
    if kubeconfig || token {
        new_kubeconfig(&mut store, id, "lke_cluster_regenerate");
    }
    get_response(store.table(CLUSTERS).get(id))
}

async fn recycle_cluster(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    cluster(&store, id)?;
    let entity = entity_of(&store, id);
    store.record(Action::new("lke_cluster_recycle", entity));
    for pool_id in pools_of(&store, id) {
        recycle_nodes(&mut store, id, pool_id);
    }
    Ok(Json(json!({})))
}

// ---- control-plane ACL -----------------------------------------------------------------

fn set_acl(store: &mut Store, id: u64, acl: Value) {
    if let Some(extra) = store.table_mut(EXTRAS).get_mut(id) {
        extra["acl"] = acl;
    }
}

fn acl_answer(store: &Store, id: u64) -> Result<Json<Value>, ApiError> {
    cluster(store, id)?;
    let extra = store
        .table(EXTRAS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    let mut acl = extra["acl"].clone();
    acl["revision-id"] = Value::from(format!(
        "rev{}",
        extra["acl_revision"].as_u64().unwrap_or(1)
    ));
    Ok(Json(json!({"acl": acl})))
}

async fn get_acl(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    acl_answer(&state.store(), id)
}

async fn put_acl(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    cluster(&store, id)?;
    let mut checks = Checks::default();
    checks.require(&body, "acl");
    let acl = checks
        .object(&body, "acl")
        .map(|a| check_acl(&mut checks, a, "acl."));
    let acl = checks.finish(acl)?.unwrap_or(Value::Null);
    set_acl(&mut store, id, acl);
    bump_acl_revision(&mut store, id);
    acl_answer(&store, id)
}

fn bump_acl_revision(store: &mut Store, id: u64) {
    if let Some(extra) = store.table_mut(EXTRAS).get_mut(id) {
        extra["acl_revision"] = Value::from(extra["acl_revision"].as_u64().unwrap_or(1) + 1);
    }
}

async fn delete_acl(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    cluster(&store, id)?;
    set_acl(
        &mut store,
        id,
        json!({"enabled": false, "addresses": {"ipv4": [], "ipv6": []}}),
    );
    bump_acl_revision(&mut store, id);
    Ok(Json(json!({})))
}

// ---- pools and nodes -------------------------------------------------------------------

async fn list_pools(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    cluster(&store, id)?;
    let pools: Vec<Value> = pools_of(&store, id)
        .into_iter()
        .filter_map(|p| store.table(POOLS).get(p).map(served_pool))
        .collect();
    list_response(&pools, POOL_FILTERABLE, &req)
}

async fn create_pool(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let c = cluster(&store, id)?.clone();
    let mut checks = Checks::default();
    let pool = check_pool(&mut checks, &body, "", true);
    let enterprise = c["tier"] == "enterprise";
    pool.check_tier(&mut checks, &store, enterprise, "");
    let pool = checks.finish(pool)?;
    let pool_id = add_pool(
        &mut store,
        id,
        pool,
        enterprise,
        c["k8s_version"].as_str().unwrap_or_default(),
    );
    let entity = entity_of(&store, id);
    store.record(Action::new("lke_pool_create", entity));
    Ok(Json(served_pool(
        store
            .table(POOLS)
            .get(pool_id)
            .ok_or_else(ApiError::not_found)?,
    )))
}

async fn get_pool(
    State(state): State<AppState>,
    ApiPath((id, pool_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(served_pool(pool(&state.store(), id, pool_id)?)))
}

async fn update_pool(
    State(state): State<AppState>,
    ApiPath((id, pool_id)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    pool(&store, id, pool_id)?;
    let enterprise = cluster(&store, id)?["tier"] == "enterprise";
    let mut checks = Checks::default();
    let update = check_pool(&mut checks, &body, "", false);
    update.check_tier(&mut checks, &store, enterprise, "");
    let update = checks.finish(update)?;
    if let Some(p) = store.table_mut(POOLS).get_mut(pool_id) {
        for (key, value) in [
            ("autoscaler", update.autoscaler),
            ("labels", update.labels),
            ("taints", update.taints),
            ("tags", update.tags.map(Value::from)),
            ("label", update.label.map(Value::from)),
            ("firewall_id", update.firewall_id.map(Value::from)),
            ("k8s_version", update.k8s_version.map(Value::from)),
            ("update_strategy", update.update_strategy.map(Value::from)),
        ] {
            if let Some(value) = value {
                p[key] = value;
            }
        }
    }
    if let Some(count) = update.count {
        resize_pool(&mut store, id, pool_id, count);
    }
    let entity = entity_of(&store, id);
    store.record(Action::new("lke_cluster_update", entity));
    Ok(Json(served_pool(pool(&store, id, pool_id)?)))
}

async fn delete_pool(
    State(state): State<AppState>,
    ApiPath((id, pool_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    pool(&store, id, pool_id)?;
    if pools_of(&store, id).len() == 1 {
        return Err(ApiError::bad_request(
            "A cluster must have at least one node pool",
        ));
    }
    resize_pool(&mut store, id, pool_id, 0);
    store.table_mut(POOLS).remove(pool_id);
    let entity = entity_of(&store, id);
    store.record(Action::new("lke_pool_delete", entity));
    Ok(Json(json!({})))
}

async fn recycle_pool(
    State(state): State<AppState>,
    ApiPath((id, pool_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    pool(&store, id, pool_id)?;
    let entity = entity_of(&store, id);
    store.record(Action::new("lke_pool_recycle", entity));
    recycle_nodes(&mut store, id, pool_id);
    Ok(Json(json!({})))
}

async fn get_node(
    State(state): State<AppState>,
    ApiPath((id, node)): ApiPath<(u64, String)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let pool_id = pool_of_node(&store, id, &node)?;
    let pool = store
        .table(POOLS)
        .get(pool_id)
        .ok_or_else(ApiError::not_found)?;
    get_response(nodes(pool).iter().find(|n| n["id"] == node.as_str()))
}

async fn delete_node(
    State(state): State<AppState>,
    ApiPath((id, node)): ApiPath<(u64, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let pool_id = pool_of_node(&store, id, &node)?;
    let entity = entity_of(&store, id);
    store.record(Action::new("lke_node_delete", entity));
    replace_node(&mut store, id, pool_id, &node, false);
    Ok(Json(json!({})))
}

async fn recycle_node(
    State(state): State<AppState>,
    ApiPath((id, node)): ApiPath<(u64, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let pool_id = pool_of_node(&store, id, &node)?;
    let entity = entity_of(&store, id);
    store.record(Action::new("lke_node_recycle", entity));
    replace_node(&mut store, id, pool_id, &node, false);
    Ok(Json(json!({})))
}

// ---- versions --------------------------------------------------------------------------

fn version_list(tier: Option<&str>) -> Vec<Value> {
    versions(tier.unwrap_or("standard"))
        .iter()
        .map(|v| match tier {
            Some(tier) => json!({"id": v, "tier": tier}),
            None => json!({"id": v}),
        })
        .collect()
}

fn known_tier(tier: &str) -> Result<&str, ApiError> {
    TIERS
        .iter()
        .copied()
        .find(|t| *t == tier)
        .ok_or_else(|| ApiError::field("tier", "Must be one of standard, enterprise"))
}

async fn list_versions(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&version_list(None), &[], &req)
}

async fn get_version(ApiPath(version): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    get_response(
        version_list(None)
            .iter()
            .find(|v| v["id"] == version.as_str()),
    )
}

async fn list_tier_versions(
    ApiPath(tier): ApiPath<String>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    list_response(&version_list(Some(known_tier(&tier)?)), &[], &req)
}

async fn get_tier_version(
    ApiPath((tier, version)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    get_response(
        version_list(Some(known_tier(&tier)?))
            .iter()
            .find(|v| v["id"] == version.as_str()),
    )
}
