//! Images: `/images`.

use serde::{Deserialize, Serialize};

use crate::client::{Client, Path};
use crate::error::Result;
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

impl Resource for Image {
    type Id = String;
    fn path(id: &String) -> Path {
        Path::new("/images").segment(id)
    }
}

/// Calls under `/images`.
#[derive(Debug, Clone, Copy)]
pub struct ImagesGroup<'c> {
    client: &'c Client,
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
}

impl Client {
    /// Images (`/images`).
    pub fn images(&self) -> ImagesGroup<'_> {
        ImagesGroup { client: self }
    }
}
