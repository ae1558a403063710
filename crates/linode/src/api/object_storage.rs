//! Object Storage: `/object-storage`: buckets and their access rules, objects (listed, their
//! ACLs, pre-signed URLs), bucket TLS certificates, access keys, endpoints and legacy clusters,
//! the price list, transfer, quotas, and cancelling the service.
//!
//! Objects themselves are read and written with an S3 client or through the pre-signed URLs of
//! [`ObjectStorageGroup::object_url`]; the API only lists them and sets their ACLs.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};

use crate::api::pricing::PricedType;
use crate::api::regions::Region;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Ref, api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_ENDPOINTS = GET "/object-storage/endpoints";
    LIST_CLUSTERS = GET "/object-storage/clusters";
    GET_CLUSTER = GET "/object-storage/clusters/{clusterId}";
    LIST_TYPES = GET "/object-storage/types";
    LIST_BUCKETS = GET "/object-storage/buckets";
    CREATE_BUCKET = POST "/object-storage/buckets";
    LIST_REGION_BUCKETS = GET "/object-storage/buckets/{regionId}";
    GET_BUCKET = GET "/object-storage/buckets/{regionId}/{bucket}";
    DELETE_BUCKET = DELETE "/object-storage/buckets/{regionId}/{bucket}";
    GET_BUCKET_ACCESS = GET "/object-storage/buckets/{regionId}/{bucket}/access";
    MODIFY_BUCKET_ACCESS = POST "/object-storage/buckets/{regionId}/{bucket}/access";
    UPDATE_BUCKET_ACCESS = PUT "/object-storage/buckets/{regionId}/{bucket}/access";
    GET_OBJECT_ACL = GET "/object-storage/buckets/{regionId}/{bucket}/object-acl";
    SET_OBJECT_ACL = PUT "/object-storage/buckets/{regionId}/{bucket}/object-acl";
    LIST_OBJECTS = GET "/object-storage/buckets/{regionId}/{bucket}/object-list";
    CREATE_OBJECT_URL = POST "/object-storage/buckets/{regionId}/{bucket}/object-url";
    GET_BUCKET_SSL = GET "/object-storage/buckets/{regionId}/{bucket}/ssl";
    UPLOAD_BUCKET_SSL = POST "/object-storage/buckets/{regionId}/{bucket}/ssl";
    DELETE_BUCKET_SSL = DELETE "/object-storage/buckets/{regionId}/{bucket}/ssl";
    LIST_KEYS = GET "/object-storage/keys";
    CREATE_KEY = POST "/object-storage/keys";
    GET_KEY = GET "/object-storage/keys/{keyId}";
    UPDATE_KEY = PUT "/object-storage/keys/{keyId}";
    REVOKE_KEY = DELETE "/object-storage/keys/{keyId}";
    GET_TRANSFER = GET "/object-storage/transfer";
    CANCEL = POST "/object-storage/cancel";
    LIST_QUOTAS = GET "/object-storage/quotas";
    GET_QUOTA = GET "/object-storage/quotas/{objQuotaId}";
    GET_QUOTA_USAGE = GET "/object-storage/quotas/{objQuotaId}/usage";
    LIST_GLOBAL_QUOTAS = GET "/object-storage/global-quotas";
    GET_GLOBAL_QUOTA = GET "/object-storage/global-quotas/{objGlobalQuotaId}";
    GET_GLOBAL_QUOTA_USAGE = GET "/object-storage/global-quotas/{objGlobalQuotaId}/usage";
}

/// Shortest pre-signed URL lifetime the API grants, in seconds.
pub const MIN_URL_EXPIRY: u32 = 360;
/// Longest pre-signed URL lifetime the API grants, in seconds (a day).
pub const MAX_URL_EXPIRY: u32 = 86_400;

api_enum! {
    /// The kind of an Object Storage endpoint, from the legacy `E0` to the newest `E3`.
    pub enum EndpointType {
        /// Legacy endpoints.
        E0 = "E0",
        /// Standard endpoints.
        E1 = "E1",
        /// Newer endpoints.
        E2 = "E2",
        /// The newest endpoints, with higher limits.
        E3 = "E3",
    }
}

api_enum! {
    /// A canned access control list of a bucket or an object.
    pub enum Acl {
        /// Only the owner.
        Private = "private",
        /// Anyone may read.
        PublicRead = "public-read",
        /// Any authenticated S3 user may read.
        AuthenticatedRead = "authenticated-read",
        /// Anyone may read and write.
        PublicReadWrite = "public-read-write",
        /// Set through the S3 API beyond the canned lists (read-only here).
        Custom = "custom",
    }
}

