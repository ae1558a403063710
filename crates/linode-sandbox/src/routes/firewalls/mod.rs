//! Cloud Firewalls: `/networking/firewalls` (rules, rule history, devices, settings,
//! templates, rule sets), `/networking/prefixlists`, and the firewalls of a Linode
//! (`/linode/instances/{id}/firewalls`) or a NodeBalancer (`/nodebalancers/{id}/firewalls`).
//!
//! State rules kept like the API:
//! - A firewall is created `enabled` with rules at version 1; every change of its rules makes a
//!   new version, kept in its history (`/history`, `/history/rules/{version}`), and a new
//!   `fingerprint`.
//! - Rules are checked entry by entry (fields such as `rules.inbound[2].ports`): action
//!   `ACCEPT`/`DROP`, protocol `TCP`/`UDP`/`ICMP`/`IPENCAP` (ports only for TCP and UDP), ports
//!   `22`, `80, 443`, `1000-2000` (1-65535, no leading zeros, ranges increasing, at most 15
//!   pieces), addresses as IPv4/IPv6 networks in IP/mask format or prefix lists by name (at most
//!   255 per rule), at most 25 rules inbound and outbound together (spec 4.189.0). An entry
//!   `{"ruleset": id}` stands for a rule set of the same direction, once per firewall.
//! - A Linode or a NodeBalancer (a "service") has at most one *enabled* firewall ("Only one
//!   enabled Firewall can be attached to a particular service at any given time"): attaching
//!   an enabled firewall to a service that has another, or enabling a firewall one of whose
//!   services has another, is refused. A firewall may be on many services. Its firewalls are
//!   listed from both sides (`devices` and `entities` of the firewall,
//!   `/linode/instances/{id}/firewalls` of the Linode) and always agree, with the entities'
//!   labels as they are now.
//! - A new Linode or NodeBalancer gets the firewall its create body names (`firewall_id`), or
//!   else the account's default firewall for its kind ([`firewall_for_new`], [`attach_new`],
//!   called by their create routes).
//! - Deleting a firewall detaches it from everything; deleting a Linode or a NodeBalancer
//!   removes it from its firewall ([`forget_entity`], called by their delete routes). A
//!   firewall that is an account default (`/settings`) cannot be deleted.
//! - A rule set referenced by a firewall cannot be deleted, and its type never changes.
//! - Prefix lists and templates are a read-only catalog.
//! - A `linode_interface` device is a public or VPC Linode interface (`routes/interfaces.rs`),
//!   with its Linode as `parent_entity`; VLAN interfaces take no firewall.

mod rules;

use std::collections::HashSet;

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::{Store, now};
use rules::{Direction, MAX_RULES, RULE_SETS, check_rule_list, expand, fingerprint};

/// The collection of firewalls (`Firewall` objects as served).
const FIREWALLS: &str = "firewalls";
/// The collection of devices, each a `FirewallDevice` plus its `firewall_id`.
const DEVICES: &str = "firewall_devices";
/// The rule history of each firewall, by firewall id: `{"versions": [{updated, status, rules}]}`.
const HISTORY: &str = "firewall_history";
/// The account's settings, one object under id [`SETTINGS_ID`].
const SETTINGS: &str = "firewall_settings";
const SETTINGS_ID: u64 = 1;

/// First id handed out to a firewall.
pub const FIRST_FIREWALL_ID: u64 = 10_000;
/// First id handed out to a firewall device.
const FIRST_DEVICE_ID: u64 = 500_000;
/// First id handed out to a rule set.
const FIRST_RULE_SET_ID: u64 = 1_000;

