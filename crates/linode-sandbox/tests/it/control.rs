//! The control plane under `/sandbox/`, driven over plain HTTP as a test in any language would.

use linode_sandbox::Sandbox;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::Api;

#[tokio::test]
async fn health_needs_no_token_and_the_rest_needs_the_sandboxs_own() {
    let sb = Sandbox::builder().start().await.unwrap();
    let c = Api::of(&sb);
    let res = c
        .http
        .get(format!("{}/sandbox/health", sb.base_url()))
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
    let sb = Sandbox::builder().start().await.unwrap();
    let c = Api::of(&sb);
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
    let sb = Sandbox::builder().start().await.unwrap();
    let c = Api::of(&sb);
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
    let sb = Sandbox::builder().start().await.unwrap();
    let c = Api::of(&sb);
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
    assert!(!serde_json::to_string(log).unwrap().contains(sb.token()));

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
    let sb = Sandbox::builder().start().await.unwrap();
    let c = Api::of(&sb);
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
    let sb = Sandbox::builder().speed(1.0).start().await.unwrap();
    let c = Api::of(&sb);
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
    let sb = Sandbox::builder().seed_instances(3).start().await.unwrap();
    let c = Api::of(&sb);
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
    // The token in use is listed again, as at start.
    let (_, tokens) = c.call(Method::GET, "/v4/profile/tokens", None).await;
    let labels: Vec<&Value> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["label"])
        .collect();
    assert_eq!(labels, [&json!("sandbox")]);
}

