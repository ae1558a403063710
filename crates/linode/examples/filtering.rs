//! The seed's "Filtering Collections": comparisons on a model's fields, combined with and/or,
//! ordering and limits. The filter a request sends is shown as its `X-Filter` header.
//!
//! `cargo run --example filtering`

mod support;

use linode::api::linode::Instance;
use linode::filter::{Order, and, or};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _sandbox) = support::connect(200).await?;
    let linodes = || client.linode().instances();

    let queries = [
        ("group == web", linodes().filter(Instance::GROUP.eq("web"))),
        (
            "region != us-east",
            linodes().filter(Instance::REGION.ne("us-east")),
        ),
        (
            "web in us-east",
            linodes()
                .filter(Instance::GROUP.eq("web"))
                .filter(Instance::REGION.eq("us-east")),
        ),
        (
            "web or db",
            linodes().filter(or([Instance::GROUP.eq("web"), Instance::GROUP.eq("db")])),
        ),
        (
            "db, or web in eu-west",
            linodes().filter(
                Instance::GROUP.eq("db")
                    | and([Instance::GROUP.eq("web"), Instance::REGION.eq("eu-west")]),
            ),
        ),
        (
            "tagged env:prod",
            linodes().filter(Instance::TAGS.eq("env:prod")),
        ),
        ("first 5", linodes().limit(5)),
        (
            "by label, descending",
            linodes().order_by(Instance::LABEL, Order::Desc).limit(3),
        ),
    ];
    for (name, query) in queries {
        let header = query.to_request(1).filter.unwrap_or_default();
        let mut list = query.await?;
        let first = list
            .first()
            .await?
            .map(|l| l.label.clone())
            .unwrap_or_default();
        println!(
            "{name:<24} {:>4} results, first {first:<12} X-Filter: {header}",
            list.len()
        );
    }
    Ok(())
}
