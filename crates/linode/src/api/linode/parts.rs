//! What belongs to one instance: disks, configuration profiles, backups and IP addresses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::interfaces::{ConfigInterface, NewConfigInterface};
use crate::api::networking::{IpAddress, Ipv6Range};
use crate::client::Path;
use crate::filter::filterable;
use crate::model::{ChildId, Encryption, Resource, api_enum, null_default, setters, timestamp};
use crate::operation::operations;

operations! {
    LIST_DISKS = GET "/linode/instances/{linodeId}/disks";
    CREATE_DISK = POST "/linode/instances/{linodeId}/disks";
    GET_DISK = GET "/linode/instances/{linodeId}/disks/{diskId}";
    UPDATE_DISK = PUT "/linode/instances/{linodeId}/disks/{diskId}";
    DELETE_DISK = DELETE "/linode/instances/{linodeId}/disks/{diskId}";
    RESIZE_DISK = POST "/linode/instances/{linodeId}/disks/{diskId}/resize";
    LIST_CONFIGS = GET "/linode/instances/{linodeId}/configs";
    CREATE_CONFIG = POST "/linode/instances/{linodeId}/configs";
    GET_CONFIG = GET "/linode/instances/{linodeId}/configs/{configId}";
    UPDATE_CONFIG = PUT "/linode/instances/{linodeId}/configs/{configId}";
    DELETE_CONFIG = DELETE "/linode/instances/{linodeId}/configs/{configId}";
    GET_BACKUPS = GET "/linode/instances/{linodeId}/backups";
    CREATE_SNAPSHOT = POST "/linode/instances/{linodeId}/backups";
    GET_BACKUP = GET "/linode/instances/{linodeId}/backups/{backupId}";
    RESTORE_BACKUP = POST "/linode/instances/{linodeId}/backups/{backupId}/restore";
    GET_LINODE_IPS = GET "/linode/instances/{linodeId}/ips";
    ADD_LINODE_IP = POST "/linode/instances/{linodeId}/ips";
}

api_enum! {
    /// Whether a disk can be used.
    pub enum DiskStatus {
        /// Usable.
        Ready = "ready",
        /// Being created or resized.
        NotReady = "not ready",
        /// Being deleted.
        Deleting = "deleting",
    }
}

api_enum! {
    /// A disk's filesystem.
    pub enum Filesystem {
        /// No filesystem.
        Raw = "raw",
        /// Swap space.
        Swap = "swap",
        /// ext3.
        Ext3 = "ext3",
        /// ext4.
        Ext4 = "ext4",
        /// An initial ramdisk.
        Initrd = "initrd",
    }
}

/// A disk of an instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Disk {
    /// The disk's id.
    pub id: u64,
    /// Its label (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Whether it is usable (volatile).
    pub status: DiskStatus,
    /// Size in MB.
    #[serde(default)]
    pub size: u64,
    /// Its filesystem.
    pub filesystem: Filesystem,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// Whether it is encrypted at rest, when the API says.
    #[serde(default)]
    pub disk_encryption: Option<Encryption>,
}

filterable!(Disk {
    LABEL: Text = "label",
    SIZE: Number = "size",
});

impl Resource for Disk {
    type Id = ChildId;
    const VOLATILE: bool = true;
    fn path(id: &ChildId) -> Path {
        GET_DISK.path(&[&id.parent, &id.id])
    }
}

/// A new disk: its size, and optionally an image to deploy on it.
///
/// ```
/// use linode::api::linode::CreateDisk;
/// let disk = CreateDisk::new(2048).label("data").filesystem("ext4");
/// ```
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct CreateDisk {
    pub(crate) size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) filesystem: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) image: Option<String>,
    #[serde(flatten)]
    pub(crate) access: super::RootAccess,
}

impl CreateDisk {
    /// An empty disk of `size` MB.
    pub fn new(size: u64) -> Self {
        CreateDisk {
            size,
            ..Default::default()
        }
    }

    super::root_access_setters!();
}

