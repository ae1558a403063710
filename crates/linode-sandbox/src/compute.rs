//! State of the Linode family beyond the instances themselves: disks, configuration profiles,
//! backups, StackScripts, private images, reverse DNS and IPv6 ranges.
//!
//! Disks, configs and backups are kept per Linode. An instance seeded or created before its
//! disks were asked for gets them on first use ([`Store::ensure_parts`]), so seeding many
//! instances stays cheap while every instance deployed from an image still has a main disk, a
//! swap disk and a configuration profile.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde_json::{Map, Value, json};

use crate::catalog::catalog;
use crate::store::{Store, Table, now};

/// The username of the sandbox's only user (owner of private StackScripts and images).
pub const USERNAME: &str = "sandbox-user";

/// Size in MB of the swap disk of an instance deployed from an image.
pub const SWAP_MB: u64 = 512;

/// First id handed out to a disk.
pub const FIRST_DISK_ID: u64 = 70_000_000;
/// First id handed out to a configuration profile.
pub const FIRST_CONFIG_ID: u64 = 80_000_000;
/// First id handed out to a backup.
pub const FIRST_BACKUP_ID: u64 = 60_000_000;
/// First id handed out to a private StackScript.
pub const FIRST_STACKSCRIPT_ID: u64 = 1_200_000;
/// First number of a private image (`private/<n>`).
pub const FIRST_IMAGE_ID: u64 = 25_000_000;

/// The Linode family's extra state, kept in [`Store::compute`].
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Compute {
    /// Disks per Linode id (absent: not materialized yet).
    pub disks: HashMap<u64, Table>,
    /// Configuration profiles per Linode id (materialized with the disks).
    pub configs: HashMap<u64, Table>,
    /// Backups (automatic ones and snapshots) per Linode id.
    pub backups: HashMap<u64, Table>,
    /// StackScripts: the public catalog and the account's own.
    pub stackscripts: Table,
    /// Private images by number (`private/<n>`).
    pub images: Table,
    /// Reverse DNS set on addresses (`None`: reset to nothing).
    pub rdns: HashMap<String, Option<String>>,
    /// IPv6 ranges by range address, with the Linode they route to.
    pub ipv6_ranges: BTreeMap<String, (u64, Value)>,
    next_disk_id: u64,
    next_config_id: u64,
    next_backup_id: u64,
    next_stackscript_id: u64,
    next_image_id: u64,
    next_range: u64,
}

impl Default for Compute {
    fn default() -> Self {
        let mut stackscripts = Table::default();
        for script in public_stackscripts() {
            if let Some(id) = script["id"].as_u64() {
                stackscripts.insert(id, script);
            }
        }
        Compute {
            disks: HashMap::new(),
            configs: HashMap::new(),
            backups: HashMap::new(),
            stackscripts,
            images: Table::default(),
            rdns: HashMap::new(),
            ipv6_ranges: BTreeMap::new(),
            next_disk_id: FIRST_DISK_ID,
            next_config_id: FIRST_CONFIG_ID,
            next_backup_id: FIRST_BACKUP_ID,
            next_stackscript_id: FIRST_STACKSCRIPT_ID,
            next_image_id: FIRST_IMAGE_ID,
            next_range: 1,
        }
    }
}

impl Compute {
    /// A fresh disk id.
    pub fn disk_id(&mut self) -> u64 {
        self.next_disk_id += 1;
        self.next_disk_id - 1
    }

    /// A fresh config id.
    pub fn config_id(&mut self) -> u64 {
        self.next_config_id += 1;
        self.next_config_id - 1
    }

    /// A fresh backup id.
    pub fn backup_id(&mut self) -> u64 {
        self.next_backup_id += 1;
        self.next_backup_id - 1
    }

    /// A fresh StackScript id.
    pub fn stackscript_id(&mut self) -> u64 {
        self.next_stackscript_id += 1;
        self.next_stackscript_id - 1
    }

    /// A fresh private image number.
    pub fn image_number(&mut self) -> u64 {
        self.next_image_id += 1;
        self.next_image_id - 1
    }

