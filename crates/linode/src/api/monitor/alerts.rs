//! Alerts: alert definitions (`/monitor/services/{serviceType}/alert-definitions`), rules over
//! a service's metrics that notify channels when they hold, and the notification channels
//! (`/monitor/alert-channels`) they send to.
//!
//! A channel in use by an alert definition cannot be deleted: take it out of the definitions
//! first ([`UpdateAlertDefinition::channel_ids`]).

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::{AggregateFunction, EntityId, FilterOperator, MonitorGroup, expose, loose_string};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::timestamp::{self, Timestamp};
use crate::model::{api_enum, null_default, setters};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_ALERT_DEFINITIONS = GET "/monitor/alert-definitions";
    LIST_SERVICE_ALERT_DEFINITIONS = GET "/monitor/services/{serviceType}/alert-definitions";
    CREATE_ALERT_DEFINITION = POST "/monitor/services/{serviceType}/alert-definitions";
    GET_ALERT_DEFINITION = GET "/monitor/services/{serviceType}/alert-definitions/{alertId}";
    UPDATE_ALERT_DEFINITION = PUT "/monitor/services/{serviceType}/alert-definitions/{alertId}";
    DELETE_ALERT_DEFINITION = DELETE "/monitor/services/{serviceType}/alert-definitions/{alertId}";
    CLONE_ALERT_DEFINITION = POST "/monitor/services/{serviceType}/alert-definitions/{alertId}/clone";
    LIST_ALERT_DEFINITION_ENTITIES = GET "/monitor/services/{serviceType}/alert-definitions/{alertId}/entities";
    LIST_ALERT_CHANNELS = GET "/monitor/alert-channels";
    CREATE_ALERT_CHANNEL = POST "/monitor/alert-channels";
    GET_ALERT_CHANNEL = GET "/monitor/alert-channels/{channelId}";
    UPDATE_ALERT_CHANNEL = PUT "/monitor/alert-channels/{channelId}";
    DELETE_ALERT_CHANNEL = DELETE "/monitor/alert-channels/{channelId}";
    LIST_CHANNEL_ALERTS = GET "/monitor/alert-channels/{channelId}/alerts";
}

api_enum! {
    /// Who made an alert definition or a channel.
    pub enum AlertType {
        /// You.
        User = "user",
        /// Akamai (built in, not deletable).
        System = "system",
    }
}

api_enum! {
    /// Where an alert definition is in its life.
    pub enum AlertStatus {
        /// Being set up after creation.
        Provisioning = "provisioning",
        /// Evaluated.
        Enabled = "enabled",
        /// Being turned on.
        Enabling = "enabling",
        /// Not evaluated.
        Disabled = "disabled",
        /// Being turned off.
        Disabling = "disabling",
        /// Set-up failed.
        Failed = "failed",
    }
}

api_enum! {
    /// What an alert definition applies to.
    pub enum AlertScope {
        /// Listed entities (`entity_ids`).
        Entity = "entity",
        /// Every entity of the service in listed regions.
        Region = "region",
        /// Every entity of the service on the account.
        Account = "account",
    }
}

api_enum! {
    /// How a rule compares the aggregated metric with its threshold.
    pub enum RuleOperator {
        /// Equal.
        Eq = "eq",
        /// Greater than.
        Gt = "gt",
        /// Less than.
        Lt = "lt",
        /// Greater than or equal.
        Gte = "gte",
        /// Less than or equal.
        Lte = "lte",
    }
}

/// The severity of an alert: `0` severe, `1` medium, `2` low, `3` info.
pub type Severity = u8;

/// A rule of an alert definition, as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlertRule {
    /// The metric.
    pub metric: String,
    /// How its samples are aggregated.
    pub aggregate_function: AggregateFunction,
    /// How the aggregate is compared.
    pub operator: RuleOperator,
    /// What it is compared with.
    pub threshold: f64,
    /// The metric's display name.
    #[serde(default, deserialize_with = "loose_string")]
    pub label: String,
    /// The metric's unit.
    #[serde(default, deserialize_with = "loose_string")]
    pub unit: String,
    /// Filters on the metric's dimensions.
    #[serde(default, deserialize_with = "null_default")]
    pub dimension_filters: Vec<DimensionFilter>,
}

