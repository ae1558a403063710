//! What one instance can do beyond power and plan changes: clone, root password resets,
//! mutate, rescue, the backups service, disk clone and password, its addresses one by one,
//! its NodeBalancers, and its statistics and network transfer.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{ConfigDevice, Disk, Instance, LinodeGroup};
use crate::api::networking::IpAddress;
use crate::api::nodebalancers::NodeBalancer;
use crate::error::{Error, Result};
use crate::model::{ChildId, null_default, setters};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    CLONE_INSTANCE = POST "/linode/instances/{linodeId}/clone";
    RESET_ROOT_PASSWORD = POST "/linode/instances/{linodeId}/password";
    MUTATE_INSTANCE = POST "/linode/instances/{linodeId}/mutate";
    RESCUE_INSTANCE = POST "/linode/instances/{linodeId}/rescue";
    ENABLE_BACKUPS = POST "/linode/instances/{linodeId}/backups/enable";
    CANCEL_BACKUPS = POST "/linode/instances/{linodeId}/backups/cancel";
    CLONE_DISK = POST "/linode/instances/{linodeId}/disks/{diskId}/clone";
    RESET_DISK_PASSWORD = POST "/linode/instances/{linodeId}/disks/{diskId}/password";
    GET_LINODE_IP = GET "/linode/instances/{linodeId}/ips/{address}";
    UPDATE_LINODE_IP = PUT "/linode/instances/{linodeId}/ips/{address}";
    DELETE_LINODE_IP = DELETE "/linode/instances/{linodeId}/ips/{address}";
    LIST_LINODE_NODEBALANCERS = GET "/linode/instances/{linodeId}/nodebalancers";
    GET_LINODE_STATS = GET "/linode/instances/{linodeId}/stats";
    GET_LINODE_STATS_BY_MONTH = GET "/linode/instances/{linodeId}/stats/{year}/{month}";
    GET_LINODE_TRANSFER = GET "/linode/instances/{linodeId}/transfer";
    GET_LINODE_TRANSFER_BY_MONTH = GET "/linode/instances/{linodeId}/transfer/{year}/{month}";
}

/// The device slots a rescue can fill (the rescue system itself takes `sdh`).
pub const RESCUE_SLOTS: [&str; 7] = ["sda", "sdb", "sdc", "sdd", "sde", "sdf", "sdg"];

/// A clone of an instance: [to a new Linode](CloneInstance::to_new) or
/// [onto an existing one](CloneInstance::onto). Unless [`configs`](CloneInstance::configs)
/// says otherwise, every configuration profile is cloned with the disks it boots;
/// [`disks`](CloneInstance::disks) adds more disks.
///
/// ```
/// use linode::api::linode::CloneInstance;
/// let clone = CloneInstance::to_new("us-east", "g6-standard-2").label("web-2").configs([42]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CloneInstance {
    #[serde(skip_serializing_if = "Option::is_none")]
    linode_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    instance_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    configs: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disks: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    private_ip: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backups_enabled: Option<bool>,
}

impl CloneInstance {
    /// A clone to a new Linode of plan `instance_type` in `region`.
    pub fn to_new(region: impl Into<String>, instance_type: impl Into<String>) -> Self {
        CloneInstance {
            region: Some(region.into()),
            instance_type: Some(instance_type.into()),
            ..Default::default()
        }
    }

    /// A clone onto existing Linode `linode_id`, which must have room for the disks.
    pub fn onto(linode_id: u64) -> Self {
        CloneInstance {
            linode_id: Some(linode_id),
            ..Default::default()
        }
    }

    fn validate(&self) -> Result<()> {
        if self.linode_id.is_some() {
            let new_only = [
                ("label", self.label.is_some()),
                ("group", self.group.is_some()),
                ("private_ip", self.private_ip.is_some()),
                ("backups_enabled", self.backups_enabled.is_some()),
            ];
            if let Some((field, _)) = new_only.iter().find(|(_, set)| *set) {
                return Err(Error::invalid(
                    *field,
                    "only applies when cloning to a new Linode",
                ));
            }
            return Ok(());
        }
        for (field, value) in [
            ("region", &self.region),
            ("type", &self.instance_type),
            ("label", &self.label),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(Error::invalid(field, "is empty"));
            }
        }
        Ok(())
    }
}

