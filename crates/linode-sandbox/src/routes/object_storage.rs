//! `/object-storage`: buckets, their objects, access keys, TLS certificates, quotas.
//!
//! State rules:
//! - Every region of the catalog offering `Object Storage` has one `E1` endpoint,
//!   `<region>-1.linodeobjects.com`, which is also its legacy cluster (`<region>-1`); a
//!   `{regionId}` in a path may name the region or that cluster.
//! - A bucket is created in such a region (or legacy `cluster`) with a label of 3-63 lowercase
//!   letters, digits, dashes and dots as the API's pattern allows, unique in its region; an
//!   `endpoint_type`, when given, must be the region's (`E1`). It starts `private` with CORS on
//!   unless `acl` and `cors_enabled` say otherwise.
//! - Deleting a bucket that holds objects is refused (400); cancelling Object Storage too,
//!   while any bucket holds objects; otherwise cancelling removes every bucket and key.
//! - `object-url` signs a URL on the sandbox itself, outside `/v4` and without a token
//!   (`/sandbox/objects/<bucket id>/<name>?signature=..&expires=..`), for one method (`GET`,
//!   `PUT` or `DELETE`) and `expires_in` seconds (360 to 86400, 3600 by default) of the
//!   sandbox's clock. The URL refuses another method, an expired or unknown signature and a
//!   `PUT` with another `Content-Type` than signed with 403. A `PUT` stores the object (ETag
//!   the MD5 of its bytes, ACL `private`), a `GET` answers it (and counts toward `transfer`),
//!   a `DELETE` removes it; the bucket's `objects` and `size` follow.
//! - `object-list` answers objects by name after `marker`, under `prefix`, grouped at the
//!   first `delimiter` after the prefix (a group is one entry with only its `name`), at most
//!   `page_size` (1-1000, 100 by default), with `is_truncated` and `next_marker`.
//! - A bucket has at most one TLS certificate: uploading another is refused until it is
//!   deleted; the private key is kept and never answered.
//! - An access key shows its `secret_key` once, at creation (`[REDACTED]` afterwards). With
//!   `bucket_access` it is `limited` to those buckets (which must exist) and their regions; a
//!   limited key's `regions` must keep its buckets' regions. An account has at most
//!   [`KEY_LIMIT`] keys (the global quota `keys`).
//! - Quotas are those of 4.229.1: per endpoint, `<quota_type>-<s3_endpoint>` for buckets,
//!   objects, bytes (with usage) and four throughputs (`byte_per_second`, without usage: a
//!   usage request is refused); one global quota, `keys`. The limits are the sandbox's.
//!
//! Error wording: 4.229.1 publishes no reason texts for these refusals; the reasons are ours
//! (the fields they name and the status codes follow the API).

use std::collections::{BTreeMap, HashMap};
use std::time::UNIX_EPOCH;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Query, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{any, get, post};
use md5::{Digest, Md5};
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::price_lists::PriceList;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::account::random_hex;
use crate::catalog::catalog;
use crate::error::ApiError;
use crate::store::{Store, format_time, now};

const BUCKETS: &str = "object_storage_buckets";
/// Objects by id: the listing fields plus `bucket` (the bucket's id), `acl` and `data` (hex).
const OBJECTS: &str = "object_storage_objects";
/// Per bucket id: `acl`, `cors_enabled`, `certificate`, `private_key`.
const SETTINGS: &str = "object_storage_bucket_settings";
const KEYS: &str = "object_storage_keys";
/// Signed URLs by id: `bucket`, `name`, `method`, `expires` (Unix seconds), `signature`,
/// `content_type`.
const URLS: &str = "object_storage_urls";
/// One entry (id 0): `used`, bytes served through signed URLs.
const TRANSFER: &str = "object_storage_transfer";

/// The most access keys an account may hold.
pub const KEY_LIMIT: u64 = 100;
/// The most buckets per endpoint.
const BUCKET_LIMIT: u64 = 1000;
/// The most objects per endpoint.
const OBJECT_LIMIT: u64 = 100_000_000;
/// The most bytes per endpoint (1 PB).
const BYTE_LIMIT: u64 = 1_000_000_000_000_000;

const ACLS: &[&str] = &[
    "private",
    "public-read",
    "authenticated-read",
    "public-read-write",
];
const ENDPOINT_TYPES: &[&str] = &["E0", "E1", "E2", "E3"];
const ENDPOINT_TYPE: &str = "E1";
const OWNER: &str = "sandbox-account";

