//! `/databases`: Managed Databases of three engines (MySQL, PostgreSQL, Valkey), served by one
//! set of handlers parameterised by the engine, plus the shared catalogs (engines, node types)
//! and PostgreSQL's connection pools.
//!
//! State rules kept like the API:
//! - a database is created from an engine version of `/databases/engines` (`engine` such as
//!   `postgresql/16`, of the engine the path names), a node type of `/databases/types`, a
//!   `region` offering Managed Databases, `cluster_size` 1 or 3, an `allow_list` of IPv4
//!   addresses or CIDR ranges, and an `engine_config` checked against the engine's schema
//!   (`/databases/{engine}/config`: an unknown key or a value out of range is a 400 naming
//!   `engine_config.<key>`); its label (3-32 characters) is unique among all databases;
//! - it is `provisioning`, then `active`; `suspend` takes an active database through
//!   `suspending` to `suspended`, `resume` a suspended one through `resuming` to `active`;
//!   `patch`, a new `engine_config` and a credentials reset need it `active` (`updating` for
//!   the first two); a new `type` or a larger `cluster_size` take it through `resizing`, and
//!   a cluster never shrinks; label, allow list and updates window change in any state but
//!   `provisioning`. An action in the wrong state is a 400 saying the state;
//! - credentials and the CA certificate are there once provisioning is over; a reset gives a
//!   new password;
//! - a PostgreSQL database has connection pools named by `label` (1-63 letters, digits, `_`,
//!   `-`, not starting with `-`), unique within it; `database`, `mode`, `size` and `username`
//!   default to `defaultdb`, `transaction`, 10 and `null`;
//! - `cluster_size` 2 needs a dedicated node type; `hosts` names the `primary` and, for 2 or 3
//!   nodes, the `standby` host, and lists both as `endpoints` (public unless the database is in
//!   a VPC without `public_access`); a `private_network` is a subnet of a VPC of the database's
//!   region; a `fork` names a database of the same engine; the maintenance window defaults to
//!   weekly, 4 hours (4.229.1 allows only that; the sandbox still takes 1-4 hours, and monthly
//!   windows with a `week_of_month` for Valkey only);
//! - MySQL and PostgreSQL (4.229.1): a create body with a `fork` is a restore: it has no
//!   `engine` (a 400 naming `engine`), and `label`, `region`, `type`, `cluster_size`,
//!   `allow_list` and `engine_config` default to the source's (the label as
//!   `<source label>-<new id>`: invented, the API does not say); an update may set `version`
//!   (an engine version of `/databases/engines`, through `updating`), but not a new `type`
//!   with an `allow_list` (a 400 naming `type`); their instances have no
//!   `available_restore_times` and no `updates.week_of_month`; a PostgreSQL instance has a
//!   `connection_pool_port` (its value, 25061, is invented);
//! - the Valkey parameters are those of 4.229.1 (flat `valkey_*` keys and `backup_*`,
//!   `frequent_snapshots`); the MySQL and PostgreSQL schemas are a subset of the API's.
//!
//! Error wording: 4.229.1 publishes no reason texts for these refusals; the reasons are ours
//! (the fields they name follow the API).
//!
//! Every action writes a `database_*` event (through [`crate::lifecycle`]).

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use ipnet::Ipv4Net;
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response, list_table};
use crate::error::ApiError;
use crate::lifecycle::{Action, Effect, Entity};
use crate::store::{Store, mix, now};

/// The collection of databases of every engine.
const DATABASES: &str = "databases";
/// Passwords, keyed by database id (kept apart so that they never show in the instance).
const PASSWORDS: &str = "database_passwords";
/// Connection pools, keyed by database id: `{"pools": [...]}`.
const POOLS: &str = "database_pools";
/// First id handed out to a database.
pub const FIRST_DATABASE_ID: u64 = 40_000;
/// The PgBouncer port of a PostgreSQL database's `connection_pool_port` (invented: the API
/// gives no value).
const POOL_PORT: u64 = 25_061;

/// Fields the instance lists may filter and order on.
const FILTERABLE: &[&str] = &[
    "engine", "label", "platform", "region", "status", "type", "version",
];
/// Fields the engine list may filter and order on.
const ENGINE_FILTERABLE: &[&str] = &["engine", "version"];

/// How long actions last at speed 1.
mod durations {
    use std::time::Duration;
    /// Provisioning.
    pub const CREATE: Duration = Duration::from_secs(600);
    /// Resizing (type or cluster size).
    pub const RESIZE: Duration = Duration::from_secs(900);
    /// Updating (patch, engine configuration).
    pub const UPDATE: Duration = Duration::from_secs(300);
    /// Suspending and resuming.
    pub const SUSPEND: Duration = Duration::from_secs(120);
}

/// One engine the sandbox serves.
struct Engine {
    /// As in paths and `engine` fields.
    name: &'static str,
    /// The versions offered.
    versions: &'static [&'static str],
    port: u16,
    /// The administrator's user name.
    username: &'static str,
    /// The event entity's URL segment and the host name tag.
    tag: &'static str,
    /// The `engine_config` schema, as `/databases/{engine}/config` serves it.
    schema: fn() -> Value,
}

const ENGINES: [Engine; 3] = [
    Engine {
        name: "mysql",
        versions: &["8.0.35"],
        port: 3306,
        username: "akmadmin",
        tag: "mysql",
        schema: mysql_schema,
    },
    Engine {
        name: "postgresql",
        versions: &["14.16", "15.11", "16.7", "17.3"],
        port: 5432,
        username: "akmadmin",
        tag: "pgsql",
        schema: postgresql_schema,
    },
    Engine {
        name: "valkey",
        versions: &["8.0"],
        port: 6379,
        username: "default",
        tag: "valkey",
        schema: valkey_schema,
    },
];

