//! Long-running work: the event log, event pollers and waiters with deadlines.
//!
//! Most actions (create, boot, resize, ...) return at once while the work goes on; the API
//! records its progress as an [`Event`]. Create an [`EventPoller`] *before* starting the action,
//! so that the action's own event is told apart from earlier ones, then wait for it:
//!
//! ```no_run
//! # async fn demo(client: linode::Client) -> linode::Result<()> {
//! use std::time::Duration;
//! use linode::events::EventPoller;
//!
//! let poller = EventPoller::new(&client, "linode", "linode_boot").await?.entity_id(123);
//! // ... boot Linode 123 here ...
//! let event = poller
//!     .wait_finished(Duration::from_secs(300), |e| println!("{}%", e.percent_complete.unwrap_or(0)))
//!     .await?;
//! println!("booted in {:?} s", event.duration);
//! # Ok(()) }
//! ```
//!
//! Every wait takes a deadline and ends with [`Error::WaitTimeout`]
//! naming what it waited for and the last state seen. Polling backs off from one second up to
//! ten (see [`Wait`]) and stops as soon as the caller drops the future.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::api::account::AccountGroup;
use crate::api::images::{Image, ImageStatus, ImagesGroup};
use crate::api::linode::{Disk, DiskStatus, Instance, InstanceStatus, LinodeGroup};
use crate::api::volumes::{Volume, VolumeStatus, VolumesGroup};
use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::{Filter, Order, filterable};
use crate::model::ChildId;
use crate::model::{Resource, api_enum, null_default, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_EVENTS = GET "/account/events";
    GET_EVENT = GET "/account/events/{eventId}";
    MARK_EVENT_SEEN = POST "/account/events/{eventId}/seen";
}

api_enum! {
    /// Where an event stands.
    pub enum EventStatus {
        /// Queued.
        Scheduled = "scheduled",
        /// In progress.
        Started = "started",
        /// Done.
        Finished = "finished",
        /// Ended in failure.
        Failed = "failed",
        /// Informational, no work attached.
        Notification = "notification",
    }
}

impl EventStatus {
    /// Whether the work is still going on.
    pub fn is_running(&self) -> bool {
        matches!(self, EventStatus::Scheduled | EventStatus::Started)
    }
}

/// The id of an event's entity: a number for most, a string for images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EntityId {
    /// A numeric id.
    Number(u64),
    /// A string id, such as `linode/debian12`.
    Text(String),
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntityId::Number(n) => write!(f, "{n}"),
            EntityId::Text(t) => f.write_str(t),
        }
    }
}

/// An event's estimated time left: a duration text such as `"0:0:20"` in progress, a number
/// (`0`) on some finished events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TimeRemaining {
    /// As text, `hours:minutes:seconds`.
    Text(String),
    /// As a number of seconds.
    Seconds(serde_json::Number),
}

/// What an event is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventEntity {
    /// The entity's id.
    pub id: EntityId,
    /// Its label.
    #[serde(default)]
    pub label: Option<String>,
    /// Its type: `linode`, `disk`, `volume`, `image`, ...
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub kind: String,
    /// Its API URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// An entry of the account's event log: an action on an entity and how far it has come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Event {
    /// The event's id; later events have larger ids.
    pub id: u64,
    /// The action, such as `linode_boot` or `volume_attach`.
    pub action: String,
    /// When it was created.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// What the action is on.
    #[serde(default)]
    pub entity: Option<EventEntity>,
    /// A second entity involved (the image of a rebuild, the Linode of a volume attach).
    #[serde(default)]
    pub secondary_entity: Option<EventEntity>,
    /// Where it stands (volatile).
    pub status: EventStatus,
    /// Progress in percent, when the API reports it.
    #[serde(default)]
    pub percent_complete: Option<u32>,
    /// How long it took, in seconds, once over.
    #[serde(default)]
    pub duration: Option<f64>,
    /// Estimated time left, for some migrations (`"0:0:20"`); finished events may carry `0`.
    #[serde(default)]
    pub time_remaining: Option<TimeRemaining>,
    /// Whether it was marked seen.
    #[serde(default, deserialize_with = "null_default")]
    pub seen: bool,
    /// Whether it was marked read.
    #[serde(default, deserialize_with = "null_default")]
    pub read: bool,
    /// Who caused it.
    #[serde(default)]
    pub username: Option<String>,
    /// A message, for some actions (`""` when there is none).
    #[serde(default)]
    pub message: Option<String>,
    /// The rate of completion, for some migrations and resizes.
    #[serde(default)]
    pub rate: Option<String>,
    /// More about the event, for some actions. Its shape is not documented, so it is kept as
    /// the API sent it.
    #[serde(default)]
    pub details: Option<serde_json::Value>,
}

