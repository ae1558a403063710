//! Reserved IPv4 addresses, the older `/networking/ipv4/assign` and VLANs end to end against
//! the sandbox: what the client sends, what the sandbox keeps, and each rule refused too.
//!
//! VLANs come from configuration profile interfaces, put in place with the sandbox's handle
//! ([`Sandbox::set_config_interfaces`]) until the profile handlers take interfaces.

use crate::common;

use common::{create_linode, debian_nanode, empty_linode, last_request, post_raw, refusal};
use linode::Error;
use linode::api::networking::IpAssignment;
use linode_sandbox::Sandbox;
use serde_json::json;

/// The field and reason of a refusal made before any request.
fn invalid(err: Error) -> (String, String) {
    match err {
        Error::InvalidArgument { field, reason } => (field, reason),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

/// The addresses the sandbox keeps reserved.
fn reserved(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .table("reserved_ips")
        .iter()
        .map(|r| r["address"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_address_is_reserved_tagged_listed_and_released() {
    let (sandbox, client) = common::setup().await;
    let ip = client
        .networking()
        .reserve_ip("us-east", ["web"])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/networking/reserved/ips".to_owned(),
            Some(json!({"region": "us-east", "tags": ["web"]}))
        )
    );
    assert!(ip.reserved);
    assert!(ip.public);
    assert_eq!(ip.region.as_deref(), Some("us-east"));
    assert_eq!(ip.tags, ["web"]);
    assert_eq!(ip.linode_id, None);
    assert_eq!(ip.assigned_entity, None);
    assert_eq!(reserved(&sandbox), [ip.address.as_str()]);

    let tagged = client
        .networking()
        .set_reserved_ip_tags(&ip.address, ["web", "prod"])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            format!("/v4/networking/reserved/ips/{}", ip.address),
            Some(json!({"tags": ["web", "prod"]}))
        )
    );
    assert_eq!(tagged.tags, ["web", "prod"]);
    assert_eq!(
        sandbox.table("reserved_ips")[0]["tags"],
        json!(["web", "prod"])
    );

    let again = client.networking().reserved_ip(&ip.address).await.unwrap();
    assert_eq!(again, tagged);
    let all = client
        .networking()
        .reserved_ips()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all, [tagged]);

    client
        .networking()
        .release_reserved_ip(&ip.address)
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).1,
        format!("/v4/networking/reserved/ips/{}", ip.address)
    );
    assert!(reserved(&sandbox).is_empty());
    let gone = client
        .networking()
        .reserved_ip(&ip.address)
        .await
        .unwrap_err();
    assert_eq!(refusal(&gone), (404, None, "Not found"));
    let gone = client
        .networking()
        .release_reserved_ip(&ip.address)
        .await
        .unwrap_err();
    assert_eq!(refusal(&gone).0, 404);
}

#[tokio::test]
async fn a_reservation_is_refused_without_a_known_region_or_with_bad_tags() {
    let (sandbox, client) = common::setup().await;
    let err = client
        .networking()
        .reserve_ip(" ", ["web"])
        .await
        .unwrap_err();
    assert_eq!(invalid(err), ("region".to_owned(), "is empty".to_owned()));
    let err = client
        .networking()
        .reserve_ip("us-east", ["x"])
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "tags");
    assert!(sandbox.requests().is_empty());

    let err = client
        .networking()
        .reserve_ip("xx-nowhere", Vec::<String>::new())
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (400, Some("region"), "Region not found"));
    let (status, answer) = post_raw(&sandbox, "/v4/networking/reserved/ips", &json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(answer["errors"][0]["field"], "region");
    let (status, answer) = post_raw(
        &sandbox,
        "/v4/networking/reserved/ips",
        &json!({"region": "us-east", "tags": ["x"]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(answer["errors"][0]["field"], "tags");
    assert!(reserved(&sandbox).is_empty());
}

#[tokio::test]
async fn the_reserved_ip_price_list_is_served() {
    let (sandbox, client) = common::setup().await;
    let types = client
        .networking()
        .reserved_ip_types()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).1,
        "/v4/networking/reserved/ips/types"
    );
    assert_eq!(types.len(), 1);
    assert_eq!(types[0].id, "ipv4");
    assert_eq!(types[0].price.monthly, 2.0);
    assert!(types[0].price_in("br-gru").monthly > 2.0);
}

#[tokio::test]
async fn a_reserved_address_joins_a_linode_and_outlives_it() {
    let (sandbox, client) = common::setup().await;
    let linode = empty_linode(&client, "us-east", "keeper").await;
    let ip = client
        .networking()
        .reserve_ip("us-east", Vec::<String>::new())
        .await
        .unwrap();
    client
        .networking()
        .assign_ips("us-east", [IpAssignment::new(&ip.address, linode.id)])
        .await
        .unwrap();
    let stored = sandbox.instance(linode.id).unwrap();
    assert!(
        stored["ipv4"]
            .as_array()
            .unwrap()
            .contains(&json!(ip.address))
    );

    let ips = linode.ips(&client).await.unwrap();
    let shown = ips
        .ipv4
        .public
        .iter()
        .find(|a| a.address == ip.address)
        .expect("the reserved address is the Linode's");
    assert!(shown.reserved);
    assert_eq!(shown.linode_id, Some(linode.id));
    let own = ips
        .ipv4
        .public
        .iter()
        .find(|a| a.address != ip.address)
        .unwrap();
    assert!(!own.reserved);
    let assigned = client.networking().reserved_ip(&ip.address).await.unwrap();
    assert_eq!(assigned.linode_id, Some(linode.id));
    assert!(assigned.reserved);

    client.linode().delete_instance(linode.id).await.unwrap();
    sandbox.settle();
    let kept = client.networking().reserved_ip(&ip.address).await.unwrap();
    assert!(kept.reserved);
    assert_eq!(kept.linode_id, None);
    assert_eq!(reserved(&sandbox), [ip.address]);
}

#[tokio::test]
async fn a_reserved_address_joins_only_a_linode_of_its_region() {
    let (sandbox, client) = common::setup().await;
    let linode = empty_linode(&client, "us-east", "east").await;
    let ip = client
        .networking()
        .reserve_ip("eu-west", Vec::<String>::new())
        .await
        .unwrap();
    let err = client
        .networking()
        .assign_ips("us-east", [IpAssignment::new(&ip.address, linode.id)])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("assignments[0].address"),
            format!("{} is not in region us-east", ip.address).as_str()
        )
    );
    let stored = sandbox.instance(linode.id).unwrap();
    assert!(
        !stored["ipv4"]
            .as_array()
            .unwrap()
            .contains(&json!(ip.address))
    );
}

