//! IP sharing (`/networking/ips/share` and the older `/networking/ipv4/share`) and turning an
//! address a Linode already has into a reserved one (`PUT /networking/ips/{address}` with
//! `reserved`), end to end against the sandbox: what the client sends, what the sandbox keeps
//! and shows, and every refusal.

use crate::common;

use common::{empty_linode, last_request, refusal};
use linode::Error;
use linode::api::linode::Instance;
use linode_sandbox::Sandbox;
use serde_json::{Value, json};

/// The field and reason of a refusal made before any request.
fn invalid(err: Error) -> (String, String) {
    match err {
        Error::InvalidArgument { field, reason } => (field, reason),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

/// The first public IPv4 address of a Linode.
async fn public_of(client: &linode::Client, linode: &Instance) -> String {
    linode.ips(client).await.unwrap().ipv4.public[0]
        .address
        .clone()
}

/// The addresses shown as shared with a Linode.
async fn shared_of(client: &linode::Client, linode: &Instance) -> Vec<String> {
    let ips = linode.ips(client).await.unwrap();
    ips.ipv4.shared.into_iter().map(|a| a.address).collect()
}

/// The stored `ip_shares` rows.
fn shares(sandbox: &Sandbox) -> Vec<Value> {
    sandbox.table("ip_shares")
}

/// The addresses the sandbox keeps reserved.
fn reserved(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .table("reserved_ips")
        .iter()
        .map(|r| r["address"].as_str().unwrap().to_owned())
        .collect()
}

/// Sends `method` with `body` to the sandbox's `path` as the client never would.
async fn raw(sandbox: &Sandbox, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}{path}", sandbox.base_url()),
        )
        .bearer_auth(sandbox.token())
        .json(body)
        .send()
        .await
        .expect("the sandbox answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.expect("a JSON answer"))
}

#[tokio::test]
async fn a_shared_address_shows_on_the_target_and_stays_its_owners() {
    let (sandbox, client) = common::setup().await;
    let primary = empty_linode(&client, "us-east", "primary").await;
    let standby = empty_linode(&client, "us-east", "standby").await;
    let address = public_of(&client, &primary).await;
    let listed_before = client
        .networking()
        .ips()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();

    client
        .networking()
        .share_ips(standby.id, [address.as_str()])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/networking/ips/share".to_owned(),
            Some(json!({"ips": [address], "linode_id": standby.id}))
        )
    );
    assert_eq!(
        shares(&sandbox),
        [json!({"linode_id": standby.id, "ips": [address]})]
    );

    let ips = standby.ips(&client).await.unwrap();
    assert_eq!(ips.ipv4.shared.len(), 1);
    let shown = &ips.ipv4.shared[0];
    assert_eq!(shown.address, address);
    assert_eq!(shown.linode_id, Some(primary.id));
    assert_eq!(shown.region.as_deref(), Some("us-east"));
    assert!(shown.public);
    assert!(!shown.reserved);
    // Its own public address is untouched, and the owner shows nothing shared.
    assert_eq!(ips.ipv4.public.len(), 1);
    assert_ne!(ips.ipv4.public[0].address, address);
    assert!(shared_of(&client, &primary).await.is_empty());
    // The address is still listed once, as its owner's.
    let listed = client
        .networking()
        .ips()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed, listed_before);
    let one = client.networking().ip(&address).await.unwrap();
    assert_eq!(one.linode_id, Some(primary.id));
    assert_eq!(
        sandbox.instance(primary.id).unwrap()["ipv4"],
        json!([address])
    );

    // Once its owner is gone, the shared address is no longer shown.
    client.linode().delete_instance(primary.id).await.unwrap();
    sandbox.settle();
    assert!(shared_of(&client, &standby).await.is_empty());
}

