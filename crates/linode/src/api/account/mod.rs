//! The account: `/account` and its settings, invoices, payments, OAuth clients, users and
//! network transfer. (The event log, `/account/events`, has a module of its own.)
//!
//! The other sub-families live in sub-modules whose types are re-exported here:
//! [`billing`] (cards, payment methods, payments, promo codes), [`transfers`] (entity and
//! service transfers) and [`access`] (logins, grants, agreements, betas, availability,
//! maintenance, notifications, child accounts, OAuth client thumbnails, cancellation).

pub mod access;
pub mod billing;
pub mod transfers;

pub use access::*;
pub use billing::*;
pub use transfers::*;

use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize};

use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{MaintenancePolicy, Resource, api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    GET_ACCOUNT = GET "/account";
    UPDATE_ACCOUNT = PUT "/account";
    GET_SETTINGS = GET "/account/settings";
    UPDATE_SETTINGS = PUT "/account/settings";
    LIST_INVOICES = GET "/account/invoices";
    GET_INVOICE = GET "/account/invoices/{invoiceId}";
    LIST_INVOICE_ITEMS = GET "/account/invoices/{invoiceId}/items";
    LIST_PAYMENTS = GET "/account/payments";
    GET_PAYMENT = GET "/account/payments/{paymentId}";
    LIST_OAUTH_CLIENTS = GET "/account/oauth-clients";
    CREATE_OAUTH_CLIENT = POST "/account/oauth-clients";
    GET_OAUTH_CLIENT = GET "/account/oauth-clients/{clientId}";
    UPDATE_OAUTH_CLIENT = PUT "/account/oauth-clients/{clientId}";
    DELETE_OAUTH_CLIENT = DELETE "/account/oauth-clients/{clientId}";
    RESET_OAUTH_CLIENT_SECRET = POST "/account/oauth-clients/{clientId}/reset-secret";
    LIST_USERS = GET "/account/users";
    CREATE_USER = POST "/account/users";
    GET_USER = GET "/account/users/{username}";
    UPDATE_USER = PUT "/account/users/{username}";
    DELETE_USER = DELETE "/account/users/{username}";
    GET_TRANSFER = GET "/account/transfer";
}

api_enum! {
    /// Who bills the account.
    pub enum BillingSource {
        /// Akamai.
        Akamai = "akamai",
        /// Linode.
        Linode = "linode",
    }
}

/// The account: contact and billing details, balance and capabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Account {
    /// First line of the billing address (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub address_1: String,
    /// Second line of the billing address (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub address_2: String,
    /// City (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub city: String,
    /// State or province (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub state: String,
    /// Postal code (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub zip: String,
    /// Two-letter ISO 3166 country code (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub country: String,
    /// Company name (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub company: String,
    /// Billing contact's e-mail (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub email: String,
    /// Billing contact's first name (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub first_name: String,
    /// Billing contact's last name (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub last_name: String,
    /// Phone number (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub phone: String,
    /// Tax identification number, empty where none applies (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub tax_id: String,
    /// Balance in US dollars (negative is a credit).
    #[serde(default, deserialize_with = "null_default")]
    pub balance: f64,
    /// The estimate of the next invoice, in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub balance_uninvoiced: f64,
    /// Who bills the account.
    #[serde(default)]
    pub billing_source: Option<BillingSource>,
    /// Products the account may use (`Linodes`, `Block Storage`, ...).
    #[serde(default, deserialize_with = "null_default")]
    pub capabilities: Vec<String>,
    /// The card on file.
    #[serde(default)]
    pub credit_card: Option<CreditCard>,
    /// When the account was opened.
    #[serde(default, with = "timestamp::option")]
    pub active_since: Option<timestamp::Timestamp>,
    /// The account's external unique id.
    #[serde(default)]
    pub euuid: Option<String>,
    /// Promotions applied to the account, as the API describes them.
    #[serde(default, deserialize_with = "null_default")]
    pub active_promotions: Vec<serde_json::Value>,
}

