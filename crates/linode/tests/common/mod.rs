//! Shared setup: a sandbox started in-process and a client pointed at it.
#![allow(dead_code)]

use linode::Client;
use linode_sandbox::{RecordedRequest, Sandbox};

pub async fn setup() -> (Sandbox, Client) {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let client = Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .build()
        .expect("client builds");
    (sandbox, client)
}

/// The requests the sandbox received since it was last cleared, as `METHOD path?query`.
pub fn lines(sandbox: &Sandbox) -> Vec<String> {
    sandbox.requests().iter().map(line).collect()
}

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
