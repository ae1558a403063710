//! Akamai Cloud Pulse (`/monitor`) end to end against the sandbox: every one of its 34
//! operations through the client, what the client sent, what the sandbox kept, and the
//! refused cases; the metrics query through the separate metrics host setting.

use crate::common;

use common::{empty_linode, last_line, last_request, refusal};
use linode::Client;
use linode::api::monitor::{
    AggregateFunction, AlertDefinition, AlertScope, AlertStatus, AlertType, BucketDetails,
    ChannelType, CloneAlertDefinition, CreateAlertChannel, CreateAlertDefinition,
    CreateDestination, CreateStream, EntityId, FilterOperator, MetricsQuery, Rule, RuleOperator,
    StreamStatus, StreamType, TimeUnit, TriggerConditions, UpdateAlertChannel,
    UpdateAlertDefinition, UpdateDestination, UpdateStream, Webhook,
};
use linode_sandbox::Sandbox;
use serde_json::{Value, json};

/// A client whose metrics host is the sandbox's `/v2beta`.
fn metrics_client(sandbox: &Sandbox) -> Client {
    Client::builder(sandbox.token())
        .base_url(sandbox.base_url())
        .monitor_base_url(format!("{}/v2beta", sandbox.base_url()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_catalog_lists_services_metrics_and_dashboards() {
    let (sandbox, client) = common::setup().await;
    let monitor = client.monitor();
    let services = monitor
        .services()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let names: Vec<&str> = services.iter().map(|s| s.service_type.as_str()).collect();
    assert_eq!(names, ["dbaas", "linode", "nodebalancer", "firewall"]);
    assert_eq!(services[0].label, "Databases");
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/services?page=1&page_size=100"
    );

    let one = monitor
        .service("dbaas")
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(one, services[..1]);
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/services/dbaas?page=1&page_size=100"
    );

    let metrics = monitor
        .metric_definitions("dbaas")
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let names: Vec<&str> = metrics.iter().map(|m| m.metric.as_str()).collect();
    assert_eq!(
        names,
        [
            "cpu_usage",
            "memory_usage",
            "disk_usage",
            "read_iops",
            "write_iops"
        ]
    );
    assert_eq!(metrics[0].unit, "percent");
    assert!(metrics[0].is_alertable);
    assert_eq!(
        metrics[0].available_aggregate_functions,
        [
            AggregateFunction::Min,
            AggregateFunction::Max,
            AggregateFunction::Avg,
            AggregateFunction::Sum
        ]
    );
    assert_eq!(metrics[0].dimensions[0].dimension_label, "node_type");
    assert_eq!(metrics[0].dimensions[0].values, ["primary", "secondary"]);
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/services/dbaas/metric-definitions?page=1&page_size=100"
    );

    let all = monitor
        .dashboards()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/dashboards?page=1&page_size=100"
    );
    let mine = monitor
        .service_dashboards("dbaas")
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].label, "Resource Usage");
    assert_eq!(mine[0].kind, "standard");
    assert_eq!(mine[0].widgets[0].metric, "cpu_usage");
    assert_eq!(mine[0].widgets[0].size, "12");
    assert_eq!(mine[0].widgets[0].unit, "%");
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/services/dbaas/dashboards?page=1&page_size=100"
    );
    let dashboard = monitor.dashboard(mine[0].id).await.unwrap();
    assert_eq!(dashboard, mine[0]);
    assert_eq!(last_line(&sandbox), "GET /v4/monitor/dashboards/1");

    let Err(err) = monitor.metric_definitions("nosuch").await else {
        panic!("an unknown service is refused")
    };
    assert_eq!(refusal(&err), (404, None, "Not found"));
    let err = monitor.dashboard(99).await.unwrap_err();
    assert_eq!(refusal(&err).0, 404);
}

