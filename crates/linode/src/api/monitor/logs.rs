//! Logs: streams (`/monitor/streams`), which deliver a kind of log (the control-plane
//! `audit_logs`, or `lke_audit_logs` of LKE enterprise clusters) to a destination
//! (`/monitor/streams/destinations`, an Object Storage bucket). Each update of either makes a
//! new version, listed by its history.
//!
//! A destination in use by a stream cannot be deleted.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::{MonitorGroup, expose, loose_string};
use crate::error::{Error, Result};
use crate::model::timestamp::{self, Timestamp};
use crate::model::{api_enum, null_default, setters};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_STREAMS = GET "/monitor/streams";
    CREATE_STREAM = POST "/monitor/streams";
    GET_STREAM = GET "/monitor/streams/{streamId}";
    UPDATE_STREAM = PUT "/monitor/streams/{streamId}";
    DELETE_STREAM = DELETE "/monitor/streams/{streamId}";
    STREAM_HISTORY = GET "/monitor/streams/{streamId}/history";
    LIST_DESTINATIONS = GET "/monitor/streams/destinations";
    CREATE_DESTINATION = POST "/monitor/streams/destinations";
    GET_DESTINATION = GET "/monitor/streams/destinations/{destinationId}";
    UPDATE_DESTINATION = PUT "/monitor/streams/destinations/{destinationId}";
    DELETE_DESTINATION = DELETE "/monitor/streams/destinations/{destinationId}";
    DESTINATION_HISTORY = GET "/monitor/streams/destinations/{destinationId}/history";
}

api_enum! {
    /// The logs a stream carries.
    pub enum StreamType {
        /// The control-plane operations of your services.
        AuditLogs = "audit_logs",
        /// The audit logs of LKE enterprise clusters.
        LkeAuditLogs = "lke_audit_logs",
    }
}

api_enum! {
    /// Whether a stream delivers.
    pub enum StreamStatus {
        /// Delivering.
        Active = "active",
        /// Paused.
        Inactive = "inactive",
        /// Being set up.
        Provisioning = "provisioning",
    }
}

api_enum! {
    /// Where a destination stores logs.
    pub enum DestinationType {
        /// An Akamai Object Storage bucket.
        AkamaiObjectStorage = "akamai_object_storage",
    }
}

/// Where a destination's bucket is, as shown (its secret key is write-only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DestinationDetails {
    /// The Object Storage key's id.
    #[serde(default, deserialize_with = "loose_string")]
    pub access_key_id: String,
    /// The bucket.
    #[serde(default, deserialize_with = "loose_string")]
    pub bucket_name: String,
    /// The bucket's hostname.
    #[serde(default, deserialize_with = "loose_string")]
    pub host: String,
    /// The path in the bucket where log files go.
    #[serde(default)]
    pub path: Option<String>,
}

/// A log destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Destination {
    /// Its id.
    pub id: u64,
    /// Its label.
    pub label: String,
    /// Its kind.
    #[serde(rename = "type")]
    pub kind: DestinationType,
    /// Its bucket.
    #[serde(default, deserialize_with = "null_default")]
    pub details: DestinationDetails,
    /// Its version, one more at each update.
    #[serde(default)]
    pub version: Option<u64>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<Timestamp>,
    /// When it last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<Timestamp>,
    /// Who created it.
    #[serde(default, deserialize_with = "loose_string")]
    pub created_by: String,
    /// Who last changed it.
    #[serde(default, deserialize_with = "loose_string")]
    pub updated_by: String,
}

/// What an LKE audit log stream covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StreamDetails {
    /// The LKE enterprise clusters.
    #[serde(default, deserialize_with = "null_default")]
    pub cluster_ids: Vec<u64>,
    /// Whether clusters created later join the stream.
    #[serde(default, deserialize_with = "null_default")]
    pub is_auto_add_all_clusters_enabled: bool,
}

