"""Issue 22's "Done when", through real processes: `duvo sim` posts its webhooks to `duvo webhooks`, which publishes
them to bridges (`duvo rpc --webhooks URL`) on one runtime directory or on two joined by a real Redis. Each bridge
starts and follows runs; reads are counted in the simulator's request log, over the same window for a bridge with
push and one without. A run a bridge with push started waits for a person, so its only reads are the safety net's
(60 s by default): a follow that ends within a shorter deadline after the person answers learned it by an event.
Nothing here asserts how long anything took."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.request
import json

from coordination_harness import RedisChild
from test_webhooks_push import APPROVAL, Bridge, reads_of, status_of
from test_webhooks_receiver import API_KEY, TOKEN, Receiver, event

import pytest

ECHO = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
FAILING = "d5f7b9c1-3e5a-4c7e-9a1b-3d5f7b9c1e63"
INTERRUPTED = "0a1c3e5f-6b8d-4f0b-8d4e-6a0c2e4f6b96"
TEAM = "local-team"  # the simulator's default team: listing the team's runs (the sweeps) needs one
WINDOW_S = 4  # the span whose reads are compared; polling reads a young run every 2 s


class Sim:
    """A `duvo sim` at 5x logging every request (debug) to a file."""

    def __init__(self, duvo: str, *extra: str):
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen([duvo, "sim", "--port", "0", "--speed", "5", "--log-level", "debug", *extra],
                                        stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        self.url = self.process.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), self.log()

    def log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def get(self, path: str) -> dict:
        request = urllib.request.Request(f"{self.url}/v2/{path}", headers={"Authorization": "Bearer " + API_KEY})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def status(self, run_id: str) -> str:
        return self.get(f"runs/{run_id}")["run"]["status"]

    def message_total(self, run_id: str) -> int:
        return self.get(f"runs/{run_id}/messages?limit=1")["total"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


@pytest.fixture
def sim(duvo):
    simulator = Sim(duvo)
    yield simulator
    simulator.stop()


@pytest.fixture
def runtimes():
    with tempfile.TemporaryDirectory(prefix="duvo-push-a-") as a, tempfile.TemporaryDirectory(prefix="duvo-push-b-") as b:
        os.chmod(a, 0o700)
        os.chmod(b, 0o700)
        yield a, b


def bridges(duvo: str, sim_url: str, runtimes: list[str], extra: list[str]) -> list[Bridge]:
    started = []
    for runtime in runtimes:
        bridge = Bridge(duvo, sim_url, runtime, extra)
        bridge.notifications = []
        started.append(bridge)
    return started


def approve(duvo: str, sim_url: str, runtime: str, run_id: str) -> None:
    """Approves from a process of its own, so the bridges following the run are told nothing by it."""
    env = {**os.environ, "DUVO_API_KEY": API_KEY, "DUVO_BASE_URL": sim_url, "DUVO_RUNTIME_DIR": runtime}
    for name in ("DUVO_API_KEY_FILE", "DUVO_COORDINATION", "DUVO_WEBHOOKS", "DUVO_SIMULATE"):
        env.pop(name, None)
    done = subprocess.run([duvo, "runs", "respond", run_id, "--approve"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def start_approval(bridge: Bridge) -> str:
    return bridge.call("runs/start", {"agent_id": APPROVAL, "message": "go", "follow": True})["run"]["id"]


def follow_ended(run_id: str):
    return lambda message: (message.get("method") == "runs/followEnded"
                            and message["params"].get("run_id") == run_id)


def stop_all(processes) -> None:
    for process in processes:
        process.stop()


def settled(receiver: Receiver, run_ids: list[str]) -> None:
    """Waits until the receiver published each run's human_request, then a moment for the read it asks for: the
    windows that follow count only the reads polling or the safety net make."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        log = receiver.log()
        if all(f"published human_request for run {run_id}" in log for run_id in run_ids):
            break
        time.sleep(0.05)
    time.sleep(0.5)


def push_beats_polling(duvo: str, sim: Sim, receiver: Receiver, pushed: list[Bridge], polled: Bridge,
                       responder_runtime: str) -> None:
    """Each bridge starts and follows an approval run; while they wait for a person, the runs started with push are
    read less than the one polled (the same window); approved, every follow ends completed, learned by events."""
    runs = {id(bridge): start_approval(bridge) for bridge in [*pushed, polled]}
    for bridge in [*pushed, polled]:
        bridge.until(status_of(runs[id(bridge)], "waiting"), timeout=30)
    settled(receiver, [runs[id(bridge)] for bridge in pushed])
    before = sim.log()
    time.sleep(WINDOW_S)  # the window whose reads are compared; nothing asserts on how long anything took
    after = sim.log()
    window = {run_id: reads_of(run_id, after) - reads_of(run_id, before) for run_id in runs.values()}
    polled_reads = window[runs[id(polled)]]
    assert polled_reads >= 1, window
    for bridge in pushed:
        assert window[runs[id(bridge)]] < polled_reads, f"reads in the window: {window}"
    for bridge in pushed:
        approve(duvo, sim.url, responder_runtime, runs[id(bridge)])
    for bridge in pushed:
        run_id = runs[id(bridge)]
        # Well within the 60 s safety net: only the run_completed event can have told the bridge this soon.
        bridge.until(status_of(run_id, "completed"), timeout=30)
        bridge.until(follow_ended(run_id), timeout=10)
        assert TOKEN not in "".join(bridge.stdout) + bridge.log()


