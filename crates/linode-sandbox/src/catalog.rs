//! Read-only catalog data: regions, Linode types, public images and kernels.
//!
//! Shaped like the API's `Region`, `LinodeType`, `Image` and `Kernel` objects.

use std::sync::LazyLock;

use serde_json::{Value, json};

/// The static catalog, built once per process.
#[derive(Debug)]
pub struct Catalog {
    /// `Region` objects, in list order.
    pub regions: Vec<Value>,
    /// `LinodeType` objects, in list order.
    pub types: Vec<Value>,
    /// Public `Image` objects, in list order.
    pub images: Vec<Value>,
    /// `Kernel` objects, in list order.
    pub kernels: Vec<Value>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::build);

/// The shared catalog.
pub fn catalog() -> &'static Catalog {
    &CATALOG
}

fn find<'a>(items: &'a [Value], id: &str) -> Option<&'a Value> {
    items.iter().find(|v| v["id"].as_str() == Some(id))
}

impl Catalog {
    /// A region by id.
    pub fn region(&self, id: &str) -> Option<&Value> {
        find(&self.regions, id)
    }

    /// Whether region `id` exists and lists `capability` (`Block Storage Encryption`, ...).
    pub fn region_offers(&self, id: &str, capability: &str) -> bool {
        self.region(id).is_some_and(|r| {
            r["capabilities"]
                .as_array()
                .is_some_and(|caps| caps.iter().any(|c| c == capability))
        })
    }

    /// A Linode type by id.
    pub fn linode_type(&self, id: &str) -> Option<&Value> {
        find(&self.types, id)
    }

    /// A public image by id (`linode/debian12`).
    pub fn image(&self, id: &str) -> Option<&Value> {
        find(&self.images, id)
    }

    /// A kernel by id (`linode/grub2`).
    pub fn kernel(&self, id: &str) -> Option<&Value> {
        find(&self.kernels, id)
    }

    fn build() -> Catalog {
        Catalog {
            regions: regions(),
            types: types(),
            images: images(),
            kernels: kernels(),
        }
    }
}

/// What every core region offers, as the live API lists it.
const BASE_CAPS: &[&str] = &[
    "Linodes",
    "Backups",
    "NodeBalancers",
    "Block Storage",
    "Kubernetes",
    "Cloud Firewall",
    "Vlans",
    "Block Storage Migrations",
    "Managed Databases",
    "Placement Group",
    "Disk Encryption",
    "Linode Interfaces",
    "Maintenance Policy",
    "StackScripts",
];
/// What only some core regions offer: a region's bitmask picks among these.
const EXTRA_CAPS: &[&str] = &[
    "Object Storage",
    "GPU Linodes",
    "Metadata",
    "Premium Plans",
    "VPCs",
    "Block Storage Encryption",
    "Kubernetes Enterprise",
];

// (id, label, country, extra capabilities bitmask over EXTRA_CAPS)
const REGIONS: &[(&str, &str, &str, u8)] = &[
    ("ap-west", "Mumbai, IN", "in", 0b0011110),
    ("ca-central", "Toronto, CA", "ca", 0b0011100),
    ("ap-southeast", "Sydney, AU", "au", 0b0011100),
    ("us-iad", "Washington, DC", "us", 0b1111101),
    ("us-ord", "Chicago, IL", "us", 0b1111111),
    ("fr-par", "Paris, FR", "fr", 0b1111101),
    ("us-sea", "Seattle, WA", "us", 0b1111111),
    ("br-gru", "Sao Paulo, BR", "br", 0b1111101),
    ("nl-ams", "Amsterdam, NL", "nl", 0b1111101),
    ("se-sto", "Stockholm, SE", "se", 0b1111101),
    ("es-mad", "Madrid, ES", "es", 0b1111101),
    ("in-maa", "Chennai, IN", "in", 0b1111111),
    ("jp-osa", "Osaka, JP", "jp", 0b1111111),
    ("it-mil", "Milan, IT", "it", 0b1111101),
    ("us-mia", "Miami, FL", "us", 0b1111101),
    ("id-cgk", "Jakarta, ID", "id", 0b1111101),
    ("us-lax", "Los Angeles, CA", "us", 0b1111101),
    ("gb-lon", "London 2, UK", "gb", 0b1111101),
    ("au-mel", "Melbourne, AU", "au", 0b1111101),
    ("in-bom-2", "Mumbai 2, IN", "in", 0b1111101),
    ("de-fra-2", "Frankfurt 2, DE", "de", 0b1111111),
    ("sg-sin-2", "Singapore 2, SG", "sg", 0b1111101),
    ("jp-tyo-3", "Tokyo 3, JP", "jp", 0b1111101),
    ("us-central", "Dallas, TX", "us", 0b0111100),
    ("us-west", "Fremont, CA", "us", 0b0111100),
    ("us-southeast", "Atlanta, GA", "us", 0b0111111),
    ("us-east", "Newark, NJ", "us", 0b0111111),
    ("eu-west", "London, UK", "gb", 0b0111100),
    ("ap-south", "Singapore, SG", "sg", 0b0111111),
    ("eu-central", "Frankfurt, DE", "de", 0b0111111),
    ("ap-northeast", "Tokyo, JP", "jp", 0b0111100),
];

