//! Log streams and destinations.
//!
//! Rules kept:
//! - a destination is an Object Storage bucket (`akamai_object_storage`) with the key that
//!   writes to it; the key's secret is write-only (never answered);
//! - a stream delivers `audit_logs` or `lke_audit_logs` to exactly one existing destination;
//!   one stream per type; `details` (LKE clusters, which must exist, or all of them) only for
//!   `lke_audit_logs`;
//! - each create or update makes a version (`version` 1, 2, ...), kept in the object's history
//!   as it was then; deleting the object deletes its history;
//! - a destination a stream delivers to can't be deleted.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::super::checks::Checks;
use super::super::{ApiPath, AppState, JsonObject, ListRequest, list_response};
use super::{empty, now, prepared, username};
use crate::error::ApiError;
use crate::store::Store;

const STREAMS: &str = "monitor_streams";
const DESTINATIONS: &str = "monitor_destinations";
const STREAM_VERSIONS: &str = "monitor_stream_versions";
const DESTINATION_VERSIONS: &str = "monitor_destination_versions";
const FIRST_ID: u64 = 12345;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/monitor/streams", get(list_streams).post(create_stream))
        .route(
            "/monitor/streams/{id}",
            get(get_stream).put(update_stream).delete(delete_stream),
        )
        .route("/monitor/streams/{id}/history", get(stream_history))
        .route(
            "/monitor/streams/destinations",
            get(list_destinations).post(create_destination),
        )
        .route(
            "/monitor/streams/destinations/{id}",
            get(get_destination)
                .put(update_destination)
                .delete(delete_destination),
        )
        .route(
            "/monitor/streams/destinations/{id}/history",
            get(destination_history),
        )
}

/// Appends the object's current form to its history.
fn remember(store: &mut Store, versions: &'static str, id: u64, shown: Value) {
    let table = store.table_mut(versions);
    match table.get_mut(id).and_then(Value::as_array_mut) {
        Some(list) => list.push(shown),
        None => table.insert(id, Value::from(vec![shown])),
    }
}

