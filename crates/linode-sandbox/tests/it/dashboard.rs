//! The dashboard at `/`: HTML pages read with a real HTML parser.

use linode_sandbox::{Sandbox, Seed};
use reqwest::Method;
use scraper::{ElementRef, Html, Selector};
use serde_json::{Value, json};

use crate::common::Api;

const SEED: &str = r#"
instances:
  - {label: web-1, region: us-east, type: g6-standard-1, image: linode/debian12, tags: [prod]}
  - {label: db-1, region: us-ord, type: g6-nanode-1}
vpcs:
  - label: backend
    region: us-east
    description: '<script>alert("owned")</script> & <b>bold</b>'
volumes:
  - {label: data, size: 20, linode: web-1}
"#;

async fn sandbox(builder: linode_sandbox::SandboxBuilder) -> Sandbox {
    let seed = Seed::parse("dashboard.yaml", SEED).unwrap();
    builder.seed(seed).start().await.unwrap()
}

/// GETs a page without a token: its status and parsed document.
async fn page(sb: &Sandbox, path: &str) -> (u16, Html) {
    let res = reqwest::get(format!("{}{path}", sb.base_url()))
        .await
        .unwrap();
    let status = res.status().as_u16();
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "text/html; charset=utf-8");
    (status, Html::parse_document(&res.text().await.unwrap()))
}

fn text(element: ElementRef<'_>) -> String {
    element.text().collect::<String>()
}

/// The headings and rows (cell texts) of the table with this id.
fn table(doc: &Html, id: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let table = Selector::parse(&format!("table#{id}")).unwrap();
    let th = Selector::parse("thead th").unwrap();
    let tr = Selector::parse("tbody tr").unwrap();
    let td = Selector::parse("td").unwrap();
    let table = doc
        .select(&table)
        .next()
        .unwrap_or_else(|| panic!("no table {id}"));
    let headings = table.select(&th).map(text).collect();
    let rows = table
        .select(&tr)
        .map(|row| row.select(&td).map(text).collect())
        .collect();
    (headings, rows)
}

#[tokio::test]
async fn the_overview_counts_each_family_and_needs_no_token() {
    let sb = sandbox(Sandbox::builder()).await;
    let (status, doc) = page(&sb, "/").await;
    assert_eq!(status, 200);
    let (headings, rows) = table(&doc, "counts");
    assert_eq!(headings, ["family", "count"]);
    let counts: std::collections::HashMap<String, String> = rows
        .into_iter()
        .map(|row| (row[0].clone(), row[1].clone()))
        .collect();
    let events = Api::of(&sb).get("/v4/account/events").await["results"].clone();
    for (family, count) in [
        ("Linodes", "2"),
        ("VPCs", "1"),
        ("Volumes", "1"),
        ("Domains", "0"),
        ("Firewalls", "0"),
        ("NodeBalancers", "0"),
        ("Tags", "1"),
        ("Users", "1"),
        ("Events", &events.to_string()),
    ] {
        assert_eq!(
            counts.get(family).map(String::as_str),
            Some(count),
            "{family}"
        );
    }
    // Each family links to its table.
    let links: Vec<String> = doc
        .select(&Selector::parse("table#counts a").unwrap())
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(links[0], "/dashboard/instances");
    assert!(links.contains(&"/dashboard/vpcs".to_owned()), "{links:?}");
    // No reload unless asked; `?refresh=N` reloads every N seconds.
    let meta = Selector::parse(r#"meta[http-equiv="refresh"]"#).unwrap();
    assert_eq!(doc.select(&meta).count(), 0);
    for (path, content) in [
        ("/?refresh=5", Some("5")),
        ("/dashboard/vpcs?refresh=60", Some("60")),
        ("/?refresh=0", None),
        ("/?refresh=x", None),
    ] {
        let (_, doc) = page(&sb, path).await;
        let found = doc
            .select(&meta)
            .next()
            .and_then(|m| m.value().attr("content").map(str::to_owned));
        assert_eq!(found.as_deref(), content, "{path}");
    }
    // Reading the dashboard is not an API request: the log stays empty.
    assert_eq!(sb.requests().len(), 1, "only the events read above");
}

#[tokio::test]
async fn a_familys_table_has_its_objects_as_rows() {
    let sb = sandbox(Sandbox::builder()).await;
    let instances = Api::of(&sb).get("/v4/linode/instances").await;
    let (status, doc) = page(&sb, "/dashboard/instances").await;
    assert_eq!(status, 200);
    let title = doc.select(&Selector::parse("h1").unwrap()).map(text).next();
    assert_eq!(title.as_deref(), Some("Linodes"));
    let (headings, rows) = table(&doc, "instances");
    assert_eq!(
        headings,
        [
            "id", "label", "region", "type", "image", "status", "ipv4", "tags"
        ]
    );
    let expected: Vec<Vec<String>> = instances["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let ipv4: Vec<&str> = i["ipv4"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            vec![
                i["id"].to_string(),
                i["label"].as_str().unwrap().to_owned(),
                i["region"].as_str().unwrap().to_owned(),
                i["type"].as_str().unwrap().to_owned(),
                i["image"].as_str().unwrap_or_default().to_owned(),
                i["status"].as_str().unwrap().to_owned(),
                ipv4.join(", "),
                i["tags"][0].as_str().unwrap_or_default().to_owned(),
            ]
        })
        .collect();
    assert_eq!(rows, expected);
    assert_eq!(
        rows.iter()
            .map(|r| (r[1].as_str(), r[2].as_str(), r[5].as_str()))
            .collect::<Vec<_>>(),
        [
            ("web-1", "us-east", "running"),
            ("db-1", "us-ord", "offline")
        ]
    );
    let (_, rows) = table(&page(&sb, "/dashboard/volumes").await.1, "volumes");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (&rows[0][1], &rows[0][3], &rows[0][4], &rows[0][5]),
        (
            &"data".to_owned(),
            &"20".to_owned(),
            &"active".to_owned(),
            &instances["data"][0]["id"].to_string()
        )
    );

    let (status, doc) = page(&sb, "/dashboard/nope").await;
    assert_eq!(status, 404);
    let message = doc
        .select(&Selector::parse("p").unwrap())
        .map(text)
        .next()
        .unwrap();
    assert!(message.starts_with("No family is named nope. Known: instances, volumes"));
}

