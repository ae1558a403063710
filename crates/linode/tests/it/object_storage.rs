//! Object Storage end to end against the sandbox: buckets, objects uploaded and fetched with a
//! plain HTTP client through pre-signed URLs, listings paged by marker, ACLs, TLS, keys,
//! quotas; each rule also from the refused side.

use crate::common;

use std::time::Duration;

use common::{assert_raw_refusals, last_request, post_raw, refusal};
use linode::api::object_storage::{
    Acl, BucketAccessUpdate, BucketPermission, CreateBucket, CreateKey, CreateObjectUrl,
    EndpointType, GlobalQuota, KeyUpdate, ObjectListQuery, Quota, UrlMethod,
};
use linode::{Client, Error};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

/// A region offering Object Storage, and one that does not.
const REGION: &str = "us-east";
const NO_OBJECTS_REGION: &str = "us-west";

/// The field and reason of a refusal made before any request.
fn invalid(err: Error) -> (String, String) {
    match err {
        Error::InvalidArgument { field, reason } => (field, reason),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

async fn bucket(client: &Client, label: &str) {
    client
        .object_storage()
        .create_bucket(CreateBucket::new(label, REGION))
        .await
        .unwrap();
}

/// Signs a URL for `method` on `name` in `bucket` and returns it.
async fn signed(client: &Client, bucket: &str, name: &str, method: UrlMethod) -> String {
    let request = match method {
        UrlMethod::Put => CreateObjectUrl::new(name, method).content_type("text/plain"),
        _ => CreateObjectUrl::new(name, method),
    };
    let url = client
        .object_storage()
        .object_url(REGION, bucket, &request)
        .await
        .unwrap();
    url.url.expose_secret().to_owned()
}

/// Uploads `data` as `name` through a pre-signed URL with a plain HTTP client.
async fn put_object(client: &Client, bucket: &str, name: &str, data: &'static str) {
    let url = signed(client, bucket, name, UrlMethod::Put).await;
    let answer = reqwest::Client::new()
        .put(url)
        .header("content-type", "text/plain")
        .body(data)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

/// The status and first error reason of a plain request to a signed URL.
async fn plain(method: reqwest::Method, url: &str, content_type: &str) -> (u16, String) {
    let answer = reqwest::Client::new()
        .request(method, url)
        .header("content-type", content_type)
        .body("x")
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let body: Value = answer.json().await.unwrap_or(Value::Null);
    (
        status,
        body["errors"][0]["reason"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

async fn names(
    client: &Client,
    bucket: &str,
    query: &ObjectListQuery,
) -> (Vec<String>, bool, Option<String>) {
    let page = client
        .object_storage()
        .objects(REGION, bucket, query)
        .await
        .unwrap();
    (
        page.data.into_iter().map(|o| o.name).collect(),
        page.is_truncated,
        page.next_marker,
    )
}

#[tokio::test]
async fn a_bucket_is_created_in_a_region_and_found_by_region_or_cluster() {
    let (sandbox, client) = common::setup().await;
    let storage = client.object_storage();
    let made = storage
        .create_bucket(
            CreateBucket::new("my-bucket.v2", REGION)
                .endpoint_type(EndpointType::E1)
                .acl(Acl::PublicRead)
                .cors_enabled(false),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/object-storage/buckets".to_owned(),
            Some(
                json!({"label": "my-bucket.v2", "region": REGION, "endpoint_type": "E1",
                "acl": "public-read", "cors_enabled": false})
            )
        )
    );
    assert_eq!(made.label, "my-bucket.v2");
    assert_eq!(made.region.id(), REGION);
    assert_eq!(made.cluster, "us-east-1");
    assert_eq!(made.hostname, "my-bucket.v2.us-east-1.linodeobjects.com");
    assert_eq!(
        made.s3_endpoint.as_deref(),
        Some("us-east-1.linodeobjects.com")
    );
    assert_eq!(made.endpoint_type, Some(EndpointType::E1));
    assert_eq!((made.objects, made.size), (0, 0));

    assert_eq!(storage.bucket(REGION, "my-bucket.v2").await.unwrap(), made);
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/object-storage/buckets/us-east/my-bucket.v2"
    );
    assert_eq!(
        storage.bucket("us-east-1", "my-bucket.v2").await.unwrap(),
        made
    );
    let all = storage
        .buckets()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all, std::slice::from_ref(&made));
    let here = storage
        .buckets_in(REGION)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(here, [made]);
    assert_eq!(sandbox.table("object_storage_buckets").len(), 1);
    let access = storage.bucket_access(REGION, "my-bucket.v2").await.unwrap();
    assert_eq!((access.acl, access.cors_enabled), (Acl::PublicRead, false));

    let err = storage.bucket(REGION, "missing").await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    let err = storage.buckets_in(NO_OBJECTS_REGION).await.unwrap_err();
    assert_eq!(refusal(&err).0, 404);
}

#[tokio::test]
async fn bucket_creation_refuses_bad_labels_regions_endpoints_and_duplicates() {
    let (sandbox, client) = common::setup().await;
    let storage = client.object_storage();
    for bad in ["ab", "Bucket", "a--b", "a..b", "a_b"] {
        let err = storage
            .create_bucket(CreateBucket::new(bad, REGION))
            .await
            .unwrap_err();
        assert_eq!(invalid(err).0, "label", "{bad}");
    }
    assert!(sandbox.requests().is_empty());

    let err = storage
        .create_bucket(CreateBucket::new("photos", NO_OBJECTS_REGION))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("region"),
            "Region does not support Object Storage"
        )
    );
    let err = storage
        .create_bucket(CreateBucket::new("photos", REGION).endpoint_type(EndpointType::E3))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("endpoint_type"),
            "No E3 endpoint in this region; it offers E1"
        )
    );
    bucket(&client, "photos").await;
    let err = storage
        .create_bucket(CreateBucket::new("photos", REGION))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("label"),
            "A bucket with this label already exists in this region"
        )
    );
    assert_raw_refusals(
        &sandbox,
        "/v4/object-storage/buckets",
        [
            (json!({"label": "Bad_Label", "region": REGION}), "label"),
            (json!({"label": "good"}), "region"),
            (json!({"label": "good", "cluster": "nowhere-1"}), "cluster"),
            (
                json!({"label": "good", "region": REGION, "acl": "custom"}),
                "acl",
            ),
            (
                json!({"label": "good", "region": REGION, "cors_enabled": "yes"}),
                "cors_enabled",
            ),
        ],
    )
    .await;
    let (status, answer) = post_raw(
        &sandbox,
        "/v4/object-storage/buckets",
        &json!({"label": "legacy", "cluster": "us-east-1"}),
    )
    .await;
    assert_eq!((status, &answer["region"]), (200, &json!(REGION)));
}

