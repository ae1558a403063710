//! The shapes the live API sends today: each case decodes the JSON quoted from a real answer
//! (or shaped exactly like one), and the sandbox is checked to send the same keys.

use crate::common;

use linode::api::account::{AccountSettings, InterfacesForNewLinodes, OAuthClient};
use linode::api::domains::{CreateDomain, Domain};
use linode::api::images::Image;
use linode::api::linode::{
    Config, CreateInstance, InstanceIps, InstanceStatus, InterfaceGeneration, Kernel, LinodeType,
    StackScript, TypeClass, UserDefinedField,
};
use linode::api::longview::LongviewClient;
use linode::api::networking::IpAddress;
use linode::api::nodebalancers::{
    CreateNodeBalancer, FrontendAddressType, NodeBalancer, NodeBalancerConfig, NodeBalancerNode,
    NodeBalancerType,
};
use linode::api::profile::{Profile, UserType};
use linode::api::regions::{Region, SiteType};
use linode::api::volumes::{CreateVolume, Volume};
use linode::events::{Event, EventStatus, TimeRemaining};
use linode::{Encryption, ExposeSecret, LockType, MaintenancePolicy, Path, Request};
use linode_sandbox::Sandbox;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Every item of a list, all pages loaded.
async fn all<T: DeserializeOwned + Send + 'static>(list: linode::ListRequest<T>) -> Vec<T> {
    list.send().await.unwrap().collect_all().await.unwrap()
}

fn decode<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("decodes: {e}"))
}

/// A finished `linode_create` event as the live API sends it: `time_remaining` is the
/// integer 0.
fn finished_create_event() -> Value {
    json!({
        "id": 1_048_394_762u64,
        "created": "2025-06-02T14:11:08",
        "seen": true,
        "read": true,
        "percent_complete": 100,
        "time_remaining": 0,
        "rate": null,
        "duration": 62.0,
        "action": "linode_create",
        "username": "example-user",
        "entity": {"label": "web-1", "id": 71_234_567, "type": "linode",
                   "url": "/v4/linode/instances/71234567"},
        "status": "finished",
        "secondary_entity": {"id": "linode/debian12", "type": "image",
                             "label": "Debian 12", "url": "/v4/images/linode/debian12"},
        "message": "",
        "details": null
    })
}

#[test]
fn event_time_remaining_is_a_string_null_or_the_integer_zero() {
    let finished: Event = decode(finished_create_event());
    assert_eq!(finished.status, EventStatus::Finished);
    assert_eq!(
        finished.time_remaining,
        Some(TimeRemaining::Seconds(0.into()))
    );
    assert_eq!(finished.message.as_deref(), Some(""));

    let mut migrating = finished_create_event();
    migrating["action"] = json!("linode_migrate_datacenter");
    migrating["status"] = json!("started");
    migrating["time_remaining"] = json!("0:0:20");
    migrating["rate"] = json!("46.2 MB/s");
    migrating["details"] = json!("Migration in progress");
    let migrating: Event = decode(migrating);
    assert_eq!(
        migrating.time_remaining,
        Some(TimeRemaining::Text("0:0:20".into()))
    );
    assert_eq!(migrating.rate.as_deref(), Some("46.2 MB/s"));
    assert_eq!(migrating.details, Some(json!("Migration in progress")));

    let mut scheduled = finished_create_event();
    scheduled["time_remaining"] = Value::Null;
    assert_eq!(decode::<Event>(scheduled).time_remaining, None);

    // One such event no longer fails the whole page.
    let page = json!([finished_create_event(), {
        "id": 1_048_394_763u64, "created": "2025-06-02T14:12:00", "action": "linode_boot",
        "status": "started", "time_remaining": "0:1:05", "entity": null,
        "secondary_entity": null, "message": null
    }]);
    assert_eq!(decode::<Vec<Event>>(page).len(), 2);
}

#[tokio::test]
async fn events_through_the_sandbox_carry_message_and_details() {
    let (sandbox, client) = common::setup().await;
    common::create_linode(&client, common::debian_nanode("us-east")).await;
    let raw = sandbox.events();
    let create = raw.iter().find(|e| e["action"] == "linode_create").unwrap();
    assert_eq!(create["message"], "");
    assert_eq!(create.get("details"), Some(&Value::Null));
    assert_eq!(create.get("rate"), Some(&Value::Null));
    let events = all(client.account().events()).await;
    assert!(events.iter().any(|e| e.action == "linode_create"));
}

