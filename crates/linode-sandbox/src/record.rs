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
    next_seq: u64,
}

impl RequestLog {
    /// A log keeping at most `limit` requests (all of them when `None`).
    pub fn with_limit(limit: Option<usize>) -> RequestLog {
        RequestLog {
            entries: Default::default(),
            limit,
            next_seq: 1,
        }
    }

    /// Appends a request, forgetting the oldest one when the log is full; returns its
    /// sequence number (numbers keep growing across [`clear`](RequestLog::clear)).
    pub fn push(&mut self, mut request: RecordedRequest) -> u64 {
        request.seq = self.next_seq;
        self.next_seq += 1;
        if self.limit == Some(0) {
            return request.seq;
        }
        if self.limit.is_some_and(|limit| self.entries.len() >= limit) {
            self.entries.pop_front();
        }
        let seq = request.seq;
        self.entries.push_back(request);
        seq
    }

    /// Sets the status the sandbox answered the request `seq` with, and how long the answer
    /// took (if the request is still kept).
    pub fn set_status(&mut self, seq: u64, status: u16, elapsed: std::time::Duration) {
        // The request is almost always among the last few.
        if let Some(r) = self.entries.iter_mut().rev().find(|r| r.seq == seq) {
            r.status = Some(status);
            r.elapsed = Some(elapsed);
        }
    }

    /// The requests kept, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &RecordedRequest> {
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
    /// Its place in the sandbox's log: 1 for the first request received, and so on.
    pub seq: u64,
    /// The status answered, once the answer is made (`None` while in progress).
    pub status: Option<u16>,
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
    /// When the request arrived (the machine's clock, not the sandbox's).
    pub received: std::time::SystemTime,
    /// How long the sandbox took to answer, once it answered.
    pub elapsed: Option<std::time::Duration>,
}

impl RecordedRequest {
    /// The request as the control plane shows it (`GET /sandbox/requests`): the
    /// `authorization` header is already redacted.
    pub fn to_json(&self) -> serde_json::Value {
        let headers: serde_json::Map<String, serde_json::Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str())))
            .collect();
        serde_json::json!({
            "seq": self.seq,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": headers,
            "body": self.body,
            "status": self.status,
        })
    }

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
    let started = std::time::Instant::now();
    let bytes = to_bytes(body, MAX_BODY).await;
    let mut recorded = RecordedRequest {
        seq: 0,
        status: None,
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers,
        body: None,
        received: std::time::SystemTime::now(),
        elapsed: None,
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(_) => {
            recorded.status = Some(StatusCode::PAYLOAD_TOO_LARGE.as_u16());
            state.push_request(recorded);
            return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large")
                .into_response();
        }
    };
    if !bytes.is_empty() {
        recorded.body = Some(String::from_utf8_lossy(&bytes).into_owned());
    }
    let seq = state.requests().push(recorded);
    let res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    state
        .requests()
        .set_status(seq, res.status().as_u16(), started.elapsed());
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(n: usize) -> RecordedRequest {
        RecordedRequest {
            seq: 0,
            status: None,
            method: "GET".into(),
            path: format!("/v4/linode/instances/{n}"),
            query: None,
            headers: Vec::new(),
            body: None,
            received: std::time::SystemTime::UNIX_EPOCH,
            elapsed: None,
        }
    }

    #[test]
    fn a_limited_log_keeps_the_most_recent_requests() {
        let mut log = RequestLog::with_limit(Some(3));
        for n in 1..=5 {
            log.push(request(n));
        }
        let kept: Vec<&str> = log.iter().map(|r| r.path.as_str()).collect();
        let seqs: Vec<u64> = log.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, [3, 4, 5]);
        assert_eq!(
            kept,
            [
                "/v4/linode/instances/3",
                "/v4/linode/instances/4",
                "/v4/linode/instances/5"
            ]
        );
        let mut all = RequestLog::with_limit(None);
        for n in 1..=5 {
            all.push(request(n));
        }
        assert_eq!(all.iter().count(), 5);
        let mut none = RequestLog::with_limit(Some(0));
        none.push(request(1));
        assert_eq!(none.iter().count(), 0);
    }
}
