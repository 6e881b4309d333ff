"""Processes and plumbing the scale, soak and memory benchmarks share (Python standard library only).

- `Simulator`: a `duvo sim` child on a fresh port, with the keys the benchmark needs.
- `CountingProxy`: a keep-alive HTTP reverse proxy between `duvo rpc` and the simulator that records every request
  the bridge sends (time, method, kind of endpoint, status), so "requests Duvo received" is counted on the wire.
- `Bridge`: a `duvo rpc` child driven over NDJSON pipes; every incoming frame is stamped with its arrival time.
- `rss_kib`, `percentile`, `sim_time_to_real`: small measurement helpers.
"""
from __future__ import annotations

import calendar
import http.client
import http.server
import json
import os
import queue
import re
import secrets
import socketserver
import subprocess
import threading
import time
import urllib.parse

TEAM = "bench-team"


def fresh_key(purpose: str) -> str:
    """A unique API key for one benchmark run (so a leak check can grep for it)."""
    return f"dv_{purpose}_{secrets.token_hex(12)}"


def agents(duvo: str) -> dict[str, str]:
    """Simulator agent name -> id, from `duvo sim agents --json`."""
    listing = json.loads(subprocess.check_output([duvo, "sim", "agents", "--json"], timeout=30))
    return {agent["name"]: agent["id"] for agent in listing}


class Simulator:
    """`duvo sim --port 0` with the given keys (all bound to TEAM); `wall_start` is when its clock started."""

    def __init__(self, duvo: str, keys: list[str], speed: float = 1, rate_limit: int = 300,
                 extra: list[str] | None = None, log_path: str | None = None, log_level: str = "warn"):
        args = [duvo, "sim", "--port", "0", "--speed", str(speed), "--rate-limit", str(rate_limit),
                "--log-level", log_level]
        for key in keys:
            args += ["--api-key", f"{key}:{TEAM}"]
        args += extra or []
        self.speed = speed
        self.log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        before = time.time()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.url = self.proc.stdout.readline().strip()
        after = time.time()
        if not self.url.startswith("http://"):
            raise RuntimeError(f"duvo sim did not start (printed {self.url!r})")
        # The simulated clock starts at the wall time when the simulator is created, between these two instants.
        self.wall_start = (before + after) / 2
        parsed = urllib.parse.urlparse(self.url)
        self.host, self.port = parsed.hostname, parsed.port

    def to_real(self, timestamp: str | None) -> float | None:
        """The real (wall-clock) time at which the simulator stamped `timestamp` (whole simulated seconds)."""
        if not timestamp:
            return None
        simulated = parse_timestamp(timestamp)
        return self.wall_start + (simulated - self.wall_start) / self.speed

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.log is not subprocess.DEVNULL:
            self.log.close()


def parse_timestamp(text: str) -> float:
    """Seconds since the epoch of `YYYY-MM-DDTHH:MM:SS[.f]Z` (what the simulator writes)."""
    match = re.match(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$", text)
    if not match:
        raise ValueError(f"unexpected timestamp {text!r}")
    parts = [int(match.group(i)) for i in range(1, 7)]
    fraction = float(match.group(7)) if match.group(7) else 0.0
    return calendar.timegm(tuple(parts) + (0, 0, 0)) + fraction


class DirectClient:
    """A keep-alive HTTP client of the simulator for one thread (the naive poller, the auditor, direct starts)."""

    def __init__(self, host: str, port: int, key: str):
        self.host, self.port, self.key = host, port, key
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None, dict]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self.key}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                parsed = json.loads(raw) if raw else None
                return response.status, parsed, dict(response.getheaders())
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


def endpoint_kind(method: str, path: str) -> str:
    """A short name for what a request did: start, get, messages, list, respond, stop, send, other."""
    path = path.split("?", 1)[0]
    if method == "POST" and path.endswith("/runs"):
        return "start"
    if path.endswith("/messages"):
        return "messages" if method == "GET" else "send"
    if path.endswith("/respond") or "/human-requests/" in path or "/human_requests/" in path:
        return "respond"
    if path.endswith("/stop"):
        return "stop"
    if method == "GET" and re.search(r"/teams/[^/]+/runs$", path):
        return "list"
    if method == "GET" and re.search(r"/runs/[^/]+$", path):
        return "get"
    return "other"


