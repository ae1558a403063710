//! Image share groups: `/images/sharegroups`.
//!
//! A producer puts private images in a [`ShareGroup`]; a consumer account makes a
//! [`ShareGroupToken`] for the group's `uuid` and hands its secret to the producer, who adds
//! it as a [`ShareGroupMember`]. The consumer then sees the group and its images (each an
//! [`Image`] of type `shared`, `shared/<n>`) through the token.
//!
//! ```no_run
//! # async fn demo(producer: linode::Client, consumer: linode::Client) -> linode::Result<()> {
//! use linode::api::images::sharegroups::{CreateShareGroup, ShareImage};
//! let group = producer
//!     .images()
//!     .sharegroups()
//!     .create(&CreateShareGroup::new("Base images").images([ShareImage::new("private/12")]))
//!     .await?;
//! let token = consumer.images().sharegroups().create_token(&group.uuid, Some("ci")).await?;
//! producer.images().sharegroups().add_member(group.id, &token.secret, "CI account").await?;
//! let images = consumer.images().sharegroups().token_images(&token.token.token_uuid).await?;
//! # Ok(()) }
//! ```

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};

use super::{Image, ImagesGroup};
use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_SHAREGROUPS = GET "/images/sharegroups";
    CREATE_SHAREGROUP = POST "/images/sharegroups";
    GET_SHAREGROUP = GET "/images/sharegroups/{sharegroupId}";
    UPDATE_SHAREGROUP = PUT "/images/sharegroups/{sharegroupId}";
    DELETE_SHAREGROUP = DELETE "/images/sharegroups/{sharegroupId}";
    LIST_SHARES = GET "/images/sharegroups/{sharegroupId}/images";
    ADD_SHARES = POST "/images/sharegroups/{sharegroupId}/images";
    UPDATE_SHARE = PUT "/images/sharegroups/{sharegroupId}/images/{imageId}";
    REMOVE_SHARE = DELETE "/images/sharegroups/{sharegroupId}/images/{imageId}";
    LIST_MEMBERS = GET "/images/sharegroups/{sharegroupId}/members";
    ADD_MEMBER = POST "/images/sharegroups/{sharegroupId}/members";
    GET_MEMBER = GET "/images/sharegroups/{sharegroupId}/members/{tokenUuid}";
    UPDATE_MEMBER = PUT "/images/sharegroups/{sharegroupId}/members/{tokenUuid}";
    REMOVE_MEMBER = DELETE "/images/sharegroups/{sharegroupId}/members/{tokenUuid}";
    LIST_TOKENS = GET "/images/sharegroups/tokens";
    CREATE_TOKEN = POST "/images/sharegroups/tokens";
    GET_TOKEN = GET "/images/sharegroups/tokens/{tokenUuid}";
    UPDATE_TOKEN = PUT "/images/sharegroups/tokens/{tokenUuid}";
    DELETE_TOKEN = DELETE "/images/sharegroups/tokens/{tokenUuid}";
    GET_TOKEN_SHAREGROUP = GET "/images/sharegroups/tokens/{tokenUuid}/sharegroup";
    LIST_TOKEN_IMAGES = GET "/images/sharegroups/tokens/{tokenUuid}/sharegroup/images";
    LIST_IMAGE_SHAREGROUPS = GET "/images/{imageId}/sharegroups";
}

/// A group in which you share private images with other accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ShareGroup {
    /// The group's id (in paths).
    pub id: u64,
    /// The group's UUID, which consumers make their tokens for.
    pub uuid: String,
    /// Its label (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Its description (mutable).
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the group is suspended.
    #[serde(default, deserialize_with = "null_default")]
    pub is_suspended: bool,
    /// How many images it shares (not shown to members).
    #[serde(default)]
    pub images_count: Option<u64>,
    /// How many members it has (not shown to members).
    #[serde(default)]
    pub members_count: Option<u64>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// When it expires, if ever.
    #[serde(default, with = "timestamp::option")]
    pub expiry: Option<timestamp::Timestamp>,
}

filterable!(ShareGroup {
    LABEL: Text = "label",
});

impl Resource for ShareGroup {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_SHAREGROUP.path(&[id])
    }
}

api_enum! {
    /// Whether a member still has access to a group.
    pub enum MemberStatus {
        /// It sees the group's images.
        Active = "active",
        /// Its access was withdrawn.
        Revoked = "revoked",
    }
}

