//! Cloud Firewalls: `/networking/firewalls` (rules, devices, rule history, account settings,
//! templates, rule sets), `/networking/prefixlists`, and the firewalls of one Linode or
//! NodeBalancer.
//!
//! A firewall's rules are built from typed parts ([`FirewallRule`], [`Ports`], [`Address`])
//! and checked before any request, so a bad port or network is an
//! [`Error::InvalidArgument`] naming the field (`rules.inbound[2].ports`) rather than a
//! round trip. Changing a firewall's status takes effect at once (the API answers with the
//! firewall as it now is), so there is nothing to wait for; applying a Linode's firewalls
//! again is an event (`firewall_apply`) that the [event waiters](crate::events) follow.

use serde::{Deserialize, Serialize};

use super::NetworkingGroup;
use super::rules::check_rules;
pub use super::rules::{
    Address, FirewallRule, MAX_ADDRESSES, MAX_PORT_PIECES, MAX_RULES, PortRange, Ports, Protocol,
    RuleAction, RuleAddresses,
};
use crate::api::linode::Instance;
use crate::api::nodebalancers::NodeBalancer;
use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::{ListRequest, Page};

operations! {
    LIST_FIREWALLS = GET "/networking/firewalls";
    CREATE_FIREWALL = POST "/networking/firewalls";
    GET_FIREWALL = GET "/networking/firewalls/{firewallId}";
    UPDATE_FIREWALL = PUT "/networking/firewalls/{firewallId}";
    DELETE_FIREWALL = DELETE "/networking/firewalls/{firewallId}";
    GET_FIREWALL_RULES = GET "/networking/firewalls/{firewallId}/rules";
    UPDATE_FIREWALL_RULES = PUT "/networking/firewalls/{firewallId}/rules";
    GET_EXPANDED_RULES = GET "/networking/firewalls/{firewallId}/rules/expansion";
    LIST_FIREWALL_DEVICES = GET "/networking/firewalls/{firewallId}/devices";
    CREATE_FIREWALL_DEVICE = POST "/networking/firewalls/{firewallId}/devices";
    GET_FIREWALL_DEVICE = GET "/networking/firewalls/{firewallId}/devices/{deviceId}";
    DELETE_FIREWALL_DEVICE = DELETE "/networking/firewalls/{firewallId}/devices/{deviceId}";
    LIST_RULE_VERSIONS = GET "/networking/firewalls/{firewallId}/history";
    GET_RULE_VERSION = GET "/networking/firewalls/{firewallId}/history/rules/{version}";
    GET_FIREWALL_SETTINGS = GET "/networking/firewalls/settings";
    UPDATE_FIREWALL_SETTINGS = PUT "/networking/firewalls/settings";
    LIST_FIREWALL_TEMPLATES = GET "/networking/firewalls/templates";
    GET_FIREWALL_TEMPLATE = GET "/networking/firewalls/templates/{slug}";
    LIST_RULE_SETS = GET "/networking/firewalls/rulesets";
    CREATE_RULE_SET = POST "/networking/firewalls/rulesets";
    GET_RULE_SET = GET "/networking/firewalls/rulesets/{ruleSetId}";
    UPDATE_RULE_SET = PUT "/networking/firewalls/rulesets/{ruleSetId}";
    DELETE_RULE_SET = DELETE "/networking/firewalls/rulesets/{ruleSetId}";
    LIST_PREFIX_LISTS = GET "/networking/prefixlists";
    GET_PREFIX_LIST = GET "/networking/prefixlists/{prefixListId}";
    LIST_LINODE_FIREWALLS = GET "/linode/instances/{linodeId}/firewalls";
    UPDATE_LINODE_FIREWALLS = PUT "/linode/instances/{linodeId}/firewalls";
    APPLY_LINODE_FIREWALLS = POST "/linode/instances/{linodeId}/firewalls/apply";
    LIST_NODEBALANCER_FIREWALLS = GET "/nodebalancers/{nodeBalancerId}/firewalls";
    UPDATE_NODEBALANCER_FIREWALLS = PUT "/nodebalancers/{nodeBalancerId}/firewalls";
}

api_enum! {
    /// Whether a firewall filters traffic.
    pub enum FirewallStatus {
        /// Its rules apply.
        Enabled = "enabled",
        /// Its rules do not apply.
        Disabled = "disabled",
        /// Deleted.
        Deleted = "deleted",
    }
}

api_enum! {
    /// What a firewall device is.
    pub enum DeviceType {
        /// A Linode (with legacy configuration profiles).
        Linode = "linode",
        /// A NodeBalancer.
        NodeBalancer = "nodebalancer",
        /// A Linode interface (public or VPC).
        LinodeInterface = "linode_interface",
    }
}

