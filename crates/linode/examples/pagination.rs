//! The seed's "Pagination": a collection behaves like a list whose pages load as needed.
//!
//! `cargo run --example pagination`

mod support;

use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _sandbox) = support::connect(260).await?;

    let mut linodes = client.linode().instances().page_size(100).await?;
    println!(
        "{} Linodes in {} pages; loaded: {}",
        linodes.len(),
        linodes.page_count(),
        linodes.loaded_pages()
    );
    let first = linodes.get(0).await?.map(|l| l.label.clone());
    println!("[0] = {first:?} (no request: the first page came with the list)");
    let last = linodes.get(-1).await?.map(|l| l.label.clone());
    println!(
        "[-1] = {last:?} (loaded the last page only; loaded: {})",
        linodes.loaded_pages()
    );
    let slice: Vec<String> = linodes
        .slice(98..102)
        .await?
        .into_iter()
        .map(|l| l.label.clone())
        .collect();
    println!("[98..102] = {slice:?} (loaded: {})", linodes.loaded_pages());
    match linodes.only().await {
        Ok(one) => println!("only: {}", one.label),
        Err(e) => println!("only(): {e}"),
    }

    // All of it: the remaining pages are fetched concurrently.
    let all = linodes.collect_all().await?;
    println!("collected {}", all.len());

    // Or item by item, with memory bounded to a page or two.
    let mut stream = Box::pin(
        client
            .linode()
            .instances()
            .page_size(25)
            .await?
            .into_stream(),
    );
    let mut count = 0;
    while let Some(_linode) = stream.try_next().await? {
        count += 1;
    }
    println!("streamed {count}");
    Ok(())
}
