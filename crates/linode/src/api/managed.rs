//! Linode Managed: `/managed/...`. Contacts to call, credentials the Managed team may use,
//! the team's SSH key, the issues it opened, SSH access per Linode, the service monitors and
//! the account's statistics.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_CONTACTS = GET "/managed/contacts";
    CREATE_CONTACT = POST "/managed/contacts";
    GET_CONTACT = GET "/managed/contacts/{contactId}";
    UPDATE_CONTACT = PUT "/managed/contacts/{contactId}";
    DELETE_CONTACT = DELETE "/managed/contacts/{contactId}";
    LIST_CREDENTIALS = GET "/managed/credentials";
    CREATE_CREDENTIAL = POST "/managed/credentials";
    GET_SSH_KEY = GET "/managed/credentials/sshkey";
    GET_CREDENTIAL = GET "/managed/credentials/{credentialId}";
    UPDATE_CREDENTIAL = PUT "/managed/credentials/{credentialId}";
    REVOKE_CREDENTIAL = POST "/managed/credentials/{credentialId}/revoke";
    UPDATE_CREDENTIAL_LOGIN = POST "/managed/credentials/{credentialId}/update";
    LIST_ISSUES = GET "/managed/issues";
    GET_ISSUE = GET "/managed/issues/{issueId}";
    LIST_LINODE_SETTINGS = GET "/managed/linode-settings";
    GET_LINODE_SETTINGS = GET "/managed/linode-settings/{linodeId}";
    UPDATE_LINODE_SETTINGS = PUT "/managed/linode-settings/{linodeId}";
    LIST_SERVICES = GET "/managed/services";
    CREATE_SERVICE = POST "/managed/services";
    GET_SERVICE = GET "/managed/services/{serviceId}";
    UPDATE_SERVICE = PUT "/managed/services/{serviceId}";
    DELETE_SERVICE = DELETE "/managed/services/{serviceId}";
    DISABLE_SERVICE = POST "/managed/services/{serviceId}/disable";
    ENABLE_SERVICE = POST "/managed/services/{serviceId}/enable";
    GET_STATS = GET "/managed/stats";
}

/// Checks a name-like field: `min..=max` characters, each alphanumeric or in `extra`.
fn check_name(field: &str, value: &str, min: usize, max: usize, extra: &str) -> Result<()> {
    let len = value.chars().count();
    if !(min..=max).contains(&len) {
        return Err(Error::invalid(
            field,
            format!("must be {min}-{max} characters"),
        ));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
    {
        return Err(Error::invalid(
            field,
            format!("may only hold letters, digits and {extra:?}"),
        ));
    }
    Ok(())
}

/// Checks an optional length-limited field.
fn check_len(field: &str, value: Option<&str>, min: usize, max: usize) -> Result<()> {
    match value {
        Some(v) if !(min..=max).contains(&v.chars().count()) => Err(Error::invalid(
            field,
            format!("must be {min}-{max} characters"),
        )),
        _ => Ok(()),
    }
}

// Contacts -----------------------------------------------------------------------------------

/// A contact's phone numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContactPhone {
    /// The number to call first.
    #[serde(default)]
    pub primary: Option<String>,
    /// The number to call next.
    #[serde(default)]
    pub secondary: Option<String>,
}

impl ContactPhone {
    /// Numbers to call: `primary`, then `secondary`.
    pub fn new(primary: Option<&str>, secondary: Option<&str>) -> Self {
        ContactPhone {
            primary: primary.map(str::to_owned),
            secondary: secondary.map(str::to_owned),
        }
    }
}

/// Someone the Managed team contacts when a service has a problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ManagedContact {
    /// The contact's id.
    pub id: u64,
    /// Their name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Their e-mail.
    #[serde(default, deserialize_with = "null_default")]
    pub email: String,
    /// The group they belong to, matched by services' `consultation_group`.
    #[serde(default)]
    pub group: Option<String>,
    /// Their phone numbers.
    #[serde(default, deserialize_with = "null_default")]
    pub phone: ContactPhone,
    /// When the contact last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
}

filterable!(ManagedContact {
    GROUP: Text = "group",
});

impl Resource for ManagedContact {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_CONTACT.path(&[id])
    }
}

/// A contact to create, or the fields of one to change (only the fields set are sent).
///
/// ```
/// use linode::api::managed::{ContactPhone, ContactRequest};
/// let request = ContactRequest::new()
///     .name("Jo Doe")
///     .email("jo@example.org")
///     .group("on-call")
///     .phone(ContactPhone::new(Some("555-555-0100"), None));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ContactRequest {
    /// Name: 2-64 letters, digits, spaces, `-` or `_`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Group (2-50 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Phone numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<ContactPhone>,
}

