//! The profile's access and safeguards (grants, preferences, security questions, two-factor
//! authentication, phone number, logins, trusted devices) and Linode Managed, end to end
//! against the sandbox: what the client sends, what the sandbox keeps, and each state rule
//! from the refused side too.

use crate::common;

use common::{empty_linode, last_body, last_request, post_raw, refusal, setup};
use linode::Error;
use linode::api::managed::{
    ContactPhone, ContactRequest, CreateCredential, ServiceRequest, ServiceStatus, ServiceType,
    SshAccessUpdate,
};
use linode::api::profile::security::{GrantPermission, LoginStatus};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};
use totp_rs::{Algorithm, Secret, TOTP};

/// The field and reason of a refusal made before any request.
fn invalid(err: Error) -> (String, String) {
    match err {
        Error::InvalidArgument { field, reason } => (field, reason),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

/// The current code of a base32 TOTP secret, as an authenticator app shows it.
fn totp_code(secret: &str) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes)
        .unwrap()
        .generate_current()
        .unwrap()
}

// Profile ------------------------------------------------------------------------------------

#[tokio::test]
async fn grants_are_absent_for_an_unrestricted_user_and_shown_for_a_restricted_one() {
    let (sandbox, client) = setup().await;
    assert_eq!(client.profile().grants().await.unwrap(), None);
    assert_eq!(last_request(&sandbox).1, "/v4/profile/grants");

    sandbox.restrict_profile(json!({
        "global": {"add_linodes": true, "account_access": "read_only", "child_account_access": null},
        "linode": [
            {"id": 1, "label": "web", "permissions": "read_write"},
            {"id": 2, "label": "hidden", "permissions": null}
        ],
        "volume": [{"id": 7, "label": "data", "permissions": "read_only"}],
        "some_new_family": []
    }));
    let grants = client.profile().grants().await.unwrap().expect("grants");
    assert!(grants.global.add_linodes);
    assert!(!grants.global.add_domains);
    assert_eq!(
        grants.global.account_access,
        Some(GrantPermission::ReadOnly)
    );
    // The entity without permission is left out.
    assert_eq!(grants.linode.len(), 1);
    assert_eq!(grants.linode[0].id, 1);
    assert_eq!(
        grants.linode[0].permissions,
        Some(GrantPermission::ReadWrite)
    );
    assert_eq!(grants.volume[0].label, "data");
    assert!(grants.domain.is_empty());
}

#[tokio::test]
async fn preferences_are_kept_exactly_as_given() {
    let (sandbox, client) = setup().await;
    assert!(client.profile().preferences().await.unwrap().is_empty());
    let prefs: Map<String, Value> = serde_json::from_value(json!({
        "theme": "dark",
        "sortKeys": {"linodes": {"order": "desc", "orderBy": "label"}},
        "fontSize": 14.5,
        "pinned": [3, "x", null, true]
    }))
    .unwrap();
    let answer = client.profile().set_preferences(&prefs).await.unwrap();
    assert_eq!(answer, prefs);
    let (method, path, body) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("PUT", "/v4/profile/preferences")
    );
    assert_eq!(body.unwrap(), Value::Object(prefs.clone()));
    assert_eq!(client.profile().preferences().await.unwrap(), prefs);
    assert_eq!(
        sandbox.table("profile_state")[0]["preferences"],
        Value::Object(prefs)
    );

    // Replacing keeps nothing of the old object.
    let fewer: Map<String, Value> = serde_json::from_value(json!({"theme": "light"})).unwrap();
    client.profile().set_preferences(&fewer).await.unwrap();
    assert_eq!(client.profile().preferences().await.unwrap(), fewer);

    // Anything but an object is refused.
    let answer = reqwest::Client::new()
        .put(format!("{}/v4/profile/preferences", sandbox.base_url()))
        .bearer_auth(sandbox.token())
        .json(&json!([1, 2]))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
}

