"""A run a bridge started with its webhook but did not follow at once (an MCP start then wait, a JSON-RPC start then
follow) is still read only as a safety net once followed: the simulator serves fewer reads of it than of the same run
followed by a bridge without `--webhooks`."""

from __future__ import annotations

import time

from test_webhooks_push import APPROVAL, Bridge, reads_of, runtime, sim, status_of  # noqa: F401 (fixtures)
from test_webhooks_receiver import Receiver


def start_then_follow(duvo: str, sim_url: str, runtime: str, extra: list[str]) -> str:
    bridge = Bridge(duvo, sim_url, runtime, extra)
    bridge.notifications = []
    try:
        run_id = bridge.call("runs/start", {"agent_id": APPROVAL, "message": "go"})["run"]["id"]
        bridge.call("runs/follow", {"run_id": run_id})
        bridge.until(status_of(run_id, "waiting"))
        time.sleep(8)  # the span whose reads are counted; nothing asserts on how long anything took
        bridge.call("runs/respond", {"run_id": run_id, "approved": True})
        bridge.until(status_of(run_id, "completed"))
        return run_id
    finally:
        bridge.stop()


def test_a_run_started_then_followed_later_is_read_only_as_a_safety_net(duvo, runtime, sim):
    sim_url, sim_log = sim
    receiver = Receiver(duvo, runtime)
    try:
        polled = start_then_follow(duvo, sim_url, runtime, [])
        pushed = start_then_follow(duvo, sim_url, runtime, ["--webhooks", receiver.base])
        log = sim_log()
        assert reads_of(pushed, log) < reads_of(polled, log), \
            f"reads with push {reads_of(pushed, log)}, polling {reads_of(polled, log)}"
        assert f"published run_completed for run {pushed}" in receiver.log()
    finally:
        receiver.stop()
