//! Block Storage volumes: `/volumes`, and the volumes of one Linode.

use serde::{Deserialize, Serialize};

use crate::api::linode::Instance;
use crate::api::pricing::PricedType;
use crate::api::regions::Region;
use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::lazy::Lazy;
use crate::model::{
    Encryption, LockType, Ref, Resource, api_enum, null_default, setters, timestamp,
};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_VOLUMES = GET "/volumes";
    LIST_VOLUME_TYPES = GET "/volumes/types";
    CREATE_VOLUME = POST "/volumes";
    GET_VOLUME = GET "/volumes/{volumeId}";
    UPDATE_VOLUME = PUT "/volumes/{volumeId}";
    DELETE_VOLUME = DELETE "/volumes/{volumeId}";
    ATTACH_VOLUME = POST "/volumes/{volumeId}/attach";
    DETACH_VOLUME = POST "/volumes/{volumeId}/detach";
    RESIZE_VOLUME = POST "/volumes/{volumeId}/resize";
    CLONE_VOLUME = POST "/volumes/{volumeId}/clone";
    LIST_LINODE_VOLUMES = GET "/linode/instances/{linodeId}/volumes";
}

/// Size of a new volume when none is given, in GB (as the API).
pub const DEFAULT_VOLUME_SIZE: u64 = 20;
/// Smallest volume the API creates, in GB.
pub const MIN_VOLUME_SIZE: u64 = 10;
/// Largest volume the API creates, in GB.
pub const MAX_VOLUME_SIZE: u64 = 10240;

api_enum! {
    /// Whether a volume can be used. Volatile: it changes once creation or a resize ends.
    pub enum VolumeStatus {
        /// Being created.
        Creating = "creating",
        /// Ready.
        Active = "active",
        /// Growing.
        Resizing = "resizing",
        /// Needs the attention of support.
        ContactSupport = "contact_support",
    }
}

/// A Block Storage volume: a disk that can be attached to one Linode in its region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Volume {
    /// The volume's id.
    pub id: u64,
    /// Its label (mutable).
    pub label: String,
    /// Where it is (volumes only attach to Linodes in the same region).
    pub region: Ref<Region>,
    /// Size in GB (grows with [`VolumesGroup::resize`]).
    pub size: u64,
    /// Whether it can be used (volatile).
    pub status: VolumeStatus,
    /// The Linode it is attached to, if any.
    #[serde(default)]
    pub linode_id: Option<u64>,
    /// The label of the Linode it is attached to, if any.
    #[serde(default)]
    pub linode_label: Option<String>,
    /// Its device path on the Linode, such as `/dev/disk/by-id/scsi-0Linode_Volume_data`.
    #[serde(default, deserialize_with = "null_default")]
    pub filesystem_path: String,
    /// Its tags (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// `nvme` or `hdd`.
    #[serde(default)]
    pub hardware_type: Option<String>,
    /// When it was created.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When it was last changed.
    #[serde(with = "timestamp")]
    pub updated: timestamp::Timestamp,
    /// Whether its data is encrypted at rest.
    #[serde(default)]
    pub encryption: Option<Encryption>,
    /// Whether it can take I/O (false while it is being attached or moved).
    #[serde(default, deserialize_with = "null_default")]
    pub io_ready: bool,
    /// Locks that refuse some operations on it.
    #[serde(default, deserialize_with = "null_default")]
    pub locks: Vec<LockType>,
}

filterable!(Volume {
    LABEL: Text = "label",
    TAGS: Text = "tags",
});

impl Resource for Volume {
    type Id = u64;
    const VOLATILE: bool = true;
    fn path(id: &u64) -> Path {
        GET_VOLUME.path(&[id])
    }
}

impl Volume {
    /// The fields of this volume the API lets you change, as they are now: what
    /// [`save`](Volume::save) sends.
    pub fn changes(&self) -> VolumeUpdate {
        VolumeUpdate {
            label: Some(self.label.clone()),
            tags: Some(self.tags.clone()),
        }
    }

