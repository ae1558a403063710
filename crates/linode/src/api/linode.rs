//! Linode instances and their catalogs: `/linode/instances`, `/linode/types`, `/linode/kernels`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

pub(crate) mod actions;
pub(crate) mod interfaces;
pub(crate) mod parts;
pub(crate) mod stackscripts;

pub use actions::{
    CloneInstance, InstanceStats, InstanceTransfer, IoStats, MonthlyTransfer, NetStats,
    RESCUE_SLOTS, RescueDevices, Series,
};
pub use interfaces::{
    ConfigInterface, ConfigInterfaceIpv4, ConfigInterfaceUpdate, ConfigRef, DefaultRoute,
    DefaultRouteChange, DefaultRouteSettings, InterfaceAddress, InterfaceHistory, InterfacePurpose,
    InterfaceRange, InterfaceSettings, InterfaceSettingsUpdate, InterfaceUpgrade, LinodeInterface,
    LinodeInterfaceUpdate, MAX_INTERFACES, NewConfigInterface, NewLinodeInterface, PublicInterface,
    PublicIpv4, PublicIpv6, UpgradeInterfaces, VlanInterface, VpcInterface, VpcIpv4,
};
pub use parts::{
    AvailableBackups, Backup, BackupDisk, BackupStatus, BackupType, Config, ConfigDevice,
    ConfigHelpers, ConfigUpdate, CreateDisk, Disk, DiskStatus, DiskUpdate, Filesystem, InstanceIps,
    InstanceIpv4, InstanceIpv6, SnapshotBackups, VpcIp,
};
pub use stackscripts::{CreateStackScript, StackScript, StackScriptUpdate, UserDefinedField};

use crate::api::networking::{IpAddress, allocate_request};

use crate::api::images::Image;
use crate::api::regions::Region;
use crate::api::regions::SiteType;
use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::lazy::Lazy;
use crate::model::{
    ChildId, Encryption, LockType, MaintenancePolicy, Ref, Resource, api_enum, null_default,
    setters, timestamp,
};
use crate::operation::{Operation, operations};
use crate::pagination::ListRequest;
use parts::{
    ADD_LINODE_IP, CREATE_CONFIG, CREATE_DISK, CREATE_SNAPSHOT, DELETE_CONFIG, DELETE_DISK,
    GET_BACKUPS, GET_LINODE_IPS, LIST_CONFIGS, LIST_DISKS, RESIZE_DISK, RESTORE_BACKUP,
    UPDATE_CONFIG, UPDATE_DISK,
};
use stackscripts::{CREATE_STACKSCRIPT, DELETE_STACKSCRIPT, LIST_STACKSCRIPTS, UPDATE_STACKSCRIPT};

operations! {
    LIST_INSTANCES = GET "/linode/instances";
    CREATE_INSTANCE = POST "/linode/instances";
    GET_INSTANCE = GET "/linode/instances/{linodeId}";
    UPDATE_INSTANCE = PUT "/linode/instances/{linodeId}";
    DELETE_INSTANCE = DELETE "/linode/instances/{linodeId}";
    BOOT_INSTANCE = POST "/linode/instances/{linodeId}/boot";
    REBOOT_INSTANCE = POST "/linode/instances/{linodeId}/reboot";
    SHUTDOWN_INSTANCE = POST "/linode/instances/{linodeId}/shutdown";
    REBUILD_INSTANCE = POST "/linode/instances/{linodeId}/rebuild";
    RESIZE_INSTANCE = POST "/linode/instances/{linodeId}/resize";
    MIGRATE_INSTANCE = POST "/linode/instances/{linodeId}/migrate";
    LIST_TYPES = GET "/linode/types";
    GET_TYPE = GET "/linode/types/{typeId}";
    LIST_KERNELS = GET "/linode/kernels";
    GET_KERNEL = GET "/linode/kernels/{kernelId}";
}

api_enum! {
    /// What an instance is doing. Volatile: it changes without any action of yours.
    pub enum InstanceStatus {
        /// Up.
        Running = "running",
        /// Powered off.
        Offline = "offline",
        /// Starting.
        Booting = "booting",
        /// Restarting.
        Rebooting = "rebooting",
        /// Powering off.
        ShuttingDown = "shutting_down",
        /// Being created.
        Provisioning = "provisioning",
        /// Being deleted.
        Deleting = "deleting",
        /// Moving to another host or region.
        Migrating = "migrating",
        /// Being rebuilt from an image.
        Rebuilding = "rebuilding",
        /// Being cloned.
        Cloning = "cloning",
        /// Being restored from a backup.
        Restoring = "restoring",
        /// Changing plan.
        Resizing = "resizing",
        /// Stopped (for example by maintenance).
        Stopped = "stopped",
        /// Suspended for billing.
        BillingSuspension = "billing_suspension",
    }
}

