//! Network interfaces of an instance, both generations: the interfaces of a configuration
//! profile (`legacy_config`) and Linode interfaces (`linode`), with their settings, history,
//! firewalls and the upgrade from the first to the second.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::networking::firewalls::Firewall;
use crate::client::Path;
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{ChildId, Resource, api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

use super::LinodeGroup;

operations! {
    LIST_CONFIG_INTERFACES = GET "/linode/instances/{linodeId}/configs/{configId}/interfaces";
    ADD_CONFIG_INTERFACE = POST "/linode/instances/{linodeId}/configs/{configId}/interfaces";
    ORDER_CONFIG_INTERFACES = POST "/linode/instances/{linodeId}/configs/{configId}/interfaces/order";
    GET_CONFIG_INTERFACE = GET "/linode/instances/{linodeId}/configs/{configId}/interfaces/{interfaceId}";
    UPDATE_CONFIG_INTERFACE = PUT "/linode/instances/{linodeId}/configs/{configId}/interfaces/{interfaceId}";
    DELETE_CONFIG_INTERFACE = DELETE "/linode/instances/{linodeId}/configs/{configId}/interfaces/{interfaceId}";
    LIST_INTERFACES = GET "/linode/instances/{linodeId}/interfaces";
    CREATE_INTERFACE = POST "/linode/instances/{linodeId}/interfaces";
    GET_INTERFACE_SETTINGS = GET "/linode/instances/{linodeId}/interfaces/settings";
    UPDATE_INTERFACE_SETTINGS = PUT "/linode/instances/{linodeId}/interfaces/settings";
    LIST_INTERFACE_HISTORY = GET "/linode/instances/{linodeId}/interfaces/history";
    GET_INTERFACE = GET "/linode/instances/{linodeId}/interfaces/{interfaceId}";
    UPDATE_INTERFACE = PUT "/linode/instances/{linodeId}/interfaces/{interfaceId}";
    DELETE_INTERFACE = DELETE "/linode/instances/{linodeId}/interfaces/{interfaceId}";
    LIST_INTERFACE_FIREWALLS = GET "/linode/instances/{linodeId}/interfaces/{interfaceId}/firewalls";
    UPGRADE_INTERFACES = POST "/linode/instances/{linodeId}/upgrade-interfaces";
}

/// A configuration profile, named by its instance and its own id (the `configId` of the
/// interface operations).
pub type ConfigRef = ChildId;

/// The most interfaces a configuration profile or a Linode has.
pub const MAX_INTERFACES: usize = 3;

api_enum! {
    /// What a configuration profile interface connects to.
    pub enum InterfacePurpose {
        /// The public internet.
        Public = "public",
        /// A VLAN (by label).
        Vlan = "vlan",
        /// A VPC subnet.
        Vpc = "vpc",
    }
}

/// The IPv4 settings of a `vpc` configuration profile interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConfigInterfaceIpv4 {
    /// Its address in the subnet (asked for, or allocated).
    #[serde(default)]
    pub vpc: Option<String>,
    /// The public address translated 1:1 to it (`any` when asking for one).
    #[serde(default)]
    pub nat_1_1: Option<String>,
}

/// An interface of a configuration profile (`legacy_config` generation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConfigInterface {
    /// The interface's id.
    pub id: u64,
    /// What it connects to.
    pub purpose: InterfacePurpose,
    /// The VLAN's label (`vlan` only).
    #[serde(default)]
    pub label: Option<String>,
    /// The VLAN address in CIDR notation (`vlan` only).
    #[serde(default)]
    pub ipam_address: Option<String>,
    /// Whether it carries the default route.
    #[serde(default, deserialize_with = "null_default")]
    pub primary: bool,
    /// Whether it is up (the instance runs with this profile).
    #[serde(default, deserialize_with = "null_default")]
    pub active: bool,
    /// The VPC (`vpc` only).
    #[serde(default)]
    pub vpc_id: Option<u64>,
    /// The subnet (`vpc` only).
    #[serde(default)]
    pub subnet_id: Option<u64>,
    /// Its VPC address (`vpc` only).
    #[serde(default)]
    pub ipv4: Option<ConfigInterfaceIpv4>,
    /// IPv4 ranges routed to it (`vpc` only).
    #[serde(default, deserialize_with = "null_default")]
    pub ip_ranges: Vec<String>,
}

