//! `/vpcs`: VPCs, their subnets, and the VPC addresses of the Linodes in them.
//!
//! State rules kept like the API:
//! - a VPC is regional and its label is unique among the account's VPCs; it can be created
//!   with its subnets in one request (`subnets[i].label`, `subnets[i].ipv4` name the faults);
//! - a subnet's `ipv4` is an IPv4 range in canonical CIDR form, private (RFC 1918), of prefix
//!   length 1-29, outside the forbidden 192.168.128.0/17, and overlapping no other subnet of
//!   its VPC; its label is unique within the VPC; only the label of a subnet changes;
//! - a Linode joins a subnet through a VPC interface ([`attach_linode_to_subnet`]), only when
//!   it is in the VPC's region; the subnet then lists it in `linodes` (with the interface) and
//!   the address appears in `/vpcs/ips` and `/vpcs/{id}/ips`;
//! - a subnet with Linodes cannot be deleted, nor a VPC with such a subnet; deleting a VPC
//!   deletes its (empty) subnets; deleting a Linode takes it out of every subnet
//!   ([`forget_linode`]).
//!
//! The sandbox gives no VPC IPv6 ranges, so the `ipv6s` lists are always empty.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::get;
use ipnet::Ipv4Net;
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::{
    ApiPath, AppState, JsonObject, ListRequest, get_from_table, get_response, list_response,
    list_table,
};
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::{Store, now};

/// Fields `GET /vpcs` may filter and order on.
const VPC_FILTERABLE: &[&str] = &[
    "created",
    "id",
    "label",
    "region",
    "subnets.created",
    "subnets.id",
    "subnets.label",
    "subnets.updated",
    "subnets.vpc_type",
    "updated",
    "vpc_type",
];
/// Fields a VPC's subnets may be filtered and ordered on.
const SUBNET_FILTERABLE: &[&str] = &["created", "id", "label", "updated", "vpc_type"];
/// Fields the VPC address lists may be filtered and ordered on.
const IP_FILTERABLE: &[&str] = &["active", "config_id", "linode_id", "region", "vpc_id"];

/// The collection of VPCs (each with its subnets embedded, as served).
const VPCS: &str = "vpcs";
/// The collection of VPC interface addresses, keyed by interface id.
const VPC_IPS: &str = "vpc_ips";

/// First id handed out to a VPC.
pub const FIRST_VPC_ID: u64 = 30_000;
/// First id handed out to a subnet.
pub const FIRST_SUBNET_ID: u64 = 60_000;
/// First id handed out to a configuration profile interface.
pub const FIRST_INTERFACE_ID: u64 = 700_000;

/// The ranges subnets are taken from by default (RFC 1918).
const PRIVATE_RANGES: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
/// The ranges no subnet may overlap.
const FORBIDDEN_RANGES: [&str; 1] = ["192.168.128.0/17"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/vpcs", list_table(VPCS, VPC_FILTERABLE).post(create_vpc))
        .route("/vpcs/default-ranges", get(default_ranges))
        .route("/vpcs/ips", get(list_all_ips))
        .route("/vpcs/ipv6s", get(list_all_ipv6s))
        .route(
            "/vpcs/{id}",
            get_from_table(VPCS).put(update_vpc).delete(delete_vpc),
        )
        .route("/vpcs/{id}/ips", get(list_vpc_ips))
        .route("/vpcs/{id}/ipv6s", get(list_vpc_ipv6s))
        .route("/vpcs/{id}/subnets", get(list_subnets).post(create_subnet))
        .route(
            "/vpcs/{id}/subnets/{subnet}",
            get(get_subnet).put(update_subnet).delete(delete_subnet),
        )
}

fn nets(ranges: &[&str]) -> Vec<Ipv4Net> {
    ranges.iter().filter_map(|r| r.parse().ok()).collect()
}

fn vpc_entity(id: u64, label: &str) -> Entity {
    Entity::new("vpc", id, label, format!("/v4/vpcs/{id}"))
}

fn subnet_entity(vpc_id: u64, id: u64, label: &str) -> Entity {
    Entity::new(
        "subnet",
        id,
        label,
        format!("/v4/vpcs/{vpc_id}/subnets/{id}"),
    )
}

