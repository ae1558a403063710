//! State of the Linode family beyond the instances themselves: disks, configuration profiles,
//! backups, StackScripts, private images, reverse DNS and IPv6 ranges.
//!
//! Disks, configs and backups are each one collection whose objects name their Linode
//! ([`Child`], [`Store::children`]). An instance seeded or created before its
//! disks were asked for gets them on first use ([`Store::ensure_parts`]), so seeding many
//! instances stays cheap while every instance deployed from an image still has a main disk, a
//! swap disk and a configuration profile.

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

/// Names of this module's collections.
pub mod names {
    /// StackScripts: the public catalog and the account's own (`StackScript` objects).
    pub const STACKSCRIPTS: &str = "stackscripts";
    /// Private images by number (`private/<n>`), `Image` objects as served.
    pub const PRIVATE_IMAGES: &str = "private_images";
    /// Reverse DNS set on addresses: `{"address": "192.0.2.1", "rdns": <name or null>}` (null:
    /// reset to nothing), found by `address`.
    pub const RDNS: &str = "rdns";
    /// IPv6 ranges: `{"range": "2600:..::", "linode_id": <the Linode it routes to>,
    /// "object": <the range as listed>}`, found by `range`.
    pub const IPV6_RANGES: &str = "ipv6_ranges";
    /// Disks of every Linode (`Disk` objects plus their `linode_id`).
    pub const DISKS: &str = "linode_disks";
    /// Configuration profiles of every Linode (`LinodeConfig` objects plus their `linode_id`).
    pub const CONFIGS: &str = "linode_configs";
    /// Backups of every Linode (`Backup` objects plus their `linode_id`).
    pub const BACKUPS: &str = "linode_backups";
    /// The Linodes whose disks and configs exist (`{"linode_id": ..}` by Linode id): the
    /// others get theirs on first use.
    pub const PARTS: &str = "linode_parts";
}

/// The objects each Linode owns: disks, configuration profiles and backups. Each kind is a
/// collection of objects as served plus the [`PARENT`] field naming their Linode; a Linode's
/// own are derived from it ([`Store::children`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Child {
    /// `Disk` objects.
    Disks,
    /// `LinodeConfig` objects.
    Configs,
    /// `Backup` objects (automatic ones and snapshots).
    Backups,
}

impl Child {
    /// The collection of this kind.
    pub fn table(self) -> &'static str {
        match self {
            Child::Disks => names::DISKS,
            Child::Configs => names::CONFIGS,
            Child::Backups => names::BACKUPS,
        }
    }
}

/// The field of a [`Child`] object naming its Linode (never served).
pub const PARENT: &str = "linode_id";

/// A [`Child`] object as served: without its [`PARENT`] field.
pub fn served(stored: &Value) -> Value {
    let mut object = stored.clone();
    if let Some(fields) = object.as_object_mut() {
        fields.remove(PARENT);
    }
    object
}

fn owned_by(object: &Value, linode_id: u64) -> bool {
    object[PARENT].as_u64() == Some(linode_id)
}

/// Puts the public StackScripts in a new store.
pub(crate) fn seed(store: &mut Store) {
    for script in public_stackscripts() {
        if let Some(id) = script["id"].as_u64() {
            store.table_mut(names::STACKSCRIPTS).insert(id, script);
        }
    }
}

impl Store {
    /// The objects of `kind` of Linode `linode_id` as served, in id order.
    pub fn children(&self, kind: Child, linode_id: u64) -> Vec<Value> {
        let table = self.table(kind.table());
        self.owned_ids(kind.table(), linode_id)
            .into_iter()
            .filter_map(|id| table.get(id))
            .map(served)
            .collect()
    }

    /// How many objects of `kind` Linode `linode_id` has.
    pub fn child_count(&self, kind: Child, linode_id: u64) -> usize {
        self.owned_ids(kind.table(), linode_id).len()
    }

    /// One object of `kind` as served, when Linode `linode_id` owns it.
    pub fn child(&self, kind: Child, linode_id: u64, id: u64) -> Option<Value> {
        self.table(kind.table())
            .get(id)
            .filter(|o| owned_by(o, linode_id))
            .map(served)
    }

    /// One object of `kind` as stored (with its [`PARENT`]), mutable, when Linode
    /// `linode_id` owns it.
    pub fn child_mut(&mut self, kind: Child, linode_id: u64, id: u64) -> Option<&mut Value> {
        self.table_mut(kind.table())
            .get_mut(id)
            .filter(|o| owned_by(o, linode_id))
    }

    /// Every object of `kind` of Linode `linode_id` as stored, mutable.
    pub fn children_mut(
        &mut self,
        kind: Child,
        linode_id: u64,
    ) -> impl Iterator<Item = &mut Value> {
        let ids = self.owned_ids(kind.table(), linode_id);
        self.table_mut(kind.table())
            .iter_mut_where(move |id| ids.binary_search(&id).is_ok())
            .map(|(_, o)| o)
    }

