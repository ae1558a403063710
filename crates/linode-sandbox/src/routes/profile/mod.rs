//! `/profile`: the acting user, personal access tokens, authorized OAuth apps and SSH keys;
//! [`security`] keeps grants, preferences and the login safeguards.

mod security;

pub(crate) use security::sent_phone_code;

use std::time::SystemTime;

use axum::extract::State;
use axum::response::Json;
use axum::routing::get;
use axum::{Extension, Router};
use serde_json::{Map, Value, json};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::checks::Checks;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::account::{Grant, IssuedToken, TokenOwner, random_hex};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::format_time;

/// Fields `GET /profile/tokens` may filter and order on.
const TOKEN_FILTERABLE: &[&str] = &["created", "label"];
/// Fields `GET /profile/apps` may filter and order on.
const APP_FILTERABLE: &[&str] = &["created", "expiry", "label"];
/// Fields `GET /profile/sshkeys` may filter and order on.
const KEY_FILTERABLE: &[&str] = &["label"];

/// How many characters of a personal access token lists and gets show.
const TOKEN_PREFIX: usize = 16;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/profile", get(get_profile).put(update_profile))
        .route("/profile/tokens", get(list_tokens).post(create_token))
        .route(
            "/profile/tokens/{id}",
            get(get_token).put(update_token).delete(revoke_token),
        )
        .route("/profile/apps", get(list_apps))
        .route("/profile/apps/{id}", get(get_app).delete(revoke_app))
        .route("/profile/sshkeys", get(list_keys).post(create_key))
        .route(
            "/profile/sshkeys/{id}",
            get(get_key).put(update_key).delete(delete_key),
        )
        .merge(security::routes())
}

fn profile_entity(profile: &Value) -> Entity {
    Entity::new(
        "profile",
        profile["uid"].clone(),
        profile["username"].as_str().unwrap_or_default(),
        "/v4/profile".to_owned(),
    )
}

async fn get_profile(State(state): State<AppState>) -> Json<Value> {
    Json(state.store().profile().clone())
}

async fn update_profile(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let mut changes = Map::new();
    if let Some(email) = c.email(&body, "email") {
        changes.insert("email".into(), Value::from(email));
    }
    if let Some(tz) = c.sized(&body, "timezone", 1, 64) {
        changes.insert("timezone".into(), Value::from(tz));
    }
    for key in ["email_notifications", "ip_whitelist_enabled"] {
        if let Some(v) = c.boolean(&body, key) {
            changes.insert(key.into(), Value::from(v));
        }
    }
    if let Some(method) = c.one_of(
        &body,
        "lish_auth_method",
        &["password_keys", "keys_only", "disabled"],
    ) {
        changes.insert("lish_auth_method".into(), Value::from(method));
    }
    match body.get("authorized_keys") {
        None => {}
        Some(Value::Null) => {
            changes.insert("authorized_keys".into(), Value::Null);
        }
        Some(Value::Array(keys)) => {
            for (i, key) in keys.iter().enumerate() {
                match key.as_str() {
                    Some(k) if check_ssh_key(k).is_ok() => {}
                    _ => c.add(
                        &format!("authorized_keys[{i}]"),
                        "Must be a valid SSH public key",
                    ),
                }
            }
            changes.insert("authorized_keys".into(), Value::Array(keys.clone()));
        }
        Some(_) => c.add("authorized_keys", "authorized_keys must be an array"),
    }
    c.finish(())?;
    let mut store = state.store();
    let owner = store.profile()["username"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if let Some(email) = changes.get("email") {
        if let Some(user) = store.user_mut(&owner) {
            user["email"] = email.clone();
        }
    }
    let profile = store.profile_mut();
    for (key, value) in changes {
        profile[key] = value;
    }
    let answer = profile.clone();
    store.record(Action::new("profile_update", profile_entity(&answer)));
    Ok(Json(answer))
}

// Personal access tokens ---------------------------------------------------------------------

fn token_entity(token: &Value) -> Entity {
    let id = token["id"].as_u64().unwrap_or_default();
    Entity::new(
        "token",
        id,
        token["label"].as_str().unwrap_or_default(),
        format!("/v4/profile/tokens/{id}"),
    )
}

/// Parses the API's timestamps: `2018-01-01T00:01:01` (UTC) or RFC 3339.
fn parse_time(text: &str) -> Option<SystemTime> {
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let at = PrimitiveDateTime::parse(text, &fmt)
        .map(PrimitiveDateTime::assume_utc)
        .or_else(|_| OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339))
        .ok()?;
    Some(at.into())
}

