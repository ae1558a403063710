//! Images end to end against the sandbox: uploads (the `upload_to` URL and the data sent to
//! it), replication across regions, and image share groups from both sides (the producer's
//! groups, shares and members; the consumer's tokens and what they give access to), with the
//! API's refusals.

use crate::common;

use common::{event_actions, last_line, last_request, refusal};
use linode::Error;
use linode::api::images::sharegroups::{
    CreateShareGroup, MemberStatus, ShareDetails, ShareGroup, ShareImage, TokenStatus,
};
use linode::api::images::{CreateImageUpload, Image, ImageRegionStatus, ImageStatus, IsShared};
use linode::{Client, Path, Request};
use linode_sandbox::Sandbox;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

/// A gzip file of `data` in stored (uncompressed) deflate blocks, with its real CRC-32.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff];
    let mut chunks = data.chunks(65535).peekable();
    if data.is_empty() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    out.extend_from_slice(&(!crc).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// A disk of 2.5 MiB, which the API counts as 3 MB.
fn disk() -> Vec<u8> {
    gzip(&vec![0u8; 5 * 512 * 1024])
}

/// Uploads a small image labelled `label` into `region` and returns it, `available`.
async fn uploaded(client: &Client, label: &str, region: &str) -> Image {
    client
        .images()
        .upload(&CreateImageUpload::new(label, region), disk())
        .await
        .expect("the image is uploaded")
}

/// A sandbox and its client, with an uploaded image `base` shared in group `DevOps`.
async fn sharing_base() -> (Sandbox, Client, Image, ShareGroup) {
    let (sandbox, client) = common::setup().await;
    let base = uploaded(&client, "base", "us-east").await;
    let group = client
        .images()
        .sharegroups()
        .create(&CreateShareGroup::new("DevOps").images([ShareImage::new(&base.id)]))
        .await
        .expect("the group is created");
    (sandbox, client, base, group)
}

/// Sends `method` to `path` (under the sandbox's base URL) as another client might.
async fn raw(sandbox: &Sandbox, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}{path}", sandbox.base_url()),
        )
        .bearer_auth(sandbox.token());
    if let Some(body) = body {
        req = req.json(&body);
    }
    let answer = req.send().await.expect("the sandbox answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

fn invalid_field(err: &Error) -> &str {
    match err {
        Error::InvalidArgument { field, .. } => field,
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

#[tokio::test]
async fn an_upload_is_pending_until_its_data_is_put_to_upload_to_without_the_token() {
    let (sandbox, client) = common::setup().await;
    let upload = client
        .images()
        .create_upload(
            &CreateImageUpload::new("golden", "us-east")
                .description("Base web server")
                .cloud_init(true)
                .tags(["base"]),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/images/upload".to_owned(),
            Some(
                json!({"label": "golden", "region": "us-east", "description": "Base web server",
                        "cloud_init": true, "tags": ["base"]})
            )
        )
    );
    let image = &upload.image;
    assert_eq!(image.status, ImageStatus::PendingUpload);
    assert_eq!(image.label, "golden");
    assert_eq!(image.capabilities, ["cloud-init"]);
    assert_eq!(image.regions.len(), 1);
    assert_eq!(image.regions[0].region, "us-east");
    assert_eq!(image.regions[0].status, Some(ImageRegionStatus::Pending));
    assert_eq!(image.size, 0);
    assert_eq!(image.is_shared, Some(IsShared::Flag(false)));
    let number = image.id.strip_prefix("private/").unwrap();
    let url = upload.upload_to.expose_secret();
    let prefix = format!("{}/sandbox/uploads/{number}?signature=", sandbox.base_url());
    assert!(url.starts_with(&prefix), "{url}");
    assert!(!format!("{upload:?}").contains("signature="));

    client
        .images()
        .send_upload(&upload.upload_to, disk())
        .await
        .unwrap();
    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(sent.method, "PUT");
    assert_eq!(sent.path, format!("/sandbox/uploads/{number}"));
    assert_eq!(sent.header("authorization"), None);
    assert_eq!(
        sent.header("content-type"),
        Some("application/octet-stream")
    );
    let stored = sandbox.private_image(&image.id).unwrap();
    assert_eq!(stored["status"], "available");
    assert_eq!(stored["size"], 3);
    assert_eq!(stored["total_size"], 3);
    assert_eq!(
        stored["regions"],
        json!([{"region": "us-east", "status": "available"}])
    );
    assert_eq!(event_actions(&sandbox, "image_"), ["image_upload"]);

    let loaded = client.images().get(&image.id).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("GET /v4/images/private%2F{number}")
    );
    assert_eq!(loaded.status, ImageStatus::Available);
    assert_eq!((loaded.size, loaded.total_size), (3, 3));
}

#[tokio::test]
async fn upload_in_one_step_creates_sends_and_reloads() {
    let (sandbox, client) = common::setup().await;
    let image = uploaded(&client, "one-step", "eu-central").await;
    let lines = common::lines(&sandbox);
    let number = image.id.strip_prefix("private/").unwrap();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], "POST /v4/images/upload");
    assert!(lines[1].starts_with(&format!("PUT /sandbox/uploads/{number}?signature=")));
    assert_eq!(lines[2], format!("GET /v4/images/private%2F{number}"));
    assert_eq!(image.status, ImageStatus::Available);
    assert_eq!(image.size, 3);
    assert_eq!(image.regions[0].region, "eu-central");
    assert_eq!(image.regions[0].status, Some(ImageRegionStatus::Available));
}

