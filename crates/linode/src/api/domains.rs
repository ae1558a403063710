//! DNS domains and their records: `/domains`, `/domains/{id}/records`.

use serde::{Deserialize, Serialize};

use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{ChildId, Resource, api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_DOMAINS = GET "/domains";
    CREATE_DOMAIN = POST "/domains";
    IMPORT_DOMAIN = POST "/domains/import";
    CLONE_DOMAIN = POST "/domains/{domainId}/clone";
    GET_ZONE_FILE = GET "/domains/{domainId}/zone-file";
    GET_DOMAIN = GET "/domains/{domainId}";
    UPDATE_DOMAIN = PUT "/domains/{domainId}";
    DELETE_DOMAIN = DELETE "/domains/{domainId}";
    LIST_RECORDS = GET "/domains/{domainId}/records";
    CREATE_RECORD = POST "/domains/{domainId}/records";
    GET_RECORD = GET "/domains/{domainId}/records/{recordId}";
    UPDATE_RECORD = PUT "/domains/{domainId}/records/{recordId}";
    DELETE_RECORD = DELETE "/domains/{domainId}/records/{recordId}";
}

api_enum! {
    /// Whether a domain is the authoritative source of its zone or a copy of another server's.
    pub enum DomainType {
        /// Authoritative: its records are managed here.
        Master = "master",
        /// A read-only copy of the zone served by `master_ips`.
        Slave = "slave",
    }
}

api_enum! {
    /// Whether a domain is served.
    pub enum DomainStatus {
        /// Served.
        Active = "active",
        /// Not served.
        Disabled = "disabled",
        /// Being edited.
        EditMode = "edit_mode",
    }
}

/// A DNS zone managed by Linode's DNS manager.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Domain {
    /// The domain's id.
    pub id: u64,
    /// The domain name, such as `example.org` (mutable).
    pub domain: String,
    /// Master or slave (mutable).
    #[serde(rename = "type")]
    pub domain_type: DomainType,
    /// Whether it is served (mutable).
    pub status: DomainStatus,
    /// Start of Authority email; required for master domains (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub soa_email: String,
    /// A description (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// The display group (deprecated by the API in favour of tags).
    #[serde(default, deserialize_with = "null_default")]
    pub group: String,
    /// The masters of a slave domain (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub master_ips: Vec<String>,
    /// Addresses allowed to transfer the zone (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub axfr_ips: Vec<String>,
    /// Seconds before a failed refresh is retried; 0 means the default (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub retry_sec: u32,
    /// Seconds before the zone stops being authoritative; 0 means the default (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub expire_sec: u32,
    /// Seconds between refreshes; 0 means the default (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub refresh_sec: u32,
    /// Default time to live of its records, in seconds; 0 means the default (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub ttl_sec: u32,
    /// Its tags (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// Problems found in the zone, as the API sends them (their shape is not documented).
    #[serde(default)]
    pub errors: Option<serde_json::Value>,
}

filterable!(Domain {
    DOMAIN: Text = "domain",
    GROUP: Text = "group",
    TAGS: Text = "tags",
});

impl Resource for Domain {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_DOMAIN.path(&[id])
    }
}

impl Domain {
    /// The fields of this domain the API lets you change, as they are now: what
    /// [`save`](Domain::save) sends. Empty texts (an SOA email on a slave domain, no
    /// description) are left out rather than sent empty.
    pub fn changes(&self) -> DomainUpdate {
        let text = |s: &String| (!s.is_empty()).then(|| s.clone());
        DomainUpdate {
            domain: Some(self.domain.clone()),
            domain_type: Some(self.domain_type.clone()),
            status: Some(self.status.clone()),
            soa_email: text(&self.soa_email),
            description: text(&self.description),
            master_ips: Some(self.master_ips.clone()),
            axfr_ips: Some(self.axfr_ips.clone()),
            retry_sec: Some(self.retry_sec),
            expire_sec: Some(self.expire_sec),
            refresh_sec: Some(self.refresh_sec),
            ttl_sec: Some(self.ttl_sec),
            tags: Some(self.tags.clone()),
        }
    }

    /// Sends the mutable fields and replaces `self` with the API's answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client.domains().update(self.id, &self.changes()).await?;
        Ok(())
    }

    /// Deletes the domain and all its records.
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.domains().delete(self.id).await
    }

    /// This domain's records.
    pub fn records(&self, client: &Client) -> ListRequest<DomainRecord> {
        client.domains().records(self.id)
    }

    /// Adds a record to this domain.
    pub async fn create_record(
        &self,
        client: &Client,
        record: &CreateRecord,
    ) -> Result<DomainRecord> {
        client.domains().create_record(self.id, record).await
    }
}