filterable!(Event {
    ACTION: Text = "action",
    CREATED: Time = "created",
    ENTITY_ID: Number = "entity.id",
    ENTITY_TYPE: Text = "entity.type",
    ID: Number = "id",
});

impl Resource for Event {
    type Id = u64;
    const VOLATILE: bool = true;
    fn path(id: &u64) -> Path {
        GET_EVENT.path(&[id])
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "event {} {} ({}", self.id, self.action, self.status)?;
        if let Some(p) = self.percent_complete.filter(|_| self.status.is_running()) {
            write!(f, ", {p}%")?;
        }
        if let Some(e) = &self.entity {
            write!(f, ", {} {}", e.kind, e.id)?;
        }
        f.write_str(")")
    }
}

/// Anything that names an event: its id or the event itself.
pub trait EventRef {
    /// The event's id.
    fn event_id(&self) -> u64;
}

impl EventRef for u64 {
    fn event_id(&self) -> u64 {
        *self
    }
}

impl EventRef for Event {
    fn event_id(&self) -> u64 {
        self.id
    }
}

impl<T: EventRef + ?Sized> EventRef for &T {
    fn event_id(&self) -> u64 {
        (**self).event_id()
    }
}

impl AccountGroup<'_> {
    /// The event log, newest first.
    pub fn events(&self) -> ListRequest<Event> {
        ListRequest::new(self.client, LIST_EVENTS.path(&[]))
    }

    /// Loads one event.
    pub async fn event(&self, id: u64) -> Result<Event> {
        self.client.load::<Event>(id).await
    }

    /// Marks an event, and every earlier one, as seen.
    pub async fn mark_last_seen_event(&self, event: impl EventRef) -> Result<()> {
        self.client
            .send_empty(MARK_EVENT_SEEN.with_body(&[&event.event_id()], &serde_json::json!({}))?)
            .await
    }

    /// Waits until no event on the entity is scheduled or started.
    pub async fn wait_for_entity_free(
        &self,
        entity_type: &str,
        entity_id: u64,
        wait: Wait,
    ) -> Result<()> {
        let what = format!("{entity_type} {entity_id} to have no running events");
        let filter = Event::ENTITY_TYPE.eq(entity_type) & Event::ENTITY_ID.eq(entity_id);
        wait.poll(&what, || async {
            let mut recent = self
                .events()
                .filter(filter.clone())
                .page_size(25)
                .send()
                .await?;
            let running = match recent.first().await? {
                Some(newest) if newest.status.is_running() => Some(newest.to_string()),
                _ => None,
            };
            Ok(match running {
                Some(state) => Probe::Pending(state),
                None => Probe::Ready(()),
            })
        })
        .await
    }
}

/// How a wait polls: its deadline and the interval between polls, which starts at `initial`
/// and doubles up to `max`.
///
/// ```
/// use std::time::Duration;
/// use linode::events::Wait;
/// let wait = Wait::new(Duration::from_secs(300)).poll_interval(Duration::from_millis(500), Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    timeout: Duration,
    initial: Duration,
    max: Duration,
}

impl From<Duration> for Wait {
    fn from(timeout: Duration) -> Wait {
        Wait::new(timeout)
    }
}

/// One look at the state being waited for.
#[derive(Debug)]
pub enum Probe<T> {
    /// The state was reached.
    Ready(T),
    /// Not yet; the state seen, for the timeout error.
    Pending(String),
}

impl Wait {
    /// A wait that gives up after `timeout`, polling every 1 s at first and every 10 s at most.
    pub fn new(timeout: Duration) -> Wait {
        Wait {
            timeout,
            initial: Duration::from_secs(1),
            max: Duration::from_secs(10),
        }
    }

    /// Sets the first and the longest interval between polls.
    pub fn poll_interval(mut self, initial: Duration, max: Duration) -> Wait {
        self.initial = initial.max(Duration::from_millis(1));
        self.max = max.max(self.initial);
        self
    }

    /// Calls `probe` until it is ready, fails, or the deadline passes. Each probe is itself cut
    /// short by the deadline.
    pub async fn poll<T, F, Fut>(&self, what: &str, mut probe: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Probe<T>>>,
    {
        let started = Instant::now();
        let deadline = started + self.timeout;
        let mut interval = self.initial;
        let mut last = "nothing seen yet".to_owned();
        loop {
            match tokio::time::timeout_at(deadline, probe()).await {
                Ok(Ok(Probe::Ready(value))) => return Ok(value),
                Ok(Ok(Probe::Pending(state))) => last = state,
                Ok(Err(error)) => return Err(error),
                Err(_) => {}
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::WaitTimeout {
                    what: what.to_owned(),
                    last_state: last,
                    waited: now - started,
                });
            }
            tokio::time::sleep(interval.min(deadline - now)).await;
            interval = (interval * 2).min(self.max);
        }
    }
}

