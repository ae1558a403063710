//! `/linode/stackscripts`: the public catalog plus the account's own StackScripts.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::checks::Checks;
use super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use crate::compute::{USERNAME, image_deployable};
use crate::error::ApiError;
use crate::lifecycle::{Action, Entity};
use crate::store::{Store, now};

/// Fields `GET /linode/stackscripts` may filter and order on.
const STACKSCRIPT_FILTERABLE: &[&str] = &[
    "deployments_total",
    "description",
    "is_public",
    "label",
    "mine",
    "rev_note",
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/linode/stackscripts",
            get(list_stackscripts).post(create_stackscript),
        )
        .route(
            "/linode/stackscripts/{id}",
            get(get_stackscript)
                .put(update_stackscript)
                .delete(delete_stackscript),
        )
}

fn entity(id: u64, label: &str) -> Entity {
    Entity::new(
        "stackscript",
        id,
        label,
        format!("/v4/linode/stackscripts/{id}"),
    )
}

async fn list_stackscripts(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    list_response(store.stackscripts().values(), STACKSCRIPT_FILTERABLE, &req)
}

async fn get_stackscript(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    get_response(state.store().stackscripts().get(id))
}

/// The user-defined fields declared in a script: `<UDF name="..." label="..." />` tags.
pub(super) fn parse_udfs(script: &str) -> Vec<Value> {
    let mut fields = Vec::new();
    let mut rest = script;
    while let Some(start) = rest.find("<UDF") {
        let tail = &rest[start + 4..];
        let Some(end) = tail.find("/>") else { break };
        let tag = &tail[..end];
        rest = &tail[end + 2..];
        let mut field = Map::new();
        let mut attrs = tag;
        while let Some(eq) = attrs.find("=\"") {
            let name = attrs[..eq].trim();
            let after = &attrs[eq + 2..];
            let Some(close) = after.find('"') else { break };
            // Scripts write `oneOf`/`manyOf`; the API answers them in lower case.
            if ["name", "label", "example", "default", "oneOf", "manyOf"].contains(&name) {
                field.insert(name.to_ascii_lowercase(), Value::from(&after[..close]));
            }
            attrs = &after[close + 1..];
        }
        if field.get("name").and_then(Value::as_str).is_some() {
            field.entry("label").or_insert_with(|| Value::from(""));
            fields.push(Value::Object(field));
        }
    }
    fields
}