/// What to create: a [master](CreateDomain::master) or a [slave](CreateDomain::slave) domain.
///
/// ```
/// use linode::api::domains::CreateDomain;
/// let zone = CreateDomain::master("example.org", "admin@example.org").ttl_sec(300);
/// let copy = CreateDomain::slave("example.net", ["192.0.2.10"]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateDomain {
    domain: String,
    #[serde(rename = "type")]
    domain_type: DomainType,
    #[serde(skip_serializing_if = "Option::is_none")]
    soa_email: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    master_ips: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    axfr_ips: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<DomainStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ttl_sec: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_sec: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_sec: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_sec: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

impl CreateDomain {
    /// A master domain, whose records are managed here; `soa_email` is its SOA contact.
    pub fn master(domain: impl Into<String>, soa_email: impl Into<String>) -> Self {
        CreateDomain {
            soa_email: Some(soa_email.into()),
            ..Self::base(domain.into(), DomainType::Master)
        }
    }

    /// A slave domain, copying the zone served by `master_ips`.
    pub fn slave<S: Into<String>>(
        domain: impl Into<String>,
        master_ips: impl IntoIterator<Item = S>,
    ) -> Self {
        CreateDomain {
            master_ips: master_ips.into_iter().map(Into::into).collect(),
            ..Self::base(domain.into(), DomainType::Slave)
        }
    }

    fn base(domain: String, domain_type: DomainType) -> Self {
        CreateDomain {
            domain,
            domain_type,
            soa_email: None,
            master_ips: Vec::new(),
            axfr_ips: Vec::new(),
            description: None,
            status: None,
            ttl_sec: None,
            refresh_sec: None,
            retry_sec: None,
            expire_sec: None,
            tags: Vec::new(),
        }
    }

    /// Sets the addresses allowed to transfer the zone.
    pub fn axfr_ips<S: Into<String>>(mut self, ips: impl IntoIterator<Item = S>) -> Self {
        self.axfr_ips = ips.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    fn validate(&self) -> Result<()> {
        if self.domain.trim().is_empty() {
            return Err(Error::invalid("domain", "is empty"));
        }
        match self.domain_type {
            DomainType::Master if self.soa_email.as_deref().is_none_or(|e| !e.contains('@')) => {
                Err(Error::invalid(
                    "soa_email",
                    "a master domain needs an email address",
                ))
            }
            DomainType::Slave if self.master_ips.is_empty() => Err(Error::invalid(
                "master_ips",
                "a slave domain needs at least one master",
            )),
            _ => Ok(()),
        }
    }
}

setters! {
    CreateDomain {
        /// Sets the description.
        description: into String,
        /// Sets the status (default `active`).
        status: value DomainStatus,
        /// Sets the default time to live of the records.
        ttl_sec: value u32,
        /// Sets the refresh interval.
        refresh_sec: value u32,
        /// Sets the retry interval.
        retry_sec: value u32,
        /// Sets the expiry.
        expire_sec: value u32,
    }
}

/// A partial update of a domain: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DomainUpdate {
    /// New domain name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// New type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub domain_type: Option<DomainType>,
    /// New status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<DomainStatus>,
    /// New SOA email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soa_email: Option<String>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New masters (slave domains).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_ips: Option<Vec<String>>,
    /// New zone transfer addresses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub axfr_ips: Option<Vec<String>>,
    /// New retry interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_sec: Option<u32>,
    /// New expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_sec: Option<u32>,
    /// New refresh interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_sec: Option<u32>,
    /// New default time to live.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u32>,
    /// New tags (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl DomainUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    DomainUpdate {
        /// Sets the type (a master needs an SOA email, a slave its masters).
        domain_type: value DomainType,
        /// Sets the masters (slave domains).
        master_ips: list String,
        /// Sets the description.
        description: into String,
        /// Sets the status.
        status: value DomainStatus,
        /// Sets the default time to live.
        ttl_sec: value u32,
        /// Replaces the tags.
        tags: list String,
        /// Sets the SOA email.
        soa_email: into String,
    }
}

api_enum! {
    /// The type of a DNS record.
    pub enum RecordType {
        /// IPv4 address.
        A = "A",
        /// IPv6 address.
        Aaaa = "AAAA",
        /// Name server.
        Ns = "NS",
        /// Mail exchanger.
        Mx = "MX",
        /// Alias.
        Cname = "CNAME",
        /// Text.
        Txt = "TXT",
        /// Service locator.
        Srv = "SRV",
        /// Reverse pointer.
        Ptr = "PTR",
        /// Certificate authority authorization.
        Caa = "CAA",
    }
}

