//! VPCs and placement groups end to end against the sandbox: what the client sends, what the
//! sandbox keeps, and each state rule from the refused side too.
//!
//! Linodes join subnets through the sandbox's handle ([`Sandbox::attach_linode_to_subnet`]),
//! standing in for a configuration profile interface of purpose `vpc`, which the sandbox's
//! config handlers do not take yet.

use crate::common;

use common::{empty_linode, event_actions, last_request, post_raw, refusal};
use linode::api::linode::Instance;
use linode::api::placement::{
    AssignLinodes, CreatePlacementGroup, PlacementGroup, PlacementGroupPolicy, PlacementGroupType,
};
use linode::api::vpcs::{CreateSubnet, CreateVpc, Subnet, Vpc, VpcIp, VpcUpdate};
use linode::{ChildId, Error};
use linode_sandbox::Sandbox;
use serde_json::{Value, json};

/// POSTs `body` to `path` as the client never would; answers status, field and reason.
async fn raw_refusal(sandbox: &Sandbox, path: &str, body: Value) -> (u16, Value, Value) {
    let (status, answer) = post_raw(sandbox, path, &body).await;
    let error = &answer["errors"][0];
    (status, error["field"].clone(), error["reason"].clone())
}

/// The field and reason of a refusal made before any request.
fn invalid(err: Error) -> (String, String) {
    match err {
        Error::InvalidArgument { field, reason } => (field, reason),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

async fn vpc_with_subnet(client: &linode::Client, label: &str, region: &str) -> Vpc {
    client
        .vpcs()
        .create(CreateVpc::new(label, region).subnet("web", "10.0.1.0/24"))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_vpc_is_created_with_its_subnets_in_one_request() {
    let (sandbox, client) = common::setup().await;
    let vpc = client
        .vpcs()
        .create(
            CreateVpc::new("cool-vpc", "us-east")
                .description("A description of my VPC.")
                .subnet("web", "10.0.1.0/24")
                .subnet("db", "172.16.0.0/16"),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/vpcs".to_owned(),
            Some(json!({
                "label": "cool-vpc", "region": "us-east", "description": "A description of my VPC.",
                "subnets": [{"label": "web", "ipv4": "10.0.1.0/24"}, {"label": "db", "ipv4": "172.16.0.0/16"}]
            }))
        )
    );
    assert_eq!(vpc.label, "cool-vpc");
    assert_eq!(vpc.region.id(), "us-east");
    assert_eq!(vpc.description, "A description of my VPC.");
    let labels: Vec<&str> = vpc.subnets.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["web", "db"]);
    assert_eq!(
        vpc.subnet("db").unwrap().ipv4_range(),
        Some("172.16.0.0/16".parse().unwrap())
    );
    assert!(vpc.subnets.iter().all(|s| s.linodes.is_empty()));

    let stored = sandbox.vpc(vpc.id).unwrap();
    assert_eq!(stored["label"], "cool-vpc");
    assert_eq!(stored["subnets"][1]["ipv4"], "172.16.0.0/16");
    assert_eq!(
        event_actions(&sandbox, ""),
        ["vpc_create", "subnet_create", "subnet_create"]
    );

    let loaded = client.vpcs().get(vpc.id).await.unwrap();
    assert_eq!(loaded, vpc);
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/vpcs/{}", vpc.id)
    );
    let listed = vpc
        .subnets(&client)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed, vpc.subnets);
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/vpcs/{}/subnets?page=1&page_size=100", vpc.id)
    );
    client
        .vpcs()
        .create(CreateVpc::new("other-vpc", "eu-west"))
        .await
        .unwrap();
    let found = client
        .vpcs()
        .list()
        .filter(Vpc::REGION.eq("eu-west"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].label, "other-vpc");
    assert!(found[0].subnets.is_empty());
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"region":"eu-west"}"#)
    );
}

