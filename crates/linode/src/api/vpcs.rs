//! VPCs: `/vpcs`, their subnets, and the addresses of the Linodes in them.
//!
//! A VPC is a private network in one region, split into subnets whose IPv4 ranges are
//! private (RFC 1918) CIDR blocks. A Linode joins a subnet through a configuration profile
//! interface of purpose `vpc`; the subnet then lists it in [`Subnet::linodes`].

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};

use crate::api::linode::Instance;
use crate::api::regions::Region;
use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::lazy::Lazy;
use crate::model::{ChildId, Ref, Resource, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_VPCS = GET "/vpcs";
    CREATE_VPC = POST "/vpcs";
    GET_VPC_DEFAULT_RANGES = GET "/vpcs/default-ranges";
    LIST_ALL_VPC_IPS = GET "/vpcs/ips";
    LIST_ALL_VPC_IPV6S = GET "/vpcs/ipv6s";
    GET_VPC = GET "/vpcs/{vpcId}";
    UPDATE_VPC = PUT "/vpcs/{vpcId}";
    DELETE_VPC = DELETE "/vpcs/{vpcId}";
    LIST_VPC_IPS = GET "/vpcs/{vpcId}/ips";
    LIST_VPC_IPV6S = GET "/vpcs/{vpcId}/ipv6s";
    LIST_VPC_SUBNETS = GET "/vpcs/{vpcId}/subnets";
    CREATE_VPC_SUBNET = POST "/vpcs/{vpcId}/subnets";
    GET_VPC_SUBNET = GET "/vpcs/{vpcId}/subnets/{vpcSubnetId}";
    UPDATE_VPC_SUBNET = PUT "/vpcs/{vpcId}/subnets/{vpcSubnetId}";
    DELETE_VPC_SUBNET = DELETE "/vpcs/{vpcId}/subnets/{vpcSubnetId}";
}

/// Longest VPC or subnet label, in characters.
pub const MAX_LABEL_LENGTH: usize = 64;
/// Longest VPC description, in characters.
pub const MAX_DESCRIPTION_LENGTH: usize = 255;
/// The prefix lengths a subnet's IPv4 range may have.
pub const SUBNET_PREFIX_LENGTHS: std::ops::RangeInclusive<u8> = 1..=29;

/// The private IPv4 ranges (RFC 1918) subnets are taken from.
pub fn private_ranges() -> [Ipv4Net; 3] {
    [
        Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 8),
        Ipv4Net::new_assert(Ipv4Addr::new(172, 16, 0, 0), 12),
        Ipv4Net::new_assert(Ipv4Addr::new(192, 168, 0, 0), 16),
    ]
}

/// The range the API keeps for itself: no subnet may overlap it.
pub fn forbidden_range() -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(192, 168, 128, 0), 17)
}

/// A VPC: a private network of one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Vpc {
    /// The VPC's id.
    pub id: u64,
    /// Its label, unique among your VPCs (mutable).
    pub label: String,
    /// A description (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// Where it is; only Linodes of this region join it.
    pub region: Ref<Region>,
    /// Its subnets, as they were when the VPC was loaded.
    #[serde(default, deserialize_with = "null_default")]
    pub subnets: Vec<Subnet>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
}

filterable!(Vpc {
    CREATED: Time = "created",
    ID: Number = "id",
    LABEL: Text = "label",
    REGION: Text = "region",
    SUBNETS_CREATED: Time = "subnets.created",
    SUBNETS_ID: Number = "subnets.id",
    SUBNETS_LABEL: Text = "subnets.label",
    SUBNETS_UPDATED: Time = "subnets.updated",
    SUBNETS_VPC_TYPE: Text = "subnets.vpc_type",
    UPDATED: Time = "updated",
    VPC_TYPE: Text = "vpc_type",
});

impl Resource for Vpc {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_VPC.path(&[id])
    }
}

/// A subnet of a VPC: an IPv4 range the VPC's Linodes take addresses from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Subnet {
    /// The subnet's id.
    pub id: u64,
    /// Its label, unique within the VPC (mutable).
    pub label: String,
    /// Its IPv4 range in CIDR form, as the API sent it (see [`Subnet::ipv4_range`]).
    #[serde(default)]
    pub ipv4: Option<String>,
    /// The Linodes with an interface in this subnet.
    #[serde(default, deserialize_with = "null_default")]
    pub linodes: Vec<SubnetLinode>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
}

filterable!(Subnet {
    CREATED: Time = "created",
    ID: Number = "id",
    LABEL: Text = "label",
    UPDATED: Time = "updated",
    VPC_TYPE: Text = "vpc_type",
});