pub(super) const FIREWALL_FILTERABLE: &[&str] = &["created", "id", "label", "tags", "updated"];
const DEVICE_FILTERABLE: &[&str] = &["created", "id", "updated"];
const RULE_SET_FILTERABLE: &[&str] = &["created", "id", "label"];
const PREFIX_LIST_FILTERABLE: &[&str] = &["name"];
/// The kinds of default firewall the account settings hold.
const DEFAULT_KINDS: &[&str] = &[
    "linode",
    "nodebalancer",
    "public_interface",
    "vpc_interface",
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/networking/firewalls",
            get(list_firewalls).post(create_firewall),
        )
        .route(
            "/networking/firewalls/settings",
            get(get_settings).put(update_settings),
        )
        .route("/networking/firewalls/templates", get(list_templates))
        .route("/networking/firewalls/templates/{slug}", get(get_template))
        .route(
            "/networking/firewalls/rulesets",
            get(list_rule_sets).post(create_rule_set),
        )
        .route(
            "/networking/firewalls/rulesets/{id}",
            get(get_rule_set)
                .put(update_rule_set)
                .delete(delete_rule_set),
        )
        .route(
            "/networking/firewalls/{id}",
            get(get_firewall)
                .put(update_firewall)
                .delete(delete_firewall),
        )
        .route(
            "/networking/firewalls/{id}/rules",
            get(get_rules).put(update_rules),
        )
        .route(
            "/networking/firewalls/{id}/rules/expansion",
            get(get_expansion),
        )
        .route(
            "/networking/firewalls/{id}/devices",
            get(list_devices).post(create_device),
        )
        .route(
            "/networking/firewalls/{id}/devices/{device}",
            get(get_device).delete(delete_device),
        )
        .route("/networking/firewalls/{id}/history", get(list_history))
        .route(
            "/networking/firewalls/{id}/history/rules/{version}",
            get(get_version),
        )
        .route("/networking/prefixlists", get(list_prefix_lists))
        .route("/networking/prefixlists/{id}", get(get_prefix_list))
        .route(
            "/linode/instances/{id}/firewalls",
            get(list_linode_firewalls).put(set_linode_firewalls),
        )
        .route(
            "/linode/instances/{id}/firewalls/apply",
            post(apply_linode_firewalls),
        )
        .route(
            "/nodebalancers/{id}/firewalls",
            get(list_nodebalancer_firewalls).put(set_nodebalancer_firewalls),
        )
}

fn event_entity(id: u64, item: &Value) -> Entity {
    let label = item["label"].as_str().unwrap_or_default();
    Entity::new(
        "firewall",
        id,
        label,
        format!("/v4/networking/firewalls/{id}"),
    )
}

fn firewall(store: &Store, id: u64) -> Result<&Value, ApiError> {
    store
        .table(FIREWALLS)
        .get(id)
        .ok_or_else(ApiError::not_found)
}

/// A firewall label: 3-32 characters of letters, digits, `-`, `_` and `.`, a letter first and
/// a letter or digit last, never `--`, `__` or `..`; unique among the account's firewalls.
fn check_label(errs: &mut Checks, store: &Store, label: &str, own: Option<u64>) {
    let shape = label.starts_with(|c: char| c.is_ascii_alphabetic())
        && label.ends_with(|c: char| c.is_ascii_alphanumeric())
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !["--", "__", ".."].iter().any(|d| label.contains(d));
    if !errs.length("label", label, 3, 32) {
        return;
    }
    if !shape {
        errs.add(
            "label",
            "Must begin with a letter, end with a letter or number, and only use letters, numbers, '-', '_' and '.' (never two of '-', '_' or '.' in a row)",
        );
        return;
    }
    let taken = store
        .table(FIREWALLS)
        .values()
        .any(|f| f["label"] == label && f["id"].as_u64() != own);
    if taken {
        errs.add("label", "Label must be unique among your firewalls");
    }
}

/// Checks a rules object at `prefix` (`rules.` in a new firewall, nothing for `PUT .../rules`),
/// with policies required or not; answers the rules as stored (without version and fingerprint).
fn check_rules(
    errs: &mut Checks,
    store: &Store,
    rules: &Map<String, Value>,
    prefix: &str,
    policies_required: bool,
) -> Value {
    for key in ["inbound_policy", "outbound_policy"] {
        let field = format!("{prefix}{key}");
        match rules.get(key).filter(|v| !v.is_null()) {
            None if policies_required => errs.add(&field, format!("{key} is required")),
            None => {}
            Some(v) if !matches!(v.as_str(), Some("ACCEPT" | "DROP")) => {
                errs.add(&field, format!("{key} must be one of ACCEPT, DROP"))
            }
            Some(_) => {}
        }
    }
    let mut seen = HashSet::new();
    let mut count = 0;
    for (key, direction) in [
        ("inbound", Direction::Inbound),
        ("outbound", Direction::Outbound),
    ] {
        count += check_rule_list(
            errs,
            store,
            &format!("{prefix}{key}"),
            rules.get(key),
            direction,
            &mut seen,
        );
    }
    if count > MAX_RULES {
        errs.add(
            "rules",
            format!(
                "A firewall may have up to {MAX_RULES} rules across its inbound and outbound rules"
            ),
        );
    }
    let list = |key: &str| {
        rules
            .get(key)
            .filter(|v| v.is_array())
            .cloned()
            .unwrap_or(json!([]))
    };
    json!({
        "inbound": list("inbound"),
        "inbound_policy": rules.get("inbound_policy").cloned().unwrap_or(Value::Null),
        "outbound": list("outbound"),
        "outbound_policy": rules.get("outbound_policy").cloned().unwrap_or(Value::Null),
    })
}