fn history(store: &Store, versions: &str, id: u64) -> Vec<Value> {
    store
        .table(versions)
        .get(id)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// A stream as the API shows it: its destinations in full.
fn render_stream(store: &Store, stored: &Value) -> Value {
    let mut shown = stored.clone();
    let destinations: Vec<Value> = stored["destination_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .filter_map(|id| store.table(DESTINATIONS).get(id))
        .map(|d| json!({"id": d["id"], "label": d["label"], "type": d["type"], "details": d["details"]}))
        .collect();
    if let Some(map) = shown.as_object_mut() {
        map.remove("destination_ids");
        map.insert("destinations".into(), Value::from(destinations));
    }
    shown
}

async fn list_streams(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = prepared(&state);
    let items: Vec<Value> = store
        .table(STREAMS)
        .values()
        .map(|s| render_stream(&store, s))
        .collect();
    list_response(&items, &[], &req)
}

async fn get_stream(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = prepared(&state);
    let stored = store
        .table(STREAMS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(render_stream(&store, stored)))
}

fn read_destinations(c: &mut Checks, body: &Map<String, Value>, store: &Store) -> Option<Vec<u64>> {
    let shape = "Must be an array of exactly one destination ID";
    let field = ("destinations", DESTINATIONS, "Destination");
    super::existing_ids(c, body, store, field, (|n| n == 1, shape))
}

/// Reads `details` for a stream of `kind`: LKE clusters that exist, or all of them.
fn read_stream_details(
    c: &mut Checks,
    body: &Map<String, Value>,
    store: &Store,
    kind: &str,
) -> Option<Value> {
    let details = c.object(body, "details")?;
    if kind != "lke_audit_logs" {
        if !details.is_empty() {
            c.add("details", "Only lke_audit_logs streams take details");
        }
        return None;
    }
    let auto = details
        .get("is_auto_add_all_clusters_enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let ids: Option<Vec<u64>> = match details.get("cluster_ids") {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(Value::as_u64).collect(),
        Some(_) => None,
    };
    let Some(ids) = ids else {
        c.add("details.cluster_ids", "Must be an array of cluster IDs");
        return None;
    };
    if auto && !ids.is_empty() {
        c.add(
            "details.cluster_ids",
            "Leave cluster_ids out when is_auto_add_all_clusters_enabled is true",
        );
        return None;
    }
    if let Some(missing) = ids
        .iter()
        .find(|id| store.table("lke_clusters").get(**id).is_none())
    {
        c.add(
            "details.cluster_ids",
            format!("Cluster {missing} not found"),
        );
        return None;
    }
    Some(json!({"cluster_ids": ids, "is_auto_add_all_clusters_enabled": auto}))
}

fn read_label(c: &mut Checks, body: &Map<String, Value>) -> Option<String> {
    let label = c.string(body, "label")?;
    c.length("label", &label, 1, 100).then_some(label)
}

async fn create_stream(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = prepared(&state);
    let mut c = Checks::default();
    for key in ["label", "type", "destinations"] {
        c.require(&body, key);
    }
    let label = read_label(&mut c, &body);
    let kind = c.one_of(&body, "type", &["audit_logs", "lke_audit_logs"]);
    if let Some(kind) = &kind {
        if store
            .table(STREAMS)
            .values()
            .any(|s| s["type"] == kind.as_str())
        {
            c.add("type", format!("You already have a {kind} stream"));
        }
    }
    let destinations = read_destinations(&mut c, &body, &store);
    let status = c.one_of(&body, "status", &["active", "inactive"]);
    let details = kind
        .as_deref()
        .and_then(|k| read_stream_details(&mut c, &body, &store, k));
    let (label, kind, destinations) = c.finish((label, kind, destinations))?;
    let id = store.next_id("monitor_stream", FIRST_ID);
    let (when, who) = (now(&store), username(&store));
    let stream = json!({
        "id": id, "label": label, "type": kind, "status": status.as_deref().unwrap_or("active"),
        "destination_ids": destinations, "details": details.unwrap_or_else(|| json!({})),
        "version": 1, "created": when, "updated": when, "created_by": who, "updated_by": who,
    });
    store.table_mut(STREAMS).insert(id, stream.clone());
    let shown = render_stream(&store, &stream);
    remember(&mut store, STREAM_VERSIONS, id, shown.clone());
    Ok(Json(shown))
}

async fn update_stream(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = prepared(&state);
    let current = store
        .table(STREAMS)
        .get(id)
        .ok_or_else(ApiError::not_found)?
        .clone();
    let mut c = Checks::default();
    let label = read_label(&mut c, &body);
    if body
        .get("type")
        .is_some_and(|t| !t.is_null() && *t != current["type"])
    {
        c.add("type", "The type of a stream cannot be changed");
    }
    let destinations = read_destinations(&mut c, &body, &store);
    let status = c.one_of(&body, "status", &["active", "inactive"]);
    let kind = current["type"].as_str().unwrap_or_default().to_owned();
    let details = read_stream_details(&mut c, &body, &store, &kind);
    c.finish(())?;
    let (when, who) = (now(&store), username(&store));
    let stored = store
        .table_mut(STREAMS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(label) = label {
        stored["label"] = Value::from(label);
    }
    if let Some(ids) = destinations {
        stored["destination_ids"] = Value::from(ids);
    }
    if let Some(status) = status {
        stored["status"] = Value::from(status);
    }
    if let Some(details) = details {
        stored["details"] = details;
    }
    stored["version"] = Value::from(stored["version"].as_u64().unwrap_or(1) + 1);
    stored["updated"] = Value::from(when);
    stored["updated_by"] = who;
    let stored = stored.clone();
    let shown = render_stream(&store, &stored);
    remember(&mut store, STREAM_VERSIONS, id, shown.clone());
    Ok(Json(shown))
}

async fn delete_stream(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = prepared(&state);
    store
        .table_mut(STREAMS)
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    store.table_mut(STREAM_VERSIONS).remove(id);
    Ok(empty())
}

async fn stream_history(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = prepared(&state);
    store
        .table(STREAMS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    list_response(&history(&store, STREAM_VERSIONS, id), &[], &req)
}

async fn list_destinations(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = prepared(&state);
    list_response(store.table(DESTINATIONS).values(), &[], &req)
}

async fn get_destination(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = prepared(&state);
    store
        .table(DESTINATIONS)
        .get(id)
        .cloned()
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

/// Reads an Object Storage destination's `details`: key id and secret, bucket and host
/// required, path optional. Answers them as stored (without the secret).
fn read_bucket(c: &mut Checks, body: &Map<String, Value>) -> Option<Value> {
    let details = c.object(body, "details")?;
    let mut d = Checks::default();
    for key in ["access_key_id", "access_key_secret", "bucket_name", "host"] {
        d.require(details, key);
    }
    let key_id = match details.get("access_key_id") {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        None | Some(Value::Null) => None,
        Some(_) => {
            d.add("access_key_id", "access_key_id must be a string");
            None
        }
    };
    d.string(details, "access_key_secret");
    let bucket = d.string(details, "bucket_name");
    let host = d.string(details, "host");
    let path = d.string(details, "path");
    for (field, reason) in d.into_errors() {
        c.add(&format!("details.{field}"), reason);
    }
    if !c.ok() {
        return None;
    }
    Some(json!({"access_key_id": key_id, "bucket_name": bucket, "host": host, "path": path}))
}

async fn create_destination(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = prepared(&state);
    let mut c = Checks::default();
    for key in ["label", "type", "details"] {
        c.require(&body, key);
    }
    let label = read_label(&mut c, &body);
    let kind = c.one_of(&body, "type", &["akamai_object_storage"]);
    let details = read_bucket(&mut c, &body);
    let (label, kind, details) = c.finish((label, kind, details))?;
    let id = store.next_id("monitor_destination", FIRST_ID);
    let (when, who) = (now(&store), username(&store));
    let destination = json!({
        "id": id, "label": label, "type": kind, "details": details, "version": 1,
        "created": when, "updated": when, "created_by": who, "updated_by": who,
    });
    store
        .table_mut(DESTINATIONS)
        .insert(id, destination.clone());
    remember(&mut store, DESTINATION_VERSIONS, id, destination.clone());
    Ok(Json(destination))
}

async fn update_destination(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = prepared(&state);
    let current = store
        .table(DESTINATIONS)
        .get(id)
        .ok_or_else(ApiError::not_found)?
        .clone();
    let mut c = Checks::default();
    let label = read_label(&mut c, &body);
    if body
        .get("type")
        .is_some_and(|t| !t.is_null() && *t != current["type"])
    {
        c.add("type", "The type of a destination cannot be changed");
    }
    let details = read_bucket(&mut c, &body);
    c.finish(())?;
    let (when, who) = (now(&store), username(&store));
    let stored = store
        .table_mut(DESTINATIONS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(label) = label {
        stored["label"] = Value::from(label);
    }
    if let Some(details) = details {
        stored["details"] = details;
    }
    stored["version"] = Value::from(stored["version"].as_u64().unwrap_or(1) + 1);
    stored["updated"] = Value::from(when);
    stored["updated_by"] = who;
    let stored = stored.clone();
    remember(&mut store, DESTINATION_VERSIONS, id, stored.clone());
    Ok(Json(stored))
}

async fn delete_destination(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = prepared(&state);
    store
        .table(DESTINATIONS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    let used = store.table(STREAMS).values().any(|s| {
        s["destination_ids"]
            .as_array()
            .is_some_and(|ids| ids.iter().any(|d| d.as_u64() == Some(id)))
    });
    if used {
        return Err(ApiError::bad_request(
            "This destination is used by a stream; delete the stream or change its destination first",
        ));
    }
    store.table_mut(DESTINATIONS).remove(id);
    store.table_mut(DESTINATION_VERSIONS).remove(id);
    Ok(empty())
}

async fn destination_history(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = prepared(&state);
    store
        .table(DESTINATIONS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    list_response(&history(&store, DESTINATION_VERSIONS, id), &[], &req)
}
