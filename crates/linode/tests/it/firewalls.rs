//! Cloud Firewalls end to end against the sandbox: create with typed rules and devices, list
//! with filters, update, rules and their history, devices from both sides, the account's
//! settings, templates, rule sets, prefix lists, and every rule from the refused side.

use crate::common;

use common::{empty_linode, event_actions, last_request, refusal};
use linode::api::networking::firewalls::{
    Address, CreateFirewall, CreateRuleSet, DefaultFirewallIds, DeviceRef, DeviceType, Firewall,
    FirewallRule, FirewallRules, FirewallStatus, FirewallUpdate, Ports, PrefixList, Protocol,
    RuleAction, RuleSet, RuleSetType, RuleSetUpdate,
};
use linode::api::nodebalancers::{CreateNodeBalancer, NodeBalancer};
use linode::{Client, Error};
use linode_sandbox::Sandbox;
use serde_json::{Value, json};

fn net(text: &str) -> ipnet::IpNet {
    text.parse().unwrap()
}

/// SSH from one network, and ping from everywhere: the rules most tests start from.
fn base_rules() -> FirewallRules {
    FirewallRules::new(RuleAction::Drop, RuleAction::Accept)
        .inbound(
            FirewallRule::accept(Protocol::Tcp)
                .ports(Ports::single(22))
                .nets([net("192.0.2.0/24"), net("2001:db8::/32")])
                .label("ssh-in"),
        )
        .inbound(FirewallRule::accept(Protocol::Icmp).ipv4([net("0.0.0.0/0")]))
}

async fn create(client: &Client, label: &str) -> Firewall {
    client
        .networking()
        .firewalls()
        .create(CreateFirewall::new(label, base_rules()))
        .await
        .unwrap()
}

async fn nodebalancer(client: &Client) -> NodeBalancer {
    client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("us-east"))
        .await
        .unwrap()
}

/// Sends `body` with `method` to `path` as the client never would; answers status and JSON.
async fn raw(sandbox: &Sandbox, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let answer = reqwest::Client::new()
        .request(method, format!("{}{path}", sandbox.base_url()))
        .bearer_auth(sandbox.token())
        .json(body)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.json().await.unwrap())
}

/// Checks that the sandbox refuses each body with 400, naming `field` with `reason`.
async fn assert_refusals(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    cases: &[(Value, &str, &str)],
) {
    for (body, field, reason) in cases {
        let (status, answer) = raw(sandbox, method, path, body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["errors"][0]["field"], *field, "{body}");
        assert_eq!(answer["errors"][0]["reason"], *reason, "{body}");
    }
}

/// The invalid-argument field of a refusal made before any request.
fn invalid_field(err: Error) -> String {
    match err {
        Error::InvalidArgument { field, .. } => field,
        other => panic!("expected an invalid argument, got {other:?}"),
    }
}

/// A firewall body the sandbox accepts, whose first inbound rule is `rule`.
fn with_rule(rule: Value) -> Value {
    json!({"label": "fw-raw", "rules": {
        "inbound_policy": "DROP", "outbound_policy": "ACCEPT", "inbound": [rule]
    }})
}

#[tokio::test]
async fn create_sends_typed_rules_and_devices_and_the_sandbox_keeps_version_1() {
    let (sandbox, client) = common::setup().await;
    let web = empty_linode(&client, "us-east", "web-1").await;
    let fw = client
        .networking()
        .firewalls()
        .create(
            CreateFirewall::new("web-fw", base_rules())
                .linodes([web.id])
                .tags(["web"]),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/networking/firewalls".to_owned(),
            Some(json!({
                "label": "web-fw",
                "rules": {
                    "inbound": [
                        {"action": "ACCEPT", "protocol": "TCP", "ports": "22",
                         "addresses": {"ipv4": ["192.0.2.0/24"], "ipv6": ["2001:db8::/32"]},
                         "label": "ssh-in"},
                        {"action": "ACCEPT", "protocol": "ICMP",
                         "addresses": {"ipv4": ["0.0.0.0/0"]}}
                    ],
                    "inbound_policy": "DROP",
                    "outbound": [],
                    "outbound_policy": "ACCEPT"
                },
                "devices": {"linodes": [web.id]},
                "tags": ["web"]
            }))
        )
    );
    assert_eq!(fw.status, FirewallStatus::Enabled);
    assert_eq!(fw.rules.version, Some(1));
    assert_eq!(fw.rules.inbound, base_rules().inbound);
    assert_eq!(fw.rules.fingerprint.as_ref().map(String::len), Some(8));
    assert_eq!(fw.entities.len(), 1);
    assert_eq!(fw.entities[0].id, web.id);
    assert_eq!(fw.entities[0].kind, DeviceType::Linode);
    assert_eq!(fw.entities[0].label.as_deref(), Some("web-1"));
    assert_eq!(
        fw.entities[0].url,
        format!("/v4/linode/instances/{}", web.id)
    );

    let stored = sandbox.firewall(fw.id).unwrap();
    assert_eq!(stored["status"], "enabled");
    assert_eq!(stored["rules"]["version"], 1);
    assert_eq!(stored["tags"], json!(["web"]));
    let devices = sandbox.firewall_devices();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0]["firewall_id"], fw.id);
    assert_eq!(devices[0]["entity"]["id"], web.id);

    // Both sides agree.
    let mut from_linode = web.firewalls(&client).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!(
            "GET /v4/linode/instances/{}/firewalls?page=1&page_size=100",
            web.id
        )
    );
    assert_eq!(from_linode.len(), 1);
    assert_eq!(from_linode.first().await.unwrap().unwrap().id, fw.id);
    let mut from_firewall = fw.devices(&client).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!(
            "GET /v4/networking/firewalls/{}/devices?page=1&page_size=100",
            fw.id
        )
    );
    assert_eq!(
        from_firewall.first().await.unwrap().unwrap().entity.id,
        web.id
    );
    assert_eq!(
        event_actions(&sandbox, "firewall"),
        ["firewall_create", "firewall_device_add"]
    );

    // A renamed Linode shows its new label on both sides.
    let mut web = web;
    web.label = "web-renamed".into();
    web.save(&client).await.unwrap();
    let fw = client.networking().firewalls().get(fw.id).await.unwrap();
    assert_eq!(fw.entities[0].label.as_deref(), Some("web-renamed"));
    let mut devices = fw.devices(&client).await.unwrap();
    let device = devices.first().await.unwrap().unwrap();
    assert_eq!(device.entity.label.as_deref(), Some("web-renamed"));
}

