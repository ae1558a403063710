//! Identity and Access (`/iam`) end to end against the sandbox: the 24 operations through
//! `client.iam()`, the request each sends (IdP configuration calls on `/v4beta`), the state the
//! sandbox keeps, and the refused cases (unknown role, entity or user, bad certificate).

use crate::common;

use common::{empty_linode, last_request, refusal};
use linode::api::account::CreateUser;
use linode::api::iam::{
    CreateIdpConfig, IamEntityType, IdentityElement, IdpConfigUpdate, RolePermissions, SamlSettings,
};
use linode::{Client, ExposeSecret, ListRequest};
use linode_sandbox::Sandbox;
use serde_json::{Value, json};
use time::macros::datetime;

/// The sandbox's child account (the one `/account/child-accounts` serves).
const CHILD: &str = "A1BC2DEF-34GH-567I-J890KLMN12O34P56";
/// The profile's user.
const ME: &str = "sandbox-user";

const CERT_A: &str = "-----BEGIN CERTIFICATE-----
MIIBjjCCATOgAwIBAgIUFb/OuA1+WcbMwm1Zhr/1rYzZGJwwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRaWRwLWEuZXhhbXBsZS5jb20wHhcNMjYxMjA3MDE1NDU0WhcN
MjcxMjA3MDE1NDU0WjAcMRowGAYDVQQDDBFpZHAtYS5leGFtcGxlLmNvbTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABGV6V9Bm4Mjhlluk37PWTrI1U7M47efDvsBt
f9mNZzr7HLl0KD3hQP/QAe4jGJf161s+oCcAPKK2cMroGjLAqQCjUzBRMB0GA1Ud
DgQWBBR51pbN5IiXjmZ69LCImVSjA74rLzAfBgNVHSMEGDAWgBR51pbN5IiXjmZ6
9LCImVSjA74rLzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCp
2rKazpLQoIMNkb1KFZBfSrTfFrRst++DbdsU0VqSTAIhAP2QHjueurelGJn+wguM
pZKZ21TO6hGhYGK7oKLsyHWN
-----END CERTIFICATE-----";

/// Without its PEM lines (which the API makes optional).
const CERT_B: &str = "MIIBjTCCATOgAwIBAgIUafjpCNK583AfYH+SfFDYJehSTr8wCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRaWRwLWIuZXhhbXBsZS5jb20wHhcNMjYxMjA3MDE1NDU1WhcN
MjgxMjA2MDE1NDU1WjAcMRowGAYDVQQDDBFpZHAtYi5leGFtcGxlLmNvbTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABCYcvVqD9ycb6YV7qm2nW6KIyamLBoJrTWnR
tA+3ZWkgbmfBEUfMD5MUrHuZMOkWZAn/B/BRp8URyzg1DWG18iujUzBRMB0GA1Ud
DgQWBBSMLF+iDFJCIOwxuvBzQ+MeMd7TdjAfBgNVHSMEGDAWgBSMLF+iDFJCIOwx
uvBzQ+MeMd7TdjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCID6Y
lghL0LhQmxtqAR4J2PBHY6F0IZsWEYK7ShDk/crmAiEA7/EifK/0YtFveE/o6YgB
7yVyd5YfLdFv/Diu1ER4aLQ=";

/// Every item of a list, all pages loaded.
trait All<T> {
    fn all(self) -> impl std::future::Future<Output = linode::Result<Vec<T>>>;
}

impl<T: serde::de::DeserializeOwned + Send + 'static> All<T> for ListRequest<T> {
    async fn all(self) -> linode::Result<Vec<T>> {
        self.await?.collect_all().await
    }
}

async fn add_user(client: &Client, username: &str, restricted: bool) {
    client
        .account()
        .create_user(
            CreateUser::new(username, format!("{username}@example.org")).restricted(restricted),
        )
        .await
        .unwrap();
}

