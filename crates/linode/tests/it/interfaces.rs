//! Network interfaces end to end against the sandbox, both generations: configuration
//! profile interfaces (typed, in a profile's body or one by one, joining VPC subnets) and
//! Linode interfaces (kinds, firewalls, settings, history, the upgrade and a create with
//! interfaces), each rule also from the refused side.

use crate::common;

use common::{create_linode, debian_nanode, last_request, post_raw, refusal};
use linode::api::linode::{
    ConfigInterfaceUpdate, ConfigUpdate, CreateInstance, InterfaceGeneration, InterfacePurpose,
    InterfaceSettingsUpdate, LinodeInterfaceUpdate, NewConfigInterface, NewLinodeInterface,
    UpgradeInterfaces,
};
use linode::api::networking::firewalls::{CreateFirewall, DeviceType, FirewallRules, RuleAction};
use linode::api::vpcs::{CreateVpc, Vpc};
use linode::{ChildId, Client, Error};
use linode_sandbox::Sandbox;
use serde_json::json;

async fn vpc(client: &Client, label: &str, region: &str) -> Vpc {
    client
        .vpcs()
        .create(CreateVpc::new(label, region).subnet("web", "10.0.1.0/24"))
        .await
        .unwrap()
}

/// A booted Debian Linode in `region` and its configuration profile.
async fn linode_with_profile(sandbox: &Sandbox, client: &Client, label: &str) -> (u64, ChildId) {
    let linode = create_linode(client, debian_nanode("us-east").label(label)).await;
    sandbox.settle();
    let config = client
        .linode()
        .configs(linode.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()[0]
        .id;
    (linode.id, ChildId::new(linode.id, config))
}

/// An offline Linode of the `linode` interface generation with the given interfaces.
async fn linode_gen(
    sandbox: &Sandbox,
    client: &Client,
    label: &str,
    interfaces: Vec<NewLinodeInterface>,
) -> u64 {
    let linode = create_linode(
        client,
        CreateInstance::empty("us-east", "g6-nanode-1")
            .label(label)
            .linode_interfaces(interfaces),
    )
    .await;
    sandbox.settle();
    linode.id
}

fn invalid(err: Error) -> (String, String) {
    match err {
        Error::InvalidArgument { field, reason } => (field, reason),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

async fn firewall(client: &Client, label: &str) -> u64 {
    client
        .networking()
        .firewalls()
        .create(CreateFirewall::new(
            label,
            FirewallRules::new(RuleAction::Drop, RuleAction::Accept),
        ))
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn profile_interfaces_are_typed_ordered_and_a_vpc_one_joins_its_subnet() {
    let (sandbox, client) = common::setup().await;
    let net = vpc(&client, "net-1", "us-east").await;
    let subnet = net.subnets[0].id;
    let (linode, profile) = linode_with_profile(&sandbox, &client, "web-1").await;
    let api = client.linode();

    let public = api
        .add_config_interface(profile, &NewConfigInterface::public().primary(true))
        .await
        .unwrap();
    assert_eq!(public.purpose, InterfacePurpose::Public);
    assert!(public.primary);
    let vlan = api
        .add_config_interface(
            profile,
            &NewConfigInterface::vlan("backend").ipam_address("10.0.0.1/24"),
        )
        .await
        .unwrap();
    let vpc_iface = api
        .add_config_interface(
            profile,
            &NewConfigInterface::vpc(subnet)
                .vpc_address("10.0.1.20")
                .nat_1_1_any(),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!(
                "/v4/linode/instances/{linode}/configs/{}/interfaces",
                profile.id
            ),
            Some(json!({"purpose": "vpc", "subnet_id": subnet,
                "ipv4": {"vpc": "10.0.1.20", "nat_1_1": "any"}}))
        )
    );
    assert_eq!(vpc_iface.vpc_id, Some(net.id));
    assert_eq!(vpc_iface.subnet_id, Some(subnet));
    let ipv4 = vpc_iface.ipv4.clone().unwrap();
    assert_eq!(ipv4.vpc.as_deref(), Some("10.0.1.20"));
    let public_address = sandbox.instance(linode).unwrap()["ipv4"][0].clone();
    assert_eq!(json!(ipv4.nat_1_1), public_address);

    // The subnet lists the Linode with this interface, and the VPC address names the profile.
    let loaded = client.vpcs().get(net.id).await.unwrap();
    assert_eq!(loaded.subnets[0].linodes[0].id, linode);
    assert_eq!(loaded.subnets[0].linodes[0].interfaces[0].id, vpc_iface.id);
    let addresses = sandbox.table("vpc_ips");
    assert_eq!(addresses[0]["config_id"], json!(profile.id));

    // The profile shows them typed, in order; the order changes as asked.
    let listed = api.config_interfaces(profile).await.unwrap();
    let ids: Vec<u64> = listed.iter().map(|i| i.id).collect();
    assert_eq!(ids, [public.id, vlan.id, vpc_iface.id]);
    assert_eq!(listed[1].label.as_deref(), Some("backend"));
    assert_eq!(listed[1].ipam_address.as_deref(), Some("10.0.0.1/24"));
    let config = api.config(profile).await.unwrap();
    assert_eq!(config.interfaces, listed);
    api.order_config_interfaces(profile, &[vpc_iface.id, public.id, vlan.id])
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"ids": [vpc_iface.id, public.id, vlan.id]})
    );
    let purposes: Vec<InterfacePurpose> = api
        .config_interfaces(profile)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.purpose)
        .collect();
    assert_eq!(
        purposes,
        [
            InterfacePurpose::Vpc,
            InterfacePurpose::Public,
            InterfacePurpose::Vlan
        ]
    );

    // A change keeps the rules: the primary moves, ranges on the VPC one.
    let changed = api
        .update_config_interface(
            profile,
            vpc_iface.id,
            &ConfigInterfaceUpdate::new().ip_ranges(["10.0.1.128/28"]),
        )
        .await
        .unwrap();
    assert_eq!(changed.ip_ranges, ["10.0.1.128/28"]);
    let one = api.config_interface(profile, vpc_iface.id).await.unwrap();
    assert_eq!(one, changed);

    // Deleting the VPC interface releases its address.
    api.delete_config_interface(profile, vpc_iface.id)
        .await
        .unwrap();
    assert!(sandbox.table("vpc_ips").is_empty());
    let loaded = client.vpcs().get(net.id).await.unwrap();
    assert!(loaded.subnets[0].linodes.is_empty());
    let err = api
        .config_interface(profile, vpc_iface.id)
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 404);
}

