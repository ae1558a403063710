//! The parts a firewall rule is built from, typed and checked before any request: the
//! protocol, the ports (single ports and ranges), the addresses (`ipnet` networks or prefix
//! lists by name), the action, and references to rule sets.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::model::{api_enum, setters, with_str};

/// Most rules a firewall holds, inbound and outbound together (spec 4.189.0: "up to 25 rules
/// across its inbound and outbound rulesets").
pub const MAX_RULES: usize = 25;
/// Most addresses (networks and prefix lists) one rule lists, IPv4 and IPv6 together.
pub const MAX_ADDRESSES: usize = 255;
/// Most pieces a ports string holds: a single port is one piece, a range two.
pub const MAX_PORT_PIECES: usize = 15;

api_enum! {
    /// The traffic a rule is about.
    pub enum Protocol {
        /// TCP (ports allowed).
        Tcp = "TCP",
        /// UDP (ports allowed).
        Udp = "UDP",
        /// ICMP (no ports).
        Icmp = "ICMP",
        /// IP-in-IP encapsulation (no ports).
        Ipencap = "IPENCAP",
    }
}

impl Protocol {
    /// Whether a rule of this protocol may name ports (TCP and UDP).
    pub fn has_ports(&self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }
}

api_enum! {
    /// What a rule, or a firewall's policy, does with the traffic.
    pub enum RuleAction {
        /// Let it through.
        Accept = "ACCEPT",
        /// Drop it.
        Drop = "DROP",
    }
}

/// One piece of [`Ports`]: a single port (`first == last`) or an inclusive range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortRange {
    /// The first port.
    pub first: u16,
    /// The last port (equal to `first` for a single port).
    pub last: u16,
}

impl PortRange {
    /// How many pieces the API counts: one for a single port, two for a range.
    pub fn pieces(&self) -> usize {
        if self.first == self.last { 1 } else { 2 }
    }
}

impl From<u16> for PortRange {
    fn from(port: u16) -> Self {
        PortRange {
            first: port,
            last: port,
        }
    }
}

impl From<std::ops::RangeInclusive<u16>> for PortRange {
    fn from(range: std::ops::RangeInclusive<u16>) -> Self {
        PortRange {
            first: *range.start(),
            last: *range.end(),
        }
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// The ports of a rule: single ports and ranges, sent as the API's string (`22, 80, 1000-2000`).
///
/// ```
/// use linode::api::networking::firewalls::Ports;
/// let web = Ports::list([80u16.into(), 443u16.into(), (8000..=8999).into()]);
/// assert_eq!(web.to_string(), "80, 443, 8000-8999");
/// assert_eq!(web.pieces(), 4);
/// assert_eq!(Ports::parse("22,80-81").unwrap().ranges().len(), 2);
/// assert!(Ports::parse("080").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ports {
    ranges: Vec<PortRange>,
    /// The text as sent or received (kept as received, so an answer never fails to decode).
    text: String,
}

impl Ports {
    /// One port.
    pub fn single(port: u16) -> Ports {
        Ports::list([PortRange::from(port)])
    }

    /// An inclusive range of ports.
    pub fn range(first: u16, last: u16) -> Ports {
        Ports::list([PortRange { first, last }])
    }