static TYPES: PriceList = PriceList::new(&[("objectstorage", "Object Storage", 0.0075, 5.0, 1000)]);

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/object-storage/endpoints", get(list_endpoints))
        .route("/object-storage/clusters", get(list_clusters))
        .route("/object-storage/clusters/{clusterId}", get(get_cluster))
        .route(
            "/object-storage/types",
            get(|req: ListRequest| async move { TYPES.list(&req) }),
        )
        .route(
            "/object-storage/buckets",
            get(list_buckets).post(create_bucket),
        )
        .route(
            "/object-storage/buckets/{regionId}",
            get(list_region_buckets),
        )
        .route(
            "/object-storage/buckets/{regionId}/{bucket}",
            get(get_bucket).delete(delete_bucket),
        )
        .route(
            "/object-storage/buckets/{regionId}/{bucket}/access",
            get(get_access).post(set_access).put(set_access),
        )
        .route(
            "/object-storage/buckets/{regionId}/{bucket}/object-acl",
            get(get_object_acl).put(set_object_acl),
        )
        .route(
            "/object-storage/buckets/{regionId}/{bucket}/object-list",
            get(list_objects),
        )
        .route(
            "/object-storage/buckets/{regionId}/{bucket}/object-url",
            post(sign_url),
        )
        .route(
            "/object-storage/buckets/{regionId}/{bucket}/ssl",
            get(get_ssl).post(upload_ssl).delete(delete_ssl),
        )
        .route("/object-storage/keys", get(list_keys).post(create_key))
        .route(
            "/object-storage/keys/{keyId}",
            get(get_key).put(update_key).delete(revoke_key),
        )
        .route("/object-storage/transfer", get(get_transfer))
        .route("/object-storage/cancel", post(cancel))
        .route("/object-storage/quotas", get(list_quotas))
        .route("/object-storage/quotas/{objQuotaId}", get(get_quota))
        .route(
            "/object-storage/quotas/{objQuotaId}/usage",
            get(quota_usage),
        )
        .route("/object-storage/global-quotas", get(list_global_quotas))
        .route(
            "/object-storage/global-quotas/{objGlobalQuotaId}",
            get(get_global_quota),
        )
        .route(
            "/object-storage/global-quotas/{objGlobalQuotaId}/usage",
            get(global_quota_usage),
        )
}

/// The signed object URLs `object-url` hands out, outside the API (no `/v4`, no token).
pub(super) fn object_routes() -> Router<AppState> {
    Router::new().route(
        "/sandbox/objects/{bucket}/{*name}",
        any(serve_object).layer(DefaultBodyLimit::max(OBJECT_SIZE_LIMIT)),
    )
}

/// Largest object the sandbox stores, in bytes.
pub const OBJECT_SIZE_LIMIT: usize = 4 * 1024 * 1024;

// ---- endpoints, clusters, regions -------------------------------------------------------

fn os_regions() -> impl Iterator<Item = &'static str> {
    catalog()
        .regions
        .iter()
        .filter_map(|r| r["id"].as_str())
        .filter(|id| catalog().region_offers(id, "Object Storage"))
}

fn s3_endpoint(region: &str) -> String {
    format!("{region}-1.linodeobjects.com")
}

/// The region a path's `{regionId}` names: a region offering Object Storage, or its cluster.
fn resolve_region(id: &str) -> Option<String> {
    if catalog().region_offers(id, "Object Storage") {
        return Some(id.to_owned());
    }
    let region = id.strip_suffix("-1")?;
    catalog()
        .region_offers(region, "Object Storage")
        .then(|| region.to_owned())
}

fn endpoint_json(region: &str) -> Value {
    json!({"region": region, "endpoint_type": ENDPOINT_TYPE, "s3_endpoint": s3_endpoint(region)})
}

fn cluster_json(region: &str) -> Value {
    json!({
        "id": format!("{region}-1"),
        "domain": s3_endpoint(region),
        "status": "available",
        "region": region,
        "static_site_domain": format!("website-{}", s3_endpoint(region)),
    })
}

async fn list_endpoints(req: ListRequest) -> Result<Json<Value>, ApiError> {
    let items: Vec<Value> = os_regions().map(endpoint_json).collect();
    list_response(&items, &[], &req)
}

async fn list_clusters(req: ListRequest) -> Result<Json<Value>, ApiError> {
    let items: Vec<Value> = os_regions().map(cluster_json).collect();
    list_response(&items, &[], &req)
}

async fn get_cluster(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    let region = id.strip_suffix("-1").ok_or_else(ApiError::not_found)?;
    if !catalog().region_offers(region, "Object Storage") {
        return Err(ApiError::not_found());
    }
    Ok(Json(cluster_json(region)))
}

// ---- buckets ----------------------------------------------------------------------------

