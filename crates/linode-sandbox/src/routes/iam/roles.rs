//! Roles: `GET /iam/role-permissions` (the catalog) and
//! `/iam/users/{username}/role-permissions` (a user's assignment).
//!
//! State rules and simplifications:
//! - The catalog is fixed: a subset of the API's published role names (account access roles
//!   grouped by service, entity access roles by entity type); the descriptions and permission
//!   lists are the sandbox's own, shortened.
//! - A user never assigned roles holds `account_admin` when unrestricted and nothing when
//!   restricted. A `PUT` replaces the whole assignment, which a `GET` then answers as stored.
//! - Every account access role must be an account access role of the catalog, every entity
//!   access role an entity access role of the catalog for that entity's type (400 naming the
//!   field, such as `entity_access[0].roles`), and every entity must exist (400 on
//!   `entity_access[i].id`). Entities deleted afterwards drop out of the answer.
//! - An unknown username answers 404.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::super::checks::Checks;
use super::super::{ApiPath, AppState, JsonObject};
use super::user;
use crate::error::ApiError;
use crate::store::Store;

/// Users' assignments, one object `{username, account_access, entity_access}` each.
const USER_ROLES: &str = "iam_user_roles";

/// `(type, name, description, permissions)` of the account access roles.
const ACCOUNT_ROLES: &[(&str, &str, &str, &[&str])] = &[
    (
        "account",
        "account_admin",
        "Any supported action on every entity of the account",
        &[
            "view_account",
            "update_account",
            "create_user",
            "create_linode",
            "create_firewall",
        ],
    ),
    (
        "account",
        "account_viewer",
        "View the account and every entity on it",
        &[
            "view_account",
            "list_events",
            "view_linode",
            "view_firewall",
        ],
    ),
    (
        "account",
        "account_billing_admin",
        "Manage billing: payment methods, payments, invoices",
        &[
            "view_billing_invoice",
            "make_payment",
            "create_payment_method",
        ],
    ),
    (
        "account",
        "account_event_viewer",
        "View the account's events",
        &["list_events", "view_event", "mark_event_seen"],
    ),
    (
        "linode",
        "account_linode_creator",
        "Create Linodes",
        &["create_linode"],
    ),
    (
        "linode",
        "account_linode_admin",
        "Any supported action on every Linode of the account",
        &[
            "create_linode",
            "update_linode",
            "delete_linode",
            "view_linode",
        ],
    ),
    (
        "firewall",
        "account_firewall_creator",
        "Create firewalls",
        &["create_firewall"],
    ),
    (
        "firewall",
        "account_firewall_admin",
        "Any supported action on every firewall of the account",
        &[
            "create_firewall",
            "update_firewall",
            "delete_firewall",
            "view_firewall",
        ],
    ),
    (
        "volume",
        "account_volume_creator",
        "Create volumes",
        &["create_volume"],
    ),
    ("vpc", "account_vpc_creator", "Create VPCs", &["create_vpc"]),
];

/// Entity types of the entity access roles, each with its admin, contributor (some) and
/// viewer roles.
const ENTITY_ROLES: &[(&str, &[&str])] = &[
    (
        "linode",
        &["linode_admin", "linode_contributor", "linode_viewer"],
    ),
    (
        "firewall",
        &["firewall_admin", "firewall_contributor", "firewall_viewer"],
    ),
    (
        "nodebalancer",
        &["nodebalancer_admin", "nodebalancer_viewer"],
    ),
    ("volume", &["volume_admin", "volume_viewer"]),
    ("domain", &["domain_admin", "domain_viewer"]),
    ("vpc", &["vpc_admin", "vpc_viewer"]),
    ("database", &["database_admin", "database_viewer"]),
    ("lkecluster", &["lkecluster_admin", "lkecluster_viewer"]),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/iam/role-permissions", get(get_catalog))
        .route(
            "/iam/users/{username}/role-permissions",
            get(get_user_roles).put(put_user_roles),
        )
}

/// The permissions of entity role `name` on `kind` (`linode_viewer` → `view_linode`, ...).
fn entity_permissions(kind: &str, name: &str) -> Vec<String> {
    let level = name.rsplit('_').next().unwrap_or_default();
    let verbs: &[&str] = match level {
        "admin" => &["view", "update", "delete"],
        "contributor" => &["view", "update"],
        _ => &["view"],
    };
    verbs.iter().map(|v| format!("{v}_{kind}")).collect()
}

/// The whole catalog, as `GET /iam/role-permissions` answers it.
fn catalog() -> Value {
    let mut account: Vec<(&str, Vec<Value>)> = Vec::new();
    for (kind, name, description, permissions) in ACCOUNT_ROLES {
        let role = json!({"name": name, "description": description, "permissions": permissions});
        match account.iter_mut().find(|(k, _)| k == kind) {
            Some((_, roles)) => roles.push(role),
            None => account.push((kind, vec![role])),
        }
    }
    let entity: Vec<Value> = ENTITY_ROLES
        .iter()
        .map(|(kind, names)| {
            let roles: Vec<Value> = names
                .iter()
                .map(|name| {
                    json!({
                        "name": name,
                        "description": format!("{} access to one {kind}", name.rsplit('_').next().unwrap_or_default()),
                        "permissions": entity_permissions(kind, name),
                    })
                })
                .collect();
            json!({"type": kind, "roles": roles})
        })
        .collect();
    json!({
        "account_access": account
            .into_iter()
            .map(|(kind, roles)| json!({"type": kind, "roles": roles}))
            .collect::<Vec<_>>(),
        "entity_access": entity,
    })
}

