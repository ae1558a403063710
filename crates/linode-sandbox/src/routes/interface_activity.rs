//! Whether a Linode's interfaces are in use (`active`), as the API reports it: an interface
//! is in use once the Linode has booted with it. One added to (or changed on) a running
//! Linode's configuration profile is not in use until the Linode boots or reboots, which takes
//! its realistic time; a Linode that shuts down uses none.
//!
//! The flag is kept where it is served: each configuration profile interface, each VPC
//! address (`/vpcs/{id}/ips`) and each subnet's list of Linode interfaces. It is brought in
//! line whenever the Linode's status is set ([`Store::set_instance_status`]). The sandbox does
//! not remember which profile a Linode booted, so every profile's interfaces follow it.

use serde_json::Value;

use crate::compute::Child;
use crate::store::Store;

/// The collection of VPC addresses (kept by the VPC routes).
const VPC_IPS: &str = "vpc_ips";
/// The collection of VPCs (kept by the VPC routes).
const VPCS: &str = "vpcs";

/// Sets `active` on every interface of Linode `linode_id`: in use while it runs.
pub(crate) fn sync(store: &mut Store, linode_id: u64) {
    let running = store
        .instances()
        .get(linode_id)
        .is_some_and(|i| i["status"] == "running");
    for config in store.children_mut(Child::Configs, linode_id) {
        for iface in config["interfaces"].as_array_mut().into_iter().flatten() {
            iface["active"] = Value::from(running);
        }
    }
    // Only this Linode's addresses are touched (this runs at every status change).
    let ids: Vec<u64> = store
        .table(VPC_IPS)
        .field_values("linode_id")
        .filter(|(_, linode)| linode.as_deref().and_then(Value::as_u64) == Some(linode_id))
        .map(|(id, _)| id)
        .collect();
    for (_, ip) in store
        .table_mut(VPC_IPS)
        .iter_mut_where(|id| ids.binary_search(&id).is_ok())
    {
        ip["active"] = Value::from(running);
    }
    set_in_subnets(store, &ids, running);
}

/// Marks VPC interface `interface_id` not in use (yet): its Linode has not booted with it.
pub(super) fn pending(store: &mut Store, interface_id: u64) {
    if let Some(ip) = store.table_mut(VPC_IPS).get_mut(interface_id) {
        ip["active"] = Value::from(false);
    }
    set_in_subnets(store, &[interface_id], false);
}

/// Sets `active` on the entries of the interfaces `ids` in the subnets' Linode lists.
fn set_in_subnets(store: &mut Store, ids: &[u64], active: bool) {
    if ids.is_empty() {
        return;
    }
    for (_, vpc) in store.table_mut(VPCS).iter_mut() {
        for subnet in vpc["subnets"].as_array_mut().into_iter().flatten() {
            for linode in subnet["linodes"].as_array_mut().into_iter().flatten() {
                for iface in linode["interfaces"].as_array_mut().into_iter().flatten() {
                    if iface["id"].as_u64().is_some_and(|id| ids.contains(&id)) {
                        iface["active"] = Value::from(active);
                    }
                }
            }
        }
    }
}
