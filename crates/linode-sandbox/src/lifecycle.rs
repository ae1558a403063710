//! Work that takes time: every action writes an event to `/account/events`, and actions that
//! last (boot, resize, ...) move their entity through states as the sandbox's clock advances.
//!
//! Handlers describe an action with [`Action`] and hand it to [`Store::record`]: the event is
//! written at once, and the action's `on_finish` (or `on_fail`, when a failure was injected)
//! effects apply when its time is up. Effects are data ([`Effect`]), not code, so that the
//! actions in progress can be stored with the rest of the state and resumed after a restart. Time is the [`Clock`]'s: real time scaled by a speed factor (0
//! makes every action instant), plus manual steps so tests can move it forward exactly. It reads
//! Tokio's clock, so a test running on a paused Tokio clock drives the sandbox's time too.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::store::{Store, format_time};

/// How long actions on an instance last at speed 1: about as long as on the real platform,
/// so that a client re-reading every 15 seconds sees the intermediate statuses.
pub mod durations {
    use std::time::Duration;

    /// Creation (`provisioning`).
    pub const CREATE: Duration = Duration::from_secs(60);
    /// Boot (`booting`).
    pub const BOOT: Duration = Duration::from_secs(40);
    /// Reboot (`rebooting`).
    pub const REBOOT: Duration = Duration::from_secs(60);
    /// Shutdown (`shutting_down`).
    pub const SHUTDOWN: Duration = Duration::from_secs(30);
    /// Rebuild (`rebuilding`).
    pub const REBUILD: Duration = Duration::from_secs(120);
    /// Resize (`resizing`).
    pub const RESIZE: Duration = Duration::from_secs(300);
    /// Migration to another region (`migrating`).
    pub const MIGRATE: Duration = Duration::from_secs(600);
    /// Restore of a backup (`restoring`).
    pub const RESTORE: Duration = Duration::from_secs(180);
    /// Provisioning of an LKE cluster's control plane (`lke_cluster_create`); its nodes are
    /// Linodes, ready once created and booted.
    pub const LKE_CONTROL_PLANE: Duration = Duration::from_secs(150);
}

/// The sandbox's notion of time.
#[derive(Debug, Clone)]
pub struct Clock {
    /// Multiplies every action's nominal duration; 0 makes actions finish at the next request.
    speed: f64,
    /// Time added by manual steps.
    offset: Duration,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            speed: 0.0,
            offset: Duration::ZERO,
        }
    }
}

impl Clock {
    /// A clock whose actions last their nominal duration times `speed`.
    pub fn with_speed(speed: f64) -> Clock {
        Clock {
            speed: if speed.is_finite() {
                speed.max(0.0)
            } else {
                0.0
            },
            offset: Duration::ZERO,
        }
    }

    /// The current instant, manual steps included.
    pub fn now(&self) -> Instant {
        Instant::now() + self.offset
    }

    /// The current wall-clock time, manual steps included.
    pub fn wall(&self) -> SystemTime {
        SystemTime::now() + self.offset
    }

    /// Moves time forward by `step`.
    pub fn advance(&mut self, step: Duration) {
        self.offset += step;
    }

    /// Changes the speed of actions started from now on (see [`Clock::with_speed`]).
    pub fn set_speed(&mut self, speed: f64) {
        self.speed = Clock::with_speed(speed).speed;
    }

    /// The speed of actions.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// How long an action of `nominal` length really lasts.
    pub fn scale(&self, nominal: Duration) -> Duration {
        nominal.mul_f64(self.speed)
    }
}

/// What an event is about, as `entity` and `secondary_entity` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// The entity's id (a number, or a string for images).
    pub id: Value,
    /// Its label.
    pub label: String,
    /// Its type: `linode`, `disk`, `volume`, `image`, `domain`, ...
    pub kind: String,
    /// Its API URL, such as `/v4/linode/instances/123`.
    pub url: String,
}

impl Entity {
    /// An entity of any kind.
    pub fn new(kind: &str, id: impl Into<Value>, label: &str, url: String) -> Entity {
        Entity {
            id: id.into(),
            label: label.to_owned(),
            kind: kind.to_owned(),
            url,
        }
    }

    /// A Linode instance.
    pub fn linode(id: u64, label: &str) -> Entity {
        Entity::new("linode", id, label, format!("/v4/linode/instances/{id}"))
    }

