//! Parent and child account delegation: `/iam/delegation`.
//!
//! State rules and simplifications:
//! - The child accounts are those `/account/child-accounts` serves (one fixed child), shown
//!   here as `{euuid, company}` (plus `users` with `?users=true`), so both views agree.
//! - Each child account's delegation starts with the profile's user alone. A `PUT` replaces
//!   it: at least one username, each a user of `/account/users` (400 on `users` otherwise);
//!   repeated names are kept once. Users deleted since drop out of the answers.
//! - `/iam/delegation/profile/...` answers for the caller (the profile's user): only child
//!   accounts the caller is delegated to are found (404 otherwise). Its token is shown once,
//!   expires in 15 minutes and is labelled `<username>_<uid>_<time>`; like the one of
//!   `/account/child-accounts`, the sandbox models no second account, so it does not accept
//!   it.
//! - The default roles of new delegates start empty and are checked like a user's roles (see
//!   [`super::roles`]), against this account's entities (the sandbox has no child account's
//!   own).

use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::super::account::child_account;
use super::super::checks::Checks;
use super::super::{ApiPath, AppState, JsonObject, ListRequest, list_response};
use super::roles::{present, read_assignment};
use super::{caller, caller_uid, user};
use crate::account::random_hex;
use crate::error::ApiError;
use crate::pagination::query_pairs;
use crate::store::{Store, format_time};

/// Singletons under fixed ids.
const STATE: &str = "iam_delegation";
/// `{euuid: [username, ...]}`.
const DELEGATIONS: u64 = 1;
/// The default roles of new delegates.
const DEFAULT_ROLES: u64 = 2;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/iam/delegation/child-accounts", get(list_children))
        .route(
            "/iam/delegation/child-accounts/{euuid}/users",
            get(list_delegates).put(put_delegates),
        )
        .route(
            "/iam/delegation/default-role-permissions",
            get(get_default_roles).put(put_default_roles),
        )
        .route("/iam/delegation/profile/child-accounts", get(list_mine))
        .route(
            "/iam/delegation/profile/child-accounts/{euuid}",
            get(get_mine),
        )
        .route(
            "/iam/delegation/profile/child-accounts/{euuid}/token",
            post(create_token),
        )
        .route(
            "/iam/delegation/users/{username}/child-accounts",
            get(list_user_children),
        )
}

/// Every child account (the ones `/account/child-accounts` serves).
fn children() -> Vec<Value> {
    vec![child_account()]
}

fn child(euuid: &str) -> Option<Value> {
    children().into_iter().find(|c| c["euuid"] == euuid)
}

/// A child account as the delegation calls show it.
fn summary(child: &Value) -> Value {
    json!({"euuid": child["euuid"], "company": child["company"]})
}

/// The users delegated to child account `euuid` (existing users only).
fn delegates(store: &Store, euuid: &str) -> Vec<String> {
    let stored = store
        .table(STATE)
        .get(DELEGATIONS)
        .and_then(|d| d.get(euuid))
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        });
    stored
        .unwrap_or_else(|| vec![caller(store)])
        .into_iter()
        .filter(|name| user(store, name).is_some())
        .collect()
}

/// The child accounts `username` is delegated to.
fn children_of(store: &Store, username: &str) -> Vec<Value> {
    children()
        .iter()
        .filter(|c| {
            delegates(store, c["euuid"].as_str().unwrap_or_default())
                .iter()
                .any(|u| u == username)
        })
        .map(summary)
        .collect()
}

async fn list_children(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let with_users = query_pairs(req.query.as_deref())
        .iter()
        .any(|(name, value)| name == "users" && value == "true");
    let store = state.store();
    let items: Vec<Value> = children()
        .iter()
        .map(|c| {
            let mut item = summary(c);
            if with_users {
                item["users"] = json!(delegates(&store, c["euuid"].as_str().unwrap_or_default()));
            }
            item
        })
        .collect();
    list_response(&items, &[], &req)
}

fn delegates_page(store: &Store, euuid: &str, req: &ListRequest) -> Result<Json<Value>, ApiError> {
    let names: Vec<Value> = delegates(store, euuid)
        .into_iter()
        .map(Value::from)
        .collect();
    list_response(&names, &[], req)
}

async fn list_delegates(
    State(state): State<AppState>,
    ApiPath(euuid): ApiPath<String>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    child(&euuid).ok_or_else(ApiError::not_found)?;
    delegates_page(&state.store(), &euuid, &req)
}

async fn put_delegates(
    State(state): State<AppState>,
    ApiPath(euuid): ApiPath<String>,
    req: ListRequest,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    child(&euuid).ok_or_else(ApiError::not_found)?;
    let mut store = state.store();
    let mut c = Checks::default();
    c.require(&body, "users");
    let users = c.strings(&body, "users").unwrap_or_default();
    if c.ok() && users.is_empty() {
        c.add("users", "At least one username is required");
    }
    let mut kept: Vec<String> = Vec::new();
    for name in users {
        if user(&store, &name).is_none() {
            c.add("users", format!("User {name} does not exist"));
        } else if !kept.contains(&name) {
            kept.push(name);
        }
    }
    c.finish(())?;
    let table = store.table_mut(STATE);
    let mut all = table.get(DELEGATIONS).cloned().unwrap_or_else(|| json!({}));
    all[euuid.as_str()] = json!(kept);
    table.insert(DELEGATIONS, all);
    delegates_page(&store, &euuid, &req)
}

fn default_roles(store: &Store) -> Value {
    let stored = store
        .table(STATE)
        .get(DEFAULT_ROLES)
        .cloned()
        .unwrap_or_else(|| json!({"account_access": [], "entity_access": []}));
    present(store, &stored)
}

async fn get_default_roles(State(state): State<AppState>) -> Json<Value> {
    Json(default_roles(&state.store()))
}

async fn put_default_roles(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let assignment = read_assignment(&store, &body)?;
    store
        .table_mut(STATE)
        .insert(DEFAULT_ROLES, assignment.clone());
    Ok(Json(assignment))
}

async fn list_mine(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(&children_of(&store, &caller(&store)), &[], &req)
}

/// Child account `euuid` if the caller is delegated to it.
fn mine(store: &Store, euuid: &str) -> Option<Value> {
    children_of(store, &caller(store))
        .into_iter()
        .find(|c| c["euuid"] == euuid)
}

async fn get_mine(
    State(state): State<AppState>,
    ApiPath(euuid): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    mine(&state.store(), &euuid)
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

async fn create_token(
    State(state): State<AppState>,
    ApiPath(euuid): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    mine(&store, &euuid).ok_or_else(ApiError::not_found)?;
    let id = store.next_id("proxy_token", 1);
    let created = SystemTime::now();
    let created_text = format_time(created);
    let username: String = caller(&store).chars().take(15).collect();
    let uid: String = caller_uid(&store).to_string().chars().take(16).collect();
    Ok(Json(json!({
        "id": id,
        "label": format!("{username}_{uid}_{created_text}"),
        "scopes": "*",
        "created": created_text,
        "expiry": format_time(created + Duration::from_secs(900)),
        "token": random_hex(32),
    })))
}

async fn list_user_children(
    State(state): State<AppState>,
    ApiPath(username): ApiPath<String>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    user(&store, &username).ok_or_else(ApiError::not_found)?;
    list_response(&children_of(&store, &username), &[], &req)
}