#[tokio::test]
async fn bad_subnet_ranges_are_refused_by_the_client_before_sending() {
    let (sandbox, client) = common::setup().await;
    sandbox.clear_requests();
    let cases = [
        (
            "10.0.0.0/16",
            "10.0.5.0/24",
            "subnets[1].ipv4",
            "overlaps subnet a",
        ),
        (
            "10.0.0.0/16",
            "8.8.8.0/24",
            "subnets[1].ipv4",
            "must be within a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)",
        ),
        (
            "10.0.0.0/16",
            "10.1.0.1/24",
            "subnets[1].ipv4",
            "is not in canonical form (did you mean 10.1.0.0/24?)",
        ),
        (
            "10.0.0.0/16",
            "10.1.0.0/30",
            "subnets[1].ipv4",
            "prefix length must be from 1 to 29",
        ),
        (
            "10.0.0.0/16",
            "192.168.200.0/24",
            "subnets[1].ipv4",
            "must not overlap 192.168.128.0/17",
        ),
        (
            "10.0.0.0/16",
            "nonsense",
            "subnets[1].ipv4",
            "`nonsense` is not an IPv4 CIDR block",
        ),
    ];
    for (first, second, field, reason) in cases {
        let err = client
            .vpcs()
            .create(
                CreateVpc::new("v", "us-east")
                    .subnet("a", first)
                    .subnet("b", second),
            )
            .await
            .unwrap_err();
        assert_eq!(
            invalid(err),
            (field.to_owned(), reason.to_owned()),
            "{second}"
        );
    }
    let err = client
        .vpcs()
        .create(CreateVpc::new("bad--label", "us-east"))
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "label");
    let err = client
        .vpcs()
        .create_subnet(1, &CreateSubnet::new("x", "100.64.0.0/24"))
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "ipv4");
    assert!(sandbox.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn the_sandbox_refuses_bad_ranges_with_the_api_field() {
    let (sandbox, client) = common::setup().await;
    let subnets = |a: &str, b: &str| {
        json!({"label": "v", "region": "us-east",
            "subnets": [{"label": "a", "ipv4": a}, {"label": "b", "ipv4": b}]})
    };
    let cases = [
        (
            subnets("10.0.0.0/16", "10.0.5.0/24"),
            "subnets[1].ipv4",
            "Must not overlap another subnet of the VPC",
        ),
        (
            subnets("10.0.0.0/16", "8.8.8.0/24"),
            "subnets[1].ipv4",
            "Must be within a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)",
        ),
        (
            subnets("10.0.0.1/16", "10.1.0.0/24"),
            "subnets[0].ipv4",
            "Must be in canonical form (the network address of the range)",
        ),
        (
            subnets("10.0.0.0/16", "10.1.0.0/30"),
            "subnets[1].ipv4",
            "Prefix length must be from 1 to 29",
        ),
        (
            subnets("10.0.0.0/16", "192.168.128.0/24"),
            "subnets[1].ipv4",
            "Must not overlap 192.168.128.0/17",
        ),
        (
            subnets("10.0.0.0/16", "10.1.0.0/24")
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o["subnets"][1]["label"] = json!("a");
                    Value::Object(o)
                })
                .unwrap(),
            "subnets[1].label",
            "Label must be unique among the VPC's subnets",
        ),
        (
            json!({"label": "v", "region": "us-east", "subnets": [{"label": "a"}]}),
            "subnets[0].ipv4",
            "ipv4 is required",
        ),
        (
            json!({"label": "v", "region": "xx-nowhere"}),
            "region",
            "Region not found",
        ),
        (json!({"region": "us-east"}), "label", "label is required"),
    ];
    for (body, field, reason) in cases {
        assert_eq!(
            raw_refusal(&sandbox, "/v4/vpcs", body.clone()).await,
            (400, json!(field), json!(reason)),
            "{body}"
        );
    }
    assert_eq!(client.vpcs().list().await.unwrap().len(), 0, "nothing kept");

    // A new subnet may not overlap those the VPC has.
    let vpc = vpc_with_subnet(&client, "v", "us-east").await;
    assert_eq!(
        raw_refusal(
            &sandbox,
            &format!("/v4/vpcs/{}/subnets", vpc.id),
            json!({"label": "more", "ipv4": "10.0.0.0/16"})
        )
        .await,
        (
            400,
            json!("ipv4"),
            json!("Must not overlap another subnet of the VPC")
        )
    );
    let err = client
        .vpcs()
        .create_subnet(vpc.id, &CreateSubnet::new("more", "10.0.1.128/25"))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("ipv4"),
            "Must not overlap another subnet of the VPC"
        )
    );
    assert_eq!(
        sandbox.vpc(vpc.id).unwrap()["subnets"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn labels_are_unique_per_account_and_updates_keep_them_so() {
    let (sandbox, client) = common::setup().await;
    let first = vpc_with_subnet(&client, "first", "us-east").await;
    let second = vpc_with_subnet(&client, "second", "eu-west").await;
    let err = client
        .vpcs()
        .create(CreateVpc::new("first", "ap-south"))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("label"), "Label must be unique among your VPCs")
    );
    let err = client
        .vpcs()
        .update(second.id, &VpcUpdate::new().label("first"))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("label"), "Label must be unique among your VPCs")
    );

    let mut vpc = first;
    vpc.label = "renamed".into();
    vpc.description = "now described".into();
    vpc.save(&client).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            format!("/v4/vpcs/{}", vpc.id),
            Some(json!({"label": "renamed", "description": "now described"}))
        )
    );
    assert_eq!(vpc.label, "renamed");
    let stored = sandbox.vpc(vpc.id).unwrap();
    assert_eq!(
        (stored["label"].clone(), stored["description"].clone()),
        (json!("renamed"), json!("now described"))
    );
    assert_eq!(stored["region"], "us-east", "a VPC stays in its region");
    assert_eq!(
        event_actions(&sandbox, "vpc_"),
        ["vpc_create", "vpc_create", "vpc_update"]
    );
}