#[tokio::test]
async fn channels_are_created_listed_changed_and_deleted() {
    let (sandbox, client) = common::setup().await;
    let monitor = client.monitor();
    let channel = monitor
        .create_alert_channel(&CreateAlertChannel::email("DB alerts", ["sandbox-user"]))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/monitor/alert-channels".to_owned(),
            Some(json!({"label": "DB alerts", "channel_type": "email",
                "details": {"email": {"usernames": ["sandbox-user"]}}}))
        )
    );
    assert_eq!(channel.id, 10001);
    assert_eq!(channel.channel_type, ChannelType::Email);
    assert_eq!(channel.kind, AlertType::User);
    let email = channel.details.email.clone().unwrap();
    assert_eq!(email.usernames, ["sandbox-user"]);
    assert_eq!(email.recipient_type.as_deref(), Some("user"));
    assert_eq!(channel.alerts.alert_count, 0);
    assert_eq!(channel.alerts.url, "/monitor/alert-channels/10001/alerts");
    assert_eq!(channel.created_by, "sandbox-user");
    assert!(channel.created.is_some());
    let stored = &sandbox.table("monitor_alert_channels")[1];
    assert_eq!(stored["label"], "DB alerts");
    assert_eq!(stored["type"], "user");

    assert_eq!(monitor.alert_channel(10001).await.unwrap(), channel);
    assert_eq!(last_line(&sandbox), "GET /v4/monitor/alert-channels/10001");

    // The built-in channel is listed too; filters on label reach the sandbox.
    let all = monitor
        .alert_channels()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<u64> = all.iter().map(|c| c.id).collect();
    assert_eq!(ids, [10000, 10001]);
    assert_eq!(all[0].kind, AlertType::System);
    let found = monitor
        .alert_channels()
        .filter(linode::api::monitor::AlertChannel::LABEL.eq("DB alerts"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(found, std::slice::from_ref(&channel));
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"label":"DB alerts"}"#)
    );

    let changed = monitor
        .update_alert_channel(
            10001,
            &UpdateAlertChannel::new()
                .label("Renamed")
                .usernames(["sandbox-user"]),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            "/v4/monitor/alert-channels/10001".to_owned(),
            Some(
                json!({"label": "Renamed", "details": {"email": {"usernames": ["sandbox-user"]}}})
            )
        )
    );
    assert_eq!(changed.label, "Renamed");
    assert_eq!(
        sandbox.table("monitor_alert_channels")[1]["label"],
        "Renamed"
    );

    // A webhook channel: the password is sent, never kept nor answered.
    let hook = monitor
        .create_alert_channel(&CreateAlertChannel::webhook(
            "Hook",
            Webhook::new("https://example.com/alerts")
                .basic_auth("alerts", "hook-password".into())
                .header("Cache-Control", "max-age=0")
                .compression("gzip"),
        ))
        .await
        .unwrap();
    let sent = last_request(&sandbox).2.unwrap();
    assert_eq!(
        sent["details"]["webhook"]["authentication"]["details"]["basic_authentication_password"],
        "hook-password"
    );
    let shown = hook.details.webhook.unwrap();
    assert_eq!(shown.endpoint_url, "https://example.com/alerts");
    assert_eq!(shown.authentication.unwrap().kind, "basic");
    assert_eq!(shown.custom_headers[0].value, "max-age=0");
    assert_eq!(shown.data_compression.as_deref(), Some("gzip"));
    assert!(
        !sandbox.table("monitor_alert_channels")[2]
            .to_string()
            .contains("hook-password")
    );

    // Refusals.
    let err = monitor
        .create_alert_channel(&CreateAlertChannel::email("Nobody", ["ghost"]))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("details.email.usernames"), "User ghost not found")
    );
    let err = monitor
        .create_alert_channel(&CreateAlertChannel::email("Renamed", ["sandbox-user"]))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("label"));
    let err = monitor.delete_alert_channel(10000).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, None, "System channels cannot be deleted")
    );

    monitor.delete_alert_channel(hook.id).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("DELETE /v4/monitor/alert-channels/{}", hook.id)
    );
    assert_eq!(sandbox.table("monitor_alert_channels").len(), 2);
    let err = monitor.alert_channel(hook.id).await.unwrap_err();
    assert_eq!(refusal(&err).0, 404);
}

fn memory_rule() -> Rule {
    Rule::new("cpu_usage", AggregateFunction::Avg, RuleOperator::Gt, 80.0)
}

