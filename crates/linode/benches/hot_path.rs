//! Micro-benchmarks of the client's hot path: decoding a page of 500 instances as the sandbox
//! serves it, and encoding a filter into its `X-Filter` header. Run with `cargo bench -p linode`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use linode::Client;
use linode::api::linode::Instance;
use linode_sandbox::pagination::PageParams;
use linode_sandbox::store::Store;
use serde::Deserialize;
use std::hint::black_box;

/// A list page as the client decodes it.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Page {
    data: Vec<Instance>,
    page: u32,
    pages: u32,
    results: u32,
}

/// A page of 500 instances, byte for byte as the sandbox serves it.
fn sandbox_page() -> Vec<u8> {
    let mut store = Store::default();
    let ids = store.seed_instances(500);
    let params = PageParams {
        page: 1,
        page_size: 500,
    };
    let items: Vec<&[u8]> = ids
        .iter()
        .filter_map(|&id| store.instances().get_json(id))
        .collect();
    params.envelope_json(items, ids.len())
}

fn decode_page(c: &mut Criterion) {
    let body = sandbox_page();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("page of 500 instances", |b| {
        b.iter(|| {
            let page: Page = serde_json::from_slice(black_box(&body)).unwrap();
            assert_eq!(page.data.len(), 500);
            page
        })
    });
    // Reference points: the same bytes only validated, and decoded into untyped values.
    group.bench_function("page of 500, validated only (IgnoredAny)", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&body)).unwrap())
    });
    group.bench_function("page of 500, as serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap())
    });
    group.finish();
}

fn encode_filter(c: &mut Criterion) {
    let client = Client::builder("token")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    c.bench_function("encode filter (region and label contains)", |b| {
        b.iter(|| {
            let filter = Instance::REGION.eq(black_box("us-east"))
                & Instance::LABEL.contains(black_box("00"));
            client
                .linode()
                .instances()
                .filter(filter)
                .to_request(1)
                .filter
        })
    });
}

criterion_group!(benches, decode_page, encode_filter);
criterion_main!(benches);