/// The card on file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreditCard {
    /// Its last four digits.
    #[serde(default, deserialize_with = "null_default")]
    pub last_four: String,
    /// Its expiry, `MM/YYYY`.
    #[serde(default, deserialize_with = "null_default")]
    pub expiry: String,
}

impl Account {
    /// The fields the API lets you change, as they are now: what [`save`](Account::save) sends.
    pub fn changes(&self) -> AccountUpdate {
        AccountUpdate {
            address_1: Some(self.address_1.clone()),
            address_2: Some(self.address_2.clone()),
            city: Some(self.city.clone()),
            state: Some(self.state.clone()),
            zip: Some(self.zip.clone()),
            country: Some(self.country.clone()),
            company: Some(self.company.clone()),
            email: Some(self.email.clone()),
            first_name: Some(self.first_name.clone()),
            last_name: Some(self.last_name.clone()),
            phone: Some(self.phone.clone()),
            tax_id: Some(self.tax_id.clone()),
        }
    }

    /// Sends the contact and billing fields and replaces `self` with the API's answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client.account().update(&self.changes()).await?;
        Ok(())
    }
}

/// A partial update of the account: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
#[allow(missing_docs)] // each field is the `Account` field of the same name
pub struct AccountUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
}

impl AccountUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the billing address (first line, city, state, postal code, country).
    pub fn address(
        mut self,
        address_1: impl Into<String>,
        city: impl Into<String>,
        state: impl Into<String>,
        zip: impl Into<String>,
        country: impl Into<String>,
    ) -> Self {
        self.address_1 = Some(address_1.into());
        self.city = Some(city.into());
        self.state = Some(state.into());
        self.zip = Some(zip.into());
        self.country = Some(country.into());
        self
    }
}

setters! {
    AccountUpdate {
        /// Sets the billing e-mail.
        email: into String,
        /// Sets the company name.
        company: into String,
    }
}

api_enum! {
    /// Whether Object Storage is on for the account.
    pub enum ObjectStorageStatus {
        /// Never enabled.
        Disabled = "disabled",
        /// Suspended.
        Suspended = "suspended",
        /// On.
        Active = "active",
    }
}

/// Account-wide settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountSettings {
    /// Whether Linode Managed is on.
    #[serde(default, deserialize_with = "null_default")]
    pub managed: bool,
    /// The Longview Pro plan (`longview-10`, ...), `None` for Longview Free.
    #[serde(default)]
    pub longview_subscription: Option<String>,
    /// Whether Network Helper is on by default for new Linodes and configs (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub network_helper: bool,
    /// Whether new Linodes join the backup service by default (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub backups_enabled: bool,
    /// Object Storage status.
    #[serde(default)]
    pub object_storage: Option<ObjectStorageStatus>,
    /// Which network interfaces new Linodes get.
    #[serde(default)]
    pub interfaces_for_new_linodes: Option<InterfacesForNewLinodes>,
    /// What happens to Linodes during host maintenance, unless set on the Linode.
    #[serde(default)]
    pub maintenance_policy: Option<MaintenancePolicy>,
}

api_enum! {
    /// Which network interfaces new Linodes of the account get.
    pub enum InterfacesForNewLinodes {
        /// Only interfaces in configuration profiles.
        LegacyConfigOnly = "legacy_config_only",
        /// Configuration profile interfaces unless Linode interfaces are asked for.
        LegacyConfigDefaultButLinodeAllowed = "legacy_config_default_but_linode_allowed",
        /// Linode interfaces unless configuration profile interfaces are asked for.
        LinodeDefaultButLegacyConfigAllowed = "linode_default_but_legacy_config_allowed",
        /// Only Linode interfaces.
        LinodeOnly = "linode_only",
    }
}

impl AccountSettings {
    /// The settings the API lets you change, as they are now.
    pub fn changes(&self) -> SettingsUpdate {
        SettingsUpdate {
            network_helper: Some(self.network_helper),
            backups_enabled: Some(self.backups_enabled),
        }
    }

    /// Sends the mutable settings and replaces `self` with the API's answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client.account().update_settings(&self.changes()).await?;
        Ok(())
    }
}

/// A change of the account settings: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SettingsUpdate {
    /// Network Helper on by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_helper: Option<bool>,
    /// Backups on by default for new Linodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backups_enabled: Option<bool>,
}

