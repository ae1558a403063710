//! Events, pollers and waiters on tokio's paused clock: the sandbox's actions take their
//! realistic time in virtual seconds, so every assertion on time is exact and instant to run.

mod common;

use std::time::Duration;

use linode::api::linode::{CreateInstance, Instance, InstanceStatus};
use linode::events::{EventPoller, EventStatus, Wait};
use linode::{Client, Error, Lazy};
use linode_sandbox::Sandbox;
use tokio::time::Instant;

/// A sandbox whose actions take real durations (create 20 s, boot 10 s) on the paused clock.
async fn timed() -> (Sandbox, Client) {
    let sandbox = Sandbox::builder().speed(1.0).start().await.unwrap();
    let client = Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    (sandbox, client)
}

fn debian(label: &str) -> CreateInstance {
    CreateInstance::from_image("us-east", "g6-nanode-1", "linode/debian12").label(label)
}

fn every_second(timeout: u64) -> Wait {
    Wait::new(Duration::from_secs(timeout))
        .poll_interval(Duration::from_secs(1), Duration::from_secs(1))
}

#[tokio::test(start_paused = true)]
async fn a_wait_returns_as_soon_as_the_state_is_reached() {
    let (_sandbox, client) = timed().await;
    let created = client
        .linode()
        .create_instance(debian("patient"))
        .await
        .unwrap()
        .instance;
    assert_eq!(created.status, InstanceStatus::Provisioning);
    let started = Instant::now();
    let running = client
        .linode()
        .wait_for_status(created.id, InstanceStatus::Running, every_second(120))
        .await
        .unwrap();
    assert_eq!(running.status, InstanceStatus::Running);
    // Provisioning takes 20 s and booting 10 s; polling every second sees it within a second.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(30) && waited <= Duration::from_secs(31),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_state_that_never_comes_ends_at_the_deadline_naming_the_last_state() {
    let (_sandbox, client) = timed().await;
    let id = client
        .linode()
        .create_instance(debian("never-stopped"))
        .await
        .unwrap()
        .instance
        .id;
    let started = Instant::now();
    let err = client
        .linode()
        .wait_for_status(id, InstanceStatus::Stopped, Duration::from_secs(90))
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(90));
    match err {
        Error::WaitTimeout {
            what,
            last_state,
            waited,
        } => {
            assert_eq!(what, format!("Linode {id} to be stopped"));
            assert_eq!(last_state, "status running");
            assert_eq!(waited, Duration::from_secs(90));
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn the_poller_finds_its_own_event_reports_progress_and_ignores_earlier_ones() {
    let (sandbox, client) = timed().await;
    let earlier = client
        .linode()
        .create_instance(debian("earlier"))
        .await
        .unwrap()
        .instance
        .id;
    sandbox.advance(Duration::from_secs(60));

    // Created before the action, without the id (not known until the create answers).
    let mut poller = EventPoller::new(&client, "linode", "linode_create")
        .await
        .unwrap()
        .poll_interval(Duration::from_secs(2), Duration::from_secs(2));
    let later = client
        .linode()
        .create_instance(debian("later"))
        .await
        .unwrap()
        .instance
        .id;
    poller.set_entity_id(later);

    let mut seen = Vec::new();
    let event = poller
        .wait_finished(Duration::from_secs(60), |e| {
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
    assert_eq!(event.duration, Some(20.0));
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
    let (sandbox, client) = timed().await;
    sandbox.fail_next("linode_boot", 1);
    let poller = EventPoller::new(&client, "linode", "linode_boot")
        .await
        .unwrap();
    let id = client
        .linode()
        .create_instance(debian("unlucky"))
        .await
        .unwrap()
        .instance
        .id;
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
    let (_sandbox, client) = timed().await;
    let id = client
        .linode()
        .create_instance(debian("busy"))
        .await
        .unwrap()
        .instance
        .id;
    let started = Instant::now();
    client
        .account()
        .wait_for_entity_free("linode", id, every_second(120))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(30) && waited <= Duration::from_secs(31),
        "{waited:?}"
    );
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
    let (sandbox, client) = timed().await;
    let id = client
        .linode()
        .create_instance(debian("abandoned"))
        .await
        .unwrap()
        .instance
        .id;
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
    let (sandbox, client) = timed().await;
    let id = client
        .linode()
        .create_instance(debian("lazy"))
        .await
        .unwrap()
        .instance
        .id;
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
    tokio::time::sleep(Duration::from_secs(25)).await;
    assert_eq!(
        lazy.get().await.unwrap().status,
        InstanceStatus::Running,
        "stale after 15 s: reloaded"
    );
    assert_eq!(sandbox.requests().len(), 1);
}