fn engine(name: &str) -> &'static Engine {
    ENGINES
        .iter()
        .find(|e| e.name == name)
        .unwrap_or(&ENGINES[0])
}

fn int(description: &str, min: i64, max: i64, example: i64, restart: bool) -> Value {
    json!({"description": description, "type": "integer", "minimum": min, "maximum": max,
           "example": example, "requires_restart": restart})
}

fn mysql_schema() -> Value {
    json!({
        "binlog_retention_period": int("Seconds binary logs are kept", 600, 86400, 600, false),
        "mysql": {
            "connect_timeout": int("Seconds to wait for a connect packet", 2, 3600, 10, false),
            "max_allowed_packet": int("Largest packet, in bytes", 102_400, 1_073_741_824, 67_108_864, false),
            "wait_timeout": int("Seconds an idle connection is kept", 1, 2_147_483, 28800, false),
            "sql_require_primary_key": {"description": "Tables need a primary key", "type": "boolean",
                "example": true, "requires_restart": false},
        },
    })
}

fn postgresql_schema() -> Value {
    json!({
        "pg_stat_monitor_enable": {"description": "Enables pg_stat_monitor", "type": "boolean",
            "example": false, "requires_restart": true},
        "shared_buffers_percentage": {"description": "Share of memory for shared buffers",
            "type": "number", "minimum": 20.0, "maximum": 60.0, "example": 41.5, "requires_restart": false},
        "work_mem": int("Memory per sort, in MB", 1, 1024, 4, false),
        "pg": {
            "max_connections": int("Most concurrent connections", 25, 5000, 100, true),
            "idle_in_transaction_session_timeout": int("Milliseconds an idle transaction is kept", 0, 604_800_000, 0, false),
            "log_min_duration_statement": int("Log statements slower than this, in ms", -1, 86_400_000, -1, false),
        },
    })
}

/// The Valkey parameters of API 4.229.1 (flat keys, names, types, ranges, enums and restart
/// flags as published; the descriptions are ours).
fn valkey_schema() -> Value {
    let flag = |description: &str, default: bool| {
        json!({"description": description, "type": "boolean", "default": default,
               "requires_restart": false})
    };
    let with_default = |description: &str, min: i64, max: i64, default: i64| {
        json!({"description": description, "type": "integer", "minimum": min, "maximum": max,
               "default": default, "requires_restart": false})
    };
    json!({
        "backup_hour": {"description": "Hour (UTC) backups start", "type": ["integer", "null"],
            "minimum": 0, "maximum": 23, "example": 3, "requires_restart": false},
        "backup_minute": {"description": "Minute backups start", "type": ["integer", "null"],
            "minimum": 0, "maximum": 59, "example": 30, "requires_restart": false},
        "frequent_snapshots": flag("Frequent local RDB snapshots", true),
        "valkey_acl_channels_default": {"description": "Default pub/sub channel ACL of new users",
            "type": "string", "enum": ["allchannels", "resetchannels"], "requires_restart": false},
        "valkey_active_expire_effort": with_default("Effort spent reclaiming expired keys", 1, 10, 1),
        "valkey_activedefrag": flag("Active memory defragmentation", false),
        "valkey_lfu_decay_time": with_default("LFU counter decay time, in minutes", 1, 120, 1),
        "valkey_lfu_log_factor": with_default("LFU counter logarithm factor", 0, 100, 10),
        "valkey_maxmemory_policy": {"description": "Eviction policy", "type": ["string", "null"],
            "enum": ["noeviction", "allkeys-lru", "volatile-lru", "allkeys-random",
                     "volatile-random", "volatile-ttl", "volatile-lfu", "allkeys-lfu"],
            "default": "noeviction", "requires_restart": false},
        "valkey_number_of_databases": int("Number of logical databases", 1, 128, 16, true),
        "valkey_persistence": {"description": "RDB persistence", "type": "string",
            "enum": ["off", "rdb"], "requires_restart": true},
        "valkey_pubsub_client_output_buffer_limit":
            int("Output buffer limit of pub/sub clients, in MB", 32, 512, 64, false),
        "valkey_timeout": with_default("Seconds an idle connection is kept", 0, 2_073_600, 300),
    })
}

/// Node types: id, label, class, vCPUs, memory (MB), disk (MB), monthly price of one node.
const TYPES: &[(&str, &str, &str, u64, u64, u64, f64)] = &[
    (
        "g6-nanode-1",
        "DBaaS - Nanode 1GB",
        "nanode",
        1,
        1024,
        25_600,
        15.0,
    ),
    (
        "g6-standard-1",
        "DBaaS - Linode 2GB",
        "standard",
        1,
        2048,
        51_200,
        30.0,
    ),
    (
        "g6-standard-2",
        "DBaaS - Linode 4GB",
        "standard",
        2,
        4096,
        81_920,
        60.0,
    ),
    (
        "g6-dedicated-2",
        "DBaaS - Dedicated 4GB",
        "dedicated",
        2,
        4096,
        81_920,
        68.0,
    ),
    (
        "g6-dedicated-4",
        "DBaaS - Dedicated 8GB",
        "dedicated",
        4,
        8192,
        163_840,
        136.0,
    ),
];

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn types() -> Vec<Value> {
    TYPES
        .iter()
        .map(|&(id, label, class, vcpus, memory, disk, monthly)| {
            let sizes: Vec<Value> = [1u64, 3]
                .iter()
                .map(|&n| {
                    let m = monthly * n as f64;
                    json!({"quantity": n, "price": {"hourly": round(m / 730.0, 3), "monthly": m}})
                })
                .collect();
            let mut engines = Map::new();
            for e in &ENGINES {
                engines.insert(e.name.into(), Value::from(sizes.clone()));
            }
            json!({"id": id, "label": label, "class": class, "deprecated": false,
                   "vcpus": vcpus, "memory": memory, "disk": disk, "engines": engines})
        })
        .collect()
}

