//! Faults on demand: make chosen requests fail the way real networks and proxies fail.
//!
//! A [`FaultRule`] names a method (or any), a path pattern (see [`path_matches`]) and a
//! [`Fault`]; it applies to every matching request, to the next `n` of them
//! ([`FaultRule::times`]) or to every `n`-th ([`FaultRule::every`]). Rules are tried in the
//! order they were added; the first that applies wins.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use linode_sandbox::{Fault, FaultRule, Method, Sandbox};
//! let sandbox = Sandbox::start().await?;
//! sandbox.inject(FaultRule::new(Method::GET, "/linode/instances", Fault::Status(502)).times(2));
//! sandbox.inject(FaultRule::any_method("/linode/instances/*", Fault::CloseMidResponse));
//! # Ok(()) }
//! ```
//!
//! The same rules can be given to the binary as text (see [`FaultRule::from_str`](std::str::FromStr)):
//! `--fault 'GET /linode/instances 502 x3'`.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};

use crate::auth::strip_version;
use crate::error::ApiError;
use crate::ratelimit;
use crate::routes::AppState;

/// Largest response body a fault rewrites (truncation, closing mid-response).
const MAX_RESPONSE: usize = 64 * 1024 * 1024;

/// The header the API sets on answers given during maintenance, and its value.
pub const MAINTENANCE_HEADER: (&str, &str) = ("x-maintenance-mode", "all,Request Context");

/// One way a request can fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status with an error envelope, without running the request. A 429 carries
    /// `Retry-After: 1` and the `X-RateLimit-*` headers, as the API's rate limiter does.
    Status(u16),
    /// A proxy's HTML `502 Bad Gateway` page, without running the request.
    HtmlBadGateway,
    /// `503` with `X-Maintenance-Mode` and an error envelope, without running the request.
    Maintenance,
    /// Run the request, then answer with its headers and only the first half of its body (a
    /// complete HTTP response whose JSON is cut).
    TruncatedBody,
    /// Run the request, then wait this long before answering (to outlast a client's timeout).
    Delay(Duration),
    /// Run the request, send its headers and half of its body, then drop the connection.
    CloseMidResponse,
    /// `400 Linode busy.`, without running the request (the API's answer while another
    /// action holds the Linode).
    Busy,
    /// A proxy's HTML `400 Bad Request` page, without running the request.
    HtmlBadRequest,
    /// `500` with nonsense hints (`Retry-After: -1`, `X-RateLimit-Reset: -1`), without running
    /// the request.
    NonsenseHints,
    /// `429` whose `Retry-After` is an HTTP date two seconds ahead, without running the request.
    RetryAfterDate,
    /// Run the request; a successful JSON answer gets `warnings` and a `Retry-After: 30` that
    /// a client must not wait for.
    Warnings,
    /// As [`Fault::Warnings`], the successful answer's status replaced by this one (200..=299,
    /// such as `202` or `299`).
    WarningsWithStatus(u16),
}

impl Fault {
    /// Whether the request is applied before the fault shows.
    pub fn runs_request(&self) -> bool {
        matches!(
            self,
            Fault::TruncatedBody
                | Fault::Delay(_)
                | Fault::CloseMidResponse
                | Fault::Warnings
                | Fault::WarningsWithStatus(_)
        )
    }
}

impl FromStr for Fault {
    type Err = String;

    /// `500`..`599` or `429` (any status 400..=599), `html502`, `maintenance`, `truncate`,
    /// `close`, `slow=2s` / `slow=250ms`.
    fn from_str(s: &str) -> Result<Fault, String> {
        match s {
            "html502" => return Ok(Fault::HtmlBadGateway),
            "maintenance" => return Ok(Fault::Maintenance),
            "truncate" => return Ok(Fault::TruncatedBody),
            "close" => return Ok(Fault::CloseMidResponse),
            "busy" => return Ok(Fault::Busy),
            "html400" => return Ok(Fault::HtmlBadRequest),
            "nonsense-hints" => return Ok(Fault::NonsenseHints),
            "retry-after-date" => return Ok(Fault::RetryAfterDate),
            "warnings" => return Ok(Fault::Warnings),
            _ => {}
        }
        if let Some(status) = s.strip_prefix("warnings=") {
            return match status.parse::<u16>() {
                Ok(status @ 200..=299) => Ok(Fault::WarningsWithStatus(status)),
                _ => Err(format!(
                    "warnings=STATUS needs a success status 200..299: {status}"
                )),
            };
        }
        if let Some(delay) = s.strip_prefix("slow=") {
            return parse_duration(delay)
                .map(Fault::Delay)
                .ok_or_else(|| format!("not a duration like 2s or 250ms: {delay}"));
        }
        match s.parse::<u16>() {
            Ok(status @ 400..=599) => Ok(Fault::Status(status)),
            _ => Err(format!(
                "unknown fault {s:?} (a status 400..599, html502, html400, maintenance, busy, nonsense-hints, retry-after-date, warnings, warnings=STATUS, truncate, close or slow=DURATION)"
            )),
        }
    }
}

