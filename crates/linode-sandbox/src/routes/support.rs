//! `/support/tickets`: tickets, their replies, and closing them.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::checks::Checks;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::account::random_hex;
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::{Store, format_time};

/// Fields `GET /support/tickets` may filter and order on.
const TICKET_FILTERABLE: &[&str] = &["closed", "opened", "opened_by", "status", "updated"];

/// What a ticket can be about: the body's field, the entity's type, its URL's collection and
/// its name in messages.
const REGARDING: &[(&str, &str, &str, &str)] = &[
    ("linode_id", "linode", "linode/instances", "Linode"),
    ("domain_id", "domain", "domains", "Domain"),
    (
        "nodebalancer_id",
        "nodebalancer",
        "nodebalancers",
        "NodeBalancer",
    ),
    ("volume_id", "volume", "volumes", "Volume"),
    ("database_id", "database", "databases", "Database"),
    (
        "firewall_id",
        "firewall",
        "networking/firewalls",
        "Firewall",
    ),
    (
        "lkecluster_id",
        "lkecluster",
        "lke/clusters",
        "Kubernetes cluster",
    ),
    (
        "longviewclient_id",
        "longview_client",
        "longview/clients",
        "Longview client",
    ),
    ("vpc_id", "vpc", "vpcs", "VPC"),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/support/tickets", get(list_tickets).post(open_ticket))
        .route("/support/tickets/{id}", get(get_ticket))
        .route(
            "/support/tickets/{id}/replies",
            get(list_replies).post(create_reply),
        )
        .route("/support/tickets/{id}/close", post(close_ticket))
}

fn ticket_entity(ticket: &Value) -> Entity {
    let id = ticket["id"].as_u64().unwrap_or_default();
    Entity::new(
        "ticket",
        id,
        ticket["summary"].as_str().unwrap_or_default(),
        format!("/v4/support/tickets/{id}"),
    )
}

/// The label of an entity a ticket may be about, when it exists.
fn regarded(store: &Store, kind: &str, id: u64) -> Option<String> {
    match kind {
        "longview_client" => store
            .account
            .longview_clients
            .get(id)
            .map(|c| c["label"].as_str().unwrap_or_default().to_owned()),
        _ => store.entity_label(kind, id),
    }
}

/// Newest first.
async fn list_tickets(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let newest_first: Vec<&Value> = store.account.tickets.values().rev().collect();
    list_response(newest_first, TICKET_FILTERABLE, &req)
}

async fn get_ticket(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().account.tickets.get(id))
}

/// Opens a ticket about at most one existing entity.
async fn open_ticket(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut c = Checks::default();
    let summary = c.required(&body, "summary");
    if let Some(summary) = &summary {
        c.length("summary", summary, 1, 64);
    }
    let description = c.required(&body, "description");
    if let Some(description) = &description {
        c.length("description", description, 1, 65_000);
    }
    let mut about = Vec::new();
    for (field, kind, collection, name) in REGARDING {
        if let Some(id) = c.unsigned(&body, field) {
            about.push((*field, *kind, *collection, *name, id));
        }
    }
    let mut entity = Value::Null;
    match about.as_slice() {
        [] => {}
        [(field, kind, collection, name, id)] => match regarded(&store, kind, *id) {
            Some(label) => {
                entity = json!({
                    "id": id, "label": label, "type": kind,
                    "url": format!("/v4/{collection}/{id}")
                })
            }
            None => c.add(field, format!("{name} not found")),
        },
        more => {
            for (field, ..) in more {
                c.add(field, "Only one of the entity ids may be given");
            }
        }
    }
    let (summary, description) =
        c.finish((summary.unwrap_or_default(), description.unwrap_or_default()))?;
    let id = 11_000_000 + store.account.next_id();
    let now = format_time(store.clock.wall());
    let username = store.account.profile["username"].clone();
    let ticket = json!({
        "id": id,
        "attachments": [],
        "closed": null,
        "closable": true,
        "description": description,
        "entity": entity,
        "gravatar_id": random_hex(16),
        "opened": now,
        "opened_by": username,
        "status": "new",
        "summary": summary,
        "updated": now,
        "updated_by": username
    });
    store.account.tickets.insert(id, ticket.clone());
    store.account.ticket_replies.insert(id, Vec::new());
    store.record(Action::new("ticket_create", ticket_entity(&ticket)));
    Ok(Json(ticket))
}

async fn list_replies(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let replies = store
        .account
        .ticket_replies
        .get(&id)
        .ok_or_else(ApiError::not_found)?;
    list_response(replies, &[], &req)
}

async fn create_reply(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let status = store
        .account
        .tickets
        .get(id)
        .ok_or_else(ApiError::not_found)?["status"]
        .clone();
    let mut c = Checks::default();
    let description = c.required(&body, "description");
    if let Some(description) = &description {
        c.length("description", description, 1, 65_535);
    }
    if status == "closed" {
        c.add("ticket_id", "This ticket is closed");
    }
    let description = c.finish(description.unwrap_or_default())?;
    let reply_id = 22_000_000 + store.account.next_id();
    let now = format_time(store.clock.wall());
    let username = store.account.profile["username"].clone();
    let reply = json!({
        "id": reply_id,
        "created": now,
        "created_by": username,
        "description": description,
        "from_linode": false,
        "gravatar_id": random_hex(16)
    });
    store
        .account
        .ticket_replies
        .entry(id)
        .or_default()
        .push(reply.clone());
    let ticket = store
        .account
        .tickets
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    ticket["status"] = Value::from("open");
    ticket["updated"] = Value::from(now);
    ticket["updated_by"] = username;
    let ticket = ticket.clone();
    store.record(Action::new("ticket_update", ticket_entity(&ticket)));
    Ok(Json(reply))
}

async fn close_ticket(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let now = format_time(store.clock.wall());
    let username = store.account.profile["username"].clone();
    let ticket = store
        .account
        .tickets
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if ticket["status"] == "closed" {
        return Err(ApiError::bad_request("This ticket is already closed"));
    }
    if ticket["closable"] != true {
        return Err(ApiError::bad_request("This ticket cannot be closed"));
    }
    ticket["status"] = Value::from("closed");
    ticket["closed"] = Value::from(now.as_str());
    ticket["closable"] = Value::from(false);
    ticket["updated"] = Value::from(now);
    ticket["updated_by"] = username;
    let ticket = ticket.clone();
    store.record(Action::new("ticket_update", ticket_entity(&ticket)));
    Ok(Json(json!({})))
}
