//! Alert definitions and notification channels.
//!
//! Rules kept:
//! - a definition belongs to a monitored service; its rules name metrics of that service with
//!   one of their aggregate functions and dimensions; its trigger conditions use the periods
//!   the API offers (300, 900, 1800, 3600 s); its channels must exist; its `entity_ids` must be
//!   entities of the service that exist; its label is unique among the service's definitions;
//! - a new or cloned definition is `provisioning`, then `enabled`; a status change answers
//!   `enabling`/`disabling`, then holds;
//! - built-in (`system`) definitions and channels can't be deleted, nor channels changed;
//! - a channel used by a definition can't be deleted (take it out of the definitions first);
//! - at most five `user` channels; e-mail recipients are usernames of the account.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::super::checks::{Checks, is_http_url};
use super::super::{ApiPath, AppState, JsonObject, ListRequest, list_response};
use super::catalog::{self, AGGREGATES};
use super::{empty, entity_id, entity_label, now, prepared, service, username};
use crate::error::ApiError;
use crate::store::Store;

/// The collection of alert definitions.
pub(super) const DEFINITIONS: &str = "monitor_alert_definitions";
/// The collection of notification channels.
pub(super) const CHANNELS: &str = "monitor_alert_channels";

/// The id of the built-in channel and of the built-in definition.
const SYSTEM_ID: u64 = 10000;
/// First id handed out to a user channel or definition.
const FIRST_ID: u64 = 10001;
/// Most user channels an account may have.
const MAX_USER_CHANNELS: usize = 5;

const DEFINITION_FILTERABLE: &[&str] = &["id", "label", "type"];
const CHANNEL_FILTERABLE: &[&str] = &["id", "label"];
const PERIODS: [u64; 4] = [300, 900, 1800, 3600];
const RULE_OPERATORS: [&str; 5] = ["eq", "gt", "lt", "gte", "lte"];
const FILTER_OPERATORS: [&str; 5] = ["eq", "neq", "startswith", "endswith", "in"];
const SCOPES: [&str; 3] = ["entity", "region", "account"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/monitor/alert-definitions", get(list_all_definitions))
        .route(
            "/monitor/services/{service}/alert-definitions",
            get(list_service_definitions).post(create_definition),
        )
        .route(
            "/monitor/services/{service}/alert-definitions/{id}",
            get(get_definition)
                .put(update_definition)
                .delete(delete_definition),
        )
        .route(
            "/monitor/services/{service}/alert-definitions/{id}/clone",
            post(clone_definition),
        )
        .route(
            "/monitor/services/{service}/alert-definitions/{id}/entities",
            get(list_entities),
        )
        .route(
            "/monitor/alert-channels",
            get(list_channels).post(create_channel),
        )
        .route(
            "/monitor/alert-channels/{id}",
            get(get_channel).put(update_channel).delete(delete_channel),
        )
        .route(
            "/monitor/alert-channels/{id}/alerts",
            get(list_channel_alerts),
        )
}

/// Puts the built-in channel and definition in place (once per store), and finishes status
/// changes answered at the previous request.
pub(super) fn prepare(store: &mut Store) {
    if store.table(CHANNELS).get(SYSTEM_ID).is_none() {
        store.table_mut(CHANNELS).insert(
            SYSTEM_ID,
            json!({
                "id": SYSTEM_ID,
                "label": "Read-Write Channel",
                "channel_type": "email",
                "type": "system",
                "details": {"email": {"usernames": [], "recipient_type": "read_write_users"}},
                "created": "2025-03-20T01:41:09",
                "created_by": "system",
                "updated": "2025-03-20T01:41:09",
                "updated_by": "system",
            }),
        );
    }
    if store.table(DEFINITIONS).get(SYSTEM_ID).is_none() {
        store.table_mut(DEFINITIONS).insert(
            SYSTEM_ID,
            json!({
                "id": SYSTEM_ID,
                "label": "High Memory Usage Plan Dedicated",
                "description": "Memory usage of a dedicated database plan above 95%",
                "service_type": "dbaas",
                "severity": 2,
                "type": "system",
                "status": "enabled",
                "scope": "account",
                "regions": [],
                "entity_ids": [],
                "group_by": ["entity_id"],
                "rule_criteria": {"rules": [{
                    "aggregate_function": "avg", "dimension_filters": [], "label": "Memory Usage",
                    "metric": "memory_usage", "operator": "gt", "threshold": 95.0, "unit": "percent"
                }]},
                "trigger_conditions": {"criteria_condition": "ALL",
                    "evaluation_period_seconds": 300, "polling_interval_seconds": 300,
                    "trigger_occurrences": 3},
                "channel_ids": [SYSTEM_ID],
                "class": "dedicated",
                "created": "2025-03-20T01:42:11",
                "created_by": "system",
                "updated": "2025-03-20T01:42:11",
                "updated_by": "system",
            }),
        );
    }
    for (_, definition) in store.table_mut(DEFINITIONS).iter_mut() {
        let settled = match definition["status"].as_str() {
            Some("provisioning" | "enabling") => "enabled",
            Some("disabling") => "disabled",
            _ => continue,
        };
        definition["status"] = Value::from(settled);
    }
}

