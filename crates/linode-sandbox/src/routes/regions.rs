//! `/regions`, and what each region offers: `/regions/availability` (per region and plan)
//! and `/regions/vpc-availability`.
//!
//! Availability follows the region's capabilities: every plan is available everywhere except
//! GPU plans (only where the region has `GPU Linodes`) and premium plans (only where it has
//! `Premium Plans`); VPCs are available where the region has `VPCs`, with IPv6 prefixes of
//! length 52 and 48. An unknown region is 404.

use axum::Router;
use axum::response::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::{ApiPath, AppState, ListRequest, get_response, list_response};
use crate::catalog::catalog;
use crate::error::ApiError;

/// Fields `GET /regions` may filter and order on.
const REGION_FILTERABLE: &[&str] = &["country", "site_type"];
/// Fields `GET /regions/availability` may filter and order on.
const AVAILABILITY_FILTERABLE: &[&str] = &["available", "plan", "region"];
/// Fields `GET /regions/vpc-availability` may filter and order on.
const VPC_AVAILABILITY_FILTERABLE: &[&str] = &["region"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/regions", get(list_regions))
        .route("/regions/availability", get(list_availability))
        .route("/regions/vpc-availability", get(list_vpc_availability))
        .route("/regions/{id}", get(get_region))
        .route("/regions/{id}/availability", get(get_availability))
        .route("/regions/{id}/vpc-availability", get(get_vpc_availability))
}

async fn list_regions(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&catalog().regions, REGION_FILTERABLE, &req)
}

async fn get_region(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    get_response(catalog().region(&id))
}

fn has(region: &Value, capability: &str) -> bool {
    region["capabilities"]
        .as_array()
        .is_some_and(|caps| caps.iter().any(|c| c == capability))
}

/// Whether each plan can be created in `region`, in the catalog's order of plans.
fn plan_availability(region: &Value) -> impl Iterator<Item = Value> + '_ {
    catalog().types.iter().map(move |plan| {
        let available = match plan["class"].as_str() {
            Some("gpu") => has(region, "GPU Linodes"),
            Some("premium") => has(region, "Premium Plans"),
            _ => true,
        };
        json!({"region": region["id"], "plan": plan["id"], "available": available})
    })
}

fn vpc_availability(region: &Value) -> Value {
    let available = has(region, "VPCs");
    let lengths: &[u32] = if available { &[52, 48] } else { &[] };
    json!({
        "region": region["id"],
        "available": available,
        "available_ipv6_prefix_lengths": lengths,
    })
}

async fn list_availability(req: ListRequest) -> Result<Json<Value>, ApiError> {
    let all: Vec<Value> = catalog()
        .regions
        .iter()
        .flat_map(plan_availability)
        .collect();
    list_response(&all, AVAILABILITY_FILTERABLE, &req)
}

/// One region's availability: a plain array, as the API answers it.
async fn get_availability(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    let region = catalog().region(&id).ok_or_else(ApiError::not_found)?;
    Ok(Json(Value::Array(plan_availability(region).collect())))
}

async fn list_vpc_availability(req: ListRequest) -> Result<Json<Value>, ApiError> {
    let all: Vec<Value> = catalog().regions.iter().map(vpc_availability).collect();
    list_response(&all, VPC_AVAILABILITY_FILTERABLE, &req)
}

async fn get_vpc_availability(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    let region = catalog().region(&id).ok_or_else(ApiError::not_found)?;
    Ok(Json(vpc_availability(region)))
}