/// A Linode: a virtual machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Instance {
    /// The instance's id.
    pub id: u64,
    /// Its label (mutable).
    pub label: String,
    /// Its group (mutable; deprecated by the API in favour of tags).
    #[serde(default, deserialize_with = "null_default")]
    pub group: String,
    /// Its tags (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// Where it runs.
    pub region: Ref<Region>,
    /// Its plan.
    #[serde(rename = "type")]
    pub instance_type: Ref<LinodeType>,
    /// The image it was deployed from, if any.
    #[serde(default)]
    pub image: Option<Ref<Image>>,
    /// What it is doing now (volatile).
    pub status: InstanceStatus,
    /// The hypervisor, `kvm`.
    #[serde(default)]
    pub hypervisor: Option<String>,
    /// When it was created.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When it was last changed.
    #[serde(with = "timestamp")]
    pub updated: timestamp::Timestamp,
    /// Its IPv4 addresses, public first.
    #[serde(default, deserialize_with = "null_default")]
    pub ipv4: Vec<std::net::Ipv4Addr>,
    /// Its IPv6 SLAAC address, if any.
    #[serde(default)]
    pub ipv6: Option<String>,
    /// The resources it has.
    #[serde(default, deserialize_with = "null_default")]
    pub specs: InstanceSpecs,
    /// Alert thresholds (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub alerts: InstanceAlerts,
    /// Backup service status.
    #[serde(default, deserialize_with = "null_default")]
    pub backups: InstanceBackups,
    /// Whether the shutdown watchdog is on (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub watchdog_enabled: bool,
    /// The host machine's id.
    #[serde(default)]
    pub host_uuid: Option<String>,
    /// Whether it was deployed with user data.
    #[serde(default, deserialize_with = "null_default")]
    pub has_user_data: bool,
    /// What it can use, such as `Block Storage Encryption`.
    #[serde(default, deserialize_with = "null_default")]
    pub capabilities: Vec<String>,
    /// Whether its disks are encrypted.
    #[serde(default)]
    pub disk_encryption: Option<Encryption>,
    /// How its network interfaces are declared: in configuration profiles or on the Linode.
    #[serde(default)]
    pub interface_generation: Option<InterfaceGeneration>,
    /// The Kubernetes cluster it is a node of, if any.
    #[serde(default)]
    pub lke_cluster_id: Option<u64>,
    /// Locks that refuse some operations on it.
    #[serde(default, deserialize_with = "null_default")]
    pub locks: Vec<LockType>,
    /// What happens to it during host maintenance.
    #[serde(default)]
    pub maintenance_policy: Option<MaintenancePolicy>,
    /// The placement group it is in, if any.
    #[serde(default)]
    pub placement_group: Option<crate::api::placement::InstancePlacementGroup>,
    /// Whether its region is a core or a distributed site.
    #[serde(default)]
    pub site_type: Option<SiteType>,
}

api_enum! {
    /// How a Linode's network interfaces are declared.
    pub enum InterfaceGeneration {
        /// In its configuration profiles.
        LegacyConfig = "legacy_config",
        /// On the Linode itself (`/linode/instances/{id}/interfaces`).
        Linode = "linode",
    }
}

/// The resources of an instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceSpecs {
    /// Storage in MB.
    #[serde(default, deserialize_with = "null_default")]
    pub disk: u64,
    /// RAM in MB.
    #[serde(default, deserialize_with = "null_default")]
    pub memory: u64,
    /// Virtual CPUs.
    #[serde(default, deserialize_with = "null_default")]
    pub vcpus: u32,
    /// GPUs.
    #[serde(default, deserialize_with = "null_default")]
    pub gpus: u32,
    /// Monthly network transfer in GB.
    #[serde(default, deserialize_with = "null_default")]
    pub transfer: u64,
    /// Accelerator devices (VPUs).
    #[serde(default, deserialize_with = "null_default")]
    pub accelerated_devices: u32,
}

/// Alert thresholds of an instance; `0` turns an alert off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceAlerts {
    /// CPU usage in percent (100 per core).
    #[serde(default, deserialize_with = "null_default")]
    pub cpu: u32,
    /// Incoming traffic in Mbit/s.
    #[serde(default, deserialize_with = "null_default")]
    pub network_in: u32,
    /// Outgoing traffic in Mbit/s.
    #[serde(default, deserialize_with = "null_default")]
    pub network_out: u32,
    /// Percentage of the transfer quota.
    #[serde(default, deserialize_with = "null_default")]
    pub transfer_quota: u32,
    /// Disk operations per second.
    #[serde(default, deserialize_with = "null_default")]
    pub io: u32,
    /// The ids of the system alert definitions applied to it (not sent when empty).
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub system_alerts: Vec<u64>,
    /// The ids of the user alert definitions applied to it (not sent when empty).
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub user_alerts: Vec<u64>,
}

/// Backup service status of an instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceBackups {
    /// Whether the backup service is on.
    #[serde(default, deserialize_with = "null_default")]
    pub enabled: bool,
    /// Whether backups can be restored now.
    #[serde(default, deserialize_with = "null_default")]
    pub available: bool,
    /// When backups are taken (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub schedule: BackupSchedule,
    /// The last successful backup.
    #[serde(default, with = "timestamp::option")]
    pub last_successful: Option<timestamp::Timestamp>,
}

/// When backups are taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BackupSchedule {
    /// Preferred day (`Saturday`, or `Scheduling` until chosen).
    #[serde(default)]
    pub day: Option<String>,
    /// Two-hour window in UTC (`W22`, or `Scheduling`).
    #[serde(default)]
    pub window: Option<String>,
}

filterable!(Instance {
    GROUP: Text = "group",
    ID: Number = "id",
    IMAGE: Text = "image",
    INTERFACE_GENERATION: Text = "interface_generation",
    IPV4: Text = "ipv4",
    LABEL: Text = "label",
    PLACEMENT_GROUP_LABEL: Text = "placement_group.label",
    PLACEMENT_GROUP_TYPE: Text = "placement_group.placement_group_type",
    REGION: Text = "region",
    TAGS: Text = "tags",
});