/// An account that joined a share group, named by the UUID of the token it joined with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ShareGroupMember {
    /// The UUID of the member's token.
    pub token_uuid: String,
    /// The producer's label for the member (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Whether it has access.
    pub status: MemberStatus,
    /// When it joined.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// When its membership expires, if ever.
    #[serde(default, with = "timestamp::option")]
    pub expiry: Option<timestamp::Timestamp>,
}

filterable!(ShareGroupMember {
    LABEL: Text = "label",
    STATUS: Text = "status",
    TOKEN_UUID: Text = "token_uuid",
});

api_enum! {
    /// Where a membership token stands.
    pub enum TokenStatus {
        /// Made, not yet used by the group's producer.
        Pending = "pending",
        /// Used: its account is a member.
        Active = "active",
        /// Withdrawn (deleted, or its membership or group removed).
        Revoked = "revoked",
        /// Past its validity.
        Expired = "expired",
    }
}

/// A consumer's membership token for one share group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ShareGroupToken {
    /// The token's UUID (in paths; not the secret).
    pub token_uuid: String,
    /// Its label (mutable).
    #[serde(default)]
    pub label: Option<String>,
    /// Where it stands.
    pub status: TokenStatus,
    /// The UUID of the group it was made for.
    #[serde(default, deserialize_with = "null_default")]
    pub valid_for_sharegroup_uuid: String,
    /// The UUID of the group it belongs to.
    #[serde(default)]
    pub sharegroup_uuid: Option<String>,
    /// The label of the group it belongs to.
    #[serde(default)]
    pub sharegroup_label: Option<String>,
    /// When it was made.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// When it expires, if ever.
    #[serde(default, with = "timestamp::option")]
    pub expiry: Option<timestamp::Timestamp>,
}

filterable!(ShareGroupToken {
    LABEL: Text = "label",
    SHAREGROUP_LABEL: Text = "sharegroup_label",
    SHAREGROUP_UUID: Text = "sharegroup_uuid",
    STATUS: Text = "status",
    VALID_FOR_SHAREGROUP_UUID: Text = "valid_for_sharegroup_uuid",
});

impl Resource for ShareGroupToken {
    type Id = String;
    const VOLATILE: bool = true;
    fn path(id: &String) -> Path {
        GET_TOKEN.path(&[id])
    }
}

/// A token as the API shows it once, when made: with its secret, which the group's producer
/// needs to add the member. Keep it: the API will not show it again.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct NewShareGroupToken {
    /// The token.
    pub token: ShareGroupToken,
    /// The single-use secret to give the producer.
    pub secret: SecretString,
}

impl<'de> Deserialize<'de> for NewShareGroupToken {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct WithSecret {
            #[serde(flatten)]
            token: ShareGroupToken,
            #[serde(rename = "token")]
            secret: String,
        }
        let with = WithSecret::deserialize(d)?;
        Ok(NewShareGroupToken {
            token: with.token,
            secret: SecretString::from(with.secret),
        })
    }
}

/// A private image to share in a group, under its own label and description unless set.
///
/// ```
/// use linode::api::images::sharegroups::ShareImage;
/// let image = ShareImage::new("private/12").label("Debian base").description("Hardened");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ShareImage {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

impl ShareImage {
    /// Shares private image `id` (such as `private/12`).
    pub fn new(id: impl Into<String>) -> Self {
        ShareImage {
            id: id.into(),
            label: None,
            description: None,
        }
    }
}

setters! {
    ShareImage {
        /// The label members see.
        label: into String,
        /// The description members see.
        description: into String,
    }
}

fn check_images(images: &[ShareImage]) -> Result<()> {
    for (i, image) in images.iter().enumerate() {
        if !image.id.starts_with("private/") {
            return Err(Error::invalid(
                format!("images[{i}].id"),
                "is not a private image id (private/<n>)",
            ));
        }
        if image.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
            return Err(Error::invalid(format!("images[{i}].label"), "is empty"));
        }
    }
    Ok(())
}

fn check_label(label: &str) -> Result<()> {
    if label.trim().is_empty() {
        return Err(Error::invalid("label", "is empty"));
    }
    Ok(())
}

/// A new share group, with the images to share from the start.
///
/// ```
/// use linode::api::images::sharegroups::{CreateShareGroup, ShareImage};
/// let group = CreateShareGroup::new("Base images")
///     .description("For the CI accounts")
///     .images([ShareImage::new("private/12")]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateShareGroup {
    label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    images: Vec<ShareImage>,
}