fn is_account_role(name: &str) -> bool {
    ACCOUNT_ROLES.iter().any(|(_, n, _, _)| *n == name)
}

fn is_entity_role(kind: &str, name: &str) -> bool {
    ENTITY_ROLES
        .iter()
        .any(|(k, names)| *k == kind && names.contains(&name))
}

/// Whether the entity of `kind` with `id` exists (as `/entities` would list it).
pub(super) fn entity_exists(store: &Store, kind: &str, id: u64) -> bool {
    let table = match kind {
        "firewall" => "firewalls",
        "vpc" => "vpcs",
        "database" => "databases",
        "lkecluster" => "lke_clusters",
        _ => return store.entity_exists(kind, id),
    };
    store.table(table).get(id).is_some()
}

/// Reads and checks an assignment (`account_access`, `entity_access`) against the catalog
/// and the store; answers it normalised.
pub(super) fn read_assignment(store: &Store, body: &Map<String, Value>) -> Result<Value, ApiError> {
    let mut c = Checks::default();
    let account = c.strings(body, "account_access").unwrap_or_default();
    for name in &account {
        if !is_account_role(name) {
            c.add(
                "account_access",
                format!("{name} is not an account access role"),
            );
        }
    }
    let mut entities = Vec::new();
    match body.get("entity_access") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let Some(item) = item.as_object() else {
                    c.add(&format!("entity_access[{i}]"), "Must be an object");
                    continue;
                };
                let field = |k: &str| format!("entity_access[{i}].{k}");
                let kind = match item.get("type").and_then(Value::as_str) {
                    Some(k) if ENTITY_ROLES.iter().any(|(t, _)| *t == k) => k.to_owned(),
                    _ => {
                        c.add(&field("type"), "Must be an entity type with roles");
                        continue;
                    }
                };
                let id = match item.get("id").and_then(Value::as_u64) {
                    Some(id) if id >= 1 => id,
                    _ => {
                        c.add(&field("id"), "Must be an integer >= 1");
                        continue;
                    }
                };
                if !entity_exists(store, &kind, id) {
                    c.add(&field("id"), format!("No {kind} with id {id} exists"));
                }
                let roles = match item.get("roles") {
                    Some(Value::Array(r)) if r.iter().all(Value::is_string) => r
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect::<Vec<_>>(),
                    _ => {
                        c.add(&field("roles"), "Must be an array of role names");
                        continue;
                    }
                };
                for name in &roles {
                    if !is_entity_role(&kind, name) {
                        c.add(
                            &field("roles"),
                            format!("{name} is not an entity access role for {kind}"),
                        );
                    }
                }
                entities.push(json!({"id": id, "type": kind, "roles": roles}));
            }
        }
        Some(_) => c.add("entity_access", "Must be an array"),
    }
    c.finish(json!({"account_access": account, "entity_access": entities}))
}

/// An assignment as answered: entities deleted since it was stored are left out.
pub(super) fn present(store: &Store, assignment: &Value) -> Value {
    let entities: Vec<Value> = assignment["entity_access"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|e| {
                    entity_exists(
                        store,
                        e["type"].as_str().unwrap_or_default(),
                        e["id"].as_u64().unwrap_or_default(),
                    )
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    json!({"account_access": assignment["account_access"], "entity_access": entities})
}

async fn get_catalog() -> Json<Value> {
    Json(catalog())
}

fn stored(store: &Store, username: &str) -> Option<(u64, Value)> {
    store
        .table(USER_ROLES)
        .values()
        .find(|v| v["username"] == username)
        .map(|v| (v["id"].as_u64().unwrap_or_default(), v.clone()))
}

async fn get_user_roles(
    State(state): State<AppState>,
    ApiPath(username): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let restricted = user(&store, &username).ok_or_else(ApiError::not_found)?["restricted"] == true;
    let assignment = match stored(&store, &username) {
        Some((_, v)) => v,
        None if restricted => json!({"account_access": [], "entity_access": []}),
        None => json!({"account_access": ["account_admin"], "entity_access": []}),
    };
    Ok(Json(present(&store, &assignment)))
}

async fn put_user_roles(
    State(state): State<AppState>,
    ApiPath(username): ApiPath<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if user(&store, &username).is_none() {
        return Err(ApiError::not_found());
    }
    let assignment = read_assignment(&store, &body)?;
    let id = match stored(&store, &username) {
        Some((id, _)) => id,
        None => store.next_id("iam_user_roles", 1),
    };
    let mut kept = assignment.clone();
    kept["id"] = json!(id);
    kept["username"] = json!(username);
    store.table_mut(USER_ROLES).insert(id, kept);
    Ok(Json(assignment))
}