api_enum! {
    /// The direction of the rules of a rule set.
    pub enum RuleSetType {
        /// Inbound rules.
        Inbound = "inbound",
        /// Outbound rules.
        Outbound = "outbound",
    }
}

/// A firewall's rules: the inbound and outbound lists, and what happens to traffic no rule
/// matches. Also the body of [`set_rules`](FirewallsGroup::set_rules) and of a new firewall.
///
/// ```
/// use linode::api::networking::firewalls::{FirewallRule, FirewallRules, Ports, Protocol, RuleAction};
/// let rules = FirewallRules::new(RuleAction::Drop, RuleAction::Accept)
///     .inbound(FirewallRule::accept(Protocol::Tcp).ports(Ports::single(22)).nets(["0.0.0.0/0".parse().unwrap()]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FirewallRules {
    /// Inbound rules, applied in order.
    #[serde(default, deserialize_with = "null_default")]
    pub inbound: Vec<FirewallRule>,
    /// What happens to inbound traffic no rule matches.
    pub inbound_policy: RuleAction,
    /// Outbound rules, applied in order.
    #[serde(default, deserialize_with = "null_default")]
    pub outbound: Vec<FirewallRule>,
    /// What happens to outbound traffic no rule matches.
    pub outbound_policy: RuleAction,
    /// A hash of the rules, 8 hex digits (read-only).
    #[serde(default, skip_serializing)]
    pub fingerprint: Option<String>,
    /// The rules' version, from 1, raised by each change (read-only).
    #[serde(default, skip_serializing)]
    pub version: Option<u64>,
}

impl FirewallRules {
    /// No rules yet, with these policies.
    pub fn new(inbound_policy: RuleAction, outbound_policy: RuleAction) -> Self {
        FirewallRules {
            inbound: Vec::new(),
            inbound_policy,
            outbound: Vec::new(),
            outbound_policy,
            fingerprint: None,
            version: None,
        }
    }

    /// Appends an inbound rule.
    pub fn inbound(mut self, rule: FirewallRule) -> Self {
        self.inbound.push(rule);
        self
    }

    /// Appends an outbound rule.
    pub fn outbound(mut self, rule: FirewallRule) -> Self {
        self.outbound.push(rule);
        self
    }

    /// Checks what the API checks; fields are named after `prefix` (`rules.` in a new
    /// firewall, nothing when the rules are the body).
    fn check(&self, prefix: &str) -> Result<()> {
        for (name, policy) in [
            ("inbound_policy", &self.inbound_policy),
            ("outbound_policy", &self.outbound_policy),
        ] {
            if let RuleAction::Unknown(v) = policy {
                return Err(Error::invalid(
                    format!("{prefix}{name}"),
                    format!("{v:?} is unknown"),
                ));
            }
        }
        if self.inbound.len() + self.outbound.len() > MAX_RULES {
            let field = if prefix.is_empty() {
                "rules"
            } else {
                prefix.trim_end_matches('.')
            };
            return Err(Error::invalid(
                field,
                format!("at most {MAX_RULES} rules, inbound and outbound together"),
            ));
        }
        check_rules(&format!("{prefix}inbound"), &self.inbound)?;
        check_rules(&format!("{prefix}outbound"), &self.outbound)
    }
}

/// What a firewall is attached to, as a device and in a firewall's `entities`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FirewallEntity {
    /// The entity's id.
    pub id: u64,
    /// Its label, if any.
    #[serde(default)]
    pub label: Option<String>,
    /// What it is.
    #[serde(rename = "type")]
    pub kind: DeviceType,
    /// Its API path, such as `/v4/linode/instances/123`.
    #[serde(default, deserialize_with = "null_default")]
    pub url: String,
    /// For a Linode interface, the Linode it belongs to.
    #[serde(default)]
    pub parent_entity: Option<Box<FirewallEntity>>,
}

/// A Cloud Firewall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Firewall {
    /// The firewall's id.
    pub id: u64,
    /// Its label, unique on the account (mutable).
    pub label: String,
    /// Whether its rules apply (mutable: enabled or disabled).
    pub status: FirewallStatus,
    /// Its rules.
    pub rules: FirewallRules,
    /// Its tags (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// What it is attached to.
    #[serde(default, deserialize_with = "null_default")]
    pub entities: Vec<FirewallEntity>,
    /// When it was created.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When it was last changed.
    #[serde(with = "timestamp")]
    pub updated: timestamp::Timestamp,
}