/// Stores `rules` as the firewall's next version (1 for a new firewall) and records it in
/// the history.
fn commit_rules(store: &mut Store, id: u64, mut rules: Value) {
    let Some(item) = store.table_mut(FIREWALLS).get_mut(id) else {
        return;
    };
    let version = item["rules"]["version"].as_u64().unwrap_or(0) + 1;
    rules["version"] = Value::from(version);
    rules["fingerprint"] = Value::from(fingerprint(&rules));
    item["rules"] = rules.clone();
    let ts = now();
    item["updated"] = Value::from(ts.as_str());
    let status = item["status"].clone();
    let history = store.table_mut(HISTORY);
    let mut entry = history.get(id).cloned().unwrap_or(json!({"versions": []}));
    if let Some(versions) = entry["versions"].as_array_mut() {
        versions.push(json!({"updated": ts, "status": status, "rules": rules}));
    }
    history.insert(id, entry);
}

/// The entity of a device of `kind` and `id` to attach to firewall `target` (`None`: a new,
/// enabled one), or the reason it cannot be: it does not exist, it is already on `target`, or
/// `target` is enabled and the entity already has another enabled firewall.
fn device_entity(store: &Store, kind: &str, id: u64, target: Option<u64>) -> Result<Value, String> {
    let (label, url) = match kind {
        "linode" => (
            store.entity_label("linode", id),
            format!("/v4/linode/instances/{id}"),
        ),
        "nodebalancer" => (
            store.entity_label("nodebalancer", id),
            format!("/v4/nodebalancers/{id}"),
        ),
        "linode_interface" => match interface_parent(store, id)? {
            Some(linode) => (
                store.entity_label("linode", linode),
                format!("/v4/linode/instances/{linode}/interfaces/{id}"),
            ),
            None => (None, String::new()),
        },
        _ => (None, String::new()),
    };
    let Some(label) = label else {
        let what = match kind {
            "linode" => "Linode",
            "nodebalancer" => "NodeBalancer",
            _ => "Linode interface",
        };
        return Err(format!("{what} {id} not found"));
    };
    if target.is_some_and(|fw| firewall_ids_of(store, kind, id).contains(&fw)) {
        return Err(format!("{kind} {id} is already assigned to this firewall"));
    }
    let target_enabled = target.is_none_or(|fw| is_enabled(store, fw));
    if let Some(other) = enabled_firewall_of(store, kind, id, target).filter(|_| target_enabled) {
        return Err(format!(
            "{kind} {id} already has an enabled firewall ({other})"
        ));
    }
    if kind == "linode_interface" {
        // An interface has no label of its own: its Linode is its parent entity.
        let linode = interface_parent(store, id)?.unwrap_or_default();
        let parent = json!({"id": linode, "label": label, "type": "linode",
            "url": format!("/v4/linode/instances/{linode}")});
        return Ok(
            json!({"id": id, "label": null, "type": kind, "url": url, "parent_entity": parent}),
        );
    }
    Ok(json!({"id": id, "label": label, "type": kind, "url": url, "parent_entity": null}))
}

/// The Linode of Linode interface `id` (`None`: no such interface); refuses a VLAN interface,
/// which firewalls do not apply to.
fn interface_parent(store: &Store, id: u64) -> Result<Option<u64>, String> {
    match store.table(super::interfaces::LINODE_INTERFACES).get(id) {
        Some(i) if !i["vlan"].is_null() => Err(format!(
            "Linode interface {id} is a VLAN interface: firewalls do not apply to it"
        )),
        Some(i) => Ok(i["linode_id"].as_u64()),
        None => Ok(None),
    }
}

/// Attaches firewall `firewall_id` to Linode interface `interface_id` (a new interface's
/// `firewall_id`, or an upgrade): the firewall's devices and the interface's firewalls agree.
pub(super) fn attach_interface(
    store: &mut Store,
    firewall_id: u64,
    interface_id: u64,
) -> Result<(), String> {
    if store.table(FIREWALLS).get(firewall_id).is_none() {
        return Err(format!("Firewall {firewall_id} not found"));
    }
    let entity = device_entity(store, "linode_interface", interface_id, Some(firewall_id))?;
    attach(store, firewall_id, entity);
    Ok(())
}

/// The firewall ids the account settings name as the default for new interfaces of `kind`
/// (`public_interface` or `vpc_interface`).
pub(super) fn default_firewall(store: &Store, kind: &str) -> Option<u64> {
    settings(store)["default_firewall_ids"][kind]
        .as_u64()
        .filter(|fw| store.table(FIREWALLS).get(*fw).is_some())
}

