//! The rest of `/account`: agreements, availability, beta enrolment, cancellation, child
//! accounts, logins, maintenance, notifications, OAuth client thumbnails, enabling Managed,
//! users exempt from 2FA enforcement and user grants.
//!
//! State rules and simplifications:
//! - Agreements start unacknowledged; acknowledging sets the ones sent as `true` (sending
//!   `false` is refused: an acknowledgement cannot be withdrawn).
//! - Availability: every region of the catalog, with the account's services the region
//!   offers as `available` and none `unavailable` (the sandbox restricts nothing).
//! - Betas: enrolment in a program of `/betas` that has not ended, once.
//! - Cancelling is refused while the balance is positive; otherwise every Linode is deleted
//!   and the answer carries a survey link. The sandbox keeps answering afterwards.
//! - The account is a parent with one fixed child account. A proxy token for it is shown
//!   once (expiring in 15 minutes), but the sandbox models no second account, so the token
//!   is not accepted by the sandbox.
//! - Logins: one successful login of the account's owner when the account opened, and one
//!   per token made with `POST /sandbox/tokens` is not recorded (fixed history).
//! - Maintenance: none is ever scheduled (an empty list, filterable).
//! - Notifications: one `payment_due` notification while the balance is positive, and one
//!   `promotion` notification per active promotion.
//! - Thumbnails: a PNG (by its signature), at most 128 KiB, stored per OAuth client; the
//!   client's `thumbnail_url` then points at it. Deleting the client does not matter: the
//!   thumbnail is only served for existing clients.
//! - Managed can be enabled once; `managed` in `/account/settings` becomes `true`.
//! - 2FA-optional users: replaced as a whole; each name must be a user of the account.
//! - Grants: only for restricted users. The answer lists, for every kind API spec 4.229.1
//!   names (databases, domains, firewalls, private images, Linodes, Longview clients,
//!   NodeBalancers, the account's StackScripts, volumes, VPCs), every existing entity with
//!   the permission stored for it (`null` when none). A replacement may only name entities
//!   that exist.
//!   Tokens acting as restricted users are held to them: see [`enforce_grants`].

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::super::betas::programs;
use super::super::checks::Checks;
use super::super::{
    ApiPath, AppState, JsonObject, ListRequest, Visible, get_response, list_response,
};
use super::account_entity;
use crate::account::random_hex;
use crate::catalog::catalog;
use crate::error::ApiError;
use crate::lifecycle::Action;
use crate::store::{Store, format_time, now};

/// Singletons kept in one table under fixed ids.
const EXTRAS: &str = "account_extras";
const AGREEMENTS: u64 = 1;
const TFA_OPTIONAL: u64 = 2;
const GRANTS: u64 = 3;
const THUMBNAILS: u64 = 4;
const BETAS: u64 = 5;

/// The largest thumbnail accepted, in bytes.
const MAX_THUMBNAIL: usize = 128 * 1024;
/// The account services availability reports on.
const SERVICES: &[&str] = &["Linodes", "NodeBalancers", "Block Storage", "Kubernetes"];
/// Entity kinds a user may be granted access to, as API spec 4.229.1 lists them.
const GRANT_KINDS: &[&str] = &[
    "database",
    "domain",
    "firewall",
    "image",
    "linode",
    "longview",
    "nodebalancer",
    "stackscript",
    "volume",
    "vpc",
];
/// Global grant flags (API spec 4.229.1).
const GLOBAL_FLAGS: &[&str] = &[
    "add_databases",
    "add_domains",
    "add_firewalls",
    "add_images",
    "add_linodes",
    "add_longview",
    "add_nodebalancers",
    "add_stackscripts",
    "add_volumes",
    "add_vpcs",
    "cancel_account",
    "child_account_access",
    "longview_subscription",
];
const BETA_FILTERABLE: &[&str] = &["ended", "enrolled", "label", "started"];
const MAINTENANCE_FILTERABLE: &[&str] = &[
    "complete_time",
    "maintenance_policy_set",
    "not_before",
    "start_time",
    "status",
    "type",
    "when",
];
const NOTIFICATION_FILTERABLE: &[&str] = &["entity.type", "type"];
const CHILD_FILTERABLE: &[&str] = &[
    "address_1",
    "address_2",
    "city",
    "company",
    "country",
    "email",
    "first_name",
    "last_name",
    "phone",
    "state",
    "zip",
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/account/agreements",
            get(get_agreements).post(acknowledge_agreements),
        )
        .route("/account/availability", get(list_availability))
        .route("/account/availability/{region}", get(get_availability))
        .route("/account/betas", get(list_betas).post(enroll_beta))
        .route("/account/betas/{id}", get(get_beta))
        .route("/account/cancel", post(cancel_account))
        .route("/account/child-accounts", get(list_children))
        .route("/account/child-accounts/{euuid}", get(get_child))
        .route("/account/child-accounts/{euuid}/token", post(child_token))
        .route("/account/logins", get(list_logins))
        .route("/account/logins/{id}", get(get_login))
        .route("/account/maintenance", get(list_maintenance))
        .route("/account/notifications", get(list_notifications))
        .route(
            "/account/oauth-clients/{id}/thumbnail",
            get(get_thumbnail).put(put_thumbnail),
        )
        .route("/account/settings/managed-enable", post(enable_managed))
        .route(
            "/account/tfa-optional-users",
            get(list_tfa_optional).put(put_tfa_optional),
        )
        .route(
            "/account/users/{username}/grants",
            get(get_grants).put(put_grants),
        )
}

