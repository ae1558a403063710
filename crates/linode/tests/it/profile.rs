//! The profile group against the sandbox: profile, personal access tokens (which really
//! authenticate, with exactly their scopes), SSH keys.

use crate::common;

use linode::api::linode::CreateInstance;
use linode::api::profile::{
    CreateSshKey, CreateToken, LishAuthMethod, PersonalAccessToken, ProfileUpdate,
};
use linode::login::{Access, OAuthScopes, ScopeFamily};
use linode::{Error, ExposeSecret};
use serde_json::json;

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f me@laptop";

#[tokio::test]
async fn profile_reads_and_saves() {
    let (sandbox, client) = common::setup().await;
    let mut profile = client.profile().get().await.unwrap();
    assert_eq!(profile.username, "sandbox-user");
    assert_eq!(profile.lish_auth_method, Some(LishAuthMethod::PasswordKeys));
    assert!(profile.referrals.is_some());

    profile.timezone = "Europe/Paris".into();
    profile.save(&client).await.unwrap();
    assert_eq!(
        common::last_request(&sandbox),
        (
            "PUT".into(),
            "/v4/profile".into(),
            Some(json!({
                "email": "sandbox-user@example.com", "timezone": "Europe/Paris",
                "email_notifications": true, "lish_auth_method": "password_keys",
                "authorized_keys": []
            }))
        )
    );
    assert_eq!(profile.timezone, "Europe/Paris");

    let profile = client
        .profile()
        .update(
            &ProfileUpdate::new()
                .email("me@example.org")
                .lish_auth_method(LishAuthMethod::KeysOnly),
        )
        .await
        .unwrap();
    assert_eq!(profile.email, "me@example.org");
    let (kept, user_email) =
        sandbox.with_account(|a| (a.profile.clone(), a.users["sandbox-user"]["email"].clone()));
    assert_eq!(kept["lish_auth_method"], "keys_only");
    assert_eq!(kept["timezone"], "Europe/Paris");
    assert_eq!(user_email, "me@example.org");

    let err = client
        .profile()
        .update(&ProfileUpdate::new().email("not-an-email"))
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field.as_deref(), Some("email"));
}

#[tokio::test]
async fn a_token_is_shown_once_and_works_with_exactly_its_scopes_until_revoked() {
    let (sandbox, client) = common::setup().await;
    let expiry = time::OffsetDateTime::now_utc() + time::Duration::days(30);
    let expiry = time::PrimitiveDateTime::new(
        expiry.date(),
        time::Time::from_hms(expiry.hour(), expiry.minute(), expiry.second()).unwrap(),
    );
    let created = client
        .profile()
        .create_token(
            CreateToken::new("ci-readonly")
                .expiry(expiry)
                .scopes([OAuthScopes::read_only(ScopeFamily::Linodes)]),
        )
        .await
        .unwrap();
    assert_eq!(
        common::last_request(&sandbox),
        (
            "POST".into(),
            "/v4/profile/tokens".into(),
            Some(json!({
                "label": "ci-readonly",
                "expiry": linode::timestamp::format(&expiry),
                "scopes": "linodes:read_only"
            }))
        )
    );
    let secret = created.secret.expose_secret().to_owned();
    assert_eq!(secret.len(), 64);
    assert!(!format!("{created:?}").contains(&secret));
    assert_eq!(created.token.expiry, Some(expiry));
    assert!(
        created
            .token
            .scopes
            .allows(&ScopeFamily::Linodes, &Access::ReadOnly)
    );
    assert!(
        !created
            .token
            .scopes
            .allows(&ScopeFamily::Linodes, &Access::ReadWrite)
    );

    // Lists show only a prefix; the token in use is listed too.
    let mut listed = client.profile().tokens().await.unwrap();
    assert_eq!(listed.len(), 2);
    let in_use = listed.first().await.unwrap().unwrap();
    assert_eq!(in_use.label, "sandbox");
    assert_eq!(in_use.token_prefix.as_deref(), Some(&sandbox.token()[..16]));
    let mut record = client.profile().token(created.token.id).await.unwrap();
    assert_eq!(record.token_prefix.as_deref(), Some(&secret[..16]));
    let kept = sandbox.with_account(|a| a.personal_tokens.get(created.token.id).cloned().unwrap());
    assert_eq!(kept["scopes"], "linodes:read_only");
    assert_eq!(kept["label"], "ci-readonly");

    // The token authenticates with exactly its scopes.
    let limited = common::client_with(&sandbox, &secret);
    sandbox.seed_instances(2);
    assert_eq!(limited.linode().instances().await.unwrap().len(), 2);
    let err = limited
        .linode()
        .create_instance(CreateInstance::empty("us-east", "g6-nanode-1"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        err.field_errors()[0].reason,
        "Your OAuth token is not authorized to use this endpoint."
    );
    assert_eq!(sandbox.instance_count(), 2);
    let err = limited.account().get().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    // Any valid token may read its profile.
    assert_eq!(
        limited.profile().get().await.unwrap().username,
        "sandbox-user"
    );
    // It cannot mint a token with more than it has.
    let err = limited
        .profile()
        .create_token(CreateToken::new("escalate").scopes([OAuthScopes::All]))
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(401),
        "account:read_write is needed to create tokens"
    );

    record.label = "ci".into();
    record.save(&client).await.unwrap();
    assert_eq!(common::last_body(&sandbox), json!({"label": "ci"}));
    assert_eq!(record.label, "ci");
    let by_label = client
        .profile()
        .tokens()
        .filter(PersonalAccessToken::LABEL.eq("ci"))
        .await
        .unwrap();
    assert_eq!(by_label.len(), 1);

    record.revoke(&client).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/profile/tokens/{}", created.token.id)
    );
    let err = limited.linode().instances().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.field_errors()[0].reason, "Invalid Token");
    assert!(sandbox.with_account(|a| {
        a.personal_tokens.get(created.token.id).is_none() && a.tokens.is_empty()
    }));
}

