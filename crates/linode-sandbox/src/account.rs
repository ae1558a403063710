//! The sandbox's single user and account: profile, users, billing, OAuth clients, tokens and
//! their scopes, authorized apps, SSH keys, Longview clients and support tickets.
//!
//! Everything here is named collections of JSON objects in the store (see [`names`]): the
//! account, its settings and the profile are collections of one object ([`SINGLETON`]); the
//! secrets the API never shows again (token strings, OAuth client secrets, codes, refresh
//! tokens) are collections of their own, keyed by the secret ([`SECRET_KEYS`]), never served,
//! read and written in their typed forms ([`IssuedToken`], [`PendingCode`], [`RefreshGrant`])
//! through the store's methods. No `Debug` of the store shows them.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use crate::store::{Store, Table, format_time};

/// Names of the account's collections in the store (see [`Store::table`]).
pub mod names {
    /// SSH keys of the profile (`SSHKey` objects).
    pub const SSH_KEYS: &str = "ssh_keys";
    /// Longview clients (`LongviewClient` objects).
    pub const LONGVIEW_CLIENTS: &str = "longview_clients";
    /// OAuth clients (`OAuthClient` objects, `secret` redacted: the secrets are in the
    /// account's typed state), keyed by `id` (see [`crate::store::KEYED`]).
    pub const OAUTH_CLIENTS: &str = "oauth_clients";
    /// Users (`User` objects), keyed by `username` (see [`crate::store::KEYED`]).
    pub const USERS: &str = "users";
    /// Personal access tokens (`PersonalAccessToken` objects, `token` shortened to its first
    /// characters as the API shows it; the full strings are in the account's token map).
    pub const PERSONAL_TOKENS: &str = "personal_tokens";
    /// Authorized OAuth apps (`AuthorizedApp` objects).
    pub const APPS: &str = "apps";
    /// The OAuth client of each authorized app, by the app's id: `{"id": app, "client_id": ..}`.
    pub const APP_CLIENTS: &str = "app_clients";
    /// Invoices (`Invoice` objects).
    pub const INVOICES: &str = "invoices";
    /// Items of invoices (`InvoiceItem` objects plus the [`super::INVOICE`] field naming
    /// their invoice, never served), owned by their invoice (see [`crate::store::OWNED`]).
    pub const INVOICE_ITEMS: &str = "invoice_items";
    /// Payments (`Payment` objects).
    pub const PAYMENTS: &str = "payments";
    /// Support tickets (`SupportTicket` objects).
    pub const TICKETS: &str = "tickets";
    /// Replies of tickets (`SupportTicketReply` objects plus the [`super::TICKET`] field
    /// naming their ticket, never served), owned by their ticket (see [`crate::store::OWNED`]).
    pub const TICKET_REPLIES: &str = "ticket_replies";
    /// The account (`GET /account`): one object, id [`super::SINGLETON`].
    pub const ACCOUNT: &str = "accounts";
    /// The account's settings (`GET /account/settings`): one object, id [`super::SINGLETON`].
    pub const ACCOUNT_SETTINGS: &str = "account_settings";
    /// The profile (`GET /profile`): one object, id [`super::SINGLETON`].
    pub const PROFILE: &str = "profiles";
    /// Every token accepted besides the main one ([`super::IssuedToken`] objects plus the
    /// token string under `token`), keyed by `token` (see [`crate::store::KEYED`]). Secret.
    pub const ISSUED_TOKENS: &str = "issued_tokens";
    /// The current secret of each OAuth client (`{"client_id": .., "secret": ..}`), keyed by
    /// `client_id` (see [`crate::store::KEYED`]). Secret.
    pub const CLIENT_SECRETS: &str = "oauth_client_secrets";
    /// Authorization codes not yet exchanged ([`super::PendingCode`] objects plus the code
    /// under `code`), keyed by `code` (see [`crate::store::KEYED`]). Secret.
    pub const CODES: &str = "oauth_codes";
    /// Refresh tokens not yet used ([`super::RefreshGrant`] objects plus the token string
    /// under `refresh_token`), keyed by `refresh_token` (see [`crate::store::KEYED`]). Secret.
    pub const REFRESH_TOKENS: &str = "refresh_tokens";
    /// The kind of the ids the account's objects share (see [`crate::store::Store::next_id`]):
    /// personal tokens, apps, SSH keys, Longview clients, tickets and replies.
    pub const ACCOUNT_IDS: &str = "account_object";
}

/// The id of the only object of a singleton collection ([`names::ACCOUNT`],
/// [`names::ACCOUNT_SETTINGS`], [`names::PROFILE`]).
pub const SINGLETON: u64 = 1;