#[tokio::test]
async fn list_filters_on_label_and_tags() {
    let (sandbox, client) = common::setup().await;
    create(&client, "web-fw").await;
    let db = client
        .networking()
        .firewalls()
        .create(CreateFirewall::new("db-fw", base_rules()).tags(["database"]))
        .await
        .unwrap();
    let all = client.networking().firewalls().list().await.unwrap();
    assert_eq!(all.len(), 2);
    let mut found = client
        .networking()
        .firewalls()
        .list()
        .filter(Firewall::TAGS.eq("database"))
        .await
        .unwrap();
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"tags":"database"}"#)
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found.first().await.unwrap().unwrap().id, db.id);
    let loaded = client.networking().firewalls().get(db.id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/networking/firewalls/{}", db.id)
    );
    assert_eq!(loaded, found.first().await.unwrap().unwrap().clone());
}

#[tokio::test]
async fn update_changes_label_status_and_tags_and_save_sends_them_all() {
    let (sandbox, client) = common::setup().await;
    let fw = create(&client, "web-fw").await;
    let updated = client
        .networking()
        .firewalls()
        .update(fw.id, &FirewallUpdate::new().enabled(false).tags(["edge"]))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            format!("/v4/networking/firewalls/{}", fw.id),
            Some(json!({"status": "disabled", "tags": ["edge"]}))
        )
    );
    assert_eq!(updated.status, FirewallStatus::Disabled);
    assert_eq!(sandbox.firewall(fw.id).unwrap()["status"], "disabled");

    let mut fw = updated;
    fw.label = "edge-fw".into();
    fw.status = FirewallStatus::Enabled;
    fw.save(&client).await.unwrap();
    assert_eq!(
        common::last_body(&sandbox),
        json!({"label": "edge-fw", "status": "enabled", "tags": ["edge"]})
    );
    assert_eq!(sandbox.firewall(fw.id).unwrap()["label"], "edge-fw");
    assert_eq!(
        event_actions(&sandbox, "firewall"),
        ["firewall_create", "firewall_disable", "firewall_enable"]
    );

    // Refused before any request: a status the API does not take, a label of the wrong shape.
    let sent = sandbox.requests().len();
    let mut deleted = FirewallUpdate::new();
    deleted.status = Some(FirewallStatus::Deleted);
    let err = client
        .networking()
        .firewalls()
        .update(fw.id, &deleted)
        .await;
    assert_eq!(invalid_field(err.unwrap_err()), "status");
    let err = client
        .networking()
        .firewalls()
        .update(fw.id, &FirewallUpdate::new().label("a..b"))
        .await;
    assert_eq!(invalid_field(err.unwrap_err()), "label");
    assert_eq!(sandbox.requests().len(), sent);

    // Refused by the sandbox: a label another firewall has, a status it does not take.
    create(&client, "other-fw").await;
    let err = client
        .networking()
        .firewalls()
        .update(fw.id, &FirewallUpdate::new().label("other-fw"))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("label"),
            "Label must be unique among your firewalls"
        )
    );
    assert_refusals(
        &sandbox,
        "PUT",
        &format!("/v4/networking/firewalls/{}", fw.id),
        &[(
            json!({"status": "deleted"}),
            "status",
            "status must be one of enabled, disabled",
        )],
    )
    .await;
}

