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