/// A definition as the API shows it: channels and entities summarised from the current state.
fn render_definition(store: &Store, stored: &Value) -> Value {
    let mut shown = stored.clone();
    let id = stored["id"].as_u64().unwrap_or_default();
    let service_type = stored["service_type"].as_str().unwrap_or_default();
    let channels: Vec<Value> = stored["channel_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .filter_map(|cid| store.table(CHANNELS).get(cid))
        .map(|c| {
            json!({"id": c["id"], "label": c["label"], "type": c["channel_type"],
                "url": format!("/monitor/alert-channels/{}", c["id"])})
        })
        .collect();
    let entities = if stored["scope"] == "entity" {
        let count = existing_entities(store, stored).len();
        json!({"count": count, "has_more_resources": false,
            "url": format!("/monitor/services/{service_type}/alert-definitions/{id}/entities")})
    } else {
        json!({})
    };
    if let Some(map) = shown.as_object_mut() {
        map.remove("channel_ids");
        map.insert("alert_channels".into(), Value::from(channels));
        map.insert("entities".into(), entities);
    }
    shown
}

/// The definition's entities that still exist, as `(id, label)`.
fn existing_entities(store: &Store, stored: &Value) -> Vec<(u64, String)> {
    let service_type = stored["service_type"].as_str().unwrap_or_default();
    stored["entity_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(entity_id)
        .filter_map(|id| entity_label(store, service_type, id).map(|label| (id, label)))
        .collect()
}

fn definitions_of<'a>(store: &'a Store, service_type: Option<&'a str>) -> Vec<Value> {
    store
        .table(DEFINITIONS)
        .values()
        .filter(|d| service_type.is_none_or(|s| d["service_type"] == s))
        .map(|d| render_definition(store, d))
        .collect()
}

async fn list_all_definitions(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = prepared(&state);
    list_response(&definitions_of(&store, None), DEFINITION_FILTERABLE, &req)
}

async fn list_service_definitions(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    service(&name)?;
    let store = prepared(&state);
    list_response(
        &definitions_of(&store, Some(&name)),
        DEFINITION_FILTERABLE,
        &req,
    )
}

/// The stored definition `id` of `service_type`, or 404.
fn find_definition<'a>(
    store: &'a Store,
    service_type: &str,
    id: u64,
) -> Result<&'a Value, ApiError> {
    store
        .table(DEFINITIONS)
        .get(id)
        .filter(|d| d["service_type"] == service_type)
        .ok_or_else(ApiError::not_found)
}

async fn get_definition(
    State(state): State<AppState>,
    ApiPath((name, id)): ApiPath<(String, u64)>,
) -> Result<Json<Value>, ApiError> {
    service(&name)?;
    let store = prepared(&state);
    let stored = find_definition(&store, &name, id)?;
    Ok(Json(render_definition(&store, stored)))
}