impl ConfigInterface {
    /// The body that makes this interface again (a profile's `interfaces` replace the old
    /// ones on update).
    pub fn to_new(&self) -> NewConfigInterface {
        NewConfigInterface {
            purpose: self.purpose.as_str().to_owned(),
            label: self.label.clone(),
            ipam_address: self.ipam_address.clone(),
            primary: self.primary.then_some(true),
            subnet_id: self.subnet_id,
            ipv4: self.ipv4.clone(),
            ip_ranges: (!self.ip_ranges.is_empty()).then(|| self.ip_ranges.clone()),
        }
    }
}

/// A new configuration profile interface: `public`, `vlan` or `vpc`.
///
/// ```
/// use linode::api::linode::NewConfigInterface;
/// let public = NewConfigInterface::public().primary(true);
/// let vlan = NewConfigInterface::vlan("backend").ipam_address("10.0.0.1/24");
/// let vpc = NewConfigInterface::vpc(60000).vpc_address("10.0.0.5").nat_1_1_any();
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NewConfigInterface {
    pub(crate) purpose: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ipam_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) primary: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) subnet_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ipv4: Option<ConfigInterfaceIpv4>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ip_ranges: Option<Vec<String>>,
}

impl NewConfigInterface {
    /// A public interface (at most one per profile).
    pub fn public() -> Self {
        NewConfigInterface {
            purpose: "public".into(),
            ..Default::default()
        }
    }

    /// An interface on the VLAN labelled `label` (made when first used).
    pub fn vlan(label: impl Into<String>) -> Self {
        NewConfigInterface {
            purpose: "vlan".into(),
            label: Some(label.into()),
            ..Default::default()
        }
    }

    /// An interface in VPC subnet `subnet_id` (of the instance's region).
    pub fn vpc(subnet_id: u64) -> Self {
        NewConfigInterface {
            purpose: "vpc".into(),
            subnet_id: Some(subnet_id),
            ..Default::default()
        }
    }

    /// The address to take in the subnet (`vpc` only; otherwise one is allocated).
    pub fn vpc_address(mut self, address: impl Into<String>) -> Self {
        self.ipv4.get_or_insert_with(Default::default).vpc = Some(address.into());
        self
    }

    /// Translates the instance's public IPv4 address 1:1 to it (`vpc` only).
    pub fn nat_1_1_any(mut self) -> Self {
        self.ipv4.get_or_insert_with(Default::default).nat_1_1 = Some("any".into());
        self
    }

    /// Refuses what the API would refuse for sure, naming the field under `prefix`.
    pub(crate) fn check(&self, prefix: &str) -> Result<()> {
        if self.purpose == "vlan" {
            if self.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
                return Err(Error::invalid(
                    format!("{prefix}label"),
                    "is required for VLAN interfaces",
                ));
            }
            if self.primary == Some(true) {
                return Err(Error::invalid(
                    format!("{prefix}primary"),
                    "a VLAN interface cannot be primary",
                ));
            }
        }
        Ok(())
    }
}

setters! {
    NewConfigInterface {
        /// The VLAN address, in CIDR notation (`vlan` only).
        ipam_address: into String,
        /// Whether it carries the default route (never a `vlan` one).
        primary: value bool,
        /// IPv4 ranges to route to it (`vpc` only).
        ip_ranges: list String,
    }
}

/// Checks a whole list of profile interfaces (count and each entry).
pub(crate) fn check_config_interfaces(list: &[NewConfigInterface]) -> Result<()> {
    if list.len() > MAX_INTERFACES {
        return Err(Error::invalid("interfaces", "at most 3 interfaces"));
    }
    for (i, item) in list.iter().enumerate() {
        item.check(&format!("interfaces[{i}]."))?;
    }
    Ok(())
}