    /// A fresh IPv6 range of `prefix` bits in `region`.
    pub fn ipv6_range(&mut self, prefix: u64) -> String {
        let n = self.next_range;
        self.next_range += 1;
        if prefix == 56 {
            format!("2600:3c0f:{:x}:{:x}00::", 0x10 + n / 256, n % 256)
        } else {
            format!("2600:3c0e:{:x}:{:x}::", 0x10 + n / 65536, n % 65536)
        }
    }

    /// A backup by id, with the Linode it belongs to.
    pub fn find_backup(&self, backup_id: u64) -> Option<(u64, &Value)> {
        self.backups
            .iter()
            .find_map(|(lid, table)| table.get(backup_id).map(|b| (*lid, b)))
    }

    /// A disk by id, with the Linode it belongs to.
    pub fn find_disk(&self, disk_id: u64) -> Option<(u64, &Value)> {
        self.disks
            .iter()
            .find_map(|(lid, table)| table.get(disk_id).map(|d| (*lid, d)))
    }

    /// A private image by id (`private/<n>`).
    pub fn private_image(&self, id: &str) -> Option<&Value> {
        let n = id.strip_prefix("private/")?.parse().ok()?;
        self.images.get(n)
    }
}

/// A `Disk` object.
pub fn disk_json(id: u64, label: &str, size: u64, filesystem: &str, status: &str) -> Value {
    let ts = now();
    json!({
        "id": id,
        "label": label,
        "status": status,
        "size": size,
        "filesystem": filesystem,
        "created": ts,
        "updated": ts,
        "disk_encryption": "disabled",
    })
}

/// A `LinodeConfig` object booting `devices` (`sda`, `sdb`, ... to disk ids).
pub fn config_json(id: u64, label: &str, devices: &[(&str, u64)], memory_limit: u64) -> Value {
    let ts = now();
    let mut map = Map::new();
    for slot in ["sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "sdh"] {
        let device = devices.iter().find(|(s, _)| *s == slot).map_or(
            Value::Null,
            |(_, disk)| json!({"disk_id": disk, "volume_id": null}),
        );
        map.insert(slot.to_owned(), device);
    }
    json!({
        "id": id,
        "label": label,
        "kernel": "linode/grub2",
        "comments": "",
        "memory_limit": memory_limit,
        "run_level": "default",
        "virt_mode": "paravirt",
        "root_device": "/dev/sda",
        "devices": Value::Object(map),
        "helpers": {
            "updatedb_disabled": true,
            "distro": true,
            "modules_dep": true,
            "network": true,
            "devtmpfs_automount": true,
        },
        "interfaces": [],
        "initrd": null,
        "created": ts,
        "updated": ts,
    })
}

/// The display name of an image (public or private), falling back to its id.
pub fn image_label(store: &Store, image: &str) -> String {
    catalog()
        .image(image)
        .or_else(|| store.compute.private_image(image))
        .and_then(|i| i["label"].as_str())
        .unwrap_or(image)
        .to_owned()
}

/// Whether `image` can be deployed: a public image, or a private one that is available.
pub fn image_deployable(store: &Store, image: &str) -> bool {
    catalog().image(image).is_some()
        || store
            .compute
            .private_image(image)
            .is_some_and(|i| i["status"] == "available")
}

/// Retired Linode types as `(id, label, successor, disk MB, memory MB)`: no longer listed
/// nor created, still the type of older Linodes, each upgraded to its `successor` by a mutate.
const RETIRED_TYPES: &[(&str, &str, &str, u64, u64)] = &[
    ("g5-nanode-1", "Linode 1GB", "g6-nanode-1", 20480, 1024),
    ("g5-standard-1", "Linode 2GB", "g6-standard-1", 30720, 2048),
];

/// The retired types as `LinodeType` objects: their successor's, with their own id, label,
/// disk, memory and `successor`.
static RETIRED: LazyLock<Vec<Value>> = LazyLock::new(|| {
    RETIRED_TYPES
        .iter()
        .filter_map(|&(id, label, successor, disk, memory)| {
            let mut t = catalog().linode_type(successor)?.clone();
            t["id"] = Value::from(id);
            t["label"] = Value::from(label);
            t["disk"] = Value::from(disk);
            t["memory"] = Value::from(memory);
            t["successor"] = Value::from(successor);
            Some(t)
        })
        .collect()
});