#[tokio::test]
async fn security_questions_take_exactly_three_distinct_answers() {
    let (sandbox, client) = setup().await;
    let questions = client.profile().security_questions().await.unwrap();
    assert_eq!(questions.len(), 10);
    assert!(questions.iter().all(|q| q.response.is_none()));

    let answered = client
        .profile()
        .answer_security_questions(&[(1, "Gotham City"), (2, "Rex"), (4, "Beetle")])
        .await
        .unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"security_questions": [
            {"question_id": 1, "response": "Gotham City"},
            {"question_id": 2, "response": "Rex"},
            {"question_id": 4, "response": "Beetle"}
        ]})
    );
    assert_eq!(answered.len(), 3);
    assert_eq!(answered[0].security_question, "In what city were you born?");
    let questions = client.profile().security_questions().await.unwrap();
    assert_eq!(questions[0].response.as_deref(), Some("Gotham City"));
    assert_eq!(questions[2].response, None);

    // A new answer replaces the old ones: question 1 is unanswered again.
    client
        .profile()
        .answer_security_questions(&[(3, "Smith"), (2, "Rex"), (4, "Beetle")])
        .await
        .unwrap();
    let questions = client.profile().security_questions().await.unwrap();
    assert_eq!(questions[0].response, None);
    assert_eq!(questions[2].response.as_deref(), Some("Smith"));

    // Refused before sending.
    let p = client.profile();
    assert_eq!(
        invalid(
            p.answer_security_questions(&[(1, "abc"), (2, "abc")])
                .await
                .unwrap_err()
        )
        .0,
        "security_questions"
    );
    assert_eq!(
        invalid(
            p.answer_security_questions(&[(1, "abc"), (1, "abd"), (2, "abc")])
                .await
                .unwrap_err()
        )
        .0,
        "security_questions[1].question_id"
    );
    assert_eq!(
        invalid(
            p.answer_security_questions(&[(1, "ab"), (2, "abc"), (3, "abc")])
                .await
                .unwrap_err()
        )
        .0,
        "security_questions[0].response"
    );
    // Refused by the sandbox.
    for (body, field) in [
        (
            json!({"security_questions": [{"question_id": 1, "response": "abc"}]}),
            "security_questions",
        ),
        (
            json!({"security_questions": [
            {"question_id": 1, "response": "abc"}, {"question_id": 1, "response": "abd"},
            {"question_id": 2, "response": "abc"}]}),
            "security_questions[1].question_id",
        ),
        (
            json!({"security_questions": [
            {"question_id": 99, "response": "abc"}, {"question_id": 1, "response": "abd"},
            {"question_id": 2, "response": "abc"}]}),
            "security_questions[0].question_id",
        ),
        (
            json!({"security_questions": [
            {"question_id": 3, "response": "abc"}, {"question_id": 1, "response": "abd"},
            {"question_id": 2, "response": "this answer is far too long"}]}),
            "security_questions[2].response",
        ),
    ] {
        let (status, answer) = post_raw(&sandbox, "/v4/profile/security-questions", &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["errors"][0]["field"], field, "{body}");
    }
}