/// A change of a configuration profile interface: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ConfigInterfaceUpdate {
    /// Whether it carries the default route.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    /// Its VPC IPv4 settings (`vpc` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<ConfigInterfaceIpv4>,
    /// IPv4 ranges routed to it (`vpc` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_ranges: Option<Vec<String>>,
}

impl ConfigInterfaceUpdate {
    /// Nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    ConfigInterfaceUpdate {
        /// Sets whether it carries the default route.
        primary: value bool,
        /// Sets the IPv4 ranges routed to it.
        ip_ranges: list String,
    }
}

// ----- Linode interfaces -----

/// Which default routes an interface carries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DefaultRoute {
    /// The IPv4 default route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<bool>,
    /// The IPv6 default route (public interfaces only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<bool>,
}

impl DefaultRoute {
    /// Sets the families given in a request's `default_route` (made when missing).
    fn set(slot: &mut Option<DefaultRoute>, ipv4: Option<bool>, ipv6: Option<bool>) {
        let route = slot.get_or_insert_with(Default::default);
        route.ipv4 = ipv4.or(route.ipv4);
        route.ipv6 = ipv6.or(route.ipv6);
    }
}

/// An IPv4 address of a Linode interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InterfaceAddress {
    /// The address, or `auto` in a request.
    #[serde(default, deserialize_with = "null_default")]
    pub address: String,
    /// Whether it is the source address of the interface's routes.
    #[serde(default, deserialize_with = "null_default")]
    pub primary: bool,
    /// The public address translated 1:1 to it (VPC interfaces), `auto` in a request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nat_1_1_address: Option<String>,
}

/// A range routed to a Linode interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InterfaceRange {
    /// The range in CIDR notation, or a prefix such as `/64` in a request.
    #[serde(default, deserialize_with = "null_default")]
    pub range: String,
    /// Where the range is routed (public IPv6 ranges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_target: Option<String>,
}

/// Addresses of a public interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublicIpv4 {
    /// Its own addresses.
    #[serde(default, deserialize_with = "null_default")]
    pub addresses: Vec<InterfaceAddress>,
    /// Addresses shared with it, as the API sends them.
    #[serde(default, deserialize_with = "null_default")]
    pub shared: Vec<Value>,
}

/// IPv6 of a public interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublicIpv6 {
    /// Ranges routed to it.
    #[serde(default, deserialize_with = "null_default")]
    pub ranges: Vec<InterfaceRange>,
    /// Ranges shared with it, as the API sends them.
    #[serde(default, deserialize_with = "null_default")]
    pub shared: Vec<Value>,
    /// SLAAC addresses, as the API sends them.
    #[serde(default, deserialize_with = "null_default")]
    pub slaac: Vec<Value>,
}

/// A public Linode interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PublicInterface {
    /// IPv4.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv4: PublicIpv4,
    /// IPv6.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv6: PublicIpv6,
}

/// IPv4 of a VPC interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VpcIpv4 {
    /// Its addresses in the subnet.
    #[serde(default, deserialize_with = "null_default")]
    pub addresses: Vec<InterfaceAddress>,
    /// Ranges of the subnet routed to it.
    #[serde(default, deserialize_with = "null_default")]
    pub ranges: Vec<InterfaceRange>,
}

/// A VPC Linode interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VpcInterface {
    /// The VPC.
    #[serde(default)]
    pub vpc_id: Option<u64>,
    /// The subnet.
    #[serde(default, deserialize_with = "null_default")]
    pub subnet_id: u64,
    /// IPv4.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv4: VpcIpv4,
}

/// A VLAN Linode interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VlanInterface {
    /// The VLAN's label.
    #[serde(default, deserialize_with = "null_default")]
    pub vlan_label: String,
    /// Its address in CIDR notation, if any.
    #[serde(default)]
    pub ipam_address: Option<String>,
}

