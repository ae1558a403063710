//! The fixed catalog of Cloud Pulse: the services monitored, their metric definitions and
//! their dashboards.
//!
//! Taken from the API's description where it gives values (the `dbaas` service labelled
//! `Databases`, its metrics `cpu_usage`, `memory_usage`, `read_iops`, `write_iops` with the
//! `node_type` dimension, the `Resource Usage` dashboard); the other services' metrics,
//! dimensions and dashboards are invented in the same shape.

use serde_json::{Value, json};

/// A metric of a service: name, label, unit, dimensions (label, display name, values).
pub(super) struct Metric {
    pub name: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub metric_type: &'static str,
    /// Typical level and spread of its synthetic values.
    pub base: f64,
    pub spread: f64,
    pub dimensions: &'static [(&'static str, &'static str, &'static [&'static str])],
}

/// A monitored service.
pub(super) struct Service {
    pub service_type: &'static str,
    pub label: &'static str,
    pub metrics: &'static [Metric],
}

/// The aggregate functions every metric offers.
pub(super) const AGGREGATES: [&str; 4] = ["min", "max", "avg", "sum"];

const NODE_TYPE: (&str, &str, &[&str]) = ("node_type", "Node Type", &["primary", "secondary"]);
const PORT: (&str, &str, &[&str]) = ("port", "Port", &["80", "443"]);

/// The services, in the order the API lists them.
pub(super) const SERVICES: &[Service] = &[
    Service {
        service_type: "dbaas",
        label: "Databases",
        metrics: &[
            Metric {
                name: "cpu_usage",
                label: "CPU Usage",
                unit: "percent",
                metric_type: "gauge",
                base: 20.0,
                spread: 60.0,
                dimensions: &[NODE_TYPE],
            },
            Metric {
                name: "memory_usage",
                label: "Memory Usage",
                unit: "percent",
                metric_type: "gauge",
                base: 40.0,
                spread: 50.0,
                dimensions: &[NODE_TYPE],
            },
            Metric {
                name: "disk_usage",
                label: "Disk Space Usage",
                unit: "percent",
                metric_type: "gauge",
                base: 10.0,
                spread: 30.0,
                dimensions: &[NODE_TYPE],
            },
            Metric {
                name: "read_iops",
                label: "Disk I/O Read",
                unit: "number",
                metric_type: "gauge",
                base: 50.0,
                spread: 500.0,
                dimensions: &[NODE_TYPE],
            },
            Metric {
                name: "write_iops",
                label: "Disk I/O Write",
                unit: "number",
                metric_type: "gauge",
                base: 20.0,
                spread: 300.0,
                dimensions: &[NODE_TYPE],
            },
        ],
    },
    Service {
        service_type: "linode",
        label: "Linodes",
        metrics: &[
            Metric {
                name: "cpu_usage",
                label: "CPU Usage",
                unit: "percent",
                metric_type: "gauge",
                base: 5.0,
                spread: 80.0,
                dimensions: &[],
            },
            Metric {
                name: "network_in",
                label: "Network In",
                unit: "bit_per_second",
                metric_type: "gauge",
                base: 1000.0,
                spread: 100000.0,
                dimensions: &[],
            },
        ],
    },
    Service {
        service_type: "nodebalancer",
        label: "NodeBalancers",
        metrics: &[
            Metric {
                name: "nb_ingress_traffic_rate",
                label: "Ingress Traffic Rate",
                unit: "bit_per_second",
                metric_type: "gauge",
                base: 500.0,
                spread: 50000.0,
                dimensions: &[PORT],
            },
            Metric {
                name: "nb_active_connections",
                label: "Active Connections",
                unit: "number",
                metric_type: "gauge",
                base: 1.0,
                spread: 200.0,
                dimensions: &[PORT],
            },
        ],
    },
    Service {
        service_type: "firewall",
        label: "Firewalls",
        metrics: &[Metric {
            name: "fw_dropped_packets",
            label: "Dropped Packets",
            unit: "number",
            metric_type: "gauge",
            base: 0.0,
            spread: 40.0,
            dimensions: &[],
        }],
    },
];

/// The service `service_type`, if monitored.
pub(super) fn service(service_type: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.service_type == service_type)
}

impl Service {
    /// The metric `name` of this service.
    pub(super) fn metric(&self, name: &str) -> Option<&'static Metric> {
        self.metrics.iter().find(|m| m.name == name)
    }

    /// The service as `GET /monitor/services` lists it.
    pub(super) fn json(&self) -> Value {
        json!({"service_type": self.service_type, "label": self.label})
    }
}

impl Metric {
    /// The metric as `GET .../metric-definitions` lists it.
    pub(super) fn json(&self) -> Value {
        let dimensions: Vec<Value> = self
            .dimensions
            .iter()
            .map(|(dimension, label, values)| {
                json!({"dimension_label": dimension, "label": label, "values": values})
            })
            .collect();
        json!({
            "metric": self.name,
            "label": self.label,
            "metric_type": self.metric_type,
            "unit": self.unit,
            "scrape_interval": "60s",
            "is_alertable": true,
            "available_aggregate_functions": AGGREGATES,
            "dimensions": dimensions,
        })
    }

    /// The dimension `name`'s label and values, if the metric has it.
    pub(super) fn dimension(&self, name: &str) -> Option<(&'static str, &'static [&'static str])> {
        self.dimensions
            .iter()
            .find(|(d, _, _)| *d == name)
            .map(|(_, label, values)| (*label, *values))
    }
}

/// Every dashboard, in id order.
pub(super) fn dashboards() -> Vec<Value> {
    SERVICES
        .iter()
        .enumerate()
        .map(|(i, service)| {
            let widgets: Vec<Value> = service
                .metrics
                .iter()
                .map(|m| {
                    let unit = match m.unit {
                        "percent" => "%",
                        "bit_per_second" => "bps",
                        "number" if m.name.ends_with("iops") => "IOPS",
                        _ => "OPS",
                    };
                    json!({
                        "metric": m.name,
                        "label": m.label,
                        "aggregate_function": "avg",
                        "chart_type": "area",
                        "color": "default",
                        "size": 12,
                        "unit": unit,
                        "y_label": m.name,
                        "group_by": ["entity_id"],
                    })
                })
                .collect();
            let label = if service.service_type == "dbaas" {
                "Resource Usage".to_owned()
            } else {
                format!("{} Overview", service.label)
            };
            json!({
                "id": i + 1,
                "label": label,
                "service_type": service.service_type,
                "type": "standard",
                "group_by": ["entity_id"],
                "widgets": widgets,
                "created": "2024-10-10T05:01:58",
                "updated": "2024-10-10T05:01:58",
            })
        })
        .collect()
}