#[tokio::test]
async fn sharing_replaces_the_whole_set_and_an_empty_list_unshares_all() {
    let (sandbox, client) = common::setup().await;
    let primary = empty_linode(&client, "us-east", "primary").await;
    let standby = empty_linode(&client, "us-east", "standby").await;
    let public = public_of(&client, &primary).await;
    let private = client
        .networking()
        .allocate_ip(primary.id, false)
        .await
        .unwrap()
        .address;
    let second = empty_linode(&client, "us-east", "second").await;
    let other = public_of(&client, &second).await;

    client
        .networking()
        .share_ips(standby.id, [&public, &private, &public])
        .await
        .unwrap();
    // Sent as given; kept once each.
    assert_eq!(
        last_request(&sandbox).2,
        Some(json!({"ips": [public, private, public], "linode_id": standby.id}))
    );
    assert_eq!(
        shared_of(&client, &standby).await,
        [public.as_str(), private.as_str()]
    );
    assert_eq!(
        shares(&sandbox),
        [json!({"linode_id": standby.id, "ips": [public, private]})]
    );

    client
        .networking()
        .share_ips(standby.id, [&other])
        .await
        .unwrap();
    assert_eq!(shared_of(&client, &standby).await, [other.as_str()]);
    assert_eq!(
        shares(&sandbox),
        [json!({"linode_id": standby.id, "ips": [other]})]
    );

    // Sharing with another Linode keeps a set of its own.
    client
        .networking()
        .share_ips(second.id, [&public])
        .await
        .unwrap();
    assert_eq!(shared_of(&client, &second).await, [public.as_str()]);
    assert_eq!(shared_of(&client, &standby).await, [other.as_str()]);

    client
        .networking()
        .share_ips(standby.id, Vec::<String>::new())
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).2,
        Some(json!({"ips": [], "linode_id": standby.id}))
    );
    assert!(shared_of(&client, &standby).await.is_empty());
    assert_eq!(
        shares(&sandbox),
        [json!({"linode_id": second.id, "ips": [public]})]
    );
}

#[tokio::test]
async fn an_ipv6_range_is_shared_without_its_prefix_and_reaches_both_linodes() {
    let (sandbox, client) = common::setup().await;
    let primary = empty_linode(&client, "us-east", "primary").await;
    let standby = empty_linode(&client, "us-east", "standby").await;
    let range = client
        .networking()
        .create_ipv6_range(primary.id, 64)
        .await
        .unwrap();
    let bare = range.range.split('/').next().unwrap().to_owned();
    let before = client.networking().ipv6_range(&bare).await.unwrap();
    assert!(!before.is_bgp);
    assert_eq!(before.linodes, [primary.id]);

    client
        .networking()
        .share_ips(standby.id, [&range.range])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).2,
        Some(json!({"ips": [bare], "linode_id": standby.id}))
    );
    let ips = standby.ips(&client).await.unwrap();
    assert_eq!(ips.ipv6.global.len(), 1);
    assert_eq!(ips.ipv6.global[0].range, bare);
    assert_eq!(ips.ipv6.global[0].prefix, 64);
    assert!(ips.ipv4.shared.is_empty());
    let after = client.networking().ipv6_range(&bare).await.unwrap();
    assert!(after.is_bgp);
    assert_eq!(after.linodes, [primary.id, standby.id]);
    // The owner still routes it; it is not shared with itself.
    let own = primary.ips(&client).await.unwrap();
    assert_eq!(own.ipv6.global.len(), 1);

    client
        .networking()
        .share_ips(standby.id, Vec::<String>::new())
        .await
        .unwrap();
    let unshared = client.networking().ipv6_range(&bare).await.unwrap();
    assert!(!unshared.is_bgp);
    assert_eq!(unshared.linodes, [primary.id]);
    assert!(standby.ips(&client).await.unwrap().ipv6.global.is_empty());
}

