//! What the modules share: [`Api`], an HTTP caller of a sandbox, and [`Binary`], the sandbox's
//! binary run as a process.

use linode_sandbox::Sandbox;
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// A client of the sandbox at `base` (the URL without `/v4`) that sends `token`.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub token: String,
    pub http: reqwest::Client,
}

/// An answer read whole: status, headers and body.
pub type Answer = (StatusCode, HeaderMap, String);

/// The body as JSON; `Null` when it is not JSON.
pub fn json_or_null(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

impl Api {
    /// A client of the sandbox at `base` that sends `token`.
    pub fn new(base: impl Into<String>, token: impl Into<String>) -> Api {
        Api {
            base: base.into(),
            token: token.into(),
            http: reqwest::Client::new(),
        }
    }

    /// A client of `sb` with its own token.
    pub fn of(sb: &Sandbox) -> Api {
        Api::new(sb.base_url(), sb.token())
    }

    /// The URL of `path` (which starts with `/v4/`, `/sandbox/`, ...).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request to `path` with the token, to add to and send with [`Api::send`].
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
    }

    /// Sends `req` and reads the whole answer.
    pub async fn send(req: RequestBuilder) -> Answer {
        let res = req.send().await.expect("the sandbox answers");
        let (status, headers) = (res.status(), res.headers().clone());
        (status, headers, res.text().await.expect("a whole body"))
    }

    /// A request with the token and `body` as JSON; the whole answer.
    pub async fn raw(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.raw_as(&self.token, method, path, body).await
    }

    async fn raw_as(&self, token: &str, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut req = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        Api::send(req).await
    }

    /// A request with the token; the status and the JSON body (`Null` when not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_as(&self.token, method, path, body).await
    }

    /// [`Api::call`] with another token.
    pub async fn call_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (status, _, text) = self.raw_as(token, method, path, body).await;
        (status, json_or_null(&text))
    }

    /// A request with `body` sent as it is, as `application/json`; the whole answer.
    pub async fn send_text(&self, method: Method, path: &str, body: Option<&str>) -> Answer {
        let mut req = self.request(method, path);
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        Api::send(req).await
    }

    /// A GET with `filter` as `X-Filter`; the status and the JSON body (`Null` when not JSON).
    pub async fn get_filtered(&self, path: &str, filter: &str) -> (StatusCode, Value) {
        let req = self.request(Method::GET, path).header("X-Filter", filter);
        let (status, _, text) = Api::send(req).await;
        (status, json_or_null(&text))
    }

    /// A request that must answer 200; its JSON body.
    pub async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.call(method.clone(), path, body).await;
        assert_eq!(status, StatusCode::OK, "{method} {path}: {answer}");
        answer
    }

    /// A GET that must answer 200; its JSON body.
    pub async fn get(&self, path: &str) -> Value {
        self.ok(Method::GET, path, None).await
    }

    /// A POST of `body` that must answer 200; its JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.ok(Method::POST, path, Some(body)).await
    }
}

/// `linode-sandbox` running as a process, killed when dropped.
pub struct Binary {
    child: Child,
    /// The lines after the URL. Kept open: the binary prints its token after its URL, and
    /// would panic on a closed pipe.
    pub stdout: Lines<BufReader<ChildStdout>>,
    /// A client of it with the token it was started with.
    pub api: Api,
}

impl Binary {
    /// Starts `linode-sandbox --listen 127.0.0.1:0 --token <token>` with what `configure` adds
    /// (arguments, environment) and reads the URL it prints first.
    pub async fn start(token: &str, configure: impl FnOnce(&mut Command)) -> Binary {
        let mut command = Command::new(env!("CARGO_BIN_EXE_linode-sandbox"));
        command.args(["--listen", "127.0.0.1:0", "--token", token]);
        configure(&mut command);
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = stdout.next_line().await.unwrap().expect("a URL line");
        let base = url
            .strip_prefix("LINODE_API_URL=")
            .and_then(|u| u.strip_suffix("/v4"))
            .expect("a URL line");
        Binary {
            child,
            stdout,
            api: Api::new(base, token),
        }
    }

    /// `kill -9`: no chance to flush anything.
    pub async fn kill(mut self) {
        self.child.kill().await.unwrap();
    }
}