fn text(item: &Value, key: &str) -> String {
    item[key].as_str().unwrap_or_default().to_owned()
}

fn subnets(vpc: &Value) -> &[Value] {
    vpc["subnets"].as_array().map_or(&[], Vec::as_slice)
}

fn find_subnet(vpc: &Value, subnet_id: u64) -> Option<&Value> {
    subnets(vpc)
        .iter()
        .find(|s| s["id"].as_u64() == Some(subnet_id))
}

fn find_subnet_mut(vpc: &mut Value, subnet_id: u64) -> Option<&mut Value> {
    vpc["subnets"]
        .as_array_mut()?
        .iter_mut()
        .find(|s| s["id"].as_u64() == Some(subnet_id))
}

fn in_use(subnet: &Value) -> bool {
    subnet["linodes"].as_array().is_some_and(|l| !l.is_empty())
}

/// Checks a VPC or subnet label: 1-64 ASCII letters, digits and dashes, never `--`.
fn check_label(label: &str) -> Result<(), &'static str> {
    if !(1..=64).contains(&label.chars().count()) {
        return Err("Length must be 1-64 characters");
    }
    if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err("Must only use ASCII letters, numbers, and dashes");
    }
    if label.contains("--") {
        return Err("Must not contain two dashes in a row");
    }
    Ok(())
}

/// Checks a subnet range on its own: canonical IPv4 CIDR, private, prefix 1-29, not forbidden.
fn check_range(text: &str) -> Result<Ipv4Net, &'static str> {
    let net: Ipv4Net = text
        .parse()
        .map_err(|_| "Must be an IPv4 range in CIDR notation, such as 10.0.0.0/24")?;
    if net.network() != net.addr() {
        return Err("Must be in canonical form (the network address of the range)");
    }
    if !(1..=29).contains(&net.prefix_len()) {
        return Err("Prefix length must be from 1 to 29");
    }
    if !nets(&PRIVATE_RANGES).iter().any(|p| p.contains(&net)) {
        return Err("Must be within a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)");
    }
    if nets(&FORBIDDEN_RANGES).iter().any(|f| overlaps(f, &net)) {
        return Err("Must not overlap 192.168.128.0/17");
    }
    Ok(net)
}

fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Reads and checks one subnet body (`label`, `ipv4`), naming faults `{prefix}label` and
/// `{prefix}ipv4`; `siblings` are the subnets it must not clash with.
fn read_subnet(
    checks: &mut Checks,
    body: &Map<String, Value>,
    prefix: &str,
    siblings: &[(String, Ipv4Net)],
) -> Option<(String, Ipv4Net)> {
    let field = |key: &str| format!("{prefix}{key}");
    let string = |checks: &mut Checks, key: &str| match body.get(key) {
        None | Some(Value::Null) => {
            checks.add(&field(key), format!("{key} is required"));
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            checks.add(&field(key), format!("{key} must be a string"));
            None
        }
    };
    let label = string(checks, "label").and_then(|label| match check_label(&label) {
        Err(reason) => {
            checks.add(&field("label"), reason);
            None
        }
        Ok(()) if siblings.iter().any(|(l, _)| *l == label) => {
            checks.add(
                &field("label"),
                "Label must be unique among the VPC's subnets",
            );
            None
        }
        Ok(()) => Some(label),
    });
    let range = string(checks, "ipv4").and_then(|text| match check_range(&text) {
        Err(reason) => {
            checks.add(&field("ipv4"), reason);
            None
        }
        Ok(net) if siblings.iter().any(|(_, other)| overlaps(other, &net)) => {
            checks.add(&field("ipv4"), "Must not overlap another subnet of the VPC");
            None
        }
        Ok(net) => Some(net),
    });
    Some((label?, range?))
}

fn subnet_json(id: u64, label: &str, range: &Ipv4Net) -> Value {
    let ts = now();
    json!({
        "id": id,
        "label": label,
        "ipv4": range.to_string(),
        "linodes": [],
        "created": ts,
        "updated": ts,
    })
}

fn sibling_ranges(vpc: &Value) -> Vec<(String, Ipv4Net)> {
    subnets(vpc)
        .iter()
        .filter_map(|s| Some((text(s, "label"), s["ipv4"].as_str()?.parse().ok()?)))
        .collect()
}

