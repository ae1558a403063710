//! The control plane under `/sandbox/`, driven over plain HTTP as a test in any language would.

use linode_sandbox::Sandbox;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct Control {
    sb: Sandbox,
    http: reqwest::Client,
}

impl Control {
    async fn start(builder: linode_sandbox::SandboxBuilder) -> Control {
        Control {
            sb: builder.start().await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    /// A request with the sandbox's token; returns the status and the JSON body.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call_as(self.sb.token(), method, path, body).await
    }

    async fn call_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.sb.base_url()))
            .bearer_auth(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn health_needs_no_token_and_the_rest_needs_the_sandboxs_own() {
    let c = Control::start(Sandbox::builder()).await;
    let res = c
        .http
        .get(format!("{}/sandbox/health", c.sb.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})
    );

    let (status, body) = c
        .call_as("wrong", Method::GET, "/sandbox/faults", None)
        .await;
    assert_eq!(status, 401);
    assert_eq!(body, json!({"errors": [{"reason": "Invalid Token"}]}));
    // A token made for a user of the account is not the sandbox's own either.
    let (_, made) = c
        .call(
            Method::POST,
            "/sandbox/tokens",
            Some(json!({"username": "sandbox-user"})),
        )
        .await;
    let user_token = made["token"].as_str().unwrap();
    let (status, _) = c
        .call_as(user_token, Method::POST, "/sandbox/reset", None)
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn faults_are_added_listed_applied_and_removed() {
    let c = Control::start(Sandbox::builder()).await;
    let (status, rule) = c
        .call(
            Method::POST,
            "/sandbox/faults",
            Some(json!({"method": "GET", "path": "/regions", "fault": "502", "times": 2})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        rule,
        json!({"id": 1, "method": "GET", "path": "/regions", "fault": "502", "times": 2, "every": 1})
    );
    let (_, second) = c
        .call(
            Method::POST,
            "/sandbox/faults",
            Some(json!({"path": "/linode/**", "fault": "slow=250ms", "every": 3})),
        )
        .await;
    assert_eq!(second["method"], "*");
    assert_eq!(second["fault"], "slow=250ms");
    let (_, list) = c.call(Method::GET, "/sandbox/faults", None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);

    // The rule applies to the API: two 502s, then the regions.
    for expected in [502, 502, 200] {
        let (status, _) = c.call(Method::GET, "/v4/regions", None).await;
        assert_eq!(status.as_u16(), expected);
    }
    let (_, list) = c.call(Method::GET, "/sandbox/faults", None).await;
    assert_eq!(list["data"], json!([second]), "the spent rule is gone");

    let (status, _) = c.call(Method::DELETE, "/sandbox/faults/2", None).await;
    assert_eq!(status, 200);
    let (status, body) = c.call(Method::DELETE, "/sandbox/faults/2", None).await;
    assert_eq!(status, 404);
    assert_eq!(body, json!({"errors": [{"reason": "Not found"}]}));
    c.call(
        Method::POST,
        "/sandbox/faults",
        Some(json!({"path": "/regions", "fault": "500"})),
    )
    .await;
    let (status, _) = c.call(Method::DELETE, "/sandbox/faults", None).await;
    assert_eq!(status, 200);
    let (_, list) = c.call(Method::GET, "/sandbox/faults", None).await;
    assert_eq!(list["data"], json!([]));
}

#[tokio::test]
async fn a_bad_fault_is_refused_and_changes_nothing() {
    let c = Control::start(Sandbox::builder()).await;
    let (status, body) = c
        .call(
            Method::POST,
            "/sandbox/faults",
            Some(json!({"path": "/regions", "fault": "teapot"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "fault");
    assert!(
        body["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("unknown fault \"teapot\"")
    );
    let (status, body) = c
        .call(
            Method::POST,
            "/sandbox/faults",
            Some(json!({"fault": "500", "every": 0})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"errors": [
            {"field": "path", "reason": "path is required"},
            {"field": "every", "reason": "every must be at least 1"},
        ]})
    );
    let (_, list) = c.call(Method::GET, "/sandbox/faults", None).await;
    assert_eq!(list["data"], json!([]));
}

#[tokio::test]
async fn the_request_log_has_sequence_numbers_statuses_and_no_token() {
    let c = Control::start(Sandbox::builder()).await;
    c.call(Method::GET, "/v4/regions", None).await;
    c.call(Method::GET, "/v4/volumes/999", None).await;
    c.call(
        Method::POST,
        "/v4/volumes",
        Some(json!({"label": "data", "region": "us-east"})),
    )
    .await;
    let (_, log) = c.call(Method::GET, "/sandbox/requests", None).await;
    let log = log["data"].as_array().unwrap();
    assert_eq!(log.len(), 3, "the control plane itself is not logged");
    let seqs: Vec<u64> = log.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert_eq!(log[1]["path"], "/v4/volumes/999");
    assert_eq!(log[1]["status"], 404);
    assert_eq!(log[2]["method"], "POST");
    assert_eq!(log[2]["status"], 200);
    assert_eq!(log[2]["headers"]["authorization"], "<redacted>");
    assert_eq!(
        serde_json::from_str::<Value>(log[2]["body"].as_str().unwrap()).unwrap(),
        json!({"label": "data", "region": "us-east"})
    );
    assert!(!serde_json::to_string(log).unwrap().contains(c.sb.token()));

    let (_, after) = c.call(Method::GET, "/sandbox/requests?since=2", None).await;
    assert_eq!(after["data"].as_array().unwrap().len(), 1);
    assert_eq!(after["data"][0]["seq"], 3);
    let (status, body) = c.call(Method::GET, "/sandbox/requests?since=x", None).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "since");

    c.call(Method::DELETE, "/sandbox/requests", None).await;
    c.call(Method::GET, "/v4/regions", None).await;
    let (_, log) = c.call(Method::GET, "/sandbox/requests", None).await;
    assert_eq!(log["data"].as_array().unwrap().len(), 1);
    assert_eq!(log["data"][0]["seq"], 4, "numbers go on after a clear");
}

#[tokio::test]
async fn rate_limits_switch_on_and_off_or_take_a_table() {
    let c = Control::start(Sandbox::builder()).await;
    let (status, body) = c
        .call(
            Method::PUT,
            "/sandbox/rate-limits",
            Some(json!({"limits": [{"method": "GET", "path": "/regions", "limit": 2, "window_seconds": 60}]})),
        )
        .await;
    assert_eq!((status.as_u16(), body), (200, json!({"limits": 1})));
    for expected in [200, 200, 429] {
        let (status, _) = c.call(Method::GET, "/v4/regions", None).await;
        assert_eq!(status.as_u16(), expected);
    }
    let (_, body) = c
        .call(
            Method::PUT,
            "/sandbox/rate-limits",
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(body, json!({"limits": 0}));
    let (status, _) = c.call(Method::GET, "/v4/regions", None).await;
    assert_eq!(status, 200);
    let (_, body) = c
        .call(
            Method::PUT,
            "/sandbox/rate-limits",
            Some(json!({"enabled": true})),
        )
        .await;
    assert!(body["limits"].as_u64().unwrap() > 3);

    let (status, body) = c
        .call(
            Method::PUT,
            "/sandbox/rate-limits",
            Some(json!({"limits": [{"path": "/regions", "limit": 0, "window_seconds": 1}]})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"errors": [{"field": "limits[0].limit", "reason": "Must be a whole number above 0"}]})
    );
    let (status, _) = c
        .call(
            Method::PUT,
            "/sandbox/rate-limits",
            Some(json!({"enabled": "yes"})),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn settle_finishes_every_pending_action_and_speed_changes_durations() {
    // Real time: a create and boot would take about a minute.
    let c = Control::start(Sandbox::builder().speed(1.0)).await;
    let (_, linode) = c
        .call(
            Method::POST,
            "/v4/linode/instances",
            Some(
                json!({"region": "us-east", "type": "g6-nanode-1", "image": "linode/debian12",
                        "root_pass": "aComplex-P4ssword!", "label": "settled"}),
            ),
        )
        .await;
    assert_eq!(linode["status"], "provisioning");
    let id = linode["id"].as_u64().unwrap();
    let (status, body) = c.call(Method::POST, "/sandbox/settle", None).await;
    assert_eq!(status, 200);
    assert!(body["finished"].as_u64().unwrap() >= 1);
    let (_, linode) = c
        .call(Method::GET, &format!("/v4/linode/instances/{id}"), None)
        .await;
    assert_eq!(linode["status"], "running");
    let (_, events) = c.call(Method::GET, "/v4/account/events", None).await;
    assert!(
        events["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["status"] == "finished"),
        "{events}"
    );

    // Speed 0: the next action is over by the time it is answered.
    let (status, body) = c
        .call(Method::PUT, "/sandbox/speed", Some(json!({"speed": 0})))
        .await;
    assert_eq!((status.as_u16(), body), (200, json!({"speed": 0.0})));
    c.call(
        Method::POST,
        &format!("/v4/linode/instances/{id}/shutdown"),
        Some(json!({})),
    )
    .await;
    let (_, linode) = c
        .call(Method::GET, &format!("/v4/linode/instances/{id}"), None)
        .await;
    assert_eq!(linode["status"], "offline");
    let (status, body) = c
        .call(Method::PUT, "/sandbox/speed", Some(json!({"speed": -1})))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "speed");
}

#[tokio::test]
async fn reset_goes_back_to_the_state_at_start() {
    let c = Control::start(Sandbox::builder().seed_instances(3)).await;
    let (_, list) = c.call(Method::GET, "/v4/linode/instances", None).await;
    assert_eq!(list["results"], 3);
    let first = list["data"][0].clone();
    c.call(
        Method::POST,
        "/v4/volumes",
        Some(json!({"label": "data", "region": "us-east"})),
    )
    .await;
    c.call(
        Method::DELETE,
        &format!("/v4/linode/instances/{}", first["id"]),
        None,
    )
    .await;
    let (status, _) = c.call(Method::POST, "/sandbox/reset", None).await;
    assert_eq!(status, 200);
    let (_, list) = c.call(Method::GET, "/v4/linode/instances", None).await;
    assert_eq!(list["results"], 3);
    assert_eq!(list["data"][0]["label"], first["label"]);
    assert_eq!(list["data"][0]["id"], first["id"], "ids start over too");
    let (_, volumes) = c.call(Method::GET, "/v4/volumes", None).await;
    assert_eq!(volumes["results"], 0);
}

#[tokio::test]
async fn tokens_act_as_a_user_with_the_scopes_asked_for() {
    let c = Control::start(Sandbox::builder()).await;
    let (status, made) = c
        .call(
            Method::POST,
            "/sandbox/tokens",
            Some(json!({"username": "sandbox-user", "scopes": "linodes:read_only"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(made["username"], "sandbox-user");
    assert_eq!(made["scopes"], "linodes:read_only");
    let token = made["token"].as_str().unwrap();
    let (status, _) = c
        .call_as(token, Method::GET, "/v4/linode/instances", None)
        .await;
    assert_eq!(status, 200);
    let (status, body) = c.call_as(token, Method::GET, "/v4/volumes", None).await;
    assert_eq!(status, 401);
    assert_eq!(
        body["errors"][0]["reason"],
        "Your OAuth token is not authorized to use this endpoint."
    );

    let (status, body) = c
        .call(
            Method::POST,
            "/sandbox/tokens",
            Some(json!({"username": "nobody"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "username");
    let (status, body) = c
        .call(
            Method::POST,
            "/sandbox/tokens",
            Some(json!({"username": "sandbox-user", "scopes": "linodes:everything"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "scopes");
}

#[tokio::test]
async fn the_whole_state_is_one_document_that_can_be_put_back() {
    let c = Control::start(Sandbox::builder().seed_instances(2)).await;
    let (_, volume) = c
        .call(
            Method::POST,
            "/v4/volumes",
            Some(json!({"label": "data", "region": "us-east", "tags": ["keep"]})),
        )
        .await;
    let (_, domain) = c
        .call(
            Method::POST,
            "/v4/domains",
            Some(json!({"domain": "example.org", "type": "master", "soa_email": "a@example.org"})),
        )
        .await;
    c.call(
        Method::POST,
        &format!("/v4/domains/{}/records", domain["id"]),
        Some(json!({"type": "A", "name": "www", "target": "192.0.2.10"})),
    )
    .await;
    let (_, firewall) = c
        .call(
            Method::POST,
            "/v4/networking/firewalls",
            Some(json!({"label": "edge", "rules": {"inbound_policy": "DROP", "outbound_policy": "ACCEPT"}})),
        )
        .await;
    let (status, saved) = c.call(Method::GET, "/sandbox/state", None).await;
    assert_eq!(status, 200);
    assert_eq!(saved["format"], "linode-sandbox/state/v3");

    // Change everything, then put the document back: the API answers as before.
    c.call(Method::POST, "/sandbox/reset", None).await;
    let (_, volumes) = c.call(Method::GET, "/v4/volumes", None).await;
    assert_eq!(volumes["results"], 0);
    let (status, body) = c
        .call(Method::PUT, "/sandbox/state", Some(saved.clone()))
        .await;
    assert_eq!((status.as_u16(), body), (200, json!({})));
    let (_, again) = c.call(Method::GET, "/sandbox/state", None).await;
    assert_eq!(
        again, saved,
        "a GET right after a PUT returns the same document"
    );
    let (_, got) = c
        .call(Method::GET, &format!("/v4/volumes/{}", volume["id"]), None)
        .await;
    assert_eq!(got, volume);
    let (_, records) = c
        .call(
            Method::GET,
            &format!("/v4/domains/{}/records", domain["id"]),
            None,
        )
        .await;
    assert_eq!(records["data"][0]["target"], "192.0.2.10");
    let (_, got) = c
        .call(
            Method::GET,
            &format!("/v4/networking/firewalls/{}", firewall["id"]),
            None,
        )
        .await;
    assert_eq!(got["label"], "edge");
    let (_, list) = c.call(Method::GET, "/v4/linode/instances", None).await;
    assert_eq!(list["results"], 2);
    // Ids go on where they were, and the label index came back with the instances.
    let (_, next) = c
        .call(
            Method::POST,
            "/v4/volumes",
            Some(json!({"label": "next", "region": "us-east"})),
        )
        .await;
    assert_eq!(next["id"], volume["id"].as_u64().unwrap() + 1);
    let label = list["data"][0]["label"].as_str().unwrap();
    let (status, body) = c
        .call(
            Method::POST,
            "/v4/linode/instances",
            Some(json!({"region": "us-east", "type": "g6-nanode-1", "label": label})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn a_document_that_is_not_a_state_is_refused_and_changes_nothing() {
    let c = Control::start(Sandbox::builder().seed_instances(1)).await;
    let (_, before) = c.call(Method::GET, "/sandbox/state", None).await;
    let (status, body) = c
        .call(
            Method::PUT,
            "/sandbox/state",
            Some(json!({"instances": []})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "format");
    let mut broken = before.clone();
    broken["state"]["instances"] = json!({"1": "not an object", "x": {}});
    let (status, body) = c.call(Method::PUT, "/sandbox/state", Some(broken)).await;
    assert_eq!(status, 400);
    assert!(
        body["errors"][0]["field"]
            .as_str()
            .unwrap()
            .starts_with("state.instances"),
        "{body}"
    );
    let (_, after) = c.call(Method::GET, "/sandbox/state", None).await;
    assert_eq!(after, before);
}

#[tokio::test]
async fn realism_lags_are_set_over_http() {
    let c = Control::start(Sandbox::builder()).await;
    let (status, body) = c
        .call(
            Method::PUT,
            "/sandbox/realism",
            Some(json!({"create_lag_ms": 60_000})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"create_lag_ms": 60_000, "event_lag_ms": 0, "disk_ready_lag_ms": 0})
    );
    let (_, volume) = c
        .call(
            Method::POST,
            "/v4/volumes",
            Some(json!({"label": "late", "region": "us-east"})),
        )
        .await;
    let path = format!("/v4/volumes/{}", volume["id"]);
    let (status, body) = c.call(Method::GET, &path, None).await;
    assert_eq!(status, 404);
    assert_eq!(body, json!({"errors": [{"reason": "Not found"}]}));
    // The list shows it; only the read by id lags.
    let (_, list) = c.call(Method::GET, "/v4/volumes", None).await;
    assert_eq!(list["results"], 1);
    c.call(
        Method::PUT,
        "/sandbox/realism",
        Some(json!({"create_lag_ms": 0, "event_lag_ms": 60_000})),
    )
    .await;
    let (status, _) = c.call(Method::GET, &path, None).await;
    assert_eq!(status, 200);
    let (_, events) = c.call(Method::GET, "/v4/account/events", None).await;
    assert_eq!(
        events["results"], 0,
        "the volume_create event is not shown yet"
    );
    let (status, body) = c
        .call(
            Method::PUT,
            "/sandbox/realism",
            Some(json!({"event_lag_ms": -1})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "event_lag_ms");
}
