//! What hangs off one instance: power actions, rebuild and resize, disks, configuration
//! profiles, backups and IP addresses (`/linode/instances/{id}/...`).

use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::response::Json;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::linode::strong_password;
use super::networking::{allocate_ipv4, ip_json, linode_ips, set_rdns};
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::catalog::catalog;
use crate::compute::{config_json, disk_json, image_deployable, type_disk};
use crate::error::ApiError;
use crate::lifecycle::{Action, Effect, Entity, durations};
use crate::store::{Store, now};

/// Fields `GET /linode/instances/{id}/disks` may filter and order on.
const DISK_FILTERABLE: &[&str] = &["label", "size"];
/// Fields `GET /linode/instances/{id}/configs` may filter and order on.
const CONFIG_FILTERABLE: &[&str] = &["interfaces.label", "label"];

const FILESYSTEMS: [&str; 5] = ["raw", "swap", "ext3", "ext4", "initrd"];
const SLOTS: [&str; 8] = ["sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "sdh"];

pub(super) fn routes() -> Router<AppState> {
    let base = "/linode/instances/{id}";
    Router::new()
        .route(&format!("{base}/boot"), post(boot))
        .route(&format!("{base}/reboot"), post(reboot))
        .route(&format!("{base}/shutdown"), post(shutdown))
        .route(&format!("{base}/rebuild"), post(rebuild))
        .route(&format!("{base}/resize"), post(resize))
        .route(
            &format!("{base}/disks"),
            get(|s, p, r| list_part(Part::Disks, s, p, r)).post(create_disk),
        )
        .route(
            &format!("{base}/disks/{{disk}}"),
            get(|s, p| get_part(Part::Disks, s, p))
                .put(update_disk)
                .delete(delete_disk),
        )
        .route(&format!("{base}/disks/{{disk}}/resize"), post(resize_disk))
        .route(
            &format!("{base}/configs"),
            get(|s, p, r| list_part(Part::Configs, s, p, r)).post(create_config),
        )
        .route(
            &format!("{base}/configs/{{config}}"),
            get(|s, p| get_part(Part::Configs, s, p))
                .put(update_config)
                .delete(delete_config),
        )
        .route(
            &format!("{base}/backups"),
            get(available_backups).post(take_snapshot),
        )
        .route(&format!("{base}/backups/{{backup}}"), get(get_backup))
        .route(
            &format!("{base}/backups/{{backup}}/restore"),
            post(restore_backup),
        )
        .route(&format!("{base}/ips"), get(list_ips).post(add_ip))
        .route(
            &format!("{base}/ips/{{address}}"),
            get(get_ip)
                .put(update_ip)
                .delete(super::linode_ops::delete_ip),
        )
}

/// A body that may be empty (power actions): empty means `{}`; anything else must be a
/// JSON object.
pub(super) struct OptionalJson(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for OptionalJson {
    type Rejection = ApiError;

    async fn from_request(req: Request<Body>, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::invalid_json())?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(Map::new()));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(OptionalJson(map)),
            _ => Err(ApiError::invalid_json()),
        }
    }
}

/// The instance's label and status, or 404.
pub(super) fn instance(store: &Store, id: u64) -> Result<(String, String), ApiError> {
    let item = store.instances().get(id).ok_or_else(ApiError::not_found)?;
    Ok((
        item["label"].as_str().unwrap_or_default().to_owned(),
        item["status"].as_str().unwrap_or_default().to_owned(),
    ))
}

/// Refuses work on an instance that is in the middle of something.
pub(super) fn not_busy(status: &str) -> Result<(), ApiError> {
    if matches!(status, "running" | "offline" | "stopped") {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "Linode busy: it is {status}"
        )))
    }
}

/// Where an instance settles after a long action, given its status before: running if it was,
/// offline otherwise.
pub(super) fn settled(status: &str) -> &'static str {
    if status == "running" {
        "running"
    } else {
        "offline"
    }
}

/// Starts `action` on instance `id`, which is `during` while it runs and `failed` if it
/// fails (the action's own `on_finish` sets its final state).
pub(super) fn start_instance_action(
    store: &mut Store,
    id: u64,
    during: &str,
    action: Action,
    failed: impl Into<String>,
) {
    let failed = failed.into();
    store.set_instance_status(id, during);
    store.record(action.on_fail(Effect::instance_status(id, &failed)));
}

/// A sub-collection every instance has (see [`crate::compute::Child`]).
#[derive(Debug, Clone, Copy)]
enum Part {
    Disks,
    Configs,
}