#[tokio::test]
async fn releasing_an_assigned_address_leaves_it_with_its_linode() {
    let (sandbox, client) = common::setup().await;
    let linode = empty_linode(&client, "us-east", "holder").await;
    let ip = client
        .networking()
        .reserve_ip("us-east", Vec::<String>::new())
        .await
        .unwrap();
    client
        .networking()
        .assign_ips("us-east", [IpAssignment::new(&ip.address, linode.id)])
        .await
        .unwrap();
    client
        .networking()
        .release_reserved_ip(&ip.address)
        .await
        .unwrap();
    assert!(reserved(&sandbox).is_empty());
    let now = client.networking().ip(&ip.address).await.unwrap();
    assert_eq!(now.linode_id, Some(linode.id));
    assert!(!now.reserved);
}

#[tokio::test]
async fn the_older_ipv4_assign_moves_addresses_like_the_newer_one() {
    let (sandbox, client) = common::setup().await;
    let a = empty_linode(&client, "us-east", "first").await;
    let b = empty_linode(&client, "us-east", "second").await;
    let ip_a = a.ips(&client).await.unwrap().ipv4.public[0].clone();
    let ip_b = b.ips(&client).await.unwrap().ipv4.public[0].clone();
    client
        .networking()
        .assign_ipv4s("us-east", [ip_a.to(&b), ip_b.to(&a)])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/networking/ipv4/assign".to_owned(),
            Some(json!({"region": "us-east", "assignments": [
                {"address": ip_a.address, "linode_id": b.id},
                {"address": ip_b.address, "linode_id": a.id},
            ]}))
        )
    );
    assert_eq!(
        sandbox.instance(a.id).unwrap()["ipv4"],
        json!([ip_b.address])
    );
    assert_eq!(
        sandbox.instance(b.id).unwrap()["ipv4"],
        json!([ip_a.address])
    );

    // Refused as the newer form refuses: a Linode left without a public address.
    let err = client
        .networking()
        .assign_ipv4s("us-east", [ip_b.to(&b)])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("assignments"),
            format!(
                "Linode {} would be left without a public IPv4 address",
                a.id
            )
            .as_str()
        )
    );
    let err = client
        .networking()
        .assign_ipv4s("us-east", [])
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "assignments");
}

#[tokio::test]
async fn vlans_are_the_vlan_interfaces_of_the_profiles() {
    let (sandbox, client) = common::setup().await;
    assert!(
        client
            .networking()
            .vlans()
            .await
            .unwrap()
            .collect_all()
            .await
            .unwrap()
            .is_empty()
    );
    let a = create_linode(&client, debian_nanode("us-east").label("vlan-a")).await;
    let b = create_linode(&client, debian_nanode("us-east").label("vlan-b")).await;
    let vlan = json!([
        {"purpose": "public", "label": null, "ipam_address": null},
        {"purpose": "vlan", "label": "backend", "ipam_address": "10.0.0.1/24"},
    ]);
    assert!(sandbox.set_config_interfaces(a.id, None, vlan.clone()));
    assert!(sandbox.set_config_interfaces(b.id, None, vlan));

    let vlans = client
        .networking()
        .vlans()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(last_request(&sandbox).1, "/v4/networking/vlans");
    assert_eq!(vlans.len(), 1);
    assert_eq!(vlans[0].label, "backend");
    assert_eq!(vlans[0].region, "us-east");
    assert_eq!(vlans[0].linodes, [a.id, b.id]);

    let err = client
        .networking()
        .delete_vlan("us-east", "backend")
        .await
        .unwrap_err();
    assert_eq!(
        last_request(&sandbox).1,
        "/v4/networking/vlans/us-east/backend"
    );
    assert_eq!(refusal(&err).0, 400);
    let err = client
        .networking()
        .delete_vlan("us-east", "nothing")
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    let err = client
        .networking()
        .delete_vlan("us-east", " ")
        .await
        .unwrap_err();
    assert_eq!(invalid(err), ("label".to_owned(), "is empty".to_owned()));

    // Detached everywhere, the VLAN is gone.
    assert!(sandbox.set_config_interfaces(a.id, None, json!([])));
    assert!(sandbox.set_config_interfaces(b.id, None, json!([])));
    assert!(
        client
            .networking()
            .vlans()
            .await
            .unwrap()
            .collect_all()
            .await
            .unwrap()
            .is_empty()
    );
}
