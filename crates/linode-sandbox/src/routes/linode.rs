//! `/linode/instances`, `/linode/types` and `/linode/kernels`.

use axum::Router;
use axum::extract::State;
use axum::response::{Json, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::{
    ApiPath, AppState, JsonObject, ListRequest, get_response, json_bytes, list_response,
    table_list_response,
};
use crate::catalog::catalog;
use crate::compute::image_deployable;
use crate::error::ApiError;
use crate::lifecycle::{Action, Effect, Entity, durations};
use crate::store::{NewInstance, Store, now, status_on_create};

/// Fields `GET /linode/instances` may filter and order on.
const INSTANCE_FILTERABLE: &[&str] = &[
    "group",
    "id",
    "image",
    "interface_generation",
    "ipv4",
    "label",
    "placement_group.label",
    "placement_group.placement_group_type",
    "region",
    "tags",
];

/// Fields `GET /linode/types` may filter and order on.
const TYPE_FILTERABLE: &[&str] = &[
    "accelerated_devices",
    "class",
    "disk",
    "gpus",
    "label",
    "memory",
    "network_out",
    "transfer",
    "vcpus",
];

/// Fields `GET /linode/kernels` may filter and order on.
const KERNEL_FILTERABLE: &[&str] = &[
    "architecture",
    "deprecated",
    "kvm",
    "label",
    "pvops",
    "version",
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/linode/instances",
            get(list_instances).post(create_instance),
        )
        .route(
            "/linode/instances/{id}",
            get(get_instance)
                .put(update_instance)
                .delete(delete_instance),
        )
        .merge(super::linode_parts::routes())
        .merge(super::stackscripts::routes())
        .route("/linode/types", get(list_types))
        .route("/linode/types/{id}", get(get_type))
        .route("/linode/kernels", get(list_kernels))
        .route("/linode/kernels/{*id}", get(get_kernel))
}

async fn list_types(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&catalog().types, TYPE_FILTERABLE, &req)
}

async fn get_type(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    get_response(crate::compute::any_linode_type(&id))
}

async fn list_kernels(req: ListRequest) -> Result<Json<Value>, ApiError> {
    list_response(&catalog().kernels, KERNEL_FILTERABLE, &req)
}

async fn get_kernel(ApiPath(id): ApiPath<String>) -> Result<Json<Value>, ApiError> {
    get_response(catalog().kernel(&id))
}