    fn json(&self) -> Value {
        let mut map = Map::new();
        map.insert("id".into(), self.id.clone());
        map.insert("label".into(), Value::from(self.label.as_str()));
        map.insert("type".into(), Value::from(self.kind.as_str()));
        map.insert("url".into(), Value::from(self.url.as_str()));
        Value::Object(map)
    }
}

/// A change an action makes to the state when it finishes (or fails): data, so that actions in
/// progress are stored and resumed like the rest of the state. Every effect tolerates its
/// object being gone by then (deleted meanwhile): it does nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Effect {
    /// Sets an instance's `status` (see [`Store::set_instance_status`]).
    InstanceStatus {
        /// The instance.
        id: u64,
        /// Its new status.
        status: String,
    },
    /// Sets values in an object of a collection, each at a JSON pointer (`/status`,
    /// `/regions/0/status`); a missing last key is added.
    Set {
        /// The collection.
        table: String,
        /// The object.
        id: u64,
        /// Pointer and value pairs, applied in order.
        values: Vec<(String, Value)>,
    },
    /// Removes an object of a collection (keeping its collection's indexes in step).
    Remove {
        /// The collection.
        table: String,
        /// The object.
        id: u64,
    },
    /// Applies `then` only while an object of a collection exists.
    IfExists {
        /// The collection.
        table: String,
        /// The object.
        id: u64,
        /// What to apply.
        then: Vec<Effect>,
    },
    /// Starts another action (a boot after a creation, ...).
    Start(Box<Action>),
    /// A family's own rule, by name, with its arguments (see `routes::rule`); an unknown
    /// name (from a newer or older state) does nothing.
    Rule {
        /// The rule's name, such as `linode.finish_resize`.
        name: String,
        /// Its arguments.
        args: Value,
    },
}

impl Effect {
    /// Sets instance `id`'s status.
    pub fn instance_status(id: u64, status: &str) -> Effect {
        Effect::InstanceStatus {
            id,
            status: status.to_owned(),
        }
    }

    /// Sets values in object `id` of `table`, each at a JSON pointer.
    pub fn set<const N: usize>(table: &str, id: u64, values: [(&str, Value); N]) -> Effect {
        Effect::Set {
            table: table.to_owned(),
            id,
            values: values
                .into_iter()
                .map(|(at, v)| (at.to_owned(), v))
                .collect(),
        }
    }

    /// Removes object `id` of `table`.
    pub fn remove(table: &str, id: u64) -> Effect {
        Effect::Remove {
            table: table.to_owned(),
            id,
        }
    }

    /// A family's rule `name` with `args` (see `routes::rule`).
    pub fn rule(name: &str, args: Value) -> Effect {
        Effect::Rule {
            name: name.to_owned(),
            args,
        }
    }

    fn apply(self, store: &mut Store) {
        match self {
            Effect::InstanceStatus { id, status } => store.set_instance_status(id, &status),
            Effect::Set { table, id, values } => {
                if let Some(object) = store.table_mut_existing(&table, id) {
                    for (at, value) in values {
                        set_at(object, &at, value);
                    }
                }
            }
            Effect::Remove { table, id } => store.remove_any(&table, id),
            Effect::IfExists { table, id, then } => {
                if store.table(&table).get(id).is_some() {
                    for effect in then {
                        effect.apply(store);
                    }
                }
            }
            Effect::Start(action) => {
                store.record(*action);
            }
            Effect::Rule { name, args } => match crate::routes::rule(&name) {
                Some(rule) => rule(store, &args),
                None => tracing::warn!(rule = %name, "linode-sandbox: unknown effect rule skipped"),
            },
        }
    }
}

/// Sets `value` at JSON pointer `at` in `object`, adding the last key when missing.
fn set_at(object: &mut Value, at: &str, value: Value) {
    let (parent, key) = at.rsplit_once('/').unwrap_or(("", at));
    match object.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(key.to_owned(), value);
        }
        Some(Value::Array(items)) => {
            if let Some(item) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *item = value;
            }
        }
        _ => {}
    }
}

/// An action on an entity, written to the event log and finished when its time is up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    action: String,
    entity: Option<Entity>,
    secondary: Option<Entity>,
    nominal: Duration,
    on_finish: Vec<Effect>,
    on_fail: Vec<Effect>,
}

impl Action {
    /// An action such as `linode_boot` on `entity`, instant unless [`lasting`](Self::lasting).
    pub fn new(action: &str, entity: Entity) -> Action {
        Action {
            action: action.to_owned(),
            entity: Some(entity),
            secondary: None,
            nominal: Duration::ZERO,
            on_finish: Vec::new(),
            on_fail: Vec::new(),
        }
    }

