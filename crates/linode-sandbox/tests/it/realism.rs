//! Realism on demand, switched from the control plane and from the binary's options and
//! environment, each answer checked over plain HTTP: the API's awkward answers (maintenance,
//! `Linode busy.`, a proxy's HTML pages, nonsense and date `Retry-After`s, warnings on a
//! 200/202/299), the lags (read-after-create, events, a disk not ready after its finished
//! `disk_create` event) and the published rate limits; `--help` and `--version`.

use std::time::{Duration, SystemTime};

use linode_sandbox::Sandbox;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::common::{Api, Binary};

/// Adds a fault rule over HTTP; returns its id.
async fn add_fault(c: &Api, rule: Value) -> u64 {
    let (status, body) = c.call(Method::POST, "/sandbox/faults", Some(rule)).await;
    assert_eq!(status, 200, "{body}");
    body["id"].as_u64().unwrap()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap())
}

const PROXY_400: &str = "<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n\
    <center><h1>400 Bad Request</h1></center>\r\n<hr><center>proxy</center>\r\n</body>\r\n</html>\r\n";
const PROXY_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
    <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>proxy</center>\r\n</body>\r\n</html>\r\n";

#[tokio::test]
async fn every_awkward_answer_is_switched_on_over_http_and_answers_exactly() {
    let sb = Sandbox::start().await.unwrap();
    let c = Api::of(&sb);
    const ONE: &str = "/v4/regions/us-east";
    let once = |fault: &str| json!({"method": "GET", "path": "/regions/us-east", "fault": fault, "times": 1});

    add_fault(&c, once("busy")).await;
    let (status, headers, body) = c.raw(Method::GET, ONE, None).await;
    assert_eq!(status, 400);
    assert_eq!(header(&headers, "content-type"), Some("application/json"));
    assert_eq!(body, r#"{"errors":[{"reason":"Linode busy."}]}"#);

    for (fault, code, page) in [("html400", 400, PROXY_400), ("html502", 502, PROXY_502)] {
        add_fault(&c, once(fault)).await;
        let (status, headers, body) = c.raw(Method::GET, ONE, None).await;
        assert_eq!(
            (
                status.as_u16(),
                header(&headers, "content-type"),
                body.as_str()
            ),
            (code, Some("text/html"), page),
            "{fault}"
        );
    }

    // A 500 with hints a client must not believe.
    add_fault(&c, once("nonsense-hints")).await;
    let (status, headers, body) = c.raw(Method::GET, ONE, None).await;
    assert_eq!(status, 500);
    assert_eq!(header(&headers, "retry-after"), Some("-1"));
    assert_eq!(header(&headers, "x-ratelimit-reset"), Some("-1"));
    assert_eq!(body, r#"{"errors":[{"reason":"Internal Server Error"}]}"#);

    // A 429 whose Retry-After is an HTTP date two seconds ahead.
    add_fault(&c, once("retry-after-date")).await;
    let before = SystemTime::now();
    let (status, headers, _) = c.raw(Method::GET, ONE, None).await;
    assert_eq!(status, 429);
    let date = header(&headers, "retry-after").unwrap();
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = SystemTime::from(
        time::PrimitiveDateTime::parse(date, &fmt)
            .unwrap()
            .assume_utc(),
    );
    let ahead = at.duration_since(before - Duration::from_secs(1)).unwrap();
    assert!(
        (Duration::from_secs(1)..=Duration::from_secs(4)).contains(&ahead),
        "{date}: {ahead:?}"
    );

    // Warnings on a success, with a Retry-After that must not be waited for; the status as
    // the route answers it, or 202 or 299 as asked.
    for (fault, code) in [
        ("warnings", 200),
        ("warnings=202", 202),
        ("warnings=299", 299),
    ] {
        add_fault(&c, once(fault)).await;
        let (status, headers, body) = c.raw(Method::GET, ONE, None).await;
        assert_eq!(status.as_u16(), code, "{fault}");
        assert_eq!(header(&headers, "retry-after"), Some("30"));
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["id"], "us-east");
        assert_eq!(
            body["warnings"],
            json!([{"title": "Sandbox warning",
                    "details": "Injected by the sandbox's `warnings` fault."}])
        );
    }
    let (status, body) = c
        .call(
            Method::POST,
            "/sandbox/faults",
            Some(json!({"path": "/regions", "fault": "warnings=404"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"errors": [{"field": "fault",
                           "reason": "warnings=STATUS needs a success status 200..299: 404"}]})
    );

    // Every rule above was spent: the route answers as usual.
    let (_, list) = c.call(Method::GET, "/sandbox/faults", None).await;
    assert_eq!(list["data"], json!([]));
    let (status, _, _) = c.raw(Method::GET, ONE, None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn maintenance_mode_answers_503_on_every_route_until_switched_off() {
    let sb = Sandbox::start().await.unwrap();
    let c = Api::of(&sb);
    let id = add_fault(&c, json!({"path": "*", "fault": "maintenance"})).await;
    for (method, path, body) in [
        (Method::GET, "/v4/linode/instances", None),
        (Method::GET, "/v4beta/regions", None),
        (
            Method::POST,
            "/v4/volumes",
            Some(json!({"label": "v", "region": "us-east"})),
        ),
        (Method::DELETE, "/v4/domains/1", None),
    ] {
        let (status, headers, text) = c.raw(method.clone(), path, body).await;
        assert_eq!(
            (
                status.as_u16(),
                header(&headers, "x-maintenance-mode"),
                text.as_str()
            ),
            (
                503,
                Some("all,Request Context"),
                r#"{"errors":[{"reason":"Currently in maintenance mode."}]}"#
            ),
            "{method} {path}"
        );
    }
    // Nothing was applied; the control plane still answers.
    let (status, _) = c
        .call(Method::DELETE, &format!("/sandbox/faults/{id}"), None)
        .await;
    assert_eq!(status, 200);
    let (status, volumes) = c.call(Method::GET, "/v4/volumes", None).await;
    assert_eq!((status.as_u16(), &volumes["results"]), (200, &json!(0)));
}

/// An empty Linode and a disk created on it; returns the disk's path.
async fn new_disk(c: &Api) -> String {
    let (status, linode) = c
        .call(
            Method::POST,
            "/v4/linode/instances",
            Some(json!({"region": "us-east", "type": "g6-nanode-1", "label": "disky"})),
        )
        .await;
    assert_eq!(status, 200, "{linode}");
    let (status, disk) = c
        .call(
            Method::POST,
            &format!("/v4/linode/instances/{}/disks", linode["id"]),
            Some(json!({"size": 1024, "label": "data"})),
        )
        .await;
    assert_eq!(status, 200, "{disk}");
    format!("/v4/linode/instances/{}/disks/{}", linode["id"], disk["id"])
}

#[tokio::test]
async fn a_disk_stays_not_ready_after_its_create_event_finished() {
    let sb = Sandbox::start().await.unwrap();
    let c = Api::of(&sb);
    let (status, body) = c
        .call(
            Method::PUT,
            "/sandbox/realism",
            Some(json!({"disk_ready_lag_ms": 60_000})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"create_lag_ms": 0, "event_lag_ms": 0, "disk_ready_lag_ms": 60_000})
    );
    let disk = new_disk(&c).await;
    let (_, events) = c
        .call(Method::GET, "/v4/account/events?page_size=25", None)
        .await;
    let created: Vec<(Value, Value)> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "disk_create")
        .map(|e| (e["status"].clone(), e["percent_complete"].clone()))
        .collect();
    assert_eq!(created, [(json!("finished"), json!(100))]);
    let (_, one) = c.call(Method::GET, &disk, None).await;
    assert_eq!(
        (&one["label"], &one["status"]),
        (&json!("data"), &json!("not ready"))
    );
    let list = disk.rsplit_once('/').unwrap().0;
    let (_, all) = c.call(Method::GET, list, None).await;
    assert_eq!(all["data"][0]["status"], "not ready");
    // Under /v4beta too.
    let beta = disk.replacen("/v4/", "/v4beta/", 1);
    let (_, one) = c.call(Method::GET, &beta, None).await;
    assert_eq!(one["status"], "not ready");

    // Switched off, the disk is what the store holds: ready.
    c.call(
        Method::PUT,
        "/sandbox/realism",
        Some(json!({"disk_ready_lag_ms": 0})),
    )
    .await;
    let (_, one) = c.call(Method::GET, &disk, None).await;
    assert_eq!(one["status"], "ready");
    let (status, body) = c
        .call(
            Method::PUT,
            "/sandbox/realism",
            Some(json!({"disk_ready_lag_ms": "soon"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "disk_ready_lag_ms");
}

#[tokio::test]
async fn a_short_disk_lag_ends_on_its_own() {
    let sb = Sandbox::start().await.unwrap();
    sb.set_disk_ready_lag(Duration::from_millis(1200));
    let c = Api::of(&sb);
    let disk = new_disk(&c).await;
    let (_, one) = c.call(Method::GET, &disk, None).await;
    assert_eq!(one["status"], "not ready");
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let (_, one) = c.call(Method::GET, &disk, None).await;
    assert_eq!(one["status"], "ready");
}

/// Starts the binary with `args` and `env` (killed on drop).
async fn binary(args: &[&str], env: &[(&str, &str)]) -> Binary {
    let mut bin = Binary::start("realism-token", |c| {
        c.args(args).envs(env.iter().copied());
    })
    .await;
    let token = bin.stdout.next_line().await.unwrap().unwrap();
    assert_eq!(token, "LINODE_TOKEN=realism-token");
    bin
}

#[tokio::test]
async fn the_binary_switches_realism_from_options_and_environment() {
    let dir = std::env::temp_dir().join(format!("sandbox-realism-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let limits = dir.join("limits.json");
    std::fs::write(
        &limits,
        r#"{"limits": [{"method": "GET", "path": "/account", "limit": 1, "window_seconds": 60}]}"#,
    )
    .unwrap();
    let bin = binary(
        &["--create-lag", "60s", "--disk-ready-lag", "60s"],
        &[
            ("LINODE_SANDBOX_EVENT_LAG", "1m"),
            // Several rules, separated by `;` (on the command line: one --fault each).
            (
                "LINODE_SANDBOX_FAULT",
                "* /regions/us-east maintenance x1;GET /regions/us-west busy x1;\
                 GET /regions/ap-west warnings=299 x1",
            ),
            ("LINODE_SANDBOX_RATE_LIMITS_FILE", limits.to_str().unwrap()),
        ],
    )
    .await;
    let c = &bin.api;
    let (_, realism) = c.call(Method::GET, "/sandbox/realism", None).await;
    assert_eq!(
        realism,
        json!({"create_lag_ms": 60_000, "event_lag_ms": 60_000, "disk_ready_lag_ms": 60_000})
    );
    let (_, faults) = c.call(Method::GET, "/sandbox/faults", None).await;
    let rules: Vec<(Value, Value, Value)> = faults["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["method"].clone(), r["path"].clone(), r["fault"].clone()))
        .collect();
    assert_eq!(
        rules,
        [
            (json!("*"), json!("/regions/us-east"), json!("maintenance")),
            (json!("GET"), json!("/regions/us-west"), json!("busy")),
            (
                json!("GET"),
                json!("/regions/ap-west"),
                json!("warnings=299")
            ),
        ]
    );
    let (status, headers, _) = c.raw(Method::GET, "/v4/regions/us-east", None).await;
    assert_eq!(
        (status.as_u16(), header(&headers, "x-maintenance-mode")),
        (503, Some("all,Request Context"))
    );
    let (status, body) = c.call(Method::GET, "/v4/regions/us-west", None).await;
    assert_eq!(
        (status.as_u16(), body),
        (400, json!({"errors": [{"reason": "Linode busy."}]}))
    );
    let (status, body) = c.call(Method::GET, "/v4/regions/ap-west", None).await;
    assert_eq!(status.as_u16(), 299);
    assert_eq!(body["warnings"][0]["title"], "Sandbox warning");

    // The lags: a new volume answers 404 by id, its event is not shown.
    let (_, volume) = c
        .call(
            Method::POST,
            "/v4/volumes",
            Some(json!({"label": "late", "region": "us-east"})),
        )
        .await;
    let (status, _) = c
        .call(Method::GET, &format!("/v4/volumes/{}", volume["id"]), None)
        .await;
    assert_eq!(status, 404);
    let (_, events) = c.call(Method::GET, "/v4/account/events", None).await;
    assert_eq!(events["results"], 0);

    // The limits of the file, with the API's headers.
    let (status, headers, _) = c.raw(Method::GET, "/v4/account", None).await;
    assert_eq!(
        (
            status.as_u16(),
            header(&headers, "x-ratelimit-limit"),
            header(&headers, "x-ratelimit-remaining")
        ),
        (200, Some("1"), Some("0"))
    );
    let (status, headers, _) = c.raw(Method::GET, "/v4/account", None).await;
    assert_eq!(status, 429);
    let retry: u64 = header(&headers, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    bin.kill().await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn the_published_limits_and_faults_given_as_options() {
    let bin = binary(
        &[
            "--fault",
            "GET /regions/us-east html502 x1",
            "--fault",
            "GET /regions/us-east nonsense-hints x1",
        ],
        &[("LINODE_SANDBOX_RATE_LIMITS", "true")],
    )
    .await;
    let c = &bin.api;
    let (status, headers, body) = c.raw(Method::GET, "/v4/regions/us-east", None).await;
    assert_eq!(
        (
            status.as_u16(),
            header(&headers, "content-type"),
            body.as_str()
        ),
        (502, Some("text/html"), PROXY_502)
    );
    let (status, headers, _) = c.raw(Method::GET, "/v4/regions/us-east", None).await;
    assert_eq!(
        (status.as_u16(), header(&headers, "retry-after")),
        (500, Some("-1"))
    );
    // The tightest limit each route meets, as data/rate_limits.json publishes them.
    for (path, limit) in [
        ("/v4/linode/instances", "200"),
        ("/v4/images", "20"),
        ("/v4/lke/clusters", "200"),
        ("/v4/object-storage/buckets", "200"),
        ("/v4/profile", "1600"),
    ] {
        let (status, headers, _) = c.raw(Method::GET, path, None).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(header(&headers, "x-ratelimit-limit"), Some(limit), "{path}");
        assert!(header(&headers, "x-ratelimit-reset").is_some(), "{path}");
    }
    bin.kill().await;
}

#[tokio::test]
async fn help_lists_every_option_with_its_variable_and_version_says_the_version() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_linode-sandbox"))
        .arg("--help")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    for (option, variable) in [
        ("--listen", "LINODE_SANDBOX_LISTEN"),
        ("--token", "LINODE_SANDBOX_TOKEN"),
        ("--seed-instances", "LINODE_SANDBOX_SEED_INSTANCES"),
        ("--seed-file", "LINODE_SANDBOX_SEED_FILE"),
        ("--record-limit", "LINODE_SANDBOX_RECORD_LIMIT"),
        ("--speed", "LINODE_SANDBOX_SPEED"),
        ("--create-lag", "LINODE_SANDBOX_CREATE_LAG"),
        ("--event-lag", "LINODE_SANDBOX_EVENT_LAG"),
        ("--disk-ready-lag", "LINODE_SANDBOX_DISK_READY_LAG"),
        ("--rate-limits", "LINODE_SANDBOX_RATE_LIMITS"),
        ("--rate-limits-file", "LINODE_SANDBOX_RATE_LIMITS_FILE"),
        ("--fault", "LINODE_SANDBOX_FAULT"),
    ] {
        assert!(help.contains(option), "{option} in\n{help}");
        assert!(
            help.contains(&format!("[env: {variable}")),
            "{variable} in\n{help}"
        );
    }
    // Every option the help shows has its variable.
    let options = help
        .lines()
        .filter(|l| {
            l.trim_start().starts_with("--") && !l.contains("--help") && !l.contains("--version")
        })
        .count();
    assert_eq!(
        options,
        help.matches("[env: LINODE_SANDBOX_").count(),
        "{help}"
    );

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_linode-sandbox"))
        .arg("--version")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("linode-sandbox {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// The published table limits every paginated list of the API's description (the `paginated`
/// column of `spec/operations.tsv`) to 200 a minute, image lists to 20.
#[test]
fn every_paginated_list_has_the_published_limit() {
    use linode_sandbox::RateLimit;
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/operations.tsv"
    ))
    .unwrap();
    let published = RateLimit::published();
    let minute = Duration::from_secs(60);
    let mut lists = 0;
    for line in spec.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields[0] != "GET" || fields[5] != "yes" {
            continue;
        }
        lists += 1;
        let pattern: String = fields[1]
            .split('/')
            .map(|s| if s.starts_with('{') { "*" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let limit = if pattern == "/images" { 20 } else { 200 };
        assert!(
            published.contains(&RateLimit::new(
                linode_sandbox::Method::GET,
                &pattern,
                limit,
                minute
            )),
            "{pattern}"
        );
    }
    assert_eq!(lists, 130);
    assert!(published.contains(&RateLimit::any_method("*", 1600, minute)));
    assert!(published.contains(&RateLimit::new(
        linode_sandbox::Method::POST,
        "/linode/instances",
        20,
        Duration::from_secs(15)
    )));
}