#[tokio::test]
async fn tokens_act_as_a_user_with_the_scopes_asked_for() {
    let sb = Sandbox::builder().start().await.unwrap();
    let c = Api::of(&sb);
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
    let sb = Sandbox::builder().seed_instances(2).start().await.unwrap();
    let c = Api::of(&sb);
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
    assert_eq!(saved["format"], "linode-sandbox/state/v4");

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
    let sb = Sandbox::builder().seed_instances(1).start().await.unwrap();
    let c = Api::of(&sb);
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
    let sb = Sandbox::builder().start().await.unwrap();
    let c = Api::of(&sb);
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

/// Runs the login server's authorize step for `client_id` and answers the code it redirected
/// back with.
async fn authorize_code(c: &Api, client_id: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .get(format!(
            "{}/oauth/authorize?client_id={client_id}&response_type=code&scopes=linodes:read_only",
            c.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let (_, code) = location.split_once("code=").unwrap();
    code.split('&').next().unwrap().to_owned()
}

/// Posts a form to the login server's `/oauth/token`.
async fn oauth_token(c: &Api, form: &str) -> (StatusCode, Value) {
    let res = c
        .http
        .post(c.url("/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_accounts_secrets_are_collections_that_round_trip_through_the_document() {
    let sb = Sandbox::builder().start().await.unwrap();
    let c = Api::of(&sb);
    // A personal access token that may only read Linodes.
    let (status, pat) = c
        .call(
            Method::POST,
            "/v4/profile/tokens",
            Some(json!({"label": "ci", "scopes": "linodes:read_only"})),
        )
        .await;
    assert_eq!(status, 200);
    let pat = pat["token"].as_str().unwrap().to_owned();
    // An OAuth client, and a restricted user with a token acting as them.
    let (status, client) = c
        .call(
            Method::POST,
            "/v4/account/oauth-clients",
            Some(json!({"label": "app", "redirect_uri": "https://app.example.org/cb"})),
        )
        .await;
    assert_eq!(status, 200);
    let client_id = client["id"].as_str().unwrap().to_owned();
    let secret = client["secret"].as_str().unwrap().to_owned();
    let (status, _) = c
        .call(
            Method::POST,
            "/v4/account/users",
            Some(json!({"username": "rita", "email": "rita@example.org", "restricted": true})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, user_token) = c
        .call(
            Method::POST,
            "/sandbox/tokens",
            Some(json!({"username": "rita", "scopes": "*"})),
        )
        .await;
    assert_eq!(status, 200);
    let user_token = user_token["token"].as_str().unwrap().to_owned();
    // One code exchanged for an access and a refresh token, one code still pending.
    let code = authorize_code(&c, &client_id).await;
    let (status, issued) = oauth_token(
        &c,
        &format!(
            "grant_type=authorization_code&code={code}&client_id={client_id}&client_secret={secret}"
        ),
    )
    .await;
    assert_eq!(status, 200);
    let access = issued["access_token"].as_str().unwrap().to_owned();
    let refresh = issued["refresh_token"].as_str().unwrap().to_owned();
    let pending = authorize_code(&c, &client_id).await;

    let (status, saved) = c.call(Method::GET, "/sandbox/state", None).await;
    assert_eq!(status, 200);
    assert_eq!(saved["format"], "linode-sandbox/state/v4");
    let state = saved["state"].as_object().unwrap();
    assert!(!state.contains_key("account"), "no account blob any more");
    // The singletons are collections of one object, the account's ids a counter.
    assert_eq!(state["accounts"]["1"]["email"], "sandbox-user@example.com");
    assert_eq!(state["account_settings"]["1"]["managed"], false);
    assert_eq!(state["profiles"]["1"]["username"], "sandbox-user");
    assert!(state["next_ids"]["account_object"].as_u64().unwrap() > 1001);
    // Each secret store is a collection keyed by its secret.
    let keys = |name: &str, field: &str| -> Vec<String> {
        let mut keys: Vec<String> = state[name]
            .as_object()
            .unwrap()
            .values()
            .map(|o| o[field].as_str().unwrap().to_owned())
            .collect();
        keys.sort();
        keys
    };
    let mut tokens = vec![pat.clone(), user_token.clone(), access.clone()];
    tokens.sort();
    assert_eq!(keys("issued_tokens", "token"), tokens);
    assert_eq!(
        keys("oauth_client_secrets", "client_id"),
        [client_id.as_str()]
    );
    assert_eq!(
        state["oauth_client_secrets"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()["secret"],
        secret.as_str()
    );
    assert_eq!(keys("oauth_codes", "code"), [pending.as_str()]);
    assert_eq!(keys("refresh_tokens", "refresh_token"), [refresh.as_str()]);

    // A reset forgets them all...
    c.call(Method::POST, "/sandbox/reset", None).await;
    for token in [&pat, &user_token, &access] {
        let (status, _) = c.call_as(token, Method::GET, "/v4/profile", None).await;
        assert_eq!(status, 401);
    }
    // ... and putting the document back brings every one back, with its grant.
    let (status, body) = c
        .call(Method::PUT, "/sandbox/state", Some(saved.clone()))
        .await;
    assert_eq!((status.as_u16(), body), (200, json!({})));
    let (_, again) = c.call(Method::GET, "/sandbox/state", None).await;
    assert_eq!(again, saved);
    let (status, _) = c
        .call_as(&pat, Method::GET, "/v4/linode/instances", None)
        .await;
    assert_eq!(status, 200);
    let (status, _) = c
        .call_as(
            &pat,
            Method::POST,
            "/v4/volumes",
            Some(json!({"label": "no", "region": "us-east"})),
        )
        .await;
    assert_eq!(status, 401, "the token's scopes came back with it");
    let (status, profile) = c
        .call_as(&user_token, Method::GET, "/v4/profile", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(profile["username"], "sandbox-user");
    let (status, _) = c
        .call_as(&access, Method::GET, "/v4/linode/instances", None)
        .await;
    assert_eq!(status, 200);
    // The client's secret, the pending code and the refresh token work too.
    let (status, _) = oauth_token(
        &c,
        &format!("code={pending}&client_id={client_id}&client_secret={secret}"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, renewed) = oauth_token(
        &c,
        &format!("grant_type=refresh_token&refresh_token={refresh}&client_id={client_id}&client_secret={secret}"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = c
        .call_as(&access, Method::GET, "/v4/linode/instances", None)
        .await;
    assert_eq!(status, 401, "refreshing replaced the access token");
    let renewed = renewed["access_token"].as_str().unwrap();
    let (status, _) = c
        .call_as(renewed, Method::GET, "/v4/linode/instances", None)
        .await;
    assert_eq!(status, 200);

    // A document of the older format (with its `account` blob) is refused.
    let mut old = saved.clone();
    old["format"] = json!("linode-sandbox/state/v3");
    old["state"]["account"] = json!({"tokens": {}});
    let (status, body) = c.call(Method::PUT, "/sandbox/state", Some(old)).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "format");
}