setters! {
    CreateDisk {
        /// Sets the label.
        label: into String,
        /// Sets the filesystem (`ext4` unless set).
        filesystem: into String,
        /// Deploys an image on the disk; a root password is generated unless you set one.
        image: into String,
    }
}

/// A change of a disk's label.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DiskUpdate {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl DiskUpdate {
    /// Renames the disk.
    pub fn label(label: impl Into<String>) -> Self {
        DiskUpdate {
            label: Some(label.into()),
        }
    }
}

/// What sits in one device slot of a configuration profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConfigDevice {
    /// A disk of the instance.
    #[serde(default)]
    pub disk_id: Option<u64>,
    /// A volume.
    #[serde(default)]
    pub volume_id: Option<u64>,
}

/// Device slots as the API sends them, keeping only the slots that are empty or hold a
/// device: a slot of some future shape must not make the whole profile unreadable.
fn known_devices<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, Option<ConfigDevice>>, D::Error> {
    let slots = Option::<BTreeMap<String, serde_json::Value>>::deserialize(d)?.unwrap_or_default();
    Ok(slots
        .into_iter()
        .filter_map(|(slot, value)| Some((slot, serde_json::from_value(value).ok()?)))
        .collect())
}

impl ConfigDevice {
    /// The disk with this id.
    pub fn disk(disk_id: u64) -> Self {
        ConfigDevice {
            disk_id: Some(disk_id),
            volume_id: None,
        }
    }
}

/// Boot helpers of a configuration profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConfigHelpers {
    /// Disables `updatedb`.
    #[serde(default, deserialize_with = "null_default")]
    pub updatedb_disabled: bool,
    /// Distribution helper.
    #[serde(default, deserialize_with = "null_default")]
    pub distro: bool,
    /// Builds module dependencies.
    #[serde(default, deserialize_with = "null_default")]
    pub modules_dep: bool,
    /// Configures networking.
    #[serde(default, deserialize_with = "null_default")]
    pub network: bool,
    /// Mounts devtmpfs.
    #[serde(default, deserialize_with = "null_default")]
    pub devtmpfs_automount: bool,
}

/// A configuration profile: how an instance boots (kernel, devices, helpers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Config {
    /// The profile's id.
    pub id: u64,
    /// Its label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// The kernel it boots, such as `linode/grub2`.
    #[serde(default, deserialize_with = "null_default")]
    pub kernel: String,
    /// Free-form comments.
    #[serde(default, deserialize_with = "null_default")]
    pub comments: String,
    /// Memory limit in MB (0: none).
    #[serde(default, deserialize_with = "null_default")]
    pub memory_limit: u64,
    /// `default`, `single` or `binbash`.
    #[serde(default, deserialize_with = "null_default")]
    pub run_level: String,
    /// `paravirt` or `fullvirt`.
    #[serde(default, deserialize_with = "null_default")]
    pub virt_mode: String,
    /// The root device, such as `/dev/sda`.
    #[serde(default, deserialize_with = "null_default")]
    pub root_device: String,
    /// Device slots (`sda` ... `sdh`) and what they hold (`None`: empty). Slots of a shape
    /// this client does not know are left out.
    #[serde(default, deserialize_with = "known_devices")]
    pub devices: BTreeMap<String, Option<ConfigDevice>>,
    /// Boot helpers.
    #[serde(default, deserialize_with = "null_default")]
    pub helpers: ConfigHelpers,
    /// Network interfaces (`legacy_config` generation), eth0 first.
    #[serde(default, deserialize_with = "null_default")]
    pub interfaces: Vec<ConfigInterface>,
    /// The initial ramdisk disk it boots with, if any.
    #[serde(default)]
    pub initrd: Option<u64>,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
}

filterable!(Config {
    INTERFACES_LABEL: Text = "interfaces.label",
    LABEL: Text = "label",
});

impl Resource for Config {
    type Id = ChildId;
    fn path(id: &ChildId) -> Path {
        GET_CONFIG.path(&[&id.parent, &id.id])
    }
}