#[tokio::test]
async fn an_object_uploaded_through_a_signed_url_is_listed_served_and_deleted() {
    let (sandbox, client) = common::setup().await;
    bucket(&client, "docs").await;
    let storage = client.object_storage();
    let url = storage
        .object_url(
            REGION,
            "docs",
            &CreateObjectUrl::new("notes/hello.txt", UrlMethod::Put)
                .content_type("text/plain")
                .expires_in(600),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/object-storage/buckets/us-east/docs/object-url".to_owned(),
            Some(json!({"name": "notes/hello.txt", "method": "PUT",
                "content_type": "text/plain", "expires_in": 600}))
        )
    );
    assert!(!url.exists);
    assert!(!format!("{url:?}").contains("signature"));
    let put = url.url.expose_secret().to_owned();
    assert!(
        put.contains("/sandbox/objects/") && put.contains("signature="),
        "{put}"
    );

    let answer = reqwest::Client::new()
        .put(&put)
        .header("content-type", "text/plain")
        .body("hello world")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    // MD5 of "hello world".
    let md5 = "5eb63bbbe01eeed093cb22bb8f5acdc3";
    assert_eq!(answer.headers()["etag"], format!("\"{md5}\"").as_str());

    let page = storage
        .objects(REGION, "docs", &ObjectListQuery::new())
        .await
        .unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/object-storage/buckets/us-east/docs/object-list"
    );
    assert_eq!(page.data.len(), 1);
    let object = &page.data[0];
    assert_eq!(object.name, "notes/hello.txt");
    assert_eq!(object.size, Some(11));
    assert_eq!(object.etag.as_deref(), Some(md5));
    assert!(
        object
            .last_modified
            .as_deref()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert!(!object.is_prefix());
    assert!((!page.is_truncated, page.next_marker.is_none()) == (true, true));
    let stored = storage.bucket(REGION, "docs").await.unwrap();
    assert_eq!((stored.objects, stored.size), (1, 11));

    let get = signed(&client, "docs", "notes/hello.txt", UrlMethod::Get).await;
    let body = reqwest::get(&get).await.unwrap().text().await.unwrap();
    assert_eq!(body, "hello world");
    assert_eq!(storage.transfer().await.unwrap().used, 11);
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/object-storage/transfer"
    );

    let exists = storage
        .object_url(
            REGION,
            "docs",
            &CreateObjectUrl::new("notes/hello.txt", UrlMethod::Delete),
        )
        .await
        .unwrap();
    assert!(exists.exists);
    let answer = reqwest::Client::new()
        .delete(exists.url.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
    let stored = storage.bucket(REGION, "docs").await.unwrap();
    assert_eq!((stored.objects, stored.size), (0, 0));
    assert_eq!(reqwest::get(&get).await.unwrap().status(), 404);
}

