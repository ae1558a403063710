//! The operations that complete the volumes, NodeBalancers, regions, Longview, support and
//! domains families, end to end against the sandbox: price lists, NodeBalancer statistics,
//! config rebuilds and VPC configs, region and VPC availability, the Longview plan, ticket
//! attachments, and domain import, clone and zone file.

use crate::common;

use common::{event_actions, last_body, last_line, last_request, post_raw, refusal};
use linode::api::linode::{Instance, Price};
use linode::api::nodebalancers::{
    Algorithm, ConfigSettings, CreateNode, CreateNodeBalancer, NodeBalancer, NodeBalancerConfig,
    NodeId, NodeUpdate, RebuildConfig, RebuildNode, Stickiness,
};
use linode::api::pricing::PricedType;
use linode::api::regions::RegionAvailability;
use linode::api::support::{OpenTicket, SupportTicket};
use linode::{Client, Error, ListRequest};
use linode_sandbox::Sandbox;
use serde::de::DeserializeOwned;
use serde_json::json;

/// Everything `request` lists, every page loaded.
async fn all<T: DeserializeOwned + Send + 'static>(request: ListRequest<T>) -> Vec<T> {
    request.await.unwrap().collect_all().await.unwrap()
}

/// `(id, label, base price, [(region, hourly, monthly)], transfer)` of each priced type.
type PriceRow = (String, String, (f64, f64), Vec<(String, f64, f64)>, u64);

fn rows(types: &[PricedType]) -> Vec<PriceRow> {
    types
        .iter()
        .map(|t| {
            (
                t.id.clone(),
                t.label.clone(),
                (t.price.hourly, t.price.monthly),
                t.region_prices
                    .iter()
                    .map(|p| (p.id.clone(), p.hourly, p.monthly))
                    .collect(),
                t.transfer,
            )
        })
        .collect()
}

fn row(id: &str, label: &str, price: (f64, f64), regions: &[(&str, f64, f64)]) -> PriceRow {
    (
        id.into(),
        label.into(),
        price,
        regions.iter().map(|&(r, h, m)| (r.into(), h, m)).collect(),
        0,
    )
}

#[tokio::test]
async fn volumes_nodebalancers_and_longview_list_their_prices() {
    let (sandbox, client) = common::setup().await;

    let volumes = all(client.volumes().types()).await;
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/volumes/types?page=1&page_size=100"
    );
    assert_eq!(
        rows(&volumes),
        [row(
            "volume",
            "Storage Volume",
            (0.00015, 0.1),
            // The sandbox's catalog rounds region-specific hourly prices to 4 digits.
            &[("id-cgk", 0.0002, 0.12), ("br-gru", 0.0002, 0.14)]
        )]
    );
    assert_eq!(volumes[0].price_in("br-gru").monthly, 0.14);
    assert_eq!(volumes[0].price_in("us-east").monthly, 0.1);

    let nodebalancers = all(client.nodebalancers().types()).await;
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/nodebalancers/types?page=1&page_size=100"
    );
    assert_eq!(
        rows(&nodebalancers),
        [row(
            "nodebalancer",
            "NodeBalancer",
            (0.015, 10.0),
            &[("id-cgk", 0.018, 12.0), ("br-gru", 0.021, 14.0)]
        )]
    );

    let pro = all(client
        .longview()
        .types()
        .filter(PricedType::PRICE_MONTHLY.ge(100.0)))
    .await;
    assert_eq!(
        sandbox.requests().pop().unwrap().header("x-filter"),
        Some(r#"{"price.monthly":{"+gte":100.0}}"#)
    );
    assert_eq!(
        rows(&pro),
        [
            row("longview-40", "Longview Pro 40 pack", (0.15, 100.0), &[]),
            row("longview-100", "Longview Pro 100 pack", (0.3, 200.0), &[]),
        ]
    );
    let every = all(client.longview().types()).await;
    assert_eq!(every.len(), 4);
}

