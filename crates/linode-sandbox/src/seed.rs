//! Seed files: objects the sandbox creates at start, and again on `POST /sandbox/reset`.
//!
//! A seed file is YAML or JSON (told apart by the extension `.yaml`/`.yml`/`.json`, else by
//! the content: JSON starts with `{`). Its top level is a mapping of sections, each a list of
//! entries; every entry is the body of the API's own create request for its family, sent
//! in-process through the sandbox's router (so the family's validation and state rules
//! apply), with a few conveniences that refer to other seeded objects by label:
//!
//! ```yaml
//! vpcs:                      # POST /vpcs
//!   - label: backend
//!     region: us-east
//!     subnets: [{label: apps, ipv4: 10.0.1.0/24}]
//! placement_groups:          # POST /placement/groups
//!   - {label: spread, region: us-east, placement_group_type: anti_affinity:local,
//!      placement_group_policy: strict}
//! instances:                 # POST /linode/instances
//!   - label: web-1
//!     region: us-east
//!     type: g6-standard-1
//!     image: linode/debian12     # a strong root_pass is made up when none is given
//!     tags: [prod]
//!     private_ip: true
//!     placement_group: spread    # label of a seeded placement group (or {id: N})
//!     interfaces:                # subnet: vpc/subnet or a subnet label (or subnet_id)
//!       - {purpose: public}
//!       - {purpose: vpc, subnet: backend/apps}
//! domains:                   # POST /domains, then POST /domains/{id}/records for each record
//!   - domain: example.com
//!     type: master
//!     soa_email: admin@example.com
//!     records:
//!       - {type: A, name: www, target: 192.0.2.10}
//! volumes:                   # POST /volumes
//!   - {label: data, size: 20, linode: web-1}     # linode: label of a seeded instance
//! nodebalancers:             # POST /nodebalancers
//!   - label: lb
//!     region: us-east
//!     configs:
//!       - port: 80
//!         nodes: [{label: web-1, linode: web-1, port: 8080}]  # the instance's private IPv4
//! firewalls:                 # POST /networking/firewalls
//!   - label: web
//!     rules: {inbound_policy: DROP, outbound_policy: ACCEPT}
//!     devices: {linodes: [web-1], nodebalancers: [lb]}        # labels (or ids)
//! lke_clusters:              # POST /lke/clusters (/v4beta/lke/clusters when `tier` is given)
//!   - label: k8s
//!     region: us-east
//!     k8s_version: '1.33'
//!     node_pools: [{type: g6-standard-2, count: 3}]
//!     # enterprise only: vpc, subnet (labels), node_pools[].firewall (a firewall's label)
//! databases:                 # POST /databases/{mysql|postgresql}/instances, by `engine`
//!   - {label: app-db, engine: postgresql/16.7, region: us-east, type: g6-nanode-1}
//!   - {label: app-db-copy, fork: {source: app-db}}        # a restore: source by label
//!   # private_network: {vpc: backend, subnet: apps}       # labels (or vpc_id, subnet_id)
//! buckets:                   # POST /object-storage/buckets
//!   - {label: assets, region: us-east, acl: public-read}
//! requests:                  # anything else, sent as is (method POST by default)
//!   - {method: POST, path: /tags, body: {label: team-a}}
//! ```
//!
//! Sections are applied in the order above, whatever their order in the file; the actions
//! they start (provisioning, ...) are then finished at once, so the seeded objects are ready.
//!
//! A file that is not valid YAML or JSON is refused with the parser's line and column. An
//! entry the API refuses is reported with its place in the file and its path, such as
//! `seed.yaml:7:13: instances[1].region: region is not valid`, followed by the API's reason.
//! The wording of these messages is the sandbox's own.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use axum::http::Method;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Value};

use crate::inproc::InProcess;
use crate::routes::AppState;

/// The sections of a seed file, in the order they are applied.
const SECTIONS: &[&str] = &[
    "vpcs",
    "placement_groups",
    "instances",
    "domains",
    "volumes",
    "nodebalancers",
    "firewalls",
    "lke_clusters",
    "databases",
    "buckets",
    "requests",
];

