//! `/networking/reserved/ips`: reserved IPv4 addresses, and `/networking/vlans`.
//!
//! A reservation is kept in the `reserved_ips` collection as `{address, region, tags}`; where
//! the address is assigned is not stored but read from the instances (their `ipv4` arrays),
//! so deleting a Linode leaves its reserved address reserved and unassigned. An unassigned
//! reserved address joins a Linode through `POST /networking/ips/assign`. Unreserving an
//! assigned address removes only the reservation: the address stays with its Linode, as the
//! API documents.
//!
//! An ephemeral public IPv4 address of a Linode becomes reserved through
//! `PUT /networking/ips/{address}` with `reserved: true` (a reservation in the Linode's region,
//! without tags), and ephemeral again with `reserved: false`: an unassigned one is then
//! released from the account at once, as the API documents. Reverse DNS cannot be set on an
//! unassigned reserved address. The refusals' wording is the sandbox's own.
//!
//! VLANs are not stored either: they are the `vlan` interfaces of every configuration
//! profile, grouped by region and label. Deleting one is refused while a configuration still
//! names it.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{delete, get};
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::networking::{ip_json, set_rdns};
use super::price_lists::PriceList;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::catalog::catalog;
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::{Store, now};

/// The collection of reservations.
const TABLE: &str = "reserved_ips";
/// `GET /networking/reserved/ips` filters on nothing.
const RESERVED_FILTERABLE: &[&str] = &[];
/// Fields `GET /networking/vlans` may filter on.
const VLAN_FILTERABLE: &[&str] = &["label", "region"];

static RESERVED_IP_TYPES: PriceList = PriceList::new(&[("ipv4", "IPv4 Address", 0.005, 2.0, 0)]);

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/networking/reserved/ips", get(list).post(reserve))
        .route("/networking/reserved/ips/types", get(types))
        .route(
            "/networking/reserved/ips/{address}",
            get(get_one).put(update).delete(release),
        )
        .route("/networking/vlans", get(list_vlans))
        .route("/networking/vlans/{region}/{label}", delete(delete_vlan))
}

/// The id and stored reservation of `address`, if it is reserved.
pub(super) fn reservation<'a>(store: &'a Store, address: &str) -> Option<(u64, &'a Value)> {
    store
        .table(TABLE)
        .values()
        .find(|r| r["address"] == address)
        .and_then(|r| Some((r["id"].as_u64()?, r)))
}

/// The `IPAddress` object of a reserved address: as its Linode shows it when assigned,
/// standing alone otherwise.
fn reserved_json(store: &Store, stored: &Value) -> Value {
    let address = stored["address"].as_str().unwrap_or_default();
    ip_json(store, address).unwrap_or_else(|| {
        let octets: Vec<&str> = address.split('.').collect();
        json!({
            "address": address,
            "gateway": format!("{}.1", octets[..octets.len().saturating_sub(1)].join(".")),
            "subnet_mask": "255.255.255.0",
            "prefix": 24,
            "type": "ipv4",
            "public": true,
            "rdns": format!("{}.ip.linodeusercontent.com", octets.join("-")),
            "linode_id": null,
            "region": stored["region"],
            "reserved": true,
            "tags": stored["tags"],
            "assigned_entity": null,
            "vpc_nat_1_1": null,
            "interface_id": null,
        })
    })
}

/// The `IPAddress` object of any address of the account: a Linode's, or an unassigned
/// reserved one.
pub(super) fn any_ip_json(store: &Store, address: &str) -> Option<Value> {
    ip_json(store, address)
        .or_else(|| reservation(store, address).map(|(_, r)| reserved_json(store, r)))
}

/// The `IPAddress` objects of the reserved addresses no Linode holds.
pub(super) fn unassigned_json(store: &Store) -> Vec<Value> {
    store
        .table(TABLE)
        .values()
        .filter(|r| ip_json(store, r["address"].as_str().unwrap_or_default()).is_none())
        .map(|r| reserved_json(store, r))
        .collect()
}

/// `PUT /networking/ips/{address}`: sets the reverse DNS (`rdns`) and turns the address
/// reserved or ephemeral (`reserved`), either or both, all checked before anything changes.
pub(super) fn update_ip(
    store: &mut Store,
    address: &str,
    body: &Map<String, Value>,
) -> Result<Value, ApiError> {
    let assigned = ip_json(store, address);
    let stored = reservation(store, address).map(|(id, r)| (id, r.clone()));
    if assigned.is_none() && stored.is_none() {
        return Err(ApiError::not_found());
    }
    let mut errs = Checks::default();
    let reserved = errs.boolean(body, "reserved");
    let rdns = body.contains_key("rdns");
    if !rdns && reserved.is_none() && errs.ok() {
        errs.add("rdns", "rdns or reserved is required");
    }
    if rdns && assigned.is_none() {
        errs.add(
            "rdns",
            "Reverse DNS cannot be set on an unassigned reserved IP address",
        );
    }
    if let (Some(true), None, Some(ip)) = (reserved, &stored, &assigned) {
        if ip["type"] != "ipv4" || ip["public"] != true {
            errs.add("reserved", "Only public IPv4 addresses can be reserved");
        }
    }
    errs.finish(())?;
    if rdns {
        set_rdns(store, address, body)?;
    } else {
        store.record(Action::new(
            "ipaddress_update",
            Entity::new(
                "ipaddress",
                address,
                address,
                format!("/v4/networking/ips/{address}"),
            ),
        ));
    }
    match (reserved, stored, &assigned) {
        (Some(true), None, Some(ip)) => {
            let id = store.next_id("reserved_ip", 1);
            let row = json!({"id": id, "address": address, "region": ip["region"],
                             "tags": [], "created": now()});
            store.table_mut(TABLE).insert(id, row);
        }
        (Some(false), Some((id, row)), _) => {
            let mut released = reserved_json(store, &row);
            store.table_mut(TABLE).remove(id);
            if assigned.is_none() {
                // Unassigned: it leaves the account.
                released["reserved"] = Value::from(false);
                released["tags"] = json!([]);
                return Ok(released);
            }
        }
        _ => {}
    }
    any_ip_json(store, address).ok_or_else(ApiError::not_found)
}