/// A singleton object of [`EXTRAS`] (an empty object until first written).
fn extra(store: &Store, id: u64) -> Value {
    store
        .table(EXTRAS)
        .get(id)
        .cloned()
        .unwrap_or_else(|| json!({}))
}

fn set_extra(store: &mut Store, id: u64, value: Value) {
    store.table_mut(EXTRAS).insert(id, value);
}

// Agreements ---------------------------------------------------------------------------------

const AGREEMENT_KEYS: &[&str] = &["eu_model", "master_service_agreement", "privacy_policy"];

async fn get_agreements(State(state): State<AppState>) -> Json<Value> {
    let stored = extra(&state.store(), AGREEMENTS);
    let answer: Map<String, Value> = AGREEMENT_KEYS
        .iter()
        .map(|k| ((*k).to_owned(), Value::from(stored[*k] == true)))
        .collect();
    Json(Value::Object(answer))
}

async fn acknowledge_agreements(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let mut acknowledged = Vec::new();
    for key in AGREEMENT_KEYS {
        match c.boolean(&body, key) {
            Some(true) => acknowledged.push(*key),
            Some(false) => c.add(key, "An agreement can only be acknowledged (true)"),
            None => {}
        }
    }
    c.finish(())?;
    let mut store = state.store();
    let mut stored = extra(&store, AGREEMENTS);
    for key in acknowledged {
        stored[key] = Value::from(true);
    }
    set_extra(&mut store, AGREEMENTS, stored);
    Ok(Json(json!({})))
}

// Availability -------------------------------------------------------------------------------

fn availability(region: &Value) -> Value {
    let offers = |s: &&str| {
        region["capabilities"]
            .as_array()
            .is_some_and(|caps| caps.iter().any(|c| c == *s))
    };
    let available: Vec<&str> = SERVICES.iter().copied().filter(offers).collect();
    json!({"region": region["id"].clone(), "available": available, "unavailable": []})
}

async fn list_availability(req: ListRequest) -> Result<Json<Value>, ApiError> {
    let all: Vec<Value> = catalog().regions.iter().map(availability).collect();
    list_response(&all, &[], &req)
}

async fn get_availability(ApiPath(region): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    let region = catalog().region(&region).ok_or_else(ApiError::not_found)?;
    Ok(Json(availability(region)))
}

// Betas --------------------------------------------------------------------------------------

fn enrolled(store: &Store) -> Vec<Value> {
    let stored = extra(store, BETAS);
    programs()
        .into_iter()
        .filter_map(|mut program| {
            let at = stored[program["id"].as_str()?].as_str()?.to_owned();
            program["enrolled"] = Value::from(at);
            if let Some(map) = program.as_object_mut() {
                map.remove("greenlight_only");
                map.remove("more_info");
            }
            Some(program)
        })
        .collect()
}

async fn list_betas(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    list_response(&enrolled(&state.store()), BETA_FILTERABLE, &req)
}

async fn get_beta(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let all = enrolled(&state.store());
    get_response(all.iter().find(|p| p["id"] == id.as_str()))
}