impl Resource for Subnet {
    type Id = ChildId;
    fn path(id: &ChildId) -> Path {
        GET_VPC_SUBNET.path(&[&id.parent, &id.id])
    }
}

impl Subnet {
    /// The IPv4 range, parsed (`None` when absent or not a CIDR block).
    pub fn ipv4_range(&self) -> Option<Ipv4Net> {
        self.ipv4.as_deref()?.parse().ok()
    }

    /// Whether Linodes are in the subnet (the API then refuses to delete it).
    pub fn in_use(&self) -> bool {
        !self.linodes.is_empty()
    }
}

/// A Linode in a subnet, with its interfaces there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubnetLinode {
    /// The Linode's id.
    pub id: u64,
    /// Its VPC interfaces in the subnet.
    #[serde(default, deserialize_with = "null_default")]
    pub interfaces: Vec<SubnetInterface>,
}

impl SubnetLinode {
    /// The Linode, as a lazy handle (no request).
    pub fn linode(&self, client: &Client) -> Lazy<Instance> {
        Lazy::new(client, self.id)
    }
}

/// A VPC interface of a Linode in a subnet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubnetInterface {
    /// The interface's id.
    pub id: u64,
    /// Whether the Linode booted the configuration profile the interface belongs to.
    #[serde(default, deserialize_with = "null_default")]
    pub active: bool,
}

/// Where a Linode's VPC interface is: what the address lists share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VpcInterfacePlace {
    /// The VPC.
    pub vpc_id: u64,
    /// The subnet.
    pub subnet_id: u64,
    /// The VPC's region.
    #[serde(default, deserialize_with = "null_default")]
    pub region: String,
    /// The Linode.
    pub linode_id: u64,
    /// The configuration profile holding the interface.
    #[serde(default)]
    pub config_id: Option<u64>,
    /// The interface.
    #[serde(default)]
    pub interface_id: Option<u64>,
    /// Whether the interface is in use (its profile booted).
    #[serde(default, deserialize_with = "null_default")]
    pub active: bool,
}

impl VpcInterfacePlace {
    /// The Linode, as a lazy handle (no request).
    pub fn linode(&self, client: &Client) -> Lazy<Instance> {
        Lazy::new(client, self.linode_id)
    }
}

/// The address of a Linode's VPC interface, as `/vpcs/ips` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VpcIp {
    /// Where the interface is (VPC, subnet, Linode, ...).
    #[serde(flatten)]
    pub place: VpcInterfacePlace,
    /// The interface's address (`None` for a range).
    #[serde(default)]
    pub address: Option<String>,
    /// The interface's routed range (`None` for a single address).
    #[serde(default)]
    pub address_range: Option<String>,
    /// The public address mapped 1:1 to this one, if any.
    #[serde(default)]
    pub nat_1_1: Option<String>,
    /// The subnet's gateway.
    #[serde(default)]
    pub gateway: Option<String>,
    /// The subnet's prefix length.
    #[serde(default)]
    pub prefix: Option<u8>,
    /// The subnet's mask.
    #[serde(default)]
    pub subnet_mask: Option<String>,
}

/// The IPv6 side of a Linode's VPC interface, as `/vpcs/ipv6s` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VpcIpv6 {
    /// Where the interface is (VPC, subnet, Linode, ...).
    #[serde(flatten)]
    pub place: VpcInterfacePlace,
    /// The interface's IPv6 range.
    #[serde(default)]
    pub ipv6_range: Option<String>,
    /// Whether the range is publicly routed.
    #[serde(default)]
    pub ipv6_is_public: Option<bool>,
    /// The interface's SLAAC addresses.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv6_addresses: Vec<VpcSlaacAddress>,
}

/// The filterable fields both VPC address lists share.
macro_rules! vpc_address_filters {
    ($($model:ident),*) => {$(
        filterable!($model {
            ACTIVE: Bool = "active",
            CONFIG_ID: Number = "config_id",
            LINODE_ID: Number = "linode_id",
            REGION: Text = "region",
            VPC_ID: Number = "vpc_id",
        });
    )*};
}
vpc_address_filters!(VpcIp, VpcIpv6);

/// One SLAAC address of a VPC interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VpcSlaacAddress {
    /// The address.
    #[serde(default)]
    pub slaac_address: Option<String>,
}

