//! The token never shows: not in the `Debug` of the client or its builder, not in any error,
//! not in the trace output of failed and retried requests. Nor do the OAuth side's secrets
//! (client secrets, access and refresh tokens), personal access tokens, Longview API keys or
//! NodeBalancer SSL keys.

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use linode::api::account::CreateOAuthClient;
use linode::api::linode::CreateInstance;
use linode::api::nodebalancers::{ConfigSettings, CreateNodeBalancer};
use linode::api::profile::CreateToken;
use linode::login::LoginClient;
use linode::{Client, Error, ExposeSecret, Path, Request, RetryPolicy, SecretString};
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
    // For this test's thread (a current-thread runtime: the sandbox, the client and the
    // connections all run on it), so other tests of the binary neither slow down nor mix in.
    let _guard = tracing::subscriber::set_default(subscriber);
    // Callsites first reached by tests running at the same time on threads without a
    // subscriber may have cached "never"; recompute them now that this one is in place.
    tracing::callsite::rebuild_interest_cache();

    let sandbox = sandbox().await;
    sandbox.inject(FaultRule::new(Method::GET, "/regions/us-east", Fault::Status(502)).times(2));
    client(&sandbox, TOKEN, Duration::from_secs(5))
        .regions()
        .get("us-east")
        .await
        .unwrap();
    let errors = all_errors(&sandbox).await;
    assert_eq!(errors.len(), 9);

    let oauth = oauth_failures(&sandbox).await;

    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert_hidden("the trace output", &log);
    oauth.assert_hidden("the trace output", &log);
    assert!(
        log.contains("linode.login"),
        "the login calls are traced:\n{log}"
    );
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

const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const SSL_KEY: &str =
    "-----BEGIN PRIVATE KEY-----\nMIIE-SSL-KEY-SECRET-material\n-----END PRIVATE KEY-----\n";

/// The secrets of an OAuth exchange, to look for in whatever is shown.
#[derive(Default)]
struct Secrets(Vec<String>);

impl Secrets {
    fn add(&mut self, secret: &SecretString) {
        let text = secret.expose_secret();
        assert!(text.len() >= 8, "a real secret: {text:?}");
        self.0.push(text.to_owned());
    }

    fn assert_hidden(&self, what: &str, text: &str) {
        assert_hidden(what, text);
        for secret in &self.0 {
            assert!(
                !text.contains(secret.as_str()),
                "{what} shows {secret:?}: {text}"
            );
        }
    }
}

/// Registers an OAuth client (and resets its secret), returning a login client holding the
/// secret and the client's id.
async fn register(sandbox: &Sandbox, secrets: &mut Secrets) -> (LoginClient, String) {
    let admin = client(sandbox, TOKEN, Duration::from_secs(5));
    let registered = admin
        .account()
        .create_oauth_client(CreateOAuthClient::new("cli", "http://127.0.0.1:9/cb"))
        .await
        .unwrap();
    secrets.add(&registered.secret);
    secrets.assert_hidden(
        "a new OAuth client",
        &format!("{registered:?} {registered:#?}"),
    );
    let reset = admin
        .account()
        .reset_oauth_client_secret(&registered.client.id)
        .await
        .unwrap();
    secrets.add(&reset.secret);
    secrets.assert_hidden("a reset OAuth client", &format!("{reset:?} {reset:#?}"));
    let login = LoginClient::new(reset.client.id.clone(), reset.secret.expose_secret())
        .base_url(&sandbox.base_url())
        .unwrap();
    secrets.assert_hidden("the login client", &format!("{login:?} {login:#?}"));
    (login, reset.client.id.clone())
}

/// A full OAuth exchange, then every failure of the login client: the secrets involved, after
/// checking that neither the models nor the errors show them.
async fn oauth_failures(sandbox: &Sandbox) -> Secrets {
    let mut secrets = Secrets::default();
    let (login, id) = register(sandbox, &mut secrets).await;
    let token = login
        .finish_oauth(&common::oauth_code(&login, "http://127.0.0.1:9/cb").await)
        .await
        .unwrap();
    secrets.add(&token.access_token);
    let refresh = token.refresh_token.clone().unwrap();
    secrets.add(&refresh);
    secrets.assert_hidden("an OAuth token", &format!("{token:?} {token:#?}"));

    let wrong = LoginClient::new(id.clone(), "wrong-SECRET-value")
        .base_url(&sandbox.base_url())
        .unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let unreachable = LoginClient::new(id, "some-SECRET-value")
        .base_url(&format!("http://{addr}"))
        .unwrap();
    let errors = vec![
        wrong
            .finish_oauth(&common::oauth_code(&login, "http://127.0.0.1:9/cb").await)
            .await
            .unwrap_err(),
        login.finish_oauth("not-a-code").await.unwrap_err(),
        wrong.refresh(&refresh).await.unwrap_err(),
        login
            .refresh(&SecretString::from("refresh-SECRET-wrong".to_owned()))
            .await
            .unwrap_err(),
        unreachable.finish_oauth("x").await.unwrap_err(),
        unreachable
            .expire_token(&token.access_token)
            .await
            .unwrap_err(),
    ];
    assert!(
        matches!(
            &errors[0],
            Error::Api {
                status: 400 | 401,
                ..
            }
        ),
        "{:?}",
        errors[0]
    );
    assert!(matches!(&errors[1], Error::Api { status: 400, .. }));
    assert!(matches!(&errors[4], Error::Transport { .. }));
    for err in &errors {
        secrets.assert_hidden("a login error", &everything_shown(err));
    }
    // The refresh token still works after the failures: it was never used up by them.
    let renewed = login.refresh(&refresh).await.unwrap();
    secrets.add(&renewed.access_token);
    secrets.assert_hidden("a renewed token", &format!("{renewed:?}"));
    secrets
}

#[tokio::test]
async fn the_oauth_side_does_not_show_its_secrets() {
    let sandbox = sandbox().await;
    oauth_failures(&sandbox).await;
}

#[tokio::test]
async fn tokens_longview_keys_and_ssl_keys_do_not_show() {
    let sandbox = sandbox().await;
    let admin = client(&sandbox, TOKEN, Duration::from_secs(5));
    let mut secrets = Secrets::default();

    let new = admin
        .profile()
        .create_token(CreateToken::new("ci"))
        .await
        .unwrap();
    secrets.add(&new.secret);
    let listed = admin.profile().tokens().send().await.unwrap();
    secrets.assert_hidden(
        "a personal access token",
        &format!("{new:?} {new:#?} {listed:?}"),
    );

    let longview = admin
        .longview()
        .create_client(Some("db-watch"))
        .await
        .unwrap();
    secrets.add(&longview.api_key);
    let again = admin.longview().client(longview.id).await.unwrap();
    secrets.assert_hidden(
        "a Longview client",
        &format!("{longview:?} {longview:#?} {again:?}"),
    );
    let serialized = serde_json::to_string(&again).unwrap();
    secrets.assert_hidden("a serialized Longview client", &serialized);

    let nb = admin
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("us-east"))
        .await
        .unwrap();
    let settings = ConfigSettings::new(443).https(CERT, SSL_KEY);
    let config = admin
        .nodebalancers()
        .create_config(nb.id, &settings)
        .await
        .unwrap();
    let shown = format!("{settings:?} {settings:#?} {config:?} {config:#?}");
    assert!(
        !shown.contains("SSL-KEY-SECRET"),
        "an SSL key shows: {shown}"
    );
}
