//! When a failed request is sent again, and how long to wait first.
//!
//! GET, PUT and DELETE are retried on 408, 429, 502, 503, 504 and on connections that failed or
//! were reset. POST is retried only when the request provably was not processed: a 429, or a
//! connection that could not be opened. Any other POST failure after sending becomes
//! [`Error::Indeterminate`]: it may or may not have been applied, and retrying could create a
//! second object.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use reqwest::header::HeaderMap;

use crate::error::Error;

/// How failed requests are retried: attempts, exponential backoff with jitter, and a bound on
/// the total time spent.
///
/// ```
/// use std::time::Duration;
/// use linode::RetryPolicy;
/// let patient = RetryPolicy::default().max_attempts(8).max_elapsed(Duration::from_secs(300));
/// let never = RetryPolicy::none();
/// assert_eq!(never.attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, backoff from 250 ms doubling up to 8 s, at most 60 s in all.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry; it doubles at each retry, with jitter.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between two attempts chosen by backoff (a longer `Retry-After` from the
    /// API is still obeyed, within `max_elapsed`).
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The most time spent on one call, waits included; no retry starts past it.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Attempts in all.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff before retry number `retry` (1 for the first), jittered: between half and
    /// all of the exponential value.
    fn backoff(&self, retry: u32) -> Duration {
        let exponential = self
            .initial_backoff
            .saturating_mul(1u32 << (retry - 1).min(20));
        let ceiling = exponential.min(self.max_backoff);
        let half = ceiling / 2;
        half + half.mul_f64(rand::random::<f64>())
    }

    /// Whether to retry after `failure` on attempt `attempt`, and after how long.
    pub(crate) fn decide(
        &self,
        method: &Method,
        failure: &Failure,
        attempt: u32,
        elapsed: Duration,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts || !failure.cause.retryable(method) {
            return None;
        }
        let wait = self
            .backoff(attempt)
            .max(failure.wait_hint.unwrap_or_default());
        (elapsed + wait <= self.max_elapsed).then_some(wait)
    }
}

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    /// The API (or a proxy) answered with this error status.
    Status(u16),
    /// No connection could be made: the request was never sent.
    NotSent,
    /// The connection failed after the request was sent (reset, closed mid-response).
    Broken,
    /// No answer in time.
    Timeout,
    /// The API is down for maintenance (a 503 with `X-Maintenance-Mode`): it lasts longer than
    /// any retry budget, and nothing was applied.
    Maintenance,
}

impl Cause {
    fn retryable(self, method: &Method) -> bool {
        match self {
            Cause::NotSent => true,
            Cause::Status(429) => true,
            _ if !is_idempotent(method) => false,
            Cause::Status(408 | 502 | 503 | 504) | Cause::Broken => true,
            _ => false,
        }
    }

    /// Whether a request of `method` that failed this way may have been applied by the API.
    pub(crate) fn maybe_applied(self, method: &Method) -> bool {
        !is_idempotent(method)
            && matches!(
                self,
                Cause::Status(408 | 500 | 502 | 503 | 504) | Cause::Broken | Cause::Timeout
            )
    }
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// A failed attempt: the error to report, why it failed, and how long the API asked to wait.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: Error,
    pub(crate) cause: Cause,
    pub(crate) wait_hint: Option<Duration>,
}

impl Failure {
    pub(crate) fn new(error: Error, cause: Cause) -> Self {
        Failure {
            error,
            cause,
            wait_hint: None,
        }
    }
}

/// The longest wait a hint may ask for: beyond it the hint is nonsense (and any sensible
/// retry budget is spent anyway).
const MAX_HINT: Duration = Duration::from_secs(3600);

