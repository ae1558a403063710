//! The retry rules, proved against the sandbox's injected faults: which requests are sent again,
//! which are not, how long the client waits, and what error each failure ends in.

use crate::common;

use std::time::{Duration, Instant};

use linode::api::linode::CreateInstance;
use linode::{Client, Error, RetryPolicy};
use linode_sandbox::{Fault, FaultRule, Method, Sandbox};

/// Quick retries, so tests that retry stay fast.
fn quick() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

async fn setup_with(policy: RetryPolicy, timeout: Duration) -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let client = Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .retry_policy(policy)
        .timeout(timeout)
        .build()
        .expect("client builds");
    (sandbox, client)
}

async fn setup() -> (Sandbox, Client) {
    setup_with(quick(), Duration::from_secs(10)).await
}

fn nanode(label: &str) -> CreateInstance {
    common::debian_nanode("us-east").label(label)
}

const REGION: &str = "/regions/us-east";
const INSTANCES: &str = "/linode/instances";

#[tokio::test]
async fn a_429_makes_the_client_wait_at_least_retry_after() {
    let (sandbox, client) = setup().await;
    sandbox.inject(FaultRule::new(Method::GET, REGION, Fault::Status(429)).times(1));
    let started = Instant::now();
    let region = client.regions().get("us-east").await.unwrap();
    assert_eq!(region.id, "us-east");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was obeyed"
    );
    assert_eq!(sandbox.count(Method::GET, REGION), 2);
}

#[tokio::test]
async fn a_get_that_meets_two_502s_succeeds_on_the_third_try() {
    let (sandbox, client) = setup().await;
    sandbox.inject(FaultRule::new(Method::GET, REGION, Fault::Status(502)).times(2));
    let region = client.regions().get("us-east").await.unwrap();
    assert_eq!(region.id, "us-east");
    assert_eq!(sandbox.count(Method::GET, REGION), 3);
}

#[tokio::test]
async fn idempotent_requests_retry_every_transient_failure() {
    let (sandbox, client) = setup().await;
    let id = sandbox.seed_instances(1)[0];
    let one = format!("{INSTANCES}/{id}");
    for fault in [
        Fault::Status(408),
        Fault::Status(503),
        Fault::Status(504),
        Fault::HtmlBadGateway,
        Fault::CloseMidResponse,
    ] {
        sandbox.clear_requests();
        sandbox.inject(FaultRule::any_method(&one, fault.clone()).times(1));
        let got = client.linode().instance(id).await.unwrap();
        assert_eq!(got.id, id, "{fault:?}");
        assert_eq!(sandbox.count(Method::GET, &one), 2, "GET after {fault:?}");

        sandbox.inject(FaultRule::any_method(&one, fault.clone()).times(1));
        let update = linode::api::linode::InstanceUpdate::new().group("retried");
        let updated = client.linode().update_instance(id, &update).await.unwrap();
        assert_eq!(updated.group, "retried");
        assert_eq!(sandbox.count(Method::PUT, &one), 2, "PUT after {fault:?}");
    }
    sandbox.inject(FaultRule::any_method(&one, Fault::Status(502)).times(1));
    client.linode().delete_instance(id).await.unwrap();
    assert_eq!(sandbox.count(Method::DELETE, &one), 2);
    assert_eq!(sandbox.instance_count(), 0);
}

#[tokio::test]
async fn errors_that_cannot_pass_are_not_retried() {
    let (sandbox, client) = setup().await;
    for status in [400, 401, 403, 404, 500] {
        sandbox.clear_requests();
        sandbox.inject(FaultRule::new(Method::GET, REGION, Fault::Status(status)).times(1));
        let err = client.regions().get("us-east").await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{err:?}");
        assert!(matches!(err, Error::Api { .. }), "{err:?}");
        assert_eq!(sandbox.count(Method::GET, REGION), 1);
    }
}