#[tokio::test]
async fn uploads_are_refused_with_the_reason() {
    let (sandbox, client) = common::setup().await;
    // The client refuses what cannot be an image before sending anything.
    let err = client
        .images()
        .upload(
            &CreateImageUpload::new("raw", "us-east"),
            b"not gzip".to_vec(),
        )
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&err), "image");
    let err = client
        .images()
        .create_upload(&CreateImageUpload::new(" ", "us-east"))
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&err), "label");
    assert!(sandbox.requests().is_empty());

    let err = client
        .images()
        .create_upload(&CreateImageUpload::new("golden", "us-west"))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("region"),
            "Region does not support Object Storage, which stores images"
        )
    );
    let (status, answer) = raw(&sandbox, "POST", "/v4/images/upload", Some(json!({}))).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["errors"],
        json!([{"field": "label", "reason": "label is required"},
               {"field": "region", "reason": "region is required"}])
    );

    let upload = client
        .images()
        .create_upload(&CreateImageUpload::new("golden", "us-east"))
        .await
        .unwrap();
    let url = upload.upload_to.expose_secret().to_owned();
    let http = reqwest::Client::new();
    let put = |url: String, body: Vec<u8>| {
        let http = http.clone();
        async move {
            let answer = http.put(url).body(body).send().await.unwrap();
            let status = answer.status().as_u16();
            (status, answer.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, answer) = put(url.clone(), b"plain bytes, not gzip".to_vec()).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["errors"][0]["reason"],
        "The image must be a gzip-compressed raw disk image (.img.gz)"
    );
    let mut huge = gzip(b"x");
    huge.resize(4 * 1024 * 1024 + 1, 0);
    let err = client
        .images()
        .send_upload(&upload.upload_to, huge)
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            413,
            None,
            "The image is 4194305 bytes; the sandbox accepts uploads of at most 4194304 bytes"
        )
    );
    assert!(!err.to_string().contains("signature="), "{err}");
    let forged = format!("{}0", url);
    let (status, answer) = put(forged, disk()).await;
    assert_eq!(status, 403);
    assert_eq!(
        answer["errors"][0]["reason"],
        "The upload URL's signature does not match"
    );
    assert_eq!(
        sandbox.private_image(&upload.image.id).unwrap()["status"],
        "pending_upload"
    );

    // A URL takes one upload.
    assert_eq!(put(url.clone(), disk()).await.0, 200);
    let (status, answer) = put(url, disk()).await;
    assert_eq!(
        (status, &answer["errors"][0]["reason"]),
        (404, &json!("Not found"))
    );
}

