//! Managed Databases: `/databases`, clusters of MySQL, PostgreSQL or Valkey run for you.
//!
//! The three engines share one model ([`Database`]) and one set of calls
//! ([`DatabaseEngineGroup`], from [`DatabasesGroup::engine`] or its shorthands), which pick
//! the engine's operations from a table: the paths differ only by the engine's name. The
//! shared catalogs (engine versions, node types) and the list of every database are on
//! [`DatabasesGroup`], as are PostgreSQL's connection pools.
//!
//! A database is `provisioning` after its creation and `active` once usable; it can be
//! suspended and resumed, resized (node type or cluster size), reconfigured and patched.
//! Its password is a [`SecretString`]: it never shows in `Debug`, errors or logs.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::api::linode::Price;
use crate::api::regions::Region;
use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::events::Wait;
use crate::filter::filterable;
use crate::model::{Ref, Resource, api_enum, null_default, setters, timestamp};
use crate::operation::{Operation, operations};
use crate::pagination::ListRequest;

operations! {
    LIST_ENGINES = GET "/databases/engines";
    GET_ENGINE = GET "/databases/engines/{engineId}";
    LIST_TYPES = GET "/databases/types";
    GET_TYPE = GET "/databases/types/{typeId}";
    LIST_INSTANCES = GET "/databases/instances";

    GET_MYSQL_CONFIG = GET "/databases/mysql/config";
    LIST_MYSQL = GET "/databases/mysql/instances";
    CREATE_MYSQL = POST "/databases/mysql/instances";
    GET_MYSQL = GET "/databases/mysql/instances/{mysqlInstanceId}";
    UPDATE_MYSQL = PUT "/databases/mysql/instances/{mysqlInstanceId}";
    DELETE_MYSQL = DELETE "/databases/mysql/instances/{mysqlInstanceId}";
    GET_MYSQL_CREDENTIALS = GET "/databases/mysql/instances/{mysqlInstanceId}/credentials";
    RESET_MYSQL_CREDENTIALS = POST "/databases/mysql/instances/{mysqlInstanceId}/credentials/reset";
    PATCH_MYSQL = POST "/databases/mysql/instances/{mysqlInstanceId}/patch";
    RESUME_MYSQL = POST "/databases/mysql/instances/{mysqlInstanceId}/resume";
    GET_MYSQL_SSL = GET "/databases/mysql/instances/{mysqlInstanceId}/ssl";
    SUSPEND_MYSQL = POST "/databases/mysql/instances/{mysqlInstanceId}/suspend";

    GET_POSTGRESQL_CONFIG = GET "/databases/postgresql/config";
    LIST_POSTGRESQL = GET "/databases/postgresql/instances";
    CREATE_POSTGRESQL = POST "/databases/postgresql/instances";
    GET_POSTGRESQL = GET "/databases/postgresql/instances/{postgresqlInstanceId}";
    UPDATE_POSTGRESQL = PUT "/databases/postgresql/instances/{postgresqlInstanceId}";
    DELETE_POSTGRESQL = DELETE "/databases/postgresql/instances/{postgresqlInstanceId}";
    GET_POSTGRESQL_CREDENTIALS = GET "/databases/postgresql/instances/{postgresqlInstanceId}/credentials";
    RESET_POSTGRESQL_CREDENTIALS = POST "/databases/postgresql/instances/{postgresqlInstanceId}/credentials/reset";
    PATCH_POSTGRESQL = POST "/databases/postgresql/instances/{postgresqlInstanceId}/patch";
    RESUME_POSTGRESQL = POST "/databases/postgresql/instances/{postgresqlInstanceId}/resume";
    GET_POSTGRESQL_SSL = GET "/databases/postgresql/instances/{postgresqlInstanceId}/ssl";
    SUSPEND_POSTGRESQL = POST "/databases/postgresql/instances/{postgresqlInstanceId}/suspend";
    LIST_POOLS = GET "/databases/postgresql/instances/{postgresqlInstanceId}/connection-pools";
    CREATE_POOL = POST "/databases/postgresql/instances/{postgresqlInstanceId}/connection-pools";
    GET_POOL = GET "/databases/postgresql/instances/{postgresqlInstanceId}/connection-pools/{poolName}";
    UPDATE_POOL = PUT "/databases/postgresql/instances/{postgresqlInstanceId}/connection-pools/{poolName}";
    DELETE_POOL = DELETE "/databases/postgresql/instances/{postgresqlInstanceId}/connection-pools/{poolName}";

    GET_VALKEY_CONFIG = GET "/databases/valkey/config";
    LIST_VALKEY = GET "/databases/valkey/instances";
    CREATE_VALKEY = POST "/databases/valkey/instances";
    GET_VALKEY = GET "/databases/valkey/instances/{valkeyInstanceId}";
    UPDATE_VALKEY = PUT "/databases/valkey/instances/{valkeyInstanceId}";
    DELETE_VALKEY = DELETE "/databases/valkey/instances/{valkeyInstanceId}";
    GET_VALKEY_CREDENTIALS = GET "/databases/valkey/instances/{valkeyInstanceId}/credentials";
    RESET_VALKEY_CREDENTIALS = POST "/databases/valkey/instances/{valkeyInstanceId}/credentials/reset";
    PATCH_VALKEY = POST "/databases/valkey/instances/{valkeyInstanceId}/patch";
    RESUME_VALKEY = POST "/databases/valkey/instances/{valkeyInstanceId}/resume";
    GET_VALKEY_SSL = GET "/databases/valkey/instances/{valkeyInstanceId}/ssl";
    SUSPEND_VALKEY = POST "/databases/valkey/instances/{valkeyInstanceId}/suspend";
}

