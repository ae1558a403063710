//! Rate limiting as the API does it: fixed windows per route, `429 Too Many Requests` with
//! `Retry-After`, and `X-RateLimit-Limit`, `-Remaining` and `-Reset` on every limited route.
//!
//! Off by default, so tests run at full speed. [`RateLimit::published`] holds the limits the
//! API documents; [`crate::Sandbox::set_rate_limit`] adds one of your own.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! use linode_sandbox::{Method, RateLimit, Sandbox};
//! let sandbox = Sandbox::start().await?;
//! sandbox.set_rate_limit(RateLimit::new(Method::POST, "/linode/instances", 10, Duration::from_secs(30)));
//! # Ok(()) }
//! ```

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::strip_version;
use crate::error::ApiError;
use crate::faults::path_matches;
use crate::routes::AppState;

/// At most `limit` requests per `window` to the routes a method and path pattern match (see
/// [`path_matches`] for patterns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    method: Option<Method>,
    path: String,
    limit: u32,
    window: Duration,
}

impl RateLimit {
    /// A limit on requests of `method` to paths matching `path`.
    pub fn new(method: Method, path: impl Into<String>, limit: u32, window: Duration) -> Self {
        RateLimit {
            method: Some(method),
            ..RateLimit::any_method(path, limit, window)
        }
    }

    /// A limit on requests of any method to paths matching `path` (`*` for all).
    pub fn any_method(path: impl Into<String>, limit: u32, window: Duration) -> Self {
        RateLimit {
            method: None,
            path: path.into(),
            limit: limit.max(1),
            window: window.max(Duration::from_millis(1)),
        }
    }

    /// The limits the API publishes today (`data/rate_limits.json`): 1,600 requests per
    /// minute in all; paginated lists 200 per minute; Linode creation 20 per 15 s; the image
    /// list 20 per minute; stats 50 per minute.
    pub fn published() -> Vec<RateLimit> {
        const PUBLISHED: &str = include_str!("../data/rate_limits.json");
        let table: serde_json::Value =
            serde_json::from_str(PUBLISHED).expect("data/rate_limits.json is JSON");
        RateLimit::table(&table).expect("data/rate_limits.json is a table of limits")
    }

    /// Reads `{"limits": [{"method", "path", "limit", "window_seconds"}, ...]}` (the format of
    /// `data/rate_limits.json`, `--rate-limits-file` and `PUT /sandbox/rate-limits`); an error
    /// names the field at fault, such as `limits[2].limit`, and why.
    pub fn table(table: &serde_json::Value) -> Result<Vec<RateLimit>, (String, String)> {
        let items = table["limits"]
            .as_array()
            .ok_or_else(|| ("limits".to_owned(), "Must be an array of limits".to_owned()))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| RateLimit::entry(i, item))
            .collect()
    }

    fn entry(i: usize, item: &serde_json::Value) -> Result<RateLimit, (String, String)> {
        let fail = |name: &str, reason: &str| (format!("limits[{i}].{name}"), reason.to_owned());
        let path = item["path"]
            .as_str()
            .filter(|p| p.starts_with('/') || *p == "*")
            .ok_or_else(|| fail("path", "Must be a path starting with /"))?;
        let limit = item["limit"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| fail("limit", "Must be a whole number above 0"))?;
        let window = item["window_seconds"]
            .as_f64()
            .filter(|s| s.is_finite() && *s > 0.0)
            .ok_or_else(|| fail("window_seconds", "Must be a number above 0"))?;
        let window = Duration::from_secs_f64(window);
        match item["method"].as_str().unwrap_or("*") {
            "*" => Ok(RateLimit::any_method(path, limit, window)),
            method => {
                let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                    .map_err(|_| fail("method", "Not an HTTP method"))?;
                Ok(RateLimit::new(method, path, limit, window))
            }
        }
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method.as_ref().is_none_or(|m| m == method) && path_matches(&self.path, path)
    }
}

#[derive(Debug)]
struct Counter {
    rule: RateLimit,
    /// Start of the current window: the first request counted in it.
    window_start: Option<Instant>,
    used: u32,
}

impl Counter {
    /// Time left in the current window (starting a new one when it is over).
    fn roll(&mut self, now: Instant) -> Duration {
        let start = match self.window_start {
            Some(start) if now.duration_since(start) < self.rule.window => start,
            _ => {
                self.used = 0;
                *self.window_start.insert(now)
            }
        };
        self.rule.window - now.duration_since(start)
    }
}

/// What the limiter decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may go on.
    pub allowed: bool,
    /// The limit of the tightest matching rule.
    pub limit: u32,
    /// Requests left in its window after this one.
    pub remaining: u32,
    /// Time until its window ends.
    pub reset_in: Duration,
}