#[test]
fn longview_create_answers_integer_apps_and_reads_answer_booleans() {
    let created: LongviewClient = decode(json!({
        "id": 789, "label": "client789", "api_key": "BD1B4B54-D752-A76D-5A9BD8A17F39DB61",
        "install_code": "BD1B5605-BF5E-D385-BA07AD518BE7F321",
        "apps": {"apache": 0, "nginx": 0, "mysql": 0},
        "created": "2025-06-02T14:11:08", "updated": "2025-06-02T14:11:08"
    }));
    assert!(!created.apps.apache && !created.apps.nginx && !created.apps.mysql);
    let read: LongviewClient = decode(json!({
        "id": 789, "label": "client789", "api_key": "BD1B4B54-D752-A76D-5A9BD8A17F39DB61",
        "install_code": "BD1B5605-BF5E-D385-BA07AD518BE7F321",
        "apps": {"apache": true, "nginx": false, "mysql": 1},
        "created": "2025-06-02T14:11:08", "updated": "2025-06-02T14:11:08"
    }));
    assert!(read.apps.apache && !read.apps.nginx && read.apps.mysql);
}

#[tokio::test]
async fn longview_create_through_the_sandbox_decodes_its_integer_apps() {
    let (sandbox, client) = common::setup().await;
    let created = client
        .longview()
        .create_client(Some("db-monitor"))
        .await
        .unwrap();
    assert_eq!(created.label, "db-monitor");
    assert!(!created.apps.apache);
    let (status, raw) = common::post_raw(&sandbox, "/v4/longview/clients", &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(raw["apps"], json!({"apache": 0, "nginx": 0, "mysql": 0}));
    let kept = sandbox.with_account(|a| a.longview_clients.get(created.id).cloned().unwrap());
    assert_eq!(kept["apps"]["apache"], false);
}

#[test]
fn stackscript_fields_read_oneof_and_manyof_in_lower_case() {
    let script: StackScript = decode(json!({
        "id": 401_697, "username": "linode", "user_gravatar_id": "9d4d301385af69ceb7ad658aad09c142",
        "label": "WordPress One-Click", "description": "WordPress", "ordinal": 3,
        "logo_url": "assets/wordpress.svg", "images": ["linode/ubuntu22.04"],
        "deployments_total": 91832, "deployments_active": 9183, "is_public": true, "mine": false,
        "created": "2019-03-08T21:13:32", "updated": "2023-08-22T16:41:48", "rev_note": "",
        "script": "#!/bin/bash", "user_defined_fields": [
            {"name": "webserver_stack", "label": "Web stack", "oneof": "LAMP,LEMP", "default": "LAMP"},
            {"name": "modules", "label": "Modules", "manyof": "ssl,cache,mail", "default": "ssl"},
            {"name": "soa_email_address", "label": "Admin email", "example": "admin@example.com",
             "required": true, "header": "Required settings"}
        ]
    }));
    let fields: &[UserDefinedField] = &script.user_defined_fields;
    assert_eq!(fields[0].one_of.as_deref(), Some("LAMP,LEMP"));
    assert_eq!(fields[1].many_of.as_deref(), Some("ssl,cache,mail"));
    assert_eq!(fields[2].required, Some(true));
    assert_eq!(fields[2].header.as_deref(), Some("Required settings"));
    assert!(fields[2].is_required() && !fields[0].is_required());
    assert_eq!(
        (
            script.logo_url.as_str(),
            script.ordinal,
            script.user_gravatar_id.as_str()
        ),
        (
            "assets/wordpress.svg",
            3,
            "9d4d301385af69ceb7ad658aad09c142"
        )
    );
    // Written back as the API spells them.
    let back = serde_json::to_value(&fields[0]).unwrap();
    assert_eq!(back["oneof"], "LAMP,LEMP");
    // The spec's camel case still decodes.
    let camel: UserDefinedField = decode(json!({"name": "a", "label": "A", "oneOf": "x,y"}));
    assert_eq!(camel.one_of.as_deref(), Some("x,y"));
}

#[tokio::test]
async fn sandbox_stackscripts_answer_oneof_in_lower_case() {
    let (sandbox, client) = common::setup().await;
    let public = client.linode().stackscript(10079).await.unwrap();
    assert_eq!(
        public.user_defined_fields[1].one_of.as_deref(),
        Some("bash,zsh")
    );
    let raw = sandbox.stackscript(10079).unwrap();
    assert_eq!(raw["user_defined_fields"][1]["oneof"], "bash,zsh");
    assert!(raw["user_defined_fields"][1].get("oneOf").is_none());
}

/// An instance as the live API sends it today.
fn live_instance() -> Value {
    json!({
        "id": 71_234_567, "label": "web-1", "group": "", "status": "running",
        "created": "2025-06-02T14:11:08", "updated": "2025-06-02T14:12:10",
        "type": "g6-standard-2", "ipv4": ["172.105.1.2"], "ipv6": "2600:3c03::f03c:95ff:fe12:3456/128",
        "image": "linode/debian12", "region": "us-ord", "site_type": "core",
        "specs": {"disk": 81920, "memory": 4096, "vcpus": 2, "gpus": 0, "transfer": 4000,
                  "accelerated_devices": 0},
        "alerts": {"cpu": 180, "network_in": 10, "network_out": 10, "transfer_quota": 80,
                   "io": 10000, "system_alerts": [], "user_alerts": []},
        "backups": {"enabled": false, "available": false,
                    "schedule": {"day": null, "window": null}, "last_successful": null},
        "hypervisor": "kvm", "watchdog_enabled": true, "tags": [],
        "host_uuid": "3f2d7e3c8c1b4a7e9a3e6f2b1c0d9e8f7a6b5c4d",
        "has_user_data": false,
        "placement_group": {"id": 528, "label": "pg-web", "placement_group_type": "anti_affinity:local",
                            "placement_group_policy": "strict", "migrating_to": null},
        "disk_encryption": "enabled", "lke_cluster_id": null,
        "capabilities": ["Block Storage Encryption", "SMTP Enabled"],
        "interface_generation": "legacy_config",
        "locks": ["cannot_delete"],
        "maintenance_policy": "linode/migrate"
    })
}

#[test]
fn instance_fields_the_live_api_sends_are_kept() {
    let instance: linode::api::linode::Instance = decode(live_instance());
    assert_eq!(
        instance.capabilities,
        ["Block Storage Encryption", "SMTP Enabled"]
    );
    assert_eq!(instance.disk_encryption, Some(Encryption::Enabled));
    assert_eq!(
        instance.interface_generation,
        Some(InterfaceGeneration::LegacyConfig)
    );
    assert_eq!(instance.lke_cluster_id, None);
    assert_eq!(instance.locks, [LockType::CannotDelete]);
    assert_eq!(
        instance.maintenance_policy,
        Some(MaintenancePolicy::Migrate)
    );
    let group = instance.placement_group.as_ref().unwrap();
    assert_eq!((group.id, group.label.as_str()), (528, "pg-web"));
    assert_eq!(
        group.placement_group_type,
        Some(linode::api::placement::PlacementGroupType::AntiAffinityLocal)
    );
    assert_eq!(instance.site_type, Some(SiteType::Core));
    assert_eq!(instance.specs.accelerated_devices, 0);
    assert!(instance.alerts.system_alerts.is_empty());

    let mut later = live_instance();
    later["interface_generation"] = json!("linode");
    later["maintenance_policy"] = json!("linode/power_off_on");
    later["lke_cluster_id"] = json!(4321);
    later["locks"] = json!(["cannot_delete_with_subresources", "some_new_lock"]);
    later["alerts"]["system_alerts"] = json!([10001, 10002]);
    let later: linode::api::linode::Instance = decode(later);
    assert_eq!(
        later.interface_generation,
        Some(InterfaceGeneration::Linode)
    );
    assert_eq!(
        later.maintenance_policy,
        Some(MaintenancePolicy::PowerOffOn)
    );
    assert_eq!(later.lke_cluster_id, Some(4321));
    assert_eq!(
        later.locks,
        [
            LockType::CannotDeleteWithSubresources,
            LockType::Unknown("some_new_lock".into())
        ]
    );
    assert_eq!(later.alerts.system_alerts, [10001, 10002]);
}

#[tokio::test]
async fn the_sandbox_sends_every_key_of_a_live_instance() {
    let (sandbox, client) = common::setup().await;
    let created = common::create_linode(&client, common::debian_nanode("us-ord")).await;
    let raw = sandbox.instance(created.id).unwrap();
    let mut missing: Vec<String> = Vec::new();
    for (key, value) in live_instance().as_object().unwrap() {
        match raw.get(key) {
            None => missing.push(key.clone()),
            Some(sent) => {
                if let (Some(live), Some(sent)) = (value.as_object(), sent.as_object()) {
                    missing.extend(
                        live.keys()
                            .filter(|k| !sent.contains_key(*k))
                            .map(|k| format!("{key}.{k}")),
                    );
                }
            }
        }
    }
    assert!(missing.is_empty(), "keys the sandbox lacks: {missing:?}");
    // Capabilities follow from what the instance has in its region, never always empty.
    assert_eq!(
        created.capabilities,
        ["Block Storage Encryption", "Maintenance Policy"]
    );
    assert_eq!(created.disk_encryption, Some(Encryption::Enabled));
    assert_eq!(created.locks, []);
    assert_eq!(created.site_type, Some(SiteType::Core));
    assert_eq!(created.maintenance_policy, Some(MaintenancePolicy::Migrate));

    // They follow the instance to a region that offers less.
    client
        .linode()
        .migrate(created.id, "ca-central")
        .await
        .unwrap();
    let moved = client.linode().instance(created.id).await.unwrap();
    assert_eq!(moved.region.id(), "ca-central");
    assert_eq!(moved.capabilities, ["Maintenance Policy"]);
}

#[tokio::test]
async fn disk_encryption_is_honoured_and_reported() {
    let (sandbox, client) = common::setup().await;
    let plain = common::create_linode(
        &client,
        common::debian_nanode("us-east").disk_encryption(Encryption::Disabled),
    )
    .await;
    assert_eq!(common::last_body(&sandbox)["disk_encryption"], "disabled");
    assert_eq!(plain.disk_encryption, Some(Encryption::Disabled));
    let disks = all(client.linode().disks(plain.id)).await;
    assert_eq!(disks.len(), 2);
    assert!(
        disks
            .iter()
            .all(|d| d.disk_encryption == Some(Encryption::Disabled))
    );
    assert!(
        sandbox
            .disks(plain.id)
            .iter()
            .all(|d| d["disk_encryption"] == "disabled")
    );

    let encrypted = common::create_linode(
        &client,
        common::debian_nanode("us-east").disk_encryption(Encryption::Enabled),
    )
    .await;
    assert_eq!(encrypted.disk_encryption, Some(Encryption::Enabled));
    assert!(
        sandbox
            .disks(encrypted.id)
            .iter()
            .all(|d| d["disk_encryption"] == "enabled")
    );

    assert_create_refused(
        &sandbox,
        json!({"region": "us-east", "type": "g6-nanode-1", "disk_encryption": "sometimes"}),
        "disk_encryption",
        "Must be enabled or disabled",
    )
    .await;
}

/// POSTs `body` as a new instance and checks that the sandbox answers exactly one error.
async fn assert_create_refused(sandbox: &Sandbox, body: Value, field: &str, reason: &str) {
    let (status, answer) = common::post_raw(sandbox, "/v4/linode/instances", &body).await;
    assert_eq!(
        (status, answer),
        (400, json!({"errors": [{"field": field, "reason": reason}]})),
        "{body}"
    );
}

#[tokio::test]
async fn an_image_deployed_with_ssh_keys_needs_no_root_password() {
    let (sandbox, client) = common::setup().await;
    let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f me@laptop";
    let new = client
        .linode()
        .create_instance(common::debian_nanode("us-east").authorized_keys([key]))
        .await
        .unwrap();
    assert!(new.root_pass.is_none(), "no password generated needlessly");
    let body = common::last_body(&sandbox);
    assert!(body.get("root_pass").is_none(), "{body}");
    assert_eq!(body["authorized_keys"], json!([key]));
    assert_eq!(new.instance.status, InstanceStatus::Running);

    let by_user = client
        .linode()
        .create_instance(common::debian_nanode("us-east").authorized_users(["sandbox-user"]))
        .await
        .unwrap();
    assert!(by_user.root_pass.is_none());
    assert_eq!(
        common::last_body(&sandbox)["authorized_users"],
        json!(["sandbox-user"])
    );

    // With nothing else giving access, a password is still generated and sent.
    let bare = client
        .linode()
        .create_instance(common::debian_nanode("us-east"))
        .await
        .unwrap();
    let password = bare.root_pass.unwrap();
    assert_eq!(
        common::last_body(&sandbox)["root_pass"],
        password.expose_secret()
    );

    // The sandbox refuses an image with no way in.
    assert_create_refused(
        &sandbox,
        json!({"region": "us-east", "type": "g6-nanode-1", "image": "linode/debian12",
                "authorized_keys": []}),
        "root_pass",
        "root_pass is required",
    )
    .await;
}

#[tokio::test]
async fn an_unknown_plan_and_region_are_refused_plan_first_in_the_api_s_words() {
    let (sandbox, client) = common::setup().await;
    let err = client
        .linode()
        .create_instance(CreateInstance::from_image(
            "mars-1",
            "g0-huge",
            "linode/debian12",
        ))
        .await
        .unwrap_err();
    let reasons: Vec<(Option<&str>, &str)> = err
        .field_errors()
        .iter()
        .map(|e| (e.field.as_deref(), e.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (Some("type"), "A valid plan type by that ID was not found"),
            (Some("region"), "region is not valid"),
        ]
    );
    assert_eq!(sandbox.instance_count(), 0);

    // A 405 says `Method Not Allowed`, capital A.
    let err = client
        .send::<Value>(Request::put(Path::new("/regions"), &json!({})).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(405));
    assert_eq!(err.field_errors()[0].reason, "Method Not Allowed");
}

#[test]
fn instance_ips_keep_vpc_reserved_and_assigned_entity() {
    let ips: InstanceIps = decode(json!({
        "ipv4": {
            "public": [{"address": "172.105.1.2", "gateway": "172.105.1.1", "subnet_mask": "255.255.255.0",
                        "prefix": 24, "type": "ipv4", "public": true, "rdns": "172-105-1-2.ip.linodeusercontent.com",
                        "linode_id": 71_234_567, "interface_id": null, "region": "us-ord",
                        "vpc_nat_1_1": null, "reserved": true, "tags": ["keep"],
                        "assigned_entity": {"id": 71_234_567, "label": "web-1", "type": "linode",
                                            "url": "/v4/linode/instances/71234567"}}],
            "private": [], "shared": [], "reserved": [],
            "vpc": [{"address": "10.0.0.2", "address_range": null, "vpc_id": 123, "subnet_id": 456,
                     "region": "us-ord", "linode_id": 71_234_567, "config_id": 789,
                     "interface_id": 1011, "active": true, "nat_1_1": "172.105.1.2",
                     "gateway": "10.0.0.1", "prefix": 24, "subnet_mask": "255.255.255.0"}]
        },
        "ipv6": {
            "slaac": null, "link_local": null, "global": [],
            "vpc": [{"ipv6_range": "2600:3c11:e000:1::/64", "ipv6_is_public": false,
                     "ipv6_addresses": [{"slaac_address": "2600:3c11:e000:1::2"}],
                     "vpc_id": 123, "subnet_id": 456, "region": "us-ord", "linode_id": 71_234_567,
                     "config_id": null, "interface_id": 1011, "active": true}]
        }
    }));
    let public = &ips.ipv4.public[0];
    assert!(public.reserved);
    assert_eq!(public.tags, ["keep"]);
    let owner = public.assigned_entity.as_ref().unwrap();
    assert_eq!(
        (owner.id.to_string(), owner.kind.as_str()),
        ("71234567".to_owned(), "linode")
    );
    let vpc = &ips.ipv4.vpc[0];
    assert_eq!(
        (vpc.address.as_deref(), vpc.vpc_id, vpc.nat_1_1.as_deref()),
        (Some("10.0.0.2"), Some(123), Some("172.105.1.2"))
    );
    assert!(vpc.active);
    assert_eq!(
        ips.ipv6.vpc[0].ipv6_range.as_deref(),
        Some("2600:3c11:e000:1::/64")
    );
}

#[tokio::test]
async fn the_sandbox_sends_ip_ownership_and_vpc_lists() {
    let (sandbox, client) = common::setup().await;
    let linode = common::create_linode(&client, common::debian_nanode("us-east")).await;
    let ips = client.linode().ips(linode.id).await.unwrap();
    let public = &ips.ipv4.public[0];
    assert!(!public.reserved);
    assert_eq!(
        public.assigned_entity.as_ref().unwrap().id.to_string(),
        linode.id.to_string()
    );
    let raw: Value = client
        .send(Request::get(Path::new(&format!(
            "/linode/instances/{}/ips",
            linode.id
        ))))
        .await
        .unwrap();
    assert_eq!(raw["ipv4"]["vpc"], json!([]));
    assert_eq!(raw["ipv6"]["vpc"], json!([]));
    assert_eq!(raw["ipv6"]["slaac"]["tags"], json!([]));
    let listed: IpAddress = client.networking().ip(&public.address).await.unwrap();
    assert_eq!(listed.assigned_entity, public.assigned_entity);
    assert_eq!(
        sandbox.instance(linode.id).unwrap()["ipv4"][0],
        public.address
    );
}

#[test]
fn image_nodebalancer_volume_domain_and_config_fields_are_kept() {
    let image: Image = decode(json!({
        "id": "private/15", "label": "golden", "description": "", "created": "2025-01-02T03:04:05",
        "updated": "2025-01-02T03:09:05", "created_by": "example-user", "deprecated": false,
        "is_public": false, "is_shared": false, "size": 2500, "total_size": 5000, "type": "manual",
        "vendor": null, "status": "available", "expiry": null, "eol": null,
        "capabilities": ["cloud-init"], "tags": [],
        "regions": [{"region": "us-east", "status": "available"},
                    {"region": "us-ord", "status": "replicating"}],
        "image_sharing": {"shared_with": null, "shared_by": null}
    }));
    assert_eq!(image.total_size, 5000);
    assert_eq!(image.regions[1].region, "us-ord");
    assert_eq!(
        image.regions[1].status,
        Some(linode::api::images::ImageRegionStatus::Replicating)
    );
    assert!(image.updated.is_some());
    assert_eq!(
        image.is_shared,
        Some(linode::api::images::IsShared::Flag(false))
    );
    assert_eq!(image.description.as_deref(), Some(""));
    assert!(image.image_sharing.is_some());

    let nb: NodeBalancer = decode(json!({
        "id": 12345, "label": "balancer12345", "region": "us-east", "hostname": "192-0-2-1.ip.linodeusercontent.com",
        "ipv4": "192.0.2.1", "ipv6": "2600:3c03::f03c:91ff:fe24:1", "created": "2025-01-02T03:04:05",
        "updated": "2025-01-02T03:04:05", "client_conn_throttle": 0, "client_udp_sess_throttle": 5,
        "transfer": {"total": 1.5, "out": 0.5, "in": 1.0}, "tags": [], "type": "premium",
        "frontend_address_type": "vpc", "frontend_vpc_subnet_id": 77, "locks": ["cannot_delete"],
        "lke_cluster": {"id": 11, "label": "prod", "type": "lkecluster", "url": "/v4/lke/clusters/11"}
    }));
    assert_eq!(nb.client_udp_sess_throttle, 5);
    assert_eq!(nb.kind, Some(NodeBalancerType::Premium));
    assert_eq!(nb.frontend_address_type, Some(FrontendAddressType::Vpc));
    assert_eq!(nb.frontend_vpc_subnet_id, Some(77));
    assert_eq!(nb.locks, [LockType::CannotDelete]);
    assert_eq!(
        nb.lke_cluster.as_ref().unwrap().label.as_deref(),
        Some("prod")
    );

    let config: NodeBalancerConfig = decode(json!({
        "id": 4567, "nodebalancer_id": 12345, "port": 53, "protocol": "udp", "algorithm": "ring_hash",
        "stickiness": "session", "check": "none", "check_interval": 0, "check_timeout": 30,
        "check_attempts": 3, "check_path": "", "check_body": "", "check_passive": true,
        "proxy_protocol": "none", "cipher_suite": "none", "ssl_commonname": "", "ssl_fingerprint": "",
        "ssl_cert": null, "ssl_key": null, "nodes_status": {"up": 1, "down": 0},
        "udp_check_port": 80, "udp_session_timeout": 16
    }));
    assert_eq!(
        (config.udp_check_port, config.udp_session_timeout),
        (Some(80), Some(16))
    );
    let node: NodeBalancerNode = decode(json!({
        "id": 54321, "address": "192.168.210.120:53", "label": "dns-1", "status": "UP", "weight": 50,
        "mode": "accept", "config_id": 4567, "nodebalancer_id": 12345, "vpc_config_id": 99
    }));
    assert_eq!(node.vpc_config_id, Some(99));

    let volume: Volume = decode(json!({
        "id": 12345, "label": "data", "filesystem_path": "/dev/disk/by-id/scsi-0Linode_Volume_data",
        "status": "active", "size": 30, "region": "us-ord", "linode_id": null, "linode_label": null,
        "created": "2025-01-02T03:04:05", "updated": "2025-01-02T03:04:05", "tags": [],
        "hardware_type": "nvme", "encryption": "enabled", "io_ready": true, "locks": []
    }));
    assert_eq!(volume.encryption, Some(Encryption::Enabled));
    assert!(volume.io_ready);

    let domain: Domain = decode(json!({
        "id": 1234, "type": "master", "domain": "example.org", "group": "", "status": "active",
        "description": "", "soa_email": "admin@example.org", "retry_sec": 0, "master_ips": [],
        "axfr_ips": [], "expire_sec": 0, "refresh_sec": 0, "ttl_sec": 0, "tags": [],
        "created": "2025-01-02T03:04:05", "updated": "2025-01-03T03:04:05", "errors": []
    }));
    assert!(domain.created.is_some() && domain.updated > domain.created);
    assert_eq!(domain.errors, Some(json!([])));

    let profile: Config = decode(json!({
        "id": 23456, "label": "My Debian 12 Profile", "kernel": "linode/grub2", "comments": "",
        "memory_limit": 0, "run_level": "default", "virt_mode": "paravirt", "root_device": "/dev/sda",
        "devices": {"sda": {"disk_id": 1, "volume_id": null}}, "initrd": null,
        "helpers": {"updatedb_disabled": true, "distro": true, "modules_dep": true, "network": true,
                    "devtmpfs_automount": true},
        "interfaces": [], "created": "2025-01-02T03:04:05", "updated": "2025-01-02T03:04:05"
    }));
    assert!(profile.created.is_some() && profile.initrd.is_none());
}

#[tokio::test]
async fn the_sandbox_sends_the_new_keys_of_images_nodebalancers_volumes_and_domains() {
    let (sandbox, client) = common::setup().await;
    let image = client.images().get("linode/debian12").await.unwrap();
    assert_eq!(image.description.as_deref(), Some(""));
    assert_eq!(image.total_size, image.size);

    let nb = client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("us-east"))
        .await
        .unwrap();
    let raw = sandbox.nodebalancer(nb.id).unwrap();
    for key in [
        "client_udp_sess_throttle",
        "frontend_address_type",
        "frontend_vpc_subnet_id",
        "lke_cluster",
        "locks",
        "type",
    ] {
        assert!(raw.get(key).is_some(), "NodeBalancer lacks {key}");
    }
    assert_eq!(nb.kind, Some(NodeBalancerType::Common));
    assert_eq!(nb.frontend_address_type, Some(FrontendAddressType::Public));

    let volume = client
        .volumes()
        .create(CreateVolume::in_region("plain", "us-east"))
        .await
        .unwrap();
    assert_eq!(volume.encryption, Some(Encryption::Disabled));
    assert!(volume.io_ready);
    let domain = client
        .domains()
        .create(CreateDomain::master("example.org", "admin@example.org"))
        .await
        .unwrap();
    assert!(domain.created.is_some());
    assert_eq!(sandbox.domain(domain.id).unwrap()["errors"], json!([]));

    let linode = common::create_linode(&client, common::debian_nanode("us-east")).await;
    let config = &sandbox.configs(linode.id)[0];
    assert_eq!(config.get("initrd"), Some(&Value::Null));
    assert!(config["created"].is_string());
}

