//! Networking: `/networking/ips` (with IP sharing and reserving an address a Linode has),
//! `/networking/ipv6/...`, reserved addresses in [`reserved`] and, in [`firewalls`], Cloud
//! Firewalls with their rule sets, templates and prefix lists.

pub mod firewalls;
pub mod reserved;
mod rules;
pub mod vlans;

use serde::{Deserialize, Serialize};

use crate::api::linode::Instance;
use crate::client::{Client, Path, Request};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_IPS = GET "/networking/ips";
    ALLOCATE_IP = POST "/networking/ips";
    ASSIGN_IPS = POST "/networking/ips/assign";
    ASSIGN_IPV4S = POST "/networking/ipv4/assign";
    SHARE_IPS = POST "/networking/ips/share";
    SHARE_IPV4S = POST "/networking/ipv4/share";
    GET_IP = GET "/networking/ips/{address}";
    UPDATE_IP = PUT "/networking/ips/{address}";
    LIST_IPV6_POOLS = GET "/networking/ipv6/pools";
    LIST_IPV6_RANGES = GET "/networking/ipv6/ranges";
    CREATE_IPV6_RANGE = POST "/networking/ipv6/ranges";
    GET_IPV6_RANGE = GET "/networking/ipv6/ranges/{range}";
    DELETE_IPV6_RANGE = DELETE "/networking/ipv6/ranges/{range}";
}

api_enum! {
    /// The kind of an address.
    pub enum IpAddressType {
        /// An IPv4 address.
        Ipv4 = "ipv4",
        /// An IPv6 address.
        Ipv6 = "ipv6",
        /// An address of an IPv6 pool.
        Ipv6Pool = "ipv6/pool",
        /// An address of an IPv6 range.
        Ipv6Range = "ipv6/range",
    }
}

/// An IP address of one of your instances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IpAddress {
    /// The address.
    pub address: String,
    /// The default gateway, if any.
    #[serde(default)]
    pub gateway: Option<String>,
    /// The subnet mask.
    #[serde(default)]
    pub subnet_mask: Option<String>,
    /// The prefix length.
    #[serde(default)]
    pub prefix: Option<u32>,
    /// IPv4 or IPv6.
    #[serde(rename = "type")]
    pub kind: IpAddressType,
    /// Whether it is reachable from the internet.
    #[serde(default)]
    pub public: bool,
    /// Its reverse DNS name (mutable), if any.
    #[serde(default)]
    pub rdns: Option<String>,
    /// The instance it belongs to.
    #[serde(default)]
    pub linode_id: Option<u64>,
    /// The region it is in.
    #[serde(default)]
    pub region: Option<String>,
    /// Whether it is reserved: kept by the account when its owner goes.
    #[serde(default, deserialize_with = "null_default")]
    pub reserved: bool,
    /// Its tags (reserved addresses).
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// The object it is assigned to (a Linode, a NodeBalancer, ...), if any.
    #[serde(default)]
    pub assigned_entity: Option<crate::events::EventEntity>,
}

impl Resource for IpAddress {
    type Id = String;
    fn path(id: &String) -> Path {
        GET_IP.path(&[id])
    }
}

impl IpAddress {
    /// An assignment moving this address to `linode`, for
    /// [`assign_ips`](NetworkingGroup::assign_ips).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client, a: linode::api::linode::Instance, b: linode::api::linode::Instance) -> linode::Result<()> {
    /// let ips_a = a.ips(&client).await?;
    /// let ips_b = b.ips(&client).await?;
    /// client.networking().assign_ips(a.region.id(), [
    ///     ips_a.ipv4.public[0].to(&b),
    ///     ips_b.ipv4.public[0].to(&a),
    /// ]).await?;
    /// # Ok(()) }
    /// ```
    pub fn to(&self, linode: &Instance) -> IpAssignment {
        IpAssignment {
            address: self.address.clone(),
            linode_id: linode.id,
        }
    }
}

/// One move of [`assign_ips`](NetworkingGroup::assign_ips): `address` goes to `linode_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IpAssignment {
    /// The address to move.
    pub address: String,
    /// The instance that receives it.
    pub linode_id: u64,
}

impl IpAssignment {
    /// `address` goes to the instance `linode_id`.
    pub fn new(address: impl Into<String>, linode_id: u64) -> Self {
        IpAssignment {
            address: address.into(),
            linode_id,
        }
    }
}

/// An IPv6 range or pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ipv6Range {
    /// The range's first address.
    pub range: String,
    /// Its prefix length.
    #[serde(default)]
    pub prefix: u32,
    /// Its region.
    #[serde(default, deserialize_with = "null_default")]
    pub region: String,
    /// The address it is routed to, if any.
    #[serde(default)]
    pub route_target: Option<String>,
}