/// The database engines a seed file may name, as `engine: <name>/<version>`.
const DATABASE_ENGINES: &[&str] = &["mysql", "postgresql"];

/// A parsed seed file: what the sandbox creates at start (see the [module](self)).
///
/// ```
/// let seed = linode_sandbox::Seed::parse(
///     "seed.yaml",
///     "instances:\n  - {label: web-1, region: us-east, type: g6-nanode-1}\n",
/// )
/// .unwrap();
/// # let _ = seed;
/// ```
#[derive(Debug, Clone)]
pub struct Seed {
    /// The file's name, as messages show it.
    source: String,
    /// The document, as JSON.
    doc: Map<String, Value>,
    /// Where each path (`instances[0].region`) starts in the file: line and column, from 1.
    positions: HashMap<String, (usize, usize)>,
}

/// Why a seed file was refused: one message naming the file, the line and column and the
/// entry's field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError(String);

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SeedError {}

impl From<SeedError> for std::io::Error {
    fn from(err: SeedError) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, err)
    }
}

/// The format of a seed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Yaml,
    Json,
}

impl Seed {
    /// Reads and parses the seed file at `path` (see [`Seed::parse`]).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Seed, SeedError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| SeedError(format!("{name}: cannot read the seed file: {e}")))?;
        Seed::parse(&name, &text)
    }

    /// Parses a seed document; `name` is the file name messages show, and tells JSON from
    /// YAML by its extension (`.json`, `.yaml`, `.yml`; otherwise a document starting with `{`
    /// is JSON).
    pub fn parse(name: &str, text: &str) -> Result<Seed, SeedError> {
        let lower = name.to_ascii_lowercase();
        let format = if lower.ends_with(".json") {
            Format::Json
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Format::Yaml
        } else if text.trim_start().starts_with('{') {
            Format::Json
        } else {
            Format::Yaml
        };
        let mut positions = HashMap::new();
        let doc = match format {
            Format::Json => {
                let doc: Value = serde_json::from_str(text).map_err(|e| {
                    let text = e.to_string();
                    let reason = text
                        .rsplit_once(" at line ")
                        .map_or(text.as_str(), |(r, _)| r);
                    SeedError(format!(
                        "{name}:{}:{}: not valid JSON: {reason}",
                        e.line(),
                        e.column()
                    ))
                })?;
                // JSON is YAML too: its reading gives the places of the entries (and when it
                // cannot, messages give the paths alone).
                if let Ok(docs) = MarkedYaml::load_from_str(text) {
                    if let Some(node) = docs.first() {
                        let _ = to_json(node, String::new(), &mut positions);
                    }
                }
                doc
            }
            Format::Yaml => {
                let docs = MarkedYaml::load_from_str(text).map_err(|e| {
                    SeedError(format!(
                        "{name}:{}:{}: not valid YAML: {}",
                        e.marker().line(),
                        e.marker().col() + 1,
                        e.info()
                    ))
                })?;
                match docs.as_slice() {
                    [] => Value::Object(Map::new()),
                    [node] => to_json(node, String::new(), &mut positions).map_err(
                        |(line, col, reason)| SeedError(format!("{name}:{line}:{col}: {reason}")),
                    )?,
                    [_, second, ..] => {
                        return Err(SeedError(format!(
                            "{name}:{}:1: a seed file holds one document",
                            second.span.start.line()
                        )));
                    }
                }
            }
        };
        let seed_at = |path: &str, reason: String| {
            let (line, col) = positions.get(path).copied().unwrap_or((1, 1));
            SeedError(format!("{name}:{line}:{col}: {reason}"))
        };
        let doc = match doc {
            Value::Object(doc) => doc,
            Value::Null => Map::new(),
            _ => {
                return Err(seed_at(
                    "",
                    "the seed file must be a mapping of sections (instances, domains, ...)"
                        .to_owned(),
                ));
            }
        };
        for (key, value) in &doc {
            if !SECTIONS.contains(&key.as_str()) {
                return Err(seed_at(
                    key,
                    format!("{key}: unknown section; known: {}", SECTIONS.join(", ")),
                ));
            }
            match value {
                Value::Null => {}
                Value::Array(entries) => {
                    for (i, entry) in entries.iter().enumerate() {
                        if !entry.is_object() {
                            let path = format!("{key}[{i}]");
                            return Err(seed_at(&path, format!("{path}: must be a mapping")));
                        }
                    }
                }
                _ => return Err(seed_at(key, format!("{key}: must be a list of entries"))),
            }
        }
        Ok(Seed {
            source: name.to_owned(),
            doc,
            positions,
        })
    }

    fn entries(&self, section: &str) -> impl Iterator<Item = (String, &Map<String, Value>)> {
        self.doc
            .get(section)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(move |(i, e)| Some((format!("{section}[{i}]"), e.as_object()?)))
    }

    /// An error about `path` (`instances[2].region`): the place of the longest part of it
    /// the file has.
    fn error_at(&self, path: &str, reason: &str) -> String {
        let mut probe = path;
        let (line, col) = loop {
            if let Some(at) = self.positions.get(probe) {
                break *at;
            }
            match probe.rfind(['.', '[']) {
                Some(cut) => probe = &probe[..cut],
                None => break (1, 1),
            }
        };
        format!("{}:{line}:{col}: {path}: {reason}", self.source)
    }

    /// Creates every object of the file through the API of the sandbox `state`, then finishes
    /// the actions that started.
    pub(crate) async fn apply(&self, state: &AppState) -> Result<(), SeedError> {
        let api = InProcess::new(state);
        let mut run = Run {
            seed: self,
            api: &api,
            labels: HashMap::new(),
            instances: HashMap::new(),
            subnets: HashMap::new(),
            subnet_vpcs: HashMap::new(),
            databases: HashMap::new(),
        };
        let result = run.all().await;
        state.store().settle();
        result.map_err(SeedError)
    }
}

