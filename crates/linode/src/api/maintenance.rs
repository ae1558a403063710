//! Maintenance policies: `/maintenance/policies`, what a Linode may do while its host is
//! maintained (be migrated live, or be powered off and on again).

use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::filter::filterable;
use crate::model::{api_enum, null_default};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_MAINTENANCE_POLICIES = GET "/maintenance/policies";
}

api_enum! {
    /// How a policy treats a Linode during maintenance.
    pub enum MaintenancePolicyType {
        /// The Linode moves to another host while it keeps running.
        Migrate = "migrate",
        /// The Linode is powered off for the maintenance and booted again afterwards.
        PowerOffOn = "power_off_on",
    }
}

/// A maintenance policy a Linode can be given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MaintenancePolicy {
    /// Its id, such as `linode/migrate` (system policies start with `linode/`).
    pub slug: String,
    /// A display name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// What it does.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// How it treats the Linode.
    #[serde(rename = "type")]
    pub policy_type: MaintenancePolicyType,
    /// How many seconds ahead of the maintenance you are told (0: not at all).
    #[serde(default, deserialize_with = "null_default")]
    pub notification_period_sec: u64,
    /// Whether new Linodes get it unless told otherwise.
    #[serde(default, deserialize_with = "null_default")]
    pub is_default: bool,
}

filterable!(MaintenancePolicy {
    NOTIFICATION_PERIOD_SEC: Number = "notification_period_sec",
});

/// Calls under `/maintenance`.
#[derive(Debug, Clone, Copy)]
pub struct MaintenanceGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Maintenance policies (`/maintenance`).
    pub fn maintenance(&self) -> MaintenanceGroup<'_> {
        MaintenanceGroup { client: self }
    }
}

impl MaintenanceGroup<'_> {
    /// Lists the maintenance policies a Linode can be given.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let policies = client.maintenance().policies().await?.collect_all().await?;
    /// let default = policies.iter().find(|p| p.is_default);
    /// # Ok(()) }
    /// ```
    pub fn policies(&self) -> ListRequest<MaintenancePolicy> {
        ListRequest::new(self.client, LIST_MAINTENANCE_POLICIES.path(&[]))
    }
}