/// The label rule of the API's pattern: dot-separated parts of dash-separated runs of
/// lowercase letters and digits, 3 to 63 characters in all.
fn bucket_label_problem(label: &str) -> Option<&'static str> {
    if !(3..=63).contains(&label.len()) {
        return Some("Label must be 3-63 characters");
    }
    let valid = label.split('.').all(|part| {
        part.split('-').all(|run| {
            !run.is_empty()
                && run
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    });
    (!valid).then_some(
        "Label must be lowercase letters, digits, single dashes and single dots, \
         starting and ending with a letter or digit",
    )
}

/// The id and JSON of the bucket `label` in the region (or cluster) `region_id`.
fn find_bucket(store: &Store, region_id: &str, label: &str) -> Option<(u64, Value)> {
    let region = resolve_region(region_id)?;
    store
        .table(BUCKETS)
        .values()
        .find(|b| b["region"] == region.as_str() && b["label"] == label)
        .map(|b| (b["id"].as_u64().unwrap_or_default(), public_bucket(b)))
}

fn bucket_id(store: &Store, region_id: &str, label: &str) -> Result<u64, ApiError> {
    find_bucket(store, region_id, label)
        .map(|(id, _)| id)
        .ok_or_else(ApiError::not_found)
}

/// A stored bucket as the API shows it (without the sandbox's own `id`).
fn public_bucket(stored: &Value) -> Value {
    let mut b = stored.clone();
    if let Some(map) = b.as_object_mut() {
        map.remove("id");
    }
    b
}

fn buckets_where(store: &Store, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    store
        .table(BUCKETS)
        .values()
        .filter(|b| keep(b))
        .map(public_bucket)
        .collect()
}

async fn list_buckets(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let items = buckets_where(&state.store(), |_| true);
    list_response(&items, &[], &req)
}

async fn list_region_buckets(
    State(state): State<AppState>,
    ApiPath(region_id): ApiPath<String>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let region = resolve_region(&region_id).ok_or_else(ApiError::not_found)?;
    let items = buckets_where(&state.store(), |b| b["region"] == region.as_str());
    list_response(&items, &[], &req)
}

async fn get_bucket(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    get_response(
        find_bucket(&store, &region, &label)
            .map(|(_, b)| b)
            .as_ref(),
    )
}

async fn create_bucket(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut errs = Checks::default();
    let label = errs.required(&body, "label");
    if let Some(problem) = label.as_deref().and_then(bucket_label_problem) {
        errs.add("label", problem);
    }
    let region = match (errs.string(&body, "region"), errs.string(&body, "cluster")) {
        (Some(r), _) => resolve_region(&r).filter(|found| *found == r).or_else(|| {
            errs.add("region", "Region does not support Object Storage");
            None
        }),
        (None, Some(c)) => resolve_region(&c)
            .filter(|found| format!("{found}-1") == c)
            .or_else(|| {
                errs.add("cluster", "Cluster not found");
                None
            }),
        (None, None) => {
            errs.add("region", "region is required");
            None
        }
    };
    let acl = errs.one_of(&body, "acl", ACLS);
    let cors = errs.boolean(&body, "cors_enabled");
    if let Some(kind) = errs.one_of(&body, "endpoint_type", ENDPOINT_TYPES)
        && kind != ENDPOINT_TYPE
    {
        errs.add(
            "endpoint_type",
            format!("No {kind} endpoint in this region; it offers {ENDPOINT_TYPE}"),
        );
    }
    if let (Some(endpoint), Some(region)) = (errs.string(&body, "s3_endpoint"), &region)
        && endpoint != s3_endpoint(region)
    {
        errs.add("s3_endpoint", "No such endpoint in this region");
    }
    let mut store = state.store();
    if let (Some(label), Some(region)) = (&label, &region)
        && find_bucket(&store, region, label).is_some()
    {
        errs.add(
            "label",
            "A bucket with this label already exists in this region",
        );
    }
    errs.finish(())?;
    let (Some(label), Some(region)) = (label, region) else {
        return Err(ApiError::field("label", "label is required"));
    };
    let id = store.next_id("object_storage_bucket", 1);
    let bucket = json!({
        "id": id,
        "label": label,
        "region": region,
        "cluster": format!("{region}-1"),
        "created": now(),
        "hostname": format!("{label}.{}", s3_endpoint(&region)),
        "objects": 0,
        "size": 0,
        "s3_endpoint": s3_endpoint(&region),
        "endpoint_type": ENDPOINT_TYPE,
    });
    store.table_mut(BUCKETS).insert(id, bucket.clone());
    store.table_mut(SETTINGS).insert(
        id,
        json!({"acl": acl.unwrap_or_else(|| "private".into()), "cors_enabled": cors.unwrap_or(true)}),
    );
    Ok(Json(public_bucket(&bucket)))
}

async fn delete_bucket(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let id = bucket_id(&store, &region, &label)?;
    if store.table(OBJECTS).values().any(|o| o["bucket"] == id) {
        return Err(ApiError::bad_request(
            "The bucket is not empty; delete its objects first",
        ));
    }
    store.table_mut(BUCKETS).remove(id);
    store.table_mut(SETTINGS).remove(id);
    Ok(Json(json!({})))
}

// ---- bucket access, object ACLs ---------------------------------------------------------

fn acl_xml(acl: &str) -> String {
    let grant = match acl {
        "public-read" | "public-read-write" => {
            "<Grant><Grantee><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>\
             <Permission>READ</Permission></Grant>"
        }
        "authenticated-read" => {
            "<Grant><Grantee><URI>http://acs.amazonaws.com/groups/global/AuthenticatedUsers</URI>\
             </Grantee><Permission>READ</Permission></Grant>"
        }
        _ => "",
    };
    format!(
        "<AccessControlPolicy><Owner><ID>{OWNER}</ID></Owner><AccessControlList><Grant>\
         <Grantee><ID>{OWNER}</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>{grant}\
         </AccessControlList></AccessControlPolicy>"
    )
}

async fn get_access(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let id = bucket_id(&store, &region, &label)?;
    let settings = store.table(SETTINGS).get(id).cloned().unwrap_or_default();
    let acl = settings["acl"].as_str().unwrap_or("private");
    let cors = settings["cors_enabled"].as_bool().unwrap_or(true);
    Ok(Json(json!({
        "acl": acl,
        "acl_xml": acl_xml(acl),
        "cors_enabled": cors,
        "cors_xml": if cors {
            Value::from("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>\
                <AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>\
                </CORSRule></CORSConfiguration>")
        } else {
            Value::Null
        },
    })))
}

async fn set_access(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let id = bucket_id(&store, &region, &label)?;
    let mut errs = Checks::default();
    let acl = errs.one_of(&body, "acl", ACLS);
    let cors = errs.boolean(&body, "cors_enabled");
    errs.finish(())?;
    let settings = store.table_mut(SETTINGS);
    if settings.get(id).is_none() {
        settings.insert(id, json!({"acl": "private", "cors_enabled": true}));
    }
    if let Some(s) = settings.get_mut(id) {
        if let Some(acl) = acl {
            s["acl"] = Value::from(acl);
        }
        if let Some(cors) = cors {
            s["cors_enabled"] = Value::from(cors);
        }
    }
    Ok(Json(json!({})))
}

fn object_id(store: &Store, bucket: u64, name: &str) -> Option<u64> {
    store
        .table(OBJECTS)
        .values()
        .find(|o| o["bucket"] == bucket && o["name"] == name)
        .and_then(|o| o["id"].as_u64())
}

fn acl_answer(acl: &str) -> Json<Value> {
    Json(json!({"acl": acl, "acl_xml": acl_xml(acl)}))
}

async fn get_object_acl(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let name = query
        .get("name")
        .cloned()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::field("name", "name is required"))?;
    let store = state.store();
    let bucket = bucket_id(&store, &region, &label)?;
    let id = object_id(&store, bucket, &name).ok_or_else(ApiError::not_found)?;
    let object = store.table(OBJECTS).get(id).cloned().unwrap_or_default();
    Ok(acl_answer(object["acl"].as_str().unwrap_or("private")))
}