/// The secret collections and the field each is keyed by (see [`crate::store::KEYED`]).
pub const SECRET_KEYS: [(&str, &str); 4] = [
    (names::ISSUED_TOKENS, "token"),
    (names::CLIENT_SECRETS, "client_id"),
    (names::CODES, "code"),
    (names::REFRESH_TOKENS, "refresh_token"),
];

/// The field of an invoice item naming its invoice (never served).
pub const INVOICE: &str = "invoice_id";

/// The field of a ticket reply naming its ticket (never served).
pub const TICKET: &str = "ticket_id";

/// The account-level state as [`crate::Sandbox::with_account`] shows it: the account's
/// singletons and collections as the store keeps them, and its secret stores copied out in
/// their typed forms.
pub struct AccountView<'a> {
    /// `GET /account`.
    pub account: &'a Value,
    /// `GET /account/settings`.
    pub settings: &'a Value,
    /// `GET /profile`.
    pub profile: &'a Value,
    /// The current secret of each OAuth client, by client id, copied.
    pub client_secrets: BTreeMap<String, String>,
    /// Every token accepted besides the main one, by token string, copied.
    pub tokens: BTreeMap<String, IssuedToken>,
    /// Authorization codes not yet exchanged, by code, copied.
    pub codes: BTreeMap<String, PendingCode>,
    /// Refresh tokens not yet used, by token string, copied.
    pub refresh_tokens: BTreeMap<String, RefreshGrant>,
    /// SSH keys of the profile (`SSHKey` objects).
    pub ssh_keys: &'a Table,
    /// Longview clients (`LongviewClient` objects).
    pub longview_clients: &'a Table,
    /// Support tickets (`SupportTicket` objects).
    pub tickets: &'a Table,
    /// Personal access tokens (`PersonalAccessToken` objects, `token` shortened).
    pub personal_tokens: &'a Table,
    /// Authorized OAuth apps (`AuthorizedApp` objects).
    pub apps: &'a Table,
    /// OAuth clients by id (`OAuthClient` objects, `secret` redacted), copied.
    pub oauth_clients: BTreeMap<String, Value>,
    /// Users by username (`User` objects), copied.
    pub users: BTreeMap<String, Value>,
    /// Invoices (`Invoice` objects).
    pub invoices: &'a Table,
    /// Payments (`Payment` objects).
    pub payments: &'a Table,
}

impl<'a> AccountView<'a> {
    /// The view of `store`'s account.
    pub fn of(store: &'a Store) -> AccountView<'a> {
        AccountView {
            account: store.account(),
            settings: store.account_settings(),
            profile: store.profile(),
            client_secrets: store
                .secrets::<ClientSecret>(names::CLIENT_SECRETS)
                .into_iter()
                .map(|(id, s)| (id, s.secret))
                .collect(),
            tokens: store.secrets(names::ISSUED_TOKENS),
            codes: store.secrets(names::CODES),
            refresh_tokens: store.secrets(names::REFRESH_TOKENS),
            ssh_keys: store.table(names::SSH_KEYS),
            longview_clients: store.table(names::LONGVIEW_CLIENTS),
            tickets: store.table(names::TICKETS),
            personal_tokens: store.table(names::PERSONAL_TOKENS),
            apps: store.table(names::APPS),
            users: store.users(),
            oauth_clients: store.oauth_clients(),
            invoices: store.table(names::INVOICES),
            payments: store.table(names::PAYMENTS),
        }
    }
}

impl Store {
    /// Removes an authorized app and revokes its tokens.
    pub fn remove_app(&mut self, app_id: u64) -> Option<Value> {
        self.revoke_app_tokens(app_id);
        self.table_mut(names::APP_CLIENTS).remove(app_id);
        self.table_mut(names::APPS).remove(app_id)
    }

    /// Keeps the owner's `ssh_keys` (labels) in step with the profile's keys.
    pub fn sync_owner_keys(&mut self) {
        let labels: Vec<Value> = self
            .table(names::SSH_KEYS)
            .values()
            .map(|k| k["label"].clone())
            .collect();
        let owner = self.profile()["username"]
            .as_str()
            .unwrap_or(USERNAME)
            .to_owned();
        if let Some(user) = self.user_mut(&owner) {
            user["ssh_keys"] = Value::from(labels);
        }
    }
}

/// The username of the sandbox's single user (also the one events name).
pub const USERNAME: &str = "sandbox-user";

/// How long an OAuth access token lives, in seconds.
pub const OAUTH_TOKEN_LIFETIME: u64 = 7200;

/// An access level of a scope.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Level {
    /// `read_only`: GET requests.
    ReadOnly,
    /// `read_write`: everything.
    ReadWrite,
}

/// What a token may do: everything (`*`) or a list of `family:level` scopes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Grant {
    /// `*`.
    All,
    /// `linodes:read_only domains:read_write ...` (a family appears at most once, at its
    /// highest level).
    Scopes(BTreeMap<String, Level>),
}

