//! Firewall rules as the API checks them (action, protocol, ports, addresses, labels, rule set
//! references, the number of rules), their fingerprint, and their expansion; plus the read-only
//! catalogs rules refer to: prefix lists and templates.

use std::collections::HashSet;

use ipnet::IpNet;
use serde_json::{Map, Value, json};

use super::super::checks::Checks;
use crate::store::Store;

/// Most rules a firewall holds, inbound and outbound together (spec 4.189.0: "A Firewall may
/// have up to 25 rules across its inbound and outbound rulesets").
pub(super) const MAX_RULES: usize = 25;
/// Most addresses of one rule, IPv4 and IPv6 together.
const MAX_ADDRESSES: usize = 255;
/// Most pieces of a ports string (a range counts as two).
const MAX_PORT_PIECES: usize = 15;
const ACTIONS: &[&str] = &["ACCEPT", "DROP"];
const PROTOCOLS: &[&str] = &["TCP", "UDP", "ICMP", "IPENCAP"];
/// Prefix lists whose addresses follow the interface a firewall is on: valid references that
/// expand to nothing here (the sandbox has no VPC interfaces).
const DYNAMIC_PREFIX_LISTS: &[&str] = &["pl::vpcs:<current>", "pl::subnets:<current>"];

/// The collection of rule sets.
pub(super) const RULE_SETS: &str = "firewall_rulesets";

/// Where a list of rules sits, which decides what its entries may be.
#[derive(Clone, Copy)]
pub(super) enum Direction {
    /// A firewall's inbound rules (rule sets of type `inbound` may be referenced).
    Inbound,
    /// A firewall's outbound rules.
    Outbound,
    /// A rule set's own rules: no references to other rule sets.
    InRuleSet,
}

impl Direction {
    fn ruleset_type(self) -> Option<&'static str> {
        match self {
            Direction::Inbound => Some("inbound"),
            Direction::Outbound => Some("outbound"),
            Direction::InRuleSet => None,
        }
    }
}

/// Checks a list of rules at `field` (`rules.inbound`, `inbound`, `rules`), adding every problem
/// to `errs`; `seen` collects the rule sets referenced, each allowed once per firewall.
pub(super) fn check_rule_list(
    errs: &mut Checks,
    store: &Store,
    field: &str,
    value: Option<&Value>,
    direction: Direction,
    seen: &mut HashSet<u64>,
) -> usize {
    let rules = match value {
        None | Some(Value::Null) => return 0,
        Some(Value::Array(rules)) => rules,
        Some(_) => {
            errs.add(field, format!("{field} must be an array"));
            return 0;
        }
    };
    for (i, rule) in rules.iter().enumerate() {
        let at = format!("{field}[{i}]");
        match rule.as_object() {
            None => errs.add(&at, "Each rule must be an object"),
            Some(rule) if rule.contains_key("ruleset") => {
                check_reference(errs, store, &at, rule, direction, seen)
            }
            Some(rule) => check_rule(errs, &at, rule),
        }
    }
    rules.len()
}

fn check_reference(
    errs: &mut Checks,
    store: &Store,
    at: &str,
    rule: &Map<String, Value>,
    direction: Direction,
    seen: &mut HashSet<u64>,
) {
    let field = format!("{at}.ruleset");
    let Some(wanted) = direction.ruleset_type() else {
        errs.add(&field, "A Rule Set cannot reference another Rule Set");
        return;
    };
    if rule.keys().any(|k| k != "ruleset") {
        errs.add(
            &field,
            "A rule referencing a Rule Set cannot have fields of its own",
        );
        return;
    }
    let Some(id) = rule["ruleset"].as_u64() else {
        errs.add(&field, "ruleset must be an integer");
        return;
    };
    match store.table(RULE_SETS).get(id) {
        None => errs.add(&field, "Rule Set not found"),
        Some(set) if set["type"] != wanted => {
            errs.add(&field, format!("Rule Set {id} is not of type {wanted}"))
        }
        Some(_) if !seen.insert(id) => {
            errs.add(&field, "A firewall can reference a Rule Set only once")
        }
        Some(_) => {}
    }
}

