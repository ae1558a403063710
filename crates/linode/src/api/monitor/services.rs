//! The services Cloud Pulse monitors (`/monitor/services`), their metric definitions and
//! dashboards, the per-service token, and the metrics query.
//!
//! The metrics query (`POST /monitor/services/{serviceType}/metrics`) is served by the metrics
//! host (`https://monitor-api.linode.com/v2beta` by default, see
//! [`ClientBuilder::monitor_base_url`](crate::ClientBuilder::monitor_base_url)), and
//! authenticated by a token made for the service with [`MonitorGroup::token`], not by the
//! client's own token.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize};

use super::{AggregateFunction, EntityId, MonitorGroup, loose_string};
use crate::error::{Error, Result};
use crate::model::timestamp::{self, Timestamp};
use crate::model::{api_enum, null_default, setters};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_SERVICES = GET "/monitor/services";
    GET_SERVICE = GET "/monitor/services/{serviceType}";
    LIST_METRIC_DEFINITIONS = GET "/monitor/services/{serviceType}/metric-definitions";
    LIST_SERVICE_DASHBOARDS = GET "/monitor/services/{serviceType}/dashboards";
    LIST_DASHBOARDS = GET "/monitor/dashboards";
    GET_DASHBOARD = GET "/monitor/dashboards/{dashboardId}";
    CREATE_TOKEN = POST "/monitor/services/{serviceType}/token";
    QUERY_METRICS = POST "/monitor/services/{serviceType}/metrics";
}

/// A service Cloud Pulse monitors, such as `dbaas` (Managed Databases).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MonitorService {
    /// The service's identifier, used in the other `/monitor` paths (`dbaas`, `linode`, ...).
    pub service_type: String,
    /// Its full name (`Databases`).
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
}

api_enum! {
    /// How a metric's samples behave.
    pub enum MetricType {
        /// A value that goes up and down.
        Gauge = "gauge",
        /// A value that only grows.
        Counter = "counter",
        /// Samples in buckets.
        Histogram = "histogram",
        /// Quantiles.
        Summary = "summary",
    }
}

/// A metric a service reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetricDefinition {
    /// The metric's name, used in queries and alert rules (`cpu_usage`).
    pub metric: String,
    /// Its display name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// How its samples behave.
    #[serde(default)]
    pub metric_type: Option<MetricType>,
    /// Its unit (`percent`, `byte`, ...).
    #[serde(default, deserialize_with = "loose_string")]
    pub unit: String,
    /// How often it is sampled (`60s`).
    #[serde(default, deserialize_with = "loose_string")]
    pub scrape_interval: String,
    /// Whether alert rules may use it.
    #[serde(default, deserialize_with = "null_default")]
    pub is_alertable: bool,
    /// The aggregate functions a query may apply to it.
    #[serde(default, deserialize_with = "null_default")]
    pub available_aggregate_functions: Vec<AggregateFunction>,
    /// The dimensions its series are split by.
    #[serde(default, deserialize_with = "null_default")]
    pub dimensions: Vec<MetricDimension>,
}

/// A dimension of a metric, such as a database's `node_type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetricDimension {
    /// The dimension's name, used in filters and `group_by`.
    pub dimension_label: String,
    /// Its display name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// The values it takes, when they are a known set.
    #[serde(default, deserialize_with = "null_default")]
    pub values: Vec<String>,
}

/// A dashboard of a service's metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Dashboard {
    /// The dashboard's id.
    pub id: u64,
    /// Its name.
    pub label: String,
    /// The service it shows.
    pub service_type: String,
    /// Its kind (`standard`).
    #[serde(rename = "type", default, deserialize_with = "loose_string")]
    pub kind: String,
    /// What its data is grouped by (`entity_id`, dimensions).
    #[serde(default, deserialize_with = "null_default")]
    pub group_by: Vec<String>,
    /// Its charts.
    #[serde(default, deserialize_with = "null_default")]
    pub widgets: Vec<Widget>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<Timestamp>,
    /// When it last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<Timestamp>,
}

/// One chart of a [`Dashboard`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Widget {
    /// The metric it charts.
    pub metric: String,
    /// Its title.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// How the metric's samples are combined.
    #[serde(default)]
    pub aggregate_function: Option<AggregateFunction>,
    /// `line` or `area`.
    #[serde(default, deserialize_with = "loose_string")]
    pub chart_type: String,
    /// Its colour.
    #[serde(default, deserialize_with = "loose_string")]
    pub color: String,
    /// Its description.
    #[serde(default, deserialize_with = "loose_string")]
    pub description: String,
    /// Its width in grid units (`6` or `12`; the API sends it as a string or a number).
    #[serde(default, deserialize_with = "loose_string")]
    pub size: String,
    /// The metric's unit as shown (`%`, `IOPS`, ...).
    #[serde(default, deserialize_with = "loose_string")]
    pub unit: String,
    /// The y axis' label.
    #[serde(default, deserialize_with = "loose_string")]
    pub y_label: String,
    /// What its data is grouped by.
    #[serde(default, deserialize_with = "null_default")]
    pub group_by: Vec<String>,
    /// The named section it belongs to, for services that group their widgets.
    #[serde(default)]
    pub widget_grouping: Option<String>,
}

