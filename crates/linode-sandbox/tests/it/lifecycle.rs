//! Actions that take time: states, events and their progress as the sandbox's clock moves.

use std::time::Duration;

use linode_sandbox::Sandbox;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Api;

async fn create(api: &Api, label: &str) -> u64 {
    let body = json!({"region": "us-east", "type": "g6-nanode-1", "image": "linode/debian12",
                      "root_pass": "Sandbox-Lifecycle-42", "label": label});
    let created = api.post("/v4/linode/instances", body).await;
    assert_eq!(created["status"], "provisioning");
    created["id"].as_u64().unwrap()
}

/// The events `filter` selects; the list must answer 200.
async fn events_where(api: &Api, filter: &str) -> Value {
    let (status, events) = api.get_filtered("/v4/account/events", filter).await;
    assert_eq!(status, 200, "{events}");
    events
}

fn pick<'a>(events: &'a Value, action: &str) -> &'a Value {
    events["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == action)
        .unwrap()
}

#[tokio::test]
async fn a_created_linode_provisions_boots_and_runs_with_events_tracking_progress() {
    let sb = Sandbox::builder().speed(1.0).start().await.unwrap();
    let api = Api::of(&sb);
    let id = create(&api, "watched").await;
    let path = format!("/v4/linode/instances/{id}");

    let events = api.get("/v4/account/events").await;
    let created = pick(&events, "linode_create");
    assert_eq!(created["status"], "scheduled");
    assert_eq!(created["percent_complete"], 0);
    assert_eq!(
        created["entity"],
        json!({"id": id, "label": "watched", "type": "linode", "url": path})
    );
    assert_eq!(
        (created["seen"].clone(), created["read"].clone()),
        (json!(false), json!(false))
    );

    // Provisioning lasts a minute, booting 40 s, as on the real platform.
    sb.advance(Duration::from_secs(30));
    let events = api.get("/v4/account/events").await;
    assert_eq!(pick(&events, "linode_create")["status"], "started");
    assert_eq!(pick(&events, "linode_create")["percent_complete"], 50);
    assert_eq!(api.get(&path).await["status"], "provisioning");

    sb.advance(Duration::from_secs(30));
    assert_eq!(api.get(&path).await["status"], "booting");
    let events = api.get("/v4/account/events").await;
    assert_eq!(pick(&events, "linode_create")["status"], "finished");
    assert_eq!(pick(&events, "linode_create")["percent_complete"], 100);
    assert_eq!(events["data"][0]["action"], "linode_boot", "newest first");
    assert_eq!(pick(&events, "linode_boot")["status"], "scheduled");

    sb.advance(Duration::from_secs(20));
    assert_eq!(api.get(&path).await["status"], "booting");
    sb.advance(Duration::from_secs(20));
    assert_eq!(api.get(&path).await["status"], "running");
    let boot = pick(&api.get("/v4/account/events").await, "linode_boot").clone();
    assert_eq!(boot["status"], "finished");
    assert!(boot["duration"].as_f64().unwrap() >= 40.0);
}

#[tokio::test]
async fn an_injected_failure_ends_the_event_failed_and_the_linode_offline() {
    let sb = Sandbox::builder().speed(1.0).start().await.unwrap();
    let api = Api::of(&sb);
    sb.fail_next("linode_boot", 1);
    let id = create(&api, "doomed").await;
    sb.advance(Duration::from_secs(100));
    assert_eq!(
        api.get(&format!("/v4/linode/instances/{id}")).await["status"],
        "offline"
    );
    let events = api.get("/v4/account/events").await;
    assert_eq!(pick(&events, "linode_boot")["status"], "failed");
    assert_eq!(pick(&events, "linode_create")["status"], "finished");

    // Only the next one fails.
    let other = create(&api, "fine").await;
    sb.advance(Duration::from_secs(100));
    assert_eq!(
        api.get(&format!("/v4/linode/instances/{other}")).await["status"],
        "running"
    );
}

#[tokio::test]
async fn at_speed_zero_actions_finish_at_once_and_every_action_is_logged() {
    let sb = Sandbox::start().await.unwrap();
    let api = Api::of(&sb);
    let body = json!({"region": "us-east", "type": "g6-nanode-1", "image": "linode/debian12",
                      "root_pass": "Sandbox-Lifecycle-42", "label": "quick"});
    let created = api.post("/v4/linode/instances", body).await;
    assert_eq!(created["status"], "running");
    let id = created["id"].as_u64().unwrap();
    let path = format!("/v4/linode/instances/{id}");
    api.ok(Method::PUT, &path, Some(json!({"label": "quicker"})))
        .await;
    api.ok(Method::DELETE, &path, None).await;

    let events = api.get("/v4/account/events").await;
    let actions: Vec<&str> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "linode_delete",
            "linode_update",
            "linode_boot",
            "linode_create"
        ]
    );
    assert!(
        events["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["status"] == "finished")
    );

    let filtered = events_where(&api, r#"{"action": "linode_update"}"#).await;
    assert_eq!(filtered["results"], 1);
    assert_eq!(filtered["data"][0]["entity"]["label"], "quicker");
    let by_entity = events_where(
        &api,
        &format!(r#"{{"entity.id": {id}, "entity.type": "linode"}}"#),
    )
    .await;
    assert_eq!(by_entity["results"], 4);

    // Marking one event seen marks it and every earlier one.
    let boot_id = pick(&events, "linode_boot")["id"].as_u64().unwrap();
    api.post(&format!("/v4/account/events/{boot_id}/seen"), json!({}))
        .await;
    let seen: Vec<bool> = sb
        .events()
        .iter()
        .map(|e| e["seen"].as_bool().unwrap())
        .collect();
    assert_eq!(seen, [true, true, false, false]);
    assert_eq!(
        api.get(&format!("/v4/account/events/{boot_id}")).await["seen"],
        true
    );
}
