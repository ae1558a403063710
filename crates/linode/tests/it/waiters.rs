//! Events, pollers and waiters on tokio's paused clock: the sandbox's actions take their
//! realistic time in virtual seconds, so every assertion on time is exact and instant to run.

use crate::common;

use std::time::Duration;

use linode::api::images::{CreateImage, ImageStatus};
use linode::api::linode::{CreateDisk, CreateInstance, DiskStatus, Instance, InstanceStatus};
use linode::api::volumes::{CreateVolume, VolumeStatus};
use linode::events::{EventPoller, EventStatus, Wait};
use linode::{ChildId, Error, Lazy};
use tokio::time::Instant;

fn debian(label: &str) -> CreateInstance {
    common::debian_nanode("us-east").label(label)
}

fn every_second(timeout: u64) -> Wait {
    Wait::new(Duration::from_secs(timeout))
        .poll_interval(Duration::from_secs(1), Duration::from_secs(1))
}

/// Runs `wait` and checks it took between `at_least` and one poll more.
async fn within<T>(at_least: u64, wait: impl std::future::Future<Output = linode::Result<T>>) -> T {
    let started = Instant::now();
    let value = wait.await.unwrap();
    let waited = started.elapsed();
    let low = Duration::from_secs(at_least);
    assert!(
        waited >= low && waited <= low + Duration::from_secs(1),
        "{waited:?} for {at_least} s"
    );
    value
}

#[tokio::test(start_paused = true)]
async fn a_wait_returns_as_soon_as_the_state_is_reached() {
    let (_sandbox, client) = common::setup_timed().await;
    let created = common::create_linode(&client, debian("patient")).await;
    assert_eq!(created.status, InstanceStatus::Provisioning);
    // Provisioning takes 60 s and booting 40 s; polling every second sees it within a second.
    let running = within(
        100,
        client
            .linode()
            .wait_for_status(created.id, InstanceStatus::Running, every_second(120)),
    )
    .await;
    assert_eq!(running.status, InstanceStatus::Running);
}

#[tokio::test(start_paused = true)]
async fn a_state_that_never_comes_ends_at_the_deadline_naming_the_last_state() {
    let (_sandbox, client) = common::setup_timed().await;
    let id = common::create_linode(&client, debian("never-stopped"))
        .await
        .id;
    let started = Instant::now();
    let err = client
        .linode()
        .wait_for_status(id, InstanceStatus::Stopped, Duration::from_secs(150))
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(150));
    match err {
        Error::WaitTimeout {
            what,
            last_state,
            waited,
        } => {
            assert_eq!(what, format!("Linode {id} to be stopped"));
            assert_eq!(last_state, "status running");
            assert_eq!(waited, Duration::from_secs(150));
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn the_poller_finds_its_own_event_reports_progress_and_ignores_earlier_ones() {
    let (sandbox, client) = common::setup_timed().await;
    let earlier = common::create_linode(&client, debian("earlier")).await.id;
    sandbox.advance(Duration::from_secs(100));

    // Created before the action, without the id (not known until the create answers).
    let mut poller = EventPoller::new(&client, "linode", "linode_create")
        .await
        .unwrap()
        .poll_interval(Duration::from_secs(2), Duration::from_secs(2));
    let later = common::create_linode(&client, debian("later")).await.id;
    poller.set_entity_id(later);

    let mut seen = Vec::new();
    let event = poller
        .wait_finished(Duration::from_secs(120), |e| {
            seen.push(e.percent_complete.unwrap_or(0))
        })
        .await
        .unwrap();
    assert_ne!(earlier, later);
    assert_eq!(event.status, EventStatus::Finished);
    assert_eq!(
        event.entity.as_ref().unwrap().id.to_string(),
        later.to_string()
    );
    assert_eq!(event.action, "linode_create");
    assert_eq!(event.duration, Some(60.0));
    assert_eq!(seen.first(), Some(&0));
    assert_eq!(seen.last(), Some(&100));
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "progress only grows: {seen:?}"
    );
    assert!(
        seen.len() >= 5,
        "progress was reported along the way: {seen:?}"
    );

    // Without the entity id, a poller made after both creates sees neither.
    let late = EventPoller::new(&client, "linode", "linode_create")
        .await
        .unwrap();
    let err = late
        .wait_for_event(Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WaitTimeout { .. }), "{err}");
}

