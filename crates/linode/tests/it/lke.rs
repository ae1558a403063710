//! Kubernetes (LKE): clusters, pools and nodes against the sandbox, whose nodes are real
//! Linodes; life cycles on tokio's paused clock at speed 1.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use linode::ExposeSecret;
use linode::api::lke::{
    Autoscaler, ClusterStatus, ClusterUpdate, ControlPlaneAcl, CreateCluster, LkeTier, NewPool,
    NodeStatus, PoolUpdate, Taint, TaintEffect,
};
use linode::events::Wait;
use linode::{ChildId, Client, Error};
use linode_sandbox::Sandbox;
use serde_json::{Value, json};
use tokio::time::Instant;

fn cluster(label: &str) -> CreateCluster {
    CreateCluster::new(label, "us-east", "1.32").pool(NewPool::new("g6-standard-2", 3))
}

/// The sandbox's Linodes of cluster `id`.
fn node_linodes(sandbox: &Sandbox, id: u64) -> Vec<Value> {
    sandbox
        .instances()
        .into_iter()
        .filter(|l| l["lke_cluster_id"] == id)
        .collect()
}

fn every_second(timeout: u64) -> Wait {
    Wait::new(Duration::from_secs(timeout))
        .poll_interval(Duration::from_secs(1), Duration::from_secs(1))
}

async fn raw(sandbox: &Sandbox, method: reqwest::Method, path: &str, body: &Value) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .request(method, format!("{}{path}", sandbox.base_url()))
        .bearer_auth(sandbox.token())
        .json(body)
        .send()
        .await
        .expect("the sandbox answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.expect("a JSON answer"))
}

#[tokio::test]
async fn a_cluster_is_created_with_its_pools_and_every_node_is_a_linode() {
    let (sandbox, client) = common::setup().await;
    let request = CreateCluster::new("web", "us-east", "1.32")
        .pool(
            NewPool::new("g6-standard-2", 3)
                .autoscaler(Autoscaler::between(3, 5))
                .label("app", "web")
                .taint(Taint::new("dedicated", "web", TaintEffect::NoSchedule))
                .tags(["frontend"]),
        )
        .pool(NewPool::new("g6-standard-4", 1))
        .tags(["prod"]);
    let created = client.lke().create(request).await.unwrap();
    let (method, path, body) = common::last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("POST", "/v4/lke/clusters")
    );
    assert_eq!(
        body.unwrap(),
        json!({
            "label": "web", "region": "us-east", "k8s_version": "1.32", "tags": ["prod"],
            "node_pools": [
                {"type": "g6-standard-2", "count": 3,
                 "autoscaler": {"enabled": true, "min": 3, "max": 5},
                 "tags": ["frontend"], "labels": {"app": "web"},
                 "taints": [{"key": "dedicated", "value": "web", "effect": "NoSchedule"}]},
                {"type": "g6-standard-4", "count": 1},
            ],
        })
    );
    assert_eq!(created.label, "web");
    assert_eq!(created.region.id(), "us-east");
    assert_eq!(created.tier, Some(LkeTier::Standard));
    assert_eq!(created.tags, vec!["prod".to_owned()]);
    assert!(!created.control_plane.high_availability);
    // Speed 0: everything is done at once.
    assert_eq!(created.status, ClusterStatus::Ready);

    let pools = client
        .lke()
        .pools(created.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(pools.len(), 2);
    let web = &pools[0];
    assert_eq!(
        (web.type_id.as_str(), web.count, web.nodes.len()),
        ("g6-standard-2", 3, 3)
    );
    assert_eq!(web.autoscaler, Autoscaler::between(3, 5));
    assert_eq!(
        web.labels,
        BTreeMap::from([("app".to_owned(), "web".to_owned())])
    );
    assert_eq!(
        web.taints,
        vec![Taint::new("dedicated", "web", TaintEffect::NoSchedule)]
    );
    assert!(web.nodes.iter().all(|n| n.status == NodeStatus::Ready));
    assert!(pools[1].autoscaler == Autoscaler::off() || !pools[1].autoscaler.enabled);

    let linodes = node_linodes(&sandbox, created.id);
    assert_eq!(linodes.len(), 4);
    for node in &web.nodes {
        let linode = sandbox.instance(node.instance_id.unwrap()).unwrap();
        assert_eq!(linode["lke_cluster_id"], created.id);
        assert_eq!(linode["type"], "g6-standard-2");
        assert_eq!(linode["region"], "us-east");
        assert_eq!(linode["status"], "running");
        assert_eq!(linode["tags"], json!(["frontend"]));
        let via_client = node.linode(&client).unwrap().get().await.unwrap().clone();
        assert_eq!(via_client.lke_cluster_id, Some(created.id));
    }
    let actions = common::event_actions(&sandbox, "lke_");
    assert_eq!(actions[0], "lke_cluster_create");
    assert_eq!(
        actions.iter().filter(|a| *a == "lke_pool_create").count(),
        2
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "lke_node_create").count(),
        4
    );

    // Listing with a filter on the tier and the label.
    use linode::api::lke::LkeCluster;
    client.lke().create(cluster("other")).await.unwrap();
    let found = client
        .lke()
        .list()
        .filter(LkeCluster::LABEL.eq("web"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, created.id);
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"label":"web"}"#)
    );
}