/// Reads and checks the VPC label (`own` may keep its own).
fn read_vpc_label(
    checks: &mut Checks,
    body: &Map<String, Value>,
    store: &Store,
    own: Option<u64>,
) -> Option<String> {
    let taken = "Label must be unique among your VPCs";
    checks.unique_label(body, store.table(VPCS), own, check_label, taken)
}

async fn create_vpc(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut checks = Checks::default();
    checks.require(&body, "label");
    let label = read_vpc_label(&mut checks, &body, &store, None);
    let region = checks.region_offering(&body, "VPCs", "VPCs are not available in this region");
    let description = checks.sized(&body, "description", 0, 255);
    let mut new_subnets: Vec<(String, Ipv4Net)> = Vec::new();
    match body.get("subnets") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let prefix = format!("subnets[{i}].");
                match item {
                    Value::Object(map) => {
                        if let Some(subnet) = read_subnet(&mut checks, map, &prefix, &new_subnets) {
                            new_subnets.push(subnet);
                        }
                    }
                    _ => checks.add(&format!("subnets[{i}]"), "Must be an object"),
                }
            }
        }
        Some(_) => checks.add("subnets", "subnets must be an array"),
    }
    let (label, region) = checks.finish((label, region))?;
    let (Some(label), Some(region)) = (label, region) else {
        return Err(ApiError::field("label", "label is required"));
    };
    let id = store.next_id("vpc", FIRST_VPC_ID);
    let mut made = Vec::new();
    for (slabel, range) in &new_subnets {
        let sid = store.next_id("subnet", FIRST_SUBNET_ID);
        made.push(subnet_json(sid, slabel, range));
    }
    let ts = now();
    let vpc = json!({
        "id": id,
        "label": label,
        "description": description.unwrap_or_default(),
        "region": region,
        "subnets": made.clone(),
        "created": ts,
        "updated": ts,
    });
    store.table_mut(VPCS).insert(id, vpc.clone());
    store.record(Action::new("vpc_create", vpc_entity(id, &label)));
    for subnet in &made {
        let sid = subnet["id"].as_u64().unwrap_or_default();
        store.record(Action::new(
            "subnet_create",
            subnet_entity(id, sid, &text(subnet, "label")),
        ));
    }
    Ok(Json(vpc))
}