setters! {
    CloneInstance {
        /// The new Linode's label.
        label: into String,
        /// The new Linode's group.
        group: into String,
        /// Also clones these disks.
        disks: items u64,
        /// Clones only these configuration profiles (and the disks they boot); none when empty.
        configs: items u64,
        /// Enrols the new Linode in the backup service.
        backups_enabled: value bool,
        /// Gives the new Linode a private IPv4 address.
        private_ip: value bool,
    }
}

/// The devices a rescue boots with, in slots [`RESCUE_SLOTS`]: disks of the Linode or volumes
/// attached to it.
///
/// ```
/// use linode::api::linode::RescueDevices;
/// let devices = RescueDevices::new().disk("sda", 7001).volume("sdb", 88);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RescueDevices {
    devices: BTreeMap<String, ConfigDevice>,
}

impl RescueDevices {
    /// No device yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts disk `disk_id` in `slot`.
    pub fn disk(mut self, slot: impl Into<String>, disk_id: u64) -> Self {
        self.devices
            .insert(slot.into(), ConfigDevice::disk(disk_id));
        self
    }

    /// Puts volume `volume_id` in `slot`.
    pub fn volume(mut self, slot: impl Into<String>, volume_id: u64) -> Self {
        let device = ConfigDevice {
            disk_id: None,
            volume_id: Some(volume_id),
        };
        self.devices.insert(slot.into(), device);
        self
    }

    fn validate(&self) -> Result<()> {
        match self
            .devices
            .keys()
            .find(|slot| !RESCUE_SLOTS.contains(&slot.as_str()))
        {
            Some(slot) => Err(Error::invalid(
                "devices",
                format!("{slot} is not a rescue slot (sda to sdg)"),
            )),
            None => Ok(()),
        }
    }
}

/// A series of readings: `[timestamp in milliseconds, value]` pairs, oldest first.
pub type Series = Vec<[f64; 2]>;

/// Reads a series, skipping any point that is not two numbers (such as a reading the API
/// sends as `null`) rather than failing the whole answer; `null` is an empty series.
fn series<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Series, D::Error> {
    let points = Option::<Vec<serde_json::Value>>::deserialize(d)?.unwrap_or_default();
    Ok(points
        .iter()
        .filter_map(|p| match p.as_array()?.as_slice() {
            [t, v] => Some([t.as_f64()?, v.as_f64()?]),
            _ => None,
        })
        .collect())
}

/// CPU, disk and network readings of an instance (`GET /linode/instances/{id}/stats`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceStats {
    /// What the readings cover, such as `linode.com - web-1 (linode123) - day (5 min avg)`.
    #[serde(default, deserialize_with = "null_default")]
    pub title: String,
    /// CPU use in percent (100 per core).
    #[serde(default, deserialize_with = "series")]
    pub cpu: Series,
    /// Disk activity.
    #[serde(default, deserialize_with = "null_default")]
    pub io: IoStats,
    /// IPv4 traffic.
    #[serde(default, deserialize_with = "null_default")]
    pub netv4: NetStats,
    /// IPv6 traffic.
    #[serde(default, deserialize_with = "null_default")]
    pub netv6: NetStats,
}

/// Disk activity in blocks per second.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IoStats {
    /// Disk I/O.
    #[serde(default, deserialize_with = "series")]
    pub io: Series,
    /// Swap I/O.
    #[serde(default, deserialize_with = "series")]
    pub swap: Series,
}

/// Network traffic in bits per second.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NetStats {
    /// Public inbound traffic.
    #[serde(rename = "in", default, deserialize_with = "series")]
    pub inbound: Series,
    /// Public outbound traffic.
    #[serde(rename = "out", default, deserialize_with = "series")]
    pub outbound: Series,
    /// Private inbound traffic.
    #[serde(default, deserialize_with = "series")]
    pub private_in: Series,
    /// Private outbound traffic.
    #[serde(default, deserialize_with = "series")]
    pub private_out: Series,
}