api_enum! {
    /// What a limited access key may do in one bucket.
    pub enum BucketPermission {
        /// Read objects.
        ReadOnly = "read_only",
        /// Read and write objects.
        ReadWrite = "read_write",
    }
}

api_enum! {
    /// The HTTP method a pre-signed URL is valid for.
    pub enum UrlMethod {
        /// Download the object.
        Get = "GET",
        /// Upload (create or replace) the object.
        Put = "PUT",
        /// Delete the object.
        Delete = "DELETE",
        /// Upload through an HTML form.
        Post = "POST",
    }
}

/// Where Object Storage answers in a region: its S3 hostname and endpoint type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Endpoint {
    /// The region.
    pub region: Ref<Region>,
    /// The endpoint's type.
    pub endpoint_type: EndpointType,
    /// Its S3 hostname, such as `us-east-1.linodeobjects.com` (`null` until assigned).
    #[serde(default)]
    pub s3_endpoint: Option<String>,
}

/// A legacy Object Storage cluster (`us-east-1`): before endpoints, buckets lived in these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cluster {
    /// The cluster's id, such as `us-east-1`.
    pub id: String,
    /// Its S3 hostname.
    #[serde(default, deserialize_with = "null_default")]
    pub domain: String,
    /// `available` or `unavailable`.
    #[serde(default, deserialize_with = "null_default")]
    pub status: String,
    /// Its region.
    pub region: Ref<Region>,
    /// The hostname that serves static sites from its buckets.
    #[serde(default, deserialize_with = "null_default")]
    pub static_site_domain: String,
}

/// A bucket: a named container of objects in one region, reached at its S3 endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bucket {
    /// Its name, unique in its region.
    pub label: String,
    /// Its region.
    pub region: Ref<Region>,
    /// Its legacy cluster (deprecated by the API in favour of `region`).
    #[serde(default, deserialize_with = "null_default")]
    pub cluster: String,
    /// When it was created.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// The hostname it answers on, such as `example.us-east-1.linodeobjects.com`.
    #[serde(default, deserialize_with = "null_default")]
    pub hostname: String,
    /// How many objects it holds.
    #[serde(default, deserialize_with = "null_default")]
    pub objects: u64,
    /// The bytes its objects take.
    #[serde(default, deserialize_with = "null_default")]
    pub size: u64,
    /// Its endpoint's S3 hostname.
    #[serde(default)]
    pub s3_endpoint: Option<String>,
    /// Its endpoint's type.
    #[serde(default)]
    pub endpoint_type: Option<EndpointType>,
}

/// A bucket to create: a label in a region, optionally on an endpoint type, with an ACL and
/// CORS setting.
///
/// ```
/// use linode::api::object_storage::{Acl, CreateBucket, EndpointType};
/// let request = CreateBucket::new("backups", "us-east")
///     .endpoint_type(EndpointType::E1)
///     .acl(Acl::Private)
///     .cors_enabled(false);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateBucket {
    label: String,
    region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint_type: Option<EndpointType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    s3_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acl: Option<Acl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cors_enabled: Option<bool>,
}

impl CreateBucket {
    /// A bucket `label` (3-63 lowercase letters, digits, dashes and dots) in `region`.
    pub fn new(label: impl Into<String>, region: impl Into<String>) -> Self {
        CreateBucket {
            label: label.into(),
            region: region.into(),
            endpoint_type: None,
            s3_endpoint: None,
            acl: None,
            cors_enabled: None,
        }
    }

    fn validate(&self) -> Result<()> {
        check_bucket_label(&self.label)?;
        if self.region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        self.acl.as_ref().map_or(Ok(()), check_canned)
    }
}

setters! {
    CreateBucket {
        /// The type of endpoint to create it on.
        endpoint_type: value EndpointType,
        /// Its canned ACL (default `private`).
        acl: value Acl,
        /// Whether CORS is enabled for all origins (default `true`).
        cors_enabled: value bool,
        /// The S3 hostname of the endpoint to create it on.
        s3_endpoint: into String,
    }
}

/// Only the canned ACLs can be set; `custom` is what S3-made ACLs read as.
fn check_canned(acl: &Acl) -> Result<()> {
    match acl {
        Acl::Custom | Acl::Unknown(_) => {
            Err(Error::invalid("acl", "must be one of the canned ACLs"))
        }
        _ => Ok(()),
    }
}

fn check_object_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid("name", "is empty"));
    }
    Ok(())
}