fn engines() -> Vec<Value> {
    ENGINES
        .iter()
        .flat_map(|e| {
            e.versions.iter().map(
                move |v| json!({"id": format!("{}/{v}", e.name), "engine": e.name, "version": v}),
            )
        })
        .collect()
}

/// A read-only catalog served at `path` (the list) and `path/{id}` (one entry by id).
fn catalog(
    path: &str,
    build: fn() -> Vec<Value>,
    filterable: &'static [&'static str],
) -> Router<AppState> {
    Router::new()
        .route(
            path,
            get(move |req: ListRequest| async move { list_response(&build(), filterable, &req) }),
        )
        .route(
            &format!("{path}/{{id}}"),
            get(move |ApiPath(id): ApiPath<String>| async move {
                get_response(build().iter().find(|e| e["id"] == id.as_str()))
            }),
        )
}

pub(super) fn routes() -> Router<AppState> {
    let mut router = Router::new()
        .merge(catalog("/databases/engines", engines, ENGINE_FILTERABLE))
        .merge(catalog("/databases/types", types, &[]))
        .route("/databases/instances", list_table(DATABASES, FILTERABLE))
        .route(
            "/databases/postgresql/instances/{id}/connection-pools",
            get(list_pools).post(create_pool),
        )
        .route(
            "/databases/postgresql/instances/{id}/connection-pools/{name}",
            get(get_pool).put(update_pool).delete(delete_pool),
        );
    for e in &ENGINES {
        router = router.merge(engine_routes(e.name));
    }
    router
}

/// The routes of one engine, all served by the same handlers.
fn engine_routes(name: &'static str) -> Router<AppState> {
    let base = format!("/databases/{name}");
    let one = format!("{base}/instances/{{id}}");
    let action = |what: Option<Step>| {
        post(
            move |State(state): State<AppState>, ApiPath(id): ApiPath<u64>| async move {
                let store = &mut state.store();
                match what {
                    Some(what) => step(store, name, id, what),
                    None => reset_credentials(store, name, id),
                }
                .map(|()| Json(json!({})))
            },
        )
    };
    Router::new()
        .route(
            &format!("{base}/config"),
            get(move || async move { Json((engine(name).schema)()) }),
        )
        .route(
            &format!("{base}/instances"),
            get(
                move |State(state): State<AppState>, req: ListRequest| async move {
                    let store = state.store();
                    let of_engine = store
                        .table(DATABASES)
                        .values()
                        .filter(|d| d["engine"] == name);
                    list_response(of_engine, FILTERABLE, &req)
                },
            )
            .post(
                move |State(state): State<AppState>, JsonObject(body): JsonObject| async move {
                    create(&mut state.store(), name, &body)
                },
            ),
        )
        .route(
            &one,
            get(
                move |State(state): State<AppState>, ApiPath(id): ApiPath<u64>| async move {
                    get_response(Some(database(&state.store(), name, id)?))
                },
            )
            .put(
                move |State(state): State<AppState>,
                      ApiPath(id): ApiPath<u64>,
                      JsonObject(body): JsonObject| async move {
                    update(&mut state.store(), name, id, &body)
                },
            )
            .delete(
                move |State(state): State<AppState>, ApiPath(id): ApiPath<u64>| async move {
                    delete(&mut state.store(), name, id).map(|()| Json(json!({})))
                },
            ),
        )
        .route(
            &format!("{one}/credentials"),
            get(
                move |State(state): State<AppState>, ApiPath(id): ApiPath<u64>| async move {
                    credentials(&state.store(), name, id)
                },
            ),
        )
        .route(&format!("{one}/credentials/reset"), action(None))
        .route(
            &format!("{one}/ssl"),
            get(
                move |State(state): State<AppState>, ApiPath(id): ApiPath<u64>| async move {
                    ssl(&state.store(), name, id)
                },
            ),
        )
        .route(&format!("{one}/patch"), action(Some(PATCH)))
        .route(&format!("{one}/suspend"), action(Some(SUSPEND)))
        .route(&format!("{one}/resume"), action(Some(RESUME)))
}

fn entity(engine_name: &str, id: u64, label: &str) -> Entity {
    Entity::new(
        "database",
        id,
        label,
        format!("/v4/databases/{engine_name}/instances/{id}"),
    )
}

/// The database `id` of engine `name`, or 404 (a database of another engine is not found).
fn database<'a>(store: &'a Store, name: &str, id: u64) -> Result<&'a Value, ApiError> {
    store
        .table(DATABASES)
        .get(id)
        .filter(|d| d["engine"] == name)
        .ok_or_else(ApiError::not_found)
}

fn status(db: &Value) -> &str {
    db["status"].as_str().unwrap_or_default()
}

/// The database, when it is in one of `allowed` states; otherwise the API's 400.
fn in_state<'a>(
    store: &'a Store,
    name: &str,
    id: u64,
    allowed: &[&str],
) -> Result<&'a Value, ApiError> {
    let db = database(store, name, id)?;
    if allowed.contains(&status(db)) {
        Ok(db)
    } else {
        Err(ApiError::bad_request(format!(
            "Database is {}: this action needs it {}",
            status(db),
            allowed.join(" or ")
        )))
    }
}