#[tokio::test(start_paused = true)]
async fn a_failed_event_is_reported_as_failed() {
    let (sandbox, client) = common::setup_timed().await;
    sandbox.fail_next("linode_boot", 1);
    let poller = EventPoller::new(&client, "linode", "linode_boot")
        .await
        .unwrap();
    let id = common::create_linode(&client, debian("unlucky")).await.id;
    let err = poller
        .entity_id(id)
        .wait_finished(Duration::from_secs(120), |_| {})
        .await
        .unwrap_err();
    match &err {
        Error::EventFailed { event } => {
            assert_eq!(event.status, EventStatus::Failed);
            assert_eq!(event.action, "linode_boot");
        }
        other => panic!("expected EventFailed, got {other:?}"),
    }
    assert!(err.to_string().contains("linode_boot"), "{err}");
    assert_eq!(
        client.linode().instance(id).await.unwrap().status,
        InstanceStatus::Offline
    );
}

#[tokio::test(start_paused = true)]
async fn waiting_for_an_entity_to_be_free_of_running_events() {
    let (_sandbox, client) = common::setup_timed().await;
    let id = common::create_linode(&client, debian("busy")).await.id;
    within(
        100,
        client
            .account()
            .wait_for_entity_free("linode", id, every_second(120)),
    )
    .await;
    let events = client
        .account()
        .events()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(events.iter().all(|e| !e.status.is_running()));
    client
        .account()
        .mark_last_seen_event(&events[0])
        .await
        .unwrap();
    assert!(client.account().event(events[1].id).await.unwrap().seen);
}

#[tokio::test(start_paused = true)]
async fn dropping_a_wait_stops_its_polling() {
    let (sandbox, client) = common::setup_timed().await;
    let id = common::create_linode(&client, debian("abandoned")).await.id;
    let group = client.linode();
    let wait = group.wait_for_status(id, InstanceStatus::Stopped, every_second(600));
    assert!(
        tokio::time::timeout(Duration::from_secs(10), wait)
            .await
            .is_err()
    );
    let polls = sandbox.requests().len();
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(
        sandbox.requests().len(),
        polls,
        "no request after the wait was dropped"
    );
}

