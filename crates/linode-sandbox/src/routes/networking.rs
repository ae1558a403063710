//! `/networking/ips`, `/networking/ips/assign` and `/networking/ipv6/...`.
//!
//! Addresses are not stored apart from the instances: a Linode's `ipv4` array (and its
//! `ipv6` SLAAC address) is the truth, so deleting a Linode frees its addresses and the lists
//! here always agree with the instances. Only reverse DNS and IPv6 ranges are kept aside.
//! Reserved addresses no Linode holds are listed too (they are the account's); what is
//! shared with a Linode (`ip_sharing`) shows on that Linode only, each address being listed
//! once, under its owner.

use std::collections::{HashMap, HashSet};

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::catalog::catalog;
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::Store;

/// `GET /networking/ips` filters on nothing.
const IP_FILTERABLE: &[&str] = &[];
/// Fields `GET /networking/ipv6/pools` may filter on.
const POOL_FILTERABLE: &[&str] = &["region"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/networking/ips", get(list_ips).post(allocate))
        .route("/networking/ips/assign", post(assign))
        // The older form of the same call.
        .route("/networking/ipv4/assign", post(assign))
        .route("/networking/ips/{address}", get(get_ip).put(update_ip))
        .route("/networking/ipv6/pools", get(list_pools))
        .route(
            "/networking/ipv6/ranges",
            get(list_ranges).post(create_range),
        )
        .route(
            "/networking/ipv6/ranges/{*range}",
            get(get_range).delete(delete_range),
        )
}

fn is_private(address: &str) -> bool {
    address.starts_with("192.168.")
}

/// The SLAAC address of an instance, without its `/128`.
fn slaac(item: &Value) -> Option<&str> {
    item["ipv6"]
        .as_str()
        .map(|a| a.split('/').next().unwrap_or(a))
}

/// An `IPAddress` object for one of an instance's addresses.
fn address_json(store: &Store, address: &str, item: &Value) -> Value {
    let mut object = with_owner(address_fields(store, address, item), item);
    if let Some((_, reserved)) = super::reserved_ips::reservation(store, address) {
        object["reserved"] = Value::from(true);
        object["tags"] = reserved["tags"].clone();
    }
    object
}

/// The fields of an address that depend on its kind.
fn address_fields(store: &Store, address: &str, item: &Value) -> Value {
    let linode_id = item["id"].clone();
    let region = item["region"].clone();
    let rdns = |default: Value| match store.rdns(address) {
        Some(set) => set.map_or(Value::Null, Value::from),
        None => default,
    };
    if address.contains(':') {
        return json!({
            "address": address,
            "gateway": "fe80::1",
            "subnet_mask": "ffff:ffff:ffff:ffff::",
            "prefix": 64,
            "type": "ipv6",
            "public": true,
            "rdns": rdns(Value::Null),
            "linode_id": linode_id,
            "region": region,
            "vpc_nat_1_1": null,
            "interface_id": null,
        });
    }
    if is_private(address) {
        return json!({
            "address": address,
            "gateway": null,
            "subnet_mask": "255.255.128.0",
            "prefix": 17,
            "type": "ipv4",
            "public": false,
            "rdns": rdns(Value::Null),
            "linode_id": linode_id,
            "region": region,
            "vpc_nat_1_1": null,
            "interface_id": null,
        });
    }
    let octets: Vec<&str> = address.split('.').collect();
    let gateway = match octets[..] {
        [a, b, c, _] => format!("{a}.{b}.{c}.1"),
        _ => String::new(),
    };
    json!({
        "address": address,
        "gateway": gateway,
        "subnet_mask": "255.255.255.0",
        "prefix": 24,
        "type": "ipv4",
        "public": true,
        "rdns": rdns(Value::from(format!("{}.ip.linodeusercontent.com", octets.join("-")))),
        "linode_id": linode_id,
        "region": region,
        "vpc_nat_1_1": null,
        "interface_id": null,
    })
}

/// Adds what every `IPAddress` object has: who it is assigned to, whether it is reserved, its
/// tags and its VPC fields.
fn with_owner(mut address: Value, item: &Value) -> Value {
    let id = item["id"].as_u64().unwrap_or_default();
    let owner = json!({
        "id": id,
        "label": item["label"],
        "type": "linode",
        "url": format!("/v4/linode/instances/{id}"),
    });
    if let Some(map) = address.as_object_mut() {
        map.insert("assigned_entity".into(), owner);
        map.insert("reserved".into(), Value::from(false));
        map.insert("tags".into(), json!([]));
        map.entry("vpc_nat_1_1").or_insert(Value::Null);
        map.entry("interface_id").or_insert(Value::Null);
    }
    address
}

