//! Recording of every request the sandbox receives.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::routes::AppState;

/// Largest request body the sandbox accepts, in bytes.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// One request as the sandbox received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method, upper case (`GET`).
    pub method: String,
    /// Path including the version prefix (`/v4/linode/instances`), still percent-encoded.
    pub path: String,
    /// Raw query string without `?`, if any.
    pub query: Option<String>,
    /// Headers in arrival order, names lower case; the `authorization` value is
    /// replaced by `<redacted>`.
    pub headers: Vec<(String, String)>,
    /// Body as text (lossy UTF-8), `None` when empty.
    pub body: Option<String>,
}

impl RecordedRequest {
    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.body.as_deref()?).ok()
    }
}

/// Middleware: records the request (before authentication) and passes it on.
pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_ascii_lowercase();
            let value = if name == "authorization" {
                "<redacted>".to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name, value)
        })
        .collect();
    let bytes = to_bytes(body, MAX_BODY).await;
    let mut recorded = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers,
        body: None,
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(_) => {
            state.push_request(recorded);
            return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large")
                .into_response();
        }
    };
    if !bytes.is_empty() {
        recorded.body = Some(String::from_utf8_lossy(&bytes).into_owned());
    }
    state.push_request(recorded);
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
