//! `/images`: the public catalog (ids contain a slash, `linode/debian12`) and, for an
//! authenticated caller, the account's private images (`private/123`).
//!
//! State rules:
//! - A private image is made from a disk (`POST /images`, `creating` then `available`) or by
//!   an upload: `POST /images/upload` makes a `pending_upload` image in a region that offers
//!   Object Storage and answers an `upload_to` URL on the sandbox itself, outside `/v4`
//!   (`/sandbox/uploads/<n>?signature=<secret>`, no bearer token, as a pre-signed URL). One
//!   `PUT` of a gzip-compressed raw disk (at most [`UPLOAD_LIMIT`] bytes here, the API's 5 GB
//!   being too much for a test bed) is accepted per URL; the image then becomes `available`
//!   (event `image_upload`) with `size` in MB from the uncompressed length the gzip trailer
//!   records, and `total_size` = `size` × its available regions.
//! - `POST /images/{imageId}/regions` replicates an `available` private image: the listed
//!   regions are kept or added (`pending replication`, then `available`), the others become
//!   `pending deletion` and are then removed. The list must name existing regions offering
//!   Object Storage, without repeats, and at least one where the image is already available.
//! - Public images are never changed (404 on update and delete, 400 on replicate).
//! - Deleting a private image removes its shares from every share group.
//! - Images shared with the account through an active share group membership (see
//!   `image_sharegroups`) are listed and served as `shared/<n>`, with `is_shared` `"none"`.

use std::collections::HashMap;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Extension, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use super::checks::Checks;
use super::image_sharegroups::{self, shares_visible_to_members};
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::account::random_hex;
use crate::auth::Authenticated;
use crate::catalog::catalog;
use crate::compute::USERNAME;
use crate::compute::names::PRIVATE_IMAGES;
use crate::error::ApiError;
use crate::lifecycle::{Action, Effect, Entity};
use crate::store::{Store, now};

/// Largest upload the sandbox accepts, in bytes of gzip data (the API takes up to 5 GB).
pub const UPLOAD_LIMIT: usize = 4 * 1024 * 1024;

/// Uploads waiting for their data, by image number: `{"signature": ..}`.
const UPLOADS: &str = "image_uploads";

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
        .route("/images/upload", post(create_upload))
        // An image id holds a slash: as one encoded segment (`private%2F12`) or as two.
        .route(
            "/images/{imageId}",
            get(get_image).put(update_image).delete(delete_image),
        )
        .route(
            "/images/{imageId}/{number}",
            get(get_image).put(update_image).delete(delete_image),
        )
        .route("/images/{imageId}/regions", post(replicate_image))
        .route("/images/{imageId}/{number}/regions", post(replicate_image))
        .route(
            "/images/{imageId}/sharegroups",
            get(image_sharegroups::list_image_sharegroups),
        )
        .route(
            "/images/{imageId}/{number}/sharegroups",
            get(image_sharegroups::list_image_sharegroups),
        )
        .merge(image_sharegroups::routes())
}

/// The upload URLs `POST /images/upload` hands out, outside the API (no `/v4`, no token).
pub(super) fn upload_routes() -> Router<AppState> {
    Router::new().route(
        "/sandbox/uploads/{number}",
        // The request log already caps bodies; the handler answers the upload limit itself.
        put(receive_upload).layer(DefaultBodyLimit::disable()),
    )
}

/// An image id from its path parameters, in either of its two shapes.
pub(super) fn image_id(params: &HashMap<String, String>) -> String {
    match (params.get("imageId"), params.get("number")) {
        (Some(kind), Some(number)) => format!("{kind}/{number}"),
        (Some(id), None) => id.clone(),
        _ => String::new(),
    }
}

fn image_entity(id: &str, label: &str) -> Entity {
    Entity::new("image", id, label, format!("/v4/images/{id}"))
}

/// The `image_sharing` block of a private image shared in `groups` share groups.
pub(super) fn sharing_block(id: &str, groups: usize) -> Value {
    json!({
        "shared_by": null,
        "shared_with": {
            "sharegroup_count": groups,
            "sharegroup_list_url": format!("/images/{id}/sharegroups"),
        },
    })
}

