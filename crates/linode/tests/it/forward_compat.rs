//! Forward compatibility, for every model: real JSON from the sandbox still decodes when the API
//! adds fields at any level, sends an enum value this client does not know (it lands in the
//! `Unknown` arm), or sends `null` in a field that is not required.
//!
//! Every model the client decodes from the API is in the `models!` table at the bottom; the
//! data comes from a sandbox where [`world`] made one of everything through the client.

use crate::common;

use linode::api::account::{
    Account, AccountSettings, CreateOAuthClient, CreateUser, Invoice, InvoiceItem, OAuthClient,
    Payment, Transfer, User,
};
use linode::api::domains::{CreateDomain, CreateRecord, Domain, DomainRecord};
use linode::api::images::{CreateImage, Image, ImageRegion};
use linode::api::linode::{
    AddonPrice, AvailableBackups, Backup, Config, ConfigDevice, ConfigUpdate, CreateDisk,
    CreateInstance, CreateStackScript, Disk, Instance, InstanceIps, Kernel, LinodeType,
    RegionPrice, StackScript, VpcIp,
};
use linode::api::longview::{LongviewClient, LongviewSubscription};
use linode::api::networking::{IpAddress, Ipv6Range, Ipv6RangeDetails};
use linode::api::nodebalancers::{
    ConfigSettings, CreateNode, CreateNodeBalancer, NodeBalancer, NodeBalancerConfig,
    NodeBalancerNode,
};
use linode::api::placement::InstancePlacementGroup;
use linode::api::profile::{
    AuthorizedApp, CreateSshKey, CreateToken, PersonalAccessToken, Profile, SshKey,
};
use linode::api::regions::{Region, RegionMonitors};
use linode::api::support::{OpenTicket, Regarding, SupportTicket, TicketReply};
use linode::api::volumes::{CreateVolume, Volume};
use linode::events::{Event, EventEntity};
use linode::login::LoginClient;
use linode::{Client, ExposeSecret, Path, Request};
use linode_sandbox::Sandbox;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A value no API enum has.
const UNKNOWN: &str = "value-from-the-future";

/// Adds unknown fields (of several shapes) to every object at every level.
fn add_unknown_fields(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                add_unknown_fields(child);
            }
            map.insert("x_future_field".into(), json!({"nested": [1, "a", null]}));
            map.insert("x_future_flag".into(), json!(true));
            map.insert("x_future_null".into(), Value::Null);
        }
        Value::Array(items) => items.iter_mut().for_each(add_unknown_fields),
        _ => {}
    }
}

/// Dotted paths of every object field, nested ones included (array elements excluded).
fn field_paths(value: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Value::Object(map) = value {
        for (key, child) in map {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            field_paths(child, &path, out);
            out.push(path);
        }
    }
}

fn pointer(path: &str) -> String {
    format!("/{}", path.replace('.', "/"))
}

fn decode<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    serde_json::from_value(value.clone()).map_err(|e| e.to_string())
}

/// The forward-compatibility checks for one model, over `items` (raw JSON served at `list`).
fn check<T: DeserializeOwned + Serialize>(
    list: &str,
    items: &[Value],
    enums: &[&str],
    required: &[&str],
) {
    assert!(!items.is_empty(), "{list} has items to check");
    // The page envelope itself may grow too.
    let mut page = json!({"data": items, "page": 1, "pages": 1, "results": items.len()});
    add_unknown_fields(&mut page);
    decode::<Value>(&page).unwrap();
    for item in items {
        let id = &item["id"];
        decode::<T>(item).unwrap_or_else(|e| panic!("{list} {id}: as served: {e}"));

        let mut extended = item.clone();
        add_unknown_fields(&mut extended);
        decode::<T>(&extended).unwrap_or_else(|e| panic!("{list} {id}: with unknown fields: {e}"));

        for field in enums {
            let mut changed = item.clone();
            *changed.pointer_mut(&pointer(field)).unwrap() = json!(UNKNOWN);
            let model: T = decode(&changed)
                .unwrap_or_else(|e| panic!("{list} {id}: unknown value in `{field}`: {e}"));
            // Serialising gives back what the `Unknown` arm kept.
            let back = serde_json::to_value(&model).unwrap();
            assert_eq!(back.pointer(&pointer(field)), Some(&json!(UNKNOWN)));
        }

        let mut paths = Vec::new();
        field_paths(item, "", &mut paths);
        let refused: Vec<String> = paths
            .into_iter()
            .filter(|path| !required.contains(&path.as_str()))
            .filter(|path| {
                let mut changed = item.clone();
                *changed.pointer_mut(&pointer(path)).unwrap() = Value::Null;
                decode::<T>(&changed).is_err()
            })
            .collect();
        assert!(
            refused.is_empty(),
            "{list} {id}: null refused in optional fields {refused:?}"
        );
    }
}