/// A Linode interface (`linode` generation): exactly one of `public`, `vpc`, `vlan` is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinodeInterface {
    /// The interface's id.
    pub id: u64,
    /// Its MAC address.
    #[serde(default)]
    pub mac_address: Option<String>,
    /// Its version (each change adds one).
    #[serde(default, deserialize_with = "null_default")]
    pub version: u64,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// The default routes it carries.
    #[serde(default, deserialize_with = "null_default")]
    pub default_route: DefaultRoute,
    /// Set on a public interface.
    #[serde(default)]
    pub public: Option<PublicInterface>,
    /// Set on a VPC interface.
    #[serde(default)]
    pub vpc: Option<VpcInterface>,
    /// Set on a VLAN interface.
    #[serde(default)]
    pub vlan: Option<VlanInterface>,
}

impl Resource for LinodeInterface {
    type Id = ChildId;
    fn path(id: &ChildId) -> Path {
        GET_INTERFACE.path(&[&id.parent, &id.id])
    }
}

/// A new Linode interface: public, VPC or VLAN. Public and VPC interfaces take the
/// account's default firewall for their kind unless you name one or ask for none.
///
/// ```
/// use linode::api::linode::NewLinodeInterface;
/// let public = NewLinodeInterface::public().firewall(10000).default_route_ipv4(true);
/// let vpc = NewLinodeInterface::vpc(60000).vpc_address("10.0.0.5").no_firewall();
/// let vlan = NewLinodeInterface::vlan("backend").ipam_address("10.1.0.1/24");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NewLinodeInterface {
    #[serde(skip_serializing_if = "Option::is_none")]
    firewall_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_route: Option<DefaultRoute>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vpc: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vlan: Option<VlanInterface>,
}

impl NewLinodeInterface {
    /// A public interface, with an automatically allocated IPv4 address unless you add some.
    pub fn public() -> Self {
        NewLinodeInterface {
            public: Some(serde_json::json!({})),
            ..Default::default()
        }
    }

    /// A VPC interface in subnet `subnet_id`, with an allocated address unless you give one.
    pub fn vpc(subnet_id: u64) -> Self {
        NewLinodeInterface {
            vpc: Some(serde_json::json!({"subnet_id": subnet_id})),
            ..Default::default()
        }
    }

    /// A VLAN interface on the VLAN labelled `label`.
    pub fn vlan(label: impl Into<String>) -> Self {
        NewLinodeInterface {
            vlan: Some(VlanInterface {
                vlan_label: label.into(),
                ipam_address: None,
            }),
            ..Default::default()
        }
    }

    /// Secures it with firewall `firewall_id` (public and VPC interfaces).
    pub fn firewall(mut self, firewall_id: u64) -> Self {
        self.firewall_id = i64::try_from(firewall_id).ok();
        self
    }

    /// Attaches no firewall, not even the account's default (`firewall_id: -1`).
    pub fn no_firewall(mut self) -> Self {
        self.firewall_id = Some(-1);
        self
    }

    /// Whether it carries the IPv4 default route.
    pub fn default_route_ipv4(mut self, on: bool) -> Self {
        DefaultRoute::set(&mut self.default_route, Some(on), None);
        self
    }

    /// Whether it carries the IPv6 default route (public interfaces).
    pub fn default_route_ipv6(mut self, on: bool) -> Self {
        DefaultRoute::set(&mut self.default_route, None, Some(on));
        self
    }

    /// Adds a public IPv4 address (`auto` allocates one) to a public interface.
    pub fn public_address(mut self, address: impl Into<String>, primary: bool) -> Self {
        if let Some(public) = &mut self.public {
            push(
                &mut public["ipv4"]["addresses"],
                serde_json::json!({"address": address.into(), "primary": primary}),
            );
        }
        self
    }

    /// Adds an IPv6 range (`/64`, `/56` or one of the Linode's ranges) to a public interface.
    pub fn public_ipv6_range(mut self, range: impl Into<String>) -> Self {
        if let Some(public) = &mut self.public {
            push(
                &mut public["ipv6"]["ranges"],
                serde_json::json!({"range": range.into()}),
            );
        }
        self
    }

    /// The address to take in the subnet (VPC interfaces; `auto` by default).
    pub fn vpc_address(mut self, address: impl Into<String>) -> Self {
        if let Some(vpc) = &mut self.vpc {
            vpc["ipv4"]["addresses"] =
                serde_json::json!([{"address": address.into(), "primary": true}]);
        }
        self
    }