/// A filter on a dimension of a rule's metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DimensionFilter {
    /// The dimension.
    pub dimension_label: String,
    /// How to compare.
    pub operator: FilterOperator,
    /// The value compared with.
    #[serde(default, deserialize_with = "loose_string")]
    pub value: String,
    /// The dimension's display name (answers only).
    #[serde(default, deserialize_with = "loose_string", skip_serializing)]
    pub label: String,
}

/// A rule to send: metric, aggregate function, comparison, threshold, dimension filters.
///
/// ```
/// use linode::api::monitor::{AggregateFunction, FilterOperator, Rule, RuleOperator};
/// let rule = Rule::new("memory_usage", AggregateFunction::Avg, RuleOperator::Gt, 95.0)
///     .dimension_filter("node_type", FilterOperator::Eq, "primary");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Rule {
    metric: String,
    aggregate_function: AggregateFunction,
    operator: RuleOperator,
    threshold: f64,
    dimension_filters: Vec<RuleFilter>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct RuleFilter {
    dimension_label: String,
    operator: FilterOperator,
    value: String,
}

impl Rule {
    /// `aggregate_function(metric) operator threshold`.
    pub fn new(
        metric: impl Into<String>,
        aggregate_function: AggregateFunction,
        operator: RuleOperator,
        threshold: f64,
    ) -> Self {
        Rule {
            metric: metric.into(),
            aggregate_function,
            operator,
            threshold,
            dimension_filters: Vec::new(),
        }
    }

    /// Keeps only the series whose dimension compares as asked.
    pub fn dimension_filter(
        mut self,
        dimension: impl Into<String>,
        operator: FilterOperator,
        value: impl Into<String>,
    ) -> Self {
        self.dimension_filters.push(RuleFilter {
            dimension_label: dimension.into(),
            operator,
            value: value.into(),
        });
        self
    }
}

/// The rules of a definition, as sent and as shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleCriteria<R> {
    /// The rules, all of which must hold.
    #[serde(default = "Vec::new")]
    pub rules: Vec<R>,
}

/// When a definition's rules raise an alert.
///
/// ```
/// use linode::api::monitor::TriggerConditions;
/// // Evaluated over 5 minutes, polled every 5 minutes, alert after 3 breaches in a row.
/// let when = TriggerConditions::new(300, 300, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TriggerConditions {
    /// How the rules combine (`ALL`, the only value today).
    #[serde(default, deserialize_with = "loose_string")]
    pub criteria_condition: String,
    /// The window each evaluation looks at, in seconds (300, 900, 1800 or 3600).
    pub evaluation_period_seconds: u64,
    /// How often the rules are evaluated, in seconds (300, 900, 1800 or 3600).
    pub polling_interval_seconds: u64,
    /// How many breaches in a row raise the alert.
    pub trigger_occurrences: u64,
}

impl TriggerConditions {
    /// All rules (`ALL`) over `evaluation_period_seconds`, polled every
    /// `polling_interval_seconds`, `trigger_occurrences` breaches in a row.
    pub fn new(
        evaluation_period_seconds: u64,
        polling_interval_seconds: u64,
        trigger_occurrences: u64,
    ) -> Self {
        TriggerConditions {
            criteria_condition: "ALL".to_owned(),
            evaluation_period_seconds,
            polling_interval_seconds,
            trigger_occurrences,
        }
    }
}

/// A channel an alert definition notifies, as the definition shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlertChannelRef {
    /// The channel's id.
    pub id: u64,
    /// Its label.
    #[serde(default, deserialize_with = "loose_string")]
    pub label: String,
    /// Its channel type (`email`).
    #[serde(rename = "type", default, deserialize_with = "loose_string")]
    pub kind: String,
    /// Its path.
    #[serde(default, deserialize_with = "loose_string")]
    pub url: String,
}

/// The entities of an entity-scoped definition, as the definition summarises them (empty for
/// other scopes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlertEntities {
    /// How many.
    #[serde(default)]
    pub count: Option<u64>,
    /// Whether some are hidden from you (no read access).
    #[serde(default)]
    pub has_more_resources: Option<bool>,
    /// Where to list them.
    #[serde(default)]
    pub url: Option<String>,
}