impl CreateShareGroup {
    /// A group labelled `label`, sharing nothing yet.
    pub fn new(label: impl Into<String>) -> Self {
        CreateShareGroup {
            label: label.into(),
            description: None,
            images: Vec::new(),
        }
    }

    /// Sets the images to share.
    pub fn images(mut self, images: impl IntoIterator<Item = ShareImage>) -> Self {
        self.images = images.into_iter().collect();
        self
    }
}

setters! {
    CreateShareGroup {
        /// Sets the description.
        description: into String,
    }
}

/// New label and description of a share group or of an image it shares: only the fields set
/// are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ShareDetails {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl ShareDetails {
    /// Changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn validate(&self) -> Result<()> {
        self.label.as_deref().map_or(Ok(()), check_label)
    }
}

setters! {
    ShareDetails {
        /// Sets the label.
        label: into String,
        /// Sets the description.
        description: into String,
    }
}

#[derive(Serialize)]
struct Images<'a> {
    images: &'a [ShareImage],
}

#[derive(Serialize)]
struct Label<'a> {
    label: &'a str,
}

#[derive(Serialize)]
struct NewMember<'a> {
    token: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct NewToken<'a> {
    valid_for_sharegroup_uuid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
}

/// The page the API answers a `POST` of images with.
#[derive(Deserialize)]
struct Added {
    data: Vec<Image>,
}

/// Calls under `/images/sharegroups`, for producers (groups, their images and members) and
/// consumers (tokens, and the groups and images seen through them).
#[derive(Debug, Clone, Copy)]
pub struct ShareGroupsGroup<'c> {
    client: &'c Client,
}

impl<'c> ImagesGroup<'c> {
    /// Image share groups (`/images/sharegroups`).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// for group in client.images().sharegroups().list().await?.collect_all().await? {
    ///     println!("{}: {:?} images", group.label, group.images_count);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn sharegroups(&self) -> ShareGroupsGroup<'c> {
        ShareGroupsGroup {
            client: self.client,
        }
    }
}

