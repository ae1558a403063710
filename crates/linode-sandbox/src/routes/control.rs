//! The control plane, under `/sandbox/` (outside `/v4`): what a test in any language needs to
//! drive the sandbox over plain HTTP. JSON in and out; bad input answers the API's error
//! envelope. Every route but `health` needs the sandbox's own token; the control plane is not
//! recorded in the request log, and faults and rate limits never apply to it.
//!
//! | route | what it does |
//! | --- | --- |
//! | `GET /sandbox/health` | `{"status": "ok", "version": ..}`, without a token |
//! | `POST /sandbox/reset` | the state as it was at start |
//! | `GET`, `PUT /sandbox/state` | the whole state as one JSON document; `PUT` replaces it |
//! | `GET`, `POST`, `DELETE /sandbox/faults`, `DELETE /sandbox/faults/{id}` | fault rules |
//! | `PUT /sandbox/rate-limits` | `{"enabled": bool}` or `{"limits": [..]}` |
//! | `GET`, `DELETE /sandbox/requests` | the request log (`?since=N`: after sequence number N) |
//! | `POST /sandbox/settle` | every action in progress finishes now |
//! | `GET`, `PUT /sandbox/realism` | `{"create_lag_ms", "event_lag_ms", "disk_ready_lag_ms"}`: see [`crate::realism`] |
//! | `PUT /sandbox/speed` | `{"speed": f}`: the scale of action durations from now on |
//! | `POST /sandbox/tokens` | `{"username", "scopes"}`: a token acting as that user |

use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{delete, get, post, put};
use serde_json::{Value, json};

use super::checks::Checks;
use super::{ApiPath, AppState, JsonObject};
use crate::account::{Grant, IssuedToken, TokenOwner, random_hex};
use crate::auth::bearer;
use crate::error::ApiError;
use crate::faults::FaultRule;
use crate::ratelimit::RateLimit;
use crate::store::Store;

pub(super) fn routes(state: AppState) -> Router<AppState> {
    let guarded = Router::new()
        .route("/sandbox/reset", post(reset))
        .route("/sandbox/state", get(export_state).put(import_state))
        .route(
            "/sandbox/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/sandbox/faults/{id}", delete(remove_fault))
        .route("/sandbox/rate-limits", put(set_rate_limits))
        .route(
            "/sandbox/requests",
            get(list_requests).delete(clear_requests),
        )
        .route("/sandbox/settle", post(settle))
        .route("/sandbox/realism", get(get_realism).put(set_realism))
        .route("/sandbox/speed", put(set_speed))
        .route("/sandbox/tokens", post(create_token))
        .route_layer(from_fn_with_state(state, require_sandbox_token));
    Router::new()
        .route("/sandbox/health", get(health))
        .merge(guarded)
}

/// Only the sandbox's own token drives the control plane.
async fn require_sandbox_token(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if bearer(&req) != Some(state.token.as_str()) {
        return ApiError::unauthorized().into_response();
    }
    next.run(req).await
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}