/// An alert definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlertDefinition {
    /// Its id.
    pub id: u64,
    /// Its label.
    pub label: String,
    /// Its description.
    #[serde(default, deserialize_with = "loose_string")]
    pub description: String,
    /// The service it watches.
    pub service_type: String,
    /// Its severity (`0` severe to `3` info).
    pub severity: Severity,
    /// Yours (`user`) or built in (`system`).
    #[serde(rename = "type")]
    pub kind: AlertType,
    /// Where it is in its life.
    pub status: AlertStatus,
    /// What it applies to.
    #[serde(default)]
    pub scope: Option<AlertScope>,
    /// The regions of a region-scoped definition.
    #[serde(default, deserialize_with = "null_default")]
    pub regions: Vec<String>,
    /// The entities of an entity-scoped definition, summarised.
    #[serde(default, deserialize_with = "null_default")]
    pub entities: AlertEntities,
    /// The entities' ids, in answers that list them.
    #[serde(default, deserialize_with = "null_default")]
    pub entity_ids: Vec<EntityId>,
    /// What the evaluation is grouped by.
    #[serde(default, deserialize_with = "null_default")]
    pub group_by: Vec<String>,
    /// Its rules.
    pub rule_criteria: RuleCriteria<AlertRule>,
    /// When its rules raise an alert.
    pub trigger_conditions: TriggerConditions,
    /// The channels it notifies.
    #[serde(default, deserialize_with = "null_default")]
    pub alert_channels: Vec<AlertChannelRef>,
    /// The database plan class of a system definition (`shared`, `dedicated`), else `None`.
    #[serde(default)]
    pub class: Option<String>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<Timestamp>,
    /// When it last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<Timestamp>,
    /// Who created it (`system` for built-in ones).
    #[serde(default, deserialize_with = "loose_string")]
    pub created_by: String,
    /// Who last changed it.
    #[serde(default, deserialize_with = "loose_string")]
    pub updated_by: String,
}

filterable!(AlertDefinition {
    ID: Number = "id",
    LABEL: Text = "label",
    TYPE: Text = "type",
});

impl AlertDefinition {
    /// The ids of the channels it notifies.
    pub fn channel_ids(&self) -> Vec<u64> {
        self.alert_channels.iter().map(|c| c.id).collect()
    }
}

/// What to create: label, severity, rules, trigger conditions and channels, plus the entities
/// (or regions) it applies to.
///
/// ```
/// use linode::api::monitor::{
///     AggregateFunction, CreateAlertDefinition, Rule, RuleOperator, TriggerConditions,
/// };
/// let request = CreateAlertDefinition::new("High memory", 1, TriggerConditions::new(300, 300, 3))
///     .rule(Rule::new("memory_usage", AggregateFunction::Avg, RuleOperator::Gt, 95.0))
///     .channel_ids([10000])
///     .entity_ids(["13116"]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateAlertDefinition {
    label: String,
    severity: Severity,
    rule_criteria: RuleCriteria<Rule>,
    trigger_conditions: TriggerConditions,
    channel_ids: Vec<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<AlertScope>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regions: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_by: Option<Vec<String>>,
}

impl CreateAlertDefinition {
    /// A definition with no rule or channel yet (add them with [`rule`](Self::rule) and
    /// [`channel_ids`](Self::channel_ids)).
    pub fn new(label: impl Into<String>, severity: Severity, when: TriggerConditions) -> Self {
        CreateAlertDefinition {
            label: label.into(),
            severity,
            rule_criteria: RuleCriteria { rules: Vec::new() },
            trigger_conditions: when,
            channel_ids: Vec::new(),
            description: None,
            entity_ids: None,
            scope: None,
            regions: None,
            group_by: None,
        }
    }

    /// Adds a rule.
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rule_criteria.rules.push(rule);
        self
    }

    /// The channels to notify.
    pub fn channel_ids(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.channel_ids = ids.into_iter().collect();
        self
    }

    fn validate(&self) -> Result<()> {
        check_label(&self.label)?;
        check_severity(self.severity)?;
        if self.rule_criteria.rules.is_empty() {
            return Err(Error::invalid(
                "rule_criteria.rules",
                "needs at least one rule",
            ));
        }
        if self.channel_ids.is_empty() {
            return Err(Error::invalid("channel_ids", "needs at least one channel"));
        }
        Ok(())
    }
}

setters! {
    CreateAlertDefinition {
        /// A description.
        description: into String,
        /// The entities it applies to (scope `entity`), as the API's strings.
        entity_ids: list String,
        /// What it applies to.
        scope: value AlertScope,
        /// The regions it applies to (scope `region`).
        regions: list String,
        /// What the evaluation is grouped by (`entity_id`, dimensions).
        group_by: list String,
    }
}

