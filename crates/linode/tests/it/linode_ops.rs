//! What one instance can do beyond power and plan changes, against the sandbox: clone, root
//! password resets, mutate, rescue, the backups service, disk clone and password, addresses one
//! by one, its NodeBalancers, statistics and transfer; each rule also from the refused side.

use std::time::Duration;

use crate::common;

use common::{
    assert_raw_refusals, create_linode, debian_nanode, empty_linode, event_actions, last_body,
    last_line, last_request, post_raw, refusal,
};
use linode::api::linode::{
    CloneInstance, ConfigDevice, ConfigUpdate, CreateDisk, DiskStatus, InstanceStatus,
    RescueDevices,
};
use linode::api::nodebalancers::{ConfigSettings, CreateNode, CreateNodeBalancer};
use linode::api::volumes::CreateVolume;
use linode::{ChildId, Client, Error, SecretString};
use linode_sandbox::Sandbox;
use serde_json::{Value, json};

const STRONG: &str = "Str0ng-Passw0rd!";
const NOT_OFFLINE: &str = "Linode must be shut down to reset its root password";

/// The field and reason of a refusal made before any request.
fn invalid(err: Error) -> (String, String) {
    match err {
        Error::InvalidArgument { field, reason } => (field, reason),
        other => panic!("expected an invalid argument, got {other:?}"),
    }
}

/// Checks that the API refused with a 400 naming `field` (if any) and `reason`.
#[track_caller]
fn assert_refused(err: Error, field: Option<&str>, reason: &str) {
    assert_eq!(refusal(&err), (400, field, reason));
}

/// GETs the sandbox's `path` as the client never would: status and JSON answer.
async fn get_raw(sandbox: &Sandbox, path: &str) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .get(format!("{}{path}", sandbox.base_url()))
        .bearer_auth(sandbox.token())
        .send()
        .await
        .expect("the sandbox answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.expect("a JSON answer"))
}

/// The last event with `action`.
fn last_event(sandbox: &Sandbox, action: &str) -> Value {
    sandbox
        .events()
        .into_iter()
        .rev()
        .find(|e| e["action"] == action)
        .unwrap_or_else(|| panic!("a {action} event"))
}

/// Creates a disk and returns its id.
async fn disk(client: &Client, linode: u64, request: CreateDisk) -> u64 {
    client
        .linode()
        .create_disk(linode, request)
        .await
        .expect("the disk is created")
        .0
        .id
}

/// An offline Linode of plan `instance_type` with disks `root` (ext4, 4000 MB), `swap`
/// (512 MB) and `scratch` (raw, 1000 MB), and a profile `boot` booting root and swap.
async fn source(client: &Client, instance_type: &str, label: &str) -> (u64, [u64; 3], u64) {
    let linode = create_linode(
        client,
        linode::api::linode::CreateInstance::empty("us-east", instance_type).label(label),
    )
    .await;
    let id = linode.id;
    let root = disk(
        client,
        id,
        CreateDisk::new(4000).label("root").filesystem("ext4"),
    )
    .await;
    let swap = disk(
        client,
        id,
        CreateDisk::new(512).label("swap").filesystem("swap"),
    )
    .await;
    let scratch = disk(
        client,
        id,
        CreateDisk::new(1000).label("scratch").filesystem("raw"),
    )
    .await;
    let config = client
        .linode()
        .create_config(
            id,
            &ConfigUpdate::new()
                .label("boot")
                .device("sda", ConfigDevice::disk(root))
                .device("sdb", ConfigDevice::disk(swap)),
        )
        .await
        .expect("the profile is created")
        .id;
    (id, [root, swap, scratch], config)
}

