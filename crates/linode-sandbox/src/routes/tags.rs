//! `/tags`: the account's tags.
//!
//! State rules: a tag lives on the objects that carry it (the `tags` array of Linodes, domains,
//! NodeBalancers and volumes, set by `POST /tags` or by each family's own update), plus the
//! tags created with `POST /tags` (collection `tags`), which stay listed even once no object
//! carries them. So `GET /tags` is always the union of both and never disagrees with the
//! objects. `POST /tags` tags every object it names, or (when one does not exist) none of them;
//! `DELETE /tags/{label}` removes the tag from every object and forgets it.

use std::collections::BTreeSet;

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::checks::Checks;
use super::{ApiPath, AppState, JsonObject, ListRequest, list_response};
use crate::error::ApiError;
use crate::store::{Store, Table, now};

/// The objects that carry tags: the key `POST /tags` names them by, their kind as
/// `GET /tags/{label}` reports it, and how an error names one.
const TAGGABLE: [(&str, &str, &str); 4] = [
    ("linodes", "linode", "Linode"),
    ("domains", "domain", "Domain"),
    ("nodebalancers", "nodebalancer", "NodeBalancer"),
    ("volumes", "volume", "Volume"),
];

/// Created tags (`{"label": ..}`), by an id of their own.
const TABLE: &str = "tags";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/tags", get(list_tags).post(create_tag))
        .route("/tags/{label}", get(list_tagged).delete(delete_tag))
}

fn objects<'s>(store: &'s Store, kind: &str) -> &'s Table {
    match kind {
        "linode" => store.instances(),
        "domain" => store.domains(),
        "nodebalancer" => store.nodebalancers(),
        _ => store.volumes(),
    }
}

fn objects_mut<'s>(store: &'s mut Store, kind: &str) -> &'s mut Table {
    match kind {
        "linode" => store.instances_mut(),
        "domain" => store.domains_mut(),
        "nodebalancer" => store.nodebalancers_mut(),
        _ => store.volumes_mut(),
    }
}

fn carries(item: &Value, label: &str) -> bool {
    item["tags"]
        .as_array()
        .is_some_and(|tags| tags.iter().any(|t| t == label))
}

/// Every tag of the account: created ones and those objects carry, sorted.
fn all_tags(store: &Store) -> BTreeSet<String> {
    let created = store.table(TABLE).values();
    let carried = TAGGABLE
        .iter()
        .flat_map(|(_, kind, _)| objects(store, kind).values())
        .filter_map(|item| item["tags"].as_array())
        .flatten();
    created
        .map(|t| &t["label"])
        .chain(carried)
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect()
}

async fn list_tags(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let tags: Vec<Value> = all_tags(&store)
        .into_iter()
        .map(|label| json!({ "label": label }))
        .collect();
    list_response(&tags, &[], &req)
}

async fn create_tag(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut checks = Checks::default();
    let label = checks.required(&body, "label");
    if let Some(label) = &label {
        checks.length("label", label, 3, 50);
    }
    let mut targets = Vec::new();
    for (key, kind, name) in TAGGABLE {
        let Some(ids) = id_list(&mut checks, &body, key) else {
            continue;
        };
        let missing: Vec<String> = ids
            .iter()
            .filter(|id| objects(&store, kind).get(**id).is_none())
            .map(u64::to_string)
            .collect();
        if missing.is_empty() {
            targets.extend(ids.into_iter().map(|id| (kind, id)));
        } else {
            checks.add(key, format!("{name} not found: {}", missing.join(", ")));
        }
    }
    let label = checks.finish(label)?.unwrap_or_default();
    let ts = now();
    for (kind, id) in targets {
        if let Some(item) = objects_mut(&mut store, kind).get_mut(id) {
            if !carries(item, &label) {
                if let Some(tags) = item["tags"].as_array_mut() {
                    tags.push(Value::from(label.as_str()));
                } else {
                    item["tags"] = json!([label]);
                }
                item["updated"] = Value::from(ts.as_str());
            }
        }
    }
    let known = store
        .table(TABLE)
        .values()
        .any(|t| t["label"] == label.as_str());
    if !known {
        let id = store.next_id("tag", 1);
        store
            .table_mut(TABLE)
            .insert(id, json!({ "id": id, "label": label }));
    }
    Ok(Json(json!({ "label": label })))
}

/// An optional array of object ids.
fn id_list(
    checks: &mut Checks,
    body: &serde_json::Map<String, Value>,
    key: &str,
) -> Option<Vec<u64>> {
    match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            let ids: Option<Vec<u64>> = items.iter().map(Value::as_u64).collect();
            if ids.is_none() {
                checks.add(key, format!("{key} must be an array of integers"));
            }
            ids
        }
        Some(_) => {
            checks.add(key, format!("{key} must be an array of integers"));
            None
        }
    }
}

async fn list_tagged(
    State(state): State<AppState>,
    ApiPath(label): ApiPath<String>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    if !all_tags(&store).contains(&label) {
        return Err(ApiError::not_found());
    }
    let tagged: Vec<Value> = TAGGABLE
        .iter()
        .flat_map(|(_, kind, _)| {
            objects(&store, kind)
                .values()
                .filter(|item| carries(item, &label))
                .map(move |item| json!({ "type": kind, "data": item }))
        })
        .collect();
    list_response(&tagged, &[], &req)
}

async fn delete_tag(
    State(state): State<AppState>,
    ApiPath(label): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if !all_tags(&store).contains(&label) {
        return Err(ApiError::not_found());
    }
    let created: Vec<u64> = store
        .table(TABLE)
        .values()
        .filter(|t| t["label"] == label.as_str())
        .filter_map(|t| t["id"].as_u64())
        .collect();
    for id in created {
        store.table_mut(TABLE).remove(id);
    }
    let ts = now();
    for (_, kind, _) in TAGGABLE {
        let table = objects_mut(&mut store, kind);
        let carrying: Vec<u64> = table
            .values()
            .filter(|item| carries(item, &label))
            .filter_map(|item| item["id"].as_u64())
            .collect();
        for id in carrying {
            if let Some(item) = table.get_mut(id) {
                if let Some(tags) = item["tags"].as_array_mut() {
                    tags.retain(|t| t != label.as_str());
                }
                item["updated"] = Value::from(ts.as_str());
            }
        }
    }
    Ok(Json(json!({})))
}
