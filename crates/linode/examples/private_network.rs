//! A private network: a VPC with two subnets, two Linodes in it (the web one also with a
//! public interface), a firewall allowing SSH only from one prefix, and a placement group
//! keeping the Linodes on different hosts; then what each Linode can reach. Everything is
//! deleted at the end.
//!
//! With no `LINODE_TOKEN` it starts a sandbox in this process and runs against it. With
//! `LINODE_TOKEN` set it creates billed resources on the real API, so it asks for `--create`
//! (and `LINODE_REGION`, `us-east` by default, for where).
//!
//! ```text
//! cargo run --example private_network
//! LINODE_TOKEN=... cargo run --example private_network -- --create
//! ```

use std::time::Duration;

use linode::Client;
use linode::api::linode::{CreateInstance, Instance, InstanceStatus, NewLinodeInterface};
use linode::api::networking::firewalls::{
    CreateFirewall, FirewallRule, FirewallRules, Ports, Protocol, RuleAction,
};
use linode::api::placement::CreatePlacementGroup;
use linode::api::vpcs::CreateVpc;

/// Who may open SSH sessions: the administrators' network.
const ADMIN_PREFIX: &str = "203.0.113.0/24";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the sandbox alive for the whole example.
    let (client, _sandbox, region) = if std::env::var_os(linode::ENV_TOKEN).is_some() {
        if !std::env::args().any(|a| a == "--create") {
            println!("LINODE_TOKEN is set: this example creates billed resources; add --create");
            return Ok(());
        }
        let region = std::env::var("LINODE_REGION").unwrap_or_else(|_| "us-east".to_owned());
        (Client::from_env()?, None, region)
    } else {
        let sandbox = linode_sandbox::Sandbox::start().await?;
        println!("No LINODE_TOKEN: running against an in-process sandbox");
        let client = Client::builder(sandbox.token())
            .base_url(sandbox.base_url())
            .build()?;
        (client, Some(sandbox), "us-east".to_owned())
    };

    // The network: one subnet for the web tier, one for the database.
    let vpc = client
        .vpcs()
        .create(
            CreateVpc::new("example-private", &region)
                .subnet("web", "10.0.1.0/24")
                .subnet("db", "10.0.2.0/24"),
        )
        .await?;
    let web_subnet = vpc.subnet("web").ok_or("no web subnet")?.id;
    let db_subnet = vpc.subnet("db").ok_or("no db subnet")?.id;
    println!(
        "VPC {} ({}) in {region}: subnets web 10.0.1.0/24, db 10.0.2.0/24",
        vpc.id, vpc.label
    );

    // SSH from the administrators' prefix only; everything else inbound is dropped.
    let ssh_only = FirewallRules::new(RuleAction::Drop, RuleAction::Accept).inbound(
        FirewallRule::accept(Protocol::Tcp)
            .ports(Ports::single(22))
            .nets([ADMIN_PREFIX.parse()?])
            .label("ssh-admins"),
    );
    let firewall = client
        .networking()
        .firewalls()
        .create(CreateFirewall::new("example-ssh-only", ssh_only))
        .await?;
    println!(
        "firewall {} ({}): inbound SSH from {ADMIN_PREFIX} only",
        firewall.id, firewall.label
    );

    // Two hosts apart: a strict anti-affinity group refuses to put them together.
    let group = client
        .placement()
        .create(CreatePlacementGroup::strict("example-apart", &region))
        .await?;

    let web = create(
        &client,
        &region,
        "example-web",
        vec![
            NewLinodeInterface::public()
                .firewall(firewall.id)
                .default_route_ipv4(true),
            NewLinodeInterface::vpc(web_subnet).firewall(firewall.id),
        ],
    )
    .await?;
    let db = create(
        &client,
        &region,
        "example-db",
        vec![
            NewLinodeInterface::vpc(db_subnet)
                .firewall(firewall.id)
                .default_route_ipv4(true),
        ],
    )
    .await?;
    let group = client
        .placement()
        .assign(group.id, &[web.id, db.id])
        .await?;
    println!(
        "placement group {} ({}): {} members, {}",
        group.id,
        group.label,
        group.members.len(),
        if group.is_compliant {
            "kept apart"
        } else {
            "not compliant yet"
        }
    );

    let deadline = Duration::from_secs(10 * 60);
    for linode in [&web, &db] {
        client
            .linode()
            .wait_for_status(linode.id, InstanceStatus::Running, deadline)
            .await?;
    }

    // What each Linode can reach, from its interfaces.
    let mut vpc_addresses = Vec::new();
    for linode in [&web, &db] {
        for iface in client.linode().interfaces(linode.id).await? {
            if let Some(vpc_iface) = iface.vpc {
                for a in vpc_iface.ipv4.addresses {
                    vpc_addresses.push((linode.label.clone(), a.address));
                }
            }
        }
    }
    for linode in [&web, &db] {
        println!("{}:", linode.label);
        for iface in client.linode().interfaces(linode.id).await? {
            if let Some(public) = &iface.public {
                let addresses: Vec<&str> = public
                    .ipv4
                    .addresses
                    .iter()
                    .map(|a| a.address.as_str())
                    .collect();
                println!(
                    "  public {}: reaches the internet; reachable on SSH from {ADMIN_PREFIX} only",
                    addresses.join(", ")
                );
            }
            if let Some(vpc_iface) = &iface.vpc {
                let own: Vec<&str> = vpc_iface
                    .ipv4
                    .addresses
                    .iter()
                    .map(|a| a.address.as_str())
                    .collect();
                let peers: Vec<String> = vpc_addresses
                    .iter()
                    .filter(|(label, _)| *label != linode.label)
                    .map(|(label, address)| format!("{label} at {address}"))
                    .collect();
                let subnet = if vpc_iface.subnet_id == web_subnet {
                    "web"
                } else {
                    "db"
                };
                println!(
                    "  VPC {} (subnet {subnet}): reaches {} over the VPC",
                    own.join(", "),
                    if peers.is_empty() {
                        "no one".to_owned()
                    } else {
                        peers.join(", ")
                    }
                );
            }
        }
        if linode.id == db.id {
            println!("  no public interface: not reachable from the internet");
        }
    }

    // Clean up, the Linodes first: the group, firewall and VPC are free once they are gone.
    for linode in [&web, &db] {
        client.linode().delete_instance(linode.id).await?;
    }
    client.placement().delete(group.id).await?;
    client.networking().firewalls().delete(firewall.id).await?;
    delete_vpc(&client, vpc.id).await?;
    println!("deleted the Linodes, the placement group, the firewall and the VPC");
    Ok(())
}

/// Creates a Debian Nanode with Linode interfaces.
async fn create(
    client: &Client,
    region: &str,
    label: &str,
    interfaces: Vec<NewLinodeInterface>,
) -> linode::Result<Instance> {
    let created = client
        .linode()
        .create_instance(
            CreateInstance::from_image(region, "g6-nanode-1", "linode/debian12")
                .label(label)
                .linode_interfaces(interfaces),
        )
        .await?;
    Ok(created.instance)
}

/// Deletes the VPC, trying again for a while as the API frees its subnets once the Linodes'
/// deletions are over.
async fn delete_vpc(client: &Client, id: u64) -> linode::Result<()> {
    let mut tries = 0;
    loop {
        match client.vpcs().delete(id).await {
            Err(e) if tries < 12 && !e.is_not_found() => {
                tries += 1;
                tokio::time::sleep(Duration::from_secs(10)).await;
            }
            other => return other,
        }
    }
}
