//! `/nodebalancers`, their configs (one per port) and the configs' nodes (backends).
//!
//! A config's port is unique on its NodeBalancer; `https` needs a certificate and key; a
//! node's address is the private IPv4 address (and a port) of a Linode in the NodeBalancer's
//! region. Deleting a NodeBalancer deletes its configs and nodes, deleting a config its nodes.
//!
//! Rebuilding a config replaces it and its nodes in one request: the config's settings start
//! again from the defaults (keeping its port unless one is given), listed nodes with an `id`
//! are updated, listed nodes without one are created, and the config's other nodes are
//! deleted; nothing changes unless the whole request is valid.
//!
//! A NodeBalancer created with `vpcs` (each a `subnet_id` of a VPC subnet in its region, and
//! optionally an `ipv4_range`) keeps one VPC config per entry (`/nodebalancers/{id}/vpcs`);
//! one created without has none. Its statistics are a synthetic, deterministic day of
//! 5-minute points derived from its id.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::checks::{Checks, is_private_v4};
use super::price_lists::PriceList;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::catalog::catalog;
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::{Store, Table, now};

/// Fields `GET /nodebalancers` may filter and order on.
const NODEBALANCER_FILTERABLE: &[&str] = &["ipv4", "label", "locks", "region", "tags"];

/// First id handed out to a NodeBalancer.
pub const FIRST_NODEBALANCER_ID: u64 = 10_000;
/// First id handed out to a NodeBalancer config.
pub const FIRST_CONFIG_ID: u64 = 20_000;
/// First id handed out to a NodeBalancer node.
pub const FIRST_NODE_ID: u64 = 30_000;

/// First id handed out to a NodeBalancer's VPC config.
pub const FIRST_VPC_CONFIG_ID: u64 = 40_000;

/// The collection of NodeBalancer VPC configs.
const VPC_CONFIGS: &str = "nodebalancer_vpcs";

/// What the API shows in place of a stored certificate or key.
const REDACTED: &str = "<REDACTED>";

/// The NodeBalancer price list.
static NODEBALANCER_TYPES: PriceList =
    PriceList::new(&[("nodebalancer", "NodeBalancer", 0.015, 10.0, 0)]);

/// Statistics: one point every 5 minutes over a day.
const STAT_STEP_MS: u64 = 300_000;
/// The number of points of each statistics series.
pub const STAT_POINTS: u64 = 288;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/nodebalancers",
            get(list_nodebalancers).post(create_nodebalancer),
        )
        .route("/nodebalancers/types", get(list_types))
        .route("/nodebalancers/{id}/stats", get(get_stats))
        .route("/nodebalancers/{id}/vpcs", get(list_vpc_configs))
        .route(
            "/nodebalancers/{id}/vpcs/{vpc_config_id}",
            get(get_vpc_config),
        )
        .route(
            "/nodebalancers/{id}/configs/{config_id}/rebuild",
            post(rebuild_config),
        )
        .route(
            "/nodebalancers/{id}",
            get(get_nodebalancer)
                .put(update_nodebalancer)
                .delete(delete_nodebalancer),
        )
        .route(
            "/nodebalancers/{id}/configs",
            get(list_configs).post(create_config),
        )
        .route(
            "/nodebalancers/{id}/configs/{config_id}",
            get(get_config).put(update_config).delete(delete_config),
        )
        .route(
            "/nodebalancers/{id}/configs/{config_id}/nodes",
            get(list_nodes).post(create_node),
        )
        .route(
            "/nodebalancers/{id}/configs/{config_id}/nodes/{node_id}",
            get(get_node).put(update_node).delete(delete_node),
        )
}

fn nb_entity(id: u64, nb: &Value) -> Entity {
    let label = nb["label"].as_str().unwrap_or_default();
    Entity::new("nodebalancer", id, label, format!("/v4/nodebalancers/{id}"))
}

/// A NodeBalancer's event entity and region, or 404: what its configs' and nodes' handlers
/// need of it.
fn parent(store: &Store, id: u64) -> Result<(Entity, String), ApiError> {
    let nb = store
        .nodebalancers()
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    let region = nb["region"].as_str().unwrap_or_default().to_owned();
    Ok((nb_entity(id, nb), region))
}

fn config_entity(nb_id: u64, config: &Value) -> Entity {
    let id = config["id"].as_u64().unwrap_or_default();
    let port = config["port"].as_u64().unwrap_or_default().to_string();
    Entity::new(
        "nodebalancer_config",
        id,
        &port,
        format!("/v4/nodebalancers/{nb_id}/configs/{id}"),
    )
}

fn node_entity(nb_id: u64, config_id: u64, node: &Value) -> Entity {
    let id = node["id"].as_u64().unwrap_or_default();
    let label = node["label"].as_str().unwrap_or_default();
    Entity::new(
        "nodebalancer_node",
        id,
        label,
        format!("/v4/nodebalancers/{nb_id}/configs/{config_id}/nodes/{id}"),
    )
}

