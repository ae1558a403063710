//! The linode family in depth against the sandbox: creation modes, power actions, rebuild and
//! resize, disks, configs, backups, StackScripts, images made from disks, and networking.

use crate::common;

use common::{create_linode, event_actions, last_body, last_line};
use linode::api::images::{CreateImage, ImageStatus, ImageUpdate};
use linode::api::linode::{
    BackupType, ConfigDevice, ConfigUpdate, CreateDisk, CreateInstance, CreateStackScript,
    DiskUpdate, Filesystem, InstanceStatus, RebuildInstance, ResizeInstance, StackScriptUpdate,
};
use linode::api::networking::IpAssignment;
use linode::{ChildId, Error, ExposeSecret};
use serde_json::json;

fn api_error(err: Error) -> (Option<u16>, Vec<(String, String)>) {
    let status = err.status();
    let fields = err
        .field_errors()
        .iter()
        .map(|f| (f.field.clone().unwrap_or_default(), f.reason.clone()))
        .collect();
    (status, fields)
}

#[tokio::test]
async fn image_deploys_get_a_main_disk_a_swap_disk_and_a_profile_and_empty_ones_nothing() {
    let (sandbox, client) = common::setup().await;
    let web = create_linode(
        &client,
        CreateInstance::from_image("us-east", "g6-standard-2", "linode/debian12").label("web"),
    )
    .await;
    let disks = web
        .disks(&client)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(
        last_line(&sandbox)
            .starts_with(&format!("GET /v4/linode/instances/{}/disks?page=1", web.id))
    );
    assert_eq!(disks.len(), 2);
    assert_eq!(disks[0].filesystem, Filesystem::Ext4);
    assert_eq!(disks[0].size + 512, web.specs.disk);
    assert_eq!(
        (disks[1].filesystem.clone(), disks[1].size),
        (Filesystem::Swap, 512)
    );
    let configs = web
        .configs(&client)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(configs.len(), 1);
    assert_eq!(
        configs[0].devices["sda"].as_ref().and_then(|d| d.disk_id),
        Some(disks[0].id)
    );
    assert_eq!(sandbox.disks(web.id).len(), 2);

    let empty = create_linode(&client, CreateInstance::empty("us-east", "g6-standard-2")).await;
    assert_eq!(empty.status, InstanceStatus::Offline);
    assert!(empty.disks(&client).await.unwrap().is_empty());
    assert!(sandbox.configs(empty.id).is_empty());
    // Nothing to boot.
    let err = client.linode().boot(empty.id).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn stackscript_deploys_send_the_data_and_are_checked_against_the_script() {
    let (sandbox, client) = common::setup().await;
    let before = sandbox.stackscript(10079).unwrap()["deployments_total"]
        .as_u64()
        .unwrap();
    let created = client
        .linode()
        .create_instance(
            CreateInstance::from_stackscript(
                "us-east",
                "g6-standard-1",
                "linode/debian12",
                10079,
                [("gh_username", "example")],
            )
            .label("from-script"),
        )
        .await
        .unwrap();
    let body = last_body(&sandbox);
    assert_eq!(body["stackscript_id"], 10079);
    assert_eq!(body["stackscript_data"], json!({"gh_username": "example"}));
    assert_eq!(body["image"], "linode/debian12");
    assert!(created.root_pass.is_some());
    assert_eq!(
        sandbox.stackscript(10079).unwrap()["deployments_total"],
        before + 1
    );

    // An image the script does not support, and a missing required field.
    let err = client
        .linode()
        .create_instance(CreateInstance::from_stackscript(
            "us-east",
            "g6-standard-1",
            "linode/almalinux9",
            10079,
            [("shell", "zsh")],
        ))
        .await
        .unwrap_err();
    let (status, fields) = api_error(err);
    assert_eq!(status, Some(400));
    let names: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(names, ["image", "stackscript_data.gh_username"]);
    assert_eq!(sandbox.instance_count(), 1);
}

#[tokio::test]
async fn authorized_keys_come_as_keys_or_from_files_read_before_any_request() {
    let (sandbox, client) = common::setup().await;
    let dir = std::env::temp_dir().join(format!("linode-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("id_ed25519.pub");
    std::fs::write(&file, "ssh-ed25519 AAAAC3NzaFILE me@laptop\n").unwrap();
    create_linode(
        &client,
        common::debian_nanode("us-east")
            .authorized_keys(["ssh-rsa AAAAB3INLINE me@desk"])
            .authorized_key_files([&file]),
    )
    .await;
    assert_eq!(
        last_body(&sandbox)["authorized_keys"],
        json!([
            "ssh-rsa AAAAB3INLINE me@desk",
            "ssh-ed25519 AAAAC3NzaFILE me@laptop"
        ])
    );

    sandbox.clear_requests();
    let missing = dir.join("nope.pub");
    let err = client
        .linode()
        .create_instance(common::debian_nanode("us-east").authorized_key_files([&missing]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }));
    assert!(err.to_string().contains("nope.pub"), "{err}");
    assert!(sandbox.requests().is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn power_actions_move_through_their_states_and_refuse_what_makes_no_sense() {
    let (sandbox, client) = common::setup_timed().await;
    let linode = create_linode(&client, common::debian_nanode("us-east")).await;
    let status = || sandbox.instance(linode.id).unwrap()["status"].clone();
    assert_eq!(status(), "provisioning");
    // Booting a Linode that is being created is refused.
    let err = client.linode().boot(linode.id).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    sandbox.advance(std::time::Duration::from_secs(100));
    assert_eq!(status(), "running");

    linode.shutdown(&client).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("POST /v4/linode/instances/{}/shutdown", linode.id)
    );
    assert_eq!(status(), "shutting_down");
    // Still shutting down 15 s later: a client re-reading every 15 s sees it.
    sandbox.advance(std::time::Duration::from_secs(15));
    assert_eq!(status(), "shutting_down");
    sandbox.advance(std::time::Duration::from_secs(15));
    assert_eq!(status(), "offline");
    assert_eq!(
        client
            .linode()
            .shutdown(linode.id)
            .await
            .unwrap_err()
            .status(),
        Some(400)
    );

    let config = sandbox.configs(linode.id)[0]["id"].as_u64().unwrap();
    client
        .linode()
        .boot_with_config(linode.id, config)
        .await
        .unwrap();
    assert_eq!(last_body(&sandbox), json!({"config_id": config}));
    assert_eq!(status(), "booting");
    sandbox.advance(std::time::Duration::from_secs(40));
    linode.reboot(&client).await.unwrap();
    assert_eq!(status(), "rebooting");
    // A reboot lasts a minute, not a 15-second blip.
    sandbox.advance(std::time::Duration::from_secs(30));
    assert_eq!(status(), "rebooting");
    sandbox.advance(std::time::Duration::from_secs(30));
    assert_eq!(status(), "running");
    assert_eq!(
        event_actions(&sandbox, ""),
        [
            "linode_create",
            "linode_boot",
            "linode_shutdown",
            "linode_boot",
            "linode_reboot"
        ]
    );
}

#[tokio::test]
async fn rebuild_replaces_the_disks_and_resize_changes_the_plan() {
    let (sandbox, client) = common::setup().await;
    let linode = create_linode(
        &client,
        CreateInstance::from_image("eu-west", "g6-standard-1", "linode/debian12"),
    )
    .await;
    let old_disks = sandbox.disks(linode.id);
    let rebuilt = linode
        .rebuild(&client, RebuildInstance::new("linode/ubuntu24.04"))
        .await
        .unwrap();
    let sent = last_body(&sandbox);
    assert_eq!(sent["image"], "linode/ubuntu24.04");
    assert_eq!(
        sent["root_pass"],
        rebuilt.root_pass.as_ref().unwrap().expose_secret()
    );
    assert_eq!(
        rebuilt.instance.image.as_ref().map(|i| i.id().as_str()),
        Some("linode/ubuntu24.04")
    );
    let new_disks = sandbox.disks(linode.id);
    assert_eq!(new_disks.len(), 2);
    assert_ne!(new_disks[0]["id"], old_disks[0]["id"]);
    // A weak password is refused by the API.
    let err = client
        .linode()
        .rebuild(
            linode.id,
            RebuildInstance::new("linode/debian12").root_pass("weak"),
        )
        .await
        .unwrap_err();
    assert_eq!(api_error(err).1[0].0, "root_pass");

    linode.resize(&client, "g6-standard-4").await.unwrap();
    assert_eq!(last_body(&sandbox), json!({"type": "g6-standard-4"}));
    let stored = sandbox.instance(linode.id).unwrap();
    assert_eq!(stored["type"], "g6-standard-4");
    assert_eq!(stored["status"], "running");
    let bigger = client.linode().linode_type("g6-standard-4").await.unwrap();
    assert_eq!(stored["specs"]["memory"], bigger.memory);
    assert_eq!(
        sandbox.disks(linode.id)[0]["size"].as_u64().unwrap() + 512,
        bigger.disk
    );
    // Same type, and a plan too small for the disks, are refused.
    for (plan, request) in [
        ("g6-standard-4", ResizeInstance::new("g6-standard-4")),
        ("g6-nanode-1", ResizeInstance::new("g6-nanode-1")),
    ] {
        let err = client
            .linode()
            .resize(linode.id, &request)
            .await
            .unwrap_err();
        let (status, fields) = api_error(err);
        assert_eq!(
            (status, fields[0].0.as_str()),
            (Some(400), "type"),
            "{plan}"
        );
    }
}

#[tokio::test]
async fn disks_and_configs_are_collections_of_their_own() {
    let (sandbox, client) = common::setup().await;
    let linode = create_linode(&client, CreateInstance::empty("us-east", "g6-standard-1")).await;
    let group = client.linode();
    let (disk, pass) = group
        .create_disk(linode.id, CreateDisk::new(4096).label("data"))
        .await
        .unwrap();
    assert!(pass.is_none());
    assert_eq!(last_body(&sandbox), json!({"size": 4096, "label": "data"}));
    let (boot, pass) = group
        .create_disk(
            linode.id,
            CreateDisk::new(8192).label("root").image("linode/debian12"),
        )
        .await
        .unwrap();
    assert!(pass.is_some());
    let id = ChildId::new(linode.id, disk.id);
    let renamed = group
        .update_disk(id, &DiskUpdate::label("scratch"))
        .await
        .unwrap();
    assert_eq!(renamed.label, "scratch");
    group.resize_disk(id, 2048).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!(
            "POST /v4/linode/instances/{}/disks/{}/resize",
            linode.id, disk.id
        )
    );
    assert_eq!(group.disk(id).await.unwrap().size, 2048);
    // More than the plan holds.
    let err = group
        .create_disk(linode.id, CreateDisk::new(10_000_000))
        .await
        .unwrap_err();
    assert_eq!(api_error(err).1[0].0, "size");

    let profile = ConfigUpdate::new()
        .label("boot")
        .kernel("linode/grub2")
        .device("sda", ConfigDevice::disk(boot.id))
        .device("sdb", ConfigDevice::disk(disk.id));
    let config = group.create_config(linode.id, &profile).await.unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"label": "boot", "kernel": "linode/grub2",
               "devices": {"sda": {"disk_id": boot.id, "volume_id": null},
                           "sdb": {"disk_id": disk.id, "volume_id": null}}})
    );
    let cid = ChildId::new(linode.id, config.id);
    let mut changes = config.changes();
    changes.comments = Some("main profile".into());
    let updated = group.update_config(cid, &changes).await.unwrap();
    assert_eq!(updated.comments, "main profile");
    // A disk of another Linode cannot be used.
    let err = group
        .create_config(
            linode.id,
            &ConfigUpdate::new()
                .label("bad")
                .device("sda", ConfigDevice::disk(1)),
        )
        .await
        .unwrap_err();
    assert_eq!(api_error(err).1[0].0, "devices.sda.disk_id");

    group.delete_disk(id).await.unwrap();
    assert_eq!(sandbox.disks(linode.id).len(), 1);
    assert!(group.config(cid).await.unwrap().devices["sdb"].is_none());
    group.delete_config(cid).await.unwrap();
    assert!(sandbox.configs(linode.id).is_empty());
    assert!(group.disk(id).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn backups_snapshots_restores_and_instances_made_from_a_backup() {
    let (sandbox, client) = common::setup().await;
    let linode = create_linode(
        &client,
        CreateInstance::from_image("us-east", "g6-standard-1", "linode/debian12")
            .backups_enabled(true),
    )
    .await;
    let auto = sandbox.take_automatic_backup(linode.id).unwrap();
    let snap = linode.snapshot(&client, "before-upgrade").await.unwrap();
    assert_eq!(last_body(&sandbox), json!({"label": "before-upgrade"}));
    assert_eq!(snap.kind, BackupType::Snapshot);
    let backups = linode.available_backups(&client).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("GET /v4/linode/instances/{}/backups", linode.id)
    );
    assert_eq!(backups.automatic.len(), 1);
    assert_eq!(backups.automatic[0].id, auto);
    let current = backups.snapshot.current.expect("the snapshot finished");
    assert_eq!(current.id, snap.id);
    assert_eq!(current.label.as_deref(), Some("before-upgrade"));
    assert!(backups.snapshot.in_progress.is_none());
    assert_eq!(current.disks.len(), 2);

    // A new Linode from the snapshot gets its disks.
    let restored = create_linode(
        &client,
        CreateInstance::from_backup("us-east", "g6-standard-1", current.id),
    )
    .await;
    assert_eq!(
        last_body(&sandbox),
        json!({"region": "us-east", "type": "g6-standard-1", "backup_id": current.id})
    );
    let labels = |id| {
        sandbox
            .disks(id)
            .iter()
            .map(|d| d["label"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(labels(restored.id), labels(linode.id));
    assert_eq!(sandbox.instance(restored.id).unwrap()["status"], "running");

    // Restoring onto an existing Linode, overwriting its disks.
    let target = create_linode(
        &client,
        CreateInstance::from_image("us-east", "g6-standard-1", "linode/ubuntu24.04"),
    )
    .await;
    client
        .linode()
        .restore_backup(ChildId::new(linode.id, auto), target.id, true)
        .await
        .unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"linode_id": target.id, "overwrite": true})
    );
    assert_eq!(labels(target.id), labels(linode.id));
    // Without room and without overwrite, it is refused; in another region too.
    let err = client
        .linode()
        .restore_backup(ChildId::new(linode.id, auto), target.id, false)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    let far = create_linode(&client, CreateInstance::empty("eu-west", "g6-standard-1")).await;
    let err = client
        .linode()
        .restore_backup(ChildId::new(linode.id, auto), far.id, true)
        .await
        .unwrap_err();
    assert_eq!(api_error(err).1[0].0, "linode_id");
    // No snapshots without the backup service.
    let err = far.snapshot(&client, "x").await.unwrap_err();
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn stackscripts_list_mine_only_create_update_delete() {
    let (sandbox, client) = common::setup().await;
    // The shebang is checked before any request.
    let err = client
        .linode()
        .create_stackscript(&CreateStackScript::new(
            "bad",
            "echo hi",
            ["linode/debian12"],
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "script"));
    assert!(sandbox.requests().is_empty());

    let script = "#!/bin/bash\n# <UDF name=\"db_pass\" label=\"Database password\" />\necho ok\n";
    let created = client
        .linode()
        .create_stackscript(
            &CreateStackScript::new("db-setup", script, ["linode/debian12"]).description("DB"),
        )
        .await
        .unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"label": "db-setup", "script": script, "images": ["linode/debian12"], "description": "DB"})
    );
    assert!(created.mine);
    assert_eq!(created.user_defined_fields[0].name, "db_pass");
    assert!(created.user_defined_fields[0].is_required());

    let all = client.linode().stackscripts().await.unwrap();
    assert!(all.len() > 1);
    let mine = client.linode().stackscripts().mine_only().await.unwrap();
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"mine":true}"#)
    );
    assert_eq!(mine.len(), 1);

    let updated = client
        .linode()
        .update_stackscript(created.id, &StackScriptUpdate::new().label("db-setup-2"))
        .await
        .unwrap();
    assert_eq!(updated.label, "db-setup-2");
    assert_eq!(
        sandbox.stackscript(created.id).unwrap()["label"],
        "db-setup-2"
    );
    // Deploying it needs its field.
    let err = client
        .linode()
        .create_instance(CreateInstance::from_stackscript(
            "us-east",
            "g6-nanode-1",
            "linode/debian12",
            created.id,
            Vec::<(String, String)>::new(),
        ))
        .await
        .unwrap_err();
    assert_eq!(api_error(err).1[0].0, "stackscript_data.db_pass");
    client
        .linode()
        .delete_stackscript(created.id)
        .await
        .unwrap();
    assert!(sandbox.stackscript(created.id).is_none());
    // Others' public StackScripts cannot be deleted.
    assert_eq!(
        client
            .linode()
            .delete_stackscript(10079)
            .await
            .unwrap_err()
            .status(),
        Some(403)
    );
}

