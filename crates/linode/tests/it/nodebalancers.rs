//! NodeBalancers, their configs and nodes end to end against the sandbox.

use crate::common;

use common::{assert_raw_refusals, event_actions, last_request, post_raw, refusal};
use linode::api::linode::Instance;
use linode::api::nodebalancers::{
    Algorithm, ConfigSettings, CreateNode, CreateNodeBalancer, HealthCheck, NodeBalancer,
    NodeBalancerConfig, NodeBalancerUpdate, NodeId, NodeMode, NodeStatus, NodeUpdate, Protocol,
};
use linode::{Client, Error};
use linode_sandbox::Sandbox;
use serde_json::json;

const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

/// The actions of the NodeBalancer events, oldest first.
fn actions(sandbox: &Sandbox) -> Vec<String> {
    event_actions(sandbox, "nodebalancer")
}

/// A NodeBalancer in us-east, named by the API.
async fn nodebalancer(client: &Client) -> NodeBalancer {
    client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("us-east"))
        .await
        .unwrap()
}

/// A config of NodeBalancer `nb` on `port`, with the default settings.
async fn config(client: &Client, nb: u64, port: u16) -> NodeBalancerConfig {
    client
        .nodebalancers()
        .create_config(nb, &ConfigSettings::new(port))
        .await
        .unwrap()
}

/// A running Linode with a private address, and that address (also used by `families_ops`).
pub(crate) async fn backend(client: &Client, region: &str, label: &str) -> (Instance, String) {
    let linode = common::create_linode(
        client,
        common::debian_nanode(region).label(label).private_ip(true),
    )
    .await;
    let private = linode
        .ipv4
        .iter()
        .find(|ip| ip.octets()[..2] == [192, 168])
        .expect("a private address")
        .to_string();
    (linode, private)
}

#[tokio::test]
async fn create_list_save_and_delete_a_nodebalancer() {
    let (sandbox, client) = common::setup().await;
    let nb = client
        .nodebalancers()
        .create(
            CreateNodeBalancer::in_region("us-east")
                .label("front")
                .client_conn_throttle(5)
                .tags(["web"]),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".into(),
            "/v4/nodebalancers".into(),
            Some(json!({"region": "us-east", "label": "front",
                        "client_conn_throttle": 5, "tags": ["web"]}))
        )
    );
    assert_eq!(nb.label, "front");
    assert_eq!(nb.region.id(), "us-east");
    assert_eq!(nb.client_conn_throttle, 5);
    assert!(nb.hostname.starts_with(&nb.ipv4));
    assert!(nb.ipv6.is_some());
    let stored = sandbox.nodebalancer(nb.id).unwrap();
    assert_eq!(stored["ipv4"], nb.ipv4.as_str());
    assert_eq!(stored["tags"], json!(["web"]));

    // Without a label, the API names it.
    let unnamed = client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("eu-west"))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).2.unwrap(),
        json!({"region": "eu-west"})
    );
    assert_eq!(unnamed.label, format!("nodebalancer{}", unnamed.id));

    let in_us = client
        .nodebalancers()
        .list()
        .filter(NodeBalancer::REGION.eq("us-east"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(in_us.len(), 1);
    assert_eq!(in_us[0].id, nb.id);
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"region":"us-east"}"#)
    );

    let mut nb = client.nodebalancers().get(nb.id).await.unwrap();
    nb.label = "front-2".into();
    nb.client_conn_throttle = 0;
    nb.save(&client).await.unwrap();
    let (method, path, body) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path),
        ("PUT", format!("/v4/nodebalancers/{}", nb.id))
    );
    assert_eq!(
        body.unwrap(),
        json!({"label": "front-2", "client_conn_throttle": 0, "tags": ["web"]})
    );
    assert_eq!(sandbox.nodebalancer(nb.id).unwrap()["label"], "front-2");

    let err = client
        .nodebalancers()
        .update(unnamed.id, &NodeBalancerUpdate::new().label("front-2"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("label"));

    let id = nb.id;
    nb.delete(&client).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/nodebalancers/{id}")
    );
    assert!(sandbox.nodebalancer(id).is_none());
    assert_eq!(
        actions(&sandbox),
        [
            "nodebalancer_create",
            "nodebalancer_create",
            "nodebalancer_update",
            "nodebalancer_delete"
        ]
    );
}