/// Checks a NodeBalancer label: 3-32 letters, digits, `-` and `_`.
fn valid_nb_label(label: &str) -> bool {
    (3..=32).contains(&label.len())
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Checks a node label: 3-32 letters, digits, `-`, `_` and `.`.
fn valid_node_label(label: &str) -> bool {
    (3..=32).contains(&label.len())
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Applies the mutable NodeBalancer fields of `body` to `nb`.
fn apply_nodebalancer(
    checks: &mut Checks,
    body: &Map<String, Value>,
    nb: &mut Value,
    store: &Store,
    own: Option<u64>,
) {
    if let Some(label) = checks.string(body, "label") {
        if !valid_nb_label(&label) {
            checks.add(
                "label",
                "Must be 3-32 characters of letters, numbers, dashes and underscores",
            );
        } else if store
            .nodebalancers()
            .values()
            .any(|n| n["label"] == label.as_str() && n["id"].as_u64() != own)
        {
            checks.add("label", "Label must be unique among your NodeBalancers");
        } else {
            nb["label"] = Value::from(label);
        }
    }
    if let Some(throttle) = checks.integer(body, "client_conn_throttle", 0, 20) {
        nb["client_conn_throttle"] = Value::from(throttle);
    }
    if let Some(tags) = checks.tags(body) {
        nb["tags"] = Value::from(tags);
    }
}

async fn list_nodebalancers(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(
        store.nodebalancers().values(),
        NODEBALANCER_FILTERABLE,
        &req,
    )
}

async fn get_nodebalancer(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().nodebalancers().get(id))
}

async fn create_nodebalancer(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut checks = Checks::default();
    let region = if checks.require(&body, "region") {
        checks.string(&body, "region")
    } else {
        None
    };
    if region
        .as_deref()
        .is_some_and(|r| catalog().region(r).is_none())
    {
        checks.add("region", "Region not found");
    }
    let ts = now();
    let mut nb = json!({
        "id": 0,
        "label": null,
        "region": region.clone().unwrap_or_default(),
        "hostname": "",
        "ipv4": "",
        "ipv6": null,
        "created": ts,
        "updated": ts,
        "client_conn_throttle": 0,
        "client_udp_sess_throttle": 0,
        "transfer": {"total": 0.0, "out": 0.0, "in": 0.0},
        "tags": [],
        "type": "common",
        "frontend_address_type": "public",
        "frontend_vpc_subnet_id": null,
        "lke_cluster": null,
        "locks": [],
    });
    apply_nodebalancer(&mut checks, &body, &mut nb, &store, None);
    let vpcs = read_vpcs(
        &mut checks,
        &body,
        &store,
        region.as_deref().unwrap_or_default(),
    );
    checks.finish(())?;
    let configs = read_new_configs(&body, &store, region.as_deref().unwrap_or_default())?;
    let firewall = super::firewalls::firewall_for_new(&store, "nodebalancer", &body)?;
    let id = store.next_id("nodebalancer", FIRST_NODEBALANCER_ID);
    let ipv4 = store.alloc_public_ipv4();
    let ipv6 = store.alloc_ipv6();
    nb["id"] = Value::from(id);
    if nb["label"].is_null() {
        nb["label"] = Value::from(format!("nodebalancer{id}"));
    }
    nb["hostname"] = Value::from(format!("{ipv4}.ip.linodeusercontent.com"));
    nb["ipv4"] = Value::from(ipv4);
    nb["ipv6"] = Value::from(ipv6.trim_end_matches("/128"));
    store.record(Action::new("nodebalancer_create", nb_entity(id, &nb)));
    store.nodebalancers_mut().insert(id, nb.clone());
    super::firewalls::attach_new(&mut store, "nodebalancer", id, firewall);
    for (mut config, nodes) in configs {
        let config_id = store.next_id("nodebalancer_config", FIRST_CONFIG_ID);
        config["id"] = Value::from(config_id);
        config["nodebalancer_id"] = Value::from(id);
        store.nodebalancer_configs_mut().insert(config_id, config);
        for mut node in nodes {
            let node_id = store.next_id("nodebalancer_node", FIRST_NODE_ID);
            node["id"] = Value::from(node_id);
            node["config_id"] = Value::from(config_id);
            node["nodebalancer_id"] = Value::from(id);
            store.nodebalancer_nodes_mut().insert(node_id, node);
        }
        refresh_nodes_status(&mut store, config_id);
    }
    for mut vpc in vpcs {
        let vpc_config_id = store.next_id("nodebalancer_vpc", FIRST_VPC_CONFIG_ID);
        vpc["id"] = Value::from(vpc_config_id);
        vpc["nodebalancer_id"] = Value::from(id);
        if vpc["ipv4_range"].is_null() {
            let n = vpc_config_id - FIRST_VPC_CONFIG_ID;
            vpc["ipv4_range"] = Value::from(format!("10.100.{}.{}/30", n / 64, n % 64 * 4));
        }
        store.table_mut(VPC_CONFIGS).insert(vpc_config_id, vpc);
    }
    Ok(Json(nb))
}

async fn update_nodebalancer(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut nb = store
        .nodebalancers()
        .get(id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let mut checks = Checks::default();
    apply_nodebalancer(&mut checks, &body, &mut nb, &store, Some(id));
    checks.finish(())?;
    nb["updated"] = Value::from(now());
    store.record(Action::new("nodebalancer_update", nb_entity(id, &nb)));
    store.nodebalancers_mut().insert(id, nb.clone());
    Ok(Json(nb))
}

async fn delete_nodebalancer(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    super::locks::refuse_locked(&store, "nodebalancer", id)?;
    let nb = store
        .nodebalancers_mut()
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    let belongs = |v: &Value| v["nodebalancer_id"].as_u64() == Some(id);
    let configs: Vec<u64> = ids_where(store.nodebalancer_configs(), belongs);
    let nodes: Vec<u64> = ids_where(store.nodebalancer_nodes(), belongs);
    for config in configs {
        store.nodebalancer_configs_mut().remove(config);
    }
    for node in nodes {
        store.nodebalancer_nodes_mut().remove(node);
    }
    let vpcs = ids_where(store.table(VPC_CONFIGS), belongs);
    for vpc in vpcs {
        store.table_mut(VPC_CONFIGS).remove(vpc);
    }
    super::firewalls::forget_entity(&mut store, "nodebalancer", id);
    store.record(Action::new("nodebalancer_delete", nb_entity(id, &nb)));
    Ok(Json(json!({})))
}

fn ids_where(table: &Table, keep: impl Fn(&Value) -> bool) -> Vec<u64> {
    table
        .values()
        .filter(|v| keep(v))
        .filter_map(|v| v["id"].as_u64())
        .collect()
}

/// The config `config_id` of NodeBalancer `nb_id`, or 404.
fn find_config(store: &Store, nb_id: u64, config_id: u64) -> Result<&Value, ApiError> {
    store
        .nodebalancer_configs()
        .get(config_id)
        .filter(|c| c["nodebalancer_id"].as_u64() == Some(nb_id))
        .ok_or_else(ApiError::not_found)
}

/// A short, stable fingerprint of a certificate, formatted like a SHA-1 one.
fn fingerprint(cert: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut bytes = Vec::with_capacity(20);
    for round in 0..20u8 {
        for b in cert.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        bytes.push(format!("{:02X}", (h >> 24) as u8));
    }
    bytes.join(":")
}

/// A new config of NodeBalancer `nb_id` with the API's defaults.
fn default_config(nb_id: u64) -> Value {
    json!({
        "id": null,
        "port": 80,
        "protocol": "http",
        "algorithm": "roundrobin",
        "stickiness": "none",
        "check": "none",
        "check_interval": 31,
        "check_timeout": 30,
        "check_attempts": 3,
        "check_path": "",
        "check_body": "",
        "check_passive": true,
        "proxy_protocol": "none",
        "cipher_suite": "recommended",
        "nodebalancer_id": nb_id,
        "ssl_commonname": "",
        "ssl_fingerprint": "",
        "ssl_cert": null,
        "ssl_key": null,
        "nodes_status": {"up": 0, "down": 0},
        "udp_check_port": 80,
        "udp_session_timeout": 16,
    })
}

/// A new node of config `config_id` with the API's defaults.
fn default_node(nb_id: u64, config_id: Option<u64>) -> Value {
    json!({
        "id": null,
        "address": "",
        "label": "",
        "status": "unknown",
        "weight": 100,
        "mode": "accept",
        "config_id": config_id,
        "nodebalancer_id": nb_id,
        "vpc_config_id": null,
    })
}

/// Prefixes the fields of `err` with `prefix` (`configs[0].` ...).
fn nested(err: ApiError, prefix: &str) -> Vec<(String, String)> {
    err.errors
        .into_iter()
        .map(|e| {
            let field = match e.field {
                Some(f) => format!("{prefix}.{f}"),
                None => prefix.to_owned(),
            };
            (field, e.reason)
        })
        .collect()
}

/// Checks the `configs` of a NodeBalancer create request (each with its `nodes`), against
/// each other and the Linodes of `region`: the configs and nodes to store.
fn read_new_configs(
    body: &Map<String, Value>,
    store: &Store,
    region: &str,
) -> Result<Vec<(Value, Vec<Value>)>, ApiError> {
    let items = match body.get("configs") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ApiError::field("configs", "configs must be an array")),
    };
    let mut errors = Vec::new();
    let mut configs = Vec::new();
    let mut ports = std::collections::HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("configs[{i}]");
        let Value::Object(fields) = item else {
            errors.push((prefix, "Each config must be an object".to_owned()));
            continue;
        };
        let mut fields = fields.clone();
        let nodes = fields.remove("nodes");
        fields.entry("port").or_insert(Value::from(80));
        let mut config = default_config(0);
        if let Err(err) = apply_config(&fields, &mut config, store, 0) {
            errors.extend(nested(err, &prefix));
            continue;
        }
        if !ports.insert(config["port"].as_u64()) {
            errors.push((format!("{prefix}.port"), "Ports must be unique".to_owned()));
        }
        let mut new_nodes = Vec::new();
        let mut addresses = std::collections::HashSet::new();
        let node_items = match nodes {
            Some(Value::Array(items)) if !items.is_empty() => items,
            _ => {
                errors.push((
                    format!("{prefix}.nodes"),
                    "Each config needs at least one node".to_owned(),
                ));
                continue;
            }
        };
        for (j, node_item) in node_items.iter().enumerate() {
            let node_prefix = format!("{prefix}.nodes[{j}]");
            let Value::Object(node_fields) = node_item else {
                errors.push((node_prefix, "Each node must be an object".to_owned()));
                continue;
            };
            let mut checks = Checks::default();
            checks.require(node_fields, "address");
            checks.require(node_fields, "label");
            let mut node = default_node(0, None);
            let result = checks
                .finish(())
                .and_then(|()| apply_node(node_fields, &mut node, store, region));
            match result {
                Err(err) => errors.extend(nested(err, &node_prefix)),
                Ok(()) if !addresses.insert(node["address"].to_string()) => errors.push((
                    format!("{node_prefix}.address"),
                    "This address is already a node of this config".to_owned(),
                )),
                Ok(()) => new_nodes.push(node),
            }
        }
        configs.push((config, new_nodes));
    }
    if errors.is_empty() {
        Ok(configs)
    } else {
        Err(ApiError::fields(errors))
    }
}