#[tokio::test]
async fn values_are_escaped_not_markup() {
    let sb = sandbox(Sandbox::builder()).await;
    let (_, doc) = page(&sb, "/dashboard/vpcs").await;
    let (headings, rows) = table(&doc, "vpcs");
    assert_eq!(
        headings,
        ["id", "label", "region", "description", "subnets"]
    );
    assert_eq!(rows.len(), 1);
    // The parser gives back the text as it was stored: it was escaped, not interpreted.
    assert_eq!(
        rows[0][3],
        r#"<script>alert("owned")</script> & <b>bold</b>"#
    );
    assert_eq!(doc.select(&Selector::parse("script").unwrap()).count(), 0);
    assert_eq!(doc.select(&Selector::parse("td b").unwrap()).count(), 0);
    // Request paths are shown as received (still percent-encoded), as text.
    reqwest::get(format!("{}/v4/%3Cscript%3E?q=%3Ci%3E", sb.base_url()))
        .await
        .unwrap();
    let (_, doc) = page(&sb, "/").await;
    assert_eq!(
        doc.select(&Selector::parse("script, i").unwrap()).count(),
        0
    );
    let (_, rows) = table(&doc, "requests");
    assert_eq!(rows[0][3], "/v4/%3Cscript%3E?q=%3Ci%3E");
}

#[tokio::test]
async fn events_show_their_progress_and_requests_their_status_and_time() {
    let sb = sandbox(Sandbox::builder().speed(1.0)).await;
    let api = Api::of(&sb);
    let before = time::OffsetDateTime::now_utc() - time::Duration::seconds(1);
    // A boot that takes a while: its event is in progress.
    let (created, _) = api
        .call(
            Method::POST,
            "/v4/linode/instances",
            Some(
                json!({"label": "slow-1", "region": "us-east", "type": "g6-nanode-1",
                      "image": "linode/debian12", "root_pass": "Sandbox-Pass-42"}),
            ),
        )
        .await;
    assert_eq!(created, 200);
    let (missing, _) = api.call(Method::GET, "/v4/volumes/999", None).await;
    assert_eq!(missing, 404);
    let (_, doc) = page(&sb, "/").await;

    let (headings, events) = table(&doc, "events");
    assert_eq!(
        headings,
        [
            "id",
            "action",
            "entity",
            "entity type",
            "status",
            "percent_complete",
            "created"
        ]
    );
    // Newest first: the create in progress, then the seed's, finished.
    assert_eq!(
        (&events[0][1], &events[0][2], &events[0][3]),
        (
            &"linode_create".to_owned(),
            &"slow-1".to_owned(),
            &"linode".to_owned()
        )
    );
    assert!(
        ["scheduled", "started"].contains(&events[0][4].as_str()),
        "{:?}",
        events[0]
    );
    let percent: u64 = events[0][5].parse().unwrap();
    assert!(percent < 100, "{percent}");
    let seeded: Vec<(&str, &str, &str)> = events[1..]
        .iter()
        .map(|e| (e[1].as_str(), e[2].as_str(), e[4].as_str()))
        .collect();
    assert!(
        seeded.contains(&("linode_create", "web-1", "finished")),
        "{seeded:?}"
    );
    assert!(seeded.iter().all(|e| e.2 == "finished"), "{seeded:?}");
    assert!(events[1..].iter().all(|e| e[5] == "100"));

    let (headings, requests) = table(&doc, "requests");
    assert_eq!(
        headings,
        ["seq", "received", "method", "path", "status", "ms"]
    );
    let summary: Vec<(&str, &str, &str, &str)> = requests
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str(), r[3].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("2", "GET", "/v4/volumes/999", "404"),
            ("1", "POST", "/v4/linode/instances", "200")
        ]
    );
    for row in &requests {
        let received =
            time::OffsetDateTime::parse(&row[1], &time::format_description::well_known::Rfc3339)
                .unwrap();
        assert!(received >= before && received <= time::OffsetDateTime::now_utc());
        let ms: f64 = row[5].parse().unwrap();
        assert!(ms >= 0.0, "{ms}");
    }
    // The request log shows no bodies: the root password is nowhere on the page.
    assert!(!doc.html().contains("Sandbox-Pass-42"));
}