#[tokio::test]
async fn a_price_list_refuses_a_filter_on_a_field_it_does_not_filter() {
    let (sandbox, _client) = common::setup().await;
    let answer = reqwest::Client::new()
        .get(format!("{}/v4/volumes/types", sandbox.base_url()))
        .bearer_auth(sandbox.token())
        .header("X-Filter", r#"{"id": "volume"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["errors"][0], json!({"reason": "Cannot filter on id"}));
}

/// A NodeBalancer in us-east, named by the API.
async fn nodebalancer(client: &Client) -> NodeBalancer {
    client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("us-east"))
        .await
        .unwrap()
}

#[tokio::test]
async fn nodebalancer_statistics_are_a_deterministic_day_of_five_minute_points() {
    let (sandbox, client) = common::setup().await;
    let nb = nodebalancer(&client).await;
    let stats = client.nodebalancers().stats(nb.id).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("GET /v4/nodebalancers/{}/stats", nb.id)
    );
    assert_eq!(
        stats.title,
        format!("linode.com - {} ({}) - day (5 min avg)", nb.label, nb.id)
    );
    let data = &stats.data;
    assert_eq!(data.connections.len(), 288);
    assert_eq!(data.traffic.inbound.len(), 288);
    assert_eq!(data.traffic.out.len(), 288);
    let start = data.connections[0].time_ms();
    assert_eq!(start % 300_000.0, 0.0);
    for (i, point) in data.connections.iter().enumerate() {
        let reading = ((nb.id + i as u64) % 12) as f64;
        assert_eq!(point.time_ms(), start + i as f64 * 300_000.0);
        assert_eq!(point.value(), reading);
        assert_eq!(data.traffic.inbound[i].value(), reading * 512.0);
        assert_eq!(data.traffic.out[i].value(), reading * 128.0);
    }
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as f64;
    let last = data.connections[287].time_ms();
    assert!(last <= now_ms && now_ms - last < 300_000.0 + 60_000.0);

    let err = client.nodebalancers().stats(nb.id + 999).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
}

/// A running Linode in us-east with a private address, and that address with port 80.
async fn backend(client: &Client, label: &str) -> (Instance, String) {
    let (linode, private) = crate::nodebalancers::backend(client, "us-east", label).await;
    (linode, format!("{private}:80"))
}

/// A NodeBalancer in us-east with one config of `settings`, whose nodes (labelled
/// `node-<name>`) are new running Linodes named `web-<name>`: the NodeBalancer, the config and
/// each node's id and address.
async fn balanced(
    client: &Client,
    settings: ConfigSettings,
    names: &[&str],
) -> (NodeBalancer, NodeBalancerConfig, Vec<(u64, String)>) {
    let mut nodes = Vec::new();
    for name in names {
        let (_, address) = backend(client, &format!("web-{name}")).await;
        nodes.push(CreateNode::new(address, format!("node-{name}")));
    }
    let groups = client.nodebalancers();
    let nb = groups
        .create(CreateNodeBalancer::in_region("us-east").config(settings, nodes))
        .await
        .unwrap();
    let config = all(groups.configs(nb.id)).await.remove(0);
    let nodes = all(groups.nodes(nb.id, config.id)).await;
    let nodes = nodes.into_iter().map(|n| (n.id, n.address)).collect();
    (nb, config, nodes)
}

