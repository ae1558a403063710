//! `/images` (public catalog images; ids contain a slash, `linode/debian12`).

use axum::Router;
use axum::response::Json;
use axum::routing::get;
use serde_json::Value;

use super::{ApiPath, AppState, ListRequest, get_response, list_response};
use crate::catalog::catalog;
use crate::error::ApiError;

/// Fields `GET /images` may filter and order on.
const IMAGE_FILTERABLE: &[&str] = &[
    "deprecated",
    "is_public",
    "is_shared",
    "label",
    "size",
    "status",
    "tags",
    "type",
    "vendor",
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/images", get(list_images))
        // A wildcard, so both `/images/linode/debian12` and `/images/linode%2Fdebian12` match.
        .route("/images/{*id}", get(get_image))
}

async fn list_images(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&catalog().images, IMAGE_FILTERABLE, &req)
}

async fn get_image(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    get_response(catalog().image(&id))
}