    /// Stores `object` (as served) as Linode `linode_id`'s object `id` of `kind`.
    pub fn add_child(&mut self, kind: Child, linode_id: u64, id: u64, object: Value) {
        self.insert_owned(kind.table(), linode_id, id, object);
    }

    /// Removes Linode `linode_id`'s object `id` of `kind`, answering it as served.
    pub fn remove_child(&mut self, kind: Child, linode_id: u64, id: u64) -> Option<Value> {
        self.table(kind.table())
            .get(id)
            .filter(|o| owned_by(o, linode_id))?;
        self.remove_owned(kind.table(), id).as_ref().map(served)
    }

    /// Removes every object of `kind` of Linode `linode_id`.
    pub fn remove_children(&mut self, kind: Child, linode_id: u64) {
        for id in self.owned_ids(kind.table(), linode_id) {
            self.remove_owned(kind.table(), id);
        }
    }

    /// An object of `kind` by id whatever its Linode: `(its Linode, the object as served)`.
    pub fn find_child(&self, kind: Child, id: u64) -> Option<(u64, Value)> {
        let object = self.table(kind.table()).get(id)?;
        Some((object[PARENT].as_u64().unwrap_or(0), served(object)))
    }

    /// Whether the Linode's disks and configs exist (see [`Store::ensure_parts`]).
    pub fn has_parts(&self, linode_id: u64) -> bool {
        self.table(names::PARTS).get(linode_id).is_some()
    }

    /// Gives the Linode no disks and no configs (they exist, empty).
    pub fn clear_parts(&mut self, linode_id: u64) {
        self.remove_children(Child::Disks, linode_id);
        self.remove_children(Child::Configs, linode_id);
        self.table_mut(names::PARTS)
            .insert(linode_id, json!({"linode_id": linode_id}));
    }

    /// A fresh disk id.
    pub fn disk_id(&mut self) -> u64 {
        self.next_id("disk", FIRST_DISK_ID)
    }

    /// A fresh config id.
    pub fn config_id(&mut self) -> u64 {
        self.next_id("config", FIRST_CONFIG_ID)
    }

    /// A fresh backup id.
    pub fn backup_id(&mut self) -> u64 {
        self.next_id("backup", FIRST_BACKUP_ID)
    }

    /// A fresh StackScript id.
    pub fn stackscript_id(&mut self) -> u64 {
        self.next_id("stackscript", FIRST_STACKSCRIPT_ID)
    }

    /// A fresh private image number.
    pub fn image_number(&mut self) -> u64 {
        self.next_id("private_image", FIRST_IMAGE_ID)
    }

    /// A fresh IPv6 range of `prefix` bits.
    pub fn new_ipv6_range(&mut self, prefix: u64) -> String {
        let n = self.next_id("ipv6_range_number", 1);
        if prefix == 56 {
            format!("2600:3c0f:{:x}:{:x}00::", 0x10 + n / 256, n % 256)
        } else {
            format!("2600:3c0e:{:x}:{:x}::", 0x10 + n / 65536, n % 65536)
        }
    }

    /// Routes the new IPv6 range `range` (its address, as [`Store::new_ipv6_range`] made it)
    /// to Linode `linode_id`; `object` is the range as listed.
    pub fn add_ipv6_range(&mut self, range: &str, linode_id: u64, object: Value) {
        self.put_keyed(
            names::IPV6_RANGES,
            json!({"range": range, "linode_id": linode_id, "object": object}),
        );
    }

    /// Every IPv6 range as `(the Linode it routes to, the range as listed)`, by range address.
    pub fn ipv6_ranges(&self) -> Vec<(u64, &Value)> {
        let mut ranges: Vec<&Value> = self.table(names::IPV6_RANGES).values().collect();
        ranges.sort_by(|a, b| a["range"].as_str().cmp(&b["range"].as_str()));
        ranges
            .into_iter()
            .map(|r| (r["linode_id"].as_u64().unwrap_or(0), &r["object"]))
            .collect()
    }

    /// An IPv6 range by its address: `(the Linode it routes to, the range as listed)`.
    pub fn ipv6_range(&self, range: &str) -> Option<(u64, &Value)> {
        let (_, r) = self.get_keyed(names::IPV6_RANGES, range)?;
        Some((r["linode_id"].as_u64().unwrap_or(0), &r["object"]))
    }

    /// Removes an IPv6 range by its address.
    pub fn remove_ipv6_range(&mut self, range: &str) -> Option<Value> {
        self.remove_keyed(names::IPV6_RANGES, range)
    }

    /// The reverse DNS set on `address`: `None` when never set, `Some(None)` when reset.
    pub fn rdns(&self, address: &str) -> Option<Option<&str>> {
        let (_, r) = self.get_keyed(names::RDNS, address)?;
        Some(r["rdns"].as_str())
    }