impl SettingsUpdate {
    /// A change that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    SettingsUpdate {
        /// Sets the Network Helper default.
        network_helper: value bool,
        /// Sets the backups default.
        backups_enabled: value bool,
    }
}

/// A monthly invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Invoice {
    /// The invoice's id.
    pub id: u64,
    /// When it was issued.
    #[serde(with = "timestamp")]
    pub date: timestamp::Timestamp,
    /// Its label, such as `Invoice #123`.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Amount before tax, in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub subtotal: f64,
    /// Tax, in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub tax: f64,
    /// Each tax that applied.
    #[serde(default, deserialize_with = "null_default")]
    pub tax_summary: Vec<TaxLine>,
    /// Amount due, in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub total: f64,
    /// Who billed it.
    #[serde(default)]
    pub billing_source: Option<BillingSource>,
}

/// One tax of an invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaxLine {
    /// The tax's name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Its amount in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub tax: f64,
}

filterable!(Invoice {
    BILLING_SOURCE: Text = "billing_source",
    DATE: Time = "date",
    LABEL: Text = "label",
    TOTAL: Number = "total",
});

impl Resource for Invoice {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_INVOICE.path(&[id])
    }
}

api_enum! {
    /// How an invoice item is billed.
    pub enum InvoiceItemType {
        /// By the hour.
        Hourly = "hourly",
        /// Anything else.
        Misc = "misc",
    }
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InvoiceItem {
    /// What was billed, such as `Linode 2GB - web-1`.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Amount before tax, in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub amount: f64,
    /// Tax, in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub tax: f64,
    /// Amount with tax, in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub total: f64,
    /// Start of the billed period.
    #[serde(default, with = "timestamp::option")]
    pub from: Option<timestamp::Timestamp>,
    /// End of the billed period.
    #[serde(default, with = "timestamp::option")]
    pub to: Option<timestamp::Timestamp>,
    /// How many units (hours) were billed.
    #[serde(default, deserialize_with = "null_default")]
    pub quantity: u64,
    /// The price of one unit, as the API writes it (`0.018`).
    #[serde(default, deserialize_with = "text_or_number")]
    pub unit_price: String,
    /// How it is billed.
    #[serde(rename = "type", default)]
    pub item_type: Option<InvoiceItemType>,
    /// The region of the billed service, if any.
    #[serde(default)]
    pub region: Option<String>,
}

/// Accepts a string or a number (the API has sent both for prices), as text.
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    })
}

/// A payment made to the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Payment {
    /// The payment's id.
    pub id: u64,
    /// When it was made.
    #[serde(with = "timestamp")]
    pub date: timestamp::Timestamp,
    /// Amount in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub usd: f64,
}

filterable!(Payment {
    DATE: Time = "date",
    USD: Number = "usd",
});

impl Resource for Payment {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_PAYMENT.path(&[id])
    }
}

api_enum! {
    /// Whether an OAuth client can be used.
    pub enum OAuthClientStatus {
        /// In use.
        Active = "active",
        /// Turned off.
        Disabled = "disabled",
        /// Suspended.
        Suspended = "suspended",
    }
}

/// An application registered to log users in with OAuth. Its secret is shown only when it is
/// created or reset (see [`NewOAuthClient`]); other answers redact it.
///
/// Its secret is left out when it is serialized and when clients are compared.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OAuthClient {
    /// The client's id, the `client_id` of the OAuth flow.
    pub id: String,
    /// Its name, shown to users who log in (mutable).
    pub label: String,
    /// Where users are sent back after logging in (mutable).
    pub redirect_uri: String,
    /// Whether it is a public client (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub public: bool,
    /// Whether it can be used.
    pub status: OAuthClientStatus,
    /// Where its thumbnail is served, if it has one.
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    /// Its secret, when the answer shows it (`None` when the API redacts it, as it does
    /// everywhere but at creation and reset).
    #[serde(
        default,
        skip_serializing,
        deserialize_with = "crate::model::unredacted_secret"
    )]
    pub secret: Option<SecretString>,
}