fn check_label(label: &str) -> Result<()> {
    if label.trim().is_empty() {
        return Err(Error::invalid("label", "is empty"));
    }
    Ok(())
}

fn check_severity(severity: Severity) -> Result<()> {
    if severity > 3 {
        return Err(Error::invalid("severity", "must be 0, 1, 2 or 3"));
    }
    Ok(())
}

/// What to change in a definition; what is left unset stays as it is.
///
/// ```
/// use linode::api::monitor::{AlertStatus, UpdateAlertDefinition};
/// let change = UpdateAlertDefinition::new().label("Renamed").status(AlertStatus::Disabled);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UpdateAlertDefinition {
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<Severity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_criteria: Option<RuleCriteria<Rule>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trigger_conditions: Option<TriggerConditions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_ids: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regions: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_by: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<AlertStatus>,
}

impl UpdateAlertDefinition {
    /// A change of nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the rules.
    pub fn rules(mut self, rules: impl IntoIterator<Item = Rule>) -> Self {
        self.rule_criteria = Some(RuleCriteria {
            rules: rules.into_iter().collect(),
        });
        self
    }
}

setters! {
    UpdateAlertDefinition {
        /// A new label.
        label: into String,
        /// A new description.
        description: into String,
        /// A new severity.
        severity: value Severity,
        /// New trigger conditions.
        trigger_conditions: value TriggerConditions,
        /// The channels to notify (leave a channel out to stop using it).
        channel_ids: items u64,
        /// The entities it applies to.
        entity_ids: list String,
        /// The regions it applies to.
        regions: list String,
        /// What the evaluation is grouped by.
        group_by: list String,
        /// `enabled` or `disabled`.
        status: value AlertStatus,
    }
}

/// A copy of a definition under a new label, with any field overridden.
///
/// ```
/// use linode::api::monitor::CloneAlertDefinition;
/// let copy = CloneAlertDefinition::new("Copy of high memory").severity(3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CloneAlertDefinition {
    label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<Severity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_ids: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regions: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_by: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trigger_conditions: Option<TriggerConditions>,
}

impl CloneAlertDefinition {
    /// A copy labelled `label`, otherwise as the source.
    pub fn new(label: impl Into<String>) -> Self {
        CloneAlertDefinition {
            label: label.into(),
            description: None,
            severity: None,
            channel_ids: None,
            entity_ids: None,
            regions: None,
            group_by: None,
            trigger_conditions: None,
        }
    }
}

setters! {
    CloneAlertDefinition {
        /// Another description.
        description: into String,
        /// Another severity.
        severity: value Severity,
        /// Other channels.
        channel_ids: items u64,
        /// Other entities.
        entity_ids: list String,
        /// Other regions.
        regions: list String,
        /// Another grouping.
        group_by: list String,
        /// Other trigger conditions.
        trigger_conditions: value TriggerConditions,
    }
}

/// An entity an alert definition applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlertEntity {
    /// Its id.
    pub id: EntityId,
    /// Its label.
    #[serde(default, deserialize_with = "loose_string")]
    pub label: String,
    /// Its service (`dbaas`, ...).
    #[serde(rename = "type", default, deserialize_with = "loose_string")]
    pub kind: String,
    /// Its path.
    #[serde(default, deserialize_with = "loose_string")]
    pub url: String,
}

api_enum! {
    /// How a channel delivers notifications.
    pub enum ChannelType {
        /// E-mail to users of the account.
        Email = "email",
        /// An HTTPS request to a URL.
        Webhook = "webhook",
    }
}

/// A notification channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlertChannel {
    /// Its id.
    pub id: u64,
    /// Its label.
    pub label: String,
    /// How it delivers.
    pub channel_type: ChannelType,
    /// Yours (`user`) or built in (`system`).
    #[serde(rename = "type")]
    pub kind: AlertType,
    /// Where it delivers.
    #[serde(default, deserialize_with = "null_default")]
    pub details: ChannelDetails,
    /// The definitions that use it, summarised.
    #[serde(default, deserialize_with = "null_default")]
    pub alerts: ChannelAlerts,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<Timestamp>,
    /// When it last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<Timestamp>,
    /// Who created it.
    #[serde(default, deserialize_with = "loose_string")]
    pub created_by: String,
    /// Who last changed it.
    #[serde(default, deserialize_with = "loose_string")]
    pub updated_by: String,
}