/// The method, path (with query) and body of the last request.
fn last(sandbox: &Sandbox) -> (String, String, Option<Value>) {
    let sent = sandbox.requests().pop().expect("a request was sent");
    let path = match &sent.query {
        Some(q) => format!("{}?{q}", sent.path),
        None => sent.path.clone(),
    };
    (sent.method.clone(), path, sent.json())
}

fn saml(certificates: &[&str]) -> SamlSettings {
    SamlSettings::new(
        "https://idp.example.com",
        "https://idp.example.com/login",
        IdentityElement::UserIdAttribute,
        certificates.iter().copied(),
    )
    .user_id_attribute("EmailAddress")
}

#[tokio::test]
async fn the_role_catalog_lists_account_and_entity_roles() {
    let (sandbox, client) = common::setup().await;
    let roles = client.iam().role_permissions().await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        ("GET".into(), "/v4/iam/role-permissions".into(), None)
    );
    let admin = roles.account_role("account_admin").unwrap();
    assert_eq!(
        admin.permissions,
        [
            "view_account",
            "update_account",
            "create_user",
            "create_linode",
            "create_firewall"
        ]
    );
    assert_eq!(roles.account_access[0].kind, IamEntityType::Account);
    let linode = roles
        .entity_access
        .iter()
        .find(|g| g.kind == IamEntityType::Linode)
        .unwrap();
    let names: Vec<&str> = linode.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["linode_admin", "linode_contributor", "linode_viewer"]
    );
    assert_eq!(
        roles.entity_role("linode_contributor").unwrap().permissions,
        ["view_linode", "update_linode"]
    );
    assert!(roles.account_role("linode_viewer").is_none());
}

#[tokio::test]
async fn a_users_roles_are_replaced_and_read_back_as_stored() {
    let (sandbox, client) = common::setup().await;
    add_user(&client, "alice_ops", true).await;
    add_user(&client, "bob_admin", false).await;
    let web = empty_linode(&client, "us-east", "web-1").await;

    // Before any assignment: nothing for a restricted user, account_admin otherwise.
    let before = client
        .iam()
        .user_role_permissions("alice_ops")
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "GET".into(),
            "/v4/iam/users/alice_ops/role-permissions".into(),
            None
        )
    );
    assert_eq!(before, RolePermissions::new());
    let bob = client
        .iam()
        .user_role_permissions("bob_admin")
        .await
        .unwrap();
    assert_eq!(bob.account_access, ["account_admin"]);

    let wanted = RolePermissions::new()
        .account_role("account_linode_creator")
        .account_role("account_firewall_creator")
        .entity_roles(IamEntityType::Linode, web.id, ["linode_contributor"]);
    let kept = client
        .iam()
        .set_user_role_permissions("alice_ops", &wanted)
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".into(),
            "/v4/iam/users/alice_ops/role-permissions".into(),
            Some(json!({
                "account_access": ["account_linode_creator", "account_firewall_creator"],
                "entity_access": [{"id": web.id, "type": "linode", "roles": ["linode_contributor"]}]
            }))
        )
    );
    assert_eq!(kept, wanted);
    assert_eq!(
        client
            .iam()
            .user_role_permissions("alice_ops")
            .await
            .unwrap(),
        wanted
    );
    let stored = sandbox.table("iam_user_roles");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["username"], "alice_ops");
    assert_eq!(stored[0]["entity_access"][0]["id"], web.id);
    assert_eq!(
        kept.roles_on(&IamEntityType::Linode, web.id),
        ["linode_contributor"]
    );

    // An empty assignment removes every role.
    let none = client
        .iam()
        .set_user_role_permissions("alice_ops", &RolePermissions::new())
        .await
        .unwrap();
    assert_eq!(none, RolePermissions::new());
    assert_eq!(
        client
            .iam()
            .user_role_permissions("alice_ops")
            .await
            .unwrap(),
        RolePermissions::new()
    );
}