impl Grant {
    /// Parses the API's scope strings: `*`, or scopes separated by spaces or commas.
    pub fn parse(text: &str) -> Result<Grant, String> {
        let mut scopes = BTreeMap::new();
        for part in text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
        {
            if part == "*" {
                return Ok(Grant::All);
            }
            let (family, level) = part
                .split_once(':')
                .ok_or_else(|| format!("Invalid scope {part:?}"))?;
            let level = match level {
                "read_only" => Level::ReadOnly,
                "read_write" => Level::ReadWrite,
                _ => return Err(format!("Invalid scope {part:?}")),
            };
            if !KNOWN_FAMILIES.contains(&family) {
                return Err(format!("Invalid scope {part:?}"));
            }
            let entry = scopes.entry(family.to_owned()).or_insert(level);
            *entry = (*entry).max(level);
        }
        if scopes.is_empty() {
            return Err("At least one scope is required".to_owned());
        }
        Ok(Grant::Scopes(scopes))
    }

    /// The API's spelling: `*` or space-separated scopes.
    pub fn to_api_string(&self) -> String {
        match self {
            Grant::All => "*".to_owned(),
            Grant::Scopes(scopes) => scopes
                .iter()
                .map(|(family, level)| {
                    let level = match level {
                        Level::ReadOnly => "read_only",
                        Level::ReadWrite => "read_write",
                    };
                    format!("{family}:{level}")
                })
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// Whether this grant allows `level` access to one of `families`.
    pub fn allows(&self, families: &[&str], level: Level) -> bool {
        match self {
            Grant::All => true,
            Grant::Scopes(scopes) => families
                .iter()
                .any(|f| scopes.get(*f).is_some_and(|have| *have >= level)),
        }
    }

    /// Whether every scope of `other` is within this grant.
    pub fn covers(&self, other: &Grant) -> bool {
        match (self, other) {
            (Grant::All, _) => true,
            (Grant::Scopes(_), Grant::All) => false,
            (Grant::Scopes(_), Grant::Scopes(wanted)) => wanted
                .iter()
                .all(|(family, level)| self.allows(&[family.as_str()], *level)),
        }
    }
}

/// Scope families the API knows.
pub const KNOWN_FAMILIES: &[&str] = &[
    "account",
    "child_account",
    "databases",
    "domains",
    "events",
    "firewall",
    "images",
    "ips",
    "linodes",
    "lke",
    "longview",
    "maintenance",
    "monitor",
    "nodebalancers",
    "object_storage",
    "stackscripts",
    "tickets",
    "volumes",
    "vpc",
];

/// The scope a request needs: which families (any of them suffices) at which level; `None`
/// when any valid token may make it. `rest` is the path after `/v4`.
pub fn required_scope(method: &str, rest: &str) -> Option<(&'static [&'static str], Level)> {
    let level = if method == "GET" || method == "HEAD" {
        Level::ReadOnly
    } else {
        Level::ReadWrite
    };
    let mut segments = rest.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or_default();
    let second = segments.next().unwrap_or_default();
    let families: &'static [&'static str] = match (first, second) {
        ("account", "events") => &["events"],
        ("account", "maintenance") => &["maintenance", "account"],
        ("account", "child-accounts") => &["child_account"],
        ("account", _)
        | ("profile", _)
        | ("managed", _)
        | ("tags", _)
        | ("locks", _)
        | ("marketplace", _) => {
            if first == "profile" && second.is_empty() && level == Level::ReadOnly {
                return None;
            }
            &["account"]
        }
        ("linode", "stackscripts") => &["stackscripts"],
        ("linode", "types") | ("linode", "kernels") => return None,
        ("linode", _) => &["linodes"],
        ("networking", "firewalls") => &["firewall"],
        ("networking", "vlans") => &["linodes"],
        ("networking", _) => &["ips"],
        ("domains", _) => &["domains"],
        ("nodebalancers", _) => &["nodebalancers"],
        ("volumes", _) => &["volumes"],
        ("images", _) => &["images"],
        ("longview", _) => &["longview"],
        // Older tokens carry `tickets`; the current API files support under `account`.
        ("support", _) => &["tickets", "account"],
        ("lke", _) => &["lke"],
        ("object-storage", _) => &["object_storage"],
        ("databases", _) => &["databases"],
        ("vpcs", _) => &["vpc"],
        ("monitor", _) => &["monitor"],
        ("placement", _) => &["linodes"],
        _ => return None,
    };
    Some((families, level))
}

