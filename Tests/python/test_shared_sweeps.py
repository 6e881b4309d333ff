"""Shared team-wide sweeps: several `duvo rpc` processes on one key follow runs started elsewhere.

Against `duvo sim --no-rate-limit-headers` (so the processes can learn of each other only through the runtime
directory they share), with requests counted on the simulator's debug log:
- K processes following N runs between them hold the key's limit together (no 429), one of them sweeps for all,
  every follow gets every message once and ends, and together they spend within 1.5x of one process following the
  N runs;
- SIGKILL of the sweeping process mid-run: another takes the sweeps over, and every follow of the survivors ends.
"""

from __future__ import annotations

import json
import os
import signal
import urllib.request

import pytest

from duvo_binary import sim_agent
from reliability_harness import TEAM, RPCChild, SimChild, unique_key

RATE = 300
LEADS = b"this process now sweeps for the others"


def start_runs(sim: SimChild, key: str, count: int, agent: str = "chatty") -> list[str]:
    """Runs started by another system, straight through Duvo's API."""
    ids = []
    for k in range(count):
        request = urllib.request.Request(
            f"{sim.url}/v2/teams/{TEAM}/runs", method="POST",
            data=json.dumps({"agent_id": sim_agent(agent), "message": f"run {k}"}).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            ids.append(json.load(answer)["run"]["id"])
    return ids


def messages_of(sim: SimChild, key: str, run_id: str) -> list:
    request = urllib.request.Request(f"{sim.url}/v2/runs/{run_id}/messages?limit=100&offset=0",
                                     headers={"Authorization": f"Bearer {key}"})
    messages = []
    while True:
        with urllib.request.urlopen(request, timeout=30) as answer:
            page = json.load(answer)
        messages += page["messages"]
        if len(messages) >= page["total"] or not page["messages"]:
            return messages
        request = urllib.request.Request(
            f"{sim.url}/v2/runs/{run_id}/messages?limit=100&offset={len(messages)}",
            headers={"Authorization": f"Bearer {key}"})


def wire_requests(sim: SimChild) -> list[str]:
    """The requests the simulator served (its debug log), starts and the test's own reads excluded by the caller."""
    return [line for line in sim.stderr.bytes().decode(errors="replace").splitlines() if " -> " in line]


class Fleet:
    """K `duvo rpc` processes on one key and one runtime directory, following runs."""

    def __init__(self, sim: SimChild, key: str, count: int, runtime_dir: str, coordination: str = "local"):
        self.procs = [RPCChild(sim.url, key, rate_limit=RATE,
                               extra=["--poll-scale", "0.25", "--log-level", "debug", "--coordination", coordination],
                               ) for _ in range(count)]
        for proc in self.procs:
            pass
        self.subscriptions: dict[tuple[int, str], str] = {}

    def follow(self, runs: list[str]) -> None:
        for k, run_id in enumerate(runs):
            index = k % len(self.procs)
            result = self.procs[index].result("runs/follow", {"run_id": run_id})
            self.subscriptions[(index, run_id)] = result["subscription"]

    def wait_all(self, procs: set[int] | None = None) -> dict[tuple[int, str], list]:
        frames = {}
        for (index, run_id), subscription in self.subscriptions.items():
            if procs is not None and index not in procs:
                continue
            proc = self.procs[index]
            proc.wait_for(lambda f: f.get("method") == "runs/followEnded"
                          and f["params"]["subscription"] == subscription, timeout=240)
            frames[(index, run_id)] = [f for f in proc.snapshot() if "method" in f
                                       and f.get("params", {}).get("subscription") == subscription]
        return frames

    def close(self) -> None:
        for proc in self.procs:
            proc.kill()


def env_with_runtime_dir(path) -> None:
    os.environ["DUVO_RUNTIME_DIR"] = str(path)


@pytest.fixture
def runtime_dir(tmp_path, monkeypatch):
    directory = tmp_path / "runtime"
    directory.mkdir(mode=0o700)
    monkeypatch.setenv("DUVO_RUNTIME_DIR", str(directory))
    return directory


def check_follows(sim: SimChild, key: str, frames: dict) -> None:
    """Each follow ended at the run's end with every message once, in order (read with `key`, the test's own)."""
    for (_, run_id), events in frames.items():
        ended = events[-1]
        assert ended["method"] == "runs/followEnded" and ended["params"]["reason"] == "terminal", ended
        delivered = [f["params"] for f in events if f["method"] == "runs/message"]
        assert [m["index"] for m in delivered] == list(range(len(delivered)))
        assert [m["message"] for m in delivered] == messages_of(sim, key, run_id), f"run {run_id}: every message once"


def followed_requests(processes: int, runs: int, runtime_dir, coordination: str = "local",
                      agent: str = "slow") -> tuple[list[str], list]:
    key, own = unique_key(), unique_key()
    sim = SimChild(key, ["--api-key", f"{own}:{TEAM}", "--no-rate-limit-headers", "--rate-limit", str(RATE),
                         "--speed", "10", "--log-level", "debug"])
    fleet = Fleet(sim, key, processes, str(runtime_dir), coordination)
    try:
        ids = start_runs(sim, own, runs, agent)
        before = len(wire_requests(sim))
        fleet.follow(ids)
        frames = fleet.wait_all()
        spent = wire_requests(sim)[before:]
        check_follows(sim, own, frames)
        return spent, [proc.stderr.bytes() for proc in fleet.procs]
    finally:
        fleet.close()
        sim.stop()


def test_processes_on_one_key_share_one_sweep_and_spend_about_what_one_does(runtime_dir, tmp_path):
    alone, _ = followed_requests(1, 12, runtime_dir)
    together, logs = followed_requests(4, 12, runtime_dir)
    assert not [line for line in together if "-> 429" in line], "the processes hold the limit together"
    # One process sweeps at a time (the lease passes on when its follows end): together they sweep as often as
    # one process alone, where four sweeping each for itself would sweep four times as often.
    assert any(LEADS in log for log in logs), "a process sweeps for the others"
    sweeps = [line for line in together if "sort_by=updated_at" in line]
    sweeps_alone = [line for line in alone if "sort_by=updated_at" in line]
    print(f"alone: {len(alone)} requests, {len(sweeps_alone)} sweeps; 4 processes: {len(together)}, {len(sweeps)}")
    assert len(sweeps) <= 1.5 * len(sweeps_alone) + 2, f"{len(sweeps)} sweeps against {len(sweeps_alone)} alone"
    import collections
    kind = lambda line: "sweep" if "sort_by" in line else ("messages" if "/messages" in line else ("run" if "/v2/runs/" in line else line))
    print(collections.Counter(map(kind, alone)), collections.Counter(map(kind, together)))
    assert len(together) <= 1.5 * len(alone), f"{len(together)} requests against {len(alone)} for one process"


def test_sigkill_of_the_sweeping_process_hands_the_sweeps_on_and_loses_no_follow(runtime_dir):
    key, own = unique_key(), unique_key()
    sim = SimChild(key, ["--api-key", f"{own}:{TEAM}", "--no-rate-limit-headers", "--rate-limit", str(RATE),
                         "--speed", "2", "--log-level", "debug"])
    fleet = Fleet(sim, key, 3, str(runtime_dir))
    try:
        ids = start_runs(sim, own, 9)
        fleet.follow(ids)
        # The first sweep publication: one process leads.
        leader = None
        for _ in range(2):
            for index, proc in enumerate(fleet.procs):
                if LEADS in proc.stderr.bytes():
                    leader = index
            if leader is not None:
                break
            fleet.procs[0].wait_for(lambda f: f.get("method") == "runs/message", timeout=60)
        assert leader is not None, "a process sweeps"
        os.kill(fleet.procs[leader].pid, signal.SIGKILL)
        fleet.procs[leader].wait(timeout=30)
        survivors = {index for index in range(3) if index != leader}
        frames = fleet.wait_all(survivors)
        check_follows(sim, own, frames)
        assert any(LEADS in fleet.procs[index].stderr.bytes() for index in survivors), "another process took over"
    finally:
        fleet.close()
        sim.stop()
