#!/usr/bin/env python3
"""Builds against each other: `runs/get` through `duvo rpc` over https (nginx with TLS, HTTP/2 and gzip in front of
`duvo sim`, as in tls.py; or plain http with --http) for two or more `duvo` binaries, alternated round by round, with
the raw keep-alive GET measured in each round. Use it to tell whether a change is an improvement on this noisy machine: build the
previous commit into another directory and pass both binaries. The first binary also runs the simulator.

    python3 bench/https/compare.py /tmp/before/duvo .build/release/duvo --rounds 6

Prints each round and, per binary, the median of its round p50s, its CPU per call and its ratio to the raw GET.
"""
from __future__ import annotations

import argparse
import http.client
import json
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tls  # noqa: E402  (the same measurements and fixtures as the https benchmark)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("builds", nargs="+", help="duvo binaries to compare")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--http", action="store_true", help="compare over plain http to the simulator instead")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="duvo-bench-compare-"))
    sim = subprocess.Popen([args.builds[0], "sim", "--port", "0", "--rate-limit", "0", "--log-level", "error"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base = sim.stdout.readline().strip()
    try:
        pki = tls.TestPKI(work / "pki")
        with tls.NginxTLS(work / "nginx", base, pki.server_certificate, pki.server_key) as nginx:
            started = subprocess.run([args.builds[0], "runs", "start", "--agent", tls.slow_agent(args.builds[0]),
                                      "--json"], env=tls.environment(base), check=True, capture_output=True, text=True)
            run_id = json.loads(started.stdout)["run"]["id"]
            env = tls.environment(base) if args.http else tls.environment(nginx.url, SSL_CERT_FILE=str(pki.ca))
            if args.http:
                host, port = base.split("://", 1)[1].split(":")
                raw: http.client.HTTPConnection = http.client.HTTPConnection(host, int(port))
            else:
                raw = http.client.HTTPSConnection("localhost", nginx.port,
                                                  context=ssl.create_default_context(cafile=str(pki.ca)))
            headers = {"Authorization": f"Bearer {tls.KEY}", "Accept-Encoding": "gzip"}

            def raw_get() -> None:
                raw.request("GET", f"/v2/runs/{run_id}", headers=headers)
                response = raw.getresponse()
                response.read()
                assert response.status == 200

            raw_p50s: list[float] = []
            results: list[list[tuple[float, float]]] = [[] for _ in args.builds]
            for round_number in range(args.rounds):
                raw_p50s.append(tls.raw_latency(raw_get, args.calls)["p50_us"])
                for index, build in enumerate(args.builds):
                    latency, cpu = tls.bridge_latency(build, env, run_id, args.calls)
                    results[index].append((latency["p50_us"], cpu))
                print(f"round {round_number + 1}: raw {raw_p50s[-1]:.0f} µs; "
                      + "; ".join(f"#{i + 1} {r[-1][0]:.0f} µs, {r[-1][1]} ms CPU" for i, r in enumerate(results)),
                      flush=True)
            raw_median = statistics.median(raw_p50s)
            print(f"raw keep-alive GET: median p50 {raw_median:.0f} µs")
            for index, build in enumerate(args.builds):
                median = statistics.median(p50 for p50, _ in results[index])
                cpu = statistics.median(cpu for _, cpu in results[index])
                print(f"#{index + 1} {build}: median p50 {median:.0f} µs, CPU {cpu} ms per call, "
                      f"{median / raw_median:.2f}x the raw GET")
    finally:
        sim.terminate()
        sim.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