#[tokio::test]
async fn two_factor_authentication_is_confirmed_with_a_totp_code() {
    let (sandbox, client) = setup().await;
    let p = client.profile();

    // Security questions come first.
    let err = p.enable_tfa().await.unwrap_err();
    assert_eq!(refusal(&err).0, 400);
    assert!(refusal(&err).2.contains("security questions"));
    p.answer_security_questions(&[(1, "Gotham City"), (2, "Rex"), (3, "Smith")])
        .await
        .unwrap();

    // Nothing to confirm yet.
    let err = p.confirm_tfa("123456").await.unwrap_err();
    assert_eq!(refusal(&err).0, 400);

    let secret = p.enable_tfa().await.unwrap();
    assert!(!format!("{secret:?}").contains(secret.secret.expose_secret()));
    assert!(secret.expiry.is_some());
    assert_eq!(last_request(&sandbox).1, "/v4/profile/tfa-enable");
    let code = totp_code(secret.secret.expose_secret());

    // A wrong code is refused and 2FA stays off.
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    let err = p.confirm_tfa(&wrong).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("tfa_code"),
            "Invalid token. Two-factor code is not valid."
        )
    );
    assert!(!p.get().await.unwrap().two_factor_auth);
    // Not six digits: refused before sending.
    assert_eq!(
        invalid(p.confirm_tfa("12ab").await.unwrap_err()).0,
        "tfa_code"
    );

    let scratch = p.confirm_tfa(&code).await.unwrap();
    assert_eq!(last_body(&sandbox), json!({"tfa_code": code}));
    assert!(!scratch.scratch.expose_secret().is_empty());
    assert!(p.get().await.unwrap().two_factor_auth);

    // Already on: enabling again is refused.
    assert_eq!(refusal(&p.enable_tfa().await.unwrap_err()).0, 400);

    p.disable_tfa().await.unwrap();
    assert!(!p.get().await.unwrap().two_factor_auth);
    // Already off: disabling again is refused.
    let err = p.disable_tfa().await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, None, "Two factor authentication is not enabled.")
    );
}

#[tokio::test]
async fn a_phone_number_is_verified_with_the_code_sent() {
    let (sandbox, client) = setup().await;
    let p = client.profile();
    assert_eq!(sandbox.sent_phone_code(), None);

    // Verifying before a code was sent is refused.
    let err = p
        .verify_phone_number(&SecretString::from("123456"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 400);
    // Deleting with no verified number is refused.
    assert_eq!(refusal(&p.delete_phone_number().await.unwrap_err()).0, 400);

    p.send_phone_code("US", "555-555-0100").await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".into(),
            "/v4/profile/phone-number".into(),
            Some(json!({"iso_code": "US", "phone_number": "555-555-0100"}))
        )
    );
    let code = sandbox.sent_phone_code().expect("a code was sent");
    assert_eq!(code.len(), 6);

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = p
        .verify_phone_number(&SecretString::from(wrong))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("otp_code"), "Invalid verification code")
    );
    assert_eq!(p.get().await.unwrap().verified_phone_number, None);

    p.verify_phone_number(&SecretString::from(code.clone()))
        .await
        .unwrap();
    assert_eq!(last_body(&sandbox), json!({"otp_code": code}));
    assert_eq!(
        p.get().await.unwrap().verified_phone_number.as_deref(),
        Some("+15555550100")
    );
    // The code is used up.
    assert_eq!(sandbox.sent_phone_code(), None);

    p.delete_phone_number().await.unwrap();
    assert_eq!(last_request(&sandbox).0, "DELETE");
    assert_eq!(p.get().await.unwrap().verified_phone_number, None);

    // Refused before sending, and by the sandbox.
    assert_eq!(
        invalid(p.send_phone_code("USA", "5555550100").await.unwrap_err()).0,
        "iso_code"
    );
    assert_eq!(
        invalid(p.send_phone_code("US", "call me").await.unwrap_err()).0,
        "phone_number"
    );
    let (status, answer) = post_raw(
        &sandbox,
        "/v4/profile/phone-number",
        &json!({"iso_code": "ZZ", "phone_number": "5555550100"}),
    )
    .await;
    assert_eq!(
        (status, &answer["errors"][0]["field"]),
        (400, &json!("iso_code"))
    );
}

