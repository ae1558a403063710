//! Field checks for request bodies of the account, profile, Longview and support routes: each
//! problem becomes a `{field, reason}` entry of one 400 answer.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// Collected field errors of one request body.
#[derive(Debug, Default)]
pub(super) struct Checks(Vec<(String, String)>);

impl Checks {
    pub(super) fn add(&mut self, field: &str, reason: impl Into<String>) {
        self.0.push((field.to_owned(), reason.into()));
    }

    /// An optional string (`null` counts as absent).
    pub(super) fn string(&mut self, body: &Map<String, Value>, key: &str) -> Option<String> {
        match body.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.add(key, format!("{key} must be a string"));
                None
            }
        }
    }

    /// A string that must be present.
    pub(super) fn required(&mut self, body: &Map<String, Value>, key: &str) -> Option<String> {
        if body.get(key).is_none_or(Value::is_null) {
            self.add(key, format!("{key} is required"));
            return None;
        }
        self.string(body, key)
    }

    /// An optional string whose length (in characters) must be within `min..=max`.
    pub(super) fn sized(
        &mut self,
        body: &Map<String, Value>,
        key: &str,
        min: usize,
        max: usize,
    ) -> Option<String> {
        let value = self.string(body, key)?;
        self.length(key, &value, min, max).then_some(value)
    }

    /// Checks a length; false (with an error added) when out of range.
    pub(super) fn length(&mut self, key: &str, value: &str, min: usize, max: usize) -> bool {
        let n = value.chars().count();
        if (min..=max).contains(&n) {
            true
        } else {
            self.add(key, format!("Length must be {min}-{max} characters"));
            false
        }
    }

    pub(super) fn boolean(&mut self, body: &Map<String, Value>, key: &str) -> Option<bool> {
        match body.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.add(key, format!("{key} must be a boolean"));
                None
            }
        }
    }

    pub(super) fn integer(&mut self, body: &Map<String, Value>, key: &str) -> Option<u64> {
        match body.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => v.as_u64().or_else(|| {
                self.add(key, format!("{key} must be a non-negative integer"));
                None
            }),
        }
    }

    /// An optional string that must be one of `allowed`.
    pub(super) fn one_of(
        &mut self,
        body: &Map<String, Value>,
        key: &str,
        allowed: &[&str],
    ) -> Option<String> {
        let value = self.string(body, key)?;
        if allowed.contains(&value.as_str()) {
            Some(value)
        } else {
            self.add(key, format!("Must be one of {}", allowed.join(", ")));
            None
        }
    }

    /// An optional e-mail address.
    pub(super) fn email(&mut self, body: &Map<String, Value>, key: &str) -> Option<String> {
        let value = self.sized(body, key, 3, 128)?;
        let valid = value.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
        }) && !value.chars().any(char::is_whitespace);
        if valid {
            Some(value)
        } else {
            self.add(key, "Must be a valid email address");
            None
        }
    }

    /// `Ok(value)` when no error was found, else the 400 listing them all.
    pub(super) fn finish<T>(self, value: T) -> Result<T, ApiError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::fields(self.0))
        }
    }
}

/// Whether `text` is an absolute `http(s)` URL with a host.
pub(super) fn is_http_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    matches!(scheme, "http" | "https") && !host.is_empty() && !text.chars().any(char::is_whitespace)
}