#[tokio::test]
async fn unknown_roles_entities_and_users_are_refused() {
    let (sandbox, client) = common::setup().await;
    add_user(&client, "carol", true).await;
    let web = empty_linode(&client, "us-east", "web-2").await;

    let err = client
        .iam()
        .set_user_role_permissions(
            "carol",
            &RolePermissions::new().account_role("account_superhero"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("account_access"),
            "account_superhero is not an account access role"
        )
    );
    // An entity role on the wrong type of entity.
    let err = client
        .iam()
        .set_user_role_permissions(
            "carol",
            &RolePermissions::new().entity_roles(IamEntityType::Linode, web.id, ["firewall_admin"]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("entity_access[0].roles"),
            "firewall_admin is not an entity access role for linode"
        )
    );
    let err = client
        .iam()
        .set_user_role_permissions(
            "carol",
            &RolePermissions::new().entity_roles(IamEntityType::Linode, 999_999, ["linode_viewer"]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("entity_access[0].id"),
            "No linode with id 999999 exists"
        )
    );
    // Nothing was kept.
    assert!(sandbox.table("iam_user_roles").is_empty());
    assert_eq!(
        client.iam().user_role_permissions("carol").await.unwrap(),
        RolePermissions::new()
    );

    let err = client
        .iam()
        .user_role_permissions("nobody")
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 404);
    let err = client
        .iam()
        .set_user_role_permissions("nobody", &RolePermissions::new())
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 404);
    // Refused before anything is sent.
    let sent = sandbox.requests().len();
    assert!(
        client
            .iam()
            .set_user_role_permissions("carol", &RolePermissions::new().account_role(""))
            .await
            .is_err()
    );
    assert_eq!(sandbox.requests().len(), sent);
}

#[tokio::test]
async fn child_accounts_and_their_delegates_agree_with_the_account_view() {
    let (sandbox, client) = common::setup().await;
    add_user(&client, "dana", false).await;
    let delegation = client.iam().delegation();

    let children = delegation.child_accounts().all().await.unwrap();
    assert_eq!(
        last(&sandbox),
        (
            "GET".into(),
            "/v4/iam/delegation/child-accounts?page=1&page_size=100".into(),
            None
        )
    );
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].euuid, CHILD);
    assert_eq!(children[0].company, "Sandbox Child Co");
    assert_eq!(children[0].users, None);
    // The same child as /account/child-accounts.
    let account_view = client.account().child_account(CHILD).await.unwrap();
    assert_eq!(
        account_view.euuid.as_deref(),
        Some(children[0].euuid.as_str())
    );

    let with_users = delegation.child_accounts_with_users().all().await.unwrap();
    assert_eq!(
        last(&sandbox).1,
        "/v4/iam/delegation/child-accounts?users=true&page=1&page_size=100"
    );
    assert_eq!(with_users[0].users.as_deref(), Some(&[ME.to_owned()][..]));

    let users = delegation.child_account_users(CHILD).all().await.unwrap();
    assert_eq!(
        last(&sandbox).1,
        format!("/v4/iam/delegation/child-accounts/{CHILD}/users?page=1&page_size=100")
    );
    assert_eq!(users, [ME]);

    let set = delegation
        .set_child_account_users(CHILD, &["dana", ME, "dana"])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".into(),
            format!("/v4/iam/delegation/child-accounts/{CHILD}/users"),
            Some(json!({"users": ["dana", ME, "dana"]}))
        )
    );
    assert_eq!(set, ["dana", ME]);
    assert_eq!(
        delegation.child_account_users(CHILD).all().await.unwrap(),
        ["dana", ME]
    );
    assert_eq!(
        sandbox.table("iam_delegation")[0][CHILD],
        json!(["dana", ME])
    );

    // A user's delegations.
    let danas = delegation.user_child_accounts("dana").all().await.unwrap();
    assert_eq!(
        last(&sandbox).1,
        "/v4/iam/delegation/users/dana/child-accounts?page=1&page_size=100"
    );
    assert_eq!(danas.len(), 1);
    assert_eq!(danas[0].euuid, CHILD);
    assert_eq!(danas[0].company, "Sandbox Child Co");

    // Refusals: an unknown user, an empty list, an unknown child account or user.
    let err = delegation
        .set_child_account_users(CHILD, &["ghost"])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("users"), "User ghost does not exist")
    );
    assert!(
        delegation
            .set_child_account_users(CHILD, &[])
            .await
            .is_err()
    );
    let err = delegation
        .set_child_account_users("NOPE", &["dana"])
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 404);
    let err = delegation
        .user_child_accounts("ghost")
        .all()
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 404);
    // Still as set.
    assert_eq!(
        delegation.child_account_users(CHILD).all().await.unwrap(),
        ["dana", ME]
    );
}