/// The ranges subnets are taken from, and those they must avoid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VpcDefaultRanges {
    /// Where subnet ranges come from by default.
    #[serde(default, deserialize_with = "null_default")]
    pub default_ipv4_ranges: Vec<String>,
    /// What no subnet range may overlap.
    #[serde(default, deserialize_with = "null_default")]
    pub forbidden_ipv4_ranges: Vec<String>,
}

impl Vpc {
    /// The fields of this VPC the API lets you change, as they are now: what
    /// [`save`](Vpc::save) sends.
    pub fn changes(&self) -> VpcUpdate {
        VpcUpdate::new()
            .label(self.label.clone())
            .description(self.description.clone())
    }

    /// Sends the mutable fields (label, description) and replaces `self` with the answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client.vpcs().update(self.id, &self.changes()).await?;
        Ok(())
    }

    /// Deletes the VPC and its subnets (the API refuses while a subnet has Linodes).
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.vpcs().delete(self.id).await
    }

    /// The VPC's subnets as they are now (`GET /vpcs/{id}/subnets`).
    pub fn subnets(&self, client: &Client) -> ListRequest<Subnet> {
        client.vpcs().subnets(self.id)
    }

    /// The addresses of the Linodes in the VPC (`GET /vpcs/{id}/ips`).
    pub fn ips(&self, client: &Client) -> ListRequest<VpcIp> {
        client.vpcs().vpc_ips(self.id)
    }

    /// The subnet of this VPC labelled `label`, as it was when the VPC was loaded.
    pub fn subnet(&self, label: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.label == label)
    }
}

/// A partial update of a VPC: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct VpcUpdate {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl VpcUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn validate(&self) -> Result<()> {
        if let Some(label) = &self.label {
            check_label("label", label)?;
        }
        if let Some(description) = &self.description {
            check_description(description)?;
        }
        Ok(())
    }
}

setters! {
    VpcUpdate {
        /// Sets the label.
        label: into String,
        /// Sets the description.
        description: into String,
    }
}

/// A new subnet: a label and an IPv4 range.
///
/// ```
/// use linode::api::vpcs::CreateSubnet;
/// let subnet = CreateSubnet::new("backend", "10.0.1.0/24");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateSubnet {
    label: String,
    ipv4: String,
}

impl CreateSubnet {
    /// A subnet labelled `label` over `ipv4`, a private IPv4 range in CIDR form (a string or
    /// an [`Ipv4Net`]).
    pub fn new(label: impl Into<String>, ipv4: impl fmt::Display) -> Self {
        CreateSubnet {
            label: label.into(),
            ipv4: ipv4.to_string(),
        }
    }

    /// Checks label and range, naming faults `{prefix}label` and `{prefix}ipv4`.
    fn validate(&self, prefix: &str) -> Result<Ipv4Net> {
        check_label(&format!("{prefix}label"), &self.label)?;
        check_range(&format!("{prefix}ipv4"), &self.ipv4)
    }
}

/// What to create: a VPC in a region, optionally with a description and its subnets, all in
/// one request.
///
/// ```
/// use linode::api::vpcs::CreateVpc;
/// let request = CreateVpc::new("cool-vpc", "us-east")
///     .description("A description of my VPC.")
///     .subnet("web", "10.0.1.0/24")
///     .subnet("db", "10.0.2.0/24");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateVpc {
    label: String,
    region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    subnets: Vec<CreateSubnet>,
}

impl CreateVpc {
    /// A VPC labelled `label` in `region`, without subnets yet.
    pub fn new(label: impl Into<String>, region: impl Into<String>) -> Self {
        CreateVpc {
            label: label.into(),
            region: region.into(),
            description: None,
            subnets: Vec::new(),
        }
    }

    /// Adds a subnet labelled `label` over the IPv4 range `ipv4` (CIDR form).
    pub fn subnet(mut self, label: impl Into<String>, ipv4: impl fmt::Display) -> Self {
        self.subnets.push(CreateSubnet::new(label, ipv4));
        self
    }

    /// Checks everything the API would refuse without looking at other objects: label and
    /// description shapes, and each subnet's range, also against the other new subnets.
    fn validate(&self) -> Result<()> {
        check_label("label", &self.label)?;
        if self.region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        if let Some(description) = &self.description {
            check_description(description)?;
        }
        let mut seen: Vec<(&str, Ipv4Net)> = Vec::new();
        for (i, subnet) in self.subnets.iter().enumerate() {
            let range = subnet.validate(&format!("subnets[{i}]."))?;
            if seen.iter().any(|(label, _)| *label == subnet.label) {
                return Err(Error::invalid(
                    format!("subnets[{i}].label"),
                    "is the label of another subnet of the VPC",
                ));
            }
            if let Some((other, _)) = seen.iter().find(|(_, net)| overlap(net, &range)) {
                return Err(Error::invalid(
                    format!("subnets[{i}].ipv4"),
                    format!("overlaps subnet {other}"),
                ));
            }
            seen.push((subnet.label.as_str(), range));
        }
        Ok(())
    }
}

