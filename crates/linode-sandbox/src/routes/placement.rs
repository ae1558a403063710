//! `/placement/groups`: placement groups, which spread Linodes of one region over hosts.
//!
//! State rules kept like the API:
//! - a group has a region, a `placement_group_type` (`anti_affinity:local`, the only one the
//!   API offers) and a `placement_group_policy` (`strict` or `flexible`) fixed at creation;
//!   only its label (unique among the account's groups) changes;
//! - only Linodes of the group's region join it, each Linode in at most one group, and at most
//!   the region's `placement_group_limits.maximum_linodes_per_pg` members; a region's
//!   `maximum_pgs_per_customer` (when not `null`) caps the groups there;
//! - anti-affinity means one member per host (`host_uuid`): a strict group refuses an
//!   assignment that would put two members on one host, a flexible one accepts it and reports
//!   the newcomer, and the group, with `is_compliant: false`; `compliant_only: true` asks any
//!   group to refuse instead;
//! - a member's `placement_group` field shows its group (id, label, type, policy);
//! - a group with members cannot be deleted; deleting a Linode takes it out of its group
//!   ([`forget_linode`]).

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::post;
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::{ApiPath, AppState, JsonObject, get_from_table, list_table};
use crate::catalog::catalog;
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::Store;

/// Fields `GET /placement/groups` may filter and order on.
const GROUP_FILTERABLE: &[&str] = &["label", "placement_group_type", "region"];

/// The collection of placement groups.
const GROUPS: &str = "placement_groups";

/// First id handed out to a placement group.
pub const FIRST_GROUP_ID: u64 = 500;

/// The group types the API accepts.
const TYPES: [&str; 1] = ["anti_affinity:local"];
/// The policies the API accepts.
const POLICIES: [&str; 2] = ["strict", "flexible"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/placement/groups",
            list_table(GROUPS, GROUP_FILTERABLE).post(create_group),
        )
        .route(
            "/placement/groups/{id}",
            get_from_table(GROUPS)
                .put(update_group)
                .delete(delete_group),
        )
        .route("/placement/groups/{id}/assign", post(assign))
        .route("/placement/groups/{id}/unassign", post(unassign))
}

fn entity(group: &Value) -> Entity {
    let id = group["id"].as_u64().unwrap_or_default();
    Entity::new(
        "placement_group",
        id,
        group["label"].as_str().unwrap_or_default(),
        format!("/v4/placement/groups/{id}"),
    )
}

/// Checks a group label: letters, digits, `-`, `_` and `.`, beginning and ending with a letter
/// or digit, at most 64 characters.
fn check_label(label: &str) -> Result<(), &'static str> {
    if !(1..=64).contains(&label.chars().count()) {
        return Err("Length must be 1-64 characters");
    }
    if !label
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err("Must only use ASCII letters, numbers, dashes, underscores and periods");
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(label.chars().next()) || !alnum(label.chars().last()) {
        return Err("Must begin and end with a letter or number");
    }
    Ok(())
}

fn read_label(
    checks: &mut Checks,
    body: &Map<String, Value>,
    store: &Store,
    own: Option<u64>,
) -> Option<String> {
    let taken = "Label must be unique among your placement groups";
    checks.unique_label(body, store.table(GROUPS), own, check_label, taken)
}

/// A region's limit named `key` in its `placement_group_limits` (`None`: unlimited).
fn region_limit(region: &str, key: &str) -> Option<u64> {
    catalog()
        .region(region)
        .and_then(|r| r["placement_group_limits"][key].as_u64())
}

/// Whether one more group may be made in a region that has `existing` groups, under `limit`.
fn below_limit(existing: usize, limit: Option<u64>) -> bool {
    limit.is_none_or(|max| (existing as u64) < max)
}

/// The group as a member Linode shows it in its `placement_group` field.
fn summary(group: &Value) -> Value {
    json!({
        "id": group["id"],
        "label": group["label"],
        "placement_group_type": group["placement_group_type"],
        "placement_group_policy": group["placement_group_policy"],
        "migrating_to": null,
    })
}

fn member_ids(group: &Value) -> Vec<u64> {
    group["members"]
        .as_array()
        .map(|m| m.iter().filter_map(|m| m["linode_id"].as_u64()).collect())
        .unwrap_or_default()
}

fn host_of(store: &Store, linode_id: u64) -> Option<String> {
    store.instances().get(linode_id)?["host_uuid"]
        .as_str()
        .map(str::to_owned)
}

/// The members `ids` with their compliance under anti-affinity: a member sharing a host with
/// an earlier member is not compliant.
fn members_json(store: &Store, ids: &[u64]) -> Vec<Value> {
    let mut hosts: Vec<String> = Vec::new();
    ids.iter()
        .map(|&id| {
            let host = host_of(store, id);
            let compliant = match host {
                Some(h) if hosts.contains(&h) => false,
                Some(h) => {
                    hosts.push(h);
                    true
                }
                None => true,
            };
            json!({"linode_id": id, "is_compliant": compliant})
        })
        .collect()
}

