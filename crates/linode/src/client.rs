//! The [`Client`], its builder, and the one request pipeline every call goes through.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::{DeserializeOwned, DeserializeSeed};
use tracing::Instrument;

use crate::error::{Error, FieldError, Result};
use crate::model::Resource;
use crate::retry::{Cause, Failure, RetryPolicy, wait_hint};

/// The API's production host.
pub const DEFAULT_BASE_URL: &str = "https://api.linode.com";

/// The production root of the metrics host, which serves
/// `POST /monitor/services/{serviceType}/metrics` (see
/// [`MonitorGroup::metrics`](crate::api::monitor::MonitorGroup::metrics)).
pub const DEFAULT_MONITOR_URL: &str = "https://monitor-api.linode.com/v2beta";

const DEFAULT_PAGE_SIZE: u32 = 100;
const DEFAULT_PAGE_CONCURRENCY: usize = 4;
/// Unless told otherwise, `collect_all` fetches all the remaining pages of a list at once when
/// there are at most this many: one burst of them stays far below the API's limit on list
/// requests (200 a minute), and the list arrives in about the time of one page.
pub(crate) const BURST_PAGES: usize = 24;
const DEFAULT_VOLATILE_TTL: Duration = Duration::from_secs(15);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const BODY_EXCERPT_CHARS: usize = 200;

/// Which version root of the API to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersion {
    /// `/v4`, the stable API.
    #[default]
    V4,
    /// `/v4beta`, with features in beta.
    V4Beta,
}

impl ApiVersion {
    /// The path segment: `v4` or `v4beta`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V4 => "v4",
            ApiVersion::V4Beta => "v4beta",
        }
    }
}

impl std::str::FromStr for ApiVersion {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "v4" => Ok(ApiVersion::V4),
            "v4beta" => Ok(ApiVersion::V4Beta),
            other => Err(Error::invalid(
                "api_version",
                format!("{other:?} is not v4 or v4beta"),
            )),
        }
    }
}

