#!/usr/bin/env python3
"""Push against polling (issue 22): K `duvo rpc` processes on one 300/min key *start* and follow N runs (with their
messages), once polling, once with Duvo's webhooks through `duvo webhooks`, once with webhooks over a faulty network;
then the receiver alone: its throughput, and its memory under a flood of forged events. Python standard library only;
never run by the tests (wall-clock numbers are for people).

Per configuration: a fresh `duvo sim --rate-limit 300 --no-rate-limit-headers --speed S`, one counting reverse proxy
in front of it that every bridge talks to (requests counted on the wire; the simulator's webhook POSTs go straight to
the receiver and are not requests to Duvo), K bridges on the key meeting in one runtime directory. The driver starts
the N runs (the seeded mix of bench/scale/follow.py) through the bridges, round robin, `--start-rate` a minute, with
`runs/start {follow: true}`, and answers every approval and question through the bridge that follows the run.
- `polling`: no `--webhooks`;
- `push`: `duvo webhooks --listen 127.0.0.1:0` on the same runtime directory, `--webhooks URL` on every bridge;
- `push+faults`: the same, the simulator with `--webhook-faults drop=0.2,duplicate=0.1,reorder=0.1,seed=S`.

Reported per configuration: requests, the busiest 60 s, 429s, follows completed and correct (every message once, in
order, and the last status reported is the audited final one), status latency p50/p95 over every change and over the
changes Duvo announces (a terminal status or a request for a person: the only ones with events), message latency
p50/p95, as bench/scale/follow.py measures them (from the runs' whole-second timestamps: a figure overstates by less
than 1 s / S); with faults, the announced changes of the runs whose event was dropped.

Then the receiver alone, on its own key and runtime directory with one subscriber socket (this script's, counting
what is published):
- throughput: client processes POST valid events for distinct runs over keep-alive connections for `--throughput-s`;
- flood: forged tokens for `--flood-s` (keep-alive and a new connection per request), RSS sampled every second.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import hmac
import json
import multiprocessing
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from follow import TERMINAL, Followers, Observed, audit, plan, score, status_changes  # noqa: E402
from harness import (Bridge, CountingProxy, RSSSampler, Simulator, agents, fresh_key, latency_summary,  # noqa: E402
                     merged_frames, request_summary, rss_kib, slope_per_minute)

FAULTS = "drop=0.2,duplicate=0.1,reorder=0.1"
# What Duvo announces: the statuses its events name.
ANNOUNCED = {"run_completed": "terminal", "run_failed": "terminal", "run_interrupted": "terminal",
             "human_request": "waiting"}


def token_for(key: str) -> str:
    """The receiver's path token: the hex HMAC-SHA-256 of the scheme's label under the key (as the README says)."""
    return hmac.new(key.encode(), b"duvo-bridge webhook v1", hashlib.sha256).hexdigest()


class Receiver:
    """`duvo webhooks --listen 127.0.0.1:0` on `runtime_dir`; `url` is the address it printed."""

    def __init__(self, duvo: str, key: str, runtime_dir: str, log_path: str, log_level: str = "info"):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("DUVO_")}
        environment.update(DUVO_API_KEY=key, DUVO_RUNTIME_DIR=runtime_dir, DUVO_COORDINATION="local")
        self.log = open(log_path, "wb")
        self.log_path = log_path
        self.proc = subprocess.Popen([duvo, "webhooks", "--listen", "127.0.0.1:0", "--log-level", log_level],
                                     stdout=subprocess.PIPE, stderr=self.log, env=environment, text=True)
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            raise RuntimeError(f"duvo webhooks did not start (printed {self.url!r})")
        self.pid = self.proc.pid
        host, port = self.url[len("http://"):].rsplit(":", 1)
        self.host, self.port = host, int(port)

    def stop(self) -> int | None:
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None
        finally:
            self.log.close()


# MARK: - Polling against push


def run_config(duvo: str, mode: str, k: int, n: int, speed: float, start_rate: float, cap: float, seed: int,
               workdir: str, bridge_log_level: str = "warn") -> dict:
    key = fresh_key("push")
    auditor_keys = [fresh_key("audit") for _ in range(4)]
    catalog = agents(duvo)
    extra = ["--no-rate-limit-headers"]
    if mode == "push+faults":
        extra += ["--webhook-faults", f"{FAULTS},seed={seed}"]
    label = mode.replace("+", "-")
    sim_log = os.path.join(workdir, f"sim-{label}.log")
    sim = Simulator(duvo, [key, *auditor_keys], speed=speed, rate_limit=300, extra=extra, log_path=sim_log,
                    log_level="info" if mode != "polling" else "warn")
    proxy = CountingProxy(sim.host, sim.port)
    runtime_dir = tempfile.mkdtemp(prefix="duvo-bench-push-")
    receiver = Receiver(duvo, key, runtime_dir, os.path.join(workdir, f"webhooks-{label}.log")) \
        if mode != "polling" else None
    bridges = []
    for index in range(k):
        bridges.append(Bridge(duvo, proxy.url, key, rate_limit=300,
                              extra=["--log-level", bridge_log_level]
                              + (["--webhooks", receiver.url] if receiver else []),
                              env={"DUVO_RUNTIME_DIR": runtime_dir, "DUVO_COORDINATION": "local"},
                              stderr_path=os.path.join(workdir, f"rpc-{label}-{index}.log")))
    frames = merged_frames(bridges)
    names = plan(n, seed)
    followers = Followers(sim, bridges, ["start"])
    observed, responses, errors = followers.observed, followers.responses, followers.errors
    started: list[str] = []
    expected, sent = n, 0
    done_at = None
    time.sleep(1.0)
    begin = time.time()
    try:
        while time.time() < begin + cap:
            # Starts through the bridges, round robin, at the start rate.
            while sent < n and time.time() >= begin + sent * 60.0 / start_rate:
                index = sent % k
                followers.send(index, "runs/start", {"agent_id": catalog[names[sent]], "message": f"bench run {sent}",
                                                     "follow": True}, "start")
                sent += 1
            if sent == n and followers.ended >= expected and not followers.pending:
                done_at = time.time()
                break
            try:
                index, arrival, frame = frames.get(timeout=0.05)
            except queue.Empty:
                continue
            if frame.get("_eof"):
                break
            answer = followers.take(index, arrival, frame)
            if answer and answer[0] == "start":
                if "error" in answer[2]:
                    expected -= 1
                else:
                    run_id = answer[2]["result"]["run"]["id"]
                    started.append(run_id)
                    observed.setdefault(run_id, Observed())
        end = done_at or time.time()
        records = proxy.snapshot()
        finals, final_status = audit(sim, auditor_keys, started)
        scored = score(sim, observed, finals, responses, lambda r: observed[r].ended == "terminal")
        changes = status_changes(sim, observed, responses)
        wrong_final = sum(1 for run_id in started
                          if not observed[run_id].statuses or observed[run_id].statuses[-1][1] != final_status.get(run_id))
        result = {
            "mode": mode, "k": k, "n": n, "speed": speed, "start_rate_per_min": start_rate, "seed": seed,
            "elapsed_s": round(end - begin, 1), "all_follows_ended": done_at is not None,
            "requests": request_summary(records, begin, end),
            "follows_started": len(started),
            "follows_completed": sum(1 for o in observed.values() if o.ended == "terminal"),
            "wrong_final_status": wrong_final, "errors": errors,
            "status_latency": scored["status_latency"],
            "announced_status_latency": latency_summary(
                [latency for _, status, latency, _ in changes if status in TERMINAL or status == "waiting"]),
            "unannounced_status_latency": latency_summary(
                [latency for _, status, latency, _ in changes if status not in TERMINAL and status != "waiting"]),
            "announced_latency_by_30s": by_30s(changes, begin),
            "announced_cover": {f"{w}": windows_covering(changes, w) for w in (0.5, 1.0)},
            "message_latency": scored["message_latency"],
            "lost": scored["lost"], "duplicated": scored["duplicated"], "mismatched": scored["mismatched"],
            "bridge_warnings": warnings(workdir, label, k),
            "changes": [[run_id, status, round(latency, 2), round(arrival, 3)]
                        for run_id, status, latency, arrival in changes],
        }
        if receiver:
            result["webhooks"] = deliveries(sim_log, receiver.log_path)
            result["dropped_runs_announced_latency"] = dropped_latency(changes, result["webhooks"]["dropped"])
        return result
    finally:
        for bridge in bridges:
            bridge.close()
        if receiver:
            receiver.stop()
        proxy.stop()
        sim.stop()
        shutil.rmtree(runtime_dir, ignore_errors=True)


def announced_times(changes: list[tuple[str, str, float, float]]) -> list[float]:
    """When each change Duvo announces happened (arrival minus latency), in order."""
    return sorted(arrival - latency for _, status, latency, arrival in changes
                  if status in TERMINAL or status == "waiting")


def by_30s(changes: list[tuple[str, str, float, float]], begin: float) -> list[dict]:
    """The announced changes' latency by the 30 s of the run they happened in: whether it grows as the key's budget
    fills up."""
    buckets: dict[int, list[float]] = {}
    for _, status, latency, arrival in changes:
        if status in TERMINAL or status == "waiting":
            buckets.setdefault(int((arrival - latency - begin) // 30), []).append(latency)
    return [{"from_s": 30 * b, **latency_summary(v)} for b, v in sorted(buckets.items())]


def windows_covering(changes: list[tuple[str, str, float, float]], width: float) -> int:
    """The fewest `width`-second windows that hold every announced change: the fewest key-wide listings (one request
    each, whoever makes it) that could report every one of them within `width` s, against one read per event."""
    count, covered_to = 0, float("-inf")
    for at in announced_times(changes):
        if at > covered_to:
            count, covered_to = count + 1, at + width
    return count


def warnings(workdir: str, label: str, k: int) -> dict[str, int]:
    """The bridges' warning lines about webhooks (fallback to polling), counted by their first words."""
    counts: dict[str, int] = {}
    for index in range(k):
        with open(os.path.join(workdir, f"rpc-{label}-{index}.log"), errors="replace") as log:
            for line in log:
                if "webhook" in line:
                    text = re.sub(r".*?(webhook events [a-z ]+).*", r"\1", line.strip())
                    counts[text] = counts.get(text, 0) + 1
    return counts


