//! More of what one instance can do (`/linode/instances/{id}/...`): clone, root password
//! resets, mutate, rescue, backups service, disk clone and password, removing an address,
//! its NodeBalancers, and its statistics and network transfer.
//!
//! State rules:
//! - Clone copies the source's chosen configuration profiles with the disks they boot (all
//!   of them when `configs` is absent) plus the `disks` named, either to a new Linode
//!   (`region` and `type` required; it is `provisioning`, then `offline`) or onto an existing
//!   one (`linode_id`; it is `cloning`, then back where it was). The source must not be busy,
//!   the disks must fit the target, and the event is `linode_clone`.
//! - A root password reset (of the Linode or of one ext disk) needs a strong password and an
//!   `offline` Linode; the event is `password_reset`.
//! - Mutate moves a Linode of a retired type to the type's `successor` (`resizing` meanwhile,
//!   disks grown unless told otherwise); a type without a successor is refused.
//! - Rescue boots (or reboots) the Linode with devices `sda`..`sdg` taken from its own disks
//!   and the volumes attached to it (Finnix itself sits on `sdh`).
//! - Enabling backups sets `backups.enabled` and a schedule to be chosen; cancelling clears
//!   both and deletes every backup of the Linode.
//! - A disk clone is a new disk with the same label, size and filesystem, `not ready` until
//!   copied (`disk_duplicate`); it must fit beside the other disks, 50 disks at most.
//! - An IPv4 address may be removed, except the Linode's last public one (`linode_deleteip`).
//! - A Linode's NodeBalancers are those with a node on one of its private addresses.
//! - Statistics and transfer are synthetic but deterministic: the same Linode and period
//!   always give the same numbers. A month must be 1-12 and not in the future; the current
//!   month's transfer total is the Linode's `used` transfer.

use std::net::Ipv4Addr;
use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::checks::{Checks, is_private_v4};
use super::linode::strong_password;
use super::linode_parts::{
    OptionalJson, disk_effect, instance, not_busy, settled, start_instance_action,
};
use super::networking::ip_json;
use super::{ApiPath, AppState, JsonObject, ListRequest, list_response};
use crate::catalog::catalog;
use crate::compute::{any_linode_type, type_disk};
use crate::error::ApiError;
use crate::lifecycle::{Action, Effect, Entity};
use crate::store::{NewInstance, Store, mix, now};

/// Fields `GET /linode/instances/{id}/nodebalancers` may filter and order on.
const NODEBALANCER_FILTERABLE: &[&str] = &["ipv4", "label", "locks", "region", "tags"];
/// The device slots a rescue may fill (`sdh` holds the rescue system).
const RESCUE_SLOTS: [&str; 7] = ["sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg"];
/// All device slots of a configuration profile.
const CONFIG_SLOTS: [&str; 8] = ["sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "sdh"];
/// Most disks a Linode may have.
const MAX_DISKS: usize = 50;
/// Why a root password reset is refused on a Linode that is not offline.
const NOT_OFFLINE: &str = "Linode must be shut down to reset its root password";

pub(super) fn routes() -> Router<AppState> {
    let base = "/linode/instances/{id}";
    Router::new()
        .route(&format!("{base}/clone"), post(clone_instance))
        .route(&format!("{base}/password"), post(reset_password))
        .route(&format!("{base}/mutate"), post(mutate))
        .route(&format!("{base}/rescue"), post(rescue))
        .route(&format!("{base}/backups/enable"), post(enable_backups))
        .route(&format!("{base}/backups/cancel"), post(cancel_backups))
        .route(&format!("{base}/disks/{{disk}}/clone"), post(clone_disk))
        .route(
            &format!("{base}/disks/{{disk}}/password"),
            post(reset_disk_password),
        )
        .route(&format!("{base}/nodebalancers"), get(nodebalancers))
        .route(&format!("{base}/stats"), get(stats))
        .route(
            &format!("{base}/stats/{{year}}/{{month}}"),
            get(stats_by_month),
        )
        .route(&format!("{base}/transfer"), get(transfer))
        .route(
            &format!("{base}/transfer/{{year}}/{{month}}"),
            get(transfer_by_month),
        )
}

fn disk_entity(linode: u64, disk: &Value) -> Entity {
    let id = disk["id"].as_u64().unwrap_or_default();
    Entity::new(
        "disk",
        id,
        disk["label"].as_str().unwrap_or_default(),
        format!("/v4/linode/instances/{linode}/disks/{id}"),
    )
}

/// One disk of the Linode, or 404.
fn disk_of(store: &mut Store, id: u64, disk: u64) -> Result<Value, ApiError> {
    store.ensure_parts(id);
    store
        .child(crate::compute::Child::Disks, id, disk)
        .ok_or_else(ApiError::not_found)
}

/// An optional array of ids (`configs`, `disks`), each checked by `known`.
fn id_list(
    errs: &mut Checks,
    body: &Map<String, Value>,
    key: &str,
    known: impl Fn(u64) -> bool,
    missing: &str,
) -> Option<Vec<u64>> {
    let items = match body.get(key) {
        None | Some(Value::Null) => return None,
        Some(Value::Array(items)) => items,
        Some(_) => {
            errs.add(key, format!("{key} must be an array of ids"));
            return None;
        }
    };
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_u64() {
            Some(n) if known(n) => ids.push(n),
            Some(_) => errs.add(&format!("{key}[{i}]"), missing),
            None => errs.add(&format!("{key}[{i}]"), "Must be an id"),
        }
    }
    Some(ids)
}