/// A token for one service's metrics, valid six hours: the bearer of
/// [`MonitorGroup::metrics`]. Never shown by `Debug`.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct MonitorToken {
    /// The token.
    #[serde(deserialize_with = "secret")]
    pub token: SecretString,
}

fn secret<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<SecretString, D::Error> {
    String::deserialize(d).map(SecretString::from)
}

api_enum! {
    /// A unit of time in a metrics query.
    pub enum TimeUnit {
        /// Seconds.
        Sec = "sec",
        /// Minutes.
        Min = "min",
        /// Hours.
        Hr = "hr",
        /// Days.
        Days = "days",
    }
}

/// An amount of time: `{"value": 30, "unit": "min"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TimeSpan {
    /// How many units.
    pub value: u64,
    /// The unit.
    pub unit: TimeUnit,
}

impl TimeSpan {
    /// `value` `unit`s.
    pub fn new(value: u64, unit: TimeUnit) -> Self {
        TimeSpan { value, unit }
    }
}

/// A fixed window of a metrics query, in UTC.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AbsoluteTime {
    /// The first instant, as `YYYY-MM-DDTHH:MM:SSZ`.
    pub start: String,
    /// The last instant.
    pub end: String,
}

/// A metric and how to aggregate it, in a query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MetricSelector {
    /// The metric's name.
    pub name: String,
    /// The aggregate function (`min`, `max`, `avg` or `sum`).
    pub aggregate_function: AggregateFunction,
}

api_enum! {
    /// How a metrics query's dimension filter compares.
    pub enum FilterOperator {
        /// Equal.
        Eq = "eq",
        /// Not equal.
        Neq = "neq",
        /// Starts with.
        StartsWith = "startswith",
        /// Ends with.
        EndsWith = "endswith",
        /// One of a comma-separated list (alert rules).
        In = "in",
    }
}

/// A filter on a dimension, in a metrics query.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MetricFilter {
    /// The dimension.
    pub dimension_label: String,
    /// How to compare.
    pub operator: FilterOperator,
    /// The value compared with.
    pub value: String,
}

/// A metrics query: metrics with their aggregate functions over a relative or absolute window,
/// for some entities (or, for Object Storage, a region).
///
/// ```
/// use linode::api::monitor::{AggregateFunction, FilterOperator, MetricsQuery, TimeUnit};
/// let query = MetricsQuery::relative(30, TimeUnit::Min)
///     .metric("cpu_usage", AggregateFunction::Avg)
///     .entity_ids([13116, 13217])
///     .granularity(5, TimeUnit::Min)
///     .group_by(["entity_id", "node_type"])
///     .filter("node_type", FilterOperator::Eq, "primary");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MetricsQuery {
    metrics: Vec<MetricSelector>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_ids: Option<Vec<EntityId>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relative_time_duration: Option<TimeSpan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    absolute_time_duration: Option<AbsoluteTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_granularity: Option<TimeSpan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_by: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filters: Option<Vec<MetricFilter>>,
}

impl MetricsQuery {
    /// A query over the last `value` `unit`s.
    pub fn relative(value: u64, unit: TimeUnit) -> Self {
        Self::new(Some(TimeSpan::new(value, unit)), None)
    }

    /// A query from `start` to `end` (UTC; at most 31 days).
    pub fn absolute(start: Timestamp, end: Timestamp) -> Self {
        let utc = |t: &Timestamp| format!("{}Z", timestamp::format(t));
        Self::new(
            None,
            Some(AbsoluteTime {
                start: utc(&start),
                end: utc(&end),
            }),
        )
    }

    fn new(relative: Option<TimeSpan>, absolute: Option<AbsoluteTime>) -> Self {
        MetricsQuery {
            metrics: Vec::new(),
            entity_ids: None,
            entity_region: None,
            relative_time_duration: relative,
            absolute_time_duration: absolute,
            time_granularity: None,
            group_by: None,
            filters: None,
        }
    }

    /// Adds a metric with its aggregate function (at least one is needed).
    pub fn metric(mut self, name: impl Into<String>, function: AggregateFunction) -> Self {
        self.metrics.push(MetricSelector {
            name: name.into(),
            aggregate_function: function,
        });
        self
    }

