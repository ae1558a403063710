//! Managed Databases: the shared catalogs, every engine's life cycle through the same calls,
//! engine configuration checked against the schema, credentials, and PostgreSQL's pools.

use std::time::Duration;

use linode::Error;
use linode::api::databases::{
    ConnectionPoolSettings, CreateDatabase, Database, DatabaseId, DatabaseStatus, DatabaseUpdate,
    Engine, EngineKind, UpdatesWindow,
};
use linode::events::Wait;
use linode::{Client, ExposeSecret};
use linode_sandbox::Sandbox;
use serde_json::{Value, json};

use crate::common;

fn stored(sandbox: &Sandbox, id: u64) -> Value {
    sandbox
        .table("databases")
        .into_iter()
        .find(|d| d["id"] == id)
        .expect("the database is stored")
}

async fn postgres(client: &Client, label: &str) -> Database {
    client
        .databases()
        .postgresql()
        .create(CreateDatabase::new(
            label,
            "us-east",
            "g6-nanode-1",
            "postgresql/16.7",
        ))
        .await
        .expect("the database is created")
}

#[tokio::test]
async fn engines_and_types_come_with_versions_and_prices() {
    let (sandbox, client) = common::setup().await;
    let dbs = client.databases();
    let engines = dbs.engines().await.unwrap().collect_all().await.unwrap();
    assert!(engines.iter().any(|e| e.id == "postgresql/16.7"));
    assert!(engines.iter().any(|e| e.engine == Engine::Valkey));

    let mysql = dbs
        .engines()
        .filter(linode::api::databases::DatabaseEngine::ENGINE.eq("mysql"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"engine":"mysql"}"#)
    );
    assert_eq!(mysql.len(), 1);
    assert_eq!(mysql[0].version, "8.0.35");

    let one = dbs.engine_version("postgresql/16.7").await.unwrap();
    assert_eq!(one.version, "16.7");
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/databases/engines/postgresql%2F16.7"
    );

    let types = dbs.types().await.unwrap().collect_all().await.unwrap();
    assert_eq!(types[0].id, "g6-nanode-1");
    let nanode = dbs.node_type("g6-nanode-1").await.unwrap();
    assert_eq!(
        nanode.price(EngineKind::PostgreSql, 1).unwrap().monthly,
        15.0
    );
    assert_eq!(nanode.price(EngineKind::Valkey, 3).unwrap().monthly, 45.0);
    assert_eq!(nanode.price(EngineKind::MySql, 2), None);
    assert_eq!(nanode.memory, 1024);
}

#[tokio::test(start_paused = true)]
async fn a_database_provisions_then_suspends_and_resumes_through_its_states() {
    let (sandbox, client) = common::setup_timed().await;
    let pg = client.databases().postgresql();
    let created = client
        .databases()
        .postgresql()
        .create(
            CreateDatabase::new("orders", "us-east", "g6-nanode-1", "postgresql/16.7")
                .cluster_size(3)
                .allow("203.0.113.0/24")
                .allow("198.51.100.7")
                .ssl_connection(true)
                .config("work_mem", 8),
        )
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"label": "orders", "region": "us-east", "type": "g6-nanode-1",
               "engine": "postgresql/16.7", "cluster_size": 3,
               "allow_list": ["203.0.113.0/24", "198.51.100.7"], "ssl_connection": true,
               "engine_config": {"work_mem": 8}})
    );
    assert_eq!(created.status, DatabaseStatus::Provisioning);
    assert_eq!(created.port, 5432);
    assert!(
        created
            .hosts
            .primary
            .starts_with(&format!("a{}-", created.id))
    );
    assert!(created.hosts.standby.is_some());
    assert_eq!(created.hosts.secondary, None);
    assert_eq!(created.members.len(), 3);
    let id = DatabaseId::new(EngineKind::PostgreSql, created.id);

    // Credentials only exist once provisioning is over.
    let err = pg.credentials(created.id).await.unwrap_err();
    assert_eq!(common::refusal(&err).0, 400);
    assert!(common::refusal(&err).2.contains("provisioning"));

    // Provisioning takes 10 minutes at speed 1: not yet after 5, done well before 15.
    let err = client
        .databases()
        .wait_for_database_active(id, Duration::from_secs(300))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::WaitTimeout { ref last_state, .. } if last_state == "status provisioning")
    );
    let active = client
        .databases()
        .wait_for_database_active(id, Wait::new(Duration::from_secs(600)))
        .await
        .unwrap();
    assert_eq!(active.status, DatabaseStatus::Active);

    // Resume is refused while active; suspend goes through suspending to suspended.
    let err = pg.resume(created.id).await.unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            None,
            "Database is active: this action needs it suspended"
        )
    );
    pg.suspend(created.id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!(
            "POST /v4/databases/postgresql/instances/{}/suspend",
            created.id
        )
    );
    assert_eq!(stored(&sandbox, created.id)["status"], "suspending");
    let err = pg.suspend(created.id).await.unwrap_err();
    assert_eq!(common::refusal(&err).0, 400);
    sandbox.advance(Duration::from_secs(120));
    assert_eq!(
        pg.get(created.id).await.unwrap().status,
        DatabaseStatus::Suspended
    );
    pg.resume(created.id).await.unwrap();
    assert_eq!(
        pg.get(created.id).await.unwrap().status,
        DatabaseStatus::Resuming
    );
    let back = client
        .databases()
        .wait_for_database_active(id, Duration::from_secs(300))
        .await
        .unwrap();
    assert_eq!(back.status, DatabaseStatus::Active);

    assert_eq!(
        common::event_actions(&sandbox, "database_"),
        ["database_create", "database_suspend", "database_resume"]
    );
    let events = sandbox.events();
    let create = events
        .iter()
        .find(|e| e["action"] == "database_create")
        .unwrap();
    assert_eq!(create["status"], "finished");
    assert_eq!(
        create["entity"]["url"],
        format!("/v4/databases/postgresql/instances/{}", created.id)
    );
}