api_enum! {
    /// The tag of a CAA record.
    pub enum CaaTag {
        /// Who may issue certificates.
        Issue = "issue",
        /// Who may issue wildcard certificates.
        IssueWild = "issuewild",
        /// Where to report violations.
        Iodef = "iodef",
    }
}

/// One record of a domain. It belongs to its domain: its id is a [`ChildId`] (domain, record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DomainRecord {
    /// The record's id.
    pub id: u64,
    /// Its type (fixed once created).
    #[serde(rename = "type")]
    pub record_type: RecordType,
    /// The host name it is about, relative to the domain (`""` for the domain itself).
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Its value: an address, a host name, a text.
    #[serde(default, deserialize_with = "null_default")]
    pub target: String,
    /// Priority (MX and SRV).
    #[serde(default, deserialize_with = "null_default")]
    pub priority: u32,
    /// Weight (SRV).
    #[serde(default, deserialize_with = "null_default")]
    pub weight: u32,
    /// Port (SRV).
    #[serde(default, deserialize_with = "null_default")]
    pub port: u32,
    /// Service name (SRV).
    #[serde(default)]
    pub service: Option<String>,
    /// Protocol (SRV).
    #[serde(default)]
    pub protocol: Option<String>,
    /// Time to live in seconds; 0 means the domain's default.
    #[serde(default, deserialize_with = "null_default")]
    pub ttl_sec: u32,
    /// Tag (CAA).
    #[serde(default)]
    pub tag: Option<CaaTag>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
}

filterable!(DomainRecord {
    NAME: Text = "name",
    TAG: Text = "tag",
    TARGET: Text = "target",
    TYPE: Text = "type",
});

impl Resource for DomainRecord {
    type Id = ChildId;
    fn path(id: &ChildId) -> Path {
        GET_RECORD.path(&[&id.parent, &id.id])
    }
}

impl DomainRecord {
    /// The fields of this record the API lets you change, as they are now, limited to those
    /// its type uses: what [`save`](DomainRecord::save) sends.
    pub fn changes(&self) -> RecordUpdate {
        let srv = self.record_type == RecordType::Srv;
        let mut update = RecordUpdate {
            target: Some(self.target.clone()),
            ttl_sec: Some(self.ttl_sec),
            ..RecordUpdate::default()
        };
        if !srv {
            update.name = Some(self.name.clone());
        }
        if srv || self.record_type == RecordType::Mx {
            update.priority = Some(self.priority);
        }
        if srv {
            update.weight = Some(self.weight);
            update.port = Some(self.port);
            update.service = self.service.clone();
            update.protocol = self.protocol.clone();
        }
        if self.record_type == RecordType::Caa {
            update.tag = self.tag.clone();
        }
        update
    }

    /// Sends the mutable fields and replaces `self` with the API's answer. A record does not
    /// name its domain, so the domain's id is given here.
    pub async fn save(&mut self, client: &Client, domain_id: u64) -> Result<()> {
        *self = client
            .domains()
            .update_record(domain_id, self.id, &self.changes())
            .await?;
        Ok(())
    }

    /// Deletes the record from domain `domain_id`.
    pub async fn delete(self, client: &Client, domain_id: u64) -> Result<()> {
        client.domains().delete_record(domain_id, self.id).await
    }
}

/// A new record: start from the constructor of its type, then set options.
///
/// ```
/// use linode::api::domains::CreateRecord;
/// let www = CreateRecord::a("www", "203.0.113.10").ttl_sec(300);
/// let mail = CreateRecord::mx("mail.example.org", 10);
/// let sip = CreateRecord::srv("sip", "tcp", "sip.example.org", 5060).priority(10).weight(5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateRecord {
    #[serde(rename = "type")]
    record_type: RecordType,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ttl_sec: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<CaaTag>,
}

impl CreateRecord {
    /// A record of any type with this target; set the other fields its type needs.
    pub fn new(record_type: RecordType, target: impl Into<String>) -> Self {
        CreateRecord {
            record_type,
            name: None,
            target: target.into(),
            priority: None,
            weight: None,
            port: None,
            service: None,
            protocol: None,
            ttl_sec: None,
            tag: None,
        }
    }

    /// An `A` record: `name` resolves to the IPv4 address `ip`.
    pub fn a(name: impl Into<String>, ip: impl Into<String>) -> Self {
        Self::new(RecordType::A, ip).name(name)
    }

