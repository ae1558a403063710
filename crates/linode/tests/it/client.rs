//! The request pipeline: auth, headers, versions, lazy handles and the errors it reports.

use crate::common;

use std::time::Duration;

use linode::api::linode::Instance;
use linode::api::regions::Region;
use linode::{ApiVersion, Client, Error, Lazy, Path, Request, RetryPolicy};

#[tokio::test]
async fn requests_carry_the_token_user_agent_and_version() {
    let (sandbox, _) = common::setup().await;
    let client = Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .api_version(ApiVersion::V4Beta)
        .user_agent_suffix("my-app/2.0")
        .build()
        .unwrap();
    client.regions().get("us-east").await.unwrap();
    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(sent.path, "/v4beta/regions/us-east");
    assert_eq!(
        sent.header("user-agent"),
        Some(format!("linode-rs/{} my-app/2.0", env!("CARGO_PKG_VERSION")).as_str())
    );
    assert_eq!(
        sent.header("authorization"),
        Some("<redacted>"),
        "the sandbox saw a bearer token"
    );
}

#[tokio::test]
async fn a_wrong_token_is_an_api_error_401_that_does_not_show_the_token() {
    let (sandbox, _) = common::setup().await;
    let client = common::client_with(&sandbox, "not-the-token-abc");
    let err = client.linode().instances().send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 401, errors, .. } if !errors.is_empty()),
        "{err:?}"
    );
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("not-the-token-abc"), "{shown}");
}

#[tokio::test]
async fn lazy_handles_load_once_and_refresh_volatile_models_when_stale() {
    let (sandbox, _) = common::setup().await;
    let client = Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .volatile_ttl(Duration::from_millis(200))
        .build()
        .unwrap();
    let id = sandbox.seed_instances(1)[0];
    sandbox.clear_requests();

    let lazy: Lazy<Instance> = Lazy::new(&client, id);
    assert_eq!(*lazy.id(), id);
    assert!(!lazy.is_loaded());
    assert!(
        sandbox.requests().is_empty(),
        "building a handle sends nothing"
    );

    let first = lazy.get().await.unwrap();
    let again = lazy.get().await.unwrap();
    assert_eq!(first.id, id);
    assert_eq!(again.label, first.label);
    assert_eq!(
        common::lines(&sandbox),
        [format!("GET /v4/linode/instances/{id}")]
    );

    tokio::time::sleep(Duration::from_millis(250)).await;
    lazy.get().await.unwrap();
    assert_eq!(
        sandbox.requests().len(),
        2,
        "a stale volatile model is fetched again"
    );

    // Regions have no volatile field: they stay cached.
    let region = client.lazy::<Region>("us-east".to_owned());
    region.get().await.unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    region.get().await.unwrap();
    assert_eq!(sandbox.requests().len(), 3);

    let missing: Lazy<Instance> = client.lazy(1);
    assert!(missing.get().await.unwrap_err().is_not_found());
    assert!(client.load::<Instance>(1).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_names_the_json_path() {
    let (_sandbox, client) = common::setup().await;
    let err = client
        .send::<Instance>(Request::get(Path::new("/regions/us-east")))
        .await
        .unwrap_err();
    match err {
        Error::UnexpectedResponse {
            status,
            json_path,
            body_excerpt,
            ..
        } => {
            assert_eq!(status, 200);
            assert!(json_path.is_some());
            assert!(body_excerpt.starts_with('{'), "{body_excerpt}");
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn html_pages_and_truncated_json_are_unexpected_responses() {
    let html = "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n<html><body>502 Bad Gateway</body></html>\r\n";
    let url = common::raw_server(html).await;
    // Without retries: a GET meeting a 502 would otherwise be sent again.
    let client = Client::builder("t")
        .base_url(url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    match client.regions().get("us-east").await.unwrap_err() {
        Error::UnexpectedResponse {
            status,
            body_excerpt,
            method,
            path,
            ..
        } => {
            assert_eq!(
                (status, method.as_str(), path.as_str()),
                (502, "GET", "/regions/us-east")
            );
            assert!(body_excerpt.starts_with("<html>"), "{body_excerpt}");
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }

    let truncated = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{\"id\": \"us-east\", \"l";
    let url = common::raw_server(truncated).await;
    let client = Client::builder("t").base_url(url).build().unwrap();
    let err = client.regions().get("us-east").await.unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse { status: 200, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unreachable_host_is_a_transport_error_naming_the_request() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder("t")
        .base_url(format!("http://{addr}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.regions().get("us-east").await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport { method, path, .. } if method == "GET" && path == "/regions/us-east"),
        "{err:?}"
    );
}