/// The API's bucket label rule: 3-63 characters, dot-separated parts of dash-separated runs of
/// lowercase letters and digits.
fn check_bucket_label(label: &str) -> Result<()> {
    if !(3..=63).contains(&label.len()) {
        return Err(Error::invalid("label", "must be 3-63 characters"));
    }
    let valid = label.split('.').all(|part| {
        part.split('-').all(|run| {
            !run.is_empty()
                && run
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    });
    if !valid {
        return Err(Error::invalid(
            "label",
            "must be lowercase letters and digits joined by single dashes or dots",
        ));
    }
    Ok(())
}

/// A bucket's access settings: its canned ACL and CORS, with the XML documents S3 holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BucketAccess {
    /// Its canned ACL.
    pub acl: Acl,
    /// The full ACL as S3 XML.
    #[serde(default, deserialize_with = "null_default")]
    pub acl_xml: String,
    /// Whether CORS is enabled.
    #[serde(default, deserialize_with = "null_default")]
    pub cors_enabled: bool,
    /// The CORS configuration as S3 XML, when enabled.
    #[serde(default)]
    pub cors_xml: Option<String>,
}

/// A change of a bucket's access: only the fields set are sent.
///
/// ```
/// use linode::api::object_storage::{Acl, BucketAccessUpdate};
/// let update = BucketAccessUpdate::new().acl(Acl::PublicRead).cors_enabled(false);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BucketAccessUpdate {
    /// New canned ACL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acl: Option<Acl>,
    /// Whether CORS is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cors_enabled: Option<bool>,
}

impl BucketAccessUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn validate(&self) -> Result<()> {
        self.acl.as_ref().map_or(Ok(()), check_canned)
    }
}

setters! {
    BucketAccessUpdate {
        /// Sets the canned ACL.
        acl: value Acl,
        /// Enables or disables CORS.
        cors_enabled: value bool,
    }
}

/// The ACL of one object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObjectAcl {
    /// Its canned ACL (`custom` when set otherwise through S3).
    pub acl: Acl,
    /// The full ACL as S3 XML.
    #[serde(default, deserialize_with = "null_default")]
    pub acl_xml: String,
}

/// One entry of a bucket listing: an object, or (with a delimiter) a common prefix, which has
/// only a `name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObjectEntry {
    /// The object's name (key), or the prefix ending with the delimiter.
    pub name: String,
    /// The MD5 of the object's bytes in hex (for single-part uploads).
    #[serde(default)]
    pub etag: Option<String>,
    /// When it was last written, as S3 writes it (`2019-01-01T01:23:45.786Z`).
    #[serde(default)]
    pub last_modified: Option<String>,
    /// The owner's id.
    #[serde(default)]
    pub owner: Option<String>,
    /// Its size in bytes.
    #[serde(default)]
    pub size: Option<u64>,
}

impl ObjectEntry {
    /// Whether this entry is a common prefix (a "directory") rather than an object.
    pub fn is_prefix(&self) -> bool {
        self.etag.is_none() && self.size.is_none()
    }
}

/// One page of a bucket's objects, paged by marker as S3 pages them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObjectPage {
    /// The objects and prefixes, by name.
    #[serde(default, deserialize_with = "null_default")]
    pub data: Vec<ObjectEntry>,
    /// Whether more follow: ask again with [`ObjectListQuery::marker`] = `next_marker`.
    #[serde(default, deserialize_with = "null_default")]
    pub is_truncated: bool,
    /// The marker of the next page, when truncated.
    #[serde(default)]
    pub next_marker: Option<String>,
}

/// Which objects of a bucket to list: by `prefix`, grouped at a `delimiter`, after a
/// `marker`, at most `page_size` at a time.
///
/// ```
/// use linode::api::object_storage::ObjectListQuery;
/// let query = ObjectListQuery::new().prefix("logs/").delimiter("/").page_size(50);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ObjectListQuery {
    /// Only names starting with this.
    pub prefix: Option<String>,
    /// Group names at the first occurrence of this after the prefix.
    pub delimiter: Option<String>,
    /// Only names after this (a page's `next_marker`).
    pub marker: Option<String>,
    /// At most this many entries (1-1000; the API's default is 100).
    pub page_size: Option<u32>,
}

impl ObjectListQuery {
    /// Every object, first page.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    ObjectListQuery {
        /// Only names starting with `prefix`.
        prefix: into String,
        /// Groups names at `delimiter` (usually `/`).
        delimiter: into String,
        /// Starts after `marker`.
        marker: into String,
        /// At most `size` entries per page (1-1000).
        page_size: value u32,
    }
}

/// A pre-signed URL to request: an object name, a method, and optionally a content type
/// (required for `PUT`) and a lifetime.
///
/// ```
/// use linode::api::object_storage::{CreateObjectUrl, UrlMethod};
/// let request = CreateObjectUrl::new("report.pdf", UrlMethod::Put)
///     .content_type("application/pdf")
///     .expires_in(600);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateObjectUrl {
    name: String,
    method: UrlMethod,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_disposition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_in: Option<u32>,
}