filterable!(Firewall {
    CREATED: Time = "created",
    ID: Number = "id",
    LABEL: Text = "label",
    TAGS: Text = "tags",
    UPDATED: Time = "updated",
});

impl Resource for Firewall {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_FIREWALL.path(&[id])
    }
}

impl Firewall {
    /// The devices this firewall is attached to
    /// (`GET /networking/firewalls/{id}/devices`).
    pub fn devices(&self, client: &Client) -> ListRequest<FirewallDevice> {
        client.networking().firewalls().devices(self.id)
    }

    /// The fields this firewall lets you change, as they are now: what
    /// [`save`](Firewall::save) sends.
    pub fn changes(&self) -> FirewallUpdate {
        FirewallUpdate {
            label: Some(self.label.clone()),
            status: Some(self.status.clone()),
            tags: Some(self.tags.clone()),
        }
    }

    /// Sends the mutable fields (label, status, tags) and replaces `self` with the answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client
            .networking()
            .firewalls()
            .update(self.id, &self.changes())
            .await?;
        Ok(())
    }

    /// Deletes the firewall (it is detached from everything first, by the API).
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.networking().firewalls().delete(self.id).await
    }
}

impl Instance {
    /// The firewalls of this Linode (`GET /linode/instances/{id}/firewalls`).
    pub fn firewalls(&self, client: &Client) -> ListRequest<Firewall> {
        client.networking().firewalls().linode_firewalls(self.id)
    }
}

impl NodeBalancer {
    /// The firewalls of this NodeBalancer (`GET /nodebalancers/{id}/firewalls`).
    pub fn firewalls(&self, client: &Client) -> ListRequest<Firewall> {
        client
            .networking()
            .firewalls()
            .nodebalancer_firewalls(self.id)
    }
}

/// One attachment of a firewall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FirewallDevice {
    /// The device's id (not the entity's).
    pub id: u64,
    /// What the firewall is attached to.
    pub entity: FirewallEntity,
    /// When it was attached.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When it was last changed.
    #[serde(with = "timestamp")]
    pub updated: timestamp::Timestamp,
}

filterable!(FirewallDevice {
    CREATED: Time = "created",
    ID: Number = "id",
    UPDATED: Time = "updated",
});

/// What to attach a firewall to: `{"id", "type"}`.
///
/// ```
/// use linode::api::networking::firewalls::DeviceRef;
/// let web = DeviceRef::linode(123);
/// let lb = DeviceRef::nodebalancer(456);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DeviceRef {
    /// The entity's id.
    pub id: u64,
    /// What it is.
    #[serde(rename = "type")]
    pub kind: DeviceType,
}

impl DeviceRef {
    /// A Linode.
    pub fn linode(id: u64) -> Self {
        DeviceRef {
            id,
            kind: DeviceType::Linode,
        }
    }

    /// A NodeBalancer.
    pub fn nodebalancer(id: u64) -> Self {
        DeviceRef {
            id,
            kind: DeviceType::NodeBalancer,
        }
    }

    /// A Linode interface, by the interface's id.
    pub fn linode_interface(id: u64) -> Self {
        DeviceRef {
            id,
            kind: DeviceType::LinodeInterface,
        }
    }
}

/// The entities a new firewall is attached to at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct NewDevices {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    linodes: Vec<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    nodebalancers: Vec<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    linode_interfaces: Vec<u64>,
}

/// A new firewall: a label, its rules, and optionally the devices it is attached to at once.
///
/// ```
/// use linode::api::networking::firewalls::{CreateFirewall, FirewallRules, RuleAction};
/// let request = CreateFirewall::new("web-fw", FirewallRules::new(RuleAction::Drop, RuleAction::Accept))
///     .linodes([123])
///     .tags(["web"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreateFirewall {
    label: String,
    rules: FirewallRules,
    #[serde(skip_serializing_if = "Option::is_none")]
    devices: Option<NewDevices>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

impl CreateFirewall {
    /// A firewall labelled `label` with `rules`, attached to nothing.
    pub fn new(label: impl Into<String>, rules: FirewallRules) -> Self {
        CreateFirewall {
            label: label.into(),
            rules,
            devices: None,
            tags: Vec::new(),
        }
    }

    fn devices_mut(&mut self) -> &mut NewDevices {
        self.devices.get_or_insert_with(NewDevices::default)
    }

    /// Attaches these Linodes.
    pub fn linodes(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.devices_mut().linodes.extend(ids);
        self
    }

    /// Attaches these NodeBalancers.
    pub fn nodebalancers(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.devices_mut().nodebalancers.extend(ids);
        self
    }

