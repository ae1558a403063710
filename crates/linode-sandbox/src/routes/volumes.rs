//! `/volumes`: Block Storage volumes, and `/linode/instances/{id}/volumes`.
//!
//! State rules kept like the API: a volume is attached to at most one Linode, only in its own
//! region; it must be detached before it is deleted; it only grows; deleting a Linode detaches
//! its volumes (see [`Store::delete_instance`]).

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::price_lists::PriceList;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::catalog::catalog;
use crate::error::ApiError;
use crate::lifecycle::{Action, Effect, Entity};
use crate::store::{Store, names, now};

/// Fields `GET /volumes` (and a Linode's volumes) may filter and order on.
const VOLUME_FILTERABLE: &[&str] = &["label", "tags"];

/// First id handed out to a volume.
pub const FIRST_VOLUME_ID: u64 = 70_000;

/// Size of a new volume when none is given, in GB.
const DEFAULT_SIZE: u64 = 20;
/// Smallest volume, in GB.
const MIN_SIZE: u64 = 10;
/// Largest volume, in GB.
const MAX_SIZE: u64 = 10240;
/// Most volumes attached to one Linode.
const MAX_ATTACHED: usize = 8;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/volumes", get(list_volumes).post(create_volume))
        .route("/volumes/types", get(list_volume_types))
        .route(
            "/volumes/{id}",
            get(get_volume).put(update_volume).delete(delete_volume),
        )
        .route("/volumes/{id}/attach", post(attach_volume))
        .route("/volumes/{id}/detach", post(detach_volume))
        .route("/volumes/{id}/resize", post(resize_volume))
        .route("/volumes/{id}/clone", post(clone_volume))
        .route("/linode/instances/{id}/volumes", get(list_linode_volumes))
}

/// The Block Storage price list: the price of one GB.
static VOLUME_TYPES: PriceList = PriceList::new(&[("volume", "Storage Volume", 0.00015, 0.1, 0)]);

async fn list_volume_types(req: ListRequest) -> Result<Json<Value>, ApiError> {
    VOLUME_TYPES.list(&req)
}

fn entity(id: u64, label: &str) -> Entity {
    Entity::new("volume", id, label, format!("/v4/volumes/{id}"))
}

fn label_of(item: &Value) -> String {
    item["label"].as_str().unwrap_or_default().to_owned()
}

const VOLUMES: &str = names::VOLUMES;

/// Checks a volume label's shape: 2-32 characters, a letter first, then letters, digits,
/// `-` and `_`, never `--` or `__`.
fn check_label(label: &str) -> Result<(), &'static str> {
    if !(2..=32).contains(&label.chars().count()) {
        return Err("Length must be 2-32 characters");
    }
    if !label.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("Must begin with a letter");
    }
    if !label
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err("Must only use ASCII letters, numbers, dashes and underscores");
    }
    if label.contains("--") || label.contains("__") {
        return Err("Must not contain two dashes or underscores in a row");
    }
    Ok(())
}

/// Reads and checks `label` (required unless `required` is false); `own` may keep its label.
fn read_label(
    checks: &mut Checks,
    body: &Map<String, Value>,
    store: &Store,
    required: bool,
    own: Option<u64>,
) -> Option<String> {
    if required && !checks.require(body, "label") {
        return None;
    }
    let label = checks.string(body, "label")?;
    if let Err(reason) = check_label(&label) {
        checks.add("label", reason);
        return None;
    }
    let taken = store
        .volumes()
        .values()
        .any(|v| v["label"] == label.as_str() && v["id"].as_u64() != own);
    if taken {
        checks.add("label", "Label must be unique among your volumes");
        return None;
    }
    Some(label)
}