/// Fields only a clone to a new Linode takes.
const NEW_LINODE_ONLY: [&str; 8] = [
    "region",
    "type",
    "label",
    "group",
    "private_ip",
    "backups_enabled",
    "metadata",
    "placement_group",
];

async fn clone_instance(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    store.ensure_parts(id);
    let source_disks = store.children(crate::compute::Child::Disks, id);
    let source_configs = store.children(crate::compute::Child::Configs, id);
    let has = |list: &[Value], n: u64| list.iter().any(|v| v["id"] == n);

    let mut errs = Checks::default();
    let configs = id_list(
        &mut errs,
        &body,
        "configs",
        |n| has(&source_configs, n),
        "Config not found",
    );
    let extra_disks = id_list(
        &mut errs,
        &body,
        "disks",
        |n| has(&source_disks, n),
        "Disk not found",
    );
    // The chosen profiles (all by default), and every disk they boot or that was named.
    let configs: Vec<Value> = source_configs
        .iter()
        .filter(|c| {
            configs
                .as_ref()
                .is_none_or(|ids| ids.iter().any(|n| c["id"] == *n))
        })
        .cloned()
        .collect();
    let booted: Vec<u64> = configs
        .iter()
        .flat_map(|c| CONFIG_SLOTS.map(|slot| c["devices"][slot]["disk_id"].as_u64()))
        .flatten()
        .collect();
    let disks: Vec<Value> = source_disks
        .iter()
        .filter_map(|d| {
            let n = d["id"].as_u64()?;
            let named = extra_disks.as_ref().is_some_and(|ids| ids.contains(&n));
            (booted.contains(&n) || named).then(|| d.clone())
        })
        .collect();
    let needed: u64 = disks.iter().filter_map(|d| d["size"].as_u64()).sum();

    let target = errs.unsigned(&body, "linode_id");
    let mut new = None;
    if let Some(target) = target {
        for key in NEW_LINODE_ONLY {
            if body.get(key).is_some_and(|v| !v.is_null()) {
                errs.add(
                    key,
                    format!("{key} may only be given when cloning to a new Linode"),
                );
            }
        }
        match instance(&store, target) {
            _ if target == id => errs.add("linode_id", "A Linode cannot be cloned onto itself"),
            Err(_) => errs.add("linode_id", "Linode not found"),
            Ok((_, target_status)) => {
                not_busy(&target_status)?;
                let total = store
                    .instances()
                    .get(target)
                    .and_then(|i| i["specs"]["disk"].as_u64())
                    .unwrap_or(0);
                if store.disk_usage(target).saturating_add(needed) > total {
                    errs.add(
                        "linode_id",
                        format!("The target Linode lacks {needed} MB of free space for the clone"),
                    );
                }
            }
        }
    } else {
        let region = errs.required(&body, "region");
        if region
            .as_ref()
            .is_some_and(|r| catalog().region(r).is_none())
        {
            errs.add("region", "Region not found");
        }
        let type_id = errs.required(&body, "type");
        match &type_id {
            Some(t) if catalog().linode_type(t).is_none() => errs.add("type", "Type not found"),
            Some(t) if type_disk(t) < needed => errs.add(
                "type",
                format!(
                    "The cloned disks use {needed} MB, more than the {} MB of {t}",
                    type_disk(t)
                ),
            ),
            _ => {}
        }
        let label = errs.instance_label(&body, &store, None);
        let group = errs.group(&body);
        let private_ip = errs.boolean(&body, "private_ip").unwrap_or(false);
        let backups_enabled = errs.boolean(&body, "backups_enabled").unwrap_or(false);
        let metadata = errs.object(&body, "metadata");
        let has_user_data =
            metadata.is_some_and(|m| m.get("user_data").is_some_and(Value::is_string));
        let image = store
            .instances()
            .get(id)
            .and_then(|i| i["image"].as_str())
            .map(str::to_owned);
        new = Some(NewInstance {
            label,
            region: region.unwrap_or_default(),
            type_id: type_id.unwrap_or_default(),
            image,
            group: group.unwrap_or_default(),
            tags: Vec::new(),
            booted: false,
            private_ip,
            backups_enabled,
            has_user_data,
            disk_encryption: "disabled".to_owned(),
        });
    }
    errs.finish(())?;

    let (target, during, after) = match (target, new) {
        (Some(target), _) => {
            let before = instance(&store, target)?.1;
            (target, "cloning", settled(&before))
        }
        (None, Some(new)) => {
            let target = store.create_instance(new);
            // The clone's disks are the copies, not a deployment of the source's image.
            store.clear_parts(target);
            (target, "provisioning", "offline")
        }
        (None, None) => return Err(ApiError::not_found()),
    };
    let copies = copy_parts(&mut store, target, &disks, &configs);
    let target_label = instance(&store, target)?.0;
    let action = Action::new("linode_clone", Entity::linode(id, &label))
        .secondary(Entity::linode(target, &target_label))
        .lasting(Duration::from_secs(30));
    let action = copies
        .into_iter()
        .fold(action, |action, disk| {
            action.on_finish(disk_effect(target, disk, json!({"status": "ready"})))
        })
        .on_finish(Effect::instance_status(target, after));
    // The answer shows the target as the copy starts (an instant sandbox finishes it at once).
    store.set_instance_status(target, during);
    let answer = store.instances().get(target).cloned();
    start_instance_action(&mut store, target, during, action, after);
    answer.map(Json).ok_or_else(ApiError::not_found)
}

