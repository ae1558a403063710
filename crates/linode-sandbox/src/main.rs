//! `linode-sandbox`: serve the Linode API emulator until Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use linode_sandbox::{FaultRule, RateLimit, Sandbox, Seed};

/// Serves a local emulator of the Linode API v4 under /v4 and /v4beta.
///
/// Every option can also be given in the environment variable named after it.
#[derive(Debug, Parser)]
#[command(name = "linode-sandbox", version, about, long_about = None)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "LINODE_SANDBOX_LISTEN", default_value = "127.0.0.1:4000")]
    listen: SocketAddr,

    /// Bearer token to accept (default: a random one, printed at start).
    #[arg(long, env = "LINODE_SANDBOX_TOKEN", value_parser = parse_token)]
    token: Option<String>,

    /// Create N sample Linode instances at start.
    #[arg(
        long,
        env = "LINODE_SANDBOX_SEED_INSTANCES",
        default_value_t = 0,
        value_name = "N"
    )]
    seed_instances: usize,

    /// Create the objects of this YAML or JSON file at start, and again on POST
    /// /sandbox/reset (instances, domains and their records, volumes, firewalls, VPCs,
    /// NodeBalancers, LKE clusters, databases, buckets, ...; see the README). A bad entry
    /// stops the start with its line and field.
    #[arg(long, env = "LINODE_SANDBOX_SEED_FILE", value_name = "PATH", value_parser = parse_seed)]
    seed_file: Option<Seed>,

    /// Keep the state in a database at this path: every change is stored before its answer,
    /// and a restart on the same path serves the same objects (seeds apply only to a new
    /// database). Without it, the state lives in memory only.
    #[arg(long, env = "LINODE_SANDBOX_DATA", value_name = "PATH")]
    data: Option<std::path::PathBuf>,

    /// Keep only the last N requests in the request log.
    #[arg(
        long,
        env = "LINODE_SANDBOX_RECORD_LIMIT",
        default_value_t = 10_000,
        value_name = "N"
    )]
    record_limit: usize,

    /// Scale of realistic action durations: 1 is real time, 0.1 ten times faster, 0 instant.
    #[arg(long, env = "LINODE_SANDBOX_SPEED", default_value_t = 1.0, value_parser = parse_speed)]
    speed: f64,

    /// Read-after-create lag: a new object answers 404 by id for this long (e.g. 2s).
    #[arg(long, env = "LINODE_SANDBOX_CREATE_LAG", value_parser = parse_lag, default_value = "0s")]
    create_lag: Duration,

    /// Event lag: an action's event shows in /account/events only this long after (e.g. 5s).
    #[arg(long, env = "LINODE_SANDBOX_EVENT_LAG", value_parser = parse_lag, default_value = "0s")]
    event_lag: Duration,

    /// Disk-ready lag: a disk still answers "not ready" this long after its disk_create
    /// event finished (e.g. 3s).
    #[arg(long, env = "LINODE_SANDBOX_DISK_READY_LAG", value_parser = parse_lag, default_value = "0s")]
    disk_ready_lag: Duration,

    /// Apply the API's published rate limits (429 with Retry-After).
    #[arg(long, env = "LINODE_SANDBOX_RATE_LIMITS")]
    rate_limits: bool,

    /// Apply the rate limits of this JSON file instead of the published ones (the format of
    /// crates/linode-sandbox/data/rate_limits.json).
    #[arg(long, env = "LINODE_SANDBOX_RATE_LIMITS_FILE", value_name = "PATH", value_parser = parse_limits)]
    rate_limits_file: Option<RateLimitFile>,

    /// Inject a fault (repeatable): 'METHOD PATH FAULT [xN] [every=N]'. METHOD is GET, POST,
    /// ... or * for any; PATH is without /v4, * matches one segment and a final ** any rest;
    /// FAULT is a status 400..599 (error envelope; 429 has Retry-After), html502 or html400 (a
    /// proxy's HTML page), maintenance (503 with X-Maintenance-Mode), busy (400 Linode busy.),
    /// nonsense-hints (500 with negative hints), retry-after-date (429 with an HTTP date),
    /// warnings (a success with warnings and a Retry-After; warnings=202 or warnings=299 with
    /// that status), truncate (JSON cut in half), close (connection dropped mid-response) or
    /// slow=2s (answer late); xN applies to the next N matching requests only, every=N to
    /// every N-th. '* * maintenance' puts every route in maintenance. In the environment,
    /// several rules are separated by ';'. Example: --fault 'GET /linode/instances 502 x3'
    #[arg(long, env = "LINODE_SANDBOX_FAULT", value_delimiter = ';', value_name = "RULE",
          value_parser = parse_fault)]
    fault: Vec<FaultRule>,
}

fn parse_token(v: &str) -> Result<String, String> {
    if v.is_empty() || v.chars().any(char::is_whitespace) {
        return Err("must be non-empty and contain no spaces".to_owned());
    }
    Ok(v.to_owned())
}

fn parse_speed(v: &str) -> Result<f64, String> {
    v.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && *f >= 0.0)
        .ok_or_else(|| format!("not a number >= 0: {v}"))
}

/// The limits read from a `--rate-limits-file`.
#[derive(Debug, Clone)]
struct RateLimitFile(Vec<RateLimit>);

fn parse_limits(path: &str) -> Result<RateLimitFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let table: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{path} is not JSON: {e}"))?;
    RateLimit::table(&table)
        .map(RateLimitFile)
        .map_err(|(field, reason)| format!("{path}: {field}: {reason}"))
}