#[tokio::test]
async fn a_tier_sends_the_create_to_v4beta_where_enterprise_exists() {
    let (sandbox, client) = common::setup().await;
    let enterprise = client
        .lke()
        .create(
            CreateCluster::new("ent", "us-ord", "v1.31.8+lke5")
                .pool(NewPool::new("g6-dedicated-4", 1))
                .tier(LkeTier::Enterprise),
        )
        .await
        .unwrap();
    let (_, path, body) = common::last_request(&sandbox);
    assert_eq!(path, "/v4beta/lke/clusters");
    assert_eq!(body.unwrap()["tier"], "enterprise");
    assert_eq!(enterprise.tier, Some(LkeTier::Enterprise));
    assert!(enterprise.control_plane.high_availability);
    let pool = &client
        .lke()
        .pools(enterprise.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()[0];
    assert_eq!(pool.k8s_version.as_deref(), Some("v1.31.8+lke5"));
    // The next call goes to the client's version again.
    client.lke().get(enterprise.id).await.unwrap();
    assert_eq!(
        common::last_request(&sandbox).1,
        format!("/v4/lke/clusters/{}", enterprise.id)
    );

    // Under /v4 the tier is not read: the cluster is standard.
    let (status, answer) = common::post_raw(
        &sandbox,
        "/v4/lke/clusters",
        &json!({"label": "v4", "region": "us-east", "k8s_version": "1.33", "tier": "enterprise",
                "node_pools": [{"type": "g6-standard-2", "count": 1}]}),
    )
    .await;
    assert_eq!((status, answer["tier"].clone()), (200, json!("standard")));
    // An enterprise region and version are required.
    for (region, version, field, reason) in [
        (
            "us-east",
            "v1.31.8+lke5",
            "region",
            "Kubernetes is not available in this region",
        ),
        (
            "us-ord",
            "1.33",
            "k8s_version",
            "No enterprise version 1.33 is available",
        ),
    ] {
        let err = client
            .lke()
            .create(
                CreateCluster::new("ent2", region, version)
                    .pool(NewPool::new("g6-dedicated-4", 1))
                    .tier(LkeTier::Enterprise),
            )
            .await
            .unwrap_err();
        assert_eq!(common::refusal(&err), (400, Some(field), reason));
    }
}

#[tokio::test]
async fn bad_clusters_are_refused_by_the_client_before_sending_and_by_the_sandbox() {
    let (sandbox, client) = common::setup().await;
    sandbox.clear_requests();
    for (request, field) in [
        (CreateCluster::new("web", "us-east", "1.32"), "node_pools"),
        (cluster("no_underscores"), "label"),
        (
            cluster("web").pool(NewPool::new("g6-standard-2", 0)),
            "node_pools[1].count",
        ),
        (
            cluster("web")
                .pool(NewPool::new("g6-standard-2", 1).autoscaler(Autoscaler::between(5, 2))),
            "node_pools[1].autoscaler.max",
        ),
        (
            cluster("web").acl(ControlPlaneAcl::allowing(["not-an-ip"])),
            "control_plane.acl.addresses.ipv4[0]",
        ),
    ] {
        match client.lke().create(request).await {
            Err(Error::InvalidArgument { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected a refusal of {field}, got {other:?}"),
        }
    }
    assert!(sandbox.requests().is_empty());

    client.lke().create(cluster("taken")).await.unwrap();
    let pool = json!([{"type": "g6-standard-2", "count": 1}]);
    common::assert_raw_refusals(
        &sandbox,
        "/v4/lke/clusters",
        [
            (json!({"label": "taken", "region": "us-east", "k8s_version": "1.32", "node_pools": pool}), "label"),
            (json!({"label": "a", "region": "us-east", "k8s_version": "1.32"}), "node_pools"),
            (json!({"label": "a", "region": "xx-nowhere", "k8s_version": "1.32", "node_pools": pool}), "region"),
            (json!({"label": "a", "region": "us-east", "k8s_version": "1.20", "node_pools": pool}), "k8s_version"),
            (json!({"label": "a", "region": "us-east", "k8s_version": "1.32",
                    "node_pools": [{"type": "g6-nope", "count": 1}]}), "node_pools[0].type"),
            (json!({"label": "a", "region": "us-east", "k8s_version": "1.32",
                    "node_pools": [{"type": "g6-standard-2", "count": 101}]}), "node_pools[0].count"),
            (json!({"label": "a", "region": "us-east", "k8s_version": "1.32",
                    "node_pools": [{"type": "g6-standard-2", "count": 1,
                                    "taints": [{"key": "k", "value": "v", "effect": "Never"}]}]}),
             "node_pools[0].taints[0].effect"),
            (json!({"label": "a", "region": "us-east", "k8s_version": "1.32", "node_pools": pool,
                    "control_plane": {"acl": {"addresses": {"ipv4": ["2001:db8::1"]}}}}),
             "control_plane.acl.addresses.ipv4[0]"),
        ],
    )
    .await;
    assert_eq!(sandbox.table("lke_clusters").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_new_cluster_becomes_ready_on_the_sandbox_clock_and_its_kubeconfig_with_it() {
    let (sandbox, client) = common::setup_timed().await;
    let created = client.lke().create(cluster("timed")).await.unwrap();
    assert_eq!(created.status, ClusterStatus::NotReady);
    let pool = client
        .lke()
        .pools(created.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()
        .remove(0);
    assert!(pool.nodes.iter().all(|n| n.status == NodeStatus::NotReady));
    for linode in node_linodes(&sandbox, created.id) {
        assert_eq!(linode["status"], "provisioning");
    }
    // The kubeconfig answers 503 until the control plane is up.
    let quick = Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .retry_policy(linode::RetryPolicy::none())
        .build()
        .unwrap();
    let err = quick.lke().kubeconfig(created.id).await.unwrap_err();
    assert_eq!(err.status(), Some(503));

    // Nodes: Linode created in 60 s, booted in 40 s.
    let started = Instant::now();
    let ready = quick
        .lke()
        .wait_for_pool_ready(ChildId::new(created.id, pool.id), every_second(300))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(100) && waited <= Duration::from_secs(101),
        "{waited:?}"
    );
    assert!(ready.nodes.iter().all(|n| n.status == NodeStatus::Ready));
    for linode in node_linodes(&sandbox, created.id) {
        assert_eq!(linode["status"], "running");
    }
    // Control plane: 150 s from the create.
    let yaml = quick
        .lke()
        .wait_for_kubeconfig(created.id, every_second(300))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(150) && waited <= Duration::from_secs(151),
        "{waited:?}"
    );
    let yaml = yaml.expose_secret();
    assert!(yaml.starts_with("apiVersion: v1\nkind: Config\n"), "{yaml}");
    assert!(
        yaml.contains(&format!("name: lke{}\n", created.id)),
        "{yaml}"
    );
    assert!(yaml.contains(".us-east-1.linodelke.net:443"), "{yaml}");
    assert!(client.lke().get(created.id).await.unwrap().is_ready());
    let event = sandbox
        .events()
        .into_iter()
        .find(|e| e["action"] == "lke_cluster_create")
        .unwrap();
    assert_eq!(
        (event["status"].clone(), event["duration"].clone()),
        (json!("finished"), json!(150.0))
    );

    // A wait that cannot end names what it saw.
    let other = client.lke().create(cluster("late")).await.unwrap();
    let err = quick
        .lke()
        .wait_for_cluster_ready(other.id, every_second(30))
        .await
        .unwrap_err();
    match err {
        Error::WaitTimeout {
            what, last_state, ..
        } => {
            assert_eq!(what, format!("LKE cluster {} to be ready", other.id));
            assert_eq!(last_state, "status not_ready");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    let ready = quick
        .lke()
        .wait_for_cluster_ready(other.id, every_second(300))
        .await
        .unwrap();
    assert_eq!(ready.status, ClusterStatus::Ready);
}

#[tokio::test]
async fn updates_follow_the_apis_rules() {
    let (sandbox, client) = common::setup().await;
    let id = client.lke().create(cluster("before")).await.unwrap().id;
    let update = ClusterUpdate::default()
        .label("after")
        .tags(["blue"])
        .k8s_version("1.33")
        .high_availability(true);
    let updated = client.lke().update(id, &update).await.unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"label": "after", "tags": ["blue"], "k8s_version": "1.33",
               "control_plane": {"high_availability": true}})
    );
    assert_eq!(
        (updated.label.as_str(), updated.k8s_version.as_str()),
        ("after", "1.33")
    );
    assert!(updated.control_plane.high_availability);
    assert_eq!(updated.tags, vec!["blue".to_owned()]);

    let refused = |update: ClusterUpdate| {
        let client = client.clone();
        async move { client.lke().update(id, &update).await.unwrap_err() }
    };
    let err = refused(ClusterUpdate::default().high_availability(false)).await;
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("control_plane.high_availability"),
            "High availability cannot be disabled"
        )
    );
    let other = client
        .lke()
        .create(CreateCluster::new("old", "us-east", "1.31").pool(NewPool::new("g6-standard-2", 1)))
        .await
        .unwrap();
    let err = client
        .lke()
        .update(other.id, &ClusterUpdate::default().k8s_version("1.33"))
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("k8s_version"),
            "Clusters can only be upgraded to the next minor version"
        )
    );
    let err = refused(ClusterUpdate::default().k8s_version("1.32")).await;
    assert_eq!(common::refusal(&err).1, Some("k8s_version"));
    let err = refused(ClusterUpdate::default().label("old")).await;
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("label"),
            "Label must be unique among your LKE clusters"
        )
    );
    assert_eq!(client.lke().get(id).await.unwrap().k8s_version, "1.33");
    assert!(common::event_actions(&sandbox, "lke_cluster_update").len() == 1);
}