/// A handle on the Linode API. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn demo() -> linode::Result<()> {
/// let client = linode::Client::new("my-token")?;
/// for region in client.regions().list().await?.collect_all().await? {
///     println!("{} ({})", region.id, region.country);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// `https://api.linode.com/v4`, without a trailing slash.
    root: String,
    /// `https://api.linode.com`: the root without its version, for requests that choose
    /// their own ([`Request::api_version`]).
    host: String,
    /// `host` parsed once, with the paths of `root` and of `host` on it (`/v4` and nothing,
    /// or `/proxy/v4` and `/proxy`): a request's URL is this one with its path set, instead of
    /// its whole text parsed again (scheme, host and all) on every request. `None` when `host`
    /// has a query or a fragment, which a path cannot simply follow.
    host_url: Option<(reqwest::Url, String, String)>,
    /// `Bearer <token>`, built once and marked sensitive (never shown by `Debug`).
    authorization: HeaderValue,
    /// The metrics host's root, such as `https://monitor-api.linode.com/v2beta`, without a
    /// trailing slash.
    monitor_root: String,
    user_agent: String,
    /// `user_agent` as a header value, built once.
    user_agent_header: HeaderValue,
    page_size: u32,
    page_concurrency: usize,
    /// Whether `page_concurrency` was set, so that short lists are not fetched all at once.
    page_concurrency_set: bool,
    volatile_ttl: Duration,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("root", &self.inner.root)
            .field("monitor_root", &self.inner.monitor_root)
            .field("token", &"[redacted]")
            .field("user_agent", &self.inner.user_agent)
            .field("page_size", &self.inner.page_size)
            .field("page_concurrency", &self.inner.page_concurrency)
            .field("volatile_ttl", &self.inner.volatile_ttl)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl Client {
    /// A client for the production API with default settings.
    pub fn new(token: impl Into<String>) -> Result<Client> {
        Client::builder(token).build()
    }

    /// A builder to set the base URL, API version, timeouts, page size and more.
    pub fn builder(token: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(token)
    }

    /// The API root requests are sent to, such as `https://api.linode.com/v4`.
    pub fn root(&self) -> &str {
        &self.inner.root
    }

    /// The root of the metrics host, such as `https://monitor-api.linode.com/v2beta`.
    pub fn monitor_root(&self) -> &str {
        &self.inner.monitor_root
    }

    /// Sends `request` (its path relative to the metrics host's root) to the metrics host,
    /// with `token` (a per-service token, not the client's) as bearer; once, as the answer of
    /// a read is cheap to ask for again.
    pub(crate) async fn send_to_monitor<T: DeserializeOwned>(
        &self,
        request: &Request,
        token: &SecretString,
    ) -> Result<T> {
        let mut authorization =
            HeaderValue::try_from(format!("Bearer {}", token.expose_secret().trim())).map_err(
                |_| Error::invalid("token", "holds characters that cannot be sent in a header"),
            )?;
        authorization.set_sensitive(true);
        let span =
            tracing::debug_span!("linode.monitor", method = %request.method, path = %request.path);
        async {
            let mut builder = self
                .inner
                .http
                .request(
                    request.method.clone(),
                    format!("{}{}", self.inner.monitor_root, request.path),
                )
                .header(AUTHORIZATION, authorization)
                .header(USER_AGENT, self.inner.user_agent_header.clone());
            if let Some(body) = &request.body {
                builder = builder
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let response = builder
                .send()
                .await
                .map_err(|e| transport(request, e).error)?;
            let status = response.status().as_u16();
            let body = response
                .bytes()
                .await
                .map_err(|e| transport(request, e).error)?;
            if !(200..300).contains(&status) {
                return Err(api_error(request, status, &body));
            }
            decode(request, status, &body)
        }
        .instrument(span)
        .await
    }

    /// The page size list requests ask for unless told otherwise.
    pub fn page_size(&self) -> u32 {
        self.inner.page_size
    }

    /// How many pages [`PaginatedList::collect_all`](crate::PaginatedList::collect_all) fetches at once.
    ///
    /// Unless it was set ([`ClientBuilder::page_concurrency`]), a list with at most 24 pages
    /// left after the first is fetched all at once instead (one burst far below the API's
    /// limit of 200 list requests a minute).
    pub fn page_concurrency(&self) -> usize {
        self.inner.page_concurrency
    }

    /// The concurrency set on the builder, if it was set.
    pub(crate) fn page_concurrency_set(&self) -> Option<usize> {
        self.inner
            .page_concurrency_set
            .then_some(self.inner.page_concurrency)
    }

    /// How long a volatile field stays fresh in a [`Lazy`](crate::Lazy) handle.
    pub fn volatile_ttl(&self) -> Duration {
        self.inner.volatile_ttl
    }

    /// Loads one object by id now; a missing object is an [`Error::Api`] with status 404.
    pub async fn load<T: Resource>(&self, id: T::Id) -> Result<T> {
        self.send(Request::get(T::path(&id))).await
    }

    /// Sends a request and decodes its JSON answer: the escape hatch for endpoints this crate
    /// does not model yet.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::{Path, Request};
    /// let account: serde_json::Value = client.send(Request::get(Path::new("/account"))).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send<T: DeserializeOwned>(&self, request: Request) -> Result<T> {
        let response = self.execute(&request).await?;
        decode(&request, response.status, &response.body)
    }

    /// Like [`send`](Client::send), and also returns the status and the warnings the API
    /// attached to its answer.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::{Path, Request};
    /// let request = Request::post(Path::new("/linode/instances/123/reboot"), &serde_json::json!({}))?;
    /// let answer = client.send_full::<serde_json::Value>(request).await?;
    /// for warning in &answer.warnings {
    ///     eprintln!("{}: {}", warning.title, warning.details);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn send_full<T: DeserializeOwned>(&self, request: Request) -> Result<Answer<T>> {
        let response = self.execute(&request).await?;
        Ok(Answer {
            value: decode(&request, response.status, &response.body)?,
            status: response.status,
            warnings: response.warnings,
        })
    }

    /// Sends a request whose answer may be `204 No Content` (nothing to say, such as the grants
    /// of an unrestricted user): `None` then, the decoded answer otherwise.
    pub(crate) async fn send_optional<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Option<T>> {
        let response = self.execute(&request).await?;
        if response.status == 204 || response.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        decode(&request, response.status, &response.body).map(Some)
    }

    /// Sends a request for a list page and decodes its JSON answer with `seed`, which reads the
    /// page's `warnings` itself (see [`PageSeed`](crate::pagination::PageSeed)): the body is not
    /// scanned for them first (on a page of 500 items, about 2% of its decode).
    pub(crate) async fn send_seed<S, V>(&self, request: Request, seed: S) -> Result<V>
    where
        S: for<'de> DeserializeSeed<'de, Value = V> + Clone,
    {
        let response = self.execute_with(&request, WarningScan::InDecode).await?;
        decode_seed(&request, response.status, &response.body, seed)
    }

    /// Sends a request whose successful answer is raw bytes (an image), and returns them.
    pub(crate) async fn send_bytes(&self, request: Request) -> Result<bytes::Bytes> {
        Ok(self.execute(&request).await?.body)
    }

    /// Sends a request whose successful answer carries nothing (the API's `{}`), and drops
    /// that answer.
    pub(crate) async fn send_empty(&self, request: Request) -> Result<()> {
        self.send::<serde::de::IgnoredAny>(request).await?;
        Ok(())
    }

    /// `PUT`s `body` to a URL the API handed out rather than to the API (an image's
    /// `upload_to`): without the token, which must not leave for another host, and once. The
    /// URL's query (its signature) never appears in errors or traces.
    pub(crate) async fn put_to_url(&self, url: &SecretString, body: bytes::Bytes) -> Result<()> {
        let url = url.expose_secret();
        let shown = url.split(['?', '#']).next().unwrap_or_default().to_owned();
        let request = Request::new(reqwest::Method::PUT, Path::from_encoded(shown));
        let span = tracing::debug_span!("linode.upload", path = %request.path, bytes = body.len());
        async {
            let response = self
                .inner
                .http
                .put(url)
                .header(USER_AGENT, self.inner.user_agent_header.clone())
                .header(CONTENT_TYPE, "application/octet-stream")
                .body(body)
                .send()
                .await
                .map_err(|e| transport(&request, e).error)?;
            let status = response.status().as_u16();
            let answer = response
                .bytes()
                .await
                .map_err(|e| transport(&request, e).error)?;
            if (200..300).contains(&status) {
                Ok(())
            } else {
                Err(api_error(&request, status, &answer))
            }
        }
        .instrument(span)
        .await
    }

    /// Sends a request, retrying as the [`RetryPolicy`] allows, and returns its successful
    /// response or the last error.
    async fn execute(&self, request: &Request) -> Result<RawResponse> {
        self.execute_with(request, WarningScan::Body).await
    }

    /// [`execute`](Client::execute), saying where the answer's warnings are read.
    async fn execute_with(&self, request: &Request, scan: WarningScan) -> Result<RawResponse> {
        let started = tokio::time::Instant::now();
        let mut attempt = 1;
        loop {
            let failure = match self.attempt(request, attempt, scan).await {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            let policy = &self.inner.retry;
            match policy.decide(&request.method, &failure, attempt, started.elapsed()) {
                Some(wait) => {
                    tracing::info!(
                        method = %request.method, path = %request.path, attempt,
                        wait_ms = wait.as_millis() as u64, error = %failure.error,
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                None if failure.cause.maybe_applied(&request.method) => {
                    return Err(Error::Indeterminate {
                        method: request.method.to_string(),
                        path: request.path.clone(),
                        cause: Box::new(failure.error),
                    });
                }
                None => return Err(failure.error),
            }
        }
    }

    /// The URL of `request`: under the client's root, or under the version it chose. The
    /// client's parsed root with the request's path set (what the whole URL's text would parse
    /// to, without parsing its scheme and host again); the text only for a path that carries
    /// its own query or fragment.
    fn url(&self, request: &Request) -> Result<reqwest::Url, String> {
        let path = request.path.as_str();
        if let Some((base, root_path, host_path)) = &self.inner.host_url
            && !path.contains(['?', '#'])
        {
            let mut url = base.clone();
            let mut full = String::with_capacity(root_path.len() + 8 + path.len());
            match request.version {
                Some(version) => {
                    full.push_str(host_path);
                    full.push('/');
                    full.push_str(version.as_str());
                }
                None => full.push_str(root_path),
            }
            full.push_str(path);
            url.set_path(&full);
            return Ok(url);
        }
        Err(match request.version {
            Some(version) => format!("{}/{}{}", self.inner.host, version.as_str(), request.path),
            None => format!("{}{}", self.inner.root, request.path),
        })
    }

    /// Sends one attempt of a request.
    async fn attempt(
        &self,
        request: &Request,
        attempt: u32,
        scan: WarningScan,
    ) -> Result<RawResponse, Failure> {
        let span = tracing::debug_span!(
            "linode.request",
            method = %request.method,
            path = %request.path,
            attempt,
            status = tracing::field::Empty,
        );
        async {
            // The clock is read only for a subscriber that will see the `answered` event.
            let started = tracing::enabled!(tracing::Level::DEBUG).then(std::time::Instant::now);
            let http = &self.inner.http;
            let mut builder = match self.url(request) {
                Ok(url) => http.request(request.method.clone(), url),
                Err(text) => http.request(request.method.clone(), text),
            }
            .header(AUTHORIZATION, self.inner.authorization.clone())
            .header(USER_AGENT, self.inner.user_agent_header.clone());
            if !request.query.is_empty() {
                builder = builder.query(&request.query);
            }
            if let Some(filter) = &request.filter {
                builder = builder.header("X-Filter", filter);
            }
            if let Some(body) = &request.body {
                let content_type = request.content_type.as_deref();
                builder = builder
                    .header(CONTENT_TYPE, content_type.unwrap_or("application/json"))
                    .body(body.clone());
            }
            let response = builder.send().await.map_err(|e| transport(request, e))?;
            let status = response.status().as_u16();
            tracing::Span::current().record("status", status);
            log_warning_header(response.headers());
            let success = (200..300).contains(&status);
            let hint = wait_hint(status, response.headers());
            let maintenance = status == 503 && response.headers().contains_key(MAINTENANCE_HEADER);
            let body = response.bytes().await.map_err(|e| transport(request, e))?;
            if let Some(started) = started {
                tracing::debug!(
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "answered"
                );
            }
            if maintenance {
                let errors = match api_error(request, status, &body) {
                    Error::Api { errors, .. } => errors,
                    _ => Vec::new(),
                };
                let error = Error::Maintenance {
                    method: request.method.to_string(),
                    path: request.path.clone(),
                    errors,
                };
                return Err(Failure::new(error, Cause::Maintenance));
            }
            if !success {
                let mut failure =
                    Failure::new(api_error(request, status, &body), Cause::Status(status));
                failure.wait_hint = hint;
                return Err(failure);
            }
            let warnings = match scan {
                WarningScan::Body => body_warnings(&body),
                WarningScan::InDecode => Vec::new(),
            };
            Ok(RawResponse {
                status,
                body,
                warnings,
            })
        }
        .instrument(span)
        .await
    }
}

/// Where the `warnings` of a successful answer are read.
#[derive(Debug, Clone, Copy)]
enum WarningScan {
    /// From the body, before it is decoded (see [`body_warnings`]).
    Body,
    /// By the decoder itself, in the same pass (list pages).
    InDecode,
}

struct RawResponse {
    status: u16,
    body: bytes::Bytes,
    warnings: Vec<ApiWarning>,
}

/// The header the API sets on answers given during maintenance.
const MAINTENANCE_HEADER: &str = "x-maintenance-mode";

/// A warning the API attached to a successful answer (`{"warnings": [{"title", "details"}]}`,
/// with a 200, 202 or 299): the request was applied, but something deserves attention.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct ApiWarning {
    /// A short summary.
    #[serde(default, deserialize_with = "crate::model::null_default")]
    pub title: String,
    /// The details.
    #[serde(default, deserialize_with = "crate::model::null_default")]
    pub details: String,
}

/// A decoded answer with what came with it: see [`Client::send_full`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Answer<T> {
    /// The decoded body.
    pub value: T,
    /// The HTTP status (200, 202, 299, ...).
    pub status: u16,
    /// The API's warnings, if any (each is also a `WARN` tracing event).
    pub warnings: Vec<ApiWarning>,
}