#[tokio::test]
async fn replacing_rules_makes_a_new_version_kept_in_the_history() {
    let (sandbox, client) = common::setup().await;
    let fw = create(&client, "web-fw").await;
    let group = client.networking().firewalls();
    let rules = group.rules(fw.id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/networking/firewalls/{}/rules", fw.id)
    );
    assert_eq!(rules, fw.rules);

    let web = FirewallRules::new(RuleAction::Drop, RuleAction::Drop)
        .inbound(
            FirewallRule::accept(Protocol::Tcp)
                .ports(Ports::list([
                    80u16.into(),
                    443u16.into(),
                    (8000..=8999).into(),
                ]))
                .nets([net("0.0.0.0/0"), net("::/0")]),
        )
        .outbound(
            FirewallRule::accept(Protocol::Udp)
                .ports(Ports::single(53))
                .ipv4([Address::prefix_list("pl:system:resolvers:us-east")])
                .description("DNS"),
        );
    let new = group.set_rules(fw.id, &web).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            format!("/v4/networking/firewalls/{}/rules", fw.id),
            Some(json!({
                "inbound": [{"action": "ACCEPT", "protocol": "TCP", "ports": "80, 443, 8000-8999",
                             "addresses": {"ipv4": ["0.0.0.0/0"], "ipv6": ["::/0"]}}],
                "inbound_policy": "DROP",
                "outbound": [{"action": "ACCEPT", "protocol": "UDP", "ports": "53",
                              "addresses": {"ipv4": ["pl:system:resolvers:us-east"]},
                              "description": "DNS"}],
                "outbound_policy": "DROP"
            }))
        )
    );
    assert_eq!(new.version, Some(2));
    assert_ne!(new.fingerprint, fw.rules.fingerprint);
    assert_eq!(sandbox.firewall(fw.id).unwrap()["rules"]["version"], 2);
    assert_eq!(new.inbound[0].ports.as_ref().unwrap().ranges().len(), 3);

    let versions = group
        .rule_versions(fw.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!(
            "GET /v4/networking/firewalls/{}/history?page=1&page_size=100",
            fw.id
        )
    );
    let numbers: Vec<u64> = versions.iter().map(|v| v.rules.version).collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(versions[0].status, Some(FirewallStatus::Enabled));
    let first = group.rule_version(fw.id, 1).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/networking/firewalls/{}/history/rules/1", fw.id)
    );
    assert_eq!(first, fw.rules);
    let err = group.rule_version(fw.id, 3).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
}

#[tokio::test]
async fn rules_are_refused_before_any_request_naming_the_field() {
    let (sandbox, client) = common::setup().await;
    let fw = create(&client, "web-fw").await;
    let group = client.networking().firewalls();
    let sent = sandbox.requests().len();
    let any = FirewallRule::accept(Protocol::Icmp).ipv4([net("0.0.0.0/0")]);

    let icmp_ports = FirewallRules::new(RuleAction::Drop, RuleAction::Accept)
        .inbound(any.clone())
        .inbound(any.clone().ports(Ports::single(7)));
    let err = group.set_rules(fw.id, &icmp_ports).await.unwrap_err();
    assert_eq!(invalid_field(err), "inbound[1].ports");
    let err = group
        .create(CreateFirewall::new("fw-two", icmp_ports))
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err), "rules.inbound[1].ports");

    let mut many = FirewallRules::new(RuleAction::Drop, RuleAction::Accept);
    for _ in 0..13 {
        many = many.inbound(any.clone()).outbound(any.clone());
    }
    assert_eq!(
        invalid_field(group.set_rules(fw.id, &many).await.unwrap_err()),
        "rules"
    );

    let v6_in_v4 = FirewallRules::new(RuleAction::Drop, RuleAction::Accept)
        .outbound(FirewallRule::drop(Protocol::Tcp).ipv4([net("2001:db8::/32")]));
    assert_eq!(
        invalid_field(group.set_rules(fw.id, &v6_in_v4).await.unwrap_err()),
        "outbound[0].addresses.ipv4[0]"
    );
    let no_addresses = FirewallRules::new(RuleAction::Drop, RuleAction::Accept)
        .inbound(FirewallRule::accept(Protocol::Udp));
    assert_eq!(
        invalid_field(group.set_rules(fw.id, &no_addresses).await.unwrap_err()),
        "inbound[0].addresses"
    );
    let odd_protocol = FirewallRules::new(RuleAction::Drop, RuleAction::Accept)
        .inbound(FirewallRule::accept("SCTP".parse().unwrap()).ipv4([net("0.0.0.0/0")]));
    assert_eq!(
        invalid_field(group.set_rules(fw.id, &odd_protocol).await.unwrap_err()),
        "inbound[0].protocol"
    );
    assert_eq!(invalid_field(Ports::parse("080").unwrap_err()), "ports");
    assert_eq!(
        invalid_field(Ports::parse("1-2,3-4,5-6,7-8,9-10,11-12,13-14,15-16").unwrap_err()),
        "ports"
    );
    assert_eq!(
        invalid_field(Address::parse("example.org").unwrap_err()),
        "addresses"
    );
    assert_eq!(sandbox.requests().len(), sent);
    assert_eq!(sandbox.firewall(fw.id).unwrap()["rules"]["version"], 1);
}