    /// An `AAAA` record: `name` resolves to the IPv6 address `ip`.
    pub fn aaaa(name: impl Into<String>, ip: impl Into<String>) -> Self {
        Self::new(RecordType::Aaaa, ip).name(name)
    }

    /// A `CNAME` record: `name` is an alias of `target`.
    pub fn cname(name: impl Into<String>, target: impl Into<String>) -> Self {
        Self::new(RecordType::Cname, target).name(name)
    }

    /// An `MX` record: mail for the domain goes to `mail_server`, lower priorities first.
    pub fn mx(mail_server: impl Into<String>, priority: u32) -> Self {
        Self::new(RecordType::Mx, mail_server).priority(priority)
    }

    /// A `TXT` record holding `value` for `name`.
    pub fn txt(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(RecordType::Txt, value).name(name)
    }

    /// An `NS` record delegating to `name_server`.
    pub fn ns(name_server: impl Into<String>) -> Self {
        Self::new(RecordType::Ns, name_server)
    }

    /// An `SRV` record: `service` over `protocol` is served by `target` on `port`. Priority
    /// and weight default to 0 here; set them with [`priority`](Self::priority) and
    /// [`weight`](Self::weight).
    pub fn srv(
        service: impl Into<String>,
        protocol: impl Into<String>,
        target: impl Into<String>,
        port: u32,
    ) -> Self {
        let mut record = Self::new(RecordType::Srv, target);
        record.service = Some(service.into());
        record.protocol = Some(protocol.into());
        record.port = Some(port);
        record.priority = Some(0);
        record.weight = Some(0);
        record
    }

    /// A `CAA` record for `name` with `tag` and `value` (such as `letsencrypt.org`).
    pub fn caa(name: impl Into<String>, tag: CaaTag, value: impl Into<String>) -> Self {
        let mut record = Self::new(RecordType::Caa, value).name(name);
        record.tag = Some(tag);
        record
    }

    fn validate(&self) -> Result<()> {
        if self.target.trim().is_empty() {
            return Err(Error::invalid("target", "is empty"));
        }
        if self.priority.is_some_and(|p| p > 255) {
            return Err(Error::invalid("priority", "must be from 0 to 255"));
        }
        if self.port.is_some_and(|p| p > 65535) {
            return Err(Error::invalid("port", "must be from 0 to 65535"));
        }
        if self.weight.is_some_and(|w| w > 65535) {
            return Err(Error::invalid("weight", "must be from 0 to 65535"));
        }
        Ok(())
    }
}

setters! {
    CreateRecord {
        /// Sets the name.
        name: into String,
        /// Sets the priority (MX, SRV).
        priority: value u32,
        /// Sets the weight (SRV).
        weight: value u32,
        /// Sets the time to live.
        ttl_sec: value u32,
    }
}

/// A partial update of a record: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RecordUpdate {
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// New priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// New weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// New port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u32>,
    /// New service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// New protocol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// New time to live.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u32>,
    /// New CAA tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<CaaTag>,
}

impl RecordUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    RecordUpdate {
        /// Sets the name.
        name: into String,
        /// Sets the target.
        target: into String,
        /// Sets the time to live.
        ttl_sec: value u32,
        /// Sets the priority.
        priority: value u32,
    }
}

#[derive(Serialize)]
struct ImportBody<'a> {
    domain: &'a str,
    remote_nameserver: &'a str,
}

#[derive(Serialize)]
struct CloneBody<'a> {
    domain: &'a str,
}

/// The zone file of a domain, as the API renders it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ZoneFile {
    /// Its lines, in BIND format.
    #[serde(default, deserialize_with = "null_default")]
    pub zone_file: Vec<String>,
}

fn check_domain_name(domain: &str) -> Result<()> {
    if domain.trim().is_empty() {
        return Err(Error::invalid("domain", "is empty"));
    }
    Ok(())
}

/// Calls under `/domains`.
#[derive(Debug, Clone, Copy)]
pub struct DomainsGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// DNS domains and their records (`/domains`).
    pub fn domains(&self) -> DomainsGroup<'_> {
        DomainsGroup { client: self }
    }
}