fn transport(request: &Request, error: reqwest::Error) -> Failure {
    let (method, path) = (request.method.to_string(), request.path.clone());
    let cause = if error.is_connect() {
        Cause::NotSent
    } else if error.is_timeout() {
        Cause::Timeout
    } else {
        Cause::Broken
    };
    let error = if cause == Cause::Timeout {
        Error::Timeout { method, path }
    } else {
        // Drop the URL from the error: it is already in `path`, and a caller-supplied base URL
        // could carry credentials.
        Error::Transport {
            method,
            path,
            source: error.without_url(),
        }
    };
    Failure::new(error, cause)
}

fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(BODY_EXCERPT_CHARS)
        .collect()
}

pub(crate) fn api_error(request: &Request, status: u16, body: &[u8]) -> Error {
    #[derive(serde::Deserialize)]
    struct Envelope {
        errors: Vec<FieldError>,
    }
    match serde_json::from_slice::<Envelope>(body) {
        Ok(envelope) => Error::Api {
            status,
            method: request.method.to_string(),
            path: request.path.clone(),
            errors: envelope.errors,
        },
        Err(e) => unexpected(request, status, body, None, e.to_string()),
    }
}

fn unexpected(
    request: &Request,
    status: u16,
    body: &[u8],
    json_path: Option<String>,
    reason: String,
) -> Error {
    Error::UnexpectedResponse {
        status,
        method: request.method.to_string(),
        path: request.path.clone(),
        body_excerpt: excerpt(body),
        json_path,
        reason,
    }
}