#[tokio::test]
async fn profile_interface_rules_are_refused() {
    let (sandbox, client) = common::setup().await;
    let far = vpc(&client, "far-net", "eu-west").await;
    let (linode, profile) = linode_with_profile(&sandbox, &client, "web-2").await;
    let api = client.linode();
    api.add_config_interface(profile, &NewConfigInterface::public().primary(true))
        .await
        .unwrap();
    api.add_config_interface(profile, &NewConfigInterface::vlan("backend"))
        .await
        .unwrap();

    let cases = [
        (
            NewConfigInterface::public(),
            "purpose",
            "Only one public interface is allowed",
        ),
        (
            NewConfigInterface::vlan("backend"),
            "label",
            "This VLAN is already attached to the configuration profile",
        ),
        (
            NewConfigInterface::vlan("bad label!"),
            "label",
            "Must be 1-64 characters of letters, digits and dashes",
        ),
        (
            NewConfigInterface::vlan("other").ipam_address("10.0.0.1"),
            "ipam_address",
            "Must be an IPv4 address in CIDR notation",
        ),
        (
            NewConfigInterface::vpc(far.subnets[0].id),
            "subnet_id",
            "The Linode and the VPC must be in the same region",
        ),
        (NewConfigInterface::vpc(1), "subnet_id", "Subnet not found"),
    ];
    for (request, field, reason) in cases {
        let err = api
            .add_config_interface(profile, &request)
            .await
            .unwrap_err();
        assert_eq!(refusal(&err), (400, Some(field), reason), "{request:?}");
    }
    let ok = api
        .add_config_interface(profile, &NewConfigInterface::vlan("third"))
        .await
        .unwrap();
    let err = api
        .add_config_interface(profile, &NewConfigInterface::vlan("fourth"))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("interfaces"),
            "A configuration profile has at most 3 interfaces"
        )
    );
    let err = api
        .update_config_interface(profile, ok.id, &ConfigInterfaceUpdate::new().primary(true))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("primary"), "A VLAN interface cannot be primary")
    );
    let err = api
        .order_config_interfaces(profile, &[ok.id])
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("ids"));

    // Refused before any request.
    let sent = sandbox.requests().len();
    let err = api
        .add_config_interface(profile, &NewConfigInterface::vlan("x").primary(true))
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "primary");
    let four = ConfigUpdate::new()
        .interface(NewConfigInterface::public())
        .interface(NewConfigInterface::vlan("a"))
        .interface(NewConfigInterface::vlan("b"))
        .interface(NewConfigInterface::vlan("c"));
    let err = api.update_config(profile, &four).await.unwrap_err();
    assert_eq!(invalid(err).0, "interfaces");
    let err = api.order_config_interfaces(profile, &[]).await.unwrap_err();
    assert_eq!(invalid(err).0, "ids");
    assert_eq!(sandbox.requests().len(), sent);

    // In a profile's body, faults name the entry; the profile is left as it was.
    let (status, answer) = post_raw(
        &sandbox,
        &format!("/v4/linode/instances/{linode}/configs"),
        &json!({"label": "two-public", "devices": {},
            "interfaces": [{"purpose": "public"}, {"purpose": "public"}, {"purpose": "vlan"}]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["errors"],
        json!([
            {"field": "interfaces[2].label", "reason": "label is required for VLAN interfaces"},
            {"field": "interfaces[1].purpose", "reason": "Only one public interface is allowed"},
        ])
    );
    let (status, answer) = post_raw(
        &sandbox,
        &format!("/v4/linode/instances/{linode}/configs"),
        &json!({"label": "odd", "devices": {},
            "interfaces": [{"purpose": "tunnel"}, {"purpose": "public", "label": "x"}]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["errors"],
        json!([
            {"field": "interfaces[0].purpose", "reason": "purpose must be one of public, vlan, vpc"},
            {"field": "interfaces[1].label", "reason": "label is only for VLAN interfaces"},
        ])
    );
    assert_eq!(api.config_interfaces(profile).await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_profiles_interfaces_set_in_its_body_replace_the_old_and_release_subnets() {
    let (sandbox, client) = common::setup().await;
    let net = vpc(&client, "net-2", "us-east").await;
    let (_, profile) = linode_with_profile(&sandbox, &client, "web-3").await;
    let api = client.linode();
    let update = ConfigUpdate::new()
        .interface(NewConfigInterface::public())
        .interface(NewConfigInterface::vpc(net.subnets[0].id));
    let config = api.update_config(profile, &update).await.unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"interfaces": [{"purpose": "public"},
            {"purpose": "vpc", "subnet_id": net.subnets[0].id}]})
    );
    assert_eq!(config.interfaces.len(), 2);
    let vpc_iface = &config.interfaces[1];
    assert_eq!(
        vpc_iface.ipv4.as_ref().unwrap().vpc.as_deref(),
        Some("10.0.1.2")
    );
    assert_eq!(sandbox.table("vpc_ips").len(), 1);

    // The body's list replaces the old one: the VPC interface goes, and its address.
    let update = ConfigUpdate::new().interface(config.interfaces[0].to_new());
    let config = api.update_config(profile, &update).await.unwrap();
    assert_eq!(config.interfaces.len(), 1);
    assert_eq!(config.interfaces[0].purpose, InterfacePurpose::Public);
    assert!(sandbox.table("vpc_ips").is_empty());

    // Deleting the profile releases the subnet too.
    let update = ConfigUpdate::new().interface(NewConfigInterface::vpc(net.subnets[0].id));
    api.update_config(profile, &update).await.unwrap();
    assert_eq!(sandbox.table("vpc_ips").len(), 1);
    api.delete_config(profile).await.unwrap();
    assert!(sandbox.table("vpc_ips").is_empty());
    let loaded = client.vpcs().get(net.id).await.unwrap();
    assert!(loaded.subnets[0].linodes.is_empty());
}

#[tokio::test]
async fn linode_interfaces_with_firewalls_settings_and_history() {
    let (sandbox, client) = common::setup().await;
    let net = vpc(&client, "net-3", "us-east").await;
    let fw = firewall(&client, "iface-fw").await;
    let linode = linode_gen(
        &sandbox,
        &client,
        "gen-1",
        vec![
            NewLinodeInterface::public()
                .no_firewall()
                .default_route_ipv4(true)
                .default_route_ipv6(true),
        ],
    )
    .await;
    let instance = client.linode().instance(linode).await.unwrap();
    assert_eq!(
        instance.interface_generation,
        Some(InterfaceGeneration::Linode)
    );
    let api = client.linode();
    let listed = api.interfaces(linode).await.unwrap();
    assert_eq!(listed.len(), 1);
    let public = listed[0].clone();
    let address = public.public.as_ref().unwrap().ipv4.addresses[0].clone();
    assert_eq!(
        json!(address.address),
        sandbox.instance(linode).unwrap()["ipv4"][0]
    );
    assert!(address.primary);

    let made = api
        .create_interface(
            linode,
            &NewLinodeInterface::vpc(net.subnets[0].id)
                .vpc_address("10.0.1.30")
                .firewall(fw),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/linode/instances/{linode}/interfaces"),
            Some(
                json!({"firewall_id": fw, "vpc": {"subnet_id": net.subnets[0].id,
                "ipv4": {"addresses": [{"address": "10.0.1.30", "primary": true}]}}})
            )
        )
    );
    let vpc_part = made.vpc.clone().unwrap();
    assert_eq!(vpc_part.vpc_id, Some(net.id));
    assert_eq!(vpc_part.ipv4.addresses[0].address, "10.0.1.30");
    let loaded = client.vpcs().get(net.id).await.unwrap();
    assert_eq!(loaded.subnets[0].linodes[0].interfaces[0].id, made.id);

    // The firewall and the interface agree on each other.
    let id = ChildId::new(linode, made.id);
    let firewalls = api
        .interface_firewalls(id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(firewalls.len(), 1);
    assert_eq!(firewalls[0].id, fw);
    let devices = client
        .networking()
        .firewalls()
        .devices(fw)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].entity.kind, DeviceType::LinodeInterface);
    assert_eq!(devices[0].entity.id, made.id);
    assert_eq!(
        devices[0].entity.url,
        format!("/v4/linode/instances/{linode}/interfaces/{}", made.id)
    );
    assert_eq!(devices[0].entity.parent_entity.as_ref().unwrap().id, linode);

    let vlan = api
        .create_interface(
            linode,
            &NewLinodeInterface::vlan("backend").ipam_address("10.5.0.1/24"),
        )
        .await
        .unwrap();
    assert_eq!(vlan.vlan.as_ref().unwrap().vlan_label, "backend");
    assert!(
        api.interface_firewalls(ChildId::new(linode, vlan.id))
            .await
            .unwrap()
            .collect_all()
            .await
            .unwrap()
            .is_empty()
    );

    // Settings: the default routes and who may take them; moving the IPv4 one.
    let settings = api.interface_settings(linode).await.unwrap();
    assert!(settings.network_helper);
    assert_eq!(settings.default_route.ipv4_interface_id, Some(public.id));
    assert_eq!(settings.default_route.ipv6_interface_id, Some(public.id));
    assert_eq!(
        settings.default_route.ipv4_eligible_interface_ids,
        [public.id, made.id]
    );
    assert_eq!(
        settings.default_route.ipv6_eligible_interface_ids,
        [public.id]
    );
    let settings = api
        .update_interface_settings(
            linode,
            &InterfaceSettingsUpdate::new()
                .network_helper(false)
                .ipv4_route(made.id),
        )
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"network_helper": false, "default_route": {"ipv4_interface_id": made.id}})
    );
    assert!(!settings.network_helper);
    assert_eq!(settings.default_route.ipv4_interface_id, Some(made.id));
    assert_eq!(
        api.interface(ChildId::new(linode, public.id))
            .await
            .unwrap()
            .default_route
            .ipv4,
        Some(false)
    );

    // A change makes a version; the history has every one.
    let changed = api
        .update_interface(
            ChildId::new(linode, vlan.id),
            &LinodeInterfaceUpdate::new().ipam_address("backend", "10.5.0.2/24"),
        )
        .await
        .unwrap();
    assert_eq!(changed.version, 2);
    assert_eq!(
        changed.vlan.as_ref().unwrap().ipam_address.as_deref(),
        Some("10.5.0.2/24")
    );
    let history = api
        .interface_history(linode)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let versions: Vec<(u64, u64)> = history
        .iter()
        .map(|h| (h.interface_id, h.version))
        .collect();
    assert_eq!(
        versions,
        [(public.id, 1), (made.id, 1), (vlan.id, 1), (vlan.id, 2)]
    );
    assert_eq!(history[3].interface(), Some(changed.clone()));

    // Deleting releases the subnet and the firewall device.
    api.delete_interface(id).await.unwrap();
    assert!(sandbox.table("vpc_ips").is_empty());
    assert!(sandbox.firewall_devices().is_empty());
    assert_eq!(api.interfaces(linode).await.unwrap().len(), 2);
    assert_eq!(refusal(&api.interface(id).await.unwrap_err()).0, 404);
}

