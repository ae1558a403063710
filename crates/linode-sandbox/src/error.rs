//! The API's error envelope: `{"errors":[{"reason":"...","field":"..."}]}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One entry of the `errors` array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorItem {
    /// Human readable explanation.
    pub reason: String,
    /// The request field the error is about, if any (may be a dotted path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answer: an HTTP status plus one or more [`ErrorItem`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status of the answer (always 4xx for client mistakes).
    pub status: StatusCode,
    /// The entries of the `errors` array.
    pub errors: Vec<ErrorItem>,
}

#[derive(Serialize)]
struct Envelope<'a> {
    errors: &'a [ErrorItem],
}

impl ApiError {
    /// An error with a single reason and no field.
    pub fn new(status: StatusCode, reason: impl Into<String>) -> Self {
        ApiError {
            status,
            errors: vec![ErrorItem {
                reason: reason.into(),
                field: None,
            }],
        }
    }

    /// 400 with a reason and no field.
    pub fn bad_request(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, reason)
    }

    /// 400 about one request field.
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            errors: vec![ErrorItem {
                reason: reason.into(),
                field: Some(field.into()),
            }],
        }
    }

    /// 400 built from several field errors (`(field, reason)` pairs).
    pub fn fields(errors: Vec<(String, String)>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            errors: errors
                .into_iter()
                .map(|(field, reason)| ErrorItem {
                    reason,
                    field: Some(field),
                })
                .collect(),
        }
    }

    /// 404 `Not found`.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found")
    }

    /// 401 `Invalid Token`.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Invalid Token")
    }

    /// 405 for a known path called with an unsupported method.
    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
    }

    /// 400 for a request body that is not a JSON object.
    pub fn invalid_json() -> Self {
        Self::bad_request("Invalid JSON")
    }

    /// The JSON body of this error.
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(Envelope {
            errors: &self.errors,
        })
        .unwrap_or_else(|_| serde_json::json!({"errors": [{"reason": "Internal error"}]}))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.status)?;
        for e in &self.errors {
            match &e.field {
                Some(field) => write!(f, "; {field}: {}", e.reason)?,
                None => write!(f, "; {}", e.reason)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}
