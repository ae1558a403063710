//! The acting user: `/profile`, its personal access tokens, the OAuth apps it authorized and
//! its SSH keys; [`security`] holds grants, preferences and the login safeguards.

pub mod security;

use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize};

use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::login::ScopeSet;
use crate::model::{Resource, api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    GET_PROFILE = GET "/profile";
    UPDATE_PROFILE = PUT "/profile";
    LIST_TOKENS = GET "/profile/tokens";
    CREATE_TOKEN = POST "/profile/tokens";
    GET_TOKEN = GET "/profile/tokens/{tokenId}";
    UPDATE_TOKEN = PUT "/profile/tokens/{tokenId}";
    DELETE_TOKEN = DELETE "/profile/tokens/{tokenId}";
    LIST_APPS = GET "/profile/apps";
    GET_APP = GET "/profile/apps/{appId}";
    DELETE_APP = DELETE "/profile/apps/{appId}";
    LIST_SSH_KEYS = GET "/profile/sshkeys";
    CREATE_SSH_KEY = POST "/profile/sshkeys";
    GET_SSH_KEY = GET "/profile/sshkeys/{sshKeyId}";
    UPDATE_SSH_KEY = PUT "/profile/sshkeys/{sshKeyId}";
    DELETE_SSH_KEY = DELETE "/profile/sshkeys/{sshKeyId}";
}

api_enum! {
    /// How the user may log in to Lish.
    pub enum LishAuthMethod {
        /// Password or SSH keys.
        PasswordKeys = "password_keys",
        /// SSH keys only.
        KeysOnly = "keys_only",
        /// Not at all.
        Disabled = "disabled",
    }
}

/// The acting user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Profile {
    /// The user's numeric id.
    pub uid: u64,
    /// The user's name.
    pub username: String,
    /// E-mail (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub email: String,
    /// Time zone for display, such as `US/Eastern` (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub timezone: String,
    /// Whether the user gets e-mail notifications (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub email_notifications: bool,
    /// How the user may log in to Lish (mutable).
    #[serde(default)]
    pub lish_auth_method: Option<LishAuthMethod>,
    /// Public keys accepted for Lish (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub authorized_keys: Vec<String>,
    /// Whether logins are limited to an IP whitelist (deprecated).
    #[serde(default, deserialize_with = "null_default")]
    pub ip_whitelist_enabled: bool,
    /// Whether two-factor authentication is on.
    #[serde(default, deserialize_with = "null_default")]
    pub two_factor_auth: bool,
    /// Whether the user only has the grants given to it.
    #[serde(default, deserialize_with = "null_default")]
    pub restricted: bool,
    /// `password` or `github`.
    #[serde(default)]
    pub authentication_type: Option<String>,
    /// The verified phone number, if any.
    #[serde(default)]
    pub verified_phone_number: Option<String>,
    /// The referral program.
    #[serde(default)]
    pub referrals: Option<Referrals>,
    /// The kind of user: of an ordinary account, or of a parent or child account.
    #[serde(default)]
    pub user_type: Option<UserType>,
}

api_enum! {
    /// The kind of a user, for parent and child accounts.
    pub enum UserType {
        /// A user of an ordinary account.
        Default = "default",
        /// A user of a parent account.
        Parent = "parent",
        /// A user of a child account.
        Child = "child",
        /// A parent account's user acting on a child account.
        Proxy = "proxy",
    }
}

/// The user's referral code and its results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Referrals {
    /// The code.
    #[serde(default, deserialize_with = "null_default")]
    pub code: String,
    /// The link to share.
    #[serde(default, deserialize_with = "null_default")]
    pub url: String,
    /// Referrals made.
    #[serde(default, deserialize_with = "null_default")]
    pub total: u64,
    /// Referrals completed.
    #[serde(default, deserialize_with = "null_default")]
    pub completed: u64,
    /// Referrals pending.
    #[serde(default, deserialize_with = "null_default")]
    pub pending: u64,
    /// Credit earned, in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub credit: f64,
}

impl Profile {
    /// The fields the API lets you change, as they are now: what [`save`](Profile::save) sends.
    pub fn changes(&self) -> ProfileUpdate {
        ProfileUpdate {
            email: Some(self.email.clone()),
            timezone: Some(self.timezone.clone()),
            email_notifications: Some(self.email_notifications),
            lish_auth_method: self.lish_auth_method.clone(),
            authorized_keys: Some(self.authorized_keys.clone()),
        }
    }

    /// Sends the mutable fields and replaces `self` with the API's answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client.profile().update(&self.changes()).await?;
        Ok(())
    }
}

/// A change of the profile: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ProfileUpdate {
    /// New e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// New time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// E-mail notifications on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_notifications: Option<bool>,
    /// New Lish login method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lish_auth_method: Option<LishAuthMethod>,
    /// New Lish keys (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorized_keys: Option<Vec<String>>,
}