/// One engine's operations: the same calls, under the engine's own paths.
struct EngineOperations {
    config: Operation,
    list: Operation,
    create: Operation,
    get: Operation,
    update: Operation,
    delete: Operation,
    credentials: Operation,
    reset_credentials: Operation,
    patch: Operation,
    resume: Operation,
    ssl: Operation,
    suspend: Operation,
}

const MYSQL_OPERATIONS: EngineOperations = EngineOperations {
    config: GET_MYSQL_CONFIG,
    list: LIST_MYSQL,
    create: CREATE_MYSQL,
    get: GET_MYSQL,
    update: UPDATE_MYSQL,
    delete: DELETE_MYSQL,
    credentials: GET_MYSQL_CREDENTIALS,
    reset_credentials: RESET_MYSQL_CREDENTIALS,
    patch: PATCH_MYSQL,
    resume: RESUME_MYSQL,
    ssl: GET_MYSQL_SSL,
    suspend: SUSPEND_MYSQL,
};

const POSTGRESQL_OPERATIONS: EngineOperations = EngineOperations {
    config: GET_POSTGRESQL_CONFIG,
    list: LIST_POSTGRESQL,
    create: CREATE_POSTGRESQL,
    get: GET_POSTGRESQL,
    update: UPDATE_POSTGRESQL,
    delete: DELETE_POSTGRESQL,
    credentials: GET_POSTGRESQL_CREDENTIALS,
    reset_credentials: RESET_POSTGRESQL_CREDENTIALS,
    patch: PATCH_POSTGRESQL,
    resume: RESUME_POSTGRESQL,
    ssl: GET_POSTGRESQL_SSL,
    suspend: SUSPEND_POSTGRESQL,
};

const VALKEY_OPERATIONS: EngineOperations = EngineOperations {
    config: GET_VALKEY_CONFIG,
    list: LIST_VALKEY,
    create: CREATE_VALKEY,
    get: GET_VALKEY,
    update: UPDATE_VALKEY,
    delete: DELETE_VALKEY,
    credentials: GET_VALKEY_CREDENTIALS,
    reset_credentials: RESET_VALKEY_CREDENTIALS,
    patch: PATCH_VALKEY,
    resume: RESUME_VALKEY,
    ssl: GET_VALKEY_SSL,
    suspend: SUSPEND_VALKEY,
};

/// Shortest database label, in characters.
pub const MIN_LABEL_LENGTH: usize = 3;
/// Longest database label, in characters.
pub const MAX_LABEL_LENGTH: usize = 32;
/// The cluster sizes a database may have: one node, or a primary and one (dedicated types
/// only) or two standbys.
pub const CLUSTER_SIZES: [u8; 3] = [1, 2, 3];

/// An engine this client can manage, naming the family of paths its calls use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EngineKind {
    /// MySQL (`/databases/mysql`).
    MySql,
    /// PostgreSQL (`/databases/postgresql`).
    PostgreSql,
    /// Valkey (`/databases/valkey`).
    Valkey,
}

impl EngineKind {
    /// The engine's name as the API spells it (`mysql`, `postgresql`, `valkey`).
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::MySql => "mysql",
            EngineKind::PostgreSql => "postgresql",
            EngineKind::Valkey => "valkey",
        }
    }

    fn operations(self) -> &'static EngineOperations {
        match self {
            EngineKind::MySql => &MYSQL_OPERATIONS,
            EngineKind::PostgreSql => &POSTGRESQL_OPERATIONS,
            EngineKind::Valkey => &VALKEY_OPERATIONS,
        }
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

api_enum! {
    /// A database's engine as the API names it (engines newer than this client are kept).
    pub enum Engine {
        /// MySQL.
        MySql = "mysql",
        /// PostgreSQL.
        PostgreSql = "postgresql",
        /// Valkey.
        Valkey = "valkey",
    }
}

impl Engine {
    /// The engine as this client manages it; `None` for an engine it does not know.
    pub fn kind(&self) -> Option<EngineKind> {
        match self {
            Engine::MySql => Some(EngineKind::MySql),
            Engine::PostgreSql => Some(EngineKind::PostgreSql),
            Engine::Valkey => Some(EngineKind::Valkey),
            Engine::Unknown(_) => None,
        }
    }
}

api_enum! {
    /// Where a database is in its life. Volatile: actions move it through these.
    pub enum DatabaseStatus {
        /// Being created.
        Provisioning = "provisioning",
        /// Usable.
        Active = "active",
        /// Being deleted.
        Deleting = "deleting",
        /// Being suspended.
        Suspending = "suspending",
        /// Suspended: not running, not billed for its nodes.
        Suspended = "suspended",
        /// Being resumed.
        Resuming = "resuming",
        /// Being restored from a backup.
        Restoring = "restoring",
        /// Something went wrong.
        Failed = "failed",
        /// Running with fewer healthy nodes than it should.
        Degraded = "degraded",
        /// Applying an update (patch or new configuration).
        Updating = "updating",
        /// Taking a backup.
        BackingUp = "backing_up",
        /// Changing node type or cluster size.
        Resizing = "resizing",
        /// Moving to a new platform.
        Migrating = "migrating",
        /// Moved to a new platform.
        Migrated = "migrated",
    }
}

/// Identifies one database: its engine and its id (the paths differ by engine).
///
/// ```
/// use linode::api::databases::{DatabaseId, EngineKind};
/// let id = DatabaseId::new(EngineKind::PostgreSql, 123);
/// assert_eq!(id.to_string(), "postgresql/123");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DatabaseId {
    /// The engine.
    pub engine: EngineKind,
    /// The database's id.
    pub id: u64,
}

impl DatabaseId {
    /// Database `id` of `engine`.
    pub fn new(engine: EngineKind, id: u64) -> DatabaseId {
        DatabaseId { engine, id }
    }
}

