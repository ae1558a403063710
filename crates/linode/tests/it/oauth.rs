//! OAuth end to end: the example web application logs a user in against the sandbox (which
//! plays the login server), the LoginClient's calls one by one, and scope enforcement.

use crate::common;

#[allow(dead_code)]
#[path = "../../examples/oauth_web.rs"]
mod oauth_web;

use linode::api::account::CreateOAuthClient;
use linode::api::linode::CreateInstance;
use linode::login::{Access, LoginClient, OAuthScopes, ScopeFamily};
use linode::{Error, ExposeSecret, SecretString};
use linode_sandbox::Sandbox;

fn query_of(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

#[tokio::test]
async fn the_example_app_logs_in_lists_linodes_and_logs_out_over_http() {
    let demo = oauth_web::demo().await.unwrap();
    let sandbox = &demo.sandbox;
    sandbox.clear_requests();
    let browser = reqwest::Client::new(); // follows redirects, like a browser

    let home = browser.get(format!("{}/", demo.url)).send().await.unwrap();
    assert!(home.text().await.unwrap().contains("href=\"/login\""));

    // /login -> the sandbox's /oauth/authorize -> the app's /callback -> /.
    let answer = browser
        .get(format!("{}/login", demo.url))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.url().as_str(), format!("{}/", demo.url));
    let html = answer.text().await.unwrap();
    for label in ["seed-00001", "seed-00002", "seed-00003"] {
        assert!(html.contains(label), "{html}");
    }

    // What the app sent the login server.
    let requests = sandbox.requests();
    let authorize = requests
        .iter()
        .find(|r| r.path == "/oauth/authorize")
        .expect("the browser went to the login server");
    let asked = query_of(&format!(
        "http://x/?{}",
        authorize.query.as_deref().unwrap()
    ));
    assert_eq!(
        param(&asked, "client_id").as_deref(),
        Some(demo.client_id.as_str())
    );
    assert_eq!(param(&asked, "response_type").as_deref(), Some("code"));
    assert_eq!(
        param(&asked, "scopes").as_deref(),
        Some("linodes:read_only")
    );
    assert_eq!(
        param(&asked, "redirect_uri"),
        Some(format!("{}/callback", demo.url))
    );
    let state = param(&asked, "state").unwrap();
    assert_eq!(state.len(), 32);
    let token_call = requests.iter().find(|r| r.path == "/oauth/token").unwrap();
    assert_eq!(token_call.method, "POST");
    assert_eq!(
        token_call.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = query_of(&format!(
        "http://x/?{}",
        token_call.body.as_deref().unwrap()
    ));
    assert_eq!(
        param(&form, "grant_type").as_deref(),
        Some("authorization_code")
    );
    assert_eq!(
        param(&form, "client_id").as_deref(),
        Some(demo.client_id.as_str())
    );
    let secret = sandbox.with_account(|a| a.client_secrets[&demo.client_id].clone());
    assert_eq!(param(&form, "client_secret"), Some(secret));
    assert!(param(&form, "code").is_some());
    // The API call was made with the OAuth token, not the sandbox's own.
    assert!(
        requests
            .iter()
            .any(|r| r.path == "/v4/linode/instances" && r.method == "GET")
    );

    // What the sandbox kept: one authorized app, one token limited to reading Linodes.
    let (apps, grants, codes) = sandbox.with_account(|a| {
        (
            a.apps.values().cloned().collect::<Vec<_>>(),
            a.tokens
                .values()
                .map(|t| t.grant.to_api_string())
                .collect::<Vec<_>>(),
            a.codes.len(),
        )
    });
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["label"], "oauth_web example");
    assert_eq!(apps[0]["scopes"], "linodes:read_only");
    assert_eq!(grants, ["linodes:read_only"]);
    assert_eq!(codes, 0, "the code was spent");

    // The state is single-use: replaying the callback is refused.
    let replay = browser
        .get(format!("{}/callback?code=whatever&state={state}", demo.url))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 400);

    // Logging out expires the token at the login server.
    let out = browser
        .get(format!("{}/logout", demo.url))
        .send()
        .await
        .unwrap();
    assert!(out.text().await.unwrap().contains("href=\"/login\""));
    let revoke = sandbox
        .requests()
        .into_iter()
        .find(|r| r.path == "/oauth/revoke")
        .unwrap();
    assert!(revoke.body.as_deref().unwrap().contains("token="));
    assert!(sandbox.with_account(|a| a.tokens.is_empty()));
}

