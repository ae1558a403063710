//! The sandbox's mutable state: every collection of resources, id and address allocation.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::time::SystemTime;

use serde_json::Value;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::catalog::catalog;
use crate::lifecycle::{Clock, Lifecycle};
use crate::stored::{StoredJson, Template};

/// The `format` of a state document ([`Store::export`]).
pub const STATE_FORMAT: &str = "linode-sandbox/state/v4";

/// First id handed out to a Linode instance.
pub const FIRST_INSTANCE_ID: u64 = 40_000_000;

/// First id handed out to an event.
pub const FIRST_EVENT_ID: u64 = 900_000_000;

/// The current UTC time in the API's format (`2024-01-01T00:01:01`, no zone).
pub fn now() -> String {
    format_time(SystemTime::now())
}

/// A time in the API's format (`2024-01-01T00:01:01`, UTC, no zone).
pub fn format_time(at: SystemTime) -> String {
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    OffsetDateTime::from(at)
        .format(&fmt)
        .unwrap_or_else(|_| "1970-01-01T00:00:00".to_owned())
}

/// A collection of JSON objects keyed by integer id, iterated in id order.
///
/// Each object is kept once, as its serialised form ([`StoredJson`]): answering a list or a
/// single get copies those bytes, and an `X-Filter` reads only the fields it names
/// ([`Table::select`]). An object read as a [`Value`] ([`Table::get`], [`Table::values`], ...)
/// is parsed on first use and that parse is kept beside the bytes until the table is next
/// compacted ([`Table::compact`], which [`Store::table_mut`] runs once enough objects were
/// parsed); a mutable access drops the bytes, which are written again on next use, so they
/// never go stale.
///
/// Its `Debug` shows how many objects it holds, never the objects (some collections hold
/// secrets, such as [`crate::account::names::ISSUED_TOKENS`]).
#[derive(Default)]
pub struct Table {
    items: BTreeMap<u64, Entry>,
    /// How many objects were parsed since the last compaction (an estimate: it only
    /// decides when to compact).
    parsed: AtomicUsize,
    /// The ids stored, changed or removed since the last [`Store::take_changes`]; `None`
    /// until then (nobody asked: nothing to remember), which also means "all of it".
    changed: Option<BTreeSet<u64>>,
}

/// One object: its serialised form, its parsed form, or both (never neither).
#[derive(Debug)]
struct Entry {
    json: OnceLock<StoredJson>,
    value: OnceLock<Value>,
}

impl Entry {
    /// An entry holding only the serialised form of `value`.
    fn new(value: &Value) -> Entry {
        Entry {
            json: OnceLock::from(StoredJson::encode(value)),
            value: OnceLock::new(),
        }
    }

    fn stored(&self) -> &StoredJson {
        self.json.get_or_init(|| {
            StoredJson::encode(self.value.get().expect("an entry holds bytes or a value"))
        })
    }

    fn json(&self) -> &[u8] {
        self.stored().json()
    }

    fn value(&self, parsed: &AtomicUsize) -> &Value {
        self.value.get_or_init(|| {
            parsed.fetch_add(1, AtomicOrdering::Relaxed);
            self.json
                .get()
                .expect("an entry holds bytes or a value")
                .parse()
        })
    }

    /// The parsed form, for changing: the serialised form is dropped (written again on
    /// next use).
    fn value_mut(&mut self, parsed: &AtomicUsize) -> &mut Value {
        self.value(parsed);
        self.json.take();
        self.value.get_mut().expect("just parsed")
    }

    fn into_value(self) -> Value {
        match self.value.into_inner() {
            Some(value) => value,
            None => self
                .json
                .get()
                .expect("an entry holds bytes or a value")
                .parse(),
        }
    }

    /// Keeps only the serialised form.
    fn compact(&mut self) {
        self.stored();
        self.value.take();
    }
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("len", &self.items.len())
            .finish_non_exhaustive()
    }
}

impl serde::Serialize for Table {
    /// As a map from id to object.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Objects that were not parsed are parsed one at a time, and not kept.
        serializer.collect_map(self.items.iter().map(|(id, e)| {
            let value = match e.value.get() {
                Some(value) => Cow::Borrowed(value),
                None => Cow::Owned(e.stored().parse()),
            };
            (id, value)
        }))
    }
}

impl<'de> serde::Deserialize<'de> for Table {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = BTreeMap::<u64, Value>::deserialize(deserializer)?;
        Ok(Table {
            items: items
                .into_iter()
                .map(|(id, value)| (id, Entry::new(&value)))
                .collect(),
            parsed: AtomicUsize::new(0),
            changed: None,
        })
    }
}

/// Parsed objects a table may keep beside their bytes before [`Store::table_mut`] compacts it.
const PARSED_LIMIT: usize = 4096;

impl Table {
    /// Stores (or replaces) an object.
    pub fn insert(&mut self, id: u64, item: Value) {
        self.mark(id);
        self.items.insert(id, Entry::new(&item));
    }

    /// Stores (or replaces) an object given as its serialised form (see [`Template`]).
    pub fn insert_stored(&mut self, id: u64, item: StoredJson) {
        self.mark(id);
        self.items.insert(
            id,
            Entry {
                json: OnceLock::from(item),
                value: OnceLock::new(),
            },
        );
    }

    /// Stores an object given as its serialised form (as [`Table::get_json`] gives it).
    pub fn insert_json(&mut self, id: u64, json: &[u8]) -> Result<(), serde_json::Error> {
        let value: Value = serde_json::from_slice(json)?;
        self.insert(id, value);
        Ok(())
    }

    /// Remembers that object `id` changed, when changes are tracked.
    fn mark(&mut self, id: u64) {
        if let Some(changed) = &mut self.changed {
            changed.insert(id);
        }
    }

    /// An object by id.
    pub fn get(&self, id: u64) -> Option<&Value> {
        self.items.get(&id).map(|e| e.value(&self.parsed))
    }

    /// An object by id, serialised exactly as `serde_json::to_vec` would (and cached).
    pub fn get_json(&self, id: u64) -> Option<&[u8]> {
        self.items.get(&id).map(Entry::json)
    }