    /// Several single ports and ranges, in order.
    pub fn list(ranges: impl IntoIterator<Item = PortRange>) -> Ports {
        let ranges: Vec<PortRange> = ranges.into_iter().collect();
        let text = ranges
            .iter()
            .map(PortRange::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        Ports { ranges, text }
    }

    /// Reads the API's syntax: pieces separated by a comma (and an optional space), each a port
    /// or `first-last`, without leading zeros, within 1-65535, at most 15 pieces.
    pub fn parse(text: &str) -> Result<Ports> {
        let ranges = parse_ports(text).map_err(|reason| Error::invalid("ports", reason))?;
        let ports = Ports {
            ranges,
            text: text.to_owned(),
        };
        ports.check("ports")?;
        Ok(ports)
    }

    /// The single ports and ranges.
    pub fn ranges(&self) -> &[PortRange] {
        &self.ranges
    }

    /// How many pieces the API counts (a range is two).
    pub fn pieces(&self) -> usize {
        self.ranges.iter().map(PortRange::pieces).sum()
    }

    /// The string sent to the API.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Checks what the API checks; errors name `field`.
    pub(crate) fn check(&self, field: &str) -> Result<()> {
        if self.ranges.is_empty() {
            return Err(Error::invalid(field, "names no port"));
        }
        for r in &self.ranges {
            if r.first == 0 {
                return Err(Error::invalid(field, "ports must be from 1 to 65535"));
            }
            if r.first > r.last {
                return Err(Error::invalid(
                    field,
                    format!("range {r} must end after it starts"),
                ));
            }
        }
        if self.pieces() > MAX_PORT_PIECES {
            return Err(Error::invalid(
                field,
                format!("at most {MAX_PORT_PIECES} pieces (a range counts as two)"),
            ));
        }
        Ok(())
    }
}

fn parse_port(text: &str) -> std::result::Result<u16, String> {
    let valid = !text.is_empty()
        && text.len() <= 5
        && text.bytes().all(|b| b.is_ascii_digit())
        && !text.starts_with('0');
    match text.parse::<u32>() {
        Ok(n) if valid && (1..=65535).contains(&n) => Ok(n as u16),
        _ => Err(format!("{text:?} is not a port from 1 to 65535")),
    }
}

fn parse_ports(text: &str) -> std::result::Result<Vec<PortRange>, String> {
    text.split(',')
        .enumerate()
        .map(|(i, piece)| {
            let piece = if i > 0 {
                piece.strip_prefix(' ').unwrap_or(piece)
            } else {
                piece
            };
            match piece.split_once('-') {
                Some((a, b)) => Ok(PortRange {
                    first: parse_port(a)?,
                    last: parse_port(b)?,
                }),
                None => parse_port(piece).map(PortRange::from),
            }
        })
        .collect()
}

impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Ports {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Ports {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        with_str(d, "a ports string", |text| {
            Ok::<_, String>(Ports {
                ranges: parse_ports(text).unwrap_or_default(),
                text: text.to_owned(),
            })
        })
    }
}

/// One address of a rule: a network (an [`IpNet`]; a single address is a `/32` or `/128`), a
/// prefix list by name (`pl::vpcs:<id>`, `pl:system:...`), or, only in answers, something this
/// version does not know.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Address {
    /// A network or a single address.
    Net(IpNet),
    /// A prefix list, by name.
    PrefixList(String),
    /// A value the API sent that is neither, kept as sent.
    Unknown(String),
}

impl Address {
    /// Reads a network (`192.0.2.0/24`, `2001:db8::/32`), a single address (taken as `/32` or
    /// `/128`) or a prefix list name (starting with `pl:`).
    pub fn parse(text: &str) -> Result<Address> {
        match read_address(text) {
            Address::Unknown(_) => Err(Error::invalid(
                "addresses",
                format!("{text:?} is not an address, a network or a prefix list"),
            )),
            known => Ok(known),
        }
    }

    /// A prefix list by name, such as `pl:system:object-storage:us-iad`.
    pub fn prefix_list(name: impl Into<String>) -> Address {
        Address::PrefixList(name.into())
    }

    /// The network, when this is one.
    pub fn net(&self) -> Option<&IpNet> {
        match self {
            Address::Net(net) => Some(net),
            _ => None,
        }
    }
}

fn read_address(text: &str) -> Address {
    if text.starts_with("pl:") {
        return Address::PrefixList(text.to_owned());
    }
    if let Ok(net) = text.parse::<IpNet>() {
        return Address::Net(net);
    }
    match text.parse::<IpAddr>() {
        Ok(ip) => Address::Net(IpNet::from(ip)),
        Err(_) => Address::Unknown(text.to_owned()),
    }
}

impl FromStr for Address {
    type Err = Error;
    fn from_str(text: &str) -> Result<Address> {
        Address::parse(text)
    }
}

impl From<IpNet> for Address {
    fn from(net: IpNet) -> Self {
        Address::Net(net)
    }
}

impl From<ipnet::Ipv4Net> for Address {
    fn from(net: ipnet::Ipv4Net) -> Self {
        Address::Net(net.into())
    }
}

impl From<ipnet::Ipv6Net> for Address {
    fn from(net: ipnet::Ipv6Net) -> Self {
        Address::Net(net.into())
    }
}

impl From<IpAddr> for Address {
    fn from(ip: IpAddr) -> Self {
        Address::Net(ip.into())
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Net(net) => write!(f, "{net}"),
            Address::PrefixList(name) | Address::Unknown(name) => f.write_str(name),
        }
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        with_str(d, "an address", |text| Ok::<_, String>(read_address(text)))
    }
}

/// The addresses a rule is about: IPv4 ones, IPv6 ones, or both (at least one list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleAddresses {
    /// IPv4 networks and prefix lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<Vec<Address>>,
    /// IPv6 networks and prefix lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<Vec<Address>>,
}

impl RuleAddresses {
    fn len(&self) -> usize {
        self.ipv4.as_ref().map_or(0, Vec::len) + self.ipv6.as_ref().map_or(0, Vec::len)
    }

