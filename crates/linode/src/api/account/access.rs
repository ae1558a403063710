//! The rest of `/account`: logins, user grants, users who may skip two-factor
//! authentication, child accounts, agreements, beta enrolment, regional availability,
//! maintenance, notifications, OAuth client thumbnails, enabling Managed and cancelling.

use serde::{Deserialize, Serialize};

use super::{Account, AccountGroup};
use crate::api::profile::NewToken;
use crate::client::Path;
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    GET_AGREEMENTS = GET "/account/agreements";
    ACKNOWLEDGE_AGREEMENTS = POST "/account/agreements";
    LIST_AVAILABILITY = GET "/account/availability";
    GET_AVAILABILITY = GET "/account/availability/{regionId}";
    LIST_ENROLLED_BETAS = GET "/account/betas";
    ENROLL_BETA = POST "/account/betas";
    GET_ENROLLED_BETA = GET "/account/betas/{betaId}";
    CANCEL_ACCOUNT = POST "/account/cancel";
    LIST_CHILD_ACCOUNTS = GET "/account/child-accounts";
    GET_CHILD_ACCOUNT = GET "/account/child-accounts/{euuId}";
    CREATE_CHILD_TOKEN = POST "/account/child-accounts/{euuId}/token";
    LIST_LOGINS = GET "/account/logins";
    GET_LOGIN = GET "/account/logins/{loginId}";
    LIST_MAINTENANCE = GET "/account/maintenance";
    LIST_NOTIFICATIONS = GET "/account/notifications";
    GET_THUMBNAIL = GET "/account/oauth-clients/{clientId}/thumbnail";
    SET_THUMBNAIL = PUT "/account/oauth-clients/{clientId}/thumbnail";
    ENABLE_MANAGED = POST "/account/settings/managed-enable";
    LIST_TFA_OPTIONAL_USERS = GET "/account/tfa-optional-users";
    SET_TFA_OPTIONAL_USERS = PUT "/account/tfa-optional-users";
    GET_GRANTS = GET "/account/users/{username}/grants";
    SET_GRANTS = PUT "/account/users/{username}/grants";
}

/// The most a thumbnail may weigh, in bytes (the API's limit).
pub const MAX_THUMBNAIL_BYTES: usize = 128 * 1024;

/// Which agreements the account acknowledged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Agreements {
    /// The cross-border data transfer agreement.
    #[serde(default, deserialize_with = "null_default")]
    pub eu_model: bool,
    /// The master service agreement.
    #[serde(default, deserialize_with = "null_default")]
    pub master_service_agreement: bool,
    /// The privacy statement.
    #[serde(default, deserialize_with = "null_default")]
    pub privacy_policy: bool,
}

/// What the account may deploy in a region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Availability {
    /// The region.
    pub region: String,
    /// Services available to the account there.
    #[serde(default, deserialize_with = "null_default")]
    pub available: Vec<String>,
    /// Services the region offers that the account may not use there.
    #[serde(default, deserialize_with = "null_default")]
    pub unavailable: Vec<String>,
}

/// A beta program the account is enrolled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EnrolledBeta {
    /// The program's id.
    pub id: String,
    /// Its name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// What it is about.
    #[serde(default)]
    pub description: Option<String>,
    /// When it started.
    #[serde(default, with = "timestamp::option")]
    pub started: Option<timestamp::Timestamp>,
    /// When it ended, if it did.
    #[serde(default, with = "timestamp::option")]
    pub ended: Option<timestamp::Timestamp>,
    /// When the account enrolled.
    #[serde(default, with = "timestamp::option")]
    pub enrolled: Option<timestamp::Timestamp>,
}

filterable!(EnrolledBeta {
    ENDED: Time = "ended",
    ENROLLED: Time = "enrolled",
    LABEL: Text = "label",
    STARTED: Time = "started",
});

impl Resource for EnrolledBeta {
    type Id = String;
    fn path(id: &String) -> Path {
        GET_ENROLLED_BETA.path(&[id])
    }
}

/// What cancelling the account answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cancellation {
    /// A survey about why the account closed.
    #[serde(default, deserialize_with = "null_default")]
    pub survey_link: String,
}

/// A child account of a parent account: the same fields as an [`Account`].
pub type ChildAccount = Account;