    /// One point per `value` `unit`s.
    pub fn granularity(mut self, value: u64, unit: TimeUnit) -> Self {
        self.time_granularity = Some(TimeSpan::new(value, unit));
        self
    }

    /// Keeps only the series whose dimension compares as asked.
    pub fn filter(
        mut self,
        dimension: impl Into<String>,
        operator: FilterOperator,
        value: impl Into<String>,
    ) -> Self {
        self.filters
            .get_or_insert_with(Vec::new)
            .push(MetricFilter {
                dimension_label: dimension.into(),
                operator,
                value: value.into(),
            });
        self
    }

    fn validate(&self) -> Result<()> {
        if self.metrics.is_empty() {
            return Err(Error::invalid("metrics", "needs at least one metric"));
        }
        if self.entity_ids.as_ref().is_some_and(Vec::is_empty) {
            return Err(Error::invalid("entity_ids", "is empty"));
        }
        Ok(())
    }
}

setters! {
    MetricsQuery {
        /// The entities to query (their ids, from the service's own list).
        entity_ids: list EntityId,
        /// The region of the entities (Object Storage).
        entity_region: into String,
        /// Groups the series by `entity_id` and/or dimensions.
        group_by: list String,
    }
}

/// The answer of a metrics query.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct MetricsResponse {
    /// `success`.
    #[serde(default, deserialize_with = "loose_string")]
    pub status: String,
    /// Whether some series are missing.
    #[serde(rename = "isPartial", default, deserialize_with = "null_default")]
    pub is_partial: bool,
    /// The series.
    pub data: MetricsData,
    /// How the query ran.
    #[serde(default, deserialize_with = "null_default")]
    pub stats: MetricsStats,
}

/// The series of a [`MetricsResponse`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct MetricsData {
    /// `matrix`.
    #[serde(rename = "resultType", default, deserialize_with = "loose_string")]
    pub result_type: String,
    /// One series per metric and group.
    #[serde(default, deserialize_with = "null_default")]
    pub result: Vec<MetricSeries>,
}

/// One series: its labels and its points.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct MetricSeries {
    /// Its labels (`metric_name`, `entity_id`, dimensions), as the API sent them.
    #[serde(default, deserialize_with = "null_default")]
    pub metric: BTreeMap<String, serde_json::Value>,
    /// Its points, oldest first.
    #[serde(default, deserialize_with = "null_default")]
    pub values: Vec<MetricPoint>,
}

impl MetricSeries {
    /// A label as text (numbers written out), if the series has it.
    pub fn label(&self, name: &str) -> Option<String> {
        match self.metric.get(name)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        }
    }
}

/// One point of a series: a Unix time and the value (which the API sends as text).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MetricPoint {
    /// Seconds since the Unix epoch.
    pub timestamp: i64,
    /// The value as sent.
    pub value: String,
}

impl MetricPoint {
    /// The value as a number, when it is one.
    pub fn as_f64(&self) -> Option<f64> {
        self.value.parse().ok()
    }
}

impl fmt::Display for MetricPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.timestamp, self.value)
    }
}

impl<'de> Deserialize<'de> for MetricPoint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let (timestamp, value) = <(serde_json::Value, serde_json::Value)>::deserialize(d)?;
        let timestamp = timestamp
            .as_i64()
            .or_else(|| timestamp.as_f64().map(|t| t as i64))
            .ok_or_else(|| serde::de::Error::custom("a point's time must be a number"))?;
        let value = match value {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        Ok(MetricPoint { timestamp, value })
    }
}

/// How a metrics query ran.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct MetricsStats {
    /// How long it took, in milliseconds.
    #[serde(
        rename = "executionTimeMsec",
        default,
        deserialize_with = "null_default"
    )]
    pub execution_time_msec: u64,
    /// How many series it read (the API sends a string).
    #[serde(rename = "seriesFetched", default, deserialize_with = "loose_string")]
    pub series_fetched: String,
}

#[derive(Serialize)]
struct TokenRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    entity_ids: Option<Vec<EntityId>>,
}