/// The rule `databases.status`: a database's status (and its `updated`).
pub(super) fn status_rule(store: &mut Store, args: &Value) {
    if let (Some(id), Some(status)) = (args["id"].as_u64(), args["status"].as_str()) {
        set_status(store, id, status);
    }
}

fn set_status(store: &mut Store, id: u64, status: &str) {
    if let Some(db) = store.table_mut(DATABASES).get_mut(id) {
        db["status"] = Value::from(status);
        db["updated"] = Value::from(now());
    }
}

/// Puts the database in `during`, and back to `after` once `length` (at speed 1) has passed.
fn transition(
    store: &mut Store,
    name: &str,
    id: u64,
    event: &str,
    (during, after): (&str, &'static str),
    length: Duration,
) {
    let label = store.table(DATABASES).get(id).map_or(String::new(), |d| {
        d["label"].as_str().unwrap_or_default().to_owned()
    });
    set_status(store, id, during);
    store.record(
        Action::new(event, entity(name, id, &label))
            .lasting(length)
            .on_finish(Effect::rule(
                "databases.status",
                json!({"id": id, "status": after}),
            ))
            .on_fail(Effect::rule(
                "databases.status",
                json!({"id": id, "status": "failed"}),
            )),
    );
}

fn new_password(store: &mut Store, id: u64) -> String {
    let n = store.next_id("database_password", 1);
    format!("{:016x}{:08x}", mix(id ^ (n << 32)), mix(n) as u32)
}

/// Checks a database label: 3-32 letters, digits, dashes, underscores, starting with a letter.
fn check_label(label: &str) -> Result<(), &'static str> {
    if !(3..=32).contains(&label.chars().count()) {
        return Err("Length must be 3-32 characters");
    }
    if !label.starts_with(|c: char| c.is_ascii_alphabetic())
        || !label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(
            "Must begin with a letter and use only letters, numbers, dashes and underscores",
        );
    }
    Ok(())
}

fn read_allow_list(checks: &mut Checks, body: &Map<String, Value>) -> Option<Vec<String>> {
    let list = checks.strings(body, "allow_list")?;
    for (i, item) in list.iter().enumerate() {
        let ok = item.parse::<Ipv4Net>().is_ok() || item.parse::<std::net::Ipv4Addr>().is_ok();
        if !ok {
            checks.add(
                &format!("allow_list[{i}]"),
                "Must be an IPv4 address or range in CIDR notation",
            );
        }
    }
    checks.ok().then_some(list)
}

/// Checks `config` against `schema`, naming faults `engine_config.<path>`.
fn check_config(checks: &mut Checks, schema: &Value, config: &Map<String, Value>, path: &str) {
    for (key, value) in config {
        let field = format!("{path}.{key}");
        let Some(spec) = schema.get(key) else {
            checks.add(&field, "Unknown configuration key");
            continue;
        };
        // `type` is a name, or a list of names such as `["integer", "null"]`.
        let kinds: Vec<&str> = match &spec["type"] {
            Value::String(kind) => vec![kind.as_str()],
            Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if value.is_null() && kinds.contains(&"null") {
            continue;
        }
        let Some(&kind) = kinds.iter().find(|k| **k != "null") else {
            match value {
                Value::Object(inner) => check_config(checks, spec, inner, &field),
                _ => checks.add(&field, "Must be an object"),
            }
            continue;
        };
        let fits = match kind {
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => value.is_string(),
        };
        if !fits {
            checks.add(&field, format!("Must be of type {kind}"));
            continue;
        }
        if let Some(n) = value.as_f64() {
            let min = spec["minimum"].as_f64().unwrap_or(f64::MIN);
            let max = spec["maximum"].as_f64().unwrap_or(f64::MAX);
            if n < min || n > max {
                checks.add(&field, format!("Must be from {min} to {max}"));
            }
        }
        if let Some(allowed) = spec["enum"].as_array()
            && !allowed.contains(value)
        {
            checks.add(&field, "Must be one of the values the schema lists");
        }
    }
}

fn read_config(checks: &mut Checks, body: &Map<String, Value>, name: &str) -> Option<Value> {
    let config = checks.object(body, "engine_config")?;
    check_config(checks, &(engine(name).schema)(), config, "engine_config");
    Some(Value::Object(config.clone()))
}

/// Checks an `updates` window (MySQL and PostgreSQL, 4.229.1: `weekly` only, and no
/// `week_of_month`).
fn read_updates(checks: &mut Checks, body: &Map<String, Value>, name: &str) -> Option<Value> {
    let window = checks.object(body, "updates")?;
    let relational = name != "valkey";
    let frequency = match window.get("frequency") {
        None | Some(Value::Null) => None,
        Some(v) if v == "weekly" || (!relational && v == "monthly") => {
            v.as_str().map(str::to_owned)
        }
        Some(_) if relational => {
            checks.add("updates.frequency", "Must be weekly");
            None
        }
        Some(_) => {
            checks.add("updates.frequency", "Must be weekly or monthly");
            None
        }
    };
    if relational && window.contains_key("week_of_month") {
        checks.add(
            "updates.week_of_month",
            "Not a field of this engine's updates",
        );
    }
    let mut number = |key: &str, min: u64, max: u64| match window.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                checks.add(
                    &format!("updates.{key}"),
                    format!("Must be an integer from {min} to {max}"),
                );
                None
            }
        },
    };
    let duration = number("duration", 1, 4);
    let hour = number("hour_of_day", 0, 23);
    let day = number("day_of_week", 1, 7);
    let week = number("week_of_month", 1, 4);
    let mut window = json!({
        "frequency": frequency.unwrap_or_else(|| "weekly".into()),
        "duration": duration.unwrap_or(4),
        "hour_of_day": hour.unwrap_or(0),
        "day_of_week": day.unwrap_or(1),
        "week_of_month": week,
        "pending": [],
    });
    if relational && let Some(o) = window.as_object_mut() {
        o.remove("week_of_month");
    }
    Some(window)
}