/// Checks that Linode `linode_id` exists, is in `region` (when given) and can take one more
/// volume; answers its label.
fn check_linode(
    checks: &mut Checks,
    store: &Store,
    linode_id: u64,
    region: Option<&str>,
) -> Option<String> {
    let Some(linode) = store.instances().get(linode_id) else {
        checks.add("linode_id", "Linode not found");
        return None;
    };
    if region.is_some_and(|r| linode["region"] != r) {
        checks.add("linode_id", "Volume and Linode must be in the same region");
        return None;
    }
    let attached = store
        .volumes()
        .values()
        .filter(|v| v["linode_id"].as_u64() == Some(linode_id))
        .count();
    if attached >= MAX_ATTACHED {
        checks.add(
            "linode_id",
            format!("A Linode may have at most {MAX_ATTACHED} volumes attached"),
        );
        return None;
    }
    Some(label_of(linode))
}

fn volume_json(
    id: u64,
    label: &str,
    size: u64,
    region: &str,
    linode: Option<(u64, String)>,
    tags: Vec<String>,
) -> Value {
    let ts = now();
    let (linode_id, linode_label) = match linode {
        Some((id, label)) => (Value::from(id), Value::from(label)),
        None => (Value::Null, Value::Null),
    };
    json!({
        "id": id,
        "label": label,
        "filesystem_path": format!("/dev/disk/by-id/scsi-0Linode_Volume_{label}"),
        "status": "creating",
        "size": size,
        "region": region,
        "linode_id": linode_id,
        "linode_label": linode_label,
        "created": ts,
        "updated": ts,
        "tags": tags,
        "hardware_type": "nvme",
        "encryption": "disabled",
        "io_ready": true,
        "locks": [],
    })
}

async fn list_volumes(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(store.volumes().values(), VOLUME_FILTERABLE, &req)
}

async fn list_linode_volumes(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    if store.instances().get(id).is_none() {
        return Err(ApiError::not_found());
    }
    let attached = store
        .volumes()
        .values()
        .filter(|v| v["linode_id"].as_u64() == Some(id));
    list_response(attached, VOLUME_FILTERABLE, &req)
}

async fn get_volume(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().volumes().get(id))
}

async fn create_volume(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut checks = Checks::default();
    let label = read_label(&mut checks, &body, &store, true, None);
    let size = checks.integer(&body, "size", MIN_SIZE, MAX_SIZE);
    let region = checks.string(&body, "region");
    if let Some(r) = &region {
        if catalog().region(r).is_none() {
            checks.add("region", "Region not found");
        }
    }
    let linode_id = checks.integer(&body, "linode_id", 0, u64::MAX);
    let config_id = checks.integer(&body, "config_id", 0, u64::MAX);
    let tags = checks.tags(&body);
    if config_id.is_some() && linode_id.is_none() {
        checks.add("config_id", "config_id requires linode_id");
    }
    let absent = |key: &str| body.get(key).is_none_or(Value::is_null);
    if absent("region") && absent("linode_id") {
        checks.add("region", "region is required when linode_id is not given");
    }
    let mut linode = None;
    if let Some(lid) = linode_id {
        if let Some(llabel) = check_linode(&mut checks, &store, lid, region.as_deref()) {
            linode = Some((lid, llabel));
        }
    }
    let region = match (&linode, region) {
        (Some((lid, _)), None) => store
            .instances()
            .get(*lid)
            .and_then(|l| l["region"].as_str())
            .map(str::to_owned),
        (_, region) => region,
    };
    let encryption = checks.string(&body, "encryption");
    match (&encryption, &region) {
        (Some(e), _) if e != "enabled" && e != "disabled" => {
            checks.add("encryption", "Must be enabled or disabled")
        }
        (Some(e), Some(r))
            if e == "enabled" && !catalog().region_offers(r, "Block Storage Encryption") =>
        {
            checks.add(
                "encryption",
                "Block Storage Encryption is not available in this region",
            )
        }
        _ => {}
    }
    let (label, region) = checks.finish((label, region))?;
    let (Some(label), Some(region)) = (label, region) else {
        return Err(ApiError::field("region", "region is required"));
    };
    let id = store.next_id("volume", FIRST_VOLUME_ID);
    let size = size.unwrap_or(DEFAULT_SIZE);
    let mut item = volume_json(
        id,
        &label,
        size,
        &region,
        linode.clone(),
        tags.unwrap_or_default(),
    );
    item["encryption"] = Value::from(encryption.unwrap_or_else(|| "disabled".to_owned()));
    store.volumes_mut().insert(id, item);
    let mut create = Action::new("volume_create", entity(id, &label))
        .lasting(Duration::from_secs(10))
        .on_finish(Effect::set(VOLUMES, id, [("/status", json!("active"))]))
        .on_fail(Effect::remove(VOLUMES, id));
    if let Some((lid, llabel)) = &linode {
        create = create.secondary(Entity::linode(*lid, llabel));
    }
    store.record(create);
    get_response(store.volumes().get(id))
}

