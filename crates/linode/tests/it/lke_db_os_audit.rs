//! Audit of LKE, Managed Databases and Object Storage against API 4.229.1: the fields added
//! since 4.189 on both sides (enterprise pools and clusters, database VPCs, forks, standbys and
//! Valkey's parameters), and the calls no other test drove through the client (every MySQL
//! and Valkey instance call), their life cycles on tokio's paused clock at speed 1.

use crate::common;

use std::time::Duration;

use linode::api::databases::{
    ConnectionPoolSettings, CreateDatabase, Database, DatabaseFork, DatabaseId, DatabaseStatus,
    DatabaseUpdate, EngineKind, PrivateNetwork, UpdatesWindow,
};
use linode::api::lke::{
    ClusterUpdate, CreateCluster, LkeTier, NewPool, PoolDisk, PoolDiskType, PoolUpdate, StackType,
    UpdateStrategy,
};
use linode::api::networking::firewalls::{CreateFirewall, FirewallRules, RuleAction};
use linode::api::vpcs::CreateVpc;
use linode::{ChildId, Encryption, Error, ExposeSecret};
use linode_sandbox::Sandbox;
use serde_json::{Value, json};

/// The sandbox's stored row of `table` whose `id` is `id`.
fn stored(sandbox: &Sandbox, table: &str, id: u64) -> Value {
    sandbox
        .table(table)
        .into_iter()
        .find(|row| row["id"] == id)
        .unwrap_or_else(|| panic!("{table} {id} is stored"))
}

fn invalid_field(err: Error) -> String {
    match err {
        Error::InvalidArgument { field, .. } => field,
        other => panic!("expected a refusal before sending, got {other:?}"),
    }
}