fn labels_and_sizes(disks: &[Value]) -> Vec<(String, u64)> {
    disks
        .iter()
        .map(|d| {
            (
                d["label"].as_str().unwrap().to_owned(),
                d["size"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn clone_to_a_new_linode_copies_the_profiles_with_their_disks() {
    let (sandbox, client) = common::setup().await;
    let (src, [root, _, scratch], config) = source(&client, "g6-standard-1", "source").await;

    let copy = client
        .linode()
        .clone_instance(
            src,
            &CloneInstance::to_new("us-west", "g6-nanode-1").label("copy"),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/linode/instances/{src}/clone"),
            Some(json!({"region": "us-west", "type": "g6-nanode-1", "label": "copy"}))
        )
    );
    assert_eq!(
        (
            copy.label.as_str(),
            copy.region.id().as_str(),
            copy.status.clone()
        ),
        ("copy", "us-west", InstanceStatus::Provisioning)
    );
    assert_ne!(copy.id, src);
    // Every profile and the disks it boots; not the scratch disk no profile boots.
    let disks = sandbox.disks(copy.id);
    assert_eq!(
        labels_and_sizes(&disks),
        [("root".to_owned(), 4000), ("swap".to_owned(), 512)]
    );
    let configs = sandbox.configs(copy.id);
    assert_eq!(configs.len(), 1);
    assert_eq!(configs[0]["label"], "boot");
    assert_ne!(configs[0]["id"], config);
    assert_eq!(configs[0]["devices"]["sda"]["disk_id"], disks[0]["id"]);
    assert_eq!(configs[0]["devices"]["sdb"]["disk_id"], disks[1]["id"]);
    assert_ne!(disks[0]["id"], root);
    let event = last_event(&sandbox, "linode_clone");
    assert_eq!(
        (&event["entity"]["id"], &event["secondary_entity"]["id"]),
        (&json!(src), &json!(copy.id))
    );
    // Once copied the clone is offline, its disks ready; the source is untouched.
    assert_eq!(sandbox.instance(copy.id).unwrap()["status"], "offline");
    assert!(
        sandbox
            .disks(copy.id)
            .iter()
            .all(|d| d["status"] == "ready")
    );
    assert_eq!(sandbox.disks(src).len(), 3);

    // No profile, one named disk.
    let bare = client
        .linode()
        .clone_instance(
            src,
            &CloneInstance::to_new("us-east", "g6-nanode-1")
                .configs([])
                .disks([scratch]),
        )
        .await
        .unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"region": "us-east", "type": "g6-nanode-1", "configs": [], "disks": [scratch]})
    );
    assert_eq!(bare.label, format!("linode{}", bare.id));
    assert_eq!(
        labels_and_sizes(&sandbox.disks(bare.id)),
        [("scratch".to_owned(), 1000)]
    );
    assert!(sandbox.configs(bare.id).is_empty());
}

#[tokio::test]
async fn clone_onto_an_existing_linode_and_the_refused_clones() {
    let (sandbox, client) = common::setup().await;
    let (src, [_, _, scratch], _) = source(&client, "g6-standard-1", "source").await;
    let target = empty_linode(&client, "us-east", "target").await;

    let onto = client
        .linode()
        .clone_instance(src, &CloneInstance::onto(target.id).disks([scratch]))
        .await
        .unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"linode_id": target.id, "disks": [scratch]})
    );
    assert_eq!(
        (onto.id, onto.status.clone()),
        (target.id, InstanceStatus::Cloning)
    );
    assert_eq!(
        labels_and_sizes(&sandbox.disks(target.id)),
        [
            ("root".to_owned(), 4000),
            ("swap".to_owned(), 512),
            ("scratch".to_owned(), 1000)
        ]
    );
    assert_eq!(sandbox.instance(target.id).unwrap()["status"], "offline");

    // Refused before any request: options of a new Linode on an existing one, empty values.
    sandbox.clear_requests();
    let err = client
        .linode()
        .clone_instance(src, &CloneInstance::onto(target.id).label("nope"))
        .await
        .unwrap_err();
    assert_eq!(
        invalid(err),
        (
            "label".to_owned(),
            "only applies when cloning to a new Linode".to_owned()
        )
    );
    let err = client
        .linode()
        .clone_instance(src, &CloneInstance::to_new(" ", "g6-nanode-1"))
        .await
        .unwrap_err();
    assert_eq!(invalid(err).0, "region");
    assert!(sandbox.requests().is_empty());

    // Refused by the API.
    for (clone, field, reason) in [
        (
            CloneInstance::onto(src),
            "linode_id",
            "A Linode cannot be cloned onto itself",
        ),
        (CloneInstance::onto(999), "linode_id", "Linode not found"),
        (
            CloneInstance::to_new("us-east", "g6-nanode-1").configs([12345]),
            "configs[0]",
            "Config not found",
        ),
        (
            CloneInstance::to_new("us-east", "g6-nanode-1").disks([scratch, 7]),
            "disks[1]",
            "Disk not found",
        ),
        (
            CloneInstance::to_new("xx-nowhere", "g6-nanode-1"),
            "region",
            "Region not found",
        ),
    ] {
        let err = client
            .linode()
            .clone_instance(src, &clone)
            .await
            .unwrap_err();
        assert_refused(err, Some(field), reason);
    }
    // The disks must fit: the target has 25600 - 5512 MB free, the new type its own disk.
    let big = disk(
        &client,
        src,
        CreateDisk::new(30000).label("big").filesystem("raw"),
    )
    .await;
    let err = client
        .linode()
        .clone_instance(
            src,
            &CloneInstance::onto(target.id).configs([]).disks([big]),
        )
        .await
        .unwrap_err();
    assert_refused(
        err,
        Some("linode_id"),
        "The target Linode lacks 30000 MB of free space for the clone",
    );
    let err = client
        .linode()
        .clone_instance(
            src,
            &CloneInstance::to_new("us-east", "g6-nanode-1").disks([big]),
        )
        .await
        .unwrap_err();
    assert_refused(
        err,
        Some("type"),
        "The cloned disks use 34512 MB, more than the 25600 MB of g6-nanode-1",
    );
    // Bodies the client never sends.
    let path = format!("/v4/linode/instances/{src}/clone");
    assert_raw_refusals(
        &sandbox,
        &path,
        [
            (
                json!({"linode_id": target.id, "region": "us-east"}),
                "region",
            ),
            (json!({"region": "us-east"}), "type"),
            (json!({"type": "g6-nanode-1"}), "region"),
            (
                json!({"region": "us-east", "type": "g6-nanode-1", "configs": "all"}),
                "configs",
            ),
        ],
    )
    .await;
    let (_, answer) = post_raw(
        &sandbox,
        &path,
        &json!({"linode_id": target.id, "label": "x-label"}),
    )
    .await;
    assert_eq!(
        answer["errors"][0]["reason"],
        "label may only be given when cloning to a new Linode"
    );
    assert_eq!(event_actions(&sandbox, "linode_clone").len(), 1);
}