/// The `IPAddress` object of any address of the account, or `None`.
pub(super) fn ip_json(store: &Store, address: &str) -> Option<Value> {
    store.instances().values().find_map(|item| {
        let v4 = item["ipv4"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == address));
        (v4 || slaac(item) == Some(address)).then(|| address_json(store, address, item))
    })
}

/// What `GET /linode/instances/{id}/ips` answers.
pub(super) fn linode_ips(store: &Store, id: u64) -> Value {
    let Some(item) = store.instances().get(id) else {
        return Value::Null;
    };
    let addresses: Vec<&str> = item["ipv4"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let (private, public): (Vec<&str>, Vec<&str>) =
        addresses.into_iter().partition(|a| is_private(a));
    let objects = |list: Vec<&str>| -> Vec<Value> {
        list.iter().map(|a| address_json(store, a, item)).collect()
    };
    let reserved: Vec<Value> = objects(public.clone())
        .into_iter()
        .filter(|a| a["reserved"] == true)
        .collect();
    let slaac_json = slaac(item).map_or(Value::Null, |a| address_json(store, a, item));
    let link_local = slaac(item).map_or(Value::Null, |a| {
        let host = a.split("::").nth(1).unwrap_or("1");
        with_owner(
            json!({
                "address": format!("fe80::{host}"),
                "gateway": "fe80::1",
                "subnet_mask": "ffff:ffff:ffff:ffff::",
                "prefix": 64,
                "type": "ipv6",
                "public": false,
                "rdns": null,
                "linode_id": id,
                "region": item["region"],
            }),
            item,
        )
    });
    let (shared, shared_ranges) = super::ip_sharing::shared_with(store, id);
    let global: Vec<Value> = store
        .ipv6_ranges()
        .into_iter()
        .filter(|(owner, _)| *owner == id)
        .map(|(_, r)| r.clone())
        .chain(shared_ranges)
        .collect();
    json!({
        "ipv4": {
            "public": objects(public),
            "private": objects(private),
            "shared": shared,
            "reserved": reserved,
            "vpc": [],
        },
        "ipv6": {
            "slaac": slaac_json,
            "link_local": link_local,
            "global": global,
            "vpc": [],
        },
    })
}

/// Allocates an IPv4 address (`{type, public}`) to Linode `id`, recording `linode_addip`.
pub(super) fn allocate_ipv4(
    store: &mut Store,
    body: &Map<String, Value>,
    id: u64,
) -> Result<Value, ApiError> {
    let mut errs = Checks::default();
    match errs.string(body, "type") {
        None => errs.add("type", "type is required"),
        Some(t) if t != "ipv4" => errs.add("type", "Only ipv4 addresses can be allocated"),
        Some(_) => {}
    }
    let public = errs.boolean(body, "public");
    if public.is_none() && body.get("public").is_none_or(Value::is_null) {
        errs.add("public", "public is required");
    }
    errs.finish(())?;
    let public = public.unwrap_or(true);
    let item = store.instances().get(id).ok_or_else(ApiError::not_found)?;
    let label = item["label"].as_str().unwrap_or_default().to_owned();
    let has_private = item["ipv4"]
        .as_array()
        .is_some_and(|a| a.iter().filter_map(Value::as_str).any(is_private));
    if !public && has_private {
        return Err(ApiError::field(
            "public",
            "This Linode already has a private IPv4 address",
        ));
    }
    let address = if public {
        store.alloc_public_ipv4()
    } else {
        store.alloc_private_ipv4()
    };
    if let Some(item) = store.instances_mut().get_mut(id) {
        if let Some(list) = item["ipv4"].as_array_mut() {
            // Public addresses first, as the API lists them.
            let at = if public {
                list.iter()
                    .position(|a| a.as_str().is_some_and(is_private))
                    .unwrap_or(list.len())
            } else {
                list.len()
            };
            list.insert(at, Value::from(address.as_str()));
        }
    }
    store.record(Action::new("linode_addip", Entity::linode(id, &label)));
    ip_json(store, &address).ok_or_else(ApiError::not_found)
}

/// Sets (or, with `null`, removes) an address's reverse DNS; returns the address.
pub(super) fn set_rdns(
    store: &mut Store,
    address: &str,
    body: &Map<String, Value>,
) -> Result<Value, ApiError> {
    let mut errs = Checks::default();
    let rdns = errs.string(body, "rdns");
    if !body.contains_key("rdns") {
        errs.add("rdns", "rdns is required");
    }
    if let Some(name) = &rdns {
        let valid = (1..=253).contains(&name.len())
            && name.split('.').all(|part| {
                !part.is_empty()
                    && part.len() <= 63
                    && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !part.starts_with('-')
                    && !part.ends_with('-')
            });
        if !valid {
            errs.add("rdns", "Must be a valid domain name");
        }
    }
    if is_private(address) {
        errs.add("rdns", "Reverse DNS cannot be set on a private address");
    }
    errs.finish(())?;
    store.set_rdns(address, rdns);
    store.record(Action::new(
        "ipaddress_update",
        Entity::new(
            "ipaddress",
            address,
            address,
            format!("/v4/networking/ips/{address}"),
        ),
    ));
    ip_json(store, address).ok_or_else(ApiError::not_found)
}

async fn list_ips(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let mut all = Vec::new();
    for item in store.instances().values() {
        for a in item["ipv4"].as_array().into_iter().flatten() {
            if let Some(a) = a.as_str() {
                all.push(address_json(&store, a, item));
            }
        }
        if let Some(a) = slaac(item) {
            all.push(address_json(&store, a, item));
        }
    }
    // Reserved addresses belong to the account even when no Linode holds them.
    all.extend(super::reserved_ips::unassigned_json(&store));
    list_response(&all, IP_FILTERABLE, &req)
}

/// `GET /networking/ips/{address}`: an address of a Linode, or an unassigned reserved one.
async fn get_ip(
    State(state): State<AppState>,
    ApiPath(address): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    get_response(super::reserved_ips::any_ip_json(&store, &address).as_ref())
}

/// `PUT /networking/ips/{address}`: its reverse DNS and whether it is reserved.
async fn update_ip(
    State(state): State<AppState>,
    ApiPath(address): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    super::reserved_ips::update_ip(&mut store, &address, &body).map(Json)
}

async fn allocate(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    let linode = errs.unsigned(&body, "linode_id");
    match linode {
        None => errs.add("linode_id", "linode_id is required"),
        Some(id) if store.instances().get(id).is_none() => {
            errs.add("linode_id", "Linode not found")
        }
        Some(_) => {}
    }
    errs.finish(())?;
    allocate_ipv4(&mut store, &body, linode.unwrap_or_default()).map(Json)
}

/// `POST /networking/ips/assign` (and the older `/networking/ipv4/assign`): moves addresses
/// between Linodes of one region, all or nothing, leaving every Linode with a public address
/// and at most one private one. An unassigned reserved address of the region moves from no
/// Linode (owner 0).
async fn assign(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    let region = errs.string(&body, "region");
    match &region {
        None => errs.add("region", "region is required"),
        Some(r) if catalog().region(r).is_none() => errs.add("region", "Region not found"),
        Some(_) => {}
    }
    let assignments = match body.get("assignments") {
        Some(Value::Array(items)) if !items.is_empty() => items.clone(),
        Some(Value::Array(_)) | None | Some(Value::Null) => {
            errs.add("assignments", "At least one assignment is required");
            Vec::new()
        }
        Some(_) => {
            errs.add("assignments", "assignments must be an array");
            Vec::new()
        }
    };
    let region = errs.finish(region)?.unwrap_or_default();
    let mut errs = Checks::default();
    let in_region = |item: &Value| item["region"].as_str() == Some(region.as_str());
    let unassigned = json!({"id": 0, "region": region});
    // Where each address is now, and where it goes.
    let mut moves: Vec<(String, u64, u64)> = Vec::new();
    let mut seen = HashSet::new();
    for (i, a) in assignments.iter().enumerate() {
        let address = a["address"].as_str();
        let target = a["linode_id"].as_u64();
        let field = |k: &str| format!("assignments[{i}].{k}");
        let owner = address.and_then(|addr| {
            let linode = store.instances().values().find(|item| {
                item["ipv4"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|x| x == addr))
            });
            linode.or_else(|| match super::reserved_ips::reservation(&store, addr) {
                Some((_, r)) if in_region(r) => Some(&unassigned),
                Some((_, r)) => Some(r),
                None => None,
            })
        });
        match (address, owner) {
            (None, _) => errs.add(&field("address"), "address is required"),
            (Some(_), None) => errs.add(&field("address"), "Address not found"),
            (Some(addr), Some(o)) if !in_region(o) => errs.add(
                &field("address"),
                format!("{addr} is not in region {region}"),
            ),
            (Some(addr), Some(_)) if !seen.insert(addr.to_owned()) => {
                errs.add(&field("address"), "Address assigned twice")
            }
            _ => {}
        }
        match target.map(|t| store.instances().get(t)) {
            None => errs.add(&field("linode_id"), "linode_id is required"),
            Some(None) => errs.add(&field("linode_id"), "Linode not found"),
            Some(Some(t)) if !in_region(t) => errs.add(
                &field("linode_id"),
                format!("Linode is not in region {region}"),
            ),
            _ => {}
        }
        if let (Some(addr), Some(o), Some(t)) = (address, owner, target) {
            moves.push((addr.to_owned(), o["id"].as_u64().unwrap_or(0), t));
        }
    }
    errs.finish(())?;
    // The address lists of every Linode involved, after the moves.
    let mut lists: HashMap<u64, Vec<String>> = HashMap::new();
    for (_, from, to) in &moves {
        for id in [from, to].into_iter().filter(|id| **id != 0) {
            lists.entry(*id).or_insert_with(|| {
                store
                    .instances()
                    .get(*id)
                    .and_then(|i| i["ipv4"].as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            });
        }
    }
    for (address, from, _) in &moves {
        if let Some(list) = lists.get_mut(from) {
            list.retain(|a| a != address);
        }
    }
    for (address, _, to) in &moves {
        if let Some(list) = lists.get_mut(to) {
            list.push(address.clone());
        }
    }
    for (id, list) in &lists {
        let public = list.iter().filter(|a| !is_private(a)).count();
        let private = list.len() - public;
        if public == 0 {
            return Err(ApiError::field(
                "assignments",
                format!("Linode {id} would be left without a public IPv4 address"),
            ));
        }
        if private > 1 {
            return Err(ApiError::field(
                "assignments",
                format!("Linode {id} would have more than one private IPv4 address"),
            ));
        }
    }
    for (id, mut list) in lists {
        list.sort_by_key(|a| is_private(a));
        if let Some(item) = store.instances_mut().get_mut(id) {
            item["ipv4"] = Value::from(list);
        }
    }
    Ok(Json(json!({})))
}

async fn list_pools(req: ListRequest) -> Result<Json<Value>, ApiError> {
    let pools: Vec<Value> = catalog()
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "range": format!("2600:3c{:02x}::2:5000:0", i + 1),
                "prefix": 124,
                "region": r["id"],
                "route_target": null,
            })
        })
        .collect();
    list_response(&pools, POOL_FILTERABLE, &req)
}