/// Who a bearer token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TokenOwner {
    /// A personal access token (its id in `/profile/tokens`).
    Personal(u64),
    /// An OAuth access token issued to a client, recorded as an authorized app.
    OAuth {
        /// The client's id.
        client_id: String,
        /// The authorized app's id.
        app_id: u64,
    },
    /// A token the control plane made (`POST /sandbox/tokens`) to act as this user.
    User(String),
}

/// A token the sandbox accepts besides its main one.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct IssuedToken {
    /// What it may do.
    pub grant: Grant,
    /// When it stops working (`None`: never).
    pub expiry: Option<SystemTime>,
    /// Where it came from.
    pub owner: TokenOwner,
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PendingCode {
    /// The client it was issued for.
    pub client_id: String,
    /// The scopes the user approved.
    pub grant: Grant,
}

/// A refresh token and what it renews (its `Debug` leaves out the access token).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct RefreshGrant {
    /// The client it was issued to.
    pub client_id: String,
    /// The scopes it renews.
    pub grant: Grant,
    /// The app the tokens belong to.
    pub app_id: u64,
    /// The access token issued with it (revoked when it is used).
    pub access_token: String,
}

impl std::fmt::Debug for RefreshGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshGrant")
            .field("client_id", &self.client_id)
            .field("grant", &self.grant)
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

/// The secret of an OAuth client as its collection keeps it ([`names::CLIENT_SECRETS`]).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct ClientSecret {
    secret: String,
}

/// A fresh random secret of `bytes` random bytes, in hexadecimal.
pub fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

/// A random id shaped like the API's uppercase GUIDs (`BD1B4B54-D752-A76D-5A9BD8A17F39DB61`).
pub fn random_guid() -> String {
    let hex = random_hex(16).to_uppercase();
    format!(
        "{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..32]
    )
}

fn days_ago(days: u64) -> String {
    format_time(SystemTime::now() - Duration::from_secs(days * 86_400))
}

impl Store {
    /// The account, its settings and its profile, as a fresh sandbox has them.
    fn seed_singletons(&mut self) {
        self.table_mut(names::ACCOUNT).insert(
            SINGLETON,
            json!({
                "active_promotions": [],
                "active_since": days_ago(800),
                "address_1": "249 Arch Street",
                "address_2": "",
                "balance": 0,
                "balance_uninvoiced": 14.35,
                "billing_source": "linode",
                "capabilities": [
                    "Linodes", "NodeBalancers", "Block Storage", "Object Storage",
                    "Kubernetes", "Cloud Firewall", "Managed Databases", "Longview"
                ],
                "city": "Philadelphia",
                "credit_card": {"last_four": "1111", "expiry": "11/2030"},
                "company": "Sandbox Systems",
                "country": "US",
                "email": "sandbox-user@example.com",
                "first_name": "Sandy",
                "last_name": "Box",
                "phone": "215-555-0100",
                "state": "PA",
                "tax_id": "",
                "euuid": "E1AF5EEC-526F-487D-B317EBEB34C87D71",
                "zip": "19106"
            }),
        );
        self.table_mut(names::ACCOUNT_SETTINGS).insert(
            SINGLETON,
            json!({
                "managed": false,
                "longview_subscription": null,
                "network_helper": true,
                "backups_enabled": false,
                "object_storage": "disabled",
                "interfaces_for_new_linodes": "legacy_config_default_but_linode_allowed",
                "maintenance_policy": "linode/migrate"
            }),
        );
        self.table_mut(names::PROFILE).insert(
            SINGLETON,
            json!({
                "uid": 2_241_000,
                "username": USERNAME,
                "email": "sandbox-user@example.com",
                "verified_phone_number": null,
                "timezone": "US/Eastern",
                "email_notifications": true,
                "referrals": {
                    "code": "871be32f49c1411b14f29f618aaf0c14637fb8d3",
                    "url": "https://www.linode.com/?r=871be32f49c1411b14f29f618aaf0c14637fb8d3",
                    "total": 0, "completed": 0, "pending": 0, "credit": 0
                },
                "ip_whitelist_enabled": false,
                "lish_auth_method": "password_keys",
                "authorized_keys": null,
                "two_factor_auth": false,
                "restricted": false,
                "authentication_type": "password",
                "user_type": "default"
            }),
        );
    }
}

impl Store {
    /// The account's own user, as a fresh sandbox has it.
    pub(crate) fn seed_owner(&mut self) {
        self.seed_singletons();
        self.put_user(json!({
            "username": USERNAME,
            "email": "sandbox-user@example.com",
            "restricted": false,
            "ssh_keys": [],
            "tfa_enabled": false,
            "verified_phone_number": null,
            "password_created": days_ago(800),
            "last_login": {"login_datetime": days_ago(1), "status": "successful"},
            "user_type": "default"
        }));
    }

    /// The user named `username`.
    pub fn user(&self, username: &str) -> Option<&Value> {
        self.get_keyed(names::USERS, username).map(|(_, user)| user)
    }