    /// Sends the mutable fields (label, tags) and replaces `self` with the API's answer.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let mut volume = client.volumes().get(123).await?;
    /// volume.label = "database".into();
    /// volume.save(&client).await?;
    /// # Ok(()) }
    /// ```
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client.volumes().update(self.id, &self.changes()).await?;
        Ok(())
    }

    /// Deletes the volume (the API refuses while it is attached).
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.volumes().delete(self.id).await
    }

    /// The attached Linode, if any, as a lazy handle (no request).
    pub fn linode(&self, client: &Client) -> Option<Lazy<Instance>> {
        self.linode_id.map(|id| Lazy::new(client, id))
    }
}

impl Instance {
    /// The volumes attached to this Linode (`GET /linode/instances/{id}/volumes`).
    pub fn volumes(&self, client: &Client) -> ListRequest<Volume> {
        ListRequest::new(client, LIST_LINODE_VOLUMES.path(&[&self.id]))
    }
}

/// A partial update of a volume: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VolumeUpdate {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New tags (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl VolumeUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    VolumeUpdate {
        /// Sets the label.
        label: into String,
        /// Replaces the tags.
        tags: list String,
    }
}

/// What to create: a volume [in a region](CreateVolume::in_region) or
/// [attached to a Linode](CreateVolume::attached_to) (in the Linode's region), of
/// [`DEFAULT_VOLUME_SIZE`] GB unless [`size`](CreateVolume::size) says otherwise.
///
/// ```
/// use linode::api::volumes::CreateVolume;
/// let request = CreateVolume::attached_to("data", 123).size(100).tags(["db"]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateVolume {
    label: String,
    size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    linode_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    config_id: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption: Option<Encryption>,
}

impl CreateVolume {
    /// A detached volume in `region`.
    pub fn in_region(label: impl Into<String>, region: impl Into<String>) -> Self {
        CreateVolume {
            region: Some(region.into()),
            ..Self::base(label.into())
        }
    }

    /// A volume attached to Linode `linode_id` once created, in that Linode's region.
    pub fn attached_to(label: impl Into<String>, linode_id: u64) -> Self {
        CreateVolume {
            linode_id: Some(linode_id),
            ..Self::base(label.into())
        }
    }

    fn base(label: String) -> Self {
        CreateVolume {
            label,
            size: DEFAULT_VOLUME_SIZE,
            region: None,
            linode_id: None,
            config_id: None,
            tags: Vec::new(),
            encryption: None,
        }
    }

    /// Sets the size in GB (10 to 10240).
    pub fn size(mut self, gigabytes: u64) -> Self {
        self.size = gigabytes;
        self
    }

    /// Sets the tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    fn validate(&self) -> Result<()> {
        check_label(&self.label)?;
        check_size(self.size)?;
        if self.region.as_deref().is_some_and(|r| r.trim().is_empty()) {
            return Err(Error::invalid("region", "is empty"));
        }
        if self.config_id.is_some() && self.linode_id.is_none() {
            return Err(Error::invalid(
                "config_id",
                "only applies to a volume attached to a Linode",
            ));
        }
        Ok(())
    }
}

setters! {
    CreateVolume {
        /// Whether to encrypt the volume at rest (in regions offering Block Storage Encryption).
        encryption: value Encryption,
        /// For a volume attached at creation: the Linode config to add it to.
        config_id: value u64,
    }
}

fn check_label(label: &str) -> Result<()> {
    if label.trim().is_empty() {
        return Err(Error::invalid("label", "is empty"));
    }
    if label.chars().count() > 32 {
        return Err(Error::invalid("label", "is longer than 32 characters"));
    }
    Ok(())
}

fn check_size(size: u64) -> Result<()> {
    if !(MIN_VOLUME_SIZE..=MAX_VOLUME_SIZE).contains(&size) {
        return Err(Error::invalid(
            "size",
            format!("must be from {MIN_VOLUME_SIZE} to {MAX_VOLUME_SIZE} GB"),
        ));
    }
    Ok(())
}

/// Where to attach a volume: a Linode, and optionally one of its configs.
///
/// ```
/// use linode::api::volumes::AttachVolume;
/// let attach = AttachVolume::new(123).config_id(456);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AttachVolume {
    linode_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    config_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    persist_across_boots: Option<bool>,
}

impl AttachVolume {
    /// Attach to Linode `linode_id` (which must be in the volume's region).
    pub fn new(linode_id: u64) -> Self {
        AttachVolume {
            linode_id,
            config_id: None,
            persist_across_boots: None,
        }
    }
}

