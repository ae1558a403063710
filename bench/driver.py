"""Benchmark driver (Python standard library only); run it through bench/run.sh.

Starts the sandbox seeded with instances, runs every workload once per peer (or more with
--repeat, keeping the run with the median wall time), each peer as its own process so that its
CPU time and peak memory are its own, then prints the table and writes bench/RESULTS.md.
"""

import argparse
import datetime
import json
import os
import platform
import re
import urllib.request
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TOKEN = "bench-token"

WORKLOADS = {
    "w1": "list all {seed} instances, page size 500",
    "w2": "{count} sequential gets of single instances",
    "w3": "the same {count} gets, {in_flight} in flight",
    "w4": "filtered list (region == {region} and label contains {label!r})",
    "w5": "stream {stream_seed} instances item by item",
}
PEERS = ["client", "client-all", "client-4", "client-ct", "python", "js", "raw", "raw-ct"]
# Peers that run only some workloads: the client with a set page concurrency makes sense for
# the full list only; the floor on the current-thread runtime is the reference of the
# current-thread client's GETs.
PEER_WORKLOADS = {"client-all": {"w1"}, "client-4": {"w1"}, "raw-ct": {"w2"}}
PEER_NAMES = {
    "client": "linode (this client)",
    "client-all": "linode, all pages at once (set)",
    "client-4": "linode, 4 pages at a time (set)",
    "client-ct": "linode, current-thread runtime",
    "python": "linode_api4 (Python SDK)",
    "js": "@linode/api-v4 (JS SDK)",
    "raw": "raw HTTP bytes (floor)",
    "raw-ct": "raw HTTP bytes, current-thread runtime",
}
# How each peer does a workload, where it differs from the obvious.
PEER_NOTES = {
    ("client", "w1"): "collect_all, default: first page, then the other 19 at once (≤ 24 left)",
    ("client-all", "w1"): "collect_all with page_concurrency(1000): as the JS SDK",
    ("client-4", "w1"): "collect_all with page_concurrency(4): the previous default",
    ("raw", "w1"): "same pages as the client's default, bodies not decoded",
    ("python", "w1"): "iterating the PaginatedList: pages one after another",
    ("js", "w1"): "first page, then all other pages at once (Cloud Manager's getAll)",
    ("python", "w3"): "no async API: 32 threads, one LinodeClient each",
    ("js", "w3"): "32 promise workers",
    ("client", "w3"): "buffer_unordered(32)",
    ("client-ct", "w1"): "as above, on Tokio's current-thread runtime",
    ("raw", "w3"): "buffer_unordered(32)",
    ("client", "w5"): "into_stream(): one page ahead",
    ("raw", "w5"): "pages in order, one ahead, bodies dropped",
    ("python", "w5"): "iterating the PaginatedList (it keeps every page loaded)",
    ("js", "w5"): "page loop, one page in memory",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sandbox:
    """The sandbox binary, seeded, on a free loopback port."""

    def __init__(self, binary, seed):
        self.port = free_port()
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(binary), "--listen", f"127.0.0.1:{self.port}", "--token", TOKEN,
             "--seed-instances", str(seed)],
            stdout=subprocess.PIPE, text=True)
        # The binary prints its URL once seeded and listening.
        line = self.proc.stdout.readline()
        if not line.startswith("LINODE_API_URL="):
            raise SystemExit(f"the sandbox did not start: {line!r}")
        self.url = line.strip().split("=", 1)[1]
        self.seed_s = time.perf_counter() - started
        # Start to first answer: the ready line, then one small page of the list.
        req = urllib.request.Request(f"{self.url}/linode/instances?page_size=25",
                                     headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(req) as answer:
            answer.read()
        self.first_answer_s = time.perf_counter() - started
        self.seed = seed
        self.rss_after_seed_mb = self.peak_rss_mb()
        self.resident_after_seed_mb = self.resident_mb()

    def resident_mb(self):
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        return kb / 1024

    def peak_rss_mb(self):
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kb = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
        return kb / 1024

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def run_once(cmd):
    """Runs one workload process; returns its JSON report plus peak RSS (MB)."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd[:3])} failed: {err.read().decode()[-2000:]}")
    report = json.loads(out.decode().strip().splitlines()[-1])
    report["rss_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return report


def command(peer, workload, url, args, bin_dir):
    common = ["--url", url, "--token", TOKEN, "--first-id", str(args.first_id),
              "--count", str(args.count), "--in-flight", str(args.in_flight),
              "--page-size", "500", "--region", args.region,
              "--label-contains", args.label]
    if peer == "client-ct":
        return [str(bin_dir / "linode-bench"), "client", workload, "--runtime", "current"] + common
    if peer == "raw-ct":
        return [str(bin_dir / "linode-bench"), "raw", workload, "--runtime", "current"] + common
    if peer in ("client-all", "client-4"):
        pages = "1000" if peer == "client-all" else "4"
        return [str(bin_dir / "linode-bench"), "client", workload,
                "--page-concurrency", pages] + common
    if peer in ("client", "raw"):
        return [str(bin_dir / "linode-bench"), peer, workload] + common
    if peer == "python":
        return [str(BENCH / ".venv" / "bin" / "python"),
                str(BENCH / "python" / "workload.py"), workload] + common
    return ["node", str(BENCH / "js" / "workload.js"), workload] + common


def measure(peer, workload, url, args, bin_dir):
    cmd = command(peer, workload, url, args, bin_dir)
    runs = [run_once(cmd)]
    # Slow runs (many seconds) vary little relative to their length: once is enough.
    while len(runs) < args.repeat and runs[0]["wall_s"] < 10:
        runs.append(run_once(cmd))
    runs.sort(key=lambda r: r["wall_s"])
    chosen = runs[len(runs) // 2]
    chosen["runs"] = len(runs)
    chosen["peer"] = peer  # the driver's name (client-ct reports itself as client)
    return chosen


def capture(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    osname = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        m = re.search(r'PRETTY_NAME="([^"]+)"', release.read_text())
        if m:
            osname = f"{m.group(1)} (kernel {platform.release()})"
    venv_python = str(BENCH / ".venv" / "bin" / "python")
    sdk_py = capture([venv_python, "-c",
                      "import importlib.metadata as m; print(m.version('linode_api4'))"])
    sdk_js = "unknown"
    pkg = BENCH / "js" / "node_modules" / "@linode" / "api-v4" / "package.json"
    if pkg.exists():
        sdk_js = json.loads(pkg.read_text())["version"]
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("Memory", f"{mem_kb / 1024 / 1024:.1f} GiB"),
        ("OS", osname),
        ("rustc", capture(["rustc", "--version"])),
        ("Python", capture([venv_python, "--version"]) + f", linode_api4 {sdk_py}"),
        ("Node", capture(["node", "--version"]) + f", @linode/api-v4 {sdk_js}"),
    ]


def fmt_ratio(x):
    return f"{x:.1f}×" if x >= 10 else f"{x:.2f}×"


def render(results, args, sandboxes, targets, when):
    out = []
    out.append("| workload | peer | items | wall | CPU | peak RSS | wall vs client | CPU vs client | how |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for w, desc in WORKLOADS.items():
        rows = [r for r in results if r["workload"] == w]
        if not rows:
            continue
        base = next((r for r in rows if r["peer"] == "client"), None)
        title = desc.format(seed=args.seed, count=args.count, in_flight=args.in_flight,
                            region=args.region, label=args.label, stream_seed=args.stream_seed)
        for r in rows:
            if "error" in r:
                out.append(f"| {w}: {title} | {PEER_NAMES[r['peer']]} | | | | | | | "
                           f"could not run: {r['error']} |")
                continue
            wall_ratio = cpu_ratio = ""
            if base and "error" not in base and r["peer"] != "client":
                wall_ratio = fmt_ratio(r["wall_s"] / base["wall_s"])
                cpu_ratio = fmt_ratio(r["cpu_s"] / base["cpu_s"]) if base["cpu_s"] > 0 else ""
            items = str(r["items"]) if not r["peer"].startswith("raw") else f"{r['bytes'] / 1e6:.1f} MB"
            out.append(
                f"| {w}: {title} | {PEER_NAMES[r['peer']]} | {items} | "
                f"{r['wall_s'] * 1000:.1f} ms | {r['cpu_s'] * 1000:.1f} ms | "
                f"{r['rss_mb']:.1f} MB | {wall_ratio} | {cpu_ratio} | "
                f"{PEER_NOTES.get((r['peer'], w), '')} |")
            title = ""
    table = "\n".join(out)

    lines = ["# Benchmark results", "",
             f"One run of `bash bench/run.sh` on {when}. Ratios are a peer's figure divided by "
             "this client's, from this run only; they are not promises for other machines.",
             "", "## Machine", ""]
    for k, v in machine():
        lines.append(f"- **{k}**: {v}")
    lines += ["", "## Results", "",
              "Wall and CPU time cover the workload only (not process start-up or building "
              "the client); peak RSS is the whole process's. Each peer is its own process; "
              f"fast runs were repeated up to {args.repeat} times and the run with the "
              "median wall time is shown. The sandbox runs on the same cores as the peers.",
              "", table, "", "## Sandbox", ""]
    for name, sb in sandboxes.items():
        per = (f", {sb['per_instance_b']:,.0f} bytes per seeded instance"
               if sb.get("per_instance_b") is not None else "")
        lines.append(f"- seeded with {name} instances: ready in {sb['seed_s']:.2f} s, first "
                     f"answer {sb['first_answer_s']:.2f} s after start, "
                     f"peak RSS {sb['rss_mb']:.0f} MB after seeding{per}, "
                     f"{sb['end_rss_mb']:.0f} MB at the end")
    lines += ["", "## Targets", "", "| target | measured | |", "| --- | --- | --- |"]
    for name, measured, ok in targets:
        verdict = "reference" if ok is None else "met" if ok else "**missed**"
        lines.append(f"| {name} | {measured} | {verdict} |")
    notes = BENCH / "notes.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    return table, "\n".join(lines) + "\n"


def evaluate(results, args, sandboxes):
    by = {(r["peer"], r["workload"]): r for r in results if "error" not in r}
    targets = []
    big = sandboxes.get(f"{args.stream_seed:,}")
    if big and big.get("per_instance_b") is not None:
        b = big["per_instance_b"]
        targets.append((f"sandbox memory per seeded instance ≤ 1.5 KB ({args.stream_seed:,} "
                        "seeded; resident memory over an unseeded sandbox's)",
                        f"{b:,.0f} bytes", b <= 1536))
    if big:
        s = big["first_answer_s"]
        targets.append((f"sandbox seeded with {args.stream_seed:,} instances: start to first "
                        "answer ≤ 0.3 s", f"{s:.2f} s", s <= 0.3))

    def ratio(a, b, key="wall_s"):
        if a in by and b in by and by[b][key] > 0:
            return by[a][key] / by[b][key]
        return None

    r = ratio(("python", "w1"), ("client", "w1"))
    if r is not None:
        targets.append(("W1 ≥ 50× faster than the Python SDK", f"{r:.1f}×", r >= 50))
    r = ratio(("js", "w1"), ("client", "w1"))
    if r is not None:
        targets.append(("W1 ≥ 6× faster than the JS SDK (default settings)", f"{r:.2f}×", r >= 6))
    r = ratio(("js", "w1"), ("client-all", "w1"))
    if r is not None:
        targets.append(("(like for like) W1 with all pages at once vs the JS SDK",
                        f"{r:.2f}×", None))
    r = ratio(("client", "w1"), ("raw", "w1"))
    if r is not None:
        targets.append(("W1 within 1.4× the raw floor", f"{r:.2f}× the floor", r <= 1.4))
    r = ratio(("client", "w5"), ("raw", "w5"), "cpu_s")
    if r is not None:
        targets.append(("W5 CPU within 2.5× the raw floor's CPU", f"{r:.2f}× the floor's",
                        r <= 2.5))
    if ("client", "w5") in by:
        mb = by[("client", "w5")]["rss_mb"]
        targets.append(("W5 peak memory < 50 MB", f"{mb:.1f} MB", mb < 50))
    for peer, floor, how in (("client", "raw", "multi-threaded"),
                             ("client-ct", "raw-ct", "current-thread")):
        if (peer, "w2") in by and (floor, "w2") in by:
            extra = (by[(peer, "w2")]["cpu_s"] - by[(floor, "w2")]["cpu_s"]) / args.count * 1e6
            targets.append((f"client CPU per simple GET over the raw floor's ≤ +10 µs "
                            f"(W2, both on the {how} runtime)", f"{extra:+.1f} µs", extra <= 10))
    for peer, how in (("client", "multi-threaded runtime"), ("client-ct", "current-thread runtime")):
        if (peer, "w2") in by:
            us = by[(peer, "w2")]["cpu_s"] / args.count * 1e6
            targets.append((f"client CPU < 50 µs per simple GET (W2, {how})", f"{us:.1f} µs",
                            us < 50))
    if ("raw", "w2") in by:
        us = by[("raw", "w2")]["cpu_s"] / args.count * 1e6
        targets.append(("(reference) raw floor's CPU per simple GET (W2, multi-threaded)",
                        f"{us:.1f} µs", None))
    if ("raw", "w3") in by:
        rate = args.count / by[("raw", "w3")]["wall_s"]
        targets.append(("sandbox ≥ 10,000 simple GETs/s on loopback (raw W3, a lower bound)",
                        f"{rate:,.0f} GETs/s", rate >= 10_000))
    return targets


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bin-dir", type=Path, default=ROOT / "target" / "release")
    p.add_argument("--seed", type=int, default=10_000)
    p.add_argument("--stream-seed", type=int, default=100_000)
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--in-flight", type=int, default=32)
    p.add_argument("--region", default="us-east")
    p.add_argument("--label", default="00")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--peers", default=",".join(PEERS))
    p.add_argument("--workloads", default=",".join(WORKLOADS))
    p.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    args = p.parse_args()
    # Stop the sandbox (the `finally` below) on SIGTERM too, not only on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.first_id = 40_000_000  # the sandbox's first instance id; seeding starts there
    peers = args.peers.split(",")
    workloads = args.workloads.split(",")
    sandbox_bin = args.bin_dir / "linode-sandbox"

    results, sandboxes = [], {}
    # An unseeded sandbox's resident memory: what seeding adds is measured over it.
    empty = Sandbox(sandbox_bin, 0)
    try:
        empty_mb = empty.resident_after_seed_mb
    finally:
        empty.stop()
    phases = [(args.seed, [w for w in workloads if w != "w5"]),
              (args.stream_seed, [w for w in workloads if w == "w5"])]
    for seed, phase in phases:
        if not phase:
            continue
        sb = Sandbox(sandbox_bin, seed)
        print(f"sandbox with {seed} instances ready in {sb.seed_s:.2f} s at {sb.url}",
              file=sys.stderr)
        try:
            for w in phase:
                for peer in peers:
                    if peer in PEER_WORKLOADS and w not in PEER_WORKLOADS[peer]:
                        continue
                    try:
                        r = measure(peer, w, sb.url, args, args.bin_dir)
                    except RuntimeError as e:
                        r = {"peer": peer, "workload": w, "error": str(e).splitlines()[0][:200]}
                        print(f"  {w} {peer}: FAILED {e}", file=sys.stderr)
                    else:
                        print(f"  {w} {peer:7} items={r['items']:<7} wall={r['wall_s']*1000:9.1f} ms"
                              f" cpu={r['cpu_s']*1000:9.1f} ms rss={r['rss_mb']:7.1f} MB",
                              file=sys.stderr)
                    results.append(r)
            sandboxes[f"{seed:,}"] = {
                "seed_s": sb.seed_s, "first_answer_s": sb.first_answer_s,
                "rss_mb": sb.rss_after_seed_mb, "end_rss_mb": sb.peak_rss_mb(),
                "per_instance_b": ((sb.resident_after_seed_mb - empty_mb) * 1024 * 1024 / seed
                                   if seed else None)}
        finally:
            sb.stop()

    targets = evaluate(results, args, sandboxes)
    when = datetime.date.today().isoformat()
    table, doc = render(results, args, sandboxes, targets, when)
    print(table)
    print()
    for name, measured, ok in targets:
        verdict = "      " if ok is None else "met   " if ok else "MISSED"
        print(f"{verdict}  {name}: {measured}")
    args.out.write_text(doc)
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