    /// The user named `username`, mutable (its `username` must not change: use
    /// [`Store::remove_user`] and [`Store::put_user`]).
    pub fn user_mut(&mut self, username: &str) -> Option<&mut Value> {
        let (id, _) = self.get_keyed(names::USERS, username)?;
        self.table_mut(names::USERS).get_mut(id)
    }

    /// Every user by username (`User` objects), in username order.
    pub fn users(&self) -> BTreeMap<String, Value> {
        self.table(names::USERS)
            .values()
            .map(|u| {
                (
                    u["username"].as_str().unwrap_or_default().to_owned(),
                    u.clone(),
                )
            })
            .collect()
    }

    /// The OAuth client `id` (`secret` redacted).
    pub fn oauth_client(&self, id: &str) -> Option<&Value> {
        self.get_keyed(names::OAUTH_CLIENTS, id)
            .map(|(_, client)| client)
    }

    /// The OAuth client `id`, mutable (its `id` must not change).
    pub fn oauth_client_mut(&mut self, id: &str) -> Option<&mut Value> {
        let (key, _) = self.get_keyed(names::OAUTH_CLIENTS, id)?;
        self.table_mut(names::OAUTH_CLIENTS).get_mut(key)
    }

    /// Every OAuth client by id (`secret` redacted), in id order.
    pub fn oauth_clients(&self) -> BTreeMap<String, Value> {
        self.table(names::OAUTH_CLIENTS)
            .values()
            .map(|c| (c["id"].as_str().unwrap_or_default().to_owned(), c.clone()))
            .collect()
    }

    /// Stores an OAuth client under its `id`, replacing the one with that id.
    pub fn put_oauth_client(&mut self, client: Value) {
        self.put_keyed(names::OAUTH_CLIENTS, client);
    }

    /// Removes the OAuth client `id`.
    pub fn remove_oauth_client(&mut self, id: &str) -> Option<Value> {
        self.remove_keyed(names::OAUTH_CLIENTS, id)
    }

    /// Stores a user under its `username`, replacing the one with that name.
    pub fn put_user(&mut self, user: Value) {
        self.put_keyed(names::USERS, user);
    }

    /// Removes the user named `username`.
    pub fn remove_user(&mut self, username: &str) -> Option<Value> {
        self.remove_keyed(names::USERS, username)
    }
}

impl Store {
    /// A fresh id for any object of this module (ids are unique across kinds, see
    /// [`names::ACCOUNT_IDS`]).
    pub fn account_next_id(&mut self) -> u64 {
        self.next_id(names::ACCOUNT_IDS, 1001)
    }

    /// The only object of the singleton collection `name` (see [`SINGLETON`]); `null` when
    /// it has none.
    fn singleton(&self, name: &str) -> &Value {
        self.table(name).get(SINGLETON).unwrap_or(&Value::Null)
    }

    /// The only object of the singleton collection `name`, mutable (stored as `null` first
    /// when it has none).
    fn singleton_mut(&mut self, name: &'static str) -> &mut Value {
        let table = self.table_mut(name);
        if table.get(SINGLETON).is_none() {
            table.insert(SINGLETON, Value::Null);
        }
        table.get_mut(SINGLETON).expect("stored just above")
    }

    /// The account (`GET /account`).
    pub fn account(&self) -> &Value {
        self.singleton(names::ACCOUNT)
    }

    /// The account, mutable.
    pub fn account_mut(&mut self) -> &mut Value {
        self.singleton_mut(names::ACCOUNT)
    }

    /// The account's settings (`GET /account/settings`).
    pub fn account_settings(&self) -> &Value {
        self.singleton(names::ACCOUNT_SETTINGS)
    }

    /// The account's settings, mutable.
    pub fn account_settings_mut(&mut self) -> &mut Value {
        self.singleton_mut(names::ACCOUNT_SETTINGS)
    }

    /// The profile (`GET /profile`).
    pub fn profile(&self) -> &Value {
        self.singleton(names::PROFILE)
    }

    /// The profile, mutable.
    pub fn profile_mut(&mut self) -> &mut Value {
        self.singleton_mut(names::PROFILE)
    }
}

impl Store {
    /// Whether `token` is listed (by its prefix) among the personal access tokens.
    pub fn lists_token(&self, token: &str) -> bool {
        let prefix: String = token.chars().take(16).collect();
        self.table(names::PERSONAL_TOKENS)
            .values()
            .any(|t| t["token"] == prefix.as_str())
    }

