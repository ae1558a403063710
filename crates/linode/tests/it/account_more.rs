//! The rest of `/account` against the sandbox: billing, transfers, agreements, betas,
//! availability, cancellation, child accounts, logins, notifications, thumbnails, Managed,
//! 2FA exemptions and grants. Each rule is checked from both sides.

use crate::common;

use linode::ListRequest;
use linode::api::account::CreateOAuthClient;
use linode::api::account::CreateUser;
use linode::api::account::{
    Agreements, Grant, MakePayment, NewCard, PaymentMethodType, Permission, Severity,
    StagePaypalPayment, TransferFamily, TransferStatus,
};
use linode::{Error, ExposeSecret};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

async fn all<T: DeserializeOwned + Send + 'static>(list: ListRequest<T>) -> Vec<T> {
    list.await.unwrap().collect_all().await.unwrap()
}

fn invalid_field(err: &Error) -> &str {
    match err {
        Error::InvalidArgument { field, .. } => field,
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

#[tokio::test]
async fn payment_methods_keep_exactly_one_default() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    let methods = all(account.payment_methods()).await;
    assert_eq!(methods.len(), 1);
    assert!(methods[0].is_default);
    assert_eq!(methods[0].method_type, Some(PaymentMethodType::CreditCard));
    assert_eq!(methods[0].data.last_four.as_deref(), Some("1111"));
    let first = methods[0].id;

    let card = NewCard::new("5555444433332222", 3, 2031, "987");
    assert!(!format!("{card:?}").contains("5555"));
    account.add_payment_method(&card, false).await.unwrap();
    let (method, path, body) = common::last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("POST", "/v4/account/payment-methods")
    );
    assert_eq!(
        body.unwrap(),
        json!({"type": "credit_card", "is_default": false, "data": {
            "card_number": "5555444433332222", "expiry_month": 3, "expiry_year": 2031, "cvv": "987"
        }})
    );
    let methods = all(account.payment_methods()).await;
    assert_eq!(methods.len(), 2);
    let second = methods[1].clone();
    assert!(!second.is_default);
    assert_eq!(second.data.last_four.as_deref(), Some("2222"));
    assert_eq!(second.data.expiry.as_deref(), Some("03/2031"));
    assert_eq!(account.payment_method(second.id).await.unwrap(), second);

    account
        .make_default_payment_method(second.id)
        .await
        .unwrap();
    assert!(account.payment_method(second.id).await.unwrap().is_default);
    assert!(!account.payment_method(first).await.unwrap().is_default);
    let kept = sandbox.with_account(|a| a.account["credit_card"].clone());
    assert_eq!(kept, json!({"last_four": "2222", "expiry": "03/2031"}));

    // The default one cannot be deleted; the other can.
    let err = account.delete_payment_method(second.id).await.unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (400, None, "You cannot delete your default payment method")
    );
    account.delete_payment_method(first).await.unwrap();
    assert_eq!(all(account.payment_methods()).await.len(), 1);
    let err = account.payment_method(first).await.unwrap_err();
    assert_eq!(err.status(), Some(404));

    // `/account/credit-card` adds a default card.
    account
        .add_credit_card(&NewCard::new("4111111111114444", 12, 2032, "123"))
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"card_number": "4111111111114444", "expiry_month": 12, "expiry_year": 2032, "cvv": "123"})
    );
    let methods = all(account.payment_methods()).await;
    assert_eq!(methods.len(), 2);
    assert!(methods[1].is_default && !methods[0].is_default);
    assert_eq!(
        client
            .account()
            .get()
            .await
            .unwrap()
            .credit_card
            .unwrap()
            .last_four,
        "4444"
    );

    // Refused by the client before any request, and by the sandbox field by field.
    let before = sandbox.requests().len();
    for (card, field) in [
        (NewCard::new("4111-1111", 1, 2030, "123"), "card_number"),
        (
            NewCard::new("4111111111111111", 13, 2030, "123"),
            "expiry_month",
        ),
        (
            NewCard::new("4111111111111111", 1, 30, "123"),
            "expiry_year",
        ),
        (NewCard::new("4111111111111111", 1, 2030, "12a"), "cvv"),
    ] {
        let err = account.add_credit_card(&card).await.unwrap_err();
        assert_eq!(invalid_field(&err), field);
    }
    assert_eq!(sandbox.requests().len(), before);
    let (status, answer) = common::post_raw(
        &sandbox,
        "/v4/account/payment-methods",
        &json!({"type": "paypal", "is_default": true, "data": {
            "card_number": "4111111111111111", "expiry_month": 0, "expiry_year": 2030, "cvv": "123"
        }}),
    )
    .await;
    assert_eq!(status, 400);
    let fields: Vec<&str> = answer["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["type", "data.expiry_month"]);
}

