//! `/longview`: Longview clients, the subscriptions (Longview Pro plans) and the account's plan.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::checks::Checks;
use super::price_lists::PriceList;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::account::random_guid;
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::format_time;

/// Fields `GET /longview/clients` may filter and order on.
const CLIENT_FILTERABLE: &[&str] = &["label"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/longview/clients", get(list_clients).post(create_client))
        .route(
            "/longview/clients/{id}",
            get(get_client).put(update_client).delete(delete_client),
        )
        .route("/longview/subscriptions", get(list_subscriptions))
        .route("/longview/subscriptions/{id}", get(get_subscription))
        .route("/longview/plan", get(get_plan).put(update_plan))
        .route("/longview/types", get(list_types))
}

/// The Longview Pro plans.
fn subscriptions() -> &'static [Value] {
    static PLANS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    PLANS.get_or_init(|| {
        [
            ("longview-3", "Longview Pro 3 pack", 3, 0.03, 20),
            ("longview-10", "Longview Pro 10 pack", 10, 0.06, 40),
            ("longview-40", "Longview Pro 40 pack", 40, 0.15, 100),
            ("longview-100", "Longview Pro 100 pack", 100, 0.3, 200),
        ]
        .iter()
        .map(|(id, label, clients, hourly, monthly)| {
            json!({
                "id": id,
                "label": label,
                "clients_included": clients,
                "price": {"hourly": hourly, "monthly": monthly}
            })
        })
        .collect()
    })
}

/// The Longview Pro price list (the plans' prices, without region-specific ones).
static LONGVIEW_TYPES: PriceList = PriceList::flat(&[
    ("longview-3", "Longview Pro 3 pack", 0.03, 20.0, 0),
    ("longview-10", "Longview Pro 10 pack", 0.06, 40.0, 0),
    ("longview-40", "Longview Pro 40 pack", 0.15, 100.0, 0),
    ("longview-100", "Longview Pro 100 pack", 0.3, 200.0, 0),
]);

async fn list_types(req: ListRequest) -> Result<Json<Value>, ApiError> {
    LONGVIEW_TYPES.list(&req)
}

fn subscription(id: &str) -> Option<&'static Value> {
    subscriptions().iter().find(|s| s["id"] == id)
}

fn client_entity(client: &Value) -> Entity {
    let id = client["id"].as_u64().unwrap_or_default();
    Entity::new(
        "longview_client",
        id,
        client["label"].as_str().unwrap_or_default(),
        format!("/v4/longview/clients/{id}"),
    )
}

/// A Longview label: 3-32 letters, digits, `-`, `_` or `.`, unique among clients.
fn check_label(c: &mut Checks, label: &str, clients: &crate::store::Table, own: Option<u64>) {
    if !c.length("label", label, 3, 32) {
        return;
    }
    if !label
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
    {
        c.add(
            "label",
            "Must only use ASCII letters, numbers, underscores, dashes and periods",
        );
    } else if clients
        .values()
        .any(|v| v["label"] == label && v["id"].as_u64() != own)
    {
        c.add("label", "Label must be unique among your Longview clients");
    }
}

async fn list_clients(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(
        store
            .table(crate::account::names::LONGVIEW_CLIENTS)
            .values(),
        CLIENT_FILTERABLE,
        &req,
    )
}

async fn get_client(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(
        state
            .store()
            .table(crate::account::names::LONGVIEW_CLIENTS)
            .get(id),
    )
}

/// Creates a client; without a label it is called `longview<id>`. The answer carries the
/// client's API key and install code.
async fn create_client(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut c = Checks::default();
    let label = c.string(&body, "label");
    if let Some(label) = &label {
        check_label(
            &mut c,
            label,
            store.table(crate::account::names::LONGVIEW_CLIENTS),
            None,
        );
    }
    c.finish(())?;
    let id = store.account_next_id();
    let now = format_time(store.clock.wall());
    let client = json!({
        "id": id,
        "label": label.unwrap_or_else(|| format!("longview{id}")),
        "api_key": random_guid(),
        "install_code": random_guid(),
        "apps": {"apache": false, "nginx": false, "mysql": false},
        "created": now,
        "updated": now
    });
    store
        .table_mut(crate::account::names::LONGVIEW_CLIENTS)
        .insert(id, client.clone());
    store.record(Action::new("longviewclient_create", client_entity(&client)));
    // The API answers a creation with the apps as 0/1, and reads with booleans.
    let mut answer = client;
    answer["apps"] = json!({"apache": 0, "nginx": 0, "mysql": 0});
    Ok(Json(answer))
}

async fn update_client(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if store
        .table(crate::account::names::LONGVIEW_CLIENTS)
        .get(id)
        .is_none()
    {
        return Err(ApiError::not_found());
    }
    let mut c = Checks::default();
    let label = c.string(&body, "label");
    if let Some(label) = &label {
        check_label(
            &mut c,
            label,
            store.table(crate::account::names::LONGVIEW_CLIENTS),
            Some(id),
        );
    }
    c.finish(())?;
    let now = format_time(store.clock.wall());
    let client = store
        .table_mut(crate::account::names::LONGVIEW_CLIENTS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(label) = label {
        client["label"] = Value::from(label);
    }
    client["updated"] = Value::from(now);
    let answer = client.clone();
    store.record(Action::new("longviewclient_update", client_entity(&answer)));
    Ok(Json(answer))
}

async fn delete_client(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let client = store
        .table_mut(crate::account::names::LONGVIEW_CLIENTS)
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    store.record(Action::new("longviewclient_delete", client_entity(&client)));
    Ok(Json(json!({})))
}

async fn list_subscriptions(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(subscriptions(), &[], &req)
}

async fn get_subscription(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    get_response(subscription(&id))
}

/// The account's Longview Pro plan, or `{}` for Longview Free.
async fn get_plan(State(state): State<AppState>) -> Json<Value> {
    let store = state.store();
    let plan = store.account_settings()["longview_subscription"]
        .as_str()
        .and_then(subscription)
        .cloned();
    Json(plan.unwrap_or_else(|| json!({})))
}

async fn update_plan(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let plan = c.string(&body, "longview_subscription");
    if plan.as_deref().is_some_and(|p| subscription(p).is_none()) {
        c.add("longview_subscription", "Longview subscription not found");
    }
    c.finish(())?;
    let mut store = state.store();
    store.account_settings_mut()["longview_subscription"] =
        plan.as_deref().map_or(Value::Null, Value::from);
    Ok(Json(
        plan.as_deref()
            .and_then(subscription)
            .cloned()
            .unwrap_or_else(|| json!({})),
    ))
}