/// Decodes a successful body, naming the JSON path where it failed.
pub(crate) fn decode<T: DeserializeOwned>(
    request: &Request,
    status: u16,
    body: &[u8],
) -> Result<T> {
    decode_seed(request, status, body, std::marker::PhantomData::<T>)
}

/// Like [`decode`], with a seed that carries what the decoding needs to know (such as how many
/// items a page holds).
pub(crate) fn decode_seed<S, V>(request: &Request, status: u16, body: &[u8], seed: S) -> Result<V>
where
    S: for<'de> DeserializeSeed<'de, Value = V> + Clone,
{
    // The hot path decodes straight from the bytes with no bookkeeping; only a body that fails
    // is decoded a second time, tracking the path, to say where it failed. The body is checked
    // to be UTF-8 once, as a whole, so that the parser can take it as text: from bytes it would
    // check every string and key on its own, which cost a sixth of decoding a page.
    let parsed = match std::str::from_utf8(body) {
        Ok(text) => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            seed.clone()
                .deserialize(&mut deserializer)
                .and_then(|value| deserializer.end().map(|()| value))
        }
        Err(_) => {
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            seed.clone()
                .deserialize(&mut deserializer)
                .and_then(|value| deserializer.end().map(|()| value))
        }
    };
    match parsed {
        Ok(value) => Ok(value),
        Err(fast) => Err(explain_decode_failure(request, status, body, seed, fast)),
    }
}

