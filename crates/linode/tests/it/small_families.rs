//! The small families end to end against the sandbox: tags across Linodes, domains,
//! NodeBalancers and volumes; resource locks and the deletes they refuse; the maintenance
//! policy, beta program and network transfer price catalogs; the account's entities; partner
//! referrals. Each rule is also checked from the refused side.

use crate::common;

use common::{empty_linode, last_filter, last_line, last_request, post_raw, refusal};
use linode::Client;
use linode::Error;
use linode::ListRequest;
use linode::api::betas::BetaProgram;
use linode::api::domains::CreateDomain;
use linode::api::entities::EntityType;
use linode::api::linode::{Instance, InstanceUpdate};
use linode::api::locks::{CreateLock, Lock, LockEntityType, LockType};
use linode::api::maintenance::{MaintenancePolicy, MaintenancePolicyType};
use linode::api::marketplace::MarketplaceContact;
use linode::api::network_transfer::NetworkTransferPrice;
use linode::api::nodebalancers::CreateNodeBalancer;
use linode::api::tags::{CreateTag, TaggedObject};
use linode::api::volumes::CreateVolume;
use linode_sandbox::Sandbox;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// One object of each taggable kind: a Linode, a volume, a domain and a NodeBalancer.
async fn one_of_each(client: &Client) -> (u64, u64, u64, u64) {
    let linode = empty_linode(client, "us-east", "web-1").await.id;
    let volume = client
        .volumes()
        .create(CreateVolume::in_region("data-1", "us-east").tags(["database"]))
        .await
        .unwrap()
        .id;
    let domain = client
        .domains()
        .create(CreateDomain::master("example.org", "admin@example.org"))
        .await
        .unwrap()
        .id;
    let nodebalancer = client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("us-east"))
        .await
        .unwrap()
        .id;
    (linode, volume, domain, nodebalancer)
}

/// POSTs each body to `path` as the client never would and checks the sandbox's 400 names
/// exactly `field` and `reason`.
async fn assert_refusals<'a>(
    sandbox: &Sandbox,
    path: &str,
    cases: impl IntoIterator<Item = (Value, &'a str, &'a str)>,
) {
    for (body, field, reason) in cases {
        let (status, answer) = post_raw(sandbox, path, &body).await;
        assert_eq!(status, 400, "{body}");
        let expected = json!({"field": field, "reason": reason});
        assert_eq!(answer["errors"][0], expected, "{body}");
    }
}

/// Every item of a list, all pages loaded.
async fn all<T: DeserializeOwned + Send + 'static>(request: ListRequest<T>) -> Vec<T> {
    request.await.unwrap().collect_all().await.unwrap()
}

async fn tag_labels(client: &Client) -> Vec<String> {
    let tags = all(client.tags().list()).await;
    tags.into_iter().map(|t| t.label).collect()
}

/// A GET the client would never send (an `X-Filter` on a list that filters on nothing).
async fn get_raw(sandbox: &Sandbox, path: &str, filter: &str) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .get(format!("{}{path}", sandbox.base_url()))
        .bearer_auth(sandbox.token())
        .header("x-filter", filter)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.json().await.unwrap())
}

