//! The API's awkward behaviours, switched on in the sandbox, and the client coping with them:
//! read-after-create and event lags, a disk not ready after its finished `disk_create` event,
//! `400 Linode busy.`, a proxy's HTML 400, nonsense wait hints, `Retry-After` as an HTTP date,
//! warnings with a `Retry-After` on a success (200, 202 and 299), and the published rate
//! limits.

use std::time::{Duration, Instant};

use crate::common;

use linode::ChildId;
use linode::api::linode::{CreateDisk, CreateInstance, DiskStatus};
use linode::api::volumes::{CreateVolume, VolumeStatus};
use linode::events::{EventPoller, Wait};
use linode::{Error, Path, Request};
use linode_sandbox::{Fault, FaultRule, Method, RateLimit};

const QUICK: Duration = Duration::from_millis(50);

#[tokio::test]
async fn a_waiter_looks_again_while_a_new_object_is_not_visible_yet() {
    let (sandbox, client) = common::setup().await;
    sandbox.set_lags(Duration::from_millis(400), Duration::ZERO);
    let volume = client
        .volumes()
        .create(CreateVolume::in_region("lagging", "us-east"))
        .await
        .unwrap();
    // Straight away the API does not show it...
    let err = client.volumes().get(volume.id).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    // ... and the waiter keeps looking until it does.
    let started = Instant::now();
    let active = client
        .volumes()
        .wait_for_active(
            volume.id,
            Wait::new(Duration::from_secs(10)).poll_interval(QUICK, QUICK),
        )
        .await
        .unwrap();
    assert_eq!(active.status, VolumeStatus::Active);
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    let gets = sandbox.count(Method::GET, &format!("/volumes/{}", volume.id));
    assert!(gets >= 3, "{gets} GETs");

    // An object that never shows ends in a timeout that says so.
    let err = client
        .volumes()
        .wait_for_active(
            999_999,
            Wait::new(Duration::from_millis(300)).poll_interval(QUICK, QUICK),
        )
        .await
        .unwrap_err();
    match err {
        Error::WaitTimeout { last_state, .. } => assert_eq!(last_state, "not found"),
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
}

#[tokio::test]
async fn an_event_poller_waits_through_the_event_lag() {
    let (sandbox, client) = common::setup().await;
    sandbox.set_lags(Duration::ZERO, Duration::from_secs(2));
    let mut poller = EventPoller::new(&client, "volume", "volume_create")
        .await
        .unwrap()
        .poll_interval(Duration::from_millis(100), Duration::from_millis(200));
    let volume = client
        .volumes()
        .create(CreateVolume::in_region("evented", "us-east"))
        .await
        .unwrap();
    poller.set_entity_id(volume.id);
    let listed = client.account().events().await.unwrap();
    assert_eq!(listed.len(), 0, "the event is not shown yet");
    let started = Instant::now();
    let event = poller
        .wait_finished(Duration::from_secs(10), |_| {})
        .await
        .unwrap();
    assert_eq!(event.action.to_string(), "volume_create");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn linode_busy_and_a_proxys_html_400_are_errors_at_once() {
    let (sandbox, client) = common::setup().await;
    let linode = common::create_linode(&client, common::debian_nanode("us-east")).await;
    let reboot = format!("/linode/instances/{}/reboot", linode.id);
    sandbox.inject(FaultRule::new(Method::POST, &reboot, Fault::Busy).times(1));
    let err = client.linode().reboot(linode.id).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.field_errors()[0].reason, "Linode busy.");
    assert_eq!(sandbox.count(Method::POST, &reboot), 1);

    let one = format!("/linode/instances/{}", linode.id);
    sandbox.inject(FaultRule::new(Method::GET, &one, Fault::HtmlBadRequest).times(1));
    let err = client.linode().instance(linode.id).await.unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse { status: 400, body_excerpt, .. } if body_excerpt.contains("400 Bad Request")),
        "{err:?}"
    );
    assert_eq!(sandbox.count(Method::GET, &one), 1, "a 400 is not retried");
}

#[tokio::test]
async fn nonsense_hints_and_http_dates_are_read_as_they_should_be() {
    let (sandbox, client) = common::setup().await;
    sandbox.inject(FaultRule::new(Method::GET, "/regions/us-east", Fault::NonsenseHints).times(1));
    let started = Instant::now();
    let err = client.regions().get("us-east").await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(started.elapsed() < Duration::from_secs(1));

    sandbox.inject(FaultRule::new(Method::GET, "/regions/us-west", Fault::RetryAfterDate).times(1));
    let started = Instant::now();
    let region = client.regions().get("us-west").await.unwrap();
    assert_eq!(region.id, "us-west");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sandbox.count(Method::GET, "/regions/us-west"), 2);
}

