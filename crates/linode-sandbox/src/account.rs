//! The sandbox's single user and account: profile, users, billing, OAuth clients, tokens and
//! their scopes, authorized apps, SSH keys, Longview clients and support tickets.
//!
//! Everything here is JSON shaped as the API serves it, plus the secrets the API never shows
//! again (OAuth client secrets, token strings), kept apart from the served objects.

use std::collections::{BTreeMap, HashMap};
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
}

/// The field of an invoice item naming its invoice (never served).
pub const INVOICE: &str = "invoice_id";

/// The field of a ticket reply naming its ticket (never served).
pub const TICKET: &str = "ticket_id";

/// The account-level state as [`crate::Sandbox::with_account`] shows it: the typed
/// [`AccountState`] (through `Deref`) and the account's collections kept in the store.
pub struct AccountView<'a> {
    state: &'a AccountState,
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
            state: &store.account,
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

impl std::ops::Deref for AccountView<'_> {
    type Target = AccountState;
    fn deref(&self) -> &AccountState {
        self.state
    }
}

impl Store {
    /// Removes an authorized app and revokes its tokens.
    pub fn remove_app(&mut self, app_id: u64) -> Option<Value> {
        self.account.revoke_app_tokens(app_id);
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
        let owner = self.account.profile["username"]
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

/// A refresh token and what it renews.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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

/// The account-level state of one sandbox.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct AccountState {
    /// `GET /account`.
    pub account: Value,
    /// `GET /account/settings`.
    pub settings: Value,
    /// `GET /profile`.
    pub profile: Value,
    /// The current secret of each OAuth client.
    pub client_secrets: HashMap<String, String>,
    /// Every token accepted besides the main one, by token string.
    pub tokens: HashMap<String, IssuedToken>,
    /// Authorization codes not yet exchanged.
    pub codes: HashMap<String, PendingCode>,
    /// Refresh tokens not yet used.
    pub refresh_tokens: HashMap<String, RefreshGrant>,
    next_id: u64,
}

/// Shows the served objects and how many secrets there are, never the secrets (token strings,
/// client secrets, codes).
impl std::fmt::Debug for AccountState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountState")
            .field("account", &self.account)
            .field("settings", &self.settings)
            .field("profile", &self.profile)
            .field("client_secrets", &self.client_secrets.len())
            .field("tokens", &self.tokens.len())
            .field("codes", &self.codes.len())
            .field("refresh_tokens", &self.refresh_tokens.len())
            .field("next_id", &self.next_id)
            .finish()
    }
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

impl Default for AccountState {
    fn default() -> Self {
        AccountState {
            account: json!({
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
            settings: json!({
                "managed": false,
                "longview_subscription": null,
                "network_helper": true,
                "backups_enabled": false,
                "object_storage": "disabled",
                "interfaces_for_new_linodes": "legacy_config_default_but_linode_allowed",
                "maintenance_policy": "linode/migrate"
            }),
            profile: json!({
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
            client_secrets: HashMap::new(),
            tokens: HashMap::new(),
            codes: HashMap::new(),
            refresh_tokens: HashMap::new(),
            next_id: 1000,
        }
    }
}

impl Store {
    /// The account's own user, as a fresh sandbox has it.
    pub(crate) fn seed_owner(&mut self) {
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

impl AccountState {
    /// A fresh id for any object of this module (ids are unique across kinds).
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
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
        let id = self.account.next_id();
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

impl AccountState {
    /// The grant and validity of a token other than the main one, at time `now`; `None` when
    /// it is unknown, revoked or expired.
    pub fn grant_of(&self, token: &str, now: SystemTime) -> Option<&IssuedToken> {
        let issued = self.tokens.get(token)?;
        match issued.expiry {
            Some(expiry) if expiry <= now => None,
            _ => Some(issued),
        }
    }

    /// Revokes every token of an authorized app.
    pub fn revoke_app_tokens(&mut self, app_id: u64) {
        self.tokens.retain(
            |_, t| !matches!(&t.owner, TokenOwner::OAuth { app_id: a, .. } if *a == app_id),
        );
        self.refresh_tokens.retain(|_, r| r.app_id != app_id);
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