async fn email_channel(client: &Client, label: &str) -> u64 {
    client
        .monitor()
        .create_alert_channel(&CreateAlertChannel::email(label, ["sandbox-user"]))
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn alert_definitions_live_their_life_and_refuse_what_the_api_refuses() {
    let (sandbox, client) = common::setup().await;
    let monitor = client.monitor();
    let web = empty_linode(&client, "us-east", "web-1").await;
    let db = empty_linode(&client, "us-east", "web-2").await;
    let channel = email_channel(&client, "Ops").await;

    let request = CreateAlertDefinition::new("High CPU", 1, TriggerConditions::new(300, 900, 3))
        .description("CPU above 80%")
        .rule(memory_rule())
        .channel_ids([channel])
        .entity_ids([web.id.to_string(), db.id.to_string()]);
    let created = monitor
        .create_alert_definition("linode", &request)
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/monitor/services/linode/alert-definitions".to_owned(),
            Some(json!({
                "label": "High CPU", "severity": 1, "description": "CPU above 80%",
                "rule_criteria": {"rules": [{"metric": "cpu_usage", "aggregate_function": "avg",
                    "operator": "gt", "threshold": 80.0, "dimension_filters": []}]},
                "trigger_conditions": {"criteria_condition": "ALL",
                    "evaluation_period_seconds": 300, "polling_interval_seconds": 900,
                    "trigger_occurrences": 3},
                "channel_ids": [channel],
                "entity_ids": [web.id.to_string(), db.id.to_string()]
            }))
        )
    );
    assert_eq!(created.id, 10001);
    assert_eq!(created.status, AlertStatus::Provisioning);
    assert_eq!(created.kind, AlertType::User);
    assert_eq!(created.scope, Some(AlertScope::Entity));
    assert_eq!(created.service_type, "linode");
    assert_eq!(created.severity, 1);
    assert_eq!(created.channel_ids(), [channel]);
    assert_eq!(created.alert_channels[0].label, "Ops");
    assert_eq!(created.alert_channels[0].kind, "email");
    assert_eq!(created.entities.count, Some(2));
    assert_eq!(
        created.entities.url.as_deref(),
        Some("/monitor/services/linode/alert-definitions/10001/entities")
    );
    let rule = &created.rule_criteria.rules[0];
    assert_eq!(
        (rule.label.as_str(), rule.unit.as_str(), rule.threshold),
        ("CPU Usage", "percent", 80.0)
    );
    assert_eq!(
        created.trigger_conditions,
        TriggerConditions::new(300, 900, 3)
    );
    let stored = sandbox
        .table("monitor_alert_definitions")
        .into_iter()
        .find(|d| d["id"] == 10001)
        .unwrap();
    assert_eq!(stored["channel_ids"], json!([channel]));
    assert_eq!(
        stored["entity_ids"],
        json!([web.id.to_string(), db.id.to_string()])
    );

    // Provisioned by the next request.
    let loaded = monitor
        .alert_definition("linode", created.id)
        .await
        .unwrap();
    assert_eq!(loaded.status, AlertStatus::Enabled);
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/services/linode/alert-definitions/10001"
    );

    let entities = monitor
        .alert_definition_entities("linode", created.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let shown: Vec<(EntityId, &str, &str)> = entities
        .iter()
        .map(|e| (e.id.clone(), e.label.as_str(), e.kind.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            (EntityId::Id(web.id), "web-1", "linode"),
            (EntityId::Id(db.id), "web-2", "linode")
        ]
    );
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/services/linode/alert-definitions/10001/entities?page=1&page_size=100"
    );

    // Listing: every service (the built-in dbaas definition too) or one, filtered by type.
    let all = monitor
        .alert_definitions()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<(u64, &str)> = all
        .iter()
        .map(|d| (d.id, d.service_type.as_str()))
        .collect();
    assert_eq!(ids, [(10000, "dbaas"), (10001, "linode")]);
    assert_eq!(all[0].kind, AlertType::System);
    let users = monitor
        .alert_definitions()
        .filter(AlertDefinition::TYPE.eq("user"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"type":"user"}"#)
    );
    let linodes = monitor
        .service_alert_definitions("linode")
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(linodes, std::slice::from_ref(&loaded));
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/services/linode/alert-definitions?page=1&page_size=100"
    );

    // The channel lists its user, and can't go while used.
    let alerts = monitor
        .channel_alerts(channel)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].id, 10001);
    assert_eq!(alerts[0].label, "High CPU");
    assert_eq!(alerts[0].service_type, "linode");
    assert_eq!(
        alerts[0].url,
        "/monitor/services/linode/alert-definitions/10001"
    );
    assert_eq!(
        last_line(&sandbox),
        format!("GET /v4/monitor/alert-channels/{channel}/alerts?page=1&page_size=100")
    );
    assert_eq!(
        monitor
            .alert_channel(channel)
            .await
            .unwrap()
            .alerts
            .alert_count,
        1
    );
    let err = monitor.delete_alert_channel(channel).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            "This channel is used by 1 alert definition(s); remove it from them first"
        )
    );

    // Update: a new label, another channel, and disabled (through `disabling`).
    let other = email_channel(&client, "Ops 2").await;
    let changed = monitor
        .update_alert_definition(
            "linode",
            created.id,
            &UpdateAlertDefinition::new()
                .label("Very high CPU")
                .channel_ids([other])
                .status(AlertStatus::Disabled),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            "/v4/monitor/services/linode/alert-definitions/10001".to_owned(),
            Some(json!({"label": "Very high CPU", "channel_ids": [other], "status": "disabled"}))
        )
    );
    assert_eq!(changed.label, "Very high CPU");
    assert_eq!(changed.status, AlertStatus::Disabling);
    assert_eq!(changed.channel_ids(), [other]);
    let reloaded = monitor
        .alert_definition("linode", created.id)
        .await
        .unwrap();
    assert_eq!(reloaded.status, AlertStatus::Disabled);
    monitor.delete_alert_channel(channel).await.unwrap();

    // Clone: a new user definition under a new label.
    let copy = monitor
        .clone_alert_definition(
            "linode",
            created.id,
            &CloneAlertDefinition::new("CPU copy").severity(3),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/monitor/services/linode/alert-definitions/10001/clone".to_owned(),
            Some(json!({"label": "CPU copy", "severity": 3}))
        )
    );
    assert_eq!(copy.id, 10002);
    assert_eq!(copy.label, "CPU copy");
    assert_eq!(copy.severity, 3);
    assert_eq!(copy.status, AlertStatus::Provisioning);
    assert_eq!(copy.rule_criteria, reloaded.rule_criteria);
    assert_eq!(copy.channel_ids(), [other]);
    assert_eq!(copy.entities.count, Some(2));

    // Refusals, each naming its field.
    let base = || {
        CreateAlertDefinition::new("Other", 2, TriggerConditions::new(300, 300, 1))
            .channel_ids([other])
    };
    let cases = [
        (
            base().rule(Rule::new(
                "nosuch",
                AggregateFunction::Avg,
                RuleOperator::Gt,
                1.0,
            )),
            "rule_criteria.rules[0].metric",
        ),
        (
            base().rule(memory_rule().dimension_filter("node_type", FilterOperator::Eq, "primary")),
            "rule_criteria.rules[0].dimension_filters[0].dimension_label",
        ),
        (
            base().rule(memory_rule()).entity_ids(["999999"]),
            "entity_ids",
        ),
        (
            CreateAlertDefinition::new("Other", 2, TriggerConditions::new(300, 300, 1))
                .rule(memory_rule())
                .channel_ids([424242]),
            "channel_ids",
        ),
        (
            CreateAlertDefinition::new("Other", 2, TriggerConditions::new(60, 300, 1))
                .rule(memory_rule())
                .channel_ids([other]),
            "trigger_conditions.evaluation_period_seconds",
        ),
        (
            CreateAlertDefinition::new("CPU copy", 2, TriggerConditions::new(300, 300, 1))
                .rule(memory_rule())
                .channel_ids([other]),
            "label",
        ),
    ];
    for (i, (request, field)) in cases.into_iter().enumerate() {
        let err = monitor
            .create_alert_definition("linode", &request)
            .await
            .unwrap_err();
        assert_eq!(refusal(&err).0, 400, "case {i}");
        assert_eq!(refusal(&err).1, Some(field), "case {i}");
    }
    let err = monitor
        .create_alert_definition("nosuch", &base().rule(memory_rule()))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 404);
    let err = monitor
        .delete_alert_definition("dbaas", 10000)
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, None, "System alert definitions cannot be deleted")
    );
    let err = monitor
        .alert_definition("dbaas", created.id)
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err).0,
        404,
        "a definition is found under its service only"
    );

    monitor
        .delete_alert_definition("linode", copy.id)
        .await
        .unwrap();
    assert_eq!(
        last_line(&sandbox),
        "DELETE /v4/monitor/services/linode/alert-definitions/10002"
    );
    let left: Vec<Value> = sandbox
        .table("monitor_alert_definitions")
        .iter()
        .map(|d| d["id"].clone())
        .collect();
    assert_eq!(left, [json!(10000), json!(10001)]);
}

