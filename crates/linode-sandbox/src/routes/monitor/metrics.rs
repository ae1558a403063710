//! The per-service token and the metrics query.
//!
//! `POST /monitor/services/{serviceType}/token` hands out a token for 1 to 100 entities of the
//! service that exist (kept in `monitor_tokens`, valid six hours). The metrics query is served
//! where the metrics host serves it, `/v2beta/monitor/services/{serviceType}/metrics` (and
//! `/v2/...`), and also under `/v4` for the same template: only with a token of that service as
//! bearer (any other answers 401 `Invalid Token`), for entities the token covers (others: 403).
//!
//! The answer is synthetic and deterministic: the value of a metric for an entity (and
//! dimension value) at a time is a function of those alone, so the same query gives the same
//! series, and two windows agree where they overlap. Points are aligned on the granularity
//! (5 minutes unless `time_granularity` says otherwise, at most 1440 points); a relative window
//! ends at the sandbox clock's now. Series are grouped as `group_by` says (`entity_id` and
//! dimensions), each aggregating its members with the metric's `aggregate_function`; the
//! series labels are `metric_name` (`<function>_<metric>`), then the grouped fields.

use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Json;
use axum::routing::post;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::super::checks::Checks;
use super::super::{ApiPath, AppState, JsonObject};
use super::catalog::{AGGREGATES, Metric};
use super::{entity_id, entity_label, service};
use crate::error::ApiError;
use crate::store::{Store, mix};

const TOKENS: &str = "monitor_tokens";
/// How long a token is valid.
const TOKEN_LIFETIME: Duration = Duration::from_secs(6 * 3600);
/// Most points one series may have.
const MAX_POINTS: u64 = 1440;
/// Longest absolute window.
const MAX_WINDOW: u64 = 31 * 86400;
const UNITS: [&str; 4] = ["sec", "min", "hr", "days"];

/// The metrics host's routes, outside `/v4` (where the API serves them too: on their own
/// host, under `/v2beta`), each answer naming its route like the API's.
pub(in crate::routes) fn host_routes() -> Router<AppState> {
    Router::new()
        .route("/v2beta/monitor/services/{service}/metrics", post(query))
        .route("/v2/monitor/services/{service}/metrics", post(query))
        .route_layer(axum::middleware::from_fn(crate::routes::mark_route))
}