impl PartialEq for OAuthClient {
    fn eq(&self, other: &Self) -> bool {
        (
            &self.id,
            &self.label,
            &self.redirect_uri,
            self.public,
            &self.status,
            &self.thumbnail_url,
        ) == (
            &other.id,
            &other.label,
            &other.redirect_uri,
            other.public,
            &other.status,
            &other.thumbnail_url,
        )
    }
}

filterable!(OAuthClient {
    LABEL: Text = "label",
    PUBLIC: Bool = "public",
});

impl Resource for OAuthClient {
    type Id = String;
    fn path(id: &String) -> Path {
        GET_OAUTH_CLIENT.path(&[id])
    }
}

impl OAuthClient {
    /// The fields the API lets you change, as they are now.
    pub fn changes(&self) -> OAuthClientUpdate {
        OAuthClientUpdate {
            label: Some(self.label.clone()),
            redirect_uri: Some(self.redirect_uri.clone()),
            public: Some(self.public),
        }
    }

    /// Sends the label, redirect URI and `public` flag and replaces `self` with the answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client
            .account()
            .update_oauth_client(&self.id, &self.changes())
            .await?;
        Ok(())
    }

    /// Deletes the client; the tokens issued to it stop working.
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.account().delete_oauth_client(&self.id).await
    }
}

/// An OAuth client with its secret, as the API shows it once: at creation and at a reset.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NewOAuthClient {
    /// The client.
    pub client: OAuthClient,
    /// Its secret, for [`LoginClient::new`](crate::login::LoginClient::new). Keep it: the API
    /// will not show it again.
    pub secret: SecretString,
}

impl<'de> Deserialize<'de> for NewOAuthClient {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct WithSecret {
            #[serde(flatten)]
            client: OAuthClient,
            secret: String,
        }
        let mut with = WithSecret::deserialize(d)?;
        with.client.secret = Some(SecretString::from(with.secret.clone()));
        Ok(NewOAuthClient {
            client: with.client,
            secret: SecretString::from(with.secret),
        })
    }
}

/// What to register: a label and a redirect URI.
///
/// ```
/// use linode::api::account::CreateOAuthClient;
/// let request = CreateOAuthClient::new("My app", "https://app.example/callback").public(false);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateOAuthClient {
    label: String,
    redirect_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    public: Option<bool>,
}

impl CreateOAuthClient {
    /// A client called `label` that sends users back to `redirect_uri`.
    pub fn new(label: impl Into<String>, redirect_uri: impl Into<String>) -> Self {
        CreateOAuthClient {
            label: label.into(),
            redirect_uri: redirect_uri.into(),
            public: None,
        }
    }
}

setters! {
    CreateOAuthClient {
        /// Whether it is a public client (one that cannot keep a secret, such as a mobile app).
        public: value bool,
    }
}

/// A change of an OAuth client: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct OAuthClientUpdate {
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New redirect URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// New `public` flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
}

impl OAuthClientUpdate {
    /// A change that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    OAuthClientUpdate {
        /// Sets the name.
        label: into String,
        /// Sets the redirect URI.
        redirect_uri: into String,
    }
}

/// A user of the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The user's name, which identifies it (renamed with
    /// [`update_user`](AccountGroup::update_user)).
    pub username: String,
    /// The user's e-mail (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub email: String,
    /// Whether the user only has the grants given to it (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub restricted: bool,
    /// Labels of the user's SSH keys.
    #[serde(default, deserialize_with = "null_default")]
    pub ssh_keys: Vec<String>,
    /// Whether two-factor authentication is on.
    #[serde(default, deserialize_with = "null_default")]
    pub tfa_enabled: bool,
    /// The verified phone number, if any.
    #[serde(default)]
    pub verified_phone_number: Option<String>,
    /// When the password was set, if it was.
    #[serde(default, with = "timestamp::option")]
    pub password_created: Option<timestamp::Timestamp>,
    /// The last login, if any.
    #[serde(default)]
    pub last_login: Option<LastLogin>,
    /// `default`, `parent`, `child` or `proxy`.
    #[serde(default)]
    pub user_type: Option<String>,
}

