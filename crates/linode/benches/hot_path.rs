//! Micro-benchmarks of the client's hot path: decoding a page of 500 instances as the sandbox
//! serves it, one GET through the client against the same GET with plain `reqwest`, and
//! encoding a filter into its `X-Filter` header. Run with `cargo bench -p linode`; for counts
//! that hold on a busy machine, `bash bench/callgrind.sh` runs the same paths under callgrind.

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use linode::Client;
use linode::api::linode::Instance;
use linode::fuzzing::{decode_one, decode_page_sized};
use std::hint::black_box;
use support::{Bodies, CannedServer};

fn decode_page(c: &mut Criterion) {
    let Bodies {
        page: body,
        instance,
    } = Bodies::from_sandbox();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("page of 500 instances", |b| {
        b.iter(|| {
            // As the client decodes every list page.
            let (items, _) = decode_page_sized::<Instance>(black_box(&body), 500).unwrap();
            assert_eq!(items.len(), 500);
            items
        })
    });
    // Reference points: the same bytes only validated, and decoded into untyped values.
    group.bench_function(
        "page of 500, validated only (UTF-8 check, IgnoredAny)",
        |b| {
            b.iter(|| {
                serde_json::from_str::<serde::de::IgnoredAny>(
                    std::str::from_utf8(black_box(&body)).unwrap(),
                )
                .unwrap()
            })
        },
    );
    group.bench_function("page of 500, as serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap())
    });
    group.finish();
    let mut group = c.benchmark_group("decode one");
    group.throughput(Throughput::Bytes(instance.len() as u64));
    group.bench_function("instance", |b| {
        b.iter(|| decode_one::<Instance>(black_box(&instance)).unwrap())
    });
    group.finish();
}

/// One GET of an instance from a canned loopback server (on the current-thread runtime): the
/// client's `load` against plain `reqwest`, with and without decoding the body, so that the
/// difference is what the client adds per request.
fn request(c: &mut Criterion) {
    let server = CannedServer::start(Bodies::from_sandbox());
    let root = format!("{}/v4", server.url);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Client::builder("token")
        .base_url(server.url.as_str())
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let raw = |decode: bool| {
        let (http, root) = (&http, &root);
        async move {
            let body = http
                .get(format!("{root}/linode/instances/1"))
                .header("Authorization", "Bearer token")
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            if decode {
                black_box(decode_one::<Instance>(&body).unwrap());
            }
            body
        }
    };
    let mut group = c.benchmark_group("GET one instance");
    group.bench_function("client.load", |b| {
        b.iter(|| rt.block_on(client.load::<Instance>(black_box(1))).unwrap())
    });
    group.bench_function("reqwest, body as bytes (floor)", |b| {
        b.iter(|| rt.block_on(raw(false)))
    });
    group.bench_function("reqwest, body decoded", |b| {
        b.iter(|| rt.block_on(raw(true)))
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

criterion_group!(benches, decode_page, request, encode_filter);
criterion_main!(benches);