filterable!(Ipv6Range {
    REGION: Text = "region",
});

/// One IPv6 range in detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ipv6RangeDetails {
    /// The range's first address.
    pub range: String,
    /// Its prefix length.
    #[serde(default)]
    pub prefix: u32,
    /// Its region.
    #[serde(default, deserialize_with = "null_default")]
    pub region: String,
    /// Whether it is announced over BGP.
    #[serde(default, deserialize_with = "null_default")]
    pub is_bgp: bool,
    /// The instances it is routed to.
    #[serde(default, deserialize_with = "null_default")]
    pub linodes: Vec<u64>,
}

/// A range just created: its `address/prefix` and where it routes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewIpv6Range {
    /// `address/prefix`.
    pub range: String,
    /// The address it is routed to.
    #[serde(default)]
    pub route_target: Option<String>,
}

#[derive(Serialize)]
struct Allocate {
    #[serde(rename = "type")]
    kind: &'static str,
    public: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    linode_id: Option<u64>,
}

#[derive(Serialize)]
struct Rdns<'a> {
    rdns: Option<&'a str>,
}

/// Calls under `/networking`.
#[derive(Debug, Clone, Copy)]
pub struct NetworkingGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// IP addresses and IPv6 ranges (`/networking/...`).
    pub fn networking(&self) -> NetworkingGroup<'_> {
        NetworkingGroup { client: self }
    }
}

/// The body allocating an IPv4 address (to `linode_id` when given).
fn allocate_body(linode_id: Option<u64>, public: bool) -> Allocate {
    Allocate {
        kind: "ipv4",
        public,
        linode_id,
    }
}

/// A request allocating an IPv4 address at `path` (the Linode family's own path).
pub(crate) fn allocate_request(
    linode_id: Option<u64>,
    public: bool,
    path: Path,
) -> Result<Request> {
    Request::post(path, &allocate_body(linode_id, public))
}