#[tokio::test]
async fn subnets_are_created_relabelled_and_deleted() {
    let (sandbox, client) = common::setup().await;
    let vpc = vpc_with_subnet(&client, "net", "us-east").await;
    let subnet = client
        .vpcs()
        .create_subnet(vpc.id, &CreateSubnet::new("db", "10.0.2.0/24"))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/vpcs/{}/subnets", vpc.id),
            Some(json!({"label": "db", "ipv4": "10.0.2.0/24"}))
        )
    );
    assert_eq!(subnet.label, "db");
    let id = ChildId::new(vpc.id, subnet.id);
    assert_eq!(client.vpcs().subnet(id).await.unwrap(), subnet);
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/vpcs/{}/subnets/{}", vpc.id, subnet.id)
    );

    let err = client.vpcs().update_subnet(id, "web").await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("label"),
            "Label must be unique among the VPC's subnets"
        )
    );
    let renamed = client.vpcs().update_subnet(id, "database").await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            format!("/v4/vpcs/{}/subnets/{}", vpc.id, subnet.id),
            Some(json!({"label": "database"}))
        )
    );
    assert_eq!(renamed.label, "database");
    assert_eq!(
        renamed.ipv4.as_deref(),
        Some("10.0.2.0/24"),
        "only the label changes"
    );
    let found = client
        .vpcs()
        .subnets(vpc.id)
        .filter(Subnet::LABEL.eq("database"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(found, [renamed]);

    client.vpcs().delete_subnet(id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/vpcs/{}/subnets/{}", vpc.id, subnet.id)
    );
    assert_eq!(
        sandbox.vpc(vpc.id).unwrap()["subnets"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(client.vpcs().subnet(id).await.unwrap_err().is_not_found());
    assert_eq!(
        event_actions(&sandbox, "subnet_"),
        [
            "subnet_create",
            "subnet_create",
            "subnet_update",
            "subnet_delete"
        ]
    );
}

#[tokio::test]
async fn linodes_in_a_subnet_are_listed_and_keep_it_and_its_vpc_from_deletion() {
    let (sandbox, client) = common::setup().await;
    let vpc = vpc_with_subnet(&client, "net", "us-east").await;
    let subnet = vpc.subnets[0].clone();
    let web = empty_linode(&client, "us-east", "web-1").await;
    let db = empty_linode(&client, "us-east", "db-1").await;
    let far = empty_linode(&client, "eu-west", "far-1").await;

    let first = sandbox
        .attach_linode_to_subnet(vpc.id, subnet.id, web.id, None, true)
        .unwrap();
    assert_eq!(
        first["address"], "10.0.1.2",
        "the first host after the gateway"
    );
    assert_eq!(first["gateway"], "10.0.1.1");
    assert_eq!(first["nat_1_1"], json!(web.ipv4[0].to_string()));
    let second = sandbox
        .attach_linode_to_subnet(vpc.id, subnet.id, db.id, Some("10.0.1.20"), false)
        .unwrap();
    assert_eq!(second["address"], "10.0.1.20");
    let taken = sandbox
        .attach_linode_to_subnet(vpc.id, subnet.id, far.id, None, false)
        .unwrap_err();
    assert_eq!(
        (
            taken.status.as_u16(),
            taken.errors[0].field.as_deref(),
            taken.errors[0].reason.as_str()
        ),
        (
            400,
            Some("subnet_id"),
            "The Linode and the VPC must be in the same region"
        )
    );
    let outside = sandbox
        .attach_linode_to_subnet(vpc.id, subnet.id, db.id, Some("10.0.2.5"), false)
        .unwrap_err();
    assert_eq!(outside.errors[0].field.as_deref(), Some("ipv4.vpc"));

    let loaded = client
        .vpcs()
        .subnet(ChildId::new(vpc.id, subnet.id))
        .await
        .unwrap();
    let members: Vec<u64> = loaded.linodes.iter().map(|l| l.id).collect();
    assert_eq!(members, [web.id, db.id]);
    assert_eq!(loaded.linodes[0].interfaces.len(), 1);
    assert!(loaded.in_use());
    assert_eq!(
        loaded.linodes[0].linode(&client).get().await.unwrap().label,
        "web-1"
    );

    let ips = client
        .vpcs()
        .ips()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let addresses: Vec<Option<&str>> = ips.iter().map(|ip| ip.address.as_deref()).collect();
    assert_eq!(addresses, [Some("10.0.1.2"), Some("10.0.1.20")]);
    assert_eq!(ips[0].place.vpc_id, vpc.id);
    assert_eq!(ips[0].place.subnet_id, subnet.id);
    assert_eq!(ips[0].prefix, Some(24));
    assert_eq!(ips[0].subnet_mask.as_deref(), Some("255.255.255.0"));
    let of_db = vpc
        .ips(&client)
        .filter(VpcIp::LINODE_ID.eq(db.id))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(of_db.len(), 1);
    assert_eq!(of_db[0].nat_1_1, None);
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/vpcs/{}/ips?page=1&page_size=100", vpc.id)
    );
    assert_eq!(client.vpcs().ipv6s().await.unwrap().len(), 0);
    assert_eq!(client.vpcs().vpc_ipv6s(vpc.id).await.unwrap().len(), 0);

    let id = ChildId::new(vpc.id, subnet.id);
    let err = client.vpcs().delete_subnet(id).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            "Cannot delete a subnet while Linodes are assigned to it"
        )
    );
    let err = client.vpcs().delete(vpc.id).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            "Cannot delete a VPC while any of its subnets has Linodes assigned"
        )
    );

    // Deleting the Linodes takes them out of the subnet; then both can go.
    client.linode().delete_instance(web.id).await.unwrap();
    client.linode().delete_instance(db.id).await.unwrap();
    assert_eq!(
        sandbox.vpc(vpc.id).unwrap()["subnets"][0]["linodes"],
        json!([])
    );
    assert_eq!(client.vpcs().ips().await.unwrap().len(), 0);
    client.vpcs().delete(vpc.id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/vpcs/{}", vpc.id)
    );
    assert!(sandbox.vpc(vpc.id).is_none());
    assert!(client.vpcs().get(vpc.id).await.unwrap_err().is_not_found());
    assert!(
        client
            .vpcs()
            .vpc_ips(vpc.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn default_ranges_say_where_subnets_come_from() {
    let (sandbox, client) = common::setup().await;
    let ranges = client.vpcs().default_ranges().await.unwrap();
    assert_eq!(common::last_line(&sandbox), "GET /v4/vpcs/default-ranges");
    assert_eq!(
        ranges.default_ipv4_ranges,
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
    );
    assert_eq!(ranges.forbidden_ipv4_ranges, ["192.168.128.0/17"]);
}

/// Assigns Linodes to a group, expecting the API to refuse.
async fn assign_err(client: &linode::Client, group: u64, linodes: &[u64]) -> Error {
    client.placement().assign(group, linodes).await.unwrap_err()
}

async fn group(client: &linode::Client, request: CreatePlacementGroup) -> PlacementGroup {
    client.placement().create(request).await.unwrap()
}

#[tokio::test]
async fn a_placement_group_is_created_listed_and_relabelled() {
    let (sandbox, client) = common::setup().await;
    let mut pg = group(
        &client,
        CreatePlacementGroup::strict("PG_Miami_failover", "us-mia"),
    )
    .await;
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/placement/groups".to_owned(),
            Some(json!({"label": "PG_Miami_failover", "region": "us-mia",
                "placement_group_type": "anti_affinity:local", "placement_group_policy": "strict"}))
        )
    );
    assert_eq!(
        pg.placement_group_type,
        PlacementGroupType::AntiAffinityLocal
    );
    assert_eq!(pg.placement_group_policy, PlacementGroupPolicy::Strict);
    assert!(pg.is_compliant);
    assert!(pg.members.is_empty());
    assert_eq!(sandbox.placement_group(pg.id).unwrap()["region"], "us-mia");
    group(
        &client,
        CreatePlacementGroup::flexible("elsewhere", "eu-west"),
    )
    .await;

    let found = client
        .placement()
        .list()
        .filter(PlacementGroup::REGION.eq("us-mia"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(found, [pg.clone()]);

    pg.label = "renamed".into();
    pg.save(&client).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            format!("/v4/placement/groups/{}", pg.id),
            Some(json!({"label": "renamed"}))
        )
    );
    assert_eq!(sandbox.placement_group(pg.id).unwrap()["label"], "renamed");
    assert_eq!(client.placement().get(pg.id).await.unwrap(), pg);

    let err = client
        .placement()
        .create(CreatePlacementGroup::strict("renamed", "us-east"))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("label"),
            "Label must be unique among your placement groups"
        )
    );
    sandbox.clear_requests();
    let err = client
        .placement()
        .create(CreatePlacementGroup::strict("-bad", "us-east"))
        .await
        .unwrap_err();
    assert_eq!(
        invalid(err),
        (
            "label".to_owned(),
            "must begin and end with a letter or digit".to_owned()
        )
    );
    let err = client.placement().assign(pg.id, &[]).await.unwrap_err();
    assert_eq!(invalid(err).0, "linodes");
    assert!(sandbox.requests().is_empty(), "nothing was sent");

    let cases = [
        (
            json!({"label": "x", "region": "us-east", "placement_group_type": "affinity:local",
            "placement_group_policy": "strict"}),
            "placement_group_type",
            "placement_group_type must be one of anti_affinity:local",
        ),
        (
            json!({"label": "x", "region": "us-east", "placement_group_type": "anti_affinity:local",
            "placement_group_policy": "lenient"}),
            "placement_group_policy",
            "placement_group_policy must be one of strict, flexible",
        ),
        (
            json!({"label": "x", "placement_group_type": "anti_affinity:local",
            "placement_group_policy": "strict"}),
            "region",
            "region is required",
        ),
    ];
    for (body, field, reason) in cases {
        assert_eq!(
            raw_refusal(&sandbox, "/v4/placement/groups", body).await,
            (400, json!(field), json!(reason))
        );
    }
}