/// Registers a client through the API and runs the authorize step the way a browser would,
/// returning the login client and the code.
async fn authorize(
    sandbox: &Sandbox,
    scopes: &[OAuthScopes],
) -> (LoginClient, String, linode::api::account::NewOAuthClient) {
    let admin = common::client_with(sandbox, sandbox.token());
    let registered = admin
        .account()
        .create_oauth_client(CreateOAuthClient::new("cli", "http://127.0.0.1:9/cb"))
        .await
        .unwrap();
    let login = LoginClient::new(
        registered.client.id.clone(),
        registered.secret.expose_secret(),
    )
    .base_url(&sandbox.base_url())
    .unwrap();
    let url = login.login_url(scopes, "http://127.0.0.1:9/cb/sub", "st@te 1");
    assert!(
        url.as_str()
            .starts_with(&format!("{}/oauth/authorize?", sandbox.base_url()))
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = no_redirects.get(url).send().await.unwrap();
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("http://127.0.0.1:9/cb/sub?code="));
    let back = query_of(&location);
    assert_eq!(param(&back, "state").as_deref(), Some("st@te 1"));
    (login, param(&back, "code").unwrap(), registered)
}

#[tokio::test]
async fn codes_exchange_refresh_and_expire_with_the_login_client() {
    let sandbox = Sandbox::builder().speed(1.0).start().await.unwrap();
    let scopes = [
        OAuthScopes::read_write(ScopeFamily::Linodes),
        OAuthScopes::read_only(ScopeFamily::Account),
    ];
    let (login, code, _) = authorize(&sandbox, &scopes).await;
    assert!(!format!("{login:?}").contains(
        &sandbox.with_account(|a| { a.client_secrets.values().next().unwrap().clone() })
    ));

    let token = login.finish_oauth(&code).await.unwrap();
    assert_eq!(token.token_type, "bearer");
    assert_eq!(token.expires_in.as_secs(), 7200);
    assert!(!token.is_expired());
    assert!(
        token
            .scopes
            .allows(&ScopeFamily::Linodes, &Access::ReadWrite)
    );
    assert!(
        token
            .scopes
            .allows(&ScopeFamily::Account, &Access::ReadOnly)
    );
    assert!(
        !token
            .scopes
            .allows(&ScopeFamily::Account, &Access::ReadWrite)
    );
    let shown = format!("{token:?}");
    assert!(!shown.contains(token.access_token.expose_secret()));

    // The token works with its scopes: it may create a Linode, read but not change the account.
    let user = common::client_with(&sandbox, token.access_token.expose_secret());
    user.linode()
        .create_instance(CreateInstance::empty("us-east", "g6-nanode-1"))
        .await
        .unwrap();
    assert_eq!(sandbox.instance_count(), 1);
    assert!(user.account().get().await.is_ok());
    let err = user
        .account()
        .update_settings(&linode::api::account::SettingsUpdate::new().network_helper(false))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    let app = user.profile().apps().await;
    assert!(app.is_ok(), "account:read_only lists the authorized apps");

    // A code is single-use.
    let err = login.finish_oauth(&code).await.unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 400, path, .. } if path == "/oauth/token"),
        "{err}"
    );

    // Refreshing replaces both tokens.
    let refresh = token.refresh_token.clone().unwrap();
    let renewed = login.refresh(&refresh).await.unwrap();
    assert_eq!(renewed.scopes, token.scopes);
    let sent = sandbox.requests().pop().unwrap();
    assert!(
        sent.body
            .as_deref()
            .unwrap()
            .contains("grant_type=refresh_token")
    );
    assert_eq!(
        user.linode().instances().await.unwrap_err().status(),
        Some(401),
        "the old access token stopped working"
    );
    assert!(
        login.refresh(&refresh).await.is_err(),
        "refresh tokens are single-use"
    );
    let renewed_user = common::client_with(&sandbox, renewed.access_token.expose_secret());
    assert_eq!(renewed_user.linode().instances().await.unwrap().len(), 1);

    // Tokens expire.
    sandbox.advance(std::time::Duration::from_secs(7201));
    assert_eq!(
        renewed_user
            .linode()
            .instances()
            .await
            .unwrap_err()
            .status(),
        Some(401)
    );
}

