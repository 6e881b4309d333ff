#!/usr/bin/env python3
"""Prints the tables of every benchmark result in bench/results/ (markdown) and draws bench/results/scale.svg.

Reads whatever is there: sim.json (bench/sim/run), rpc.json (bench/rpc/overhead.py), https.json (bench/https/tls.py),
scale.json and scale-direct.json (bench/scale/follow.py), multiprocess.json (bench/scale/multiprocess.py),
memory.json (bench/scale/soak.py). Missing files are skipped.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "scale"))

from chart import render  # noqa: E402


def load(results: str, name: str):
    path = os.path.join(results, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join("-" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def p50_p95(summary: dict) -> str:
    return f"{summary['p50_s']} / {summary['p95_s']}" if summary["n"] else "-"


def scale_rows(results: list[dict], label: str) -> list[list]:
    rows = []
    for r in results:
        for side in ("bridge", "naive"):
            if side not in r:
                continue
            x = r[side]
            req = x["requests"]
            rows.append([
                r["n"], f"{side}{label}", r["speed"], req["per_minute_mean"], req["per_minute_busiest_60s"],
                req["status_429"], p50_p95(x["status_latency"]), p50_p95(x["message_latency"]),
                x["lost"], x["duplicated"], x["unfinished_runs"],
                x.get("all_follows_ended_s", x.get("all_runs_done_s")),
            ])
    return rows


def https_rows(r: dict) -> list[list]:
    cli = r["cli_runs_get"]
    return [
        ["duvo runs get --json over http / https (p50)",
         f"{cli['http']['p50_us'] / 1000:.1f} / {cli['https']['p50_us'] / 1000:.1f} ms"],
        ["https / http, median of pairs (target 1.3x)", f"{cli['https_vs_http_median_of_pairs']}x"],
        ["the same trusting a system-size hashed folder / bundle file",
         f"{cli['https_system_size_folder_vs_http_median_of_pairs']}x / "
         f"{cli['https_system_size_bundle_vs_http_median_of_pairs']}x"],
        ["runs/get through duvo rpc over https (p50 / p95)",
         f"{r['bridge_https']['p50_us']:.0f} / {r['bridge_https']['p95_us']:.0f} µs"],
        ["raw keep-alive https GET (p50 / p95)",
         f"{r['raw_keepalive_https_get']['p50_us']:.0f} / {r['raw_keepalive_https_get']['p95_us']:.0f} µs"],
        ["bridge https / raw https (p50, target 2x)", f"{r['bridge_https_vs_raw_https_p50']}x"],
        ["bridge http / raw http, same run (p50)",
         f"{r['bridge_http_socket']['p50_us']:.0f} / {r['raw_keepalive_http_get']['p50_us']:.0f} µs = "
         f"{r['bridge_http_vs_raw_http_p50']}x"],
        ["bridge CPU per runs/get, https / http",
         f"{r['bridge_https_cpu_ms_per_call']} / {r['bridge_http_socket_cpu_ms_per_call']} ms"],
        ["http runs/get with sockets / libcurl (p50; CPU per call)",
         f"{r['bridge_http_socket']['p50_us']:.0f} / {r['bridge_http_curl']['p50_us']:.0f} µs; "
         f"{r['bridge_http_socket_cpu_ms_per_call']} / {r['bridge_http_curl_cpu_ms_per_call']} ms"],
    ]


def main() -> None:
    results = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "results")
    out = []
    sim = load(results, "sim.json")
    if sim:
        out.append("### Simulator throughput\n")
        out.append(table(["benchmark", "requests/s", "average latency", "non-2xx"],
                         [[sim["tool"], sim["requests_per_second"], sim["average_latency"],
                           sim["non_2xx_responses"]]]))
    rpc = load(results, "rpc.json")
    if rpc:
        out.append("\n### Overhead of the bridge\n")
        t = rpc["bridge_throughput_per_s"]
        out.append(table(["measure", "value"], [
            ["runs/get through duvo rpc, p50 / p95", f"{rpc['bridge_runs_get']['p50_us']:.0f} / "
                                                     f"{rpc['bridge_runs_get']['p95_us']:.0f} µs"],
            ["raw keep-alive GET of the same URL, p50 / p95", f"{rpc['raw_http_get']['p50_us']:.0f} / "
                                                              f"{rpc['raw_http_get']['p95_us']:.0f} µs"],
            ["one curl process per call, p50 / p95", f"{rpc['curl_per_call']['p50_us']:.0f} / "
                                                     f"{rpc['curl_per_call']['p95_us']:.0f} µs"],
            ["bridge / raw GET (p50)", f"{rpc['bridge_vs_raw_p50']}x"],
            ["curl per call / bridge (p50)", f"{rpc['curl_vs_bridge_p50']}x"],
            ["throughput with 1 / 8 / 64 in flight", f"{t['1']} / {t['8']} / {t['64']} per s"],
            ["start-up to first answer, p50", f"{rpc['startup_first_answer']['p50_us'] / 1000:.1f} ms"],
        ] + ([
            [f"runs/get, budget of {rpc['budget_limit']}/min shared in a file / --coordination off, p50",
             f"{rpc['budget_local_runs_get']['p50_us']:.0f} / {rpc['budget_off_runs_get']['p50_us']:.0f} µs "
             f"({rpc['budget_local_vs_off_p50']}x)"],
        ] if "budget_local_runs_get" in rpc else [])))
    https = load(results, "https.json")
    if https:
        out.append("\n### https through nginx with TLS\n")
        out.append(table(["measure", "value"], https_rows(https)))
    scale = load(results, "scale.json")
    direct = load(results, "scale-direct.json")
    header = ["N", "who", "speed", "req/min (mean)", "req in busiest 60 s", "429s", "status p50 / p95 s",
              "message p50 / p95 s", "lost", "dup", "unfinished", "all done after s"]
    rows = []
    if scale:
        rows += scale_rows(scale["results"], "")
    if direct:
        rows += scale_rows(direct["results"], ", runs started elsewhere")
    if rows:
        out.append("\n### Follow at scale (bridge and naive polling, each under a 300/min key)\n")
        out.append(table(header, rows))
        bridge_memory = [[r["n"], round(r["bridge"]["rss_idle_kib"] / 1024, 1),
                          round(r["bridge"]["rss_peak_kib"] / 1024, 1)]
                         for r in (scale or {"results": []})["results"] + (direct or {"results": []})["results"]]
        out.append("\n### Memory of duvo rpc while following\n")
        out.append(table(["N", "idle RSS MiB", "peak RSS MiB (VmHWM)"], bridge_memory))
        with open(os.path.join(results, "scale.svg"), "w") as svg:
            svg.write(render(scale["results"] if scale else [], direct["results"] if direct else []))
    multi = load(results, "multiprocess.json")
    if multi:
        out.append("\n### Many processes on one key\n")
        out.append(table(["K", "coordination", "requests", "busiest 60 s", "429s", "follows completed",
                          "status p50 / p95 s", "message p50 / p95 s"], [
            [r["k"], r["mode"] + (f" ({r['machines']} machines)" if r["mode"] == "redis" else ""),
             r["requests"]["requests"], r["requests"]["per_minute_busiest_60s"], r["requests"]["status_429"],
             f"{r['follows_completed']}/{r['follows_started']}", p50_p95(r["status_latency"]),
             p50_p95(r["message_latency"])] for r in multi["results"]]))
    memory = load(results, "memory.json")
    if memory:
        out.append("\n### Soak\n")
        out.append(table(["measure", "value"], [
            ["idle RSS", f"{memory['rss_idle_kib'] / 1024:.1f} MiB"],
            ["soak", f"{memory['seconds']:.0f} s at simulator speed {memory['speed']:g}, "
                     f"{memory['follows_in_flight']} follows in flight"],
            ["runs followed to the end", f"{memory['runs_followed_to_the_end']} "
                                         f"({memory['runs_per_minute']}/min)"],
            ["RSS median, first / second half", f"{memory['rss_first_half_median_kib'] / 1024:.1f} / "
                                                f"{memory['rss_second_half_median_kib'] / 1024:.1f} MiB"],
            ["RSS peak (VmHWM)", f"{memory['rss_peak_kib'] / 1024:.1f} MiB"],
            ["RSS slope over the second half", f"{memory['rss_slope_second_half_kib_per_min']} KiB/min"],
        ]))
    print("\n".join(out))


if __name__ == "__main__":
    main()
