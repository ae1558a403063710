//! `/maintenance/policies`: the maintenance policies a Linode can be given. A fixed catalog,
//! the two system policies the API offers; nothing here changes state.

use axum::Router;
use axum::response::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::{AppState, ListRequest, list_response};
use crate::error::ApiError;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/maintenance/policies", get(list_policies))
}

/// The system policies, `linode/migrate` being the default.
fn policies() -> Vec<Value> {
    vec![
        json!({
            "slug": "linode/migrate",
            "label": "Migrate",
            "description": "Migrates the Linode to a new host while it remains fully operational. \
                            Recommended for maximizing availability.",
            "type": "migrate",
            "notification_period_sec": 10800,
            "is_default": true,
        }),
        json!({
            "slug": "linode/power_off_on",
            "label": "Power Off / Power On",
            "description": "Powers off the Linode at the start of the maintenance event and \
                            reboots it once the maintenance finishes. Recommended for maximizing \
                            performance.",
            "type": "power_off_on",
            "notification_period_sec": 604800,
            "is_default": false,
        }),
    ]
}

async fn list_policies(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&policies(), &["notification_period_sec"], &req)
}
