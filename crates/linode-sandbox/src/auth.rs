//! Bearer-token authentication.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::account::{Grant, TokenOwner, required_scope};
use crate::error::ApiError;
use crate::routes::AppState;

/// Request extension telling handlers whether the caller presented the valid token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authenticated(pub bool);

/// Catalog collections anyone may read without a token.
const PUBLIC_PREFIXES: &[&str] = &["/regions", "/linode/types", "/linode/kernels", "/images"];

/// The path after the `/v4` or `/v4beta` prefix, or `None` outside the API.
pub fn strip_version(path: &str) -> Option<&str> {
    ["/v4beta", "/v4"].iter().find_map(|prefix| {
        let rest = path.strip_prefix(prefix)?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    })
}

fn is_public(method: &Method, rest: &str) -> bool {
    (method == Method::GET || method == Method::HEAD)
        && PUBLIC_PREFIXES.iter().any(|p| {
            rest.strip_prefix(p)
                .is_some_and(|tail| tail.is_empty() || tail.starts_with('/'))
        })
}

/// The token presented as `Authorization: Bearer <token>`, if any.
pub fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?;
    let value = std::str::from_utf8(value.as_bytes()).ok()?;
    let mut parts = value.trim().splitn(2, ' ');
    let scheme = parts.next().unwrap_or_default();
    let presented = parts.next().unwrap_or_default().trim();
    (scheme.eq_ignore_ascii_case("bearer") && !presented.is_empty()).then_some(presented)
}

/// Request extension for authenticated callers: what their token may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's scopes (`*` for the sandbox's main token).
    pub grant: Grant,
    /// The user the token acts as, for tokens made with `POST /sandbox/tokens`: requests
    /// are then held to that user's grants when it is restricted.
    pub username: Option<String>,
}

/// The answer the API gives a token whose scopes do not cover the request.
pub fn scope_refused() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "Your OAuth token is not authorized to use this endpoint.",
    )
}

/// Middleware: rejects requests without a valid token (except public catalog reads) or whose
/// token's scopes do not cover them, and tells handlers who is calling.
///
/// Valid tokens are the sandbox's main token (all scopes) and the personal access tokens and
/// OAuth tokens it issued that are neither revoked nor expired (their own scopes).
pub async fn require_auth(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let (grant, username) = match bearer(&req) {
        None => (None, None),
        Some(token) if token == state.token => (Some(Grant::All), None),
        Some(token) => {
            let store = state.store();
            let now = store.clock.wall();
            match store.grant_of(token, now) {
                None => (None, None),
                Some(issued) => (
                    Some(issued.grant),
                    match issued.owner {
                        TokenOwner::User(name) => Some(name),
                        _ => None,
                    },
                ),
            }
        }
    };
    if let Some(rest) = strip_version(req.uri().path()) {
        let public = is_public(req.method(), rest);
        match &grant {
            None if !public => return ApiError::unauthorized().into_response(),
            Some(grant) if !public => {
                if let Some((families, level)) = required_scope(req.method().as_str(), rest) {
                    if !grant.allows(families, level) {
                        return scope_refused().into_response();
                    }
                }
            }
            _ => {}
        }
    }
    req.extensions_mut().insert(Authenticated(grant.is_some()));
    if let Some(grant) = grant {
        req.extensions_mut().insert(Caller { grant, username });
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_public_paths() {
        assert_eq!(strip_version("/v4/regions"), Some("/regions"));
        assert_eq!(strip_version("/v4beta/regions"), Some("/regions"));
        assert_eq!(strip_version("/v4"), Some(""));
        assert_eq!(strip_version("/v4x/regions"), None);
        assert!(is_public(&Method::GET, "/images/linode/debian12"));
        assert!(is_public(&Method::GET, "/linode/types"));
        assert!(!is_public(&Method::POST, "/images"));
        assert!(!is_public(&Method::GET, "/linode/instances"));
        assert!(!is_public(&Method::GET, "/regionsx"));
    }
}