#[tokio::test]
async fn a_signed_url_refuses_another_method_another_type_a_forgery_and_expiry() {
    let (sandbox, client) = common::setup().await;
    bucket(&client, "docs").await;
    let put = signed(&client, "docs", "a.txt", UrlMethod::Put).await;
    assert_eq!(
        plain(reqwest::Method::GET, &put, "text/plain").await,
        (403, "The URL was signed for PUT".to_owned())
    );
    assert_eq!(
        plain(reqwest::Method::PUT, &put, "image/png").await,
        (
            403,
            "The Content-Type differs from the one the URL was signed for".to_owned()
        )
    );
    let forged = put.replace("signature=", "signature=0");
    assert_eq!(
        plain(reqwest::Method::PUT, &forged, "text/plain").await,
        (403, "The URL's signature does not match".to_owned())
    );
    let other_object = put.replace("a.txt", "b.txt");
    assert_eq!(
        plain(reqwest::Method::PUT, &other_object, "text/plain")
            .await
            .0,
        403
    );
    sandbox.advance(Duration::from_secs(3601));
    assert_eq!(
        plain(reqwest::Method::PUT, &put, "text/plain").await,
        (403, "The URL has expired".to_owned())
    );
    assert!(sandbox.table("object_storage_objects").is_empty());

    let storage = client.object_storage();
    let err = storage
        .object_url(REGION, "docs", &CreateObjectUrl::new("a", UrlMethod::Put))
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "content_type");
    let err = storage
        .object_url(
            REGION,
            "docs",
            &CreateObjectUrl::new("a", UrlMethod::Get).expires_in(60),
        )
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "expires_in");
    let path = "/v4/object-storage/buckets/us-east/docs/object-url";
    assert_raw_refusals(
        &sandbox,
        path,
        [
            (json!({"name": "a", "method": "PATCH"}), "method"),
            (json!({"method": "GET"}), "name"),
            (json!({"name": "a", "method": "PUT"}), "content_type"),
            (
                json!({"name": "a", "method": "GET", "expires_in": 100_000}),
                "expires_in",
            ),
        ],
    )
    .await;
    let err = storage
        .object_url(REGION, "nope", &CreateObjectUrl::new("a", UrlMethod::Get))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 404);
}