/// Stores `ids` as the group's members, its compliance, and each member's `placement_group`.
fn set_members(store: &mut Store, group_id: u64, ids: &[u64]) -> Option<Value> {
    let members = members_json(store, ids);
    let compliant = members.iter().all(|m| m["is_compliant"] == true);
    let group = store.table_mut(GROUPS).get_mut(group_id)?;
    group["members"] = Value::from(members);
    group["is_compliant"] = Value::from(compliant);
    let answer = group.clone();
    let shown = summary(&answer);
    for &id in ids {
        if let Some(linode) = store.instances_mut().get_mut(id) {
            linode["placement_group"] = shown.clone();
        }
    }
    Some(answer)
}

fn group_of(store: &Store, linode_id: u64) -> Option<u64> {
    store
        .table(GROUPS)
        .values()
        .find(|g| member_ids(g).contains(&linode_id))
        .and_then(|g| g["id"].as_u64())
}

/// Reads the `linodes` array of an assign or unassign body.
fn read_linodes(body: &Map<String, Value>) -> Result<Vec<u64>, ApiError> {
    let ids: Option<Vec<u64>> = match body.get("linodes") {
        Some(Value::Array(items)) if !items.is_empty() => items.iter().map(Value::as_u64).collect(),
        None | Some(Value::Null) => {
            return Err(ApiError::field("linodes", "linodes is required"));
        }
        _ => None,
    };
    ids.ok_or_else(|| ApiError::field("linodes", "Must be a non-empty array of Linode IDs"))
}

/// Checks that Linode `linode_id` may join `group` (which already has `members`): it exists,
/// is in the group's region, in no group yet, and the group has room. Answers the reason when
/// it may not.
fn may_join(store: &Store, group: &Value, members: &[u64], linode_id: u64) -> Result<(), String> {
    let Some(linode) = store.instances().get(linode_id) else {
        return Err(format!("Linode {linode_id} not found"));
    };
    if linode["region"] != group["region"] {
        return Err(format!(
            "Linode {linode_id} is not in the placement group's region"
        ));
    }
    if members.contains(&linode_id) || group_of(store, linode_id).is_some() {
        return Err(format!(
            "Linode {linode_id} is already in a placement group"
        ));
    }
    let region = group["region"].as_str().unwrap_or_default();
    if let Some(max) = region_limit(region, "maximum_linodes_per_pg") {
        if members.len() as u64 >= max {
            return Err(format!(
                "The placement group is full: at most {max} Linodes per group in this region"
            ));
        }
    }
    Ok(())
}

/// Checks that a new Linode may be created into group `group_id` in `region` (the
/// `placement_group.id` of `POST /linode/instances`); the reason when it may not.
pub fn check_new_member(store: &Store, group_id: u64, region: &str) -> Result<(), String> {
    let group = store
        .table(GROUPS)
        .get(group_id)
        .ok_or_else(|| "Placement group not found".to_owned())?;
    if group["region"] != region {
        return Err("The Linode and the placement group must be in the same region".to_owned());
    }
    let members = member_ids(group).len() as u64;
    match region_limit(region, "maximum_linodes_per_pg") {
        Some(max) if members >= max => Err(format!(
            "The placement group is full: at most {max} Linodes per group in this region"
        )),
        _ => Ok(()),
    }
}

/// Adds a Linode (checked with [`check_new_member`]) to group `group_id`.
pub fn join(store: &mut Store, group_id: u64, linode_id: u64) {
    let Some(group) = store.table(GROUPS).get(group_id) else {
        return;
    };
    let mut ids = member_ids(group);
    ids.push(linode_id);
    set_members(store, group_id, &ids);
}

/// Takes a deleted Linode out of its group.
pub fn forget_linode(store: &mut Store, linode_id: u64) {
    if let Some(gid) = group_of(store, linode_id) {
        let ids: Vec<u64> = store
            .table(GROUPS)
            .get(gid)
            .map(member_ids)
            .unwrap_or_default()
            .into_iter()
            .filter(|&id| id != linode_id)
            .collect();
        set_members(store, gid, &ids);
    }
}

/// Records `action` on `group` once for each Linode in `linodes`.
fn record_each(store: &mut Store, action: &str, group: &Value, linodes: &[u64]) {
    for &linode_id in linodes {
        let label = store.entity_label("linode", linode_id).unwrap_or_default();
        store.record(
            Action::new(action, entity(group)).secondary(Entity::linode(linode_id, &label)),
        );
    }
}