impl MonitorGroup<'_> {
    /// Lists the services Cloud Pulse monitors.
    pub fn services(&self) -> ListRequest<MonitorService> {
        ListRequest::new(self.client, LIST_SERVICES.path(&[]))
    }

    /// One service, as the one-item list the API answers with.
    pub fn service(&self, service_type: &str) -> ListRequest<MonitorService> {
        ListRequest::new(self.client, GET_SERVICE.path(&[&service_type]))
    }

    /// The metrics a service reports.
    pub fn metric_definitions(&self, service_type: &str) -> ListRequest<MetricDefinition> {
        ListRequest::new(self.client, LIST_METRIC_DEFINITIONS.path(&[&service_type]))
    }

    /// Every dashboard.
    pub fn dashboards(&self) -> ListRequest<Dashboard> {
        ListRequest::new(self.client, LIST_DASHBOARDS.path(&[]))
    }

    /// The dashboards of one service.
    pub fn service_dashboards(&self, service_type: &str) -> ListRequest<Dashboard> {
        ListRequest::new(self.client, LIST_SERVICE_DASHBOARDS.path(&[&service_type]))
    }

    /// One dashboard.
    pub async fn dashboard(&self, id: u64) -> Result<Dashboard> {
        self.client.send(GET_DASHBOARD.request(&[&id])).await
    }

    /// A token for the metrics of `entity_ids` (1 to 100) of a service, the bearer of
    /// [`metrics`](MonitorGroup::metrics).
    pub async fn token<I>(&self, service_type: &str, entity_ids: I) -> Result<MonitorToken>
    where
        I: IntoIterator,
        I::Item: Into<EntityId>,
    {
        let ids: Vec<EntityId> = entity_ids.into_iter().map(Into::into).collect();
        if !(1..=100).contains(&ids.len()) {
            return Err(Error::invalid("entity_ids", "needs 1 to 100 entities"));
        }
        let body = TokenRequest {
            entity_ids: Some(ids),
        };
        self.client
            .send(CREATE_TOKEN.with_body(&[&service_type], &body)?)
            .await
    }

    /// A token for every entity of a service that allows it (Object Storage: `{}`).
    pub async fn token_for_all(&self, service_type: &str) -> Result<MonitorToken> {
        let body = TokenRequest { entity_ids: None };
        self.client
            .send(CREATE_TOKEN.with_body(&[&service_type], &body)?)
            .await
    }

    /// Runs a metrics query on the metrics host
    /// ([`Client::monitor_root`](crate::Client::monitor_root)) with `token`, made for the same
    /// service by [`token`](MonitorGroup::token).
    pub async fn metrics(
        &self,
        service_type: &str,
        token: &MonitorToken,
        query: &MetricsQuery,
    ) -> Result<MetricsResponse> {
        query.validate()?;
        let request = QUERY_METRICS.with_body(&[&service_type], query)?;
        self.client.send_to_monitor(&request, &token.token).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queries_serialise_as_the_api_reads_them() {
        let query = MetricsQuery::relative(30, TimeUnit::Min)
            .metric("cpu_usage", AggregateFunction::Avg)
            .entity_ids([1u64, 2])
            .granularity(5, TimeUnit::Min)
            .filter("node_type", FilterOperator::Eq, "primary");
        assert_eq!(
            serde_json::to_value(&query).unwrap(),
            json!({"metrics": [{"name": "cpu_usage", "aggregate_function": "avg"}],
                "entity_ids": [1, 2], "relative_time_duration": {"value": 30, "unit": "min"},
                "time_granularity": {"value": 5, "unit": "min"},
                "filters": [{"dimension_label": "node_type", "operator": "eq", "value": "primary"}]})
        );
        assert!(MetricsQuery::relative(1, TimeUnit::Hr).validate().is_err());
        let absolute = MetricsQuery::absolute(
            time::macros::datetime!(2026-05-10 00:00:01),
            time::macros::datetime!(2026-05-10 23:59:59),
        );
        assert_eq!(
            serde_json::to_value(&absolute).unwrap()["absolute_time_duration"],
            json!({"start": "2026-05-10T00:00:01Z", "end": "2026-05-10T23:59:59Z"})
        );
    }

    #[test]
    fn answers_decode_with_unknown_values_kept() {
        let answer: MetricsResponse = serde_json::from_value(json!({
            "data": {"result": [{"metric": {"entity_id": 13316, "metric_name": "avg_read_iops"},
                "values": [[1728996500, "90.5"], [1729043400, 7]]}], "resultType": "matrix"},
            "isPartial": false, "stats": {"executionTimeMsec": 21, "seriesFetched": "1"},
            "status": "success"
        }))
        .unwrap();
        let series = &answer.data.result[0];
        assert_eq!(series.label("entity_id").as_deref(), Some("13316"));
        assert_eq!(series.values[0].as_f64(), Some(90.5));
        assert_eq!(series.values[1].value, "7");
        let definition: MetricDefinition = serde_json::from_value(json!({
            "metric": "cpu_usage", "metric_type": "exotic", "unit": "percent",
            "available_aggregate_functions": ["avg", "p99"], "dimensions": null
        }))
        .unwrap();
        assert_eq!(
            definition.metric_type,
            Some(MetricType::Unknown("exotic".into()))
        );
        assert_eq!(
            definition.available_aggregate_functions[1],
            AggregateFunction::Unknown("p99".into())
        );
        let token: MonitorToken =
            serde_json::from_value(json!({"token": "abcdef1234567890"})).unwrap();
        assert!(!format!("{token:?}").contains("abcdef"));
    }
}