#[tokio::test]
async fn a_delegate_sees_its_child_accounts_and_gets_a_token() {
    let (sandbox, client) = common::setup().await;
    add_user(&client, "erin", false).await;
    let delegation = client.iam().delegation();

    let mine = delegation.my_child_accounts().all().await.unwrap();
    assert_eq!(
        last(&sandbox).1,
        "/v4/iam/delegation/profile/child-accounts?page=1&page_size=100"
    );
    assert_eq!(mine.len(), 1);
    let one = delegation.my_child_account(CHILD).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "GET".into(),
            format!("/v4/iam/delegation/profile/child-accounts/{CHILD}"),
            None
        )
    );
    assert_eq!(one.euuid, CHILD);
    assert_eq!(one.company, "Sandbox Child Co");

    let token = delegation.child_account_token(CHILD).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".into(),
            format!("/v4/iam/delegation/profile/child-accounts/{CHILD}/token"),
            None
        )
    );
    let secret = token.secret.expose_secret().to_owned();
    assert_eq!(secret.len(), 64);
    assert!(!format!("{token:?}").contains(&secret));
    let created = token.token.created;
    assert_eq!(
        token.token.expiry,
        Some(created + time::Duration::minutes(15))
    );
    assert!(token.token.label.starts_with(&format!("{ME}_")));

    // Once the caller is no longer a delegate, the child account is out of reach.
    delegation
        .set_child_account_users(CHILD, &["erin"])
        .await
        .unwrap();
    assert!(
        delegation
            .my_child_accounts()
            .all()
            .await
            .unwrap()
            .is_empty()
    );
    let err = delegation.my_child_account(CHILD).await.unwrap_err();
    assert_eq!(refusal(&err).0, 404);
    let err = delegation.child_account_token(CHILD).await.unwrap_err();
    assert_eq!(refusal(&err).0, 404);
}

#[tokio::test]
async fn default_delegate_roles_are_checked_and_kept() {
    let (sandbox, client) = common::setup().await;
    let web = empty_linode(&client, "us-east", "web-3").await;
    let delegation = client.iam().delegation();

    let before = delegation.default_role_permissions().await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "GET".into(),
            "/v4/iam/delegation/default-role-permissions".into(),
            None
        )
    );
    assert_eq!(before, RolePermissions::new());

    let wanted = RolePermissions::new()
        .account_role("account_viewer")
        .entity_roles(IamEntityType::Linode, web.id, ["linode_viewer"]);
    let kept = delegation
        .set_default_role_permissions(&wanted)
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".into(),
            "/v4/iam/delegation/default-role-permissions".into(),
            Some(json!({"account_access": ["account_viewer"],
                "entity_access": [{"id": web.id, "type": "linode", "roles": ["linode_viewer"]}]}))
        )
    );
    assert_eq!(kept, wanted);
    assert_eq!(delegation.default_role_permissions().await.unwrap(), wanted);

    let err = delegation
        .set_default_role_permissions(&RolePermissions::new().account_role("root"))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("account_access"),
            "root is not an account access role"
        )
    );
    assert_eq!(delegation.default_role_permissions().await.unwrap(), wanted);
}