async fn list_tokens(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(
        store.table(crate::account::names::PERSONAL_TOKENS).values(),
        TOKEN_FILTERABLE,
        &req,
    )
}

async fn get_token(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(
        state
            .store()
            .table(crate::account::names::PERSONAL_TOKENS)
            .get(id),
    )
}

/// Creates a token with the scopes asked for (the caller's own when omitted or `*`), which
/// may not exceed the caller's. The token string is shown in this answer only.
async fn create_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let label = c.required(&body, "label");
    if let Some(label) = &label {
        c.length("label", label, 1, 100);
    }
    let mut store = state.store();
    let now = store.clock.wall();
    let expiry = match c.string(&body, "expiry") {
        None => None,
        Some(text) => match parse_time(&text) {
            Some(at) if at > now => Some(at),
            Some(_) => {
                c.add("expiry", "Expiry must be in the future");
                None
            }
            None => {
                c.add("expiry", "Must be a date-time such as 2030-01-01T00:00:00");
                None
            }
        },
    };
    let grant = match c.string(&body, "scopes") {
        None => Some(caller.grant.clone()),
        Some(text) if text.trim() == "*" => Some(caller.grant.clone()),
        Some(text) => match Grant::parse(&text) {
            Ok(grant) if caller.grant.covers(&grant) => Some(grant),
            Ok(_) => {
                c.add(
                    "scopes",
                    "Cannot grant scopes beyond those of the acting token",
                );
                None
            }
            Err(reason) => {
                c.add("scopes", reason);
                None
            }
        },
    };
    let (label, grant) = c.finish((label.unwrap_or_default(), grant.unwrap_or(Grant::All)))?;
    let id = store.account_next_id();
    let secret = random_hex(32);
    let token = json!({
        "id": id,
        "scopes": grant.to_api_string(),
        "created": format_time(now),
        "label": label,
        "token": &secret[..TOKEN_PREFIX],
        "expiry": expiry.map(format_time)
    });
    store
        .table_mut(crate::account::names::PERSONAL_TOKENS)
        .insert(id, token.clone());
    store.issue_token(
        &secret,
        &IssuedToken {
            grant,
            expiry,
            owner: TokenOwner::Personal(id),
        },
    );
    store.record(Action::new("token_create", token_entity(&token)));
    let mut answer = token;
    answer["token"] = Value::from(secret);
    Ok(Json(answer))
}

async fn update_token(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let label = c.sized(&body, "label", 1, 100);
    let mut store = state.store();
    let token = store
        .table_mut(crate::account::names::PERSONAL_TOKENS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    c.finish(())?;
    if let Some(label) = label {
        token["label"] = Value::from(label);
    }
    let answer = token.clone();
    store.record(Action::new("token_update", token_entity(&answer)));
    Ok(Json(answer))
}

/// Deletes the token: it stops authenticating at once.
async fn revoke_token(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let token = store
        .table_mut(crate::account::names::PERSONAL_TOKENS)
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    store.revoke_tokens_of(&TokenOwner::Personal(id));
    store.record(Action::new("token_delete", token_entity(&token)));
    Ok(Json(json!({})))
}

// Authorized apps ----------------------------------------------------------------------------

async fn list_apps(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(
        store.table(crate::account::names::APPS).values(),
        APP_FILTERABLE,
        &req,
    )
}

async fn get_app(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().table(crate::account::names::APPS).get(id))
}

