#!/usr/bin/env python3
"""Follow at scale: N concurrent runs followed through `duvo rpc` under a 300/min key, against naive per-run polling
measured in the same run. Python standard library only; never run by the tests (wall-clock numbers are for people).

One run per N: a fresh `duvo sim` (`--rate-limit 300`, `--speed S`), a counting reverse proxy in front of it for the
bridge, `duvo rpc --rate-limit 300` with its own key, and the naive poller with another key of the same limit. The
driver starts N runs of a mix of built-in agents (`runs/start {follow: true}` through the bridge, or, with
`--start-via direct`, straight at the simulator with separate keys followed by `runs/follow`, i.e. runs started by
someone else), answers every approval and question through `runs/respond` when a `runs/status` says `waiting`, and
stops when every follow ended and the naive poller finished every run (or at the time cap).

Measured, for the bridge and the naive poller alike:
- requests Duvo received (counted on the wire by the proxy; the naive poller counts its own), per minute, and 429s;
- status-change latency: arrival of the report minus the moment the run entered that status, taken from the run's
  own fields (`completed_at` for terminal statuses, `pending_human_request.created_at` for waiting, `started_at` or
  the answer's `responded_at` for running, `updated_at` for starting; the initial `pending` is not a change). These are
  whole simulated seconds, so a figure overstates the latency by less than 1 s / speed;
- message-delivery latency: arrival minus the message's `timestamp` (same resolution);
- lost, duplicated and mismatched messages against a final read of every run's whole message log (read directly from
  the simulator with separate auditor keys, so the check costs the bridge nothing).
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Bridge, CountingProxy, DirectClient, RSSSampler, Simulator, TEAM, agents, fresh_key,  # noqa: E402
                     latency_summary, request_summary, rss_kib)
from naive import TERMINAL, NaivePoller  # noqa: E402

# The mix: mostly long-running `slow` runs and short ones that retry, echo or ask a person.
MIX = [("slow", 30), ("flaky", 20), ("echo", 20), ("approval", 15), ("questions", 5), ("interrupted", 4),
       ("failing", 4), ("chatty", 2)]


class Observed:
    """What one observer (bridge or naive) reported about one run."""

    def __init__(self):
        self.statuses: list[tuple[float, str, dict, dict | None]] = []
        self.messages: list[tuple[float, int, dict]] = []
        self.ended: str | None = None


def plan(n: int, seed: int) -> list[str]:
    """N agent names drawn from MIX with a seeded generator (the same plan on every run)."""
    rng = random.Random(seed)
    names = [name for name, _ in MIX]
    weights = [weight for _, weight in MIX]
    return rng.choices(names, weights=weights, k=n)


def take_notification(observed: dict[str, Observed], arrival: float, frame: dict) -> tuple[str | None, str | None,
                                                                                        dict | None]:
    """Records one `runs/*` notification in `observed`: (run_id, "waiting", pending request to answer),
    (run_id, "ended", followEnded params), (run_id, None, None), or (None, None, None) for anything else."""
    method, params = frame.get("method"), frame.get("params") or {}
    run_id = params.get("run_id")
    if run_id is None:
        return None, None, None
    seen = observed.setdefault(run_id, Observed())
    if method == "runs/message":
        seen.messages.append((arrival, params["index"], params["message"]))
    elif method == "runs/status":
        pending = params.get("pending_human_request")
        seen.statuses.append((arrival, params["status"], params.get("run") or {}, pending))
        if params["status"] == "waiting" and pending:
            return run_id, "waiting", pending
    elif method == "runs/followEnded":
        seen.ended = params.get("reason")
        return run_id, "ended", params
    return run_id, None, None


def answer_for(pending: dict) -> dict:
    """The respond params that answer `pending`: approve, or pick each question's first option."""
    if pending.get("type") == "approval":
        return {"approved": True}
    answers = {}
    for question in pending.get("questions") or []:
        label = ((question.get("options") or [{}])[0]).get("label", "yes")
        answers[question["question"]] = [label] if question.get("multi_select") else label
    return {"answers": answers}


