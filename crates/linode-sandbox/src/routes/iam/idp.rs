//! SAML single sign-on: `/iam/idp-configs` (a beta of the API; the sandbox serves it under
//! `/v4` and `/v4beta` alike).
//!
//! State rules and simplifications:
//! - One configuration per account, as the API says: a second create is refused (400, the
//!   wording is the sandbox's own). Ids of configurations and certificates are random UUIDs.
//! - A certificate must be an X.509 certificate in base64 (DER inside PEM), its
//!   `-----BEGIN CERTIFICATE-----`/`-----END CERTIFICATE-----` lines optional; anything else
//!   is refused (400 naming the field). Its `not_before` and `not_after` are read from it; it
//!   is kept as sent.
//! - `saml.idp_url` must be an http(s) URL; `saml.user_id_attribute` is required with
//!   `identity_element` `USER_ID_ATTRIBUTE`.
//! - An update replaces the fields sent; `saml`, when sent, replaces the SAML settings as a
//!   whole (certificates get new ids). `updated`/`updated_by` are then set.
//! - The last certificate cannot be deleted (400).
//! - Included and excluded users are replaced as a whole; each must be a user of
//!   `/account/users` (400 on `usernames`); repeated names are kept once. Users deleted since
//!   drop out of the lists and counts. A user's `url` is `/v4/account/users/{username}`.
//! - Deleting a configuration removes it, its certificates and its user lists.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{delete, get};
use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::super::checks::{Checks, is_http_url};
use super::super::{ApiPath, AppState, JsonObject, ListRequest, list_response};
use super::{caller, user};
use crate::account::random_hex;
use crate::error::ApiError;
use crate::store::{Store, now};

/// The configurations, as answered (less the counts), plus `_key`, their key here.
const CONFIGS: &str = "iam_idp_configs";
/// Per configuration (same key): `{"included": [...], "excluded": [...]}`.
const USERS: &str = "iam_idp_users";
const IDENTITY_ELEMENTS: &[&str] = &["NAME_ID", "USER_ID_ATTRIBUTE"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/iam/idp-configs", get(list_configs).post(create_config))
        .route(
            "/iam/idp-configs/{id}",
            get(get_config).put(update_config).delete(delete_config),
        )
        .route(
            "/iam/idp-configs/{id}/certificates",
            get(list_certificates).post(add_certificate),
        )
        .route(
            "/iam/idp-configs/{id}/certificates/{certificate}",
            delete(delete_certificate),
        )
        .route(
            "/iam/idp-configs/{id}/users-excluded",
            get(|s, p, r| list_users(s, p, r, "excluded"))
                .put(|s, p, r, b| put_users(s, p, r, b, "excluded")),
        )
        .route(
            "/iam/idp-configs/{id}/users-included",
            get(|s, p, r| list_users(s, p, r, "included"))
                .put(|s, p, r, b| put_users(s, p, r, b, "included")),
        )
}

/// A random lowercase UUID.
fn uuid() -> String {
    let hex = random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

// Certificates ------------------------------------------------------------------------------

/// One DER element: its tag, its content and what follows it.
fn der(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = data.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// A DER `UTCTime` (tag 0x17) or `GeneralizedTime` (0x18) as the API's timestamp.
fn der_time(tag: u8, content: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(content).ok()?.strip_suffix('Z')?;
    let full = match tag {
        0x17 if text.len() == 12 => {
            let year: u32 = text[..2].parse().ok()?;
            format!("{}{text}", if year < 50 { "20" } else { "19" })
        }
        0x18 if text.len() == 14 => text.to_owned(),
        _ => return None,
    };
    if !full.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "{}-{}-{}T{}:{}:{}",
        &full[0..4],
        &full[4..6],
        &full[6..8],
        &full[8..10],
        &full[10..12],
        &full[12..14]
    ))
}