/// Copies `disks` (as `not ready`) and `configs` (booting the copies) onto Linode `target`;
/// returns the ids of the disk copies.
fn copy_parts(store: &mut Store, target: u64, disks: &[Value], configs: &[Value]) -> Vec<u64> {
    store.ensure_parts(target);
    let ts = now();
    let mut renamed = Vec::new();
    for disk in disks {
        let copy_id = store.disk_id();
        let mut copy = disk.clone();
        copy["id"] = Value::from(copy_id);
        copy["status"] = Value::from("not ready");
        copy["created"] = Value::from(ts.as_str());
        copy["updated"] = Value::from(ts.as_str());
        renamed.push((disk["id"].clone(), copy_id));
        store.add_child(crate::compute::Child::Disks, target, copy_id, copy);
    }
    for config in configs {
        let copy_id = store.config_id();
        let mut copy = config.clone();
        copy["id"] = Value::from(copy_id);
        for slot in CONFIG_SLOTS {
            let device = &mut copy["devices"][slot];
            if let Some((_, new)) = renamed.iter().find(|(old, _)| device["disk_id"] == *old) {
                device["disk_id"] = Value::from(*new);
            }
        }
        store.add_child(crate::compute::Child::Configs, target, copy_id, copy);
    }
    renamed.into_iter().map(|(_, new)| new).collect()
}

