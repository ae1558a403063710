//! The login server (`login.linode.com`), served at the root: `/oauth/authorize`,
//! `/oauth/token` and `/oauth/revoke`.
//!
//! The sandbox has one user, who approves every authorization at once: `authorize` redirects
//! straight back to the application with a code. Codes are single-use; access tokens carry the
//! approved scopes and expire after [`OAUTH_TOKEN_LIFETIME`] seconds; refresh tokens are
//! single-use and replace the access token they came with.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::AppState;
use crate::account::{
    Grant, IssuedToken, OAUTH_TOKEN_LIFETIME, PendingCode, RefreshGrant, TokenOwner, random_hex,
};
use crate::pagination::query_pairs;
use crate::store::{Store, format_time};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/authorize", get(authorize))
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
}

/// An OAuth error answer: the standard `error` code and description, plus the API's
/// `errors` envelope.
fn oauth_error(status: StatusCode, code: &str, reason: &str) -> Response {
    (
        status,
        Json(json!({
            "error": code,
            "error_description": reason,
            "errors": [{"reason": reason}]
        })),
    )
        .into_response()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Whether `given` is the registered redirect URI or a path below it.
fn under(registered: &str, given: &str) -> bool {
    let given = given.split(['?', '#']).next().unwrap_or_default();
    let base = registered.split(['?', '#']).next().unwrap_or_default();
    given == base || given.starts_with(&format!("{}/", base.trim_end_matches('/')))
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

/// Approves the login as the sandbox's user and redirects (302) to the application's
/// redirect URI with `code` and `state`.
async fn authorize(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = query_pairs(query.as_deref());
    let Some(client_id) = param(&params, "client_id") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id is required",
        );
    };
    if param(&params, "response_type").is_some_and(|t| t != "code") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_response_type",
            "response_type must be code",
        );
    }
    let grant = match Grant::parse(param(&params, "scopes").unwrap_or("*")) {
        Ok(grant) => grant,
        Err(reason) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", &reason),
    };
    let mut store = state.store();
    let Some(client) = store.oauth_client(client_id) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Unknown client_id",
        );
    };
    if client["status"] != "active" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Client is not active",
        );
    }
    let registered = client["redirect_uri"].as_str().unwrap_or_default();
    let redirect = match param(&params, "redirect_uri") {
        None => registered.to_owned(),
        Some(given) if under(registered, given) => given.to_owned(),
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "redirect_uri is not under the client's registered redirect URI",
            );
        }
    };
    let code = random_hex(16);
    store.add_code(
        &code,
        &PendingCode {
            client_id: client_id.to_owned(),
            grant,
        },
    );
    let mut location = redirect;
    location.push(if location.contains('?') { '&' } else { '?' });
    location.push_str(&format!("code={}", encode(&code)));
    if let Some(s) = param(&params, "state") {
        location.push_str(&format!("&state={}", encode(s)));
    }
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// Checks a client's id and secret from a form.
fn authenticate_client(
    store: &Store,
    params: &[(String, String)],
) -> Result<String, Box<Response>> {
    let client_id = param(params, "client_id").unwrap_or_default();
    let secret = param(params, "client_secret").unwrap_or_default();
    match store.client_secret(client_id) {
        Some(expected) if !secret.is_empty() && expected == secret => Ok(client_id.to_owned()),
        _ => Err(Box::new(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client_id or client_secret",
        ))),
    }
}