#[tokio::test]
async fn an_enterprise_cluster_takes_its_network_control_plane_and_pool_settings() {
    let (sandbox, client) = common::setup().await;
    let firewall = client
        .networking()
        .firewalls()
        .create(CreateFirewall::new(
            "lke-fw",
            FirewallRules::new(RuleAction::Drop, RuleAction::Accept),
        ))
        .await
        .unwrap();
    let vpc = client
        .vpcs()
        .create(CreateVpc::new("lke-vpc", "us-ord").subnet("nodes", "10.0.1.0/24"))
        .await
        .unwrap();
    let subnet = vpc.subnets[0].id;

    let created = client
        .lke()
        .create(
            CreateCluster::new("ent-audit", "us-ord", "v1.32.4+lke6")
                .tier(LkeTier::Enterprise)
                .stack_type(StackType::DualStack)
                .subnet_id(subnet)
                .audit_logs(true)
                .metrics(true)
                .apl_enabled(true)
                .pool(
                    NewPool::new("g6-dedicated-4", 2)
                        .pool_label("app-pool")
                        .disk_encryption(Encryption::Enabled)
                        .disk(PoolDisk::new(1024, PoolDiskType::Ext4))
                        .firewall_id(firewall.id)
                        .k8s_version("v1.31.8+lke5")
                        .update_strategy(UpdateStrategy::RollingUpdate),
                ),
        )
        .await
        .unwrap();
    let (method, path, body) = common::last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path.as_str()),
        ("POST", "/v4beta/lke/clusters")
    );
    assert_eq!(
        body.unwrap(),
        json!({"label": "ent-audit", "region": "us-ord", "k8s_version": "v1.32.4+lke6",
               "tier": "enterprise", "stack_type": "ipv4-ipv6", "subnet_id": subnet,
               "apl_enabled": true,
               "control_plane": {"audit_logs_enabled": true, "metrics_enabled": true},
               "node_pools": [{"type": "g6-dedicated-4", "count": 2, "label": "app-pool",
                               "disk_encryption": "enabled",
                               "disks": [{"size": 1024, "type": "ext4"}],
                               "firewall_id": firewall.id, "k8s_version": "v1.31.8+lke5",
                               "update_strategy": "rolling_update"}]})
    );
    assert_eq!(created.stack_type, Some(StackType::DualStack));
    assert_eq!(
        (created.vpc_id, created.subnet_id),
        (Some(vpc.id), Some(subnet))
    );
    assert!(created.locks.is_empty());
    assert!(created.apl_enabled);
    assert!(created.control_plane.audit_logs_enabled);
    assert!(created.control_plane.high_availability);
    // metrics_enabled is write-only: never kept in what is served.
    let kept = stored(&sandbox, "lke_clusters", created.id);
    assert_eq!(
        kept["control_plane"],
        json!({"high_availability": true, "audit_logs_enabled": true})
    );
    assert_eq!(
        (kept["stack_type"].clone(), kept["locks"].clone()),
        (json!("ipv4-ipv6"), json!([]))
    );

    let pools = client
        .lke()
        .pools(created.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let pool = &pools[0];
    assert_eq!(pool.label.as_deref(), Some("app-pool"));
    assert_eq!(pool.disk_encryption, Some(Encryption::Enabled));
    assert_eq!(pool.disks, [PoolDisk::new(1024, PoolDiskType::Ext4)]);
    assert_eq!(pool.firewall_id, Some(firewall.id));
    assert_eq!(pool.k8s_version.as_deref(), Some("v1.31.8+lke5"));
    assert_eq!(pool.update_strategy, Some(UpdateStrategy::RollingUpdate));
    assert!(pool.locks.is_empty());
    assert_eq!(pool.nodes.len(), 2);
    for node in &pool.nodes {
        assert_eq!(node.pool_id, Some(pool.id));
        let linode = sandbox
            .instances()
            .into_iter()
            .find(|l| l["id"] == node.instance_id.unwrap())
            .unwrap();
        assert_eq!(linode["disk_encryption"], "enabled");
    }
    let node = client
        .lke()
        .node(created.id, &pool.nodes[0].id)
        .await
        .unwrap();
    assert_eq!(node, pool.nodes[0]);

    // A pool update carries the enterprise fields and the pool's own label.
    let id = ChildId::new(created.id, pool.id);
    let updated = client
        .lke()
        .update_pool(
            id,
            &PoolUpdate::default()
                .pool_label("web-pool")
                .k8s_version("v1.32.4+lke6")
                .update_strategy(UpdateStrategy::OnRecycle),
        )
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"label": "web-pool", "k8s_version": "v1.32.4+lke6",
               "update_strategy": "on_recycle"})
    );
    assert_eq!(updated.label.as_deref(), Some("web-pool"));
    let kept = stored(&sandbox, "lke_pools", pool.id);
    assert_eq!(
        (
            kept["label"].clone(),
            kept["k8s_version"].clone(),
            kept["update_strategy"].clone(),
            kept["firewall_id"].clone()
        ),
        (
            json!("web-pool"),
            json!("v1.32.4+lke6"),
            json!("on_recycle"),
            json!(firewall.id)
        )
    );
    assert_eq!(client.lke().pool(id).await.unwrap(), updated);
    let err = client
        .lke()
        .update_pool(id, &PoolUpdate::default().k8s_version("1.33"))
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("k8s_version"),
            "No enterprise version 1.33 is available"
        )
    );

    // The control plane's audit logs are turned off again.
    let cluster = client
        .lke()
        .update(created.id, &ClusterUpdate::default().audit_logs(false))
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"control_plane": {"audit_logs_enabled": false}})
    );
    assert!(!cluster.control_plane.audit_logs_enabled);
    assert_eq!(
        stored(&sandbox, "lke_clusters", created.id)["control_plane"]["audit_logs_enabled"],
        false
    );
}