#[tokio::test]
async fn pools_scale_update_and_are_deleted_but_never_the_last() {
    let (sandbox, client) = common::setup().await;
    let id = client.lke().create(cluster("scaled")).await.unwrap().id;
    let first = client
        .lke()
        .pools(id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()[0]
        .id;
    let first = ChildId::new(id, first);

    let grown = client
        .lke()
        .update_pool(first, &PoolUpdate::count(5))
        .await
        .unwrap();
    assert_eq!(common::last_body(&sandbox), json!({"count": 5}));
    assert_eq!((grown.count, grown.nodes.len()), (5, 5));
    assert_eq!(node_linodes(&sandbox, id).len(), 5);
    let kept: Vec<u64> = grown.nodes[..1]
        .iter()
        .map(|n| n.instance_id.unwrap())
        .collect();

    let update = PoolUpdate::count(1)
        .autoscaler(Autoscaler::between(1, 4))
        .label("tier", "db")
        .taint(Taint::new("db", "only", TaintEffect::NoExecute));
    let shrunk = client.lke().update_pool(first, &update).await.unwrap();
    assert_eq!(shrunk.nodes.len(), 1);
    assert_eq!(shrunk.nodes[0].instance_id, Some(kept[0]));
    assert_eq!(shrunk.autoscaler, Autoscaler::between(1, 4));
    assert_eq!(shrunk.taints[0].effect, TaintEffect::NoExecute);
    assert_eq!(node_linodes(&sandbox, id).len(), 1);
    assert_eq!(client.lke().pool(first).await.unwrap(), shrunk);

    sandbox.clear_requests();
    let err = client
        .lke()
        .update_pool(first, &PoolUpdate::count(0))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "count"));
    assert!(sandbox.requests().is_empty());
    let (status, answer) = raw(
        &sandbox,
        reqwest::Method::PUT,
        &format!("/v4/lke/clusters/{id}/pools/{}", first.id),
        &json!({"autoscaler": {"enabled": true, "min": 3, "max": 2}}),
    )
    .await;
    assert_eq!(
        (status, answer["errors"][0]["field"].clone()),
        (400, json!("autoscaler.max"))
    );

    let err = client.lke().delete_pool(first).await.unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (400, None, "A cluster must have at least one node pool")
    );

    let second = client
        .lke()
        .create_pool(id, &NewPool::new("g6-standard-4", 2).tags(["batch"]))
        .await
        .unwrap();
    assert_eq!(
        common::last_request(&sandbox).1,
        format!("/v4/lke/clusters/{id}/pools")
    );
    assert_eq!(node_linodes(&sandbox, id).len(), 3);
    let batch = client
        .lke()
        .pools(id)
        .filter(linode::api::lke::NodePool::TAGS.eq("batch"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].id, second.id);
    client
        .lke()
        .delete_pool(ChildId::new(id, second.id))
        .await
        .unwrap();
    assert_eq!(node_linodes(&sandbox, id).len(), 1);
    let err = client
        .lke()
        .pool(ChildId::new(id, second.id))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(common::event_actions(&sandbox, "lke_pool_delete").len(), 1);
}

