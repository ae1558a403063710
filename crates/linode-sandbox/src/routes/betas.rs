//! `/betas`: the beta programs open to the account. A fixed catalog; enrolment lives under
//! `/account/betas`, so nothing here changes state.

use axum::Router;
use axum::response::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::{ApiPath, AppState, ListRequest, get_response, list_response};
use crate::error::ApiError;

/// Fields `GET /betas` may filter and order on.
const BETA_FILTERABLE: &[&str] = &["ended", "greenlight_only", "label", "started"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/betas", get(list_betas))
        .route("/betas/{id}", get(get_beta))
}

/// The programs: an open one, one for Green Light members, and one with an end date.
pub(super) fn programs() -> Vec<Value> {
    vec![
        json!({
            "id": "example_open",
            "label": "Example Open Beta",
            "description": "This is an open public beta for an example feature.",
            "started": "2023-07-11T00:00:00",
            "ended": null,
            "greenlight_only": false,
            "more_info": "https://www.linode.com/green-light/",
        }),
        json!({
            "id": "example_greenlight",
            "label": "Example Green Light Beta",
            "description": "A beta open to Green Light participants only.",
            "started": "2024-02-01T00:00:00",
            "ended": null,
            "greenlight_only": true,
            "more_info": "https://www.linode.com/green-light/",
        }),
        json!({
            "id": "example_limited",
            "label": "Example Limited Beta",
            "description": "A beta that closes at a set date.",
            "started": "2024-05-01T00:00:00",
            "ended": "2030-12-31T00:00:00",
            "greenlight_only": false,
            "more_info": null,
        }),
    ]
}

async fn list_betas(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&programs(), BETA_FILTERABLE, &req)
}

async fn get_beta(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    get_response(programs().iter().find(|p| p["id"] == id.as_str()))
}