impl fmt::Display for DatabaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.engine, self.id)
    }
}

/// A Managed Database of any engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Database {
    /// The database's id.
    pub id: u64,
    /// Its label, unique among your databases (mutable).
    pub label: String,
    /// Its engine.
    pub engine: Engine,
    /// The engine's version, such as `16.7`.
    #[serde(default, deserialize_with = "null_default")]
    pub version: String,
    /// Where it runs.
    pub region: Ref<Region>,
    /// The node type, from [`DatabasesGroup::types`] (mutable: a resize).
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub node_type: String,
    /// Where it is in its life.
    pub status: DatabaseStatus,
    /// How many nodes: 1, 2 (dedicated types) or 3: a primary and its standbys (mutable: only
    /// grows).
    #[serde(default, deserialize_with = "null_default")]
    pub cluster_size: u8,
    /// The IPv4 addresses and ranges allowed to connect; empty blocks every connection.
    #[serde(default, deserialize_with = "null_default")]
    pub allow_list: Vec<String>,
    /// Whether connections must use TLS.
    #[serde(default, deserialize_with = "null_default")]
    pub ssl_connection: bool,
    /// Whether its disks are encrypted.
    #[serde(default, deserialize_with = "null_default")]
    pub encrypted: bool,
    /// The platform running it, such as `rdbms-default`.
    #[serde(default, deserialize_with = "null_default")]
    pub platform: String,
    /// Where to connect.
    #[serde(default, deserialize_with = "null_default")]
    pub hosts: DatabaseHosts,
    /// The port to connect to.
    #[serde(default, deserialize_with = "null_default")]
    pub port: u16,
    /// The nodes' addresses and their roles (`primary`, `failover`).
    #[serde(default, deserialize_with = "null_default")]
    pub members: Map<String, Value>,
    /// The engine's settings; their schema is [`DatabaseEngineGroup::config_schema`].
    #[serde(default, deserialize_with = "null_default")]
    pub engine_config: Map<String, Value>,
    /// When maintenance updates may be applied.
    #[serde(default)]
    pub updates: Option<UpdatesWindow>,
    /// The VPC subnet restricting access to it; `None` when it is not in a VPC.
    #[serde(default)]
    pub private_network: Option<PrivateNetwork>,
    /// The database it was forked from, when it was made by restoring another one.
    #[serde(default)]
    pub fork: Option<DatabaseFork>,
    /// The times a fork of it can be made from (Valkey: MySQL and PostgreSQL instances have no
    /// `available_restore_times` in 4.229.1, and this is empty for them).
    #[serde(default, deserialize_with = "null_default")]
    pub available_restore_times: Vec<String>,
    /// The oldest time a fork of it can be made from (MySQL, PostgreSQL).
    #[serde(default)]
    pub oldest_restore_time: Option<String>,
    /// The port of its PgBouncer connection pools (PostgreSQL only; `None` for the others).
    #[serde(default)]
    pub connection_pool_port: Option<u16>,
    /// Disk size of each node, in GB.
    #[serde(default, deserialize_with = "null_default")]
    pub total_disk_size_gb: u64,
    /// Disk used, in GB (the API sends `null` for Valkey: 0 here).
    #[serde(default, deserialize_with = "null_default")]
    pub used_disk_size_gb: u64,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
}

filterable!(Database {
    ENGINE: Text = "engine",
    LABEL: Text = "label",
    PLATFORM: Text = "platform",
    REGION: Text = "region",
    STATUS: Text = "status",
    TYPE: Text = "type",
    VERSION: Text = "version",
});

impl Resource for Database {
    type Id = DatabaseId;
    const VOLATILE: bool = true;
    fn path(id: &DatabaseId) -> Path {
        id.engine.operations().get.path(&[&id.id])
    }
}

impl Database {
    /// The id the engine's calls take; `None` when the engine is unknown to this client.
    pub fn database_id(&self) -> Option<DatabaseId> {
        Some(DatabaseId::new(self.engine.kind()?, self.id))
    }

    /// The allow list's entries that are IPv4 ranges (a single address counts as a `/32`).
    pub fn allowed_ranges(&self) -> Vec<Ipv4Net> {
        self.allow_list
            .iter()
            .filter_map(|a| parse_range(a))
            .collect()
    }
}

/// Where to connect to a database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DatabaseHosts {
    /// The primary node's host name.
    #[serde(default, deserialize_with = "null_default")]
    pub primary: String,
    /// The read-only standby nodes' host name, for a cluster of two or three nodes.
    #[serde(default)]
    pub standby: Option<String>,
    /// The name older API versions gave the standby host (`None` from current ones).
    #[serde(default)]
    pub secondary: Option<String>,
    /// Every connection point, with its role and port.
    #[serde(default, deserialize_with = "null_default")]
    pub endpoints: Vec<DatabaseEndpoint>,
}

/// One connection point of a database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DatabaseEndpoint {
    /// The host name, resolving to the `primary` or the `standby` nodes.
    #[serde(default, deserialize_with = "null_default")]
    pub address: String,
    /// The port.
    #[serde(default, deserialize_with = "null_default")]
    pub port: u16,
    /// `primary` or `standby`.
    #[serde(default, deserialize_with = "null_default")]
    pub role: String,
    /// Whether it is reachable from outside the database's VPC.
    #[serde(default, deserialize_with = "null_default")]
    pub public_access: bool,
}

/// The VPC subnet a database is reachable from.
///
/// ```
/// use linode::api::databases::PrivateNetwork;
/// let network = PrivateNetwork::new(123, 456).public_access(true);
/// assert_eq!(network.subnet_id, 456);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PrivateNetwork {
    /// The VPC.
    pub vpc_id: u64,
    /// Its subnet.
    pub subnet_id: u64,
    /// Whether clients outside the VPC may connect too (through the allow list).
    #[serde(default, deserialize_with = "null_default")]
    pub public_access: bool,
}