/// Distributed sites: few services, their own plans.
const DISTRIBUTED_REGIONS: &[(&str, &str, &str)] = &[
    ("us-den-edge-1", "Denver, CO", "us"),
    ("de-ham-edge-1", "Hamburg, DE", "de"),
    ("fr-mrs-edge-1", "Marseille, FR", "fr"),
];
const DISTRIBUTED_CAPS: &[&str] = &[
    "Linodes",
    "Cloud Firewall",
    "Distributed Plans",
    "Disk Encryption",
    "Vlans",
];

/// A `Region` object.
fn region_json(
    i: usize,
    id: &str,
    label: &str,
    country: &str,
    site_type: &str,
    mut caps: Vec<&str>,
) -> Value {
    caps.sort_unstable();
    let ipv4 = (1..=10)
        .map(|k| format!("203.0.113.{}", (i * 10 + k) % 250 + 1))
        .collect::<Vec<_>>()
        .join(",");
    let ipv6 = (1..=10)
        .map(|k| format!("2001:db8:{:x}::{k}", i + 1))
        .collect::<Vec<_>>()
        .join(",");
    let core = site_type == "core";
    json!({
        "id": id,
        "label": label,
        "country": country,
        "capabilities": caps,
        "status": "ok",
        "resolvers": {"ipv4": ipv4, "ipv6": ipv6},
        "placement_group_limits": {
            "maximum_pgs_per_customer": null,
            "maximum_linodes_per_pg": if core { 5 } else { 1 },
        },
        "site_type": site_type,
        "monitors": {
            "alerts": if core { json!(["Linodes", "Managed Databases"]) } else { json!([]) },
            "metrics": if core { json!(["Linodes", "Managed Databases", "NodeBalancers"]) } else { json!([]) },
        },
    })
}

fn regions() -> Vec<Value> {
    let core = REGIONS.iter().map(|(id, label, country, extra)| {
        let mut caps: Vec<&str> = BASE_CAPS.to_vec();
        for (bit, cap) in EXTRA_CAPS.iter().enumerate() {
            if extra & (1 << bit) != 0 {
                caps.push(cap);
            }
        }
        (*id, *label, *country, "core", caps)
    });
    let distributed = DISTRIBUTED_REGIONS.iter().map(|(id, label, country)| {
        (
            *id,
            *label,
            *country,
            "distributed",
            DISTRIBUTED_CAPS.to_vec(),
        )
    });
    core.chain(distributed)
        .enumerate()
        .map(|(i, (id, label, country, site_type, caps))| {
            region_json(i, id, label, country, site_type, caps)
        })
        .collect()
}

