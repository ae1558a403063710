//! Instances end to end against the sandbox: create, get, list, update by saving, delete.

use crate::common;

use linode::api::linode::{CreateInstance, InstanceStatus, InstanceUpdate};
use linode::{Error, ExposeSecret};
use serde_json::json;

#[tokio::test]
async fn create_from_image_generates_a_strong_root_password_and_sends_it() {
    let (sandbox, client) = common::setup().await;
    let created = client
        .linode()
        .create_instance(
            CreateInstance::from_image("us-east", "g6-standard-2", "linode/debian12")
                .label("web-1")
                .group("prod")
                .tags(["alpha", "beta"]),
        )
        .await
        .unwrap();
    let password = created.root_pass.expect("a password is generated");
    let password = password.expose_secret();
    assert_eq!(password.len(), 32);

    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("POST", "/v4/linode/instances")
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json().unwrap(),
        json!({
            "region": "us-east", "type": "g6-standard-2", "image": "linode/debian12",
            "label": "web-1", "group": "prod", "tags": ["alpha", "beta"], "root_pass": password
        })
    );

    let linode = created.instance;
    assert_eq!(linode.label, "web-1");
    assert_eq!(linode.region.id(), "us-east");
    assert_eq!(linode.instance_type.id(), "g6-standard-2");
    assert_eq!(
        linode.image.as_ref().map(|i| i.id().as_str()),
        Some("linode/debian12")
    );
    assert_eq!(linode.tags, ["alpha", "beta"]);
    assert_eq!(linode.ipv4.len(), 1);
    let stored = sandbox.instance(linode.id).expect("the sandbox keeps it");
    assert_eq!(stored["label"], "web-1");
    assert!(stored.get("root_pass").is_none());

    // The relations load on request.
    let region = linode.region.load(&client).await.unwrap();
    assert_eq!(region.id, "us-east");
    let plan = linode.instance_type.load(&client).await.unwrap();
    assert_eq!(plan.id, "g6-standard-2");
    assert_eq!(plan.memory, linode.specs.memory);
}

#[tokio::test]
async fn a_given_root_password_is_sent_and_returned_and_empty_instances_have_none() {
    let (sandbox, client) = common::setup().await;
    let created = client
        .linode()
        .create_instance(
            CreateInstance::from_image("eu-west", "g6-nanode-1", "linode/ubuntu24.04")
                .root_pass("Correct-Horse-Battery-9"),
        )
        .await
        .unwrap();
    assert_eq!(
        created.root_pass.unwrap().expose_secret(),
        "Correct-Horse-Battery-9"
    );
    assert_eq!(
        common::last_body(&sandbox)["root_pass"],
        "Correct-Horse-Battery-9"
    );

    let empty = client
        .linode()
        .create_instance(CreateInstance::empty("eu-west", "g6-nanode-1"))
        .await
        .unwrap();
    assert!(empty.root_pass.is_none());
    assert_eq!(empty.instance.status, InstanceStatus::Offline);
    assert_eq!(empty.instance.image, None);
    assert_eq!(
        common::last_body(&sandbox),
        json!({"region": "eu-west", "type": "g6-nanode-1"})
    );
}

#[tokio::test]
async fn the_api_refusal_names_the_field_and_reason() {
    let (sandbox, client) = common::setup().await;
    let err = client
        .linode()
        .create_instance(CreateInstance::from_image(
            "mars-1",
            "g6-nanode-1",
            "linode/debian12",
        ))
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            status,
            method,
            path,
            errors,
        } => {
            assert_eq!(
                (*status, method.as_str(), path.as_str()),
                (400, "POST", "/linode/instances")
            );
            assert_eq!(errors[0].field.as_deref(), Some("region"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert_eq!(err.status(), Some(400));
    assert_eq!(sandbox.instance_count(), 0);

    let err = client
        .linode()
        .create_instance(common::debian_nanode("us-east").root_pass("weak"))
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field.as_deref(), Some("root_pass"));
}

#[tokio::test]
async fn bad_arguments_are_refused_before_any_request() {
    let (sandbox, client) = common::setup().await;
    let err = client
        .linode()
        .create_instance(common::debian_nanode("us-east").label(" "))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { field, .. } if field == "label"),
        "{err}"
    );
    let err = client
        .linode()
        .update_instance(1, &InstanceUpdate::new().label(""))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { field, .. } if field == "label"),
        "{err}"
    );
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn get_save_and_delete() {
    let (sandbox, client) = common::setup().await;
    let id = sandbox.seed_instances(1)[0];

    let mut linode = client.linode().instance(id).await.unwrap();
    assert_eq!(linode.id, id);
    linode.label = "renamed".into();
    linode.group = "new-group".into();
    linode.tags = vec!["xray".into()];
    linode.save(&client).await.unwrap();

    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(
        (sent.method.as_str(), sent.path.clone()),
        ("PUT", format!("/v4/linode/instances/{id}"))
    );
    let body = sent.json().unwrap();
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "alerts",
            "backups",
            "group",
            "label",
            "tags",
            "watchdog_enabled"
        ]
    );
    assert_eq!(body["label"], "renamed");
    assert_eq!(
        body["backups"],
        json!({"schedule": linode.backups.schedule})
    );

    assert_eq!(linode.label, "renamed");
    let stored = sandbox.instance(id).unwrap();
    assert_eq!(
        (stored["label"].as_str(), stored["group"].as_str()),
        (Some("renamed"), Some("new-group"))
    );
    assert_eq!(stored["tags"], json!(["xray"]));

    // A partial update sends only what it sets.
    let updated = client
        .linode()
        .update_instance(id, &InstanceUpdate::new().group("g2"))
        .await
        .unwrap();
    assert_eq!(updated.group, "g2");
    assert_eq!(common::last_body(&sandbox), json!({"group": "g2"}));

    linode.delete(&client).await.unwrap();
    assert_eq!(sandbox.requests().pop().unwrap().method, "DELETE");
    assert!(sandbox.instance(id).is_none());
    let err = client.linode().instance(id).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(matches!(err, Error::Api { status: 404, .. }));
}

#[tokio::test]
async fn catalogs_list_and_get() {
    let (sandbox, client) = common::setup().await;
    let regions = client
        .regions()
        .list()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(regions.iter().any(|r| r.id == "us-east"));
    assert_eq!(client.regions().get("us-east").await.unwrap().country, "us");

    let types = client
        .linode()
        .types()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(types.iter().any(|t| t.id == "g6-standard-2"));
    assert_eq!(
        client
            .linode()
            .linode_type("g6-nanode-1")
            .await
            .unwrap()
            .vcpus,
        1
    );

    let images = client
        .images()
        .list()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(images.iter().any(|i| i.id == "linode/debian12"));
    sandbox.clear_requests();
    let debian = client.images().get("linode/debian12").await.unwrap();
    assert_eq!(debian.id, "linode/debian12");
    assert_eq!(
        common::lines(&sandbox),
        ["GET /v4/images/linode%2Fdebian12"]
    );

    let kernel = client.linode().kernel("linode/latest-64bit").await.unwrap();
    assert_eq!(kernel.id, "linode/latest-64bit");
    let err = client.regions().get("nowhere").await.unwrap_err();
    assert!(err.is_not_found());
}