fn check_rule(errs: &mut Checks, at: &str, rule: &Map<String, Value>) {
    let text = |key: &str| rule.get(key).filter(|v| !v.is_null());
    match text("action") {
        None => errs.add(&format!("{at}.action"), "action is required"),
        Some(v) if !v.as_str().is_some_and(|a| ACTIONS.contains(&a)) => errs.add(
            &format!("{at}.action"),
            "action must be one of ACCEPT, DROP",
        ),
        Some(_) => {}
    }
    let protocol = match text("protocol") {
        None => {
            errs.add(&format!("{at}.protocol"), "protocol is required");
            None
        }
        Some(v) => match v.as_str().filter(|p| PROTOCOLS.contains(p)) {
            Some(p) => Some(p),
            None => {
                errs.add(
                    &format!("{at}.protocol"),
                    "protocol must be one of TCP, UDP, ICMP, IPENCAP",
                );
                None
            }
        },
    };
    if let Some(ports) = text("ports") {
        let field = format!("{at}.ports");
        match (ports.as_str(), protocol) {
            (None, _) => errs.add(&field, "ports must be a string"),
            (Some(_), Some(p @ ("ICMP" | "IPENCAP"))) => errs.add(
                &field,
                format!("Ports are not allowed for the {p} protocol"),
            ),
            (Some(""), _) => {}
            (Some(ports), _) => {
                if let Err(reason) = check_ports(ports) {
                    errs.add(&field, reason);
                }
            }
        }
    }
    match text("addresses") {
        None => errs.add(&format!("{at}.addresses"), "addresses is required"),
        Some(Value::Object(addresses)) => {
            check_addresses(errs, &format!("{at}.addresses"), addresses)
        }
        Some(_) => errs.add(&format!("{at}.addresses"), "addresses must be an object"),
    }
    for (key, min, max) in [("label", 3, 32), ("description", 1, 100)] {
        if let Some(v) = text(key) {
            let field = format!("{at}.{key}");
            match v.as_str() {
                None => errs.add(&field, format!("{key} must be a string")),
                Some(s) => {
                    errs.length(&field, s, min, max);
                }
            }
        }
    }
}

/// The API's ports syntax: pieces separated by `,` (a space may follow), each a port or an
/// increasing `first-last` range, ports 1-65535 without leading zeros, at most 15 pieces.
pub(super) fn check_ports(ports: &str) -> Result<(), String> {
    let mut pieces = 0;
    for (i, piece) in ports.split(',').enumerate() {
        let piece = if i > 0 {
            piece.strip_prefix(' ').unwrap_or(piece)
        } else {
            piece
        };
        let (first, last) = match piece.split_once('-') {
            Some((a, b)) => (port(a)?, Some(port(b)?)),
            None => (port(piece)?, None),
        };
        if let Some(last) = last {
            if last <= first {
                return Err(format!(
                    "The end of the range {piece} must be greater than its start"
                ));
            }
            pieces += 2;
        } else {
            pieces += 1;
        }
    }
    if pieces > MAX_PORT_PIECES {
        return Err(format!(
            "Ports may have up to {MAX_PORT_PIECES} pieces (a range counts as two)"
        ));
    }
    Ok(())
}

fn port(text: &str) -> Result<u32, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{text:?} is not a port: use a port, a range of ports, or a comma-separated list of both"
        ));
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(format!("Port {text} must not have leading zeros"));
    }
    match text.parse::<u32>() {
        Ok(n) if (1..=65535).contains(&n) => Ok(n),
        _ => Err(format!("Port {text} must be between 1 and 65535")),
    }
}