#[tokio::test]
async fn the_sandbox_refuses_each_rule_with_the_field_and_reason() {
    let (sandbox, _client) = common::setup().await;
    let tcp = |ports: &str| {
        with_rule(
            json!({"action": "ACCEPT", "protocol": "TCP", "ports": ports,
                          "addresses": {"ipv4": ["0.0.0.0/0"]}}),
        )
    };
    let addresses = |addresses: Value| {
        with_rule(json!({"action": "ACCEPT", "protocol": "TCP", "addresses": addresses}))
    };
    let ping =
        json!({"action": "ACCEPT", "protocol": "ICMP", "addresses": {"ipv4": ["0.0.0.0/0"]}});
    let sixteen = "1-2,3-4,5-6,7-8,9-10,11-12,13-14,15-16";
    assert_refusals(
        &sandbox,
        "POST",
        "/v4/networking/firewalls",
        &[
            (tcp("080"), "rules.inbound[0].ports", "Port 080 must not have leading zeros"),
            (tcp("70000"), "rules.inbound[0].ports", "Port 70000 must be between 1 and 65535"),
            (tcp("0"), "rules.inbound[0].ports", "Port 0 must be between 1 and 65535"),
            (
                tcp("2000-1000"),
                "rules.inbound[0].ports",
                "The end of the range 2000-1000 must be greater than its start",
            ),
            (
                tcp("22,,80"),
                "rules.inbound[0].ports",
                "\"\" is not a port: use a port, a range of ports, or a comma-separated list of both",
            ),
            (
                tcp(sixteen),
                "rules.inbound[0].ports",
                "Ports may have up to 15 pieces (a range counts as two)",
            ),
            (
                with_rule(json!({"action": "ACCEPT", "protocol": "ICMP", "ports": "22",
                                  "addresses": {"ipv4": ["0.0.0.0/0"]}})),
                "rules.inbound[0].ports",
                "Ports are not allowed for the ICMP protocol",
            ),
            (
                with_rule(json!({"action": "ACCEPT", "protocol": "IPENCAP", "ports": "22",
                                  "addresses": {"ipv4": ["0.0.0.0/0"]}})),
                "rules.inbound[0].ports",
                "Ports are not allowed for the IPENCAP protocol",
            ),
            (
                with_rule(json!({"action": "ACCEPT", "protocol": "GRE", "addresses": {"ipv4": ["0.0.0.0/0"]}})),
                "rules.inbound[0].protocol",
                "protocol must be one of TCP, UDP, ICMP, IPENCAP",
            ),
            (
                with_rule(json!({"action": "ALLOW", "protocol": "TCP", "addresses": {"ipv4": ["0.0.0.0/0"]}})),
                "rules.inbound[0].action",
                "action must be one of ACCEPT, DROP",
            ),
            (
                with_rule(json!({"protocol": "TCP", "addresses": {"ipv4": ["0.0.0.0/0"]}})),
                "rules.inbound[0].action",
                "action is required",
            ),
            (
                addresses(json!({"ipv4": ["192.0.2.1"]})),
                "rules.inbound[0].addresses.ipv4[0]",
                "192.0.2.1 is not an IPv4 address in IP/mask format",
            ),
            (
                addresses(json!({"ipv4": ["2001:db8::/32"]})),
                "rules.inbound[0].addresses.ipv4[0]",
                "2001:db8::/32 is not an IPv4 address in IP/mask format",
            ),
            (
                addresses(json!({"ipv6": ["2001:db8::/129"]})),
                "rules.inbound[0].addresses.ipv6[0]",
                "2001:db8::/129 is not an IPv6 address in IP/mask format",
            ),
            (
                addresses(json!({})),
                "rules.inbound[0].addresses",
                "Must contain ipv4, ipv6, or both",
            ),
            (
                addresses(json!({"ipv4": []})),
                "rules.inbound[0].addresses.ipv4",
                "Must not be an empty list",
            ),
            (
                addresses(json!({"ipv4": ["pl:system:nowhere"]})),
                "rules.inbound[0].addresses.ipv4[0]",
                "Prefix List pl:system:nowhere not found",
            ),
            (
                with_rule(json!({"action": "ACCEPT", "protocol": "TCP", "label": "ab",
                                  "addresses": {"ipv4": ["0.0.0.0/0"]}})),
                "rules.inbound[0].label",
                "Length must be 3-32 characters",
            ),
            (
                with_rule(json!({"ruleset": 999})),
                "rules.inbound[0].ruleset",
                "Rule Set not found",
            ),
            (
                json!({"label": "fw-raw", "rules": {"inbound_policy": "MAYBE", "outbound_policy": "ACCEPT"}}),
                "rules.inbound_policy",
                "inbound_policy must be one of ACCEPT, DROP",
            ),
            (
                json!({"label": "fw-raw", "rules": {"inbound_policy": "DROP"}}),
                "rules.outbound_policy",
                "outbound_policy is required",
            ),
            (
                json!({"label": "fw-raw", "rules": {"inbound_policy": "DROP", "outbound_policy": "ACCEPT",
                        "inbound": vec![ping.clone(); 13], "outbound": vec![ping.clone(); 13]}}),
                "rules",
                "A firewall may have up to 25 rules across its inbound and outbound rules",
            ),
            (
                json!({"label": "x", "rules": {"inbound_policy": "DROP", "outbound_policy": "ACCEPT"}}),
                "label",
                "Length must be 3-32 characters",
            ),
            (
                json!({"label": "fw--raw", "rules": {"inbound_policy": "DROP", "outbound_policy": "ACCEPT"}}),
                "label",
                "Must begin with a letter, end with a letter or number, and only use letters, numbers, '-', '_' and '.' (never two of '-', '_' or '.' in a row)",
            ),
            (json!({"label": "fw-raw"}), "rules", "rules is required"),
        ],
    )
    .await;
    // The limit is on both directions together: 25 pass.
    let (status, _) = raw(
        &sandbox,
        "POST",
        "/v4/networking/firewalls",
        &json!({"label": "fw-max", "rules": {"inbound_policy": "DROP", "outbound_policy": "ACCEPT",
                "inbound": vec![ping.clone(); 12], "outbound": vec![ping; 13]}}),
    )
    .await;
    assert_eq!(status, 200);
    // Nothing refused was kept.
    assert_eq!(event_actions(&sandbox, "firewall"), ["firewall_create"]);
}