#[tokio::test]
async fn a_busy_source_is_not_cloned() {
    let (sandbox, client) = common::setup_timed().await;
    let linode = create_linode(&client, debian_nanode("us-east").label("busy")).await;
    assert_eq!(
        sandbox.instance(linode.id).unwrap()["status"],
        "provisioning"
    );
    let err = client
        .linode()
        .clone_instance(linode.id, &CloneInstance::to_new("us-east", "g6-nanode-1"))
        .await
        .unwrap_err();
    assert_refused(err, None, "Linode busy: it is provisioning");
    assert!(event_actions(&sandbox, "linode_clone").is_empty());
}

#[tokio::test]
async fn root_password_resets_need_an_offline_linode_and_a_strong_password() {
    let (sandbox, client) = common::setup().await;
    let linode = create_linode(&client, debian_nanode("us-east").label("pw-reset")).await;
    let strong = SecretString::from(STRONG);
    let err = client
        .linode()
        .reset_root_password(linode.id, &strong)
        .await
        .unwrap_err();
    assert_refused(err, None, NOT_OFFLINE);
    let err = client
        .linode()
        .reset_root_password(linode.id, &SecretString::from("weakpass"))
        .await
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("weakpass"));
    assert_refused(
        err,
        Some("root_pass"),
        "Password does not meet strength requirement",
    );
    let err = client
        .linode()
        .reset_root_password(linode.id, &SecretString::from(""))
        .await
        .unwrap_err();
    assert_eq!(
        invalid(err),
        ("root_pass".to_owned(), "is empty".to_owned())
    );

    client.linode().shutdown(linode.id).await.unwrap();
    assert_eq!(sandbox.instance(linode.id).unwrap()["status"], "offline");
    client
        .linode()
        .reset_root_password(linode.id, &strong)
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/linode/instances/{}/password", linode.id),
            Some(json!({"root_pass": STRONG}))
        )
    );
    assert_eq!(
        last_event(&sandbox, "password_reset")["entity"]["id"],
        linode.id
    );
    assert_eq!(event_actions(&sandbox, "password_reset").len(), 1);
}