#[tokio::test]
async fn payments_lower_the_balance_and_paypal_executes_once() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    let payment = account
        .make_payment(&MakePayment::new("25.50").cvv("123"))
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"usd": "25.50", "cvv": "123"})
    );
    assert_eq!(payment.usd, 25.5);
    assert_eq!(account.payment(payment.id).await.unwrap(), payment);
    assert_eq!(account.get().await.unwrap().balance, -25.5);

    let err = account
        .make_payment(&MakePayment::new("5").payment_method(999))
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (400, Some("payment_method_id"), "Payment method not found")
    );
    for usd in ["0", "-3", "1.234", "ten"] {
        let err = account
            .make_payment(&MakePayment::new(usd))
            .await
            .unwrap_err();
        assert_eq!(invalid_field(&err), "usd");
    }

    let staged = account
        .stage_paypal_payment(&StagePaypalPayment::new(
            "10.00",
            "https://app.example/ok",
            "https://app.example/cancel",
        ))
        .await
        .unwrap();
    assert!(staged.payment_id.starts_with("PAY-"));
    assert!(staged.checkout_token.starts_with("EC-"));
    account
        .execute_paypal_payment(&staged.payment_id, "PAYER1")
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"payment_id": staged.payment_id, "payer_id": "PAYER1"})
    );
    assert_eq!(account.get().await.unwrap().balance, -35.5);
    assert_eq!(all(account.payments()).await.len(), 2 + 3);
    let err = account
        .execute_paypal_payment(&staged.payment_id, "PAYER1")
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("payment_id"),
            "This payment has already been executed"
        )
    );
    let err = account
        .stage_paypal_payment(&StagePaypalPayment::new(
            "1.00",
            "https://app.example/ok",
            "https://app.example/cancel",
        ))
        .await
        .unwrap_err();
    assert_eq!(common::refusal(&err).1, Some("usd"));
}

#[tokio::test]
async fn promo_codes_apply_once_and_show_as_notifications() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    assert!(all(account.notifications()).await.is_empty());
    let promotion = account.add_promo_code("SANDBOX10").await.unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"promo_code": "SANDBOX10"})
    );
    assert_eq!(promotion.credit_remaining, "10.00");
    assert_eq!(account.get().await.unwrap().active_promotions.len(), 1);
    let notes = all(account.notifications()).await;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].notification_type, "promotion");
    assert_eq!(notes[0].severity, Some(Severity::Minor));

    let err = account.add_promo_code("SANDBOX10").await.unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("promo_code"),
            "This promo code has already been applied"
        )
    );
    let err = account.add_promo_code("NOPE").await.unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (400, Some("promo_code"), "Invalid promo code")
    );
    let err = account.add_promo_code(" ").await.unwrap_err();
    assert_eq!(invalid_field(&err), "promo_code");
}

