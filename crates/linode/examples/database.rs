//! A Managed PostgreSQL database: create it, wait until it is active, read its credentials,
//! and add a connection pool.
//!
//! It always runs against a sandbox started in this process (at speed 0, so provisioning is
//! instant): creating a database on the real API is billed.
//!
//! ```text
//! cargo run --example database
//! ```

use std::time::Duration;

use linode::api::databases::{ConnectionPoolSettings, CreateDatabase, EngineKind};
use linode::{Client, ExposeSecret};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = linode_sandbox::Sandbox::start().await?;
    println!(
        "Running against an in-process sandbox at {}",
        sandbox.base_url()
    );
    let client = Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .build()?;
    let databases = client.databases();

    // Pick the newest PostgreSQL version and the cheapest node type.
    let engines = databases.engines().await?.collect_all().await?;
    let engine = engines
        .iter()
        .rfind(|e| e.engine.kind() == Some(EngineKind::PostgreSql))
        .ok_or("no PostgreSQL version offered")?;
    let types = databases.types().await?.collect_all().await?;
    let node = types
        .iter()
        .filter(|t| !t.deprecated)
        .min_by(|a, b| {
            let price = |t: &linode::api::databases::DatabaseType| {
                t.price(EngineKind::PostgreSql, 1)
                    .map_or(f64::MAX, |p| p.monthly)
            };
            price(a).total_cmp(&price(b))
        })
        .ok_or("no node type offered")?;
    println!(
        "Engine {}, node type {} ({})",
        engine.id, node.id, node.label
    );

    let db = databases
        .postgresql()
        .create(
            CreateDatabase::new("example-db", "us-east", &node.id, &engine.id)
                .allow("203.0.113.0/24")
                .config("work_mem", 8),
        )
        .await?;
    println!("Created database {} ({})", db.id, db.status);
    let id = db.database_id().ok_or("an engine this client knows")?;
    let db = databases
        .wait_for_database_active(id, Duration::from_secs(30 * 60))
        .await?;
    println!(
        "{} is {} at {}:{}",
        db.label, db.status, db.hosts.primary, db.port
    );

    let creds = databases.postgresql().credentials(db.id).await?;
    println!(
        "Connect as {} (password of {} characters, kept secret: {creds:?})",
        creds.username,
        creds.password.expose_secret().len()
    );

    let pool = databases
        .create_connection_pool(
            db.id,
            &ConnectionPoolSettings::new("web", "defaultdb", "transaction", 20),
        )
        .await?;
    println!(
        "Connection pool {} on {} ({} mode, {} connections)",
        pool.label, pool.database, pool.mode, pool.size
    );

    databases.postgresql().delete(db.id).await?;
    println!("Deleted database {}", db.id);
    Ok(())
}