#[tokio::test]
async fn standard_clusters_refuse_enterprise_fields_and_pools_check_labels_and_disks() {
    let (sandbox, client) = common::setup().await;
    let standard = |label: &str| CreateCluster::new(label, "us-east", "1.33");
    // A standard pool's disks are not encrypted unless asked, and its nodes name the pool.
    let created = client
        .lke()
        .create(standard("std-audit").pool(NewPool::new("g6-standard-2", 1).pool_label("plain")))
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox)["node_pools"],
        json!([{"type": "g6-standard-2", "count": 1, "label": "plain"}])
    );
    assert_eq!(created.stack_type, Some(StackType::Ipv4));
    assert_eq!((created.vpc_id, created.subnet_id), (None, None));
    let pool = client
        .lke()
        .pools(created.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()
        .remove(0);
    assert_eq!(pool.disk_encryption, Some(Encryption::Disabled));
    assert_eq!((pool.k8s_version, pool.update_strategy), (None, None));
    assert_eq!(pool.nodes[0].pool_id, Some(pool.id));

    // The sandbox refuses enterprise fields on a standard cluster, naming them.
    let enterprise_only = "Only available for LKE Enterprise clusters";
    for (request, field) in [
        (
            standard("std-1").pool(NewPool::new("g6-standard-2", 1).firewall_id(1)),
            "node_pools[0].firewall_id",
        ),
        (
            standard("std-2")
                .pool(NewPool::new("g6-standard-2", 1))
                .stack_type(StackType::Ipv4),
            "stack_type",
        ),
        (
            standard("std-3")
                .pool(NewPool::new("g6-standard-2", 1))
                .audit_logs(true),
            "control_plane.audit_logs_enabled",
        ),
    ] {
        let err = client.lke().create(request).await.unwrap_err();
        assert_eq!(common::refusal(&err), (400, Some(field), enterprise_only));
    }
    let err = client
        .lke()
        .create_pool(
            created.id,
            &NewPool::new("g6-standard-2", 1).update_strategy(UpdateStrategy::OnRecycle),
        )
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (400, Some("update_strategy"), enterprise_only)
    );

    // The client refuses bad pool labels, too many disks and the App Platform without high
    // availability before sending anything.
    sandbox.clear_requests();
    let too_many = (0..8).fold(NewPool::new("g6-standard-2", 1), |p, _| {
        p.disk(PoolDisk::new(512, PoolDiskType::Raw))
    });
    for (request, field) in [
        (
            standard("std-4").pool(NewPool::new("g6-standard-2", 1).pool_label("Bad_Pool")),
            "node_pools[0].label",
        ),
        (standard("std-5").pool(too_many), "node_pools[0].disks"),
        (
            standard("std-6")
                .pool(NewPool::new("g6-standard-2", 1))
                .apl_enabled(true),
            "apl_enabled",
        ),
    ] {
        assert_eq!(
            invalid_field(client.lke().create(request).await.unwrap_err()),
            field
        );
    }
    assert!(sandbox.requests().is_empty());
    // ... and so does the sandbox, for a client that does not check.
    common::assert_raw_refusals(
        &sandbox,
        "/v4/lke/clusters",
        [
            (
                json!({"label": "raw", "region": "us-east", "k8s_version": "1.33",
                    "node_pools": [{"type": "g6-standard-2", "count": 1, "label": "Bad_Pool"}]}),
                "node_pools[0].label",
            ),
            (
                json!({"label": "raw", "region": "us-east", "k8s_version": "1.33",
                    "node_pools": [{"type": "g6-standard-2", "count": 1,
                                    "disks": [{"size": 512, "type": "xfs"}]}]}),
                "node_pools[0].disks[0].type",
            ),
            (
                json!({"label": "raw", "region": "us-east", "k8s_version": "1.33",
                    "node_pools": [{"type": "g6-standard-2", "count": 1,
                                    "disk_encryption": "sometimes"}]}),
                "node_pools[0].disk_encryption",
            ),
            (
                json!({"label": "raw", "region": "us-east", "k8s_version": "1.33",
                    "apl_enabled": true,
                    "node_pools": [{"type": "g6-standard-2", "count": 1}]}),
                "apl_enabled",
            ),
        ],
    )
    .await;
}

