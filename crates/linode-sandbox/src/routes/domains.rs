//! `/domains` and `/domains/{id}/records`: DNS zones and their records.
//!
//! A master domain needs an SOA email, a slave one the addresses of its masters. Records
//! belong to their domain: a record id under another domain is 404, and deleting a domain
//! deletes its records.
//!
//! Importing a zone (`POST /domains/import`) creates a master domain (SOA email
//! `hostmaster@<domain>`) holding the records the sandbox "transfers" from any nameserver:
//! see [`IMPORTED_RECORDS`]. Cloning a domain creates another with the same settings and a
//! copy of each record. The zone file is rendered from the domain and its records in BIND
//! format.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::checks::{Checks, is_domain_name, is_email, is_hostname, is_ip, is_ipv4, is_ipv6};
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::{Store, now};

/// Fields `GET /domains` may filter and order on.
const DOMAIN_FILTERABLE: &[&str] = &["domain", "group", "tags"];
/// Fields `GET /domains/{id}/records` may filter and order on.
const RECORD_FILTERABLE: &[&str] = &["name", "tag", "target", "type"];

/// First id handed out to a domain.
pub const FIRST_DOMAIN_ID: u64 = 1_000;
/// First id handed out to a domain record.
pub const FIRST_RECORD_ID: u64 = 500_000;

/// The values the DNS manager accepts for `*_sec` fields; others round up to the next one.
const SECONDS: [u64; 15] = [
    0, 30, 120, 300, 3600, 7200, 14400, 28800, 57600, 86400, 172800, 345600, 604800, 1209600,
    2419200,
];

/// The records every zone transfer yields: type, name, target and priority (`@` is the
/// zone itself, `{domain}` the imported domain's name).
pub const IMPORTED_RECORDS: &[(&str, &str, &str, u64)] = &[
    ("A", "", "192.0.2.10", 0),
    ("A", "www", "192.0.2.10", 0),
    ("MX", "", "mail.{domain}", 10),
    ("TXT", "", "v=spf1 mx -all", 0),
];

/// Linode's nameservers, listed in every zone file.
const NAMESERVERS: [&str; 5] = [
    "ns1.linode.com",
    "ns2.linode.com",
    "ns3.linode.com",
    "ns4.linode.com",
    "ns5.linode.com",
];

const RECORD_TYPES: &[&str] = &["A", "AAAA", "NS", "MX", "CNAME", "TXT", "SRV", "PTR", "CAA"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/domains", get(list_domains).post(create_domain))
        .route("/domains/import", post(import_domain))
        .route("/domains/{id}/clone", post(clone_domain))
        .route("/domains/{id}/zone-file", get(zone_file))
        .route(
            "/domains/{id}",
            get(get_domain).put(update_domain).delete(delete_domain),
        )
        .route(
            "/domains/{id}/records",
            get(list_records).post(create_record),
        )
        .route(
            "/domains/{id}/records/{record_id}",
            get(get_record).put(update_record).delete(delete_record),
        )
}

fn round_seconds(value: u64) -> u64 {
    SECONDS
        .iter()
        .copied()
        .find(|&s| s >= value)
        .unwrap_or(SECONDS[SECONDS.len() - 1])
}

fn domain_entity(id: u64, domain: &Value) -> Entity {
    let name = domain["domain"].as_str().unwrap_or_default();
    Entity::new("domain", id, name, format!("/v4/domains/{id}"))
}

fn record_entity(domain_id: u64, record: &Value) -> Entity {
    let id = record["id"].as_u64().unwrap_or_default();
    let name = record["name"].as_str().unwrap_or_default();
    Entity::new(
        "domain_record",
        id,
        name,
        format!("/v4/domains/{domain_id}/records/{id}"),
    )
}

/// Reads an array of IP addresses, each checked.
fn read_ips(checks: &mut Checks, body: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
    let ips = checks.strings(body, key)?;
    if let Some(bad) = ips.iter().find(|ip| !is_ip(ip)) {
        checks.add(key, format!("{bad} is not a valid IP address"));
        return None;
    }
    Some(ips)
}