#[tokio::test]
async fn creating_a_tag_tags_every_named_object_and_lists_them_all() {
    let (sandbox, client) = common::setup().await;
    let (linode, volume, domain, nodebalancer) = one_of_each(&client).await;
    let request = CreateTag::new("prod")
        .linodes([linode])
        .volumes([volume])
        .domains([domain])
        .nodebalancers([nodebalancer]);
    let tag = client.tags().create(&request).await.unwrap();
    assert_eq!(tag.label, "prod");
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/tags".to_owned(),
            Some(json!({
                "label": "prod", "linodes": [linode], "domains": [domain],
                "nodebalancers": [nodebalancer], "volumes": [volume]
            }))
        )
    );
    assert_eq!(sandbox.instance(linode).unwrap()["tags"], json!(["prod"]));
    assert_eq!(
        sandbox.volume(volume).unwrap()["tags"],
        json!(["database", "prod"])
    );
    assert_eq!(sandbox.domain(domain).unwrap()["tags"], json!(["prod"]));
    assert_eq!(
        sandbox.nodebalancer(nodebalancer).unwrap()["tags"],
        json!(["prod"])
    );
    // The tag set at the volume's creation counts as much as the one created here.
    assert_eq!(tag_labels(&client).await, ["database", "prod"]);
    assert_eq!(last_line(&sandbox), "GET /v4/tags?page=1&page_size=100");

    let tagged = all(client.tags().objects("prod")).await;
    assert!(last_line(&sandbox).starts_with("GET /v4/tags/prod?"));
    let kinds: Vec<(&str, Option<u64>)> = tagged.iter().map(|o| (o.kind(), o.id())).collect();
    assert_eq!(
        kinds,
        [
            ("linode", Some(linode)),
            ("domain", Some(domain)),
            ("nodebalancer", Some(nodebalancer)),
            ("volume", Some(volume)),
        ]
    );
    match &tagged[0] {
        TaggedObject::Linode(instance) => assert_eq!(instance.label, "web-1"),
        other => panic!("expected a Linode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_tag_naming_a_missing_object_tags_nothing() {
    let (sandbox, client) = common::setup().await;
    let linode = empty_linode(&client, "us-east", "web-1").await.id;
    let err = client
        .tags()
        .create(&CreateTag::new("prod").linodes([linode]).volumes([999, 998]))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("volumes"), "Volume not found: 999, 998")
    );
    assert_eq!(sandbox.instance(linode).unwrap()["tags"], json!([]));
    assert!(tag_labels(&client).await.is_empty());
    assert!(sandbox.table("tags").is_empty());
}

#[tokio::test]
async fn bad_tag_requests_are_refused_on_both_sides() {
    let (sandbox, client) = common::setup().await;
    sandbox.clear_requests();
    for label in ["ab", &"x".repeat(51)] {
        let err = client
            .tags()
            .create(&CreateTag::new(label))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "label"));
    }
    assert!(sandbox.requests().is_empty());

    let cases = [
        (json!({}), "label", "label is required"),
        (
            json!({"label": "ab"}),
            "label",
            "Length must be 3-50 characters",
        ),
        (json!({"label": 7}), "label", "label must be a string"),
        (
            json!({"label": "prod", "linodes": ["1"]}),
            "linodes",
            "linodes must be an array of integers",
        ),
        (
            json!({"label": "prod", "domains": 5}),
            "domains",
            "domains must be an array of integers",
        ),
    ];
    assert_refusals(&sandbox, "/v4/tags", cases).await;
    assert!(sandbox.table("tags").is_empty());
}

#[tokio::test]
async fn tags_set_by_a_family_update_are_listed_and_deleting_a_tag_untags_everything() {
    let (sandbox, client) = common::setup().await;
    let (linode, volume, _, _) = one_of_each(&client).await;
    client
        .linode()
        .update_instance(linode, &InstanceUpdate::new().tags(["web", "database"]))
        .await
        .unwrap();
    assert_eq!(tag_labels(&client).await, ["database", "web"]);
    let tagged = all(client.tags().objects("database")).await;
    let ids: Vec<Option<u64>> = tagged.iter().map(TaggedObject::id).collect();
    assert_eq!(ids, [Some(linode), Some(volume)]);

    client.tags().delete("database").await.unwrap();
    assert_eq!(last_request(&sandbox).1, "/v4/tags/database");
    assert_eq!(sandbox.instance(linode).unwrap()["tags"], json!(["web"]));
    assert_eq!(sandbox.volume(volume).unwrap()["tags"], json!([]));
    assert_eq!(tag_labels(&client).await, ["web"]);

    let gone = client.tags().objects("database").await.unwrap_err();
    assert_eq!(refusal(&gone), (404, None, "Not found"));
    let again = client.tags().delete("database").await.unwrap_err();
    assert_eq!(refusal(&again), (404, None, "Not found"));
}