#[tokio::test]
async fn devices_attach_get_and_detach_and_a_service_has_one_enabled_firewall() {
    let (sandbox, client) = common::setup().await;
    let group = client.networking().firewalls();
    let fw = create(&client, "lb-fw").await;
    let nb = nodebalancer(&client).await;
    let device = group
        .attach(fw.id, DeviceRef::nodebalancer(nb.id))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/networking/firewalls/{}/devices", fw.id),
            Some(json!({"id": nb.id, "type": "nodebalancer"}))
        )
    );
    assert_eq!(device.entity.kind, DeviceType::NodeBalancer);
    assert_eq!(device.entity.url, format!("/v4/nodebalancers/{}", nb.id));
    assert_eq!(sandbox.firewall(fw.id).unwrap()["entities"][0]["id"], nb.id);

    let loaded = group.device(fw.id, device.id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!(
            "GET /v4/networking/firewalls/{}/devices/{}",
            fw.id, device.id
        )
    );
    assert_eq!(loaded, device);
    let mut of_nb = nb.firewalls(&client).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!(
            "GET /v4/nodebalancers/{}/firewalls?page=1&page_size=100",
            nb.id
        )
    );
    assert_eq!(of_nb.first().await.unwrap().unwrap().id, fw.id);

    // A service has one enabled firewall; the entity must exist; there are no Linode
    // interfaces.
    let other = create(&client, "other-fw").await;
    let err = group
        .attach(other.id, DeviceRef::nodebalancer(nb.id))
        .await
        .unwrap_err();
    let taken = format!(
        "nodebalancer {} already has an enabled firewall ({})",
        nb.id, fw.id
    );
    assert_eq!(refusal(&err), (400, Some("id"), taken.as_str()));
    // A disabled firewall may join it, but not be enabled while the other is.
    group
        .update(other.id, &FirewallUpdate::new().enabled(false))
        .await
        .unwrap();
    let second = group
        .attach(other.id, DeviceRef::nodebalancer(nb.id))
        .await
        .unwrap();
    let ids: Vec<u64> = nb
        .firewalls(&client)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(ids, [fw.id, other.id]);
    let err = group
        .update(other.id, &FirewallUpdate::new().enabled(true))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (400, Some("status"), taken.as_str()));
    assert_eq!(sandbox.firewall(other.id).unwrap()["status"], "disabled");
    let err = group
        .attach(other.id, DeviceRef::nodebalancer(nb.id))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("id"),
            format!(
                "nodebalancer {} is already assigned to this firewall",
                nb.id
            )
            .as_str()
        )
    );
    group.detach(other.id, second.id).await.unwrap();
    let err = group
        .attach(other.id, DeviceRef::linode(1))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (400, Some("id"), "Linode 1 not found"));
    let err = group
        .attach(other.id, DeviceRef::linode_interface(5))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("id"), "Linode interface 5 not found")
    );
    assert_refusals(
        &sandbox,
        "POST",
        &format!("/v4/networking/firewalls/{}/devices", other.id),
        &[
            (json!({"id": nb.id}), "type", "type is required"),
            (
                json!({"id": nb.id, "type": "volume"}),
                "type",
                "type must be one of linode, nodebalancer, linode_interface",
            ),
            (json!({"type": "linode"}), "id", "id is required"),
        ],
    )
    .await;

    group.detach(fw.id, device.id).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "DELETE".to_owned(),
            format!("/v4/networking/firewalls/{}/devices/{}", fw.id, device.id),
            None
        )
    );
    assert!(sandbox.firewall_devices().is_empty());
    assert_eq!(sandbox.firewall(fw.id).unwrap()["entities"], json!([]));
    assert_eq!(nb.firewalls(&client).await.unwrap().len(), 0);
    let err = group.device(fw.id, device.id).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    assert_eq!(
        event_actions(&sandbox, "firewall_device"),
        [
            "firewall_device_add",
            "firewall_device_add",
            "firewall_device_remove",
            "firewall_device_remove"
        ]
    );
}