def test_three_bridges_on_one_machine_learn_by_events(duvo, sim, runtimes):
    runtime, _ = runtimes
    receiver = Receiver(duvo, runtime, subscribe=False)
    pushed = bridges(duvo, sim.url, [runtime] * 3, ["--webhooks", receiver.base])
    polled = bridges(duvo, sim.url, [runtime], [])[0]
    try:
        push_beats_polling(duvo, sim, receiver, pushed, polled, runtime)
        log = receiver.log()
        assert log.count("published run_completed for run") >= 3, log
        assert TOKEN not in log
    finally:
        stop_all([*pushed, polled])
        receiver.stop()


def listings(sim_log: str) -> int:
    return len(re.findall(r"GET /v\d/(?:teams/[^/ ]+/)?runs\?", sim_log))


def test_ends_under_shared_sweeps_cost_one_listing_not_a_read_per_run(duvo, sim, runtimes):
    """Three bridges on one machine share the key's sweeps (three runs each, so sweeps watch them); each follows runs
    waiting for a person. Approved, the nine runs end together: the bridge that sweeps lists the key's runs on the
    events and publishes the listing, so no bridge reads its runs on their own (a read per event would add a request
    per run to the sweeps)."""
    runtime, _ = runtimes
    receiver = Receiver(duvo, runtime, subscribe=False)
    pushed = bridges(duvo, sim.url, [runtime] * 3, ["--webhooks", receiver.base, "--team-id", TEAM])
    following = [bridge for bridge in pushed for _ in range(3)]
    try:
        runs = [start_approval(bridge) for bridge in following]
        for bridge, run_id in zip(following, runs):
            bridge.until(status_of(run_id, "waiting"), timeout=30)
        settled(receiver, runs)
        before = sim.log()
        for run_id in runs:
            approve(duvo, sim.url, runtime, run_id)
        for bridge, run_id in zip(following, runs):
            bridge.until(status_of(run_id, "completed"), timeout=30)
            bridge.until(follow_ended(run_id), timeout=30)
        ended = sim.log()
        # `duvo runs respond` reads the run once (for its pending request); the bridges, not at all.
        reads = {run_id: reads_of(run_id, ended) - reads_of(run_id, before) - 1 for run_id in runs}
        assert sum(reads.values()) == 0, f"reads of each run by the bridges after its approval: {reads}"
        assert listings(ended) > listings(before), "the ends were learned from listings"
        assert receiver.log().count("published run_completed for run") >= 9
    finally:
        stop_all(pushed)
        receiver.stop()


def test_bridges_on_two_runtime_directories_joined_by_redis(duvo, sim, runtimes):
    redis = RedisChild()
    a, b = runtimes
    coordination = ["--coordination", redis.url()]
    receiver = Receiver(duvo, a, env={"DUVO_COORDINATION": redis.url()}, subscribe=False)
    pushed = bridges(duvo, sim.url, [a, b, b], ["--webhooks", receiver.base, *coordination])
    polled = bridges(duvo, sim.url, [b], coordination)[0]
    try:
        push_beats_polling(duvo, sim, receiver, pushed, polled, a)
        assert "through redis://" in receiver.log()
    finally:
        stop_all([*pushed, polled])
        receiver.stop()
        redis.close()


def test_forged_oversized_and_wrong_method_cost_no_read(duvo, sim, runtimes):
    runtime, _ = runtimes
    receiver = Receiver(duvo, runtime, subscribe=False)
    followers = bridges(duvo, sim.url, [runtime] * 2, ["--webhooks", receiver.base])
    try:
        runs = [start_approval(bridge) for bridge in followers]
        for bridge, run_id in zip(followers, runs):
            bridge.until(status_of(run_id, "waiting"), timeout=30)
        settled(receiver, runs)
        forged = "0" * 64
        quiet_before = sim.log()
        time.sleep(WINDOW_S)
        quiet = sum(reads_of(run_id, sim.log()) - reads_of(run_id, quiet_before) for run_id in runs)
        attacked_before, receiver_before = sim.log(), len(receiver.log())
        deadline = time.monotonic() + WINDOW_S
        while time.monotonic() < deadline:
            for run_id in runs:
                assert receiver.post("/" + forged, event(run_id, "human_request", "waiting")) == 404
                assert receiver.post("/" + TOKEN, b'{"run_id": "' + run_id.encode() + b'"' + b" " * 5000 + b"}") == 413
                assert receiver.post("/" + TOKEN, event(run_id), method="PUT") == 405
            time.sleep(0.1)
        attacked = sum(reads_of(run_id, sim.log()) - reads_of(run_id, attacked_before) for run_id in runs)
        assert attacked == quiet == 0, f"reads quiet {quiet}, under the attack {attacked}"
        during = receiver.log()[receiver_before:]
        assert "refused" in during and "published" not in during, "nothing refused was published"
        # The same measure sees the one read a genuine event costs each bridge following the run.
        genuine_before = sim.log()
        assert receiver.post("/" + TOKEN, event(runs[0], "human_request", "waiting")) == 204
        deadline = time.monotonic() + 20
        while reads_of(runs[0], sim.log()) == reads_of(runs[0], genuine_before) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reads_of(runs[0], sim.log()) > reads_of(runs[0], genuine_before), "a genuine event is read"
    finally:
        stop_all(followers)
        receiver.stop()


