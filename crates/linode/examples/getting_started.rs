//! The seed's "Getting Started": list your Linodes, look up regions, types and images, and create
//! a Linode, printing the root password generated for it.
//!
//! `cargo run --example getting_started` (a sandbox unless `LINODE_TOKEN` is set; on the real API
//! it only reads unless `-- --create` is given).

mod support;

use linode::ExposeSecret;
use linode::api::linode::CreateInstance;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, sandbox) = support::connect(3).await?;

    // Listing your Linodes: the list is loaded page by page as it is read.
    let mut linodes = client.linode().instances().await?.into_stream();
    use futures::TryStreamExt;
    while let Some(linode) = linodes.try_next().await? {
        println!("{} ({})", linode.label, linode.status);
    }

    // What a Linode needs: a region, a type and an image.
    let mut regions = client.regions().list().await?;
    let region = regions
        .first()
        .await?
        .map(|r| r.id.clone())
        .unwrap_or_else(|| "us-east".into());
    let plan = client.linode().linode_type("g6-nanode-1").await?;
    let image = client.images().get("linode/debian12").await?;
    println!(
        "{} regions; creating a {} with {} in {region}",
        regions.len(),
        plan.label,
        image.label
    );

    if support::may_write(&sandbox) {
        let new = client
            .linode()
            .create_instance(CreateInstance::from_image(&region, &plan.id, &image.id))
            .await?;
        let password = new
            .root_pass
            .as_ref()
            .map(|p| p.expose_secret().to_owned())
            .unwrap_or_default();
        let address = new
            .instance
            .ipv4
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        if sandbox.is_some() {
            println!("ssh root@{address} - {password}");
        } else {
            println!("ssh root@{address} (the generated password is in `new.root_pass`)");
        }
        new.instance.delete(&client).await?;
    }
    Ok(())
}