/// Checks a new root password in field `key`.
fn check_password(body: &Map<String, Value>, key: &str) -> Result<(), ApiError> {
    let mut errs = Checks::default();
    match errs.string(body, key) {
        None => errs.add(key, format!("{key} is required")),
        Some(p) if !strong_password(&p) => {
            errs.add(key, "Password does not meet strength requirement")
        }
        Some(_) => {}
    }
    errs.finish(())
}

async fn reset_password(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    check_password(&body, "root_pass")?;
    if status != "offline" {
        return Err(ApiError::bad_request(NOT_OFFLINE));
    }
    store.record(Action::new("password_reset", Entity::linode(id, &label)));
    Ok(Json(json!({})))
}

async fn mutate(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    OptionalJson(body): OptionalJson,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    let mut errs = Checks::default();
    let auto_disk = errs
        .boolean(&body, "allow_auto_disk_resize")
        .unwrap_or(true);
    errs.finish(())?;
    let current = store
        .instances()
        .get(id)
        .and_then(|i| i["type"].as_str())
        .unwrap_or_default()
        .to_owned();
    let Some(successor) = any_linode_type(&current)
        .and_then(|t| t["successor"].as_str())
        .map(str::to_owned)
    else {
        return Err(ApiError::bad_request(format!(
            "Linode type {current} has no successor to upgrade to"
        )));
    };
    let back_to = settled(&status);
    let action = Action::new("linode_mutate", Entity::linode(id, &label))
        .lasting(Duration::from_secs(120))
        .on_finish(super::linode_parts::resize_effect(
            id, &successor, auto_disk, back_to,
        ));
    start_instance_action(&mut store, id, "resizing", action, back_to);
    Ok(Json(json!({})))
}

async fn rescue(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    OptionalJson(body): OptionalJson,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    store.ensure_parts(id);
    let mut errs = Checks::default();
    let devices = errs.object(&body, "devices").cloned().unwrap_or_default();
    for (slot, device) in &devices {
        let field = format!("devices.{slot}");
        if !RESCUE_SLOTS.contains(&slot.as_str()) {
            errs.add(&field, "Must be one of sda, sdb, sdc, sdd, sde, sdf, sdg");
            continue;
        }
        let device = match device {
            Value::Null => continue,
            Value::Object(d) => d,
            _ => {
                errs.add(&field, "Must be an object or null");
                continue;
            }
        };
        let disk = device.get("disk_id").filter(|v| !v.is_null());
        let volume = device.get("volume_id").filter(|v| !v.is_null());
        match (disk, volume) {
            (Some(_), Some(_)) => {
                errs.add(&field, "Only one of disk_id and volume_id may be given")
            }
            (None, None) => errs.add(&field, "A disk_id or a volume_id is required"),
            (Some(disk), None) => {
                let own = disk
                    .as_u64()
                    .is_some_and(|n| store.child(crate::compute::Child::Disks, id, n).is_some());
                if !own {
                    errs.add(&format!("{field}.disk_id"), "Disk not found");
                }
            }
            (None, Some(volume)) => match volume.as_u64().and_then(|n| store.volumes().get(n)) {
                None => errs.add(&format!("{field}.volume_id"), "Volume not found"),
                Some(v) if v["linode_id"] != id => errs.add(
                    &format!("{field}.volume_id"),
                    "Volume is not attached to this Linode",
                ),
                Some(_) => {}
            },
        }
    }
    errs.finish(())?;
    // Rescue mode is a boot into the rescue system, a reboot when the Linode runs.
    let (action, during) = if status == "running" {
        ("linode_reboot", "rebooting")
    } else {
        ("linode_boot", "booting")
    };
    let action = Action::new(action, Entity::linode(id, &label))
        .lasting(Duration::from_secs(15))
        .on_finish(Effect::instance_status(id, "running"));
    start_instance_action(&mut store, id, during, action, status);
    Ok(Json(json!({})))
}

