//! Random JSON and random bytes through every decoder the client applies to answers: the
//! result is a value or an error, never a panic.

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::api::images::Image;
use crate::api::linode::{Instance, Kernel, LinodeType};
use crate::api::regions::Region;
use crate::client::{Path, Request, api_error, decode};
use crate::error::Error;
use crate::pagination::Page;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::from),
        Just(json!("2024-01-01T00:01:01")),
        Just(json!("running")),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("id".to_owned()),
            Just("data".to_owned()),
            Just("results".to_owned()),
            Just("pages".to_owned()),
            Just("errors".to_owned()),
            Just("reason".to_owned()),
            Just("field".to_owned()),
            Just("label".to_owned()),
            Just("status".to_owned()),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A page whose items are real-looking objects with one field replaced by random JSON.
fn mangled_page() -> impl Strategy<Value = Value> {
    let instance = json!({
        "id": 1, "label": "a", "group": "", "tags": [], "region": "us-east",
        "type": "g6-nanode-1", "image": null, "status": "running", "hypervisor": "kvm",
        "created": "2024-01-01T00:01:01", "updated": "2024-01-01T00:01:01",
        "ipv4": ["192.0.2.1"], "ipv6": null,
        "specs": {"disk": 1, "memory": 1, "vcpus": 1, "gpus": 0, "transfer": 1},
        "alerts": {"cpu": 1, "network_in": 1, "network_out": 1, "transfer_quota": 1, "io": 1},
        "backups": {"enabled": false, "available": false,
                    "schedule": {"day": null, "window": null}, "last_successful": null},
        "watchdog_enabled": true, "host_uuid": null, "has_user_data": false,
    });
    let fields: Vec<String> = instance.as_object().unwrap().keys().cloned().collect();
    (prop::sample::select(fields), json_value()).prop_map(move |(field, value)| {
        let mut item = instance.clone();
        item[field.as_str()] = value;
        json!({"data": [item], "page": 1, "pages": 1, "results": 1})
    })
}

fn request() -> Request {
    Request::get(Path::new("/prop"))
}

fn decode_all_models(body: &[u8]) {
    fn page<T: DeserializeOwned>(body: &[u8]) {
        let _ = decode::<Page<T>>(&request(), 200, body);
        let _ = decode::<T>(&request(), 200, body);
    }
    page::<Instance>(body);
    page::<Region>(body);
    page::<LinodeType>(body);
    page::<Kernel>(body);
    page::<Image>(body);
}

fn check_error(status: u16, body: &[u8]) {
    match api_error(&request(), status, body) {
        Error::Api { status: s, .. } | Error::UnexpectedResponse { status: s, .. } => {
            assert_eq!(s, status)
        }
        other => panic!("not an answer error: {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_json_never_panics_a_decoder(value in json_value(), status in 400u16..600) {
        let body = serde_json::to_vec(&value).unwrap();
        decode_all_models(&body);
        check_error(status, &body);
        let wrapped = serde_json::to_vec(&json!({"data": [value.clone()], "results": 1})).unwrap();
        decode_all_models(&wrapped);
        let envelope = serde_json::to_vec(&json!({"errors": [value]})).unwrap();
        check_error(status, &envelope);
    }

    #[test]
    fn a_model_with_one_bad_field_is_an_error_not_a_panic(page in mangled_page()) {
        let body = serde_json::to_vec(&page).unwrap();
        let _ = decode::<Page<Instance>>(&request(), 200, &body);
    }

    #[test]
    fn random_bytes_never_panic_a_decoder(body in prop::collection::vec(any::<u8>(), 0..256), status in 400u16..600) {
        decode_all_models(&body);
        check_error(status, &body);
    }
}