    /// Attaches these Linode interfaces.
    pub fn linode_interfaces(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.devices_mut().linode_interfaces.extend(ids);
        self
    }

    /// Sets the tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    fn validate(&self) -> Result<()> {
        check_label(&self.label)?;
        self.rules.check("rules.")
    }
}

/// A firewall label: 3-32 characters, letters, digits, `-`, `_` and `.`, beginning with a
/// letter and ending with a letter or digit, never `--`, `__` or `..`.
fn check_label(label: &str) -> Result<()> {
    let reason = if !(3..=32).contains(&label.chars().count()) {
        "must be 3-32 characters"
    } else if !label.starts_with(|c: char| c.is_ascii_alphabetic()) {
        "must begin with a letter"
    } else if !label.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        "must end with a letter or a digit"
    } else if !label
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        "may only hold letters, digits, '-', '_' and '.'"
    } else if ["--", "__", ".."].iter().any(|d| label.contains(d)) {
        "may not hold '--', '__' or '..'"
    } else {
        return Ok(());
    };
    Err(Error::invalid("label", reason))
}

/// A partial update of a firewall: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FirewallUpdate {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New status: enabled or disabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<FirewallStatus>,
    /// New tags (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl FirewallUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Enables (`true`) or disables the firewall.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.status = Some(if enabled {
            FirewallStatus::Enabled
        } else {
            FirewallStatus::Disabled
        });
        self
    }

    fn validate(&self) -> Result<()> {
        if let Some(label) = &self.label {
            check_label(label)?;
        }
        match &self.status {
            None | Some(FirewallStatus::Enabled | FirewallStatus::Disabled) => Ok(()),
            Some(other) => Err(Error::invalid(
                "status",
                format!("must be enabled or disabled, not {other}"),
            )),
        }
    }
}

setters! {
    FirewallUpdate {
        /// Sets the label.
        label: into String,
        /// Replaces the tags.
        tags: list String,
    }
}

/// One entry of a firewall's rule history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FirewallVersion {
    /// When this version was made.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// The firewall's status then.
    #[serde(default)]
    pub status: Option<FirewallStatus>,
    /// Which version of the rules (load them with
    /// [`rule_version`](FirewallsGroup::rule_version)).
    pub rules: VersionNumber,
}

/// The version a [`FirewallVersion`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VersionNumber {
    /// The version, from 1.
    pub version: u64,
}

/// The account's default firewalls: the firewall each kind of new entity gets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DefaultFirewallIds {
    /// For new Linodes with legacy configuration profiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linode: Option<u64>,
    /// For new NodeBalancers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodebalancer: Option<u64>,
    /// For new public Linode interfaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_interface: Option<u64>,
    /// For new VPC Linode interfaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_interface: Option<u64>,
}

impl DefaultFirewallIds {
    /// Changes nothing yet (as an update).
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    DefaultFirewallIds {
        /// Sets the default firewall of new Linodes.
        linode: value u64,
        /// Sets the default firewall of new NodeBalancers.
        nodebalancer: value u64,
        /// Sets the default firewall of new public interfaces.
        public_interface: value u64,
        /// Sets the default firewall of new VPC interfaces.
        vpc_interface: value u64,
    }
}

/// The account's firewall settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FirewallSettings {
    /// The default firewall of each kind of entity.
    #[serde(default)]
    pub default_firewall_ids: DefaultFirewallIds,
}

/// A ready-made set of rules, such as `akamai-non-prod`, `public` or `vpc`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FirewallTemplate {
    /// Its name.
    pub slug: String,
    /// Its rules.
    pub rules: FirewallRules,
}

/// A named list of rules of one direction that firewalls reference with
/// [`FirewallRule::rule_set`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleSet {
    /// The rule set's id.
    pub id: u64,
    /// Its label (mutable).
    pub label: String,
    /// Its description (mutable).
    #[serde(default)]
    pub description: Option<String>,
    /// Whether its rules are inbound or outbound.
    #[serde(rename = "type")]
    pub kind: RuleSetType,
    /// Its rules (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub rules: Vec<FirewallRule>,
    /// Whether Akamai defined it (read-only).
    #[serde(default, deserialize_with = "null_default")]
    pub is_service_defined: bool,
    /// Its version, raised by each change.
    #[serde(default, deserialize_with = "null_default")]
    pub version: u64,
    /// When it was created.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When it was last changed.
    #[serde(with = "timestamp")]
    pub updated: timestamp::Timestamp,
    /// When it was deleted, if it was.
    #[serde(default, with = "timestamp::option")]
    pub deleted: Option<timestamp::Timestamp>,
}