/// The validity (`not_before`, `not_after`) of a certificate in base64 with optional PEM
/// lines, or `None` when it is not one.
fn certificate_validity(text: &str) -> Option<(String, String)> {
    let body = text
        .trim()
        .trim_start_matches("-----BEGIN CERTIFICATE-----")
        .trim_end()
        .trim_end_matches("-----END CERTIFICATE-----");
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    let (0x30, cert, _) = der(&bytes)? else {
        return None;
    };
    let (0x30, tbs, _) = der(cert)? else {
        return None;
    };
    let mut rest = tbs;
    let (mut tag, _, mut after) = der(rest)?;
    if tag == 0xa0 {
        rest = after;
        (tag, _, after) = der(rest)?;
    }
    // serial number, then signature algorithm and issuer.
    if tag != 0x02 {
        return None;
    }
    let (0x30, _, after) = der(after)? else {
        return None;
    };
    let (0x30, _, after) = der(after)? else {
        return None;
    };
    let (0x30, validity, _) = der(after)? else {
        return None;
    };
    let (tag1, start, after) = der(validity)?;
    let (tag2, end, _) = der(after)?;
    Some((der_time(tag1, start)?, der_time(tag2, end)?))
}

/// A certificate object read from `value` (`{"certificate": "..."}`), errors under `field`.
fn read_certificate(c: &mut Checks, value: &Value, field: &str, by: &str) -> Option<Value> {
    let Some(text) = value.get("certificate").and_then(Value::as_str) else {
        c.add(field, "certificate is required");
        return None;
    };
    let Some((not_before, not_after)) = certificate_validity(text) else {
        c.add(field, "Must be a PEM-encoded X.509 certificate");
        return None;
    };
    Some(json!({
        "id": uuid(),
        "certificate": text,
        "created": now(),
        "created_by": by,
        "not_before": not_before,
        "not_after": not_after,
    }))
}

/// Reads and checks `saml` settings (required as a whole).
fn read_saml(c: &mut Checks, body: &Map<String, Value>, by: &str) -> Option<Value> {
    if !c.require(body, "saml") {
        return None;
    }
    let saml = c.object(body, "saml")?;
    let mut inner = Checks::default();
    let entity_id = inner.required(saml, "entity_id");
    let idp_url = inner.required(saml, "idp_url");
    if idp_url.as_deref().is_some_and(|u| !is_http_url(u)) {
        inner.add("idp_url", "Must be an http(s) URL");
    }
    let element = if inner.require(saml, "identity_element") {
        inner.one_of(saml, "identity_element", IDENTITY_ELEMENTS)
    } else {
        None
    };
    let attribute = inner.string(saml, "user_id_attribute");
    if element.as_deref() == Some("USER_ID_ATTRIBUTE")
        && attribute.as_deref().is_none_or(|a| a.trim().is_empty())
    {
        inner.add(
            "user_id_attribute",
            "user_id_attribute is required with USER_ID_ATTRIBUTE",
        );
    }
    let mut certificates = Vec::new();
    match saml.get("public_certificates") {
        Some(Value::Array(items)) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                let field = format!("public_certificates[{i}].certificate");
                if let Some(cert) = read_certificate(&mut inner, item, &field, by) {
                    certificates.push(cert);
                }
            }
        }
        _ => inner.add(
            "public_certificates",
            "At least one certificate is required",
        ),
    }
    let ok = inner.ok();
    for (field, reason) in inner.into_errors() {
        c.add(&format!("saml.{field}"), reason);
    }
    ok.then(|| {
        json!({
            "entity_id": entity_id,
            "idp_url": idp_url,
            "identity_element": element,
            "user_id_attribute": attribute,
            "public_certificates": certificates,
        })
    })
}

// Configurations ----------------------------------------------------------------------------

/// The key and stored object of configuration `id`.
fn find(store: &Store, id: &str) -> Option<(u64, Value)> {
    store
        .table(CONFIGS)
        .values()
        .find(|c| c["id"] == id)
        .map(|c| (c["_key"].as_u64().unwrap_or_default(), c.clone()))
}