#[tokio::test]
async fn transfers_move_linodes_out_when_accepted() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    let a = common::empty_linode(&client, "us-east", "move-a").await;
    let b = common::empty_linode(&client, "us-east", "move-b").await;

    let transfer = account
        .create_transfer(TransferFamily::Service, &[a.id])
        .await
        .unwrap();
    let (method, path, body) = common::last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("POST", "/v4/account/service-transfers")
    );
    assert_eq!(body.unwrap(), json!({"entities": {"linodes": [a.id]}}));
    assert_eq!(transfer.status, Some(TransferStatus::Pending));
    assert!(transfer.is_sender);
    assert_eq!(transfer.entities.linodes, [a.id]);
    assert!(!format!("{transfer:?}").contains(transfer.token.expose_secret()));

    // Both URL families serve the same transfers.
    let old = account
        .transfer_by_token(TransferFamily::Entity, &transfer.token)
        .await
        .unwrap();
    assert_eq!(old.entities.linodes, [a.id]);
    assert_eq!(
        all(account.transfers(TransferFamily::Entity)).await.len(),
        1
    );

    // A Linode in a pending transfer, or one that does not exist, cannot be sent.
    let err = account
        .create_transfer(TransferFamily::Service, &[a.id])
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("entities.linodes"),
            format!("Linode {} is already part of a pending transfer", a.id).as_str()
        )
    );
    let err = account
        .create_transfer(TransferFamily::Service, &[1])
        .await
        .unwrap_err();
    assert_eq!(common::refusal(&err).1, Some("entities.linodes"));
    let err = account
        .create_transfer(TransferFamily::Service, &[])
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&err), "entities.linodes");

    // Cancelled once; then it can change no more.
    account
        .cancel_transfer(TransferFamily::Service, &transfer.token)
        .await
        .unwrap();
    let cancelled = account
        .transfer_by_token(TransferFamily::Service, &transfer.token)
        .await
        .unwrap();
    assert_eq!(cancelled.status, Some(TransferStatus::Canceled));
    let err = account
        .accept_transfer(TransferFamily::Service, &transfer.token)
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            None,
            "This transfer is canceled and can no longer change"
        )
    );

    // Accepting moves the Linodes out of this account's view.
    let second = account
        .create_transfer(TransferFamily::Entity, &[a.id, b.id])
        .await
        .unwrap();
    account
        .accept_transfer(TransferFamily::Entity, &second.token)
        .await
        .unwrap();
    let (method, path, _) = common::last_request(&sandbox);
    assert_eq!(method, "POST");
    assert!(path.ends_with("/accept") && path.starts_with("/v4/account/entity-transfers/"));
    assert!(client.linode().instances().await.unwrap().is_empty());
    let done = account
        .transfers(TransferFamily::Service)
        .filter(linode::api::account::ServiceTransfer::STATUS.eq("completed"))
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    let err = account
        .transfer_by_token(TransferFamily::Service, &"unknown".to_owned().into())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn agreements_betas_and_availability() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    assert_eq!(account.agreements().await.unwrap(), Agreements::default());
    let mut ack = Agreements::default();
    ack.master_service_agreement = true;
    ack.privacy_policy = true;
    // Sending `false` for the eu_model is refused: acknowledgements cannot be withdrawn.
    let err = account.acknowledge_agreements(&ack).await.unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("eu_model"),
            "An agreement can only be acknowledged (true)"
        )
    );
    let (status, _) = common::post_raw(
        &sandbox,
        "/v4/account/agreements",
        &json!({"master_service_agreement": true, "privacy_policy": true}),
    )
    .await;
    assert_eq!(status, 200);
    let now = account.agreements().await.unwrap();
    assert!(now.master_service_agreement && now.privacy_policy && !now.eu_model);

    assert!(all(account.enrolled_betas()).await.is_empty());
    account.enroll_beta("example_open").await.unwrap();
    assert_eq!(common::last_body(&sandbox), json!({"id": "example_open"}));
    let enrolled = all(account.enrolled_betas()).await;
    assert_eq!(enrolled.len(), 1);
    assert_eq!(enrolled[0].label, "Example Open Beta");
    assert!(enrolled[0].enrolled.is_some());
    assert_eq!(
        account.enrolled_beta("example_open").await.unwrap(),
        enrolled[0]
    );
    let err = account.enroll_beta("example_open").await.unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("id"),
            "The account is already enrolled in this beta program"
        )
    );
    let err = account.enroll_beta("no_such_beta").await.unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (400, Some("id"), "Beta program not found")
    );
    assert_eq!(
        account
            .enrolled_beta("example_limited")
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );

    let regions = client.regions().list().await.unwrap().len();
    let availability = all(account.availability()).await;
    assert_eq!(availability.len(), regions);
    let east = account.region_availability("us-east").await.unwrap();
    assert_eq!(east.region, "us-east");
    assert!(east.available.contains(&"Linodes".to_owned()));
    assert!(east.unavailable.is_empty());
    assert_eq!(
        account
            .region_availability("mars-1")
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
    assert_eq!(
        invalid_field(&account.region_availability("").await.unwrap_err()),
        "region"
    );
}