#[tokio::test]
async fn a_created_tag_stays_listed_without_objects_and_labels_travel_encoded() {
    let (sandbox, client) = common::setup().await;
    client
        .tags()
        .create(&CreateTag::new("env prod"))
        .await
        .unwrap();
    assert_eq!(tag_labels(&client).await, ["env prod"]);
    assert_eq!(sandbox.table("tags")[0]["label"], "env prod");
    let tagged = client.tags().objects("env prod").await.unwrap();
    assert!(tagged.is_empty());
    assert!(last_line(&sandbox).starts_with("GET /v4/tags/env%20prod?"));
    client.tags().delete("env prod").await.unwrap();
    assert!(tag_labels(&client).await.is_empty());
    assert!(sandbox.table("tags").is_empty());
}

/// A Linode labelled `web-1` with a `cannot_delete` lock, and the lock.
async fn locked_linode(client: &Client) -> (u64, Lock) {
    let linode = empty_linode(client, "us-east", "web-1").await.id;
    let request = CreateLock::new(LockEntityType::Linode, linode, LockType::CannotDelete);
    (linode, client.locks().create(&request).await.unwrap())
}

#[tokio::test]
async fn a_lock_is_kept_listed_and_shown_on_its_linode() {
    let (sandbox, client) = common::setup().await;
    let (linode, lock) = locked_linode(&client).await;
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/locks".to_owned(),
            Some(
                json!({"entity_type": "linode", "entity_id": linode, "lock_type": "cannot_delete"})
            )
        )
    );
    assert_eq!(lock.lock_type, LockType::CannotDelete);
    assert_eq!(lock.entity.id, linode);
    assert_eq!(lock.entity.entity_type, LockEntityType::Linode);
    assert_eq!(lock.entity.label, "web-1");
    assert_eq!(lock.entity.url, format!("/v4/linode/instances/{linode}"));
    assert_eq!(sandbox.table("locks")[0]["id"], lock.id);
    assert_eq!(
        sandbox.instance(linode).unwrap()["locks"],
        json!(["cannot_delete"])
    );
    let instance = client.load::<Instance>(linode).await.unwrap();
    assert_eq!(instance.locks, [LockType::CannotDelete]);

    assert_eq!(client.locks().get(lock.id).await.unwrap(), lock);
    assert_eq!(last_line(&sandbox), format!("GET /v4/locks/{}", lock.id));
    let on_linodes = client
        .locks()
        .list()
        .filter(Lock::ENTITY_TYPE.eq("linode") & Lock::ENTITY_ID.eq(linode))
        .await
        .unwrap();
    assert_eq!(
        last_filter(&sandbox).as_deref(),
        Some(
            format!(r#"{{"+and":[{{"entity.type":"linode"}},{{"entity.id":{linode}}}]}}"#).as_str()
        )
    );
    assert_eq!(on_linodes.len(), 1);
    let none = client
        .locks()
        .list()
        .filter(Lock::LOCK_TYPE.eq("cannot_delete_with_subresources"))
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn a_locked_linode_volume_or_nodebalancer_is_not_deleted_until_the_lock_goes() {
    let (sandbox, client) = common::setup().await;
    let (linode, volume, _, nodebalancer) = one_of_each(&client).await;
    let mut locks = Vec::new();
    for (kind, id, lock_type) in [
        (
            LockEntityType::Linode,
            linode,
            LockType::CannotDeleteWithSubresources,
        ),
        (LockEntityType::Volume, volume, LockType::CannotDelete),
        (
            LockEntityType::NodeBalancer,
            nodebalancer,
            LockType::CannotDelete,
        ),
    ] {
        let request = CreateLock::new(kind, id, lock_type);
        locks.push(client.locks().create(&request).await.unwrap().id);
    }
    assert_eq!(
        sandbox.nodebalancer(nodebalancer).unwrap()["locks"],
        json!(["cannot_delete"])
    );

    let err = client.linode().delete_instance(linode).await.unwrap_err();
    let reason = format!(
        "This linode can't be deleted while its cannot_delete_with_subresources lock (Lock ID: {}) is in place",
        locks[0]
    );
    assert_eq!(refusal(&err), (400, None, reason.as_str()));
    assert!(sandbox.instance(linode).is_some());
    let err = client.volumes().delete(volume).await.unwrap_err();
    let reason = format!(
        "This volume can't be deleted while its cannot_delete lock (Lock ID: {}) is in place",
        locks[1]
    );
    assert_eq!(refusal(&err), (400, None, reason.as_str()));
    assert!(sandbox.volume(volume).is_some());
    let err = client
        .nodebalancers()
        .delete(nodebalancer)
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 400);
    assert!(sandbox.nodebalancer(nodebalancer).is_some());

    for id in &locks {
        client.locks().delete(*id).await.unwrap();
    }
    assert_eq!(last_request(&sandbox).1, format!("/v4/locks/{}", locks[2]));
    assert!(sandbox.table("locks").is_empty());
    assert_eq!(sandbox.instance(linode).unwrap()["locks"], json!([]));
    client.linode().delete_instance(linode).await.unwrap();
    client.volumes().delete(volume).await.unwrap();
    client.nodebalancers().delete(nodebalancer).await.unwrap();
    assert!(sandbox.instance(linode).is_none());
    assert!(sandbox.volume(volume).is_none());
    assert!(sandbox.nodebalancer(nodebalancer).is_none());
}