#[tokio::test]
async fn logging_out_and_revoking_the_app_end_access() {
    let (sandbox, admin) = common::setup().await;
    let (login, code, registered) =
        authorize(&sandbox, &[OAuthScopes::read_only(ScopeFamily::Linodes)]).await;
    let token = login.finish_oauth(&code).await.unwrap();
    let user = common::client_with(&sandbox, token.access_token.expose_secret());
    assert!(user.linode().instances().await.is_ok());

    login.expire_token(&token.access_token).await.unwrap();
    assert_eq!(common::last_line(&sandbox), "POST /oauth/revoke");
    assert_eq!(
        user.linode().instances().await.unwrap_err().status(),
        Some(401)
    );

    // The user's list of authorized apps shows the client; revoking it ends its tokens.
    let code = authorize_again(&sandbox, &login).await;
    let token = login.finish_oauth(&code).await.unwrap();
    let user = common::client_with(&sandbox, token.access_token.expose_secret());
    let mut apps = admin.profile().apps().await.unwrap();
    assert_eq!(apps.len(), 1);
    let app = apps.first().await.unwrap().unwrap().clone();
    assert_eq!(app.label, "cli");
    assert_eq!(app.scopes.to_string(), "linodes:read_only");
    assert!(app.expiry.is_some());
    assert_eq!(admin.profile().app(app.id).await.unwrap(), app);
    admin.profile().revoke_app(app.id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/profile/apps/{}", app.id)
    );
    assert_eq!(
        user.linode().instances().await.unwrap_err().status(),
        Some(401)
    );
    assert!(sandbox.with_account(|a| a.apps.is_empty() && a.tokens.is_empty()));

    // A wrong secret is refused, and the error never shows it.
    let wrong = LoginClient::new(registered.client.id.clone(), "not-the-secret")
        .base_url(&sandbox.base_url())
        .unwrap();
    let code = authorize_again(&sandbox, &login).await;
    let err = wrong.finish_oauth(&code).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(!format!("{err} {err:?}").contains("not-the-secret"));
    // After a secret reset, the old secret no longer works.
    let reset = admin
        .account()
        .reset_oauth_client_secret(&registered.client.id)
        .await
        .unwrap();
    let err = login.finish_oauth(&code).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    let fresh = LoginClient::new(registered.client.id.clone(), reset.secret.expose_secret())
        .base_url(&sandbox.base_url())
        .unwrap();
    let code = authorize_again(&sandbox, &fresh).await;
    assert!(fresh.finish_oauth(&code).await.is_ok());

    // Revoking an unknown token is not an error (RFC 7009), a bad redirect URI is.
    fresh
        .expire_token(&SecretString::from("unknown".to_owned()))
        .await
        .unwrap();
    let bad = fresh.login_url(&[OAuthScopes::All], "http://evil.example/cb", "s");
    let answer = reqwest::get(bad).await.unwrap();
    assert_eq!(answer.status(), 400);
}

async fn authorize_again(sandbox: &Sandbox, login: &LoginClient) -> String {
    let url = login.login_url(
        &[OAuthScopes::read_only(ScopeFamily::Linodes)],
        "http://127.0.0.1:9/cb",
        "again",
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = no_redirects.get(url).send().await.unwrap();
    let _ = sandbox;
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    param(&query_of(&location), "code").unwrap()
}

#[tokio::test]
async fn a_read_only_token_can_list_linodes_but_not_create_one() {
    let (sandbox, admin) = common::setup().await;
    sandbox.seed_instances(2);
    let pat = admin
        .profile()
        .create_token(
            linode::api::profile::CreateToken::new("reader")
                .scopes([OAuthScopes::read_only(ScopeFamily::Linodes)]),
        )
        .await
        .unwrap();
    let reader = common::client_with(&sandbox, pat.secret.expose_secret());
    assert_eq!(reader.linode().instances().await.unwrap().len(), 2);
    let err = reader
        .linode()
        .create_instance(CreateInstance::from_image(
            "us-east",
            "g6-nanode-1",
            "linode/debian12",
        ))
        .await
        .unwrap_err();
    match &err {
        Error::Api { status, errors, .. } => {
            assert_eq!(*status, 401);
            assert_eq!(
                errors[0].reason,
                "Your OAuth token is not authorized to use this endpoint."
            );
        }
        other => panic!("expected a 401, got {other:?}"),
    }
    assert_eq!(sandbox.instance_count(), 2);
    // Other families are out of reach, even to read.
    let err = reader.support().tickets().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
}