impl ContactRequest {
    /// A request that sets nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn validate(&self, creating: bool) -> Result<()> {
        match &self.name {
            Some(name) => check_name("name", name, 2, 64, " -_")?,
            None if creating => return Err(Error::invalid("name", "is required")),
            None => {}
        }
        match &self.email {
            Some(email) if !email.contains('@') => {
                return Err(Error::invalid("email", "is not an e-mail address"));
            }
            None if creating => return Err(Error::invalid("email", "is required")),
            _ => {}
        }
        check_len("group", self.group.as_deref(), 2, 50)
    }
}

setters! {
    ContactRequest {
        /// Sets the name.
        name: into String,
        /// Sets the e-mail.
        email: into String,
        /// Sets the group.
        group: into String,
        /// Sets the phone numbers.
        phone: value ContactPhone,
    }
}

// Credentials --------------------------------------------------------------------------------

/// Credentials the Managed team may use on the account's systems. Neither the username nor
/// the password are ever shown again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ManagedCredential {
    /// The credential's id.
    pub id: u64,
    /// Its label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// When the Managed team last read it.
    #[serde(default, with = "timestamp::option")]
    pub last_decrypted: Option<timestamp::Timestamp>,
}

impl Resource for ManagedCredential {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_CREDENTIAL.path(&[id])
    }
}

/// A credential to store.
///
/// ```
/// use linode::api::managed::CreateCredential;
/// use secrecy::SecretString;
/// let request = CreateCredential::new("prod-db", SecretString::from("s3cret!"))
///     .username("admin");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CreateCredential {
    label: String,
    username: Option<String>,
    password: SecretString,
}

impl CreateCredential {
    /// A credential called `label` (2-75 letters, digits, spaces, `-`, `_` or `.`).
    pub fn new(label: impl Into<String>, password: SecretString) -> Self {
        CreateCredential {
            label: label.into(),
            username: None,
            password,
        }
    }
}

setters! {
    CreateCredential {
        /// The username that goes with the password (up to 5000 characters).
        username: into String,
    }
}

/// Checks a username and password and builds the body that carries them.
fn login_body(username: Option<&str>, password: &SecretString) -> Result<Value> {
    check_len("username", username, 0, 5000)?;
    if password.expose_secret().is_empty() {
        return Err(Error::invalid("password", "is empty"));
    }
    let mut body = json!({ "password": password.expose_secret() });
    if let Some(username) = username {
        body["username"] = Value::from(username);
    }
    Ok(body)
}

/// The public key the Managed team logs in with: add it to a Linode's `authorized_keys`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ManagedSshKey {
    /// The key, in OpenSSH format.
    pub ssh_key: String,
}

// Issues -------------------------------------------------------------------------------------

/// The support ticket an issue was opened as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IssueEntity {
    /// The ticket's id.
    pub id: u64,
    /// Its summary.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// `ticket`.
    #[serde(default, rename = "type", deserialize_with = "null_default")]
    pub kind: String,
    /// Its path in the API.
    #[serde(default, deserialize_with = "null_default")]
    pub url: String,
}

/// A problem the Managed team found with monitored services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ManagedIssue {
    /// The issue's id.
    pub id: u64,
    /// When it was opened.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// The ticket it was opened as.
    pub entity: IssueEntity,
    /// The ids of the services affected.
    #[serde(default, deserialize_with = "null_default")]
    pub services: Vec<u64>,
}

impl Resource for ManagedIssue {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_ISSUE.path(&[id])
    }
}

// Linode settings ----------------------------------------------------------------------------

/// How the Managed team reaches a Linode over SSH.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ManagedSsh {
    /// Whether it may log in at all.
    #[serde(default, deserialize_with = "null_default")]
    pub access: bool,
    /// The address to use (one of the Linode's IPv4 addresses, or `any`).
    #[serde(default, deserialize_with = "null_default")]
    pub ip: String,
    /// The port.
    #[serde(default)]
    pub port: Option<u16>,
    /// The user to log in as.
    #[serde(default)]
    pub user: Option<String>,
}

/// The Managed settings of one Linode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ManagedLinodeSettings {
    /// The Linode's id.
    pub id: u64,
    /// The Linode's label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// The Linode's display group.
    #[serde(default, deserialize_with = "null_default")]
    pub group: String,
    /// SSH access.
    pub ssh: ManagedSsh,
}