filterable!(AlertChannel {
    ID: Number = "id",
    LABEL: Text = "label",
});

/// Where a channel delivers: one of its members, after its `channel_type`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelDetails {
    /// For an `email` channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailDetails>,
    /// For a `webhook` channel (its secrets are never shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<WebhookDetails>,
}

/// The recipients of an e-mail channel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmailDetails {
    /// The usernames e-mailed.
    #[serde(default, deserialize_with = "null_default")]
    pub usernames: Vec<String>,
    /// `user`, `read_write_users` or `read_users`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_type: Option<String>,
}

/// A webhook channel as the API shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookDetails {
    /// The URL requested.
    #[serde(default, deserialize_with = "loose_string")]
    pub endpoint_url: String,
    /// `none` or `basic`.
    #[serde(default)]
    pub authentication: Option<WebhookAuthentication>,
    /// Extra headers sent.
    #[serde(default, deserialize_with = "null_default")]
    pub custom_headers: Vec<WebhookHeader>,
    /// `gzip` or `none`.
    #[serde(default)]
    pub data_compression: Option<String>,
}

/// How a webhook authenticates, as shown (the credentials are write-only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookAuthentication {
    /// `none` or `basic`.
    #[serde(rename = "type", default, deserialize_with = "loose_string")]
    pub kind: String,
}

/// A header a webhook sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookHeader {
    /// Its name.
    pub name: String,
    /// Its value.
    #[serde(default, deserialize_with = "loose_string")]
    pub value: String,
}

/// The definitions using a channel, summarised.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelAlerts {
    /// How many.
    #[serde(default, deserialize_with = "null_default")]
    pub alert_count: u64,
    /// Where to list them.
    #[serde(default, deserialize_with = "loose_string")]
    pub url: String,
}

/// A definition using a channel, as the channel's list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelAlert {
    /// The definition's id.
    pub id: u64,
    /// Its label.
    #[serde(default, deserialize_with = "loose_string")]
    pub label: String,
    /// Its service.
    #[serde(default, deserialize_with = "loose_string")]
    pub service_type: String,
    /// `user` or `system`.
    #[serde(rename = "type")]
    pub kind: AlertType,
    /// Its path.
    #[serde(default, deserialize_with = "loose_string")]
    pub url: String,
}

/// A webhook to create: URL, optional basic authentication (its password is a secret, never
/// shown by `Debug`), headers and compression.
///
/// ```
/// use linode::api::monitor::Webhook;
/// let hook = Webhook::new("https://example.com/alerts").basic_auth("alerts", "s3cret".into());
/// assert!(!format!("{hook:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Webhook {
    endpoint_url: String,
    authentication: WebhookAuth,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    custom_headers: Vec<WebhookHeader>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_compression: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct WebhookAuth {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<BasicAuth>,
}

#[derive(Debug, Clone, Serialize)]
struct BasicAuth {
    basic_authentication_user: String,
    #[serde(serialize_with = "expose")]
    basic_authentication_password: SecretString,
}

impl Webhook {
    /// A webhook to `endpoint_url` without authentication.
    pub fn new(endpoint_url: impl Into<String>) -> Self {
        Webhook {
            endpoint_url: endpoint_url.into(),
            authentication: WebhookAuth {
                kind: "none",
                details: None,
            },
            custom_headers: Vec::new(),
            data_compression: None,
        }
    }

