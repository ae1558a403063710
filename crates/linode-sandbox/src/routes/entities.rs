//! `/entities`: every object of the account that access can be granted on, one flat list of
//! `{id, label, type}` across families, read from each family's state on every request (so it
//! is never stale). The API filters it on no field.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::{AppState, ListRequest, list_response};
use crate::error::ApiError;
use crate::store::{Store, Table};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/entities", get(list_entities))
}

/// `{id, label, type}` of each object of `table` that `keep` accepts, the label read from
/// `label_field` and the id from `id_of`.
fn entities_of<'t>(
    table: &'t Table,
    kind: &'static str,
    label_field: &'static str,
    keep: fn(&Value) -> bool,
    id_of: fn(&Value) -> Option<u64>,
) -> impl Iterator<Item = Value> + 't {
    table
        .values()
        .filter(move |v| keep(v))
        .filter_map(move |v| {
            Some(json!({ "id": id_of(v)?, "label": v[label_field], "type": kind }))
        })
}

fn any(_: &Value) -> bool {
    true
}

fn numeric_id(v: &Value) -> Option<u64> {
    v["id"].as_u64()
}

/// All entities, family by family.
fn entities(store: &Store) -> Vec<Value> {
    let mine = |v: &Value| v["mine"] == true;
    // Private images are `private/123`; the entity id is the number.
    let image_number = |v: &Value| {
        v["id"]
            .as_str()?
            .strip_prefix("private/")?
            .parse::<u64>()
            .ok()
    };
    entities_of(store.instances(), "linode", "label", any, numeric_id)
        .chain(entities_of(
            store.volumes(),
            "volume",
            "label",
            any,
            numeric_id,
        ))
        .chain(entities_of(
            store.domains(),
            "domain",
            "domain",
            any,
            numeric_id,
        ))
        .chain(entities_of(
            store.nodebalancers(),
            "nodebalancer",
            "label",
            any,
            numeric_id,
        ))
        .chain(entities_of(
            store.table("firewalls"),
            "firewall",
            "label",
            any,
            numeric_id,
        ))
        .chain(entities_of(
            store.table("vpcs"),
            "vpc",
            "label",
            any,
            numeric_id,
        ))
        .chain(entities_of(
            store.table(crate::compute::names::PRIVATE_IMAGES),
            "image",
            "label",
            any,
            image_number,
        ))
        .chain(entities_of(
            store.stackscripts(),
            "stackscript",
            "label",
            mine,
            numeric_id,
        ))
        .chain(entities_of(
            store.table(crate::account::names::LONGVIEW_CLIENTS),
            "longview",
            "label",
            any,
            numeric_id,
        ))
        .collect()
}

async fn list_entities(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(&entities(&store), &[], &req)
}