/// Sets the backups service of a Linode on or off.
fn set_backups(store: &mut Store, id: u64, enabled: bool) -> Result<(), ApiError> {
    let (label, _) = instance(store, id)?;
    let on = store
        .instances()
        .get(id)
        .is_some_and(|i| i["backups"]["enabled"] == true);
    if on == enabled {
        return Err(ApiError::bad_request(if enabled {
            "Backups are already enabled for this Linode"
        } else {
            "Backups are not enabled for this Linode"
        }));
    }
    let schedule = if enabled {
        Value::from("Scheduling")
    } else {
        Value::Null
    };
    if let Some(item) = store.instances_mut().get_mut(id) {
        let backups = &mut item["backups"];
        backups["enabled"] = Value::from(enabled);
        backups["schedule"] = json!({"day": schedule, "window": schedule});
        if !enabled {
            backups["available"] = Value::from(false);
            backups["last_successful"] = Value::Null;
        }
    }
    if !enabled {
        // Cancelling deletes the Linode's backups forever.
        store.remove_children(crate::compute::Child::Backups, id);
    }
    let action = if enabled {
        "backups_enable"
    } else {
        "backups_cancel"
    };
    store.record(Action::new(action, Entity::linode(id, &label)));
    Ok(())
}

async fn enable_backups(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    set_backups(&mut state.store(), id, true).map(|()| Json(json!({})))
}

async fn cancel_backups(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    set_backups(&mut state.store(), id, false).map(|()| Json(json!({})))
}