#[tokio::test]
async fn members_are_assigned_and_unassigned_and_shown_on_their_instances() {
    let (sandbox, client) = common::setup().await;
    let pg = group(
        &client,
        CreatePlacementGroup::strict("web-spread", "us-east"),
    )
    .await;
    let a = empty_linode(&client, "us-east", "web-a").await;
    let b = empty_linode(&client, "us-east", "web-b").await;
    assert_eq!(a.placement_group, None);

    let assigned = client
        .placement()
        .assign(pg.id, &[a.id, b.id])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/placement/groups/{}/assign", pg.id),
            Some(json!({"linodes": [a.id, b.id]}))
        )
    );
    let members: Vec<(u64, bool)> = assigned
        .members
        .iter()
        .map(|m| (m.linode_id, m.is_compliant))
        .collect();
    assert_eq!(members, [(a.id, true), (b.id, true)]);
    assert!(assigned.is_compliant);
    assert_eq!(
        sandbox.placement_group(pg.id).unwrap()["members"],
        json!([{"linode_id": a.id, "is_compliant": true}, {"linode_id": b.id, "is_compliant": true}])
    );
    let shown = client
        .linode()
        .instance(a.id)
        .await
        .unwrap()
        .placement_group
        .unwrap();
    assert_eq!(shown.id, pg.id);
    assert_eq!(shown.label, "web-spread");
    assert_eq!(
        shown.placement_group_policy,
        Some(PlacementGroupPolicy::Strict)
    );
    assert_eq!(shown.group(&client).get().await.unwrap().members.len(), 2);
    assert_eq!(
        assigned.members[1]
            .linode(&client)
            .get()
            .await
            .unwrap()
            .label,
        "web-b"
    );

    let in_group = client
        .linode()
        .instances()
        .filter(Instance::PLACEMENT_GROUP_LABEL.eq("web-spread"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<u64> = in_group.iter().map(|i| i.id).collect();
    assert_eq!(ids, [a.id, b.id]);

    // A new label shows on the members too.
    client
        .placement()
        .update(pg.id, "web-spread-2")
        .await
        .unwrap();
    assert_eq!(
        sandbox.instance(b.id).unwrap()["placement_group"]["label"],
        "web-spread-2"
    );

    let left = client.placement().unassign(pg.id, &[a.id]).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/placement/groups/{}/unassign", pg.id),
            Some(json!({"linodes": [a.id]}))
        )
    );
    assert!(!left.has_member(a.id) && left.has_member(b.id));
    assert_eq!(
        sandbox.instance(a.id).unwrap()["placement_group"],
        Value::Null
    );
    assert_eq!(
        sandbox.instance(b.id).unwrap()["placement_group"]["id"],
        pg.id
    );
    let err = client
        .placement()
        .unassign(pg.id, &[a.id])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("linodes"),
            format!("Linode {} is not in this placement group", a.id).as_str()
        )
    );
    assert_eq!(
        event_actions(&sandbox, "placement_group_"),
        [
            "placement_group_create",
            "placement_group_assign",
            "placement_group_assign",
            "placement_group_update",
            "placement_group_unassign"
        ]
    );
}

