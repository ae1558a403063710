//! Volumes end to end against the sandbox: create in a region or attached to a Linode, list,
//! filter, save, attach, detach, resize, clone, delete, and the API's refusals.

use crate::common;

use std::time::Duration;

use common::{assert_raw_refusals, empty_linode, event_actions, last_request, refusal};
use linode::Error;
use linode::api::volumes::{CreateVolume, Volume, VolumeStatus, VolumeUpdate};
use linode_sandbox::Sandbox;
use serde_json::json;

/// The actions of the volume events, oldest first.
fn actions(sandbox: &Sandbox) -> Vec<String> {
    event_actions(sandbox, "volume_")
}

#[tokio::test]
async fn create_in_a_region_sends_the_default_size_and_the_sandbox_keeps_it() {
    let (sandbox, client) = common::setup().await;
    let volume = client
        .volumes()
        .create(CreateVolume::in_region("data-1", "us-east").tags(["database"]))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/volumes".to_owned(),
            Some(json!({"label": "data-1", "size": 20, "region": "us-east", "tags": ["database"]}))
        )
    );
    assert_eq!(volume.label, "data-1");
    assert_eq!(volume.size, 20);
    assert_eq!(volume.region.id(), "us-east");
    assert_eq!(volume.linode_id, None);
    assert_eq!(
        volume.filesystem_path,
        "/dev/disk/by-id/scsi-0Linode_Volume_data-1"
    );
    let stored = sandbox.volume(volume.id).unwrap();
    assert_eq!(stored["status"], "active");
    assert_eq!(stored["size"], 20);
    assert_eq!(stored["tags"], json!(["database"]));
    assert_eq!(actions(&sandbox), ["volume_create"]);

    let loaded = client.volumes().get(volume.id).await.unwrap();
    assert_eq!(loaded.status, VolumeStatus::Active);
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/volumes/{}", volume.id)
    );
}

#[tokio::test]
async fn create_attached_to_a_linode_takes_its_region_and_shows_in_its_volumes() {
    let (sandbox, client) = common::setup().await;
    let web = empty_linode(&client, "eu-west", "web-1").await;
    let volume = client
        .volumes()
        .create(CreateVolume::attached_to("logs", web.id).size(100))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).2.unwrap(),
        json!({"label": "logs", "size": 100, "linode_id": web.id})
    );
    assert_eq!(volume.region.id(), "eu-west");
    assert_eq!(volume.linode_id, Some(web.id));
    assert_eq!(volume.linode_label.as_deref(), Some("web-1"));
    assert_eq!(sandbox.volume(volume.id).unwrap()["linode_id"], web.id);

    client
        .volumes()
        .create(CreateVolume::in_region("other", "eu-west"))
        .await
        .unwrap();
    let mut attached = web.volumes(&client).await.unwrap();
    assert_eq!(attached.len(), 1);
    assert_eq!(attached.only().await.unwrap().id, volume.id);
    assert_eq!(
        common::last_line(&sandbox),
        format!(
            "GET /v4/linode/instances/{}/volumes?page=1&page_size=100",
            web.id
        )
    );
}

