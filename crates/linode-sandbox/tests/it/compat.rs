//! What other Linode clients send and read, served as the API does: trailing slashes, the
//! official Python SDK's nested ordering and its spelling of a few paths, `X-Spec-Version`,
//! and a missing route told apart from a missing object.

use linode_sandbox::{ROUTE_HEADER, SPEC_VERSION, Sandbox};
use reqwest::{Method, Response};
use serde_json::{Value, json};

async fn send(sb: &Sandbox, method: Method, path: &str, body: Option<Value>) -> Response {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", sb.base_url()))
        .bearer_auth(sb.token());
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

fn route(res: &Response) -> Option<&str> {
    res.headers().get(ROUTE_HEADER).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn a_trailing_slash_is_the_same_path() {
    let sb = Sandbox::start().await.unwrap();
    let res = send(&sb, Method::GET, "/v4/regions/", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(route(&res), Some("/regions"));
    let body: Value = res.json().await.unwrap();
    assert!(body["results"].as_u64().unwrap() > 0);

    // A POST too, with its body (the Python SDK's `POST /networking/ips/`).
    let res = send(
        &sb,
        Method::POST,
        "/v4/linode/instances/",
        Some(json!({"region": "us-east", "type": "g6-nanode-1", "label": "slash"})),
    )
    .await;
    assert_eq!(res.status(), 200);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["label"], "slash");
}

#[tokio::test]
async fn every_answer_names_the_spec_version() {
    let sb = Sandbox::start().await.unwrap();
    for path in ["/v4/regions", "/v4/no/such/route"] {
        let res = send(&sb, Method::GET, path, None).await;
        assert_eq!(res.headers()["x-spec-version"], SPEC_VERSION, "{path}");
    }
    assert_eq!(SPEC_VERSION, "4.229.1");
}

#[tokio::test]
async fn a_missing_route_is_told_apart_from_a_missing_object() {
    let sb = Sandbox::start().await.unwrap();
    // An id that does not exist, and an id that is no id: the route answers, 404.
    for path in ["/v4/volumes/12345", "/v4/volumes/not-a-number"] {
        let res = send(&sb, Method::GET, path, None).await;
        assert_eq!(res.status(), 404, "{path}");
        assert_eq!(route(&res), Some("/volumes/{id}"), "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body, json!({"errors": [{"reason": "Not found"}]}));
    }
    // A path no route serves: the same envelope, and no route named.
    let res = send(&sb, Method::GET, "/v4/volumes/1/no-such-action", None).await;
    assert_eq!(res.status(), 404);
    assert_eq!(route(&res), None);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({"errors": [{"reason": "Not found"}]}));
    // A route without that method: 405, no route named either.
    let res = send(&sb, Method::PATCH, "/v4/volumes", None).await;
    assert_eq!(res.status(), 405);
    assert_eq!(route(&res), None);
}

#[tokio::test]
async fn ordering_nested_in_and_as_the_python_sdk_sends_it() {
    let sb = Sandbox::start().await.unwrap();
    sb.seed_instances(12);
    let filter = json!({"+and": [
        {"group": "web"},
        {"+order_by": "label", "+order": "desc"},
    ]});
    let res = reqwest::Client::new()
        .get(format!("{}/v4/linode/instances", sb.base_url()))
        .bearer_auth(sb.token())
        .header("X-Filter", filter.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
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
    let res = send(
        &sb,
        Method::POST,
        "/v4/account/oauth-clients",
        Some(json!({"label": "app", "redirect_uri": "https://example.org/cb"})),
    )
    .await;
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    let res = send(
        &sb,
        Method::POST,
        &format!("/v4/account/oauth-clients/{id}/reset_secret"),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let reset: Value = res.json().await.unwrap();
    assert_eq!(reset["id"], id);
    assert_ne!(reset["secret"], created["secret"]);
    assert_eq!(
        reset["secret"].as_str().unwrap().len(),
        created["secret"].as_str().unwrap().len()
    );
}