/// Revokes the app's access: its tokens stop working.
async fn revoke_app(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    store.remove_app(id).ok_or_else(ApiError::not_found)?;
    Ok(Json(json!({})))
}

// SSH keys -----------------------------------------------------------------------------------

/// Key types the API accepts.
const KEY_TYPES: &[&str] = &[
    "ssh-rsa",
    "ssh-dss",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "sk-ssh-ed25519@openssh.com",
];

/// Checks an OpenSSH public key line: `<type> <base64 blob> [comment]`, where the blob is
/// valid base64 and names the same key type.
pub(crate) fn check_ssh_key(line: &str) -> Result<(), &'static str> {
    let mut parts = line.split_whitespace();
    let kind = parts.next().ok_or("Key is empty")?;
    if !KEY_TYPES.contains(&kind) {
        return Err("Unknown key type");
    }
    let blob = parts.next().ok_or("Key data is missing")?;
    let bytes = decode_base64(blob).ok_or("Key data is not valid base64")?;
    if bytes.len() < 4 {
        return Err("Key data is too short");
    }
    let len = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    if bytes.get(4..4 + len) != Some(kind.as_bytes()) {
        return Err("Key data does not match its type");
    }
    Ok(())
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= value(*c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

fn key_entity(key: &Value) -> Entity {
    let id = key["id"].as_u64().unwrap_or_default();
    Entity::new(
        "user_ssh_key",
        id,
        key["label"].as_str().unwrap_or_default(),
        format!("/v4/profile/sshkeys/{id}"),
    )
}

async fn list_keys(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(
        store.table(crate::account::names::SSH_KEYS).values(),
        KEY_FILTERABLE,
        &req,
    )
}

async fn get_key(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().table(crate::account::names::SSH_KEYS).get(id))
}

async fn create_key(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let label = c.sized(&body, "label", 0, 64).unwrap_or_default();
    let key = c.required(&body, "ssh_key");
    if let Some(Err(reason)) = key.as_deref().map(check_ssh_key) {
        c.add("ssh_key", reason);
    }
    let key = c.finish(key.unwrap_or_default())?;
    let mut store = state.store();
    let id = store.account_next_id();
    let item = json!({
        "id": id,
        "label": label,
        "ssh_key": key.trim(),
        "created": format_time(store.clock.wall())
    });
    store
        .table_mut(crate::account::names::SSH_KEYS)
        .insert(id, item.clone());
    store.sync_owner_keys();
    store.record(Action::new("user_ssh_key_add", key_entity(&item)));
    Ok(Json(item))
}

async fn update_key(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let label = c.sized(&body, "label", 0, 64);
    let mut store = state.store();
    let key = store
        .table_mut(crate::account::names::SSH_KEYS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    c.finish(())?;
    if let Some(label) = label {
        key["label"] = Value::from(label);
    }
    let answer = key.clone();
    store.sync_owner_keys();
    store.record(Action::new("user_ssh_key_update", key_entity(&answer)));
    Ok(Json(answer))
}

async fn delete_key(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let key = store
        .table_mut(crate::account::names::SSH_KEYS)
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    store.sync_owner_keys();
    store.record(Action::new("user_ssh_key_delete", key_entity(&key)));
    Ok(Json(json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_keys_are_checked() {
        // A real ed25519 public key line.
        let good = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDr1gNwGxa1nZX3kT0D8m0x2z7kD7LrsX5w8F0JbYb5N me@laptop";
        assert_eq!(check_ssh_key(good), Ok(()));
        assert!(check_ssh_key("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIDr1").is_err());
        assert!(check_ssh_key("ssh-ed25519 not*base64").is_err());
        assert!(check_ssh_key("hello world").is_err());
        assert!(check_ssh_key("").is_err());
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGk").unwrap(), b"hi");
        assert!(decode_base64("a").is_none());
    }
}