    /// Lists the sandbox's main token among the personal access tokens, as the API lists the
    /// token in use (label `sandbox`, every scope, no expiry); answers its id. The main token
    /// keeps authenticating even if this entry is deleted.
    pub fn list_main_token(&mut self, token: &str, created: SystemTime) -> u64 {
        let id = self.account_next_id();
        let prefix: String = token.chars().take(16).collect();
        self.table_mut(names::PERSONAL_TOKENS).insert(
            id,
            json!({
                "id": id,
                "scopes": "*",
                "created": format_time(created),
                "label": "sandbox",
                "token": prefix,
                "expiry": null
            }),
        );
        id
    }
}

impl Store {
    /// Three monthly invoices with their items, and the payments that settled them.
    pub(crate) fn seed_billing(&mut self) {
        // (days ago, [(label, hours, hourly price, region)])
        let months: [(u64, &[BilledLine]); 3] = [
            (
                75,
                &[
                    ("Linode 2GB - web-1", 720, 0.018, "us-east"),
                    ("Backup Service - web-1", 720, 0.003, "us-east"),
                ],
            ),
            (
                45,
                &[
                    ("Linode 2GB - web-1", 720, 0.018, "us-east"),
                    ("Linode 4GB - db-1", 720, 0.036, "eu-west"),
                    ("Backup Service - web-1", 720, 0.003, "us-east"),
                ],
            ),
            (
                15,
                &[
                    ("Linode 2GB - web-1", 720, 0.018, "us-east"),
                    ("Linode 4GB - db-1", 720, 0.036, "eu-west"),
                    ("NodeBalancer - lb-1", 720, 0.015, "us-east"),
                    ("Block Storage - data-1", 720, 0.003, "us-east"),
                ],
            ),
        ];
        for (n, (ago, lines)) in months.iter().enumerate() {
            let invoice_id = 8_150_000 + n as u64;
            let date = days_ago(*ago);
            let from = days_ago(ago + 30);
            let mut subtotal = 0.0;
            let mut items = Vec::new();
            for (label, hours, hourly, region) in lines.iter() {
                let amount = round2(*hours as f64 * hourly);
                subtotal += amount;
                items.push(json!({
                    "amount": amount,
                    "tax": 0,
                    "total": amount,
                    "from": from,
                    "to": date,
                    "label": label,
                    "quantity": hours,
                    "type": "hourly",
                    "unit_price": format!("{hourly}"),
                    "region": region
                }));
            }
            let subtotal = round2(subtotal);
            let tax = round2(subtotal * 0.06);
            let total = round2(subtotal + tax);
            self.table_mut(names::INVOICES).insert(
                invoice_id,
                json!({
                    "id": invoice_id,
                    "date": date,
                    "label": format!("Invoice #{invoice_id}"),
                    "subtotal": subtotal,
                    "tax": tax,
                    "tax_summary": [{"tax": tax, "name": "PA STATE TAX"}],
                    "total": total,
                    "billing_source": "linode"
                }),
            );
            for item in items {
                let item_id = self.next_id(names::INVOICE_ITEMS, 1);
                self.insert_owned(names::INVOICE_ITEMS, invoice_id, item_id, item);
            }
            let payment_id = 5_300_000 + n as u64;
            self.table_mut(names::PAYMENTS).insert(
                payment_id,
                json!({"id": payment_id, "date": days_ago(ago - 2), "usd": total}),
            );
        }
    }
}