/// A Linode type by id, current (from the catalog) or retired (readable by id only).
pub fn any_linode_type(id: &str) -> Option<&'static Value> {
    catalog()
        .linode_type(id)
        .or_else(|| RETIRED.iter().find(|t| t["id"] == id))
}

/// The disk size in MB of a Linode type (0 when unknown).
pub fn type_disk(type_id: &str) -> u64 {
    any_linode_type(type_id)
        .and_then(|t| t["disk"].as_u64())
        .unwrap_or(0)
}

impl Store {
    /// Makes sure the Linode's disks and configs exist: an instance deployed from an image
    /// that never had them gets a main disk, a swap disk and a profile.
    pub fn ensure_parts(&mut self, linode_id: u64) {
        if self.compute.disks.contains_key(&linode_id) {
            return;
        }
        let Some(item) = self.instances.get(linode_id) else {
            return;
        };
        let image = item["image"].as_str().map(str::to_owned);
        let type_id = item["type"].as_str().unwrap_or_default().to_owned();
        self.compute.disks.insert(linode_id, Table::default());
        self.compute.configs.insert(linode_id, Table::default());
        if let Some(image) = image {
            self.deploy_image(linode_id, &image, &type_id);
        }
    }

    /// Replaces the Linode's disks and configs with a fresh deployment of `image`.
    pub fn deploy_image(&mut self, linode_id: u64, image: &str, type_id: &str) {
        let label = image_label(self, image);
        let total = type_disk(type_id);
        let memory = catalog()
            .linode_type(type_id)
            .and_then(|t| t["memory"].as_u64())
            .unwrap_or(0);
        let main_id = self.compute.disk_id();
        let swap_id = self.compute.disk_id();
        let config_id = self.compute.config_id();
        let mut disks = Table::default();
        disks.insert(
            main_id,
            disk_json(
                main_id,
                &format!("{label} Disk"),
                total.saturating_sub(SWAP_MB),
                "ext4",
                "ready",
            ),
        );
        disks.insert(
            swap_id,
            disk_json(
                swap_id,
                &format!("{SWAP_MB} MB Swap Image"),
                SWAP_MB,
                "swap",
                "ready",
            ),
        );
        // Its disks are encrypted when the instance is.
        let encryption = self
            .instances
            .get(linode_id)
            .map_or(Value::from("disabled"), |i| i["disk_encryption"].clone());
        for (_, disk) in disks.iter_mut() {
            disk["disk_encryption"] = encryption.clone();
        }
        let mut configs = Table::default();
        configs.insert(
            config_id,
            config_json(
                config_id,
                &format!("My {label} Profile"),
                &[("sda", main_id), ("sdb", swap_id)],
                memory,
            ),
        );
        self.compute.disks.insert(linode_id, disks);
        self.compute.configs.insert(linode_id, configs);
    }

    /// Puts Linode `id` on type `type_id` (current or retired) with that type's specs, as the
    /// API no longer lets one create a Linode of a retired type; `false` when either is unknown.
    pub fn retype_instance(&mut self, id: u64, type_id: &str) -> bool {
        let (Some(spec), Some(item)) = (any_linode_type(type_id), self.instances.get_mut(id))
        else {
            return false;
        };
        item["type"] = Value::from(type_id);
        for key in ["disk", "memory", "vcpus", "gpus", "transfer"] {
            item["specs"][key] = spec[key].clone();
        }
        true
    }

    /// The MB used by the Linode's disks.
    pub fn disk_usage(&mut self, linode_id: u64) -> u64 {
        self.ensure_parts(linode_id);
        self.compute
            .disks
            .get(&linode_id)
            .map_or(0, |t| t.values().filter_map(|d| d["size"].as_u64()).sum())
    }