async fn create_group(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut checks = Checks::default();
    checks.require(&body, "label");
    let label = read_label(&mut checks, &body, &store, None);
    checks.require(&body, "placement_group_type");
    let kind = checks.one_of(&body, "placement_group_type", &TYPES);
    checks.require(&body, "placement_group_policy");
    let policy = checks.one_of(&body, "placement_group_policy", &POLICIES);
    let unavailable = "Placement groups are not available in this region";
    let region = checks.region_offering(&body, "Placement Group", unavailable);
    if let Some(r) = &region {
        let existing = store
            .table(GROUPS)
            .values()
            .filter(|g| g["region"] == r.as_str())
            .count();
        if !below_limit(existing, region_limit(r, "maximum_pgs_per_customer")) {
            checks.add(
                "region",
                "You have reached the maximum number of placement groups in this region",
            );
        }
    }
    let fields = checks.finish((label, kind, policy, region))?;
    let (Some(label), Some(kind), Some(policy), Some(region)) = fields else {
        return Err(ApiError::field("label", "label is required"));
    };
    let id = store.next_id("placement_group", FIRST_GROUP_ID);
    let group = json!({
        "id": id,
        "label": label,
        "region": region,
        "placement_group_type": kind,
        "placement_group_policy": policy,
        "is_compliant": true,
        "members": [],
        "migrations": null,
    });
    store.table_mut(GROUPS).insert(id, group.clone());
    store.record(Action::new("placement_group_create", entity(&group)));
    Ok(Json(group))
}

async fn update_group(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let group = store
        .table(GROUPS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    let members = member_ids(group);
    let mut checks = Checks::default();
    let label = read_label(&mut checks, &body, &store, Some(id));
    let label = checks.finish(label)?;
    if let Some(label) = label {
        if let Some(group) = store.table_mut(GROUPS).get_mut(id) {
            group["label"] = Value::from(label);
        }
    }
    let answer = set_members(&mut store, id, &members).ok_or_else(ApiError::not_found)?;
    store.record(Action::new("placement_group_update", entity(&answer)));
    Ok(Json(answer))
}

async fn delete_group(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let group = store
        .table(GROUPS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    if !member_ids(group).is_empty() {
        return Err(ApiError::bad_request(
            "All Linodes must be unassigned before the placement group can be deleted",
        ));
    }
    let gone = store
        .table_mut(GROUPS)
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    store.record(Action::new("placement_group_delete", entity(&gone)));
    Ok(Json(json!({})))
}

async fn assign(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let group = store
        .table(GROUPS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    let linodes = read_linodes(&body)?;
    let mut checks = Checks::default();
    let compliant_only = checks.boolean(&body, "compliant_only");
    checks.finish(())?;
    let mut ids = member_ids(group);
    for &linode_id in &linodes {
        may_join(&store, group, &ids, linode_id).map_err(|r| ApiError::field("linodes", r))?;
        ids.push(linode_id);
    }
    let strict = group["placement_group_policy"] == "strict" || compliant_only == Some(true);
    if strict {
        let members = members_json(&store, &ids);
        if let Some(breaking) = members.iter().find(|m| m["is_compliant"] == false) {
            return Err(ApiError::bad_request(format!(
                "Assigning Linode {} would make the placement group non-compliant: it shares a host with another member",
                breaking["linode_id"]
            )));
        }
    }
    let answer = set_members(&mut store, id, &ids).ok_or_else(ApiError::not_found)?;
    record_each(&mut store, "placement_group_assign", &answer, &linodes);
    Ok(Json(answer))
}

async fn unassign(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let group = store
        .table(GROUPS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    let linodes = read_linodes(&body)?;
    let members = member_ids(group);
    if let Some(stranger) = linodes.iter().find(|l| !members.contains(l)) {
        return Err(ApiError::field(
            "linodes",
            format!("Linode {stranger} is not in this placement group"),
        ));
    }
    let kept: Vec<u64> = members
        .into_iter()
        .filter(|m| !linodes.contains(m))
        .collect();
    let answer = set_members(&mut store, id, &kept).ok_or_else(ApiError::not_found)?;
    for &linode_id in &linodes {
        if let Some(linode) = store.instances_mut().get_mut(linode_id) {
            linode["placement_group"] = Value::Null;
        }
    }
    record_each(&mut store, "placement_group_unassign", &answer, &linodes);
    Ok(Json(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_limits() {
        assert!(check_label("PG_Miami_failover").is_ok());
        assert!(check_label("pg.1-a").is_ok());
        assert!(check_label("-pg").is_err());
        assert!(check_label("pg_").is_err());
        assert!(check_label("p g").is_err());
        assert!(check_label("").is_err());
        assert!(below_limit(3, None));
        assert!(below_limit(1, Some(2)));
        assert!(!below_limit(2, Some(2)));
    }
}