fn bucket(secret: &str) -> BucketDetails {
    BucketDetails::new(
        "123",
        secret.into(),
        "primary-bucket",
        "primary-bucket-1.us-iad-12.linodeobjects.com",
    )
    .path("audit-logs")
}

#[tokio::test]
async fn streams_and_destinations_keep_a_version_per_update() {
    let (sandbox, client) = common::setup().await;
    let monitor = client.monitor();
    let destination = monitor
        .create_destination(&CreateDestination::object_storage(
            "OBJ_logs_destination",
            bucket("key-secret-1"),
        ))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/monitor/streams/destinations".to_owned(),
            Some(
                json!({"label": "OBJ_logs_destination", "type": "akamai_object_storage",
                "details": {"access_key_id": "123", "access_key_secret": "key-secret-1",
                    "bucket_name": "primary-bucket",
                    "host": "primary-bucket-1.us-iad-12.linodeobjects.com", "path": "audit-logs"}})
            )
        )
    );
    assert_eq!(destination.id, 12345);
    assert_eq!(destination.version, Some(1));
    assert_eq!(destination.details.access_key_id, "123");
    assert_eq!(destination.details.path.as_deref(), Some("audit-logs"));
    let kept = sandbox.table("monitor_destinations");
    assert!(!kept[0].to_string().contains("key-secret-1"));
    assert_eq!(kept[0]["details"]["bucket_name"], "primary-bucket");

    assert_eq!(
        monitor.destination(destination.id).await.unwrap(),
        destination
    );
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/streams/destinations/12345"
    );
    let listed = monitor
        .destinations()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&destination));
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/streams/destinations?page=1&page_size=100"
    );

    let renamed = monitor
        .update_destination(
            destination.id,
            &UpdateDestination::new().label("logs-bucket"),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            "/v4/monitor/streams/destinations/12345".to_owned(),
            Some(json!({"label": "logs-bucket"}))
        )
    );
    assert_eq!(
        (renamed.label.as_str(), renamed.version),
        ("logs-bucket", Some(2))
    );
    let history = monitor
        .destination_history(destination.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let versions: Vec<(Option<u64>, &str)> = history
        .iter()
        .map(|d| (d.version, d.label.as_str()))
        .collect();
    assert_eq!(
        versions,
        [(Some(1), "OBJ_logs_destination"), (Some(2), "logs-bucket")]
    );
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/streams/destinations/12345/history?page=1&page_size=100"
    );

    let stream = monitor
        .create_stream(&CreateStream::new(
            "AuditLog-config",
            StreamType::AuditLogs,
            destination.id,
        ))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/monitor/streams".to_owned(),
            Some(
                json!({"label": "AuditLog-config", "type": "audit_logs", "destinations": [12345]})
            )
        )
    );
    assert_eq!(stream.id, 12345);
    assert_eq!(stream.status, StreamStatus::Active);
    assert_eq!(stream.version, Some(1));
    assert_eq!(stream.destination_ids(), [destination.id]);
    assert_eq!(stream.destinations[0].label, "logs-bucket");
    assert_eq!(stream.created_by, "sandbox-user");
    assert_eq!(
        sandbox.table("monitor_streams")[0]["destination_ids"],
        json!([12345])
    );

    assert_eq!(monitor.stream(stream.id).await.unwrap(), stream);
    assert_eq!(last_line(&sandbox), "GET /v4/monitor/streams/12345");
    let listed = monitor
        .streams()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&stream));
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/streams?page=1&page_size=100"
    );

    let paused = monitor
        .update_stream(
            stream.id,
            &UpdateStream::new()
                .label("paused")
                .status(StreamStatus::Inactive),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            "/v4/monitor/streams/12345".to_owned(),
            Some(json!({"label": "paused", "status": "inactive"}))
        )
    );
    assert_eq!(paused.status, StreamStatus::Inactive);
    assert_eq!(paused.version, Some(2));
    let history = monitor
        .stream_history(stream.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let versions: Vec<(Option<u64>, &str, StreamStatus)> = history
        .iter()
        .map(|s| (s.version, s.label.as_str(), s.status.clone()))
        .collect();
    assert_eq!(
        versions,
        [
            (Some(1), "AuditLog-config", StreamStatus::Active),
            (Some(2), "paused", StreamStatus::Inactive)
        ]
    );
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/monitor/streams/12345/history?page=1&page_size=100"
    );

    // Refusals.
    let err = monitor
        .create_stream(&CreateStream::new(
            "again",
            StreamType::AuditLogs,
            destination.id,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("type"), "You already have a audit_logs stream")
    );
    let err = monitor
        .create_stream(&CreateStream::new("lke", StreamType::LkeAuditLogs, 999))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("destinations"), "Destination 999 not found")
    );
    let err = monitor
        .delete_destination(destination.id)
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).0, 400);
    assert_eq!(sandbox.table("monitor_destinations").len(), 1);

    monitor.delete_stream(stream.id).await.unwrap();
    assert_eq!(last_line(&sandbox), "DELETE /v4/monitor/streams/12345");
    monitor.delete_destination(destination.id).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        "DELETE /v4/monitor/streams/destinations/12345"
    );
    assert!(sandbox.table("monitor_streams").is_empty());
    assert!(sandbox.table("monitor_destinations").is_empty());
    assert!(sandbox.table("monitor_stream_versions").is_empty());
    let Err(err) = monitor.stream_history(stream.id).await else {
        panic!("a deleted stream has no history")
    };
    assert_eq!(refusal(&err).0, 404);
}