#[tokio::test]
async fn bad_nodebalancers_are_refused() {
    let (sandbox, client) = common::setup().await;
    let err = client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("us-east").client_conn_throttle(21))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }));
    let err = client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("mars-1"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (400, Some("region"), "Region not found"));
    let err = client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("us-east").label("x"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("label"));
    assert!(
        client
            .nodebalancers()
            .get(1)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(actions(&sandbox).is_empty());
}

#[tokio::test]
async fn configs_have_unique_ports_and_https_needs_a_certificate() {
    let (sandbox, client) = common::setup().await;
    let nb = nodebalancer(&client).await;
    let web = client
        .nodebalancers()
        .create_config(
            nb.id,
            &ConfigSettings::new(80)
                .algorithm(Algorithm::LeastConn)
                .check(HealthCheck::Http)
                .check_path("/health")
                .check_timing(10, 5, 2),
        )
        .await
        .unwrap();
    let (method, path, body) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path),
        ("POST", format!("/v4/nodebalancers/{}/configs", nb.id))
    );
    assert_eq!(
        body.unwrap(),
        json!({"port": 80, "algorithm": "leastconn", "check": "http", "check_interval": 10,
               "check_timeout": 5, "check_attempts": 2, "check_path": "/health"})
    );
    assert_eq!(web.port, 80);
    assert_eq!(web.protocol, Protocol::Http);
    assert_eq!(web.algorithm, Algorithm::LeastConn);
    assert_eq!(web.nodebalancer_id, nb.id);
    let stored = sandbox.nodebalancer_config(web.id).unwrap();
    assert_eq!(stored["check_path"], "/health");
    assert_eq!(stored["nodebalancer_id"], nb.id);

    let err = client
        .nodebalancers()
        .create_config(nb.id, &ConfigSettings::new(80))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("port"));

    let err = client
        .nodebalancers()
        .create_config(nb.id, &ConfigSettings::new(443).protocol(Protocol::Https))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 400);
    assert_eq!(refusal(&err).1, Some("ssl_cert"));

    let tls = client
        .nodebalancers()
        .create_config(nb.id, &ConfigSettings::new(443).https(CERT, KEY))
        .await
        .unwrap();
    let sent = last_request(&sandbox).2.unwrap();
    assert_eq!(sent["ssl_cert"], CERT);
    assert_eq!(sent["ssl_key"], KEY);
    assert_eq!(tls.protocol, Protocol::Https);
    assert_eq!(tls.ssl_key.as_deref(), Some("<REDACTED>"));
    assert!(!tls.ssl_fingerprint.is_empty());
    let stored = sandbox.nodebalancer_config(tls.id).unwrap();
    assert_eq!(stored["ssl_key"], "<REDACTED>");

    // Saving sends the settings but never the redacted certificate back.
    let mut tls = client.nodebalancers().config(nb.id, tls.id).await.unwrap();
    tls.check_attempts = 4;
    tls.save(&client).await.unwrap();
    let (method, path, body) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path),
        (
            "PUT",
            format!("/v4/nodebalancers/{}/configs/{}", nb.id, tls.id)
        )
    );
    let body = body.unwrap();
    assert_eq!(body["check_attempts"], 4);
    assert_eq!(body["protocol"], "https");
    assert!(body.get("ssl_cert").is_none() && body.get("ssl_key").is_none());
    assert_eq!(
        sandbox.nodebalancer_config(tls.id).unwrap()["check_attempts"],
        4
    );

    let ports: Vec<u16> = nb
        .configs(&client)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|c| c.port)
        .collect();
    assert_eq!(ports, [80, 443]);

    tls.delete(&client).await.unwrap();
    assert!(sandbox.nodebalancer_config(web.id).is_some());
    let err = client.nodebalancers().config(nb.id, 1).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(
        actions(&sandbox),
        [
            "nodebalancer_create",
            "nodebalancer_config_create",
            "nodebalancer_config_create",
            "nodebalancer_config_update",
            "nodebalancer_config_delete"
        ]
    );
}

