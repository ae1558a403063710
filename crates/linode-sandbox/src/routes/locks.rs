//! `/locks`: resource locks (collection `locks`).
//!
//! State rules: a lock protects one existing Linode, NodeBalancer or volume (LKE objects have
//! no home in the sandbox, so their ids are never valid); an object has at most one delete
//! lock, of either type. While it is locked the object can't be deleted: every delete handler
//! of those families calls [`refuse_locked`] first. A Linode's and a NodeBalancer's `locks`
//! field lists the types of the locks set on it, kept in step on every change here. Deleting
//! the lock frees the object.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::checks::Checks;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::error::ApiError;
use crate::store::Store;

/// Fields `GET /locks` may filter and order on.
const LOCK_FILTERABLE: &[&str] = &["entity.id", "entity.type", "id", "lock_type"];
/// The kinds of objects a lock can name.
const ENTITY_TYPES: &[&str] = &[
    "linode",
    "nodebalancer",
    "volume",
    "lkecluster",
    "lkenodepool",
];
/// The kinds of locks.
const LOCK_TYPES: &[&str] = &["cannot_delete", "cannot_delete_with_subresources"];
/// First id handed out to a lock.
const FIRST_LOCK_ID: u64 = 1_000;
const TABLE: &str = "locks";
/// The API's answer to an `entity_id` that names no object of `entity_type`.
const NOT_VALID: &str = "entity_id is not valid";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/locks", get(list_locks).post(create_lock))
        .route("/locks/{id}", get(get_lock).delete(delete_lock))
}

/// The lock set on object `id` of `kind`, if any.
fn lock_on<'s>(store: &'s Store, kind: &str, id: u64) -> Option<&'s Value> {
    store
        .table(TABLE)
        .values()
        .find(|l| l["entity"]["type"] == kind && l["entity"]["id"].as_u64() == Some(id))
}

/// The refusal to delete object `id` of `kind` (`linode`, `nodebalancer`, `volume`) while a
/// lock protects it: the one check every delete handler of those families makes first.
pub(super) fn refuse_locked(store: &Store, kind: &str, id: u64) -> Result<(), ApiError> {
    match lock_on(store, kind, id) {
        None => Ok(()),
        Some(lock) => Err(ApiError::bad_request(format!(
            "This {kind} can't be deleted while its {} lock (Lock ID: {}) is in place",
            lock["lock_type"].as_str().unwrap_or_default(),
            lock["id"],
        ))),
    }
}

/// Writes the types of the locks on object `id` into its `locks` field (Linodes and
/// NodeBalancers carry one).
fn sync_locks_field(store: &mut Store, kind: &str, id: u64) {
    let types: Vec<Value> = lock_on(store, kind, id)
        .map(|l| l["lock_type"].clone())
        .into_iter()
        .collect();
    let item = match kind {
        "linode" => store.instances_mut().get_mut(id),
        "nodebalancer" => store.nodebalancers_mut().get_mut(id),
        _ => None,
    };
    if let Some(item) = item {
        item["locks"] = Value::from(types);
    }
}

fn entity_url(kind: &str, id: u64) -> String {
    match kind {
        "linode" => format!("/v4/linode/instances/{id}"),
        "nodebalancer" => format!("/v4/nodebalancers/{id}"),
        _ => format!("/v4/volumes/{id}"),
    }
}

async fn list_locks(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(store.table(TABLE).values(), LOCK_FILTERABLE, &req)
}

async fn get_lock(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().table(TABLE).get(id))
}

async fn create_lock(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut checks = Checks::default();
    for key in ["entity_type", "entity_id", "lock_type"] {
        checks.require(&body, key);
    }
    let kind = checks.one_of(&body, "entity_type", ENTITY_TYPES);
    // Any id that names no object, malformed or negative alike, is "not valid" to the API.
    let entity_id = match body.get("entity_id") {
        None | Some(Value::Null) => None,
        Some(v) => v.as_u64().or_else(|| {
            checks.add("entity_id", NOT_VALID);
            None
        }),
    };
    let lock_type = checks.one_of(&body, "lock_type", LOCK_TYPES);
    let (kind, entity_id, lock_type) = match checks.finish((kind, entity_id, lock_type))? {
        (Some(k), Some(e), Some(t)) => (k, e, t),
        _ => return Err(ApiError::field("entity_id", NOT_VALID)),
    };
    if kind.starts_with("lke") && lock_type != "cannot_delete" {
        return Err(ApiError::field(
            "lock_type",
            format!("{lock_type} is not available for {kind}; only cannot_delete is"),
        ));
    }
    let Some(label) = store.entity_label(&kind, entity_id) else {
        return Err(ApiError::field("entity_id", NOT_VALID));
    };
    if let Some(existing) = lock_on(&store, &kind, entity_id) {
        return Err(ApiError::field(
            "lock_type",
            format!(
                "The {} lock (Lock ID: {}) needs to be removed to add {lock_type} lock. \
                 Can only have one of: {} locks",
                existing["lock_type"].as_str().unwrap_or_default(),
                existing["id"],
                LOCK_TYPES.join(", "),
            ),
        ));
    }
    let id = store.next_id("lock", FIRST_LOCK_ID);
    let lock = json!({
        "id": id,
        "lock_type": lock_type,
        "entity": {
            "id": entity_id,
            "type": kind,
            "label": label,
            "url": entity_url(&kind, entity_id),
        },
    });
    store.table_mut(TABLE).insert(id, lock.clone());
    sync_locks_field(&mut store, &kind, entity_id);
    Ok(Json(lock))
}

async fn delete_lock(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let lock = store
        .table_mut(TABLE)
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    let kind = lock["entity"]["type"].as_str().unwrap_or_default();
    let entity_id = lock["entity"]["id"].as_u64().unwrap_or_default();
    sync_locks_field(&mut store, kind, entity_id);
    Ok(Json(json!({})))
}
