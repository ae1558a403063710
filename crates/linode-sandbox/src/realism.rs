//! Realism on demand, off by default: the API's timing that breaks careless clients.
//!
//! - **Read-after-create lag**: for `create_lag` after a `POST` answered an object with an
//!   `id`, a `GET` of that object (`<path>/<id>`) answers 404 `Not found`, as a freshly created
//!   object may on the real platform.
//! - **Event lag**: an action's event shows in `/account/events` only `event_lag` after it was
//!   written.
//!
//! Both read the sandbox's clock, so tests on tokio's paused clock see them in virtual time.

use std::collections::HashMap;
use std::time::Duration;

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

/// Middleware: applies the read-after-create lag.
pub async fn lag(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lag = state.store().realism.create_lag;
    if lag.is_zero() {
        return next.run(req).await;
    }
    let path = req.uri().path().trim_end_matches('/').to_owned();
    if req.method() == Method::GET {
        let hidden = {
            let mut store = state.store();
            let now = store.clock.now();
            store.realism.hidden(&path, now)
        };
        if hidden {
            return ApiError::not_found().into_response();
        }
        return next.run(req).await;
    }
    if req.method() != Method::POST {
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