#[tokio::test]
async fn a_rebuild_replaces_the_config_and_its_nodes_in_one_request() {
    let (sandbox, client) = common::setup().await;
    let settings = ConfigSettings::new(80).stickiness(Stickiness::Table);
    let (nb, config, nodes) = balanced(&client, settings, &["a", "b"]).await;
    let ((node_a, a), (node_b, _)) = (nodes[0].clone(), nodes[1].clone());
    let (_, c) = backend(&client, "web-c").await;
    let groups = client.nodebalancers();

    let rebuild = RebuildConfig::new(ConfigSettings::new(8080).algorithm(Algorithm::Source))
        .node(RebuildNode::update(node_a, NodeUpdate::new().weight(10)))
        .node(RebuildNode::new(CreateNode::new(&c, "node-c")));
    let rebuilt = groups
        .rebuild_config(nb.id, config.id, &rebuild)
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".into(),
            format!("/v4/nodebalancers/{}/configs/{}/rebuild", nb.id, config.id),
            Some(json!({
                "port": 8080, "algorithm": "source",
                "nodes": [{"id": node_a, "weight": 10}, {"address": c, "label": "node-c"}]
            }))
        )
    );
    assert_eq!(rebuilt.id, config.id);
    assert_eq!(rebuilt.port, 8080);
    assert_eq!(rebuilt.algorithm, Algorithm::Source);
    // Replaced, not merged: what the rebuild did not name is back to its default.
    assert_eq!(rebuilt.stickiness, Stickiness::None);
    assert_eq!((rebuilt.nodes_status.up, rebuilt.nodes_status.down), (2, 0));

    let kept = all(groups.nodes(nb.id, config.id)).await;
    let kept: Vec<_> = kept
        .iter()
        .map(|n| (n.id, n.address.clone(), n.label.clone(), n.weight))
        .collect();
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0], (node_a, a.clone(), "node-a".into(), 10));
    assert_eq!(
        (&kept[1].1, &kept[1].2, kept[1].3),
        (&c, &"node-c".into(), 100)
    );
    let gone = groups
        .node(NodeId::new(nb.id, config.id, node_b))
        .await
        .unwrap_err();
    assert_eq!(refusal(&gone), (404, None, "Not found"));
    assert_eq!(
        event_actions(&sandbox, "nodebalancer_config"),
        ["nodebalancer_config_update"]
    );
}

#[tokio::test]
async fn a_rebuild_with_a_bad_node_changes_nothing() {
    let (sandbox, client) = common::setup().await;
    let (nb, config, _) = balanced(&client, ConfigSettings::new(80), &["a"]).await;
    let groups = client.nodebalancers();
    let before = all(groups.nodes(nb.id, config.id)).await;

    let bad = RebuildConfig::new(ConfigSettings::new(81)).node(RebuildNode::keep(999_999));
    let err = groups
        .rebuild_config(nb.id, config.id, &bad)
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("nodes[0].id"), "Node not found on this config")
    );
    assert_eq!(groups.config(nb.id, config.id).await.unwrap().port, 80);
    assert_eq!(all(groups.nodes(nb.id, config.id)).await, before);

    let path = format!("/v4/nodebalancers/{}/configs/{}/rebuild", nb.id, config.id);
    let (status, answer) = post_raw(&sandbox, &path, &json!({"port": 80})).await;
    assert_eq!(
        (status, &answer["errors"][0]),
        (
            400,
            &json!({"field": "nodes", "reason": "nodes is required"})
        )
    );
    let (status, answer) = post_raw(
        &sandbox,
        &path,
        &json!({"nodes": [{"address": "192.168.255.254:80", "label": "ghost"}]}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["errors"][0],
        json!({"field": "nodes[0].address", "reason": "No Linode of yours has this private address"})
    );

    // The client refuses a malformed new node before sending anything.
    let count = sandbox.requests().len();
    let bad = RebuildConfig::new(ConfigSettings::new(80))
        .node(RebuildNode::new(CreateNode::new("not-an-address", "x")));
    let err = groups
        .rebuild_config(nb.id, config.id, &bad)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "address"));
    assert_eq!(sandbox.requests().len(), count);
}

/// Puts VPC `id` in `region` with subnet `subnet` into the sandbox, as the VPC family would.
fn vpc(sandbox: &Sandbox, id: u64, region: &str, subnet: u64) {
    sandbox.insert_object(
        "vpcs",
        id,
        json!({"id": id, "label": format!("net-{id}"), "region": region,
               "subnets": [{"id": subnet, "label": "front", "ipv4": "10.0.0.0/24"}]}),
    );
}

