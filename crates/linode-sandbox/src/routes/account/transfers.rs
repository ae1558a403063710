//! `/account/service-transfers` and its older name `/account/entity-transfers`: both serve
//! the same transfers.
//!
//! State rules:
//! - A transfer moves Linodes (`entities.linodes`, at least one, each existing and in no
//!   other pending transfer). It starts `pending`, `is_sender: true`, expires 24 hours
//!   after its creation and is identified by its `token`.
//! - Only a `pending` transfer can be cancelled (it becomes `canceled`) or accepted.
//! - Simplification: the sandbox has one account, so it plays the receiver too. Accepting a
//!   transfer completes it at once (`completed`) and moves its Linodes to "the other
//!   account": they disappear from `/linode/instances` of this one. The real API refuses to
//!   let the sender accept its own transfer; the sandbox does not.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::super::{ApiPath, AppState, JsonObject, ListRequest, list_response};
use crate::account::random_guid;
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::{Store, format_time, now};

const TRANSFERS: &str = "service_transfers";
/// Fields the transfer lists may filter and order on.
const TRANSFER_FILTERABLE: &[&str] = &["is_sender", "status"];
/// How long a transfer waits to be accepted.
const EXPIRY_SECS: u64 = 24 * 3600;

pub(super) fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for family in ["service-transfers", "entity-transfers"] {
        router = router
            .route(
                &format!("/account/{family}"),
                get(list_transfers).post(create_transfer),
            )
            .route(
                &format!("/account/{family}/{{token}}"),
                get(get_transfer).delete(cancel_transfer),
            )
            .route(
                &format!("/account/{family}/{{token}}/accept"),
                post(accept_transfer),
            );
    }
    router
}

fn transfer_entity(token: &str) -> Entity {
    Entity::new(
        "entity_transfer",
        token,
        token,
        format!("/v4/account/service-transfers/{token}"),
    )
}

/// The id in the table of the transfer with this token.
fn find(store: &Store, token: &str) -> Option<u64> {
    store
        .table(TRANSFERS)
        .values()
        .find(|t| t["token"] == token)
        .and_then(|t| t["_id"].as_u64())
}

/// The transfer as served (without the table's own key).
fn shown(transfer: &Value) -> Value {
    let mut shown = transfer.clone();
    if let Some(map) = shown.as_object_mut() {
        map.remove("_id");
    }
    shown
}

async fn list_transfers(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let all: Vec<Value> = store.table(TRANSFERS).values().map(shown).collect();
    list_response(&all, TRANSFER_FILTERABLE, &req)
}

async fn get_transfer(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let id = find(&store, &token).ok_or_else(ApiError::not_found)?;
    Ok(Json(shown(
        store.table(TRANSFERS).get(id).unwrap_or(&Value::Null),
    )))
}

async fn create_transfer(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    const FIELD: &str = "entities.linodes";
    let ids: Vec<u64> = match body.get("entities").map(|e| &e["linodes"]) {
        Some(Value::Array(items)) if !items.is_empty() => {
            let ids: Vec<u64> = items.iter().filter_map(Value::as_u64).collect();
            if ids.len() != items.len() {
                return Err(ApiError::field(FIELD, "Must be an array of Linode ids"));
            }
            ids
        }
        _ => return Err(ApiError::field(FIELD, "At least one Linode is required")),
    };
    let mut store = state.store();
    for id in &ids {
        if !store.entity_exists("linode", *id) {
            return Err(ApiError::field(FIELD, format!("Linode {id} not found")));
        }
        let pending = store.table(TRANSFERS).values().any(|t| {
            t["status"] == "pending"
                && t["entities"]["linodes"]
                    .as_array()
                    .is_some_and(|l| l.contains(&Value::from(*id)))
        });
        if pending {
            return Err(ApiError::field(
                FIELD,
                format!("Linode {id} is already part of a pending transfer"),
            ));
        }
    }
    let key = store.next_id("service_transfer", 1);
    let token = random_guid();
    let created = now();
    let expiry =
        format_time(std::time::SystemTime::now() + std::time::Duration::from_secs(EXPIRY_SECS));
    let transfer = json!({
        "_id": key,
        "token": token,
        "status": "pending",
        "is_sender": true,
        "created": created,
        "updated": created,
        "expiry": expiry,
        "entities": {"linodes": ids},
    });
    store.table_mut(TRANSFERS).insert(key, transfer.clone());
    store.record(Action::new(
        "entity_transfer_create",
        transfer_entity(&token),
    ));
    Ok(Json(shown(&transfer)))
}

/// Moves a pending transfer to `status`, or refuses when it is not pending.
fn finish(store: &mut Store, token: &str, status: &str) -> Result<Value, ApiError> {
    let id = find(store, token).ok_or_else(ApiError::not_found)?;
    let transfer = store
        .table_mut(TRANSFERS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if transfer["status"] != "pending" {
        return Err(ApiError::bad_request(format!(
            "This transfer is {} and can no longer change",
            transfer["status"].as_str().unwrap_or_default()
        )));
    }
    transfer["status"] = Value::from(status);
    transfer["updated"] = Value::from(now());
    Ok(transfer.clone())
}

async fn cancel_transfer(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    finish(&mut store, &token, "canceled")?;
    store.record(Action::new(
        "entity_transfer_cancel",
        transfer_entity(&token),
    ));
    Ok(Json(json!({})))
}

async fn accept_transfer(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let transfer = finish(&mut store, &token, "completed")?;
    for id in transfer["entities"]["linodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
    {
        store.delete_instance(id);
    }
    store.record(Action::new(
        "entity_transfer_accept",
        transfer_entity(&token),
    ));
    Ok(Json(json!({})))
}