#[tokio::test]
async fn nodes_are_replaced_when_deleted_or_recycled() {
    let (sandbox, client) = common::setup().await;
    let id = client.lke().create(cluster("nodes")).await.unwrap().id;
    let pool = client
        .lke()
        .pools(id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()
        .remove(0);
    let pool_id = ChildId::new(id, pool.id);
    let node = &pool.nodes[0];
    let fetched = client.lke().node(id, &node.id).await.unwrap();
    assert_eq!(&fetched, node);
    assert_eq!(
        common::last_request(&sandbox).1,
        format!("/v4/lke/clusters/{id}/nodes/{}", node.id)
    );

    // Deleting a node: its Linode goes, the pool makes another.
    client.lke().delete_node(id, &node.id).await.unwrap();
    let after = client.lke().pool(pool_id).await.unwrap();
    assert_eq!(after.nodes.len(), 3);
    assert!(after.nodes.iter().all(|n| n.id != node.id));
    assert!(sandbox.instance(node.instance_id.unwrap()).is_none());
    assert_eq!(
        client.lke().node(id, &node.id).await.unwrap_err().status(),
        Some(404)
    );

    // Recycling a node replaces its Linode.
    let target = after.nodes[1].clone();
    client.lke().recycle_node(id, &target.id).await.unwrap();
    let after = client.lke().pool(pool_id).await.unwrap();
    assert!(
        after
            .nodes
            .iter()
            .all(|n| n.instance_id != target.instance_id)
    );
    assert!(sandbox.instance(target.instance_id.unwrap()).is_none());

    // Deleting the Linode through /linode/instances: the pool replaces it too.
    let victim = after.nodes[2].instance_id.unwrap();
    client.linode().delete_instance(victim).await.unwrap();
    let after = client.lke().pool(pool_id).await.unwrap();
    assert_eq!(after.nodes.len(), 3);
    assert!(after.nodes.iter().all(|n| n.instance_id != Some(victim)));
    assert_eq!(node_linodes(&sandbox, id).len(), 3);

    // Recycling the pool, then the cluster: every Linode is new each time.
    let before: Vec<_> = after.nodes.iter().map(|n| n.instance_id).collect();
    client.lke().recycle_pool(pool_id).await.unwrap();
    let recycled = client.lke().pool(pool_id).await.unwrap();
    assert!(
        recycled
            .nodes
            .iter()
            .all(|n| !before.contains(&n.instance_id))
    );
    let before: Vec<_> = recycled.nodes.iter().map(|n| n.instance_id).collect();
    client.lke().recycle(id).await.unwrap();
    assert_eq!(
        common::last_request(&sandbox).1,
        format!("/v4/lke/clusters/{id}/recycle")
    );
    let recycled = client.lke().pool(pool_id).await.unwrap();
    assert!(
        recycled
            .nodes
            .iter()
            .all(|n| !before.contains(&n.instance_id))
    );
    assert_eq!(node_linodes(&sandbox, id).len(), 3);
    for action in [
        "lke_node_delete",
        "lke_node_recycle",
        "lke_pool_recycle",
        "lke_cluster_recycle",
    ] {
        assert_eq!(common::event_actions(&sandbox, action).len(), 1, "{action}");
    }
}

#[tokio::test]
async fn kubeconfig_tokens_and_endpoints() {
    let (sandbox, client) = common::setup().await;
    let id = client.lke().create(cluster("access")).await.unwrap().id;
    let token = |yaml: &str| {
        yaml.lines()
            .find_map(|l| l.trim().strip_prefix("token: "))
            .unwrap()
            .to_owned()
    };
    let first = token(client.lke().kubeconfig(id).await.unwrap().expose_secret());
    client.lke().delete_kubeconfig(id).await.unwrap();
    let second = token(client.lke().kubeconfig(id).await.unwrap().expose_secret());
    assert_ne!(first, second);
    client.lke().delete_service_token(id).await.unwrap();
    assert_eq!(
        common::last_request(&sandbox).1,
        format!("/v4/lke/clusters/{id}/servicetoken")
    );
    let third = token(client.lke().kubeconfig(id).await.unwrap().expose_secret());
    assert_ne!(second, third);
    let regenerated = client.lke().regenerate(id, true, false).await.unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"kubeconfig": true, "servicetoken": false})
    );
    assert_eq!(regenerated.id, id);
    let fourth = token(client.lke().kubeconfig(id).await.unwrap().expose_secret());
    assert_ne!(third, fourth);
    for action in [
        "lke_kubeconfig_regenerate",
        "lke_token_rotate",
        "lke_cluster_regenerate",
    ] {
        assert_eq!(common::event_actions(&sandbox, action).len(), 1, "{action}");
    }

    let endpoints = client
        .lke()
        .api_endpoints(id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(endpoints.len(), 2);
    assert!(endpoints[0].endpoint.starts_with("https://"));
    assert!(
        endpoints[0]
            .endpoint
            .ends_with(".us-east-1.linodelke.net:443")
    );
    let url = client.lke().dashboard_url(id).await.unwrap();
    assert!(url.starts_with("https://dashboard."), "{url}");

    // Deleting the cluster deletes its Linodes.
    assert_eq!(node_linodes(&sandbox, id).len(), 3);
    client.lke().delete(id).await.unwrap();
    assert!(node_linodes(&sandbox, id).is_empty());
    assert!(sandbox.table("lke_pools").is_empty());
    assert_eq!(client.lke().get(id).await.unwrap_err().status(), Some(404));
    assert_eq!(
        client.lke().kubeconfig(id).await.unwrap_err().status(),
        Some(404)
    );
    assert_eq!(
        common::event_actions(&sandbox, "lke_cluster_delete").len(),
        1
    );
}