impl Resource for ManagedLinodeSettings {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_LINODE_SETTINGS.path(&[id])
    }
}

/// A change of a Linode's SSH access: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SshAccessUpdate {
    /// Allow or forbid logging in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<bool>,
    /// The address (one of the Linode's IPv4 addresses, or `any`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// The port (1-65535).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The user (up to 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

impl SshAccessUpdate {
    /// A change that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn validate(&self) -> Result<()> {
        if self.port == Some(0) {
            return Err(Error::invalid("ssh.port", "must be 1-65535"));
        }
        if let Some(ip) = &self.ip {
            if ip != "any" && ip.parse::<std::net::Ipv4Addr>().is_err() {
                return Err(Error::invalid("ssh.ip", "must be an IPv4 address or `any`"));
            }
        }
        check_len("ssh.user", self.user.as_deref(), 0, 32)
    }
}

setters! {
    SshAccessUpdate {
        /// Allows or forbids logging in.
        access: value bool,
        /// Sets the port.
        port: value u16,
        /// Sets the user.
        user: into String,
        /// Sets the address.
        ip: into String,
    }
}

// Services -----------------------------------------------------------------------------------

api_enum! {
    /// How a service is checked.
    pub enum ServiceType {
        /// An HTTP(S) request to a URL.
        Url = "url",
        /// A TCP connection to `host:port`.
        Tcp = "tcp",
    }
}

api_enum! {
    /// The state of a monitored service.
    pub enum ServiceStatus {
        /// Not monitored.
        Disabled = "disabled",
        /// Not checked yet.
        Pending = "pending",
        /// Answering.
        Ok = "ok",
        /// Not answering as expected.
        Problem = "problem",
    }
}

/// A service the Managed team monitors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ManagedService {
    /// The service's id.
    pub id: u64,
    /// Its label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// How it is checked.
    pub service_type: ServiceType,
    /// What is checked: a URL, or `host:port`.
    #[serde(default, deserialize_with = "null_default")]
    pub address: String,
    /// Seconds to wait for an answer.
    #[serde(default, deserialize_with = "null_default")]
    pub timeout: u32,
    /// Text the answer must contain, if any.
    #[serde(default)]
    pub body: Option<String>,
    /// The contact group to call.
    #[serde(default, deserialize_with = "null_default")]
    pub consultation_group: String,
    /// Notes for the Managed team.
    #[serde(default)]
    pub notes: Option<String>,
    /// The region it runs in, if any.
    #[serde(default)]
    pub region: Option<String>,
    /// Ids of the credentials the team may use for it.
    #[serde(default, deserialize_with = "null_default")]
    pub credentials: Vec<u64>,
    /// Its state.
    pub status: ServiceStatus,
    /// When it was created.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When it last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
}

impl Resource for ManagedService {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_SERVICE.path(&[id])
    }
}

/// A service to monitor, or the fields of one to change (only the fields set are sent).
///
/// ```
/// use linode::api::managed::{ServiceRequest, ServiceType};
/// let request = ServiceRequest::new("shop", ServiceType::Url, "https://shop.example.org", 30)
///     .body("it worked")
///     .consultation_group("on-call");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ServiceRequest {
    /// Label: 3-64 letters, digits, spaces, `-`, `_` or `.`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How it is checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_type: Option<ServiceType>,
    /// A URL (`url`) or `host:port` (`tcp`), 3-100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Seconds to wait, 1-255.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u32>,
    /// Text the answer must contain (up to 100 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Contact group to call (up to 50 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consultation_group: Option<String>,
    /// Notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Credential ids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Vec<u64>>,
}

impl ServiceRequest {
    /// A service to create: everything the API requires.
    pub fn new(
        label: impl Into<String>,
        service_type: ServiceType,
        address: impl Into<String>,
        timeout: u32,
    ) -> Self {
        ServiceRequest {
            label: Some(label.into()),
            service_type: Some(service_type),
            address: Some(address.into()),
            timeout: Some(timeout),
            ..Self::default()
        }
    }

    /// A change that changes nothing yet.
    pub fn update() -> Self {
        Self::default()
    }