/// A login to the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Login {
    /// Its id.
    pub id: u64,
    /// When.
    #[serde(with = "timestamp")]
    pub datetime: timestamp::Timestamp,
    /// From which address.
    #[serde(default, deserialize_with = "null_default")]
    pub ip: String,
    /// Whether the user was restricted.
    #[serde(default, deserialize_with = "null_default")]
    pub restricted: bool,
    /// `successful` or `failed`.
    #[serde(default, deserialize_with = "null_default")]
    pub status: String,
    /// Who.
    #[serde(default, deserialize_with = "null_default")]
    pub username: String,
}

impl Resource for Login {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_LOGIN.path(&[id])
    }
}

/// The entity an account notice (maintenance or notification) is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NoticeEntity {
    /// Its id, when it has one.
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    /// Its label, when it has one.
    #[serde(default)]
    pub label: Option<String>,
    /// Its kind (`linode`, `volume`, ...).
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub entity_type: String,
    /// Its URL, when it has one.
    #[serde(default)]
    pub url: Option<String>,
}

/// A maintenance scheduled on one of the account's entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Maintenance {
    /// What it is done to.
    #[serde(default)]
    pub entity: Option<NoticeEntity>,
    /// Why.
    #[serde(default, deserialize_with = "null_default")]
    pub reason: String,
    /// `pending`, `scheduled`, `started`, `completed`, ...
    #[serde(default, deserialize_with = "null_default")]
    pub status: String,
    /// `reboot`, `cold_migration`, `live_migration`, ...
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub maintenance_type: String,
    /// When it is due.
    #[serde(default, with = "timestamp::option")]
    pub when: Option<timestamp::Timestamp>,
}

filterable!(Maintenance {
    STATUS: Text = "status",
    TYPE: Text = "type",
    WHEN: Time = "when",
});

api_enum! {
    /// How serious a notification is.
    pub enum Severity {
        /// Minor.
        Minor = "minor",
        /// Major.
        Major = "major",
        /// Critical.
        Critical = "critical",
    }
}

/// Something the account should know about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Notification {
    /// Its title.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Its text.
    #[serde(default, deserialize_with = "null_default")]
    pub message: String,
    /// More text, if any.
    #[serde(default)]
    pub body: Option<String>,
    /// Its kind (`maintenance`, `outage`, `promotion`, ...).
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub notification_type: String,
    /// How serious it is.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// What it is about.
    #[serde(default)]
    pub entity: Option<NoticeEntity>,
    /// When it starts applying.
    #[serde(default, with = "timestamp::option")]
    pub when: Option<timestamp::Timestamp>,
    /// Until when it applies.
    #[serde(default, with = "timestamp::option")]
    pub until: Option<timestamp::Timestamp>,
}

filterable!(Notification {
    TYPE: Text = "type",
});

/// A user exempt from the account's two-factor enforcement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TfaOptionalUser {
    /// The user.
    pub username: String,
}

/// What replacing the exempt users answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TfaOptionalUsersUpdate {
    /// How many users are exempt now.
    #[serde(default, deserialize_with = "null_default")]
    pub tfa_optional_users_count: u64,
}

api_enum! {
    /// A user's access to one entity or to the account.
    pub enum Permission {
        /// May see it.
        ReadOnly = "read_only",
        /// May see and change it.
        ReadWrite = "read_write",
    }
}

/// A user's access to one entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Grant {
    /// The entity's id.
    pub id: u64,
    /// The entity's label (read-only).
    #[serde(default, deserialize_with = "null_default", skip_serializing)]
    pub label: String,
    /// The access, `None` for none.
    #[serde(default)]
    pub permissions: Option<Permission>,
}

impl Grant {
    /// Access `permissions` to entity `id`.
    pub fn new(id: u64, permissions: Option<Permission>) -> Self {
        Grant {
            id,
            label: String::new(),
            permissions,
        }
    }
}

