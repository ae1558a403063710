//! The seed's "Linode Client" chapter: one tour of every group the client is divided into,
//! following the API's URL tree.
//!
//! `cargo run --example linode_client` (a sandbox unless `LINODE_TOKEN` is set; on the real API
//! it only reads unless `-- --create` is given).

mod support;

use linode::api::domains::{CreateDomain, CreateRecord};
use linode::api::linode::{CreateInstance, Instance};
use linode::api::nodebalancers::CreateNodeBalancer;
use linode::api::support::{OpenTicket, Regarding};
use linode::api::volumes::CreateVolume;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, sandbox) = support::connect(5).await?;

    println!("== top level");
    println!(
        "{} regions, {} images",
        client.regions().list().await?.len(),
        client.images().list().await?.len()
    );
    println!(
        "{} domains, {} NodeBalancers, {} volumes",
        client.domains().list().await?.len(),
        client.nodebalancers().list().await?.len(),
        client.volumes().list().await?.len()
    );
    let account = client.account().get().await?;
    let profile = client.profile().get().await?;
    println!(
        "account of {} {}, profile {}",
        account.first_name, account.last_name, profile.username
    );

    println!("== linode");
    println!(
        "{} instances, {} types, {} kernels, {} of my StackScripts",
        client.linode().instances().await?.len(),
        client.linode().types().await?.len(),
        client.linode().kernels().await?.len(),
        client.linode().stackscripts().mine_only().await?.len()
    );

    println!("== account");
    println!(
        "{} invoices, {} payments, {} users, {} OAuth clients, {} events",
        client.account().invoices().await?.len(),
        client.account().payments().await?.len(),
        client.account().users().await?.len(),
        client.account().oauth_clients().await?.len(),
        client.account().events().await?.len()
    );
    println!("== profile");
    println!(
        "{} tokens, {} apps, {} SSH keys",
        client.profile().tokens().await?.len(),
        client.profile().apps().await?.len(),
        client.profile().ssh_keys().await?.len()
    );
    println!("== networking, longview, support");
    println!(
        "{} IP addresses, {} IPv6 ranges, {} Longview clients, {} tickets",
        client.networking().ips().await?.len(),
        client.networking().ipv6_ranges().await?.len(),
        client.longview().clients().await?.len(),
        client.support().tickets().await?.len()
    );

    if !support::may_write(&sandbox) {
        return Ok(());
    }
    println!("== creating one of each");
    let linode = client
        .linode()
        .create_instance(
            CreateInstance::from_image("us-east", "g6-nanode-1", "linode/debian12")
                .label("client-tour"),
        )
        .await?
        .instance;
    // `load` builds any model from its id.
    let loaded: Instance = client.load(linode.id).await?;
    println!(
        "Linode {} has {} disk(s), {} config(s)",
        loaded.label,
        loaded.disks(&client).await?.len(),
        loaded.configs(&client).await?.len()
    );

    let volume = client
        .volumes()
        .create(CreateVolume::attached_to("client-tour-vol", linode.id))
        .await?;
    println!(
        "volume {} of {} GB attached to {:?}",
        volume.label, volume.size, volume.linode_id
    );

    let domain = client
        .domains()
        .create(CreateDomain::master(
            "client-tour.example",
            "admin@client-tour.example",
        ))
        .await?;
    let record = domain
        .create_record(&client, &CreateRecord::a("www", linode.ipv4[0].to_string()))
        .await?;
    println!(
        "domain {} with record {} -> {}",
        domain.domain, record.name, record.target
    );

    let balancer = client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("us-east"))
        .await?;
    println!("NodeBalancer {} at {}", balancer.label, balancer.hostname);

    let longview = client.longview().create_client(None).await?;
    println!("Longview client {}", longview.label);

    let ticket = client
        .support()
        .open_ticket(
            OpenTicket::new("Tour ticket", "Opened by the client tour.")
                .regarding(Regarding::Linode(linode.id)),
        )
        .await?;
    println!("ticket #{}: {}", ticket.id, ticket.summary);

    println!("== cleaning up");
    client.volumes().detach(volume.id).await?;
    domain.delete(&client).await?;
    balancer.delete(&client).await?;
    client.longview().delete_client(longview.id).await?;
    linode.delete(&client).await?;
    Ok(())
}