impl Resource for Instance {
    type Id = u64;
    const VOLATILE: bool = true;
    fn path(id: &u64) -> Path {
        GET_INSTANCE.path(&[id])
    }
}

impl Instance {
    /// The fields of this instance the API lets you change, as they are now: what
    /// [`save`](Instance::save) sends.
    pub fn changes(&self) -> InstanceUpdate {
        InstanceUpdate {
            label: Some(self.label.clone()),
            group: Some(self.group.clone()),
            tags: Some(self.tags.clone()),
            alerts: Some(self.alerts.clone()),
            watchdog_enabled: Some(self.watchdog_enabled),
            backups: Some(BackupsUpdate {
                schedule: self.backups.schedule.clone(),
            }),
        }
    }

    /// Sends the mutable fields (label, group, tags, alerts, watchdog, backup schedule) and
    /// replaces `self` with the API's answer.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client, mut linode: linode::api::linode::Instance) -> linode::Result<()> {
    /// linode.label = "new-label".into();
    /// linode.group = "new-group".into();
    /// linode.save(&client).await?;
    /// # Ok(()) }
    /// ```
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client
            .linode()
            .update_instance(self.id, &self.changes())
            .await?;
        Ok(())
    }

    /// Deletes the instance.
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.linode().delete_instance(self.id).await
    }

    /// A lazy handle on this instance holding its current value.
    pub fn into_lazy(self, client: &Client) -> Lazy<Instance> {
        Lazy::with_value(client, self.id, self)
    }

    /// Boots it.
    pub async fn boot(&self, client: &Client) -> Result<()> {
        client.linode().boot(self.id).await
    }

    /// Reboots it.
    pub async fn reboot(&self, client: &Client) -> Result<()> {
        client.linode().reboot(self.id).await
    }

    /// Shuts it down.
    pub async fn shutdown(&self, client: &Client) -> Result<()> {
        client.linode().shutdown(self.id).await
    }

    /// Rebuilds it from a new image (see [`LinodeGroup::rebuild`]).
    pub async fn rebuild(&self, client: &Client, request: RebuildInstance) -> Result<NewInstance> {
        client.linode().rebuild(self.id, request).await
    }

    /// Moves it to plan `instance_type`.
    pub async fn resize(&self, client: &Client, instance_type: &str) -> Result<()> {
        client
            .linode()
            .resize(self.id, &ResizeInstance::new(instance_type))
            .await
    }

    /// Its disks.
    pub fn disks(&self, client: &Client) -> ListRequest<Disk> {
        client.linode().disks(self.id)
    }

    /// Its configuration profiles.
    pub fn configs(&self, client: &Client) -> ListRequest<Config> {
        client.linode().configs(self.id)
    }

    /// Its backups: automatic ones and the current and in-progress snapshot.
    pub async fn available_backups(&self, client: &Client) -> Result<AvailableBackups> {
        client.linode().available_backups(self.id).await
    }

    /// Takes a manual snapshot.
    pub async fn snapshot(&self, client: &Client, label: &str) -> Result<Backup> {
        client.linode().snapshot(self.id, label).await
    }

    /// Its addresses.
    pub async fn ips(&self, client: &Client) -> Result<InstanceIps> {
        client.linode().ips(self.id).await
    }
}

/// A partial update of an instance: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct InstanceUpdate {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// New tags (replacing all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// New alert thresholds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alerts: Option<InstanceAlerts>,
    /// Turn the watchdog on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watchdog_enabled: Option<bool>,
    /// New backup schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backups: Option<BackupsUpdate>,
}

impl InstanceUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }
}

setters! {
    InstanceUpdate {
        /// Sets the label.
        label: into String,
        /// Sets the group.
        group: into String,
        /// Replaces the tags.
        tags: list String,
    }
}

/// The mutable part of [`InstanceBackups`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BackupsUpdate {
    /// When backups are taken.
    pub schedule: BackupSchedule,
}

/// What to create: build it with [`from_image`](CreateInstance::from_image) or
/// [`empty`](CreateInstance::empty), then set options.
///
/// ```
/// use linode::api::linode::CreateInstance;
/// let request = CreateInstance::from_image("us-east", "g6-standard-2", "linode/debian12")
///     .label("web-1")
///     .tags(["prod"]);
/// ```
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct CreateInstance {
    region: String,
    #[serde(rename = "type")]
    instance_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(flatten)]
    access: RootAccess,
    #[serde(skip_serializing_if = "Option::is_none")]
    stackscript_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stackscript_data: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    booted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    private_ip: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backups_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disk_encryption: Option<Encryption>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interface_generation: Option<InterfaceGeneration>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    interfaces: Vec<NewLinodeInterface>,
}

fn expose<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

impl CreateInstance {
    /// An instance deployed from `image` (booted once created). Unless you give a root password
    /// or SSH keys (or users), a strong password is generated and returned by
    /// [`create_instance`](LinodeGroup::create_instance).
    pub fn from_image(
        region: impl Into<String>,
        instance_type: impl Into<String>,
        image: impl Into<String>,
    ) -> Self {
        CreateInstance {
            image: Some(image.into()),
            ..Self::empty(region, instance_type)
        }
    }