/// How long the API asks to wait after answering `status`: `Retry-After` (seconds or an HTTP
/// date) or `X-RateLimit-Reset` (epoch seconds), whichever is later. Only a 429 or a 503 asks
/// to wait; negative, past or unreadable values are ignored and long ones clamped.
pub(crate) fn wait_hint(status: u16, headers: &HeaderMap) -> Option<Duration> {
    if !matches!(status, 429 | 503) {
        return None;
    }
    let text = |name: &str| Some(headers.get(name)?.to_str().ok()?.trim().to_owned());
    let now = SystemTime::now();
    let retry_after = text("retry-after").and_then(|v| {
        if let Ok(seconds) = v.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if v.parse::<i64>().is_ok() {
            return None; // negative
        }
        httpdate::parse_http_date(&v).ok()?.duration_since(now).ok()
    });
    let reset = text("x-ratelimit-reset")
        .and_then(|v| u64::try_from(v.parse::<i64>().ok()?).ok())
        .and_then(|epoch| {
            let since_epoch = now.duration_since(UNIX_EPOCH).ok()?;
            Duration::from_secs(epoch).checked_sub(since_epoch)
        });
    retry_after
        .into_iter()
        .chain(reset)
        .max()
        .map(|wait| wait.min(MAX_HINT))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(cause: Cause) -> Failure {
        Failure::new(Error::invalid("x", "y"), cause)
    }

    #[test]
    fn idempotent_methods_retry_on_transient_failures_only() {
        let p = RetryPolicy::default();
        for status in [408, 429, 502, 503, 504] {
            assert!(
                p.decide(
                    &Method::GET,
                    &failure(Cause::Status(status)),
                    1,
                    Duration::ZERO
                )
                .is_some()
            );
            assert!(
                p.decide(
                    &Method::PUT,
                    &failure(Cause::Status(status)),
                    1,
                    Duration::ZERO
                )
                .is_some()
            );
            assert!(
                p.decide(
                    &Method::DELETE,
                    &failure(Cause::Status(status)),
                    1,
                    Duration::ZERO
                )
                .is_some()
            );
        }
        for status in [400, 401, 404, 500] {
            assert!(
                p.decide(
                    &Method::GET,
                    &failure(Cause::Status(status)),
                    1,
                    Duration::ZERO
                )
                .is_none()
            );
        }
        assert!(
            p.decide(&Method::GET, &failure(Cause::Broken), 1, Duration::ZERO)
                .is_some()
        );
        assert!(
            p.decide(&Method::GET, &failure(Cause::Timeout), 1, Duration::ZERO)
                .is_none()
        );
    }

    #[test]
    fn post_retries_only_when_not_processed() {
        let p = RetryPolicy::default();
        assert!(
            p.decide(
                &Method::POST,
                &failure(Cause::Status(429)),
                1,
                Duration::ZERO
            )
            .is_some()
        );
        assert!(
            p.decide(&Method::POST, &failure(Cause::NotSent), 1, Duration::ZERO)
                .is_some()
        );
        for cause in [
            Cause::Status(502),
            Cause::Status(503),
            Cause::Status(504),
            Cause::Broken,
            Cause::Timeout,
        ] {
            assert!(
                p.decide(&Method::POST, &failure(cause), 1, Duration::ZERO)
                    .is_none()
            );
            assert!(cause.maybe_applied(&Method::POST));
            assert!(!cause.maybe_applied(&Method::GET));
        }
        assert!(!Cause::Status(400).maybe_applied(&Method::POST));
    }

    #[test]
    fn attempts_and_total_time_are_bounded() {
        let p = RetryPolicy::default()
            .max_attempts(3)
            .max_elapsed(Duration::from_secs(10));
        let f = failure(Cause::Status(503));
        assert!(p.decide(&Method::GET, &f, 2, Duration::ZERO).is_some());
        assert!(p.decide(&Method::GET, &f, 3, Duration::ZERO).is_none());
        let slow = Failure {
            wait_hint: Some(Duration::from_secs(30)),
            ..failure(Cause::Status(429))
        };
        assert!(
            p.decide(&Method::GET, &slow, 1, Duration::ZERO).is_none(),
            "a wait past the budget is not started"
        );
        assert!(
            RetryPolicy::none()
                .decide(&Method::GET, &f, 1, Duration::ZERO)
                .is_none()
        );
    }

    #[test]
    fn backoff_grows_with_jitter_and_obeys_the_api_hint() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(1000));
        for retry in 1..=6 {
            let ceiling =
                Duration::from_millis(100 * (1 << (retry - 1))).min(Duration::from_millis(1000));
            let b = p.backoff(retry);
            assert!(b >= ceiling / 2 && b <= ceiling, "retry {retry}: {b:?}");
        }
        let hinted = Failure {
            wait_hint: Some(Duration::from_secs(3)),
            ..failure(Cause::Status(429))
        };
        assert_eq!(
            p.decide(&Method::GET, &hinted, 1, Duration::ZERO),
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn hints_come_from_retry_after_or_the_reset_time() {
        let mut h = HeaderMap::new();
        assert_eq!(wait_hint(429, &h), None);
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(wait_hint(429, &h), Some(Duration::from_secs(7)));
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        h.insert("x-ratelimit-reset", (now + 20).to_string().parse().unwrap());
        let hint = wait_hint(503, &h).unwrap();
        assert!(
            hint > Duration::from_secs(18) && hint <= Duration::from_secs(20),
            "{hint:?}"
        );
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, value.parse().unwrap());
        }
        h
    }

    #[test]
    fn only_a_429_or_a_503_asks_to_wait() {
        let h = headers(&[("retry-after", "5")]);
        for status in [200, 202, 400, 500, 502, 504] {
            assert_eq!(wait_hint(status, &h), None, "{status}");
        }
        assert_eq!(wait_hint(503, &h), Some(Duration::from_secs(5)));
    }

    #[test]
    fn retry_after_may_be_an_http_date() {
        let at = SystemTime::now() + Duration::from_secs(30);
        let h = headers(&[("retry-after", &httpdate::fmt_http_date(at))]);
        let hint = wait_hint(429, &h).unwrap();
        assert!(
            hint > Duration::from_secs(27) && hint <= Duration::from_secs(30),
            "{hint:?}"
        );
        // A date in the past asks for no wait.
        let h = headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]);
        assert_eq!(wait_hint(429, &h), None);
    }

    #[test]
    fn nonsense_hints_are_ignored_or_clamped() {
        for value in ["-1", "soon", "", "1.5"] {
            let h = headers(&[("retry-after", value), ("x-ratelimit-reset", "-1")]);
            assert_eq!(wait_hint(429, &h), None, "{value:?}");
        }
        let h = headers(&[("retry-after", "18446744073709551615")]);
        assert_eq!(wait_hint(429, &h), Some(MAX_HINT));
        // Clamped, a huge hint still ends the retries instead of overflowing.
        let f = Failure {
            wait_hint: wait_hint(429, &h),
            ..failure(Cause::Status(429))
        };
        assert_eq!(
            RetryPolicy::default().decide(&Method::GET, &f, 1, Duration::ZERO),
            None
        );
    }

    #[test]
    fn maintenance_is_never_retried_nor_maybe_applied() {
        let f = failure(Cause::Maintenance);
        for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            assert!(
                RetryPolicy::default()
                    .decide(&method, &f, 1, Duration::ZERO)
                    .is_none()
            );
            assert!(!Cause::Maintenance.maybe_applied(&method));
        }
    }
}