async fn enroll_beta(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let id = c.required(&body, "id");
    let id = c.finish(id.unwrap_or_default())?;
    let program = programs()
        .into_iter()
        .find(|p| p["id"] == id.as_str())
        .ok_or_else(|| ApiError::field("id", "Beta program not found"))?;
    if program["ended"]
        .as_str()
        .is_some_and(|ended| ended < now().as_str())
    {
        return Err(ApiError::field("id", "This beta program has ended"));
    }
    let mut store = state.store();
    let mut stored = extra(&store, BETAS);
    if !stored[&id].is_null() {
        return Err(ApiError::field(
            "id",
            "The account is already enrolled in this beta program",
        ));
    }
    stored[&id] = Value::from(now());
    set_extra(&mut store, BETAS, stored);
    Ok(Json(json!({})))
}

// Cancellation -------------------------------------------------------------------------------

async fn cancel_account(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    if let Some(comments) = c.string(&body, "comments") {
        c.length("comments", &comments, 0, 500);
    }
    c.finish(())?;
    let mut store = state.store();
    let balance = store.account()["balance"].as_f64().unwrap_or(0.0);
    if balance > 0.0 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "We were unable to charge your credit card for services rendered. We cannot cancel this account until the balance has been paid.",
        ));
    }
    let ids: Vec<u64> = store
        .instances()
        .values()
        .filter_map(|i| i["id"].as_u64())
        .collect();
    for id in ids {
        store.delete_instance(id);
    }
    let entity = account_entity(store.account());
    store.record(Action::new("account_cancel", entity));
    Ok(Json(
        json!({"survey_link": "https://alpha.linode.com/survey/cancel"}),
    ))
}

// Child accounts -----------------------------------------------------------------------------

/// The one child account (also served by `/iam/delegation`).
pub(crate) fn child() -> Value {
    json!({
        "active_promotions": [],
        "active_since": "2024-01-01T00:00:00",
        "address_1": "1 Child Lane",
        "address_2": "",
        "balance": 0,
        "balance_uninvoiced": 0,
        "billing_source": "linode",
        "capabilities": ["Linodes", "NodeBalancers", "Block Storage"],
        "city": "Philadelphia",
        "company": "Sandbox Child Co",
        "country": "US",
        "credit_card": null,
        "email": "child@example.com",
        "euuid": "A1BC2DEF-34GH-567I-J890KLMN12O34P56",
        "first_name": "Chris",
        "last_name": "Child",
        "phone": "215-555-0101",
        "state": "PA",
        "tax_id": "",
        "zip": "19106"
    })
}

async fn list_children(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&[child()], CHILD_FILTERABLE, &req)
}

async fn get_child(ApiPath(euuid): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    let child = child();
    get_response(Some(&child).filter(|c| c["euuid"] == euuid.as_str()))
}

async fn child_token(
    State(state): State<AppState>,
    ApiPath(euuid): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    if child()["euuid"] != euuid.as_str() {
        return Err(ApiError::not_found());
    }
    let mut store = state.store();
    let id = store.next_id("proxy_token", 1);
    let expiry = format_time(std::time::SystemTime::now() + std::time::Duration::from_secs(900));
    Ok(Json(json!({
        "id": id,
        "label": format!("{}_proxy", store.profile()["username"].as_str().unwrap_or("user")),
        "scopes": "*",
        "created": now(),
        "expiry": expiry,
        "token": random_hex(32),
    })))
}

// Logins, maintenance, notifications ---------------------------------------------------------

fn logins(store: &Store) -> Vec<Value> {
    let username = store.profile()["username"].clone();
    vec![json!({
        "id": 1,
        "datetime": store.account()["active_since"].clone(),
        "ip": "192.0.2.10",
        "restricted": false,
        "status": "successful",
        "username": username,
    })]
}

async fn list_logins(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    list_response(&logins(&state.store()), &[], &req)
}

async fn get_login(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let all = logins(&state.store());
    get_response(all.iter().find(|l| l["id"] == id))
}

async fn list_maintenance(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&[], MAINTENANCE_FILTERABLE, &req)
}

async fn list_notifications(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let account = store.account();
    let mut all = Vec::new();
    let balance = account["balance"].as_f64().unwrap_or(0.0);
    if balance > 0.0 {
        all.push(json!({
            "label": "You have an overdue balance!",
            "message": format!("Please make a payment of ${balance:.2}."),
            "body": null,
            "type": "payment_due",
            "severity": "major",
            "entity": {"id": null, "label": null, "type": "account", "url": "/v4/account"},
            "when": null,
            "until": null,
        }));
    }
    for promo in account["active_promotions"]
        .as_array()
        .into_iter()
        .flatten()
    {
        all.push(json!({
            "label": promo["summary"].clone(),
            "message": promo["description"].clone(),
            "body": null,
            "type": "promotion",
            "severity": "minor",
            "entity": {"id": null, "label": null, "type": "promotion", "url": null},
            "when": null,
            "until": promo["expire_dt"].clone(),
        }));
    }
    list_response(&all, NOTIFICATION_FILTERABLE, &req)
}