/// The error for a body that did not decode, naming the JSON path where it failed.
#[cold]
fn explain_decode_failure<S>(
    request: &Request,
    status: u16,
    body: &[u8],
    seed: S,
    fast: serde_json::Error,
) -> Error
where
    S: for<'de> DeserializeSeed<'de>,
{
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(&mut deserializer, &mut track);
    match seed.deserialize(tracked) {
        Err(e) => {
            let path = track.path().to_string();
            unexpected(request, status, body, Some(path), e.to_string())
        }
        // Trailing characters after a valid value: there is no path to name.
        Ok(_) => unexpected(request, status, body, None, fast.to_string()),
    }
}

fn log_warning_header(headers: &HeaderMap) {
    for warning in headers.get_all(reqwest::header::WARNING) {
        tracing::warn!(warning = %String::from_utf8_lossy(warning.as_bytes()), "API warning");
    }
}

/// The `warnings` of a successful body, each also a `WARN` tracing event. A quick scan for the
/// key comes first, so that pages without warnings (nearly all) are not parsed twice.
fn body_warnings(body: &[u8]) -> Vec<ApiWarning> {
    #[derive(serde::Deserialize)]
    struct Warnings {
        #[serde(default, deserialize_with = "crate::model::null_default")]
        warnings: Vec<ApiWarning>,
    }
    // The searcher is built once: building it cost as much as searching a 1 KB body.
    static KEY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"warnings\""));
    if KEY.find(body).is_none() {
        return Vec::new();
    }
    let found = serde_json::from_slice::<Warnings>(body)
        .map(|w| w.warnings)
        .unwrap_or_default();
    log_warnings(&found);
    found
}

/// Each warning of a successful answer as a `WARN` tracing event.
pub(crate) fn log_warnings(warnings: &[ApiWarning]) {
    for w in warnings {
        tracing::warn!(title = %w.title, details = %w.details, "API warning");
    }
}

/// A path relative to the API version root, such as `/linode/instances/123`, whose dynamic
/// segments are percent-encoded.
///
/// ```
/// use linode::Path;
/// assert_eq!(Path::new("/images").segment("linode/debian12").as_str(), "/images/linode%2Fdebian12");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path(String);

/// Everything but unreserved characters is encoded in a segment (`/` included).
pub(crate) const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

impl Path {
    /// A fixed path, taken as written (it must start with `/`).
    pub fn new(fixed: &str) -> Path {
        Path(fixed.to_owned())
    }

    /// Appends one segment, percent-encoded.
    pub fn segment(mut self, segment: impl fmt::Display) -> Path {
        self.0.push('/');
        Path::push_segment(&mut self.0, &segment.to_string());
        self
    }

    /// Appends `text` percent-encoded as one segment (`/` included) to `path`.
    pub(crate) fn push_segment(path: &mut String, text: &str) {
        path.extend(percent_encoding::utf8_percent_encode(text, SEGMENT));
    }

    /// A path already encoded.
    pub(crate) fn from_encoded(path: String) -> Path {
        Path(path)
    }

    /// Appends a fixed part, taken as written (such as `disks` or `/boot`).
    pub fn join(mut self, fixed: &str) -> Path {
        if !fixed.starts_with('/') {
            self.0.push('/');
        }
        self.0.push_str(fixed);
        self
    }