#[tokio::test]
async fn child_accounts_logins_maintenance_and_cancellation() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    let children = all(account.child_accounts()).await;
    assert_eq!(children.len(), 1);
    let euuid = children[0].euuid.clone().unwrap();
    assert_eq!(account.child_account(&euuid).await.unwrap(), children[0]);
    let token = account.child_account_token(&euuid).await.unwrap();
    assert_eq!(token.secret.expose_secret().len(), 64);
    assert_eq!(token.token.label, "sandbox-user_proxy");
    assert_eq!(
        account
            .child_account_token("nope")
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );

    let logins = all(account.logins()).await;
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].username, "sandbox-user");
    assert_eq!(logins[0].status, "successful");
    assert_eq!(account.login(logins[0].id).await.unwrap(), logins[0]);
    assert_eq!(account.login(999).await.unwrap_err().status(), Some(404));

    assert!(all(account.maintenance()).await.is_empty());
    let (method, path, _) = common::last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("GET", "/v4/account/maintenance")
    );

    common::empty_linode(&client, "us-east", "doomed").await;
    let long = "x".repeat(501);
    let err = account.cancel(Some(&long)).await.unwrap_err();
    assert_eq!(common::refusal(&err).1, Some("comments"));
    assert_eq!(sandbox.instance_count(), 1);
    let answer = account.cancel(Some("moving on")).await.unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"comments": "moving on"})
    );
    assert!(answer.survey_link.starts_with("https://"));
    assert_eq!(sandbox.instance_count(), 0);
}

#[tokio::test]
async fn thumbnails_are_png_bytes() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    let app = account
        .create_oauth_client(CreateOAuthClient::new("App", "https://app.example/cb"))
        .await
        .unwrap()
        .client;
    let err = account.oauth_client_thumbnail(&app.id).await.unwrap_err();
    assert_eq!(err.status(), Some(404));

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0, 1, 2, 255]);
    account
        .set_oauth_client_thumbnail(&app.id, &png)
        .await
        .unwrap();
    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(sent.method, "PUT");
    assert_eq!(sent.header("content-type"), Some("image/png"));
    assert_eq!(account.oauth_client_thumbnail(&app.id).await.unwrap(), png);
    let reloaded = account.oauth_client(&app.id).await.unwrap();
    assert_eq!(
        reloaded.thumbnail_url.as_deref(),
        Some(
            format!(
                "https://api.linode.com/v4/account/oauth-clients/{}/thumbnail",
                app.id
            )
            .as_str()
        )
    );

    // Refused by the client (not a PNG, too big) and by the sandbox.
    let before = sandbox.requests().len();
    let err = account
        .set_oauth_client_thumbnail(&app.id, b"GIF89a")
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&err), "thumbnail");
    let mut big = png.clone();
    big.resize(128 * 1024 + 1, 0);
    let err = account
        .set_oauth_client_thumbnail(&app.id, &big)
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&err), "thumbnail");
    assert_eq!(sandbox.requests().len(), before);
    let raw = reqwest::Client::new()
        .put(format!(
            "{}/v4/account/oauth-clients/{}/thumbnail",
            sandbox.base_url(),
            app.id
        ))
        .bearer_auth(sandbox.token())
        .header("content-type", "image/png")
        .body("GIF89a")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    let body: Value = raw.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["reason"],
        "The thumbnail must be a PNG image"
    );
    let err = account
        .set_oauth_client_thumbnail("0000000000", &png)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn managed_and_tfa_optional_users() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    account.enable_managed().await.unwrap();
    assert!(account.settings().await.unwrap().managed);
    let err = account.enable_managed().await.unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            None,
            "Linode Managed is already enabled on this account"
        )
    );

    account
        .create_user(CreateUser::new("ops", "ops@example.com"))
        .await
        .unwrap();
    let answer = account.set_tfa_optional_users(&["ops"]).await.unwrap();
    assert_eq!(common::last_body(&sandbox), json!({"usernames": ["ops"]}));
    assert_eq!(answer.tfa_optional_users_count, 1);
    let users = all(account.tfa_optional_users()).await;
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].username, "ops");
    let err = account
        .set_tfa_optional_users(&["ops", "ghost"])
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (400, Some("usernames"), "Invalid username: ghost")
    );
    assert_eq!(all(account.tfa_optional_users()).await.len(), 1);
    account.set_tfa_optional_users(&[]).await.unwrap();
    assert!(all(account.tfa_optional_users()).await.is_empty());
}