    /// An instance deployed from `image` running StackScript `stackscript_id` on first boot,
    /// with `data` for its user-defined fields. The image must be one the StackScript
    /// supports.
    ///
    /// ```
    /// use linode::api::linode::CreateInstance;
    /// let request = CreateInstance::from_stackscript(
    ///     "us-east", "g6-standard-1", "linode/debian12", 10079, [("gh_username", "example")],
    /// );
    /// ```
    pub fn from_stackscript<K: Into<String>, V: Into<String>>(
        region: impl Into<String>,
        instance_type: impl Into<String>,
        image: impl Into<String>,
        stackscript_id: u64,
        data: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        CreateInstance {
            stackscript_id: Some(stackscript_id),
            stackscript_data: Some(
                data.into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            ),
            ..Self::from_image(region, instance_type, image)
        }
    }

    /// An instance restored from a backup (such as
    /// `available_backups.snapshot.current`), booted once created.
    pub fn from_backup(
        region: impl Into<String>,
        instance_type: impl Into<String>,
        backup_id: u64,
    ) -> Self {
        CreateInstance {
            backup_id: Some(backup_id),
            ..Self::empty(region, instance_type)
        }
    }

    /// An instance with no disks, not booted.
    pub fn empty(region: impl Into<String>, instance_type: impl Into<String>) -> Self {
        CreateInstance {
            region: region.into(),
            instance_type: instance_type.into(),
            ..Default::default()
        }
    }

    /// Sets the tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    root_access_setters!();

    /// Gives it Linode interfaces (the `linode` generation) from the start; the interfaces
    /// are checked and made with it in one request.
    pub fn linode_interfaces(
        mut self,
        interfaces: impl IntoIterator<Item = NewLinodeInterface>,
    ) -> Self {
        self.interface_generation = Some(InterfaceGeneration::Linode);
        self.interfaces = interfaces.into_iter().collect();
        self
    }

    fn validate(&self) -> Result<()> {
        if self.region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        if self.instance_type.trim().is_empty() {
            return Err(Error::invalid("type", "is empty"));
        }
        if self.interfaces.len() > MAX_INTERFACES {
            return Err(Error::invalid("interfaces", "at most 3 interfaces"));
        }
        for (i, interface) in self.interfaces.iter().enumerate() {
            interface.check(&format!("interfaces[{i}]."))?;
        }
        if let Some(label) = &self.label {
            if label.trim().is_empty() {
                return Err(Error::invalid("label", "is empty"));
            }
        }
        if self.backup_id.is_some() && self.image.is_some() {
            return Err(Error::invalid(
                "image",
                "an instance restored from a backup takes no image",
            ));
        }
        Ok(())
    }
}

setters! {
    CreateInstance {
        /// Sets the label.
        label: into String,
        /// Sets the group.
        group: into String,
        /// Adds a private IPv4 address.
        private_ip: value bool,
        /// Enrols the instance in the backup service.
        backups_enabled: value bool,
        /// Whether to boot once created (the API boots instances created from an image or a
        /// backup).
        booted: value bool,
        /// Whether to encrypt its disks (in regions offering Disk Encryption, where the API
        /// encrypts them unless told otherwise).
        disk_encryption: value Encryption,
    }
}

/// Root access to a deployed image: the root password and the SSH keys for root, given as keys
/// or as public key files. Instance creation, rebuild and disk creation share it.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct RootAccess {
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose")]
    root_pass: Option<SecretString>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authorized_keys: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authorized_users: Vec<String>,
    #[serde(skip)]
    authorized_key_files: Vec<PathBuf>,
}

impl RootAccess {
    /// Before the request: reads the key files into the keys and, when an image is deployed
    /// without a root password, generates one, unless `keys_suffice` and SSH keys or users
    /// already give access (as instance creation allows). Returns the root password, if any.
    fn prepare(&mut self, deploys_image: bool, keys_suffice: bool) -> Result<Option<SecretString>> {
        let keys = read_key_files(&self.authorized_key_files)?;
        self.authorized_keys.extend(keys);
        let has_keys = !self.authorized_keys.is_empty() || !self.authorized_users.is_empty();
        if deploys_image && self.root_pass.is_none() && !(keys_suffice && has_keys) {
            self.root_pass = Some(generate_root_password()?);
        }
        Ok(self.root_pass.clone())
    }
}

/// The setters of a builder's [`RootAccess`] (a field named `access`).
macro_rules! root_access_setters {
    () => {
        /// Sets the root password instead of having one generated.
        pub fn root_pass(mut self, password: impl Into<String>) -> Self {
            self.access.root_pass = Some(secrecy::SecretString::from(password.into()));
            self
        }

        /// Adds SSH public keys for root.
        pub fn authorized_keys<S: Into<String>>(
            mut self,
            keys: impl IntoIterator<Item = S>,
        ) -> Self {
            self.access
                .authorized_keys
                .extend(keys.into_iter().map(Into::into));
            self
        }

        /// Adds the SSH keys of these users of the account (their profile keys) for root.
        pub fn authorized_users<S: Into<String>>(
            mut self,
            users: impl IntoIterator<Item = S>,
        ) -> Self {
            self.access
                .authorized_users
                .extend(users.into_iter().map(Into::into));
            self
        }

        /// Adds SSH public keys for root read from files (such as `~/.ssh/id_ed25519.pub`),
        /// read before any request is sent; a file that cannot be read is an error naming it.
        pub fn authorized_key_files<P: Into<std::path::PathBuf>>(
            mut self,
            paths: impl IntoIterator<Item = P>,
        ) -> Self {
            self.access
                .authorized_key_files
                .extend(paths.into_iter().map(Into::into));
            self
        }
    };
}
use root_access_setters;