/// Watches the event log for the event of one action, telling it apart from the events that
/// existed when the poller was created.
#[derive(Debug, Clone)]
pub struct EventPoller {
    client: Client,
    entity_type: String,
    action: String,
    entity_id: Option<u64>,
    /// The newest event id when the poller was created: only later events count.
    baseline: u64,
    wait_polls: Option<(Duration, Duration)>,
}

impl EventPoller {
    /// Notes the newest event now; create it *before* starting the action. `entity_type` is
    /// such as `linode`, `action` such as `linode_boot`.
    pub async fn new(client: &Client, entity_type: &str, action: &str) -> Result<EventPoller> {
        let mut newest = client
            .account()
            .events()
            .order_by(Event::ID, Order::Desc)
            .page_size(25)
            .send()
            .await?;
        let baseline = newest.first().await?.map_or(0, |e| e.id);
        Ok(EventPoller {
            client: client.clone(),
            entity_type: entity_type.to_owned(),
            action: action.to_owned(),
            entity_id: None,
            baseline,
            wait_polls: None,
        })
    }

    /// Only the event of this entity counts (set it as soon as the id is known, for example
    /// once a create has answered).
    pub fn entity_id(mut self, id: u64) -> EventPoller {
        self.entity_id = Some(id);
        self
    }

    /// Sets the entity id on a poller in place.
    pub fn set_entity_id(&mut self, id: u64) {
        self.entity_id = Some(id);
    }

    /// Polls every `initial`, backing off to `max` (1 s and 10 s by default).
    pub fn poll_interval(mut self, initial: Duration, max: Duration) -> EventPoller {
        self.wait_polls = Some((initial, max));
        self
    }

    fn wait(&self, timeout: Duration) -> Wait {
        let wait = Wait::new(timeout);
        match self.wait_polls {
            Some((initial, max)) => wait.poll_interval(initial, max),
            None => wait,
        }
    }

    fn filter(&self) -> Filter<Event> {
        let mut filter = Event::ID.gt(self.baseline)
            & Event::ENTITY_TYPE.eq(self.entity_type.as_str())
            & Event::ACTION.eq(self.action.as_str());
        if let Some(id) = self.entity_id {
            filter = filter & Event::ENTITY_ID.eq(id);
        }
        filter
    }

    fn describe(&self) -> String {
        match self.entity_id {
            Some(id) => format!("{} event of {} {id}", self.action, self.entity_type),
            None => format!("{} event of a {}", self.action, self.entity_type),
        }
    }

    /// The oldest matching event newer than the poller, if any yet.
    async fn find(&self) -> Result<Option<Event>> {
        let mut found = self
            .client
            .account()
            .events()
            .filter(self.filter())
            .order_by(Event::ID, Order::Asc)
            .page_size(25)
            .send()
            .await?;
        Ok(found.first().await?.cloned())
    }

    /// Waits for the action's event to appear (in any state) and returns it.
    pub async fn wait_for_event(&self, timeout: Duration) -> Result<Event> {
        self.wait(timeout)
            .poll(&self.describe(), || async {
                Ok(match self.find().await? {
                    Some(event) => Probe::Ready(event),
                    None => Probe::Pending("no matching event yet".to_owned()),
                })
            })
            .await
    }

    /// Waits for the action's event to finish, calling `progress` each time its
    /// `percent_complete` changes. A failed event is [`Error::EventFailed`] carrying it.
    pub async fn wait_finished(
        &self,
        timeout: Duration,
        mut progress: impl FnMut(&Event),
    ) -> Result<Event> {
        // Shared with each probe's future, which outlives the closure call that made it.
        let reported = std::cell::Cell::new(None);
        let progress = std::cell::RefCell::new(&mut progress);
        let what = format!("{} to finish", self.describe());
        self.wait(timeout)
            .poll(&what, || async {
                let Some(event) = self.find().await? else {
                    return Ok(Probe::Pending("no matching event yet".to_owned()));
                };
                if reported.replace(Some(event.percent_complete)) != Some(event.percent_complete) {
                    (progress.borrow_mut())(&event);
                }
                match event.status {
                    EventStatus::Finished => Ok(Probe::Ready(event)),
                    EventStatus::Failed => Err(Error::EventFailed {
                        event: Box::new(event),
                    }),
                    _ => Ok(Probe::Pending(event.to_string())),
                }
            })
            .await
    }
}