pub(super) async fn token(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    service(&name)?;
    let mut store = state.store();
    let ids: Option<Vec<u64>> = match body.get("entity_ids") {
        Some(Value::Array(items)) if (1..=100).contains(&items.len()) => {
            items.iter().map(entity_id).collect()
        }
        None | Some(Value::Null) => {
            return Err(ApiError::field("entity_ids", "entity_ids is required"));
        }
        _ => None,
    };
    let ids =
        ids.ok_or_else(|| ApiError::field("entity_ids", "Must be an array of 1 to 100 IDs"))?;
    if let Some(missing) = ids
        .iter()
        .find(|id| entity_label(&store, &name, **id).is_none())
    {
        return Err(ApiError::field(
            "entity_ids",
            format!("Entity {missing} of service {name} not found"),
        ));
    }
    let n = store.next_id("monitor_token", 1);
    let secret = format!(
        "{:016x}{:016x}",
        mix(n ^ 0x6d6f_6e69),
        mix(n.rotate_left(17))
    );
    let expiry = store.clock.wall() + TOKEN_LIFETIME;
    let expiry = expiry.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    store.table_mut(TOKENS).insert(
        n,
        json!({"id": n, "token": secret, "service_type": name, "entity_ids": ids, "expiry": expiry}),
    );
    Ok(Json(json!({ "token": secret })))
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The entities the presented token covers for `service_type`, or 401.
fn covered(store: &Store, headers: &HeaderMap, service_type: &str) -> Result<Vec<u64>, ApiError> {
    let presented = bearer(headers).ok_or_else(ApiError::unauthorized)?;
    let now = store
        .clock
        .wall()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    store
        .table(TOKENS)
        .values()
        .find(|t| {
            t["token"] == presented.as_str()
                && t["service_type"] == service_type
                && t["expiry"].as_u64().is_some_and(|e| e > now)
        })
        .map(|t| {
            t["entity_ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_u64)
                .collect()
        })
        .ok_or_else(ApiError::unauthorized)
}

fn seconds(unit: &str, value: u64) -> u64 {
    value.saturating_mul(match unit {
        "sec" => 1,
        "min" => 60,
        "hr" => 3600,
        _ => 86400,
    })
}

/// Reads `{"unit", "value"}` at `key` as seconds.
fn span(c: &mut Checks, body: &Map<String, Value>, key: &str) -> Option<u64> {
    let span = c.object(body, key)?;
    let unit = span.get("unit").and_then(Value::as_str).unwrap_or_default();
    if !UNITS.contains(&unit) {
        c.add(&format!("{key}.unit"), "Must be one of sec, min, hr, days");
        return None;
    }
    match span.get("value").and_then(Value::as_u64) {
        Some(v) if v >= 1 => Some(seconds(unit, v)),
        _ => {
            c.add(&format!("{key}.value"), "Must be a positive integer");
            None
        }
    }
}

fn instant(c: &mut Checks, field: &str, value: Option<&Value>) -> Option<i64> {
    let parsed = value
        .and_then(Value::as_str)
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
    match parsed {
        Some(t) => Some(t.unix_timestamp()),
        None => {
            c.add(field, "Must be a date-time in ISO 8601 format (UTC)");
            None
        }
    }
}

/// A dimension filter of the query.
struct Filter {
    dimension: String,
    operator: String,
    value: String,
}

impl Filter {
    fn keeps(&self, value: &str) -> bool {
        match self.operator.as_str() {
            "eq" => value == self.value,
            "neq" => value != self.value,
            "startswith" => value.starts_with(&self.value),
            "endswith" => value.ends_with(&self.value),
            _ => self.value.split(',').any(|v| v.trim() == value),
        }
    }
}

/// The synthetic value of `metric` for one entity and dimension value at time `t`: the
/// metric's level plus a share of its spread picked by a hash of all four.
fn sample(service_type: &str, metric: &Metric, entity: u64, dimension: &str, t: i64) -> f64 {
    let mut h = entity ^ (t as u64).rotate_left(20);
    for b in service_type
        .bytes()
        .chain(metric.name.bytes())
        .chain(dimension.bytes())
    {
        h = mix(h ^ u64::from(b));
    }
    let share = (mix(h) % 10_000) as f64 / 10_000.0;
    let value = metric.base + metric.spread * share;
    (value * 100.0).round() / 100.0
}

fn aggregate(function: &str, samples: &[f64]) -> f64 {
    let value = match function {
        "min" => samples.iter().copied().fold(f64::INFINITY, f64::min),
        "max" => samples.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        "sum" => samples.iter().sum(),
        _ => samples.iter().sum::<f64>() / samples.len().max(1) as f64,
    };
    (value * 100.0).round() / 100.0
}

/// Formats a value as the API does: a string, without a fraction when whole.
fn shown(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

async fn query(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let svc = service(&name)?;
    let store = state.store();
    let allowed = covered(&store, &headers, &name)?;
    let mut c = Checks::default();
    c.require(&body, "metrics");
    c.require(&body, "entity_ids");
    let mut metrics: Vec<(&'static Metric, String)> = Vec::new();
    match body.get("metrics") {
        Some(Value::Array(items)) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                let metric_name = item["name"].as_str().unwrap_or_default();
                let function = item["aggregate_function"].as_str().unwrap_or_default();
                let Some(metric) = svc.metric(metric_name) else {
                    c.add(
                        &format!("metrics[{i}].name"),
                        format!("{metric_name:?} is not a metric of {name}"),
                    );
                    continue;
                };
                if !AGGREGATES.contains(&function) {
                    c.add(
                        &format!("metrics[{i}].aggregate_function"),
                        format!("Must be one of {}", AGGREGATES.join(", ")),
                    );
                    continue;
                }
                metrics.push((metric, function.to_owned()));
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => c.add("metrics", "Must be a non-empty array of metrics"),
    }
    let mut entities: Vec<u64> = Vec::new();
    match body.get("entity_ids") {
        Some(Value::Array(items)) if !items.is_empty() => {
            for item in items {
                match entity_id(item) {
                    Some(id) if entity_label(&store, &name, id).is_some() => entities.push(id),
                    _ => {
                        c.add(
                            "entity_ids",
                            format!("Entity {item} of service {name} not found"),
                        );
                        break;
                    }
                }
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => c.add("entity_ids", "Must be a non-empty array of entity IDs"),
    }
    let relative = body
        .get("relative_time_duration")
        .is_some_and(|v| !v.is_null());
    let absolute = body
        .get("absolute_time_duration")
        .is_some_and(|v| !v.is_null());
    let now = store
        .clock
        .wall()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let window = match (relative, absolute) {
        (true, true) | (false, false) => {
            c.add(
                "relative_time_duration",
                "Give either relative_time_duration or absolute_time_duration",
            );
            None
        }
        (true, false) => {
            span(&mut c, &body, "relative_time_duration").map(|length| (now - length as i64, now))
        }
        (false, true) => {
            let at = c.object(&body, "absolute_time_duration").cloned();
            at.and_then(|at| {
                let start = instant(&mut c, "absolute_time_duration.start", at.get("start"));
                let end = instant(&mut c, "absolute_time_duration.end", at.get("end"));
                let (start, end) = (start?, end?);
                if end <= start || (end - start) as u64 > MAX_WINDOW {
                    c.add(
                        "absolute_time_duration",
                        "end must follow start, at most 31 days later",
                    );
                    return None;
                }
                Some((start, end))
            })
        }
    };
    let step = if body.contains_key("time_granularity") {
        span(&mut c, &body, "time_granularity")
    } else {
        Some(300)
    };
    let group_by = c.strings(&body, "group_by").unwrap_or_default();
    for key in &group_by {
        let known = key == "entity_id" || metrics.iter().any(|(m, _)| m.dimension(key).is_some());
        if !known {
            c.add(
                "group_by",
                format!("{key:?} is neither entity_id nor a dimension"),
            );
        }
    }
    let mut filters = Vec::new();
    for (i, f) in body
        .get("filters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let operator = f["operator"].as_str().unwrap_or_default();
        if !["eq", "neq", "startswith", "endswith"].contains(&operator) {
            c.add(
                &format!("filters[{i}].operator"),
                "Must be one of eq, neq, startswith, endswith",
            );
            continue;
        }
        filters.push(Filter {
            dimension: f["dimension_label"].as_str().unwrap_or_default().to_owned(),
            operator: operator.to_owned(),
            value: f["value"].as_str().unwrap_or_default().to_owned(),
        });
    }
    let (window, step) = c.finish((window, step))?;
    let ((start, end), step) = (window.unwrap_or_default(), step.unwrap_or(300));
    if let Some(id) = entities.iter().find(|id| !allowed.contains(id)) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!("The token does not cover entity {id}"),
        ));
    }
    let step = step as i64;
    let first = start.div_euclid(step) * step + if start % step == 0 { 0 } else { step };
    let last = end.div_euclid(step) * step;
    let points = if last < first {
        0
    } else {
        (last - first) / step + 1
    };
    if points as u64 > MAX_POINTS {
        return Err(ApiError::field(
            "time_granularity",
            format!("The window holds {points} points; at most {MAX_POINTS}"),
        ));
    }
    let times: Vec<i64> = (0..points).map(|i| first + i * step).collect();
    let by_entity = group_by.iter().any(|g| g == "entity_id");
    let mut result = Vec::new();
    for (metric, function) in &metrics {
        // Each member: an entity and, for a metric with a dimension, one of its values.
        let (dimension, values): (Option<&str>, Vec<&str>) = match metric.dimensions.first() {
            Some((d, _, values)) => {
                let kept = values
                    .iter()
                    .copied()
                    .filter(|v| {
                        filters
                            .iter()
                            .filter(|f| f.dimension == *d)
                            .all(|f| f.keeps(v))
                    })
                    .collect();
                (Some(d), kept)
            }
            None => (None, vec![""]),
        };
        let by_dimension = dimension.is_some_and(|d| group_by.iter().any(|g| g == d));
        let entity_groups: Vec<Vec<u64>> = if by_entity {
            entities.iter().map(|e| vec![*e]).collect()
        } else {
            vec![entities.clone()]
        };
        let value_groups: Vec<Vec<&str>> = if by_dimension {
            values.iter().map(|v| vec![*v]).collect()
        } else {
            vec![values.clone()]
        };
        for members in &entity_groups {
            for dims in &value_groups {
                if dims.is_empty() {
                    continue;
                }
                let mut labels = Map::new();
                labels.insert(
                    "metric_name".into(),
                    json!(format!("{function}_{}", metric.name)),
                );
                if by_entity {
                    labels.insert("entity_id".into(), json!(members[0].to_string()));
                }
                if let (true, Some(d)) = (by_dimension, dimension) {
                    labels.insert(d.into(), json!(dims[0]));
                }
                let series: Vec<Value> = times
                    .iter()
                    .map(|&t| {
                        let samples: Vec<f64> = members
                            .iter()
                            .flat_map(|e| dims.iter().map(move |v| (e, v)))
                            .map(|(e, v)| sample(&name, metric, *e, v, t))
                            .collect();
                        json!([t, shown(aggregate(function, &samples))])
                    })
                    .collect();
                result.push(json!({"metric": labels, "values": series}));
            }
        }
    }
    let fetched = result.len();
    Ok(Json(json!({
        "data": {"result": result, "resultType": "matrix"},
        "isPartial": false,
        "stats": {"executionTimeMsec": 3 + fetched, "seriesFetched": fetched.to_string()},
        "status": "success",
    })))
}