// (id, label, class, disk MB, memory MB, vcpus, transfer GB, network_out Mbps,
//  hourly, monthly, backups hourly, backups monthly, gpus)
type TypeRow = (
    &'static str,
    &'static str,
    &'static str,
    u64,
    u64,
    u64,
    u64,
    u64,
    f64,
    f64,
    f64,
    f64,
    u64,
);
const TYPES: &[TypeRow] = &[
    (
        "g6-nanode-1",
        "Nanode 1GB",
        "nanode",
        25600,
        1024,
        1,
        1000,
        1000,
        0.0075,
        5.0,
        0.003,
        2.0,
        0,
    ),
    (
        "g6-standard-1",
        "Linode 2GB",
        "standard",
        51200,
        2048,
        1,
        2000,
        2000,
        0.018,
        12.0,
        0.004,
        2.5,
        0,
    ),
    (
        "g6-standard-2",
        "Linode 4GB",
        "standard",
        81920,
        4096,
        2,
        4000,
        4000,
        0.036,
        24.0,
        0.008,
        5.0,
        0,
    ),
    (
        "g6-standard-4",
        "Linode 8GB",
        "standard",
        163840,
        8192,
        4,
        5000,
        5000,
        0.072,
        48.0,
        0.015,
        10.0,
        0,
    ),
    (
        "g6-standard-6",
        "Linode 16GB",
        "standard",
        327680,
        16384,
        6,
        8000,
        6000,
        0.144,
        96.0,
        0.03,
        20.0,
        0,
    ),
    (
        "g6-standard-8",
        "Linode 32GB",
        "standard",
        655360,
        32768,
        8,
        16000,
        7000,
        0.288,
        192.0,
        0.06,
        40.0,
        0,
    ),
    (
        "g6-standard-16",
        "Linode 64GB",
        "standard",
        1310720,
        65536,
        16,
        20000,
        9000,
        0.576,
        384.0,
        0.12,
        80.0,
        0,
    ),
    (
        "g6-standard-20",
        "Linode 96GB",
        "standard",
        1966080,
        98304,
        20,
        20000,
        10000,
        0.864,
        576.0,
        0.18,
        120.0,
        0,
    ),
    (
        "g6-standard-24",
        "Linode 128GB",
        "standard",
        2621440,
        131072,
        24,
        20000,
        11000,
        1.152,
        768.0,
        0.24,
        160.0,
        0,
    ),
    (
        "g6-standard-32",
        "Linode 192GB",
        "standard",
        3932160,
        196608,
        32,
        20000,
        12000,
        1.728,
        1152.0,
        0.36,
        240.0,
        0,
    ),
    (
        "g7-highmem-1",
        "Linode 24GB",
        "highmem",
        20480,
        24576,
        2,
        5000,
        5000,
        0.09,
        60.0,
        0.0075,
        5.0,
        0,
    ),
    (
        "g7-highmem-2",
        "Linode 48GB",
        "highmem",
        40960,
        49152,
        2,
        6000,
        6000,
        0.18,
        120.0,
        0.015,
        10.0,
        0,
    ),
    (
        "g7-highmem-4",
        "Linode 90GB",
        "highmem",
        92160,
        92160,
        4,
        7000,
        7000,
        0.36,
        240.0,
        0.03,
        20.0,
        0,
    ),
    (
        "g7-highmem-8",
        "Linode 150GB",
        "highmem",
        204800,
        153600,
        8,
        8000,
        8000,
        0.72,
        480.0,
        0.06,
        40.0,
        0,
    ),
    (
        "g7-highmem-16",
        "Linode 300GB",
        "highmem",
        348160,
        307200,
        16,
        9000,
        9000,
        1.44,
        960.0,
        0.12,
        80.0,
        0,
    ),
    (
        "g6-dedicated-2",
        "Dedicated 4GB",
        "dedicated",
        81920,
        4096,
        2,
        4000,
        4000,
        0.054,
        36.0,
        0.008,
        5.0,
        0,
    ),
    (
        "g6-dedicated-4",
        "Dedicated 8GB",
        "dedicated",
        163840,
        8192,
        4,
        5000,
        5000,
        0.108,
        72.0,
        0.015,
        10.0,
        0,
    ),
    (
        "g6-dedicated-8",
        "Dedicated 16GB",
        "dedicated",
        327680,
        16384,
        8,
        6000,
        6000,
        0.216,
        144.0,
        0.03,
        20.0,
        0,
    ),
    (
        "g6-dedicated-16",
        "Dedicated 32GB",
        "dedicated",
        655360,
        32768,
        16,
        7000,
        7000,
        0.432,
        288.0,
        0.06,
        40.0,
        0,
    ),
    (
        "g6-dedicated-32",
        "Dedicated 64GB",
        "dedicated",
        1310720,
        65536,
        32,
        8000,
        8000,
        0.864,
        576.0,
        0.12,
        80.0,
        0,
    ),
    (
        "g6-dedicated-48",
        "Dedicated 96GB",
        "dedicated",
        1966080,
        98304,
        48,
        9000,
        9000,
        1.296,
        864.0,
        0.18,
        120.0,
        0,
    ),
    (
        "g6-dedicated-50",
        "Dedicated 128GB",
        "dedicated",
        2560000,
        131072,
        50,
        10000,
        10000,
        1.728,
        1152.0,
        0.24,
        160.0,
        0,
    ),
    (
        "g6-dedicated-56",
        "Dedicated 256GB",
        "dedicated",
        5120000,
        262144,
        56,
        11000,
        11000,
        3.456,
        2304.0,
        0.48,
        320.0,
        0,
    ),
    (
        "g6-dedicated-64",
        "Dedicated 512GB",
        "dedicated",
        7372800,
        524288,
        64,
        12000,
        12000,
        6.912,
        4608.0,
        0.96,
        640.0,
        0,
    ),
    (
        "g7-premium-2",
        "Premium 4GB",
        "premium",
        81920,
        4096,
        2,
        4000,
        4000,
        0.0645,
        43.0,
        0.008,
        5.0,
        0,
    ),
    (
        "g7-premium-4",
        "Premium 8GB",
        "premium",
        163840,
        8192,
        4,
        5000,
        5000,
        0.129,
        86.0,
        0.015,
        10.0,
        0,
    ),
    (
        "g1-gpu-rtx6000-1",
        "Dedicated 32GB + RTX6000 GPU x1",
        "gpu",
        655360,
        32768,
        8,
        16000,
        10000,
        1.5,
        1000.0,
        0.06,
        40.0,
        1,
    ),
    (
        "g1-gpu-rtx6000-2",
        "Dedicated 64GB + RTX6000 GPU x2",
        "gpu",
        1310720,
        65536,
        16,
        20000,
        10000,
        3.0,
        2000.0,
        0.12,
        80.0,
        2,
    ),
    (
        "g7-premium-8",
        "Premium 16GB",
        "premium",
        327680,
        16384,
        8,
        6000,
        6000,
        0.258,
        172.0,
        0.03,
        20.0,
        0,
    ),
    (
        "g7-premium-16",
        "Premium 32GB",
        "premium",
        655360,
        32768,
        16,
        7000,
        7000,
        0.516,
        344.0,
        0.06,
        40.0,
        0,
    ),
    (
        "g2-gpu-rtx4000a1-s",
        "RTX4000 Ada x1 Small",
        "gpu",
        512000,
        16384,
        4,
        16000,
        10000,
        0.52,
        350.0,
        0.0375,
        25.0,
        1,
    ),
    (
        "g2-gpu-rtx4000a1-m",
        "RTX4000 Ada x1 Medium",
        "gpu",
        512000,
        32768,
        8,
        16000,
        10000,
        0.67,
        446.0,
        0.0375,
        25.0,
        1,
    ),
    (
        "g2-gpu-rtx4000a2-s",
        "RTX4000 Ada x2 Small",
        "gpu",
        1024000,
        32768,
        8,
        32000,
        10000,
        1.04,
        700.0,
        0.075,
        50.0,
        2,
    ),
    (
        "g1-accelerated-netint-vpu-t1u1-s",
        "Netint Quadra T1U x1 Small",
        "accelerated",
        51200,
        16384,
        8,
        1000,
        1000,
        0.42,
        280.0,
        0.006,
        4.0,
        0,
    ),
    (
        "g1-accelerated-netint-vpu-t1u1-m",
        "Netint Quadra T1U x1 Medium",
        "accelerated",
        102400,
        32768,
        16,
        2000,
        2000,
        0.63,
        420.0,
        0.012,
        8.0,
        0,
    ),
    (
        "g1-accelerated-netint-vpu-t1u2-s",
        "Netint Quadra T1U x2 Small",
        "accelerated",
        102400,
        32768,
        16,
        2000,
        2000,
        0.84,
        560.0,
        0.012,
        8.0,
        0,
    ),
];