// Thumbnails ---------------------------------------------------------------------------------

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .filter_map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
        .collect()
}

async fn get_thumbnail(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let store = state.store();
    if store.oauth_client(&id).is_none() {
        return Err(ApiError::not_found());
    }
    let png = extra(&store, THUMBNAILS)[&id]
        .as_str()
        .map(from_hex)
        .ok_or_else(ApiError::not_found)?;
    Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
}

async fn put_thumbnail(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if store.oauth_client(&id).is_none() {
        return Err(ApiError::not_found());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("image/png") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be image/png",
        ));
    }
    if !body.starts_with(PNG_SIGNATURE) {
        return Err(ApiError::bad_request("The thumbnail must be a PNG image"));
    }
    if body.len() > MAX_THUMBNAIL {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The thumbnail must be at most 128 KiB",
        ));
    }
    let mut stored = extra(&store, THUMBNAILS);
    stored[&id] = Value::from(to_hex(&body));
    set_extra(&mut store, THUMBNAILS, stored);
    if let Some(client) = store.oauth_client_mut(&id) {
        client["thumbnail_url"] = Value::from(format!(
            "https://api.linode.com/v4/account/oauth-clients/{id}/thumbnail"
        ));
    }
    Ok(Json(json!({})))
}

// Managed, 2FA exemptions --------------------------------------------------------------------

async fn enable_managed(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if store.account_settings()["managed"] == true {
        return Err(ApiError::bad_request(
            "Linode Managed is already enabled on this account",
        ));
    }
    store.account_settings_mut()["managed"] = Value::from(true);
    let entity = account_entity(store.account());
    store.record(Action::new("account_settings_update", entity));
    Ok(Json(json!({})))
}

async fn list_tfa_optional(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let users: Vec<Value> = extra(&store, TFA_OPTIONAL)["usernames"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|name| json!({"username": name}))
        .collect();
    list_response(&users, &[], &req)
}

async fn put_tfa_optional(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    c.require(&body, "usernames");
    let names = c.strings(&body, "usernames").unwrap_or_default();
    let mut store = state.store();
    for name in &names {
        if store.user(name).is_none() {
            c.add("usernames", format!("Invalid username: {name}"));
        }
    }
    c.finish(())?;
    let count = names.len();
    set_extra(&mut store, TFA_OPTIONAL, json!({"usernames": names}));
    Ok(Json(json!({
        "tfa_optional_users_count": count,
        "url": "/v4/account/tfa-optional-users"
    })))
}

// Grants -------------------------------------------------------------------------------------

/// The user, refused with 404 when unknown and 400 when unrestricted.
fn restricted_user(store: &Store, username: &str) -> Result<(), ApiError> {
    let user = store.user(username).ok_or_else(ApiError::not_found)?;
    if user["restricted"] != true {
        return Err(ApiError::bad_request(
            "Grants are only available for restricted users",
        ));
    }
    Ok(())
}

/// The account's own entities of a grant kind, as `(id, label)` in id order. Public images
/// and StackScripts are not the account's, so no grant applies to them.
fn entities(store: &Store, kind: &str) -> Vec<(u64, String)> {
    let (table, label) = match kind {
        "linode" => (store.instances(), "label"),
        "domain" => (store.domains(), "domain"),
        "volume" => (store.volumes(), "label"),
        "nodebalancer" => (store.nodebalancers(), "label"),
        "longview" => (
            store.table(crate::account::names::LONGVIEW_CLIENTS),
            "label",
        ),
        "image" => (store.table(crate::compute::names::PRIVATE_IMAGES), "label"),
        "stackscript" => (store.stackscripts(), "label"),
        "firewall" => (store.table("firewalls"), "label"),
        "vpc" => (store.table("vpcs"), "label"),
        "database" => (store.table("databases"), "label"),
        _ => return Vec::new(),
    };
    table
        .values()
        .filter_map(|e| Some((owned_id(kind, e)?, e[label].as_str()?.to_owned())))
        .collect()
}

/// The id grants know an object of `kind` by, when it is the account's own: images are
/// `private/<id>`, StackScripts are the account's when `mine`.
fn owned_id(kind: &str, item: &Value) -> Option<u64> {
    match kind {
        "image" => item["id"].as_str()?.strip_prefix("private/")?.parse().ok(),
        "stackscript" if item["mine"] != true => None,
        _ => item["id"].as_u64(),
    }
}