/// An instance's network transfer this month (`GET /linode/instances/{id}/transfer`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceTransfer {
    /// Bytes used this month.
    #[serde(default, deserialize_with = "null_default")]
    pub used: u64,
    /// GB it adds to the account's transfer pool.
    #[serde(default, deserialize_with = "null_default")]
    pub quota: u64,
    /// GB used beyond the quota.
    #[serde(default, deserialize_with = "null_default")]
    pub billable: u64,
}

/// An instance's network transfer in one month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MonthlyTransfer {
    /// Bytes received.
    #[serde(default, deserialize_with = "null_default")]
    pub bytes_in: u64,
    /// Bytes sent.
    #[serde(default, deserialize_with = "null_default")]
    pub bytes_out: u64,
    /// Both.
    #[serde(default, deserialize_with = "null_default")]
    pub bytes_total: u64,
}

/// Refuses a month outside 1 to 12 before any request.
fn check_month(month: u32) -> Result<()> {
    if (1..=12).contains(&month) {
        Ok(())
    } else {
        Err(Error::invalid("month", "must be 1 to 12"))
    }
}

/// The body of a password reset, refused before any request when the password is empty.
fn password_body(field: &'static str, password: &SecretString) -> Result<serde_json::Value> {
    let password = password.expose_secret();
    if password.is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    Ok(serde_json::json!({ field: password }))
}