/// A log stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stream {
    /// Its id.
    pub id: u64,
    /// Its label.
    pub label: String,
    /// The logs it carries.
    #[serde(rename = "type")]
    pub kind: StreamType,
    /// Whether it delivers.
    pub status: StreamStatus,
    /// Where it delivers (one destination today).
    #[serde(default, deserialize_with = "null_default")]
    pub destinations: Vec<Destination>,
    /// The clusters of an `lke_audit_logs` stream (empty otherwise).
    #[serde(default, deserialize_with = "null_default")]
    pub details: StreamDetails,
    /// Its version, one more at each update.
    #[serde(default)]
    pub version: Option<u64>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<Timestamp>,
    /// When it last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<Timestamp>,
    /// Who created it.
    #[serde(default, deserialize_with = "loose_string")]
    pub created_by: String,
    /// Who last changed it.
    #[serde(default, deserialize_with = "loose_string")]
    pub updated_by: String,
}

impl Stream {
    /// The ids of its destinations.
    pub fn destination_ids(&self) -> Vec<u64> {
        self.destinations.iter().map(|d| d.id).collect()
    }
}

/// What an LKE audit log stream should cover, as sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LkeClusters {
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_ids: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_auto_add_all_clusters_enabled: Option<bool>,
}

impl LkeClusters {
    /// These clusters.
    pub fn ids(ids: impl IntoIterator<Item = u64>) -> Self {
        LkeClusters {
            cluster_ids: Some(ids.into_iter().collect()),
            is_auto_add_all_clusters_enabled: None,
        }
    }

    /// Every cluster, including those created later.
    pub fn all() -> Self {
        LkeClusters {
            cluster_ids: None,
            is_auto_add_all_clusters_enabled: Some(true),
        }
    }
}

/// A stream to create.
///
/// ```
/// use linode::api::monitor::{CreateStream, StreamType};
/// let request = CreateStream::new("audit", StreamType::AuditLogs, 12345);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateStream {
    label: String,
    #[serde(rename = "type")]
    kind: StreamType,
    destinations: Vec<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<StreamStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<LkeClusters>,
}

impl CreateStream {
    /// A stream of `kind` logs to destination `destination`.
    pub fn new(label: impl Into<String>, kind: StreamType, destination: u64) -> Self {
        CreateStream {
            label: label.into(),
            kind,
            destinations: vec![destination],
            status: None,
            details: None,
        }
    }
}

setters! {
    CreateStream {
        /// `active` (the default) or `inactive`.
        status: value StreamStatus,
        /// The clusters of an `lke_audit_logs` stream.
        details: value LkeClusters,
    }
}

/// What to change in a stream.
///
/// ```
/// use linode::api::monitor::{StreamStatus, UpdateStream};
/// let change = UpdateStream::new().status(StreamStatus::Inactive);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UpdateStream {
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<StreamStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    destinations: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<LkeClusters>,
}

impl UpdateStream {
    /// A change of nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    UpdateStream {
        /// A new label.
        label: into String,
        /// `active` or `inactive`.
        status: value StreamStatus,
        /// Other destinations.
        destinations: items u64,
        /// Other clusters.
        details: value LkeClusters,
    }
}

/// A bucket to deliver to, with the key that writes to it (its secret is never shown by
/// `Debug`).
///
/// ```
/// use linode::api::monitor::BucketDetails;
/// let bucket = BucketDetails::new("123", "s3cret".into(), "logs", "logs.us-east-1.linodeobjects.com")
///     .path("audit");
/// assert!(!format!("{bucket:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct BucketDetails {
    access_key_id: String,
    #[serde(serialize_with = "expose")]
    access_key_secret: SecretString,
    bucket_name: String,
    host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
}

impl BucketDetails {
    /// Bucket `bucket_name` at `host`, written with key `access_key_id`/`access_key_secret`.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: SecretString,
        bucket_name: impl Into<String>,
        host: impl Into<String>,
    ) -> Self {
        BucketDetails {
            access_key_id: access_key_id.into(),
            access_key_secret,
            bucket_name: bucket_name.into(),
            host: host.into(),
            path: None,
        }
    }
}

setters! {
    BucketDetails {
        /// The path in the bucket where log files go.
        path: into String,
    }
}

/// A destination to create.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CreateDestination {
    label: String,
    #[serde(rename = "type")]
    kind: DestinationType,
    details: BucketDetails,
}

