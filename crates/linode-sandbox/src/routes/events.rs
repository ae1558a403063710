//! `/account/events`: the event log every action writes to.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{ApiPath, AppState, ListRequest, get_response, list_response};
use crate::error::ApiError;
use crate::store::{Store, format_time};

/// Fields `GET /account/events` may filter and order on.
const EVENT_FILTERABLE: &[&str] = &[
    "action",
    "created",
    "details.complete_time",
    "details.description",
    "details.maintenance_policy_set",
    "details.not_before",
    "details.source",
    "details.start_time",
    "entity.id",
    "entity.type",
    "id",
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/events", get(list_events))
        .route("/account/events/{id}", get(get_event))
        .route("/account/events/{id}/seen", post(mark_seen))
}

/// Newest first, as the API lists them.
async fn list_events(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let shown = shown_since(&store);
    let newest_first: Vec<&Value> = store
        .events()
        .values()
        .rev()
        .filter(|e| is_shown(e, shown.as_deref()))
        .collect();
    list_response(newest_first, EVENT_FILTERABLE, &req)
}

async fn get_event(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let shown = shown_since(&store);
    get_response(
        store
            .events()
            .get(id)
            .filter(|e| is_shown(e, shown.as_deref())),
    )
}

/// With an event lag, the newest `created` time still shown (the API's format sorts as text).
fn shown_since(store: &Store) -> Option<String> {
    let lag = store.realism.event_lag;
    (!lag.is_zero()).then(|| format_time(store.clock.wall() - lag))
}

fn is_shown(event: &Value, shown: Option<&str>) -> bool {
    shown.is_none_or(|latest| event["created"].as_str().is_some_and(|c| c <= latest))
}

/// Marks the event and every earlier one as seen.
async fn mark_seen(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if store.events().get(id).is_none() {
        return Err(ApiError::not_found());
    }
    for (event_id, event) in store.events_mut().iter_mut() {
        if event_id <= id {
            event["seen"] = Value::from(true);
        }
    }
    Ok(Json(json!({})))
}
