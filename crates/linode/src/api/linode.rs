//! Linode instances and their catalogs: `/linode/instances`, `/linode/types`, `/linode/kernels`.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

use crate::api::images::Image;
use crate::api::regions::Region;
use crate::client::{Client, Path, Request};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::lazy::Lazy;
use crate::model::{Ref, Resource, api_enum, null_default, timestamp};
use crate::pagination::ListRequest;

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
        Path::new("/linode/instances").segment(id)
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

    /// Sets the label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the group.
    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }

    /// Replaces the tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = Some(tags.into_iter().map(Into::into).collect());
        self
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
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose")]
    root_pass: Option<SecretString>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authorized_keys: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    booted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    private_ip: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backups_enabled: Option<bool>,
}

fn expose<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

impl CreateInstance {
    /// An instance deployed from `image` (booted once created). Unless you give a root password,
    /// a strong one is generated and returned by
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

    /// An instance with no disks, not booted.
    pub fn empty(region: impl Into<String>, instance_type: impl Into<String>) -> Self {
        CreateInstance {
            region: region.into(),
            instance_type: instance_type.into(),
            ..Default::default()
        }
    }

    /// Sets the label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the group.
    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }

    /// Sets the tags.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the root password instead of having one generated.
    pub fn root_pass(mut self, password: impl Into<String>) -> Self {
        self.root_pass = Some(SecretString::from(password.into()));
        self
    }

    /// Adds SSH public keys for root.
    pub fn authorized_keys<S: Into<String>>(mut self, keys: impl IntoIterator<Item = S>) -> Self {
        self.authorized_keys
            .extend(keys.into_iter().map(Into::into));
        self
    }

    /// Whether to boot once created (the API boots instances created from an image).
    pub fn booted(mut self, booted: bool) -> Self {
        self.booted = Some(booted);
        self
    }

    /// Adds a private IPv4 address.
    pub fn private_ip(mut self, private_ip: bool) -> Self {
        self.private_ip = Some(private_ip);
        self
    }

    /// Enrols the instance in the backup service.
    pub fn backups_enabled(mut self, enabled: bool) -> Self {
        self.backups_enabled = Some(enabled);
        self
    }

    fn validate(&self) -> Result<()> {
        if self.region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        if self.instance_type.trim().is_empty() {
            return Err(Error::invalid("type", "is empty"));
        }
        if let Some(label) = &self.label {
            if label.trim().is_empty() {
                return Err(Error::invalid("label", "is empty"));
            }
        }
        Ok(())
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
        Path::new("/linode/types").segment(id)
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
        Path::new("/linode/kernels").segment(id)
    }
}

/// Calls under `/linode`.
#[derive(Debug, Clone, Copy)]
pub struct LinodeGroup<'c> {
    client: &'c Client,
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
        ListRequest::new(self.client, Path::new("/linode/instances"))
    }

    /// Loads one instance.
    pub async fn instance(&self, id: u64) -> Result<Instance> {
        self.client.load::<Instance>(id).await
    }

    /// Creates an instance. When it is deployed from an image without a root password, a
    /// strong one is generated from the OS random source and returned.
    pub async fn create_instance(&self, mut request: CreateInstance) -> Result<NewInstance> {
        request.validate()?;
        if request.image.is_some() && request.root_pass.is_none() {
            request.root_pass = Some(generate_root_password()?);
        }
        let http = Request::post(Path::new("/linode/instances"), &request)?;
        let instance = self.client.send(http).await?;
        Ok(NewInstance {
            instance,
            root_pass: request.root_pass,
        })
    }

    /// Changes the fields set in `update` and returns the instance as it is now.
    pub async fn update_instance(&self, id: u64, update: &InstanceUpdate) -> Result<Instance> {
        if update.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
            return Err(Error::invalid("label", "is empty"));
        }
        self.client
            .send(Request::put(Instance::path(&id), update)?)
            .await
    }

    /// Deletes an instance.
    pub async fn delete_instance(&self, id: u64) -> Result<()> {
        self.client
            .send::<serde::de::IgnoredAny>(Request::delete(Instance::path(&id)))
            .await?;
        Ok(())
    }

    /// Lists the plans instances can be created with.
    pub fn types(&self) -> ListRequest<LinodeType> {
        ListRequest::new(self.client, Path::new("/linode/types"))
    }

    /// Loads one plan, such as `g6-standard-2`.
    pub async fn linode_type(&self, id: &str) -> Result<LinodeType> {
        self.client.load::<LinodeType>(id.to_owned()).await
    }

    /// Lists the kernels.
    pub fn kernels(&self) -> ListRequest<Kernel> {
        ListRequest::new(self.client, Path::new("/linode/kernels"))
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