#[tokio::test]
async fn the_control_plane_acl_is_read_replaced_and_removed() {
    let (sandbox, client) = common::setup().await;
    let id = client
        .lke()
        .create(cluster("acl").acl(ControlPlaneAcl::allowing(["203.0.113.7"])))
        .await
        .unwrap()
        .id;
    let acl = client.lke().acl(id).await.unwrap();
    assert!(acl.enabled);
    assert_eq!(acl.addresses.ipv4, vec!["203.0.113.7".to_owned()]);
    let first_revision = acl.revision_id.clone().unwrap();

    let wanted = ControlPlaneAcl::allowing(["198.51.100.0/24", "2001:db8::/32"]);
    let replaced = client.lke().update_acl(id, &wanted).await.unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"acl": {"enabled": true,
                       "addresses": {"ipv4": ["198.51.100.0/24"], "ipv6": ["2001:db8::/32"]}}})
    );
    assert_eq!(replaced.addresses, wanted.addresses);
    assert_ne!(replaced.revision_id.unwrap(), first_revision);

    sandbox.clear_requests();
    let err = client
        .lke()
        .update_acl(id, &ControlPlaneAcl::allowing(["300.1.1.1"]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { ref field, .. } if field == "acl.addresses.ipv4[0]")
    );
    assert!(sandbox.requests().is_empty());
    let (status, answer) = raw(
        &sandbox,
        reqwest::Method::PUT,
        &format!("/v4/lke/clusters/{id}/control_plane_acl"),
        &json!({"acl": {"addresses": {"ipv6": ["10.0.0.1"]}}}),
    )
    .await;
    assert_eq!(
        (status, answer["errors"][0]["field"].clone()),
        (400, json!("acl.addresses.ipv6[0]"))
    );

    client.lke().delete_acl(id).await.unwrap();
    let acl = client.lke().acl(id).await.unwrap();
    assert!(!acl.enabled);
    assert!(acl.addresses.ipv4.is_empty() && acl.addresses.ipv6.is_empty());
}