#[tokio::test]
async fn vpc_configs_exist_only_for_a_nodebalancer_made_in_a_vpc() {
    let (sandbox, client) = common::setup().await;
    let groups = client.nodebalancers();
    let plain = nodebalancer(&client).await;
    assert!(all(groups.vpc_configs(plain.id)).await.is_empty());
    assert_eq!(
        last_line(&sandbox),
        format!(
            "GET /v4/nodebalancers/{}/vpcs?page=1&page_size=100",
            plain.id
        )
    );
    let err = groups.vpc_config(plain.id, 40_000).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));

    vpc(&sandbox, 77, "us-east", 770);
    let joined = groups
        .create(CreateNodeBalancer::in_region("us-east").vpc(770, Some("10.0.0.4/30")))
        .await
        .unwrap();
    assert_eq!(
        last_body(&sandbox),
        json!({"region": "us-east", "vpcs": [{"subnet_id": 770, "ipv4_range": "10.0.0.4/30"}]})
    );
    let configs = all(groups.vpc_configs(joined.id)).await;
    assert_eq!(configs.len(), 1);
    let config = &configs[0];
    assert_eq!(
        (
            config.id,
            config.nodebalancer_id,
            config.vpc_id,
            config.subnet_id,
            config.ipv4_range.as_deref(),
            config.ipv6_range.as_deref()
        ),
        (
            40_000,
            joined.id,
            Some(77),
            Some(770),
            Some("10.0.0.4/30"),
            None
        )
    );
    assert_eq!(
        &groups.vpc_config(joined.id, config.id).await.unwrap(),
        config
    );
    assert_eq!(
        last_line(&sandbox),
        format!("GET /v4/nodebalancers/{}/vpcs/40000", joined.id)
    );
    // Another NodeBalancer's VPC config is not this one's.
    let err = groups.vpc_config(plain.id, config.id).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));

    let picked = groups
        .create(CreateNodeBalancer::in_region("us-east").vpc(770, None))
        .await
        .unwrap();
    let configs = all(groups.vpc_configs(picked.id)).await;
    assert_eq!(configs[0].ipv4_range.as_deref(), Some("10.100.0.4/30"));

    groups.delete(joined.id).await.unwrap();
    let err = groups.vpc_config(joined.id, 40_000).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
}

#[tokio::test]
async fn a_nodebalancer_joins_only_a_known_subnet_of_its_region() {
    let (sandbox, client) = common::setup().await;
    vpc(&sandbox, 88, "us-west", 880);
    let groups = client.nodebalancers();
    let cases = [
        (
            CreateNodeBalancer::in_region("us-east").vpc(999, None),
            "vpcs[0].subnet_id",
            "Subnet not found",
        ),
        (
            CreateNodeBalancer::in_region("us-east").vpc(880, None),
            "vpcs[0].subnet_id",
            "The subnet is not in the NodeBalancer's region",
        ),
        (
            CreateNodeBalancer::in_region("us-west").vpc(880, Some("10.0.0.300/30")),
            "vpcs[0].ipv4_range",
            "Must be an IPv4 range in CIDR notation",
        ),
    ];
    for (request, field, reason) in cases {
        let err = groups.create(request).await.unwrap_err();
        assert_eq!(refusal(&err), (400, Some(field), reason));
    }
    assert!(all(groups.list()).await.is_empty());
}

