//! Creates a Linode, waits for it to run while showing the progress of its events, then deletes
//! it and waits for the deletion to be recorded.
//!
//! With no `LINODE_TOKEN` it runs against an in-process sandbox whose actions take a tenth of
//! their realistic time (about 3 s in all). With `LINODE_TOKEN` set it uses the real API, which
//! creates (and bills) a Nanode: pass `--yes` to confirm.
//!
//! ```text
//! cargo run --example wait_for_linode
//! ```

use std::time::Duration;

use linode::Client;
use linode::api::linode::{CreateInstance, InstanceStatus};
use linode::events::{EventPoller, Wait};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _sandbox) = if std::env::var_os(linode::ENV_TOKEN).is_some() {
        if !std::env::args().any(|a| a == "--yes") {
            eprintln!("LINODE_TOKEN is set: this creates a billed Nanode; pass --yes to go on");
            return Ok(());
        }
        (Client::from_env()?, None)
    } else {
        let sandbox = linode_sandbox::Sandbox::builder()
            .speed(0.1)
            .start()
            .await?;
        let client = Client::builder(sandbox.token())
            .base_url(sandbox.base_url())
            .build()?;
        (client, Some(sandbox))
    };
    let poll = |timeout| {
        Wait::new(timeout).poll_interval(Duration::from_millis(200), Duration::from_secs(5))
    };

    // The pollers exist before the create, so earlier events of the account cannot be mistaken
    // for this Linode's.
    let fast = |p: EventPoller| p.poll_interval(Duration::from_millis(200), Duration::from_secs(5));
    let mut create_event = fast(EventPoller::new(&client, "linode", "linode_create").await?);
    let mut boot_event = fast(EventPoller::new(&client, "linode", "linode_boot").await?);
    let request = CreateInstance::from_image("us-east", "g6-nanode-1", "linode/debian12")
        .label("waiting-example");
    let linode = client.linode().create_instance(request).await?.instance;
    println!(
        "created Linode {} ({}), status {}",
        linode.id, linode.label, linode.status
    );
    create_event.set_entity_id(linode.id);
    boot_event.set_entity_id(linode.id);

    for (name, poller) in [("provisioning", &create_event), ("booting", &boot_event)] {
        let event = poller
            .wait_finished(Duration::from_secs(600), |e| {
                println!(
                    "  {name}: {}% ({})",
                    e.percent_complete.unwrap_or(0),
                    e.status
                )
            })
            .await?;
        println!(
            "{} finished in {:.1} s",
            event.action,
            event.duration.unwrap_or_default()
        );
    }
    let running = client
        .linode()
        .wait_for_status(
            linode.id,
            InstanceStatus::Running,
            poll(Duration::from_secs(60)),
        )
        .await?;
    println!(
        "Linode {} is {} at {:?}",
        running.id, running.status, running.ipv4
    );

    let deleted = EventPoller::new(&client, "linode", "linode_delete")
        .await?
        .entity_id(linode.id);
    running.delete(&client).await?;
    let event = deleted
        .wait_finished(Duration::from_secs(300), |_| {})
        .await?;
    println!("deleted: {event}");
    Ok(())
}
