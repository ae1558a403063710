//! The dashboard: server-rendered HTML pages that show what the sandbox holds.
//!
//! - `GET /`: how many objects each family has, the latest events with their progress and
//!   the latest requests with their status, when they came and how long they took;
//! - `GET /dashboard/{family}` (`instances`, `volumes`, ...): the objects of one family as a
//!   table.
//!
//! `?refresh=N` (1 to 3600) reloads a page every N seconds (an HTML `meta` refresh, no script).
//!
//! Like `/sandbox/health` the pages need no token: the sandbox is a local tool. They read
//! the same state as the API, through the API's own list routes called in-process (not
//! recorded in the request log), so they show only what the API shows, and the API's answers
//! hold no secrets (tokens and passwords are never in them). Of the requests, only the
//! method, path, status and times are shown, never headers or bodies. Every value is
//! HTML-escaped.

use std::fmt::Write as _;
use std::time::SystemTime;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use super::AppState;
use crate::inproc::InProcess;

/// How many events and requests the overview shows.
const RECENT: usize = 25;

/// A family the dashboard shows: its name in `/dashboard/{name}`, its title, its list path
/// under `/v4`, an `X-Filter` if the list needs one, and its table's columns.
struct Family {
    name: &'static str,
    title: &'static str,
    path: &'static str,
    filter: Option<&'static str>,
    columns: &'static [Column],
}

