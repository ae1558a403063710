//! Domains and their records end to end against the sandbox.

use crate::common;

use common::{assert_raw_refusals, event_actions, last_request, refusal};
use linode::api::domains::{
    CaaTag, CreateDomain, CreateRecord, Domain, DomainRecord, DomainStatus, DomainType,
    DomainUpdate, RecordType, RecordUpdate,
};
use linode::{Client, Error};
use serde_json::json;

/// Creates a master domain `name` whose SOA email is `admin@name`.
async fn master(client: &Client, name: &str) -> Domain {
    client
        .domains()
        .create(CreateDomain::master(name, format!("admin@{name}")))
        .await
        .unwrap()
}

#[tokio::test]
async fn create_master_and_slave_domains() {
    let (sandbox, client) = common::setup().await;
    let master = client
        .domains()
        .create(
            CreateDomain::master("example.org", "admin@example.org")
                .ttl_sec(300)
                .tags(["prod"])
                .description("main zone"),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".into(),
            "/v4/domains".into(),
            Some(json!({"domain": "example.org", "type": "master",
                        "soa_email": "admin@example.org", "description": "main zone",
                        "ttl_sec": 300, "tags": ["prod"]}))
        )
    );
    assert_eq!(master.domain, "example.org");
    assert_eq!(master.domain_type, DomainType::Master);
    assert_eq!(master.status, DomainStatus::Active);
    assert_eq!(master.ttl_sec, 300);
    let stored = sandbox.domain(master.id).unwrap();
    assert_eq!(stored["soa_email"], "admin@example.org");
    assert_eq!(stored["tags"], json!(["prod"]));

    let slave = client
        .domains()
        .create(CreateDomain::slave(
            "example.net",
            ["192.0.2.10", "2001:db8::10"],
        ))
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).2.unwrap(),
        json!({"domain": "example.net", "type": "slave",
               "master_ips": ["192.0.2.10", "2001:db8::10"]})
    );
    assert_eq!(slave.domain_type, DomainType::Slave);
    assert_eq!(slave.master_ips, ["192.0.2.10", "2001:db8::10"]);
    assert_eq!(sandbox.domain(slave.id).unwrap()["type"], "slave");

    let only = client
        .domains()
        .list()
        .filter(Domain::DOMAIN.eq("example.net"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].id, slave.id);
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"domain":"example.net"}"#)
    );
    assert_eq!(
        event_actions(&sandbox, ""),
        ["domain_create", "domain_create"]
    );
}

#[tokio::test]
async fn the_api_requires_what_each_type_needs() {
    let (sandbox, client) = common::setup().await;
    // Caught by the client before sending.
    let err = client
        .domains()
        .create(CreateDomain::slave("example.org", Vec::<String>::new()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "master_ips"));
    assert!(sandbox.requests().is_empty());

    // Refused by the sandbox: raw bodies the client would not build.
    assert_raw_refusals(
        &sandbox,
        "/v4/domains",
        [
            (
                json!({"domain": "example.org", "type": "master"}),
                "soa_email",
            ),
            (
                json!({"domain": "example.org", "type": "slave"}),
                "master_ips",
            ),
            (
                json!({"domain": "example.org", "type": "slave", "master_ips": ["nope"]}),
                "master_ips",
            ),
            (json!({"domain": "example.org", "type": "primary"}), "type"),
            (
                json!({"domain": "not a domain", "type": "master", "soa_email": "a@b.org"}),
                "domain",
            ),
            (json!({"type": "master", "soa_email": "a@b.org"}), "domain"),
            (
                json!({"domain": "example.org", "type": "master", "soa_email": "nobody"}),
                "soa_email",
            ),
        ],
    )
    .await;

    master(&client, "example.org").await;
    let err = client
        .domains()
        .create(CreateDomain::master("example.org", "admin@example.org"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("domain"));
}

#[tokio::test]
async fn save_update_and_delete_a_domain() {
    let (sandbox, client) = common::setup().await;
    let mut domain = master(&client, "example.org").await;
    domain.soa_email = "hostmaster@example.org".into();
    domain.refresh_sec = 301; // rounded up by the API
    domain.save(&client).await.unwrap();
    let (method, path, body) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path),
        ("PUT", format!("/v4/domains/{}", domain.id))
    );
    assert_eq!(
        body.unwrap(),
        json!({"domain": "example.org", "type": "master", "status": "active",
               "soa_email": "hostmaster@example.org", "master_ips": [], "axfr_ips": [],
               "retry_sec": 0, "expire_sec": 0, "refresh_sec": 301, "ttl_sec": 0, "tags": []})
    );
    assert_eq!(domain.refresh_sec, 3600);
    assert_eq!(
        sandbox.domain(domain.id).unwrap()["soa_email"],
        "hostmaster@example.org"
    );

    let disabled = client
        .domains()
        .update(
            domain.id,
            &DomainUpdate::new().status(DomainStatus::Disabled),
        )
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox).2.unwrap(),
        json!({"status": "disabled"})
    );
    assert_eq!(disabled.status, DomainStatus::Disabled);

    // Turning it into a slave without masters is refused.
    let err = client
        .domains()
        .update(
            domain.id,
            &DomainUpdate::new().domain_type(DomainType::Slave),
        )
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("master_ips"));
    assert_eq!(sandbox.domain(domain.id).unwrap()["type"], "master");

    let record = domain
        .create_record(&client, &CreateRecord::a("www", "203.0.113.10"))
        .await
        .unwrap();
    disabled.delete(&client).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("DELETE /v4/domains/{}", domain.id)
    );
    assert!(sandbox.domain(domain.id).is_none());
    assert!(sandbox.domain_records(domain.id).is_empty());
    let err = client
        .domains()
        .record(domain.id, record.id)
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(
        event_actions(&sandbox, ""),
        [
            "domain_create",
            "domain_update",
            "domain_update",
            "domain_record_create",
            "domain_delete"
        ]
    );
}