#[tokio::test]
async fn versions_tiers_and_types() {
    let (sandbox, client) = common::setup().await;
    let versions = client
        .lke()
        .versions()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<_> = versions.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["1.33", "1.32", "1.31"]);
    assert_eq!(client.lke().version("1.32").await.unwrap().id, "1.32");
    assert_eq!(
        client.lke().version("1.2").await.unwrap_err().status(),
        Some(404)
    );

    let enterprise = client
        .lke()
        .tier_versions(&LkeTier::Enterprise)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        common::last_request(&sandbox).1,
        "/v4/lke/tiers/enterprise/versions"
    );
    assert!(
        enterprise
            .iter()
            .all(|v| v.tier == Some(LkeTier::Enterprise))
    );
    let one = client
        .lke()
        .tier_version(&LkeTier::Standard, "1.33")
        .await
        .unwrap();
    assert_eq!(
        (one.id.as_str(), one.tier),
        ("1.33", Some(LkeTier::Standard))
    );
    let err = client
        .lke()
        .tier_versions(&LkeTier::Unknown("premium".into()))
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (400, Some("tier"), "Must be one of standard, enterprise")
    );

    let types = client
        .lke()
        .types()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ha = types.iter().find(|t| t.id == "lke-ha").unwrap();
    assert_eq!((ha.price.hourly, ha.price.monthly), (0.09, 60.0));
    assert!(ha.price_in("id-cgk").monthly > 60.0);
    assert_eq!(
        types
            .iter()
            .find(|t| t.id == "lke-sa")
            .unwrap()
            .price
            .monthly,
        0.0
    );
}