#[tokio::test]
async fn every_engine_is_served_by_the_same_calls_under_its_own_paths() {
    let (sandbox, client) = common::setup().await;
    for (kind, version, port) in [
        (EngineKind::MySql, "mysql/8.0.35", 3306),
        (EngineKind::PostgreSql, "postgresql/15.11", 5432),
        (EngineKind::Valkey, "valkey/8.0", 6379),
    ] {
        let group = client.databases().engine(kind);
        let label = format!("db-{kind}");
        let db = group
            .create(CreateDatabase::new(
                &label,
                "us-east",
                "g6-standard-1",
                version,
            ))
            .await
            .unwrap();
        assert_eq!(
            common::last_line(&sandbox),
            format!("POST /v4/databases/{kind}/instances")
        );
        assert_eq!(db.port, port);
        assert_eq!(db.hosts.standby, None);
        let got = group.get(db.id).await.unwrap();
        assert_eq!(got.status, DatabaseStatus::Active);
        assert_eq!(got.engine.kind(), Some(kind));
        let listed = group.list().await.unwrap().collect_all().await.unwrap();
        assert_eq!(listed.iter().map(|d| d.id).collect::<Vec<_>>(), [db.id]);
        let schema = group.config_schema().await.unwrap();
        assert_eq!(
            common::last_line(&sandbox),
            format!("GET /v4/databases/{kind}/config")
        );
        assert!(!schema.is_empty());
        let ssl = group.ssl(db.id).await.unwrap();
        assert!(ssl.ca_certificate.starts_with("LS0tLS1CRUdJTi"));
        // A database is not found under another engine's paths.
        let other = if kind == EngineKind::MySql {
            EngineKind::Valkey
        } else {
            EngineKind::MySql
        };
        let err = client
            .databases()
            .engine(other)
            .get(db.id)
            .await
            .unwrap_err();
        assert_eq!(common::refusal(&err).0, 404);
    }
    let all = client
        .databases()
        .list()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let only = client
        .databases()
        .list()
        .filter(Database::ENGINE.eq("valkey"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].label, "db-valkey");
}

#[tokio::test]
async fn credentials_are_secret_and_a_reset_changes_the_password() {
    let (sandbox, client) = common::setup().await;
    let db = postgres(&client, "secrets").await;
    let pg = client.databases().postgresql();
    let before = pg.credentials(db.id).await.unwrap();
    assert_eq!(before.username, "akmadmin");
    let password = before.password.expose_secret().to_owned();
    assert_eq!(password.len(), 24);
    assert!(!format!("{before:?}").contains(&password));
    pg.reset_credentials(db.id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!(
            "POST /v4/databases/postgresql/instances/{}/credentials/reset",
            db.id
        )
    );
    let after = pg.credentials(db.id).await.unwrap();
    assert_ne!(after.password.expose_secret(), password);
    assert_eq!(
        common::event_actions(&sandbox, "database_credentials"),
        ["database_credentials_reset"]
    );
    // The password is never part of the database itself.
    assert!(stored(&sandbox, db.id).get("password").is_none());
}

