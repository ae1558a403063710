//! The Longview group against the sandbox.

use crate::common;

use linode::api::longview::LongviewClient;
use linode::{Error, ExposeSecret};
use serde_json::json;

#[tokio::test]
async fn clients_are_created_with_or_without_a_label() {
    let (sandbox, client) = common::setup().await;
    let unnamed = client.longview().create_client(None).await.unwrap();
    assert_eq!(
        common::last_request(&sandbox),
        (
            "POST".into(),
            "/v4/longview/clients".into(),
            Some(json!({}))
        )
    );
    assert_eq!(unnamed.label, format!("longview{}", unnamed.id));
    assert_eq!(unnamed.api_key.expose_secret().len(), 35);
    assert_eq!(unnamed.install_code.len(), 35);
    assert!(!format!("{unnamed:?}").contains(unnamed.api_key.expose_secret()));

    let mut named = client
        .longview()
        .create_client(Some("db-monitor"))
        .await
        .unwrap();
    assert_eq!(common::last_body(&sandbox), json!({"label": "db-monitor"}));
    assert_eq!(named.label, "db-monitor");
    let kept = sandbox.with_account(|a| a.longview_clients.get(named.id).cloned().unwrap());
    assert_eq!(kept["label"], "db-monitor");
    assert_eq!(kept["api_key"], named.api_key.expose_secret());

    let all = client.longview().clients().await.unwrap();
    assert_eq!(all.len(), 2);
    let found = client
        .longview()
        .clients()
        .filter(LongviewClient::LABEL.eq("db-monitor"))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"label":"db-monitor"}"#)
    );

    named.label = "db-watch".into();
    named.save(&client).await.unwrap();
    assert_eq!(common::last_body(&sandbox), json!({"label": "db-watch"}));
    assert_eq!(
        client.longview().client(named.id).await.unwrap().label,
        "db-watch"
    );

    let err = client
        .longview()
        .create_client(Some("db-watch"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.field_errors()[0].field.as_deref(), Some("label"));
    let err = client
        .longview()
        .create_client(Some("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }));

    let id = named.id;
    named.delete(&client).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/longview/clients/{id}")
    );
    assert_eq!(sandbox.with_account(|a| a.longview_clients.len()), 1);
    assert_eq!(
        common::event_actions(&sandbox, ""),
        [
            "longviewclient_create",
            "longviewclient_create",
            "longviewclient_update",
            "longviewclient_delete"
        ]
    );
}

#[tokio::test]
async fn subscriptions_list_and_load() {
    let (sandbox, client) = common::setup().await;
    let plans = client
        .longview()
        .subscriptions()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["longview-3", "longview-10", "longview-40", "longview-100"]
    );
    let ten = client.longview().subscription("longview-10").await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/longview/subscriptions/longview-10"
    );
    assert_eq!(ten.clients_included, 10);
    assert_eq!(ten.price.unwrap().monthly, 40.0);
    assert!(
        client
            .longview()
            .subscription("longview-7")
            .await
            .unwrap_err()
            .is_not_found()
    );
}