/// Parses `250ms`, `2s` or `1m` (and `0s`).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = number.parse().ok()?;
    match unit {
        "ms" => Some(Duration::from_millis(n)),
        "s" => Some(Duration::from_secs(n)),
        "m" => Some(Duration::from_secs(n.checked_mul(60)?)),
        _ => None,
    }
}

/// Whether `path` (without the `/v4` or `/v4beta` prefix) matches `pattern`.
///
/// A pattern is a path whose segments are matched one for one; `*` matches any one segment
/// and a final `**` any rest (including nothing). The pattern `*` alone matches every path.
///
/// ```
/// use linode_sandbox::faults::path_matches;
/// assert!(path_matches("/linode/instances", "/linode/instances"));
/// assert!(path_matches("/linode/instances/*", "/linode/instances/123"));
/// assert!(!path_matches("/linode/instances/*", "/linode/instances"));
/// assert!(path_matches("/linode/**", "/linode/instances/123/disks"));
/// assert!(path_matches("*", "/regions"));
/// ```
pub fn path_matches(pattern: &str, path: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let mut want = pattern.trim_end_matches('/').split('/');
    let mut have = path.trim_end_matches('/').split('/');
    loop {
        match (want.next(), have.next()) {
            (Some("**"), _) => return true,
            (Some(w), Some(h)) if w == "*" || w == h => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// When a fault applies: to a method (or any) and a path pattern, a number of times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    method: Option<Method>,
    path: String,
    fault: Fault,
    remaining: Option<usize>,
    every: usize,
    seen: usize,
}

impl FaultRule {
    /// A fault for every request of `method` whose path (without `/v4`) matches `path` (see
    /// [`path_matches`]).
    pub fn new(method: Method, path: impl Into<String>, fault: Fault) -> FaultRule {
        FaultRule {
            method: Some(method),
            ..FaultRule::any_method(path, fault)
        }
    }

    /// A fault for requests of any method whose path matches `path`.
    pub fn any_method(path: impl Into<String>, fault: Fault) -> FaultRule {
        FaultRule {
            method: None,
            path: path.into(),
            fault,
            remaining: None,
            every: 1,
            seen: 0,
        }
    }

    /// Applies only to the next `n` matching requests (then the rule is spent).
    pub fn times(mut self, n: usize) -> FaultRule {
        self.remaining = Some(n);
        self
    }

    /// Applies only to every `n`-th matching request (the `n`-th, the `2n`-th, ...).
    pub fn every(mut self, n: usize) -> FaultRule {
        self.every = n.max(1);
        self
    }

    /// The fault this rule injects.
    pub fn fault(&self) -> &Fault {
        &self.fault
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method.as_ref().is_none_or(|m| m == method) && path_matches(&self.path, path)
    }

    /// Counts a matching request and says whether the fault applies to it.
    fn fires(&mut self) -> bool {
        if self.remaining == Some(0) {
            return false;
        }
        self.seen += 1;
        if self.seen % self.every != 0 {
            return false;
        }
        if let Some(n) = &mut self.remaining {
            *n -= 1;
        }
        true
    }
}

impl FromStr for FaultRule {
    type Err = String;

    /// `METHOD PATH FAULT [xN] [every=N]`, such as `GET /linode/instances 502 x3`,
    /// `POST /linode/instances close`, `* /linode/** slow=2s`, `GET /regions 429 every=10`.
    /// `*` as the method means any method; see [`Fault::from_str`] for the faults.
    fn from_str(s: &str) -> Result<FaultRule, String> {
        let words: Vec<&str> = s.split_whitespace().collect();
        let [method, path, fault, rest @ ..] = words.as_slice() else {
            return Err(format!(
                "expected `METHOD PATH FAULT [xN] [every=N]`, got {s:?}"
            ));
        };
        if !path.starts_with('/') && *path != "*" {
            return Err(format!("the path must start with `/`: {path}"));
        }
        let fault: Fault = fault.parse()?;
        let mut rule = if *method == "*" {
            FaultRule::any_method(*path, fault)
        } else {
            let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .map_err(|_| format!("not an HTTP method: {method}"))?;
            FaultRule::new(method, *path, fault)
        };
        for word in rest {
            if let Some(n) = word.strip_prefix('x') {
                rule = rule.times(n.parse().map_err(|_| format!("not a count: {word}"))?);
            } else if let Some(n) = word.strip_prefix("every=") {
                let n: usize = n.parse().map_err(|_| format!("not a count: {word}"))?;
                if n == 0 {
                    return Err("every=N needs N >= 1".to_owned());
                }
                rule = rule.every(n);
            } else {
                return Err(format!("unexpected {word:?} (expected xN or every=N)"));
            }
        }
        Ok(rule)
    }
}

impl fmt::Display for Fault {
    /// The fault in the grammar [`Fault::from_str`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Status(status) => write!(f, "{status}"),
            Fault::HtmlBadGateway => f.write_str("html502"),
            Fault::Maintenance => f.write_str("maintenance"),
            Fault::TruncatedBody => f.write_str("truncate"),
            Fault::CloseMidResponse => f.write_str("close"),
            Fault::Busy => f.write_str("busy"),
            Fault::HtmlBadRequest => f.write_str("html400"),
            Fault::NonsenseHints => f.write_str("nonsense-hints"),
            Fault::RetryAfterDate => f.write_str("retry-after-date"),
            Fault::Warnings => f.write_str("warnings"),
            Fault::WarningsWithStatus(status) => write!(f, "warnings={status}"),
            Fault::Delay(delay) => write!(f, "slow={}ms", delay.as_millis()),
        }
    }
}