/// Creates a database of `kind` and waits (on the paused clock) until it is active.
async fn active_database(
    sandbox: &Sandbox,
    client: &linode::Client,
    kind: EngineKind,
    request: CreateDatabase,
) -> Database {
    let created = client
        .databases()
        .engine(kind)
        .create(request)
        .await
        .unwrap();
    assert_eq!(created.status, DatabaseStatus::Provisioning);
    assert_eq!(
        stored(sandbox, "databases", created.id)["status"],
        "provisioning"
    );
    let id = DatabaseId::new(kind, created.id);
    let err = client
        .databases()
        .wait_for_database_active(id, Duration::from_secs(300))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WaitTimeout { .. }), "{err:?}");
    client
        .databases()
        .wait_for_database_active(id, Duration::from_secs(600))
        .await
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn mysql_and_valkey_answer_every_instance_call_through_their_life_cycle() {
    let (sandbox, client) = common::setup_timed().await;
    for (kind, engine, node_type, size, user) in [
        (
            EngineKind::MySql,
            "mysql/8.0.35",
            "g6-dedicated-2",
            2,
            "akmadmin",
        ),
        (
            EngineKind::Valkey,
            "valkey/8.0",
            "g6-standard-1",
            3,
            "default",
        ),
    ] {
        let group = client.databases().engine(kind);
        let label = format!("audit-{kind}");
        let request = CreateDatabase::new(&label, "us-east", node_type, engine).cluster_size(size);
        let db = active_database(&sandbox, &client, kind, request).await;
        assert_eq!(
            common::event_actions(&sandbox, "database_create").len(),
            if kind == EngineKind::MySql { 1 } else { 2 }
        );
        assert_eq!(db.cluster_size, size);
        let standby = db.hosts.standby.clone().expect("a standby host");
        let roles: Vec<(&str, bool)> = db
            .hosts
            .endpoints
            .iter()
            .map(|e| (e.role.as_str(), e.public_access))
            .collect();
        assert_eq!(roles, [("primary", true), ("standby", true)]);
        assert_eq!(db.hosts.endpoints[1].address, standby);
        assert_eq!(db.hosts.endpoints[0].port, db.port);

        // PUT: label, allow list and window; kept as sent.
        let updated = group
            .update(
                db.id,
                &DatabaseUpdate::new()
                    .label(format!("{label}-2"))
                    .allow_list(["203.0.113.0/24"]),
            )
            .await
            .unwrap();
        assert_eq!(
            common::last_request(&sandbox),
            (
                "PUT".to_owned(),
                format!("/v4/databases/{kind}/instances/{}", db.id),
                Some(json!({"label": format!("{label}-2"), "allow_list": ["203.0.113.0/24"]}))
            )
        );
        assert_eq!(updated.label, format!("{label}-2"));
        let kept = stored(&sandbox, "databases", db.id);
        assert_eq!(
            (kept["label"].clone(), kept["allow_list"].clone()),
            (json!(format!("{label}-2")), json!(["203.0.113.0/24"]))
        );

        // Credentials, and a reset that changes the password.
        let before = group.credentials(db.id).await.unwrap();
        assert_eq!(before.username, user);
        group.reset_credentials(db.id).await.unwrap();
        assert_eq!(
            common::last_line(&sandbox),
            format!(
                "POST /v4/databases/{kind}/instances/{}/credentials/reset",
                db.id
            )
        );
        let after = group.credentials(db.id).await.unwrap();
        assert_ne!(
            after.password.expose_secret(),
            before.password.expose_secret()
        );

        // Patch: updating for 5 minutes.
        group.patch(db.id).await.unwrap();
        assert_eq!(
            common::last_line(&sandbox),
            format!("POST /v4/databases/{kind}/instances/{}/patch", db.id)
        );
        assert_eq!(stored(&sandbox, "databases", db.id)["status"], "updating");
        sandbox.advance(Duration::from_secs(299));
        assert_eq!(
            group.get(db.id).await.unwrap().status,
            DatabaseStatus::Updating
        );
        sandbox.advance(Duration::from_secs(1));
        assert_eq!(
            group.get(db.id).await.unwrap().status,
            DatabaseStatus::Active
        );

        // Suspend, then resume: 2 minutes each.
        group.suspend(db.id).await.unwrap();
        assert_eq!(
            common::last_line(&sandbox),
            format!("POST /v4/databases/{kind}/instances/{}/suspend", db.id)
        );
        assert_eq!(stored(&sandbox, "databases", db.id)["status"], "suspending");
        sandbox.advance(Duration::from_secs(120));
        assert_eq!(
            group.get(db.id).await.unwrap().status,
            DatabaseStatus::Suspended
        );
        group.resume(db.id).await.unwrap();
        assert_eq!(
            common::last_line(&sandbox),
            format!("POST /v4/databases/{kind}/instances/{}/resume", db.id)
        );
        assert_eq!(stored(&sandbox, "databases", db.id)["status"], "resuming");
        sandbox.advance(Duration::from_secs(119));
        assert_eq!(
            group.get(db.id).await.unwrap().status,
            DatabaseStatus::Resuming
        );
        sandbox.advance(Duration::from_secs(1));
        assert_eq!(
            group.get(db.id).await.unwrap().status,
            DatabaseStatus::Active
        );

        // Delete: gone with its password.
        group.delete(db.id).await.unwrap();
        assert_eq!(
            common::last_line(&sandbox),
            format!("DELETE /v4/databases/{kind}/instances/{}", db.id)
        );
        assert!(sandbox.table("databases").is_empty());
        assert!(sandbox.table("database_passwords").is_empty());
        assert_eq!(common::refusal(&group.get(db.id).await.unwrap_err()).0, 404);
    }
    let actions: Vec<String> = common::event_actions(&sandbox, "database_")
        .into_iter()
        .filter(|a| a != "database_credentials_reset")
        .collect();
    let one = [
        "database_create",
        "database_update",
        "database_update",
        "database_suspend",
        "database_resume",
        "database_delete",
    ];
    assert_eq!(actions, [one, one].concat());
}