/// A user's last login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LastLogin {
    /// When.
    #[serde(with = "timestamp")]
    pub login_datetime: timestamp::Timestamp,
    /// `successful` or `failed`.
    #[serde(default, deserialize_with = "null_default")]
    pub status: String,
}

filterable!(User {
    USERNAME: Text = "username",
});

impl Resource for User {
    type Id = String;
    fn path(id: &String) -> Path {
        GET_USER.path(&[id])
    }
}

impl User {
    /// The fields [`save`](User::save) sends: e-mail and `restricted`.
    pub fn changes(&self) -> UserUpdate {
        UserUpdate {
            username: None,
            email: Some(self.email.clone()),
            restricted: Some(self.restricted),
        }
    }

    /// Sends the e-mail and `restricted` flag and replaces `self` with the answer. (To rename
    /// a user, use [`update_user`](AccountGroup::update_user).)
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client
            .account()
            .update_user(&self.username, &self.changes())
            .await?;
        Ok(())
    }

    /// Deletes the user.
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.account().delete_user(&self.username).await
    }
}

/// A new user: a name and an e-mail.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateUser {
    username: String,
    email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    restricted: Option<bool>,
}

impl CreateUser {
    /// A user called `username` (3-32 characters) reached at `email`.
    pub fn new(username: impl Into<String>, email: impl Into<String>) -> Self {
        CreateUser {
            username: username.into(),
            email: email.into(),
            restricted: None,
        }
    }
}

setters! {
    CreateUser {
        /// Whether the user only gets the grants given to it.
        restricted: value bool,
    }
}

/// A change of a user: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UserUpdate {
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// New e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// New `restricted` flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted: Option<bool>,
}

impl UserUpdate {
    /// A change that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    UserUpdate {
        /// Renames the user.
        username: into String,
        /// Sets the e-mail.
        email: into String,
        /// Sets the `restricted` flag.
        restricted: value bool,
    }
}

/// The month's network transfer pool, in GB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Transfer {
    /// Transfer beyond the quota, billed.
    #[serde(default, deserialize_with = "null_default")]
    pub billable: u64,
    /// The pool's size.
    #[serde(default, deserialize_with = "null_default")]
    pub quota: u64,
    /// Used so far.
    #[serde(default, deserialize_with = "null_default")]
    pub used: u64,
    /// The same per region.
    #[serde(default, deserialize_with = "null_default")]
    pub region_transfers: Vec<RegionTransfer>,
}

/// One region's share of the transfer pool, in GB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RegionTransfer {
    /// The region.
    pub id: String,
    /// Billable transfer.
    #[serde(default, deserialize_with = "null_default")]
    pub billable: u64,
    /// Quota.
    #[serde(default, deserialize_with = "null_default")]
    pub quota: u64,
    /// Used so far.
    #[serde(default, deserialize_with = "null_default")]
    pub used: u64,
}

/// Calls under `/account`.
#[derive(Debug, Clone, Copy)]
pub struct AccountGroup<'c> {
    pub(crate) client: &'c Client,
}

impl Client {
    /// The account: settings, invoices, payments, OAuth clients, users, transfer
    /// (`/account/...`).
    pub fn account(&self) -> AccountGroup<'_> {
        AccountGroup { client: self }
    }
}

pub(crate) fn not_blank(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::invalid(field, "is empty"))
    } else {
        Ok(())
    }
}

