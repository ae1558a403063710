//! Kubernetes (LKE): create a cluster, wait for it, write its kubeconfig to a temporary file,
//! scale its pool, then delete it.
//!
//! It always runs against a sandbox started in this process (a real cluster costs money), at
//! speed 0 so that every wait ends at once.
//!
//! ```text
//! cargo run --example kubernetes
//! ```

use std::time::Duration;

use linode::api::lke::{Autoscaler, CreateCluster, NewPool, PoolUpdate};
use linode::{ChildId, Client, ExposeSecret};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = linode_sandbox::Sandbox::start().await?;
    let client = Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .build()?;
    let lke = client.lke();

    let version = lke.versions().await?.collect_all().await?.remove(0).id;
    let cluster = lke
        .create(
            CreateCluster::new("example-cluster", "us-east", &version)
                .pool(NewPool::new("g6-standard-2", 3).autoscaler(Autoscaler::between(3, 6)))
                .tags(["example"]),
        )
        .await?;
    println!(
        "created cluster {} ({}), Kubernetes {version}",
        cluster.id, cluster.label
    );

    let deadline = Duration::from_secs(20 * 60);
    lke.wait_for_cluster_ready(cluster.id, deadline).await?;
    let pool = lke.pools(cluster.id).await?.collect_all().await?.remove(0);
    let pool_id = ChildId::new(cluster.id, pool.id);
    let pool = lke.wait_for_pool_ready(pool_id, deadline).await?;
    println!("pool {} ready: {} nodes", pool.id, pool.nodes.len());

    let kubeconfig = lke.wait_for_kubeconfig(cluster.id, deadline).await?;
    let path = std::env::temp_dir().join(format!("kubeconfig-{}.yaml", cluster.id));
    std::fs::write(&path, kubeconfig.expose_secret())?;
    println!("kubeconfig written to {}", path.display());

    lke.update_pool(pool_id, &PoolUpdate::count(5)).await?;
    let scaled = lke.wait_for_pool_ready(pool_id, deadline).await?;
    println!("pool scaled to {} nodes", scaled.nodes.len());

    lke.delete(cluster.id).await?;
    std::fs::remove_file(&path)?;
    println!("cluster deleted, with its {} Linodes", scaled.count);
    Ok(())
}