/// Regions whose prices differ from the base price, with their multiplier.
const PRICED_REGIONS: &[(&str, f64)] = &[("id-cgk", 1.2), ("br-gru", 1.4)];

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

/// The region-specific prices of a base price (the regions of `PRICED_REGIONS`).
pub(crate) fn region_prices(hourly: f64, monthly: f64) -> Vec<Value> {
    PRICED_REGIONS
        .iter()
        .map(|(id, m)| json!({"id": id, "hourly": round(hourly * m, 4), "monthly": round(monthly * m, 2)}))
        .collect()
}

/// The accelerator cards (VPUs) of a type: the `u<N>` of accelerated plans such as
/// `g1-accelerated-netint-vpu-t1u2-s`, none for other plans.
fn accelerated_devices(id: &str) -> u64 {
    id.strip_prefix("g1-accelerated-netint-vpu-t1u")
        .and_then(|rest| rest.split('-').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn types() -> Vec<Value> {
    TYPES
        .iter()
        .map(
            |&(
                id,
                label,
                class,
                disk,
                memory,
                vcpus,
                transfer,
                net,
                hourly,
                monthly,
                bh,
                bm,
                gpus,
            )| {
                json!({
                    "id": id,
                    "label": label,
                    "class": class,
                    "disk": disk,
                    "memory": memory,
                    "vcpus": vcpus,
                    "gpus": gpus,
                    "accelerated_devices": accelerated_devices(id),
                    "transfer": transfer,
                    "network_out": net,
                    "price": {"hourly": hourly, "monthly": monthly},
                    "region_prices": region_prices(hourly, monthly),
                    "addons": {"backups": {
                        "price": {"hourly": bh, "monthly": bm},
                        "region_prices": region_prices(bh, bm),
                    }},
                    "successor": null,
                })
            },
        )
        .collect()
}

// (id, label, vendor, size MB, created, eol, deprecated, cloud-init)
type ImageRow = (
    &'static str,
    &'static str,
    &'static str,
    u64,
    &'static str,
    Option<&'static str>,
    bool,
    bool,
);
const IMAGES: &[ImageRow] = &[
    (
        "linode/almalinux8",
        "AlmaLinux 8",
        "AlmaLinux",
        1800,
        "2021-04-01T20:08:48",
        Some("2029-03-01T05:00:00"),
        false,
        true,
    ),
    (
        "linode/almalinux9",
        "AlmaLinux 9",
        "AlmaLinux",
        1800,
        "2022-05-26T14:50:05",
        Some("2032-05-31T04:00:00"),
        false,
        true,
    ),
    (
        "linode/alpine3.18",
        "Alpine 3.18",
        "Alpine",
        300,
        "2023-05-10T16:43:38",
        Some("2025-05-09T04:00:00"),
        false,
        false,
    ),
    (
        "linode/alpine3.19",
        "Alpine 3.19",
        "Alpine",
        300,
        "2023-12-07T18:11:27",
        Some("2025-11-01T04:00:00"),
        false,
        false,
    ),
    (
        "linode/alpine3.20",
        "Alpine 3.20",
        "Alpine",
        300,
        "2024-05-23T15:20:08",
        Some("2026-04-01T04:00:00"),
        false,
        false,
    ),
    (
        "linode/arch",
        "Arch Linux",
        "Arch",
        1500,
        "2024-05-01T00:00:00",
        None,
        false,
        false,
    ),
    (
        "linode/centos-stream9",
        "CentOS Stream 9",
        "CentOS",
        3500,
        "2021-12-03T16:42:37",
        Some("2027-05-31T04:00:00"),
        false,
        true,
    ),
    (
        "linode/centos7",
        "CentOS 7",
        "CentOS",
        2500,
        "2014-09-24T13:34:58",
        Some("2024-07-01T04:00:00"),
        true,
        false,
    ),
    (
        "linode/debian10",
        "Debian 10",
        "Debian",
        1300,
        "2019-07-08T21:42:49",
        Some("2024-06-30T04:00:00"),
        true,
        false,
    ),
    (
        "linode/debian11",
        "Debian 11",
        "Debian",
        1300,
        "2021-08-14T22:44:02",
        Some("2026-08-15T04:00:00"),
        false,
        true,
    ),
    (
        "linode/debian12",
        "Debian 12",
        "Debian",
        1300,
        "2023-06-12T15:23:04",
        Some("2028-06-30T04:00:00"),
        false,
        true,
    ),
    (
        "linode/fedora39",
        "Fedora 39",
        "Fedora",
        1500,
        "2023-11-07T16:31:10",
        Some("2024-11-12T05:00:00"),
        false,
        true,
    ),
    (
        "linode/fedora40",
        "Fedora 40",
        "Fedora",
        1500,
        "2024-04-23T17:18:20",
        Some("2025-05-13T04:00:00"),
        false,
        true,
    ),
    (
        "linode/gentoo",
        "Gentoo",
        "Gentoo",
        6500,
        "2024-05-01T00:00:00",
        None,
        false,
        false,
    ),
    (
        "linode/opensuse15.6",
        "openSUSE Leap 15.6",
        "openSUSE",
        1800,
        "2024-06-12T17:00:31",
        Some("2025-12-31T05:00:00"),
        false,
        true,
    ),
    (
        "linode/rocky8",
        "Rocky Linux 8",
        "Rocky",
        2100,
        "2021-06-30T18:29:06",
        Some("2029-05-31T04:00:00"),
        false,
        true,
    ),
    (
        "linode/rocky9",
        "Rocky Linux 9",
        "Rocky",
        2100,
        "2022-07-19T18:48:47",
        Some("2032-05-31T04:00:00"),
        false,
        true,
    ),
    (
        "linode/slackware15.0",
        "Slackware 15.0",
        "Slackware",
        11000,
        "2022-02-03T21:48:02",
        None,
        false,
        false,
    ),
    (
        "linode/ubuntu20.04",
        "Ubuntu 20.04 LTS",
        "Ubuntu",
        2500,
        "2020-04-23T18:09:15",
        Some("2025-04-02T04:00:00"),
        false,
        true,
    ),
    (
        "linode/ubuntu22.04",
        "Ubuntu 22.04 LTS",
        "Ubuntu",
        2500,
        "2022-04-21T19:54:01",
        Some("2027-04-01T04:00:00"),
        false,
        true,
    ),
    (
        "linode/ubuntu24.04",
        "Ubuntu 24.04 LTS",
        "Ubuntu",
        2500,
        "2024-04-25T16:11:25",
        Some("2029-05-31T04:00:00"),
        false,
        true,
    ),
];

fn images() -> Vec<Value> {
    IMAGES
        .iter()
        .map(
            |&(id, label, vendor, size, created, eol, deprecated, cloud_init)| {
                let capabilities: Vec<&str> = if cloud_init {
                    vec!["cloud-init", "distributed-sites"]
                } else {
                    vec!["distributed-sites"]
                };
                json!({
                    "id": id,
                    "label": label,
                    "description": "",
                    "created": created,
                    "updated": created,
                    "created_by": "linode",
                    "deprecated": deprecated,
                    "is_public": true,
                    "is_shared": false,
                    "size": size,
                    "total_size": size,
                    "type": "manual",
                    "vendor": vendor,
                    "status": "available",
                    "expiry": null,
                    "eol": eol,
                    "capabilities": capabilities,
                    "tags": [],
                    "regions": [],
                    "image_sharing": null,
                })
            },
        )
        .collect()
}

// (id, label, version, architecture, kvm, pvops, deprecated, built)
type KernelRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
    bool,
    &'static str,
);
const KERNELS: &[KernelRow] = &[
    (
        "linode/latest-64bit",
        "Latest 64 bit (6.8.9-x86_64-linode165)",
        "6.8.9",
        "x86_64",
        true,
        true,
        false,
        "2024-05-09T16:06:24",
    ),
    (
        "linode/latest-32bit",
        "Latest 32 bit (4.19.0-x86-linode140)",
        "4.19.0",
        "i386",
        true,
        true,
        true,
        "2018-10-26T19:45:53",
    ),
    (
        "linode/grub2",
        "GRUB 2",
        "2.06",
        "x86_64",
        true,
        false,
        false,
        "2022-08-29T13:54:01",
    ),
    (
        "linode/direct-disk",
        "Direct Disk",
        "",
        "x86_64",
        true,
        false,
        false,
        "2015-05-04T21:51:58",
    ),
    (
        "linode/grub-legacy",
        "GRUB (Legacy)",
        "2.0.0",
        "x86_64",
        true,
        false,
        false,
        "2015-04-29T15:32:30",
    ),
    (
        "linode/6.8.9-x86_64-linode165",
        "6.8.9-x86_64-linode165",
        "6.8.9",
        "x86_64",
        true,
        true,
        false,
        "2024-05-09T16:06:24",
    ),
    (
        "linode/6.2.9-x86_64-linode160",
        "6.2.9-x86_64-linode160",
        "6.2.9",
        "x86_64",
        true,
        true,
        false,
        "2023-04-05T17:10:12",
    ),
    (
        "linode/5.16.13-x86_64-linode154",
        "5.16.13-x86_64-linode154",
        "5.16.13",
        "x86_64",
        true,
        true,
        false,
        "2022-03-09T18:17:48",
    ),
    (
        "linode/4.19.0-x86_64-linode140",
        "4.19.0-x86_64-linode140",
        "4.19.0",
        "x86_64",
        true,
        true,
        true,
        "2018-10-26T19:45:53",
    ),
];

fn kernels() -> Vec<Value> {
    KERNELS
        .iter()
        .map(
            |&(id, label, version, architecture, kvm, pvops, deprecated, built)| {
                json!({
                    "id": id,
                    "label": label,
                    "version": version,
                    "kvm": kvm,
                    "architecture": architecture,
                    "pvops": pvops,
                    "deprecated": deprecated,
                    "built": built,
                })
            },
        )
        .collect()
}
