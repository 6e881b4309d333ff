#!/usr/bin/env python3
"""Many processes on one key: K `duvo rpc` processes sharing one 300/min key follow, together, N runs started
elsewhere (issue 11). Python standard library only; never run by the tests (wall-clock numbers are for people).

Per configuration: a fresh `duvo sim --rate-limit 300 --no-rate-limit-headers` (so nothing can lean on
`x-ratelimit-*`), one counting reverse proxy in front of it that every bridge talks to (requests counted on the wire),
and K bridges on the same key. Another system starts the N runs (its own keys, 300 a minute) and each run is followed
(`runs/follow`) by one bridge, round robin; waiting runs are answered through the bridge that follows them.

Configurations, all in one invocation so they are compared on the same machine and build:
- `coordinated`: K processes meeting in one runtime directory (the default, `--coordination local`);
- `off`: the same K processes with `--coordination off` (each thinks the whole key is its own);
- `redis`: K processes spread over M "machines" (separate `DUVO_RUNTIME_DIR`s) joined only by a `redis-server` the
  benchmark starts (`--coordination redis://...`).

Reported per configuration: requests, the busiest 60 s, 429s, follows completed (ended `terminal`), follows that
ended with an error, and status and message latency p50/p95 (as bench/scale/follow.py measures them).
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from follow import Followers, Observed, audit, plan, score  # noqa: E402
from harness import (Bridge, CountingProxy, DirectClient, Simulator, TEAM, agents, fresh_key,  # noqa: E402
                     merged_frames, request_summary)


class Redis:
    """A throwaway `redis-server` on a free loopback port (no persistence)."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.dir = tempfile.mkdtemp(prefix="duvo-bench-redis-")
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", self.dir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("redis-server did not start")
                time.sleep(0.05)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def run_one(duvo: str, k: int, n: int, speed: float, mode: str, machines: int, cap: float, seed: int,
            workdir: str) -> dict:
    key = fresh_key("multi")
    starter_keys = [fresh_key("start") for _ in range(max(1, n // 250 + 1))]
    auditor_keys = [fresh_key("audit") for _ in range(4)]
    catalog = agents(duvo)
    label = f"{mode}-k{k}"
    sim = Simulator(duvo, [key, *starter_keys, *auditor_keys], speed=speed, rate_limit=300,
                    extra=["--no-rate-limit-headers"], log_path=os.path.join(workdir, f"sim-{label}.log"))
    proxy = CountingProxy(sim.host, sim.port)
    redis = Redis() if mode == "redis" else None
    runtime_dirs = [tempfile.mkdtemp(prefix=f"duvo-bench-rt{m}-") for m in range(machines if redis else 1)]
    bridges = []
    for index in range(k):
        env = {"DUVO_RUNTIME_DIR": runtime_dirs[index % len(runtime_dirs)],
               "DUVO_COORDINATION": {"coordinated": "local", "off": "off"}.get(mode) or redis.url}
        bridges.append(Bridge(duvo, proxy.url, key, rate_limit=300, env=env,
                              stderr_path=os.path.join(workdir, f"rpc-{label}-{index}.log")))
    frames = merged_frames(bridges)
    names = plan(n, seed)
    created: "queue.Queue[str | None]" = queue.Queue()
    begin = time.time()

    def start_direct():
        clients = [DirectClient(sim.host, sim.port, starter) for starter in starter_keys]
        for index, name in enumerate(names):
            time.sleep(max(0.0, begin + 1.0 + index * 0.2 - time.time()))
            status, body, _ = clients[index % len(clients)].request(
                "POST", f"/v2/teams/{TEAM}/runs", {"agent_id": catalog[name], "message": f"bench run {index}"})
            created.put(body["run"]["id"] if status == 201 else None)

    threading.Thread(target=start_direct, daemon=True).start()
    followers = Followers(sim, bridges, ["start", "follow"])
    observed, errors = followers.observed, followers.errors
    started: list[str] = []
    expected = n
    done_at = None
    try:
        while time.time() < begin + cap:
            while not created.empty():
                run_id = created.get()
                if run_id is None:
                    errors["start"] += 1
                    expected -= 1
                    continue
                owner = len(started) % k
                started.append(run_id)
                observed.setdefault(run_id, Observed())
                followers.send(owner, "runs/follow", {"run_id": run_id}, "follow", run_id)
            if followers.ended >= expected and not followers.pending:
                done_at = time.time()
                break
            try:
                index, arrival, frame = frames.get(timeout=0.5)
            except queue.Empty:
                continue
            if frame.get("_eof"):
                break
            answer = followers.take(index, arrival, frame)
            if answer and answer[0] == "follow" and "error" in answer[2]:
                expected -= 1
        end = done_at or time.time()
        records = proxy.snapshot()
        finals, _ = audit(sim, auditor_keys, started)
        scored = score(sim, observed, finals, followers.responses, lambda r: observed[r].ended == "terminal")
        return {
            "mode": mode, "k": k, "n": n, "speed": speed, "machines": len(runtime_dirs) if redis else 1,
            "elapsed_s": round(end - begin, 1), "all_follows_ended": done_at is not None,
            "requests": request_summary(records, begin, end),
            "follows_completed": sum(1 for o in observed.values() if o.ended == "terminal"),
            "follows_started": len(started), "errors": errors,
            "status_latency": scored["status_latency"], "message_latency": scored["message_latency"],
            "lost": scored["lost"], "duplicated": scored["duplicated"],
        }
    finally:
        for bridge in bridges:
            bridge.close()
        proxy.stop()
        sim.stop()
        if redis:
            redis.stop()
        for path in runtime_dirs:
            shutil.rmtree(path, ignore_errors=True)


def row(r: dict) -> str:
    q = r["requests"]
    where = f"{r['mode']}" + (f" over {r['machines']} machines" if r["mode"] == "redis" else "")
    return (f"K={r['k']:<3} {where:<24} requests {q['requests']:>5}  busiest 60 s {q['per_minute_busiest_60s']:>4}  "
            f"429s {q['status_429']:>4}  completed {r['follows_completed']}/{r['follows_started']}  "
            f"status p50/p95 {r['status_latency']['p50_s']}/{r['status_latency']['p95_s']} s  "
            f"message p50/p95 {r['message_latency']['p50_s']}/{r['message_latency']['p95_s']} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duvo", required=True)
    parser.add_argument("--k", type=int, nargs="+", default=[1, 4, 10, 20])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--speed", type=float, default=5.0)
    parser.add_argument("--modes", nargs="+", default=["coordinated", "off"], choices=["coordinated", "off"])
    parser.add_argument("--redis-k", type=int, default=10, help="processes for the Redis run (0 skips it)")
    parser.add_argument("--machines", type=int, default=5, help="runtime directories the Redis run spreads over")
    parser.add_argument("--cap", type=float, default=300, help="time cap per configuration, seconds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out")
    parser.add_argument("--workdir", default="/tmp/duvo-bench-multiprocess")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    configurations = [(mode, k) for k in args.k for mode in args.modes]
    if args.redis_k and shutil.which("redis-server"):
        configurations.append(("redis", args.redis_k))
    results = []
    for mode, k in configurations:
        result = run_one(args.duvo, k, args.n, args.speed, mode, args.machines, args.cap, args.seed, args.workdir)
        results.append(result)
        print(row(result), flush=True)
        if args.out:
            with open(args.out, "w") as out:
                json.dump({"benchmark": "many processes on one key", "results": results}, out, indent=2)


if __name__ == "__main__":
    main()