class Followers:
    """The bookkeeping of bridges that follow runs, shared by the multi-process benches: calls in flight by bridge and
    id, each run's notifications (`observed`), the times requests for a person were answered (`responses`), follows
    ended and errors by kind. A request for a person is answered through the bridge that reported it."""

    def __init__(self, sim: Simulator, bridges: list, kinds: list[str]):
        self.sim, self.bridges = sim, bridges
        self.observed: dict[str, Observed] = {}
        self.pending: dict[tuple[int, int], tuple[str, str | None]] = {}
        self.responses: dict[str, list[float]] = {}
        self.errors = {kind: 0 for kind in kinds} | {"respond": 0, "followEnded_error": 0}
        self.ended = 0

    def send(self, index: int, method: str, params: dict, kind: str, run_id: str | None = None) -> None:
        self.pending[(index, self.bridges[index].send(method, params))] = (kind, run_id)

    def take(self, index: int, arrival: float, frame: dict) -> tuple[str, str | None, dict] | None:
        """Takes one frame of bridge `index`. The answer to a call sent with a kind other than `respond` is returned
        as (kind, run_id, frame) for the caller, its error counted; everything else is handled here."""
        if "id" in frame and (index, frame["id"]) in self.pending:
            kind, run_id = self.pending.pop((index, frame["id"]))
            if "error" in frame:
                self.errors[kind] += 1
            elif kind == "respond":
                real = self.sim.to_real((frame["result"].get("human_request") or {}).get("responded_at"))
                if real is not None:
                    self.responses.setdefault(run_id, []).append(real)
                return None
            return kind, run_id, frame
        run_id, event, detail = take_notification(self.observed, arrival, frame)
        if event == "waiting":
            self.send(index, "runs/respond", {"run_id": run_id, "request_id": detail["id"], **answer_for(detail)},
                      "respond", run_id)
        elif event == "ended":
            if detail["reason"] == "error":
                self.errors["followEnded_error"] += 1
            self.ended += 1
        return None


def change_time(sim: Simulator, status: str, run: dict, pending: dict | None, responses: list[float],
                arrival: float) -> float | None:
    """The real time at which the run entered `status`, from its own fields (None when they cannot tell)."""
    if status in TERMINAL:
        return sim.to_real(run.get("completed_at"))
    if status == "waiting":
        return sim.to_real((pending or {}).get("created_at"))
    if status == "starting":
        return sim.to_real(run.get("updated_at"))
    if status == "running":
        candidates = [sim.to_real(run.get("started_at"))] + [t for t in responses if t <= arrival + 1]
        candidates = [c for c in candidates if c is not None]
        return max(candidates) if candidates else None
    return None


def status_changes(sim: Simulator, observed: dict[str, Observed],
                   responses: dict[str, list[float]]) -> list[tuple[str, str, float, float]]:
    """Every reported status change (the initial `pending` aside) as (run_id, status, latency in seconds, arrival)."""
    changes = []
    for run_id, seen in observed.items():
        for arrival, status, run, pending in seen.statuses:
            if status == "pending":
                continue
            at = change_time(sim, status, run, pending, responses.get(run_id, []), arrival)
            if at is not None:
                changes.append((run_id, status, max(0.0, arrival - at), arrival))
    return changes