async fn list(State(state): State<AppState>, req: ListRequest) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let all: Vec<Value> = store
        .table(TABLE)
        .values()
        .map(|r| reserved_json(&store, r))
        .collect();
    list_response(&all, RESERVED_FILTERABLE, &req)
}

async fn types(req: ListRequest) -> Result<Json<Value>, ApiError> {
    RESERVED_IP_TYPES.list(&req)
}

async fn get_one(
    State(state): State<AppState>,
    ApiPath(address): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    get_response(
        reservation(&store, &address)
            .map(|(_, r)| reserved_json(&store, r))
            .as_ref(),
    )
}

/// `POST /networking/reserved/ips`: reserves a new public IPv4 address in `region`.
async fn reserve(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    let region = errs.required(&body, "region");
    if region
        .as_deref()
        .is_some_and(|r| catalog().region(r).is_none())
    {
        errs.add("region", "Region not found");
    }
    let tags = errs.tags(&body).unwrap_or_default();
    let region = errs.finish(region)?.unwrap_or_default();
    let address = store.alloc_public_ipv4();
    let id = store.next_id("reserved_ip", 1);
    let stored =
        json!({"id": id, "address": address, "region": region, "tags": tags, "created": now()});
    store.table_mut(TABLE).insert(id, stored.clone());
    Ok(Json(reserved_json(&store, &stored)))
}

/// `PUT /networking/reserved/ips/{address}`: replaces the tags.
async fn update(
    State(state): State<AppState>,
    ApiPath(address): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (id, _) = reservation(&store, &address).ok_or_else(ApiError::not_found)?;
    let mut errs = Checks::default();
    if !body.contains_key("tags") {
        errs.add("tags", "tags is required");
    }
    let tags = errs.tags(&body);
    let tags = errs.finish(tags)?.unwrap_or_default();
    let stored = store
        .table_mut(TABLE)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    stored["tags"] = json!(tags);
    let stored = stored.clone();
    Ok(Json(reserved_json(&store, &stored)))
}

/// `DELETE /networking/reserved/ips/{address}`: ends the reservation; an assigned address
/// stays with its Linode as an ordinary one.
async fn release(
    State(state): State<AppState>,
    ApiPath(address): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (id, _) = reservation(&store, &address).ok_or_else(ApiError::not_found)?;
    store.table_mut(TABLE).remove(id);
    Ok(Json(json!({})))
}

/// Every VLAN: `(region, label)` to the Linodes whose configurations attach it.
fn vlans(store: &Store) -> BTreeMap<(String, String), Vec<u64>> {
    let mut found: BTreeMap<(String, String), Vec<u64>> = BTreeMap::new();
    for config in store.table(crate::compute::names::CONFIGS).values() {
        let Some(linode_id) = config[crate::compute::PARENT].as_u64() else {
            continue;
        };
        let Some(region) = store
            .instances()
            .get(linode_id)
            .and_then(|i| i["region"].as_str())
        else {
            continue;
        };
        {
            for iface in config["interfaces"].as_array().into_iter().flatten() {
                if iface["purpose"] != "vlan" {
                    continue;
                }
                let Some(label) = iface["label"].as_str() else {
                    continue;
                };
                let linodes = found
                    .entry((region.to_owned(), label.to_owned()))
                    .or_default();
                if !linodes.contains(&linode_id) {
                    linodes.push(linode_id);
                }
            }
        }
    }
    found
}

async fn list_vlans(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let all: Vec<Value> = vlans(&store)
        .into_iter()
        .map(|((region, label), mut linodes)| {
            linodes.sort_unstable();
            json!({"label": label, "region": region, "linodes": linodes, "created": null})
        })
        .collect();
    list_response(&all, VLAN_FILTERABLE, &req)
}

async fn delete_vlan(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    match vlans(&store).get(&(region, label)) {
        None => Err(ApiError::not_found()),
        Some(_) => Err(ApiError::bad_request(
            "This VLAN is attached to Linodes: detach it from their configurations first",
        )),
    }
}