impl CreateObjectUrl {
    /// A URL for `method` on object `name`.
    pub fn new(name: impl Into<String>, method: UrlMethod) -> Self {
        CreateObjectUrl {
            name: name.into(),
            method,
            content_type: None,
            content_disposition: None,
            expires_in: None,
        }
    }

    /// For a `GET`: have browsers download the object as an attachment.
    pub fn as_attachment(mut self) -> Self {
        self.content_disposition = Some("attachment".to_owned());
        self
    }

    fn validate(&self) -> Result<()> {
        check_object_name(&self.name)?;
        let uploads = matches!(self.method, UrlMethod::Put | UrlMethod::Post);
        if uploads && self.content_type.is_none() {
            return Err(Error::invalid(
                "content_type",
                "is required to sign a PUT or POST",
            ));
        }
        if let Some(seconds) = self.expires_in
            && !(MIN_URL_EXPIRY..=MAX_URL_EXPIRY).contains(&seconds)
        {
            return Err(Error::invalid(
                "expires_in",
                format!("must be from {MIN_URL_EXPIRY} to {MAX_URL_EXPIRY} seconds"),
            ));
        }
        Ok(())
    }
}

setters! {
    CreateObjectUrl {
        /// The `Content-Type` the upload will send (required for `PUT` and `POST`).
        content_type: into String,
        /// How long the URL is valid, in seconds ([`MIN_URL_EXPIRY`] to [`MAX_URL_EXPIRY`];
        /// the API's default is an hour).
        expires_in: value u32,
    }
}

/// A pre-signed URL: whoever holds it may make its one request until it expires, so it is kept
/// secret (never shown by `Debug`).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ObjectUrl {
    /// The URL, signature included.
    #[serde(deserialize_with = "secret_string")]
    pub url: SecretString,
    /// Whether the object existed when the URL was signed.
    #[serde(default, deserialize_with = "null_default")]
    pub exists: bool,
}

fn secret_string<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<SecretString, D::Error> {
    String::deserialize(d).map(SecretString::from)
}

/// Whether a bucket serves a TLS certificate of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BucketSsl {
    /// `true` when one was uploaded.
    #[serde(default, deserialize_with = "null_default")]
    pub ssl: bool,
}

#[derive(Serialize)]
struct UploadSsl<'a> {
    certificate: &'a str,
    private_key: &'a str,
}

/// One bucket an access key is limited to, and what it may do there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KeyBucketAccess {
    /// The bucket's region.
    pub region: String,
    /// The bucket's label.
    pub bucket_name: String,
    /// What the key may do in it.
    pub permissions: BucketPermission,
    /// The bucket's legacy cluster (sent by the API, ignored when creating).
    #[serde(default, skip_serializing)]
    pub cluster: Option<String>,
}

impl KeyBucketAccess {
    /// Access to bucket `bucket_name` in `region` with `permissions`.
    pub fn new(
        region: impl Into<String>,
        bucket_name: impl Into<String>,
        permissions: BucketPermission,
    ) -> Self {
        KeyBucketAccess {
            region: region.into(),
            bucket_name: bucket_name.into(),
            permissions,
            cluster: None,
        }
    }
}

/// A region an access key works in, with its endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KeyRegion {
    /// The region.
    pub id: String,
    /// The endpoint's S3 hostname.
    #[serde(default)]
    pub s3_endpoint: Option<String>,
    /// The endpoint's type.
    #[serde(default)]
    pub endpoint_type: Option<EndpointType>,
}

/// An access key pair for the S3 API. Its secret is only shown once, in [`NewKey`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObjectStorageKey {
    /// The key's id.
    pub id: u64,
    /// Its label.
    pub label: String,
    /// The access key id S3 clients send.
    pub access_key: String,
    /// Whether it is limited to the buckets of `bucket_access`.
    #[serde(default, deserialize_with = "null_default")]
    pub limited: bool,
    /// The buckets it is limited to (`None` when not limited).
    #[serde(default)]
    pub bucket_access: Option<Vec<KeyBucketAccess>>,
    /// The regions it works in.
    #[serde(default, deserialize_with = "null_default")]
    pub regions: Vec<KeyRegion>,
}

/// A freshly created access key, with the secret the API shows only this once.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NewKey {
    /// The key's record.
    pub key: ObjectStorageKey,
    /// The secret key S3 clients sign with.
    pub secret_key: SecretString,
}

