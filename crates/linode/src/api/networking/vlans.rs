//! VLANs (`/networking/vlans`): private layer-2 networks that exist while configuration
//! profiles attach them.

use serde::{Deserialize, Serialize};

use super::NetworkingGroup;
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::null_default;
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_VLANS = GET "/networking/vlans";
    DELETE_VLAN = DELETE "/networking/vlans/{regionId}/{label}";
}

/// A VLAN: its label is unique within its region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Vlan {
    /// Its label.
    pub label: String,
    /// Its region.
    #[serde(default, deserialize_with = "null_default")]
    pub region: String,
    /// The Linodes attached to it.
    #[serde(default, deserialize_with = "null_default")]
    pub linodes: Vec<u64>,
    /// When it was created, if known.
    #[serde(default)]
    pub created: Option<String>,
}

filterable!(Vlan {
    LABEL: Text = "label",
    REGION: Text = "region",
});

impl NetworkingGroup<'_> {
    /// Lists the VLANs your Linodes' configuration profiles attach.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// for vlan in client.networking().vlans().await?.collect_all().await? {
    ///     println!("{} in {}: {:?}", vlan.label, vlan.region, vlan.linodes);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn vlans(&self) -> ListRequest<Vlan> {
        ListRequest::new(self.client, LIST_VLANS.path(&[]))
    }

    /// Deletes a VLAN; refused while a configuration profile still attaches it.
    pub async fn delete_vlan(&self, region: &str, label: &str) -> Result<()> {
        if region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        if label.trim().is_empty() {
            return Err(Error::invalid("label", "is empty"));
        }
        self.client
            .send_empty(DELETE_VLAN.request(&[&region, &label]))
            .await
    }
}
