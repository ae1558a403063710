//! `/iam`: Identity and Access. Three parts, one sub-module each: [`roles`] (the role catalog
//! and users' role assignments), [`delegation`] (parent and child accounts) and [`idp`] (SAML
//! single sign-on configuration, served under `/v4` and `/v4beta` alike like every route).
//!
//! Users are those of `/account/users`; "the caller" is the profile's user (the sandbox's
//! tokens all act as that user for these operations).

mod delegation;
mod idp;
mod roles;

use axum::Router;
use serde_json::Value;

use super::AppState;
use crate::account::USERNAME;
use crate::store::Store;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .merge(roles::routes())
        .merge(delegation::routes())
        .merge(idp::routes())
}

/// The user `username` of `/account/users`, if any.
fn user<'s>(store: &'s Store, username: &str) -> Option<&'s Value> {
    store.user(username)
}

/// The username of the caller (the profile's user).
fn caller(store: &Store) -> String {
    store.profile()["username"]
        .as_str()
        .unwrap_or(USERNAME)
        .to_owned()
}

/// The caller's numeric user id (`uid` of the profile).
fn caller_uid(store: &Store) -> u64 {
    store.profile()["uid"].as_u64().unwrap_or_default()
}
