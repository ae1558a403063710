//! Network interfaces of a Linode, both generations:
//! - configuration profile interfaces (`legacy_config`),
//!   `/linode/instances/{id}/configs/{config}/interfaces[/{iface}|/order]`, kept in the
//!   profile's `interfaces` array (also settable with `interfaces` on a profile's create or
//!   update, [`apply_config_interfaces`]);
//! - Linode interfaces (`linode`), `/linode/instances/{id}/interfaces[/{iface}|/settings|
//!   /history|/{iface}/firewalls]`, and `/linode/instances/{id}/upgrade-interfaces`.
//!
//! State rules kept like the API:
//! - A profile has at most 3 interfaces, at most one `public`, at most one `primary` (never a
//!   `vlan` one); a `vlan` interface has a `label` (1-64 of `[a-zA-Z0-9-]`, unique in the
//!   profile) and may have an `ipam_address` (IPv4 CIDR), which the other purposes may not; a
//!   `vpc` interface names a `subnet_id` and joins it through
//!   [`attach_linode_to_subnet`](super::vpcs::attach_linode_to_subnet) (same region, an
//!   address allocated or the `ipv4.vpc` asked for): the subnet lists the Linode until the
//!   interface or its profile goes ([`release_config`]). Faults name the entry, such as
//!   `interfaces[1].purpose`.
//! - A Linode uses one generation (`interface_generation`): profile interfaces only on
//!   `legacy_config`, Linode interfaces only on `linode`. Upgrading turns every interface of a
//!   profile into a Linode interface and switches the generation; with `dry_run` it only
//!   answers what it would make.
//! - A Linode interface is exactly one of `public`, `vpc`, `vlan`; a Linode has at most 3,
//!   one `public`, one `vpc`, VLANs of distinct `vlan_label`s. It is created, changed or
//!   deleted only while the Linode is offline or being created. `firewall_id` (public and
//!   VPC only) must name an existing firewall; `null` or absent means the account's default
//!   for the kind, `-1` none. The firewall's devices list the interface and
//!   `.../interfaces/{id}/firewalls` lists the firewall. Every change adds a version to the
//!   Linode's `/interfaces/history`.
//! - `default_route.ipv4` is on at most one interface (the last one to ask for it wins, as
//!   `settings.default_route` shows), `ipv6` only on a public interface.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::linode_parts::instance;
use super::{ApiPath, AppState, JsonObject, ListRequest, list_response};
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::{Store, now};

/// The collection of Linode interfaces (as served, plus their `linode_id`).
pub(super) const LINODE_INTERFACES: &str = "linode_interfaces";
/// The history of Linode interfaces, by history id.
const HISTORY: &str = "linode_interface_history";
/// Interface settings of each Linode, by Linode id.
const SETTINGS: &str = "linode_interface_settings";
/// First id handed out to a history entry.
const FIRST_HISTORY_ID: u64 = 800_000;
/// At most this many interfaces on a profile or a Linode.
const MAX_INTERFACES: usize = 3;
const HISTORY_FILTERABLE: &[&str] = &["created", "interface_id", "version"];

pub(super) fn routes() -> Router<AppState> {
    let base = "/linode/instances/{id}";
    let config = format!("{base}/configs/{{config}}/interfaces");
    Router::new()
        .route(&config, get(list_config).post(create_config))
        .route(&format!("{config}/order"), post(order_config))
        .route(
            &format!("{config}/{{iface}}"),
            get(get_config).put(update_config).delete(delete_config),
        )
        .route(
            &format!("{base}/interfaces"),
            get(list_linode).post(create_linode),
        )
        .route(
            &format!("{base}/interfaces/settings"),
            get(get_settings).put(update_settings),
        )
        .route(&format!("{base}/interfaces/history"), get(history))
        .route(
            &format!("{base}/interfaces/{{iface}}"),
            get(get_linode).put(update_linode).delete(delete_linode),
        )
        .route(
            &format!("{base}/interfaces/{{iface}}/firewalls"),
            get(interface_firewalls),
        )
        .route(&format!("{base}/upgrade-interfaces"), post(upgrade))
}

/// `error` with every field named under `prefix` (such as `interfaces[1].`).
fn prefixed(mut error: ApiError, prefix: &str) -> ApiError {
    for item in &mut error.errors {
        if let Some(field) = &mut item.field {
            *field = format!("{prefix}{field}");
        }
    }
    error
}

/// Refuses work of the other generation than the Linode's.
fn generation(store: &Store, id: u64, wanted: &str) -> Result<(), ApiError> {
    instance(store, id)?;
    let current = store
        .instances()
        .get(id)
        .and_then(|i| i["interface_generation"].as_str())
        .unwrap_or("legacy_config");
    if current == wanted {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "This Linode uses {current} interfaces"
        )))
    }
}