#[tokio::test]
async fn replication_adds_listed_regions_and_removes_the_others() {
    let (sandbox, client) = common::setup().await;
    let image = uploaded(&client, "replicated", "us-east").await;
    let answer = client
        .images()
        .replicate(&image.id, ["us-east", "eu-central"])
        .await
        .unwrap();
    let number = image.id.strip_prefix("private/").unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/images/private%2F{number}/regions"),
            Some(json!({"regions": ["us-east", "eu-central"]}))
        )
    );
    let states: Vec<(&str, ImageRegionStatus)> = answer
        .regions
        .iter()
        .map(|r| (r.region.as_str(), r.status.clone().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            ("us-east", ImageRegionStatus::Available),
            ("eu-central", ImageRegionStatus::PendingReplication)
        ]
    );
    let stored = sandbox.private_image(&image.id).unwrap();
    assert_eq!(
        stored["regions"],
        json!([{"region": "us-east", "status": "available"},
               {"region": "eu-central", "status": "available"}])
    );
    assert_eq!(stored["total_size"], 6);

    let answer = client
        .images()
        .replicate(&image.id, ["eu-central"])
        .await
        .unwrap();
    assert_eq!(
        answer.regions[0].status,
        Some(ImageRegionStatus::PendingDeletion)
    );
    let stored = sandbox.private_image(&image.id).unwrap();
    assert_eq!(
        stored["regions"],
        json!([{"region": "eu-central", "status": "available"}])
    );
    assert_eq!(stored["total_size"], 3);
}

#[tokio::test]
async fn replication_is_refused_with_the_reason() {
    let (sandbox, client) = common::setup().await;
    let image = uploaded(&client, "replicated", "us-east").await;
    let err = client
        .images()
        .replicate(&image.id, Vec::<String>::new())
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&err), "regions");

    let cases: [(&[&str], Option<&str>, &str); 4] = [
        (
            &["us-east", "nowhere"],
            Some("regions[1]"),
            "Region not found",
        ),
        (
            &["us-west"],
            Some("regions[0]"),
            "Region does not support Object Storage, which stores images",
        ),
        (
            &["us-east", "us-east"],
            Some("regions[1]"),
            "Region is listed twice",
        ),
        (
            &["eu-central"],
            Some("regions"),
            "Include at least one region where the image is available",
        ),
    ];
    for (regions, field, reason) in cases {
        let err = client
            .images()
            .replicate(&image.id, regions.iter().copied())
            .await
            .unwrap_err();
        assert_eq!(refusal(&err), (400, field, reason), "{regions:?}");
    }
    let err = client
        .images()
        .replicate("linode/debian12", ["us-east"])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, None, "Only private images can be replicated")
    );
    let pending = client
        .images()
        .create_upload(&CreateImageUpload::new("empty", "us-east"))
        .await
        .unwrap();
    let err = client
        .images()
        .replicate(&pending.image.id, ["us-east"])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            "The image must be available before it is replicated"
        )
    );
    let err = client
        .images()
        .replicate("private/999", ["us-east"])
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    assert_eq!(
        sandbox.private_image(&image.id).unwrap()["regions"],
        json!([{"region": "us-east", "status": "available"}])
    );
}