#[tokio::test]
async fn a_post_that_meets_a_502_is_sent_once_and_is_indeterminate() {
    let (sandbox, client) = setup().await;
    sandbox.inject(FaultRule::new(Method::POST, INSTANCES, Fault::Status(502)).times(1));
    let err = client
        .linode()
        .create_instance(nanode("once"))
        .await
        .unwrap_err();
    match &err {
        Error::Indeterminate {
            method,
            path,
            cause,
        } => {
            assert_eq!((method.as_str(), path.as_str()), ("POST", INSTANCES));
            assert_eq!(cause.status(), Some(502));
        }
        other => panic!("expected Indeterminate, got {other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("may or may not have been applied"));
    assert_eq!(sandbox.count(Method::POST, INSTANCES), 1);
    assert!(sandbox.instance_count() <= 1);
}

#[tokio::test]
async fn a_post_never_repeats_after_any_failure_that_may_have_applied_it() {
    let (sandbox, client) = setup_with(quick(), Duration::from_millis(200)).await;
    // (fault, whether the sandbox applied the create before failing)
    let cases = [
        (Fault::Status(503), false),
        (Fault::Status(504), false),
        (Fault::Status(500), false),
        (Fault::HtmlBadGateway, false),
        (Fault::CloseMidResponse, true),
        (Fault::Delay(Duration::from_secs(2)), true),
    ];
    for (i, (fault, applied)) in cases.into_iter().enumerate() {
        sandbox.clear_requests();
        let before = sandbox.instance_count();
        sandbox.inject(FaultRule::new(Method::POST, INSTANCES, fault.clone()).times(1));
        let err = client
            .linode()
            .create_instance(nanode(&format!("post-{i}")))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Indeterminate { .. }),
            "{fault:?}: {err:?}"
        );
        assert_eq!(sandbox.count(Method::POST, INSTANCES), 1, "{fault:?}");
        assert_eq!(
            sandbox.instance_count(),
            before + usize::from(applied),
            "{fault:?}"
        );
    }
}

#[tokio::test]
async fn a_post_that_meets_a_429_is_sent_again_and_lands_once() {
    let (sandbox, client) = setup_with(
        quick().max_elapsed(Duration::from_secs(5)),
        Duration::from_secs(10),
    )
    .await;
    // The 429 says `Retry-After: 1`: this test takes a second.
    sandbox.inject(FaultRule::new(Method::POST, INSTANCES, Fault::Status(429)).times(1));
    let created = client
        .linode()
        .create_instance(nanode("after-429"))
        .await
        .unwrap();
    assert_eq!(created.instance.label, "after-429");
    assert_eq!(sandbox.count(Method::POST, INSTANCES), 2);
    assert_eq!(sandbox.instance_count(), 1);
}