async fn list_images(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let shared = if authenticated {
        shares_visible_to_members(&store)
    } else {
        Vec::new()
    };
    let private = store
        .table(crate::compute::names::PRIVATE_IMAGES)
        .values()
        .filter(|_| authenticated);
    list_response(
        catalog().images.iter().chain(private).chain(shared.iter()),
        IMAGE_FILTERABLE,
        &req,
    )
}

async fn get_image(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    ApiPath(params): ApiPath<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let id = image_id(&params);
    if let Some(public) = catalog().image(&id) {
        return Ok(Json(public.clone()));
    }
    if !authenticated {
        return Err(ApiError::not_found());
    }
    let store = state.store();
    if id.starts_with("shared/") {
        let shared = shares_visible_to_members(&store);
        return get_response(shared.iter().find(|s| s["id"] == id.as_str()));
    }
    get_response(store.private_image(&id))
}

/// Checks `label`, `description`, `tags` and `cloud_init` of a new image.
struct NewImage {
    label: Option<String>,
    description: Option<String>,
    tags: Vec<String>,
    cloud_init: bool,
}

fn check_new_image(errs: &mut Checks, body: &serde_json::Map<String, Value>) -> NewImage {
    let label = errs.sized(body, "label", 1, 50);
    let description = errs.sized(body, "description", 0, 65000);
    let tags = errs.tags(body).unwrap_or_default();
    let cloud_init = errs.boolean(body, "cloud_init").unwrap_or(false);
    NewImage {
        label,
        description,
        tags,
        cloud_init,
    }
}

/// A private image as served, with no size yet.
fn private_image_json(
    id: &str,
    new: NewImage,
    label: String,
    status: &str,
    regions: Value,
) -> Value {
    let ts = now();
    json!({
        "id": id,
        "label": label,
        // The API answers "" rather than null when no description was given.
        "description": new.description.unwrap_or_default(),
        "created": ts,
        "updated": ts,
        "created_by": USERNAME,
        "deprecated": false,
        "is_public": false,
        "is_shared": false,
        "image_sharing": sharing_block(id, 0),
        "size": 0,
        "total_size": 0,
        "type": "manual",
        "vendor": null,
        "status": status,
        "expiry": null,
        "eol": null,
        "capabilities": if new.cloud_init { json!(["cloud-init"]) } else { json!([]) },
        "tags": new.tags,
        "regions": regions,
    })
}

async fn create_image(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    let disk_id = errs.unsigned(&body, "disk_id");
    let disk = disk_id.and_then(|d| store.find_child(crate::compute::Child::Disks, d));
    match (disk_id, &disk) {
        (None, _) => errs.add("disk_id", "disk_id is required"),
        (Some(_), None) => errs.add("disk_id", "Disk not found"),
        (Some(_), Some((_, d))) if d["filesystem"] == "swap" => {
            errs.add("disk_id", "A swap disk cannot be imagized")
        }
        _ => {}
    }
    let new = check_new_image(&mut errs, &body);
    errs.finish(())?;
    let Some((linode_id, disk)) = disk else {
        return Err(ApiError::field("disk_id", "Disk not found"));
    };
    let label = new
        .label
        .clone()
        .unwrap_or_else(|| disk["label"].as_str().unwrap_or_default().to_owned());
    let number = store.image_number();
    let id = format!("private/{number}");
    let size = disk["size"].as_u64().unwrap_or(0);
    let (linode_label, region) = store
        .instances()
        .get(linode_id)
        .map(|i| {
            (
                i["label"].as_str().unwrap_or_default().to_owned(),
                i["region"].clone(),
            )
        })
        .unwrap_or_default();
    let mut image = private_image_json(
        &id,
        new,
        label.clone(),
        "creating",
        json!([{"region": region, "status": "pending"}]),
    );
    image["size"] = Value::from(size);
    image["total_size"] = Value::from(size);
    store.private_images_mut().insert(number, image.clone());
    store.record(
        Action::new("disk_imagize", Entity::linode(linode_id, &linode_label))
            .secondary(image_entity(&id, &label))
            .lasting(Duration::from_secs(120))
            .on_finish(Effect::set(
                PRIVATE_IMAGES,
                number,
                [
                    ("/status", json!("available")),
                    ("/regions/0/status", json!("available")),
                ],
            ))
            .on_fail(Effect::remove(PRIVATE_IMAGES, number)),
    );
    Ok(Json(image))
}

