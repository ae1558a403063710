//! Bearer-token authentication.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

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

/// Whether the `Authorization` header carries `Bearer <token>`.
pub fn bearer_matches(req: &Request, token: &str) -> bool {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return false;
    };
    let Ok(value) = std::str::from_utf8(value.as_bytes()) else {
        return false;
    };
    let mut parts = value.trim().splitn(2, ' ');
    let scheme = parts.next().unwrap_or_default();
    let presented = parts.next().unwrap_or_default().trim();
    scheme.eq_ignore_ascii_case("bearer") && !presented.is_empty() && presented == token
}

/// Middleware: rejects requests without the valid token (except public catalog reads)
/// and tells handlers whether the caller is authenticated.
pub async fn require_auth(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let ok = bearer_matches(&req, &state.token);
    if !ok {
        if let Some(rest) = strip_version(req.uri().path()) {
            if !is_public(req.method(), rest) {
                return ApiError::unauthorized().into_response();
            }
        }
    }
    req.extensions_mut().insert(Authenticated(ok));
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