impl<'de> Deserialize<'de> for NewKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let mut value = serde_json::Value::deserialize(d)?;
        let secret = value
            .get_mut("secret_key")
            .map(serde_json::Value::take)
            .and_then(|v| v.as_str().map(str::to_owned))
            .ok_or_else(|| serde::de::Error::missing_field("secret_key"))?;
        let key = ObjectStorageKey::deserialize(value).map_err(serde::de::Error::custom)?;
        Ok(NewKey {
            key,
            secret_key: SecretString::from(secret),
        })
    }
}

/// An access key to create: a label, optionally limited to some buckets and regions.
///
/// ```
/// use linode::api::object_storage::{BucketPermission, CreateKey};
/// let request = CreateKey::new("ci-uploads")
///     .bucket("us-east", "artifacts", BucketPermission::ReadWrite)
///     .regions(["us-east"]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateKey {
    label: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    bucket_access: Vec<KeyBucketAccess>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regions: Option<Vec<String>>,
}

impl CreateKey {
    /// A key labelled `label` (3-50 characters) with access to every bucket.
    pub fn new(label: impl Into<String>) -> Self {
        CreateKey {
            label: label.into(),
            bucket_access: Vec::new(),
            regions: None,
        }
    }

    /// Limits the key to this bucket (among others added the same way) with `permissions`.
    pub fn bucket(
        mut self,
        region: impl Into<String>,
        bucket_name: impl Into<String>,
        permissions: BucketPermission,
    ) -> Self {
        self.bucket_access
            .push(KeyBucketAccess::new(region, bucket_name, permissions));
        self
    }

    fn validate(&self) -> Result<()> {
        check_key_label(&self.label)
    }
}

setters! {
    CreateKey {
        /// The regions the key works in.
        regions: list String,
    }
}

fn check_key_label(label: &str) -> Result<()> {
    if !(3..=50).contains(&label.chars().count()) {
        return Err(Error::invalid("label", "must be 3-50 characters"));
    }
    Ok(())
}

/// A change of an access key: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct KeyUpdate {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New regions (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
}

impl KeyUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    KeyUpdate {
        /// Sets the label.
        label: into String,
        /// Replaces the regions.
        regions: list String,
    }
}

/// Outbound transfer used by Object Storage this month, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObjectStorageTransfer {
    /// Bytes used.
    #[serde(default, deserialize_with = "null_default")]
    pub used: u64,
}

/// A limit on one endpoint: buckets, objects or bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Quota {
    /// The quota's id, `<quota_type>-<s3_endpoint>` such as
    /// `obj-buckets-us-east-1.linodeobjects.com`.
    pub quota_id: String,
    /// What kind of limit it is: `obj-buckets`, `obj-objects`, `obj-bytes`,
    /// `obj-total-ingress-throughput`, ...
    #[serde(default, deserialize_with = "null_default")]
    pub quota_type: String,
    /// A display name.
    #[serde(default, deserialize_with = "null_default")]
    pub quota_name: String,
    /// The endpoint's type.
    #[serde(default)]
    pub endpoint_type: Option<EndpointType>,
    /// The endpoint's S3 hostname.
    #[serde(default, deserialize_with = "null_default")]
    pub s3_endpoint: String,
    /// What it limits.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// The limit, in `resource_metric`s.
    #[serde(default, deserialize_with = "null_default")]
    pub quota_limit: u64,
    /// The unit counted: `bucket`, `object`, `byte` or `byte_per_second`.
    #[serde(default, deserialize_with = "null_default")]
    pub resource_metric: String,
    /// Whether its usage can be read ([`ObjectStorageGroup::quota_usage`]).
    #[serde(default, deserialize_with = "null_default")]
    pub has_usage: bool,
}

filterable!(Quota {
    QUOTA_NAME: Text = "quota_name",
    S3_ENDPOINT: Text = "s3_endpoint",
});

/// A limit on the whole account's Object Storage, such as its number of access keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GlobalQuota {
    /// The quota's id, such as `keys`.
    pub quota_id: String,
    /// Its type.
    #[serde(default, deserialize_with = "null_default")]
    pub quota_type: String,
    /// A display name.
    #[serde(default, deserialize_with = "null_default")]
    pub quota_name: String,
    /// What it limits.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// The limit, in `resource_metric`s.
    #[serde(default, deserialize_with = "null_default")]
    pub quota_limit: u64,
    /// The unit counted.
    #[serde(default, deserialize_with = "null_default")]
    pub resource_metric: String,
    /// Whether its usage can be read.
    #[serde(default, deserialize_with = "null_default")]
    pub has_usage: bool,
}

filterable!(GlobalQuota {
    QUOTA_NAME: Text = "quota_name",
});

/// How much of a quota is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QuotaUsage {
    /// The limit.
    #[serde(default, deserialize_with = "null_default")]
    pub quota_limit: u64,
    /// The amount used (`None` when the API cannot tell yet).
    #[serde(default)]
    pub usage: Option<u64>,
}