#[tokio::test(start_paused = true)]
async fn updates_resize_reconfigure_and_refuse_what_the_api_refuses() {
    let (sandbox, client) = common::setup_timed().await;
    let pg = client.databases().postgresql();
    let db = postgres(&client, "growing").await;
    let id = DatabaseId::new(EngineKind::PostgreSql, db.id);
    // A resize is refused while provisioning; a relabel is not allowed either.
    let err = pg
        .update(db.id, &DatabaseUpdate::new().cluster_size(3))
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            None,
            "Database is provisioning: this action needs it active"
        )
    );
    sandbox.settle();

    let updated = pg
        .update(
            db.id,
            &DatabaseUpdate::new()
                .label("grown")
                .allow_list(["10.0.0.0/8"])
                .updates(UpdatesWindow::weekly(3, 4, 2)),
        )
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"label": "grown", "allow_list": ["10.0.0.0/8"],
               "updates": {"frequency": "weekly", "duration": 2, "hour_of_day": 4,
                           "day_of_week": 3}})
    );
    assert_eq!(updated.label, "grown");
    assert_eq!(updated.status, DatabaseStatus::Active);
    assert_eq!(updated.updates.unwrap().hour_of_day, 4);

    let resized = pg
        .update(
            db.id,
            &DatabaseUpdate::new()
                .cluster_size(3)
                .node_type("g6-standard-2"),
        )
        .await
        .unwrap();
    assert_eq!(resized.status, DatabaseStatus::Resizing);
    assert_eq!(resized.cluster_size, 3);
    assert_eq!(resized.node_type, "g6-standard-2");
    client
        .databases()
        .wait_for_database_active(id, Duration::from_secs(1000))
        .await
        .unwrap();
    let err = pg
        .update(db.id, &DatabaseUpdate::new().cluster_size(1))
        .await
        .unwrap_err();
    assert_eq!(
        common::refusal(&err),
        (
            400,
            Some("cluster_size"),
            "A cluster cannot be made smaller"
        )
    );

    let reconfigured = pg
        .update(
            db.id,
            &DatabaseUpdate::new().config("pg", json!({"max_connections": 200})),
        )
        .await
        .unwrap();
    assert_eq!(reconfigured.status, DatabaseStatus::Updating);
    assert_eq!(reconfigured.engine_config["pg"]["max_connections"], 200);
    let err = pg.patch(db.id).await.unwrap_err();
    assert_eq!(common::refusal(&err).0, 400);
    sandbox.advance(Duration::from_secs(300));
    pg.patch(db.id).await.unwrap();
    assert_eq!(stored(&sandbox, db.id)["status"], "updating");

    // engine_config is checked against the engine's schema.
    for (config, field) in [
        (json!({"work_mem": 0}), "engine_config.work_mem"),
        (json!({"colour": "blue"}), "engine_config.colour"),
        (
            json!({"pg": {"max_connections": "many"}}),
            "engine_config.pg.max_connections",
        ),
        (json!({"pg": {"nope": 1}}), "engine_config.pg.nope"),
    ] {
        let err = client
            .databases()
            .postgresql()
            .create(
                CreateDatabase::new("badconf", "us-east", "g6-nanode-1", "postgresql/16.7").config(
                    config.as_object().unwrap().keys().next().unwrap().clone(),
                    config.as_object().unwrap().values().next().unwrap().clone(),
                ),
            )
            .await
            .unwrap_err();
        assert_eq!(common::refusal(&err).1, Some(field), "{config}");
    }
    assert_eq!(
        common::event_actions(&sandbox, "database_"),
        [
            "database_create",
            "database_update",
            "database_resize",
            "database_update",
            "database_update"
        ]
    );
}