impl Part {
    /// The instance's own of these (materialized on first use), or 404 when the instance
    /// does not exist.
    fn of(self, store: &mut Store, id: u64) -> Result<Parts<'_>, ApiError> {
        store.instances().get(id).ok_or_else(ApiError::not_found)?;
        store.ensure_parts(id);
        let kind = match self {
            Part::Disks => crate::compute::Child::Disks,
            Part::Configs => crate::compute::Child::Configs,
        };
        Ok(Parts {
            store,
            kind,
            linode: id,
        })
    }

    /// Fields the list may filter and order on.
    fn filterable(self) -> &'static [&'static str] {
        match self {
            Part::Disks => DISK_FILTERABLE,
            Part::Configs => CONFIG_FILTERABLE,
        }
    }

    /// How events name item `id` (labelled `label`) of instance `linode`.
    fn entity(self, linode: u64, id: u64, label: &str) -> Entity {
        let (kind, segment) = match self {
            Part::Disks => ("disk", "disks"),
            Part::Configs => ("linode_config", "configs"),
        };
        Entity::new(
            kind,
            id,
            label,
            format!("/v4/linode/instances/{linode}/{segment}/{id}"),
        )
    }

    /// Records the instant event `action` on instance `id` (labelled `label`) with `item`
    /// (one of these, as JSON) as its secondary entity.
    fn record(self, store: &mut Store, action: &str, id: u64, label: &str, item: &Value) {
        let entity = self.entity(
            id,
            item["id"].as_u64().unwrap_or_default(),
            item["label"].as_str().unwrap_or_default(),
        );
        store.record(Action::new(action, Entity::linode(id, label)).secondary(entity));
    }
}

/// One instance's disks or configs, as served.
struct Parts<'a> {
    store: &'a mut Store,
    kind: crate::compute::Child,
    linode: u64,
}

impl Parts<'_> {
    fn values(&self) -> Vec<Value> {
        self.store.children(self.kind, self.linode)
    }

    fn get(&self, id: u64) -> Option<Value> {
        self.store.child(self.kind, self.linode, id)
    }

    fn insert(&mut self, id: u64, object: Value) {
        self.store.add_child(self.kind, self.linode, id, object);
    }

    fn remove(&mut self, id: u64) -> Option<Value> {
        self.store.remove_child(self.kind, self.linode, id)
    }
}

async fn list_part(
    part: Part,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    list_response(&part.of(&mut store, id)?.values(), part.filterable(), &req)
}

