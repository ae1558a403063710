//! HTTP routing, shared extractors and the one generic list/get mechanism every
//! collection uses.

mod account;
mod betas;
mod checks;
mod control;
mod dashboard;
mod databases;
mod domains;
mod entities;
mod events;
mod firewalls;
mod iam;
mod image_sharegroups;
mod images;
pub(crate) mod interface_activity;
mod interfaces;
mod ip_sharing;
mod linode;
mod linode_ops;
mod linode_parts;
mod lke;
mod locks;
mod longview;
mod maintenance;
mod managed;
mod marketplace;
mod migrate;
mod monitor;
mod network_transfer;
mod networking;
mod nodebalancers;
mod oauth;
mod object_storage;
pub(crate) mod placement;
mod price_lists;
mod profile;
mod regions;
mod reserved_ips;
mod stackscripts;
mod support;
mod tags;
mod volumes;
pub(crate) mod vpcs;

pub(crate) use image_sharegroups::snapshot as image_sharing_snapshot;
pub(crate) use profile::sent_phone_code;

use std::any::Any;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Json, Response};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tower::Layer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::normalize_path::{NormalizePath, NormalizePathLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;
use crate::faults::{self, Faults};
use crate::pagination::PageParams;
use crate::ratelimit::{self, RateLimiter};
use crate::record::{RecordedRequest, RequestLog};
use crate::store::Store;
use crate::xfilter::{self, XFilter};
use crate::{auth, record};

/// State shared by the server and the [`crate::Sandbox`] handle.
#[derive(Debug)]
pub struct Shared {
    /// All resources.
    pub store: Mutex<Store>,
    /// Where the state is kept (`--data`), when it is.
    pub persist: Option<Mutex<crate::persist::Persist>>,
    /// The accepted bearer token.
    pub token: String,
    /// The requests received, in order.
    pub requests: Mutex<RequestLog>,
    /// Injected faults.
    pub faults: Mutex<Faults>,
    /// Rate limits (none by default).
    pub rate_limits: Mutex<RateLimiter>,
    /// How the sandbox was started: what `POST /sandbox/reset` goes back to.
    pub start: StartState,
}

/// How a sandbox was started.
#[derive(Debug, Clone, Default)]
pub struct StartState {
    /// The speed of actions.
    pub speed: f64,
    /// How many sample instances were seeded at start.
    pub seed_instances: usize,
    /// The seed file applied at start, if any.
    pub seed: Option<Arc<crate::seed::Seed>>,
}

/// Handle to [`Shared`] given to handlers.
pub type AppState = Arc<Shared>;

fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    /// Locks the store (never held across an `.await`).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        relock(&self.store)
    }

    /// Stores what changed since the last call, when the state is kept (`--data`). Locks the
    /// store, then the database, always in that order.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(persist) = &self.persist else {
            return Ok(());
        };
        let mut store = self.store();
        relock(persist).save(&mut store)
    }

    /// Locks the request log.
    pub fn requests(&self) -> MutexGuard<'_, RequestLog> {
        relock(&self.requests)
    }

    /// Locks the fault rules.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        relock(&self.faults)
    }

    /// Locks the rate limiter.
    pub fn rate_limits(&self) -> MutexGuard<'_, RateLimiter> {
        relock(&self.rate_limits)
    }

    /// Appends a recorded request.
    pub fn push_request(&self, req: RecordedRequest) {
        self.requests().push(req);
    }
}

/// Every family under `/v4` and `/v4beta` (and the OAuth and upload routes), with the error
/// envelope safety net and authentication.
fn api_routes(state: AppState) -> Router<AppState> {
    let api = Router::new()
        .merge(linode::routes())
        .merge(linode_ops::routes())
        .merge(regions::routes())
        .merge(images::routes())
        .merge(networking::routes())
        .merge(ip_sharing::routes())
        .merge(reserved_ips::routes())
        .merge(firewalls::routes())
        .merge(migrate::routes())
        .merge(events::routes())
        .merge(volumes::routes())
        .merge(domains::routes())
        .merge(nodebalancers::routes())
        .merge(account::routes())
        .merge(profile::routes())
        .merge(managed::routes())
        .merge(longview::routes())
        .merge(support::routes())
        .merge(tags::routes())
        .merge(locks::routes())
        .merge(maintenance::routes())
        .merge(betas::routes())
        .merge(network_transfer::routes())
        .merge(entities::routes())
        .merge(iam::routes())
        .merge(marketplace::routes())
        .merge(vpcs::routes())
        .merge(interfaces::routes())
        .merge(placement::routes())
        .merge(lke::routes())
        .merge(object_storage::routes())
        .merge(databases::routes())
        .merge(monitor::routes())
        .route_layer(from_fn(mark_route))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found);
    Router::new()
        .nest("/v4", api.clone())
        .nest("/v4beta", api)
        .merge(oauth::routes())
        .merge(images::upload_routes())
        .merge(object_storage::object_routes())
        .merge(monitor::host_routes())
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), crate::realism::lag))
        .layer(from_fn_with_state(state.clone(), advance_clock))
        .layer(from_fn_with_state(state.clone(), account::enforce_grants))
        .layer(from_fn_with_state(state.clone(), auth::require_auth))
        .layer(from_fn(envelope_errors))
}