#[tokio::test]
async fn volume_encryption_is_honoured_where_offered_and_refused_elsewhere() {
    let (sandbox, client) = common::setup().await;
    let encrypted = client
        .volumes()
        .create(CreateVolume::in_region("secret", "us-ord").encryption(Encryption::Enabled))
        .await
        .unwrap();
    assert_eq!(common::last_body(&sandbox)["encryption"], "enabled");
    assert_eq!(encrypted.encryption, Some(Encryption::Enabled));
    assert_eq!(
        sandbox.volume(encrypted.id).unwrap()["encryption"],
        "enabled"
    );

    // Toronto does not offer Block Storage Encryption.
    let err = client
        .volumes()
        .create(CreateVolume::in_region("secret-ca", "ca-central").encryption(Encryption::Enabled))
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("encryption"),
            "Block Storage Encryption is not available in this region"
        )
    );
}

#[test]
fn region_type_kernel_settings_oauth_and_profile_fields_are_kept() {
    let region: Region = decode(json!({
        "id": "us-ord", "label": "Chicago, IL", "country": "us",
        "capabilities": ["Linodes", "Block Storage Encryption", "Disk Encryption"], "status": "ok",
        "resolvers": {"ipv4": "172.232.0.17", "ipv6": "2600:3c06::f03c:93ff:fead:d31f"},
        "placement_group_limits": {"maximum_pgs_per_customer": null, "maximum_linodes_per_pg": 5},
        "site_type": "core",
        "monitors": {"alerts": ["Managed Databases"], "metrics": ["Managed Databases", "Linodes"]}
    }));
    assert_eq!(region.monitors.alerts, ["Managed Databases"]);
    let limits = region.placement_group_limits.as_ref().unwrap();
    assert_eq!(
        (
            limits.maximum_pgs_per_customer,
            limits.maximum_linodes_per_pg
        ),
        (None, Some(5))
    );
    let edge: Region = decode(json!({"id": "us-den-edge-1", "site_type": "distributed"}));
    assert_eq!(edge.site_type, Some(SiteType::Distributed));

    let plan: LinodeType = decode(json!({
        "id": "g6-standard-2", "label": "Linode 4GB", "class": "standard", "disk": 81920,
        "memory": 4096, "vcpus": 2, "gpus": 0, "network_out": 4000, "transfer": 4000,
        "price": {"hourly": 0.036, "monthly": 24.0},
        "region_prices": [{"id": "id-cgk", "hourly": 0.043, "monthly": 28.8}],
        "addons": {"backups": {"price": {"hourly": 0.008, "monthly": 5.0},
                               "region_prices": [{"id": "id-cgk", "hourly": 0.009, "monthly": 6.0}]}},
        "successor": null, "accelerated_devices": 0
    }));
    assert_eq!(plan.region_prices[0].id, "id-cgk");
    let backups = plan.addons.backups.as_ref().unwrap();
    assert_eq!(backups.price.as_ref().unwrap().monthly, 5.0);
    assert_eq!(backups.region_prices[0].monthly, 6.0);

    let kernel: Kernel = decode(json!({
        "id": "linode/grub2", "label": "GRUB 2", "version": "2.06", "kvm": true,
        "architecture": "x86_64", "pvops": false, "deprecated": false, "built": "2022-08-29T14:37:13"
    }));
    assert!(kernel.built.is_some());

    let settings: AccountSettings = decode(json!({
        "managed": false, "longview_subscription": null, "network_helper": true,
        "backups_enabled": false, "object_storage": "active",
        "interfaces_for_new_linodes": "linode_only", "maintenance_policy": "linode/power_off_on"
    }));
    assert_eq!(
        settings.interfaces_for_new_linodes,
        Some(InterfacesForNewLinodes::LinodeOnly)
    );
    assert_eq!(
        settings.maintenance_policy,
        Some(MaintenancePolicy::PowerOffOn)
    );

    let redacted: OAuthClient = decode(json!({
        "id": "2737bf16b39ab5d7b4a1", "label": "cli", "redirect_uri": "https://example.org/cb",
        "public": false, "status": "active", "secret": "<REDACTED>", "thumbnail_url": null
    }));
    assert!(redacted.secret.is_none());
    let shown: OAuthClient = decode(json!({
        "id": "2737bf16b39ab5d7b4a1", "label": "cli", "redirect_uri": "https://example.org/cb",
        "public": false, "status": "active", "secret": "5f6a1b2c3d4e", "thumbnail_url": null
    }));
    let secret = shown.secret.as_ref().unwrap();
    assert_eq!(secret.expose_secret(), "5f6a1b2c3d4e");
    assert!(!format!("{shown:?}").contains("5f6a1b2c3d4e"));
    assert!(
        !serde_json::to_string(&shown)
            .unwrap()
            .contains("5f6a1b2c3d4e")
    );
    assert_eq!(shown, redacted, "secrets are not compared");

    let profile: Profile = decode(json!({
        "uid": 1234, "username": "example-user", "email": "user@example.org",
        "user_type": "parent"
    }));
    assert_eq!(profile.user_type, Some(UserType::Parent));
}