#[tokio::test]
async fn logins_and_trusted_devices_are_listed_and_devices_forgotten() {
    let (sandbox, client) = setup().await;
    sandbox.insert_object(
        "profile_logins",
        1234,
        json!({"id": 1234, "datetime": "2026-01-01T00:01:01", "ip": "192.0.2.0",
               "restricted": false, "status": "successful", "username": "sandbox-user"}),
    );
    sandbox.insert_object(
        "profile_logins",
        1235,
        json!({"id": 1235, "datetime": "2026-01-02T00:01:01", "ip": "192.0.2.9",
               "restricted": false, "status": "locked_out", "username": "sandbox-user"}),
    );
    let logins = client
        .profile()
        .logins()
        .send()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(logins.len(), 2);
    assert_eq!(logins[0].status, Some(LoginStatus::Successful));
    // An unknown status is kept.
    assert_eq!(
        logins[1].status,
        Some(LoginStatus::Unknown("locked_out".into()))
    );
    let login = client.profile().login(1234).await.unwrap();
    assert_eq!(login.ip, "192.0.2.0");
    assert_eq!(last_request(&sandbox).1, "/v4/profile/logins/1234");
    assert_eq!(
        refusal(&client.profile().login(1).await.unwrap_err()).0,
        404
    );

    sandbox.insert_object(
        "trusted_devices",
        123,
        json!({"id": 123, "created": "2026-01-01T01:01:01", "expiry": "2026-01-31T01:01:01",
               "last_authenticated": null, "last_remote_addr": "203.0.113.1",
               "user_agent": "Mozilla/5.0"}),
    );
    let devices = client
        .profile()
        .devices()
        .send()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].last_authenticated, None);
    assert_eq!(
        client.profile().device(123).await.unwrap().user_agent,
        "Mozilla/5.0"
    );
    client.profile().delete_device(123).await.unwrap();
    assert_eq!(last_request(&sandbox).0, "DELETE");
    assert!(sandbox.table("trusted_devices").is_empty());
    assert_eq!(
        refusal(&client.profile().delete_device(123).await.unwrap_err()).0,
        404
    );
}

// Managed ------------------------------------------------------------------------------------

#[tokio::test]
async fn managed_contacts_are_created_changed_and_deleted() {
    let (sandbox, client) = setup().await;
    let m = client.managed();
    let request = ContactRequest::new()
        .name("Jo Doe")
        .email("jo@example.org")
        .group("on-call")
        .phone(ContactPhone::new(Some("555-555-0100"), None));
    let contact = m.create_contact(&request).await.unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"name": "Jo Doe", "email": "jo@example.org", "group": "on-call",
               "phone": {"primary": "555-555-0100", "secondary": null}})
    );
    assert_eq!(contact.group.as_deref(), Some("on-call"));
    assert_eq!(contact.phone.primary.as_deref(), Some("555-555-0100"));
    assert!(contact.updated.is_some());

    let changed = m
        .update_contact(contact.id, &ContactRequest::new().group("day"))
        .await
        .unwrap();
    assert_eq!(last_body(&sandbox), json!({"group": "day"}));
    assert_eq!(
        (changed.name.as_str(), changed.group.as_deref()),
        ("Jo Doe", Some("day"))
    );
    assert_eq!(sandbox.table("managed_contacts")[0]["group"], "day");
    let listed = m
        .contacts()
        .send()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed, vec![changed.clone()]);
    assert_eq!(m.contact(contact.id).await.unwrap(), changed);

    m.delete_contact(contact.id).await.unwrap();
    assert!(sandbox.table("managed_contacts").is_empty());
    assert_eq!(refusal(&m.contact(contact.id).await.unwrap_err()).0, 404);

    // Refused before sending.
    for (request, field) in [
        (ContactRequest::new().email("a@b.c"), "name"),
        (ContactRequest::new().name("J!").email("a@b.c"), "name"),
        (ContactRequest::new().name("Jo").email("nope"), "email"),
    ] {
        let err = m.create_contact(&request).await.unwrap_err();
        assert_eq!(invalid(err).0, field, "{request:?}");
    }
    // Refused by the sandbox.
    for (body, field) in [
        (json!({"email": "a@example.org"}), "name"),
        (json!({"name": "Jo Doe"}), "email"),
        (
            json!({"name": "Jo Doe", "email": "a@example.org", "group": "x"}),
            "group",
        ),
        (
            json!({"name": "Jo Doe", "email": "a@example.org", "phone": {"primary": "call me"}}),
            "phone.primary",
        ),
    ] {
        let (status, answer) = post_raw(&sandbox, "/v4/managed/contacts", &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["errors"][0]["field"], field, "{body}");
    }
}