    /// Translates a public IPv4 address 1:1 to its VPC address (`auto`: the Linode's).
    pub fn vpc_nat_1_1(mut self, address: impl Into<String>) -> Self {
        if let Some(vpc) = &mut self.vpc {
            if vpc["ipv4"]["addresses"].is_null() {
                vpc["ipv4"]["addresses"] =
                    serde_json::json!([{"address": "auto", "primary": true}]);
            }
            vpc["ipv4"]["addresses"][0]["nat_1_1_address"] = Value::from(address.into());
        }
        self
    }

    /// Routes a range of the subnet (or a prefix such as `/28`) to a VPC interface.
    pub fn vpc_range(mut self, range: impl Into<String>) -> Self {
        if let Some(vpc) = &mut self.vpc {
            push(
                &mut vpc["ipv4"]["ranges"],
                serde_json::json!({"range": range.into()}),
            );
        }
        self
    }

    /// The VLAN address in CIDR notation (VLAN interfaces).
    pub fn ipam_address(mut self, address: impl Into<String>) -> Self {
        if let Some(vlan) = &mut self.vlan {
            vlan.ipam_address = Some(address.into());
        }
        self
    }

    /// Refuses what the API would refuse for sure, naming the field under `prefix`.
    pub(crate) fn check(&self, prefix: &str) -> Result<()> {
        if let Some(vlan) = &self.vlan {
            if vlan.vlan_label.trim().is_empty() {
                return Err(Error::invalid(
                    format!("{prefix}vlan.vlan_label"),
                    "is required",
                ));
            }
            if self.firewall_id.is_some_and(|f| f >= 0) {
                return Err(Error::invalid(
                    format!("{prefix}firewall_id"),
                    "firewalls do not apply to VLAN interfaces",
                ));
            }
        }
        Ok(())
    }
}

/// Appends `item` to the array at `slot` (made when missing).
fn push(slot: &mut Value, item: Value) {
    if !slot.is_array() {
        *slot = Value::Array(Vec::new());
    }
    if let Some(list) = slot.as_array_mut() {
        list.push(item);
    }
}

/// A change of a Linode interface: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LinodeInterfaceUpdate {
    /// The default routes it carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_route: Option<DefaultRoute>,
    /// VLAN settings (VLAN interfaces: its `ipam_address`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vlan: Option<VlanInterface>,
}

impl LinodeInterfaceUpdate {
    /// Nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets whether it carries the IPv4 default route.
    pub fn default_route_ipv4(mut self, on: bool) -> Self {
        DefaultRoute::set(&mut self.default_route, Some(on), None);
        self
    }

    /// Sets whether it carries the IPv6 default route.
    pub fn default_route_ipv6(mut self, on: bool) -> Self {
        DefaultRoute::set(&mut self.default_route, None, Some(on));
        self
    }

    /// Changes the VLAN address of VLAN interface on VLAN `label` (the label stays).
    pub fn ipam_address(mut self, label: impl Into<String>, address: impl Into<String>) -> Self {
        self.vlan = Some(VlanInterface {
            vlan_label: label.into(),
            ipam_address: Some(address.into()),
        });
        self
    }
}

/// The list `GET /linode/instances/{id}/interfaces` answers.
#[derive(Debug, Deserialize)]
struct InterfaceList {
    #[serde(default, deserialize_with = "null_default")]
    interfaces: Vec<LinodeInterface>,
}

/// Which interfaces carry, and may carry, the default routes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DefaultRouteSettings {
    /// The interface with the IPv4 default route.
    #[serde(default)]
    pub ipv4_interface_id: Option<u64>,
    /// Interfaces that may take it.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv4_eligible_interface_ids: Vec<u64>,
    /// The interface with the IPv6 default route.
    #[serde(default)]
    pub ipv6_interface_id: Option<u64>,
    /// Interfaces that may take it.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv6_eligible_interface_ids: Vec<u64>,
}