#[tokio::test]
async fn a_share_group_shares_private_images_and_deleting_it_removes_the_shares() {
    let (sandbox, client) = common::setup().await;
    let base = uploaded(&client, "base", "us-east").await;
    let extra = uploaded(&client, "extra", "us-east").await;
    let groups = client.images().sharegroups();
    let group = groups
        .create(
            &CreateShareGroup::new("DevOps")
                .description("For CI")
                .images([ShareImage::new(&base.id).label("Debian base")]),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/images/sharegroups".to_owned(),
            Some(json!({"label": "DevOps", "description": "For CI",
                        "images": [{"id": base.id, "label": "Debian base"}]}))
        )
    );
    assert_eq!(group.label, "DevOps");
    assert_eq!(group.images_count, Some(1));
    assert_eq!(group.members_count, Some(0));
    assert_eq!(group.uuid.len(), 36);

    let shares = groups
        .images(group.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!(
            "GET /v4/images/sharegroups/{}/images?page=1&page_size=100",
            group.id
        )
    );
    assert_eq!(shares.len(), 1);
    let share = &shares[0];
    assert_eq!(share.id, "shared/1");
    assert_eq!(share.label, "Debian base");
    assert_eq!(share.kind, "shared");
    let by = share
        .image_sharing
        .as_ref()
        .unwrap()
        .shared_by
        .as_ref()
        .unwrap();
    assert_eq!(by.sharegroup_id, group.id);
    assert_eq!(by.sharegroup_label, "DevOps");
    assert_eq!(by.source_image_id.as_deref(), Some(base.id.as_str()));
    let source = client.images().get(&base.id).await.unwrap();
    assert_eq!(source.is_shared, Some(IsShared::Flag(true)));
    let with = source.image_sharing.unwrap().shared_with.unwrap();
    assert_eq!(with.sharegroup_count, 1);
    assert_eq!(
        with.sharegroup_list_url,
        format!("/images/{}/sharegroups", base.id)
    );
    let of_image = groups
        .of_image(&base.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(of_image.len(), 1);
    assert_eq!(of_image[0].id, group.id);

    let renamed = groups
        .update(group.id, &ShareDetails::new().label("Platform"))
        .await
        .unwrap();
    assert_eq!(last_request(&sandbox).2, Some(json!({"label": "Platform"})));
    assert_eq!(renamed.label, "Platform");
    let added = groups
        .add_images(group.id, &[ShareImage::new(&extra.id)])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).2,
        Some(json!({"images": [{"id": extra.id}]}))
    );
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].id, "shared/2");
    assert_eq!(added[0].label, "extra");
    let updated = groups
        .update_image(
            group.id,
            "shared/2",
            &ShareDetails::new().description("Extras"),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).1,
        format!("/v4/images/sharegroups/{}/images/shared%2F2", group.id)
    );
    assert_eq!(updated.description.as_deref(), Some("Extras"));
    let state = sandbox.image_sharing();
    assert_eq!(state["sharegroups"][0]["images_count"], 2);
    assert_eq!(
        state["shares"][0]["image_sharing"]["shared_by"]["sharegroup_label"],
        "Platform"
    );
    assert_eq!(state["shares"][1]["description"], "Extras");

    groups.remove_image(group.id, "shared/2").await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!(
            "DELETE /v4/images/sharegroups/{}/images/shared%2F2",
            group.id
        )
    );
    assert_eq!(
        sandbox.private_image(&extra.id).unwrap()["is_shared"],
        false
    );
    assert_eq!(groups.get(group.id).await.unwrap().images_count, Some(1));

    groups.delete(group.id).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("DELETE /v4/images/sharegroups/{}", group.id)
    );
    let state = sandbox.image_sharing();
    assert_eq!(state["sharegroups"], json!([]));
    assert_eq!(state["shares"], json!([]));
    let source = sandbox.private_image(&base.id).unwrap();
    assert_eq!(source["is_shared"], false);
    assert_eq!(
        source["image_sharing"]["shared_with"]["sharegroup_count"],
        0
    );
    let err = groups.get(group.id).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
}