#[tokio::test]
async fn regions_say_where_each_plan_and_vpcs_are_available() {
    let (sandbox, client) = common::setup().await;
    let regions = client.regions();

    let us_east = regions.region_availability("us-east").await.unwrap();
    assert_eq!(last_line(&sandbox), "GET /v4/regions/us-east/availability");
    assert!(us_east.iter().all(|a| a.region == "us-east" && a.available));
    let listed = all(regions
        .availability()
        .filter(RegionAvailability::REGION.eq("us-east")))
    .await;
    assert_eq!(listed, us_east);

    // No GPU Linodes in Toronto: its GPU plans are the ones missing.
    let missing = all(regions.availability().filter(
        RegionAvailability::REGION.eq("ca-central") & RegionAvailability::AVAILABLE.eq(false),
    ))
    .await;
    let plans: Vec<&str> = missing.iter().map(|a| a.plan.as_str()).collect();
    let gpu_types = client
        .linode()
        .types()
        .filter(linode::api::linode::LinodeType::CLASS.eq("gpu"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let gpu: Vec<&str> = gpu_types.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(plans, gpu);
    assert!(plans.contains(&"g1-gpu-rtx6000-1"));
    let every = all(regions.availability()).await;
    let region_count = client.regions().list().await.unwrap().len();
    assert_eq!(every.len(), region_count * us_east.len());

    let vpcs = regions.region_vpc_availability("us-east").await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/regions/us-east/vpc-availability"
    );
    assert_eq!(
        (
            vpcs.region.as_str(),
            vpcs.available,
            vpcs.available_ipv6_prefix_lengths
        ),
        ("us-east", true, vec![52, 48])
    );
    let listed = all(regions.vpc_availability()).await;
    assert_eq!(listed.len(), region_count);
    assert_eq!(
        last_line(&sandbox),
        "GET /v4/regions/vpc-availability?page=1&page_size=100"
    );

    for err in [
        regions.region_availability("mars-1").await.unwrap_err(),
        regions.region_vpc_availability("mars-1").await.unwrap_err(),
    ] {
        assert_eq!(refusal(&err), (404, None, "Not found"));
    }
    let err = regions.region_availability(" ").await.unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "region"));
}

#[tokio::test]
async fn the_longview_plan_is_read_and_changed() {
    let (sandbox, client) = common::setup().await;
    let longview = client.longview();
    assert_eq!(longview.plan().await.unwrap(), None);
    assert_eq!(last_line(&sandbox), "GET /v4/longview/plan");

    let plan = longview
        .set_plan(Some("longview-10"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "PUT".into(),
            "/v4/longview/plan".into(),
            Some(json!({"longview_subscription": "longview-10"}))
        )
    );
    assert_eq!(
        (plan.id.as_str(), plan.clients_included, plan.price.clone()),
        ("longview-10", 10, Some(price(0.06, 40.0)))
    );
    assert_eq!(longview.plan().await.unwrap(), Some(plan.clone()));

    let err = longview.set_plan(Some("longview-7")).await.unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("longview_subscription"),
            "Longview subscription not found"
        )
    );
    assert_eq!(longview.plan().await.unwrap(), Some(plan));

    assert_eq!(longview.set_plan(None).await.unwrap(), None);
    assert_eq!(last_body(&sandbox), json!({"longview_subscription": null}));
    assert_eq!(longview.plan().await.unwrap(), None);
}

fn price(hourly: f64, monthly: f64) -> Price {
    serde_json::from_value(json!({"hourly": hourly, "monthly": monthly})).unwrap()
}

/// POSTs a form with one `file` part named `name` to the attachments of ticket `id`.
async fn upload_raw(
    sandbox: &Sandbox,
    id: u64,
    name: &str,
    contents: &[u8],
) -> (u16, serde_json::Value) {
    let mut body = format!(
        "--b0und\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(contents);
    body.extend_from_slice(b"\r\n--b0und--\r\n");
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/v4/support/tickets/{id}/attachments",
            sandbox.base_url()
        ))
        .bearer_auth(sandbox.token())
        .header("content-type", "multipart/form-data; boundary=b0und")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap())
}

/// A new ticket about nothing in particular.
async fn open_ticket(client: &Client) -> SupportTicket {
    client
        .support()
        .open_ticket(OpenTicket::new("Boot fails", "It will not boot."))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_ticket_keeps_the_names_of_its_attachments() {
    let (sandbox, client) = common::setup().await;
    let support = client.support();
    let ticket = open_ticket(&client).await;
    support
        .attach(ticket.id, "boot.txt", b"kernel panic".to_vec())
        .await
        .unwrap();
    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        (
            "POST",
            format!("/v4/support/tickets/{}/attachments", ticket.id).as_str()
        )
    );
    assert_eq!(
        sent.header("content-type"),
        Some("multipart/form-data; boundary=linode-rs-boundary-00000000")
    );
    assert_eq!(
        sent.body.as_deref(),
        Some(
            "--linode-rs-boundary-00000000\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"boot.txt\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n\
             kernel panic\r\n--linode-rs-boundary-00000000--\r\n"
        )
    );
    support
        .attach(ticket.id, "screen.PNG", vec![0x89, b'P', b'N', b'G'])
        .await
        .unwrap();
    let kept = support.ticket(ticket.id).await.unwrap();
    assert_eq!(kept.attachments, ["boot.txt", "screen.PNG"]);
    assert_eq!(
        event_actions(&sandbox, "ticket_attachment"),
        ["ticket_attachment_upload", "ticket_attachment_upload"]
    );
}