impl PrivateNetwork {
    /// Subnet `subnet_id` of VPC `vpc_id`, without public access.
    pub fn new(vpc_id: u64, subnet_id: u64) -> PrivateNetwork {
        PrivateNetwork {
            vpc_id,
            subnet_id,
            public_access: false,
        }
    }

    /// Lets clients outside the VPC connect too (or not).
    pub fn public_access(mut self, on: bool) -> PrivateNetwork {
        self.public_access = on;
        self
    }
}

/// Where a forked database came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DatabaseFork {
    /// The database it was forked from.
    pub source: u64,
    /// The moment of the source's data it was restored to (not when the fork was made); a
    /// string, never sent as `null` (4.229.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_time: Option<String>,
}

impl DatabaseFork {
    /// A fork of database `source`, at its latest data.
    pub fn of(source: u64) -> DatabaseFork {
        DatabaseFork {
            source,
            restore_time: None,
        }
    }

    /// Restores the source's data as it was at `time` (`2024-10-14T19:55:12`).
    pub fn at(mut self, time: impl Into<String>) -> DatabaseFork {
        self.restore_time = Some(time.into());
        self
    }
}

/// A planned maintenance update of a database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PendingUpdate {
    /// What it is.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// When it must be applied at the latest.
    #[serde(default)]
    pub deadline: Option<String>,
    /// When it will be applied.
    #[serde(default)]
    pub planned_for: Option<String>,
}

/// When maintenance updates may be applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpdatesWindow {
    /// `weekly` or `monthly`.
    #[serde(default, deserialize_with = "null_default")]
    pub frequency: String,
    /// Length of the window, in hours (1 to 3).
    #[serde(default, deserialize_with = "null_default")]
    pub duration: u8,
    /// Hour it starts, UTC (0 to 23).
    #[serde(default, deserialize_with = "null_default")]
    pub hour_of_day: u8,
    /// Day it falls on, 1 (Monday) to 7.
    #[serde(default, deserialize_with = "null_default")]
    pub day_of_week: u8,
    /// Week of the month (1 to 4) when monthly (Valkey; MySQL and PostgreSQL windows have no
    /// such field, and it is not sent when `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_of_month: Option<u8>,
    /// The updates planned (read-only: never sent).
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub pending: Vec<PendingUpdate>,
}

impl UpdatesWindow {
    /// A weekly window of `duration` hours starting at `hour_of_day` on `day_of_week`.
    pub fn weekly(day_of_week: u8, hour_of_day: u8, duration: u8) -> UpdatesWindow {
        UpdatesWindow {
            frequency: "weekly".into(),
            duration,
            hour_of_day,
            day_of_week,
            week_of_month: None,
            pending: Vec::new(),
        }
    }

    fn validate(&self) -> Result<()> {
        let check = |field: &str, value: u8, range: std::ops::RangeInclusive<u8>| {
            if range.contains(&value) {
                Ok(())
            } else {
                Err(Error::invalid(
                    format!("updates.{field}"),
                    format!("must be from {} to {}", range.start(), range.end()),
                ))
            }
        };
        check("duration", self.duration, 1..=4)?;
        check("hour_of_day", self.hour_of_day, 0..=23)?;
        check("day_of_week", self.day_of_week, 1..=7)?;
        if let Some(week) = self.week_of_month {
            check("week_of_month", week, 1..=4)?;
        }
        if !["weekly", "monthly"].contains(&self.frequency.as_str()) {
            return Err(Error::invalid(
                "updates.frequency",
                "must be weekly or monthly",
            ));
        }
        Ok(())
    }
}

/// An engine version databases can be created with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DatabaseEngine {
    /// Its id, such as `postgresql/16.7`: what [`CreateDatabase::new`] takes.
    pub id: String,
    /// The engine.
    pub engine: Engine,
    /// The version.
    #[serde(default, deserialize_with = "null_default")]
    pub version: String,
}

filterable!(DatabaseEngine {
    ENGINE: Text = "engine",
    VERSION: Text = "version",
});

/// A node type of Managed Databases, with its price for each engine and cluster size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DatabaseType {
    /// Its id, such as `g6-nanode-1`.
    pub id: String,
    /// A display name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// `nanode`, `standard`, `dedicated`, ...
    #[serde(default, deserialize_with = "null_default")]
    pub class: String,
    /// Whether it can no longer be chosen for new databases.
    #[serde(default, deserialize_with = "null_default")]
    pub deprecated: bool,
    /// vCPUs of each node.
    #[serde(default, deserialize_with = "null_default")]
    pub vcpus: u32,
    /// Memory of each node, in MB.
    #[serde(default, deserialize_with = "null_default")]
    pub memory: u64,
    /// Disk of each node, in MB.
    #[serde(default, deserialize_with = "null_default")]
    pub disk: u64,
    /// Prices by engine name, one per cluster size.
    #[serde(default, deserialize_with = "null_default")]
    pub engines: std::collections::BTreeMap<String, Vec<ClusterPrice>>,
}

impl DatabaseType {
    /// The price of a cluster of `nodes` of this type running `engine`, if offered.
    pub fn price(&self, engine: EngineKind, nodes: u8) -> Option<&Price> {
        self.engines
            .get(engine.as_str())?
            .iter()
            .find(|p| p.quantity == nodes)
            .map(|p| &p.price)
    }
}

impl Resource for DatabaseType {
    type Id = String;
    fn path(id: &String) -> Path {
        GET_TYPE.path(&[id])
    }
}

/// The price of a cluster of `quantity` nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClusterPrice {
    /// The number of nodes.
    pub quantity: u8,
    /// What the cluster costs, in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub price: Price,
}