/// The firewall a new Linode or NodeBalancer (`kind`) gets: the `firewall_id` of its create
/// body, or else the account's default for `kind` (`/settings`). Refuses an unknown
/// `firewall_id`, so call it before creating anything.
pub(super) fn firewall_for_new(
    store: &Store,
    kind: &str,
    body: &Map<String, Value>,
) -> Result<Option<u64>, ApiError> {
    let exists = |fw: &u64| store.table(FIREWALLS).get(*fw).is_some();
    match body.get("firewall_id").filter(|v| !v.is_null()) {
        None => Ok(settings(store)["default_firewall_ids"][kind]
            .as_u64()
            .filter(exists)),
        Some(v) => match v.as_u64() {
            Some(fw) if exists(&fw) => Ok(Some(fw)),
            Some(fw) => Err(ApiError::field(
                "firewall_id",
                format!("Firewall {fw} not found"),
            )),
            None => Err(ApiError::field(
                "firewall_id",
                "firewall_id must be an integer",
            )),
        },
    }
}

/// Attaches a just-created Linode or NodeBalancer to the firewall [`firewall_for_new`] chose.
pub(super) fn attach_new(store: &mut Store, kind: &str, id: u64, firewall: Option<u64>) {
    if let Some(fw) = firewall {
        if let Ok(entity) = device_entity(store, kind, id, Some(fw)) {
            attach(store, fw, entity);
        }
    }
}

/// The firewalls a service is on, in the order they were attached.
fn firewall_ids_of(store: &Store, kind: &str, id: u64) -> Vec<u64> {
    store
        .table(DEVICES)
        .values()
        .filter(|d| d["entity"]["type"] == kind && d["entity"]["id"].as_u64() == Some(id))
        .filter_map(|d| d["firewall_id"].as_u64())
        .collect()
}

fn is_enabled(store: &Store, firewall_id: u64) -> bool {
    store
        .table(FIREWALLS)
        .get(firewall_id)
        .is_some_and(|fw| fw["status"] == "enabled")
}

/// The enabled firewall of a service other than `except`, if any.
fn enabled_firewall_of(store: &Store, kind: &str, id: u64, except: Option<u64>) -> Option<u64> {
    firewall_ids_of(store, kind, id)
        .into_iter()
        .find(|fw| Some(*fw) != except && is_enabled(store, *fw))
}

/// Attaches firewall `firewall_id` to an entity checked by [`device_entity`]; answers the
/// device as served.
fn attach(store: &mut Store, firewall_id: u64, entity: Value) -> Value {
    let id = store.next_id("firewall_device", FIRST_DEVICE_ID);
    let ts = now();
    let device = json!({
        "id": id,
        "entity": entity,
        "created": ts,
        "updated": ts,
    });
    let mut stored = device.clone();
    stored["firewall_id"] = Value::from(firewall_id);
    store.table_mut(DEVICES).insert(id, stored);
    let label = store.table_mut(FIREWALLS).get_mut(firewall_id).map(|fw| {
        if let Some(list) = fw["entities"].as_array_mut() {
            list.push(device["entity"].clone());
        }
        fw.clone()
    });
    if let Some(fw) = label {
        store.record(Action::new(
            "firewall_device_add",
            event_entity(firewall_id, &fw),
        ));
    }
    device
}

/// Removes device `device_id`, keeping the firewall's `entities` in step.
fn detach(store: &mut Store, device_id: u64) -> Option<Value> {
    let device = store.table_mut(DEVICES).remove(device_id)?;
    let firewall_id = device["firewall_id"].as_u64().unwrap_or_default();
    let entity = &device["entity"];
    if let Some(fw) = store.table_mut(FIREWALLS).get_mut(firewall_id) {
        if let Some(list) = fw["entities"].as_array_mut() {
            list.retain(|e| !(e["type"] == entity["type"] && e["id"] == entity["id"]));
        }
    }
    Some(device)
}

/// Removes a deleted Linode or NodeBalancer (`kind` `linode` or `nodebalancer`) from its
/// firewall: what their delete routes call.
pub(super) fn forget_entity(store: &mut Store, kind: &str, id: u64) {
    let devices: Vec<u64> = store
        .table(DEVICES)
        .values()
        .filter(|d| d["entity"]["type"] == kind && d["entity"]["id"].as_u64() == Some(id))
        .filter_map(|d| d["id"].as_u64())
        .collect();
    for device in devices {
        detach(store, device);
    }
}

/// An entity with its label as it is now (a Linode or NodeBalancer may have been renamed
/// since it was attached).
fn refresh_label(store: &Store, entity: &mut Value) {
    let kind = entity["type"].as_str().unwrap_or_default().to_owned();
    let id = entity["id"].as_u64().unwrap_or_default();
    if let Some(label) = store.entity_label(&kind, id) {
        entity["label"] = Value::from(label);
    }
}

/// A stored device as served: without its firewall id, with its entity's current label.
fn served_device(store: &Store, device: &Value) -> Value {
    let mut device = device.clone();
    if let Some(map) = device.as_object_mut() {
        map.remove("firewall_id");
    }
    refresh_label(store, &mut device["entity"]);
    device
}

