//! `/support/tickets`: tickets, their replies, their attachments, and closing them.
//!
//! An attachment is a `multipart/form-data` upload whose `file` part names a `.gif`, `.jpg`,
//! `.jpeg`, `.pjpg`, `.pjpeg`, `.tif`, `.tiff`, `.png`, `.pdf` or `.txt` file (the API's
//! list) of at most [`MAX_ATTACHMENT_BYTES`]; the ticket keeps its name in `attachments`. A
//! closed ticket takes no replies and no attachments.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, header};
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

/// The largest attachment the sandbox takes, in bytes: 5 MB. The API's description names no
/// limit; this is the one Cloud Manager tells its users.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;

/// The file extensions the API accepts for an attachment.
const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "gif", "jpg", "jpeg", "pjpg", "pjpeg", "tif", "tiff", "png", "pdf", "txt",
];

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
        .route(
            "/support/tickets/{id}/attachments",
            // Room for the largest file plus the form's framing, so that a file just over
            // the limit gets the API's field error rather than a bare 413.
            post(add_attachment).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES + 64 * 1024)),
        )
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
            .table(crate::account::names::LONGVIEW_CLIENTS)
            .get(id)
            .map(|c| c["label"].as_str().unwrap_or_default().to_owned()),
        _ => store.entity_label(kind, id),
    }
}

/// Whether ticket `id` is closed; 404 when there is no such ticket.
fn is_closed(store: &Store, id: u64) -> Result<bool, ApiError> {
    let ticket = store
        .table(crate::account::names::TICKETS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    Ok(ticket["status"] == "closed")
}

/// Applies `change` to ticket `id`, stamps when and by whom it was updated, and records
/// `action` about it.
fn update_ticket(
    store: &mut Store,
    id: u64,
    action: &str,
    change: impl FnOnce(&mut Value),
) -> Result<(), ApiError> {
    let now = format_time(store.clock.wall());
    let username = store.profile()["username"].clone();
    let ticket = store
        .table_mut(crate::account::names::TICKETS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    change(ticket);
    ticket["updated"] = Value::from(now);
    ticket["updated_by"] = username;
    let ticket = ticket.clone();
    store.record(Action::new(action, ticket_entity(&ticket)));
    Ok(())
}

/// Newest first.
async fn list_tickets(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let newest_first: Vec<&Value> = store
        .table(crate::account::names::TICKETS)
        .values()
        .rev()
        .collect();
    list_response(newest_first, TICKET_FILTERABLE, &req)
}

async fn get_ticket(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().table(crate::account::names::TICKETS).get(id))
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
    let id = 11_000_000 + store.account_next_id();
    let now = format_time(store.clock.wall());
    let username = store.profile()["username"].clone();
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
    store
        .table_mut(crate::account::names::TICKETS)
        .insert(id, ticket.clone());
    store.record(Action::new("ticket_create", ticket_entity(&ticket)));
    Ok(Json(ticket))
}

async fn list_replies(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    if store
        .table(crate::account::names::TICKETS)
        .get(id)
        .is_none()
    {
        return Err(ApiError::not_found());
    }
    let replies: Vec<Value> = store
        .owned_ids(crate::account::names::TICKET_REPLIES, id)
        .into_iter()
        .filter_map(|reply| {
            store
                .table(crate::account::names::TICKET_REPLIES)
                .get(reply)
        })
        .map(|reply| {
            let mut reply = reply.clone();
            if let Some(fields) = reply.as_object_mut() {
                fields.remove(crate::account::TICKET);
            }
            reply
        })
        .collect();
    list_response(&replies, &[], &req)
}

async fn create_reply(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let closed = is_closed(&store, id)?;
    let mut c = Checks::default();
    let description = c.required(&body, "description");
    if let Some(description) = &description {
        c.length("description", description, 1, 65_535);
    }
    if closed {
        c.add("ticket_id", "This ticket is closed");
    }
    let description = c.finish(description.unwrap_or_default())?;
    let reply_id = 22_000_000 + store.account_next_id();
    let now = format_time(store.clock.wall());
    let username = store.profile()["username"].clone();
    let reply = json!({
        "id": reply_id,
        "created": now,
        "created_by": username,
        "description": description,
        "from_linode": false,
        "gravatar_id": random_hex(16)
    });
    store.insert_owned(
        crate::account::names::TICKET_REPLIES,
        id,
        reply_id,
        reply.clone(),
    );
    update_ticket(&mut store, id, "ticket_update", |ticket| {
        ticket["status"] = Value::from("open");
    })?;
    Ok(Json(reply))
}

async fn close_ticket(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let now = format_time(store.clock.wall());
    let username = store.profile()["username"].clone();
    let ticket = store
        .table_mut(crate::account::names::TICKETS)
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

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// A parameter of a header value, such as `boundary` of a content type or `filename` of a
/// content disposition, unquoted.
fn header_param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value.split(';').find_map(|part| {
        let (key, v) = part.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"'))
    })
}

/// The `file` part of a `multipart/form-data` body: its file name and contents. `None`
/// when the body is not such a form or has no `file` part.
fn file_part<'a>(content_type: &str, body: &'a [u8]) -> Option<(String, &'a [u8])> {
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return None;
    }
    let boundary = header_param(content_type, "boundary")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = [b"\r\n".as_slice(), &delimiter].concat();
    let mut at = find(body, &delimiter, 0)? + delimiter.len();
    while body.get(at..)?.starts_with(b"\r\n") {
        let start = at + 2;
        let end = find(body, &next_delimiter, start)?;
        let part = &body[start..end];
        let headers_end = find(part, b"\r\n\r\n", 0)?;
        let headers = std::str::from_utf8(&part[..headers_end]).ok()?;
        let disposition = headers.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(value)
        });
        if let Some(disposition) = disposition {
            if header_param(disposition, "name") == Some("file") {
                let filename = header_param(disposition, "filename").unwrap_or_default();
                // Only the file's own name counts, never a client's directories.
                let name = filename.rsplit(['/', '\\']).next().unwrap_or_default();
                return Some((name.to_owned(), &part[headers_end + 4..]));
            }
        }
        at = end + next_delimiter.len();
    }
    None
}

