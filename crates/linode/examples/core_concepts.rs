//! The seed's "Core Concepts": pagination, filtering, models loaded lazily, volatile
//! attributes, updating and deleting, relationships.
//!
//! `cargo run --example core_concepts`

mod support;

use linode::api::linode::{CreateInstance, Instance};
use linode::filter::or;
use linode::{ChildId, Lazy};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, sandbox) = support::connect(130).await?;

    // Pagination: the first page is loaded with the list; other pages when needed.
    let mut linodes = client.linode().instances().await?;
    let first = linodes.first().await?.map(|l| l.id);
    let last = linodes.last().await?.map(|l| l.label.clone());
    println!("{} Linodes; first #{first:?}, last {last:?}", linodes.len());

    // Filtering with expressions on the model's fields.
    let prod_or_staging = client
        .linode()
        .instances()
        .filter(
            or([Instance::GROUP.eq("web"), Instance::GROUP.eq("db")])
                & Instance::LABEL.contains("seed"),
        )
        .await?;
    println!("web or db: {}", prod_or_staging.len());

    // Models by id: nothing is loaded until read; a missing one is an API error (404).
    if let Some(id) = first {
        let my_linode: Lazy<Instance> = Lazy::new(&client, id);
        println!("#{} loaded: {}", my_linode.id(), my_linode.is_loaded());
        let loaded = my_linode.get().await?;
        println!(
            "#{} is {:?} in group {:?}",
            loaded.id, loaded.label, loaded.group
        );
        // Volatile attributes (status) are reloaded once older than the client's TTL (15 s).
        println!(
            "status {} (reloaded after {:?})",
            loaded.status,
            client.volatile_ttl()
        );
        // Relationships: ids are known, the related object loads on request.
        let region = loaded.region.load(&client).await?;
        println!("region {} is in {}", loaded.region.id(), region.country);
    }
    match client.load::<Instance>(1).await {
        Err(e) if e.is_not_found() => println!("Linode 1: {e}"),
        other => println!("Linode 1: {other:?}"),
    }
    // Objects that belong to another take the parent's id too.
    println!("a disk id names its Linode: {}", ChildId::new(123, 456));

    // Updating and deleting.
    if support::may_write(&sandbox) {
        let mut linode = client
            .linode()
            .create_instance(CreateInstance::empty("us-east", "g6-nanode-1").label("concepts"))
            .await?
            .instance;
        linode.label = "new-label".into();
        linode.group = "new-group".into();
        linode.save(&client).await?;
        println!("saved {:?} in {:?}", linode.label, linode.group);
        linode.delete(&client).await?;
    }
    Ok(())
}
