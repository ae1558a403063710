//! HTTP-level tests of the sandbox, with a raw HTTP client.

use linode_sandbox::Sandbox;
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

use crate::common::{Api, Binary};

/// Sends `req`; every answer must be JSON, with a JSON content type. Returns (status, body).
async fn send(req: RequestBuilder) -> (u16, Value) {
    let (status, headers, text) = Api::send(req).await;
    let status = status.as_u16();
    let ct = headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body: Value = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("non-JSON body for {status}: {text:?}"));
    assert!(ct.starts_with("application/json"), "content-type {ct}");
    (status, body)
}

/// A request without a token.
fn anonymous(api: &Api, method: Method, path: &str) -> RequestBuilder {
    api.http.request(method, api.url(path))
}

/// A request with the token and `body` as it is, as JSON.
fn with_text(api: &Api, method: Method, path: &str, body: String) -> RequestBuilder {
    api.request(method, path)
        .header("Content-Type", "application/json")
        .body(body)
}

async fn get(api: &Api, path: &str) -> (u16, Value) {
    send(api.request(Method::GET, path)).await
}

async fn get_f(api: &Api, path: &str, filter: &str) -> (u16, Value) {
    send(api.request(Method::GET, path).header("X-Filter", filter)).await
}

async fn post(api: &Api, path: &str, body: Value) -> (u16, Value) {
    send(with_text(api, Method::POST, path, body.to_string())).await
}

async fn put(api: &Api, path: &str, body: Value) -> (u16, Value) {
    send(with_text(api, Method::PUT, path, body.to_string())).await
}

/// Labels of a filtered instance list (first page, page_size 500).
async fn labels(api: &Api, filter: &str) -> Vec<String> {
    let (s, b) = get_f(api, "/v4/linode/instances?page_size=500", filter).await;
    assert_eq!(s, 200, "{b}");
    b["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["label"].as_str().unwrap().to_owned())
        .collect()
}

fn err(reason: &str) -> Value {
    json!({"errors": [{"reason": reason}]})
}

fn field_err(field: &str, reason: &str) -> Value {
    json!({"errors": [{"reason": reason, "field": field}]})
}

fn good_create() -> Value {
    json!({
        "region": "us-east",
        "type": "g6-standard-2",
        "image": "linode/debian12",
        "root_pass": "aComplex@Password1",
        "label": "web-01",
        "tags": ["prod"],
        "group": "web",
    })
}

#[tokio::test]
async fn auth_is_required_and_shaped() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    assert_eq!(sb.token().len(), 64);
    assert!(sb.token().chars().all(|c| c.is_ascii_hexdigit()));
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("Basic abc"),
        Some("Bearer"),
    ] {
        let mut req = anonymous(&api, Method::GET, "/v4/linode/instances");
        if let Some(auth) = auth {
            req = req.header("Authorization", auth);
        }
        assert_eq!(send(req).await, (401, err("Invalid Token")));
    }
    let req = anonymous(&api, Method::POST, "/v4/linode/instances")
        .header("Content-Type", "application/json")
        .body(good_create().to_string());
    assert_eq!(send(req).await, (401, err("Invalid Token")));
    assert_eq!(sb.instance_count(), 0);
    // The public catalog is readable without a token.
    for path in [
        "/v4/regions",
        "/v4/regions/us-east",
        "/v4/linode/types",
        "/v4/linode/types/g6-nanode-1",
        "/v4/linode/kernels",
        "/v4/linode/kernels/linode/grub2",
        "/v4/images",
        "/v4/images/linode/debian12",
    ] {
        assert_eq!(
            send(anonymous(&api, Method::GET, path)).await.0,
            200,
            "{path}"
        );
    }
}