#[tokio::test]
async fn deleting_a_firewall_or_its_service_detaches_them() {
    let (sandbox, client) = common::setup().await;
    let group = client.networking().firewalls();
    let a = empty_linode(&client, "us-east", "web-a").await;
    let b = empty_linode(&client, "us-east", "web-b").await;
    let nb = nodebalancer(&client).await;
    let fw = group
        .create(
            CreateFirewall::new("web-fw", base_rules())
                .linodes([a.id, b.id])
                .nodebalancers([nb.id]),
        )
        .await
        .unwrap();
    assert_eq!(fw.entities.len(), 3);

    client.linode().delete_instance(a.id).await.unwrap();
    client.nodebalancers().delete(nb.id).await.unwrap();
    let kept = sandbox.firewall(fw.id).unwrap();
    assert_eq!(kept["entities"].as_array().unwrap().len(), 1);
    assert_eq!(kept["entities"][0]["id"], b.id);
    let devices = group.devices(fw.id).await.unwrap();
    assert_eq!(devices.len(), 1);

    group.delete(fw.id).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "DELETE".to_owned(),
            format!("/v4/networking/firewalls/{}", fw.id),
            None
        )
    );
    assert!(sandbox.firewall(fw.id).is_none());
    assert!(sandbox.firewall_devices().is_empty());
    assert_eq!(b.firewalls(&client).await.unwrap().len(), 0);
    let err = group.get(fw.id).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    assert_eq!(
        event_actions(&sandbox, "firewall_delete"),
        ["firewall_delete"]
    );
}

#[tokio::test]
async fn a_linode_or_nodebalancer_sets_its_firewalls_from_its_side() {
    let (sandbox, client) = common::setup().await;
    let group = client.networking().firewalls();
    let web = empty_linode(&client, "us-east", "web-1").await;
    let first = create(&client, "first-fw").await;
    let second = create(&client, "second-fw").await;

    let set = group
        .set_linode_firewalls(web.id, &[first.id])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            format!("/v4/linode/instances/{}/firewalls", web.id),
            Some(json!({"firewall_ids": [first.id]}))
        )
    );
    assert_eq!(set.len(), 1);
    assert_eq!(set[0].id, first.id);
    assert_eq!(set[0].entities[0].id, web.id);
    // Moving it: the old firewall lets go.
    group
        .set_linode_firewalls(web.id, &[second.id])
        .await
        .unwrap();
    assert_eq!(sandbox.firewall(first.id).unwrap()["entities"], json!([]));
    assert_eq!(
        event_actions(&sandbox, "firewall_device"),
        [
            "firewall_device_add",
            "firewall_device_remove",
            "firewall_device_add"
        ]
    );
    assert_eq!(
        sandbox.firewall(second.id).unwrap()["entities"][0]["id"],
        web.id
    );
    let mut devices = group.devices(second.id).await.unwrap();
    assert_eq!(devices.first().await.unwrap().unwrap().entity.id, web.id);

    group.apply_linode_firewalls(web.id).await.unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            format!("/v4/linode/instances/{}/firewalls/apply", web.id),
            Some(json!({}))
        )
    );
    assert_eq!(
        event_actions(&sandbox, "firewall_apply"),
        ["firewall_apply"]
    );

    let err = group
        .set_linode_firewalls(web.id, &[first.id, second.id])
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("firewall_ids"),
            "A linode can have only one enabled firewall"
        )
    );
    let err = group.set_linode_firewalls(web.id, &[1]).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("firewall_ids[0]"), "Firewall 1 not found")
    );
    let err = group
        .set_linode_firewalls(1, &[first.id])
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    let err = group.apply_linode_firewalls(1).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));

    // One enabled and one disabled firewall together.
    group
        .update(first.id, &FirewallUpdate::new().enabled(false))
        .await
        .unwrap();
    let both = group
        .set_linode_firewalls(web.id, &[first.id, second.id])
        .await
        .unwrap();
    let ids: Vec<u64> = both.iter().map(|f| f.id).collect();
    assert_eq!(ids, [first.id, second.id]);
    assert_eq!(sandbox.firewall_devices().len(), 2);

    group.set_linode_firewalls(web.id, &[]).await.unwrap();
    assert!(sandbox.firewall_devices().is_empty());

    let nb = nodebalancer(&client).await;
    let set = group
        .set_nodebalancer_firewalls(nb.id, &[first.id])
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            format!("/v4/nodebalancers/{}/firewalls", nb.id),
            Some(json!({"firewall_ids": [first.id]}))
        )
    );
    assert_eq!(set[0].id, first.id);
    let mut listed = group.nodebalancer_firewalls(nb.id).await.unwrap();
    assert_eq!(
        listed.first().await.unwrap().unwrap().entities[0].kind,
        DeviceType::NodeBalancer
    );
}