impl LinodeGroup<'_> {
    /// Waits until the Linode reaches `status` (such as `running` after a create or boot).
    pub async fn wait_for_status(
        &self,
        id: u64,
        status: InstanceStatus,
        wait: impl Into<Wait>,
    ) -> Result<Instance> {
        let what = format!("Linode {id} to be {status}");
        self.client
            .wait_until(
                id,
                wait.into(),
                &what,
                |i: &Instance| i.status == status,
                |i| format!("status {}", i.status),
            )
            .await
    }
}

impl LinodeGroup<'_> {
    /// Waits until a disk of a Linode is `ready` (after a create, resize or imagize).
    pub async fn wait_for_disk_ready(&self, disk: ChildId, wait: impl Into<Wait>) -> Result<Disk> {
        let what = format!("disk {} of Linode {} to be ready", disk.id, disk.parent);
        self.client
            .wait_until(
                disk,
                wait.into(),
                &what,
                |d: &Disk| d.status == DiskStatus::Ready,
                |d| format!("status {}", d.status),
            )
            .await
    }
}

impl VolumesGroup<'_> {
    /// Waits until a volume is `active` (after a create, resize or clone).
    pub async fn wait_for_active(&self, id: u64, wait: impl Into<Wait>) -> Result<Volume> {
        let what = format!("volume {id} to be active");
        self.client
            .wait_until(
                id,
                wait.into(),
                &what,
                |v: &Volume| v.status == VolumeStatus::Active,
                |v| format!("status {}", v.status),
            )
            .await
    }

    /// Waits until a volume is attached to the Linode `linode_id`: the volume names the Linode
    /// and its attach event is over.
    pub async fn wait_for_attached(
        &self,
        id: u64,
        linode_id: u64,
        wait: impl Into<Wait>,
    ) -> Result<Volume> {
        let wait = wait.into();
        let started = Instant::now();
        let what = format!("volume {id} to be attached to Linode {linode_id}");
        let attached = |v: &Volume| v.linode_id == Some(linode_id);
        let state = |v: &Volume| match v.linode_id {
            Some(l) => format!("attached to Linode {l}, status {}", v.status),
            None => format!("detached, status {}", v.status),
        };
        self.client
            .wait_until(id, wait, &what, attached, state)
            .await?;
        let rest = Wait {
            timeout: wait.timeout.saturating_sub(started.elapsed()),
            ..wait
        };
        self.client
            .account()
            .wait_for_entity_free("volume", id, rest)
            .await?;
        self.client.load::<Volume>(id).await
    }
}

impl ImagesGroup<'_> {
    /// Waits until an image is `available` (after it was created from a disk).
    pub async fn wait_for_available(&self, id: &str, wait: impl Into<Wait>) -> Result<Image> {
        let what = format!("image {id} to be available");
        self.client
            .wait_until(
                id.to_owned(),
                wait.into(),
                &what,
                |i: &Image| i.status == ImageStatus::Available,
                |i| format!("status {}", i.status),
            )
            .await
    }
}

impl Client {
    /// Waits until the object `id` satisfies `ready`, reloading it as the [`Wait`] says.
    /// `what` names the state awaited, for the timeout error; `state` describes what was seen.
    /// A 404 is not the end: right after a create the API may not show the object yet, so it
    /// is looked for again until the deadline.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use std::time::Duration;
    /// use linode::api::linode::{Instance, InstanceStatus};
    /// let running: Instance = client
    ///     .wait_until(123, Duration::from_secs(300).into(), "Linode 123 to run",
    ///         |i: &Instance| i.status == InstanceStatus::Running,
    ///         |i| i.status.to_string())
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn wait_until<T: Resource>(
        &self,
        id: T::Id,
        wait: Wait,
        what: &str,
        ready: impl Fn(&T) -> bool,
        state: impl Fn(&T) -> String,
    ) -> Result<T> {
        wait.poll(what, || async {
            match self.load::<T>(id.clone()).await {
                Ok(current) if ready(&current) => Ok(Probe::Ready(current)),
                Ok(current) => Ok(Probe::Pending(state(&current))),
                // A new object may answer 404 for a moment after its create: it is looked for
                // again until the deadline, whose error then says it was never found.
                Err(e) if e.is_not_found() => Ok(Probe::Pending("not found".to_owned())),
                Err(e) => Err(e),
            }
        })
        .await
    }
}