    /// The event's `secondary_entity` (the image of a rebuild, the Linode a volume attaches to).
    pub fn secondary(mut self, entity: Entity) -> Action {
        self.secondary = Some(entity);
        self
    }

    /// How long the action takes at speed 1.
    pub fn lasting(mut self, nominal: Duration) -> Action {
        self.nominal = nominal;
        self
    }

    /// What changes when the action finishes (a status becoming `running`, ...); effects
    /// added by several calls apply in order.
    pub fn on_finish(mut self, effect: Effect) -> Action {
        self.on_finish.push(effect);
        self
    }

    /// What changes when the action fails (only when a failure was injected).
    pub fn on_fail(mut self, effect: Effect) -> Action {
        self.on_fail.push(effect);
        self
    }
}

/// An action in progress.
#[derive(Debug)]
struct Job {
    event_id: u64,
    started: Instant,
    due: Instant,
    fail: bool,
    on_finish: Vec<Effect>,
    on_fail: Vec<Effect>,
}

/// The event log and the actions in progress.
#[derive(Default)]
pub struct Lifecycle {
    jobs: Vec<Job>,
    /// Injected failures: how many of the next actions of each name fail.
    failures: HashMap<String, usize>,
    /// While a finished action's effects run: when it finished, so that actions they start
    /// begin then rather than when the clock was last read.
    finished_at: Option<Instant>,
}

impl std::fmt::Debug for Lifecycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lifecycle")
            .field("jobs", &self.jobs.len())
            .field("failures", &self.failures)
            .finish()
    }
}

impl Lifecycle {
    /// Makes the next `count` actions named `action` fail.
    pub fn fail_next(&mut self, action: &str, count: usize) {
        *self.failures.entry(action.to_owned()).or_default() += count;
    }

    fn take_failure(&mut self, action: &str) -> bool {
        match self.failures.get_mut(action) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }

    /// Whether any action is still in progress.
    pub fn busy(&self) -> bool {
        !self.jobs.is_empty()
    }
}

/// An action in progress as stored with the state: its times on the wall clock (seconds since
/// the Unix epoch), so that it finishes when it would have, even across a restart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedJob {
    event_id: u64,
    started: f64,
    due: f64,
    fail: bool,
    on_finish: Vec<Effect>,
    on_fail: Vec<Effect>,
}

/// Seconds since the Unix epoch of `at`.
fn unix(at: SystemTime) -> f64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl Store {
    /// The actions in progress, as data (see [`Store::resume_jobs`]).
    pub fn saved_jobs(&self) -> Vec<SavedJob> {
        let now = self.clock.now();
        let wall = unix(self.clock.wall());
        let at = |instant: Instant| {
            if instant >= now {
                wall + (instant - now).as_secs_f64()
            } else {
                wall - (now - instant).as_secs_f64()
            }
        };
        self.lifecycle
            .jobs
            .iter()
            .map(|job| SavedJob {
                event_id: job.event_id,
                started: at(job.started),
                due: at(job.due),
                fail: job.fail,
                on_finish: job.on_finish.clone(),
                on_fail: job.on_fail.clone(),
            })
            .collect()
    }

    /// Takes up actions saved by [`Store::saved_jobs`]: each finishes at the wall-clock time
    /// it was due (at the next tick if that time has passed).
    pub fn resume_jobs(&mut self, jobs: Vec<SavedJob>) {
        let now = self.clock.now();
        let wall = unix(self.clock.wall());
        let at = |t: f64| {
            let offset = t - wall;
            if offset >= 0.0 {
                now + Duration::from_secs_f64(offset.min(1e9))
            } else {
                now.checked_sub(Duration::from_secs_f64((-offset).min(1e9)))
                    .unwrap_or(now)
            }
        };
        for job in jobs {
            self.lifecycle.jobs.push(Job {
                event_id: job.event_id,
                started: at(job.started),
                due: at(job.due),
                fail: job.fail,
                on_finish: job.on_finish,
                on_fail: job.on_fail,
            });
        }
    }
}

/// Share of an action's time spent `scheduled` before it is `started`.
const SCHEDULED_SHARE: f64 = 0.1;

