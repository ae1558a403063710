//! `/images`: the public catalog (ids contain a slash, `linode/debian12`) and, for an
//! authenticated caller, the account's private images (`private/123`) made from disks.

use std::time::Duration;

use axum::Router;
use axum::extract::{Extension, State};
use axum::response::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::checks::Checks;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::auth::Authenticated;
use crate::catalog::catalog;
use crate::compute::USERNAME;
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::now;

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
        .route("/images", get(list_images).post(create_image))
        // A wildcard, so both `/images/linode/debian12` and `/images/linode%2Fdebian12` match.
        .route(
            "/images/{*id}",
            get(get_image).put(update_image).delete(delete_image),
        )
}

fn image_entity(id: &str, label: &str) -> Entity {
    Entity::new("image", id, label, format!("/v4/images/{id}"))
}

async fn list_images(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let private = store.compute.images.values().filter(|_| authenticated);
    list_response(
        catalog().images.iter().chain(private),
        IMAGE_FILTERABLE,
        &req,
    )
}

async fn get_image(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    if let Some(public) = catalog().image(&id) {
        return Ok(Json(public.clone()));
    }
    let store = state.store();
    get_response(store.compute.private_image(&id).filter(|_| authenticated))
}

async fn create_image(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    let disk_id = errs.unsigned(&body, "disk_id");
    let disk = disk_id.and_then(|d| store.compute.find_disk(d));
    match (disk_id, &disk) {
        (None, _) => errs.add("disk_id", "disk_id is required"),
        (Some(_), None) => errs.add("disk_id", "Disk not found"),
        (Some(_), Some((_, d))) if d["filesystem"] == "swap" => {
            errs.add("disk_id", "A swap disk cannot be imagized")
        }
        _ => {}
    }
    let label = errs.string(&body, "label");
    if let Some(l) = &label {
        if !(1..=50).contains(&l.chars().count()) {
            errs.add("label", "Length must be 1-50 characters");
        }
    }
    let description = errs.string(&body, "description");
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 65000)
    {
        errs.add("description", "Length must be 0-65000 characters");
    }
    let tags = errs.tags(&body);
    let cloud_init = errs.boolean(&body, "cloud_init").unwrap_or(false);
    errs.finish(())?;
    let Some((linode_id, disk)) = disk.map(|(l, d)| (l, d.clone())) else {
        return Err(ApiError::field("disk_id", "Disk not found"));
    };
    let label = label.unwrap_or_else(|| disk["label"].as_str().unwrap_or_default().to_owned());
    let number = store.compute.image_number();
    let id = format!("private/{number}");
    let size = disk["size"].as_u64().unwrap_or(0);
    let (linode_label, region) = store
        .instances
        .get(linode_id)
        .map(|i| {
            (
                i["label"].as_str().unwrap_or_default().to_owned(),
                i["region"].clone(),
            )
        })
        .unwrap_or_default();
    let ts = now();
    let image = json!({
        "id": id,
        "label": label,
        // The API answers "" rather than null when no description was given.
        "description": description.unwrap_or_default(),
        "created": ts,
        "updated": ts,
        "created_by": USERNAME,
        "deprecated": false,
        "is_public": false,
        "is_shared": false,
        "size": size,
        "total_size": size,
        "type": "manual",
        "vendor": null,
        "status": "creating",
        "expiry": null,
        "eol": null,
        "capabilities": if cloud_init { json!(["cloud-init"]) } else { json!([]) },
        "tags": tags.unwrap_or_default(),
        "regions": [{"region": region, "status": "pending"}],
        "image_sharing": null,
    });
    store.compute.images.insert(number, image.clone());
    store.record(
        Action::new("disk_imagize", Entity::linode(linode_id, &linode_label))
            .secondary(image_entity(&id, &label))
            .lasting(Duration::from_secs(120))
            .on_finish(move |s| {
                if let Some(i) = s.compute.images.get_mut(number) {
                    i["status"] = Value::from("available");
                    i["regions"][0]["status"] = Value::from("available");
                }
            })
            .on_fail(move |s| {
                s.compute.images.remove(number);
            }),
    );
    Ok(Json(image))
}

/// The number of a private image id, or 404 (public images cannot be changed).
fn private_number(id: &str) -> Result<u64, ApiError> {
    id.strip_prefix("private/")
        .and_then(|n| n.parse().ok())
        .ok_or_else(ApiError::not_found)
}

async fn update_image(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let number = private_number(&id)?;
    store
        .compute
        .images
        .get(number)
        .ok_or_else(ApiError::not_found)?;
    let mut errs = Checks::default();
    let label = errs.string(&body, "label");
    if let Some(l) = &label {
        if !(1..=50).contains(&l.chars().count()) {
            errs.add("label", "Length must be 1-50 characters");
        }
    }
    let description = errs.string(&body, "description");
    let tags = errs.tags(&body);
    errs.finish(())?;
    let image = store
        .compute
        .images
        .get_mut(number)
        .ok_or_else(ApiError::not_found)?;
    if let Some(l) = label {
        image["label"] = Value::from(l);
    }
    if let Some(d) = description {
        image["description"] = Value::from(d);
    }
    if let Some(t) = tags {
        image["tags"] = Value::from(t);
    }
    image["updated"] = Value::from(now());
    let answer = image.clone();
    let label = answer["label"].as_str().unwrap_or_default();
    store.record(Action::new("image_update", image_entity(&id, label)));
    Ok(Json(answer))
}

async fn delete_image(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let number = private_number(&id)?;
    let removed = store
        .compute
        .images
        .remove(number)
        .ok_or_else(ApiError::not_found)?;
    let label = removed["label"].as_str().unwrap_or_default();
    store.record(Action::new("image_delete", image_entity(&id, label)));
    Ok(Json(json!({})))
}