#[tokio::test(start_paused = true)]
async fn a_postgresql_resize_takes_fifteen_minutes_on_the_sandbox_clock() {
    let (sandbox, client) = common::setup_timed().await;
    let request = CreateDatabase::new("resized", "us-east", "g6-dedicated-2", "postgresql/16.7");
    let db = active_database(&sandbox, &client, EngineKind::PostgreSql, request).await;
    let pg = client.databases().postgresql();
    let resized = pg
        .update(db.id, &DatabaseUpdate::new().cluster_size(2))
        .await
        .unwrap();
    assert_eq!(common::last_body(&sandbox), json!({"cluster_size": 2}));
    assert_eq!(resized.status, DatabaseStatus::Resizing);
    assert_eq!(resized.cluster_size, 2);
    assert!(resized.hosts.standby.is_some());
    sandbox.advance(Duration::from_secs(899));
    assert_eq!(
        pg.get(db.id).await.unwrap().status,
        DatabaseStatus::Resizing
    );
    sandbox.advance(Duration::from_secs(1));
    assert_eq!(pg.get(db.id).await.unwrap().status, DatabaseStatus::Active);
    assert_eq!(
        common::event_actions(&sandbox, "database_"),
        ["database_create", "database_resize"]
    );
}

#[tokio::test]
async fn databases_join_a_vpc_are_forked_and_take_valkeys_own_parameters() {
    let (sandbox, client) = common::setup().await;
    let vpc = client
        .vpcs()
        .create(CreateVpc::new("db-vpc", "us-east").subnet("data", "10.0.2.0/24"))
        .await
        .unwrap();
    let subnet = vpc.subnets[0].id;
    let pg = client.databases().postgresql();
    let db = pg
        .create(
            CreateDatabase::new("private", "us-east", "g6-nanode-1", "postgresql/16.7")
                .private_network(PrivateNetwork::new(vpc.id, subnet)),
        )
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox)["private_network"],
        json!({"vpc_id": vpc.id, "subnet_id": subnet, "public_access": false})
    );
    assert_eq!(
        db.private_network,
        Some(PrivateNetwork::new(vpc.id, subnet))
    );
    assert_eq!(db.hosts.standby, None);
    assert!(!db.hosts.endpoints[0].public_access);
    assert_eq!(db.fork, None);
    assert_eq!(db.updates.as_ref().unwrap().duration, 4);
    assert!(db.updates.as_ref().unwrap().pending.is_empty());

    // Public access is turned on by an update.
    let opened = pg
        .update(
            db.id,
            &DatabaseUpdate::new()
                .private_network(PrivateNetwork::new(vpc.id, subnet).public_access(true)),
        )
        .await
        .unwrap();
    assert_eq!(
        stored(&sandbox, "databases", db.id)["private_network"],
        json!({"vpc_id": vpc.id, "subnet_id": subnet, "public_access": true})
    );
    assert!(opened.hosts.endpoints[0].public_access);

    // A subnet of another VPC, or a VPC of another region, is refused.
    let other = client
        .vpcs()
        .create(CreateVpc::new("far-vpc", "eu-west").subnet("x", "10.0.3.0/24"))
        .await
        .unwrap();
    for (network, field) in [
        (
            PrivateNetwork::new(vpc.id, other.subnets[0].id),
            "private_network.subnet_id",
        ),
        (
            PrivateNetwork::new(other.id, other.subnets[0].id),
            "private_network.vpc_id",
        ),
    ] {
        let err = pg
            .create(
                CreateDatabase::new("nowhere", "us-east", "g6-nanode-1", "postgresql/16.7")
                    .private_network(network),
            )
            .await
            .unwrap_err();
        assert_eq!(common::refusal(&err).1, Some(field));
    }

    // A fork names its source (of the same engine): a restore, without `engine`, taking the
    // source's region, type and version unless given.
    let fork = pg
        .create(
            CreateDatabase::restore(DatabaseFork::of(db.id).at("2026-01-02T03:04:05"))
                .label("forked"),
        )
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"label": "forked",
               "fork": {"source": db.id, "restore_time": "2026-01-02T03:04:05"}})
    );
    assert_eq!(
        fork.fork,
        Some(DatabaseFork::of(db.id).at("2026-01-02T03:04:05"))
    );
    assert_eq!(
        (
            fork.label.as_str(),
            fork.region.id().as_str(),
            fork.node_type.as_str(),
            fork.version.as_str()
        ),
        ("forked", "us-east", "g6-nanode-1", "16.7")
    );
    let err = client
        .databases()
        .mysql()
        .create(CreateDatabase::restore(DatabaseFork::of(db.id)).label("badfork"))
        .await
        .unwrap_err();
    assert_eq!(common::refusal(&err).1, Some("fork.source"));
    // A restore naming an engine is refused by the sandbox too.
    common::assert_raw_refusals(
        &sandbox,
        "/v4/databases/postgresql/instances",
        [(
            json!({"fork": {"source": db.id}, "engine": "postgresql/16.7"}),
            "engine",
        )],
    )
    .await;

    // Valkey: the parameters of 4.229.1, flat, some nullable; no nested groups.
    let valkey = client.databases().valkey();
    let schema = valkey.config_schema().await.unwrap();
    assert_eq!(
        schema["valkey_maxmemory_policy"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(schema["valkey_timeout"]["maximum"], 2_073_600);
    assert!(!schema.contains_key("valkey"));
    let cache = valkey
        .create(
            CreateDatabase::new("cache", "us-east", "g6-nanode-1", "valkey/8.0")
                .config("valkey_maxmemory_policy", "allkeys-lfu")
                .config("backup_hour", Value::Null)
                .config("valkey_persistence", "rdb"),
        )
        .await
        .unwrap();
    assert_eq!(
        Value::Object(cache.engine_config.clone()),
        json!({"valkey_maxmemory_policy": "allkeys-lfu", "backup_hour": null,
               "valkey_persistence": "rdb"})
    );
    assert_eq!(
        stored(&sandbox, "databases", cache.id)["used_disk_size_gb"],
        Value::Null
    );
    for (key, value, field) in [
        ("valkey", json!({"timeout": 10}), "engine_config.valkey"),
        (
            "valkey_persistence",
            json!("sometimes"),
            "engine_config.valkey_persistence",
        ),
        (
            "valkey_timeout",
            json!(2_073_601),
            "engine_config.valkey_timeout",
        ),
    ] {
        let err = valkey
            .create(
                CreateDatabase::new("badcache", "us-east", "g6-nanode-1", "valkey/8.0")
                    .config(key, value),
            )
            .await
            .unwrap_err();
        assert_eq!(common::refusal(&err).1, Some(field));
    }
    // Two nodes need a dedicated type.
    let err = valkey
        .create(CreateDatabase::new("pair", "us-east", "g6-nanode-1", "valkey/8.0").cluster_size(2))
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("cluster_size"),
            "A 2 node cluster needs a dedicated type"
        )
    );
}