/// Converts a YAML node into JSON, noting where each path starts.
fn to_json(
    node: &MarkedYaml<'_>,
    path: String,
    positions: &mut HashMap<String, (usize, usize)>,
) -> Result<Value, (usize, usize, String)> {
    let at = (node.span.start.line(), node.span.start.col() + 1);
    positions.entry(path.clone()).or_insert(at);
    let value = match &node.data {
        YamlData::Value(scalar) => scalar_json(scalar),
        YamlData::Representation(text, _, _) => Value::from(text.as_ref()),
        YamlData::Tagged(_, inner) => return to_json(inner, path, positions),
        YamlData::Sequence(items) => {
            let mut list = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                list.push(to_json(item, format!("{path}[{i}]"), positions)?);
            }
            Value::Array(list)
        }
        YamlData::Mapping(map) => {
            let mut object = Map::new();
            for (key, value) in map {
                let name = match &key.data {
                    YamlData::Value(Scalar::String(s)) => s.to_string(),
                    YamlData::Value(scalar) => match scalar_json(scalar) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    },
                    _ => {
                        return Err((
                            key.span.start.line(),
                            key.span.start.col() + 1,
                            "keys must be plain names".to_owned(),
                        ));
                    }
                };
                let child = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                positions.insert(
                    child.clone(),
                    (key.span.start.line(), key.span.start.col() + 1),
                );
                let converted = to_json(value, child, positions)?;
                object.insert(name, converted);
            }
            Value::Object(object)
        }
        YamlData::Alias(_) => {
            return Err((at.0, at.1, "aliases are not supported".to_owned()));
        }
        YamlData::BadValue => {
            return Err((at.0, at.1, "a value that cannot be read".to_owned()));
        }
    };
    Ok(value)
}

fn scalar_json(scalar: &Scalar<'_>) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(n) => Value::from(*n),
        Scalar::FloatingPoint(f) => serde_json::Number::from_f64(f.into_inner())
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Scalar::String(s) => Value::from(s.as_ref()),
    }
}