/// A sandbox holding one of everything, made through the client, and the ids to reach it.
struct World {
    _sandbox: Sandbox,
    client: Client,
    linode: u64,
    backed_up: u64,
    domain: u64,
    nodebalancer: u64,
    nb_config: u64,
    ticket: u64,
    invoice: u64,
    ipv6_range: String,
}

impl World {
    /// The items of the first page of `list` (page size 500), as raw JSON.
    async fn list(&self, list: &str) -> Vec<Value> {
        let page: Value = self
            .client
            .send(Request::get(Path::new(list)).query("page_size", 500))
            .await
            .unwrap();
        page["data"].as_array().cloned().unwrap()
    }

    /// The object served at `path`, as the one item to check.
    async fn object(&self, path: &str) -> Vec<Value> {
        vec![
            self.client
                .send(Request::get(Path::new(path)))
                .await
                .unwrap(),
        ]
    }
}

const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
const SSH_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f me@laptop";

async fn world() -> World {
    let (sandbox, client) = common::setup().await;
    sandbox.seed_instances(5);
    let linode = client.linode();
    let new = linode
        .create_instance(
            CreateInstance::from_image("us-east", "g6-standard-2", "linode/debian12")
                .backups_enabled(true),
        )
        .await
        .unwrap();
    let backed_up = new.instance.id;
    sandbox.take_automatic_backup(backed_up).unwrap();
    linode.snapshot(backed_up, "before-upgrade").await.unwrap();
    // Disks made one by one, and a config using them.
    let id = linode
        .create_instance(CreateInstance::empty("us-east", "g6-standard-2"))
        .await
        .unwrap()
        .instance
        .id;
    linode
        .create_disk(
            id,
            CreateDisk::new(8192).label("root").image("linode/debian12"),
        )
        .await
        .unwrap();
    let (disk, _) = linode
        .create_disk(id, CreateDisk::new(1024).label("data"))
        .await
        .unwrap();
    linode
        .create_config(
            id,
            &ConfigUpdate::new()
                .label("extra")
                .kernel("linode/grub2")
                .device("sdb", ConfigDevice::disk(disk.id)),
        )
        .await
        .unwrap();
    client
        .images()
        .create(&CreateImage::from_disk(disk.id))
        .await
        .unwrap();
    linode.allocate_ip(id, false).await.unwrap();
    let range = client.networking().create_ipv6_range(id, 64).await.unwrap();
    linode
        .create_stackscript(&CreateStackScript::new(
            "setup",
            "#!/bin/bash\n# <UDF name=\"db_pass\" label=\"Database password\" />\necho ok\n",
            ["linode/debian12"],
        ))
        .await
        .unwrap();
    client
        .volumes()
        .create(CreateVolume::attached_to("data-vol", id))
        .await
        .unwrap();

    let domain = client
        .domains()
        .create(CreateDomain::master("example.org", "admin@example.org"))
        .await
        .unwrap();
    for record in [
        CreateRecord::a("www", "192.0.2.1"),
        CreateRecord::mx("mail.example.org", 10),
        CreateRecord::txt("_v", "hello"),
    ] {
        client
            .domains()
            .create_record(domain.id, &record)
            .await
            .unwrap();
    }

    let nb = client
        .nodebalancers()
        .create(CreateNodeBalancer::in_region("us-east"))
        .await
        .unwrap();
    let config = client
        .nodebalancers()
        .create_config(nb.id, &ConfigSettings::new(443).https(CERT, KEY))
        .await
        .unwrap();
    let private = client.linode().ips(id).await.unwrap().ipv4.private;
    let address = private[0].address.clone();
    client
        .nodebalancers()
        .create_node(
            nb.id,
            config.id,
            &CreateNode::new(format!("{address}:80"), "web-1"),
        )
        .await
        .unwrap();

    client
        .account()
        .create_user(CreateUser::new("alice_ops", "alice@example.org"))
        .await
        .unwrap();
    client
        .profile()
        .create_token(CreateToken::new("ci"))
        .await
        .unwrap();
    client
        .profile()
        .create_ssh_key(CreateSshKey::new(SSH_KEY).label("laptop"))
        .await
        .unwrap();
    client
        .longview()
        .create_client(Some("db-monitor"))
        .await
        .unwrap();
    let ticket = client
        .support()
        .open_ticket(
            OpenTicket::new("Cannot boot", "It will not boot.").regarding(Regarding::Linode(id)),
        )
        .await
        .unwrap();
    client
        .support()
        .reply(ticket.id, "It still does not boot.")
        .await
        .unwrap();
    authorize_an_app(&sandbox, &client).await;

    let mut invoice = client.account().invoices().await.unwrap();
    let invoice = invoice.first().await.unwrap().unwrap().id;
    World {
        _sandbox: sandbox,
        client,
        linode: id,
        backed_up,
        domain: domain.id,
        nodebalancer: nb.id,
        nb_config: config.id,
        ticket: ticket.id,
        invoice,
        ipv6_range: range.range,
    }
}