/// Applies the domain fields found in `body` to `domain` (a new domain's defaults, or the
/// stored one), then checks the result as a whole.
fn apply_domain(
    body: &Map<String, Value>,
    domain: &mut Value,
    store: &Store,
    own: Option<u64>,
) -> Result<(), ApiError> {
    let mut checks = Checks::default();
    if let Some(name) = checks.string(body, "domain") {
        let name = name.to_ascii_lowercase();
        if !is_domain_name(&name) {
            checks.add("domain", "Domain is not valid");
        } else if store
            .domains()
            .values()
            .any(|d| d["domain"] == name.as_str() && d["id"].as_u64() != own)
        {
            checks.add("domain", "Domain already exists");
        } else {
            domain["domain"] = Value::from(name);
        }
    }
    if let Some(kind) = checks.one_of(body, "type", &["master", "slave"]) {
        domain["type"] = Value::from(kind);
    }
    if let Some(email) = checks.string(body, "soa_email") {
        if is_email(&email) {
            domain["soa_email"] = Value::from(email);
        } else {
            checks.add("soa_email", "Must be a valid email address");
        }
    }
    for key in ["master_ips", "axfr_ips"] {
        if let Some(ips) = read_ips(&mut checks, body, key) {
            domain[key] = Value::from(ips);
        }
    }
    for (key, max) in [("description", 253), ("group", 50)] {
        if let Some(text) = checks.string(body, key) {
            if text.chars().count() > max {
                checks.add(key, format!("Length must be 0-{max} characters"));
            } else {
                domain[key] = Value::from(text);
            }
        }
    }
    if let Some(status) = checks.one_of(body, "status", &["active", "disabled"]) {
        domain["status"] = Value::from(status);
    }
    for key in ["retry_sec", "expire_sec", "refresh_sec", "ttl_sec"] {
        if let Some(seconds) = checks.integer(body, key, 0, u32::MAX as u64) {
            domain[key] = Value::from(round_seconds(seconds));
        }
    }
    if let Some(tags) = checks.tags(body) {
        domain["tags"] = Value::from(tags);
    }
    if checks.ok() {
        match domain["type"].as_str() {
            Some("master") if domain["soa_email"].as_str().is_none_or(str::is_empty) => {
                checks.add("soa_email", "soa_email is required for master domains")
            }
            Some("slave") if domain["master_ips"].as_array().is_none_or(Vec::is_empty) => {
                checks.add("master_ips", "master_ips is required for slave domains")
            }
            _ => {}
        }
    }
    checks.finish(())
}

async fn list_domains(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(store.domains().values(), DOMAIN_FILTERABLE, &req)
}

async fn get_domain(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().domains().get(id))
}

async fn create_domain(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut checks = Checks::default();
    checks.require(&body, "domain");
    checks.require(&body, "type");
    checks.finish(())?;
    let mut domain = blank_domain();
    apply_domain(&body, &mut domain, &store, None)?;
    let id = store.next_id("domain", FIRST_DOMAIN_ID);
    domain["id"] = Value::from(id);
    store.record(Action::new("domain_create", domain_entity(id, &domain)));
    store.domains_mut().insert(id, domain.clone());
    Ok(Json(domain))
}

/// A new domain before the request's fields apply.
fn blank_domain() -> Value {
    json!({
        "id": 0,
        "type": "master",
        "domain": "",
        "group": "",
        "status": "active",
        "description": "",
        "soa_email": "",
        "retry_sec": 0,
        "master_ips": [],
        "axfr_ips": [],
        "expire_sec": 0,
        "refresh_sec": 0,
        "ttl_sec": 0,
        "tags": [],
        "created": now(),
        "updated": now(),
        "errors": [],
    })
}

/// A request body holding only the `domain` field of `body` (`null` when absent).
fn name_only(body: &Map<String, Value>) -> Map<String, Value> {
    let mut only = Map::new();
    only.insert(
        "domain".into(),
        body.get("domain").cloned().unwrap_or(Value::Null),
    );
    only
}

/// Stores `domain` under a fresh id with a copy of each of `records`, recording `action`.
fn keep_domain(store: &mut Store, mut domain: Value, records: &[Value], action: &str) -> Value {
    let id = store.next_id("domain", FIRST_DOMAIN_ID);
    domain["id"] = Value::from(id);
    store.record(Action::new(action, domain_entity(id, &domain)));
    store.domains_mut().insert(id, domain.clone());
    let ts = now();
    for record in records {
        let mut record = record.clone();
        let record_id = store.next_id("domain_record", FIRST_RECORD_ID);
        record["id"] = Value::from(record_id);
        record["created"] = Value::from(ts.as_str());
        record["updated"] = Value::from(ts.as_str());
        keep_record(store, id, record_id, &record);
    }
    domain
}

