//! A tour of the client, following the seed's Getting Started and Core Concepts.
//!
//! With no `LINODE_TOKEN` it starts a sandbox in this process and runs against it. With
//! `LINODE_TOKEN` set it talks to the real API and only reads, unless `--create` is given, in
//! which case it creates one small Linode and deletes it at the end.
//!
//! ```text
//! cargo run --example tour
//! LINODE_TOKEN=... cargo run --example tour [-- --create]
//! ```

use std::time::Instant;

use linode::api::linode::{CreateInstance, Instance};
use linode::filter::{Order, or};
use linode::{Client, ExposeSecret, Lazy};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let create_on_real_api = std::env::args().any(|a| a == "--create");

    // Keep the sandbox alive for the whole tour.
    let (client, _sandbox, may_write) = if std::env::var_os(linode::ENV_TOKEN).is_some() {
        println!(
            "LINODE_TOKEN is set: touring the real API ({})",
            if create_on_real_api {
                "read-write"
            } else {
                "read-only"
            }
        );
        (Client::from_env()?, None, create_on_real_api)
    } else {
        let sandbox = linode_sandbox::Sandbox::start().await?;
        sandbox.seed_instances(120);
        println!(
            "No LINODE_TOKEN: touring an in-process sandbox at {}",
            sandbox.base_url()
        );
        let client = Client::builder(sandbox.token())
            .base_url(sandbox.base_url())
            .build()?;
        (client, Some(sandbox), true)
    };

    section("Getting started: regions, types and images");
    let mut regions = client.regions().list().await?;
    let first = regions
        .first()
        .await?
        .map(|r| r.id.clone())
        .unwrap_or_default();
    println!("{} regions; the first is {first}", regions.len());
    let nanode = client.linode().linode_type("g6-nanode-1").await?;
    println!(
        "g6-nanode-1: {} vCPU, {} MB RAM, ${}/month",
        nanode.vcpus,
        nanode.memory,
        nanode.price.map(|p| p.monthly).unwrap_or_default()
    );

    let created = if may_write {
        section("Creating a Linode (a root password is generated)");
        let new = client
            .linode()
            .create_instance(
                CreateInstance::from_image("us-east", "g6-nanode-1", "linode/debian12")
                    .label("tour-linode")
                    .group("tour"),
            )
            .await?;
        let password = new
            .root_pass
            .as_ref()
            .map(|p| p.expose_secret().len())
            .unwrap_or(0);
        println!(
            "created #{} {:?}: ssh root@{} (generated password of {password} characters, not shown)",
            new.instance.id,
            new.instance.label,
            new.instance
                .ipv4
                .first()
                .map(ToString::to_string)
                .unwrap_or_default()
        );
        Some(new.instance)
    } else {
        println!("\n(read-only: pass --create to create and delete a Linode on the real API)");
        None
    };

    section("Lazy loading");
    let mut instances = client.linode().instances().page_size(25).await?;
    println!(
        "{} Linodes over {} pages; {} page loaded so far",
        instances.len(),
        instances.page_count(),
        instances.loaded_pages()
    );
    if let Some(first) = instances.first().await?.map(|i| i.id) {
        let lazy: Lazy<Instance> = client.lazy(first);
        println!(
            "a handle on #{} sends nothing until read (loaded: {})",
            lazy.id(),
            lazy.is_loaded()
        );
        let linode = lazy.get().await?;
        println!(
            "read: {:?} in {} is {}",
            linode.label,
            linode.region.id(),
            linode.status
        );
        let region = linode.region.load(&client).await?;
        println!(
            "its region, loaded on request: {} ({})",
            region.label, region.country
        );
    }

    section("Pagination");
    let last = instances
        .get(-1)
        .await?
        .map(|i| i.label.clone())
        .unwrap_or_default();
    println!(
        "the last Linode is {last:?}; pages loaded: {}",
        instances.loaded_pages()
    );
    let middle = instances.slice(30..33).await?;
    println!(
        "items 30..33: {:?}",
        middle.iter().map(|i| i.label.as_str()).collect::<Vec<_>>()
    );
    let started = Instant::now();
    let all = instances.collect_all().await?;
    println!(
        "all {} fetched (remaining pages concurrently) in {:?}",
        all.len(),
        started.elapsed()
    );

    section("Filtering");
    let tour = client
        .linode()
        .instances()
        .filter(Instance::GROUP.eq("tour"))
        .await?;
    println!("group == \"tour\": {} Linode(s)", tour.len());
    let either = client
        .linode()
        .instances()
        .filter(
            or([
                Instance::REGION.eq("us-east"),
                Instance::REGION.eq("eu-west"),
            ]) & Instance::LABEL.contains("1"),
        )
        .order_by(Instance::LABEL, Order::Desc)
        .limit(5)
        .await?;
    let labels: Vec<String> = either
        .collect_all()
        .await?
        .into_iter()
        .map(|i| i.label)
        .collect();
    println!("in us-east or eu-west, label containing \"1\", last five by label: {labels:?}");

    if let Some(mut linode) = created {
        section("Changing and saving, then deleting");
        linode.label = "tour-renamed".into();
        linode.tags = vec!["tour".into(), "renamed".into()];
        linode.save(&client).await?;
        println!("saved: label {:?}, tags {:?}", linode.label, linode.tags);
        let id = linode.id;
        linode.delete(&client).await?;
        let gone = client.linode().instance(id).await.map(|_| ()).unwrap_err();
        println!("deleted #{id}; loading it again says: {gone}");
    }
    println!("\nTour finished.");
    Ok(())
}

fn section(title: &str) {
    println!("\n== {title} ==");
}