impl ShareGroupsGroup<'_> {
    /// Lists the groups you own (not those you are a member of: see
    /// [`token_sharegroup`](Self::token_sharegroup)).
    pub fn list(&self) -> ListRequest<ShareGroup> {
        ListRequest::new(self.client, LIST_SHAREGROUPS.path(&[]))
    }

    /// Creates a group, sharing the request's images from the start.
    pub async fn create(&self, request: &CreateShareGroup) -> Result<ShareGroup> {
        check_label(&request.label)?;
        check_images(&request.images)?;
        self.client
            .send(CREATE_SHAREGROUP.with_body(&[], request)?)
            .await
    }

    /// Loads one of your groups.
    pub async fn get(&self, id: u64) -> Result<ShareGroup> {
        self.client.load::<ShareGroup>(id).await
    }

    /// Changes a group's label or description.
    pub async fn update(&self, id: u64, details: &ShareDetails) -> Result<ShareGroup> {
        details.validate()?;
        self.client
            .send(UPDATE_SHAREGROUP.with_body(&[&id], details)?)
            .await
    }

    /// Deletes a group: its images stop being shared and its members lose access.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_SHAREGROUP.request(&[&id]))
            .await
    }

    /// Lists the images a group shares (`shared/<n>`), as the producer sees them.
    pub fn images(&self, id: u64) -> ListRequest<Image> {
        ListRequest::new(self.client, LIST_SHARES.path(&[&id]))
    }

    /// Shares more private images in a group; returns the new shares.
    pub async fn add_images(&self, id: u64, images: &[ShareImage]) -> Result<Vec<Image>> {
        if images.is_empty() {
            return Err(Error::invalid("images", "needs at least one image"));
        }
        check_images(images)?;
        let added: Added = self
            .client
            .send(ADD_SHARES.with_body(&[&id], &Images { images })?)
            .await?;
        Ok(added.data)
    }

    /// Changes the label or description members see for the share `share_id` (`shared/3`).
    pub async fn update_image(
        &self,
        id: u64,
        share_id: &str,
        details: &ShareDetails,
    ) -> Result<Image> {
        details.validate()?;
        self.client
            .send(UPDATE_SHARE.with_body(&[&id, &share_id], details)?)
            .await
    }

    /// Stops sharing the share `share_id` (`shared/3`) in a group.
    pub async fn remove_image(&self, id: u64, share_id: &str) -> Result<()> {
        self.client
            .send_empty(REMOVE_SHARE.request(&[&id, &share_id]))
            .await
    }

    /// Lists a group's members.
    pub fn members(&self, id: u64) -> ListRequest<ShareGroupMember> {
        ListRequest::new(self.client, LIST_MEMBERS.path(&[&id]))
    }

    /// Adds the account that made `token` (its secret) as a member labelled `label`.
    pub async fn add_member(
        &self,
        id: u64,
        token: &SecretString,
        label: &str,
    ) -> Result<ShareGroupMember> {
        check_label(label)?;
        if token.expose_secret().trim().is_empty() {
            return Err(Error::invalid("token", "is empty"));
        }
        let body = NewMember {
            token: token.expose_secret(),
            label,
        };
        self.client.send(ADD_MEMBER.with_body(&[&id], &body)?).await
    }

    /// Loads the member of a group that joined with token `token_uuid`.
    pub async fn member(&self, id: u64, token_uuid: &str) -> Result<ShareGroupMember> {
        self.client
            .send(GET_MEMBER.request(&[&id, &token_uuid]))
            .await
    }

    /// Relabels a member.
    pub async fn update_member(
        &self,
        id: u64,
        token_uuid: &str,
        label: &str,
    ) -> Result<ShareGroupMember> {
        check_label(label)?;
        self.client
            .send(UPDATE_MEMBER.with_body(&[&id, &token_uuid], &Label { label })?)
            .await
    }

    /// Removes a member: it loses access and its token is revoked.
    pub async fn remove_member(&self, id: u64, token_uuid: &str) -> Result<()> {
        self.client
            .send_empty(REMOVE_MEMBER.request(&[&id, &token_uuid]))
            .await
    }

    /// Lists your membership tokens (as a consumer).
    pub fn tokens(&self) -> ListRequest<ShareGroupToken> {
        ListRequest::new(self.client, LIST_TOKENS.path(&[]))
    }

    /// Makes a token to join the group with UUID `sharegroup_uuid`; give its
    /// [`secret`](NewShareGroupToken::secret) to the group's producer.
    pub async fn create_token(
        &self,
        sharegroup_uuid: &str,
        label: Option<&str>,
    ) -> Result<NewShareGroupToken> {
        if sharegroup_uuid.trim().is_empty() {
            return Err(Error::invalid("valid_for_sharegroup_uuid", "is empty"));
        }
        if let Some(label) = label {
            check_label(label)?;
        }
        let body = NewToken {
            valid_for_sharegroup_uuid: sharegroup_uuid,
            label,
        };
        self.client.send(CREATE_TOKEN.with_body(&[], &body)?).await
    }

    /// Loads one of your tokens.
    pub async fn token(&self, token_uuid: &str) -> Result<ShareGroupToken> {
        self.client
            .load::<ShareGroupToken>(token_uuid.to_owned())
            .await
    }

    /// Relabels one of your tokens.
    pub async fn update_token(&self, token_uuid: &str, label: &str) -> Result<ShareGroupToken> {
        check_label(label)?;
        self.client
            .send(UPDATE_TOKEN.with_body(&[&token_uuid], &Label { label })?)
            .await
    }

    /// Deletes one of your tokens, leaving the group it joined.
    pub async fn delete_token(&self, token_uuid: &str) -> Result<()> {
        self.client
            .send_empty(DELETE_TOKEN.request(&[&token_uuid]))
            .await
    }

    /// The group an active token gives access to.
    pub async fn token_sharegroup(&self, token_uuid: &str) -> Result<ShareGroup> {
        self.client
            .send(GET_TOKEN_SHAREGROUP.request(&[&token_uuid]))
            .await
    }

    /// Lists the images an active token gives access to, as a member sees them.
    pub fn token_images(&self, token_uuid: &str) -> ListRequest<Image> {
        ListRequest::new(self.client, LIST_TOKEN_IMAGES.path(&[&token_uuid]))
    }

    /// Lists the groups of yours that share private image `image_id`.
    pub fn of_image(&self, image_id: &str) -> ListRequest<ShareGroup> {
        ListRequest::new(self.client, LIST_IMAGE_SHAREGROUPS.path(&[&image_id]))
    }
}