/// Ids of the account's own entities of a kind.
fn entity_ids(store: &Store, kind: &str) -> Vec<u64> {
    entities(store, kind)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// A user's grants as served: the stored ones over every existing entity.
fn grants_of(store: &Store, username: &str) -> Value {
    let stored = extra(store, GRANTS)[username].clone();
    let mut global: Map<String, Value> = GLOBAL_FLAGS
        .iter()
        .map(|f| ((*f).to_owned(), Value::from(stored["global"][*f] == true)))
        .collect();
    global.insert(
        "account_access".to_owned(),
        stored["global"]["account_access"].clone(),
    );
    let mut answer = Map::new();
    answer.insert("global".to_owned(), Value::Object(global));
    for kind in GRANT_KINDS {
        let grants: Vec<Value> = entities(store, kind)
            .into_iter()
            .map(|(id, label)| {
                json!({
                    "id": id,
                    "label": label,
                    "permissions": stored[*kind][id.to_string()].clone(),
                })
            })
            .collect();
        answer.insert((*kind).to_owned(), Value::from(grants));
    }
    Value::Object(answer)
}

async fn get_grants(
    State(state): State<AppState>,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    restricted_user(&store, &username)?;
    Ok(Json(grants_of(&store, &username)))
}

fn is_permission(v: &Value) -> bool {
    v.is_null() || v == "read_only" || v == "read_write"
}

async fn put_grants(
    State(state): State<AppState>,
    ApiPath(username): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    restricted_user(&store, &username)?;
    let mut c = Checks::default();
    let mut stored = extra(&store, GRANTS)[&username].clone();
    if !stored.is_object() {
        stored = json!({"global": {}});
    }
    if let Some(global) = body.get("global") {
        match global.as_object() {
            Some(global) => {
                for (key, value) in global {
                    if key == "account_access" {
                        if is_permission(value) {
                            stored["global"][key] = value.clone();
                        } else {
                            c.add(
                                "global.account_access",
                                "Must be null, read_only or read_write",
                            );
                        }
                    } else if GLOBAL_FLAGS.contains(&key.as_str()) {
                        match value.as_bool() {
                            Some(b) => stored["global"][key] = Value::from(b),
                            None => c.add(&format!("global.{key}"), "Must be a boolean"),
                        }
                    }
                }
            }
            None => c.add("global", "Must be an object"),
        }
    }
    for kind in GRANT_KINDS {
        let Some(items) = body.get(*kind) else {
            continue;
        };
        let Some(items) = items.as_array() else {
            c.add(kind, "Must be an array of grants");
            continue;
        };
        let existing = entity_ids(&store, kind);
        let mut kept: BTreeMap<String, Value> = stored[*kind]
            .as_object()
            .map(|m| m.clone().into_iter().collect())
            .unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            let id = item["id"].as_u64();
            match id {
                Some(id) if existing.contains(&id) => {}
                Some(_) => c.add(&format!("{kind}[{i}].id"), "Entity not found"),
                None => c.add(&format!("{kind}[{i}].id"), "id is required"),
            }
            let permissions = item.get("permissions").unwrap_or(&Value::Null);
            if !is_permission(permissions) {
                c.add(
                    &format!("{kind}[{i}].permissions"),
                    "Must be null, read_only or read_write",
                );
            }
            if let Some(id) = id {
                kept.insert(id.to_string(), permissions.clone());
            }
        }
        stored[*kind] = Value::Object(kept.into_iter().collect());
    }
    c.finish(())?;
    let mut all = extra(&store, GRANTS);
    all[&username] = stored;
    set_extra(&mut store, GRANTS, all);
    let entity = super::user_entity(&username);
    store.record(Action::new("user_update", entity));
    Ok(Json(grants_of(&store, &username)))
}

// Grants enforcement -------------------------------------------------------------------------

/// The collections grants guard: URL prefix, grant kind, and the global flag that allows
/// creating one.
const GUARDED: &[(&str, &str, &str)] = &[
    ("linode/instances", "linode", "add_linodes"),
    ("linode/stackscripts", "stackscript", "add_stackscripts"),
    ("domains", "domain", "add_domains"),
    ("volumes", "volume", "add_volumes"),
    ("nodebalancers", "nodebalancer", "add_nodebalancers"),
    ("networking/firewalls", "firewall", "add_firewalls"),
    ("vpcs", "vpc", "add_vpcs"),
    ("longview/clients", "longview", "add_longview"),
    ("images", "image", "add_images"),
    ("databases/instances", "database", "add_databases"),
    ("databases/mysql/instances", "database", "add_databases"),
    (
        "databases/postgresql/instances",
        "database",
        "add_databases",
    ),
    ("databases/valkey/instances", "database", "add_databases"),
];