/// Checks the parts of a deploy (create or rebuild) that concern StackScript `id`: it
/// exists, `image` is one it supports, and `data` gives every required user-defined field.
pub(super) fn check_deploy(
    errs: &mut Checks,
    store: &Store,
    id: u64,
    image: Option<&str>,
    data: Option<&Map<String, Value>>,
) {
    let Some(script) = store.stackscripts().get(id) else {
        errs.add("stackscript_id", "StackScript not found");
        return;
    };
    let images: Vec<&str> = script["images"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    match image {
        None => errs.add("image", "image is required when deploying a StackScript"),
        Some(i) if !images.contains(&i) && !images.contains(&"any/all") => errs.add(
            "image",
            format!("StackScript {id} does not support image {i}"),
        ),
        Some(_) => {}
    }
    if let Some(data) = data {
        for (key, value) in data {
            if !value.is_string() {
                errs.add(&format!("stackscript_data.{key}"), "Values must be strings");
            }
        }
    }
    for field in script["user_defined_fields"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let Some(name) = field["name"].as_str() else {
            continue;
        };
        let given = data
            .and_then(|d| d.get(name))
            .and_then(Value::as_str)
            .is_some();
        if field.get("default").is_none() && !given {
            errs.add(
                &format!("stackscript_data.{name}"),
                format!("{name} is required by StackScript {id}"),
            );
        }
    }
}

/// Counts a deployment of StackScript `id`.
pub(super) fn count_deployment(store: &mut Store, id: u64) {
    if let Some(script) = store.stackscripts_mut().get_mut(id) {
        for key in ["deployments_total", "deployments_active"] {
            let n = script[key].as_u64().unwrap_or(0);
            script[key] = Value::from(n + 1);
        }
    }
}

/// Validates `label`, `script`, `images`, `description`, `is_public` and `rev_note`;
/// `creating` makes label, script and images required.
fn validate_fields(
    body: &Map<String, Value>,
    store: &Store,
    creating: bool,
    was_public: bool,
) -> Result<Map<String, Value>, ApiError> {
    let mut errs = Checks::default();
    let mut out = Map::new();
    for key in ["label", "script", "images"] {
        if creating && body.get(key).is_none_or(Value::is_null) {
            errs.add(key, format!("{key} is required"));
        }
    }
    if let Some(label) = errs.string(body, "label") {
        if !(3..=128).contains(&label.chars().count()) {
            errs.add("label", "Length must be 3-128 characters");
        }
        out.insert("label".into(), Value::from(label));
    }
    if let Some(script) = errs.string(body, "script") {
        if !script.starts_with("#!") {
            errs.add("script", "Script must begin with a shebang (#!)");
        }
        out.insert(
            "user_defined_fields".into(),
            Value::from(parse_udfs(&script)),
        );
        out.insert("script".into(), Value::from(script));
    }
    if let Some(images) = errs.strings(body, "images") {
        if images.is_empty() {
            errs.add("images", "At least one image is required");
        }
        for image in &images {
            if image != "any/all" && !image_deployable(store, image) {
                errs.add("images", format!("Image not found: {image}"));
            }
        }
        out.insert("images".into(), Value::from(images));
    }
    if let Some(description) = errs.string(body, "description") {
        out.insert("description".into(), Value::from(description));
    }
    if let Some(rev_note) = errs.string(body, "rev_note") {
        out.insert("rev_note".into(), Value::from(rev_note));
    }
    if let Some(public) = errs.boolean(body, "is_public") {
        if was_public && !public {
            errs.add("is_public", "A public StackScript cannot be made private");
        }
        out.insert("is_public".into(), Value::from(public));
    }
    errs.finish(out)
}

async fn create_stackscript(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let fields = validate_fields(&body, &store, true, false)?;
    let id = store.stackscript_id();
    let ts = now();
    let mut script = json!({
        "id": id,
        "username": USERNAME,
        "user_gravatar_id": "a445b305abda30ebc766bc7fda037c37",
        "label": "",
        "description": "",
        "ordinal": 0,
        "logo_url": "",
        "images": [],
        "deployments_total": 0,
        "deployments_active": 0,
        "is_public": false,
        "mine": true,
        "created": ts,
        "updated": ts,
        "rev_note": "",
        "script": "",
        "user_defined_fields": [],
    });
    for (key, value) in fields {
        script[key] = value;
    }
    let label = script["label"].as_str().unwrap_or_default().to_owned();
    store.stackscripts_mut().insert(id, script.clone());
    store.record(Action::new("stackscript_create", entity(id, &label)));
    Ok(Json(script))
}

/// An own StackScript (others' public ones cannot be changed: 403 like the API).
fn own(store: &Store, id: u64) -> Result<&Value, ApiError> {
    let script = store
        .stackscripts()
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    if script["mine"] != true {
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "Unauthorized",
        ));
    }
    Ok(script)
}

async fn update_stackscript(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let was_public = own(&store, id)?["is_public"] == true;
    let fields = validate_fields(&body, &store, false, was_public)?;
    let script = store
        .stackscripts_mut()
        .get_mut(id)
        .ok_or_else(ApiError::not_found)?;
    for (key, value) in fields {
        script[key] = value;
    }
    script["updated"] = Value::from(now());
    let answer = script.clone();
    let label = answer["label"].as_str().unwrap_or_default();
    store.record(Action::new("stackscript_update", entity(id, label)));
    Ok(Json(answer))
}

async fn delete_stackscript(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    own(&store, id)?;
    let script = store
        .stackscripts_mut()
        .remove(id)
        .ok_or_else(ApiError::not_found)?;
    let label = script["label"].as_str().unwrap_or_default();
    store.record(Action::new("stackscript_delete", entity(id, label)));
    Ok(Json(json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udfs_are_read_from_the_script() {
        let script = "#!/bin/bash\n# <UDF name=\"db_pass\" label=\"Database password\" />\n# <UDF name=\"shell\" label=\"Shell\" oneOf=\"bash,zsh\" default=\"bash\" />\n";
        let udfs = parse_udfs(script);
        assert_eq!(
            udfs,
            vec![
                json!({"name": "db_pass", "label": "Database password"}),
                json!({"name": "shell", "label": "Shell", "oneof": "bash,zsh", "default": "bash"}),
            ]
        );
        assert!(parse_udfs("#!/bin/sh\n<UDF broken").is_empty());
    }
}
