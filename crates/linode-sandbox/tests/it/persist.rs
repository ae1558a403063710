//! `--data`: the state kept in a database survives a restart and a `kill -9`, with the ids
//! continuing and the actions in progress finishing. Each test runs the real binary.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::process::Command;

use crate::common::Binary;

const TOKEN: &str = "persist-token-0123456789";

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandbox-persist-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `linode-sandbox --data <data> --speed <speed>`.
async fn start(data: &Path, speed: &str) -> Binary {
    Binary::start(TOKEN, |c| {
        c.args(["--speed", speed]).arg("--data").arg(data);
    })
    .await
}

/// Every collection is the same after a restart, and new ids continue where they were.
#[tokio::test]
async fn a_restart_on_the_same_path_serves_the_same_state() {
    let dir = dir("restart");
    let data = dir.join("state.redb");
    let server = start(&data, "0").await;
    let linode = server
        .api
        .post(
            "/v4/linode/instances",
            json!({"label": "web-1", "region": "us-ord", "type": "g6-nanode-1",
                   "image": "linode/ubuntu24.04", "root_pass": "Sandbox-pass-123!", "tags": ["prod"]}),
        )
        .await;
    let domain = server
        .api
        .post(
            "/v4/domains",
            json!({"domain": "example.org", "type": "master", "soa_email": "ops@example.org"}),
        )
        .await;
    let domain_id = domain["id"].as_u64().unwrap();
    server
        .api
        .post(
            &format!("/v4/domains/{domain_id}/records"),
            json!({"type": "A", "name": "www", "target": "192.0.2.10"}),
        )
        .await;
    let volume = server
        .api
        .post(
            "/v4/volumes",
            json!({"label": "data-1", "region": "us-ord", "size": 20}),
        )
        .await;
    server
        .api
        .post(
            "/v4/networking/firewalls",
            json!({"label": "fw-1", "rules": {"inbound_policy": "DROP", "outbound_policy": "ACCEPT"}}),
        )
        .await;
    let token = server
        .api
        .post(
            "/v4/profile/tokens",
            json!({"label": "ci", "scopes": "linodes:read_only"}),
        )
        .await;
    // A deletion must be stored too.
    let (status, _) = server
        .api
        .call(
            Method::DELETE,
            &format!("/v4/volumes/{}", volume["id"]),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let before = server.api.get("/sandbox/state").await;
    server.kill().await;

    let server = start(&data, "0").await;
    let after = server.api.get("/sandbox/state").await;
    let names = |doc: &Value| -> Vec<String> {
        doc["state"].as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(names(&after), names(&before));
    for name in names(&before) {
        assert_eq!(
            after["state"][&name], before["state"][&name],
            "collection {name} is as it was"
        );
    }
    assert_eq!(after, before);
    assert_eq!(
        server
            .api
            .get(&format!("/v4/linode/instances/{}", linode["id"]))
            .await["label"],
        "web-1"
    );
    let (status, _) = server
        .api
        .call(Method::GET, &format!("/v4/volumes/{}", volume["id"]), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The token made before the restart still authenticates.
    let secret = token["token"].as_str().unwrap();
    let (status, _) = server
        .api
        .call_as(secret, Method::GET, "/v4/profile", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    // Ids continue: never one handed out before.
    let next = server
        .api
        .post(
            "/v4/domains",
            json!({"domain": "example.net", "type": "master", "soa_email": "ops@example.net"}),
        )
        .await;
    assert_eq!(next["id"].as_u64().unwrap(), domain_id + 1);
    // The main token is listed once, not once per start.
    let tokens = server.api.get("/v4/profile/tokens").await;
    let listed = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["label"] == "sandbox")
        .count();
    assert_eq!(listed, 1);
    server.kill().await;
    std::fs::remove_dir_all(dir).unwrap();
}

/// A `kill -9` in the middle of a stream of writes loses none that was acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kill_during_writes_loses_no_acknowledged_write() {
    let dir = dir("kill");
    let data = dir.join("state.redb");
    let server = start(&data, "0").await;

    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
    // Four writers creating tags' worth of domains, as fast as the sandbox answers.
    let mut writers = Vec::new();
    for w in 0..4 {
        let api = server.api.clone();
        let acked = acked_tx.clone();
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let sent = api
                    .request(Method::POST, "/v4/domains")
                    .json(
                        &json!({"domain": format!("w{w}-{i}.example"), "type": "master",
                                  "soa_email": "ops@example.org"}),
                    )
                    .send()
                    .await;
                let Ok(resp) = sent else { break };
                if resp.status() != StatusCode::OK {
                    break;
                }
                let Ok(body) = resp.json::<Value>().await else {
                    break;
                };
                if acked.send(body["id"].as_u64().unwrap()).is_err() {
                    break;
                }
            }
        }));
    }
    drop(acked_tx);
    let mut acked = Vec::new();
    while acked.len() < 60 {
        acked.push(acked_rx.recv().await.expect("writes are acknowledged"));
    }
    server.kill().await;
    for writer in writers {
        writer.await.unwrap();
    }
    while let Some(id) = acked_rx.recv().await {
        acked.push(id);
    }

    let server = start(&data, "0").await;
    let listed = server.api.get("/v4/domains?page_size=500").await;
    let stored: Vec<u64> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_u64().unwrap())
        .collect();
    for id in &acked {
        assert!(stored.contains(id), "acknowledged domain {id} was lost");
    }
    assert!(stored.len() >= acked.len());
    server.kill().await;
    std::fs::remove_dir_all(dir).unwrap();
}