#[tokio::test]
async fn tokens_expire_and_scopes_cannot_exceed_the_caller() {
    let (sandbox, client) = common::setup_timed().await;
    let soon = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
    let soon =
        time::PrimitiveDateTime::new(soon.date(), soon.time().replace_nanosecond(0).unwrap());
    let full = client
        .profile()
        .create_token(CreateToken::new("short-lived").expiry(soon))
        .await
        .unwrap();
    assert!(
        full.token.scopes.is_all(),
        "no scopes means the caller's: *"
    );
    let short = common::client_with(&sandbox, full.secret.expose_secret());
    assert!(short.account().get().await.is_ok());

    // A token limited to Linodes may create one limited to reading them, not more.
    let rw = client
        .profile()
        .create_token(CreateToken::new("rw").scopes([
            OAuthScopes::read_write(ScopeFamily::Linodes),
            OAuthScopes::read_write(ScopeFamily::Account),
        ]))
        .await
        .unwrap();
    let rw_client = common::client_with(&sandbox, rw.secret.expose_secret());
    let narrower = rw_client
        .profile()
        .create_token(
            CreateToken::new("narrower").scopes([OAuthScopes::read_only(ScopeFamily::Linodes)]),
        )
        .await
        .unwrap();
    assert_eq!(narrower.token.scopes.to_string(), "linodes:read_only");
    let err = rw_client
        .profile()
        .create_token(
            CreateToken::new("wider").scopes([OAuthScopes::read_write(ScopeFamily::Volumes)]),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.field_errors()[0].field.as_deref(), Some("scopes"));
    let inherited = rw_client
        .profile()
        .create_token(CreateToken::new("inherited"))
        .await
        .unwrap();
    assert_eq!(
        inherited.token.scopes.to_string(),
        "account:read_write linodes:read_write"
    );

    // Past its expiry, it no longer authenticates.
    sandbox.advance(std::time::Duration::from_secs(2 * 3600));
    let err = short.account().get().await.unwrap_err();
    assert_eq!(err.status(), Some(401));

    let err = client
        .profile()
        .create_token(CreateToken::new(""))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "label"));
}

#[tokio::test]
async fn ssh_keys_are_validated_added_renamed_and_deleted() {
    let (sandbox, client) = common::setup().await;
    let mut key = client
        .profile()
        .create_ssh_key(CreateSshKey::new(KEY).label("laptop"))
        .await
        .unwrap();
    assert_eq!(
        common::last_request(&sandbox),
        (
            "POST".into(),
            "/v4/profile/sshkeys".into(),
            Some(json!({"ssh_key": KEY, "label": "laptop"}))
        )
    );
    assert_eq!(key.ssh_key, KEY);
    assert_eq!(
        sandbox.with_account(|a| a.users["sandbox-user"]["ssh_keys"].clone()),
        json!(["laptop"])
    );

    key.label = "work laptop".into();
    key.save(&client).await.unwrap();
    assert_eq!(common::last_body(&sandbox), json!({"label": "work laptop"}));
    assert_eq!(
        client.profile().ssh_key(key.id).await.unwrap().label,
        "work laptop"
    );
    assert_eq!(client.profile().ssh_keys().await.unwrap().len(), 1);

    // Refused before sending: not a key at all.
    let before = sandbox.requests().len();
    let err = client
        .profile()
        .create_ssh_key(CreateSshKey::new("hello world"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "ssh_key"));
    assert_eq!(sandbox.requests().len(), before);
    // Refused by the API: the data does not match its type.
    let err = client
        .profile()
        .create_ssh_key(CreateSshKey::new(
            "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.field_errors()[0].field.as_deref(), Some("ssh_key"));

    let id = key.id;
    key.delete(&client).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/profile/sshkeys/{id}")
    );
    assert!(sandbox.with_account(|a| a.ssh_keys.is_empty()));
    assert_eq!(
        common::event_actions(&sandbox, ""),
        [
            "user_ssh_key_add",
            "user_ssh_key_update",
            "user_ssh_key_delete"
        ]
    );
}
