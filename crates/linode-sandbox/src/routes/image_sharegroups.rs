//! `/images/sharegroups`: image share groups, in which a producer shares private images with
//! consumer accounts that join through membership tokens.
//!
//! State rules:
//! - A group (`uuid` random) holds image shares: each names an `available` private image of
//!   the account (at most once per group) and becomes `shared/<n>`, `type` `shared`, with the
//!   group's label or its own, and an `image_sharing.shared_by` block naming the group and the
//!   source image. The source image then has `is_shared: true` and counts the groups in
//!   `image_sharing.shared_with.sharegroup_count`. `images_count` and `members_count` follow.
//! - A consumer creates a token for a group's `uuid` (status `pending`); its secret `token` is
//!   shown once. The producer adds a member with that secret: the token becomes `active`, the
//!   member (named by the token's `token_uuid`) `active`. A token joins once and only the
//!   group it was made for.
//! - Through an active token the consumer sees the group and its images (`is_shared: "none"`,
//!   no `source_image_id`); those images are also listed under `GET /images`.
//! - Removing a member revokes its token; deleting a token ends its membership; deleting a
//!   group removes its shares and members and revokes its tokens; deleting a source image
//!   removes its shares.
//! - The sandbox has one account, so producer and consumer are the same caller: a token can be
//!   made for any group of the sandbox, including the caller's own.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Extension, State};
use axum::response::Json;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::images::{image_id, set_sharing};
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::account::random_hex;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::store::{Store, now};

const GROUPS: &str = "image_sharegroups";
/// Image shares by number (`shared/<n>`), as the producer sees them.
const SHARES: &str = "image_shares";
/// `{"sharegroup_id": .., "member": {..}}` by an internal number.
const MEMBERS: &str = "image_sharegroup_members";
/// `{"secret": .., "token": {..}}` by an internal number.
const TOKENS: &str = "image_sharegroup_tokens";

const GROUP_FILTERABLE: &[&str] = &["label"];
const SHARE_FILTERABLE: &[&str] = &["label", "tags", "type"];
const MEMBER_FILTERABLE: &[&str] = &["label", "status", "token_uuid"];
const TOKEN_FILTERABLE: &[&str] = &[
    "label",
    "sharegroup_label",
    "sharegroup_uuid",
    "status",
    "valid_for_sharegroup_uuid",
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/images/sharegroups", get(list_groups).post(create_group))
        .route(
            "/images/sharegroups/tokens",
            get(list_tokens).post(create_token),
        )
        .route(
            "/images/sharegroups/tokens/{tokenUuid}",
            get(get_token).put(update_token).delete(delete_token),
        )
        .route(
            "/images/sharegroups/tokens/{tokenUuid}/sharegroup",
            get(token_group),
        )
        .route(
            "/images/sharegroups/tokens/{tokenUuid}/sharegroup/images",
            get(token_group_images),
        )
        .route(
            "/images/sharegroups/{sharegroupId}",
            get(get_group).put(update_group).delete(delete_group),
        )
        .route(
            "/images/sharegroups/{sharegroupId}/images",
            get(list_shares).post(add_shares),
        )
        .route(
            "/images/sharegroups/{sharegroupId}/images/{imageId}",
            axum::routing::put(update_share).delete(remove_share),
        )
        .route(
            "/images/sharegroups/{sharegroupId}/images/{imageId}/{number}",
            axum::routing::put(update_share).delete(remove_share),
        )
        .route(
            "/images/sharegroups/{sharegroupId}/members",
            get(list_members).post(add_member),
        )
        .route(
            "/images/sharegroups/{sharegroupId}/members/{tokenUuid}",
            get(get_member).put(update_member).delete(remove_member),
        )
}

/// `GET /images` is public, so every route here checks the token itself.
fn signed_in(authenticated: bool) -> Result<(), ApiError> {
    if authenticated {
        Ok(())
    } else {
        Err(ApiError::unauthorized())
    }
}