async fn reset(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    {
        let mut store = state.store();
        let mut fresh = Store::with_clock(crate::lifecycle::Clock::with_speed(state.start.speed));
        // As at start: the token in use is listed among the profile's tokens.
        let wall = fresh.clock.wall();
        fresh.list_main_token(&state.token, wall);
        *store = fresh;
        if state.start.seed_instances > 0 {
            store.seed_instances(state.start.seed_instances);
        }
    }
    // The seed file goes through the API, so the store is not locked meanwhile.
    if let Some(seed) = state.start.seed.clone() {
        seed.apply(&state)
            .await
            .map_err(|err| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?;
    }
    Ok(Json(json!({})))
}

/// Every collection of every family, and the counters: see [`Store::export`].
async fn export_state(State(state): State<AppState>) -> Json<Value> {
    Json(state.store().export())
}

/// Replaces the whole state with a document from `GET /sandbox/state`; anything else is a
/// 400 naming what is wrong, and changes nothing.
async fn import_state(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let document = Value::Object(body);
    let mut store = state.store();
    store.import(&document).map_err(|reason| {
        let (field, reason) = reason
            .split_once(": ")
            .unwrap_or(("state", reason.as_str()));
        ApiError::field(field, reason)
    })?;
    Ok(Json(json!({})))
}

async fn list_faults(State(state): State<AppState>) -> Json<Value> {
    let data: Vec<Value> = state
        .faults()
        .rules()
        .map(|(id, rule)| rule.to_json(id))
        .collect();
    Json(json!({ "data": data }))
}

/// `{"method", "path", "fault", "times", "every"}`, read with the grammar of `--fault`.
async fn add_fault(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut checks = Checks::default();
    let method = checks.string(&body, "method");
    let path = checks.required(&body, "path");
    let fault = checks.required(&body, "fault");
    let times = checks.unsigned(&body, "times");
    let every = checks.unsigned(&body, "every");
    if every == Some(0) {
        checks.add("every", "every must be at least 1");
    }
    let (Some(path), Some(fault)) = checks.finish((path, fault))? else {
        return Err(ApiError::bad_request("path and fault are required"));
    };
    let mut text = format!("{} {path} {fault}", method.as_deref().unwrap_or("*"));
    if let Some(n) = times {
        text.push_str(&format!(" x{n}"));
    }
    if let Some(n) = every {
        text.push_str(&format!(" every={n}"));
    }
    let rule: FaultRule = text
        .parse()
        .map_err(|reason: String| ApiError::field("fault", reason))?;
    let id = state.faults().add(rule.clone());
    Ok(Json(rule.to_json(id)))
}

async fn remove_fault(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    if state.faults().remove(id) {
        Ok(Json(json!({})))
    } else {
        Err(ApiError::not_found())
    }
}

async fn clear_faults(State(state): State<AppState>) -> Json<Value> {
    state.faults().clear();
    Json(json!({}))
}

/// `{"enabled": true}` applies the API's published limits, `{"enabled": false}` removes every
/// limit; `{"limits": [{"method", "path", "limit", "window_seconds"}]}` sets those instead.
async fn set_rate_limits(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut limits = Vec::new();
    match (body.get("enabled"), body.get("limits")) {
        (Some(Value::Bool(true)), None) => limits = RateLimit::published(),
        (Some(Value::Bool(false)), None) => {}
        (None, Some(Value::Array(_))) => {
            limits = RateLimit::table(&Value::Object(body.clone()))
                .map_err(|(field, reason)| ApiError::field(field, reason))?;
        }
        _ => {
            return Err(ApiError::bad_request(
                "Expected {\"enabled\": true|false} or {\"limits\": [...]}",
            ));
        }
    }
    let mut limiter = state.rate_limits();
    limiter.clear();
    let count = limits.len();
    for limit in limits {
        limiter.set(limit);
    }
    Ok(Json(json!({ "limits": count })))
}

async fn list_requests(
    State(state): State<AppState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Json<Value>, ApiError> {
    let since = match query
        .as_deref()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("since=")))
    {
        None => 0,
        Some(n) => n
            .parse::<u64>()
            .map_err(|_| ApiError::field("since", "Must be a sequence number"))?,
    };
    let data: Vec<Value> = state
        .requests()
        .iter()
        .filter(|r| r.seq > since)
        .map(|r| r.to_json())
        .collect();
    Ok(Json(json!({ "data": data })))
}

async fn clear_requests(State(state): State<AppState>) -> Json<Value> {
    state.requests().clear();
    Json(json!({}))
}

async fn settle(State(state): State<AppState>) -> Json<Value> {
    let finished = state.store().settle();
    Json(json!({ "finished": finished }))
}

async fn get_realism(State(state): State<AppState>) -> Json<Value> {
    let store = state.store();
    Json(json!({
        "create_lag_ms": store.realism.create_lag.as_millis() as u64,
        "event_lag_ms": store.realism.event_lag.as_millis() as u64,
        "disk_ready_lag_ms": store.realism.disk_ready_lag.as_millis() as u64,
    }))
}

/// Sets the lags given (in milliseconds); the others stay as they are.
async fn set_realism(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut checks = Checks::default();
    let create = checks.unsigned(&body, "create_lag_ms");
    let event = checks.unsigned(&body, "event_lag_ms");
    let disk = checks.unsigned(&body, "disk_ready_lag_ms");
    checks.finish(())?;
    {
        let mut store = state.store();
        if let Some(ms) = create {
            store.realism.create_lag = Duration::from_millis(ms);
        }
        if let Some(ms) = event {
            store.realism.event_lag = Duration::from_millis(ms);
        }
        if let Some(ms) = disk {
            store.realism.disk_ready_lag = Duration::from_millis(ms);
        }
    }
    Ok(get_realism(State(state)).await)
}

async fn set_speed(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let speed = body
        .get("speed")
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite() && *s >= 0.0)
        .ok_or_else(|| ApiError::field("speed", "Must be a number of at least 0"))?;
    state.store().clock.set_speed(speed);
    Ok(Json(json!({ "speed": speed })))
}

/// A token that acts as `username` (a user of the account) with `scopes` (`*` by default).
async fn create_token(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let username = body
        .get("username")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::field("username", "Must be the username of a user"))?;
    let scopes = body.get("scopes").and_then(Value::as_str).unwrap_or("*");
    let grant = Grant::parse(scopes).map_err(|reason| ApiError::field("scopes", reason))?;
    let mut store = state.store();
    if store.user(username).is_none() {
        return Err(ApiError::field(
            "username",
            "No user of the account has this username",
        ));
    }
    let token = random_hex(32);
    let scopes = grant.to_api_string();
    store.issue_token(
        &token,
        &IssuedToken {
            grant,
            expiry: None,
            owner: TokenOwner::User(username.to_owned()),
        },
    );
    Ok((
        StatusCode::OK,
        Json(json!({"token": token, "username": username, "scopes": scopes})),
    ))
}