fn parse_seed(path: &str) -> Result<Seed, String> {
    Seed::from_path(path).map_err(|e| e.to_string())
}

fn parse_lag(v: &str) -> Result<Duration, String> {
    linode_sandbox::faults::parse_duration(v)
        .ok_or_else(|| format!("not a duration like 2s or 250ms: {v}"))
}

fn parse_fault(v: &str) -> Result<FaultRule, String> {
    v.parse()
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut builder = Sandbox::builder()
        .listen(args.listen)
        .speed(args.speed)
        .record_limit(args.record_limit)
        .seed_instances(args.seed_instances);
    if let Some(token) = args.token {
        builder = builder.token(token);
    }
    if let Some(seed) = args.seed_file {
        builder = builder.seed(seed);
    }
    if let Some(path) = args.data {
        builder = builder.data(path);
    }
    let sandbox = match builder.start().await {
        Ok(sandbox) => sandbox,
        Err(err) if err.kind() == std::io::ErrorKind::InvalidData => {
            eprintln!("linode-sandbox: the seed file was refused:\n{err}");
            return ExitCode::FAILURE;
        }
        Err(err) => {
            eprintln!("linode-sandbox: cannot start on {}: {err}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    sandbox.set_lags(args.create_lag, args.event_lag);
    sandbox.set_disk_ready_lag(args.disk_ready_lag);
    if let Some(RateLimitFile(limits)) = args.rate_limits_file {
        for limit in limits {
            sandbox.set_rate_limit(limit);
        }
    } else if args.rate_limits {
        sandbox.enable_published_rate_limits();
    }
    for rule in args.fault {
        sandbox.inject(rule);
    }
    println!("LINODE_API_URL={}/v4", sandbox.base_url());
    println!("LINODE_TOKEN={}", sandbox.token());
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("linode-sandbox: cannot wait for Ctrl-C: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("linode-sandbox").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_and_every_option() {
        let args = parse(&[]).unwrap();
        assert_eq!(args.listen, SocketAddr::from(([127, 0, 0, 1], 4000)));
        assert_eq!(
            (args.token, args.seed_instances, args.speed),
            (None, 0, 1.0)
        );
        assert_eq!(args.record_limit, 10_000);
        let args = parse(&[
            "--listen=127.0.0.1:5000",
            "--token",
            "dev",
            "--seed-instances",
            "3",
            "--speed",
            "0",
            "--rate-limits",
            "--fault",
            "GET /regions 502 x2",
            "--fault",
            "* /linode/** close",
        ])
        .unwrap();
        assert_eq!(args.listen.port(), 5000);
        assert_eq!(args.token.as_deref(), Some("dev"));
        assert_eq!(
            (args.seed_instances, args.speed, args.rate_limits),
            (3, 0.0, true)
        );
        assert_eq!(args.fault.len(), 2);
    }

    #[test]
    fn a_rate_limit_file_is_read_or_refused_with_the_field() {
        let dir = std::env::temp_dir().join(format!("sandbox-limits-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.json");
        std::fs::write(
            &good,
            r#"{"limits": [{"method": "GET", "path": "/regions", "limit": 5, "window_seconds": 1}]}"#,
        )
        .unwrap();
        let args = parse(&["--rate-limits-file", good.to_str().unwrap()]).unwrap();
        assert_eq!(args.rate_limits_file.unwrap().0.len(), 1);
        let bad = dir.join("bad.json");
        std::fs::write(
            &bad,
            r#"{"limits": [{"path": "/regions", "limit": 0, "window_seconds": 1}]}"#,
        )
        .unwrap();
        let err = parse(&["--rate-limits-file", bad.to_str().unwrap()])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("limits[0].limit: Must be a whole number above 0"),
            "{err}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_seed_file_is_read_or_refused_with_its_line() {
        let dir = std::env::temp_dir().join(format!("sandbox-seed-arg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.yaml");
        std::fs::write(
            &good,
            "instances:\n  - {label: web-1, region: us-east, type: g6-nanode-1}\n",
        )
        .unwrap();
        let args = parse(&["--seed-file", good.to_str().unwrap()]).unwrap();
        assert!(args.seed_file.is_some());
        assert!(parse(&[]).unwrap().seed_file.is_none());
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{\"instances\": [}").unwrap();
        let err = parse(&["--seed-file", bad.to_str().unwrap()])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--seed-file") && err.contains("bad.json:1:16: not valid JSON"),
            "{err}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_published_limits_are_the_current_ones() {
        let limits = RateLimit::published();
        assert!(limits.contains(&RateLimit::any_method(
            "*",
            1600,
            std::time::Duration::from_secs(60)
        )));
        assert!(limits.contains(&RateLimit::new(
            linode_sandbox::Method::POST,
            "/linode/instances",
            20,
            std::time::Duration::from_secs(15)
        )));
    }

    #[test]
    fn bad_values_name_the_option() {
        let err = parse(&["--speed=-1"]).unwrap_err().to_string();
        assert!(
            err.contains("--speed") && err.contains("not a number >= 0"),
            "{err}"
        );
        let err = parse(&["--fault", "GET /x teapot"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--fault"), "{err}");
        let err = parse(&["--token", "a b"]).unwrap_err().to_string();
        assert!(err.contains("no spaces"), "{err}");
        assert!(parse(&["--nope"]).is_err());
    }
}
