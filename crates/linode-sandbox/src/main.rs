//! `linode-sandbox`: serve the Linode API emulator until Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;

use linode_sandbox::{FaultRule, Sandbox};

const USAGE: &str = "\
Usage: linode-sandbox [--listen ADDR] [--token TOKEN] [--seed-instances N] [--speed F]
                      [--record-limit N] [--rate-limits] [--fault RULE]...

Serves a local emulator of the Linode API v4 under /v4 and /v4beta.

Options:
  --listen ADDR          address to listen on (default 127.0.0.1:4000)
  --token TOKEN          bearer token to accept (default: random, printed)
  --seed-instances N     create N sample Linode instances at start (default 0)
  --record-limit N       keep only the last N requests in the request log (default 10000)
  --speed F              scale of realistic action durations: 1 is real time, 0.1 ten times
                         faster, 0 instant (default 1)
  --rate-limits          apply the API's published rate limits (429 with Retry-After)
  --fault RULE           inject a fault; repeatable. RULE is 'METHOD PATH FAULT [xN] [every=N]':
                           METHOD  GET, POST, PUT, DELETE, ... or * for any
                           PATH    without /v4; * matches one segment, a final ** any rest
                           FAULT   a status 400..599 (error envelope; 429 has Retry-After),
                                   html502 (a proxy's HTML page), maintenance (503 with
                                   X-Maintenance-Mode), truncate (JSON cut in half), close
                                   (connection dropped mid-response), slow=2s (answer late)
                           xN      only the next N matching requests (default: all)
                           every=N only every N-th matching request
                         e.g. --fault 'GET /linode/instances 502 x3'
  -h, --help             print this help
";

struct Args {
    listen: SocketAddr,
    token: Option<String>,
    seed: usize,
    speed: f64,
    record_limit: usize,

    rate_limits: bool,
    faults: Vec<FaultRule>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 4000)),
        token: None,
        seed: 0,
        speed: 1.0,
        record_limit: 10_000,

        rate_limits: false,
        faults: Vec::new(),
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let v = value("--listen")?;
                parsed.listen = v
                    .parse()
                    .map_err(|_| format!("--listen: not an address like 127.0.0.1:4000: {v}"))?;
            }
            "--token" => {
                let v = value("--token")?;
                if v.is_empty() || v.chars().any(char::is_whitespace) {
                    return Err("--token must be non-empty and contain no spaces".to_owned());
                }
                parsed.token = Some(v);
            }
            "--seed-instances" => {
                let v = value("--seed-instances")?;
                parsed.seed = v
                    .parse()
                    .map_err(|_| format!("--seed-instances: not a count: {v}"))?;
            }
            "--record-limit" => {
                let v = value("--record-limit")?;
                parsed.record_limit = v
                    .parse()
                    .map_err(|_| format!("--record-limit: not a count: {v}"))?;
            }
            "--speed" => {
                let v = value("--speed")?;
                parsed.speed = v
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .ok_or_else(|| format!("--speed: not a number >= 0: {v}"))?;
            }
            "--rate-limits" => parsed.rate_limits = true,
            "--fault" => {
                let v = value("--fault")?;
                parsed
                    .faults
                    .push(v.parse().map_err(|e| format!("--fault: {e}"))?);
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(Some(parsed))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("linode-sandbox: {err}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Sandbox::builder()
        .listen(args.listen)
        .speed(args.speed)
        .record_limit(args.record_limit);
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
    if args.rate_limits {
        sandbox.enable_published_rate_limits();
    }
    for rule in args.faults {
        sandbox.inject(rule);
    }
    if args.seed > 0 {
        sandbox.seed_instances(args.seed);
    }
    println!("LINODE_API_URL={}/v4", sandbox.base_url());
    println!("LINODE_TOKEN={}", sandbox.token());
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("linode-sandbox: cannot wait for Ctrl-C: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