/// Calls under `/object-storage`.
#[derive(Debug, Clone, Copy)]
pub struct ObjectStorageGroup<'c> {
    pub(crate) client: &'c Client,
}

impl Client {
    /// Object Storage (`/object-storage`): buckets, keys, pre-signed URLs, quotas.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::object_storage::CreateBucket;
    /// let bucket = client
    ///     .object_storage()
    ///     .create_bucket(CreateBucket::new("backups", "us-east"))
    ///     .await?;
    /// println!("{}", bucket.hostname);
    /// # Ok(()) }
    /// ```
    pub fn object_storage(&self) -> ObjectStorageGroup<'_> {
        ObjectStorageGroup { client: self }
    }
}

/// A bucket's place in paths: its region (or legacy cluster) and label.
struct BucketPath<'a>(&'a str, &'a str);

impl BucketPath<'_> {
    fn params(&self) -> [&dyn fmt::Display; 2] {
        [&self.0, &self.1]
    }
}

#[derive(Serialize)]
struct SetAcl<'a> {
    name: &'a str,
    acl: &'a Acl,
}

impl ObjectStorageGroup<'_> {
    /// The endpoints, one or more per region offering Object Storage.
    pub fn endpoints(&self) -> ListRequest<Endpoint> {
        ListRequest::new(self.client, LIST_ENDPOINTS.path(&[]))
    }

    /// The legacy clusters.
    pub fn clusters(&self) -> ListRequest<Cluster> {
        ListRequest::new(self.client, LIST_CLUSTERS.path(&[]))
    }

    /// One legacy cluster, such as `us-east-1`.
    pub async fn cluster(&self, id: &str) -> Result<Cluster> {
        self.client.send(GET_CLUSTER.request(&[&id])).await
    }

    /// The Object Storage price list.
    pub fn types(&self) -> ListRequest<PricedType> {
        ListRequest::new(self.client, LIST_TYPES.path(&[]))
    }

    /// Every bucket of the account.
    pub fn buckets(&self) -> ListRequest<Bucket> {
        ListRequest::new(self.client, LIST_BUCKETS.path(&[]))
    }

    /// The buckets in one region (or legacy cluster).
    pub fn buckets_in(&self, region: &str) -> ListRequest<Bucket> {
        ListRequest::new(self.client, LIST_REGION_BUCKETS.path(&[&region]))
    }

    /// One bucket, by region (or legacy cluster) and label.
    pub async fn bucket(&self, region: &str, label: &str) -> Result<Bucket> {
        let at = BucketPath(region, label);
        self.client.send(GET_BUCKET.request(&at.params())).await
    }

    /// Creates a bucket.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::object_storage::{Acl, CreateBucket};
    /// let storage = client.object_storage();
    /// let bucket = storage
    ///     .create_bucket(CreateBucket::new("site", "us-east").acl(Acl::PublicRead))
    ///     .await?;
    /// assert_eq!(bucket.objects, 0);
    /// # Ok(()) }
    /// ```
    pub async fn create_bucket(&self, request: CreateBucket) -> Result<Bucket> {
        request.validate()?;
        self.client
            .send(CREATE_BUCKET.with_body(&[], &request)?)
            .await
    }

    /// Deletes a bucket. The API refuses while it holds objects.
    pub async fn delete_bucket(&self, region: &str, label: &str) -> Result<()> {
        let at = BucketPath(region, label);
        self.client
            .send_empty(DELETE_BUCKET.request(&at.params()))
            .await
    }

    /// A bucket's ACL and CORS settings.
    pub async fn bucket_access(&self, region: &str, label: &str) -> Result<BucketAccess> {
        let at = BucketPath(region, label);
        self.client
            .send(GET_BUCKET_ACCESS.request(&at.params()))
            .await
    }

    /// Changes a bucket's ACL and CORS settings with `PUT` (what the API documents as
    /// updating them).
    pub async fn update_bucket_access(
        &self,
        region: &str,
        label: &str,
        update: &BucketAccessUpdate,
    ) -> Result<()> {
        update.validate()?;
        let at = BucketPath(region, label);
        self.client
            .send_empty(UPDATE_BUCKET_ACCESS.with_body(&at.params(), update)?)
            .await
    }

    /// Changes a bucket's ACL and CORS settings with `POST` (the API's older form of
    /// [`update_bucket_access`](Self::update_bucket_access), same effect).
    pub async fn modify_bucket_access(
        &self,
        region: &str,
        label: &str,
        update: &BucketAccessUpdate,
    ) -> Result<()> {
        update.validate()?;
        let at = BucketPath(region, label);
        self.client
            .send_empty(MODIFY_BUCKET_ACCESS.with_body(&at.params(), update)?)
            .await
    }

    /// The ACL of object `name` in a bucket.
    pub async fn object_acl(&self, region: &str, bucket: &str, name: &str) -> Result<ObjectAcl> {
        check_object_name(name)?;
        let at = BucketPath(region, bucket);
        self.client
            .send(GET_OBJECT_ACL.request(&at.params()).query("name", name))
            .await
    }

    /// Sets the canned ACL of object `name` in a bucket.
    pub async fn set_object_acl(
        &self,
        region: &str,
        bucket: &str,
        name: &str,
        acl: Acl,
    ) -> Result<ObjectAcl> {
        check_object_name(name)?;
        check_canned(&acl)?;
        let at = BucketPath(region, bucket);
        self.client
            .send(SET_OBJECT_ACL.with_body(&at.params(), &SetAcl { name, acl: &acl })?)
            .await
    }

    /// One page of a bucket's objects; follow `next_marker` while `is_truncated`.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::object_storage::ObjectListQuery;
    /// let mut query = ObjectListQuery::new().prefix("logs/");
    /// loop {
    ///     let page = client.object_storage().objects("us-east", "site", &query).await?;
    ///     for object in &page.data {
    ///         println!("{} {:?}", object.name, object.size);
    ///     }
    ///     match page.next_marker.filter(|_| page.is_truncated) {
    ///         Some(marker) => query = query.marker(marker),
    ///         None => break,
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn objects(
        &self,
        region: &str,
        bucket: &str,
        query: &ObjectListQuery,
    ) -> Result<ObjectPage> {
        if query.page_size.is_some_and(|n| !(1..=1000).contains(&n)) {
            return Err(Error::invalid("page_size", "must be from 1 to 1000"));
        }
        let at = BucketPath(region, bucket);
        let mut request = LIST_OBJECTS.request(&at.params());
        for (name, value) in [
            ("prefix", &query.prefix),
            ("delimiter", &query.delimiter),
            ("marker", &query.marker),
        ] {
            if let Some(value) = value {
                request = request.query(name, value);
            }
        }
        if let Some(size) = query.page_size {
            request = request.query("page_size", size);
        }
        self.client.send(request).await
    }

    /// A pre-signed URL for one request on one object, which needs no token: an upload
    /// (`PUT`), a download (`GET`) or a deletion (`DELETE`).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::object_storage::{CreateObjectUrl, UrlMethod};
    /// let signed = client
    ///     .object_storage()
    ///     .object_url("us-east", "site", &CreateObjectUrl::new("index.html", UrlMethod::Put)
    ///         .content_type("text/html"))
    ///     .await?;
    /// // PUT the bytes to `signed.url` with `Content-Type: text/html`.
    /// # Ok(()) }
    /// ```
    pub async fn object_url(
        &self,
        region: &str,
        bucket: &str,
        request: &CreateObjectUrl,
    ) -> Result<ObjectUrl> {
        request.validate()?;
        let at = BucketPath(region, bucket);
        self.client
            .send(CREATE_OBJECT_URL.with_body(&at.params(), request)?)
            .await
    }

    /// Whether a bucket serves a TLS certificate of its own.
    pub async fn bucket_ssl(&self, region: &str, bucket: &str) -> Result<BucketSsl> {
        let at = BucketPath(region, bucket);
        self.client.send(GET_BUCKET_SSL.request(&at.params())).await
    }

    /// Uploads a bucket's TLS certificate and private key (both PEM). The API refuses while
    /// the bucket has one: [`delete_bucket_ssl`](Self::delete_bucket_ssl) first.
    pub async fn upload_bucket_ssl(
        &self,
        region: &str,
        bucket: &str,
        certificate: &str,
        private_key: &SecretString,
    ) -> Result<BucketSsl> {
        if certificate.trim().is_empty() {
            return Err(Error::invalid("certificate", "is empty"));
        }
        let body = UploadSsl {
            certificate,
            private_key: private_key.expose_secret(),
        };
        let at = BucketPath(region, bucket);
        self.client
            .send(UPLOAD_BUCKET_SSL.with_body(&at.params(), &body)?)
            .await
    }

    /// Deletes a bucket's TLS certificate and private key.
    pub async fn delete_bucket_ssl(&self, region: &str, bucket: &str) -> Result<()> {
        let at = BucketPath(region, bucket);
        self.client
            .send_empty(DELETE_BUCKET_SSL.request(&at.params()))
            .await
    }

    /// The account's access keys (their secrets are never listed).
    pub fn keys(&self) -> ListRequest<ObjectStorageKey> {
        ListRequest::new(self.client, LIST_KEYS.path(&[]))
    }

    /// One access key.
    pub async fn key(&self, id: u64) -> Result<ObjectStorageKey> {
        self.client.send(GET_KEY.request(&[&id])).await
    }

    /// Creates an access key; its secret is in the answer, and only there.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::object_storage::{BucketPermission, CreateKey};
    /// let new = client
    ///     .object_storage()
    ///     .create_key(CreateKey::new("reader").bucket("us-east", "site", BucketPermission::ReadOnly))
    ///     .await?;
    /// assert!(new.key.limited);
    /// # Ok(()) }
    /// ```
    pub async fn create_key(&self, request: CreateKey) -> Result<NewKey> {
        request.validate()?;
        self.client.send(CREATE_KEY.with_body(&[], &request)?).await
    }

    /// Changes an access key's label or regions.
    pub async fn update_key(&self, id: u64, update: &KeyUpdate) -> Result<ObjectStorageKey> {
        if let Some(label) = &update.label {
            check_key_label(label)?;
        }
        self.client
            .send(UPDATE_KEY.with_body(&[&id], update)?)
            .await
    }

    /// Revokes an access key: it stops working at once.
    pub async fn revoke_key(&self, id: u64) -> Result<()> {
        self.client.send_empty(REVOKE_KEY.request(&[&id])).await
    }

    /// Outbound transfer used this month.
    pub async fn transfer(&self) -> Result<ObjectStorageTransfer> {
        self.client.send(GET_TRANSFER.request(&[])).await
    }

    /// The per-endpoint quotas.
    pub fn quotas(&self) -> ListRequest<Quota> {
        ListRequest::new(self.client, LIST_QUOTAS.path(&[]))
    }

    /// One per-endpoint quota.
    pub async fn quota(&self, id: &str) -> Result<Quota> {
        self.client.send(GET_QUOTA.request(&[&id])).await
    }

    /// How much of a per-endpoint quota is used.
    pub async fn quota_usage(&self, id: &str) -> Result<QuotaUsage> {
        self.client.send(GET_QUOTA_USAGE.request(&[&id])).await
    }

    /// The account-wide quotas.
    pub fn global_quotas(&self) -> ListRequest<GlobalQuota> {
        ListRequest::new(self.client, LIST_GLOBAL_QUOTAS.path(&[]))
    }

    /// One account-wide quota.
    pub async fn global_quota(&self, id: &str) -> Result<GlobalQuota> {
        self.client.send(GET_GLOBAL_QUOTA.request(&[&id])).await
    }

    /// How much of an account-wide quota is used.
    pub async fn global_quota_usage(&self, id: &str) -> Result<QuotaUsage> {
        self.client
            .send(GET_GLOBAL_QUOTA_USAGE.request(&[&id]))
            .await
    }

    /// Cancels Object Storage: every bucket and key goes, and billing stops. The API refuses
    /// while any bucket holds objects.
    pub async fn cancel(&self) -> Result<()> {
        self.client
            .send_empty(CANCEL.with_body(&[], &serde_json::json!({}))?)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_serialise_as_the_api_reads_them() {
        let json = serde_json::to_value(
            CreateKey::new("ci")
                .bucket("us-east", "b1", BucketPermission::ReadOnly)
                .regions(["us-east"]),
        )
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"label": "ci", "regions": ["us-east"],
                "bucket_access": [{"region": "us-east", "bucket_name": "b1", "permissions": "read_only"}]})
        );
        let json = serde_json::to_value(CreateBucket::new("abc", "us-east")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"label": "abc", "region": "us-east"})
        );
    }

    #[test]
    fn bad_requests_are_refused_before_sending() {
        for bad in ["ab", "Abc", "a--b", "a..b", "-ab", "a_b"] {
            assert!(
                CreateBucket::new(bad, "us-east").validate().is_err(),
                "{bad}"
            );
        }
        assert!(CreateBucket::new("a-b.c1", "us-east").validate().is_ok());
        assert!(
            CreateObjectUrl::new("x", UrlMethod::Put)
                .validate()
                .is_err()
        );
        assert!(
            CreateObjectUrl::new("x", UrlMethod::Get)
                .expires_in(10)
                .validate()
                .is_err()
        );
        assert!(CreateKey::new("ab").validate().is_err());
    }

    #[test]
    fn a_new_key_keeps_its_secret_out_of_debug() {
        let new: NewKey = serde_json::from_value(serde_json::json!({
            "id": 1, "label": "k", "access_key": "AK", "secret_key": "s3cr3t",
            "limited": false, "bucket_access": null, "regions": [], "later": 1
        }))
        .unwrap();
        assert!(!format!("{new:?}").contains("s3cr3t"));
        assert_eq!(new.key.access_key, "AK");
    }
}