#[tokio::test]
async fn lists_filter_on_label_and_tags() {
    let (sandbox, client) = common::setup().await;
    for (label, tag) in [("alpha", "hot"), ("beta", "cold"), ("gamma", "hot")] {
        client
            .volumes()
            .create(CreateVolume::in_region(label, "us-east").tags([tag]))
            .await
            .unwrap();
    }
    let hot = client
        .volumes()
        .list()
        .filter(Volume::TAGS.eq("hot"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let labels: Vec<&str> = hot.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(labels, ["alpha", "gamma"]);
    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(sent.path, "/v4/volumes");
    assert_eq!(sent.header("x-filter"), Some(r#"{"tags":"hot"}"#));

    let all = client.volumes().list().await.unwrap();
    assert_eq!(all.len(), 3);
}

#[tokio::test]
async fn save_sends_label_and_tags_only() {
    let (sandbox, client) = common::setup().await;
    let mut volume = client
        .volumes()
        .create(CreateVolume::in_region("old-name", "us-east"))
        .await
        .unwrap();
    volume.label = "new-name".into();
    volume.tags = vec!["kept".into()];
    volume.save(&client).await.unwrap();
    let (method, path, body) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path),
        ("PUT", format!("/v4/volumes/{}", volume.id))
    );
    assert_eq!(
        body.unwrap(),
        json!({"label": "new-name", "tags": ["kept"]})
    );
    assert_eq!(volume.label, "new-name");
    let stored = sandbox.volume(volume.id).unwrap();
    assert_eq!(stored["label"], "new-name");
    assert_eq!(
        stored["filesystem_path"],
        "/dev/disk/by-id/scsi-0Linode_Volume_new-name"
    );

    let updated = client
        .volumes()
        .update(volume.id, &VolumeUpdate::new().tags(["a-tag"]))
        .await
        .unwrap();
    assert_eq!(updated.tags, ["a-tag"]);
    assert_eq!(
        last_request(&sandbox).2.unwrap(),
        json!({"tags": ["a-tag"]})
    );
}

#[tokio::test]
async fn attach_detach_and_delete_follow_the_api_rules() {
    let (sandbox, client) = common::setup().await;
    let web = empty_linode(&client, "us-east", "web-1").await;
    let volume = client
        .volumes()
        .create(CreateVolume::in_region("data", "us-east"))
        .await
        .unwrap();

    let attached = client.volumes().attach(volume.id, web.id).await.unwrap();
    let (method, path, body) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path),
        ("POST", format!("/v4/volumes/{}/attach", volume.id))
    );
    assert_eq!(body.unwrap(), json!({"linode_id": web.id}));
    assert_eq!(attached.linode_id, Some(web.id));
    assert_eq!(attached.linode_label.as_deref(), Some("web-1"));
    assert_eq!(sandbox.volume(volume.id).unwrap()["linode_id"], web.id);

    // Attached twice, or deleted while attached: refused, state unchanged.
    let err = client
        .volumes()
        .attach(volume.id, web.id)
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 400);
    let err = client.volumes().delete(volume.id).await.unwrap_err();
    assert_eq!(refusal(&err).0, 400);
    assert!(sandbox.volume(volume.id).is_some());

    client.volumes().detach(volume.id).await.unwrap();
    let (method, path, _) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path),
        ("POST", format!("/v4/volumes/{}/detach", volume.id))
    );
    let stored = sandbox.volume(volume.id).unwrap();
    assert_eq!(stored["linode_id"], json!(null));
    assert_eq!(stored["linode_label"], json!(null));

    client.volumes().delete(volume.id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/volumes/{}", volume.id)
    );
    assert!(sandbox.volume(volume.id).is_none());
    assert!(
        client
            .volumes()
            .get(volume.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert_eq!(
        actions(&sandbox),
        [
            "volume_create",
            "volume_attach",
            "volume_detach",
            "volume_delete"
        ]
    );
    let attach_event = sandbox
        .events()
        .into_iter()
        .find(|e| e["action"] == "volume_attach")
        .unwrap();
    assert_eq!(attach_event["entity"]["id"], volume.id);
    assert_eq!(attach_event["secondary_entity"]["id"], web.id);
}

#[tokio::test]
async fn a_volume_in_another_region_cannot_be_attached() {
    let (sandbox, client) = common::setup().await;
    let far = empty_linode(&client, "ap-south", "far-away").await;
    let volume = client
        .volumes()
        .create(CreateVolume::in_region("data", "us-east"))
        .await
        .unwrap();
    let err = client
        .volumes()
        .attach(volume.id, far.id)
        .await
        .unwrap_err();
    let (status, field, reason) = refusal(&err);
    assert_eq!((status, field), (400, Some("linode_id")));
    assert!(reason.contains("same region"), "{reason}");
    assert_eq!(sandbox.volume(volume.id).unwrap()["linode_id"], json!(null));

    let err = client.volumes().attach(volume.id, 999).await.unwrap_err();
    assert_eq!(refusal(&err), (400, Some("linode_id"), "Linode not found"));
    let err = client.volumes().attach(424242, far.id).await.unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn deleting_a_linode_detaches_its_volumes() {
    let (sandbox, client) = common::setup().await;
    let web = empty_linode(&client, "us-east", "doomed").await;
    let volume = client
        .volumes()
        .create(CreateVolume::attached_to("survivor", web.id))
        .await
        .unwrap();
    web.delete(&client).await.unwrap();
    let stored = sandbox.volume(volume.id).unwrap();
    assert_eq!(stored["linode_id"], json!(null));
    assert_eq!(stored["linode_label"], json!(null));
    let loaded = client.volumes().get(volume.id).await.unwrap();
    assert_eq!(loaded.linode_id, None);
    // Now detached, it can be deleted.
    loaded.delete(&client).await.unwrap();
    assert!(sandbox.volume(volume.id).is_none());
}

#[tokio::test]
async fn resize_only_grows_and_clone_copies_size_and_region() {
    let (sandbox, client) = common::setup().await;
    let volume = client
        .volumes()
        .create(CreateVolume::in_region("data", "us-east").size(30))
        .await
        .unwrap();
    let grown = client.volumes().resize(volume.id, 50).await.unwrap();
    let (method, path, body) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path),
        ("POST", format!("/v4/volumes/{}/resize", volume.id))
    );
    assert_eq!(body.unwrap(), json!({"size": 50}));
    assert_eq!(grown.size, 50);
    assert_eq!(sandbox.volume(volume.id).unwrap()["size"], 50);

    let err = client.volumes().resize(volume.id, 40).await.unwrap_err();
    assert_eq!(refusal(&err).0, 400);
    assert_eq!(refusal(&err).1, Some("size"));
    assert_eq!(sandbox.volume(volume.id).unwrap()["size"], 50);

    let copy = client
        .volumes()
        .clone_volume(volume.id, "data-copy")
        .await
        .unwrap();
    let (method, path, body) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path),
        ("POST", format!("/v4/volumes/{}/clone", volume.id))
    );
    assert_eq!(body.unwrap(), json!({"label": "data-copy"}));
    assert_ne!(copy.id, volume.id);
    assert_eq!((copy.size, copy.region.id().as_str()), (50, "us-east"));
    assert_eq!(sandbox.volume(copy.id).unwrap()["label"], "data-copy");
    assert_eq!(
        actions(&sandbox),
        ["volume_create", "volume_resize", "volume_clone"]
    );
}