impl CreateDestination {
    /// An Object Storage destination.
    ///
    /// ```
    /// use linode::api::monitor::{BucketDetails, CreateDestination};
    /// let bucket = BucketDetails::new("123", "secret".into(), "logs", "logs.us-east-1.linodeobjects.com");
    /// let request = CreateDestination::object_storage("audit-bucket", bucket);
    /// ```
    pub fn object_storage(label: impl Into<String>, details: BucketDetails) -> Self {
        CreateDestination {
            label: label.into(),
            kind: DestinationType::AkamaiObjectStorage,
            details,
        }
    }
}

/// What to change in a destination.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct UpdateDestination {
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<BucketDetails>,
}

impl UpdateDestination {
    /// A change of nothing yet.
    ///
    /// ```
    /// use linode::api::monitor::UpdateDestination;
    /// let change = UpdateDestination::new().label("renamed");
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    UpdateDestination {
        /// A new label.
        label: into String,
        /// Another bucket or key.
        details: value BucketDetails,
    }
}

fn check_label(label: &str) -> Result<()> {
    if label.trim().is_empty() {
        return Err(Error::invalid("label", "is empty"));
    }
    Ok(())
}

impl MonitorGroup<'_> {
    /// Your log streams.
    pub fn streams(&self) -> ListRequest<Stream> {
        ListRequest::new(self.client, LIST_STREAMS.path(&[]))
    }

    /// Creates a log stream.
    pub async fn create_stream(&self, request: &CreateStream) -> Result<Stream> {
        check_label(&request.label)?;
        self.client
            .send(CREATE_STREAM.with_body(&[], request)?)
            .await
    }

    /// One log stream.
    pub async fn stream(&self, id: u64) -> Result<Stream> {
        self.client.send(GET_STREAM.request(&[&id])).await
    }

    /// Changes a log stream (a new version).
    pub async fn update_stream(&self, id: u64, change: &UpdateStream) -> Result<Stream> {
        if let Some(label) = &change.label {
            check_label(label)?;
        }
        self.client
            .send(UPDATE_STREAM.with_body(&[&id], change)?)
            .await
    }

    /// Deletes a log stream.
    pub async fn delete_stream(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_STREAM.request(&[&id])).await
    }

    /// Every version of a stream, oldest first.
    pub fn stream_history(&self, id: u64) -> ListRequest<Stream> {
        ListRequest::new(self.client, STREAM_HISTORY.path(&[&id]))
    }

    /// Your log destinations.
    pub fn destinations(&self) -> ListRequest<Destination> {
        ListRequest::new(self.client, LIST_DESTINATIONS.path(&[]))
    }

    /// Creates a log destination.
    pub async fn create_destination(&self, request: &CreateDestination) -> Result<Destination> {
        check_label(&request.label)?;
        self.client
            .send(CREATE_DESTINATION.with_body(&[], request)?)
            .await
    }

    /// One log destination.
    pub async fn destination(&self, id: u64) -> Result<Destination> {
        self.client.send(GET_DESTINATION.request(&[&id])).await
    }

    /// Changes a log destination (a new version).
    pub async fn update_destination(
        &self,
        id: u64,
        change: &UpdateDestination,
    ) -> Result<Destination> {
        if let Some(label) = &change.label {
            check_label(label)?;
        }
        self.client
            .send(UPDATE_DESTINATION.with_body(&[&id], change)?)
            .await
    }

    /// Deletes a log destination; refused while a stream delivers to it.
    pub async fn delete_destination(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_DESTINATION.request(&[&id]))
            .await
    }

    /// Every version of a destination, oldest first.
    pub fn destination_history(&self, id: u64) -> ListRequest<Destination> {
        ListRequest::new(self.client, DESTINATION_HISTORY.path(&[&id]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_and_answers() {
        let request =
            CreateStream::new("a", StreamType::LkeAuditLogs, 5).details(LkeClusters::ids([1, 2]));
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"label": "a", "type": "lke_audit_logs", "destinations": [5],
                "details": {"cluster_ids": [1, 2]}})
        );
        let destination: Destination = serde_json::from_value(json!({
            "id": 1, "label": "d", "type": "splunk",
            "details": {"access_key_id": 123, "bucket_name": "b", "host": "h"}
        }))
        .unwrap();
        assert_eq!(destination.kind, DestinationType::Unknown("splunk".into()));
        assert_eq!(destination.details.access_key_id, "123");
    }
}