def score(sim: Simulator, observed: dict[str, Observed], finals: dict[str, list[dict]],
          responses: dict[str, list[float]], finished) -> dict:
    """Latencies and lost/duplicated/mismatched counts of one observer against the final message logs."""
    changes = status_changes(sim, observed, responses)
    status_latencies = [latency for _, _, latency, _ in changes]
    terminal_latencies = [latency for _, status, latency, _ in changes if status in TERMINAL]
    message_latencies = []
    lost = duplicated = mismatched = unfinished = 0
    for run_id, seen in observed.items():
        final = finals.get(run_id, [])
        delivered: dict[int, int] = {}
        for arrival, index, message in seen.messages:
            delivered[index] = delivered.get(index, 0) + 1
            real = sim.to_real(message.get("timestamp"))
            if real is not None:
                message_latencies.append(max(0.0, arrival - real))
            if index >= len(final) or final[index].get("id") != message.get("id"):
                mismatched += 1
        duplicated += sum(count - 1 for count in delivered.values() if count > 1)
        if finished(run_id):
            lost += sum(1 for index in range(len(final)) if index not in delivered)
        else:
            unfinished += 1
    return {"status_latency": latency_summary(status_latencies),
            "terminal_status_latency": latency_summary(terminal_latencies),
            "message_latency": latency_summary(message_latencies),
            "messages_delivered": sum(len(o.messages) for o in observed.values()),
            "lost": lost, "duplicated": duplicated, "mismatched": mismatched, "unfinished_runs": unfinished}