/// What a restricted user may do account-wide: the `add_*` flags allow creating entities of
/// that kind; flags this version does not know are kept in `other`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GlobalGrants {
    /// Access to the account's billing and users, `None` for none.
    #[serde(default)]
    pub account_access: Option<Permission>,
    /// May create Managed Databases.
    #[serde(default, deserialize_with = "null_default")]
    pub add_databases: bool,
    /// May create Domains.
    #[serde(default, deserialize_with = "null_default")]
    pub add_domains: bool,
    /// May create Cloud Firewalls.
    #[serde(default, deserialize_with = "null_default")]
    pub add_firewalls: bool,
    /// May create Images.
    #[serde(default, deserialize_with = "null_default")]
    pub add_images: bool,
    /// May create Linodes.
    #[serde(default, deserialize_with = "null_default")]
    pub add_linodes: bool,
    /// May create Longview clients and see the plan.
    #[serde(default, deserialize_with = "null_default")]
    pub add_longview: bool,
    /// May create NodeBalancers.
    #[serde(default, deserialize_with = "null_default")]
    pub add_nodebalancers: bool,
    /// May create StackScripts.
    #[serde(default, deserialize_with = "null_default")]
    pub add_stackscripts: bool,
    /// May create Volumes.
    #[serde(default, deserialize_with = "null_default")]
    pub add_volumes: bool,
    /// May create VPCs.
    #[serde(default, deserialize_with = "null_default")]
    pub add_vpcs: bool,
    /// May cancel the account.
    #[serde(default, deserialize_with = "null_default")]
    pub cancel_account: bool,
    /// May change the Longview subscription.
    #[serde(default, deserialize_with = "null_default")]
    pub longview_subscription: bool,
    /// May act on child accounts (parent accounts only; deprecated by the API, `None` on
    /// other accounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_account_access: Option<bool>,
    /// The other flags, as the API sends them.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// A user's grants: account-wide, and per entity of each kind. Kinds left empty are not