#[tokio::test]
async fn an_idp_configuration_lives_on_v4beta() {
    let (sandbox, client) = common::setup().await;
    let idp = client.iam().idp();

    let config = idp
        .create(CreateIdpConfig::new("Example IDP", saml(&[CERT_A])).enabled(true))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".into(),
            "/v4beta/iam/idp-configs".into(),
            Some(json!({
                "label": "Example IDP", "enabled": true,
                "saml": {"entity_id": "https://idp.example.com",
                    "idp_url": "https://idp.example.com/login",
                    "identity_element": "USER_ID_ATTRIBUTE",
                    "user_id_attribute": "EmailAddress",
                    "public_certificates": [{"certificate": CERT_A}]}
            }))
        )
    );
    assert_eq!(config.id.len(), 36);
    assert_eq!(config.label, "Example IDP");
    assert!(config.enabled && !config.enforce);
    assert_eq!(config.created_by.as_deref(), Some(ME));
    assert_eq!((config.updated, config.updated_by.as_deref()), (None, None));
    assert_eq!(
        (config.included_users_count, config.excluded_users_count),
        (0, 0)
    );
    assert_eq!(
        config.saml.identity_element,
        IdentityElement::UserIdAttribute
    );
    assert_eq!(
        config.saml.user_id_attribute.as_deref(),
        Some("EmailAddress")
    );
    let cert = &config.saml.public_certificates[0];
    assert_eq!(cert.certificate, CERT_A);
    assert_eq!(cert.not_before, Some(datetime!(2026-12-07 01:54:54)));
    assert_eq!(cert.not_after, Some(datetime!(2027-12-07 01:54:54)));

    let listed = idp.list().all().await.unwrap();
    assert_eq!(
        last(&sandbox).1,
        "/v4beta/iam/idp-configs?page=1&page_size=100"
    );
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0], config);
    let got = idp.get(&config.id).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "GET".into(),
            format!("/v4beta/iam/idp-configs/{}", config.id),
            None
        )
    );
    assert_eq!(got, config);
    assert_eq!(
        sandbox.table("iam_idp_configs")[0]["id"],
        config.id.as_str()
    );

    // Only one configuration per account.
    let err = idp
        .create(CreateIdpConfig::new("Second", saml(&[CERT_A])))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 400);

    let updated = idp
        .update(
            &config.id,
            &IdpConfigUpdate::new().label("Corporate IdP").enforce(true),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".into(),
            format!("/v4beta/iam/idp-configs/{}", config.id),
            Some(json!({"label": "Corporate IdP", "enforce": true}))
        )
    );
    assert_eq!(updated.label, "Corporate IdP");
    assert!(updated.enabled && updated.enforce);
    assert_eq!(updated.updated_by.as_deref(), Some(ME));
    assert!(updated.updated.is_some());
    assert_eq!(updated.saml, config.saml);
    assert_eq!(idp.get(&config.id).await.unwrap(), updated);

    // New SAML settings replace the old ones, certificates included.
    let replaced = idp
        .update(
            &config.id,
            &IdpConfigUpdate::new().saml(SamlSettings::new(
                "https://sso.example.net",
                "https://sso.example.net/saml",
                IdentityElement::NameId,
                [CERT_B],
            )),
        )
        .await
        .unwrap();
    assert_eq!(replaced.saml.entity_id, "https://sso.example.net");
    assert_eq!(replaced.saml.identity_element, IdentityElement::NameId);
    assert_eq!(replaced.saml.public_certificates.len(), 1);
    assert_eq!(replaced.saml.public_certificates[0].certificate, CERT_B);

    idp.delete(&config.id).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "DELETE".into(),
            format!("/v4beta/iam/idp-configs/{}", config.id),
            None
        )
    );
    assert!(idp.list().all().await.unwrap().is_empty());
    assert_eq!(refusal(&idp.get(&config.id).await.unwrap_err()).0, 404);
    assert!(sandbox.table("iam_idp_configs").is_empty());
    assert!(sandbox.table("iam_idp_users").is_empty());
}