async fn get_part(
    part: Part,
    State(state): State<AppState>,
    ApiPath((id, item)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    get_response(part.of(&mut store, id)?.get(item).as_ref())
}

/// A power action: its event, the status while it runs and the status it ends in.
struct Power {
    action: &'static str,
    during: &'static str,
    after: &'static str,
    lasts: Duration,
}

const BOOT: Power = Power {
    action: "linode_boot",
    during: "booting",
    after: "running",
    lasts: durations::BOOT,
};
const REBOOT: Power = Power {
    action: "linode_reboot",
    during: "rebooting",
    after: "running",
    lasts: durations::REBOOT,
};
const SHUTDOWN: Power = Power {
    action: "linode_shutdown",
    during: "shutting_down",
    after: "offline",
    lasts: durations::SHUTDOWN,
};

/// Starts a power action (back to `before` on failure).
fn transition(store: &mut Store, id: u64, label: &str, power: Power, before: String) {
    let after = power.after;
    let action = Action::new(power.action, Entity::linode(id, label))
        .lasting(power.lasts)
        .on_finish(Effect::instance_status(id, after));
    start_instance_action(store, id, power.during, action, before);
}

/// Checks an optional `config_id` belongs to the instance, and that it has a profile to boot.
fn check_bootable(store: &mut Store, id: u64, body: &Map<String, Value>) -> Result<(), ApiError> {
    let mut errs = Checks::default();
    let config = errs.unsigned(body, "config_id");
    errs.finish(())?;
    store.ensure_parts(id);
    let configs = store.children(crate::compute::Child::Configs, id);
    match config {
        Some(cid) if !configs.iter().any(|c| c["id"].as_u64() == Some(cid)) => {
            Err(ApiError::field("config_id", "Config not found"))
        }
        None if configs.is_empty() => Err(ApiError::bad_request(
            "Linode has no configuration profile to boot",
        )),
        _ => Ok(()),
    }
}

async fn boot(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    OptionalJson(body): OptionalJson,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    if status == "running" {
        return Err(ApiError::bad_request("Linode is already running"));
    }
    check_bootable(&mut store, id, &body)?;
    transition(&mut store, id, &label, BOOT, status);
    Ok(Json(json!({})))
}

async fn reboot(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    OptionalJson(body): OptionalJson,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    check_bootable(&mut store, id, &body)?;
    transition(&mut store, id, &label, REBOOT, status);
    Ok(Json(json!({})))
}

async fn shutdown(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    if status != "running" {
        return Err(ApiError::bad_request("Linode is not running"));
    }
    transition(&mut store, id, &label, SHUTDOWN, status);
    Ok(Json(json!({})))
}

async fn rebuild(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    let mut errs = Checks::default();
    let image = errs.string(&body, "image");
    match &image {
        None => errs.add("image", "image is required"),
        Some(i) if !image_deployable(&store, i) => errs.add("image", "Image not found"),
        Some(_) => {}
    }
    match errs.string(&body, "root_pass") {
        None => errs.add("root_pass", "root_pass is required"),
        Some(p) if !strong_password(&p) => {
            errs.add("root_pass", "Password does not meet strength requirement")
        }
        Some(_) => {}
    }
    errs.strings(&body, "authorized_keys");
    errs.strings(&body, "authorized_users");
    let booted = errs.boolean(&body, "booted").unwrap_or(true);
    if let Some(sid) = errs.unsigned(&body, "stackscript_id") {
        let data = errs.object(&body, "stackscript_data");
        super::stackscripts::check_deploy(&mut errs, &store, sid, image.as_deref(), data);
    }
    let image = errs.finish(image)?.unwrap_or_default();
    let type_id = store
        .instances()
        .get(id)
        .and_then(|i| i["type"].as_str())
        .unwrap_or_default()
        .to_owned();
    store.deploy_image(id, &image, &type_id);
    if let Some(item) = store.instances_mut().get_mut(id) {
        item["image"] = Value::from(image.as_str());
        item["updated"] = Value::from(now());
    }
    let after = if booted { "running" } else { "offline" };
    let image_entity = Entity::new(
        "image",
        image.as_str(),
        &image,
        format!("/v4/images/{image}"),
    );
    let action = Action::new("linode_rebuild", Entity::linode(id, &label))
        .secondary(image_entity)
        .lasting(durations::REBUILD)
        .on_finish(Effect::instance_status(id, after));
    start_instance_action(&mut store, id, "rebuilding", action, "offline");
    get_response(store.instances().get(id))
}

async fn resize(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    let mut errs = Checks::default();
    let new_type = errs.string(&body, "type");
    let auto_disk = errs
        .boolean(&body, "allow_auto_disk_resize")
        .unwrap_or(true);
    if let Some(mode) = errs.string(&body, "migration_type") {
        if mode != "warm" && mode != "cold" {
            errs.add("migration_type", "Must be warm or cold");
        }
    }
    let current = store
        .instances()
        .get(id)
        .and_then(|i| i["type"].as_str())
        .unwrap_or_default()
        .to_owned();
    let used = store.disk_usage(id);
    match &new_type {
        None => errs.add("type", "type is required"),
        Some(t) if catalog().linode_type(t).is_none() => errs.add("type", "Type not found"),
        Some(t) if *t == current => errs.add("type", "Linode is already of that type"),
        Some(t) if type_disk(t) < used => errs.add(
            "type",
            format!(
                "The Linode's disks use {used} MB, more than the {} MB of {t}",
                type_disk(t)
            ),
        ),
        Some(_) => {}
    }
    let new_type = errs.finish(new_type)?.unwrap_or_default();
    let back_to = settled(&status);
    let action = Action::new("linode_resize", Entity::linode(id, &label))
        .lasting(durations::RESIZE)
        .on_finish(resize_effect(id, &new_type, auto_disk, back_to));
    start_instance_action(&mut store, id, "resizing", action, back_to);
    Ok(Json(json!({})))
}

/// The effect that finishes a resize (or a mutation) of instance `id` to `new_type`.
pub(super) fn resize_effect(id: u64, new_type: &str, auto_disk: bool, back_to: &str) -> Effect {
    Effect::rule(
        "linode.finish_resize",
        json!({"id": id, "type": new_type, "auto_disk": auto_disk, "back_to": back_to}),
    )
}

/// The rule `linode.finish_resize` (see [`resize_effect`]).
pub(super) fn finish_resize_rule(store: &mut Store, args: &Value) {
    if let (Some(id), Some(new_type), Some(back_to)) = (
        args["id"].as_u64(),
        args["type"].as_str(),
        args["back_to"].as_str(),
    ) {
        let auto_disk = args["auto_disk"].as_bool().unwrap_or(false);
        finish_resize(store, id, new_type, auto_disk, back_to);
    }
}

/// Applies a resize: new type and specs, and (when allowed) the only ext disk grows or
/// shrinks to use the new plan's space.
fn finish_resize(store: &mut Store, id: u64, new_type: &str, auto_disk: bool, back_to: &str) {
    let Some(spec) = catalog().linode_type(new_type) else {
        return;
    };
    if let Some(item) = store.instances_mut().get_mut(id) {
        item["type"] = Value::from(new_type);
        for key in ["disk", "memory", "vcpus", "gpus", "transfer"] {
            item["specs"][key] = spec[key].clone();
        }
        item["updated"] = Value::from(now());
        item["status"] = Value::from(back_to);
    }
    if !auto_disk {
        return;
    }
    let total = type_disk(new_type);
    if store.has_parts(id) {
        let disks = store.children(crate::compute::Child::Disks, id);
        let ext: Vec<u64> = disks
            .iter()
            .filter(|d| matches!(d["filesystem"].as_str(), Some("ext3" | "ext4")))
            .filter_map(|d| d["id"].as_u64())
            .collect();
        if let [only] = ext[..] {
            let others: u64 = disks
                .iter()
                .filter(|d| d["id"].as_u64() != Some(only))
                .filter_map(|d| d["size"].as_u64())
                .sum();
            if let Some(disk) = store.child_mut(crate::compute::Child::Disks, id, only) {
                disk["size"] = Value::from(total.saturating_sub(others));
            }
        }
    }
}

// ----- disks -----

fn disk_label(errs: &mut Checks, body: &Map<String, Value>) -> Option<String> {
    let label = errs.string(body, "label")?;
    if !(1..=48).contains(&label.chars().count()) {
        errs.add("label", "Length must be 1-48 characters");
    }
    Some(label)
}

/// Checks that `size` more MB fit on the instance beside `used`.
fn check_space(errs: &mut Checks, store: &Store, id: u64, used: u64, size: u64) {
    let total = store
        .instances()
        .get(id)
        .and_then(|i| i["specs"]["disk"].as_u64())
        .unwrap_or(0);
    if used.saturating_add(size) > total {
        errs.add(
            "size",
            format!(
                "Not enough free space: {} MB free, {size} MB asked",
                total.saturating_sub(used)
            ),
        );
    }
}

async fn create_disk(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    let used = store.disk_usage(id);
    let mut errs = Checks::default();
    let size = errs.unsigned(&body, "size");
    match size {
        None => errs.add("size", "size is required"),
        Some(0) => errs.add("size", "Size must be at least 1 MB"),
        Some(n) => check_space(&mut errs, &store, id, used, n),
    }
    let disk_label = disk_label(&mut errs, &body);
    let image = errs.string(&body, "image");
    if let Some(i) = &image {
        if !image_deployable(&store, i) {
            errs.add("image", "Image not found");
        }
    }
    let filesystem = errs.string(&body, "filesystem");
    if let Some(fs) = &filesystem {
        if !FILESYSTEMS.contains(&fs.as_str()) {
            errs.add(
                "filesystem",
                format!("Must be one of {}", FILESYSTEMS.join(", ")),
            );
        }
    }
    match errs.string(&body, "root_pass") {
        None if image.is_some() => errs.add("root_pass", "root_pass is required with an image"),
        Some(p) if !strong_password(&p) => {
            errs.add("root_pass", "Password does not meet strength requirement")
        }
        _ => {}
    }
    errs.strings(&body, "authorized_keys");
    errs.strings(&body, "authorized_users");
    if let Some(sid) = errs.unsigned(&body, "stackscript_id") {
        let data = errs.object(&body, "stackscript_data");
        super::stackscripts::check_deploy(&mut errs, &store, sid, image.as_deref(), data);
    }
    let size = errs.finish(size)?.unwrap_or(0);
    let disk_id = store.disk_id();
    let disk_label = disk_label.unwrap_or_else(|| match &image {
        Some(i) => format!("{} Disk", crate::compute::image_label(&store, i)),
        None => format!("Disk {disk_id}"),
    });
    let disk = disk_json(
        disk_id,
        &disk_label,
        size,
        filesystem.as_deref().unwrap_or("ext4"),
        "not ready",
    );
    Part::Disks.of(&mut store, id)?.insert(disk_id, disk);
    store.record(
        Action::new("disk_create", Entity::linode(id, &label))
            .secondary(Part::Disks.entity(id, disk_id, &disk_label))
            .lasting(Duration::from_secs(15))
            .on_finish(disk_effect(id, disk_id, json!({"status": "ready"}))),
    );
    get_response(Part::Disks.of(&mut store, id)?.get(disk_id).as_ref())
}

/// The effect that sets fields of instance `id`'s disk `disk` (and its `updated`).
pub(super) fn disk_effect(id: u64, disk: u64, set: Value) -> Effect {
    Effect::rule(
        "linode.set_disk",
        json!({"id": id, "disk": disk, "set": set}),
    )
}

/// The rule `linode.set_disk` (see [`disk_effect`]).
pub(super) fn set_disk_rule(store: &mut Store, args: &Value) {
    if let (Some(id), Some(disk), Some(set)) = (
        args["id"].as_u64(),
        args["disk"].as_u64(),
        args["set"].as_object(),
    ) {
        for (key, value) in set {
            set_disk(store, id, disk, key, value.clone());
        }
    }
}

pub(super) fn set_disk(store: &mut Store, id: u64, disk: u64, key: &str, value: Value) {
    if let Some(d) = store.child_mut(crate::compute::Child::Disks, id, disk) {
        d[key] = value;
        d["updated"] = Value::from(now());
    }
}

async fn update_disk(
    State(state): State<AppState>,
    ApiPath((id, disk)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, _) = instance(&store, id)?;
    Part::Disks
        .of(&mut store, id)?
        .get(disk)
        .ok_or_else(ApiError::not_found)?;
    let mut errs = Checks::default();
    let new_label = disk_label(&mut errs, &body);
    errs.finish(())?;
    if let Some(l) = &new_label {
        set_disk(&mut store, id, disk, "label", Value::from(l.as_str()));
    }
    let answer = Part::Disks
        .of(&mut store, id)?
        .get(disk)
        .ok_or_else(ApiError::not_found)?;
    Part::Disks.record(&mut store, "disk_update", id, &label, &answer);
    Ok(Json(answer))
}

async fn resize_disk(
    State(state): State<AppState>,
    ApiPath((id, disk)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    let current = Part::Disks
        .of(&mut store, id)?
        .get(disk)
        .ok_or_else(ApiError::not_found)?;
    let old = current["size"].as_u64().unwrap_or(0);
    let used = store.disk_usage(id).saturating_sub(old);
    let mut errs = Checks::default();
    match errs.unsigned(&body, "size") {
        None => errs.add("size", "size is required"),
        Some(0) => errs.add("size", "Size must be at least 1 MB"),
        Some(n) => {
            check_space(&mut errs, &store, id, used, n);
            errs.finish(())?;
            set_disk(&mut store, id, disk, "status", Value::from("not ready"));
            store.record(
                Action::new("disk_resize", Entity::linode(id, &label))
                    .secondary(Part::Disks.entity(
                        id,
                        disk,
                        current["label"].as_str().unwrap_or_default(),
                    ))
                    .lasting(Duration::from_secs(30))
                    .on_finish(disk_effect(id, disk, json!({"size": n, "status": "ready"})))
                    .on_fail(disk_effect(id, disk, json!({"status": "ready"}))),
            );
            return Ok(Json(json!({})));
        }
    }
    Err(errs.finish(()).err().unwrap_or_else(ApiError::not_found))
}

async fn delete_disk(
    State(state): State<AppState>,
    ApiPath((id, disk)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, status) = instance(&store, id)?;
    not_busy(&status)?;
    let removed = Part::Disks
        .of(&mut store, id)?
        .remove(disk)
        .ok_or_else(ApiError::not_found)?;
    // Profiles no longer boot the deleted disk.
    {
        for config in store.children_mut(crate::compute::Child::Configs, id) {
            for slot in SLOTS {
                if config["devices"][slot]["disk_id"].as_u64() == Some(disk) {
                    config["devices"][slot] = Value::Null;
                }
            }
        }
    }
    Part::Disks.record(&mut store, "disk_delete", id, &label, &removed);
    Ok(Json(json!({})))
}

// ----- configs -----

/// Validates the fields of a config body and writes them into `target`.
fn apply_config(
    body: &Map<String, Value>,
    store: &mut Store,
    id: u64,
    target: &mut Value,
    creating: bool,
) -> Result<(), ApiError> {
    let mut errs = Checks::default();
    match errs.string(body, "label") {
        None if creating => errs.add("label", "label is required"),
        Some(l) if !(1..=48).contains(&l.chars().count()) => {
            errs.add("label", "Length must be 1-48 characters")
        }
        Some(l) => target["label"] = Value::from(l),
        None => {}
    }
    if let Some(kernel) = errs.string(body, "kernel") {
        if catalog().kernel(&kernel).is_none() {
            errs.add("kernel", "Kernel not found");
        }
        target["kernel"] = Value::from(kernel);
    }
    if let Some(comments) = errs.string(body, "comments") {
        target["comments"] = Value::from(comments);
    }
    if let Some(limit) = errs.unsigned(body, "memory_limit") {
        target["memory_limit"] = Value::from(limit);
    }
    for (key, allowed) in [
        ("run_level", &["default", "single", "binbash"][..]),
        ("virt_mode", &["paravirt", "fullvirt"][..]),
    ] {
        if let Some(v) = errs.string(body, key) {
            if allowed.contains(&v.as_str()) {
                target[key] = Value::from(v);
            } else {
                errs.add(key, format!("Must be one of {}", allowed.join(", ")));
            }
        }
    }
    if let Some(root) = errs.string(body, "root_device") {
        target["root_device"] = Value::from(root);
    }
    if let Some(helpers) = errs.object(body, "helpers") {
        for (key, value) in helpers {
            match value {
                Value::Bool(_) => target["helpers"][key] = value.clone(),
                _ => errs.add(&format!("helpers.{key}"), "Must be a boolean"),
            }
        }
    }
    store.ensure_parts(id);
    let disks = store.children(crate::compute::Child::Disks, id);
    match errs.object(body, "devices") {
        None if creating => errs.add("devices", "devices is required"),
        None => {}
        Some(devices) => {
            for (slot, device) in devices {
                let field = format!("devices.{slot}");
                if !SLOTS.contains(&slot.as_str()) {
                    errs.add(&field, "Unknown device slot");
                    continue;
                }
                match device {
                    Value::Null => target["devices"][slot] = Value::Null,
                    Value::Object(d) => {
                        if d.get("volume_id").is_some_and(|v| !v.is_null()) {
                            errs.add(&format!("{field}.volume_id"), "Volume not found");
                        }
                        match d.get("disk_id").and_then(Value::as_u64) {
                            Some(disk) if disks.iter().any(|d| d["id"].as_u64() == Some(disk)) => {
                                target["devices"][slot] =
                                    json!({"disk_id": disk, "volume_id": null});
                            }
                            Some(_) => errs.add(&format!("{field}.disk_id"), "Disk not found"),
                            None => errs.add(&format!("{field}.disk_id"), "disk_id is required"),
                        }
                    }
                    _ => errs.add(&field, "Must be an object"),
                }
            }
        }
    }
    errs.finish(())
}

async fn create_config(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, _) = instance(&store, id)?;
    let memory = store
        .instances()
        .get(id)
        .and_then(|i| i["specs"]["memory"].as_u64())
        .unwrap_or(0);
    let mut config = config_json(0, "", &[], memory);
    config["kernel"] = Value::from("linode/latest-64bit");
    apply_config(&body, &mut store, id, &mut config, true)?;
    let config_id = store.config_id();
    config["id"] = Value::from(config_id);
    super::interfaces::apply_config_interfaces(&body, &mut store, id, config_id, &mut config)?;
    Part::Configs
        .of(&mut store, id)?
        .insert(config_id, config.clone());
    Part::Configs.record(&mut store, "linode_config_create", id, &label, &config);
    Ok(Json(config))
}

async fn update_config(
    State(state): State<AppState>,
    ApiPath((id, config_id)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, _) = instance(&store, id)?;
    let mut config = Part::Configs
        .of(&mut store, id)?
        .get(config_id)
        .ok_or_else(ApiError::not_found)?;
    apply_config(&body, &mut store, id, &mut config, false)?;
    super::interfaces::apply_config_interfaces(&body, &mut store, id, config_id, &mut config)?;
    config["updated"] = Value::from(now());
    Part::Configs
        .of(&mut store, id)?
        .insert(config_id, config.clone());
    Part::Configs.record(&mut store, "linode_config_update", id, &label, &config);
    Ok(Json(config))
}

async fn delete_config(
    State(state): State<AppState>,
    ApiPath((id, config_id)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, _) = instance(&store, id)?;
    let removed = Part::Configs
        .of(&mut store, id)?
        .remove(config_id)
        .ok_or_else(ApiError::not_found)?;
    super::interfaces::release_config(&mut store, &removed);
    Part::Configs.record(&mut store, "linode_config_delete", id, &label, &removed);
    Ok(Json(json!({})))
}

// ----- backups -----

/// A `Backup` of the instance's current disks and configs.
fn backup_json(
    store: &mut Store,
    id: u64,
    backup_id: u64,
    kind: &str,
    label: Option<&str>,
) -> Value {
    store.ensure_parts(id);
    let disks: Vec<Value> = store
        .children(crate::compute::Child::Disks, id)
        .iter()
        .map(|d| json!({"label": d["label"], "size": d["size"], "filesystem": d["filesystem"]}))
        .collect();
    let configs: Vec<Value> = store
        .children(crate::compute::Child::Configs, id)
        .iter()
        .map(|c| c["label"].clone())
        .collect();
    let region = store
        .instances()
        .get(id)
        .map_or(Value::Null, |i| i["region"].clone());
    let ts = now();
    let done = kind == "auto";
    json!({
        "id": backup_id,
        "label": label,
        "type": kind,
        "status": if done { "successful" } else { "pending" },
        "available": done,
        "region": region,
        "created": ts,
        "updated": ts,
        "finished": if done { Value::from(ts.clone()) } else { Value::Null },
        "configs": configs,
        "disks": disks,
    })
}

impl Store {
    /// Takes an automatic backup of a Linode whose backup service is on, as the daily job
    /// does; returns its id.
    pub fn automatic_backup(&mut self, id: u64) -> Option<u64> {
        if self.instances().get(id)?["backups"]["enabled"] != true {
            return None;
        }
        let backup_id = self.backup_id();
        let backup = backup_json(self, id, backup_id, "auto", None);
        let finished = backup["finished"].clone();
        self.add_child(crate::compute::Child::Backups, id, backup_id, backup);
        if let Some(item) = self.instances_mut().get_mut(id) {
            item["backups"]["available"] = Value::from(true);
            item["backups"]["last_successful"] = finished;
        }
        Some(backup_id)
    }
}

async fn available_backups(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    instance(&store, id)?;
    let backups = store.children(crate::compute::Child::Backups, id);
    let automatic: Vec<&Value> = backups.iter().filter(|b| b["type"] == "auto").collect();
    let snapshot = |done: bool| {
        backups
            .iter()
            .rev()
            .find(|b| b["type"] == "snapshot" && (b["status"] == "successful") == done)
            .map_or(Value::Null, Value::clone)
    };
    Ok(Json(json!({
        "automatic": automatic,
        "snapshot": {"current": snapshot(true), "in_progress": snapshot(false)},
    })))
}

async fn get_backup(
    State(state): State<AppState>,
    ApiPath((id, backup)): ApiPath<(u64, u64)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    instance(&store, id)?;
    get_response(
        store
            .child(crate::compute::Child::Backups, id, backup)
            .as_ref(),
    )
}

async fn take_snapshot(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (label, _) = instance(&store, id)?;
    let mut errs = Checks::default();
    let snap_label = errs.string(&body, "label");
    match &snap_label {
        None => errs.add("label", "label is required"),
        Some(l) if !(1..=255).contains(&l.chars().count()) => {
            errs.add("label", "Length must be 1-255 characters")
        }
        Some(_) => {}
    }
    errs.finish(())?;
    if store
        .instances()
        .get(id)
        .is_some_and(|i| i["backups"]["enabled"] != true)
    {
        return Err(ApiError::bad_request(
            "Backups are not enabled for this Linode",
        ));
    }
    let pending = store
        .children(crate::compute::Child::Backups, id)
        .iter()
        .any(|b| b["type"] == "snapshot" && b["status"] != "successful");
    if pending {
        return Err(ApiError::bad_request("A snapshot is already in progress"));
    }
    let backup_id = store.backup_id();
    let backup = backup_json(&mut store, id, backup_id, "snapshot", snap_label.as_deref());
    store.add_child(
        crate::compute::Child::Backups,
        id,
        backup_id,
        backup.clone(),
    );
    store.record(
        Action::new("linode_snapshot", Entity::linode(id, &label))
            .lasting(Duration::from_secs(60))
            .on_finish(Effect::rule(
                "linode.finish_snapshot",
                json!({"id": id, "backup_id": backup_id}),
            ))
            .on_fail(Effect::remove(crate::compute::names::BACKUPS, backup_id)),
    );
    Ok(Json(backup))
}

/// The rule `linode.finish_snapshot`: a snapshot is done; it becomes the current one,
/// replacing the previous.
pub(super) fn finish_snapshot(store: &mut Store, args: &Value) {
    let (Some(id), Some(backup_id)) = (args["id"].as_u64(), args["backup_id"].as_u64()) else {
        return;
    };
    let backups = store.children(crate::compute::Child::Backups, id);
    if backups.is_empty() {
        return;
    }
    let old: Vec<u64> = backups
        .iter()
        .filter(|b| b["type"] == "snapshot" && b["status"] == "successful")
        .filter_map(|b| b["id"].as_u64())
        .collect();
    for o in old {
        store.remove_child(crate::compute::Child::Backups, id, o);
    }
    let ts = now();
    if let Some(b) = store.child_mut(crate::compute::Child::Backups, id, backup_id) {
        b["status"] = Value::from("successful");
        b["available"] = Value::from(true);
        b["finished"] = Value::from(ts.as_str());
        b["updated"] = Value::from(ts.as_str());
    }
    if let Some(item) = store.instances_mut().get_mut(id) {
        item["backups"]["available"] = Value::from(true);
        item["backups"]["last_successful"] = Value::from(ts);
    }
}

async fn restore_backup(
    State(state): State<AppState>,
    ApiPath((id, backup_id)): ApiPath<(u64, u64)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    instance(&store, id)?;
    let backup = store
        .child(crate::compute::Child::Backups, id, backup_id)
        .ok_or_else(ApiError::not_found)?;
    let mut errs = Checks::default();
    let target = errs.unsigned(&body, "linode_id");
    let overwrite = errs.boolean(&body, "overwrite").unwrap_or(false);
    errs.finish(())?;
    let Some(target) = target else {
        return Err(ApiError::field("linode_id", "linode_id is required"));
    };
    if backup["available"] != true {
        return Err(ApiError::bad_request(
            "Backup is not available for restoration",
        ));
    }
    let Ok((target_label, target_status)) = instance(&store, target) else {
        return Err(ApiError::field("linode_id", "Linode not found"));
    };
    let target_region = store.instances().get(target).map(|i| i["region"].clone());
    if target_region.as_ref() != Some(&backup["region"]) {
        return Err(ApiError::field(
            "linode_id",
            "The target Linode must be in the backup's region",
        ));
    }
    if !matches!(target_status.as_str(), "offline" | "stopped" | "running") {
        return Err(ApiError::bad_request(format!(
            "Linode busy: it is {target_status}"
        )));
    }
    let needed: u64 = backup["disks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["size"].as_u64())
        .sum();
    let used = if overwrite {
        0
    } else {
        store.disk_usage(target)
    };
    let total = store
        .instances()
        .get(target)
        .and_then(|i| i["specs"]["disk"].as_u64())
        .unwrap_or(0);
    if used.saturating_add(needed) > total {
        return Err(ApiError::field(
            "overwrite",
            "The target Linode lacks free space for the backup's disks; restore with overwrite",
        ));
    }
    if overwrite {
        store.clear_parts(target);
    }
    store.restore_backup_into(backup_id, target);
    let action = Action::new("backups_restore", Entity::linode(target, &target_label))
        .lasting(durations::RESTORE)
        .on_finish(Effect::instance_status(target, "offline"));
    start_instance_action(&mut store, target, "restoring", action, "offline");
    Ok(Json(json!({})))
}

// ----- IPs -----

async fn list_ips(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    instance(&store, id)?;
    Ok(Json(linode_ips(&store, id)))
}

async fn add_ip(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    instance(&store, id)?;
    allocate_ipv4(&mut store, &body, id).map(Json)
}

/// The address, if it is one of the instance's.
fn own_address(store: &Store, id: u64, address: &str) -> Result<Value, ApiError> {
    instance(store, id)?;
    match ip_json(store, address) {
        Some(ip) if ip["linode_id"] == id => Ok(ip),
        _ => Err(ApiError::not_found()),
    }
}

async fn get_ip(
    State(state): State<AppState>,
    ApiPath((id, address)): ApiPath<(u64, String)>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    own_address(&store, id, &address).map(Json)
}

async fn update_ip(
    State(state): State<AppState>,
    ApiPath((id, address)): ApiPath<(u64, String)>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    own_address(&store, id, &address)?;
    set_rdns(&mut store, &address, &body).map(Json)
}