impl Config {
    /// The fields the API lets you change, as they are now (for
    /// [`update_config`](super::LinodeGroup::update_config)).
    pub fn changes(&self) -> ConfigUpdate {
        ConfigUpdate {
            label: Some(self.label.clone()),
            kernel: Some(self.kernel.clone()),
            comments: Some(self.comments.clone()),
            memory_limit: Some(self.memory_limit),
            run_level: Some(self.run_level.clone()),
            virt_mode: Some(self.virt_mode.clone()),
            root_device: Some(self.root_device.clone()),
            devices: Some(self.devices.clone()),
            helpers: Some(self.helpers.clone()),
            interfaces: None,
        }
    }
}

/// A new configuration profile, or the fields of one to change: only the fields set are
/// sent. A new profile needs a label and devices.
///
/// ```
/// use linode::api::linode::{ConfigDevice, ConfigUpdate};
/// let profile = ConfigUpdate::new()
///     .label("boot")
///     .device("sda", ConfigDevice::disk(123))
///     .kernel("linode/grub2");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ConfigUpdate {
    /// Label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Kernel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    /// Comments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    /// Memory limit in MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<u64>,
    /// Run level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_level: Option<String>,
    /// Virtualization mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virt_mode: Option<String>,
    /// Root device.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_device: Option<String>,
    /// Device slots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devices: Option<BTreeMap<String, Option<ConfigDevice>>>,
    /// Boot helpers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helpers: Option<ConfigHelpers>,
    /// Network interfaces: when set, they replace the profile's interfaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interfaces: Option<Vec<NewConfigInterface>>,
}

impl ConfigUpdate {
    /// Nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `device` in `slot` (`sda` ... `sdh`).
    pub fn device(mut self, slot: impl Into<String>, device: ConfigDevice) -> Self {
        self.devices
            .get_or_insert_with(BTreeMap::new)
            .insert(slot.into(), Some(device));
        self
    }

    /// Adds a network interface (at most 3; they replace the profile's interfaces).
    pub fn interface(mut self, interface: NewConfigInterface) -> Self {
        self.interfaces.get_or_insert_with(Vec::new).push(interface);
        self
    }
}

setters! {
    ConfigUpdate {
        /// Sets the label.
        label: into String,
        /// Sets the kernel.
        kernel: into String,
        /// Sets the comments.
        comments: into String,
        /// Sets the root device.
        root_device: into String,
    }
}

api_enum! {
    /// An automatic backup or a manual snapshot.
    pub enum BackupType {
        /// Taken by the backup service.
        Auto = "auto",
        /// Taken on request.
        Snapshot = "snapshot",
    }
}

api_enum! {
    /// Progress of a backup.
    pub enum BackupStatus {
        /// Paused.
        Paused = "paused",
        /// Waiting to start.
        Pending = "pending",
        /// Being taken.
        Running = "running",
        /// Being processed.
        NeedsPostProcessing = "needsPostProcessing",
        /// Done.
        Successful = "successful",
        /// Failed.
        Failed = "failed",
        /// Cancelled.
        UserAborted = "userAborted",
    }
}

/// A disk saved in a backup.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BackupDisk {
    /// The disk's label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Its size in MB.
    #[serde(default)]
    pub size: u64,
    /// Its filesystem.
    #[serde(default)]
    pub filesystem: Option<Filesystem>,
}

/// A backup of an instance: automatic or a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Backup {
    /// The backup's id.
    pub id: u64,
    /// Its label (snapshots).
    #[serde(default)]
    pub label: Option<String>,
    /// Automatic or snapshot.
    #[serde(rename = "type")]
    pub kind: BackupType,
    /// Progress (volatile).
    pub status: BackupStatus,
    /// Whether it can be restored.
    #[serde(default)]
    pub available: bool,
    /// The region it is kept in.
    #[serde(default)]
    pub region: Option<String>,
    /// When it was started.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// When it finished.
    #[serde(default, with = "timestamp::option")]
    pub finished: Option<timestamp::Timestamp>,
    /// Labels of the configuration profiles it holds.
    #[serde(default, deserialize_with = "null_default")]
    pub configs: Vec<String>,
    /// The disks it holds.
    #[serde(default, deserialize_with = "null_default")]
    pub disks: Vec<BackupDisk>,
}