#[tokio::test]
async fn idp_certificates_rotate_and_bad_ones_are_refused() {
    let (sandbox, client) = common::setup().await;
    let idp = client.iam().idp();
    let config = idp
        .create(CreateIdpConfig::new("Rotating", saml(&[CERT_A])))
        .await
        .unwrap();
    let first = config.saml.public_certificates[0].id.clone();

    let added = idp.add_certificate(&config.id, CERT_B).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".into(),
            format!("/v4beta/iam/idp-configs/{}/certificates", config.id),
            Some(json!({"certificate": CERT_B}))
        )
    );
    assert_eq!(added.certificate, CERT_B);
    assert_eq!(added.created_by.as_deref(), Some(ME));
    assert_eq!(added.not_before, Some(datetime!(2026-12-07 01:54:55)));
    assert_eq!(added.not_after, Some(datetime!(2028-12-06 01:54:55)));

    let all = idp.certificates(&config.id).all().await.unwrap();
    assert_eq!(
        last(&sandbox).1,
        format!(
            "/v4beta/iam/idp-configs/{}/certificates?page=1&page_size=100",
            config.id
        )
    );
    let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [first.as_str(), added.id.as_str()]);
    assert_eq!(
        idp.get(&config.id).await.unwrap().saml.public_certificates,
        all
    );

    // Not a certificate: refused, naming the field; nothing added.
    for bad in [
        "hello",
        "aGVsbG8gd29ybGQ=",
        "-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----",
    ] {
        let err = idp.add_certificate(&config.id, bad).await.unwrap_err();
        assert_eq!(
            refusal(&err),
            (
                400,
                Some("certificate"),
                "Must be a PEM-encoded X.509 certificate"
            ),
            "{bad}"
        );
    }
    let err = idp
        .update(
            &config.id,
            &IdpConfigUpdate::new().saml(saml(&[CERT_A, "nope"])),
        )
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("saml.public_certificates[1].certificate"),
            "Must be a PEM-encoded X.509 certificate"
        )
    );
    let err = idp
        .create(CreateIdpConfig::new("x", saml(&["nope"])))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 400);
    assert_eq!(idp.certificates(&config.id).all().await.unwrap(), all);

    idp.delete_certificate(&config.id, &first).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "DELETE".into(),
            format!("/v4beta/iam/idp-configs/{}/certificates/{first}", config.id),
            None
        )
    );
    let left = idp.certificates(&config.id).all().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, added.id);
    // The last certificate stays.
    let err = idp
        .delete_certificate(&config.id, &added.id)
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            "An IDP configuration must keep at least one certificate"
        )
    );
    let err = idp
        .delete_certificate(&config.id, &first)
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 404);
}

#[tokio::test]
async fn idp_included_and_excluded_users_are_users_of_the_account() {
    let (sandbox, client) = common::setup().await;
    add_user(&client, "frank", false).await;
    add_user(&client, "gina", true).await;
    let idp = client.iam().idp();
    let config = idp
        .create(CreateIdpConfig::new("Users", saml(&[CERT_A])))
        .await
        .unwrap();

    let included = idp
        .set_users_included(&config.id, &["frank", "gina"])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".into(),
            format!("/v4beta/iam/idp-configs/{}/users-included", config.id),
            Some(json!({"usernames": ["frank", "gina"]}))
        )
    );
    let names: Vec<&str> = included.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(names, ["frank", "gina"]);
    assert_eq!(included[0].label, "frank");
    assert_eq!(included[0].kind, "user");
    assert_eq!(included[0].url, "/v4/account/users/frank");
    assert_eq!(
        idp.users_included(&config.id).all().await.unwrap(),
        included
    );
    assert_eq!(
        last(&sandbox).1,
        format!(
            "/v4beta/iam/idp-configs/{}/users-included?page=1&page_size=100",
            config.id
        )
    );

    let excluded = idp.set_users_excluded(&config.id, &[ME]).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".into(),
            format!("/v4beta/iam/idp-configs/{}/users-excluded", config.id),
            Some(json!({"usernames": [ME]}))
        )
    );
    assert_eq!(excluded.len(), 1);
    assert_eq!(excluded[0].id, ME);
    let listed = idp.users_excluded(&config.id).all().await.unwrap();
    assert_eq!(
        last(&sandbox).1,
        format!(
            "/v4beta/iam/idp-configs/{}/users-excluded?page=1&page_size=100",
            config.id
        )
    );
    assert_eq!(listed, excluded);
    let now = idp.get(&config.id).await.unwrap();
    assert_eq!((now.included_users_count, now.excluded_users_count), (2, 1));
    assert_eq!(
        sandbox.table("iam_idp_users")[0],
        json!({"included": ["frank", "gina"], "excluded": [ME]})
    );

    // An unknown user is refused and nothing changes.
    let err = idp
        .set_users_excluded(&config.id, &["frank", "nobody"])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("usernames"), "User nobody does not exist")
    );
    assert_eq!(
        idp.users_excluded(&config.id).all().await.unwrap(),
        excluded
    );

    // A deleted user leaves the lists; an empty list clears one.
    client.account().delete_user("gina").await.unwrap();
    let left = idp.users_included(&config.id).all().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(idp.get(&config.id).await.unwrap().included_users_count, 1);
    assert!(
        idp.set_users_excluded(&config.id, &[])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(idp.get(&config.id).await.unwrap().excluded_users_count, 0);

    // An unknown configuration.
    let err = idp
        .set_users_included("00000000-0000-0000-0000-000000000000", &["frank"])
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 404);
}