#[tokio::test]
async fn the_older_ipv4_share_shares_like_the_newer_one() {
    let (sandbox, client) = common::setup().await;
    let primary = empty_linode(&client, "us-east", "primary").await;
    let standby = empty_linode(&client, "us-east", "standby").await;
    let address = public_of(&client, &primary).await;
    client
        .networking()
        .share_ipv4s(standby.id, [&address])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/networking/ipv4/share".to_owned(),
            Some(json!({"ips": [address], "linode_id": standby.id}))
        )
    );
    assert_eq!(shared_of(&client, &standby).await, [address.as_str()]);

    let err = client
        .networking()
        .share_ipv4s(standby.id, ["198.51.100.77"])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("ips"),
            "198.51.100.77 is not an IPv4 address or IPv6 range of your Linodes"
        )
    );
    client
        .networking()
        .share_ipv4s(standby.id, Vec::<String>::new())
        .await
        .unwrap();
    assert!(shared_of(&client, &standby).await.is_empty());
}

#[tokio::test]
async fn sharing_is_refused_outside_the_region_for_unknown_addresses_and_linodes() {
    let (sandbox, client) = common::setup().await;
    let primary = empty_linode(&client, "us-east", "primary").await;
    let standby = empty_linode(&client, "us-east", "standby").await;
    let far = empty_linode(&client, "eu-west", "far").await;
    let address = public_of(&client, &primary).await;
    let far_address = public_of(&client, &far).await;
    let own = public_of(&client, &standby).await;
    client
        .networking()
        .share_ips(standby.id, [&address])
        .await
        .unwrap();
    let kept = shares(&sandbox);

    let err = client
        .networking()
        .share_ips(standby.id, [&address, &far_address])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("ips"),
            format!("{far_address} is not in region us-east").as_str()
        )
    );
    let err = client
        .networking()
        .share_ips(standby.id, ["203.0.113.9"])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("ips"),
            "203.0.113.9 is not an IPv4 address or IPv6 range of your Linodes"
        )
    );
    let err = client
        .networking()
        .share_ips(standby.id, [&own])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("ips"),
            format!(
                "{own} already belongs to Linode {}: it cannot be shared with it",
                standby.id
            )
            .as_str()
        )
    );
    let err = client
        .networking()
        .share_ips(999_999, [&address])
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (400, Some("linode_id"), "Linode not found"));
    // Nothing changed.
    assert_eq!(shares(&sandbox), kept);
    assert_eq!(shared_of(&client, &standby).await, [address.as_str()]);

    // Refused by the client before sending.
    sandbox.clear_requests();
    let err = client
        .networking()
        .share_ips(standby.id, ["not-an-ip"])
        .await
        .unwrap_err();
    assert_eq!(
        invalid(err),
        (
            "ips".to_owned(),
            "not-an-ip is not an IP address".to_owned()
        )
    );
    assert!(sandbox.requests().is_empty());

    // Bodies the client never sends.
    let path = "/v4/networking/ips/share";
    for (body, field, reason) in [
        (
            json!({"ips": [address]}),
            "linode_id",
            "linode_id is required",
        ),
        (json!({"linode_id": standby.id}), "ips", "ips is required"),
        (
            json!({"linode_id": standby.id, "ips": "x"}),
            "ips",
            "ips must be an array of strings",
        ),
        (
            json!({"linode_id": standby.id, "ips": [7]}),
            "ips",
            "ips must be an array of strings",
        ),
        (
            json!({"linode_id": standby.id, "ips": ["nope"]}),
            "ips",
            "nope is not a valid IP address",
        ),
    ] {
        let (status, answer) = raw(&sandbox, "POST", path, &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["errors"][0]["field"], field, "{body}");
        assert_eq!(answer["errors"][0]["reason"], reason, "{body}");
    }
    assert_eq!(shares(&sandbox), kept);
}