/// Imports a zone from a remote nameserver (see the module's rules).
async fn import_domain(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut checks = Checks::default();
    checks.require(&body, "domain");
    if let Some(server) = checks.required(&body, "remote_nameserver") {
        if !(is_hostname(&server, false) || is_ip(&server)) {
            checks.add(
                "remote_nameserver",
                "Must be a valid hostname or IP address",
            );
        }
    }
    checks.finish(())?;
    let mut domain = blank_domain();
    if let Some(name) = body.get("domain").and_then(Value::as_str) {
        domain["soa_email"] = Value::from(format!("hostmaster@{}", name.to_ascii_lowercase()));
    }
    apply_domain(&name_only(&body), &mut domain, &store, None)?;
    let name = domain["domain"].as_str().unwrap_or_default().to_owned();
    let records: Vec<Value> = IMPORTED_RECORDS
        .iter()
        .map(|&(kind, record_name, target, priority)| {
            let mut record = blank_record();
            record["type"] = Value::from(kind);
            record["name"] = Value::from(record_name);
            record["target"] = Value::from(target.replace("{domain}", &name));
            record["priority"] = Value::from(priority);
            record
        })
        .collect();
    Ok(Json(keep_domain(
        &mut store,
        domain,
        &records,
        "domain_import",
    )))
}