impl DomainsGroup<'_> {
    /// Lists your domains.
    pub fn list(&self) -> ListRequest<Domain> {
        ListRequest::new(self.client, LIST_DOMAINS.path(&[]))
    }

    /// Loads one domain.
    pub async fn get(&self, id: u64) -> Result<Domain> {
        self.client.load::<Domain>(id).await
    }

    /// Creates a domain.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::domains::{CreateDomain, CreateRecord};
    /// let domain = client
    ///     .domains()
    ///     .create(CreateDomain::master("example.org", "admin@example.org"))
    ///     .await?;
    /// domain.create_record(&client, &CreateRecord::a("www", "203.0.113.10")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, request: CreateDomain) -> Result<Domain> {
        request.validate()?;
        self.client
            .send(CREATE_DOMAIN.with_body(&[], &request)?)
            .await
    }

    /// Changes the fields set in `update` and returns the domain as it is now.
    pub async fn update(&self, id: u64, update: &DomainUpdate) -> Result<Domain> {
        if update
            .domain
            .as_deref()
            .is_some_and(|d| d.trim().is_empty())
        {
            return Err(Error::invalid("domain", "is empty"));
        }
        self.client
            .send(UPDATE_DOMAIN.with_body(&[&id], update)?)
            .await
    }

    /// Deletes a domain and its records.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_DOMAIN.request(&[&id])).await
    }

    /// Imports the zone `domain` from `remote_nameserver` (a host name or address that allows
    /// zone transfers to Linode's servers) as a new master domain with its records.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let domain = client.domains().import("example.org", "ns1.example.net").await?;
    /// let zone = client.domains().zone_file(domain.id).await?;
    /// # Ok(()) }
    /// ```
    pub async fn import(&self, domain: &str, remote_nameserver: &str) -> Result<Domain> {
        check_domain_name(domain)?;
        if remote_nameserver.trim().is_empty() {
            return Err(Error::invalid("remote_nameserver", "is empty"));
        }
        let body = ImportBody {
            domain,
            remote_nameserver,
        };
        self.client.send(IMPORT_DOMAIN.with_body(&[], &body)?).await
    }

    /// Creates domain `domain` with the settings and a copy of the records of domain `id`.
    pub async fn clone_domain(&self, id: u64, domain: &str) -> Result<Domain> {
        check_domain_name(domain)?;
        self.client
            .send(CLONE_DOMAIN.with_body(&[&id], &CloneBody { domain })?)
            .await
    }

    /// The zone file of domain `id`, rendered from the domain and its records.
    pub async fn zone_file(&self, id: u64) -> Result<ZoneFile> {
        self.client.send(GET_ZONE_FILE.request(&[&id])).await
    }

    /// Lists the records of domain `domain_id`.
    pub fn records(&self, domain_id: u64) -> ListRequest<DomainRecord> {
        ListRequest::new(self.client, LIST_RECORDS.path(&[&domain_id]))
    }

    /// Loads record `id` of domain `domain_id`.
    pub async fn record(&self, domain_id: u64, id: u64) -> Result<DomainRecord> {
        self.client
            .load::<DomainRecord>(ChildId::new(domain_id, id))
            .await
    }

    /// Adds a record to domain `domain_id`.
    pub async fn create_record(
        &self,
        domain_id: u64,
        record: &CreateRecord,
    ) -> Result<DomainRecord> {
        record.validate()?;
        self.client
            .send(CREATE_RECORD.with_body(&[&domain_id], record)?)
            .await
    }

    /// Changes the fields set in `update` of record `id` of domain `domain_id`.
    pub async fn update_record(
        &self,
        domain_id: u64,
        id: u64,
        update: &RecordUpdate,
    ) -> Result<DomainRecord> {
        self.client
            .send(UPDATE_RECORD.with_body(&[&domain_id, &id], update)?)
            .await
    }

    /// Deletes record `id` of domain `domain_id`.
    pub async fn delete_record(&self, domain_id: u64, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_RECORD.request(&[&domain_id, &id]))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_bodies_hold_only_what_was_set() {
        assert_eq!(
            serde_json::to_value(CreateDomain::master("example.org", "a@example.org")).unwrap(),
            json!({"domain": "example.org", "type": "master", "soa_email": "a@example.org"})
        );
        assert_eq!(
            serde_json::to_value(CreateRecord::srv("sip", "udp", "sip.example.org", 5060)).unwrap(),
            json!({"type": "SRV", "target": "sip.example.org", "service": "sip",
                   "protocol": "udp", "port": 5060, "priority": 0, "weight": 0})
        );
        assert!(
            CreateDomain::slave("example.org", Vec::<String>::new())
                .validate()
                .is_err()
        );
        assert!(
            CreateDomain::master("example.org", "nobody")
                .validate()
                .is_err()
        );
    }

    #[test]
    fn a_record_path_names_its_domain() {
        assert_eq!(
            DomainRecord::path(&ChildId::new(12, 34)).as_str(),
            "/domains/12/records/34"
        );
    }
}
