//! Akamai Cloud Pulse: `/monitor`, the monitoring of your services.
//!
//! - [`services`]: the services that report metrics, their metric definitions and dashboards,
//!   the per-service token and the metrics query itself, which the API serves on a host of its
//!   own (set with [`ClientBuilder::monitor_base_url`](crate::ClientBuilder::monitor_base_url)).
//! - [`alerts`]: alert definitions (rules over a service's metrics) and the notification
//!   channels they send to.
//! - [`logs`]: log streams and their destinations, each with the history of its versions.
//!
//! Every call is reached through [`Client::monitor`].

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::client::Client;
use crate::model::api_enum;

pub mod alerts;
pub mod logs;
pub mod services;

pub use alerts::*;
pub use logs::*;
pub use services::*;

/// Calls under `/monitor`.
#[derive(Debug, Clone, Copy)]
pub struct MonitorGroup<'c> {
    pub(crate) client: &'c Client,
}

impl Client {
    /// Akamai Cloud Pulse (`/monitor`): services and their metrics, alerts, log streams.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::monitor::{AggregateFunction, MetricsQuery, TimeUnit};
    /// let token = client.monitor().token("dbaas", [123]).await?;
    /// let query = MetricsQuery::relative(30, TimeUnit::Min)
    ///     .metric("cpu_usage", AggregateFunction::Avg)
    ///     .entity_ids([123]);
    /// let answer = client.monitor().metrics("dbaas", &token, &query).await?;
    /// for series in &answer.data.result {
    ///     println!("{:?}: {} points", series.metric, series.values.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn monitor(&self) -> MonitorGroup<'_> {
        MonitorGroup { client: self }
    }
}

api_enum! {
    /// How a metric's samples are combined.
    pub enum AggregateFunction {
        /// The smallest sample.
        Min = "min",
        /// The largest sample.
        Max = "max",
        /// The mean.
        Avg = "avg",
        /// The sum.
        Sum = "sum",
        /// The rate of change (dashboards).
        Rate = "rate",
        /// The increase (dashboards).
        Increase = "increase",
    }
}

/// The id of a monitored entity: a number for most services, a name (an Object Storage
/// bucket's hostname) for some.
///
/// ```
/// use linode::api::monitor::EntityId;
/// assert_eq!(EntityId::from(12).to_string(), "12");
/// assert_eq!(EntityId::from("bucket.us-east-1.linodeobjects.com").as_u64(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EntityId {
    /// A numeric id.
    Id(u64),
    /// A textual id.
    Name(String),
}

impl EntityId {
    /// The numeric id, also when the API sent it as a string of digits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            EntityId::Id(id) => Some(*id),
            EntityId::Name(name) => name.parse().ok(),
        }
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntityId::Id(id) => write!(f, "{id}"),
            EntityId::Name(name) => f.write_str(name),
        }
    }
}

impl From<u64> for EntityId {
    fn from(id: u64) -> Self {
        EntityId::Id(id)
    }
}

impl From<&str> for EntityId {
    fn from(name: &str) -> Self {
        EntityId::Name(name.to_owned())
    }
}

impl From<String> for EntityId {
    fn from(name: String) -> Self {
        EntityId::Name(name)
    }
}

impl Serialize for EntityId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            EntityId::Id(id) => s.serialize_u64(*id),
            EntityId::Name(name) => s.serialize_str(name),
        }
    }
}

impl<'de> Deserialize<'de> for EntityId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(EntityId::Id)
                .ok_or_else(|| serde::de::Error::custom("an entity id must be a whole number")),
            serde_json::Value::String(s) => Ok(EntityId::Name(s)),
            other => Err(serde::de::Error::custom(format!(
                "an entity id must be a number or a string, not {other}"
            ))),
        }
    }
}

/// Decodes a text field the API sends as a string in some answers and as a number in others;
/// `null` is empty.
pub(crate) fn loose_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s,
        Some(other) => other.to_string(),
    })
}

/// Sends a secret as the plain string the API expects.
pub(crate) fn expose<S: Serializer>(
    secret: &secrecy::SecretString,
    s: S,
) -> Result<S::Ok, S::Error> {
    use secrecy::ExposeSecret;
    s.serialize_str(secret.expose_secret())
}