    /// Adds the disks and configuration profiles saved in backup `backup_id` to Linode
    /// `target` (no-op when either is gone).
    pub fn restore_backup_into(&mut self, backup_id: u64, target: u64) {
        let Some((_, backup)) = self.compute.find_backup(backup_id) else {
            return;
        };
        let disks: Vec<(String, u64, String)> = backup["disks"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                (
                    d["label"].as_str().unwrap_or("Restored Disk").to_owned(),
                    d["size"].as_u64().unwrap_or(0),
                    d["filesystem"].as_str().unwrap_or("ext4").to_owned(),
                )
            })
            .collect();
        let configs: Vec<String> = backup["configs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect();
        if self.instances.get(target).is_none() {
            return;
        }
        self.ensure_parts(target);
        let memory = self
            .instances
            .get(target)
            .and_then(|i| i["specs"]["memory"].as_u64())
            .unwrap_or(0);
        const SLOTS: [&str; 8] = ["sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "sdh"];
        let mut devices = Vec::new();
        for (i, (label, size, fs)) in disks.into_iter().enumerate() {
            let id = self.compute.disk_id();
            if let Some(slot) = SLOTS.get(i) {
                devices.push((*slot, id));
            }
            self.compute
                .disks
                .entry(target)
                .or_default()
                .insert(id, disk_json(id, &label, size, &fs, "ready"));
        }
        for label in configs {
            let id = self.compute.config_id();
            self.compute
                .configs
                .entry(target)
                .or_default()
                .insert(id, config_json(id, &label, &devices, memory));
        }
    }

    /// Forgets everything that belonged to a deleted Linode: disks, configs, backups, reverse
    /// DNS of its addresses and its IPv6 ranges. Its addresses leave with the instance.
    pub fn forget_linode_parts(&mut self, linode_id: u64, deleted: &Value) {
        self.compute.disks.remove(&linode_id);
        self.compute.configs.remove(&linode_id);
        self.compute.backups.remove(&linode_id);
        if let Some(addresses) = deleted["ipv4"].as_array() {
            for a in addresses.iter().filter_map(Value::as_str) {
                self.compute.rdns.remove(a);
            }
        }
        self.compute
            .ipv6_ranges
            .retain(|_, (owner, _)| *owner != linode_id);
    }
}

/// The public StackScripts every account sees.
fn public_stackscripts() -> Vec<Value> {
    let script = |id: u64,
                  label: &str,
                  description: &str,
                  images: &[&str],
                  fields: Value,
                  deployments: u64| {
        json!({
            "id": id,
            "username": "linode",
            "user_gravatar_id": "9d4d301385af69ceb7ad658aad09c142",
            "label": label,
            "description": description,
            "ordinal": 0,
            "logo_url": "",
            "images": images,
            "deployments_total": deployments,
            "deployments_active": deployments / 10,
            "is_public": true,
            "mine": false,
            "created": "2019-03-08T21:13:32",
            "updated": "2023-08-22T16:41:48",
            "rev_note": "Initial import",
            "script": format!("#!/bin/bash\n# <UDF name=\"placeholder\" label=\"{label}\" default=\"\" />\nset -e\necho '{label}'\n"),
            "user_defined_fields": fields,
        })
    };
    vec![
        script(
            10079,
            "github-user",
            "Creates a sudo user with the SSH keys of a GitHub account.",
            &[
                "linode/debian12",
                "linode/ubuntu24.04",
                "linode/ubuntu22.04",
            ],
            json!([
                {"name": "gh_username", "label": "GitHub username", "example": "linode"},
                {"name": "shell", "label": "Login shell", "oneof": "bash,zsh", "default": "bash"},
            ]),
            48210,
        ),
        script(
            401_697,
            "WordPress One-Click",
            "WordPress with a LAMP stack.",
            &["linode/ubuntu22.04", "linode/debian12"],
            json!([
                {"name": "soa_email_address", "label": "Admin email", "example": "admin@example.com"},
                {"name": "webserver_stack", "label": "Web stack", "oneof": "LAMP,LEMP", "default": "LAMP"},
            ]),
            91832,
        ),
        script(
            1,
            "Hello world",
            "Writes a greeting to the log; runs on any image.",
            &["any/all"],
            json!([]),
            1204,
        ),
    ]
}