impl LinodeGroup<'_> {
    /// Clones instance `id`, to a new Linode or onto an existing one, and returns the target
    /// (`provisioning` or `cloning` until the copy is done). The source must not be busy.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::linode::CloneInstance;
    /// let copy = client
    ///     .linode()
    ///     .clone_instance(123, &CloneInstance::to_new("us-east", "g6-standard-2").label("web-2"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn clone_instance(&self, id: u64, request: &CloneInstance) -> Result<Instance> {
        request.validate()?;
        self.client
            .send(CLONE_INSTANCE.with_body(&[&id], request)?)
            .await
    }

    /// Resets the root password of instance `id` (on its main disk). The instance must be
    /// shut down, and the API refuses a weak password.
    pub async fn reset_root_password(&self, id: u64, root_pass: &SecretString) -> Result<()> {
        let body = password_body("root_pass", root_pass)?;
        self.client
            .send_empty(RESET_ROOT_PASSWORD.with_body(&[&id], &body)?)
            .await
    }

    /// Upgrades an instance of a retired plan to the plan's
    /// [`successor`](super::LinodeType::successor), growing its disks when
    /// `allow_auto_disk_resize`. The API refuses a plan without a successor.
    pub async fn mutate(&self, id: u64, allow_auto_disk_resize: bool) -> Result<()> {
        let body = serde_json::json!({ "allow_auto_disk_resize": allow_auto_disk_resize });
        self.client
            .send_empty(MUTATE_INSTANCE.with_body(&[&id], &body)?)
            .await
    }

    /// Boots instance `id` into rescue mode with `devices` (rebooting it when it runs).
    pub async fn rescue(&self, id: u64, devices: &RescueDevices) -> Result<()> {
        devices.validate()?;
        self.client
            .send_empty(RESCUE_INSTANCE.with_body(&[&id], devices)?)
            .await
    }

    /// Enrols an instance in the backup service.
    pub async fn enable_backups(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(ENABLE_BACKUPS.with_body(&[&id], &serde_json::json!({}))?)
            .await
    }

    /// Cancels the backup service of an instance, deleting all its backups.
    pub async fn cancel_backups(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(CANCEL_BACKUPS.with_body(&[&id], &serde_json::json!({}))?)
            .await
    }

    /// Copies a disk into a new disk of the same instance (`not ready` until copied).
    pub async fn clone_disk(&self, disk: ChildId) -> Result<Disk> {
        self.client
            .send(CLONE_DISK.with_body(&[&disk.parent, &disk.id], &serde_json::json!({}))?)
            .await
    }

    /// Resets the root password of the system on one disk; the instance must be shut down.
    pub async fn reset_disk_password(&self, disk: ChildId, password: &SecretString) -> Result<()> {
        let body = password_body("password", password)?;
        self.client
            .send_empty(RESET_DISK_PASSWORD.with_body(&[&disk.parent, &disk.id], &body)?)
            .await
    }

    /// Loads one address of instance `id`.
    pub async fn instance_ip(&self, id: u64, address: &str) -> Result<IpAddress> {
        self.client
            .send(GET_LINODE_IP.request(&[&id, &address]))
            .await
    }

    /// Sets the reverse DNS name of one address of instance `id` (`None` resets it).
    pub async fn set_instance_ip_rdns(
        &self,
        id: u64,
        address: &str,
        rdns: Option<&str>,
    ) -> Result<IpAddress> {
        if rdns.is_some_and(|r| r.trim().is_empty()) {
            return Err(Error::invalid("rdns", "is empty"));
        }
        let body = serde_json::json!({ "rdns": rdns });
        self.client
            .send(UPDATE_LINODE_IP.with_body(&[&id, &address], &body)?)
            .await
    }

    /// Removes an IPv4 address from instance `id`; the API refuses its last public one.
    pub async fn delete_instance_ip(&self, id: u64, address: &str) -> Result<()> {
        self.client
            .send_empty(DELETE_LINODE_IP.request(&[&id, &address]))
            .await
    }

    /// The NodeBalancers with a node on one of instance `id`'s private addresses.
    pub fn instance_nodebalancers(&self, id: u64) -> ListRequest<NodeBalancer> {
        ListRequest::new(self.client, LIST_LINODE_NODEBALANCERS.path(&[&id]))
    }

    /// CPU, disk and network readings of instance `id` over the last 24 hours.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let stats = client.linode().stats(123).await?;
    /// if let Some([at_ms, percent]) = stats.cpu.last() {
    ///     println!("CPU at {at_ms}: {percent}%");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn stats(&self, id: u64) -> Result<InstanceStats> {
        self.client.send(GET_LINODE_STATS.request(&[&id])).await
    }

    /// The readings of instance `id` in one month (1 to 12) of the past or the current one.
    pub async fn stats_for_month(&self, id: u64, year: i32, month: u32) -> Result<InstanceStats> {
        check_month(month)?;
        self.client
            .send(GET_LINODE_STATS_BY_MONTH.request(&[&id, &year, &month]))
            .await
    }

    /// The network transfer of instance `id` this month.
    pub async fn transfer(&self, id: u64) -> Result<InstanceTransfer> {
        self.client.send(GET_LINODE_TRANSFER.request(&[&id])).await
    }

    /// The network transfer of instance `id` in one month (1 to 12) of the past or the
    /// current one.
    pub async fn transfer_for_month(
        &self,
        id: u64,
        year: i32,
        month: u32,
    ) -> Result<MonthlyTransfer> {
        check_month(month)?;
        self.client
            .send(GET_LINODE_TRANSFER_BY_MONTH.request(&[&id, &year, &month]))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_tolerate_null_series_and_malformed_points() {
        let stats: InstanceStats = serde_json::from_value(serde_json::json!({
            "cpu": [[1000, 2.5], [2000, null], [3000], "x", [4000, 1]],
            "io": {"io": null},
            "netv4": {"in": [[1000, 8]], "future": []},
            "netv6": null,
        }))
        .unwrap();
        assert_eq!(stats.cpu, [[1000.0, 2.5], [4000.0, 1.0]]);
        assert!(stats.io.io.is_empty() && stats.netv6.inbound.is_empty());
        assert_eq!(stats.netv4.inbound, [[1000.0, 8.0]]);
    }

    #[test]
    fn clone_and_rescue_requests_are_checked_before_sending() {
        let clone = CloneInstance::onto(7).configs([1]).disks([2, 3]);
        assert!(clone.validate().is_ok());
        assert_eq!(
            serde_json::to_value(&clone).unwrap(),
            serde_json::json!({"linode_id": 7, "configs": [1], "disks": [2, 3]})
        );
        assert!(CloneInstance::onto(7).private_ip(true).validate().is_err());
        assert!(RescueDevices::new().disk("sdg", 1).validate().is_ok());
        assert!(RescueDevices::new().disk("sdz", 1).validate().is_err());
    }
}