/// A stored firewall as served: its entities with their current labels.
fn served_firewall(store: &Store, item: &Value) -> Value {
    let mut item = item.clone();
    if let Some(entities) = item["entities"].as_array_mut() {
        for entity in entities {
            refresh_label(store, entity);
        }
    }
    item
}

/// Firewall `id` as served, or 404.
fn firewall_response(store: &Store, id: u64) -> Result<Json<Value>, ApiError> {
    Ok(Json(served_firewall(store, firewall(store, id)?)))
}

fn devices_of(store: &Store, firewall_id: u64) -> Vec<Value> {
    store
        .table(DEVICES)
        .values()
        .filter(|d| d["firewall_id"].as_u64() == Some(firewall_id))
        .map(|d| served_device(store, d))
        .collect()
}

async fn list_firewalls(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let all: Vec<Value> = store
        .table(FIREWALLS)
        .values()
        .map(|fw| served_firewall(&store, fw))
        .collect();
    list_response(&all, FIREWALL_FILTERABLE, &req)
}

async fn get_firewall(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    firewall_response(&state.store(), id)
}

async fn create_firewall(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    if let Some(label) = errs.required(&body, "label") {
        check_label(&mut errs, &store, &label, None);
    }
    let tags = errs.tags(&body).unwrap_or_default();
    let rules = match body.get("rules") {
        None | Some(Value::Null) => {
            errs.add("rules", "rules is required");
            Value::Null
        }
        Some(Value::Object(rules)) => check_rules(&mut errs, &store, rules, "rules.", true),
        Some(_) => {
            errs.add("rules", "rules must be an object");
            Value::Null
        }
    };
    // Devices to attach at once, each checked like a POST to `/devices`.
    let mut entities = Vec::new();
    if let Some(devices) = errs.object(&body, "devices") {
        for (key, kind) in [
            ("linodes", "linode"),
            ("nodebalancers", "nodebalancer"),
            ("linode_interfaces", "linode_interface"),
        ] {
            let field = format!("devices.{key}");
            match devices.get(key) {
                None | Some(Value::Null) => {}
                Some(Value::Array(ids)) => {
                    for (i, id) in ids.iter().enumerate() {
                        let at = format!("{field}[{i}]");
                        match id.as_u64().map(|id| device_entity(&store, kind, id, None)) {
                            None => errs.add(&at, "Must be an id"),
                            Some(Err(reason)) => errs.add(&at, reason),
                            Some(Ok(_)) if entities.contains(&(kind, id.clone())) => {
                                errs.add(&at, "Listed twice")
                            }
                            Some(Ok(_)) => entities.push((kind, id.clone())),
                        }
                    }
                }
                Some(_) => errs.add(&field, format!("{key} must be an array of ids")),
            }
        }
    }
    errs.finish(())?;
    let id = store.next_id("firewall", FIRST_FIREWALL_ID);
    let ts = now();
    let item = json!({
        "id": id,
        "label": body["label"],
        "status": "enabled",
        "rules": {},
        "tags": tags,
        "entities": [],
        "created": ts,
        "updated": ts,
    });
    store.table_mut(FIREWALLS).insert(id, item.clone());
    commit_rules(&mut store, id, rules);
    store.record(Action::new("firewall_create", event_entity(id, &item)));
    for (kind, entity_id) in entities {
        let entity_id = entity_id.as_u64().unwrap_or_default();
        if let Ok(entity) = device_entity(&store, kind, entity_id, Some(id)) {
            attach(&mut store, id, entity);
        }
    }
    firewall_response(&store, id)
}

async fn update_firewall(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let old_status = firewall(&store, id)?["status"].clone();
    let mut errs = Checks::default();
    let label = errs.string(&body, "label");
    if let Some(label) = &label {
        check_label(&mut errs, &store, label, Some(id));
    }
    let status = errs.one_of(&body, "status", &["enabled", "disabled"]);
    if status.as_deref() == Some("enabled") && old_status != "enabled" {
        for device in devices_of(&store, id) {
            let (kind, entity) = (&device["entity"]["type"], device["entity"]["id"].as_u64());
            let kind = kind.as_str().unwrap_or_default();
            let entity = entity.unwrap_or_default();
            if let Some(other) = enabled_firewall_of(&store, kind, entity, Some(id)) {
                errs.add(
                    "status",
                    format!("{kind} {entity} already has an enabled firewall ({other})"),
                );
            }
        }
    }
    let tags = errs.tags(&body);
    errs.finish(())?;
    let Some(item) = store.table_mut(FIREWALLS).get_mut(id) else {
        return Err(ApiError::not_found());
    };
    if let Some(label) = label {
        item["label"] = Value::from(label);
    }
    if let Some(status) = &status {
        item["status"] = Value::from(status.as_str());
    }
    if let Some(tags) = tags {
        item["tags"] = Value::from(tags);
    }
    item["updated"] = Value::from(now());
    let item = item.clone();
    let action = match status.as_deref() {
        Some(s) if old_status != s => format!("firewall_{}", &s[..s.len() - 1]),
        _ => "firewall_update".to_owned(),
    };
    store.record(Action::new(&action, event_entity(id, &item)));
    Ok(Json(served_firewall(&store, &item)))
}