#[tokio::test]
async fn metrics_are_read_on_the_metrics_host_with_the_service_token() {
    let (sandbox, _) = common::setup().await;
    let client = metrics_client(&sandbox);
    let monitor = client.monitor();
    let a = empty_linode(&client, "us-east", "metrics-a").await;
    let b = empty_linode(&client, "us-east", "metrics-b").await;

    let token = monitor.token("linode", [a.id, b.id]).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/monitor/services/linode/token".to_owned(),
            Some(json!({"entity_ids": [a.id, b.id]}))
        )
    );
    assert!(!format!("{token:?}").contains(&{
        use secrecy::ExposeSecret;
        token.token.expose_secret().to_owned()
    }));
    assert_eq!(
        sandbox.table("monitor_tokens")[0]["entity_ids"],
        json!([a.id, b.id])
    );

    let start = time::macros::datetime!(2026-05-10 00:00:00);
    let end = time::macros::datetime!(2026-05-10 01:00:00);
    let query = MetricsQuery::absolute(start, end)
        .metric("cpu_usage", AggregateFunction::Avg)
        .entity_ids([a.id, b.id])
        .group_by(["entity_id"])
        .granularity(15, TimeUnit::Min);
    let answer = monitor.metrics("linode", &token, &query).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v2beta/monitor/services/linode/metrics".to_owned(),
            Some(json!({
                "metrics": [{"name": "cpu_usage", "aggregate_function": "avg"}],
                "entity_ids": [a.id, b.id],
                "absolute_time_duration": {"start": "2026-05-10T00:00:00Z", "end": "2026-05-10T01:00:00Z"},
                "time_granularity": {"value": 15, "unit": "min"},
                "group_by": ["entity_id"]
            }))
        )
    );
    assert_eq!(answer.status, "success");
    assert!(!answer.is_partial);
    assert_eq!(answer.data.result_type, "matrix");
    assert_eq!(answer.stats.series_fetched, "2");
    assert_eq!(answer.data.result.len(), 2);
    let first = &answer.data.result[0];
    assert_eq!(first.label("metric_name").as_deref(), Some("avg_cpu_usage"));
    assert_eq!(first.label("entity_id"), Some(a.id.to_string()));
    let times: Vec<i64> = first.values.iter().map(|p| p.timestamp).collect();
    let t0 = start.assume_utc().unix_timestamp();
    assert_eq!(times, [t0, t0 + 900, t0 + 1800, t0 + 2700, t0 + 3600]);
    for point in &first.values {
        let v = point.as_f64().unwrap();
        assert!((5.0..=85.0).contains(&v), "{v}");
    }

    // The same query twice gives the same series; an overlapping window agrees.
    let again = monitor.metrics("linode", &token, &query).await.unwrap();
    assert_eq!(again, answer);
    let later = MetricsQuery::absolute(time::macros::datetime!(2026-05-10 00:30:00), end)
        .metric("cpu_usage", AggregateFunction::Avg)
        .entity_ids([a.id, b.id])
        .group_by(["entity_id"])
        .granularity(15, TimeUnit::Min);
    let overlap = monitor.metrics("linode", &token, &later).await.unwrap();
    assert_eq!(overlap.data.result[0].values[..], first.values[2..]);

    // Without grouping, one series aggregating both entities: the sum is the sum of theirs.
    let summed = MetricsQuery::absolute(start, end)
        .metric("cpu_usage", AggregateFunction::Sum)
        .entity_ids([a.id, b.id])
        .granularity(15, TimeUnit::Min);
    let summed = monitor.metrics("linode", &token, &summed).await.unwrap();
    assert_eq!(summed.data.result.len(), 1);
    let total = summed.data.result[0].values[0].as_f64().unwrap();
    let parts: f64 = answer
        .data
        .result
        .iter()
        .map(|s| s.values[0].as_f64().unwrap())
        .sum();
    assert!((total - parts).abs() < 0.011, "{total} vs {parts}");

    // A relative window of 30 minutes at 5 minutes: 6 or 7 aligned points.
    let relative = MetricsQuery::relative(30, TimeUnit::Min)
        .metric("network_in", AggregateFunction::Max)
        .entity_ids([a.id]);
    let recent = monitor.metrics("linode", &token, &relative).await.unwrap();
    let points = &recent.data.result[0].values;
    assert!((6..=7).contains(&points.len()), "{}", points.len());
    assert!(points.iter().all(|p| p.timestamp % 300 == 0));

    // Refusals: bad metric, bad aggregate, an entity the token does not cover, a token of
    // another service, the client's own token.
    let bad = MetricsQuery::relative(1, TimeUnit::Hr)
        .metric("nosuch", AggregateFunction::Avg)
        .entity_ids([a.id]);
    let err = monitor.metrics("linode", &token, &bad).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("metrics[0].name"),
            "\"nosuch\" is not a metric of linode"
        )
    );
    let bad = MetricsQuery::relative(1, TimeUnit::Hr)
        .metric("cpu_usage", AggregateFunction::Rate)
        .entity_ids([a.id]);
    let err = monitor.metrics("linode", &token, &bad).await.unwrap_err();
    assert_eq!(refusal(&err).1, Some("metrics[0].aggregate_function"));
    let c = empty_linode(&client, "us-east", "metrics-c").await;
    let uncovered = MetricsQuery::relative(1, TimeUnit::Hr)
        .metric("cpu_usage", AggregateFunction::Avg)
        .entity_ids([c.id]);
    let err = monitor
        .metrics("linode", &token, &uncovered)
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            403,
            None,
            format!("The token does not cover entity {}", c.id).as_str()
        )
    );
    let fine = MetricsQuery::relative(1, TimeUnit::Hr)
        .metric("cpu_usage", AggregateFunction::Avg)
        .entity_ids([a.id]);
    let err = monitor
        .metrics("nodebalancer", &token, &fine)
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (401, None, "Invalid Token"));
    let main: linode::api::monitor::MonitorToken =
        serde_json::from_value(json!({"token": sandbox.token()})).unwrap();
    let err = monitor.metrics("linode", &main, &fine).await.unwrap_err();
    assert_eq!(refusal(&err), (401, None, "Invalid Token"));

    // The token route checks its entities.
    let err = monitor.token("linode", [987654u64]).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("entity_ids"),
            "Entity 987654 of service linode not found"
        )
    );
    let err = monitor
        .token("linode", Vec::<u64>::new())
        .await
        .unwrap_err();
    assert!(matches!(err, linode::Error::InvalidArgument { .. }));
}

