//! `/account` (but not its events): the account, settings, invoices, payments, OAuth clients,
//! users and network transfer. The other sub-families are in sub-modules: [`billing`]
//! (cards, payment methods, payments, promo codes), [`transfers`] (service and entity
//! transfers) and [`access`] (agreements, availability, betas, cancellation, child accounts,
//! logins, maintenance, notifications, thumbnails, Managed, 2FA exemptions, grants).

mod access;
pub(super) use access::child as child_account;
pub(super) use access::enforce_grants;
mod billing;
mod transfers;

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::checks::{Checks, is_http_url};
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::account::{USERNAME, random_hex};
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};

/// Fields `GET /account/invoices` may filter and order on.
const INVOICE_FILTERABLE: &[&str] = &["billing_source", "date", "label", "total"];
/// Fields `GET /account/payments` may filter and order on.
const PAYMENT_FILTERABLE: &[&str] = &["date", "usd"];
/// Fields `GET /account/oauth-clients` may filter and order on.
const CLIENT_FILTERABLE: &[&str] = &["label", "public"];
/// Fields `GET /account/users` may filter and order on.
const USER_FILTERABLE: &[&str] = &["username"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(get_account).put(update_account))
        .route("/account/settings", get(get_settings).put(update_settings))
        .route("/account/invoices", get(list_invoices))
        .route("/account/invoices/{id}", get(get_invoice))
        .route("/account/invoices/{id}/items", get(list_invoice_items))
        .route("/account/payments", get(list_payments))
        .route("/account/payments/{id}", get(get_payment))
        .route(
            "/account/oauth-clients",
            get(list_clients).post(create_client),
        )
        .route(
            "/account/oauth-clients/{id}",
            get(get_client).put(update_client).delete(delete_client),
        )
        .route(
            "/account/oauth-clients/{id}/reset-secret",
            post(reset_secret),
        )
        // The spelling the official Python SDK sends.
        .route(
            "/account/oauth-clients/{id}/reset_secret",
            post(reset_secret),
        )
        .route("/account/users", get(list_users).post(create_user))
        .route(
            "/account/users/{username}",
            get(get_user).put(update_user).delete(delete_user),
        )
        .route("/account/transfer", get(get_transfer))
        .merge(access::routes())
        .merge(billing::routes())
        .merge(transfers::routes())
}

fn account_entity(account: &Value) -> Entity {
    let euuid = account["euuid"].as_str().unwrap_or_default();
    Entity::new("account", euuid, euuid, "/v4/account".to_owned())
}

async fn get_account(State(state): State<AppState>) -> Json<Value> {
    Json(state.store().account().clone())
}

/// Characters the API refuses in names.
const NAME_FORBIDDEN: &[char] = &['<', '>', '(', ')', '"', '='];

async fn update_account(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let mut changes = Map::new();
    for (key, max) in [
        ("address_1", 64),
        ("address_2", 64),
        ("city", 24),
        ("company", 128),
        ("first_name", 50),
        ("last_name", 50),
        ("phone", 32),
        ("state", 24),
        ("tax_id", 25),
    ] {
        if let Some(value) = c.sized(&body, key, 0, max) {
            if matches!(key, "company" | "first_name" | "last_name")
                && value.contains(NAME_FORBIDDEN)
            {
                c.add(key, "Must not contain < > ( ) \" =");
            }
            changes.insert(key.to_owned(), Value::from(value));
        }
    }
    if let Some(email) = c.email(&body, "email") {
        changes.insert("email".to_owned(), Value::from(email));
    }
    if let Some(country) = c.string(&body, "country") {
        if country.len() == 2 && country.chars().all(|ch| ch.is_ascii_uppercase()) {
            changes.insert("country".to_owned(), Value::from(country));
        } else {
            c.add("country", "Must be a two-letter ISO 3166 country code");
        }
    }
    if let Some(zip) = c.string(&body, "zip") {
        let alnum = zip.chars().filter(char::is_ascii_alphanumeric).count();
        if zip
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
            && alnum <= 9
        {
            changes.insert("zip".to_owned(), Value::from(zip));
        } else {
            c.add(
                "zip",
                "Must only contain letters, numbers and hyphens, with at most 9 letters or numbers",
            );
        }
    }
    c.finish(())?;
    let mut store = state.store();
    let account = store.account_mut();
    for (key, value) in changes {
        account[key] = value;
    }
    let answer = account.clone();
    store.record(Action::new("account_update", account_entity(&answer)));
    Ok(Json(answer))
}

async fn get_settings(State(state): State<AppState>) -> Json<Value> {
    Json(state.store().account_settings().clone())
}

