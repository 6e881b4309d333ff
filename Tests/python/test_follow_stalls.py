"""Follows never give up on trouble that passes: `duvo rpc` against `duvo sim --faults` with heavy fault rates.

A user following a run while Duvo answers many 5xx, 429 storms and dropped connections must still get every message
exactly once, in order, and runs/followEnded with reason terminal; while the bridge cannot make progress it says so
(runs/followStalled) and says when it recovers (runs/followRecovered), each stall before its recovery and both before
the end. The run is started and its final messages read over plain HTTP with retries, so that only the follow rides
out the faults through the bridge.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from duvo_binary import sim_agent
from reliability_harness import TEAM, RPCChild, SimChild, unique_key


def http(sim: SimChild, key: str, method: str, path: str, body=None, attempts: int = 200):
    """Duvo's answer to one request, retried through injected faults (this is the test's own view of Duvo)."""
    data = json.dumps(body).encode() if body is not None else None
    for _ in range(attempts):
        request = urllib.request.Request(sim.url + path, data=data, method=method,
                                         headers={"Authorization": f"Bearer {key}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.load(answer)
        except (urllib.error.HTTPError, urllib.error.URLError, ConnectionError, TimeoutError):
            continue  # injected 5xx/429/drop: a started run is told apart by its unique message below
    raise AssertionError(f"{method} {path} never succeeded")


def start_run(sim: SimChild, key: str, agent: str) -> str:
    """Starts one run (a retried POST may start two: the test follows the first of its unique message's runs)."""
    marker = f"stall-{unique_key()}"
    http(sim, key, "POST", f"/v2/teams/{TEAM}/runs", {"agent_id": sim_agent(agent), "message": marker})
    listed = http(sim, key, "GET", f"/v2/teams/{TEAM}/runs?limit=100")
    return listed["data"][0]["id"]


def all_messages(sim: SimChild, key: str, run_id: str) -> list:
    messages: list = []
    while True:
        page = http(sim, key, "GET", f"/v2/runs/{run_id}/messages?limit=100&offset={len(messages)}")
        messages += page["messages"]
        if len(messages) >= page["total"] or not page["messages"]:
            return messages


def follow(rpc: RPCChild, run_id: str) -> str:
    """runs/follow, asked again while its own first read fails (that answer is an error, not a follow)."""
    for _ in range(50):
        answer = rpc.call("runs/follow", {"run_id": run_id})
        if "result" in answer:
            return answer["result"]["subscription"]
    raise AssertionError("runs/follow never answered")


# The errors a follow rides out (by the contract's names): everything else ends it.
PASSING_TROUBLE = {"RateLimited", "UpstreamUnavailable", "NetworkError", "Timeout"}


@pytest.mark.parametrize("faults,agent", [
    ("5xx=0.75,drop=0.05", "chatty"),
    ("429=0.25,5xx=0.3", "echo"),
], ids=["5xx-and-drops", "429-storms"])
def test_follow_rides_out_trouble_and_says_so(faults, agent, contract):
    key = unique_key()
    sim = SimChild(key, ["--faults", faults, "--seed", "5", "--speed", "10", "--rate-limit", "0"])
    rpc = RPCChild(sim.url, key, extra=["--poll-scale", "0.05"])
    try:
        run_id = start_run(sim, key, agent)
        subscription = follow(rpc, run_id)
        rpc.wait_for(lambda f: f.get("method") == "runs/followEnded"
                     and f["params"]["subscription"] == subscription, timeout=240)
        frames = [f for f in rpc.snapshot()
                  if "method" in f and f.get("params", {}).get("subscription") == subscription]
        methods = [f["method"] for f in frames]
        ended = frames[-1]["params"]
        assert methods[-1] == "runs/followEnded" and methods.count("runs/followEnded") == 1
        assert ended["reason"] == "terminal", f"the follow gave up: {ended}"

        delivered = [f["params"] for f in frames if f["method"] == "runs/message"]
        assert [m["index"] for m in delivered] == list(range(len(delivered))), "each message once, in order"
        assert [m["message"] for m in delivered] == all_messages(sim, key, run_id), "every message, as Duvo lists them"

        # Stalls and recoveries alternate, a recovery after each stall, all before the end.
        trouble = [m for m in methods if m in ("runs/followStalled", "runs/followRecovered")]
        assert trouble == ["runs/followStalled", "runs/followRecovered"] * (len(trouble) // 2), trouble
        error_names = {e["code"]: name for name, e in contract.document["components"]["errors"].items()}
        for frame in frames:
            contract.check_notification(frame["method"], frame["params"])
            if frame["method"] == "runs/followStalled":
                assert error_names[frame["params"]["error"]["code"]] in PASSING_TROUBLE, frame
        if faults.startswith("5xx=0.75"):
            # One read in three fails even after the bridge's own four tries: the follow certainly stalled.
            assert trouble, "a follow this troubled reports its stalls"
        assert rpc.close_and_wait(timeout=60) == 0
        assert key.encode() not in rpc.output() + sim.output(), "the API key appears in no output"
    finally:
        rpc.kill()
        sim.stop()