#[tokio::test]
async fn objects_are_listed_by_prefix_and_delimiter_and_paged_by_marker() {
    let (sandbox, client) = common::setup().await;
    bucket(&client, "logs").await;
    for name in ["z", "logs/2", "a.txt", "logs/1", "logs/3"] {
        put_object(&client, "logs", name, "data").await;
    }
    let query = ObjectListQuery::new().page_size(2);
    assert_eq!(
        names(&client, "logs", &query).await,
        (
            vec!["a.txt".into(), "logs/1".into()],
            true,
            Some("logs/1".into())
        )
    );
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/object-storage/buckets/us-east/logs/object-list?page_size=2"
    );
    assert_eq!(
        names(&client, "logs", &query.clone().marker("logs/1")).await,
        (
            vec!["logs/2".into(), "logs/3".into()],
            true,
            Some("logs/3".into())
        )
    );
    assert_eq!(
        names(&client, "logs", &query.clone().marker("logs/3")).await,
        (vec!["z".into()], false, None)
    );
    let grouped = client
        .object_storage()
        .objects(REGION, "logs", &ObjectListQuery::new().delimiter("/"))
        .await
        .unwrap();
    let listed: Vec<(&str, bool)> = grouped
        .data
        .iter()
        .map(|o| (o.name.as_str(), o.is_prefix()))
        .collect();
    assert_eq!(listed, [("a.txt", false), ("logs/", true), ("z", false)]);
    assert_eq!(
        names(&client, "logs", &ObjectListQuery::new().prefix("logs/"))
            .await
            .0,
        ["logs/1", "logs/2", "logs/3"]
    );
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/object-storage/buckets/us-east/logs/object-list?prefix=logs%2F"
    );

    let err = client
        .object_storage()
        .objects(REGION, "logs", &ObjectListQuery::new().page_size(0))
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "page_size");
    let answer = reqwest::Client::new()
        .get(format!(
            "{}/v4/object-storage/buckets/us-east/logs/object-list?page_size=5000",
            sandbox.base_url()
        ))
        .bearer_auth(sandbox.token())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "page_size");
}

#[tokio::test]
async fn a_bucket_holding_objects_is_not_deleted_nor_the_service_cancelled() {
    let (sandbox, client) = common::setup().await;
    let storage = client.object_storage();
    bucket(&client, "full").await;
    storage.create_key(CreateKey::new("reader")).await.unwrap();
    put_object(&client, "full", "x", "1").await;
    let err = storage.delete_bucket(REGION, "full").await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            "The bucket is not empty; delete its objects first"
        )
    );
    let err = storage.cancel().await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            "Every bucket must be empty before Object Storage is cancelled"
        )
    );
    assert_eq!(sandbox.table("object_storage_buckets").len(), 1);

    let delete = signed(&client, "full", "x", UrlMethod::Delete).await;
    assert_eq!(
        reqwest::Client::new()
            .delete(&delete)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    bucket(&client, "empty").await;
    storage.delete_bucket(REGION, "empty").await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        "DELETE /v4/object-storage/buckets/us-east/empty"
    );
    storage.cancel().await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        "POST /v4/object-storage/cancel"
    );
    assert!(sandbox.table("object_storage_buckets").is_empty());
    assert!(sandbox.table("object_storage_keys").is_empty());
}

