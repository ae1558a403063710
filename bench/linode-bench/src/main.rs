//! One benchmark workload, run once, for one of two peers:
//!
//! - `client`: this project's `linode` client, used as its documentation shows;
//! - `raw`: the floor, plain `reqwest` fetching the same URLs as bytes with no decoding.
//!
//! ```text
//! linode-bench <client|raw> <w1|w2|w3|w4|w5> --url URL --token TOKEN [options]
//! ```
//!
//! It prints one JSON line: `{"peer", "workload", "items", "bytes", "wall_s", "cpu_s"}`,
//! where wall and CPU time cover the workload only (not process start-up or building the
//! client). The driver (`bench/driver.py`) measures the peak memory of the whole process.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt, stream};
use linode::Client;
use linode::api::linode::Instance;

const USAGE: &str = "\
Usage: linode-bench <client|raw> <w1|w2|w3|w4|w5> --url URL --token TOKEN [options]

Options:
  --first-id N         first instance id for w2/w3 (default 40000000)
  --count N            number of single gets for w2/w3 (default 2000)
  --in-flight N        requests in flight for w3 (default 32)
  --page-size N        page size of list workloads (default 500)
  --region R           w4: region to keep (default us-east)
  --label-contains S   w4: text the label must contain (default 00)
  --runtime R          Tokio runtime: multi (default, as #[tokio::main]) or current
  --page-concurrency N pages fetched at once by list workloads (default: the client's default,
                       which the floor copies: all remaining pages when at most 24, else 4)
";

/// The client's default: all the remaining pages at once when there are at most this many
/// (see `ClientBuilder::page_concurrency`), which the floor copies.
const BURST_PAGES: u64 = 24;

/// Settings of one run.
struct Args {
    peer: String,
    workload: String,
    url: String,
    token: String,
    first_id: u64,
    count: u64,
    in_flight: usize,
    page_size: u32,
    region: String,
    label_contains: String,
    runtime: String,
    page_concurrency: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut args = Args {
        peer: String::new(),
        workload: String::new(),
        url: String::new(),
        token: String::new(),
        first_id: 40_000_000,
        count: 2000,
        in_flight: 32,
        page_size: 500,
        region: "us-east".to_owned(),
        label_contains: "00".to_owned(),
        runtime: "multi".to_owned(),
        page_concurrency: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        if !arg.starts_with("--") {
            positional.push(arg);
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{arg} needs a value"))?;
        let number = |v: &str| v.parse::<u64>().map_err(|_| format!("{arg}: not a number"));
        match arg.as_str() {
            "--url" => args.url = value,
            "--token" => args.token = value,
            "--first-id" => args.first_id = number(&value)?,
            "--count" => args.count = number(&value)?,
            "--in-flight" => args.in_flight = number(&value)? as usize,
            "--page-size" => args.page_size = number(&value)? as u32,
            "--region" => args.region = value,
            "--label-contains" => args.label_contains = value,
            "--runtime" => args.runtime = value,
            "--page-concurrency" => args.page_concurrency = Some(number(&value)? as usize),
            other => return Err(format!("unknown option {other}")),
        }
    }
    match positional.as_slice() {
        [peer, workload] => {
            args.peer = peer.clone();
            args.workload = workload.clone();
        }
        _ => return Err("expected a peer and a workload".to_owned()),
    }
    if args.url.is_empty() || args.token.is_empty() {
        return Err("--url and --token are required".to_owned());
    }
    Ok(args)
}

/// CPU time (user + system) this process has used so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes into the struct we hand it.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

/// What a workload reports: how many items it decoded and how many body bytes it read.
#[derive(Default)]
struct Outcome {
    items: u64,
    bytes: u64,
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(err) => {
            eprintln!("linode-bench: {err}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match args.runtime.as_str() {
        "current" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        _ => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build(),
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("linode-bench: cannot start Tokio: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let run = match args.peer.as_str() {
        "client" => run_client(&args).await,
        "raw" => run_raw(&args).await,
        other => Err(format!("unknown peer {other}").into()),
    };
    match run {
        Ok((outcome, wall, cpu)) => {
            println!(
                "{{\"peer\":\"{}\",\"workload\":\"{}\",\"items\":{},\"bytes\":{},\"wall_s\":{:.6},\"cpu_s\":{:.6}}}",
                args.peer,
                args.workload,
                outcome.items,
                outcome.bytes,
                wall.as_secs_f64(),
                cpu.as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("linode-bench: {} {}: {err}", args.peer, args.workload);
            ExitCode::FAILURE
        }
    }
}

/// Times `work` in wall-clock and CPU time.
async fn timed<F>(work: F) -> Result<(Outcome, Duration, Duration), Failure>
where
    F: Future<Output = Result<Outcome, Failure>>,
{
    let (wall0, cpu0) = (Instant::now(), cpu_time());
    let outcome = work.await?;
    Ok((outcome, wall0.elapsed(), cpu_time() - cpu0))
}

fn ids(args: &Args) -> impl Iterator<Item = u64> + use<> {
    args.first_id..args.first_id + args.count
}

async fn run_client(args: &Args) -> Result<(Outcome, Duration, Duration), Failure> {
    let mut builder = Client::builder(args.token.as_str())
        .base_url(args.url.as_str())
        .page_size(args.page_size);
    if let Some(pages) = args.page_concurrency {
        builder = builder.page_concurrency(pages);
    }
    let client = builder.build()?;
    let instances = || client.linode().instances();
    match args.workload.as_str() {
        "w1" => {
            timed(async {
                let all = instances().send().await?.collect_all().await?;
                Ok(Outcome {
                    items: all.len() as u64,
                    ..Outcome::default()
                })
            })
            .await
        }
        "w2" => {
            timed(async {
                let mut items = 0;
                for id in ids(args) {
                    let instance: Instance = client.load(id).await?;
                    items += u64::from(instance.id == id);
                }
                Ok(Outcome {
                    items,
                    ..Outcome::default()
                })
            })
            .await
        }
        "w3" => {
            timed(async {
                let items = stream::iter(ids(args))
                    .map(|id| client.load::<Instance>(id))
                    .buffer_unordered(args.in_flight)
                    .try_fold(0u64, |n, _| async move { Ok(n + 1) })
                    .await?;
                Ok(Outcome {
                    items,
                    ..Outcome::default()
                })
            })
            .await
        }
        "w4" => {
            timed(async {
                let found = instances()
                    .filter(
                        Instance::REGION.eq(args.region.as_str())
                            & Instance::LABEL.contains(args.label_contains.as_str()),
                    )
                    .send()
                    .await?
                    .collect_all()
                    .await?;
                Ok(Outcome {
                    items: found.len() as u64,
                    ..Outcome::default()
                })
            })
            .await
        }
        "w5" => {
            timed(async {
                let mut stream = std::pin::pin!(instances().send().await?.into_stream());
                let mut items = 0;
                while let Some(instance) = stream.next().await {
                    // Touch every item so the work cannot be skipped.
                    items += u64::from(!instance?.label.is_empty());
                }
                Ok(Outcome {
                    items,
                    ..Outcome::default()
                })
            })
            .await
        }
        other => Err(format!("unknown workload {other}").into()),
    }
}

/// The raw floor: the same requests as the client sends, bodies read as bytes and dropped.
struct Raw {
    http: reqwest::Client,
    root: String,
    auth: String,
}

impl Raw {
    async fn get(&self, path: &str, filter: Option<&str>) -> Result<bytes_len::Body, Failure> {
        let mut request = self
            .http
            .get(format!("{}{path}", self.root))
            .header("Authorization", &self.auth);
        if let Some(filter) = filter {
            request = request.header("X-Filter", filter);
        }
        let response = request.send().await?.error_for_status()?;
        Ok(bytes_len::Body(response.bytes().await?))
    }

    /// All pages of a list, the first alone and then the rest `in_flight` at a time (`None`:
    /// as the client's default does), as the client does.
    async fn list(
        &self,
        page_size: u32,
        filter: Option<&str>,
        in_flight: Option<usize>,
    ) -> Result<Outcome, Failure> {
        let path = |page: u64| format!("/linode/instances?page={page}&page_size={page_size}");
        let first = self.get(&path(1), filter).await?;
        let pages = first.pages().ok_or("no page count in the first page")?;
        let in_flight = match in_flight {
            Some(n) => n,
            None if pages.saturating_sub(1) <= BURST_PAGES => pages.max(2) as usize - 1,
            None => Client::builder("x").build()?.page_concurrency(),
        };
        let mut bytes = first.len();
        let mut rest = stream::iter(2..=pages)
            .map(|page| {
                let path = path(page);
                async move { self.get(&path, filter).await }
            })
            .buffered(in_flight);
        while let Some(body) = rest.next().await {
            bytes += body?.len();
        }
        Ok(Outcome { items: 0, bytes })
    }
}

mod bytes_len {
    /// A response body kept as bytes.
    pub struct Body(pub bytes::Bytes);

    impl Body {
        pub fn len(&self) -> u64 {
            self.0.len() as u64
        }

        /// The `"pages": N` of a list envelope, found by scanning the bytes (no JSON decoding).
        pub fn pages(&self) -> Option<u64> {
            let key = b"\"pages\":";
            let at = self.0.windows(key.len()).rposition(|w| w == key)? + key.len();
            let digits: Vec<u8> = self.0[at..]
                .iter()
                .copied()
                .skip_while(|b| *b == b' ')
                .take_while(u8::is_ascii_digit)
                .collect();
            std::str::from_utf8(&digits).ok()?.parse().ok()
        }
    }
}

async fn run_raw(args: &Args) -> Result<(Outcome, Duration, Duration), Failure> {
    let raw = Raw {
        http: reqwest::Client::builder().build()?,
        root: args.url.trim_end_matches('/').to_owned(),
        auth: format!("Bearer {}", args.token),
    };
    let raw = &raw;
    let single = |id: u64| async move {
        raw.get(&format!("/linode/instances/{id}"), None)
            .await
            .map(|b| b.len())
    };
    let page_concurrency = args.page_concurrency;
    match args.workload.as_str() {
        "w1" => timed(raw.list(args.page_size, None, page_concurrency)).await,
        "w2" => {
            timed(async {
                let mut bytes = 0;
                for id in ids(args) {
                    bytes += single(id).await?;
                }
                Ok(Outcome { items: 0, bytes })
            })
            .await
        }
        "w3" => {
            timed(async {
                let bytes = stream::iter(ids(args))
                    .map(single)
                    .buffer_unordered(args.in_flight)
                    .try_fold(0u64, |n, b| async move { Ok(n + b) })
                    .await?;
                Ok(Outcome { items: 0, bytes })
            })
            .await
        }
        "w4" => {
            let filter = format!(
                "{{\"+and\":[{{\"region\":\"{}\"}},{{\"label\":{{\"+contains\":\"{}\"}}}}]}}",
                args.region, args.label_contains
            );
            timed(raw.list(args.page_size, Some(&filter), page_concurrency)).await
        }
        // Streaming: one page ahead, as the client's stream.
        "w5" => timed(raw.list(args.page_size, None, Some(2))).await,
        other => Err(format!("unknown workload {other}").into()),
    }
}