    /// Authenticates with a user name and password (`basic`).
    pub fn basic_auth(mut self, user: impl Into<String>, password: SecretString) -> Self {
        self.authentication = WebhookAuth {
            kind: "basic",
            details: Some(BasicAuth {
                basic_authentication_user: user.into(),
                basic_authentication_password: password,
            }),
        };
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.custom_headers.push(WebhookHeader {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Compresses the body (`gzip`) or not (`none`).
    pub fn compression(mut self, compression: impl Into<String>) -> Self {
        self.data_compression = Some(compression.into());
        self
    }
}

#[derive(Debug, Clone, Serialize)]
struct SentDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<SentEmail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook: Option<Webhook>,
}

#[derive(Debug, Clone, Serialize)]
struct SentEmail {
    usernames: Vec<String>,
}

/// A channel to create: e-mail to users, or a webhook.
///
/// ```
/// use linode::api::monitor::CreateAlertChannel;
/// let channel = CreateAlertChannel::email("DB alerts", ["johndoe", "janedoe"]);
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct CreateAlertChannel {
    label: String,
    channel_type: ChannelType,
    details: SentDetails,
}

impl CreateAlertChannel {
    /// A channel e-mailing these users (1 to 10 usernames of the account).
    pub fn email<I>(label: impl Into<String>, usernames: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        CreateAlertChannel {
            label: label.into(),
            channel_type: ChannelType::Email,
            details: SentDetails {
                email: Some(SentEmail {
                    usernames: usernames.into_iter().map(Into::into).collect(),
                }),
                webhook: None,
            },
        }
    }

    /// A channel requesting a webhook.
    pub fn webhook(label: impl Into<String>, webhook: Webhook) -> Self {
        CreateAlertChannel {
            label: label.into(),
            channel_type: ChannelType::Webhook,
            details: SentDetails {
                email: None,
                webhook: Some(webhook),
            },
        }
    }

    fn validate(&self) -> Result<()> {
        check_label(&self.label)?;
        if let Some(email) = &self.details.email {
            if !(1..=10).contains(&email.usernames.len()) {
                return Err(Error::invalid(
                    "details.email.usernames",
                    "needs 1 to 10 usernames",
                ));
            }
        }
        if let Some(hook) = &self.details.webhook {
            if !hook.endpoint_url.starts_with("https://") {
                return Err(Error::invalid(
                    "details.webhook.endpoint_url",
                    "must be an https URL",
                ));
            }
        }
        Ok(())
    }
}

/// What to change in a channel.
///
/// ```
/// use linode::api::monitor::UpdateAlertChannel;
/// let change = UpdateAlertChannel::new().label("Renamed").usernames(["johndoe"]);
/// ```
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct UpdateAlertChannel {
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<SentDetails>,
}

impl UpdateAlertChannel {
    /// A change of nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New recipients of an e-mail channel.
    pub fn usernames<I>(mut self, usernames: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.details = Some(SentDetails {
            email: Some(SentEmail {
                usernames: usernames.into_iter().map(Into::into).collect(),
            }),
            webhook: None,
        });
        self
    }

    /// A new webhook for a webhook channel.
    pub fn webhook(mut self, webhook: Webhook) -> Self {
        self.details = Some(SentDetails {
            email: None,
            webhook: Some(webhook),
        });
        self
    }
}

setters! {
    UpdateAlertChannel {
        /// A new label.
        label: into String,
    }
}

impl MonitorGroup<'_> {
    /// Every alert definition of the account, of every service (filterable on id, label and
    /// type).
    pub fn alert_definitions(&self) -> ListRequest<AlertDefinition> {
        ListRequest::new(self.client, LIST_ALERT_DEFINITIONS.path(&[]))
    }

    /// The alert definitions of one service.
    pub fn service_alert_definitions(&self, service_type: &str) -> ListRequest<AlertDefinition> {
        ListRequest::new(
            self.client,
            LIST_SERVICE_ALERT_DEFINITIONS.path(&[&service_type]),
        )
    }

    /// Creates an alert definition for a service (`provisioning` at first).
    pub async fn create_alert_definition(
        &self,
        service_type: &str,
        request: &CreateAlertDefinition,
    ) -> Result<AlertDefinition> {
        request.validate()?;
        self.client
            .send(CREATE_ALERT_DEFINITION.with_body(&[&service_type], request)?)
            .await
    }

    /// One alert definition.
    pub async fn alert_definition(&self, service_type: &str, id: u64) -> Result<AlertDefinition> {
        self.client
            .send(GET_ALERT_DEFINITION.request(&[&service_type, &id]))
            .await
    }

    /// Changes an alert definition.
    pub async fn update_alert_definition(
        &self,
        service_type: &str,
        id: u64,
        change: &UpdateAlertDefinition,
    ) -> Result<AlertDefinition> {
        if let Some(label) = &change.label {
            check_label(label)?;
        }
        if let Some(severity) = change.severity {
            check_severity(severity)?;
        }
        self.client
            .send(UPDATE_ALERT_DEFINITION.with_body(&[&service_type, &id], change)?)
            .await
    }

    /// Deletes one of your alert definitions (system ones can't be).
    pub async fn delete_alert_definition(&self, service_type: &str, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_ALERT_DEFINITION.request(&[&service_type, &id]))
            .await
    }

