#!/usr/bin/env bash
# Instruction counts of the client's hot paths (crates/linode/benches/instructions.rs) under
# valgrind's callgrind: repeatable on a busy machine, unlike times. Prints one line per case:
# instructions per operation (a decode, a GET, a whole list).
#
#   bash bench/callgrind.sh [OUT_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "callgrind: valgrind is required" >&2; exit 1; }
exe=$(cargo bench -p linode --bench instructions --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and "instructions" in m["target"]["name"]:
        print(m["executable"])')
out=${1:-$(mktemp /tmp/callgrind.XXXXXX)}
valgrind --tool=callgrind --callgrind-out-file="$out" "$exe" >/dev/null 2>"$out.log"
callgrind_annotate --inclusive=yes --threshold=100 "$out" 2>/dev/null | python3 -c '
import re, sys
per = {"decode_page": 5, "validate_page": 5, "decode_instance": 2500,
       "client_gets": 200, "raw_gets": 200, "raw_gets_decoded": 200,
       "client_list": 2, "raw_list": 2}
unit = {"decode_page": "page of 500", "validate_page": "page of 500",
        "decode_instance": "instance", "client_gets": "GET", "raw_gets": "GET",
        "raw_gets_decoded": "GET", "client_list": "list of 10,000", "raw_list": "list of 10,000"}
seen = {}
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+)\s.*::case_(\w+)\b", line)
    if m and m.group(2) in per and m.group(2) not in seen:
        seen[m.group(2)] = int(m.group(1).replace(",", ""))
for case, n in per.items():
    if case in seen:
        print(f"{case:18} {seen[case] / n:>16,.0f} instructions per {unit[case]}")
'
echo "(callgrind output: $out)" >&2
