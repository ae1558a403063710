//! Faults on demand, rate limits and request counts, seen over HTTP.

use std::time::{Duration, Instant};

use linode_sandbox::{Fault, FaultRule, Method, RateLimit, Sandbox};
use serde_json::{Value, json};

async fn get(sb: &Sandbox, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}{path}", sb.base_url()))
        .bearer_auth(sb.token())
        .send()
        .await
        .expect("answered")
}

fn create_body(label: &str) -> Value {
    json!({"region": "us-east", "type": "g6-nanode-1", "label": label})
}

async fn post(sb: &Sandbox, label: &str) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new()
        .post(format!("{}/v4/linode/instances", sb.base_url()))
        .bearer_auth(sb.token())
        .json(&create_body(label))
        .send()
        .await
}

#[tokio::test]
async fn status_faults_fire_the_given_number_of_times_on_both_versions() {
    let sb = Sandbox::start().await.unwrap();
    sb.inject(FaultRule::new(Method::GET, "/regions/*", Fault::Status(502)).times(2));
    let first = get(&sb, "/v4/regions/us-east").await;
    assert_eq!(first.status().as_u16(), 502);
    let body: Value = first.json().await.unwrap();
    assert_eq!(body, json!({"errors": [{"reason": "Bad Gateway"}]}));
    assert_eq!(get(&sb, "/v4beta/regions/us-east").await.status(), 502);
    assert_eq!(get(&sb, "/v4/regions/us-east").await.status(), 200);
    assert_eq!(sb.count(Method::GET, "/regions/us-east"), 3);
    assert_eq!(sb.count(Method::GET, "/regions/*"), 3);
    assert_eq!(sb.count(Method::POST, "/regions/us-east"), 0);
}

#[tokio::test]
async fn status_faults_do_not_run_the_request() {
    let sb = Sandbox::start().await.unwrap();
    sb.inject(FaultRule::new(Method::POST, "/linode/instances", Fault::Status(503)).times(1));
    assert_eq!(post(&sb, "lab-a").await.unwrap().status(), 503);
    assert_eq!(sb.instance_count(), 0);
    assert_eq!(post(&sb, "lab-a").await.unwrap().status(), 200);
    assert_eq!(sb.instance_count(), 1);
    assert_eq!(sb.count(Method::POST, "/linode/instances"), 2);
}

#[tokio::test]
async fn an_injected_429_carries_retry_after_and_rate_limit_headers() {
    let sb = Sandbox::start().await.unwrap();
    sb.inject(FaultRule::any_method("*", Fault::Status(429)).every(2));
    assert_eq!(get(&sb, "/v4/regions").await.status(), 200);
    let res = get(&sb, "/v4/regions").await;
    assert_eq!(res.status(), 429);
    let h = res.headers();
    assert_eq!(h["retry-after"], "1");
    assert_eq!(h["x-ratelimit-limit"], "1");
    assert_eq!(h["x-ratelimit-remaining"], "0");
    assert!(h.contains_key("x-ratelimit-reset"));
}

#[tokio::test]
async fn a_proxy_page_is_html_and_maintenance_is_flagged() {
    let sb = Sandbox::start().await.unwrap();
    sb.inject(FaultRule::any_method("/regions", Fault::HtmlBadGateway).times(1));
    sb.inject(FaultRule::any_method("/regions", Fault::Maintenance).times(1));
    let res = get(&sb, "/v4/regions").await;
    assert_eq!(res.status(), 502);
    assert_eq!(res.headers()["content-type"], "text/html");
    assert!(res.text().await.unwrap().starts_with("<html>"));

    let res = get(&sb, "/v4/regions").await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["x-maintenance-mode"], "all,Request Context");
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"errors": [{"reason": "Currently in maintenance mode."}]})
    );
}

#[tokio::test]
async fn a_truncated_body_is_half_of_the_real_answer() {
    let sb = Sandbox::start().await.unwrap();
    let whole = get(&sb, "/v4/regions/us-east").await.bytes().await.unwrap();
    sb.inject(FaultRule::new(Method::GET, "/regions/us-east", Fault::TruncatedBody).times(1));
    let res = get(&sb, "/v4/regions/us-east").await;
    assert_eq!(res.status(), 200);
    let cut = res.bytes().await.unwrap();
    assert_eq!(cut.len(), whole.len() / 2);
    assert_eq!(&whole[..cut.len()], &cut[..]);
}

#[tokio::test]
async fn a_connection_closed_mid_response_fails_the_body_after_the_request_ran() {
    let sb = Sandbox::start().await.unwrap();
    sb.inject(FaultRule::new(Method::POST, "/linode/instances", Fault::CloseMidResponse).times(1));
    let res = post(&sb, "lab-mid").await.expect("headers arrive");
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.is_err(), "the body is cut off");
    assert_eq!(sb.instance_count(), 1, "the create was applied");
}

#[tokio::test]
async fn a_slow_answer_arrives_after_the_delay() {
    let sb = Sandbox::start().await.unwrap();
    let delay = Duration::from_millis(300);
    sb.inject(FaultRule::any_method("/regions", Fault::Delay(delay)).times(1));
    let started = Instant::now();
    assert_eq!(get(&sb, "/v4/regions").await.status(), 200);
    assert!(started.elapsed() >= delay);
    sb.clear_faults();
}

#[tokio::test]
async fn rate_limits_answer_429_with_the_api_headers() {
    let sb = Sandbox::start().await.unwrap();
    sb.set_rate_limit(RateLimit::new(
        Method::POST,
        "/linode/instances",
        2,
        Duration::from_secs(30),
    ));
    let first = post(&sb, "lab-r1").await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["x-ratelimit-limit"], "2");
    assert_eq!(first.headers()["x-ratelimit-remaining"], "1");
    assert_eq!(post(&sb, "lab-r2").await.unwrap().status(), 200);
    let refused = post(&sb, "lab-r3").await.unwrap();
    assert_eq!(refused.status(), 429);
    let h = refused.headers().clone();
    let retry_after: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    assert_eq!(h["x-ratelimit-remaining"], "0");
    let reset: u64 = h["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(reset > now && reset <= now + 31, "{reset} vs {now}");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body, json!({"errors": [{"reason": "Too Many Requests"}]}));
    assert_eq!(sb.instance_count(), 2, "the refused create was not applied");
    // Other routes are not limited and carry no rate-limit headers.
    let other = get(&sb, "/v4/regions").await;
    assert_eq!(other.status(), 200);
    assert!(!other.headers().contains_key("x-ratelimit-limit"));
    sb.clear_rate_limits();
    assert_eq!(post(&sb, "lab-r3").await.unwrap().status(), 200);
}
