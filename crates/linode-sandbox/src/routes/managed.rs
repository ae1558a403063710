//! Linode Managed: `/managed/...`.
//!
//! State rules:
//! - Contacts (`managed_contacts`): `name` (2-64 letters, digits, spaces, `-`, `_`) and a valid
//!   `email` are required; `group` is 2-50 characters or `null`; `phone.primary` and
//!   `phone.secondary` are strings or `null`. Every change stamps `updated`.
//! - Credentials (`managed_credentials`): `label` (2-75 letters, digits, spaces, `-`, `_`,
//!   `.`) is required. The username and password are kept apart (`managed_credential_logins`)
//!   and never shown; `.../update` needs a `password`. Revoking a credential forgets it and
//!   removes it from every service's `credentials`.
//! - Issues (`managed_issues`) are opened by the Managed team only: the API has no way to
//!   create them, tests insert them.
//! - Linode settings exist for every Linode and for no other id; SSH access defaults to
//!   allowed, `any` address, port 22, user `root`. `ssh.ip` must be `any` or one of the
//!   Linode's IPv4 addresses, `ssh.port` 1-65535, `ssh.user` up to 32 characters.
//! - Services (`managed_services`): `label` (3-64 letters, digits, spaces, `-`, `_`, `.`),
//!   `service_type` (`url` or `tcp`), `address` (3-100 characters; an http(s) URL for `url`,
//!   `host:port` for `tcp`) and `timeout` (1-255) are required; `region` must exist and
//!   `credentials` name existing credentials. A new or enabled service is `pending`; a
//!   disabled one `disabled`.
//! - Stats: one sample an hour over the last day, from the number of Linodes.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::{
    ApiPath, AppState, JsonObject, ListRequest, delete_from_table, get_from_table, list_response,
    list_table,
};
use crate::catalog::catalog;
use crate::error::ApiError;
use crate::store::{Store, format_time};

const CONTACTS: &str = "managed_contacts";
const CREDENTIALS: &str = "managed_credentials";
const LOGINS: &str = "managed_credential_logins";
const ISSUES: &str = "managed_issues";
const SERVICES: &str = "managed_services";
const LINODE_SETTINGS: &str = "managed_linode_settings";

/// First ids, in the API's range.
const FIRST_CONTACT: u64 = 567;
const FIRST_CREDENTIAL: u64 = 9991;
const FIRST_SERVICE: u64 = 9944;

/// The public key the Managed team logs in with.
const MANAGED_SSH_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDr1gNwGxa1nZX3kT0D8m0x2z7kD7LrsX5w8F0JbYb5N managedservices@linode";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/managed/contacts",
            list_table(CONTACTS, &["group"]).post(create_contact),
        )
        .route(
            "/managed/contacts/{id}",
            get_from_table(CONTACTS)
                .put(update_contact)
                .merge(delete_from_table(CONTACTS)),
        )
        .route(
            "/managed/credentials",
            list_table(CREDENTIALS, &[]).post(create_credential),
        )
        .route("/managed/credentials/sshkey", get(ssh_key))
        .route(
            "/managed/credentials/{id}",
            get_from_table(CREDENTIALS).put(update_credential),
        )
        .route("/managed/credentials/{id}/update", post(update_login))
        .route("/managed/credentials/{id}/revoke", post(revoke_credential))
        .route("/managed/issues", list_table(ISSUES, &[]))
        .route("/managed/issues/{id}", get_from_table(ISSUES))
        .route("/managed/linode-settings", get(list_settings))
        .route(
            "/managed/linode-settings/{id}",
            get(get_settings).put(update_settings),
        )
        .route(
            "/managed/services",
            list_table(SERVICES, &[]).post(create_service),
        )
        .route(
            "/managed/services/{id}",
            get_from_table(SERVICES)
                .put(update_service)
                .merge(delete_from_table(SERVICES)),
        )
        .route("/managed/services/{id}/enable", post(enable_service))
        .route("/managed/services/{id}/disable", post(disable_service))
        .route("/managed/stats", get(stats))
}

/// Checks a name-like field: `min..=max` characters, each alphanumeric or in `extra`.
fn name_shaped(c: &mut Checks, key: &str, value: &str, min: usize, max: usize, extra: &str) {
    if c.length(key, value, min, max)
        && !value
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || extra.contains(ch))
    {
        c.add(
            key,
            format!("{key} may only contain letters, numbers and {extra:?}"),
        );
    }
}