async fn update_vpc(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if store.table(VPCS).get(id).is_none() {
        return Err(ApiError::not_found());
    }
    let mut checks = Checks::default();
    let label = read_vpc_label(&mut checks, &body, &store, Some(id));
    let description = checks.sized(&body, "description", 0, 255);
    let (label, description) = checks.finish((label, description))?;
    let vpc = store
        .table_mut(VPCS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(label) = label {
        vpc["label"] = Value::from(label);
    }
    if let Some(description) = description {
        vpc["description"] = Value::from(description);
    }
    vpc["updated"] = Value::from(now());
    let answer = vpc.clone();
    store.record(Action::new(
        "vpc_update",
        vpc_entity(id, &text(&answer, "label")),
    ));
    Ok(Json(answer))
}

async fn delete_vpc(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let vpc = store.table(VPCS).get(id).ok_or_else(ApiError::not_found)?;
    if subnets(vpc).iter().any(in_use) {
        return Err(ApiError::bad_request(
            "Cannot delete a VPC while any of its subnets has Linodes assigned",
        ));
    }
    let label = text(vpc, "label");
    let gone: Vec<(u64, String)> = subnets(vpc)
        .iter()
        .map(|s| (s["id"].as_u64().unwrap_or_default(), text(s, "label")))
        .collect();
    store.table_mut(VPCS).remove(id);
    for (sid, slabel) in gone {
        store.record(Action::new(
            "subnet_delete",
            subnet_entity(id, sid, &slabel),
        ));
    }
    store.record(Action::new("vpc_delete", vpc_entity(id, &label)));
    Ok(Json(json!({})))
}

async fn default_ranges() -> Json<Value> {
    Json(json!({
        "default_ipv4_ranges": PRIVATE_RANGES,
        "forbidden_ipv4_ranges": FORBIDDEN_RANGES,
    }))
}

async fn list_all_ips(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(store.table(VPC_IPS).values(), IP_FILTERABLE, &req)
}

async fn list_all_ipv6s(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(std::iter::empty(), IP_FILTERABLE, &req)
}

async fn list_vpc_ips(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    if store.table(VPCS).get(id).is_none() {
        return Err(ApiError::not_found());
    }
    let own = store
        .table(VPC_IPS)
        .values()
        .filter(|ip| ip["vpc_id"].as_u64() == Some(id));
    list_response(own, IP_FILTERABLE, &req)
}

async fn list_vpc_ipv6s(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    if state.store().table(VPCS).get(id).is_none() {
        return Err(ApiError::not_found());
    }
    list_response(std::iter::empty(), IP_FILTERABLE, &req)
}

async fn list_subnets(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let vpc = store.table(VPCS).get(id).ok_or_else(ApiError::not_found)?;
    list_response(subnets(vpc), SUBNET_FILTERABLE, &req)
}

async fn get_subnet(
    State(state): State<AppState>,
    ApiPath((id, subnet_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    get_response(
        store
            .table(VPCS)
            .get(id)
            .and_then(|v| find_subnet(v, subnet_id)),
    )
}

async fn create_subnet(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let vpc = store.table(VPCS).get(id).ok_or_else(ApiError::not_found)?;
    let siblings = sibling_ranges(vpc);
    let mut checks = Checks::default();
    let subnet = read_subnet(&mut checks, &body, "", &siblings);
    let subnet = checks.finish(subnet)?;
    let Some((label, range)) = subnet else {
        return Err(ApiError::field("label", "label is required"));
    };
    let sid = store.next_id("subnet", FIRST_SUBNET_ID);
    let item = subnet_json(sid, &label, &range);
    let vpc = store
        .table_mut(VPCS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(list) = vpc["subnets"].as_array_mut() {
        list.push(item.clone());
    }
    vpc["updated"] = Value::from(now());
    store.record(Action::new("subnet_create", subnet_entity(id, sid, &label)));
    Ok(Json(item))
}

async fn update_subnet(
    State(state): State<AppState>,
    ApiPath((id, subnet_id)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let vpc = store.table(VPCS).get(id).ok_or_else(ApiError::not_found)?;
    find_subnet(vpc, subnet_id).ok_or_else(ApiError::not_found)?;
    let taken: Vec<String> = subnets(vpc)
        .iter()
        .filter(|s| s["id"].as_u64() != Some(subnet_id))
        .map(|s| text(s, "label"))
        .collect();
    let mut checks = Checks::default();
    let label = checks.string(&body, "label");
    if let Some(l) = &label {
        if let Err(reason) = check_label(l) {
            checks.add("label", reason);
        } else if taken.contains(l) {
            checks.add("label", "Label must be unique among the VPC's subnets");
        }
    }
    let label = checks.finish(label)?;
    let vpc = store
        .table_mut(VPCS)
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    let subnet = find_subnet_mut(vpc, subnet_id).ok_or_else(ApiError::not_found)?;
    if let Some(label) = label {
        subnet["label"] = Value::from(label);
    }
    subnet["updated"] = Value::from(now());
    let answer = subnet.clone();
    store.record(Action::new(
        "subnet_update",
        subnet_entity(id, subnet_id, &text(&answer, "label")),
    ));
    Ok(Json(answer))
}

async fn delete_subnet(
    State(state): State<AppState>,
    ApiPath((id, subnet_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let vpc = store.table(VPCS).get(id).ok_or_else(ApiError::not_found)?;
    let subnet = find_subnet(vpc, subnet_id).ok_or_else(ApiError::not_found)?;
    if in_use(subnet) {
        return Err(ApiError::bad_request(
            "Cannot delete a subnet while Linodes are assigned to it",
        ));
    }
    let label = text(subnet, "label");
    if let Some(vpc) = store.table_mut(VPCS).get_mut(id) {
        if let Some(list) = vpc["subnets"].as_array_mut() {
            list.retain(|s| s["id"].as_u64() != Some(subnet_id));
        }
        vpc["updated"] = Value::from(now());
    }
    store.record(Action::new(
        "subnet_delete",
        subnet_entity(id, subnet_id, &label),
    ));
    Ok(Json(json!({})))
}

/// Puts Linode `linode_id` in subnet `subnet_id` of VPC `vpc_id` through a new VPC interface,
/// as a configuration profile interface of purpose `vpc` does: the address is `ipv4` when
/// given (it must be a free host address of the subnet), otherwise the first free one (the
/// first host address is the gateway); `nat_1_1` maps the Linode's public IPv4 address to it.
/// Refuses a Linode of another region than the VPC's. Answers the VPC address as
/// `/vpcs/{id}/ips` lists it.
pub fn attach_linode_to_subnet(
    store: &mut Store,
    vpc_id: u64,
    subnet_id: u64,
    linode_id: u64,
    ipv4: Option<&str>,
    nat_1_1: bool,
) -> Result<Value, ApiError> {
    let vpc = store
        .table(VPCS)
        .get(vpc_id)
        .ok_or_else(|| ApiError::field("vpc_id", "VPC not found"))?;
    let region = text(vpc, "region");
    let subnet = find_subnet(vpc, subnet_id)
        .ok_or_else(|| ApiError::field("subnet_id", "Subnet not found"))?;
    let range: Ipv4Net = subnet["ipv4"]
        .as_str()
        .and_then(|r| r.parse().ok())
        .ok_or_else(|| ApiError::field("subnet_id", "Subnet has no IPv4 range"))?;
    let linode = store
        .instances()
        .get(linode_id)
        .ok_or_else(|| ApiError::field("linode_id", "Linode not found"))?;
    if linode["region"] != region.as_str() {
        return Err(ApiError::field(
            "subnet_id",
            "The Linode and the VPC must be in the same region",
        ));
    }
    let public = linode["ipv4"]
        .as_array()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or(Value::Null);
    let active = linode["status"] == "running";
    let taken: Vec<String> = store
        .table(VPC_IPS)
        .values()
        .filter(|ip| ip["subnet_id"].as_u64() == Some(subnet_id))
        .map(|ip| text(ip, "address"))
        .collect();
    let gateway = range.hosts().next();
    let address = match ipv4 {
        Some(wanted) => {
            let ok = wanted
                .parse()
                .ok()
                .filter(|a| range.contains(a) && Some(*a) != gateway && *a != range.broadcast());
            match ok {
                None => {
                    return Err(ApiError::field(
                        "ipv4.vpc",
                        "Must be a host address of the subnet's range, other than its gateway",
                    ));
                }
                Some(_) if taken.iter().any(|t| t == wanted) => {
                    return Err(ApiError::field(
                        "ipv4.vpc",
                        "Address is already assigned in this subnet",
                    ));
                }
                Some(a) => a,
            }
        }
        None => range
            .hosts()
            .skip(1)
            .find(|a| !taken.contains(&a.to_string()))
            .ok_or_else(|| ApiError::field("subnet_id", "No free address left in the subnet"))?,
    };
    store.ensure_parts(linode_id);
    let config_id = store
        .children(crate::compute::Child::Configs, linode_id)
        .first()
        .and_then(|c| c["id"].as_u64());
    let interface_id = store.next_id("interface", FIRST_INTERFACE_ID);
    let item = json!({
        "address": address.to_string(),
        "address_range": null,
        "vpc_id": vpc_id,
        "subnet_id": subnet_id,
        "region": region,
        "linode_id": linode_id,
        "config_id": config_id,
        "interface_id": interface_id,
        "active": active,
        "nat_1_1": if nat_1_1 { public } else { Value::Null },
        "gateway": gateway.map(|g| g.to_string()),
        "prefix": range.prefix_len(),
        "subnet_mask": range.netmask().to_string(),
    });
    store.table_mut(VPC_IPS).insert(interface_id, item.clone());
    let interface = json!({"id": interface_id, "active": active});
    if let Some(subnet) = store
        .table_mut(VPCS)
        .get_mut(vpc_id)
        .and_then(|v| find_subnet_mut(v, subnet_id))
    {
        let linodes = &mut subnet["linodes"];
        let entry = linodes.as_array_mut().and_then(|list| {
            list.iter_mut()
                .find(|l| l["id"].as_u64() == Some(linode_id))
        });
        match entry {
            Some(entry) => {
                if let Some(list) = entry["interfaces"].as_array_mut() {
                    list.push(interface);
                }
            }
            None => {
                if let Some(list) = linodes.as_array_mut() {
                    list.push(json!({"id": linode_id, "interfaces": [interface]}));
                }
            }
        }
    }
    Ok(item)
}

/// The VPC that holds subnet `subnet_id`, if any (a VPC interface names only its subnet).
pub fn vpc_of_subnet(store: &Store, subnet_id: u64) -> Option<u64> {
    store
        .table(VPCS)
        .values()
        .find(|vpc| find_subnet(vpc, subnet_id).is_some())
        .and_then(|vpc| vpc["id"].as_u64())
}

/// Releases the address of VPC interface `interface_id` (its interface or configuration
/// profile was deleted): the subnet no longer lists it, nor the Linode once it has no other
/// interface there. Answers the released address, if there was one.
pub fn release_interface(store: &mut Store, interface_id: u64) -> Option<Value> {
    let item = store.table_mut(VPC_IPS).remove(interface_id)?;
    let subnet_id = item["subnet_id"].as_u64();
    let linode_id = item["linode_id"].as_u64();
    for (_, vpc) in store.table_mut(VPCS).iter_mut() {
        for subnet in vpc["subnets"].as_array_mut().into_iter().flatten() {
            if subnet["id"].as_u64() != subnet_id {
                continue;
            }
            if let Some(linodes) = subnet["linodes"].as_array_mut() {
                for entry in linodes.iter_mut() {
                    if let Some(list) = entry["interfaces"].as_array_mut() {
                        list.retain(|i| i["id"].as_u64() != Some(interface_id));
                    }
                }
                linodes.retain(|l| {
                    l["id"].as_u64() != linode_id
                        || l["interfaces"].as_array().is_some_and(|i| !i.is_empty())
                });
            }
        }
    }
    Some(item)
}

/// Sets fields of the VPC address of interface `interface_id` (such as its `config_id`).
pub fn set_interface_address(store: &mut Store, interface_id: u64, key: &str, value: Value) {
    if let Some(item) = store.table_mut(VPC_IPS).get_mut(interface_id) {
        item[key] = value;
    }
}

/// Takes a deleted Linode out of every subnet and forgets its VPC addresses.
pub fn forget_linode(store: &mut Store, linode_id: u64) {
    let interfaces: Vec<u64> = store
        .table(VPC_IPS)
        .values()
        .filter(|ip| ip["linode_id"].as_u64() == Some(linode_id))
        .filter_map(|ip| ip["interface_id"].as_u64())
        .collect();
    if interfaces.is_empty() {
        return;
    }
    for id in interfaces {
        store.table_mut(VPC_IPS).remove(id);
    }
    for (_, vpc) in store.table_mut(VPCS).iter_mut() {
        if let Some(list) = vpc["subnets"].as_array_mut() {
            for subnet in list {
                if let Some(linodes) = subnet["linodes"].as_array_mut() {
                    linodes.retain(|l| l["id"].as_u64() != Some(linode_id));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert!(check_range("10.0.1.0/24").is_ok());
        assert!(check_range("172.16.0.0/12").is_ok());
        assert!(check_range("192.168.1.0/24").is_ok());
        assert!(check_range("10.0.1.1/24").is_err());
        assert!(check_range("10.0.0.0/30").is_err());
        assert!(check_range("8.8.8.0/24").is_err());
        assert!(check_range("192.168.200.0/24").is_err());
        assert!(check_range("10.0.0.0").is_err());
        assert!(check_range("fd00::/64").is_err());
        let a: Ipv4Net = "10.0.0.0/16".parse().unwrap();
        let b: Ipv4Net = "10.0.5.0/24".parse().unwrap();
        let c: Ipv4Net = "10.1.0.0/24".parse().unwrap();
        assert!(overlaps(&a, &b) && overlaps(&b, &a) && !overlaps(&a, &c));
    }

    #[test]
    fn labels() {
        assert!(check_label("cool-vpc").is_ok());
        assert!(check_label("").is_err());
        assert!(check_label("a--b").is_err());
        assert!(check_label("a_b").is_err());
        assert!(check_label(&"a".repeat(65)).is_err());
    }
}
