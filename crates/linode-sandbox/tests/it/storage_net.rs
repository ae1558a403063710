//! Volumes, domains and NodeBalancers at the HTTP level: whatever a client sends, the answer is
//! a 2xx or the API's 4xx envelope, never a 500; refused requests change nothing.

use linode_sandbox::Sandbox;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Api;

/// A request with `body` sent as it is under `/v4`; every answer must be JSON.
async fn send(api: &Api, method: Method, path: &str, body: Option<&str>) -> (u16, Value) {
    let (status, _, text) = api.send_text(method, &format!("/v4{path}"), body).await;
    let value = serde_json::from_str(&text).expect("every answer is JSON");
    (status.as_u16(), value)
}

/// Values of every JSON type, including ones no field accepts.
fn odd_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(-1),
        json!(1.5),
        json!(u64::MAX),
        json!(""),
        json!("x"),
        json!("192.168.0.1:99999"),
        json!([]),
        json!([1, "a", null]),
        json!({}),
        json!({"a": {"b": []}}),
    ]
}

#[tokio::test]
async fn no_body_makes_the_sandbox_fail() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    let linode = api
        .post(
            "/v4/linode/instances",
            json!({"region": "us-east", "type": "g6-nanode-1", "image": "linode/debian12",
                   "root_pass": "Correct-Horse-9!", "private_ip": true}),
        )
        .await;
    let private = linode["ipv4"][1].as_str().unwrap().to_owned();
    let volume = api
        .post("/v4/volumes", json!({"label": "data", "region": "us-east"}))
        .await;
    let domain = api
        .post(
            "/v4/domains",
            json!({"domain": "example.org", "type": "master", "soa_email": "a@example.org"}),
        )
        .await;
    let record = api
        .post(
            &format!("/v4/domains/{}/records", domain["id"]),
            json!({"type": "A", "name": "www", "target": "203.0.113.1"}),
        )
        .await;
    let nb = api
        .post("/v4/nodebalancers", json!({"region": "us-east"}))
        .await;
    let config = api
        .post(
            &format!("/v4/nodebalancers/{}/configs", nb["id"]),
            json!({"port": 80}),
        )
        .await;
    let node = api
        .post(
            &format!(
                "/v4/nodebalancers/{}/configs/{}/nodes",
                nb["id"], config["id"]
            ),
            json!({"address": format!("{private}:80"), "label": "web-1"}),
        )
        .await;

    let (v, d, r) = (&volume["id"], &domain["id"], &record["id"]);
    let (n, c, o) = (&nb["id"], &config["id"], &node["id"]);
    let writes: Vec<(Method, String, Vec<&str>)> = vec![
        (
            Method::POST,
            "/volumes".into(),
            vec!["label", "region", "size", "linode_id", "config_id", "tags"],
        ),
        (Method::PUT, format!("/volumes/{v}"), vec!["label", "tags"]),
        (
            Method::POST,
            format!("/volumes/{v}/attach"),
            vec!["linode_id", "config_id", "persist_across_boots"],
        ),
        (Method::POST, format!("/volumes/{v}/resize"), vec!["size"]),
        (Method::POST, format!("/volumes/{v}/clone"), vec!["label"]),
        (
            Method::POST,
            "/domains".into(),
            vec![
                "domain",
                "type",
                "soa_email",
                "master_ips",
                "axfr_ips",
                "ttl_sec",
                "status",
                "tags",
            ],
        ),
        (
            Method::PUT,
            format!("/domains/{d}"),
            vec![
                "domain",
                "type",
                "soa_email",
                "master_ips",
                "retry_sec",
                "description",
            ],
        ),
        (
            Method::POST,
            format!("/domains/{d}/records"),
            vec![
                "type", "name", "target", "priority", "weight", "port", "service", "protocol",
                "ttl_sec", "tag",
            ],
        ),
        (
            Method::PUT,
            format!("/domains/{d}/records/{r}"),
            vec!["type", "name", "target", "priority", "ttl_sec"],
        ),
        (
            Method::POST,
            "/nodebalancers".into(),
            vec!["region", "label", "client_conn_throttle", "tags", "configs"],
        ),
        (
            Method::PUT,
            format!("/nodebalancers/{n}"),
            vec!["label", "client_conn_throttle", "tags"],
        ),
        (
            Method::POST,
            format!("/nodebalancers/{n}/configs"),
            vec![
                "port",
                "protocol",
                "algorithm",
                "stickiness",
                "check",
                "check_interval",
                "check_timeout",
                "ssl_cert",
                "ssl_key",
                "proxy_protocol",
            ],
        ),
        (
            Method::PUT,
            format!("/nodebalancers/{n}/configs/{c}"),
            vec![
                "port",
                "protocol",
                "check_path",
                "check_passive",
                "cipher_suite",
            ],
        ),
        (
            Method::POST,
            format!("/nodebalancers/{n}/configs/{c}/nodes"),
            vec!["address", "label", "weight", "mode"],
        ),
        (
            Method::PUT,
            format!("/nodebalancers/{n}/configs/{c}/nodes/{o}"),
            vec!["address", "label", "weight", "mode"],
        ),
    ];
    for (method, path, fields) in &writes {
        for raw in ["", "null", "[]", "42", "{", "\"text\""] {
            let (status, body) = send(&api, method.clone(), path, Some(raw)).await;
            assert_eq!(status, 400, "{method} {path} {raw:?}: {body}");
            assert!(body["errors"][0]["reason"].is_string());
        }
        for field in fields {
            for value in odd_values() {
                let body = json!({ *field: value }).to_string();
                let (status, answer) = send(&api, method.clone(), path, Some(&body)).await;
                assert!(
                    status == 200 || status == 400,
                    "{method} {path} {body}: {status} {answer}"
                );
                if status == 400 {
                    assert!(answer["errors"][0]["reason"].is_string(), "{answer}");
                }
            }
        }
    }
    // Bad ids are 404 everywhere.
    for path in [
        "/volumes/abc",
        "/volumes/-1",
        "/domains/99999999",
        "/domains/1.5/records",
        &format!("/domains/{d}/records/1"),
        &format!("/nodebalancers/{n}/configs/1"),
        &format!("/nodebalancers/{n}/configs/{c}/nodes/x"),
        "/linode/instances/1/volumes",
    ] {
        let (status, body) = send(&api, Method::GET, path, None).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["errors"][0]["reason"], "Not found");
    }
}