async fn set_object_acl(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut errs = Checks::default();
    let name = errs.required(&body, "name");
    errs.require(&body, "acl");
    let acl = errs.one_of(&body, "acl", ACLS);
    errs.finish(())?;
    let (Some(name), Some(acl)) = (name, acl) else {
        return Err(ApiError::field("name", "name is required"));
    };
    let mut store = state.store();
    let bucket = bucket_id(&store, &region, &label)?;
    let id = object_id(&store, bucket, &name).ok_or_else(ApiError::not_found)?;
    if let Some(o) = store.table_mut(OBJECTS).get_mut(id) {
        o["acl"] = Value::from(acl.as_str());
    }
    Ok(acl_answer(&acl))
}

// ---- object listing ---------------------------------------------------------------------

async fn list_objects(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let page_size = match query.get("page_size") {
        None => 100,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| {
                ApiError::field("page_size", "page_size must be an integer from 1 to 1000")
            })?,
    };
    let prefix = query.get("prefix").map_or("", String::as_str);
    let delimiter = query.get("delimiter").map_or("", String::as_str);
    let marker = query.get("marker").map_or("", String::as_str);
    let store = state.store();
    let bucket = bucket_id(&store, &region, &label)?;
    // Objects and common prefixes by name, each name once.
    let mut entries: BTreeMap<String, Value> = BTreeMap::new();
    for o in store
        .table(OBJECTS)
        .values()
        .filter(|o| o["bucket"] == bucket)
    {
        let name = o["name"].as_str().unwrap_or_default();
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        match rest.find(delimiter).filter(|_| !delimiter.is_empty()) {
            Some(at) => {
                let group = format!("{prefix}{}", &rest[..at + delimiter.len()]);
                entries.insert(group.clone(), json!({"name": group}));
            }
            None => {
                entries.insert(
                    name.to_owned(),
                    json!({
                        "name": name,
                        "etag": o["etag"],
                        "last_modified": o["last_modified"],
                        "owner": o["owner"],
                        "size": o["size"],
                    }),
                );
            }
        }
    }
    let after: Vec<(String, Value)> = entries
        .into_iter()
        .filter(|(name, _)| name.as_str() > marker)
        .collect();
    let truncated = after.len() > page_size;
    let page: Vec<(String, Value)> = after.into_iter().take(page_size).collect();
    let next_marker = if truncated {
        page.last().map(|(n, _)| Value::from(n.as_str()))
    } else {
        None
    };
    Ok(Json(json!({
        "data": page.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        "is_truncated": truncated,
        "next_marker": next_marker,
    })))
}

// ---- signed URLs and the objects they reach ---------------------------------------------