    fn check(&self, field: &str) -> Result<()> {
        if self.ipv4.is_none() && self.ipv6.is_none() {
            return Err(Error::invalid(field, "must list ipv4, ipv6 or both"));
        }
        if self.len() > MAX_ADDRESSES {
            return Err(Error::invalid(
                field,
                format!("at most {MAX_ADDRESSES} addresses"),
            ));
        }
        for (family, list, v4) in [("ipv4", &self.ipv4, true), ("ipv6", &self.ipv6, false)] {
            let Some(list) = list else { continue };
            if list.is_empty() {
                return Err(Error::invalid(format!("{field}.{family}"), "is empty"));
            }
            for (i, address) in list.iter().enumerate() {
                let wrong = match address {
                    Address::Net(net) => matches!(net, IpNet::V4(_)) != v4,
                    Address::PrefixList(_) => false,
                    Address::Unknown(_) => true,
                };
                if wrong {
                    return Err(Error::invalid(
                        format!("{field}.{family}[{i}]"),
                        format!("{address} is not an {family} network or a prefix list"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// One rule of a firewall or a rule set: either a rule of its own (action, protocol, ports,
/// addresses) or a reference to a [rule set](super::firewalls::RuleSet).
///
/// ```
/// use linode::api::networking::firewalls::{Address, FirewallRule, Ports, Protocol};
/// let ssh = FirewallRule::accept(Protocol::Tcp)
///     .ports(Ports::single(22))
///     .ipv4(["192.0.2.0/24".parse::<ipnet::IpNet>().unwrap()])
///     .ipv6([Address::prefix_list("pl::vpcs:<current>")])
///     .label("ssh-in");
/// let shared = FirewallRule::rule_set(42);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FirewallRule {
    /// What the rule does (absent on a rule set reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<RuleAction>,
    /// The traffic it is about (absent on a rule set reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// Its ports: every port when absent; TCP and UDP only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Ports>,
    /// Its addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<RuleAddresses>,
    /// A label (3-32 characters), for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A description (1-100 characters), for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The rule set this entry stands for, when it is a reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ruleset: Option<u64>,
}

impl FirewallRule {
    /// A rule accepting `protocol` traffic (from or to no address yet).
    pub fn accept(protocol: Protocol) -> Self {
        Self::with_action(RuleAction::Accept, protocol)
    }

    /// A rule dropping `protocol` traffic (from or to no address yet).
    pub fn drop(protocol: Protocol) -> Self {
        Self::with_action(RuleAction::Drop, protocol)
    }

    fn with_action(action: RuleAction, protocol: Protocol) -> Self {
        FirewallRule {
            action: Some(action),
            protocol: Some(protocol),
            addresses: Some(RuleAddresses::default()),
            ..Self::default()
        }
    }

    /// An entry standing for every rule of rule set `id`, in place.
    pub fn rule_set(id: u64) -> Self {
        FirewallRule {
            ruleset: Some(id),
            ..Self::default()
        }
    }

    /// Adds IPv4 networks or prefix lists.
    pub fn ipv4<A: Into<Address>>(mut self, addresses: impl IntoIterator<Item = A>) -> Self {
        let list = self
            .addresses
            .get_or_insert_with(RuleAddresses::default)
            .ipv4
            .get_or_insert_with(Vec::new);
        list.extend(addresses.into_iter().map(Into::into));
        self
    }

    /// Adds IPv6 networks or prefix lists.
    pub fn ipv6<A: Into<Address>>(mut self, addresses: impl IntoIterator<Item = A>) -> Self {
        let list = self
            .addresses
            .get_or_insert_with(RuleAddresses::default)
            .ipv6
            .get_or_insert_with(Vec::new);
        list.extend(addresses.into_iter().map(Into::into));
        self
    }

    /// Adds networks, each to the list of its family.
    pub fn nets(self, nets: impl IntoIterator<Item = IpNet>) -> Self {
        let (v4, v6): (Vec<IpNet>, Vec<IpNet>) =
            nets.into_iter().partition(|n| matches!(n, IpNet::V4(_)));
        let rule = if v4.is_empty() { self } else { self.ipv4(v4) };
        if v6.is_empty() { rule } else { rule.ipv6(v6) }
    }

    /// Checks what the API checks; errors name `field.<part>` (such as
    /// `rules.inbound[2].ports`).
    pub(crate) fn check(&self, field: &str) -> Result<()> {
        let at = |part: &str| format!("{field}.{part}");
        if self.ruleset.is_some() {
            let own = self.action.is_some()
                || self.protocol.is_some()
                || self.ports.is_some()
                || self.addresses.is_some()
                || self.label.is_some()
                || self.description.is_some();
            if own {
                return Err(Error::invalid(
                    at("ruleset"),
                    "a rule set reference has no rule fields of its own",
                ));
            }
            return Ok(());
        }
        match &self.action {
            None => return Err(Error::invalid(at("action"), "is required")),
            Some(RuleAction::Unknown(v)) => {
                return Err(Error::invalid(at("action"), format!("{v:?} is unknown")));
            }
            Some(_) => {}
        }
        let protocol = match &self.protocol {
            None => return Err(Error::invalid(at("protocol"), "is required")),
            Some(Protocol::Unknown(v)) => {
                return Err(Error::invalid(at("protocol"), format!("{v:?} is unknown")));
            }
            Some(p) => p,
        };
        if let Some(ports) = &self.ports {
            if !protocol.has_ports() {
                return Err(Error::invalid(
                    at("ports"),
                    format!("ports are not allowed for {protocol}"),
                ));
            }
            ports.check(&at("ports"))?;
        }
        match &self.addresses {
            None => return Err(Error::invalid(at("addresses"), "is required")),
            Some(addresses) => addresses.check(&at("addresses"))?,
        }
        if let Some(label) = &self.label {
            if !(3..=32).contains(&label.chars().count()) {
                return Err(Error::invalid(at("label"), "must be 3-32 characters"));
            }
        }
        if let Some(description) = &self.description {
            if !(1..=100).contains(&description.chars().count()) {
                return Err(Error::invalid(
                    at("description"),
                    "must be 1-100 characters",
                ));
            }
        }
        Ok(())
    }
}

setters! {
    FirewallRule {
        /// Sets the ports (TCP and UDP only).
        ports: value Ports,
        /// Sets the description.
        description: into String,
        /// Sets the label.
        label: into String,
    }
}

/// Checks a list of rules, naming each `{field}[i]`.
pub(crate) fn check_rules(field: &str, rules: &[FirewallRule]) -> Result<()> {
    rules
        .iter()
        .enumerate()
        .try_for_each(|(i, rule)| rule.check(&format!("{field}[{i}]")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_follow_the_api_syntax() {
        assert_eq!(
            Ports::parse("22-24, 80,443").unwrap().ranges(),
            &[
                PortRange {
                    first: 22,
                    last: 24
                },
                PortRange::from(80),
                PortRange::from(443)
            ]
        );
        for bad in ["", "080", "0", "65536", "22-", "a", "22,  80", "80-22"] {
            assert!(Ports::parse(bad).is_err(), "{bad}");
        }
        let fifteen = (1..=15)
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(Ports::parse(&fifteen).unwrap().pieces(), 15);
        assert!(Ports::parse(&format!("{fifteen},16")).is_err());
        assert_eq!(Ports::range(1000, 2000).as_str(), "1000-2000");
    }

    #[test]
    fn addresses_are_networks_or_prefix_lists() {
        assert_eq!(
            Address::parse("192.0.2.0/24").unwrap(),
            Address::Net("192.0.2.0/24".parse().unwrap())
        );
        assert_eq!(
            Address::parse("2001:db8::1").unwrap().to_string(),
            "2001:db8::1/128"
        );
        assert_eq!(
            Address::parse("pl::vpcs:7").unwrap(),
            Address::prefix_list("pl::vpcs:7")
        );
        assert!(Address::parse("192.0.2.0/33").is_err());
        let odd: Address = serde_json::from_str("\"somewhere\"").unwrap();
        assert_eq!(odd, Address::Unknown("somewhere".into()));
    }

    #[test]
    fn rules_are_checked_part_by_part() {
        let net: IpNet = "192.0.2.0/24".parse().unwrap();
        let ok = FirewallRule::accept(Protocol::Tcp)
            .ports(Ports::single(22))
            .nets([net]);
        assert!(ok.check("r").is_ok());
        let err = |rule: FirewallRule| match rule.check("rules.inbound[0]") {
            Err(Error::InvalidArgument { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            err(FirewallRule::accept(Protocol::Icmp)
                .ports(Ports::single(1))
                .nets([net])),
            "rules.inbound[0].ports"
        );
        assert_eq!(
            err(FirewallRule::accept(Protocol::Tcp)),
            "rules.inbound[0].addresses"
        );
        assert_eq!(
            err(FirewallRule::accept(Protocol::Tcp).ipv6([net])),
            "rules.inbound[0].addresses.ipv6[0]"
        );
        assert_eq!(
            err(FirewallRule::rule_set(1).label("x").ports(Ports::single(2))),
            "rules.inbound[0].ruleset"
        );
    }
}