#[tokio::test(start_paused = true)]
async fn a_lazy_instance_refreshes_its_volatile_status_after_the_ttl() {
    let (sandbox, client) = common::setup_timed().await;
    let id = common::create_linode(&client, debian("lazy")).await.id;
    let lazy: Lazy<Instance> = client.lazy(id);
    assert_eq!(
        lazy.get().await.unwrap().status,
        InstanceStatus::Provisioning
    );
    sandbox.clear_requests();
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(
        lazy.get().await.unwrap().status,
        InstanceStatus::Provisioning,
        "fresh: from the cache"
    );
    assert!(sandbox.requests().is_empty());
    tokio::time::sleep(Duration::from_secs(95)).await;
    assert_eq!(
        lazy.get().await.unwrap().status,
        InstanceStatus::Running,
        "stale after 15 s: reloaded"
    );
    assert_eq!(sandbox.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn disks_volumes_and_images_are_awaited_until_ready() {
    let (sandbox, client) = common::setup_timed().await;
    // An empty Linode has all its plan's space free for new disks.
    let empty = CreateInstance::empty("us-east", "g6-nanode-1").label("storage");
    let linode = common::create_linode(&client, empty).await;
    client
        .linode()
        .wait_for_status(linode.id, InstanceStatus::Offline, every_second(120))
        .await
        .unwrap();

    // A disk takes 15 s to create.
    let (disk, _) = client
        .linode()
        .create_disk(linode.id, CreateDisk::new(2048).label("data"))
        .await
        .unwrap();
    assert_eq!(disk.status, DiskStatus::NotReady);
    let disk_id = ChildId::new(linode.id, disk.id);
    let ready = within(
        15,
        client
            .linode()
            .wait_for_disk_ready(disk_id, every_second(60)),
    )
    .await;
    assert_eq!(
        (ready.status, ready.label.as_str()),
        (DiskStatus::Ready, "data")
    );

    // A volume takes 10 s to create, 5 s to attach.
    let volume = client
        .volumes()
        .create(CreateVolume::in_region("data-vol", "us-east"))
        .await
        .unwrap();
    assert_eq!(volume.status, VolumeStatus::Creating);
    within(
        10,
        client
            .volumes()
            .wait_for_active(volume.id, every_second(60)),
    )
    .await;
    client.volumes().attach(volume.id, linode.id).await.unwrap();
    let attached = within(
        5,
        client
            .volumes()
            .wait_for_attached(volume.id, linode.id, every_second(60)),
    )
    .await;
    assert_eq!(attached.linode_id, Some(linode.id));
    assert_eq!(sandbox.volume(volume.id).unwrap()["linode_id"], linode.id);

    // An image made from the disk takes 120 s.
    let image = client
        .images()
        .create(&CreateImage::from_disk(disk.id))
        .await
        .unwrap();
    assert_eq!(image.status, ImageStatus::Creating);
    let available = within(
        120,
        client
            .images()
            .wait_for_available(&image.id, every_second(300)),
    )
    .await;
    assert_eq!(
        (available.status, available.label.as_str()),
        (ImageStatus::Available, "data")
    );

    // A wait for a volume that never attaches says where it is.
    let loose = client
        .volumes()
        .create(CreateVolume::in_region("loose-vol", "us-east"))
        .await
        .unwrap();
    let err = client
        .volumes()
        .wait_for_attached(loose.id, linode.id, Duration::from_secs(30))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::WaitTimeout { last_state, .. } if last_state == "detached, status active"),
        "{err}"
    );
}

#[tokio::test(start_paused = true)]
async fn power_actions_and_migration_pass_through_their_states() {
    let (sandbox, client) = common::setup_timed().await;
    let linode = common::create_linode(&client, debian("mover")).await;
    client
        .linode()
        .wait_for_status(linode.id, InstanceStatus::Running, every_second(120))
        .await
        .unwrap();

    let shutdown = EventPoller::new(&client, "linode", "linode_shutdown")
        .await
        .unwrap()
        .entity_id(linode.id);
    client.linode().shutdown(linode.id).await.unwrap();
    assert_eq!(
        client.linode().instance(linode.id).await.unwrap().status,
        InstanceStatus::ShuttingDown
    );
    let event = shutdown
        .poll_interval(Duration::from_secs(1), Duration::from_secs(1))
        .wait_finished(Duration::from_secs(60), |_| {})
        .await
        .unwrap();
    assert_eq!(event.status, EventStatus::Finished);
    assert_eq!(
        client.linode().instance(linode.id).await.unwrap().status,
        InstanceStatus::Offline
    );

    let before = client.linode().instance(linode.id).await.unwrap().ipv4[0];
    client.linode().migrate(linode.id, "eu-west").await.unwrap();
    assert_eq!(
        client.linode().instance(linode.id).await.unwrap().status,
        InstanceStatus::Migrating
    );
    // A migration lasts ten minutes.
    let moved = within(
        600,
        client
            .linode()
            .wait_for_status(linode.id, InstanceStatus::Offline, every_second(900)),
    )
    .await;
    assert_eq!(moved.region.id(), "eu-west");
    assert_ne!(moved.ipv4[0], before, "a new region means a new address");
    let events = sandbox.events();
    let migration = events
        .iter()
        .find(|e| e["action"] == "linode_migrate_datacenter")
        .unwrap();
    assert_eq!(migration["status"], "finished");
    assert_eq!(migration["entity"]["id"], linode.id);

    let err = client
        .linode()
        .migrate(linode.id, "eu-west")
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field.as_deref(), Some("region"));
    let err = client
        .linode()
        .migrate(linode.id, "nowhere")
        .await
        .unwrap_err();
    assert_eq!(err.field_errors()[0].reason, "Region not found");
}