#[tokio::test]
async fn bucket_access_and_object_acls_are_read_and_changed() {
    let (sandbox, client) = common::setup().await;
    let storage = client.object_storage();
    bucket(&client, "site").await;
    let access = storage.bucket_access(REGION, "site").await.unwrap();
    assert_eq!(
        (access.acl.clone(), access.cors_enabled),
        (Acl::Private, true)
    );
    assert!(access.acl_xml.contains("FULL_CONTROL"));
    assert!(access.cors_xml.is_some());

    storage
        .update_bucket_access(
            REGION,
            "site",
            &BucketAccessUpdate::new().acl(Acl::PublicRead),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            "/v4/object-storage/buckets/us-east/site/access".to_owned(),
            Some(json!({"acl": "public-read"}))
        )
    );
    storage
        .modify_bucket_access(
            REGION,
            "site",
            &BucketAccessUpdate::new().cors_enabled(false),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/object-storage/buckets/us-east/site/access".to_owned(),
            Some(json!({"cors_enabled": false}))
        )
    );
    let access = storage.bucket_access(REGION, "site").await.unwrap();
    assert_eq!(
        (access.acl, access.cors_enabled, access.cors_xml),
        (Acl::PublicRead, false, None)
    );
    assert!(access.acl_xml.contains("AllUsers"));

    put_object(&client, "site", "index.html", "<html>").await;
    let acl = storage
        .object_acl(REGION, "site", "index.html")
        .await
        .unwrap();
    assert_eq!(acl.acl, Acl::Private);
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/object-storage/buckets/us-east/site/object-acl?name=index.html"
    );
    let acl = storage
        .set_object_acl(REGION, "site", "index.html", Acl::PublicRead)
        .await
        .unwrap();
    assert_eq!(acl.acl, Acl::PublicRead);
    assert_eq!(
        last_request(&sandbox).2,
        Some(json!({"name": "index.html", "acl": "public-read"}))
    );
    assert_eq!(
        storage
            .object_acl(REGION, "site", "index.html")
            .await
            .unwrap()
            .acl,
        Acl::PublicRead
    );

    let err = storage
        .object_acl(REGION, "site", "missing")
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 404);
    let err = storage
        .set_object_acl(REGION, "site", "index.html", Acl::Custom)
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "acl");
    let err = storage
        .update_bucket_access(REGION, "site", &BucketAccessUpdate::new().acl(Acl::Custom))
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "acl");
    assert_raw_refusals(
        &sandbox,
        "/v4/object-storage/buckets/us-east/site/access",
        [(json!({"acl": "everyone"}), "acl")],
    )
    .await;
    let answer = reqwest::Client::new()
        .put(format!(
            "{}/v4/object-storage/buckets/us-east/site/object-acl",
            sandbox.base_url()
        ))
        .bearer_auth(sandbox.token())
        .json(&json!({"name": "index.html"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "acl");
}

const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

#[tokio::test]
async fn a_bucket_takes_one_tls_certificate_and_never_shows_its_key() {
    let (sandbox, client) = common::setup().await;
    let storage = client.object_storage();
    bucket(&client, "secure").await;
    assert!(!storage.bucket_ssl(REGION, "secure").await.unwrap().ssl);
    let key = SecretString::from(KEY);
    let answer = storage
        .upload_bucket_ssl(REGION, "secure", CERT, &key)
        .await
        .unwrap();
    assert!(answer.ssl);
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/object-storage/buckets/us-east/secure/ssl".to_owned(),
            Some(json!({"certificate": CERT, "private_key": KEY}))
        )
    );
    assert!(storage.bucket_ssl(REGION, "secure").await.unwrap().ssl);
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/v4/object-storage/buckets/us-east/secure/ssl",
            sandbox.base_url()
        ))
        .bearer_auth(sandbox.token())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(raw, r#"{"ssl":true}"#);

    let err = storage
        .upload_bucket_ssl(REGION, "secure", CERT, &key)
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            "The bucket already has a certificate; delete it before uploading another"
        )
    );
    storage.delete_bucket_ssl(REGION, "secure").await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        "DELETE /v4/object-storage/buckets/us-east/secure/ssl"
    );
    assert!(!storage.bucket_ssl(REGION, "secure").await.unwrap().ssl);

    let err = storage
        .upload_bucket_ssl(REGION, "secure", "not a certificate", &key)
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("certificate"),
            "certificate must be a PEM-encoded certificate"
        )
    );
    assert_raw_refusals(
        &sandbox,
        "/v4/object-storage/buckets/us-east/secure/ssl",
        [(json!({"certificate": CERT}), "private_key")],
    )
    .await;
}

