//! Reading and checking request bodies field by field: every problem is collected with the
//! field it is about and answered as one 400.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde_json::{Map, Value};

use crate::catalog::catalog;
use crate::error::ApiError;
use crate::store::Table;

/// The field errors found in one request body.
#[derive(Debug, Default)]
pub(super) struct Checks(Vec<(String, String)>);

impl Checks {
    /// Records a problem with `field`.
    pub(super) fn add(&mut self, field: &str, reason: impl Into<String>) {
        self.0.push((field.to_owned(), reason.into()));
    }

    /// Whether no problem was found so far.
    pub(super) fn ok(&self) -> bool {
        self.0.is_empty()
    }

    /// `value` when no problem was found, otherwise the 400 naming every field at fault.
    pub(super) fn finish<T>(self, value: T) -> Result<T, ApiError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::fields(self.0))
        }
    }

    /// The problems found, to be reported under a prefix by an enclosing body's checks.
    pub(super) fn into_errors(self) -> Vec<(String, String)> {
        self.0
    }

    /// A required field: present and not `null`.
    pub(super) fn require(&mut self, body: &Map<String, Value>, key: &str) -> bool {
        if body.get(key).is_none_or(Value::is_null) {
            self.add(key, format!("{key} is required"));
            false
        } else {
            true
        }
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
            self.add(key, format!("{key} must be one of {}", allowed.join(", ")));
            None
        }
    }

    /// An optional boolean.
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

    /// An optional integer within `min..=max`.
    pub(super) fn integer(
        &mut self,
        body: &Map<String, Value>,
        key: &str,
        min: u64,
        max: u64,
    ) -> Option<u64> {
        match body.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64() {
                Some(n) if (min..=max).contains(&n) => Some(n),
                _ => {
                    self.add(key, format!("{key} must be an integer from {min} to {max}"));
                    None
                }
            },
        }
    }

    /// An optional array of strings.
    pub(super) fn strings(&mut self, body: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
        match body.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            Some(_) => {
                self.add(key, format!("{key} must be an array of strings"));
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

    /// An optional non-negative integer.
    pub(super) fn unsigned(&mut self, body: &Map<String, Value>, key: &str) -> Option<u64> {
        match body.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => v.as_u64().or_else(|| {
                self.add(key, format!("{key} must be a non-negative integer"));
                None
            }),
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

    /// Optional tags: each 3 to 50 characters.
    pub(super) fn tags(&mut self, body: &Map<String, Value>) -> Option<Vec<String>> {
        let tags = self.strings(body, "tags")?;
        if tags.iter().any(|t| !(3..=50).contains(&t.chars().count())) {
            self.add("tags", "Length must be 3-50 characters");
            return None;
        }
        Some(tags)
    }

    /// An optional JSON object.
    pub(super) fn object<'a>(
        &mut self,
        body: &'a Map<String, Value>,
        key: &str,
    ) -> Option<&'a Map<String, Value>> {
        match body.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(map),
            Some(_) => {
                self.add(key, format!("{key} must be an object"));
                None
            }
        }
    }

    /// An optional array (of anything).
    pub(super) fn array(&mut self, body: &Map<String, Value>, key: &str) {
        if !matches!(
            body.get(key),
            None | Some(Value::Null) | Some(Value::Array(_))
        ) {
            self.add(key, format!("{key} must be an array"));
        }
    }

    /// An optional label of the shape `shape` accepts, unique among the objects of `table`
    /// (object `own` may keep its own); `taken` is the reason given when another has it.
    pub(super) fn unique_label(
        &mut self,
        body: &Map<String, Value>,
        table: &Table,
        own: Option<u64>,
        shape: fn(&str) -> Result<(), &'static str>,
        taken: &str,
    ) -> Option<String> {
        let label = self.string(body, "label")?;
        if let Err(reason) = shape(&label) {
            self.add("label", reason);
            return None;
        }
        let clash = table
            .values()
            .any(|v| v["label"] == label.as_str() && v["id"].as_u64() != own);
        if clash {
            self.add("label", taken);
            return None;
        }
        Some(label)
    }

    /// A required `region` of the catalog that offers `capability` (such as `VPCs`);
    /// `unavailable` is the reason given when it does not.
    pub(super) fn region_offering(
        &mut self,
        body: &Map<String, Value>,
        capability: &str,
        unavailable: &str,
    ) -> Option<String> {
        let region = self.required(body, "region")?;
        let Some(info) = catalog().region(&region) else {
            self.add("region", "Region not found");
            return None;
        };
        let offered = info["capabilities"]
            .as_array()
            .is_some_and(|caps| caps.iter().any(|c| c == capability));
        if !offered {
            self.add("region", unavailable);
            return None;
        }
        Some(region)
    }

    /// An optional display group: at most 50 characters.
    pub(super) fn group(&mut self, body: &Map<String, Value>) -> Option<String> {
        let group = self.string(body, "group")?;
        if group.chars().count() > 50 {
            self.add("group", "Length must be 0-50 characters");
        }
        Some(group)
    }
}