    /// The serialised objects at positions `range` in id order (a page of the unfiltered
    /// collection), without looking at any other object's contents.
    pub fn json_range(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = &[u8]> {
        self.items
            .values()
            .skip(range.start)
            .take(range.len())
            .map(Entry::json)
    }

    /// Every object's id and serialised form, in id order.
    pub fn json_entries(&self) -> impl Iterator<Item = (u64, &[u8])> {
        self.items.iter().map(|(id, e)| (*id, e.json()))
    }

    /// The ids of the objects that pass `filter` and that `visible` (when given) shows, in
    /// the filter's order: a filter reads only the fields it names, without parsing the
    /// objects (`visible` sees parsed objects).
    pub fn select(
        &self,
        filter: &crate::xfilter::XFilter,
        visible: Option<&dyn Fn(&Value) -> bool>,
    ) -> Vec<u64> {
        let stored = self
            .items
            .iter()
            .filter(|(_, e)| visible.is_none_or(|shows| shows(e.value(&self.parsed))))
            .map(|(id, e)| IdJson(*id, e.stored()));
        let kept: Vec<IdJson> = stored.collect();
        filter.apply(&kept).into_iter().map(|item| item.0).collect()
    }

    /// Each object's top-level field `field` with the object's id, in id order, read without
    /// parsing the rest of the object.
    pub fn field_values<'a>(
        &'a self,
        field: &'a str,
    ) -> impl Iterator<Item = (u64, Option<Cow<'a, Value>>)> + 'a {
        let path = [field.to_owned()];
        self.items.iter().map(move |(id, e)| {
            let value = match e.value.get() {
                Some(value) => value.get(field).map(Cow::Borrowed),
                None => e.stored().field(&path),
            };
            (*id, value)
        })
    }

    /// A mutable object by id.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut Value> {
        let entry = self.items.get_mut(&id)?;
        if let Some(changed) = &mut self.changed {
            changed.insert(id);
        }
        Some(entry.value_mut(&self.parsed))
    }

    /// Removes an object, returning it.
    pub fn remove(&mut self, id: u64) -> Option<Value> {
        self.mark(id);
        self.items.remove(&id).map(Entry::into_value)
    }

    /// All objects in id order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> {
        self.items.values().map(|e| e.value(&self.parsed))
    }

    /// All objects with their ids, in id order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, &Value)> {
        self.items
            .iter()
            .map(|(id, e)| (*id, e.value(&self.parsed)))
    }

    /// All objects with their ids, mutable, in id order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (u64, &mut Value)> {
        self.iter_mut_where(|_| true)
    }

    /// The objects whose id passes `keep`, mutable, in id order. The others are left alone:
    /// not parsed, and not reported as changed (see [`Store::take_changes`]).
    pub fn iter_mut_where(
        &mut self,
        mut keep: impl FnMut(u64) -> bool,
    ) -> impl Iterator<Item = (u64, &mut Value)> {
        let Table {
            items,
            parsed,
            changed,
        } = self;
        let parsed = &*parsed;
        items
            .iter_mut()
            .filter(move |(id, _)| keep(**id))
            .map(move |(id, entry)| {
                if let Some(changed) = changed {
                    changed.insert(*id);
                }
                (*id, entry.value_mut(parsed))
            })
    }

    /// Number of objects.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Drops every parsed object, keeping only the serialised forms (written again where a
    /// change dropped them).
    pub fn compact(&mut self) {
        for entry in self.items.values_mut() {
            entry.compact();
        }
        *self.parsed.get_mut() = 0;
    }
}

/// An object's id with its serialised form, for [`Table::select`].
struct IdJson<'a>(u64, &'a StoredJson);

impl crate::xfilter::Fields for IdJson<'_> {
    fn field(&self, path: &[String]) -> Option<Cow<'_, Value>> {
        self.1.field(path)
    }
}

/// Validated input for a new Linode instance.
#[derive(Debug, Clone, Default)]
pub struct NewInstance {
    /// Label; `None` assigns `linode<id>`.
    pub label: Option<String>,
    /// Region id (must exist in the catalog).
    pub region: String,
    /// Linode type id (must exist in the catalog).
    pub type_id: String,
    /// Image id, if one is deployed.
    pub image: Option<String>,
    /// Display group.
    pub group: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Whether to boot after creation.
    pub booted: bool,
    /// Whether to assign a private IPv4 address.
    pub private_ip: bool,
    /// Whether backups are enabled.
    pub backups_enabled: bool,
    /// Whether user data was supplied.
    pub has_user_data: bool,
    /// `enabled` or `disabled`.
    pub disk_encryption: String,
}

/// The status an instance settles in once created: what seeded instances start with, and
/// where the creation lifecycle ends.
pub fn status_on_create(has_image: bool, booted: bool) -> &'static str {
    if has_image && booted {
        "running"
    } else {
        "offline"
    }
}

/// Names of the collections of the older families (every other family names its own).
pub mod names {
    /// The event log (`Event` objects as served).
    pub const EVENTS: &str = "events";
    /// Linode instances (`Linode` objects as served).
    pub const INSTANCES: &str = "instances";
    /// Block Storage volumes (`Volume` objects as served).
    pub const VOLUMES: &str = "volumes";
    /// DNS domains (`Domain` objects as served).
    pub const DOMAINS: &str = "domains";
    /// Domain records, keyed by record id, each stored as `{"domain_id": .., "record": {..}}`.
    pub const DOMAIN_RECORDS: &str = "domain_records";
    /// NodeBalancers (`NodeBalancer` objects as served).
    pub const NODEBALANCERS: &str = "nodebalancers";
    /// NodeBalancer configs (`NodeBalancerConfig` objects as served).
    pub const NODEBALANCER_CONFIGS: &str = "nodebalancer_configs";
    /// NodeBalancer nodes (`NodeBalancerNode` objects as served).
    pub const NODEBALANCER_NODES: &str = "nodebalancer_nodes";
}

/// Collections whose objects are also found by a unique string field, as `(collection,
/// field)`: read and written with [`Store::get_keyed`], [`Store::put_keyed`] and
/// [`Store::remove_keyed`], which keep the index from key to id in step.
pub const KEYED: &[(&str, &str)] = &[
    (crate::compute::names::RDNS, "address"),
    (crate::compute::names::IPV6_RANGES, "range"),
    (crate::account::names::USERS, "username"),
    (crate::account::names::OAUTH_CLIENTS, "id"),
    crate::account::SECRET_KEYS[0],
    crate::account::SECRET_KEYS[1],
    crate::account::SECRET_KEYS[2],
    crate::account::SECRET_KEYS[3],
];

/// Collections whose objects belong to a parent object named by a field, as `(collection,
/// field)`: written with [`Store::insert_owned`] and [`Store::remove_owned`], which keep the
/// index from parent to ids in step; a parent's are [`Store::owned_ids`].
pub const OWNED: &[(&str, &str)] = &[
    (crate::compute::names::DISKS, crate::compute::PARENT),
    (crate::compute::names::CONFIGS, crate::compute::PARENT),
    (crate::compute::names::BACKUPS, crate::compute::PARENT),
    (
        crate::account::names::TICKET_REPLIES,
        crate::account::TICKET,
    ),
    (
        crate::account::names::INVOICE_ITEMS,
        crate::account::INVOICE,
    ),
];

/// The parent field of an owned collection (see [`OWNED`]).
fn parent_field(table: &str) -> &'static str {
    OWNED
        .iter()
        .find(|(name, _)| *name == table)
        .map_or("parent_id", |(_, field)| field)
}