fn unix_now(store: &Store) -> u64 {
    store
        .clock
        .wall()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

async fn sign_url(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut errs = Checks::default();
    let name = errs.required(&body, "name");
    if name.as_deref() == Some("") {
        errs.add("name", "name must not be empty");
    }
    errs.require(&body, "method");
    let method = errs.one_of(&body, "method", &["GET", "PUT", "DELETE"]);
    let content_type = errs.string(&body, "content_type");
    if method.as_deref() == Some("PUT") && content_type.is_none() {
        errs.add("content_type", "content_type is required for PUT");
    }
    if method.as_deref().is_some_and(|m| m != "PUT") && content_type.is_some() {
        errs.add("content_type", "content_type only applies to PUT");
    }
    let expires_in = errs
        .integer(&body, "expires_in", 360, 86400)
        .unwrap_or(3600);
    if let Some(disposition) = errs.string(&body, "content_disposition")
        && disposition != "attachment"
    {
        errs.add(
            "content_disposition",
            "content_disposition must be attachment",
        );
    }
    errs.finish(())?;
    let (Some(name), Some(method)) = (name, method) else {
        return Err(ApiError::field("name", "name is required"));
    };
    let mut store = state.store();
    let bucket = bucket_id(&store, &region, &label)?;
    let exists = object_id(&store, bucket, &name).is_some();
    let expires = unix_now(&store) + expires_in;
    let signature = random_hex(20);
    let id = store.next_id("object_storage_url", 1);
    store.table_mut(URLS).insert(
        id,
        json!({
            "bucket": bucket, "name": name, "method": method, "expires": expires,
            "signature": signature, "content_type": content_type,
        }),
    );
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let path = percent_encoding::utf8_percent_encode(&name, OBJECT_NAME).to_string();
    Ok(Json(json!({
        "url": format!("http://{host}/sandbox/objects/{bucket}/{path}?expires={expires}&signature={signature}"),
        "exists": exists,
    })))
}

/// What an object name keeps unencoded in a URL path: `/` separates its parts.
const OBJECT_NAME: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn forbidden(reason: &str) -> Response {
    ApiError::new(StatusCode::FORBIDDEN, reason).into_response()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .filter_map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// Removes object `id` of bucket `bucket`, and its count and bytes from the bucket's.
fn remove_object(store: &mut Store, bucket: u64, id: u64) {
    let removed = store.table_mut(OBJECTS).remove(id);
    let size = removed.map_or(0, |o| o["size"].as_u64().unwrap_or(0));
    count_object(store, bucket, size, false);
}

/// Moves a bucket's `objects` and `size` by one object of `size` bytes, added or removed.
fn count_object(store: &mut Store, bucket: u64, size: u64, added: bool) {
    if let Some(b) = store.table_mut(BUCKETS).get_mut(bucket) {
        let objects = b["objects"].as_u64().unwrap_or_default();
        let total = b["size"].as_u64().unwrap_or_default();
        let (objects, total) = if added {
            (objects + 1, total + size)
        } else {
            (objects.saturating_sub(1), total.saturating_sub(size))
        };
        b["objects"] = Value::from(objects);
        b["size"] = Value::from(total);
    }
}

async fn serve_object(
    State(state): State<AppState>,
    ApiPath((bucket, name)): ApiPath<(u64, String)>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let param = |key: &str| {
        query
            .as_deref()
            .unwrap_or_default()
            .split('&')
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
            .unwrap_or_default()
            .to_owned()
    };
    let signature = param("signature");
    let mut store = state.store();
    let signed = store
        .table(URLS)
        .values()
        .find(|u| u["signature"] == signature.as_str() && !signature.is_empty())
        .cloned();
    let Some(signed) = signed else {
        return forbidden("The URL's signature does not match");
    };
    if signed["bucket"] != bucket
        || signed["name"] != name.as_str()
        || param("expires").parse::<u64>().ok() != signed["expires"].as_u64()
    {
        return forbidden("The URL's signature does not match");
    }
    if signed["method"] != method.as_str() {
        return forbidden(&format!(
            "The URL was signed for {}",
            signed["method"].as_str().unwrap_or_default()
        ));
    }
    if signed["expires"].as_u64().unwrap_or_default() <= unix_now(&store) {
        return forbidden("The URL has expired");
    }
    if store.table(BUCKETS).get(bucket).is_none() {
        return ApiError::not_found().into_response();
    }
    let existing = object_id(&store, bucket, &name);
    match method {
        Method::PUT => {
            let sent = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if signed["content_type"] != sent {
                return forbidden("The Content-Type differs from the one the URL was signed for");
            }
            if let Some(id) = existing {
                remove_object(&mut store, bucket, id);
            }
            let etag = to_hex(&Md5::digest(&body));
            let id = existing.unwrap_or_else(|| store.next_id("object_storage_object", 1));
            let size = body.len() as u64;
            let modified = format!("{}.000Z", format_time(store.clock.wall()));
            store.table_mut(OBJECTS).insert(
                id,
                json!({
                    "id": id, "bucket": bucket, "name": name, "size": size, "etag": etag,
                    "last_modified": modified, "owner": OWNER, "acl": "private",
                    "content_type": sent, "data": to_hex(&body),
                }),
            );
            count_object(&mut store, bucket, size, true);
            (StatusCode::OK, [(header::ETAG, format!("\"{etag}\""))]).into_response()
        }
        Method::GET => {
            let Some(object) = existing
                .and_then(|id| store.table(OBJECTS).get(id))
                .cloned()
            else {
                return ApiError::not_found().into_response();
            };
            let data = from_hex(object["data"].as_str().unwrap_or_default());
            let transfer = store.table_mut(TRANSFER);
            let used = transfer
                .get(0)
                .map_or(0, |t| t["used"].as_u64().unwrap_or(0));
            transfer.insert(0, json!({"used": used + data.len() as u64}));
            let content_type = object["content_type"]
                .as_str()
                .unwrap_or("application/octet-stream")
                .to_owned();
            let etag = format!("\"{}\"", object["etag"].as_str().unwrap_or_default());
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, content_type), (header::ETAG, etag)],
                Body::from(data),
            )
                .into_response()
        }
        _ => {
            if let Some(id) = existing {
                remove_object(&mut store, bucket, id);
            }
            StatusCode::NO_CONTENT.into_response()
        }
    }
}