def audit(sim: Simulator, keys: list[str], run_ids: list[str]) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Every run's whole message log and final status, read straight from the simulator."""
    messages: dict[str, list[dict]] = {}
    statuses: dict[str, str] = {}
    local = threading.local()

    def read(item):
        position, run_id = item
        if not hasattr(local, "client"):
            local.client = DirectClient(sim.host, sim.port, keys[position % len(keys)])
        log, offset = [], 0
        while True:
            status, page, headers = local.client.request("GET", f"/v2/runs/{run_id}/messages?limit=100&offset={offset}")
            if status == 429:
                time.sleep(float(headers.get("Retry-After", "1")))
                continue
            batch = page.get("messages") or []
            log += batch
            offset += len(batch)
            if not batch or offset >= page.get("total", offset):
                break
        while True:
            status, body, headers = local.client.request("GET", f"/v2/runs/{run_id}")
            if status != 429:
                break
            time.sleep(float(headers.get("Retry-After", "1")))
        messages[run_id] = log
        statuses[run_id] = (body or {}).get("run", {}).get("status")

    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        list(pool.map(read, enumerate(run_ids)))
    return messages, statuses


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def run_one(duvo: str, n: int, speed: float, start_via: str, naive_enabled: bool, cap: float, seed: int,
            workdir: str, start_rate: float = 300) -> dict:
    bridge_key, naive_key = fresh_key("bridge"), fresh_key("naive")
    auditor_keys = [fresh_key("audit") for _ in range(8)]
    starter_keys = [fresh_key("start") for _ in range(max(1, n // 250 + 1))]
    catalog = agents(duvo)
    sim = Simulator(duvo, [bridge_key, naive_key, *auditor_keys, *starter_keys], speed=speed, rate_limit=300,
                    log_path=os.path.join(workdir, f"sim-{n}.log"))
    proxy = CountingProxy(sim.host, sim.port)
    bridge = Bridge(duvo, proxy.url, bridge_key, rate_limit=300, stderr_path=os.path.join(workdir, f"rpc-{n}.log"))
    sampler = RSSSampler(bridge.pid, interval=1.0)
    naive = NaivePoller(sim.host, sim.port, naive_key) if naive_enabled else None
    load_before = load_average()
    names = plan(n, seed)
    observed: dict[str, Observed] = {}
    responses: dict[str, list[float]] = {}
    pending_ids: dict[int, tuple[str, object]] = {}
    errors = {"start": 0, "follow": 0, "respond": 0, "followEnded_error": 0}
    error_samples: list[dict] = []
    started_runs: list[str] = []
    begin = time.time()
    try:
        time.sleep(1.0)
        idle = rss_kib(bridge.pid)
        if start_via == "bridge":
            for index, name in enumerate(names):
                rid = bridge.send("runs/start", {"agent_id": catalog[name], "message": f"bench run {index}",
                                                 "follow": True})
                pending_ids[rid] = ("start", index)
        else:
            created: "queue.Queue[str | None]" = queue.Queue()

            def start_direct():
                """Creates the runs as another system would (its own keys), `start_rate` a minute, in order."""
                clients = [DirectClient(sim.host, sim.port, key) for key in starter_keys]
                for index, name in enumerate(names):
                    due = begin + 1.0 + index * 60.0 / start_rate
                    time.sleep(max(0.0, due - time.time()))
                    status, body, _ = clients[index % len(clients)].request(
                        "POST", f"/v2/teams/{TEAM}/runs", {"agent_id": catalog[name], "message": f"bench run {index}"})
                    created.put(body["run"]["id"] if status == 201 else None)

            threading.Thread(target=start_direct, daemon=True).start()
        expected = n
        ended = 0
        deadline = begin + cap
        bridge_done_at = None
        next_progress = time.time() + 30
        while time.time() < deadline:
            if start_via == "direct":
                while not created.empty():
                    run_id = created.get()
                    if run_id is None:
                        errors["start"] += 1
                        expected -= 1
                        continue
                    started_runs.append(run_id)
                    observed.setdefault(run_id, Observed())
                    if naive:
                        naive.add(run_id)
                    rid = bridge.send("runs/follow", {"run_id": run_id})
                    pending_ids[rid] = ("follow", run_id)
            if time.time() >= next_progress:
                next_progress += 30
                print(f"  [{time.time() - begin:5.0f} s] N={n}: {len(started_runs)} started, {ended} follows ended, "
                      f"bridge {len(proxy.records)} requests"
                      + (f", naive {len(naive.requests)} requests, {sum(r.done for r in naive.runs.values())} done"
                         if naive else ""), file=sys.stderr, flush=True)
            if bridge_done_at is None and ended >= expected and not pending_ids:
                bridge_done_at = time.time()
            if bridge_done_at is not None and (naive is None or naive.all_done()):
                break
            try:
                arrival, frame = bridge.frames.get(timeout=0.5)
            except Exception:
                continue
            if frame.get("_eof"):
                break
            if "id" in frame and frame.get("id") in pending_ids:
                kind, item = pending_ids.pop(frame["id"])
                if "error" in frame:
                    errors[kind] += 1
                    if len(error_samples) < 10:
                        error_samples.append({"kind": kind, "error": frame["error"]})
                    if kind == "start":
                        expected -= 1
                    continue
                result = frame["result"]
                if kind == "start":
                    run_id = result["run"]["id"]
                    started_runs.append(run_id)
                    observed.setdefault(run_id, Observed())
                    if naive:
                        naive.add(run_id)
                elif kind == "respond":
                    answered = (result.get("human_request") or {}).get("responded_at")
                    real = sim.to_real(answered)
                    if real is not None:
                        responses.setdefault(item, []).append(real)
                continue
            run_id, event, detail = take_notification(observed, arrival, frame)
            if event == "waiting":
                rid = bridge.send("runs/respond", {"run_id": run_id, "request_id": detail["id"],
                                                   **answer_for(detail)})
                pending_ids[rid] = ("respond", run_id)
            elif event == "ended":
                if detail["reason"] == "error":
                    errors["followEnded_error"] += 1
                    if len(error_samples) < 10:
                        error_samples.append({"kind": "followEnded", "error": detail.get("error")})
                ended += 1
        end = time.time()
        bridge_end = bridge_done_at or end
        sampler.stop()
        peak = rss_kib(bridge.pid).get("VmHWM", sampler.peak)
        if naive:
            naive.stop()
        records = proxy.snapshot()
        finals, final_status = audit(sim, auditor_keys, started_runs)
        result = {
            "n": n, "speed": speed, "start_via": start_via, "seed": seed,
            "start_rate_per_min": start_rate if start_via == "direct" else None,
            "mix": {name: names.count(name) for name, _ in MIX},
            "time_cap_s": cap, "elapsed_s": round(end - begin, 1),
            "load_average_before": load_before, "load_average_after": load_average(),
            "runs_started": len(started_runs),
            "final_statuses": {s: list(final_status.values()).count(s) for s in sorted(set(final_status.values()))},
            "bridge": {
                "requests": request_summary(records, begin, bridge_end),
                "all_follows_ended_s": round(bridge_end - begin, 1) if bridge_done_at else None,
                **score(sim, observed, finals, responses, lambda r: observed[r].ended == "terminal"),
                "errors": errors, "error_samples": error_samples,
                "rss_idle_kib": idle.get("VmRSS"), "rss_peak_kib": peak,
            },
        }
        if naive:
            naive_runs = naive.runs
            naive_observed = {}
            for run_id, run in naive_runs.items():
                seen = Observed()
                seen.statuses, seen.messages = run.statuses, run.messages
                naive_observed[run_id] = seen
            naive_end = max([t for t, _, _ in naive.requests] or [end])
            summary = request_summary(naive.requests, begin, naive_end)
            result["naive"] = {
                "requests": summary,
                "all_runs_done_s": round(naive_end - begin, 1) if naive.all_done() else None,
                **score(sim, naive_observed, finals, responses, lambda r: naive_runs[r].done),
            }
        return result
    finally:
        if not sampler._stop.is_set():
            sampler.stop()
        if naive and not naive.stopped:
            naive.stop()
        exit_status = bridge.close()
        proxy.stop()
        sim.stop()
        if "result" in locals():
            result["bridge"]["exit_status"] = exit_status
            result["bridge"]["key_in_output"] = key_in_output(bridge, bridge_key,
                                                              os.path.join(workdir, f"rpc-{n}.log"))


def key_in_output(bridge: Bridge, key: str, stderr_path: str) -> bool:
    """Whether the bridge's key appears on its stdout or stderr (it never should)."""
    with open(stderr_path, "rb") as log:
        return key.encode() in bytes(bridge.raw_stdout) or key.encode() in log.read()


def row(result: dict) -> str:
    b, v = result["bridge"], result.get("naive")

    def side(x):
        if x is None:
            return "-"
        r = x["requests"]
        return (f"{r['per_minute_mean']:>7}/min (max {r['per_minute_busiest_60s']:>5}) 429s {r['status_429']:>6} | "
                f"status p50/p95 {x['status_latency']['p50_s']}/{x['status_latency']['p95_s']} s | "
                f"msg p50/p95 {x['message_latency']['p50_s']}/{x['message_latency']['p95_s']} s | "
                f"lost {x['lost']} dup {x['duplicated']} unfinished {x['unfinished_runs']}")
    return f"N={result['n']:<5} speed {result['speed']}\n  bridge: {side(b)}\n  naive:  {side(v)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duvo", required=True, help="a release build of duvo")
    parser.add_argument("--n", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--speed", type=float, default=1.0, help="simulator speed (1 is realistic)")
    parser.add_argument("--start-via", choices=["bridge", "direct"], default="bridge",
                        help="bridge: runs/start {follow: true}; direct: another system starts the runs "
                             "(--start-rate a minute, its own keys) and the bridge is asked to runs/follow each")
    parser.add_argument("--start-rate", type=float, default=300, help="direct starts per minute")
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument("--cap", type=float, default=1200, help="time cap per N, seconds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--workdir", default="/tmp/duvo-bench-scale")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    results = []
    for n in args.n:
        result = run_one(args.duvo, n, args.speed, args.start_via, not args.no_naive, args.cap, args.seed,
                         args.workdir, args.start_rate)
        results.append(result)
        print(row(result), flush=True)
        if args.out:
            with open(args.out, "w") as out:
                json.dump({"benchmark": "follow at scale", "results": results}, out, indent=2)


if __name__ == "__main__":
    main()