    fn validate(&self) -> Result<()> {
        if let Some(label) = &self.label {
            check_name("label", label, 3, 64, " -_.")?;
        }
        check_len("address", self.address.as_deref(), 3, 100)?;
        if let (Some(ServiceType::Url), Some(address)) = (&self.service_type, &self.address) {
            if !address.starts_with("http://") && !address.starts_with("https://") {
                return Err(Error::invalid("address", "must be an http(s) URL"));
            }
        }
        if self.timeout.is_some_and(|t| !(1..=255).contains(&t)) {
            return Err(Error::invalid("timeout", "must be 1-255 seconds"));
        }
        check_len("body", self.body.as_deref(), 0, 100)?;
        check_len(
            "consultation_group",
            self.consultation_group.as_deref(),
            0,
            50,
        )
    }
}

setters! {
    ServiceRequest {
        /// Sets the label.
        label: into String,
        /// Sets the timeout.
        timeout: value u32,
        /// Sets the text the answer must contain.
        body: into String,
        /// Sets the contact group to call.
        consultation_group: into String,
        /// Sets the notes.
        notes: into String,
        /// Sets the region.
        region: into String,
        /// Sets the credentials the team may use.
        credentials: items u64,
    }
}

// Stats --------------------------------------------------------------------------------------

/// One sample: `x` is the time in milliseconds since the epoch, `y` the value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StatPoint {
    /// Milliseconds since the epoch.
    pub x: f64,
    /// The value.
    pub y: f64,
}

/// Usage of the account's Linodes over the last day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ManagedStats {
    /// CPU use, percent.
    #[serde(default, deserialize_with = "null_default")]
    pub cpu: Vec<StatPoint>,
    /// Disk I/O.
    #[serde(default, deserialize_with = "null_default")]
    pub disk: Vec<StatPoint>,
    /// Inbound traffic.
    #[serde(default, deserialize_with = "null_default")]
    pub net_in: Vec<StatPoint>,
    /// Outbound traffic.
    #[serde(default, deserialize_with = "null_default")]
    pub net_out: Vec<StatPoint>,
    /// Swap use.
    #[serde(default, deserialize_with = "null_default")]
    pub swap: Vec<StatPoint>,
}

// The group ----------------------------------------------------------------------------------

/// Calls under `/managed`.
#[derive(Debug, Clone, Copy)]
pub struct ManagedGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Linode Managed: contacts, credentials, issues, Linode settings, services, stats
    /// (`/managed/...`).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::managed::{ServiceRequest, ServiceType};
    /// let service = client
    ///     .managed()
    ///     .create_service(&ServiceRequest::new("shop", ServiceType::Tcp, "shop.example.org:443", 10))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn managed(&self) -> ManagedGroup<'_> {
        ManagedGroup { client: self }
    }
}