// ---- TLS certificates -------------------------------------------------------------------

async fn get_ssl(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let id = bucket_id(&store, &region, &label)?;
    let has = store
        .table(SETTINGS)
        .get(id)
        .is_some_and(|s| s["certificate"].is_string());
    Ok(Json(json!({"ssl": has})))
}

async fn upload_ssl(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut errs = Checks::default();
    let certificate = errs.required(&body, "certificate");
    let key = errs.required(&body, "private_key");
    if certificate
        .as_deref()
        .is_some_and(|c| !c.contains("-----BEGIN CERTIFICATE-----"))
    {
        errs.add(
            "certificate",
            "certificate must be a PEM-encoded certificate",
        );
    }
    if key
        .as_deref()
        .is_some_and(|k| !(k.contains("-----BEGIN") && k.contains("PRIVATE KEY-----")))
    {
        errs.add(
            "private_key",
            "private_key must be a PEM-encoded private key",
        );
    }
    errs.finish(())?;
    let mut store = state.store();
    let id = bucket_id(&store, &region, &label)?;
    let settings = store.table_mut(SETTINGS);
    if settings
        .get(id)
        .is_some_and(|s| s["certificate"].is_string())
    {
        return Err(ApiError::bad_request(
            "The bucket already has a certificate; delete it before uploading another",
        ));
    }
    let mut s = settings.get(id).cloned().unwrap_or_else(|| json!({}));
    s["certificate"] = Value::from(certificate);
    s["private_key"] = Value::from(key);
    settings.insert(id, s);
    Ok(Json(json!({"ssl": true})))
}

async fn delete_ssl(
    State(state): State<AppState>,
    ApiPath((region, label)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let id = bucket_id(&store, &region, &label)?;
    if let Some(s) = store
        .table_mut(SETTINGS)
        .get_mut(id)
        .and_then(Value::as_object_mut)
    {
        s.remove("certificate");
        s.remove("private_key");
    }
    Ok(Json(json!({})))
}

// ---- access keys ------------------------------------------------------------------------

fn key_region(region: &str) -> Value {
    json!({"id": region, "s3_endpoint": s3_endpoint(region), "endpoint_type": ENDPOINT_TYPE})
}

fn redacted(key: &Value) -> Value {
    let mut k = key.clone();
    k["secret_key"] = Value::from("[REDACTED]");
    k
}

async fn list_keys(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let items: Vec<Value> = store.table(KEYS).values().map(redacted).collect();
    list_response(&items, &[], &req)
}

async fn get_key(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().table(KEYS).get(id).map(redacted).as_ref())
}

/// Checks a key's optional `label` (3-50 characters) and `regions` (offering Object Storage,
/// each once).
fn check_key_fields(
    errs: &mut Checks,
    body: &Map<String, Value>,
) -> (Option<String>, Option<Vec<String>>) {
    let label = errs.string(body, "label");
    if label
        .as_deref()
        .is_some_and(|l| !(3..=50).contains(&l.chars().count()))
    {
        errs.add("label", "Label must be 3-50 characters");
    }
    let regions = errs.strings(body, "regions");
    for (i, region) in regions.iter().flatten().enumerate() {
        if !catalog().region_offers(region, "Object Storage") {
            errs.add(
                &format!("regions[{i}]"),
                "Region does not support Object Storage",
            );
        } else if regions.iter().flatten().take(i).any(|r| r == region) {
            errs.add(&format!("regions[{i}]"), "Region is listed more than once");
        }
    }
    (label, regions)
}