impl Store {
    /// The key field of the secret collection `table` (see [`SECRET_KEYS`]).
    fn secret_key(table: &str) -> &'static str {
        SECRET_KEYS
            .iter()
            .find(|(name, _)| *name == table)
            .map_or("key", |(_, field)| field)
    }

    /// The record under `key` in the secret collection `table`, in its typed form.
    fn secret<T: serde::de::DeserializeOwned>(&self, table: &str, key: &str) -> Option<T> {
        let (_, object) = self.get_keyed(table, key)?;
        T::deserialize(object).ok()
    }

    /// Every record of the secret collection `table` by key, in their typed form.
    fn secrets<T: serde::de::DeserializeOwned>(&self, table: &str) -> BTreeMap<String, T> {
        let field = Self::secret_key(table);
        self.table(table)
            .values()
            .filter_map(|o| Some((o[field].as_str()?.to_owned(), T::deserialize(o).ok()?)))
            .collect()
    }

    /// Stores `record` under `key` in the secret collection `table`, replacing the one with
    /// that key.
    fn put_secret<T: serde::Serialize>(&mut self, table: &'static str, key: &str, record: &T) {
        let mut object = serde_json::to_value(record).unwrap_or_else(|_| json!({}));
        object[Self::secret_key(table)] = Value::from(key);
        self.put_keyed(table, object);
    }

    /// Removes the record under `key` from the secret collection `table`, answering it.
    fn take_secret<T: serde::de::DeserializeOwned>(
        &mut self,
        table: &'static str,
        key: &str,
    ) -> Option<T> {
        let object = self.remove_keyed(table, key)?;
        T::deserialize(&object).ok()
    }

    /// Removes every record of the secret collection `table` that `drop` picks.
    fn drop_secrets<T: serde::de::DeserializeOwned>(
        &mut self,
        table: &'static str,
        drop: impl Fn(&T) -> bool,
    ) {
        let keys: Vec<String> = self
            .secrets::<T>(table)
            .into_iter()
            .filter(|(_, record)| drop(record))
            .map(|(key, _)| key)
            .collect();
        for key in keys {
            self.remove_keyed(table, &key);
        }
    }

    /// The token `token` (other than the main one) as issued, even if it expired.
    pub fn issued_token(&self, token: &str) -> Option<IssuedToken> {
        self.secret(names::ISSUED_TOKENS, token)
    }

    /// Every token accepted besides the main one, by token string.
    pub fn issued_tokens(&self) -> BTreeMap<String, IssuedToken> {
        self.secrets(names::ISSUED_TOKENS)
    }

    /// The grant and validity of a token other than the main one, at time `now`; `None` when
    /// it is unknown, revoked or expired.
    pub fn grant_of(&self, token: &str, now: SystemTime) -> Option<IssuedToken> {
        let issued = self.issued_token(token)?;
        match issued.expiry {
            Some(expiry) if expiry <= now => None,
            _ => Some(issued),
        }
    }

    /// Makes `token` authenticate as `issued` says.
    pub fn issue_token(&mut self, token: &str, issued: &IssuedToken) {
        self.put_secret(names::ISSUED_TOKENS, token, issued);
    }

    /// Revokes `token`, answering what it was.
    pub fn revoke_token(&mut self, token: &str) -> Option<IssuedToken> {
        self.take_secret(names::ISSUED_TOKENS, token)
    }

    /// Revokes every token `owner` holds.
    pub fn revoke_tokens_of(&mut self, owner: &TokenOwner) {
        self.drop_secrets::<IssuedToken>(names::ISSUED_TOKENS, |t| t.owner == *owner);
    }

    /// Revokes every token of an authorized app.
    pub fn revoke_app_tokens(&mut self, app_id: u64) {
        self.drop_secrets::<IssuedToken>(
            names::ISSUED_TOKENS,
            |t| matches!(&t.owner, TokenOwner::OAuth { app_id: a, .. } if *a == app_id),
        );
        self.drop_secrets::<RefreshGrant>(names::REFRESH_TOKENS, |r| r.app_id == app_id);
    }

    /// The current secret of the OAuth client `client_id`.
    pub fn client_secret(&self, client_id: &str) -> Option<String> {
        self.secret::<ClientSecret>(names::CLIENT_SECRETS, client_id)
            .map(|s| s.secret)
    }

    /// Sets the secret of the OAuth client `client_id`.
    pub fn set_client_secret(&mut self, client_id: &str, secret: &str) {
        let secret = ClientSecret {
            secret: secret.to_owned(),
        };
        self.put_secret(names::CLIENT_SECRETS, client_id, &secret);
    }

    /// Forgets the OAuth client `client_id`'s secret and the codes issued for it.
    pub fn forget_client_secrets(&mut self, client_id: &str) {
        self.remove_keyed(names::CLIENT_SECRETS, client_id);
        self.drop_secrets::<PendingCode>(names::CODES, |c| c.client_id == client_id);
    }

    /// Records an authorization code waiting to be exchanged.
    pub fn add_code(&mut self, code: &str, pending: &PendingCode) {
        self.put_secret(names::CODES, code, pending);
    }

    /// Spends an authorization code, answering what it was issued for.
    pub fn take_code(&mut self, code: &str) -> Option<PendingCode> {
        self.take_secret(names::CODES, code)
    }

    /// Records a refresh token not yet used.
    pub fn add_refresh_token(&mut self, token: &str, grant: &RefreshGrant) {
        self.put_secret(names::REFRESH_TOKENS, token, grant);
    }

    /// The refresh token `token`, while it is unused.
    pub fn refresh_token(&self, token: &str) -> Option<RefreshGrant> {
        self.secret(names::REFRESH_TOKENS, token)
    }

    /// Spends a refresh token, answering what it renews.
    pub fn take_refresh_token(&mut self, token: &str) -> Option<RefreshGrant> {
        self.take_secret(names::REFRESH_TOKENS, token)
    }

    /// Forgets every refresh token issued with the access token `access`.
    pub fn drop_refresh_tokens_of(&mut self, access: &str) {
        self.drop_secrets::<RefreshGrant>(names::REFRESH_TOKENS, |r| r.access_token == access);
    }
}