async fn list_ranges(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(store.ipv6_ranges().into_iter().map(|(_, r)| r), &[], &req)
}

async fn create_range(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    let prefix = errs.unsigned(&body, "prefix_length");
    match prefix {
        None => errs.add("prefix_length", "prefix_length is required"),
        Some(56 | 64) => {}
        Some(_) => errs.add("prefix_length", "Must be 56 or 64"),
    }
    let linode = errs.unsigned(&body, "linode_id");
    let target = errs.string(&body, "route_target");
    let owner = match (linode, &target) {
        (Some(_), Some(_)) => {
            errs.add("linode_id", "Give linode_id or route_target, not both");
            None
        }
        (None, None) => {
            errs.add("linode_id", "linode_id or route_target is required");
            None
        }
        (Some(id), None) => match store.instances().get(id) {
            Some(item) => Some(item),
            None => {
                errs.add("linode_id", "Linode not found");
                None
            }
        },
        (None, Some(t)) => {
            let bare = t.split('/').next().unwrap_or(t);
            match store.instances().values().find(|i| slaac(i) == Some(bare)) {
                Some(item) => Some(item),
                None => {
                    errs.add(
                        "route_target",
                        "Not the SLAAC address of one of your Linodes",
                    );
                    None
                }
            }
        }
    };
    let owner = owner.map(|o| {
        (
            o["id"].as_u64().unwrap_or(0),
            o["region"].clone(),
            slaac(o).unwrap_or_default().to_owned(),
        )
    });
    let prefix = errs.finish(prefix)?.unwrap_or(64);
    let Some((linode_id, region, route_target)) = owner else {
        return Err(ApiError::field("linode_id", "Linode not found"));
    };
    let range = store.new_ipv6_range(prefix);
    let object = json!({
        "range": range,
        "prefix": prefix,
        "region": region,
        "route_target": route_target,
    });
    store.add_ipv6_range(&range, linode_id, object);
    Ok(Json(json!({
        "range": format!("{range}/{prefix}"),
        "route_target": route_target,
    })))
}

/// A range named by its address, with or without the `/prefix`.
fn range_key(range: &str) -> &str {
    range.split('/').next().unwrap_or(range)
}

async fn get_range(
    State(state): State<AppState>,
    ApiPath(range): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let Some((owner, object)) = store.ipv6_range(range_key(&range)) else {
        return Err(ApiError::not_found());
    };
    // A shared range reaches the Linodes it is shared with too, over BGP.
    let shared = super::ip_sharing::range_shared_with(&store, range_key(&range));
    let mut linodes = vec![owner];
    linodes.extend(&shared);
    Ok(Json(json!({
        "range": object["range"],
        "prefix": object["prefix"],
        "region": object["region"],
        "is_bgp": !shared.is_empty(),
        "linodes": linodes,
    })))
}

async fn delete_range(
    State(state): State<AppState>,
    ApiPath(range): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    store
        .remove_ipv6_range(range_key(&range))
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses() {
        assert!(is_private("192.168.128.1"));
        assert!(!is_private("192.0.2.1"));
    }
}