/// An IPv4 address in the private range NodeBalancers reach backends on (192.168.0.0/16).
pub(super) fn is_private_v4(ip: &Ipv4Addr) -> bool {
    ip.octets()[..2] == [192, 168]
}

/// Whether `text` is an IPv4 or IPv6 address.
pub(super) fn is_ip(text: &str) -> bool {
    text.parse::<IpAddr>().is_ok()
}

/// Whether `text` is an IPv4 address.
pub(super) fn is_ipv4(text: &str) -> bool {
    text.parse::<Ipv4Addr>().is_ok()
}

/// Whether `text` is an IPv6 address.
pub(super) fn is_ipv6(text: &str) -> bool {
    text.parse::<Ipv6Addr>().is_ok()
}

/// Whether `text` is a host name: dot-separated labels of letters, digits, `-` and `_`
/// (1-63 characters each, not starting or ending with `-`), at most 253 characters, an
/// optional trailing dot, and a leading `*.` when `wildcard` is allowed.
pub(super) fn is_hostname(text: &str, wildcard: bool) -> bool {
    let text = text.strip_suffix('.').unwrap_or(text);
    let text = match text.strip_prefix("*.") {
        Some(rest) if wildcard => rest,
        _ => text,
    };
    !text.is_empty()
        && text.len() <= 253
        && text.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// Whether `text` is a domain the DNS manager accepts: a host name of at least two labels
/// whose last label is 2-16 letters (or an `xn--` label).
pub(super) fn is_domain_name(text: &str) -> bool {
    if !is_hostname(text, true) || text.ends_with('.') {
        return false;
    }
    let labels: Vec<&str> = text.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && ((2..=16).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_alphabetic())
            || tld.starts_with("xn--") && tld.len() > 4)
}

/// Whether `text` looks like an email address (`local@domain.tld`).
pub(super) fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !local.contains(char::is_whitespace)
                && !domain.contains('@')
                && is_domain_name(domain)
        }
        None => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_addresses() {
        assert!(is_domain_name("example.org"));
        assert!(is_domain_name("a.b.example.co"));
        assert!(!is_domain_name("example"));
        assert!(!is_domain_name("exa mple.org"));
        assert!(!is_domain_name("-bad.org"));
        assert!(!is_domain_name("example.o"));
        assert!(is_hostname("mail.example.org.", false));
        assert!(!is_hostname("*.example.org", false));
        assert!(is_hostname("*.example.org", true));
        assert!(is_email("admin@example.org"));
        assert!(!is_email("admin.example.org"));
        assert!(!is_email("a@b@example.org"));
        assert!(is_private_v4(&"192.168.1.2".parse().unwrap()));
        assert!(!is_private_v4(&"10.0.0.1".parse().unwrap()));
        assert!(is_ipv4("203.0.113.9") && !is_ipv4("2001:db8::1"));
        assert!(is_ipv6("2001:db8::1") && is_ip("2001:db8::1"));
    }
}