#[tokio::test]
async fn images_made_from_a_disk_take_its_label_and_join_the_list() {
    let (sandbox, client) = common::setup().await;
    let linode = create_linode(
        &client,
        CreateInstance::from_image("us-east", "g6-standard-1", "linode/debian12"),
    )
    .await;
    let disk = &linode
        .disks(&client)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()[0];
    let image = client
        .create_image(disk.id, None, Some("golden"))
        .await
        .unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"disk_id": disk.id, "description": "golden"})
    );
    assert_eq!(image.label, disk.label);
    assert!(image.id.starts_with("private/"));
    assert_eq!(image.size, disk.size);
    let stored = sandbox.private_image(&image.id).unwrap();
    assert_eq!(stored["status"], "available");

    let listed = client
        .images()
        .list()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(listed.iter().any(|i| i.id == image.id && !i.is_public));
    let mut loaded = client.images().get(&image.id).await.unwrap();
    assert_eq!(loaded.status, ImageStatus::Available);
    loaded.label = "golden-web".into();
    loaded.save(&client).await.unwrap();
    assert_eq!(
        sandbox.private_image(&image.id).unwrap()["label"],
        "golden-web"
    );

    // It can be deployed like a public image.
    let from_private = create_linode(
        &client,
        CreateInstance::from_image("us-east", "g6-standard-1", image.id.clone()),
    )
    .await;
    assert_eq!(from_private.image.unwrap().id(), &image.id);

    let named = client
        .images()
        .create(&CreateImage::from_disk(disk.id).label("named"))
        .await
        .unwrap();
    assert_eq!(named.label, "named");
    let err = client
        .images()
        .create(&CreateImage::from_disk(999))
        .await
        .unwrap_err();
    assert_eq!(
        api_error(err).1,
        [("disk_id".to_owned(), "Disk not found".to_owned())]
    );
    client.images().delete(&named.id).await.unwrap();
    assert!(sandbox.private_image(&named.id).is_none());
    let err = client
        .images()
        .update("linode/debian12", &ImageUpdate::default())
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn ips_are_listed_allocated_assigned_within_a_region_and_freed_with_their_linode() {
    let (sandbox, client) = common::setup().await;
    let a = create_linode(&client, common::debian_nanode("us-east").label("a-1")).await;
    let b = create_linode(&client, common::debian_nanode("us-east").label("b-1")).await;
    let far = create_linode(&client, common::debian_nanode("eu-west").label("far-1")).await;

    let ips_a = a.ips(&client).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("GET /v4/linode/instances/{}/ips", a.id)
    );
    assert_eq!(ips_a.ipv4.public.len(), 1);
    assert_eq!(ips_a.ipv4.public[0].address, a.ipv4[0].to_string());
    assert!(ips_a.ipv6.slaac.is_some());

    // Allocate: a private one through the instance, a public one through networking.
    let private = client.linode().allocate_ip(a.id, false).await.unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"type": "ipv4", "public": false})
    );
    assert!(!private.public);
    let extra = client.networking().allocate_ip(a.id, true).await.unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"type": "ipv4", "public": true, "linode_id": a.id})
    );
    let stored = sandbox.instance(a.id).unwrap();
    assert_eq!(
        stored["ipv4"],
        json!([a.ipv4[0].to_string(), extra.address, private.address])
    );
    let err = client.linode().allocate_ip(a.id, false).await.unwrap_err();
    assert_eq!(api_error(err).1[0].0, "public");

    // Reverse DNS.
    let set = client
        .networking()
        .set_rdns(&extra.address, Some("www.example.org"))
        .await
        .unwrap();
    assert_eq!(last_body(&sandbox), json!({"rdns": "www.example.org"}));
    assert_eq!(set.rdns.as_deref(), Some("www.example.org"));
    assert_eq!(
        client
            .networking()
            .ip(&extra.address)
            .await
            .unwrap()
            .rdns
            .as_deref(),
        Some("www.example.org")
    );

    // Swap the first public addresses of a and b, as the seed does.
    let ips_b = b.ips(&client).await.unwrap();
    client
        .networking()
        .assign_ips(
            a.region.id(),
            [ips_a.ipv4.public[0].to(&b), ips_b.ipv4.public[0].to(&a)],
        )
        .await
        .unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"region": "us-east", "assignments": [
            {"address": a.ipv4[0].to_string(), "linode_id": b.id},
            {"address": b.ipv4[0].to_string(), "linode_id": a.id},
        ]})
    );
    assert_eq!(
        sandbox.instance(b.id).unwrap()["ipv4"],
        json!([a.ipv4[0].to_string()])
    );
    assert!(
        sandbox.instance(a.id).unwrap()["ipv4"]
            .as_array()
            .unwrap()
            .contains(&json!(b.ipv4[0].to_string()))
    );
    // Another region's Linode, and leaving one without a public address, are refused.
    let err = client
        .networking()
        .assign_ips(
            "us-east",
            [IpAssignment::new(extra.address.clone(), far.id)],
        )
        .await
        .unwrap_err();
    assert_eq!(api_error(err).1[0].0, "assignments[0].linode_id");
    let err = client
        .networking()
        .assign_ips("us-east", [IpAssignment::new(a.ipv4[0].to_string(), a.id)])
        .await
        .unwrap_err();
    assert_eq!(api_error(err).1[0].0, "assignments");

    // Every address of the account, then a's leave with it.
    let all = client
        .networking()
        .ips()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 5 + 3);
    client.linode().delete_instance(a.id).await.unwrap();
    let left = client
        .networking()
        .ips()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(left.len(), 2 + 2);
    assert!(left.iter().all(|ip| ip.linode_id != Some(a.id)));
    assert!(
        client
            .networking()
            .ip(&extra.address)
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn ipv6_ranges_and_pools() {
    let (sandbox, client) = common::setup().await;
    let linode = create_linode(&client, common::debian_nanode("us-east")).await;
    let range = client
        .networking()
        .create_ipv6_range(linode.id, 64)
        .await
        .unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"linode_id": linode.id, "prefix_length": 64})
    );
    assert!(range.range.ends_with("/64"));
    assert_eq!(sandbox.ipv6_ranges()[0].0, linode.id);
    let ranges = client.networking().ipv6_ranges().await.unwrap();
    assert_eq!(ranges.len(), 1);
    let details = client.networking().ipv6_range(&range.range).await.unwrap();
    assert_eq!(details.linodes, [linode.id]);
    assert_eq!(linode.ips(&client).await.unwrap().ipv6.global.len(), 1);
    let pools = client
        .networking()
        .ipv6_pools()
        .filter(linode::api::networking::Ipv6Range::REGION.eq("us-east"))
        .await
        .unwrap();
    assert_eq!(pools.len(), 1);
    client
        .networking()
        .delete_ipv6_range(&range.range)
        .await
        .unwrap();
    assert!(sandbox.ipv6_ranges().is_empty());
    assert!(matches!(
        client.networking().create_ipv6_range(linode.id, 48).await,
        Err(Error::InvalidArgument { .. })
    ));
}
