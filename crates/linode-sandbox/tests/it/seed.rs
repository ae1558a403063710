//! Seed files (`--seed-file`, `LINODE_SANDBOX_SEED_FILE`, `SandboxBuilder::seed`): the
//! objects they describe exist at start, ready, and again after `POST /sandbox/reset`; a bad
//! file stops the start with its line and field.

use std::path::PathBuf;

use linode_sandbox::{Sandbox, Seed};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Api, Binary};

/// A fresh directory for this test's files.
fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandbox-seed-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const YAML: &str = "\
# every section the seed knows
vpcs:
  - label: backend
    region: us-east
    description: private network
    subnets: [{label: apps, ipv4: 10.0.1.0/24}]
placement_groups:
  - {label: spread, region: us-east, placement_group_type: 'anti_affinity:local',
     placement_group_policy: strict}
instances:
  - label: web-1
    region: us-east
    type: g6-standard-1
    image: linode/debian12
    tags: [prod, web]
    private_ip: true
    placement_group: spread
  - label: worker-1
    region: us-east
    type: g6-nanode-1
domains:
  - domain: example.com
    type: master
    soa_email: admin@example.com
    records:
      - {type: A, name: www, target: 192.0.2.10}
      - {type: TXT, name: '', target: hello}
volumes:
  - {label: data, size: 20, linode: web-1}
  - {label: spare, size: 10, region: us-east}
nodebalancers:
  - label: lb-main
    region: us-east
    configs:
      - port: 80
        nodes: [{label: web-1, linode: web-1, port: 8080}]
firewalls:
  - label: web-fw
    rules: {inbound_policy: DROP, outbound_policy: ACCEPT}
    devices: {linodes: [web-1], nodebalancers: [lb-main]}
requests:
  - {method: POST, path: /tags, body: {label: team-a}}
";

