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

/// The requests received, oldest first; with a limit, only the most recent ones are kept so a
/// long-running sandbox does not grow without bound.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: std::collections::VecDeque<RecordedRequest>,
    limit: Option<usize>,
}

impl RequestLog {
    /// A log keeping at most `limit` requests (all of them when `None`).
    pub fn with_limit(limit: Option<usize>) -> RequestLog {
        RequestLog {
            entries: Default::default(),
            limit,
        }
    }

    /// Appends a request, forgetting the oldest one when the log is full.
    pub fn push(&mut self, request: RecordedRequest) {
        if self.limit == Some(0) {
            return;
        }
        if self.limit.is_some_and(|limit| self.entries.len() >= limit) {
            self.entries.pop_front();
        }
        self.entries.push_back(request);
    }

    /// The requests kept, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &RecordedRequest> {
        self.entries.iter()
    }

    /// Forgets every request.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(n: usize) -> RecordedRequest {
        RecordedRequest {
            method: "GET".into(),
            path: format!("/v4/linode/instances/{n}"),
            query: None,
            headers: Vec::new(),
            body: None,
        }
    }

    #[test]
    fn a_limited_log_keeps_the_most_recent_requests() {
        let mut log = RequestLog::with_limit(Some(3));
        (1..=5).for_each(|n| log.push(request(n)));
        let kept: Vec<&str> = log.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            kept,
            [
                "/v4/linode/instances/3",
                "/v4/linode/instances/4",
                "/v4/linode/instances/5"
            ]
        );
        let mut all = RequestLog::with_limit(None);
        (1..=5).for_each(|n| all.push(request(n)));
        assert_eq!(all.iter().count(), 5);
        let mut none = RequestLog::with_limit(Some(0));
        none.push(request(1));
        assert_eq!(none.iter().count(), 0);
    }
}
