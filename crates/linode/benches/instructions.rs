//! Instruction counts of the client's hot paths, for `valgrind --tool=callgrind`: counts are
//! repeatable on a busy machine where wall times are not. Each case is a function of its own
//! (`case_*`, never inlined), run a fixed number of times after a warm-up; the inclusive cost
//! of each function divided by its repetitions is the cost of one. `bench/callgrind.sh` builds
//! this, runs it under callgrind and prints the table.
//!
//! Run directly (without valgrind) it only checks that every case works.

mod support;

use std::hint::black_box;

use linode::Client;
use linode::api::linode::Instance;
use linode::fuzzing::{decode_one, decode_page_sized};
use support::{Bodies, CannedServer, LIST_RESULTS, PAGE_SIZE};

/// Decoding repetitions per case.
const DECODES: usize = 5;
/// Requests per request case.
const GETS: u64 = 200;
/// Whole-list repetitions.
const LISTS: usize = 2;

#[inline(never)]
fn case_decode_page(body: &[u8]) {
    for _ in 0..DECODES {
        // As the client decodes every list page.
        let (items, results) = decode_page_sized::<Instance>(black_box(body), PAGE_SIZE).unwrap();
        assert_eq!((items.len(), results), (PAGE_SIZE, LIST_RESULTS));
        black_box(items);
    }
}

#[inline(never)]
fn case_validate_page(body: &[u8]) {
    for _ in 0..DECODES {
        black_box(
            serde_json::from_str::<serde::de::IgnoredAny>(
                std::str::from_utf8(black_box(body)).unwrap(),
            )
            .unwrap(),
        );
    }
}

#[inline(never)]
fn case_decode_instance(body: &[u8]) {
    for _ in 0..DECODES * PAGE_SIZE {
        black_box(decode_one::<Instance>(black_box(body)).unwrap());
    }
}

#[inline(never)]
fn case_client_gets(rt: &tokio::runtime::Runtime, client: &Client) {
    rt.block_on(async {
        for id in 0..GETS {
            let instance: Instance = client.load(black_box(id)).await.unwrap();
            black_box(instance);
        }
    });
}

#[inline(never)]
fn case_raw_gets(rt: &tokio::runtime::Runtime, http: &reqwest::Client, root: &str) {
    rt.block_on(async {
        for id in 0..GETS {
            let body = http
                .get(format!("{root}/linode/instances/{id}"))
                .header("Authorization", "Bearer token")
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap()
                .bytes()
                .await
                .unwrap();
            black_box(body);
        }
    });
}

/// The same GETs, raw, with each body decoded as the client decodes it: the floor plus the
/// decode, so that what is left of the client's cost is its own bookkeeping.
#[inline(never)]
fn case_raw_gets_decoded(rt: &tokio::runtime::Runtime, http: &reqwest::Client, root: &str) {
    rt.block_on(async {
        for id in 0..GETS {
            let body = http
                .get(format!("{root}/linode/instances/{id}"))
                .header("Authorization", "Bearer token")
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            black_box(decode_one::<Instance>(&body).unwrap());
        }
    });
}

#[inline(never)]
fn case_client_list(rt: &tokio::runtime::Runtime, client: &Client) {
    rt.block_on(async {
        for _ in 0..LISTS {
            let all = client
                .linode()
                .instances()
                .send()
                .await
                .unwrap()
                .collect_all()
                .await
                .unwrap();
            assert_eq!(all.len(), LIST_RESULTS);
        }
    });
}

#[inline(never)]
fn case_raw_list(rt: &tokio::runtime::Runtime, http: &reqwest::Client, root: &str) {
    rt.block_on(async {
        for _ in 0..LISTS {
            for page in 1..=LIST_RESULTS / PAGE_SIZE {
                let body = http
                    .get(format!(
                        "{root}/linode/instances?page={page}&page_size={PAGE_SIZE}"
                    ))
                    .header("Authorization", "Bearer token")
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                black_box(body);
            }
        }
    });
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is ignored too.
    let bodies = Bodies::from_sandbox();
    let (instance, page) = (bodies.instance.clone(), bodies.page.clone());
    let server = CannedServer::start(bodies);
    let root = format!("{}/v4", server.url);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Client::builder("token")
        .base_url(server.url.as_str())
        .page_size(PAGE_SIZE as u32)
        .build()
        .unwrap();
    let http = reqwest::Client::new();

    // Warm-up: connections opened, lazy statics initialised.
    rt.block_on(async {
        let _: Instance = client.load(1).await.unwrap();
        http.get(format!("{root}/linode/instances/1"))
            .send()
            .await
            .unwrap();
    });

    case_decode_page(&page);
    case_validate_page(&page);
    case_decode_instance(&instance);
    case_client_gets(&rt, &client);
    case_raw_gets(&rt, &http, &root);
    case_raw_gets_decoded(&rt, &http, &root);
    case_client_list(&rt, &client);
    case_raw_list(&rt, &http, &root);
    println!(
        "decodes per case: {DECODES} (instance: {}); gets per case: {GETS}; lists per case: {LISTS} of {} pages; page: {} bytes, instance: {} bytes",
        DECODES * PAGE_SIZE,
        LIST_RESULTS / PAGE_SIZE,
        page.len(),
        instance.len()
    );
}