/// Applies the config fields found in `body` to `config` (a new config's defaults, or the
/// stored one), then checks the result as a whole. The certificate and key are returned
/// apart: responses only ever show them redacted.
fn apply_config(
    body: &Map<String, Value>,
    config: &mut Value,
    store: &Store,
    nb_id: u64,
) -> Result<(), ApiError> {
    let mut checks = Checks::default();
    let own = config["id"].as_u64();
    if let Some(port) = checks.integer(body, "port", 1, 65535) {
        let taken = store.nodebalancer_configs().values().any(|c| {
            c["nodebalancer_id"].as_u64() == Some(nb_id)
                && c["port"].as_u64() == Some(port)
                && c["id"].as_u64() != own
        });
        if taken {
            checks.add(
                "port",
                format!("Port {port} is already configured on this NodeBalancer"),
            );
        } else {
            config["port"] = Value::from(port);
        }
    }
    let choices: [(&str, &[&str]); 6] = [
        ("protocol", &["http", "https", "tcp"]),
        ("algorithm", &["roundrobin", "leastconn", "source"]),
        ("stickiness", &["none", "table", "http_cookie"]),
        ("check", &["none", "connection", "http", "http_body"]),
        ("proxy_protocol", &["none", "v1", "v2"]),
        ("cipher_suite", &["recommended", "legacy"]),
    ];
    for (key, allowed) in choices {
        if let Some(value) = checks.one_of(body, key, allowed) {
            config[key] = Value::from(value);
        }
    }
    for (key, min, max) in [
        ("check_interval", 2, 3600),
        ("check_timeout", 1, 30),
        ("check_attempts", 1, 30),
    ] {
        if let Some(n) = checks.integer(body, key, min, max) {
            config[key] = Value::from(n);
        }
    }
    if let Some(path) = checks.string(body, "check_path") {
        let ok = path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-%?&=.".contains(c));
        if ok {
            config["check_path"] = Value::from(path);
        } else {
            checks.add("check_path", "Must be a valid URL path");
        }
    }
    if let Some(text) = checks.string(body, "check_body") {
        config["check_body"] = Value::from(text);
    }
    if let Some(passive) = checks.boolean(body, "check_passive") {
        config["check_passive"] = Value::from(passive);
    }
    let cert = checks.string(body, "ssl_cert");
    let key = checks.string(body, "ssl_key");
    if let Some(cert) = &cert {
        if !cert.contains("-----BEGIN CERTIFICATE-----") {
            checks.add("ssl_cert", "Must be a PEM-encoded certificate");
        }
    }
    if let Some(key) = &key {
        if !(key.contains("-----BEGIN") && key.contains("PRIVATE KEY-----")) {
            checks.add("ssl_key", "Must be a PEM-encoded private key");
        }
    }
    if !checks.ok() {
        return checks.finish(());
    }
    let protocol = config["protocol"].as_str().unwrap_or("http").to_owned();
    if protocol == "https" {
        if let Some(cert) = &cert {
            config["ssl_cert"] = Value::from(REDACTED);
            config["ssl_commonname"] = Value::from("sandbox.example.com");
            config["ssl_fingerprint"] = Value::from(fingerprint(cert));
        }
        if key.is_some() {
            config["ssl_key"] = Value::from(REDACTED);
        }
        for field in ["ssl_cert", "ssl_key"] {
            if config[field].is_null() {
                checks.add(field, format!("{field} is required for https"));
            }
        }
    } else {
        for (field, given) in [("ssl_cert", cert.is_some()), ("ssl_key", key.is_some())] {
            if given {
                checks.add(field, format!("{field} is only allowed with https"));
            }
        }
        config["ssl_cert"] = Value::Null;
        config["ssl_key"] = Value::Null;
        config["ssl_commonname"] = Value::from("");
        config["ssl_fingerprint"] = Value::from("");
    }
    if protocol == "tcp" && config["stickiness"] == "http_cookie" {
        checks.add("stickiness", "http_cookie stickiness needs http or https");
    }
    if protocol != "tcp" && config["proxy_protocol"] != "none" {
        checks.add("proxy_protocol", "Proxy protocol needs the tcp protocol");
    }
    let interval = config["check_interval"].as_u64().unwrap_or_default();
    let timeout = config["check_timeout"].as_u64().unwrap_or_default();
    if interval <= timeout {
        checks.add(
            "check_interval",
            "check_interval must be greater than check_timeout",
        );
    }
    checks.finish(())
}

