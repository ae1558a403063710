//! `linode-sandbox`: serve the Linode API emulator until Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use linode_sandbox::{FaultRule, Sandbox};

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

    /// Apply the API's published rate limits (429 with Retry-After).
    #[arg(long, env = "LINODE_SANDBOX_RATE_LIMITS")]
    rate_limits: bool,

    /// Inject a fault (repeatable): 'METHOD PATH FAULT [xN] [every=N]'. METHOD is GET, POST,
    /// ... or * for any; PATH is without /v4, * matches one segment and a final ** any rest;
    /// FAULT is a status 400..599 (error envelope; 429 has Retry-After), html502 (a proxy's
    /// HTML page), maintenance (503 with X-Maintenance-Mode), truncate (JSON cut in half),
    /// close (connection dropped mid-response) or slow=2s (answer late); xN applies to the
    /// next N matching requests only, every=N to every N-th. In the environment, several
    /// rules are separated by ';'. Example: --fault 'GET /linode/instances 502 x3'
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
    let sandbox = match builder.start().await {
        Ok(sandbox) => sandbox,
        Err(err) => {
            eprintln!("linode-sandbox: cannot listen on {}: {err}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    sandbox.set_lags(args.create_lag, args.event_lag);
    if args.rate_limits {
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