#[tokio::test]
async fn the_sandbox_sends_account_settings_oauth_and_profile_keys_and_lists_the_token_in_use() {
    let (sandbox, client) = common::setup().await;
    let settings = client.account().settings().await.unwrap();
    assert_eq!(
        settings.interfaces_for_new_linodes,
        Some(InterfacesForNewLinodes::LegacyConfigDefaultButLinodeAllowed)
    );
    assert_eq!(
        settings.maintenance_policy,
        Some(MaintenancePolicy::Migrate)
    );
    assert_eq!(
        client.profile().get().await.unwrap().user_type,
        Some(UserType::Default)
    );
    let created = client
        .account()
        .create_oauth_client(linode::api::account::CreateOAuthClient::new(
            "cli",
            "https://example.org/cb",
        ))
        .await
        .unwrap();
    assert_eq!(
        created.client.secret.as_ref().unwrap().expose_secret(),
        created.secret.expose_secret()
    );
    let again = client
        .account()
        .oauth_client(&created.client.id)
        .await
        .unwrap();
    assert!(again.secret.is_none(), "redacted after creation");

    let mut tokens = client.profile().tokens().await.unwrap();
    assert_eq!(tokens.len(), 1);
    let in_use = tokens.only().await.unwrap();
    assert_eq!(in_use.token_prefix.as_deref(), Some(&sandbox.token()[..16]));
}