/// Where to connect: the primary's host name, the standbys' one (for 2 or 3 nodes), and
/// every connection point (public unless the database is in a VPC without public access).
fn hosts(name: &str, id: u64, cluster_size: u64, public: bool) -> Value {
    let tag = engine(name).tag;
    let port = engine(name).port;
    let primary = format!("a{id}-akamai-prod-{tag}-primary.g2a.akamaidb.net");
    let standby =
        (cluster_size > 1).then(|| format!("replica-a{id}-akamai-prod-{tag}.g2a.akamaidb.net"));
    let mut endpoints =
        vec![json!({"address": primary, "port": port, "role": "primary", "public_access": public})];
    if let Some(standby) = &standby {
        endpoints.push(
            json!({"address": standby, "port": port, "role": "standby", "public_access": public}),
        );
    }
    json!({"primary": primary, "standby": standby, "endpoints": endpoints})
}

/// Whether a database is reachable from outside a VPC (it is when it is in none).
fn public_access(db: &Value) -> bool {
    db["private_network"]
        .as_object()
        .is_none_or(|n| n["public_access"] == true)
}

/// Cluster sizes: 1 or 3 nodes, or 2 on a dedicated node type.
fn read_cluster_size(
    checks: &mut Checks,
    body: &Map<String, Value>,
    type_id: Option<&str>,
) -> Option<u64> {
    let size = match body.get("cluster_size") {
        None | Some(Value::Null) => return None,
        Some(v) => v.as_u64().filter(|n| (1..=3).contains(n)),
    };
    let dedicated = type_id.is_some_and(|t| TYPES.iter().any(|r| r.0 == t && r.2 == "dedicated"));
    match size {
        Some(2) if !dedicated => {
            checks.add("cluster_size", "A 2 node cluster needs a dedicated type");
            None
        }
        Some(n) => Some(n),
        None => {
            checks.add("cluster_size", "Must be 1, 2 or 3");
            None
        }
    }
}

/// A `private_network`: a subnet of a VPC of the database's region; `null` takes the
/// database out of its VPC.
fn read_private_network(
    checks: &mut Checks,
    store: &Store,
    body: &Map<String, Value>,
    region: Option<&str>,
) -> Option<Value> {
    if body.get("private_network") == Some(&Value::Null) {
        return Some(Value::Null);
    }
    let network = checks.object(body, "private_network")?;
    let mut sub = Checks::default();
    let vpc_id = sub.unsigned(network, "vpc_id");
    let subnet_id = sub.unsigned(network, "subnet_id");
    let public = sub.boolean(network, "public_access").unwrap_or(false);
    for key in ["vpc_id", "subnet_id"] {
        sub.require(network, key);
    }
    if let Some(vpc_id) = vpc_id {
        match store.table("vpcs").get(vpc_id) {
            None => sub.add("vpc_id", "VPC not found"),
            Some(vpc) => {
                if region.is_some_and(|r| vpc["region"] != r) {
                    sub.add("vpc_id", "The VPC must be in the database's region");
                }
                let has = |id: u64| {
                    vpc["subnets"]
                        .as_array()
                        .is_some_and(|s| s.iter().any(|s| s["id"] == id))
                };
                if let Some(subnet_id) = subnet_id
                    && !has(subnet_id)
                {
                    sub.add("subnet_id", "Subnet not found in this VPC");
                }
            }
        }
    }
    let ok = sub.ok();
    for (field, reason) in sub.into_errors() {
        checks.add(&format!("private_network.{field}"), reason);
    }
    ok.then(|| json!({"vpc_id": vpc_id, "subnet_id": subnet_id, "public_access": public}))
}

/// A `fork`: an existing database of the same engine, and optionally a time to restore to.
fn read_fork(
    checks: &mut Checks,
    store: &Store,
    body: &Map<String, Value>,
    name: &str,
) -> Option<Value> {
    let fork = checks.object(body, "fork")?;
    let mut sub = Checks::default();
    sub.require(fork, "source");
    let source = sub.unsigned(fork, "source");
    let time = sub.string(fork, "restore_time");
    if let Some(source) = source
        && store
            .table(DATABASES)
            .get(source)
            .is_none_or(|d| d["engine"] != name)
    {
        sub.add("source", format!("No {name} database with this id"));
    }
    let ok = sub.ok();
    for (field, reason) in sub.into_errors() {
        checks.add(&format!("fork.{field}"), reason);
    }
    ok.then(
        || json!({"source": source, "restore_time": time.map_or(Value::from(now()), Value::from)}),
    )
}

fn members(id: u64, cluster_size: u64) -> Value {
    let mut map = Map::new();
    for n in 0..cluster_size {
        let role = if n == 0 { "primary" } else { "failover" };
        map.insert(
            format!("172.104.{}.{}", (id % 250) + 1, n + 10),
            Value::from(role),
        );
    }
    Value::Object(map)
}