fn check_addresses(errs: &mut Checks, at: &str, addresses: &Map<String, Value>) {
    let lists: Vec<(&str, &Value)> = ["ipv4", "ipv6"]
        .into_iter()
        .filter_map(|k| addresses.get(k).filter(|v| !v.is_null()).map(|v| (k, v)))
        .collect();
    if lists.is_empty() {
        errs.add(at, "Must contain ipv4, ipv6, or both");
        return;
    }
    let mut total = 0;
    for (family, list) in lists {
        let field = format!("{at}.{family}");
        let Some(items) = list.as_array() else {
            errs.add(&field, format!("{family} must be an array"));
            continue;
        };
        if items.is_empty() {
            errs.add(&field, "Must not be an empty list");
        }
        total += items.len();
        for (j, item) in items.iter().enumerate() {
            let reason = match item.as_str() {
                None => Some("Must be a string".to_owned()),
                Some(name) if name.starts_with("pl:") => {
                    (!prefix_list_exists(name)).then(|| format!("Prefix List {name} not found"))
                }
                Some(cidr) => check_cidr(cidr, family == "ipv4").err(),
            };
            if let Some(reason) = reason {
                errs.add(&format!("{field}[{j}]"), reason);
            }
        }
    }
    if total > MAX_ADDRESSES {
        errs.add(
            at,
            format!("A rule may have up to {MAX_ADDRESSES} addresses or networks"),
        );
    }
}

fn check_cidr(text: &str, v4: bool) -> Result<(), String> {
    let family = if v4 { "IPv4" } else { "IPv6" };
    let wrong = || format!("{text} is not an {family} address in IP/mask format");
    if text.contains('%') {
        return Err(format!("{text} must not include a zone id"));
    }
    match text.parse::<IpNet>() {
        Ok(IpNet::V4(_)) if v4 => Ok(()),
        Ok(IpNet::V6(_)) if !v4 => Ok(()),
        _ => Err(wrong()),
    }
}

/// An 8 hex digit hash of the rules (FNV-1a over their JSON), as `fingerprint` shows it.
pub(super) fn fingerprint(rules: &Value) -> String {
    let parts = json!([
        rules["inbound"],
        rules["inbound_policy"],
        rules["outbound"],
        rules["outbound_policy"]
    ]);
    let hash = parts.to_string().bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("{hash:08x}")
}

/// `rules` with every rule set reference replaced by the set's rules and every prefix list by
/// its addresses of the rule's family.
pub(super) fn expand(store: &Store, rules: &Value) -> Value {
    let mut out = rules.clone();
    for direction in ["inbound", "outbound"] {
        let expanded: Vec<Value> = rules[direction]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|rule| match rule["ruleset"].as_u64() {
                Some(id) => store
                    .table(RULE_SETS)
                    .get(id)
                    .and_then(|set| set["rules"].as_array().cloned())
                    .unwrap_or_default(),
                None => vec![rule.clone()],
            })
            .map(expand_addresses)
            .collect();
        out[direction] = Value::from(expanded);
    }
    out
}

fn expand_addresses(mut rule: Value) -> Value {
    for family in ["ipv4", "ipv6"] {
        let Some(list) = rule["addresses"][family].as_array() else {
            continue;
        };
        let expanded: Vec<Value> = list
            .iter()
            .flat_map(|item| match item.as_str() {
                Some(name) if name.starts_with("pl:") => prefix_list_by_name(name)
                    .and_then(|pl| pl[family].as_array().cloned())
                    .unwrap_or_default(),
                _ => vec![item.clone()],
            })
            .collect();
        rule["addresses"][family] = Value::from(expanded);
    }
    rule
}