fn is_vlan_label(label: &str) -> bool {
    !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn is_ipv4_cidr(text: &str) -> bool {
    text.parse::<ipnet::Ipv4Net>().is_ok()
}

// ----- configuration profile interfaces -----

/// Checks one profile interface (faults named under `prefix`); answers it as served, not yet
/// attached to a subnet (`vpc_id` found from the subnet).
fn check_config_interface(errs: &mut Checks, store: &Store, item: &Value, prefix: &str) -> Value {
    let f = |key: &str| format!("{prefix}{key}");
    let Some(body) = item.as_object() else {
        errs.add(prefix.trim_end_matches('.'), "Must be an object");
        return Value::Null;
    };
    let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    let purpose = text("purpose");
    match purpose.as_deref() {
        Some("public" | "vlan" | "vpc") => {}
        None => errs.add(&f("purpose"), "purpose is required"),
        Some(_) => errs.add(&f("purpose"), "purpose must be one of public, vlan, vpc"),
    }
    let label = text("label").filter(|l| !l.is_empty());
    let ipam = text("ipam_address").filter(|l| !l.is_empty());
    let primary = match body.get("primary") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errs.add(&f("primary"), "primary must be a boolean");
            false
        }
    };
    let mut served = json!({
        "id": 0, "purpose": purpose, "label": null, "ipam_address": null, "primary": primary,
        "active": false, "vpc_id": null, "subnet_id": null, "ipv4": null, "ipv6": null,
        "ip_ranges": [],
    });
    if purpose.as_deref() == Some("vlan") {
        match &label {
            None => errs.add(&f("label"), "label is required for VLAN interfaces"),
            Some(l) if !(1..=64).contains(&l.chars().count()) || !is_vlan_label(l) => errs.add(
                &f("label"),
                "Must be 1-64 characters of letters, digits and dashes",
            ),
            Some(l) => served["label"] = Value::from(l.clone()),
        }
        match &ipam {
            Some(a) if !is_ipv4_cidr(a) => errs.add(
                &f("ipam_address"),
                "Must be an IPv4 address in CIDR notation",
            ),
            Some(a) => served["ipam_address"] = Value::from(a.clone()),
            None => {}
        }
        if primary {
            errs.add(&f("primary"), "A VLAN interface cannot be primary");
        }
    } else if purpose.is_some() {
        if label.is_some() {
            errs.add(&f("label"), "label is only for VLAN interfaces");
        }
        if ipam.is_some() {
            errs.add(
                &f("ipam_address"),
                "ipam_address is only for VLAN interfaces",
            );
        }
    }
    if purpose.as_deref() == Some("vpc") {
        match body.get("subnet_id").and_then(Value::as_u64) {
            None => errs.add(&f("subnet_id"), "subnet_id is required for VPC interfaces"),
            Some(subnet) => match super::vpcs::vpc_of_subnet(store, subnet) {
                None => errs.add(&f("subnet_id"), "Subnet not found"),
                Some(vpc) => {
                    served["subnet_id"] = Value::from(subnet);
                    served["vpc_id"] = Value::from(vpc);
                }
            },
        }
        let ipv4 = body.get("ipv4").cloned().unwrap_or(Value::Null);
        if !(ipv4.is_null() || ipv4.is_object()) {
            errs.add(&f("ipv4"), "Must be an object");
        }
        for key in ["vpc", "nat_1_1"] {
            if !(ipv4[key].is_null() || ipv4[key].is_string()) {
                errs.add(&f(&format!("ipv4.{key}")), "Must be a string");
            }
        }
        served["ipv4"] = json!({"vpc": ipv4["vpc"], "nat_1_1": ipv4["nat_1_1"]});
        match body.get("ip_ranges") {
            None | Some(Value::Null) => {}
            Some(Value::Array(ranges)) => {
                for (i, range) in ranges.iter().enumerate() {
                    if !range.as_str().is_some_and(is_ipv4_cidr) {
                        errs.add(
                            &f(&format!("ip_ranges[{i}]")),
                            "Must be an IPv4 range in CIDR notation",
                        );
                    }
                }
                served["ip_ranges"] = Value::Array(ranges.clone());
            }
            Some(_) => errs.add(&f("ip_ranges"), "Must be an array"),
        }
    } else if purpose.is_some() {
        for key in ["subnet_id", "ip_ranges"] {
            if body.get(key).is_some_and(|v| !v.is_null()) {
                errs.add(&f(key), format!("{key} is only for VPC interfaces"));
            }
        }
    }
    served
}

/// The rules between the interfaces of one profile: count, one public, one primary, VLANs
/// distinct. `prefix` names an entry by its index (`interfaces[1].`).
fn check_config_set(errs: &mut Checks, list: &[Value], prefix: impl Fn(usize) -> String) {
    if list.len() > MAX_INTERFACES {
        errs.add(
            "interfaces",
            "A configuration profile has at most 3 interfaces",
        );
    }
    let mut seen_public = false;
    let mut seen_primary = false;
    let mut labels = Vec::new();
    for (i, item) in list.iter().enumerate() {
        if item["purpose"] == "public" {
            if seen_public {
                errs.add(
                    &format!("{}purpose", prefix(i)),
                    "Only one public interface is allowed",
                );
            }
            seen_public = true;
        }
        if item["primary"] == true {
            if seen_primary {
                errs.add(
                    &format!("{}primary", prefix(i)),
                    "Only one interface can be primary",
                );
            }
            seen_primary = true;
        }
        if let Some(label) = item["label"].as_str().filter(|_| item["purpose"] == "vlan") {
            if labels.contains(&label) {
                errs.add(
                    &format!("{}label", prefix(i)),
                    "This VLAN is already attached to the configuration profile",
                );
            }
            labels.push(label);
        }
    }
}

/// [`check_config_set`] for a profile whose entry `index` is the one in the request: its
/// faults are named by its own fields, the others' by their place (`interfaces[0].`).
fn check_set_around(list: &[Value], index: usize) -> Result<(), ApiError> {
    let mut errs = Checks::default();
    check_config_set(&mut errs, list, |i| {
        if i == index {
            String::new()
        } else {
            format!("interfaces[{i}].")
        }
    });
    errs.finish(())
}

/// A whole `interfaces` list of profile interfaces, entry by entry and as a set; faults name
/// the entry (`interfaces[1].purpose`).
fn check_config_list(errs: &mut Checks, store: &Store, list: &[Value]) -> Vec<Value> {
    let served: Vec<Value> = list
        .iter()
        .enumerate()
        .map(|(i, item)| check_config_interface(errs, store, item, &format!("interfaces[{i}].")))
        .collect();
    check_config_set(errs, &served, |i| format!("interfaces[{i}]."));
    served
}

/// Gives a checked profile interface its id, attaching a `vpc` one to its subnet (which
/// allocates its address).
fn attach_config_interface(
    store: &mut Store,
    id: u64,
    config_id: u64,
    mut served: Value,
) -> Result<Value, ApiError> {
    // In use only once the Linode boots with it (see `interface_activity`).
    served["active"] = Value::from(false);
    if served["purpose"] == "vpc" {
        let vpc = served["vpc_id"].as_u64().unwrap_or_default();
        let subnet = served["subnet_id"].as_u64().unwrap_or_default();
        let wanted = served["ipv4"]["vpc"].as_str().map(str::to_owned);
        let nat = !served["ipv4"]["nat_1_1"].is_null();
        let address =
            super::vpcs::attach_linode_to_subnet(store, vpc, subnet, id, wanted.as_deref(), nat)?;
        let iface = address["interface_id"].as_u64().unwrap_or_default();
        super::vpcs::set_interface_address(store, iface, "config_id", Value::from(config_id));
        super::interface_activity::pending(store, iface);
        served["id"] = Value::from(iface);
        served["ipv4"] = json!({"vpc": address["address"], "nat_1_1": address["nat_1_1"]});
    } else {
        served["id"] = Value::from(store.next_id("interface", super::vpcs::FIRST_INTERFACE_ID));
    }
    Ok(served)
}