fn now(store: &Store) -> String {
    format_time(store.clock.wall())
}

// Contacts -----------------------------------------------------------------------------------

/// Checks a contact body and returns the fields to set.
fn contact_fields(
    body: &Map<String, Value>,
    creating: bool,
) -> Result<Map<String, Value>, ApiError> {
    let mut c = Checks::default();
    let mut out = Map::new();
    if creating {
        c.require(body, "name");
        c.require(body, "email");
    }
    if let Some(name) = c.string(body, "name") {
        name_shaped(&mut c, "name", &name, 2, 64, " -_");
        out.insert("name".into(), Value::from(name));
    }
    if let Some(email) = c.email(body, "email") {
        out.insert("email".into(), Value::from(email));
    }
    match body.get("group") {
        None => {}
        Some(Value::Null) => {
            out.insert("group".into(), Value::Null);
        }
        Some(_) => {
            if let Some(group) = c.sized(body, "group", 2, 50) {
                out.insert("group".into(), Value::from(group));
            }
        }
    }
    if let Some(phone) = body.get("phone").filter(|p| !p.is_null()) {
        match phone.as_object() {
            Some(p) => {
                let mut kept = json!({"primary": null, "secondary": null});
                for key in ["primary", "secondary"] {
                    match p.get(key) {
                        None | Some(Value::Null) => {}
                        Some(Value::String(n)) if looks_like_phone(n) => {
                            kept[key] = Value::from(n.as_str())
                        }
                        Some(_) => c.add(&format!("phone.{key}"), "Invalid phone number"),
                    }
                }
                out.insert("phone".into(), kept);
            }
            None => c.add("phone", "phone must be an object"),
        }
    }
    c.finish(out)
}

fn looks_like_phone(n: &str) -> bool {
    let digits = n.chars().filter(char::is_ascii_digit).count();
    (4..=15).contains(&digits)
        && n.chars()
            .all(|ch| ch.is_ascii_digit() || " -().+x".contains(ch))
}

async fn create_contact(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let fields = contact_fields(&body, true)?;
    let mut store = state.store();
    let id = store.next_id("managed_contact", FIRST_CONTACT);
    let mut contact = json!({
        "id": id, "name": "", "email": "", "group": null,
        "phone": {"primary": null, "secondary": null}, "updated": now(&store)
    });
    for (k, v) in fields {
        contact[k] = v;
    }
    store.table_mut(CONTACTS).insert(id, contact.clone());
    Ok(Json(contact))
}