fn create(
    store: &mut Store,
    name: &'static str,
    body: &Map<String, Value>,
) -> Result<Json<Value>, ApiError> {
    let mut checks = Checks::default();
    // 4.229.1, MySQL and PostgreSQL: a body with a `fork` is a restore, whose only required
    // field is `fork` (the rest defaults to the source's) and which has no `engine`.
    let source = (name != "valkey")
        .then(|| body.get("fork").and_then(|f| f.get("source")))
        .flatten()
        .and_then(Value::as_u64)
        .and_then(|id| store.table(DATABASES).get(id))
        .filter(|d| d["engine"] == name)
        .cloned();
    let restore = name != "valkey" && body.get("fork").is_some_and(|f| !f.is_null());
    let absent = |key: &str| body.get(key).is_none_or(Value::is_null);
    if !restore {
        checks.require(body, "label");
    }
    let taken = "Label must be unique among your databases";
    let label = checks.unique_label(body, store.table(DATABASES), None, check_label, taken);
    let region = match &source {
        Some(src) if absent("region") => src["region"].as_str().map(str::to_owned),
        _ if restore && absent("region") => None,
        _ => checks.region_offering(
            body,
            "Managed Databases",
            "Managed Databases are not available in this region",
        ),
    };
    let type_id = match &source {
        Some(src) if absent("type") => src["type"].as_str().map(str::to_owned),
        _ if restore && absent("type") => None,
        _ => checks.required(body, "type"),
    };
    if let Some(t) = &type_id
        && !TYPES.iter().any(|row| row.0 == t)
    {
        checks.add("type", "Type not found");
    }
    let version = if restore {
        if !absent("engine") {
            checks.add(
                "engine",
                "A restore takes the source's engine: engine can't be set",
            );
        }
        source
            .as_ref()
            .and_then(|s| s["version"].as_str().map(str::to_owned))
    } else {
        checks.required(body, "engine").and_then(|e| {
            let version = e.strip_prefix(&format!("{name}/")).map(str::to_owned);
            match version {
                Some(v) if engine(name).versions.contains(&v.as_str()) => Some(v),
                _ => {
                    checks.add(
                        "engine",
                        format!("Must be a {name} version of /databases/engines"),
                    );
                    None
                }
            }
        })
    };
    let cluster_size = if absent("cluster_size") {
        Some(
            source
                .as_ref()
                .and_then(|s| s["cluster_size"].as_u64())
                .unwrap_or(1),
        )
    } else {
        read_cluster_size(&mut checks, body, type_id.as_deref())
    };
    let allow_list = read_allow_list(&mut checks, body).or_else(|| {
        source
            .as_ref()
            .map(|s| s["allow_list"].clone())
            .and_then(|l| serde_json::from_value::<Vec<String>>(l).ok())
    });
    let ssl = checks.boolean(body, "ssl_connection");
    let config = read_config(&mut checks, body, name)
        .or_else(|| source.as_ref().map(|s| s["engine_config"].clone()));
    let region_id = region.clone();
    let network = read_private_network(&mut checks, store, body, region_id.as_deref());
    let fork = read_fork(&mut checks, store, body, name);
    let (Some(region), Some(type_id), Some(version), Some(cluster_size)) =
        checks.finish((region, type_id, version, cluster_size))?
    else {
        return Err(ApiError::field("fork.source", "No database with this id"));
    };
    let network = network.unwrap_or(Value::Null);
    let public = public_access(&json!({"private_network": network}));
    let id = store.next_id("database", FIRST_DATABASE_ID);
    // Invented: the API does not say what label a restore without one gets.
    let label = label.unwrap_or_else(|| {
        let suffix = format!("-{id}");
        let base: String = source
            .as_ref()
            .and_then(|s| s["label"].as_str())
            .unwrap_or("fork")
            .chars()
            .take(32 - suffix.len())
            .collect();
        format!("{base}{suffix}")
    });
    let disk = TYPES.iter().find(|r| r.0 == type_id).map_or(0, |r| r.5);
    let ts = now();
    let mut db = json!({
        "id": id,
        "label": label,
        "engine": name,
        "version": version,
        "region": region,
        "type": type_id,
        "status": "provisioning",
        "cluster_size": cluster_size,
        "allow_list": allow_list.unwrap_or_default(),
        "ssl_connection": ssl.unwrap_or(true),
        "encrypted": true,
        "platform": "rdbms-default",
        "hosts": hosts(name, id, cluster_size, public),
        "port": engine(name).port,
        "members": members(id, cluster_size),
        "engine_config": config.unwrap_or_else(|| json!({})),
        "updates": {"frequency": "weekly", "duration": 4, "hour_of_day": 0, "day_of_week": 1,
                    "week_of_month": null, "pending": []},
        "fork": fork.unwrap_or(Value::Null),
        "oldest_restore_time": ts,
        "available_restore_times": [],
        "total_disk_size_gb": disk / 1024,
        // 4.229.1: `null` for Valkey.
        "used_disk_size_gb": if name == "valkey" { Value::Null } else { Value::from(0) },
        "private_network": network,
        "created": ts,
        "updated": ts,
    });
    if name != "valkey" {
        // 4.229.1: the MySQL and PostgreSQL instance objects have neither
        // `available_restore_times` nor `updates.week_of_month` (Valkey's has them).
        if let Some(o) = db.as_object_mut() {
            o.remove("available_restore_times");
        }
        if let Some(o) = db["updates"].as_object_mut() {
            o.remove("week_of_month");
        }
    }
    if name == "postgresql" {
        db["connection_pool_port"] = Value::from(POOL_PORT);
    }
    store.table_mut(DATABASES).insert(id, db.clone());
    let password = new_password(store, id);
    store
        .table_mut(PASSWORDS)
        .insert(id, json!({"password": password}));
    store.table_mut(POOLS).insert(id, json!({"pools": []}));
    transition(
        store,
        name,
        id,
        "database_create",
        ("provisioning", "active"),
        durations::CREATE,
    );
    Ok(Json(db))
}