#[tokio::test]
async fn a_slow_response_ends_in_a_timeout() {
    let (sandbox, client) = setup_with(quick(), Duration::from_millis(200)).await;
    sandbox.inject(FaultRule::new(
        Method::GET,
        REGION,
        Fault::Delay(Duration::from_secs(2)),
    ));
    let started = Instant::now();
    let err = client.regions().get("us-east").await.unwrap_err();
    assert!(
        matches!(&err, Error::Timeout { method, path } if method == "GET" && path == REGION),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn an_html_page_a_truncated_body_or_a_wrong_type_is_an_unexpected_response() {
    let (sandbox, client) = setup_with(RetryPolicy::none(), Duration::from_secs(10)).await;
    sandbox.inject(FaultRule::new(Method::GET, REGION, Fault::HtmlBadGateway).times(1));
    match client.regions().get("us-east").await.unwrap_err() {
        Error::UnexpectedResponse {
            status,
            body_excerpt,
            json_path,
            ..
        } => {
            assert_eq!(status, 502);
            assert!(body_excerpt.starts_with("<html>"), "{body_excerpt}");
            assert_eq!(json_path, None);
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }

    sandbox.inject(FaultRule::new(Method::GET, REGION, Fault::TruncatedBody).times(1));
    let err = client.regions().get("us-east").await.unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse { status: 200, .. }),
        "{err:?}"
    );

    // A region where an instance is expected: the JSON path of the first mismatch is named.
    let err = client
        .send::<linode::api::linode::Instance>(linode::Request::get(linode::Path::new(REGION)))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::UnexpectedResponse {
                status: 200,
                json_path: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_error_is_returned() {
    let (sandbox, client) = setup_with(quick().max_attempts(3), Duration::from_secs(10)).await;
    sandbox.inject(FaultRule::new(Method::GET, REGION, Fault::Status(503)));
    let err = client.regions().get("us-east").await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable());
    assert_eq!(sandbox.count(Method::GET, REGION), 3);
}

#[tokio::test]
async fn total_time_is_bounded() {
    let policy = quick()
        .max_attempts(100)
        .initial_backoff(Duration::from_millis(40))
        .max_backoff(Duration::from_millis(40))
        .max_elapsed(Duration::from_millis(300));
    let (sandbox, client) = setup_with(policy, Duration::from_secs(10)).await;
    sandbox.inject(FaultRule::new(Method::GET, REGION, Fault::Status(503)));
    let started = Instant::now();
    let err = client.regions().get("us-east").await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(started.elapsed() < Duration::from_secs(2));
    let sent = sandbox.count(Method::GET, REGION);
    // Waits of 20..=40 ms, none started past 300 ms: at most 300/20 retries.
    assert!((2..=16).contains(&sent), "{sent} attempts");
}

#[tokio::test]
async fn dropping_a_call_that_is_backing_off_stops_its_attempts() {
    let policy = quick()
        .max_attempts(1000)
        .initial_backoff(Duration::from_millis(50))
        .max_backoff(Duration::from_millis(50))
        .max_elapsed(Duration::from_secs(60));
    let (sandbox, client) = setup_with(policy, Duration::from_secs(10)).await;
    sandbox.inject(FaultRule::new(Method::GET, REGION, Fault::Status(503)));
    let call = async { client.regions().get("us-east").await };
    let cancelled = tokio::time::timeout(Duration::from_millis(200), call).await;
    assert!(cancelled.is_err(), "the call was still retrying");
    let sent = sandbox.count(Method::GET, REGION);
    assert!(sent >= 2, "{sent}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sandbox.count(Method::GET, REGION),
        sent,
        "no attempt after the drop"
    );
}

#[tokio::test]
async fn a_list_claiming_absurdly_many_results_is_refused_not_allocated() {
    let body = r#"{"data":[{"id":"us-east"}],"page":1,"pages":2,"results":18446744073709551615}"#;
    let url = common::raw_server(format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ))
    .await;
    let client = Client::builder("t").base_url(url).build().unwrap();
    let err = client.regions().list().send().await.err().unwrap();
    assert!(
        matches!(&err, Error::UnexpectedResponse { status: 200, json_path: Some(p), .. } if p == "results"),
        "{err:?}"
    );
}

#[tokio::test]
async fn maintenance_is_returned_at_once_and_never_retried() {
    let (sandbox, client) = setup().await;
    sandbox.inject(FaultRule::any_method("*", Fault::Maintenance));
    let err = client.regions().get("us-east").await.unwrap_err();
    assert!(err.is_maintenance(), "{err:?}");
    assert_eq!(err.status(), Some(503));
    assert!(!err.is_retryable());
    match &err {
        Error::Maintenance { method, path, .. } => {
            assert_eq!((method.as_str(), path.as_str()), ("GET", REGION));
        }
        other => panic!("expected Maintenance, got {other:?}"),
    }
    assert!(err.to_string().contains("in maintenance"), "{err}");
    assert_eq!(sandbox.count(Method::GET, REGION), 1);
    // A create is not indeterminate either: nothing was applied during maintenance.
    let err = client
        .linode()
        .create_instance(nanode("during-maintenance"))
        .await
        .unwrap_err();
    assert!(err.is_maintenance(), "{err:?}");
    assert_eq!(sandbox.count(Method::POST, INSTANCES), 1);
    sandbox.clear_faults();
    assert_eq!(sandbox.instance_count(), 0);
}

/// A server answering `first` to the first `n` connections, then `then`; and a counter of
/// the connections it took.
async fn scripted_server(
    n: usize,
    first: String,
    then: String,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let k = seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let answer = if k < n { &first } else { &then };
            let _ = socket.write_all(answer.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    (format!("http://{addr}"), count)
}

fn http(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
        body.len()
    )
}

const REGION_JSON: &str = r#"{"id":"us-east","label":"Newark, NJ","country":"us","capabilities":[],"status":"ok","resolvers":{"ipv4":"","ipv6":""}}"#;

#[tokio::test]
async fn retry_after_is_obeyed_only_on_a_429_or_a_503() {
    // A 502 that asks for 30 s is retried on the client's own backoff, well within 5 s.
    let (url, count) = scripted_server(
        1,
        http(
            "502 Bad Gateway",
            "retry-after: 30\r\n",
            r#"{"errors":[{"reason":"Bad Gateway"}]}"#,
        ),
        http("200 OK", "", REGION_JSON),
    )
    .await;
    let client = Client::builder("t")
        .base_url(url)
        .retry_policy(quick().max_elapsed(Duration::from_secs(5)))
        .build()
        .unwrap();
    let started = Instant::now();
    let region = client.regions().get("us-east").await.unwrap();
    assert_eq!(region.id, "us-east");
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    // A 500 with nonsense hints (negative Retry-After, X-RateLimit-Reset: -1) is an error at
    // once, not a wait and not a panic.
    let (url, count) = scripted_server(
        9,
        http(
            "500 Internal Server Error",
            "retry-after: -5\r\nx-ratelimit-reset: -1\r\n",
            r#"{"errors":[{"reason":"Internal error"}]}"#,
        ),
        String::new(),
    )
    .await;
    let client = Client::builder("t").base_url(url).build().unwrap();
    let err = client.regions().get("us-east").await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);

    // A 429 whose Retry-After is an HTTP date is waited for.
    let at = std::time::SystemTime::now() + Duration::from_secs(2);
    let (url, count) = scripted_server(
        1,
        http(
            "429 Too Many Requests",
            &format!("retry-after: {}\r\n", httpdate_fmt(at)),
            r#"{"errors":[{"reason":"Too many requests"}]}"#,
        ),
        http("200 OK", "", REGION_JSON),
    )
    .await;
    let client = Client::builder("t")
        .base_url(url)
        .retry_policy(quick().max_elapsed(Duration::from_secs(10)))
        .build()
        .unwrap();
    let started = Instant::now();
    client.regions().get("us-east").await.unwrap();
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`), second precision.
fn httpdate_fmt(at: std::time::SystemTime) -> String {
    let secs = at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let t = time::OffsetDateTime::from_unix_timestamp(secs).unwrap();
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    t.format(&fmt).unwrap()
}

#[tokio::test]
async fn warnings_in_a_successful_answer_reach_the_caller() {
    let body = r#"{"id":"us-east","warnings":[{"title":"Deprecated","details":"Use v4beta for this"},{"title":null,"details":"x"}]}"#;
    let (url, _) = scripted_server(9, http("299 Warning", "", body), String::new()).await;
    let client = Client::builder("t").base_url(url).build().unwrap();
    let answer = client
        .send_full::<serde_json::Value>(linode::Request::get(linode::Path::new("/regions/us-east")))
        .await
        .unwrap();
    assert_eq!(answer.status, 299);
    assert_eq!(answer.value["id"], "us-east");
    let warnings: Vec<(&str, &str)> = answer
        .warnings
        .iter()
        .map(|w| (w.title.as_str(), w.details.as_str()))
        .collect();
    assert_eq!(warnings, [("Deprecated", "Use v4beta for this"), ("", "x")]);
    // Without warnings, the list is empty.
    let (url, _) = scripted_server(9, http("200 OK", "", REGION_JSON), String::new()).await;
    let client = Client::builder("t").base_url(url).build().unwrap();
    let answer = client
        .send_full::<serde_json::Value>(linode::Request::get(linode::Path::new("/regions/us-east")))
        .await
        .unwrap();
    assert!(answer.warnings.is_empty());
}