/// Changes `network_helper` and `backups_enabled`; the read-only fields (`managed`,
/// `longview_subscription`, `object_storage`) are ignored, as the API does.
async fn update_settings(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let network_helper = c.boolean(&body, "network_helper");
    let backups_enabled = c.boolean(&body, "backups_enabled");
    c.finish(())?;
    let mut store = state.store();
    let settings = store.account_settings_mut();
    if let Some(v) = network_helper {
        settings["network_helper"] = Value::from(v);
    }
    if let Some(v) = backups_enabled {
        settings["backups_enabled"] = Value::from(v);
    }
    let answer = settings.clone();
    let entity = account_entity(store.account());
    store.record(Action::new("account_settings_update", entity));
    Ok(Json(answer))
}

/// Newest first, as the API lists them.
async fn list_invoices(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let newest_first: Vec<&Value> = store
        .table(crate::account::names::INVOICES)
        .values()
        .rev()
        .collect();
    list_response(newest_first, INVOICE_FILTERABLE, &req)
}

async fn get_invoice(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().table(crate::account::names::INVOICES).get(id))
}

async fn list_invoice_items(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    if store
        .table(crate::account::names::INVOICES)
        .get(id)
        .is_none()
    {
        return Err(ApiError::not_found());
    }
    let items: Vec<Value> = store
        .owned_ids(crate::account::names::INVOICE_ITEMS, id)
        .into_iter()
        .filter_map(|item| store.table(crate::account::names::INVOICE_ITEMS).get(item))
        .map(|item| {
            let mut item = item.clone();
            if let Some(fields) = item.as_object_mut() {
                fields.remove(crate::account::INVOICE);
            }
            item
        })
        .collect();
    list_response(&items, &[], &req)
}

async fn list_payments(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let newest_first: Vec<&Value> = store
        .table(crate::account::names::PAYMENTS)
        .values()
        .rev()
        .collect();
    list_response(newest_first, PAYMENT_FILTERABLE, &req)
}

async fn get_payment(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().table(crate::account::names::PAYMENTS).get(id))
}

// OAuth clients ------------------------------------------------------------------------------

fn client_entity(client: &Value) -> Entity {
    let id = client["id"].as_str().unwrap_or_default();
    Entity::new(
        "oauth_client",
        id,
        client["label"].as_str().unwrap_or_default(),
        format!("/v4/account/oauth-clients/{id}"),
    )
}

async fn list_clients(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(store.oauth_clients().values(), CLIENT_FILTERABLE, &req)
}

async fn get_client(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().oauth_client(&id))
}

/// The client as served once, with its secret.
fn with_secret(client: &Value, secret: &str) -> Value {
    let mut shown = client.clone();
    shown["secret"] = Value::from(secret);
    shown
}

async fn create_client(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let label = c.required(&body, "label");
    if let Some(label) = &label {
        c.length("label", label, 1, 512);
    }
    let redirect_uri = c.required(&body, "redirect_uri");
    if redirect_uri.as_deref().is_some_and(|u| !is_http_url(u)) {
        c.add("redirect_uri", "Must be a valid http or https URL");
    }
    let public = c.boolean(&body, "public").unwrap_or(false);
    let (label, redirect_uri) =
        c.finish((label.unwrap_or_default(), redirect_uri.unwrap_or_default()))?;
    let id = random_hex(10);
    let secret = random_hex(32);
    let client = json!({
        "id": id,
        "redirect_uri": redirect_uri,
        "label": label,
        "status": "active",
        "secret": "<REDACTED>",
        "thumbnail_url": null,
        "public": public
    });
    let mut store = state.store();
    store.put_oauth_client(client.clone());
    store.set_client_secret(&id, &secret);
    store.record(Action::new("oauth_client_create", client_entity(&client)));
    Ok(Json(with_secret(&client, &secret)))
}

async fn update_client(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let label = c.sized(&body, "label", 1, 512);
    let redirect_uri = c.string(&body, "redirect_uri");
    if redirect_uri.as_deref().is_some_and(|u| !is_http_url(u)) {
        c.add("redirect_uri", "Must be a valid http or https URL");
    }
    let public = c.boolean(&body, "public");
    let mut store = state.store();
    if store.oauth_client(&id).is_none() {
        return Err(ApiError::not_found());
    }
    c.finish(())?;
    let client = store
        .oauth_client_mut(&id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(label) = label {
        client["label"] = Value::from(label);
    }
    if let Some(uri) = redirect_uri {
        client["redirect_uri"] = Value::from(uri);
    }
    if let Some(public) = public {
        client["public"] = Value::from(public);
    }
    let answer = client.clone();
    store.record(Action::new("oauth_client_update", client_entity(&answer)));
    Ok(Json(answer))
}

/// Deletes the client, the apps users authorized for it and every token it was issued.
async fn delete_client(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let client = store
        .remove_oauth_client(&id)
        .ok_or_else(ApiError::not_found)?;
    store.forget_client_secrets(&id);
    let apps: Vec<u64> = store
        .table(crate::account::names::APP_CLIENTS)
        .iter()
        .filter(|(_, client)| client["client_id"] == id.as_str())
        .map(|(app, _)| app)
        .collect();
    for app in apps {
        store.remove_app(app);
    }
    store.record(Action::new("oauth_client_delete", client_entity(&client)));
    Ok(Json(json!({})))
}

async fn reset_secret(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let client = store
        .oauth_client(&id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let secret = random_hex(32);
    store.set_client_secret(&id, &secret);
    store.record(Action::new(
        "oauth_client_secret_reset",
        client_entity(&client),
    ));
    Ok(Json(with_secret(&client, &secret)))
}

// Users --------------------------------------------------------------------------------------

fn user_entity(username: &str) -> Entity {
    Entity::new(
        "user",
        username,
        username,
        format!("/v4/account/users/{username}"),
    )
}

async fn list_users(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let users = store.users();
    list_response(users.values(), USER_FILTERABLE, &req)
}

async fn get_user(
    State(state): State<AppState>,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().user(&username))
}

/// Checks a username: 3-32 characters, letters, digits, `-` and `_`, starting with a letter
/// or digit, and not taken by another user.
fn check_username(
    c: &mut Checks,
    username: &str,
    users: &BTreeMap<String, Value>,
    own: Option<&str>,
) {
    if !c.length("username", username, 3, 32) {
        return;
    }
    let shape = username
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        && username
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphanumeric());
    if !shape {
        c.add(
            "username",
            "Must begin with a letter or number and contain only letters, numbers, dashes and underscores",
        );
    } else if own != Some(username) && users.contains_key(username) {
        c.add("username", "Username taken");
    }
}

