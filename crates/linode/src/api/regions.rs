//! Regions: `/regions`.

use serde::{Deserialize, Serialize};

use crate::client::{Client, Path};
use crate::error::Result;
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default};
use crate::pagination::ListRequest;

api_enum! {
    /// The kind of site a region is.
    pub enum SiteType {
        /// A core data centre.
        Core = "core",
        /// A distributed (edge) site, with fewer services.
        Distributed = "distributed",
    }
}

/// A data centre where objects can be created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Region {
    /// The region's id, such as `us-east`.
    pub id: String,
    /// A display name, such as `Newark, NJ`.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Two-letter country code.
    #[serde(default, deserialize_with = "null_default")]
    pub country: String,
    /// What can be created there (`Linodes`, `Block Storage`, ...).
    #[serde(default, deserialize_with = "null_default")]
    pub capabilities: Vec<String>,
    /// `ok` or `outage`.
    #[serde(default, deserialize_with = "null_default")]
    pub status: String,
    /// A core data centre or a distributed site.
    #[serde(default)]
    pub site_type: Option<SiteType>,
    /// The region's DNS resolvers.
    #[serde(default)]
    pub resolvers: Option<Resolvers>,
    /// The monitoring services offered there.
    #[serde(default, deserialize_with = "null_default")]
    pub monitors: RegionMonitors,
    /// How many placement groups, and Linodes in each, the region allows.
    #[serde(default)]
    pub placement_group_limits: Option<PlacementGroupLimits>,
}

/// The monitoring services of a region, by service type (`linode`, `dbaas`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RegionMonitors {
    /// Services with alerts.
    #[serde(default, deserialize_with = "null_default")]
    pub alerts: Vec<String>,
    /// Services with metrics.
    #[serde(default, deserialize_with = "null_default")]
    pub metrics: Vec<String>,
}

/// The placement group limits of a region (`None`: no limit).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlacementGroupLimits {
    /// Placement groups one customer may have there.
    #[serde(default)]
    pub maximum_pgs_per_customer: Option<u64>,
    /// Linodes one placement group may hold.
    #[serde(default)]
    pub maximum_linodes_per_pg: Option<u64>,
}

/// DNS resolvers of a region, as comma-separated address lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Resolvers {
    /// IPv4 resolvers.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv4: String,
    /// IPv6 resolvers.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv6: String,
}

filterable!(Region {
    COUNTRY: Text = "country",
    SITE_TYPE: Text = "site_type",
});

impl Resource for Region {
    type Id = String;
    fn path(id: &String) -> Path {
        Path::new("/regions").segment(id)
    }
}

/// Calls under `/regions`.
#[derive(Debug, Clone, Copy)]
pub struct RegionsGroup<'c> {
    client: &'c Client,
}

impl RegionsGroup<'_> {
    /// Lists the regions.
    pub fn list(&self) -> ListRequest<Region> {
        ListRequest::new(self.client, Path::new("/regions"))
    }

    /// Loads one region.
    pub async fn get(&self, id: &str) -> Result<Region> {
        self.client.load::<Region>(id.to_owned()).await
    }
}

impl Client {
    /// Regions (`/regions`).
    pub fn regions(&self) -> RegionsGroup<'_> {
        RegionsGroup { client: self }
    }
}