/// Exchanges an authorization code (`grant_type=authorization_code`, the default) or a
/// refresh token (`grant_type=refresh_token`) for an access token.
async fn token(State(state): State<AppState>, body: Bytes) -> Response {
    let params = query_pairs(std::str::from_utf8(&body).ok());
    let mut store = state.store();
    let client_id = match authenticate_client(&store, &params) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let (grant, app_id) = match param(&params, "grant_type").unwrap_or("authorization_code") {
        "authorization_code" => {
            let code = param(&params, "code").unwrap_or_default();
            let pending = match store.take_code(code) {
                Some(p) if p.client_id == client_id => p,
                // A code presented by another client is spent all the same.
                _ => {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Invalid code");
                }
            };
            let app_id = authorize_app(&mut store, &client_id, &pending.grant);
            (pending.grant, app_id)
        }
        "refresh_token" => {
            let refresh = param(&params, "refresh_token").unwrap_or_default();
            match store.take_refresh_token(refresh) {
                Some(r)
                    if r.client_id == client_id
                        && store
                            .table(crate::account::names::APPS)
                            .get(r.app_id)
                            .is_some() =>
                {
                    store.revoke_token(&r.access_token);
                    (r.grant, r.app_id)
                }
                _ => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "Invalid refresh token",
                    );
                }
            }
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be authorization_code or refresh_token",
            );
        }
    };
    let access = random_hex(32);
    let refresh = random_hex(32);
    let expiry = store.clock.wall() + Duration::from_secs(OAUTH_TOKEN_LIFETIME);
    if let Some(app) = store.table_mut(crate::account::names::APPS).get_mut(app_id) {
        app["expiry"] = Value::from(format_time(expiry));
    }
    store.issue_token(
        &access,
        &IssuedToken {
            grant: grant.clone(),
            expiry: Some(expiry),
            owner: TokenOwner::OAuth {
                client_id: client_id.clone(),
                app_id,
            },
        },
    );
    store.add_refresh_token(
        &refresh,
        &RefreshGrant {
            client_id,
            grant: grant.clone(),
            app_id,
            access_token: access.clone(),
        },
    );
    Json(json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": OAUTH_TOKEN_LIFETIME,
        "refresh_token": refresh,
        "scopes": grant.to_api_string()
    }))
    .into_response()
}

/// Records (or renews) the user's authorization of a client as an app in `/profile/apps`.
fn authorize_app(store: &mut Store, client_id: &str, grant: &Grant) -> u64 {
    let existing = store
        .table(crate::account::names::APP_CLIENTS)
        .iter()
        .find(|(_, c)| c["client_id"] == client_id)
        .map(|(id, _)| id);
    let client = store
        .oauth_client(client_id)
        .cloned()
        .unwrap_or(Value::Null);
    let now = format_time(store.clock.wall());
    let id = match existing {
        Some(id) => id,
        None => {
            let id = store.account_next_id();
            store
                .table_mut(crate::account::names::APP_CLIENTS)
                .insert(id, json!({"id": id, "client_id": client_id}));
            id
        }
    };
    let website = client["redirect_uri"]
        .as_str()
        .and_then(|u| u.split_once("://"))
        .map(|(_, rest)| {
            rest.split(['/', '?', '#'])
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .unwrap_or_default();
    store.table_mut(crate::account::names::APPS).insert(
        id,
        json!({
            "id": id,
            "label": client["label"],
            "thumbnail_url": client["thumbnail_url"],
            "scopes": grant.to_api_string(),
            "created": now,
            "expiry": null,
            "website": website
        }),
    );
    id
}

/// Revokes an access or refresh token the client was issued (unknown tokens are ignored, as
/// RFC 7009 asks).
async fn revoke(State(state): State<AppState>, body: Bytes) -> Response {
    let params = query_pairs(std::str::from_utf8(&body).ok());
    let mut store = state.store();
    let client_id = match authenticate_client(&store, &params) {
        Ok(id) => id,
        Err(response) => return *response,
    };
    let Some(token) = param(&params, "token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
        );
    };
    let token = token.to_owned();
    let owned = matches!(
        store.issued_token(&token).map(|t| t.owner),
        Some(TokenOwner::OAuth { client_id: c, .. }) if c == client_id
    );
    if owned {
        store.revoke_token(&token);
        store.drop_refresh_tokens_of(&token);
    }
    if store
        .refresh_token(&token)
        .is_some_and(|r| r.client_id == client_id)
    {
        if let Some(r) = store.take_refresh_token(&token) {
            store.revoke_token(&r.access_token);
        }
    }
    Json(json!({})).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_must_stay_under_the_registered_uri() {
        let reg = "https://app.example/oauth/callback";
        assert!(under(reg, reg));
        assert!(under(reg, "https://app.example/oauth/callback?x=1"));
        assert!(under(reg, "https://app.example/oauth/callback/more"));
        assert!(!under(reg, "https://app.example/oauth/callbackevil"));
        assert!(!under(reg, "https://evil.example/oauth/callback"));
        assert!(!under(reg, "https://app.example/"));
    }
}
