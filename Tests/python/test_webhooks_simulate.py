"""`--simulate --webhooks local`: push with no ingress. The process starts `duvo webhooks` in itself on 127.0.0.1 and
gives the runs it starts that URL; the shared simulator posts its events there, and the receiver publishes them on
the process's coordination. A follow learns of the end by an event (the receiver's info log shows it), and a run
waiting for a person is read less than by a process without it, over the same window."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import tempfile
import threading
import time

import pytest

from test_webhooks_push import reads_of
from test_webhooks_receiver import token_for

WINDOW_S = 4


@pytest.fixture
def shared(duvo):
    """A runtime directory of its own, so the shared simulator here is this test's; stopped at the end."""
    with tempfile.TemporaryDirectory(prefix="duvo-simpush-") as runtime:
        os.chmod(runtime, 0o700)
        env = {**os.environ, "DUVO_RUNTIME_DIR": runtime, "DUVO_LOG_LEVEL": "debug"}
        for name in ("DUVO_API_KEY", "DUVO_API_KEY_FILE", "DUVO_COORDINATION", "DUVO_WEBHOOKS", "DUVO_SIMULATE",
                     "DUVO_BASE_URL", "DUVO_WEBHOOKS_SAFETY_NET"):
            env.pop(name, None)
        yield runtime, env
        subprocess.run([duvo, "sim", "stop"], env=env, capture_output=True, timeout=60)


class Process:
    """A `duvo` process whose stdout lines are read by a thread; stderr to a file."""

    def __init__(self, args: list[str], env: dict, stdin: bool = False):
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=self.stderr, text=True,
                                        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)
        self.lines: queue.Queue = queue.Queue()
        self.stdout: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.stdout.append(line)
            self.lines.put(line)

    def until(self, predicate, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            message = json.loads(line)
            if predicate(message):
                return message
        raise AssertionError(f"no such line in {timeout} s; stdout: {self.stdout}; log: {self.log()}")

    def log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=15)


def sim_state(runtime: str) -> dict:
    with open(os.path.join(runtime, "sim.json")) as file:
        return json.load(file)


def reads_in(run_id: str, runtime: str) -> int:
    """Reads of `run_id` in the shared simulator's request log."""
    with open(os.path.join(runtime, "sim.log"), errors="replace") as file:
        return reads_of(run_id, file.read())


def approve(duvo: str, env: dict, run_id: str) -> None:
    done = subprocess.run([duvo, "runs", "respond", run_id, "--approve", "--simulate"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_runs_start_follow_with_simulate_and_webhooks_local_learns_by_events(duvo, shared):
    runtime, env = shared
    start = [duvo, "runs", "start", "--simulate", "--sim-speed", "5", "--agent", "approval", "--json", "--follow"]
    # A safety net of 300 s (60 s at 5x): a follow that ends sooner after the approval learned it by an event.
    pushed = Process(start + ["--webhooks", "local", "--webhooks-safety-net", "300"], env)
    # Without coordination the two processes share no sweeps: each reads its own run, and the reads are comparable.
    polled = Process(start + ["--coordination", "off"], env)
    try:
        runs = {}
        for follow in (pushed, polled):
            runs[follow] = follow.until(lambda line: "run_id" in line, timeout=60)["run_id"]
        for follow in (pushed, polled):
            follow.until(lambda line: line.get("type") == "human_request", timeout=30)
        # The human_request event's read is made before the window, which counts only polls and the safety net.
        deadline = time.monotonic() + 30
        while f"published human_request for run {runs[pushed]}" not in pushed.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        before = {follow: reads_in(run_id, runtime) for follow, run_id in runs.items()}
        time.sleep(WINDOW_S)  # the window whose reads are compared; nothing asserts on how long anything took
        window = {follow: reads_in(run_id, runtime) - before[follow] for follow, run_id in runs.items()}
        assert window[pushed] < window[polled], f"reads with push {window[pushed]}, polling {window[polled]}"
        approve(duvo, env, runs[pushed])
        # Well within the safety net: only the run_completed event can have told the follow this soon.
        assert pushed.until(lambda line: line.get("final"), timeout=30)["status"] == "completed"
        assert pushed.process.wait(timeout=30) == 0, pushed.log()
        log = pushed.log()
        run_id = runs[pushed]
        assert f"received run_completed for run {run_id}" in log and f"published run_completed for run {run_id}" in log
        assert "receiving the simulator's webhook events at http://127.0.0.1:" in log
        token = token_for(sim_state(runtime)["api_key"])
        assert token not in log and token not in "".join(pushed.stdout), "the token never appears in any output"
    finally:
        pushed.kill()
        polled.kill()


def test_rpc_with_simulate_and_webhooks_local_learns_by_events(duvo, shared):
    runtime, env = shared
    bridge = Process([duvo, "rpc", "--simulate", "--sim-speed", "5", "--webhooks", "local",
                      "--webhooks-safety-net", "300"], env, stdin=True)
    try:
        request = {"jsonrpc": "2.0", "id": 1, "method": "runs/start",
                   "params": {"agent_id": "3f1c2a9e-5b7d-4e21-9a8c-1d2e3f4a5b60", "message": "go", "follow": True}}
        bridge.process.stdin.write(json.dumps(request) + "\n")
        bridge.process.stdin.flush()
        run_id = bridge.until(lambda message: message.get("id") == 1, timeout=60)["result"]["run"]["id"]

        def status(name: str):
            return lambda message: (message.get("method") == "runs/status"
                                    and message["params"] == {**message["params"], "run_id": run_id, "status": name})

        bridge.until(status("waiting"), timeout=30)
        approve(duvo, env, run_id)
        bridge.until(status("completed"), timeout=30)
        bridge.process.stdin.close()
        assert bridge.process.wait(timeout=30) == 0
        log = bridge.log()
        assert f"published run_completed for run {run_id}" in log, log
    finally:
        bridge.kill()


def test_webhooks_local_needs_simulate_and_simulate_takes_only_local(duvo, shared):
    runtime, env = shared
    keyed = {**env, "DUVO_API_KEY": "dv_test_key"}
    alone = subprocess.run([duvo, "rpc", "--webhooks", "local"], env=keyed, capture_output=True, text=True,
                           timeout=30, input="")
    assert alone.returncode == 2 and "'--webhooks local'" in alone.stderr and "--simulate" in alone.stderr
    url = subprocess.run([duvo, "runs", "list", "--simulate=private", "--webhooks", "https://hooks.example.com/duvo"],
                         env=env, capture_output=True, text=True, timeout=30)
    assert url.returncode == 2 and "must be 'local'" in url.stderr, url.stderr
    net = subprocess.run([duvo, "runs", "list", "--simulate=private", "--webhooks", "local",
                          "--webhooks-safety-net", "0"], env=env, capture_output=True, text=True, timeout=30)
    assert net.returncode == 2 and "'--webhooks-safety-net'" in net.stderr, net.stderr
    # DUVO_WEBHOOKS set for the real Duvo stays out of the simulator's way.
    production = subprocess.run([duvo, "runs", "list", "--simulate=private", "--json"],
                                env={**env, "DUVO_WEBHOOKS": "https://hooks.example.com/duvo"}, capture_output=True,
                                text=True, timeout=30)
    assert production.returncode == 0, production.stderr