#[tokio::test]
async fn mutate_moves_a_retired_type_to_its_successor() {
    let (sandbox, client) = common::setup().await;
    let linode = create_linode(&client, debian_nanode("us-east").label("old")).await;
    assert!(sandbox.set_instance_type(linode.id, "g5-nanode-1"));
    let retired = client.linode().linode_type("g5-nanode-1").await.unwrap();
    assert_eq!(
        (retired.successor.as_deref(), retired.disk),
        (Some("g6-nanode-1"), 20480)
    );
    let old = client.linode().instance(linode.id).await.unwrap();
    assert_eq!(
        (old.instance_type.id().as_str(), old.specs.disk),
        ("g5-nanode-1", 20480)
    );

    client.linode().mutate(linode.id, true).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/linode/instances/{}/mutate", linode.id),
            Some(json!({"allow_auto_disk_resize": true}))
        )
    );
    let now = sandbox.instance(linode.id).unwrap();
    assert_eq!(
        (&now["type"], &now["specs"]["disk"], &now["status"]),
        (&json!("g6-nanode-1"), &json!(25600), &json!("running"))
    );
    assert_eq!(sandbox.disks(linode.id)[0]["size"], 25600 - 512);
    assert_eq!(event_actions(&sandbox, "linode_mutate"), ["linode_mutate"]);

    // A current type has no successor.
    let err = client.linode().mutate(linode.id, false).await.unwrap_err();
    assert_refused(
        err,
        None,
        "Linode type g6-nanode-1 has no successor to upgrade to",
    );
    // Retired types are read by id, never listed.
    let listed = client
        .linode()
        .types()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(listed.iter().all(|t| t.successor.is_none()));
    assert!(!listed.iter().any(|t| t.id == "g5-nanode-1"));
}

#[tokio::test]
async fn rescue_boots_with_the_linodes_own_disks_and_volumes() {
    let (sandbox, client) = common::setup_timed().await;
    let linode = create_linode(&client, debian_nanode("us-east").label("sick")).await;
    let main = sandbox.disks(linode.id)[0]["id"].as_u64().unwrap();
    let volume = client
        .volumes()
        .create(CreateVolume::attached_to("data", linode.id))
        .await
        .unwrap();
    let loose = client
        .volumes()
        .create(CreateVolume::in_region("loose", "us-east"))
        .await
        .unwrap();
    let other = empty_linode(&client, "us-east", "other").await;
    sandbox.settle();
    assert_eq!(sandbox.instance(linode.id).unwrap()["status"], "running");
    let foreign = disk(&client, other.id, CreateDisk::new(100).label("x")).await;

    client
        .linode()
        .rescue(
            linode.id,
            &RescueDevices::new()
                .disk("sda", main)
                .volume("sdb", volume.id),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/linode/instances/{}/rescue", linode.id),
            Some(json!({"devices": {
                "sda": {"disk_id": main, "volume_id": null},
                "sdb": {"disk_id": null, "volume_id": volume.id},
            }}))
        )
    );
    // A running Linode reboots into rescue mode.
    assert_eq!(sandbox.instance(linode.id).unwrap()["status"], "rebooting");
    sandbox.advance(Duration::from_secs(20));
    assert_eq!(sandbox.instance(linode.id).unwrap()["status"], "running");
    assert_eq!(last_event(&sandbox, "linode_reboot")["status"], "finished");

    let err = client
        .linode()
        .rescue(linode.id, &RescueDevices::new().disk("sdh", main))
        .await
        .unwrap_err();
    assert_eq!(
        invalid(err),
        (
            "devices".to_owned(),
            "sdh is not a rescue slot (sda to sdg)".to_owned()
        )
    );
    for (devices, field, reason) in [
        (
            RescueDevices::new().disk("sda", foreign),
            "devices.sda.disk_id",
            "Disk not found",
        ),
        (
            RescueDevices::new().volume("sdc", loose.id),
            "devices.sdc.volume_id",
            "Volume is not attached to this Linode",
        ),
        (
            RescueDevices::new().volume("sdc", 424242),
            "devices.sdc.volume_id",
            "Volume not found",
        ),
    ] {
        let err = client
            .linode()
            .rescue(linode.id, &devices)
            .await
            .unwrap_err();
        assert_refused(err, Some(field), reason);
    }
    let path = format!("/v4/linode/instances/{}/rescue", linode.id);
    assert_raw_refusals(
        &sandbox,
        &path,
        [
            (
                json!({"devices": {"sdh": {"disk_id": main}}}),
                "devices.sdh",
            ),
            (
                json!({"devices": {"sda": {"disk_id": main, "volume_id": volume.id}}}),
                "devices.sda",
            ),
            (json!({"devices": {"sda": {}}}), "devices.sda"),
            (json!({"devices": "sda"}), "devices"),
        ],
    )
    .await;
    // Not while busy: an offline Linode boots (not reboots) into rescue mode.
    client.linode().shutdown(linode.id).await.unwrap();
    let err = client
        .linode()
        .rescue(linode.id, &RescueDevices::new())
        .await
        .unwrap_err();
    assert_refused(err, None, "Linode busy: it is shutting_down");
    sandbox.settle();
    client
        .linode()
        .rescue(linode.id, &RescueDevices::new())
        .await
        .unwrap();
    assert_eq!(sandbox.instance(linode.id).unwrap()["status"], "booting");
}