/// A family's own effect of a finished action, by the name an [`crate::lifecycle::Effect::Rule`]
/// gives (actions in progress are data; see [`crate::lifecycle`]).
pub(crate) fn rule(name: &str) -> Option<fn(&mut Store, &Value)> {
    Some(match name {
        "linode.migrate_finish" => migrate::finish,
        "linode.finish_resize" => linode_parts::finish_resize_rule,
        "linode.finish_snapshot" => linode_parts::finish_snapshot,
        "linode.set_disk" => linode_parts::set_disk_rule,
        "images.regions_ready" => images::regions_ready,
        "databases.status" => databases::status_rule,
        "lke.node_status" => lke::node_status_rule,
        _ => return None,
    })
}

/// The API alone, as the sandbox itself calls it in-process (the seed file, the dashboard):
/// every family with authentication and its state rules, but outside the request log, the
/// faults and the rate limits.
pub(crate) fn internal_api(state: AppState) -> Router {
    api_routes(state.clone()).with_state(state)
}

/// The whole application: every family under `/v4` and `/v4beta`, plus middleware.
///
/// Layers, outermost first: panic guard, request log, rate limits, fault injection, the error
/// envelope safety net, authentication.
pub fn router(state: AppState) -> Router {
    api_routes(state.clone())
        // Outside the envelope safety net, so a fault's HTML page stays HTML.
        .layer(from_fn_with_state(state.clone(), faults::inject))
        .layer(from_fn_with_state(state.clone(), ratelimit::limit))
        .layer(from_fn_with_state(state.clone(), record::record))
        // The control plane: outside the log, faults and rate limits.
        .merge(control::routes(state.clone()))
        .merge(dashboard::routes())
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-spec-version"),
            HeaderValue::from_static(SPEC_VERSION),
        ))
        .layer(from_fn_with_state(state.clone(), save_changes))
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(state)
}

/// The version of the API's description the sandbox follows, sent as `X-Spec-Version` on
/// every answer (linode-cli reads it).
pub const SPEC_VERSION: &str = "4.229.1";

/// The application as served: [`router`] behind a rewrite of `/x/` to `/x` (the API treats
/// both alike; routing alone would answer 404), which must happen before routing.
pub fn service(state: AppState) -> NormalizePath<Router> {
    NormalizePathLayer::trim_trailing_slash().layer(router(state))
}

/// Stores what a request changed before its answer leaves (with `--data`); an answer whose
/// change could not be stored becomes a 500, so no unstored change is acknowledged.
async fn save_changes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    match state.save() {
        Ok(()) => response,
        Err(err) => {
            tracing::error!("linode-sandbox: could not store the state: {err}");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The sandbox could not store this change",
            )
            .into_response()
        }
    }
}

/// Brings actions in progress up to the sandbox's clock before each request is served.
async fn advance_clock(State(state): State<AppState>, req: Request, next: Next) -> Response {
    state.store().tick();
    next.run(req).await
}

/// The header naming the route template that served a request (`/volumes/{id}`, without the
/// version prefix). An answer without it came from no route: an unknown path or method, which
/// tells a missing route apart from a missing object even though both are 404 `Not found`.
pub const ROUTE_HEADER: &str = "x-sandbox-route";

async fn mark_route(matched: MatchedPath, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let template = matched.as_str();
    let template = ["/v4beta", "/v4", "/v2beta", "/v2"]
        .iter()
        .find_map(|version| template.strip_prefix(version))
        .unwrap_or(template);
    if let Ok(value) = HeaderValue::from_str(template) {
        res.headers_mut().insert(ROUTE_HEADER, value);
    }
    res
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal sandbox error").into_response()
}

/// Safety net: any error answer that is not already JSON becomes an error envelope.
async fn envelope_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return res;
    }
    let reason = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::METHOD_NOT_ALLOWED => "Method Not Allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "Request body too large",
        other => other.canonical_reason().unwrap_or("Request failed"),
    };
    ApiError::new(status, reason).into_response()
}

/// Path parameters; a path that does not parse into `T` answers 404 `Not found`.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|_| ApiError::not_found())
    }
}

/// A request body that must be a JSON object; anything else answers 400 `Invalid JSON`.
#[derive(Debug)]
pub struct JsonObject(pub Map<String, Value>);

impl<S> FromRequest<S> for JsonObject
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request<Body>, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::invalid_json())?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(JsonObject(map)),
            _ => Err(ApiError::invalid_json()),
        }
    }
}

/// What a list request carries besides its path: the query string, headers, and which ids
/// the caller may see.
#[derive(Debug)]
pub struct ListRequest {
    /// Raw query string.
    pub query: Option<String>,
    /// Request headers (for `X-Filter`).
    pub headers: HeaderMap,
    /// What a restricted caller may see, when the grants layer limits this list
    /// ([`Visible`]); `None` shows everything.
    pub visible: Option<Visible>,
}