async fn create_key(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut errs = Checks::default();
    errs.require(&body, "label");
    let (label, regions) = check_key_fields(&mut errs, &body);
    let mut store = state.store();
    let mut access = Vec::new();
    match body.get("bucket_access") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let field = format!("bucket_access[{i}]");
                let Some(item) = item.as_object() else {
                    errs.add(&field, "must be an object");
                    continue;
                };
                let mut inner = Checks::default();
                let region = inner.required(item, "region");
                let name = inner.required(item, "bucket_name");
                inner.require(item, "permissions");
                let permissions = inner.one_of(item, "permissions", &["read_only", "read_write"]);
                if let (Some(region), Some(name)) = (&region, &name)
                    && find_bucket(&store, region, name).is_none()
                {
                    inner.add("bucket_name", "Bucket not found");
                }
                if let Err(e) = inner.finish(()) {
                    for item in e.errors {
                        let f = item.field.unwrap_or_default();
                        errs.add(&format!("{field}.{f}"), item.reason);
                    }
                    continue;
                }
                if let (Some(region), Some(name), Some(permissions)) = (region, name, permissions) {
                    let region = resolve_region(&region).unwrap_or(region);
                    access.push(json!({
                        "region": region, "cluster": format!("{region}-1"),
                        "bucket_name": name, "permissions": permissions,
                    }));
                }
            }
        }
        Some(_) => errs.add("bucket_access", "bucket_access must be an array"),
    }
    if store.table(KEYS).len() as u64 >= KEY_LIMIT {
        errs.add(
            "label",
            format!("The account already holds the most access keys ({KEY_LIMIT})"),
        );
    }
    errs.finish(())?;
    let mut regions: Vec<String> = regions.unwrap_or_default();
    for a in &access {
        let region = a["region"].as_str().unwrap_or_default().to_owned();
        if !regions.contains(&region) {
            regions.push(region);
        }
    }
    if regions.is_empty() {
        regions = os_regions().map(str::to_owned).collect();
    }
    let id = store.next_id("object_storage_key", 1);
    let limited = !access.is_empty();
    let key = json!({
        "id": id,
        "label": label.unwrap_or_default(),
        "access_key": random_hex(10).to_uppercase(),
        "secret_key": random_hex(20),
        "limited": limited,
        "bucket_access": if limited { Value::from(access) } else { Value::Null },
        "regions": regions.iter().map(|r| key_region(r)).collect::<Vec<_>>(),
    });
    store.table_mut(KEYS).insert(id, redacted(&key));
    Ok(Json(key))
}

async fn update_key(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let current = store
        .table(KEYS)
        .get(id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let mut errs = Checks::default();
    let (label, regions) = check_key_fields(&mut errs, &body);
    if let Some(regions) = &regions {
        let needed = current["bucket_access"].as_array().into_iter().flatten();
        for a in needed {
            let region = a["region"].as_str().unwrap_or_default();
            if !regions.iter().any(|r| r == region) {
                errs.add(
                    "regions",
                    format!(
                        "The key's bucket {} is in {region}, which must stay",
                        a["bucket_name"]
                    ),
                );
            }
        }
        if regions.is_empty() {
            errs.add("regions", "regions must name at least one region");
        }
    }
    errs.finish(())?;
    let Some(key) = store.table_mut(KEYS).get_mut(id) else {
        return Err(ApiError::not_found());
    };
    if let Some(label) = label {
        key["label"] = Value::from(label);
    }
    if let Some(regions) = regions {
        key["regions"] = regions.iter().map(|r| key_region(r)).collect();
    }
    Ok(Json(key.clone()))
}

async fn revoke_key(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    state
        .store()
        .table_mut(KEYS)
        .remove(id)
        .map(|_| Json(json!({})))
        .ok_or_else(ApiError::not_found)
}

// ---- transfer, cancel -------------------------------------------------------------------

async fn get_transfer(State(state): State<AppState>) -> Json<Value> {
    let store = state.store();
    let used = store
        .table(TRANSFER)
        .get(0)
        .map_or(0, |t| t["used"].as_u64().unwrap_or(0));
    Json(json!({"used": used}))
}

async fn cancel(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if !store.table(OBJECTS).is_empty() {
        return Err(ApiError::bad_request(
            "Every bucket must be empty before Object Storage is cancelled",
        ));
    }
    for table in [BUCKETS, SETTINGS, KEYS, URLS] {
        *store.table_mut(table) = Default::default();
    }
    Ok(Json(json!({})))
}

// ---- quotas -----------------------------------------------------------------------------

/// A quota of 4.229.1: its type (the id's prefix), name, description and metric as the API
/// gives them, the sandbox's limit, and whether its usage is reported (the sandbox counts
/// buckets, objects and bytes; it has no traffic to measure).
struct QuotaKind {
    quota_type: &'static str,
    name: &'static str,
    description: &'static str,
    metric: &'static str,
    limit: u64,
    has_usage: bool,
}

/// Limit of each throughput quota, in bytes per second (made up).
const THROUGHPUT_LIMIT: u64 = 5_000_000_000;

/// The per-endpoint quotas.
const QUOTAS: &[QuotaKind] = &[
    QuotaKind {
        quota_type: "obj-buckets",
        name: "Number of Buckets",
        description: "Current number of buckets per account, per endpoint",
        metric: "bucket",
        limit: BUCKET_LIMIT,
        has_usage: true,
    },
    QuotaKind {
        quota_type: "obj-objects",
        name: "Number of Objects",
        description: "Current number of objects per account, per endpoint",
        metric: "object",
        limit: OBJECT_LIMIT,
        has_usage: true,
    },
    QuotaKind {
        quota_type: "obj-bytes",
        name: "Total Capacity",
        description: "Current total capacity per account, per endpoint",
        metric: "byte",
        limit: BYTE_LIMIT,
        has_usage: true,
    },
    QuotaKind {
        quota_type: "obj-total-ingress-throughput",
        name: "Ingress Throughput (per endpoint)",
        description: "Current total ingress bandwidth per account, per endpoint",
        metric: "byte_per_second",
        limit: THROUGHPUT_LIMIT,
        has_usage: false,
    },
    QuotaKind {
        quota_type: "obj-total-egress-throughput",
        name: "Egress Throughput (per endpoint)",
        description: "Current total egress bandwidth per account, per endpoint",
        metric: "byte_per_second",
        limit: THROUGHPUT_LIMIT,
        has_usage: false,
    },
    QuotaKind {
        quota_type: "obj-per-ip-ingress-throughput",
        name: "Ingress Throughput (per IP)",
        description: "Current ingress bandwidth per account, per destination IP address",
        metric: "byte_per_second",
        limit: THROUGHPUT_LIMIT,
        has_usage: false,
    },
    QuotaKind {
        quota_type: "obj-per-ip-egress-throughput",
        name: "Egress Throughput (per IP)",
        description: "Current egress bandwidth per account, per destination IP address",
        metric: "byte_per_second",
        limit: THROUGHPUT_LIMIT,
        has_usage: false,
    },
];

fn quota_json(kind: &QuotaKind, region: &str) -> Value {
    let endpoint = s3_endpoint(region);
    json!({
        "quota_id": format!("{}-{endpoint}", kind.quota_type),
        "quota_type": kind.quota_type,
        "quota_name": kind.name,
        "endpoint_type": ENDPOINT_TYPE,
        "s3_endpoint": endpoint,
        "description": kind.description,
        "quota_limit": kind.limit,
        "resource_metric": kind.metric,
        "has_usage": kind.has_usage,
    })
}

fn all_quotas() -> Vec<Value> {
    os_regions()
        .flat_map(|region| QUOTAS.iter().map(move |kind| quota_json(kind, region)))
        .collect()
}

fn find_quota(id: &str) -> Option<Value> {
    all_quotas().into_iter().find(|q| q["quota_id"] == id)
}

async fn list_quotas(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&all_quotas(), &["quota_name", "s3_endpoint"], &req)
}