impl FaultRule {
    /// The rule as the control plane shows it (`GET /sandbox/faults`), with its id.
    pub fn to_json(&self, id: u64) -> serde_json::Value {
        serde_json::json!({
            "id": id,
            "method": self.method.as_ref().map_or("*", Method::as_str),
            "path": self.path,
            "fault": self.fault.to_string(),
            "times": self.remaining,
            "every": self.every,
        })
    }
}

/// The active rules, each with an id.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Vec<(u64, FaultRule)>,
    next_id: u64,
}

impl Faults {
    /// Adds a rule after the others; returns its id.
    pub fn add(&mut self, rule: FaultRule) -> u64 {
        self.next_id += 1;
        self.rules.push((self.next_id, rule));
        self.next_id
    }

    /// Removes the rule with this id; `false` when there is none.
    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.rules.len();
        self.rules.retain(|(i, _)| *i != id);
        self.rules.len() != before
    }

    /// The active rules with their ids, in the order they apply.
    pub fn rules(&self) -> impl Iterator<Item = (u64, &FaultRule)> {
        self.rules.iter().map(|(id, rule)| (*id, rule))
    }

    /// Removes every rule.
    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The fault for this request, if a rule applies (counting it against the rule).
    pub fn take(&mut self, method: &Method, path: &str) -> Option<Fault> {
        let fault = self
            .rules
            .iter_mut()
            .map(|(_, rule)| rule)
            .filter(|rule| rule.matches(method, path))
            .find_map(|rule| rule.fires().then(|| rule.fault.clone()));
        self.rules.retain(|(_, rule)| rule.remaining != Some(0));
        fault
    }
}

/// Middleware: applies the first fault rule matching the request, if any.
pub async fn inject(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let fault = match strip_version(req.uri().path()) {
        Some(path) => state.faults().take(req.method(), path),
        None => None,
    };
    match fault {
        None => next.run(req).await,
        Some(fault) => apply(fault, req, next).await,
    }
}

