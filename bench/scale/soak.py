#!/usr/bin/env python3
"""Memory of `duvo rpc`: RSS idle, and over a soak of many short runs started and followed continuously.

A fresh `duvo sim --speed S --rate-limit 0` and `duvo rpc --rate-limit 0` (the budget is off so the soak pushes as
many runs through as the machine allows). The driver keeps K follows in flight (`runs/start {follow: true}` of short
agents, answering every approval and question), starting a new run whenever a follow ends, for D seconds, while
sampling the bridge's RSS from /proc/PID/status. A leak shows as a positive slope of RSS over the second half of the
soak (after warm-up); the report gives that slope in KiB per minute, with runs and notifications handled.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from follow import answer_for  # noqa: E402
from harness import Bridge, RSSSampler, Simulator, agents, fresh_key, rss_kib, slope_per_minute  # noqa: E402

SHORT = ["echo", "flaky", "approval", "questions", "interrupted", "failing"]


def soak(duvo: str, seconds: float, in_flight: int, speed: float, workdir: str) -> dict:
    key = fresh_key("soak")
    catalog = agents(duvo)
    sim = Simulator(duvo, [key], speed=speed, rate_limit=0, log_path=os.path.join(workdir, "soak-sim.log"))
    bridge = Bridge(duvo, sim.url, key, rate_limit=0, stderr_path=os.path.join(workdir, "soak-rpc.log"))
    try:
        time.sleep(2)
        idle = rss_kib(bridge.pid)
        sampler = RSSSampler(bridge.pid, interval=2.0)
        names = itertools.cycle(SHORT)
        starts: dict[int, str] = {}
        open_follows = completed = notifications = errors = 0
        begin = time.time()

        def start_one():
            nonlocal open_follows
            rid = bridge.send("runs/start", {"agent_id": catalog[next(names)], "message": "soak", "follow": True})
            starts[rid] = "start"
            open_follows += 1

        for _ in range(in_flight):
            start_one()
        while time.time() - begin < seconds:
            try:
                _, frame = bridge.frames.get(timeout=1)
            except Exception:
                continue
            if "id" in frame:
                if starts.pop(frame["id"], None) == "start" and "error" in frame:
                    errors += 1
                    open_follows -= 1
                    start_one()
                elif "error" in frame:
                    errors += 1
                continue
            notifications += 1
            params = frame.get("params") or {}
            if frame.get("method") == "runs/status" and params.get("status") == "waiting":
                pending = params.get("pending_human_request")
                if pending:
                    rid = bridge.send("runs/respond", {"run_id": params["run_id"], "request_id": pending["id"],
                                                       **answer_for(pending)})
                    starts[rid] = "respond"
            elif frame.get("method") == "runs/followEnded":
                completed += 1
                open_follows -= 1
                start_one()
        sampler.stop()
        samples = sampler.samples
        second_half = [(t, kib) for t, kib in samples if t >= samples[-1][0] / 2] if samples else []
        elapsed = time.time() - begin
        return {
            "benchmark": "duvo rpc memory: idle and soak",
            "speed": speed, "seconds": round(elapsed, 1), "follows_in_flight": in_flight,
            "runs_followed_to_the_end": completed, "notifications": notifications, "errors": errors,
            "runs_per_minute": round(completed / elapsed * 60, 1),
            "rss_idle_kib": idle.get("VmRSS"), "rss_idle_peak_kib": idle.get("VmHWM"),
            "rss_peak_kib": sampler.peak,
            "rss_first_half_median_kib": median([k for t, k in samples if t < samples[-1][0] / 2]),
            "rss_second_half_median_kib": median([k for _, k in second_half]),
            "rss_end_kib": samples[-1][1] if samples else None,
            "rss_slope_second_half_kib_per_min": slope_per_minute(second_half),
            "rss_samples": samples,
            "load_average_after": round(os.getloadavg()[0], 2),
        }
    finally:
        bridge.close()
        sim.stop()


def median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duvo", required=True)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--in-flight", type=int, default=40)
    parser.add_argument("--speed", type=float, default=20)
    parser.add_argument("--out")
    parser.add_argument("--workdir", default="/tmp/duvo-bench-scale")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    result = soak(args.duvo, args.seconds, args.in_flight, args.speed, args.workdir)
    print(f"idle RSS {result['rss_idle_kib'] / 1024:.1f} MiB; soak {result['seconds']:.0f} s at speed {args.speed}: "
          f"{result['runs_followed_to_the_end']} runs followed to the end ({result['runs_per_minute']}/min), "
          f"peak RSS {result['rss_peak_kib'] / 1024:.1f} MiB, median first/second half "
          f"{result['rss_first_half_median_kib'] / 1024:.1f}/{result['rss_second_half_median_kib'] / 1024:.1f} MiB, "
          f"slope over the second half {result['rss_slope_second_half_kib_per_min']} KiB/min")
    if args.out:
        with open(args.out, "w") as out:
            json.dump(result, out, indent=2)


if __name__ == "__main__":
    main()
