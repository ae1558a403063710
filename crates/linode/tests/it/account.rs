//! The account group against the sandbox: the request sent, the state kept, the answer decoded.

use crate::common;

use linode::api::account::{
    AccountUpdate, CreateOAuthClient, CreateUser, Invoice, InvoiceItemType, OAuthClientStatus,
    OAuthClientUpdate, Payment, SettingsUpdate, UserUpdate,
};
use linode::filter::Order;
use linode::{Error, ExposeSecret};
use serde_json::json;

#[tokio::test]
async fn account_reads_and_saves_only_its_mutable_fields() {
    let (sandbox, client) = common::setup().await;
    let mut account = client.account().get().await.unwrap();
    assert_eq!(account.country, "US");
    assert_eq!(account.capabilities.len(), 8);
    assert!(account.credit_card.is_some());

    account.company = "Example Corp".into();
    account.email = "billing@example.org".into();
    account.save(&client).await.unwrap();
    let (method, path, body) = common::last_request(&sandbox);
    assert_eq!((method.as_str(), path.as_str()), ("PUT", "/v4/account"));
    let body = body.unwrap();
    assert_eq!(body["company"], "Example Corp");
    assert_eq!(body["email"], "billing@example.org");
    let mut keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "address_1",
            "address_2",
            "city",
            "company",
            "country",
            "email",
            "first_name",
            "last_name",
            "phone",
            "state",
            "tax_id",
            "zip"
        ]
    );
    assert_eq!(account.company, "Example Corp");
    let kept = sandbox.with_account(|a| a.account.clone());
    assert_eq!(kept["company"], "Example Corp");
    assert_eq!(kept["email"], "billing@example.org");

    let err = client
        .account()
        .update(&AccountUpdate::new().company("Evil <script>"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.field_errors()[0].field.as_deref(), Some("company"));
    let events = sandbox.events();
    assert_eq!(events.last().unwrap()["action"], "account_update");
}

#[tokio::test]
async fn settings_change_network_helper_and_backups() {
    let (sandbox, client) = common::setup().await;
    let mut settings = client.account().settings().await.unwrap();
    assert!(settings.network_helper);
    assert!(!settings.backups_enabled);
    assert_eq!(settings.longview_subscription, None);

    settings.backups_enabled = true;
    settings.save(&client).await.unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"network_helper": true, "backups_enabled": true})
    );
    assert!(settings.backups_enabled);

    let settings = client
        .account()
        .update_settings(&SettingsUpdate::new().network_helper(false))
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"network_helper": false})
    );
    assert!(!settings.network_helper);
    let kept = sandbox.with_account(|a| a.settings.clone());
    assert_eq!(kept["network_helper"], false);
    assert_eq!(kept["backups_enabled"], true);
}

#[tokio::test]
async fn invoices_items_and_payments_are_seeded_and_filterable() {
    let (sandbox, client) = common::setup().await;
    let mut invoices = client.account().invoices().await.unwrap();
    assert_eq!(invoices.len(), 3);
    let newest = invoices.first().await.unwrap().unwrap().clone();
    assert!(newest.total > newest.subtotal);
    assert_eq!(newest.tax_summary.len(), 1);

    let items = client
        .account()
        .invoice_items(newest.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!(
            "GET /v4/account/invoices/{}/items?page=1&page_size=100",
            newest.id
        )
    );
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].item_type, Some(InvoiceItemType::Hourly));
    assert_eq!(items[0].quantity, 720);
    let sum: f64 = items.iter().map(|i| i.amount).sum();
    assert!((sum - newest.subtotal).abs() < 0.01);

    let loaded = client.account().invoice(newest.id).await.unwrap();
    assert_eq!(loaded, newest);

    sandbox.clear_requests();
    let big = client
        .account()
        .invoices()
        .filter(Invoice::TOTAL.gt(20.0))
        .order_by(Invoice::DATE, Order::Asc)
        .await
        .unwrap();
    let header = sandbox.requests()[0].header("x-filter").unwrap().to_owned();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&header).unwrap(),
        json!({"total": {"+gt": 20.0}, "+order_by": "date", "+order": "asc"})
    );
    let expected = sandbox.with_account(|a| {
        a.invoices
            .values()
            .filter(|i| i["total"].as_f64().unwrap() > 20.0)
            .count()
    });
    assert_eq!(big.len(), expected);

    let payments = client
        .account()
        .payments()
        .filter(Payment::USD.gt(0.0))
        .await
        .unwrap();
    assert_eq!(payments.len(), 3);
    let err = client.account().payment(1).await.unwrap_err();
    assert!(err.is_not_found());
    let id = sandbox.with_account(|a| a.payments.values().next().unwrap()["id"].as_u64().unwrap());
    assert_eq!(client.account().payment(id).await.unwrap().id, id);
}