/// The administrator's credentials of a database.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct DatabaseCredentials {
    /// The user name.
    pub username: String,
    /// The password (never shown by `Debug`).
    #[serde(deserialize_with = "secret")]
    pub password: SecretString,
}

impl fmt::Debug for DatabaseCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseCredentials")
            .field("username", &self.username)
            .field("password", &"[REDACTED]")
            .finish()
    }
}

fn secret<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<SecretString, D::Error> {
    Ok(SecretString::from(String::deserialize(d)?))
}

/// The certificate of the authority that signed a database's TLS certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DatabaseSsl {
    /// The CA certificate, base64-encoded PEM, as the API sends it.
    #[serde(default, deserialize_with = "null_default")]
    pub ca_certificate: String,
}

/// A PostgreSQL connection pool (PgBouncer), named by its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConnectionPool {
    /// Its name, unique within the database.
    pub label: String,
    /// The database (schema) it connects to.
    #[serde(default, deserialize_with = "null_default")]
    pub database: String,
    /// `transaction`, `session` or `statement`.
    #[serde(default, deserialize_with = "null_default")]
    pub mode: String,
    /// How many connections it holds.
    #[serde(default, deserialize_with = "null_default")]
    pub size: u32,
    /// The user it connects as; `None` for the connecting client's.
    #[serde(default)]
    pub username: Option<String>,
}

/// The pooling modes a connection pool may use.
pub const POOL_MODES: [&str; 3] = ["transaction", "session", "statement"];

/// A connection pool to create, or the changes to one (fields left `None` are not sent).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ConnectionPoolSettings {
    /// Its name (only when creating).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The database it connects to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    /// `transaction`, `session` or `statement`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// How many connections it holds (1 to 10000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    /// The user it connects as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

impl ConnectionPoolSettings {
    /// A new pool `label` of `size` connections to `database`, in `mode`.
    pub fn new(
        label: impl Into<String>,
        database: impl Into<String>,
        mode: impl Into<String>,
        size: u32,
    ) -> Self {
        ConnectionPoolSettings {
            label: Some(label.into()),
            database: Some(database.into()),
            mode: Some(mode.into()),
            size: Some(size),
            username: None,
        }
    }

    /// A new pool `label` with the API's defaults for the rest (`defaultdb`, `transaction`,
    /// 10 connections, the connecting client's user); set any of them to change it.
    ///
    /// ```
    /// use linode::api::databases::ConnectionPoolSettings;
    /// let pool = ConnectionPoolSettings::named("web").size(20);
    /// assert_eq!(pool.database, None);
    /// ```
    pub fn named(label: impl Into<String>) -> Self {
        ConnectionPoolSettings {
            label: Some(label.into()),
            ..Self::default()
        }
    }

    /// Changes nothing yet; set the fields to change.
    pub fn changes() -> Self {
        Self::default()
    }

    fn validate(&self) -> Result<()> {
        if let Some(mode) = &self.mode
            && !POOL_MODES.contains(&mode.as_str())
        {
            return Err(Error::invalid(
                "mode",
                "must be transaction, session or statement",
            ));
        }
        if let Some(size) = self.size
            && !(1..=10_000).contains(&size)
        {
            return Err(Error::invalid("size", "must be from 1 to 10000"));
        }
        if let Some(label) = &self.label {
            let ok = (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !ok {
                return Err(Error::invalid(
                    "label",
                    "must be 1 to 63 letters, digits, underscores and dashes, not starting with a dash",
                ));
            }
        }
        Ok(())
    }
}

setters! {
    ConnectionPoolSettings {
        /// Sets the user the pool connects as.
        username: into String,
        /// Sets the pooling mode.
        mode: into String,
        /// Sets the number of connections.
        size: value u32,
        /// Sets the database it connects to.
        database: into String,
    }
}

/// A database to create.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateDatabase {
    /// Its label (3 to 32 characters; a restore may leave it empty: not sent).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Where it runs (a restore may leave it empty: not sent).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub region: String,
    /// The node type, from [`DatabasesGroup::types`] (a restore may leave it empty: not sent).
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub node_type: String,
    /// The engine version's id from [`DatabasesGroup::engines`], such as `postgresql/16.7`
    /// (empty, and not sent, for a restore: a fork keeps its source's engine).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub engine: String,
    /// 1, 2 (dedicated types only) or 3 nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_size: Option<u8>,
    /// IPv4 addresses and ranges allowed to connect.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow_list: Vec<String>,
    /// The VPC subnet it is reachable from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_network: Option<PrivateNetwork>,
    /// The database (and moment) to fork it from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fork: Option<DatabaseFork>,
    /// Whether connections must use TLS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_connection: Option<bool>,
    /// Engine settings, checked by the API against [`DatabaseEngineGroup::config_schema`].
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub engine_config: Map<String, Value>,
}

impl CreateDatabase {
    /// A database `label` in `region`, of nodes of `node_type`, running `engine` (an engine
    /// version's id such as `postgresql/16.7`).
    pub fn new(
        label: impl Into<String>,
        region: impl Into<String>,
        node_type: impl Into<String>,
        engine: impl Into<String>,
    ) -> Self {
        CreateDatabase {
            label: label.into(),
            region: region.into(),
            node_type: node_type.into(),
            engine: engine.into(),
            cluster_size: None,
            allow_list: Vec::new(),
            private_network: None,
            fork: None,
            ssl_connection: None,
            engine_config: Map::new(),
        }
    }