/// Reads the rules of `rule_criteria`: each names an alertable metric of the service with one
/// of its aggregate functions, an operator, a numeric threshold and dimension filters on its
/// dimensions. Answers them as stored (with the metric's label and unit).
fn read_rules(
    c: &mut Checks,
    body: &Map<String, Value>,
    svc: &catalog::Service,
) -> Option<Vec<Value>> {
    let criteria = c.object(body, "rule_criteria")?;
    let Some(Value::Array(rules)) = criteria.get("rules") else {
        c.add("rule_criteria.rules", "rules must be a non-empty array");
        return None;
    };
    if rules.is_empty() {
        c.add("rule_criteria.rules", "rules must be a non-empty array");
        return None;
    }
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let at = |field: &str| format!("rule_criteria.rules[{i}].{field}");
        let Some(rule) = rule.as_object() else {
            c.add(&format!("rule_criteria.rules[{i}]"), "Must be an object");
            continue;
        };
        let name = rule
            .get("metric")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(metric) = svc.metric(name) else {
            c.add(
                &at("metric"),
                format!("{name:?} is not a metric of {}", svc.service_type),
            );
            continue;
        };
        let function = rule
            .get("aggregate_function")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !AGGREGATES.contains(&function) {
            c.add(
                &at("aggregate_function"),
                format!("Must be one of {}", AGGREGATES.join(", ")),
            );
        }
        let operator = rule
            .get("operator")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !RULE_OPERATORS.contains(&operator) {
            c.add(
                &at("operator"),
                format!("Must be one of {}", RULE_OPERATORS.join(", ")),
            );
        }
        let Some(threshold) = rule.get("threshold").and_then(Value::as_f64) else {
            c.add(&at("threshold"), "threshold must be a number");
            continue;
        };
        let mut filters = Vec::new();
        for (j, filter) in rule
            .get("dimension_filters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let fat =
                |field: &str| format!("rule_criteria.rules[{i}].dimension_filters[{j}].{field}");
            let dimension = filter["dimension_label"].as_str().unwrap_or_default();
            let Some((label, _)) = metric.dimension(dimension) else {
                c.add(
                    &fat("dimension_label"),
                    format!("{dimension:?} is not a dimension of {name}"),
                );
                continue;
            };
            let op = filter["operator"].as_str().unwrap_or_default();
            if !FILTER_OPERATORS.contains(&op) {
                c.add(
                    &fat("operator"),
                    format!("Must be one of {}", FILTER_OPERATORS.join(", ")),
                );
                continue;
            }
            let Some(value) = filter["value"].as_str() else {
                c.add(&fat("value"), "value must be a string");
                continue;
            };
            filters.push(json!({"dimension_label": dimension, "label": label,
                "operator": op, "value": value}));
        }
        out.push(json!({
            "aggregate_function": function, "dimension_filters": filters, "label": metric.label,
            "metric": name, "operator": operator, "threshold": threshold, "unit": metric.unit,
        }));
    }
    Some(out)
}

fn read_trigger(c: &mut Checks, body: &Map<String, Value>) -> Option<Value> {
    let when = c.object(body, "trigger_conditions")?;
    let mut ok = true;
    if when
        .get("criteria_condition")
        .is_some_and(|v| v != "ALL" && !v.is_null())
    {
        c.add("trigger_conditions.criteria_condition", "Must be ALL");
        ok = false;
    }
    let mut period = |key: &str, c: &mut Checks| match when.get(key).and_then(Value::as_u64) {
        Some(s) if PERIODS.contains(&s) => s,
        _ => {
            c.add(
                &format!("trigger_conditions.{key}"),
                "Must be one of 300, 900, 1800, 3600",
            );
            ok = false;
            0
        }
    };
    let evaluation = period("evaluation_period_seconds", c);
    let polling = period("polling_interval_seconds", c);
    let occurrences = match when.get("trigger_occurrences").and_then(Value::as_u64) {
        Some(n) if n >= 1 => n,
        _ => {
            c.add(
                "trigger_conditions.trigger_occurrences",
                "Must be a positive integer",
            );
            return None;
        }
    };
    ok.then(|| {
        json!({"criteria_condition": "ALL", "evaluation_period_seconds": evaluation,
            "polling_interval_seconds": polling, "trigger_occurrences": occurrences})
    })
}