/// Releases what the interfaces of a profile hold (the VPC addresses), as when they or the
/// profile are deleted.
pub(super) fn release_config(store: &mut Store, config: &Value) {
    for iface in config["interfaces"].as_array().into_iter().flatten() {
        if iface["purpose"] == "vpc" {
            if let Some(id) = iface["id"].as_u64() {
                super::vpcs::release_interface(store, id);
            }
        }
    }
}

/// `interfaces` of a profile's create or update body: checked entry by entry, then the
/// profile's interfaces are replaced (the old ones released, the new VPC ones attached).
pub(super) fn apply_config_interfaces(
    body: &Map<String, Value>,
    store: &mut Store,
    id: u64,
    config_id: u64,
    config: &mut Value,
) -> Result<(), ApiError> {
    let list = match body.get("interfaces") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(ApiError::field("interfaces", "Must be an array")),
    };
    let mut errs = Checks::default();
    let served = check_config_list(&mut errs, store, list);
    errs.finish(())?;
    let old = config.clone();
    release_config(store, &old);
    let mut attached = Vec::new();
    for (i, item) in served.into_iter().enumerate() {
        match attach_config_interface(store, id, config_id, item) {
            Ok(item) => attached.push(item),
            Err(e) => {
                // Undo: release what this body attached, give the old ones back.
                release_config(store, &json!({"interfaces": attached}));
                let kept = reattach(store, id, config_id, &old);
                config["interfaces"] = Value::Array(kept);
                return Err(prefixed(e, &format!("interfaces[{i}].")));
            }
        }
    }
    config["interfaces"] = Value::Array(attached);
    Ok(())
}

/// Attaches again the interfaces of `config` that were released (best effort, same ids are
/// not kept for VPC ones).
fn reattach(store: &mut Store, id: u64, config_id: u64, config: &Value) -> Vec<Value> {
    config["interfaces"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| {
            if i["purpose"] == "vpc" {
                attach_config_interface(store, id, config_id, i.clone()).ok()
            } else {
                Some(i.clone())
            }
        })
        .collect()
}

/// The profile `config_id` of Linode `id` (legacy generation), or 404.
fn config_of(store: &mut Store, id: u64, config_id: u64) -> Result<Value, ApiError> {
    generation(store, id, "legacy_config")?;
    store.ensure_parts(id);
    store
        .child(crate::compute::Child::Configs, id, config_id)
        .ok_or_else(ApiError::not_found)
}

fn save_config(store: &mut Store, id: u64, config_id: u64, mut config: Value) {
    config["updated"] = Value::from(now());
    if store.has_parts(id) {
        store.add_child(crate::compute::Child::Configs, id, config_id, config);
    }
}

fn interfaces_of(config: &Value) -> Vec<Value> {
    config["interfaces"].as_array().cloned().unwrap_or_default()
}

