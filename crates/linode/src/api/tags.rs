//! Tags: `/tags`. A tag is a label set on Linodes, domains, NodeBalancers and volumes (each
//! object's own `tags` field); these calls list the tags in use, create one on several objects
//! at once, list what carries a tag, and remove a tag from everything.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::api::domains::Domain;
use crate::api::linode::Instance;
use crate::api::nodebalancers::NodeBalancer;
use crate::api::volumes::Volume;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_TAGS = GET "/tags";
    CREATE_TAG = POST "/tags";
    LIST_TAGGED_OBJECTS = GET "/tags/{tagLabel}";
    DELETE_TAG = DELETE "/tags/{tagLabel}";
}

/// Shortest tag the API accepts, in characters.
pub const MIN_TAG_LENGTH: usize = 3;
/// Longest tag the API accepts, in characters.
pub const MAX_TAG_LENGTH: usize = 50;

/// A tag on the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Tag {
    /// The tag itself.
    pub label: String,
}

/// An object carrying a tag, as `GET /tags/{label}` lists them: a mixed collection.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TaggedObject {
    /// A Linode.
    Linode(Box<Instance>),
    /// A domain.
    Domain(Box<Domain>),
    /// A NodeBalancer.
    NodeBalancer(Box<NodeBalancer>),
    /// A volume.
    Volume(Box<Volume>),
    /// A kind of object this version of the client does not know, kept as sent.
    Unknown {
        /// The kind, as the API names it.
        kind: String,
        /// The object.
        data: Value,
    },
}

impl<'de> Deserialize<'de> for TaggedObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        #[derive(Deserialize)]
        struct Raw {
            #[serde(rename = "type")]
            kind: String,
            #[serde(default)]
            data: Value,
        }
        let raw = Raw::deserialize(d)?;
        let object = match raw.kind.as_str() {
            "linode" => {
                TaggedObject::Linode(serde_json::from_value(raw.data).map_err(D::Error::custom)?)
            }
            "domain" => {
                TaggedObject::Domain(serde_json::from_value(raw.data).map_err(D::Error::custom)?)
            }
            "nodebalancer" => TaggedObject::NodeBalancer(
                serde_json::from_value(raw.data).map_err(D::Error::custom)?,
            ),
            "volume" => {
                TaggedObject::Volume(serde_json::from_value(raw.data).map_err(D::Error::custom)?)
            }
            _ => TaggedObject::Unknown {
                kind: raw.kind,
                data: raw.data,
            },
        };
        Ok(object)
    }
}

impl TaggedObject {
    /// The kind of object, as the API names it (`linode`, `domain`, ...).
    pub fn kind(&self) -> &str {
        match self {
            TaggedObject::Linode(_) => "linode",
            TaggedObject::Domain(_) => "domain",
            TaggedObject::NodeBalancer(_) => "nodebalancer",
            TaggedObject::Volume(_) => "volume",
            TaggedObject::Unknown { kind, .. } => kind,
        }
    }

    /// The object's id, when it has a numeric one.
    pub fn id(&self) -> Option<u64> {
        match self {
            TaggedObject::Linode(o) => Some(o.id),
            TaggedObject::Domain(o) => Some(o.id),
            TaggedObject::NodeBalancer(o) => Some(o.id),
            TaggedObject::Volume(o) => Some(o.id),
            TaggedObject::Unknown { data, .. } => data["id"].as_u64(),
        }
    }
}

/// A new tag, and the objects to put it on (all must exist, or nothing is tagged).
///
/// ```
/// use linode::api::tags::CreateTag;
/// let request = CreateTag::new("production").linodes([123, 456]).volumes([789]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateTag {
    label: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    linodes: Vec<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    domains: Vec<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    nodebalancers: Vec<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volumes: Vec<u64>,
}

impl CreateTag {
    /// A tag labelled `label`, on no object yet.
    pub fn new(label: impl Into<String>) -> Self {
        CreateTag {
            label: label.into(),
            ..CreateTag::default()
        }
    }

    /// Also tags these Linodes.
    pub fn linodes(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.linodes.extend(ids);
        self
    }

    /// Also tags these domains.
    pub fn domains(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.domains.extend(ids);
        self
    }

    /// Also tags these NodeBalancers.
    pub fn nodebalancers(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.nodebalancers.extend(ids);
        self
    }

    /// Also tags these volumes.
    pub fn volumes(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.volumes.extend(ids);
        self
    }
}

fn check_label(label: &str) -> Result<()> {
    let n = label.chars().count();
    if !(MIN_TAG_LENGTH..=MAX_TAG_LENGTH).contains(&n) {
        return Err(Error::invalid(
            "label",
            format!("must be {MIN_TAG_LENGTH} to {MAX_TAG_LENGTH} characters"),
        ));
    }
    Ok(())
}

/// Calls under `/tags`.
#[derive(Debug, Clone, Copy)]
pub struct TagsGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Tags (`/tags`).
    pub fn tags(&self) -> TagsGroup<'_> {
        TagsGroup { client: self }
    }
}

impl TagsGroup<'_> {
    /// Lists the tags in use on the account.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let tags = client.tags().list().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListRequest<Tag> {
        ListRequest::new(self.client, LIST_TAGS.path(&[]))
    }

    /// Creates a tag and puts it on the objects `request` names.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::tags::CreateTag;
    /// let tag = client.tags().create(&CreateTag::new("production").linodes([123])).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, request: &CreateTag) -> Result<Tag> {
        check_label(&request.label)?;
        self.client.send(CREATE_TAG.with_body(&[], request)?).await
    }

    /// Lists the objects that carry tag `label`, of every kind.
    pub fn objects(&self, label: &str) -> ListRequest<TaggedObject> {
        ListRequest::new(self.client, LIST_TAGGED_OBJECTS.path(&[&label]))
    }

    /// Removes tag `label` from every object and deletes it.
    pub async fn delete(&self, label: &str) -> Result<()> {
        self.client.send_empty(DELETE_TAG.request(&[&label])).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tagged_objects_of_an_unknown_kind_are_kept() {
        let object: TaggedObject =
            serde_json::from_value(json!({"type": "lkecluster", "data": {"id": 7}})).unwrap();
        assert_eq!(object.kind(), "lkecluster");
        assert_eq!(object.id(), Some(7));
    }

    #[test]
    fn a_create_request_sends_only_the_lists_given() {
        let json = serde_json::to_value(CreateTag::new("prod").volumes([3])).unwrap();
        assert_eq!(json, json!({"label": "prod", "volumes": [3]}));
        assert!(check_label("ab").is_err());
        assert!(check_label(&"x".repeat(51)).is_err());
    }
}