#[tokio::test]
async fn the_metrics_host_defaults_to_production() {
    let client = Client::new("token").unwrap();
    assert_eq!(
        client.monitor_root(),
        "https://monitor-api.linode.com/v2beta"
    );
    let err = Client::builder("token")
        .monitor_base_url("ftp://example.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(err, linode::Error::InvalidArgument { ref field, .. } if field == "monitor_base_url")
    );
}

/// POSTs `body` to the sandbox's metrics host with `token`; answers the status and the first
/// error's field.
async fn raw_metrics(sandbox: &Sandbox, token: &str, body: Value) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/v2beta/monitor/services/linode/metrics",
            sandbox.base_url()
        ))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let body: Value = answer.json().await.unwrap();
    (status, body["errors"][0]["field"].clone())
}

#[tokio::test]
async fn the_metrics_host_refuses_malformed_windows_naming_the_field() {
    let (sandbox, client) = common::setup().await;
    let a = empty_linode(&client, "us-east", "raw-a").await;
    let token = client.monitor().token("linode", [a.id]).await.unwrap();
    let token = {
        use secrecy::ExposeSecret;
        token.token.expose_secret().to_owned()
    };
    let metric = json!([{"name": "cpu_usage", "aggregate_function": "avg"}]);
    let cases = [
        (
            json!({"metrics": metric, "entity_ids": [a.id]}),
            "relative_time_duration",
        ),
        (
            json!({"metrics": metric, "entity_ids": [a.id],
                "relative_time_duration": {"unit": "min", "value": 30},
                "absolute_time_duration": {"start": "2026-05-10T00:00:00Z", "end": "2026-05-10T01:00:00Z"}}),
            "relative_time_duration",
        ),
        (
            json!({"metrics": metric, "entity_ids": [a.id],
                "relative_time_duration": {"unit": "weeks", "value": 1}}),
            "relative_time_duration.unit",
        ),
        (
            json!({"metrics": metric, "entity_ids": [a.id],
                "absolute_time_duration": {"start": "2026-05-10T01:00:00Z", "end": "2026-05-10T00:00:00Z"}}),
            "absolute_time_duration",
        ),
        (
            json!({"metrics": metric, "entity_ids": [a.id],
                "relative_time_duration": {"unit": "days", "value": 30},
                "time_granularity": {"unit": "sec", "value": 1}}),
            "time_granularity",
        ),
        (
            json!({"metrics": [], "entity_ids": [a.id],
                "relative_time_duration": {"unit": "min", "value": 30}}),
            "metrics",
        ),
        (
            json!({"metrics": metric,
                "relative_time_duration": {"unit": "min", "value": 30}}),
            "entity_ids",
        ),
        (
            json!({"metrics": metric, "entity_ids": [a.id], "group_by": ["node_type"],
                "relative_time_duration": {"unit": "min", "value": 30}}),
            "group_by",
        ),
    ];
    for (body, field) in cases {
        assert_eq!(
            raw_metrics(&sandbox, &token, body.clone()).await,
            (400, json!(field)),
            "{body}"
        );
    }
    let (status, _) = raw_metrics(&sandbox, "not-a-token", json!({})).await;
    assert_eq!(status, 401);
    // The webhook of a channel must be an https URL.
    let (status, answer) = common::post_raw(
        &sandbox,
        "/v4/monitor/alert-channels",
        &json!({"label": "hook", "channel_type": "webhook",
            "details": {"webhook": {"endpoint_url": "http://example.com",
                "authentication": {"type": "none"}}}}),
    )
    .await;
    assert_eq!(
        (status, answer["errors"][0]["field"].clone()),
        (400, json!("details.webhook.endpoint_url"))
    );
}