/// The prefix lists of the account: Akamai's system lists and one list of a VPC.
pub(super) fn prefix_lists() -> Vec<Value> {
    let list = |id: u64, name: &str, description: &str, ipv4: Value, ipv6: Value| {
        json!({
            "id": id,
            "name": name,
            "description": description,
            "visibility": "public",
            "source_prefixlist_id": null,
            "ipv4": ipv4,
            "ipv6": ipv6,
            "version": 1,
            "created": "2025-01-01T00:00:00",
            "updated": "2025-01-01T00:00:00",
            "deleted": null,
        })
    };
    vec![
        list(
            1,
            "pl:system:object-storage:us-east",
            "Object Storage in us-east",
            json!(["192.0.2.64/26", "192.0.2.128/26"]),
            json!(["2001:db8:1::/48"]),
        ),
        list(
            2,
            "pl:system:resolvers:us-east",
            "DNS resolvers in us-east",
            json!(["198.51.100.53/32", "198.51.100.54/32"]),
            Value::Null,
        ),
        list(
            3,
            "pl::vpcs:1001",
            "The addresses of VPC 1001",
            json!(["10.0.0.0/24"]),
            json!(["2001:db8:1001::/64"]),
        ),
    ]
}

fn prefix_list_by_name(name: &str) -> Option<Value> {
    prefix_lists().into_iter().find(|pl| pl["name"] == name)
}

fn prefix_list_exists(name: &str) -> bool {
    DYNAMIC_PREFIX_LISTS.contains(&name) || prefix_list_by_name(name).is_some()
}

/// The firewall templates: `akamai-non-prod`, `public` and `vpc`.
pub(super) fn templates() -> Vec<Value> {
    let rules = |inbound: Value| {
        let mut rules = json!({
            "inbound": inbound,
            "inbound_policy": "DROP",
            "outbound": [],
            "outbound_policy": "ACCEPT",
            "version": 1,
        });
        rules["fingerprint"] = Value::from(fingerprint(&rules));
        rules
    };
    vec![
        json!({"slug": "akamai-non-prod", "rules": rules(json!([{
            "action": "ACCEPT", "protocol": "TCP", "ports": "22",
            "addresses": {"ipv4": ["192.0.2.0/24"]},
            "label": "allow-akamai-ssh", "description": "SSH from Akamai's bastions",
        }]))}),
        json!({"slug": "public", "rules": rules(json!([{
            "action": "ACCEPT", "protocol": "ICMP",
            "addresses": {"ipv4": ["0.0.0.0/0"], "ipv6": ["::/0"]},
            "label": "allow-icmp", "description": "Ping and path MTU discovery",
        }]))}),
        json!({"slug": "vpc", "rules": rules(json!([{
            "action": "ACCEPT", "protocol": "TCP",
            "addresses": {"ipv4": ["pl::vpcs:<current>"], "ipv6": ["pl::vpcs:<current>"]},
            "label": "allow-vpc", "description": "Everything from the same VPC",
        }]))}),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_follow_the_api_syntax() {
        for good in [
            "22",
            "80,443",
            "80, 443",
            "1000-2000",
            "22-24, 80, 443",
            "65535",
        ] {
            assert_eq!(check_ports(good), Ok(()), "{good}");
        }
        for bad in [
            "0", "080", "65536", "22-22", "30-20", "a", "22,", "22,  80", "-1",
        ] {
            assert!(check_ports(bad).is_err(), "{bad}");
        }
        let fifteen = (1..=15)
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(check_ports(&fifteen), Ok(()));
        assert!(check_ports(&format!("{fifteen},16")).is_err());
        assert!(check_ports("1-2,3-4,5-6,7-8,9-10,11-12,13-14,15").is_ok());
        assert!(check_ports("1-2,3-4,5-6,7-8,9-10,11-12,13-14,15-16").is_err());
    }

    #[test]
    fn addresses_are_networks_of_their_family() {
        assert!(check_cidr("192.0.2.0/24", true).is_ok());
        assert!(check_cidr("2001:db8::/32", false).is_ok());
        assert!(check_cidr("192.0.2.1", true).is_err());
        assert!(check_cidr("2001:db8::/32", true).is_err());
        assert!(check_cidr("fe80::1%eth0/64", false).is_err());
        assert!(prefix_list_exists("pl::vpcs:<current>"));
        assert!(!prefix_list_exists("pl:system:nowhere"));
    }
}
