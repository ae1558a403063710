//! The token never shows: not in the `Debug` of the client or its builder, not in any error,
//! not in the trace output of failed and retried requests.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use linode::api::linode::CreateInstance;
use linode::{Client, Error, Path, Request, RetryPolicy};
use linode_sandbox::{Fault, FaultRule, Method, Sandbox};

const TOKEN: &str = "tok-SECRET-0123456789abcdef";
const WRONG: &str = "tok-WRONG-fedcba9876543210";

fn assert_hidden(what: &str, text: &str) {
    for secret in [TOKEN, WRONG, "SECRET", "WRONG"] {
        assert!(!text.contains(secret), "{what} shows {secret:?}: {text}");
    }
}

/// `Display`, `Debug` and every `source()` of an error.
fn everything_shown(err: &Error) -> String {
    let mut text = format!("{err}\n{err:?}");
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        text.push_str(&format!("\n{s}\n{s:?}"));
        source = s.source();
    }
    text
}

async fn sandbox() -> Sandbox {
    Sandbox::builder().token(TOKEN).start().await.unwrap()
}

fn client(sandbox: &Sandbox, token: &str, timeout: Duration) -> Client {
    Client::builder(token)
        .base_url(sandbox.base_url())
        .timeout(timeout)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap()
}

#[test]
fn the_client_and_its_builder_do_not_show_the_token() {
    let builder = Client::builder(TOKEN).base_url("http://127.0.0.1:1");
    assert_hidden("ClientBuilder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_hidden("Client", &format!("{client:?} {client:#?}"));
}

/// Every error the client can produce against the sandbox (and a closed port).
async fn all_errors(sandbox: &Sandbox) -> Vec<Error> {
    let good = client(sandbox, TOKEN, Duration::from_millis(200));
    let bad = client(sandbox, WRONG, Duration::from_millis(200));
    let mut errors = vec![
        bad.linode().instances().send().await.unwrap_err(),
        good.linode().instance(1).await.unwrap_err(),
    ];
    sandbox.inject(FaultRule::new(Method::POST, "/linode/instances", Fault::Status(502)).times(1));
    errors.push(
        good.linode()
            .create_instance(CreateInstance::from_image(
                "us-east",
                "g6-nanode-1",
                "linode/debian12",
            ))
            .await
            .unwrap_err(),
    );
    sandbox.inject(FaultRule::new(
        Method::GET,
        "/regions/us-east",
        Fault::Delay(Duration::from_secs(2)),
    ));
    errors.push(good.regions().get("us-east").await.unwrap_err());
    sandbox.inject(FaultRule::new(
        Method::GET,
        "/regions/us-west",
        Fault::HtmlBadGateway,
    ));
    errors.push(good.regions().get("us-west").await.unwrap_err());
    errors.push(
        good.send::<Vec<u8>>(Request::get(Path::new("/regions/eu-west")))
            .await
            .unwrap_err(),
    );
    errors.push(
        good.linode()
            .create_instance(CreateInstance::from_image("us-east", "g6-nanode-1", "x").label(""))
            .await
            .unwrap_err(),
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let unreachable = Client::builder(TOKEN)
        .base_url(format!("http://{addr}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    errors.push(unreachable.regions().get("us-east").await.unwrap_err());
    errors.push(
        Client::builder(TOKEN)
            .base_url("http://example.com")
            .build()
            .unwrap_err(),
    );
    errors
}

#[tokio::test]
async fn no_error_shows_the_token() {
    let sandbox = sandbox().await;
    let errors = all_errors(&sandbox).await;
    let kinds: Vec<&str> = errors
        .iter()
        .map(|e| match e {
            Error::Api { .. } => "Api",
            Error::Indeterminate { .. } => "Indeterminate",
            Error::Timeout { .. } => "Timeout",
            Error::UnexpectedResponse { .. } => "UnexpectedResponse",
            Error::InvalidArgument { .. } => "InvalidArgument",
            Error::Transport { .. } => "Transport",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Api",
            "Api",
            "Indeterminate",
            "Timeout",
            "UnexpectedResponse",
            "UnexpectedResponse",
            "InvalidArgument",
            "Transport",
            "InvalidArgument"
        ]
    );
    for err in &errors {
        assert_hidden("an error", &everything_shown(err));
    }
}

/// A writer into a shared buffer, for the trace output.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn trace_output_of_failed_and_retried_requests_does_not_show_the_token() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // Global, not thread-local: the output of the other tests of this file lands there too,
    // and must not show the token either.
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let sandbox = sandbox().await;
    sandbox.inject(FaultRule::new(Method::GET, "/regions/us-east", Fault::Status(502)).times(2));
    client(&sandbox, TOKEN, Duration::from_secs(5))
        .regions()
        .get("us-east")
        .await
        .unwrap();
    let errors = all_errors(&sandbox).await;
    assert_eq!(errors.len(), 9);

    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert_hidden("the trace output", &log);
    // Each attempt is visible, with its number and status.
    for seen in [
        "attempt=1 status=502",
        "attempt=2 status=502",
        "attempt=3 status=200",
        "retrying",
        "status=401",
    ] {
        assert!(
            log.contains(seen),
            "{seen:?} not in the trace output:\n{log}"
        );
    }
}
