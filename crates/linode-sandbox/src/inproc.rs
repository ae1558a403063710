//! Calls to the sandbox's own API from inside the process, as a client would send them: the
//! seed file creates its objects and the dashboard reads them this way, so every family's
//! validation and state rules apply and neither depends on how the store keeps its objects.
//!
//! The calls go through [`crate::routes::internal_api`]: authenticated with the sandbox's
//! token, but not recorded in the request log and not subject to faults or rate limits.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

use crate::routes::{AppState, internal_api};

/// A client of the sandbox's API that needs no network.
#[derive(Clone)]
pub(crate) struct InProcess {
    router: Router,
    token: String,
}

impl InProcess {
    /// A client of the API of the sandbox `state`.
    pub(crate) fn new(state: &AppState) -> InProcess {
        InProcess {
            router: internal_api(state.clone()),
            token: state.token.clone(),
        }
    }

    /// Sends `method path` (a path under `/v4`, with its query) with `body` as JSON, and
    /// returns the status and the answer's JSON (`null` when it is not JSON).
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        filter: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        if let Some(filter) = filter {
            req = req.header("x-filter", filter);
        }
        let req = match body {
            Some(body) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => req.body(Body::empty()),
        };
        let Ok(req) = req else {
            return (StatusCode::BAD_REQUEST, Value::Null);
        };
        let Ok(res) = self.router.clone().oneshot(req).await;
        let status = res.status();
        let bytes = to_bytes(res.into_body(), crate::record::MAX_BODY)
            .await
            .unwrap_or_default();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}