fn read_channel_ids(c: &mut Checks, body: &Map<String, Value>, store: &Store) -> Option<Vec<u64>> {
    let shape = "Must be a non-empty array of channel IDs";
    let field = ("channel_ids", CHANNELS, "Channel");
    super::existing_ids(c, body, store, field, (|n| n > 0, shape))
}

fn read_entity_ids(
    c: &mut Checks,
    body: &Map<String, Value>,
    store: &Store,
    service_type: &str,
) -> Option<Vec<Value>> {
    let items = match body.get("entity_ids")? {
        Value::Array(items) => items,
        Value::Null => return None,
        _ => {
            c.add("entity_ids", "entity_ids must be an array");
            return None;
        }
    };
    let mut ids = Vec::new();
    for item in items {
        match entity_id(item) {
            Some(id) if entity_label(store, service_type, id).is_some() => {
                ids.push(Value::from(id.to_string()));
            }
            _ => {
                c.add(
                    "entity_ids",
                    format!("Entity {item} of service {service_type} not found"),
                );
                return None;
            }
        }
    }
    Some(ids)
}

/// Checks a definition label (1-100 characters) unique among the service's definitions.
fn read_label(
    c: &mut Checks,
    body: &Map<String, Value>,
    store: &Store,
    service_type: &str,
    own: Option<u64>,
) -> Option<String> {
    let label = c.string(body, "label")?;
    if !c.length("label", &label, 1, 100) {
        return None;
    }
    let taken = store.table(DEFINITIONS).values().any(|d| {
        d["service_type"] == service_type && d["label"] == label.as_str() && d["id"].as_u64() != own
    });
    if taken {
        c.add(
            "label",
            "Label must be unique among the service's alert definitions",
        );
        return None;
    }
    Some(label)
}

/// Applies the fields of `body` (create, update or clone) onto `target`; `required` names the
/// fields that must be present.
fn apply_fields(
    c: &mut Checks,
    body: &Map<String, Value>,
    store: &Store,
    svc: &catalog::Service,
    own: Option<u64>,
    target: &mut Map<String, Value>,
    required: &[&str],
) {
    for key in required {
        c.require(body, key);
    }
    if let Some(label) = read_label(c, body, store, svc.service_type, own) {
        target.insert("label".into(), Value::from(label));
    }
    if let Some(description) = c.sized(body, "description", 0, 500) {
        target.insert("description".into(), Value::from(description));
    }
    if let Some(severity) = c.integer(body, "severity", 0, 3) {
        target.insert("severity".into(), Value::from(severity));
    }
    if body.contains_key("rule_criteria") {
        if let Some(rules) = read_rules(c, body, svc) {
            target.insert("rule_criteria".into(), json!({ "rules": rules }));
        }
    }
    if let Some(when) = read_trigger(c, body) {
        target.insert("trigger_conditions".into(), when);
    }
    if let Some(ids) = read_channel_ids(c, body, store) {
        target.insert("channel_ids".into(), Value::from(ids));
    }
    if let Some(ids) = read_entity_ids(c, body, store, svc.service_type) {
        target.insert("entity_ids".into(), Value::from(ids));
    }
    if let Some(scope) = c.one_of(body, "scope", &SCOPES) {
        target.insert("scope".into(), Value::from(scope));
    }
    if let Some(regions) = c.strings(body, "regions") {
        target.insert("regions".into(), Value::from(regions));
    }
    if let Some(group_by) = c.strings(body, "group_by") {
        target.insert("group_by".into(), Value::from(group_by));
    }
}