/// The items of `table` that belong to NodeBalancer `id`; 404 when there is no such
/// NodeBalancer.
fn children<'a>(
    store: &Store,
    table: &'a Table,
    id: u64,
) -> Result<impl Iterator<Item = &'a Value>, ApiError> {
    store
        .nodebalancers()
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    Ok(table
        .values()
        .filter(move |v| v["nodebalancer_id"].as_u64() == Some(id)))
}

async fn list_configs(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(
        children(&store, store.nodebalancer_configs(), id)?,
        &[],
        &req,
    )
}

async fn get_config(
    State(state): State<AppState>,
    ApiPath((id, config_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    find_config(&store, id, config_id).map(|c| Json(c.clone()))
}

async fn create_config(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (entity, _) = parent(&store, id)?;
    let mut config = default_config(id);
    if body.get("port").is_none_or(Value::is_null) {
        // The default port must be free too.
        let mut with_port = body.clone();
        with_port.insert("port".into(), Value::from(80));
        apply_config(&with_port, &mut config, &store, id)?;
    } else {
        apply_config(&body, &mut config, &store, id)?;
    }
    let config_id = store.next_id("nodebalancer_config", FIRST_CONFIG_ID);
    config["id"] = Value::from(config_id);
    store.record(
        Action::new("nodebalancer_config_create", entity).secondary(config_entity(id, &config)),
    );
    store
        .nodebalancer_configs_mut()
        .insert(config_id, config.clone());
    Ok(Json(config))
}

async fn update_config(
    State(state): State<AppState>,
    ApiPath((id, config_id)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (entity, _) = parent(&store, id)?;
    let mut config = find_config(&store, id, config_id)?.clone();
    apply_config(&body, &mut config, &store, id)?;
    store.record(
        Action::new("nodebalancer_config_update", entity).secondary(config_entity(id, &config)),
    );
    store
        .nodebalancer_configs_mut()
        .insert(config_id, config.clone());
    Ok(Json(config))
}

async fn delete_config(
    State(state): State<AppState>,
    ApiPath((id, config_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (entity, _) = parent(&store, id)?;
    let config = find_config(&store, id, config_id)?.clone();
    let nodes = ids_where(store.nodebalancer_nodes(), |n| {
        n["config_id"].as_u64() == Some(config_id)
    });
    for node in nodes {
        store.nodebalancer_nodes_mut().remove(node);
    }
    store.nodebalancer_configs_mut().remove(config_id);
    store.record(
        Action::new("nodebalancer_config_delete", entity).secondary(config_entity(id, &config)),
    );
    Ok(Json(json!({})))
}

/// The node `node_id` of config `config_id` of NodeBalancer `nb_id`, or 404.
fn find_node(store: &Store, nb_id: u64, config_id: u64, node_id: u64) -> Result<&Value, ApiError> {
    find_config(store, nb_id, config_id)?;
    store
        .nodebalancer_nodes()
        .get(node_id)
        .filter(|n| n["config_id"].as_u64() == Some(config_id))
        .ok_or_else(ApiError::not_found)
}

/// Counts the config's nodes that are up and down into its `nodes_status`.
fn refresh_nodes_status(store: &mut Store, config_id: u64) {
    let (mut up, mut down) = (0, 0);
    for node in store.nodebalancer_nodes().values() {
        if node["config_id"].as_u64() == Some(config_id) {
            match node["status"].as_str() {
                Some("UP") => up += 1,
                Some("DOWN") => down += 1,
                _ => {}
            }
        }
    }
    if let Some(config) = store.nodebalancer_configs_mut().get_mut(config_id) {
        config["nodes_status"] = json!({"up": up, "down": down});
    }
}

/// Applies the node fields found in `body` to `node`, checking that its address is the
/// private address of a Linode in `region`.
fn apply_node(
    body: &Map<String, Value>,
    node: &mut Value,
    store: &Store,
    region: &str,
) -> Result<(), ApiError> {
    let mut checks = Checks::default();
    let own = node["id"].as_u64();
    let config_id = node["config_id"].as_u64();
    if let Some(address) = checks.string(body, "address") {
        match check_address(&address, store, region) {
            Err(reason) => checks.add("address", reason),
            Ok(running) => {
                let taken = store.nodebalancer_nodes().values().any(|n| {
                    n["config_id"].as_u64() == config_id
                        && n["address"] == address.as_str()
                        && n["id"].as_u64() != own
                });
                if taken {
                    checks.add("address", "This address is already a node of this config");
                } else {
                    node["address"] = Value::from(address);
                    node["status"] = Value::from(if running { "UP" } else { "DOWN" });
                }
            }
        }
    }
    if let Some(label) = checks.string(body, "label") {
        if valid_node_label(&label) {
            node["label"] = Value::from(label);
        } else {
            checks.add(
                "label",
                "Must be 3-32 characters of letters, numbers, dashes, underscores and periods",
            );
        }
    }
    if let Some(weight) = checks.integer(body, "weight", 1, 255) {
        node["weight"] = Value::from(weight);
    }
    if let Some(mode) = checks.one_of(body, "mode", &["accept", "reject", "drain", "backup"]) {
        node["mode"] = Value::from(mode);
    }
    checks.finish(())
}

/// Checks a node address `192.168.x.x:port` against the Linodes of `region`; answers
/// whether that Linode is running.
fn check_address(address: &str, store: &Store, region: &str) -> Result<bool, &'static str> {
    let Ok(socket) = address.parse::<std::net::SocketAddrV4>() else {
        return Err("Must be a private IPv4 address and a port, such as 192.168.1.2:80");
    };
    if socket.port() == 0 {
        return Err("The port must be from 1 to 65535");
    }
    if !is_private_v4(socket.ip()) {
        return Err("Must be a private IPv4 address (192.168.0.0/16)");
    }
    let ip = socket.ip().to_string();
    let linode = store.instances().values().find(|l| {
        l["ipv4"]
            .as_array()
            .is_some_and(|ips| ips.iter().any(|a| a == ip.as_str()))
    });
    match linode {
        None => Err("No Linode of yours has this private address"),
        Some(l) if l["region"] != region => {
            Err("The Linode with this address is not in the NodeBalancer's region")
        }
        Some(l) => Ok(l["status"] == "running"),
    }
}

async fn list_nodes(
    State(state): State<AppState>,
    ApiPath((id, config_id)): ApiPath<(u64, u64)>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    find_config(&store, id, config_id)?;
    let nodes = store
        .nodebalancer_nodes()
        .values()
        .filter(|n| n["config_id"].as_u64() == Some(config_id));
    list_response(nodes, &[], &req)
}

async fn get_node(
    State(state): State<AppState>,
    ApiPath((id, config_id, node_id)): ApiPath<(u64, u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    find_node(&store, id, config_id, node_id).map(|n| Json(n.clone()))
}

async fn create_node(
    State(state): State<AppState>,
    ApiPath((id, config_id)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (entity, region) = parent(&store, id)?;
    find_config(&store, id, config_id)?;
    let mut checks = Checks::default();
    checks.require(&body, "address");
    checks.require(&body, "label");
    checks.finish(())?;
    let mut node = default_node(id, Some(config_id));
    apply_node(&body, &mut node, &store, &region)?;
    let node_id = store.next_id("nodebalancer_node", FIRST_NODE_ID);
    node["id"] = Value::from(node_id);
    store.record(
        Action::new("nodebalancer_node_create", entity)
            .secondary(node_entity(id, config_id, &node)),
    );
    store.nodebalancer_nodes_mut().insert(node_id, node.clone());
    refresh_nodes_status(&mut store, config_id);
    Ok(Json(node))
}

async fn update_node(
    State(state): State<AppState>,
    ApiPath((id, config_id, node_id)): ApiPath<(u64, u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (entity, region) = parent(&store, id)?;
    let mut node = find_node(&store, id, config_id, node_id)?.clone();
    apply_node(&body, &mut node, &store, &region)?;
    store.record(
        Action::new("nodebalancer_node_update", entity)
            .secondary(node_entity(id, config_id, &node)),
    );
    store.nodebalancer_nodes_mut().insert(node_id, node.clone());
    refresh_nodes_status(&mut store, config_id);
    Ok(Json(node))
}

async fn delete_node(
    State(state): State<AppState>,
    ApiPath((id, config_id, node_id)): ApiPath<(u64, u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (entity, _) = parent(&store, id)?;
    let node = find_node(&store, id, config_id, node_id)?.clone();
    store.nodebalancer_nodes_mut().remove(node_id);
    store.record(
        Action::new("nodebalancer_node_delete", entity)
            .secondary(node_entity(id, config_id, &node)),
    );
    refresh_nodes_status(&mut store, config_id);
    Ok(Json(json!({})))
}

async fn list_types(req: ListRequest) -> Result<Json<Value>, ApiError> {
    NODEBALANCER_TYPES.list(&req)
}

/// Whether `range` is an IPv4 range in CIDR notation, such as `10.100.5.0/30`.
fn is_ipv4_cidr(range: &str) -> bool {
    range.split_once('/').is_some_and(|(ip, bits)| {
        ip.parse::<std::net::Ipv4Addr>().is_ok() && bits.parse::<u8>().is_ok_and(|b| b <= 32)
    })
}

/// Reads the `vpcs` of a NodeBalancer create request: each names a subnet of a VPC of
/// `region` (VPCs live in the `vpcs` collection, each listing its `subnets`) and may give
/// an IPv4 range. Answers the VPC configs to store, without their ids.
fn read_vpcs(
    checks: &mut Checks,
    body: &Map<String, Value>,
    store: &Store,
    region: &str,
) -> Vec<Value> {
    let items = match body.get("vpcs") {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            checks.add("vpcs", "vpcs must be an array");
            return Vec::new();
        }
    };
    let mut configs = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("vpcs[{i}]");
        let Value::Object(fields) = item else {
            checks.add(&prefix, "Each VPC must be an object");
            continue;
        };
        let subnet_field = format!("{prefix}.subnet_id");
        let Some(subnet_id) = fields.get("subnet_id").and_then(Value::as_u64) else {
            checks.add(&subnet_field, "subnet_id is required");
            continue;
        };
        let vpc = store.table("vpcs").values().find(|v| {
            v["subnets"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["id"].as_u64() == Some(subnet_id)))
        });
        let Some(vpc) = vpc else {
            checks.add(&subnet_field, "Subnet not found");
            continue;
        };
        if vpc["region"] != region {
            checks.add(
                &subnet_field,
                "The subnet is not in the NodeBalancer's region",
            );
            continue;
        }
        let range = match fields.get("ipv4_range") {
            None | Some(Value::Null) => Value::Null,
            Some(Value::String(r)) if is_ipv4_cidr(r) => Value::from(r.as_str()),
            Some(_) => {
                checks.add(
                    &format!("{prefix}.ipv4_range"),
                    "Must be an IPv4 range in CIDR notation",
                );
                continue;
            }
        };
        configs.push(json!({
            "id": null,
            "nodebalancer_id": null,
            "subnet_id": subnet_id,
            "vpc_id": vpc["id"].clone(),
            "ipv4_range": range,
            "ipv6_range": null,
        }));
    }
    configs
}

async fn list_vpc_configs(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(children(&store, store.table(VPC_CONFIGS), id)?, &[], &req)
}

async fn get_vpc_config(
    State(state): State<AppState>,
    ApiPath((id, vpc_config_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    get_response(
        store
            .table(VPC_CONFIGS)
            .get(vpc_config_id)
            .filter(|v| v["nodebalancer_id"].as_u64() == Some(id)),
    )
}

async fn get_stats(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let nb = store
        .nodebalancers()
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    let now_ms = store
        .clock
        .wall()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    Ok(Json(stats(
        id,
        nb["label"].as_str().unwrap_or_default(),
        now_ms,
    )))
}

/// A day of 5-minute points ending at `now_ms`, each `[unix ms, reading]`: connections
/// cycle with the id (`(id + i) % 12` at point `i`), inbound traffic is 512 times them and
/// outbound traffic 128 times.
fn stats(id: u64, label: &str, now_ms: u64) -> Value {
    let end = now_ms / STAT_STEP_MS * STAT_STEP_MS;
    let start = end.saturating_sub((STAT_POINTS - 1) * STAT_STEP_MS);
    let mut connections = Vec::new();
    let mut inbound = Vec::new();
    let mut outbound = Vec::new();
    for i in 0..STAT_POINTS {
        let at = start + i * STAT_STEP_MS;
        let reading = ((id + i) % 12) as f64;
        connections.push(json!([at, reading]));
        inbound.push(json!([at, reading * 512.0]));
        outbound.push(json!([at, reading * 128.0]));
    }
    json!({
        "title": format!("linode.com - {label} ({id}) - day (5 min avg)"),
        "data": {
            "connections": connections,
            "traffic": {"in": inbound, "out": outbound},
        },
    })
}

/// The field errors of `err` as `(field, reason)` pairs.
fn field_errors(err: ApiError) -> Vec<(String, String)> {
    err.errors
        .into_iter()
        .map(|e| (e.field.unwrap_or_default(), e.reason))
        .collect()
}

/// Replaces a config and its nodes (see the module's rules).
async fn rebuild_config(
    State(state): State<AppState>,
    ApiPath((id, config_id)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (entity, region) = parent(&store, id)?;
    let old = find_config(&store, id, config_id)?.clone();
    let items = match body.get("nodes") {
        Some(Value::Array(items)) => items.clone(),
        None | Some(Value::Null) => return Err(ApiError::field("nodes", "nodes is required")),
        Some(_) => return Err(ApiError::field("nodes", "nodes must be an array")),
    };
    let mut fields = body.clone();
    fields.remove("nodes");
    fields.entry("port").or_insert(old["port"].clone());
    let mut config = default_config(id);
    config["id"] = old["id"].clone();
    let mut errors = apply_config(&fields, &mut config, &store, id)
        .err()
        .map(field_errors)
        .unwrap_or_default();
    let mut nodes = Vec::new();
    let mut addresses = std::collections::HashSet::new();
    let mut listed = std::collections::HashSet::new();
    for (j, item) in items.iter().enumerate() {
        let prefix = format!("nodes[{j}]");
        let Value::Object(node_fields) = item else {
            errors.push((prefix, "Each node must be an object".to_owned()));
            continue;
        };
        let mut node = match node_fields.get("id") {
            None | Some(Value::Null) => {
                let mut checks = Checks::default();
                checks.require(node_fields, "address");
                checks.require(node_fields, "label");
                if let Err(err) = checks.finish(()) {
                    errors.extend(nested(err, &prefix));
                    continue;
                }
                default_node(id, None)
            }
            Some(given) => {
                let existing = given
                    .as_u64()
                    .and_then(|n| store.nodebalancer_nodes().get(n))
                    .filter(|n| n["config_id"].as_u64() == Some(config_id));
                match existing {
                    Some(n) if listed.insert(n["id"].as_u64()) => {
                        // Out of the config while checked, so its own address is not taken.
                        let mut n = n.clone();
                        n["config_id"] = Value::Null;
                        n
                    }
                    Some(_) => {
                        errors.push((format!("{prefix}.id"), "This node is listed twice".into()));
                        continue;
                    }
                    None => {
                        errors.push((
                            format!("{prefix}.id"),
                            "Node not found on this config".into(),
                        ));
                        continue;
                    }
                }
            }
        };
        if let Err(err) = apply_node(node_fields, &mut node, &store, &region) {
            errors.extend(nested(err, &prefix));
            continue;
        }
        if !addresses.insert(node["address"].to_string()) {
            errors.push((
                format!("{prefix}.address"),
                "This address is already a node of this config".to_owned(),
            ));
            continue;
        }
        node["config_id"] = Value::from(config_id);
        nodes.push(node);
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let dropped = ids_where(store.nodebalancer_nodes(), |n| {
        n["config_id"].as_u64() == Some(config_id) && !listed.contains(&n["id"].as_u64())
    });
    for node in dropped {
        store.nodebalancer_nodes_mut().remove(node);
    }
    for mut node in nodes {
        let node_id = match node["id"].as_u64() {
            Some(node_id) => node_id,
            None => store.next_id("nodebalancer_node", FIRST_NODE_ID),
        };
        node["id"] = Value::from(node_id);
        store.nodebalancer_nodes_mut().insert(node_id, node);
    }
    store.nodebalancer_configs_mut().insert(config_id, config);
    refresh_nodes_status(&mut store, config_id);
    let config = find_config(&store, id, config_id)?.clone();
    store.record(
        Action::new("nodebalancer_config_update", entity).secondary(config_entity(id, &config)),
    );
    Ok(Json(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_fingerprints() {
        assert!(valid_nb_label("balancer_1-a"));
        assert!(!valid_nb_label("ab"));
        assert!(!valid_nb_label("a.b.c"));
        assert!(valid_node_label("web.1"));
        let f = fingerprint("cert");
        assert_eq!(f.len(), 59);
        assert_eq!(f, fingerprint("cert"));
        assert_ne!(f, fingerprint("other"));
    }
}