async fn clone_disk(
    State(state): State<AppState>,
    ApiPath((id, disk)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    let source = disk_of(&mut store, id, disk)?;
    not_busy(&status)?;
    let count = store.child_count(crate::compute::Child::Disks, id);
    if count >= MAX_DISKS {
        return Err(ApiError::bad_request(format!(
            "A Linode may have at most {MAX_DISKS} disks"
        )));
    }
    let size = source["size"].as_u64().unwrap_or(0);
    let total = store
        .instances()
        .get(id)
        .and_then(|i| i["specs"]["disk"].as_u64())
        .unwrap_or(0);
    let free = total.saturating_sub(store.disk_usage(id));
    if size > free {
        return Err(ApiError::bad_request(format!(
            "Not enough free space to clone this disk: {free} MB free, {size} MB needed"
        )));
    }
    let copy = copy_parts(&mut store, id, std::slice::from_ref(&source), &[])[0];
    let answer = disk_of(&mut store, id, copy)?;
    store.record(
        Action::new("disk_duplicate", Entity::linode(id, &label))
            .secondary(disk_entity(id, &answer))
            .lasting(Duration::from_secs(30))
            .on_finish(disk_effect(id, copy, json!({"status": "ready"})))
            .on_fail(Effect::remove(crate::compute::names::DISKS, copy)),
    );
    Ok(Json(answer))
}

async fn reset_disk_password(
    State(state): State<AppState>,
    ApiPath((id, disk)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    let disk = disk_of(&mut store, id, disk)?;
    check_password(&body, "password")?;
    if !matches!(disk["filesystem"].as_str(), Some("ext3" | "ext4")) {
        return Err(ApiError::bad_request(
            "Only a disk with an ext3 or ext4 filesystem has a root password",
        ));
    }
    if status != "offline" {
        return Err(ApiError::bad_request(NOT_OFFLINE));
    }
    store.record(
        Action::new("password_reset", Entity::linode(id, &label)).secondary(disk_entity(id, &disk)),
    );
    Ok(Json(json!({})))
}

/// The Linode's IPv4 addresses.
fn ipv4_of(store: &Store, id: u64) -> Vec<String> {
    store
        .instances()
        .get(id)
        .and_then(|i| i["ipv4"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect()
}

fn is_private(address: &str) -> bool {
    address.parse::<Ipv4Addr>().is_ok_and(|a| is_private_v4(&a))
}

/// `DELETE /linode/instances/{id}/ips/{address}` (routed with the other address routes).
pub(super) async fn delete_ip(
    State(state): State<AppState>,
    ApiPath((id, address)): ApiPath<(u64, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, _) = instance(&store, id)?;
    match ip_json(&store, &address) {
        Some(ip) if ip["linode_id"] == id => {}
        _ => return Err(ApiError::not_found()),
    }
    let addresses = ipv4_of(&store, id);
    if !addresses.contains(&address) {
        return Err(ApiError::bad_request(
            "Only IPv4 addresses can be removed from a Linode",
        ));
    }
    let public = addresses.iter().filter(|a| !is_private(a)).count();
    if !is_private(&address) && public <= 1 {
        return Err(ApiError::bad_request(
            "A Linode must keep at least one public IPv4 address",
        ));
    }
    if let Some(list) = store
        .instances_mut()
        .get_mut(id)
        .and_then(|i| i["ipv4"].as_array_mut())
    {
        list.retain(|a| *a != address.as_str());
    }
    store.forget_rdns(&address);
    store.record(Action::new("linode_deleteip", Entity::linode(id, &label)));
    Ok(Json(json!({})))
}

async fn nodebalancers(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    instance(&store, id)?;
    let private: Vec<String> = ipv4_of(&store, id)
        .into_iter()
        .filter(|a| is_private(a))
        .collect();
    let ids: Vec<u64> = store
        .nodebalancer_nodes()
        .values()
        .filter(|n| {
            let host = n["address"].as_str().and_then(|a| a.split(':').next());
            host.is_some_and(|h| private.iter().any(|p| p == h))
        })
        .filter_map(|n| n["nodebalancer_id"].as_u64())
        .collect();
    let mine = store
        .nodebalancers()
        .values()
        .filter(|nb| nb["id"].as_u64().is_some_and(|n| ids.contains(&n)));
    list_response(mine, NODEBALANCER_FILTERABLE, &req)
}

// ----- statistics and transfer -----

/// Seconds since the epoch on the sandbox's clock.
fn unix_now(store: &Store) -> u64 {
    store
        .clock
        .wall()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A month of the past or the present as `(start, end)` in seconds since the epoch (the end
/// being the month's end, or now for the current month); 400 for any other.
fn month_span(store: &Store, year: i32, month: u8) -> Result<(u64, u64), ApiError> {
    let Ok(m) = time::Month::try_from(month) else {
        return Err(ApiError::field("month", "Month must be 1-12"));
    };
    let start_of = |year: i32, month: time::Month| {
        time::Date::from_calendar_date(year, month, 1)
            .ok()
            .map(|d| d.midnight().assume_utc().unix_timestamp())
    };
    let now = unix_now(store);
    let (Some(start), Some(next)) = (
        start_of(year, m),
        start_of(
            if m == time::Month::December {
                year + 1
            } else {
                year
            },
            m.next(),
        ),
    ) else {
        return Err(ApiError::field("year", "Year is out of range"));
    };
    let start = u64::try_from(start).unwrap_or(0);
    if start > now {
        return Err(ApiError::bad_request(
            "The year and month must be in the past or the current month",
        ));
    }
    Ok((start, u64::try_from(next).unwrap_or(0).min(now)))
}

/// A deterministic reading in `[0, scale)` of series `series` of Linode `id` at time `t`.
fn reading(id: u64, series: u64, t: u64, scale: f64) -> f64 {
    let h = mix(id ^ series.wrapping_mul(0x9e37_79b9) ^ t.rotate_left(17));
    (h % 10_000) as f64 / 10_000.0 * scale
}

/// The statistics of Linode `id` from `start` to `end` (seconds), one point per `step`.
fn stats_json(store: &Store, id: u64, start: u64, end: u64, step: u64, period: &str) -> Value {
    let item = store.instances().get(id);
    let label = item
        .and_then(|i| i["label"].as_str())
        .unwrap_or_default()
        .to_owned();
    let vcpus = item
        .and_then(|i| i["specs"]["vcpus"].as_u64())
        .unwrap_or(1)
        .max(1);
    let first = start.div_ceil(step) * step;
    let times: Vec<u64> = (first..end).step_by(step as usize).collect();
    let series = |n: u64, scale: f64| -> Value {
        times
            .iter()
            .map(|&t| json!([t * 1000, reading(id, n, t, scale)]))
            .collect()
    };
    let net = |base: u64| {
        json!({
            "in": series(base, 2_000_000.0),
            "out": series(base + 1, 5_000_000.0),
            "private_in": series(base + 2, 500_000.0),
            "private_out": series(base + 3, 500_000.0),
        })
    };
    json!({
        "title": format!("linode.com - {label} (linode{id}) - {period}"),
        "cpu": series(0, 100.0 * vcpus as f64),
        "io": {"io": series(1, 50.0), "swap": series(2, 2.0)},
        "netv4": net(10),
        "netv6": net(20),
    })
}

async fn stats(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    instance(&store, id)?;
    let now = unix_now(&store);
    let end = now - now % 300 + 1;
    let day = stats_json(&store, id, end - 86_400, end, 300, "day (5 min avg)");
    Ok(Json(day))
}

async fn stats_by_month(
    State(state): State<AppState>,
    ApiPath((id, year, month)): ApiPath<(u64, i32, u8)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    instance(&store, id)?;
    let (start, end) = month_span(&store, year, month)?;
    let period = format!("{year}-{month:02} (1 hour avg)");
    Ok(Json(stats_json(&store, id, start, end, 3600, &period)))
}

/// The transfer of Linode `id` in the month starting at `start`: `(in, out)` bytes.
fn month_bytes(id: u64, start: u64) -> (u64, u64) {
    const GB: u64 = 1_000_000_000;
    (
        mix(id ^ start) % (20 * GB),
        mix(id ^ start.rotate_left(7)) % (60 * GB),
    )
}

async fn transfer(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    instance(&store, id)?;
    let quota = store
        .instances()
        .get(id)
        .and_then(|i| i["specs"]["transfer"].as_u64())
        .unwrap_or(0);
    let today = time::OffsetDateTime::from(store.clock.wall());
    let (start, _) = month_span(&store, today.year(), today.month() as u8)?;
    let (bytes_in, bytes_out) = month_bytes(id, start);
    let used = bytes_in + bytes_out;
    let billable = (used / 1_000_000_000).saturating_sub(quota);
    Ok(Json(
        json!({"used": used, "quota": quota, "billable": billable}),
    ))
}

async fn transfer_by_month(
    State(state): State<AppState>,
    ApiPath((id, year, month)): ApiPath<(u64, i32, u8)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    instance(&store, id)?;
    let (start, _) = month_span(&store, year, month)?;
    let (bytes_in, bytes_out) = month_bytes(id, start);
    Ok(Json(json!({
        "bytes_in": bytes_in,
        "bytes_out": bytes_out,
        "bytes_total": bytes_in + bytes_out,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_are_deterministic_and_in_range() {
        let a = reading(7, 1, 1_700_000_000, 100.0);
        assert_eq!(a, reading(7, 1, 1_700_000_000, 100.0));
        assert!((0.0..100.0).contains(&a));
        assert_ne!(a, reading(8, 1, 1_700_000_000, 100.0));
    }

    #[test]
    fn months_are_validated() {
        let store = Store::default();
        assert_eq!(
            month_span(&store, 2024, 13).unwrap_err().status.as_u16(),
            400
        );
        let (start, end) = month_span(&store, 2024, 2).unwrap();
        assert_eq!((start, end), (1_706_745_600, 1_709_251_200));
        assert!(month_span(&store, 9999, 1).is_err());
    }
}
