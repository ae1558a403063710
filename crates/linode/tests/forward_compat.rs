//! Forward compatibility, for every model: real JSON from the sandbox still decodes when the API
//! adds fields at any level, sends an enum value this client does not know (it lands in the
//! `Unknown` arm), or sends `null` in a field that is not required.
//!
//! Adding a model is one line in the `models!` table at the bottom.

mod common;

use linode::api::images::Image;
use linode::api::linode::{Instance, Kernel, LinodeType};
use linode::api::regions::Region;
use linode::{Client, Path, Request};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A value no API enum has.
const UNKNOWN: &str = "value-from-the-future";

/// Every item of the first page of `list` (page size 500), as raw JSON.
async fn items(client: &Client, list: &str) -> Vec<Value> {
    let page: Value = client
        .send(Request::get(Path::new(list)).query("page_size", 500))
        .await
        .unwrap();
    let items = page["data"].as_array().cloned().unwrap();
    assert!(!items.is_empty(), "{list} has items to check");
    items
}

/// Adds unknown fields (of several shapes) to every object at every level.
fn add_unknown_fields(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                add_unknown_fields(child);
            }
            map.insert("x_future_field".into(), json!({"nested": [1, "a", null]}));
            map.insert("x_future_flag".into(), json!(true));
            map.insert("x_future_null".into(), Value::Null);
        }
        Value::Array(items) => items.iter_mut().for_each(add_unknown_fields),
        _ => {}
    }
}

/// Dotted paths of every object field, nested ones included (array elements excluded).
fn field_paths(value: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Value::Object(map) = value {
        for (key, child) in map {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            field_paths(child, &path, out);
            out.push(path);
        }
    }
}

fn pointer(path: &str) -> String {
    format!("/{}", path.replace('.', "/"))
}

fn decode<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    serde_json::from_value(value.clone()).map_err(|e| e.to_string())
}

/// The forward-compatibility checks for one model, over every item `list` serves.
async fn check<T: DeserializeOwned + Serialize>(
    client: &Client,
    list: &str,
    enums: &[&str],
    required: &[&str],
) {
    let items = items(client, list).await;
    // The page envelope itself may grow too.
    let mut page = json!({"data": items, "page": 1, "pages": 1, "results": items.len()});
    add_unknown_fields(&mut page);
    decode::<Value>(&page).unwrap();
    for item in &items {
        let id = &item["id"];
        decode::<T>(item).unwrap_or_else(|e| panic!("{list} {id}: as served: {e}"));

        let mut extended = item.clone();
        add_unknown_fields(&mut extended);
        decode::<T>(&extended).unwrap_or_else(|e| panic!("{list} {id}: with unknown fields: {e}"));

        for field in enums {
            let mut changed = item.clone();
            *changed.pointer_mut(&pointer(field)).unwrap() = json!(UNKNOWN);
            let model: T = decode(&changed)
                .unwrap_or_else(|e| panic!("{list} {id}: unknown value in `{field}`: {e}"));
            // Serialising gives back what the `Unknown` arm kept.
            let back = serde_json::to_value(&model).unwrap();
            assert_eq!(back.pointer(&pointer(field)), Some(&json!(UNKNOWN)));
        }

        let mut paths = Vec::new();
        field_paths(item, "", &mut paths);
        let refused: Vec<String> = paths
            .into_iter()
            .filter(|path| !required.contains(&path.as_str()))
            .filter(|path| {
                let mut changed = item.clone();
                *changed.pointer_mut(&pointer(path)).unwrap() = Value::Null;
                decode::<T>(&changed).is_err()
            })
            .collect();
        assert!(
            refused.is_empty(),
            "{list} {id}: null refused in optional fields {refused:?}"
        );
    }
}

macro_rules! models {
    ($($test:ident: $model:ty => $list:literal, enums $enums:expr, required $required:expr;)*) => {$(
        #[tokio::test]
        async fn $test() {
            let (sandbox, client) = common::setup().await;
            sandbox.seed_instances(30);
            check::<$model>(&client, $list, &$enums, &$required).await;
        }
    )*};
}

models! {
    instances_are_forward_compatible: Instance => "/linode/instances",
        enums ["status"], required ["id", "label", "region", "type", "status", "created", "updated"];
    regions_are_forward_compatible: Region => "/regions", enums [], required ["id"];
    types_are_forward_compatible: LinodeType => "/linode/types",
        enums ["class"], required ["id", "class"];
    kernels_are_forward_compatible: Kernel => "/linode/kernels", enums [], required ["id"];
    images_are_forward_compatible: Image => "/images", enums ["status"], required ["id", "status"];
}