/// The interface settings of a Linode.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InterfaceSettings {
    /// Whether Network Helper configures the interfaces at boot.
    #[serde(default, deserialize_with = "null_default")]
    pub network_helper: bool,
    /// The default routes.
    #[serde(default, deserialize_with = "null_default")]
    pub default_route: DefaultRouteSettings,
}

/// Which interfaces get the default routes, in a settings change.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DefaultRouteChange {
    /// The interface to take the IPv4 default route.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv4_interface_id: Option<u64>,
    /// The interface to take the IPv6 default route.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_interface_id: Option<u64>,
}

/// A change of a Linode's interface settings: only the fields set are sent.
///
/// ```
/// use linode::api::linode::InterfaceSettingsUpdate;
/// let change = InterfaceSettingsUpdate::new().network_helper(false).ipv4_route(700001);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct InterfaceSettingsUpdate {
    /// Network Helper on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_helper: Option<bool>,
    /// Default route holders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_route: Option<DefaultRouteChange>,
}

impl InterfaceSettingsUpdate {
    /// Nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives the IPv4 default route to interface `interface_id`.
    pub fn ipv4_route(mut self, interface_id: u64) -> Self {
        self.default_route
            .get_or_insert_with(Default::default)
            .ipv4_interface_id = Some(interface_id);
        self
    }

    /// Gives the IPv6 default route to interface `interface_id`.
    pub fn ipv6_route(mut self, interface_id: u64) -> Self {
        self.default_route
            .get_or_insert_with(Default::default)
            .ipv6_interface_id = Some(interface_id);
        self
    }
}

setters! {
    InterfaceSettingsUpdate {
        /// Turns Network Helper on or off.
        network_helper: value bool,
    }
}

/// One version of a Linode interface, from the Linode's interface history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InterfaceHistory {
    /// The entry's id.
    pub interface_history_id: u64,
    /// The interface.
    #[serde(default, deserialize_with = "null_default")]
    pub interface_id: u64,
    /// The Linode.
    #[serde(default, deserialize_with = "null_default")]
    pub linode_id: u64,
    /// The event that made this version, if any.
    #[serde(default)]
    pub event_id: Option<u64>,
    /// The interface's version.
    #[serde(default, deserialize_with = "null_default")]
    pub version: u64,
    /// The interface as it was, as the API sends it (JSON text or an object): see
    /// [`interface`](InterfaceHistory::interface).
    #[serde(default)]
    pub interface_data: Value,
    /// `Active` or `Deleted`.
    #[serde(default, deserialize_with = "null_default")]
    pub status: String,
    /// When the version was made.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
}

filterable!(InterfaceHistory {
    CREATED: Time = "created",
    INTERFACE_ID: Number = "interface_id",
    VERSION: Number = "version",
});

impl InterfaceHistory {
    /// The interface as this version recorded it, when it can be read.
    pub fn interface(&self) -> Option<LinodeInterface> {
        match &self.interface_data {
            Value::String(text) => serde_json::from_str(text).ok(),
            other => serde_json::from_value(other.clone()).ok(),
        }
    }
}

/// An upgrade from configuration profile interfaces to Linode interfaces.
///
/// ```
/// use linode::api::linode::UpgradeInterfaces;
/// let preview = UpgradeInterfaces::new().config(123).dry_run(true);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UpgradeInterfaces {
    /// The profile whose interfaces to upgrade (needed when the Linode has several).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_id: Option<u64>,
    /// Only answer what would be made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
}

impl UpgradeInterfaces {
    /// Upgrades the only profile.
    pub fn new() -> Self {
        Self::default()
    }

    /// Upgrades profile `config_id`.
    pub fn config(mut self, config_id: u64) -> Self {
        self.config_id = Some(config_id);
        self
    }
}

setters! {
    UpgradeInterfaces {
        /// Only answers what would be made, changing nothing.
        dry_run: value bool,
    }
}