#[tokio::test]
async fn grants_name_existing_entities_of_restricted_users() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    let linode = common::empty_linode(&client, "us-east", "granted").await;
    account
        .create_user(CreateUser::new("ops", "ops@example.com").restricted(true))
        .await
        .unwrap();
    let grants = account.grants("ops").await.unwrap();
    assert!(!grants.global.add_linodes);
    assert_eq!(grants.global.account_access, None);
    assert_eq!(grants.linode.len(), 1);
    assert_eq!(grants.linode[0].id, linode.id);
    assert_eq!(grants.linode[0].label, "granted");
    assert_eq!(grants.linode[0].permissions, None);

    let mut wanted = grants.clone();
    wanted.global.add_linodes = true;
    wanted.global.account_access = Some(Permission::ReadOnly);
    wanted.linode = vec![Grant::new(linode.id, Some(Permission::ReadWrite))];
    let answer = account.set_grants("ops", &wanted).await.unwrap();
    let body = common::last_body(&sandbox);
    assert_eq!(body["global"]["add_linodes"], true);
    assert_eq!(
        body["linode"],
        json!([{"id": linode.id, "permissions": "read_write"}])
    );
    assert!(answer.global.add_linodes);
    assert_eq!(answer.global.account_access, Some(Permission::ReadOnly));
    assert_eq!(answer.linode[0].permissions, Some(Permission::ReadWrite));
    assert_eq!(account.grants("ops").await.unwrap(), answer);

    // Entities that do not exist and unknown permissions are refused.
    let mut bad = answer.clone();
    bad.linode = vec![Grant::new(1, Some(Permission::ReadOnly))];
    let err = account.set_grants("ops", &bad).await.unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (400, Some("linode[0].id"), "Entity not found")
    );
    let raw = reqwest::Client::new()
        .put(format!(
            "{}/v4/account/users/ops/grants",
            sandbox.base_url()
        ))
        .bearer_auth(sandbox.token())
        .json(&json!({"linode": [{"id": linode.id, "permissions": "admin"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    let body: Value = raw.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "linode[0].permissions");
    assert_eq!(
        account.grants("ops").await.unwrap().linode[0].permissions,
        Some(Permission::ReadWrite)
    );

    // Unrestricted users have no grants; unknown users are not found.
    let err = account.grants("sandbox-user").await.unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (400, None, "Grants are only available for restricted users")
    );
    assert_eq!(
        account.grants("ghost").await.unwrap_err().status(),
        Some(404)
    );
}

/// A token acting as `username`, made with the sandbox's control plane.
async fn token_for(sandbox: &linode_sandbox::Sandbox, username: &str) -> String {
    let made: Value = reqwest::Client::new()
        .post(format!("{}/sandbox/tokens", sandbox.base_url()))
        .bearer_auth(sandbox.token())
        .json(&json!({"username": username}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    made["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn restricted_users_only_reach_what_they_are_granted() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    let shared = common::empty_linode(&client, "us-east", "shared").await;
    let hidden = common::empty_linode(&client, "us-east", "hidden").await;
    account
        .create_user(CreateUser::new("ops", "ops@example.com").restricted(true))
        .await
        .unwrap();
    let mut grants = account.grants("ops").await.unwrap();
    grants.linode = vec![Grant::new(shared.id, Some(Permission::ReadOnly))];
    account.set_grants("ops", &grants).await.unwrap();
    let ops = common::client_with(&sandbox, &token_for(&sandbox, "ops").await);

    // Lists show only the granted Linodes; the others are refused.
    let seen = all(ops.linode().instances()).await;
    assert_eq!(seen.iter().map(|i| i.id).collect::<Vec<_>>(), [shared.id]);
    assert_eq!(
        ops.linode().instance(shared.id).await.unwrap().label,
        "shared"
    );
    let err = ops.linode().instance(hidden.id).await.unwrap_err();
    assert_eq!(common::refusal(&err), (403, None, "Unauthorized"));

    // read_only cannot change; read_write can.
    let rename = linode::api::linode::InstanceUpdate::new().label("renamed");
    let err = ops
        .linode()
        .update_instance(shared.id, &rename)
        .await
        .unwrap_err();
    assert_eq!(common::refusal(&err), (403, None, "Unauthorized"));
    assert_eq!(sandbox.instance(shared.id).unwrap()["label"], "shared");
    grants.linode = vec![Grant::new(shared.id, Some(Permission::ReadWrite))];
    account.set_grants("ops", &grants).await.unwrap();
    ops.linode()
        .update_instance(shared.id, &rename)
        .await
        .unwrap();
    assert_eq!(sandbox.instance(shared.id).unwrap()["label"], "renamed");

    // Creating a Linode needs `add_linodes`.
    let request = || linode::api::linode::CreateInstance::empty("us-east", "g6-nanode-1");
    let err = ops.linode().create_instance(request()).await.unwrap_err();
    assert_eq!(common::refusal(&err), (403, None, "Unauthorized"));
    assert_eq!(sandbox.instance_count(), 2);
    grants.global.add_linodes = true;
    account.set_grants("ops", &grants).await.unwrap();
    ops.linode().create_instance(request()).await.unwrap();
    assert_eq!(sandbox.instance_count(), 3);

    // An unrestricted user's token sees everything.
    let owner = common::client_with(&sandbox, &token_for(&sandbox, "sandbox-user").await);
    assert_eq!(all(owner.linode().instances()).await.len(), 3);
}

#[tokio::test]
async fn a_restricted_users_lists_are_paged_over_what_it_may_see() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    // 60 Linodes; the user is granted every other one (30), so a page of 25 leaves 2 pages.
    let ids = sandbox.seed_instances(60);
    account
        .create_user(CreateUser::new("pager", "pager@example.com").restricted(true))
        .await
        .unwrap();
    let mut grants = account.grants("pager").await.unwrap();
    let granted: Vec<u64> = ids.iter().copied().step_by(2).collect();
    grants.linode = granted
        .iter()
        .map(|&id| Grant::new(id, Some(Permission::ReadOnly)))
        .collect();
    account.set_grants("pager", &grants).await.unwrap();
    let token = token_for(&sandbox, "pager").await;

    let page: Value = reqwest::Client::new()
        .get(format!(
            "{}/v4/linode/instances?page=2&page_size=25",
            sandbox.base_url()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (page["page"].clone(), page["pages"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(page["results"], 30);
    let second: Vec<u64> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect();
    assert_eq!(second, granted[25..]);

    // The client's lazy list sees the same 30, in order, across both pages; a filter applies
    // within what the user may see.
    let pager = common::client_with(&sandbox, &token);
    let seen = all(pager.linode().instances().page_size(25)).await;
    assert_eq!(seen.iter().map(|i| i.id).collect::<Vec<_>>(), granted);
    let label = sandbox.instance(ids[1]).unwrap()["label"]
        .as_str()
        .unwrap()
        .to_owned();
    let filtered: Value = reqwest::Client::new()
        .get(format!("{}/v4/linode/instances", sandbox.base_url()))
        .bearer_auth(&token)
        .header("X-Filter", json!({ "label": label }).to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        filtered["results"], 0,
        "an ungranted Linode stays hidden from a filter"
    );
}

/// `GET`s `path` with `token`, returning the status and the JSON answer.
async fn get_as(sandbox: &linode_sandbox::Sandbox, token: &str, path: &str) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .get(format!("{}/v4{path}", sandbox.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.json().await.unwrap())
}

fn ids(page: &Value) -> Vec<Value> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].clone())
        .collect()
}

#[tokio::test]
async fn grants_hold_for_every_kind_the_api_names() {
    let (sandbox, client) = common::setup().await;
    let account = client.account();
    let mut made = std::collections::BTreeMap::new();
    for (path, body) in [
        (
            "fw-a",
            json!({"label": "fw-a", "rules": {"inbound_policy": "ACCEPT", "outbound_policy": "ACCEPT"}}),
        ),
        (
            "fw-b",
            json!({"label": "fw-b", "rules": {"inbound_policy": "ACCEPT", "outbound_policy": "ACCEPT"}}),
        ),
    ] {
        let (status, fw) = common::post_raw(&sandbox, "/v4/networking/firewalls", &body).await;
        assert_eq!(status, 200, "{fw}");
        made.insert(path, fw["id"].as_u64().unwrap());
    }
    for label in ["vpc-a", "vpc-b"] {
        let body = json!({"label": label, "region": "us-east"});
        let (status, vpc) = common::post_raw(&sandbox, "/v4/vpcs", &body).await;
        assert_eq!(status, 200, "{vpc}");
        made.insert(label, vpc["id"].as_u64().unwrap());
    }
    let script = "#!/bin/bash\necho ok\n";
    let mine = client
        .linode()
        .create_stackscript(&linode::api::linode::CreateStackScript::new(
            "mine",
            script,
            ["linode/debian12"],
        ))
        .await
        .unwrap();
    account
        .create_user(CreateUser::new("ops", "ops@example.com").restricted(true))
        .await
        .unwrap();

    // The grants list every entity of every kind of 4.229.1, by label.
    let mut grants = account.grants("ops").await.unwrap();
    let labels = |g: &[Grant]| g.iter().map(|g| g.label.clone()).collect::<Vec<_>>();
    assert_eq!(labels(&grants.firewall), ["fw-a", "fw-b"]);
    assert_eq!(labels(&grants.vpc), ["vpc-a", "vpc-b"]);
    assert_eq!(labels(&grants.stackscript), ["mine"]);
    assert!(grants.database.is_empty() && grants.image.is_empty());
    assert!(!grants.global.add_firewalls && !grants.global.add_vpcs);

    grants.firewall = vec![Grant::new(made["fw-a"], Some(Permission::ReadOnly))];
    grants.vpc = vec![Grant::new(made["vpc-b"], Some(Permission::ReadWrite))];
    account.set_grants("ops", &grants).await.unwrap();
    let token = token_for(&sandbox, "ops").await;

    // Lists leave out what is not granted; public StackScripts stay visible, the account's
    // own ungranted one does not.
    let (_, page) = get_as(&sandbox, &token, "/networking/firewalls").await;
    assert_eq!(
        (ids(&page), page["results"].clone()),
        (vec![json!(made["fw-a"])], json!(1))
    );
    let (_, page) = get_as(&sandbox, &token, "/vpcs").await;
    assert_eq!(ids(&page), [json!(made["vpc-b"])]);
    let (_, page) = get_as(&sandbox, &token, "/linode/stackscripts?page_size=500").await;
    assert!(!ids(&page).contains(&json!(mine.id)));
    assert!(
        page["results"].as_u64().unwrap() > 0,
        "public StackScripts are listed"
    );

    // One by one: read needs a grant, change needs read_write, create needs the flag.
    let fw_b = format!("/networking/firewalls/{}", made["fw-b"]);
    assert_eq!(get_as(&sandbox, &token, &fw_b).await.0, 403);
    let fw_a = format!("/networking/firewalls/{}", made["fw-a"]);
    assert_eq!(get_as(&sandbox, &token, &fw_a).await.0, 200);
    let put = |path: String, body: Value| {
        let token = token.clone();
        let url = format!("{}/v4{path}", sandbox.base_url());
        async move {
            let answer = reqwest::Client::new()
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            answer.status().as_u16()
        }
    };
    assert_eq!(put(fw_a.clone(), json!({"label": "renamed"})).await, 403);
    let vpc_b = format!("/vpcs/{}", made["vpc-b"]);
    assert_eq!(
        put(vpc_b.clone(), json!({"label": "vpc-renamed"})).await,
        200
    );
    let (_, vpc) = get_as(&sandbox, &token, &vpc_b).await;
    assert_eq!(vpc["label"], "vpc-renamed");
    let stackscript = format!("/linode/stackscripts/{}", mine.id);
    assert_eq!(get_as(&sandbox, &token, &stackscript).await.0, 403);

    let create = reqwest::Client::new()
        .post(format!("{}/v4/networking/firewalls", sandbox.base_url()))
        .bearer_auth(&token)
        .json(&json!({"label": "fw-c", "rules": {"inbound_policy": "ACCEPT", "outbound_policy": "ACCEPT"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(create.status().as_u16(), 403);
    let mut grants = account.grants("ops").await.unwrap();
    grants.global.add_firewalls = true;
    let answer = account.set_grants("ops", &grants).await.unwrap();
    assert!(answer.global.add_firewalls);
    let create = reqwest::Client::new()
        .post(format!("{}/v4/networking/firewalls", sandbox.base_url()))
        .bearer_auth(&token)
        .json(&json!({"label": "fw-c", "rules": {"inbound_policy": "ACCEPT", "outbound_policy": "ACCEPT"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(create.status().as_u16(), 200);
}
