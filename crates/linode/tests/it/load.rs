//! Under load: 64 tasks sharing one `Client` make 1,000 creates and 5,000 reads while the
//! sandbox answers some of them 429 (a rate limit on creates, and every 101st request refused).
//! Every create lands exactly once and every read returns the object asked for.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use linode::api::linode::CreateInstance;
use linode::{Client, RetryPolicy};
use linode_sandbox::{Fault, FaultRule, Method, RateLimit, Sandbox};

const TASKS: usize = 64;
const CREATES: usize = 1_000;
const READS: usize = 5_000;
const SEEDED: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_tasks_create_once_and_read_right_under_429s() {
    let sandbox = Sandbox::start().await.unwrap();
    let seeded = sandbox.seed_instances(SEEDED);
    sandbox.set_rate_limit(RateLimit::new(
        Method::POST,
        "/linode/instances",
        500,
        Duration::from_secs(1),
    ));
    sandbox.inject(FaultRule::any_method("*", Fault::Status(429)).every(101));
    let client = Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(10)
                .initial_backoff(Duration::from_millis(5)),
        )
        .build()
        .unwrap();

    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let client = client.clone();
        let seeded = seeded.clone();
        tasks.push(tokio::spawn(async move {
            let mut created = Vec::new();
            for i in (task..CREATES).step_by(TASKS) {
                let label = format!("load-{i:04}");
                let new = client
                    .linode()
                    .create_instance(
                        CreateInstance::from_image("us-east", "g6-nanode-1", "linode/debian12")
                            .label(&label),
                    )
                    .await
                    .unwrap_or_else(|e| panic!("create {label}: {e}"));
                assert_eq!(new.instance.label, label);
                created.push(new.instance.id);
            }
            for j in (task..READS).step_by(TASKS) {
                let id = seeded[j % seeded.len()];
                let got = client
                    .linode()
                    .instance(id)
                    .await
                    .unwrap_or_else(|e| panic!("read {id}: {e}"));
                assert_eq!(got.id, id);
                assert_eq!(got.label, format!("seed-{:05}", j % seeded.len() + 1));
            }
            created
        }));
    }
    let mut ids = BTreeSet::new();
    for task in tasks {
        ids.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();

    assert_eq!(ids.len(), CREATES, "every create returned its own id");
    assert_eq!(sandbox.instance_count(), SEEDED + CREATES);
    let labels: BTreeSet<String> = sandbox
        .instances()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .filter(|l| l.starts_with("load-"))
        .map(str::to_owned)
        .collect();
    let expected: BTreeSet<String> = (0..CREATES).map(|i| format!("load-{i:04}")).collect();
    assert_eq!(labels, expected, "exactly the expected labels, each once");
    let posts = sandbox.count(Method::POST, "/linode/instances");
    let gets = sandbox.count(Method::GET, "/linode/instances/*");
    assert!(
        posts > CREATES,
        "some creates met a 429 and were sent again"
    );
    assert!(gets > READS, "some reads met a 429 and were sent again");
    eprintln!(
        "load: {CREATES} creates ({posts} sent) and {READS} reads ({gets} sent) by {TASKS} tasks in {elapsed:?}"
    );
}