/// The key field of a keyed collection (see [`KEYED`]).
fn key_field(table: &str) -> &'static str {
    KEYED
        .iter()
        .find(|(name, _)| *name == table)
        .map_or("key", |(_, field)| field)
}

/// Indexes derived from the collections: never exported, rebuilt by
/// [`Store::rebuild_indexes`] on import and kept in step by the store's methods. Its `Debug`
/// shows sizes only (some keys are secrets, such as token strings).
#[derive(Default)]
struct Indexes {
    /// Every instance's label (labels are unique).
    instance_labels: HashSet<String>,
    /// The id of each object of a keyed collection by its key (see [`KEYED`]).
    keys: HashMap<&'static str, HashMap<String, u64>>,
    /// The ids of the objects of each parent in an owned collection (see [`OWNED`]).
    owned: HashMap<(&'static str, u64), BTreeSet<u64>>,
}

impl std::fmt::Debug for Indexes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexes")
            .field("instance_labels", &self.instance_labels.len())
            .field("keys", &self.keys.values().map(HashMap::len).sum::<usize>())
            .field("owned", &self.owned.len())
            .finish()
    }
}

/// All state of one sandbox.
///
/// Everything but the clock and the actions in progress is plain data: named collections of
/// JSON objects by id ([`Store::table`]) and the next id of each kind ([`Store::next_id`]).
/// The whole state is one JSON document ([`Store::export`], [`Store::import`]) with no
/// per-family code: `{"next_ids": {..}, "<collection>": {"<id>": {..}, ..}, ..}`. The indexes
/// (such as the set of instance labels) are derived from the collections and rebuilt on import.
#[derive(Debug)]
pub struct Store {
    /// The sandbox's time, which drives actions in progress.
    pub clock: Clock,
    /// Actions in progress and injected failures.
    pub lifecycle: Lifecycle,
    /// Realism switches (lags), off by default.
    pub realism: crate::realism::Realism,
    /// The next id of each kind handed out by [`Store::next_id`].
    next_ids: BTreeMap<Cow<'static, str>, u64>,
    /// Named collections of JSON objects by id (see [`Store::table`]).
    tables: BTreeMap<Cow<'static, str>, Table>,
    /// Derived from `tables`.
    indexes: Indexes,
    /// Whether this is a new state since the last [`Store::take_changes`] (every store starts
    /// so: a reset or an import replaces the whole state).
    replaced: bool,
}

/// What changed in a [`Store`] since the last [`Store::take_changes`]: what a persistent
/// store must write to stay equal to it.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// The whole state is new: everything stored before is gone.
    pub replaced: bool,
    /// Per collection: `None` for the whole collection (new since last time), or the ids of
    /// the objects stored, changed or removed.
    pub tables: Vec<(String, Option<Vec<u64>>)>,
}

/// The key of the id counters in a state document (no collection may take this name).
const NEXT_IDS: &str = "next_ids";