class CountingProxy:
    """Forwards every request to the simulator over keep-alive connections and records (time, kind, status).

    The bridge talks to the proxy instead of the simulator, so every request it makes is counted where Duvo would
    see it. Records are appended under a lock; `summary()` turns them into per-minute figures.
    """

    def __init__(self, upstream_host: str, upstream_port: int):
        self.records: list[tuple[float, str, int]] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: stderr belongs to the benchmark's own output
                pass

            def _forward(self):
                # Stamped on arrival: what Duvo's limit counts is when requests come in, not when answers go out.
                arrived = time.time()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                upstream = getattr(self.server.local, "conn", None)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                for attempt in range(2):
                    if upstream is None:
                        upstream = http.client.HTTPConnection(upstream_host, upstream_port, timeout=60)
                        self.server.local.conn = upstream
                    try:
                        upstream.request(self.command, self.path, body=body, headers=headers)
                        response = upstream.getresponse()
                        payload = response.read()
                        break
                    except (http.client.HTTPException, OSError):
                        upstream.close()
                        upstream = None
                        self.server.local.conn = None
                        if attempt == 1:
                            # The simulator dropped the connection (an injected fault): drop ours too.
                            proxy._record(self.command, self.path, 0, arrived)
                            self.close_connection = True
                            return
                proxy._record(self.command, self.path, response.status, arrived)
                self.send_response_only(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        class PerThread(threading.local):
            conn = None

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.local = PerThread()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _record(self, method: str, path: str, status: int, arrived: float) -> None:
        with self.lock:
            self.records.append((arrived, endpoint_kind(method, path), status))

    def snapshot(self) -> list[tuple[float, str, int]]:
        with self.lock:
            return list(self.records)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def request_summary(records: list[tuple[float, str, int]], start: float, end: float) -> dict:
    """Requests per minute (mean over the span, and the busiest sliding 60 s), 429s, and counts by kind."""
    times = sorted(t for t, _, _ in records)
    busiest, j = 0, 0
    for i, t in enumerate(times):
        while times[j] < t - 60:
            j += 1
        busiest = max(busiest, i - j + 1)
    minutes = max(1e-9, (end - start) / 60)
    kinds: dict[str, int] = {}
    for _, kind, _ in records:
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "requests": len(records),
        "span_s": round(end - start, 1),
        "per_minute_mean": round(len(records) / minutes, 1),
        "per_minute_busiest_60s": busiest,
        "status_429": sum(1 for _, _, s in records if s == 429),
        "dropped_connections": sum(1 for _, _, s in records if s == 0),
        "by_kind": dict(sorted(kinds.items())),
    }


class Bridge:
    """`duvo rpc` over NDJSON pipes. Frames are parsed on a reader thread and queued with their arrival time."""

    def __init__(self, duvo: str, base_url: str, key: str, rate_limit: int = 300, extra: list[str] | None = None,
                 stderr_path: str | None = None, env: dict | None = None):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("DUVO_")}
        environment.update(DUVO_BASE_URL=base_url, DUVO_API_KEY=key, DUVO_TEAM_ID=TEAM, NO_COLOR="1")
        environment.update(env or {})
        self.stderr_file = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [duvo, "rpc", "--rate-limit", str(rate_limit), "--log-level", "warn", *(extra or [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr_file, env=environment, bufsize=0)
        self.pid = self.proc.pid
        self.frames: "queue.Queue[tuple[float, dict]]" = queue.Queue()
        self.raw_stdout = bytearray()
        self.write_lock = threading.Lock()
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
            if not chunk:
                break
            now = time.time()
            self.raw_stdout += chunk
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if line.strip():
                    self.frames.put((now, json.loads(line)))
        self.frames.put((time.time(), {"_eof": True}))

    def send(self, method: str, params: dict | None = None) -> int:
        with self.write_lock:
            self.next_id += 1
            message = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
            if params is not None:
                message["params"] = params
            self.proc.stdin.write((json.dumps(message) + "\n").encode())
            return self.next_id

    def close(self, timeout: float = 20) -> int | None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None
        finally:
            if self.stderr_file is not subprocess.DEVNULL:
                self.stderr_file.close()


def merged_frames(bridges: list[Bridge]) -> "queue.Queue[tuple[int, float, dict]]":
    """One queue of every bridge's frames as (bridge index, arrival, frame), each bridge's in order, an `_eof` frame
    last for each."""
    frames: "queue.Queue[tuple[int, float, dict]]" = queue.Queue()

    def pump(index: int, bridge: Bridge):
        while True:
            arrival, frame = bridge.frames.get()
            frames.put((index, arrival, frame))
            if frame.get("_eof"):
                return

    for index, bridge in enumerate(bridges):
        threading.Thread(target=pump, args=(index, bridge), daemon=True).start()
    return frames


def rss_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in KiB, from /proc/PID/status."""
    values = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    name, amount = line.split(":", 1)
                    values[name] = int(amount.split()[0])
    except FileNotFoundError:
        pass
    return values


class RSSSampler:
    """Samples a process's RSS every `interval` seconds on a thread: [(elapsed_s, rss_kib)]."""

    def __init__(self, pid: int, interval: float = 1.0):
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int]] = []
        self.peak = 0
        self._stop = threading.Event()
        self.start = time.time()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            values = rss_kib(self.pid)
            if "VmRSS" in values:
                self.samples.append((round(time.time() - self.start, 2), values["VmRSS"]))
                self.peak = max(self.peak, values.get("VmHWM", 0))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        values = rss_kib(self.pid)
        self.peak = max(self.peak, values.get("VmHWM", 0))
        self._stop.set()
        self.thread.join()


def percentile(values: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def latency_summary(values: list[float]) -> dict:
    """p50, p95 and max of latencies in seconds, rounded to 0.1 s, with the sample count."""
    def r(x):
        return None if x is None else round(x, 1)
    return {"n": len(values), "p50_s": r(percentile(values, 0.5)), "p95_s": r(percentile(values, 0.95)),
            "max_s": r(max(values) if values else None)}


def slope_per_minute(samples: list[tuple[float, int]]) -> float | None:
    """The least-squares slope of (seconds, KiB) samples, in KiB per minute."""
    if len(samples) < 3:
        return None
    n = len(samples)
    mean_x = sum(x for x, _ in samples) / n
    mean_y = sum(y for _, y in samples) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in samples)
    if sxx == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in samples)
    return round(sxy / sxx * 60, 1)