    /// Copies an alert definition under a new label, and returns the copy.
    pub async fn clone_alert_definition(
        &self,
        service_type: &str,
        id: u64,
        request: &CloneAlertDefinition,
    ) -> Result<AlertDefinition> {
        check_label(&request.label)?;
        self.client
            .send(CLONE_ALERT_DEFINITION.with_body(&[&service_type, &id], request)?)
            .await
    }

    /// The entities an alert definition applies to.
    pub fn alert_definition_entities(
        &self,
        service_type: &str,
        id: u64,
    ) -> ListRequest<AlertEntity> {
        ListRequest::new(
            self.client,
            LIST_ALERT_DEFINITION_ENTITIES.path(&[&service_type, &id]),
        )
    }

    /// Your notification channels (filterable on id and label).
    pub fn alert_channels(&self) -> ListRequest<AlertChannel> {
        ListRequest::new(self.client, LIST_ALERT_CHANNELS.path(&[]))
    }

    /// Creates a notification channel.
    pub async fn create_alert_channel(&self, request: &CreateAlertChannel) -> Result<AlertChannel> {
        request.validate()?;
        self.client
            .send(CREATE_ALERT_CHANNEL.with_body(&[], request)?)
            .await
    }

    /// One notification channel.
    pub async fn alert_channel(&self, id: u64) -> Result<AlertChannel> {
        self.client.send(GET_ALERT_CHANNEL.request(&[&id])).await
    }

    /// Changes a notification channel.
    pub async fn update_alert_channel(
        &self,
        id: u64,
        change: &UpdateAlertChannel,
    ) -> Result<AlertChannel> {
        if let Some(label) = &change.label {
            check_label(label)?;
        }
        self.client
            .send(UPDATE_ALERT_CHANNEL.with_body(&[&id], change)?)
            .await
    }

    /// Deletes a notification channel; refused while an alert definition uses it.
    pub async fn delete_alert_channel(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_ALERT_CHANNEL.request(&[&id]))
            .await
    }

    /// The alert definitions using a channel.
    pub fn channel_alerts(&self, id: u64) -> ListRequest<ChannelAlert> {
        ListRequest::new(self.client, LIST_CHANNEL_ALERTS.path(&[&id]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_serialise_as_the_api_reads_them() {
        let request = CreateAlertDefinition::new("High", 1, TriggerConditions::new(300, 900, 3))
            .rule(
                Rule::new("cpu_usage", AggregateFunction::Avg, RuleOperator::Gt, 80.0)
                    .dimension_filter("node_type", FilterOperator::Eq, "primary"),
            )
            .channel_ids([7])
            .entity_ids(["12"]);
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"label": "High", "severity": 1, "channel_ids": [7], "entity_ids": ["12"],
                "rule_criteria": {"rules": [{"metric": "cpu_usage", "aggregate_function": "avg",
                    "operator": "gt", "threshold": 80.0, "dimension_filters": [
                        {"dimension_label": "node_type", "operator": "eq", "value": "primary"}]}]},
                "trigger_conditions": {"criteria_condition": "ALL", "evaluation_period_seconds": 300,
                    "polling_interval_seconds": 900, "trigger_occurrences": 3}})
        );
        assert!(
            CreateAlertDefinition::new("x", 4, TriggerConditions::new(300, 300, 1))
                .validate()
                .is_err()
        );
        let hook = CreateAlertChannel::webhook(
            "hook",
            Webhook::new("https://example.com/a").basic_auth("u", "pw-secret".into()),
        );
        assert!(!format!("{hook:?}").contains("pw-secret"));
        assert_eq!(
            serde_json::to_value(&hook).unwrap()["details"]["webhook"]["authentication"],
            json!({"type": "basic", "details": {"basic_authentication_user": "u",
                "basic_authentication_password": "pw-secret"}})
        );
    }

    #[test]
    fn unknown_values_are_kept() {
        let channel: AlertChannel = serde_json::from_value(json!({
            "id": 1, "label": "a", "channel_type": "pagerduty", "type": "user",
            "details": null, "alerts": null, "created": null
        }))
        .unwrap();
        assert_eq!(
            channel.channel_type,
            ChannelType::Unknown("pagerduty".into())
        );
    }
}