    /// A restore: a fork of `fork`'s source (MySQL and PostgreSQL), taking the source's engine,
    /// and its label, region and node type unless set (`label`, `region`, `node_type`).
    ///
    /// ```
    /// use linode::api::databases::{CreateDatabase, DatabaseFork};
    /// let restore = CreateDatabase::restore(DatabaseFork::of(123)).label("restored");
    /// assert_eq!(restore.engine, "");
    /// ```
    pub fn restore(fork: DatabaseFork) -> Self {
        let mut request = CreateDatabase::new("", "", "", "");
        request.fork = Some(fork);
        request
    }

    /// Sets the label (of a restore, which otherwise gets one from the API).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the region (of a restore, which otherwise keeps the source's).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Sets the node type (of a restore, which otherwise keeps the source's).
    pub fn node_type(mut self, node_type: impl Into<String>) -> Self {
        self.node_type = node_type.into();
        self
    }

    /// Allows an IPv4 address or range (`203.0.113.0/24`) to connect.
    pub fn allow(mut self, range: impl fmt::Display) -> Self {
        self.allow_list.push(range.to_string());
        self
    }

    /// Sets one engine setting, such as `work_mem`, or a group such as `pg` (an object).
    pub fn config(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.engine_config.insert(key.into(), value.into());
        self
    }

    fn validate(&self, engine: EngineKind) -> Result<()> {
        // 4.229.1 (MySQL, PostgreSQL): a restore has no `engine`; the rest is optional.
        let restore = self.fork.is_some() && engine != EngineKind::Valkey;
        if restore {
            if !self.engine.is_empty() {
                return Err(Error::invalid(
                    "engine",
                    "a restore keeps its source's engine: leave it empty",
                ));
            }
            if !self.label.is_empty() {
                check_label(&self.label)?;
            }
            check_cluster_size(self.cluster_size)?;
            return check_allow_list(&self.allow_list);
        }
        check_label(&self.label)?;
        if self.region.trim().is_empty() {
            return Err(Error::invalid("region", "must not be empty"));
        }
        if self.node_type.trim().is_empty() {
            return Err(Error::invalid("type", "must not be empty"));
        }
        let prefix = format!("{engine}/");
        if !self.engine.starts_with(&prefix) || self.engine.len() == prefix.len() {
            return Err(Error::invalid(
                "engine",
                format!("must be a {engine} version such as {engine}/16"),
            ));
        }
        check_cluster_size(self.cluster_size)?;
        check_allow_list(&self.allow_list)
    }
}

setters! {
    CreateDatabase {
        /// Sets the number of nodes (1, 2 on a dedicated type, or 3).
        cluster_size: value u8,
        /// Sets whether connections must use TLS.
        ssl_connection: value bool,
        /// Puts the database in a VPC subnet.
        private_network: value PrivateNetwork,
        /// Makes the database a fork of another one.
        fork: value DatabaseFork,
    }
}

/// Changes to a database: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DatabaseUpdate {
    /// A new label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A new allow list (replacing the old one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_list: Option<Vec<String>>,
    /// A new maintenance window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updates: Option<UpdatesWindow>,
    /// A new node type: a resize.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub node_type: Option<String>,
    /// A larger cluster: a resize.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_size: Option<u8>,
    /// Engine settings to change (merged into the current ones).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine_config: Option<Map<String, Value>>,
    /// A new VPC subnet (moving the database into it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_network: Option<PrivateNetwork>,
    /// A new engine version, such as `8.4` (MySQL, PostgreSQL: an in-place upgrade).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl DatabaseUpdate {
    /// No change yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the allow list.
    pub fn allow_list<I, S>(mut self, ranges: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: fmt::Display,
    {
        self.allow_list = Some(ranges.into_iter().map(|r| r.to_string()).collect());
        self
    }

    /// Changes one engine setting (or a group, as an object).
    pub fn config(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.engine_config
            .get_or_insert_with(Map::new)
            .insert(key.into(), value.into());
        self
    }

    fn validate(&self) -> Result<()> {
        if let Some(label) = &self.label {
            check_label(label)?;
        }
        check_cluster_size(self.cluster_size)?;
        if let Some(list) = &self.allow_list {
            check_allow_list(list)?;
        }
        if let Some(window) = &self.updates {
            window.validate()?;
        }
        Ok(())
    }
}

setters! {
    DatabaseUpdate {
        /// Sets a new label.
        label: into String,
        /// Sets the maintenance window.
        updates: value UpdatesWindow,
        /// Moves to another node type.
        node_type: into String,
        /// Grows the cluster (to 2 or 3 nodes).
        cluster_size: value u8,
        /// Moves the database into a VPC subnet.
        private_network: value PrivateNetwork,
        /// Upgrades the engine to another version (MySQL, PostgreSQL).
        version: into String,
    }
}

fn check_label(label: &str) -> Result<()> {
    let n = label.chars().count();
    if !(MIN_LABEL_LENGTH..=MAX_LABEL_LENGTH).contains(&n) {
        return Err(Error::invalid(
            "label",
            format!("must be {MIN_LABEL_LENGTH} to {MAX_LABEL_LENGTH} characters"),
        ));
    }
    Ok(())
}

fn check_cluster_size(size: Option<u8>) -> Result<()> {
    match size {
        Some(n) if !CLUSTER_SIZES.contains(&n) => {
            Err(Error::invalid("cluster_size", "must be 1, 2 or 3"))
        }
        _ => Ok(()),
    }
}

/// An allow-list entry as a range: `203.0.113.0/24`, or a single address as a `/32`.
fn parse_range(text: &str) -> Option<Ipv4Net> {
    text.parse::<Ipv4Net>()
        .ok()
        .or_else(|| text.parse::<Ipv4Addr>().ok().map(Ipv4Net::from))
}