#[tokio::test]
async fn settings_name_the_default_firewall_new_services_get_which_cannot_be_deleted() {
    let (sandbox, client) = common::setup().await;
    let group = client.networking().firewalls();
    let settings = group.settings().await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/networking/firewalls/settings"
    );
    assert_eq!(settings.default_firewall_ids, DefaultFirewallIds::new());
    let fw = create(&client, "default-fw").await;
    let settings = group
        .update_settings(&DefaultFirewallIds::new().linode(fw.id).vpc_interface(fw.id))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            "/v4/networking/firewalls/settings".to_owned(),
            Some(json!({"default_firewall_ids": {"linode": fw.id, "vpc_interface": fw.id}}))
        )
    );
    assert_eq!(settings.default_firewall_ids.linode, Some(fw.id));
    assert_eq!(settings.default_firewall_ids.nodebalancer, None);
    assert_eq!(
        group
            .settings()
            .await
            .unwrap()
            .default_firewall_ids
            .vpc_interface,
        Some(fw.id)
    );

    // A new Linode gets the default firewall, unless its create body names another; a
    // NodeBalancer has no default here, and takes the one it names.
    let web = empty_linode(&client, "us-east", "web-1").await;
    let mut on_web = web.firewalls(&client).await.unwrap();
    assert_eq!(on_web.first().await.unwrap().unwrap().id, fw.id);
    let other = create(&client, "other-fw").await;
    let (status, named) = raw(
        &sandbox,
        "POST",
        "/v4/linode/instances",
        &json!({"region": "us-east", "type": "g6-nanode-1", "firewall_id": other.id}),
    )
    .await;
    assert_eq!(status, 200);
    let named = named["id"].as_u64().unwrap();
    let on_named = group.linode_firewalls(named).await.unwrap();
    assert_eq!(on_named.len(), 1);
    assert_eq!(
        sandbox.firewall(other.id).unwrap()["entities"][0]["id"],
        named
    );
    let nb = nodebalancer(&client).await;
    assert_eq!(nb.firewalls(&client).await.unwrap().len(), 0);
    let (status, lb) = raw(
        &sandbox,
        "POST",
        "/v4/nodebalancers",
        &json!({"region": "us-east", "firewall_id": other.id}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        sandbox.firewall(other.id).unwrap()["entities"][1]["id"],
        lb["id"]
    );
    let before = sandbox.instances().len();
    assert_refusals(
        &sandbox,
        "POST",
        "/v4/linode/instances",
        &[(
            json!({"region": "us-east", "type": "g6-nanode-1", "firewall_id": 1}),
            "firewall_id",
            "Firewall 1 not found",
        )],
    )
    .await;
    assert_eq!(sandbox.instances().len(), before);

    let err = group.delete(fw.id).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            format!(
                "Firewall {} is the account's default firewall for linode and cannot be deleted",
                fw.id
            )
            .as_str()
        )
    );
    assert!(sandbox.firewall(fw.id).is_some());
    let err = group
        .update_settings(&DefaultFirewallIds::new().nodebalancer(1))
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("default_firewall_ids.nodebalancer"),
            "Firewall 1 not found"
        )
    );
    assert_refusals(
        &sandbox,
        "PUT",
        "/v4/networking/firewalls/settings",
        &[(
            json!({}),
            "default_firewall_ids",
            "default_firewall_ids is required",
        )],
    )
    .await;
}

#[tokio::test]
async fn templates_are_a_read_only_catalog() {
    let (sandbox, client) = common::setup().await;
    let group = client.networking().firewalls();
    let all = group
        .templates()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let slugs: Vec<&str> = all.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(slugs, ["akamai-non-prod", "public", "vpc"]);
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/networking/firewalls/templates?page=1&page_size=100"
    );
    let vpc = group.template("vpc").await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/networking/firewalls/templates/vpc"
    );
    assert_eq!(
        vpc.rules.inbound[0].addresses.as_ref().unwrap().ipv4,
        Some(vec![Address::prefix_list("pl::vpcs:<current>")])
    );
    assert_eq!(vpc.rules.inbound_policy, RuleAction::Drop);
    let err = group.template("nope").await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    // A template's rules make a firewall as they are.
    let fw = group
        .create(CreateFirewall::new("vpc-fw", vpc.rules.clone()))
        .await
        .unwrap();
    assert_eq!(fw.rules.inbound, vpc.rules.inbound);
}