filterable!(RuleSet {
    CREATED: Time = "created",
    ID: Number = "id",
    LABEL: Text = "label",
});

impl Resource for RuleSet {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_RULE_SET.path(&[id])
    }
}

/// A new rule set.
///
/// ```
/// use linode::api::networking::firewalls::{CreateRuleSet, FirewallRule, Protocol, RuleSetType};
/// let request = CreateRuleSet::new("ping", RuleSetType::Inbound)
///     .rule(FirewallRule::accept(Protocol::Icmp).nets(["0.0.0.0/0".parse().unwrap()]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CreateRuleSet {
    label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(rename = "type")]
    kind: RuleSetType,
    rules: Vec<FirewallRule>,
}

impl CreateRuleSet {
    /// An empty rule set of direction `kind`.
    pub fn new(label: impl Into<String>, kind: RuleSetType) -> Self {
        CreateRuleSet {
            label: label.into(),
            description: None,
            kind,
            rules: Vec::new(),
        }
    }

    /// Appends a rule.
    pub fn rule(mut self, rule: FirewallRule) -> Self {
        self.rules.push(rule);
        self
    }

    fn validate(&self) -> Result<()> {
        check_label(&self.label)?;
        if let RuleSetType::Unknown(v) = &self.kind {
            return Err(Error::invalid("type", format!("{v:?} is unknown")));
        }
        check_rule_set_rules(&self.rules)
    }
}

setters! {
    CreateRuleSet {
        /// Sets the description.
        description: into String,
    }
}

fn check_rule_set_rules(rules: &[FirewallRule]) -> Result<()> {
    if let Some(i) = rules.iter().position(|r| r.ruleset.is_some()) {
        return Err(Error::invalid(
            format!("rules[{i}].ruleset"),
            "a rule set cannot reference another",
        ));
    }
    check_rules("rules", rules)
}

/// A partial update of a rule set: only the fields set are sent; rules replace all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RuleSetUpdate {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New rules (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<FirewallRule>>,
}

impl RuleSetUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn validate(&self) -> Result<()> {
        if let Some(label) = &self.label {
            check_label(label)?;
        }
        self.rules.as_deref().map_or(Ok(()), check_rule_set_rules)
    }
}

setters! {
    RuleSetUpdate {
        /// Sets the label.
        label: into String,
        /// Sets the description.
        description: into String,
        /// Replaces the rules.
        rules: items FirewallRule,
    }
}

/// A named list of addresses rules may reference by name (read-only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PrefixList {
    /// The list's id.
    pub id: u64,
    /// Its name, as rules reference it (`pl:system:...`, `pl::vpcs:<id>`).
    pub name: String,
    /// Its description.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// Who may see it.
    #[serde(default)]
    pub visibility: Option<String>,
    /// The list it was derived from, if any.
    #[serde(default)]
    pub source_prefixlist_id: Option<u64>,
    /// Its IPv4 addresses and networks (`None` when it has no IPv4 side).
    #[serde(default)]
    pub ipv4: Option<Vec<Address>>,
    /// Its IPv6 addresses and networks (`None` when it has no IPv6 side).
    #[serde(default)]
    pub ipv6: Option<Vec<Address>>,
    /// Its version.
    #[serde(default, deserialize_with = "null_default")]
    pub version: u64,
    /// When it was created.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When it was last changed.
    #[serde(with = "timestamp")]
    pub updated: timestamp::Timestamp,
    /// When it was deleted, if it was.
    #[serde(default, with = "timestamp::option")]
    pub deleted: Option<timestamp::Timestamp>,
}

filterable!(PrefixList {
    NAME: Text = "name",
});

impl Resource for PrefixList {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_PREFIX_LIST.path(&[id])
    }
}

#[derive(Serialize)]
struct FirewallIds<'a> {
    firewall_ids: &'a [u64],
}

#[derive(Serialize)]
struct SettingsBody<'a> {
    default_firewall_ids: &'a DefaultFirewallIds,
}

/// Calls under `/networking/firewalls` and `/networking/prefixlists`, and the firewalls of
/// Linodes and NodeBalancers.
#[derive(Debug, Clone, Copy)]
pub struct FirewallsGroup<'c> {
    client: &'c Client,
}