#[tokio::test]
async fn an_access_key_shows_its_secret_once_and_keeps_its_buckets_regions() {
    let (sandbox, client) = common::setup().await;
    let storage = client.object_storage();
    bucket(&client, "artifacts").await;
    let new = storage
        .create_key(CreateKey::new("ci-uploads").bucket(
            REGION,
            "artifacts",
            BucketPermission::ReadWrite,
        ))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).2,
        Some(json!({"label": "ci-uploads", "bucket_access": [
            {"region": REGION, "bucket_name": "artifacts", "permissions": "read_write"}]}))
    );
    assert_eq!(new.secret_key.expose_secret().len(), 40);
    assert!(!format!("{new:?}").contains(new.secret_key.expose_secret()));
    let key = new.key;
    assert_eq!(key.label, "ci-uploads");
    assert_eq!(key.access_key.len(), 20);
    assert!(key.limited);
    let access = key.bucket_access.clone().unwrap();
    assert_eq!(
        (
            access[0].bucket_name.as_str(),
            &access[0].permissions,
            access[0].cluster.as_deref()
        ),
        ("artifacts", &BucketPermission::ReadWrite, Some("us-east-1"))
    );
    let regions: Vec<&str> = key.regions.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(regions, [REGION]);

    assert_eq!(storage.key(key.id).await.unwrap(), key);
    assert_eq!(
        sandbox.table("object_storage_keys")[0]["secret_key"],
        "[REDACTED]"
    );
    let listed = storage.keys().await.unwrap().collect_all().await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&key));

    let renamed = storage
        .update_key(key.id, &KeyUpdate::new().label("ci-builds"))
        .await
        .unwrap();
    assert_eq!(renamed.label, "ci-builds");
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            format!("/v4/object-storage/keys/{}", key.id),
            Some(json!({"label": "ci-builds"}))
        )
    );
    let endpoints = storage
        .endpoints()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let elsewhere = endpoints
        .iter()
        .map(|e| e.region.id().clone())
        .find(|r| r != REGION)
        .unwrap();
    let err = storage
        .update_key(key.id, &KeyUpdate::new().regions([elsewhere.clone()]))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("regions"),
            "The key's bucket \"artifacts\" is in us-east, which must stay"
        )
    );
    let moved = storage
        .update_key(
            key.id,
            &KeyUpdate::new().regions([REGION, elsewhere.as_str()]),
        )
        .await
        .unwrap();
    assert_eq!(moved.regions.len(), 2);
    assert_eq!(moved.regions[1].id, elsewhere);
    let err = storage
        .create_key(CreateKey::new("other").bucket(REGION, "missing", BucketPermission::ReadOnly))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("bucket_access[0].bucket_name"),
            "Bucket not found"
        )
    );
    let err = storage
        .create_key(CreateKey::new("other").regions([NO_OBJECTS_REGION]))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("regions[0]"),
            "Region does not support Object Storage"
        )
    );
    let err = storage.create_key(CreateKey::new("ab")).await.unwrap_err();
    assert_eq!(invalid(err).0, "label");

    let open = storage
        .create_key(CreateKey::new("everything"))
        .await
        .unwrap();
    assert!(!open.key.limited);
    assert_eq!(open.key.bucket_access, None);
    assert!(open.key.regions.len() > 1);

    storage.revoke_key(key.id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/object-storage/keys/{}", key.id)
    );
    let err = storage.key(key.id).await.unwrap_err();
    assert_eq!(refusal(&err).0, 404);
}