#[tokio::test]
async fn bad_locks_are_refused_on_both_sides() {
    let (sandbox, client) = common::setup().await;
    let (linode, first) = locked_linode(&client).await;
    let second = CreateLock::new(
        LockEntityType::Linode,
        linode,
        LockType::CannotDeleteWithSubresources,
    );
    let err = client.locks().create(&second).await.unwrap_err();
    let reason = format!(
        "The cannot_delete lock (Lock ID: {}) needs to be removed to add \
         cannot_delete_with_subresources lock. Can only have one of: cannot_delete, \
         cannot_delete_with_subresources locks",
        first.id
    );
    assert_eq!(refusal(&err), (400, Some("lock_type"), reason.as_str()));
    assert_eq!(sandbox.table("locks").len(), 1);

    let missing = CreateLock::new(LockEntityType::Volume, 999, LockType::CannotDelete);
    let err = client.locks().create(&missing).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("entity_id"), "entity_id is not valid")
    );

    sandbox.clear_requests();
    let lke = CreateLock::new(
        LockEntityType::LkeCluster,
        5,
        LockType::CannotDeleteWithSubresources,
    );
    let err = client.locks().create(&lke).await.unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "lock_type"));
    assert!(sandbox.requests().is_empty());

    let cases = [
        (
            json!({"entity_type": "domain", "entity_id": 1, "lock_type": "cannot_delete"}),
            "entity_type",
            "entity_type must be one of linode, nodebalancer, volume, lkecluster, lkenodepool",
        ),
        (
            json!({"entity_type": "linode", "entity_id": -99999876, "lock_type": "cannot_delete"}),
            "entity_id",
            "entity_id is not valid",
        ),
        (
            json!({"entity_type": "linode", "entity_id": linode}),
            "lock_type",
            "lock_type is required",
        ),
        (
            json!({"entity_type": "lkecluster", "entity_id": 5, "lock_type": "cannot_delete_with_subresources"}),
            "lock_type",
            "cannot_delete_with_subresources is not available for lkecluster; only cannot_delete is",
        ),
        (
            json!({"entity_type": "lkecluster", "entity_id": 5, "lock_type": "cannot_delete"}),
            "entity_id",
            "entity_id is not valid",
        ),
    ];
    assert_refusals(&sandbox, "/v4/locks", cases).await;
    assert_eq!(sandbox.table("locks").len(), 1);
    let err = client.locks().get(first.id + 1).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    let err = client.locks().delete(first.id + 1).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
}