/// Lists instances (see [`table_list_response`]).
async fn list_instances(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Response, ApiError> {
    let store = state.store();
    table_list_response(store.instances(), INSTANCE_FILTERABLE, &req)
}

async fn get_instance(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Response, ApiError> {
    let body = state
        .store()
        .instances()
        .get_json(id)
        .map(<[u8]>::to_vec)
        .ok_or_else(ApiError::not_found)?;
    Ok(json_bytes(body))
}

async fn delete_instance(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    super::locks::refuse_locked(&store, "linode", id)?;
    let deleted = remove_instance(&mut store, id).ok_or_else(ApiError::not_found)?;
    let label = deleted["label"].as_str().unwrap_or_default();
    store.record(Action::new("linode_delete", Entity::linode(id, label)));
    // An LKE node's pool replaces it.
    super::lke::forget_linode(&mut store, id);
    Ok(Json(json!({})))
}

/// Deletes an instance and its parts, and takes it out of whatever refers to it; `None`
/// when it does not exist.
pub(super) fn remove_instance(store: &mut Store, id: u64) -> Option<Value> {
    let deleted = store.delete_instance(id)?;
    store.forget_linode_parts(id, &deleted);
    super::firewalls::forget_entity(store, "linode", id);
    super::interfaces::forget_linode(store, id);
    super::vpcs::forget_linode(store, id);
    super::placement::forget_linode(store, id);
    Some(deleted)
}

async fn create_instance(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let (new, extra) = validate_create(&body, &store)?;
    let firewall = super::firewalls::firewall_for_new(&store, "linode", &body)?;
    let interfaces = super::interfaces::check_new_linode_interfaces(&store, &body)?;
    let settled = status_on_create(new.image.is_some() || extra.backup_id.is_some(), new.booted);
    let id = store.create_instance(new);
    super::firewalls::attach_new(&mut store, "linode", id, firewall);
    super::interfaces::make_new_linode_interfaces(&mut store, id, &body, interfaces)?;
    // Disks and configs: a deployment of the image, the backup's disks, or nothing.
    store.ensure_parts(id);
    if let Some(bid) = extra.backup_id {
        store.restore_backup_into(bid, id);
    }
    if let Some(sid) = extra.stackscript_id {
        super::stackscripts::count_deployment(&mut store, sid);
    }
    if let Some(gid) = extra.placement_group {
        super::placement::join(&mut store, gid, id);
    }
    let label = store
        .instances()
        .get(id)
        .and_then(|i| i["label"].as_str())
        .unwrap_or_default()
        .to_owned();
    store.set_instance_status(id, "provisioning");
    let entity = Entity::linode(id, &label);
    let create = Action::new("linode_create", entity.clone())
        .lasting(durations::CREATE)
        .on_fail(Effect::instance_status(id, "offline"));
    let create = if settled == "running" {
        create
            .on_finish(Effect::instance_status(id, "booting"))
            .on_finish(Effect::Start(Box::new(
                Action::new("linode_boot", entity)
                    .lasting(durations::BOOT)
                    .on_finish(Effect::instance_status(id, "running"))
                    .on_fail(Effect::instance_status(id, "offline")),
            )))
    } else {
        create.on_finish(Effect::instance_status(id, settled))
    };
    store.record(create);
    get_response(store.instances().get(id))
}

async fn update_instance(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if store.instances().get(id).is_none() {
        return Err(ApiError::not_found());
    }
    let update = validate_update(&body, id, &store)?;
    if let Some(label) = &update.label {
        store.relabel_instance(id, label);
    }
    let item = store
        .instances_mut()
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if let Some(group) = update.group {
        item["group"] = Value::from(group);
    }
    if let Some(tags) = update.tags {
        item["tags"] = Value::from(tags);
    }
    for (key, value) in update.alerts {
        item["alerts"][key] = Value::from(value);
    }
    for (key, value) in update.schedule {
        item["backups"]["schedule"][key] = value;
    }
    if let Some(watchdog) = update.watchdog_enabled {
        item["watchdog_enabled"] = Value::from(watchdog);
    }
    item["updated"] = Value::from(now());
    let answer = item.clone();
    let label = answer["label"].as_str().unwrap_or_default();
    store.record(Action::new("linode_update", Entity::linode(id, label)));
    Ok(Json(answer))
}

impl Checks {
    /// An optional Linode label, checked for shape and uniqueness (`own_id` may keep its label).
    pub(super) fn instance_label(
        &mut self,
        body: &Map<String, Value>,
        store: &Store,
        own_id: Option<u64>,
    ) -> Option<String> {
        let label = self.string(body, "label")?;
        if let Err(reason) = check_label(&label) {
            self.add("label", reason);
            return None;
        }
        let own = own_id
            .and_then(|id| store.instances().get(id))
            .and_then(|v| v["label"].as_str())
            == Some(label.as_str());
        if !own && store.instance_label_taken(&label) {
            self.add("label", "Label must be unique among your linodes");
        }
        Some(label)
    }
}

/// Checks a Linode label's shape.
pub(super) fn check_label(label: &str) -> Result<(), &'static str> {
    if !(3..=64).contains(&label.chars().count()) {
        return Err("Length must be 3-64 characters");
    }
    if !label
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err("Must only use ASCII letters, numbers, underscores, dashes and periods");
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(label.chars().next()) || !alnum(label.chars().last()) {
        return Err("Must begin and end with an alphanumeric character");
    }
    if label.contains("--") || label.contains("__") || label.contains("..") {
        return Err("Must not contain two dashes, underscores or periods in a row");
    }
    Ok(())
}

/// Whether a root password is strong enough: 11-128 characters and at least three of
/// lower case, upper case, digits and punctuation.
pub(super) fn strong_password(pass: &str) -> bool {
    let len = pass.chars().count();
    let classes = [
        pass.chars().any(|c| c.is_lowercase()),
        pass.chars().any(|c| c.is_uppercase()),
        pass.chars().any(|c| c.is_ascii_digit()),
        pass.chars().any(|c| !c.is_alphanumeric()),
    ];
    (11..=128).contains(&len) && classes.iter().filter(|c| **c).count() >= 3
}

fn validate_create(
    body: &Map<String, Value>,
    store: &Store,
) -> Result<(NewInstance, CreateExtra), ApiError> {
    let mut errs = Checks::default();
    let cat = catalog();

    // The API reports the plan before the region, in its own words.
    let type_id = match body.get("type") {
        None | Some(Value::Null) => {
            errs.add("type", "type is required");
            None
        }
        _ => errs.string(body, "type"),
    };
    if let Some(t) = &type_id {
        if cat.linode_type(t).is_none() {
            errs.add("type", "A valid plan type by that ID was not found");
        }
    }
    let region = match body.get("region") {
        None | Some(Value::Null) => {
            errs.add("region", "region is required");
            None
        }
        _ => errs.string(body, "region"),
    };
    if let Some(r) = &region {
        if cat.region(r).is_none() {
            errs.add("region", "region is not valid");
        }
    }
    let image = errs.string(body, "image");
    if let Some(i) = &image {
        if !image_deployable(store, i) {
            errs.add("image", "Image not found");
        }
    }
    let label = errs.instance_label(body, store, None);
    let pass_given = body.get("root_pass").is_some_and(|v| !v.is_null());
    let keys_given = ["authorized_keys", "authorized_users"].iter().any(|k| {
        body.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    });
    let root_pass = errs.string(body, "root_pass");
    match &root_pass {
        // SSH keys or users give access to an image as well as a password does.
        None if image.is_some() && !pass_given && !keys_given => {
            errs.add("root_pass", "root_pass is required")
        }
        Some(p) if !strong_password(p) => {
            errs.add("root_pass", "Password does not meet strength requirement")
        }
        _ => {}
    }
    errs.strings(body, "authorized_keys");
    errs.strings(body, "authorized_users");
    let tags = errs.tags(body);
    let group = errs.group(body);
    let booted = errs.boolean(body, "booted");
    let private_ip = errs.boolean(body, "private_ip");
    let backups_enabled = errs.boolean(body, "backups_enabled");
    let stackscript_id = errs.unsigned(body, "stackscript_id");
    if let Some(sid) = stackscript_id {
        let data = errs.object(body, "stackscript_data");
        super::stackscripts::check_deploy(&mut errs, store, sid, image.as_deref(), data);
    }
    errs.unsigned(body, "swap_size");
    errs.unsigned(body, "firewall_id");
    errs.array(body, "interfaces");
    let backup_id = errs.unsigned(body, "backup_id");
    let mut backup = None;
    if let Some(bid) = backup_id {
        match store.find_child(crate::compute::Child::Backups, bid) {
            Some((_, b)) if b["status"] == "successful" && b["available"] == true => {
                backup = Some(bid);
            }
            Some(_) => errs.add("backup_id", "Backup is not available for restoration"),
            None => errs.add("backup_id", "Backup not found"),
        }
        if image.is_some() && backup.is_some() {
            errs.add("image", "An image may not be given with backup_id");
        }
    }
    let mut has_user_data = false;
    if let Some(metadata) = errs.object(body, "metadata") {
        match metadata.get("user_data") {
            None | Some(Value::Null) => {}
            Some(Value::String(_)) => has_user_data = true,
            Some(_) => errs.add("metadata.user_data", "user_data must be a string"),
        }
    }
    let mut placement_group = None;
    if let Some(pg) = errs.object(body, "placement_group") {
        if let Some(gid) = pg.get("id").filter(|v| !v.is_null()) {
            let region = region.as_deref().unwrap_or_default();
            match gid
                .as_u64()
                .map(|g| (g, super::placement::check_new_member(store, g, region)))
            {
                Some((g, Ok(()))) => placement_group = Some(g),
                Some((_, Err(reason))) => errs.add("placement_group.id", reason),
                None => errs.add("placement_group.id", "Placement group not found"),
            }
        }
    }
    let disk_encryption = errs.string(body, "disk_encryption");
    if let Some(de) = &disk_encryption {
        if de != "enabled" && de != "disabled" {
            errs.add("disk_encryption", "Must be enabled or disabled");
        }
    }
    // Encrypted by default where the region offers it, as on the API.
    let disk_encryption = disk_encryption.unwrap_or_else(|| {
        let offered = region
            .as_deref()
            .is_some_and(|r| cat.region_offers(r, "Disk Encryption"));
        if offered { "enabled" } else { "disabled" }.to_owned()
    });
    let has_image = image.is_some() || backup.is_some();
    let extra = CreateExtra {
        stackscript_id,
        backup_id: backup,
        placement_group,
    };
    errs.finish((
        NewInstance {
            label,
            region: region.unwrap_or_default(),
            type_id: type_id.unwrap_or_default(),
            image,
            group: group.unwrap_or_default(),
            tags: tags.unwrap_or_default(),
            booted: booted.unwrap_or(has_image),
            private_ip: private_ip.unwrap_or(false),
            backups_enabled: backups_enabled.unwrap_or(false),
            has_user_data,
            disk_encryption,
        },
        extra,
    ))
}

/// What a create request carries besides the instance's own fields.
struct CreateExtra {
    stackscript_id: Option<u64>,
    backup_id: Option<u64>,
    placement_group: Option<u64>,
}

/// The mutable fields of an instance found in a PUT body.
struct InstanceUpdate {
    label: Option<String>,
    group: Option<String>,
    tags: Option<Vec<String>>,
    alerts: Vec<(&'static str, u64)>,
    schedule: Vec<(&'static str, Value)>,
    watchdog_enabled: Option<bool>,
}

const ALERT_KEYS: [&str; 5] = ["cpu", "network_in", "network_out", "transfer_quota", "io"];
const BACKUP_DAYS: [&str; 8] = [
    "Scheduling",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const BACKUP_WINDOWS: [&str; 13] = [
    "Scheduling",
    "W0",
    "W2",
    "W4",
    "W6",
    "W8",
    "W10",
    "W12",
    "W14",
    "W16",
    "W18",
    "W20",
    "W22",
];

fn validate_update(
    body: &Map<String, Value>,
    id: u64,
    store: &Store,
) -> Result<InstanceUpdate, ApiError> {
    let mut errs = Checks::default();
    let label = errs.instance_label(body, store, Some(id));
    let group = errs.group(body);
    let tags = errs.tags(body);
    let watchdog_enabled = errs.boolean(body, "watchdog_enabled");
    let mut alerts = Vec::new();
    if let Some(map) = errs.object(body, "alerts") {
        for key in ALERT_KEYS {
            match map.get(key) {
                None => {}
                Some(v) => match v.as_u64() {
                    Some(n) => alerts.push((key, n)),
                    None => errs.add(
                        &format!("alerts.{key}"),
                        format!("{key} must be a non-negative integer"),
                    ),
                },
            }
        }
    }
    let mut schedule = Vec::new();
    if let Some(backups) = errs.object(body, "backups") {
        match backups.get("schedule") {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (key, allowed) in [("day", &BACKUP_DAYS[..]), ("window", &BACKUP_WINDOWS[..])] {
                    match map.get(key) {
                        None => {}
                        Some(Value::Null) => schedule.push((key, Value::Null)),
                        Some(Value::String(s)) if allowed.contains(&s.as_str()) => {
                            schedule.push((key, Value::from(s.as_str())))
                        }
                        Some(_) => errs.add(
                            &format!("backups.schedule.{key}"),
                            format!("Must be one of {}", allowed.join(", ")),
                        ),
                    }
                }
            }
            Some(_) => errs.add("backups.schedule", "schedule must be an object"),
        }
    }
    errs.finish(InstanceUpdate {
        label,
        group,
        tags,
        alerts,
        schedule,
        watchdog_enabled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(check_label("web-01.example_a").is_ok());
        assert!(check_label("ab").is_err());
        assert!(check_label(&"a".repeat(65)).is_err());
        assert!(check_label("-abc").is_err());
        assert!(check_label("abc-").is_err());
        assert!(check_label("a--b").is_err());
        assert!(check_label("a__b").is_err());
        assert!(check_label("a..b").is_err());
        assert!(check_label("a b c").is_err());
        assert!(check_label("ünï").is_err());
    }

    #[test]
    fn passwords() {
        assert!(strong_password("aComplex@Password"));
        assert!(strong_password("abcdefgh1A2"));
        assert!(!strong_password("short1A!"));
        assert!(!strong_password("alllowercaseletters"));
        assert!(!strong_password("lowercase123456"));
        assert!(!strong_password(&"aA1!".repeat(33)));
    }
}
