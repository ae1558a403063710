//! Errors: what went wrong, where, and whether the request reached the API.

use std::fmt;

use serde::Deserialize;

/// The result type of every fallible call in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One entry of the API's error envelope: `{"errors": [{"field": ..., "reason": ...}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FieldError {
    /// The request field the error is about (may be a dotted path), when the API names one.
    #[serde(default)]
    pub field: Option<String>,
    /// Why the API refused the request.
    #[serde(default)]
    pub reason: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// Everything that can go wrong when talking to the API.
///
/// Errors never contain the token: requests carry it in a header, and no header is ever copied
/// into an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status and its error envelope.
    #[error("{method} {path} failed with {status}: {}", join(errors))]
    Api {
        /// HTTP status code.
        status: u16,
        /// HTTP method of the request.
        method: String,
        /// Path of the request, relative to the API version root (e.g. `/linode/instances/123`).
        path: String,
        /// Every `{field, reason}` of the envelope, in order.
        errors: Vec<FieldError>,
    },
    /// The API answered, but the body was not what this client expected (an HTML page from a
    /// proxy, truncated JSON, a value of the wrong type).
    #[error(
        "{method} {path}: unexpected response with status {status}: {reason}{} (body starts: {body_excerpt:?})",
        json_path.as_ref().map(|p| format!(" at `{p}`")).unwrap_or_default()
    )]
    UnexpectedResponse {
        /// HTTP status code.
        status: u16,
        /// HTTP method of the request.
        method: String,
        /// Path of the request.
        path: String,
        /// The first bytes of the body, lossily decoded as UTF-8.
        body_excerpt: String,
        /// The JSON path at which decoding failed, when the body was JSON.
        json_path: Option<String>,
        /// What the decoder said.
        reason: String,
    },
    /// The API is down for maintenance (503 with `X-Maintenance-Mode`). Nothing was applied,
    /// and retrying soon will not help: maintenance outlasts any retry budget, so the client
    /// returns this at once.
    #[error("{method} {path}: the API is in maintenance: {}", join(errors))]
    Maintenance {
        /// The method of the request.
        method: String,
        /// The path of the request.
        path: String,
        /// What the API said.
        errors: Vec<FieldError>,
    },
    /// The request did not complete in the configured time. It may or may not have been applied.
    #[error("{method} {path}: timed out")]
    Timeout {
        /// HTTP method of the request.
        method: String,
        /// Path of the request.
        path: String,
    },
    /// The request could not be sent or its answer could not be read (DNS, connection refused,
    /// reset, TLS).
    #[error("{method} {path}: transport error: {source}")]
    Transport {
        /// HTTP method of the request.
        method: String,
        /// Path of the request.
        path: String,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// A request that is not safe to repeat (a POST) failed after it was sent: the API may or
    /// may not have applied it. Check (for example by listing) before trying again.
    #[error(
        "{method} {path}: the request may or may not have been applied ({cause}); check before retrying"
    )]
    Indeterminate {
        /// HTTP method of the request.
        method: String,
        /// Path of the request.
        path: String,
        /// What went wrong.
        #[source]
        cause: Box<Error>,
    },
    /// A wait reached its deadline before the state it waited for.
    #[error("timed out after {waited:?} waiting for {what} (last seen: {last_state})")]
    WaitTimeout {
        /// What was awaited.
        what: String,
        /// The last state seen.
        last_state: String,
        /// How long it waited.
        waited: std::time::Duration,
    },
    /// The event of an action ended in failure.
    #[error("{event} failed")]
    EventFailed {
        /// The failed event.
        event: Box<crate::events::Event>,
    },
    /// An argument was refused before any request was sent.
    #[error("invalid argument `{field}`: {reason}")]
    InvalidArgument {
        /// The argument at fault.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The client could not be configured (a bad base URL, an unreadable CA file, ...).
    #[error("configuration error: {0}")]
    Config(String),
    /// [`PaginatedList::only`](crate::PaginatedList::only) found zero or several items.
    #[error("expected exactly one item, found {found}")]
    NotExactlyOne {
        /// How many items the collection holds.
        found: usize,
    },
    /// A collection changed size while its pages were being read, so the items gathered so far
    /// no longer form a consistent list.
    #[error("{path}: the collection changed while paging (had {expected} results, now {found})")]
    CollectionChanged {
        /// Path of the collection.
        path: String,
        /// Result count reported by the first page.
        expected: usize,
        /// Result count reported by a later page.
        found: usize,
    },
}

fn join(errors: &[FieldError]) -> String {
    if errors.is_empty() {
        return "no reason given".to_owned();
    }
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::UnexpectedResponse { status, .. } => Some(*status),
            Error::Maintenance { .. } => Some(503),
            _ => None,
        }
    }

    /// Whether the same request could succeed if sent again later (rate limits, gateway errors,
    /// broken connections, timeouts). The client already retries these where it is safe.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::Indeterminate { .. } | Error::Maintenance { .. } => false,
            _ => matches!(self.status(), Some(408 | 429 | 502 | 503 | 504)),
        }
    }

    /// Whether the API is down for maintenance (see [`Error::Maintenance`]).
    ///
    /// ```
    /// # fn demo(err: linode::Error) {
    /// if err.is_maintenance() {
    ///     eprintln!("Linode is in maintenance; try again later");
    /// }
    /// # }
    /// ```
    pub fn is_maintenance(&self) -> bool {
        matches!(self, Error::Maintenance { .. })
    }

    /// Whether the API said the object does not exist (404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The API's field errors, empty unless this is [`Error::Api`].
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Api { errors, .. } | Error::Maintenance { errors, .. } => errors,
            _ => &[],
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