/// Reads SSH public keys from files, one or more per file (blank lines and `#` comments
/// skipped); an unreadable or empty file is an error naming it.
fn read_key_files(paths: &[PathBuf]) -> Result<Vec<String>> {
    let mut keys = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::invalid(
                "authorized_keys",
                format!("cannot read public key file {}: {e}", path.display()),
            )
        })?;
        let found: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect();
        if found.is_empty() {
            return Err(Error::invalid(
                "authorized_keys",
                format!("public key file {} holds no key", path.display()),
            ));
        }
        keys.extend(found);
    }
    Ok(keys)
}

/// A rebuild: a new image (and optionally a StackScript) on an existing instance, whose disks
/// are replaced. Unless you give a root password, a strong one is generated and returned.
///
/// ```
/// use linode::api::linode::RebuildInstance;
/// let rebuild = RebuildInstance::new("linode/ubuntu24.04").booted(false);
/// ```
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct RebuildInstance {
    image: String,
    #[serde(flatten)]
    access: RootAccess,
    #[serde(skip_serializing_if = "Option::is_none")]
    stackscript_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stackscript_data: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    booted: Option<bool>,
}

impl RebuildInstance {
    /// Rebuilds from `image`.
    pub fn new(image: impl Into<String>) -> Self {
        RebuildInstance {
            image: image.into(),
            ..Default::default()
        }
    }

    root_access_setters!();

    /// Runs a StackScript with `data` for its user-defined fields.
    pub fn stackscript<K: Into<String>, V: Into<String>>(
        mut self,
        stackscript_id: u64,
        data: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.stackscript_id = Some(stackscript_id);
        self.stackscript_data = Some(
            data.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        );
        self
    }
}

setters! {
    RebuildInstance {
        /// Whether to boot once rebuilt (default: yes).
        booted: value bool,
    }
}

/// A change of plan.
///
/// ```
/// use linode::api::linode::ResizeInstance;
/// let resize = ResizeInstance::new("g6-standard-4").allow_auto_disk_resize(false);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ResizeInstance {
    #[serde(rename = "type")]
    instance_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    allow_auto_disk_resize: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    migration_type: Option<String>,
}

impl ResizeInstance {
    /// Moves to plan `instance_type`.
    pub fn new(instance_type: impl Into<String>) -> Self {
        ResizeInstance {
            instance_type: instance_type.into(),
            ..Default::default()
        }
    }
}

setters! {
    ResizeInstance {
        /// Whether the main disk grows to the new plan's size (default: yes).
        allow_auto_disk_resize: value bool,
        /// `warm` (keeps running as long as it can) or `cold`.
        migration_type: into String,
    }
}

/// A freshly created instance, with the root password it was deployed with.
#[derive(Debug)]
#[non_exhaustive]
pub struct NewInstance {
    /// The instance as the API returned it.
    pub instance: Instance,
    /// The root password: the one generated for you, or the one you gave. `None` for an empty
    /// instance.
    pub root_pass: Option<SecretString>,
}

/// A root password of 32 characters from the OS random source, with lower and upper case
/// letters, digits and symbols.
pub fn generate_root_password() -> Result<SecretString> {
    use rand::TryRng;
    const ALPHABET: &[u8] =
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_=+[]{}<>?";
    // Largest multiple of the alphabet's size below 256, so every symbol is equally likely.
    let zone = 256 - 256 % ALPHABET.len();
    loop {
        let mut bytes = [0u8; 128];
        rand::rngs::SysRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| Error::Config(format!("the OS random source failed: {e}")))?;
        let password: String = bytes
            .iter()
            .filter(|&&b| (b as usize) < zone)
            .map(|&b| ALPHABET[b as usize % ALPHABET.len()] as char)
            .take(32)
            .collect();
        let classes = [
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| c.is_ascii_punctuation()),
        ];
        if password.len() == 32 && classes.iter().all(|&present| present) {
            return Ok(SecretString::from(password));
        }
    }
}

api_enum! {
    /// The family of a Linode type.
    pub enum TypeClass {
        /// Shared CPU, smallest plan.
        Nanode = "nanode",
        /// Shared CPU.
        Standard = "standard",
        /// Dedicated CPU.
        Dedicated = "dedicated",
        /// High memory.
        Highmem = "highmem",
        /// With GPUs.
        Gpu = "gpu",
        /// Premium CPUs.
        Premium = "premium",
        /// With accelerators.
        Accelerated = "accelerated",
    }
}