#[tokio::test]
async fn managed_credentials_keep_their_secrets_and_are_revoked() {
    let (sandbox, client) = setup().await;
    let m = client.managed();
    let request =
        CreateCredential::new("prod-db.1", SecretString::from("s3cur3P@ss")).username("admin");
    assert!(!format!("{request:?}").contains("s3cur3P@ss"));
    let credential = m.create_credential(&request).await.unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"label": "prod-db.1", "username": "admin", "password": "s3cur3P@ss"})
    );
    assert_eq!(credential.label, "prod-db.1");
    assert_eq!(credential.last_decrypted, None);
    // Neither the password nor the username is ever shown.
    let shown = sandbox.table("managed_credentials");
    assert_eq!(
        shown[0],
        json!({"id": credential.id, "label": "prod-db.1", "last_decrypted": null})
    );
    assert_eq!(
        sandbox.table("managed_credential_logins")[0],
        json!({"username": "admin", "password": "s3cur3P@ss"})
    );

    let renamed = m
        .update_credential(credential.id, "prod-db-2")
        .await
        .unwrap();
    assert_eq!(renamed.label, "prod-db-2");
    assert_eq!(m.credential(credential.id).await.unwrap(), renamed);
    assert_eq!(
        m.credentials()
            .send()
            .await
            .unwrap()
            .collect_all()
            .await
            .unwrap(),
        vec![renamed]
    );

    // A new password only: the username stays.
    m.update_credential_login(credential.id, None, &SecretString::from("n3w-pass"))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".into(),
            format!("/v4/managed/credentials/{}/update", credential.id),
            Some(json!({"password": "n3w-pass"}))
        )
    );
    assert_eq!(
        sandbox.table("managed_credential_logins")[0],
        json!({"username": "admin", "password": "n3w-pass"})
    );
    m.update_credential_login(credential.id, Some("root"), &SecretString::from("p2"))
        .await
        .unwrap();
    assert_eq!(
        sandbox.table("managed_credential_logins")[0]["username"],
        "root"
    );

    // The password is required.
    let (status, answer) = post_raw(
        &sandbox,
        &format!("/v4/managed/credentials/{}/update", credential.id),
        &json!({"username": "x"}),
    )
    .await;
    assert_eq!(
        (status, &answer["errors"][0]["field"]),
        (400, &json!("password"))
    );
    assert_eq!(
        invalid(
            m.update_credential_login(credential.id, None, &SecretString::from(""))
                .await
                .unwrap_err()
        )
        .0,
        "password"
    );
    assert_eq!(
        invalid(m.update_credential(credential.id, "x").await.unwrap_err()).0,
        "label"
    );
    let (status, answer) = post_raw(
        &sandbox,
        "/v4/managed/credentials",
        &json!({"label": "a/b"}),
    )
    .await;
    assert_eq!(
        (status, &answer["errors"][0]["field"]),
        (400, &json!("label"))
    );

    // A service refers to it until it is revoked.
    let service = m
        .create_service(
            &ServiceRequest::new("db-1", ServiceType::Tcp, "db.example.org:5432", 10)
                .credentials([credential.id]),
        )
        .await
        .unwrap();
    assert_eq!(service.credentials, vec![credential.id]);
    m.revoke_credential(credential.id).await.unwrap();
    assert_eq!(
        last_request(&sandbox).1,
        format!("/v4/managed/credentials/{}/revoke", credential.id)
    );
    assert!(sandbox.table("managed_credentials").is_empty());
    assert!(sandbox.table("managed_credential_logins").is_empty());
    assert!(m.service(service.id).await.unwrap().credentials.is_empty());
    assert_eq!(
        refusal(&m.revoke_credential(credential.id).await.unwrap_err()).0,
        404
    );

    let key = m.ssh_key().await.unwrap();
    assert!(key.ssh_key.starts_with("ssh-ed25519 AAAA"));
    assert_eq!(last_request(&sandbox).1, "/v4/managed/credentials/sshkey");
}

