//! Images: `/images`: public distributions and your private images, made from a disk or
//! uploaded, replicated across regions, and shared through [share groups](sharegroups).

pub mod sharegroups;

use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize};

use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_IMAGES = GET "/images";
    CREATE_IMAGE = POST "/images";
    GET_IMAGE = GET "/images/{imageId}";
    UPDATE_IMAGE = PUT "/images/{imageId}";
    DELETE_IMAGE = DELETE "/images/{imageId}";
    UPLOAD_IMAGE = POST "/images/upload";
    REPLICATE_IMAGE = POST "/images/{imageId}/regions";
}

/// Largest gzip file the API accepts for an upload, in bytes (5 GB).
pub const MAX_UPLOAD_BYTES: u64 = 5 * 1024 * 1024 * 1024;

api_enum! {
    /// Whether an image can be deployed yet.
    pub enum ImageStatus {
        /// Being created.
        Creating = "creating",
        /// Waiting for its upload.
        PendingUpload = "pending_upload",
        /// Ready to deploy.
        Available = "available",
    }
}

api_enum! {
    /// Where an image stands in one of its regions.
    pub enum ImageRegionStatus {
        /// Stored there and deployable.
        Available = "available",
        /// Being created there.
        Creating = "creating",
        /// Waiting (for an upload or the image's creation).
        Pending = "pending",
        /// Being removed from the region (it was left out of a replication).
        PendingDeletion = "pending deletion",
        /// Waiting to be copied there.
        PendingReplication = "pending replication",
        /// Being copied there.
        Replicating = "replicating",
        /// The copy did not finish in time.
        TimedOut = "timedout",
    }
}

/// One region an image is stored in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageRegion {
    /// The region's id, such as `us-east`.
    pub region: String,
    /// Where the image stands there (`None` if the API sends none).
    #[serde(default)]
    pub status: Option<ImageRegionStatus>,
}

/// What `is_shared` says: a flag on your own images, `"none"` on images shared with you.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum IsShared {
    /// `true` or `false`: whether your private image is in a share group.
    Flag(bool),
    /// `"none"` (the image belongs to another account and is shared with yours), or a value
    /// this client does not know, kept as sent.
    Other(String),
}

impl IsShared {
    /// Whether the image belongs to another account and reached yours through a share group.
    pub fn shared_with_you(&self) -> bool {
        matches!(self, IsShared::Other(s) if s == "none")
    }
}

impl<'de> Deserialize<'de> for IsShared {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::Bool(b) => IsShared::Flag(b),
            serde_json::Value::String(s) => IsShared::Other(s),
            other => IsShared::Other(other.to_string()),
        })
    }
}

/// How an image is shared (`image_sharing`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageSharing {
    /// For your own private image: in how many share groups it is.
    #[serde(default)]
    pub shared_with: Option<SharedWith>,
    /// For an image share: the group it comes from.
    #[serde(default)]
    pub shared_by: Option<SharedBy>,
}

/// The share groups a private image is in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SharedWith {
    /// How many groups share it.
    #[serde(default, deserialize_with = "null_default")]
    pub sharegroup_count: u64,
    /// The API path listing those groups.
    #[serde(default, deserialize_with = "null_default")]
    pub sharegroup_list_url: String,
}

/// The share group an image share comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SharedBy {
    /// The group's id.
    pub sharegroup_id: u64,
    /// The group's UUID.
    #[serde(default, deserialize_with = "null_default")]
    pub sharegroup_uuid: String,
    /// The group's label.
    #[serde(default, deserialize_with = "null_default")]
    pub sharegroup_label: String,
    /// The private image shared (shown to its owner only).
    #[serde(default)]
    pub source_image_id: Option<String>,
    /// The shared image's label.
    #[serde(default)]
    pub source_image_label: Option<String>,
}

/// A disk image to deploy: a public distribution (`linode/debian12`) or one of your own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Image {
    /// The image's id, such as `linode/debian12` or `private/123`.
    pub id: String,
    /// A display name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// A description, if any.
    #[serde(default)]
    pub description: Option<String>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// `linode` for public images, or the username that made it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// Whether it is deprecated.
    #[serde(default, deserialize_with = "null_default")]
    pub deprecated: bool,
    /// Whether it is a public image.
    #[serde(default, deserialize_with = "null_default")]
    pub is_public: bool,
    /// Minimum disk size in MB to deploy it.
    #[serde(default, deserialize_with = "null_default")]
    pub size: u64,
    /// `manual` or `automatic`.
    #[serde(default, rename = "type", deserialize_with = "null_default")]
    pub kind: String,
    /// The distribution's vendor, for public images.
    #[serde(default)]
    pub vendor: Option<String>,
    /// Whether it can be deployed yet.
    pub status: ImageStatus,
    /// When an automatic image expires.
    #[serde(default, with = "timestamp::option")]
    pub expiry: Option<timestamp::Timestamp>,
    /// End of life of the distribution.
    #[serde(default, with = "timestamp::option")]
    pub eol: Option<timestamp::Timestamp>,
    /// Capabilities such as `cloud-init`.
    #[serde(default, deserialize_with = "null_default")]
    pub capabilities: Vec<String>,
    /// Tags.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// When it last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// The regions it is stored in (volatile during a replication).
    #[serde(default, deserialize_with = "null_default")]
    pub regions: Vec<ImageRegion>,
    /// Storage used in all its regions, in MB.
    #[serde(default, deserialize_with = "null_default")]
    pub total_size: u64,
    /// Whether it is shared (see [`IsShared`]).
    #[serde(default)]
    pub is_shared: Option<IsShared>,
    /// How it is shared, when sharing applies.
    #[serde(default)]
    pub image_sharing: Option<ImageSharing>,
}