#[tokio::test]
async fn only_linodes_of_the_region_join_and_the_region_caps_the_members() {
    let (sandbox, client) = common::setup().await;
    let pg = group(&client, CreatePlacementGroup::flexible("capped", "us-east")).await;
    let other = group(&client, CreatePlacementGroup::flexible("other", "us-east")).await;
    let far = empty_linode(&client, "eu-west", "far-1").await;
    let err = assign_err(&client, pg.id, &[far.id]).await;
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("linodes"),
            format!("Linode {} is not in the placement group's region", far.id).as_str()
        )
    );

    let region = client.regions().get("us-east").await.unwrap();
    let limits = region.placement_group_limits.unwrap();
    assert_eq!(limits.maximum_linodes_per_pg, Some(5));
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(
            empty_linode(&client, "us-east", &format!("node-{i}"))
                .await
                .id,
        );
    }
    client.placement().assign(pg.id, &ids[..5]).await.unwrap();
    let err = assign_err(&client, pg.id, &ids[5..]).await;
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("linodes"),
            "The placement group is full: at most 5 Linodes per group in this region"
        )
    );
    let err = assign_err(&client, other.id, &ids[..1]).await;
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("linodes"),
            format!("Linode {} is already in a placement group", ids[0]).as_str()
        )
    );
    assert_eq!(
        sandbox.placement_group(pg.id).unwrap()["members"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        sandbox.placement_group(other.id).unwrap()["members"],
        json!([])
    );
}