async fn update_volume(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if store.volumes().get(id).is_none() {
        return Err(ApiError::not_found());
    }
    let mut checks = Checks::default();
    let label = read_label(&mut checks, &body, &store, false, Some(id));
    let tags = checks.tags(&body);
    let (label, tags) = checks.finish((label, tags))?;
    let item = store
        .volumes_mut()
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(label) = label {
        item["filesystem_path"] =
            Value::from(format!("/dev/disk/by-id/scsi-0Linode_Volume_{label}"));
        item["label"] = Value::from(label);
    }
    if let Some(tags) = tags {
        item["tags"] = Value::from(tags);
    }
    item["updated"] = Value::from(now());
    let answer = item.clone();
    store.record(Action::new("volume_update", entity(id, &label_of(&answer))));
    Ok(Json(answer))
}

async fn delete_volume(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let item = store.volumes().get(id).ok_or_else(ApiError::not_found)?;
    super::locks::refuse_locked(&store, "volume", id)?;
    if !item["linode_id"].is_null() {
        return Err(ApiError::bad_request(
            "Volume must be detached before it can be deleted",
        ));
    }
    let label = label_of(item);
    store.volumes_mut().remove(id);
    store.record(Action::new("volume_delete", entity(id, &label)));
    Ok(Json(json!({})))
}

async fn attach_volume(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let item = store.volumes().get(id).ok_or_else(ApiError::not_found)?;
    if !item["linode_id"].is_null() {
        return Err(ApiError::bad_request(
            "Volume is already attached to a Linode",
        ));
    }
    if item["status"] != "active" {
        return Err(ApiError::bad_request("Volume is not active"));
    }
    let region = item["region"].as_str().unwrap_or_default().to_owned();
    let label = label_of(item);
    let mut checks = Checks::default();
    checks.require(&body, "linode_id");
    let linode_id = checks.integer(&body, "linode_id", 0, u64::MAX);
    checks.integer(&body, "config_id", 0, u64::MAX);
    let persist = checks.boolean(&body, "persist_across_boots");
    if persist == Some(false) && body.get("config_id").is_some_and(|v| !v.is_null()) {
        checks.add(
            "config_id",
            "config_id must not be given when persist_across_boots is false",
        );
    }
    let linode = linode_id.and_then(|lid| {
        check_linode(&mut checks, &store, lid, Some(&region)).map(|llabel| (lid, llabel))
    });
    checks.finish(())?;
    let Some((lid, llabel)) = linode else {
        return Err(ApiError::field("linode_id", "linode_id is required"));
    };
    let item = store
        .volumes_mut()
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    item["linode_id"] = Value::from(lid);
    item["linode_label"] = Value::from(llabel.as_str());
    item["updated"] = Value::from(now());
    store.record(
        Action::new("volume_attach", entity(id, &label))
            .secondary(Entity::linode(lid, &llabel))
            .lasting(Duration::from_secs(5))
            .on_fail(Effect::set(
                VOLUMES,
                id,
                [("/linode_id", Value::Null), ("/linode_label", Value::Null)],
            )),
    );
    get_response(store.volumes().get(id))
}

