"""Shutdown under load: SIGTERM while 1,000 requests are in flight answers or cancels every one, exactly once,
ends every follow with `runs/followEnded` (reason `shutdown`), and exits 0, in both framings.

Two thirds of the load are long `runs/wait`s, the rest reads racing the signal; a request sent after the load and
answered before the signal proves the server had read (and started) all of it. (Reads held up by a slow Duvo are
covered in test_reliability_faults.py: today they also hold up unrelated requests, see the xfail there.)
"""

from __future__ import annotations

import signal

import pytest

from duvo_binary import sim_agent
from reliability_harness import RPCChild, SimChild, answers, unique_key

IN_FLIGHT = 1000
FOLLOWS = 5


@pytest.mark.parametrize("framing", ["ndjson", "lsp"])
def test_sigterm_during_a_thousand_in_flight_requests_answers_or_cancels_each_once_and_exits_0(framing):
    key = unique_key()
    sim = SimChild(key, ["--rate-limit", "0"])
    rpc = RPCChild(sim.url, key, framing=framing, extra=["--log-level", "debug"])
    try:
        run_id = rpc.result("runs/start", {"agent_id": sim_agent("slow"), "message": "stay busy"})["run"]["id"]
        subscriptions = [rpc.result("runs/follow", {"run_id": run_id})["subscription"] for _ in range(FOLLOWS)]
        methods = ("runs/wait", "runs/get", "runs/wait", "runs/messages", "runs/wait", "runs/wait")
        for i in range(IN_FLIGHT):
            method = methods[i % len(methods)]
            params = {"run_id": run_id, "timeout_s": 600} if method == "runs/wait" else {"run_id": run_id}
            rpc.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        rpc.result("runs/unfollow", {"subscription": "sub-none"})

        rpc.proc.send_signal(signal.SIGTERM)
        status = rpc.wait(timeout=60)

        assert status == 0
        assert rpc.undecodable == []
        counts: dict[int, int] = {}
        for answer in answers(rpc.snapshot()):
            if isinstance(answer.get("id"), int):
                counts[answer["id"]] = counts.get(answer["id"], 0) + 1
                if "error" in answer:
                    assert answer["error"]["code"] == -32800, answer
        assert sorted(counts) == list(range(IN_FLIGHT)), "every in-flight request is answered"
        assert set(counts.values()) == {1}, "and only once"
        ended = [f["params"] for f in rpc.snapshot()
                 if isinstance(f, dict) and f.get("method") == "runs/followEnded"]
        assert sorted(e["subscription"] for e in ended) == sorted(subscriptions)
        assert {e["reason"] for e in ended} == {"shutdown"}
        assert key.encode() not in rpc.output() + sim.output()
    finally:
        rpc.kill()
        sim.stop()