fn check_allow_list(list: &[String]) -> Result<()> {
    for (i, entry) in list.iter().enumerate() {
        if parse_range(entry).is_none() {
            return Err(Error::invalid(
                format!("allow_list[{i}]"),
                "must be an IPv4 address or range in CIDR notation",
            ));
        }
    }
    Ok(())
}

/// Calls under `/databases` shared by every engine, and PostgreSQL's connection pools.
#[derive(Debug, Clone, Copy)]
pub struct DatabasesGroup<'c> {
    client: &'c Client,
}

/// The calls of one engine (`/databases/{engine}/...`), the same for each engine.
#[derive(Debug, Clone, Copy)]
pub struct DatabaseEngineGroup<'c> {
    client: &'c Client,
    engine: EngineKind,
}

impl Client {
    /// Managed Databases (`/databases`).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use std::time::Duration;
    /// use linode::api::databases::CreateDatabase;
    /// let db = client
    ///     .databases()
    ///     .postgresql()
    ///     .create(CreateDatabase::new("orders", "us-east", "g6-nanode-1", "postgresql/16.7")
    ///         .allow("203.0.113.0/24"))
    ///     .await?;
    /// let id = db.database_id().expect("a known engine");
    /// let db = client.databases().wait_for_database_active(id, Duration::from_secs(1800)).await?;
    /// let creds = client.databases().postgresql().credentials(db.id).await?;
    /// println!("{}@{}:{}", creds.username, db.hosts.primary, db.port);
    /// # Ok(()) }
    /// ```
    pub fn databases(&self) -> DatabasesGroup<'_> {
        DatabasesGroup { client: self }
    }
}

impl<'c> DatabasesGroup<'c> {
    /// The calls of `engine`.
    pub fn engine(&self, engine: EngineKind) -> DatabaseEngineGroup<'c> {
        DatabaseEngineGroup {
            client: self.client,
            engine,
        }
    }

    /// The calls of MySQL databases.
    pub fn mysql(&self) -> DatabaseEngineGroup<'c> {
        self.engine(EngineKind::MySql)
    }

    /// The calls of PostgreSQL databases.
    pub fn postgresql(&self) -> DatabaseEngineGroup<'c> {
        self.engine(EngineKind::PostgreSql)
    }

    /// The calls of Valkey databases.
    pub fn valkey(&self) -> DatabaseEngineGroup<'c> {
        self.engine(EngineKind::Valkey)
    }

    /// The engine versions databases can be created with.
    pub fn engines(&self) -> ListRequest<DatabaseEngine> {
        ListRequest::new(self.client, LIST_ENGINES.path(&[]))
    }

    /// One engine version, by id (such as `postgresql/16.7`).
    pub async fn engine_version(&self, id: &str) -> Result<DatabaseEngine> {
        self.client.send(GET_ENGINE.request(&[&id])).await
    }

    /// The node types, with their prices per engine and cluster size.
    pub fn types(&self) -> ListRequest<DatabaseType> {
        ListRequest::new(self.client, LIST_TYPES.path(&[]))
    }

    /// One node type.
    pub async fn node_type(&self, id: &str) -> Result<DatabaseType> {
        self.client.load::<DatabaseType>(id.to_owned()).await
    }

    /// Every database, of every engine.
    pub fn list(&self) -> ListRequest<Database> {
        ListRequest::new(self.client, LIST_INSTANCES.path(&[]))
    }

    /// Waits until the database is `active` (after a create, resize, update or resume).
    pub async fn wait_for_database_active(
        &self,
        id: DatabaseId,
        wait: impl Into<Wait>,
    ) -> Result<Database> {
        let what = format!("database {id} to be active");
        self.client
            .wait_until(
                id,
                wait.into(),
                &what,
                |d: &Database| d.status == DatabaseStatus::Active,
                |d| format!("status {}", d.status),
            )
            .await
    }

    /// The connection pools of PostgreSQL database `id`.
    pub fn connection_pools(&self, id: u64) -> ListRequest<ConnectionPool> {
        ListRequest::new(self.client, LIST_POOLS.path(&[&id]))
    }

    /// One connection pool of PostgreSQL database `id`, by name.
    pub async fn connection_pool(&self, id: u64, name: &str) -> Result<ConnectionPool> {
        self.client.send(GET_POOL.request(&[&id, &name])).await
    }

    /// Adds a connection pool to PostgreSQL database `id` (only its label is required: the
    /// API gives the rest their defaults).
    pub async fn create_connection_pool(
        &self,
        id: u64,
        pool: &ConnectionPoolSettings,
    ) -> Result<ConnectionPool> {
        pool.validate()?;
        if pool.label.is_none() {
            return Err(Error::invalid("label", "is required"));
        }
        self.client.send(CREATE_POOL.with_body(&[&id], pool)?).await
    }

    /// Changes a connection pool (its label stays).
    pub async fn update_connection_pool(
        &self,
        id: u64,
        name: &str,
        changes: &ConnectionPoolSettings,
    ) -> Result<ConnectionPool> {
        changes.validate()?;
        if changes.label.is_some() {
            return Err(Error::invalid("label", "a pool's name cannot change"));
        }
        self.client
            .send(UPDATE_POOL.with_body(&[&id, &name], changes)?)
            .await
    }

    /// Deletes a connection pool.
    pub async fn delete_connection_pool(&self, id: u64, name: &str) -> Result<()> {
        self.client
            .send_empty(DELETE_POOL.request(&[&id, &name]))
            .await
    }
}