impl ProfileUpdate {
    /// A change that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    ProfileUpdate {
        /// Sets the e-mail.
        email: into String,
        /// Sets the time zone.
        timezone: into String,
        /// Sets how the user may log in to Lish.
        lish_auth_method: value LishAuthMethod,
        /// Turns e-mail notifications on or off.
        email_notifications: value bool,
    }
}

/// A personal access token. The token itself is shown only at creation (see [`NewToken`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PersonalAccessToken {
    /// The token's id.
    pub id: u64,
    /// Its name (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// What it may do.
    #[serde(default)]
    pub scopes: ScopeSet,
    /// When it was created.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When it stops working, if ever.
    #[serde(default, with = "timestamp::option")]
    pub expiry: Option<timestamp::Timestamp>,
    /// The first characters of the token, to recognise it (not enough to use it).
    #[serde(default, rename = "token")]
    pub token_prefix: Option<String>,
}

filterable!(PersonalAccessToken {
    CREATED: Time = "created",
    LABEL: Text = "label",
});

impl Resource for PersonalAccessToken {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_TOKEN.path(&[id])
    }
}

impl PersonalAccessToken {
    /// Sends the label and replaces `self` with the answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client
            .profile()
            .update_token(self.id, &TokenUpdate::new().label(self.label.clone()))
            .await?;
        Ok(())
    }

    /// Revokes the token: it stops working at once.
    pub async fn revoke(self, client: &Client) -> Result<()> {
        client.profile().revoke_token(self.id).await
    }
}

/// A freshly created personal access token, with the token string the API shows only once.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NewToken {
    /// The token's record.
    pub token: PersonalAccessToken,
    /// The bearer token to give a [`Client`].
    pub secret: SecretString,
}

impl<'de> Deserialize<'de> for NewToken {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut value = serde_json::Value::deserialize(d)?;
        let secret = value
            .get_mut("token")
            .map(serde_json::Value::take)
            .and_then(|v| v.as_str().map(str::to_owned))
            .ok_or_else(|| serde::de::Error::missing_field("token"))?;
        let token = PersonalAccessToken::deserialize(value).map_err(serde::de::Error::custom)?;
        Ok(NewToken {
            token,
            secret: SecretString::from(secret),
        })
    }
}

/// A token to create: a label, and optionally an expiry and scopes (by default the scopes of
/// the token making the request).
///
/// ```
/// use linode::api::profile::CreateToken;
/// use linode::login::{OAuthScopes, ScopeFamily};
/// let request = CreateToken::new("ci")
///     .scopes([OAuthScopes::read_only(ScopeFamily::Linodes)])
///     .expiry(time::macros::datetime!(2030-01-01 00:00:00));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateToken {
    label: String,
    #[serde(skip_serializing_if = "Option::is_none", with = "timestamp::option")]
    expiry: Option<timestamp::Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<ScopeSet>,
}

impl CreateToken {
    /// A token called `label` (1-100 characters).
    pub fn new(label: impl Into<String>) -> Self {
        CreateToken {
            label: label.into(),
            expiry: None,
            scopes: None,
        }
    }
}

setters! {
    CreateToken {
        /// When it stops working (UTC).
        expiry: value timestamp::Timestamp,
        /// What it may do; no more than the token making the request.
        scopes: into ScopeSet,
    }
}

/// A change of a token: only its label can change.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TokenUpdate {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl TokenUpdate {
    /// A change that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    TokenUpdate {
        /// Sets the label.
        label: into String,
    }
}

/// An OAuth application the user authorized to use the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthorizedApp {
    /// The authorization's id, used to revoke it.
    pub id: u64,
    /// The application's name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// What it may do.
    #[serde(default)]
    pub scopes: ScopeSet,
    /// When it was authorized.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When its access ends, if known.
    #[serde(default, with = "timestamp::option")]
    pub expiry: Option<timestamp::Timestamp>,
    /// Its thumbnail, if any.
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    /// Its website.
    #[serde(default)]
    pub website: Option<String>,
}

filterable!(AuthorizedApp {
    CREATED: Time = "created",
    EXPIRY: Time = "expiry",
    LABEL: Text = "label",
});

impl Resource for AuthorizedApp {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_APP.path(&[id])
    }
}

/// An SSH public key of the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SshKey {
    /// The key's id.
    pub id: u64,
    /// Its name (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// The public key, in OpenSSH format.
    pub ssh_key: String,
    /// When it was added.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
}

filterable!(SshKey {
    LABEL: Text = "label",
});

impl Resource for SshKey {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_SSH_KEY.path(&[id])
    }
}

impl SshKey {
    /// Sends the label and replaces `self` with the answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client
            .profile()
            .update_ssh_key(self.id, &self.label)
            .await?;
        Ok(())
    }

    /// Deletes the key.
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.profile().delete_ssh_key(self.id).await
    }
}

/// Key types the API accepts.
const KEY_TYPES: &[&str] = &[
    "ssh-rsa",
    "ssh-dss",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "sk-ssh-ed25519@openssh.com",
];