#[tokio::test]
async fn attachments_too_large_of_the_wrong_type_or_on_a_closed_ticket_are_refused() {
    let (sandbox, client) = common::setup().await;
    let support = client.support();
    let ticket = open_ticket(&client).await;
    let limit = linode::api::support::MAX_ATTACHMENT_BYTES;
    assert_eq!(limit, 5 * 1024 * 1024);

    // The sandbox's refusals, for a client that does not check first.
    let file = |reason: &str| json!({"field": "file", "reason": reason});
    let (status, answer) = upload_raw(&sandbox, ticket.id, "big.txt", &vec![b'x'; limit + 1]).await;
    assert_eq!(
        (status, &answer["errors"][0]),
        (400, &file("File size must be 5 MB or less"))
    );
    let (status, answer) = upload_raw(&sandbox, ticket.id, "big.txt", &vec![b'x'; limit]).await;
    assert_eq!((status, answer), (200, json!({})));
    let (status, answer) = upload_raw(&sandbox, ticket.id, "tool.exe", b"MZ").await;
    assert_eq!(
        (status, &answer["errors"][0]),
        (
            400,
            &file(
                "File type must be one of .gif, .jpg, .jpeg, .pjpg, .pjpeg, .tif, .tiff, .png, .pdf, .txt"
            )
        )
    );
    let (status, answer) = post_raw(
        &sandbox,
        &format!("/v4/support/tickets/{}/attachments", ticket.id),
        &json!({"file": "/tmp/a.txt"}),
    )
    .await;
    assert_eq!(
        (status, &answer["errors"][0]),
        (400, &file("file is required"))
    );
    let (status, answer) = upload_raw(&sandbox, ticket.id + 1, "a.txt", b"x").await;
    assert_eq!(
        (status, &answer["errors"][0]),
        (404, &json!({"reason": "Not found"}))
    );
    assert_eq!(
        support.ticket(ticket.id).await.unwrap().attachments,
        ["big.txt"]
    );

    // The client refuses what it can check before sending anything.
    let count = sandbox.requests().len();
    for (name, size) in [
        ("big.txt", limit + 1),
        ("tool.exe", 1),
        ("../a.txt", 1),
        ("", 1),
    ] {
        let err = support
            .attach(ticket.id, name, vec![b'x'; size])
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { ref field, .. } if field == "file"),
            "{name}: {err:?}"
        );
    }
    assert_eq!(sandbox.requests().len(), count);

    support.close_ticket(ticket.id).await.unwrap();
    let err = support
        .attach(ticket.id, "late.txt", b"x".to_vec())
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("ticket_id"), "This ticket is closed")
    );
    assert_eq!(
        support.ticket(ticket.id).await.unwrap().attachments,
        ["big.txt"]
    );
}

/// `(type, name, target, priority)` of each record of domain `id`, in id order.
async fn records(client: &Client, id: u64) -> Vec<(String, String, String, u32)> {
    all(client.domains().records(id))
        .await
        .into_iter()
        .map(|r| {
            (
                serde_json::to_value(&r.record_type)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned(),
                r.name,
                r.target,
                r.priority,
            )
        })
        .collect()
}