/// A new domain named by the body's `domain`, with the settings and records of domain `id`.
async fn clone_domain(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut domain = store
        .domains()
        .get(id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let mut checks = Checks::default();
    checks.require(&body, "domain");
    checks.finish(())?;
    apply_domain(&name_only(&body), &mut domain, &store, None)?;
    let records: Vec<Value> = records_of(&store, id).cloned().collect();
    Ok(Json(keep_domain(
        &mut store,
        domain,
        &records,
        "domain_create",
    )))
}

/// The records of domain `id`, in id order.
fn records_of(store: &Store, id: u64) -> impl Iterator<Item = &Value> {
    store
        .domain_records()
        .values()
        .filter(move |w| w["domain_id"].as_u64() == Some(id))
        .map(|w| &w["record"])
}

async fn zone_file(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let domain = store.domains().get(id).ok_or_else(ApiError::not_found)?;
    let records: Vec<&Value> = records_of(&store, id).collect();
    Ok(Json(json!({"zone_file": zone_lines(id, domain, &records)})))
}

/// `name` as an absolute DNS name (with its final dot).
fn absolute(name: &str) -> String {
    if name.ends_with('.') {
        name.to_owned()
    } else {
        format!("{name}.")
    }
}

/// A domain and its records as the lines of a BIND zone file, as the API renders them: a
/// comment naming the zone, the default TTL, the SOA (serial `2024000000` plus the number of
/// records), Linode's nameservers, then a line per record. Zero `*_sec` fields stand for the
/// DNS manager's defaults.
fn zone_lines(id: u64, domain: &Value, records: &[&Value]) -> Vec<String> {
    let seconds = |key: &str, default: u64| match domain[key].as_u64() {
        None | Some(0) => default,
        Some(s) => s,
    };
    let ttl = seconds("ttl_sec", 86400);
    let name = domain["domain"].as_str().unwrap_or_default();
    let soa_email = domain["soa_email"].as_str().unwrap_or_default();
    let mut lines = vec![
        format!("; {name} [{id}]"),
        format!("$TTL {ttl}"),
        format!(
            "@  IN  SOA  {} {} {} {} {} {} {ttl}",
            absolute(NAMESERVERS[0]),
            absolute(&soa_email.replacen('@', ".", 1)),
            2_024_000_000 + records.len() as u64,
            seconds("refresh_sec", 14400),
            seconds("retry_sec", 14400),
            seconds("expire_sec", 1_209_600),
        ),
    ];
    lines.extend(
        NAMESERVERS
            .iter()
            .map(|ns| format!("@    NS  {}", absolute(ns))),
    );
    for record in records {
        let kind = record["type"].as_str().unwrap_or_default();
        let target = record["target"].as_str().unwrap_or_default();
        let number = |key: &str| record[key].as_u64().unwrap_or_default();
        let data = match kind {
            "CNAME" | "NS" | "PTR" => absolute(target),
            "MX" => format!("{} {}", number("priority"), absolute(target)),
            "SRV" => format!(
                "{} {} {} {}",
                number("priority"),
                number("weight"),
                number("port"),
                absolute(target)
            ),
            "TXT" => format!("\"{target}\""),
            "CAA" => format!(
                "0 {} \"{target}\"",
                record["tag"].as_str().unwrap_or_default()
            ),
            _ => target.to_owned(),
        };
        let owner = match record["name"].as_str().unwrap_or_default() {
            "" => "@",
            owner => owner,
        };
        lines.push(match number("ttl_sec") {
            0 => format!("{owner}    {kind}  {data}"),
            ttl => format!("{owner}  {ttl}  {kind}  {data}"),
        });
    }
    lines
}

async fn update_domain(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut domain = store
        .domains()
        .get(id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    apply_domain(&body, &mut domain, &store, Some(id))?;
    store.record(Action::new("domain_update", domain_entity(id, &domain)));
    store.domains_mut().insert(id, domain.clone());
    Ok(Json(domain))
}

async fn delete_domain(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let domain = store
        .domains_mut()
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    let records: Vec<u64> = store
        .domain_records()
        .values()
        .filter(|w| w["domain_id"].as_u64() == Some(id))
        .filter_map(|w| w["record"]["id"].as_u64())
        .collect();
    for record in records {
        store.domain_records_mut().remove(record);
    }
    store.record(Action::new("domain_delete", domain_entity(id, &domain)));
    Ok(Json(json!({})))
}

/// The record `record_id` of domain `domain_id`, or 404.
fn find_record(store: &Store, domain_id: u64, record_id: u64) -> Result<&Value, ApiError> {
    store
        .domain_records()
        .get(record_id)
        .filter(|w| w["domain_id"].as_u64() == Some(domain_id))
        .map(|w| &w["record"])
        .ok_or_else(ApiError::not_found)
}

async fn list_records(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    if store.domains().get(id).is_none() {
        return Err(ApiError::not_found());
    }
    let records = store
        .domain_records()
        .values()
        .filter(|w| w["domain_id"].as_u64() == Some(id))
        .map(|w| &w["record"]);
    list_response(records, RECORD_FILTERABLE, &req)
}

async fn get_record(
    State(state): State<AppState>,
    ApiPath((id, record_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    find_record(&store, id, record_id).map(|r| Json(r.clone()))
}

/// Applies the record fields found in `body` to `record` (a new record's defaults, or the
/// stored one), then checks the result against the rules of its type.
fn apply_record(
    body: &Map<String, Value>,
    record: &mut Value,
    domain: &str,
    creating: bool,
) -> Result<(), ApiError> {
    let mut checks = Checks::default();
    if creating {
        checks.require(body, "type");
    }
    if let Some(kind) = checks.one_of(body, "type", RECORD_TYPES) {
        if creating {
            record["type"] = Value::from(kind);
        } else if record["type"] != kind.as_str() {
            checks.add("type", "The type of a record cannot be changed");
        }
    }
    for (key, max) in [("name", 100), ("target", 65535)] {
        if let Some(text) = checks.string(body, key) {
            if text.chars().count() > max {
                checks.add(key, format!("Length must be 0-{max} characters"));
            } else {
                record[key] = Value::from(text);
            }
        }
    }
    for (key, max) in [("priority", 255), ("weight", 65535), ("port", 65535)] {
        if let Some(n) = checks.integer(body, key, 0, max) {
            record[key] = Value::from(n);
        }
    }
    for key in ["service", "protocol"] {
        if let Some(text) = checks.string(body, key) {
            record[key] = Value::from(text.trim_start_matches('_').to_owned());
        }
    }
    if let Some(ttl) = checks.integer(body, "ttl_sec", 0, u32::MAX as u64) {
        record["ttl_sec"] = Value::from(round_seconds(ttl));
    }
    if let Some(tag) = checks.one_of(body, "tag", &["issue", "issuewild", "iodef"]) {
        record["tag"] = Value::from(tag);
    }
    if !checks.ok() {
        return checks.finish(());
    }

    let kind = record["type"].as_str().unwrap_or_default().to_owned();
    let name = record["name"].as_str().unwrap_or_default().to_owned();
    let target = record["target"].as_str().unwrap_or_default().to_owned();
    let has = |key: &str| body.get(key).is_some_and(|v| !v.is_null());
    if !name.is_empty() && kind != "SRV" && !is_hostname(&name, true) {
        checks.add("name", "Must be a valid host name");
    }
    match kind.as_str() {
        "A" if target == "[remote_addr]" => record["target"] = Value::from("127.0.0.1"),
        "A" if !is_ipv4(&target) => checks.add("target", "Must be a valid IPv4 address"),
        "AAAA" if !is_ipv6(&target) => checks.add("target", "Must be a valid IPv6 address"),
        "NS" | "MX" | "CNAME" | "PTR" if !is_hostname(&target, kind == "MX") => {
            checks.add("target", "Must be a valid domain")
        }
        "CNAME" if name.is_empty() => checks.add("name", "name is required for CNAME records"),
        "TXT" | "CAA" if target.is_empty() => checks.add("target", "target is required"),
        "CAA" if record["tag"].is_null() => checks.add("tag", "tag is required for CAA records"),
        "SRV" => {
            if record["service"].as_str().is_none_or(str::is_empty) {
                checks.add("service", "service is required for SRV records");
            }
            if creating {
                for key in ["priority", "weight", "port"] {
                    if !has(key) {
                        checks.add(key, format!("{key} is required for SRV records"));
                    }
                }
            }
            if !is_hostname(&target, false) {
                checks.add("target", "Must be a valid domain");
            } else if !target.contains('.') {
                record["target"] = Value::from(format!("{target}.{domain}"));
            }
        }
        _ => {}
    }
    // Fields that only some types use are kept at their neutral values for the others.
    if kind != "MX" && kind != "SRV" {
        record["priority"] = Value::from(0);
    }
    if kind == "SRV" {
        let protocol = match record["protocol"].as_str() {
            Some(p) if !p.is_empty() => p.to_owned(),
            _ => "tcp".to_owned(),
        };
        let service = record["service"].as_str().unwrap_or_default().to_owned();
        record["protocol"] = Value::from(protocol.as_str());
        record["name"] = Value::from(format!("_{service}._{protocol}"));
    } else {
        record["weight"] = Value::from(0);
        record["port"] = Value::from(0);
        record["service"] = Value::Null;
        record["protocol"] = Value::Null;
    }
    if kind != "CAA" {
        record["tag"] = Value::Null;
    }
    checks.finish(())
}

/// A domain's event entity and name, or 404: what its records' handlers need of it.
fn parent(store: &Store, id: u64) -> Result<(Entity, String), ApiError> {
    let domain = store.domains().get(id).ok_or_else(ApiError::not_found)?;
    let name = domain["domain"].as_str().unwrap_or_default().to_owned();
    Ok((domain_entity(id, domain), name))
}

/// Stores (or replaces) record `record_id` of domain `id`.
fn keep_record(store: &mut Store, id: u64, record_id: u64, record: &Value) {
    store.domain_records_mut().insert(
        record_id,
        json!({"domain_id": id, "record": record.clone()}),
    );
}

/// A new record before the request's fields apply.
fn blank_record() -> Value {
    let ts = now();
    json!({
        "id": 0,
        "type": "A",
        "name": "",
        "target": "",
        "priority": 0,
        "weight": 0,
        "port": 0,
        "service": null,
        "protocol": null,
        "ttl_sec": 0,
        "tag": null,
        "created": ts,
        "updated": ts,
    })
}

async fn create_record(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (entity, name) = parent(&store, id)?;
    let mut record = blank_record();
    apply_record(&body, &mut record, &name, true)?;
    let record_id = store.next_id("domain_record", FIRST_RECORD_ID);
    record["id"] = Value::from(record_id);
    store.record(Action::new("domain_record_create", entity).secondary(record_entity(id, &record)));
    keep_record(&mut store, id, record_id, &record);
    Ok(Json(record))
}

async fn update_record(
    State(state): State<AppState>,
    ApiPath((id, record_id)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (entity, name) = parent(&store, id)?;
    let mut record = find_record(&store, id, record_id)?.clone();
    apply_record(&body, &mut record, &name, false)?;
    record["updated"] = Value::from(now());
    store.record(Action::new("domain_record_update", entity).secondary(record_entity(id, &record)));
    keep_record(&mut store, id, record_id, &record);
    Ok(Json(record))
}

async fn delete_record(
    State(state): State<AppState>,
    ApiPath((id, record_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (entity, _) = parent(&store, id)?;
    let record = find_record(&store, id, record_id)?.clone();
    store.domain_records_mut().remove(record_id);
    store.record(Action::new("domain_record_delete", entity).secondary(record_entity(id, &record)));
    Ok(Json(json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_up_to_a_valid_value() {
        assert_eq!(round_seconds(0), 0);
        assert_eq!(round_seconds(300), 300);
        assert_eq!(round_seconds(301), 3600);
        assert_eq!(round_seconds(9_999_999), 2419200);
    }
}
