//! Configuration from the environment.

use crate::client::{Client, ClientBuilder};
use crate::error::{Error, Result};

/// The token, read by [`Client::from_env`].
pub const ENV_TOKEN: &str = "LINODE_TOKEN";
/// The API host (optionally ending in `/v4` or `/v4beta`).
pub const ENV_API_URL: &str = "LINODE_API_URL";
/// `v4` or `v4beta`.
pub const ENV_API_VERSION: &str = "LINODE_API_VERSION";
/// Path of a PEM file holding an extra certificate authority to trust.
pub const ENV_CA: &str = "LINODE_CA";

impl Client {
    /// A client configured from `LINODE_TOKEN` (required), `LINODE_API_URL`,
    /// `LINODE_API_VERSION` and `LINODE_CA`.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_lookup(|name| std::env::var(name).ok())?.build()
    }
}

impl ClientBuilder {
    /// A builder configured from the environment (see [`Client::from_env`]), to adjust further.
    pub fn from_env() -> Result<ClientBuilder> {
        ClientBuilder::from_lookup(|name| std::env::var(name).ok())
    }

    /// A builder configured from the variables `lookup` returns.
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
        let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let token =
            set(ENV_TOKEN).ok_or_else(|| Error::Config(format!("{ENV_TOKEN} is not set")))?;
        let mut builder = Client::builder(token);
        if let Some(version) = set(ENV_API_VERSION) {
            builder = builder.api_version(version.trim().parse()?);
        }
        if let Some(url) = set(ENV_API_URL) {
            builder = builder.base_url(url.trim());
        }
        if let Some(path) = set(ENV_CA) {
            let pem = std::fs::read(&path)
                .map_err(|e| Error::Config(format!("cannot read {ENV_CA} file {path:?}: {e}")))?;
            builder = builder.ca_certificate_pem(pem);
        }
        Ok(builder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<Client> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ClientBuilder::from_lookup(|name| map.get(name).cloned())?.build()
    }

    #[test]
    fn reads_url_and_version() {
        let c = from(&[
            (ENV_TOKEN, "t"),
            (ENV_API_URL, "http://127.0.0.1:4000"),
            (ENV_API_VERSION, "v4beta"),
        ])
        .unwrap();
        assert_eq!(c.root(), "http://127.0.0.1:4000/v4beta");
        let c = from(&[(ENV_TOKEN, "t"), (ENV_API_URL, "http://localhost:4000/v4/")]).unwrap();
        assert_eq!(c.root(), "http://localhost:4000/v4");
        let c = from(&[(ENV_TOKEN, "t")]).unwrap();
        assert_eq!(c.root(), "https://api.linode.com/v4");
    }

    #[test]
    fn says_what_is_wrong() {
        let err = from(&[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "configuration error: LINODE_TOKEN is not set"
        );
        let err = from(&[(ENV_TOKEN, "t"), (ENV_API_VERSION, "v3")]).unwrap_err();
        assert!(err.to_string().contains("api_version"), "{err}");
        let err = from(&[(ENV_TOKEN, "t"), (ENV_CA, "/nonexistent/ca.pem")]).unwrap_err();
        assert!(err.to_string().contains("LINODE_CA"), "{err}");
        let err = from(&[(ENV_TOKEN, "t"), (ENV_CA, "/etc/hostname")]).unwrap_err();
        assert!(err.to_string().contains("PEM"), "{err}");
    }
}