def deliveries(sim_log: str, receiver_log: str) -> dict:
    """What the simulator sent (delivered, dropped per run and event, duplicated, held back) and the receiver took."""
    dropped: dict[str, set[str]] = {}
    counts = {"delivered": 0, "dropped": 0, "duplicated": 0, "held_back": 0, "failed_attempts": 0}
    pattern = re.compile(r"webhook (\w+) for run (\S+) to \S+ (.*)")
    with open(sim_log, errors="replace") as log:
        for line in log:
            match = pattern.search(line)
            if not match:
                continue
            event, run_id, rest = match.groups()
            if rest.startswith("delivered"):
                counts["delivered"] += 1
            elif rest.startswith("dropped"):
                counts["dropped"] += 1
                dropped.setdefault(run_id, set()).add(ANNOUNCED.get(event, event))
            elif rest.startswith("duplicated"):
                counts["duplicated"] += 1
            elif rest.startswith("held back"):
                counts["held_back"] += 1
            elif "failed (attempt" in rest:
                counts["failed_attempts"] += 1
    with open(receiver_log, errors="replace") as log:
        counts["received"] = sum(1 for line in log if "received " in line and " for run " in line)
    counts["dropped"] = {"events": counts["dropped"], "runs": len(dropped),
                         "by_run": {run: sorted(kinds) for run, kinds in dropped.items()}}
    return counts