#[tokio::test]
async fn endpoints_clusters_prices_and_quotas_with_usage() {
    let (sandbox, client) = common::setup().await;
    let storage = client.object_storage();
    let endpoints = storage
        .endpoints()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let east = endpoints.iter().find(|e| e.region.id() == REGION).unwrap();
    assert_eq!(east.endpoint_type, EndpointType::E1);
    assert_eq!(
        east.s3_endpoint.as_deref(),
        Some("us-east-1.linodeobjects.com")
    );
    assert!(!endpoints.iter().any(|e| e.region.id() == NO_OBJECTS_REGION));
    let clusters = storage
        .clusters()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(clusters.len(), endpoints.len());
    let cluster = storage.cluster("us-east-1").await.unwrap();
    assert_eq!(
        (cluster.region.id().as_str(), cluster.status.as_str()),
        (REGION, "available")
    );
    assert_eq!(
        refusal(&storage.cluster("us-west-1").await.unwrap_err()).0,
        404
    );

    let types = storage.types().await.unwrap().collect_all().await.unwrap();
    assert_eq!(types[0].id, "objectstorage");
    assert_eq!(types[0].price.monthly, 5.0);
    assert!(types[0].price_in("br-gru").monthly > 5.0);

    bucket(&client, "counted").await;
    put_object(&client, "counted", "a", "12345").await;
    let quotas = storage
        .quotas()
        .filter(Quota::S3_ENDPOINT.eq("us-east-1.linodeobjects.com"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<&str> = quotas.iter().map(|q| q.quota_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "obj-buckets-us-east-1.linodeobjects.com",
            "obj-objects-us-east-1.linodeobjects.com",
            "obj-bytes-us-east-1.linodeobjects.com",
            "obj-total-ingress-throughput-us-east-1.linodeobjects.com",
            "obj-total-egress-throughput-us-east-1.linodeobjects.com",
            "obj-per-ip-ingress-throughput-us-east-1.linodeobjects.com",
            "obj-per-ip-egress-throughput-us-east-1.linodeobjects.com",
        ]
    );
    // Every field as 4.229.1 names it.
    assert_eq!(
        serde_json::to_value(&quotas[0]).unwrap(),
        json!({"quota_id": "obj-buckets-us-east-1.linodeobjects.com", "quota_type": "obj-buckets",
               "quota_name": "Number of Buckets", "endpoint_type": "E1",
               "s3_endpoint": "us-east-1.linodeobjects.com",
               "description": "Current number of buckets per account, per endpoint",
               "quota_limit": 1000, "resource_metric": "bucket", "has_usage": true})
    );
    assert_eq!(
        (quotas[3].resource_metric.as_str(), quotas[3].has_usage),
        ("byte_per_second", false)
    );
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"s3_endpoint":"us-east-1.linodeobjects.com"}"#)
    );
    let bytes = storage
        .quota("obj-bytes-us-east-1.linodeobjects.com")
        .await
        .unwrap();
    assert_eq!(bytes.resource_metric, "byte");
    for (id, used) in [("obj-buckets", 1), ("obj-objects", 1), ("obj-bytes", 5)] {
        let usage = storage
            .quota_usage(&format!("{id}-us-east-1.linodeobjects.com"))
            .await
            .unwrap();
        assert_eq!(usage.usage, Some(used), "{id}");
    }
    assert_eq!(
        refusal(&storage.quota("obj-buckets-nowhere").await.unwrap_err()).0,
        404
    );

    storage.create_key(CreateKey::new("one")).await.unwrap();
    let global = storage
        .global_quotas()
        .filter(GlobalQuota::QUOTA_NAME.eq("Number of Access Keys"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(global.len(), 1);
    assert!(global[0].has_usage);
    let id = global[0].quota_id.clone();
    assert_eq!(storage.global_quota(&id).await.unwrap(), global[0]);
    let usage = storage.global_quota_usage(&id).await.unwrap();
    assert_eq!((usage.quota_limit, usage.usage), (100, Some(1)));
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/object-storage/global-quotas/keys/usage"
    );
    let err = storage
        .quota_usage("obj-total-ingress-throughput-us-east-1.linodeobjects.com")
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, None, "This quota has no usage to report")
    );
}
