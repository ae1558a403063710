//! Realism on demand, off by default: the API's timing that breaks careless clients.
//!
//! - **Read-after-create lag**: for `create_lag` after a `POST` answered an object with an
//!   `id`, a `GET` of that object (`<path>/<id>`) answers 404 `Not found`, as a freshly created
//!   object may on the real platform.
//! - **Event lag**: an action's event shows in `/account/events` only `event_lag` after it was
//!   written.
//! - **Disk-ready lag**: for `disk_ready_lag` after its `disk_create` event finished, a disk
//!   still answers `status: "not ready"` (by id and in its Linode's disk list), as a disk may
//!   on the real platform: a client that takes the finished event for a usable disk meets a
//!   disk that is not one yet. The event's `created` time has whole seconds, so the lag runs
//!   from up to a second before the event really finished.
//!
//! The lags read the sandbox's clock, so tests on tokio's paused clock see the first in
//! virtual time.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::time::Instant;

use crate::error::ApiError;
use crate::routes::AppState;

/// The realism switches and what they need to remember.
#[derive(Debug, Default, Clone)]
pub struct Realism {
    /// How long a new object answers 404 by id.
    pub create_lag: Duration,
    /// How long an event stays out of `/account/events`.
    pub event_lag: Duration,
    /// How long a disk stays `not ready` after its `disk_create` event finished.
    pub disk_ready_lag: Duration,
    /// When each object still in its lag was created, by path (`/v4/volumes/123`).
    born: HashMap<String, Instant>,
}

impl Realism {
    /// Whether the object at `path` is still in its read-after-create lag at `now`.
    fn hidden(&mut self, path: &str, now: Instant) -> bool {
        let lag = self.create_lag;
        self.born
            .retain(|_, at| now.saturating_duration_since(*at) < lag);
        self.born.contains_key(path)
    }
}

/// Largest answer read back to find a created object's id.
const MAX_CREATED: usize = 4 * 1024 * 1024;

/// Middleware: applies the read-after-create lag and the disk-ready lag.
pub async fn lag(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (lag, disk_lag) = {
        let store = state.store();
        (store.realism.create_lag, store.realism.disk_ready_lag)
    };
    if lag.is_zero() && disk_lag.is_zero() {
        return next.run(req).await;
    }
    let path = req.uri().path().trim_end_matches('/').to_owned();
    if req.method() == Method::GET {
        let hidden = !lag.is_zero() && {
            let mut store = state.store();
            let now = store.clock.now();
            store.realism.hidden(&path, now)
        };
        if hidden {
            return ApiError::not_found().into_response();
        }
        if !disk_lag.is_zero() && is_disk_path(&path) {
            let res = next.run(req).await;
            return disks_not_ready_yet(&state, disk_lag, res).await;
        }
        return next.run(req).await;
    }
    if req.method() != Method::POST || lag.is_zero() {
        return next.run(req).await;
    }
    let (parts, body) = next.run(req).await.into_parts();
    if !parts.status.is_success() {
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = to_bytes(body, MAX_CREATED).await else {
        return ApiError::new(axum::http::StatusCode::BAD_GATEWAY, "Bad Gateway").into_response();
    };
    let id = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| match &v["id"] {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) => Some(s.clone()),
            _ => None,
        });
    if let Some(id) = id {
        let mut store = state.store();
        let now = store.clock.now();
        store.realism.born.insert(format!("{path}/{id}"), now);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether `path` is a Linode's disk list or one of its disks (under `/v4` or `/v4beta`).
fn is_disk_path(path: &str) -> bool {
    let Some(rest) = crate::auth::strip_version(path) else {
        return false;
    };
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        ["linode", "instances", _, "disks"] | ["linode", "instances", _, "disks", _]
    )
}

/// When the `disk_create` event of `disk` finished, if it did: its `created` time plus its
/// `duration`.
fn disk_created_at(store: &crate::store::Store, disk: u64) -> Option<SystemTime> {
    let event = store.events().values().rev().find(|e| {
        e["action"] == "disk_create"
            && e["status"] == "finished"
            && e["secondary_entity"]["id"] == disk
    })?;
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let created = time::PrimitiveDateTime::parse(event["created"].as_str()?, &fmt).ok()?;
    let took = event["duration"].as_f64().unwrap_or(0.0).max(0.0);
    Some(SystemTime::from(created.assume_utc()) + Duration::from_secs_f64(took))
}

/// Shows as `not ready` the disks of the answer whose `disk_create` event finished less than
/// `lag` ago.
async fn disks_not_ready_yet(state: &AppState, lag: Duration, res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_CREATED).await else {
        return ApiError::new(axum::http::StatusCode::BAD_GATEWAY, "Bad Gateway").into_response();
    };
    let mut value: Value = match serde_json::from_slice(&bytes) {
        Ok(v @ Value::Object(_)) if parts.status.is_success() => v,
        _ => return Response::from_parts(parts, Body::from(bytes)),
    };
    let mut changed = false;
    {
        let store = state.store();
        let now = store.clock.wall();
        let disks: Vec<&mut Value> = match value.get_mut("data") {
            Some(Value::Array(list)) => list.iter_mut().collect(),
            _ => vec![&mut value],
        };
        for disk in disks {
            let Some(id) = disk["id"].as_u64() else {
                continue;
            };
            if disk["status"] != "ready" {
                continue;
            }
            if disk_created_at(&store, id).is_some_and(|at| now < at + lag) {
                disk["status"] = Value::from("not ready");
                changed = true;
            }
        }
    }
    if !changed {
        return Response::from_parts(parts, Body::from(bytes));
    }
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let body = serde_json::to_vec(&value).unwrap_or_default();
    Response::from_parts(parts, Body::from(body))
}
