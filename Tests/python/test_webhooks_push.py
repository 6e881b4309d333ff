"""Push through real processes: `duvo sim` posts its webhooks to `duvo webhooks --listen`, which publishes them in the
runtime directory to a `duvo rpc --webhooks URL` following a run it started. The follow completes, and while the run
waits for a person the bridge reads it only as a safety net, so the simulator serves fewer reads of it than to a bridge
without `--webhooks`. A caller's own `webhook_url` is left alone."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import tempfile
import threading
import time

from test_webhooks_receiver import API_KEY, TOKEN, Receiver

import pytest

APPROVAL = "3f1c2a9e-5b7d-4e21-9a8c-1d2e3f4a5b60"


class Bridge:
    """A `duvo rpc` on newline-delimited JSON: requests in, answers and notifications read by a thread."""

    def __init__(self, duvo: str, sim_url: str, runtime: str, extra: list[str]):
        environment = {**os.environ, "DUVO_API_KEY": API_KEY, "DUVO_RUNTIME_DIR": runtime, "DUVO_LOG_LEVEL": "info"}
        for name in ("DUVO_API_KEY_FILE", "DUVO_COORDINATION", "DUVO_WEBHOOKS", "DUVO_SIMULATE"):
            environment.pop(name, None)
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen([duvo, "rpc", "--base-url", sim_url, *extra], env=environment,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.stdout: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 1

    def _read(self) -> None:
        for line in self.process.stdout:
            self.stdout.append(line)
            self.lines.put(json.loads(line))

    def call(self, method: str, params: dict) -> dict:
        request_id = self.next_id
        self.next_id += 1
        self.process.stdin.write(json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method,
                                             "params": params}) + "\n")
        self.process.stdin.flush()
        while True:
            message = self.lines.get(timeout=30)
            if message.get("id") == request_id:
                assert "error" not in message, message
                return message["result"]
            self.notifications.append(message)

    notifications: list[dict]

    def until(self, predicate, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        for message in self.notifications:
            if predicate(message):
                return message
        while time.monotonic() < deadline:
            try:
                message = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.notifications.append(message)
            if predicate(message):
                return message
        raise AssertionError(f"no such notification in {timeout} s; log: {self.log()}")

    def log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def status_of(run_id: str, status: str):
    return lambda message: (message.get("method") == "runs/status" and message["params"].get("run_id") == run_id
                            and message["params"].get("status") == status)


@pytest.fixture
def runtime():
    with tempfile.TemporaryDirectory(prefix="duvo-push-") as path:
        os.chmod(path, 0o700)
        yield path


@pytest.fixture
def sim():
    stderr = tempfile.TemporaryFile()
    process = subprocess.Popen([os.environ.get("DUVO_BIN", "duvo"), "sim", "--port", "0", "--speed", "5", "--log-level", "debug"],
                               stdout=subprocess.PIPE, stderr=stderr, text=True)
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:")

    def log() -> str:
        stderr.seek(0)
        return stderr.read().decode(errors="replace")

    yield url, log
    process.terminate()
    process.wait(timeout=15)


def follow_an_approval(duvo: str, sim_url: str, runtime: str, extra: list[str], waiting_s: float,
                       start: dict | None = None, follow_later: bool = False) -> tuple[str, Bridge]:
    """Starts and follows an approval run through a bridge (with `follow_later`, a `runs/follow` after the start
    instead of the start's own `follow`), leaves it waiting for a person `waiting_s` seconds, approves it and sees
    the follow end completed. Returns the run's id and the (stopped) bridge."""
    bridge = Bridge(duvo, sim_url, runtime, extra)
    bridge.notifications = []
    try:
        started = bridge.call("runs/start", {"agent_id": APPROVAL, "message": "go", "follow": not follow_later,
                                             **(start or {})})
        run_id = started["run"]["id"]
        if follow_later:
            bridge.call("runs/follow", {"run_id": run_id})
        bridge.until(status_of(run_id, "waiting"))
        time.sleep(waiting_s)  # the span whose reads are counted; nothing asserts on how long anything took
        bridge.call("runs/respond", {"run_id": run_id, "approved": True})
        bridge.until(status_of(run_id, "completed"))
        bridge.until(lambda message: message.get("method") == "runs/followEnded"
                     and message["params"].get("run_id") == run_id)
        return run_id, bridge
    finally:
        bridge.stop()


def reads_of(run_id: str, sim_log: str) -> int:
    return len(re.findall(rf"GET /v\d/runs/{run_id} ", sim_log))


def test_a_bridge_with_webhooks_learns_by_events_and_reads_less(duvo, runtime, sim):
    sim_url, sim_log = sim
    receiver = Receiver(duvo, runtime)
    try:
        polled_id, polled = follow_an_approval(duvo, sim_url, runtime, [], waiting_s=8)
        pushed_id, pushed = follow_an_approval(duvo, sim_url, runtime, ["--webhooks", receiver.base + "/ingress/"],
                                               waiting_s=8)
        log = sim_log()
        polled_reads, pushed_reads = reads_of(polled_id, log), reads_of(pushed_id, log)
        assert pushed_reads < polled_reads, f"reads with push {pushed_reads}, polling {polled_reads}"
        receiver_log = receiver.log()
        assert f"published human_request for run {pushed_id}" in receiver_log
        assert f"published run_completed for run {pushed_id}" in receiver_log
        assert f"for run {polled_id}" not in receiver_log, "a bridge without --webhooks asks for no events"
        for text in ["".join(pushed.stdout), pushed.log()]:
            assert TOKEN not in text and API_KEY not in text, "the token never appears in any output"
    finally:
        receiver.stop()


def test_a_callers_own_webhook_url_is_left_alone(duvo, runtime, sim):
    sim_url, _ = sim
    receiver = Receiver(duvo, runtime)
    try:
        own = receiver.base + "/callers-own-ingress"
        run_id, bridge = follow_an_approval(duvo, sim_url, runtime, ["--webhooks", receiver.base], waiting_s=0,
                                            start={"webhook_url": own})
        deliveries = receiver.log()
        assert f"for run {run_id}" not in deliveries, "Duvo posted to the caller's URL (unknown here: 404), not ours"
        assert bridge.process.returncode == 0, bridge.log()
    finally:
        receiver.stop()


def test_webhooks_must_be_an_http_url(duvo, runtime):
    env = {**os.environ, "DUVO_API_KEY": API_KEY, "DUVO_RUNTIME_DIR": runtime}
    env.pop("DUVO_WEBHOOKS", None)
    done = subprocess.run([duvo, "rpc", "--webhooks", "ftp://hooks.example.com"], env=env, capture_output=True,
                          text=True, timeout=30, input="")
    assert done.returncode == 2 and "'--webhooks' must be an http(s) URL" in done.stderr, done.stderr


def test_webhooks_needs_coordination(duvo, runtime):
    env = {**os.environ, "DUVO_API_KEY": API_KEY, "DUVO_RUNTIME_DIR": runtime}
    done = subprocess.run([duvo, "rpc", "--coordination", "off", "--webhooks", "https://hooks.example.com/duvo"],
                          env=env, capture_output=True, text=True, timeout=30, input="")
    assert done.returncode == 2 and "'--webhooks' needs --coordination local or redis" in done.stderr, done.stderr


def test_runs_start_follow_with_DUVO_WEBHOOKS_asks_for_events(duvo, runtime, sim):
    sim_url, _ = sim
    receiver = Receiver(duvo, runtime)
    try:
        env = {**os.environ, "DUVO_API_KEY": API_KEY, "DUVO_RUNTIME_DIR": runtime, "DUVO_BASE_URL": sim_url,
               "DUVO_WEBHOOKS": receiver.base}
        for name in ("DUVO_API_KEY_FILE", "DUVO_COORDINATION", "DUVO_SIMULATE"):
            env.pop(name, None)
        echo = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
        done = subprocess.run([duvo, "runs", "start", "--agent", echo, "--message", "hi", "--follow"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert TOKEN not in done.stdout + done.stderr
        deadline = time.monotonic() + 10
        while "published run_completed for run" not in receiver.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "published run_completed for run" in receiver.log(), "the run was given the receiver's URL"
    finally:
        receiver.stop()