#[tokio::test]
async fn maintenance_policies_are_the_two_system_ones() {
    let (sandbox, client) = common::setup().await;
    let policies = client.maintenance().policies().await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/maintenance/policies?page=1&page_size=100"
    );
    let policies = policies.collect_all().await.unwrap();
    let slugs: Vec<(&str, &MaintenancePolicyType, u64, bool)> = policies
        .iter()
        .map(|p| {
            (
                p.slug.as_str(),
                &p.policy_type,
                p.notification_period_sec,
                p.is_default,
            )
        })
        .collect();
    assert_eq!(
        slugs,
        [
            (
                "linode/migrate",
                &MaintenancePolicyType::Migrate,
                10800,
                true
            ),
            (
                "linode/power_off_on",
                &MaintenancePolicyType::PowerOffOn,
                604800,
                false
            ),
        ]
    );
    assert_eq!(policies[1].label, "Power Off / Power On");

    let long_notice = client
        .maintenance()
        .policies()
        .filter(MaintenancePolicy::NOTIFICATION_PERIOD_SEC.gt(86400))
        .await
        .unwrap();
    assert_eq!(
        last_filter(&sandbox).as_deref(),
        Some(r#"{"notification_period_sec":{"+gt":86400}}"#)
    );
    assert_eq!(long_notice.len(), 1);
    let (status, answer) = get_raw(&sandbox, "/v4/maintenance/policies", r#"{"slug":"x"}"#).await;
    assert_eq!(status, 400);
    assert_eq!(answer["errors"][0]["reason"], "Cannot filter on slug");
}

#[tokio::test]
async fn beta_programs_list_filter_and_load() {
    let (sandbox, client) = common::setup().await;
    let listed = client.betas().list().await.unwrap();
    assert_eq!(listed.len(), 3);
    let greenlight = all(client
        .betas()
        .list()
        .filter(BetaProgram::GREENLIGHT_ONLY.eq(true)))
    .await;
    assert_eq!(
        last_filter(&sandbox).as_deref(),
        Some(r#"{"greenlight_only":true}"#)
    );
    let ids: Vec<&str> = greenlight.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["example_greenlight"]);

    let open = client.betas().get("example_open").await.unwrap();
    assert_eq!(last_line(&sandbox), "GET /v4/betas/example_open");
    assert_eq!(open.label, "Example Open Beta");
    assert_eq!(open.ended, None);
    assert!(!open.greenlight_only);
    let limited = client.betas().get("example_limited").await.unwrap();
    assert!(limited.ended.is_some());
    assert_eq!(limited.more_info, None);

    let err = client.betas().get("no_such_beta").await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
}

#[tokio::test]
async fn network_transfer_prices_carry_region_prices() {
    let (sandbox, client) = common::setup().await;
    let prices = all(client.network_transfer().prices()).await;
    assert!(last_line(&sandbox).starts_with("GET /v4/network-transfer/prices?"));
    let ids: Vec<&str> = prices.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["distributed_network_transfer", "network_transfer"]);
    let core = &prices[1];
    assert_eq!(core.price.hourly, 0.005);
    assert_eq!(core.price.monthly, 0.0);
    assert_eq!(core.hourly_in("id-cgk"), 0.015);
    assert_eq!(core.hourly_in("us-east"), 0.005);
    assert_eq!(core.transfer, 0);

    let named = client
        .network_transfer()
        .prices()
        .filter(NetworkTransferPrice::LABEL.eq("Network Transfer"))
        .await
        .unwrap();
    assert_eq!(
        last_filter(&sandbox).as_deref(),
        Some(r#"{"label":"Network Transfer"}"#)
    );
    assert_eq!(named.len(), 1);
}

#[tokio::test]
async fn entities_list_the_objects_of_every_family_and_filter_on_nothing() {
    let (sandbox, client) = common::setup().await;
    assert!(client.entities().list().await.unwrap().is_empty());
    let (linode, volume, domain, nodebalancer) = one_of_each(&client).await;
    let entities = all(client.entities().list()).await;
    assert_eq!(last_line(&sandbox), "GET /v4/entities?page=1&page_size=100");
    let nb_label = sandbox.nodebalancer(nodebalancer).unwrap()["label"]
        .as_str()
        .unwrap()
        .to_owned();
    let seen: Vec<(u64, &str, &EntityType)> = entities
        .iter()
        .map(|e| (e.id, e.label.as_str(), &e.entity_type))
        .collect();
    assert_eq!(
        seen,
        [
            (linode, "web-1", &EntityType::Linode),
            (volume, "data-1", &EntityType::Volume),
            (domain, "example.org", &EntityType::Domain),
            (nodebalancer, nb_label.as_str(), &EntityType::NodeBalancer),
        ]
    );
    client.volumes().delete(volume).await.unwrap();
    assert_eq!(client.entities().list().await.unwrap().len(), 3);

    let (status, answer) = get_raw(&sandbox, "/v4/entities", r#"{"type":"linode"}"#).await;
    assert_eq!(
        (status, &answer["errors"][0]["reason"]),
        (400, &json!("Cannot filter on type"))
    );
}

fn referral() -> MarketplaceContact {
    MarketplaceContact::new(
        "PartnerX",
        "Database Accelerator X",
        "John Doe",
        "john.doe@example.org",
        ("+1", "555 555 1234"),
        "US",
    )
}

#[tokio::test]
async fn a_partner_referral_is_sent_whole_and_kept() {
    let (sandbox, client) = common::setup().await;
    let request = referral()
        .company_name("Acme, Inc.")
        .additional_emails(["jdoe@acme.example"])
        .consent_given(true);
    client.marketplace().contact(&request).await.unwrap();
    let expected = json!({
        "partner_name": "PartnerX", "product_name": "Database Accelerator X",
        "name": "John Doe", "email": "john.doe@example.org",
        "phone_country_code": "+1", "phone": "555 555 1234", "country_code": "US",
        "tc_consent_given": true, "company_name": "Acme, Inc.",
        "additional_emails": ["jdoe@acme.example"]
    });
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/marketplace".to_owned(),
            Some(expected.clone())
        )
    );
    let kept = sandbox.table("marketplace_contacts");
    assert_eq!(kept.len(), 1);
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&kept[0][key], value, "{key}");
    }
}