#[tokio::test]
async fn managed_services_are_monitored_enabled_and_disabled() {
    let (sandbox, client) = setup().await;
    let m = client.managed();
    let request = ServiceRequest::new("shop", ServiceType::Url, "https://shop.example.org", 30)
        .body("it worked")
        .consultation_group("on-call")
        .region("us-east")
        .notes("the shop");
    let service = m.create_service(&request).await.unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"label": "shop", "service_type": "url", "address": "https://shop.example.org",
               "timeout": 30, "body": "it worked", "consultation_group": "on-call",
               "notes": "the shop", "region": "us-east"})
    );
    assert_eq!(service.status, ServiceStatus::Pending);
    assert_eq!(service.service_type, ServiceType::Url);
    assert_eq!(service.region.as_deref(), Some("us-east"));

    let disabled = m.disable_service(service.id).await.unwrap();
    assert_eq!(disabled.status, ServiceStatus::Disabled);
    assert_eq!(
        last_request(&sandbox).1,
        format!("/v4/managed/services/{}/disable", service.id)
    );
    assert_eq!(sandbox.table("managed_services")[0]["status"], "disabled");
    let enabled = m.enable_service(service.id).await.unwrap();
    assert_eq!(enabled.status, ServiceStatus::Pending);

    let changed = m
        .update_service(
            service.id,
            &ServiceRequest::update().timeout(60).label("shop-2"),
        )
        .await
        .unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"label": "shop-2", "timeout": 60})
    );
    assert_eq!((changed.timeout, changed.label.as_str()), (60, "shop-2"));
    assert_eq!(changed.address, "https://shop.example.org");
    assert_eq!(
        m.services()
            .send()
            .await
            .unwrap()
            .collect_all()
            .await
            .unwrap(),
        vec![changed.clone()]
    );
    assert_eq!(m.service(service.id).await.unwrap(), changed);

    m.delete_service(service.id).await.unwrap();
    assert!(sandbox.table("managed_services").is_empty());
    assert_eq!(
        refusal(&m.enable_service(service.id).await.unwrap_err()).0,
        404
    );

    // Refused before sending.
    let url = |label: &str, address: &str, timeout: u32| {
        ServiceRequest::new(label, ServiceType::Url, address, timeout)
    };
    for (request, field) in [
        (ServiceRequest::update().label("abc"), "service_type"),
        (url("ab", "https://a.b", 30), "label"),
        (url("abc", "ftp://a.b", 30), "address"),
        (url("abc", "https://a.b", 0), "timeout"),
        (url("abc", "https://a.b", 256), "timeout"),
    ] {
        let err = m.create_service(&request).await.unwrap_err();
        assert_eq!(invalid(err).0, field, "{request:?}");
    }
    // Refused by the sandbox.
    let ok = json!({"label": "abc", "service_type": "tcp", "address": "a.b:80", "timeout": 10});
    let with = |key: &str, value: Value| {
        let mut body = ok.clone();
        body[key] = value;
        body
    };
    for (body, field) in [
        (
            json!({"label": "abc", "service_type": "url", "timeout": 10}),
            "address",
        ),
        (with("service_type", json!("icmp")), "service_type"),
        (with("address", json!("a.b")), "address"),
        (with("timeout", json!(300)), "timeout"),
        (with("region", json!("mars-1")), "region"),
        (with("credentials", json!([424242])), "credentials[0]"),
        (with("label", json!("a")), "label"),
    ] {
        let (status, answer) = post_raw(&sandbox, "/v4/managed/services", &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["errors"][0]["field"], field, "{body}");
    }
    let (status, _) = post_raw(&sandbox, "/v4/managed/services", &ok).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn managed_linode_settings_exist_for_linodes_only() {
    let (sandbox, client) = setup().await;
    let m = client.managed();
    let linode = empty_linode(&client, "us-east", "managed-web").await;
    let settings = m
        .linode_settings()
        .send()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(settings.len(), 1);
    assert_eq!(settings[0].id, linode.id);
    assert_eq!(settings[0].label, "managed-web");
    assert!(settings[0].ssh.access);
    assert_eq!(
        (
            settings[0].ssh.ip.as_str(),
            settings[0].ssh.port,
            settings[0].ssh.user.as_deref()
        ),
        ("any", Some(22), Some("root"))
    );

    let ip = linode.ipv4[0].to_string();
    let changed = m
        .update_linode_ssh(
            linode.id,
            &SshAccessUpdate::new().access(false).port(2222).ip(&ip),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".into(),
            format!("/v4/managed/linode-settings/{}", linode.id),
            Some(json!({"ssh": {"access": false, "ip": ip, "port": 2222}}))
        )
    );
    assert!(!changed.ssh.access);
    assert_eq!(
        (changed.ssh.port, changed.ssh.user.as_deref()),
        (Some(2222), Some("root"))
    );
    assert_eq!(m.linode_setting(linode.id).await.unwrap(), changed);

    // Only for Linodes that exist.
    assert_eq!(
        refusal(&m.linode_setting(linode.id + 1000).await.unwrap_err()).0,
        404
    );
    let err = m
        .update_linode_ssh(linode.id + 1000, &SshAccessUpdate::new().access(true))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 404);
    // An address that is not the Linode's is refused by the sandbox.
    let err = m
        .update_linode_ssh(linode.id, &SshAccessUpdate::new().ip("198.51.100.7"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("ssh.ip"));
    // Refused before sending.
    let err = m
        .update_linode_ssh(linode.id, &SshAccessUpdate::new().port(0))
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "ssh.port");
    let err = m
        .update_linode_ssh(linode.id, &SshAccessUpdate::new().ip("somewhere"))
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "ssh.ip");
    let err = m
        .update_linode_ssh(linode.id, &SshAccessUpdate::new().user("u".repeat(33)))
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "ssh.user");
}