async fn apply(fault: Fault, req: Request, next: Next) -> Response {
    match fault {
        Fault::Status(status) => status_answer(status),
        Fault::HtmlBadGateway => html_bad_gateway(),
        Fault::HtmlBadRequest => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/html")],
            "<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n\
             <center><h1>400 Bad Request</h1></center>\r\n<hr><center>proxy</center>\r\n</body>\r\n</html>\r\n",
        )
            .into_response(),
        Fault::Busy => ApiError::new(StatusCode::BAD_REQUEST, "Linode busy.").into_response(),
        Fault::NonsenseHints => {
            let mut res = ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
                .into_response();
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("-1"));
            res.headers_mut()
                .insert("x-ratelimit-reset", HeaderValue::from_static("-1"));
            res
        }
        Fault::RetryAfterDate => {
            let mut res =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response();
            let at = std::time::SystemTime::now() + Duration::from_secs(2);
            if let Ok(value) = HeaderValue::from_str(&http_date(at)) {
                res.headers_mut().insert(header::RETRY_AFTER, value);
            }
            res
        }
        Fault::Warnings | Fault::WarningsWithStatus(_) => {
            let (mut parts, body) = next.run(req).await.into_parts();
            let Ok(bytes) = to_bytes(body, MAX_RESPONSE).await else {
                return ApiError::new(StatusCode::BAD_GATEWAY, "Bad Gateway").into_response();
            };
            let mut value: serde_json::Value = match serde_json::from_slice(&bytes) {
                Ok(v @ serde_json::Value::Object(_)) if parts.status.is_success() => v,
                _ => return Response::from_parts(parts, Body::from(bytes)),
            };
            value["warnings"] = serde_json::json!([{
                "title": "Sandbox warning",
                "details": "Injected by the sandbox's `warnings` fault.",
            }]);
            let body = serde_json::to_vec(&value).unwrap_or_default();
            parts.headers.remove(header::CONTENT_LENGTH);
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            if let Fault::WarningsWithStatus(status) = fault {
                parts.status = StatusCode::from_u16(status).unwrap_or(parts.status);
            }
            Response::from_parts(parts, Body::from(body))
        }
        Fault::Maintenance => {
            let mut res = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "Currently in maintenance mode.",
            )
            .into_response();
            res.headers_mut().insert(
                MAINTENANCE_HEADER.0,
                HeaderValue::from_static(MAINTENANCE_HEADER.1),
            );
            res
        }
        Fault::Delay(delay) => {
            let res = next.run(req).await;
            tokio::time::sleep(delay).await;
            res
        }
        Fault::TruncatedBody => {
            let (mut parts, body) = next.run(req).await.into_parts();
            let Ok(bytes) = to_bytes(body, MAX_RESPONSE).await else {
                return ApiError::new(StatusCode::BAD_GATEWAY, "Bad Gateway").into_response();
            };
            let half = bytes.slice(..bytes.len() / 2);
            parts
                .headers
                .insert(header::CONTENT_LENGTH, half.len().into());
            Response::from_parts(parts, Body::from(half))
        }
        Fault::CloseMidResponse => {
            let (mut parts, body) = next.run(req).await.into_parts();
            let Ok(bytes) = to_bytes(body, MAX_RESPONSE).await else {
                return ApiError::new(StatusCode::BAD_GATEWAY, "Bad Gateway").into_response();
            };
            // Announce the whole length, send half, then fail the stream: the server aborts
            // the connection with the response incomplete.
            parts
                .headers
                .insert(header::CONTENT_LENGTH, bytes.len().into());
            let half = bytes.slice(..bytes.len() / 2);
            // The pause lets the server flush the headers and the first half before failing.
            let failure = async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "connection closed by fault injection",
                ))
            };
            let chunks = stream::iter([Ok(half)]).chain(stream::once(failure));
            Response::from_parts(parts, Body::from_stream(chunks))
        }
    }
}

fn status_answer(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = match status {
        StatusCode::TOO_MANY_REQUESTS => "Too Many Requests",
        other => other.canonical_reason().unwrap_or("Request failed"),
    };
    let mut res = ApiError::new(status, reason).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        ratelimit::set_headers(res.headers_mut(), 1, 0, Duration::from_secs(1));
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    res
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(at: std::time::SystemTime) -> String {
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::OffsetDateTime::from(at)
        .format(&fmt)
        .unwrap_or_default()
}

fn html_bad_gateway() -> Response {
    const PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
        <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>proxy</center>\r\n</body>\r\n</html>\r\n";
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, "text/html")],
        PAGE,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_from_text() {
        let rule: FaultRule = "GET /linode/instances 502 x3".parse().unwrap();
        assert_eq!(
            rule,
            FaultRule::new(Method::GET, "/linode/instances", Fault::Status(502)).times(3)
        );
        let rule: FaultRule = "* /linode/** slow=250ms every=4".parse().unwrap();
        assert_eq!(
            rule,
            FaultRule::any_method("/linode/**", Fault::Delay(Duration::from_millis(250))).every(4)
        );
        for (text, fault) in [
            ("html502", Fault::HtmlBadGateway),
            ("maintenance", Fault::Maintenance),
            ("truncate", Fault::TruncatedBody),
            ("close", Fault::CloseMidResponse),
            ("slow=2s", Fault::Delay(Duration::from_secs(2))),
            ("429", Fault::Status(429)),
            ("warnings", Fault::Warnings),
            ("warnings=299", Fault::WarningsWithStatus(299)),
        ] {
            assert_eq!(text.parse::<Fault>(), Ok(fault));
        }
        for bad in [
            "GET /x",
            "GET x 502",
            "GET /x 200",
            "GET /x 502 y3",
            "GET /x 502 every=0",
            "GET /x slow=2h",
            "GET /x warnings=404",
            "G\u{0}T /x 502",
        ] {
            assert!(bad.parse::<FaultRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rules_fire_the_given_number_of_times_in_order() {
        let mut faults = Faults::default();
        faults.add(FaultRule::new(Method::GET, "/regions", Fault::Status(502)).times(2));
        faults.add(FaultRule::any_method("/regions", Fault::Status(503)).every(2));
        let mut seen = Vec::new();
        for _ in 0..6 {
            seen.push(faults.take(&Method::GET, "/regions"));
        }
        let s = |n| Some(Fault::Status(n));
        assert_eq!(seen, [s(502), s(502), None, s(503), None, s(503)]);
        assert_eq!(faults.take(&Method::GET, "/images"), None);
        faults.clear();
        assert_eq!(faults.take(&Method::GET, "/regions"), None);
    }
}