def dropped_latency(changes: list[tuple[str, str, float, float]], dropped: dict) -> dict:
    """Latency of the changes whose event was dropped: a dropped terminal event's run's terminal status, a dropped
    request's run's `waiting` statuses."""
    kinds = dropped["by_run"]
    values = [latency for run_id, status, latency, _ in changes
              if ("terminal" in kinds.get(run_id, []) and status in TERMINAL)
              or ("waiting" in kinds.get(run_id, []) and status == "waiting")]
    return latency_summary(values)


# MARK: - The receiver alone


def receiver_alone(duvo: str, workdir: str, label: str):
    """A receiver on a fresh key and runtime directory, and a subscriber socket in its events folder that counts
    the datagrams published to it."""
    key = fresh_key("receiver")
    runtime_dir = tempfile.mkdtemp(prefix="duvo-bench-recv-")
    receiver = Receiver(duvo, key, runtime_dir, os.path.join(workdir, f"webhooks-{label}.log"))
    folders = glob.glob(os.path.join(runtime_dir, "events-*"))
    if len(folders) != 1:
        receiver.stop()
        raise RuntimeError(f"expected one events folder in {runtime_dir}, found {folders}")
    subscriber = Subscriber(os.path.join(folders[0], f"{os.getpid()}-bench.sock"))
    return key, runtime_dir, receiver, subscriber