#[tokio::test]
async fn linode_interface_rules_are_refused() {
    let (sandbox, client) = common::setup().await;
    let net = vpc(&client, "net-4", "us-east").await;
    let far = vpc(&client, "far-4", "eu-west").await;
    let linode = linode_gen(
        &sandbox,
        &client,
        "gen-2",
        vec![NewLinodeInterface::public().no_firewall()],
    )
    .await;
    let api = client.linode();
    api.create_interface(linode, &NewLinodeInterface::vlan("backend"))
        .await
        .unwrap();
    let cases = [
        (
            NewLinodeInterface::public().no_firewall(),
            "public",
            "A Linode has only one public interface",
        ),
        (
            NewLinodeInterface::vlan("backend"),
            "vlan.vlan_label",
            "This Linode already has an interface on this VLAN",
        ),
        (
            NewLinodeInterface::vpc(net.subnets[0].id).firewall(99),
            "firewall_id",
            "Firewall 99 not found",
        ),
        (
            NewLinodeInterface::vpc(net.subnets[0].id).default_route_ipv6(true),
            "default_route.ipv6",
            "A vpc interface cannot be the ipv6 default route",
        ),
        (
            NewLinodeInterface::vpc(far.subnets[0].id),
            "vpc.subnet_id",
            "The Linode and the VPC must be in the same region",
        ),
        (
            NewLinodeInterface::public().public_ipv6_range("/48"),
            "public.ipv6.ranges[0].range",
            "Must be a /64 or /56 IPv6 range or prefix",
        ),
    ];
    for (request, field, reason) in cases {
        let err = api.create_interface(linode, &request).await.unwrap_err();
        let (status, got_field, got_reason) = refusal(&err);
        assert_eq!(status, 400, "{request:?}");
        assert!(
            (got_field, got_reason) == (Some(field), reason)
                || matches!(&err, Error::Api { errors, .. }
                    if errors.iter().any(|e| e.field.as_deref() == Some(field) && e.reason == reason)),
            "{request:?}: {err:?}"
        );
    }
    api.create_interface(linode, &NewLinodeInterface::vlan("other"))
        .await
        .unwrap();
    let err = api
        .create_interface(linode, &NewLinodeInterface::vlan("fourth"))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("vlan"), "A Linode has at most 3 interfaces")
    );
    let (status, answer) = post_raw(
        &sandbox,
        &format!("/v4/linode/instances/{linode}/interfaces"),
        &json!({"public": {}, "vlan": {"vlan_label": "x"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(answer["errors"][0]["field"], "public");

    // Refused before any request: a VLAN interface takes no firewall.
    let sent = sandbox.requests().len();
    let err = api
        .create_interface(linode, &NewLinodeInterface::vlan("x").firewall(1))
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "firewall_id");
    assert_eq!(sandbox.requests().len(), sent);

    // Only while the Linode is off, and only on the `linode` generation.
    let running = linode_with_profile(&sandbox, &client, "legacy-1").await.0;
    let err = api
        .create_interface(running, &NewLinodeInterface::public())
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, None, "This Linode uses legacy_config interfaces")
    );
    let booted = create_linode(
        &client,
        debian_nanode("us-east")
            .label("gen-run")
            .linode_interfaces([NewLinodeInterface::public().no_firewall()]),
    )
    .await;
    sandbox.settle();
    assert_eq!(sandbox.instance(booted.id).unwrap()["status"], "running");
    let err = api
        .create_interface(booted.id, &NewLinodeInterface::vpc(net.subnets[0].id))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            "The Linode must be powered off to change its interfaces"
        )
    );

    // A create with interfaces names the faulty entry and makes nothing.
    let before = sandbox.table("linode_interfaces").len();
    let err = client
        .linode()
        .create_instance(
            CreateInstance::empty("us-east", "g6-nanode-1")
                .label("gen-bad")
                .linode_interfaces([
                    NewLinodeInterface::public().no_firewall(),
                    NewLinodeInterface::vpc(1),
                ]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("interfaces[1].vpc.subnet_id"), "Subnet not found")
    );
    assert_eq!(sandbox.table("linode_interfaces").len(), before);
    assert_eq!(
        common::last_body(&sandbox)["interface_generation"],
        "linode"
    );
}