#[tokio::test]
async fn mysql_and_postgresql_instances_have_their_own_4_229_1_fields() {
    let (sandbox, client) = common::setup().await;
    let pg = client.databases().postgresql();
    let my = client.databases().mysql();
    let db = pg
        .create(CreateDatabase::new(
            "pg-fields",
            "us-east",
            "g6-nanode-1",
            "postgresql/16.7",
        ))
        .await
        .unwrap();
    let other = my
        .create(CreateDatabase::new(
            "my-fields",
            "us-east",
            "g6-nanode-1",
            "mysql/8.0.35",
        ))
        .await
        .unwrap();
    // PostgreSQL has a `connection_pool_port`; neither has `available_restore_times` or
    // `updates.week_of_month` (Valkey's fields).
    assert_eq!(db.connection_pool_port, Some(25_061));
    assert_eq!(other.connection_pool_port, None);
    for id in [db.id, other.id] {
        let row = stored(&sandbox, "databases", id);
        assert_eq!(row.get("available_restore_times"), None);
        assert_eq!(
            row["updates"],
            json!({"frequency": "weekly", "duration": 4, "hour_of_day": 0, "day_of_week": 1,
                   "pending": []})
        );
    }
    assert_eq!(
        stored(&sandbox, "databases", other.id).get("connection_pool_port"),
        None
    );
    sandbox.settle();

    // `version` upgrades in place, through `updating`.
    let upgraded = pg
        .update(db.id, &DatabaseUpdate::new().version("17.3"))
        .await
        .unwrap();
    assert_eq!(common::last_body(&sandbox), json!({"version": "17.3"}));
    assert_eq!(upgraded.version, "17.3");
    assert_eq!(stored(&sandbox, "databases", db.id)["version"], "17.3");
    sandbox.settle();
    let err = my
        .update(other.id, &DatabaseUpdate::new().version("5.7"))
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("version"),
            "Must be a mysql version of /databases/engines"
        )
    );
    // No new type with an allow list; weekly windows only.
    let err = my
        .update(
            other.id,
            &DatabaseUpdate::new()
                .node_type("g6-standard-2")
                .allow_list(["10.0.0.0/8"]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("type"),
            "Can't set a new type and the allow_list in one request"
        )
    );
    let mut monthly = UpdatesWindow::weekly(1, 0, 4);
    monthly.frequency = "monthly".into();
    let err = pg
        .update(db.id, &DatabaseUpdate::new().updates(monthly))
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (400, Some("updates.frequency"), "Must be weekly")
    );
}