class Subscriber:
    """A Unix datagram socket where the receiver publishes (as a bridge's would be): counts what arrives."""

    def __init__(self, path: str):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind(path)
        self.path = path
        self.count = 0
        self.sock.settimeout(0.2)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                self.sock.recv(4096)
                self.count += 1
            except socket.timeout:
                continue
            except OSError:
                return

    def stop(self):
        self._stop.set()
        self.thread.join()
        self.sock.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def post_loop(host: str, port: int, path: str, seconds: float, fresh_connections: bool, forged: bool,
              results: "multiprocessing.Queue") -> None:
    """POSTs events as fast as one connection allows for `seconds` (a client process); puts {status: count}.

    Raw sockets rather than http.client: the client, not the receiver, would otherwise be what is measured.
    """
    statuses: dict[int, int] = {}
    errors = 0
    sock = None
    buffer = b""
    deadline = time.time() + seconds
    while time.time() < deadline:
        target = f"/hooks/{os.urandom(32).hex()}" if forged else path
        body = json.dumps({"event": "run_completed", "run_id": str(uuid.uuid4()), "status": "completed"}).encode()
        request = (f"POST {target} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {len(body)}\r\n"
                   + ("Connection: close\r\n" if fresh_connections else "") + "\r\n").encode() + body
        try:
            if sock is None:
                sock = socket.create_connection((host, port), timeout=10)
                buffer = b""
            sock.sendall(request)
            while b"\r\n\r\n" not in buffer:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed")
                buffer += chunk
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            status = int(head.split(b" ", 2)[1])
            length = re.search(rb"(?i)content-length:\s*(\d+)", head)
            need = int(length.group(1)) if length else 0
            while len(buffer) < need:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed")
                buffer += chunk
            buffer = buffer[need:]
            statuses[status] = statuses.get(status, 0) + 1
            if fresh_connections or re.search(rb"(?i)connection:\s*close", head):
                sock.close()
                sock = None
        except (OSError, ValueError, IndexError):
            errors += 1
            if sock is not None:
                sock.close()
            sock = None
    if sock is not None:
        sock.close()
    results.put({"statuses": statuses, "errors": errors})