/// A plan: CPU, memory, disk and price, such as `g6-standard-2`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinodeType {
    /// The type's id.
    pub id: String,
    /// A display name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Its family.
    pub class: TypeClass,
    /// Storage in MB.
    #[serde(default, deserialize_with = "null_default")]
    pub disk: u64,
    /// RAM in MB.
    #[serde(default, deserialize_with = "null_default")]
    pub memory: u64,
    /// Virtual CPUs.
    #[serde(default, deserialize_with = "null_default")]
    pub vcpus: u32,
    /// GPUs.
    #[serde(default, deserialize_with = "null_default")]
    pub gpus: u32,
    /// Outbound bandwidth in Mbit/s.
    #[serde(default, deserialize_with = "null_default")]
    pub network_out: u64,
    /// Monthly transfer in GB.
    #[serde(default, deserialize_with = "null_default")]
    pub transfer: u64,
    /// Price.
    #[serde(default)]
    pub price: Option<Price>,
    /// The type that replaces it, if it is being retired.
    #[serde(default)]
    pub successor: Option<String>,
    /// Accelerator devices (VPUs).
    #[serde(default, deserialize_with = "null_default")]
    pub accelerated_devices: u32,
    /// Prices in regions that differ from [`price`](LinodeType::price).
    #[serde(default, deserialize_with = "null_default")]
    pub region_prices: Vec<RegionPrice>,
    /// Services added to an instance of this type, and their prices.
    #[serde(default, deserialize_with = "null_default")]
    pub addons: TypeAddons,
}

/// A price that applies in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RegionPrice {
    /// The region.
    pub id: String,
    /// Per hour.
    #[serde(default, deserialize_with = "null_default")]
    pub hourly: f64,
    /// Per month.
    #[serde(default, deserialize_with = "null_default")]
    pub monthly: f64,
}

/// The services that can be added to an instance of a type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TypeAddons {
    /// The backup service.
    #[serde(default)]
    pub backups: Option<AddonPrice>,
}

/// The price of an add-on service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AddonPrice {
    /// Its base price.
    #[serde(default)]
    pub price: Option<Price>,
    /// Prices in regions that differ from the base price.
    #[serde(default, deserialize_with = "null_default")]
    pub region_prices: Vec<RegionPrice>,
}

/// A price in US dollars.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Price {
    /// Per hour.
    #[serde(default, deserialize_with = "null_default")]
    pub hourly: f64,
    /// Per month.
    #[serde(default, deserialize_with = "null_default")]
    pub monthly: f64,
}

filterable!(LinodeType {
    ACCELERATED_DEVICES: Number = "accelerated_devices",
    CLASS: Text = "class",
    DISK: Number = "disk",
    GPUS: Number = "gpus",
    LABEL: Text = "label",
    MEMORY: Number = "memory",
    NETWORK_OUT: Number = "network_out",
    TRANSFER: Number = "transfer",
    VCPUS: Number = "vcpus",
});

impl Resource for LinodeType {
    type Id = String;
    fn path(id: &String) -> Path {
        GET_TYPE.path(&[id])
    }
}

/// A kernel an instance's configuration can boot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Kernel {
    /// The kernel's id, such as `linode/latest-64bit`.
    pub id: String,
    /// A display name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Its version.
    #[serde(default, deserialize_with = "null_default")]
    pub version: String,
    /// Whether it suits KVM.
    #[serde(default, deserialize_with = "null_default")]
    pub kvm: bool,
    /// `x86_64` or `i386`.
    #[serde(default, deserialize_with = "null_default")]
    pub architecture: String,
    /// Whether it is paravirtualized.
    #[serde(default, deserialize_with = "null_default")]
    pub pvops: bool,
    /// Whether it is deprecated.
    #[serde(default, deserialize_with = "null_default")]
    pub deprecated: bool,
    /// When it was built.
    #[serde(default, with = "timestamp::option")]
    pub built: Option<timestamp::Timestamp>,
}

filterable!(Kernel {
    ARCHITECTURE: Text = "architecture",
    DEPRECATED: Bool = "deprecated",
    KVM: Bool = "kvm",
    LABEL: Text = "label",
    PVOPS: Bool = "pvops",
    VERSION: Text = "version",
});

impl Resource for Kernel {
    type Id = String;
    fn path(id: &String) -> Path {
        GET_KERNEL.path(&[id])
    }
}

/// Calls under `/linode`.
#[derive(Debug, Clone, Copy)]
pub struct LinodeGroup<'c> {
    pub(crate) client: &'c Client,
}

impl Client {
    /// Instances, types and kernels (`/linode/...`).
    pub fn linode(&self) -> LinodeGroup<'_> {
        LinodeGroup { client: self }
    }
}