#[tokio::test]
async fn managed_issues_and_stats_are_read() {
    let (sandbox, client) = setup().await;
    let m = client.managed();
    assert!(
        m.issues()
            .send()
            .await
            .unwrap()
            .collect_all()
            .await
            .unwrap()
            .is_empty()
    );
    sandbox.insert_object(
        "managed_issues",
        823,
        json!({"id": 823, "created": "2026-01-01T00:01:01",
               "entity": {"id": 98765, "label": "Managed Issue opened!", "type": "ticket",
                          "url": "/support/tickets/98765"},
               "services": [654]}),
    );
    let issue = m.issue(823).await.unwrap();
    assert_eq!(issue.entity.kind, "ticket");
    assert_eq!(issue.services, vec![654]);
    assert_eq!(
        m.issues()
            .send()
            .await
            .unwrap()
            .collect_all()
            .await
            .unwrap(),
        vec![issue]
    );
    assert_eq!(refusal(&m.issue(1).await.unwrap_err()).0, 404);

    empty_linode(&client, "us-east", "stats-1").await;
    let stats = m.stats().await.unwrap();
    assert_eq!(last_request(&sandbox).1, "/v4/managed/stats");
    assert_eq!(stats.cpu.len(), 24);
    assert_eq!(stats.cpu[23].y, 2.5);
    assert!(stats.cpu[0].x < stats.cpu[23].x);
    assert_eq!(stats.swap[0].y, 0.0);
}