/// sent, so a replacement leaves them as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Grants {
    /// Account-wide grants.
    #[serde(default, deserialize_with = "null_default")]
    pub global: GlobalGrants,
    /// Per entity: Managed Databases.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub database: Vec<Grant>,
    /// Per entity: Domains.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub domain: Vec<Grant>,
    /// Per entity: Cloud Firewalls.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub firewall: Vec<Grant>,
    /// Per entity: private Images.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub image: Vec<Grant>,
    /// Per entity: Linodes.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub linode: Vec<Grant>,
    /// Per entity: Longview clients.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub longview: Vec<Grant>,
    /// Per entity: NodeBalancers.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub nodebalancer: Vec<Grant>,
    /// Per entity: the account's StackScripts.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub stackscript: Vec<Grant>,
    /// Per entity: Volumes.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub volume: Vec<Grant>,
    /// Per entity: VPCs.
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub vpc: Vec<Grant>,
    /// The other kinds (such as `placement_group`), as the API sends them.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl AccountGroup<'_> {
    /// Which agreements the account acknowledged.
    pub async fn agreements(&self) -> Result<Agreements> {
        self.client.send(GET_AGREEMENTS.request(&[])).await
    }

    /// Acknowledges the agreements set to `true` in `agreements`.
    pub async fn acknowledge_agreements(&self, agreements: &Agreements) -> Result<()> {
        self.client
            .send_empty(ACKNOWLEDGE_AGREEMENTS.with_body(&[], agreements)?)
            .await
    }

    /// What the account may deploy, region by region.
    pub fn availability(&self) -> ListRequest<Availability> {
        ListRequest::new(self.client, LIST_AVAILABILITY.path(&[]))
    }

    /// What the account may deploy in one region.
    pub async fn region_availability(&self, region: &str) -> Result<Availability> {
        super::not_blank("region", region)?;
        self.client.send(GET_AVAILABILITY.request(&[&region])).await
    }

    /// The beta programs the account is enrolled in.
    pub fn enrolled_betas(&self) -> ListRequest<EnrolledBeta> {
        ListRequest::new(self.client, LIST_ENROLLED_BETAS.path(&[]))
    }

    /// One enrolled beta program.
    pub async fn enrolled_beta(&self, id: &str) -> Result<EnrolledBeta> {
        self.client.load::<EnrolledBeta>(id.to_owned()).await
    }

    /// Enrolls the account in a beta program (an id from [`betas`](crate::Client::betas)).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// client.account().enroll_beta("example_open").await?;
    /// # Ok(()) }
    /// ```
    pub async fn enroll_beta(&self, id: &str) -> Result<()> {
        super::not_blank("id", id)?;
        self.client
            .send_empty(ENROLL_BETA.with_body(&[], &serde_json::json!({ "id": id }))?)
            .await
    }

    /// Cancels the account, with an optional comment; everything on it is removed.
    pub async fn cancel(&self, comments: Option<&str>) -> Result<Cancellation> {
        let body = serde_json::json!({ "comments": comments });
        self.client
            .send(CANCEL_ACCOUNT.with_body(&[], &body)?)
            .await
    }

    /// The child accounts of this parent account.
    pub fn child_accounts(&self) -> ListRequest<ChildAccount> {
        ListRequest::new(self.client, LIST_CHILD_ACCOUNTS.path(&[]))
    }

    /// One child account by its `euuid`.
    pub async fn child_account(&self, euuid: &str) -> Result<ChildAccount> {
        super::not_blank("euuid", euuid)?;
        self.client.send(GET_CHILD_ACCOUNT.request(&[&euuid])).await
    }

    /// A short-lived token acting on a child account, for a parent account's user.
    pub async fn child_account_token(&self, euuid: &str) -> Result<NewToken> {
        super::not_blank("euuid", euuid)?;
        self.client
            .send(CREATE_CHILD_TOKEN.request(&[&euuid]))
            .await
    }

    /// The logins to the account, newest first.
    pub fn logins(&self) -> ListRequest<Login> {
        ListRequest::new(self.client, LIST_LOGINS.path(&[]))
    }

    /// One login.
    pub async fn login(&self, id: u64) -> Result<Login> {
        self.client.load::<Login>(id).await
    }

    /// Maintenance scheduled on the account's entities.
    pub fn maintenance(&self) -> ListRequest<Maintenance> {
        ListRequest::new(self.client, LIST_MAINTENANCE.path(&[]))
    }

    /// Notifications for the account.
    pub fn notifications(&self) -> ListRequest<Notification> {
        ListRequest::new(self.client, LIST_NOTIFICATIONS.path(&[]))
    }

    /// An OAuth client's thumbnail: PNG bytes.
    pub async fn oauth_client_thumbnail(&self, client_id: &str) -> Result<Vec<u8>> {
        super::not_blank("client_id", client_id)?;
        let bytes = self
            .client
            .send_bytes(GET_THUMBNAIL.request(&[&client_id]))
            .await?;
        Ok(bytes.to_vec())
    }

    /// Sets an OAuth client's thumbnail from PNG bytes (at most [`MAX_THUMBNAIL_BYTES`]).
    pub async fn set_oauth_client_thumbnail(&self, client_id: &str, png: &[u8]) -> Result<()> {
        super::not_blank("client_id", client_id)?;
        if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(Error::invalid("thumbnail", "is not a PNG image"));
        }
        if png.len() > MAX_THUMBNAIL_BYTES {
            return Err(Error::invalid("thumbnail", "is larger than 128 KiB"));
        }
        self.client
            .send_empty(
                SET_THUMBNAIL
                    .request(&[&client_id])
                    .raw_body("image/png".to_owned(), png.to_vec()),
            )
            .await
    }

    /// Turns Linode Managed on for the account.
    pub async fn enable_managed(&self) -> Result<()> {
        self.client.send_empty(ENABLE_MANAGED.request(&[])).await
    }

    /// The users exempt from the account's two-factor enforcement.
    pub fn tfa_optional_users(&self) -> ListRequest<TfaOptionalUser> {
        ListRequest::new(self.client, LIST_TFA_OPTIONAL_USERS.path(&[]))
    }

    /// Replaces the users exempt from the account's two-factor enforcement.
    pub async fn set_tfa_optional_users(
        &self,
        usernames: &[&str],
    ) -> Result<TfaOptionalUsersUpdate> {
        let body = serde_json::json!({ "usernames": usernames });
        self.client
            .send(SET_TFA_OPTIONAL_USERS.with_body(&[], &body)?)
            .await
    }

    /// A user's grants.
    pub async fn grants(&self, username: &str) -> Result<Grants> {
        super::not_blank("username", username)?;
        self.client.send(GET_GRANTS.request(&[&username])).await
    }

    /// Replaces a (restricted) user's grants and returns them as they are now.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::account::{Grant, Permission};
    /// let mut grants = client.account().grants("ops").await?;
    /// grants.global.add_linodes = true;
    /// grants.linode = vec![Grant::new(123, Some(Permission::ReadOnly))];
    /// client.account().set_grants("ops", &grants).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_grants(&self, username: &str, grants: &Grants) -> Result<Grants> {
        super::not_blank("username", username)?;
        self.client
            .send(SET_GRANTS.with_body(&[&username], grants)?)
            .await
    }
}
