//! `/regions`.

use axum::Router;
use axum::response::Json;
use axum::routing::get;
use serde_json::Value;

use super::{ApiPath, AppState, ListRequest, get_response, list_response};
use crate::catalog::catalog;
use crate::error::ApiError;

/// Fields `GET /regions` may filter and order on.
const REGION_FILTERABLE: &[&str] = &["country", "site_type"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/regions", get(list_regions))
        .route("/regions/{id}", get(get_region))
}

async fn list_regions(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&catalog().regions, REGION_FILTERABLE, &req)
}

async fn get_region(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    get_response(catalog().region(&id))
}