#[tokio::test]
async fn rule_sets_are_referenced_expanded_and_kept_while_in_use() {
    let (sandbox, client) = common::setup().await;
    let group = client.networking().firewalls();
    let set = group
        .create_rule_set(
            CreateRuleSet::new("storage-in", RuleSetType::Inbound)
                .description("Object Storage")
                .rule(
                    FirewallRule::accept(Protocol::Tcp)
                        .ports(Ports::single(443))
                        .ipv4([Address::prefix_list("pl:system:object-storage:us-east")]),
                ),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".to_owned(),
            "/v4/networking/firewalls/rulesets".to_owned(),
            Some(json!({
                "label": "storage-in", "description": "Object Storage", "type": "inbound",
                "rules": [{"action": "ACCEPT", "protocol": "TCP", "ports": "443",
                           "addresses": {"ipv4": ["pl:system:object-storage:us-east"]}}]
            }))
        )
    );
    assert_eq!(set.kind, RuleSetType::Inbound);
    assert_eq!(set.version, 1);
    assert!(!set.is_service_defined);
    let mut listed = group
        .rule_sets()
        .filter(RuleSet::LABEL.eq("storage-in"))
        .await
        .unwrap();
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"label":"storage-in"}"#)
    );
    assert_eq!(listed.first().await.unwrap().unwrap().id, set.id);
    assert_eq!(group.rule_set(set.id).await.unwrap(), set);
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/networking/firewalls/rulesets/{}", set.id)
    );

    // A firewall references it, once, in its own direction.
    let rules = base_rules().inbound(FirewallRule::rule_set(set.id));
    let fw = group
        .create(CreateFirewall::new("ref-fw", rules))
        .await
        .unwrap();
    assert_eq!(
        common::last_body(&sandbox)["rules"]["inbound"][2],
        json!({"ruleset": set.id})
    );
    assert_eq!(fw.rules.inbound[2], FirewallRule::rule_set(set.id));
    let expanded = group.expanded_rules(fw.id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/networking/firewalls/{}/rules/expansion", fw.id)
    );
    assert_eq!(expanded.inbound.len(), 3);
    assert_eq!(expanded.inbound[2].ruleset, None);
    assert_eq!(
        expanded.inbound[2].addresses.as_ref().unwrap().ipv4,
        Some(vec![
            Address::Net(net("192.0.2.64/26")),
            Address::Net(net("192.0.2.128/26"))
        ])
    );
    let path = format!("/v4/networking/firewalls/{}/rules", fw.id);
    let outbound_set = group
        .create_rule_set(CreateRuleSet::new("out-set", RuleSetType::Outbound))
        .await
        .unwrap();
    assert_refusals(
        &sandbox,
        "PUT",
        &path,
        &[
            (
                json!({"inbound": [{"ruleset": set.id}, {"ruleset": set.id}]}),
                "inbound[1].ruleset",
                "A firewall can reference a Rule Set only once",
            ),
            (
                json!({"inbound": [{"ruleset": outbound_set.id}]}),
                "inbound[0].ruleset",
                format!("Rule Set {} is not of type inbound", outbound_set.id).as_str(),
            ),
            (
                json!({"inbound": [{"ruleset": set.id, "protocol": "TCP"}]}),
                "inbound[0].ruleset",
                "A rule referencing a Rule Set cannot have fields of its own",
            ),
        ],
    )
    .await;

    // In use, it stays; its type never changes; it cannot reference another.
    let err = group.delete_rule_set(set.id).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            None,
            format!("Rule Set {} is in use by firewall {}", set.id, fw.id).as_str()
        )
    );
    let rs_path = format!("/v4/networking/firewalls/rulesets/{}", set.id);
    assert_refusals(
        &sandbox,
        "PUT",
        &rs_path,
        &[
            (
                json!({"type": "outbound"}),
                "type",
                "The type of a Rule Set cannot be changed",
            ),
            (
                json!({"rules": [{"ruleset": outbound_set.id}]}),
                "rules[0].ruleset",
                "A Rule Set cannot reference another Rule Set",
            ),
        ],
    )
    .await;
    assert_refusals(
        &sandbox,
        "POST",
        "/v4/networking/firewalls/rulesets",
        &[
            (
                json!({"label": "no-type", "rules": []}),
                "type",
                "type is required",
            ),
            (
                json!({"label": "bad", "type": "sideways", "rules": []}),
                "type",
                "type must be one of inbound, outbound",
            ),
        ],
    )
    .await;
    let err = group
        .create_rule_set(
            CreateRuleSet::new("nested", RuleSetType::Inbound).rule(FirewallRule::rule_set(set.id)),
        )
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err), "rules[0].ruleset");

    let updated = group
        .update_rule_set(set.id, &RuleSetUpdate::new().label("storage-tls").rules([]))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".to_owned(),
            rs_path.clone(),
            Some(json!({"label": "storage-tls", "rules": []}))
        )
    );
    assert_eq!(updated.version, 2);
    assert_eq!(updated.label, "storage-tls");

    group.set_rules(fw.id, &base_rules()).await.unwrap();
    group.delete_rule_set(set.id).await.unwrap();
    assert_eq!(last_request(&sandbox), ("DELETE".to_owned(), rs_path, None));
    let err = group.rule_set(set.id).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
}

#[tokio::test]
async fn prefix_lists_are_a_read_only_catalog_filterable_by_name() {
    let (sandbox, client) = common::setup().await;
    let group = client.networking().firewalls();
    let all = group.prefix_lists().await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/networking/prefixlists?page=1&page_size=100"
    );
    assert_eq!(all.len(), 3);
    let mut resolvers = group
        .prefix_lists()
        .filter(PrefixList::NAME.eq("pl:system:resolvers:us-east"))
        .await
        .unwrap();
    let resolvers = resolvers.first().await.unwrap().unwrap().clone();
    assert_eq!(resolvers.id, 2);
    assert_eq!(resolvers.ipv6, None);
    assert_eq!(
        resolvers.ipv4.as_ref().unwrap()[0],
        Address::Net(net("198.51.100.53/32"))
    );
    let vpc = group.prefix_list(3).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        "GET /v4/networking/prefixlists/3"
    );
    assert_eq!(vpc.name, "pl::vpcs:1001");
    let err = group.prefix_list(99).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
}
