#!/usr/bin/env bash
# The benchmark harness: builds what it needs, installs the official Python and JavaScript SDKs
# (into bench/.venv and bench/js/node_modules), starts the sandbox seeded, runs every workload
# with every peer, prints the table and writes bench/RESULTS.md.
#
#   bash bench/run.sh                 # everything
#   bash bench/run.sh --workloads w1  # driver options: see `python3 bench/driver.py --help`
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in cargo python3 node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is required" >&2; exit 1; }
done

echo "== building the sandbox and the Rust workloads (release)" >&2
cargo build --release --quiet -p linode-sandbox -p linode-bench
target_dir=$(cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

echo "== the Python SDK (bench/.venv)" >&2
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
bench/.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  -r bench/python/requirements.txt

echo "== the JavaScript SDK (bench/js/node_modules)" >&2
(cd bench/js && npm install --silent --no-audit --no-fund >/dev/null)

echo "== running" >&2
exec python3 bench/driver.py --bin-dir "$target_dir/release" "$@"