def clients(host: str, port: int, path: str, seconds: float, plan_: list[tuple[bool, bool]]) -> dict:
    """Runs one client process per (fresh_connections, forged) in `plan_` for `seconds`; sums what they saw."""
    results: "multiprocessing.Queue" = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=post_loop, args=(host, port, path, seconds, fresh, forged, results))
                 for fresh, forged in plan_]
    for process in processes:
        process.start()
    totals: dict[str, int] = {"errors": 0}
    for _ in processes:
        outcome = results.get(timeout=seconds + 60)
        totals["errors"] += outcome["errors"]
        for status, count in outcome["statuses"].items():
            totals[str(status)] = totals.get(str(status), 0) + count
    for process in processes:
        process.join()
    return totals


def throughput(duvo: str, seconds: float, connections: int, workdir: str) -> dict:
    """Valid events for distinct runs over `connections` keep-alive connections (one client process each)."""
    key, runtime_dir, receiver, subscriber = receiver_alone(duvo, workdir, "throughput")
    try:
        path = f"/hooks/{token_for(key)}"
        begin = time.time()
        totals = clients(receiver.host, receiver.port, path, seconds, [(False, False)] * connections)
        elapsed = time.time() - begin
        time.sleep(1.0)  # what the publisher still held or queued
        accepted = totals.get("204", 0)
        with open(receiver.log_path, errors="replace") as log:
            published = sum(1 for line in log if "info: published " in line)
        return {"seconds": round(elapsed, 1), "connections": connections, "answers": totals,
                "accepted_per_s": round(accepted / elapsed), "published": published,
                "published_to_subscriber": subscriber.count,
                "published_share": round(subscriber.count / accepted, 4) if accepted else None,
                "rss_peak_kib": rss_kib(receiver.pid).get("VmHWM")}
    finally:
        subscriber.stop()
        receiver.stop()
        shutil.rmtree(runtime_dir, ignore_errors=True)


def flood(duvo: str, seconds: float, connections: int, workdir: str) -> dict:
    """Forged tokens for `seconds`: keep-alive connections and one making a new connection per request."""
    key, runtime_dir, receiver, subscriber = receiver_alone(duvo, workdir, "flood")
    try:
        idle = rss_kib(receiver.pid).get("VmRSS")
        sampler = RSSSampler(receiver.pid, interval=1.0)
        plan_ = [(False, True)] * max(1, connections - 1) + [(True, True)]
        begin = time.time()
        totals = clients(receiver.host, receiver.port, "", seconds, plan_)
        elapsed = time.time() - begin
        sampler.stop()
        published = subscriber.count
        samples = sampler.samples
        half = [(t, kib) for t, kib in samples if t >= samples[-1][0] / 2] if samples else []
        # Still serving after it: one valid event is taken and published.
        after = clients(receiver.host, receiver.port, f"/hooks/{token_for(key)}", 0.5, [(False, False)])
        time.sleep(0.5)
        return {"seconds": round(elapsed, 1), "connections": len(plan_), "answers": totals,
                "refused_per_s": round(totals.get("404", 0) / elapsed),
                "rss_idle_kib": idle, "rss_peak_kib": sampler.peak,
                "rss_first_kib": samples[0][1] if samples else None, "rss_last_kib": samples[-1][1] if samples else None,
                "rss_slope_kib_per_min": slope_per_minute(samples),
                "rss_slope_second_half_kib_per_min": slope_per_minute(half),
                "published_during_flood": published,
                "valid_after_flood": after}
    finally:
        subscriber.stop()
        receiver.stop()
        shutil.rmtree(runtime_dir, ignore_errors=True)


# MARK: - Output


