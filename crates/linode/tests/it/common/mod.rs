//! Shared helpers of the integration tests: a sandbox started in-process with a client pointed
//! at it, readers of what the sandbox recorded, and the few steps many tests take.
//!
//! Each test binary uses a subset of these, hence `dead_code` is allowed.
#![allow(dead_code)]

use linode::api::linode::{CreateInstance, Instance};
use linode::{Client, Error};
use linode_sandbox::{RecordedRequest, Sandbox};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A sandbox whose actions complete at once, and a client for it.
pub async fn setup() -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let client = client_with(&sandbox, sandbox.token());
    (sandbox, client)
}

/// A sandbox whose actions take their realistic time (speed 1), and a client for it.
pub async fn setup_timed() -> (Sandbox, Client) {
    let sandbox = Sandbox::builder()
        .speed(1.0)
        .start()
        .await
        .expect("sandbox starts");
    let client = client_with(&sandbox, sandbox.token());
    (sandbox, client)
}

/// A client for `sandbox` that authenticates with `token`.
pub fn client_with(sandbox: &Sandbox, token: &str) -> Client {
    Client::builder(token)
        .base_url(sandbox.base_url())
        .build()
        .expect("client builds")
}

/// The requests the sandbox received since it was last cleared, as `METHOD path?query`.
pub fn lines(sandbox: &Sandbox) -> Vec<String> {
    sandbox.requests().iter().map(line).collect()
}

/// One recorded request as `METHOD path?query`.
pub fn line(r: &RecordedRequest) -> String {
    match &r.query {
        Some(q) => format!("{} {}?{}", r.method, r.path, q),
        None => format!("{} {}", r.method, r.path),
    }
}

/// Runs the OAuth authorize step as a browser would (the sandbox's login page grants at once)
/// and returns the code it redirected back with.
pub async fn oauth_code(login: &linode::login::LoginClient, redirect_uri: &str) -> String {
    use linode::login::{OAuthScopes, ScopeFamily};
    let url = login.login_url(
        &[OAuthScopes::read_only(ScopeFamily::Linodes)],
        redirect_uri,
        "state",
    );
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client builds");
    let answer = browser
        .get(url)
        .send()
        .await
        .expect("the login server answers");
    let location = answer.headers()["location"]
        .to_str()
        .expect("a redirect")
        .to_owned();
    url::Url::parse(&location)
        .expect("a URL")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .expect("a code")
        .1
        .into_owned()
}

/// The last request the sandbox received, as `METHOD path?query`.
pub fn last_line(sandbox: &Sandbox) -> String {
    line(&sandbox.requests().pop().expect("a request was sent"))
}

/// The method, path and JSON body of the last request the sandbox received.
pub fn last_request(sandbox: &Sandbox) -> (String, String, Option<Value>) {
    let sent = sandbox.requests().pop().expect("a request was sent");
    (sent.method.clone(), sent.path.clone(), sent.json())
}

/// The JSON body of the last request the sandbox received, `null` when it had none.
pub fn last_body(sandbox: &Sandbox) -> Value {
    last_request(sandbox).2.unwrap_or(Value::Null)
}

/// The `X-Filter` header of the last request the sandbox received, as sent.
pub fn last_filter(sandbox: &Sandbox) -> Option<String> {
    let sent = sandbox.requests().pop().expect("a request was sent");
    sent.header("x-filter").map(str::to_owned)
}

/// The status, field and reason of the first error of an API refusal.
pub fn refusal(err: &Error) -> (u16, Option<&str>, &str) {
    match err {
        Error::Api { status, errors, .. } => (
            *status,
            errors[0].field.as_deref(),
            errors[0].reason.as_str(),
        ),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The actions of the events the sandbox recorded, oldest first, that start with `prefix`
/// (`""` for all of them).
pub fn event_actions(sandbox: &Sandbox, prefix: &str) -> Vec<String> {
    sandbox
        .events()
        .iter()
        .map(|e| e["action"].as_str().expect("an action").to_owned())
        .filter(|a| a.starts_with(prefix))
        .collect()
}

/// A request for a Debian 12 Nanode in `region`, to be refined by the caller.
pub fn debian_nanode(region: &str) -> CreateInstance {
    CreateInstance::from_image(region, "g6-nanode-1", "linode/debian12")
}

/// Creates a Linode from `request` and returns it.
pub async fn create_linode(client: &Client, request: CreateInstance) -> Instance {
    client
        .linode()
        .create_instance(request)
        .await
        .expect("the Linode is created")
        .instance
}

/// Creates a Nanode without disks labelled `label` in `region`.
pub async fn empty_linode(client: &Client, region: &str, label: &str) -> Instance {
    create_linode(
        client,
        CreateInstance::empty(region, "g6-nanode-1").label(label),
    )
    .await
}

/// POSTs `body` to the sandbox's `path` (under its base URL) as the client never would,
/// returning the status and the JSON answer.
pub async fn post_raw(sandbox: &Sandbox, path: &str, body: &Value) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .post(format!("{}{path}", sandbox.base_url()))
        .bearer_auth(sandbox.token())
        .json(body)
        .send()
        .await
        .expect("the sandbox answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.expect("a JSON answer"))
}

/// POSTs each body to `path` and checks that the sandbox refuses it with a 400 naming `field`.
pub async fn assert_raw_refusals<'a>(
    sandbox: &Sandbox,
    path: &str,
    cases: impl IntoIterator<Item = (Value, &'a str)>,
) {
    for (body, field) in cases {
        let (status, answer) = post_raw(sandbox, path, &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["errors"][0]["field"], field, "{body}");
    }
}

/// A stand-in for a misbehaving server or proxy: answers every connection with `response`
/// (the raw HTTP bytes) and closes it. Returns its base URL.
pub async fn raw_server(response: impl Into<String>) -> String {
    let response = response.into();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    format!("http://{addr}")
}
