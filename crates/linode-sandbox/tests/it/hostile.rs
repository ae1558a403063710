//! The sandbox under hostile input: random methods, paths, ids, page values, filters, headers
//! and bodies always get an answer below 500, and every error answer is the API's JSON error
//! envelope.

use linode_sandbox::Sandbox;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

#[derive(Debug, Clone)]
struct Hostile {
    method: &'static str,
    path: String,
    query: Option<String>,
    filter: Option<String>,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    auth: bool,
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("linode".to_owned()),
        Just("instances".to_owned()),
        Just("types".to_owned()),
        Just("kernels".to_owned()),
        Just("regions".to_owned()),
        Just("images".to_owned()),
        Just("40000000".to_owned()),
        Just("-1".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("%2e%2e".to_owned()),
        Just("%FF%00".to_owned()),
        Just("".to_owned()),
        "[a-zA-Z0-9._~-]{1,12}",
        any::<u64>().prop_map(|n| n.to_string()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,40}",
        Just(r#"{"label": "seed-00001"}"#.to_owned()),
        Just(r#"{"+or": [{"id": {"+gt": 1}}, {"label": {"+contains": 5}}]}"#.to_owned()),
        Just(r#"{"+order_by": "label", "+order": "sideways"}"#.to_owned()),
        Just(r#"{"+and": [[[[[]]]]]}"#.to_owned()),
        Just(r#"{"region": {"+gte": null}}"#.to_owned()),
        Just("9".repeat(400)),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        text().prop_map(String::into_bytes),
        Just(br#"{"region": "us-east", "type": "g6-nanode-1", "label": 7}"#.to_vec()),
        Just(br#"{"region": ["us-east"], "type": {}, "image": 1, "tags": [null]}"#.to_vec()),
        Just(br#"{"label": "ok-label", "alerts": {"cpu": -5}, "backups": 3}"#.to_vec()),
        Just(b"[]".to_vec()),
        Just(b"null".to_vec()),
    ]
}

fn hostile() -> impl Strategy<Value = Hostile> {
    let method = prop::sample::select(vec![
        "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
    ]);
    let prefix = prop::sample::select(vec!["/v4", "/v4beta", "/v4/", "/v5", ""]);
    let query = prop::option::of(prop_oneof![
        (text(), text()).prop_map(|(p, s)| format!(
            "page={}&page_size={}",
            urlencode(&p),
            urlencode(&s)
        )),
        (any::<i64>(), any::<i64>()).prop_map(|(p, s)| format!("page={p}&page_size={s}")),
        "[a-z=&%0-9]{0,20}",
    ]);
    let headers = prop::collection::vec(("x-[a-z]{1,8}", "[ -~]{0,20}"), 0..3);
    (
        method,
        prefix,
        prop::collection::vec(segment(), 0..5),
        query,
        prop::option::of(text()),
        headers,
        prop::option::of(body()),
        any::<bool>(),
    )
        .prop_map(
            |(method, prefix, segments, query, filter, headers, body, auth)| Hostile {
                method,
                path: format!("{prefix}/{}", segments.join("/")),
                query,
                filter,
                headers,
                body,
                auth,
            },
        )
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn send(sandbox: &Sandbox, http: &reqwest::Client, case: &Hostile) -> (u16, Vec<u8>) {
    let mut url = format!("{}{}", sandbox.base_url(), case.path);
    if let Some(q) = &case.query {
        url.push('?');
        url.push_str(q);
    }
    let method = reqwest::Method::from_bytes(case.method.as_bytes()).unwrap();
    let mut req = http.request(method, url);
    if case.auth {
        req = req.bearer_auth(sandbox.token());
    }
    if let Some(filter) = &case.filter {
        req = req.header("X-Filter", filter);
    }
    for (name, value) in &case.headers {
        req = req.header(name, value);
    }
    if let Some(body) = &case.body {
        req = req
            .header("Content-Type", "application/json")
            .body(body.clone());
    }
    let res = req.send().await.expect("the sandbox answers");
    let status = res.status().as_u16();
    (status, res.bytes().await.expect("a whole body").to_vec())
}

#[test]
fn hostile_requests_get_a_4xx_json_envelope_never_a_5xx() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sandbox = rt.block_on(Sandbox::start()).unwrap();
    sandbox.seed_instances(5);
    let http = reqwest::Client::new();
    let mut runner = TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&hostile(), |case| {
            let (status, body) = rt.block_on(send(&sandbox, &http, &case));
            prop_assert!(status < 500, "{status} for {case:?}");
            if status >= 400 && case.method != "HEAD" {
                let json: Value = serde_json::from_slice(&body)
                    .map_err(|e| TestCaseError::fail(format!("not JSON ({e}) for {case:?}")))?;
                let errors = json["errors"].as_array();
                prop_assert!(
                    errors.is_some_and(|e| !e.is_empty()
                        && e.iter().all(|x| x["reason"].is_string())),
                    "not an error envelope: {json} for {case:?}"
                );
            }
            Ok(())
        })
        .unwrap();
}