impl<'c> NetworkingGroup<'c> {
    /// Cloud Firewalls, their rule sets, templates, settings and prefix lists.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::networking::firewalls::*;
    /// let rules = FirewallRules::new(RuleAction::Drop, RuleAction::Accept).inbound(
    ///     FirewallRule::accept(Protocol::Tcp)
    ///         .ports(Ports::list([22u16.into(), 443u16.into()]))
    ///         .nets(["0.0.0.0/0".parse().unwrap(), "::/0".parse().unwrap()]),
    /// );
    /// let firewall = client
    ///     .networking()
    ///     .firewalls()
    ///     .create(CreateFirewall::new("web-fw", rules).linodes([123]))
    ///     .await?;
    /// let devices = firewall.devices(&client).await?;
    /// # Ok(()) }
    /// ```
    pub fn firewalls(&self) -> FirewallsGroup<'c> {
        FirewallsGroup {
            client: self.client,
        }
    }
}

impl FirewallsGroup<'_> {
    /// Lists your firewalls.
    pub fn list(&self) -> ListRequest<Firewall> {
        ListRequest::new(self.client, LIST_FIREWALLS.path(&[]))
    }

    /// Loads one firewall.
    pub async fn get(&self, id: u64) -> Result<Firewall> {
        self.client.load::<Firewall>(id).await
    }

    /// Creates a firewall (enabled, rules at version 1), attached to the devices named.
    pub async fn create(&self, request: CreateFirewall) -> Result<Firewall> {
        request.validate()?;
        self.client
            .send(CREATE_FIREWALL.with_body(&[], &request)?)
            .await
    }

    /// Changes the fields set in `update` and returns the firewall as it is now.
    pub async fn update(&self, id: u64, update: &FirewallUpdate) -> Result<Firewall> {
        update.validate()?;
        self.client
            .send(UPDATE_FIREWALL.with_body(&[&id], update)?)
            .await
    }

    /// Deletes a firewall, detaching it from its devices.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_FIREWALL.request(&[&id]))
            .await
    }

    /// A firewall's rules as they are now.
    pub async fn rules(&self, id: u64) -> Result<FirewallRules> {
        self.client.send(GET_FIREWALL_RULES.request(&[&id])).await
    }

    /// Replaces a firewall's rules (a new version) and returns them.
    pub async fn set_rules(&self, id: u64, rules: &FirewallRules) -> Result<FirewallRules> {
        rules.check("")?;
        self.client
            .send(UPDATE_FIREWALL_RULES.with_body(&[&id], rules)?)
            .await
    }

    /// A firewall's rules with rule sets and prefix lists expanded into their rules and
    /// addresses.
    pub async fn expanded_rules(&self, id: u64) -> Result<FirewallRules> {
        self.client.send(GET_EXPANDED_RULES.request(&[&id])).await
    }

    /// Lists the devices a firewall is attached to.
    pub fn devices(&self, id: u64) -> ListRequest<FirewallDevice> {
        ListRequest::new(self.client, LIST_FIREWALL_DEVICES.path(&[&id]))
    }

    /// Attaches a firewall to a Linode, a NodeBalancer or a Linode interface.
    pub async fn attach(&self, id: u64, device: DeviceRef) -> Result<FirewallDevice> {
        if let DeviceType::Unknown(v) = &device.kind {
            return Err(Error::invalid("type", format!("{v:?} is unknown")));
        }
        self.client
            .send(CREATE_FIREWALL_DEVICE.with_body(&[&id], &device)?)
            .await
    }

    /// Loads one device of a firewall.
    pub async fn device(&self, id: u64, device_id: u64) -> Result<FirewallDevice> {
        self.client
            .send(GET_FIREWALL_DEVICE.request(&[&id, &device_id]))
            .await
    }

    /// Detaches a firewall from one device.
    pub async fn detach(&self, id: u64, device_id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_FIREWALL_DEVICE.request(&[&id, &device_id]))
            .await
    }

    /// The versions of a firewall's rules, oldest first.
    pub fn rule_versions(&self, id: u64) -> ListRequest<FirewallVersion> {
        ListRequest::new(self.client, LIST_RULE_VERSIONS.path(&[&id]))
    }

    /// One version of a firewall's rules.
    pub async fn rule_version(&self, id: u64, version: u64) -> Result<FirewallRules> {
        if version == 0 {
            return Err(Error::invalid("version", "versions start at 1"));
        }
        self.client
            .send(GET_RULE_VERSION.request(&[&id, &version]))
            .await
    }

    /// The account's firewall settings.
    pub async fn settings(&self) -> Result<FirewallSettings> {
        self.client.send(GET_FIREWALL_SETTINGS.request(&[])).await
    }

    /// Changes the default firewalls set in `ids` and returns the settings as they are now.
    pub async fn update_settings(&self, ids: &DefaultFirewallIds) -> Result<FirewallSettings> {
        let body = SettingsBody {
            default_firewall_ids: ids,
        };
        self.client
            .send(UPDATE_FIREWALL_SETTINGS.with_body(&[], &body)?)
            .await
    }

    /// Lists the firewall templates.
    pub fn templates(&self) -> ListRequest<FirewallTemplate> {
        ListRequest::new(self.client, LIST_FIREWALL_TEMPLATES.path(&[]))
    }

    /// Loads one template by slug (`akamai-non-prod`, `public`, `vpc`).
    pub async fn template(&self, slug: &str) -> Result<FirewallTemplate> {
        if slug.trim().is_empty() {
            return Err(Error::invalid("slug", "is empty"));
        }
        self.client
            .send(GET_FIREWALL_TEMPLATE.request(&[&slug]))
            .await
    }

    /// Lists the rule sets.
    pub fn rule_sets(&self) -> ListRequest<RuleSet> {
        ListRequest::new(self.client, LIST_RULE_SETS.path(&[]))
    }

    /// Creates a rule set.
    pub async fn create_rule_set(&self, request: CreateRuleSet) -> Result<RuleSet> {
        request.validate()?;
        self.client
            .send(CREATE_RULE_SET.with_body(&[], &request)?)
            .await
    }

    /// Loads one rule set.
    pub async fn rule_set(&self, id: u64) -> Result<RuleSet> {
        self.client.load::<RuleSet>(id).await
    }

    /// Changes the fields set in `update` and returns the rule set as it is now.
    pub async fn update_rule_set(&self, id: u64, update: &RuleSetUpdate) -> Result<RuleSet> {
        update.validate()?;
        self.client
            .send(UPDATE_RULE_SET.with_body(&[&id], update)?)
            .await
    }

    /// Deletes a rule set (the API refuses while a firewall references it).
    pub async fn delete_rule_set(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_RULE_SET.request(&[&id]))
            .await
    }

    /// Lists the prefix lists.
    pub fn prefix_lists(&self) -> ListRequest<PrefixList> {
        ListRequest::new(self.client, LIST_PREFIX_LISTS.path(&[]))
    }

    /// Loads one prefix list.
    pub async fn prefix_list(&self, id: u64) -> Result<PrefixList> {
        self.client.load::<PrefixList>(id).await
    }

    /// Lists the firewalls of a Linode.
    pub fn linode_firewalls(&self, linode_id: u64) -> ListRequest<Firewall> {
        ListRequest::new(self.client, LIST_LINODE_FIREWALLS.path(&[&linode_id]))
    }

    /// Makes `firewall_ids` (at most one of them enabled) the firewalls of a Linode, detaching
    /// any other, and returns them.
    pub async fn set_linode_firewalls(
        &self,
        linode_id: u64,
        firewall_ids: &[u64],
    ) -> Result<Vec<Firewall>> {
        let body = FirewallIds { firewall_ids };
        let page: Page<Firewall> = self
            .client
            .send(UPDATE_LINODE_FIREWALLS.with_body(&[&linode_id], &body)?)
            .await?;
        Ok(page.data)
    }

    /// Applies a Linode's firewalls again (a `firewall_apply` event follows).
    pub async fn apply_linode_firewalls(&self, linode_id: u64) -> Result<()> {
        self.client
            .send_empty(APPLY_LINODE_FIREWALLS.with_body(&[&linode_id], &serde_json::json!({}))?)
            .await
    }

    /// Lists the firewalls of a NodeBalancer.
    pub fn nodebalancer_firewalls(&self, nodebalancer_id: u64) -> ListRequest<Firewall> {
        ListRequest::new(
            self.client,
            LIST_NODEBALANCER_FIREWALLS.path(&[&nodebalancer_id]),
        )
    }

    /// Makes `firewall_ids` (at most one of them enabled) the firewalls of a NodeBalancer,
    /// detaching any other, and returns them.
    pub async fn set_nodebalancer_firewalls(
        &self,
        nodebalancer_id: u64,
        firewall_ids: &[u64],
    ) -> Result<Vec<Firewall>> {
        let body = FirewallIds { firewall_ids };
        let page: Page<Firewall> = self
            .client
            .send(UPDATE_NODEBALANCER_FIREWALLS.with_body(&[&nodebalancer_id], &body)?)
            .await?;
        Ok(page.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<()>) -> String {
        match result {
            Err(Error::InvalidArgument { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_new_firewall_serialises_as_the_api_reads_it() {
        let rules = FirewallRules::new(RuleAction::Drop, RuleAction::Accept).inbound(
            FirewallRule::accept(Protocol::Tcp)
                .ports(Ports::list([22u16.into(), (80..=81).into()]))
                .nets([
                    "192.0.2.0/24".parse().unwrap(),
                    "2001:db8::/32".parse().unwrap(),
                ])
                .label("web-in"),
        );
        let request = CreateFirewall::new("web-fw", rules).linodes([7]);
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({
                "label": "web-fw",
                "rules": {
                    "inbound": [{
                        "action": "ACCEPT", "protocol": "TCP", "ports": "22, 80-81",
                        "addresses": {"ipv4": ["192.0.2.0/24"], "ipv6": ["2001:db8::/32"]},
                        "label": "web-in"
                    }],
                    "inbound_policy": "DROP",
                    "outbound": [],
                    "outbound_policy": "ACCEPT"
                },
                "devices": {"linodes": [7]}
            })
        );
        assert!(request.validate().is_ok());
    }

    #[test]
    fn answers_with_new_values_unknown_fields_and_nulls_still_decode() {
        let firewall: Firewall = serde_json::from_value(serde_json::json!({
            "id": 1, "label": "fw1", "status": "migrating", "tags": null,
            "created": "2025-01-01T00:00:00", "updated": "2025-01-01T00:00:00",
            "something_new": {"a": 1},
            "entities": [{"id": 9, "label": null, "type": "linode_interface",
                          "url": "/v4/linode/instances/5/interfaces/9",
                          "parent_entity": {"id": 5, "label": "web", "type": "linode",
                                            "url": "/v4/linode/instances/5", "parent_entity": null}}],
            "rules": {
                "inbound": [
                    {"action": "ACCEPT", "protocol": "SCTP", "ports": "22, 80",
                     "addresses": {"ipv4": ["pl::vpcs:<current>", "10.0.0.1"], "ipv6": null}},
                    {"ruleset": 7},
                    {"action": "DROP", "protocol": "TCP", "ports": "some day",
                     "addresses": {"ipv6": ["somewhere"]}}
                ],
                "inbound_policy": "DROP", "outbound": null, "outbound_policy": "REJECT",
                "fingerprint": "997dd135", "version": 3
            }
        }))
        .unwrap();
        assert_eq!(firewall.status, FirewallStatus::Unknown("migrating".into()));
        assert!(firewall.tags.is_empty());
        assert_eq!(firewall.entities[0].kind, DeviceType::LinodeInterface);
        assert_eq!(firewall.entities[0].parent_entity.as_ref().unwrap().id, 5);
        let rules = &firewall.rules;
        assert_eq!(
            rules.inbound[0].protocol,
            Some(Protocol::Unknown("SCTP".into()))
        );
        assert_eq!(rules.inbound[0].ports.as_ref().unwrap().pieces(), 2);
        assert_eq!(
            rules.inbound[0].addresses.as_ref().unwrap().ipv4,
            Some(vec![
                Address::prefix_list("pl::vpcs:<current>"),
                Address::Net("10.0.0.1/32".parse().unwrap())
            ])
        );
        assert_eq!(rules.inbound[1], FirewallRule::rule_set(7));
        assert_eq!(
            rules.inbound[2].ports.as_ref().unwrap().as_str(),
            "some day"
        );
        assert_eq!(rules.outbound_policy, RuleAction::Unknown("REJECT".into()));
        assert!(rules.outbound.is_empty());
        assert_eq!(rules.version, Some(3));
    }

    #[test]
    fn labels_rule_counts_and_nested_rules_are_checked() {
        let rules = FirewallRules::new(RuleAction::Drop, RuleAction::Accept);
        assert_eq!(
            field(CreateFirewall::new("a--b", rules.clone()).validate()),
            "label"
        );
        assert_eq!(
            field(CreateFirewall::new("fw-", rules.clone()).validate()),
            "label"
        );
        let any = FirewallRule::accept(Protocol::Icmp).nets(["0.0.0.0/0".parse().unwrap()]);
        let mut many = rules.clone();
        for _ in 0..26 {
            many = many.outbound(any.clone());
        }
        assert_eq!(
            field(CreateFirewall::new("fw1", many.clone()).validate()),
            "rules"
        );
        assert_eq!(field(many.check("")), "rules");
        let bad = rules
            .inbound(any.clone())
            .inbound(any.ports(Ports::single(1)));
        assert_eq!(
            field(CreateFirewall::new("fw1", bad.clone()).validate()),
            "rules.inbound[1].ports"
        );
        assert_eq!(field(bad.check("")), "inbound[1].ports");
        assert_eq!(
            field(
                CreateRuleSet::new("rs1", RuleSetType::Inbound)
                    .rule(FirewallRule::rule_set(3))
                    .validate()
            ),
            "rules[0].ruleset"
        );
        assert_eq!(field(FirewallUpdate::new().label("x").validate()), "label");
    }
}