async fn create_user(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut c = Checks::default();
    let username = c.required(&body, "username");
    if let Some(username) = &username {
        check_username(&mut c, username, &store.users(), None);
    }
    if body.get("email").is_none_or(Value::is_null) {
        c.add("email", "email is required");
    }
    let email = c.email(&body, "email");
    let restricted = c.boolean(&body, "restricted").unwrap_or(false);
    let (username, email) = c.finish((username.unwrap_or_default(), email.unwrap_or_default()))?;
    let user = json!({
        "username": username,
        "email": email,
        "restricted": restricted,
        "ssh_keys": [],
        "tfa_enabled": false,
        "verified_phone_number": null,
        "password_created": null,
        "last_login": null,
        "user_type": "default"
    });
    store.put_user(user.clone());
    store.record(Action::new("user_create", user_entity(&username)));
    Ok(Json(user))
}

async fn update_user(
    State(state): State<AppState>,
    ApiPath(username): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if store.user(&username).is_none() {
        return Err(ApiError::not_found());
    }
    let is_owner = username == store.profile()["username"].as_str().unwrap_or(USERNAME);
    let mut c = Checks::default();
    let new_name = c.string(&body, "username");
    if let Some(name) = &new_name {
        check_username(&mut c, name, &store.users(), Some(&username));
    }
    let email = c.email(&body, "email");
    let restricted = c.boolean(&body, "restricted");
    if is_owner && restricted == Some(true) {
        c.add("restricted", "You cannot restrict yourself");
    }
    c.finish(())?;
    let mut user = store
        .remove_user(&username)
        .ok_or_else(ApiError::not_found)?;
    if let Some(email) = email {
        user["email"] = Value::from(email.as_str());
        if is_owner {
            store.profile_mut()["email"] = Value::from(email);
        }
    }
    if let Some(restricted) = restricted {
        user["restricted"] = Value::from(restricted);
    }
    let name = new_name.unwrap_or(username);
    user["username"] = Value::from(name.as_str());
    if is_owner {
        store.profile_mut()["username"] = Value::from(name.as_str());
    }
    store.put_user(user.clone());
    store.record(Action::new("user_update", user_entity(&name)));
    Ok(Json(user))
}

async fn delete_user(
    State(state): State<AppState>,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if store.user(&username).is_none() {
        return Err(ApiError::not_found());
    }
    if username == store.profile()["username"].as_str().unwrap_or(USERNAME) {
        return Err(ApiError::bad_request("You cannot delete yourself"));
    }
    store.remove_user(&username);
    store.record(Action::new("user_delete", user_entity(&username)));
    Ok(Json(json!({})))
}

/// The month's transfer pool: every instance adds its plan's transfer to the quota of its
/// region; usage is a small share of it.
async fn get_transfer(State(state): State<AppState>) -> Json<Value> {
    let store = state.store();
    let mut regions: BTreeMap<String, u64> = BTreeMap::new();
    for instance in store.instances().values() {
        let region = instance["region"].as_str().unwrap_or_default().to_owned();
        *regions.entry(region).or_default() += instance["specs"]["transfer"].as_u64().unwrap_or(0);
    }
    let used_of = |quota: u64| quota / 50;
    let region_transfers: Vec<Value> = regions
        .iter()
        .map(
            |(id, quota)| json!({"id": id, "billable": 0, "quota": quota, "used": used_of(*quota)}),
        )
        .collect();
    let quota: u64 = regions.values().sum();
    let used: u64 = regions.values().map(|q| used_of(*q)).sum();
    Json(json!({
        "billable": 0,
        "quota": quota,
        "used": used,
        "region_transfers": region_transfers
    }))
}
