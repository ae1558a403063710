//! Images: `/images`.

use serde::{Deserialize, Serialize};

use crate::client::{Client, Path, Request};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default, timestamp};
use crate::pagination::ListRequest;

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
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// Whether it was shared with this account by another one.
    #[serde(default, deserialize_with = "null_default")]
    pub is_shared: bool,
    /// Size in MB of all its copies across regions.
    #[serde(default, deserialize_with = "null_default")]
    pub total_size: u64,
    /// The regions it is kept in, and the state of each copy.
    #[serde(default, deserialize_with = "null_default")]
    pub regions: Vec<ImageRegion>,
    /// How it is shared through share groups, as the API sends it (its shape is still
    /// evolving, so it is kept as sent).
    #[serde(default)]
    pub image_sharing: Option<serde_json::Value>,
}

/// A copy of an image in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageRegion {
    /// The region.
    pub region: String,
    /// The state of the copy (`available`, `pending`, `replicating`, ...).
    #[serde(default)]
    pub status: Option<String>,
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

    /// Sets the label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
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
        Path::new("/images").segment(id)
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
        ListRequest::new(self.client, Path::new("/images"))
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
            .send(Request::post(Path::new("/images"), request)?)
            .await
    }

    /// Changes the fields set in `update` of a private image.
    pub async fn update(&self, id: &str, update: &ImageUpdate) -> Result<Image> {
        if update.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
            return Err(Error::invalid("label", "is empty"));
        }
        self.client
            .send(Request::put(Image::path(&id.to_owned()), update)?)
            .await
    }

    /// Deletes a private image.
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.client
            .send_empty(Request::delete(Image::path(&id.to_owned())))
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