setters! {
    CreateVpc {
        /// Sets the description (at most 255 characters).
        description: into String,
    }
}

fn overlap(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Checks a VPC or subnet label: 1-64 ASCII letters, digits and dashes, never `--`.
fn check_label(field: &str, label: &str) -> Result<()> {
    let len = label.chars().count();
    if len == 0 || len > MAX_LABEL_LENGTH {
        return Err(Error::invalid(
            field,
            format!("must be 1 to {MAX_LABEL_LENGTH} characters"),
        ));
    }
    if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::invalid(
            field,
            "may only contain ASCII letters, digits and dashes",
        ));
    }
    if label.contains("--") {
        return Err(Error::invalid(
            field,
            "must not contain two dashes in a row",
        ));
    }
    Ok(())
}

fn check_description(description: &str) -> Result<()> {
    if description.chars().count() > MAX_DESCRIPTION_LENGTH {
        return Err(Error::invalid(
            "description",
            format!("is longer than {MAX_DESCRIPTION_LENGTH} characters"),
        ));
    }
    Ok(())
}

/// Checks a subnet range: an IPv4 CIDR block in canonical form, private (RFC 1918), of prefix
/// length 1 to 29, outside the API's own 192.168.128.0/17.
fn check_range(field: &str, text: &str) -> Result<Ipv4Net> {
    let net: Ipv4Net = text
        .parse()
        .map_err(|_| Error::invalid(field, format!("`{text}` is not an IPv4 CIDR block")))?;
    if net.addr() != net.network() {
        return Err(Error::invalid(
            field,
            format!("is not in canonical form (did you mean {}?)", net.trunc()),
        ));
    }
    if !SUBNET_PREFIX_LENGTHS.contains(&net.prefix_len()) {
        return Err(Error::invalid(field, "prefix length must be from 1 to 29"));
    }
    if !private_ranges().iter().any(|p| p.contains(&net)) {
        return Err(Error::invalid(
            field,
            "must be within a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)",
        ));
    }
    if overlap(&forbidden_range(), &net) {
        return Err(Error::invalid(field, "must not overlap 192.168.128.0/17"));
    }
    Ok(net)
}

#[derive(Serialize)]
struct Label<'a> {
    label: &'a str,
}

/// Calls under `/vpcs`.
#[derive(Debug, Clone, Copy)]
pub struct VpcsGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// VPCs and their subnets (`/vpcs`).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::vpcs::CreateVpc;
    /// let vpc = client
    ///     .vpcs()
    ///     .create(CreateVpc::new("cool-vpc", "us-east").subnet("web", "10.0.1.0/24"))
    ///     .await?;
    /// for subnet in vpc.subnets(&client).await?.collect_all().await? {
    ///     println!("{} {:?}", subnet.label, subnet.ipv4_range());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn vpcs(&self) -> VpcsGroup<'_> {
        VpcsGroup { client: self }
    }
}

