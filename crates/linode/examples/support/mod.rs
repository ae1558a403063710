//! What the examples share: a client for the real API when `LINODE_TOKEN` is set, or for a
//! sandbox started in this process otherwise.

use linode::Client;
use linode_sandbox::Sandbox;

/// The client to use, and the sandbox behind it (kept alive by the caller) when there is no
/// token. The sandbox is seeded with `seed` Linodes.
pub async fn connect(seed: usize) -> Result<(Client, Option<Sandbox>), Box<dyn std::error::Error>> {
    if std::env::var_os(linode::ENV_TOKEN).is_some() {
        println!("Using the API at LINODE_API_URL (or api.linode.com) with LINODE_TOKEN");
        return Ok((Client::from_env()?, None));
    }
    let sandbox = Sandbox::start().await?;
    sandbox.seed_instances(seed);
    println!(
        "No LINODE_TOKEN: using a sandbox at {} with {seed} Linodes",
        sandbox.base_url()
    );
    let client = Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .build()?;
    Ok((client, Some(sandbox)))
}

/// Whether the example may create and delete objects: always on a sandbox, and on the real API
/// only with `--create`.
#[allow(dead_code)] // not every example writes
pub fn may_write(sandbox: &Option<Sandbox>) -> bool {
    sandbox.is_some() || std::env::args().any(|a| a == "--create")
}