#[tokio::test]
async fn bad_input_is_refused_by_the_client_and_by_the_sandbox() {
    let (sandbox, client) = common::setup().await;
    let pg = client.databases().postgresql();
    sandbox.clear_requests();
    for (request, field) in [
        (
            CreateDatabase::new("ok-db", "us-east", "g6-nanode-1", "mysql/8.0.35"),
            "engine",
        ),
        (
            CreateDatabase::new("ok-db", "us-east", "g6-nanode-1", "postgresql/16.7")
                .cluster_size(4),
            "cluster_size",
        ),
        (
            CreateDatabase::new("ok-db", "us-east", "g6-nanode-1", "postgresql/16.7")
                .allow("10.0.0.0/33"),
            "allow_list[0]",
        ),
        (
            CreateDatabase::new("db", "us-east", "g6-nanode-1", "postgresql/16.7"),
            "label",
        ),
    ] {
        match pg.create(request).await {
            Err(Error::InvalidArgument { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected a refusal of {field}, got {other:?}"),
        }
    }
    assert!(sandbox.requests().is_empty());

    common::assert_raw_refusals(
        &sandbox,
        "/v4/databases/postgresql/instances",
        [
            (json!({"region": "us-east", "type": "g6-nanode-1", "engine": "postgresql/16.7"}), "label"),
            (json!({"label": "abc", "region": "us-east", "type": "g6-nanode-1", "engine": "postgresql/9"}), "engine"),
            (json!({"label": "abc", "region": "us-east", "type": "g6-huge", "engine": "postgresql/16.7"}), "type"),
            (json!({"label": "abc", "region": "us-east", "type": "g6-nanode-1", "engine": "postgresql/16.7", "cluster_size": 2}), "cluster_size"),
            (json!({"label": "abc", "region": "us-east", "type": "g6-nanode-1", "engine": "postgresql/16.7", "allow_list": ["1.2.3.4", "x"]}), "allow_list[1]"),
            (json!({"label": "abc", "region": "nowhere", "type": "g6-nanode-1", "engine": "postgresql/16.7"}), "region"),
        ],
    )
    .await;
    postgres(&client, "taken").await;
    let err = postgres_err(&client, "taken").await;
    assert_eq!(common::refusal(&err).1, Some("label"));
}

async fn postgres_err(client: &Client, label: &str) -> Error {
    client
        .databases()
        .mysql()
        .create(CreateDatabase::new(
            label,
            "us-east",
            "g6-nanode-1",
            "mysql/8.0.35",
        ))
        .await
        .unwrap_err()
}

#[tokio::test]
async fn postgresql_connection_pools_are_created_listed_changed_and_deleted() {
    let (sandbox, client) = common::setup().await;
    let db = postgres(&client, "pooled").await;
    let dbs = client.databases();
    let pool = dbs
        .create_connection_pool(
            db.id,
            &ConnectionPoolSettings::new("web", "defaultdb", "transaction", 20).username("app"),
        )
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"label": "web", "database": "defaultdb", "mode": "transaction", "size": 20,
               "username": "app"})
    );
    assert_eq!(pool.size, 20);
    assert_eq!(pool.username.as_deref(), Some("app"));
    let err = dbs
        .create_connection_pool(
            db.id,
            &ConnectionPoolSettings::new("web", "defaultdb", "session", 5),
        )
        .await
        .unwrap_err();
    assert_eq!(common::refusal(&err).1, Some("label"));
    match dbs
        .create_connection_pool(db.id, &ConnectionPoolSettings::new("x", "d", "eager", 5))
        .await
    {
        Err(Error::InvalidArgument { field, .. }) => assert_eq!(field, "mode"),
        other => panic!("expected a refusal, got {other:?}"),
    }

    let changed = dbs
        .update_connection_pool(
            db.id,
            "web",
            &ConnectionPoolSettings::changes().mode("session").size(50),
        )
        .await
        .unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!(
            "PUT /v4/databases/postgresql/instances/{}/connection-pools/web",
            db.id
        )
    );
    assert_eq!((changed.mode.as_str(), changed.size), ("session", 50));
    assert_eq!(dbs.connection_pool(db.id, "web").await.unwrap(), changed);
    let listed = dbs
        .connection_pools(db.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed, [changed]);
    dbs.delete_connection_pool(db.id, "web").await.unwrap();
    let err = dbs.connection_pool(db.id, "web").await.unwrap_err();
    assert_eq!(common::refusal(&err).0, 404);

    // Deleting the database takes its pools and credentials with it.
    client.databases().postgresql().delete(db.id).await.unwrap();
    assert!(sandbox.table("databases").is_empty());
    assert!(sandbox.table("database_passwords").is_empty());
    let err = dbs.connection_pools(db.id).await.unwrap_err();
    assert_eq!(common::refusal(&err).0, 404);
    assert_eq!(
        common::event_actions(&sandbox, "database_")
            .last()
            .map(String::as_str),
        Some("database_delete")
    );
}