#[tokio::test]
async fn code_choosing_a_region_or_plan_by_capability_finds_one() {
    let (_sandbox, client) = common::setup().await;
    let regions = all(client.regions().list()).await;
    for capability in [
        "Linodes",
        "NodeBalancers",
        "Block Storage",
        "Block Storage Encryption",
        "Disk Encryption",
        "Object Storage",
        "Kubernetes",
        "Kubernetes Enterprise",
        "Cloud Firewall",
        "Vlans",
        "VPCs",
        "Linode Interfaces",
        "Managed Databases",
        "Metadata",
        "Premium Plans",
        "GPU Linodes",
        "Placement Group",
    ] {
        assert!(
            regions.iter().any(|r| r.site_type == Some(SiteType::Core)
                && r.capabilities.iter().any(|c| c == capability)),
            "no core region offers {capability}"
        );
    }
    assert!(
        regions
            .iter()
            .any(|r| r.site_type == Some(SiteType::Distributed))
    );
    assert!(regions.iter().all(|r| r.placement_group_limits.is_some()));

    let types = all(client.linode().types()).await;
    for class in [
        TypeClass::Nanode,
        TypeClass::Standard,
        TypeClass::Dedicated,
        TypeClass::Highmem,
        TypeClass::Premium,
        TypeClass::Gpu,
        TypeClass::Accelerated,
    ] {
        assert!(
            types.iter().any(|t| t.class == class),
            "no {class} type listed"
        );
    }
    let vpu = types
        .iter()
        .find(|t| t.class == TypeClass::Accelerated)
        .unwrap();
    assert!(vpu.accelerated_devices >= 1);
    assert!(types.iter().all(|t| t.addons.backups.is_some()));
    assert!(types.iter().all(|t| !t.region_prices.is_empty()));
}