filterable!(Image {
    DEPRECATED: Bool = "deprecated",
    IS_PUBLIC: Bool = "is_public",
    IS_SHARED: Bool = "is_shared",
    LABEL: Text = "label",
    SIZE: Number = "size",
    STATUS: Text = "status",
    TAGS: Text = "tags",
    TYPE: Text = "type",
    VENDOR: Text = "vendor",
});

/// A new private image made from a disk.
///
/// ```
/// use linode::api::images::CreateImage;
/// let image = CreateImage::from_disk(123).label("golden").description("Base web server");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateImage {
    disk_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

impl CreateImage {
    /// An image of disk `disk_id`, labelled like the disk unless [`label`](Self::label) is set.
    pub fn from_disk(disk_id: u64) -> Self {
        CreateImage {
            disk_id,
            ..Default::default()
        }
    }

    /// Sets the tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }
}

setters! {
    CreateImage {
        /// Sets the label.
        label: into String,
        /// Sets the description.
        description: into String,
    }
}

/// Fields of a private image to change: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImageUpdate {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// A new private image to upload into: [`ImagesGroup::upload`] sends this, then the data.
///
/// ```
/// use linode::api::images::CreateImageUpload;
/// let request = CreateImageUpload::new("golden", "us-east").cloud_init(true).tags(["base"]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateImageUpload {
    label: String,
    region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_init: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

impl CreateImageUpload {
    /// An image labelled `label`, stored in `region` (one offering Object Storage).
    pub fn new(label: impl Into<String>, region: impl Into<String>) -> Self {
        CreateImageUpload {
            label: label.into(),
            region: region.into(),
            description: None,
            cloud_init: None,
            tags: Vec::new(),
        }
    }

    /// Sets the tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    fn validate(&self) -> Result<()> {
        if self.label.trim().is_empty() {
            return Err(Error::invalid("label", "is empty"));
        }
        if self.region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        Ok(())
    }
}

setters! {
    CreateImageUpload {
        /// Sets the description.
        description: into String,
        /// Marks the image as supporting cloud-init.
        cloud_init: value bool,
    }
}

/// The answer to `POST /images/upload`: the image waiting for its data, and where to send it.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ImageUpload {
    /// The new image, `pending_upload`.
    pub image: Image,
    /// The pre-signed URL to `PUT` the data to: it grants the upload to whoever holds it, so
    /// it is kept secret.
    #[serde(deserialize_with = "secret")]
    pub upload_to: SecretString,
}

fn secret<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<SecretString, D::Error> {
    String::deserialize(d).map(SecretString::from)
}

/// Checks image data before it is sent: a non-empty gzip stream within the API's limit.
fn check_upload_data(data: &[u8]) -> Result<()> {
    if data.is_empty() {
        return Err(Error::invalid("image", "is empty"));
    }
    if !data.starts_with(&[0x1f, 0x8b]) {
        return Err(Error::invalid(
            "image",
            "must be a gzip-compressed raw disk image (.img.gz)",
        ));
    }
    if data.len() as u64 > MAX_UPLOAD_BYTES {
        return Err(Error::invalid("image", "is larger than 5 GB"));
    }
    Ok(())
}

#[derive(Serialize)]
struct Regions<'a> {
    regions: &'a [String],
}

impl Image {
    /// The fields the API lets you change, as they are now: what [`save`](Image::save) sends.
    pub fn changes(&self) -> ImageUpdate {
        ImageUpdate {
            label: Some(self.label.clone()),
            description: self.description.clone(),
            tags: Some(self.tags.clone()),
        }
    }

    /// Sends the label, description and tags, and replaces `self` with the API's answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client.images().update(&self.id, &self.changes()).await?;
        Ok(())
    }
}

impl Resource for Image {
    type Id = String;
    const VOLATILE: bool = true;
    fn path(id: &String) -> Path {
        GET_IMAGE.path(&[id])
    }
}