fn update(
    store: &mut Store,
    name: &'static str,
    id: u64,
    body: &Map<String, Value>,
) -> Result<Json<Value>, ApiError> {
    let current = database(store, name, id)?.clone();
    let mut checks = Checks::default();
    let taken = "Label must be unique among your databases";
    let label = checks.unique_label(body, store.table(DATABASES), Some(id), check_label, taken);
    let allow_list = read_allow_list(&mut checks, body);
    let updates = read_updates(&mut checks, body, name);
    let type_id = checks.string(body, "type");
    if let Some(t) = &type_id
        && !TYPES.iter().any(|row| row.0 == t)
    {
        checks.add("type", "Type not found");
    }
    let relational = name != "valkey";
    // 4.229.1 (MySQL, PostgreSQL): no new `allow_list` with a new `type`; `version` upgrades
    // the engine in place.
    if relational && allow_list.is_some() && type_id.is_some() {
        checks.add(
            "type",
            "Can't set a new type and the allow_list in one request",
        );
    }
    let version = if relational {
        checks.string(body, "version")
    } else {
        None
    };
    if let Some(v) = &version
        && !engine(name).versions.contains(&v.as_str())
    {
        checks.add(
            "version",
            format!("Must be a {name} version of /databases/engines"),
        );
    }
    let upgrade = version
        .as_ref()
        .is_some_and(|v| current["version"] != v.as_str());
    let new_type = type_id
        .as_deref()
        .or(current["type"].as_str())
        .map(str::to_owned);
    let cluster_size = read_cluster_size(&mut checks, body, new_type.as_deref());
    let network = read_private_network(&mut checks, store, body, current["region"].as_str());
    if let (Some(n), Some(was)) = (cluster_size, current["cluster_size"].as_u64())
        && n < was
    {
        checks.add("cluster_size", "A cluster cannot be made smaller");
    }
    let config = read_config(&mut checks, body, name);
    checks.finish(())?;
    let resize = type_id
        .as_ref()
        .is_some_and(|t| current["type"] != t.as_str())
        || cluster_size.is_some_and(|n| current["cluster_size"] != n);
    let reconfigure = config.is_some() || upgrade;
    let needed: &[&str] = if resize || reconfigure {
        &["active"]
    } else {
        PROVISIONED
    };
    in_state(store, name, id, needed)?;
    let db = store
        .table_mut(DATABASES)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(label) = label {
        db["label"] = Value::from(label);
    }
    if let Some(list) = allow_list {
        db["allow_list"] = Value::from(list);
    }
    if let Some(v) = version {
        db["version"] = Value::from(v);
    }
    if let Some(window) = updates {
        db["updates"] = window;
    }
    if let Some(t) = &type_id {
        db["type"] = Value::from(t.as_str());
        let disk = TYPES.iter().find(|r| r.0 == t).map_or(0, |r| r.5);
        db["total_disk_size_gb"] = Value::from(disk / 1024);
    }
    if let Some(network) = network {
        db["private_network"] = network;
    }
    if let Some(n) = cluster_size {
        db["cluster_size"] = Value::from(n);
        db["members"] = members(id, n);
    }
    let size = db["cluster_size"].as_u64().unwrap_or(1);
    db["hosts"] = hosts(name, id, size, public_access(db));
    if let Some(Value::Object(new)) = config {
        merge(&mut db["engine_config"], new);
    }
    db["updated"] = Value::from(now());
    let label = db["label"].as_str().unwrap_or_default().to_owned();
    if resize {
        transition(
            store,
            name,
            id,
            "database_resize",
            ("resizing", "active"),
            durations::RESIZE,
        );
    } else if reconfigure {
        transition(
            store,
            name,
            id,
            "database_update",
            ("updating", "active"),
            durations::UPDATE,
        );
    } else {
        store.record(Action::new("database_update", entity(name, id, &label)));
    }
    get_response(store.table(DATABASES).get(id))
}

/// Merges `new` into the configuration `into`, group by group.
fn merge(into: &mut Value, new: Map<String, Value>) {
    if !into.is_object() {
        *into = json!({});
    }
    for (key, value) in new {
        match (into.get_mut(&key), value) {
            (Some(old @ Value::Object(_)), Value::Object(inner)) => merge(old, inner),
            (_, value) => {
                into[key.as_str()] = value;
            }
        }
    }
}