/// Whether a region exists and stores images (it offers Object Storage).
fn region_problem(region: &str) -> Option<&'static str> {
    match catalog().region(region) {
        None => Some("Region not found"),
        Some(r)
            if !r["capabilities"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c == "Object Storage")) =>
        {
            Some("Region does not support Object Storage, which stores images")
        }
        Some(_) => None,
    }
}

async fn create_upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut errs = Checks::default();
    errs.require(&body, "label");
    let region = errs.required(&body, "region");
    if let Some(problem) = region.as_deref().and_then(region_problem) {
        errs.add("region", problem);
    }
    let new = check_new_image(&mut errs, &body);
    errs.finish(())?;
    let (Some(region), Some(label)) = (region, new.label.clone()) else {
        return Err(ApiError::field("label", "label is required"));
    };
    let mut store = state.store();
    let number = store.image_number();
    let id = format!("private/{number}");
    let image = private_image_json(
        &id,
        new,
        label,
        "pending_upload",
        json!([{"region": region, "status": "pending"}]),
    );
    store.private_images_mut().insert(number, image.clone());
    let signature = random_hex(24);
    store
        .table_mut(UPLOADS)
        .insert(number, json!({"signature": signature}));
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    Ok(Json(json!({
        "image": image,
        "upload_to": format!("http://{host}/sandbox/uploads/{number}?signature={signature}"),
    })))
}

/// The uncompressed length a gzip stream records in its trailer (modulo 2^32), or `None`
/// when `data` is not gzip.
fn gzip_length(data: &[u8]) -> Option<u64> {
    // A gzip member: magic 1f 8b, method 8 (deflate), 10-byte header, 8-byte trailer.
    if data.len() < 18 || data[..3] != [0x1f, 0x8b, 0x08] {
        return None;
    }
    let tail: [u8; 4] = data[data.len() - 4..].try_into().ok()?;
    Some(u64::from(u32::from_le_bytes(tail)))
}

async fn receive_upload(
    State(state): State<AppState>,
    ApiPath(number): ApiPath<u64>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let signature = query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("signature="))
        .unwrap_or_default()
        .to_owned();
    let mut store = state.store();
    let expected = store
        .table(UPLOADS)
        .get(number)
        .map(|u| u["signature"].clone());
    match expected {
        None => return ApiError::not_found().into_response(),
        Some(expected) if expected != signature.as_str() => {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "The upload URL's signature does not match",
            )
            .into_response();
        }
        Some(_) => {}
    }
    if body.len() > UPLOAD_LIMIT {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The image is {} bytes; the sandbox accepts uploads of at most {UPLOAD_LIMIT} bytes",
                body.len()
            ),
        )
        .into_response();
    }
    let Some(length) = gzip_length(&body) else {
        return ApiError::bad_request(
            "The image must be a gzip-compressed raw disk image (.img.gz)",
        )
        .into_response();
    };
    store.table_mut(UPLOADS).remove(number);
    let size = length.div_ceil(1024 * 1024);
    let id = format!("private/{number}");
    let label = store
        .table(crate::compute::names::PRIVATE_IMAGES)
        .get(number)
        .and_then(|i| i["label"].as_str())
        .unwrap_or_default()
        .to_owned();
    store.record(
        Action::new("image_upload", image_entity(&id, &label))
            .lasting(Duration::from_secs(60))
            .on_finish(Effect::rule(
                "images.regions_ready",
                json!({"number": number, "size": size, "uploaded": true}),
            )),
    );
    StatusCode::OK.into_response()
}

/// The rule `images.regions_ready`: an upload or a replication is done; the image is in
/// every region it keeps, and (once uploaded) available with its size.
pub(super) fn regions_ready(store: &mut Store, args: &Value) {
    let (Some(number), Some(size)) = (args["number"].as_u64(), args["size"].as_u64()) else {
        return;
    };
    let Some(i) = store.private_images_mut().get_mut(number) else {
        return;
    };
    if args["uploaded"] == true {
        i["status"] = Value::from("available");
        i["size"] = Value::from(size);
        i["updated"] = Value::from(now());
    }
    if let Some(regions) = i["regions"].as_array_mut() {
        regions.retain(|r| r["status"] != "pending deletion");
        for r in regions.iter_mut() {
            r["status"] = Value::from("available");
        }
    }
    i["total_size"] = Value::from(size * available_regions(i));
}