#[tokio::test]
async fn a_consumer_joins_by_token_and_sees_the_shared_images_until_removed() {
    let (sandbox, client, base, group) = sharing_base().await;
    let groups = client.images().sharegroups();

    // The consumer's side: a token for the group's UUID.
    let token = groups.create_token(&group.uuid, Some("ci")).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/images/sharegroups/tokens".to_owned(),
            Some(json!({"valid_for_sharegroup_uuid": group.uuid, "label": "ci"}))
        )
    );
    let secret = token.secret.expose_secret().to_owned();
    assert!(!format!("{token:?}").contains(&secret));
    let token_uuid = token.token.token_uuid.clone();
    assert_eq!(token.token.status, TokenStatus::Pending);
    assert_eq!(token.token.valid_for_sharegroup_uuid, group.uuid);
    assert_eq!(token.token.sharegroup_label.as_deref(), Some("DevOps"));
    let state = sandbox.image_sharing();
    assert_eq!(state["tokens"][0]["secret"], secret.as_str());
    assert_eq!(state["tokens"][0]["token"].get("token"), None);
    let err = groups.token_sharegroup(&token_uuid).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));

    // The producer's side: the secret makes a member.
    let member = groups
        .add_member(group.id, &token.secret, "CI account")
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/images/sharegroups/{}/members", group.id),
            Some(json!({"token": secret, "label": "CI account"}))
        )
    );
    assert_eq!(member.token_uuid, token_uuid);
    assert_eq!(member.status, MemberStatus::Active);
    assert_eq!(
        groups.token(&token_uuid).await.unwrap().status,
        TokenStatus::Active
    );
    assert_eq!(groups.get(group.id).await.unwrap().members_count, Some(1));

    // What the token gives access to.
    let seen = groups.token_sharegroup(&token_uuid).await.unwrap();
    assert_eq!((seen.id, seen.label.as_str()), (group.id, "DevOps"));
    assert_eq!(seen.images_count, None);
    let images = groups
        .token_images(&token_uuid)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].id, "shared/1");
    assert!(images[0].is_shared.as_ref().unwrap().shared_with_you());
    let by = images[0]
        .image_sharing
        .as_ref()
        .unwrap()
        .shared_by
        .as_ref()
        .unwrap();
    assert_eq!(by.source_image_id, None);
    assert_eq!(by.source_image_label.as_deref(), Some(base.label.as_str()));
    let listed = client
        .images()
        .list()
        .filter(Image::TYPE.eq("shared"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let shared = client.images().get("shared/1").await.unwrap();
    assert_eq!(shared.kind, "shared");

    // Labels on both sides.
    let member = groups
        .update_member(group.id, &token_uuid, "CI")
        .await
        .unwrap();
    assert_eq!(last_request(&sandbox).2, Some(json!({"label": "CI"})));
    assert_eq!(member.label, "CI");
    assert_eq!(
        groups.member(group.id, &token_uuid).await.unwrap().label,
        "CI"
    );
    let renamed = groups.update_token(&token_uuid, "ci-2").await.unwrap();
    assert_eq!(renamed.label.as_deref(), Some("ci-2"));
    let members = groups
        .members(group.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(groups.tokens().await.unwrap().len(), 1);

    // Removing the member revokes its token and its access.
    groups.remove_member(group.id, &token_uuid).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!(
            "DELETE /v4/images/sharegroups/{}/members/{token_uuid}",
            group.id
        )
    );
    assert_eq!(
        groups.token(&token_uuid).await.unwrap().status,
        TokenStatus::Revoked
    );
    assert_eq!(sandbox.image_sharing()["members"], json!([]));
    let listed = client
        .images()
        .list()
        .filter(Image::TYPE.eq("shared"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 0);
    let err = client.images().get("shared/1").await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
}

#[tokio::test]
async fn deleting_a_token_leaves_the_group_and_deleting_an_image_unshares_it() {
    let (sandbox, client, base, group) = sharing_base().await;
    let groups = client.images().sharegroups();
    let token = groups.create_token(&group.uuid, None).await.unwrap();
    groups
        .add_member(group.id, &token.secret, "CI")
        .await
        .unwrap();
    groups.delete_token(&token.token.token_uuid).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!(
            "DELETE /v4/images/sharegroups/tokens/{}",
            token.token.token_uuid
        )
    );
    let state = sandbox.image_sharing();
    assert_eq!(state["tokens"], json!([]));
    assert_eq!(state["members"], json!([]));
    assert_eq!(state["sharegroups"][0]["members_count"], 0);

    client.images().delete(&base.id).await.unwrap();
    let state = sandbox.image_sharing();
    assert_eq!(state["shares"], json!([]));
    assert_eq!(state["sharegroups"][0]["images_count"], 0);
}

#[tokio::test]
async fn share_groups_refuse_what_the_api_refuses() {
    let (sandbox, client) = common::setup().await;
    let base = uploaded(&client, "base", "us-east").await;
    let groups = client.images().sharegroups();
    let err = groups
        .create(&CreateShareGroup::new("g").images([ShareImage::new("linode/debian12")]))
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&err), "images[0].id");
    let err = groups.create(&CreateShareGroup::new("")).await.unwrap_err();
    assert_eq!(invalid_field(&err), "label");

    let pending = client
        .images()
        .create_upload(&CreateImageUpload::new("empty", "us-east"))
        .await
        .unwrap();
    let (status, answer) = raw(
        &sandbox,
        "POST",
        "/v4/images/sharegroups",
        Some(
            json!({"images": [{"id": "linode/debian12"}, {"id": "private/999"},
                               {"id": pending.image.id}, {"id": base.id, "label": ""},
                               {"id": base.id}, {"id": base.id}]}),
        ),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["errors"],
        json!([
            {"field": "label", "reason": "label is required"},
            {"field": "images[0].id", "reason": "Only private images can be shared"},
            {"field": "images[1].id", "reason": "Image not found"},
            {"field": "images[2].id", "reason": "Image is not available yet"},
            {"field": "images[3].label", "reason": "Length must be 1-100 characters"},
            {"field": "images[4].id", "reason": "Image is already shared in this group"},
            {"field": "images[5].id", "reason": "Image is already shared in this group"},
        ])
    );
    assert_eq!(sandbox.image_sharing()["sharegroups"], json!([]));

    let group = groups
        .create(&CreateShareGroup::new("DevOps").images([ShareImage::new(&base.id)]))
        .await
        .unwrap();
    let other = groups
        .create(&CreateShareGroup::new("Other"))
        .await
        .unwrap();
    let err = groups
        .add_images(group.id, &[ShareImage::new(&base.id)])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("images[0].id"),
            "Image is already shared in this group"
        )
    );
    let err = groups
        .create_token("00000000-0000-4000-a000-000000000000", None)
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("valid_for_sharegroup_uuid"),
            "Share group not found"
        )
    );

    let token = groups.create_token(&other.uuid, None).await.unwrap();
    let err = groups
        .add_member(group.id, &token.secret, "CI")
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("token"),
            "The token was made for another share group"
        )
    );
    let err = groups
        .add_member(group.id, &"forged".to_owned().into(), "CI")
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (400, Some("token"), "Invalid token"));
    groups
        .add_member(other.id, &token.secret, "CI")
        .await
        .unwrap();
    let err = groups
        .add_member(other.id, &token.secret, "CI again")
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("token"), "The token has already been used")
    );
    let err = groups
        .member(group.id, &token.token.token_uuid)
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    assert_eq!(
        sandbox.image_sharing()["members"].as_array().unwrap().len(),
        1
    );

    // Image listings are public, share groups are not.
    let anonymous = reqwest::Client::new()
        .get(format!("{}/v4/images/sharegroups", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    // Other clients send an image id unencoded; the sandbox takes both shapes.
    let raw_path = format!("/v4/images/{}/sharegroups", base.id);
    let (status, answer) = raw(&sandbox, "GET", &raw_path, None).await;
    assert_eq!((status, answer["results"].clone()), (200, json!(1)));
    let escape: Value = client
        .send(Request::get(
            Path::new("/images/sharegroups")
                .segment(group.id)
                .join("/images"),
        ))
        .await
        .unwrap();
    assert_eq!(escape["results"], 1);
}