#[tokio::test]
async fn bad_requests_get_field_errors_and_bad_arguments_are_caught_first() {
    let (sandbox, client) = common::setup().await;
    // Caught by the client: nothing is sent.
    let err = client
        .volumes()
        .create(CreateVolume::in_region("data", "us-east").size(5))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "size"));
    assert!(sandbox.requests().is_empty());

    // Refused by the sandbox.
    let err = client
        .volumes()
        .create(CreateVolume::in_region("1-bad", "us-east"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("label"));
    let err = client
        .volumes()
        .create(CreateVolume::in_region("data", "mars-1"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (400, Some("region"), "Region not found"));
    client
        .volumes()
        .create(CreateVolume::in_region("taken", "us-east"))
        .await
        .unwrap();
    let err = client
        .volumes()
        .create(CreateVolume::in_region("taken", "us-east"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("label"));
    assert_eq!(sandbox.events().len(), 1);
}

#[tokio::test]
async fn the_sandbox_refuses_sizes_out_of_range_and_a_missing_place() {
    let sandbox = Sandbox::start().await.unwrap();
    assert_raw_refusals(
        &sandbox,
        "/v4/volumes",
        [
            (
                json!({"label": "big", "region": "us-east", "size": 10241}),
                "size",
            ),
            (
                json!({"label": "small", "region": "us-east", "size": 9}),
                "size",
            ),
            (json!({"label": "nowhere"}), "region"),
            (json!({"region": "us-east"}), "label"),
            (
                json!({"label": "x1", "region": "us-east", "config_id": 5}),
                "config_id",
            ),
        ],
    )
    .await;
    assert_eq!(sandbox.events().len(), 0);
}

#[tokio::test]
async fn creating_and_resizing_take_time_at_speed_one() {
    let (sandbox, client) = common::setup_timed().await;
    let volume = client
        .volumes()
        .create(CreateVolume::in_region("slow", "us-east"))
        .await
        .unwrap();
    assert_eq!(volume.status, VolumeStatus::Creating);
    // Not active yet: cannot be resized.
    assert_eq!(
        refusal(&client.volumes().resize(volume.id, 40).await.unwrap_err()).0,
        400
    );
    sandbox.advance(Duration::from_secs(11));
    assert_eq!(sandbox.volume(volume.id).unwrap()["status"], "active");
    let resizing = client.volumes().resize(volume.id, 40).await.unwrap();
    assert_eq!(resizing.status, VolumeStatus::Resizing);
    sandbox.advance(Duration::from_secs(11));
    let done = client.volumes().get(volume.id).await.unwrap();
    assert_eq!((done.status, done.size), (VolumeStatus::Active, 40));
}