impl Store {
    /// Writes the action's event and starts it; returns the event id. An instant action (or
    /// any action at speed 0) is finished at the next request, or at once when instant.
    pub fn record(&mut self, action: Action) -> u64 {
        let id = self.next_event_id();
        let now = self
            .lifecycle
            .finished_at
            .unwrap_or_else(|| self.clock.now());
        let created = self.clock.wall() - self.clock.now().saturating_duration_since(now);
        let length = self.clock.scale(action.nominal);
        let fail = self.lifecycle.take_failure(&action.action);
        let mut event = Map::new();
        event.insert("id".into(), Value::from(id));
        event.insert("action".into(), Value::from(action.action.as_str()));
        event.insert("created".into(), Value::from(format_time(created)));
        event.insert(
            "entity".into(),
            action.entity.as_ref().map_or(Value::Null, Entity::json),
        );
        event.insert(
            "secondary_entity".into(),
            action.secondary.as_ref().map_or(Value::Null, Entity::json),
        );
        event.insert(
            "status".into(),
            Value::from(if length.is_zero() {
                "started"
            } else {
                "scheduled"
            }),
        );
        event.insert("percent_complete".into(), Value::from(0));
        event.insert("duration".into(), Value::Null);
        event.insert("time_remaining".into(), Value::Null);
        event.insert("rate".into(), Value::Null);
        event.insert("seen".into(), Value::from(false));
        event.insert("read".into(), Value::from(false));
        event.insert("username".into(), Value::from("sandbox-user"));
        // The API sends "" rather than null when there is no message or detail.
        event.insert("message".into(), Value::from(""));
        event.insert("details".into(), Value::Null);
        self.events_mut().insert(id, Value::Object(event));
        self.lifecycle.jobs.push(Job {
            event_id: id,
            started: now,
            due: now + length,
            fail,
            on_finish: action.on_finish,
            on_fail: action.on_fail,
        });
        if length.is_zero() && self.lifecycle.finished_at.is_none() {
            self.tick();
        }
        id
    }

    /// Brings every action up to the clock: progress of running ones, effects of finished
    /// ones (which may start further actions, finished in turn if due).
    pub fn tick(&mut self) {
        loop {
            let now = self.clock.now();
            let (due, running): (Vec<Job>, Vec<Job>) = std::mem::take(&mut self.lifecycle.jobs)
                .into_iter()
                .partition(|j| j.due <= now);
            self.lifecycle.jobs = running;
            if due.is_empty() {
                break;
            }
            for job in due {
                self.finish(job);
            }
        }
        let now = self.clock.now();
        let progress: Vec<(u64, f64)> = self
            .lifecycle
            .jobs
            .iter()
            .map(|job| {
                let total = job.due.duration_since(job.started).as_secs_f64();
                let done = now.saturating_duration_since(job.started).as_secs_f64();
                let share = if total > 0.0 {
                    (done / total).min(1.0)
                } else {
                    1.0
                };
                (job.event_id, share)
            })
            .collect();
        if progress.is_empty() {
            return;
        }
        let events = self.events_mut();
        for (event_id, share) in progress {
            if let Some(event) = events.get_mut(event_id) {
                let status = if share < SCHEDULED_SHARE {
                    "scheduled"
                } else {
                    "started"
                };
                event["status"] = Value::from(status);
                event["percent_complete"] = Value::from((share * 100.0).floor() as u64);
            }
        }
    }

    /// Finishes every action in progress now, and the actions their effects start; returns
    /// how many finished. Bounded, so that effects starting actions forever cannot hang it.
    pub fn settle(&mut self) -> usize {
        let mut finished = 0;
        for _ in 0..1_000 {
            self.tick();
            if self.lifecycle.jobs.is_empty() {
                break;
            }
            let now = self.clock.now();
            for job in &mut self.lifecycle.jobs {
                job.due = job.due.min(now);
            }
            finished += self.lifecycle.jobs.len();
        }
        finished
    }

    fn finish(&mut self, job: Job) {
        if let Some(event) = self.events_mut().get_mut(job.event_id) {
            event["status"] = Value::from(if job.fail { "failed" } else { "finished" });
            event["percent_complete"] = Value::from(if job.fail { 0 } else { 100 });
            let seconds = job.due.saturating_duration_since(job.started).as_secs_f64();
            event["duration"] = Value::from((seconds * 100.0).round() / 100.0);
        }
        let effects = if job.fail { job.on_fail } else { job.on_finish };
        if !effects.is_empty() {
            let outer = self.lifecycle.finished_at.replace(job.due);
            for effect in effects {
                effect.apply(self);
            }
            self.lifecycle.finished_at = outer;
        }
    }
}
