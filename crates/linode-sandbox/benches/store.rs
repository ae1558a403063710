//! Micro-benchmarks of the sandbox's store, the work behind its hot routes: seeding
//! instances, a page of the instance list, one instance by id, a filtered list, the check of
//! an issued token (done on each request that bears one), and the whole state exported and
//! imported. Run with `cargo bench -p linode-sandbox --bench store`.
//!
//! With `STORE_BENCH_ITERS=<n>` it runs each operation `n` times without criterion and exits:
//! a fixed amount of work, for counting instructions with
//! `valgrind --tool=callgrind target/release/deps/store-<hash> --bench`.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group};
use linode_sandbox::account::{Grant, IssuedToken, TokenOwner};
use linode_sandbox::pagination::PageParams;
use linode_sandbox::store::{Store, Table};
use linode_sandbox::xfilter;

/// Instances in the store the reads run against.
const N: usize = 10_000;

/// The fields a filter may name (a subset of the instance list's).
const FILTERABLE: &[&str] = &["group", "id", "image", "label", "region", "tags", "type"];

fn instances(store: &Store) -> &Table {
    store.instances()
}

/// Issues 100 personal tokens of a few scopes; answers the 50th token's string.
fn issue_tokens(store: &mut Store) -> String {
    let grant = Grant::parse("linodes:read_write volumes:read_only").unwrap();
    for n in 0..100 {
        let issued = IssuedToken {
            grant: grant.clone(),
            expiry: None,
            owner: TokenOwner::Personal(n),
        };
        store.issue_token(&format!("{n:064x}"), &issued);
    }
    format!("{:064x}", 50)
}

fn seeded(n: usize) -> (Store, Vec<u64>) {
    let mut store = Store::default();
    let ids = store.seed_instances(n);
    (store, ids)
}

/// A page of the unfiltered list, as `GET /linode/instances?page=..&page_size=500` answers.
fn list_page(store: &Store, page: u64) -> Vec<u8> {
    let params = PageParams {
        page,
        page_size: 500,
    };
    let table = instances(store);
    let results = table.len();
    params.envelope_json(table.json_range(params.range(results)), results)
}

/// One instance, as `GET /linode/instances/{id}` answers.
fn get_one(store: &Store, id: u64) -> Vec<u8> {
    instances(store).get_json(id).map(<[u8]>::to_vec).unwrap()
}

/// The first page of a filtered list, as the list answers with an `X-Filter` header.
fn filtered(store: &Store, header: &str) -> Vec<u8> {
    let params = PageParams {
        page: 1,
        page_size: 100,
    };
    let filter = xfilter::parse(header, FILTERABLE).unwrap();
    let table = instances(store);
    let kept = table.select(&filter, None);
    let page = kept[params.range(kept.len())]
        .iter()
        .filter_map(|id| table.get_json(*id));
    params.envelope_json(page, kept.len())
}

const BY_REGION: &str = r#"{"region": "us-east"}"#;
const BY_LABEL_ORDERED: &str =
    r#"{"+and": [{"group": "web"}, {"tags": "env:prod"}], "+order_by": "label", "+order": "desc"}"#;

fn store_ops(c: &mut Criterion) {
    let (mut store, ids) = seeded(N);
    let mid = ids[N / 2];
    let token = issue_tokens(&mut store);
    let now = std::time::SystemTime::now();
    let mut group = c.benchmark_group("store");
    group.bench_function("seed 1000 instances", |b| {
        b.iter_batched(
            Store::default,
            |mut store| {
                black_box(store.seed_instances(1000));
                store
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("list page 1 of 500 (10k instances)", |b| {
        b.iter(|| list_page(black_box(&store), 1))
    });
    group.bench_function("list page 20 of 500 (10k instances)", |b| {
        b.iter(|| list_page(black_box(&store), 20))
    });
    group.bench_function("get one (10k instances)", |b| {
        b.iter(|| get_one(black_box(&store), black_box(mid)))
    });
    group.bench_function("check an issued token (100 tokens)", |b| {
        b.iter(|| black_box(&store).grant_of(black_box(&token), now).unwrap())
    });
    group.bench_function("filter by region (10k instances)", |b| {
        b.iter(|| filtered(black_box(&store), BY_REGION))
    });
    group.bench_function("filter and order (10k instances)", |b| {
        b.iter(|| filtered(black_box(&store), BY_LABEL_ORDERED))
    });
    group.sample_size(10);
    let (mut small, _) = seeded(1000);
    let document = small.export();
    group.bench_function("export (1000 instances)", |b| {
        b.iter(|| serde_json::to_vec(&small.export()).unwrap())
    });
    let bytes = serde_json::to_vec(&document).unwrap();
    group.bench_function("import (1000 instances)", |b| {
        b.iter_batched(
            Store::default,
            |mut into| {
                let document: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                into.import(&document).unwrap();
                into
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// A fixed amount of each operation, for instruction counts.
fn fixed(iters: usize) {
    let (mut store, ids) = seeded(N);
    let mid = ids[N / 2];
    let token = issue_tokens(&mut store);
    let now = std::time::SystemTime::now();
    for _ in 0..iters {
        black_box(store.grant_of(&token, now));
        black_box(list_page(&store, 1));
        black_box(list_page(&store, 20));
        black_box(get_one(&store, mid));
        black_box(filtered(&store, BY_REGION));
        black_box(filtered(&store, BY_LABEL_ORDERED));
    }
    let document = store.export();
    let mut into = Store::default();
    into.import(&document).unwrap();
    black_box(into);
}

criterion_group!(benches, store_ops);

fn main() {
    if let Some(iters) = std::env::var("STORE_BENCH_ITERS")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        fixed(iters);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