/// The active limits and their counters.
#[derive(Debug, Default)]
pub struct RateLimiter {
    counters: Vec<Counter>,
}

impl RateLimiter {
    /// Adds a limit, replacing one with the same method and path.
    pub fn set(&mut self, rule: RateLimit) {
        self.counters
            .retain(|c| !(c.rule.method == rule.method && c.rule.path == rule.path));
        self.counters.push(Counter {
            rule,
            window_start: None,
            used: 0,
        });
    }

    /// Removes every limit.
    pub fn clear(&mut self) {
        self.counters.clear();
    }

    /// Counts a request against every matching limit, unless one of them is exhausted.
    /// `None` when no limit applies.
    pub fn check(&mut self, method: &Method, path: &str, now: Instant) -> Option<Decision> {
        let mut matching: Vec<&mut Counter> = self
            .counters
            .iter_mut()
            .filter(|c| c.rule.matches(method, path))
            .collect();
        if matching.is_empty() {
            return None;
        }
        let resets: Vec<Duration> = matching.iter_mut().map(|c| c.roll(now)).collect();
        if let Some(i) = matching.iter().position(|c| c.used >= c.rule.limit) {
            return Some(Decision {
                allowed: false,
                limit: matching[i].rule.limit,
                remaining: 0,
                reset_in: resets[i],
            });
        }
        for c in matching.iter_mut() {
            c.used += 1;
        }
        let tightest = (0..matching.len())
            .min_by_key(|&i| matching[i].rule.limit - matching[i].used)
            .unwrap_or(0);
        Some(Decision {
            allowed: true,
            limit: matching[tightest].rule.limit,
            remaining: matching[tightest].rule.limit - matching[tightest].used,
            reset_in: resets[tightest],
        })
    }
}

/// Sets `X-RateLimit-Limit`, `-Remaining` and `-Reset` (epoch seconds, rounded up).
pub(crate) fn set_headers(headers: &mut HeaderMap, limit: u32, remaining: u32, reset_in: Duration) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let reset = (now + reset_in).as_secs_f64().ceil() as u64;
    headers.insert("x-ratelimit-limit", limit.into());
    headers.insert("x-ratelimit-remaining", remaining.into());
    headers.insert("x-ratelimit-reset", reset.into());
}

/// Middleware: answers 429 once a matching limit is used up, and adds the rate-limit headers
/// to the answers of limited routes.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let decision = match strip_version(req.uri().path()) {
        Some(path) => state
            .rate_limits()
            .check(req.method(), path, Instant::now()),
        None => None,
    };
    let Some(decision) = decision else {
        return next.run(req).await;
    };
    let mut res = if decision.allowed {
        next.run(req).await
    } else {
        let mut res =
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response();
        let retry_after = decision.reset_in.as_secs_f64().ceil().max(1.0) as u64;
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        res
    };
    set_headers(
        res.headers_mut(),
        decision.limit,
        decision.remaining,
        decision.reset_in,
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_the_limit_then_refuses_until_it_ends() {
        let mut limiter = RateLimiter::default();
        let start = Instant::now();
        limiter.set(RateLimit::new(
            Method::POST,
            "/linode/instances",
            2,
            Duration::from_secs(10),
        ));
        let post = |l: &mut RateLimiter, at: u64| {
            l.check(
                &Method::POST,
                "/linode/instances",
                start + Duration::from_secs(at),
            )
            .unwrap()
        };
        assert_eq!(post(&mut limiter, 0).remaining, 1);
        assert_eq!(post(&mut limiter, 1).remaining, 0);
        let refused = post(&mut limiter, 2);
        assert!(!refused.allowed);
        assert!(refused.reset_in <= Duration::from_secs(8));
        assert!(post(&mut limiter, 11).allowed, "a new window");
        assert_eq!(
            limiter.check(&Method::GET, "/linode/instances", start),
            None
        );
    }

    #[test]
    fn the_tightest_matching_limit_wins() {
        let mut limiter = RateLimiter::default();
        let now = Instant::now();
        for rule in RateLimit::published() {
            limiter.set(rule);
        }
        let d = limiter
            .check(&Method::POST, "/linode/instances", now)
            .unwrap();
        assert_eq!((d.limit, d.remaining), (20, 19));
        let d = limiter.check(&Method::GET, "/images", now).unwrap();
        assert_eq!((d.limit, d.remaining), (20, 19));
        let d = limiter
            .check(&Method::GET, "/linode/instances/1/stats", now)
            .unwrap();
        assert_eq!((d.limit, d.remaining), (50, 49));
        let d = limiter.check(&Method::GET, "/account", now).unwrap();
        assert_eq!((d.limit, d.remaining), (1600, 1596));
    }
}