#[tokio::test]
async fn an_upgrade_dry_run_changes_nothing_and_the_upgrade_switches_generation() {
    let (sandbox, client) = common::setup().await;
    let net = vpc(&client, "net-5", "us-east").await;
    let (linode, profile) = linode_with_profile(&sandbox, &client, "up-1").await;
    let api = client.linode();
    let update = ConfigUpdate::new()
        .interface(NewConfigInterface::public())
        .interface(NewConfigInterface::vpc(net.subnets[0].id).vpc_address("10.0.1.40"))
        .interface(NewConfigInterface::vlan("backend").ipam_address("10.9.0.1/24"));
    api.update_config(profile, &update).await.unwrap();

    let preview = api
        .upgrade_interfaces(
            linode,
            &UpgradeInterfaces::new().config(profile.id).dry_run(true),
        )
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"config_id": profile.id, "dry_run": true})
    );
    assert!(preview.dry_run);
    assert_eq!(preview.config_id, Some(profile.id));
    assert_eq!(preview.interfaces.len(), 3);
    assert!(preview.interfaces[0].public.is_some());
    assert_eq!(preview.interfaces[0].default_route.ipv4, Some(true));
    assert_eq!(
        preview.interfaces[1].vpc.as_ref().unwrap().ipv4.addresses[0].address,
        "10.0.1.40"
    );
    assert_eq!(
        preview.interfaces[2].vlan.as_ref().unwrap().vlan_label,
        "backend"
    );
    // Nothing changed.
    assert_eq!(
        api.instance(linode).await.unwrap().interface_generation,
        Some(InterfaceGeneration::LegacyConfig)
    );
    assert_eq!(api.config_interfaces(profile).await.unwrap().len(), 3);
    assert!(sandbox.table("linode_interfaces").is_empty());
    let err = api.interfaces(linode).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, None, "This Linode uses legacy_config interfaces")
    );

    let done = api
        .upgrade_interfaces(linode, &UpgradeInterfaces::new())
        .await
        .unwrap();
    assert!(!done.dry_run);
    assert_eq!(
        api.instance(linode).await.unwrap().interface_generation,
        Some(InterfaceGeneration::Linode)
    );
    let listed = api.interfaces(linode).await.unwrap();
    assert_eq!(listed, done.interfaces);
    assert_eq!(
        listed[1].vpc.as_ref().unwrap().ipv4.addresses[0].address,
        "10.0.1.40"
    );
    assert!(api.config(profile).await.unwrap().interfaces.is_empty());
    let loaded = client.vpcs().get(net.id).await.unwrap();
    assert_eq!(loaded.subnets[0].linodes[0].interfaces[0].id, listed[1].id);
    assert_eq!(
        api.interface_history(linode)
            .await
            .unwrap()
            .collect_all()
            .await
            .unwrap()
            .len(),
        3
    );

    // Once upgraded, the profile interfaces and a second upgrade are refused.
    let err = api
        .upgrade_interfaces(linode, &UpgradeInterfaces::new())
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, None, "This Linode uses linode interfaces")
    );
    let err = api
        .add_config_interface(profile, &NewConfigInterface::public())
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, None, "This Linode uses linode interfaces")
    );
}