async fn delete_firewall(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    firewall(&store, id)?;
    let settings = settings(&store);
    if let Some(kind) = DEFAULT_KINDS
        .iter()
        .find(|k| settings["default_firewall_ids"][**k].as_u64() == Some(id))
    {
        return Err(ApiError::bad_request(format!(
            "Firewall {id} is the account's default firewall for {kind} and cannot be deleted"
        )));
    }
    let devices: Vec<u64> = devices_of(&store, id)
        .iter()
        .filter_map(|d| d["id"].as_u64())
        .collect();
    for device in devices {
        detach(&mut store, device);
    }
    store.table_mut(HISTORY).remove(id);
    let item = store
        .table_mut(FIREWALLS)
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    store.record(Action::new("firewall_delete", event_entity(id, &item)));
    Ok(Json(json!({})))
}

async fn get_rules(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(firewall(&state.store(), id)?["rules"].clone()))
}

async fn update_rules(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let current = firewall(&store, id)?["rules"].clone();
    let mut errs = Checks::default();
    let mut rules = check_rules(&mut errs, &store, &body, "", false);
    errs.finish(())?;
    for key in ["inbound_policy", "outbound_policy"] {
        if rules[key].is_null() {
            rules[key] = current[key].clone();
        }
    }
    commit_rules(&mut store, id, rules);
    let item = firewall(&store, id)?.clone();
    store.record(Action::new("firewall_update", event_entity(id, &item)));
    Ok(Json(item["rules"].clone()))
}

async fn get_expansion(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let rules = &firewall(&store, id)?["rules"];
    Ok(Json(expand(&store, rules)))
}

async fn list_devices(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    firewall(&store, id)?;
    list_response(&devices_of(&store, id), DEVICE_FILTERABLE, &req)
}

async fn create_device(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    firewall(&store, id)?;
    let mut errs = Checks::default();
    let entity_id = errs.unsigned(&body, "id");
    if entity_id.is_none() {
        errs.require(&body, "id");
    }
    let kind = errs.one_of(
        &body,
        "type",
        &["linode", "nodebalancer", "linode_interface"],
    );
    if !body.contains_key("type") {
        errs.require(&body, "type");
    }
    let (Some(entity_id), Some(kind)) = errs.finish((entity_id, kind))? else {
        return Err(ApiError::bad_request("id and type are required"));
    };
    let entity =
        device_entity(&store, &kind, entity_id, Some(id)).map_err(|r| ApiError::field("id", r))?;
    Ok(Json(attach(&mut store, id, entity)))
}