#[tokio::test]
async fn warnings_on_a_success_reach_the_caller_and_its_retry_after_is_not_waited_for() {
    let (sandbox, client) = common::setup().await;
    sandbox.inject(FaultRule::new(Method::GET, "/regions/us-east", Fault::Warnings).times(1));
    let started = Instant::now();
    let answer = client
        .send_full::<serde_json::Value>(Request::get(Path::new("/regions/us-east")))
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(answer.value["id"], "us-east");
    assert_eq!(answer.warnings.len(), 1);
    assert_eq!(answer.warnings[0].title, "Sandbox warning");
    assert_eq!(sandbox.count(Method::GET, "/regions/us-east"), 1);
}

#[tokio::test]
async fn a_disk_whose_create_event_finished_is_awaited_until_it_is_ready() {
    let (sandbox, client) = common::setup().await;
    sandbox.set_disk_ready_lag(Duration::from_millis(1500));
    let linode = common::create_linode(
        &client,
        CreateInstance::empty("us-east", "g6-nanode-1").label("disky"),
    )
    .await;
    let mut poller = EventPoller::new(&client, "linode", "disk_create")
        .await
        .unwrap()
        .poll_interval(QUICK, QUICK);
    poller.set_entity_id(linode.id);
    let (disk, _) = client
        .linode()
        .create_disk(linode.id, CreateDisk::new(1024).label("data"))
        .await
        .unwrap();
    let event = poller
        .wait_finished(Duration::from_secs(5), |_| {})
        .await
        .unwrap();
    assert_eq!(event.action.to_string(), "disk_create");
    // The event says finished; the disk is not ready yet, by id and in the list.
    let id = ChildId::new(linode.id, disk.id);
    let seen = client.linode().disk(id).await.unwrap();
    assert_eq!(seen.status, DiskStatus::NotReady);
    let started = Instant::now();
    let ready = client
        .linode()
        .wait_for_disk_ready(
            id,
            Wait::new(Duration::from_secs(10)).poll_interval(QUICK, QUICK),
        )
        .await
        .unwrap();
    assert_eq!(
        (ready.status, ready.label.as_str()),
        (DiskStatus::Ready, "data")
    );
    // The event's time has whole seconds: the lag ran for more than half a second still.
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    let gets = sandbox.count(
        Method::GET,
        &format!("/linode/instances/{}/disks/{}", linode.id, disk.id),
    );
    assert!(gets >= 3, "{gets} GETs");
}

#[tokio::test]
async fn warnings_on_a_202_or_a_299_are_a_success_with_its_status() {
    let (sandbox, client) = common::setup().await;
    for status in [202, 299] {
        sandbox.inject(
            FaultRule::new(
                Method::GET,
                "/regions/us-east",
                Fault::WarningsWithStatus(status),
            )
            .times(1),
        );
        let started = Instant::now();
        let answer = client
            .send_full::<serde_json::Value>(Request::get(Path::new("/regions/us-east")))
            .await
            .unwrap();
        // Its `Retry-After: 30` is not waited for.
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(
            (answer.status, &answer.value["id"], answer.warnings.len()),
            (status, &serde_json::json!("us-east"), 1)
        );
        assert_eq!(answer.warnings[0].title, "Sandbox warning");
    }
    // The typed call sees the region; one request each.
    sandbox.inject(
        FaultRule::new(
            Method::GET,
            "/regions/us-east",
            Fault::WarningsWithStatus(299),
        )
        .times(1),
    );
    assert_eq!(client.regions().get("us-east").await.unwrap().id, "us-east");
    assert_eq!(sandbox.count(Method::GET, "/regions/us-east"), 3);
}

#[tokio::test]
async fn a_rate_limit_from_a_table_is_waited_out() {
    let (sandbox, client) = common::setup().await;
    // The format of data/rate_limits.json, `--rate-limits-file` and `PUT /sandbox/rate-limits`.
    let table = serde_json::json!({"limits": [
        {"method": "GET", "path": "/regions/*", "limit": 2, "window_seconds": 1}
    ]});
    for limit in RateLimit::table(&table).unwrap() {
        sandbox.set_rate_limit(limit);
    }
    let started = Instant::now();
    for _ in 0..3 {
        assert_eq!(client.regions().get("us-east").await.unwrap().id, "us-east");
    }
    // The third met a 429 and waited for its Retry-After (the rest of the window).
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    let statuses: Vec<Option<u16>> = sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(200), Some(200), Some(429), Some(200)]);
}