#[tokio::test]
async fn bad_partner_referrals_are_refused_on_both_sides() {
    let (sandbox, client) = common::setup().await;
    sandbox.clear_requests();
    let cases = [
        (referral(), "tc_consent_given"),
        (
            MarketplaceContact::new("P", "X", "J", "not-an-email", ("+1", "555"), "US")
                .consent_given(true),
            "email",
        ),
        (
            MarketplaceContact::new("P", "X", "J", "j@example.org", ("1", "555"), "US")
                .consent_given(true),
            "phone_country_code",
        ),
        (
            MarketplaceContact::new("P", "X", "J", "j@example.org", ("+1", "555-1234"), "US")
                .consent_given(true),
            "phone",
        ),
        (
            MarketplaceContact::new("P", "X", "J", "j@example.org", ("+1", "555"), "USA")
                .consent_given(true),
            "country_code",
        ),
        (
            referral().consent_given(true).additional_emails([
                "a@example.org",
                "b@example.org",
                "c@example.org",
            ]),
            "additional_emails",
        ),
        (
            referral().consent_given(true).comments("x".repeat(501)),
            "comments",
        ),
    ];
    for (request, field) in cases {
        let err = client.marketplace().contact(&request).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { field: ref f, .. } if f == field),
            "{field}: {err:?}"
        );
    }
    assert!(sandbox.requests().is_empty());

    let good = serde_json::to_value(referral().consent_given(true)).unwrap();
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let without = |key: &str| {
        let mut body = good.clone();
        body.as_object_mut().unwrap().remove(key);
        body
    };
    let cases = [
        (
            without("product_name"),
            "product_name",
            "product_name is required",
        ),
        (
            without("tc_consent_given"),
            "tc_consent_given",
            "tc_consent_given is required",
        ),
        (
            with("tc_consent_given", json!(false)),
            "tc_consent_given",
            "Consent is required to share your information with the partner",
        ),
        (
            with("email", json!("nobody")),
            "email",
            "Must be a valid email address",
        ),
        (
            with("phone", json!("555-1234")),
            "phone",
            "Phone number may only contain numbers and spaces",
        ),
        (
            with("phone_country_code", json!("1")),
            "phone_country_code",
            "Must be + followed by the country's prefix",
        ),
        (
            with("country_code", json!("USA")),
            "country_code",
            "Must be a two-letter ISO 3166 country code",
        ),
        (
            with(
                "additional_emails",
                json!(["a@example.org", "b@example.org", "c@example.org"]),
            ),
            "additional_emails",
            "At most 2 additional emails are allowed",
        ),
        (
            with("comments", json!("x".repeat(501))),
            "comments",
            "Length must be 0-500 characters",
        ),
    ];
    assert_refusals(&sandbox, "/v4/marketplace", cases).await;
    assert!(sandbox.table("marketplace_contacts").is_empty());
}
