//! `/network-transfer/prices`: what transfer beyond the account's pool costs, with the regions
//! that charge differently. A fixed catalog shaped like the Linode types' prices.

use axum::Router;
use axum::response::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::{AppState, ListRequest, list_response};
use crate::error::ApiError;

/// Fields `GET /network-transfer/prices` may filter and order on.
const PRICE_FILTERABLE: &[&str] = &["label", "price.hourly", "price.monthly", "transfer"];

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/network-transfer/prices", get(list_prices))
}

/// The prices per GB: distributed-region transfer, then core-region transfer with the regions
/// priced apart.
fn prices() -> Vec<Value> {
    let regional = json!([
        {"id": "id-cgk", "hourly": 0.015, "monthly": null},
        {"id": "br-gru", "hourly": 0.007, "monthly": null},
    ]);
    vec![
        json!({
            "id": "distributed_network_transfer",
            "label": "Distributed Network Transfer",
            "price": {"hourly": 0.01, "monthly": null},
            "region_prices": [],
            "transfer": 0,
        }),
        json!({
            "id": "network_transfer",
            "label": "Network Transfer",
            "price": {"hourly": 0.005, "monthly": null},
            "region_prices": regional,
            "transfer": 0,
        }),
    ]
}

async fn list_prices(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&prices(), PRICE_FILTERABLE, &req)
}