#[tokio::test]
async fn domains_are_imported_cloned_and_rendered_as_zone_files() {
    let (sandbox, client) = common::setup().await;
    let domains = client.domains();
    let imported = domains
        .import("Example.org", "ns1.example.net")
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".into(),
            "/v4/domains/import".into(),
            Some(json!({"domain": "Example.org", "remote_nameserver": "ns1.example.net"}))
        )
    );
    assert_eq!(imported.domain, "example.org");
    assert_eq!(imported.soa_email, "hostmaster@example.org");
    let expected: Vec<(String, String, String, u32)> = [
        ("A", "", "192.0.2.10", 0),
        ("A", "www", "192.0.2.10", 0),
        ("MX", "", "mail.example.org", 10),
        ("TXT", "", "v=spf1 mx -all", 0),
    ]
    .iter()
    .map(|&(t, n, v, p)| (t.into(), n.into(), v.into(), p))
    .collect();
    assert_eq!(records(&client, imported.id).await, expected);
    assert_eq!(event_actions(&sandbox, "domain"), ["domain_import"]);

    let zone = domains.zone_file(imported.id).await.unwrap();
    assert_eq!(
        last_line(&sandbox),
        format!("GET /v4/domains/{}/zone-file", imported.id)
    );
    assert_eq!(
        zone.zone_file,
        [
            format!("; example.org [{}]", imported.id).as_str(),
            "$TTL 86400",
            "@  IN  SOA  ns1.linode.com. hostmaster.example.org. 2024000004 14400 14400 1209600 86400",
            "@    NS  ns1.linode.com.",
            "@    NS  ns2.linode.com.",
            "@    NS  ns3.linode.com.",
            "@    NS  ns4.linode.com.",
            "@    NS  ns5.linode.com.",
            "@    A  192.0.2.10",
            "www    A  192.0.2.10",
            "@    MX  10 mail.example.org.",
            "@    TXT  \"v=spf1 mx -all\"",
        ]
    );

    let clone = domains
        .clone_domain(imported.id, "example.net")
        .await
        .unwrap();
    assert_eq!(
        last_request(&sandbox),
        (
            "POST".into(),
            format!("/v4/domains/{}/clone", imported.id),
            Some(json!({"domain": "example.net"}))
        )
    );
    assert_ne!(clone.id, imported.id);
    assert_eq!(clone.domain, "example.net");
    assert_eq!(clone.soa_email, "hostmaster@example.org");
    assert_eq!(records(&client, clone.id).await, expected);
    assert_eq!(records(&client, imported.id).await, expected);
    let clone_zone = domains.zone_file(clone.id).await.unwrap().zone_file;
    assert_eq!(clone_zone[0], format!("; example.net [{}]", clone.id));
    assert_eq!(clone_zone[1..], zone.zone_file[1..]);
}

#[tokio::test]
async fn imports_and_clones_are_refused_like_creates() {
    let (sandbox, client) = common::setup().await;
    let domains = client.domains();
    let source = domains.import("example.org", "192.0.2.53").await.unwrap();

    let err = domains
        .import("example.org", "ns1.example.net")
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("domain"), "Domain already exists")
    );
    let err = domains
        .import("example.com", "not a host!")
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (
            400,
            Some("remote_nameserver"),
            "Must be a valid hostname or IP address"
        )
    );
    let (status, answer) = post_raw(
        &sandbox,
        "/v4/domains/import",
        &json!({"domain": "example.com"}),
    )
    .await;
    assert_eq!(
        (status, &answer["errors"][0]),
        (
            400,
            &json!({"field": "remote_nameserver", "reason": "remote_nameserver is required"})
        )
    );
    let err = domains
        .clone_domain(source.id, "example.org")
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&err),
        (400, Some("domain"), "Domain already exists")
    );
    let err = domains
        .clone_domain(source.id + 1, "example.com")
        .await
        .unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    let err = domains.zone_file(source.id + 1).await.unwrap_err();
    assert_eq!(refusal(&err), (404, None, "Not found"));
    assert_eq!(all(domains.list()).await.len(), 1);

    let count = sandbox.requests().len();
    let err = domains.import(" ", "ns1.example.net").await.unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "domain"));
    assert_eq!(sandbox.requests().len(), count);
}