def statuses(bridge: Bridge, run_id: str) -> list[dict]:
    return [message["params"] for message in bridge.notifications
            if message.get("method") == "runs/status" and message["params"].get("run_id") == run_id]


def message_indexes(bridge: Bridge, run_id: str) -> list[int]:
    return [message["params"]["index"] for message in bridge.notifications
            if message.get("method") == "runs/message" and message["params"].get("run_id") == run_id]


def test_dropped_duplicated_delayed_and_reordered_deliveries(duvo, runtimes):
    runtime, _ = runtimes
    sim = Sim(duvo, "--webhook-faults", "drop=0.2,duplicate=0.1,delay=0.1:1s,reorder=0.1:1s,seed=7")
    receiver = Receiver(duvo, runtime, subscribe=False)
    followers = bridges(duvo, sim.url, [runtime] * 3, ["--webhooks", receiver.base, "--webhooks-safety-net", "2"])
    expected = {ECHO: "completed", FAILING: "failed", INTERRUPTED: "interrupted", APPROVAL: "completed"}
    try:
        runs = []  # (bridge, run id, agent)
        for bridge in followers:
            for agent in expected:
                started = bridge.call("runs/start", {"agent_id": agent, "message": "go", "follow": True})
                runs.append((bridge, started["run"]["id"], agent))
        for bridge, run_id, agent in runs:
            if agent == APPROVAL:
                bridge.until(status_of(run_id, "waiting"), timeout=30)
                approve(duvo, sim.url, runtime, run_id)
        for bridge, run_id, agent in runs:
            bridge.until(follow_ended(run_id), timeout=60)
            seen = statuses(bridge, run_id)
            assert seen and seen[-1]["status"] == expected[agent] == sim.status(run_id), seen
            for earlier, later in zip(seen, seen[1:]):
                assert later["previous_status"] == earlier["status"] != later["status"], f"out of order: {seen}"
            indexes = message_indexes(bridge, run_id)
            assert indexes == list(range(len(indexes))), f"messages lost or repeated: {indexes}"
            assert len(indexes) == sim.message_total(run_id), f"{len(indexes)} messages of {sim.message_total(run_id)}"
        log = sim.log()
        assert "dropped (--webhook-faults" in log and "duplicated (--webhook-faults)" in log, "faults were made"
    finally:
        stop_all(followers)
        receiver.stop()
        sim.stop()


def approve_until_completed(duvo: str, sim: Sim, runtime: str, bridge: Bridge, run_id: str) -> None:
    approve(duvo, sim.url, runtime, run_id)
    bridge.until(follow_ended(run_id), timeout=60)
    assert statuses(bridge, run_id)[-1]["status"] == "completed"


def log_when(bridge: Bridge, text: str, timeout: float = 30) -> str:
    """The bridge's log once it holds `text`, or at the deadline."""
    deadline = time.monotonic() + timeout
    while text not in bridge.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    return bridge.log()


def test_receiver_killed_and_restarted_mid_run(duvo, sim, runtimes):
    runtime, _ = runtimes
    receiver = Receiver(duvo, runtime, subscribe=False)
    listen = f"127.0.0.1:{receiver.port}"
    bridge = bridges(duvo, sim.url, [runtime], ["--webhooks", receiver.base, "--webhooks-safety-net", "2"])[0]
    try:
        first, second = start_approval(bridge), start_approval(bridge)
        for run_id in (first, second):
            bridge.until(status_of(run_id, "waiting"), timeout=30)
        receiver.process.send_signal(signal.SIGKILL)
        receiver.process.wait(timeout=15)
        # Its event cannot be delivered: the safety net finds the end, and the process falls back to polling.
        approve_until_completed(duvo, sim, runtime, bridge, first)
        assert "webhook events are not arriving" in log_when(bridge, "webhook events are not arriving")
        receiver = Receiver(duvo, runtime, listen=listen, subscribe=False)
        approve_until_completed(duvo, sim, runtime, bridge, second)
        log = log_when(bridge, "webhook events arrive again")
        assert "webhook events arrive again" in log, log
        assert log.count("webhook events are not arriving") == 1, log
        assert f"published run_completed for run {second}" in receiver.log()
    finally:
        bridge.stop()
        if receiver.process.poll() is None:
            receiver.stop()