    /// The encoded path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One API request as a plain value: it can be built and inspected without a network, then
/// given to [`Client::send`]. Its `Debug` output leaves the body out (it may hold a password).
#[derive(Clone)]
pub struct Request {
    /// HTTP method.
    pub method: reqwest::Method,
    /// Path relative to the API version root.
    pub path: String,
    /// Query parameters.
    pub query: Vec<(&'static str, String)>,
    /// The `X-Filter` header, as JSON text.
    pub filter: Option<String>,
    /// The body: JSON unless [`content_type`](Self::content_type) says otherwise.
    pub body: Option<Vec<u8>>,
    /// The body's media type when it is not JSON (a file upload's `multipart/form-data`).
    pub content_type: Option<String>,
    /// The API version this request goes to, whatever the client's: for fields that exist
    /// only under `/v4beta` (`None`: the client's version).
    pub version: Option<ApiVersion>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("filter", &self.filter)
            .field("content_type", &self.content_type)
            .field("version", &self.version)
            .field(
                "body",
                &self.body.as_ref().map(|b| format!("<{} bytes>", b.len())),
            )
            .finish()
    }
}

impl Request {
    /// A request with no body.
    pub fn new(method: reqwest::Method, path: Path) -> Request {
        Request {
            method,
            path: path.0,
            query: Vec::new(),
            filter: None,
            body: None,
            content_type: None,
            version: None,
        }
    }

    /// Sends this request to `version` of the API whatever the client's version.
    pub fn api_version(mut self, version: ApiVersion) -> Request {
        self.version = Some(version);
        self
    }

    /// A `GET`.
    pub fn get(path: Path) -> Request {
        Request::new(reqwest::Method::GET, path)
    }

    /// A `DELETE`.
    pub fn delete(path: Path) -> Request {
        Request::new(reqwest::Method::DELETE, path)
    }

    /// A `POST` with a JSON body.
    pub fn post(path: Path, body: &impl Serialize) -> Result<Request> {
        Request::new(reqwest::Method::POST, path).json(body)
    }

    /// A `PUT` with a JSON body.
    pub fn put(path: Path, body: &impl Serialize) -> Result<Request> {
        Request::new(reqwest::Method::PUT, path).json(body)
    }

    /// Sets the JSON body.
    pub fn json(mut self, body: &impl Serialize) -> Result<Request> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::invalid("body", e.to_string()))?;
        self.body = Some(bytes);
        self.content_type = None;
        Ok(self)
    }

    /// Sets a body that is not JSON, of media type `content_type`.
    pub(crate) fn raw_body(mut self, content_type: String, body: Vec<u8>) -> Request {
        self.body = Some(body);
        self.content_type = Some(content_type);
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: &'static str, value: impl fmt::Display) -> Request {
        self.query.push((name, value.to_string()));
        self
    }

    /// The body as text, if any.
    pub fn body_text(&self) -> Option<&str> {
        self.body
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok())
    }
}