/// Registers an OAuth client and logs a user in with it, so the profile lists an authorized app.
async fn authorize_an_app(sandbox: &Sandbox, client: &Client) {
    let registered = client
        .account()
        .create_oauth_client(CreateOAuthClient::new("cli", "http://127.0.0.1:9/cb"))
        .await
        .unwrap();
    let login = LoginClient::new(
        registered.client.id.clone(),
        registered.secret.expose_secret(),
    )
    .base_url(&sandbox.base_url())
    .unwrap();
    let code = common::oauth_code(&login, "http://127.0.0.1:9/cb").await;
    login.finish_oauth(&code).await.unwrap();
}

macro_rules! models {
    ($($test:ident: $model:ty => |$w:ident| $items:expr, enums $enums:expr, required $required:expr;)*) => {$(
        #[tokio::test]
        async fn $test() {
            let $w = world().await;
            let items: Vec<Value> = $items;
            check::<$model>(stringify!($test), &items, &$enums, &$required);
        }
    )*};
}

models! {
    instances_are_forward_compatible: Instance => |w| w.list("/linode/instances").await,
        enums ["status", "disk_encryption", "interface_generation", "maintenance_policy", "site_type"],
        required ["id", "label", "region", "type", "status", "created", "updated"];
    regions_are_forward_compatible: Region => |w| w.list("/regions").await, enums ["site_type"], required ["id"];
    types_are_forward_compatible: LinodeType => |w| w.list("/linode/types").await,
        enums ["class"], required ["id", "class"];
    kernels_are_forward_compatible: Kernel => |w| w.list("/linode/kernels").await, enums [], required ["id"];
    images_are_forward_compatible: Image => |w| w.list("/images").await, enums ["status"], required ["id", "status"];
    disks_are_forward_compatible: Disk => |w| w.list(&format!("/linode/instances/{}/disks", w.linode)).await,
        enums ["status", "filesystem", "disk_encryption"], required ["id", "filesystem", "size", "status"];
    configs_are_forward_compatible: Config => |w| w.list(&format!("/linode/instances/{}/configs", w.linode)).await,
        enums [], required ["id"];
    available_backups_are_forward_compatible: AvailableBackups =>
        |w| w.object(&format!("/linode/instances/{}/backups", w.backed_up)).await,
        enums [], required ["snapshot.current.id", "snapshot.current.type", "snapshot.current.status", "snapshot.current.available"];
    backups_are_forward_compatible: Backup => |w| {
            let all = w.object(&format!("/linode/instances/{}/backups", w.backed_up)).await;
            let mut items = all[0]["automatic"].as_array().cloned().unwrap();
            items.push(all[0]["snapshot"]["current"].clone());
            items
        },
        enums ["type", "status"], required ["id", "type", "status", "available"];
    instance_ips_are_forward_compatible: InstanceIps =>
        |w| w.object(&format!("/linode/instances/{}/ips", w.linode)).await,
        enums [], required ["ipv6.link_local.address", "ipv6.link_local.public", "ipv6.link_local.type", "ipv6.link_local.assigned_entity.id", "ipv6.slaac.address", "ipv6.slaac.public", "ipv6.slaac.type", "ipv6.slaac.assigned_entity.id"];
    stackscripts_are_forward_compatible: StackScript => |w| w.list("/linode/stackscripts").await,
        enums [], required ["id", "deployments_active", "deployments_total", "is_public", "mine"];
    ips_are_forward_compatible: IpAddress => |w| w.list("/networking/ips").await,
        enums ["type"], required ["address", "public", "type", "assigned_entity.id"];
    ipv6_ranges_are_forward_compatible: Ipv6Range => |w| w.list("/networking/ipv6/ranges").await,
        enums [], required ["range", "prefix"];
    ipv6_range_details_are_forward_compatible: Ipv6RangeDetails =>
        |w| w.object(&format!("/networking/ipv6/ranges/{}", w.ipv6_range.split('/').next().unwrap())).await,
        enums [], required ["range", "prefix"];
    ipv6_pools_are_forward_compatible: Ipv6Range => |w| w.list("/networking/ipv6/pools").await,
        enums [], required ["range", "prefix"];
    volumes_are_forward_compatible: Volume => |w| w.list("/volumes").await,
        enums ["status", "encryption"], required ["id", "label", "region", "size", "status", "created", "updated"];
    domains_are_forward_compatible: Domain => |w| w.list("/domains").await,
        enums ["type", "status"], required ["id", "domain", "type", "status"];
    domain_records_are_forward_compatible: DomainRecord =>
        |w| w.list(&format!("/domains/{}/records", w.domain)).await,
        enums ["type"], required ["id", "type"];
    nodebalancers_are_forward_compatible: NodeBalancer => |w| w.list("/nodebalancers").await,
        enums ["type", "frontend_address_type"], required ["id", "label", "region", "ipv4", "created", "updated"];
    nodebalancer_configs_are_forward_compatible: NodeBalancerConfig =>
        |w| w.list(&format!("/nodebalancers/{}/configs", w.nodebalancer)).await,
        enums ["protocol", "algorithm", "stickiness", "check", "proxy_protocol", "cipher_suite"],
        required ["id", "nodebalancer_id", "port", "protocol", "algorithm", "stickiness", "check", "nodes_status.up", "nodes_status.down"];
    nodebalancer_nodes_are_forward_compatible: NodeBalancerNode =>
        |w| w.list(&format!("/nodebalancers/{}/configs/{}/nodes", w.nodebalancer, w.nb_config)).await,
        enums ["status", "mode"], required ["id", "address", "config_id", "nodebalancer_id", "label", "mode", "status"];
    accounts_are_forward_compatible: Account => |w| w.object("/account").await,
        enums [], required [];
    account_settings_are_forward_compatible: AccountSettings => |w| w.object("/account/settings").await,
        enums ["object_storage", "interfaces_for_new_linodes", "maintenance_policy"], required [];
    transfers_are_forward_compatible: Transfer => |w| w.object("/account/transfer").await,
        enums [], required [];
    invoices_are_forward_compatible: Invoice => |w| w.list("/account/invoices").await,
        enums [], required ["id", "date"];
    invoice_items_are_forward_compatible: InvoiceItem =>
        |w| w.list(&format!("/account/invoices/{}/items", w.invoice)).await,
        enums ["type"], required [];
    payments_are_forward_compatible: Payment => |w| w.list("/account/payments").await,
        enums [], required ["id", "date"];
    oauth_clients_are_forward_compatible: OAuthClient => |w| w.list("/account/oauth-clients").await,
        enums ["status"], required ["id", "label", "redirect_uri", "status"];
    users_are_forward_compatible: User => |w| w.list("/account/users").await,
        enums [], required ["username", "last_login.login_datetime"];
    events_are_forward_compatible: Event => |w| w.list("/account/events").await,
        enums ["status"], required ["id", "action", "created", "status", "entity.id", "secondary_entity.id"];
    profiles_are_forward_compatible: Profile => |w| w.object("/profile").await,
        enums ["lish_auth_method", "user_type"], required ["uid", "username"];
    tokens_are_forward_compatible: PersonalAccessToken => |w| w.list("/profile/tokens").await,
        enums [], required ["id", "created"];
    apps_are_forward_compatible: AuthorizedApp => |w| w.list("/profile/apps").await,
        enums [], required ["id", "created"];
    ssh_keys_are_forward_compatible: SshKey => |w| w.list("/profile/sshkeys").await,
        enums [], required ["id", "ssh_key", "created"];
    longview_clients_are_forward_compatible: LongviewClient => |w| w.list("/longview/clients").await,
        enums [], required ["id", "label", "created", "updated", "apps.apache", "apps.mysql", "apps.nginx"];
    longview_subscriptions_are_forward_compatible: LongviewSubscription =>
        |w| w.list("/longview/subscriptions").await,
        enums [], required ["id"];
    instance_placement_groups_are_forward_compatible: InstancePlacementGroup => |_w| vec![json!({
            "id": 528, "label": "pg-web", "placement_group_type": "anti_affinity:local",
            "placement_group_policy": "strict", "migrating_to": null
        })],
        enums [], required ["id"];
    vpc_ips_are_forward_compatible: VpcIp => |_w| vec![
            json!({"address": "10.0.0.2", "address_range": null, "vpc_id": 123, "subnet_id": 456,
                   "region": "us-ord", "linode_id": 71234567, "config_id": 789, "interface_id": 1011,
                   "active": true, "nat_1_1": "172.105.1.2", "gateway": "10.0.0.1", "prefix": 24,
                   "subnet_mask": "255.255.255.0"}),
            json!({"ipv6_range": "2600:3c11:e000:1::/64", "ipv6_is_public": false,
                   "ipv6_addresses": [{"slaac_address": "2600:3c11:e000:1::2"}], "vpc_id": 123,
                   "subnet_id": 456, "region": "us-ord", "linode_id": 71234567, "config_id": null,
                   "interface_id": 1011, "active": true}),
        ],
        enums [], required [];
    entity_refs_are_forward_compatible: EventEntity => |_w| vec![
            json!({"id": 11, "label": "prod", "type": "lkecluster", "url": "/v4/lke/clusters/11"}),
        ],
        enums [], required ["id"];
    region_monitors_are_forward_compatible: RegionMonitors =>
        |w| w.list("/regions").await.iter().map(|r| r["monitors"].clone()).collect(),
        enums [], required [];
    region_prices_are_forward_compatible: RegionPrice =>
        |w| w.list("/linode/types").await.iter()
            .flat_map(|t| t["region_prices"].as_array().cloned().unwrap_or_default())
            .collect(),
        enums [], required ["id"];
    addon_prices_are_forward_compatible: AddonPrice =>
        |w| w.list("/linode/types").await.iter().map(|t| t["addons"]["backups"].clone()).collect(),
        enums [], required [];
    image_regions_are_forward_compatible: ImageRegion =>
        |w| w.list("/images").await.iter()
            .flat_map(|i| i["regions"].as_array().cloned().unwrap_or_default())
            .collect(),
        enums [], required ["region"];
    tickets_are_forward_compatible: SupportTicket => |w| w.list("/support/tickets").await,
        enums ["status"], required ["id", "opened", "updated", "status", "entity.id", "entity.type"];
    ticket_replies_are_forward_compatible: TicketReply =>
        |w| w.list(&format!("/support/tickets/{}/replies", w.ticket)).await,
        enums [], required ["id", "created"];
}
