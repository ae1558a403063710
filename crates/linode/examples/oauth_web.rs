//! A web application that logs a user in with OAuth and lists their Linodes: the seed's OAuth
//! guide, end to end.
//!
//! With no configuration it starts a sandbox in this process (which also plays
//! `login.linode.com`), registers an OAuth client there and seeds a few Linodes. With
//! `LINODE_CLIENT_ID` and `LINODE_CLIENT_SECRET` set it uses the real login server and API;
//! the client must then be registered with the redirect URI `http://127.0.0.1:8000/callback`.
//!
//! ```text
//! cargo run --example oauth_web
//! ```
//!
//! Routes: `/` (the Linodes, or a login link), `/login` (to the login server, with a random
//! `state`), `/callback` (checks `state`, exchanges the code), `/logout` (expires the token).
//! It keeps one session in memory: a demo for one user at a time.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use linode::api::account::CreateOAuthClient;
use linode::login::{LoginClient, OAuthScopes, OAuthToken, ScopeFamily};
use linode::{Client, ExposeSecret};
use serde::Deserialize;

/// What the application needs to know.
pub struct AppConfig {
    /// The login client for this application's OAuth client.
    pub login: LoginClient,
    /// The API's base URL (`https://api.linode.com` or a sandbox's).
    pub api_url: String,
    /// Where the login server sends users back: this application's `/callback`.
    pub redirect_uri: String,
}

struct App {
    config: AppConfig,
    /// `state` values handed out by `/login` and not yet used.
    pending: Mutex<HashSet<String>>,
    /// The logged-in user's token.
    token: Mutex<Option<OAuthToken>>,
}

type Shared = Arc<App>;

/// The application's routes.
pub fn router(config: AppConfig) -> Router {
    let app = Arc::new(App {
        config,
        pending: Mutex::new(HashSet::new()),
        token: Mutex::new(None),
    });
    Router::new()
        .route("/", get(home))
        .route("/login", get(login))
        .route("/callback", get(callback))
        .route("/logout", get(logout))
        .with_state(app)
}

fn page(body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><title>Linodes</title></head><body>{body}</body></html>"
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn failure(status: StatusCode, what: &str) -> Response {
    (
        status,
        page(&format!("<p>{}</p><a href=\"/\">Home</a>", escape(what))),
    )
        .into_response()
}

async fn home(State(app): State<Shared>) -> Response {
    let token = app
        .token
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map(|t| t.access_token.clone());
    let Some(token) = token else {
        return page("<p>You are not logged in.</p><a href=\"/login\">Log in with Linode</a>")
            .into_response();
    };
    let listed = async {
        let client = Client::builder(token.expose_secret())
            .base_url(&app.config.api_url)
            .build()?;
        client.linode().instances().await?.collect_all().await
    }
    .await;
    match listed {
        Ok(linodes) => {
            let items: String = linodes
                .iter()
                .map(|l| {
                    format!(
                        "<li>{} ({}, {})</li>",
                        escape(&l.label),
                        escape(l.region.id()),
                        l.status
                    )
                })
                .collect();
            page(&format!(
                "<h1>Your Linodes</h1><ul>{items}</ul><a href=\"/logout\">Log out</a>"
            ))
            .into_response()
        }
        Err(err) => failure(
            StatusCode::BAD_GATEWAY,
            &format!("Cannot list Linodes: {err}"),
        ),
    }
}

/// Sends the user to the login server with a fresh random `state`.
async fn login(State(app): State<Shared>) -> Redirect {
    let state: String = rand::random::<[u8; 16]>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    app.pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(state.clone());
    let url = app.config.login.login_url(
        &[OAuthScopes::read_only(ScopeFamily::Linodes)],
        &app.config.redirect_uri,
        &state,
    );
    Redirect::to(url.as_str())
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
}

/// Checks `state`, then exchanges the code for the user's token.
async fn callback(State(app): State<Shared>, Query(query): Query<CallbackQuery>) -> Response {
    let known = query.state.as_ref().is_some_and(|s| {
        app.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(s)
    });
    if !known {
        return failure(
            StatusCode::BAD_REQUEST,
            "Unknown login attempt (bad state).",
        );
    }
    let Some(code) = query.code else {
        return failure(StatusCode::BAD_REQUEST, "The login server sent no code.");
    };
    match app.config.login.finish_oauth(&code).await {
        Ok(token) => {
            *app.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(token);
            Redirect::to("/").into_response()
        }
        Err(err) => failure(StatusCode::BAD_GATEWAY, &format!("Login failed: {err}")),
    }
}

/// Expires the token at the login server: a complete logout.
async fn logout(State(app): State<Shared>) -> Response {
    let token = app.token.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(token) = token {
        if let Err(err) = app.config.login.expire_token(&token.access_token).await {
            return failure(StatusCode::BAD_GATEWAY, &format!("Logout failed: {err}"));
        }
    }
    Redirect::to("/").into_response()
}

/// The example running against an in-process sandbox.
pub struct Demo {
    /// The sandbox playing the API and the login server.
    pub sandbox: linode_sandbox::Sandbox,
    /// The application's URL.
    pub url: String,
    /// The OAuth client registered for the application.
    pub client_id: String,
}

/// Starts a sandbox with three Linodes, registers an OAuth client for the application through
/// the API, and serves the application on a free loopback port.
pub async fn demo() -> Result<Demo, Box<dyn std::error::Error>> {
    let sandbox = linode_sandbox::Sandbox::start().await?;
    sandbox.seed_instances(3);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let redirect_uri = format!("{url}/callback");
    let admin = Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .build()?;
    let registered = admin
        .account()
        .create_oauth_client(CreateOAuthClient::new("oauth_web example", &redirect_uri))
        .await?;
    let login = LoginClient::new(
        registered.client.id.clone(),
        registered.secret.expose_secret(),
    )
    .base_url(&sandbox.base_url())?;
    let app = router(AppConfig {
        login,
        api_url: sandbox.base_url(),
        redirect_uri,
    });
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            eprintln!("oauth_web stopped: {err}");
        }
    });
    Ok(Demo {
        sandbox,
        url,
        client_id: registered.client.id,
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let configured = (
        std::env::var("LINODE_CLIENT_ID"),
        std::env::var("LINODE_CLIENT_SECRET"),
    );
    let _demo;
    match configured {
        (Ok(id), Ok(secret)) => {
            let addr = SocketAddr::from(([127, 0, 0, 1], 8000));
            let listener = tokio::net::TcpListener::bind(addr).await?;
            let app = router(AppConfig {
                login: LoginClient::new(id, secret),
                api_url: linode::DEFAULT_BASE_URL.to_owned(),
                redirect_uri: format!("http://{addr}/callback"),
            });
            tokio::spawn(async move {
                if let Err(err) = axum::serve(listener, app).await {
                    eprintln!("oauth_web stopped: {err}");
                }
            });
            println!("Open http://{addr}/ (real login server and API)");
        }
        _ => {
            let demo = demo().await?;
            println!(
                "Open {}/ (an in-process sandbox at {} plays Linode)",
                demo.url,
                demo.sandbox.base_url()
            );
            _demo = demo;
        }
    }
    tokio::signal::ctrl_c().await?;
    Ok(())
}