#[tokio::test]
async fn a_strict_group_refuses_what_breaks_it_and_a_flexible_one_reports_it() {
    let (sandbox, client) = common::setup().await;
    let strict = group(&client, CreatePlacementGroup::strict("strict", "us-east")).await;
    let flexible = group(
        &client,
        CreatePlacementGroup::flexible("flexible", "us-east"),
    )
    .await;
    let a = empty_linode(&client, "us-east", "host-mate-a").await;
    let b = empty_linode(&client, "us-east", "host-mate-b").await;
    let host = sandbox.instance(a.id).unwrap()["host_uuid"]
        .as_str()
        .unwrap()
        .to_owned();
    sandbox.move_to_host(b.id, &host);

    let err = assign_err(&client, strict.id, &[a.id, b.id]).await;
    let reason = format!(
        "Assigning Linode {} would make the placement group non-compliant: it shares a host with another member",
        b.id
    );
    assert_eq!(refusal(&err), (400, None, reason.as_str()));
    assert_eq!(
        sandbox.placement_group(strict.id).unwrap()["members"],
        json!([])
    );

    let err = client
        .placement()
        .assign_with(
            flexible.id,
            &AssignLinodes::new([a.id, b.id]).compliant_only(true),
        )
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (400, None, reason.as_str()));
    assert_eq!(
        last_request(&sandbox).2.unwrap(),
        json!({"linodes": [a.id, b.id], "compliant_only": true})
    );

    let pg = client
        .placement()
        .assign(flexible.id, &[a.id, b.id])
        .await
        .unwrap();
    assert!(!pg.is_compliant);
    let members: Vec<(u64, bool)> = pg
        .members
        .iter()
        .map(|m| (m.linode_id, m.is_compliant))
        .collect();
    assert_eq!(members, [(a.id, true), (b.id, false)]);
    assert_eq!(
        sandbox.placement_group(flexible.id).unwrap()["is_compliant"],
        false
    );

    // Taking the offender out makes the group compliant again.
    let pg = client
        .placement()
        .unassign(flexible.id, &[b.id])
        .await
        .unwrap();
    assert!(pg.is_compliant);
}