#[tokio::test]
async fn malformed_idp_configurations_are_refused_field_by_field() {
    let (sandbox, _client) = common::setup().await;
    let saml = |extra: Value| {
        let mut saml = json!({"entity_id": "https://idp.example.com",
            "idp_url": "https://idp.example.com/login", "identity_element": "NAME_ID",
            "public_certificates": [{"certificate": CERT_A}]});
        for (k, v) in extra.as_object().unwrap() {
            saml[k] = v.clone();
        }
        saml
    };
    common::assert_raw_refusals(
        &sandbox,
        "/v4beta/iam/idp-configs",
        [
            (json!({"saml": saml(json!({}))}), "label"),
            (json!({"label": "x"}), "saml"),
            (json!({"label": "x", "saml": saml(json!({"idp_url": "ftp://x"}))}), "saml.idp_url"),
            (
                json!({"label": "x", "saml": saml(json!({"identity_element": "EMAIL"}))}),
                "saml.identity_element",
            ),
            (
                json!({"label": "x", "saml": saml(json!({"identity_element": "USER_ID_ATTRIBUTE"}))}),
                "saml.user_id_attribute",
            ),
            (
                json!({"label": "x", "saml": saml(json!({"public_certificates": []}))}),
                "saml.public_certificates",
            ),
            (
                json!({"label": "x", "saml": saml(json!({"public_certificates": [{"certificate": "%%%"}]}))}),
                "saml.public_certificates[0].certificate",
            ),
            (json!({"label": "x", "enabled": "yes", "saml": saml(json!({}))}), "enabled"),
        ],
    )
    .await;
    assert!(sandbox.table("iam_idp_configs").is_empty());
    // Role assignments sent as the client never would.
    let put = |body: Value| {
        let url = format!("{}/v4/iam/users/{ME}/role-permissions", sandbox.base_url());
        let token = sandbox.token().to_owned();
        async move {
            let answer = reqwest::Client::new()
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = answer.status().as_u16();
            let body: Value = answer.json().await.unwrap();
            (status, body["errors"][0]["field"].clone())
        }
    };
    assert_eq!(
        put(json!({"entity_access": [{"id": 1, "type": "planet", "roles": []}]})).await,
        (400, json!("entity_access[0].type"))
    );
    assert_eq!(
        put(json!({"entity_access": [{"id": 0, "type": "linode", "roles": []}]})).await,
        (400, json!("entity_access[0].id"))
    );
    assert_eq!(
        put(json!({"account_access": "account_admin"})).await,
        (400, json!("account_access"))
    );
    assert!(sandbox.table("iam_user_roles").is_empty());
}
