"""One benchmark workload, run once, with the official Python SDK (linode_api4).

Usage: python workload.py <w1|w2|w3|w4|w5> --url URL --token TOKEN [options]

Prints one JSON line like the other peers: items, wall_s and cpu_s cover the workload only
(not interpreter start-up or building the client). The SDK is used as its documentation shows.
"""

import argparse
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from linode_api4 import Instance, LinodeClient


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=["w1", "w2", "w3", "w4", "w5"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--first-id", type=int, default=40_000_000)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--region", default="us-east")
    parser.add_argument("--label-contains", default="00")
    args = parser.parse_args()

    def new_client():
        return LinodeClient(args.token, base_url=args.url, page_size=args.page_size)

    client = new_client()
    ids = range(args.first_id, args.first_id + args.count)

    wall0, cpu0 = time.perf_counter(), time.process_time()
    if args.workload == "w1":
        items = len(list(client.linode.instances()))
    elif args.workload == "w2":
        items = sum(1 for i in ids if client.load(Instance, i).id == i)
    elif args.workload == "w3":
        # The SDK is synchronous: the usual way to have requests in flight is a thread pool,
        # with one client (one requests.Session) per thread.
        local = threading.local()

        def get(i):
            if not hasattr(local, "client"):
                local.client = new_client()
            return local.client.load(Instance, i).id == i

        with ThreadPoolExecutor(max_workers=args.in_flight) as pool:
            items = sum(1 for ok in pool.map(get, ids) if ok)
    elif args.workload == "w4":
        found = client.linode.instances(
            Instance.region == args.region,
            Instance.label.contains(args.label_contains),
        )
        items = len(list(found))
    else:  # w5: item by item
        items = 0
        for instance in client.linode.instances():
            items += 1 if instance.label else 0
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(json.dumps({"peer": "python", "workload": args.workload, "items": items,
                      "bytes": 0, "wall_s": wall, "cpu_s": cpu}))


if __name__ == "__main__":
    main()