/// The API's answer to a restricted user acting beyond its grants.
fn grant_refused() -> Response {
    ApiError::new(StatusCode::FORBIDDEN, "Unauthorized").into_response()
}

/// The id of the account's own entity a path below a guarded collection names (`tail` is
/// what follows the collection's prefix), or `None` when it names none: a sub-collection
/// such as `/networking/firewalls/templates`, a public image, or someone else's StackScript.
fn guarded_id(store: &Store, kind: &str, tail: &str) -> Option<u64> {
    let mut segments = tail.trim_start_matches('/').split('/');
    let first = segments.next()?;
    match kind {
        "image" if first == "private" => segments.next()?.parse().ok(),
        "image" => None,
        "stackscript" => {
            let id = first.parse().ok()?;
            owned_id(kind, store.stackscripts().get(id)?)
        }
        _ => first.parse().ok(),
    }
}

/// What the grants layer does with a request.
enum Verdict {
    Allow,
    Refuse,
    /// A list: show only what this lets through.
    Limit(Visible),
}

/// The verdict on a request of `username` under a guarded collection of `kind` (`tail` is
/// the path after the collection's prefix).
fn judge(
    store: &Store,
    username: &str,
    (kind, add_flag): (&'static str, &str),
    tail: &str,
    reading: bool,
) -> Verdict {
    let Some(stored) = restricted_grants(store, username) else {
        return Verdict::Allow;
    };
    if tail.is_empty() && !reading {
        return match stored["global"][add_flag] == true {
            true => Verdict::Allow,
            false => Verdict::Refuse,
        };
    }
    if tail.is_empty() {
        let granted: HashSet<u64> = stored[kind]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, permission)| !permission.is_null())
            .filter_map(|(id, _)| id.parse().ok())
            .collect();
        let shows = move |item: &Value| owned_id(kind, item).is_none_or(|id| granted.contains(&id));
        return Verdict::Limit(Visible(Arc::new(shows)));
    }
    let Some(id) = guarded_id(store, kind, tail) else {
        return Verdict::Allow;
    };
    let permission = &stored[kind][id.to_string()];
    match permission == "read_write" || (reading && permission == "read_only") {
        true => Verdict::Allow,
        false => Verdict::Refuse,
    }
}

/// Middleware: a token acting as a restricted user (`POST /sandbox/tokens`) only sees and
/// changes what the user's grants allow, for every kind of entity grants name (Linodes,
/// StackScripts, Domains, Volumes, NodeBalancers, Firewalls, VPCs, Longview clients,
/// private Images and Databases): reading one needs `read_only` or `read_write`, any other
/// method on it (or under it) needs `read_write`, creating one needs the global `add_*`
/// flag, and lists leave out the ungranted ones before paging (see [`Visible`]). Refusals
/// are 403 `Unauthorized`.
pub(crate) async fn enforce_grants(
    State(state): State<AppState>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let Some(username) = req
        .extensions()
        .get::<crate::auth::Caller>()
        .and_then(|c| c.username.clone())
    else {
        return next.run(req).await;
    };
    let Some(rest) = crate::auth::strip_version(req.uri().path()) else {
        return next.run(req).await;
    };
    let rest = rest.trim_matches('/').to_owned();
    let Some(&(prefix, kind, add_flag)) = GUARDED.iter().find(|(p, ..)| {
        rest.strip_prefix(p)
            .is_some_and(|tail| tail.is_empty() || tail.starts_with('/'))
    }) else {
        return next.run(req).await;
    };
    let reading = req.method() == axum::http::Method::GET;
    let tail = &rest[prefix.len()..];
    match judge(&state.store(), &username, (kind, add_flag), tail, reading) {
        Verdict::Refuse => return grant_refused(),
        Verdict::Limit(visible) => {
            req.extensions_mut().insert(visible);
        }
        Verdict::Allow => {}
    }
    next.run(req).await
}

/// The stored grants of `username` when it is a restricted user.
fn restricted_grants(store: &Store, username: &str) -> Option<Value> {
    let user = store.user(username)?;
    (user["restricted"] == true).then(|| extra(store, GRANTS)[username].clone())
}