#[tokio::test]
async fn backups_enable_and_cancel_flip_the_service() {
    let (sandbox, client) = common::setup().await;
    let linode = create_linode(&client, debian_nanode("us-east").label("safe")).await;
    assert_eq!(
        sandbox.instance(linode.id).unwrap()["backups"]["enabled"],
        false
    );
    client.linode().enable_backups(linode.id).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/linode/instances/{}/backups/enable", linode.id),
            Some(json!({}))
        )
    );
    let on = client.linode().instance(linode.id).await.unwrap();
    assert!(on.backups.enabled);
    assert_eq!(
        (
            on.backups.schedule.day.as_deref(),
            on.backups.schedule.window.as_deref()
        ),
        (Some("Scheduling"), Some("Scheduling"))
    );
    let err = client.linode().enable_backups(linode.id).await.unwrap_err();
    assert_refused(err, None, "Backups are already enabled for this Linode");
    client.linode().snapshot(linode.id, "before").await.unwrap();
    sandbox.take_automatic_backup(linode.id).unwrap();
    assert_eq!(sandbox.backups(linode.id).len(), 2);

    client.linode().cancel_backups(linode.id).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("POST /v4/linode/instances/{}/backups/cancel", linode.id)
    );
    let off = sandbox.instance(linode.id).unwrap();
    assert_eq!(
        off["backups"],
        json!({"enabled": false, "available": false, "last_successful": null,
               "schedule": {"day": null, "window": null}})
    );
    assert!(sandbox.backups(linode.id).is_empty());
    let err = client.linode().cancel_backups(linode.id).await.unwrap_err();
    assert_refused(err, None, "Backups are not enabled for this Linode");
    assert_eq!(
        event_actions(&sandbox, "backups_"),
        ["backups_enable", "backups_cancel"]
    );
    let err = client.linode().enable_backups(999).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn disks_are_cloned_beside_the_others_and_their_passwords_reset_offline() {
    let (sandbox, client) = common::setup().await;
    let (id, [root, swap, _], _) = source(&client, "g6-nanode-1", "disks").await;

    let copy = client
        .linode()
        .clone_disk(ChildId::new(id, root))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/linode/instances/{id}/disks/{root}/clone"),
            Some(json!({}))
        )
    );
    assert_eq!(
        (copy.label.as_str(), copy.size, copy.status.clone()),
        ("root", 4000, DiskStatus::NotReady)
    );
    assert_ne!(copy.id, root);
    let disks = sandbox.disks(id);
    assert_eq!(disks.len(), 4);
    assert_eq!(disks[3]["status"], "ready");
    let event = last_event(&sandbox, "disk_duplicate");
    assert_eq!(event["secondary_entity"]["id"], copy.id);

    // 25600 - (4000 + 512 + 1000 + 4000) MB = 16088 MB free; a 12000 MB disk leaves 4088.
    let big = disk(&client, id, CreateDisk::new(12000).label("big")).await;
    let err = client
        .linode()
        .clone_disk(ChildId::new(id, big))
        .await
        .unwrap_err();
    assert_refused(
        err,
        None,
        "Not enough free space to clone this disk: 4088 MB free, 12000 MB needed",
    );
    let err = client
        .linode()
        .clone_disk(ChildId::new(id, 1))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));

    // The Linode is offline: the root disk's password can be reset.
    let strong = SecretString::from(STRONG);
    client
        .linode()
        .reset_disk_password(ChildId::new(id, root), &strong)
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/linode/instances/{id}/disks/{root}/password"),
            Some(json!({"password": STRONG}))
        )
    );
    assert_eq!(
        last_event(&sandbox, "password_reset")["secondary_entity"]["id"],
        root
    );
    let err = client
        .linode()
        .reset_disk_password(ChildId::new(id, swap), &strong)
        .await
        .unwrap_err();
    assert_refused(
        err,
        None,
        "Only a disk with an ext3 or ext4 filesystem has a root password",
    );
    let err = client
        .linode()
        .reset_disk_password(ChildId::new(id, root), &SecretString::from("password"))
        .await
        .unwrap_err();
    assert_refused(
        err,
        Some("password"),
        "Password does not meet strength requirement",
    );
    client.linode().boot(id).await.unwrap();
    assert_eq!(sandbox.instance(id).unwrap()["status"], "running");
    let err = client
        .linode()
        .reset_disk_password(ChildId::new(id, root), &strong)
        .await
        .unwrap_err();
    assert_refused(err, None, NOT_OFFLINE);
    assert_eq!(event_actions(&sandbox, "password_reset").len(), 1);
}