async fn get_device(
    State(state): State<AppState>,
    ApiPath((id, device)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    firewall(&store, id)?;
    store
        .table(DEVICES)
        .get(device)
        .filter(|d| d["firewall_id"].as_u64() == Some(id))
        .map(|d| Json(served_device(&store, d)))
        .ok_or_else(ApiError::not_found)
}

async fn delete_device(
    State(state): State<AppState>,
    ApiPath((id, device)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let item = firewall(&store, id)?.clone();
    let belongs = store
        .table(DEVICES)
        .get(device)
        .is_some_and(|d| d["firewall_id"].as_u64() == Some(id));
    if !belongs {
        return Err(ApiError::not_found());
    }
    detach(&mut store, device);
    store.record(Action::new(
        "firewall_device_remove",
        event_entity(id, &item),
    ));
    Ok(Json(json!({})))
}

fn versions(store: &Store, id: u64) -> Vec<Value> {
    store
        .table(HISTORY)
        .get(id)
        .and_then(|h| h["versions"].as_array().cloned())
        .unwrap_or_default()
}

async fn list_history(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    firewall(&store, id)?;
    let entries: Vec<Value> = versions(&store, id)
        .into_iter()
        .map(|v| {
            json!({
                "updated": v["updated"],
                "status": v["status"],
                "rules": {"version": v["rules"]["version"]},
            })
        })
        .collect();
    list_response(&entries, &[], &req)
}

async fn get_version(
    State(state): State<AppState>,
    ApiPath((id, version)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    firewall(&store, id)?;
    versions(&store, id)
        .into_iter()
        .find(|v| v["rules"]["version"].as_u64() == Some(version))
        .map(|v| Json(v["rules"].clone()))
        .ok_or_else(ApiError::not_found)
}

fn settings(store: &Store) -> Value {
    store.table(SETTINGS).get(SETTINGS_ID).cloned().unwrap_or_else(|| {
        json!({"default_firewall_ids": {
            "linode": null, "nodebalancer": null, "public_interface": null, "vpc_interface": null,
        }})
    })
}

async fn get_settings(State(state): State<AppState>) -> Json<Value> {
    Json(settings(&state.store()))
}

async fn update_settings(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    let mut current = settings(&store);
    if errs.require(&body, "default_firewall_ids") {
        if let Some(ids) = errs.object(&body, "default_firewall_ids") {
            for kind in DEFAULT_KINDS {
                let field = format!("default_firewall_ids.{kind}");
                match ids.get(*kind) {
                    None | Some(Value::Null) => {}
                    Some(v) => match v.as_u64() {
                        Some(fw) if store.table(FIREWALLS).get(fw).is_some() => {
                            current["default_firewall_ids"][*kind] = Value::from(fw);
                        }
                        Some(fw) => errs.add(&field, format!("Firewall {fw} not found")),
                        None => errs.add(&field, "Must be a firewall id"),
                    },
                }
            }
        }
    }
    errs.finish(())?;
    store
        .table_mut(SETTINGS)
        .insert(SETTINGS_ID, current.clone());
    Ok(Json(current))
}

async fn list_templates(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&rules::templates(), &[], &req)
}

async fn get_template(ApiPath(slug): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    get_response(
        rules::templates()
            .iter()
            .find(|t| t["slug"] == slug.as_str()),
    )
}

async fn list_prefix_lists(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&rules::prefix_lists(), PREFIX_LIST_FILTERABLE, &req)
}

async fn get_prefix_list(ApiPath(id): ApiPath<u64>) -> Result<Json<Value>, ApiError> {
    get_response(rules::prefix_lists().iter().find(|p| p["id"] == id))
}

/// Checks a rule set's `rules` (required or not); answers them when given.
fn check_rule_set_rules(
    errs: &mut Checks,
    store: &Store,
    body: &Map<String, Value>,
    required: bool,
) -> Option<Value> {
    if required && !errs.require(body, "rules") {
        return None;
    }
    let rules = body.get("rules").filter(|v| !v.is_null())?;
    check_rule_list(
        errs,
        store,
        "rules",
        Some(rules),
        Direction::InRuleSet,
        &mut HashSet::new(),
    );
    Some(rules.clone())
}

async fn list_rule_sets(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(store.table(RULE_SETS).values(), RULE_SET_FILTERABLE, &req)
}

async fn get_rule_set(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().table(RULE_SETS).get(id))
}

async fn create_rule_set(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    let label = errs.required(&body, "label");
    if let Some(label) = &label {
        errs.length("label", label, 3, 32);
    }
    let description = errs.sized(&body, "description", 1, 100);
    if !body.contains_key("type") {
        errs.require(&body, "type");
    }
    let kind = errs.one_of(&body, "type", &["inbound", "outbound"]);
    let rules = check_rule_set_rules(&mut errs, &store, &body, true);
    errs.finish(())?;
    let id = store.next_id("firewall_ruleset", FIRST_RULE_SET_ID);
    let ts = now();
    let item = json!({
        "id": id,
        "label": label,
        "description": description,
        "type": kind,
        "rules": rules.unwrap_or(json!([])),
        "is_service_defined": false,
        "version": 1,
        "created": ts,
        "updated": ts,
        "deleted": null,
    });
    store.table_mut(RULE_SETS).insert(id, item.clone());
    Ok(Json(item))
}