/// The users of list `which` of configuration `key` that still exist.
fn users_of(store: &Store, key: u64, which: &str) -> Vec<String> {
    store
        .table(USERS)
        .get(key)
        .and_then(|u| u[which].as_array())
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .filter(|n| user(store, n).is_some())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A configuration as answered: without `_key`, with its user counts.
fn present(store: &Store, stored: &Value) -> Value {
    let key = stored["_key"].as_u64().unwrap_or_default();
    let mut config = stored.clone();
    if let Some(map) = config.as_object_mut() {
        map.remove("_key");
    }
    config["included_users_count"] = json!(users_of(store, key, "included").len());
    config["excluded_users_count"] = json!(users_of(store, key, "excluded").len());
    config
}

async fn list_configs(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let all: Vec<Value> = store
        .table(CONFIGS)
        .values()
        .map(|c| present(&store, c))
        .collect();
    list_response(&all, &[], &req)
}

async fn create_config(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if !store.table(CONFIGS).is_empty() {
        return Err(ApiError::bad_request(
            "This account already has an IDP configuration",
        ));
    }
    let by = caller(&store);
    let mut c = Checks::default();
    let label = c.required(&body, "label");
    if label.as_deref().is_some_and(|l| l.trim().is_empty()) {
        c.add("label", "label must not be empty");
    }
    let enabled = c.boolean(&body, "enabled").unwrap_or(false);
    let enforce = c.boolean(&body, "enforce").unwrap_or(false);
    let saml = read_saml(&mut c, &body, &by);
    let (label, saml) = c.finish((label, saml))?;
    let key = store.next_id("iam_idp_config", 1);
    let config = json!({
        "_key": key,
        "id": uuid(),
        "label": label,
        "enabled": enabled,
        "enforce": enforce,
        "saml": saml,
        "created": now(),
        "created_by": by,
        "updated": null,
        "updated_by": null,
    });
    store.table_mut(CONFIGS).insert(key, config.clone());
    store
        .table_mut(USERS)
        .insert(key, json!({"included": [], "excluded": []}));
    Ok(Json(present(&store, &config)))
}

async fn get_config(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let (_, config) = find(&store, &id).ok_or_else(ApiError::not_found)?;
    Ok(Json(present(&store, &config)))
}

async fn update_config(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (key, mut config) = find(&store, &id).ok_or_else(ApiError::not_found)?;
    let by = caller(&store);
    let mut c = Checks::default();
    let label = c.string(&body, "label");
    if label.as_deref().is_some_and(|l| l.trim().is_empty()) {
        c.add("label", "label must not be empty");
    }
    let enabled = c.boolean(&body, "enabled");
    let enforce = c.boolean(&body, "enforce");
    let saml = if body.get("saml").is_some_and(|s| !s.is_null()) {
        read_saml(&mut c, &body, &by)
    } else {
        None
    };
    c.finish(())?;
    if let Some(label) = label {
        config["label"] = json!(label);
    }
    if let Some(enabled) = enabled {
        config["enabled"] = json!(enabled);
    }
    if let Some(enforce) = enforce {
        config["enforce"] = json!(enforce);
    }
    if let Some(saml) = saml {
        config["saml"] = saml;
    }
    config["updated"] = json!(now());
    config["updated_by"] = json!(by);
    store.table_mut(CONFIGS).insert(key, config.clone());
    Ok(Json(present(&store, &config)))
}

async fn delete_config(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (key, _) = find(&store, &id).ok_or_else(ApiError::not_found)?;
    store.table_mut(CONFIGS).remove(key);
    store.table_mut(USERS).remove(key);
    Ok(Json(json!({})))
}

// Certificates of a configuration -----------------------------------------------------------

async fn list_certificates(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let (_, config) = find(&store, &id).ok_or_else(ApiError::not_found)?;
    let certificates = config["saml"]["public_certificates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    list_response(&certificates, &[], &req)
}

async fn add_certificate(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (key, mut config) = find(&store, &id).ok_or_else(ApiError::not_found)?;
    let by = caller(&store);
    let mut c = Checks::default();
    let certificate = if c.require(&body, "certificate") {
        c.string(&body, "certificate");
        read_certificate(&mut c, &Value::Object(body.clone()), "certificate", &by)
    } else {
        None
    };
    let certificate = c.finish(certificate)?.unwrap_or_default();
    if let Some(list) = config["saml"]["public_certificates"].as_array_mut() {
        list.push(certificate.clone());
    }
    store.table_mut(CONFIGS).insert(key, config);
    Ok(Json(certificate))
}

async fn delete_certificate(
    State(state): State<AppState>,
    ApiPath((id, certificate)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (key, mut config) = find(&store, &id).ok_or_else(ApiError::not_found)?;
    let list = config["saml"]["public_certificates"]
        .as_array_mut()
        .ok_or_else(ApiError::not_found)?;
    let index = list
        .iter()
        .position(|c| c["id"] == certificate.as_str())
        .ok_or_else(ApiError::not_found)?;
    if list.len() == 1 {
        return Err(ApiError::bad_request(
            "An IDP configuration must keep at least one certificate",
        ));
    }
    list.remove(index);
    store.table_mut(CONFIGS).insert(key, config);
    Ok(Json(json!({})))
}

// Included and excluded users ---------------------------------------------------------------

fn user_refs(store: &Store, key: u64, which: &str) -> Vec<Value> {
    users_of(store, key, which)
        .into_iter()
        .map(|name| {
            json!({
                "id": name,
                "label": name,
                "type": "user",
                "url": format!("/v4/account/users/{name}"),
            })
        })
        .collect()
}

async fn list_users(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    req: ListRequest,
    which: &'static str,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let (key, _) = find(&store, &id).ok_or_else(ApiError::not_found)?;
    list_response(&user_refs(&store, key, which), &[], &req)
}

async fn put_users(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    req: ListRequest,
    JsonObject(body): JsonObject,
    which: &'static str,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (key, _) = find(&store, &id).ok_or_else(ApiError::not_found)?;
    let mut c = Checks::default();
    c.require(&body, "usernames");
    let names = c.strings(&body, "usernames").unwrap_or_default();
    let mut kept: Vec<String> = Vec::new();
    for name in names {
        if user(&store, &name).is_none() {
            c.add("usernames", format!("User {name} does not exist"));
        } else if !kept.contains(&name) {
            kept.push(name);
        }
    }
    c.finish(())?;
    let table = store.table_mut(USERS);
    let mut lists = table
        .get(key)
        .cloned()
        .unwrap_or_else(|| json!({"included": [], "excluded": []}));
    lists[which] = json!(kept);
    table.insert(key, lists);
    list_response(&user_refs(&store, key, which), &[], &req)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBjjCCATOgAwIBAgIUFb/OuA1+WcbMwm1Zhr/1rYzZGJwwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRaWRwLWEuZXhhbXBsZS5jb20wHhcNMjYxMjA3MDE1NDU0WhcN
MjcxMjA3MDE1NDU0WjAcMRowGAYDVQQDDBFpZHAtYS5leGFtcGxlLmNvbTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABGV6V9Bm4Mjhlluk37PWTrI1U7M47efDvsBt
f9mNZzr7HLl0KD3hQP/QAe4jGJf161s+oCcAPKK2cMroGjLAqQCjUzBRMB0GA1Ud
DgQWBBR51pbN5IiXjmZ69LCImVSjA74rLzAfBgNVHSMEGDAWgBR51pbN5IiXjmZ6
9LCImVSjA74rLzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCp
2rKazpLQoIMNkb1KFZBfSrTfFrRst++DbdsU0VqSTAIhAP2QHjueurelGJn+wguM
pZKZ21TO6hGhYGK7oKLsyHWN
-----END CERTIFICATE-----";

    #[test]
    fn validity_is_read_with_or_without_the_pem_lines() {
        let expected = Some((
            "2026-12-07T01:54:54".to_owned(),
            "2027-12-07T01:54:54".to_owned(),
        ));
        assert_eq!(certificate_validity(PEM), expected);
        let bare: String = PEM.lines().filter(|l| !l.starts_with("-----")).collect();
        assert_eq!(certificate_validity(&bare), expected);
        assert_eq!(certificate_validity("not a certificate"), None);
        assert_eq!(certificate_validity("aGVsbG8="), None);
        assert_eq!(certificate_validity(""), None);
    }

    #[test]
    fn uuids_are_shaped_like_the_apis() {
        let id = uuid();
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
    }
}