#[tokio::test]
async fn a_group_with_members_cannot_be_deleted_and_deleting_a_linode_leaves_it() {
    let (sandbox, client) = common::setup().await;
    let pg = group(&client, CreatePlacementGroup::strict("busy", "us-east")).await;
    let a = empty_linode(&client, "us-east", "member-a").await;
    client.placement().assign(pg.id, &[a.id]).await.unwrap();
    let err = client.placement().delete(pg.id).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            "All Linodes must be unassigned before the placement group can be deleted"
        )
    );
    client.linode().delete_instance(a.id).await.unwrap();
    assert_eq!(
        sandbox.placement_group(pg.id).unwrap()["members"],
        json!([])
    );
    let pg = client.placement().get(pg.id).await.unwrap();
    let id = pg.id;
    pg.delete(&client).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/placement/groups/{id}")
    );
    assert!(sandbox.placement_group(id).is_none());
    assert_eq!(client.placement().list().await.unwrap().len(), 0);
}

#[tokio::test]
async fn a_linode_can_be_created_into_a_group_of_its_region() {
    let (sandbox, client) = common::setup().await;
    let pg = group(&client, CreatePlacementGroup::strict("born-in", "us-east")).await;
    let (status, created) = post_raw(
        &sandbox,
        "/v4/linode/instances",
        &json!({"region": "us-east", "type": "g6-nanode-1", "placement_group": {"id": pg.id}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(created["placement_group"]["id"], pg.id);
    let id = created["id"].as_u64().unwrap();
    assert!(client.placement().get(pg.id).await.unwrap().has_member(id));
    assert_eq!(
        raw_refusal(
            &sandbox,
            "/v4/linode/instances",
            json!({"region": "eu-west", "type": "g6-nanode-1", "placement_group": {"id": pg.id}})
        )
        .await,
        (
            400,
            json!("placement_group.id"),
            json!("The Linode and the placement group must be in the same region")
        )
    );
}