impl Resource for Backup {
    type Id = ChildId;
    const VOLATILE: bool = true;
    fn path(id: &ChildId) -> Path {
        GET_BACKUP.path(&[&id.parent, &id.id])
    }
}

/// The backups of an instance that can be restored or are being taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AvailableBackups {
    /// Automatic backups, oldest first.
    #[serde(default, deserialize_with = "null_default")]
    pub automatic: Vec<Backup>,
    /// The manual snapshot slots.
    #[serde(default, deserialize_with = "null_default")]
    pub snapshot: SnapshotBackups,
}

/// The current snapshot and the one being taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SnapshotBackups {
    /// The last finished snapshot.
    #[serde(default)]
    pub current: Option<Backup>,
    /// A snapshot being taken.
    #[serde(default)]
    pub in_progress: Option<Backup>,
}

/// The addresses of an instance (`GET /linode/instances/{id}/ips`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceIps {
    /// IPv4 addresses.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv4: InstanceIpv4,
    /// IPv6 addresses and ranges.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv6: InstanceIpv6,
}

/// IPv4 addresses of an instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceIpv4 {
    /// Public addresses.
    #[serde(default, deserialize_with = "null_default")]
    pub public: Vec<IpAddress>,
    /// Private addresses.
    #[serde(default, deserialize_with = "null_default")]
    pub private: Vec<IpAddress>,
    /// Addresses shared with it.
    #[serde(default, deserialize_with = "null_default")]
    pub shared: Vec<IpAddress>,
    /// Reserved addresses.
    #[serde(default, deserialize_with = "null_default")]
    pub reserved: Vec<IpAddress>,
    /// Addresses in VPC subnets.
    #[serde(default, deserialize_with = "null_default")]
    pub vpc: Vec<VpcIp>,
}

/// IPv6 addresses of an instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceIpv6 {
    /// The SLAAC address.
    #[serde(default)]
    pub slaac: Option<IpAddress>,
    /// The link-local address.
    #[serde(default)]
    pub link_local: Option<IpAddress>,
    /// Ranges routed to it.
    #[serde(default, deserialize_with = "null_default")]
    pub global: Vec<Ipv6Range>,
    /// Ranges in VPC subnets.
    #[serde(default, deserialize_with = "null_default")]
    pub vpc: Vec<VpcIp>,
}

/// An address or range of an instance in a VPC subnet. Every field may be missing: IPv4 and
/// IPv6 entries fill different ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VpcIp {
    /// The IPv4 address.
    #[serde(default)]
    pub address: Option<String>,
    /// The IPv4 range routed to the interface.
    #[serde(default)]
    pub address_range: Option<String>,
    /// The IPv6 range.
    #[serde(default)]
    pub ipv6_range: Option<String>,
    /// Whether the IPv6 range is public.
    #[serde(default)]
    pub ipv6_is_public: Option<bool>,
    /// The IPv6 addresses, as the API sends them.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv6_addresses: Vec<serde_json::Value>,
    /// The VPC.
    #[serde(default)]
    pub vpc_id: Option<u64>,
    /// The subnet.
    #[serde(default)]
    pub subnet_id: Option<u64>,
    /// The region.
    #[serde(default)]
    pub region: Option<String>,
    /// The instance.
    #[serde(default)]
    pub linode_id: Option<u64>,
    /// The configuration profile of the interface (legacy interfaces).
    #[serde(default)]
    pub config_id: Option<u64>,
    /// The interface.
    #[serde(default)]
    pub interface_id: Option<u64>,
    /// Whether the interface is up.
    #[serde(default, deserialize_with = "null_default")]
    pub active: bool,
    /// The public address translated 1:1 to it, if any.
    #[serde(default)]
    pub nat_1_1: Option<String>,
    /// The gateway.
    #[serde(default)]
    pub gateway: Option<String>,
    /// The prefix length.
    #[serde(default)]
    pub prefix: Option<u32>,
    /// The subnet mask.
    #[serde(default)]
    pub subnet_mask: Option<String>,
}