/// Builds a [`Client`]; every setting has a sane default.
pub struct ClientBuilder {
    token: SecretString,
    base_url: String,
    monitor_url: String,
    version: ApiVersion,
    user_agent_suffix: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    page_size: u32,
    page_concurrency: Option<usize>,
    volatile_ttl: Duration,
    http: Option<reqwest::Client>,
    ca_pem: Option<Vec<u8>>,
    allow_http: bool,
    retry: RetryPolicy,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &"[redacted]")
            .field("base_url", &self.base_url)
            .field("monitor_url", &self.monitor_url)
            .field("version", &self.version)
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    fn new(token: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            token: SecretString::from(token.into()),
            base_url: DEFAULT_BASE_URL.to_owned(),
            monitor_url: DEFAULT_MONITOR_URL.to_owned(),
            version: ApiVersion::V4,
            user_agent_suffix: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            page_size: DEFAULT_PAGE_SIZE,
            page_concurrency: None,
            volatile_ttl: DEFAULT_VOLATILE_TTL,
            http: None,
            ca_pem: None,
            allow_http: false,
            retry: RetryPolicy::default(),
        }
    }

    /// The API host, such as `https://api.linode.com` (the default) or a sandbox's URL. A
    /// trailing `/v4` or `/v4beta` is accepted and sets the version.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The root of the metrics host, with its version: `https://monitor-api.linode.com/v2beta`
    /// by default; a sandbox's URL followed by `/v2beta` in tests.
    ///
    /// ```
    /// let client = linode::Client::builder("my-token")
    ///     .monitor_base_url("https://monitor-api.linode.com/v2")
    ///     .build()?;
    /// assert_eq!(client.monitor_root(), "https://monitor-api.linode.com/v2");
    /// # Ok::<(), linode::Error>(())
    /// ```
    pub fn monitor_base_url(mut self, url: impl Into<String>) -> Self {
        self.monitor_url = url.into();
        self
    }

    /// `v4` (the default) or `v4beta`.
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.version = version;
        self
    }

    /// Text appended to the user agent, which is `linode-rs/<version>` by default.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// How long to wait for a connection (10 s by default).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one request may take in all (60 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The page size of list requests, 25..=500 (100 by default, as the API).
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size;
        self
    }

    /// How many pages `collect_all` fetches at once: by default 4, or all of them when at
    /// most 24 are left after the first; once set, always this many.
    pub fn page_concurrency(mut self, pages: usize) -> Self {
        self.page_concurrency = Some(pages);
        self
    }

    /// How long volatile fields stay fresh in a [`Lazy`](crate::Lazy) handle (15 s by default).
    pub fn volatile_ttl(mut self, ttl: Duration) -> Self {
        self.volatile_ttl = ttl;
        self
    }

    /// Use this `reqwest::Client` (its own timeouts and TLS settings then apply).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Trust this PEM certificate authority in addition to the usual roots.
    pub fn ca_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem = Some(pem.into());
        self
    }

    /// How failed requests are retried (see [`RetryPolicy`]; [`RetryPolicy::none`] turns it off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Allow a plain `http://` base URL on a host that is not loopback. Off by default: the
    /// token would travel in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        if !(25..=500).contains(&self.page_size) {
            return Err(Error::invalid(
                "page_size",
                format!("{} is not within 25..=500", self.page_size),
            ));
        }
        if self.page_concurrency == Some(0) {
            return Err(Error::invalid("page_concurrency", "must be at least 1"));
        }
        if self.token.expose_secret().trim().is_empty() {
            return Err(Error::invalid("token", "is empty"));
        }
        let (host, version) = split_version(&self.base_url, self.version);
        let url = url::Url::parse(host)
            .map_err(|e| Error::invalid("base_url", format!("{host:?} is not a URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http || is_loopback(&url) => {}
            "http" => {
                return Err(Error::invalid(
                    "base_url",
                    "plain http is only allowed for loopback hosts unless allow_insecure_http is set",
                ));
            }
            other => {
                return Err(Error::invalid(
                    "base_url",
                    format!("unsupported scheme {other:?}"),
                ));
            }
        }
        let monitor_root = self.monitor_url.trim_end_matches('/').to_owned();
        let monitor = url::Url::parse(&monitor_root).map_err(|e| {
            Error::invalid(
                "monitor_base_url",
                format!("{monitor_root:?} is not a URL: {e}"),
            )
        })?;
        match monitor.scheme() {
            "https" => {}
            "http" if self.allow_http || is_loopback(&monitor) => {}
            other => {
                return Err(Error::invalid(
                    "monitor_base_url",
                    format!("scheme {other:?} is not allowed for this host"),
                ));
            }
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder()
                    .use_rustls_tls()
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout);
                if let Some(pem) = &self.ca_pem {
                    let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                        Error::Config(format!("the CA certificate is not valid PEM: {e}"))
                    })?;
                    if certs.is_empty() {
                        return Err(Error::Config(
                            "the CA file holds no PEM certificate".to_owned(),
                        ));
                    }
                    for cert in certs {
                        builder = builder.add_root_certificate(cert);
                    }
                }
                builder
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let mut user_agent = format!("linode-rs/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = self.user_agent_suffix.filter(|s| !s.is_empty()) {
            user_agent.push(' ');
            user_agent.push_str(&suffix);
        }
        let mut authorization =
            HeaderValue::try_from(format!("Bearer {}", self.token.expose_secret().trim()))
                .map_err(|_| {
                    Error::invalid("token", "holds characters that cannot be sent in a header")
                })?;
        authorization.set_sensitive(true);
        let user_agent_header = HeaderValue::try_from(user_agent.as_str()).map_err(|_| {
            Error::invalid(
                "user_agent_suffix",
                "holds characters that cannot be sent in a header",
            )
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                root: format!("{}/{}", host.trim_end_matches('/'), version.as_str()),
                host: host.trim_end_matches('/').to_owned(),
                host_url: (url.query().is_none()
                    && url.fragment().is_none()
                    && !url.cannot_be_a_base())
                .then(|| {
                    let host_path = url.path().trim_end_matches('/').to_owned();
                    let root_path = format!("{host_path}/{}", version.as_str());
                    (url.clone(), root_path, host_path)
                }),
                authorization,
                monitor_root,
                user_agent,
                user_agent_header,
                page_size: self.page_size,
                page_concurrency: self.page_concurrency.unwrap_or(DEFAULT_PAGE_CONCURRENCY),
                page_concurrency_set: self.page_concurrency.is_some(),
                volatile_ttl: self.volatile_ttl,
                retry: self.retry,
            }),
        })
    }
}