#[tokio::test]
async fn the_sandbox_checks_config_fields() {
    let (sandbox, client) = common::setup().await;
    let nb = nodebalancer(&client).await;
    assert_raw_refusals(
        &sandbox,
        &format!("/v4/nodebalancers/{}/configs", nb.id),
        [
            (json!({"port": 0}), "port"),
            (json!({"port": 65536}), "port"),
            (json!({"port": 81, "protocol": "udp"}), "protocol"),
            (json!({"port": 82, "algorithm": "random"}), "algorithm"),
            (
                json!({"port": 83, "ssl_cert": CERT, "ssl_key": KEY}),
                "ssl_cert",
            ),
            (
                json!({"port": 84, "protocol": "https", "ssl_cert": "junk", "ssl_key": KEY}),
                "ssl_cert",
            ),
            (json!({"port": 85, "check_timeout": 31}), "check_timeout"),
            (
                json!({"port": 86, "check_interval": 5, "check_timeout": 10}),
                "check_interval",
            ),
            (
                json!({"port": 87, "protocol": "tcp", "stickiness": "http_cookie"}),
                "stickiness",
            ),
            (json!({"port": 88, "check_path": "/a b"}), "check_path"),
        ],
    )
    .await;
    let (status, _) = post_raw(
        &sandbox,
        "/v4/nodebalancers/999/configs",
        &json!({"port": 80}),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn nodes_are_private_addresses_of_linodes_in_the_same_region() {
    let (sandbox, client) = common::setup().await;
    let (_, here) = backend(&client, "us-east", "web-1").await;
    let (_, far) = backend(&client, "eu-west", "web-far").await;
    let nb = nodebalancer(&client).await;
    let config = config(&client, nb.id, 80).await;

    let node = client
        .nodebalancers()
        .create_node(
            nb.id,
            config.id,
            &CreateNode::new(format!("{here}:8080"), "web-1").weight(50),
        )
        .await
        .unwrap();
    let (method, path, body) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path),
        (
            "POST",
            format!("/v4/nodebalancers/{}/configs/{}/nodes", nb.id, config.id)
        )
    );
    assert_eq!(
        body.unwrap(),
        json!({"address": format!("{here}:8080"), "label": "web-1", "weight": 50})
    );
    assert_eq!(node.address, format!("{here}:8080"));
    assert_eq!(node.mode, NodeMode::Accept);
    assert_eq!(node.status, NodeStatus::Up);
    assert_eq!((node.nodebalancer_id, node.config_id), (nb.id, config.id));
    let stored = sandbox.nodebalancer_node(node.id).unwrap();
    assert_eq!(stored["weight"], 50);
    assert_eq!(
        sandbox.nodebalancer_config(config.id).unwrap()["nodes_status"],
        json!({"up": 1, "down": 0})
    );

    for (address, reason_has) in [
        (format!("{far}:80"), "region"),
        ("203.0.113.5:80".to_owned(), "private"),
        ("192.168.250.250:80".to_owned(), "No Linode"),
        (format!("{here}:0"), "port"),
    ] {
        let err = client
            .nodebalancers()
            .create_node(nb.id, config.id, &CreateNode::new(address.clone(), "bad-1"))
            .await
            .unwrap_err();
        let (status, field, reason) = refusal(&err);
        assert_eq!((status, field), (400, Some("address")), "{address}");
        assert!(reason.contains(reason_has), "{address}: {reason}");
    }
    let err = client
        .nodebalancers()
        .create_node(
            nb.id,
            config.id,
            &CreateNode::new("not-an-address", "bad-1"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "address"));

    // Loaded by its three-part id, saved, listed and deleted.
    let id = NodeId::new(nb.id, config.id, node.id);
    let mut node = client.nodebalancers().node(id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!(
            "GET /v4/nodebalancers/{}/configs/{}/nodes/{}",
            nb.id, config.id, node.id
        )
    );
    node.mode = NodeMode::Drain;
    node.save(&client).await.unwrap();
    assert_eq!(
        last_request(&sandbox).2.unwrap(),
        json!({"address": format!("{here}:8080"), "label": "web-1", "weight": 50, "mode": "drain"})
    );
    assert_eq!(sandbox.nodebalancer_node(node.id).unwrap()["mode"], "drain");
    let err = client
        .nodebalancers()
        .update_node(id, &NodeUpdate::new().weight(0))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }));

    let listed = config
        .nodes(&client)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].node_id(), id);

    // Deleting the NodeBalancer deletes its configs and nodes.
    client.nodebalancers().delete(nb.id).await.unwrap();
    assert!(sandbox.nodebalancer_config(config.id).is_none());
    assert!(sandbox.nodebalancer_node(node.id).is_none());
    assert!(
        client
            .nodebalancers()
            .node(id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert_eq!(
        actions(&sandbox),
        [
            "nodebalancer_create",
            "nodebalancer_config_create",
            "nodebalancer_node_create",
            "nodebalancer_node_update",
            "nodebalancer_delete"
        ]
    );
}

#[tokio::test]
async fn a_node_under_another_config_is_not_found_and_deleting_one_is_recorded() {
    let (sandbox, client) = common::setup().await;
    let (_, here) = backend(&client, "us-east", "web-1").await;
    let nb = nodebalancer(&client).await;
    let a = config(&client, nb.id, 80).await;
    let b = config(&client, nb.id, 8080).await;
    let node = client
        .nodebalancers()
        .create_node(nb.id, a.id, &CreateNode::new(format!("{here}:80"), "web-1"))
        .await
        .unwrap();
    let err = client
        .nodebalancers()
        .node(NodeId::new(nb.id, b.id, node.id))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    // The same address may not be added twice to one config.
    let err = client
        .nodebalancers()
        .create_node(nb.id, a.id, &CreateNode::new(format!("{here}:80"), "web-2"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("address"));

    let node_id = node.id;
    node.delete(&client).await.unwrap();
    assert!(sandbox.nodebalancer_node(node_id).is_none());
    assert_eq!(
        sandbox.nodebalancer_config(a.id).unwrap()["nodes_status"],
        json!({"up": 0, "down": 0})
    );
    assert_eq!(
        actions(&sandbox).last().unwrap(),
        "nodebalancer_node_delete"
    );
}

#[tokio::test]
async fn a_nodebalancer_can_be_created_with_its_configs_and_nodes() {
    let (sandbox, client) = common::setup().await;
    let (_, here) = backend(&client, "us-east", "web-1").await;
    let (_, far) = backend(&client, "eu-west", "web-far").await;
    let nb = client
        .nodebalancers()
        .create(
            CreateNodeBalancer::in_region("us-east")
                .label("front")
                .config(
                    ConfigSettings::new(80).algorithm(Algorithm::Source),
                    [CreateNode::new(format!("{here}:80"), "web-1").weight(10)],
                ),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).2.unwrap(),
        json!({"region": "us-east", "label": "front", "configs": [
            {"port": 80, "algorithm": "source",
             "nodes": [{"address": format!("{here}:80"), "label": "web-1", "weight": 10}]}
        ]})
    );
    let configs = nb
        .configs(&client)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(configs.len(), 1);
    assert_eq!((configs[0].port, configs[0].nodebalancer_id), (80, nb.id));
    assert_eq!(configs[0].algorithm, Algorithm::Source);
    let nodes = configs[0]
        .nodes(&client)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].weight, 10);
    assert_eq!(
        sandbox.nodebalancer_node(nodes[0].id).unwrap()["config_id"],
        configs[0].id
    );

    // One bad node refuses the whole request, naming where it is.
    let before = sandbox.requests().len();
    let err = client
        .nodebalancers()
        .create(
            CreateNodeBalancer::in_region("us-east")
                .label("back")
                .config(
                    ConfigSettings::new(80),
                    [CreateNode::new(format!("{far}:80"), "web-far")],
                ),
        )
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("configs[0].nodes[0].address"));
    assert_eq!(sandbox.requests().len(), before + 1);
    assert_eq!(client.nodebalancers().list().await.unwrap().len(), 1);
}