#[tokio::test]
async fn a_connection_pool_named_alone_takes_the_apis_defaults() {
    let (sandbox, client) = common::setup().await;
    let db = client
        .databases()
        .postgresql()
        .create(CreateDatabase::new(
            "pooled-db",
            "us-east",
            "g6-nanode-1",
            "postgresql/16.7",
        ))
        .await
        .unwrap();
    let dbs = client.databases();
    let pool = dbs
        .create_connection_pool(db.id, &ConnectionPoolSettings::named("Pool_01"))
        .await
        .unwrap();
    assert_eq!(common::last_body(&sandbox), json!({"label": "Pool_01"}));
    assert_eq!(
        serde_json::to_value(&pool).unwrap(),
        json!({"label": "Pool_01", "database": "defaultdb", "mode": "transaction", "size": 10,
               "username": null})
    );
    // The only database's pools, as kept.
    assert_eq!(
        sandbox.table("database_pools"),
        [
            json!({"pools": [{"label": "Pool_01", "database": "defaultdb", "mode": "transaction",
                           "size": 10, "username": null}]})
        ]
    );
    // Labels follow the API's pattern, on both sides.
    sandbox.clear_requests();
    assert_eq!(
        invalid_field(
            dbs.create_connection_pool(db.id, &ConnectionPoolSettings::named("-pool"))
                .await
                .unwrap_err()
        ),
        "label"
    );
    assert!(sandbox.requests().is_empty());
    common::assert_raw_refusals(
        &sandbox,
        &format!(
            "/v4/databases/postgresql/instances/{}/connection-pools",
            db.id
        ),
        [
            (json!({"label": "-pool"}), "label"),
            (json!({"label": "a b"}), "label"),
            (json!({"label": "Pool_01"}), "label"),
            (json!({"label": "p2", "mode": "eager"}), "mode"),
        ],
    )
    .await;
}