async fn update_rule_set(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let current = store
        .table(RULE_SETS)
        .get(id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let mut errs = Checks::default();
    let label = errs.string(&body, "label");
    if let Some(label) = &label {
        errs.length("label", label, 3, 32);
    }
    let description = errs.sized(&body, "description", 1, 100);
    if let Some(kind) = body.get("type").filter(|v| !v.is_null()) {
        if *kind != current["type"] {
            errs.add("type", "The type of a Rule Set cannot be changed");
        }
    }
    let rules = check_rule_set_rules(&mut errs, &store, &body, false);
    errs.finish(())?;
    let mut item = current;
    if let Some(label) = label {
        item["label"] = Value::from(label);
    }
    if let Some(description) = description {
        item["description"] = Value::from(description);
    }
    if let Some(rules) = rules {
        item["rules"] = rules;
    }
    item["version"] = Value::from(item["version"].as_u64().unwrap_or(1) + 1);
    item["updated"] = Value::from(now());
    store.table_mut(RULE_SETS).insert(id, item.clone());
    Ok(Json(item))
}

async fn delete_rule_set(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    store
        .table(RULE_SETS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    let user = store.table(FIREWALLS).values().find(|fw| {
        ["inbound", "outbound"].iter().any(|d| {
            fw["rules"][*d]
                .as_array()
                .is_some_and(|rules| rules.iter().any(|r| r["ruleset"].as_u64() == Some(id)))
        })
    });
    if let Some(fw) = user {
        return Err(ApiError::bad_request(format!(
            "Rule Set {id} is in use by firewall {}",
            fw["id"]
        )));
    }
    store.table_mut(RULE_SETS).remove(id);
    Ok(Json(json!({})))
}

/// The firewalls a service of `kind` is on.
pub(super) fn firewalls_of(store: &Store, kind: &str, id: u64) -> Vec<Value> {
    let mut ids = firewall_ids_of(store, kind, id);
    ids.sort_unstable();
    ids.iter()
        .filter_map(|fw| store.table(FIREWALLS).get(*fw))
        .map(|fw| served_firewall(store, fw))
        .collect()
}

fn service_exists(store: &Store, kind: &str, id: u64) -> Result<(), ApiError> {
    if store.entity_exists(kind, id) {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

fn list_service_firewalls(
    store: &Store,
    kind: &str,
    id: u64,
    req: &ListRequest,
) -> Result<Json<Value>, ApiError> {
    service_exists(store, kind, id)?;
    list_response(&firewalls_of(store, kind, id), FIREWALL_FILTERABLE, req)
}

/// `PUT .../firewalls` of a service: `firewall_ids` (at most one enabled) become its
/// firewalls; it leaves the others.
fn set_service_firewalls(
    store: &mut Store,
    kind: &str,
    id: u64,
    body: &Map<String, Value>,
    req: &ListRequest,
) -> Result<Json<Value>, ApiError> {
    service_exists(store, kind, id)?;
    let mut errs = Checks::default();
    let mut ids = Vec::new();
    match body.get("firewall_ids") {
        None | Some(Value::Null) => errs.add("firewall_ids", "firewall_ids is required"),
        Some(Value::Array(list)) => {
            for (i, v) in list.iter().enumerate() {
                match v.as_u64() {
                    Some(fw) if ids.contains(&fw) => {
                        errs.add(&format!("firewall_ids[{i}]"), "Listed twice")
                    }
                    Some(fw) if store.table(FIREWALLS).get(fw).is_some() => ids.push(fw),
                    Some(fw) => errs.add(
                        &format!("firewall_ids[{i}]"),
                        format!("Firewall {fw} not found"),
                    ),
                    None => errs.add(&format!("firewall_ids[{i}]"), "Must be a firewall id"),
                }
            }
            if ids.iter().filter(|fw| is_enabled(store, **fw)).count() > 1 {
                errs.add(
                    "firewall_ids",
                    format!("A {kind} can have only one enabled firewall"),
                );
            }
        }
        Some(_) => errs.add("firewall_ids", "firewall_ids must be an array"),
    }
    errs.finish(())?;
    // Leave the firewalls not listed first, so the one enabled firewall can change.
    let leaving: Vec<u64> = store
        .table(DEVICES)
        .values()
        .filter(|d| d["entity"]["type"] == kind && d["entity"]["id"].as_u64() == Some(id))
        .filter(|d| {
            !d["firewall_id"]
                .as_u64()
                .is_some_and(|fw| ids.contains(&fw))
        })
        .filter_map(|d| d["id"].as_u64())
        .collect();
    for device in leaving {
        if let Some(removed) = detach(store, device) {
            let fw_id = removed["firewall_id"].as_u64().unwrap_or_default();
            if let Some(fw) = store.table(FIREWALLS).get(fw_id).cloned() {
                store.record(Action::new(
                    "firewall_device_remove",
                    event_entity(fw_id, &fw),
                ));
            }
        }
    }
    for fw in ids {
        if let Ok(entity) = device_entity(store, kind, id, Some(fw)) {
            attach(store, fw, entity);
        }
    }
    list_response(&firewalls_of(store, kind, id), FIREWALL_FILTERABLE, req)
}

async fn list_linode_firewalls(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    list_service_firewalls(&state.store(), "linode", id, &req)
}

async fn set_linode_firewalls(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    set_service_firewalls(&mut state.store(), "linode", id, &body, &req)
}

async fn apply_linode_firewalls(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let label = store
        .entity_label("linode", id)
        .ok_or_else(ApiError::not_found)?;
    store.record(Action::new("firewall_apply", Entity::linode(id, &label)));
    Ok(Json(json!({})))
}

async fn list_nodebalancer_firewalls(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    list_service_firewalls(&state.store(), "nodebalancer", id, &req)
}

async fn set_nodebalancer_firewalls(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    set_service_firewalls(&mut state.store(), "nodebalancer", id, &body, &req)
}
