//! The linode family's routes never answer 500: every odd body gets a 4xx envelope.

use linode_sandbox::Sandbox;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Api, json_or_null};

#[tokio::test]
async fn odd_bodies_get_an_error_envelope_never_a_500() {
    let sb = Sandbox::start().await.unwrap();
    let api = Api::of(&sb);
    let (s, _, linode) = api
        .send_text(
        Method::POST,
        "/v4/linode/instances",
        Some(r#"{"region":"us-east","type":"g6-nanode-1","image":"linode/debian12","root_pass":"aComplex@Password1","backups_enabled":true}"#),
    )
    .await;
    assert_eq!(s, 200);
    let linode = json_or_null(&linode);
    let id = linode["id"].as_u64().unwrap();
    let disk = sb.disks(id)[0]["id"].as_u64().unwrap();
    let config = sb.configs(id)[0]["id"].as_u64().unwrap();
    let address = linode["ipv4"][0].as_str().unwrap().to_owned();
    let posts = [
        format!("/linode/instances/{id}/boot"),
        format!("/linode/instances/{id}/reboot"),
        format!("/linode/instances/{id}/rebuild"),
        format!("/linode/instances/{id}/resize"),
        format!("/linode/instances/{id}/disks"),
        format!("/linode/instances/{id}/disks/{disk}/resize"),
        format!("/linode/instances/{id}/configs"),
        format!("/linode/instances/{id}/backups"),
        format!("/linode/instances/{id}/backups/1/restore"),
        format!("/linode/instances/{id}/ips"),
        "/linode/instances".to_owned(),
        "/linode/stackscripts".to_owned(),
        "/images".to_owned(),
        "/networking/ips".to_owned(),
        "/networking/ips/assign".to_owned(),
        "/networking/ipv6/ranges".to_owned(),
    ];
    let puts = [
        format!("/linode/instances/{id}/disks/{disk}"),
        format!("/linode/instances/{id}/configs/{config}"),
        format!("/networking/ips/{address}"),
        format!("/linode/instances/{id}/ips/{address}"),
        "/linode/stackscripts/10079".to_owned(),
        "/images/private/1".to_owned(),
    ];
    let bodies = [
        "",
        "null",
        "[]",
        "{}",
        "not json",
        r#"{"type": 5, "image": [], "root_pass": {}, "size": "big", "label": null}"#,
        r#"{"devices": {"sda": 7, "sdz": {"disk_id": 1}}, "helpers": {"network": "yes"}}"#,
        r#"{"region": "us-east", "assignments": [{"address": 5}, {"linode_id": "x"}, 7]}"#,
        r#"{"stackscript_id": 10079, "stackscript_data": {"gh_username": 5}, "image": "linode/debian12"}"#,
        r#"{"size": 18446744073709551615, "type": "g6-nanode-1", "linode_id": 18446744073709551615}"#,
        r#"{"backup_id": 18446744073709551615, "disk_id": -1, "linode_id": 1.5}"#,
        r#"{"rdns": "-bad-.example", "prefix_length": 48, "script": "no shebang", "images": []}"#,
    ];
    for (method, paths) in [(Method::POST, &posts[..]), (Method::PUT, &puts[..])] {
        for path in paths {
            for body in bodies {
                let (status, _, answer) = api
                    .send_text(method.clone(), &format!("/v4{path}"), Some(body))
                    .await;
                let (status, answer) = (status.as_u16(), json_or_null(&answer));
                assert!(
                    (400..500).contains(&status) || status == 200,
                    "{method} {path} {body} -> {status} {answer}"
                );
                if status != 200 {
                    assert!(answer["errors"][0]["reason"].is_string(), "{answer}");
                }
            }
        }
    }
    // The Linode is still consistent with the address list.
    let (_, ips) = api.call(Method::GET, "/v4/networking/ips", None).await;
    let listed: Vec<&str> = ips["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|ip| ip["linode_id"] == json!(id) && ip["type"] == "ipv4")
        .filter_map(|ip| ip["address"].as_str())
        .collect();
    let stored = sb.instance(id).unwrap();
    let own: Vec<&str> = stored["ipv4"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(listed, own);
}