#[tokio::test]
async fn lists_accept_only_their_filterable_fields() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    for (path, good, bad) in [
        ("/volumes", "label", "size"),
        ("/domains", "domain", "soa_email"),
        ("/nodebalancers", "region", "hostname"),
    ] {
        for (field, expected) in [(good, 200), (bad, 400)] {
            let (status, _) = api
                .get_filtered(&format!("/v4{path}"), &json!({ field: "x" }).to_string())
                .await;
            assert_eq!(status.as_u16(), expected, "{path} {field}");
        }
    }
}

#[tokio::test]
async fn refused_requests_change_nothing() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    let volume = api
        .post(
            "/v4/volumes",
            json!({"label": "keep", "region": "us-east", "size": 40}),
        )
        .await;
    let id = volume["id"].as_u64().unwrap();
    let (status, _) = send(
        &api,
        Method::PUT,
        &format!("/volumes/{id}"),
        Some(r#"{"label": "new-label", "tags": ["x"]}"#),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(sb.volume(id).unwrap()["label"], "keep");
    let (status, _) = send(
        &api,
        Method::POST,
        &format!("/volumes/{id}/resize"),
        Some(r#"{"size": 20}"#),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(sb.volume(id).unwrap()["size"], 40);
    assert_eq!(sb.events().len(), 1);
}
