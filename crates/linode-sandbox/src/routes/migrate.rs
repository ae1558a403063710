//! `POST /linode/instances/{id}/migrate`: moving a Linode to another region.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::post;
use serde_json::{Value, json};

use super::checks::Checks;
use super::linode_parts::{instance, not_busy, settled, start_instance_action};
use super::{ApiPath, AppState, JsonObject};
use crate::catalog::catalog;
use crate::error::ApiError;
use crate::lifecycle::{Action, Effect, Entity, durations};
use crate::store::Store;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/linode/instances/{id}/migrate", post(migrate))
}

/// A cross-region migration: the Linode is `migrating`, then lives in the new region with a new
/// public address, in the state it had before.
async fn migrate(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    let current = store
        .instances()
        .get(id)
        .and_then(|i| i["region"].as_str())
        .unwrap_or_default()
        .to_owned();
    let mut checks = Checks::default();
    checks.one_of(&body, "type", &["warm", "cold"]);
    let region = checks.string(&body, "region");
    match &region {
        None => checks.add(
            "region",
            "Linode has no pending migration; give a region to migrate to",
        ),
        Some(r) if catalog().region(r).is_none() => checks.add("region", "Region not found"),
        Some(r) if *r == current => checks.add("region", "Linode is already in that region"),
        Some(_)
            if store
                .volumes()
                .values()
                .any(|v| v["linode_id"].as_u64() == Some(id)) =>
        {
            checks.add("region", "Detach the Linode's volumes before migrating it")
        }
        Some(_) => {}
    }
    let region = checks.finish(region)?.unwrap_or_default();
    let back_to = settled(&status);
    let action = Action::new("linode_migrate_datacenter", Entity::linode(id, &label))
        .lasting(durations::MIGRATE)
        .on_finish(Effect::rule(
            "linode.migrate_finish",
            json!({"id": id, "region": region, "back_to": back_to}),
        ));
    start_instance_action(&mut store, id, "migrating", action, back_to);
    Ok(Json(json!({})))
}

/// The rule `linode.migrate_finish`: the instance is in its new region, with a new address.
pub(super) fn finish(store: &mut Store, args: &Value) {
    let (Some(id), Some(region), Some(back_to)) = (
        args["id"].as_u64(),
        args["region"].as_str(),
        args["back_to"].as_str(),
    ) else {
        return;
    };
    let address = store.alloc_public_ipv4();
    if let Some(item) = store.instances_mut().get_mut(id) {
        item["region"] = Value::from(region);
        // What it can use follows it to its new region.
        let (site_type, capabilities) = crate::store::region_traits(region);
        item["site_type"] = site_type;
        item["capabilities"] = capabilities;
        if let Some(public) = item["ipv4"].as_array_mut().and_then(|ips| ips.first_mut()) {
            *public = Value::from(address);
        }
        item["status"] = Value::from(back_to);
    }
}