#[tokio::test]
async fn an_address_of_a_linode_becomes_reserved_and_outlives_it() {
    let (sandbox, client) = common::setup().await;
    let linode = empty_linode(&client, "us-east", "web").await;
    let address = public_of(&client, &linode).await;

    let kept = client
        .networking()
        .set_ip_reserved(&address, true)
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            format!("/v4/networking/ips/{address}"),
            Some(json!({"reserved": true}))
        )
    );
    assert!(kept.reserved);
    assert_eq!(kept.address, address);
    assert_eq!(kept.linode_id, Some(linode.id));
    assert_eq!(kept.region.as_deref(), Some("us-east"));
    assert!(kept.tags.is_empty());
    let stored = sandbox.table("reserved_ips");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["address"], address);
    assert_eq!(stored[0]["region"], "us-east");
    assert_eq!(stored[0]["tags"], json!([]));
    // Still the Linode's, now also among its reserved addresses and the account's.
    assert_eq!(
        sandbox.instance(linode.id).unwrap()["ipv4"],
        json!([address])
    );
    let ips = linode.ips(&client).await.unwrap();
    assert!(ips.ipv4.public[0].reserved);
    assert_eq!(ips.ipv4.reserved.len(), 1);
    assert_eq!(ips.ipv4.reserved[0].address, address);
    let listed = client
        .networking()
        .reserved_ips()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&kept));
    // Asking again changes nothing.
    let again = client
        .networking()
        .set_ip_reserved(&address, true)
        .await
        .unwrap();
    assert_eq!(again, kept);
    assert_eq!(reserved(&sandbox), [address.as_str()]);

    // The Linode goes; the address stays on the account, unassigned.
    client.linode().delete_instance(linode.id).await.unwrap();
    sandbox.settle();
    let alone = client.networking().ip(&address).await.unwrap();
    assert!(alone.reserved);
    assert_eq!(alone.linode_id, None);
    assert_eq!(alone.assigned_entity, None);
    assert_eq!(alone.region.as_deref(), Some("us-east"));
    let listed = client
        .networking()
        .ips()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&alone));
    assert_eq!(
        client.networking().reserved_ip(&address).await.unwrap(),
        alone
    );

    // No reverse DNS on an unassigned reserved address.
    let err = client
        .networking()
        .set_rdns(&address, Some("www.example.com"))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("rdns"),
            "Reverse DNS cannot be set on an unassigned reserved IP address"
        )
    );

    // Made ephemeral while unassigned, it is released from the account.
    let released = client
        .networking()
        .set_ip_reserved(&address, false)
        .await
        .unwrap();
    assert_eq!(last_request(&sandbox).2, Some(json!({"reserved": false})));
    assert!(!released.reserved);
    assert_eq!(released.linode_id, None);
    assert!(reserved(&sandbox).is_empty());
    let err = client.networking().ip(&address).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    assert!(
        client
            .networking()
            .ips()
            .await
            .unwrap()
            .collect_all()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_converted_address_taken_off_its_linode_stays_reserved_until_released() {
    let (sandbox, client) = common::setup().await;
    let linode = empty_linode(&client, "us-east", "web").await;
    let first = public_of(&client, &linode).await;
    let second = client
        .networking()
        .allocate_ip(linode.id, true)
        .await
        .unwrap()
        .address;
    client
        .networking()
        .set_ip_reserved(&second, true)
        .await
        .unwrap();
    client
        .linode()
        .delete_instance_ip(linode.id, &second)
        .await
        .unwrap();
    assert_eq!(sandbox.instance(linode.id).unwrap()["ipv4"], json!([first]));
    let alone = client.networking().reserved_ip(&second).await.unwrap();
    assert!(alone.reserved);
    assert_eq!(alone.linode_id, None);

    client
        .networking()
        .release_reserved_ip(&second)
        .await
        .unwrap();
    assert!(reserved(&sandbox).is_empty());
    let err = client.networking().ip(&second).await.unwrap_err();
    assert_eq!(refusal(&err).0, 404);
}

#[tokio::test]
async fn an_assigned_reserved_address_made_ephemeral_stays_with_its_linode() {
    let (sandbox, client) = common::setup().await;
    let linode = empty_linode(&client, "us-east", "web").await;
    let address = public_of(&client, &linode).await;
    client
        .networking()
        .set_ip_reserved(&address, true)
        .await
        .unwrap();
    let back = client
        .networking()
        .set_ip_reserved(&address, false)
        .await
        .unwrap();
    assert!(!back.reserved);
    assert_eq!(back.linode_id, Some(linode.id));
    assert!(reserved(&sandbox).is_empty());
    assert_eq!(
        sandbox.instance(linode.id).unwrap()["ipv4"],
        json!([address])
    );
    // An ephemeral address made ephemeral is left as it is.
    let same = client
        .networking()
        .set_ip_reserved(&address, false)
        .await
        .unwrap();
    assert_eq!(same, back);
}

#[tokio::test]
async fn only_a_public_ipv4_address_can_be_reserved() {
    let (sandbox, client) = common::setup().await;
    let linode = empty_linode(&client, "us-east", "web").await;
    let private = client
        .networking()
        .allocate_ip(linode.id, false)
        .await
        .unwrap()
        .address;
    let slaac = linode
        .ips(&client)
        .await
        .unwrap()
        .ipv6
        .slaac
        .expect("a SLAAC address")
        .address;
    for address in [&private, &slaac] {
        let err = client
            .networking()
            .set_ip_reserved(address, true)
            .await
            .unwrap_err();
        assert_eq!(
            refusal(&err),
            (
                400,
                Some("reserved"),
                "Only public IPv4 addresses can be reserved"
            ),
            "{address}"
        );
    }
    let err = client
        .networking()
        .set_ip_reserved("203.0.113.200", true)
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    let err = client
        .networking()
        .set_ip_reserved(" ", true)
        .await
        .unwrap_err();
    assert_eq!(invalid(err), ("address".to_owned(), "is empty".to_owned()));
    assert!(reserved(&sandbox).is_empty());

    // Bodies the client never sends.
    let address = public_of(&client, &linode).await;
    let path = format!("/v4/networking/ips/{address}");
    for (body, field, reason) in [
        (json!({}), "rdns", "rdns or reserved is required"),
        (
            json!({"reserved": "yes"}),
            "reserved",
            "reserved must be a boolean",
        ),
    ] {
        let (status, answer) = raw(&sandbox, "PUT", &path, &body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["errors"][0]["field"], field, "{body}");
        assert_eq!(answer["errors"][0]["reason"], reason, "{body}");
    }
    // An invalid reverse DNS name refuses the reservation asked with it too.
    let (status, answer) = raw(
        &sandbox,
        "PUT",
        &path,
        &json!({"reserved": true, "rdns": "-bad-"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(answer["errors"][0]["field"], "rdns");
    assert!(reserved(&sandbox).is_empty());
    // Both at once.
    let (status, answer) = raw(
        &sandbox,
        "PUT",
        &path,
        &json!({"reserved": true, "rdns": "www.example.com"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["reserved"], true);
    assert_eq!(answer["rdns"], "www.example.com");
    assert_eq!(reserved(&sandbox), [address]);
}

/// Polls every second, giving up after `timeout` seconds.
fn every_second(timeout: u64) -> linode::events::Wait {
    linode::events::Wait::new(std::time::Duration::from_secs(timeout)).poll_interval(
        std::time::Duration::from_secs(1),
        std::time::Duration::from_secs(1),
    )
}

#[tokio::test(start_paused = true)]
async fn an_interface_added_to_a_running_linode_is_in_use_once_it_has_rebooted() {
    use linode::api::linode::{InstanceStatus, NewConfigInterface};
    use linode::api::vpcs::CreateVpc;
    use std::time::Duration;
    use tokio::time::Instant;

    let (sandbox, client) = common::setup_timed().await;
    let vpc = client
        .vpcs()
        .create(CreateVpc::new("net", "us-east").subnet("app", "10.0.1.0/24"))
        .await
        .unwrap();
    let linode = common::create_linode(&client, common::debian_nanode("us-east")).await;
    client
        .linode()
        .wait_for_status(linode.id, InstanceStatus::Running, every_second(120))
        .await
        .unwrap();
    let config = client
        .linode()
        .configs(linode.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()[0]
        .id;
    let config = linode::ChildId::new(linode.id, config);

    let added = client
        .linode()
        .add_config_interface(config, &NewConfigInterface::vpc(vpc.subnets[0].id))
        .await
        .unwrap();
    // Not in use while the Linode runs the profile it booted with.
    assert!(!added.active);
    let stored = sandbox.table("vpc_ips");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["active"], false);
    let vpc_ips = client
        .vpcs()
        .vpc_ips(vpc.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(!vpc_ips[0].place.active);

    // Without a reboot it never comes: the deadline ends the wait, naming what is pending.
    let started = Instant::now();
    let err = client
        .linode()
        .wait_for_config_interfaces_active(config, Duration::from_secs(30))
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(30));
    match err {
        Error::WaitTimeout {
            what, last_state, ..
        } => {
            assert_eq!(
                what,
                format!(
                    "the interfaces of configuration profile {} of Linode {} to be in use",
                    config.id, linode.id
                )
            );
            assert_eq!(last_state, format!("interfaces {} not in use", added.id));
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }

    // A reboot takes 60 s; polling every second sees the interface in use within a second.
    client.linode().reboot(linode.id).await.unwrap();
    let started = Instant::now();
    let applied = client
        .linode()
        .wait_for_config_interfaces_active(config, every_second(120))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(60) && waited <= Duration::from_secs(61),
        "{waited:?}"
    );
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].id, added.id);
    assert!(applied[0].active);
    assert_eq!(sandbox.table("vpc_ips")[0]["active"], true);
    let subnet = client
        .vpcs()
        .subnet(linode::ChildId::new(vpc.id, vpc.subnets[0].id))
        .await
        .unwrap();
    assert!(subnet.linodes[0].interfaces[0].active);

    // Shut down, it uses none.
    client.linode().shutdown(linode.id).await.unwrap();
    client
        .linode()
        .wait_for_status(linode.id, InstanceStatus::Offline, every_second(60))
        .await
        .unwrap();
    let after = client.linode().config_interfaces(config).await.unwrap();
    assert!(!after[0].active);
    assert_eq!(sandbox.table("vpc_ips")[0]["active"], false);
}

#[tokio::test]
async fn a_vpc_one_to_one_nat_address_is_not_shared() {
    use linode::api::linode::NewConfigInterface;
    use linode::api::vpcs::CreateVpc;

    let (sandbox, client) = common::setup().await;
    let vpc = client
        .vpcs()
        .create(CreateVpc::new("net", "us-east").subnet("app", "10.0.1.0/24"))
        .await
        .unwrap();
    let natted = common::create_linode(&client, common::debian_nanode("us-east")).await;
    sandbox.settle();
    let standby = empty_linode(&client, "us-east", "standby").await;
    let config = client
        .linode()
        .configs(natted.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()[0]
        .id;
    let config = linode::ChildId::new(natted.id, config);
    let added = client
        .linode()
        .add_config_interface(
            config,
            &NewConfigInterface::vpc(vpc.subnets[0].id).nat_1_1_any(),
        )
        .await
        .unwrap();
    let public = public_of(&client, &natted).await;
    assert_eq!(
        added.ipv4.unwrap().nat_1_1.as_deref(),
        Some(public.as_str())
    );

    let err = client
        .networking()
        .share_ips(standby.id, [&public])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("ips"),
            format!("{public} is a 1:1 NAT address of a VPC interface and cannot be shared")
                .as_str()
        )
    );
    assert!(shares(&sandbox).is_empty());

    // Without the translation, it is shared.
    client
        .linode()
        .delete_config_interface(config, added.id)
        .await
        .unwrap();
    client
        .networking()
        .share_ips(standby.id, [&public])
        .await
        .unwrap();
    assert_eq!(shared_of(&client, &standby).await, [public.as_str()]);
}