fn available_regions(image: &Value) -> u64 {
    image["regions"].as_array().map_or(0, |r| {
        r.iter().filter(|r| r["status"] == "available").count() as u64
    })
}

/// The number of a private image id, or 404 (public images cannot be changed).
fn private_number(id: &str) -> Result<u64, ApiError> {
    id.strip_prefix("private/")
        .and_then(|n| n.parse().ok())
        .ok_or_else(ApiError::not_found)
}

async fn replicate_image(
    State(state): State<AppState>,
    ApiPath(params): ApiPath<HashMap<String, String>>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let id = image_id(&params);
    if catalog().image(&id).is_some() {
        return Err(ApiError::bad_request(
            "Only private images can be replicated",
        ));
    }
    let number = private_number(&id)?;
    let mut store = state.store();
    let image = store
        .table(crate::compute::names::PRIVATE_IMAGES)
        .get(number)
        .ok_or_else(ApiError::not_found)?;
    if image["status"] != "available" {
        return Err(ApiError::bad_request(
            "The image must be available before it is replicated",
        ));
    }
    let mut errs = Checks::default();
    errs.require(&body, "regions");
    let wanted = errs.strings(&body, "regions").unwrap_or_default();
    if errs.ok() && wanted.is_empty() {
        errs.add("regions", "At least one region is required");
    }
    for (i, region) in wanted.iter().enumerate() {
        if let Some(problem) = region_problem(region) {
            errs.add(&format!("regions[{i}]"), problem);
        } else if wanted[..i].contains(region) {
            errs.add(&format!("regions[{i}]"), "Region is listed twice");
        }
    }
    let available: Vec<String> = image["regions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["status"] == "available")
        .filter_map(|r| r["region"].as_str().map(str::to_owned))
        .collect();
    if errs.ok() && !wanted.iter().any(|r| available.contains(r)) {
        errs.add(
            "regions",
            "Include at least one region where the image is available",
        );
    }
    errs.finish(())?;
    let image = store
        .private_images_mut()
        .get_mut(number)
        .ok_or_else(ApiError::not_found)?;
    let mut regions: Vec<Value> = image["regions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut r| {
            let kept = r["region"]
                .as_str()
                .is_some_and(|n| wanted.iter().any(|w| w == n));
            if !kept {
                r["status"] = Value::from("pending deletion");
            }
            r
        })
        .collect();
    for region in &wanted {
        if !regions.iter().any(|r| r["region"] == region.as_str()) {
            regions.push(json!({"region": region, "status": "pending replication"}));
        }
    }
    image["regions"] = Value::from(regions);
    image["updated"] = Value::from(now());
    let answer = image.clone();
    let label = answer["label"].as_str().unwrap_or_default().to_owned();
    let size = answer["size"].as_u64().unwrap_or(0);
    store.record(
        Action::new("image_update", image_entity(&id, &label))
            .lasting(Duration::from_secs(300))
            .on_finish(Effect::rule(
                "images.regions_ready",
                json!({"number": number, "size": size, "uploaded": false}),
            )),
    );
    Ok(Json(answer))
}

async fn update_image(
    State(state): State<AppState>,
    ApiPath(params): ApiPath<HashMap<String, String>>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let id = image_id(&params);
    let mut store = state.store();
    let number = private_number(&id)?;
    store
        .table(crate::compute::names::PRIVATE_IMAGES)
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
        .private_images_mut()
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
    ApiPath(params): ApiPath<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let id = image_id(&params);
    let mut store = state.store();
    let number = private_number(&id)?;
    let removed = store
        .private_images_mut()
        .remove(number)
        .ok_or_else(ApiError::not_found)?;
    store.table_mut(UPLOADS).remove(number);
    image_sharegroups::unshare_image(&mut store, &id);
    let label = removed["label"].as_str().unwrap_or_default();
    store.record(Action::new("image_delete", image_entity(&id, label)));
    Ok(Json(json!({})))
}

/// Keeps a private image's `is_shared` and `image_sharing` in step with the share groups.
pub(super) fn set_sharing(store: &mut Store, id: &str, groups: usize) {
    if let Ok(number) = private_number(id) {
        if let Some(image) = store.private_images_mut().get_mut(number) {
            image["is_shared"] = Value::from(groups > 0);
            image["image_sharing"] = sharing_block(id, groups);
        }
    }
}