impl NetworkingGroup<'_> {
    /// Lists the addresses of all your instances.
    pub fn ips(&self) -> ListRequest<IpAddress> {
        ListRequest::new(self.client, LIST_IPS.path(&[]))
    }

    /// Loads one address.
    pub async fn ip(&self, address: &str) -> Result<IpAddress> {
        self.client.load::<IpAddress>(address.to_owned()).await
    }

    /// Sets the reverse DNS name of an address (`None` removes it) and returns the address.
    pub async fn set_rdns(&self, address: &str, rdns: Option<&str>) -> Result<IpAddress> {
        if rdns.is_some_and(|r| r.trim().is_empty()) {
            return Err(Error::invalid("rdns", "is empty"));
        }
        self.client
            .send(UPDATE_IP.with_body(&[&address], &Rdns { rdns })?)
            .await
    }

    /// Allocates a new IPv4 address (public, or a private one) for an instance.
    pub async fn allocate_ip(&self, linode_id: u64, public: bool) -> Result<IpAddress> {
        let body = allocate_body(Some(linode_id), public);
        self.client.send(ALLOCATE_IP.with_body(&[], &body)?).await
    }

    /// Moves addresses between instances of one region, all or none: every instance must
    /// keep a public IPv4 address and have at most one private one.
    pub async fn assign_ips(
        &self,
        region: &str,
        assignments: impl IntoIterator<Item = IpAssignment>,
    ) -> Result<()> {
        self.assign(ASSIGN_IPS, region, assignments).await
    }

    /// [`assign_ips`](Self::assign_ips) through the older `/networking/ipv4/assign`.
    pub async fn assign_ipv4s(
        &self,
        region: &str,
        assignments: impl IntoIterator<Item = IpAssignment>,
    ) -> Result<()> {
        self.assign(ASSIGN_IPV4S, region, assignments).await
    }

    async fn assign(
        &self,
        operation: crate::operation::Operation,
        region: &str,
        assignments: impl IntoIterator<Item = IpAssignment>,
    ) -> Result<()> {
        #[derive(Serialize)]
        struct Assign<'a> {
            region: &'a str,
            assignments: Vec<IpAssignment>,
        }
        let assignments: Vec<IpAssignment> = assignments.into_iter().collect();
        if region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        if assignments.is_empty() {
            return Err(Error::invalid("assignments", "at least one is needed"));
        }
        let body = Assign {
            region,
            assignments,
        };
        self.client
            .send_empty(operation.with_body(&[], &body)?)
            .await
    }

    /// Shares addresses with the instance `linode_id` (IP failover), replacing the whole set
    /// shared with it: an empty list unshares everything.
    ///
    /// `ips` are IPv4 addresses (public or private) and IPv6 ranges of your other instances of
    /// the same region; a range may be given with its `/prefix`, which is dropped as the API
    /// asks. The instance then lists them in its `ipv4.shared` (IPv4) and `ipv6.global`
    /// (ranges), while they stay the addresses of their own instances.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client, primary: linode::api::linode::Instance, standby: linode::api::linode::Instance) -> linode::Result<()> {
    /// let address = primary.ips(&client).await?.ipv4.public[0].address.clone();
    /// client.networking().share_ips(standby.id, [address]).await?;
    /// // Later: stop sharing anything with it.
    /// client.networking().share_ips(standby.id, Vec::<String>::new()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn share_ips(
        &self,
        linode_id: u64,
        ips: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<()> {
        self.share(SHARE_IPS, linode_id, ips).await
    }

    /// [`share_ips`](Self::share_ips) through the older `/networking/ipv4/share`.
    pub async fn share_ipv4s(
        &self,
        linode_id: u64,
        ips: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<()> {
        self.share(SHARE_IPV4S, linode_id, ips).await
    }

    async fn share(
        &self,
        operation: crate::operation::Operation,
        linode_id: u64,
        ips: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<()> {
        #[derive(Serialize)]
        struct Share {
            ips: Vec<String>,
            linode_id: u64,
        }
        let mut addresses = Vec::new();
        for ip in ips {
            let ip: String = ip.into();
            let bare = ip.split('/').next().unwrap_or(&ip).trim().to_owned();
            if bare.parse::<std::net::IpAddr>().is_err() {
                return Err(Error::invalid("ips", format!("{ip} is not an IP address")));
            }
            addresses.push(bare);
        }
        let body = Share {
            ips: addresses,
            linode_id,
        };
        self.client
            .send_empty(operation.with_body(&[], &body)?)
            .await
    }

    /// Turns an address into a reserved one (`true`) or back into an ephemeral one (`false`)
    /// and returns it.
    ///
    /// A public IPv4 address a Linode already has stays with it, now reserved: it appears in
    /// [`reserved_ips`](Self::reserved_ips) and stays on the account when the Linode lets it
    /// go. Making an unassigned reserved address ephemeral releases it from the account.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client, web: linode::api::linode::Instance) -> linode::Result<()> {
    /// let address = web.ips(&client).await?.ipv4.public[0].address.clone();
    /// let kept = client.networking().set_ip_reserved(&address, true).await?;
    /// assert!(kept.reserved);
    /// # Ok(()) }
    /// ```
    pub async fn set_ip_reserved(&self, address: &str, reserved: bool) -> Result<IpAddress> {
        #[derive(Serialize)]
        struct Reserved {
            reserved: bool,
        }
        if address.trim().is_empty() {
            return Err(Error::invalid("address", "is empty"));
        }
        self.client
            .send(UPDATE_IP.with_body(&[&address], &Reserved { reserved })?)
            .await
    }

    /// Lists your IPv6 ranges.
    pub fn ipv6_ranges(&self) -> ListRequest<Ipv6Range> {
        ListRequest::new(self.client, LIST_IPV6_RANGES.path(&[]))
    }

    /// Loads one IPv6 range (by its first address, with or without `/prefix`).
    pub async fn ipv6_range(&self, range: &str) -> Result<Ipv6RangeDetails> {
        let range = range.split('/').next().unwrap_or(range);
        self.client.send(GET_IPV6_RANGE.request(&[&range])).await
    }

    /// Creates an IPv6 range of `prefix_length` bits (56 or 64) routed to an instance.
    pub async fn create_ipv6_range(
        &self,
        linode_id: u64,
        prefix_length: u32,
    ) -> Result<NewIpv6Range> {
        #[derive(Serialize)]
        struct Create {
            linode_id: u64,
            prefix_length: u32,
        }
        if prefix_length != 56 && prefix_length != 64 {
            return Err(Error::invalid("prefix_length", "must be 56 or 64"));
        }
        let body = Create {
            linode_id,
            prefix_length,
        };
        self.client
            .send(CREATE_IPV6_RANGE.with_body(&[], &body)?)
            .await
    }

    /// Deletes an IPv6 range.
    pub async fn delete_ipv6_range(&self, range: &str) -> Result<()> {
        let range = range.split('/').next().unwrap_or(range);
        self.client
            .send_empty(DELETE_IPV6_RANGE.request(&[&range]))
            .await
    }

    /// Lists the IPv6 pools.
    pub fn ipv6_pools(&self) -> ListRequest<Ipv6Range> {
        ListRequest::new(self.client, LIST_IPV6_POOLS.path(&[]))
    }
}