#[tokio::test]
async fn addresses_are_read_named_and_removed_one_by_one() {
    let (sandbox, client) = common::setup().await;
    let linode = create_linode(
        &client,
        debian_nanode("us-east").label("addr").private_ip(true),
    )
    .await;
    let (first, private) = (linode.ipv4[0].to_string(), linode.ipv4[1].to_string());

    let ip = client
        .linode()
        .instance_ip(linode.id, &first)
        .await
        .unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("GET /v4/linode/instances/{}/ips/{first}", linode.id)
    );
    assert_eq!((ip.address.as_str(), ip.public), (first.as_str(), true));
    let named = client
        .linode()
        .set_instance_ip_rdns(linode.id, &first, Some("web.example.com"))
        .await
        .unwrap();
    assert_eq!(last_body(&sandbox), json!({"rdns": "web.example.com"}));
    assert_eq!(named.rdns.as_deref(), Some("web.example.com"));
    assert_eq!(
        client
            .networking()
            .ip(&first)
            .await
            .unwrap()
            .rdns
            .as_deref(),
        Some("web.example.com")
    );

    // The last public address stays.
    let err = client
        .linode()
        .delete_instance_ip(linode.id, &first)
        .await
        .unwrap_err();
    assert_refused(
        err,
        None,
        "A Linode must keep at least one public IPv4 address",
    );
    let second = client
        .linode()
        .allocate_ip(linode.id, true)
        .await
        .unwrap()
        .address;
    client
        .linode()
        .delete_instance_ip(linode.id, &first)
        .await
        .unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("DELETE /v4/linode/instances/{}/ips/{first}", linode.id)
    );
    assert_eq!(
        sandbox.instance(linode.id).unwrap()["ipv4"],
        json!([second, private])
    );
    client
        .linode()
        .delete_instance_ip(linode.id, &private)
        .await
        .unwrap();
    assert_eq!(
        sandbox.instance(linode.id).unwrap()["ipv4"],
        json!([second])
    );
    assert_eq!(
        event_actions(&sandbox, "linode_deleteip"),
        ["linode_deleteip", "linode_deleteip"]
    );
    // Gone, or another Linode's: not found.
    let other = create_linode(&client, debian_nanode("us-east").label("other")).await;
    for (id, address) in [(linode.id, first.clone()), (other.id, second.clone())] {
        let err = client.linode().instance_ip(id, &address).await.unwrap_err();
        assert_eq!(err.status(), Some(404));
        let err = client
            .linode()
            .delete_instance_ip(id, &address)
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(404));
    }
    let err = client
        .linode()
        .set_instance_ip_rdns(linode.id, &second, Some(" "))
        .await
        .unwrap_err();
    assert_eq!(invalid(err), ("rdns".to_owned(), "is empty".to_owned()));
}

