//! The coverage ledger's test: which operations of the API (`spec/operations.tsv`) the client
//! sends and the sandbox serves, derived from the code, must be what `docs/coverage.md` and the
//! README's totals say.
//!
//! - The client side is every [`Operation`] the families declare with `operations!` (an
//!   operation declared and not used fails the build, so each one is sent by some method).
//! - The sandbox side is found by asking a running sandbox: each operation is sent with
//!   placeholder parameters, and it is served when the answer names a route
//!   (`linode_sandbox::ROUTE_HEADER`) whose template is the operation's. The few operations
//!   the API serves on another host (the metrics query) are asked for under that host's path.
//!
//! `LEDGER_UPDATE=1 cargo test -p linode --lib coverage` rewrites both files from the code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::operation::Operation;

/// Every family's declared operations.
fn client_operations() -> Vec<Operation> {
    [
        crate::api::account::OPERATIONS,
        crate::api::account::access::OPERATIONS,
        crate::api::account::billing::OPERATIONS,
        crate::api::account::transfers::OPERATIONS,
        crate::api::betas::OPERATIONS,
        crate::api::databases::OPERATIONS,
        crate::api::domains::OPERATIONS,
        crate::api::entities::OPERATIONS,
        crate::api::iam::delegation::OPERATIONS,
        crate::api::iam::idp::OPERATIONS,
        crate::api::iam::roles::OPERATIONS,
        crate::api::images::OPERATIONS,
        crate::api::images::sharegroups::OPERATIONS,
        crate::api::linode::OPERATIONS,
        crate::api::linode::actions::OPERATIONS,
        crate::api::linode::interfaces::OPERATIONS,
        crate::api::linode::parts::OPERATIONS,
        crate::api::linode::stackscripts::OPERATIONS,
        crate::api::lke::OPERATIONS,
        crate::api::locks::OPERATIONS,
        crate::api::longview::OPERATIONS,
        crate::api::maintenance::OPERATIONS,
        crate::api::marketplace::OPERATIONS,
        crate::api::monitor::alerts::OPERATIONS,
        crate::api::monitor::logs::OPERATIONS,
        crate::api::monitor::services::OPERATIONS,
        crate::api::network_transfer::OPERATIONS,
        crate::api::networking::OPERATIONS,
        crate::api::networking::firewalls::OPERATIONS,
        crate::api::networking::reserved::OPERATIONS,
        crate::api::networking::vlans::OPERATIONS,
        crate::api::nodebalancers::OPERATIONS,
        crate::api::object_storage::OPERATIONS,
        crate::api::profile::OPERATIONS,
        crate::api::profile::security::OPERATIONS,
        crate::api::managed::OPERATIONS,
        crate::api::regions::OPERATIONS,
        crate::api::support::OPERATIONS,
        crate::api::tags::OPERATIONS,
        crate::api::volumes::OPERATIONS,
        crate::api::vpcs::OPERATIONS,
        crate::api::placement::OPERATIONS,
        crate::events::OPERATIONS,
    ]
    .concat()
}

struct SpecOperation {
    method: String,
    path: String,
    id: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn spec() -> Vec<SpecOperation> {
    let text = std::fs::read_to_string(root().join("spec/operations.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            SpecOperation {
                method: cols[0].to_owned(),
                path: cols[1].to_owned(),
                id: cols[2].to_owned(),
            }
        })
        .collect()
}