/// An action in progress when the sandbox is killed finishes after the restart: a Linode
/// killed while provisioning ends up running, with its boot done too.
#[tokio::test]
async fn actions_in_progress_resume_after_a_restart() {
    let dir = dir("resume");
    let data = dir.join("state.redb");
    // Creation lasts 60 s and boot 40 s at speed 1: here 3 s and 2 s.
    let server = start(&data, "0.05").await;
    let linode = server
        .api
        .post(
            "/v4/linode/instances",
            json!({"label": "slow-1", "region": "us-ord", "type": "g6-nanode-1",
                   "image": "linode/ubuntu24.04", "root_pass": "Sandbox-pass-123!"}),
        )
        .await;
    assert_eq!(linode["status"], "provisioning");
    let path = format!("/v4/linode/instances/{}", linode["id"]);
    server.kill().await;

    let server = start(&data, "0.05").await;
    assert_eq!(server.api.get(&path).await["status"], "provisioning");
    let mut seen = vec!["provisioning".to_owned()];
    for _ in 0..100 {
        let status = server.api.get(&path).await["status"]
            .as_str()
            .unwrap()
            .to_owned();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen, ["provisioning", "booting", "running"]);
    let events = server.api.get("/v4/account/events").await;
    let mine: Vec<(&str, &str)> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity"]["id"] == linode["id"])
        .map(|e| (e["action"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        mine,
        [("linode_boot", "finished"), ("linode_create", "finished")]
    );
    server.kill().await;
    std::fs::remove_dir_all(dir).unwrap();
}

/// A file that is not a state database stops the start with a message naming it.
#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused() {
    let dir = dir("bad");
    let data = dir.join("state.redb");
    std::fs::write(&data, "not a database").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_linode-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("--data {}", data.display())),
        "stderr: {err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// A reset and a `PUT /sandbox/state` replace the whole stored state: after a restart, what
/// they removed stays removed and what they brought is there.
#[tokio::test]
async fn a_reset_or_a_state_put_back_replaces_what_is_stored() {
    let dir = dir("replace");
    let data = dir.join("state.redb");
    let server = start(&data, "0").await;
    let domain =
        |name: &str| json!({"domain": name, "type": "master", "soa_email": "ops@example.org"});
    server
        .api
        .post("/v4/domains", domain("before.example"))
        .await;
    let saved = server.api.get("/sandbox/state").await;
    let (status, _) = server.api.call(Method::POST, "/sandbox/reset", None).await;
    assert_eq!(status, StatusCode::OK);
    server
        .api
        .post("/v4/domains", domain("after-reset.example"))
        .await;
    server.kill().await;

    let server = start(&data, "0").await;
    let names = |list: &Value| -> Vec<String> {
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["domain"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&server.api.get("/v4/domains").await),
        ["after-reset.example"]
    );
    let (status, _) = server
        .api
        .call(Method::PUT, "/sandbox/state", Some(saved.clone()))
        .await;
    assert_eq!(status, StatusCode::OK);
    server.kill().await;

    let server = start(&data, "0").await;
    assert_eq!(
        names(&server.api.get("/v4/domains").await),
        ["before.example"]
    );
    assert_eq!(server.api.get("/sandbox/state").await, saved);
    server.kill().await;
    std::fs::remove_dir_all(dir).unwrap();
}