/// `field` of every object of a list, in order.
async fn column(api: &Api, path: &str, field: &str) -> Vec<Value> {
    api.get(path).await["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o[field].clone())
        .collect()
}

/// Checks every object [`YAML`] describes, with exact values.
async fn check_seeded(api: &Api) {
    let instances = api.get("/v4/linode/instances").await;
    assert_eq!(instances["results"], 2);
    let web = &instances["data"][0];
    let worker = &instances["data"][1];
    assert_eq!(
        (
            &web["label"],
            &web["region"],
            &web["type"],
            &web["image"],
            &web["tags"],
            &web["status"]
        ),
        (
            &json!("web-1"),
            &json!("us-east"),
            &json!("g6-standard-1"),
            &json!("linode/debian12"),
            &json!(["prod", "web"]),
            // Seeding finishes the actions it starts: booted, not provisioning.
            &json!("running")
        )
    );
    let private: Vec<&str> = web["ipv4"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|ip| ip.starts_with("192.168."))
        .collect();
    assert_eq!(private.len(), 1, "{web}");
    // An instance without an image is not booted.
    assert_eq!(
        (&worker["label"], &worker["status"], &worker["image"]),
        (&json!("worker-1"), &json!("offline"), &Value::Null)
    );
    let web_id = web["id"].as_u64().unwrap();

    let groups = api.get("/v4/placement/groups").await;
    assert_eq!(groups["data"][0]["label"], "spread");
    assert_eq!(
        groups["data"][0]["members"],
        json!([{"linode_id": web_id, "is_compliant": true}])
    );

    let vpcs = api.get("/v4/vpcs").await;
    assert_eq!(vpcs["results"], 1);
    assert_eq!(
        (&vpcs["data"][0]["label"], &vpcs["data"][0]["description"]),
        (&json!("backend"), &json!("private network"))
    );
    assert_eq!(vpcs["data"][0]["subnets"][0]["label"], "apps");
    assert_eq!(vpcs["data"][0]["subnets"][0]["ipv4"], "10.0.1.0/24");

    let domains = api.get("/v4/domains").await;
    assert_eq!(domains["results"], 1);
    assert_eq!(domains["data"][0]["domain"], "example.com");
    assert_eq!(domains["data"][0]["soa_email"], "admin@example.com");
    let domain_id = domains["data"][0]["id"].as_u64().unwrap();
    let records = api.get(&format!("/v4/domains/{domain_id}/records")).await;
    let records: Vec<(Value, Value, Value)> = records["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["type"].clone(), r["name"].clone(), r["target"].clone()))
        .collect();
    assert_eq!(
        records,
        [
            (json!("A"), json!("www"), json!("192.0.2.10")),
            (json!("TXT"), json!(""), json!("hello"))
        ]
    );

    let volumes = api.get("/v4/volumes").await;
    let volumes: Vec<(Value, Value, Value, Value)> = volumes["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["label"].clone(),
                v["size"].clone(),
                v["linode_id"].clone(),
                v["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        volumes,
        [
            (json!("data"), json!(20), json!(web_id), json!("active")),
            (json!("spare"), json!(10), Value::Null, json!("active"))
        ]
    );

    let nodebalancers = api.get("/v4/nodebalancers").await;
    assert_eq!(nodebalancers["results"], 1);
    let nb = &nodebalancers["data"][0];
    assert_eq!(
        (&nb["label"], &nb["region"]),
        (&json!("lb-main"), &json!("us-east"))
    );
    let nb_id = nb["id"].as_u64().unwrap();
    let configs = api.get(&format!("/v4/nodebalancers/{nb_id}/configs")).await;
    assert_eq!(configs["data"][0]["port"], 80);
    let config_id = configs["data"][0]["id"].as_u64().unwrap();
    let nodes = api
        .get(&format!(
            "/v4/nodebalancers/{nb_id}/configs/{config_id}/nodes"
        ))
        .await;
    assert_eq!(nodes["data"][0]["label"], "web-1");
    assert_eq!(
        nodes["data"][0]["address"],
        json!(format!("{}:8080", private[0]))
    );

    let firewalls = api.get("/v4/networking/firewalls").await;
    assert_eq!(firewalls["results"], 1);
    let fw = &firewalls["data"][0];
    assert_eq!(fw["label"], "web-fw");
    assert_eq!(fw["rules"]["inbound_policy"], "DROP");
    let entities: Vec<(Value, Value)> = fw["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].clone(), e["id"].clone()))
        .collect();
    assert_eq!(
        entities,
        [
            (json!("linode"), json!(web_id)),
            (json!("nodebalancer"), json!(nb_id))
        ]
    );

    assert_eq!(
        column(api, "/v4/tags", "label").await,
        [json!("prod"), json!("team-a"), json!("web")]
    );
}

/// The binary, with the seed file in `LINODE_SANDBOX_SEED_FILE`, at real-time speed.
#[tokio::test]
async fn the_binary_seeds_a_yaml_file_at_start_and_again_on_reset() {
    let dir = dir("yaml");
    let file = dir.join("seed.yaml");
    std::fs::write(&file, YAML).unwrap();
    let bin = Binary::start("seed-token", |c| {
        c.env("LINODE_SANDBOX_SEED_FILE", &file);
    })
    .await;
    let api = &bin.api;
    check_seeded(api).await;

    // Changes, then a reset: the seed is back, with the same ids.
    let ids = column(api, "/v4/linode/instances", "id").await;
    let first = ids[0].as_u64().unwrap();
    let (status, _) = api
        .call(
            Method::DELETE,
            &format!("/v4/linode/instances/{first}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(api.get("/v4/linode/instances").await["results"], 1);
    let (status, body) = api.call(Method::POST, "/sandbox/reset", None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    check_seeded(api).await;
    assert_eq!(column(api, "/v4/linode/instances", "id").await, ids);
    bin.kill().await;
    std::fs::remove_dir_all(dir).unwrap();
}

/// The library, with a JSON file read by `Seed::from_path`.
#[tokio::test]
async fn the_library_seeds_a_json_file() {
    let dir = dir("json");
    let file = dir.join("seed.json");
    let yaml_as_json = json!({
        "instances": [
            {"label": "api-1", "region": "us-ord", "type": "g6-nanode-1",
             "image": "linode/ubuntu24.04", "tags": ["json"]}
        ],
        "domains": [
            {"domain": "example.org", "type": "master", "soa_email": "ops@example.org",
             "records": [{"type": "CNAME", "name": "api", "target": "example.org"}]}
        ],
        "volumes": [{"label": "logs", "size": 30, "linode": "api-1"}]
    });
    std::fs::write(&file, serde_json::to_string_pretty(&yaml_as_json).unwrap()).unwrap();
    let seed = Seed::from_path(&file).unwrap();
    let sb = Sandbox::builder().seed(seed).start().await.unwrap();
    let api = Api::of(&sb);
    let instances = api.get("/v4/linode/instances").await;
    assert_eq!(instances["results"], 1);
    let api_1 = &instances["data"][0];
    assert_eq!(
        (
            &api_1["label"],
            &api_1["region"],
            &api_1["image"],
            &api_1["tags"],
            &api_1["status"]
        ),
        (
            &json!("api-1"),
            &json!("us-ord"),
            &json!("linode/ubuntu24.04"),
            &json!(["json"]),
            &json!("running")
        )
    );
    let domains = api.get("/v4/domains").await;
    let id = domains["data"][0]["id"].as_u64().unwrap();
    let records = api.get(&format!("/v4/domains/{id}/records")).await;
    assert_eq!(
        (
            &records["results"],
            &records["data"][0]["type"],
            &records["data"][0]["target"]
        ),
        (&json!(1), &json!("CNAME"), &json!("example.org"))
    );
    let volumes = api.get("/v4/volumes").await;
    assert_eq!(volumes["data"][0]["label"], "logs");
    assert_eq!(volumes["data"][0]["linode_id"], api_1["id"]);
    // The seed's own requests are not in the request log.
    assert_eq!(sb.requests().len(), 4);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn syntax_errors_give_the_parsers_line_and_column() {
    let err = Seed::parse(
        "bad.yaml",
        "instances:\n  - label: web-1\n    region: [us-east\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad.yaml:4:1: not valid YAML: while parsing a flow sequence, expected ',' or ']'"
    );
    let err = Seed::parse(
        "bad.json",
        "{\"instances\": [\n  {\"label\": \"web-1\",}\n]}\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "bad.json:2:21: not valid JSON: trailing comma"
    );
    // Without an extension, a document starting with `{` is JSON.
    let err = Seed::parse("seed", "{\"instances\": }").unwrap_err();
    assert_eq!(err.to_string(), "seed:1:15: not valid JSON: expected value");
}

#[test]
fn a_file_of_the_wrong_shape_is_refused_where_it_goes_wrong() {
    let err = Seed::parse("s.yaml", "instance:\n  - label: x\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "s.yaml:1:1: instance: unknown section; known: vpcs, placement_groups, instances, \
         domains, volumes, nodebalancers, firewalls, lke_clusters, databases, buckets, requests"
    );
    let err = Seed::parse("s.yaml", "domains:\n  - domain: a.com\n  - just text\n").unwrap_err();
    assert_eq!(err.to_string(), "s.yaml:3:5: domains[1]: must be a mapping");
    let err = Seed::parse("s.yaml", "volumes: {label: x}\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "s.yaml:1:1: volumes: must be a list of entries"
    );
    let err = Seed::parse("s.yaml", "- a\n- b\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "s.yaml:1:1: the seed file must be a mapping of sections (instances, domains, ...)"
    );
    let err = Seed::parse("s.yaml", "a: 1\n---\nb: 2\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "s.yaml:3:1: a seed file holds one document"
    );
    // An empty file seeds nothing.
    assert!(Seed::parse("s.yaml", "").is_ok());
    assert!(
        Seed::from_path("/nonexistent/seed.yaml")
            .unwrap_err()
            .to_string()
            .starts_with("/nonexistent/seed.yaml: cannot read the seed file: ")
    );
}

/// What `start` says about `text`, which parses but which the API refuses.
async fn refused(name: &str, text: &str) -> String {
    let seed = Seed::parse(name, text).unwrap();
    let err = Sandbox::builder().seed(seed).start().await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    err.to_string()
}

#[tokio::test]
async fn an_entry_the_api_refuses_is_named_by_line_and_field() {
    assert_eq!(
        refused(
            "s.yaml",
            "instances:\n  - {label: web-1, region: us-east, type: g6-nanode-1}\n  \
             - label: web-2\n    region: mars-1\n    type: g6-nanode-1\n"
        )
        .await,
        "s.yaml:4:5: instances[1].region: region is not valid \
         (the API answered 400 to POST /linode/instances)"
    );
    // A field the entry lacks: the entry's own line.
    assert_eq!(
        refused(
            "s.json",
            "{\"domains\": [{\"domain\": \"example.com\", \"type\": \"master\", \
             \"soa_email\": \"a@example.com\",\n  \"records\": [{\"type\": \"A\", \"name\": \"www\"}]}]}\n"
        )
        .await,
        "s.json:2:15: domains[0].records[0].target: Must be a valid IPv4 address \
         (the API answered 400 to POST /domains/1000/records)"
    );
    assert_eq!(
        refused(
            "s.yaml",
            "domains:\n  - domain: example.com\n    type: master\n    soa_email: a@example.com\n    \
             records: {type: A}\n"
        )
        .await,
        "s.yaml:5:5: domains[0].records: must be a list of records"
    );
    // References by label to objects the file does not seed.
    assert_eq!(
        refused(
            "s.yaml",
            "volumes:\n  - label: data\n    size: 20\n    linode: web-9\n"
        )
        .await,
        "s.yaml:4:5: volumes[0].linode: no seeded instance has the label \"web-9\""
    );
    assert_eq!(
        refused(
            "s.yaml",
            "firewalls:\n  - label: fw\n    rules: {inbound_policy: DROP, outbound_policy: ACCEPT}\n    \
             devices: {linodes: [web-1]}\n"
        )
        .await,
        "s.yaml:4:25: firewalls[0].devices.linodes[0]: no seeded instance has the label \"web-1\""
    );
    // A field the seed renamed is reported under the entry's own name.
    assert_eq!(
        refused(
            "s.yaml",
            "nodebalancers:\n  - label: lb-main\n    region: us-east\n    configs:\n      \
             - nodes: [{label: n, linode: web-1}]\n"
        )
        .await,
        "s.yaml:5:28: nodebalancers[0].configs[0].nodes[0].linode: \
         no seeded instance has the label \"web-1\""
    );
    assert_eq!(
        refused("s.yaml", "requests:\n  - path: /tags\n    body: {}\n").await,
        "s.yaml:3:5: requests[0].body.label: label is required \
         (the API answered 400 to POST /tags)"
    );
}

#[tokio::test]
async fn the_binary_refuses_to_start_on_a_bad_seed_file() {
    let dir = dir("bad");
    let syntax = dir.join("syntax.yaml");
    std::fs::write(&syntax, "instances:\n  - label: [web-1\n").unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_linode-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--seed-file"])
        .arg(&syntax)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{}:3:1: not valid YAML: while parsing a flow sequence, expected ',' or ']'",
            syntax.display()
        )),
        "{stderr}"
    );
    let refused = dir.join("refused.yaml");
    std::fs::write(
        &refused,
        "instances:\n  - label: web-1\n    region: us-east\n    type: g6-huge-99\n",
    )
    .unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_linode-sandbox"))
        .args(["--listen", "127.0.0.1:0"])
        .env("LINODE_SANDBOX_SEED_FILE", &refused)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        format!(
            "linode-sandbox: the seed file was refused:\n\
             {}:4:5: instances[0].type: A valid plan type by that ID was not found \
             (the API answered 400 to POST /linode/instances)\n",
            refused.display()
        )
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn instances_join_seeded_subnets_by_label() {
    let text = "\
vpcs:
  - {label: backend, region: us-east, subnets: [{label: apps, ipv4: 10.0.1.0/24}]}
instances:
  - label: worker-1
    region: us-east
    type: g6-nanode-1
    image: linode/debian12
    interfaces: [{purpose: public}, {purpose: vpc, subnet: apps}]
";
    let sb = Sandbox::builder()
        .seed(Seed::parse("s.yaml", text).unwrap())
        .start()
        .await
        .unwrap();
    let api = &Api::of(&sb);
    let vpc = &api.get("/v4/vpcs").await["data"][0];
    let subnet = &vpc["subnets"][0];
    let worker = api.get("/v4/linode/instances").await["data"][0].clone();
    assert_eq!(subnet["linodes"][0]["id"], worker["id"]);
    let configs = api
        .get(&format!("/v4/linode/instances/{}/configs", worker["id"]))
        .await;
    let interfaces: Vec<(Value, Value, Value)> = configs["data"][0]["interfaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["purpose"].clone(),
                i["vpc_id"].clone(),
                i["subnet_id"].clone(),
            )
        })
        .collect();
    assert_eq!(
        interfaces,
        [
            (json!("public"), Value::Null, Value::Null),
            (json!("vpc"), vpc["id"].clone(), subnet["id"].clone())
        ]
    );

    let unknown = text.replace("subnet: apps", "subnet: backend/nope");
    assert_eq!(
        refused("s.yaml", &unknown).await,
        "s.yaml:8:52: instances[0].interfaces[1].subnet: no seeded VPC has a subnet \"backend/nope\""
    );
}

/// The example of the README seeds as it says.
#[tokio::test]
async fn the_readme_example_seeds() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = &readme[readme
        .find("### Seed files")
        .expect("the README's seed section")..];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let sb = Sandbox::builder()
        .seed(Seed::parse("README.yaml", example).unwrap())
        .start()
        .await
        .unwrap();
    let api = &Api::of(&sb);
    // The cluster's three nodes are Linodes too.
    let labels = column(api, "/v4/linode/instances", "label").await;
    assert_eq!(labels[..2], [json!("web-1"), json!("worker-1")]);
    assert_eq!(
        column(api, "/v4/linode/instances", "status").await,
        [
            json!("running"),
            json!("offline"),
            json!("running"),
            json!("running"),
            json!("running")
        ]
    );
    assert_eq!(
        column(api, "/v4/lke/clusters", "status").await,
        [json!("ready")]
    );
    assert_eq!(
        column(api, "/v4/databases/instances", "label").await,
        [json!("app-db"), json!("app-db-copy")]
    );
    let vpc_id = api.get("/v4/vpcs").await["data"][0]["id"].clone();
    assert_eq!(
        api.get("/v4/databases/instances").await["data"][0]["private_network"]["vpc_id"],
        vpc_id
    );
    assert_eq!(
        column(api, "/v4/object-storage/buckets", "label").await,
        [json!("assets")]
    );
    for (path, label) in [
        ("/v4/vpcs", "backend"),
        ("/v4/placement/groups", "spread"),
        ("/v4/volumes", "data"),
        ("/v4/nodebalancers", "lb-main"),
        ("/v4/networking/firewalls", "web-fw"),
        ("/v4/lke/clusters", "prod-k8s"),
    ] {
        assert_eq!(column(api, path, "label").await, [json!(label)], "{path}");
    }
    assert_eq!(
        column(api, "/v4/domains", "domain").await,
        [json!("example.com")]
    );
    assert_eq!(
        column(api, "/v4/tags", "label").await,
        [json!("prod"), json!("team-a")]
    );
}

const PLATFORM: &str = "\
vpcs:
  - {label: backend, region: us-ord, subnets: [{label: apps, ipv4: 10.0.1.0/24}]}
firewalls:
  - label: nodes-fw
    rules: {inbound_policy: DROP, outbound_policy: ACCEPT}
lke_clusters:
  - label: prod-k8s
    region: us-east
    k8s_version: '1.33'
    tags: [prod]
    node_pools:
      - {type: g6-standard-2, count: 2, tags: [pool-a]}
      - {type: g6-standard-1, count: 1}
  - label: ent-k8s
    tier: enterprise
    region: us-ord
    k8s_version: v1.32.4+lke6
    subnet: backend/apps
    node_pools:
      - {type: g6-standard-2, count: 1, firewall: nodes-fw}
databases:
  - label: app-db
    engine: postgresql/16.7
    region: us-ord
    type: g6-nanode-1
    allow_list: [203.0.113.0/24]
    private_network: {vpc: backend, subnet: apps, public_access: true}
  - label: cache-db
    engine: mysql/8.0.35
    region: us-east
    type: g6-dedicated-2
    cluster_size: 3
  - label: app-db-restored
    fork: {source: app-db}
buckets:
  - {label: assets, region: us-east, acl: public-read, cors_enabled: false}
  - {label: backups, region: us-ord}
";

/// LKE clusters with their pools, MySQL and PostgreSQL databases (one restored from
/// another) and buckets, by their own sections, referring to a VPC, a subnet, a firewall and
/// a database by label.
#[tokio::test]
async fn clusters_databases_and_buckets_have_their_own_sections() {
    let sb = Sandbox::builder()
        .seed(Seed::parse("platform.yaml", PLATFORM).unwrap())
        .start()
        .await
        .unwrap();
    let api = &Api::of(&sb);
    let vpc = api.get("/v4/vpcs").await["data"][0].clone();
    let (vpc_id, subnet_id) = (&vpc["id"], &vpc["subnets"][0]["id"]);
    let firewall_id = api.get("/v4/networking/firewalls").await["data"][0]["id"].clone();

    let clusters = api.get("/v4beta/lke/clusters").await;
    let summary: Vec<Value> = clusters["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            json!([
                c["label"],
                c["region"],
                c["k8s_version"],
                c["tier"],
                c["tags"],
                c["status"],
                c["vpc_id"],
                c["subnet_id"]
            ])
        })
        .collect();
    assert_eq!(
        summary,
        [
            json!([
                "prod-k8s",
                "us-east",
                "1.33",
                "standard",
                ["prod"],
                "ready",
                null,
                null
            ]),
            json!([
                "ent-k8s",
                "us-ord",
                "v1.32.4+lke6",
                "enterprise",
                [],
                "ready",
                vpc_id,
                subnet_id
            ]),
        ]
    );
    let prod = clusters["data"][0]["id"].as_u64().unwrap();
    let pools = api.get(&format!("/v4/lke/clusters/{prod}/pools")).await;
    let pools: Vec<Value> = pools["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let ready = p["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["status"] == "ready")
                .count();
            json!([p["type"], p["count"], p["tags"], ready])
        })
        .collect();
    assert_eq!(
        pools,
        [
            json!(["g6-standard-2", 2, ["pool-a"], 2]),
            json!(["g6-standard-1", 1, [], 1])
        ]
    );
    let enterprise = clusters["data"][1]["id"].as_u64().unwrap();
    let pools = api
        .get(&format!("/v4beta/lke/clusters/{enterprise}/pools"))
        .await;
    assert_eq!(
        json!([
            pools["results"],
            pools["data"][0]["firewall_id"],
            pools["data"][0]["count"]
        ]),
        json!([1, firewall_id, 1])
    );
    // Every node is a running Linode.
    let nodes = column(api, "/v4/linode/instances", "status").await;
    assert_eq!(nodes, vec![json!("running"); 4]);

    let databases = api.get("/v4/databases/instances").await;
    let summary: Vec<Value> = databases["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            json!([
                d["label"],
                d["engine"],
                d["version"],
                d["region"],
                d["type"],
                d["cluster_size"],
                d["status"],
                d["allow_list"]
            ])
        })
        .collect();
    assert_eq!(
        summary,
        [
            json!([
                "app-db",
                "postgresql",
                "16.7",
                "us-ord",
                "g6-nanode-1",
                1,
                "active",
                ["203.0.113.0/24"]
            ]),
            json!([
                "cache-db",
                "mysql",
                "8.0.35",
                "us-east",
                "g6-dedicated-2",
                3,
                "active",
                []
            ]),
            json!([
                "app-db-restored",
                "postgresql",
                "16.7",
                "us-ord",
                "g6-nanode-1",
                1,
                "active",
                ["203.0.113.0/24"]
            ]),
        ]
    );
    let app_db = &databases["data"][0];
    assert_eq!(
        app_db["private_network"],
        json!({"vpc_id": vpc_id, "subnet_id": subnet_id, "public_access": true})
    );
    assert_eq!(databases["data"][2]["fork"]["source"], app_db["id"]);
    let one = api
        .get(&format!(
            "/v4/databases/mysql/instances/{}",
            databases["data"][1]["id"]
        ))
        .await;
    assert_eq!(one["label"], "cache-db");

    let buckets = api.get("/v4/object-storage/buckets").await;
    let summary: Vec<Value> = buckets["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| json!([b["label"], b["region"], b["hostname"]]))
        .collect();
    assert_eq!(
        summary,
        [
            json!(["assets", "us-east", "assets.us-east-1.linodeobjects.com"]),
            json!(["backups", "us-ord", "backups.us-ord-1.linodeobjects.com"]),
        ]
    );
    let access = api
        .get("/v4/object-storage/buckets/us-east/assets/access")
        .await;
    assert_eq!(
        json!([access["acl"], access["cors_enabled"]]),
        json!(["public-read", false])
    );
    let access = api
        .get("/v4/object-storage/buckets/us-ord/backups/access")
        .await;
    assert_eq!(
        json!([access["acl"], access["cors_enabled"]]),
        json!(["private", true])
    );
}