/// Which objects of a list a restricted user may see, put on the request by the grants
/// layer, so that lists drop the others *before* paging (`results` and `pages` count only
/// what the caller sees, as on the API).
#[derive(Clone)]
pub struct Visible(pub std::sync::Arc<dyn Fn(&Value) -> bool + Send + Sync>);

impl std::fmt::Debug for Visible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Visible(..)")
    }
}

impl Visible {
    /// Whether the object may be shown.
    pub fn shows(&self, item: &Value) -> bool {
        (self.0)(item)
    }
}

impl ListRequest {
    /// Whether `item` may be shown to the caller.
    pub fn shows(&self, item: &Value) -> bool {
        self.visible.as_ref().is_none_or(|v| v.shows(item))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ListRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ListRequest {
            query: parts.uri.query().map(str::to_owned),
            headers: parts.headers.clone(),
            visible: parts.extensions.get::<Visible>().cloned(),
        })
    }
}

/// Reads and validates the `X-Filter` header against an endpoint's filterable fields.
pub fn filter_from_headers(headers: &HeaderMap, filterable: &[&str]) -> Result<XFilter, ApiError> {
    match headers.get("x-filter") {
        None => Ok(XFilter::none()),
        Some(raw) => {
            let text = std::str::from_utf8(raw.as_bytes())
                .map_err(|_| ApiError::bad_request("The filter is not valid JSON"))?;
            xfilter::parse(text, filterable)
        }
    }
}

/// The generic list answer: validates pagination and `X-Filter`, filters and orders the
/// items by reference, then clones only the requested page into the envelope.
pub fn list_response<'a>(
    items: impl IntoIterator<Item = &'a Value>,
    filterable: &[&str],
    req: &ListRequest,
) -> Result<Json<Value>, ApiError> {
    let params = PageParams::from_query(req.query.as_deref())?;
    let filter = filter_from_headers(&req.headers, filterable)?;
    let kept = filter.apply(items.into_iter().filter(|item| req.shows(item)));
    let page: Vec<Value> = kept[params.range(kept.len())]
        .iter()
        .map(|v| (*v).clone())
        .collect();
    Ok(Json(params.envelope(page, kept.len())))
}

/// The list answer over a named collection: like [`list_response`], but the filter reads only
/// the fields it names from each object's serialised form ([`Table::select`]), and the page
/// is written by copying the kept objects' bytes. An unfiltered page is a slice of the table.
pub fn table_list_response(
    table: &crate::store::Table,
    filterable: &[&str],
    req: &ListRequest,
) -> Result<axum::response::Response, ApiError> {
    let params = PageParams::from_query(req.query.as_deref())?;
    let filter = filter_from_headers(&req.headers, filterable)?;
    let unfiltered = matches!(&filter.cond, xfilter::Cond::All(all) if all.is_empty());
    let body = if filter.order.is_none() && unfiltered && req.visible.is_none() {
        let results = table.len();
        params.envelope_json(table.json_range(params.range(results)), results)
    } else {
        let visible = req
            .visible
            .as_ref()
            .map(|v| &*v.0 as &dyn Fn(&Value) -> bool);
        let kept = table.select(&filter, visible);
        let page = kept[params.range(kept.len())]
            .iter()
            .filter_map(|id| table.get_json(*id));
        params.envelope_json(page, kept.len())
    };
    Ok(json_bytes(body))
}

/// A `200 OK` with a body that is already JSON.
pub fn json_bytes(body: Vec<u8>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// The generic single-object answer: the object, or 404 `Not found`.
pub fn get_response(item: Option<&Value>) -> Result<Json<Value>, ApiError> {
    item.cloned().map(Json).ok_or_else(ApiError::not_found)
}

/// `GET` of a named collection (see [`Store::table`]): the generic list answer over every
/// object of `name`, filterable on `filterable`. Chain the collection's other methods on it.
pub(crate) fn list_table(
    name: &'static str,
    filterable: &'static [&'static str],
) -> axum::routing::MethodRouter<AppState> {
    axum::routing::get(
        move |State(state): State<AppState>, req: ListRequest| async move {
            table_list_response(state.store().table(name), filterable, &req)
        },
    )
}

/// `DELETE` of one object of a named collection by its integer id (answering `{}`), or 404
/// `Not found`: for collections whose objects nothing else refers to. Merge it into the
/// object's other methods.
pub(crate) fn delete_from_table(name: &'static str) -> axum::routing::MethodRouter<AppState> {
    axum::routing::delete(
        move |State(state): State<AppState>, ApiPath(id): ApiPath<u64>| async move {
            state
                .store()
                .table_mut(name)
                .remove(id)
                .map(|_| Json(serde_json::json!({})))
                .ok_or_else(ApiError::not_found)
        },
    )
}

/// `GET` of one object of a named collection by its integer id, or 404 `Not found`.
pub(crate) fn get_from_table(name: &'static str) -> axum::routing::MethodRouter<AppState> {
    axum::routing::get(
        move |State(state): State<AppState>, ApiPath(id): ApiPath<u64>| async move {
            get_response(state.store().table(name).get(id))
        },
    )
}