#[tokio::test]
async fn endpoints_dashboard_and_kubeconfig_name_the_same_control_plane_host() {
    let (sandbox, client) = common::setup().await;
    let id = client
        .lke()
        .create(
            CreateCluster::new("hosts", "us-east", "1.33").pool(NewPool::new("g6-standard-2", 1)),
        )
        .await
        .unwrap()
        .id;
    let yaml = client.lke().kubeconfig(id).await.unwrap();
    let server = yaml
        .expose_secret()
        .lines()
        .find_map(|l| l.trim().strip_prefix("server: "))
        .unwrap()
        .to_owned();
    let host = server
        .strip_prefix("https://")
        .and_then(|s| s.strip_suffix(":443"))
        .unwrap()
        .to_owned();
    assert!(host.ends_with(".us-east-1.linodelke.net"), "{host}");

    let endpoints: Vec<String> = client
        .lke()
        .api_endpoints(id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.endpoint)
        .collect();
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/lke/clusters/{id}/api-endpoints?page=1&page_size=100")
    );
    assert_eq!(
        endpoints,
        [
            format!("https://{host}:443"),
            format!("https://{host}:6443")
        ]
    );
    let dashboard = client.lke().dashboard_url(id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/lke/clusters/{id}/dashboard")
    );
    assert_eq!(dashboard, format!("https://dashboard.{host}"));
    client.lke().delete_kubeconfig(id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/lke/clusters/{id}/kubeconfig")
    );
    // A new kubeconfig: same server, another token.
    let renewed = client.lke().kubeconfig(id).await.unwrap();
    assert!(
        renewed
            .expose_secret()
            .contains(&format!("server: {server}\n"))
    );
    assert_ne!(renewed.expose_secret(), yaml.expose_secret());
}