impl ManagedGroup<'_> {
    /// Lists the contacts.
    pub fn contacts(&self) -> ListRequest<ManagedContact> {
        ListRequest::new(self.client, LIST_CONTACTS.path(&[]))
    }

    /// Loads one contact.
    pub async fn contact(&self, id: u64) -> Result<ManagedContact> {
        self.client.load::<ManagedContact>(id).await
    }

    /// Creates a contact (name and e-mail required).
    pub async fn create_contact(&self, request: &ContactRequest) -> Result<ManagedContact> {
        request.validate(true)?;
        self.client
            .send(CREATE_CONTACT.with_body(&[], request)?)
            .await
    }

    /// Changes the fields set in `update`.
    pub async fn update_contact(&self, id: u64, update: &ContactRequest) -> Result<ManagedContact> {
        update.validate(false)?;
        self.client
            .send(UPDATE_CONTACT.with_body(&[&id], update)?)
            .await
    }

    /// Deletes a contact.
    pub async fn delete_contact(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_CONTACT.request(&[&id])).await
    }

    /// Lists the credentials.
    pub fn credentials(&self) -> ListRequest<ManagedCredential> {
        ListRequest::new(self.client, LIST_CREDENTIALS.path(&[]))
    }

    /// Loads one credential's record.
    pub async fn credential(&self, id: u64) -> Result<ManagedCredential> {
        self.client.load::<ManagedCredential>(id).await
    }

    /// Stores a credential.
    pub async fn create_credential(&self, request: &CreateCredential) -> Result<ManagedCredential> {
        check_name("label", &request.label, 2, 75, " -_.")?;
        let mut body = login_body(request.username.as_deref(), &request.password)?;
        body["label"] = Value::from(request.label.as_str());
        self.client
            .send(CREATE_CREDENTIAL.with_body(&[], &body)?)
            .await
    }

    /// Renames a credential.
    pub async fn update_credential(&self, id: u64, label: &str) -> Result<ManagedCredential> {
        check_name("label", label, 2, 75, " -_.")?;
        self.client
            .send(UPDATE_CREDENTIAL.with_body(&[&id], &json!({ "label": label }))?)
            .await
    }

    /// Replaces a credential's password, and its username when given.
    pub async fn update_credential_login(
        &self,
        id: u64,
        username: Option<&str>,
        password: &SecretString,
    ) -> Result<()> {
        let body = login_body(username, password)?;
        self.client
            .send_empty(UPDATE_CREDENTIAL_LOGIN.with_body(&[&id], &body)?)
            .await
    }

    /// Revokes a credential: the Managed team can no longer use it, and services stop
    /// referring to it.
    pub async fn revoke_credential(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(REVOKE_CREDENTIAL.with_body(&[&id], &json!({}))?)
            .await
    }

    /// The public key the Managed team logs in with.
    pub async fn ssh_key(&self) -> Result<ManagedSshKey> {
        self.client.send(GET_SSH_KEY.request(&[])).await
    }

    /// Lists the open issues.
    pub fn issues(&self) -> ListRequest<ManagedIssue> {
        ListRequest::new(self.client, LIST_ISSUES.path(&[]))
    }

    /// Loads one issue.
    pub async fn issue(&self, id: u64) -> Result<ManagedIssue> {
        self.client.load::<ManagedIssue>(id).await
    }

    /// Lists the Managed settings of every Linode.
    pub fn linode_settings(&self) -> ListRequest<ManagedLinodeSettings> {
        ListRequest::new(self.client, LIST_LINODE_SETTINGS.path(&[]))
    }

    /// Loads one Linode's Managed settings.
    pub async fn linode_setting(&self, linode_id: u64) -> Result<ManagedLinodeSettings> {
        self.client.load::<ManagedLinodeSettings>(linode_id).await
    }

    /// Changes how the Managed team reaches a Linode over SSH.
    pub async fn update_linode_ssh(
        &self,
        linode_id: u64,
        ssh: &SshAccessUpdate,
    ) -> Result<ManagedLinodeSettings> {
        ssh.validate()?;
        self.client
            .send(UPDATE_LINODE_SETTINGS.with_body(&[&linode_id], &json!({ "ssh": ssh }))?)
            .await
    }

    /// Lists the monitored services.
    pub fn services(&self) -> ListRequest<ManagedService> {
        ListRequest::new(self.client, LIST_SERVICES.path(&[]))
    }

    /// Loads one service.
    pub async fn service(&self, id: u64) -> Result<ManagedService> {
        self.client.load::<ManagedService>(id).await
    }

    /// Starts monitoring a service (label, type, address and timeout required).
    pub async fn create_service(&self, request: &ServiceRequest) -> Result<ManagedService> {
        for (field, missing) in [
            ("label", request.label.is_none()),
            ("service_type", request.service_type.is_none()),
            ("address", request.address.is_none()),
            ("timeout", request.timeout.is_none()),
        ] {
            if missing {
                return Err(Error::invalid(field, "is required"));
            }
        }
        request.validate()?;
        self.client
            .send(CREATE_SERVICE.with_body(&[], request)?)
            .await
    }

    /// Changes the fields set in `update`.
    pub async fn update_service(&self, id: u64, update: &ServiceRequest) -> Result<ManagedService> {
        update.validate()?;
        self.client
            .send(UPDATE_SERVICE.with_body(&[&id], update)?)
            .await
    }

    /// Stops monitoring a service and forgets it.
    pub async fn delete_service(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_SERVICE.request(&[&id])).await
    }

    /// Resumes monitoring a disabled service.
    pub async fn enable_service(&self, id: u64) -> Result<ManagedService> {
        self.client
            .send(ENABLE_SERVICE.with_body(&[&id], &json!({}))?)
            .await
    }

    /// Pauses monitoring a service.
    pub async fn disable_service(&self, id: u64) -> Result<ManagedService> {
        self.client
            .send(DISABLE_SERVICE.with_body(&[&id], &json!({}))?)
            .await
    }

    /// Usage of the account's Linodes over the last day.
    pub async fn stats(&self) -> Result<ManagedStats> {
        #[derive(Deserialize)]
        struct Answer {
            #[serde(default, deserialize_with = "null_default")]
            data: ManagedStats,
        }
        let answer: Answer = self.client.send(GET_STATS.request(&[])).await?;
        Ok(answer.data)
    }
}