impl DatabaseEngineGroup<'_> {
    fn ops(&self) -> &'static EngineOperations {
        self.engine.operations()
    }

    /// The engine's databases.
    pub fn list(&self) -> ListRequest<Database> {
        ListRequest::new(self.client, self.ops().list.path(&[]))
    }

    /// Loads one database.
    pub async fn get(&self, id: u64) -> Result<Database> {
        self.client
            .load::<Database>(DatabaseId::new(self.engine, id))
            .await
    }

    /// Creates a database (`provisioning` at first); the label, engine, cluster size and
    /// allow list are checked before anything is sent.
    pub async fn create(&self, request: CreateDatabase) -> Result<Database> {
        request.validate(self.engine)?;
        self.client
            .send(self.ops().create.with_body(&[], &request)?)
            .await
    }

    /// Changes the fields set in `update`; a new type or cluster size starts a resize, new
    /// engine settings an update.
    pub async fn update(&self, id: u64, update: &DatabaseUpdate) -> Result<Database> {
        update.validate()?;
        self.client
            .send(self.ops().update.with_body(&[&id], update)?)
            .await
    }

    /// Deletes a database.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(self.ops().delete.request(&[&id]))
            .await
    }

    /// The administrator's user name and password.
    pub async fn credentials(&self, id: u64) -> Result<DatabaseCredentials> {
        self.client
            .send(self.ops().credentials.request(&[&id]))
            .await
    }

    /// Gives the administrator a new password (read it with [`credentials`](Self::credentials)).
    pub async fn reset_credentials(&self, id: u64) -> Result<()> {
        self.action(self.ops().reset_credentials, id).await
    }

    /// The CA certificate to verify the database's TLS certificate with.
    pub async fn ssl(&self, id: u64) -> Result<DatabaseSsl> {
        self.client.send(self.ops().ssl.request(&[&id])).await
    }

    /// Applies pending updates now (the database is `updating` meanwhile).
    pub async fn patch(&self, id: u64) -> Result<()> {
        self.action(self.ops().patch, id).await
    }

    /// Suspends an active database.
    pub async fn suspend(&self, id: u64) -> Result<()> {
        self.action(self.ops().suspend, id).await
    }

    /// Resumes a suspended database.
    pub async fn resume(&self, id: u64) -> Result<()> {
        self.action(self.ops().resume, id).await
    }

    /// The schema of the engine's settings (`engine_config`): each key with its type,
    /// bounds and whether changing it restarts the database; groups are nested objects.
    pub async fn config_schema(&self) -> Result<Map<String, Value>> {
        self.client.send(self.ops().config.request(&[])).await
    }

    async fn action(&self, operation: Operation, id: u64) -> Result<()> {
        self.client.send_empty(operation.request(&[&id])).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn refused(result: Result<()>) -> String {
        match result {
            Err(Error::InvalidArgument { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn requests_are_checked_before_sending() {
        let base = || CreateDatabase::new("orders", "us-east", "g6-nanode-1", "postgresql/16.7");
        assert!(base().validate(EngineKind::PostgreSql).is_ok());
        assert_eq!(refused(base().validate(EngineKind::MySql)), "engine");
        assert_eq!(
            refused(base().cluster_size(4).validate(EngineKind::PostgreSql)),
            "cluster_size"
        );
        assert_eq!(
            refused(
                base()
                    .allow("10.0.0.0/8")
                    .allow("nope")
                    .validate(EngineKind::PostgreSql)
            ),
            "allow_list[1]"
        );
        assert_eq!(
            refused(
                CreateDatabase::new("db", "us-east", "g6-nanode-1", "mysql/8")
                    .validate(EngineKind::MySql)
            ),
            "label"
        );
        assert_eq!(
            refused(
                DatabaseUpdate::new()
                    .updates(UpdatesWindow::weekly(8, 0, 1))
                    .validate()
            ),
            "updates.day_of_week"
        );
        // A restore (MySQL, PostgreSQL) has no engine; label, region and type are optional.
        let restore = || CreateDatabase::restore(DatabaseFork::of(7));
        assert!(restore().validate(EngineKind::MySql).is_ok());
        assert!(
            restore()
                .label("again")
                .validate(EngineKind::PostgreSql)
                .is_ok()
        );
        assert_eq!(
            refused(restore().label("x").validate(EngineKind::MySql)),
            "label"
        );
        assert_eq!(
            refused(
                base()
                    .fork(DatabaseFork::of(7))
                    .validate(EngineKind::PostgreSql)
            ),
            "engine"
        );
        assert_eq!(
            serde_json::to_value(restore().label("again")).unwrap(),
            serde_json::json!({"label": "again", "fork": {"source": 7}})
        );
        assert_eq!(
            serde_json::to_value(DatabaseUpdate::new().version("8.4")).unwrap(),
            serde_json::json!({"version": "8.4"})
        );
        assert_eq!(
            serde_json::to_value(UpdatesWindow::weekly(1, 0, 4)).unwrap(),
            serde_json::json!({"frequency": "weekly", "duration": 4, "hour_of_day": 0,
                               "day_of_week": 1})
        );
    }

    #[test]
    fn credentials_hide_the_password() {
        let creds: DatabaseCredentials = serde_json::from_value(
            serde_json::json!({"username": "akmadmin", "password": "hunter22"}),
        )
        .unwrap();
        assert_eq!(creds.password.expose_secret(), "hunter22");
        assert!(!format!("{creds:?}").contains("hunter22"));
    }

    #[test]
    fn unknown_engines_and_statuses_are_kept() {
        let db: Database = serde_json::from_value(serde_json::json!({
            "id": 1, "label": "x", "engine": "mongodb", "region": "us-east",
            "status": "hibernating", "hosts": null, "updates": null, "members": null,
            "allow_list": ["203.0.113.1", "10.0.0.0/8"], "new": true
        }))
        .unwrap();
        assert_eq!(db.engine, Engine::Unknown("mongodb".into()));
        assert_eq!(db.database_id(), None);
        assert_eq!(db.status.as_str(), "hibernating");
        assert_eq!(db.allowed_ranges()[0].to_string(), "203.0.113.1/32");
    }
}
