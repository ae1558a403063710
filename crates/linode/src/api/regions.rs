//! Regions: `/regions`.

use serde::{Deserialize, Serialize};

use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default};
use crate::operation::operations;
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

operations! {
    LIST_REGIONS = GET "/regions";
    GET_REGION = GET "/regions/{regionId}";
    LIST_REGIONS_AVAILABILITY = GET "/regions/availability";
    GET_REGION_AVAILABILITY = GET "/regions/{regionId}/availability";
    LIST_REGIONS_VPC_AVAILABILITY = GET "/regions/vpc-availability";
    GET_REGION_VPC_AVAILABILITY = GET "/regions/{regionId}/vpc-availability";
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
    pub placement_group_limits: Option<crate::api::placement::PlacementGroupLimits>,
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
        GET_REGION.path(&[id])
    }
}

/// Whether a plan (a Linode type) can be created in a region now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RegionAvailability {
    /// The region's id.
    pub region: String,
    /// The plan's id, such as `g1-gpu-rtx6000-1`.
    pub plan: String,
    /// Whether it is available.
    #[serde(default, deserialize_with = "null_default")]
    pub available: bool,
}

filterable!(RegionAvailability {
    AVAILABLE: Bool = "available",
    PLAN: Text = "plan",
    REGION: Text = "region",
});

/// Whether VPCs can be created in a region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RegionVpcAvailability {
    /// The region's id.
    pub region: String,
    /// Whether VPCs are available.
    #[serde(default, deserialize_with = "null_default")]
    pub available: bool,
    /// The IPv6 prefix lengths a VPC may have there.
    #[serde(default, deserialize_with = "null_default")]
    pub available_ipv6_prefix_lengths: Vec<u32>,
}

filterable!(RegionVpcAvailability {
    REGION: Text = "region",
});

fn check_region(id: &str) -> Result<()> {
    if id.trim().is_empty() {
        return Err(Error::invalid("region", "is empty"));
    }
    Ok(())
}

/// Calls under `/regions`.
#[derive(Debug, Clone, Copy)]
pub struct RegionsGroup<'c> {
    client: &'c Client,
}

impl RegionsGroup<'_> {
    /// Lists the regions.
    pub fn list(&self) -> ListRequest<Region> {
        ListRequest::new(self.client, LIST_REGIONS.path(&[]))
    }

    /// Loads one region.
    pub async fn get(&self, id: &str) -> Result<Region> {
        self.client.load::<Region>(id.to_owned()).await
    }

    /// Whether each plan is available in each region.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::regions::RegionAvailability;
    /// let missing = client
    ///     .regions()
    ///     .availability()
    ///     .filter(RegionAvailability::AVAILABLE.eq(false))
    ///     .await?
    ///     .collect_all()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn availability(&self) -> ListRequest<RegionAvailability> {
        ListRequest::new(self.client, LIST_REGIONS_AVAILABILITY.path(&[]))
    }

    /// Whether each plan is available in region `id` (the API answers them all at once).
    pub async fn region_availability(&self, id: &str) -> Result<Vec<RegionAvailability>> {
        check_region(id)?;
        self.client
            .send(GET_REGION_AVAILABILITY.request(&[&id]))
            .await
    }

    /// Whether VPCs are available, region by region.
    pub fn vpc_availability(&self) -> ListRequest<RegionVpcAvailability> {
        ListRequest::new(self.client, LIST_REGIONS_VPC_AVAILABILITY.path(&[]))
    }

    /// Whether VPCs are available in region `id`.
    pub async fn region_vpc_availability(&self, id: &str) -> Result<RegionVpcAvailability> {
        check_region(id)?;
        self.client
            .send(GET_REGION_VPC_AVAILABILITY.request(&[&id]))
            .await
    }
}

impl Client {
    /// Regions (`/regions`).
    pub fn regions(&self) -> RegionsGroup<'_> {
        RegionsGroup { client: self }
    }
}
