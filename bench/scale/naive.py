"""The baseline: naive per-run polling, as the docs' scripts do it, under its own 300/min key.

Every watched run is polled with `GET /v2/runs/{id}` every `interval` seconds (counted from the end of the previous
poll, like a `while true; ...; sleep 5; done` loop per run); when its status or `updated_at` changed, its new
messages are fetched with `GET /v2/runs/{id}/messages?offset=<seen>&limit=100`, page after page. A 429 is counted and
the run is simply polled again at its next turn (the scripts ignore errors). A run is done when it is terminal and
every message has been read. Observations are stamped with their arrival time, as the bridge's notifications are.
"""
from __future__ import annotations

import heapq
import threading
import time

from harness import DirectClient

TERMINAL = {"completed", "failed", "stopped", "interrupted"}


class NaiveRun:
    def __init__(self, run_id: str):
        self.run_id = run_id
        self.status: str | None = None
        self.updated_at: str | None = None
        self.offset = 0
        self.messages_stale = True
        self.done = False
        self.statuses: list[tuple[float, str, dict, dict | None]] = []
        self.messages: list[tuple[float, int, dict]] = []


class NaivePoller:
    """Polls every added run on `threads` worker threads until it is done or `stop()` is called."""

    def __init__(self, host: str, port: int, key: str, interval: float = 5.0, threads: int = 4):
        self.host, self.port, self.key, self.interval = host, port, key, interval
        self.runs: dict[str, NaiveRun] = {}
        self.heap: list[tuple[float, str]] = []
        self.lock = threading.Condition()
        self.requests: list[tuple[float, str, int]] = []
        self.stopped = False
        self.workers = [threading.Thread(target=self._work, daemon=True) for _ in range(threads)]
        for worker in self.workers:
            worker.start()

    def add(self, run_id: str) -> None:
        with self.lock:
            if run_id in self.runs:
                return
            self.runs[run_id] = NaiveRun(run_id)
            heapq.heappush(self.heap, (time.time(), run_id))
            self.lock.notify()

    def all_done(self) -> bool:
        with self.lock:
            return all(run.done for run in self.runs.values())

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            self.lock.notify_all()
        for worker in self.workers:
            worker.join(timeout=10)

    def _work(self) -> None:
        client = DirectClient(self.host, self.port, self.key)
        while True:
            with self.lock:
                while not self.stopped and (not self.heap or self.heap[0][0] > time.time()):
                    wait = None if not self.heap else max(0.0, self.heap[0][0] - time.time())
                    self.lock.wait(timeout=wait if wait is not None else 1.0)
                if self.stopped:
                    return
                _, run_id = heapq.heappop(self.heap)
                run = self.runs[run_id]
            try:
                self._poll(client, run)
            except Exception:  # a dropped connection: poll again next turn, as a script loop would
                pass
            with self.lock:
                if not run.done:
                    heapq.heappush(self.heap, (time.time() + self.interval, run_id))
                    self.lock.notify()

    def _get(self, client: DirectClient, path: str, kind: str):
        status, body, _ = client.request("GET", path)
        with self.lock:
            self.requests.append((time.time(), kind, status))
        return status, body

    def _poll(self, client: DirectClient, run: NaiveRun) -> None:
        status, body = self._get(client, f"/v2/runs/{run.run_id}", "get")
        if status != 200 or body is None:
            return
        arrival = time.time()
        snapshot = body.get("run") or {}
        current = snapshot.get("status")
        if current != run.status or snapshot.get("updated_at") != run.updated_at:
            run.messages_stale = True
        if current != run.status:
            run.statuses.append((arrival, current, snapshot, body.get("pending_human_request")))
            run.status = current
        run.updated_at = snapshot.get("updated_at")
        while run.messages_stale:
            status, page = self._get(client, f"/v2/runs/{run.run_id}/messages?limit=100&offset={run.offset}",
                                     "messages")
            if status != 200 or page is None:
                return
            arrival = time.time()
            batch = page.get("messages") or []
            for position, message in enumerate(batch):
                run.messages.append((arrival, run.offset + position, message))
            run.offset += len(batch)
            total = page.get("total", run.offset)
            if not batch or run.offset >= total:
                run.messages_stale = False
        if current in TERMINAL and not run.messages_stale:
            run.done = True
