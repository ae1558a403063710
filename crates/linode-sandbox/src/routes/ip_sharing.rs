//! `POST /networking/ips/share` (and the older `/networking/ipv4/share`): IP sharing, the
//! failover set of a Linode.
//!
//! The set shared with each Linode is kept in the `ip_shares` collection, one row per target
//! Linode (`{linode_id, ips}`), and replaced whole by each request (an empty list unshares
//! everything). An address still belongs to its own Linode: `/networking/ips` lists it once,
//! under its owner; the target shows it in `GET /linode/instances/{id}/ips` under
//! `ipv4.shared` (IPv4 addresses) or `ipv6.global` (IPv6 ranges), and a shared range reads
//! `is_bgp: true` with every Linode it reaches in `linodes`.
//!
//! What is shown is read against the current state: an address that has since left the
//! region, moved to the target itself, or whose owner was deleted, is no longer shown, so no
//! other handler has to clean the collection up.
//!
//! Error wording is the sandbox's own (the API documents the rules, not the sentences): every
//! refused address is reported on the `ips` field, an unknown Linode on `linode_id`.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::post;
use serde_json::{Value, json};

use super::checks::{Checks, is_ip, is_ipv4};
use super::networking::ip_json;
use super::{AppState, JsonObject};
use crate::error::ApiError;
use crate::store::Store;

/// The collection of shared sets, keyed by the id of the Linode they are shared with.
const TABLE: &str = "ip_shares";
/// The collection of VPC addresses (kept by the VPC routes), read for 1:1 NAT addresses.
const VPC_IPS: &str = "vpc_ips";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/networking/ips/share", post(share))
        // The older form of the same call.
        .route("/networking/ipv4/share", post(share))
}

/// Where an address to share lives: its owner Linode and region.
enum Owned {
    /// An IPv4 address of a Linode.
    Ipv4 { owner: u64, region: String },
    /// An IPv6 range routed to a Linode.
    Range { owner: u64, region: String },
}

/// The owner and region of an IPv4 address of a Linode, or of an IPv6 range.
fn owner_of(store: &Store, address: &str) -> Option<Owned> {
    if is_ipv4(address) {
        return store.instances().values().find_map(|item| {
            let has = item["ipv4"]
                .as_array()
                .is_some_and(|l| l.iter().any(|a| a == address));
            has.then(|| Owned::Ipv4 {
                owner: item["id"].as_u64().unwrap_or_default(),
                region: item["region"].as_str().unwrap_or_default().to_owned(),
            })
        });
    }
    let (owner, range) = store.ipv6_range(address)?;
    Some(Owned::Range {
        owner,
        region: range["region"].as_str().unwrap_or_default().to_owned(),
    })
}

/// Whether `address` is the 1:1 NAT address of a VPC interface (it cannot be shared).
fn is_vpc_nat(store: &Store, address: &str) -> bool {
    store
        .table(VPC_IPS)
        .values()
        .any(|ip| ip["nat_1_1"] == address)
}

/// The addresses stored as shared with Linode `id`.
fn stored_set(store: &Store, id: u64) -> Vec<String> {
    store
        .table(TABLE)
        .get(id)
        .and_then(|row| row["ips"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect()
}

/// What Linode `id` shows of the addresses shared with it: the `IPAddress` objects of its
/// shared IPv4 addresses and the range objects of its shared IPv6 ranges, each only while it
/// still belongs to another Linode of the same region.
pub(super) fn shared_with(store: &Store, id: u64) -> (Vec<Value>, Vec<Value>) {
    let Some(region) = store.instances().get(id).map(|i| i["region"].clone()) else {
        return (Vec::new(), Vec::new());
    };
    let (mut ipv4, mut ranges) = (Vec::new(), Vec::new());
    for address in stored_set(store, id) {
        match owner_of(store, &address) {
            Some(Owned::Ipv4 { owner, region: r }) if owner != id && region == r.as_str() => {
                ipv4.extend(ip_json(store, &address));
            }
            Some(Owned::Range { owner, region: r }) if owner != id && region == r.as_str() => {
                if let Some((_, range)) = store.ipv6_range(&address) {
                    ranges.push(range.clone());
                }
            }
            _ => {}
        }
    }
    (ipv4, ranges)
}

/// The Linodes (ids, ascending) an IPv6 range is currently shared with.
pub(super) fn range_shared_with(store: &Store, range: &str) -> Vec<u64> {
    let mut ids: Vec<u64> = store
        .table(TABLE)
        .values()
        .filter_map(|row| row["linode_id"].as_u64())
        .filter(|id| {
            shared_with(store, *id)
                .1
                .iter()
                .any(|r| r["range"] == range)
        })
        .collect();
    ids.sort_unstable();
    ids
}

/// Replaces the set of addresses shared with `linode_id` by `ips`: IPv4 addresses (public or
/// private) and IPv6 ranges (without their prefix length) of other Linodes of its region.
async fn share(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    let linode_id = errs.unsigned(&body, "linode_id");
    let target = match linode_id {
        None => {
            if !body.contains_key("linode_id") || body["linode_id"].is_null() {
                errs.add("linode_id", "linode_id is required");
            }
            None
        }
        Some(id) => match store.instances().get(id) {
            None => {
                errs.add("linode_id", "Linode not found");
                None
            }
            Some(item) => Some((id, item["region"].as_str().unwrap_or_default().to_owned())),
        },
    };
    let ips = match body.get("ips") {
        None | Some(Value::Null) => {
            errs.add("ips", "ips is required");
            None
        }
        Some(Value::Array(items)) => {
            let strings: Option<Vec<String>> = items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect();
            if strings.is_none() {
                errs.add("ips", "ips must be an array of strings");
            }
            strings
        }
        Some(_) => {
            errs.add("ips", "ips must be an array of strings");
            None
        }
    };
    let (target, ips) = errs.finish((target, ips))?;
    let (Some((id, region)), Some(ips)) = (target, ips) else {
        return Err(ApiError::field("linode_id", "Linode not found"));
    };
    let mut errs = Checks::default();
    let mut set: Vec<String> = Vec::new();
    for address in ips {
        if !is_ip(&address) {
            errs.add("ips", format!("{address} is not a valid IP address"));
            continue;
        }
        let (owner, r) = match owner_of(&store, &address) {
            Some(Owned::Ipv4 { owner, region } | Owned::Range { owner, region }) => (owner, region),
            None => {
                errs.add(
                    "ips",
                    format!("{address} is not an IPv4 address or IPv6 range of your Linodes"),
                );
                continue;
            }
        };
        if owner == id {
            errs.add(
                "ips",
                format!("{address} already belongs to Linode {id}: it cannot be shared with it"),
            );
        } else if r != region {
            errs.add("ips", format!("{address} is not in region {region}"));
        } else if is_vpc_nat(&store, &address) {
            errs.add(
                "ips",
                format!("{address} is a 1:1 NAT address of a VPC interface and cannot be shared"),
            );
        } else if !set.contains(&address) {
            set.push(address);
        }
    }
    errs.finish(())?;
    if set.is_empty() {
        store.table_mut(TABLE).remove(id);
    } else {
        store
            .table_mut(TABLE)
            .insert(id, json!({"linode_id": id, "ips": set}));
    }
    Ok(Json(json!({})))
}