fn delete(store: &mut Store, name: &'static str, id: u64) -> Result<(), ApiError> {
    let label = database(store, name, id)?["label"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    store.table_mut(DATABASES).remove(id);
    store.table_mut(PASSWORDS).remove(id);
    store.table_mut(POOLS).remove(id);
    store.record(Action::new("database_delete", entity(name, id, &label)));
    Ok(())
}

/// Every state but `provisioning`: credentials and certificate exist once it is over.
const PROVISIONED: &[&str] = &[
    "active",
    "suspended",
    "suspending",
    "resuming",
    "resizing",
    "updating",
    "failed",
];

fn credentials(store: &Store, name: &str, id: u64) -> Result<Json<Value>, ApiError> {
    in_state(store, name, id, PROVISIONED)?;
    let password = store
        .table(PASSWORDS)
        .get(id)
        .map_or(Value::Null, |p| p["password"].clone());
    Ok(Json(
        json!({"username": engine(name).username, "password": password}),
    ))
}

fn reset_credentials(store: &mut Store, name: &'static str, id: u64) -> Result<(), ApiError> {
    let label = in_state(store, name, id, &["active"])?["label"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let password = new_password(store, id);
    store
        .table_mut(PASSWORDS)
        .insert(id, json!({"password": password}));
    store.record(Action::new(
        "database_credentials_reset",
        entity(name, id, &label),
    ));
    Ok(())
}

/// A fixed, made-up CA certificate (base64 of a PEM block, as the API sends it).
const CA_CERTIFICATE: &str =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJzYW5kYm94Q0EKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";

fn ssl(store: &Store, name: &str, id: u64) -> Result<Json<Value>, ApiError> {
    in_state(store, name, id, PROVISIONED)?;
    Ok(Json(json!({"ca_certificate": CA_CERTIFICATE})))
}

/// An action that needs one state and moves the database through another to a third:
/// (state needed, event, state during, state after, length at speed 1).
type Step = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Duration,
);

const PATCH: Step = (
    "active",
    "database_update",
    "updating",
    "active",
    durations::UPDATE,
);
const SUSPEND: Step = (
    "active",
    "database_suspend",
    "suspending",
    "suspended",
    durations::SUSPEND,
);
const RESUME: Step = (
    "suspended",
    "database_resume",
    "resuming",
    "active",
    durations::SUSPEND,
);

fn step(store: &mut Store, name: &'static str, id: u64, step: Step) -> Result<(), ApiError> {
    let (needs, event, during, after, length) = step;
    in_state(store, name, id, &[needs])?;
    transition(store, name, id, event, (during, after), length);
    Ok(())
}

// PostgreSQL connection pools.

fn pools(store: &Store, id: u64) -> Result<Vec<Value>, ApiError> {
    database(store, "postgresql", id)?;
    Ok(store
        .table(POOLS)
        .get(id)
        .and_then(|p| p["pools"].as_array().cloned())
        .unwrap_or_default())
}

fn save_pools(store: &mut Store, id: u64, pools: Vec<Value>) {
    store.table_mut(POOLS).insert(id, json!({"pools": pools}));
}

const POOL_MODES: &[&str] = &["transaction", "session", "statement"];

/// Reads a pool's settings; on create, those not given take 4.229.1's defaults (`defaultdb`,
/// `transaction`, 10 connections, the inbound user).
fn read_pool(checks: &mut Checks, body: &Map<String, Value>, create: bool) -> Map<String, Value> {
    let mut out = Map::new();
    if create {
        out.insert("database".into(), Value::from("defaultdb"));
        out.insert("mode".into(), Value::from("transaction"));
        out.insert("size".into(), Value::from(10));
    }
    if let Some(db) = checks.sized(body, "database", 1, 63) {
        out.insert("database".into(), Value::from(db));
    }
    if let Some(mode) = checks.one_of(body, "mode", POOL_MODES) {
        out.insert("mode".into(), Value::from(mode));
    }
    if let Some(size) = checks.integer(body, "size", 1, 10_000) {
        out.insert("size".into(), Value::from(size));
    }
    match body.get("username") {
        None => {}
        Some(Value::Null) => {
            out.insert("username".into(), Value::Null);
        }
        Some(_) => {
            if let Some(user) = checks.sized(body, "username", 1, 63) {
                out.insert("username".into(), Value::from(user));
            }
        }
    }
    out
}

async fn list_pools(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let pools = pools(&state.store(), id)?;
    list_response(&pools, &[], &req)
}

async fn get_pool(
    State(state): State<AppState>,
    ApiPath((id, name)): ApiPath<(u64, String)>,
) -> Result<Json<Value>, ApiError> {
    let pools = pools(&state.store(), id)?;
    get_response(pools.iter().find(|p| p["label"] == name.as_str()))
}

async fn create_pool(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut list = pools(&store, id)?;
    let mut checks = Checks::default();
    let label = checks.required(&body, "label");
    if let Some(l) = &label {
        let pattern = l
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !l.starts_with('-');
        if checks.length("label", l, 1, 63) {
            if !pattern {
                checks.add(
                    "label",
                    "Must use letters, digits, underscores and dashes, not starting with a dash",
                );
            } else if list.iter().any(|p| p["label"] == l.as_str()) {
                checks.add("label", "A connection pool with this label already exists");
            }
        }
    }
    let mut fields = read_pool(&mut checks, &body, true);
    let label = checks.finish(label)?.unwrap_or_default();
    fields.insert("label".into(), Value::from(label.as_str()));
    fields.entry("username").or_insert(Value::Null);
    let pool = Value::Object(fields);
    list.push(pool.clone());
    save_pools(&mut store, id, list);
    let db_label = store.table(DATABASES).get(id).map_or(String::new(), |d| {
        d["label"].as_str().unwrap_or_default().to_owned()
    });
    store.record(Action::new(
        "database_connection_pool_create",
        entity("postgresql", id, &db_label),
    ));
    Ok(Json(pool))
}

async fn update_pool(
    State(state): State<AppState>,
    ApiPath((id, name)): ApiPath<(u64, String)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut list = pools(&store, id)?;
    let index = list
        .iter()
        .position(|p| p["label"] == name.as_str())
        .ok_or_else(ApiError::not_found)?;
    let mut checks = Checks::default();
    let fields = read_pool(&mut checks, &body, false);
    checks.finish(())?;
    for (key, value) in fields {
        list[index][key.as_str()] = value;
    }
    let pool = list[index].clone();
    save_pools(&mut store, id, list);
    Ok(Json(pool))
}

async fn delete_pool(
    State(state): State<AppState>,
    ApiPath((id, name)): ApiPath<(u64, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut list = pools(&store, id)?;
    let before = list.len();
    list.retain(|p| p["label"] != name.as_str());
    if list.len() == before {
        return Err(ApiError::not_found());
    }
    save_pools(&mut store, id, list);
    Ok(Json(json!({})))
}