#[tokio::test]
async fn builder_token_and_recording() {
    let sb = Sandbox::builder().token("my-token").start().await.unwrap();
    assert_eq!(sb.token(), "my-token");
    assert!(sb.base_url().starts_with("http://127.0.0.1:"));
    assert_eq!(sb.base_url(), format!("http://{}", sb.addr()));
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{}/v4/linode/instances?x=1", sb.base_url()))
        .header("Authorization", "Bearer nope")
        .header("X-Custom", "yes")
        .body(r#"{"region":"us-east"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = http
        .get(format!("{}/v4beta/regions", sb.base_url()))
        .bearer_auth("my-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let reqs = sb.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].path, "/v4/linode/instances");
    assert_eq!(reqs[0].query.as_deref(), Some("x=1"));
    assert_eq!(reqs[0].header("authorization"), Some("<redacted>"));
    assert_eq!(reqs[0].header("X-Custom"), Some("yes"));
    assert_eq!(reqs[0].json(), Some(json!({"region": "us-east"})));
    assert_eq!(reqs[1].path, "/v4beta/regions");
    assert_eq!(reqs[1].body, None);
    sb.clear_requests();
    assert!(sb.requests().is_empty());
}

#[tokio::test]
async fn not_found_and_method_not_allowed() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    assert_eq!(get(&api, "/v4/nope").await, (404, err("Not found")));
    assert_eq!(
        get(&api, "/v4/linode/nope/deeper").await,
        (404, err("Not found"))
    );
    assert_eq!(get(&api, "/nothing").await, (404, err("Not found")));
    // `/` is the dashboard (HTML, see dashboard.rs); other methods answer the JSON 405.
    assert_eq!(
        send(api.request(Method::POST, "/")).await,
        (405, err("Method Not Allowed"))
    );
    assert_eq!(
        get(&api, "/v4/linode/instances/123").await,
        (404, err("Not found"))
    );
    assert_eq!(
        get(&api, "/v4/linode/instances/abc").await,
        (404, err("Not found"))
    );
    assert_eq!(
        get(&api, "/v4/linode/instances/-1").await,
        (404, err("Not found"))
    );
    assert_eq!(
        get(&api, "/v4/linode/instances/99999999999999999999999").await,
        (404, err("Not found"))
    );
    assert_eq!(
        get(&api, "/v4/regions/mars-1").await,
        (404, err("Not found"))
    );
    assert_eq!(
        get(&api, "/v4/linode/types/g0-huge").await,
        (404, err("Not found"))
    );
    assert_eq!(
        get(&api, "/v4/images/linode/nope").await,
        (404, err("Not found"))
    );
    assert_eq!(
        get(&api, "/v4/linode/kernels/linode/nope").await,
        (404, err("Not found"))
    );
    let (s, b) = send(api.request(Method::DELETE, "/v4/linode/instances/1")).await;
    assert_eq!((s, b), (404, err("Not found")));
    let (s, b) = send(api.request(Method::DELETE, "/v4/regions")).await;
    assert_eq!((s, b), (405, err("Method Not Allowed")));
    let (s, b) = send(api.request(Method::PATCH, "/v4beta/linode/instances")).await;
    assert_eq!((s, b), (405, err("Method Not Allowed")));
}

#[tokio::test]
async fn catalog_shapes() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    let (s, b) = get(&api, "/v4/regions/us-east").await;
    assert_eq!(s, 200);
    assert_eq!(b["id"], "us-east");
    assert_eq!(b["label"], "Newark, NJ");
    assert_eq!(b["country"], "us");
    assert_eq!(b["status"], "ok");
    assert_eq!(b["site_type"], "core");
    assert!(b["resolvers"]["ipv4"].is_string());
    assert!(b["resolvers"]["ipv6"].is_string());
    assert!(
        b["capabilities"]
            .as_array()
            .unwrap()
            .contains(&json!("Linodes"))
    );

    let (_, regions) = get(&api, "/v4/regions").await;
    let ids: Vec<&str> = regions["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in [
        "us-east",
        "us-central",
        "us-west",
        "us-southeast",
        "ca-central",
        "eu-west",
        "eu-central",
        "ap-south",
        "ap-northeast",
        "ap-west",
        "ap-southeast",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    assert_eq!(regions["results"], ids.len());

    let (s, t) = get(&api, "/v4/linode/types/g6-standard-2").await;
    assert_eq!(s, 200);
    assert_eq!(t["class"], "standard");
    assert_eq!(t["vcpus"], 2);
    assert_eq!(t["memory"], 4096);
    assert_eq!(t["disk"], 81920);
    assert_eq!(t["price"], json!({"hourly": 0.036, "monthly": 24.0}));
    assert_eq!(t["addons"]["backups"]["price"]["monthly"], 5.0);
    assert_eq!(t["successor"], Value::Null);
    assert_eq!(t["gpus"], 0);

    let (s, i) = get(&api, "/v4/images/linode/debian12").await;
    assert_eq!(s, 200);
    assert_eq!(i["id"], "linode/debian12");
    assert_eq!(i["vendor"], "Debian");
    assert_eq!(i["is_public"], true);
    assert_eq!(i["created_by"], "linode");
    assert_eq!(i["type"], "manual");
    assert_eq!(i["status"], "available");
    assert_eq!(i["expiry"], Value::Null);
    assert_eq!(i["tags"], json!([]));
    let (s2, i2) = get(&api, "/v4/images/linode%2Fdebian12").await;
    assert_eq!((s2, &i2), (200, &i));
    let (s3, i3) = get(&api, "/v4beta/images/linode%2fdebian12").await;
    assert_eq!((s3, &i3), (200, &i));

    let (s, k) = get(&api, "/v4/linode/kernels/linode%2Flatest-64bit").await;
    assert_eq!(s, 200);
    assert_eq!(k["id"], "linode/latest-64bit");
    assert_eq!(k["architecture"], "x86_64");
    let (s, _) = get(&api, "/v4/linode/kernels/linode/direct-disk").await;
    assert_eq!(s, 200);

    // Catalog filters.
    let (s, b) = get_f(
        &api,
        "/v4/linode/types",
        r#"{"class":"dedicated","vcpus":{"+gte":16}}"#,
    )
    .await;
    assert_eq!(s, 200);
    assert!(b["results"].as_u64().unwrap() >= 3);
    assert!(
        b["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["class"] == "dedicated" && t["vcpus"].as_u64().unwrap() >= 16)
    );
    let (_, b) = get_f(
        &api,
        "/v4/images",
        r#"{"vendor":"Ubuntu","+order_by":"label","+order":"desc"}"#,
    )
    .await;
    assert_eq!(b["data"][0]["id"], "linode/ubuntu24.04");
    let (_, b) = get_f(&api, "/v4/regions", r#"{"country":"jp"}"#).await;
    assert_eq!(b["results"], 3);
    let (s, b) = get_f(&api, "/v4/regions", r#"{"label":"Tokyo"}"#).await;
    assert_eq!((s, b), (400, err("Cannot filter on label")));
    let (_, b) = get_f(
        &api,
        "/v4/linode/kernels",
        r#"{"label":{"+contains":"grub"}}"#,
    )
    .await;
    assert_eq!(b["results"], 2);
}

#[tokio::test]
async fn pagination_math_and_validation() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    let ids = sb.seed_instances(250);
    assert_eq!(ids.len(), 250);
    let (s, b) = get(&api, "/v4/linode/instances").await;
    assert_eq!(s, 200);
    assert_eq!(
        (b["page"].clone(), b["pages"].clone(), b["results"].clone()),
        (json!(1), json!(3), json!(250))
    );
    assert_eq!(b["data"].as_array().unwrap().len(), 100);
    assert_eq!(b["data"][0]["label"], "seed-00001");
    let (_, b) = get(&api, "/v4/linode/instances?page=3").await;
    assert_eq!(b["page"], 3);
    assert_eq!(b["data"].as_array().unwrap().len(), 50);
    assert_eq!(b["data"][49]["id"], ids[249]);
    let (_, b) = get(&api, "/v4/linode/instances?page=2&page_size=25").await;
    assert_eq!(
        (b["pages"].clone(), b["data"].as_array().unwrap().len()),
        (json!(10), 25)
    );
    assert_eq!(b["data"][0]["label"], "seed-00026");
    let (_, b) = get(&api, "/v4/linode/instances?page_size=500").await;
    assert_eq!(
        (b["pages"].clone(), b["data"].as_array().unwrap().len()),
        (json!(1), 250)
    );
    // Past the last page: empty data, same counts.
    let (s, b) = get(&api, "/v4/linode/instances?page=9").await;
    assert_eq!(s, 200);
    assert_eq!(
        b,
        json!({"data": [], "page": 9, "pages": 3, "results": 250})
    );
    // Empty collections still have one page.
    let (_, b) = get_f(&api, "/v4/linode/instances", r#"{"label":"none-such"}"#).await;
    assert_eq!(b, json!({"data": [], "page": 1, "pages": 1, "results": 0}));

    for q in [
        "page_size=24",
        "page_size=501",
        "page_size=abc",
        "page_size=",
        "page_size=-5",
        "page_size=100.5",
    ] {
        let (s, b) = get(&api, &format!("/v4/linode/instances?{q}")).await;
        assert_eq!(
            (s, b),
            (400, field_err("page_size", "Must be 25-500")),
            "{q}"
        );
    }
    for q in [
        "page=0",
        "page=-1",
        "page=x",
        "page=1.5",
        "page=99999999999999999999999",
    ] {
        let (s, b) = get(&api, &format!("/v4/regions?{q}")).await;
        assert_eq!(s, 400, "{q}");
        assert_eq!(b["errors"][0]["field"], "page", "{q}");
    }
}

#[tokio::test]
async fn xfilter_operators() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    let mk = |label: &str, region: &str, group: &str, tags: Value| json!({"region": region, "type": "g6-nanode-1", "label": label, "group": group, "tags": tags});
    for body in [
        mk("alpha-web", "us-east", "web", json!(["prod", "blue"])),
        mk("beta-web", "eu-west", "web", json!(["staging"])),
        mk("gamma-db", "us-east", "db", json!([])),
        mk("delta-db", "ap-south", "db", json!(["prod"])),
    ] {
        assert_eq!(post(&api, "/v4/linode/instances", body).await.0, 200);
    }
    assert_eq!(
        labels(&api, r#"{"group":"web"}"#).await,
        ["alpha-web", "beta-web"]
    );
    assert_eq!(
        labels(&api, r#"{"group":"db","region":"us-east"}"#).await,
        ["gamma-db"]
    );
    assert_eq!(
        labels(&api, r#"{"tags":"prod"}"#).await,
        ["alpha-web", "delta-db"]
    );
    assert_eq!(
        labels(&api, r#"{"region":{"+neq":"us-east"}}"#).await,
        ["beta-web", "delta-db"]
    );
    assert_eq!(
        labels(&api, r#"{"label":{"+contains":"WEB"}}"#).await,
        ["alpha-web", "beta-web"]
    );
    assert_eq!(
        labels(&api, r#"{"label":{"+gt":"beta-web"}}"#).await,
        ["gamma-db", "delta-db"]
    );
    assert_eq!(
        labels(&api, r#"{"label":{"+gte":"beta-web"}}"#).await,
        ["beta-web", "gamma-db", "delta-db"]
    );
    assert_eq!(
        labels(&api, r#"{"label":{"+lt":"beta-web"}}"#).await,
        ["alpha-web"]
    );
    assert_eq!(
        labels(&api, r#"{"label":{"+lte":"beta-web"}}"#).await,
        ["alpha-web", "beta-web"]
    );
    let (_, all) = get(&api, "/v4/linode/instances").await;
    let id0 = all["data"][0]["id"].as_u64().unwrap();
    assert_eq!(
        labels(
            &api,
            &format!(r#"{{"id":{{"+gt":{id0}}},"+order_by":"id","+order":"desc"}}"#)
        )
        .await,
        ["delta-db", "gamma-db", "beta-web"]
    );
    assert_eq!(
        labels(&api, &format!(r#"{{"id":{id0}}}"#)).await,
        ["alpha-web"]
    );
    // ipv4 is an array: equality means membership.
    let ip = all["data"][2]["ipv4"][0].as_str().unwrap().to_owned();
    assert_eq!(
        labels(&api, &format!(r#"{{"ipv4":"{ip}"}}"#)).await,
        ["gamma-db"]
    );
    // Nested and/or.
    assert_eq!(
        labels(&api, r#"{"+or":[{"+and":[{"group":"web"},{"region":"eu-west"}]},{"+and":[{"group":"db"},{"tags":"prod"}]}]}"#).await,
        ["beta-web", "delta-db"]
    );
    assert_eq!(
        labels(
            &api,
            r#"{"+and":[{"+or":[{"region":"us-east"},{"region":"ap-south"}]},{"group":"db"}]}"#
        )
        .await,
        ["gamma-db", "delta-db"]
    );
    // Ordering, ties broken by id.
    assert_eq!(
        labels(&api, r#"{"+order_by":"label"}"#).await,
        ["alpha-web", "beta-web", "delta-db", "gamma-db"]
    );
    assert_eq!(
        labels(&api, r#"{"+order_by":"label","+order":"desc"}"#).await,
        ["gamma-db", "delta-db", "beta-web", "alpha-web"]
    );
    assert_eq!(
        labels(&api, r#"{"+order_by":"group","+order":"desc"}"#).await,
        ["alpha-web", "beta-web", "gamma-db", "delta-db"]
    );
    assert_eq!(
        labels(&api, r#"{"+order_by":"region"}"#).await,
        ["delta-db", "beta-web", "alpha-web", "gamma-db"]
    );
    // Dotted fields.
    assert_eq!(
        labels(&api, r#"{"placement_group.label":null}"#)
            .await
            .len(),
        4
    );
    assert!(
        labels(&api, r#"{"placement_group.label":"pg-1"}"#)
            .await
            .is_empty()
    );

    // Errors.
    let bad = |f: &'static str, reason: &'static str| (f, reason);
    for (f, reason) in [
        bad(r#"{"status":"running"}"#, "Cannot filter on status"),
        bad(
            r#"{"+or":[{"specs.vcpus":2}]}"#,
            "Cannot filter on specs.vcpus",
        ),
        bad(r#"{"+order_by":"created"}"#, "Cannot order by created"),
        bad(r#"{"label":"#, "The filter is not valid JSON"),
        bad("garbage", "The filter is not valid JSON"),
        bad("[]", "The filter must be a JSON object"),
        bad("42", "The filter must be a JSON object"),
        bad(r#"{"+nor":[]}"#, "Unknown filter operator +nor"),
        bad(
            r#"{"label":{"+like":"a"}}"#,
            "Unknown filter operator +like",
        ),
        bad(
            r#"{"+order_by":"label","+order":"sideways"}"#,
            "+order must be \"asc\" or \"desc\"",
        ),
    ] {
        let (s, b) = get_f(&api, "/v4/linode/instances", f).await;
        assert_eq!((s, b), (400, err(reason)), "{f}");
    }
}

#[tokio::test]
async fn create_instance_full_object() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    let (s, b) = post(&api, "/v4/linode/instances", good_create()).await;
    assert_eq!(s, 200, "{b}");
    let id = b["id"].as_u64().unwrap();
    assert!(id >= 40_000_000);
    assert_eq!(b["label"], "web-01");
    assert_eq!(b["region"], "us-east");
    assert_eq!(b["type"], "g6-standard-2");
    assert_eq!(b["image"], "linode/debian12");
    assert_eq!(b["group"], "web");
    assert_eq!(b["tags"], json!(["prod"]));
    assert_eq!(b["status"], "running");
    assert_eq!(b["hypervisor"], "kvm");
    assert_eq!(
        b["specs"],
        json!({"disk": 81920, "memory": 4096, "vcpus": 2, "gpus": 0, "transfer": 4000, "accelerated_devices": 0})
    );
    assert_eq!(
        b["alerts"],
        json!({"cpu": 180, "network_in": 10, "network_out": 10, "transfer_quota": 80, "io": 10000, "system_alerts": [], "user_alerts": []})
    );
    assert_eq!(b["backups"]["enabled"], false);
    assert_eq!(
        b["backups"]["schedule"],
        json!({"day": null, "window": null})
    );
    assert_eq!(b["watchdog_enabled"], true);
    assert_eq!(b["has_user_data"], false);
    assert_eq!(b["placement_group"], Value::Null);
    // Encrypted by default where the region offers Disk Encryption, as on the API.
    assert_eq!(b["disk_encryption"], "enabled");
    assert_eq!(b["site_type"], "core");
    assert_eq!(
        b["capabilities"],
        json!(["Block Storage Encryption", "Maintenance Policy"])
    );
    assert_eq!(b["ipv4"].as_array().unwrap().len(), 1);
    assert!(
        b["ipv6"]
            .as_str()
            .unwrap()
            .starts_with("2600:3c03::f03c:91ff:fe")
    );
    assert!(b["ipv6"].as_str().unwrap().ends_with("/128"));
    assert_eq!(b["host_uuid"].as_str().unwrap().len(), 40);
    let created = b["created"].as_str().unwrap();
    assert_eq!(created.len(), 19, "{created}");
    assert_eq!(&created[10..11], "T");
    assert!(b.get("root_pass").is_none());
    assert_eq!(sb.instance(id), Some(b.clone()));
    assert_eq!(
        get(&api, &format!("/v4/linode/instances/{id}")).await,
        (200, b.clone())
    );
    assert_eq!(
        get(&api, &format!("/v4beta/linode/instances/{id}")).await,
        (200, b)
    );

    // Minimal body: no image => offline, default label, private ip.
    let (s, b) = post(&api, "/v4/linode/instances", json!({"region": "eu-west", "type": "g6-nanode-1", "private_ip": true, "backups_enabled": true}))
        .await;
    assert_eq!(s, 200, "{b}");
    let id2 = b["id"].as_u64().unwrap();
    assert_eq!(id2, id + 1);
    assert_eq!(b["label"], format!("linode{id2}"));
    assert_eq!(b["status"], "offline");
    assert_eq!(b["image"], Value::Null);
    assert_eq!(b["group"], "");
    assert_eq!(b["tags"], json!([]));
    assert_eq!(b["backups"]["enabled"], true);
    let ipv4 = b["ipv4"].as_array().unwrap();
    assert_eq!(ipv4.len(), 2);
    assert!(ipv4[1].as_str().unwrap().starts_with("192.168."));
    // booted false with an image => offline.
    let mut body = good_create();
    body["label"] = json!("web-02");
    body["booted"] = json!(false);
    let (_, b) = post(&api, "/v4/linode/instances", body).await;
    assert_eq!(b["status"], "offline");
    assert_eq!(sb.instance_count(), 3);
    // Public addresses are unique.
    let (_, list) = get(&api, "/v4/linode/instances").await;
    let mut ips: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["ipv4"][0].as_str().unwrap())
        .collect();
    ips.sort();
    ips.dedup();
    assert_eq!(ips.len(), 3);
}

#[tokio::test]
async fn create_instance_validation() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    let with = |k: &str, v: Value| {
        let mut b = good_create();
        if v.is_null() {
            b.as_object_mut().unwrap().remove(k);
        } else {
            b[k] = v;
        }
        b
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (with("region", Value::Null), "region", "region is required"),
        (
            with("region", json!("mars-1")),
            "region",
            "region is not valid",
        ),
        (
            with("region", json!(5)),
            "region",
            "region must be a string",
        ),
        (with("type", Value::Null), "type", "type is required"),
        (
            with("type", json!("g0-huge")),
            "type",
            "A valid plan type by that ID was not found",
        ),
        (
            with("image", json!("linode/nope")),
            "image",
            "Image not found",
        ),
        (
            with("image", json!(true)),
            "image",
            "image must be a string",
        ),
        (
            with("root_pass", Value::Null),
            "root_pass",
            "root_pass is required",
        ),
        (
            with("root_pass", json!("short1A!")),
            "root_pass",
            "Password does not meet strength requirement",
        ),
        (
            with("root_pass", json!("onlylowercaseletters")),
            "root_pass",
            "Password does not meet strength requirement",
        ),
        (
            with("root_pass", json!(12345678901234u64)),
            "root_pass",
            "root_pass must be a string",
        ),
        (
            with("label", json!("ab")),
            "label",
            "Length must be 3-64 characters",
        ),
        (
            with("label", json!("x".repeat(65))),
            "label",
            "Length must be 3-64 characters",
        ),
        (
            with("label", json!("-abc")),
            "label",
            "Must begin and end with an alphanumeric character",
        ),
        (
            with("label", json!("a--b")),
            "label",
            "Must not contain two dashes, underscores or periods in a row",
        ),
        (
            with("label", json!("a__b")),
            "label",
            "Must not contain two dashes, underscores or periods in a row",
        ),
        (
            with("label", json!("a..b")),
            "label",
            "Must not contain two dashes, underscores or periods in a row",
        ),
        (
            with("label", json!("has space")),
            "label",
            "Must only use ASCII letters, numbers, underscores, dashes and periods",
        ),
        (
            with("label", json!(["x"])),
            "label",
            "label must be a string",
        ),
        (
            with("tags", json!("prod")),
            "tags",
            "tags must be an array of strings",
        ),
        (
            with("tags", json!([1])),
            "tags",
            "tags must be an array of strings",
        ),
        (
            with("tags", json!(["ab"])),
            "tags",
            "Length must be 3-50 characters",
        ),
        (with("group", json!(3)), "group", "group must be a string"),
        (
            with("booted", json!("yes")),
            "booted",
            "booted must be a boolean",
        ),
        (
            with("private_ip", json!(1)),
            "private_ip",
            "private_ip must be a boolean",
        ),
        (
            with("backups_enabled", json!("true")),
            "backups_enabled",
            "backups_enabled must be a boolean",
        ),
        (
            with("authorized_keys", json!("ssh-rsa AAA")),
            "authorized_keys",
            "authorized_keys must be an array of strings",
        ),
        (
            with("stackscript_id", json!("10079")),
            "stackscript_id",
            "stackscript_id must be a non-negative integer",
        ),
        (
            with("swap_size", json!(-1)),
            "swap_size",
            "swap_size must be a non-negative integer",
        ),
        (
            with("backup_id", json!(1234)),
            "backup_id",
            "Backup not found",
        ),
        (
            with("backup_id", json!(1.5)),
            "backup_id",
            "backup_id must be a non-negative integer",
        ),
    ];
    for (body, field, reason) in cases {
        let (s, b) = post(&api, "/v4/linode/instances", body.clone()).await;
        assert_eq!((s, b), (400, field_err(field, reason)), "{body}");
    }
    // Several problems are reported together, the plan first as on the API.
    let (s, b) = post(&api, "/v4/linode/instances", json!({})).await;
    assert_eq!(s, 400);
    assert_eq!(
        b,
        json!({"errors": [
            {"field": "type", "reason": "type is required"},
            {"field": "region", "reason": "region is required"},
        ]})
    );
    let (s, b) = post(&api,
            "/v4/linode/instances",
            json!({"region": "mars-1", "type": "g0-huge", "image": "linode/debian12", "root_pass": "aComplex@Password1"}),
        )
        .await;
    assert_eq!(
        (s, b),
        (
            400,
            json!({"errors": [
                {"field": "type", "reason": "A valid plan type by that ID was not found"},
                {"field": "region", "reason": "region is not valid"},
            ]})
        )
    );
    assert_eq!(sb.instance_count(), 0);
    // Label uniqueness.
    assert_eq!(
        post(&api, "/v4/linode/instances", good_create()).await.0,
        200
    );
    let (s, b) = post(&api, "/v4/linode/instances", good_create()).await;
    assert_eq!(
        (s, b),
        (
            400,
            field_err("label", "Label must be unique among your linodes")
        )
    );
    assert_eq!(sb.instance_count(), 1);
    // Bodies that are not JSON objects.
    for raw in [
        "",
        "not json",
        "[1,2]",
        "\"str\"",
        "null",
        "{\"region\":",
        "42",
    ] {
        let req = with_text(&api, Method::POST, "/v4/linode/instances", raw.to_owned());
        assert_eq!(send(req).await, (400, err("Invalid JSON")), "{raw:?}");
    }
}

#[tokio::test]
async fn update_and_delete_instance() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    let (_, a) = post(&api, "/v4/linode/instances", good_create()).await;
    let id = a["id"].as_u64().unwrap();
    let mut other = good_create();
    other["label"] = json!("other-1");
    assert_eq!(post(&api, "/v4/linode/instances", other).await.0, 200);
    let path = format!("/v4/linode/instances/{id}");

    let (s, b) = put(
        &api,
        &path,
        json!({
            "label": "renamed-1",
            "group": "edge",
            "tags": ["a-tag", "b-tag"],
            "alerts": {"cpu": 150},
            "backups": {"schedule": {"day": "Monday", "window": "W4"}, "enabled": true},
            "watchdog_enabled": false,
            "region": "eu-west",
            "id": 1,
            "status": "offline",
            "ipv4": ["1.2.3.4"],
        }),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["label"], "renamed-1");
    assert_eq!(b["group"], "edge");
    assert_eq!(b["tags"], json!(["a-tag", "b-tag"]));
    assert_eq!(
        b["alerts"],
        json!({"cpu": 150, "network_in": 10, "network_out": 10, "transfer_quota": 80, "io": 10000, "system_alerts": [], "user_alerts": []})
    );
    assert_eq!(
        b["backups"]["schedule"],
        json!({"day": "Monday", "window": "W4"})
    );
    assert_eq!(b["backups"]["enabled"], false);
    assert_eq!(b["watchdog_enabled"], false);
    assert_eq!(b["region"], "us-east");
    assert_eq!(b["id"], id);
    assert_eq!(b["status"], "running");
    assert_eq!(b["ipv4"], a["ipv4"]);
    assert_eq!(b["created"], a["created"]);
    assert_eq!(sb.instance(id), Some(b.clone()));
    // The old label is free again, the new one is taken.
    let mut again = good_create();
    again["label"] = json!("renamed-1");
    let (s, e) = post(&api, "/v4/linode/instances", again).await;
    assert_eq!(
        (s, e),
        (
            400,
            field_err("label", "Label must be unique among your linodes")
        )
    );
    // Keeping one's own label is fine; taking another's is not.
    assert_eq!(put(&api, &path, json!({"label": "renamed-1"})).await.0, 200);
    let (s, e) = put(&api, &path, json!({"label": "other-1"})).await;
    assert_eq!(
        (s, e),
        (
            400,
            field_err("label", "Label must be unique among your linodes")
        )
    );
    let (s, e) = put(&api, &path, json!({"label": "x"})).await;
    assert_eq!(
        (s, e),
        (400, field_err("label", "Length must be 3-64 characters"))
    );
    let (s, e) = put(&api, &path, json!({"alerts": {"io": "lots"}})).await;
    assert_eq!(
        (s, e),
        (
            400,
            field_err("alerts.io", "io must be a non-negative integer")
        )
    );
    let (s, e) = put(
        &api,
        &path,
        json!({"backups": {"schedule": {"day": "Someday"}}}),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(e["errors"][0]["field"], "backups.schedule.day");
    let (s, e) = put(&api, &path, json!({"watchdog_enabled": "no"})).await;
    assert_eq!(
        (s, e),
        (
            400,
            field_err("watchdog_enabled", "watchdog_enabled must be a boolean")
        )
    );
    let req = with_text(&api, Method::PUT, &path, "[]".into());
    assert_eq!(send(req).await, (400, err("Invalid JSON")));
    assert_eq!(
        put(&api, "/v4/linode/instances/1", json!({})).await,
        (404, err("Not found"))
    );

    // Delete.
    let (s, b) = send(api.request(Method::DELETE, &path)).await;
    assert_eq!((s, b), (200, json!({})));
    assert_eq!(sb.instance(id), None);
    assert_eq!(get(&api, &path).await, (404, err("Not found")));
    assert_eq!(
        send(api.request(Method::DELETE, &path)).await,
        (404, err("Not found"))
    );
    assert_eq!(sb.instance_count(), 1);
    // The deleted label can be reused.
    let mut reuse = good_create();
    reuse["label"] = json!("renamed-1");
    assert_eq!(post(&api, "/v4beta/linode/instances", reuse).await.0, 200);
}

/// Seeds `n` instances (a multiple of 40) and checks filtering, ordering and slicing.
async fn large_collection(n: usize) {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    let ids = sb.seed_instances(n);
    assert_eq!(ids.len(), n);
    assert_eq!(sb.instance_count(), n);
    let (s, b) = get_f(
        &api,
        "/v4/linode/instances?page=2&page_size=100",
        r#"{"region":"us-east","group":"web","+order_by":"label","+order":"desc"}"#,
    )
    .await;
    assert_eq!(s, 200);
    // Seed k (0-based) has region k % 8 and group k % 5: both first <=> k % 40 == 0.
    assert_eq!(b["results"], n / 40);
    assert_eq!(b["pages"], (n / 40).div_ceil(100));
    assert_eq!(b["data"].as_array().unwrap().len(), 100.min(n / 40 - 100));
    // Descending by label: page 2 starts at the 101st largest matching seed.
    let k = n - 40 * 101 + 1;
    assert_eq!(b["data"][0]["label"], format!("seed-{k:05}"));
    assert_eq!(
        sb.instance(ids[n - 1]).unwrap()["label"],
        format!("seed-{n:05}")
    );
    let (_, b) = get_f(
        &api,
        "/v4/linode/instances",
        r#"{"label":{"+contains":"seed-0009"}}"#,
    )
    .await;
    assert_eq!(b["results"], 10);
    // Seeding again continues the numbering.
    let more = sb.seed_instances(1);
    assert_eq!(
        sb.instance(more[0]).unwrap()["label"],
        format!("seed-{:05}", n + 1)
    );
}

#[tokio::test]
async fn large_collections_filter_order_and_page() {
    large_collection(20_000).await;
}

#[tokio::test]
async fn garbage_never_yields_5xx() {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let api = Api::of(&sb);
    sb.seed_instances(3);
    let paths = [
        "/v4/linode/instances/%FF%FE",
        "/v4/linode/instances/%",
        "/v4/linode/instances/%00",
        "/v4/linode/instances/1%2F2",
        "/v4/linode/instances/..%2F..",
        "/v4/linode/instances/18446744073709551616",
        "/v4/linode/instances//",
        "/v4//linode/instances",
        "/v4/images/%FF",
        "/v4/images/",
        "/v4/linode/kernels/%C3%28",
        "/v4/regions/%20",
        "/v4/linode/instances?page=%FF&page_size=%%",
        "/v4/linode/instances?page_size=25&page_size=9999",
        "/v4/linode/instances?&&&==&",
        "/v4beta/",
        "/v4beta",
        "/v4/",
        "/%2e%2e/%2e%2e/etc/passwd",
    ];
    let bodies = [
        "",
        "\u{0}",
        "{",
        "}",
        "[]",
        "[{}]",
        "true",
        "1e999",
        "{\"region\": {\"a\": [1,2,{}]}, \"type\": [null]}",
        "{\"label\": null, \"region\": null, \"type\": null, \"image\": null}",
        "{\"region\":\"us-east\",\"type\":\"g6-nanode-1\",\"label\":\"\u{1F600}\u{1F600}\u{1F600}\"}",
        "{\"region\":\"us-east\",\"type\":\"g6-nanode-1\",\"tags\":[null, 1, {}]}",
        "{\"region\":\"us-east\",\"type\":\"g6-nanode-1\",\"swap_size\":1e300}",
        "{\"region\":\"us-east\",\"type\":\"g6-nanode-1\",\"metadata\":{\"user_data\":5}}",
        "{\"region\":\"us-east\",\"type\":\"g6-nanode-1\",\"placement_group\":{\"id\":\"x\"}}",
        "{\"alerts\":[], \"backups\": 5}",
        "{\"alerts\":{\"cpu\":-1}, \"backups\": {\"schedule\": []}}",
        "{\"backups\": {\"schedule\": {\"day\": 5, \"window\": null}}}",
        "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":[[[[[[[[[[]]]]]]]]]]}}}}}}",
    ];
    let filters = [
        "{",
        "{\"+and\": 5}",
        "{\"+or\": [[]]}",
        "{\"+and\": [{\"+or\": [{\"+and\": [{\"label\": {\"+gt\": null}}]}]}]}",
        "{\"label\": {\"+contains\": \"\u{00e9}\"}}",
        "{\"tags\": {\"+gte\": \"a\", \"+lte\": \"z\"}}",
        "{\"+order_by\": 5}",
        "{\"+order\": null}",
        "{\"id\": \"not-a-number\"}",
        "{\"id\": 1e308}",
        "{\"\": 1}",
        "{\"+\": 1}",
    ];
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
    ];
    let targets = paths
        .iter()
        .map(|p| p.to_string())
        .chain(
            sb.seed_instances(1)
                .into_iter()
                .map(|id| format!("/v4/linode/instances/{id}")),
        )
        .chain(["/v4/linode/instances".to_owned()]);
    for path in targets {
        for method in &methods {
            let n = if *method == Method::GET {
                1
            } else {
                bodies.len()
            };
            for body in &bodies[..n] {
                let res = api
                    .request(method.clone(), &path)
                    .body(body.to_string())
                    .send()
                    .await
                    .unwrap();
                let status = res.status();
                let text = res.text().await.unwrap();
                assert!(
                    !status.is_server_error(),
                    "{method} {path} {body:?} -> {status} {text}"
                );
                if !status.is_success() {
                    let v: Value = serde_json::from_str(&text)
                        .unwrap_or_else(|_| panic!("{method} {path} {body:?} -> {status} {text}"));
                    assert!(v["errors"][0]["reason"].is_string(), "{text}");
                }
            }
        }
    }
    for f in filters {
        for path in [
            "/v4/linode/instances",
            "/v4/images",
            "/v4/regions",
            "/v4/linode/types",
            "/v4/linode/kernels",
        ] {
            let (s, _) = get_f(&api, path, f).await;
            assert!(s == 200 || s == 400, "{path} {f} -> {s}");
        }
    }
    // Raw bytes that are not valid UTF-8 in the filter header.
    let res = api
        .request(Method::GET, "/v4/linode/instances")
        .header(
            "X-Filter",
            reqwest::header::HeaderValue::from_bytes(b"{\"label\":\"\xff\"}").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

/// The binary prints the URL and token to use and serves them.
#[tokio::test]
async fn the_binary_prints_its_url_and_token_and_serves() {
    // The URL line ends with `/v4`, or the start fails.
    let mut bin = Binary::start("bin-token", |c| {
        c.args(["--seed-instances", "3"]);
    })
    .await;
    assert!(
        bin.api.base.starts_with("http://127.0.0.1:"),
        "{}",
        bin.api.base
    );
    let token_line = bin.stdout.next_line().await.unwrap().unwrap();
    assert_eq!(token_line, "LINODE_TOKEN=bin-token");
    let (_, body) = bin
        .api
        .call(Method::GET, "/v4/linode/instances", None)
        .await;
    assert_eq!(body["results"], 3);
    bin.kill().await;

    let status = tokio::process::Command::new(env!("CARGO_BIN_EXE_linode-sandbox"))
        .arg("--bogus")
        .output()
        .await
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(2));
}