def row(r: dict) -> str:
    q = r["requests"]

    def lat(x):
        return f"{x['p50_s']}/{x['p95_s']}"
    line = (f"{r['mode']:<12} requests {q['requests']:>5}  busiest 60 s {q['per_minute_busiest_60s']:>4}  "
            f"429s {q['status_429']:>3}  completed {r['follows_completed']}/{r['follows_started']}  "
            f"lost {r['lost']} dup {r['duplicated']} wrong final {r['wrong_final_status']}  "
            f"status p50/p95 {lat(r['status_latency'])} s (announced {lat(r['announced_status_latency'])}, "
            f"other {lat(r['unannounced_status_latency'])})  message {lat(r['message_latency'])} s"
            f"\n{'':<12} by kind {q['by_kind']}  announced changes' p95 by 30 s "
            f"{[x['p95_s'] for x in r['announced_latency_by_30s']]}  listings that could report every announced "
            f"change within 0.5 / 1 s: {r['announced_cover']['0.5']} / {r['announced_cover']['1.0']}")
    if "dropped_runs_announced_latency" in r:
        d = r["dropped_runs_announced_latency"]
        line += f"\n{'':<12} dropped events' changes: n={d['n']} p50/p95 {lat(d)} s (max {d['max_s']})"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duvo", required=True, help="a release build of duvo")
    parser.add_argument("--k", type=int, default=10, help="bridges on the key")
    parser.add_argument("--n", type=int, default=200, help="runs started and followed")
    parser.add_argument("--speed", type=float, default=5.0, help="simulator speed")
    parser.add_argument("--start-rate", type=float, default=120, help="starts a minute, all bridges together")
    parser.add_argument("--modes", nargs="+", default=["polling", "push", "push+faults"],
                        choices=["polling", "push", "push+faults"])
    parser.add_argument("--cap", type=float, default=300, help="time cap per configuration, seconds")
    parser.add_argument("--throughput-s", type=float, default=10)
    parser.add_argument("--throughput-connections", type=int, default=4)
    parser.add_argument("--flood-s", type=float, default=60)
    parser.add_argument("--flood-connections", type=int, default=4)
    parser.add_argument("--skip-receiver", action="store_true", help="only the configurations")
    parser.add_argument("--only-receiver", action="store_true", help="only the receiver's throughput and flood")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: K=3, N=20, speed 10, 5 s of throughput and flood")
    parser.add_argument("--bridge-log-level", default="warn", help="the bridges' --log-level (their logs: --workdir)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--workdir", default="/tmp/duvo-bench-webhooks")
    args = parser.parse_args()
    if args.quick:
        args.k, args.n, args.speed, args.start_rate, args.cap = 3, 20, 10.0, 120, 120
        args.throughput_s = args.flood_s = 5
    os.makedirs(args.workdir, exist_ok=True)
    results: dict = {"benchmark": "push against polling", "configurations": []}

    def save():
        if args.out:
            with open(args.out, "w") as out:
                json.dump(results, out, indent=2)

    for mode in [] if args.only_receiver else args.modes:
        result = run_config(args.duvo, mode, args.k, args.n, args.speed, args.start_rate, args.cap, args.seed,
                            args.workdir, args.bridge_log_level)
        results["configurations"].append(result)
        print(row(result), flush=True)
        save()
    if not args.skip_receiver:
        results["throughput"] = throughput(args.duvo, args.throughput_s, args.throughput_connections, args.workdir)
        t = results["throughput"]
        print(f"receiver throughput: {t['accepted_per_s']} events/s over {t['connections']} connections "
              f"({t['answers']}), published to the subscriber {t['published_to_subscriber']} "
              f"({t['published_share']})", flush=True)
        save()
        results["flood"] = flood(args.duvo, args.flood_s, args.flood_connections, args.workdir)
        f = results["flood"]
        print(f"receiver flood: {f['seconds']} s of forged events, {f['refused_per_s']} refused/s ({f['answers']}), "
              f"RSS {f['rss_idle_kib']} KiB idle, peak {f['rss_peak_kib']} KiB, slope {f['rss_slope_kib_per_min']} "
              f"KiB/min (second half {f['rss_slope_second_half_kib_per_min']}), published "
              f"{f['published_during_flood']}, a valid event after it: {f['valid_after_flood']}", flush=True)
        save()


if __name__ == "__main__":
    main()