#[tokio::test]
async fn a_linodes_nodebalancers_are_those_with_a_node_on_its_private_address() {
    let (sandbox, client) = common::setup().await;
    let backend = create_linode(
        &client,
        debian_nanode("us-east").label("backend").private_ip(true),
    )
    .await;
    let private = backend.ipv4[1].to_string();
    let lonely = create_linode(
        &client,
        debian_nanode("us-east").label("lonely").private_ip(true),
    )
    .await;
    let nb = client
        .nodebalancers()
        .create(
            CreateNodeBalancer::in_region("us-east")
                .label("front")
                .config(
                    ConfigSettings::new(80),
                    [CreateNode::new(format!("{private}:80"), "backend")],
                ),
        )
        .await
        .unwrap();
    let _unrelated = client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("us-east").label("empty-front"))
        .await
        .unwrap();

    let found = client
        .linode()
        .instance_nodebalancers(backend.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(last_line(&sandbox).starts_with(&format!(
        "GET /v4/linode/instances/{}/nodebalancers?page=1",
        backend.id
    )));
    assert_eq!(
        found
            .iter()
            .map(|n| (n.id, n.label.as_str()))
            .collect::<Vec<_>>(),
        [(nb.id, "front")]
    );
    assert!(
        client
            .linode()
            .instance_nodebalancers(lonely.id)
            .await
            .unwrap()
            .is_empty()
    );
    let err = client
        .linode()
        .instance_nodebalancers(999)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn stats_and_transfer_are_deterministic_and_months_are_checked() {
    let (sandbox, client) = common::setup().await;
    let linode = create_linode(&client, debian_nanode("us-east").label("busy-web")).await;

    let day = client.linode().stats(linode.id).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("GET /v4/linode/instances/{}/stats", linode.id)
    );
    assert_eq!(
        day.title,
        format!(
            "linode.com - busy-web (linode{}) - day (5 min avg)",
            linode.id
        )
    );
    for series in [
        &day.cpu,
        &day.io.io,
        &day.io.swap,
        &day.netv4.inbound,
        &day.netv4.outbound,
        &day.netv4.private_in,
        &day.netv6.private_out,
    ] {
        assert_eq!(series.len(), 288);
        assert!(series.windows(2).all(|w| w[1][0] - w[0][0] == 300_000.0));
    }
    assert!(day.cpu.iter().all(|p| (0.0..100.0).contains(&p[1])));

    let february = client
        .linode()
        .stats_for_month(linode.id, 2024, 2)
        .await
        .unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("GET /v4/linode/instances/{}/stats/2024/2", linode.id)
    );
    assert_eq!(february.cpu.len(), 29 * 24);
    assert_eq!(february.cpu[0][0], 1_706_745_600_000.0);
    assert_eq!(
        february,
        client
            .linode()
            .stats_for_month(linode.id, 2024, 2)
            .await
            .unwrap()
    );

    let now = time::OffsetDateTime::now_utc();
    let (year, month) = (now.year(), u32::from(u8::from(now.month())));
    let transfer = client.linode().transfer(linode.id).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("GET /v4/linode/instances/{}/transfer", linode.id)
    );
    let this_month = client
        .linode()
        .transfer_for_month(linode.id, year, month)
        .await
        .unwrap();
    assert_eq!(
        (transfer.quota, transfer.billable, transfer.used),
        (linode.specs.transfer, 0, this_month.bytes_total)
    );
    assert_eq!(
        this_month.bytes_total,
        this_month.bytes_in + this_month.bytes_out
    );
    let old = client
        .linode()
        .transfer_for_month(linode.id, 2024, 2)
        .await
        .unwrap();
    assert_eq!(
        old,
        client
            .linode()
            .transfer_for_month(linode.id, 2024, 2)
            .await
            .unwrap()
    );
    assert!(old.bytes_total > 0);

    // Months out of range are refused before any request, and by the API.
    sandbox.clear_requests();
    for err in [
        client
            .linode()
            .stats_for_month(linode.id, 2024, 13)
            .await
            .unwrap_err(),
        client
            .linode()
            .transfer_for_month(linode.id, 2024, 0)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(
            invalid(err),
            ("month".to_owned(), "must be 1 to 12".to_owned())
        );
    }
    assert!(sandbox.requests().is_empty());
    for kind in ["stats", "transfer"] {
        let (status, answer) = get_raw(
            &sandbox,
            &format!("/v4/linode/instances/{}/{kind}/2024/13", linode.id),
        )
        .await;
        assert_eq!(
            (status, &answer["errors"][0]),
            (
                400,
                &json!({"field": "month", "reason": "Month must be 1-12"})
            )
        );
    }
    let err = client
        .linode()
        .transfer_for_month(linode.id, year + 1, 1)
        .await
        .unwrap_err();
    assert_refused(
        err,
        None,
        "The year and month must be in the past or the current month",
    );
    let err = client.linode().stats(999).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
}
