#!/usr/bin/env python3
"""What the bridge adds: start-up to first answer, and the latency and throughput of `runs/get` through `duvo rpc`,
each against a baseline measured in the same run (a raw keep-alive HTTP GET of the same URL; one curl per call, as the
docs' scripts do; spawning a trivial process); and what the shared rate budget costs: `runs/get` with the default limit
through the runtime directory's budget file (`--coordination local`, the default) against `--coordination off`. Prints a table and writes JSON. Never run by the tests: wall-clock
numbers are for people, and this machine is noisy, so every figure is a median over many samples plus a ratio."""
import argparse, http.client, io, json, os, statistics, subprocess, sys, tempfile, time, urllib.parse

KEY, TEAM = "dv_sim_local_key", "local-team"


def start_sim(duvo):
    sim = subprocess.Popen([duvo, "sim", "--port", "0", "--rate-limit", "0", "--log-level", "error"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return sim, sim.stdout.readline().strip()


def create_run(base):
    agents = json.loads(subprocess.check_output([ARGS.duvo, "sim", "agents", "--json"]))
    slow = next(a["id"] for a in agents if a["name"] == "slow")
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.request("POST", f"/v2/teams/{TEAM}/runs", json.dumps({"agent_id": slow}),
                 {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    return json.loads(conn.getresponse().read())["run"]["id"]


class Bridge:
    def __init__(self, duvo, base, **extra):
        env = dict(os.environ, DUVO_BASE_URL=base, DUVO_API_KEY=KEY, DUVO_TEAM_ID=TEAM)
        env.update({"DUVO_RATE_LIMIT": "0", **extra})
        self.proc = subprocess.Popen([duvo, "rpc", "--log-level", "error"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=0)
        # Answers through a buffer, as a real client reads them: an unbuffered readline costs a read(2) per byte.
        self.answers = io.BufferedReader(self.proc.stdout)
        self.next_id = 0

    def send(self, method, params):
        self.next_id += 1
        line = json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}) + "\n"
        self.proc.stdin.write(line.encode())
        return self.next_id

    def read(self):
        return json.loads(self.answers.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def timed(fn, n):
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1e6)
    return samples


def summary(samples):
    samples = sorted(samples)
    return {"p50_us": round(statistics.median(samples), 1), "p95_us": round(samples[int(len(samples) * 0.95) - 1], 1),
            "n": len(samples)}


def budget_series(duvo, base, run_id):
    """`runs/get` under a rate budget, shared through a fresh runtime directory's file against one per process; both
    bridges interleaved in rounds. Every call stays within the limit, so none waits: this is the bookkeeping alone."""
    warm, calls, limit = 20, ARGS.budget_calls, ARGS.budget_limit
    if warm + calls > limit:
        sys.exit(f"--budget-calls {calls} plus {warm} warm-up calls must fit the limit {limit}: none may wait")
    series = {}
    with tempfile.TemporaryDirectory() as runtime:
        bridges = {mode: Bridge(duvo, base, DUVO_RATE_LIMIT=str(limit), DUVO_RUNTIME_DIR=runtime,
                                DUVO_COORDINATION=mode) for mode in ("local", "off")}

        def getter(bridge):
            def get():
                bridge.send("runs/get", {"run_id": run_id})
                assert "result" in bridge.read()
            return get

        for _ in range(warm):
            for bridge in bridges.values():
                getter(bridge)()
        samples = {mode: [] for mode in bridges}
        for _ in range(5):
            for mode, bridge in bridges.items():
                samples[mode] += timed(getter(bridge), calls // 5)
        for mode, bridge in bridges.items():
            series[mode] = summary(samples[mode])
            bridge.close()
    return {"budget_local_runs_get": series["local"], "budget_off_runs_get": series["off"],
            "budget_limit": limit,
            "budget_local_vs_off_p50": round(series["local"]["p50_us"] / series["off"]["p50_us"], 2)}


def main():
    duvo = ARGS.duvo
    sim, base = start_sim(duvo)
    try:
        run_id = create_run(base)
        url = urllib.parse.urlparse(base)
        path = f"/v2/runs/{run_id}"
        conn = http.client.HTTPConnection(url.hostname, url.port)
        headers = {"Authorization": f"Bearer {KEY}"}

        def raw_get():
            conn.request("GET", path, headers=headers)
            conn.getresponse().read()

        bridge = Bridge(duvo, base)

        def bridge_get():
            bridge.send("runs/get", {"run_id": run_id})
            bridge.read()

        def curl_get():
            subprocess.run(["curl", "-s", "-o", "/dev/null", "-H", f"Authorization: Bearer {KEY}", base + path],
                           check=True)

        for _ in range(200):  # warm both paths: connections open, caches hot
            raw_get(); bridge_get()
        results = {}
        n = ARGS.calls
        # Interleave rounds so machine noise hits both sides alike.
        raw, via = [], []
        for _ in range(5):
            raw += timed(raw_get, n // 5)
            via += timed(bridge_get, n // 5)
        results["raw_http_get"] = summary(raw)
        results["bridge_runs_get"] = summary(via)
        results["curl_per_call"] = summary(timed(curl_get, ARGS.curl_calls))
        results["bridge_vs_raw_p50"] = round(results["bridge_runs_get"]["p50_us"] / results["raw_http_get"]["p50_us"], 2)
        results["curl_vs_bridge_p50"] = round(results["curl_per_call"]["p50_us"] / results["bridge_runs_get"]["p50_us"], 1)

        throughput = {}
        for depth in (1, 8, 64):
            total = ARGS.throughput_calls
            sent = received = 0
            t = time.perf_counter()
            while sent < min(depth, total):
                bridge.send("runs/get", {"run_id": run_id}); sent += 1
            while received < total:
                bridge.read(); received += 1
                if sent < total:
                    bridge.send("runs/get", {"run_id": run_id}); sent += 1
            throughput[str(depth)] = round(total / (time.perf_counter() - t))
        results["bridge_throughput_per_s"] = throughput
        bridge.close()
        results.update(budget_series(duvo, base, run_id))

        def first_answer():
            p = subprocess.Popen([duvo, "rpc", "--log-level", "error"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, env=dict(os.environ, DUVO_API_KEY=""), bufsize=0)
            p.stdin.write(b'{"jsonrpc":"2.0","id":1,"method":"runs/unfollow","params":{"subscription":"x"}}\n')
            p.stdout.readline()
            p.stdin.close(); p.wait()

        def trivial_process():
            subprocess.run(["cat"], input=b"{}\n", stdout=subprocess.DEVNULL, check=True)

        startup = timed(first_answer, ARGS.startups)
        baseline = timed(trivial_process, ARGS.startups)
        results["startup_first_answer"] = summary(startup)
        results["startup_trivial_process"] = summary(baseline)
        results["startup_vs_trivial_p50"] = round(statistics.median(startup) / statistics.median(baseline), 1)
    finally:
        sim.terminate(); sim.wait()
    return results


def table(r):
    rows = [
        ("runs/get through duvo rpc (p50 / p95)", f"{r['bridge_runs_get']['p50_us']:.0f} / {r['bridge_runs_get']['p95_us']:.0f} µs"),
        ("raw keep-alive GET, same URL (p50 / p95)", f"{r['raw_http_get']['p50_us']:.0f} / {r['raw_http_get']['p95_us']:.0f} µs"),
        ("one curl process per call (p50 / p95)", f"{r['curl_per_call']['p50_us']:.0f} / {r['curl_per_call']['p95_us']:.0f} µs"),
        ("bridge / raw GET (p50)", f"{r['bridge_vs_raw_p50']}x"),
        ("curl per call / bridge (p50)", f"{r['curl_vs_bridge_p50']}x"),
        ("throughput, 1 / 8 / 64 in flight", " / ".join(f"{r['bridge_throughput_per_s'][k]}/s" for k in ("1", "8", "64"))),
        (f"runs/get, budget of {r['budget_limit']}/min shared in a file (p50 / p95)",
         f"{r['budget_local_runs_get']['p50_us']:.0f} / {r['budget_local_runs_get']['p95_us']:.0f} µs"),
        (f"runs/get, budget of {r['budget_limit']}/min, --coordination off (p50 / p95)",
         f"{r['budget_off_runs_get']['p50_us']:.0f} / {r['budget_off_runs_get']['p95_us']:.0f} µs"),
        ("shared budget / own budget (p50)", f"{r['budget_local_vs_off_p50']}x"),
        ("start-up to first answer (p50)", f"{r['startup_first_answer']['p50_us'] / 1000:.1f} ms"),
        ("spawning `cat` as baseline (p50)", f"{r['startup_trivial_process']['p50_us'] / 1000:.1f} ms"),
    ]
    width = max(len(a) for a, _ in rows)
    return "\n".join(f"| {a.ljust(width)} | {b} |" for a, b in rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duvo", required=True)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--curl-calls", type=int, default=100)
    parser.add_argument("--throughput-calls", type=int, default=5000)
    parser.add_argument("--startups", type=int, default=30)
    parser.add_argument("--budget-limit", type=int, default=300,
                        help="the rate limit of the budget series (requests per minute; Duvo's is 300)")
    parser.add_argument("--budget-calls", type=int, default=250,
                        help="timed calls per bridge in the budget series; with 20 warm-up calls, within the limit")
    parser.add_argument("--only-budget", action="store_true",
                        help="run only the budget series (shared file against --coordination off)")
    parser.add_argument("--out", default=None)
    ARGS = parser.parse_args()
    if ARGS.only_budget:
        sim, base = start_sim(ARGS.duvo)
        try:
            res = budget_series(ARGS.duvo, base, create_run(base))
        finally:
            sim.terminate(); sim.wait()
        print(json.dumps(res, indent=2))
        sys.exit(0)
    res = main()
    print(table(res))
    if ARGS.out:
        with open(ARGS.out, "w") as f:
            json.dump(res, f, indent=2)