impl VpcsGroup<'_> {
    /// Lists your VPCs.
    pub fn list(&self) -> ListRequest<Vpc> {
        ListRequest::new(self.client, LIST_VPCS.path(&[]))
    }

    /// Loads one VPC.
    pub async fn get(&self, id: u64) -> Result<Vpc> {
        self.client.load::<Vpc>(id).await
    }

    /// Creates a VPC, with its subnets when the request has some. Labels, description and
    /// subnet ranges are checked before anything is sent.
    pub async fn create(&self, request: CreateVpc) -> Result<Vpc> {
        request.validate()?;
        self.client.send(CREATE_VPC.with_body(&[], &request)?).await
    }

    /// Changes the fields set in `update` and returns the VPC as it is now.
    pub async fn update(&self, id: u64, update: &VpcUpdate) -> Result<Vpc> {
        update.validate()?;
        self.client
            .send(UPDATE_VPC.with_body(&[&id], update)?)
            .await
    }

    /// Deletes a VPC and its subnets; the API refuses while a subnet has Linodes.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_VPC.request(&[&id])).await
    }

    /// The ranges subnets come from by default, and those they must avoid.
    pub async fn default_ranges(&self) -> Result<VpcDefaultRanges> {
        self.client.send(GET_VPC_DEFAULT_RANGES.request(&[])).await
    }

    /// The VPC addresses of every Linode in any of your VPCs.
    pub fn ips(&self) -> ListRequest<VpcIp> {
        ListRequest::new(self.client, LIST_ALL_VPC_IPS.path(&[]))
    }

    /// The VPC IPv6 addresses of every Linode in any of your VPCs.
    pub fn ipv6s(&self) -> ListRequest<VpcIpv6> {
        ListRequest::new(self.client, LIST_ALL_VPC_IPV6S.path(&[]))
    }

    /// The addresses of the Linodes in VPC `vpc_id`.
    pub fn vpc_ips(&self, vpc_id: u64) -> ListRequest<VpcIp> {
        ListRequest::new(self.client, LIST_VPC_IPS.path(&[&vpc_id]))
    }

    /// The IPv6 addresses of the Linodes in VPC `vpc_id`.
    pub fn vpc_ipv6s(&self, vpc_id: u64) -> ListRequest<VpcIpv6> {
        ListRequest::new(self.client, LIST_VPC_IPV6S.path(&[&vpc_id]))
    }

    /// The subnets of VPC `vpc_id`.
    pub fn subnets(&self, vpc_id: u64) -> ListRequest<Subnet> {
        ListRequest::new(self.client, LIST_VPC_SUBNETS.path(&[&vpc_id]))
    }

    /// Loads one subnet (`ChildId::new(vpc_id, subnet_id)`).
    pub async fn subnet(&self, id: ChildId) -> Result<Subnet> {
        self.client.load::<Subnet>(id).await
    }

    /// Adds a subnet to VPC `vpc_id`; its range is checked before anything is sent (the API
    /// also refuses one overlapping another subnet of the VPC).
    pub async fn create_subnet(&self, vpc_id: u64, subnet: &CreateSubnet) -> Result<Subnet> {
        subnet.validate("")?;
        self.client
            .send(CREATE_VPC_SUBNET.with_body(&[&vpc_id], subnet)?)
            .await
    }

    /// Relabels a subnet (its label is all that changes).
    pub async fn update_subnet(&self, id: ChildId, label: &str) -> Result<Subnet> {
        check_label("label", label)?;
        self.client
            .send(UPDATE_VPC_SUBNET.with_body(&[&id.parent, &id.id], &Label { label })?)
            .await
    }

    /// Deletes a subnet; the API refuses while Linodes are in it.
    pub async fn delete_subnet(&self, id: ChildId) -> Result<()> {
        self.client
            .send_empty(DELETE_VPC_SUBNET.request(&[&id.parent, &id.id]))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(request: CreateVpc) -> (String, String) {
        match request.validate() {
            Err(Error::InvalidArgument { field, reason }) => (field, reason),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn create_requests_carry_their_subnets() {
        let json = serde_json::to_value(
            CreateVpc::new("cool-vpc", "us-east")
                .subnet("web", "10.0.1.0/24")
                .subnet("db", Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 2, 0), 24)),
        )
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"label": "cool-vpc", "region": "us-east", "subnets": [
                {"label": "web", "ipv4": "10.0.1.0/24"},
                {"label": "db", "ipv4": "10.0.2.0/24"},
            ]})
        );
    }

    #[test]
    fn bad_requests_are_refused_naming_the_field() {
        let base = || CreateVpc::new("cool-vpc", "us-east").subnet("a", "10.0.0.0/16");
        assert_eq!(refused(CreateVpc::new("a--b", "us-east")).0, "label");
        assert_eq!(refused(CreateVpc::new("a_b", "us-east")).0, "label");
        assert_eq!(refused(CreateVpc::new("ok", " ")).0, "region");
        assert_eq!(
            refused(CreateVpc::new("ok", "us-east").description("x".repeat(256))).0,
            "description"
        );
        for bad in [
            "10.0.0.0",
            "10.0.0.1/24",
            "8.8.8.0/24",
            "10.0.0.0/30",
            "192.168.200.0/24",
        ] {
            assert_eq!(
                refused(CreateVpc::new("ok", "us-east").subnet("a", bad)).0,
                "subnets[0].ipv4",
                "{bad}"
            );
        }
        let (field, reason) = refused(base().subnet("b", "10.0.5.0/24"));
        assert_eq!(
            (field.as_str(), reason.as_str()),
            ("subnets[1].ipv4", "overlaps subnet a")
        );
        assert_eq!(
            refused(base().subnet("a", "10.1.0.0/24")).0,
            "subnets[1].label"
        );
        assert!(base().subnet("b", "172.16.0.0/24").validate().is_ok());
    }
}
