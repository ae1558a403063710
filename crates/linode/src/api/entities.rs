//! Entities: `/entities`, every object of the account that access can be granted on (Linodes,
//! volumes, domains, firewalls, ...), one flat list across families.

use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::model::{api_enum, null_default};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_ENTITIES = GET "/entities";
}

api_enum! {
    /// The kinds of entities.
    pub enum EntityType {
        /// A managed database.
        Database = "database",
        /// A Linode.
        Linode = "linode",
        /// A Cloud Firewall.
        Firewall = "firewall",
        /// A NodeBalancer.
        NodeBalancer = "nodebalancer",
        /// A Longview client.
        Longview = "longview",
        /// A DNS domain.
        Domain = "domain",
        /// A StackScript.
        StackScript = "stackscript",
        /// A private image.
        Image = "image",
        /// A Block Storage volume.
        Volume = "volume",
        /// A VPC.
        Vpc = "vpc",
        /// An LKE cluster.
        LkeCluster = "lkecluster",
    }
}

/// One object of the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Entity {
    /// Its id within its kind.
    pub id: u64,
    /// Its label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Its kind.
    #[serde(rename = "type")]
    pub entity_type: EntityType,
}

/// Calls under `/entities`.
#[derive(Debug, Clone, Copy)]
pub struct EntitiesGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// The account's entities (`/entities`).
    pub fn entities(&self) -> EntitiesGroup<'_> {
        EntitiesGroup { client: self }
    }
}

impl EntitiesGroup<'_> {
    /// Lists the account's entities, of every kind (the API filters on no field).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::entities::EntityType;
    /// let all = client.entities().list().await?.collect_all().await?;
    /// let linodes = all.iter().filter(|e| e.entity_type == EntityType::Linode).count();
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListRequest<Entity> {
        ListRequest::new(self.client, LIST_ENTITIES.path(&[]))
    }
}