async fn update_contact(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if store.table(CONTACTS).get(id).is_none() {
        return Err(ApiError::not_found());
    }
    let fields = contact_fields(&body, false)?;
    let stamp = now(&store);
    let contact = store
        .table_mut(CONTACTS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    for (k, v) in fields {
        contact[k] = v;
    }
    contact["updated"] = Value::from(stamp);
    Ok(Json(contact.clone()))
}

// Credentials --------------------------------------------------------------------------------

/// Checks `username` (0-5000 characters) and `password`, required when `need_password`.
fn login_fields(c: &mut Checks, body: &Map<String, Value>, need_password: bool) -> Value {
    if need_password {
        c.require(body, "password");
    }
    let password = c.string(body, "password");
    let username = c.sized(body, "username", 0, 5000);
    json!({"username": username, "password": password})
}

async fn create_credential(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let label = c.required(&body, "label");
    if let Some(label) = &label {
        name_shaped(&mut c, "label", label, 2, 75, " -_.");
    }
    let login = login_fields(&mut c, &body, false);
    let label = c.finish(label.unwrap_or_default())?;
    let mut store = state.store();
    let id = store.next_id("managed_credential", FIRST_CREDENTIAL);
    let credential = json!({"id": id, "label": label, "last_decrypted": null});
    store.table_mut(CREDENTIALS).insert(id, credential.clone());
    store.table_mut(LOGINS).insert(id, login);
    Ok(Json(credential))
}

async fn update_credential(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let label = c.string(&body, "label");
    if let Some(label) = &label {
        name_shaped(&mut c, "label", label, 2, 75, " -_.");
    }
    let mut store = state.store();
    let credential = store
        .table_mut(CREDENTIALS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    c.finish(())?;
    if let Some(label) = label {
        credential["label"] = Value::from(label);
    }
    Ok(Json(credential.clone()))
}

/// Replaces the password, and the username when one is given.
async fn update_login(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let login = login_fields(&mut c, &body, true);
    let mut store = state.store();
    if store.table(CREDENTIALS).get(id).is_none() {
        return Err(ApiError::not_found());
    }
    c.finish(())?;
    let mut kept = store
        .table(LOGINS)
        .get(id)
        .cloned()
        .unwrap_or_else(|| json!({}));
    kept["password"] = login["password"].clone();
    if !login["username"].is_null() {
        kept["username"] = login["username"].clone();
    }
    store.table_mut(LOGINS).insert(id, kept);
    Ok(Json(json!({})))
}

async fn revoke_credential(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    store
        .table_mut(CREDENTIALS)
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    store.table_mut(LOGINS).remove(id);
    for (_, service) in store.table_mut(SERVICES).iter_mut() {
        if let Some(ids) = service["credentials"].as_array_mut() {
            ids.retain(|c| c.as_u64() != Some(id));
        }
    }
    Ok(Json(json!({})))
}

async fn ssh_key() -> Json<Value> {
    Json(json!({ "ssh_key": MANAGED_SSH_KEY }))
}

// Linode settings ----------------------------------------------------------------------------

/// The settings of an existing Linode: its stored SSH access over the defaults.
fn settings(store: &Store, id: u64) -> Option<Value> {
    let linode = store.instances().get(id)?;
    let ssh = store
        .table(LINODE_SETTINGS)
        .get(id)
        .cloned()
        .unwrap_or_else(|| json!({"access": true, "ip": "any", "port": 22, "user": "root"}));
    Some(json!({
        "id": id,
        "label": linode["label"],
        "group": linode["group"].as_str().unwrap_or_default(),
        "ssh": ssh
    }))
}

async fn list_settings(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let all: Vec<Value> = store
        .instances()
        .values()
        .filter_map(|l| l["id"].as_u64())
        .filter_map(|id| settings(&store, id))
        .collect();
    list_response(all.iter(), &[], &req)
}

async fn get_settings(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    settings(&state.store(), id)
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

async fn update_settings(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let current = settings(&store, id).ok_or_else(ApiError::not_found)?;
    let mut ssh = current["ssh"].clone();
    let mut c = Checks::default();
    match body.get("ssh") {
        None | Some(Value::Null) => {}
        Some(Value::Object(given)) => {
            if let Some(access) = c.boolean(given, "access") {
                ssh["access"] = Value::from(access);
            }
            if let Some(ip) = c.string(given, "ip") {
                let own = store
                    .instances()
                    .get(id)
                    .and_then(|l| l["ipv4"].as_array())
                    .is_some_and(|ips| ips.iter().any(|a| *a == ip.as_str()));
                if ip == "any" || own {
                    ssh["ip"] = Value::from(ip);
                } else {
                    c.add(
                        "ssh.ip",
                        "Must be \"any\" or an IPv4 address of this Linode",
                    );
                }
            }
            match given.get("port") {
                None => {}
                Some(Value::Null) => ssh["port"] = Value::Null,
                Some(p) => match p.as_u64().filter(|p| (1..=65535).contains(p)) {
                    Some(p) => ssh["port"] = Value::from(p),
                    None => c.add("ssh.port", "Must be an integer from 1 to 65535"),
                },
            }
            match given.get("user") {
                None => {}
                Some(Value::Null) => ssh["user"] = Value::Null,
                Some(Value::String(u)) if u.chars().count() <= 32 => {
                    ssh["user"] = Value::from(u.as_str())
                }
                Some(_) => c.add("ssh.user", "Must be a string of at most 32 characters"),
            }
        }
        Some(_) => c.add("ssh", "ssh must be an object"),
    }
    c.finish(())?;
    store.table_mut(LINODE_SETTINGS).insert(id, ssh);
    settings(&store, id)
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

// Services -----------------------------------------------------------------------------------

/// Checks a service body against the service as it is (`None` when creating) and returns the
/// fields to set.
fn service_fields(
    store: &Store,
    body: &Map<String, Value>,
    current: Option<&Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut c = Checks::default();
    let mut out = Map::new();
    if current.is_none() {
        for key in ["label", "service_type", "address", "timeout"] {
            c.require(body, key);
        }
    }
    if let Some(label) = c.string(body, "label") {
        name_shaped(&mut c, "label", &label, 3, 64, " -_.");
        out.insert("label".into(), Value::from(label));
    }
    let kind = c
        .one_of(body, "service_type", &["url", "tcp"])
        .or_else(|| current.and_then(|s| s["service_type"].as_str().map(str::to_owned)));
    if let Some(kind) = &kind {
        out.insert("service_type".into(), Value::from(kind.as_str()));
    }
    if let Some(address) = c.sized(body, "address", 3, 100) {
        let fits = match kind.as_deref() {
            Some("url") => address.starts_with("http://") || address.starts_with("https://"),
            Some("tcp") => address.rsplit_once(':').is_some_and(|(host, port)| {
                !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0)
            }),
            _ => true,
        };
        if fits {
            out.insert("address".into(), Value::from(address));
        } else if kind.as_deref() == Some("url") {
            c.add("address", "Must be an http or https URL");
        } else {
            c.add("address", "Must be host:port");
        }
    }
    if let Some(timeout) = c.integer(body, "timeout", 1, 255) {
        out.insert("timeout".into(), Value::from(timeout));
    }
    for (key, max) in [("body", 100), ("consultation_group", 50)] {
        if let Some(v) = c.sized(body, key, 0, max) {
            out.insert(key.into(), Value::from(v));
        }
    }
    if let Some(notes) = c.string(body, "notes") {
        out.insert("notes".into(), Value::from(notes));
    }
    if let Some(region) = c.string(body, "region") {
        if catalog().region(&region).is_some() {
            out.insert("region".into(), Value::from(region));
        } else {
            c.add("region", "Region not found");
        }
    }
    match body.get("credentials") {
        None | Some(Value::Null) => {}
        Some(Value::Array(ids)) => {
            for (i, id) in ids.iter().enumerate() {
                match id.as_u64() {
                    Some(id) if store.table(CREDENTIALS).get(id).is_some() => {}
                    _ => c.add(&format!("credentials[{i}]"), "Credential not found"),
                }
            }
            out.insert("credentials".into(), Value::Array(ids.clone()));
        }
        Some(_) => c.add("credentials", "credentials must be an array of ids"),
    }
    c.finish(out)
}

async fn create_service(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let fields = service_fields(&store, &body, None)?;
    let id = store.next_id("managed_service", FIRST_SERVICE);
    let stamp = now(&store);
    let mut service = json!({
        "id": id, "label": "", "service_type": "url", "address": "", "timeout": 30,
        "body": null, "consultation_group": "", "notes": null, "region": null,
        "credentials": [], "status": "pending", "created": stamp, "updated": stamp
    });
    for (k, v) in fields {
        service[k] = v;
    }
    store.table_mut(SERVICES).insert(id, service.clone());
    Ok(Json(service))
}

async fn update_service(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let current = store
        .table(SERVICES)
        .get(id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let fields = service_fields(&store, &body, Some(&current))?;
    let stamp = now(&store);
    let service = store
        .table_mut(SERVICES)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    for (k, v) in fields {
        service[k] = v;
    }
    service["updated"] = Value::from(stamp);
    Ok(Json(service.clone()))
}

fn set_status(state: &AppState, id: u64, status: &str) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let stamp = now(&store);
    let service = store
        .table_mut(SERVICES)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    service["status"] = Value::from(status);
    service["updated"] = Value::from(stamp);
    Ok(Json(service.clone()))
}

/// Monitoring resumes: the service is `pending` until its next check.
async fn enable_service(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    set_status(&state, id, "pending")
}

async fn disable_service(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    set_status(&state, id, "disabled")
}

// Stats --------------------------------------------------------------------------------------

/// One sample an hour over the last day, scaled by how many Linodes there are.
async fn stats(State(state): State<AppState>) -> Json<Value> {
    let store = state.store();
    let linodes = store.instances().len() as f64;
    let end_ms = store
        .clock
        .wall()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    let series = |per_linode: f64| -> Value {
        (0..24u64)
            .map(|h| {
                let x = end_ms - (23 - h) * 3_600_000;
                json!({"x": x, "y": per_linode * linodes})
            })
            .collect()
    };
    Json(json!({"data": {
        "cpu": series(2.5),
        "disk": series(12.0),
        "net_in": series(1500.0),
        "net_out": series(900.0),
        "swap": series(0.0)
    }}))
}