impl AccountGroup<'_> {
    /// Loads the account.
    pub async fn get(&self) -> Result<Account> {
        self.client.send(GET_ACCOUNT.request(&[])).await
    }

    /// Changes the fields set in `update` and returns the account as it is now.
    pub async fn update(&self, update: &AccountUpdate) -> Result<Account> {
        self.client
            .send(UPDATE_ACCOUNT.with_body(&[], update)?)
            .await
    }

    /// Loads the account settings.
    pub async fn settings(&self) -> Result<AccountSettings> {
        self.client.send(GET_SETTINGS.request(&[])).await
    }

    /// Changes the settings set in `update` and returns them as they are now.
    pub async fn update_settings(&self, update: &SettingsUpdate) -> Result<AccountSettings> {
        self.client
            .send(UPDATE_SETTINGS.with_body(&[], update)?)
            .await
    }

    /// Lists the invoices, newest first.
    pub fn invoices(&self) -> ListRequest<Invoice> {
        ListRequest::new(self.client, LIST_INVOICES.path(&[]))
    }

    /// Loads one invoice.
    pub async fn invoice(&self, id: u64) -> Result<Invoice> {
        self.client.load::<Invoice>(id).await
    }

    /// Lists the items of an invoice.
    pub fn invoice_items(&self, invoice_id: u64) -> ListRequest<InvoiceItem> {
        ListRequest::new(self.client, LIST_INVOICE_ITEMS.path(&[&invoice_id]))
    }

    /// Lists the payments, newest first.
    pub fn payments(&self) -> ListRequest<Payment> {
        ListRequest::new(self.client, LIST_PAYMENTS.path(&[]))
    }

    /// Loads one payment.
    pub async fn payment(&self, id: u64) -> Result<Payment> {
        self.client.load::<Payment>(id).await
    }

    /// Lists the OAuth clients.
    pub fn oauth_clients(&self) -> ListRequest<OAuthClient> {
        ListRequest::new(self.client, LIST_OAUTH_CLIENTS.path(&[]))
    }

    /// Loads one OAuth client (without its secret).
    pub async fn oauth_client(&self, id: &str) -> Result<OAuthClient> {
        self.client.load::<OAuthClient>(id.to_owned()).await
    }

    /// Registers an OAuth client and returns it with its secret, which the API shows only
    /// this once.
    pub async fn create_oauth_client(&self, request: CreateOAuthClient) -> Result<NewOAuthClient> {
        not_blank("label", &request.label)?;
        not_blank("redirect_uri", &request.redirect_uri)?;
        self.client
            .send(CREATE_OAUTH_CLIENT.with_body(&[], &request)?)
            .await
    }

    /// Changes the fields set in `update` and returns the client as it is now.
    pub async fn update_oauth_client(
        &self,
        id: &str,
        update: &OAuthClientUpdate,
    ) -> Result<OAuthClient> {
        if let Some(label) = &update.label {
            not_blank("label", label)?;
        }
        self.client
            .send(UPDATE_OAUTH_CLIENT.with_body(&[&id], update)?)
            .await
    }

    /// Deletes an OAuth client; the tokens issued to it stop working.
    pub async fn delete_oauth_client(&self, id: &str) -> Result<()> {
        self.client
            .send_empty(DELETE_OAUTH_CLIENT.request(&[&id]))
            .await
    }

    /// Gives an OAuth client a new secret (the old one stops working) and returns it.
    pub async fn reset_oauth_client_secret(&self, id: &str) -> Result<NewOAuthClient> {
        self.client
            .send(RESET_OAUTH_CLIENT_SECRET.request(&[&id]))
            .await
    }

    /// Lists the account's users.
    pub fn users(&self) -> ListRequest<User> {
        ListRequest::new(self.client, LIST_USERS.path(&[]))
    }

    /// Loads one user.
    pub async fn user(&self, username: &str) -> Result<User> {
        self.client.load::<User>(username.to_owned()).await
    }

    /// Adds a user.
    pub async fn create_user(&self, request: CreateUser) -> Result<User> {
        not_blank("username", &request.username)?;
        not_blank("email", &request.email)?;
        self.client
            .send(CREATE_USER.with_body(&[], &request)?)
            .await
    }

    /// Changes the fields set in `update` (a rename included) and returns the user.
    pub async fn update_user(&self, username: &str, update: &UserUpdate) -> Result<User> {
        if let Some(name) = &update.username {
            not_blank("username", name)?;
        }
        self.client
            .send(UPDATE_USER.with_body(&[&username], update)?)
            .await
    }

    /// Deletes a user.
    pub async fn delete_user(&self, username: &str) -> Result<()> {
        self.client
            .send_empty(DELETE_USER.request(&[&username]))
            .await
    }

    /// The month's network transfer pool.
    pub async fn transfer(&self) -> Result<Transfer> {
        self.client.send(GET_TRANSFER.request(&[])).await
    }
}