fn new_uuid() -> String {
    let hex = random_hex(16);
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

fn group_of_share(share: &Value) -> Option<u64> {
    share["image_sharing"]["shared_by"]["sharegroup_id"].as_u64()
}

fn source_of_share(share: &Value) -> String {
    share["image_sharing"]["shared_by"]["source_image_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The group `id`, or 404.
fn group(store: &Store, id: u64) -> Result<&Value, ApiError> {
    store.table(GROUPS).get(id).ok_or_else(ApiError::not_found)
}

/// Recomputes a group's counts and the sharing blocks of the images it shares.
fn refresh(store: &mut Store, group_id: u64, sources: impl IntoIterator<Item = String>) {
    let images = store
        .table(SHARES)
        .values()
        .filter(|s| group_of_share(s) == Some(group_id))
        .count();
    let members = store
        .table(MEMBERS)
        .values()
        .filter(|m| m["sharegroup_id"].as_u64() == Some(group_id))
        .count();
    if let Some(g) = store.table_mut(GROUPS).get_mut(group_id) {
        g["images_count"] = Value::from(images);
        g["members_count"] = Value::from(members);
    }
    for source in sources {
        let mut groups: Vec<u64> = store
            .table(SHARES)
            .values()
            .filter(|s| source_of_share(s) == source)
            .filter_map(group_of_share)
            .collect();
        groups.sort_unstable();
        groups.dedup();
        set_sharing(store, &source, groups.len());
    }
}

/// How a member of a group sees one of its shares.
fn consumer_view(share: &Value) -> Value {
    let mut view = share.clone();
    view["is_shared"] = Value::from("none");
    view["image_sharing"]["shared_by"]["source_image_id"] = Value::Null;
    view
}

/// The groups the account belongs to through an active token.
fn joined_groups(store: &Store) -> Vec<u64> {
    store
        .table(MEMBERS)
        .values()
        .filter(|m| m["member"]["status"] == "active")
        .filter_map(|m| m["sharegroup_id"].as_u64())
        .collect()
}

/// The images shared with the account through its memberships, as it sees them.
pub(super) fn shares_visible_to_members(store: &Store) -> Vec<Value> {
    let joined = joined_groups(store);
    store
        .table(SHARES)
        .values()
        .filter(|s| group_of_share(s).is_some_and(|g| joined.contains(&g)))
        .map(consumer_view)
        .collect()
}

/// Removes every share of private image `id` (the image is being deleted).
pub(super) fn unshare_image(store: &mut Store, id: &str) {
    let gone: Vec<(u64, Option<u64>)> = store
        .table(SHARES)
        .values()
        .filter(|s| source_of_share(s) == id)
        .map(|s| (share_number(s), group_of_share(s)))
        .collect();
    for (number, group_id) in gone {
        store.table_mut(SHARES).remove(number);
        if let Some(g) = group_id {
            refresh(store, g, []);
        }
    }
}

fn share_number(share: &Value) -> u64 {
    share["id"]
        .as_str()
        .and_then(|id| id.strip_prefix("shared/"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A share to add: `(source image id, label, description)`.
type NewShare = (String, Option<String>, Option<String>);

/// Checks the `images` array of a request; `group_id` is the group they join, if it exists.
fn check_shares(
    errs: &mut Checks,
    store: &Store,
    body: &Map<String, Value>,
    group_id: Option<u64>,
) -> Vec<NewShare> {
    let Some(items) = body.get("images").filter(|v| !v.is_null()) else {
        return Vec::new();
    };
    let Some(items) = items.as_array() else {
        errs.add("images", "images must be an array");
        return Vec::new();
    };
    let mut out: Vec<NewShare> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = |name: &str| format!("images[{i}].{name}");
        let Some(item) = item.as_object() else {
            errs.add(&format!("images[{i}]"), "Each image must be an object");
            continue;
        };
        let text = |name: &str| item.get(name).filter(|v| !v.is_null());
        let id = match text("id") {
            None => {
                errs.add(&field("id"), "id is required");
                None
            }
            Some(Value::String(id)) => Some(id.clone()),
            Some(_) => {
                errs.add(&field("id"), "id must be a string");
                None
            }
        };
        let mut optional = |name: &str, min: usize, max: usize| match text(name) {
            None => None,
            Some(Value::String(v)) if (min..=max).contains(&v.chars().count()) => Some(v.clone()),
            Some(Value::String(_)) => {
                errs.add(
                    &field(name),
                    format!("Length must be {min}-{max} characters"),
                );
                None
            }
            Some(_) => {
                errs.add(&field(name), format!("{name} must be a string"));
                None
            }
        };
        let label = optional("label", 1, 100);
        let description = optional("description", 0, 65000);
        let Some(id) = id else { continue };
        let problem = match store.private_image(&id) {
            None if id.starts_with("private/") => Some("Image not found"),
            None => Some("Only private images can be shared"),
            Some(image) if image["status"] != "available" => Some("Image is not available yet"),
            Some(_) => None,
        };
        let repeated = out.iter().any(|(s, _, _)| *s == id)
            || group_id.is_some_and(|g| {
                store
                    .table(SHARES)
                    .values()
                    .any(|s| group_of_share(s) == Some(g) && source_of_share(s) == id)
            });
        match problem {
            Some(reason) => errs.add(&field("id"), reason),
            None if repeated => errs.add(&field("id"), "Image is already shared in this group"),
            None => out.push((id, label, description)),
        }
    }
    out
}

/// Stores the shares of `group_id` and returns them as the producer sees them.
fn insert_shares(store: &mut Store, group_id: u64, shares: Vec<NewShare>) -> Vec<Value> {
    let (group_label, group_uuid) = match store.table(GROUPS).get(group_id) {
        Some(g) => (g["label"].clone(), g["uuid"].clone()),
        None => return Vec::new(),
    };
    let mut added = Vec::new();
    let mut sources = Vec::new();
    for (source_id, label, description) in shares {
        let Some(source) = store.private_image(&source_id).cloned() else {
            continue;
        };
        let number = store.next_id("image_share", 1);
        let ts = now();
        let share = json!({
            "id": format!("shared/{number}"),
            "label": label.map_or_else(|| source["label"].clone(), Value::from),
            "description": description.map_or_else(|| source["description"].clone(), Value::from),
            "created": ts,
            "updated": null,
            "created_by": null,
            "capabilities": source["capabilities"],
            "deprecated": false,
            "is_public": false,
            "is_shared": true,
            "image_sharing": {
                "shared_by": {
                    "sharegroup_id": group_id,
                    "sharegroup_label": group_label,
                    "sharegroup_uuid": group_uuid,
                    "source_image_id": source_id,
                    "source_image_label": source["label"],
                },
                "shared_with": null,
            },
            "regions": source["regions"],
            "size": source["size"],
            "total_size": source["total_size"],
            "status": "available",
            "tags": source["tags"],
            "type": "shared",
            "vendor": null,
            "expiry": null,
            "eol": null,
        });
        store.table_mut(SHARES).insert(number, share.clone());
        sources.push(source_id);
        added.push(share);
    }
    refresh(store, group_id, sources);
    added
}

async fn list_groups(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    signed_in(authenticated)?;
    let store = state.store();
    list_response(store.table(GROUPS).values(), GROUP_FILTERABLE, &req)
}

async fn create_group(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    errs.require(&body, "label");
    let label = errs.sized(&body, "label", 1, 100);
    let description = errs.sized(&body, "description", 0, 65000);
    let shares = check_shares(&mut errs, &store, &body, None);
    errs.finish(())?;
    let id = store.next_id("image_sharegroup", 1);
    let group = json!({
        "id": id,
        "uuid": new_uuid(),
        "label": label,
        "description": description,
        "is_suspended": false,
        "created": now(),
        "updated": null,
        "expiry": null,
        "images_count": 0,
        "members_count": 0,
    });
    store.table_mut(GROUPS).insert(id, group);
    insert_shares(&mut store, id, shares);
    get_response(store.table(GROUPS).get(id))
}

async fn get_group(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    signed_in(authenticated)?;
    let store = state.store();
    get_response(store.table(GROUPS).get(id))
}

async fn update_group(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    group(&store, id)?;
    let answer = change_details(&mut store, GROUPS, id, "", &body, true)?;
    // The shares show the group's label.
    for (_, share) in store.table_mut(SHARES).iter_mut() {
        if group_of_share(share) == Some(id) {
            share["image_sharing"]["shared_by"]["sharegroup_label"] = answer["label"].clone();
        }
    }
    Ok(answer)
}

/// A `PUT` of details: `label` (required unless `description` is accepted too) and, when
/// `description` is true, `description`, applied to the object at JSON pointer `pointer` of
/// entry `key` in `table`; answers the object as it is then.
fn change_details(
    store: &mut Store,
    table: &'static str,
    key: u64,
    pointer: &str,
    body: &Map<String, Value>,
    description: bool,
) -> Result<Json<Value>, ApiError> {
    let mut errs = Checks::default();
    if !description {
        errs.require(body, "label");
    }
    let label = errs.sized(body, "label", 1, 100);
    let text = if description {
        errs.sized(body, "description", 0, 65000)
    } else {
        None
    };
    errs.finish(())?;
    let object = store
        .table_mut(table)
        .get_mut(key)
        .and_then(|entry| entry.pointer_mut(pointer))
        .ok_or_else(ApiError::not_found)?;
    if let Some(l) = label {
        object["label"] = Value::from(l);
    }
    if let Some(d) = text {
        object["description"] = Value::from(d);
    }
    object["updated"] = Value::from(now());
    Ok(Json(object.clone()))
}

async fn delete_group(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let removed = store
        .table_mut(GROUPS)
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    let shares: Vec<(u64, String)> = store
        .table(SHARES)
        .values()
        .filter(|s| group_of_share(s) == Some(id))
        .map(|s| (share_number(s), source_of_share(s)))
        .collect();
    let mut sources = Vec::new();
    for (number, source) in shares {
        store.table_mut(SHARES).remove(number);
        sources.push(source);
    }
    let members: Vec<u64> = member_keys(&store, id);
    for key in members {
        store.table_mut(MEMBERS).remove(key);
    }
    for (_, token) in store.table_mut(TOKENS).iter_mut() {
        if token["token"]["valid_for_sharegroup_uuid"] == removed["uuid"] {
            token["token"]["status"] = Value::from("revoked");
            token["token"]["updated"] = Value::from(now());
        }
    }
    refresh(&mut store, id, sources);
    Ok(Json(json!({})))
}

/// The internal numbers of the members of `group_id`.
fn member_keys(store: &Store, group_id: u64) -> Vec<u64> {
    store
        .table(MEMBERS)
        .values()
        .filter(|m| m["sharegroup_id"].as_u64() == Some(group_id))
        .filter_map(|m| m["key"].as_u64())
        .collect()
}

/// The internal number of the token whose `field` (in its wrapper) is `value`.
fn find_token(store: &Store, matches: impl Fn(&Value) -> bool) -> Option<u64> {
    store
        .table(TOKENS)
        .values()
        .find(|t| matches(t))
        .and_then(|t| t["key"].as_u64())
}

async fn list_shares(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    signed_in(authenticated)?;
    let store = state.store();
    group(&store, id)?;
    let shares = store
        .table(SHARES)
        .values()
        .filter(|s| group_of_share(s) == Some(id));
    list_response(shares, SHARE_FILTERABLE, &req)
}

async fn add_shares(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    group(&store, id)?;
    let mut errs = Checks::default();
    errs.require(&body, "images");
    let shares = check_shares(&mut errs, &store, &body, Some(id));
    if errs.ok() && shares.is_empty() {
        errs.add("images", "At least one image is required");
    }
    errs.finish(())?;
    let added = insert_shares(&mut store, id, shares);
    let count = added.len();
    Ok(Json(
        json!({"data": added, "page": 1, "pages": 1, "results": count}),
    ))
}

/// The number of the share named in the path (`shared/3`, or `3`) within group `group_id`.
fn share_in_group(
    store: &Store,
    group_id: u64,
    params: &HashMap<String, String>,
) -> Result<u64, ApiError> {
    group(store, group_id)?;
    let id = image_id(params);
    let number: u64 = id
        .strip_prefix("shared/")
        .unwrap_or(&id)
        .parse()
        .map_err(|_| ApiError::not_found())?;
    store
        .table(SHARES)
        .get(number)
        .filter(|s| group_of_share(s) == Some(group_id))
        .map(|_| number)
        .ok_or_else(ApiError::not_found)
}

fn group_param(params: &HashMap<String, String>) -> Result<u64, ApiError> {
    params
        .get("sharegroupId")
        .and_then(|g| g.parse().ok())
        .ok_or_else(ApiError::not_found)
}

async fn update_share(
    State(state): State<AppState>,
    ApiPath(params): ApiPath<HashMap<String, String>>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let group_id = group_param(&params)?;
    let number = share_in_group(&store, group_id, &params)?;
    change_details(&mut store, SHARES, number, "", &body, true)
}

async fn remove_share(
    State(state): State<AppState>,
    ApiPath(params): ApiPath<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let group_id = group_param(&params)?;
    let number = share_in_group(&store, group_id, &params)?;
    let removed = store
        .table_mut(SHARES)
        .remove(number)
        .ok_or_else(ApiError::not_found)?;
    refresh(&mut store, group_id, [source_of_share(&removed)]);
    Ok(Json(json!({})))
}

/// The member of `group_id` whose token is `token_uuid`, as its internal number.
fn member(store: &Store, group_id: u64, token_uuid: &str) -> Result<u64, ApiError> {
    group(store, group_id)?;
    member_keys(store, group_id)
        .into_iter()
        .find(|k| {
            store
                .table(MEMBERS)
                .get(*k)
                .is_some_and(|m| m["member"]["token_uuid"] == token_uuid)
        })
        .ok_or_else(ApiError::not_found)
}

async fn list_members(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    signed_in(authenticated)?;
    let store = state.store();
    group(&store, id)?;
    let members = store
        .table(MEMBERS)
        .values()
        .filter(|m| m["sharegroup_id"].as_u64() == Some(id))
        .map(|m| &m["member"]);
    list_response(members, MEMBER_FILTERABLE, &req)
}

async fn add_member(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let uuid = group(&store, id)?["uuid"].clone();
    let mut errs = Checks::default();
    let secret = errs.required(&body, "token");
    errs.require(&body, "label");
    let label = errs.sized(&body, "label", 1, 100);
    let mut found = None;
    if let Some(secret) = &secret {
        let token = find_token(&store, |t| t["secret"] == secret.as_str())
            .and_then(|k| store.table(TOKENS).get(k).map(|t| (k, t)));
        match token {
            None => errs.add("token", "Invalid token"),
            Some((_, t)) if t["token"]["valid_for_sharegroup_uuid"] != uuid => {
                errs.add("token", "The token was made for another share group")
            }
            Some((_, t)) if t["token"]["status"] != "pending" => {
                errs.add("token", "The token has already been used")
            }
            Some((k, _)) => found = Some(k),
        }
    }
    errs.finish(())?;
    let (Some(key), Some(label)) = (found, label) else {
        return Err(ApiError::field("token", "Invalid token"));
    };
    let ts = now();
    let token = store
        .table_mut(TOKENS)
        .get_mut(key)
        .ok_or_else(ApiError::not_found)?;
    token["token"]["status"] = Value::from("active");
    token["token"]["updated"] = Value::from(ts.as_str());
    let token_uuid = token["token"]["token_uuid"].clone();
    let member = json!({
        "token_uuid": token_uuid,
        "label": label,
        "status": "active",
        "created": ts,
        "updated": null,
        "expiry": null,
    });
    let number = store.next_id("image_sharegroup_member", 1);
    store.table_mut(MEMBERS).insert(
        number,
        json!({"key": number, "sharegroup_id": id, "member": member}),
    );
    refresh(&mut store, id, []);
    Ok(Json(member))
}

fn member_params(params: &HashMap<String, String>) -> Result<(u64, String), ApiError> {
    let group_id = group_param(params)?;
    let token = params
        .get("tokenUuid")
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    Ok((group_id, token))
}

async fn get_member(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    ApiPath(params): ApiPath<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    signed_in(authenticated)?;
    let (group_id, token) = member_params(&params)?;
    let store = state.store();
    let key = member(&store, group_id, &token)?;
    get_response(store.table(MEMBERS).get(key).map(|m| &m["member"]))
}

async fn update_member(
    State(state): State<AppState>,
    ApiPath(params): ApiPath<HashMap<String, String>>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let (group_id, token) = member_params(&params)?;
    let mut store = state.store();
    let key = member(&store, group_id, &token)?;
    change_details(&mut store, MEMBERS, key, "/member", &body, false)
}

async fn remove_member(
    State(state): State<AppState>,
    ApiPath(params): ApiPath<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let (group_id, token_uuid) = member_params(&params)?;
    let mut store = state.store();
    let key = member(&store, group_id, &token_uuid)?;
    store.table_mut(MEMBERS).remove(key);
    for (_, token) in store.table_mut(TOKENS).iter_mut() {
        if token["token"]["token_uuid"] == token_uuid.as_str() {
            token["token"]["status"] = Value::from("revoked");
            token["token"]["updated"] = Value::from(now());
        }
    }
    refresh(&mut store, group_id, []);
    Ok(Json(json!({})))
}

/// The internal number of the token `token_uuid`, or 404.
fn token_key(store: &Store, token_uuid: &str) -> Result<u64, ApiError> {
    find_token(store, |t| t["token"]["token_uuid"] == token_uuid).ok_or_else(ApiError::not_found)
}

async fn list_tokens(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    signed_in(authenticated)?;
    let store = state.store();
    let tokens = store.table(TOKENS).values().map(|t| &t["token"]);
    list_response(tokens, TOKEN_FILTERABLE, &req)
}

async fn create_token(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let mut errs = Checks::default();
    let uuid = errs.required(&body, "valid_for_sharegroup_uuid");
    let label = errs.sized(&body, "label", 1, 100);
    let group = uuid.as_deref().and_then(|u| {
        store
            .table(GROUPS)
            .values()
            .find(|g| g["uuid"] == u)
            .cloned()
    });
    if uuid.is_some() && group.is_none() {
        errs.add("valid_for_sharegroup_uuid", "Share group not found");
    }
    errs.finish(())?;
    let Some(group) = group else {
        return Err(ApiError::field(
            "valid_for_sharegroup_uuid",
            "Share group not found",
        ));
    };
    let secret = format!("sgt_{}", random_hex(32));
    let token = json!({
        "token_uuid": new_uuid(),
        "label": label,
        "status": "pending",
        "created": now(),
        "updated": null,
        "expiry": null,
        "valid_for_sharegroup_uuid": group["uuid"],
        "sharegroup_uuid": group["uuid"],
        "sharegroup_label": group["label"],
    });
    let key = store.next_id("image_sharegroup_token", 1);
    store
        .table_mut(TOKENS)
        .insert(key, json!({"key": key, "secret": secret, "token": token}));
    // The secret is shown once, in this answer only.
    let mut answer = token;
    answer["token"] = Value::from(secret);
    Ok(Json(answer))
}

async fn get_token(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    ApiPath(token_uuid): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    signed_in(authenticated)?;
    let store = state.store();
    let key = token_key(&store, &token_uuid)?;
    get_response(store.table(TOKENS).get(key).map(|t| &t["token"]))
}

async fn update_token(
    State(state): State<AppState>,
    ApiPath(token_uuid): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let key = token_key(&store, &token_uuid)?;
    change_details(&mut store, TOKENS, key, "/token", &body, false)
}

async fn delete_token(
    State(state): State<AppState>,
    ApiPath(token_uuid): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let key = token_key(&store, &token_uuid)?;
    store.table_mut(TOKENS).remove(key);
    // Deleting the token leaves the group it joined.
    let memberships: Vec<(u64, u64)> = store
        .table(MEMBERS)
        .values()
        .filter(|m| m["member"]["token_uuid"] == token_uuid.as_str())
        .filter_map(|m| Some((m["key"].as_u64()?, m["sharegroup_id"].as_u64()?)))
        .collect();
    for (k, group_id) in memberships {
        store.table_mut(MEMBERS).remove(k);
        refresh(&mut store, group_id, []);
    }
    Ok(Json(json!({})))
}

/// The group an active token belongs to; 404 while the token is pending or once revoked.
fn token_group_id(store: &Store, token_uuid: &str) -> Result<u64, ApiError> {
    let key = token_key(store, token_uuid)?;
    let token = &store
        .table(TOKENS)
        .get(key)
        .ok_or_else(ApiError::not_found)?["token"];
    if token["status"] != "active" {
        return Err(ApiError::not_found());
    }
    store
        .table(GROUPS)
        .values()
        .find(|g| g["uuid"] == token["valid_for_sharegroup_uuid"])
        .and_then(|g| g["id"].as_u64())
        .ok_or_else(ApiError::not_found)
}

async fn token_group(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    ApiPath(token_uuid): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    signed_in(authenticated)?;
    let store = state.store();
    let id = token_group_id(&store, &token_uuid)?;
    let mut group = group(&store, id)?.clone();
    // A member sees the group, not the producer's counts.
    if let Some(map) = group.as_object_mut() {
        map.remove("images_count");
        map.remove("members_count");
    }
    Ok(Json(group))
}

async fn token_group_images(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    ApiPath(token_uuid): ApiPath<String>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    signed_in(authenticated)?;
    let store = state.store();
    let id = token_group_id(&store, &token_uuid)?;
    let shares: Vec<Value> = store
        .table(SHARES)
        .values()
        .filter(|s| group_of_share(s) == Some(id))
        .map(consumer_view)
        .collect();
    list_response(shares.iter(), SHARE_FILTERABLE, &req)
}

/// `GET /images/{imageId}/sharegroups`: the groups sharing a private image.
pub(super) async fn list_image_sharegroups(
    State(state): State<AppState>,
    Extension(Authenticated(authenticated)): Extension<Authenticated>,
    ApiPath(params): ApiPath<HashMap<String, String>>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    signed_in(authenticated)?;
    let id = image_id(&params);
    let store = state.store();
    store.private_image(&id).ok_or_else(ApiError::not_found)?;
    let groups: Vec<u64> = store
        .table(SHARES)
        .values()
        .filter(|s| source_of_share(s) == id)
        .filter_map(group_of_share)
        .collect();
    let listed = store
        .table(GROUPS)
        .values()
        .filter(|g| g["id"].as_u64().is_some_and(|i| groups.contains(&i)));
    list_response(listed, GROUP_FILTERABLE, &req)
}

/// Everything image sharing keeps, for tests: `sharegroups`, `shares`, `members` (each with
/// its `sharegroup_id`) and `tokens` (each with its `secret`), in id order.
pub(crate) fn snapshot(store: &Store) -> Value {
    let all = |name: &str| Value::from(store.table(name).values().cloned().collect::<Vec<_>>());
    json!({
        "sharegroups": all(GROUPS),
        "shares": all(SHARES),
        "members": all(MEMBERS),
        "tokens": all(TOKENS),
    })
}