async fn get_quota(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    get_response(find_quota(&id).as_ref())
}

async fn quota_usage(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let quota = find_quota(&id).ok_or_else(ApiError::not_found)?;
    if quota["has_usage"] != true {
        return Err(ApiError::bad_request("This quota has no usage to report"));
    }
    let store = state.store();
    let in_endpoint: Vec<&Value> = store
        .table(BUCKETS)
        .values()
        .filter(|b| b["s3_endpoint"] == quota["s3_endpoint"])
        .collect();
    let usage: u64 = match quota["resource_metric"].as_str() {
        Some("bucket") => in_endpoint.len() as u64,
        Some("object") => in_endpoint
            .iter()
            .filter_map(|b| b["objects"].as_u64())
            .sum(),
        _ => in_endpoint.iter().filter_map(|b| b["size"].as_u64()).sum(),
    };
    Ok(Json(
        json!({"quota_limit": quota["quota_limit"], "usage": usage}),
    ))
}

/// The global quotas of 4.229.1: only `keys`, the number of access keys of the account.
fn global_quotas() -> Vec<Value> {
    vec![json!({
        "quota_id": "keys",
        "quota_type": "keys",
        "quota_name": "Number of Access Keys",
        "description": "Current number of access keys per account",
        "quota_limit": KEY_LIMIT,
        "resource_metric": "key",
        "has_usage": true,
    })]
}

async fn list_global_quotas(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&global_quotas(), &["quota_name"], &req)
}

fn find_global_quota(id: &str) -> Option<Value> {
    global_quotas().into_iter().find(|q| q["quota_id"] == id)
}

async fn get_global_quota(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    get_response(find_global_quota(&id).as_ref())
}

async fn global_quota_usage(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let quota = find_global_quota(&id).ok_or_else(ApiError::not_found)?;
    if quota["has_usage"] != true {
        return Err(ApiError::bad_request("This quota has no usage to report"));
    }
    let used = state.store().table(KEYS).len();
    Ok(Json(
        json!({"quota_limit": quota["quota_limit"], "usage": used}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_labels_follow_the_api_pattern() {
        for good in ["abc", "my-bucket.v2", "a1b"] {
            assert_eq!(bucket_label_problem(good), None, "{good}");
        }
        for bad in [
            "ab",
            "Abc",
            "a--b",
            "a..b",
            ".ab",
            "ab-",
            "a_b",
            &"a".repeat(64),
        ] {
            assert!(bucket_label_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(from_hex(&to_hex(&[0, 1, 254, 255])), [0, 1, 254, 255]);
    }
}