async fn list_config(
    State(state): State<AppState>,
    ApiPath((id, config_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let config = config_of(&mut store, id, config_id)?;
    Ok(Json(Value::Array(interfaces_of(&config))))
}

async fn get_config(
    State(state): State<AppState>,
    ApiPath((id, config_id, iface)): ApiPath<(u64, u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let config = config_of(&mut store, id, config_id)?;
    interfaces_of(&config)
        .into_iter()
        .find(|i| i["id"].as_u64() == Some(iface))
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

async fn create_config(
    State(state): State<AppState>,
    ApiPath((id, config_id)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut config = config_of(&mut store, id, config_id)?;
    let mut errs = Checks::default();
    let served = check_config_interface(&mut errs, &store, &Value::Object(body), "");
    errs.finish(())?;
    let mut list = interfaces_of(&config);
    list.push(served.clone());
    let last = list.len() - 1;
    check_set_around(&list, last)?;
    let item = attach_config_interface(&mut store, id, config_id, served)?;
    list[last] = item.clone();
    config["interfaces"] = Value::Array(list);
    save_config(&mut store, id, config_id, config);
    Ok(Json(item))
}

async fn update_config(
    State(state): State<AppState>,
    ApiPath((id, config_id, iface)): ApiPath<(u64, u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut config = config_of(&mut store, id, config_id)?;
    let mut list = interfaces_of(&config);
    let index = list
        .iter()
        .position(|i| i["id"].as_u64() == Some(iface))
        .ok_or_else(ApiError::not_found)?;
    let mut item = list[index].clone();
    let mut errs = Checks::default();
    if let Some(primary) = errs.boolean(&body, "primary") {
        if primary && item["purpose"] == "vlan" {
            errs.add("primary", "A VLAN interface cannot be primary");
        }
        item["primary"] = Value::from(primary);
    }
    let vpc_only = ["ipv4", "ip_ranges"];
    if item["purpose"] != "vpc" {
        for key in vpc_only {
            if body.get(key).is_some_and(|v| !v.is_null()) {
                errs.add(key, format!("{key} is only for VPC interfaces"));
            }
        }
    } else {
        if let Some(ranges) = errs.strings(&body, "ip_ranges") {
            for (i, range) in ranges.iter().enumerate() {
                if !is_ipv4_cidr(range) {
                    errs.add(
                        &format!("ip_ranges[{i}]"),
                        "Must be an IPv4 range in CIDR notation",
                    );
                }
            }
            item["ip_ranges"] = json!(ranges);
        }
        if let Some(ipv4) = errs.object(&body, "ipv4") {
            if let Some(nat) = ipv4.get("nat_1_1") {
                item["ipv4"]["nat_1_1"] = nat.clone();
            }
        }
    }
    errs.finish(())?;
    list[index] = item.clone();
    check_set_around(&list, index)?;
    config["interfaces"] = Value::Array(list);
    save_config(&mut store, id, config_id, config);
    Ok(Json(item))
}

async fn delete_config(
    State(state): State<AppState>,
    ApiPath((id, config_id, iface)): ApiPath<(u64, u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut config = config_of(&mut store, id, config_id)?;
    let mut list = interfaces_of(&config);
    let index = list
        .iter()
        .position(|i| i["id"].as_u64() == Some(iface))
        .ok_or_else(ApiError::not_found)?;
    let removed = list.remove(index);
    release_config(&mut store, &json!({"interfaces": [removed]}));
    config["interfaces"] = Value::Array(list);
    save_config(&mut store, id, config_id, config);
    Ok(Json(json!({})))
}

async fn order_config(
    State(state): State<AppState>,
    ApiPath((id, config_id)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut config = config_of(&mut store, id, config_id)?;
    let list = interfaces_of(&config);
    let ids: Vec<u64> = match body.get("ids").and_then(Value::as_array) {
        Some(ids) if ids.iter().all(Value::is_u64) => {
            ids.iter().filter_map(Value::as_u64).collect()
        }
        _ => {
            return Err(ApiError::field(
                "ids",
                "ids must be an array of interface ids",
            ));
        }
    };
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    let mut current: Vec<u64> = list.iter().filter_map(|i| i["id"].as_u64()).collect();
    current.sort_unstable();
    if sorted != current {
        return Err(ApiError::field(
            "ids",
            "Must list every interface of the configuration profile once",
        ));
    }
    let ordered: Vec<Value> = ids
        .iter()
        .filter_map(|want| {
            list.iter()
                .find(|i| i["id"].as_u64() == Some(*want))
                .cloned()
        })
        .collect();
    config["interfaces"] = Value::Array(ordered);
    save_config(&mut store, id, config_id, config);
    Ok(Json(json!({})))
}

// ----- Linode interfaces -----

/// Linode `id`'s interfaces as stored, in id order.
fn linode_interfaces(store: &Store, id: u64) -> Vec<Value> {
    store
        .table(LINODE_INTERFACES)
        .values()
        .filter(|i| i["linode_id"].as_u64() == Some(id))
        .cloned()
        .collect()
}

/// A stored interface as served (without its `linode_id`).
fn served(item: &Value) -> Value {
    let mut item = item.clone();
    if let Some(map) = item.as_object_mut() {
        map.remove("linode_id");
    }
    item
}

/// Interface changes are refused unless the Linode is off or being created.
fn powered_off(store: &Store, id: u64) -> Result<(), ApiError> {
    let (_, status) = instance(store, id)?;
    if matches!(status.as_str(), "offline" | "provisioning") {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "The Linode must be powered off to change its interfaces",
        ))
    }
}

/// The kind of a Linode interface body: the one of `public`, `vpc`, `vlan` that is set.
fn kind_of(body: &Map<String, Value>) -> Result<&'static str, ApiError> {
    let set: Vec<&'static str> = ["public", "vpc", "vlan"]
        .into_iter()
        .filter(|k| body.get(*k).is_some_and(|v| !v.is_null()))
        .collect();
    match set.as_slice() {
        [one] => Ok(one),
        [] => Err(ApiError::bad_request(
            "Set exactly one of public, vpc or vlan",
        )),
        _ => Err(ApiError::fields(
            set.iter()
                .map(|k| {
                    (
                        (*k).to_owned(),
                        "Set exactly one of public, vpc or vlan".to_owned(),
                    )
                })
                .collect(),
        )),
    }
}

/// A new Linode interface of Linode `id` from its create body, checked against the Linode's
/// other interfaces (`others`), as stored; the public address it takes, its firewall and
/// its VPC address are settled by [`make_linode_interface`].
fn check_linode_interface(
    store: &Store,
    id: u64,
    body: &Map<String, Value>,
    others: &[Value],
) -> Result<(Value, Option<u64>), ApiError> {
    let region = store
        .instances()
        .get(id)
        .map_or(Value::Null, |i| i["region"].clone());
    check_interface_in(store, id, &region, body, others)
}

/// [`check_linode_interface`] for a Linode (`id`, 0 while it is being checked for creation)
/// in `region`: a VPC interface's subnet must be of the same region.
fn check_interface_in(
    store: &Store,
    id: u64,
    region: &Value,
    body: &Map<String, Value>,
    others: &[Value],
) -> Result<(Value, Option<u64>), ApiError> {
    let kind = kind_of(body)?;
    let mut errs = Checks::default();
    if others.len() >= MAX_INTERFACES {
        errs.add(kind, "A Linode has at most 3 interfaces");
    }
    let ts = now();
    let mut item = json!({
        "id": 0, "linode_id": id, "version": 1, "created": ts, "updated": ts,
        "mac_address": null, "default_route": {"ipv4": false, "ipv6": false},
        "public": null, "vpc": null, "vlan": null,
    });
    let spec = body.get(kind).cloned().unwrap_or(Value::Null);
    if !spec.is_object() {
        errs.add(kind, "Must be an object");
        return Err(ApiError::fields(vec![(
            kind.into(),
            "Must be an object".into(),
        )]));
    }
    match kind {
        "public" => {
            if others.iter().any(|o| !o["public"].is_null()) {
                errs.add("public", "A Linode has only one public interface");
            }
            let addresses = &spec["ipv4"]["addresses"];
            let wanted: Vec<Value> = match addresses {
                Value::Null => vec![json!({"address": "auto", "primary": true})],
                Value::Array(list) => list.clone(),
                _ => {
                    errs.add("public.ipv4.addresses", "Must be an array");
                    Vec::new()
                }
            };
            for (i, a) in wanted.iter().enumerate() {
                let address = a["address"].as_str().unwrap_or("auto");
                if address != "auto" && address.parse::<std::net::Ipv4Addr>().is_err() {
                    errs.add(
                        &format!("public.ipv4.addresses[{i}].address"),
                        "Must be an IPv4 address or auto",
                    );
                }
            }
            if wanted.iter().filter(|a| a["primary"] == true).count() > 1 {
                errs.add("public.ipv4.addresses", "Only one address can be primary");
            }
            let ranges = spec["ipv6"]["ranges"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for (i, r) in ranges.iter().enumerate() {
                let text = r["range"].as_str().unwrap_or_default();
                let ok = matches!(text, "/64" | "/56")
                    || text
                        .parse::<ipnet::Ipv6Net>()
                        .is_ok_and(|n| matches!(n.prefix_len(), 56 | 64));
                if !ok {
                    errs.add(
                        &format!("public.ipv6.ranges[{i}].range"),
                        "Must be a /64 or /56 IPv6 range or prefix",
                    );
                }
            }
            item["public"] = json!({
                "ipv4": {"addresses": wanted, "shared": []},
                "ipv6": {"ranges": ranges.iter().map(|r| json!({"range": r["range"], "route_target": null})).collect::<Vec<_>>(),
                         "shared": [], "slaac": []},
            });
        }
        "vpc" => {
            if others.iter().any(|o| !o["vpc"].is_null()) {
                errs.add("vpc", "A Linode has only one VPC interface");
            }
            match spec["subnet_id"].as_u64() {
                None => errs.add("vpc.subnet_id", "subnet_id is required"),
                Some(subnet) => match super::vpcs::vpc_of_subnet(store, subnet) {
                    None => errs.add("vpc.subnet_id", "Subnet not found"),
                    Some(vpc) => {
                        if store.table("vpcs").get(vpc).map(|v| &v["region"]) != Some(region) {
                            errs.add(
                                "vpc.subnet_id",
                                "The Linode and the VPC must be in the same region",
                            );
                        }
                        let ranges = spec["ipv4"]["ranges"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default();
                        for (i, r) in ranges.iter().enumerate() {
                            let text = r["range"].as_str().unwrap_or_default();
                            if !(is_ipv4_cidr(text)
                                || text
                                    .strip_prefix('/')
                                    .is_some_and(|p| p.parse::<u8>().is_ok_and(|p| p <= 32)))
                            {
                                errs.add(
                                    &format!("vpc.ipv4.ranges[{i}].range"),
                                    "Must be an IPv4 range or prefix",
                                );
                            }
                        }
                        item["vpc"] = json!({
                            "vpc_id": vpc, "subnet_id": subnet,
                            "ipv4": {"addresses": spec["ipv4"]["addresses"].as_array().cloned()
                                .unwrap_or_else(|| vec![json!({"address": "auto", "primary": true, "nat_1_1_address": null})]),
                                "ranges": ranges},
                        });
                    }
                },
            }
        }
        _ => {
            let label = spec["vlan_label"].as_str().unwrap_or_default();
            if !(1..=64).contains(&label.chars().count()) || !is_vlan_label(label) {
                errs.add(
                    "vlan.vlan_label",
                    "Must be 1-64 characters of letters, digits and dashes",
                );
            } else if others.iter().any(|o| o["vlan"]["vlan_label"] == label) {
                errs.add(
                    "vlan.vlan_label",
                    "This Linode already has an interface on this VLAN",
                );
            }
            let ipam = spec["ipam_address"].as_str();
            if ipam.is_some_and(|a| !is_ipv4_cidr(a)) {
                errs.add(
                    "vlan.ipam_address",
                    "Must be an IPv4 address in CIDR notation",
                );
            }
            item["vlan"] = json!({"vlan_label": label, "ipam_address": ipam});
            let firewall = body.get("firewall_id").filter(|v| !v.is_null());
            if firewall.is_some_and(|v| v.as_i64() != Some(-1)) {
                errs.add("firewall_id", "Firewalls do not apply to VLAN interfaces");
            }
        }
    }
    let route = body.get("default_route").cloned().unwrap_or(Value::Null);
    apply_default_route(&mut errs, kind, &route, &mut item);
    let firewall = match (kind, body.get("firewall_id")) {
        ("vlan", _) => None,
        (_, None | Some(Value::Null)) => {
            super::firewalls::default_firewall(store, &format!("{kind}_interface"))
        }
        (_, Some(v)) if v.as_i64() == Some(-1) => None,
        (_, Some(v)) => match v.as_u64() {
            Some(fw) if store.table("firewalls").get(fw).is_some() => Some(fw),
            Some(fw) => {
                errs.add("firewall_id", format!("Firewall {fw} not found"));
                None
            }
            None => {
                errs.add("firewall_id", "firewall_id must be an integer or -1");
                None
            }
        },
    };
    errs.finish((item, firewall))
}

/// The `default_route` of a body, onto `item` (an interface of `kind`): a VLAN interface
/// takes no default route, and only a public one takes the IPv6 one.
fn apply_default_route(errs: &mut Checks, kind: &str, route: &Value, item: &mut Value) {
    for family in ["ipv4", "ipv6"] {
        match &route[family] {
            Value::Null => {}
            Value::Bool(on) => {
                if *on && (kind == "vlan" || (family == "ipv6" && kind != "public")) {
                    errs.add(
                        &format!("default_route.{family}"),
                        format!("A {kind} interface cannot be the {family} default route"),
                    );
                }
                item["default_route"][family] = Value::Bool(*on);
            }
            _ => errs.add(&format!("default_route.{family}"), "Must be a boolean"),
        }
    }
}

/// Stores a checked interface: its id, its public or VPC addresses, its firewall; clears the
/// default route of the others when it takes it; adds its first history version.
fn make_linode_interface(
    store: &mut Store,
    id: u64,
    mut item: Value,
    firewall: Option<u64>,
) -> Result<Value, ApiError> {
    if !item["public"].is_null() {
        let public = store
            .instances()
            .get(id)
            .and_then(|i| i["ipv4"].as_array())
            .and_then(|a| a.first())
            .cloned()
            .unwrap_or(Value::Null);
        if let Some(list) = item["public"]["ipv4"]["addresses"].as_array_mut() {
            let only = list.len() == 1;
            for a in list.iter_mut() {
                if a["address"] == "auto" || a["address"].is_null() {
                    a["address"] = public.clone();
                }
                a["primary"] = Value::Bool(only || a["primary"] == true);
            }
        }
    }
    let iface = if !item["vpc"].is_null() {
        let vpc = item["vpc"]["vpc_id"].as_u64().unwrap_or_default();
        let subnet = item["vpc"]["subnet_id"].as_u64().unwrap_or_default();
        let first = item["vpc"]["ipv4"]["addresses"][0].clone();
        let wanted = first["address"].as_str().filter(|a| *a != "auto");
        let nat = !first["nat_1_1_address"].is_null();
        let address = super::vpcs::attach_linode_to_subnet(store, vpc, subnet, id, wanted, nat)
            .map_err(|e| prefixed(e, "vpc."))?;
        super::vpcs::set_interface_address(
            store,
            address["interface_id"].as_u64().unwrap_or_default(),
            "config_id",
            Value::Null,
        );
        item["vpc"]["ipv4"]["addresses"] = json!([{
            "address": address["address"], "primary": true, "nat_1_1_address": address["nat_1_1"],
        }]);
        address["interface_id"].as_u64().unwrap_or_default()
    } else {
        store.next_id("interface", super::vpcs::FIRST_INTERFACE_ID)
    };
    item["id"] = Value::from(iface);
    item["mac_address"] = Value::from(format!(
        "22:00:{:02x}:{:02x}:{:02x}:{:02x}",
        (iface >> 24) & 0xff,
        (iface >> 16) & 0xff,
        (iface >> 8) & 0xff,
        iface & 0xff
    ));
    take_default_routes(store, id, &item);
    store
        .table_mut(LINODE_INTERFACES)
        .insert(iface, item.clone());
    if let Some(fw) = firewall {
        if let Err(reason) = super::firewalls::attach_interface(store, fw, iface) {
            store.table_mut(LINODE_INTERFACES).remove(iface);
            super::vpcs::release_interface(store, iface);
            return Err(ApiError::field("firewall_id", reason));
        }
    }
    add_history(store, id, &item);
    Ok(item)
}

/// When `item` takes a default route, the Linode's other interfaces give it up.
fn take_default_routes(store: &mut Store, id: u64, item: &Value) {
    let own = item["id"].as_u64();
    for family in ["ipv4", "ipv6"] {
        if item["default_route"][family] != true {
            continue;
        }
        for (_, other) in store.table_mut(LINODE_INTERFACES).iter_mut() {
            if other["linode_id"].as_u64() == Some(id) && other["id"].as_u64() != own {
                other["default_route"][family] = Value::Bool(false);
            }
        }
    }
}

/// Adds a version of interface `item` to its Linode's history.
fn add_history(store: &mut Store, id: u64, item: &Value) {
    let history_id = store.next_id("interface_history", FIRST_HISTORY_ID);
    let entry = json!({
        "interface_history_id": history_id,
        "interface_id": item["id"],
        "linode_id": id,
        "event_id": null,
        "version": item["version"],
        "interface_data": served(item).to_string(),
        "status": "Active",
        "created": now(),
    });
    store.table_mut(HISTORY).insert(history_id, entry);
}

fn record(store: &mut Store, id: u64, action: &str) {
    if let Ok((label, _)) = instance(store, id) {
        store.record(Action::new(action, Entity::linode(id, &label)));
    }
}

async fn list_linode(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    generation(&store, id, "linode")?;
    let list: Vec<Value> = linode_interfaces(&store, id).iter().map(served).collect();
    Ok(Json(json!({"interfaces": list})))
}

/// Interface `iface` of Linode `id` as stored, or 404.
fn linode_interface(store: &Store, id: u64, iface: u64) -> Result<Value, ApiError> {
    generation(store, id, "linode")?;
    store
        .table(LINODE_INTERFACES)
        .get(iface)
        .filter(|i| i["linode_id"].as_u64() == Some(id))
        .cloned()
        .ok_or_else(ApiError::not_found)
}

async fn get_linode(
    State(state): State<AppState>,
    ApiPath((id, iface)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(served(&linode_interface(&state.store(), id, iface)?)))
}

async fn create_linode(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    generation(&store, id, "linode")?;
    powered_off(&store, id)?;
    let others = linode_interfaces(&store, id);
    let (item, firewall) = check_linode_interface(&store, id, &body, &others)?;
    let item = make_linode_interface(&mut store, id, item, firewall)?;
    record(&mut store, id, "interface_create");
    Ok(Json(served(&item)))
}

/// Checks the interfaces of a new Linode's create body before anything is made: Linode
/// interfaces with `interface_generation: linode`, profile interfaces otherwise; faults name
/// the entry (`interfaces[1].vpc.subnet_id`).
pub(super) fn check_new_linode_interfaces(
    store: &Store,
    body: &Map<String, Value>,
) -> Result<Vec<(Value, Option<u64>)>, ApiError> {
    let linode_generation =
        body.get("interface_generation").and_then(Value::as_str) == Some("linode");
    let Some(list) = body.get("interfaces").filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let Some(list) = list.as_array() else {
        return Err(ApiError::field("interfaces", "Must be an array"));
    };
    if !linode_generation {
        return check_new_config_interfaces(store, body, list);
    }
    let region = body.get("region").cloned().unwrap_or(Value::Null);
    let mut checked: Vec<(Value, Option<u64>)> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let prefix = format!("interfaces[{i}].");
        let body = entry
            .as_object()
            .ok_or_else(|| ApiError::field(format!("interfaces[{i}]"), "Must be an object"))?;
        let others: Vec<Value> = checked.iter().map(|(v, _)| v.clone()).collect();
        let made = check_interface_in(store, 0, &region, body, &others)
            .map_err(|e| prefixed(e, &prefix))?;
        checked.push(made);
    }
    Ok(checked)
}

/// Configuration profile interfaces of a new Linode's create body (`legacy_config`): each
/// checked as a profile's, a VPC one in the Linode's region. Answered without firewall.
fn check_new_config_interfaces(
    store: &Store,
    body: &Map<String, Value>,
    list: &[Value],
) -> Result<Vec<(Value, Option<u64>)>, ApiError> {
    let mut errs = Checks::default();
    let served = check_config_list(&mut errs, store, list);
    let region = body.get("region").cloned().unwrap_or(Value::Null);
    for (i, item) in served.iter().enumerate() {
        let vpc = item["vpc_id"]
            .as_u64()
            .and_then(|v| store.table("vpcs").get(v));
        if vpc.is_some_and(|v| v["region"] != region) {
            errs.add(
                &format!("interfaces[{i}].subnet_id"),
                "The Linode and the VPC must be in the same region",
            );
        }
    }
    errs.finish(served.into_iter().map(|s| (s, None)).collect())
}

/// Gives new Linode `id` the interfaces [`check_new_linode_interfaces`] checked, and the
/// `linode` generation when its body asked for it.
pub(super) fn make_new_linode_interfaces(
    store: &mut Store,
    id: u64,
    body: &Map<String, Value>,
    checked: Vec<(Value, Option<u64>)>,
) -> Result<(), ApiError> {
    if body.get("interface_generation").and_then(Value::as_str) != Some("linode") {
        return legacy_interfaces_on_create(store, id, checked);
    }
    if let Some(item) = store.instances_mut().get_mut(id) {
        item["interface_generation"] = Value::from("linode");
    }
    for (i, (mut item, firewall)) in checked.into_iter().enumerate() {
        item["linode_id"] = Value::from(id);
        make_linode_interface(store, id, item, firewall)
            .map_err(|e| prefixed(e, &format!("interfaces[{i}].")))?;
    }
    Ok(())
}

/// Puts the checked profile interfaces of a new `legacy_config` Linode on its profile (the
/// one its image deployment made; a Linode without a profile keeps none).
fn legacy_interfaces_on_create(
    store: &mut Store,
    id: u64,
    checked: Vec<(Value, Option<u64>)>,
) -> Result<(), ApiError> {
    if checked.is_empty() {
        return Ok(());
    }
    store.ensure_parts(id);
    let Some(mut config) = store
        .children(crate::compute::Child::Configs, id)
        .first()
        .cloned()
    else {
        return Ok(());
    };
    let config_id = config["id"].as_u64().unwrap_or_default();
    let mut attached = Vec::new();
    for (i, (item, _)) in checked.into_iter().enumerate() {
        attached.push(
            attach_config_interface(store, id, config_id, item)
                .map_err(|e| prefixed(e, &format!("interfaces[{i}].")))?,
        );
    }
    config["interfaces"] = Value::Array(attached);
    save_config(store, id, config_id, config);
    Ok(())
}

async fn update_linode(
    State(state): State<AppState>,
    ApiPath((id, iface)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut item = linode_interface(&store, id, iface)?;
    powered_off(&store, id)?;
    let mut errs = Checks::default();
    let kind = ["public", "vpc", "vlan"]
        .into_iter()
        .find(|k| !item[*k].is_null())
        .unwrap_or("public");
    for other in ["public", "vpc", "vlan"].into_iter().filter(|k| *k != kind) {
        if body.get(other).is_some_and(|v| !v.is_null()) {
            errs.add(other, format!("The interface is a {kind} interface"));
        }
    }
    if let Some(route) = errs.object(&body, "default_route") {
        apply_default_route(&mut errs, kind, &Value::Object(route.clone()), &mut item);
    }
    if kind == "vlan" {
        if let Some(vlan) = errs.object(&body, "vlan") {
            if let Some(ipam) = vlan.get("ipam_address").filter(|v| !v.is_null()) {
                if ipam.as_str().is_some_and(is_ipv4_cidr) {
                    item["vlan"]["ipam_address"] = ipam.clone();
                } else {
                    errs.add(
                        "vlan.ipam_address",
                        "Must be an IPv4 address in CIDR notation",
                    );
                }
            }
            if vlan
                .get("vlan_label")
                .is_some_and(|l| *l != item["vlan"]["vlan_label"])
            {
                errs.add("vlan.vlan_label", "The VLAN of an interface cannot change");
            }
        }
    }
    if kind == "vpc" {
        if let Some(vpc) = errs.object(&body, "vpc") {
            if vpc
                .get("subnet_id")
                .is_some_and(|s| *s != item["vpc"]["subnet_id"])
            {
                errs.add("vpc.subnet_id", "The subnet of an interface cannot change");
            }
        }
    }
    errs.finish(())?;
    item["version"] = Value::from(item["version"].as_u64().unwrap_or(1) + 1);
    item["updated"] = Value::from(now());
    take_default_routes(&mut store, id, &item);
    store
        .table_mut(LINODE_INTERFACES)
        .insert(iface, item.clone());
    add_history(&mut store, id, &item);
    record(&mut store, id, "interface_update");
    Ok(Json(served(&item)))
}

async fn delete_linode(
    State(state): State<AppState>,
    ApiPath((id, iface)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    linode_interface(&store, id, iface)?;
    powered_off(&store, id)?;
    forget_linode_interface(&mut store, iface);
    record(&mut store, id, "interface_delete");
    Ok(Json(json!({})))
}

/// Removes interface `iface`: its VPC address, its firewall devices.
fn forget_linode_interface(store: &mut Store, iface: u64) {
    store.table_mut(LINODE_INTERFACES).remove(iface);
    super::vpcs::release_interface(store, iface);
    super::firewalls::forget_entity(store, "linode_interface", iface);
}

/// Forgets the Linode interfaces of deleted Linode `id` (its delete route calls this).
pub(super) fn forget_linode(store: &mut Store, id: u64) {
    for item in linode_interfaces(store, id) {
        forget_linode_interface(store, item["id"].as_u64().unwrap_or_default());
    }
}

async fn interface_firewalls(
    State(state): State<AppState>,
    ApiPath((id, iface)): ApiPath<(u64, u64)>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    linode_interface(&store, id, iface)?;
    let list = super::firewalls::firewalls_of(&store, "linode_interface", iface);
    list_response(&list, super::firewalls::FIREWALL_FILTERABLE, &req)
}

async fn history(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    instance(&store, id)?;
    let list: Vec<&Value> = store
        .table(HISTORY)
        .values()
        .filter(|h| h["linode_id"].as_u64() == Some(id))
        .collect();
    list_response(list, HISTORY_FILTERABLE, &req)
}

/// The settings of Linode `id`: its network helper and which interfaces hold (and may hold)
/// the default routes.
fn settings(store: &Store, id: u64) -> Value {
    let list = linode_interfaces(store, id);
    let holder = |family: &str| {
        list.iter()
            .find(|i| i["default_route"][family] == true)
            .map_or(Value::Null, |i| i["id"].clone())
    };
    let eligible = |family: &str| -> Vec<Value> {
        list.iter()
            .filter(|i| i["vlan"].is_null() && (family == "ipv4" || !i["public"].is_null()))
            .map(|i| i["id"].clone())
            .collect()
    };
    let helper = store
        .table(SETTINGS)
        .get(id)
        .map_or(Value::Bool(true), |s| s["network_helper"].clone());
    json!({
        "network_helper": helper,
        "default_route": {
            "ipv4_interface_id": holder("ipv4"),
            "ipv4_eligible_interface_ids": eligible("ipv4"),
            "ipv6_interface_id": holder("ipv6"),
            "ipv6_eligible_interface_ids": eligible("ipv6"),
        },
    })
}

async fn get_settings(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    instance(&store, id)?;
    Ok(Json(settings(&store, id)))
}

async fn update_settings(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    instance(&store, id)?;
    let current = settings(&store, id);
    let mut errs = Checks::default();
    let helper = errs.boolean(&body, "network_helper");
    let mut routes = Vec::new();
    if let Some(route) = errs.object(&body, "default_route") {
        for family in ["ipv4", "ipv6"] {
            let key = format!("{family}_interface_id");
            if let Some(v) = route.get(&key).filter(|v| !v.is_null()) {
                let eligible =
                    &current["default_route"][format!("{family}_eligible_interface_ids")];
                if eligible.as_array().is_some_and(|e| e.contains(v)) {
                    routes.push((family, v.as_u64().unwrap_or_default()));
                } else {
                    errs.add(
                        &format!("default_route.{key}"),
                        format!("Not an interface of this Linode eligible for the {family} default route"),
                    );
                }
            }
        }
    }
    errs.finish(())?;
    if let Some(helper) = helper {
        store
            .table_mut(SETTINGS)
            .insert(id, json!({"network_helper": helper}));
    }
    for (family, iface) in routes {
        let Some(mut item) = store.table(LINODE_INTERFACES).get(iface).cloned() else {
            continue;
        };
        item["default_route"][family] = Value::Bool(true);
        take_default_routes(&mut store, id, &item);
        store.table_mut(LINODE_INTERFACES).insert(iface, item);
    }
    Ok(Json(settings(&store, id)))
}

/// The Linode interface a profile interface becomes on upgrade, as a create body.
fn upgraded(config_iface: &Value, first_non_vlan: bool) -> Map<String, Value> {
    let mut body = Map::new();
    let primary = config_iface["primary"] == true || first_non_vlan;
    match config_iface["purpose"].as_str() {
        Some("public") => {
            body.insert("public".into(), json!({}));
            body.insert(
                "default_route".into(),
                json!({"ipv4": primary, "ipv6": primary}),
            );
        }
        Some("vpc") => {
            body.insert(
                "vpc".into(),
                json!({"subnet_id": config_iface["subnet_id"], "ipv4": {"addresses": [{
                    "address": config_iface["ipv4"]["vpc"], "primary": true,
                    "nat_1_1_address": config_iface["ipv4"]["nat_1_1"],
                }]}}),
            );
            body.insert("default_route".into(), json!({"ipv4": primary}));
        }
        _ => {
            body.insert(
                "vlan".into(),
                json!({"vlan_label": config_iface["label"], "ipam_address": config_iface["ipam_address"]}),
            );
        }
    }
    // The profile's interfaces had no firewalls of their own.
    body.insert("firewall_id".into(), Value::from(-1));
    body
}

async fn upgrade(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    generation(&store, id, "legacy_config")?;
    let mut errs = Checks::default();
    let dry_run = errs.boolean(&body, "dry_run").unwrap_or(false);
    let wanted = errs.unsigned(&body, "config_id");
    errs.finish(())?;
    store.ensure_parts(id);
    let configs: Vec<Value> = store.children(crate::compute::Child::Configs, id);
    let config = match wanted {
        Some(c) => configs
            .iter()
            .find(|x| x["id"].as_u64() == Some(c))
            .ok_or_else(|| ApiError::field("config_id", "Configuration profile not found"))?,
        None if configs.len() > 1 => {
            return Err(ApiError::field(
                "config_id",
                "config_id is required when the Linode has more than one configuration profile",
            ));
        }
        None => configs
            .first()
            .ok_or_else(|| ApiError::bad_request("The Linode has no configuration profile"))?,
    }
    .clone();
    let list = interfaces_of(&config);
    let first_non_vlan = list.iter().position(|i| i["purpose"] != "vlan");
    let has_primary = list.iter().any(|i| i["primary"] == true);
    let bodies: Vec<Map<String, Value>> = list
        .iter()
        .enumerate()
        .map(|(i, iface)| upgraded(iface, !has_primary && Some(i) == first_non_vlan))
        .collect();
    // The profile's VPC addresses move to the new interfaces.
    if !dry_run {
        release_config(&mut store, &config);
    }
    let mut made = Vec::new();
    let mut checked = Vec::new();
    for body in &bodies {
        let (item, firewall) = check_linode_interface(&store, id, body, &checked)?;
        checked.push(item.clone());
        made.push((item, firewall));
    }
    let config_id = config["id"].as_u64().unwrap_or_default();
    let mut answer = Vec::new();
    if dry_run {
        for (i, (mut item, _)) in made.into_iter().enumerate() {
            if let Some(vpc) = item.get_mut("vpc").filter(|v| !v.is_null()) {
                vpc["ipv4"]["addresses"][0]["address"] = list[i]["ipv4"]["vpc"].clone();
            }
            item["id"] = list[i]["id"].clone();
            answer.push(served(&item));
        }
    } else {
        if let Some(item) = store.instances_mut().get_mut(id) {
            item["interface_generation"] = Value::from("linode");
        }
        for (item, firewall) in made {
            answer.push(served(&make_linode_interface(
                &mut store, id, item, firewall,
            )?));
        }
        let mut config = config;
        config["interfaces"] = json!([]);
        save_config(&mut store, id, config_id, config);
        record(&mut store, id, "linode_update");
    }
    Ok(Json(json!({
        "config_id": config_id,
        "dry_run": dry_run,
        "interfaces": answer,
    })))
}