#[tokio::test]
async fn records_of_every_type_are_created_as_sent() {
    let (sandbox, client) = common::setup().await;
    let domain = master(&client, "example.org").await;
    let cases = [
        (
            CreateRecord::a("www", "203.0.113.10").ttl_sec(300),
            json!({"type": "A", "name": "www", "target": "203.0.113.10", "ttl_sec": 300}),
        ),
        (
            CreateRecord::aaaa("www", "2001:db8::10"),
            json!({"type": "AAAA", "name": "www", "target": "2001:db8::10"}),
        ),
        (
            CreateRecord::cname("blog", "www.example.org"),
            json!({"type": "CNAME", "name": "blog", "target": "www.example.org"}),
        ),
        (
            CreateRecord::mx("mail.example.org", 10),
            json!({"type": "MX", "target": "mail.example.org", "priority": 10}),
        ),
        (
            CreateRecord::txt("", "v=spf1 -all"),
            json!({"type": "TXT", "name": "", "target": "v=spf1 -all"}),
        ),
        (
            CreateRecord::ns("ns1.example.net"),
            json!({"type": "NS", "target": "ns1.example.net"}),
        ),
        (
            CreateRecord::srv("sip", "tcp", "sip", 5060)
                .priority(10)
                .weight(5),
            json!({"type": "SRV", "target": "sip", "service": "sip", "protocol": "tcp",
                   "port": 5060, "priority": 10, "weight": 5}),
        ),
        (
            CreateRecord::caa("", CaaTag::Issue, "letsencrypt.org"),
            json!({"type": "CAA", "name": "", "target": "letsencrypt.org", "tag": "issue"}),
        ),
    ];
    let mut ids = Vec::new();
    for (request, body) in &cases {
        let record = client
            .domains()
            .create_record(domain.id, request)
            .await
            .unwrap();
        let (method, path, sent) = last_request(&sandbox);
        assert_eq!(
            (method.as_str(), path),
            ("POST", format!("/v4/domains/{}/records", domain.id))
        );
        assert_eq!(&sent.unwrap(), body);
        ids.push(record.id);
    }
    let stored = sandbox.domain_records(domain.id);
    assert_eq!(stored.len(), cases.len());
    assert_eq!(stored[0]["target"], "203.0.113.10");
    assert_eq!(stored[3]["priority"], 10);
    // An SRV record's name comes from its service and protocol; a bare target joins the domain.
    assert_eq!(stored[6]["name"], "_sip._tcp");
    assert_eq!(stored[6]["target"], "sip.example.org");
    assert_eq!(stored[7]["tag"], "issue");

    let srv = client.domains().record(domain.id, ids[6]).await.unwrap();
    assert_eq!(srv.record_type, RecordType::Srv);
    assert_eq!((srv.port, srv.weight, srv.priority), (5060, 5, 10));
    assert_eq!(srv.service.as_deref(), Some("sip"));
    assert_eq!(
        common::last_line(&sandbox),
        format!("GET /v4/domains/{}/records/{}", domain.id, ids[6])
    );

    let mut a_records = domain
        .records(&client)
        .filter(DomainRecord::TYPE.eq("A"))
        .await
        .unwrap();
    assert_eq!(a_records.only().await.unwrap().id, ids[0]);
    assert_eq!(
        common::last_filter(&sandbox).as_deref(),
        Some(r#"{"type":"A"}"#)
    );
}

#[tokio::test]
async fn records_are_checked_per_type() {
    let (sandbox, client) = common::setup().await;
    let domain = master(&client, "example.org").await;
    let bad = [
        (CreateRecord::a("www", "not-an-ip"), "target"),
        (CreateRecord::a("www", "2001:db8::1"), "target"),
        (CreateRecord::aaaa("www", "203.0.113.1"), "target"),
        (CreateRecord::cname("", "www.example.org"), "name"),
        (CreateRecord::cname("blog", "bad target!"), "target"),
        (CreateRecord::mx("not a host", 10), "target"),
        (CreateRecord::new(RecordType::Caa, "letsencrypt.org"), "tag"),
        (
            CreateRecord::new(RecordType::Srv, "sip.example.org"),
            "service",
        ),
    ];
    for (request, field) in bad {
        let err = client
            .domains()
            .create_record(domain.id, &request)
            .await
            .unwrap_err();
        let (status, got, _) = refusal(&err);
        assert_eq!((status, got), (400, Some(field)), "{request:?}");
    }
    assert!(sandbox.domain_records(domain.id).is_empty());

    // Raw bodies: priority out of range, unknown type, missing SRV port.
    assert_raw_refusals(
        &sandbox,
        &format!("/v4/domains/{}/records", domain.id),
        [
            (
                json!({"type": "MX", "target": "mail.example.org", "priority": 256}),
                "priority",
            ),
            (json!({"type": "SPF", "target": "x"}), "type"),
            (json!({"target": "x"}), "type"),
            (
                json!({"type": "SRV", "service": "sip", "target": "sip.example.org",
                "priority": 1, "weight": 1}),
                "port",
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn records_belong_to_their_domain_and_can_be_saved_and_deleted() {
    let (sandbox, client) = common::setup().await;
    let one = master(&client, "one.org").await;
    let two = master(&client, "two.org").await;
    let mut record = one
        .create_record(&client, &CreateRecord::a("www", "203.0.113.10"))
        .await
        .unwrap();

    // Under the other domain, the record does not exist.
    let err = client
        .domains()
        .record(two.id, record.id)
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    let err = client
        .domains()
        .update_record(
            two.id,
            record.id,
            &RecordUpdate::new().target("203.0.113.99"),
        )
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert!(
        client
            .domains()
            .delete_record(two.id, record.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert_eq!(sandbox.domain_records(one.id)[0]["target"], "203.0.113.10");

    record.target = "203.0.113.20".into();
    record.save(&client, one.id).await.unwrap();
    let (method, path, body) = last_request(&sandbox);
    assert_eq!(
        (method.as_str(), path),
        (
            "PUT",
            format!("/v4/domains/{}/records/{}", one.id, record.id)
        )
    );
    assert_eq!(
        body.unwrap(),
        json!({"name": "www", "target": "203.0.113.20", "ttl_sec": 0})
    );
    assert_eq!(sandbox.domain_records(one.id)[0]["target"], "203.0.113.20");

    let err = client
        .domains()
        .update_record(one.id, record.id, &RecordUpdate::new().target("nope"))
        .await
        .unwrap_err();
    assert_eq!(refusal(&err).1, Some("target"));

    let record_id = record.id;
    record.delete(&client, one.id).await.unwrap();
    assert!(sandbox.domain_records(one.id).is_empty());
    assert_eq!(
        event_actions(&sandbox, ""),
        [
            "domain_create",
            "domain_create",
            "domain_record_create",
            "domain_record_update",
            "domain_record_delete"
        ]
    );
    let event = sandbox.events().pop().unwrap();
    assert_eq!(event["entity"]["type"], "domain");
    assert_eq!(event["entity"]["id"], one.id);
    assert_eq!(event["secondary_entity"]["id"], record_id);
}