/// Splits a trailing `/v4` or `/v4beta` off a base URL.
fn split_version(base: &str, default: ApiVersion) -> (&str, ApiVersion) {
    let trimmed = base.trim_end_matches('/');
    for version in [ApiVersion::V4Beta, ApiVersion::V4] {
        if let Some(host) = trimmed.strip_suffix(&format!("/{}", version.as_str())) {
            return (host, version);
        }
    }
    (trimmed, default)
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requests_debug_output_leaves_the_body_out() {
        let request = Request::post(
            Path::new("/linode/instances"),
            &serde_json::json!({"root_pass": "hunter2-secret"}),
        )
        .unwrap();
        let shown = format!("{request:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("body: Some(\"<30 bytes>\")"), "{shown}");
    }

    #[test]
    fn paths_encode_dynamic_segments_only() {
        let p = Path::new("/linode/instances")
            .segment(123)
            .join("disks")
            .segment("a b/c");
        assert_eq!(p.as_str(), "/linode/instances/123/disks/a%20b%2Fc");
    }

    #[test]
    fn a_requests_url_is_the_parsed_root_with_its_path_set() {
        let client = |base: &str| Client::builder("t").base_url(base).build().unwrap();
        let get = |path: &str| Request::get(Path::from_encoded(path.to_owned()));
        let plain = client("http://127.0.0.1:8080");
        let url = plain.url(&get("/linode/instances/1")).unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/v4/linode/instances/1");
        let beta = get("/images/linode%2Fdebian12").api_version(ApiVersion::V4Beta);
        let url = plain.url(&beta).unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:8080/v4beta/images/linode%2Fdebian12"
        );
        // Under a prefix, with the version in the base URL.
        let prefixed = client("http://127.0.0.1:8080/proxy/v4beta/");
        let url = prefixed.url(&get("/regions")).unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/proxy/v4beta/regions");
        let url = prefixed
            .url(&get("/regions").api_version(ApiVersion::V4))
            .unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/proxy/v4/regions");
        // Each is what parsing the whole text gives.
        for (c, r) in [(&plain, get("/a b/%41/./c/../d")), (&prefixed, get("/x"))] {
            let text = format!("{}{}", c.root(), r.path);
            assert_eq!(c.url(&r).unwrap(), reqwest::Url::parse(&text).unwrap());
        }
        // A path with its own query is left to be parsed whole.
        assert_eq!(
            plain.url(&get("/account?x=1")).unwrap_err(),
            "http://127.0.0.1:8080/v4/account?x=1"
        );
    }

    #[test]
    fn base_url_may_carry_the_version() {
        assert_eq!(
            split_version("http://x:1/v4beta/", ApiVersion::V4),
            ("http://x:1", ApiVersion::V4Beta)
        );
        assert_eq!(
            split_version("http://x:1", ApiVersion::V4Beta),
            ("http://x:1", ApiVersion::V4Beta)
        );
    }

    #[test]
    fn builder_refuses_bad_settings_with_the_field_named() {
        let err = Client::builder("t").page_size(10).build().unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { ref field, .. } if field == "page_size"),
            "{err}"
        );
        let err = Client::builder("t")
            .base_url("http://example.com")
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { ref field, .. } if field == "base_url"),
            "{err}"
        );
        assert!(
            Client::builder("t")
                .base_url("http://example.com")
                .allow_insecure_http(true)
                .build()
                .is_ok()
        );
        assert!(
            Client::builder("t")
                .base_url("http://127.0.0.1:9")
                .build()
                .is_ok()
        );
        assert!(
            Client::builder("t")
                .base_url("http://[::1]:9")
                .build()
                .is_ok()
        );
        let err = Client::builder(" ").build().unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "token"));
    }

    #[test]
    fn debug_never_shows_the_token() {
        let client = Client::builder("super-secret-token").build().unwrap();
        let shown = format!("{client:?} {:?}", Client::builder("super-secret-token"));
        assert!(!shown.contains("super-secret-token"), "{shown}");
        assert!(shown.contains("[redacted]"));
        assert_eq!(client.root(), "https://api.linode.com/v4");
    }
}