/// A key to add: the public key line and an optional label.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateSshKey {
    ssh_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
}

impl CreateSshKey {
    /// Adds `ssh_key`, an OpenSSH public key line (`ssh-ed25519 AAAA... comment`).
    pub fn new(ssh_key: impl Into<String>) -> Self {
        CreateSshKey {
            ssh_key: ssh_key.into().trim().to_owned(),
            label: None,
        }
    }

    fn validate(&self) -> Result<()> {
        let mut parts = self.ssh_key.split_whitespace();
        let kind = parts.next().unwrap_or_default();
        if !KEY_TYPES.contains(&kind) {
            return Err(Error::invalid(
                "ssh_key",
                "is not an OpenSSH public key (ssh-ed25519, ssh-rsa, ecdsa-sha2-...)",
            ));
        }
        let data = parts.next().unwrap_or_default();
        if data.is_empty()
            || !data
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        {
            return Err(Error::invalid("ssh_key", "key data is not base64"));
        }
        Ok(())
    }
}

setters! {
    CreateSshKey {
        /// Names the key (up to 64 characters).
        label: into String,
    }
}

/// Calls under `/profile`.
#[derive(Debug, Clone, Copy)]
pub struct ProfileGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// The acting user: profile, tokens, authorized apps, SSH keys (`/profile/...`).
    pub fn profile(&self) -> ProfileGroup<'_> {
        ProfileGroup { client: self }
    }
}

impl ProfileGroup<'_> {
    /// Loads the profile.
    pub async fn get(&self) -> Result<Profile> {
        self.client.send(GET_PROFILE.request(&[])).await
    }

    /// Changes the fields set in `update` and returns the profile as it is now.
    pub async fn update(&self, update: &ProfileUpdate) -> Result<Profile> {
        self.client
            .send(UPDATE_PROFILE.with_body(&[], update)?)
            .await
    }

    /// Lists the personal access tokens.
    pub fn tokens(&self) -> ListRequest<PersonalAccessToken> {
        ListRequest::new(self.client, LIST_TOKENS.path(&[]))
    }

    /// Loads one personal access token's record.
    pub async fn token(&self, id: u64) -> Result<PersonalAccessToken> {
        self.client.load::<PersonalAccessToken>(id).await
    }

    /// Creates a personal access token and returns it with the token string, which the API
    /// shows only this once.
    pub async fn create_token(&self, request: CreateToken) -> Result<NewToken> {
        if !(1..=100).contains(&request.label.chars().count()) {
            return Err(Error::invalid("label", "must be 1-100 characters"));
        }
        if request.scopes.as_ref().is_some_and(|s| s.0.is_empty()) {
            return Err(Error::invalid("scopes", "is empty"));
        }
        self.client
            .send(CREATE_TOKEN.with_body(&[], &request)?)
            .await
    }

    /// Changes a token's label.
    pub async fn update_token(&self, id: u64, update: &TokenUpdate) -> Result<PersonalAccessToken> {
        self.client
            .send(UPDATE_TOKEN.with_body(&[&id], update)?)
            .await
    }

    /// Revokes a token: it stops working at once.
    pub async fn revoke_token(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_TOKEN.request(&[&id])).await
    }

    /// Lists the OAuth apps the user authorized.
    pub fn apps(&self) -> ListRequest<AuthorizedApp> {
        ListRequest::new(self.client, LIST_APPS.path(&[]))
    }

    /// Loads one authorized app.
    pub async fn app(&self, id: u64) -> Result<AuthorizedApp> {
        self.client.load::<AuthorizedApp>(id).await
    }

    /// Revokes an app's access: its tokens stop working.
    pub async fn revoke_app(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_APP.request(&[&id])).await
    }

    /// Lists the user's SSH keys.
    pub fn ssh_keys(&self) -> ListRequest<SshKey> {
        ListRequest::new(self.client, LIST_SSH_KEYS.path(&[]))
    }

    /// Loads one SSH key.
    pub async fn ssh_key(&self, id: u64) -> Result<SshKey> {
        self.client.load::<SshKey>(id).await
    }

    /// Adds an SSH key; a line that is not an OpenSSH public key is refused before sending.
    pub async fn create_ssh_key(&self, request: CreateSshKey) -> Result<SshKey> {
        request.validate()?;
        self.client
            .send(CREATE_SSH_KEY.with_body(&[], &request)?)
            .await
    }

    /// Renames an SSH key.
    pub async fn update_ssh_key(&self, id: u64, label: &str) -> Result<SshKey> {
        #[derive(Serialize)]
        struct Body<'a> {
            label: &'a str,
        }
        self.client
            .send(UPDATE_SSH_KEY.with_body(&[&id], &Body { label })?)
            .await
    }

    /// Deletes an SSH key.
    pub async fn delete_ssh_key(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_SSH_KEY.request(&[&id])).await
    }
}