/// `/a/{x}/b/{*y}` → `/a/{}/b/{}`: templates compared without parameter names.
fn shape(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut in_param = false;
    for c in template.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// Operations the API serves on another host than `api.linode.com/v4`, with the path prefix
/// they have there (the client sends them to that host, the sandbox serves them under it).
const OTHER_HOSTS: &[(&str, &str, &str)] =
    &[("POST", "/monitor/services/{serviceType}/metrics", "/v2beta")];

/// The operations a fresh sandbox routes, as `(method, path)` of the spec.
async fn sandbox_served(spec: &[SpecOperation]) -> BTreeSet<(String, String)> {
    let sandbox = linode_sandbox::Sandbox::start().await.unwrap();
    let http = reqwest::Client::new();
    let mut served = BTreeSet::new();
    for op in spec {
        let path = shape(&op.path).replace("{}", "1");
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
        let prefix = OTHER_HOSTS
            .iter()
            .find(|(m, p, _)| *m == op.method && *p == op.path)
            .map_or("/v4", |(.., prefix)| prefix);
        let res = http
            .request(method, format!("{}{prefix}{path}", sandbox.base_url()))
            .bearer_auth(sandbox.token())
            .send()
            .await
            .unwrap();
        let route = res
            .headers()
            .get(linode_sandbox::ROUTE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(shape);
        if route.as_deref() == Some(shape(&op.path).as_str()) {
            served.insert((op.method.clone(), op.path.clone()));
        }
    }
    served
}

fn family(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

struct Counts {
    total: usize,
    client: usize,
    sandbox: usize,
}

fn totals_table(families: &BTreeMap<&str, Counts>) -> String {
    let mut out =
        String::from("| family | operations | client | sandbox |\n| --- | ---: | ---: | ---: |\n");
    let (mut t, mut c, mut s) = (0, 0, 0);
    for (name, n) in families {
        out.push_str(&format!(
            "| `/{name}` | {} | {} | {} |\n",
            n.total, n.client, n.sandbox
        ));
        t += n.total;
        c += n.client;
        s += n.sandbox;
    }
    out.push_str(&format!("| **all** | **{t}** | **{c}** | **{s}** |\n"));
    out
}

const README_BEGIN: &str = "<!-- coverage totals: begin -->\n";
const README_END: &str = "<!-- coverage totals: end -->";

#[tokio::test]
async fn the_ledger_says_what_the_code_covers() {
    let spec = spec();
    let known: BTreeSet<(String, String)> = spec
        .iter()
        .map(|o| (o.method.clone(), o.path.clone()))
        .collect();

    let mut client = BTreeSet::new();
    for op in client_operations() {
        let key = (op.verb.as_str().to_owned(), op.template.to_owned());
        assert!(
            known.contains(&key),
            "{} {} is declared by the client but is no operation of spec/operations.tsv",
            key.0,
            key.1
        );
        assert!(
            client.insert(key.clone()),
            "{} {} is declared twice",
            key.0,
            key.1
        );
    }
    let sandbox = sandbox_served(&spec).await;

    let mut families: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut rows: BTreeMap<&str, String> = BTreeMap::new();
    for op in &spec {
        let key = (op.method.clone(), op.path.clone());
        let (c, s) = (client.contains(&key), sandbox.contains(&key));
        let n = families.entry(family(&op.path)).or_insert(Counts {
            total: 0,
            client: 0,
            sandbox: 0,
        });
        n.total += 1;
        n.client += usize::from(c);
        n.sandbox += usize::from(s);
        let mark = |b: bool| if b { "yes" } else { "" };
        rows.entry(family(&op.path)).or_default().push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            op.method,
            op.path,
            op.id,
            mark(c),
            mark(s)
        ));
    }
    let totals = totals_table(&families);
    let mut ledger = String::from(
        "# API coverage\n\n\
         Every operation of the Linode API (spec 4.229.1, `spec/operations.tsv`), with whether the \
         client sends it and the sandbox serves it. Both columns are derived from the code by the \
         test `coverage::the_ledger_says_what_the_code_covers`, which fails when this file \
         disagrees; `LEDGER_UPDATE=1 cargo test -p linode --lib coverage` rewrites it.\n\n",
    );
    ledger.push_str(&totals);
    for (name, body) in &rows {
        ledger.push_str(&format!(
            "\n## `/{name}`\n\n| method | path | operation | client | sandbox |\n| --- | --- | --- | :---: | :---: |\n{body}"
        ));
    }

    let ledger_path = root().join("docs/coverage.md");
    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let begin = readme
        .find(README_BEGIN)
        .expect("README has the coverage markers")
        + README_BEGIN.len();
    let end = readme
        .find(README_END)
        .expect("README has the coverage markers");
    let new_readme = format!("{}{totals}{}", &readme[..begin], &readme[end..]);

    if std::env::var_os("LEDGER_UPDATE").is_some() {
        std::fs::write(&ledger_path, &ledger).unwrap();
        std::fs::write(&readme_path, &new_readme).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&ledger_path).unwrap_or_default();
    assert!(
        current == ledger,
        "docs/coverage.md disagrees with the code; run LEDGER_UPDATE=1 cargo test -p linode --lib coverage \
         and review the diff. Expected:\n{ledger}"
    );
    assert!(
        readme == new_readme,
        "the README's coverage totals disagree with the code; run LEDGER_UPDATE=1 cargo test -p linode --lib coverage"
    );
}

#[test]
fn templates_are_compared_without_parameter_names() {
    assert_eq!(shape("/images/{*id}"), "/images/{}");
    assert_eq!(
        shape("/linode/instances/{linodeId}/disks/{diskId}"),
        "/linode/instances/{}/disks/{}"
    );
}