/// One application of a seed file.
struct Run<'a> {
    seed: &'a Seed,
    api: &'a InProcess,
    /// `(section, label)` to the id the API gave the object.
    labels: HashMap<(&'static str, String), u64>,
    /// Instance label to the instance as the API answered its creation.
    instances: HashMap<String, Value>,
    /// `vpc/subnet` and `subnet` labels to subnet ids (`None`: a label several VPCs have).
    subnets: HashMap<String, Option<u64>>,
    /// Subnet id to the id of its VPC.
    subnet_vpcs: HashMap<u64, u64>,
    /// Database id to its engine (`mysql`, `postgresql`).
    databases: HashMap<u64, String>,
}

/// Where a request field comes from in an entry, when the seed renamed it: the request's
/// field (`linode_id`) and the entry's (`linode`).
type Renames = Vec<(String, String)>;

impl Run<'_> {
    async fn all(&mut self) -> Result<(), String> {
        for (path, entry) in self.seed.entries("vpcs") {
            let made = self
                .create("vpcs", &path, "/vpcs", entry.clone(), Vec::new())
                .await?;
            let vpc = made["label"].as_str().unwrap_or_default();
            let vpc_id = made["id"].as_u64().unwrap_or_default();
            for subnet in made["subnets"].as_array().into_iter().flatten() {
                if let (Some(label), Some(id)) = (subnet["label"].as_str(), subnet["id"].as_u64()) {
                    self.subnets.insert(format!("{vpc}/{label}"), Some(id));
                    self.subnet_vpcs.insert(id, vpc_id);
                    // A subnet label alone names it when no other VPC has one so labelled.
                    let alone = self.subnets.entry(label.to_owned()).or_insert(Some(id));
                    if *alone != Some(id) {
                        *alone = None;
                    }
                }
            }
        }
        for (path, entry) in self.seed.entries("placement_groups") {
            self.create(
                "placement_groups",
                &path,
                "/placement/groups",
                entry.clone(),
                Vec::new(),
            )
            .await?;
        }
        for (path, entry) in self.seed.entries("instances") {
            let mut body = entry.clone();
            let mut renames = Vec::new();
            let keys_given = ["authorized_keys", "authorized_users"].iter().any(|k| {
                body.get(*k)
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty())
            });
            if body.get("image").is_some_and(Value::is_string)
                && body.get("root_pass").is_none_or(Value::is_null)
                && !keys_given
            {
                body.insert("root_pass".into(), Value::from(made_up_password()));
            }
            if let Some(Value::String(label)) = body.get("placement_group").cloned() {
                let id = self.id_of(
                    "placement_groups",
                    &label,
                    &format!("{path}.placement_group"),
                )?;
                body.insert("placement_group".into(), serde_json::json!({ "id": id }));
                renames.push(("placement_group.id".into(), "placement_group".into()));
            }
            if let Some(Value::Array(interfaces)) = body.get_mut("interfaces") {
                for (i, interface) in interfaces.iter_mut().enumerate() {
                    // Configuration profile interfaces name `subnet_id`, Linode interfaces
                    // `vpc.subnet_id`.
                    for (inner, at) in [
                        (None, format!("interfaces[{i}]")),
                        (Some("vpc"), format!("interfaces[{i}].vpc")),
                    ] {
                        let holder = match inner {
                            None => interface.as_object_mut(),
                            Some(key) => interface.get_mut(key).and_then(Value::as_object_mut),
                        };
                        let Some(holder) = holder else { continue };
                        let Some(Value::String(subnet)) = holder.get("subnet").cloned() else {
                            continue;
                        };
                        let id = self.subnet_id(&subnet, &format!("{path}.{at}.subnet"))?;
                        holder.remove("subnet");
                        holder.insert("subnet_id".into(), Value::from(id));
                        renames.push((format!("{at}.subnet_id"), format!("{at}.subnet")));
                    }
                }
            }
            let made = self
                .create("instances", &path, "/linode/instances", body, renames)
                .await?;
            if let Some(label) = made["label"].as_str() {
                self.instances.insert(label.to_owned(), made.clone());
            }
        }
        for (path, entry) in self.seed.entries("domains") {
            let mut body = entry.clone();
            let records = body.remove("records");
            if records
                .as_ref()
                .is_some_and(|r| !r.is_array() && !r.is_null())
            {
                return Err(self
                    .seed
                    .error_at(&format!("{path}.records"), "must be a list of records"));
            }
            let made = self
                .create("domains", &path, "/domains", body, Vec::new())
                .await?;
            let id = made["id"].as_u64().unwrap_or_default();
            for (i, record) in records
                .as_ref()
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let record_path = format!("{path}.records[{i}]");
                let Some(record) = record.as_object() else {
                    return Err(self.seed.error_at(&record_path, "must be a mapping"));
                };
                self.send(
                    &record_path,
                    &format!("/domains/{id}/records"),
                    record.clone(),
                    &[],
                )
                .await?;
            }
        }
        for (path, entry) in self.seed.entries("volumes") {
            let mut body = entry.clone();
            let mut renames = Vec::new();
            if let Some(linode) = body.remove("linode") {
                let id = self.instance_ref(&linode, &format!("{path}.linode"))?;
                body.insert("linode_id".into(), Value::from(id));
                renames.push(("linode_id".into(), "linode".into()));
            }
            self.create("volumes", &path, "/volumes", body, renames)
                .await?;
        }
        for (path, entry) in self.seed.entries("nodebalancers") {
            let mut body = entry.clone();
            let mut renames = Vec::new();
            if let Some(Value::Array(configs)) = body.get_mut("configs") {
                for (i, config) in configs.iter_mut().enumerate() {
                    let Some(Value::Array(nodes)) = config.get_mut("nodes") else {
                        continue;
                    };
                    for (j, node) in nodes.iter_mut().enumerate() {
                        let Some(node) = node.as_object_mut() else {
                            continue;
                        };
                        let Some(linode) = node.remove("linode") else {
                            continue;
                        };
                        let at = format!("configs[{i}].nodes[{j}]");
                        let port = node.remove("port").and_then(|p| p.as_u64()).unwrap_or(80);
                        let ip = self.private_ip(&linode, &format!("{path}.{at}.linode"))?;
                        node.insert("address".into(), Value::from(format!("{ip}:{port}")));
                        renames.push((format!("{at}.address"), format!("{at}.linode")));
                    }
                }
            }
            self.create("nodebalancers", &path, "/nodebalancers", body, renames)
                .await?;
        }
        for (path, entry) in self.seed.entries("firewalls") {
            let mut body = entry.clone();
            if let Some(Value::Object(devices)) = body.get_mut("devices") {
                for (key, section) in [("linodes", "instances"), ("nodebalancers", "nodebalancers")]
                {
                    let Some(Value::Array(items)) = devices.get_mut(key) else {
                        continue;
                    };
                    for (i, item) in items.iter_mut().enumerate() {
                        if let Value::String(label) = item {
                            let at = format!("{path}.devices.{key}[{i}]");
                            *item = Value::from(self.id_of(section, label, &at)?);
                        }
                    }
                }
            }
            self.create(
                "firewalls",
                &path,
                "/networking/firewalls",
                body,
                Vec::new(),
            )
            .await?;
        }
        for (path, entry) in self.seed.entries("lke_clusters") {
            self.lke_cluster(&path, entry).await?;
        }
        for (path, entry) in self.seed.entries("databases") {
            self.database(&path, entry).await?;
        }
        for (path, entry) in self.seed.entries("buckets") {
            self.create(
                "buckets",
                &path,
                "/object-storage/buckets",
                entry.clone(),
                Vec::new(),
            )
            .await?;
        }
        for (path, entry) in self.seed.entries("requests") {
            self.request(&path, entry).await?;
        }
        Ok(())
    }

    /// An LKE cluster: `vpc` and `subnet` by label, each pool's `firewall` by label; with a
    /// `tier`, created under `/v4beta` (the only version that reads it).
    async fn lke_cluster(&mut self, path: &str, entry: &Map<String, Value>) -> Result<(), String> {
        let mut body = entry.clone();
        let mut renames = Vec::new();
        if let Some(vpc) = body.remove("vpc") {
            // A label, or an id as the API takes it.
            let id = match &vpc {
                Value::String(label) => {
                    Value::from(self.id_of("vpcs", label, &format!("{path}.vpc"))?)
                }
                other => other.clone(),
            };
            body.insert("vpc_id".into(), id);
            renames.push(("vpc_id".into(), "vpc".into()));
        }
        if let Some(Value::String(subnet)) = body.get("subnet").cloned() {
            let at = format!("{path}.subnet");
            let id = match entry.get("vpc").and_then(Value::as_str) {
                Some(vpc) if !subnet.contains('/') => {
                    self.subnet_id(&format!("{vpc}/{subnet}"), &at)?
                }
                _ => self.subnet_id(&subnet, &at)?,
            };
            body.remove("subnet");
            body.insert("subnet_id".into(), Value::from(id));
            renames.push(("subnet_id".into(), "subnet".into()));
        }
        if let Some(Value::Array(pools)) = body.get_mut("node_pools") {
            for (i, pool) in pools.iter_mut().enumerate() {
                let Some(pool) = pool.as_object_mut() else {
                    continue;
                };
                let Some(Value::String(firewall)) = pool.get("firewall").cloned() else {
                    continue;
                };
                let at = format!("node_pools[{i}]");
                let id = self.id_of("firewalls", &firewall, &format!("{path}.{at}.firewall"))?;
                pool.remove("firewall");
                pool.insert("firewall_id".into(), Value::from(id));
                renames.push((format!("{at}.firewall_id"), format!("{at}.firewall")));
            }
        }
        let url = if body.contains_key("tier") {
            "/v4beta/lke/clusters"
        } else {
            "/lke/clusters"
        };
        self.create("lke_clusters", path, url, body, renames)
            .await
            .map(|_| ())
    }

    /// A MySQL or PostgreSQL database, sent to its engine's route (the engine named by
    /// `engine: mysql/8.0.35`, or for a restore by its `fork.source`, a seeded database's
    /// label); `private_network` may name its `vpc` and `subnet` by label.
    async fn database(&mut self, path: &str, entry: &Map<String, Value>) -> Result<(), String> {
        let mut body = entry.clone();
        let mut renames = Vec::new();
        let mut source_engine = None;
        if let Some(Value::Object(fork)) = body.get_mut("fork") {
            let at = format!("{path}.fork.source");
            let source = match fork.get("source") {
                Some(Value::String(label)) => {
                    let id = self.id_of("databases", label, &at)?;
                    fork.insert("source".into(), Value::from(id));
                    Some(id)
                }
                Some(value) => value.as_u64(),
                None => None,
            };
            source_engine = source.and_then(|id| self.databases.get(&id)).cloned();
        }
        let engine = match body.get("engine") {
            Some(Value::String(engine)) => {
                let name = engine.split('/').next().unwrap_or_default();
                if !DATABASE_ENGINES.contains(&name) || !engine.contains('/') {
                    return Err(self.seed.error_at(
                        &format!("{path}.engine"),
                        &format!(
                            "{engine:?} is not mysql/VERSION or postgresql/VERSION \
                             (the versions of GET /databases/engines)"
                        ),
                    ));
                }
                name.to_owned()
            }
            // A restore takes its source's engine (and the API refuses `engine` with it).
            None | Some(Value::Null) if source_engine.is_some() => {
                source_engine.unwrap_or_default()
            }
            None | Some(Value::Null) => {
                return Err(self.seed.error_at(
                    &format!("{path}.engine"),
                    "required: mysql/VERSION or postgresql/VERSION \
                     (or fork: {source: <a seeded database's label>})",
                ));
            }
            Some(_) => {
                return Err(self.seed.error_at(
                    &format!("{path}.engine"),
                    "must be mysql/VERSION or postgresql/VERSION, such as postgresql/16.7",
                ));
            }
        };
        if let Some(Value::Object(network)) = body.get_mut("private_network") {
            let vpc = match network.remove("vpc") {
                Some(Value::String(label)) => {
                    let id = self.id_of("vpcs", &label, &format!("{path}.private_network.vpc"))?;
                    network.insert("vpc_id".into(), Value::from(id));
                    renames.push((
                        "private_network.vpc_id".into(),
                        "private_network.vpc".into(),
                    ));
                    Some(label)
                }
                // An id, as the API takes it.
                Some(other) => {
                    network.insert("vpc_id".into(), other);
                    renames.push((
                        "private_network.vpc_id".into(),
                        "private_network.vpc".into(),
                    ));
                    None
                }
                None => None,
            };
            if let Some(Value::String(subnet)) = network.get("subnet").cloned() {
                let at = format!("{path}.private_network.subnet");
                let id = match &vpc {
                    Some(vpc) if !subnet.contains('/') => {
                        self.subnet_id(&format!("{vpc}/{subnet}"), &at)?
                    }
                    _ => self.subnet_id(&subnet, &at)?,
                };
                network.remove("subnet");
                network.insert("subnet_id".into(), Value::from(id));
                renames.push((
                    "private_network.subnet_id".into(),
                    "private_network.subnet".into(),
                ));
                // The subnet names its VPC.
                if !network.contains_key("vpc_id") {
                    if let Some(vpc_id) = self.subnet_vpcs.get(&id) {
                        network.insert("vpc_id".into(), Value::from(*vpc_id));
                        renames.push((
                            "private_network.vpc_id".into(),
                            "private_network.subnet".into(),
                        ));
                    }
                }
            }
        }
        let url = format!("/databases/{engine}/instances");
        let made = self.create("databases", path, &url, body, renames).await?;
        if let Some(id) = made["id"].as_u64() {
            self.databases.insert(id, engine);
        }
        Ok(())
    }

    /// Sends the create request of one entry and remembers the new object's label.
    async fn create(
        &mut self,
        section: &'static str,
        path: &str,
        url: &str,
        body: Map<String, Value>,
        renames: Renames,
    ) -> Result<Value, String> {
        let made = self.send(path, url, body, &renames).await?;
        if let (Some(label), Some(id)) = (made["label"].as_str(), made["id"].as_u64()) {
            self.labels.insert((section, label.to_owned()), id);
        }
        Ok(made)
    }

    /// POSTs `body` to `url` (under `/v4`): the answer, or the API's reasons placed in the
    /// file.
    async fn send(
        &self,
        path: &str,
        url: &str,
        body: Map<String, Value>,
        renames: &[(String, String)],
    ) -> Result<Value, String> {
        self.call(path, Method::POST, url, Some(Value::Object(body)), renames)
            .await
    }

    async fn call(
        &self,
        path: &str,
        method: Method,
        url: &str,
        body: Option<Value>,
        renames: &[(String, String)],
    ) -> Result<Value, String> {
        let full = if url.starts_with("/v4beta/") {
            url.to_owned()
        } else {
            format!("/v4{url}")
        };
        let (status, answer) = self
            .api
            .call(method.clone(), &full, body.as_ref(), None)
            .await;
        if status.is_success() {
            return Ok(answer);
        }
        let reasons: Vec<String> = answer["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                let reason = e["reason"].as_str().unwrap_or("refused");
                let at = match e["field"].as_str() {
                    Some(field) => {
                        let field = renames
                            .iter()
                            .find_map(|(api, ours)| {
                                field
                                    .strip_prefix(api.as_str())
                                    .filter(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
                                    .map(|rest| format!("{ours}{rest}"))
                            })
                            .unwrap_or_else(|| field.to_owned());
                        format!("{path}.{field}")
                    }
                    None => path.to_owned(),
                };
                self.seed.error_at(
                    &at,
                    &format!(
                        "{reason} (the API answered {} to {method} {url})",
                        status.as_u16()
                    ),
                )
            })
            .collect();
        if reasons.is_empty() {
            return Err(self.seed.error_at(
                path,
                &format!("the API answered {} to {method} {url}", status.as_u16()),
            ));
        }
        Err(reasons.join("\n"))
    }

    /// A request given as is: `method` (POST by default), `path` under `/v4`, `body`.
    async fn request(&self, path: &str, entry: &Map<String, Value>) -> Result<(), String> {
        for key in entry.keys() {
            if !["method", "path", "body"].contains(&key.as_str()) {
                return Err(self.seed.error_at(
                    &format!("{path}.{key}"),
                    "unknown field; a request has method, path and body",
                ));
            }
        }
        let method = match entry.get("method") {
            None => Method::POST,
            Some(Value::String(m)) => Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                .map_err(|_| {
                    self.seed
                        .error_at(&format!("{path}.method"), "not an HTTP method")
                })?,
            Some(_) => {
                return Err(self
                    .seed
                    .error_at(&format!("{path}.method"), "must be a method such as POST"));
            }
        };
        let url = match entry.get("path").and_then(Value::as_str) {
            // `/v4/tags` and `/tags` alike; `/v4beta/...` as is.
            Some(p) if p.starts_with("/v4/") => &p[3..],
            Some(p) if p.starts_with('/') => p,
            _ => {
                return Err(self.seed.error_at(
                    &format!("{path}.path"),
                    "must be the request's path, such as /tags",
                ));
            }
        };
        let body = entry.get("body").cloned();
        let body_path = format!("{path}.body");
        self.call(&body_path, method, url, body, &[])
            .await
            .map(|_| ())
    }

    /// The id of the seeded object of `section` labelled `label`.
    fn id_of(&self, section: &'static str, label: &str, at: &str) -> Result<u64, String> {
        self.labels
            .get(&(section, label.to_owned()))
            .copied()
            .ok_or_else(|| {
                let what = section.trim_end_matches('s').replace('_', " ");
                self.seed
                    .error_at(at, &format!("no seeded {what} has the label {label:?}"))
            })
    }

    /// The id of a seeded subnet given as `vpc/subnet` or by its label alone.
    fn subnet_id(&self, name: &str, at: &str) -> Result<u64, String> {
        match self.subnets.get(name) {
            Some(Some(id)) => Ok(*id),
            Some(None) => Err(self.seed.error_at(
                at,
                &format!("several seeded VPCs have a subnet {name:?}: write vpc/{name}"),
            )),
            None => Err(self
                .seed
                .error_at(at, &format!("no seeded VPC has a subnet {name:?}"))),
        }
    }

    /// An instance given by label (or id).
    fn instance_ref(&self, value: &Value, at: &str) -> Result<u64, String> {
        match value {
            Value::Number(n) if n.as_u64().is_some() => Ok(n.as_u64().unwrap_or_default()),
            Value::String(label) => self.id_of("instances", label, at),
            _ => Err(self
                .seed
                .error_at(at, "must be the label of a seeded instance")),
        }
    }

    /// The private IPv4 address of a seeded instance given by label.
    fn private_ip(&self, value: &Value, at: &str) -> Result<String, String> {
        let Some(label) = value.as_str() else {
            return Err(self
                .seed
                .error_at(at, "must be the label of a seeded instance"));
        };
        let Some(instance) = self.instances.get(label) else {
            return Err(self
                .seed
                .error_at(at, &format!("no seeded instance has the label {label:?}")));
        };
        instance["ipv4"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|ip| is_private(ip))
            .map(str::to_owned)
            .ok_or_else(|| {
                self.seed.error_at(
                    at,
                    &format!(
                        "the instance {label:?} has no private IPv4 (seed it with private_ip: true)"
                    ),
                )
            })
    }
}

fn is_private(ip: &str) -> bool {
    ip.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_private())
}

/// A root password that meets the API's strength rule.
fn made_up_password() -> String {
    format!("Seed-{}-9x", crate::account::random_hex(12))
}