#[tokio::test]
async fn a_legacy_linode_is_created_with_profile_interfaces_in_one_request() {
    let (sandbox, client) = common::setup().await;
    let net = vpc(&client, "net-6", "us-east").await;
    let far = vpc(&client, "far-6", "eu-west").await;
    let body = |subnet: u64| {
        json!({"region": "us-east", "type": "g6-nanode-1", "image": "linode/debian12",
            "root_pass": "aComplex-Passw0rd!", "label": "legacy-new",
            "interfaces": [{"purpose": "public"}, {"purpose": "vpc", "subnet_id": subnet}]})
    };
    let (status, answer) =
        post_raw(&sandbox, "/v4/linode/instances", &body(far.subnets[0].id)).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["errors"],
        json!([{"field": "interfaces[1].subnet_id",
            "reason": "The Linode and the VPC must be in the same region"}])
    );
    assert!(sandbox.table("vpc_ips").is_empty());

    let (status, answer) =
        post_raw(&sandbox, "/v4/linode/instances", &body(net.subnets[0].id)).await;
    assert_eq!(status, 200, "{answer}");
    let linode = answer["id"].as_u64().unwrap();
    assert_eq!(answer["interface_generation"], "legacy_config");
    let config = client
        .linode()
        .configs(linode)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let purposes: Vec<InterfacePurpose> = config[0]
        .interfaces
        .iter()
        .map(|i| i.purpose.clone())
        .collect();
    assert_eq!(purposes, [InterfacePurpose::Public, InterfacePurpose::Vpc]);
    let loaded = client.vpcs().get(net.id).await.unwrap();
    assert_eq!(loaded.subnets[0].linodes[0].id, linode);
}