impl serde::Serialize for Store {
    /// As one map: the counters under `next_ids`, then each collection under its name.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        // An empty collection is left out: it reads back the same as an absent one.
        let tables = self.tables.iter().filter(|(_, t)| !t.is_empty());
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(NEXT_IDS, &self.next_ids)?;
        for (name, table) in tables {
            map.serialize_entry(name, table)?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for Store {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Store;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of collections and `next_ids`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Store, A::Error> {
                let mut store = Store::empty();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        NEXT_IDS => {
                            store.next_ids = map
                                .next_value::<BTreeMap<String, u64>>()?
                                .into_iter()
                                .map(|(k, v)| (Cow::Owned(k), v))
                                .collect();
                        }
                        _ => {
                            let table = map.next_value::<Table>()?;
                            store.tables.insert(Cow::Owned(key), table);
                        }
                    }
                }
                Ok(store)
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

impl Default for Store {
    /// A fresh sandbox's state: the public catalog objects a new account sees.
    fn default() -> Self {
        let mut store = Store::empty();
        crate::compute::seed(&mut store);
        store.seed_owner();
        store.seed_billing();
        store
    }
}

/// What an instance in `region` reports of it: its `site_type`, and the `capabilities` it
/// has there (what the region offers of the features an instance can use, as on the API).
pub fn region_traits(region: &str) -> (Value, Value) {
    let site_type = catalog()
        .region(region)
        .and_then(|r| r["site_type"].as_str())
        .unwrap_or("core");
    let capabilities: Vec<Value> = ["Block Storage Encryption", "Maintenance Policy"]
        .into_iter()
        .filter(|cap| catalog().region_offers(region, cap))
        .map(Value::from)
        .collect();
    (Value::from(site_type), Value::Array(capabilities))
}

fn obj<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// A deterministic, well spread hash of `x` (the splitmix64 finalizer).
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A new instance as served: what [`Store::create_instance`] stores.
fn instance_object(
    id: u64,
    label: &str,
    new: NewInstance,
    ipv4: Vec<String>,
    ipv6: String,
    ts: &str,
) -> Value {
    let spec = catalog().linode_type(&new.type_id);
    let num = |k: &str| spec.and_then(|t| t[k].as_u64()).unwrap_or(0);
    let vcpus = num("vcpus");
    let schedule = if new.backups_enabled {
        obj([
            ("day", Value::from("Scheduling")),
            ("window", Value::from("Scheduling")),
        ])
    } else {
        obj([("day", Value::Null), ("window", Value::Null)])
    };
    let (site_type, capabilities) = region_traits(&new.region);
    let status = status_on_create(new.image.is_some(), new.booted);
    let specs = obj([
        ("disk", Value::from(num("disk"))),
        ("memory", Value::from(num("memory"))),
        ("vcpus", Value::from(vcpus)),
        ("gpus", Value::from(num("gpus"))),
        ("transfer", Value::from(num("transfer"))),
        (
            "accelerated_devices",
            Value::from(num("accelerated_devices")),
        ),
    ]);
    let alerts = obj([
        ("cpu", Value::from(90 * vcpus.max(1))),
        ("network_in", Value::from(10)),
        ("network_out", Value::from(10)),
        ("transfer_quota", Value::from(80)),
        ("io", Value::from(10000)),
        ("system_alerts", Value::Array(Vec::new())),
        ("user_alerts", Value::Array(Vec::new())),
    ]);
    let backups = obj([
        ("enabled", Value::from(new.backups_enabled)),
        ("available", Value::from(false)),
        ("schedule", schedule),
        ("last_successful", Value::Null),
    ]);
    // Built by hand rather than with `json!`: seeding 100,000 of these must be quick.
    obj([
        ("id", Value::from(id)),
        ("label", Value::from(label)),
        ("group", Value::from(new.group)),
        ("status", Value::from(status)),
        ("created", Value::from(ts)),
        ("updated", Value::from(ts)),
        ("type", Value::from(new.type_id)),
        ("ipv4", Value::from(ipv4)),
        ("ipv6", Value::from(ipv6)),
        ("image", new.image.map_or(Value::Null, Value::from)),
        ("region", Value::from(new.region)),
        ("site_type", site_type),
        ("specs", specs),
        ("alerts", alerts),
        ("backups", backups),
        ("hypervisor", Value::from("kvm")),
        ("watchdog_enabled", Value::from(true)),
        ("tags", Value::from(new.tags)),
        ("host_uuid", Value::from(host_uuid(id))),
        ("has_user_data", Value::from(new.has_user_data)),
        ("placement_group", Value::Null),
        ("disk_encryption", Value::from(new.disk_encryption)),
        ("lke_cluster_id", Value::Null),
        ("capabilities", capabilities),
        ("interface_generation", Value::from("legacy_config")),
        ("locks", Value::Array(Vec::new())),
        ("maintenance_policy", Value::from("linode/migrate")),
    ])
}

/// An instance's `host_uuid`, derived from its id.
fn host_uuid(id: u64) -> String {
    let (a, b, c) = host_uuid_parts(id);
    format!("{a:016x}{b:016x}{c:08x}")
}

fn host_uuid_parts(id: u64) -> (u64, u64, u32) {
    (mix(id), mix(id ^ 0x5a5a), mix(!id) as u32)
}

/// Accessors onto the older families' collections, by the names their fields had.
macro_rules! collections {
    ($($(#[$doc:meta])* $get:ident, $get_mut:ident => $name:path;)*) => {
        impl Store {
            $(
                $(#[$doc])*
                pub fn $get(&self) -> &Table {
                    self.table($name)
                }

                $(#[$doc])*
                /// Mutable.
                pub fn $get_mut(&mut self) -> &mut Table {
                    self.table_mut($name)
                }
            )*
        }
    };
}

collections! {
    /// The event log (`Event` objects as served).
    events, events_mut => names::EVENTS;
    /// Linode instances (`Linode` objects as served). Change a label with
    /// [`Store::relabel_instance`], which keeps the label index in step.
    instances, instances_mut => names::INSTANCES;
    /// Block Storage volumes (`Volume` objects as served).
    volumes, volumes_mut => names::VOLUMES;
    /// DNS domains (`Domain` objects as served).
    domains, domains_mut => names::DOMAINS;
    /// Domain records, each stored as `{"domain_id": .., "record": {..}}`.
    domain_records, domain_records_mut => names::DOMAIN_RECORDS;
    /// NodeBalancers (`NodeBalancer` objects as served).
    nodebalancers, nodebalancers_mut => names::NODEBALANCERS;
    /// NodeBalancer configs (`NodeBalancerConfig` objects as served).
    nodebalancer_configs, nodebalancer_configs_mut => names::NODEBALANCER_CONFIGS;
    /// NodeBalancer nodes (`NodeBalancerNode` objects as served).
    nodebalancer_nodes, nodebalancer_nodes_mut => names::NODEBALANCER_NODES;
}

impl Store {
    /// A store with no collections and no counters.
    fn empty() -> Store {
        Store {
            clock: Clock::default(),
            lifecycle: Lifecycle::default(),
            realism: crate::realism::Realism::default(),
            next_ids: BTreeMap::new(),
            tables: BTreeMap::new(),
            indexes: Indexes::default(),
            replaced: true,
        }
    }

    /// What changed since the last call (everything, the first time), and starts remembering
    /// changes from now on. Without a caller, nothing is remembered.
    pub fn take_changes(&mut self) -> Changes {
        let replaced = std::mem::replace(&mut self.replaced, false);
        let mut tables = Vec::new();
        for (name, table) in &mut self.tables {
            match table.changed.replace(BTreeSet::new()) {
                // New since last time, and empty: nothing of it is stored anywhere yet.
                None if table.is_empty() => {}
                None => tables.push((name.to_string(), None)),
                Some(ids) if !ids.is_empty() => {
                    tables.push((name.to_string(), Some(ids.into_iter().collect())));
                }
                Some(_) => {}
            }
        }
        Changes { replaced, tables }
    }

    /// Makes the next [`Store::take_changes`] report the whole state as new (after a failed
    /// write, so that nothing is skipped).
    pub(crate) fn mark_replaced(&mut self) {
        self.replaced = true;
    }

    /// The state that is not in collections: the counters and the actions in progress (see
    /// [`Store::restore`]).
    pub fn meta(&self) -> Value {
        serde_json::json!({
            "format": STATE_FORMAT,
            NEXT_IDS: &self.next_ids,
            "jobs": self.saved_jobs(),
        })
    }

    /// A store made of what [`Store::meta`] and the collections gave, on `clock`: indexes
    /// rebuilt, the actions in progress resumed.
    pub fn restore(
        clock: Clock,
        meta: &Value,
        tables: BTreeMap<String, Table>,
    ) -> Result<Store, String> {
        if meta.get("format") != Some(&Value::from(STATE_FORMAT)) {
            return Err(format!("format: must be {STATE_FORMAT:?}"));
        }
        let field = |key: &str| meta.get(key).cloned().unwrap_or(Value::Null);
        let mut store = Store::empty();
        store.clock = clock;
        store.next_ids = serde_json::from_value::<BTreeMap<String, u64>>(field(NEXT_IDS))
            .map_err(|e| format!("{NEXT_IDS}: {e}"))?
            .into_iter()
            .map(|(k, v)| (Cow::Owned(k), v))
            .collect();
        let jobs = serde_json::from_value(field("jobs")).map_err(|e| format!("jobs: {e}"))?;
        store.tables = tables
            .into_iter()
            .map(|(k, t)| (Cow::Owned(k), t))
            .collect();
        store.rebuild_indexes();
        store.resume_jobs(jobs);
        Ok(store)
    }

    /// An empty store whose actions run on `clock`.
    pub fn with_clock(clock: Clock) -> Store {
        Store {
            clock,
            ..Store::default()
        }
    }

    pub(crate) fn next_event_id(&mut self) -> u64 {
        self.next_id("event", FIRST_EVENT_ID)
    }

    /// A fresh id of kind `kind` (`"volume"`, `"domain"`, ...): ids start at `first` and are
    /// never handed out twice, even after a deletion.
    pub fn next_id(&mut self, kind: &'static str, first: u64) -> u64 {
        let next = self.next_ids.entry(Cow::Borrowed(kind)).or_insert(first);
        let id = *next;
        *next += 1;
        id
    }

    /// The whole state as one JSON document, after every action in progress has finished
    /// (so the document is a still picture, the same from one read to the next; `--data` keeps
    /// the actions in progress instead, see [`Store::meta`]). [`Store::import`] reads it back.
    pub fn export(&mut self) -> Value {
        self.settle();
        serde_json::json!({
            "format": STATE_FORMAT,
            "state": serde_json::to_value(&*self).unwrap_or(Value::Null),
        })
    }

    /// Replaces the state with a document made by [`Store::export`], keeping the clock; a
    /// document that is not one changes nothing and says why.
    pub fn import(&mut self, document: &Value) -> Result<(), String> {
        if document.get("format") != Some(&Value::from(STATE_FORMAT)) {
            return Err(format!("format: must be {STATE_FORMAT:?}"));
        }
        let state = document
            .get("state")
            .ok_or_else(|| "state: is required".to_owned())?;
        let mut store = serde_path_to_error::deserialize::<_, Store>(state)
            .map_err(|e| format!("state.{}: {}", e.path(), e.inner()))?;
        store.clock = self.clock.clone();
        store.realism = self.realism.clone();
        store.rebuild_indexes();
        *self = store;
        Ok(())
    }

    /// Derives every index from the collections (after an import).
    pub fn rebuild_indexes(&mut self) {
        // Each object's key field only is read, not the whole object.
        let keys = KEYED
            .iter()
            .map(|&(table, field)| {
                let by_key = self
                    .table(table)
                    .field_values(field)
                    .filter_map(|(id, v)| Some((v?.as_str()?.to_owned(), id)))
                    .collect();
                (table, by_key)
            })
            .collect();
        let mut owned: HashMap<(&'static str, u64), BTreeSet<u64>> = HashMap::new();
        for &(table, field) in OWNED {
            for (id, parent) in self.table(table).field_values(field) {
                if let Some(parent) = parent.and_then(|p| p.as_u64()) {
                    owned.entry((table, parent)).or_default().insert(id);
                }
            }
        }
        self.indexes = Indexes {
            owned,
            instance_labels: self
                .instances()
                .field_values("label")
                .filter_map(|(_, label)| label?.as_str().map(str::to_owned))
                .collect(),
            keys,
        };
    }

    /// The ids of the objects of `parent` in the owned collection `table` (see [`OWNED`]),
    /// in id order.
    pub fn owned_ids(&self, table: &'static str, parent: u64) -> Vec<u64> {
        self.indexes
            .owned
            .get(&(table, parent))
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Stores `object` as `parent`'s object `id` in the owned collection `table` (see
    /// [`OWNED`]), setting its parent field.
    pub fn insert_owned(&mut self, table: &'static str, parent: u64, id: u64, mut object: Value) {
        self.remove_owned(table, id);
        object[parent_field(table)] = Value::from(parent);
        self.indexes
            .owned
            .entry((table, parent))
            .or_default()
            .insert(id);
        self.table_mut(table).insert(id, object);
    }

    /// Removes object `id` of the owned collection `table` (see [`OWNED`]).
    pub fn remove_owned(&mut self, table: &'static str, id: u64) -> Option<Value> {
        let object = self.table_mut(table).remove(id)?;
        if let Some(parent) = object[parent_field(table)].as_u64() {
            if let Some(ids) = self.indexes.owned.get_mut(&(table, parent)) {
                ids.remove(&id);
                if ids.is_empty() {
                    self.indexes.owned.remove(&(table, parent));
                }
            }
        }
        Some(object)
    }

    /// An object of a keyed collection (see [`KEYED`]) by its key, with its id.
    pub fn get_keyed(&self, table: &str, key: &str) -> Option<(u64, &Value)> {
        let id = *self.indexes.keys.get(table)?.get(key)?;
        Some((id, self.table(table).get(id)?))
    }

    /// Stores `object` in the keyed collection `table` (see [`KEYED`]), replacing the object
    /// with the same key, whose id it keeps; answers its id.
    pub fn put_keyed(&mut self, table: &'static str, object: Value) -> u64 {
        let key = object[key_field(table)]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let known = self.indexes.keys.get(table).and_then(|k| k.get(&key));
        let id = match known {
            Some(id) => *id,
            None => self.next_id(table, 1),
        };
        self.indexes.keys.entry(table).or_default().insert(key, id);
        self.table_mut(table).insert(id, object);
        id
    }

    /// Removes an object of a keyed collection (see [`KEYED`]) by its key.
    pub fn remove_keyed(&mut self, table: &'static str, key: &str) -> Option<Value> {
        let id = self.indexes.keys.get_mut(table)?.remove(key)?;
        self.table_mut(table).remove(id)
    }

    /// The collection named `name` (`"firewalls"`, `"vpcs"`, ...); empty when nothing was
    /// ever stored in it.
    pub fn table(&self, name: &str) -> &Table {
        static EMPTY: Table = Table {
            items: BTreeMap::new(),
            parsed: AtomicUsize::new(0),
            changed: None,
        };
        self.tables.get(name).unwrap_or(&EMPTY)
    }

    /// The collection named `name`, mutable (created on first use).
    pub fn table_mut(&mut self, name: &'static str) -> &mut Table {
        let table = self.tables.entry(Cow::Borrowed(name)).or_default();
        // Objects parsed to be read are dropped again once there are many (their bytes stay).
        if *table.parsed.get_mut() > PARSED_LIMIT {
            table.compact();
        }
        table
    }

    /// Object `id` of the existing collection `name`, mutable (for effects, whose collection
    /// names are data).
    pub fn table_mut_existing(&mut self, name: &str, id: u64) -> Option<&mut Value> {
        self.tables.get_mut(name)?.get_mut(id)
    }

    /// Removes object `id` of collection `name`, keeping that collection's indexes (labels,
    /// keys, owners) in step.
    pub fn remove_any(&mut self, name: &str, id: u64) {
        if name == names::INSTANCES {
            self.delete_instance(id);
        } else if let Some((owned, _)) = OWNED.iter().find(|(t, _)| *t == name) {
            self.remove_owned(owned, id);
        } else if let Some((keyed, field)) = KEYED.iter().find(|(t, _)| *t == name) {
            let key = self
                .table(keyed)
                .get(id)
                .and_then(|o| o[*field].as_str().map(str::to_owned));
            match key {
                Some(key) => {
                    self.remove_keyed(keyed, &key);
                }
                None => {
                    self.table_mut(keyed).remove(id);
                }
            }
        } else if let Some(table) = self.tables.get_mut(name) {
            table.remove(id);
        }
    }

    /// Whether an entity of `kind` (`linode`, `domain`, `nodebalancer`, `volume`, ...) with
    /// this id exists. Kinds without a table in this store never exist.
    pub fn entity_exists(&self, kind: &str, id: u64) -> bool {
        self.entity_label(kind, id).is_some()
    }

    /// The label of an entity of `kind` with this id, when it exists (see
    /// [`entity_exists`](Store::entity_exists)).
    pub fn entity_label(&self, kind: &str, id: u64) -> Option<String> {
        let (item, field) = match kind {
            "linode" => (self.instances().get(id), "label"),
            "domain" => (self.domains().get(id), "domain"),
            "nodebalancer" => (self.nodebalancers().get(id), "label"),
            "volume" => (self.volumes().get(id), "label"),
            _ => (None, "label"),
        };
        Some(item?[field].as_str().unwrap_or_default().to_owned())
    }

    /// Sets an instance's `status` (no-op when it no longer exists).
    pub fn set_instance_status(&mut self, id: u64, status: &str) {
        if let Some(item) = self.instances_mut().get_mut(id) {
            item["status"] = Value::from(status);
        }
        // Its interfaces are in use while it runs.
        crate::routes::interface_activity::sync(self, id);
    }

    /// Whether an instance already uses `label`.
    pub fn instance_label_taken(&self, label: &str) -> bool {
        self.indexes.instance_labels.contains(label)
    }

    /// A public IPv4 address never handed out before: the three documentation ranges
    /// first, then the benchmarking range 198.18.0.0/15.
    pub(crate) fn alloc_public_ipv4(&mut self) -> String {
        let n = self.next_id("public_ipv4", 0);
        const DOC: [&str; 3] = ["192.0.2", "198.51.100", "203.0.113"];
        if n < 3 * 254 {
            format!("{}.{}", DOC[(n / 254) as usize], n % 254 + 1)
        } else {
            let m = (n - 3 * 254) % (2 * 65536);
            format!("198.{}.{}.{}", 18 + m / 65536, (m / 256) % 256, m % 256)
        }
    }

    pub(crate) fn alloc_private_ipv4(&mut self) -> String {
        let n = self.next_id("private_ipv4", 0) % (128 * 254);
        format!("192.168.{}.{}", 128 + n / 254, n % 254 + 1)
    }

    pub(crate) fn alloc_ipv6(&mut self) -> String {
        let n = self.next_id("ipv6", 0) & 0xff_ffff;
        if n <= 0xffff {
            format!("2600:3c03::f03c:91ff:fe24:{n:x}/128")
        } else {
            format!(
                "2600:3c03::f03c:91ff:fe{:02x}:{:x}/128",
                n >> 16,
                n & 0xffff
            )
        }
    }

    /// Creates an instance from validated input and returns its id.
    ///
    /// Region and type are expected to exist; an unknown type yields zero specs.
    pub fn create_instance(&mut self, new: NewInstance) -> u64 {
        let id = self.next_id("instance", FIRST_INSTANCE_ID);
        let label = new.label.clone().unwrap_or_else(|| format!("linode{id}"));
        let (ipv4, ipv6) = self.alloc_instance_addresses(new.private_ip);
        let item = instance_object(id, &label, new, ipv4, ipv6, &now());
        self.indexes.instance_labels.insert(label);
        self.instances_mut().insert(id, item);
        id
    }

    /// A new instance's addresses: a public IPv4 (and a private one when asked), an IPv6.
    fn alloc_instance_addresses(&mut self, private_ip: bool) -> (Vec<String>, String) {
        let mut ipv4 = vec![self.alloc_public_ipv4()];
        if private_ip {
            ipv4.push(self.alloc_private_ipv4());
        }
        (ipv4, self.alloc_ipv6())
    }

    /// Replaces an instance's label, keeping the uniqueness index in step.
    pub fn relabel_instance(&mut self, id: u64, label: &str) {
        let Some(item) = self
            .tables
            .get_mut(names::INSTANCES)
            .and_then(|t| t.get_mut(id))
        else {
            return;
        };
        let labels = &mut self.indexes.instance_labels;
        if let Some(old) = item["label"].as_str() {
            labels.remove(old);
        }
        item["label"] = Value::from(label);
        labels.insert(label.to_owned());
    }

    /// Deletes an instance; `None` when it does not exist.
    pub fn delete_instance(&mut self, id: u64) -> Option<Value> {
        let item = self.instances_mut().remove(id)?;
        if let Some(label) = item["label"].as_str() {
            self.indexes.instance_labels.remove(label);
        }
        // Volumes are detached from a deleted Linode (only those are touched).
        let attached: Vec<u64> = self
            .volumes()
            .field_values("linode_id")
            .filter(|(_, linode)| linode.as_deref().and_then(Value::as_u64) == Some(id))
            .map(|(volume, _)| volume)
            .collect();
        for (_, volume) in self
            .volumes_mut()
            .iter_mut_where(|v| attached.binary_search(&v).is_ok())
        {
            volume["linode_id"] = Value::Null;
            volume["linode_label"] = Value::Null;
        }
        Some(item)
    }

    /// Inserts `n` realistic instances (labels `seed-00001`, ...) spread over several
    /// regions, types, images and groups; returns their ids.
    pub fn seed_instances(&mut self, n: usize) -> Vec<u64> {
        const REGIONS: [&str; 8] = [
            "us-east",
            "us-central",
            "us-west",
            "us-southeast",
            "eu-west",
            "eu-central",
            "ap-south",
            "ap-northeast",
        ];
        const GROUPS: [&str; 5] = ["web", "db", "cache", "worker", "batch"];
        const TYPES: [&str; 5] = [
            "g6-nanode-1",
            "g6-standard-1",
            "g6-standard-2",
            "g6-dedicated-2",
            "g6-standard-4",
        ];
        const IMAGES: [&str; 4] = [
            "linode/debian12",
            "linode/ubuntu24.04",
            "linode/ubuntu22.04",
            "linode/almalinux9",
        ];
        const ENVS: [&str; 3] = ["env:prod", "env:staging", "env:dev"];
        const TEAMS: [&str; 4] = ["team-a", "team-b", "team-c", "team-d"];
        let ts = now();
        // Planned and written a chunk at a time, so that what is made only to write an object
        // (its label copy, addresses) is reused memory rather than a peak that stays resident.
        let mut ids = Vec::with_capacity(n);
        let mut planned: Vec<Planned> = Vec::with_capacity(n.min(SEED_CHUNK));
        let (mut bulk, mut helper) = (BulkInstances::default(), None);
        self.indexes.instance_labels.reserve(n);
        while ids.len() < n {
            planned.clear();
            for _ in 0..(n - ids.len()).min(SEED_CHUNK) {
                let mut k = self.next_id("seeded_instance", 0);
                let mut label = format!("seed-{:05}", k + 1);
                while self.instance_label_taken(&label) {
                    k = self.next_id("seeded_instance", 0);
                    label = format!("seed-{:05}", k + 1);
                }
                let i = k as usize;
                let seed = SeedInstance {
                    region: REGIONS[i % REGIONS.len()],
                    type_id: TYPES[(i / 3) % TYPES.len()],
                    image: IMAGES[(i / 2) % IMAGES.len()],
                    group: GROUPS[i % GROUPS.len()],
                    tags: [ENVS[i % ENVS.len()], TEAMS[i % TEAMS.len()]],
                    private_ip: i % 10 == 0,
                    backups_enabled: i % 7 == 0,
                };
                let id = self.next_id("instance", FIRST_INSTANCE_ID);
                let (ipv4, ipv6) = self.alloc_instance_addresses(seed.private_ip);
                self.indexes.instance_labels.insert(label.clone());
                planned.push((id, label, seed, ipv4, ipv6));
            }
            let table = self.instances_mut();
            for (id, stored) in write_seeded(&mut bulk, &mut helper, &planned, &ts) {
                table.insert_stored(id, stored);
                ids.push(id);
            }
        }
        ids
    }
}

/// Writes planned seeded instances. Writing is most of seeding's work and needs nothing from
/// the store: once `bulk` has met every type, region and backups setting (the first
/// [`WARM_UP`] objects), each chunk is shared with a second writer, `helper`, on another
/// thread.
fn write_seeded(
    bulk: &mut BulkInstances,
    helper: &mut Option<BulkInstances>,
    planned: &[Planned],
    ts: &str,
) -> Vec<(u64, StoredJson)> {
    let write = |bulk: &mut BulkInstances, (id, label, seed, ipv4, ipv6): &Planned| {
        (*id, bulk.instance(*id, label, seed, ipv4, ipv6, ts))
    };
    let learned = if helper.is_none() {
        planned.len().min(WARM_UP)
    } else {
        0
    };
    let mut written: Vec<_> = planned[..learned].iter().map(|p| write(bulk, p)).collect();
    let rest = &planned[learned..];
    if rest.len() < 2 * WARM_UP {
        written.extend(rest.iter().map(|p| write(bulk, p)));
        return written;
    }
    let other = helper.get_or_insert_with(|| bulk.clone());
    let (first, second) = rest.split_at(rest.len() / 2);
    let (a, b) = std::thread::scope(|scope| {
        let thread = scope.spawn(|| second.iter().map(|p| write(other, p)).collect::<Vec<_>>());
        let a: Vec<_> = first.iter().map(|p| write(bulk, p)).collect();
        let b = thread
            .join()
            .expect("writing seeded instances does not panic");
        (a, b)
    });
    written.extend(a);
    written.extend(b);
    written
}

/// How many seeded instances are planned and written at a time.
const SEED_CHUNK: usize = 8192;

/// A seeded instance before its object is written: id, label, what differs, addresses.
type Planned = (u64, String, SeedInstance, Vec<String>, String);

/// Seeded instances written one at a time before the rest are shared between two threads:
/// enough for the writer to meet every type, region and backups setting of the cycle.
const WARM_UP: usize = 120;

/// What differs between seeded instances (see [`Store::seed_instances`]).
struct SeedInstance {
    region: &'static str,
    type_id: &'static str,
    image: &'static str,
    group: &'static str,
    tags: [&'static str; 2],
    private_ip: bool,
    backups_enabled: bool,
}

impl SeedInstance {
    fn new_instance(&self, label: &str) -> NewInstance {
        NewInstance {
            label: Some(label.to_owned()),
            region: self.region.to_owned(),
            type_id: self.type_id.to_owned(),
            image: Some(self.image.to_owned()),
            group: self.group.to_owned(),
            tags: self.tags.map(str::to_owned).to_vec(),
            booted: true,
            private_ip: self.private_ip,
            backups_enabled: self.backups_enabled,
            has_user_data: false,
            disk_encryption: "disabled".to_owned(),
        }
    }
}

/// Seeded instances written from a template ([`Template`]): what [`instance_object`] makes,
/// without building a JSON value for each. The fields that depend on the type, the region or
/// the backups switch are taken from an object built the slow way the first time each is met.
#[derive(Default, Clone)]
struct BulkInstances {
    template: Option<Template>,
    /// `specs` and `alerts` by type.
    by_type: Vec<(&'static str, Vec<u8>, Vec<u8>)>,
    /// `site_type` and `capabilities` by region.
    by_region: Vec<(&'static str, Vec<u8>, Vec<u8>)>,
    /// `backups` by whether they are enabled.
    by_backups: [Option<Vec<u8>>; 2],
    /// Where each instance's text is written before it is boxed.
    scratch: Vec<u8>,
}

/// The fields of a seeded instance written for each one (the others are the template's).
const INSTANCE_HOLES: &[&str] = &[
    "id",
    "label",
    "group",
    "status",
    "type",
    "ipv4",
    "ipv6",
    "image",
    "region",
    "site_type",
    "specs",
    "alerts",
    "backups",
    "tags",
    "host_uuid",
    "has_user_data",
    "disk_encryption",
    "capabilities",
];

impl BulkInstances {
    fn instance(
        &mut self,
        id: u64,
        label: &str,
        seed: &SeedInstance,
        ipv4: &[String],
        ipv6: &str,
        ts: &str,
    ) -> StoredJson {
        let known_type = self.by_type.iter().any(|(t, ..)| *t == seed.type_id);
        let known_region = self.by_region.iter().any(|(r, ..)| *r == seed.region);
        let backups = usize::from(seed.backups_enabled);
        if self.template.is_none()
            || !known_type
            || !known_region
            || self.by_backups[backups].is_none()
        {
            let new = seed.new_instance(label);
            let object = instance_object(id, label, new, ipv4.to_vec(), ipv6.to_owned(), ts);
            let bytes = |key: &str| serde_json::to_vec(&object[key]).unwrap_or_default();
            if !known_type {
                self.by_type
                    .push((seed.type_id, bytes("specs"), bytes("alerts")));
            }
            if !known_region {
                self.by_region
                    .push((seed.region, bytes("site_type"), bytes("capabilities")));
            }
            self.by_backups[backups].get_or_insert_with(|| bytes("backups"));
            if self.template.is_none() {
                self.template = Some(Template::new(&object, INSTANCE_HOLES));
                return StoredJson::encode(&object);
            }
        }
        let by_type = self.by_type.iter().find(|(t, ..)| *t == seed.type_id);
        let by_region = self.by_region.iter().find(|(r, ..)| *r == seed.region);
        let (Some((_, specs, alerts)), Some((_, site_type, capabilities)), Some(backups)) =
            (by_type, by_region, &self.by_backups[backups])
        else {
            unreachable!("filled above");
        };
        let template = self.template.as_ref().expect("made above");
        template.fill_with(&mut self.scratch, |key, out| {
            use std::io::Write;
            let written = match key {
                "id" => serde_json::to_writer(&mut *out, &id),
                "label" => serde_json::to_writer(&mut *out, label),
                "group" => serde_json::to_writer(&mut *out, seed.group),
                "status" => serde_json::to_writer(&mut *out, status_on_create(true, true)),
                "type" => serde_json::to_writer(&mut *out, seed.type_id),
                "ipv4" => serde_json::to_writer(&mut *out, ipv4),
                "ipv6" => serde_json::to_writer(&mut *out, ipv6),
                "image" => serde_json::to_writer(&mut *out, seed.image),
                "region" => serde_json::to_writer(&mut *out, seed.region),
                "tags" => serde_json::to_writer(&mut *out, &seed.tags),
                "host_uuid" => {
                    let (a, b, c) = host_uuid_parts(id);
                    write!(out, "\"{a:016x}{b:016x}{c:08x}\"").map_err(serde_json::Error::io)
                }
                "has_user_data" => serde_json::to_writer(&mut *out, &false),
                "disk_encryption" => serde_json::to_writer(&mut *out, "disabled"),
                "site_type" => out.write_all(site_type).map_err(serde_json::Error::io),
                "capabilities" => out.write_all(capabilities).map_err(serde_json::Error::io),
                "specs" => out.write_all(specs).map_err(serde_json::Error::io),
                "alerts" => out.write_all(alerts).map_err(serde_json::Error::io),
                "backups" => out.write_all(backups).map_err(serde_json::Error::io),
                other => unreachable!("not a hole of the instance template: {other}"),
            };
            written.expect("writing to a Vec never fails");
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_everything_first_then_exactly_what_was_touched() {
        let mut store = Store::default();
        let ids = store.seed_instances(3);
        let first = store.take_changes();
        assert!(first.replaced);
        assert!(first.tables.iter().all(|(_, ids)| ids.is_none()));
        assert!(
            first
                .tables
                .iter()
                .any(|(name, _)| name == names::INSTANCES)
        );

        assert_eq!(store.take_changes().tables, vec![]);
        store.instances_mut().get_mut(ids[1]).unwrap()["label"] = Value::from("x");
        store.remove_any(names::INSTANCES, ids[2]);
        store.table_mut("fresh").insert(7, Value::from(1));
        let changes = store.take_changes();
        assert!(!changes.replaced);
        assert_eq!(
            changes.tables,
            vec![
                ("fresh".to_owned(), None),
                (names::INSTANCES.to_owned(), Some(vec![ids[1], ids[2]])),
            ]
        );
        // Reading changes nothing.
        let _ = store.instances().get(ids[0]);
        assert_eq!(store.take_changes().tables, vec![]);
        // Walking a few objects mutably reports only those.
        let picked = store
            .instances_mut()
            .iter_mut_where(|id| id == ids[0])
            .count();
        assert_eq!(picked, 1);
        assert_eq!(
            store.take_changes().tables,
            vec![(names::INSTANCES.to_owned(), Some(vec![ids[0]]))]
        );
    }

    #[test]
    fn cached_json_is_serde_json_and_never_stale() {
        let mut store = Store::default();
        let id = store.seed_instances(1)[0];
        let json = store.instances().get_json(id).unwrap().to_vec();
        assert_eq!(
            json,
            serde_json::to_vec(store.instances().get(id).unwrap()).unwrap()
        );
        store.relabel_instance(id, "renamed");
        let json: Value = serde_json::from_slice(store.instances().get_json(id).unwrap()).unwrap();
        assert_eq!(json["label"], "renamed");
        assert!(store.instance_label_taken("renamed"));
        assert!(store.delete_instance(id).is_some());
        assert!(store.instances().get_json(id).is_none());
        assert!(!store.instance_label_taken("renamed"));
    }

    #[test]
    fn seeded_instances_are_what_create_instance_makes() {
        // Enough for the objects past the warm-up to be written on two threads.
        let mut seeded = Store::default();
        let ids = seeded.seed_instances(400);
        let mut created = Store::default();
        for (k, &id) in ids.iter().enumerate() {
            let mut new = NewInstance {
                label: Some(format!("seed-{:05}", k + 1)),
                ..Default::default()
            };
            let object = seeded.instances().get(id).unwrap().clone();
            let text = |key: &str| object[key].as_str().map(str::to_owned);
            new.region = text("region").unwrap();
            new.type_id = text("type").unwrap();
            new.image = text("image");
            new.group = text("group").unwrap();
            new.tags = serde_json::from_value(object["tags"].clone()).unwrap();
            new.booted = true;
            new.private_ip = object["ipv4"].as_array().unwrap().len() == 2;
            new.backups_enabled = object["backups"]["enabled"] == true;
            new.disk_encryption = "disabled".to_owned();
            assert_eq!(created.create_instance(new), id);
            let mut expected = created.instances().get(id).unwrap().clone();
            for key in ["created", "updated"] {
                expected[key] = object[key].clone();
            }
            let bytes = seeded.instances().get_json(id).unwrap();
            assert_eq!(
                std::str::from_utf8(bytes).unwrap(),
                serde_json::to_string(&expected).unwrap()
            );
        }
        // Read by field without parsing, as a filter reads them.
        let filter = crate::xfilter::parse(
            r#"{"region": "us-east", "tags": "env:prod", "+order_by": "label", "+order": "desc"}"#,
            &["region", "tags", "label"],
        )
        .unwrap();
        let kept = seeded.instances().select(&filter, None);
        let by_values: Vec<u64> = filter
            .apply(seeded.instances().values())
            .into_iter()
            .map(|v| v["id"].as_u64().unwrap())
            .collect();
        assert!(!kept.is_empty());
        assert_eq!(kept, by_values);
    }

    #[test]
    fn parsed_objects_are_dropped_again_and_changes_kept() {
        let mut store = Store::default();
        let ids = store.seed_instances(PARSED_LIMIT + 10);
        let all: Vec<Value> = store.instances().values().cloned().collect();
        assert_eq!(all.len(), ids.len());
        store.instances_mut().get_mut(ids[0]).unwrap()["label"] = Value::from("changed");
        assert!(
            store
                .instances()
                .items
                .values()
                .all(|e| e.value.get().is_none() || e.json.get().is_none())
        );
        assert_eq!(store.instances().get(ids[0]).unwrap()["label"], "changed");
        let json: Value =
            serde_json::from_slice(store.instances().get_json(ids[0]).unwrap()).unwrap();
        assert_eq!(json["label"], "changed");
        assert_eq!(store.instances().get(ids[1]).unwrap(), &all[1]);
    }

    #[test]
    fn indexes_are_rebuilt_on_import() {
        use crate::compute::Child;
        let mut store = Store::default();
        let id = store.seed_instances(2)[1];
        store.ensure_parts(id);
        store.set_rdns("192.0.2.1", Some("a.example.org".to_owned()));
        let disks = store.children(Child::Disks, id);
        assert_eq!(disks.len(), 2);
        assert!(
            disks[0].get("linode_id").is_none(),
            "served without its parent"
        );
        let document = store.export();
        assert_eq!(
            document["state"]["linode_disks"].as_object().unwrap().len(),
            2
        );
        let mut back = Store::default();
        back.import(&document).unwrap();
        assert_eq!(back.children(Child::Disks, id), disks);
        assert_eq!(back.child_count(Child::Configs, id), 1);
        assert!(back.instance_label_taken("seed-00002"));
        assert_eq!(back.rdns("192.0.2.1"), Some(Some("a.example.org")));
        back.remove_children(Child::Disks, id);
        assert!(back.children(Child::Disks, id).is_empty());
        // An empty collection is left out of the document.
        assert_eq!(back.export()["state"].get("linode_disks"), None);
    }
}