/// What an upgrade made (or, on a dry run, would make).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InterfaceUpgrade {
    /// The profile upgraded.
    #[serde(default)]
    pub config_id: Option<u64>,
    /// Whether nothing changed.
    #[serde(default, deserialize_with = "null_default")]
    pub dry_run: bool,
    /// The Linode interfaces.
    #[serde(default, deserialize_with = "null_default")]
    pub interfaces: Vec<LinodeInterface>,
}

#[derive(Serialize)]
struct Order<'a> {
    ids: &'a [u64],
}

impl LinodeGroup<'_> {
    /// The interfaces of a configuration profile, in order (eth0 first).
    ///
    /// ```no_run
    /// # async fn run(client: linode::Client) -> linode::Result<()> {
    /// use linode::ChildId;
    /// use linode::api::linode::NewConfigInterface;
    /// let profile = ChildId::new(123, 456);
    /// client.linode().add_config_interface(profile, &NewConfigInterface::vlan("backend")).await?;
    /// for iface in client.linode().config_interfaces(profile).await? {
    ///     println!("{} {}", iface.id, iface.purpose);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn config_interfaces(&self, config: ConfigRef) -> Result<Vec<ConfigInterface>> {
        self.client
            .send(LIST_CONFIG_INTERFACES.request(&[&config.parent, &config.id]))
            .await
    }

    /// One interface of a configuration profile.
    pub async fn config_interface(
        &self,
        config: ConfigRef,
        interface_id: u64,
    ) -> Result<ConfigInterface> {
        self.client
            .send(GET_CONFIG_INTERFACE.request(&[&config.parent, &config.id, &interface_id]))
            .await
    }

    /// Waits until every interface of a configuration profile is in use (`active`) and
    /// returns them.
    ///
    /// An interface added to (or changed on) the profile of a running Linode is applied when
    /// the Linode boots or reboots with it, which takes a while: reboot, then wait. A profile
    /// without interfaces is ready at once. On timeout the error names the interfaces still
    /// waiting.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client, config: linode::ChildId, subnet_id: u64) -> linode::Result<()> {
    /// use std::time::Duration;
    /// use linode::api::linode::NewConfigInterface;
    /// client.linode().add_config_interface(config, &NewConfigInterface::vpc(subnet_id)).await?;
    /// client.linode().reboot(config.parent).await?;
    /// let applied = client
    ///     .linode()
    ///     .wait_for_config_interfaces_active(config, Duration::from_secs(300))
    ///     .await?;
    /// assert!(applied.iter().all(|i| i.active));
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_config_interfaces_active(
        &self,
        config: ConfigRef,
        wait: impl Into<crate::events::Wait>,
    ) -> Result<Vec<ConfigInterface>> {
        use crate::events::Probe;
        let what = format!(
            "the interfaces of configuration profile {} of Linode {} to be in use",
            config.id, config.parent
        );
        wait.into()
            .poll(&what, || async {
                let interfaces = self.config_interfaces(config).await?;
                let waiting: Vec<String> = interfaces
                    .iter()
                    .filter(|i| !i.active)
                    .map(|i| i.id.to_string())
                    .collect();
                Ok(if waiting.is_empty() {
                    Probe::Ready(interfaces)
                } else {
                    Probe::Pending(format!("interfaces {} not in use", waiting.join(", ")))
                })
            })
            .await
    }

    /// Adds an interface at the end of a configuration profile's interfaces.
    pub async fn add_config_interface(
        &self,
        config: ConfigRef,
        interface: &NewConfigInterface,
    ) -> Result<ConfigInterface> {
        interface.check("")?;
        self.client
            .send(ADD_CONFIG_INTERFACE.with_body(&[&config.parent, &config.id], interface)?)
            .await
    }

    /// Changes an interface of a configuration profile.
    pub async fn update_config_interface(
        &self,
        config: ConfigRef,
        interface_id: u64,
        update: &ConfigInterfaceUpdate,
    ) -> Result<ConfigInterface> {
        self.client
            .send(
                UPDATE_CONFIG_INTERFACE
                    .with_body(&[&config.parent, &config.id, &interface_id], update)?,
            )
            .await
    }

    /// Deletes an interface of a configuration profile (a VPC one leaves its subnet).
    pub async fn delete_config_interface(
        &self,
        config: ConfigRef,
        interface_id: u64,
    ) -> Result<()> {
        self.client
            .send_empty(DELETE_CONFIG_INTERFACE.request(&[
                &config.parent,
                &config.id,
                &interface_id,
            ]))
            .await
    }

    /// Reorders a configuration profile's interfaces: `ids` lists every one of them once.
    pub async fn order_config_interfaces(&self, config: ConfigRef, ids: &[u64]) -> Result<()> {
        if ids.is_empty() {
            return Err(Error::invalid(
                "ids",
                "lists every interface of the profile",
            ));
        }
        self.client
            .send_empty(
                ORDER_CONFIG_INTERFACES.with_body(&[&config.parent, &config.id], &Order { ids })?,
            )
            .await
    }

    /// The Linode interfaces of an instance (`linode` generation).
    ///
    /// ```no_run
    /// # async fn run(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::linode::NewLinodeInterface;
    /// let made = client
    ///     .linode()
    ///     .create_interface(123, &NewLinodeInterface::public().no_firewall())
    ///     .await?;
    /// assert!(client.linode().interfaces(123).await?.iter().any(|i| i.id == made.id));
    /// # Ok(()) }
    /// ```
    pub async fn interfaces(&self, id: u64) -> Result<Vec<LinodeInterface>> {
        let list: InterfaceList = self.client.send(LIST_INTERFACES.request(&[&id])).await?;
        Ok(list.interfaces)
    }

    /// One Linode interface.
    pub async fn interface(&self, id: ChildId) -> Result<LinodeInterface> {
        self.client.load::<LinodeInterface>(id).await
    }

    /// Adds a Linode interface (the instance must be offline).
    pub async fn create_interface(
        &self,
        id: u64,
        interface: &NewLinodeInterface,
    ) -> Result<LinodeInterface> {
        interface.check("")?;
        self.client
            .send(CREATE_INTERFACE.with_body(&[&id], interface)?)
            .await
    }

    /// Changes a Linode interface (the instance must be offline).
    pub async fn update_interface(
        &self,
        id: ChildId,
        update: &LinodeInterfaceUpdate,
    ) -> Result<LinodeInterface> {
        self.client
            .send(UPDATE_INTERFACE.with_body(&[&id.parent, &id.id], update)?)
            .await
    }

    /// Deletes a Linode interface (the instance must be offline).
    pub async fn delete_interface(&self, id: ChildId) -> Result<()> {
        self.client
            .send_empty(DELETE_INTERFACE.request(&[&id.parent, &id.id]))
            .await
    }

    /// The interface settings of an instance.
    pub async fn interface_settings(&self, id: u64) -> Result<InterfaceSettings> {
        self.client
            .send(GET_INTERFACE_SETTINGS.request(&[&id]))
            .await
    }

    /// Changes the interface settings of an instance.
    pub async fn update_interface_settings(
        &self,
        id: u64,
        update: &InterfaceSettingsUpdate,
    ) -> Result<InterfaceSettings> {
        self.client
            .send(UPDATE_INTERFACE_SETTINGS.with_body(&[&id], update)?)
            .await
    }

    /// Every version of the instance's Linode interfaces.
    pub fn interface_history(&self, id: u64) -> ListRequest<InterfaceHistory> {
        ListRequest::new(self.client, LIST_INTERFACE_HISTORY.path(&[&id]))
    }

    /// The firewalls of a Linode interface.
    pub fn interface_firewalls(&self, id: ChildId) -> ListRequest<Firewall> {
        ListRequest::new(
            self.client,
            LIST_INTERFACE_FIREWALLS.path(&[&id.parent, &id.id]),
        )
    }

    /// Turns a configuration profile's interfaces into Linode interfaces; with `dry_run`,
    /// only answers what it would make.
    pub async fn upgrade_interfaces(
        &self,
        id: u64,
        request: &UpgradeInterfaces,
    ) -> Result<InterfaceUpgrade> {
        self.client
            .send(UPGRADE_INTERFACES.with_body(&[&id], request)?)
            .await
    }
}