async fn create_definition(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let svc = service(&name)?;
    let mut store = prepared(&state);
    let mut c = Checks::default();
    let mut fields = Map::new();
    let required = [
        "label",
        "severity",
        "rule_criteria",
        "trigger_conditions",
        "channel_ids",
    ];
    apply_fields(&mut c, &body, &store, svc, None, &mut fields, &required);
    c.finish(())?;
    let has_entities = fields
        .get("entity_ids")
        .and_then(Value::as_array)
        .is_some_and(|ids| !ids.is_empty());
    let default_scope = if has_entities { "entity" } else { "account" };
    let id = store.next_id("monitor_alert_definition", FIRST_ID);
    let (when, who) = (now(&store), username(&store));
    let mut definition = json!({
        "id": id, "description": "", "service_type": name, "type": "user",
        "status": "provisioning", "scope": default_scope, "regions": [], "entity_ids": [],
        "group_by": ["entity_id"], "class": null, "created": when, "updated": when,
        "created_by": who, "updated_by": who,
    });
    if let Some(map) = definition.as_object_mut() {
        map.extend(fields);
    }
    store.table_mut(DEFINITIONS).insert(id, definition.clone());
    Ok(Json(render_definition(&store, &definition)))
}

async fn update_definition(
    State(state): State<AppState>,
    ApiPath((name, id)): ApiPath<(String, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let svc = service(&name)?;
    let mut store = prepared(&state);
    let current = find_definition(&store, &name, id)?.clone();
    let mut c = Checks::default();
    let mut fields = Map::new();
    apply_fields(&mut c, &body, &store, svc, Some(id), &mut fields, &[]);
    let status = c.one_of(&body, "status", &["enabled", "disabled"]);
    if current["type"] == "system"
        && fields
            .keys()
            .any(|k| k != "channel_ids" && k != "entity_ids")
    {
        c.add(
            "type",
            "Only the channels and entities of a system alert definition can be changed",
        );
    }
    c.finish(())?;
    let (when, who) = (now(&store), username(&store));
    let stored = store
        .table_mut(DEFINITIONS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(map) = stored.as_object_mut() {
        map.extend(fields);
        if let Some(status) = status {
            if map.get("status") != Some(&Value::from(status.as_str())) {
                let moving = if status == "enabled" {
                    "enabling"
                } else {
                    "disabling"
                };
                map.insert("status".into(), Value::from(moving));
            }
        }
        map.insert("updated".into(), Value::from(when));
        map.insert("updated_by".into(), who);
    }
    let stored = stored.clone();
    Ok(Json(render_definition(&store, &stored)))
}

async fn delete_definition(
    State(state): State<AppState>,
    ApiPath((name, id)): ApiPath<(String, u64)>,
) -> Result<Json<Value>, ApiError> {
    service(&name)?;
    let mut store = prepared(&state);
    if find_definition(&store, &name, id)?["type"] == "system" {
        return Err(ApiError::bad_request(
            "System alert definitions cannot be deleted",
        ));
    }
    store.table_mut(DEFINITIONS).remove(id);
    Ok(empty())
}

async fn clone_definition(
    State(state): State<AppState>,
    ApiPath((name, source)): ApiPath<(String, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let svc = service(&name)?;
    let mut store = prepared(&state);
    let original = find_definition(&store, &name, source)?.clone();
    let mut c = Checks::default();
    let mut fields = Map::new();
    apply_fields(&mut c, &body, &store, svc, None, &mut fields, &["label"]);
    c.finish(())?;
    let id = store.next_id("monitor_alert_definition", FIRST_ID);
    let (when, who) = (now(&store), username(&store));
    let mut copy = original;
    if let Some(map) = copy.as_object_mut() {
        map.extend(fields);
        for (key, value) in [
            ("id", Value::from(id)),
            ("type", Value::from("user")),
            ("status", Value::from("provisioning")),
            ("class", Value::Null),
            ("created", Value::from(when.clone())),
            ("updated", Value::from(when)),
            ("created_by", who.clone()),
            ("updated_by", who),
        ] {
            map.insert(key.into(), value);
        }
    }
    store.table_mut(DEFINITIONS).insert(id, copy.clone());
    Ok(Json(render_definition(&store, &copy)))
}

async fn list_entities(
    State(state): State<AppState>,
    ApiPath((name, id)): ApiPath<(String, u64)>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    service(&name)?;
    let store = prepared(&state);
    let stored = find_definition(&store, &name, id)?;
    let items: Vec<Value> = existing_entities(&store, stored)
        .into_iter()
        .map(|(entity, label)| {
            json!({"id": entity, "label": label, "type": name,
                "url": format!("/monitor/services/{name}/alert-definitions/{id}/entities")})
        })
        .collect();
    list_response(&items, &[], &req)
}

/// A channel as the API shows it: with the count of definitions using it.
fn render_channel(store: &Store, stored: &Value) -> Value {
    let id = stored["id"].as_u64().unwrap_or_default();
    let count = users_of(store, id).len();
    let mut shown = stored.clone();
    shown["alerts"] = json!({"alert_count": count, "type": "alerts-definitions",
        "url": format!("/monitor/alert-channels/{id}/alerts")});
    shown
}

/// The definitions using channel `id`.
fn users_of(store: &Store, id: u64) -> Vec<&Value> {
    store
        .table(DEFINITIONS)
        .values()
        .filter(|d| {
            d["channel_ids"]
                .as_array()
                .is_some_and(|ids| ids.iter().any(|c| c.as_u64() == Some(id)))
        })
        .collect()
}

async fn list_channels(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = prepared(&state);
    let items: Vec<Value> = store
        .table(CHANNELS)
        .values()
        .map(|c| render_channel(&store, c))
        .collect();
    list_response(&items, CHANNEL_FILTERABLE, &req)
}

async fn get_channel(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = prepared(&state);
    let stored = store
        .table(CHANNELS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(render_channel(&store, stored)))
}

/// Reads the `details` of a channel of type `kind`, answering them as stored (write-only
/// credentials left out).
fn read_details(
    c: &mut Checks,
    body: &Map<String, Value>,
    store: &Store,
    kind: &str,
) -> Option<Value> {
    let details = c.object(body, "details")?;
    match kind {
        "email" => {
            let usernames: Option<Vec<String>> = details
                .get("email")
                .and_then(|e| e.get("usernames"))
                .and_then(Value::as_array)
                .and_then(|u| u.iter().map(|n| n.as_str().map(str::to_owned)).collect());
            let Some(usernames) = usernames.filter(|u| (1..=10).contains(&u.len())) else {
                c.add(
                    "details.email.usernames",
                    "Must be an array of 1 to 10 usernames",
                );
                return None;
            };
            let own = store.profile()["username"].as_str().unwrap_or_default();
            if let Some(unknown) = usernames
                .iter()
                .find(|u| u.as_str() != own && store.user(u.as_str()).is_none())
            {
                c.add(
                    "details.email.usernames",
                    format!("User {unknown} not found"),
                );
                return None;
            }
            Some(json!({"email": {"usernames": usernames, "recipient_type": "user"}}))
        }
        _ => {
            let Some(hook) = details.get("webhook").and_then(Value::as_object) else {
                c.add("details.webhook", "webhook is required");
                return None;
            };
            let url = hook
                .get("endpoint_url")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !url.starts_with("https://") || !is_http_url(url) {
                c.add("details.webhook.endpoint_url", "Must be an https URL");
                return None;
            }
            let auth = hook
                .get("authentication")
                .and_then(|a| a.get("type"))
                .and_then(Value::as_str);
            match auth {
                Some("none") => {}
                Some("basic") => {
                    let creds = &hook["authentication"]["details"];
                    if !creds["basic_authentication_user"].is_string()
                        || !creds["basic_authentication_password"].is_string()
                    {
                        c.add(
                            "details.webhook.authentication.details",
                            "basic authentication needs a user and a password",
                        );
                        return None;
                    }
                }
                _ => {
                    c.add(
                        "details.webhook.authentication.type",
                        "Must be one of none, basic",
                    );
                    return None;
                }
            }
            let compression = hook.get("data_compression").cloned().unwrap_or(Value::Null);
            if !(compression.is_null() || compression == "gzip" || compression == "none") {
                c.add(
                    "details.webhook.data_compression",
                    "Must be one of gzip, none",
                );
                return None;
            }
            let headers = hook.get("custom_headers").cloned().unwrap_or(json!([]));
            Some(json!({"webhook": {
                "endpoint_url": url, "authentication": {"type": auth},
                "custom_headers": headers, "data_compression": compression,
            }}))
        }
    }
}

fn read_channel_label(
    c: &mut Checks,
    body: &Map<String, Value>,
    store: &Store,
    own: Option<u64>,
) -> Option<String> {
    let label = c.string(body, "label")?;
    if !c.length("label", &label, 1, 100) {
        return None;
    }
    let taken = store
        .table(CHANNELS)
        .values()
        .any(|ch| ch["label"] == label.as_str() && ch["id"].as_u64() != own);
    if taken {
        c.add(
            "label",
            "Label must be unique among your notification channels",
        );
        return None;
    }
    Some(label)
}

async fn create_channel(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = prepared(&state);
    let mut c = Checks::default();
    c.require(&body, "label");
    c.require(&body, "details");
    let label = read_channel_label(&mut c, &body, &store, None);
    let kind = if body.get("channel_type").is_none_or(Value::is_null) {
        c.add("channel_type", "channel_type is required");
        None
    } else {
        c.one_of(&body, "channel_type", &["email", "webhook"])
    };
    let details = kind
        .as_deref()
        .and_then(|k| read_details(&mut c, &body, &store, k));
    let user_channels = store
        .table(CHANNELS)
        .values()
        .filter(|ch| ch["type"] == "user")
        .count();
    if c.ok() && user_channels >= MAX_USER_CHANNELS {
        c.add(
            "label",
            format!("You may have at most {MAX_USER_CHANNELS} notification channels"),
        );
    }
    let (label, kind, details) = c.finish((label, kind, details))?;
    let id = store.next_id("monitor_alert_channel", FIRST_ID);
    let (when, who) = (now(&store), username(&store));
    let channel = json!({
        "id": id, "label": label, "channel_type": kind, "type": "user", "details": details,
        "created": when, "updated": when, "created_by": who, "updated_by": who,
    });
    store.table_mut(CHANNELS).insert(id, channel.clone());
    Ok(Json(render_channel(&store, &channel)))
}

async fn update_channel(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = prepared(&state);
    let current = store
        .table(CHANNELS)
        .get(id)
        .ok_or_else(ApiError::not_found)?
        .clone();
    if current["type"] == "system" {
        return Err(ApiError::bad_request("System channels cannot be changed"));
    }
    let mut c = Checks::default();
    let label = read_channel_label(&mut c, &body, &store, Some(id));
    if body
        .get("channel_type")
        .is_some_and(|t| !t.is_null() && *t != current["channel_type"])
    {
        c.add("channel_type", "The channel type cannot be changed");
    }
    let kind = current["channel_type"]
        .as_str()
        .unwrap_or("email")
        .to_owned();
    let details = read_details(&mut c, &body, &store, &kind);
    c.finish(())?;
    let (when, who) = (now(&store), username(&store));
    let stored = store
        .table_mut(CHANNELS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(label) = label {
        stored["label"] = Value::from(label);
    }
    if let Some(details) = details {
        stored["details"] = details;
    }
    stored["updated"] = Value::from(when);
    stored["updated_by"] = who;
    let stored = stored.clone();
    Ok(Json(render_channel(&store, &stored)))
}

async fn delete_channel(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = prepared(&state);
    let channel = store
        .table(CHANNELS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    if channel["type"] == "system" {
        return Err(ApiError::bad_request("System channels cannot be deleted"));
    }
    let users = users_of(&store, id).len();
    if users > 0 {
        return Err(ApiError::bad_request(format!(
            "This channel is used by {users} alert definition(s); remove it from them first"
        )));
    }
    store.table_mut(CHANNELS).remove(id);
    Ok(empty())
}

async fn list_channel_alerts(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = prepared(&state);
    store
        .table(CHANNELS)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    let items: Vec<Value> = users_of(&store, id)
        .into_iter()
        .map(|d| {
            json!({"id": d["id"], "label": d["label"], "service_type": d["service_type"],
                "type": d["type"],
                "url": format!("/monitor/services/{}/alert-definitions/{}",
                    d["service_type"].as_str().unwrap_or_default(), d["id"])})
        })
        .collect();
    list_response(&items, &[], &req)
}