/// Calls under `/images`.
#[derive(Debug, Clone, Copy)]
pub struct ImagesGroup<'c> {
    pub(crate) client: &'c Client,
}

impl ImagesGroup<'_> {
    /// Lists the images you can deploy.
    pub fn list(&self) -> ListRequest<Image> {
        ListRequest::new(self.client, LIST_IMAGES.path(&[]))
    }

    /// Loads one image, such as `linode/debian12`.
    pub async fn get(&self, id: &str) -> Result<Image> {
        self.client.load::<Image>(id.to_owned()).await
    }

    /// Makes a private image from one of your disks (status `creating`, then `available`).
    pub async fn create(&self, request: &CreateImage) -> Result<Image> {
        if request
            .label
            .as_deref()
            .is_some_and(|l| l.trim().is_empty())
        {
            return Err(Error::invalid("label", "is empty"));
        }
        self.client
            .send(CREATE_IMAGE.with_body(&[], request)?)
            .await
    }

    /// Changes the fields set in `update` of a private image.
    pub async fn update(&self, id: &str, update: &ImageUpdate) -> Result<Image> {
        if update.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
            return Err(Error::invalid("label", "is empty"));
        }
        self.client
            .send(UPDATE_IMAGE.with_body(&[&id], update)?)
            .await
    }

    /// Deletes a private image (and its shares in every share group).
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.client.send_empty(DELETE_IMAGE.request(&[&id])).await
    }

    /// Makes a private image waiting for its data (`pending_upload`) and returns it with the
    /// URL to send the data to with [`send_upload`](Self::send_upload); [`upload`](Self::upload)
    /// does both.
    pub async fn create_upload(&self, request: &CreateImageUpload) -> Result<ImageUpload> {
        request.validate()?;
        self.client
            .send(UPLOAD_IMAGE.with_body(&[], request)?)
            .await
    }

    /// Sends the data of an image (a gzip-compressed raw disk image) to its `upload_to` URL.
    pub async fn send_upload(
        &self,
        upload_to: &SecretString,
        data: impl Into<bytes::Bytes>,
    ) -> Result<()> {
        let data = data.into();
        check_upload_data(&data)?;
        self.client.put_to_url(upload_to, data).await
    }

    /// Uploads an image in one step: creates it, sends `data` (a gzip-compressed raw disk
    /// image), and returns the image as the API shows it then (`available` once processed).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::images::CreateImageUpload;
    /// let data = std::fs::read("disk.img.gz").expect("the image file");
    /// let image = client
    ///     .images()
    ///     .upload(&CreateImageUpload::new("golden", "us-east"), data)
    ///     .await?;
    /// println!("{} is {:?}", image.id, image.status);
    /// # Ok(()) }
    /// ```
    pub async fn upload(
        &self,
        request: &CreateImageUpload,
        data: impl Into<bytes::Bytes>,
    ) -> Result<Image> {
        let data = data.into();
        check_upload_data(&data)?;
        let upload = self.create_upload(request).await?;
        self.client.put_to_url(&upload.upload_to, data).await?;
        self.get(&upload.image.id).await
    }

    /// Replicates an `available` private image so that it is stored in exactly `regions`:
    /// new ones are `pending replication`, those left out `pending deletion`. At least one
    /// region must be one where the image is already available.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let image = client.images().replicate("private/12", ["us-east", "eu-central"]).await?;
    /// for region in &image.regions {
    ///     println!("{}: {:?}", region.region, region.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn replicate<S: Into<String>>(
        &self,
        id: &str,
        regions: impl IntoIterator<Item = S>,
    ) -> Result<Image> {
        let regions: Vec<String> = regions.into_iter().map(Into::into).collect();
        if regions.is_empty() {
            return Err(Error::invalid("regions", "needs at least one region"));
        }
        if let Some(i) = regions.iter().position(|r| r.trim().is_empty()) {
            return Err(Error::invalid(format!("regions[{i}]"), "is empty"));
        }
        self.client
            .send(REPLICATE_IMAGE.with_body(&[&id], &Regions { regions: &regions })?)
            .await
    }
}

impl Client {
    /// Images (`/images`).
    pub fn images(&self) -> ImagesGroup<'_> {
        ImagesGroup { client: self }
    }

    /// Makes a private image from disk `disk_id`, labelled like the disk unless `label` is
    /// given (the seed's top-level `create_image`).
    pub async fn create_image(
        &self,
        disk_id: u64,
        label: Option<&str>,
        description: Option<&str>,
    ) -> Result<Image> {
        let mut request = CreateImage::from_disk(disk_id);
        request.label = label.map(str::to_owned);
        request.description = description.map(str::to_owned);
        self.images().create(&request).await
    }
}