setters! {
    AttachVolume {
        /// Adds the volume to this config of the Linode (default: its last booted one).
        config_id: value u64,
        /// `false` attaches without adding the volume to a config (the Linode must be running).
        persist_across_boots: value bool,
    }
}

/// Calls under `/volumes`.
#[derive(Debug, Clone, Copy)]
pub struct VolumesGroup<'c> {
    pub(crate) client: &'c Client,
}

impl Client {
    /// Block Storage volumes (`/volumes`).
    pub fn volumes(&self) -> VolumesGroup<'_> {
        VolumesGroup { client: self }
    }
}

#[derive(Serialize)]
struct Label<'a> {
    label: &'a str,
}

#[derive(Serialize)]
struct Size {
    size: u64,
}

impl VolumesGroup<'_> {
    /// Lists your volumes.
    pub fn list(&self) -> ListRequest<Volume> {
        ListRequest::new(self.client, LIST_VOLUMES.path(&[]))
    }

    /// The Block Storage price list: the price of one GB, by region.
    pub fn types(&self) -> ListRequest<PricedType> {
        ListRequest::new(self.client, LIST_VOLUME_TYPES.path(&[]))
    }

    /// Loads one volume.
    pub async fn get(&self, id: u64) -> Result<Volume> {
        self.client.load::<Volume>(id).await
    }

    /// Creates a volume; it is `creating` until the API has provisioned it.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::volumes::CreateVolume;
    /// let volume = client.volumes().create(CreateVolume::in_region("data", "us-east")).await?;
    /// assert_eq!(volume.size, 20);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, request: CreateVolume) -> Result<Volume> {
        request.validate()?;
        self.client
            .send(CREATE_VOLUME.with_body(&[], &request)?)
            .await
    }

    /// Changes the fields set in `update` and returns the volume as it is now.
    pub async fn update(&self, id: u64, update: &VolumeUpdate) -> Result<Volume> {
        if let Some(label) = &update.label {
            check_label(label)?;
        }
        self.client
            .send(UPDATE_VOLUME.with_body(&[&id], update)?)
            .await
    }

    /// Deletes a volume. The API refuses while it is attached: [`detach`](Self::detach) first.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_VOLUME.request(&[&id])).await
    }

    /// Attaches a volume to a Linode in the same region.
    pub async fn attach(&self, id: u64, linode_id: u64) -> Result<Volume> {
        self.attach_with(id, &AttachVolume::new(linode_id)).await
    }

    /// Attaches a volume with the options in `attach`.
    pub async fn attach_with(&self, id: u64, attach: &AttachVolume) -> Result<Volume> {
        self.client
            .send(ATTACH_VOLUME.with_body(&[&id], attach)?)
            .await
    }

    /// Detaches a volume from its Linode.
    pub async fn detach(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DETACH_VOLUME.with_body(&[&id], &serde_json::json!({}))?)
            .await
    }

    /// Grows a volume to `size` GB (volumes never shrink); it is `resizing` meanwhile.
    pub async fn resize(&self, id: u64, size: u64) -> Result<Volume> {
        check_size(size)?;
        self.client
            .send(RESIZE_VOLUME.with_body(&[&id], &Size { size })?)
            .await
    }

    /// Creates a new volume labelled `label` with the size and data of volume `id`.
    pub async fn clone_volume(&self, id: u64, label: &str) -> Result<Volume> {
        check_label(label)?;
        self.client
            .send(CLONE_VOLUME.with_body(&[&id], &Label { label })?)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_requests_send_the_default_size() {
        let json = serde_json::to_value(CreateVolume::in_region("data", "us-east")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"label": "data", "size": 20, "region": "us-east"})
        );
        let json = serde_json::to_value(CreateVolume::attached_to("data", 7).config_id(9)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"label": "data", "size": 20, "linode_id": 7, "config_id": 9})
        );
    }

    #[test]
    fn obviously_bad_requests_are_refused_before_sending() {
        assert!(CreateVolume::in_region("", "us-east").validate().is_err());
        assert!(
            CreateVolume::in_region("d", "us-east")
                .size(5)
                .validate()
                .is_err()
        );
        assert!(
            CreateVolume::in_region("d", "us-east")
                .size(10241)
                .validate()
                .is_err()
        );
        assert!(
            CreateVolume::in_region("d", "us-east")
                .config_id(1)
                .validate()
                .is_err()
        );
    }
}
