//! Configuration from the environment, or from the linode-cli configuration file and its
//! profiles.

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
/// Path of the linode-cli configuration file, when not the default `~/.config/linode-cli`.
pub const ENV_CLI_CONFIG: &str = "LINODE_CLI_CONFIG";

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

    /// A builder configured from the linode-cli configuration file (`$LINODE_CLI_CONFIG`, or
    /// `~/.config/linode-cli`): the `profile` named, else the file's `default-user`, else its only
    /// profile. A profile gives `token` and may give `api_host`, `api_scheme` and `api_version`
    /// (the `[DEFAULT]` section's values apply to every profile).
    pub fn from_cli_config(profile: Option<&str>) -> Result<ClientBuilder> {
        let path = match std::env::var_os(ENV_CLI_CONFIG) {
            Some(path) => std::path::PathBuf::from(path),
            None => std::env::home_dir()
                .ok_or_else(|| {
                    Error::Config(
                        "no home directory to find the linode-cli configuration in".into(),
                    )
                })?
                .join(".config/linode-cli"),
        };
        ClientBuilder::from_config_file(&path, profile)
    }

    /// A builder configured from a linode-cli style configuration file at `path` (see
    /// [`from_cli_config`](ClientBuilder::from_cli_config)).
    ///
    /// ```
    /// # fn demo() -> linode::Result<()> {
    /// let dir = std::env::temp_dir().join("linode-config-doc");
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("linode-cli");
    /// std::fs::write(&path, "[DEFAULT]\ndefault-user = work\n\n[work]\ntoken = abc\napi_host = 127.0.0.1:4000\napi_scheme = http\n").unwrap();
    /// let client = linode::ClientBuilder::from_config_file(&path, None)?.build()?;
    /// assert_eq!(client.root(), "http://127.0.0.1:4000/v4");
    /// # Ok(()) }
    /// # demo().unwrap();
    /// ```
    pub fn from_config_file(
        path: &std::path::Path,
        profile: Option<&str>,
    ) -> Result<ClientBuilder> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Config(format!(
                "cannot read the configuration file {}: {e}",
                path.display()
            ))
        })?;
        let sections = parse_ini(&text);
        let section = |name: &str| {
            sections
                .iter()
                .find(|(s, _)| s == name)
                .map(|(_, kv)| kv.as_slice())
        };
        let defaults = section("DEFAULT").unwrap_or_default();
        let default_value = |key: &str| {
            defaults
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        let profiles: Vec<&str> = sections
            .iter()
            .map(|(s, _)| s.as_str())
            .filter(|s| *s != "DEFAULT")
            .collect();
        let wanted = profile
            .map(str::to_owned)
            .or_else(|| default_value("default-user"));
        let chosen = match wanted {
            Some(name) if section(&name).is_some() => name,
            Some(name) => {
                return Err(Error::Config(format!(
                    "{}: no profile {name:?} (profiles: {})",
                    path.display(),
                    profiles.join(", ")
                )));
            }
            None if profiles.len() == 1 => profiles[0].to_owned(),
            None => {
                return Err(Error::Config(format!(
                    "{}: name a profile (profiles: {})",
                    path.display(),
                    profiles.join(", ")
                )));
            }
        };
        let values = section(&chosen).unwrap_or_default();
        let value = |key: &str| {
            values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .or_else(|| default_value(key))
        };
        let token = value("token").filter(|t| !t.is_empty()).ok_or_else(|| {
            Error::Config(format!(
                "{}: profile {chosen:?} has no token",
                path.display()
            ))
        })?;
        let mut builder = Client::builder(token);
        if let Some(host) = value("api_host") {
            let scheme = value("api_scheme").unwrap_or_else(|| "https".into());
            builder = builder.base_url(format!("{scheme}://{host}"));
        }
        if let Some(version) = value("api_version") {
            builder = builder.api_version(version.parse()?);
        }
        Ok(builder)
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

/// The sections of an INI file, in order, each with its `key = value` pairs (comments and blank
/// lines skipped; keys before any section belong to `DEFAULT`).
fn parse_ini(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut sections: Vec<(String, Vec<(String, String)>)> = vec![("DEFAULT".into(), Vec::new())];
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim().to_owned();
            if !sections.iter().any(|(s, _)| *s == name) {
                sections.push((name.clone(), Vec::new()));
            }
            // Later keys go to this section, even when it was opened before.
            let at = sections.iter().position(|(s, _)| *s == name).unwrap_or(0);
            let section = sections.remove(at);
            sections.push(section);
        } else if let Some((key, value)) = line.split_once('=') {
            if let Some((_, pairs)) = sections.last_mut() {
                pairs.push((key.trim().to_owned(), value.trim().to_owned()));
            }
        }
    }
    sections
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

    fn config(text: &str, profile: Option<&str>) -> Result<Client> {
        let dir = std::env::temp_dir().join(format!("linode-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = dir.join(format!("cli-{n}"));
        std::fs::write(&path, text).unwrap();
        let built = ClientBuilder::from_config_file(&path, profile).and_then(ClientBuilder::build);
        std::fs::remove_file(&path).unwrap();
        built
    }

    const PROFILES: &str = "[DEFAULT]\ndefault-user = work\napi_version = v4beta\n\n\
        [work]\ntoken = work-token\n\n# a sandbox\n[local]\ntoken = local-token\n\
        api_host = 127.0.0.1:4000\napi_scheme = http\napi_version = v4\n";

    #[test]
    fn config_file_profiles_are_chosen_by_name_or_default_user() {
        let default = config(PROFILES, None).unwrap();
        assert_eq!(default.root(), "https://api.linode.com/v4beta");
        let local = config(PROFILES, Some("local")).unwrap();
        assert_eq!(local.root(), "http://127.0.0.1:4000/v4");
        let only = config("[me]\ntoken = t\n", None).unwrap();
        assert_eq!(only.root(), "https://api.linode.com/v4");
    }

    #[test]
    fn config_file_problems_say_what_is_wrong_without_the_token() {
        let err = config(PROFILES, Some("nobody")).unwrap_err().to_string();
        assert!(
            err.contains("no profile \"nobody\" (profiles: work, local)"),
            "{err}"
        );
        let err = config("[a]\ntoken = secret-a\n[b]\ntoken = secret-b\n", None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("name a profile (profiles: a, b)") && !err.contains("secret"),
            "{err}"
        );
        let err = config("[a]\nregion = us-east\n", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("profile \"a\" has no token"), "{err}");
        let missing =
            ClientBuilder::from_config_file(std::path::Path::new("/nonexistent/linode-cli"), None);
        assert!(
            missing
                .unwrap_err()
                .to_string()
                .contains("cannot read the configuration file")
        );
    }
}
