//! `/monitor`: Akamai Cloud Pulse — the monitored services with their metric definitions and
//! dashboards ([`catalog`]), alert definitions and notification channels ([`alerts`]), log
//! streams and destinations ([`logs`]), and the per-service token with the metrics query
//! ([`metrics`]).
//!
//! State in named collections: `monitor_alert_definitions`, `monitor_alert_channels`,
//! `monitor_streams`, `monitor_destinations`, `monitor_stream_versions` and
//! `monitor_destination_versions` (the history of each, keyed by its id), `monitor_tokens`.
//!
//! Invented where the API's description says nothing: the catalog beyond `dbaas` (see
//! [`catalog`]), the built-in (`system`) channel 10000 and alert definition 10000 present on
//! every account, the wording of refusals, and the timing of status changes (a definition
//! answered `provisioning`, `enabling` or `disabling` is `enabled`/`disabled` at the next
//! request to `/monitor`).

mod alerts;
mod catalog;
mod logs;
mod metrics;

use axum::Router;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{ApiPath, AppState, ListRequest, list_response};
use crate::error::ApiError;
use crate::store::{Store, format_time};

pub(super) use metrics::host_routes;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/monitor/services", get(list_services))
        .route("/monitor/services/{service}", get(get_service))
        .route(
            "/monitor/services/{service}/metric-definitions",
            get(list_metric_definitions),
        )
        .route(
            "/monitor/services/{service}/dashboards",
            get(list_service_dashboards),
        )
        .route("/monitor/dashboards", get(list_dashboards))
        .route("/monitor/dashboards/{id}", get(get_dashboard))
        .route("/monitor/services/{service}/token", post(metrics::token))
        .merge(alerts::routes())
        .merge(logs::routes())
}

/// The service of a path, or 404 `Not found`.
fn service(name: &str) -> Result<&'static catalog::Service, ApiError> {
    catalog::service(name).ok_or_else(ApiError::not_found)
}

async fn list_services(req: ListRequest) -> Result<Json<Value>, ApiError> {
    let items: Vec<Value> = catalog::SERVICES
        .iter()
        .map(catalog::Service::json)
        .collect();
    list_response(&items, &[], &req)
}

async fn get_service(
    ApiPath(name): ApiPath<String>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let items = vec![service(&name)?.json()];
    list_response(&items, &[], &req)
}

async fn list_metric_definitions(
    ApiPath(name): ApiPath<String>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let items: Vec<Value> = service(&name)?
        .metrics
        .iter()
        .map(catalog::Metric::json)
        .collect();
    list_response(&items, &[], &req)
}

async fn list_dashboards(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&catalog::dashboards(), &[], &req)
}

async fn list_service_dashboards(
    ApiPath(name): ApiPath<String>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    service(&name)?;
    let items: Vec<Value> = catalog::dashboards()
        .into_iter()
        .filter(|d| d["service_type"] == name.as_str())
        .collect();
    list_response(&items, &[], &req)
}

async fn get_dashboard(ApiPath(id): ApiPath<u64>) -> Result<Json<Value>, ApiError> {
    catalog::dashboards()
        .into_iter()
        .find(|d| d["id"] == id)
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

/// The label of entity `id` of a monitored service, when it exists.
fn entity_label(store: &Store, service_type: &str, id: u64) -> Option<String> {
    let from_table = |table: &str| {
        store
            .table(table)
            .get(id)
            .map(|e| e["label"].as_str().unwrap_or_default().to_owned())
    };
    match service_type {
        "linode" => store.entity_label("linode", id),
        "nodebalancer" => store.entity_label("nodebalancer", id),
        "dbaas" => from_table("databases"),
        "firewall" => from_table("firewalls"),
        _ => None,
    }
}

/// Reads an entity id sent as a number or a string of digits.
fn entity_id(value: &Value) -> Option<u64> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

/// The account's username, who creates and updates what the caller sends.
/// Reads `field` as a list of ids of objects of collection `table`: a list of the size `fits`
/// accepts (`shape` says which when not), of ids that exist (`what` names one when not).
fn existing_ids(
    c: &mut super::checks::Checks,
    body: &serde_json::Map<String, Value>,
    store: &Store,
    (field, table, what): (&str, &str, &str),
    (fits, shape): (fn(usize) -> bool, &str),
) -> Option<Vec<u64>> {
    let ids: Option<Vec<u64>> = match body.get(field)? {
        Value::Array(items) if fits(items.len()) => items.iter().map(Value::as_u64).collect(),
        _ => None,
    };
    let Some(ids) = ids else {
        c.add(field, shape);
        return None;
    };
    if let Some(missing) = ids.iter().find(|id| store.table(table).get(**id).is_none()) {
        c.add(field, format!("{what} {missing} not found"));
        return None;
    }
    Some(ids)
}

fn username(store: &Store) -> Value {
    store.profile()["username"].clone()
}

/// Now, in the API's format.
fn now(store: &Store) -> String {
    format_time(store.clock.wall())
}

/// Answers `{}`.
fn empty() -> Json<Value> {
    Json(json!({}))
}

/// The store, with the built-in objects in place and finished status changes applied: every
/// `/monitor` handler that reads or writes state starts here.
fn prepared(state: &AppState) -> std::sync::MutexGuard<'_, Store> {
    let mut store = state.store();
    alerts::prepare(&mut store);
    store
}