#[tokio::test]
async fn a_bad_cluster_database_or_bucket_is_named_by_line_and_field() {
    // The API's refusal, placed on the field of the entry.
    assert_eq!(
        refused(
            "s.yaml",
            "lke_clusters:\n  - label: k8s\n    region: us-east\n    k8s_version: '1.33'\n    \
             node_pools:\n      - {type: g6-huge-9, count: 1}\n"
        )
        .await,
        "s.yaml:6:10: lke_clusters[0].node_pools[0].type: Linode type not found \
         (the API answered 400 to POST /lke/clusters)"
    );
    assert_eq!(
        refused(
            "s.yaml",
            "lke_clusters:\n  - label: k8s\n    tier: enterprise\n    region: us-ord\n    \
             k8s_version: v1.32.4+lke6\n    node_pools:\n      \
             - {type: g6-standard-1, count: 1, firewall: nope}\n"
        )
        .await,
        "s.yaml:7:41: lke_clusters[0].node_pools[0].firewall: \
         no seeded firewall has the label \"nope\""
    );
    // A field the seed renamed (vpc for vpc_id) is reported under the entry's own name.
    assert_eq!(
        refused(
            "s.yaml",
            "lke_clusters:\n  - label: k8s\n    region: us-east\n    k8s_version: '1.33'\n    \
             vpc: 99999\n    node_pools: [{type: g6-standard-1, count: 1}]\n"
        )
        .await,
        "s.yaml:5:5: lke_clusters[0].vpc: Only available for LKE Enterprise clusters \
         (the API answered 400 to POST /lke/clusters)\n\
         s.yaml:5:5: lke_clusters[0].vpc: VPC not found \
         (the API answered 400 to POST /lke/clusters)"
    );
    assert_eq!(
        refused(
            "s.yaml",
            "databases:\n  - label: db-1\n    engine: redis/7\n    region: us-east\n    \
             type: g6-nanode-1\n"
        )
        .await,
        "s.yaml:3:5: databases[0].engine: \"redis/7\" is not mysql/VERSION or \
         postgresql/VERSION (the versions of GET /databases/engines)"
    );
    assert_eq!(
        refused(
            "s.yaml",
            "databases:\n  - label: db-1\n    engine: mysql/5.7\n    region: us-east\n    \
             type: g6-nanode-1\n"
        )
        .await,
        "s.yaml:3:5: databases[0].engine: Must be a mysql version of /databases/engines \
         (the API answered 400 to POST /databases/mysql/instances)"
    );
    assert_eq!(
        refused(
            "s.yaml",
            "databases:\n  - {label: copy, fork: {source: app-db}}\n"
        )
        .await,
        "s.yaml:2:26: databases[0].fork.source: no seeded database has the label \"app-db\""
    );
    assert_eq!(
        refused(
            "s.yaml",
            "databases:\n  - label: db-1\n    engine: postgresql/16.7\n    region: us-east\n    \
             type: g6-nanode-1\n    private_network: {vpc: backend, subnet: apps}\n"
        )
        .await,
        "s.yaml:6:23: databases[0].private_network.vpc: no seeded vpc has the label \"backend\""
    );
    assert_eq!(
        refused(
            "s.yaml",
            "buckets:\n  - {label: assets, region: us-east}\n  - {label: logs, region: ca-central}\n"
        )
        .await,
        "s.yaml:3:19: buckets[1].region: Region does not support Object Storage \
         (the API answered 400 to POST /object-storage/buckets)"
    );
}