async fn detach_volume(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let item = store
        .volumes_mut()
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    let Some(lid) = item["linode_id"].as_u64() else {
        return Err(ApiError::bad_request("Volume is not attached to a Linode"));
    };
    let llabel = item["linode_label"].as_str().unwrap_or_default().to_owned();
    item["linode_id"] = Value::Null;
    item["linode_label"] = Value::Null;
    item["updated"] = Value::from(now());
    let label = label_of(item);
    let restore = llabel.clone();
    store.record(
        Action::new("volume_detach", entity(id, &label))
            .secondary(Entity::linode(lid, &llabel))
            .lasting(Duration::from_secs(5))
            .on_fail(Effect::IfExists {
                table: names::INSTANCES.to_owned(),
                id: lid,
                then: vec![Effect::set(
                    VOLUMES,
                    id,
                    [
                        ("/linode_id", json!(lid)),
                        ("/linode_label", json!(restore)),
                    ],
                )],
            }),
    );
    Ok(Json(json!({})))
}

async fn resize_volume(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let item = store.volumes().get(id).ok_or_else(ApiError::not_found)?;
    let old = item["size"].as_u64().unwrap_or_default();
    let status = item["status"].as_str().unwrap_or_default().to_owned();
    let label = label_of(item);
    let mut checks = Checks::default();
    checks.require(&body, "size");
    let size = checks.integer(&body, "size", MIN_SIZE, MAX_SIZE);
    if let Some(size) = size {
        if size <= old {
            checks.add(
                "size",
                format!("Volumes can only be resized up (now {old} GB)"),
            );
        }
    }
    let size = checks.finish(size)?.unwrap_or(old);
    if status != "active" {
        return Err(ApiError::bad_request(format!(
            "Volume is {status}; only active volumes can be resized"
        )));
    }
    if let Some(item) = store.volumes_mut().get_mut(id) {
        item["size"] = Value::from(size);
        item["status"] = Value::from("resizing");
        item["updated"] = Value::from(now());
    }
    store.record(
        Action::new("volume_resize", entity(id, &label))
            .lasting(Duration::from_secs(10))
            .on_finish(Effect::set(VOLUMES, id, [("/status", json!("active"))]))
            .on_fail(Effect::set(
                VOLUMES,
                id,
                [("/size", json!(old)), ("/status", json!("active"))],
            )),
    );
    get_response(store.volumes().get(id))
}

async fn clone_volume(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let source = store.volumes().get(id).ok_or_else(ApiError::not_found)?;
    let size = source["size"].as_u64().unwrap_or(DEFAULT_SIZE);
    let region = source["region"].as_str().unwrap_or_default().to_owned();
    let source_label = label_of(source);
    let status = source["status"].as_str().unwrap_or_default().to_owned();
    let mut checks = Checks::default();
    let label = read_label(&mut checks, &body, &store, true, None);
    let label = checks.finish(label)?.unwrap_or_default();
    if status != "active" {
        return Err(ApiError::bad_request(format!(
            "Volume is {status}; only active volumes can be cloned"
        )));
    }
    let new_id = store.next_id("volume", FIRST_VOLUME_ID);
    let item = volume_json(new_id, &label, size, &region, None, Vec::new());
    store.volumes_mut().insert(new_id, item);
    store.record(
        Action::new("volume_clone", entity(id, &source_label))
            .secondary(entity(new_id, &label))
            .lasting(Duration::from_secs(10))
            .on_finish(Effect::set(VOLUMES, new_id, [("/status", json!("active"))]))
            .on_fail(Effect::remove(VOLUMES, new_id)),
    );
    get_response(store.volumes().get(new_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(check_label("my-volume_1").is_ok());
        assert!(check_label("a").is_err());
        assert!(check_label("1abc").is_err());
        assert!(check_label("a--b").is_err());
        assert!(check_label("a__b").is_err());
        assert!(check_label("a.b").is_err());
        assert!(check_label(&"a".repeat(33)).is_err());
    }
}