/// A column: its heading and how its cell is read from an object.
struct Column(&'static str, Cell);

#[derive(Clone, Copy)]
enum Cell {
    /// The value at a JSON pointer.
    At(&'static str),
    /// The length of the array at a JSON pointer.
    Count(&'static str),
}

use Cell::{At, Count};

const FAMILIES: &[Family] = &[
    Family {
        name: "instances",
        title: "Linodes",
        path: "/linode/instances",
        filter: None,
        columns: &[
            Column("id", At("/id")),
            Column("label", At("/label")),
            Column("region", At("/region")),
            Column("type", At("/type")),
            Column("image", At("/image")),
            Column("status", At("/status")),
            Column("ipv4", At("/ipv4")),
            Column("tags", At("/tags")),
        ],
    },
    Family {
        name: "volumes",
        title: "Volumes",
        path: "/volumes",
        filter: None,
        columns: &[
            Column("id", At("/id")),
            Column("label", At("/label")),
            Column("region", At("/region")),
            Column("size", At("/size")),
            Column("status", At("/status")),
            Column("linode_id", At("/linode_id")),
            Column("tags", At("/tags")),
        ],
    },
    Family {
        name: "domains",
        title: "Domains",
        path: "/domains",
        filter: None,
        columns: &[
            Column("id", At("/id")),
            Column("domain", At("/domain")),
            Column("type", At("/type")),
            Column("status", At("/status")),
            Column("soa_email", At("/soa_email")),
            Column("tags", At("/tags")),
        ],
    },
    Family {
        name: "firewalls",
        title: "Firewalls",
        path: "/networking/firewalls",
        filter: None,
        columns: &[
            Column("id", At("/id")),
            Column("label", At("/label")),
            Column("status", At("/status")),
            Column("inbound_policy", At("/rules/inbound_policy")),
            Column("outbound_policy", At("/rules/outbound_policy")),
            Column("devices", Count("/entities")),
            Column("tags", At("/tags")),
        ],
    },
    Family {
        name: "vpcs",
        title: "VPCs",
        path: "/vpcs",
        filter: None,
        columns: &[
            Column("id", At("/id")),
            Column("label", At("/label")),
            Column("region", At("/region")),
            Column("description", At("/description")),
            Column("subnets", Count("/subnets")),
        ],
    },
    Family {
        name: "nodebalancers",
        title: "NodeBalancers",
        path: "/nodebalancers",
        filter: None,
        columns: &[
            Column("id", At("/id")),
            Column("label", At("/label")),
            Column("region", At("/region")),
            Column("hostname", At("/hostname")),
            Column("ipv4", At("/ipv4")),
            Column("tags", At("/tags")),
        ],
    },
    Family {
        name: "placement-groups",
        title: "Placement groups",
        path: "/placement/groups",
        filter: None,
        columns: &[
            Column("id", At("/id")),
            Column("label", At("/label")),
            Column("region", At("/region")),
            Column("type", At("/placement_group_type")),
            Column("policy", At("/placement_group_policy")),
            Column("members", Count("/members")),
        ],
    },
    Family {
        name: "images",
        title: "Private images",
        path: "/images",
        filter: Some(r#"{"is_public": false}"#),
        columns: &[
            Column("id", At("/id")),
            Column("label", At("/label")),
            Column("status", At("/status")),
            Column("size", At("/size")),
            Column("created", At("/created")),
        ],
    },
    Family {
        name: "lke-clusters",
        title: "Kubernetes clusters",
        path: "/lke/clusters",
        filter: None,
        columns: &[
            Column("id", At("/id")),
            Column("label", At("/label")),
            Column("region", At("/region")),
            Column("k8s_version", At("/k8s_version")),
            Column("status", At("/status")),
        ],
    },
    Family {
        name: "databases",
        title: "Databases",
        path: "/databases/instances",
        filter: None,
        columns: &[
            Column("id", At("/id")),
            Column("label", At("/label")),
            Column("engine", At("/engine")),
            Column("version", At("/version")),
            Column("region", At("/region")),
            Column("status", At("/status")),
        ],
    },
    Family {
        name: "buckets",
        title: "Object Storage buckets",
        path: "/object-storage/buckets",
        filter: None,
        columns: &[
            Column("label", At("/label")),
            Column("region", At("/region")),
            Column("hostname", At("/hostname")),
            Column("objects", At("/objects")),
            Column("size", At("/size")),
        ],
    },
    Family {
        name: "tags",
        title: "Tags",
        path: "/tags",
        filter: None,
        columns: &[Column("label", At("/label"))],
    },
    Family {
        name: "users",
        title: "Users",
        path: "/account/users",
        filter: None,
        columns: &[
            Column("username", At("/username")),
            Column("email", At("/email")),
            Column("restricted", At("/restricted")),
        ],
    },
    Family {
        name: "events",
        title: "Events",
        path: "/account/events",
        filter: None,
        columns: EVENT_COLUMNS,
    },
];

const EVENT_COLUMNS: &[Column] = &[
    Column("id", At("/id")),
    Column("action", At("/action")),
    Column("entity", At("/entity/label")),
    Column("entity type", At("/entity/type")),
    Column("status", At("/status")),
    Column("percent_complete", At("/percent_complete")),
    Column("created", At("/created")),
];

/// The dashboard's routes (no token needed).
pub(super) fn routes() -> Router<AppState> {
    // Other methods answer the API's JSON 405, as everywhere else.
    Router::new()
        .route("/", get(overview).fallback(super::method_not_allowed))
        .route(
            "/dashboard",
            get(overview).fallback(super::method_not_allowed),
        )
        .route(
            "/dashboard/{family}",
            get(family_page).fallback(super::method_not_allowed),
        )
}

/// `&`, `<`, `>`, `"` and `'` as HTML entities.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value as cell text: strings as they are, lists joined with commas, `null` empty.
fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn cell(object: &Value, how: Cell) -> String {
    match how {
        At(pointer) => object.pointer(pointer).map(text).unwrap_or_default(),
        Count(pointer) => object
            .pointer(pointer)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
            .to_string(),
    }
}

/// The `refresh` of a page's query: seconds between reloads, 1 to 3600.
fn refresh(query: Option<&str>) -> Option<u64> {
    query?
        .split('&')
        .find_map(|kv| kv.strip_prefix("refresh="))?
        .parse::<u64>()
        .ok()
        .filter(|s| (1..=3600).contains(s))
}

/// A page around `body`, reloaded every `refresh` seconds if given.
fn page(title: &str, body: &str, refresh: Option<u64>) -> Response {
    let refresh = refresh
        .map(|s| format!("<meta http-equiv=\"refresh\" content=\"{s}\">\n"))
        .unwrap_or_default();
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{refresh}\
         <title>{title} · linode-sandbox</title>\n<style>\n\
         body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }}\n\
         table {{ border-collapse: collapse; margin-bottom: 1.5rem; }}\n\
         th, td {{ border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }}\n\
         th {{ background: #f0f0f0; }}\n\
         </style>\n</head>\n<body>\n<nav><a href=\"/\">linode-sandbox</a> {version}</nav>\n\
         <h1>{title}</h1>\n{body}</body>\n</html>\n",
        title = esc(title),
        version = esc(env!("CARGO_PKG_VERSION")),
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// A table with an `id` (for tests and links), headings and rows of already-escaped cells.
fn table(id: &str, headings: &[&str], rows: &[Vec<String>]) -> String {
    let mut html = format!("<table id=\"{}\">\n<thead><tr>", esc(id));
    for h in headings {
        let _ = write!(html, "<th>{}</th>", esc(h));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        html.push_str("<tr>");
        for c in row {
            let _ = write!(html, "<td>{c}</td>");
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

/// The first page (up to 500 objects) of a family's list, and how many there are in all.
async fn list(api: &InProcess, family: &Family) -> Option<(Vec<Value>, u64)> {
    let (status, answer) = api
        .call(
            Method::GET,
            &format!("/v4{}?page_size=500", family.path),
            None,
            family.filter,
        )
        .await;
    if !status.is_success() {
        return None;
    }
    let results = answer["results"].as_u64().unwrap_or_default();
    match answer {
        Value::Object(mut map) => match map.remove("data") {
            Some(Value::Array(data)) => Some((data, results)),
            _ => None,
        },
        _ => None,
    }
}

fn rfc3339(at: SystemTime) -> String {
    time::OffsetDateTime::from(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

async fn overview(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let api = InProcess::new(&state);
    let mut html = String::from("<h2>Objects</h2>\n");
    let mut rows = Vec::new();
    let mut events = Vec::new();
    for family in FAMILIES {
        let (count, data) = match list(&api, family).await {
            Some((data, count)) => (count.to_string(), data),
            None => ("unavailable".to_owned(), Vec::new()),
        };
        if family.name == "events" {
            events = data;
        }
        rows.push(vec![
            format!(
                "<a href=\"/dashboard/{}\">{}</a>",
                esc(family.name),
                esc(family.title)
            ),
            esc(&count),
        ]);
    }
    html.push_str(&table("counts", &["family", "count"], &rows));

    html.push_str("<h2>Recent events</h2>\n");
    events.sort_by_key(|e| std::cmp::Reverse(e["id"].as_u64().unwrap_or_default()));
    let headings: Vec<&str> = EVENT_COLUMNS.iter().map(|c| c.0).collect();
    let rows: Vec<Vec<String>> = events
        .iter()
        .take(RECENT)
        .map(|e| EVENT_COLUMNS.iter().map(|c| esc(&cell(e, c.1))).collect())
        .collect();
    html.push_str(&table("events", &headings, &rows));

    html.push_str("<h2>Recent requests</h2>\n");
    let rows: Vec<Vec<String>> = {
        let log = state.requests();
        let mut recent: Vec<_> = log.iter().rev().take(RECENT).collect();
        recent.sort_by_key(|r| std::cmp::Reverse(r.seq));
        recent
            .into_iter()
            .map(|r| {
                let path = match &r.query {
                    Some(q) => format!("{}?{q}", r.path),
                    None => r.path.clone(),
                };
                vec![
                    r.seq.to_string(),
                    esc(&rfc3339(r.received)),
                    esc(&r.method),
                    esc(&path),
                    r.status.map(|s| s.to_string()).unwrap_or_default(),
                    r.elapsed
                        .map(|d| format!("{:.1}", d.as_secs_f64() * 1000.0))
                        .unwrap_or_default(),
                ]
            })
            .collect()
    };
    html.push_str(&table(
        "requests",
        &["seq", "received", "method", "path", "status", "ms"],
        &rows,
    ));
    page("Sandbox", &html, refresh(query.as_deref()))
}

async fn family_page(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let refresh = refresh(query.as_deref());
    let Some(family) = FAMILIES.iter().find(|f| f.name == name) else {
        let known: Vec<String> = FAMILIES
            .iter()
            .map(|f| format!("<a href=\"/dashboard/{0}\">{0}</a>", esc(f.name)))
            .collect();
        let mut res = page(
            "Unknown family",
            &format!(
                "<p>No family is named {}. Known: {}.</p>\n",
                esc(&name),
                known.join(", ")
            ),
            None,
        );
        *res.status_mut() = StatusCode::NOT_FOUND;
        return res;
    };
    let api = InProcess::new(&state);
    let Some((data, count)) = list(&api, family).await else {
        return page(family.title, "<p>The list is unavailable.</p>\n", refresh);
    };
    let headings: Vec<&str> = family.columns.iter().map(|c| c.0).collect();
    let rows: Vec<Vec<String>> = data
        .iter()
        .map(|o| family.columns.iter().map(|c| esc(&cell(o, c.1))).collect())
        .collect();
    let mut html = format!("<p id=\"count\">{count}</p>\n");
    if (data.len() as u64) < count {
        let _ = writeln!(html, "<p>Showing the first {}.</p>", data.len());
    }
    html.push_str(&table(family.name, &headings, &rows));
    page(family.title, &html, refresh)
}