/// Attaches the uploaded `file` to an open ticket.
async fn add_attachment(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let closed = is_closed(&store, id)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut c = Checks::default();
    let file = file_part(content_type, &body).filter(|(name, _)| !name.is_empty());
    match &file {
        None => c.add("file", "file is required"),
        Some((name, contents)) => {
            let extension = name
                .rsplit_once('.')
                .map(|(_, ext)| ext.to_ascii_lowercase())
                .unwrap_or_default();
            if !ATTACHMENT_EXTENSIONS.contains(&extension.as_str()) {
                c.add(
                    "file",
                    format!(
                        "File type must be one of .{}",
                        ATTACHMENT_EXTENSIONS.join(", .")
                    ),
                );
            }
            if contents.len() > MAX_ATTACHMENT_BYTES {
                c.add("file", "File size must be 5 MB or less");
            }
        }
    }
    if closed {
        c.add("ticket_id", "This ticket is closed");
    }
    let name = c.finish(file.map(|(name, _)| name).unwrap_or_default())?;
    update_ticket(
        &mut store,
        id,
        "ticket_attachment_upload",
        |ticket| match ticket["attachments"].as_array_mut() {
            Some(names) => names.push(Value::from(name)),
            None => ticket["attachments"] = json!([name]),
        },
    )?;
    Ok(Json(json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_part_of_a_form_is_found() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nno\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\logs/boot.txt\"\r\n\
Content-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n--XyZ--\r\n";
        let (name, contents) =
            file_part("multipart/form-data; boundary=\"XyZ\"", body).expect("a file part");
        assert_eq!(name, "boot.txt");
        assert_eq!(contents, b"line 1\r\nline 2");
        assert!(file_part("application/json", body).is_none());
        assert!(file_part("multipart/form-data; boundary=Other", body).is_none());
    }
}