/// One seeded invoice line: label, hours, hourly price, region.
type BilledLine = (&'static str, u64, f64, &'static str);

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_parse_and_check() {
        let g = Grant::parse("linodes:read_only, domains:read_write").unwrap();
        assert_eq!(g.to_api_string(), "domains:read_write linodes:read_only");
        assert!(g.allows(&["linodes"], Level::ReadOnly));
        assert!(!g.allows(&["linodes"], Level::ReadWrite));
        assert!(g.allows(&["domains"], Level::ReadWrite));
        assert!(!g.allows(&["volumes"], Level::ReadOnly));
        assert_eq!(Grant::parse("*").unwrap(), Grant::All);
        assert!(Grant::parse("linodes:write").is_err());
        assert!(Grant::parse("bogus:read_only").is_err());
        assert!(Grant::parse("").is_err());
        assert!(Grant::All.covers(&g));
        assert!(!g.covers(&Grant::All));
        assert!(g.covers(&Grant::parse("linodes:read_only").unwrap()));
        assert!(!g.covers(&Grant::parse("linodes:read_write").unwrap()));
    }

    #[test]
    fn debug_never_shows_a_secret_and_the_secrets_survive_an_export() {
        let mut store = Store::default();
        let token = random_hex(32);
        let issued = IssuedToken {
            grant: Grant::parse("linodes:read_only").unwrap(),
            expiry: None,
            owner: TokenOwner::Personal(7),
        };
        store.issue_token(&token, &issued);
        let secret = random_hex(32);
        store.set_client_secret("client-1", &secret);
        let code = random_hex(16);
        let pending = PendingCode {
            client_id: "client-1".to_owned(),
            grant: Grant::All,
        };
        store.add_code(&code, &pending);
        let refresh = random_hex(32);
        let renews = RefreshGrant {
            client_id: "client-1".to_owned(),
            grant: Grant::All,
            app_id: 9,
            access_token: token.clone(),
        };
        store.add_refresh_token(&refresh, &renews);

        let debug = format!("{store:?}");
        for secret in [&token, &secret, &code, &refresh] {
            assert!(!debug.contains(secret.as_str()), "{debug}");
        }
        assert!(debug.contains("Table { len: 1, .. }"), "{debug}");
        let debug = format!("{:?}", store.refresh_token(&refresh).unwrap());
        assert!(!debug.contains(&token), "{debug}");

        let document = store.export();
        assert!(document["state"].get("account").is_none());
        let mut back = Store::default();
        back.import(&document).unwrap();
        let now = SystemTime::now();
        let kept = back.grant_of(&token, now).unwrap();
        assert_eq!((kept.grant, kept.owner), (issued.grant, issued.owner));
        assert_eq!(back.client_secret("client-1"), Some(secret));
        assert_eq!(back.profile()["username"], USERNAME);
        let next = back.account_next_id();
        assert_eq!(next, store.account_next_id());
        back.forget_client_secrets("client-1");
        assert_eq!(back.client_secret("client-1"), None);
        assert!(back.take_code(&code).is_none(), "forgotten with its client");
        back.revoke_app_tokens(9);
        assert!(back.refresh_token(&refresh).is_none());
        assert!(back.grant_of(&token, now).is_some(), "not the app's");
        back.revoke_tokens_of(&TokenOwner::Personal(7));
        assert!(back.grant_of(&token, now).is_none());
        assert!(back.issued_tokens().is_empty());
    }

    #[test]
    fn expired_tokens_do_not_authenticate() {
        let mut store = Store::default();
        let now = SystemTime::now();
        let issued = IssuedToken {
            grant: Grant::All,
            expiry: Some(now + Duration::from_secs(60)),
            owner: TokenOwner::User(USERNAME.to_owned()),
        };
        store.issue_token("abc", &issued);
        assert!(store.grant_of("abc", now).is_some());
        assert!(
            store
                .grant_of("abc", now + Duration::from_secs(60))
                .is_none()
        );
        assert!(store.issued_token("abc").is_some(), "kept, only refused");
    }

    #[test]
    fn requests_map_to_families() {
        assert_eq!(
            required_scope("POST", "/linode/instances"),
            Some((&["linodes"][..], Level::ReadWrite))
        );
        assert_eq!(
            required_scope("GET", "/account/events"),
            Some((&["events"][..], Level::ReadOnly))
        );
        assert_eq!(
            required_scope("GET", "/linode/stackscripts/1"),
            Some((&["stackscripts"][..], Level::ReadOnly))
        );
        assert_eq!(required_scope("GET", "/profile"), None);
        assert_eq!(
            required_scope("PUT", "/profile"),
            Some((&["account"][..], Level::ReadWrite))
        );
        assert_eq!(required_scope("GET", "/regions"), None);
        assert_eq!(
            required_scope("DELETE", "/networking/firewalls/3"),
            Some((&["firewall"][..], Level::ReadWrite))
        );
    }
}