#[tokio::test]
async fn oauth_clients_show_their_secret_only_at_creation_and_reset() {
    let (sandbox, client) = common::setup().await;
    let created = client
        .account()
        .create_oauth_client(CreateOAuthClient::new(
            "My app",
            "https://app.example/callback",
        ))
        .await
        .unwrap();
    assert_eq!(
        common::last_request(&sandbox),
        (
            "POST".into(),
            "/v4/account/oauth-clients".into(),
            Some(json!({"label": "My app", "redirect_uri": "https://app.example/callback"}))
        )
    );
    let id = created.client.id.clone();
    assert_eq!(created.client.status, OAuthClientStatus::Active);
    let secret = created.secret.expose_secret().to_owned();
    assert_eq!(secret.len(), 64);
    assert!(!format!("{created:?}").contains(&secret));
    assert_eq!(
        sandbox.with_account(|a| a.client_secrets.get(&id).cloned()),
        Some(secret.clone())
    );

    // Gets and lists never show it.
    let mut loaded = client.account().oauth_client(&id).await.unwrap();
    assert_eq!(loaded.label, "My app");
    let body = reqwest::Client::new()
        .get(format!(
            "{}/v4/account/oauth-clients/{id}",
            sandbox.base_url()
        ))
        .bearer_auth(sandbox.token())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.contains(&secret));
    assert_eq!(client.account().oauth_clients().await.unwrap().len(), 1);

    loaded.label = "My renamed app".into();
    loaded.save(&client).await.unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"label": "My renamed app", "redirect_uri": "https://app.example/callback", "public": false})
    );
    let updated = client
        .account()
        .update_oauth_client(
            &id,
            &OAuthClientUpdate::new().redirect_uri("https://app.example/cb2"),
        )
        .await
        .unwrap();
    assert_eq!(updated.redirect_uri, "https://app.example/cb2");
    assert_eq!(
        sandbox.with_account(|a| a.oauth_clients[&id]["label"].clone()),
        "My renamed app"
    );

    let reset = client
        .account()
        .reset_oauth_client_secret(&id)
        .await
        .unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("POST /v4/account/oauth-clients/{id}/reset-secret")
    );
    let new_secret = reset.secret.expose_secret().to_owned();
    assert_ne!(new_secret, secret);
    assert_eq!(
        sandbox.with_account(|a| a.client_secrets.get(&id).cloned()),
        Some(new_secret)
    );

    let err = client
        .account()
        .create_oauth_client(CreateOAuthClient::new("Bad", "not a url"))
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field.as_deref(), Some("redirect_uri"));

    loaded.delete(&client).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/account/oauth-clients/{id}")
    );
    assert!(sandbox.with_account(|a| a.oauth_clients.is_empty() && a.client_secrets.is_empty()));
    assert_eq!(
        common::event_actions(&sandbox, ""),
        [
            "oauth_client_create",
            "oauth_client_update",
            "oauth_client_update",
            "oauth_client_secret_reset",
            "oauth_client_delete"
        ]
    );
}

#[tokio::test]
async fn users_are_created_changed_renamed_and_deleted() {
    let (sandbox, client) = common::setup().await;
    let users = client.account().users().await.unwrap();
    assert_eq!(users.len(), 1);
    let me = client.account().user("sandbox-user").await.unwrap();
    assert!(!me.restricted);

    let mut user = client
        .account()
        .create_user(CreateUser::new("alice_ops", "alice@example.org").restricted(true))
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"username": "alice_ops", "email": "alice@example.org", "restricted": true})
    );
    assert!(user.restricted);
    assert!(user.last_login.is_none());

    user.restricted = false;
    user.save(&client).await.unwrap();
    assert_eq!(
        common::last_request(&sandbox),
        (
            "PUT".into(),
            "/v4/account/users/alice_ops".into(),
            Some(json!({"email": "alice@example.org", "restricted": false}))
        )
    );

    let renamed = client
        .account()
        .update_user("alice_ops", &UserUpdate::new().username("alice"))
        .await
        .unwrap();
    assert_eq!(renamed.username, "alice");
    assert!(
        sandbox
            .with_account(|a| a.users.contains_key("alice") && !a.users.contains_key("alice_ops"))
    );

    let err = client
        .account()
        .create_user(CreateUser::new("alice", "again@example.org"))
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field.as_deref(), Some("username"));
    assert_eq!(err.field_errors()[0].reason, "Username taken");

    let found = client
        .account()
        .users()
        .filter(linode::api::account::User::USERNAME.eq("alice"))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);

    renamed.delete(&client).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        "DELETE /v4/account/users/alice"
    );
    assert_eq!(sandbox.with_account(|a| a.users.len()), 1);
    let err = client
        .account()
        .delete_user("sandbox-user")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(matches!(
        client
            .account()
            .create_user(CreateUser::new(" ", "x@example.org"))
            .await,
        Err(Error::InvalidArgument { .. })
    ));
}

#[tokio::test]
async fn transfer_follows_the_instances() {
    let (sandbox, client) = common::setup().await;
    let empty = client.account().transfer().await.unwrap();
    assert_eq!((empty.quota, empty.used), (0, 0));
    assert_eq!(common::last_line(&sandbox), "GET /v4/account/transfer");
    sandbox.seed_instances(3);
    let transfer = client.account().transfer().await.unwrap();
    let quota: u64 = client
        .linode()
        .instances()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|i| i.specs.transfer)
        .sum();
    assert_eq!(transfer.quota, quota);
    assert_eq!(transfer.region_transfers.len(), 3);
    assert!(transfer.used > 0 && transfer.used < transfer.quota);
}
