//! What other Linode clients send and read, served as the API does: trailing slashes, the
//! official Python SDK's nested ordering and its spelling of a few paths, `X-Spec-Version`,
//! and a missing route told apart from a missing object.

use linode_sandbox::{ROUTE_HEADER, SPEC_VERSION, Sandbox};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::common::Api;

fn route(headers: &HeaderMap) -> Option<&str> {
    headers.get(ROUTE_HEADER).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn a_trailing_slash_is_the_same_path() {
    let sb = Sandbox::start().await.unwrap();
    let api = Api::of(&sb);
    let (status, headers, text) = api.raw(Method::GET, "/v4/regions/", None).await;
    assert_eq!(status, 200);
    assert_eq!(route(&headers), Some("/regions"));
    let body: Value = serde_json::from_str(&text).unwrap();
    assert!(body["results"].as_u64().unwrap() > 0);

    // A POST too, with its body (the Python SDK's `POST /networking/ips/`).
    let (status, _, text) = api
        .raw(
            Method::POST,
            "/v4/linode/instances/",
            Some(json!({"region": "us-east", "type": "g6-nanode-1", "label": "slash"})),
        )
        .await;
    assert_eq!(status, 200);
    let created: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(created["label"], "slash");
}

#[tokio::test]
async fn every_answer_names_the_spec_version() {
    let sb = Sandbox::start().await.unwrap();
    let api = Api::of(&sb);
    for path in ["/v4/regions", "/v4/no/such/route"] {
        let (_, headers, _) = api.raw(Method::GET, path, None).await;
        assert_eq!(headers["x-spec-version"], SPEC_VERSION, "{path}");
    }
    assert_eq!(SPEC_VERSION, "4.229.1");
}

#[tokio::test]
async fn a_missing_route_is_told_apart_from_a_missing_object() {
    let sb = Sandbox::start().await.unwrap();
    let api = Api::of(&sb);
    // An id that does not exist, and an id that is no id: the route answers, 404.
    for path in ["/v4/volumes/12345", "/v4/volumes/not-a-number"] {
        let (status, headers, text) = api.raw(Method::GET, path, None).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(route(&headers), Some("/volumes/{id}"), "{path}");
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body, json!({"errors": [{"reason": "Not found"}]}));
    }
    // A path no route serves: the same envelope, and no route named.
    let (status, headers, text) = api
        .raw(Method::GET, "/v4/volumes/1/no-such-action", None)
        .await;
    assert_eq!(status, 404);
    assert_eq!(route(&headers), None);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body, json!({"errors": [{"reason": "Not found"}]}));
    // A route without that method: 405, no route named either.
    let (status, headers, _) = api.raw(Method::PATCH, "/v4/volumes", None).await;
    assert_eq!(status, 405);
    assert_eq!(route(&headers), None);
}

#[tokio::test]
async fn ordering_nested_in_and_as_the_python_sdk_sends_it() {
    let sb = Sandbox::start().await.unwrap();
    sb.seed_instances(12);
    let filter = json!({"+and": [
        {"group": "web"},
        {"+order_by": "label", "+order": "desc"},
    ]});
    let (status, body) = Api::of(&sb)
        .get_filtered("/v4/linode/instances", &filter.to_string())
        .await;
    assert_eq!(status, 200);
    let labels: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["seed-00011", "seed-00006", "seed-00001"]);
}

#[tokio::test]
async fn the_python_sdks_spelling_of_reset_secret_is_served() {
    let sb = Sandbox::start().await.unwrap();
    let api = Api::of(&sb);
    let (_, created) = api
        .call(
            Method::POST,
            "/v4/account/oauth-clients",
            Some(json!({"label": "app", "redirect_uri": "https://example.org/cb"})),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let (status, reset) = api
        .call(
            Method::POST,
            &format!("/v4/account/oauth-clients/{id}/reset_secret"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(reset["id"], id);
    assert_ne!(reset["secret"], created["secret"]);
    assert_eq!(
        reset["secret"].as_str().unwrap().len(),
        created["secret"].as_str().unwrap().len()
    );
}