    /// Sets (`None`: resets to nothing) the reverse DNS of `address`.
    pub fn set_rdns(&mut self, address: &str, rdns: Option<String>) {
        self.put_keyed(names::RDNS, json!({"address": address, "rdns": rdns}));
    }

    /// Forgets the reverse DNS of `address` (back to its default).
    pub fn forget_rdns(&mut self, address: &str) {
        self.remove_keyed(names::RDNS, address);
    }

    /// A private image by id (`private/<n>`).
    pub fn private_image(&self, id: &str) -> Option<&Value> {
        let n = id.strip_prefix("private/")?.parse().ok()?;
        self.table(names::PRIVATE_IMAGES).get(n)
    }

    /// The private images (`private/<n>`), mutable.
    pub fn private_images_mut(&mut self) -> &mut Table {
        self.table_mut(names::PRIVATE_IMAGES)
    }

    /// The StackScripts (public and the account's own).
    pub fn stackscripts(&self) -> &Table {
        self.table(names::STACKSCRIPTS)
    }

    /// The StackScripts, mutable.
    pub fn stackscripts_mut(&mut self) -> &mut Table {
        self.table_mut(names::STACKSCRIPTS)
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
        .or_else(|| store.private_image(image))
        .and_then(|i| i["label"].as_str())
        .unwrap_or(image)
        .to_owned()
}

/// Whether `image` can be deployed: a public image, or a private one that is available.
pub fn image_deployable(store: &Store, image: &str) -> bool {
    catalog().image(image).is_some()
        || store
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
        if self.has_parts(linode_id) {
            return;
        }
        let Some(item) = self.instances().get(linode_id) else {
            return;
        };
        let image = item["image"].as_str().map(str::to_owned);
        let type_id = item["type"].as_str().unwrap_or_default().to_owned();
        self.clear_parts(linode_id);
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
        let main_id = self.disk_id();
        let swap_id = self.disk_id();
        let config_id = self.config_id();
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
            .instances()
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
        self.clear_parts(linode_id);
        for (id, disk) in disks.iter() {
            self.add_child(Child::Disks, linode_id, id, disk.clone());
        }
        for (id, config) in configs.iter() {
            self.add_child(Child::Configs, linode_id, id, config.clone());
        }
    }

    /// Puts Linode `id` on type `type_id` (current or retired) with that type's specs, as the
    /// API no longer lets one create a Linode of a retired type; `false` when either is unknown.
    pub fn retype_instance(&mut self, id: u64, type_id: &str) -> bool {
        let (Some(spec), Some(item)) = (any_linode_type(type_id), self.instances_mut().get_mut(id))
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
        self.children(Child::Disks, linode_id)
            .iter()
            .filter_map(|d| d["size"].as_u64())
            .sum()
    }

    /// Adds the disks and configuration profiles saved in backup `backup_id` to Linode
    /// `target` (no-op when either is gone).
    pub fn restore_backup_into(&mut self, backup_id: u64, target: u64) {
        let Some((_, backup)) = self.find_child(Child::Backups, backup_id) else {
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
        if self.instances().get(target).is_none() {
            return;
        }
        self.ensure_parts(target);
        let memory = self
            .instances()
            .get(target)
            .and_then(|i| i["specs"]["memory"].as_u64())
            .unwrap_or(0);
        const SLOTS: [&str; 8] = ["sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg", "sdh"];
        let mut devices = Vec::new();
        for (i, (label, size, fs)) in disks.into_iter().enumerate() {
            let id = self.disk_id();
            if let Some(slot) = SLOTS.get(i) {
                devices.push((*slot, id));
            }
            self.add_child(
                Child::Disks,
                target,
                id,
                disk_json(id, &label, size, &fs, "ready"),
            );
        }
        for label in configs {
            let id = self.config_id();
            self.add_child(
                Child::Configs,
                target,
                id,
                config_json(id, &label, &devices, memory),
            );
        }
    }

    /// Forgets everything that belonged to a deleted Linode: disks, configs, backups, reverse
    /// DNS of its addresses and its IPv6 ranges. Its addresses leave with the instance.
    pub fn forget_linode_parts(&mut self, linode_id: u64, deleted: &Value) {
        self.remove_children(Child::Disks, linode_id);
        self.remove_children(Child::Configs, linode_id);
        self.remove_children(Child::Backups, linode_id);
        self.table_mut(names::PARTS).remove(linode_id);
        if let Some(addresses) = deleted["ipv4"].as_array() {
            for a in addresses.iter().filter_map(Value::as_str) {
                self.forget_rdns(a);
            }
        }
        let routed: Vec<String> = self
            .table(names::IPV6_RANGES)
            .values()
            .filter(|r| r["linode_id"].as_u64() == Some(linode_id))
            .filter_map(|r| r["range"].as_str().map(str::to_owned))
            .collect();
        for range in routed {
            self.remove_ipv6_range(&range);
        }
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