impl LinodeGroup<'_> {
    /// Lists your instances.
    pub fn instances(&self) -> ListRequest<Instance> {
        ListRequest::new(self.client, LIST_INSTANCES.path(&[]))
    }

    /// Loads one instance.
    pub async fn instance(&self, id: u64) -> Result<Instance> {
        self.client.load::<Instance>(id).await
    }

    /// Creates an instance. When it is deployed from an image with neither a root password
    /// nor SSH keys or users, a strong password is generated from the OS random source and
    /// returned.
    pub async fn create_instance(&self, mut request: CreateInstance) -> Result<NewInstance> {
        request.validate()?;
        let root_pass = request.access.prepare(request.image.is_some(), true)?;
        let http = CREATE_INSTANCE.with_body(&[], &request)?;
        let instance = self.client.send(http).await?;
        Ok(NewInstance {
            instance,
            root_pass,
        })
    }

    /// Changes the fields set in `update` and returns the instance as it is now.
    pub async fn update_instance(&self, id: u64, update: &InstanceUpdate) -> Result<Instance> {
        if update.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
            return Err(Error::invalid("label", "is empty"));
        }
        self.client
            .send(UPDATE_INSTANCE.with_body(&[&id], update)?)
            .await
    }

    /// Deletes an instance.
    pub async fn delete_instance(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_INSTANCE.request(&[&id]))
            .await
    }

    /// Sends a power action (boot, reboot, shutdown) with its body.
    async fn power(&self, id: u64, action: Operation, body: serde_json::Value) -> Result<()> {
        self.client
            .send_empty(action.with_body(&[&id], &body)?)
            .await
    }

    /// Boots an instance with its default configuration profile.
    pub async fn boot(&self, id: u64) -> Result<()> {
        self.power(id, BOOT_INSTANCE, serde_json::json!({})).await
    }

    /// Boots an instance with configuration profile `config_id`.
    pub async fn boot_with_config(&self, id: u64, config_id: u64) -> Result<()> {
        self.power(
            id,
            BOOT_INSTANCE,
            serde_json::json!({ "config_id": config_id }),
        )
        .await
    }

    /// Reboots an instance.
    pub async fn reboot(&self, id: u64) -> Result<()> {
        self.power(id, REBOOT_INSTANCE, serde_json::json!({})).await
    }

    /// Shuts an instance down.
    pub async fn shutdown(&self, id: u64) -> Result<()> {
        self.power(id, SHUTDOWN_INSTANCE, serde_json::json!({}))
            .await
    }

    /// Rebuilds an instance from a new image, replacing its disks; returns the instance and
    /// the root password (generated unless given).
    pub async fn rebuild(&self, id: u64, mut request: RebuildInstance) -> Result<NewInstance> {
        if request.image.trim().is_empty() {
            return Err(Error::invalid("image", "is empty"));
        }
        let root_pass = request.access.prepare(true, false)?;
        let instance = self
            .client
            .send(REBUILD_INSTANCE.with_body(&[&id], &request)?)
            .await?;
        Ok(NewInstance {
            instance,
            root_pass,
        })
    }

    /// Moves an instance to another plan.
    pub async fn resize(&self, id: u64, request: &ResizeInstance) -> Result<()> {
        if request.instance_type.trim().is_empty() {
            return Err(Error::invalid("type", "is empty"));
        }
        self.client
            .send_empty(RESIZE_INSTANCE.with_body(&[&id], request)?)
            .await
    }

    /// Moves an instance to another region (a cold migration: it returns to the state it was in,
    /// with a new public address). Volumes must be detached first.
    pub async fn migrate(&self, id: u64, region: &str) -> Result<()> {
        if region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        let body = serde_json::json!({ "region": region, "type": "cold" });
        self.client
            .send_empty(MIGRATE_INSTANCE.with_body(&[&id], &body)?)
            .await
    }

    /// Lists an instance's disks.
    pub fn disks(&self, id: u64) -> ListRequest<Disk> {
        ListRequest::new(self.client, LIST_DISKS.path(&[&id]))
    }

    /// Loads one disk.
    pub async fn disk(&self, id: ChildId) -> Result<Disk> {
        self.client.load::<Disk>(id).await
    }

    /// Creates a disk on an instance. With an image and no root password, a strong one is
    /// generated; it is returned with the disk.
    pub async fn create_disk(
        &self,
        id: u64,
        mut request: CreateDisk,
    ) -> Result<(Disk, Option<SecretString>)> {
        if request.size == 0 {
            return Err(Error::invalid("size", "must be at least 1 MB"));
        }
        let root_pass = request.access.prepare(request.image.is_some(), false)?;
        let disk = self
            .client
            .send(CREATE_DISK.with_body(&[&id], &request)?)
            .await?;
        Ok((disk, root_pass))
    }

    /// Changes a disk's label.
    pub async fn update_disk(&self, id: ChildId, update: &DiskUpdate) -> Result<Disk> {
        if update.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
            return Err(Error::invalid("label", "is empty"));
        }
        self.client
            .send(UPDATE_DISK.with_body(&[&id.parent, &id.id], update)?)
            .await
    }

    /// Grows or shrinks a disk to `size` MB.
    pub async fn resize_disk(&self, id: ChildId, size: u64) -> Result<()> {
        if size == 0 {
            return Err(Error::invalid("size", "must be at least 1 MB"));
        }
        let body = serde_json::json!({ "size": size });
        self.client
            .send_empty(RESIZE_DISK.with_body(&[&id.parent, &id.id], &body)?)
            .await
    }

    /// Deletes a disk.
    pub async fn delete_disk(&self, id: ChildId) -> Result<()> {
        self.client
            .send_empty(DELETE_DISK.request(&[&id.parent, &id.id]))
            .await
    }

    /// Lists an instance's configuration profiles.
    pub fn configs(&self, id: u64) -> ListRequest<Config> {
        ListRequest::new(self.client, LIST_CONFIGS.path(&[&id]))
    }

    /// Loads one configuration profile.
    pub async fn config(&self, id: ChildId) -> Result<Config> {
        self.client.load::<Config>(id).await
    }

    /// Creates a configuration profile (label and devices are required).
    pub async fn create_config(&self, id: u64, config: &ConfigUpdate) -> Result<Config> {
        if config.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
            return Err(Error::invalid("label", "is required"));
        }
        if config.devices.as_ref().is_none_or(BTreeMap::is_empty) {
            return Err(Error::invalid("devices", "at least one device is required"));
        }
        if let Some(list) = &config.interfaces {
            interfaces::check_config_interfaces(list)?;
        }
        self.client
            .send(CREATE_CONFIG.with_body(&[&id], config)?)
            .await
    }

    /// Changes the fields set in `update` of a configuration profile.
    pub async fn update_config(&self, id: ChildId, update: &ConfigUpdate) -> Result<Config> {
        if update.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
            return Err(Error::invalid("label", "is empty"));
        }
        if let Some(list) = &update.interfaces {
            interfaces::check_config_interfaces(list)?;
        }
        self.client
            .send(UPDATE_CONFIG.with_body(&[&id.parent, &id.id], update)?)
            .await
    }

    /// Deletes a configuration profile.
    pub async fn delete_config(&self, id: ChildId) -> Result<()> {
        self.client
            .send_empty(DELETE_CONFIG.request(&[&id.parent, &id.id]))
            .await
    }

    /// The backups of an instance: automatic ones and the current and in-progress snapshot.
    pub async fn available_backups(&self, id: u64) -> Result<AvailableBackups> {
        self.client.send(GET_BACKUPS.request(&[&id])).await
    }

    /// Loads one backup.
    pub async fn backup(&self, id: ChildId) -> Result<Backup> {
        self.client.load::<Backup>(id).await
    }

    /// Takes a manual snapshot of an instance (its backup service must be on).
    pub async fn snapshot(&self, id: u64, label: &str) -> Result<Backup> {
        if label.trim().is_empty() {
            return Err(Error::invalid("label", "is empty"));
        }
        let body = serde_json::json!({ "label": label });
        self.client
            .send(CREATE_SNAPSHOT.with_body(&[&id], &body)?)
            .await
    }

    /// Restores a backup to instance `target` (in the backup's region). With `overwrite`,
    /// the target's disks and profiles are deleted first; otherwise it needs room for them.
    pub async fn restore_backup(
        &self,
        backup: ChildId,
        target: u64,
        overwrite: bool,
    ) -> Result<()> {
        let body = serde_json::json!({ "linode_id": target, "overwrite": overwrite });
        self.client
            .send_empty(RESTORE_BACKUP.with_body(&[&backup.parent, &backup.id], &body)?)
            .await
    }

    /// The addresses of an instance.
    pub async fn ips(&self, id: u64) -> Result<InstanceIps> {
        self.client.send(GET_LINODE_IPS.request(&[&id])).await
    }

    /// Allocates one more IPv4 address (public, or a private one) to an instance.
    pub async fn allocate_ip(&self, id: u64, public: bool) -> Result<IpAddress> {
        self.client
            .send(allocate_request(None, public, ADD_LINODE_IP.path(&[&id]))?)
            .await
    }

    /// Lists StackScripts: public ones and your own. Narrow to yours with
    /// [`mine_only`](ListRequest::mine_only).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let mine = client.linode().stackscripts().mine_only().await?;
    /// # Ok(()) }
    /// ```
    pub fn stackscripts(&self) -> ListRequest<StackScript> {
        ListRequest::new(self.client, LIST_STACKSCRIPTS.path(&[]))
    }

    /// Loads one StackScript.
    pub async fn stackscript(&self, id: u64) -> Result<StackScript> {
        self.client.load::<StackScript>(id).await
    }

    /// Creates a StackScript; a script that does not begin with `#!` is refused before any
    /// request.
    pub async fn create_stackscript(&self, request: &CreateStackScript) -> Result<StackScript> {
        request.validate()?;
        self.client
            .send(CREATE_STACKSCRIPT.with_body(&[], request)?)
            .await
    }

    /// Changes the fields set in `update` of one of your StackScripts.
    pub async fn update_stackscript(
        &self,
        id: u64,
        update: &StackScriptUpdate,
    ) -> Result<StackScript> {
        update.validate()?;
        self.client
            .send(UPDATE_STACKSCRIPT.with_body(&[&id], update)?)
            .await
    }

    /// Deletes one of your StackScripts.
    pub async fn delete_stackscript(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_STACKSCRIPT.request(&[&id]))
            .await
    }

    /// Lists the plans instances can be created with.
    pub fn types(&self) -> ListRequest<LinodeType> {
        ListRequest::new(self.client, LIST_TYPES.path(&[]))
    }

    /// Loads one plan, such as `g6-standard-2`.
    pub async fn linode_type(&self, id: &str) -> Result<LinodeType> {
        self.client.load::<LinodeType>(id.to_owned()).await
    }

    /// Lists the kernels.
    pub fn kernels(&self) -> ListRequest<Kernel> {
        ListRequest::new(self.client, LIST_KERNELS.path(&[]))
    }

    /// Loads one kernel, such as `linode/latest-64bit`.
    pub async fn kernel(&self, id: &str) -> Result<Kernel> {
        self.client.load::<Kernel>(id.to_owned()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_strong_and_distinct() {
        let a = generate_root_password().unwrap();
        let b = generate_root_password().unwrap();
        let a = a.expose_secret();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b.expose_secret());
        assert!(a.chars().any(|c| c.is_ascii_lowercase()));
        assert!(a.chars().any(|c| c.is_ascii_uppercase()));
        assert!(a.chars().any(|c| c.is_ascii_digit()));
        assert!(a.chars().any(|c| c.is_ascii_punctuation()));
    }

    #[test]
    fn create_request_debug_hides_the_password() {
        let req = CreateInstance::from_image("us-east", "g6-nanode-1", "linode/debian12")
            .root_pass("Hunter2-Secret!");
        assert!(!format!("{req:?}").contains("Hunter2"));
        let json = serde_json::to_value(&req).unwrap();
        assert_eq!(json["root_pass"], "Hunter2-Secret!");
        assert_eq!(json["type"], "g6-nanode-1");
    }
}
